"""SQL over the persistent peer-token nonce cache (Spec-11; A08 §6.6(3); A20 §22.5; STG-TOK-006..008).

STG-RPL-009: the cache lives in the database, so a restart forgets nothing. An entry is kept until
``retain_until_ms`` (interpretation nonce_retention, computed by ``protocol.replay``); entries past it are pruned
lazily, at most once a minute, by whoever accepts a nonce. The cache keys on the nonce alone (STG-TOK-008).
"""

from __future__ import annotations

import sqlite3

__all__ = ["accept", "holder", "prune", "seen"]

# Lazy pruning runs at most this often (milliseconds of the node's clock).
PRUNE_EVERY_MS = 60_000


def seen(conn: sqlite3.Connection, nonce: str, now_ms: int) -> bool:
    """True while an accepted nonce is still remembered (now <= retain_until)."""
    row = conn.execute(
        "SELECT 1 FROM federation_nonces WHERE nonce = ? AND retain_until_ms >= ?", (nonce, now_ms)
    ).fetchone()
    return row is not None


def holder(conn: sqlite3.Connection, nonce: str, now_ms: int) -> str | None:
    """Who a remembered nonce was accepted for (its ``issuer`` column), or None when it is not remembered."""
    row = conn.execute(
        "SELECT issuer FROM federation_nonces WHERE nonce = ? AND retain_until_ms >= ?", (nonce, now_ms)
    ).fetchone()
    return None if row is None else str(row[0])


def accept(conn: sqlite3.Connection, nonce: str, issuer: str, exp_ms: int, now_ms: int, retain_until_ms: int) -> bool:
    """Remember ``nonce`` unless it is remembered already; False when another request got there first.

    An entry whose retention has passed (not pruned yet) is replaced, as if it had been pruned.
    """
    changed = conn.execute(
        "INSERT INTO federation_nonces (nonce, issuer, accepted_at_ms, expires_at_ms, retain_until_ms) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (nonce) DO UPDATE SET issuer = excluded.issuer, "
        "accepted_at_ms = excluded.accepted_at_ms, expires_at_ms = excluded.expires_at_ms, "
        "retain_until_ms = excluded.retain_until_ms WHERE federation_nonces.retain_until_ms < excluded.accepted_at_ms",
        (nonce, issuer, now_ms, exp_ms, retain_until_ms),
    ).rowcount
    return changed == 1


def prune(conn: sqlite3.Connection, now_ms: int) -> int:
    """Forget every nonce whose retention has passed; returns how many."""
    return conn.execute("DELETE FROM federation_nonces WHERE retain_until_ms < ?", (now_ms,)).rowcount
