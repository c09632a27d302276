"""reference_node.protocol.hlc: format, order, tick, receive, skew and overflow (Spec-01 §HLC, Spec-12)."""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_node.protocol.errors import HlcMalformed, HlcSkewFuture, HlcSkewPast
from reference_node.protocol.hlc import (
    ClockRules,
    Hlc,
    HybridLogicalClock,
    Receive,
    Tick,
    compare,
    format_hlc,
    parse,
    receive,
    run,
    tick,
)

T0 = 1746230400000


def test_frozen_clock_golden_sequence():
    # Spec-01 §HLC and the Spec-12 future bound, frozen clock: ticks, a clock that goes back, a receive, a receive
    # beyond the future bound.
    events = [
        Tick(T0),
        Tick(T0),
        Tick(T0 + 1),
        Tick(T0 - 1000),
        Receive(T0 + 1, "1746230400005.007"),
        Receive(T0 + 1, "1746230700002.000"),
    ]
    outputs = run(None, events)
    assert [str(o) for o in outputs[:5]] == [
        "1746230400000.000",
        "1746230400000.001",
        "1746230400001.000",
        "1746230400001.001",
        "1746230400005.008",
    ]
    assert isinstance(outputs[5], HlcSkewFuture)


def test_padded_form_orders_lexicographically():
    # STG-HLC-002: the case that separates padded from unpadded nodes.
    assert format_hlc(Hlc(T0, 9)) < format_hlc(Hlc(T0, 10))
    assert format_hlc(Hlc(T0, 9)) == "1746230400000.009"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1746230400000.003", Hlc(T0, 3)), ("1746230400000.9", Hlc(T0, 9)), ("0000000000000.000", Hlc(0, 0))],
)
def test_parse(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1.2.3",
        "-5.000",
        "1746230400000",
        "1746230400000.",
        "17462304000001.000",
        "174623040000.000",
        "1746230400000.0001",
        "+746230400000.000",
        " 1746230400000.000",
        "1746230400000.000\n",
        "１７４６２３０４０００００.000",
        "1746230400000-0001-a1b2",
        1746230400000,
        None,
    ],
)
def test_rejects_malformed(text):
    with pytest.raises(HlcMalformed):
        parse(text)


def test_strict_input_needs_padding():
    with pytest.raises(HlcMalformed):
        parse("1746230400000.9", strict=True)
    assert parse("1746230400000.009", strict=True) == Hlc(T0, 9)


def test_compare_is_numeric():
    assert compare(parse("1746230400000.9"), parse("1746230400000.010")) == -1
    assert compare(parse("1746230400000.010"), parse("1746230400000.10")) == 0
    assert compare(Hlc(T0 + 1, 0), Hlc(T0, 999)) == 1


def test_counter_overflow_carries():
    # STG-HLC-011: a counter past 999 opens a new millisecond bucket.
    assert tick(Hlc(T0, 999), T0) == Hlc(T0 + 1, 0)
    assert receive(Hlc(T0, 5), T0, Hlc(T0, 999)) == Hlc(T0 + 1, 0)
    assert tick(Hlc(T0, 999), T0, overflow="widen") == Hlc(T0, 1000)
    assert format_hlc(Hlc(T0, 1000)) == "1746230400000.1000"
    # Interpretation hlc_input: a counter is read with at most 3 digits, whatever the overflow rule.
    with pytest.raises(HlcMalformed):
        parse("1746230400000.1000")


@pytest.mark.parametrize(
    ("local", "now", "remote", "expected"),
    [
        (Hlc(T0, 5), T0, Hlc(T0, 7), Hlc(T0, 8)),
        (Hlc(T0, 9), T0, Hlc(T0, 7), Hlc(T0, 10)),
        (Hlc(T0 + 5, 2), T0, Hlc(T0, 7), Hlc(T0 + 5, 3)),
        (Hlc(T0, 2), T0, Hlc(T0 + 5, 7), Hlc(T0 + 5, 8)),
        (Hlc(T0, 2), T0 + 9, Hlc(T0 + 5, 7), Hlc(T0 + 9, 0)),
        (None, T0, Hlc(T0, 7), Hlc(T0, 8)),
        (None, T0 + 1, Hlc(T0, 7), Hlc(T0 + 1, 0)),
    ],
)
def test_receive_kulkarni(local, now, remote, expected):
    assert receive(local, now, remote) == expected


