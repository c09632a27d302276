"""Memory cards and tombstones in recall over HTTP (seed Architecture "Memory cards"; A20 §20.4, §23.3).

STG-REC-014/015/016/021/022. A card is asked for the spec's way: an entity-centric ``POST /v1/recall`` (``entity``,
one ``scope``, and ``garden_id`` for a garden's card, the Spec-07 recall input) answers ``memory_card``, a fact-shaped
record whose ``value.v`` is the card's markdown. Hidden facts are told apart by unique words in their values, so a
card that carries one, or whose counts move when one is added, is caught whatever its format.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from conformance.catalog.profiles import claimed
from conformance.checks.gardens import create, mint
from conformance.checks.graph import neighbors
from conformance.checks.recall import _relation, recall, results
from conformance.checks.registry import Context, Skip, check, expect, expect_status
from conformance.harness.http_target import Exchange

CARD_RELATION = "stigmem:memory:card"
FORCE_REFRESH_BOUND_S = 0.5  # seed: force_refresh is bounded to 500 ms
SLACK_S = 1.0  # request overhead on a loaded machine, beyond the bound and the same recall unforced
POLL_S = 5.0
TOMBSTONE_EFFECT_S = 61.0  # STG-TOMB-014: a local tombstone takes effect within 60 s
_VOLATILE = {"generated_at", "card_stale", "force_refresh_timeout"}


def word(tag: str) -> str:
    return f"{tag}{secrets.token_hex(4)}"


def card_of(ex: Exchange) -> dict[str, Any] | None:
    """The response's memory_card (None when absent or null), its shape checked."""
    results(ex)
    card = (ex.json or {}).get("memory_card")
    if card is None:
        return None
    expect(isinstance(card, dict), f"memory_card is not an object: {card!r}")
    expect(card.get("relation") == CARD_RELATION, f"memory_card relation {card.get('relation')!r}, expected "
                                                   f"{CARD_RELATION}")
    value = card.get("value") or {}
    expect(value.get("type") == "text" and isinstance(value.get("v"), str),
           f"memory_card value is not a text value: {value!r}")
    return dict(card)


def text(card: dict[str, Any] | None) -> str:
    return "" if card is None else str((card.get("value") or {}).get("v", ""))


def ask_card(ctx: Context, key: str, entity: str, scope: str, **more: Any) -> Exchange:
    return recall(ctx, key, query="card", entity=entity, scope=scope, token_budget=5000, depth=0, **more)


def fresh_card(ctx: Context, key: str, entity: str, scope: str, **more: Any) -> dict[str, Any]:
    """Poll (bounded) until the node serves a card that is not stale."""
    deadline = time.monotonic() + POLL_S
    while True:
        card = card_of(ask_card(ctx, key, entity, scope, **more))
        if card is not None and card.get("card_stale") is not True:
            return card
        expect(time.monotonic() < deadline, f"no fresh memory card for {entity} within {POLL_S} s (last: "
                                            f"{None if card is None else 'stale'})")
        time.sleep(0.2)


