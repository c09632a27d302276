"""Where quota state lives (0008_quotas.sql): the token buckets and the admin QuotaPolicy overrides.

``Buckets`` is the small interface the node charges through, chosen by ``--trust-cache`` and ``--workers``
(``open_buckets`` in storage/quota_buckets.py; STG-WORK-010, STG-WORK-013). ``SqliteBuckets`` (several workers on
the default trust cache) keeps the buckets in the node's database, so every process serving one database file shares
them: a charge reads, refills and writes the bucket in one ``BEGIN IMMEDIATE`` transaction, so concurrent requests
never spend one token twice (STG-QUOTA-012). ``MemoryBuckets`` (storage/memory_buckets.py, one worker) keeps them in
the process and writes them here when the node stops; ``RedisBuckets`` (storage/redis_buckets.py) keeps them in
Redis. All let ``protocol.quotas.take`` decide; none computes anything itself, and none audits: the caller writes a
refusal's ``quota_breach`` event (``record_breach``) before the response (STG-QUOTA-011, STG-AUDIT-009). The policy
(QuotaPolicy overrides) always stays in the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from fractions import Fraction
from typing import Protocol

from reference_node.protocol.quotas import Decision, Limit, TokenBucket, take
from reference_node.storage import audit_log
from reference_node.storage.database import Database

__all__ = ["NODE_WIDE", "Buckets", "SqliteBuckets", "bucket_text", "limit_in_force", "overrides",
           "parse_bucket", "record_breach", "replace_overrides", "store_buckets", "stored_bucket"]

NODE_WIDE = ""  # the principal column of the node-wide override


class Buckets(Protocol):
    """Charge one request of ``principal`` to ``dimension`` at ``now_us`` under the limit in force (the stored
    QuotaPolicy override, else ``base``: the operator's or the default ceiling); the caller audits a refusal."""

    backend: str

    def charge(self, principal: str, dimension: str, base: Limit, now_us: int) -> Decision: ...

    def policy_changed(self) -> None:
        """Called after a QuotaPolicy change commits (a store that keeps limits must read them again)."""

    def close(self) -> None: ...


# STG-QUOTA-005: the principal's own override first, then the node-wide one ('' sorts after any principal's).
_OVERRIDE = ("SELECT capacity, rate FROM quota_policy WHERE dimension = ?2 AND principal IN (?1, '') "
             "ORDER BY principal = '' LIMIT 1")
# The bucket and the override in one statement (a charge runs on every request).
_BUCKET_AND_OVERRIDE = ("SELECT b.current, b.last_refill_us, p.capacity, p.rate FROM (SELECT ?1 AS principal, "
                        "?2 AS dimension) AS k LEFT JOIN quota_buckets AS b ON b.principal = k.principal AND "
                        "b.dimension = k.dimension LEFT JOIN quota_policy AS p ON p.dimension = k.dimension AND "
                        "p.principal IN (k.principal, '') ORDER BY p.principal = '' LIMIT 1")


def _limit(capacity: int | None, rate: str | None, base: Limit) -> Limit:
    return base if capacity is None or rate is None else Limit(int(capacity), fraction(rate))


def limit_in_force(conn: sqlite3.Connection, principal: str, dimension: str, base: Limit) -> Limit:
    """The stored override of ``principal`` (else the node-wide one) for ``dimension``, else ``base``."""
    row = conn.execute(_OVERRIDE, (principal, dimension)).fetchone()
    return base if row is None else _limit(row[0], row[1], base)


def fraction(text: str) -> Fraction:
    """The exact token count stored as ``str(Fraction)`` ("n/d" or "n")."""
    numerator, _, denominator = text.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def bucket_text(bucket: TokenBucket) -> str:
    """A bucket's stored state: ``"{current} {last_refill_us}"`` (current as exact fraction text)."""
    return f"{bucket.current} {bucket.last_refill}"


def parse_bucket(text: str, principal: str, dimension: str, limit: Limit) -> TokenBucket:
    """The bucket ``bucket_text`` wrote, under the limit in force now."""
    current, _, last = text.partition(" ")
    return TokenBucket(principal, dimension, limit.capacity, limit.rate, fraction(current), int(last))


class SqliteBuckets:
    """Buckets in the node's SQLite database (shared by every process that opens it)."""

    backend = "sqlite"

    def __init__(self, db: Database) -> None:
        self.db = db

    def close(self) -> None:
        """The database belongs to the store."""

    def policy_changed(self) -> None:
        """Every charge reads the limit in force (another worker may change it)."""

    def charge(self, principal: str, dimension: str, base: Limit, now_us: int) -> Decision:
        # No HLC catch-up: a charge stamps no HLC (and with several workers the other's charges would trigger it).
        with self.db.transaction(hooks=False) as conn:
            stored, limit = stored_bucket(conn, principal, dimension, base)
            decision = take(stored, principal, dimension, limit, now_us)
            store_buckets(conn, [decision.bucket])
            return decision


def stored_bucket(conn: sqlite3.Connection, principal: str, dimension: str,
                  base: Limit) -> tuple[TokenBucket | None, Limit]:
    """The stored bucket of (``principal``, ``dimension``), None if never charged, and the limit in force."""
    row = conn.execute(_BUCKET_AND_OVERRIDE, (principal, dimension)).fetchone()
    limit = _limit(row[2], row[3], base)
    if row[0] is None:
        return None, limit
    return TokenBucket(principal, dimension, limit.capacity, limit.rate, fraction(row[0]), int(row[1])), limit


def store_buckets(conn: sqlite3.Connection, buckets: Iterable[TokenBucket]) -> None:
    """Insert or replace each bucket's row (the exact token count as fraction text)."""
    conn.executemany("INSERT INTO quota_buckets (principal, dimension, current, last_refill_us) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (principal, dimension) DO UPDATE SET current = excluded.current, "
                     "last_refill_us = excluded.last_refill_us",
                     [(b.principal, b.dimension, str(b.current), b.last_refill) for b in buckets])


def overrides(conn: sqlite3.Connection, principal: str) -> dict[str, Limit]:
    """The stored overrides of ``principal`` (``NODE_WIDE`` for the node-wide ones), by dimension."""
    rows = conn.execute("SELECT dimension, capacity, rate FROM quota_policy WHERE principal = ? ORDER BY dimension",
                        (principal,))
    return {dimension: Limit(int(capacity), Fraction(rate)) for dimension, capacity, rate in rows}


def replace_overrides(conn: sqlite3.Connection, principal: str, limits: dict[str, Limit], updated_at: str) -> None:
    """Replace every override of ``principal`` with ``limits`` (rates stored exactly, as fraction text)."""
    conn.execute("DELETE FROM quota_policy WHERE principal = ?", (principal,))
    conn.executemany("INSERT INTO quota_policy (principal, dimension, capacity, rate, updated_at) VALUES "
                     "(?, ?, ?, ?, ?)", [(principal, d, limit.capacity, str(limit.rate), updated_at)
                                         for d, limit in sorted(limits.items())])


def record_breach(conn: sqlite3.Connection, decision: Decision, timestamp: str) -> None:
    """STG-QUOTA-011: one ``quota_breach`` event per refused request (metadata: dimension, principal, retry_after)."""
    bucket = decision.bucket
    retry_after = float(decision.retry_after) if decision.retry_after is not None else None
    audit_log.append(conn, "quota_breach", "denied", timestamp, actor_entity=bucket.principal,
                     metadata={"dimension": bucket.dimension, "principal": bucket.principal,
                               "retry_after": retry_after})
