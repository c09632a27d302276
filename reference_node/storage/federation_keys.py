"""SQL over the node's federation keys (the ``federation_keys`` table): the active signing seed and a new key.

Key rotation (storage/key_rotations.py) retires and adds keys; the transparency log signs checkpoints with the
active one; neither owns the table.
"""

from __future__ import annotations

import hashlib
import sqlite3

from reference_node.protocol import base64url, peering

__all__ = ["active_seed", "store_key"]


def active_seed(conn: sqlite3.Connection) -> bytes | None:
    """The seed of the newest key not retired, or None before the first one is made."""
    row = conn.execute(
        "SELECT seed FROM federation_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1"
    ).fetchone()
    return None if row is None else base64url.decode(row[0], length=32)


def store_key(conn: sqlite3.Connection, seed: bytes, created_at: str) -> None:
    public = peering.public_key(seed)
    short_id = hashlib.sha256(base64url.decode(public)).hexdigest()[:16]  # the table's 16-hex key_id
    conn.execute("INSERT INTO federation_keys (key_id, public_key, seed, created_at) VALUES (?, ?, ?, ?)",
                 (short_id, public, base64url.encode(seed), created_at))
