"""RTBF tombstones over HTTP (Spec-X2; A20 §23; seed "RTBF / tombstones"): profile ``tombstones``.

Indistinguishability is judged against the suite's own twin: the same facts asserted on fresh entities without the
tombstoned ones, so bodies, totals and page walks of "after tombstoning E" must match "E's facts never existed".
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from conformance.checks.audit_log import schema_errors
from conformance.checks.registry import Context, Skip, check, expect, expect_error, expect_status, ids
from conformance.oracle import ed25519
from conformance.oracle import time_travel as model

P = "tombstones"
_TOMB_ID = re.compile(r"tomb_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
ID_CLOCK_SLACK_MS = 5_000  # a UUIDv7's time against created_at: one issuance, a little clock latitude
ACCESS_DENIED = "tombstone_access_denied"  # A20 §23.7: a non-admin key on a tombstone route
_RECORD = ("id", "entity_uri", "scope", "reason", "signed_by", "key_id", "signature", "created_at", "legal_hold")


def issue(ctx: Context, entity: str, scope: Any = "*", reason: str | None = "conformance erasure",
          legal_hold: bool | None = None, status: tuple[int, ...] = (201,)) -> dict[str, Any]:
    ctx.need_admin()
    body: dict[str, Any] = {"entity_uri": entity, "scope": scope, "reason": reason}
    if legal_hold is not None:
        body["legal_hold"] = legal_hold
    ex = ctx.request("POST", "/v1/tombstones", json_body=body)
    expect_status(ex, status)
    return ex.json if isinstance(ex.json, dict) else {}


def revoke(ctx: Context, tombstone_id: str) -> Any:
    return ctx.request("POST", f"/v1/tombstones/{tombstone_id}/revoke", json_body={"reason": "conformance appeal"})


def _walk(ctx: Context, **params: Any) -> list[tuple[Any, int, bool]]:
    """A page walk at limit 1: (total, facts on the page, cursor present) per page, bounded to 20 pages."""
    shape, cursor = [], None
    for _ in range(20):
        ex = ctx.query(limit=1, **params, **({"cursor": cursor} if cursor else {}))
        expect_status(ex, (200,))
        body = ex.json or {}
        cursor = body.get("cursor")
        shape.append((body.get("total"), len(body.get("facts") or []), cursor is not None))
        if not cursor:
            break
    return shape


@check("http:tombstone_create", requirements=("STG-TOMB-001", "STG-TOMB-004"), profile=P)
def tombstone_create(ctx: Context) -> None:
    """POST /v1/tombstones answers 201 with a tomb_+UUIDv7 record signed over JCS without signature and reason."""
    entity = ctx.unique("forgotten")
    record = issue(ctx, entity, "company")
    missing = [name for name in _RECORD if name not in record]
    expect(not missing, f"the record lacks {missing}: {record}")
    expect(bool(_TOMB_ID.fullmatch(str(record["id"]))), f"id {record['id']!r} is not tomb_ + a UUIDv7")
    expect(record["entity_uri"] == entity and record["scope"] == "company" and record["legal_hold"] is False,
           f"the record does not carry what was issued: {record}")
    expect(bool(re.fullmatch(r"[0-9a-f]{64}", str(record["key_id"]))), f"key_id {record['key_id']!r} is not 64 hex")
    # STG-TOMB-001: the UUIDv7's 48-bit field is the issuance time in Unix milliseconds (RFC 9562 §5.7).
    id_ms = int(str(record["id"])[5:18].replace("-", ""), 16)
    created_ms = int(model.instant(str(record["created_at"])).timestamp() * 1000)
    expect(abs(id_ms - created_ms) <= ID_CLOCK_SLACK_MS,
           f"the id's UUIDv7 time is {id_ms} ms, created_at {record['created_at']} is {created_ms} ms")
    node_id = ctx.discovery.get("node_id")
    expect(node_id is None or record["signed_by"] == node_id,
           f"signed_by is {record['signed_by']!r}, not the node_id {node_id!r} whose key signs (A20 §23.2.2)")
    public_b64 = ctx.discovery.get("federation_pubkey")
    if not isinstance(public_b64, str):
        raise Skip("the node publishes no federation_pubkey to verify the signature with (shape checked)")
    public = ed25519.b64u_decode(public_b64)
    if ed25519.key_id(public) != record["key_id"]:
        raise Skip("key_id names a key other than the published federation_pubkey (shape checked)")
    message = ed25519.preimage("tombstone", record)
    expect(ed25519.verify(public, message, ed25519.b64u_decode(str(record["signature"]))),
           "the signature does not verify over JCS of the record without signature and reason")


@check("http:tombstone_entity_uri_invalid", requirements=("STG-TOMB-002",), profile=P)
def tombstone_entity_uri_invalid(ctx: Context) -> None:
    """A wildcard or empty entity_uri answers 400 tombstone_entity_uri_invalid."""
    for bad in ("stigmem://conformance.test/user/*", "", "   "):
        ex = ctx.request("POST", "/v1/tombstones", json_body={"entity_uri": bad, "scope": "*", "reason": "x"})
        expect_error(ex, (400,), "tombstone_entity_uri_invalid")


@check("http:tombstone_invalid_scope", requirements=("STG-TOMB-005",), profile=P)
def tombstone_invalid_scope(ctx: Context) -> None:
    """A scope that is not *, a scope or an array of distinct scopes answers 400 tombstone_invalid_scope: scope
    names are case-sensitive and "*" stands alone, never inside an array."""
    for bad in ("everything", "", [], ["team", "team"], ["team", "galaxy"], 3, "TEAM", "Public", ["Team"],
                ["*", "team"], ["*"], "*team"):
        ex = ctx.request("POST", "/v1/tombstones", json_body={"entity_uri": ctx.unique("scope"), "scope": bad,
                                                              "reason": "x"})
        expect_error(ex, (400,), "tombstone_invalid_scope")


@check("http:tombstone_admin_only", requirements=("STG-TOMB-003", "STG-TOMB-009", "STG-AUTH-004"), profile=P)
def tombstone_admin_only(ctx: Context) -> None:
    """Every tombstone route (issue, lookup, revoke) answers a non-admin key 403 tombstone_access_denied and a
    request without a key 401; neither issues, reveals nor revokes anything."""
    key = ctx.mint_key("tomb-agent", ["read", "write"], ["local", "team", "company", "public"])
    record = issue(ctx, ctx.unique("x"))
    routes = (("POST", "/v1/tombstones", {"entity_uri": ctx.unique("x"), "scope": "*", "reason": "x"}),
              ("GET", f"/v1/tombstones/{quote(str(record['entity_uri']), safe='')}", None),
              ("POST", f"/v1/tombstones/{record['id']}/revoke", {"reason": "x"}))
    for method, path, body in routes:
        expect_error(ctx.request(method, path, key=key, json_body=body), (403,), ACCESS_DENIED)
        expect_status(ctx.request(method, path, key=None, json_body=body), (401,))
    lookup = ctx.request("GET", routes[1][1]).json or {}
    expect(lookup.get("tombstoned") is True and not lookup.get("revocations"),
           f"a refused revocation revoked the tombstone: {lookup}")


@check("http:tombstone_lookup", requirements=("STG-TOMB-009",), profile=P)
def tombstone_lookup(ctx: Context) -> None:
    """GET /v1/tombstones/{entity} is admin-only and answers {tombstoned, tombstones, revocations}."""
    entity = ctx.unique("lookup")
    path = f"/v1/tombstones/{quote(entity, safe='')}"
    expect((ctx.request("GET", path).json or {}).get("tombstoned") is False, "an untouched entity reads tombstoned")
    record = issue(ctx, entity)
    body = ctx.request("GET", path).json or {}
    expect(body.get("tombstoned") is True and [t.get("id") for t in body.get("tombstones") or []] == [record["id"]]
           and "revocations" in body, f"lookup answered {body}")
    key = ctx.mint_key("tomb-agent", ["read", "write"], ["local", "team", "company", "public"])
    ex = ctx.request("GET", path, key=key)
    expect(ex.status in (401, 403), f"a non-admin key read tombstone status: {ex.brief()}")


@check("http:tombstone_duplicate_conflict", requirements=("STG-TOMB-006", "STG-TOMB-011"), profile=P,
       interpretations={"tombstone_duplicate": "conflict-409"})
def tombstone_duplicate_conflict(ctx: Context) -> None:
    """A second active tombstone for the same entity and scope pattern answers 409 tombstone_already_exists, an
    array in another order included (an array is a union); another pattern, or the same one after its tombstone was
    revoked, is a new tombstone (201)."""
    entity = ctx.unique("twice")
    issue(ctx, entity, "team")
    ex = ctx.request("POST", "/v1/tombstones", json_body={"entity_uri": entity, "scope": "team", "reason": "again"})
    expect_error(ex, (409,), "tombstone_already_exists")
    union = issue(ctx, entity, ["team", "company"])
    ex = ctx.request("POST", "/v1/tombstones", json_body={"entity_uri": entity, "scope": ["company", "team"],
                                                          "reason": "again"})
    expect_error(ex, (409,), "tombstone_already_exists")
    expect_status(revoke(ctx, union["id"]), (200,))
    again = issue(ctx, entity, ["company", "team"], status=(201,))
    expect(again.get("id") != union["id"], f"re-issuing after the revocation answered the revoked record {again}")


@check("http:tombstone_not_a_fact", requirements=("STG-TOMB-007",), profile=P)
def tombstone_not_a_fact(ctx: Context) -> None:
    """Issuing a tombstone writes no fact: no query finds one about the entity or by the node."""
    entity = ctx.unique("apart")
    record = issue(ctx, entity)
    for params in ({"entity": entity}, {"source": record.get("signed_by")}):
        body = ctx.query(**params).json or {}
        expect(body.get("total") == 0 and not body.get("facts"), f"a query {params} found {body}")


@check("http:tombstone_hides_facts", requirements=("STG-TOMB-011",), profile=P)
def tombstone_hides_facts(ctx: Context) -> None:
    """A tombstone hides the entity's facts in the scopes its pattern covers, and only those (the pattern
    ``["team", "company"]``; under tombstone_scope_array single-only, one tombstone per scope)."""
    entity = ctx.unique("scoped")
    made = {scope: ctx.assert_fact(ctx.fact(entity, scope, scope=scope))["id"]
            for scope in ("local", "team", "company", "public")}
    if ctx.interpretations.get("tombstone_scope_array", "sorted-union") == "single-only":
        issue(ctx, entity, "team")
        issue(ctx, entity, "company")
    else:
        issue(ctx, entity, ["team", "company"])
    got = set(ids(ctx.query(entity=entity)))
    expect(got == {made["local"], made["public"]}, f"after tombstoning team and company the query returned {got}")
    issue(ctx, entity, "*")
    expect(ids(ctx.query(entity=entity)) == [], "a * tombstone left facts visible")


@check("http:tombstone_hides_refs", requirements=("STG-TOMB-012",), profile=P)
def tombstone_hides_refs(ctx: Context) -> None:
    """A fact whose ref value points at a tombstoned entity is left out too, a confidence-0 one (a retraction, which
    is no graph edge) included; a string value spelling the entity's URI is no ref and stays."""
    entity, other = ctx.unique("target"), ctx.unique("pointer")
    ref = ctx.assert_fact(ctx.fact(other, entity, relation="rel:knows", vtype="ref"))
    plain = ctx.assert_fact(ctx.fact(other, "kept"))
    text = ctx.assert_fact(ctx.fact(other, entity, relation="memory:mentions"))
    retraction = ctx.assert_fact(ctx.fact(other, entity, relation="rel:knew", vtype="ref", confidence=0.0),
                                 status=(200, 201))
    expect(ctx.request("GET", f"/v1/facts/{retraction['id']}").status == 200,
           f"the confidence-0 ref fact {retraction['id']} is not readable before the tombstone (vacuous)")
    issue(ctx, entity)
    got = ids(ctx.query(entity=other))
    expect(ref["id"] not in got and plain["id"] in got, f"after tombstoning the ref target the query returned {got}")
    expect(text["id"] in got, f"a string value equal to the tombstoned URI was suppressed as if it were a ref: {got}")
    ex = ctx.request("GET", f"/v1/facts/{retraction['id']}")
    expect(ex.status == 404 and retraction["id"] not in got,
           f"a confidence-0 ref to the tombstoned entity is still served: GET by id {ex.brief()}, query {got}")


