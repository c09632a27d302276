"""Peer tokens presented to the node under test (A08 §3.5; Spec-11, A20 §22.5; docs/federation-api.md).

A registered scripted peer presents crafted tokens on ``GET /v1/federation/facts``. Every fault is 401; the
error code is compared only where a requirement names it (``token_expired``, ``nonce_already_seen``, the latter
only under interpretation replay_error_code = named). Requirements STG-TOK-001..008, STG-RPL-001/004/005/006.
Restart persistence of nonces (STG-RPL-009) needs a restart and runs as a failure-mode scenario.
"""

from __future__ import annotations

import json

from conformance.checks.federation.support import federator, present, registered_peer
from conformance.checks.federation.support import stranger as stranger_via
from conformance.checks.registry import Context, check, expect, expect_error, expect_status
from conformance.federation.identity import Crafted, Identity, claims_for, encode, now_ms
from conformance.federation.operator import new_events, poll


def _refused(ctx: Context, variant: str, code: str | None = None) -> None:
    with registered_peer(ctx) as (peer, fed):
        ex, _ = present(ctx, peer, fed, variant)
        expect_error(ex, (401,), code)


def _replay_code(ctx: Context) -> str | None:
    return "nonce_already_seen" if ctx.interpretations.get("replay_error_code", "named") == "named" else None


@check("federation:token_replay_rejected", requirements=("STG-TOK-006", "STG-TOK-007", "STG-TOK-008"),
       profile="core-federation")
def token_replay_rejected(ctx: Context) -> None:
    """A token works once; the same token, or a new one with its nonce, is 401 nonce_already_seen."""
    with registered_peer(ctx) as (peer, fed):
        ok, first = present(ctx, peer, fed, "fresh")
        expect_status(ok, (200,))
        expect_error(present(ctx, peer, fed, "replay", first)[0], (401,), _replay_code(ctx))
        expect_error(present(ctx, peer, fed, "same_nonce", first)[0], (401,), _replay_code(ctx))


@check("federation:token_expired_rejected", requirements=("STG-TOK-005",), profile="core-federation")
def token_expired_rejected(ctx: Context) -> None:
    """An expired token is 401 token_expired."""
    _refused(ctx, "expired", "token_expired")


@check("federation:token_lifetime_capped", requirements=("STG-TOK-002",), profile="core-federation")
def token_lifetime_capped(ctx: Context) -> None:
    """A token whose exp lies more than one hour after its iat is 401."""
    _refused(ctx, "long_lived")


@check("federation:token_wrong_audience", requirements=("STG-TOK-004",), profile="core-federation")
def token_wrong_audience(ctx: Context) -> None:
    """A token whose sub is another node is 401."""
    _refused(ctx, "wrong_sub")


@check("federation:token_signature_checked", requirements=("STG-TOK-003", "STG-SIG-006"), profile="core-federation")
def token_signature_checked(ctx: Context) -> None:
    """A token signed by another key, or whose payload changed after signing, is 401; so is one signed by the peer's
    own key with a small-order R (the identity point), under ed25519_policy strict."""
    _refused(ctx, "other_key")
    _refused(ctx, "tampered")
    if ctx.interpretations.get("ed25519_policy", "strict") == "strict":
        _refused(ctx, "small_order_r")


@check("federation:token_malformed_rejected", requirements=("STG-TOK-001",), profile="core-federation")
def token_malformed_rejected(ctx: Context) -> None:
    """A bearer value that is not a compact JWS is 401."""
    _refused(ctx, "malformed")


@check("federation:token_without_nonce_rejected", requirements=("STG-RPL-001",), profile="core-federation")
def token_without_nonce_rejected(ctx: Context) -> None:
    """A validly signed token without a nonce is 401."""
    _refused(ctx, "no_nonce")


@check("federation:token_future_iat_rejected", requirements=("STG-RPL-004",), profile="core-federation")
def token_future_iat_rejected(ctx: Context) -> None:
    """A token issued five minutes in the future (beyond the 30 s leeway) is 401."""
    _refused(ctx, "future_iat")


