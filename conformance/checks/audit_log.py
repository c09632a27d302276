"""The node-wide audit log and its export, ``GET /v1/admin/audit-log`` (Spec-09; A20 §22.3; docs/http-api.md).

Core (Spec-09): admin-only export (STG-AUDIT-011), append-only (STG-AUDIT-005), the event shape with a wall-clock
timestamp (STG-AUDIT-004/007), ascending ``seq`` (STG-AUDIT-008), write-ahead (STG-AUDIT-009), pagination complete
across cursors (STG-AUDIT-012), the event families (STG-AUDIT-006). Hardening (A20 §22.3): the ``event_type``
filter (STG-AUDIT-016), exclusive time bounds at the edge (STG-AUDIT-017), ``limit`` 1..5000 with default 500
(STG-AUDIT-018), the per-type fields of schemas/audit-event.schema.json (STG-AUDIT-019..022, 024), a scope-bounded
admin key's export (STG-AUDIT-025), the retention shown in the status (STG-AUDIT-010, 026), the export audited
(STG-AUDIT-028), ``seq`` across a restart (STG-AUDIT-008). Each check bounds its window with the timestamps of
events it caused, so events of checks running beside it never change its verdict.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.checks.registry import CheckFailed, Context, NotImplementedByNode, Skip, check, expect, expect_status

ROUTE = "/v1/admin/audit-log"
MAX_PAGES = 200
HARDENING = "hardening"


def export(ctx: Context, key: str = "admin", **params: Any) -> dict[str, Any]:
    """One export page (200 and the A20 envelope, else CheckFailed; 404: the route is missing)."""
    ex = ctx.request("GET", ROUTE, key=key, params=params)
    if ex.status in (404, 501):
        raise NotImplementedByNode(f"GET {ROUTE} answered {ex.status}")
    expect_status(ex, (200,))
    body = ex.json
    expect(bool(isinstance(body, dict) and isinstance(body.get("events"), list)
                and isinstance(body.get("has_more"), bool) and "next_cursor" in body),
           f"the export is not {{events, next_cursor, has_more}}: {ex.brief()}")
    return dict(body)


def walk(ctx: Context, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every event of a filtered export, page by page through next_cursor (bounded)."""
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = export(ctx, limit=limit, **params, **({"cursor": cursor} if cursor else {}))
        expect(len(page["events"]) <= limit, f"a page of limit {limit} held {len(page['events'])} events")
        found += page["events"]
        if not page["has_more"]:
            expect(page["next_cursor"] is None, "the last page (has_more false) still has a next_cursor")
            return found
        expect(isinstance(page["next_cursor"], str) and bool(page["next_cursor"]),
               "has_more true without a next_cursor")
        cursor = page["next_cursor"]
    raise CheckFailed(f"the export did not end within {MAX_PAGES} pages of {limit}")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shifted(text: str, microseconds: int) -> str:
    return stamp(instant(text) + timedelta(microseconds=microseconds))


def write_facts(ctx: Context, n: int, scope: str = "local") -> list[dict[str, Any]]:
    entity = ctx.unique("audit")
    return [ctx.assert_fact(ctx.fact(entity, f"v{i}", scope=scope)) for i in range(n)]


def events_of(ctx: Context, facts: list[dict[str, Any]], event_type: str = "fact_write") -> list[dict[str, Any]]:
    """The events of ``event_type`` naming these facts, found in a window opened a second before the first."""
    wanted = {f["id"] for f in facts}
    found = walk(ctx, 5000, event_type=event_type, after=shifted(facts[0]["timestamp"], -1_000_000))
    return [e for e in found if e.get("fact_id") in wanted]


