"""Tombstones across federation (Spec-X2; A20 §23.4): profile ``tombstones``, the node against scripted peers.

A scripted peer serves signed tombstones at ``GET /v1/federation/tombstones`` and the node pulls (its trigger, or
its own loop); what the node then suppresses, stores and audits is judged through its ordinary routes. Forgeries
come from a relay (peer A) speaking for a signer (peer B) whose key the node holds independently: the node must
judge each record by the key of its ``signed_by``, chosen by ``key_id`` (STG-TOMB-018). Outbound, the node's own
records are read back over the peer route unchanged (STG-TOMB-016).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from conformance.checks.audit_log import schema_errors
from conformance.checks.federation.support import drain, fetch, node_pulls, registered_peer
from conformance.checks.registry import Context, Skip, check, expect, expect_status, ids
from conformance.checks.tombstones import issue, revoke
from conformance.federation.identity import Identity
from conformance.federation.operator import Federator, poll
from conformance.federation.peer import ScriptedPeer
from conformance.federation.tombstone_feed import revocation, tombstone

P = "tombstones"
ROUTE = "/v1/federation/tombstones"
MAX_PAGES = 50
POLL_EVERY_S = 300.0  # STG-TOMB-022 (A20 §23.4.3): peers poll for tombstones at least every 5 minutes
POLL_SLACK_S = 10.0  # the watcher's sampling and the node's loop granularity
# A refused revocation's audit kind (audit-event.schema.json: "tombstone or revocation"; the signed document's kind).
REVOCATION_KINDS = frozenset({"revocation", "tombstone_revocation"})


def _fact(ctx: Context, name: str) -> tuple[str, dict[str, Any]]:
    """A fresh entity with one public fact on the node."""
    entity = ctx.unique(name)
    return entity, ctx.assert_fact(ctx.fact(entity, scope="public"))


def _hidden(ctx: Context, entity: str, fact: dict[str, Any]) -> bool:
    return ids(ctx.query(entity=entity)) == [] and fetch(ctx, fact["id"]) is None


def _pull_until(ctx: Context, fed: Federator, entity: str, fact: dict[str, Any], what: str) -> None:
    """The node pulls until the entity's fact is suppressed; fails when it never is."""
    done = node_pulls(fed, lambda: True if _hidden(ctx, entity, fact) else None)
    expect(done is not None, f"{what}: the entity's fact is still served after the node pulled")


def _pull_settle(fed: Federator, peer: ScriptedPeer) -> None:
    """One pull that reached the peer's tombstone route (the node judged what it serves now)."""
    before = len(peer.requests(ROUTE))
    node_pulls(fed, lambda: True if len(peer.requests(ROUTE)) > before else None)
    expect(len(peer.requests(ROUTE)) > before, "the node never asked the peer for its tombstones")


def _stored(ctx: Context, entity: str) -> list[dict[str, Any]]:
    body = ctx.request("GET", f"/v1/tombstones/{quote(entity, safe='')}").json or {}
    return [t for t in body.get("tombstones") or [] if isinstance(t, dict)]


def _unaudited(ctx: Context, fed: Federator, record_ids: Sequence[str]) -> list[str]:
    """The ids among ``record_ids`` that no tombstone_verification_failed event (the audit log, or the federation
    audit) names, after a short wait for nodes that audit late."""
    def missing() -> list[str]:
        ex = ctx.request("GET", "/v1/admin/audit-log",
                         params={"event_type": "tombstone_verification_failed", "limit": "5000"})
        text = repr((ex.json or {}).get("events")) if ex.status == 200 and isinstance(ex.json, dict) else ""
        text += repr([e for e in fed.audit() if "tombstone" in str(e.get("event_type"))])
        return [i for i in record_ids if i not in text]
    poll(lambda: True if not missing() else None, 2.0, 0.2)
    return missing()


