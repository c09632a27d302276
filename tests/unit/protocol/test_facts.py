"""reference_node.protocol.facts: the asserted fact body (Spec-01 §Atomic Fact Shape, §FactScope)."""

import pytest

from reference_node.protocol.errors import FactInvalid, InvalidEntityUri, ValueInvalid
from reference_node.protocol.facts import body

FACT = {
    "entity": " stigmem://Company.Example/User/Alice ",
    "relation": "memory:role",
    "value": {"type": "string", "v": "CEO"},
    "source": "Agent:Bot",
    "confidence": 0.9,
    "scope": "company",
}


def test_body_normalizes_entity_and_source():
    fact = body(FACT)
    assert (fact.entity, fact.source) == ("stigmem://company.example/user/alice", "agent:bot")
    assert (fact.relation, fact.value, fact.confidence, fact.scope) == ("memory:role", FACT["value"], 0.9, "company")


def test_confidence_defaults_to_one():
    fact = {name: value for name, value in FACT.items() if name != "confidence"}
    assert body(fact).confidence == 1.0


@pytest.mark.parametrize("missing", ["entity", "relation", "value", "source", "scope"])
def test_rejects_missing_field(missing):
    with pytest.raises(FactInvalid) as caught:
        body({name: value for name, value in FACT.items() if name != missing})
    assert caught.value.requirement == "STG-FACT-007"


@pytest.mark.parametrize("confidence", [-0.1, 1.5, 1.0000001, "0.5", True, None, float("nan")])
def test_rejects_bad_confidence(confidence):
    with pytest.raises(FactInvalid) as caught:
        body({**FACT, "confidence": confidence})
    assert caught.value.requirement == "STG-FACT-001"


@pytest.mark.parametrize("confidence", [0, 0.0, 1, 1.0])
def test_accepts_boundary_confidence(confidence):
    assert body({**FACT, "confidence": confidence}).confidence == confidence


@pytest.mark.parametrize("scope", ["universe", "Public", "", None, ["public"]])
def test_rejects_unknown_scope(scope):
    with pytest.raises(FactInvalid) as caught:
        body({**FACT, "scope": scope})
    assert caught.value.requirement == "STG-FACT-002"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"entity": "stigmem:///user/alice"}, InvalidEntityUri),
        ({"source": "nobody"}, InvalidEntityUri),
        ({"entity": 7}, FactInvalid),
        ({"relation": 7}, FactInvalid),
        ({"value": {"type": "number", "v": "abc"}}, ValueInvalid),
        ({"value": "CEO"}, ValueInvalid),
    ],
)
def test_rejects_bad_field(change, error):
    with pytest.raises(error):
        body({**FACT, **change})


def test_rejects_non_object():
    with pytest.raises(FactInvalid):
        body(["not", "a", "fact"])
