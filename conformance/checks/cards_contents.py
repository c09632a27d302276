"""What a memory card holds, and which card recall answers (seed Architecture "Memory cards"; A20 §20.4, §23.3).

STG-REC-016/022/031, STG-TOMB-012. Live facts only (a later retraction takes a fact off, an assert after an old
retraction puts it on), never a fact suppressed through its ref value, never a resolved conflict counted once the
card is fresh again, the 4000-token bound counted in started 4-byte units (interpretation recall_card_tokens), and
the cover of an entity-centric recall without a scope: the first of local, team, company, public that has live
facts (interpretation recall_card_cover).
"""

from __future__ import annotations

import time

from conformance.checks.cards import _tombstone, ask_card, card_of, fresh_card, text, word
from conformance.checks.contradictions import _conflicts_about
from conformance.checks.recall import _relation, recall
from conformance.checks.registry import Context, Skip, check, expect, expect_status

CARD_TOKENS = 4000
BYTES_PER_TOKEN = 4  # interpretation recall_card_tokens = bytes: ceil(UTF-8 bytes / 4)
TOMBSTONE_EFFECT_S = 61.0  # STG-TOMB-014: a local tombstone takes effect within 60 s


@check("http:memory_card_live_facts", requirements=("STG-REC-022",), profile="recall")
def memory_card_live_facts(ctx: Context) -> None:
    """A fact retracted later (a confidence-0.0 fact on its triple) leaves the card; a fact asserted after an older
    retraction of its triple is on it."""
    relation = _relation(ctx, "cardlive")
    entity = ctx.unique("cardlive")
    gone, back, plain = word("gone"), word("back"), word("plain")
    ctx.assert_fact(ctx.fact(entity, gone, relation=relation + ":a", scope="public"))
    ctx.assert_fact(ctx.fact(entity, plain, relation=relation + ":c", scope="public"))
    ctx.assert_fact(ctx.fact(entity, gone, relation=relation + ":a", scope="public", confidence=0.0))
    ctx.assert_fact(ctx.fact(entity, "old", relation=relation + ":b", scope="public", confidence=0.0))
    ctx.assert_fact(ctx.fact(entity, back, relation=relation + ":b", scope="public"))
    body = text(fresh_card(ctx, "admin", entity, "public"))
    expect(plain in body, f"the card lacks an untouched live fact: {body[:300]!r}")
    expect(gone not in body, f"a fact retracted after it was asserted is on the card: {body[:300]!r}")
    expect(back in body, f"a fact asserted after an older retraction of its triple is not on the card: "
                         f"{body[:300]!r}")


@check("http:memory_card_ref_suppressed", requirements=("STG-TOMB-012", "STG-REC-021"), profile="recall")
def memory_card_ref_suppressed(ctx: Context) -> None:
    """A card filters like every read (A20 §23.3): once B is tombstoned, A's card no longer lists 'A knows B'."""
    relation = _relation(ctx, "cardref")
    a, b = ctx.unique("carda"), ctx.unique("cardb")
    plain = word("plain")
    ctx.assert_fact(ctx.fact(a, plain, relation=relation + ":note", scope="public"))
    ref = ctx.assert_fact(ctx.fact(a, b, relation=relation + ":knows", scope="public", vtype="ref"))
    before = fresh_card(ctx, "admin", a, "public")
    expect(b in text(before), f"before the tombstone the card does not show the ref to {b} (the check would be "
                              f"vacuous): {text(before)[:300]!r}")
    _tombstone(ctx, b)
    deadline = time.monotonic() + TOMBSTONE_EFFECT_S
    while ctx.request("GET", f"/v1/facts/{ref['id']}").status == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    after = fresh_card(ctx, "admin", a, "public", force_refresh=True)
    expect(plain in text(after), f"the card lost the fact that points nowhere: {text(after)[:300]!r}")
    expect(b not in text(after) and ref["id"] not in (after.get("fact_ids") or ()),
           f"the card still lists the ref to the tombstoned {b}: {text(after)[:300]!r}")


