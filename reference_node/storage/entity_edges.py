"""entity_edges: the graph adjacency index beside the facts (seed Architecture "Graph adjacency index"; A20 §20.1).

Written in the transaction of every fact insert (``record``): a live ref fact whose value is an entity URI adds one
edge (id = the fact id, object = the normalized URI); a retraction (confidence 0) of a triple sets its edges'
confidence to 0, so an edge never outlives its fact. ``backfill`` materializes the edges of facts stored before the
index existed (at start-up, idempotent). ``readable`` answers the edges of one entity that a reader may use: the
edge's fact is in the requested scope, in no garden or one the reader belongs to, released from quarantine and
unexpired; an edge the reader cannot read is never a hop (STG-REC-012).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri
from reference_node.protocol.graph import Edge
from reference_node.storage.garden_acl import RELEASED, Reader, visible_clause

__all__ = ["backfill", "readable", "record"]

_INSERT = ("INSERT OR IGNORE INTO entity_edges (id, subject, relation, object, scope, confidence, source_trust, "
           "decay_epoch, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)")
# A retraction of (entity, relation, scope) in the same garden zeroes the edges of that triple.
_RETRACT = ("UPDATE entity_edges SET confidence = 0 WHERE subject = ? AND relation = ? AND scope = ? AND "
            "confidence > 0 AND id IN (SELECT id FROM facts WHERE entity = ? AND relation = ? AND scope = ? "
            "AND garden_id IS ?)")


def _object(value_type: str, value_v: str) -> str | None:
    """The normalized entity URI of a ref value, else None (a ref that is not an entity URI adds no edge)."""
    if value_type != "ref":
        return None
    try:
        v = json.loads(value_v)
        return normalize(v) if isinstance(v, str) else None
    except (ValueError, InvalidEntityUri):
        return None


def record(conn: sqlite3.Connection, fact_id: str, entity: str, relation: str, value_type: str, value_v: str,
           scope: str, confidence: float, garden_id: str | None, created_us: int,
           source_trust: float | None = None) -> None:
    """Keep the index in step with one inserted fact (inside its transaction); the edge keeps the fact's
    source_trust (A20 §20.1.5: min_trust prunes edges; None for local facts)."""
    if confidence == 0:
        conn.execute(_RETRACT, (entity, relation, scope, entity, relation, scope, garden_id))
        return
    target = _object(value_type, value_v)
    if target is not None:
        conn.execute(_INSERT, (fact_id, entity, relation, target, scope, confidence, source_trust,
                               created_us // 1000))


def backfill(conn: sqlite3.Connection) -> int:
    """Edges for stored ref facts that have none, then every stored retraction; returns the edges added."""
    rows = conn.execute(
        "SELECT f.id, f.entity, f.relation, f.value_type, f.value_v, f.scope, f.confidence, f.timestamp_us, "
        "f.source_trust "
        "FROM facts f WHERE f.value_type = 'ref' AND f.confidence > 0 "
        "AND NOT EXISTS (SELECT 1 FROM entity_edges e WHERE e.id = f.id)").fetchall()
    added = 0
    for fact_id, entity, relation, value_type, value_v, scope, confidence, created_us, trust in rows:
        target = _object(value_type, value_v)
        if target is not None:
            conn.execute(_INSERT, (fact_id, entity, relation, target, scope, confidence, trust, created_us // 1000))
            added += 1
    if added:
        for entity, relation, scope, garden in conn.execute(
                "SELECT entity, relation, scope, garden_id FROM facts WHERE confidence = 0").fetchall():
            conn.execute(_RETRACT, (entity, relation, scope, entity, relation, scope, garden))
    return added


def readable(conn: sqlite3.Connection, entity: str, scope: str, reader: Reader, now_us: int,
             suppressed: Sequence[str] = (), upto_seq: int | None = None) -> list[Edge]:
    """The live edges touching ``entity`` in ``scope`` that ``reader`` may read, seen from ``entity`` (both
    directions: interpretation graph_direction = both); edges to a ``suppressed`` entity are left out, and so are
    edges of facts after ``upto_seq`` (a cursor walk's snapshot)."""
    garden, params = visible_clause("f.garden_id", reader.entity_uri, reader.node_admin)
    tail = (f" AND e.scope = ? AND e.confidence > 0 AND {garden} AND {RELEASED.format(column='f.id')} "
            "AND (f.valid_until_us IS NULL OR f.valid_until_us > ?) AND f.seq <= ?")
    sql = (f"SELECT e.object, e.relation, e.confidence, e.source_trust, e.id FROM entity_edges e "
           f"JOIN facts f ON f.id = e.id WHERE e.subject = ?{tail} UNION ALL "
           f"SELECT e.subject, e.relation, e.confidence, e.source_trust, e.id FROM entity_edges e "
           f"JOIN facts f ON f.id = e.id WHERE e.object = ? AND e.subject != e.object{tail}")
    upto = (1 << 62) if upto_seq is None else upto_seq
    rows = conn.execute(sql, (entity, scope, *params, now_us, upto, entity, scope, *params, now_us, upto)).fetchall()
    hidden = set(suppressed)
    return [Edge(other, relation, confidence, trust, fact_id)
            for other, relation, confidence, trust, fact_id in rows if other not in hidden]
