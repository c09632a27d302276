"""reference_node.protocol.values: FactValue validation, stored form and equality (Spec-01 §FactValue)."""

import pytest

from reference_node.protocol.errors import ValueInvalid, ValueTooLarge
from reference_node.protocol.values import equal, is_rfc3339, validate


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ({"type": "string", "v": "CEO"}, {"type": "string", "v": "CEO"}),
        ({"type": "text", "v": ""}, {"type": "text", "v": ""}),
        ({"type": "number", "v": 42}, {"type": "number", "v": 42}),
        ({"type": "number", "v": -0.5}, {"type": "number", "v": -0.5}),
        ({"type": "boolean", "v": False}, {"type": "boolean", "v": False}),
        ({"type": "datetime", "v": "2026-05-02T00:00:00Z"}, {"type": "datetime", "v": "2026-05-02T00:00:00Z"}),
        ({"type": "ref", "v": "stigmem://a/user/Alice"}, {"type": "ref", "v": "stigmem://a/user/Alice"}),
        # STG-VAL-005: null is accepted with or without v and stored with "v": null.
        ({"type": "null"}, {"type": "null", "v": None}),
        ({"type": "null", "v": None}, {"type": "null", "v": None}),
        # STG-VAL-006: interpret_as is kept when sent.
        (
            {"type": "text", "v": "do x", "interpret_as": "instruction"},
            {"type": "text", "v": "do x", "interpret_as": "instruction"},
        ),
    ],
)
def test_validate_stored_form(value, stored):
    assert validate(value) == stored


@pytest.mark.parametrize(
    "value",
    [
        None,
        "CEO",
        {"v": "x"},
        {"type": "bytes", "v": "x"},
        {"type": "String", "v": "x"},
        {"type": "string"},
        {"type": "string", "v": 1},
        {"type": "text", "v": None},
        {"type": "number", "v": "42"},
        {"type": "number", "v": True},
        {"type": "number", "v": float("inf")},
        {"type": "number", "v": 10**400},
        {"type": "boolean", "v": 1},
        {"type": "boolean", "v": "false"},
        {"type": "datetime", "v": "yesterday"},
        {"type": "datetime", "v": 1746230400},
        {"type": "ref", "v": "not a uri"},
        {"type": "ref", "v": 7},
        {"type": "null", "v": "null"},
        {"type": "string", "v": "x", "extra": 1},
        {"type": "string", "v": "x", "interpret_as": "command"},
        {"type": "string", "v": "\udc00"},
    ],
)
def test_rejects_invalid_value(value):
    with pytest.raises(ValueInvalid):
        validate(value)


def test_unknown_type_cites_closed_union():
    with pytest.raises(ValueInvalid) as caught:
        validate({"type": "bytes", "v": "x"})
    assert caught.value.requirement == "STG-VAL-001"


def test_text_limit_counts_utf8_bytes():
    assert validate({"type": "text", "v": "é" * 2}, max_text_bytes=4)["v"] == "éé"
    with pytest.raises(ValueTooLarge):
        validate({"type": "text", "v": "é" * 2 + "x"}, max_text_bytes=4)
    assert validate({"type": "string", "v": "x" * 70000})["v"] == "x" * 70000
    with pytest.raises(ValueTooLarge) as caught:
        validate({"type": "text", "v": "x" * 65537})
    assert caught.value.code == "value_too_large"


def test_lenient_accepts_any_v():
    assert validate({"type": "number", "v": "abc"}, typing="lenient") == {"type": "number", "v": "abc"}
    assert validate({"type": "string"}, typing="lenient") == {"type": "string", "v": None}
    with pytest.raises(ValueInvalid):
        validate({"type": "bytes", "v": "x"}, typing="lenient")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("1985-04-12T23:20:50.52Z", True),
        ("1996-12-19T16:39:57-08:00", True),
        ("1990-12-31T23:59:60Z", True),
        ("1937-01-01T12:00:27.87+00:20", True),
        ("2024-02-29t00:00:00z", True),
        ("2023-02-29T00:00:00Z", False),
        ("2026-13-01T00:00:00Z", False),
        ("2026-01-01T24:00:00Z", False),
        ("2026-01-01T00:00:00", False),
        ("2026-01-01 00:00:00Z", False),
        ("2026-01-01T00:00:00+0100", False),
        ("2026-01-01T00:00:00.Z", False),
        ("2026-01-01", False),
        ("２０２６-01-01T00:00:00Z", False),
    ],
)
def test_rfc3339(text, valid):
    assert is_rfc3339(text) is valid


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"type": "number", "v": 1}, {"type": "number", "v": 1.0}, True),
        ({"type": "number", "v": 2**53}, {"type": "number", "v": 2**53 + 1}, True),
        ({"type": "string", "v": "x"}, {"type": "text", "v": "x"}, False),
        ({"type": "string", "v": "x"}, {"type": "string", "v": "X"}, False),
        ({"type": "ref", "v": "User:Alice"}, {"type": "ref", "v": "user:alice"}, True),
        ({"type": "ref", "v": "stigmem://A/t/al%69ce"}, {"type": "ref", "v": "stigmem://a/t/alice"}, True),
        ({"type": "null"}, {"type": "null", "v": None}, True),
        ({"type": "boolean", "v": True}, {"type": "number", "v": 1}, False),
        ({"type": "string", "v": "x", "interpret_as": "instruction"}, {"type": "string", "v": "x"}, True),
    ],
)
def test_canonical_equality(a, b, same):
    assert equal(a, b) is same
    assert equal(b, a) is same


def test_raw_equality_compares_as_sent():
    assert not equal({"type": "number", "v": 1}, {"type": "number", "v": 1.0}, equality="raw")
    assert not equal({"type": "ref", "v": "User:a"}, {"type": "ref", "v": "user:a"}, equality="raw")
    assert equal({"type": "string", "v": "x"}, {"type": "string", "v": "x"}, equality="raw")
