"""Where quota state lives (0008_quotas.sql): the token buckets and the admin QuotaPolicy overrides.

``Buckets`` is the small interface the node charges through; ``SqliteBuckets`` keeps the buckets in the node's
database, so every process serving one database file shares them (a Redis backend would implement ``charge`` as one
script doing the same read-refill-spend). A charge reads, refills and writes the bucket in one ``BEGIN IMMEDIATE``
transaction, so concurrent requests never spend one token twice (STG-QUOTA-012), and a refusal writes its
``quota_breach`` audit event in that same transaction, before the response (STG-QUOTA-011, STG-AUDIT-009).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from fractions import Fraction
from typing import Protocol

from reference_node.protocol.quotas import Decision, Limit, TokenBucket, take
from reference_node.storage import audit_log
from reference_node.storage.database import Database

__all__ = ["NODE_WIDE", "Buckets", "SqliteBuckets", "overrides", "record_breach", "replace_overrides"]

NODE_WIDE = ""  # the principal column of the node-wide override


class Buckets(Protocol):
    """Charge one request of ``principal`` to ``dimension`` at ``now_us``; ``breach`` records a refusal."""

    def charge(self, principal: str, dimension: str, limit: Limit, now_us: int,
               breach: Callable[[sqlite3.Connection, Decision], None]) -> Decision: ...


class SqliteBuckets:
    """Buckets in the node's SQLite database (shared by every process that opens it)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def charge(self, principal: str, dimension: str, limit: Limit, now_us: int,
               breach: Callable[[sqlite3.Connection, Decision], None]) -> Decision:
        with self.db.transaction() as conn:
            row = conn.execute("SELECT current, last_refill_us FROM quota_buckets WHERE principal = ? AND "
                               "dimension = ?", (principal, dimension)).fetchone()
            stored = None if row is None else TokenBucket(principal, dimension, limit.capacity, limit.rate,
                                                          Fraction(row[0]), int(row[1]))
            decision = take(stored, principal, dimension, limit, now_us)
            bucket = decision.bucket
            conn.execute("INSERT INTO quota_buckets (principal, dimension, current, last_refill_us) VALUES "
                         "(?, ?, ?, ?) ON CONFLICT (principal, dimension) DO UPDATE SET current = excluded.current, "
                         "last_refill_us = excluded.last_refill_us",
                         (principal, dimension, str(bucket.current), bucket.last_refill))
            if not decision.accepted:
                breach(conn, decision)
            return decision


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
