"""Recall over HTTP: request limits, token budgets, and the soundness of every stage (Spec-07; seed Architecture
"Graph index and recall pipeline"; Spec-X11-Recall-Graph / A20 §20.3).

STG-REC-001/002/003/004/005/009/010/011. Each check asserts facts under a relation of its own and recalls with that
``relation`` filter, so other checks' facts never enter its candidates. Soundness is judged for callers minted per
check (scopes without ``team``; no membership in the check's garden): every result is readable by the caller
through ``GET /v1/facts/{id}``, and a differential run shows that adding facts it cannot read (another scope, a
garden, a near duplicate, a garden edge to an entity it can read) changes nothing in its response: not a result, a
score, tokens_used, truncated or a hop.
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from conformance.checks.gardens import create, mint
from conformance.checks.registry import Context, check, expect, expect_error, expect_status
from conformance.harness.http_target import Exchange
from conformance.oracle import recall as oracle

SCORE_TOLERANCE = 1e-5  # relative: recency moves by ~1e-7 between two recalls a second apart


def recall(ctx: Context, key: str = "admin", /, **body: Any) -> Exchange:
    ex = ctx.request("POST", "/v1/recall", key=key, json_body=body)
    return ex


def results(ex: Exchange) -> list[dict[str, Any]]:
    expect_status(ex, (200,))
    body = ex.json if isinstance(ex.json, dict) else {}
    found = body.get("results")
    expect(isinstance(found, list) and all(isinstance(r, dict) for r in found),
           f"recall answered no results list: {ex.brief()}")
    return [dict(r) for r in found or []]


def _relation(ctx: Context, tag: str) -> str:
    return f"test:{tag}{ctx.run_id}{secrets.token_hex(2)}"


def _text(record: dict[str, Any]) -> str:
    value = record.get("value") or {}
    v = value.get("v")
    return "" if v is None else v if isinstance(v, str) else str(v)


@check("http:recall_request_validation", requirements=("STG-REC-010",), profile="recall")
def recall_request_validation(ctx: Context) -> None:
    """A missing or zero token_budget, depth 3, and weights not summing to 1 (or naming no stage) are 400 with the
    spec's codes; weights summing to 1 within 0.001 are accepted (0.9991, 1.0005), 0.998 and 1.002 are not."""
    base = {"query": "anything", "relation": _relation(ctx, "val")}
    for body, code in (({}, "invalid_token_budget"), ({"token_budget": 0}, "invalid_token_budget"),
                       ({"token_budget": -5}, "invalid_token_budget"),
                       ({"token_budget": 100, "depth": 3}, "recall_depth_exceeded"),
                       ({"token_budget": 100, "weights": {"lexical": 0.3, "vector": 0.5, "graph": 0.3}},
                        "invalid_weights"),
                       ({"token_budget": 100, "weights": {"lexical": 1.2, "vector": -0.2, "graph": 0.0}},
                        "invalid_weights"),
                       ({"token_budget": 100, "weights": {"lexical": 0.5, "semantic": 0.5}}, "invalid_weights"),
                       # Just outside the 0.001 tolerance, on both sides (a 1 % tolerance would accept them).
                       ({"token_budget": 100, "weights": {"lexical": 0.302, "vector": 0.5, "graph": 0.2}},
                        "invalid_weights"),
                       ({"token_budget": 100, "weights": {"lexical": 0.298, "vector": 0.5, "graph": 0.2}},
                        "invalid_weights")):
        expect_error(recall(ctx, **base, **body), (400,), code)
    for weights in ({"lexical": 0.3, "vector": 0.5, "graph": 0.2}, {"lexical": 0.3005, "vector": 0.5, "graph": 0.2},
                    {"lexical": 0.2991, "vector": 0.5, "graph": 0.2}):
        expect_status(recall(ctx, **base, token_budget=100, weights=weights), (200,))


