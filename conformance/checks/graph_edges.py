"""Graph neighbours at their edges (seed Architecture "Graph adjacency index (entity_edges)"; A20 §20.1,
§20.1.5-§20.1.6): pruning bounds just inside and outside, pruning before the walk, exact relation terms, the start
entity normalized, edges that follow their fact (confidence, normalized object, ref values only, retraction per
scope and garden, expiry), cursor pages across hop boundaries with ties, and total_hint blind to hidden edges.

STG-REC-012/013/019/020/028 (a glob's near misses too).
Each check builds its own small public graph under a relation of its own (the cursor
of another scope: a team and a company graph).
"""

from __future__ import annotations

import secrets
from typing import Any

from conformance.checks.gardens import create, mint
from conformance.checks.graph import _edge, _walk, neighbors
from conformance.checks.registry import Context, check, expect, expect_error, expect_status
from conformance.harness.http_target import Exchange

PAST = "2001-01-01T00:00:00Z"


def listed(ex: Exchange) -> dict[str, dict[str, Any]]:
    expect_status(ex, (200,))
    found = (ex.json or {}).get("neighbors")
    expect(isinstance(found, list), f"no neighbors list: {ex.brief()}")
    return {str(n.get("entity")): n for n in found or []}


def hops(ex: Exchange) -> dict[str, Any]:
    return {e: n.get("hops") for e, n in listed(ex).items()}


@check("http:graph_pruning_edges", requirements=("STG-REC-012", "STG-REC-028"), profile="recall")
def graph_pruning_edges(ctx: Context) -> None:
    """min_confidence defaults to 0.1 and is inclusive (an edge of 0.1 is a hop, one of 0.05 is not, unless
    min_confidence=0.05); a local edge has no trust score and passes min_trust 0.5; pruning comes before the walk
    (nothing is reached through a pruned edge); an exact relation term keeps only that relation; depth 0 is 400; a
    start entity with an upper-case scheme and authority is the same entity."""
    relation = f"rel:p{ctx.run_id}{secrets.token_hex(2)}"
    a, edge, faint, beyond, cousin = (ctx.unique(n) for n in ("a", "edge", "faint", "beyond", "cousin"))
    _edge(ctx, a, edge, relation, "admin", confidence=0.1)
    _edge(ctx, a, faint, relation, "admin", confidence=0.05)
    _edge(ctx, faint, beyond, relation, "admin")
    _edge(ctx, a, cousin, relation + "_of", "admin")
    got = hops(neighbors(ctx, entity=a, scope="public", depth=2))
    expect(got == {edge: 1, cousin: 1}, f"default pruning: neighbours {got}, expected the 0.1 edge and the other "
                                        f"relation's, not the 0.05 edge nor what lies beyond it")
    low = hops(neighbors(ctx, entity=a, scope="public", depth=2, min_confidence=0.05))
    expect(low == {edge: 1, faint: 1, beyond: 2, cousin: 1}, f"min_confidence 0.05: neighbours {low}")
    high = hops(neighbors(ctx, entity=a, scope="public", min_confidence=0.11))
    expect(high == {cousin: 1}, f"min_confidence 0.11: neighbours {high}, expected only the 1.0 edge")
    trusted = hops(neighbors(ctx, entity=a, scope="public", min_trust=0.5))
    expect(trusted == {edge: 1, cousin: 1}, f"min_trust 0.5 pruned local edges (no trust score: 1.0): {trusted}")
    exact = hops(neighbors(ctx, entity=a, scope="public", relation_filter=relation, min_confidence=0.0))
    expect(exact == {edge: 1, faint: 1}, f"relation_filter={relation} (exact) kept {exact}")
    globbed = hops(neighbors(ctx, entity=a, scope="public", relation_filter=relation + "*"))
    expect(globbed == {edge: 1, cousin: 1}, f"relation_filter={relation}* kept {globbed}")
    expect_error(neighbors(ctx, entity=a, scope="public", depth=0), (400,), None)
    shouted = "STIGMEM://CONFORMANCE.TEST/" + a.split("conformance.test/", 1)[1]
    expect(hops(neighbors(ctx, entity=shouted, scope="public")) == {edge: 1, cousin: 1},
           f"the start {shouted!r} is not normalized to {a}")
    expect_status(neighbors(ctx, entity="not a uri", scope="public"), (400,))


