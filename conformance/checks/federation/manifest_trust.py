"""Peer manifests and their log evidence in the node's trust mode (A20 §19.2, §19.4; Spec-04 "transparency log").

Profile federation-trust. A scripted peer serves a Spec-04 manifest for its node_id, signed with its federation key,
logged in its own transparency log (``/v1/federation/transparency-log`` on the peer) with the LogEntry at
``/.well-known/stigmem-manifest-proof.json`` (``conformance.federation.peer``). The node fetches and judges it when
the peer registers and before it pulls: trust_mode strict trusts the manifest only with a valid inclusion proof
against a checkpoint the log key signs, and fails closed when the log is gone (400 inclusion_proof_invalid, 503
transparency_log_unavailable at registration; pulled facts held with no_valid_manifest); relaxed accepts, warns
and audits. How the peer is known sets the identity_strength row of its facts' source_trust (A20 §19.4: 1.0 with a
log proof, 0.7 without). Requirements STG-TLOG-008, STG-TLOG-009, STG-TRUST-012, STG-QUAR-007.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from conformance.checks.audit_log import walk
from conformance.checks.federation.quarantine import held
from conformance.checks.federation.source_trust import near, trust_mode, trust_weights
from conformance.checks.federation.support import federator, fetch, ingest, new_peer, registered_peer
from conformance.checks.quarantine import moderated_garden, surface_by_id
from conformance.checks.registry import Context, Skip, check, expect
from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer
from conformance.oracle import source_trust as oracle

PROFILE = "federation-trust"
EVIDENCE_EVENT = "manifest_log_evidence"  # docs/federation-api.md "Transparency log": a verdict without evidence


def _mode(ctx: Context, *wanted: str) -> str:
    mode = trust_mode(ctx.discovery)
    if mode not in wanted:
        raise Skip(f"the node runs trust_mode {mode!r}; this check needs {' or '.join(wanted)} (the embedded node: "
                   f"--embedded-arg=--trust-mode={wanted[0]})")
    return str(mode)


def scores(ctx: Context, identity: str) -> list[Decimal]:
    """Every t a new peer (history 0.5) known by ``identity`` can score, whatever scope row the node picks."""
    weights = trust_weights(ctx.discovery)
    found = set()
    for scope in oracle.SCOPE:
        inp: dict[str, Any] = {"identity": identity, "scope": scope,
                               "attestation_mode": ctx.discovery.get("source_attestation")}
        if isinstance(weights, dict):
            inp["weights"] = weights
        found.add(oracle.score(inp))
    return sorted(found)


def _registration(ctx: Context, log_state: str) -> tuple[ScriptedPeer, Federator, Any]:
    """A started peer whose log is in ``log_state``, and the node's answer to its registration."""
    fed = federator(ctx)
    peer = new_peer(ctx, ("public",), "m").start()
    peer.log_state = log_state
    peer.trust(fed.node_id, fed.pubkey_b64)
    return peer, fed, fed.register(peer.declaration())


def _refused(ctx: Context, log_state: str, status: int, code: str, why: str) -> None:
    peer, fed, ex = _registration(ctx, log_state)
    try:
        expect(ex.status == status and ex.code() == code,
               f"{why}: the registration answered {ex.brief()}, expected {status} {code}")
        listed = [p for p in fed.peers() if p.get("node_id") == peer.node_id]
        expect(not listed, f"{why}: the refused peer is listed anyway: {listed}")
    finally:
        peer.stop()


@check("federation:manifest_log_proof_trusted", requirements=("STG-TLOG-008", "STG-TRUST-012", "STG-QUAR-007"),
       profile=PROFILE)
def manifest_log_proof_trusted(ctx: Context) -> None:
    """A peer whose manifest is proven in its log is trusted: in strict and relaxed mode its pulled facts are
    readable in the main fabric (strict holds none for want of a manifest) and score identity_strength 1.0."""
    mode = _mode(ctx, "strict", "relaxed")
    relation = f"test:m{ctx.run_id}{secrets.token_hex(2)}"
    with registered_peer(ctx) as (peer, fed):
        served = ingest(ctx, peer, fed, [{"as": "proven", "relation": relation}])
        got = fetch(ctx, served["proven"]["id"])
    expect(got is not None, f"trust_mode {mode}: a fact of a peer with a valid manifest and inclusion proof is not "
                            "readable (held or refused as if it had no manifest)")
    assert got is not None
    among = scores(ctx, "manifest_log_proof")
    expect(near(got.get("source_trust"), among),
           f"the fact of a peer whose manifest is proven in its log carries source_trust "
           f"{got.get('source_trust', 'absent')!r}, not identity_strength 1.0 (manifest + log proof): "
           f"{[str(c) for c in among]}")


