"""The quarantine surface as a walk, and who is not a moderator (Spec-08; docs/http-api.md "The quarantine garden").

Written after blind round 8, whose survivors these are: a surface cursor that skips or repeats a held fact or hands
out a cursor on the exact last page, the surface listed newest first, an unknown ``status`` answered as no filter
(STG-QUAR-002); a node admin with no role in the quarantine garden moderating it (STG-QUAR-003 with interpretation
garden_node_admin), a moderator deciding with a read-only key, and a promotion into the main fabric that detects no
contradiction (STG-QUAR-004).
"""

from __future__ import annotations

import math
from typing import Any

from conformance.checks.contradictions import _conflicts_about
from conformance.checks.federation.quarantine import held, strict
from conformance.checks.federation.support import registered_peer
from conformance.checks.gardens import add_member, member_uri, mint, path
from conformance.checks.quarantine import MAX_PAGES, MODERATOR, decide, moderated_garden, surface_by_id
from conformance.checks.registry import Context, check, expect, expect_error

HELD = ("a", "b", "c", "d")


def _walk(ctx: Context, garden: dict[str, Any], limit: int) -> tuple[list[str], list[str], int]:
    """Ids and quarantined_at of the pending facts over the surface's cursor at page size ``limit``; pages read."""
    seen: list[str] = []
    stamps: list[str] = []
    cursor = None
    for pages in range(1, MAX_PAGES + 1):
        params = {"status": "pending", "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        ex = ctx.request("GET", f"{path(garden)}/quarantine", params=params)
        expect(ex.status == 200 and isinstance(ex.json, dict), f"a surface page at limit {limit}: {ex.brief()}")
        facts = [f for f in ex.json.get("facts", []) if isinstance(f, dict)]
        expect(len(facts) <= limit, f"a surface page at limit {limit} holds {len(facts)} facts")
        seen += [str(f.get("id")) for f in facts]
        stamps += [str(f.get("quarantined_at")) for f in facts]
        cursor = ex.json.get("cursor")
        if not cursor:
            return seen, stamps, pages
    return seen, stamps, MAX_PAGES


@check("federation:quarantine_surface_walk", requirements=("STG-QUAR-002",), profile="quarantine")
def quarantine_surface_walk(ctx: Context) -> None:
    """Four held facts walked at page sizes 1 to 4 (dividing the count exactly and not): each once, oldest first in
    the order they were held, with the cursor ending on the last page (no cursor to an empty page); an unknown
    status is refused, never read as no filter."""
    strict(ctx)
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        facts = held(ctx, peer, fed, garden, [{"as": name} for name in HELD])
        order = [facts[name]["id"] for name in HELD]
        for limit in (1, 2, 3, 4):
            seen, stamps, pages = _walk(ctx, garden, limit)
            expect(seen == order, f"the surface walked at limit {limit} gives {seen}, not the held order {order}")
            expect(stamps == sorted(stamps), f"quarantined_at goes backwards along the walk at limit {limit}: "
                                             f"{stamps}")
            expect(pages == math.ceil(len(order) / limit),
                   f"{len(order)} held facts at limit {limit} took {pages} pages (a cursor led to an empty page)")
        for bad in ("held", "PENDING", ""):
            ex = ctx.request("GET", f"{path(garden)}/quarantine", params={"status": bad})
            expect_error(ex, (400, 422), None)


@check("federation:quarantine_moderation_bounds", requirements=("STG-QUAR-003",), profile="quarantine",
       interpretations={"garden_node_admin": "metadata-only"})
def quarantine_moderation_bounds(ctx: Context) -> None:
    """A key with the node's admin permission but no role in the quarantine garden neither lists its surface nor
    promotes or rejects (403 garden_forbidden); a moderator whose key lacks the write permission may not decide
    either (403 forbidden: mutations need write); the fact stays pending."""
    strict(ctx)
    other_admin = mint(ctx, "q_node_admin", ("read", "write", "admin"))
    read_only = mint(ctx, "q_read_mod", ("read",))
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        add_member(ctx, garden, member_uri(ctx, read_only), MODERATOR, key="admin")
        fact = held(ctx, peer, fed, garden, [{"as": "x"}])["x"]
        for verb in ("promote", "reject"):
            expect_error(decide(ctx, garden, verb, fact["id"], key=read_only), (403,), "forbidden")
        ex = ctx.request("GET", f"{path(garden)}/quarantine", key=other_admin)
        expect_error(ex, (403,), "garden_forbidden")
        for verb in ("promote", "reject"):
            expect_error(decide(ctx, garden, verb, fact["id"], key=other_admin), (403,), "garden_forbidden")
        expect(fact["id"] in surface_by_id(ctx, garden, status="pending"),
               "the fact left pending after a node admin outside the garden tried to decide it")


@check("federation:quarantine_promotion_detects", requirements=("STG-QUAR-004", "STG-CONF-001", "STG-CONF-018"),
       profile="quarantine")
def quarantine_promotion_detects(ctx: Context) -> None:
    """A held fact is detected when promoted into the main fabric: promoted onto the triple of a local fact with
    another value, the two are in conflict (and not before, while it is pending); an expired one is paired with none."""
    strict(ctx)
    entity, other = ctx.unique("promoted-conflict"), ctx.unique("promoted-expired")
    local = ctx.assert_fact(ctx.fact(entity, "local value", relation="test:value", scope="public"))
    live = ctx.assert_fact(ctx.fact(other, "local value", relation="test:value", scope="public"))
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        facts = held(ctx, peer, fed, garden, [{"as": "x", "entity": entity, "relation": "test:value"},
                                              {"as": "gone", "entity": other, "relation": "test:value",
                                               "valid_until": "2001-01-01T00:00:00Z"}])
        fact, gone = facts["x"], facts["gone"]
        expect(not _conflicts_about(ctx, {local["id"], fact["id"]}), "a pending fact is already in conflict")
        expect(decide(ctx, garden, "promote", fact["id"]).status == 200, "the admin's promotion was refused")
        expect(len(_conflicts_about(ctx, {local["id"], fact["id"]})) == 1,
               f"the promoted fact {fact['id']} and the local fact {local['id']} of its triple, with other values, "
               "are in no conflict")
        expect(decide(ctx, garden, "promote", gone["id"]).status == 200, "the promotion of an expired fact was refused")
        expect(not _conflicts_about(ctx, {live["id"], gone["id"]}), f"the promoted fact {gone['id']}, expired since "
               f"2001, was paired in a conflict with the live fact {live['id']} of its triple")
