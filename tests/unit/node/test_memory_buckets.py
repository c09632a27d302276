"""One worker's quota buckets in memory (storage/memory_buckets.py): the database store's decisions, written at stop,
racing threads never spend a token twice, a policy change applies to the next charge. Expected figures are worked
by hand from A20 §22.4.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from reference_node.protocol.quotas import Limit
from reference_node.storage import quotas as rows
from reference_node.storage.database import Database
from reference_node.storage.quota_buckets import open_buckets
from reference_node.storage.quotas import Buckets

S = 1_000_000  # microseconds
BOT = "stigmem://t.test/agent/bot"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(str(tmp_path / "node.db"))
    database.migrate("2026-01-01T00:00:00.000000Z")
    yield database
    database.close()


def test_one_worker_in_memory_several_in_the_database(db: Database) -> None:
    assert open_buckets(None, db, "unused").backend == "memory"
    assert open_buckets("sqlite", db, "unused", workers=1).backend == "memory"
    assert open_buckets(None, db, "unused", workers=2).backend == "sqlite"


def test_memory_decides_as_the_database(db: Database) -> None:
    """Capacity 2 at 1/3 token/s: two pass at t=0, then wait 3 s; 1/3 token after 1 s (wait 2 s); one token at 3 s."""
    limit = Limit(2, Fraction(1, 3))
    schedule = [0, 0, 0, 1 * S, 3 * S, 3 * S]
    want = [(True, None), (True, None), (False, Fraction(3)), (False, Fraction(2)), (True, None), (False, Fraction(3))]
    for principal, workers in ((BOT, 1), (BOT + "2", 2)):
        buckets = open_buckets(None, db, "unused", workers=workers)
        got = [(d.accepted, d.retry_after) for d in
               (buckets.charge(principal, "fact_read", limit, now) for now in schedule)]
        assert got == want, buckets.backend


def test_levels_are_written_at_stop_and_read_back(db: Database) -> None:
    """Two of two tokens spent, the store stopped: the next store (a restart) refuses at once, 1 / 0.001 s to wait."""
    limit = Limit(2, Fraction(1, 1000))
    first = open_buckets(None, db, "unused")
    assert [first.charge(BOT, "fact_write", limit, 0).accepted for _ in range(2)] == [True, True]
    with db.reading() as conn:
        assert conn.execute("SELECT COUNT(*) FROM quota_buckets").fetchone()[0] == 0  # nothing committed per charge
    first.close()
    with db.reading() as conn:
        assert conn.execute("SELECT current, last_refill_us FROM quota_buckets").fetchall() == [("0", 0)]
    again = open_buckets(None, db, "unused").charge(BOT, "fact_write", limit, 0)
    assert not again.accepted and again.retry_after == 1000


def test_racing_threads_never_spend_a_token_twice(db: Database) -> None:
    """8 threads x 40 charges at one instant through a bucket of 100: exactly 100 pass."""
    buckets = open_buckets(None, db, "unused")
    limit = Limit(100, Fraction(1, 1000))
    passed: list[bool] = []
    barrier = threading.Barrier(8)

    def client() -> None:
        barrier.wait(timeout=10)
        got = [buckets.charge(BOT, "fact_read", limit, 5 * S).accepted for _ in range(40)]
        passed.extend(got)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(passed) == 320 and passed.count(True) == 100


def _charged_then_overridden(db: Database) -> tuple[Buckets, Limit]:
    """A bucket of 5 charged once (4 left), then an override of capacity 1 written straight into the table."""
    buckets = open_buckets(None, db, "unused")
    base = Limit(5, Fraction(1, 1000))
    assert buckets.charge(BOT, "fact_read", base, 0).accepted
    with db.transaction() as conn:
        rows.replace_overrides(conn, BOT, {"fact_read": Limit(1, Fraction(1, 1000))}, "2026-01-01T00:00:00Z")
    return buckets, base


def test_a_policy_change_applies_to_the_next_charge(db: Database) -> None:
    """STG-QUOTA-005: after policy_changed an override of capacity 1 caps the held 4 tokens on the next charge."""
    buckets, base = _charged_then_overridden(db)
    buckets.policy_changed()
    assert [buckets.charge(BOT, "fact_read", base, 0).accepted for _ in range(2)] == [True, False]


def test_the_limit_is_kept_until_the_policy_changes(db: Database) -> None:
    """The limit is read once per bucket: a row written behind the route's back waits for policy_changed."""
    buckets, base = _charged_then_overridden(db)
    assert [buckets.charge(BOT, "fact_read", base, 0).accepted for _ in range(2)] == [True, True]
