"""Source trust on pulled facts, and source attestation off (A20 §19.4, §2.8; Spec-08; Spec-X6; S05 §Source Trust).

Profile federation-trust. Discovery says the trust mode, the weights when they are not A20's defaults, and the
source attestation mode. A fact pulled from a scripted peer the node has never seen carries a ``source_trust``
that A20 §19.4 can produce for a new peer (peer_history 0.5) under the advertised weights and attestation mode,
whatever identity and scope rows the node picks: the candidate set is every such sum (``conformance.oracle``),
compared at 1e-9 absolute (each candidate is an exact decimal; the wire value is a JSON double, the one nearest
the node's exact score). The score is the node's own: members a peer sends (``source_trust: 1.0``) change
nothing. ``trust_mode`` off gives null; relaxed mode never holds a fact for its score; strict mode holds a fact
with its reason and its score on the quarantine surface. A node that attests no source says ``off`` and every fact
carries ``attested: null``; federated facts always do.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from conformance.checks.federation.quarantine import held
from conformance.checks.federation.support import fetch, ingest, registered_peer
from conformance.checks.quarantine import moderated_garden, surface_by_id
from conformance.checks.registry import Context, Skip, check, expect
from conformance.oracle import source_trust as oracle

TRUST_MODES = ("strict", "relaxed", "off")
ATTESTATION_MODES = ("enforce", "warn", "off")
TOLERANCE = 1e-9


def trust_mode(discovery: dict[str, Any]) -> Any:
    """``trust_mode`` at the top of discovery (this suite's nodes) or in A20 §19.10's ``federation_trust``."""
    nested = discovery.get("federation_trust")
    if isinstance(nested, dict) and "trust_mode" in nested:
        return nested["trust_mode"]
    return discovery.get("trust_mode")


def trust_weights(discovery: dict[str, Any]) -> Any:
    nested = discovery.get("federation_trust")
    if isinstance(nested, dict) and "trust_weights" in nested:
        return nested["trust_weights"]
    return discovery.get("trust_weights")


def candidates(discovery: dict[str, Any]) -> list[Decimal]:
    """Every t a new peer (history 0.5) can score under the advertised weights and attestation mode."""
    weights = trust_weights(discovery)
    mode = discovery.get("source_attestation")
    found = {Decimal("0.5")}  # no computable score
    for identity in oracle.IDENTITY:
        for scope in oracle.SCOPE:
            inp: dict[str, Any] = {"identity": identity, "scope": scope, "attestation_mode": mode}
            if isinstance(weights, dict):
                inp["weights"] = weights
            found.add(oracle.score(inp))
    return sorted(found)


# The identity_strength and scope_authority rows the interpretations give a new peer's pulled fact.
IDENTITY_ROW = {"declaration-unrecognized": "unrecognized", "declaration-as-token": "capability_token"}
SCOPE_ROW = {"external-federate": "external_federate", "authority-prefix": "authority_prefix"}


def exact(ctx: Context, identity: str | None = None) -> Decimal:
    """The one t a new peer (history 0.5) scores under the run's interpretations and the advertised weights and
    attestation mode: ``identity`` is the row of how the peer is known (None: by its declaration alone, interpretation
    source_trust_identity), its scope row that of interpretation source_trust_scope_authority."""
    declared = IDENTITY_ROW[ctx.interpretations.get("source_trust_identity", "declaration-unrecognized")]
    inp: dict[str, Any] = {
        "identity": identity or declared, "attestation_mode": ctx.discovery.get("source_attestation"),
        "scope": SCOPE_ROW[ctx.interpretations.get("source_trust_scope_authority", "external-federate")]}
    weights = trust_weights(ctx.discovery)
    if isinstance(weights, dict):
        inp["weights"] = weights
    return oracle.score(inp)


def near(value: Any, among: list[Decimal]) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and any(abs(Decimal(repr(float(value))) - c) <= Decimal(TOLERANCE) for c in among))


@check("federation:trust_discovery", requirements=("STG-TRUST-004", "STG-TRUST-011"), profile="federation-trust")
def trust_discovery(ctx: Context) -> None:
    """Discovery says source_attestation (enforce, warn or off) and, when federating, the trust mode; published
    trust_weights name the four components with numbers in [0, 1]."""
    d = ctx.discovery
    expect(d.get("source_attestation") in ATTESTATION_MODES,
           f"discovery source_attestation is {d.get('source_attestation')!r}, not one of {ATTESTATION_MODES}")
    if d.get("federation") != "enabled":
        raise Skip("the node does not enable federation, so it advertises no trust mode")
    expect(trust_mode(d) in TRUST_MODES, f"discovery trust_mode is {trust_mode(d)!r}, not one of {TRUST_MODES}")
    weights = trust_weights(d)
    if weights is None:
        return
    expect(isinstance(weights, dict) and set(weights) == set(oracle.WEIGHTS),
           f"trust_weights {weights!r} do not name exactly {sorted(oracle.WEIGHTS)}")
    bad = {k: v for k, v in weights.items() if isinstance(v, bool) or not isinstance(v, (int, float)) or
           not 0 <= v <= 1}
    expect(not bad, f"trust_weights hold values outside [0, 1]: {bad}")


@check("federation:source_trust_pulled",
       requirements=("STG-TRUST-001", "STG-TRUST-002", "STG-TRUST-004", "STG-TRUST-005", "STG-TRUST-007",
                     "STG-TRUST-008", "STG-TRUST-010", "STG-TRUST-011"), profile="federation-trust")
def source_trust_pulled(ctx: Context) -> None:
    """Facts pulled from a new peer are readable in the main fabric (relaxed and off never hold for a score), carry
    attested null, and carry one source_trust the A20 formula gives a new peer under the advertised weights (null
    in trust_mode off), the same for a fact whose peer claimed source_trust 1.0 or 0.0."""
    mode = trust_mode(ctx.discovery)
    if mode == "strict":
        raise Skip("trust_mode strict holds pulled facts (federation:source_trust_held judges them)")
    relation = f"test:t{ctx.run_id}{secrets.token_hex(2)}"
    specs: list[dict[str, Any]] = [{"as": "plain", "relation": relation},
             {"as": "claims_high", "relation": relation, "set": {"source_trust": 1.0, "attested": True}},
             {"as": "claims_low", "relation": relation, "set": {"source_trust": 0.0}}]
    with registered_peer(ctx) as (peer, fed):
        served = ingest(ctx, peer, fed, specs)
        records = {label: fetch(ctx, fact["id"]) for label, fact in served.items()}
    missing = [label for label, got in records.items() if got is None]
    expect(not missing, f"pulled facts {missing} are not readable in trust_mode {mode!r} (a fact is never refused "
                        "or held for its score outside strict mode)")
    among = candidates(ctx.discovery)
    values = {label: (got or {}).get("source_trust", "absent") for label, got in records.items()}
    for label, got in records.items():
        assert got is not None
        expect("attested" in got and got["attested"] is None,
               f"the pulled fact {label} carries attested {got.get('attested', 'absent')!r}, not null (federated "
               "facts are not attested here)")
        if mode == "off":
            expect("source_trust" in got and got["source_trust"] is None,
                   f"trust_mode off: the pulled fact {label} carries source_trust {values[label]!r}, not null")
            continue
        expect(near(got.get("source_trust"), among),
               f"the pulled fact {label} carries source_trust {values[label]!r}, which no identity and scope row "
               f"gives a new peer (history 0.5) under weights {trust_weights(ctx.discovery) or 'default'} and "
               f"attestation {ctx.discovery.get('source_attestation')!r}: {[str(c) for c in among]}")
    expect(len(set(map(repr, values.values()))) == 1,
           f"facts of one new peer in one scope carry different source_trust {values} (a peer's claim counts)")


@check("federation:source_trust_held", requirements=("STG-TRUST-009",), profile="federation-trust")
def source_trust_held(ctx: Context) -> None:
    """In trust_mode strict a held fact shows on the quarantine surface with its reason and its source_trust, the
    score A20 gives a new peer known by its declaration alone."""
    if trust_mode(ctx.discovery) != "strict":
        raise Skip(f"the node runs trust_mode {trust_mode(ctx.discovery)!r}; strict holds facts (the embedded node: "
                   "--embedded-arg=--trust-mode=strict)")
    with moderated_garden(ctx) as garden, registered_peer(ctx, manifest="none") as (peer, fed):
        fact = held(ctx, peer, fed, garden, [{"as": "pending"}])["pending"]
        record = surface_by_id(ctx, garden).get(fact["id"]) or {}
    reason = record.get("quarantine_reason")
    expect(isinstance(reason, str) and bool(reason), f"the held fact's quarantine_reason is {reason!r}")
    want = exact(ctx)
    expect(near(record.get("source_trust"), [want]),
           f"the held fact carries source_trust {record.get('source_trust', 'absent')!r}, not {want}, the score of a "
           "new peer known by its declaration alone (interpretations source_trust_identity, "
           "source_trust_scope_authority)")


@check("federation:source_trust_rows", requirements=("STG-TRUST-001", "STG-TRUST-002", "STG-TRUST-012"),
       profile="federation-trust")
def source_trust_rows(ctx: Context) -> None:
    """A new peer known by its declaration alone scores exactly the identity and scope rows the interpretations name
    (0.33 under A20's weights: unrecognized 0.1, external with federate 0.5, history 0.5, attestation off 0.2); one
    whose manifest is proven in its log exactly the same with identity_strength 1.0 (0.645)."""
    mode = trust_mode(ctx.discovery)
    if mode != "relaxed":
        raise Skip(f"trust_mode {mode!r}: off scores nothing, strict holds the declared peer's facts "
                   "(federation:source_trust_held)")
    relation = f"test:r{ctx.run_id}{secrets.token_hex(2)}"
    for manifest, identity in (("none", None), (None, "manifest_log_proof")):
        with registered_peer(ctx, manifest=manifest) as (peer, fed):
            served = ingest(ctx, peer, fed, [{"as": "scored", "relation": relation}])
            got = fetch(ctx, served["scored"]["id"]) or {}
        want = exact(ctx, identity)
        expect(near(got.get("source_trust"), [want]),
               f"a new peer known by {identity or 'its declaration alone'} gave its fact source_trust "
               f"{got.get('source_trust', 'absent')!r}, expected {want} (interpretations source_trust_identity, "
               "source_trust_scope_authority)")


@check("http:attested_null", requirements=("STG-TRUST-011",), profile="federation-trust")
def attested_null(ctx: Context) -> None:
    """A node advertising source_attestation off answers attested null on a fact it wrote and on its read."""
    mode = ctx.discovery.get("source_attestation")
    if mode != "off":
        raise Skip(f"the node advertises source_attestation {mode!r}; Spec-X6 attestation is outside the suite")
    written = ctx.assert_fact(ctx.fact(ctx.unique("attested"), "local"))
    read = fetch(ctx, written["id"]) or {}
    for what, got in (("the write answer", written), ("GET /v1/facts/{id}", read)):
        expect("attested" in got and got["attested"] is None,
               f"{what} carries attested {got.get('attested', 'absent')!r}; with source_attestation off it is null")
