"""What the node under test accepts when it pulls from a scripted peer (Spec-05; A08 §6.4, §6.6; Spec-12).

The peer serves crafted facts and the node pulls (its trigger route, or its own loop); a good sentinel fact
served last tells the check the page was ingested. Requirements STG-FED-022/031/033..036, STG-CONF-009,
STG-HLC-005/008/009/010, STG-CID-013, STG-PROV-002..007, STG-AUDIT-001/002, STG-RPL-002/003, STG-TOK-001/002.
Garden ids (STG-FED-029) and peer-supplied trust scores (STG-FED-037) are not checked here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from conformance.checks.contradictions import _conflicts_about
from conformance.checks.federation.support import (
    audit_for,
    federator,
    fetch,
    ingest,
    new_peer,
    node_pulls,
    registered_peer,
    same_value,
)
from conformance.checks.registry import Context, check, expect
from conformance.federation.identity import MAX_LIFETIME_MS, now_ms
from conformance.federation.operator import Federator
from conformance.federation.peer import hlc_at
from conformance.oracle import hlc as hlc_oracle

EVENT_TYPES = ("rejected_fact", "rejected_token", "scope_violation", "replay_attempt", "rejected_declaration")
UUIDISH = re.compile(r"^[0-9a-fA-F-]{32,}$")


def _rejected(ctx: Context, fed: Federator, fact: dict[str, Any], events: Sequence[str],
              reasons: Sequence[str] | None, what: str) -> None:
    """Not stored, and audited with one of ``events`` (and ``reasons``) naming the fact."""
    expect(fetch(ctx, fact["id"]) is None, f"{what} was accepted: GET /v1/facts/{fact['id']} answers 200")
    found = audit_for(fed, fact["id"])
    match = [e for e in found if e.get("event_type") in events and (reasons is None or e.get("reason") in reasons)]
    wanted = f"{'/'.join(events)} {'/'.join(str(r) for r in reasons or ())}"
    expect(bool(match), f"{what} was not audited as {wanted}: {found}")


def _stored_as_served(ctx: Context, fact: dict[str, Any], label: str, keys: Sequence[str]) -> dict[str, Any]:
    stored = fetch(ctx, fact["id"])
    expect(stored is not None, f"{label} ({fact['id']}) was not accepted")
    assert stored is not None
    for key in keys:
        equal = same_value(stored.get(key), fact.get(key)) if key == "value" else stored.get(key) == fact.get(key)
        expect(equal, f"{label} stored with {key} {stored.get(key)!r}, served {fact.get(key)!r}")
    return stored


@check("federation:inbound_scope_violation_rejected", requirements=("STG-FED-034",), profile="core-federation")
def inbound_scope_violation_rejected(ctx: Context) -> None:
    """A company fact from a public-only peer is rejected and audited as scope_violation."""
    with registered_peer(ctx, ("public",)) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "over", "scope": "company"}])["over"]
        _rejected(ctx, fed, fact, ("scope_violation", "rejected_fact"), ("scope_violation", None),
                  "an over-scope company fact")


@check("federation:inbound_team_rejected", requirements=("STG-FED-035",), profile="core-federation")
def inbound_team_rejected(ctx: Context) -> None:
    """A team fact from a peer whose declaration lacks team is rejected and audited as scope_violation."""
    with registered_peer(ctx, ("public",)) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "team", "scope": "team"}])["team"]
        _rejected(ctx, fed, fact, ("scope_violation", "rejected_fact"), ("scope_violation", None), "a team fact")


@check("federation:inbound_source_not_owned_rejected", requirements=("STG-FED-036",), profile="core-federation")
def inbound_source_not_owned_rejected(ctx: Context) -> None:
    """Facts sourced outside the peer's authority are rejected and audited source_not_owned (source_ownership)."""
    with registered_peer(ctx) as (peer, fed):
        own_agent = f"stigmem://{peer.identity.authority}/agent/bob"
        # The near misses of the peer's authority: it as a suffix or a prefix of another authority.
        authority = peer.identity.authority
        facts = ingest(ctx, peer, fed, [{"as": "forged", "source": "stigmem://node-c.test/user/alice"},
                                        {"as": "informal", "source": "user:mallory"},
                                        {"as": "suffix", "source": f"stigmem://evil-{authority}/agent/bob"},
                                        {"as": "prefix", "source": f"stigmem://{authority}.evil.test/agent/bob"},
                                        {"as": "own_agent", "source": own_agent}])
        for label in ("forged", "informal", "suffix", "prefix"):
            _rejected(ctx, fed, facts[label], ("rejected_fact",), ("source_not_owned",), f"a fact sourced {label}")
        if ctx.interpretations.get("source_ownership", "authority") == "authority":
            _stored_as_served(ctx, facts["own_agent"], "a fact sourced by an agent of the peer's authority",
                              ("source",))
        else:
            _rejected(ctx, fed, facts["own_agent"], ("rejected_fact",), ("source_not_owned",),
                      "a fact sourced by an agent rather than the peer's node_id (source_ownership exact)")


