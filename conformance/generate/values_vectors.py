"""FactValue validation vectors: ``vectors/values/validate.json`` (STG-VAL-001..006).

Hand-written: the stored form of each accepted value and the error code of each rejected one follow
Spec-01 FactValue with the ``value_typing`` (strict) and ``text_limit`` readings.
"""

from __future__ import annotations

from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid

STRICT = {"value_typing": "strict"}
LIMIT = {"text_limit": "65536-bytes"}

NOTES = {
    "Variant": {"description": "A well-formed value of one variant.", "effect": "Valid facts are refused.",
                "requirements": "STG-VAL-001"},
    "NullForm": {"description": "The null value in either wire form.", "effect": "Null values fail to round-trip.",
                 "requirements": "STG-VAL-005"},
    "UnknownType": {"description": "type is not one of the seven variants.",
                    "effect": "Consumers meet a variant they cannot handle.", "requirements": "STG-VAL-001"},
    "TypeMismatch": {"description": "v does not agree with type.",
                     "effect": "Stored values cannot be interpreted; hashes depend on coercion.",
                     "requirements": "STG-VAL-002"},
    "BadShape": {"description": "The value is not an object with a type member, or has unknown members.",
                 "effect": "Garbage is stored as a value.", "requirements": "STG-VAL-001"},
    "TooLarge": {"description": "A text value above the configured byte limit.",
                 "effect": "Unbounded values reach storage.", "requirements": "STG-VAL-004"},
    "InterpretAs": {"description": "The interpret_as extension member.",
                    "effect": "Instruction-typed content is mislabelled.", "requirements": "STG-VAL-006"},
}


def ok(value: dict[str, Any], stored: dict[str, Any] | None = None) -> dict[str, Any]:
    return valid(value=stored if stored is not None else value)


POSITIVE: list[tuple[str, dict[str, Any], dict[str, Any] | None, tuple[str, ...], dict[str, str]]] = [
    ("String value", {"type": "string", "v": "dark mode"}, None, ("Variant",), {}),
    ("Empty string value", {"type": "string", "v": ""}, None, ("Variant",), {}),
    ("Multi-line markdown text", {"type": "text", "v": "# Notes\n\n- one\n- **two**"}, None, ("Variant",), {}),
    ("Integer number", {"type": "number", "v": 42}, None, ("Variant",), {}),
    ("Fractional number", {"type": "number", "v": 42.5}, None, ("Variant",), {}),
    ("Negative number", {"type": "number", "v": -3}, None, ("Variant",), {}),
    ("Number zero", {"type": "number", "v": 0}, None, ("Variant",), {}),
    ("Largest finite double", {"type": "number", "v": 1.7976931348623157e308}, None, ("Variant",), {}),
    ("Boolean true", {"type": "boolean", "v": True}, None, ("Variant",), {}),
    ("Boolean false", {"type": "boolean", "v": False}, None, ("Variant",), {}),
    ("UTC datetime with Z", {"type": "datetime", "v": "2026-05-02T00:00:00Z"}, None, ("Variant",), STRICT),
    ("Datetime with a fraction", {"type": "datetime", "v": "2026-05-02T00:00:00.123456Z"}, None, ("Variant",),
     STRICT),
    ("Datetime with an offset is kept verbatim", {"type": "datetime", "v": "2026-05-02T02:00:00+02:00"}, None,
     ("Variant",), STRICT),
    ("Formal ref", {"type": "ref", "v": "stigmem://example.org/user/bob"}, None, ("Variant",), STRICT),
    ("Informal ref", {"type": "ref", "v": "user:bob"}, None, ("Variant",), STRICT),
    ("HTTPS ref", {"type": "ref", "v": "https://example.org/doc/1"}, None, ("Variant",), STRICT),
    ("Null without v is stored with v null", {"type": "null"}, {"type": "null", "v": None}, ("NullForm",), {}),
    ("Null with v null", {"type": "null", "v": None}, None, ("NullForm",), {}),
    ("interpret_as content is kept", {"type": "text", "v": "x", "interpret_as": "content"}, None,
     ("InterpretAs",), {}),
    ("interpret_as instruction is kept", {"type": "text", "v": "x", "interpret_as": "instruction"}, None,
     ("InterpretAs",), {}),
]

