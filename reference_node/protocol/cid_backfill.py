"""The CID backfill's pacing, progress and state (CIDF §Backfill; A20 §25 backfill; seed "Content-addressed fact IDs").

Pure rules, time passed in: how long to pause so a run stays under its rate limit (STG-CID-019), the progress line
(done/total, rate, ETA) and the state the status route reports (STG-CID-014, STG-CID-018). The batches themselves,
one transaction each, are storage/cid_backfill.py.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COMPLETE", "PENDING", "RUNNING", "STALE_AFTER_US", "Progress", "pause_s", "stale_after_us", "state"]

COMPLETE = "backfill_complete"
RUNNING = "backfill_running"
PENDING = "backfill_pending"

# A run that recorded no batch for this long (at least) is no longer running: it was killed, or stopped.
STALE_AFTER_US = 60 * 1_000_000


def pause_s(written: int, elapsed_s: float, rate_limit: float | None) -> float:
    """Seconds to wait before the next batch so that ``written`` facts in ``elapsed_s`` stay within ``rate_limit``."""
    # STG-CID-019: a configurable rate limit bounds the backfill (facts per second); None or 0 is unbounded.
    if not rate_limit or rate_limit <= 0:
        return 0.0
    return max(0.0, written / rate_limit - elapsed_s)


def stale_after_us(batch_size: int, rate_limit: float | None) -> int:
    """How long a live run may go without committing a batch: a minute, or three batch intervals if longer."""
    interval_us = 0 if not rate_limit or rate_limit <= 0 else int(batch_size / rate_limit * 1e6)
    return max(STALE_AFTER_US, 3 * interval_us)


def state(pending: int, run_open: bool, last_updated_us: int | None, now_us: int,
          stale_us: int = STALE_AFTER_US) -> str:
    """``backfill_complete`` iff nothing is pending; ``backfill_running`` while an open run keeps committing
    batches (a run silent for ``stale_us`` was killed or stopped); otherwise ``backfill_pending``."""
    # STG-CID-014: complete exactly when no fact awaits its CID.
    if pending == 0:
        return COMPLETE
    if run_open and last_updated_us is not None and now_us - last_updated_us < stale_us:
        return RUNNING
    return PENDING


@dataclass(frozen=True)
class Progress:
    """A run's progress: ``done`` of ``total`` facts have a CID; ``written`` of them by this run in ``elapsed_s``."""

    done: int
    total: int
    written: int
    elapsed_s: float

    @property
    def rate(self) -> float:
        """Facts per second this run has written."""
        return self.written / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds until the pending facts are done at the current rate (None before any rate is known)."""
        remaining = self.total - self.done
        if remaining <= 0:
            return 0.0
        return remaining / self.rate if self.rate > 0 else None

    def line(self) -> str:
        """``cid backfill: 3000/10000 (30.0%), 498 facts/s, ETA 14 s``."""
        share = 100.0 * self.done / self.total if self.total else 100.0
        eta = self.eta_s
        left = "ETA unknown" if eta is None else f"ETA {eta:.0f} s"
        return f"cid backfill: {self.done}/{self.total} ({share:.1f}%), {self.rate:.0f} facts/s, {left}"