@check("http:recall_card_garden_acl", requirements=("STG-REC-014", "STG-REC-004"), profile="recall")
def recall_card_garden_acl(ctx: Context) -> None:
    """R2: an outsider asking for the card of a garden it is not in gets none (its members do), and its own card of
    the entity carries no garden fact and does not change, not even by a count, when garden facts are added."""
    outsider = mint(ctx, "cgc", ("read",), ("local", "company", "public"))
    writer = mint(ctx, "cga", ("read", "write"), ("local", "team", "company", "public"))
    garden = create(ctx, writer, "public")
    relation = _relation(ctx, "cardacl")
    entity = ctx.unique("carded")
    for n in range(2):
        ctx.assert_fact(ctx.fact(entity, f"{word('plain')} note {n}", relation=f"{relation}{n}", scope="public"),
                        key=writer)
    before = fresh_card(ctx, outsider, entity, "public")
    secrets_ = [word("garnet") for _ in range(3)]
    ids = {ctx.assert_fact(ctx.fact(entity, secret, relation=f"{relation}{n}", scope="public",
                                    garden_id=garden["garden_id"]), key=writer)["id"]
           for n, secret in enumerate(secrets_)}
    member = fresh_card(ctx, writer, entity, "public", garden_id=garden["garden_id"])
    expect(all(s in text(member) for s in secrets_),
           f"the garden member's card of the garden lacks the garden's facts (the outsider case is vacuous): "
           f"{text(member)[:300]!r}")
    ex = ask_card(ctx, outsider, entity, "public", garden_id=garden["garden_id"])
    leaked = card_of(ex)
    # STG-REC-014: a card in an unauthorized garden is excluded; results fall back to authorized facts only.
    expect(leaked is None or (leaked.get("garden_id") != garden["garden_id"]
                              and not any(s in text(leaked) for s in secrets_)),
           f"an outsider was served the card of garden {garden['garden_id']}: {text(leaked)[:300]!r}")
    expect(not ids & {r.get("id") for r in results(ex)}, "an outsider's recall returned garden facts")
    after = card_of(ask_card(ctx, outsider, entity, "public"))
    expect(after is not None, "the outsider's card of the entity vanished when garden facts were added")
    assert after is not None
    expect(not any(s in text(after) for s in secrets_) and not ids & set(after.get("fact_ids") or ()),
           f"the outsider's card carries garden facts: {text(after)[:300]!r}")
    changed = sorted(k for k in (set(before) | set(after)) - _VOLATILE if before.get(k) != after.get(k))
    expect(not changed, f"adding garden facts changed the outsider's card: {changed} "
                        f"({[(before.get(k), after.get(k)) for k in changed][:3]})")


@check("http:memory_card_surfaces_contradictions", requirements=("STG-REC-015", "STG-REC-022"), profile="recall")
def memory_card_surfaces_contradictions(ctx: Context) -> None:
    """Two contradicting facts both stay on the card, counted in contradicted_count (never a silent winner); a fact
    of confidence 0.29 is left off and one of exactly 0.3 is on (an inclusive floor), and a fact of another scope is
    left off."""
    relation = _relation(ctx, "cardc")
    entity = ctx.unique("torn")
    one, other, calm, faint, floor, elsewhere = (word(t) for t in ("ceo", "cto", "calm", "faint", "floor", "team"))
    a = ctx.assert_fact(ctx.fact(entity, one, relation=relation, scope="company"))
    b = ctx.assert_fact(ctx.fact(entity, other, relation=relation, scope="company", confidence=0.8))
    c = ctx.assert_fact(ctx.fact(entity, calm, relation=relation + ":calm", scope="company"))
    ctx.assert_fact(ctx.fact(entity, faint, relation=relation + ":faint", scope="company", confidence=0.29))
    ctx.assert_fact(ctx.fact(entity, floor, relation=relation + ":floor", scope="company", confidence=0.3))
    ctx.assert_fact(ctx.fact(entity, elsewhere, relation=relation + ":calm", scope="team"))
    card = fresh_card(ctx, "admin", entity, "company")
    body = text(card)
    expect(one in body and other in body, f"the card does not show both sides of the contradiction: {body[:400]!r}")
    count = card.get("contradicted_count")
    expect(isinstance(count, int) and not isinstance(count, bool) and count >= 1,
           f"contradicted_count is {count!r} for a card with an unresolved contradiction")
    marked = card.get("contradicted_ids")
    if marked is not None:
        expect({a["id"], b["id"]} <= set(marked) and c["id"] not in marked,
               f"contradicted_ids {marked} should name both sides and not the uncontested fact")
    expect(calm in body, f"the uncontested fact is missing from the card: {body[:400]!r}")
    # STG-REC-022: effective confidence >= 0.3 only; exactly one (entity, scope, garden_id).
    expect(faint not in body, "a fact of confidence 0.29 is on the card (the floor is 0.3)")
    expect(floor in body, "a fact of confidence exactly 0.3 is left off the card (the floor 0.3 is inclusive)")
    expect(elsewhere not in body, "a fact of scope team is on the company card")
    expect(card.get("scope") in (None, "company"), f"the card of scope company says scope {card.get('scope')!r}")