@check("federation:ingest_dedup_by_id", requirements=("STG-FED-031",), profile="core-federation")
def ingest_dedup_by_id(ctx: Context) -> None:
    """A fact served again, or a new body under an id already held, is a no-op."""
    with registered_peer(ctx) as (peer, fed):
        first = ingest(ctx, peer, fed, [{"as": "first"}])["first"]
        again = ingest(ctx, peer, fed, [{"as": "again", "same_as": "first"},
                                        {"as": "rewrite", "id_of": "first", "value": {"type": "string", "v": "new"}}])
        stored = _stored_as_served(ctx, first, "the first fact", ("value", "entity", "cid"))
        expect(same_value(stored.get("value"), first["value"]), f"a re-served id rewrote the fact: {stored}")
        copies = ctx.query(entity=first["entity"], include_contradicted=True).json or {}
        expect(len(copies.get("facts", [])) == 1, f"{len(copies.get('facts', []))} records for the first fact")
        rewritten = ctx.query(entity=again["rewrite"]["entity"], include_contradicted=True).json or {}
        expect(not rewritten.get("facts"), f"the rewritten body was stored: {rewritten.get('facts')}")


@check("federation:page_reingest_no_duplicates", requirements=("STG-FED-022",), profile="core-federation")
def page_reingest_no_duplicates(ctx: Context) -> None:
    """A page served twice leaves each fact once."""
    with registered_peer(ctx) as (peer, fed):
        labels = ["p0", "p1", "p2"]
        facts = ingest(ctx, peer, fed, [{"as": label} for label in labels])
        ingest(ctx, peer, fed, [{"as": f"{label}_again", "same_as": label} for label in labels])
        for label in labels:
            held = (ctx.query(entity=facts[label]["entity"], include_contradicted=True).json or {}).get("facts", [])
            expect(len(held) == 1, f"{label} is held {len(held)} times after its page was served twice")


