"""The suite's own model of recall's fixed arithmetic and of graph neighbours, written from the spec's text (seed
Architecture "Graph index and recall pipeline"; A20 §20.1.5, §20.3.3-§20.3.4), never from the node's code.

Token cost: 40 tokens a row plus one per started 4 bytes of the value's UTF-8 text. Neighbours: a breadth-first walk
over undirected edges (interpretation graph_direction = both), each entity once at its least number of hops.
Fusion: per-stage min-max (all equal: 1.0, interpretation recall_min_max_ties), weighted sum, a stage that missed a
candidate adds 0. Salience: recency x confidence x access x contradiction x garden tier; score = raw x salience x
(0.5 + 0.5 t). Packing: by score, or MMR over given unit vectors; a row that does not fit is left out whole and
packing goes on. Cards: the facts of effective confidence >= 0.3 in (relation, hlc descending) order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

__all__ = ["access", "card", "distances", "fits", "fuse", "graph_score", "min_max", "neighbors", "pack", "recency",
           "salience", "token_cost", "trust_multiplier"]


def token_cost(value_text: str) -> int:
    """A20 §20.3.4: token_cost(f) = 40 + ceil(len(value_text_utf8) / 4)."""
    return 40 + math.ceil(len(value_text.encode("utf-8")) / 4)


def fits(costs: Iterable[int], budget: int) -> bool:
    return sum(costs) <= budget


def recency(age_days: float) -> float:
    return math.exp(-0.01 * age_days)


def trust_multiplier(t: float | None) -> float:
    return 1.0 if t is None else 0.5 + 0.5 * t


def neighbors(start: str, edges: Iterable[tuple[str, str]], depth: int) -> dict[str, int]:
    """entity -> hops for every entity within ``depth`` hops of ``start`` over undirected ``edges``."""
    adjacent: dict[str, set[str]] = {}
    for a, b in edges:
        adjacent.setdefault(a, set()).add(b)
        adjacent.setdefault(b, set()).add(a)
    hops: dict[str, int] = {start: 0}
    frontier = [start]
    for hop in range(1, depth + 1):
        following = []
        for entity in frontier:
            for other in sorted(adjacent.get(entity, ())):
                if other not in hops:
                    hops[other] = hop
                    following.append(other)
        frontier = following
    return {entity: h for entity, h in hops.items() if entity != start}


def distances(found: Mapping[str, int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for entity, h in found.items():
        out.setdefault(h, set()).add(entity)
    return out


def min_max(scores: Mapping[str, float]) -> dict[str, float]:
    """A20 §20.3.3 norm(): (s - min) / (max - min) over one stage's candidates; every score equal: 1.0 each."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    return {k: 1.0 if high == low else (v - low) / (high - low) for k, v in scores.items()}


def fuse(stages: Mapping[str, Mapping[str, float]], weights: Mapping[str, float]) -> dict[str, float]:
    """raw = a.norm(bm25) + b.norm(cos) + g.norm(graph); a stage that did not find a candidate counts 0."""
    normed = {name: min_max(stage) for name, stage in stages.items()}
    keys = sorted({k for stage in normed.values() for k in stage})
    return {k: sum(weights.get(name, 0.0) * stage.get(k, 0.0) for name, stage in normed.items()) for k in keys}


def graph_score(hops: int, confidence: float, out_degree: int) -> float:
    """(1 / (1 + hops)) x confidence / ln(1 + out_degree) (interpretation T-2: the natural log)."""
    return confidence / (1 + hops) / math.log(1 + out_degree)


def access(n: int, max_n: int) -> float:
    """log(1 + n) / log(1 + max_n); 1.0 when no candidate was ever returned (interpretation recall_access_weight)."""
    return 1.0 if max_n == 0 else math.log(1 + n) / math.log(1 + max_n)


def salience(age_days: float, confidence: float, n: int, max_n: int, contradicted: bool, tier: float) -> float:
    return recency(max(age_days, 0.0)) * confidence * access(n, max_n) * (0.7 if contradicted else 1.0) * tier


def pack(candidates: list[tuple[str, float, str]], budget: int, lambda_mmr: float | None = None,
         vectors: Mapping[str, list[float]] | None = None) -> tuple[list[str], int, bool]:
    """(ids in pick order, tokens used, truncated) for (id, score, value text) candidates; ties: the earlier one."""
    left = list(candidates)
    chosen: list[tuple[str, float, str]] = []
    used, truncated = 0, False

    def cos(a: str, b: str) -> float:
        va, vb = (vectors or {}).get(a), (vectors or {}).get(b)
        return sum(x * y for x, y in zip(va, vb, strict=True)) if va and vb else 0.0

    while left:
        def value(c: tuple[str, float, str]) -> float:
            if lambda_mmr is None or not chosen:
                return c[1]
            return lambda_mmr * c[1] - (1 - lambda_mmr) * max(cos(c[0], s[0]) for s in chosen)
        best = max(left, key=value)  # max keeps the first of equal values
        left.remove(best)
        cost = token_cost(best[2])
        if used + cost > budget:
            truncated = True
            continue
        chosen.append(best)
        used += cost
    return [c[0] for c in chosen], used, truncated


def card(facts: list[Mapping[str, object]], conflicts: list[tuple[str, str]]) -> dict[str, object]:
    """A20 §20.4 card contents: ids of the facts (``id, relation, confidence, t, hlc``) with confidence x t
    (confidence alone when t is None) >= 0.3, sorted by relation ascending then hlc descending; and the ids among
    them in an unresolved conflict with another live fact of the cover."""
    def eff(f: Mapping[str, object]) -> float:
        t = f.get("t")
        return float(f["confidence"]) * (1.0 if t is None else float(t))  # type: ignore[arg-type]
    kept = [f for f in facts if eff(f) >= 0.3]
    kept.sort(key=lambda f: str(f["hlc"]), reverse=True)
    kept.sort(key=lambda f: str(f["relation"]))
    live = {str(f["id"]) for f in facts}
    torn = {x for a, b in conflicts if a in live and b in live for x in (a, b)}
    ids = [str(f["id"]) for f in kept]
    return {"fact_ids": ids, "contradicted_ids": [i for i in ids if i in torn],
            "contradicted_count": sum(1 for i in ids if i in torn)}