@check("http:tombstone_single_fact_404", requirements=("STG-TOMB-013",), profile=P)
def tombstone_single_fact_404(ctx: Context) -> None:
    """A suppressed fact reads as a missing one by id, by CID and through verify-cid."""
    entity = ctx.unique("single")
    fact = ctx.assert_fact(ctx.fact(entity))
    issue(ctx, entity)
    missing = ctx.request("GET", "/v1/facts/00000000-0000-4000-8000-000000000000")
    for path, method in ((f"/v1/facts/{fact['id']}", "GET"), (f"/v1/facts/{fact.get('cid')}", "GET"),
                         (f"/v1/facts/{fact['id']}/verify-cid", "POST")):
        ex = ctx.request(method, path)
        expect(ex.status == missing.status == 404 and ex.code() == missing.code(),
               f"{method} {path} of a suppressed fact answered {ex.brief()}, a missing fact {missing.brief()}")


@check("http:tombstone_total_post_filter", requirements=("STG-TOMB-013",), profile=P)
def tombstone_total_post_filter(ctx: Context) -> None:
    """After tombstoning E, a query's totals and page walk equal those of a twin where E's facts never existed."""
    source, twin_source = ctx.unique("src"), ctx.unique("twin")
    gone, kept = ctx.unique("gone"), ctx.unique("kept")
    for value in ("a", "b", "c"):
        ctx.assert_fact({**ctx.fact(gone, value, relation=f"memory:{value}"), "source": source})
    for value in ("a", "b"):
        ctx.assert_fact({**ctx.fact(kept, value, relation=f"memory:{value}"), "source": source})
        ctx.assert_fact({**ctx.fact(ctx.unique("t"), value, relation=f"memory:{value}"), "source": twin_source})
    issue(ctx, gone)
    after, twin = _walk(ctx, source=source), _walk(ctx, source=twin_source)
    expect(after == twin, f"page walk after tombstoning {after}, never-existed twin {twin}")
    expect(after[0][0] == 2, f"total after tombstoning is {after[0][0]!r}, not 2")


