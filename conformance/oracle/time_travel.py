"""The suite's own model of time travel, written from A20 §24.2.1 and Spec-X3 (never from a node's code).

A fact is visible at T when (1) created at or before T, (2) valid_until is absent or after T, (3) no retraction
recorded at or before T, (4) no active tombstone covers it, unless that tombstone is a legal hold and the caller
an admin. Instants are datetimes compared as instants, so spellings never matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["Fact", "instant", "spelling", "visible", "visible_set"]


def instant(text: str) -> datetime:
    """An RFC 3339 date-time as an aware datetime (fractions kept to the microsecond)."""
    head, _, rest = text.replace("z", "Z").partition(".")
    if rest:
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits):]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def spelling(moment: datetime, form: str) -> str:
    """One instant written as ``Z``, ``+00:00``, ``frac-Z`` (microseconds) or ``offset`` (+02:00)."""
    moment = moment.astimezone(UTC)
    if form == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + (moment.strftime(".%f") if moment.microsecond else "") + "Z"
    if form == "+00:00":
        return moment.isoformat(timespec="microseconds")
    if form == "frac-Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.astimezone(timezone(timedelta(hours=2))).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Fact:
    name: str
    created: datetime
    valid_until: datetime | None = None
    retracted: datetime | None = None
    tombstoned: bool = False  # an active tombstone covers it
    legal_hold: bool = False  # ... and every covering tombstone is a legal hold


def visible(fact: Fact, at: datetime, admin: bool) -> bool:
    if fact.created > at:
        return False
    if fact.valid_until is not None and not fact.valid_until > at:
        return False
    if fact.retracted is not None and fact.retracted <= at:
        return False
    return not (fact.tombstoned and not (fact.legal_hold and admin))


def visible_set(facts: Iterable[Fact], at: datetime, admin: bool) -> list[str]:
    return sorted(f.name for f in facts if visible(f, at, admin))
