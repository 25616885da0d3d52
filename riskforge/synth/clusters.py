"""raw_clusters: related alerts across several addresses, per snapshot.

``fund_flow`` clusters are the connected components of alerted addresses linked by a money flow of the
window (hubs with more than ``HUB_DEGREE`` counterparties link nothing, or every deposit address would
join its exchange's cluster); ``community`` clusters group the alerted addresses of one graph
community. Components are found with scipy over the whole batch at once; the cluster rows are then
aggregated in SQL. Cluster ids embed the date, as upstream ones do.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from clickhouse_connect.driver.client import Client
from scipy.sparse.csgraph import connected_components

from riskforge.synth.graph import HUB_DEGREE
from riskforge.synth.sql import address, run, usd

MAX_COMMUNITY = 50

_NODES = f"""
SELECT DISTINCT processing_date, address_id FROM {{database:Identifier}}.synth_tmp_alerts
WHERE unique_counterparties <= {HUB_DEGREE}
ORDER BY processing_date, address_id
"""

_LINKS = f"""
SELECT processing_date, src, dst FROM {{database:Identifier}}.synth_tmp_flows
WHERE (processing_date, src) IN ({_NODES}) AND (processing_date, dst) IN ({_NODES})
"""

_COMMUNITIES = f"""
SELECT processing_date, address_id, toUInt64(community_id) AS cluster_key
FROM {{database:Identifier}}.synth_tmp_alerts
WHERE unique_counterparties <= {HUB_DEGREE}
  AND (processing_date, community_id) IN (
    SELECT processing_date, community_id FROM {{database:Identifier}}.synth_tmp_alerts
    WHERE unique_counterparties <= {HUB_DEGREE}
    GROUP BY processing_date, community_id
    HAVING uniqExact(address_id) BETWEEN 2 AND {MAX_COMMUNITY}
  )
"""

_SEVERITY_RANK = "indexOf(['low', 'medium', 'high', 'critical'], severity)"

WRITE = f"""
INSERT INTO {{database:Identifier}}.raw_clusters (window_days, processing_date, cluster_id, cluster_type,
    primary_address, pattern_id, primary_alert_id, related_alert_ids, addresses_involved, total_alerts,
    total_volume_usd, severity_max, confidence_avg, earliest_alert_timestamp, latest_alert_timestamp, created_at)
SELECT
    {{window:UInt16}}, processing_date,
    concat('cl-', formatDateTime(processing_date, '%Y%m%d'), '-w', toString({{window:UInt16}}), '-', cluster_type,
        '-', leftPad(toString(number), 5, '0')),
    cluster_type, {address("top.3")}, concat('PAT-', upper(top.4), '-V1'), top.2, alert_ids,
    arraySort(arrayMap(a -> {address("a")}, address_ids)), toUInt32(length(alert_ids)), {usd("volume_cents")},
    ['low', 'medium', 'high', 'critical'][severity_rank], confidence_avg, first_ts, last_ts,
    toDateTime(processing_date, 'UTC') + 10800
FROM (
    SELECT processing_date, cluster_type,
        row_number() OVER (PARTITION BY processing_date, cluster_type ORDER BY min(alert_id)) AS number,
        arraySort(x -> (-x.1, x.2), groupArray((confidence, alert_id, address_id, typology)))[1] AS top,
        arraySort(groupArray(alert_id)) AS alert_ids, groupUniqArray(address_id) AS address_ids,
        sum(volume_cents) AS volume_cents, max({_SEVERITY_RANK}) AS severity_rank,
        toFloat32(arraySum(arraySort(groupArray(toFloat64(confidence)))) / count()) AS confidence_avg,
        min(last_activity_timestamp) AS first_ts, max(last_activity_timestamp) AS last_ts
    FROM (
        SELECT m.processing_date AS processing_date, m.cluster_type AS cluster_type, m.cluster_key AS cluster_key,
            a.alert_id AS alert_id, a.address_id AS address_id, a.typology AS typology,
            a.confidence AS confidence, a.severity AS severity, a.volume_cents AS volume_cents,
            a.last_activity_timestamp AS last_activity_timestamp
        FROM (
            SELECT processing_date, address_id, 'fund_flow' AS cluster_type, cluster_key
            FROM {{database:Identifier}}.synth_tmp_components
            UNION ALL
            SELECT processing_date, address_id, 'community', cluster_key FROM ({_COMMUNITIES})
        ) AS m
        INNER JOIN {{database:Identifier}}.synth_tmp_alerts AS a USING (processing_date, address_id)
    )
    GROUP BY processing_date, cluster_type, cluster_key
    HAVING uniqExact(address_id) >= 2
)
"""


def build(client: Client, database: str, seed: int, window: int) -> None:
    """Group the batch's alerts into clusters and write them to raw_clusters."""
    params = {"database": database}
    nodes = client.query_arrow(_NODES, parameters=params)
    links = client.query_arrow(_LINKS, parameters=params)
    date = nodes["processing_date"].cast(pa.int32()).to_numpy().astype(np.int64)
    key = date << 32 | nodes["address_id"].to_numpy().astype(np.int64)
    link_date = links["processing_date"].cast(pa.int32()).to_numpy().astype(np.int64)
    src = np.searchsorted(key, link_date << 32 | links["src"].to_numpy().astype(np.int64))
    dst = np.searchsorted(key, link_date << 32 | links["dst"].to_numpy().astype(np.int64))
    graph = sp.coo_matrix((np.ones(len(src)), (src, dst)), shape=(len(key), len(key)))
    _, component = connected_components(graph, directed=False)
    members = pa.table(
        {
            "processing_date": nodes["processing_date"],
            "address_id": nodes["address_id"],
            "cluster_key": pa.array(component.astype(np.uint64), pa.uint64()),
        }
    )
    run(
        client,
        "CREATE TABLE {database:Identifier}.synth_tmp_components "
        "(processing_date Date, address_id UInt32, cluster_key UInt64) ENGINE = Memory",
        database,
    )
    client.insert_arrow("synth_tmp_components", members, database=database)
    run(client, WRITE, database, window=window, seed=seed)