@check("federation:idempotent_ingest", requirements=("STG-CONF-009",), profile="core-federation")
def idempotent_ingest(ctx: Context) -> None:
    """A contradicting fact ingested twice records one conflict, not two."""
    with registered_peer(ctx) as (peer, fed):
        entity = ctx.unique("contested")
        local = ctx.assert_fact(ctx.fact(entity, "local-view", relation="test:value", scope="public"))
        remote = ingest(ctx, peer, fed, [{"as": "remote", "entity": entity, "value": {"type": "string", "v": "peer"}}])
        ingest(ctx, peer, fed, [{"as": "remote_again", "same_as": "remote"}])
        pair = {local["id"], remote["remote"]["id"]}
        ex = ctx.request("GET", "/v1/conflicts", params={"status": "unresolved", "limit": "500"})
        listed = [c for c in (ex.json or {}).get("conflicts", [])
                  if {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")} == pair]
        expect(len(listed) == 1, f"{len(listed)} conflicts between the local fact and the twice-ingested one")


def _skewed(ctx: Context) -> tuple[dict[str, Any], dict[str, Any], Federator, list[dict[str, Any]]]:
    with registered_peer(ctx) as (peer, fed):
        entity = ctx.unique("skew")
        local = ctx.assert_fact(ctx.fact(entity, "local-view", relation="test:value", scope="public"))
        skewed = ingest(ctx, peer, fed, [{"as": "future", "hlc": "9999999999999.000", "entity": entity,
                                          "value": {"type": "string", "v": "from the future"}}])["future"]
        return local, skewed, fed, audit_for(fed, skewed["id"])


@check("federation:skewed_fact_rejected", requirements=("STG-HLC-008", "STG-HLC-009"), profile="core-federation")
def skewed_fact_rejected(ctx: Context) -> None:
    """A fact with a far-future HLC is rejected and takes no part in conflicts."""
    local, skewed, _, _ = _skewed(ctx)
    expect(fetch(ctx, skewed["id"]) is None, "a fact with HLC 9999999999999.000 was accepted")
    again = fetch(ctx, local["id"]) or {}
    expect(again.get("contradicted") is False, f"the rejected fact contradicts a local one: {again}")


@check("federation:skewed_fact_audited", requirements=("STG-HLC-010",), profile="core-federation")
def skewed_fact_audited(ctx: Context) -> None:
    """A skew rejection is audited as rejected_fact hlc_skew."""
    _, _, _, events = _skewed(ctx)
    expect(any(e.get("event_type") == "rejected_fact" and e.get("reason") == "hlc_skew" for e in events),
           f"no rejected_fact hlc_skew event for the skewed fact: {events}")


@check("federation:receiver_hlc_advances", requirements=("STG-HLC-005",), profile="core-federation")
def receiver_hlc_advances(ctx: Context) -> None:
    """After accepting a fact 60 s ahead, the node's next local write has a higher HLC."""
    with registered_peer(ctx) as (peer, fed):
        ahead = ingest(ctx, peer, fed, [{"as": "ahead", "hlc_offset_ms": 60000}])["ahead"]
        expect(fetch(ctx, ahead["id"]) is not None, "a fact 60 s ahead (inside the 300 s bound) was rejected")
        probe = ctx.assert_fact(ctx.fact(ctx.unique("clock"), "probe"))
        expect(hlc_oracle.parse(probe["hlc"]) > hlc_oracle.parse(ahead["hlc"]),
               f"local write hlc {probe['hlc']} is not above the accepted {ahead['hlc']}")


@check("federation:cid_mismatch_rejected", requirements=("STG-CID-013",), profile="core-federation")
def cid_mismatch_rejected(ctx: Context) -> None:
    """A fact whose cid does not match its body is rejected and audited cid_mismatch."""
    with registered_peer(ctx) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "tampered", "cid": "wrong"}])["tampered"]
        _rejected(ctx, fed, fact, ("rejected_fact",), ("cid_mismatch",), "a fact with a wrong cid")


@check("federation:audit_rejected_fact", requirements=("STG-AUDIT-001",), profile="core-federation")
def audit_rejected_fact(ctx: Context) -> None:
    """A rejected fact is audited with its peer, fact id, reason and time, and found by ?peer_id=."""
    with registered_peer(ctx) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "forged", "source": "stigmem://elsewhere.test/user/x"}])["forged"]
        expect(fetch(ctx, fact["id"]) is None, "a fact sourced outside the peer's authority was accepted, not audited")
        peer_id = fed.peer_ids[peer.node_id]
        events = [e for e in fed.audit(peer_id=peer_id) if e.get("fact_id") == fact["id"]]
        expect(bool(events), f"GET /v1/federation/audit?peer_id={peer_id} has no event for the rejected fact")
        e = events[0]
        expect(e.get("peer_id") == peer_id and (e.get("reason") or e.get("detail")) and (e.get("at") or e.get("ts")),
               f"audit event lacks peer_id, reason or time: {e}")
        other = [x for x in fed.audit(peer_id="00000000-0000-4000-8000-000000000000") if x.get("fact_id") == fact["id"]]
        expect(not other, "the peer_id filter returns another peer's events")


