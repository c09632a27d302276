"""Quota buckets in Redis, with ``--trust-cache redis://HOST:PORT`` (seed §22; STG-WORK-010, STG-WORK-013).

One key per bucket, ``stigmem:{node_id}:quota:{dimension}:{principal}``, holding ``storage.quotas.bucket_text``
(the exact token count as fraction text and the last refill in microseconds). A charge reads the key, lets
``protocol.quotas.take`` refill and spend (the one statement of the rule; Redis computes nothing), and stores the
result with a compare-and-set script: the key is written only if it still holds what was read, so two workers can
never both spend one token; a charge that lost the race starts again from the new value (bounded, then 503
``trust_cache_unavailable``: a failure refuses, never admits). A refusal stores its refilled bucket the same way
(its ``quota_breach`` event goes to the node's database, api/quotas.py). Buckets do not expire, like the database
rows; they last as long as the Redis server keeps its data. Keys carry the node id.
"""

from __future__ import annotations

from typing import Any

from reference_node.protocol.quotas import Decision, Limit, take
from reference_node.storage.database import Database
from reference_node.storage.errors import StoreError
from reference_node.storage.quotas import bucket_text, limit_in_force, parse_bucket
from reference_node.storage.trust_cache import REDIS_TIMEOUT_S

__all__ = ["MAX_ATTEMPTS", "RedisBuckets"]

# A charge that loses the compare-and-set this many times in a row gives up (503); two workers lose it rarely.
MAX_ATTEMPTS = 64

# Compare-and-set: write ARGV[2] only if the key still holds ARGV[1] ('' for a key that did not exist).
_CAS = """
local held = redis.call('GET', KEYS[1])
if (held or '') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
"""


class RedisBuckets:
    """The buckets of one node in Redis (the QuotaPolicy is read from ``db``)."""

    backend = "redis"

    def __init__(self, url: str, node_id: str, db: Database) -> None:
        try:
            import redis
        except ImportError as exc:  # the optional extra: pip install 'stigmem-conformance[redis]'
            raise ValueError("--trust-cache redis:// needs the redis package (pip install redis)") from exc
        self.db = db
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._prefix = f"stigmem:{node_id}:quota:"
        self._client: Any = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S,
                                                 socket_connect_timeout=REDIS_TIMEOUT_S)
        try:
            self._client.ping()
            self._cas = self._client.register_script(_CAS)
        except self._errors as exc:
            self._client.close()
            raise ValueError(f"cannot reach the trust cache at {url}: {exc}") from exc

    def charge(self, principal: str, dimension: str, base: Limit, now_us: int) -> Decision:
        key = f"{self._prefix}{dimension}:{principal}"
        with self.db.reading() as conn:  # the QuotaPolicy stays in the database
            limit = limit_in_force(conn, principal, dimension, base)
        try:
            for _ in range(MAX_ATTEMPTS):
                held: bytes | None = self._client.get(key)
                stored = None if held is None else parse_bucket(held.decode("ascii"), principal, dimension, limit)
                decision = take(stored, principal, dimension, limit, now_us)
                # STG-WORK-013, STG-QUOTA-012: stored only if nobody changed the bucket since it was read.
                if self._cas(keys=[key], args=[held or b"", bucket_text(decision.bucket)]):
                    break
            else:
                raise StoreError("trust_cache_unavailable", "the quota bucket kept changing; try again")
        except self._errors as exc:
            raise StoreError("trust_cache_unavailable",
                             f"the trust cache did not answer: {type(exc).__name__}") from exc
        return decision

    def policy_changed(self) -> None:
        """Every charge reads the limit in force from the database (another worker may change it)."""

    def close(self) -> None:
        self._client.close()
