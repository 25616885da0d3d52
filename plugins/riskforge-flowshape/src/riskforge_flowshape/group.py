"""The ``flow_shape`` feature group: SQL over raw_money_flows, keyed like riskforge's alert entities."""

from __future__ import annotations

from dataclasses import dataclass

from riskforge.features.base import SNAPSHOT, FeatureGroup, GroupSQL, SqlContext, float32_columns


@dataclass
class FlowShapeParams:
    """``min_amount_usd``: flows below it are dust and ignored; ``smurf_min_senders``: the fan-in that
    makes a collector smurf-like."""

    min_amount_usd: float = 1.0
    smurf_min_senders: int = 5


class FlowShapeGroup(FeatureGroup):
    name = "flow_shape"
    entity = "alert"
    tables = ("raw_money_flows",)
    description = "fan-in/fan-out, concentration, pass-through and peel-chain shape around the address"
    params_schema = FlowShapeParams

    def select(self, ctx: SqlContext) -> GroupSQL:
        flows = ctx.table("raw_money_flows")
        minimum = ctx.bind(float(ctx.params.get("min_amount_usd", 1.0)), "Float64")
        smurf = ctx.bind(int(ctx.params.get("smurf_min_senders", 5)), "UInt32")
        edges = f"""SELECT processing_date AS day, from_address AS src, to_address AS dst,
                    toFloat64(amount_usd_sum) AS usd
                FROM {flows}
                WHERE {SNAPSHOT} AND toFloat64(amount_usd_sum) >= {minimum} AND from_address != to_address"""
        columns = {
            "flow_fan_in": "s.fan_in",
            "flow_fan_out": "s.fan_out",
            "flow_top_sender_share": "s.top_in / nullIf(s.usd_in, 0)",
            "flow_top_recipient_share": "s.top_out / nullIf(s.usd_out, 0)",
            "flow_pass_through": "least(s.usd_in, s.usd_out) / nullIf(greatest(s.usd_in, s.usd_out), 0)",
            "flow_peel_like": (
                "s.fan_in = 1 AND s.fan_out BETWEEN 1 AND 2 AND s.usd_out BETWEEN 0.8 * s.usd_in AND 0.999 * s.usd_in"
            ),
            "flow_second_hop_recipients": "ifNull(h.second_hop, 0)",
            "flow_smurf_like": f"s.fan_in >= {smurf} AND s.fan_out BETWEEN 1 AND 2",
        }
        return GroupSQL(
            f"""SELECT {ctx.key_columns},
            {float32_columns(columns)}
        FROM entities AS e
        LEFT JOIN (
            SELECT day AS shape_day, node AS shape_address,
                uniqExactIf(peer, incoming) AS fan_in, uniqExactIf(peer, NOT incoming) AS fan_out,
                sumIf(usd, incoming) AS usd_in, sumIf(usd, NOT incoming) AS usd_out,
                maxIf(usd, incoming) AS top_in, maxIf(usd, NOT incoming) AS top_out
            FROM (
                SELECT day, dst AS node, src AS peer, usd, 1 AS incoming FROM ({edges})
                UNION ALL
                SELECT day, src AS node, dst AS peer, usd, 0 AS incoming FROM ({edges})
            )
            WHERE node IN (SELECT alerted.address FROM entities AS alerted)
            GROUP BY day, node
        ) AS s ON s.shape_day = e.processing_date AND s.shape_address = e.address
        LEFT JOIN (
            SELECT first.day AS hop_day, first.src AS hop_address, uniqExact(second.dst) AS second_hop
            FROM ({edges}) AS first
            INNER JOIN ({edges}) AS second ON second.day = first.day AND second.src = first.dst
            WHERE first.src IN (SELECT alerted.address FROM entities AS alerted) AND second.dst != first.src
            GROUP BY first.day, first.src
        ) AS h ON h.hop_day = e.processing_date AND h.hop_address = e.address""",
            list(columns),
        )