@check("federation:audit_row_shape", requirements=("STG-AUDIT-002",), profile="core-federation")
def audit_row_shape(ctx: Context) -> None:
    """Audit rows carry id, peer_id, event_type (one of four), fact_id, reason and time."""
    with registered_peer(ctx) as (peer, fed):
        ingest(ctx, peer, fed, [{"as": "bad", "cid": "wrong"}])
        peer.present(ctx.target, "not-a.jws")
        events = fed.audit(raw=True)
        expect(bool(events), "the audit log is empty after a rejected fact and a rejected token")
        for e in events[:50]:
            missing = [k for k in ("id", "peer_id", "event_type", "fact_id") if k not in e]
            missing += [] if ("reason" in e or "detail" in e) else ["reason"]
            missing += [] if ("at" in e or "ts" in e) else ["at"]
            expect(not missing, f"audit event lacks {missing}: {e}")
            expect(e["event_type"] in EVENT_TYPES, f"audit event_type {e['event_type']!r}")


@check("federation:origin_id_preserved", requirements=("STG-PROV-006",), profile="core-federation")
def origin_id_preserved(ctx: Context) -> None:
    """A replicated fact keeps its origin id (and cid) on the receiver."""
    with registered_peer(ctx) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "kept"}])["kept"]
        _stored_as_served(ctx, fact, "a replicated fact", ("id", "cid", "entity", "relation", "value", "scope"))


@check("federation:original_source_preserved", requirements=("STG-PROV-002",), profile="core-federation")
def original_source_preserved(ctx: Context) -> None:
    """A replicated fact keeps the origin's source and timestamp."""
    with registered_peer(ctx) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "sourced"}])["sourced"]
        _stored_as_served(ctx, fact, "a replicated fact", ("source", "timestamp"))


@check("federation:origin_hlc_preserved", requirements=("STG-PROV-007",), profile="core-federation")
def origin_hlc_preserved(ctx: Context) -> None:
    """A replicated fact keeps its origin hlc (interpretation hlc_origin: preserve)."""
    with registered_peer(ctx) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "old", "hlc_offset_ms": -5000}])["old"]
        if ctx.interpretations.get("hlc_origin", "preserve") == "preserve":
            _stored_as_served(ctx, fact, "a replicated fact", ("hlc",))


@check("federation:received_from_recorded", requirements=("STG-PROV-003", "STG-PROV-004"), profile="core-federation")
def received_from_recorded(ctx: Context) -> None:
    """Ingest writes stigmem:received_from (entity stigmem:fact:<id>, ref to the peer, source system:stigmem)."""
    with registered_peer(ctx) as (peer, fed):
        fact = ingest(ctx, peer, fed, [{"as": "tracked"}])["tracked"]
        meta = (ctx.query(entity=f"stigmem:fact:{fact['id']}", relation="stigmem:received_from").json or {})
        facts = meta.get("facts", [])
        expect(len(facts) == 1, f"{len(facts)} stigmem:received_from facts for an ingested fact")
        m = facts[0]
        expect(m.get("value") == {"type": "ref", "v": peer.node_id} and m.get("source") == "system:stigmem",
               f"received_from meta-fact {m}")


@check("federation:valid_until_extension_rejected", requirements=("STG-FED-033",), profile="core-federation")
def valid_until_extension_rejected(ctx: Context) -> None:
    """The same content re-served under a new id with a later valid_until does not extend it."""
    with registered_peer(ctx) as (peer, fed):
        soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
        entity = ctx.unique("expiring")
        first = ingest(ctx, peer, fed, [{"as": "first", "entity": entity, "valid_until": soon}])["first"]
        second = ingest(ctx, peer, fed, [{"as": "second", "entity": entity, "valid_until": later,
                                          "value": first["value"]}])["second"]
        held = (ctx.query(entity=entity, include_contradicted=True).json or {}).get("facts", [])
        extended = [f for f in held if f.get("valid_until") == later]
        expect(not extended and fetch(ctx, second["id"]) is None,
               f"a later valid_until for the same CID was accepted: {held}")


