"""The suite's own model of the source-trust score (A20 §19.4; Spec-08; seed recall salience), from the spec text.

``t = clamp(0.35*identity_strength + 0.30*peer_history + 0.25*scope_authority + 0.10*attestation_mode_factor,
0, 1)``, every number an exact decimal (``Decimal`` with enough digits that no sum rounds), so a score lands exactly
on 0.2 when the arithmetic says so. Also ``effective_confidence = confidence * t`` and the recall multiplier
``0.5 + 0.5 * t`` (1 when trust is off). Written apart from the reference node: a second reading of the same text.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

__all__ = ["evaluate", "history_value", "score"]

_EXACT = Context(prec=60)
D = Decimal

IDENTITY = {"manifest_log_proof": D("1.0"), "manifest": D("0.7"), "capability_token": D("0.5"),
            "local_api_key": D("0.4"), "unrecognized": D("0.1"), "absent": D("0.0")}
SCOPE = {"write_token": D("1.0"), "admin_key": D("0.9"), "authority_prefix": D("0.7"),
         "external_federate": D("0.5"), "none": D("0.2")}
ATTESTATION = {"enforce": D("1.0"), "warn": D("0.6"), "off": D("0.2")}
WEIGHTS = {"identity_strength": D("0.35"), "peer_history": D("0.30"), "scope_authority": D("0.25"),
           "attestation_mode_factor": D("0.10")}
DAY_MS = 86_400_000


def history_value(history: dict[str, Any] | None) -> Decimal:
    """peer_history from ``{now_ms, batches: [{at_ms, accepted, refused}], blocklisted}``."""
    if history is None:
        return D("0.5")  # "new (default, MUST when no history)"
    if history.get("blocklisted"):
        return D("0.0")
    now = int(history["now_ms"])
    facts = failures = 0
    for batch in history.get("batches", []):
        age = now - int(batch["at_ms"])
        if age < 0 or age > 30 * DAY_MS:  # "in 30 d": up to and including 30 days old
            continue
        facts += int(batch["accepted"]) + int(batch["refused"])
        failures += int(batch["refused"])
    if facts == 0:
        return D("0.5")
    if failures * 100 >= facts * 5:  # "failure rate >= 5%"
        return D("0.3")
    if facts >= 100 and failures == 0:
        return D("1.0")
    if facts >= 10:  # "< 5% failures" holds here
        return D("0.7")
    return D("0.5")


def score(inp: dict[str, Any]) -> Decimal:
    """The exact t for one vector input."""
    history = inp.get("history")
    if history is not None and history.get("blocklisted"):
        return D("0")  # "Blocklisted -> t = 0.0"
    weights = {k: D(str(v)) for k, v in (inp.get("weights") or WEIGHTS).items()}
    try:
        parts = (IDENTITY[inp["identity"]], history_value(history), SCOPE[inp["scope"]],
                 ATTESTATION[inp["attestation_mode"]])
    except (KeyError, TypeError):
        return D("0.5")  # "No computable score -> t = 0.5"
    names = ("identity_strength", "peer_history", "scope_authority", "attestation_mode_factor")
    total = sum((_EXACT.multiply(weights[n], p) for n, p in zip(names, parts, strict=True)), D(0))
    return min(max(total, D(0)), D(1))


def _text(value: Decimal) -> str:
    """The shortest decimal text of an exact value: 0.545, 0.2, 1, 0."""
    text = format(value.normalize(_EXACT), "f")
    return "0" if text in ("-0", "") else text


def evaluate(inp: dict[str, Any]) -> dict[str, Any]:
    """What a node answers for one vector: the wire value, its exact text, the strict hold, the derived values."""
    if inp.get("trust_mode") == "off":
        return {"source_trust": None, "exact": None, "strict_holds": False, "recall_multiplier": "1",
                "effective_confidence": _text(D(str(inp.get("confidence", "1"))))}
    t = score(inp)
    confidence = D(str(inp.get("confidence", "1")))
    return {"source_trust": float(t), "exact": _text(t), "strict_holds": t < D("0.2"),
            "recall_multiplier": _text(D("0.5") + D("0.5") * t),
            "effective_confidence": _text(_EXACT.multiply(confidence, t))}
