"""CIDs over HTTP (Spec-21 CIDF; seed Content-addressed fact IDs): recomputed by the suite for every fact."""

from __future__ import annotations

from typing import Any

from conformance.checks.registry import CheckFailed, Context, Skip, check, expect, expect_error, expect_status
from conformance.oracle import cid as oracle

VALUES: list[dict[str, Any]] = [
    {"type": "string", "v": "dark mode"}, {"type": "text", "v": "caf\u00e9 \u2603\nline two"},
    {"type": "number", "v": 42}, {"type": "number", "v": 0.30000000000000004}, {"type": "boolean", "v": False},
    {"type": "datetime", "v": "2026-05-02T00:00:00Z"}, {"type": "ref", "v": "stigmem://example.org/user/bob"},
    {"type": "null"},
]
SAMPLE = 25  # stored facts verify-cid is asked about


def expected_cid(ctx: Context, body: dict[str, Any], record: dict[str, Any]) -> str:
    """The CID of ``body`` (already normalized) under the run's cid_preimage option."""
    option = ctx.interpretations.get("cid_preimage", "jcs-6")
    full = dict(body)
    if option == "upstream-0.9.0a12":
        full["interpret_as"] = body["value"].get("interpret_as", "content")
    return oracle.cid(full, option)


def layer_of_mismatch(ctx: Context, body: dict[str, Any], record: dict[str, Any]) -> str:
    """Name the first layer where the node departs: normalization, value storage, or canonical bytes/hash."""
    for key in ("entity", "source", "relation", "scope"):
        if record.get(key) != body[key]:
            return f"{key} stored as {record.get(key)!r}, sent {body[key]!r} (normalization layer)"
    if record.get("value", {}).get("v") != oracle.stored_value(body["value"])["v"]:
        return f"value stored as {record.get('value')!r} (value layer)"
    return "fields match, so the canonical bytes or the hash differ (JCS/CID layer)"


@check("http:cid_on_assert", requirements=("STG-CID-001", "STG-CID-002", "STG-CID-003", "STG-CID-007"))
def cid_on_assert(ctx: Context) -> None:
    """Every asserted fact carries the CID the suite computes from its normalized body, for every value type."""
    entity = ctx.unique("cid")
    for n, value in enumerate(VALUES):
        body = ctx.fact(entity, relation=f"memory:v{n}", confidence=0.5 if n % 2 else 1.0)
        body["value"] = value
        record = ctx.assert_fact(body)
        want = expected_cid(ctx, body, record)
        if record.get("cid") != want:
            raise CheckFailed(f"{value['type']} fact: cid {record.get('cid')!r}, expected {want}; "
                              + layer_of_mismatch(ctx, body, record))


@check("http:cid_dual_addressing", requirements=("STG-CID-008",))
def cid_dual_addressing(ctx: Context) -> None:
    """GET /v1/facts/{cid} returns the same record as by id; bad CIDs are 400 cid_malformed, unknown ones 404."""
    record = ctx.assert_fact(ctx.fact(ctx.unique("cid")))
    by_cid = ctx.request("GET", f"/v1/facts/{record['cid']}")
    expect_status(by_cid, (200,))
    expect((by_cid.json or {}).get("id") == record["id"], f"CID lookup returned {by_cid.brief()}")
    encoded = ctx.request("GET", f"/v1/facts/{record['cid'].replace(':', '%3A')}")
    expect_status(encoded, (200,))
    expect_status(ctx.request("GET", "/v1/facts/sha256:" + "f" * 64), (404,))
    for bad in ("sha256:" + "F" * 64, "sha256:abc", "sha256:" + "f" * 65):
        expect_error(ctx.request("GET", f"/v1/facts/{bad}"), (400,), "cid_malformed")