@check("federation:issued_nonces_unique", requirements=("STG-TOK-001", "STG-TOK-002", "STG-RPL-002", "STG-RPL-003"),
       profile="core-federation")
def issued_nonces_unique(ctx: Context) -> None:
    """The node's own peer tokens verify, carry ms times within one hour, and never repeat a nonce."""
    with registered_peer(ctx) as (peer, fed):
        for _ in range(3):
            node_pulls(fed, lambda: bool(peer.facts_requests()) or None)
        requests = peer.facts_requests()
        expect(bool(requests), "the node never pulled from an active peer")
        refused = [r.error for r in requests if r.error]
        expect(not refused, f"the node's tokens fail verification at the peer: {refused}")
        claims = [r.claims for r in requests if r.claims]
        nonces = [c["nonce"] for c in claims]
        expect(len(nonces) == len(set(nonces)), f"the node reused a nonce: {nonces}")
        for c in claims:
            expect(c["iss"] == fed.node_id and c["sub"] == peer.node_id, f"token claims {c}")
            expect(abs(c["iat"] - now_ms()) < 120_000 and 0 < c["exp"] - c["iat"] <= MAX_LIFETIME_MS,
                   f"iat/exp are not epoch milliseconds within one hour: {c}")
            expect(bool(UUIDISH.match(str(c["nonce"]))), f"nonce {c['nonce']!r} carries under 122 random bits")


@check("federation:query_resolution_tie", requirements=("STG-QRY-012", "STG-CONF-005", "STG-PROV-007", "STG-CONF-018",
                                                     "STG-HTTP-011"),
       profile="core-federation")