@check("http:tombstone_effective_within_60s", requirements=("STG-TOMB-014",), profile=P)
def tombstone_effective_within_60s(ctx: Context) -> None:
    """A local tombstone takes effect within 60 s (here: by the next request)."""
    entity = ctx.unique("prompt")
    ctx.assert_fact(ctx.fact(entity))
    issue(ctx, entity)
    expect(ids(ctx.query(entity=entity)) == [], "the entity's facts were still served right after the tombstone")


@check("http:tombstone_normalized_entity", requirements=("STG-TOMB-015",), profile=P,
       interpretations={"tombstone_entity_uri": "normalize"})
def tombstone_normalized_entity(ctx: Context) -> None:
    """A tombstone issued with another spelling of an entity covers its facts."""
    entity = ctx.unique("spelling")
    ctx.assert_fact(ctx.fact(entity))
    record = issue(ctx, "  " + entity.replace("conformance.test", "Conformance.TEST") + " ")
    expect(record.get("entity_uri") == entity, f"entity_uri stored as {record.get('entity_uri')!r}")
    expect(ids(ctx.query(entity=entity)) == [], "a differently spelled tombstone did not cover the entity")


@check("http:tombstone_revoke", requirements=("STG-TOMB-008", "STG-TOMB-009", "STG-TOMB-010"), profile=P)
def tombstone_revoke(ctx: Context) -> None:
    """Revocation needs a reason (none, null or empty is refused and revokes nothing) and answers 200 with its
    record; unknown ids 404, a second revocation 409; the tombstone stays, and the lookup then reads not
    tombstoned."""
    entity = ctx.unique("revoke")
    record = issue(ctx, entity)
    path = f"/v1/tombstones/{record['id']}/revoke"
    for body in ({}, {"reason": None}, {"reason": ""}):
        ex = ctx.request("POST", path, json_body=body)
        expect(ex.status in (400, 422), f"a revocation with {body} answered {ex.brief()}")
    ex = revoke(ctx, record["id"])
    expect_status(ex, (200,))
    body = ex.json or {}
    expect(body.get("tombstone_id") == record["id"] and str(body.get("id", "")).startswith("tombrevoke_"),
           f"revocation record {body}")
    expect_error(revoke(ctx, record["id"]), (409,), "tombstone_already_revoked")
    expect_error(revoke(ctx, "tomb_00000000-0000-7000-8000-000000000000"), (404,), "tombstone_not_found")
    kept = ctx.request("GET", f"/v1/tombstones/{quote(entity, safe='')}").json or {}
    expect([t.get("signature") for t in kept.get("tombstones") or []] == [record["signature"]],
           f"the revoked tombstone's record changed or went: {kept}")
    expect(kept.get("tombstoned") is False and [r.get("id") for r in kept.get("revocations") or []] == [body["id"]],
           f"after its only tombstone was revoked the lookup reads {kept}")


