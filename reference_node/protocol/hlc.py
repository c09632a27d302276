"""Hybrid logical clock: format, order, tick, receive and bounded skew (Spec-01 §HLC; Spec-12; A08 §2.4, §6.3).

Requirements: STG-HLC-001 (13.3 zero-padded form), STG-HLC-002 (string order is causal order), STG-HLC-003 (local
write), STG-HLC-004 (receive, interpretation ``hlc_receive``, Kulkarni by default), STG-HLC-007 (inbound bound,
interpretation ``hlc_skew_bounds``), STG-HLC-011 (counter overflow, interpretation ``hlc_counter_overflow``, carry by
default), STG-HLC-012 (strictly increasing), STG-HLC-013 (malformed strings; ``hlc_input`` lenient by default).
Physical time is always a parameter: ``now_ms`` for the pure step functions, a callable for the clock object.

>>> tick(parse("1746230400000.999"), 1746230400000)
Hlc(wall_ms=1746230400001, counter=0)
>>> format_hlc(receive(Hlc(1746230400001, 0), 1746230400001, parse("1746230400005.7")))
'1746230400005.008'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from reference_node.protocol.errors import HlcMalformed, HlcSkewFuture, HlcSkewPast, ProtocolError

__all__ = [
    "ClockRules",
    "Hlc",
    "HybridLogicalClock",
    "Receive",
    "Tick",
    "check_skew",
    "compare",
    "format_hlc",
    "parse",
    "receive",
    "run",
    "tick",
]

Overflow = Literal["carry", "widen"]
ReceiveRule = Literal["kulkarni", "local-increment"]

# Spec-01 §HLC: wall_ms is zero-padded to 13 digits, the counter to 3.
_WALL_MAX = 10**13 - 1
_COUNTER_MAX = 999
# TM R-19 / interpretation hlc_skew_bounds: 300 s ahead, 30 days behind; 0 disables a bound.
DEFAULT_MAX_FUTURE_SKEW_MS = 300_000
DEFAULT_MAX_PAST_SKEW_MS = 2_592_000_000


@dataclass(frozen=True, order=True)
class Hlc:
    """One HLC reading; dataclass order is the numeric (wall, counter) order."""

    wall_ms: int
    counter: int

    def __str__(self) -> str:
        return format_hlc(self)


@dataclass(frozen=True)
class ClockRules:
    """The interpretation options and bounds one clock runs under."""

    overflow: Overflow = "carry"
    receive_rule: ReceiveRule = "kulkarni"
    strict_input: bool = False
    max_future_skew_ms: int = DEFAULT_MAX_FUTURE_SKEW_MS
    max_past_skew_ms: int = DEFAULT_MAX_PAST_SKEW_MS


def parse(text: object, *, strict: bool = False) -> Hlc:
    """Read an HLC string: 13 digits, '.', and a 3-digit counter (1 to 3 digits unless ``strict``, ``hlc_input``)."""
    counter_digits = "3" if strict else "1,3"
    # STG-HLC-013: wrong digit counts, signs, whitespace or a missing counter are malformed.
    if not isinstance(text, str) or not re.fullmatch(rf"\d{{13}}\.\d{{{counter_digits}}}", text, re.ASCII):
        raise HlcMalformed(f"not a 13-digit wall, '.', and a counter: {text!r}")
    wall, counter = text.split(".")
    return Hlc(int(wall), int(counter))


def format_hlc(hlc: Hlc) -> str:
    """STG-HLC-001: ``{wall_ms:013}.{counter:03}``, so string order equals numeric order (STG-HLC-002)."""
    if not (0 <= hlc.wall_ms <= _WALL_MAX and hlc.counter >= 0):
        raise HlcMalformed(f"{hlc.wall_ms}.{hlc.counter} does not fit the 13.3 form")
    return f"{hlc.wall_ms:013d}.{hlc.counter:03d}"


def compare(a: Hlc, b: Hlc) -> int:
    """-1, 0 or 1 in numeric (wall, counter) order."""
    return (a > b) - (a < b)


def _bucket(wall_ms: int, counter: int, overflow: Overflow) -> Hlc:
    # STG-HLC-011: a counter past 999 opens a new millisecond bucket (interpretation hlc_counter_overflow).
    if counter > _COUNTER_MAX and overflow == "carry":
        wall_ms, counter = wall_ms + 1, 0
    result = Hlc(wall_ms, counter)
    format_hlc(result)  # STG-HLC-001: the result must fit the 13-digit wall (raises past year 2286)
    return result


def tick(last: Hlc | None, now_ms: int, *, overflow: Overflow = "carry") -> Hlc:
    """The HLC of a local write; ``last`` None means the clock never ticked."""
    if last is None:
        return _bucket(now_ms, 0, overflow)
    # STG-HLC-003: wall = max(now, last wall); the counter increments when the wall is unchanged.
    wall = max(now_ms, last.wall_ms)
    # STG-HLC-003: the counter resets to 0 when the wall advances.
    counter = last.counter + 1 if wall == last.wall_ms else 0
    return _bucket(wall, counter, overflow)


def check_skew(now_ms: int, remote: Hlc, max_future_skew_ms: int, max_past_skew_ms: int) -> None:
    """STG-HLC-007: reject a remote wall beyond the future (or past) bound; exactly the bound is accepted."""
    if max_future_skew_ms > 0 and remote.wall_ms - now_ms > max_future_skew_ms:
        raise HlcSkewFuture(f"remote HLC is {remote.wall_ms - now_ms} ms ahead (bound {max_future_skew_ms})")
    if max_past_skew_ms > 0 and now_ms - remote.wall_ms > max_past_skew_ms:
        raise HlcSkewPast(f"remote HLC is {now_ms - remote.wall_ms} ms behind (bound {max_past_skew_ms})")


def receive(last: Hlc | None, now_ms: int, remote: Hlc, rules: ClockRules | None = None) -> Hlc:
    """The HLC after receiving ``remote``; raises HlcSkewFuture/HlcSkewPast and then changes nothing."""
    r = rules or ClockRules()
    check_skew(now_ms, remote, r.max_future_skew_ms, r.max_past_skew_ms)
    # STG-HLC-004: wall = max(now, received wall, local wall), and the counter increments.
    wall = max(now_ms, remote.wall_ms, last.wall_ms if last else now_ms)
    if r.receive_rule == "local-increment":
        return _bucket(wall, last.counter + 1 if last else 0, r.overflow)
    if last is not None and wall == last.wall_ms == remote.wall_ms:
        counter = max(last.counter, remote.counter) + 1
    elif last is not None and wall == last.wall_ms:
        counter = last.counter + 1
    elif wall == remote.wall_ms:
        counter = remote.counter + 1
    else:
        counter = 0
    return _bucket(wall, counter, r.overflow)


@dataclass(frozen=True)
class Tick:
    now_ms: int


@dataclass(frozen=True)
class Receive:
    now_ms: int
    remote: object


def run(
    start: Hlc | None, events: Sequence[Tick | Receive], rules: ClockRules | None = None
) -> list[Hlc | ProtocolError]:
    """Replay events on a clock at ``start``; a rejected event yields its error and leaves the clock unchanged."""
    r = rules or ClockRules()
    last = start
    outputs: list[Hlc | ProtocolError] = []
    for event in events:
        try:
            if isinstance(event, Tick):
                last = tick(last, event.now_ms, overflow=r.overflow)
            else:
                remote = parse(event.remote, strict=r.strict_input)
                last = receive(last, event.now_ms, remote, r)
            outputs.append(last)
        except ProtocolError as error:
            outputs.append(error)
    return outputs


class HybridLogicalClock:
    """A node's single HLC (STG-HLC-012), safe to share between request handlers and the federation puller."""

    def __init__(self, now_ms: Callable[[], int], rules: ClockRules | None = None, start: Hlc | None = None) -> None:
        self._now_ms = now_ms
        self._rules = rules or ClockRules()
        self._last = start
        self._lock = threading.Lock()

    @property
    def last(self) -> Hlc | None:
        """The latest HLC issued or merged, None before the first event."""
        with self._lock:
            return self._last

    def tick(self) -> Hlc:
        """Advance for a local write and return the new HLC."""
        with self._lock:
            self._last = tick(self._last, self._now_ms(), overflow=self._rules.overflow)
            return self._last

    def observe(self, stored: Hlc) -> None:
        """Raise the clock to ``stored`` if it is behind (another process's write, STG-WORK-003); no tick."""
        with self._lock:
            if self._last is None or stored > self._last:
                self._last = stored

    def receive(self, remote: Hlc) -> Hlc:
        """Merge a remote HLC; a skew rejection raises and leaves the clock unchanged."""
        with self._lock:
            self._last = receive(self._last, self._now_ms(), remote, self._rules)
            return self._last
