"""What recall and the graph take from other features (seed Architecture "Graph index and recall pipeline"; A20
§23.3 recall-time tombstone filter; A20 §19.4 source trust).

``suppressed_facts``: the candidate facts an active tombstone covers (their entity, or the entity a ref value names,
in their scope; STG-TOMB-011/012), dropped after scope and garden filtering and before scoring and packing.
``tombstoned_entities``: the entities a tombstone covers in one scope (cards); ``walkable`` keeps the edges a walk
may use (those of no suppressed fact, so none touching a tombstoned entity); ``unsuppressed_seqs`` the candidates
that may seed the graph stage. ``source_trust``: the t stored with each pulled fact (None for local facts and when
trust is off; the multiplier 0.5 + 0.5 x t is then 1.0).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from reference_node.protocol.graph import Edge
from reference_node.storage import tombstones

__all__ = ["source_trust", "suppressed_facts", "tombstoned_entities", "unsuppressed_seqs", "walkable"]

_CHUNK = 500


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _marks(chunk: list[Any]) -> str:
    return ",".join("?" * len(chunk))


def suppressed_facts(conn: sqlite3.Connection, fact_ids: Iterable[str]) -> set[str]:
    """STG-TOMB-011/012: the facts among ``fact_ids`` an active tombstone suppresses."""
    found: set[str] = set()
    for chunk in _chunks(fact_ids):
        found.update(r[0] for r in conn.execute(
            f"SELECT f.id FROM facts f WHERE f.id IN ({_marks(chunk)}) AND {tombstones.suppressed('f')}", chunk))
    return found


def tombstoned_entities(conn: sqlite3.Connection, entities: Iterable[str], scope: str) -> set[str]:
    """The entities among ``entities`` an active tombstone covers in ``scope`` (a graph walk's scope)."""
    found: set[str] = set()
    for chunk in _chunks(entities):
        found.update(r[0] for r in conn.execute(
            f"SELECT DISTINCT entity_uri FROM tombstone_cover WHERE scope = ? AND entity_uri IN ({_marks(chunk)})",
            (scope, *chunk)))
    return found


def walkable(conn: sqlite3.Connection, edges: list[Edge]) -> list[Edge]:
    """STG-REC-021, STG-TOMB-011 (A20 §23.3 graph suppression): the edges a walk may take, those of no suppressed
    fact. An edge is a ref fact of one of its two entities naming the other, and a tombstone suppresses a fact by its
    entity and by the entity its ref value names (in the fact's scope, the walk's): so no edge leads to, out of or
    through a tombstoned entity, and a tombstoned start or seed has none."""
    dropped = suppressed_facts(conn, [e.fact_id for e in edges])
    return [e for e in edges if e.fact_id not in dropped]


def unsuppressed_seqs(conn: sqlite3.Connection, seqs: Iterable[int]) -> set[int]:
    """The facts (by seq) no active tombstone suppresses: only these may seed a graph walk."""
    found: set[int] = set()
    items = sorted(set(seqs))
    for start in range(0, len(items), _CHUNK):
        chunk = items[start:start + _CHUNK]
        found.update(int(r[0]) for r in conn.execute(
            f"SELECT f.seq FROM facts f WHERE f.seq IN ({_marks(chunk)}) AND NOT ({tombstones.suppressed('f')})",
            chunk))
    return found


def source_trust(conn: sqlite3.Connection, fact_ids: Iterable[str]) -> dict[str, float | None]:
    """t per fact id, as stored when the fact was pulled (A20 §2.8: cached per fact); None for local facts."""
    found: dict[str, float | None] = {}
    for chunk in _chunks(fact_ids):
        found.update((r[0], None if r[1] is None else float(r[1])) for r in conn.execute(
            f"SELECT id, source_trust FROM facts WHERE id IN ({_marks(chunk)})", chunk))
    return found
