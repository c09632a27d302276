"""The peer-token nonce cache behind one interface: SQLite (default) or Redis (seed §22, STG-WORK-005..007).

Migration guide v2.0 (§22 operator warnings): "STIGMEM_TRUST_CACHE_BACKEND=redis for production multi-worker".
Both backends record a nonce with one atomic step, never check-then-insert, so two workers can never both accept
it (STG-WORK-001): SQLite an ``INSERT ... ON CONFLICT`` inside ``BEGIN IMMEDIATE`` (storage/nonces.py), Redis a
``SET key NX PX ttl`` whose expiry is the nonce's retention (interpretation nonce_retention). SQLite needs nothing
installed and survives restarts with the database (STG-RPL-009); Redis survives them as far as the Redis server
persists its data. Redis keys carry the node id, so nodes sharing one Redis never share nonces.
"""

from __future__ import annotations

from typing import Any, Protocol

from reference_node.storage import nonces
from reference_node.storage.database import Database
from reference_node.storage.errors import StoreError

__all__ = ["NonceCache", "RedisNonceCache", "SqliteNonceCache", "open_cache"]

# Redis calls give up after this many seconds; the token is then refused (a failure denies, A20 §22.5).
REDIS_TIMEOUT_S = 2.0


class NonceCache(Protocol):
    """Where accepted peer-token nonces are remembered until their retention ends."""

    backend: str

    def seen(self, nonce: str, now_ms: int) -> bool:
        """True while an accepted nonce is still remembered."""

    def accept(self, nonce: str, issuer: str, exp_ms: int, now_ms: int, retain_until_ms: int) -> bool:
        """Remember ``nonce`` until ``retain_until_ms``; False when it is remembered already (a replay)."""

    def holder(self, nonce: str, now_ms: int) -> str | None:
        """The ``issuer`` a remembered nonce was accepted for (capability tokens: their fingerprint), else None."""

    def close(self) -> None:
        """Release connections."""


class SqliteNonceCache:
    """The ``federation_nonces`` table of the node's database; pruned lazily, at most once a minute."""

    backend = "sqlite"

    def __init__(self, db: Database) -> None:
        self.db = db
        self._last_prune_ms = 0  # per process: pruning is idempotent, so workers need not agree on it

    def seen(self, nonce: str, now_ms: int) -> bool:
        with self.db.reading() as conn:
            return nonces.seen(conn, nonce, now_ms)

    def accept(self, nonce: str, issuer: str, exp_ms: int, now_ms: int, retain_until_ms: int) -> bool:
        with self.db.transaction() as conn:
            if now_ms - self._last_prune_ms >= nonces.PRUNE_EVERY_MS:
                nonces.prune(conn, now_ms)
                self._last_prune_ms = now_ms
            # STG-WORK-001: one statement under the write lock of every process decides.
            return nonces.accept(conn, nonce, issuer, exp_ms, now_ms, retain_until_ms)

    def holder(self, nonce: str, now_ms: int) -> str | None:
        with self.db.reading() as conn:
            return nonces.holder(conn, nonce, now_ms)

    def close(self) -> None:
        """The database belongs to the store."""


class RedisNonceCache:
    """One Redis key per nonce, ``stigmem:{node_id}:nonce:{nonce}``, expiring when its retention ends."""

    backend = "redis"

    def __init__(self, url: str, node_id: str) -> None:
        try:
            import redis
        except ImportError as exc:  # the optional extra: pip install 'stigmem-conformance[redis]'
            raise ValueError("--trust-cache redis:// needs the redis package (pip install redis)") from exc
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._prefix = f"stigmem:{node_id}:nonce:"
        self._client: Any = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S,
                                                 socket_connect_timeout=REDIS_TIMEOUT_S)
        try:
            self._client.ping()
        except self._errors as exc:
            self._client.close()
            raise ValueError(f"cannot reach the trust cache at {url}: {exc}") from exc

    def _fail(self, exc: BaseException) -> StoreError:
        return StoreError("trust_cache_unavailable", f"the trust cache did not answer: {type(exc).__name__}")

    def seen(self, nonce: str, now_ms: int) -> bool:
        try:
            return bool(self._client.exists(self._prefix + nonce))
        except self._errors as exc:
            raise self._fail(exc) from exc

    def accept(self, nonce: str, issuer: str, exp_ms: int, now_ms: int, retain_until_ms: int) -> bool:
        # The key lives through retain_until_ms inclusive (nonces.seen keeps it while now <= retain_until).
        ttl_ms = max(1, retain_until_ms - now_ms + 1)
        try:
            # STG-WORK-001, STG-WORK-006: SET NX is the check and the record in one atomic step.
            return bool(self._client.set(self._prefix + nonce, issuer, nx=True, px=ttl_ms))
        except self._errors as exc:
            raise self._fail(exc) from exc

    def holder(self, nonce: str, now_ms: int) -> str | None:
        try:
            found = self._client.get(self._prefix + nonce)
        except self._errors as exc:
            raise self._fail(exc) from exc
        return None if found is None else bytes(found).decode("utf-8", "replace")

    def close(self) -> None:
        self._client.close()


def checked_url(url: str | None) -> str | None:
    """``url`` when it names a backend (None or ``sqlite``: the database; a redis:// URL), else ValueError."""
    if url is None or url == "sqlite" or url.startswith(("redis://", "rediss://", "unix://")):
        return url
    raise ValueError(f"--trust-cache is 'sqlite' or a redis:// URL, not {url!r}")


def open_cache(url: str | None, db: Database, node_id: str) -> NonceCache:
    """``None`` or ``sqlite``: the database's table (default, STG-WORK-007); ``redis://...``: Redis."""
    if checked_url(url) in (None, "sqlite"):
        return SqliteNonceCache(db)
    assert url is not None
    return RedisNonceCache(url, node_id)
