"""Graph neighbours: relation filters, limits and the breadth-first walk over entity edges (seed Architecture
"Graph adjacency index (entity_edges)"; Spec-X11-Recall-Graph / A20 §20.1.5).

The walk is pure: ``edges_of(entity)`` answers the edges the caller may use (the storage layer has already applied
scope, garden ACL, expiry and pruning), so an edge the caller cannot read is never a hop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reference_node.protocol.recall import RecallRefused

__all__ = [
    "DEFAULT_DEPTH",
    "DEFAULT_PAGE_SIZE",
    "MAX_DEPTH",
    "MAX_PAGE_SIZE",
    "Edge",
    "GraphDepthExceeded",
    "InvalidRelationFilter",
    "Neighbor",
    "RelationFilter",
    "neighbors",
    "parse_relation_filter",
    "validate_depth",
]

# A20 §20.1.5: depth 1-3, default 1; page_size default 20, max 200.
DEFAULT_DEPTH = 1
MAX_DEPTH = 3
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
# A relation term: namespace characters, optionally ending in one '*' (a prefix glob, never a regex).
_TERM = re.compile(r"[A-Za-z0-9:_.\-/]+\*?|\*")


class GraphDepthExceeded(RecallRefused):
    code = "graph_depth_exceeded"
    requirement = "STG-REC-012"


class InvalidRelationFilter(RecallRefused):
    code = "invalid_relation_filter"
    requirement = "STG-REC-012"


@dataclass(frozen=True)
class Edge:
    """One readable edge, as seen from the entity it was reached from: ``other`` is the far end."""

    other: str
    relation: str
    confidence: float
    source_trust: float | None
    fact_id: str


@dataclass(frozen=True)
class Neighbor:
    entity: str
    relation: str
    hops: int
    confidence: float
    source_trust: float | None
    path: tuple[str, ...]  # from the start entity to this one, both included
    fact_id: str

    def public(self) -> dict[str, object]:
        return {"entity": self.entity, "relation": self.relation, "hops": self.hops, "confidence": self.confidence,
                "source_trust": self.source_trust, "path": list(self.path)}


RelationFilter = tuple[str, ...]  # terms; a term ending in '*' is a prefix


def parse_relation_filter(raw: str | None) -> RelationFilter:
    """Comma-separated relations, each exact or a prefix ending in ``*``."""
    if raw is None or raw == "":
        return ()
    terms = tuple(term.strip() for term in raw.split(","))
    for term in terms:
        # STG-REC-012: only the prefix glob '*' is allowed, never a regex.
        if not _TERM.fullmatch(term):
            raise InvalidRelationFilter(f"relation_filter term {term!r} is not a relation or a prefix glob")
    return terms


def matches(relation: str, terms: RelationFilter) -> bool:
    if not terms:
        return True
    return any(relation.startswith(t[:-1]) if t.endswith("*") else relation == t for t in terms)


def validate_depth(value: int | None) -> int:
    if value is None:
        return DEFAULT_DEPTH
    if value < 1:
        raise RecallRefused(f"depth must be >= 1, got {value}")
    # STG-REC-012: depth above 3 is 400 graph_depth_exceeded.
    if value > MAX_DEPTH:
        raise GraphDepthExceeded(f"depth {value} exceeds {MAX_DEPTH}")
    return value


def neighbors(start: str, depth: int, edges_of: Callable[[str], Iterable[Edge]],
              keep: Callable[[Edge], bool] = lambda edge: True) -> list[Neighbor]:
    """Every entity within ``depth`` hops of ``start`` (start excluded), each once at its shortest distance; among
    equally short paths the first in (far entity, relation, fact id) order from the earliest parent. Sorted by
    (hops, entity). ``keep`` prunes edges before the walk (A20 §20.1.5: pruning before the BFS)."""
    found: dict[str, Neighbor] = {}
    frontier: list[tuple[str, tuple[str, ...]]] = [(start, (start,))]
    for hop in range(1, depth + 1):
        following: list[tuple[str, tuple[str, ...]]] = []
        for entity, path in frontier:
            ordered: Sequence[Edge] = sorted(edges_of(entity), key=lambda e: (e.other, e.relation, e.fact_id))
            for edge in ordered:
                # Duplicate paths are deduplicated, keeping the shortest (A20 §20.1.5).
                if not keep(edge) or edge.other == start or edge.other in found:
                    continue
                found[edge.other] = Neighbor(edge.other, edge.relation, hop, edge.confidence, edge.source_trust,
                                             (*path, edge.other), edge.fact_id)
                following.append((edge.other, (*path, edge.other)))
        frontier = following
        if not frontier:
            break
    return sorted(found.values(), key=lambda n: (n.hops, n.entity))
