"""The source-trust score of an inbound fact's source (Spec-08; A20 §19.4, §2.8; S05 §Source Trust).

``t = clamp(w_i·identity_strength + w_h·peer_history + w_s·scope_authority + w_a·attestation_mode_factor, 0, 1)``
with A20 §19.4's default weights 0.35, 0.30, 0.25, 0.10 and component tables. Pure arithmetic, no I/O: the caller
passes what it knows of the source (which credential named it, its facts and failures with times, the authority it
wrote under, the attestation mode) and the current instant in milliseconds.

Numbers are exact: weights and table values are ``Fraction``s of the printed decimals, so a score sits exactly on a
boundary when the spec's arithmetic puts it there (with weights 0, 0, 0.2, 0.1, scope 0.7 and warn 0.6 give exactly
0.2, which IEEE doubles add up to 0.19999999999999998, below the strict-mode quarantine threshold ``t < 0.2``;
A20's own 0.545 comes out of doubles as 0.5449999999999999). Every rule compares the exact value; only the wire
member ``source_trust`` is the double nearest it (``wire``).

Readings (vectors/interpretations.json): source_trust_history (a fact counts in the 30-day window while its age is
at most 30 days; the failure rate is failures over every fact received, accepted or refused, and the table is read
top down: blocklisted, no history, failure rate >= 5 %, >= 100 facts without failure, >= 10 facts, else new).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from reference_node.protocol.errors import ProtocolError

__all__ = [
    "ATTESTATION_MODE_FACTOR",
    "DEFAULT_WEIGHTS",
    "IDENTITY_STRENGTH",
    "NO_SCORE",
    "QUARANTINE_BELOW",
    "SCOPE_AUTHORITY",
    "WINDOW_MS",
    "History",
    "Inputs",
    "TrustWeightsInvalid",
    "Weights",
    "below_threshold",
    "decimal",
    "effective_confidence",
    "history",
    "parse_weights",
    "peer_history",
    "recall_multiplier",
    "score",
    "source_trust",
    "wire",
]

F = Fraction

# A20 §19.4 identity_strength: which credential named the source.
IDENTITY_STRENGTH: dict[str, Fraction] = {
    "manifest_log_proof": F("1.0"),  # manifest + transparency-log proof
    "manifest": F("0.7"),  # manifest, no log proof
    "capability_token": F("0.5"),  # valid capability token
    "local_api_key": F("0.4"),  # local API key entity_uri
    "unrecognized": F("0.1"),  # unrecognized but syntactically valid
    "absent": F("0.0"),  # absent or invalid
}
# A20 §19.4 scope_authority: the authority the source wrote under.
SCOPE_AUTHORITY: dict[str, Fraction] = {
    "write_token": F("1.0"),  # write token for the scope
    "admin_key": F("0.9"),
    "authority_prefix": F("0.7"),  # authority prefix matches
    "external_federate": F("0.5"),  # external with `federate`
    "none": F("0.2"),
}
# A20 §19.4 attestation_mode_factor: the node's source attestation mode (Spec-X6).
ATTESTATION_MODE_FACTOR: dict[str, Fraction] = {"enforce": F("1.0"), "warn": F("0.6"), "off": F("0.2")}

# A20 §19.4 peer_history rows.
HISTORY_PROVEN, HISTORY_GOOD, HISTORY_NEW, HISTORY_FAILING, HISTORY_BLOCKED = (
    F("1.0"), F("0.7"), F("0.5"), F("0.3"), F("0.0"))
PROVEN_FACTS, GOOD_FACTS = 100, 10
FAILING_RATE = F(5, 100)
WINDOW_MS = 30 * 86_400_000  # "in 30 d"

# A20 §19.4: "No computable score -> t = 0.5"; strict mode routes t < 0.2 to the quarantine garden.
NO_SCORE = F("0.5")
QUARANTINE_BELOW = F("0.2")


class TrustWeightsInvalid(ProtocolError):
    code = "invalid_trust_weights"
    requirement = "STG-TRUST-004"


@dataclass(frozen=True)
class Weights:
    """The four weights of the score; A20 §19.4's defaults unless the operator publishes others."""

    identity: Fraction = Fraction(35, 100)
    history: Fraction = Fraction(30, 100)
    scope: Fraction = Fraction(25, 100)
    attestation: Fraction = Fraction(10, 100)

    def public(self) -> dict[str, float]:
        """The ``trust_weights`` member of discovery (STG-TRUST-004)."""
        return {"identity_strength": float(self.identity), "peer_history": float(self.history),
                "scope_authority": float(self.scope), "attestation_mode_factor": float(self.attestation)}


DEFAULT_WEIGHTS = Weights()
_WEIGHT_NAMES = {"identity_strength": "identity", "peer_history": "history", "scope_authority": "scope",
                 "attestation_mode_factor": "attestation"}