def query_resolution_tie(ctx: Context) -> None:
    """Two ingested facts tied on confidence and origin HLC: a default query returns both, flagged contradicted
    (architecture seed "Tie → both returned with contradicted: true"; interpretation default_query)."""
    with registered_peer(ctx) as (peer, fed):
        entity = ctx.unique("tie")
        tied = hlc_at(now_ms())
        facts = ingest(ctx, peer, fed, [{"as": side, "entity": entity, "hlc": tied, "confidence": 0.9,
                                         "value": {"type": "string", "v": side}} for side in ("left", "right")])
        pair = {facts["left"]["id"], facts["right"]["id"]}
        every = (ctx.query(entity=entity, include_contradicted=True).json or {}).get("facts", [])
        expect({f.get("id") for f in every} == pair and all(f.get("contradicted") is True for f in every),
               f"the tied pair is not held as two contradicted facts: {every}")
        stamps = {f.get("hlc") for f in every}
        if ctx.interpretations.get("hlc_origin", "preserve") == "preserve":
            expect(stamps == {tied}, f"origin hlc {tied} not kept: {stamps}")
        got = (ctx.query(entity=entity).json or {}).get("facts", [])
        mode = ctx.interpretations.get("default_query", "seed-resolution")
        if mode != "seed-resolution":
            expect(not got, f"default_query={mode} returned {[f.get('id') for f in got]}")
        elif len(stamps) == 1:
            expect({f.get("id") for f in got} == pair and all(f.get("contradicted") is True for f in got),
                   f"an exact tie returned {[(f.get('id'), f.get('contradicted')) for f in got]}, not both flagged")
        if len(stamps) != 1:
            return
        # Blind round 2 (b2-page-tiebreak-hlc-only): two facts share one hlc, the sort key's tie; one-row pages must
        # still list both, so the cursor breaks the tie on id (STG-HTTP-011).
        paged: list[str] = []
        cursor = None
        for _ in range(4):
            params = {"entity": entity, "include_contradicted": True, "limit": "1", **({"cursor": cursor} if cursor
                                                                                       else {})}
            body = ctx.query(**params).json or {}
            paged += [str(f.get("id")) for f in body.get("facts", [])]
            cursor = body.get("cursor")
            if not cursor:
                break
        expect(sorted(paged) == sorted(pair), f"limit=1 pages over two facts sharing hlc {tied} listed {paged}")
        # Blind round 1 (b1-conf-pairs-first-sibling-only): a new differing fact meets a triple whose top is a tie,
        # so it is paired with both tied facts (STG-CONF-018 winner: every fact tied on both; pairwise: each).
        first = every[0]
        third = ctx.assert_fact(ctx.fact(entity, "third", relation=str(first.get("relation")),
                                         scope=str(first.get("scope")), confidence=0.5))
        found = _conflicts_about(ctx, {*pair, third["id"]})
        pairs = sorted(sorted(((c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id"))) for c in found)
        want = sorted(sorted(p) for p in ((facts["left"]["id"], facts["right"]["id"]),
                                          (facts["left"]["id"], third["id"]), (facts["right"]["id"], third["id"])))
        expect(pairs == want, f"a new fact beside an exact tie made conflicts {pairs}, expected {want} (paired with "
               "both tied facts)")


@check("federation:ingested_fact_expires", requirements=("STG-EXP-001", "STG-EXP-004"), profile="core-federation")
def ingested_fact_expires(ctx: Context) -> None:
    """A pulled fact whose valid_until passes leaves default queries like a local one (and stays readable with
    include_expired): expiry applies to ingested facts too."""
    with registered_peer(ctx) as (peer, fed):
        until = time.time() + 2.0  # ingest takes ~0.1 s; a node may store a fact already expired anyway
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(until)) + f".{int(until % 1 * 1e6):06d}Z"
        entity = ctx.unique("pulled-expiring")
        fact = ingest(ctx, peer, fed, [{"as": "short", "entity": entity, "valid_until": stamp}])["short"]
        time.sleep(max(0.0, until - time.time()) + 0.2)
        shown = [f.get("id") for f in (ctx.query(entity=entity).json or {}).get("facts", [])]
        kept = [f.get("id") for f in (ctx.query(entity=entity, include_expired=True).json or {}).get("facts", [])]
        expect(fact["id"] in kept, f"the pulled fact is not readable with include_expired: {kept}")
        expect(fact["id"] not in shown, f"a pulled fact past its valid_until {stamp} is still in a default query")


@check("federation:edge_inbound_scope_pairs", requirements=("STG-FED-034", "STG-FED-035"), profile="core-federation")
def edge_inbound_scope_pairs(ctx: Context) -> None:
    """Every inbound scope against a peer declared for public, for public and company, and for public and team: a
    fact is stored iff its scope is declared and neither local nor team (team never federates without an operator
    override, which this suite does not assume); each other one is rejected and audited scope_violation."""
    for declared in (("public",), ("public", "company"), ("public", "team")):
        with registered_peer(ctx, declared, name="pairs") as (peer, fed):
            facts = ingest(ctx, peer, fed, [{"as": scope, "scope": scope}
                                            for scope in ("local", "team", "company", "public")])
            for scope, fact in facts.items():
                what = f"a {scope} fact from a peer declared for {list(declared)}"
                if scope in declared and scope not in ("local", "team"):
                    expect(fetch(ctx, fact["id"]) is not None, f"{what} was not stored")
                else:
                    _rejected(ctx, fed, fact, ("scope_violation", "rejected_fact"), ("scope_violation", None), what)


@check("federation:pull_node_url_with_path", requirements=("STG-FED-055", "STG-FED-003"), profile="core-federation")
def pull_node_url_with_path(ctx: Context) -> None:
    """A peer whose node_url ends in a path (/stigmem-X/, trailing slash included) is verified and pulled under it:
    the node asks {node_url}/.well-known/stigmem and {node_url}/v1/federation/facts, the base URL kept whole."""
    fed = federator(ctx)
    peer = new_peer(ctx, ("public",), "based")
    peer.base_path = "/stigmem-X/"
    peer.start()
    try:
        peer.trust(fed.node_id, fed.pubkey_b64)
        status = fed.admit(peer.declaration())
        expect(status == "active", f"a valid declaration whose node_url is {peer.url} ends {status!r}, not active")
        ingest(ctx, peer, fed, [])
    finally:
        peer.stop()
