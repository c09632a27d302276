"""Recall scores against the suite's model (seed Architecture "Three-stage hybrid recall pipeline"; A20 §20.3.3):
score = raw x recency x confidence x access x contradiction x garden tier x (0.5 + 0.5 t), raw the weighted sum of
min-max-normalized stage scores.

STG-REC-026/027. The scenarios are built so that every unknown cancels: a stage with one candidate, or with tied
candidates (documents of the same shape, each holding one query word), normalizes to 1 (interpretation
recall_min_max_ties); the graph stage is read through min-max ratios, which do not depend on the log base (§27
T-2); recency is computed from the fact's timestamp and the response's generated_at. Each scenario has a relation
of its own, recalled at depth 0 unless the graph is the point.
"""

from __future__ import annotations

import math
import secrets
import time
from datetime import datetime
from typing import Any

from conformance.checks.gardens import mint
from conformance.checks.recall import _relation, recall, results
from conformance.checks.registry import CheckFailed, Context, check, expect, expect_status
from conformance.harness.http_target import Exchange
from conformance.oracle import recall as oracle

TOLERANCE = 1e-6  # relative; recency is modelled, so only float noise is left
MIN_AGE_S = 0.3  # a unit slip in the age (ms for us) moves recency by > 3e-5 after this long
LEXICAL = {"lexical": 1.0, "vector": 0.0, "graph": 0.0}
VECTOR = {"lexical": 0.0, "vector": 1.0, "graph": 0.0}
GRAPH = {"lexical": 0.0, "vector": 0.0, "graph": 1.0}


def _instant(text: Any) -> float:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()


def scored(ex: Exchange) -> dict[str, tuple[float, float, dict[str, Any]]]:
    """fact id -> (score, recency of the fact at generated_at, record)."""
    found = results(ex)
    now = _instant(ex.json.get("generated_at"))
    out = {}
    for r in found:
        score = r.get("score")
        if not isinstance(score, int | float) or isinstance(score, bool):
            raise CheckFailed(f"a result without a numeric score: {r}")
        age_days = max(0.0, now - _instant(r.get("timestamp"))) / 86_400
        out[str(r.get("id"))] = (float(score), oracle.recency(age_days), r)
    return out


def near(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=TOLERANCE, abs_tol=1e-12)


def expect_score(found: dict[str, tuple[float, float, dict[str, Any]]], fact_id: str, factor: float,
                 where: str) -> None:
    """The fact is a result and scores ``factor`` x its recency."""
    expect(fact_id in found, f"{where}: fact {fact_id} is not a result")
    score, rec, _ = found[fact_id]
    expect(near(score, factor * rec), f"{where}: score {score!r}, the model gives {factor} x recency {rec:.9f} = "
                                      f"{factor * rec!r}")


def _ask(ctx: Context, key: str, relation: str, query: str, **more: Any) -> Exchange:
    body: dict[str, Any] = {"query": query, "relation": relation, "token_budget": 10_000, "depth": 0, **more}
    return recall(ctx, key, **body)