@check("http:tombstone_revoke_own_cover", requirements=("STG-TOMB-008", "STG-TOMB-011"), profile=P)
def tombstone_revoke_own_cover(ctx: Context) -> None:
    """Two tombstones on one entity (team, company): revoking one restores its scope's fact only; the other scope
    stays hidden, the lookup still reads tombstoned, and revoking the second restores the rest."""
    entity = ctx.unique("two-covers")
    made = {scope: ctx.assert_fact(ctx.fact(entity, scope, scope=scope))["id"] for scope in ("local", "team",
                                                                                              "company")}
    team, company = issue(ctx, entity, "team"), issue(ctx, entity, "company")
    expect(ids(ctx.query(entity=entity)) == [made["local"]], "the two tombstones left more than the local fact")
    expect_status(revoke(ctx, team["id"]), (200,))
    got = set(ids(ctx.query(entity=entity)))
    expect(got == {made["local"], made["team"]}, f"revoking the team tombstone left {got} visible, not the local "
           "and team facts")
    lookup = ctx.request("GET", f"/v1/tombstones/{quote(entity, safe='')}").json or {}
    expect(lookup.get("tombstoned") is True, f"with the company tombstone active the lookup reads {lookup}")
    expect_status(revoke(ctx, company["id"]), (200,))
    expect(set(ids(ctx.query(entity=entity))) == set(made.values()), "revoking both did not restore every fact")


