"""Hostile pulled facts are refused one by one; the rest of the page commits and replication goes on.

STG-FED-053 (with STG-AUDIT-001): a pulled fact that would make a careless ingest raise (a 400-digit confidence,
``interpret_as`` an object, a timestamp in year 0 or past year 9999) is rejected on its own and audited, the good
facts of the same page are stored, and a fact served after them still arrives. A second page puts every hostile
value of the suite's table (``hostile_inputs``) in every field of a pulled fact.
"""

from __future__ import annotations

import secrets
from typing import Any

from conformance.checks.federation.support import audit_for, fetch, ingest, registered_peer
from conformance.checks.hostile_inputs import HOSTILE_VALUES, HUGE
from conformance.checks.registry import Context, check, expect
from conformance.federation.operator import Federator, pull_stats
from conformance.federation.peer import ScriptedPeer

# Labelled hostile facts: "set" overrides members after the CID is computed (docs of ScriptedPeer.craft).
NAMED: dict[str, dict[str, Any]] = {
    "huge_confidence": {"set": {"confidence": HUGE}},
    "interpret_as_object": {"value": {"type": "string", "v": "v", "interpret_as": {"x": 1}}},
    "interpret_as_array": {"value": {"type": "string", "v": "v", "interpret_as": ["content"]}},
    "year_0": {"set": {"timestamp": "0000-01-01T00:00:00Z"}},
    "year_10000": {"set": {"timestamp": "9999-12-31T23:59:60Z"}},
    "valid_until_year_0": {"set": {"valid_until": "0000-01-01T00:00:00Z"}},
}
FIELDS = ("entity", "relation", "value", "source", "scope", "confidence", "timestamp", "hlc", "valid_until", "cid")


def _trigger_counts(peer: ScriptedPeer, fed: Federator) -> None:
    """Where the pull trigger reports a peer's counts (docs/federation-api.md) and pulled exactly the page served,
    they say two good facts stored and two hostile ones rejected (one refused on reading, one that raises)."""
    token = secrets.token_hex(4)
    specs = ({"as": "count_good_a"}, {"as": "count_year_0", **NAMED["year_0"]},
             {"as": "count_interpret_as", **NAMED["interpret_as_object"]}, {"as": "count_good_b"})
    page = [peer.craft(spec, token) for spec in specs]
    peer.serve(page)
    stats = pull_stats(fed.trigger_pull(), peer.node_id)
    if stats is None or stats.get("pulled") != len(page):
        return  # no trigger, no counts, or another page with it: unobservable here
    counts = (stats.get("accepted"), stats.get("rejected"))
    expect(counts == (2, 2), f"the pull trigger reports accepted {counts[0]!r}, rejected {counts[1]!r} for a page of "
                             f"two good facts and two hostile ones (year 0, interpret_as an object): {stats}")


@check("federation:hostile_pulled_facts_contained", requirements=("STG-FED-053", "STG-AUDIT-001"),
       profile="core-federation")
def hostile_pulled_facts_contained(ctx: Context) -> None:
    """Each hostile pulled fact is rejected alone and audited; good facts around it are stored; replication goes on
    (and the pull trigger's counts, where it reports them, say so)."""
    with registered_peer(ctx, ("public",)) as (peer, fed):
        specs: list[dict[str, Any]] = [{"as": "good_first"}]
        for label, spec in NAMED.items():
            specs += [{"as": label, **spec}, {"as": f"good_after_{label}"}]
        served = ingest(ctx, peer, fed, specs)
        for label in NAMED:
            fact = served[label]
            stored = fetch(ctx, fact["id"])
            expect(stored is None or label == "valid_until_year_0",
                   f"the hostile pulled fact {label} was stored: {stored}")
            if stored is None:
                expect(bool(audit_for(fed, fact["id"])), f"the refused pulled fact {label} was not audited")
            expect(fetch(ctx, served[f"good_after_{label}"]["id"]) is not None,
                   f"the good fact served right after {label} was not stored: the page did not commit")
        _trigger_counts(peer, fed)
        fuzz = [{"as": f"fuzz_{name}_{value}", "set": {name: HOSTILE_VALUES[value]}}
                for name in FIELDS for value in HOSTILE_VALUES]
        ingest(ctx, peer, fed, fuzz)
