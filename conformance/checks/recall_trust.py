"""Source trust in recall and the graph, on facts pulled from a scripted peer (A20 §19.4, §20.1, §20.3.2-§20.3.3;
seed recall salience).

STG-TRUST-006, STG-REC-026/030. The trust score t is the one the node itself gives the pulled fact (read back through
GET /v1/facts/{id}); the check then holds the node to it: the recall multiplier 0.5 + 0.5 t (1.0 when t is null),
include_low_trust for an effective confidence below 0.2, and the edge of a pulled ref fact carrying t, kept by
min_trust t and pruned just above it.
"""

from __future__ import annotations

import secrets

from conformance.checks.federation.support import fetch, ingest, registered_peer
from conformance.checks.graph import neighbors
from conformance.checks.graph_edges import listed
from conformance.checks.recall import _relation
from conformance.checks.recall_scores import LEXICAL, _ask, expect_score, scored
from conformance.checks.registry import Context, Skip, check, expect
from conformance.oracle import recall as oracle

LOW_TRUST = 0.2  # A20 §20.3.2: include_low_trust false excludes effective confidence < 0.2


@check("federation:recall_source_trust", requirements=("STG-TRUST-006", "STG-REC-026", "STG-REC-030"),
       profile="recall")
def recall_source_trust(ctx: Context) -> None:
    """A pulled fact scores confidence x recency x (0.5 + 0.5 t) and says source_trust t; a pulled fact of
    confidence 0.3 with 0.3 t < 0.2 is left out unless include_low_trust; a pulled ref fact's edge says
    source_trust t, passes min_trust t and is pruned by min_trust t + 0.01."""
    relation, faint_relation = _relation(ctx, "trust"), _relation(ctx, "faint")
    sure_word, faint_word = f"tr{secrets.token_hex(4)}", f"tf{secrets.token_hex(4)}"
    start, target = ctx.unique("tstart"), ctx.unique("ttarget")
    specs = [{"as": "sure", "relation": relation, "value": {"type": "string", "v": f"{sure_word} kite"}},
             {"as": "faint", "relation": faint_relation, "value": {"type": "string", "v": f"{faint_word} kite"},
              "confidence": 0.3},
             {"as": "link", "entity": start, "relation": relation + ":link", "value": {"type": "ref", "v": target}}]
    with registered_peer(ctx) as (peer, fed):
        served = ingest(ctx, peer, fed, specs)
        records = {label: fetch(ctx, fact["id"]) for label, fact in served.items()}
    expect(all(records.values()), f"pulled facts are not readable: {[k for k, v in records.items() if not v]}")
    t = (records["sure"] or {}).get("source_trust")
    if t is not None and not isinstance(t, int | float):
        raise Skip(f"the pulled fact carries source_trust {t!r}, not a number")
    multiplier = oracle.trust_multiplier(None if t is None else float(t))
    found = scored(_ask(ctx, "admin", relation, sure_word, weights=LEXICAL))
    expect_score(found, served["sure"]["id"], multiplier, f"a pulled fact of source_trust {t}")
    expect(found[served["sure"]["id"]][2].get("source_trust") == t,
           f"the recall result says source_trust {found[served['sure']['id']][2].get('source_trust')!r}, the fact {t}")
    low = t is not None and 0.3 * float(t) < LOW_TRUST
    default = {str(r) for r in scored(_ask(ctx, "admin", faint_relation, faint_word, weights=LEXICAL))}
    expect((served["faint"]["id"] in default) is not low,
           f"confidence 0.3 x source_trust {t} = {0.3 * float(t or 1):.3f}: the fact is "
           f"{'recalled' if served['faint']['id'] in default else 'left out'} by default (include_low_trust false)")
    if low:
        asked = scored(_ask(ctx, "admin", faint_relation, faint_word, weights=LEXICAL, include_low_trust=True))
        expect_score(asked, served["faint"]["id"], 0.3 * multiplier, "a low-trust fact with include_low_trust")
    edge = listed(neighbors(ctx, entity=start, scope="public")).get(target)
    expect(edge is not None and edge.get("source_trust") == t,
           f"the edge of a pulled ref fact says {None if edge is None else edge.get('source_trust')!r}, the fact {t}")
    if t is not None:
        kept = listed(neighbors(ctx, entity=start, scope="public", min_trust=float(t)))
        pruned = listed(neighbors(ctx, entity=start, scope="public", min_trust=min(1.0, float(t) + 0.01)))
        expect(target in kept and target not in pruned,
               f"min_trust {t} {'kept' if target in kept else 'pruned'} and min_trust {float(t) + 0.01:.3f} "
               f"{'kept' if target in pruned else 'pruned'} an edge of source_trust {t}")
