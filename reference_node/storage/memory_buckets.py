"""Quota buckets of a one-worker node in its own memory (STG-QUOTA-012; docs/workers.md "Quota buckets").

With one worker no other process charges the node's buckets, so a charge need not commit anything: it reads the
bucket from memory (from the database the first time: what the last stop wrote), lets ``protocol.quotas.take``
refill and spend, and keeps the result, all under the database lock that every request of this process takes, so
two requests never spend one token twice. The levels are written to the database when the node stops. After a
crash a bucket starts again from the level its last stop wrote (or full), refilled since then: never above its
capacity. A20 §22.4.2 asks that QuotaPolicy overrides survive a restart and says nothing of bucket levels; the
policy stays in the database. Only this process changes it (``PUT /v1/admin/quota-policy``), so the limit in force
is read once per bucket and kept until ``policy_changed``, which that route calls after its commit: a change
applies to the next request (STG-QUOTA-005).
Several workers share their buckets through the database or Redis instead (``open_buckets``; STG-WORK-010).
"""

from __future__ import annotations

from reference_node.protocol.quotas import Decision, Limit, TokenBucket, take
from reference_node.storage.database import Database
from reference_node.storage.quotas import limit_in_force, store_buckets, stored_bucket

__all__ = ["MemoryBuckets"]


class MemoryBuckets:
    """The buckets of a one-worker node, keyed by (principal, dimension)."""

    backend = "memory"

    def __init__(self, db: Database) -> None:
        self.db = db
        self._held: dict[tuple[str, str], TokenBucket] = {}
        self._limits: dict[tuple[str, str], Limit] = {}

    def charge(self, principal: str, dimension: str, base: Limit, now_us: int) -> Decision:
        key = (principal, dimension)
        # STG-QUOTA-012: read, refill, spend and keep in one step under the lock every request of this process takes.
        with self.db.reading() as conn:
            held = self._held.get(key)
            if held is None:
                stored, limit = stored_bucket(conn, principal, dimension, base)
            else:
                stored, limit = held, self._limits.get(key) or limit_in_force(conn, principal, dimension, base)
            decision = take(stored, principal, dimension, limit, now_us)
            self._held[key] = decision.bucket
            self._limits[key] = limit
        return decision

    def policy_changed(self) -> None:
        """STG-QUOTA-005: the next charge of every bucket reads the limit in force again."""
        with self.db.reading():
            self._limits = {}

    def close(self) -> None:
        """Write every bucket's level to the database (the next start reads them back)."""
        with self.db.reading():
            held, self._held = list(self._held.values()), {}
        if held:
            with self.db.transaction(hooks=False) as conn:
                store_buckets(conn, held)