def _refused_kinds(ctx: Context, record_ids: Sequence[str]) -> dict[str, Any] | None:
    """record_id -> metadata.kind of the audit log's tombstone_verification_failed events naming ``record_ids``;
    None when the node has no audit export (federation:tombstone_verification_failed_event skips then)."""
    def export() -> dict[str, Any] | None:
        ex = ctx.request("GET", "/v1/admin/audit-log",
                         params={"event_type": "tombstone_verification_failed", "limit": "5000"})
        return ex.json if ex.status == 200 and isinstance(ex.json, dict) else None

    def found() -> dict[str, Any] | None:
        metas = [e.get("metadata") or {} for e in (export() or {}).get("events") or [] if isinstance(e, dict)]
        kinds = {m.get("record_id"): m.get("kind") for m in metas if m.get("record_id") in record_ids}
        return kinds if len(kinds) == len(set(record_ids)) else None
    if export() is None:
        return None
    return poll(found, 2.0, 0.2) or {}


@check("federation:tombstone_ingest_idempotent", requirements=("STG-TOMB-020",), profile=P)
def tombstone_ingest_idempotent(ctx: Context) -> None:
    """A peer's tombstone suppresses its entity here at once; served twice, it is stored once, unchanged."""
    with registered_peer(ctx) as (peer, fed):
        entity, fact = _fact(ctx, "fed-tomb")
        record = tombstone(peer.identity, entity)
        peer.tombstones.add("tombstone", record)
        _pull_until(ctx, fed, entity, fact, "a peer's valid tombstone")
        peer.tombstones.add("tombstone", record)
        _pull_settle(fed, peer)
        held = _stored(ctx, entity)
        expect([t.get("id") for t in held] == [record["id"]], f"the tombstone served twice is held as {held}")
        expect(held[0].get("signature") == record["signature"] and held[0].get("signed_by") == record["signed_by"],
               f"the stored tombstone differs from the one served: {held[0]}")


@check("federation:tombstone_reason_redacted", requirements=("STG-TOMB-017",), profile=P)
def tombstone_reason_redacted(ctx: Context) -> None:
    """A tombstone whose reason was redacted to "redacted" after signing is accepted (reason is unsigned)."""
    with registered_peer(ctx) as (peer, fed):
        entity, fact = _fact(ctx, "fed-redacted")
        record = {**tombstone(peer.identity, entity, reason="the subject's request of 3 May"), "reason": "redacted"}
        peer.tombstones.add("tombstone", record)
        _pull_until(ctx, fed, entity, fact, "a tombstone with its reason redacted")


