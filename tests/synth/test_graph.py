"""Graph metrics on graphs whose answers are known by hand."""

from __future__ import annotations

import numpy as np

from riskforge.synth import graph


def metrics(edges: list[tuple[int, int]], cents: int = 100) -> dict[str, np.ndarray]:
    src, dst = (np.array(side, dtype=np.int64) for side in zip(*edges, strict=True))
    return graph.compute(src, dst, np.full(len(src), cents, dtype=np.int64), np.random.default_rng(0))


def test_triangle_with_a_tail() -> None:
    # 1-2-3 form a triangle, 4 hangs off 3
    m = metrics([(1, 2), (2, 3), (3, 1), (3, 4)])
    assert m["address_id"].tolist() == [1, 2, 3, 4]
    assert m["clustering_coefficient"].tolist() == [1.0, 1.0, np.float32(1 / 3), 0.0]
    assert m["kcore"].tolist() == [2, 2, 2, 1]
    assert m["khop1_count"].tolist() == [2, 2, 3, 1]
    assert m["cycle_size"].tolist() == [3, 3, 3, 1]
    assert abs(float(m["pagerank"].sum()) - 1.0) < 1e-5
    assert m["betweenness"].argmax() == 2  # the only bridge to 4
    assert m["khop1_volume_cents"][3] == m["khop1_volume_cents"].min()


def test_two_components_get_two_communities_and_self_loops_are_ignored() -> None:
    m = metrics([(1, 2), (2, 1), (10, 11), (11, 12), (12, 10), (5, 5)])
    community = dict(zip(m["address_id"].tolist(), m["community_id"].tolist(), strict=True))
    assert 5 not in community
    assert community[1] == community[2] != community[10] == community[11] == community[12]


def test_columns_match_their_declared_types() -> None:
    m = metrics([(1, 2), (2, 3)])
    assert list(m) == list(graph.COLUMNS)
    assert m["pagerank"].dtype == np.float32 and m["kcore"].dtype == np.uint32
