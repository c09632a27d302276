"""The trust mode discovery advertises is the one the node acts on (seed "Federation trust (§19)": trust mode
strict | relaxed | off; A20 §19.4, §19.10 federation_trust; issue 15: advertised in discovery).

A fact pulled from a peer that serves no manifest tells the modes apart: relaxed stores it readable with a score,
off readable with ``source_trust: null``, strict keeps it out of the main fabric (held in the quarantine garden).
A node whose discovery names one mode while it acts in another fails here whichever mode it runs. Requirements
STG-TRUST-005, STG-TRUST-008, STG-QUAR-007; profile federation-trust.
"""

from __future__ import annotations

from conformance.checks.federation.quarantine import held
from conformance.checks.federation.source_trust import TRUST_MODES, trust_mode
from conformance.checks.federation.support import fetch, ingest, registered_peer
from conformance.checks.quarantine import moderated_garden
from conformance.checks.registry import Context, Skip, check, expect


@check("federation:trust_mode_as_advertised", requirements=("STG-TRUST-005", "STG-TRUST-008", "STG-QUAR-007"),
       profile="federation-trust")
def trust_mode_as_advertised(ctx: Context) -> None:
    """A fact of a peer serving no manifest is treated as the advertised trust_mode says: relaxed stores it readable
    with a numeric source_trust, off readable with source_trust null, strict holds it in the quarantine garden."""
    mode = trust_mode(ctx.discovery)
    if mode not in TRUST_MODES:
        raise Skip(f"discovery advertises trust_mode {mode!r} (federation:trust_discovery judges it)")
    if mode == "strict":
        with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
            held(ctx, peer, fed, garden, [{"as": "unvouched"}])
        return
    with registered_peer(ctx, manifest="none") as (peer, fed):
        served = ingest(ctx, peer, fed, [{"as": "unvouched"}])
        got = fetch(ctx, served["unvouched"]["id"])
    expect(got is not None, f"trust_mode {mode} (advertised): the fact of a peer without a manifest is not readable")
    assert got is not None
    score = got.get("source_trust", "absent")
    if mode == "off":
        expect(score is None, f"trust_mode off (advertised): the pulled fact carries source_trust {score!r}, not null")
    else:
        expect(isinstance(score, (int, float)) and not isinstance(score, bool),
               f"trust_mode relaxed (advertised): the pulled fact carries source_trust {score!r}, not a score")
