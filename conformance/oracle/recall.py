"""The suite's own model of recall's fixed arithmetic and of graph neighbours, written from the spec's text (seed
Architecture "Graph index and recall pipeline"; A20 §20.1.5, §20.3.3-§20.3.4), never from the node's code.

Token cost: 40 tokens a row plus one per started 4 bytes of the value's UTF-8 text. Neighbours: a breadth-first walk
over undirected edges (interpretation graph_direction = both), each entity once at its least number of hops.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

__all__ = ["distances", "fits", "neighbors", "recency", "token_cost", "trust_multiplier"]


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
