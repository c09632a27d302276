"""Recall's candidate universe at its edges (Spec-07; A20 §20.3.2; seed Decay): every key scope against every
requested scope, the min_confidence floor just inside and outside, retractions per (entity, relation, scope) in
both orders, expiry, and the relation filter's exactness.

STG-REC-002/003/023/024/025/027. Each check writes under a relation of its own and recalls with that ``relation`` at
depth 0 (the edge floor: depth 1), so only its own facts are candidates; results are compared as sets of fact ids
with what the spec allows.
"""

from __future__ import annotations

import secrets
from typing import Any

from conformance.checks.gardens import mint
from conformance.checks.recall import _relation, recall, results
from conformance.checks.registry import Context, check, expect, expect_error

SCOPE_ORDER = ("local", "team", "company", "public")
PAST = "2001-01-01T00:00:00Z"
FUTURE = "2999-01-01T00:00:00Z"


def found(ctx: Context, key: str, relation: str, query: str, **more: Any) -> set[str]:
    body: dict[str, Any] = {"query": query, "relation": relation, "token_budget": 10_000, "depth": 0, **more}
    return {str(r.get("id")) for r in results(recall(ctx, key, **body))}


@check("http:recall_scope_pairs", requirements=("STG-REC-002", "STG-REC-001", "STG-SCOPE-003", "STG-SCOPE-005"),
       profile="recall")
def recall_scope_pairs(ctx: Context) -> None:
    """For a key of each single scope (and one of all four) and every requested scope (none and each of the four),
    recall returns exactly the facts of the requested scope when the key may read it, 403 when it may not, and the
    facts of the key's own scopes when no scope is named."""
    relation = _relation(ctx, "pairs")
    word = f"pair{secrets.token_hex(4)}"
    entity = ctx.unique("pairs")
    by_scope = {s: ctx.assert_fact(ctx.fact(entity, f"{word} {s}", relation=f"{relation}", scope=s))["id"]
                for s in SCOPE_ORDER}
    keys: dict[tuple[str, ...], str] = {(s,): mint(ctx, f"rp{s[0]}", ("read",), (s,)) for s in SCOPE_ORDER}
    keys[SCOPE_ORDER] = mint(ctx, "rpall", ("read",), SCOPE_ORDER)
    for allowed, key in keys.items():
        got = found(ctx, key, relation, word)
        want = {by_scope[s] for s in allowed}
        expect(got == want, f"a key of {list(allowed)} recalled scopes "
                            f"{sorted(s for s, i in by_scope.items() if i in got)} without a scope filter")
        for scope in SCOPE_ORDER:
            if scope in allowed:
                got = found(ctx, key, relation, word, scope=scope)
                expect(got == {by_scope[scope]}, f"a key of {list(allowed)} asking scope {scope} recalled scopes "
                                                 f"{sorted(s for s, i in by_scope.items() if i in got)}")
            else:
                expect_error(recall(ctx, key, query=word, relation=relation, token_budget=10_000, depth=0,
                                    scope=scope), (403,), None)


@check("http:recall_confidence_floor", requirements=("STG-REC-023", "STG-REC-003"), profile="recall")
def recall_confidence_floor(ctx: Context) -> None:
    """min_confidence defaults to 0.1 and is inclusive: facts of confidence 0.05, 0.1 and 0.15 give {0.1, 0.15} by
    default, {0.15} at 0.15, {0.05, 0.1, 0.15} at 0.05 and at 0; a retraction (confidence 0) is never a result."""
    relation = _relation(ctx, "floor")
    word = f"floor{secrets.token_hex(4)}"
    ids = {c: ctx.assert_fact(ctx.fact(ctx.unique("floor"), f"{word} {c}", relation=relation, confidence=c))["id"]
           for c in (0.05, 0.1, 0.15)}
    gone = ctx.unique("floor")
    ctx.assert_fact(ctx.fact(gone, f"{word} retracted", relation=relation))
    retraction = ctx.assert_fact(ctx.fact(gone, f"{word} retracted", relation=relation, confidence=0.0))["id"]
    for floor, want in ((None, (0.1, 0.15)), (0.15, (0.15,)), (0.1, (0.1, 0.15)), (0.05, (0.05, 0.1, 0.15)),
                        (0.0, (0.05, 0.1, 0.15))):
        got = found(ctx, "admin", relation, word, **({} if floor is None else {"min_confidence": floor}))
        expect(retraction not in got, f"min_confidence {floor}: the retraction (confidence 0) is a recall result")
        names = sorted(c for c, i in ids.items() if i in got)
        expect(got - {retraction} <= set(ids.values()) and names == list(want),
               f"min_confidence {'default' if floor is None else floor}: recalled confidences {names} "
               f"(+{len(got - set(ids.values()))} other), expected {list(want)}")


