"""reference_node.protocol.contradictions: Spec-15 contradiction detection and query-time preference."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_node.protocol.contradictions import ContradictionRules, Winner, evaluate, read_fact
from reference_node.protocol.errors import FactInvalid, HlcMalformed, InvalidEntityUri, ValueInvalid

E = "stigmem://company.example/user/alice"


def fact(fact_id, v, confidence=1.0, hlc="1746230400000.000", **extra):
    raw = {
        "id": fact_id,
        "entity": E,
        "relation": "memory:role",
        "value": v if isinstance(v, dict) else {"type": "string", "v": v},
        "confidence": confidence,
        "scope": "company",
        "hlc": hlc,
    }
    return {**raw, **extra}


def run(*raw, rules=None):
    return evaluate([read_fact(r, rules) for r in raw], rules)


def test_differing_values_contradict_and_higher_confidence_wins():
    # Spec-15: two values at two confidences.
    result = run(fact("a", "CEO", 1.0), fact("b", "CTO", 0.8, "1746230400000.001"))
    assert result.conflicts == [("a", "b")]
    assert result.contradicted == ["a", "b"]
    assert result.winners == [Winner(E, "memory:role", "company", ["a"])]


def test_equal_confidence_later_hlc_wins_and_full_tie_keeps_both():
    # Spec-15 §Query-Time Resolution: equal confidence.
    later = run(fact("a", "CEO", 0.9), fact("b", "CTO", 0.9, "1746230400000.001"))
    assert later.winners[0].ids == ["b"]
    tie = run(fact("a", "CEO", 0.9), fact("b", "CTO", 0.9))
    assert tie.winners[0].ids == ["a", "b"]


def test_equal_values_do_not_contradict():
    # Spec-15: an equal value is no contradiction; interpretation value_equality=canonical.
    result = run(
        fact("a", {"type": "number", "v": 1}),
        fact("b", {"type": "number", "v": 1.0}, hlc="1746230400000.001"),
        fact("c", {"type": "number", "v": 1}, source="agent:other", hlc="1746230400000.002"),
    )
    assert result.conflicts == [] and result.contradicted == []
    assert result.winners[0].ids == ["c"]


def test_retraction_never_contradicts_and_wins_when_latest():
    # STG-CONF-010, Spec-15: a retraction.
    result = run(fact("a", "CEO"), fact("r", "CEO", 0.0, "1746230400000.001"))
    assert result.conflicts == []
    assert result.winners[0].ids == ["r"]


def test_entities_normalized_before_detection():
    # STG-CONF-003
    result = run(fact("a", "CEO"), fact("b", "CTO", entity=" STIGMEM://Company.Example/User/Alice"))
    assert result.conflicts == [("a", "b")]
    assert result.winners[0].entity == E


PAIRWISE = ContradictionRules(cardinality="pairwise")


def test_one_conflict_per_pair_and_reingest_adds_none():
    # Interpretation contradiction_rule=s15 and STG-CONF-009.
    a, b, c = fact("a", "x"), fact("b", "y", 0.5), fact("c", "z", 0.7)
    result = run(a, b, c, b, fact("d", "x", 0.2), rules=PAIRWISE)
    assert result.conflicts == [("a", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "d")]
    assert result.winners[0].ids == ["a"]


def test_winner_pairing_pairs_each_new_fact_with_the_preferred_one():
    # Interpretation conflict_cardinality=winner (STG-CONF-018): d equals the winner a, so it adds no conflict.
    a, b, c = fact("a", "x"), fact("b", "y", 0.5), fact("c", "z", 0.7)
    result = run(a, b, c, b, fact("d", "x", 0.2))
    assert result.conflicts == [("a", "b"), ("a", "c")]
    assert result.contradicted == ["a", "b", "c"] and result.winners[0].ids == ["a"]


def test_different_triples_never_contradict():
    result = run(fact("a", "x"), fact("b", "y", scope="public"), fact("c", "y", relation="memory:title"))
    assert result.conflicts == []
    assert [(w.relation, w.scope, w.ids) for w in result.winners] == [
        ("memory:role", "company", ["a"]),
        ("memory:role", "public", ["b"]),
        ("memory:title", "company", ["c"]),
    ]


def test_upstream_rule_flags_equal_values():
    rules = ContradictionRules(rule="upstream")
    assert run(fact("a", "x"), fact("b", "x"), rules=rules).conflicts == [("a", "b")]


def test_raw_equality_separates_spellings():
    rules = ContradictionRules(equality="raw")
    numbers = run(fact("a", {"type": "number", "v": 1}), fact("b", {"type": "number", "v": 1.0}), rules=rules)
    assert numbers.conflicts == [("a", "b")]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"entity": "stigmem://a//x"}, InvalidEntityUri),
        ({"value": {"type": "ref", "v": "nope"}}, ValueInvalid),
        ({"confidence": 1.5}, FactInvalid),
        ({"scope": "galaxy"}, FactInvalid),
        ({"id": 7}, FactInvalid),
        ({"hlc": "yesterday"}, HlcMalformed),
    ],
)
def test_rejects_bad_fact(change, error):
    with pytest.raises(error):
        read_fact({**fact("a", "x"), **change})


values = st.sampled_from(["x", "y", "z"])
confidences = st.sampled_from([0.0, 0.5, 1.0])


@given(st.lists(st.tuples(values, confidences, st.integers(0, 3)), max_size=8), st.randoms())
def test_conflicts_are_order_independent(specs, rnd):
    raw = [fact(f"f{i}", v, c, f"174623040000{w}.000") for i, (v, c, w) in enumerate(specs)]
    shuffled = list(raw)
    rnd.shuffle(shuffled)
    # Order independence is a property of pairwise conflicts (Spec-15 pairwise definition); winner pairing depends on
    # which fact was preferred when each one arrived.
    assert run(*raw, rules=PAIRWISE).conflicts == run(*shuffled, rules=PAIRWISE).conflicts
    assert run(*raw, rules=PAIRWISE).winners == run(*shuffled, rules=PAIRWISE).winners
