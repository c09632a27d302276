"""An independent model of the stigmem HLC (Spec-01, Spec-12) used to predict vector outputs.

State is a (wall_ms, counter) pair or None before the first event. Options follow
``vectors/interpretations.json``: ``hlc_counter_overflow`` (carry | widen) and ``hlc_receive``
(kulkarni | local-increment).
"""

from __future__ import annotations

import re

State = tuple[int, int]
LENIENT = re.compile(r"^([0-9]{13})\.([0-9]{1,3})$")
STRICT = re.compile(r"^([0-9]{13})\.([0-9]{3})$")


class HlcRejected(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse(text: object, lenient: bool = True) -> State:
    match = (LENIENT if lenient else STRICT).match(text) if isinstance(text, str) else None
    if match is None:
        raise HlcRejected("hlc_malformed")
    return int(match.group(1)), int(match.group(2))


def fmt(state: State) -> str:
    wall, counter = state
    return f"{wall:013d}.{counter:03d}"


WALL_MAX = 10**13 - 1  # the largest 13-digit wall (Spec-01 §HLC)


def _settle(wall: int, counter: int, overflow: str) -> State:
    if counter > 999 and overflow == "carry":
        wall, counter = wall + 1, 0
    if wall > WALL_MAX:  # a carry past year 2286 has no 13-digit form: refused like any malformed HLC
        raise HlcRejected("hlc_malformed")
    return wall, counter


def tick(state: State | None, now: int, overflow: str = "carry") -> State:
    if state is None:
        return now, 0
    wall, counter = state
    if now > wall:
        return now, 0
    return _settle(wall, counter + 1, overflow)


def receive(state: State | None, remote: State, now: int, future_ms: int, past_ms: int,
            overflow: str = "carry", rule: str = "kulkarni") -> State:
    r_wall, r_counter = remote
    if future_ms and r_wall - now > future_ms:
        raise HlcRejected("hlc_skew_future")
    if past_ms and now - r_wall > past_ms:
        raise HlcRejected("hlc_skew_past")
    l_wall, l_counter = state if state is not None else (-1, -1)
    new = max(now, l_wall, r_wall)
    if rule == "local-increment":
        return _settle(new, (l_counter if state is not None else -1) + 1, overflow)
    if new == l_wall == r_wall:
        counter = max(l_counter, r_counter) + 1
    elif new == l_wall:
        counter = l_counter + 1
    elif new == r_wall:
        counter = r_counter + 1
    else:
        counter = 0
    return _settle(new, counter, overflow)
