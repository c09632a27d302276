"""Edge pairs for the query filters, the conflict pages and key minting: just inside and just outside each bound.

Issue 10 "Edge discipline": the rules of ``tests/test_edges.py`` that had no pair yet. Each check names the bound.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from conformance.checks.registry import Context, Skip, check, expect, expect_status, ids

SCOPES = ("local", "team", "company", "public")


@check("http:edge_min_confidence_bound", requirements=("STG-QRY-005", "STG-QRY-010"))
def edge_min_confidence_bound(ctx: Context) -> None:
    """min_confidence=c keeps a fact exactly at c and the next double above, drops the next double below;
    0 and 1 are accepted, the doubles just outside [0, 1] are refused (400 or 422)."""
    entity = ctx.unique("minconf-edge")
    c = 0.5
    below, above = math.nextafter(c, 0.0), math.nextafter(c, 1.0)
    made = {x: ctx.assert_fact(ctx.fact(entity, f"v{i}", relation=f"memory:e{i}", confidence=x))["id"]
            for i, x in enumerate((below, c, above))}
    got = set(ids(ctx.query(entity=entity, min_confidence=repr(c))))
    expect(got == {made[c], made[above]},
           f"min_confidence={c!r} over {below!r}, {c!r}, {above!r} returned {sorted(got)} "
           f"(want the facts at {c!r} and {above!r})")
    got = set(ids(ctx.query(entity=entity, min_confidence=repr(above))))
    expect(got == {made[above]}, f"min_confidence={above!r} returned {sorted(got)}")
    for good in ("0", "1", "0.0", "1.0"):
        expect_status(ctx.query(entity=entity, min_confidence=good), (200,))
    for bad in (repr(math.nextafter(1.0, 2.0)), repr(-5e-324)):
        ex = ctx.query(entity=entity, min_confidence=bad)
        expect(ex.status in (400, 422), f"min_confidence={bad} (just outside [0, 1]): {ex.brief()}")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@check("http:edge_after_at_timestamp", requirements=("STG-QRY-006",))
def edge_after_at_timestamp(ctx: Context) -> None:
    """after=t is strict: a fact stamped exactly t is left out, and after = t - 1 microsecond keeps it."""
    entity = ctx.unique("after-edge")
    made = ctx.assert_fact(ctx.fact(entity, "x"))
    stamp = made.get("timestamp")
    expect(isinstance(stamp, str), f"the assert answer has no timestamp: {made}")
    try:
        t = _instant(str(stamp))
    except ValueError:
        raise Skip(f"the timestamp {stamp!r} is not RFC 3339 as Python reads it") from None
    expect(made["id"] not in ids(ctx.query(entity=entity, after=str(stamp))),
           f"after={stamp} (the fact's own timestamp) returned the fact: after= is not strict")
    just_below = (t - timedelta(microseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    expect(made["id"] in ids(ctx.query(entity=entity, after=just_below)),
           f"after={just_below} (1 microsecond before the fact's {stamp}) left the fact out")


@check("http:edge_conflict_page_exact", requirements=("STG-HTTP-014",))
def edge_conflict_page_exact(ctx: Context) -> None:
    """GET /v1/conflicts with the page size equal to the number of conflicts: one page, has_more false, no
    cursor; one less gives has_more, a cursor and a last page of exactly one conflict."""
    for i in range(2):  # at least two conflicts exist
        triple = ctx.unique(f"conflict-edge{i}")
        ctx.assert_fact(ctx.fact(triple, "A"))
        ctx.assert_fact(ctx.fact(triple, "B"))
    everything = ctx.request("GET", "/v1/conflicts", params={"limit": "500"}).json or {}
    rows = [c.get("conflict_id") for c in everything.get("conflicts", []) if isinstance(c, dict)]
    if everything.get("cursor") is not None or len(rows) >= 500 or len(rows) < 2:
        raise Skip(f"{len(rows)} conflicts on the node: the exact page needs between 2 and 499")
    expect(everything.get("has_more") is False, f"the only page of {len(rows)} conflicts says has_more "
           f"{everything.get('has_more')!r} with cursor null")
    expect(all(isinstance(r, str) for r in rows), "a listed conflict has no conflict_id")
    n = len(rows)
    page = ctx.request("GET", "/v1/conflicts", params={"limit": str(n)}).json or {}
    expect(len(page.get("conflicts", [])) == n and page.get("has_more") is False and page.get("cursor") is None,
           f"limit={n} over {n} conflicts: {len(page.get('conflicts', []))} rows, has_more "
           f"{page.get('has_more')!r}, cursor {page.get('cursor')!r}")
    first = ctx.request("GET", "/v1/conflicts", params={"limit": str(n - 1)}).json or {}
    expect(first.get("has_more") is True and isinstance(first.get("cursor"), str),
           f"limit={n - 1} over {n} conflicts: has_more {first.get('has_more')!r}, cursor {first.get('cursor')!r}")
    last = ctx.request("GET", "/v1/conflicts", params={"limit": str(n - 1), "cursor": str(first.get("cursor"))})
    body = last.json or {}
    got = [c.get("conflict_id") for c in body.get("conflicts", []) if isinstance(c, dict)]
    expect(len(got) == 1 and body.get("has_more") is False,
           f"the page after {n - 1} of {n} conflicts: {len(got)} rows, has_more {body.get('has_more')!r}")
    seen = [c.get("conflict_id") for c in first.get("conflicts", []) if isinstance(c, dict)] + got
    expect(sorted(map(str, seen)) == sorted(map(str, rows)), "the two pages do not hold the conflicts of one page")


@check("http:edge_mint_scope_pairs", requirements=("STG-SCOPE-022",))
def edge_mint_scope_pairs(ctx: Context) -> None:
    """Every pair of an admin key's single scope x the scope of a key it mints: only its own scope is granted
    (201); each other scope, the neighbour included, is refused (4xx)."""
    refused: list[str] = []
    for mine in SCOPES:
        admin = ctx.mint_key(f"edge-admin-{mine}", ["read", "write", "admin"], [mine])
        for asked in SCOPES:
            body = {"entity_uri": ctx.unique(f"agent-{mine}-{asked}"), "permissions": ["read"],
                    "allowed_scopes": [asked]}
            ex = ctx.request("POST", "/v1/auth/keys", key=admin, json_body=body)
            if ex.status == 422 and "raw_key" in ex.text:  # nodes that take a client-chosen key (upstream)
                ex = ctx.request("POST", "/v1/auth/keys", key=admin,
                                 json_body={**body, "raw_key": f"edge-{ctx.run_id}-{mine}-{asked}-key-0123456789"})
            if asked == mine:
                expect(ex.status == 201, f"a {mine} admin key could not mint a {asked} key: {ex.brief()}")
            elif not 400 <= ex.status < 500:
                refused.append(f"{mine} admin minted a {asked} key ({ex.status})")
    expect(not refused, "; ".join(refused))
