"""Quota buckets in a real Redis (storage/redis_buckets.py): exact fractions kept, a lost compare-and-set retried.

The Redis server is started here on a free loopback port and stopped by its PID; without ``redis-server`` (or the
``redis`` package) the tests skip and say why. Expected figures are worked by hand from A20 §22.4.1.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from conformance.harness.redis_server import redis_server
from reference_node.protocol.quotas import Limit
from reference_node.storage.database import Database
from reference_node.storage.errors import StoreError
from reference_node.storage.quota_buckets import open_buckets

S = 1_000_000  # microseconds


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as (url, note):
        if url is None:
            pytest.skip(f"{note}: the Redis backend is not run")
        yield url


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(str(tmp_path / "node.db"))
    database.migrate("2026-01-01T00:00:00.000000Z")
    yield database
    database.close()


def _charges(buckets: Any, limit: Limit, schedule: list[int],
             principal: str = "stigmem://t.test/agent/a") -> list[tuple[bool, Fraction | None]]:
    out = []
    for now in schedule:
        decision = buckets.charge(principal, "fact_read", limit, now)
        out.append((decision.accepted, decision.retry_after))
    return out


def test_redis_keeps_exact_fractions(redis_url: str, db: Database) -> None:
    """Capacity 2 at 1/3 token/s: two pass at t=0; then 1/3 token after 1 s (wait 2 s), one whole token at 3 s."""
    buckets = open_buckets(redis_url, db, f"stigmem://t.test/node/{time.monotonic_ns()}")
    try:
        assert buckets.backend == "redis"
        got = _charges(buckets, Limit(2, Fraction(1, 3)), [0, 0, 0, 1 * S, 3 * S, 3 * S])
    finally:
        buckets.close()
    assert got == [(True, None), (True, None), (False, Fraction(3)), (False, Fraction(2)), (True, None),
                   (False, Fraction(3))]


def test_redis_and_sqlite_decide_alike(redis_url: str, db: Database) -> None:
    """One schedule, every store (Redis, the database, one worker's memory), the same decisions to the exact fraction
    (a rate of 0.33 stays 33/100)."""
    limit = Limit(3, Fraction(33, 100))
    schedule = [0, 1, 2, 3, 1_500_000, 3_030_303, 3_030_304, 9 * S, 9 * S, 9 * S, 9 * S]
    redis_store = open_buckets(redis_url, db, f"stigmem://t.test/node/{time.monotonic_ns()}")
    try:
        from_redis = _charges(redis_store, limit, schedule)
    finally:
        redis_store.close()
    sqlite_store, memory_store = open_buckets(None, db, "unused", workers=2), open_buckets(None, db, "unused")
    assert (sqlite_store.backend, memory_store.backend) == ("sqlite", "memory")
    from_sqlite = _charges(sqlite_store, limit, schedule)
    from_memory = _charges(memory_store, limit, schedule, "stigmem://t.test/agent/b")
    assert from_redis == from_sqlite == from_memory
    assert [accepted for accepted, _ in from_redis].count(True) == 3 + 2  # 3 at first, 1 by 3.03 s, 1 more by 9 s


def test_a_lost_compare_and_set_reads_again(redis_url: str, db: Database) -> None:
    """Another worker spends a token between the read and the write: the write is refused and the charge retried."""
    node_id = f"stigmem://t.test/node/{time.monotonic_ns()}"
    buckets: Any = open_buckets(redis_url, db, node_id)
    other = open_buckets(redis_url, db, node_id)  # a second worker of the same node
    limit = Limit(2, Fraction(1, 1000))
    real_get = buckets._client.get
    raced = []

    def get_then_race(key: str) -> Any:
        held = real_get(key)
        if not raced:
            raced.append(True)
            other.charge("stigmem://t.test/agent/a", "fact_read", limit, 0)  # the other worker
        return held

    buckets._client.get = get_then_race
    try:
        got = _charges(buckets, limit, [0, 0])
    finally:
        buckets.close()
        other.close()
    # Two tokens: the other worker took one, so only one of ours passes (a blind write would have let both through).
    assert got == [(True, None), (False, Fraction(1000))]


def test_an_unreachable_redis_refuses(db: Database) -> None:
    """No Redis at the URL: the store does not open, so the node does not start (the error says why)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    pytest.importorskip("redis", reason="the redis package is not installed")
    with pytest.raises(ValueError, match="cannot reach the trust cache"):
        open_buckets(f"redis://127.0.0.1:{port}/0", db, "stigmem://t.test/node/x")


def test_redis_failure_mid_request_is_503(redis_url: str, db: Database) -> None:
    """Redis stops answering during a charge: StoreError trust_cache_unavailable (refused, never admitted)."""
    buckets: Any = open_buckets(redis_url, db, f"stigmem://t.test/node/{time.monotonic_ns()}")

    def broken(key: str) -> Any:
        raise ConnectionError("gone")

    buckets._client.get = broken
    try:
        with pytest.raises(StoreError) as caught:
            buckets.charge("stigmem://t.test/agent/a", "fact_read", Limit(5, Fraction(1)), 0)
    finally:
        buckets.close()
    assert caught.value.code == "trust_cache_unavailable"
