"""SQL over the federation audit log (A08 §6.4, §6.6, §10 ``federation_audit``; Spec-09; A20 §22.3).

STG-ROB-001 (fields taken from the request are bounded, ``bounded``), STG-AUDIT-001 (every rejected inbound fact
with peer_id, fact_id, reason and time), STG-AUDIT-002 (event types rejected_fact, rejected_token,
scope_violation, replay_attempt), STG-RPL-006 and STG-HLC-010 (replay, expiry and skew refusals are audited). Rows
are append-only (triggers in 0002_federation.sql) and listed newest first.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["EVENT_TYPES", "AuditEvent", "page", "write"]

EVENT_TYPES = ("rejected_fact", "rejected_token", "scope_violation", "replay_attempt", "rejected_declaration")
_COLUMNS = "seq, id, peer_id, peer_node_id, event_type, fact_id, reason, detail, at"


# STG-ROB-001: a field that may come from unauthenticated input (a claimed iss) is kept to this many characters.
MAX_FIELD_CHARS = 256


def bounded(text: str | None, limit: int = MAX_FIELD_CHARS) -> str | None:
    """``text`` whole when short; else its head, a marker with its length and its SHA-256, within ``limit`` + 96."""
    if text is None or len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{text[:limit]}...[cut: {len(text)} chars, sha256:{digest}]"


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
    """Append one event (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO federation_audit (id, peer_id, peer_node_id, event_type, fact_id, reason, detail, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), peer_id, bounded(peer_node_id), event_type, bounded(fact_id), bounded(reason),
         bounded(detail, 1000), at),
    )


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
