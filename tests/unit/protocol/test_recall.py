"""The pure recall and graph rules against values worked by hand from the spec's text (A20 §20.3.3-§20.3.4)."""

from __future__ import annotations

import math

import pytest

from reference_node.protocol import graph, recall


def test_token_cost_of_the_spec_example() -> None:
    assert recall.token_cost("CEO") == 41  # A20 golden: 40 + ceil(3/4)
    assert recall.token_cost("") == 40
    assert recall.token_cost("abcd") == 41 and recall.token_cost("abcde") == 42
    assert recall.token_cost("é" * 2) == 41  # 4 UTF-8 bytes


@pytest.mark.parametrize("weights", [{"lexical": 0.3, "vector": 0.5, "graph": 0.3}, {"lexical": -0.1, "vector": 1.1},
                                     {"semantic": 1.0}, {"lexical": True, "vector": 0.0, "graph": 0.0}, [0.3]])
def test_rejects_invalid_weights(weights: object) -> None:
    with pytest.raises(recall.InvalidWeights):
        recall.validate_weights(weights)


def test_weights_within_tolerance_and_defaults() -> None:
    assert recall.validate_weights(None) == {"lexical": 0.30, "vector": 0.50, "graph": 0.20}
    assert recall.validate_weights({"lexical": 0.3009, "vector": 0.5, "graph": 0.2})["lexical"] == 0.3009


def test_rejects_bad_budget_and_depth() -> None:
    for bad in (0, -1, None, 1.5, True):
        with pytest.raises(recall.InvalidTokenBudget):
            recall.validate_budget(bad)
    with pytest.raises(recall.RecallDepthExceeded):
        recall.validate_depth(3)
    with pytest.raises(graph.GraphDepthExceeded):
        graph.validate_depth(4)


def test_fusion_and_salience_arithmetic() -> None:
    raw = recall.fuse({"lexical": {"a": 2.0, "b": 1.0}, "vector": {"a": 0.5, "c": 0.9}, "graph": {}},
                      recall.DEFAULT_WEIGHTS)
    # a: lexical 1.0, vector 0.0; b: lexical 0.0; c: vector 1.0
    assert raw == pytest.approx({"a": 0.30, "b": 0.0, "c": 0.50})
    s = recall.salience(10.0, 0.8, 1.0, True, 1.0)
    assert s == pytest.approx(math.exp(-0.1) * 0.8 * 0.7)
    assert recall.access_weight(0, 0) == 1.0 and recall.access_weight(1, 3) == pytest.approx(math.log(2) / math.log(4))
    assert recall.trust_factor(None) == 1.0 and recall.trust_factor(0.4) == pytest.approx(0.7)
    assert recall.graph_score(1, 0.9, 3) == pytest.approx(0.5 * 0.9 / math.log(4))


def test_pack_exact_fit_and_one_over() -> None:
    rows = [recall.Candidate("a", 0.9, 41), recall.Candidate("b", 0.8, 42)]
    assert recall.pack(rows, 83, None) == (rows, 83, False)
    chosen, used, truncated = recall.pack(rows, 82, None)
    assert [c.key for c in chosen] == ["a"] and used == 41 and truncated
    assert recall.pack(rows, 40, None) == ([], 0, True)


def test_relation_filter_is_a_prefix_glob_only() -> None:
    assert graph.parse_relation_filter("rel:knows,memory:*") == ("rel:knows", "memory:*")
    assert graph.matches("memory:role", ("memory:*",)) and not graph.matches("rel:x", ("memory:*",))
    for bad in ("memory:(a|b)", "mem*ory", "a.*b", "x,,y"):
        with pytest.raises(graph.InvalidRelationFilter):
            graph.parse_relation_filter(bad)


def test_neighbors_on_a_cycle_keep_the_shortest_path() -> None:
    adjacency = {"a": ["b", "c"], "b": ["a", "c"], "c": ["a", "b", "d"], "d": ["c"]}

    def edges_of(entity: str) -> list[graph.Edge]:
        return [graph.Edge(o, "rel:x", 1.0, None, f"{entity}{o}") for o in adjacency.get(entity, [])]

    found = graph.neighbors("a", 2, edges_of)
    assert [(n.entity, n.hops) for n in found] == [("b", 1), ("c", 1), ("d", 2)]
    assert found[2].path == ("a", "c", "d")
    assert [n.entity for n in graph.neighbors("a", 1, edges_of)] == ["b", "c"]