def test_receive_local_increment():
    rules = ClockRules(receive_rule="local-increment")
    assert receive(Hlc(T0, 2), T0, Hlc(T0 + 5, 7), rules) == Hlc(T0 + 5, 3)


@pytest.mark.parametrize(
    ("remote_wall", "error"),
    [(T0 + 300_001, HlcSkewFuture), (T0 - 2_592_000_001, HlcSkewPast)],
)
def test_skew_bounds(remote_wall, error):
    # STG-HLC-007: beyond the bound is rejected; exactly the bound is accepted; 0 disables.
    with pytest.raises(error):
        receive(Hlc(T0, 0), T0, Hlc(remote_wall, 0))
    assert receive(Hlc(T0, 0), T0, Hlc(remote_wall, 0), ClockRules(max_future_skew_ms=0, max_past_skew_ms=0))
    assert receive(Hlc(T0, 0), T0, Hlc(T0 + 300_000, 0)) == Hlc(T0 + 300_000, 1)
    assert receive(Hlc(T0, 0), T0, Hlc(T0 - 2_592_000_000, 0)) == Hlc(T0, 1)


def test_rejected_receive_leaves_clock_unchanged():
    now = [T0]
    clock = HybridLogicalClock(lambda: now[0])
    first = clock.tick()
    with pytest.raises(HlcSkewFuture):
        clock.receive(Hlc(T0 + 10**9, 0))
    assert clock.last == first
    outputs = run(None, [Tick(T0), Receive(T0, "9999999999999.000"), Receive(T0, "junk"), Tick(T0)])
    assert outputs[0] == Hlc(T0, 0) and outputs[3] == Hlc(T0, 1)
    assert isinstance(outputs[2], HlcMalformed)


def test_wall_beyond_13_digits_is_not_representable():
    with pytest.raises(HlcMalformed):
        tick(Hlc(10**13 - 1, 999), 0)


def test_clock_is_thread_safe():
    clock = HybridLogicalClock(lambda: T0)
    seen: list[Hlc] = []

    def work():
        for _ in range(200):
            seen.append(clock.tick())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 800


events = st.lists(
    st.one_of(
        st.builds(Tick, st.integers(T0 - 5000, T0 + 5000)),
        st.builds(
            Receive,
            st.integers(T0 - 5000, T0 + 5000),
            st.builds(lambda w, c: format_hlc(Hlc(w, c)), st.integers(T0 - 5000, T0 + 5000), st.integers(0, 999)),
        ),
    ),
    max_size=40,
)


@given(events, st.sampled_from(["carry", "widen"]))
def test_clock_strictly_increases_under_any_clock_trace(trace, overflow):
    # STG-HLC-012, and receive(r) > r (interpretation hlc_receive=kulkarni).
    outputs = run(None, trace, ClockRules(overflow=overflow))
    last = None
    for event, out in zip(trace, outputs, strict=True):
        assert isinstance(out, Hlc)
        if last is not None:
            assert out > last
        if isinstance(event, Receive):
            assert out > parse(event.remote)
        if overflow == "carry":
            assert parse(format_hlc(out), strict=True) == out
        last = out


@given(st.integers(0, 10**13 - 1), st.integers(0, 999), st.integers(0, 10**13 - 1), st.integers(0, 999))
def test_string_order_equals_numeric_order(w1, c1, w2, c2):
    a, b = Hlc(w1, c1), Hlc(w2, c2)
    assert (format_hlc(a) < format_hlc(b)) == (a < b)
    assert parse(format_hlc(a)) == a