@check("http:tombstone_revocation_restores", requirements=("STG-TOMB-008",), profile=P)
def tombstone_revocation_restores(ctx: Context) -> None:
    """Revoking restores exactly what was suppressed: the same body as before the tombstone."""
    entity = ctx.unique("restore")
    for value in ("a", "b"):
        ctx.assert_fact(ctx.fact(entity, value, relation=f"memory:{value}"))
    before = ctx.query(entity=entity).json
    record = issue(ctx, entity)
    expect(ids(ctx.query(entity=entity)) == [], "the tombstone hid nothing")
    expect_status(revoke(ctx, record["id"]), (200,))
    after = ctx.query(entity=entity).json
    expect(after == before, f"after revocation {after}, before the tombstone {before}")


@check("http:legal_hold_audited", requirements=("STG-TOMB-023",), profile=P)
def legal_hold_audited(ctx: Context) -> None:
    """Issuing a legal-hold tombstone is audited as rtbf_legal_hold_issued, an event of the audit log's shape for it
    (the admin, tombstone_id, entity_uri)."""
    record = issue(ctx, ctx.unique("hold"), legal_hold=True)
    ex = ctx.request("GET", "/v1/admin/audit-log", params={"event_type": "rtbf_legal_hold_issued", "limit": "5000"})
    expect_status(ex, (200,))
    events = (ex.json or {}).get("events") or []
    mine = [e for e in events if isinstance(e, dict) and record["id"] in repr(e)]
    expect(len(mine) == 1, f"not one rtbf_legal_hold_issued event names {record['id']}: {mine}")
    problems = schema_errors(mine[0])
    expect(not problems, f"the rtbf_legal_hold_issued event does not match audit-event.schema.json: {problems[:3]}")



