"""SQL over the node-wide audit log (Spec-09; A20 §22.3): ``append`` in the caller's transaction, ``page`` to export.

The table and its append-only triggers are in 0007_audit_log.sql. STG-AUDIT-005 (append-only), STG-AUDIT-007 (a
wall-clock timestamp), STG-AUDIT-008 (``seq`` increases and never resets), STG-AUDIT-009 (write-ahead: an event is
written in the transaction of the action it records, before the response).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["OUTCOMES", "LoggedEvent", "append", "page"]

OUTCOMES = ("success", "failure", "denied")
_COLUMNS = "seq, event_id, event_type, timestamp, hlc, actor_entity, scope, fact_id, outcome, metadata"


@dataclass(frozen=True)
class LoggedEvent:
    seq: int
    event_id: str
    event_type: str
    timestamp: str
    hlc: str | None
    actor_entity: str | None
    scope: str | None
    fact_id: str | None
    outcome: str
    metadata: str

    def public(self) -> dict[str, Any]:
        return {"seq": self.seq, "event_id": self.event_id, "event_type": self.event_type,
                "timestamp": self.timestamp, "hlc": self.hlc, "actor_entity": self.actor_entity,
                "scope": self.scope, "fact_id": self.fact_id, "outcome": self.outcome,
                "metadata": json.loads(self.metadata)}


def append(
    conn: sqlite3.Connection,
    event_type: str,
    outcome: str,
    timestamp: str,
    *,
    hlc: str | None = None,
    actor_entity: str | None = None,
    scope: str | None = None,
    fact_id: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> int:
    """Record one event in the caller's transaction and return its ``seq``."""
    if outcome not in OUTCOMES:
        raise ValueError(f"audit outcome must be one of {OUTCOMES}, not {outcome!r}")
    cursor = conn.execute(
        "INSERT INTO audit_log (event_id, event_type, timestamp, hlc, actor_entity, scope, fact_id, outcome, "
        "metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), event_type, timestamp, hlc, actor_entity, scope, fact_id, outcome,
         json.dumps(metadata or {}, sort_keys=True, ensure_ascii=False)),
    )
    return int(cursor.lastrowid or 0)


def page(
    conn: sqlite3.Connection,
    after_seq: int | None,
    limit: int,
    event_types: tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
) -> list[LoggedEvent]:
    """Up to ``limit`` events in ascending ``seq`` after ``after_seq``, of ``event_types`` (all when empty),
    with ``since <= timestamp < until`` where given."""
    clauses: list[str] = []
    params: list[object] = []
    if after_seq is not None:
        clauses.append("seq > ?")
        params.append(after_seq)
    if event_types:
        clauses.append(f"event_type IN ({', '.join('?' * len(event_types))})")
        params.extend(event_types)
    if since is not None:
        clauses.append("timestamp >= ?")
        params.append(since)
    if until is not None:
        clauses.append("timestamp < ?")
        params.append(until)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM audit_log{where} ORDER BY seq LIMIT ?", (*params, limit))
    return [LoggedEvent(*row) for row in rows]
