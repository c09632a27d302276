"""Graph neighbours over HTTP (seed Architecture "Graph adjacency index (entity_edges)"; A20 §20.1.5-§20.1.6).

STG-REC-012/013/019/020. Each check builds a small graph of ref facts under a relation of its own and compares
``GET /v1/graph/neighbors`` with ``conformance.oracle.recall.neighbors`` (an undirected breadth-first walk,
interpretation graph_direction = both), for a caller that may not read the check's team-scope and garden edges.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from conformance.catalog.profiles import claimed
from conformance.checks.gardens import create, mint
from conformance.checks.recall import recall, results
from conformance.checks.registry import Context, Skip, check, expect, expect_error, expect_status
from conformance.checks.tombstones import issue
from conformance.harness.http_target import Exchange
from conformance.oracle import recall as oracle

MAX_PAGES = 50


def neighbors(ctx: Context, key: str = "admin", /, **params: Any) -> Exchange:
    return ctx.request("GET", "/v1/graph/neighbors", key=key, params={k: str(v) for k, v in params.items()})


def _hops(ex: Exchange) -> dict[str, int]:
    expect_status(ex, (200,))
    found = (ex.json or {}).get("neighbors")
    expect(isinstance(found, list), f"no neighbors list: {ex.brief()}")
    return {str(n.get("entity")): n.get("hops") for n in found or []}


def _edge(ctx: Context, a: str, b: str, relation: str, key: str, scope: str = "public",
          **extra: Any) -> dict[str, Any]:
    return ctx.assert_fact(ctx.fact(a, b, relation=relation, scope=scope, vtype="ref", **extra), key=key)


def _graph(ctx: Context, tag: str) -> tuple[str, str, list[str], list[tuple[str, str]], str, str]:
    """A public cycle a-b-c-a with a tail c-d-e, a team edge a-t and a garden edge a-g (both hidden from the caller)."""
    caller = mint(ctx, f"{tag}c", ("read",), ("local", "company", "public"))
    writer = mint(ctx, f"{tag}w", ("read", "write"), ("local", "team", "company", "public"))
    garden = create(ctx, writer, "public")
    relation = f"rel:g{ctx.run_id}{secrets.token_hex(2)}"
    nodes = [ctx.unique(f"n{i}") for i in range(5)]
    a, b, c, d, e = nodes
    edges = [(a, b), (b, c), (c, a), (c, d), (d, e)]
    for x, y in edges:
        _edge(ctx, x, y, relation + ":link", writer)
    _edge(ctx, a, ctx.unique("team"), relation + ":link", writer, scope="team")
    hidden = ctx.unique("garden")
    _edge(ctx, a, hidden, relation + ":link", writer, garden_id=garden["garden_id"])
    _edge(ctx, hidden, ctx.unique("beyond"), relation + ":link", writer)
    return caller, writer, nodes, edges, relation, hidden


@check("http:graph_neighbors_rules", requirements=("STG-REC-012",), profile="recall")
def graph_neighbors_rules(ctx: Context) -> None:
    """Scope is required, depth 4 is graph_depth_exceeded, a regex relation_filter is invalid_relation_filter;
    depth 1, 2 and 3 on a graph with a cycle match the oracle; team and garden edges the caller cannot read are
    never hops; a prefix glob keeps only matching relations."""
    caller, writer, nodes, edges, relation, hidden = _graph(ctx, "gn")
    start = nodes[0]
    expect_error(neighbors(ctx, caller, entity=start), (400,), None)
    expect_error(neighbors(ctx, caller, entity=start, scope="public", depth=4), (400,), "graph_depth_exceeded")
    expect_error(neighbors(ctx, caller, entity=start, scope="public", relation_filter="rel:(a|b)"), (400,),
                 "invalid_relation_filter")
    for size in (0, 201):
        expect_status(neighbors(ctx, caller, entity=start, scope="public", page_size=size), (400,))
    for depth in (1, 2, 3):
        got = _hops(neighbors(ctx, caller, entity=start, scope="public", depth=depth, page_size=200))
        want = oracle.neighbors(start, edges, depth)
        expect(got == want, f"depth {depth}: neighbours {got}, expected {want} (hidden edges excluded)")
    seen = _hops(neighbors(ctx, writer, entity=start, scope="public", depth=1, page_size=200))
    expect(hidden in seen, "the garden member does not see the garden edge: the hidden case is vacuous")
    globbed = _hops(neighbors(ctx, caller, entity=start, scope="public", relation_filter=relation + ":li*"))
    expect(globbed == oracle.neighbors(start, edges, 1), f"a prefix glob changed the neighbours: {globbed}")
    none = _hops(neighbors(ctx, caller, entity=start, scope="public", relation_filter=relation + ":other*"))
    expect(none == {}, f"a non-matching prefix glob kept {none}")
    other_scope = _hops(neighbors(ctx, writer, entity=start, scope="company", depth=3))
    expect(other_scope == {}, f"scope=company reached public edges: {other_scope}")


def _walk(ctx: Context, key: str, size: int, cursor: str | None = None, **params: Any) -> tuple[list[str], int]:
    seen: list[str] = []
    for pages in range(1, MAX_PAGES + 1):
        ex = neighbors(ctx, key, page_size=size, **params, **({"cursor": cursor} if cursor else {}))
        found = _hops(ex)
        expect(len(found) <= size, f"page_size {size}: a page of {len(found)}")
        seen += list(found)
        cursor = ex.json.get("next_cursor")
        if not cursor:
            return seen, pages
        expect(isinstance(cursor, str), f"next_cursor is not a string: {cursor!r}")
        try:
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except ValueError:
            expect(False, f"next_cursor {cursor!r} is not base64url (STG-REC-013)")
        expect(set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="),
               f"next_cursor {cursor!r} is not base64url (STG-REC-013)")
    expect(False, f"the walk did not end within {MAX_PAGES} pages")
    return seen, MAX_PAGES


@check("http:graph_cursor_rules", requirements=("STG-REC-013", "STG-REC-019"), profile="recall")
def graph_cursor_rules(ctx: Context) -> None:
    """Six neighbours tied at one hop walked at page sizes 1, 2, 3, 4, 6 and 7 come back complete, once each;
    next_cursor is absent on the last page (also when the page size divides the result exactly); an edge added
    mid-walk does not disturb it; a forged cursor is 400."""
    writer = mint(ctx, "gcw", ("read", "write"), ("local", "team", "company", "public"))
    relation = f"rel:c{ctx.run_id}{secrets.token_hex(2)}"
    hub = ctx.unique("hub")
    spokes = [ctx.unique(f"s{i}") for i in range(6)]
    for spoke in spokes:
        _edge(ctx, hub, spoke, relation, writer)
    for size, pages in ((1, 6), (2, 3), (3, 2), (4, 2), (6, 1), (7, 1)):
        seen, walked = _walk(ctx, writer, size, entity=hub, scope="public")
        expect(sorted(seen) == sorted(spokes) and len(seen) == len(set(seen)),
               f"page_size {size}: the walk returned {len(seen)} neighbours ({len(set(seen))} distinct), expected 6")
        expect(walked == pages, f"page_size {size}: {walked} pages for 6 neighbours, expected {pages}")
    first = neighbors(ctx, writer, entity=hub, scope="public", page_size=2)
    cursor = first.json.get("next_cursor")
    _edge(ctx, hub, ctx.unique("late"), relation, writer)
    expect(isinstance(cursor, str), f"6 neighbours at page_size 2 gave no next_cursor: {first.brief()}")
    rest, _ = _walk(ctx, writer, 2, cursor, entity=hub, scope="public")
    expect(sorted(list(_hops(first)) + rest) == sorted(spokes),
           f"a walk begun before an insert returned {len(rest) + 2} neighbours, expected the 6 present at its start")
    forged = base64.urlsafe_b64encode(b'{"k":[1,"x"],"t":0}').decode().rstrip("=")
    expect_status(neighbors(ctx, writer, entity=hub, scope="public", cursor=forged), (400,))


@check("http:graph_edges_follow_facts", requirements=("STG-REC-020",), profile="recall")
def graph_edges_follow_facts(ctx: Context) -> None:
    """A ref fact adds a neighbour at once (in both directions), and retracting it (confidence 0 on the same
    triple) removes the neighbour: an edge never outlives its fact."""
    writer = mint(ctx, "gew", ("read", "write"), ("local", "team", "company", "public"))
    relation = f"rel:e{ctx.run_id}{secrets.token_hex(2)}"
    a, b = ctx.unique("a"), ctx.unique("b")
    _edge(ctx, a, b, relation, writer)
    expect(_hops(neighbors(ctx, writer, entity=a, scope="public")) == {b: 1}, "the new ref fact is not an edge a-b")
    expect(_hops(neighbors(ctx, writer, entity=b, scope="public")) == {a: 1}, "the edge is not seen from b")
    ctx.assert_fact(ctx.fact(a, b, relation=relation, scope="public", vtype="ref", confidence=0.0), key=writer)
    for entity in (a, b):
        left = _hops(neighbors(ctx, writer, entity=entity, scope="public"))
        expect(left == {}, f"after the retraction {entity} still has neighbours {left}")


def _graph_hops(found: list[dict[str, Any]], ids: set[str]) -> dict[str, Any]:
    """The hops of the results among ``ids`` that the graph stage brought (why names graph or hops > 0)."""
    return {r["id"]: r.get("hops") for r in found
            if r.get("id") in ids and ("graph" in (r.get("why") or []) or (r.get("hops") or 0) > 0)}


@check("http:graph_tombstoned_start", requirements=("STG-TOMB-011", "STG-TOMB-012", "STG-REC-003"), profile="recall")
def graph_tombstoned_start(ctx: Context) -> None:
    """An entity T tombstoned in public has no neighbours there, and recall walks neither from T in public nor from
    an entity P whose only matching fact (P -> T) is suppressed: Y (via T -> Y) and Q (via P -> Q) are reached
    before the tombstone and not after."""
    if "tombstones" not in claimed(ctx.discovery):
        raise Skip("the node does not claim the tombstones profile")
    writer = mint(ctx, "gtw", ("read", "write"), ("local", "team", "company", "public"))
    relation = f"rel:t{ctx.run_id}{secrets.token_hex(2)}"
    word = f"tomb{ctx.run_id}{secrets.token_hex(3)}"
    t, p, y, q = ctx.unique(word), ctx.unique("p"), ctx.unique("y"), ctx.unique("q")
    ctx.assert_fact(ctx.fact(t, "note", relation=relation, scope="company"), key=writer)
    for a, b in ((t, y), (p, t)):
        _edge(ctx, a, b, relation, writer)
    _edge(ctx, p, q, relation + ":side", writer)  # outside the relation filter: P is a seed only through P -> T
    far = {ctx.assert_fact(ctx.fact(e, "plain", relation=relation, scope="public"), key=writer)["id"] for e in (y, q)}

    def walk() -> dict[str, Any]:
        return _graph_hops(results(recall(ctx, writer, query=word, relation=relation, token_budget=5000, depth=1)),
                           far)

    expect(len(walk()) == 2, f"before the tombstone recall did not reach Y and Q by the graph: {walk()}")
    expect(_hops(neighbors(ctx, writer, entity=t, scope="public")) == {y: 1, p: 1}, "T's neighbours before")
    issue(ctx, t, ["public"])
    got = _hops(neighbors(ctx, writer, entity=t, scope="public"))
    expect(got == {}, f"the tombstoned start entity still lists neighbours {got}")
    reached = walk()
    expect(reached == {}, f"recall walked from a tombstoned seed or a suppressed fact's entity: {reached}")


@check("http:recall_graph_min_confidence", requirements=("STG-REC-003",), profile="recall")
def recall_graph_min_confidence(ctx: Context) -> None:
    """An edge whose fact is below min_confidence is not a hop of recall's graph stage (the fact is no candidate):
    B, linked to the seed A only by a 0.3 edge, is reached at min_confidence 0.1 and not at 0.5."""
    writer = mint(ctx, "gmw", ("read", "write"), ("local", "team", "company", "public"))
    relation = f"rel:m{ctx.run_id}{secrets.token_hex(2)}"
    word = f"seed{ctx.run_id}{secrets.token_hex(3)}"
    a, b = ctx.unique(word), ctx.unique("b")
    ctx.assert_fact(ctx.fact(a, "note", relation=relation, scope="public"), key=writer)
    _edge(ctx, a, b, relation, writer, confidence=0.3)
    far = {ctx.assert_fact(ctx.fact(b, "plain", relation=relation, scope="public"), key=writer)["id"]}
    for floor, want in ((0.1, 1), (0.5, 0)):
        found = results(recall(ctx, writer, query=word, relation=relation, token_budget=5000, depth=1,
                               min_confidence=floor))
        got = _graph_hops(found, far)
        expect(len(got) == want, f"min_confidence {floor}: B reached by the graph {got}, expected {want} time(s)")
