"""SQL over the federation audit log (A08 §6.4, §6.6, §10 ``federation_audit``; Spec-09; A20 §22.3).

STG-ROB-001 (fields taken from the request are bounded, ``bounded``), STG-ROB-006 (a repeated identical event
within the repeat window raises the ``count`` of its row instead of adding one), STG-ROB-007 (rows beyond the
retention bound, by number or age, are deleted oldest first), STG-AUDIT-001 (every rejected inbound fact with
peer_id, fact_id, reason and time: an aggregated row keeps them, with the first and last time), STG-AUDIT-002
(event types rejected_fact, rejected_token, scope_violation, replay_attempt), STG-RPL-006 and STG-HLC-010 (replay,
expiry and skew refusals are audited). Rows are append-only but for ``count``, ``last_at`` and the deletion of rows
beyond retention (triggers in 0004_audit_bounds.sql); they are listed newest first. STG-AUDIT-024: each new row is
mirrored into the node-wide audit log (a replay attempt as ``replay_rejected``) in the same transaction; a repeat
counted on an existing row is not mirrored again (interpretation audit_federation_mirror).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

from reference_node.clock import format_timestamp, instant_us
from reference_node.protocol.audit_events import FEDERATION_MIRROR
from reference_node.storage import audit_log

__all__ = ["DEFAULT_BOUNDS", "EVENT_TYPES", "AuditBounds", "AuditEvent", "page", "set_bounds", "write"]

EVENT_TYPES = ("rejected_fact", "rejected_token", "scope_violation", "replay_attempt", "rejected_declaration")
_COLUMNS = "seq, id, peer_id, peer_node_id, event_type, fact_id, reason, detail, at, count, last_at"
# Rows past their age checked per insert (oldest first): an expired backlog drains this many at a time.
_AGE_PRUNE_BATCH = 64


# STG-ROB-001: a field that may come from unauthenticated input (a claimed iss) is kept to this many characters.
MAX_FIELD_CHARS = 256


def bounded(text: str | None, limit: int = MAX_FIELD_CHARS) -> str | None:
    """``text`` whole when short; else its head, a marker with its length and its SHA-256, within ``limit`` + 96."""
    if text is None or len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{text[:limit]}...[cut: {len(text)} chars, sha256:{digest}]"


@dataclass(frozen=True)
class AuditBounds:
    """How the log stays bounded; None (or a window of 0) turns that bound off."""

    max_rows: int | None = None
    max_age_s: int | None = None
    repeat_window_s: float | None = None

    def __post_init__(self) -> None:
        if self.max_rows is not None and self.max_rows < 1:
            raise ValueError("the audit row bound must be at least 1")
        if self.max_age_s is not None and self.max_age_s < 1:
            raise ValueError("the audit age bound must be at least 1 s")
        if self.repeat_window_s is not None and not self.repeat_window_s >= 0:
            raise ValueError("the audit repeat window must be 0 or more seconds")


# The node's default: repeats within 60 s share a row; 100,000 rows, each kept a year (Spec-09 Retention: long
# enough to investigate; A20 §22.3: at least 90 days, a year recommended), whichever bound comes first.
DEFAULT_BOUNDS = AuditBounds(max_rows=100_000, max_age_s=365 * 86_400, repeat_window_s=60.0)


def set_bounds(conn: sqlite3.Connection, bounds: AuditBounds) -> None:
    """Record the node's bounds, which ``write`` and the delete trigger of 0004_audit_bounds.sql both read."""
    conn.execute("UPDATE federation_audit_bounds SET max_rows = ?, max_age_s = ?, repeat_window_s = ?",
                 (bounds.max_rows, bounds.max_age_s, bounds.repeat_window_s))


def _bounds(conn: sqlite3.Connection) -> AuditBounds:
    row = conn.execute("SELECT max_rows, max_age_s, repeat_window_s FROM federation_audit_bounds").fetchone()
    return AuditBounds(*row) if row else AuditBounds()


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    id: str
    peer_id: str | None
    peer_node_id: str | None
    event_type: str
    fact_id: str | None
    reason: str
    detail: str | None
    at: str
    count: int
    last_at: str | None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "peer_id": self.peer_id,
            "peer_node_id": self.peer_node_id,
            "event_type": self.event_type,
            "fact_id": self.fact_id,
            "reason": self.reason,
            "detail": self.detail,
            "at": self.at,
            "count": self.count,
            "last_at": self.last_at or self.at,
        }