@check("http:memory_card_stale_flag", requirements=("STG-REC-016", "STG-REC-033"), profile="recall")
def memory_card_stale_flag(ctx: Context) -> None:
    """A fresh card asked again with nothing changed is still fresh (it is seconds old, the default maximum age a
    day); after a new fact about the entity its card is never served as fresh without it: stale (card_stale true) or
    refreshed; force_refresh answers within 500 ms (beyond an unforced recall) with the new fact or
    force_refresh_timeout; the card ends refreshed."""
    relation = _relation(ctx, "cards")
    entity = ctx.unique("aging")
    first, second = word("first"), word("second")
    ctx.assert_fact(ctx.fact(entity, first, relation=relation, scope="public"))
    card = fresh_card(ctx, "admin", entity, "public")
    expect(first in text(card) and card.get("card_stale") is False,
           f"a fresh card lacks its fact or card_stale false: {card.get('card_stale')!r} {text(card)[:200]!r}")
    again = card_of(ask_card(ctx, "admin", entity, "public"))
    expect(again is not None and again.get("card_stale") is False,
           f"asked again with nothing changed, seconds old (STIGMEM_CARD_MAX_AGE_S defaults to 86400), the card is "
           f"served card_stale {None if again is None else again.get('card_stale')!r}")
    new = ctx.assert_fact(ctx.fact(entity, second, relation=relation + ":more", scope="public"))
    served = card_of(ask_card(ctx, "admin", entity, "public"))
    expect(served is not None, "the card vanished after a new fact")
    assert served is not None
    expect(served.get("card_stale") is True or second in text(served),
           f"after a new fact the card is served as fresh (card_stale {served.get('card_stale')!r}) without it")
    ctx.assert_fact(ctx.fact(entity, word("third"), relation=relation + ":third", scope="public"))
    start = time.monotonic()
    plain = ask_card(ctx, "admin", entity, "public")
    unforced = time.monotonic() - start
    expect_status(plain, (200,))
    ctx.assert_fact(ctx.fact(entity, word("fourth"), relation=relation + ":fourth", scope="public"))
    start = time.monotonic()
    forced = card_of(ask_card(ctx, "admin", entity, "public", force_refresh=True))
    took = time.monotonic() - start
    expect(took <= unforced + FORCE_REFRESH_BOUND_S + SLACK_S,
           f"force_refresh took {took:.2f} s (an unforced recall {unforced:.2f} s; the bound is 500 ms)")
    expect(forced is not None, "force_refresh answered no card")
    assert forced is not None
    expect(forced.get("force_refresh_timeout") is True or (forced.get("card_stale") is False and second in
                                                            text(forced)),
           f"force_refresh answered neither the refreshed card nor force_refresh_timeout: "
           f"card_stale {forced.get('card_stale')!r}")
    final = fresh_card(ctx, "admin", entity, "public")
    expect(second in text(final) and (final.get("fact_ids") is None or new["id"] in final["fact_ids"]),
           f"the refreshed card lacks the new fact: {text(final)[:300]!r}")


def _tombstone(ctx: Context, entity: str) -> None:
    ctx.need_admin()
    ex = ctx.request("POST", "/v1/tombstones", json_body={"entity_uri": entity, "scope": "*",
                                                          "reason": "conformance erasure"})
    if ex.status in (404, 405, 501):
        raise Skip(f"the node has no tombstone route ({ex.status})")
    expect_status(ex, (201,))


def _hops(ex: Exchange) -> dict[str, Any]:
    expect_status(ex, (200,))
    return {str(n.get("entity")): n.get("hops") for n in (ex.json or {}).get("neighbors") or []}