@check("federation:old_tombstone_accepted", requirements=("STG-TOMB-019",), profile=P)
def old_tombstone_accepted(ctx: Context) -> None:
    """A tombstone created a year ago is accepted: created_at is not held to the 5-minute replay window."""
    with registered_peer(ctx) as (peer, fed):
        entity, fact = _fact(ctx, "fed-old")
        year_ago = (datetime.now(UTC) - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
        peer.tombstones.add("tombstone", tombstone(peer.identity, entity, created_at=year_ago))
        _pull_until(ctx, fed, entity, fact, "a year-old tombstone")


@check("federation:forged_tombstone_rejected", requirements=("STG-TOMB-018",), profile=P)
def forged_tombstone_rejected(ctx: Context) -> None:
    """Peer A relays for signer B: B's own tombstone is accepted; one A signed for B, one whose scope was changed
    after signing and one whose key_id names another key are rejected, each audited tombstone_verification_failed."""
    with registered_peer(ctx, name="relay") as (relay, fed), registered_peer(ctx, name="signer") as (signer, _):
        genuine_entity, genuine_fact = _fact(ctx, "fed-genuine")
        forged = {name: _fact(ctx, f"fed-{name}") for name in ("relay-signed", "tampered", "key-id")}
        stranger = Identity.generate("stranger.test")
        records = {
            "relay-signed": tombstone(relay.identity, forged["relay-signed"][0], signer=signer.node_id),
            "tampered": {**tombstone(signer.identity, forged["tampered"][0], scope="team"), "scope": "*"},
            "key-id": tombstone(stranger, forged["key-id"][0], signer=signer.node_id, key_id_of=signer.identity),
        }
        for record in records.values():
            relay.tombstones.add("tombstone", record)
        relay.tombstones.add("tombstone", tombstone(signer.identity, genuine_entity))
        _pull_until(ctx, fed, genuine_entity, genuine_fact, "the signer's own tombstone relayed by another peer")
        for name, (entity, fact) in forged.items():
            expect(not _hidden(ctx, entity, fact), f"the {name} forgery was applied: the entity's fact is gone")
            expect(_stored(ctx, entity) == [], f"the {name} forgery was stored: {_stored(ctx, entity)}")
        unaudited = _unaudited(ctx, fed, [r["id"] for r in records.values()])
        names = [n for n, r in records.items() if r["id"] in unaudited]
        expect(not names, f"forgeries not audited as tombstone_verification_failed: {names}")


@check("federation:tombstone_revocation_federated", requirements=("STG-TOMB-008", "STG-TOMB-018", "STG-TOMB-020"),
       profile=P)
def tombstone_revocation_federated(ctx: Context) -> None:
    """A peer's revocation of its tombstone restores exactly what it suppressed; one signed by another key for the
    same signer is refused, and so is one validly signed by another registered peer (in its own feed or relayed
    by the tombstone's signer): only the tombstone's signer revokes it; each refusal is audited as a revocation."""
    with registered_peer(ctx) as (peer, fed), registered_peer(ctx, name="other") as (other, _):
        entity, fact = _fact(ctx, "fed-revoke")
        before = ctx.query(entity=entity).json
        record = tombstone(peer.identity, entity)
        peer.tombstones.add("tombstone", record)
        _pull_until(ctx, fed, entity, fact, "a peer's tombstone")
        peer.tombstones.add("revocation", revocation(Identity.generate("stranger.test"), record["id"],
                                                     signer=peer.node_id))
        _pull_settle(fed, peer)
        expect(_hidden(ctx, entity, fact), "a revocation signed by a stranger's key restored the entity")
        foreign = [revocation(other.identity, record["id"]), revocation(other.identity, record["id"])]
        other.tombstones.add("revocation", foreign[0])
        peer.tombstones.add("revocation", foreign[1])
        asked = (len(peer.requests(ROUTE)), len(other.requests(ROUTE)))
        node_pulls(fed, lambda: True if len(peer.requests(ROUTE)) > asked[0]
                   and len(other.requests(ROUTE)) > asked[1] else None)
        expect(_hidden(ctx, entity, fact), "a revocation signed by another registered peer restored what the "
                                           "tombstone's own signer suppressed")
        kinds = _refused_kinds(ctx, [r["id"] for r in foreign])
        expect(kinds is None or (len(kinds) == 2 and set(kinds.values()) <= REVOCATION_KINDS),
               f"the refused revocations' tombstone_verification_failed events name kinds {kinds}, not one of "
               f"{sorted(REVOCATION_KINDS)} each")
        peer.tombstones.add("revocation", revocation(peer.identity, record["id"]))
        restored = node_pulls(fed, lambda: True if fetch(ctx, fact["id"]) is not None else None)
        expect(restored is not None, "the peer's own revocation did not restore the entity's fact")
        after = ctx.query(entity=entity).json
        expect(after == before, f"after the revocation {after}, before the tombstone {before}")


def _walk(ctx: Context, peer: ScriptedPeer, fed: Federator, since: str | None, limit: int = 500,
          sizes: list[int] | None = None) -> tuple[list[Any], list[Any], Any]:
    """The node's tombstone route from ``since`` to its end (bounded), as the peer reads it; ``sizes`` collects
    the number of tombstones on each page."""
    tombs: list[Any] = []
    revs: list[Any] = []
    for _ in range(MAX_PAGES):
        ex = peer.present(ctx.target, peer.token("fresh", fed.node_id).token, path=ROUTE,
                          params={"limit": str(limit), **({"since": since} if since else {})})
        if ex.status == 403:
            raise Skip(f"the tombstone route refuses a peer token without a capability grant: {ex.brief()}")
        expect_status(ex, (200,))
        body = ex.json if isinstance(ex.json, dict) else {}
        page_t, page_r = body.get("tombstones") or [], body.get("revocations") or []
        if sizes is not None:
            sizes.append(len(page_t))
        tombs, revs = tombs + page_t, revs + page_r
        if not (page_t or page_r) or body.get("cursor") in (None, since):
            return tombs, revs, body.get("cursor") or since
        since = body["cursor"]
    raise Skip(f"the node serves more than {MAX_PAGES} pages of tombstones")


@check("federation:tombstone_propagated", requirements=("STG-TOMB-016", "STG-TOMB-021"), profile=P)
def tombstone_propagated(ctx: Context) -> None:
    """The node serves its own tombstone and, later, its revocation to a peer exactly as issued, under a cursor."""
    with registered_peer(ctx) as (peer, fed):
        record = issue(ctx, ctx.unique("outbound"))
        tombs, _, cursor = _walk(ctx, peer, fed, None)
        served = [t for t in tombs if isinstance(t, dict) and t.get("id") == record["id"]]
        expect(served == [record], f"the node served its tombstone as {served}, issued as {record}")
        ex = revoke(ctx, record["id"])
        expect_status(ex, (200,))
        _, revs, _ = _walk(ctx, peer, fed, cursor)
        expect([r for r in revs if isinstance(r, dict) and r.get("tombstone_id") == record["id"]] == [ex.json],
               f"after the cursor the node served revocations {revs}, not the revocation {ex.json}")


@check("federation:tombstone_route_requires_token", requirements=("STG-TOMB-021",), profile=P)
def tombstone_route_requires_token(ctx: Context) -> None:
    """Without a peer token, or with a forged one, the tombstone route answers 401 or 403."""
    with registered_peer(ctx) as (peer, fed):
        for label, token in (("no token", None), ("a forged token", peer.token("other_key", fed.node_id).token)):
            ex = peer.present(ctx.target, token, path=ROUTE)
            expect(ex.status in (401, 403), f"{label}: the tombstone route answered {ex.brief()}")


@check("federation:tombstone_page_limit", requirements=("STG-TOMB-021",), profile=P)
def tombstone_page_limit(ctx: Context) -> None:
    """The peer route holds each page to ``limit``: three new tombstones walked at limit 2 come as pages of at most
    two, and all three arrive."""
    with registered_peer(ctx) as (peer, fed):
        _, _, cursor = _walk(ctx, peer, fed, None)
        made = {issue(ctx, ctx.unique(f"paged-{n}"))["id"] for n in range(3)}
        sizes: list[int] = []
        tombs, _, _ = _walk(ctx, peer, fed, cursor, limit=2, sizes=sizes)
        expect(all(size <= 2 for size in sizes), f"pages at limit 2 held {sizes} tombstones")
        got = {t.get("id") for t in tombs if isinstance(t, dict)}
        expect(made <= got, f"the walk at limit 2 missed {sorted(made - got)}")


@check("federation:tombstone_suppresses_served_facts", requirements=("STG-TOMB-011", "STG-TOMB-012"), profile=P)
def tombstone_suppresses_served_facts(ctx: Context) -> None:
    """GET /v1/federation/facts serves a peer neither a tombstoned entity's facts nor refs to it; the rest is
    served."""
    with registered_peer(ctx) as (peer, fed):
        _, cursor = drain(ctx, peer, fed)
        gone, holder = ctx.unique("served-gone"), ctx.unique("served-holder")
        hidden = {ctx.assert_fact(ctx.fact(gone, scope="public"))["id"],
                  ctx.assert_fact(ctx.fact(holder, gone, relation="rel:knows", vtype="ref", scope="public"))["id"]}
        kept = ctx.assert_fact(ctx.fact(holder, "kept", scope="public"))["id"]
        issue(ctx, gone)
        served, _ = drain(ctx, peer, fed, cursor)
        got = {str(f.get("id")) for f in served}
        expect(kept in got, f"the peer was not served the untouched fact {kept} (vacuous): {sorted(got)}")
        expect(not hidden & got, f"the peer was served suppressed facts {sorted(hidden & got)}")


@check("federation:tombstone_poll_interval", requirements=("STG-TOMB-022",), profile=P)
def tombstone_poll_interval(ctx: Context) -> None:
    """Unprompted (no pull is triggered), the node polls a registered peer's tombstone route at least every
    5 minutes: over the run's --tombstone-poll-wait no stretch since registration or the last poll exceeds 300 s."""
    wait = ctx.tombstone_poll_wait_s
    if wait < POLL_EVERY_S + POLL_SLACK_S:
        raise Skip(f"watching one 5-minute period takes --tombstone-poll-wait {POLL_EVERY_S + POLL_SLACK_S:.0f} or "
                   f"more (this run: {wait:g})")
    with registered_peer(ctx) as (peer, _):
        start = last = time.monotonic()
        seen, polls = len(peer.requests(ROUTE)), 0
        while (now := time.monotonic()) - start < wait:
            count = len(peer.requests(ROUTE))
            if count > seen:
                seen, polls, last = count, polls + 1, now
            expect(now - last <= POLL_EVERY_S + POLL_SLACK_S,
                   f"{now - last:.0f} s without a tombstone poll ({polls} polls since the peer was registered)")
            time.sleep(1.0)
        expect(polls > 0, f"no unprompted tombstone poll in {wait:.0f} s")


@check("federation:tombstone_verification_failed_event", requirements=("STG-TOMB-018", "STG-AUDIT-004"), profile=P)
def tombstone_verification_failed_event(ctx: Context) -> None:
    """A peer's tombstone whose scope was changed after signing is refused, and the audit log's
    tombstone_verification_failed event for it has the minimum fields (audit-event.schema.json: kind, record_id,
    signed_by, key_id, relayed_by, reason) naming that record, outcome failure."""
    with registered_peer(ctx, name="tamper") as (peer, fed):
        entity, fact = _fact(ctx, "fed-shape")
        record = {**tombstone(peer.identity, entity, scope="team"), "scope": "*"}
        peer.tombstones.add("tombstone", record)
        _pull_settle(fed, peer)
        expect(not _hidden(ctx, entity, fact), "the tampered tombstone was applied: the entity's fact is gone")

        def event() -> dict[str, Any] | None:
            ex = ctx.request("GET", "/v1/admin/audit-log",
                             params={"event_type": "tombstone_verification_failed", "limit": "5000"})
            if ex.status != 200 or not isinstance(ex.json, dict):
                raise Skip(f"the node has no audit export to read the event from: {ex.brief()}")
            found = [e for e in ex.json.get("events") or []
                     if isinstance(e, dict) and (e.get("metadata") or {}).get("record_id") == record["id"]]
            return found[-1] if found else None
        got = poll(event, 2.0, 0.2)
        expect(got is not None, f"no tombstone_verification_failed event has record_id {record['id']}")
        assert got is not None
        problems = schema_errors(got)
        expect(not problems, f"the event does not match audit-event.schema.json: {problems[:3]}")
        meta = got["metadata"]
        expect(got.get("outcome") == "failure" and meta.get("kind") == "tombstone"
               and meta.get("signed_by") == record["signed_by"] and meta.get("key_id") == record["key_id"]
               and bool(meta.get("reason")), f"the event does not name the refused record: {got}")
