"""SQL over the node-wide audit log (Spec-09; A20 §22.3): ``append`` in the caller's transaction, ``page`` to export.

The table and its append-only triggers are in 0007_audit_log.sql. STG-AUDIT-005 (append-only), STG-AUDIT-007 (a
wall-clock timestamp), STG-AUDIT-008 (``seq`` increases and never resets), STG-AUDIT-009 (write-ahead: an event is
written in the transaction of the action it records, before the response), STG-AUDIT-019..024 (each event has its
type's shape, reference_node/protocol/audit_events.py), STG-AUDIT-027 (retention: rows older than the bound go).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

from reference_node.clock import format_timestamp, instant_us
from reference_node.protocol.audit_events import OUTCOMES, problems

__all__ = ["OUTCOMES", "PRUNE_EVERY", "LoggedEvent", "append", "last_seq", "page", "prune", "retention",
           "set_retention"]

# Rows beyond retention are pruned when a seq divisible by this is appended (and at start-up).
PRUNE_EVERY = 1024
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
    columns = {"actor_entity": actor_entity, "scope": scope, "fact_id": fact_id}
    # STG-AUDIT-004, STG-AUDIT-019..024: an event of a known type carries its type's fields.
    found = problems(event_type, outcome, columns, metadata or {})
    if found:
        raise ValueError("malformed audit event: " + "; ".join(found))
    cursor = conn.execute(
        "INSERT INTO audit_log (event_id, event_type, timestamp, hlc, actor_entity, scope, fact_id, outcome, "
        "metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), event_type, timestamp, hlc, actor_entity, scope, fact_id, outcome,
         json.dumps(metadata or {}, sort_keys=True, ensure_ascii=False)),
    )
    seq = int(cursor.lastrowid or 0)
    if seq % PRUNE_EVERY == 0:
        prune(conn, timestamp)
    return seq


def set_retention(conn: sqlite3.Connection, max_age_s: int) -> int | None:
    """Record the retention bound (the table refuses under 90 days); returns the previous one."""
    previous = retention(conn)
    conn.execute("UPDATE audit_log_bounds SET max_age_s = ?", (max_age_s,))
    return previous


def retention(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT max_age_s FROM audit_log_bounds").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def prune(conn: sqlite3.Connection, now: str) -> int:
    """STG-AUDIT-027: delete the rows older than the retention bound before ``now``; returns how many went.

    The cutoff is measured from the earlier of ``now`` and the newest event, as the delete trigger measures it, one
    second further back so the trigger's floating-point day arithmetic never sees a row at the edge."""
    max_age_s, now_us = retention(conn), instant_us(now)
    newest = conn.execute("SELECT MAX(timestamp) FROM audit_log").fetchone()[0]
    newest_us = None if newest is None else instant_us(newest)
    if max_age_s is None or now_us is None or newest_us is None:
        return 0
    cutoff = format_timestamp(min(now_us, newest_us) - (max_age_s + 1) * 1_000_000)
    return int(conn.execute("DELETE FROM audit_log WHERE timestamp < ?", (cutoff,)).rowcount)


def last_seq(conn: sqlite3.Connection) -> int:
    """The highest seq ever handed out (kept by AUTOINCREMENT even when its row is gone)."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    return 0 if row is None else int(row[0])


def page(
    conn: sqlite3.Connection,
    after_seq: int | None,
    limit: int,
    event_types: tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
    scopes: tuple[str, ...] | None = None,
) -> list[LoggedEvent]:
    """Up to ``limit`` events in ascending ``seq`` after ``after_seq``, of ``event_types`` (all when empty),
    with ``since < timestamp < until`` where given (both exclusive, interpretation audit_time_bounds), and, when
    ``scopes`` is given, only events without a scope or in one of them."""
    clauses: list[str] = []
    params: list[object] = []
    if after_seq is not None:
        clauses.append("seq > ?")
        params.append(after_seq)
    if event_types:
        clauses.append(f"event_type IN ({', '.join('?' * len(event_types))})")
        params.extend(event_types)
    if since is not None:
        clauses.append("timestamp > ?")
        params.append(since)
    if until is not None:
        clauses.append("timestamp < ?")
        params.append(until)
    if scopes is not None:
        clauses.append(f"(scope IS NULL OR scope IN ({', '.join('?' * len(scopes))}))")
        params.extend(scopes)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM audit_log{where} ORDER BY seq LIMIT ?", (*params, limit))
    return [LoggedEvent(*row) for row in rows]