@check("http:recall_tombstone_unreachable", requirements=("STG-REC-021",), profile="recall")
def recall_tombstone_unreachable(ctx: Context) -> None:
    """A tombstoned entity is never reached: not a recall result (its facts nor refs to it), not a neighbour at any
    depth, not a hop towards what lies beyond it, not a walk's start, and it has no memory card."""
    relation = _relation(ctx, "tomb")
    hub, gone, beyond, side = (ctx.unique(n) for n in ("hub", "gone", "beyond", "side"))
    key = word("obsidian")
    ctx.assert_fact(ctx.fact(hub, f"{key} hub", relation=relation, scope="public"))
    ctx.assert_fact(ctx.fact(gone, f"{key} secret", relation=relation, scope="public"))
    ctx.assert_fact(ctx.fact(beyond, "quiet meadow", relation=relation, scope="public"))
    ctx.assert_fact(ctx.fact(side, "plain note", relation=relation, scope="public"))
    for x, y in ((hub, gone), (gone, beyond), (hub, side)):
        ctx.assert_fact(ctx.fact(x, y, relation=relation, scope="public", vtype="ref"))
    ask: dict[str, Any] = {"query": key, "relation": relation, "token_budget": 5000, "scope": "public"}
    seen = _hops(neighbors(ctx, entity=hub, scope="public", depth=2))
    expect(seen.get(gone) == 1 and seen.get(beyond) == 2, f"before the tombstone the walk is not hub-gone-beyond: "
                                                         f"{seen} (the check would be vacuous)")
    found = results(recall(ctx, **ask, depth=2))
    expect(any(r.get("entity") == gone for r in found) and any(r.get("entity") == beyond and (r.get("hops") or 0) > 0
                                                               for r in found),
           "before the tombstone recall does not reach the entity and, through the graph, beyond it (vacuous)")
    _tombstone(ctx, gone)
    deadline = time.monotonic() + TOMBSTONE_EFFECT_S
    while gone in _hops(neighbors(ctx, entity=hub, scope="public")) and time.monotonic() < deadline:
        time.sleep(0.5)
    for depth in (1, 2, 3):
        walked = _hops(neighbors(ctx, entity=hub, scope="public", depth=depth, page_size=200))
        expect(gone not in walked and beyond not in walked and side in walked,
               f"depth {depth}: neighbours of the hub after tombstoning {gone}: {walked}")
    start = neighbors(ctx, entity=gone, scope="public", depth=2)
    expect(start.status >= 400 or _hops(start) == {}, f"a walk from the tombstoned entity answered {start.brief()}")
    for depth in (0, 1, 2):
        for r in results(recall(ctx, **ask, depth=depth)):
            value = (r.get("value") or {}).get("v")
            expect(r.get("entity") != gone and value != gone,
                   f"depth {depth}: recall returned {r.get('id')} ({r.get('entity')} = {value!r}) after the "
                   f"tombstone")
            expect(r.get("entity") != beyond or not r.get("hops"),
                   f"depth {depth}: {beyond} was reached through the tombstoned entity (hops {r.get('hops')})")
    ex = recall(ctx, query=key, entity=gone, scope="public", token_budget=5000, depth=2)
    expect(results(ex) == [] and card_of(ex) is None,
           f"an entity-centric recall of the tombstoned entity answered {ex.brief()}")


@check("http:tombstone_recall_unreachable", requirements=("STG-TOMB-011", "STG-TOMB-012", "STG-REC-021"),
       profile="tombstones")
def tombstone_recall_unreachable(ctx: Context) -> None:
    """Suppression reaches recall and its graph walk (A20 §23.3: after scope filtering, before packing): on a node
    that also serves recall, a tombstoned entity is neither a result nor a hop (http:recall_tombstone_unreachable,
    run under the tombstones profile; it lives here so that the tombstone checks need not import the recall ones)."""
    if "recall" not in claimed(ctx.discovery):
        raise Skip("the node does not claim the recall profile")
    recall_tombstone_unreachable(ctx)