@check("http:recall_token_budget_respected", requirements=("STG-REC-011",), profile="recall")
def recall_token_budget_respected(ctx: Context) -> None:
    """Costs are 40 + ceil(bytes/4): a budget one token short of a row returns nothing (200, truncated, 0 used), an
    exact budget returns it, and across budgets the sum of costs never exceeds the budget and equals tokens_used."""
    relation = _relation(ctx, "budget")
    entity = ctx.unique("budget")
    ctx.assert_fact(ctx.fact(entity, "CEO", relation=relation))  # cost 41
    solo: dict[str, Any] = {"query": "CEO", "relation": relation, "entity": entity, "depth": 0}
    for budget, count in ((40, 0), (41, 1), (1, 0)):
        ex = recall(ctx, **solo, token_budget=budget)
        found = results(ex)
        expect(len(found) == count, f"budget {budget} over one 41-token row returned {len(found)} rows")
        expect(ex.json.get("tokens_used") == 41 * count,
               f"budget {budget}: tokens_used {ex.json.get('tokens_used')}, expected {41 * count}")
        expect(ex.json.get("truncated") is (count == 0), f"budget {budget}: truncated {ex.json.get('truncated')}")
    values = ["é" * n + "budget" for n in range(0, 9)]  # 6..22 bytes: costs 42..46
    for value in values:
        ctx.assert_fact(ctx.fact(entity, value, relation=relation))
    costs = sorted(oracle.token_cost(v) for v in [*values, "CEO"])
    for budget in (costs[0], costs[0] + costs[1] - 1, costs[0] + costs[1], sum(costs) - 1, sum(costs), 10_000):
        ex = recall(ctx, query="budget CEO", relation=relation, entity=entity, depth=0, token_budget=budget)
        found = results(ex)
        spent = sum(oracle.token_cost(_text(r)) for r in found)
        expect(spent <= budget, f"budget {budget}: the rows returned cost {spent} tokens (STG-REC-011)")
        expect(ex.json.get("tokens_used") == spent, f"budget {budget}: tokens_used {ex.json.get('tokens_used')}, "
                                                    f"the rows cost {spent}")
        expect(ex.json.get("truncated") is (len(found) < len(costs)),
               f"budget {budget}: {len(found)} of {len(costs)} rows, truncated {ex.json.get('truncated')}")
        if budget >= sum(costs):
            expect(len(found) == len(costs), f"budget {budget} fits every row, {len(found)} returned")


def _world(ctx: Context, tag: str) -> tuple[str, dict[str, Any], str]:
    """A caller ``{tag}c`` reading local, company and public but not team, and a public garden it is not in."""
    caller = mint(ctx, f"{tag}c", ("read",), ("local", "company", "public"))
    mint(ctx, f"{tag}a", ("read", "write"), ("local", "team", "company", "public"))
    garden = create(ctx, f"{tag}a", "public")
    return caller, garden, f"{tag}a"


def _readable(ctx: Context, caller: str, found: list[dict[str, Any]], allowed: set[str], where: str) -> None:
    for r in found:
        expect(r.get("id") in allowed, f"{where}: recall returned fact {r.get('id')} (scope {r.get('scope')}, "
                                       f"garden {r.get('garden_id')}), which {caller} may not read")
        ex = ctx.request("GET", f"/v1/facts/{r.get('id')}", key=caller)
        expect(ex.status == 200, f"{where}: recall returned {r.get('id')}, but {caller} reads it {ex.status}")


@check("http:recall_results_readable", requirements=("STG-REC-002", "STG-REC-003"), profile="recall")
def recall_results_readable(ctx: Context) -> None:
    """Facts in a scope the caller lacks or a garden it is not in never come back from recall, at any depth, while
    the facts it may read do (with a budget that fits them all)."""
    caller, garden, writer = _world(ctx, "rr")
    relation = _relation(ctx, "read")
    hub, other = ctx.unique("hub"), ctx.unique("other")
    visible: set[str] = set()
    for n, scope in enumerate(("local", "public", "company")):
        visible.add(ctx.assert_fact(ctx.fact(hub, f"quartz signal {n}", relation=relation, scope=scope),
                                    key=writer)["id"])
    visible.add(ctx.assert_fact(ctx.fact(hub, other, relation=relation, scope="public", vtype="ref"),
                                key=writer)["id"])
    visible.add(ctx.assert_fact(ctx.fact(other, "quartz beyond", relation=relation, scope="public"),
                                key=writer)["id"])
    hidden = ctx.unique("hidden")
    for body in (ctx.fact(hub, "quartz signal team", relation=relation, scope="team"),
                 ctx.fact(hub, "quartz signal garden", relation=relation, scope="public",
                          garden_id=garden["garden_id"]),
                 ctx.fact(hub, hidden, relation=relation, scope="public", vtype="ref", garden_id=garden["garden_id"]),
                 ctx.fact(hidden, "quartz secret", relation=relation, scope="team")):
        ctx.assert_fact(body, key=writer)
    for depth in (0, 1, 2):
        found = results(recall(ctx, caller, query="quartz signal", relation=relation, token_budget=5000, depth=depth))
        _readable(ctx, caller, found, visible, f"depth {depth}")
        expect({r["id"] for r in found} == visible,
               f"depth {depth}: expected the {len(visible)} readable facts, got {len(found)}")