@check("http:recall_graph_edge_floor", requirements=("STG-REC-023", "STG-REC-027"), profile="recall")
def recall_graph_edge_floor(ctx: Context) -> None:
    """min_confidence is inclusive in the graph stage too: an edge S-Y of confidence 0.5 is walked at
    min_confidence 0.5 (the facts of S and Y are one hop apart) and pruned at 0.55 (neither is a hop)."""
    relation = _relation(ctx, "edgefloor")
    word = f"edge{secrets.token_hex(4)}"
    s, y = ctx.unique("s"), ctx.unique("y")
    ctx.assert_fact(ctx.fact(s, y, relation=relation + ":link", scope="public", vtype="ref", confidence=0.5))
    ids = {ctx.assert_fact(ctx.fact(e, f"{word} {tag}", relation=relation, scope="public"))["id"]
           for e, tag in ((s, "start"), (y, "side"))}
    for floor, want in ((0.5, 1), (0.55, 0)):
        ex = recall(ctx, query=word, relation=relation, token_budget=10_000, depth=1, min_confidence=floor)
        hops = {str(r.get("id")): r.get("hops") or 0 for r in results(ex) if r.get("id") in ids}
        expect(hops == dict.fromkeys(ids, want),
               f"min_confidence {floor}: the facts of S and Y (an edge of confidence 0.5 apart) have hops "
               f"{sorted(hops.values())}, expected {want} each")


@check("http:recall_live_facts_only", requirements=("STG-REC-024", "STG-REC-003", "STG-EXP-001", "STG-FACT-006"),
       profile="recall")
def recall_live_facts_only(ctx: Context) -> None:
    """A retraction hides its own (entity, relation, scope) only: the same triple in another scope stays; a fact
    asserted after the retraction is recalled, the retracted one is not; an expired fact (valid_until in the past)
    is not recalled, one expiring in the future is."""
    relation = _relation(ctx, "live")
    word = f"live{secrets.token_hex(4)}"
    entity = ctx.unique("live")
    team = ctx.assert_fact(ctx.fact(entity, f"{word} first", relation=relation, scope="team"))["id"]
    public = ctx.assert_fact(ctx.fact(entity, f"{word} first", relation=relation, scope="public"))["id"]
    expired = ctx.assert_fact(ctx.fact(ctx.unique("live"), f"{word} old", relation=relation, valid_until=PAST))["id"]
    later = ctx.assert_fact(ctx.fact(ctx.unique("live"), f"{word} later", relation=relation,
                                     valid_until=FUTURE))["id"]
    before = found(ctx, "admin", relation, word)
    expect(before == {team, public, later}, f"before the retraction: expected the team, public and unexpired facts, "
                                            f"got {len(before)} (the expired one "
                                            f"{'among' if expired in before else 'not among'} them)")
    ctx.assert_fact(ctx.fact(entity, f"{word} first", relation=relation, scope="team", confidence=0.0))
    after = found(ctx, "admin", relation, word)
    expect(team not in after, "a retracted fact is still recalled")
    expect(public in after, "retracting the triple in scope team removed the same triple in scope public")
    again = ctx.assert_fact(ctx.fact(entity, f"{word} second", relation=relation, scope="team"))["id"]
    final = found(ctx, "admin", relation, word, min_confidence=0.0)
    expect(final == {again, public, later}, f"after a re-assert: expected the new team fact, the public and the "
                                            f"unexpired fact; the retracted one {'is' if team in final else 'is not'}"
                                            f" there, the new one {'is' if again in final else 'is not'}")


@check("http:recall_relation_exact", requirements=("STG-REC-025",), profile="recall")
def recall_relation_exact(ctx: Context) -> None:
    """The relation filter matches exactly: relation R does not return facts of R_alias, R:sub, or a relation R
    is the prefix of, nor of the prefix of R."""
    relation = _relation(ctx, "exact")
    word = f"exact{secrets.token_hex(4)}"
    entity = ctx.unique("exact")
    mine = ctx.assert_fact(ctx.fact(entity, f"{word} own", relation=relation))["id"]
    others = {ctx.assert_fact(ctx.fact(entity, f"{word} {n}", relation=r))["id"]
              for n, r in enumerate((relation + "_alias", relation + ":sub", relation[:-1]))}
    got = found(ctx, "admin", relation, word)
    expect(got == {mine}, f"relation {relation}: {len(got & others)} facts of neighbouring relations recalled, "
                          f"its own {'among them' if mine in got else 'missing'}")
