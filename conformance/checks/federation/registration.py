"""Peer registration and verification against the node under test (Spec-05; A08 §6.1; J-3).

A scripted peer registers signed declarations at the node: a valid one becomes active (after approval when the
node holds peers pending, interpretation peer_lifecycle); a declaration whose key or node_id differs from the
peer's discovery document, or whose signature does not verify, or whose node_url does not answer, never does,
and such a peer can neither pull nor be pulled. Requirements STG-FED-001..008, STG-FED-012. Manifests
(STG-FED-004) and key rotation (STG-FED-013) are not checked here.
"""

from __future__ import annotations

from typing import Any

from conformance.checks.federation.support import federator, new_peer, present
from conformance.checks.registry import Context, Skip, check, expect, expect_status
from conformance.federation.identity import Identity
from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer
from conformance.harness.http_target import Exchange

PEER_FIELDS = ("peer_id", "node_id", "node_url", "status", "allowed_scopes", "established_at")
STATUSES = ("active", "pending_approval", "pending_verification", "rejected", "revoked")


def _never_active(fed: Federator, ex: Exchange, what: str) -> None:
    """A refused declaration: 201 with a non-active status that stays so, or a 4xx; never a 5xx."""
    expect(ex.status < 500, f"{what}: registration answered {ex.brief()}")
    if ex.status == 201 and isinstance(ex.json, dict):
        expect(ex.json.get("status") != "active", f"{what} was made active: {ex.brief()}")
        listed = fed.peer(str(ex.json.get("peer_id")))
        expect(listed is None or listed.get("status") != "active", f"{what} is listed active: {listed}")
    else:
        expect(400 <= ex.status < 500, f"{what}: expected 201 rejected or a 4xx, got {ex.brief()}")


def _token_refused(ctx: Context, peer: ScriptedPeer, fed: Federator, what: str) -> None:
    ex, _ = present(ctx, peer, fed, "fresh")
    expect_status(ex, (401,))
    expect(ex.code() != "nonce_already_seen", f"{what}: refused for the wrong reason: {ex.brief()}")


@check("federation:peer_register_201", requirements=("STG-FED-002",), profile="core-federation")
def peer_register_201(ctx: Context) -> None:
    """A valid declaration answers 201 {peer_id, status, verified_at}; registering it again is 409."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"]) as peer:
        ex = fed.register(peer.declaration())
        expect_status(ex, (201,))
        body: dict[str, Any] = ex.json if isinstance(ex.json, dict) else {}
        expect({"peer_id", "status", "verified_at"} <= set(body), f"registration answer lacks members: {body}")
        expect(body["status"] in STATUSES and body["status"] != "rejected", f"status {body['status']!r}")
        expect(body["status"] != "active" or bool(body.get("verified_at")), "active without verified_at")
        expect_status(fed.register(peer.declaration()), (409,))


@check("federation:peer_list", requirements=("STG-FED-012",), profile="core-federation")
def peer_list(ctx: Context) -> None:
    """GET /v1/federation/peers lists a registered peer with its node_id, node_url, status and scopes."""
    fed = federator(ctx)
    with new_peer(ctx, ["public", "company"]) as peer:
        fed.admit(peer.declaration())
        peer_id = fed.peer_ids[peer.node_id]
        entry = fed.peer(peer_id)
        expect(entry is not None, f"peer {peer_id} is not listed")
        assert entry is not None
        missing = [k for k in PEER_FIELDS if k not in entry]
        expect(not missing, f"peer entry lacks {missing}: {entry}")
        expect(entry["node_id"] == peer.node_id and entry["node_url"] == peer.url, f"peer entry {entry}")
        expect(sorted(entry["allowed_scopes"]) == ["company", "public"], f"allowed_scopes {entry['allowed_scopes']}")
        expect(entry["status"] in STATUSES, f"status {entry['status']!r}")


@check("federation:verification_fetches_discovery", requirements=("STG-FED-003",), profile="core-federation")
def verification_fetches_discovery(ctx: Context) -> None:
    """Registering a declaration makes the node fetch the declared node_url's discovery document."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"]) as peer:
        fed.register(peer.declaration())
        expect(bool(peer.requests("/.well-known/stigmem")), "the node never fetched the peer's /.well-known/stigmem")