NEGATIVE: list[tuple[str, Any, str, tuple[str, ...], str, dict[str, str]]] = [
    ("Unknown type bytes", {"type": "bytes", "v": "AAEC"}, "value_invalid", ("UnknownType",), "STG-VAL-001", {}),
    ("Type in uppercase", {"type": "String", "v": "x"}, "value_invalid", ("UnknownType",), "STG-VAL-001", {}),
    ("Missing type", {"v": "x"}, "value_invalid", ("BadShape",), "STG-VAL-001", {}),
    ("Type is not a string", {"type": 1, "v": "x"}, "value_invalid", ("BadShape",), "STG-VAL-001", {}),
    ("Bare string instead of an object", "dark mode", "value_invalid", ("BadShape",), "STG-VAL-001", {}),
    ("Array instead of an object", ["string", "x"], "value_invalid", ("BadShape",), "STG-VAL-001", {}),
    ("JSON null instead of an object", None, "value_invalid", ("BadShape",), "STG-VAL-001", {}),
    ("Unknown extra member", {"type": "string", "v": "x", "unit": "kg"}, "value_invalid", ("BadShape",),
     "STG-VAL-001", STRICT),
    ("interpret_as outside its two values", {"type": "string", "v": "x", "interpret_as": "execute"},
     "value_invalid", ("InterpretAs",), "STG-VAL-006", {}),
    ("String holding a number", {"type": "string", "v": 42}, "value_invalid", ("TypeMismatch",), "STG-VAL-002",
     STRICT),
    ("String without v", {"type": "string"}, "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Text holding null", {"type": "text", "v": None}, "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Number holding a numeric string", {"type": "number", "v": "42"}, "value_invalid", ("TypeMismatch",),
     "STG-VAL-002", STRICT),
    ("Number holding text", {"type": "number", "v": "abc"}, "value_invalid", ("TypeMismatch",), "STG-VAL-002",
     STRICT),
    ("Number holding a boolean", {"type": "number", "v": True}, "value_invalid", ("TypeMismatch",),
     "STG-VAL-002", STRICT),
    ("Number without v", {"type": "number"}, "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Boolean holding one", {"type": "boolean", "v": 1}, "value_invalid", ("TypeMismatch",), "STG-VAL-002",
     STRICT),
    ("Boolean holding the string false", {"type": "boolean", "v": "false"}, "value_invalid", ("TypeMismatch",),
     "STG-VAL-002", STRICT),
    ("Datetime in words", {"type": "datetime", "v": "yesterday"}, "value_invalid", ("TypeMismatch",),
     "STG-VAL-002", STRICT),
    ("Date without a time", {"type": "datetime", "v": "2026-05-02"}, "value_invalid", ("TypeMismatch",),
     "STG-VAL-002", STRICT),
    ("Datetime without an offset", {"type": "datetime", "v": "2026-05-02T00:00:00"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime with month 13", {"type": "datetime", "v": "2026-13-01T00:00:00Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime with hour 25", {"type": "datetime", "v": "2026-05-02T25:00:00Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime as epoch milliseconds", {"type": "datetime", "v": 1746230400000}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Ref without a scheme", {"type": "ref", "v": "not a uri"}, "value_invalid", ("TypeMismatch",),
     "STG-VAL-002", STRICT),
    ("Empty ref", {"type": "ref", "v": ""}, "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Ref holding a number", {"type": "ref", "v": 7}, "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Null holding a string", {"type": "null", "v": "x"}, "value_invalid", ("TypeMismatch",), "STG-VAL-002",
     STRICT),
]

# Appended after the limit cases so earlier ids never move; code None means the value is accepted as sent.
LATER: list[tuple[str, Any, str | None, tuple[str, ...], str, dict[str, str]]] = [
    ("Leap second 60 is a valid datetime (RFC 3339 5.7)", {"type": "datetime", "v": "2016-12-31T23:59:60Z"}, None,
     ("Variant",), "STG-VAL-002", STRICT),
    ("Datetime on February 29 of a leap year", {"type": "datetime", "v": "2028-02-29T12:00:00Z"}, None,
     ("Variant",), "STG-VAL-002", STRICT),
    ("Datetime on February 30 is refused", {"type": "datetime", "v": "2026-02-30T00:00:00Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime on February 29 of a common year is refused", {"type": "datetime", "v": "2026-02-29T00:00:00Z"},
     "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Unknown type with v null is refused", {"type": "integer", "v": None}, "value_invalid", ("UnknownType",),
     "STG-VAL-001", {}),
    *[entry for month, days in enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), 1) for entry in (
        (f"Datetime on the last day of month {month} ({days})", {"type": "datetime",
         "v": f"2026-{month:02d}-{days:02d}T00:00:00Z"}, None, ("Variant",), "STG-VAL-002", STRICT),
        (f"Datetime one day past the end of month {month}", {"type": "datetime",
         "v": f"2026-{month:02d}-{days + 1:02d}T00:00:00Z"}, "value_invalid", ("TypeMismatch",), "STG-VAL-002",
         STRICT))],
    ("February 29 of 2000 (divisible by 400) is valid", {"type": "datetime", "v": "2000-02-29T00:00:00Z"}, None,
     ("Variant",), "STG-VAL-002", STRICT),
    ("February 29 of 2100 (divisible by 100, not 400) is refused", {"type": "datetime",
     "v": "2100-02-29T00:00:00Z"}, "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("February 30 of a leap year is refused", {"type": "datetime", "v": "2028-02-30T00:00:00Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime with month 00 is refused", {"type": "datetime", "v": "2026-00-10T00:00:00Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime at 23:59:59 is valid", {"type": "datetime", "v": "2026-05-02T23:59:59Z"}, None, ("Variant",),
     "STG-VAL-002", STRICT),
    ("Datetime with hour 24 is refused", {"type": "datetime", "v": "2026-05-02T24:00:00Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime with minute 60 is refused", {"type": "datetime", "v": "2026-05-02T12:60:00Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime with second 61 is refused", {"type": "datetime", "v": "2026-05-02T12:00:61Z"}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime with offset +05:30 is valid", {"type": "datetime", "v": "2026-05-02T12:00:00+05:30"}, None,
     ("Variant",), "STG-VAL-002", STRICT),
    ("Datetime with offset -23:59 is valid", {"type": "datetime", "v": "2026-05-02T12:00:00-23:59"}, None,
     ("Variant",), "STG-VAL-002", STRICT),
    ("Datetime with offset +24:00 is refused", {"type": "datetime", "v": "2026-05-02T12:00:00+24:00"},
     "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Datetime with offset -00:60 is refused", {"type": "datetime", "v": "2026-05-02T12:00:00-00:60"},
     "value_invalid", ("TypeMismatch",), "STG-VAL-002", STRICT),
    ("Number beyond the double range written as an integer", {"type": "number", "v": 10**400}, "value_invalid",
     ("TypeMismatch",), "STG-VAL-002", STRICT),
    # Blind round 1 (b1-val-datetime-uppercase-t-only): RFC 3339 §5.6 NOTE lets T and Z be lower case.
    ("Datetime with lower-case t and z is valid (RFC 3339 5.6)", {"type": "datetime", "v": "2026-05-02t12:00:00z"},
     None, ("Variant",), "STG-VAL-002", STRICT),
    ("Datetime with lower-case t and an offset is valid", {"type": "datetime", "v": "2026-05-02t12:00:00+01:00"},
     None, ("Variant",), "STG-VAL-002", STRICT),
]


def files() -> list[VectorFile]:
    vf = VectorFile("values", "validate", "Validation of a FactValue and its stored form.", NOTES,
                    source={"name": "Spec-01-Fact-Model, FactValue", "worked_by": "hand"})
    for description, value, stored, flags, interp in POSITIVE:
        reqs = ("STG-VAL-005",) if "NullForm" in flags else ("STG-VAL-006",) if "InterpretAs" in flags else (
            "STG-VAL-001", "STG-VAL-002")
        vf.add(Case(description, reqs, {"value": value}, ok(value, stored), flags, interp or None))
    for description, value, code, flags, req, interp in NEGATIVE:
        vf.add(Case(description, (req,), {"value": value}, invalid(code), flags, interp or None))
    limits = [
        ("Text exactly at a 16-byte limit", "a" * 16, True),
        ("Text one byte over a 16-byte limit", "a" * 17, False),
        ("Multi-byte text at the limit counts bytes", "\u00e9" * 8, True),
        ("Multi-byte text over the limit counts bytes", "\u00e9" * 9, False),
    ]
    for description, text, fits in limits:
        value = {"type": "text", "v": text}
        vf.add(Case(description, ("STG-VAL-003", "STG-VAL-004"), {"value": value, "max_text_bytes": 16},
                    ok(value) if fits else invalid("value_too_large"), ("TooLarge",), LIMIT))
    big = {"type": "text", "v": "a" * 65537}
    vf.add(Case("Text one byte over the default 64 KiB limit", ("STG-VAL-003", "STG-VAL-004"), {"value": big},
                invalid("value_too_large"), ("TooLarge",), LIMIT))
    # Appended for the mutant catalogue (tests/mutants): each case kills a mutant no earlier case did.
    for description, value, code, flags, req, interp in LATER:
        expected = ok(value) if code is None else invalid(code)
        vf.add(Case(description, (req,), {"value": value}, expected, flags, interp or None))
    return [vf]