@check("http:memory_card_conflict_resolved", requirements=("STG-REC-016", "STG-REC-015"), profile="recall")
def memory_card_conflict_resolved(ctx: Context) -> None:
    """A conflict resolution refreshes the card even when no constituent fact changes (the resolution's new value
    is a ref to a tombstoned entity, so the resolution fact itself is suppressed): right after it the card is stale
    or counts no contradiction, and the fresh card that follows counts none."""
    relation = _relation(ctx, "cardres")
    entity, erased = ctx.unique("cardres"), ctx.unique("erased")
    a = ctx.assert_fact(ctx.fact(entity, word("ceo"), relation=relation, scope="company"))
    b = ctx.assert_fact(ctx.fact(entity, word("cto"), relation=relation, scope="company", confidence=0.8))
    _tombstone(ctx, erased)
    card = fresh_card(ctx, "admin", entity, "company")
    expect(card.get("contradicted_count") not in (None, 0),
           f"the card of an unresolved contradiction has contradicted_count {card.get('contradicted_count')!r}")
    found = _conflicts_about(ctx, {a["id"], b["id"]})
    expect(len(found) == 1, f"{len(found)} unresolved conflicts listed for the pair")
    done = ctx.request("POST", f"/v1/conflicts/{found[0]['conflict_id']}/resolve",
                       json_body={"new_value": {"type": "ref", "v": erased}, "resolution_note": "erased since"})
    expect_status(done, (200,))
    served = card_of(ask_card(ctx, "admin", entity, "company"))
    expect(served is None or served.get("card_stale") is True or served.get("contradicted_count") == 0,
           f"after the resolution the card is served fresh with contradicted_count "
           f"{None if served is None else served.get('contradicted_count')!r}")
    final = fresh_card(ctx, "admin", entity, "company")
    expect(final.get("contradicted_count") == 0 and not final.get("contradicted_ids"),
           f"the refreshed card still counts the resolved conflict: contradicted_count "
           f"{final.get('contradicted_count')!r}, contradicted_ids {final.get('contradicted_ids')!r}")


@check("http:memory_card_token_bound", requirements=("STG-REC-022",), profile="recall",
       interpretations={"recall_card_tokens": "bytes"})
def memory_card_token_bound(ctx: Context) -> None:
    """The 4000-token bound in started 4-byte units: a card of 16000 bytes keeps its fact, the same card one byte
    longer (4001 tokens) does not."""
    relation = _relation(ctx, "cardtok")
    probe_len = 15000

    def card_with(length: int) -> str:
        entity = ctx.unique("cardtok")
        ctx.assert_fact(ctx.fact(entity, "x" * length, relation=relation, scope="public", vtype="text"))
        return text(fresh_card(ctx, "admin", entity, "public"))

    probe = len(card_with(probe_len).encode("utf-8"))
    expect(probe < CARD_TOKENS * BYTES_PER_TOKEN, f"a card of one {probe_len}-byte fact is {probe} bytes")
    at = card_with(probe_len + CARD_TOKENS * BYTES_PER_TOKEN - probe)
    if len(at.encode("utf-8")) != CARD_TOKENS * BYTES_PER_TOKEN:
        raise Skip(f"the card does not grow byte for byte with its fact ({len(at.encode())} bytes, not "
                   f"{CARD_TOKENS * BYTES_PER_TOKEN}): the boundary cannot be placed")
    over = card_with(probe_len + CARD_TOKENS * BYTES_PER_TOKEN - probe + 1)
    size = len(over.encode("utf-8"))
    expect(-(-size // BYTES_PER_TOKEN) <= CARD_TOKENS,
           f"a card of {size} bytes ({-(-size // BYTES_PER_TOKEN)} tokens of 4 started bytes) exceeds 4000 tokens")


@check("http:memory_card_cover_narrowest", requirements=("STG-REC-031",), profile="recall",
       interpretations={"recall_card_cover": "first-scope"})
def memory_card_cover_narrowest(ctx: Context) -> None:
    """An entity-centric recall without a scope answers the card of the first of local, team, company, public
    that has live facts (the admin key reads them all)."""
    relation = _relation(ctx, "cardcov")
    entity = ctx.unique("cardcov")
    words = {scope: word(scope) for scope in ("company", "public", "local")}
    for scope, w in words.items():
        ctx.assert_fact(ctx.fact(entity, w, relation=relation, scope=scope))
    fresh_card(ctx, "admin", entity, "local")  # built, so the scope-less ask below is not stale-only
    card = card_of(recall(ctx, query="card", entity=entity, token_budget=5000, depth=0))
    expect(card is not None, "an entity-centric recall without a scope answered no card")
    assert card is not None
    expect(card.get("scope") in (None, "local") and words["local"] in text(card)
           and words["public"] not in text(card),
           f"the card answered is of scope {card.get('scope')!r}, not local: {text(card)[:200]!r}")
