"""What the node under test serves a registered peer on ``GET /v1/federation/facts`` (Spec-05; A08 §6.4, §6.6).

The scripted peer pulls with fresh tokens after draining what the node already serves, so each check sees only
the facts it wrote. Requirements STG-FED-018..027, STG-CONF-007, STG-PROV-005, STG-FED-040.
Relaying (STG-FED-044..047) needs a second hop and is not checked here.
"""

from __future__ import annotations

from typing import Any

from conformance.checks.federation.support import drain, fetch, ingest, page, pull, registered_peer
from conformance.checks.registry import Context, check, expect, expect_status

SCOPES = ("local", "team", "company", "public")


def _reserved(name: str) -> bool:
    """stigmem: names (conflicts, meta-facts), not formal stigmem:// URIs."""
    return name.startswith("stigmem:") and not name.startswith("stigmem://")


def _write_each_scope(ctx: Context) -> dict[str, dict[str, Any]]:
    entity = ctx.unique("served")
    return {scope: ctx.assert_fact(ctx.fact(entity, f"in-{scope}", relation=f"test:{scope}", scope=scope))
            for scope in SCOPES}


def _served_ids(ctx: Context, scopes: tuple[str, ...], token_scopes: tuple[str, ...] | None = None
                ) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Facts in each scope written after draining, and the ids the peer (declared ``scopes``) is then served."""
    with registered_peer(ctx, scopes) as (peer, fed):
        _, cursor = drain(ctx, peer, fed, scopes=token_scopes)
        written = _write_each_scope(ctx)
        served, _ = drain(ctx, peer, fed, cursor, scopes=token_scopes)
        return written, {str(f.get("id")) for f in served}


@check("federation:pull_requires_peer_token", requirements=("STG-FED-018",), profile="core-federation")
def pull_requires_peer_token(ctx: Context) -> None:
    """GET /v1/federation/facts without a token, or with an API key, is 401; with a peer token 200."""
    with registered_peer(ctx) as (peer, fed):
        expect_status(peer.present(ctx.target, None), (401,))
        expect_status(peer.present(ctx.target, ctx.target.keys["admin"]), (401,))
        expect_status(pull(ctx, peer, fed, limit=1), (200,))


@check("federation:pull_envelope", requirements=("STG-FED-019",), profile="core-federation")
def pull_envelope(ctx: Context) -> None:
    """A pull answers {facts: [fact records], cursor, has_more}; limit 500 is served, above 500 refused or capped."""
    with registered_peer(ctx) as (peer, fed):
        ctx.assert_fact(ctx.fact(ctx.unique("enveloped"), "e", scope="public"))
        ex = pull(ctx, peer, fed, limit=2)
        body = ex.json if isinstance(ex.json, dict) else {}
        expect(isinstance(body.get("facts"), list) and isinstance(body.get("has_more"), bool)
               and "cursor" in body, f"pull envelope {ex.brief()}")
        expect(0 < len(body["facts"]) <= 2, f"limit=2 returned {len(body['facts'])} facts")
        entry = body["facts"][0]
        missing = [k for k in ("id", "entity", "relation", "value", "source", "hlc", "scope", "cid") if k not in entry]
        expect(not missing, f"served items are not fact records (no {missing}): {sorted(entry)}")
        expect_status(pull(ctx, peer, fed, limit=500), (200,))  # the bound itself is a page size
        big = pull(ctx, peer, fed, limit=501)
        expect(big.status in (400, 422) or (big.status == 200 and len((big.json or {}).get("facts", [])) <= 500),
               f"limit=501 answered {big.brief()}")


@check("federation:local_never_served", requirements=("STG-FED-024",), profile="core-federation")
def local_never_served(ctx: Context) -> None:
    """A local fact is never served, not even to a peer declaring every other scope."""
    written, served = _served_ids(ctx, ("public", "company", "team"))
    expect(written["local"]["id"] not in served, "a local fact was served to a peer")


@check("federation:team_not_served", requirements=("STG-FED-025",), profile="core-federation")
def team_not_served(ctx: Context) -> None:
    """A team fact is not served, even to a peer whose declaration lists team."""
    written, served = _served_ids(ctx, ("public", "company", "team"))
    expect(written["team"]["id"] not in served, "a team fact was served to a peer (no operator opt-in was given)")


@check("federation:public_served", requirements=("STG-FED-027",), profile="core-federation")
def public_served(ctx: Context) -> None:
    """A public fact is served to an active peer declaring public."""
    written, served = _served_ids(ctx, ("public",))
    expect(written["public"]["id"] in served, "a public fact written after the drain was not served")


@check("federation:company_requires_declaration", requirements=("STG-FED-026",), profile="core-federation")
def company_requires_declaration(ctx: Context) -> None:
    """company facts reach only peers whose declaration lists company; scope=company is 403 otherwise."""
    written, served = _served_ids(ctx, ("public",), token_scopes=("public", "company"))
    expect(written["company"]["id"] not in served, "a company fact reached a public-only peer")
    written, served = _served_ids(ctx, ("public", "company"))
    expect(written["company"]["id"] in served, "a company fact did not reach a peer declaring company")
    with registered_peer(ctx, ("public",)) as (peer, fed):
        expect_status(pull(ctx, peer, fed, scope="company", scopes=("public", "company")), (403,))


@check("federation:pull_scope_violation_audited", requirements=("STG-FED-054",), profile="core-federation")
def pull_scope_violation_audited(ctx: Context) -> None:
    """A public-only peer asking for scope=company is refused 403 and leaves a scope_violation audit event."""
    with registered_peer(ctx, ("public",)) as (peer, fed):
        expect_status(pull(ctx, peer, fed, scope="company", scopes=("public", "company")), (403,))
        events = [e for e in fed.audit(raw=True) if "scope_violation" in str(e.get("event_type"))
                  and peer.node_id in str(e)]
        expect(bool(events), f"the refused company pull by {peer.node_id} left no scope_violation audit event")


@check("federation:pull_scope_intersection", requirements=("STG-FED-023",), profile="core-federation")
def pull_scope_intersection(ctx: Context) -> None:
    """Served facts lie in the declaration's scopes intersected with the token's."""
    written, served = _served_ids(ctx, ("public", "company"), token_scopes=("public",))
    expect(written["company"]["id"] not in served, "a company fact was served to a token limited to public")
    expect(written["public"]["id"] in served, "the public fact was not served")


@check("federation:conflicts_not_served", requirements=("STG-CONF-007",), profile="core-federation")
def conflicts_not_served(ctx: Context) -> None:
    """Conflict entities and stigmem: meta-facts of public contradictions, and of their resolution (the
    stigmem:resolves meta-fact), are never served (Spec-15: meta-facts are local accounting)."""
    with registered_peer(ctx) as (peer, fed):
        _, cursor = drain(ctx, peer, fed)
        body = ctx.fact(ctx.unique("contested"), "yes", relation="test:contested", scope="public")
        a = ctx.assert_fact(body)
        b = ctx.assert_fact({**body, "value": {"type": "string", "v": "no"}})
        listed = ctx.request("GET", "/v1/conflicts", params={"status": "unresolved", "limit": "500"}).json or {}
        pair = next((c for c in listed.get("conflicts", []) if isinstance(c, dict) and {a["id"], b["id"]} ==
                     {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")}), None)
        if pair is not None:  # resolve it too: the resolution writes meta-facts of its own
            expect_status(ctx.request("POST", f"/v1/conflicts/{pair['conflict_id']}/resolve",
                                      json_body={"winning_fact_id": a["id"]}), (200,))
        served, _ = drain(ctx, peer, fed, cursor)
        meta = [f for f in served if _reserved(str(f.get("entity", ""))) or _reserved(str(f.get("relation", "")))]
        expect(not meta, f"served conflict or meta facts: {[(f.get('entity'), f.get('relation')) for f in meta]}")
        ids = {f.get("id") for f in served}
        expect({a["id"], b["id"]} <= ids, "the contradicting public facts themselves were not served")


@check("federation:received_from_not_served", requirements=("STG-PROV-005",), profile="core-federation")
def received_from_not_served(ctx: Context) -> None:
    """A fact received from a peer, and its stigmem:received_from meta-fact, are not served to another peer."""
    with registered_peer(ctx) as (origin, fed), registered_peer(ctx, name="y") as (other, _):
        _, cursor = drain(ctx, other, fed)
        received = ingest(ctx, origin, fed, [{"as": "relayable"}])["relayable"]
        served, _ = drain(ctx, other, fed, cursor)
        expect(received["id"] not in {f.get("id") for f in served}, "a fact received from a peer was re-served")
        meta = [f for f in served if _reserved(str(f.get("relation", ""))) or _reserved(str(f.get("entity", "")))]
        expect(not meta, f"served stigmem: meta-facts: {[f.get('relation') for f in meta]}")


@check("federation:cursor_stable", requirements=("STG-FED-020",), profile="core-federation")
def cursor_stable(ctx: Context) -> None:
    """The same cursor returns the same page while nothing new is written; no cursor starts at the beginning."""
    with registered_peer(ctx) as (peer, fed):
        for _ in range(3):
            ctx.assert_fact(ctx.fact(ctx.unique("paged"), "p", scope="public"))
        first = [f.get("id") for f in page(pull(ctx, peer, fed, limit=2))[0]]
        again = [f.get("id") for f in page(pull(ctx, peer, fed, limit=2))[0]]
        expect(first == again and first, f"the first page changed between two pulls: {first} then {again}")
        _, cursor, _ = page(pull(ctx, peer, fed, limit=1))
        one = [f.get("id") for f in page(pull(ctx, peer, fed, cursor=cursor, limit=2))[0]]
        two = [f.get("id") for f in page(pull(ctx, peer, fed, cursor=cursor, limit=2))[0]]
        expect(one == two, f"cursor {cursor!r} returned {one} then {two}")
        expect(first[1:2] == one[:1], f"the page after the first fact starts with {one[:1]}, not {first[1:2]}")


@check("federation:pull_no_skip_same_ms", requirements=("STG-FED-021",), profile="core-federation")
def pull_no_skip_same_ms(ctx: Context) -> None:
    """120 facts written in bursts are all served exactly once over small pages (counters past 9 and 99)."""
    with registered_peer(ctx) as (peer, fed):
        _, cursor = drain(ctx, peer, fed)
        relation = f"test:burst-{ctx.run_id}"
        bodies = [ctx.fact(ctx.unique("burst"), str(i), relation=relation, scope="public") for i in range(120)]
        written: list[str] = []
        for start in range(0, len(bodies), 50):
            ex = ctx.request("POST", "/v1/facts:batch", json_body={"facts": bodies[start:start + 50]})
            if ex.status == 200 and isinstance(ex.json, dict):
                written += [f["id"] for f in ex.json.get("facts", [])]
            else:
                written += [ctx.assert_fact(b)["id"] for b in bodies[start:start + 50]]
        seen: list[str] = []
        for _ in range(40):
            facts, next_cursor, more = page(pull(ctx, peer, fed, cursor=cursor, limit=7))
            seen += [str(f.get("id")) for f in facts if f.get("relation") == relation]
            cursor = next_cursor or cursor
            if not more:
                break
        missing = sorted(set(written) - set(seen))
        expect(not missing, f"{len(missing)} of 120 facts never served over limit=7 pages, e.g. {missing[:1]}")
        expect(len(seen) == len(set(seen)), "a fact was served twice across pages")


@check("federation:pull_exact_pages", requirements=("STG-FED-019", "STG-FED-022"), profile="core-federation")
def pull_exact_pages(ctx: Context) -> None:
    """Pages that divide the rest exactly: 4 new facts at limit=2 are 2 pages, the second with has_more false;
    an empty page at the end keeps a cursor (null would restart from the beginning) that later serves only
    what is written after it."""
    with registered_peer(ctx) as (peer, fed):
        _, cursor = drain(ctx, peer, fed)
        written = [ctx.assert_fact(ctx.fact(ctx.unique("exact"), str(i), scope="public"))["id"] for i in range(4)]
        seen: list[str] = []
        for n in (1, 2):
            facts, cursor_n, more = page(pull(ctx, peer, fed, cursor=cursor, limit=2))
            seen += [str(f.get("id")) for f in facts]
            expect(more is (n == 1), f"page {n} of 2 (limit=2, 4 facts) says has_more {more}")
            cursor = cursor_n or cursor
        expect(sorted(seen) == sorted(written), f"two pages served {seen}, written {written}")
        facts, end, more = page(pull(ctx, peer, fed, cursor=cursor, limit=2))
        expect(not facts and more is False, f"the page after the last served {len(facts)} facts, has_more {more}")
        expect(end is not None, "an empty page at the end answered cursor null (from the beginning)")
        late = ctx.assert_fact(ctx.fact(ctx.unique("exact"), "late", scope="public"))["id"]
        facts, _, _ = page(pull(ctx, peer, fed, cursor=end, limit=2))
        expect([str(f.get("id")) for f in facts] == [late], f"the end cursor then served "
               f"{[f.get('id') for f in facts]}, expected only {late}")


@check("federation:push_unsupported_405", requirements=("STG-FED-040",), profile="core-federation")
def push_unsupported_405(ctx: Context) -> None:
    """A node without push leaves it null in discovery and answers 405 on the push route."""
    endpoints = ctx.discovery.get("federation_endpoints") or {}
    with registered_peer(ctx) as (peer, fed):
        fact = peer.craft({"as": "pushed"}, ctx.run_id)
        token = peer.token("fresh", fed.node_id)
        ex = peer.present(ctx.target, token.token, method="POST", path="/v1/federation/facts/push", params={},
                          json_body={"facts": [fact], "sender_hlc": fact["hlc"]})
        if endpoints.get("push"):
            expect(ex.status == 202, f"push is advertised but answered {ex.brief()}")
            return
        expect(ex.status in (404, 405), f"push is not advertised but answered {ex.brief()}")
        expect(fetch(ctx, fact["id"]) is None, "a refused push stored its fact")
