"""Wall-clock time for the node: the only module that reads it, plus RFC 3339 parsing and formatting.

STG-FACT-005: the node stamps ``timestamp`` at write time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (interpretation
timestamp_format). STG-EXP-004/005 and STG-QRY-006: instants are compared as integers (microseconds since the
epoch), never as strings, whatever offset or fraction the client wrote. ``SystemClock`` is the one reader of the
wall clock; tests pass a ``ManualClock``.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from reference_node.protocol.values import is_rfc3339

__all__ = ["Clock", "ManualClock", "SystemClock", "format_timestamp", "instant_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))", re.ASCII
)


class Clock(Protocol):
    """A source of the current instant in microseconds since the Unix epoch (UTC)."""

    def now_us(self) -> int: ...


class SystemClock:
    """The wall clock (``time.time_ns``)."""

    def now_us(self) -> int:
        return time.time_ns() // 1000


class ManualClock:
    """A clock that moves only when told to (tests, frozen-clock checks)."""

    def __init__(self, start_us: int) -> None:
        self._now = start_us
        self._lock = threading.Lock()

    def now_us(self) -> int:
        with self._lock:
            return self._now

    def advance(self, microseconds: int) -> None:
        with self._lock:
            self._now += microseconds

    def set(self, now_us: int) -> None:
        with self._lock:
            self._now = now_us


def format_timestamp(us: int) -> str:
    """STG-FACT-005: ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (fixed six fraction digits, ``Z``)."""
    return (_EPOCH + timedelta(microseconds=us)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (valid for every RFC 3339 year)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def instant_us(text: object, *, round_up: bool = False) -> int | None:
    """The instant an RFC 3339 date-time denotes, in whole microseconds; None if not one.

    A leap second (``:60``) is the first instant of the next minute; offsets are applied, so ``Z``, ``+00:00``
    and ``+02:00`` spellings of one instant give one number (STG-EXP-005). Digits past the sixth are dropped
    (``round_up`` rounds them up instead), which keeps ``x > t`` exact against whole-microsecond instants ``t``.
    """
    if not isinstance(text, str) or not is_rfc3339(text):
        return None
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    digits = match.group(7) or ""
    fraction = digits[:6].ljust(6, "0")
    extra = 1 if round_up and digits[6:].strip("0") else 0
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    if match.group(8) is not None:
        offset = int(match.group(9)) * 3600 + int(match.group(10)) * 60
        seconds -= offset if match.group(8) == "+" else -offset
    return seconds * 1_000_000 + int(fraction) + extra
