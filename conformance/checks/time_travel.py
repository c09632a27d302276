"""Time travel, ``as_of`` on GET /v1/facts (Spec-X3; A20 §24; seed "Time-travel"): profile ``time-travel``.

Every instant T is taken from the node's own records (a fact's ``timestamp``, its ``valid_until``, a retraction's
``timestamp``) and probed exactly and 1 ms either side; the expected answer comes from ``conformance.oracle
.time_travel``, the suite's model of A20 §24.2.1.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from conformance.checks.exchanges import default_install
from conformance.checks.registry import Context, Skip, check, expect, expect_error, expect_status, ids
from conformance.checks.tombstones import issue
from conformance.harness.embedded_node import EmbeddedNode
from conformance.harness.http_target import HttpTarget
from conformance.oracle import time_travel as model

P = "time-travel"
MS = timedelta(milliseconds=1)
US = timedelta(microseconds=1)  # instants are compared to the microsecond, the precision of RFC 3339 fractions here
FUTURE_INSIDE_S, FUTURE_OUTSIDE_S = 4.0, 6.0  # either side of A20's server clock + 5 s, 1 s for the request's trip


def at(ctx: Context, moment: datetime | str, key: str = "admin", form: str = "frac-Z", **params: Any) -> list[str]:
    text = moment if isinstance(moment, str) else model.spelling(moment, form)
    ex = ctx.query(key=key, as_of=text, **params)
    expect_status(ex, (200,))
    return ids(ex)


def answer(ctx: Context, moment: datetime, key: str = "admin", **params: Any) -> tuple[list[str], Any]:
    """The ids and the total of an as_of query at ``moment``; the total must count exactly the facts at T."""
    ex = ctx.query(key=key, as_of=model.spelling(moment, "frac-Z"), limit=500, **params)
    expect_status(ex, (200,))
    got = ids(ex)
    total = (ex.json or {}).get("total")
    expect(total == len(got), f"as_of {model.spelling(moment, 'frac-Z')}: total {total!r} for {len(got)} facts at T")
    return got, total


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
    """Visible from created_at exactly, hidden from valid_until exactly: 1 ms and 1 µs either side judged by the
    model, each answer's total counting the facts at T (a second fact, asserted later, is live but not yet there)."""
    entity = ctx.unique("visibility")
    until = (datetime.now(UTC) + timedelta(milliseconds=400)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fact = ctx.assert_fact(ctx.fact(entity, valid_until=until))
    created, expires = model.instant(fact["timestamp"]), model.instant(until)
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.05)
    later = ctx.assert_fact(ctx.fact(entity, "later", relation="memory:later"))
    timeline = [model.Fact(fact["id"], created, expires), model.Fact(later["id"], model.instant(later["timestamp"]))]
    for probe in (created - MS, created - US, created, created + US, created + MS, expires - MS, expires - US,
                  expires, expires + US, expires + MS):
        want = model.visible_set(timeline, probe, admin=True)
        got, _ = answer(ctx, probe, entity=entity)
        expect(sorted(got) == want, f"as_of {model.spelling(probe, 'frac-Z')}: {got}, the model says {want}")


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


@check("http:as_of_retraction", requirements=("STG-TT-005",), profile=P,
       interpretations={"retraction_scope": "triple"})
def as_of_retraction(ctx: Context) -> None:
    """A retraction at R hides every earlier fact of its triple (both values asserted before it) from R on, and
    nothing of the same entity and relation in another scope; judged from the retraction, 1 µs and 1 ms either
    side."""
    entity = ctx.unique("retract")
    older = ctx.assert_fact(ctx.fact(entity, "w"))
    fact = ctx.assert_fact(ctx.fact(entity, "x"))
    sibling = ctx.assert_fact(ctx.fact(entity, "x", scope="company"))
    time.sleep(0.01)
    retraction = ctx.assert_fact(ctx.fact(entity, "x", confidence=0.0), status=(200, 201))
    retracted = model.instant(retraction["timestamp"])
    timeline = [model.Fact(older["id"], model.instant(older["timestamp"]), retracted=retracted),
                model.Fact(fact["id"], model.instant(fact["timestamp"]), retracted=retracted),
                model.Fact(sibling["id"], model.instant(sibling["timestamp"])),
                model.Fact(retraction["id"], retracted)]
    for probe in (retracted - MS, retracted - US, retracted, retracted + MS):
        want = model.visible_set(timeline, probe, admin=True)
        got, _ = answer(ctx, probe, entity=entity)
        expect(sorted(got) == want, f"as_of {model.spelling(probe, 'frac-Z')}: {got}, the model says {want}")


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
        now = set(answer(ctx, probe, entity=entity)[0])
        expect(seen <= now, f"as_of {probe} lost {sorted(seen - now)}")
        seen = now
    expect(len(seen) == 3, f"the last instant shows {len(seen)} of 3 facts")