@check("http:verify_cid", requirements=("STG-CID-009", "STG-CID-021"))
def verify_cid(ctx: Context) -> None:
    """verify-cid recomputes the CID: for new facts of every value type cid_valid true and computed_cid ==
    stored_cid == the fact's cid == the suite's CID; for a sample of stored facts (legacy rows included)
    computed_cid is the suite's CID of the record, and a null stored_cid is cid_valid false with a reason."""
    entity = ctx.unique("verify")
    for n, value in enumerate(VALUES):
        body = ctx.fact(entity, relation=f"memory:v{n}", confidence=0.5 if n % 2 else 1.0)
        body["value"] = value
        record = ctx.assert_fact(body)
        ex = ctx.request("POST", f"/v1/facts/{record['id']}/verify-cid")
        expect_status(ex, (200,))
        answer = ex.json or {}
        expect(answer.get("cid_valid") is True, f"{value['type']} fact: cid_valid is {answer.get('cid_valid')!r}")
        want = expected_cid(ctx, body, record)
        expect(answer.get("computed_cid") == answer.get("stored_cid") == record.get("cid") == want,
               f"{value['type']} fact: verify-cid said {answer}, the fact's cid {record.get('cid')}, "
               f"the suite's {want}")
    expect_status(ctx.request("POST", "/v1/facts/00000000-0000-4000-8000-000000000000/verify-cid"), (404,))
    sample = ctx.query(limit=SAMPLE)
    expect_status(sample, (200,))
    for record in (sample.json or {}).get("facts", [])[:SAMPLE]:
        ex = ctx.request("POST", f"/v1/facts/{record['id']}/verify-cid")
        expect_status(ex, (200,))
        answer = ex.json or {}
        want = expected_cid(ctx, record, record)
        expect(answer.get("computed_cid") == want, f"stored fact {record['id']}: computed_cid "
               f"{answer.get('computed_cid')}, the suite's CID of the record {want}")
        stored = answer.get("stored_cid")
        expect(stored == record.get("cid"), f"stored fact {record['id']}: stored_cid {stored}, the record's cid "
               f"{record.get('cid')}")
        expect(answer.get("cid_valid") is (stored == want), f"stored fact {record['id']}: {answer}")
        if stored is None:
            expect(bool(answer.get("mismatch_reason")), f"legacy fact {record['id']} without a mismatch_reason")


@check("http:cid_dedup", requirements=("STG-CID-011",))
def cid_dedup(ctx: Context) -> None:
    """Re-asserting an identical body returns the existing record (200, same id) under cid_dedup cidf-200."""
    body = ctx.fact(ctx.unique("dedup"))
    first = ctx.assert_fact(body)
    option = ctx.interpretations.get("cid_dedup", "cidf-200")
    again = ctx.request("POST", "/v1/facts", json_body=body)
    if option in ("cidf-200", "cidf-201"):
        expect_status(again, (200,) if option == "cidf-200" else (201,))
        expect((again.json or {}).get("id") == first["id"], f"dedup returned another record: {again.brief()}")
    else:
        expect_status(again, (201,))
        expect((again.json or {}).get("id") != first["id"], "append-only node returned the old record")
    other = ctx.request("POST", "/v1/facts", json_body={**body, "valid_until": "2999-01-01T00:00:00Z"})
    expect_status(other, (201,))
    expect((other.json or {}).get("cid") == first["cid"], "valid_until changed the CID")


@check("http:cid_dedup_stored_fields", requirements=("STG-CID-011", "STG-CID-008"),
       interpretations={"cid_dedup": "cidf-200"})
def cid_dedup_stored_fields(ctx: Context) -> None:
    """interpret_as is outside the CID but decides dedup; a CID held by several facts reads as the first written.

    The pair: the same body once as content and once as an instruction is two facts with one CID (201 twice),
    and the instruction re-posted is a dedup hit on the instruction (200), never on the content fact.
    """
    body = ctx.fact(ctx.unique("dedup-as"))
    first = ctx.assert_fact(body)
    instruction = {**body, "value": {**body["value"], "interpret_as": "instruction"}}
    second = ctx.assert_fact(instruction)
    expect(second.get("id") != first.get("id"), "an instruction re-post of a content fact returned the content "
           f"record {first.get('id')}")
    expect(second.get("cid") == first.get("cid"), "interpret_as changed the CID")
    expect((second.get("value") or {}).get("interpret_as") == "instruction", f"stored value {second.get('value')}")
    again = ctx.request("POST", "/v1/facts", json_body=instruction)
    expect_status(again, (200,))
    expect((again.json or {}).get("id") == second.get("id"), f"instruction re-post answered {again.brief()}")
    by_cid = ctx.request("GET", f"/v1/facts/{first['cid']}")
    expect_status(by_cid, (200,))
    expect((by_cid.json or {}).get("id") == first.get("id"), f"the CID held by {first.get('id')} (first) and "
           f"{second.get('id')} reads as {(by_cid.json or {}).get('id')}, not the first fact written")


