"""Query-time resolution of contradicted triples by a default GET /v1/facts (architecture seed; Spec-15).

The architecture seed: "Resolution order at query time: 1. Higher confidence wins. 2. Equal confidence → higher hlc
wins (causal ordering). 3. Tie → both returned with contradicted: true; caller decides." Under interpretation
``default_query = seed-resolution`` a default query returns, of the facts in unresolved conflicts on a triple, only
the winners (flagged ``contradicted: true``), every winner on an exact tie, and the losers only with
``include_contradicted=true``. Facts outside any unresolved conflict (retractions, resolved pairs, the resolution
fact) are ordinary history rows. Siblings compete only while visible: an expired winner gives way to the next one.
Under ``s15-history`` and ``upstream`` no fact of an unresolved contradiction is returned by default.
Requirements: STG-QRY-012, STG-CONF-005, STG-CONF-011, STG-HTTP-013.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.checks.registry import Context, check, expect, expect_status

REQS = ("STG-QRY-012", "STG-CONF-005")


def _seed(ctx: Context) -> bool:
    return ctx.interpretations.get("default_query", "seed-resolution") == "seed-resolution"


def _write(ctx: Context, entity: str, specs: list[tuple[str, float]], **extra: Any) -> list[dict[str, Any]]:
    """Facts on one triple (scope company) in write order, so each HLC is above the previous one."""
    return [ctx.assert_fact(ctx.fact(entity, value, scope="company", confidence=conf, **extra))
            for value, conf in specs]


def _flags(ctx: Context, **params: Any) -> tuple[dict[str, Any], int | None]:
    ex = ctx.query(**params)
    expect_status(ex, (200,))
    body = ex.json if isinstance(ex.json, dict) else {}
    return {f.get("id"): f.get("contradicted") for f in body.get("facts", [])}, body.get("total")


def _expect_default(ctx: Context, entity: str, winners: list[dict[str, Any]], others: list[dict[str, Any]],
                    what: str) -> None:
    """The default query returns ``others`` unflagged and, under seed-resolution, ``winners`` flagged; total agrees."""
    got, total = _flags(ctx, entity=entity)
    want = {f["id"]: False for f in others}
    if _seed(ctx):
        want.update({f["id"]: True for f in winners})
    expect(got == want, f"{what}: default query returned {got} (id: contradicted), expected {want} "
                        f"(default_query={ctx.interpretations.get('default_query')})")
    expect(total == len(want), f"{what}: total {total} for {len(got)} returned facts")


@check("http:query_resolution_winner", requirements=REQS)
def query_resolution_winner(ctx: Context) -> None:
    """Two siblings: the older, higher-confidence fact is returned flagged contradicted, the loser only on opt-in."""
    entity = ctx.unique("resolve")
    a, b = _write(ctx, entity, [("CEO", 1.0), ("CTO", 0.8)])
    other = ctx.assert_fact(ctx.fact(entity, "x", relation="memory:other"))
    _expect_default(ctx, entity, [a], [other], "1.0 then 0.8")
    every, total = _flags(ctx, entity=entity, include_contradicted=True)
    expect(every == {a["id"]: True, b["id"]: True, other["id"]: False} and total == 3,
           f"include_contradicted=true returned {every}, total {total}")


@check("http:query_resolution_equal_confidence", requirements=REQS)
def query_resolution_equal_confidence(ctx: Context) -> None:
    """Equal confidence: the higher HLC (the later write) wins, alone."""
    entity = ctx.unique("resolve")
    _a, b = _write(ctx, entity, [("CEO", 0.9), ("CTO", 0.9)])
    _expect_default(ctx, entity, [b], [], "0.9 then 0.9")


@check("http:query_resolution_many_siblings", requirements=REQS)
def query_resolution_many_siblings(ctx: Context) -> None:
    """Four siblings: confidence first, then HLC among the most confident; the other three are losers."""
    entity = ctx.unique("resolve")
    made = _write(ctx, entity, [("a", 0.7), ("b", 0.9), ("c", 0.9), ("d", 0.4)])
    _expect_default(ctx, entity, [made[2]], [], "0.7, 0.9, 0.9, 0.4")
    every, _ = _flags(ctx, entity=entity, include_contradicted=True)
    expect(every == {f["id"]: True for f in made}, f"include_contradicted=true returned {every}")


@check("http:query_resolution_expired_winner", requirements=(*REQS, "STG-EXP-001"), concurrent=True)
def query_resolution_expired_winner(ctx: Context) -> None:
    """A winner whose valid_until passes gives way to the next sibling; include_expired=true restores it."""
    entity = ctx.unique("resolve")
    until = datetime.now(UTC) + timedelta(seconds=1.5)
    [a] = _write(ctx, entity, [("CEO", 1.0)], valid_until=until.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    [b] = _write(ctx, entity, [("CTO", 0.8)])
    _expect_default(ctx, entity, [a], [], "before the winner expires")
    if ctx.interpretations.get("default_query") == "upstream":
        return  # upstream decides per page: once a expires, b is alone on its page and shown
    time.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()) + 0.05)
    _expect_default(ctx, entity, [b], [], "after the winner expired")
    got, total = _flags(ctx, entity=entity, include_expired=True)
    want = {a["id"]: True} if _seed(ctx) else {}
    expect(got == want and total == len(want), f"include_expired=true returned {got} (total {total}), "
                                               f"expected {want}")


@check("http:query_resolution_retraction", requirements=(*REQS, "STG-QRY-009", "STG-CONF-010"))
def query_resolution_retraction(ctx: Context) -> None:
    """A retraction (confidence 0.0) beside a conflict is an ordinary row and does not change the winner."""
    entity = ctx.unique("resolve")
    a, _b, retraction = _write(ctx, entity, [("CEO", 1.0), ("CTO", 0.8), ("CEO", 0.0)])
    if ctx.interpretations.get("default_query") == "upstream":
        return  # upstream hides every row sharing a triple with another row of the page
    _expect_default(ctx, entity, [a], [retraction], "1.0, 0.8, then a retraction")


@check("http:query_resolution_resolved", requirements=(*REQS, "STG-CONF-011"))
def query_resolution_resolved(ctx: Context) -> None:
    """Once the conflict is resolved (for the loser), both facts and the resolution are ordinary rows."""
    entity = ctx.unique("resolve")
    a, b = _write(ctx, entity, [("CEO", 1.0), ("CTO", 0.8)])
    ex = ctx.request("GET", "/v1/conflicts", params={"status": "unresolved", "limit": "500"})
    expect_status(ex, (200,))
    found = [c for c in (ex.json or {}).get("conflicts", [])
             if {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")} == {a["id"], b["id"]}]
    expect(len(found) == 1, f"{len(found)} unresolved conflicts listed for the pair")
    done = ctx.request("POST", f"/v1/conflicts/{found[0]['conflict_id']}/resolve",
                       json_body={"winning_fact_id": b["id"], "resolution_note": "the loser was right"})
    expect_status(done, (200,))
    if ctx.interpretations.get("default_query") == "upstream" or \
            ctx.interpretations.get("conflict_resolution", "a08") != "a08":
        return
    resolution = {"id": (done.json or {}).get("resolution_fact_id")}
    _expect_default(ctx, entity, [], [a, b, resolution], "after resolving for the lower-confidence fact")


@check("http:query_resolution_paging", requirements=(*REQS, "STG-HTTP-011", "STG-HTTP-013"))
def query_resolution_paging(ctx: Context) -> None:
    """With limit=1 the pages hold exactly what one page of 500 holds, and every page's total is its size."""
    entity = ctx.unique("resolve")
    for relation, specs in (("memory:a", [("x", 1.0), ("y", 0.8)]), ("memory:b", [("x", 0.5), ("y", 0.5),
                                                                                     ("z", 0.2)])):
        for value, conf in specs:
            ctx.assert_fact(ctx.fact(entity, value, relation=relation, scope="company", confidence=conf))
    ctx.assert_fact(ctx.fact(entity, "plain", relation="memory:c"))
    if ctx.interpretations.get("default_query") == "upstream":
        return  # upstream hides rows sharing a triple within one page, so limit=1 pages differ by design
    whole, total = _flags(ctx, entity=entity, limit="500")
    expect(total == len(whole), f"total {total} for {len(whole)} facts on one page")
    expect(len(whole) == (3 if _seed(ctx) else 1), f"default query returned {len(whole)} facts: {whole}")
    seen: dict[str, Any] = {}
    cursor = None
    for _ in range(len(whole) + 2):
        ex = ctx.query(entity=entity, limit="1", **({"cursor": cursor} if cursor else {}))
        expect_status(ex, (200,))
        body = ex.json if isinstance(ex.json, dict) else {}
        expect(body.get("total") == total, f"a limit=1 page says total {body.get('total')}, the whole {total}")
        for f in body.get("facts", []):
            expect(f.get("id") not in seen, f"{f.get('id')} repeated across pages")
            seen[f.get("id")] = f.get("contradicted")
        cursor = body.get("cursor")
        if not cursor:
            break
    expect(seen == whole, f"limit=1 pages returned {seen}, one page {whole}")