@check("http:as_of_invalid_timestamp", requirements=("STG-TT-008",), profile=P)
def as_of_invalid_timestamp(ctx: Context) -> None:
    """as_of that is not an RFC 3339 instant answers 400 as_of_invalid_timestamp."""
    for bad in ("not-a-date", "2025-13-01T00:00:00Z", "2025-01-01", "1735689600", ""):
        expect_error(ctx.query(as_of=bad), (400,), "as_of_invalid_timestamp")


@check("http:as_of_given_twice", requirements=("STG-HTTP-003", "STG-TT-008"), profile=P)
def as_of_given_twice(ctx: Context) -> None:
    """as_of given twice is refused (400), whether the two spell one instant or two: no value is picked."""
    now = datetime.now(UTC)
    for second in (now, now - timedelta(days=1)):
        first, again = (quote(model.spelling(t, "frac-Z"), safe="") for t in (now, second))
        ex = ctx.request("GET", f"/v1/facts?entity={quote(ctx.unique('twice'), safe='')}&as_of={first}&as_of={again}")
        expect_status(ex, (400,))


@check("http:as_of_unencoded_plus", requirements=("STG-TT-004", "STG-TT-008"), profile=P,
       interpretations={"as_of_unencoded_plus": "repair"})
def as_of_unencoded_plus(ctx: Context) -> None:
    """An offset's '+' sent unencoded (it arrives as a space) is read as '+': the answer equals that of the encoded
    instant, at and 1 ms before a fact's creation, in +00:00 and +02:00."""
    entity = ctx.unique("plus")
    fact = ctx.assert_fact(ctx.fact(entity))
    created = model.instant(fact["timestamp"])
    for probe in (created, created - MS):
        want = [fact["id"]] if probe >= created else []
        for form in ("+00:00", "offset"):
            text = model.spelling(probe, form)
            ex = ctx.request("GET", f"/v1/facts?entity={quote(entity, safe='')}&as_of={text}")
            expect(ex.status == 200 and ids(ex) == want,
                   f"as_of={text} unencoded answered {ex.brief()}, the encoded instant {want}")


@check("http:as_of_future", requirements=("STG-TT-009",), profile=P)
def as_of_future(ctx: Context) -> None:
    """as_of beyond now + 5 s answers 400 as_of_future (30 s, 6 s, year 2099); within the tolerance (4 s) it is
    answered."""
    expect_error(ctx.query(as_of=model.spelling(datetime.now(UTC) + timedelta(seconds=30), "Z")), (400,),
                 "as_of_future")
    expect_error(ctx.query(as_of="2099-01-01T00:00:00Z"), (400,), "as_of_future")
    expect_error(ctx.query(as_of=model.spelling(datetime.now(UTC) + timedelta(seconds=FUTURE_OUTSIDE_S), "Z")),
                 (400,), "as_of_future")
    expect_status(ctx.query(entity=ctx.unique("soon"), as_of=model.spelling(
        datetime.now(UTC) + timedelta(seconds=FUTURE_INSIDE_S), "frac-Z")), (200,))


@check("http:as_of_retention_floor", requirements=("STG-TT-010",), profile=P)
def as_of_retention_floor(ctx: Context) -> None:
    """as_of before the node's retention floor answers 400 as_of_before_retention_floor (the floor itself is
    answered); the floor is the one discovery names (as_of_retention_floor), else any floor after year 1; a
    floor named but not an instant (null) claims none, so year 1 is answered."""
    floor = ctx.discovery.get("as_of_retention_floor")
    if isinstance(floor, str):
        expect_error(ctx.query(as_of=model.spelling(model.instant(floor) - MS, "frac-Z")), (400,),
                     "as_of_before_retention_floor")
        expect_status(ctx.query(entity=ctx.unique("floor"), as_of=floor), (200,))
        return
    ex = ctx.query(as_of="0001-01-01T00:00:00Z")
    if "as_of_retention_floor" in ctx.discovery:  # named, and not an instant: the node claims no floor
        expect(ex.status == 200, f"discovery names as_of_retention_floor {floor!r} (no floor), yet as_of in year 1 "
                                 f"answered {ex.brief()}")
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
       interpretations={"tombstone_notices": "omit-when-empty", "legal_hold_as_of": "admin-visible"})
