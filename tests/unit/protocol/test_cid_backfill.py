"""The backfill's pacing, progress line and state (reference_node/protocol/cid_backfill.py)."""

from __future__ import annotations

from reference_node.protocol.cid_backfill import (
    COMPLETE,
    PENDING,
    RUNNING,
    STALE_AFTER_US,
    Progress,
    pause_s,
    stale_after_us,
    state,
)


def test_pause_keeps_the_average_rate_within_the_limit():
    # 1000 facts at 500/s take 2 s: after 0.5 s the run waits 1.5 s more.
    assert pause_s(1000, 0.5, 500) == 1.5
    assert (1000 / (0.5 + pause_s(1000, 0.5, 500))) == 500


def test_no_pause_when_behind_the_limit_or_unbounded():
    assert pause_s(100, 10.0, 500) == 0.0
    assert pause_s(10**6, 0.0, None) == 0.0
    assert pause_s(10**6, 0.0, 0) == 0.0


def test_state_is_complete_iff_nothing_is_pending():
    assert state(0, True, 0, 10**12) == COMPLETE
    assert state(0, False, None, 0) == COMPLETE
    assert state(1, False, None, 0) == PENDING


def test_a_run_that_stopped_reporting_is_not_running():
    assert state(5, True, 1_000, 1_000 + STALE_AFTER_US - 1) == RUNNING
    assert state(5, True, 1_000, 1_000 + STALE_AFTER_US) == PENDING  # killed: the open row went silent
    assert state(5, False, 1_000, 1_001) == PENDING  # finished with facts left (unreadable bodies)


def test_slow_runs_get_a_longer_silence_before_they_count_as_stopped():
    assert stale_after_us(1000, 500) == STALE_AFTER_US  # a batch every 2 s
    assert stale_after_us(1000, 1) == 3 * 1000 * 1_000_000  # a batch every 1000 s
    assert stale_after_us(1000, None) == STALE_AFTER_US


def test_progress_line_gives_done_total_rate_and_eta():
    progress = Progress(done=3000, total=10000, written=1000, elapsed_s=2.0)
    assert progress.rate == 500.0
    assert progress.eta_s == 14.0
    assert progress.line() == "cid backfill: 3000/10000 (30.0%), 500 facts/s, ETA 14 s"


def test_progress_without_a_rate_has_no_eta():
    assert Progress(0, 10, 0, 0.0).line() == "cid backfill: 0/10 (0.0%), 0 facts/s, ETA unknown"
    assert Progress(10, 10, 10, 1.0).eta_s == 0.0
    assert Progress(0, 0, 0, 0.0).line().startswith("cid backfill: 0/0 (100.0%)")