@check("federation:pubkey_mismatch_rejected", requirements=("STG-FED-006",), profile="core-federation")
def pubkey_mismatch_rejected(ctx: Context) -> None:
    """A declaration whose key or node_id differs from the peer's discovery is rejected; its tokens are 401."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"]) as peer:
        other = Identity.generate(peer.identity.authority, node_id=peer.node_id)
        decl = peer.declaration(pubkey_b64=other.pubkey_b64, sign_with=other)
        _never_active(fed, fed.register(decl), "a declaration with a key other than discovery's")
        impostor = ScriptedPeer(other, peer.scopes, peer.declaration_fields, peer.cid_option)
        _token_refused(ctx, impostor, fed, "a token signed with the mismatched key")
    with new_peer(ctx, ["public"], name="y") as peer:
        decl = peer.declaration(node_id=f"stigmem://{peer.identity.authority}/node/someone-else")
        _never_active(fed, fed.register(decl), "a declaration with a node_id other than discovery's")


@check("federation:bad_declaration_sig_rejected", requirements=("STG-FED-005",), profile="core-federation")
def bad_declaration_sig_rejected(ctx: Context) -> None:
    """A declaration signed by another key, or changed after signing, never becomes active."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"]) as peer:
        decl = peer.declaration(sign_with=Identity.generate("forger.test"))
        _never_active(fed, fed.register(decl), "a declaration signed by another key")
    with new_peer(ctx, ["public"], name="y") as peer:
        decl = {**peer.declaration(), "allowed_scopes": ["public", "company"]}
        _never_active(fed, fed.register(decl), "a declaration whose scopes changed after signing")


@check("federation:active_only_after_checks", requirements=("STG-FED-007",), profile="core-federation")
def active_only_after_checks(ctx: Context) -> None:
    """A peer whose node_url does not answer, or that declares local, is not made active."""
    fed = federator(ctx)
    peer = new_peer(ctx, ["public"]).start()
    decl = peer.declaration()
    peer.stop()
    _never_active(fed, fed.register(decl), "a declaration whose node_url does not answer")
    with new_peer(ctx, ["public", "local"], name="y") as local_peer:
        _never_active(fed, fed.register(local_peer.declaration()), "a declaration listing the local scope")


@check("federation:rejected_peer_cannot_replicate", requirements=("STG-FED-008",), profile="core-federation")
def rejected_peer_cannot_replicate(ctx: Context) -> None:
    """A rejected peer's tokens are refused (401) and the node never pulls from it."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"]) as peer:
        peer.trust(fed.node_id, fed.pubkey_b64)
        fed.register(peer.declaration(sign_with=Identity.generate("forger.test")))
        _token_refused(ctx, peer, fed, "a rejected peer")
        ex = fed.trigger_pull()
        expect(ex is None or ex.status == 200, f"pull trigger answered {ex.brief() if ex else ''}")
        expect(not peer.facts_requests(), "the node pulled from a rejected peer")


@check("federation:no_replication_before_active", requirements=("STG-FED-001",), profile="core-federation")
def no_replication_before_active(ctx: Context) -> None:
    """A peer that never registered is refused (401) and never pulled from."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"]) as peer:
        peer.trust(fed.node_id, fed.pubkey_b64)
        _token_refused(ctx, peer, fed, "an unregistered peer")
        fed.trigger_pull()
        expect(not peer.facts_requests(), "the node pulled from a peer that never registered")


@check("federation:pending_peer_refused", requirements=("STG-FED-007", "STG-FED-008"), profile="core-federation")
def pending_peer_refused(ctx: Context) -> None:
    """On a node that holds new peers pending_approval (an approval gate), a pending peer's fresh token is refused
    (401) on the pull route until it is approved; after approval the same peer is served. Skips on a node that
    activates verified peers at once (peer_lifecycle verify-then-active without a gate)."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"], name="pend") as peer:
        peer.trust(fed.node_id, fed.pubkey_b64)
        ex = fed.register(peer.declaration())
        status = (ex.json or {}).get("status") if isinstance(ex.json, dict) else None
        if status != "pending_approval":
            raise Skip(f"the node does not hold new peers pending (registration status {status!r})")
        _token_refused(ctx, peer, fed, "a peer pending approval")
        approved = fed.approve(str((ex.json or {})["peer_id"]), str(peer.declaration()["federation_pubkey"]))
        expect_status(approved, (200,))
        served, _ = present(ctx, peer, fed, "fresh")
        expect_status(served, (200,))