@check("http:tombstone_hides_unnormalized_ref", requirements=("STG-TOMB-012", "STG-TOMB-015"), profile=P,
       interpretations={"tombstone_entity_uri": "normalize"})
def tombstone_hides_unnormalized_ref(ctx: Context) -> None:
    """A ref value naming the entity in another spelling (authority in capitals) is left out too: refs are compared
    as entity URIs, never as strings."""
    entity, other = ctx.unique("ref-spelling"), ctx.unique("ref-holder")
    spelled = entity.replace("conformance.test", "Conformance.TEST")
    if spelled == entity:
        raise Skip(f"the suite's entity {entity} has no authority to spell differently")
    ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(other, spelled, relation="rel:knows", vtype="ref"))
    if ex.status not in (200, 201):
        raise Skip(f"the node refuses a ref value with a capitalized authority ({ex.brief()})")
    ref = ex.json or {}
    plain = ctx.assert_fact(ctx.fact(other, "kept"))
    issue(ctx, entity)
    got = ids(ctx.query(entity=other))
    expect(ref.get("id") not in got and plain["id"] in got,
           f"after tombstoning {entity} the ref spelled {spelled} is still served: {got}")


@check("http:tombstone_cursor_total_fresh", requirements=("STG-TOMB-013",), profile=P)
def tombstone_cursor_total_fresh(ctx: Context) -> None:
    """A page walk begun before a tombstone reports, on its next page, the total after filtering (never the total
    counted before, which would reveal how many facts were erased)."""
    source = ctx.unique("walk-src")
    entities = [ctx.unique(f"walk-{n}") for n in range(3)]
    for entity in entities:
        ctx.assert_fact({**ctx.fact(entity), "source": source})
    first = ctx.query(source=source, limit=1).json or {}
    expect(first.get("total") == 3 and bool(first.get("cursor")), f"the first page answered {first}")
    issue(ctx, entities[0])
    second = ctx.query(source=source, limit=1, cursor=first["cursor"]).json or {}
    expect(second.get("total") == 2, f"the page after the tombstone reports total {second.get('total')!r}, not 2")


