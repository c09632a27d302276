"""reference_node.protocol.cid: CID preimages, format and verification (seed "Migrating" §25, CIDF)."""

import hashlib

import pytest

from reference_node.protocol import cid
from reference_node.protocol.entity_uri import NormalizeOptions
from reference_node.protocol.errors import CidMalformed, CidMismatch, FactInvalid
from reference_node.protocol.facts import FactOptions, body

FACT = {
    "entity": "stigmem://a.example/user/alice",
    "relation": "memory:role",
    "value": {"type": "number", "v": 42.0},
    "source": "agent:bot",
    "confidence": 1.0,
    "scope": "local",
}


def sha(preimage: bytes) -> str:
    return "sha256:" + hashlib.sha256(preimage).hexdigest()


def test_jcs6_hashes_rfc8785_of_six_fields():
    # STG-CID-001/002: the seed's definition, numbers in JCS form (1.0 -> 1, 42.0 -> 42).
    preimage = (
        b'{"confidence":1,"entity":"stigmem://a.example/user/alice","relation":"memory:role",'
        b'"scope":"local","source":"agent:bot","value":{"type":"number","v":42}}'
    )
    assert cid.compute(FACT) == sha(preimage)


def test_cidf7_hashes_python_json_of_seven_fields():
    preimage = (
        b'{"confidence":1.0,"entity":"stigmem://a.example/user/alice","relation":"memory:role",'
        b'"scope":"local","source":"agent:bot","value_type":"number","value_v":"42.0"}'
    )
    assert cid.compute(FACT, "cidf-7") == sha(preimage)


def test_upstream_adds_interpret_as():
    preimage = (
        b'{"confidence":1.0,"entity":"stigmem://a.example/user/alice","interpret_as":"content",'
        b'"relation":"memory:role","scope":"local","source":"agent:bot","value_type":"number","value_v":"42.0"}'
    )
    assert cid.compute(FACT, "upstream-0.9.0a12") == sha(preimage)
    instruction = {**FACT, "value": {**FACT["value"], "interpret_as": "instruction"}}
    assert cid.compute(instruction, "upstream-0.9.0a12") != cid.compute(FACT, "upstream-0.9.0a12")
    assert cid.compute(instruction) == cid.compute(FACT)


def test_cidf7_matches_reference_values():
    # The CIDF example body and the seed fact of the upstream v2.0 conformance vectors, CIDF reading.
    cidf_example = {
        "entity": "stigmem://example/entity",
        "relation": "memory:prefers",
        "value": {"type": "string", "v": "dark mode"},
        "source": "agent:example",
        "confidence": 1.0,
        "scope": "local",
    }
    two_segment = FactOptions(NormalizeOptions(empty_segments="accept-as-informal"))
    assert cid.compute(cidf_example, "cidf-7", two_segment) == (
        "sha256:6024195edbb698a4ec560394d6bf7b67dd454e3da9ca3537e65c5939f7c07236"
    )
    cv20_seed = {
        "entity": "stigmem://testnode/user/cid-subject",
        "relation": "memory:role",
        "value": {"type": "string", "v": "cid-conformance-test-value"},
        "source": "stigmem://testnode/agent/test",
        "confidence": 1.0,
        "scope": "local",
    }
    assert cid.compute(cv20_seed, "cidf-7") == "sha256:34f271dac8194bddb60b645e4683443426373b9f7628f75443db1f1a0d1e750f"


def test_value_v_encoding():
    def value_v(value):
        return cid.preimage(body({**FACT, "value": value}, FactOptions(value_typing="lenient")), "cidf-7")

    assert b'"value_v":"null"' in value_v({"type": "null"})
    assert b'"value_v":"true"' in value_v({"type": "boolean", "v": True})
    assert b'"value_v":"42"' in value_v({"type": "number", "v": 42})
    assert b'"value_v":"1e-07"' in value_v({"type": "number", "v": 1e-07})
    assert b'"value_v":"caf\xc3\xa9"' in value_v({"type": "string", "v": "café"})
    # Upstream's observation: a string v for a number hashes like the number.
    assert value_v({"type": "number", "v": "42"}) == value_v({"type": "number", "v": 42})


@pytest.mark.parametrize(
    "extra",
    [
        {"id": "f1"},
        {"timestamp": "2026-01-01T00:00:00Z"},
        {"hlc": "1746230400000.000"},
        {"valid_until": "2030-01-01T00:00:00Z"},
        {"garden_id": "stigmem://a/garden/g"},
        {"cid": "sha256:" + "0" * 64},
        {"derived_from": ["x"]},
        {"reason": "why"},
    ],
)
@pytest.mark.parametrize("rule", ["jcs-6", "cidf-7", "upstream-0.9.0a12"])
def test_excluded_fields_do_not_change_cid(extra, rule):
    # STG-CID-004
    assert cid.compute({**FACT, **extra}, rule) == cid.compute(FACT, rule)


@pytest.mark.parametrize(
    "change",
    [
        {"entity": "stigmem://a.example/user/bob"},
        {"relation": "memory:title"},
        {"value": {"type": "number", "v": 43}},
        {"value": {"type": "string", "v": "42"}},
        {"source": "agent:other"},
        {"confidence": 0.0},
        {"scope": "public"},
    ],
)
@pytest.mark.parametrize("rule", ["jcs-6", "cidf-7", "upstream-0.9.0a12"])
def test_every_body_field_changes_cid(change, rule):
    # STG-CID-005
    assert cid.compute({**FACT, **change}, rule) != cid.compute(FACT, rule)


def test_normalization_precedes_hashing():
    # STG-CID-003
    variant = {**FACT, "entity": "  STIGMEM://A.Example/User/Al%69ce ", "source": "Agent:Bot"}
    assert cid.compute(variant) == cid.compute(FACT)


def test_integer_and_float_spellings():
    as_int = {**FACT, "value": {"type": "number", "v": 42}, "confidence": 1}
    assert cid.compute(as_int) == cid.compute(FACT)
    assert cid.compute(as_int, "cidf-7") != cid.compute(FACT, "cidf-7")


@pytest.mark.parametrize(
    "text",
    [
        "sha256:" + "F" * 64,
        "sha256:abc",
        "sha256:" + "0" * 65,
        "SHA256:" + "0" * 64,
        "sha512:" + "0" * 64,
        "0" * 64,
        " sha256:" + "0" * 64,
        "sha256:" + "0" * 64 + "\n",
        None,
    ],
)
def test_rejects_malformed_cid(text):
    with pytest.raises(CidMalformed):
        cid.check_syntax(text)


def test_verify():
    computed = cid.compute(FACT)
    cid.verify(FACT, computed)
    with pytest.raises(CidMismatch):
        cid.verify({**FACT, "scope": "team"}, computed)
    with pytest.raises(CidMalformed):
        cid.verify({"not": "a fact"}, computed.upper())
    with pytest.raises(FactInvalid):
        cid.verify({**FACT, "confidence": 2}, computed)
