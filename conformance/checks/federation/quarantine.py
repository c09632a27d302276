"""Pulled facts held in the quarantine garden: hidden while pending, moderated, promoted with their provenance
(Spec-08 §Pending Facts, §Quarantine Metadata, §Promote And Reject, §Deletion Guard; A20 §19.4, §19.5).

STG-QUAR-001..007, profile quarantine: the node runs ``trust_mode`` strict, so every fact a scripted peer without a
manifest serves that passes the ingest checks is held, pending, in the node's quarantine garden (``held``); with no
quarantine garden it is refused and audited. The garden and its callers come from ``conformance.checks.quarantine``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from conformance.checks.contradictions import _conflicts_about
from conformance.checks.federation.support import audit_for, fetch, node_pulls, registered_peer
from conformance.checks.gardens import add_member, create, member_uri, mint, path
from conformance.checks.quarantine import (
    CALLERS,
    MODERATOR_KEY,
    MODERATORS,
    NOT_MODERATORS,
    decide,
    moderated_garden,
    surface_by_id,
)
from conformance.checks.registry import Context, Skip, check, expect, expect_error, expect_status, ids
from conformance.federation.identity import now_ms
from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer, timestamp_at
from conformance.oracle import hlc as hlc_oracle

REASON = "no_valid_manifest"  # docs/http-api.md: why strict mode holds a fact of a peer without a trusted manifest
HOUR_MS = 3_600_000


def strict(ctx: Context) -> None:
    claimed = "quarantine" in (ctx.discovery.get("profiles") or [])
    expect(not claimed or ctx.discovery.get("trust_mode") == "strict",
           f"the node claims the quarantine profile in trust_mode {ctx.discovery.get('trust_mode')!r}, where nothing "
           "pulled is held (docs/federation-api.md: quarantine is claimed in strict mode)")
    if ctx.discovery.get("trust_mode") != "strict":
        raise Skip(f"the node does not run trust_mode strict (discovery: {ctx.discovery.get('trust_mode')!r}; the "
                   "embedded node: --embedded-arg=--trust-mode=strict)")


def held(ctx: Context, peer: ScriptedPeer, fed: Federator, garden: dict[str, Any], specs: Sequence[dict[str, Any]]
         ) -> dict[str, dict[str, Any]]:
    """The peer serves crafted facts and the node pulls until every one is pending on the quarantine surface."""
    token = secrets.token_hex(4)
    facts = [peer.craft(spec, token) for spec in specs]
    peer.serve(facts)
    wanted = {f["id"] for f in facts}

    def arrived() -> dict[str, dict[str, Any]] | None:
        pending = surface_by_id(ctx, garden, status="pending")
        return pending if wanted <= set(pending) else None

    found = node_pulls(fed, arrived)
    seen = sorted(wanted & set(surface_by_id(ctx, garden)))
    expect(found is not None, f"{len(wanted) - len(seen)} of {len(wanted)} facts served by the peer never reached the "
                              f"quarantine surface as pending in strict trust mode (readable in the main fabric: "
                              f"{[i for i in wanted if fetch(ctx, i) is not None]})")
    return {str(spec.get("as")): peer.crafted_facts[str(spec.get("as"))] for spec in specs}


def unreadable(ctx: Context, fact: dict[str, Any], what: str, callers: Sequence[str] = CALLERS) -> None:
    """No normal read shows ``fact`` to any of ``callers``: by id, by CID, verify-cid, a query by its entity."""
    for key in callers:
        for ref in (fact["id"], fact["cid"]):
            ex = ctx.request("GET", f"/v1/facts/{ref}", key=key)
            expect(ex.status == 404, f"{what}: GET /v1/facts/{ref} by {key} answered {ex.brief()}, not 404")
        ex = ctx.request("POST", f"/v1/facts/{fact['id']}/verify-cid", key=key)
        expect(ex.status >= 400, f"{what}: verify-cid by {key} answered {ex.brief()}")
        ex = ctx.query(key=key, entity=fact["entity"], include_contradicted=True)
        expect_status(ex, (200,))
        body = ex.json or {}
        expect(not body.get("facts") and body.get("total") in (0, None),
               f"{what}: a query by its entity shows {key} {len(body.get('facts', []))} facts, total "
               f"{body.get('total')}")


def timestamp(value: Any) -> bool:
    try:
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@check("federation:quarantine_pending_hidden", requirements=("STG-QUAR-001", "STG-QUAR-002"), profile="quarantine")
def quarantine_pending_hidden(ctx: Context) -> None:
    """A pending fact is in no normal read for any caller (by id, by CID, queries and their totals); the quarantine
    surface shows it, with quarantine_garden_id, quarantine_status pending and quarantine_reason, to the garden's
    admin and moderator, and answers 403 to its writer, its reader and a non-member."""
    strict(ctx)
    relation = f"test:q{ctx.run_id}{secrets.token_hex(2)}"
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        fact = held(ctx, peer, fed, garden, [{"as": "pending", "relation": relation}])["pending"]
        unreadable(ctx, fact, "a pending fact")
        local = ctx.assert_fact(ctx.fact(ctx.unique("beside"), "local", relation=relation, scope="public"))
        for key in CALLERS:
            body = ctx.query(key=key, relation=relation, limit=500).json or {}
            got = [f.get("id") for f in body.get("facts", [])]
            expect(got == [local["id"]] and body.get("total") in (1, None),
                   f"a query by a relation held by a local and a pending fact shows {key} {got}, total "
                   f"{body.get('total')} (expected only the local fact, total 1)")
        for key in MODERATORS:
            record = surface_by_id(ctx, garden, key).get(fact["id"])
            expect(record is not None, f"the quarantine surface does not show {key} the pending fact")
            assert record is not None
            for name, want in (("quarantine_garden_id", garden["garden_id"]), ("quarantine_status", "pending"),
                               ("quarantine_reason", REASON), ("cid", fact["cid"]), ("source", fact["source"]),
                               ("entity", fact["entity"])):
                expect(record.get(name) == want, f"{key}: the held fact's {name} is {record.get(name)!r}, not "
                                                 f"{want!r}")
            for status in ("promoted", "rejected"):
                expect(fact["id"] not in surface_by_id(ctx, garden, key, status),
                       f"the pending fact is listed under status={status}")
        for key in NOT_MODERATORS:
            ex = ctx.request("GET", f"{path(garden)}/quarantine", key=key)
            expect_error(ex, (403,), "garden_forbidden")
        _no_side_door(ctx, fact)


def _no_side_door(ctx: Context, fact: dict[str, Any]) -> None:
    """Writing beside a pending fact reveals nothing of it: another value on its triple contradicts nothing, the
    same body asserted locally is a new fact (not a dedup answer naming the held one), and no meta-fact about it
    (its stigmem:received_from) is readable."""
    other = ctx.assert_fact(ctx.fact(fact["entity"], "another value", relation=fact["relation"], scope=fact["scope"]),
                            key="g_writer")
    body = ctx.fact(fact["entity"], fact["value"]["v"], relation=fact["relation"], scope=fact["scope"],
                    confidence=fact["confidence"], source=fact["source"])
    ex = ctx.request("POST", "/v1/facts", key="g_writer", json_body=body)
    expect_status(ex, (201,))
    same = ex.json if isinstance(ex.json, dict) else {}
    expect(same.get("id") != fact["id"], "asserting the body of a pending fact answered the held fact itself")
    conflicts = _conflicts_about(ctx, {fact["id"], other["id"], str(same.get("id"))})
    leaked = [c for c in conflicts if fact["id"] in {(c.get("fact_a") or {}).get("id"),
                                                     (c.get("fact_b") or {}).get("id")}]
    expect(not leaked, f"a local fact on a pending fact's triple is in conflict with it: {leaked[:1]}")
    shown = ctx.query(key="g_reader", entity=fact["entity"], include_contradicted=True, limit=500)
    expect(set(ids(shown)) == {same.get("id"), other["id"]}, f"a query by the pending fact's entity shows "
                                                            f"{ids(shown)}, expected the two local facts only")
    for key in CALLERS:  # nor does its stigmem:received_from meta-fact, which would name it and its peer
        meta = ids(ctx.query(key=key, entity=f"stigmem:fact:{fact['id']}", limit=500))
        expect(not meta, f"{key} reads a meta-fact of the pending fact {fact['id']}: {meta}")


@check("federation:quarantine_moderation", requirements=("STG-QUAR-003", "STG-QUAR-005"), profile="quarantine")
def quarantine_moderation(ctx: Context) -> None:
    """Writers, readers and non-members may not promote or reject (403, the fact stays pending); the moderator
    promotes and the admin rejects, each recorded with who, when and why; deciding either again answers 409; the
    rejected fact stays out of normal reads and on the surface as rejected."""
    strict(ctx)
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        facts = held(ctx, peer, fed, garden, [{"as": "a"}, {"as": "b"}, {"as": "c"}])
        a, b, c = facts["a"]["id"], facts["b"]["id"], facts["c"]["id"]
        for key in NOT_MODERATORS:
            for verb in ("promote", "reject"):
                expect_error(decide(ctx, garden, verb, c, key), (403,), "garden_forbidden")
        record = surface_by_id(ctx, garden, status="pending").get(c)
        expect(record is not None and not record.get("acted_by"), f"after refused decisions the fact is {record}")
        expect(fetch(ctx, c) is None, "a refused promotion released the fact")
        expect_error(decide(ctx, garden, "promote", "00000000-0000-4000-8000-000000000000"), (404,), "fact_not_found")
        moderator = member_uri(ctx, MODERATOR_KEY)
        for fact_id, verb, key, who in ((a, "promote", MODERATOR_KEY, moderator),
                                        (b, "reject", "admin", garden["created_by"])):
            ex = decide(ctx, garden, verb, fact_id, key, reason=f"{verb} by {key}")
            expect_status(ex, (200,))
            body = ex.json if isinstance(ex.json, dict) else {}
            done = {"promote": "promoted", "reject": "rejected"}[verb]
            expect(body.get("fact_id") == fact_id and body.get(f"{done}_by") == who and timestamp(body.get(
                f"{done}_at")), f"{verb} by {key} answered {body}, expected fact_id, {done}_by {who!r}, {done}_at")
        for fact_id in (a, b):
            for verb in ("promote", "reject"):
                for key in MODERATORS:
                    expect_error(decide(ctx, garden, verb, fact_id, key), (409,), "fact_not_quarantine_pending")
        listed = surface_by_id(ctx, garden, MODERATOR_KEY)
        for fact_id, status, who, reason in ((a, "promoted", moderator, f"promote by {MODERATOR_KEY}"),
                                             (b, "rejected", garden["created_by"], "reject by admin")):
            got = listed.get(fact_id) or {}
            state = (got.get("quarantine_status"), got.get("acted_by"), got.get("action_reason"))
            expect(state == (status, who, reason), f"the surface shows the {status} fact as {state}")
            expect(timestamp(got.get("acted_at")), f"the {status} fact's acted_at is {got.get('acted_at')!r}")
        rejected = surface_by_id(ctx, garden, MODERATOR_KEY, "rejected")
        expect(set(rejected) & {a, b, c} == {b}, f"status=rejected lists {sorted(set(rejected) & {a, b, c})}")
        pending = surface_by_id(ctx, garden, "admin", "pending")
        expect(set(pending) & {a, b, c} == {c}, f"status=pending lists {sorted(set(pending) & {a, b, c})}")
        unreadable(ctx, facts["b"], "a rejected fact")
        expect(fetch(ctx, a) is not None, "the promoted fact is not readable")


@check("federation:quarantine_promotion", requirements=("STG-QUAR-004",), profile="quarantine")
def quarantine_promotion(ctx: Context) -> None:
    """Promoted into the main fabric, a fact reads as it came (id, source, timestamp, hlc, cid, received_from) for
    every caller; into a garden, the promoter's write role there (403) and its scope (422) are re-checked, and a
    copy with the same body and CID is written in it."""
    strict(ctx)
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        earlier = timestamp_at(now_ms() - HOUR_MS)  # an hour back: a promotion that re-stamps the fact shows
        facts = held(ctx, peer, fed, garden, [
            {"as": "main", "hlc_offset_ms": -HOUR_MS, "set": {"timestamp": earlier},
             "source": f"stigmem://{peer.identity.authority}/agent/origin"},
            {"as": "into"}, {"as": "wide"}])
        fact = facts["main"]
        expect_status(decide(ctx, garden, "promote", fact["id"], MODERATOR_KEY), (200,))
        for key in CALLERS:
            for ref in (fact["id"], fact["cid"]):
                ex = ctx.request("GET", f"/v1/facts/{ref}", key=key)
                expect_status(ex, (200,))
                got = ex.json or {}
                for name in ("id", "source", "timestamp", "hlc", "cid", "entity"):
                    expect(got.get(name) == fact[name], f"the promoted fact read by {key} via {ref[:12]} has {name} "
                                                        f"{got.get(name)!r}, served {fact[name]!r}")
                expect(not got.get("garden_id"), f"the fact promoted into the main fabric has garden_id {got}")
        copies = (ctx.query(entity=fact["entity"], include_contradicted=True).json or {}).get("facts", [])
        expect([f.get("id") for f in copies] == [fact["id"]], f"a query by its entity after promotion: {copies}")
        meta = (ctx.query(entity=f"stigmem:fact:{fact['id']}", relation="stigmem:received_from").json or {})
        froms = [(m.get("value") or {}).get("v") for m in meta.get("facts", [])]
        expect(froms == [peer.node_id], f"the promoted fact's stigmem:received_from is {froms}, not the peer")
        held_by = surface_by_id(ctx, garden).get(fact["id"]) or {}
        expect(held_by.get("target_garden_id") is None, f"promoted into the main fabric, target {held_by}")
        _into_garden(ctx, garden, facts["into"], facts["wide"])


def _into_garden(ctx: Context, garden: dict[str, Any], fact: dict[str, Any], wide: dict[str, Any]) -> None:
    """Promotion into a garden: 403 without the write role there, 422 for another scope, else a copy there."""
    g_admin = mint(ctx, "g_admin")
    target = create(ctx, g_admin, "public")
    expect_error(decide(ctx, garden, "promote", fact["id"], MODERATOR_KEY, target_garden_id=target["slug"]),
                 (403,), "garden_forbidden")
    add_member(ctx, target, member_uri(ctx, MODERATOR_KEY), "reader", key=g_admin)
    expect_error(decide(ctx, garden, "promote", fact["id"], MODERATOR_KEY, target_garden_id=target["id"]),
                 (403,), "garden_forbidden")
    narrow = create(ctx, g_admin, "company")
    add_member(ctx, narrow, member_uri(ctx, MODERATOR_KEY), "writer", key=g_admin)
    expect_error(decide(ctx, garden, "promote", wide["id"], MODERATOR_KEY, target_garden_id=narrow["id"]),
                 (422,), "garden_scope_mismatch")
    pending = surface_by_id(ctx, garden, status="pending")
    expect(fact["id"] in pending and wide["id"] in pending, "a refused promotion into a garden decided the fact")
    ex = ctx.request("PATCH", path(target, member_uri(ctx, MODERATOR_KEY)), key=g_admin, json_body={"role": "writer"})
    expect_status(ex, (200,))
    expect_status(decide(ctx, garden, "promote", fact["id"], MODERATOR_KEY, target_garden_id=target["id"]), (200,))
    ex = ctx.query(key=g_admin, garden_id=target["garden_id"], entity=fact["entity"], include_contradicted=True)
    expect_status(ex, (200,))
    copies = [f for f in (ex.json or {}).get("facts", []) if isinstance(f, dict)]
    expect(len(copies) == 1, f"{len(copies)} facts in the target garden after the promotion")
    copy = copies[0]
    for name in ("entity", "relation", "source", "cid", "scope", "confidence"):
        expect(copy.get(name) == fact[name], f"the copy in the garden has {name} {copy.get(name)!r}, "
                                             f"served {fact[name]!r}")
    expect(copy.get("garden_id") == target["garden_id"], f"the copy's garden_id is {copy.get('garden_id')!r}")
    expect(fetch(ctx, fact["id"]) is None, "promoted into a garden, the held row itself became readable outside it")
    record = surface_by_id(ctx, garden).get(fact["id"]) or {}
    expect(record.get("target_garden_id") in (target["garden_id"], target["id"]),
           f"the surface's target_garden_id: {record}")


@check("federation:quarantine_delete_guard", requirements=("STG-QUAR-006",), profile="quarantine")
def quarantine_delete_guard(ctx: Context) -> None:
    """Deleting the quarantine garden while a fact is pending answers 409 quarantine_has_pending_facts (after one
    of two is decided too); once none is pending it is deleted, its decided facts staying as decided."""
    strict(ctx)
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        facts = held(ctx, peer, fed, garden, [{"as": "a"}, {"as": "b"}])
        expect_error(ctx.request("DELETE", path(garden)), (409,), "quarantine_has_pending_facts")
        expect_status(decide(ctx, garden, "promote", facts["a"]["id"]), (200,))
        expect_error(ctx.request("DELETE", path(garden)), (409,), "quarantine_has_pending_facts")
        expect_status(ctx.request("GET", path(garden)), (200,))
        expect_status(decide(ctx, garden, "reject", facts["b"]["id"]), (200,))
        expect_status(ctx.request("DELETE", path(garden)), (204, 200))
        expect_status(ctx.request("GET", path(garden)), (404,))
        expect(fetch(ctx, facts["a"]["id"]) is not None, "the promoted fact went with its quarantine garden")
        unreadable(ctx, facts["b"], "a rejected fact of a deleted quarantine garden", ("admin", "g_reader"))


@check("federation:quarantine_strict_routing", requirements=("STG-QUAR-007",), profile="quarantine")
def quarantine_strict_routing(ctx: Context) -> None:
    """Strict, with no quarantine garden: a pulled fact is refused, audited rejected_fact trust_below_threshold, and
    does not move the clock; with one, the same fact served again is held there (never in the main fabric), while
    a fact failing the ingest checks is still rejected, not held."""
    strict(ctx)
    ctx.need_admin()
    with registered_peer(ctx, manifest="none") as (peer, fed):
        token = secrets.token_hex(4)
        refused = peer.craft({"as": "refused", "hlc_offset_ms": 60_000}, token)
        peer.serve([refused])
        events = node_pulls(fed, lambda: [e for e in audit_for(fed, refused["id"], 0.2)
                                          if e.get("event_type") == "rejected_fact"])
        expect(fetch(ctx, refused["id"]) is None, "with no quarantine garden, strict mode stored the fact readable")
        reasons = [e.get("reason") for e in events or []]
        expect("trust_below_threshold" in reasons, "with no quarantine garden the fact was not audited rejected_fact "
                                                   f"trust_below_threshold: {audit_for(fed, refused['id'])}")
        probe = ctx.assert_fact(ctx.fact(ctx.unique("clock"), "probe"))
        expect(hlc_oracle.parse(probe["hlc"]) < hlc_oracle.parse(refused["hlc"]),
               f"the refused fact moved the clock: a local write after it has hlc {probe['hlc']}, the refused fact "
               f"{refused['hlc']}")
        with moderated_garden(ctx) as garden:
            facts = held(ctx, peer, fed, garden, [{"as": "again", "same_as": "refused"}, {"as": "fresh"}])
            listed = surface_by_id(ctx, garden, status="pending")
            for label, fact in facts.items():
                expect(listed[fact["id"]].get("quarantine_reason") == REASON,
                       f"the {label} fact is held with reason {listed[fact['id']].get('quarantine_reason')!r}")
                expect(fetch(ctx, fact["id"]) is None, f"the {label} fact is readable while held")
            bad = peer.craft({"as": "bad", "cid": "wrong"}, token)
            peer.serve([bad])
            found = node_pulls(fed, lambda: [e for e in audit_for(fed, bad["id"], 0.2)
                                             if e.get("event_type") == "rejected_fact"])
            expect(bool(found), f"a fact with a wrong cid was not audited rejected_fact in strict mode: {found}")
            expect(bad["id"] not in surface_by_id(ctx, garden), "a fact failing the ingest checks was held")


@check("federation:quarantine_tombstone_suppressed", requirements=("STG-TOMB-011", "STG-TOMB-013", "STG-QUAR-002"),
       profile="quarantine")
def quarantine_tombstone_suppressed(ctx: Context) -> None:
    """Suppression reaches the quarantine surface too: after tombstoning a held fact's entity the moderators' listing
    leaves that fact out and keeps the other held fact (the surface is one more read path, A20 §23.3)."""
    strict(ctx)
    relation = f"test:q{ctx.run_id}{secrets.token_hex(2)}"
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        facts = held(ctx, peer, fed, garden, [{"as": "gone", "relation": relation},
                                              {"as": "kept", "relation": relation}])
        ex = ctx.request("POST", "/v1/tombstones", json_body={"entity_uri": facts["gone"]["entity"], "scope": "*",
                                                              "reason": "conformance erasure"})
        if ex.status in (404, 405, 501):
            raise Skip(f"the node has no tombstone route ({ex.status})")
        expect_status(ex, (201,))
        tombstone_id = ex.json.get("id") if isinstance(ex.json, dict) else None
        try:
            for key in MODERATORS:
                listed = surface_by_id(ctx, garden, key)
                expect(facts["kept"]["id"] in listed and facts["gone"]["id"] not in listed,
                       f"after tombstoning {facts['gone']['entity']} the quarantine surface shows {key} "
                       f"{sorted(listed)}")
        finally:  # the held fact shows again, so the garden empties and goes: the next check makes its own
            if isinstance(tombstone_id, str):
                ctx.request("POST", f"/v1/tombstones/{tombstone_id}/revoke", json_body={"reason": "conformance"})
