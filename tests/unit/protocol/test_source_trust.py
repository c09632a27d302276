"""protocol/source_trust.py beyond the vectors: exact boundaries, weight parsing, the strict-mode routing."""

from __future__ import annotations

from fractions import Fraction

import pytest

from reference_node.protocol import source_trust as st
from reference_node.protocol.replication import quarantine_reason

FAILING = st.History(facts=20, failures=1)  # exactly 5 %: the 0.3 row


def test_exact_point_two_is_not_held_although_doubles_fall_below() -> None:
    assert st.score(st.Inputs("absent", "none", "warn", FAILING)) == Fraction(1, 5)
    weights = st.Weights(Fraction(0), Fraction(0), Fraction(2, 10), Fraction(1, 10))
    t = st.score(st.Inputs("manifest", "authority_prefix", "warn"), weights)
    assert t == Fraction(1, 5)
    assert 0.2 * 0.7 + 0.1 * 0.6 < 0.2  # the float pipeline this module avoids
    assert not st.below_threshold(t)
    assert st.below_threshold(st.score(st.Inputs("absent", "none", "off", FAILING)))


def test_weights_are_checked() -> None:
    names = ("identity_strength", "peer_history", "scope_authority", "attestation_mode_factor")
    assert st.parse_weights(dict(zip(names, ("0.35", "0.30", "0.25", "0.10"), strict=True))) == st.DEFAULT_WEIGHTS
    for bad in ({"identity_strength": "1"}, dict(zip(names, ("2", "0", "0", "0"), strict=True)),
                dict(zip(names, ("x", "0", "0", "0"), strict=True)), dict(zip(names, (True, 0, 0, 0), strict=True))):
        with pytest.raises(st.TrustWeightsInvalid):
            st.parse_weights(bad)


def test_strict_routing_reasons() -> None:
    low, high = Fraction(1, 10), Fraction(33, 100)
    assert quarantine_reason("strict", False, low) == "source_trust_below_threshold"
    assert quarantine_reason("strict", False, high) == "no_valid_manifest"
    assert quarantine_reason("strict", True, high) is None
    assert quarantine_reason("strict", True, Fraction(1, 5)) is None
    for mode in ("relaxed", "off"):
        assert quarantine_reason(mode, False, low) is None


def test_decimal_text_and_off() -> None:
    assert [st.decimal(Fraction(x)) for x in ("0.545", "1", "0", "0.7725")] == ["0.545", "1", "0", "0.7725"]
    assert st.source_trust("off", st.Inputs("manifest", "none", "enforce")) is None
    assert st.recall_multiplier(None) == 1
