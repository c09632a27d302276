"""Held facts stay out of recall and the graph (Spec-08; Spec-07 authorization step 4; A20 §19.5, §20.3).

STG-REC-007/026, STG-QUAR-001. In strict trust mode a fact pulled from a peer without a trusted manifest is held
(pending) in the quarantine garden: a recall by a plain reader never returns it, and a held ref fact is no edge of
GET /v1/graph/neighbors, while a local fact beside it is found (the check is not vacuous).
"""

from __future__ import annotations

import secrets

from conformance.catalog.profiles import claimed
from conformance.checks.federation.quarantine import held, strict
from conformance.checks.federation.support import fetch, registered_peer
from conformance.checks.gardens import mint
from conformance.checks.graph import _hops, neighbors
from conformance.checks.quarantine import decide, moderated_garden
from conformance.checks.recall_filters import found
from conformance.checks.recall_scores import LEXICAL, _ask, expect_score, scored
from conformance.checks.registry import Context, Skip, check, expect, expect_status
from conformance.oracle import recall as oracle

SCOPES = ("local", "team", "company", "public")
QUARANTINE_TIER = 0.2  # seed salience: garden tier, quarantine default 0.2


@check("federation:recall_quarantine_excluded",
       requirements=("STG-REC-007", "STG-QUAR-001", "STG-REC-003", "STG-REC-026"), profile="quarantine")
def recall_quarantine_excluded(ctx: Context) -> None:
    """A pending fact matching the query is not recalled (a local fact beside it is), at every min_confidence, and a
    pending ref fact links nothing in GET /v1/graph/neighbors, even at min_confidence 0; once promoted it is
    recalled, scored with the quarantine garden's tier 0.2 while its garden_id is that garden."""
    strict(ctx)
    if "recall" not in claimed(ctx.discovery):
        raise Skip("the node does not claim the recall profile")
    reader = mint(ctx, "rqr", ("read",), SCOPES)
    relation = f"test:rq{ctx.run_id}{secrets.token_hex(2)}"
    word, mark = f"rq{secrets.token_hex(4)}", f"rm{secrets.token_hex(4)}"
    start, target = ctx.unique("rqstart"), ctx.unique("rqtarget")
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        facts = held(ctx, peer, fed, garden, [
            {"as": "pending", "relation": relation, "value": {"type": "string", "v": f"{word} {mark}"}},
            {"as": "link", "entity": start, "relation": relation + ":link", "value": {"type": "ref", "v": target}}])
        local = ctx.assert_fact(ctx.fact(ctx.unique("rqlocal"), f"{word} local", relation=relation, scope="public"))
        for floor in (None, 0.0):
            more = {} if floor is None else {"min_confidence": floor}
            got = found(ctx, reader, relation, word, **more)
            expect(got == {local["id"]}, f"min_confidence {floor}: recall beside a pending fact returned "
                                         f"{'the pending fact' if facts['pending']['id'] in got else sorted(got)}")
            walked = _hops(neighbors(ctx, reader, entity=start, scope="public", **more))
            expect(walked == {}, f"min_confidence {floor}: a pending ref fact is an edge: {walked}")
        # Promoted, the fact is recalled; while it stays in the quarantine garden its tier is 0.2 (seed salience).
        expect_status(decide(ctx, garden, "promote", facts["pending"]["id"], reason="conformance"), (200,))
        record = fetch(ctx, facts["pending"]["id"]) or {}
        t = record.get("source_trust")
        tier = QUARANTINE_TIER if record.get("garden_id") == garden["garden_id"] else 1.0
        factor = tier * oracle.trust_multiplier(None if t is None else float(t))
        # Entity-centric: the lone candidate, never returned before (access 1), and its own word (raw 1).
        promoted = scored(_ask(ctx, reader, relation, mark, weights=LEXICAL, entity=facts["pending"]["entity"]))
        expect_score(promoted, facts["pending"]["id"], factor,
                     f"the promoted fact (garden {record.get('garden_id')}, tier {tier}, source_trust {t})")
