"""The CID backfill of legacy rows, batch by batch (CIDF §Backfill; A20 §25 backfill; seed ``backfill-cids``).

A legacy row is a fact stored without a CID (``cid IS NULL``): written by a node that predates CIDs, or imported
from such a store. This node gives every fact it writes a CID in the fact's own transaction (STG-CID-010), so only
an older store holds them.

Each batch is one transaction (STG-CID-018): it reads up to ``batch_size`` CID-less rows in insertion order, stores
each row's CID (the facts_cid_write_once trigger refuses a second, different one) and its alias, and records the
progress on its run's row of ``cid_backfill_runs``. What remains is never bookkept separately: it is the rows whose
cid is still NULL, so a run killed at any point (SIGKILL included) has committed whole batches only, and the next
run continues with exactly the rows left. Rows whose stored body can no longer be canonicalized stay pending; a run
passes over them once (STG-CID-017: a second run changes nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reference_node.clock import Clock, format_timestamp
from reference_node.protocol import cid_backfill as rules
from reference_node.storage.database import Database
from reference_node.storage.rows import COLUMNS, ID, computed_cid

__all__ = ["Batch", "run", "run_batch", "start_run", "status"]

_PENDING = (f"SELECT {COLUMNS}, f.seq FROM facts f WHERE f.cid IS NULL AND f.seq > ? "
            "ORDER BY f.seq LIMIT ?")
_ALIAS = ("INSERT INTO fact_cid_aliases (fact_id, cid, created_at) VALUES (?, ?, ?) "
          "ON CONFLICT (fact_id) DO UPDATE SET cid = excluded.cid")
_PROGRESS = ("UPDATE cid_backfill_runs SET written = written + ?, batches = batches + 1, last_updated_at = ?, "
             "last_updated_us = ? WHERE id = ?")


@dataclass(frozen=True)
class Batch:
    """One committed batch: rows it read, rows it gave a CID, the last row's seq (where the run goes on)."""

    scanned: int
    written: int
    last_seq: int


def start_run(db: Database, now_us: int, batch_size: int, rate_limit: float | None) -> int:
    """Record a new run; returns its id."""
    stamp = format_timestamp(now_us)
    with db.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO cid_backfill_runs (started_at, batch_size, rate_limit, last_updated_at, last_updated_us) "
            "VALUES (?, ?, ?, ?, ?)", (stamp, batch_size, rate_limit or None, stamp, now_us))
        return int(cursor.lastrowid or 0)


def run_batch(db: Database, run_id: int, after_seq: int, batch_size: int, now_us: int) -> Batch:
    """Give CIDs to the next ``batch_size`` CID-less rows after ``after_seq``, in one transaction."""
    stamp = format_timestamp(now_us)
    written = 0
    # STG-CID-018: a batch is one transaction: its CIDs, aliases and progress commit together or not at all.
    with db.transaction() as conn:
        rows = conn.execute(_PENDING, (after_seq, batch_size)).fetchall()
        for row in rows:
            cid = computed_cid(row)
            if cid is None:
                continue  # an unreadable body stays pending (verify-cid names it); never a guessed CID
            # STG-CID-017: the CID and its alias are written together; the trigger keeps a stored CID unchanged.
            conn.execute("UPDATE facts SET cid = ? WHERE id = ? AND cid IS NULL", (cid, row[ID]))
            conn.execute(_ALIAS, (row[ID], cid, stamp))
            written += 1
        conn.execute(_PROGRESS, (written, stamp, now_us, run_id))
    return Batch(len(rows), written, rows[-1][-1] if rows else after_seq)


def _finish(db: Database, run_id: int, now_us: int) -> None:
    with db.transaction() as conn:
        conn.execute("UPDATE cid_backfill_runs SET finished_at = ? WHERE id = ?", (format_timestamp(now_us), run_id))


def _counts(db: Database, scopes: tuple[str, ...] | None) -> tuple[int, int]:
    where, params = ("", ()) if scopes is None else (f" WHERE scope IN ({', '.join('?' * len(scopes))})", scopes)
    with db.reading() as conn:
        total, done = conn.execute(f"SELECT COUNT(*), COUNT(cid) FROM facts{where}", params).fetchone()
    return int(total), int(done)


def run(db: Database, clock: Clock, batch_size: int = 1000, rate_limit: float | None = None,
        on_batch: Callable[[rules.Progress], None] | None = None,
        sleep: Callable[[float], None] = time.sleep) -> int:
    """Backfill every CID-less row, ``batch_size`` per transaction, at most ``rate_limit`` facts per second;
    ``on_batch`` hears the progress after each batch. Returns how many facts this run gave a CID."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total, done = _counts(db, None)
    started_us = clock.now_us()
    run_id = start_run(db, started_us, batch_size, rate_limit)
    written, last_seq = 0, 0
    while True:
        batch = run_batch(db, run_id, last_seq, batch_size, clock.now_us())
        written, last_seq = written + batch.written, batch.last_seq
        elapsed_s = (clock.now_us() - started_us) / 1e6
        if on_batch is not None:
            on_batch(rules.Progress(done + written, total, written, elapsed_s))
        if batch.scanned < batch_size:
            break
        # STG-CID-019: pause between batches so the run's average rate stays within the limit.
        pause = rules.pause_s(written, elapsed_s, rate_limit)
        if pause > 0:
            sleep(pause)
    _finish(db, run_id, clock.now_us())
    return written


def status(db: Database, scopes: tuple[str, ...] | None, now_us: int) -> dict[str, Any]:
    """STG-CID-014: total, backfilled and pending facts (of ``scopes``), complete iff none is pending; the state
    and the last progress time of the latest run (None when no run was ever made)."""
    total, done = _counts(db, scopes)
    with db.reading() as conn:
        latest = conn.execute(
            "SELECT last_updated_at, last_updated_us, finished_at, batch_size, rate_limit FROM cid_backfill_runs "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    last_at, last_us, finished, size, rate = latest if latest is not None else (None, None, None, 1, None)
    return {
        "total_facts": total,
        "backfilled_facts": done,
        "pending_facts": total - done,
        "backfill_complete": total == done,
        "state": rules.state(total - done, latest is not None and finished is None, last_us, now_us,
                             rules.stale_after_us(size, rate)),
        "last_updated_at": last_at,
    }
