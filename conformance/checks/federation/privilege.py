"""Who may admit a peer, and which declarations are refused and audited (Spec-05; A08 §3.5, §5.6; Spec-11).

STG-SCOPE-022: a ``federate`` key limited to ``local`` cannot register a peer whose declaration grants company or
public (that peer's tokens would pull every company and public fact). STG-FED-052 (interpretation
declaration_signed_at = a20-window): a declaration signed long ago or in the future never becomes active.
STG-AUDIT-015 (Spec-05 §Audit: "peer ... rejected"): a refused declaration leaves an audit event naming it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conformance.checks.federation.registration import _never_active, _token_refused
from conformance.checks.federation.support import federator, new_peer, settle
from conformance.checks.registry import Context, Skip, check, expect
from conformance.federation.identity import Identity, fingerprint
from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer


def _audited(fed: Federator, node_id: str, what: str) -> None:
    settle()
    events = fed.audit(raw=True)
    named = [e for e in events if node_id in str(e)]
    expect(bool(named), f"{what} left no audit event naming {node_id} (of {len(events)} events)")


@check("federation:federate_key_bounded_by_scopes", requirements=("STG-SCOPE-022",), profile="core-federation")
def federate_key_bounded_by_scopes(ctx: Context) -> None:
    """A federate key for local cannot admit a company/public peer (its tokens are then refused); one for public
    can admit a public peer."""
    fed = federator(ctx)
    local_key = ctx.mint_key("federate_local", ["federate"], ["local"])
    public_key = ctx.mint_key("federate_public", ["federate"], ["public"])
    with new_peer(ctx, ["company", "public"]) as peer:
        peer.trust(fed.node_id, fed.pubkey_b64)
        ex = ctx.request("POST", "/v1/federation/peers", key=local_key, json_body=peer.declaration())
        if ex.status == 201 and isinstance(ex.json, dict) and ex.json.get("peer_id"):
            fed.peer_ids[peer.node_id] = str(ex.json["peer_id"])
        _never_active(fed, ex, "a company/public peer registered with a local-only federate key")
        _token_refused(ctx, peer, fed, "a peer registered beyond its registrar's scopes")
    with new_peer(ctx, ["public"], name="y") as peer:
        ex = ctx.request("POST", "/v1/federation/peers", key=public_key, json_body=peer.declaration())
        expect(ex.status == 201 and isinstance(ex.json, dict) and ex.json.get("status") != "rejected",
               f"a public peer registered with a public federate key was refused: {ex.brief()}")


@check("federation:declaration_signed_at_window", requirements=("STG-FED-052", "STG-AUDIT-015"),
       profile="core-federation", interpretations={"declaration_signed_at": "a20-window"})
def declaration_signed_at_window(ctx: Context) -> None:
    """A declaration signed in 2001, or in 2099, never becomes active, and its refusal is audited."""
    fed = federator(ctx)
    for signed_at, name in (("2001-01-01T00:00:00Z", "x"), ("2099-01-01T00:00:00Z", "y")):
        with new_peer(ctx, ["public"], name=name) as peer:
            ex = fed.register(peer.declaration(signed_at=signed_at))
            _never_active(fed, ex, f"a declaration signed at {signed_at}")
            _audited(fed, peer.node_id, f"the refused declaration signed at {signed_at}")


@check("federation:declaration_signed_at_edges", requirements=("STG-FED-052",), profile="core-federation",
       interpretations={"declaration_signed_at": "a20-window"})
def declaration_signed_at_edges(ctx: Context) -> None:
    """Both bounds' two sides (A20 §22.5: handshake messages within +-5 min of the verifier's clock): signed 4
    minutes ahead of the node's clock or 4 minutes ago is admitted, 6 minutes ahead or 6 minutes ago never
    becomes active."""
    fed = federator(ctx)
    for minutes, name, admitted in ((4, "f4", True), (6, "f6", False), (-4, "p4", True), (-6, "p6", False)):
        signed_at = (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with new_peer(ctx, ["public"], name=name) as peer:
            ex = fed.register(peer.declaration(signed_at=signed_at))
            if admitted:
                expect(ex.status == 201 and isinstance(ex.json, dict) and ex.json.get("status") != "rejected",
                       f"a declaration signed {minutes:+d} min from now (inside +-5 min) was refused: {ex.brief()}")
            else:
                _never_active(fed, ex, f"a declaration signed {minutes:+d} min from now")


@check("federation:rejected_declaration_audited", requirements=("STG-AUDIT-015",), profile="core-federation")
def rejected_declaration_audited(ctx: Context) -> None:
    """A declaration whose signature does not verify is rejected and an audit event names its node_id."""
    fed = federator(ctx)
    with new_peer(ctx, ["public"]) as peer:
        ex = fed.register(peer.declaration(sign_with=Identity.generate("forger.test")))
        _never_active(fed, ex, "a declaration signed by another key")
        _audited(fed, peer.node_id, "the rejected declaration")


@check("http:peer_routes_require_federate", requirements=("STG-AUTH-009",), profile="core-federation",
       needs=("writer_local",))
def peer_routes_require_federate(ctx: Context) -> None:
    """The operator federation routes refuse a key that holds read and write but not federate (401, 403 or 404).

    The near miss of federate is write, the strongest permission short of it; admin implies federate.
    """
    federator(ctx)  # skips on a node without federation, where every caller gets the same 404
    ctx.need_key("writer_local")
    for method, path, body in (("GET", "/v1/federation/peers", None), ("POST", "/v1/federation/peers", {}),
                               ("GET", "/v1/federation/declaration", None), ("GET", "/v1/federation/audit", None)):
        ex = ctx.request(method, path, key="writer_local", json_body=body)
        expect(ex.status in (401, 403, 404), f"{method} {path} with a read+write key answered {ex.brief()}")


@check("federation:declaration_matches_discovery", requirements=("STG-FED-003", "STG-FED-006"),
       profile="core-federation")
def declaration_matches_discovery(ctx: Context) -> None:
    """The node's own declaration names exactly the node_id, node_url and key its discovery document advertises,
    so a peer verifying it against discovery (STG-FED-003/006) can succeed: not even a trailing slash differs."""
    federator(ctx)
    ex = ctx.request("GET", "/v1/federation/declaration", params={"allowed_scopes": "public"})
    expect(ex.status == 200 and isinstance(ex.json, dict), f"declaration answered {ex.brief()}")
    decl = ex.json or {}
    doc = ctx.request("GET", "/.well-known/stigmem", key=None).json or {}
    for name in ("node_id", "node_url", "federation_pubkey"):  # all three are required declaration fields
        expect(name in decl, f"declaration has no {name}")
        expect(decl[name] == doc.get(name), f"declaration {name} {decl[name]!r}, discovery {doc.get(name)!r}")


def _registered(fed: Federator, peer: ScriptedPeer) -> tuple[str, object]:
    """Register ``peer`` at the node: its peer_id and the status the node gave it."""
    ex = fed.register(peer.declaration())
    peer_id = (ex.json or {}).get("peer_id") if isinstance(ex.json, dict) else None
    expect(ex.status == 201 and isinstance(peer_id, str), f"registration answered {ex.brief()}")
    return str(peer_id), (ex.json or {}).get("status")


@check("federation:approve_requires_admin", requirements=("STG-AUTH-010",), profile="core-federation")
def approve_requires_admin(ctx: Context) -> None:
    """Approving a peer is the operator's act (TM R-26: an admin calls POST /v1/federation/peers/{id}/approve):
    a key holding federate for every scope, but not admin, is refused (401 or 403)."""
    fed = federator(ctx)
    federate_key = ctx.mint_key("federate_all", ["read", "federate"], ["local", "team", "company", "public"])
    with new_peer(ctx, ["public"], name="ap") as peer:
        peer.trust(fed.node_id, fed.pubkey_b64)
        peer_id, before = _registered(fed, peer)
        path = f"/v1/federation/peers/{peer_id}/approve"
        probe = ctx.request("POST", path, json_body={})
        if probe.status in (404, 405, 501) and before != "pending_approval":
            raise Skip(f"the node has no approval route ({probe.brief()})")
        ex = ctx.request("POST", path, key=federate_key, json_body={})
        expect(ex.status in (401, 403), f"approve with a federate key without admin answered {ex.brief()}")


@check("federation:approve_bounded_by_scopes", requirements=("STG-SCOPE-022",), profile="core-federation")
def approve_bounded_by_scopes(ctx: Context) -> None:
    """An admin key bounded to local cannot approve a peer whose declaration grants public: 401 or 403, whatever
    the peer's status (pending or active), and the peer's status is unchanged."""
    fed = federator(ctx)
    local_admin = ctx.mint_key("admin_local_approver", ["admin", "federate"], ["local"])
    with new_peer(ctx, ["public"], name="ab") as peer:
        peer.trust(fed.node_id, fed.pubkey_b64)
        peer_id, before = _registered(fed, peer)
        path = f"/v1/federation/peers/{peer_id}/approve"
        body = {"pubkey_fingerprint": fingerprint(peer.identity.pubkey_b64)}
        ex = ctx.request("POST", path, key=local_admin, json_body=body)
        if ex.status in (404, 405, 501):
            raise Skip(f"the node has no approval route ({ex.brief()})")
        expect(ex.status in (401, 403), f"approving a public peer ({before}) with an admin key bounded to local "
                                        f"answered {ex.brief()}, expected 401 or 403")
        after = (fed.peer(str(peer_id)) or {}).get("status")
    expect(after == before, f"the refused approval moved the peer from {before!r} to {after!r}")
