"""SQL over API keys: stored only as SHA-256 hex digests of the raw key (STG-AUTH-002, STG-AUTH-003)."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass

__all__ = ["KeyRow", "active_count", "create", "digest", "find", "listing", "new_raw_key", "revoke"]

_COLUMNS = "id, entity_uri, permissions, allowed_scopes, created_at"


@dataclass(frozen=True)
class KeyRow:
    id: str
    entity_uri: str
    permissions: tuple[str, ...]
    allowed_scopes: tuple[str, ...]
    created_at: str

    def public(self) -> dict[str, object]:
        """The key as listed: never the raw key, never the digest."""
        return {
            "id": self.id,
            "entity_uri": self.entity_uri,
            "permissions": list(self.permissions),
            "allowed_scopes": list(self.allowed_scopes),
            "created_at": self.created_at,
        }


def _row(row: tuple[str, str, str, str, str]) -> KeyRow:
    return KeyRow(row[0], row[1], tuple(json.loads(row[2])), tuple(json.loads(row[3])), row[4])


def new_raw_key() -> str:
    """A fresh raw key: 256 random bits, URL-safe."""
    return "stg_" + secrets.token_urlsafe(32)


def digest(raw_key: str) -> str:
    """STG-AUTH-002: the SHA-256 hex digest the node keeps in place of the key."""
    return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()


def create(conn: sqlite3.Connection, key: KeyRow, raw_key: str) -> None:
    conn.execute(
        "INSERT INTO api_keys (id, key_sha256, entity_uri, permissions, allowed_scopes, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            key.id, digest(raw_key), key.entity_uri, json.dumps(list(key.permissions)),
            json.dumps(list(key.allowed_scopes)), key.created_at,
        ),
    )


def find(conn: sqlite3.Connection, key_digest: str) -> KeyRow | None:
    """The active key with this digest."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM api_keys WHERE key_sha256 = ? AND revoked_at IS NULL", (key_digest,)
    ).fetchone()
    return None if row is None else _row(row)


def listing(conn: sqlite3.Connection) -> list[KeyRow]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id")
    return [_row(row) for row in rows]


def revoke(conn: sqlite3.Connection, key_id: str, revoked_at: str) -> bool:
    """Revoke an active key; False when there is none with this id."""
    changed = conn.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (revoked_at, key_id)
    ).rowcount
    return changed == 1


def active_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL").fetchone()[0])
