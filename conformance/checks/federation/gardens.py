"""Gardens across federation: garden facts are never served, an inbound garden_id is dropped (A10 §2.7, §6;
Spec-02 §Memory Garden Primitive).

STG-FED-028 (pull payloads; push is not checked: the node under test pushes to no scripted peer) and STG-FED-029.
The garden ACL on one node is checked in ``conformance.checks.gardens_acl``.
"""

from __future__ import annotations

from conformance.checks.federation.support import drain, fetch, ingest, registered_peer
from conformance.checks.gardens import create
from conformance.checks.registry import Context, check, expect


@check("federation:garden_facts_not_served", requirements=("STG-FED-028",), profile="gardens")
def garden_facts_not_served(ctx: Context) -> None:
    """Facts of a public and of a company garden, and the garden's membership facts, are never served to a peer
    declaring both scopes; a public fact outside any garden is."""
    with registered_peer(ctx, ("public", "company")) as (peer, fed):
        _, cursor = drain(ctx, peer, fed)
        gardens = [create(ctx, scope=scope) for scope in ("public", "company")]
        entity = ctx.unique("garden-served")
        tagged = {ctx.assert_fact(ctx.fact(entity, g["scope"], relation=f"test:{g['scope']}", scope=g["scope"],
                                           garden_id=g["garden_id"]))["id"] for g in gardens}
        plain = ctx.assert_fact(ctx.fact(entity, "plain", relation="test:plain", scope="public"))["id"]
        served, _ = drain(ctx, peer, fed, cursor)
        got = {str(f.get("id")) for f in served}
        expect(not tagged & got, f"{len(tagged & got)} garden facts were served to a peer")
        uris = {g["garden_id"] for g in gardens}
        leaked = [f for f in served if f.get("garden_id") or f.get("entity") in uris]
        expect(not leaked, f"served facts of a garden: {[(f.get('entity'), f.get('relation')) for f in leaked][:3]}")
        expect(plain in got, "the public fact outside any garden was not served (the check proves nothing)")


@check("federation:inbound_garden_id_dropped", requirements=("STG-FED-029",), profile="gardens")
def inbound_garden_id_dropped(ctx: Context) -> None:
    """A pulled fact carrying garden_id (a garden of the node itself, or of the peer) is stored without it."""
    garden = create(ctx, scope="public")
    with registered_peer(ctx, ("public",)) as (peer, fed):
        foreign = f"stigmem://{peer.identity.authority}/garden/shared"
        specs = [{"as": "local-garden", "set": {"garden_id": garden["garden_id"]}},
                 {"as": "peer-garden", "set": {"garden_id": foreign}}]
        for label, fact in ingest(ctx, peer, fed, specs).items():
            stored = fetch(ctx, fact["id"])
            expect(stored is not None, f"a pulled fact carrying garden_id ({label}) was not stored: the garden_id "
                                       "is to be dropped, not the fact")
            assert stored is not None
            expect(stored.get("garden_id") is None, f"the {label} fact was stored with garden_id "
                                                    f"{stored.get('garden_id')!r}")