@check("http:graph_relation_glob_near_miss", requirements=("STG-REC-012",), profile="recall")
def graph_relation_glob_near_miss(ctx: Context) -> None:
    """A prefix glob keeps exactly the relations that start with what precedes its '*': for ``R*`` a relation one
    character short of R's end (R with its last character changed) is no hop, R itself and R plus a suffix are;
    ``P:*`` keeps ``P:x`` and not ``Px:y``, whose prefix lacks only the colon."""
    base = f"rel:n{ctx.run_id}{secrets.token_hex(2)}"
    a, own, longer, near, colon, nocolon = (ctx.unique(n) for n in ("a", "own", "longer", "near", "colon", "nocolon"))
    _edge(ctx, a, own, base, "admin")
    _edge(ctx, a, longer, base + "_of", "admin")
    _edge(ctx, a, near, base[:-1] + "z", "admin")
    _edge(ctx, a, colon, base + ":x", "admin")
    _edge(ctx, a, nocolon, base + "x:y", "admin")
    globbed = hops(neighbors(ctx, entity=a, scope="public", relation_filter=base + "*"))
    expect(globbed == {own: 1, longer: 1, colon: 1, nocolon: 1},
           f"relation_filter={base}* kept {sorted(globbed)}: expected {base}, its longer forms, and not "
           f"{base[:-1]}z")
    scoped = hops(neighbors(ctx, entity=a, scope="public", relation_filter=base + ":*"))
    expect(scoped == {colon: 1}, f"relation_filter={base}:* kept {sorted(scoped)}: expected only {base}:x, not "
                                 f"{base}x:y nor {base} itself")


@check("http:graph_edges_mirror_facts", requirements=("STG-REC-020", "STG-REC-028"), profile="recall")
def graph_edges_mirror_facts(ctx: Context) -> None:
    """An edge carries its fact's confidence and the normalized object; a string value that looks like an entity URI
    is no edge; an expired ref fact is no hop; a retraction removes its own (scope, garden) edge only, and a
    retracted edge is gone even at min_confidence 0."""
    writer = mint(ctx, "gmw", ("read", "write"), ("local", "team", "company", "public"))
    garden = create(ctx, writer, "public")
    relation = f"rel:f{ctx.run_id}{secrets.token_hex(2)}"
    a, b, c, loud, text, old = (ctx.unique(n) for n in ("a", "b", "c", "loud", "text", "old"))
    _edge(ctx, a, c, relation + ":c", writer, confidence=0.6)
    _edge(ctx, a, "STIGMEM://CONFORMANCE.TEST/" + loud.split("conformance.test/", 1)[1], relation + ":n", writer)
    ctx.assert_fact(ctx.fact(a, text, relation=relation + ":s", scope="public"), key=writer)
    _edge(ctx, a, old, relation + ":x", writer, valid_until=PAST)
    for extra in ({}, {"scope": "team"}, {"garden_id": garden["garden_id"]}):
        _edge(ctx, a, b, relation, writer, **extra)
    seen = listed(neighbors(ctx, writer, entity=a, scope="public", min_confidence=0.0))
    expect(set(seen) == {b, c, loud}, f"neighbours {sorted(seen)}: expected the ref targets {b}, {c} and {loud} "
                                      f"(normalized), not the string value nor the expired ref")
    expect(seen[c].get("confidence") == 0.6, f"the edge of a 0.6 ref fact says confidence {seen[c].get('confidence')}")
    expect(hops(neighbors(ctx, writer, entity=loud, scope="public")) == {a: 1},
           f"the ref to the upper-case spelling of {loud} is not an edge of {loud}")
    expect(c not in hops(neighbors(ctx, writer, entity=a, scope="public", min_confidence=0.7)),
           "min_confidence 0.7 kept the edge of a 0.6 ref fact")
    # Retract the garden-less public triple: the garden edge (the garden member reads both) and the team edge stay.
    ctx.assert_fact(ctx.fact(a, b, relation=relation, scope="public", vtype="ref", confidence=0.0), key=writer)
    public = listed(neighbors(ctx, writer, entity=a, scope="public", relation_filter=relation, min_confidence=0.0))
    expect(b in public and public[b].get("confidence") == 1.0,
           f"after retracting the public triple, the garden's edge to {b} is gone or is the retracted one: "
           f"{public.get(b)}")
    team = hops(neighbors(ctx, writer, entity=a, scope="team", min_confidence=0.0))
    expect(team == {b: 1}, f"retracting the public triple removed the team edge: {team}")
    ctx.assert_fact(ctx.fact(a, b, relation=relation, scope="public", vtype="ref", confidence=0.0,
                             garden_id=garden["garden_id"]), key=writer)
    gone = hops(neighbors(ctx, writer, entity=a, scope="public", relation_filter=relation, min_confidence=0.0))
    expect(gone == {}, f"after retracting the garden triple too, {a} still has neighbours {gone} (min_confidence 0)")
    expect(hops(neighbors(ctx, writer, entity=a, scope="team", min_confidence=0.0)) == {b: 1},
           "retracting a public triple removed the team edge")


@check("http:graph_cursor_across_hops", requirements=("STG-REC-013", "STG-REC-019", "STG-REC-004"),
       profile="recall")