def parse_weights(raw: Mapping[str, object]) -> Weights:
    """Weights from ``{component: decimal}`` (the four component names); each a number in [0, 1]."""
    if set(raw) != set(_WEIGHT_NAMES):
        raise TrustWeightsInvalid(f"trust weights name exactly {', '.join(_WEIGHT_NAMES)}")
    values: dict[str, Fraction] = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise TrustWeightsInvalid(f"{name}: a weight is a decimal number")
        try:
            weight = F(str(value))
        except (ValueError, ZeroDivisionError) as exc:
            raise TrustWeightsInvalid(f"{name}: {value!r} is not a decimal number") from exc
        if not 0 <= weight <= 1:
            raise TrustWeightsInvalid(f"{name}: a weight lies in [0, 1], not {value}")
        values[_WEIGHT_NAMES[name]] = weight
    return Weights(**values)


@dataclass(frozen=True)
class History:
    """What the node saw of a peer in the window: facts received (accepted and refused) and refusals."""

    facts: int = 0
    failures: int = 0
    blocklisted: bool = False


def history(events: Iterable[tuple[int, int, int]], now_ms: int, blocklisted: bool = False) -> History:
    """The window's totals from ``(at_ms, accepted, refused)`` events: those at most 30 days old, none ahead."""
    facts = failures = 0
    for at_ms, accepted, refused in events:
        # STG-TRUST-002: "in 30 d": an event exactly 30 days old still counts; an older one does not.
        if 0 <= now_ms - at_ms <= WINDOW_MS:
            facts += accepted + refused
            failures += refused
    return History(facts, failures, blocklisted)


def peer_history(seen: History | None) -> Fraction:
    """A20 §19.4 peer_history, rows read top down (interpretation source_trust_history)."""
    # STG-TRUST-003: blocklisted is 0.0.
    if seen is not None and seen.blocklisted:
        return HISTORY_BLOCKED
    # STG-TRUST-002: new (no history) MUST be 0.5.
    if seen is None or seen.facts <= 0:
        return HISTORY_NEW
    rate = F(seen.failures, seen.facts)
    # STG-TRUST-001: failure rate >= 5 % is 0.3 (exactly 5 % included).
    if rate >= FAILING_RATE:
        return HISTORY_FAILING
    # STG-TRUST-001: >= 100 facts with 0 failures in 30 d is 1.0.
    if seen.facts >= PROVEN_FACTS and seen.failures == 0:
        return HISTORY_PROVEN
    # STG-TRUST-001: >= 10 facts with < 5 % failures is 0.7.
    if seen.facts >= GOOD_FACTS:
        return HISTORY_GOOD
    return HISTORY_NEW


@dataclass(frozen=True)
class Inputs:
    """What the node knows of a source; None where it cannot tell (no computable score)."""

    identity: str | None
    scope: str | None
    attestation: str | None
    history: History | None = None


def score(inputs: Inputs, weights: Weights = DEFAULT_WEIGHTS) -> Fraction:
    """The exact ``t`` of A20 §19.4."""
    # STG-TRUST-003: a blocklisted source scores 0.0 whatever else it holds.
    if inputs.history is not None and inputs.history.blocklisted:
        return F(0)
    identity = IDENTITY_STRENGTH.get(inputs.identity or "")
    scope = SCOPE_AUTHORITY.get(inputs.scope or "")
    attestation = ATTESTATION_MODE_FACTOR.get(inputs.attestation or "")
    # STG-TRUST-002: no computable score is 0.5.
    if identity is None or scope is None or attestation is None:
        return NO_SCORE
    # STG-TRUST-001: the weighted sum, clamped to [0, 1].
    total = (weights.identity * identity + weights.history * peer_history(inputs.history)
             + weights.scope * scope + weights.attestation * attestation)
    return min(max(total, F(0)), F(1))


def source_trust(trust_mode: str, inputs: Inputs, weights: Weights = DEFAULT_WEIGHTS) -> Fraction | None:
    """The value a fact carries: None when ``trust_mode`` is off (STG-TRUST-005)."""
    if trust_mode == "off":
        return None
    return score(inputs, weights)


def below_threshold(t: Fraction | None) -> bool:
    """STG-TRUST-009: strict mode holds a fact whose exact t is below 0.2 (0.2 itself is not)."""
    return t is not None and t < QUARANTINE_BELOW


def effective_confidence(confidence: Fraction, t: Fraction | None) -> Fraction:
    """STG-TRUST-006: ``confidence * t``; the confidence unchanged when trust is off."""
    return confidence if t is None else confidence * t


def recall_multiplier(t: Fraction | None) -> Fraction:
    """STG-TRUST-006: the recall factor ``0.5 + 0.5 * t``, 1.0 when trust is off (seed, recall salience)."""
    return F(1) if t is None else F(1, 2) + F(1, 2) * t


def wire(t: Fraction | None) -> float | None:
    """The JSON number a record carries: the double nearest the exact value."""
    return None if t is None else float(t)


def decimal(value: Fraction) -> str:
    """An exact value as its shortest decimal text ("0.545", "0.2", "1"); the values here always terminate."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, rest = divmod(value.numerator, value.denominator)
    digits = ""
    for _ in range(40):
        if not rest:
            break
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        digits += str(digit)
    if rest:
        raise ValueError(f"{value} has no short decimal form")
    return f"{sign}{whole}" + (f".{digits}" if digits else "")