@check("http:recall_scores_model", requirements=("STG-REC-026", "STG-REC-009", "STG-TRUST-006"), profile="recall")
def recall_scores_model(ctx: Context) -> None:
    """A lone fact of confidence 0.5 scores 0.5 x recency with weights {lexical: 1}, 0.8 x that with the default
    weights (lexical 0.30 and vector 0.50 found it, the graph did not: it adds 0), and 0.5 x that when only the
    vector stage finds it; a local fact (no source trust) has multiplier 1; scores_debug is null without debug; the
    age is counted in days of the fact's timestamp."""
    relation = _relation(ctx, "model")
    word = f"model{secrets.token_hex(4)}"
    fact = ctx.assert_fact(ctx.fact(ctx.unique("model"), f"{word} beacon", relation=relation, confidence=0.5))
    born = time.monotonic()
    other = _relation(ctx, "vonly")
    lone = ctx.assert_fact(ctx.fact(ctx.unique("vonly"), "harbour beacon", relation=other))
    time.sleep(max(0.0, MIN_AGE_S - (time.monotonic() - born)))
    ex = _ask(ctx, "admin", relation, word, weights=LEXICAL)
    expect_score(scored(ex), fact["id"], 0.5, "weights {lexical: 1}")
    expect(ex.json.get("scores_debug") is None, f"scores_debug without debug: {str(ex.json.get('scores_debug'))[:200]}")
    expect_score(scored(_ask(ctx, "admin", relation, word)), fact["id"], 0.8 * 0.5, "default weights")
    expect_score(scored(_ask(ctx, "admin", relation, word, weights=VECTOR)), fact["id"], 0.5, "weights {vector: 1}")
    # A query sharing no word with the fact: only the vector stage can find it (weight 0.50 by default).
    found = scored(_ask(ctx, "admin", other, f"nothing{secrets.token_hex(3)}"))
    if found:
        expect_score(found, lone["id"], 0.5, "a vector-only candidate under the default weights")


