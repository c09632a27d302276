"""reference_node.protocol.time_travel against A20 §24.2 (validation: RFC 3339, "not in the future (server clock +
5 s tolerance)", not before the retention floor) and §24.2.1 (visibility at T: created at or before T, valid_until
null or later than T, not retracted at or before T, no active tombstone unless a legal hold and an admin caller)."""

from __future__ import annotations

import pytest

from reference_node.protocol import time_travel as tt

T0 = 1_777_593_600_000_000  # 2026-05-01T00:00:00Z in microseconds
US = 1


@pytest.mark.parametrize("spelling", ["2026-05-01T00:00:00Z", "2026-05-01T00:00:00+00:00",
                                      "2026-05-01T02:00:00+02:00", "2026-05-01T00:00:00.000000Z",
                                      "2026-04-30T19:00:00-05:00"])
def test_spellings_of_one_instant_parse_alike(spelling: str) -> None:
    assert tt.parse(spelling, T0, 0) == T0


def test_fractions_are_microseconds() -> None:
    assert tt.parse("2026-05-01T00:00:00.000001Z", T0, 0) == T0 + 1


@pytest.mark.parametrize("bad", ["not-a-date", "2025-13-01T00:00:00Z", "2025-01-01", "1735689600", "", None, 5])
def test_not_an_instant_is_as_of_invalid_timestamp(bad: object) -> None:
    with pytest.raises(tt.AsOfInvalid) as exc:
        tt.parse(bad, T0, 0)
    assert exc.value.code == "as_of_invalid_timestamp"


def test_future_tolerance_is_five_seconds() -> None:
    assert tt.parse("2026-05-01T00:00:05Z", T0, 0) == T0 + 5_000_000
    with pytest.raises(tt.AsOfFuture) as exc:
        tt.parse("2026-05-01T00:00:05.000001Z", T0, 0)
    assert exc.value.code == "as_of_future"


def test_retention_floor_is_inclusive() -> None:
    assert tt.parse("2026-05-01T00:00:00Z", T0, T0) == T0
    with pytest.raises(tt.AsOfBeforeFloor) as exc:
        tt.parse("2026-04-30T23:59:59.999999Z", T0, T0)
    assert exc.value.code == "as_of_before_retention_floor"
    assert tt.parse("0001-01-01T00:00:00Z", T0, None) < 0  # no floor: any past instant


@pytest.mark.parametrize(("fact", "at", "seen"), [
    (tt.Moment(T0), T0, True),                                 # created exactly at T
    (tt.Moment(T0), T0 - US, False),                           # created after T
    (tt.Moment(T0, valid_until_us=T0 + 10), T0 + 10, False),   # expired at T (valid_until <= T)
    (tt.Moment(T0, valid_until_us=T0 + 10), T0 + 9, True),
    (tt.Moment(T0, retracted_us=T0 + 10), T0 + 10, False),     # retracted at T
    (tt.Moment(T0, retracted_us=T0 + 10), T0 + 9, True),
])
def test_visibility_rules_one_to_three(fact: tt.Moment, at: int, seen: bool) -> None:
    assert tt.visible(fact, at) is seen
    assert tt.visible(fact, at, admin=True) is seen


def test_tombstones_hide_from_everyone_but_legal_holds_from_agents_only() -> None:
    fact = tt.Moment(T0)
    erased, held = [tt.Cover(legal_hold=False)], [tt.Cover(legal_hold=True)]
    assert not tt.visible(fact, T0 + 1, erased) and not tt.visible(fact, T0 + 1, erased, admin=True)
    assert not tt.visible(fact, T0 + 1, held) and tt.visible(fact, T0 + 1, held, admin=True)
    assert not tt.visible(fact, T0 + 1, [*held, *erased], admin=True)
