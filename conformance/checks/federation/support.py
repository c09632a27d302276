"""What the single-node federation checks share: the operator view of ``ctx.target`` and a registered peer.

A check that needs federation skips (never passes) when discovery does not say ``"federation": "enabled"``.
``registered_peer`` starts a scripted peer under its own authority, registers its declaration at the node under
test (approving it when the node holds it pending), lets the peer serve the node's tokens, and always stops it.
``drain`` pulls everything the node already serves the peer, so a check sees only what it writes afterwards.
``node_pulls`` runs one pull cycle on the node (its trigger route, or a bounded wait for its own loop).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from conformance.checks.registry import Context, Skip, expect
from conformance.federation.identity import Crafted
from conformance.federation.operator import Federator, poll
from conformance.federation.peer import ScriptedPeer
from conformance.federation.recipes import RecipeError, load
from conformance.harness.certs import client_context
from conformance.harness.http_target import Exchange, HttpTarget

T = TypeVar("T")
MAX_DRAIN_PAGES = 60
WAIT_FOR_LOOP_S = 35.0  # a node without a pull trigger pulls every 30 s by default (docs/federation-api.md)


def federator(ctx: Context) -> Federator:
    """The node under test as an operator sees it; skips when federation is off or no admin key is held."""
    if ctx.discovery.get("federation") != "enabled":
        raise Skip("the node does not enable federation (discovery federation != enabled)")
    ctx.need_key("admin")
    ctx.need_admin()
    fed = Federator("target", ctx.target, pull_mode="route", pull_wait_s=WAIT_FOR_LOOP_S, gone=ctx.gone_peers)
    fed.refresh()
    expect(bool(fed.node_id and fed.pubkey_b64), f"discovery lacks node_id or federation_pubkey: {ctx.discovery}")
    return fed


def envelope(ctx: Context) -> str:
    """The page envelope scripted peers serve: the run's recipe may ask for a node's own format."""
    try:
        return load(ctx.recipe).peer_envelope if ctx.recipe else "flat"
    except RecipeError:
        return "flat"


def new_peer(ctx: Context, scopes: Sequence[str], name: str = "x", manifest: str | None = None) -> ScriptedPeer:
    """A scripted peer; ``manifest`` "valid" (the default: a logged Spec-04 manifest), "none" or "upstream"."""
    peer = ScriptedPeer.create(f"peer-{name}-{ctx.run_id}{secrets.token_hex(2)}.test", scopes,
                               declaration_fields=ctx.interpretations.get("peer_declaration_fields", "a08-jcs"),
                               cid_option=ctx.interpretations.get("cid_preimage", "jcs-6"), envelope=envelope(ctx),
                               tls=ctx.tls, manifest=manifest)
    peer.gone = ctx.gone_peers
    return peer


@contextmanager
def registered_peer(ctx: Context, scopes: Sequence[str] = ("public",), name: str = "x", manifest: str | None = None
                    ) -> Iterator[tuple[ScriptedPeer, Federator]]:
    """A started scripted peer, active at the node under test (``manifest``: see ``new_peer``)."""
    fed = federator(ctx)
    peer = new_peer(ctx, scopes, name, manifest).start()
    try:
        peer.trust(fed.node_id, fed.pubkey_b64)
        status = fed.admit(peer.declaration())
        expect(status == "active", f"a valid declaration of a reachable peer ends {status!r}, not active")
        yield peer, fed
    finally:
        peer.stop()


@contextmanager
def stranger(ctx: Context, uri: str) -> Iterator[HttpTarget]:
    """The node as a caller that is no registered peer sees it: over mTLS with a certificate the CA signed for
    ``uri`` (so token checks, not the handshake, refuse it), else the run's own client."""
    if ctx.tls is None:
        yield ctx.target
        return
    if ctx.tls.mint is None:
        raise Skip("an mTLS run without --tls-ca-key cannot mint a certificate for an unregistered caller")
    via = ctx.target.with_tls(client_context(ctx.tls.ca_file, ctx.tls.mint.issue("stranger", [uri])))
    try:
        yield via
    finally:
        via.close()