BACKFILL_STATUS = "/v1/admin/cid-backfill/status"
BACKFILL_STATES = ("backfill_complete", "backfill_running", "backfill_pending")


def backfill_status_shape(body: dict[str, Any]) -> None:
    """The CIDF fields with consistent counts; last_updated_at and state, when present, well-formed."""
    for key in ("total_facts", "backfilled_facts", "pending_facts"):
        expect(isinstance(body.get(key), int) and not isinstance(body.get(key), bool) and body[key] >= 0,
               f"backfill status {key} is {body.get(key)!r}: {body}")
    expect(isinstance(body.get("backfill_complete"), bool), f"backfill status lacks backfill_complete: {body}")
    expect(body["total_facts"] == body["backfilled_facts"] + body["pending_facts"], f"inconsistent counts {body}")
    expect(body["backfill_complete"] == (body["pending_facts"] == 0), f"backfill_complete disagrees {body}")
    if "state" in body:
        expect(body["state"] in BACKFILL_STATES, f"unknown backfill state {body['state']!r}")
        expect((body["state"] == "backfill_complete") == body["backfill_complete"], f"state disagrees {body}")
    if "last_updated_at" in body:
        expect(body["last_updated_at"] is None or isinstance(body["last_updated_at"], str),
               f"last_updated_at is {body['last_updated_at']!r}")


def _bounded_admin_status(ctx: Context, full: dict[str, Any]) -> None:
    """An admin key bounded to two scopes gets counts too (within what it may see), never an error; nothing to
    judge when the node will not make such a key."""
    try:
        bounded = ctx.mint_key("backfill_admin_two", ["read", "write", "admin"], ["team", "company"])
    except Skip:
        return
    ex = ctx.request("GET", BACKFILL_STATUS, key=bounded)
    expect_status(ex, (200,))
    scoped = ex.json or {}
    backfill_status_shape(scoped)
    expect(scoped["total_facts"] <= full["total_facts"], f"an admin key for team and company counts "
           f"{scoped['total_facts']} facts, more than the {full['total_facts']} of an admin key for every scope")


@check("http:cid_backfill_status", requirements=("STG-CID-007", "STG-CID-014", "STG-CID-020"))
def cid_backfill_status(ctx: Context) -> None:
    """Backfill status answers admins shape-correctly, refuses agents (interpretation cid_backfill_status), and new
    facts (node-written conflict facts too) never add to the pending count."""
    ctx.need_key("admin")
    ctx.need_admin()
    before = ctx.request("GET", BACKFILL_STATUS)
    expect_status(before, (200,))
    backfill_status_shape(before.json or {})
    body = ctx.fact(ctx.unique("backfill"), "CEO", scope="company")
    ctx.assert_fact(body)
    ctx.assert_fact({**body, "value": {"type": "string", "v": "CTO"}})  # the node writes conflict facts too
    ex = ctx.request("GET", BACKFILL_STATUS)
    expect_status(ex, (200,))
    after = ex.json or {}
    backfill_status_shape(after)
    first = before.json or {}
    expect(after["total_facts"] >= first["total_facts"] + 2, f"two new facts, totals {first} then {after}")
    expect(after["pending_facts"] <= first["pending_facts"], f"facts written without a CID (every new fact needs "
           f"one): pending {first['pending_facts']} before two asserts, {after['pending_facts']} after")
    if ctx.auth_required:
        _bounded_admin_status(ctx, after)
    if ctx.interpretations.get("cid_backfill_status", "admin-only") != "admin-only":
        return
    if ctx.auth_required:
        expect_status(ctx.request("GET", BACKFILL_STATUS, key=None), (401,))
    agents: list[str] = [name for name in ("reader_all", "writer_local") if name in ctx.target.keys]
    if ctx.auth_required and not agents:
        agents = [ctx.mint_key("backfill_agent", ["read", "write"], ["local", "team", "company", "public"])]
    for agent in agents:
        expect_status(ctx.request("GET", BACKFILL_STATUS, key=agent), (403,))