def legal_hold_admin_as_of(ctx: Context) -> None:
    """An admin's as_of returns legal-hold facts with one tombstone notice {entity_uri, tombstone_id, legal_hold,
    tombstone_created_at} per hold (a fact whose ref value names the held entity too); the notices are absent when
    none apply."""
    entity, other = ctx.unique("hold-admin"), ctx.unique("hold-admin-ref")
    fact = ctx.assert_fact(ctx.fact(entity))
    ref = ctx.assert_fact(ctx.fact(other, entity, relation="rel:knows", vtype="ref"))
    plain = ctx.query(entity=entity, as_of=model.spelling(datetime.now(UTC), "frac-Z")).json or {}
    expect("tombstone_notices" not in plain, f"tombstone_notices present with no legal hold: {plain}")
    record = issue(ctx, entity, legal_hold=True)
    # A ref value naming the held entity is covered too (Spec-X2): its fact comes with the same notice.
    referring = ctx.query(entity=other, as_of=model.spelling(datetime.now(UTC), "frac-Z")).json or {}
    expect([f.get("id") for f in referring.get("facts") or []] == [ref["id"]],
           f"admin as_of on an entity whose ref names a legal-hold entity returned {referring.get('facts')}")
    named = [n.get("entity_uri") for n in referring.get("tombstone_notices") or []
             if isinstance(n, dict) and n.get("tombstone_id") == record["id"]]
    expect(named == [entity], f"the ref fact's notices name {named} for tombstone {record['id']}, not [{entity!r}]")
    body = ctx.query(entity=entity, as_of=model.spelling(datetime.now(UTC), "frac-Z")).json or {}
    expect([f.get("id") for f in body.get("facts") or []] == [fact["id"]],
           f"admin as_of on a legal-hold entity returned {body.get('facts')}, not its fact")
    notices = body.get("tombstone_notices") or []
    mine = [n for n in notices if isinstance(n, dict) and n.get("tombstone_id") == record["id"]]
    expect(len(mine) == 1, f"not one tombstone notice names {record['id']}: {notices}")
    notice = mine[0]
    expect(set(notice) == {"entity_uri", "tombstone_id", "legal_hold", "tombstone_created_at"}
           and notice["entity_uri"] == entity and notice["legal_hold"] is True,
           f"the notice is not {{entity_uri, tombstone_id, legal_hold: true, tombstone_created_at}}: {notice}")
    stamp = notice["tombstone_created_at"]
    expect(isinstance(stamp, str) and model.instant(stamp) == model.instant(str(record["created_at"])),
           f"tombstone_created_at {stamp!r} is not the tombstone's created_at {record['created_at']!r}")


@check("http:as_of_default_install_fails_closed", requirements=("STG-TT-001",), profile=P,
       interpretations={"time_travel_default": "fail-closed-501"})
def as_of_default_install_fails_closed(ctx: Context) -> None:
    """The switch a time-travel node keeps: its default install answers as_of 501 time_travel_plugin_not_loaded
    (never 400, never 403, never an answer), checked on the run's default install of the same node."""
    plain = default_install(ctx)
    if plain is ctx:
        raise Skip("the target is itself a default install (http:as_of_fail_closed covers it)")
    ex = plain.query(entity=ctx.unique("closed"), as_of=model.spelling(datetime.now(UTC), "frac-Z"))
    expect_error(ex, (501,), "time_travel_plugin_not_loaded")


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


@check("http:as_of_gate_disabled", requirements=("STG-TT-002",), profile=P, isolated=True)
def as_of_gate_disabled(ctx: Context) -> None:
    """With the plugin registered and its operator gate off, as_of answers 403 time_travel_plugin_disabled while the
    same query without as_of is answered: on a reference node the run starts with the gate off (a node under
    --target cannot be switched by the suite)."""
    if not ctx.embedded:
        raise Skip("the gate is a node setting: only the suite's own reference node is started with it off")
    with EmbeddedNode(auth="none", extra_args=("--time-travel", "disabled", *EmbeddedNode.FAST_TIMEOUTS)) as node:
        target = HttpTarget(node.url, timeout=10.0)
        try:
            entity = ctx.unique("gated")
            expect_status(target.request("GET", "/v1/facts", key=None, params={"entity": entity}), (200,))
            ex = target.request("GET", "/v1/facts", key=None,
                                params={"entity": entity, "as_of": model.spelling(datetime.now(UTC), "frac-Z")})
            expect_error(ex, (403,), "time_travel_plugin_disabled")
        finally:
            target.close()
