"""SQL over the conflicts index (Spec-15 §Conflict Entities; Spec-03 §Conflict Operations; A08 §3.3, §5.9-§5.10, §6.5).

The ``stigmem:conflict:*`` facts are the record (STG-CONF-004); the ``conflicts`` row indexes one pair and follows
its latest status, and ``open_conflict_facts`` lists the facts of unresolved conflicts, which is what the
``contradicted`` flag of reads means (STG-CONF-011). STG-SCOPE-007: listings are filtered by the caller's scopes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from reference_node.storage.tombstones import suppressed

__all__ = ["NO_SUPPRESSED_SIDE", "ConflictRow", "counts", "get", "insert", "mark_resolved", "page"]

# A conflict (alias {pair}) neither of whose facts an active tombstone suppresses (STG-TOMB-011/012/013).
NO_SUPPRESSED_SIDE = (
    "NOT EXISTS (SELECT 1 FROM facts sf WHERE sf.id IN ({pair}.fact_a, {pair}.fact_b) AND " + suppressed("sf") + ")"
)
_NO_SUPPRESSED_SIDE = NO_SUPPRESSED_SIDE.format(pair="conflicts")
_COLUMNS = "seq, conflict_id, fact_a, fact_b, scope, detected_at, status, resolved_by, garden_id"


@dataclass(frozen=True)
class ConflictRow:
    seq: int
    conflict_id: str
    fact_a: str
    fact_b: str
    scope: str
    detected_at: str
    status: str
    resolved_by: str | None
    garden_id: str | None = None


def insert(
    conn: sqlite3.Connection, conflict_id: str, fact_a: str, fact_b: str, scope: str, detected_at: str,
    garden_id: str | None = None,
) -> None:
    """Index a new unresolved conflict (of the pair's garden, STG-SCOPE-025) and mark both facts contradicted."""
    conn.execute(
        "INSERT INTO conflicts (conflict_id, fact_a, fact_b, scope, detected_at, garden_id) VALUES (?, ?, ?, ?, ?, ?)",
        (conflict_id, fact_a, fact_b, scope, detected_at, garden_id),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO open_conflict_facts (fact_id, conflict_id) VALUES (?, ?)",
        ((fact_a, conflict_id), (fact_b, conflict_id)),
    )


def get(conn: sqlite3.Connection, conflict_id: str) -> ConflictRow | None:
    """A conflict by id; None for an unknown one and, as GET /v1/conflicts leaves it out, for one with a suppressed
    side (STG-TOMB-013: resolving it answers 404 as for an unknown conflict)."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM conflicts WHERE conflict_id = ? AND {_NO_SUPPRESSED_SIDE}",
                       (conflict_id,)).fetchone()
    return None if row is None else ConflictRow(*row)


def mark_resolved(conn: sqlite3.Connection, conflict_id: str, resolution_fact_id: str) -> bool:
    """Set the status to resolved; False when it already was (the caller answers 409)."""
    changed = conn.execute(
        "UPDATE conflicts SET status = 'resolved', resolved_by = ? WHERE conflict_id = ? AND status = 'unresolved'",
        (resolution_fact_id, conflict_id),
    ).rowcount
    conn.execute("DELETE FROM open_conflict_facts WHERE conflict_id = ?", (conflict_id,))
    return changed == 1


def page(
    conn: sqlite3.Connection,
    status: str | None,
    scopes: tuple[str, ...] | None,
    before_seq: int | None,
    limit: int,
    gardens: tuple[str, tuple[object, ...]] = ("garden_id IS NULL", ()),
) -> list[ConflictRow]:
    """Up to ``limit`` conflicts, newest first, strictly before ``before_seq``, of the gardens the ``gardens`` SQL
    clause admits (default: conflicts outside gardens only)."""
    # STG-TOMB-011/012: a conflict over a suppressed fact is left out, as if the fact never existed.
    clauses: list[str] = [gardens[0], _NO_SUPPRESSED_SIDE]
    params: list[object] = list(gardens[1])
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    if scopes is not None:
        clauses.append(f"scope IN ({', '.join('?' * len(scopes))})")
        params.extend(scopes)
    if before_seq is not None:
        clauses.append("seq < ?")
        params.append(before_seq)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM conflicts{where} ORDER BY seq DESC LIMIT ?", (*params, limit))
    return [ConflictRow(*row) for row in rows]


def counts(conn: sqlite3.Connection, scopes: tuple[str, ...] | None = None) -> dict[str, int]:
    """Conflicts per status (of ``scopes``; None: all), for monitoring (STG-CONF-017)."""
    where = "" if scopes is None else f" WHERE scope IN ({', '.join('?' * len(scopes))})"
    found = dict(conn.execute(f"SELECT status, COUNT(*) FROM conflicts{where} GROUP BY status",
                              scopes or ()).fetchall())
    return {"unresolved": int(found.get("unresolved", 0)), "resolved": int(found.get("resolved", 0))}
