"""Time travel: the ``as_of`` instant and what is visible at it (Spec-X3; A20 §24.2-§24.3; seed "Time-travel").

Requirements: STG-TT-008 (an RFC 3339 instant, else ``as_of_invalid_timestamp``), STG-TT-009 (at most now + 5 s,
else ``as_of_future``), STG-TT-010 (not before the retention floor), STG-TT-004/005/006/011/013/014 (visibility at
T, the four rules of A20 §24.2.1, below in ``visible``). Instants are compared as instants (microseconds), never as
strings, so ``Z``, ``+00:00`` and fractions of one instant agree. The clock reading is a parameter. The SQL form of
``visible`` is in ``storage.time_travel``; this is the rule the vectors exercise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reference_node.clock import instant_us
from reference_node.protocol.errors import ProtocolError

__all__ = ["FUTURE_TOLERANCE_US", "AsOfBeforeFloor", "AsOfFuture", "AsOfInvalid", "Cover", "Moment", "parse",
           "visible"]

# A20 §24.2 Validation: "not in the future (server clock + 5 s tolerance)".
FUTURE_TOLERANCE_US = 5_000_000


class AsOfInvalid(ProtocolError):
    code = "as_of_invalid_timestamp"
    requirement = "STG-TT-008"


class AsOfFuture(ProtocolError):
    code = "as_of_future"
    requirement = "STG-TT-009"


class AsOfBeforeFloor(ProtocolError):
    code = "as_of_before_retention_floor"
    requirement = "STG-TT-010"


def parse(raw: object, now_us: int, floor_us: int | None) -> int:
    """The instant of an ``as_of`` value, in microseconds since the epoch; raises one of the three errors."""
    # STG-TT-008: an RFC 3339 date-time (a query string's '+' arrives as a space; the caller repairs it).
    at = instant_us(raw)
    if at is None:
        raise AsOfInvalid(f"as_of {str(raw)[:64]!r} is not an RFC 3339 date-time")
    # STG-TT-009: later than the server clock plus 5 s is the future.
    if at > now_us + FUTURE_TOLERANCE_US:
        raise AsOfFuture("as_of is later than the server clock (plus 5 s)")
    # STG-TT-010: before the retention floor nothing is known.
    if floor_us is not None and at < floor_us:
        raise AsOfBeforeFloor("as_of is before this node's retention floor")
    return at


@dataclass(frozen=True)
class Moment:
    """One fact as time travel sees it: created, expiring (None: never), retracted (None: never), in microseconds."""

    created_us: int
    valid_until_us: int | None = None
    retracted_us: int | None = None


@dataclass(frozen=True)
class Cover:
    """An active tombstone covering the fact (its entity and scope), and whether it is a legal hold."""

    legal_hold: bool


def visible(fact: Moment, at_us: int, covers: Iterable[Cover] = (), admin: bool = False) -> bool:
    """A20 §24.2.1: whether ``fact`` is in an ``as_of`` answer at ``at_us`` for an admin or an agent caller."""
    # STG-TT-004 rule 1: created at or before T.
    if fact.created_us > at_us:
        return False
    # STG-TT-004 rule 2: valid_until null or later than T (expired at T when valid_until <= T).
    if fact.valid_until_us is not None and fact.valid_until_us <= at_us:
        return False
    # STG-TT-005 rule 3: not retracted at or before T (the retraction record, never the confidence).
    if fact.retracted_us is not None and fact.retracted_us <= at_us:
        return False
    # STG-TT-006/011 rule 4: no active tombstone covers it, whatever T (retroactive RTBF) ...
    # STG-TT-013/014: ... except a legal hold, and only for an admin caller.
    return all(cover.legal_hold and admin for cover in covers)
