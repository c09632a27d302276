"""Time travel, ``as_of`` on GET /v1/facts (Spec-X3; A20 §24; seed "Time-travel"): profile ``time-travel``.

Every instant T is taken from the node's own records (a fact's ``timestamp``, its ``valid_until``, a retraction's
``timestamp``) and probed exactly and 1 ms either side; the expected answer comes from ``conformance.oracle
.time_travel``, the suite's model of A20 §24.2.1.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.checks.registry import Context, Skip, check, expect, expect_error, expect_status, ids
from conformance.checks.tombstones import issue
from conformance.oracle import time_travel as model

P = "time-travel"
MS = timedelta(milliseconds=1)


def at(ctx: Context, moment: datetime | str, key: str = "admin", form: str = "frac-Z", **params: Any) -> list[str]:
    text = moment if isinstance(moment, str) else model.spelling(moment, form)
    ex = ctx.query(key=key, as_of=text, **params)
    expect_status(ex, (200,))
    return ids(ex)


def _agent(ctx: Context) -> str:
    return ctx.mint_key("tt-agent", ["read", "write"], ["local", "team", "company", "public"])


@check("http:as_of_query_params", requirements=("STG-TT-003",), profile=P)
def as_of_query_params(ctx: Context) -> None:
    """as_of combines with the ordinary filters (entity, relation, scope)."""
    entity = ctx.unique("params")
    a = ctx.assert_fact(ctx.fact(entity, "a", relation="memory:a"))
    ctx.assert_fact(ctx.fact(entity, "b", relation="memory:b", scope="team"))
    now = datetime.now(UTC)
    expect(at(ctx, now, entity=entity, relation="memory:a") == [a["id"]], "relation filter ignored under as_of")
    expect(at(ctx, now, entity=entity, scope="local") == [a["id"]], "scope filter ignored under as_of")


@check("http:as_of_visibility", requirements=("STG-TT-004",), profile=P)
def as_of_visibility(ctx: Context) -> None:
    """Visible from created_at exactly, hidden from valid_until exactly (1 ms either side judged by the model)."""
    entity = ctx.unique("visibility")
    until = (datetime.now(UTC) + timedelta(milliseconds=400)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fact = ctx.assert_fact(ctx.fact(entity, valid_until=until))
    created, expires = model.instant(fact["timestamp"]), model.instant(until)
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.05)
    moment = model.Fact(fact["id"], created, expires)
    for probe in (created - MS, created, created + MS, expires - MS, expires, expires + MS):
        want = model.visible_set([moment], probe, admin=True)
        got = at(ctx, probe, entity=entity)
        expect(got == want, f"as_of {model.spelling(probe, 'frac-Z')}: {got}, the model says {want}")


@check("http:as_of_instant_spellings", requirements=("STG-TT-004", "STG-TT-008"), profile=P)
def as_of_instant_spellings(ctx: Context) -> None:
    """One instant spelled with Z, +00:00, +02:00 or six fraction digits gives one answer (instants, not strings)."""
    entity = ctx.unique("spelling")
    fact = ctx.assert_fact(ctx.fact(entity))
    created = model.instant(fact["timestamp"])
    for probe in (created, created - MS):
        answers = {form: at(ctx, probe, form=form, entity=entity) for form in ("Z", "+00:00", "frac-Z", "offset")}
        expect(len({tuple(v) for v in answers.values()}) == 1, f"spellings of {probe} disagree: {answers}")
    # "…:05Z" sorts before "…:04.500000+00:00" as a string though it is the later instant (REF compares strings).
    whole = created.replace(microsecond=0) + timedelta(seconds=1)
    expect(at(ctx, whole, form="Z", entity=entity) == [fact["id"]],
           "a whole-second Z instant after creation (a shorter string, a later instant) hid the fact")


@check("http:as_of_retraction", requirements=("STG-TT-005",), profile=P)
def as_of_retraction(ctx: Context) -> None:
    """A fact retracted at R is visible before R and hidden from R on, judged from the retraction."""
    entity = ctx.unique("retract")
    fact = ctx.assert_fact(ctx.fact(entity, "x"))
    time.sleep(0.01)
    retraction = ctx.assert_fact(ctx.fact(entity, "x", confidence=0.0), status=(200, 201))
    created, retracted = model.instant(fact["timestamp"]), model.instant(retraction["timestamp"])
    timeline = [model.Fact(fact["id"], created, retracted=retracted), model.Fact(retraction["id"], retracted)]
    for probe in (retracted - MS, retracted, retracted + MS):
        want = model.visible_set(timeline, probe, admin=True)
        got = sorted(at(ctx, probe, entity=entity))
        expect(got == want, f"as_of {model.spelling(probe, 'frac-Z')}: {got}, the model says {want}")


@check("http:as_of_tombstone", requirements=("STG-TT-006",), profile=P)
def as_of_tombstone(ctx: Context) -> None:
    """An active tombstone without legal hold hides the entity from as_of for admins and agents alike."""
    agent = _agent(ctx)
    entity = ctx.unique("tt-tomb")
    ctx.assert_fact(ctx.fact(entity))
    issue(ctx, entity)
    now = datetime.now(UTC)
    expect(at(ctx, now, entity=entity) == [] and at(ctx, now, key=agent, entity=entity) == [],
           "a tombstoned entity's facts came back under as_of")


@check("http:as_of_rtbf_retroactive", requirements=("STG-TT-011",), profile=P)
def as_of_rtbf_retroactive(ctx: Context) -> None:
    """A tombstone without legal hold also hides the facts at times before it was issued."""
    entity = ctx.unique("retro")
    fact = ctx.assert_fact(ctx.fact(entity))
    created = model.instant(fact["timestamp"])
    expect(at(ctx, created, entity=entity) == [fact["id"]], "the fact is not visible at its own timestamp")
    issue(ctx, entity)
    expect(at(ctx, created, entity=entity) == [], "as_of before the tombstone still shows the erased fact")


@check("http:as_of_monotonic", requirements=("STG-TT-007",), profile=P)
def as_of_monotonic(ctx: Context) -> None:
    """Without retraction, expiry or tombstones, what is visible at T1 stays visible at every later T2."""
    entity = ctx.unique("mono")
    stamps = []
    for value in ("a", "b", "c"):
        stamps.append(model.instant(ctx.assert_fact(ctx.fact(entity, value, relation=f"memory:{value}"))["timestamp"]))
    probes = sorted({s + d for s in stamps for d in (-MS, timedelta(0), MS)})
    seen: set[str] = set()
    for probe in probes:
        now = set(at(ctx, probe, entity=entity))
        expect(seen <= now, f"as_of {probe} lost {sorted(seen - now)}")
        seen = now
    expect(len(seen) == 3, f"the last instant shows {len(seen)} of 3 facts")


@check("http:as_of_invalid_timestamp", requirements=("STG-TT-008",), profile=P)
def as_of_invalid_timestamp(ctx: Context) -> None:
    """as_of that is not an RFC 3339 instant answers 400 as_of_invalid_timestamp."""
    for bad in ("not-a-date", "2025-13-01T00:00:00Z", "2025-01-01", "1735689600"):
        expect_error(ctx.query(as_of=bad), (400,), "as_of_invalid_timestamp")


@check("http:as_of_future", requirements=("STG-TT-009",), profile=P)
def as_of_future(ctx: Context) -> None:
    """as_of beyond now + 5 s answers 400 as_of_future; within the tolerance it is answered."""
    expect_error(ctx.query(as_of=model.spelling(datetime.now(UTC) + timedelta(seconds=30), "Z")), (400,),
                 "as_of_future")
    expect_error(ctx.query(as_of="2099-01-01T00:00:00Z"), (400,), "as_of_future")
    expect_status(ctx.query(entity=ctx.unique("soon"),
                            as_of=model.spelling(datetime.now(UTC) + timedelta(seconds=2), "frac-Z")), (200,))


@check("http:as_of_retention_floor", requirements=("STG-TT-010",), profile=P)
def as_of_retention_floor(ctx: Context) -> None:
    """as_of before the node's retention floor answers 400 as_of_before_retention_floor (the floor itself is
    answered); the floor is the one discovery names (as_of_retention_floor), else any floor after year 1."""
    floor = ctx.discovery.get("as_of_retention_floor")
    if isinstance(floor, str):
        expect_error(ctx.query(as_of=model.spelling(model.instant(floor) - MS, "frac-Z")), (400,),
                     "as_of_before_retention_floor")
        expect_status(ctx.query(entity=ctx.unique("floor"), as_of=floor), (200,))
        return
    ex = ctx.query(as_of="0001-01-01T00:00:00Z")
    if ex.status == 200:
        raise Skip("the node names no retention floor and answers as_of in year 1")
    expect_error(ex, (400,), "as_of_before_retention_floor")


@check("http:legal_hold_live_suppressed", requirements=("STG-TT-012",), profile=P)
def legal_hold_live_suppressed(ctx: Context) -> None:
    """A legal-hold tombstone still hides the entity from live queries, admin ones included."""
    entity = ctx.unique("hold-live")
    ctx.assert_fact(ctx.fact(entity))
    issue(ctx, entity, legal_hold=True)
    expect(ids(ctx.query(entity=entity)) == [], "a legal-hold entity was served live")


@check("http:legal_hold_admin_as_of", requirements=("STG-TT-013",), profile=P,
       interpretations={"tombstone_notices": "omit-when-empty"})
def legal_hold_admin_as_of(ctx: Context) -> None:
    """An admin's as_of returns legal-hold facts with tombstone_notices; the notices are absent when none apply."""
    entity = ctx.unique("hold-admin")
    fact = ctx.assert_fact(ctx.fact(entity))
    plain = ctx.query(entity=entity, as_of=model.spelling(datetime.now(UTC), "frac-Z")).json or {}
    expect("tombstone_notices" not in plain, f"tombstone_notices present with no legal hold: {plain}")
    record = issue(ctx, entity, legal_hold=True)
    body = ctx.query(entity=entity, as_of=model.spelling(datetime.now(UTC), "frac-Z")).json or {}
    if not body.get("facts"):
        raise Skip("the node does not show legal-hold facts to admin as_of queries (a MAY)")
    expect([f.get("id") for f in body["facts"]] == [fact["id"]], f"admin as_of returned {body.get('facts')}")
    notices = body.get("tombstone_notices") or []
    expect(any(n.get("tombstone_id") == record["id"] and n.get("legal_hold") is True for n in notices),
           f"no tombstone notice names {record['id']}: {notices}")


@check("http:legal_hold_agent_indistinguishable", requirements=("STG-TT-014",), profile=P)
def legal_hold_agent_indistinguishable(ctx: Context) -> None:
    """An agent's as_of on a legal-hold entity is a 200 identical to that of an entity that never existed."""
    agent = _agent(ctx)
    entity, never = ctx.unique("hold-agent"), ctx.unique("never")
    ctx.assert_fact(ctx.fact(entity))
    issue(ctx, entity, legal_hold=True)
    moment = model.spelling(datetime.now(UTC), "frac-Z")
    held, absent = ctx.query(key=agent, entity=entity, as_of=moment), ctx.query(key=agent, entity=never, as_of=moment)
    expect(held.status == absent.status == 200 and held.json == absent.json,
           f"legal hold {held.brief()} vs never existed {absent.brief()}")
