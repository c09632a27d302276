"""SQL over federation peers and their pull cursors (Spec-05; A08 §5.6-§5.7; docs/federation-api.md).

STG-FED-002/012 (peer records and statuses), STG-FED-009 (a rejection keeps its reason and time), STG-FED-032 (the
cursor is written in the transaction of the page it follows, by the caller).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

__all__ = ["PeerRow", "approve", "by_id", "by_node_id", "cursor", "listing", "save", "set_cursor"]

_COLUMNS = (
    "peer_id, node_id, node_url, federation_pubkey, allowed_scopes, status, registered_at, verified_at, "
    "established_at, rejected_reason, rejected_at"
)


@dataclass(frozen=True)
class PeerRow:
    peer_id: str
    node_id: str
    node_url: str
    federation_pubkey: str
    allowed_scopes: tuple[str, ...]
    status: str
    registered_at: str
    verified_at: str | None
    established_at: str | None
    rejected_reason: str | None
    rejected_at: str | None

    def public(self) -> dict[str, Any]:
        """The peer as GET /v1/federation/peers lists it (plus the rejection reason of a rejected peer)."""
        listed: dict[str, Any] = {
            "peer_id": self.peer_id,
            "node_id": self.node_id,
            "node_url": self.node_url,
            "status": self.status,
            "allowed_scopes": list(self.allowed_scopes),
            "established_at": self.established_at,
        }
        if self.status == "rejected":
            listed["rejected_reason"] = self.rejected_reason
            listed["rejected_at"] = self.rejected_at
        return listed


def _row(row: tuple[Any, ...]) -> PeerRow:
    values = list(row)
    values[4] = tuple(json.loads(values[4]))
    return PeerRow(*values)


def by_id(conn: sqlite3.Connection, peer_id: str) -> PeerRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM federation_peers WHERE peer_id = ?", (peer_id,)).fetchone()
    return None if row is None else _row(row)


def by_node_id(conn: sqlite3.Connection, node_id: str) -> PeerRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM federation_peers WHERE node_id = ?", (node_id,)).fetchone()
    return None if row is None else _row(row)


def listing(conn: sqlite3.Connection, status: str | None = None) -> list[PeerRow]:
    if status is None:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM federation_peers ORDER BY registered_at, peer_id")
    else:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM federation_peers WHERE status = ? ORDER BY registered_at, peer_id", (status,)
        )
    return [_row(row) for row in rows]


def save(conn: sqlite3.Connection, peer: PeerRow, declaration: dict[str, Any]) -> None:
    """Insert the peer, or replace the row of the same node_id (a rejected peer registering again)."""
    conn.execute(
        "INSERT INTO federation_peers (peer_id, node_id, node_url, federation_pubkey, allowed_scopes, declaration, "
        "status, registered_at, verified_at, established_at, rejected_reason, rejected_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (node_id) DO UPDATE SET node_url = excluded.node_url, "
        "federation_pubkey = excluded.federation_pubkey, allowed_scopes = excluded.allowed_scopes, "
        "declaration = excluded.declaration, status = excluded.status, registered_at = excluded.registered_at, "
        "verified_at = excluded.verified_at, established_at = excluded.established_at, "
        "rejected_reason = excluded.rejected_reason, rejected_at = excluded.rejected_at",
        (
            peer.peer_id, peer.node_id, peer.node_url, peer.federation_pubkey, json.dumps(list(peer.allowed_scopes)),
            json.dumps(declaration, ensure_ascii=False), peer.status, peer.registered_at, peer.verified_at,
            peer.established_at, peer.rejected_reason, peer.rejected_at,
        ),
    )


def approve(conn: sqlite3.Connection, peer_id: str, established_at: str) -> bool:
    """pending_approval -> active (interpretation peer_lifecycle); False when the peer was not pending."""
    changed = conn.execute(
        "UPDATE federation_peers SET status = 'active', established_at = ? "
        "WHERE peer_id = ? AND status = 'pending_approval'",
        (established_at, peer_id),
    ).rowcount
    return changed == 1


def cursor(conn: sqlite3.Connection, peer_id: str) -> str | None:
    row = conn.execute("SELECT cursor FROM federation_cursors WHERE peer_id = ?", (peer_id,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def set_cursor(conn: sqlite3.Connection, peer_id: str, value: str | None, pulled_at: str) -> None:
    conn.execute(
        "INSERT INTO federation_cursors (peer_id, cursor, pulled_at) VALUES (?, ?, ?) "
        "ON CONFLICT (peer_id) DO UPDATE SET cursor = excluded.cursor, pulled_at = excluded.pulled_at",
        (peer_id, value, pulled_at),
    )