def _conflict_of(ctx: Context, fact_ids: set[str]) -> str | None:
    """The id of the unresolved conflict between exactly ``fact_ids`` that GET /v1/conflicts lists (10 pages)."""
    cursor = None
    for _ in range(10):
        params = {"status": "unresolved", "limit": "500", **({"cursor": cursor} if cursor else {})}
        body = ctx.request("GET", "/v1/conflicts", params=params).json or {}
        for c in body.get("conflicts") or []:
            if {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")} == fact_ids:
                return str(c.get("conflict_id"))
        cursor = body.get("cursor")
        if not body.get("has_more") or not cursor:
            return None
    return None


def _shown(ex: Any) -> tuple[Any, list[tuple[Any, Any, Any]]]:
    body = ex.json or {}
    return body.get("total"), [(f.get("value"), f.get("confidence"), f.get("contradicted"))
                               for f in body.get("facts") or []]


@check("http:tombstone_ref_outranks_nothing", requirements=("STG-TOMB-012", "STG-TOMB-013"), profile=P)
def tombstone_ref_outranks_nothing(ctx: Context) -> None:
    """A suppressed ref fact no longer outranks its triple's other value: the entity reads as a twin that never had
    the ref fact (the other value shown, uncontradicted, total 1)."""
    target, entity, twin = ctx.unique("outranker"), ctx.unique("holder"), ctx.unique("holder-twin")
    ctx.assert_fact(ctx.fact(entity, target, relation="rel:knows", vtype="ref", confidence=0.95))
    ctx.assert_fact(ctx.fact(entity, "y", relation="rel:knows", confidence=0.5))
    ctx.assert_fact(ctx.fact(twin, "y", relation="rel:knows", confidence=0.5))
    issue(ctx, target)
    after, never = _shown(ctx.query(entity=entity)), _shown(ctx.query(entity=twin))
    expect(after == never, f"after tombstoning the ref target the entity reads {after}, the never-existed twin "
           f"{never}")


@check("http:tombstone_reassert_is_new", requirements=("STG-TOMB-013",), profile=P)
def tombstone_reassert_is_new(ctx: Context) -> None:
    """Asserting again the content of a suppressed fact stores a new fact (201, a new id), as in a store where the
    suppressed fact never existed: the answer does not reveal the erased fact's id or timestamp."""
    entity = ctx.unique("reassert")
    body = ctx.fact(entity, "same")
    first = ctx.assert_fact(body)
    issue(ctx, entity)
    ex = ctx.request("POST", "/v1/facts", json_body=body)
    got = ex.json if isinstance(ex.json, dict) else {}
    expect(ex.status == 201 and got.get("id") not in (None, first.get("id")),
           f"re-asserting a suppressed fact's content answered {ex.brief()} (the suppressed fact is {first.get('id')})")


@check("http:tombstone_conflict_resolve_404", requirements=("STG-TOMB-011", "STG-TOMB-013"), profile=P)
def tombstone_conflict_resolve_404(ctx: Context) -> None:
    """A conflict over a suppressed fact is not listed, and resolving it answers as for an unknown conflict."""
    entity = ctx.unique("tomb-conflict")
    a = ctx.assert_fact(ctx.fact(entity, "CEO", scope="company"))
    b = ctx.assert_fact({**ctx.fact(entity, "CTO", scope="company"), "confidence": 0.8})
    conflict = _conflict_of(ctx, {a["id"], b["id"]})
    if conflict is None:
        raise Skip("the node recorded no conflict between two values of one triple")
    issue(ctx, entity)
    expect(_conflict_of(ctx, {a["id"], b["id"]}) is None, f"after tombstoning {entity} {conflict} is still listed")
    resolve = {"winning_fact_id": a["id"], "resolution_note": "conformance"}
    unknown = ctx.request("POST", "/v1/conflicts/stigmem:conflict:00000000-0000-4000-8000-000000000000/resolve",
                          json_body=resolve)
    ex = ctx.request("POST", f"/v1/conflicts/{conflict}/resolve", json_body=resolve)
    expect(ex.status == unknown.status == 404 and ex.code() == unknown.code(),
           f"resolving a conflict over a suppressed fact answered {ex.brief()}, an unknown conflict {unknown.brief()}")


@check("http:tombstone_conflict_either_side", requirements=("STG-TOMB-012", "STG-TOMB-013"), profile=P)
def tombstone_conflict_either_side(ctx: Context) -> None:
    """A conflict between a plain value and a ref to an entity that is then tombstoned is no longer listed, whichever
    of the two was written first (the suppressed fact is either side of the pair)."""
    target = ctx.unique("conflict-target")
    pairs = {}
    for order in ("ref-first", "ref-second"):
        entity = ctx.unique(f"conflict-{order}")
        ref = ctx.fact(entity, target, relation="rel:knows", vtype="ref", scope="company", confidence=0.9)
        plain = ctx.fact(entity, "y", relation="rel:knows", scope="company", confidence=0.8)
        first, second = (ref, plain) if order == "ref-first" else (plain, ref)
        made = {ctx.assert_fact(first)["id"], ctx.assert_fact(second)["id"]}
        if _conflict_of(ctx, made) is None:
            raise Skip("the node recorded no conflict between a ref and a string value of one triple")
        pairs[order] = made
    issue(ctx, target)
    listed = [order for order, made in pairs.items() if _conflict_of(ctx, made) is not None]
    expect(not listed, f"after tombstoning the ref target the conflicts {listed} are still listed")