def window(ctx: Context, n: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``n`` fact_write events of new facts and the exclusive time window holding exactly those."""
    events = events_of(ctx, write_facts(ctx, n))
    expect(len(events) == n, f"{n} asserts left {len(events)} fact_write events naming their facts")
    bounds = {"after": shifted(events[0]["timestamp"], -1), "before": shifted(events[-1]["timestamp"], 1),
              "event_type": "fact_write"}
    return events, bounds


def schema_errors(event: dict[str, Any]) -> list[str]:
    return [e.message for e in validator(schemas_dir() / "audit-event.schema.json").iter_errors(event)]


@check("http:audit_export_admin_only", requirements=("STG-AUDIT-011",), needs=("reader_all", "writer_local"),
       exclusive=True)
def audit_export_admin_only(ctx: Context) -> None:
    """The audit export refuses a request without a key (401) and keys without admin (401 or 403)."""
    if not ctx.auth_required:
        raise Skip("the node runs with auth none: every caller is admin")
    ctx.need_admin()
    export(ctx, limit=1)
    ex = ctx.request("GET", ROUTE, key=None, params={"limit": 1})
    expect(ex.status == 401, f"an export without a key answered {ex.brief()}")
    for name in ("reader_all", "writer_local"):
        ctx.need_key(name)
        ex = ctx.request("GET", ROUTE, key=name, params={"limit": 1})
        expect(ex.status in (401, 403), f"an export with the {name} key (no admin) answered {ex.brief()}")


@check("http:audit_event_shape", requirements=("STG-AUDIT-004", "STG-AUDIT-007"), exclusive=True)
def audit_event_shape(ctx: Context) -> None:
    """An assert leaves a fact_write event of the Spec-09 shape with an RFC 3339 wall-clock timestamp."""
    ctx.need_admin()
    events = events_of(ctx, write_facts(ctx, 1))
    expect(len(events) == 1, f"one assert left {len(events)} fact_write events naming its fact")
    problems = schema_errors(events[0])
    expect(not problems, f"the fact_write event does not match audit-event.schema.json: {problems[:3]}")


@check("http:audit_write_ahead", requirements=("STG-AUDIT-009",), exclusive=True)
def audit_write_ahead(ctx: Context) -> None:
    """The fact_write event of an assert is in the export as soon as the assert has answered."""
    ctx.need_admin()
    for _ in range(3):
        fact = write_facts(ctx, 1)[0]
        found = events_of(ctx, [fact])
        expect(len(found) == 1, f"right after the assert of {fact['id']} the export held {len(found)} events of it")


@check("http:audit_seq_monotonic", requirements=("STG-AUDIT-008",), exclusive=True)
def audit_seq_monotonic(ctx: Context) -> None:
    """Exported seq numbers rise strictly, and an event written later has a higher seq than every earlier one."""
    ctx.need_admin()
    first = export(ctx, limit=5000, after=stamp(datetime.now(UTC) - timedelta(minutes=5)))["events"]
    seqs = [e.get("seq") for e in first]
    expect(all(isinstance(s, int) for s in seqs), "an exported event has no integer seq")
    expect(seqs == sorted(set(seqs)), "exported seq numbers are not strictly ascending")
    [later] = events_of(ctx, write_facts(ctx, 1))
    expect(not seqs or later["seq"] > max(seqs), f"a later event got seq {later['seq']}, not above {max(seqs or [0])}")


@check("http:audit_append_only", requirements=("STG-AUDIT-005",), exclusive=True)
def audit_append_only(ctx: Context) -> None:
    """Events already exported read the same after later writes, key changes and exports: nothing alters them."""
    ctx.need_admin()
    events, bounds = window(ctx, 2)
    before = walk(ctx, 5000, **bounds)
    expect(before == events, "the same window exported twice in a row differs")
    entity = ctx.unique("audit-later")

    def unchanged(after_what: str) -> None:
        after = walk(ctx, 5000, **bounds)
        changed = [b.get("seq") for b, a in zip(before, after, strict=False) if a != b]
        expect(len(after) == len(before) and not changed, f"after {after_what} the window holds {len(after)} events "
               f"(was {len(before)}); changed seq {changed}")

    ctx.assert_fact(ctx.fact(entity, "x", confidence=0.0))
    unchanged("a retraction")
    if ctx.auth_required:
        made = ctx.request("POST", "/v1/auth/keys", json_body={"entity_uri": entity, "permissions": ["read"]})
        expect_status(made, (201,))
        unchanged("a key creation")
        expect_status(ctx.request("DELETE", f"/v1/auth/keys/{made.json['id']}"), (204,))
        unchanged("a key revocation")


@check("http:audit_export_paginated", requirements=("STG-AUDIT-012",), exclusive=True)
def audit_export_paginated(ctx: Context) -> None:
    """Walking an export by next_cursor with page sizes that divide the count and that do not returns every event
    once, in ascending seq, the last page with has_more false."""
    ctx.need_admin()
    events, bounds = window(ctx, 6)
    expected = [e["seq"] for e in events]
    expect(expected == sorted(set(expected)), f"the events of six asserts are not in ascending seq: {expected}")
    for size in (1, 2, 3, 4, 6, 7):
        walked = [e["seq"] for e in walk(ctx, size, **bounds)]
        expect(walked == expected, f"pages of {size}: seq {walked}, one page: {expected}")


@check("http:audit_has_more_edge", requirements=("STG-AUDIT-012",), profile=HARDENING, exclusive=True)
def has_more_edge(ctx: Context) -> None:
    """has_more at the edge, over a window of exactly 6 events: limit 6 is the last page (has_more false, no
    next_cursor), limit 5 is not; the page holding the last 3 of them announces no further page."""
    ctx.need_admin()
    _, bounds = window(ctx, 6)
    for size, more in ((6, False), (5, True), (3, True)):
        page = export(ctx, limit=size, **bounds)
        expect(len(page["events"]) == size and page["has_more"] is more,
               f"limit {size} over 6 events: {len(page['events'])} events, has_more {page['has_more']} (not {more})")
    last = export(ctx, limit=3, **bounds)
    page = export(ctx, limit=3, cursor=last["next_cursor"], **bounds)
    expect(len(page["events"]) == 3 and page["has_more"] is False and page["next_cursor"] is None,
           f"the page holding the last 3 of 6 events says has_more {page['has_more']}, next_cursor "
           f"{page['next_cursor']!r}: another page is announced where none follows")


@check("http:audit_event_families", requirements=("STG-AUDIT-006", "STG-AUDIT-019", "STG-AUDIT-020",
                                                  "STG-AUDIT-021"), exclusive=True)
def audit_event_families(ctx: Context) -> None:
    """Assert, retraction, batch, read and key creation and revocation each leave their event with its fields."""
    ctx.need_admin()
    entity = ctx.unique("audit-families")
    asserted = ctx.assert_fact(ctx.fact(entity, "a"))
    retracted = ctx.assert_fact(ctx.fact(entity, "a", confidence=0.0))
    ex = ctx.request("POST", "/v1/facts:batch", json_body={"facts": [ctx.fact(entity, "b"), ctx.fact(entity, "c")]})
    batch = [f["id"] for f in ex.json.get("facts", [])] if ex.status == 200 and isinstance(ex.json, dict) else []
    expect_status(ctx.request("GET", f"/v1/facts/{asserted['id']}"), (200,))
    key_id = None
    if ctx.auth_required:
        made = ctx.request("POST", "/v1/auth/keys", json_body={"entity_uri": entity, "permissions": ["read"]})
        expect_status(made, (201,))
        key_id = made.json["id"]
        expect_status(ctx.request("DELETE", f"/v1/auth/keys/{key_id}"), (204,))
    found = walk(ctx, 5000, after=shifted(asserted["timestamp"], -1_000_000),
                 event_type=["fact_write", "fact_read", "admin_action"])
    by_fact = {(e.get("event_type"), e.get("fact_id")): e for e in found}
    for kind, fact_id, action in [("fact_write", asserted["id"], "assert"), ("fact_write", retracted["id"], "retract"),
                                  *(("fact_write", f, "batch") for f in batch), ("fact_read", asserted["id"], None)]:
        event = by_fact.get((kind, fact_id))
        if event is None:
            raise CheckFailed(f"no {kind} event for {fact_id}")
        expect(action is None or event.get("metadata", {}).get("action") == action,
               f"the {kind} event of {fact_id} has metadata.action {event.get('metadata', {}).get('action')!r}, "
               f"not {action!r}")
        problems = schema_errors(event)
        expect(not problems, f"the {kind} event of {fact_id} lacks its fields: {problems[:3]}")
    if key_id is not None:
        actions = {e.get("metadata", {}).get("action") for e in found
                   if e.get("event_type") == "admin_action" and e.get("metadata", {}).get("target") == key_id}
        expect({"key_create", "key_revoke"} <= actions,
               f"key {key_id}: admin_action events {sorted(map(str, actions))}")


def _key_id(ctx: Context, entity_uri: str) -> str:
    listed = ctx.request("GET", "/v1/auth/keys")
    expect_status(listed, (200,))
    ids = [k.get("id") for k in (listed.json or {}).get("keys", []) if k.get("entity_uri") == entity_uri]
    expect(len(ids) == 1 and isinstance(ids[0], str), f"the key listing shows {len(ids)} keys for {entity_uri}")
    return str(ids[0])


@check("http:audit_event_attribution", requirements=("STG-AUDIT-019", "STG-AUDIT-020", "STG-AUDIT-030"),
       profile=HARDENING, exclusive=True)
def event_attribution(ctx: Context) -> None:
    """A batch, a query returning nothing and a one-fact query by a key of its own: each fact_write event carries
    its fact's own HLC, every event (the fact_read of the query too) names the acting key's id in metadata.key_id
    and its principal, and the empty query left no fact_read (interpretation audit_fact_read)."""
    name = ctx.mint_key("audit_actor", ["read", "write"], ["local"])
    principal = f"stigmem://conformance.test/agent/audit_actor-{ctx.run_id}"
    key_id = _key_id(ctx, principal)
    entity = ctx.unique("audit-attribution")
    ex = ctx.request("POST", "/v1/facts:batch", key=name,
                     json_body={"facts": [ctx.fact(entity, f"b{i}") for i in range(3)]})
    if ex.status != 200 or not isinstance(ex.json, dict):
        raise Skip(f"needs batch assert: {ex.brief()}")
    facts = [f for f in ex.json.get("facts", []) if isinstance(f, dict)]
    expect(len(facts) == 3 and len({f.get("hlc") for f in facts}) == 3, f"a batch of 3 answered {ex.brief()}")
    empty_reads_audited = ctx.interpretations.get("audit_fact_read", "returning-data") != "returning-data"
    if not empty_reads_audited:  # a read that returns nothing is not audited: it must not count below
        nothing = ctx.request("GET", "/v1/facts", key=name, params={"entity": ctx.unique("audit-nothing")})
        expect(nothing.status == 200 and not (nothing.json or {}).get("facts"), f"an empty query {nothing.brief()}")
    query = ctx.request("GET", "/v1/facts", key=name, params={"entity": entity, "limit": 1})
    expect_status(query, (200,))
    expect(len((query.json or {}).get("facts", [])) == 1, f"a query of limit 1 answered {query.brief()}")
    by_fact = {e.get("fact_id"): e for e in events_of(ctx, facts)}
    for fact in facts:
        event = by_fact.get(fact["id"])
        if event is None:
            raise CheckFailed(f"no fact_write event for {fact['id']}")
        expect(event.get("hlc") == fact.get("hlc"),
               f"the fact_write event of {fact['id']} has hlc {event.get('hlc')!r}, the fact {fact.get('hlc')!r}")
        meta = event.get("metadata", {})
        expect(meta.get("key_id") == key_id and event.get("actor_entity") == principal,
               f"the fact_write event of {fact['id']} names key {meta.get('key_id')!r} and actor "
               f"{event.get('actor_entity')!r}, not {key_id} and {principal}")
    reads = [e for e in walk(ctx, 5000, event_type="fact_read", after=shifted(facts[0]["timestamp"], -1_000_000))
             if e.get("actor_entity") == principal]
    expect(len(reads) == 1, f"a query returning one fact (after one returning none) left {len(reads)} fact_read "
                            "events of its reader")
    meta = reads[0].get("metadata", {})
    expect(meta.get("returned") == 1 and meta.get("key_id") == key_id,
           f"the fact_read event of a one-fact query has returned {meta.get('returned')!r}, key_id "
           f"{meta.get('key_id')!r} (the key is {key_id})")


@check("http:audit_event_type_filter", requirements=("STG-AUDIT-016",), profile=HARDENING, exclusive=True)
def event_type_filter(ctx: Context) -> None:
    """event_type keeps only the types named; repeated, it keeps each of them and nothing else."""
    ctx.need_admin()
    fact = write_facts(ctx, 1)[0]
    expect_status(ctx.request("GET", f"/v1/facts/{fact['id']}"), (200,))
    after = shifted(fact["timestamp"], -1_000_000)
    for types in (["fact_write"], ["fact_read"], ["fact_write", "fact_read"]):
        found = walk(ctx, 5000, after=after, event_type=types)
        kinds = {e.get("event_type") for e in found}
        expect(kinds == set(types) and any(e.get("fact_id") == fact["id"] for e in found),
               f"event_type={types}: the export held types {sorted(map(str, kinds))}")


@check("http:audit_time_bounds", requirements=("STG-AUDIT-017",), profile=HARDENING, exclusive=True)
def time_bounds(ctx: Context) -> None:
    """after and before are exclusive: an event at exactly the bound is out, one microsecond inside it is in."""
    ctx.need_admin()
    [event] = events_of(ctx, write_facts(ctx, 1))
    at, seq = event["timestamp"], event["seq"]

    def holds(**bounds: str) -> bool:
        return any(e.get("seq") == seq for e in walk(ctx, 5000, event_type="fact_write", **bounds))

    expect(holds(after=shifted(at, -1), before=shifted(at, 1)), "after=t-1µs&before=t+1µs left the event at t out")
    expect(not holds(after=at), "after=t kept the event at t (after is exclusive)")
    expect(not holds(after=shifted(at, -1), before=at), "before=t kept the event at t (before is exclusive)")
    ex = ctx.request("GET", ROUTE, params={"after": "yesterday"})
    expect(ex.status in (400, 422), f"after=yesterday answered {ex.brief()}")


@check("http:audit_limit_bounds", requirements=("STG-AUDIT-018",), profile=HARDENING, exclusive=True)
def limit_bounds(ctx: Context) -> None:
    """limit 1 and 5000 are served, 0 and 5001 are refused (400/422), and without a limit a page holds 500 events."""
    ctx.need_admin()
    export(ctx, limit=5000)
    one = export(ctx, limit=1)  # the export just made is an event, so there is at least one
    expect(len(one["events"]) == 1, f"limit=1 served {len(one['events'])} events")
    for bad in ("0", "5001", "-1", "ten"):
        ex = ctx.request("GET", ROUTE, params={"limit": bad})
        expect(ex.status in (400, 422), f"limit={bad} answered {ex.brief()}")
    entity = ctx.unique("audit-limit")
    first = None
    for round_ in range(11):  # 550 fact_write events, 50 facts a batch
        body = {"facts": [ctx.fact(entity, f"{round_}-{i}") for i in range(50)]}
        ex = ctx.request("POST", "/v1/facts:batch", json_body=body)
        if ex.status != 200:
            raise Skip(f"needs batch assert to write 550 facts quickly: {ex.brief()}")
        first = first or ex.json["facts"][0]
    assert first is not None
    page = export(ctx, event_type="fact_write", after=shifted(first["timestamp"], -1))
    expect(len(page["events"]) == 500 and page["has_more"],
           f"the default page held {len(page['events'])} of at least 550 events (has_more {page['has_more']})")


@check("http:audit_export_scope_bounded", requirements=("STG-AUDIT-025", "STG-KEY-008"), profile=HARDENING,
       exclusive=True)
def export_scope_bounded(ctx: Context) -> None:
    """An admin key bounded to local exports the events of local facts and none of a team fact's (its write nor a
    read of it by id), and the events without a scope (the admin_action of its own export)."""
    name = ctx.mint_key("admin_local", ["read", "write", "admin"], ["local"])
    local, team = write_facts(ctx, 1, "local")[0], write_facts(ctx, 1, "team")[0]
    since = shifted(local["timestamp"], -1_000_000)
    seen = {e.get("fact_id") for e in walk(ctx, 5000, key=name, event_type="fact_write", after=since)}
    expect(local["id"] in seen, "the local admin's export left out the event of a local fact")
    expect(team["id"] not in seen, "the local admin's export showed the event of a team fact")
    for fact in (local, team):  # a read of one fact is an event of that fact's scope (STG-AUDIT-020)
        expect_status(ctx.request("GET", f"/v1/facts/{fact['id']}"), (200,))
    read = {e.get("fact_id") for e in walk(ctx, 5000, key=name, event_type="fact_read", after=since)}
    expect(team["id"] not in read, "the local admin's export showed the fact_read event of a team fact's read")
    unscoped = [e for e in walk(ctx, 5000, key=name, event_type="admin_action", after=since)
                if e.get("metadata", {}).get("action") == "audit_export" and e.get("scope") is None]
    expect(bool(unscoped), "the local admin's export left out the events without a scope (no admin_action of "
                           "its own audit export since it began)")


@check("http:audit_retention_reported", requirements=("STG-AUDIT-010", "STG-AUDIT-026", "STG-AUDIT-027"),
       profile=HARDENING, exclusive=True)
def retention_reported(ctx: Context) -> None:
    """The admin status reports the audit retention, at least 90 days (365 by default), in days: the number the
    last retention change (its admin_action event) set."""
    ctx.need_admin()
    ex = ctx.request("GET", "/v1/admin/status")
    expect_status(ex, (200,))
    audit = ex.json.get("audit_log") if isinstance(ex.json, dict) else None
    if not isinstance(audit, dict):
        raise NotImplementedByNode("the admin status has no audit_log section")
    days = audit.get("retention_days")
    expect(isinstance(days, int) and days >= 90, f"audit retention_days is {days!r}, not at least 90")
    # The retention in force is the one its last change set (the change is an admin_action event, STG-AUDIT-027):
    # the status reports the same number of days.
    changes = [e for e in walk(ctx, 5000, event_type="admin_action", before=stamp(datetime.now(UTC)))
               if e.get("metadata", {}).get("target") == "audit_log"
               and isinstance(e.get("metadata", {}).get("retention_days"), int)]
    if not changes:
        raise Skip("no admin_action event of a retention change is exported (pruned, or the node names it otherwise)")
    set_to = changes[-1]["metadata"]["retention_days"]
    expect(days == set_to, f"the status reports retention_days {days}, the last retention change set {set_to} days")


@check("http:audit_export_audited", requirements=("STG-AUDIT-028",), profile=HARDENING, exclusive=True)
def export_audited(ctx: Context) -> None:
    """An export is itself an admin_action event (action audit_export) in later exports."""
    ctx.need_admin()
    [event] = events_of(ctx, write_facts(ctx, 1))
    found = walk(ctx, 5000, event_type="admin_action", after=shifted(event["timestamp"], -1))
    expect(any(e.get("metadata", {}).get("action") == "audit_export" for e in found),
           "exports leave no admin_action event with action audit_export")


@check("http:audit_federation_events", requirements=("STG-AUDIT-022", "STG-AUDIT-024"), profile=HARDENING,
       exclusive=True)
def federation_events(ctx: Context) -> None:
    """A malformed peer declaration leaves a federation_connect event (rejected) and the mirrored federation audit
    row, each with its fields."""
    ctx.need_admin()
    if ctx.discovery.get("federation") in (None, "disabled"):
        raise Skip("the node does not federate")
    node_id = ctx.unique("node")
    before = stamp(datetime.now(UTC) - timedelta(seconds=5))
    ex = ctx.request("POST", "/v1/federation/peers", json_body={"node_id": node_id, "node_url": "not a url"})
    expect(400 <= ex.status < 500, f"a malformed declaration answered {ex.brief()}")
    found = walk(ctx, 5000, after=before, event_type=["federation_connect", "rejected_declaration"])
    mine = [e for e in found if node_id in str(e.get("metadata", {}).get("peer_node_id"))]
    kinds = {e.get("event_type") for e in mine}
    expect(kinds == {"federation_connect", "rejected_declaration"},
           f"the refused declaration of {node_id} left events {sorted(map(str, kinds))}")
    for event in mine:
        problems = schema_errors(event)
        expect(not problems, f"the {event.get('event_type')} event lacks its fields: {problems[:3]}")


@check("http:audit_replay_rejected_event", requirements=("STG-AUDIT-024",), profile=HARDENING, exclusive=True)
def replay_rejected_event(ctx: Context) -> None:
    """A peer token presented twice is refused the second time, and the export filtered on event_type
    replay_rejected (A20's name for a replay) holds the event, naming the peer."""
    from conformance.checks.federation.support import registered_peer

    ctx.need_admin()
    if ctx.discovery.get("federation") in (None, "disabled"):
        raise Skip("the node does not federate")
    with registered_peer(ctx, name="replay") as (peer, fed):
        before = stamp(datetime.now(UTC) - timedelta(seconds=5))
        token = peer.token("fresh", fed.node_id).token
        first = peer.present(ctx.target, token, params={"limit": "1"})
        expect(first.status == 200, f"a fresh peer token answered {first.brief()}")
        again = peer.present(ctx.target, token, params={"limit": "1"})
        expect(again.status == 401, f"the same token presented again answered {again.brief()}")
        found = [e for e in walk(ctx, 5000, after=before, event_type="replay_rejected")
                 if peer.node_id in json.dumps(e)]
    expect(bool(found), f"the export holds no replay_rejected event naming {peer.node_id} after its replay")


@check("crash:audit_seq_survives_restart", requirements=("STG-AUDIT-008",), profile=HARDENING, isolated=True)
def audit_seq_survives_restart(ctx: Context) -> None:
    """After a restart (and after a kill -9) the next event's seq is above every seq handed out before."""
    from conformance.checks.federation.failure_modes import recipe_of
    from conformance.federation.cluster import Cluster

    recipe = recipe_of(ctx)
    with Cluster(recipe, ["a"], proxies=False) as cluster:
        node = cluster["a"]
        highest = 0
        for step in ("start", "restart", "kill"):
            body = {"entity": f"stigmem://{node.authority}/test/seq-{ctx.run_id}", "relation": "test:value",
                    "value": {"type": "string", "v": step}, "scope": "local",
                    "source": f"stigmem://{node.authority}/agent/suite"}
            ex = node.target.request("POST", "/v1/facts", json_body=body)
            expect(ex.status in (200, 201), f"assert after {step}: {ex.brief()}")
            page = node.target.request("GET", ROUTE, params={"limit": 5000, "event_type": "fact_write"})
            if page.status in (404, 501):
                raise NotImplementedByNode(f"GET {ROUTE} answered {page.status}")
            expect_status(page, (200,))
            seqs = [e.get("seq") for e in page.json["events"] if e.get("fact_id") == ex.json.get("id")]
            expect(len(seqs) == 1 and isinstance(seqs[0], int) and seqs[0] > highest,
                   f"after {step} the new event has seq {seqs}, not above {highest}")
            highest = seqs[0]
            if step == "start":
                cluster.restart("a")
            elif step == "restart":
                cluster.kill("a")
                cluster.restart("a")