def _digest(ex: Exchange) -> tuple[list[tuple[str, float, Any]], Any, Any]:
    found = results(ex)
    rows = [(str(r.get("id")), float(r.get("score") or 0.0), r.get("hops")) for r in found]
    return rows, ex.json.get("tokens_used"), ex.json.get("truncated")


def _same(before: tuple[Any, ...], after: tuple[Any, ...], where: str) -> None:
    rows_a, used_a, trunc_a = before
    rows_b, used_b, trunc_b = after
    expect([r[0] for r in rows_a] == [r[0] for r in rows_b],
           f"{where}: adding facts the caller cannot read changed the results: {[r[0] for r in rows_a]} -> "
           f"{[r[0] for r in rows_b]}")
    for (fact_id, score_a, hops_a), (_, score_b, hops_b) in zip(rows_a, rows_b, strict=True):
        expect(math.isclose(score_a, score_b, rel_tol=SCORE_TOLERANCE, abs_tol=1e-12),
               f"{where}: the score of {fact_id} moved from {score_a} to {score_b} when hidden facts were added")
        expect(hops_a == hops_b, f"{where}: the hops of {fact_id} moved from {hops_a} to {hops_b}")
    expect((used_a, trunc_a) == (used_b, trunc_b),
           f"{where}: tokens_used/truncated moved from {(used_a, trunc_a)} to {(used_b, trunc_b)}")


@check("http:recall_no_hidden_influence", requirements=("STG-REC-004", "STG-REC-005"), profile="recall")
def recall_no_hidden_influence(ctx: Context) -> None:
    """A differential run: the caller's recall is identical (results, order, scores, hops, tokens_used, truncated)
    before and after the store gains near duplicates in a scope it lacks and in a garden it is not in, and a garden
    edge to an entity it can read."""
    caller, garden, writer = _world(ctx, "rh")
    relation = _relation(ctx, "diff")
    hub, near, far = ctx.unique("hub"), ctx.unique("near"), ctx.unique("far")
    for scope, value in (("local", "amber lantern"), ("public", "amber lantern harbour at dusk"),
                         ("company", "a long note about the amber harbour and its lantern keepers")):
        ctx.assert_fact(ctx.fact(hub, value, relation=relation, scope=scope), key=writer)
    ctx.assert_fact(ctx.fact(hub, near, relation=relation, scope="public", vtype="ref"), key=writer)
    ctx.assert_fact(ctx.fact(near, "harbour keeper", relation=relation, scope="public"), key=writer)
    ctx.assert_fact(ctx.fact(far, "distant pier", relation=relation, scope="public"), key=writer)
    asks: list[dict[str, Any]] = [dict(query=q, relation=relation, token_budget=5000, depth=d)
            for q, d in (("amber lantern", 2), ("harbour", 1), ("pier keeper", 2))]
    before = [_digest(recall(ctx, caller, **ask)) for ask in asks]
    for body in (ctx.fact(hub, "amber lantern", relation=relation, scope="team"),
                 ctx.fact(hub, "amber lantern harbour", relation=relation, scope="public",
                          garden_id=garden["garden_id"]),
                 ctx.fact(far, "amber lantern harbour at dusk", relation=relation, scope="team"),
                 ctx.fact(hub, far, relation=relation, scope="public", vtype="ref", garden_id=garden["garden_id"]),
                 ctx.fact(near, far, relation=relation, scope="team", vtype="ref")):
        ctx.assert_fact(body, key=writer)
    for ask, then in zip(asks, before, strict=True):
        _same(then, _digest(recall(ctx, caller, **ask)), f"recall {ask['query']!r} depth {ask['depth']}")
    # The writer, who reads all of it, does see the new facts: the differential above is not vacuous.
    seen = results(recall(ctx, writer, **asks[0]))
    expect(len(seen) > len(before[0][0]), "the garden member saw no more facts than the outsider")


