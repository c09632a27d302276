"""SQL over the federation key and its rotation log (0009_key_rotations.sql; docs/federation-api.md "Key rotation").

``rotate`` runs in the caller's transaction: it retires the active key, stores a fresh one, appends the entry
signed by the old key (STG-KEY-010) to the rotation log and to the transparency log (STG-TLOG-011) and the
``key_rotation`` audit event (STG-KEY-015), all or nothing. ``log``
reads the chain back for ``GET /v1/federation/key-rotations`` (STG-KEY-016).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import timedelta
from typing import Any

from reference_node.protocol import key_rotation, peering
from reference_node.storage import audit_log, transparency_log
from reference_node.storage.federation_keys import active_seed, store_key

__all__ = ["log", "peer_chain", "rotate", "save_peer_chain"]


def log(conn: sqlite3.Connection) -> tuple[str | None, list[dict[str, Any]]]:
    """The first public key (None before any rotation) and every entry, oldest first."""
    rows = conn.execute("SELECT first_public_key, entry FROM federation_key_rotations ORDER BY seq").fetchall()
    return (rows[0][0] if rows else None), [json.loads(entry) for _, entry in rows]


def rotate(conn: sqlite3.Connection, entity_uri: str, now_s: str, created_at: str,
           actor_entity: str | None = None, manifest_follows: bool = False) -> dict[str, Any]:
    """Rotate to a fresh key now; returns the log entry. ``now_s`` is second-precision RFC 3339 UTC.
    ``manifest_follows``: the caller logs the re-signed manifest right after the rotation, so the entry's
    ``manifest_log_index`` names the index after the rotation's own."""
    old_seed = active_seed(conn)
    if old_seed is None:
        raise ValueError("the node has no federation key yet")
    first, entries = log(conn)
    rotated_at = key_rotation.parse_time(now_s, "now")
    if entries:
        # STG-KEY-012: rotated_at increases strictly; a second rotation within one second takes the next second.
        rotated_at = max(rotated_at, key_rotation.parse_time(entries[-1]["rotated_at"], "rotated_at")
                         + timedelta(seconds=1))
    new_seed = secrets.token_bytes(32)
    transparency_log.configure(conn, entity_uri.split("/")[2])
    manifest_index = transparency_log.size(conn) + 1 if manifest_follows else None
    entry = key_rotation.sign_entry(entity_uri, old_seed, new_seed, key_rotation.format_time(rotated_at),
                                    manifest_log_index=manifest_index)
    conn.execute("UPDATE federation_keys SET retired_at = ? WHERE retired_at IS NULL", (created_at,))
    store_key(conn, new_seed, created_at)
    conn.execute(
        "INSERT INTO federation_key_rotations (old_key_id, new_key_id, first_public_key, entry) VALUES (?, ?, ?, ?)",
        (entry["old_key_id"], entry["new_key_id"], first or peering.public_key(old_seed),
         json.dumps(entry, sort_keys=True)),
    )
    # STG-TLOG-011: the rotation is logged in the transparency log, in the same transaction.
    transparency_log.append(conn, "rotation", entry)
    # STG-KEY-015: the rotation is audited in its own transaction, before anyone sees the new key.
    audit_log.append(conn, "key_rotation", "success", created_at, actor_entity=actor_entity,
                     metadata={"entity_uri": entity_uri, "old_key_id": entry["old_key_id"],
                               "new_key_id": entry["new_key_id"], "rotated_at": entry["rotated_at"],
                               "dual_trust_expires_at": entry["dual_trust_expires_at"]})
    return entry


def peer_chain(conn: sqlite3.Connection, peer_id: str) -> list[dict[str, Any]]:
    """The verified rotation chain followed for a peer, from its registered key (empty: none)."""
    row = conn.execute("SELECT entries FROM federation_peer_rotations WHERE peer_id = ?", (peer_id,)).fetchone()
    return [] if row is None else list(json.loads(row[0]))


def save_peer_chain(conn: sqlite3.Connection, peer_id: str, entries: list[dict[str, Any]], at: str) -> bool:
    """Keep ``entries`` (verified by the caller) unless a chain at least as long is kept; True when stored."""
    if len(entries) <= len(peer_chain(conn, peer_id)):
        return False
    conn.execute("INSERT INTO federation_peer_rotations (peer_id, entries, fetched_at) VALUES (?, ?, ?) "
                 "ON CONFLICT (peer_id) DO UPDATE SET entries = excluded.entries, fetched_at = excluded.fetched_at",
                 (peer_id, json.dumps(entries, sort_keys=True), at))
    return True
