"""Source-trust score vectors: ``vectors/source_trust/score.json`` (STG-TRUST-001..003, 005, 006, 009).

Each case states its exact ``t`` by hand (worked from A20 §19.4's weights and tables); the generator asks
``conformance.oracle.source_trust`` too and refuses to write a file where the two disagree. Times are integer
milliseconds, so the 30-day window edge is exact.
"""

from __future__ import annotations

from typing import Any

from conformance.generate.writer import Case, VectorFile, valid
from conformance.oracle import source_trust as oracle

NOW = 1_800_000_000_000
DAY = 86_400_000
EDGE = NOW - 30 * DAY  # exactly 30 days before NOW

NOTES = {
    "Formula": {"description": "t = clamp(0.35 identity + 0.30 history + 0.25 scope + 0.10 attestation, 0, 1); "
                "A20's own example (manifest, new, none, enforce) is 0.545.",
                "effect": "Nodes rank the same source differently and recall scores diverge.",
                "requirements": "STG-TRUST-001"},
    "Identity": {"description": "Each identity_strength row: 1.0, 0.7, 0.5, 0.4, 0.1, 0.0.",
                 "effect": "A weaker credential earns the trust of a stronger one.", "requirements": "STG-TRUST-001"},
    "Scope": {"description": "Each scope_authority row: 1.0, 0.9, 0.7, 0.5, 0.2.",
              "effect": "A source writing without authority scores as one holding a write token.",
              "requirements": "STG-TRUST-001"},
    "Attestation": {"description": "Each attestation_mode_factor row: enforce 1.0, warn 0.6, off 0.2.",
                    "effect": "Unattested sources score as attested ones.", "requirements": "STG-TRUST-001"},
    "History": {"description": "peer_history rows: >= 100 facts and 0 failures 1.0, >= 10 facts under 5 % 0.7, "
                "new 0.5, failure rate >= 5 % 0.3 (exactly 5 % included).",
                "effect": "A failing peer keeps a proven peer's trust.", "requirements": "STG-TRUST-001"},
    "Window": {"description": "Only the last 30 days count: an event exactly 30 days old counts, one 1 ms older "
               "or one ahead of now does not.", "effect": "Old good behaviour hides recent failures.",
               "requirements": "STG-TRUST-001"},
    "Boundary": {"description": "100 vs 99 facts, 10 vs 9, a failure rate of exactly 5 %.",
                 "effect": "Off-by-one counts move a peer between rows.", "requirements": "STG-TRUST-001"},
    "Threshold": {"description": "strict mode holds t < 0.2; a t of exactly 0.2 is not held, also where "
                  "doubles sum it to 0.19999999999999998.", "effect": "Facts at the threshold are held or released "
                  "depending on float rounding.", "requirements": "STG-TRUST-009"},
    "Blocklist": {"description": "A blocklisted source scores 0.0 whatever its other inputs.",
                  "effect": "A blocked peer's facts still rank.", "requirements": "STG-TRUST-003"},
    "NoScore": {"description": "No computable score (an input the tables do not name, or missing) gives 0.5; no "
                "history is the new row, 0.5.", "effect": "Unknown sources score 0 (lost) or 1 (trusted).",
                "requirements": "STG-TRUST-002"},
    "Clamp": {"description": "Non-default weights can sum past 1: t is clamped to [0, 1].",
              "effect": "Trust above 1 inflates effective confidence past the fact's own.",
              "requirements": "STG-TRUST-001"},
    "TrustOff": {"description": "trust_mode off: source_trust is null, the recall multiplier 1, the effective "
                 "confidence the fact's own.", "effect": "A node with trust off still discounts facts.",
                 "requirements": "STG-TRUST-005 STG-TRUST-006"},
    "Derived": {"description": "effective_confidence = confidence * t; recall multiplier 0.5 + 0.5 * t.",
                "effect": "Recall ranks federated facts on the wrong scale.", "requirements": "STG-TRUST-006"},
}


def _h(*batches: tuple[int, int, int], blocklisted: bool = False) -> dict[str, Any]:
    """A history: (at_ms, accepted, refused) batches seen by NOW."""
    found: dict[str, Any] = {"now_ms": NOW, "batches": [{"at_ms": a, "accepted": n, "refused": r}
                                                      for a, n, r in batches]}
    if blocklisted:
        found["blocklisted"] = True
    return found