def graph_cursor_across_hops(ctx: Context) -> None:
    """Three one-hop spokes whose names sort after their two-hop leaves, walked at depth 2 with page sizes 1 to 6:
    every neighbour once, at its hops; an edge hub-leaf added after the first page does not move a leaf before
    the cursor; cursors are base64url even when the payload holds '~'; total_hint does not move when edges the
    caller cannot read are added."""
    caller = mint(ctx, "gxc", ("read",), ("local", "company", "public"))
    writer = mint(ctx, "gxw", ("read", "write"), ("local", "team", "company", "public"))
    relation = f"rel:x{ctx.run_id}{secrets.token_hex(2)}"
    hub = ctx.unique("hub")
    spokes = [ctx.unique(f"z~~~{i}") for i in range(3)]
    leaves = [ctx.unique(f"a~~~{i}") for i in range(3)]
    for spoke, leaf in zip(spokes, leaves, strict=True):
        _edge(ctx, hub, spoke, relation, writer)
        _edge(ctx, spoke, leaf, relation, writer)
    want = {**dict.fromkeys(spokes, 1), **dict.fromkeys(leaves, 2)}
    expect(hops(neighbors(ctx, caller, entity=hub, scope="public", depth=2, page_size=50)) == want,
           "the two-hop graph is not walked as built (the cursor cases would be vacuous)")
    for size in range(1, 7):
        seen, _ = _walk(ctx, caller, size, entity=hub, scope="public", depth=2)
        expect(sorted(seen) == sorted(want), f"page_size {size}: the walk returned {len(seen)} neighbours "
                                             f"({len(set(seen))} distinct), expected {len(want)}")
    first = neighbors(ctx, caller, entity=hub, scope="public", depth=2, page_size=2)
    cursor = (first.json or {}).get("next_cursor")
    expect(isinstance(cursor, str), f"no next_cursor after 2 of 6 neighbours: {first.brief()}")
    _edge(ctx, hub, leaves[2], relation + ":late", writer)
    rest, _ = _walk(ctx, caller, 2, cursor, entity=hub, scope="public", depth=2)
    expect(sorted(list(hops(first)) + rest) == sorted(want),
           f"a walk begun before an edge hub-leaf was added returned {len(rest) + 2} neighbours, expected "
           f"{len(want)} (a leaf moved before the cursor is skipped)")
    # total_hint counts what the caller may walk: a garden edge it cannot read and a pruned edge do not move it.
    garden = create(ctx, writer, "public")
    before = (neighbors(ctx, caller, entity=spokes[0], scope="public").json or {}).get("total_hint")
    _edge(ctx, spokes[0], ctx.unique("g"), relation, writer, garden_id=garden["garden_id"])
    _edge(ctx, spokes[0], ctx.unique("p"), relation, writer, confidence=0.05)
    after = (neighbors(ctx, caller, entity=spokes[0], scope="public").json or {}).get("total_hint")
    expect(before == after, f"total_hint moved from {before} to {after} when a garden edge the caller cannot read "
                            f"and an edge below min_confidence were added")
    expect(before is None or isinstance(before, int), f"total_hint {before!r} is not a count")


@check("http:graph_cursor_other_scope", requirements=("STG-REC-012", "STG-REC-019"), profile="recall")
def graph_cursor_other_scope(ctx: Context) -> None:
    """A cursor of a scope team walk presented on the scope company walk of the same hub never gives a partial
    company walk (a walk never crosses scopes, nor does its position): the node refuses it (400), or the walk it
    starts returns every company neighbour once. The team spokes sort after the company ones, so a walk resumed at
    the team cursor's position would skip them all."""
    writer = mint(ctx, "gos", ("read", "write"), ("local", "team", "company", "public"))
    relation = f"rel:o{ctx.run_id}{secrets.token_hex(2)}"
    hub = ctx.unique("hub")
    team = [ctx.unique(f"zt{i}") for i in range(4)]
    company = [ctx.unique(f"ac{i}") for i in range(4)]
    for scope, spokes in (("team", team), ("company", company)):
        for spoke in spokes:
            _edge(ctx, hub, spoke, relation, writer, scope=scope)
    first = neighbors(ctx, writer, entity=hub, scope="team", page_size=2)
    cursor = (first.json or {}).get("next_cursor")
    expect(isinstance(cursor, str), f"4 team neighbours at page_size 2 gave no next_cursor: {first.brief()}")
    ex = neighbors(ctx, writer, entity=hub, scope="company", page_size=2, cursor=cursor)
    if ex.status == 400:
        return
    expect_status(ex, (200,))
    seen, _ = _walk(ctx, writer, 2, cursor, entity=hub, scope="company")
    expect(sorted(seen) == sorted(company),
           f"the company walk begun with a team walk's cursor returned {len(seen)} neighbours "
           f"({len(set(seen) & set(company))} of the 4 company ones, {len(set(seen) & set(team))} team ones)")