@check("federation:strict_log_unreachable", requirements=("STG-TLOG-008", "STG-QUAR-007"), profile=PROFILE)
def strict_log_unreachable(ctx: Context) -> None:
    """Strict fails closed when the peer's log is gone: its registration is 503 transparency_log_unavailable (and
    nothing is registered); a registered peer whose log then vanishes has its next facts held, no_valid_manifest."""
    _mode(ctx, "strict")
    _refused(ctx, "vanished", 503, "transparency_log_unavailable", "the peer's log is unreachable")
    with moderated_garden(ctx) as garden, registered_peer(ctx) as (peer, fed):
        peer.log_state = "vanished"
        fact = held(ctx, peer, fed, garden, [{"as": "after"}])["after"]
        record = surface_by_id(ctx, garden).get(fact["id"]) or {}
    expect(record.get("quarantine_reason") == "no_valid_manifest",
           f"a fact pulled after the peer's log vanished is held with reason {record.get('quarantine_reason')!r}, "
           "not no_valid_manifest")


@check("federation:peer_manifest_lists_node", requirements=("STG-MAN-004", "STG-MAN-014"), profile=PROFILE)
def peer_manifest_lists_node(ctx: Context) -> None:
    """A peer serving a valid, logged manifest of another authority that does not list the peer's node_id vouches
    for nothing: after it registers and the node pulls it, GET /v1/federation/manifest of that authority's entity is
    404."""
    with registered_peer(ctx, manifest="foreign") as (peer, fed):
        fed.trigger_pull()
        got = ctx.request("GET", f"/v1/federation/manifest/{quote(peer.foreign_entity, safe='')}", key=None)
    expect(got.status == 404, f"GET of {peer.foreign_entity} answered {got.brief()}: the node kept a peer's "
                              "manifest that does not list the peer's node_id")


@check("federation:strict_forged_proof", requirements=("STG-TLOG-008",), profile=PROFILE)
def strict_forged_proof(ctx: Context) -> None:
    """Strict refuses a peer whose manifest proof has one hash flipped: 400 inclusion_proof_invalid, not
    registered."""
    _mode(ctx, "strict")
    _refused(ctx, "forged", 400, "inclusion_proof_invalid", "the peer's inclusion proof is forged")


@check("federation:strict_proof_root_unsigned", requirements=("STG-TLOG-008",), profile=PROFILE)
def strict_proof_root_unsigned(ctx: Context) -> None:
    """Strict refuses a peer whose manifest proof verifies against a root the log never signed (another tree of the
    same size; the carried checkpoint is genuine): 400 inclusion_proof_invalid, not registered."""
    _mode(ctx, "strict")
    _refused(ctx, "rerooted", 400, "inclusion_proof_invalid", "the peer's proof is for a root its log never signed")


@check("federation:relaxed_log_unreachable", requirements=("STG-TLOG-009", "STG-TRUST-012"), profile=PROFILE)
def relaxed_log_unreachable(ctx: Context) -> None:
    """Relaxed accepts a peer whose log is gone: it registers active, its facts are readable and score
    identity_strength 0.7 (a manifest without log proof), and the node audits a warning naming the peer."""
    _mode(ctx, "relaxed")
    peer, fed, ex = _registration(ctx, "vanished")
    try:
        expect(ex.status == 201 and isinstance(ex.json, dict) and ex.json.get("status") in ("active",
                                                                                          "pending_approval"),
               f"relaxed mode refused a peer whose log is unreachable: {ex.brief()}")
        if ex.json.get("status") == "pending_approval":
            fed.approve(str(ex.json.get("peer_id")), peer.identity.pubkey_b64)
        served = ingest(ctx, peer, fed, [{"as": "unproven"}])
        got = fetch(ctx, served["unproven"]["id"]) or {}
    finally:
        peer.stop()
    among = scores(ctx, "manifest")
    expect(near(got.get("source_trust"), among),
           f"the fact of a peer whose manifest has no log evidence carries source_trust "
           f"{got.get('source_trust', 'absent')!r}, not identity_strength 0.7 (manifest, no log proof): "
           f"{[str(c) for c in among]}")
    events = walk(ctx, 500, event_type=EVIDENCE_EVENT)
    named = [e for e in events if isinstance(e.get("metadata"), dict)
             and e["metadata"].get("peer_node_id") == peer.node_id]
    expect(bool(named), f"relaxed mode accepted the manifest without log evidence and audited no {EVIDENCE_EVENT} "
                        f"event naming the peer ({len(events)} such events)")
    reason = named[-1]["metadata"].get("reason")
    expect(reason == "transparency_log_unavailable",
           f"the audited warning gives reason {reason!r}, not transparency_log_unavailable")