@check("http:recall_access_and_contradiction", requirements=("STG-REC-026", "STG-REC-004"), profile="recall")
def recall_access_and_contradiction(ctx: Context) -> None:
    """Access frequency is log(1 + n) / log(1 + max n) over the caller's candidates (A returned 3 times scores 1, B
    returned once log 2 / log 4 = 0.5, whatever a hidden fact's count; at max n = 1 one never returned scores 0);
    both sides of an unresolved contradiction score 0.7 and say contradicted, include_contradicted=false drops them,
    and once resolved the loser scores 1."""
    caller = mint(ctx, "rsc", ("read",), ("local", "company", "public"))
    writer = mint(ctx, "rsw", ("read", "write"), ("local", "team", "company", "public"))
    relation = _relation(ctx, "access")
    words = [f"acc{secrets.token_hex(4)}" for _ in range(3)]
    edge, pair_words = _relation(ctx, "access1"), [f"acc{secrets.token_hex(4)}" for _ in range(2)]
    facts = [ctx.assert_fact(ctx.fact(ctx.unique(f"acc{n}"), f"{w} kite", relation=relation,
                                      scope="team" if n == 2 else "public"), key=writer)
             for n, w in enumerate(words)]
    a, b, hidden = facts
    for f, w, times in ((a, words[0], 3), (b, words[1], 1), (hidden, words[2], 5)):
        # An entity-centric recall: the fact is the only candidate, returned (and counted) each time.
        for _ in range(times):
            ex = _ask(ctx, writer, relation, w, entity=f["entity"], scope=f["scope"])
            expect([r.get("id") for r in results(ex)] == [f["id"]], f"a recall of {w} answered {ex.brief()}")
    found = scored(_ask(ctx, caller, relation, f"{words[0]} {words[1]}", weights=LEXICAL))
    expect_score(found, a["id"], 1.0, "the most returned candidate (3 times)")
    expect_score(found, b["id"], math.log(2) / math.log(4), "a candidate returned once beside one returned 3 times")
    expect(hidden["id"] not in found, "the team fact reached a caller without team")
    # At max n = 1 (just above the interpretation's no-history case): the one returned once scores 1, the never
    # returned log 1 / log 2 = 0, so it is no result or scores 0.
    once, never = (ctx.assert_fact(ctx.fact(ctx.unique(f"edge{n}"), f"{w} kite", relation=edge, scope="public"),
                                   key=writer) for n, w in enumerate(pair_words))
    ex = _ask(ctx, writer, edge, pair_words[0], entity=once["entity"], scope="public")
    expect([r.get("id") for r in results(ex)] == [once["id"]], f"a recall of {pair_words[0]} answered {ex.brief()}")
    edged = scored(_ask(ctx, caller, edge, " ".join(pair_words), weights=LEXICAL))
    expect_score(edged, once["id"], 1.0, "the only candidate ever returned (once), beside one never returned")
    expect(never["id"] not in edged or edged[never["id"]][0] == 0.0,
           f"a never returned candidate beside one returned once scores {edged.get(never['id'], (None,))[0]!r}, "
           "not log 1 / log 2 = 0")

    conflict = _relation(ctx, "torn")
    entity = ctx.unique("torn")
    one, two = f"torn{secrets.token_hex(4)}", f"torn{secrets.token_hex(4)}"
    sides = [ctx.assert_fact(ctx.fact(entity, f"{w} kite", relation=conflict, scope="public")) for w in (one, two)]
    torn = scored(_ask(ctx, "admin", conflict, f"{one} {two}", weights=LEXICAL))
    for side in sides:
        expect_score(torn, side["id"], 0.7, "a side of an unresolved contradiction")
        expect(torn[side["id"]][2].get("contradicted") is True,
               f"a side of an unresolved contradiction says contradicted {torn[side['id']][2].get('contradicted')!r}")
    dropped = results(_ask(ctx, "admin", conflict, f"{one} {two}", weights=LEXICAL, include_contradicted=False))
    expect(not {r.get("id") for r in dropped} & {s["id"] for s in sides},
           "include_contradicted=false still returned a side of the contradiction")
    listed = ctx.request("GET", "/v1/conflicts", params={"status": "unresolved", "entity": entity, "limit": "500"})
    expect_status(listed, (200,))
    pair = [c for c in (listed.json or {}).get("conflicts", [])
            if {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")} == {s["id"] for s in sides}]
    expect(len(pair) == 1, f"{len(pair)} unresolved conflicts listed for the pair")
    done = ctx.request("POST", f"/v1/conflicts/{pair[0]['conflict_id']}/resolve",
                       json_body={"winning_fact_id": sides[0]["id"], "resolution_note": "conformance"})
    expect_status(done, (200,))
    # The loser's own word: it is the lone lexical candidate (a resolution may add a row with the winner's value).
    calm = scored(_ask(ctx, "admin", conflict, two, weights=LEXICAL))
    expect_score(calm, sides[1]["id"], 1.0, "the losing side of a resolved contradiction")
    expect(calm[sides[1]["id"]][2].get("contradicted") is False,
           "a side of a resolved contradiction still says contradicted")


@check("http:recall_graph_scores", requirements=("STG-REC-027", "STG-REC-004"), profile="recall")
def recall_graph_scores(ctx: Context) -> None:
    """On the public graph S-M, M-X, S-Y (M has no fact; S, X, Y one each) with weights {graph: 1}: at depth 2, S
    scores 1, X 0 and Y (g_Y - g_X) / (g_S - g_X) with g = (1 / (1 + hops)) / ln(1 + out-degree), hops S 1, X 2,
    Y 1; at depth 1 X is not reached (hops 0) and Y scores 0; at depth 0 nothing is a hop. A team edge S-H the
    caller cannot read counts in no out-degree."""
    caller = mint(ctx, "rgc", ("read",), ("local", "company", "public"))
    writer = mint(ctx, "rgw", ("read", "write"), ("local", "team", "company", "public"))
    relation = _relation(ctx, "gscore")
    link = relation + ":link"
    word = f"gs{secrets.token_hex(4)}"
    s, m, x, y, h = (ctx.unique(n) for n in ("s", "m", "x", "y", "h"))
    for a, b, scope in ((s, m, "public"), (m, x, "public"), (s, y, "public"), (s, h, "team")):
        ctx.assert_fact(ctx.fact(a, b, relation=link, scope=scope, vtype="ref"), key=writer)
    ids = {e: ctx.assert_fact(ctx.fact(e, f"{word} {tag}", relation=relation, scope="public"), key=writer)["id"]
           for e, tag in ((s, "start"), (x, "far"), (y, "side"))}
    g_s = oracle.graph_score(1, 1.0, 1)  # S from Y (one hop, Y has one edge)
    g_x = oracle.graph_score(2, 1.0, 2)  # X from S through M (M has two edges)
    g_y = oracle.graph_score(1, 1.0, 2)  # Y from S (S has two readable edges)
    want = {2: ({s: 1.0, x: 0.0, y: (g_y - g_x) / (g_s - g_x)}, {s: 1, x: 2, y: 1}),
            1: ({s: 1.0, x: 0.0, y: 0.0}, {s: 1, x: 0, y: 1}),
            0: ({s: 0.0, x: 0.0, y: 0.0}, {s: 0, x: 0, y: 0})}
    for depth, (norms, hops) in want.items():
        found = scored(_ask(ctx, caller, relation, word, weights=GRAPH, depth=depth))
        for entity, fact_id in ids.items():
            expect_score(found, fact_id, norms[entity], f"depth {depth}, fact of {entity.rsplit('/', 2)[1]}")
            got = found[fact_id][2].get("hops") or 0
            expect(got == hops[entity], f"depth {depth}: the fact of {entity.rsplit('/', 2)[1]} has hops {got}, "
                                        f"expected {hops[entity]}")


@check("http:recall_entity_centric_by_score", requirements=("STG-REC-029",), profile="recall")
def recall_entity_centric_by_score(ctx: Context) -> None:
    """An entity-centric recall is sorted by score, MMR off: with near-duplicate values and lambda_mmr 0 (which
    would make MMR pick the least similar row second) the results still come in descending score order."""
    relation = _relation(ctx, "ecs")
    entity = ctx.unique("ecs")
    w = f"ecs{secrets.token_hex(4)}"
    for value in (f"{w} {w} {w} {w} note", f"{w} {w} {w} {w} memo", f"{w} {w} {w} zebra",
                  f"{w} quiet wolf yak kilo lima"):
        ctx.assert_fact(ctx.fact(entity, value, relation=relation, scope="public"))
    found = results(_ask(ctx, "admin", relation, w, entity=entity, weights=LEXICAL, lambda_mmr=0.0))
    scores = [float(r.get("score") or 0.0) for r in found]
    expect(len(found) == 4, f"the entity-centric recall returned {len(found)} of the entity's 4 facts")
    expect(scores == sorted(scores, reverse=True), f"entity-centric results are not in score order: {scores}")


@check("http:recall_mmr_skips_duplicate", requirements=("STG-REC-008", "STG-REC-011"), profile="recall")
def recall_mmr_skips_duplicate(ctx: Context) -> None:
    """MMR packing with lambda_mmr 0 never fills a two-row budget with two copies of one fact: the same (entity,
    relation, value) in two scopes (cosine 1 whatever the embedder) share the top score, yet the second row packed
    is another fact."""
    relation = _relation(ctx, "mmr")
    w = f"mmr{secrets.token_hex(4)}"
    width = 64  # every value this many bytes: each row costs the same, so the budget holds exactly two

    def padded(text: str) -> str:
        return text + " " + "z" * (width - len(text) - 1)

    twin = ctx.unique("mmr")
    copies = {ctx.assert_fact(ctx.fact(twin, padded(f"{w} {w} {w} {w} note"), relation=relation,
                                       scope=scope))["id"] for scope in ("public", "company")}
    for n, value in enumerate((f"{w} {w} quiet wolf", f"{w} yak kilo lima")):
        ctx.assert_fact(ctx.fact(ctx.unique(f"mmr{n}"), padded(value), relation=relation, scope="public"))
    cost = 40 + -(-width // 4)
    found = results(_ask(ctx, "admin", relation, w, weights=LEXICAL, lambda_mmr=0.0, token_budget=2 * cost))
    ids = [str(r.get("id")) for r in found]
    expect(len(ids) == 2, f"a budget of two rows ({2 * cost} tokens) packed {len(ids)}")
    expect(not copies <= set(ids), "with lambda_mmr 0 both copies of one fact (cosine 1) were packed, the second "
                                   "instead of a different fact: MMR's similarity term is not applied")
