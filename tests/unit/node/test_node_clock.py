"""clock.py: RFC 3339 instants compared as numbers (STG-EXP-005, STG-QRY-006) and the node's stamp format."""

from __future__ import annotations

import pytest

from reference_node.clock import ManualClock, SystemClock, format_timestamp, instant_us

T = 1_777_593_600_000_000  # 2026-05-01T00:00:00Z


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01T00:00:00Z", T),
        ("2026-05-01t00:00:00z", T),
        ("2026-05-01T02:00:00+02:00", T),
        ("2026-04-30T19:30:00-04:30", T),
        ("2026-05-01T00:00:00.5Z", T + 500_000),
        ("2026-05-01T00:00:00.1234567Z", T + 123_456),
        ("2016-12-31T23:59:60Z", 1_483_228_800_000_000),
        ("1970-01-01T00:00:00Z", 0),
    ],
)
def test_instants(text, expected):
    assert instant_us(text) == expected


@pytest.mark.parametrize("text", ["2026-05-01", "2026-05-01T00:00:00", "2026-02-30T00:00:00Z", "x", 5, None])
def test_not_instants(text):
    assert instant_us(text) is None


def test_round_up_only_for_dropped_digits():
    assert instant_us("2026-05-01T00:00:00.0000001Z", round_up=True) == T + 1
    assert instant_us("2026-05-01T00:00:00.1000000Z", round_up=True) == T + 100_000


def test_stamp_format():
    assert format_timestamp(T + 42) == "2026-05-01T00:00:00.000042Z"
    assert instant_us(format_timestamp(T + 42)) == T + 42


def test_clocks():
    manual = ManualClock(T)
    manual.advance(5)
    assert manual.now_us() == T + 5
    manual.set(0)
    assert manual.now_us() == 0
    assert SystemClock().now_us() > T - 10**15