@check("http:recall_lexical_statistics", requirements=("STG-REC-004",), profile="recall")
def recall_lexical_statistics(ctx: Context) -> None:
    """BM25's document statistics are those of the facts the caller may read: three readable facts score the query
    "A B" unevenly (A twice; B once; A, B and a third word), and their scores stay put when the store gains facts
    holding A alone in a scope the caller lacks and in a garden it is not in. Document frequencies counted over the
    whole store would lower A's weight against B's and move the middle fact's normalized lexical score."""
    caller, garden, writer = _world(ctx, "rl")
    relation = _relation(ctx, "lex")
    a, b = f"amb{ctx.run_id}{secrets.token_hex(3)}", f"lan{ctx.run_id}{secrets.token_hex(3)}"
    for n, value in enumerate((f"{a} {a}", b, f"{a} {b} pier")):
        ctx.assert_fact(ctx.fact(ctx.unique(f"lx{n}"), value, relation=relation, scope="public"), key=writer)
    ask: dict[str, Any] = dict(query=f"{a} {b}", relation=relation, token_budget=5000, depth=0)
    before = _digest(recall(ctx, caller, **ask))
    expect(len(before[0]) == 3, f"recall of {ask['query']!r} found {len(before[0])} of the 3 readable facts")
    for n in range(6):
        extra = {"garden_id": garden["garden_id"]} if n % 2 else {}
        ctx.assert_fact(ctx.fact(ctx.unique(f"lh{n}"), f"{a} harbour", relation=relation,
                                 scope="public" if n % 2 else "team", **extra), key=writer)
    _same(before, _digest(recall(ctx, caller, **ask)), f"recall {ask['query']!r} after hidden facts with {a!r}")
    seen = results(recall(ctx, writer, **ask))
    expect(len(seen) == 9, f"the writer, who reads every fact, found {len(seen)} of 9: the differential is vacuous")


@check("http:recall_normalized_filters", requirements=("STG-REC-001",), profile="recall")
def recall_normalized_filters(ctx: Context) -> None:
    """An entity filter is normalized before ranking (an upper-case scheme and authority find the same facts), and a
    scope the key may not read is refused before anything is returned."""
    relation = _relation(ctx, "norm")
    entity = ctx.unique("norm")
    ctx.assert_fact(ctx.fact(entity, "cobalt", relation=relation))
    shouted = "STIGMEM://CONFORMANCE.TEST/" + entity.split("conformance.test/", 1)[1]
    plain = results(recall(ctx, query="cobalt", relation=relation, entity=entity, token_budget=500, depth=0))
    loud = results(recall(ctx, query="cobalt", relation=relation, entity=shouted, token_budget=500, depth=0))
    expect(len(plain) == 1 and [r["id"] for r in loud] == [r["id"] for r in plain],
           f"entity {shouted!r} found {len(loud)} facts, its normalized form {len(plain)}")
    caller = mint(ctx, "rn_local", ("read",), ("local",))
    ex = recall(ctx, caller, query="cobalt", relation=relation, scope="public", token_budget=500)
    expect_error(ex, (403,), None)


# Two one-letter words (U+5864, U+11A0D) whose features cancel out in a signed feature-hashing embedder of 256
# dimensions (the reference node's offline one): the query's embedding is all zeros before normalization, or a
# fixed unit vector after it. A query is still a query.
CANCELLING_QUERY = "\u5864 \U00011a0d"


@check("http:recall_response_shape", requirements=("STG-REC-009",), profile="recall")
def recall_response_shape(ctx: Context) -> None:
    """The response carries query, token_budget, tokens_used, truncated, generated_at and results, each result a
    fact record with a numeric score; GET /v1/recall answers like POST; a query whose embedding degenerates (its
    words' features cancel) is answered 200 like any other."""
    relation = _relation(ctx, "shape")
    entity = ctx.unique("shape")
    record = ctx.assert_fact(ctx.fact(entity, "vermilion", relation=relation))
    ask = {"query": "vermilion", "relation": relation, "token_budget": 500}
    ex = recall(ctx, **ask)
    found = results(ex)
    for member in ("query", "token_budget", "tokens_used", "truncated", "generated_at"):
        expect(member in ex.json, f"the recall response has no {member!r}: {ex.brief()}")
    expect([r.get("id") for r in found] == [record["id"]], f"expected the one fact, got {len(found)}")
    expect(isinstance(found[0].get("score"), int | float), f"a result without a numeric score: {found[0]}")
    for member in ("entity", "relation", "value", "scope", "confidence"):
        expect(found[0].get(member) == record.get(member), f"result {member} {found[0].get(member)!r} is not the "
                                                           f"fact's {record.get(member)!r}")
    got = ctx.request("GET", "/v1/recall", params={**ask, "token_budget": "500"})
    expect([r.get("id") for r in results(got)] == [record["id"]], f"GET /v1/recall differs: {got.brief()}")
    expect(ctx.discovery.get("embedding") is None or isinstance(ctx.discovery.get("embedding"), dict),
           "discovery's embedding member is not an object")
    odd = recall(ctx, **{**ask, "query": CANCELLING_QUERY})
    expect(odd.status == 200, f"a query of two rare one-letter words answered {odd.brief()}")
    results(odd)