def write(
    conn: sqlite3.Connection,
    event_type: str,
    reason: str,
    at: str,
    *,
    peer_id: str | None = None,
    peer_node_id: str | None = None,
    fact_id: str | None = None,
    detail: str | None = None,
) -> None:
    """Record one event (inside the caller's transaction): a repeat raises its row's count, else a new row."""
    fields = (peer_id, bounded(peer_node_id), event_type, bounded(fact_id), bounded(reason), bounded(detail, 1000))
    fingerprint = hashlib.sha256(json.dumps(fields).encode("ascii")).digest()[:16]
    bounds = _bounds(conn)
    if _repeat(conn, fields, fingerprint, at, bounds.repeat_window_s):
        return
    row_id = str(uuid.uuid4())
    cursor = conn.execute(
        "INSERT INTO federation_audit (id, peer_id, peer_node_id, event_type, fact_id, reason, detail, at, last_at, "
        "fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row_id, *fields, at, at, fingerprint),
    )
    # STG-AUDIT-024: the federation audit is part of the node-wide audit log.
    audit_log.append(conn, FEDERATION_MIRROR.get(event_type, event_type), "denied", at, fact_id=fields[3],
                     metadata={"reason": fields[4], "federation_audit_id": row_id, "federation_event_type": event_type,
                               "peer_id": peer_id, "peer_node_id": fields[1], "detail": fields[5]})
    _prune(conn, int(cursor.lastrowid or 0), at, bounds)


def _repeat(conn: sqlite3.Connection, fields: tuple[str | None, ...], fingerprint: bytes, at: str,
            window_s: float | None) -> bool:
    """STG-ROB-006: count ``fields`` again on the newest row with the same fields first seen within the window."""
    now_us = instant_us(at)
    if not window_s or now_us is None:
        return False
    since = format_timestamp(now_us - int(window_s * 1_000_000))
    row = conn.execute(
        "SELECT seq FROM federation_audit WHERE fingerprint = ? AND at >= ? AND peer_id IS ? AND peer_node_id IS ? "
        "AND event_type = ? AND fact_id IS ? AND reason = ? AND detail IS ? ORDER BY seq DESC LIMIT 1",
        (fingerprint, since, *fields),
    ).fetchone()
    if row is None:
        return False
    conn.execute("UPDATE federation_audit SET count = count + 1, last_at = MAX(last_at, ?) WHERE seq = ?",
                 (at, row[0]))
    return True


def _prune(conn: sqlite3.Connection, seq: int, at: str, bounds: AuditBounds) -> None:
    """STG-ROB-007: delete the rows beyond retention after the insert of row ``seq`` at ``at``, oldest first."""
    if bounds.max_rows is not None:
        conn.execute("DELETE FROM federation_audit WHERE seq <= ?", (seq - bounds.max_rows,))
    now_us = instant_us(at)
    if bounds.max_age_s is not None and now_us is not None:
        cutoff = format_timestamp(now_us - bounds.max_age_s * 1_000_000)
        conn.execute(
            "DELETE FROM federation_audit WHERE seq IN (SELECT seq FROM federation_audit ORDER BY seq LIMIT ?) "
            "AND at < ?", (_AGE_PRUNE_BATCH, cutoff))


def page(
    conn: sqlite3.Connection, peer_id: str | None, event_type: str | None, before_seq: int | None, limit: int
) -> list[AuditEvent]:
    """Up to ``limit`` events newest first, strictly before ``before_seq``."""
    clauses: list[str] = []
    params: list[object] = []
    for column, wanted in (("peer_id", peer_id), ("event_type", event_type)):
        if wanted is not None:
            clauses.append(f"{column} = ?")
            params.append(wanted)
    if before_seq is not None:
        clauses.append("seq < ?")
        params.append(before_seq)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM federation_audit{where} ORDER BY seq DESC LIMIT ?", (*params, limit))
    return [AuditEvent(*row) for row in rows]