def _in(identity: str | None = "manifest", scope: str | None = "none", attestation: str | None = "enforce",
        history: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    inp: dict[str, Any] = {k: v for k, v in (("identity", identity), ("scope", scope),
                                             ("attestation_mode", attestation)) if v is not None}
    if history is not None:
        inp["history"] = history
    return inp | more


_EVEN = {"identity_strength": "0.5", "peer_history": "0.5", "scope_authority": "0.5",
         "attestation_mode_factor": "0.5"}
_SCOPE_ATTESTATION = {"identity_strength": "0", "peer_history": "0", "scope_authority": "0.2",
                      "attestation_mode_factor": "0.1"}
_IDENTITY_ONLY = {"identity_strength": "1", "peer_history": "0", "scope_authority": "0",
                  "attestation_mode_factor": "0"}


def _cases() -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    """(description, requirements, flags, input, the hand-worked members of expected)."""
    f = "STG-TRUST-001"
    return [
        ("A20's example: manifest, new, no scope authority, enforce is 0.545", f, "Formula", _in(),
         {"exact": "0.545"}),
        ("Identity manifest + log proof", f, "Identity", _in("manifest_log_proof"), {"exact": "0.65"}),
        ("Identity valid capability token", f, "Identity", _in("capability_token"), {"exact": "0.475"}),
        ("Identity local API key", f, "Identity", _in("local_api_key"), {"exact": "0.44"}),
        ("Identity unrecognized but syntactically valid", f, "Identity", _in("unrecognized"), {"exact": "0.335"}),
        ("Identity absent or invalid", f, "Identity", _in("absent"), {"exact": "0.3"}),
        ("Scope write token", f, "Scope", _in(scope="write_token"), {"exact": "0.745"}),
        ("Scope admin key", f, "Scope", _in(scope="admin_key"), {"exact": "0.72"}),
        ("Scope authority prefix matches", f, "Scope", _in(scope="authority_prefix"), {"exact": "0.67"}),
        ("Scope external with federate", f, "Scope", _in(scope="external_federate"), {"exact": "0.62"}),
        ("Attestation warn", f, "Attestation", _in(attestation="warn"), {"exact": "0.505"}),
        ("Attestation off", f, "Attestation", _in(attestation="off"), {"exact": "0.465"}),
        ("History: 100 facts, no failure, now is 1.0", f, "History Boundary", _in(history=_h((NOW, 100, 0))),
         {"exact": "0.695"}),
        ("History: 99 facts, no failure is 0.7", f, "History Boundary", _in(history=_h((NOW, 99, 0))),
         {"exact": "0.605"}),
        ("History: 10 facts, no failure is 0.7", f, "History Boundary", _in(history=_h((NOW, 10, 0))),
         {"exact": "0.605"}),
        ("History: 9 facts, no failure is still new (0.5)", f, "History Boundary", _in(history=_h((NOW, 9, 0))),
         {"exact": "0.545"}),
        ("History: 95 accepted and 5 refused is exactly 5 %: 0.3", f, "History Boundary",
         _in(history=_h((NOW, 95, 5))), {"exact": "0.485"}),
        ("History: 96 accepted and 4 refused is 4 %: 0.7", f, "History Boundary", _in(history=_h((NOW, 96, 4))),
         {"exact": "0.605"}),
        ("History: 19 accepted and 1 refused is exactly 5 %: 0.3", f, "History Boundary",
         _in(history=_h((NOW, 19, 1))), {"exact": "0.485"}),
        ("History: 96 accepted and 5 refused is under 5 %: 0.7", f, "History Boundary",
         _in(history=_h((NOW, 96, 5))), {"exact": "0.605"}),
        ("History: 200 accepted and 1 refused is not the no-failure row", f, "History Boundary",
         _in(history=_h((NOW, 200, 1))), {"exact": "0.605"}),
        ("History: 9 accepted and 1 refused (10 %) is 0.3", f, "History Boundary", _in(history=_h((NOW, 9, 1))),
         {"exact": "0.485"}),
        ("History: one refused fact only is 0.3", f, "History", _in(history=_h((NOW, 0, 1))), {"exact": "0.485"}),
        ("Window: 100 facts exactly 30 days old still count", f, "Window", _in(history=_h((EDGE, 100, 0))),
         {"exact": "0.695"}),
        ("Window: 100 facts 30 days and 1 ms old do not count", f, "Window", _in(history=_h((EDGE - 1, 100, 0))),
         {"exact": "0.545"}),
        ("Window: half of 100 facts fell out of the window: 0.7", f, "Window",
         _in(history=_h((EDGE - 1, 50, 0), (NOW, 50, 0))), {"exact": "0.605"}),
        ("Window: refusals older than 30 days are forgotten", f, "Window",
         _in(history=_h((EDGE - 1, 0, 10), (NOW, 100, 0))), {"exact": "0.695"}),
        ("Window: refusals exactly 30 days old still count", f, "Window Boundary",
         _in(history=_h((EDGE, 0, 10), (NOW, 100, 0))), {"exact": "0.485"}),
        ("Window: events stamped after now do not count", f, "Window", _in(history=_h((NOW + 1, 100, 0))),
         {"exact": "0.545"}),
        ("No history at all is the new row (MUST 0.5)", "STG-TRUST-002", "NoScore", _in(history=_h()),
         {"exact": "0.545"}),
        ("An identity the table does not name: no computable score, 0.5", "STG-TRUST-002", "NoScore",
         _in("fingerprint"), {"exact": "0.5", "strict_holds": False}),
        ("No attestation mode: no computable score, 0.5", "STG-TRUST-002", "NoScore", _in(attestation=None),
         {"exact": "0.5"}),
        ("No scope authority input: no computable score, 0.5", "STG-TRUST-002", "NoScore", _in(scope=None),
         {"exact": "0.5"}),
        ("Blocklisted with every other input at its best is 0.0", "STG-TRUST-003 STG-TRUST-009",
         "Blocklist Threshold", _in("manifest_log_proof", "write_token", history=_h((NOW, 500, 0),
                                                                                    blocklisted=True)),
         {"exact": "0", "strict_holds": True}),
        ("Blocklisted with no other input is 0.0, not the no-score 0.5", "STG-TRUST-003", "Blocklist NoScore",
         {"history": _h(blocklisted=True)}, {"exact": "0"}),
        ("Exactly 0.2 (absent, failing, none, warn) is not below the threshold", "STG-TRUST-001 STG-TRUST-009",
         "Threshold", _in("absent", "none", "warn", _h((NOW, 19, 1))), {"exact": "0.2", "strict_holds": False}),
        ("0.16 (absent, failing, none, off) is held in strict mode", "STG-TRUST-009", "Threshold",
         _in("absent", "none", "off", _h((NOW, 19, 1))), {"exact": "0.16", "strict_holds": True}),
        ("0.195 (unrecognized, failing, none, off) is held in strict mode", "STG-TRUST-009", "Threshold",
         _in("unrecognized", "none", "off", _h((NOW, 19, 1))), {"exact": "0.195", "strict_holds": True}),
        ("0.235 (unrecognized, failing, none, warn) is not held", "STG-TRUST-009", "Threshold",
         _in("unrecognized", "none", "warn", _h((NOW, 19, 1))), {"exact": "0.235", "strict_holds": False}),
        ("A new peer known by its declaration alone (unrecognized, new, external with federate, off) is 0.33", f,
         "Formula", _in("unrecognized", "external_federate", "off"), {"exact": "0.33"}),
        ("Weights 0.5 each over top inputs sum to 2: clamped to 1", f, "Clamp",
         _in("manifest_log_proof", "write_token", history=_h((NOW, 100, 0)), weights=_EVEN),
         {"exact": "1", "recall_multiplier": "1"}),
        ("Weights 0.5 each over middling inputs: 0.8, not clamped", f, "Clamp",
         _in("manifest", "none", "off", weights=_EVEN), {"exact": "0.8"}),
        ("Identity-only weights on an unrecognized source: 0.1, held in strict mode", "STG-TRUST-001 STG-TRUST-009",
         "Clamp Threshold", _in("unrecognized", "write_token", weights=_IDENTITY_ONLY),
         {"exact": "0.1", "strict_holds": True}),
        ("trust_mode off: source_trust null, multiplier 1, confidence unchanged", "STG-TRUST-005 STG-TRUST-006",
         "TrustOff", _in(trust_mode="off", confidence="0.8"),
         {"source_trust": None, "exact": None, "recall_multiplier": "1", "effective_confidence": "0.8"}),
        ("effective_confidence of 0.8 at 0.545 is 0.436; multiplier 0.7725", "STG-TRUST-006", "Derived",
         _in(confidence="0.8"), {"effective_confidence": "0.436", "recall_multiplier": "0.7725"}),
        ("Blocklisted: effective confidence 0, multiplier 0.5", "STG-TRUST-003 STG-TRUST-006", "Derived Blocklist",
         _in(history=_h(blocklisted=True), confidence="1"), {"effective_confidence": "0", "recall_multiplier": "0.5"}),
        ("At exactly 0.2 the multiplier is exactly 0.6", "STG-TRUST-006", "Derived Threshold",
         _in("absent", "none", "warn", _h((NOW, 19, 1)), confidence="0.5"),
         {"recall_multiplier": "0.6", "effective_confidence": "0.1"}),
        ("Weights 0, 0, 0.2, 0.1, authority prefix, warn: exactly 0.2 (not doubles' 0.19999...8), "
         "not held", "STG-TRUST-001 STG-TRUST-009", "Threshold Clamp",
         _in("manifest", "authority_prefix", "warn", weights=_SCOPE_ATTESTATION),
         {"exact": "0.2", "source_trust": 0.2, "strict_holds": False}),
    ]


def files() -> list[VectorFile]:
    vf = VectorFile("source_trust", "score",
                    "The source-trust score t of one source, its wire value, whether strict mode holds it, and "
                    "the derived effective confidence and recall multiplier.", NOTES,
                    source={"name": "A20 19.4; Spec-08; seed recall salience (source-trust multiplier)",
                            "worked_by": "hand"})
    for description, reqs, flags, inp, want in _cases():
        got = oracle.evaluate(inp)
        for name, value in want.items():
            if got[name] != value:
                raise ValueError(f"source_trust/score {description!r}: {name} by hand {value!r}, the oracle "
                                 f"{got[name]!r}")
        vf.add(Case(description, tuple(reqs.split()), inp, valid(**got), tuple(flags.split())))
    return [vf]