@check("federation:token_within_leeway_accepted", requirements=("STG-RPL-005",), profile="core-federation")
def token_within_leeway_accepted(ctx: Context) -> None:
    """A token issued 10 s ahead of the node's clock (inside the leeway) is accepted."""
    with registered_peer(ctx) as (peer, fed):
        claims = claims_for(peer.node_id, fed.node_id, peer.scopes, iat=now_ms() + 10_000)
        ex = peer.present(ctx.target, Crafted(encode(claims, peer.identity), "fresh", claims).token)
        expect_status(ex, (200,))


@check("federation:replay_audited", requirements=("STG-RPL-006",), profile="core-federation")
def replay_audited(ctx: Context) -> None:
    """A replayed token is audited replay_attempt, an expired one rejected_token."""
    with registered_peer(ctx) as (peer, fed):
        _, first = present(ctx, peer, fed, "fresh")
        for variant, event in (("replay", "replay_attempt"), ("expired", "rejected_token")):
            before = fed.audit()
            ex, _ = present(ctx, peer, fed, variant, first)
            expect_status(ex, (401,))
            found = poll(lambda e=event, b=before: [x for x in new_events(b, fed.audit()) if x.get("event_type") == e],
                         2.0, 0.2)
            expect(bool(found), f"no new {event} audit event after a {variant} token answered {ex.status}")


@check("federation:junk_token_audit_bounded", requirements=("STG-ROB-001",), profile="core-federation")
def junk_token_audit_bounded(ctx: Context) -> None:
    """Unauthenticated pulls whose token claims a 12,000-character iss leave audit rows of bounded size: the node
    does not keep the claimed iss (or any other field of the request) whole."""
    fed = federator(ctx)
    marker = f"stigmem://junk-{ctx.run_id}.test/node/"
    stranger = Identity.generate("junk.test")
    before = fed.audit()
    with stranger_via(ctx, marker + "a") as via:
        for _ in range(12):
            token = encode(claims_for(marker + "a" * 12_000, fed.node_id, ["public"]), stranger)
            ex = via.request("GET", "/v1/federation/facts", key=None, headers={"Authorization": f"Bearer {token}"})
            expect(ex.status in (400, 401, 431), f"junk-token pull answered {ex.brief()}")
    rows = [e for e in new_events(before, fed.audit(raw=True)) if marker in json.dumps(e)]
    sizes = sorted(len(json.dumps(e)) for e in rows)
    expect(not sizes or sizes[-1] <= 4096,
           f"an audit row of a junk-token pull is {sizes[-1] if sizes else 0} bytes: the claimed 12,000-character "
           "iss is kept whole")


@check("federation:junk_token_audit_aggregated", requirements=("STG-ROB-006",), profile="core-federation")
def junk_token_audit_aggregated(ctx: Context) -> None:
    """Fifty identical unauthenticated pulls (one claimed iss, one stranger's key) add at most five audit rows: the
    log does not grow by a row per request. Rows that carry a ``count`` must count all fifty."""
    fed = federator(ctx)
    marker = f"stigmem://junk-repeat-{ctx.run_id}.test/node/1"
    stranger = Identity.generate("junk.test")
    before = fed.audit(raw=True)
    with stranger_via(ctx, marker) as via:
        for _ in range(50):
            token = encode(claims_for(marker, fed.node_id, ["public"]), stranger)
            ex = via.request("GET", "/v1/federation/facts", key=None, headers={"Authorization": f"Bearer {token}"})
            expect(ex.status in (400, 401), f"junk-token pull answered {ex.brief()}")
    rows = [e for e in new_events(before, fed.audit(raw=True)) if marker in json.dumps(e)]
    expect(len(rows) <= 5, f"50 identical junk-token pulls added {len(rows)} audit rows: one per request, not bounded")
    counts = [e["count"] for e in rows if isinstance(e.get("count"), int)]
    expect(len(counts) < len(rows) or sum(counts) == 50,
           f"the audit rows of 50 identical junk-token pulls count {sum(counts)} of them")
