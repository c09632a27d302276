"""Time travel in the database: retraction records and visibility at T as SQL (Spec-X3; A20 §24.2.1, §24.4).

``visible_at`` is ``protocol.time_travel.visible`` rules 1-3 as clauses over the fact alias ``f`` (rule 4, the
tombstones, is ``storage.tombstones.suppressed``, which every read shares); they are pushed into the query's own
statement, never applied to a full scan (STG-TT-015): an entity query walks ``facts_entity_created``.
``record_retraction`` writes the fact_retractions rows of a confidence-0 assertion (STG-TT-005).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from reference_node.storage.rows import Stamp
from reference_node.storage.tombstones import uuid7

__all__ = ["record_retraction", "visible_at"]

# Rule 3 (STG-TT-005): retracted iff a fact_retractions row has retracted_at <= T; confidence is never consulted.
_RETRACTED_BY_T = "NOT EXISTS (SELECT 1 FROM fact_retractions r WHERE r.fact_id = f.id AND r.retracted_at_us <= ?)"
# The facts a retraction retracts: the earlier facts of its triple and garden that are not retracted yet.
_RETRACTABLE = (
    "SELECT f.id FROM facts f WHERE f.entity = ? AND f.relation = ? AND f.scope = ? AND f.garden_id IS ? "
    "AND f.confidence > 0 AND f.id != ? AND f.timestamp_us <= ? "
    "AND NOT EXISTS (SELECT 1 FROM fact_retractions r WHERE r.fact_id = f.id)"
)


def visible_at(at_us: int) -> tuple[list[str], list[Any]]:
    """Rules 1-3 of A20 §24.2.1 at ``at_us`` as SQL clauses over ``f``, with their parameters."""
    return (
        # STG-TT-004 rule 1: created at or before T (the fact's timestamp).
        ["f.timestamp_us <= ?",
         # STG-TT-004 rule 2: valid_until null or after T.
         "(f.valid_until_us IS NULL OR f.valid_until_us > ?)",
         _RETRACTED_BY_T],
        [at_us, at_us, at_us],
    )


def record_retraction(conn: sqlite3.Connection, stamp: Stamp, entity: str, relation: str, scope: str,
                      garden_id: str | None) -> int:
    """Write ``retract_`` + UUIDv7 rows for the facts a confidence-0 assertion retracts; how many."""
    targets = [row[0] for row in conn.execute(
        _RETRACTABLE, (entity, relation, scope, garden_id, stamp.id, stamp.timestamp_us))]
    conn.executemany(
        "INSERT INTO fact_retractions (id, fact_id, retracted_at, retracted_at_us, retracted_by) "
        "VALUES (?, ?, ?, ?, ?)",
        [(f"retract_{uuid7(stamp.timestamp_us // 1000)}", target, stamp.timestamp, stamp.timestamp_us, stamp.id)
         for target in targets],
    )
    return len(targets)
