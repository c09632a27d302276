"""Held facts stay out of recall and the graph (Spec-08; Spec-07 authorization step 4; A20 §19.5, §20.3).

STG-REC-007, STG-QUAR-001. In strict trust mode a fact pulled from a peer without a trusted manifest is held
(pending) in the quarantine garden: a recall by a plain reader never returns it, and a held ref fact is no edge of
GET /v1/graph/neighbors, while a local fact beside it is found (the check is not vacuous).
"""

from __future__ import annotations

import secrets

from conformance.catalog.profiles import claimed
from conformance.checks.federation.quarantine import held, strict
from conformance.checks.federation.support import registered_peer
from conformance.checks.gardens import mint
from conformance.checks.graph import _hops, neighbors
from conformance.checks.quarantine import moderated_garden
from conformance.checks.recall_filters import found
from conformance.checks.registry import Context, Skip, check, expect

SCOPES = ("local", "team", "company", "public")


@check("federation:recall_quarantine_excluded", requirements=("STG-REC-007", "STG-QUAR-001", "STG-REC-003"),
       profile="quarantine")
def recall_quarantine_excluded(ctx: Context) -> None:
    """A pending fact matching the query is not recalled (a local fact beside it is), at every min_confidence, and a
    pending ref fact links nothing in GET /v1/graph/neighbors, even at min_confidence 0."""
    strict(ctx)
    if "recall" not in claimed(ctx.discovery):
        raise Skip("the node does not claim the recall profile")
    reader = mint(ctx, "rqr", ("read",), SCOPES)
    relation = f"test:rq{ctx.run_id}{secrets.token_hex(2)}"
    word = f"rq{secrets.token_hex(4)}"
    start, target = ctx.unique("rqstart"), ctx.unique("rqtarget")
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        facts = held(ctx, peer, fed, garden, [
            {"as": "pending", "relation": relation, "value": {"type": "string", "v": f"{word} held"}},
            {"as": "link", "entity": start, "relation": relation + ":link", "value": {"type": "ref", "v": target}}])
        local = ctx.assert_fact(ctx.fact(ctx.unique("rqlocal"), f"{word} local", relation=relation, scope="public"))
        for floor in (None, 0.0):
            more = {} if floor is None else {"min_confidence": floor}
            got = found(ctx, reader, relation, word, **more)
            expect(got == {local["id"]}, f"min_confidence {floor}: recall beside a pending fact returned "
                                         f"{'the pending fact' if facts['pending']['id'] in got else sorted(got)}")
            walked = _hops(neighbors(ctx, reader, entity=start, scope="public", **more))
            expect(walked == {}, f"min_confidence {floor}: a pending ref fact is an edge: {walked}")