def pull(ctx: Context, peer: ScriptedPeer, fed: Federator, *, cursor: str | None = None, limit: int = 500,
         scope: str | None = None, scopes: Sequence[str] | None = None) -> Exchange:
    """One ``GET /v1/federation/facts`` by the peer, with a fresh token."""
    token = peer.token("fresh", fed.node_id, scopes=scopes)
    params = {"limit": str(limit), **({"cursor": cursor} if cursor else {}), **({"scope": scope} if scope else {})}
    return peer.present(ctx.target, token.token, params=params)


def page(ex: Exchange) -> tuple[list[dict[str, Any]], str | None, bool]:
    """The facts of a pull answer. Entries that wrap the record (``{"fact": {...}, "origin": ...}``, upstream's
    v2 envelope) are unwrapped here so the other checks judge what is served; ``pull_envelope`` judges the shape."""
    expect(ex.status == 200 and isinstance(ex.json, dict), f"pull answered {ex.brief()}")
    body = ex.json
    entries = [f for f in body.get("facts", []) if isinstance(f, dict)]
    facts = [e["fact"] if isinstance(e.get("fact"), dict) else e for e in entries]
    return facts, body.get("cursor"), bool(body.get("has_more"))


def same_value(stored: Any, served: Any) -> bool:
    """FactValues equal, ``interpret_as: content`` being the default made explicit."""
    def plain(v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        return {k: x for k, x in v.items() if not (k == "interpret_as" and x == "content")}
    return bool(plain(stored) == plain(served))


def drain(ctx: Context, peer: ScriptedPeer, fed: Federator, cursor: str | None = None,
          scopes: Sequence[str] | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Pull until has_more is false (bounded); every fact served and the last cursor."""
    served: list[dict[str, Any]] = []
    for _ in range(MAX_DRAIN_PAGES):
        facts, next_cursor, more = page(pull(ctx, peer, fed, cursor=cursor, scopes=scopes))
        served += facts
        cursor = next_cursor or cursor
        if not more:
            return served, cursor
    raise Skip(f"the node serves more than {MAX_DRAIN_PAGES} pages of 500 facts; too many to drain")


def node_pulls(fed: Federator, done: Callable[[], T | None]) -> T | None:
    """Make the node pull (trigger, or wait for its loop) until ``done`` answers something truthy."""
    ex = fed.trigger_pull()
    if ex is not None:
        expect(ex.status == 200, f"POST /v1/admin/federation/pull answered {ex.brief()}")
        return done() or poll(done, 2.0, 0.2)
    return poll(done, fed.pull_wait_s, 0.5)


def fetch(ctx: Context, fact_id: str) -> dict[str, Any] | None:
    ex = ctx.request("GET", f"/v1/facts/{fact_id}")
    return ex.json if ex.status == 200 and isinstance(ex.json, dict) else None


def audit_for(fed: Federator, fact_id: str, wait_s: float = 2.0) -> list[dict[str, Any]]:
    """Audit events naming ``fact_id`` (polled briefly: some nodes write audit after answering)."""
    def found() -> list[dict[str, Any]]:
        return [e for e in fed.audit() if e.get("fact_id") == fact_id]
    return poll(found, wait_s, 0.2) or []


def ingest(ctx: Context, peer: ScriptedPeer, fed: Federator, specs: Sequence[dict[str, Any]]
           ) -> dict[str, dict[str, Any]]:
    """The peer serves crafted facts plus a good sentinel and the node pulls until the sentinel is readable.

    Returns the served facts by label; fails when even the sentinel never arrives."""
    sentinel = f"sentinel{len(peer.crafted_facts)}"
    token = secrets.token_hex(4)
    labels = [str(spec.get("as")) for spec in specs]
    facts = [peer.craft(spec, token) for spec in [*specs, {"as": sentinel}]]
    peer.serve(facts)
    arrived = node_pulls(fed, lambda: fetch(ctx, peer.crafted_facts[sentinel]["id"]))
    expect(arrived is not None, f"replication from the peer stalls: a good fact served after {labels} never arrived "
                                f"({len(peer.facts_requests())} pull requests reached the peer)")
    return {str(spec.get("as")): peer.crafted_facts[str(spec.get("as"))] for spec in specs}


def present(ctx: Context, peer: ScriptedPeer, fed: Federator, variant: str,
            previous: Crafted | None = None) -> tuple[Exchange, Crafted]:
    crafted = peer.token(variant, fed.node_id, previous)
    return peer.present(ctx.target, crafted.token), crafted


def settle() -> None:
    """A short pause for nodes that audit asynchronously."""
    time.sleep(0.05)
