"""Adapter operations for recall's pure parts (vectors/recall/*.json): fusion, salience, packing, neighbours, cards.

Real numbers are answered as decimal strings with nine places (``%.9f``), so implementations in other languages
agree on text where their last binary digit may not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_node.adapter_calls import Interpretations
from reference_node.protocol import cards, graph
from reference_node.protocol import recall as rules

__all__ = ["card", "fuse", "neighbors", "pack", "salience"]


def _d(x: float) -> str:
    return f"{x:.9f}"


def fuse(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    weights = rules.validate_weights(inp.get("weights"))
    stages = {name: {str(k): float(v) for k, v in inp["stages"].get(name, {}).items()} for name in rules.STAGES}
    normalized = {name: rules.min_max(stage) for name, stage in stages.items()}
    raw = rules.fuse(stages, weights)
    return {"normalized": {name: {k: _d(v) for k, v in sorted(stage.items())} for name, stage in normalized.items()},
            "raw": {k: _d(v) for k, v in sorted(raw.items())}}


def salience(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    access = rules.access_weight(int(inp["access_count"]), int(inp["max_access_count"]))
    sal = rules.salience(float(inp["age_days"]), float(inp["confidence"]), access, inp["contradicted"] is True,
                         float(inp["garden_tier"]))
    t = None if inp.get("source_trust") is None else float(inp["source_trust"])
    out = {"recency": _d(rules.recency(float(inp["age_days"]))), "access": _d(access), "salience": _d(sal),
           "trust_multiplier": _d(rules.trust_factor(t))}
    if "raw" in inp:
        out["score"] = _d(float(inp["raw"]) * sal * rules.trust_factor(t))
    if "graph" in inp:
        g = inp["graph"]
        out["graph_score"] = _d(rules.graph_score(int(g["hops"]), float(g["confidence"]), int(g["out_degree"])))
    return out


def pack(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    budget = rules.validate_budget(inp["token_budget"])
    candidates = [rules.Candidate(str(c["id"]), float(c["score"]), rules.token_cost(str(c["value"])))
                  for c in inp["candidates"]]
    vectors = {str(k): [float(x) for x in v] for k, v in (inp.get("vectors") or {}).items()}

    def similarity(a: str, b: str) -> float:
        va, vb = vectors.get(a), vectors.get(b)
        return sum(x * y for x, y in zip(va, vb, strict=True)) if va and vb else 0.0

    lam = inp.get("lambda_mmr")
    chosen, used, truncated = rules.pack(candidates, budget, None if lam is None else float(lam), similarity)
    return {"token_costs": [c.cost for c in candidates], "results": [c.key for c in chosen], "tokens_used": used,
            "truncated": truncated}


def neighbors(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    depth = graph.validate_depth(inp.get("depth"))
    terms = graph.parse_relation_filter(inp.get("relation_filter"))
    floor = float(inp.get("min_confidence", 0.1))
    adjacent: dict[str, list[graph.Edge]] = {}
    for n, e in enumerate(inp["edges"]):
        fact_id = str(e.get("id", n))
        subject, obj = str(e["subject"]), str(e["object"])
        adjacent.setdefault(subject, []).append(graph.Edge(obj, str(e["relation"]), float(e["confidence"]), None,
                                                           fact_id))
        if obj != subject:
            adjacent.setdefault(obj, []).append(graph.Edge(subject, str(e["relation"]), float(e["confidence"]),
                                                           None, fact_id))
    found = graph.neighbors(str(inp["start"]), depth, lambda entity: adjacent.get(entity, []),
                            lambda edge: edge.confidence >= floor and graph.matches(edge.relation, terms))
    return {"neighbors": [{"entity": n.entity, "hops": n.hops} for n in found]}


def card(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    facts = [cards.CardFact(str(f["id"]), str(f["relation"]), str(f.get("value", "")), float(f["confidence"]),
                            None if f.get("source_trust") is None else float(f["source_trust"]), str(f["hlc"]))
             for f in inp["facts"]]
    built = cards.build(str(inp.get("entity", "stigmem://vectors.test/e")), str(inp.get("scope", "local")),
                        inp.get("garden_id"), facts, [(str(a), str(b)) for a, b in inp.get("conflicts", [])])
    return {"fact_ids": list(built.fact_ids), "contradicted_ids": list(built.contradicted_ids),
            "contradicted_count": len(built.contradicted_ids)}
