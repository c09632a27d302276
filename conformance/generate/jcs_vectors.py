"""RFC 8785 vectors: ``vectors/jcs/canonicalize.json`` (STG-JCS-001..008).

Inputs are JSON texts given as hex bytes (so malformed UTF-8 can be carried); expected outputs are
computed by ``conformance.oracle.jcs`` (the ``rfc8785`` package behind an I-JSON strict parse).
"""

from __future__ import annotations

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import jcs

NOTES = {
    "NumberFormat": {"description": "Number serialization per ECMAScript Number.prototype.toString.",
                     "effect": "Two implementations hash different bytes for the same value.",
                     "requirements": "STG-JCS-002"},
    "KeyOrder": {"description": "Member names sorted by UTF-16 code units, not code points or bytes.",
                 "effect": "Objects with non-BMP or mixed-script keys canonicalize differently.",
                 "requirements": "STG-JCS-001"},
    "StringEscape": {"description": "Minimal string escaping.",
                     "effect": "Escaped and literal forms of one string produce different bytes.",
                     "requirements": "STG-JCS-003"},
    "Whitespace": {"description": "Insignificant whitespace removed; structure and literals kept.",
                   "effect": "Pretty-printed input yields different bytes.", "requirements": "STG-JCS-004"},
    "DuplicateKey": {"description": "An object repeats a member name.",
                     "effect": "Which value wins is parser-defined, so signatures can be ambiguous.",
                     "requirements": "STG-JCS-005"},
    "LoneSurrogate": {"description": "A string holds an unpaired UTF-16 surrogate.",
                      "effect": "The string has no UTF-8 form; implementations emit different bytes.",
                      "requirements": "STG-JCS-006"},
    "NumberOutOfRange": {"description": "A number that is not a finite IEEE 754 double.",
                         "effect": "Infinity has no JSON form; parsers disagree.",
                         "requirements": "STG-JCS-007"},
    "InvalidUtf8": {"description": "The input bytes are not valid UTF-8.",
                    "effect": "Replacement-character decoding changes the hashed bytes.",
                    "requirements": "STG-JCS-008"},
    "InvalidJson": {"description": "The input is not a JSON text (RFC 8259).",
                    "effect": "Lenient parsers accept input others reject.", "requirements": "STG-JCS-004"},
}

# (description, json text, flags, requirements)
POSITIVE: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("Negative zero is written 0", "-0", ("NumberFormat",), ("STG-JCS-002",)),
    ("Negative zero with a fraction is written 0", "-0.0", ("NumberFormat",), ("STG-JCS-002",)),
    ("Integral double drops its fraction", "1.0", ("NumberFormat",), ("STG-JCS-002",)),
    ("1e21 uses exponent notation", "1e21", ("NumberFormat",), ("STG-JCS-002",)),
    ("1e20 is written in full", "1e20", ("NumberFormat",), ("STG-JCS-002",)),
    ("Smallest subnormal double", "5e-324", ("NumberFormat",), ("STG-JCS-002",)),
    ("Negative smallest subnormal double", "-5e-324", ("NumberFormat",), ("STG-JCS-002",)),
    ("Largest finite double", "1.7976931348623157e308", ("NumberFormat",), ("STG-JCS-002",)),
    ("Sum 0.1+0.2 keeps its shortest round-trip digits", "0.30000000000000004", ("NumberFormat",),
     ("STG-JCS-002",)),
    ("1e-6 is written as a decimal", "0.000001", ("NumberFormat",), ("STG-JCS-002",)),
    ("1e-7 uses exponent notation", "1E-7", ("NumberFormat",), ("STG-JCS-002",)),
    ("Trailing fraction zeros are dropped", "4.50", ("NumberFormat",), ("STG-JCS-002",)),
    ("Exponent input becomes decimal", "2e-3", ("NumberFormat",), ("STG-JCS-002",)),
    ("Integer above 2^53 rounds to the nearest double", "9007199254740993", ("NumberFormat",),
     ("STG-JCS-002",)),
    ("Shortest digits of a long decimal", "333333333.33333329", ("NumberFormat",), ("STG-JCS-002",)),
    ("Large integral double below 1e21", "295147905179352830000", ("NumberFormat",), ("STG-JCS-002",)),
    ("Uppercase exponent with plus sign", "1.5E+300", ("NumberFormat",), ("STG-JCS-002",)),
    ("Smallest normal double", "2.2250738585072014e-308", ("NumberFormat",), ("STG-JCS-002",)),
    ("Confidence values as found in facts", "[1.0,0.0,0.5,0.9,1e-7]", ("NumberFormat",), ("STG-JCS-002",)),
    ("Members sorted by name", '{"b":1,"a":2,"c":3}', ("KeyOrder",), ("STG-JCS-001",)),
    ("Nested objects sorted recursively", '{"z":{"y":1,"x":2},"a":[{"d":1,"c":2}]}', ("KeyOrder",),
     ("STG-JCS-001",)),
    ("Non-BMP key sorts by UTF-16 code units before U+FB33",
     '{"\\ufb33":1,"\\ud83d\\ude00":2}', ("KeyOrder",), ("STG-JCS-001",)),
    ("Control, digit, Latin-1 and euro keys in code-unit order",
     '{"\\u20ac":1,"\\r":2,"\\u00f6":3,"1":4,"\\u0080":5}', ("KeyOrder",), ("STG-JCS-001",)),
    ("Uppercase sorts before lowercase", '{"a":1,"A":2,"B":3,"b":4}', ("KeyOrder",), ("STG-JCS-001",)),
    ("Empty member name sorts first", '{"a":1,"":2}', ("KeyOrder",), ("STG-JCS-001",)),
    ("Numeric-looking names sort as strings", '{"10":1,"9":2,"1":3}', ("KeyOrder",), ("STG-JCS-001",)),
    ("Name prefix sorts before its extension", '{"ab":1,"a":2,"abc":3}', ("KeyOrder",), ("STG-JCS-001",)),
    ("Escaped ASCII letter becomes literal", '"\\u0041"', ("StringEscape",), ("STG-JCS-003",)),
    ("Escaped solidus becomes literal", '"a\\/b"', ("StringEscape",), ("STG-JCS-003",)),
    ("Short escapes kept for b f n r t", '"\\b\\f\\n\\r\\t"', ("StringEscape",), ("STG-JCS-003",)),
    ("Other controls use lowercase \\u00XX", '"\\u0001\\u001F\\u000b"', ("StringEscape",), ("STG-JCS-003",)),
    ("DEL is written raw", '"\\u007f"', ("StringEscape",), ("STG-JCS-003",)),
    ("Line separator U+2028 is written raw", '"\\u2028\\u2029"', ("StringEscape",), ("STG-JCS-003",)),
    ("Quote and backslash stay escaped", '"q\\"b\\\\"', ("StringEscape",), ("STG-JCS-003",)),
    ("Escaped surrogate pair becomes a raw emoji", '"\\ud83d\\ude00"', ("StringEscape",), ("STG-JCS-003",)),
    ("Non-ASCII text stays literal UTF-8", '"caf\u00e9 \u2603 \u65e5\u672c"', ("StringEscape",),
     ("STG-JCS-003", "STG-JCS-008")),
    ("HTML-sensitive characters are not escaped", '"</script>&<>\'"', ("StringEscape",), ("STG-JCS-003",)),
    ("Pretty-printed object becomes compact", '{\n  "a" : [ 1 , 2 ],\n\t"b" : { }\n}\n',
     ("Whitespace",), ("STG-JCS-004",)),
    ("Literals kept as is", "[true,false,null]", ("Whitespace",), ("STG-JCS-004",)),
    ("Array order is kept", "[3,1,2]", ("Whitespace",), ("STG-JCS-004",)),
    ("Empty object and array", '{"a":{},"b":[]}', ("Whitespace",), ("STG-JCS-004",)),
    ("Top-level string", '  "x"  ', ("Whitespace",), ("STG-JCS-004",)),
    ("Deep nesting", "[[[[[[[[[[{}]]]]]]]]]]", ("Whitespace",), ("STG-JCS-004",)),
    ("A fact body as the CID hashes it",
     '{"value":{"v":"dark mode","type":"string"},"source":"agent:example","scope":"local",'
     '"relation":"memory:prefers","entity":"stigmem://example/user/alice","confidence":1.0}',
     ("KeyOrder", "NumberFormat"), ("STG-JCS-001", "STG-JCS-002")),
    ("Mixed example with unicode, numbers and literals",
     '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],'
     '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
     ("KeyOrder", "NumberFormat", "StringEscape"), ("STG-JCS-001", "STG-JCS-002", "STG-JCS-003")),
]

NEGATIVE: list[tuple[str, bytes, str, str]] = [
    ("Duplicate member name", b'{"a":1,"a":2}', "DuplicateKey", "STG-JCS-005"),
    ("Duplicate member name in a nested object", b'{"x":{"k":true,"k":false}}', "DuplicateKey", "STG-JCS-005"),
    ("Duplicate member name spelled with an escape", b'{"a":1,"\\u0061":2}', "DuplicateKey", "STG-JCS-005"),
    ("Lone high surrogate", b'"\\ud800"', "LoneSurrogate", "STG-JCS-006"),
    ("Lone low surrogate", b'"\\udc00"', "LoneSurrogate", "STG-JCS-006"),
    ("Reversed surrogate pair", b'"\\udc00\\ud800"', "LoneSurrogate", "STG-JCS-006"),
    ("High surrogate followed by a letter", b'"\\ud800A"', "LoneSurrogate", "STG-JCS-006"),
    ("Lone surrogate in a member name", b'{"\\udfff":1}', "LoneSurrogate", "STG-JCS-006"),
    ("Number beyond the double range", b"1e400", "NumberOutOfRange", "STG-JCS-007"),
    ("Negative number beyond the double range", b"[-1e400]", "NumberOutOfRange", "STG-JCS-007"),
    ("Four-hundred-digit integer", b"1" * 400, "NumberOutOfRange", "STG-JCS-007"),
    ("NaN token", b"NaN", "InvalidJson", "STG-JCS-007"),
    ("Infinity token", b'{"a":Infinity}', "InvalidJson", "STG-JCS-007"),
    ("Negative Infinity token", b"[-Infinity]", "InvalidJson", "STG-JCS-007"),
    ("Byte 0xFF", b'"\xff"', "InvalidUtf8", "STG-JCS-008"),
    ("Overlong encoding of solidus", b'"\xc0\xaf"', "InvalidUtf8", "STG-JCS-008"),
    ("Truncated multi-byte sequence", b'"\xe2\x82"', "InvalidUtf8", "STG-JCS-008"),
    ("UTF-8 encoded surrogate", b'"\xed\xa0\x80"', "InvalidUtf8", "STG-JCS-008"),
    ("Trailing comma in an array", b"[1,2,]", "InvalidJson", "STG-JCS-004"),
    ("Single-quoted string", b"'a'", "InvalidJson", "STG-JCS-004"),
    ("Unquoted member name", b"{a:1}", "InvalidJson", "STG-JCS-004"),
    ("Two values in one text", b"1 2", "InvalidJson", "STG-JCS-004"),
    ("Empty input", b"", "InvalidJson", "STG-JCS-004"),
    ("Raw control character in a string", b'"a\x01b"', "InvalidJson", "STG-JCS-004"),
    ("Leading zero", b"01", "InvalidJson", "STG-JCS-004"),
    ("Leading plus sign", b"+1", "InvalidJson", "STG-JCS-004"),
]


def files() -> list[VectorFile]:
    vf = VectorFile("jcs", "canonicalize", "RFC 8785 canonical bytes of a JSON text.", NOTES,
                    source={"name": "RFC 8785", "verified_against": ["rfc8785 (PyPI)"]})
    for description, text, flags, reqs in POSITIVE:
        data = text.encode("utf-8")
        out = jcs.canonicalize(data)
        vf.add(Case(description, reqs, {"input_hex": data.hex()}, valid(output_hex=out.hex()), flags,
                    display={"input": text, "output": out.decode("utf-8")}))
    for description, data, flag, req in NEGATIVE:
        _negative(vf, description, data, flag, req)
    # Appended for the automatic mutation sweep (tests/mutants/sweep.py): the code points just outside the
    # surrogate range are ordinary characters.
    for description, text, flags, reqs in (
        ("U+D7FF and U+E000 beside the surrogate range are written raw", '"\\ud7ff\\ue000"', ("StringEscape",),
         ("STG-JCS-003", "STG-JCS-006")),
    ):
        data = text.encode("utf-8")
        out = jcs.canonicalize(data)
        vf.add(Case(description, reqs, {"input_hex": data.hex()}, valid(output_hex=out.hex()), flags,
                    display={"input": text, "output": out.decode("utf-8")}))
    # Appended for blind round 5 (b5-jcs-dup-key-first-member-only): the repeated name is not the first member.
    for description, data in (("Duplicate member name after the first member", b'{"a":1,"b":2,"b":3}'),
                              ("Duplicate member name apart from its twin", b'{"b":1,"a":2,"c":3,"a":4}')):
        _negative(vf, description, data, "DuplicateKey", "STG-JCS-005")
    return [vf]


def _negative(vf: VectorFile, description: str, data: bytes, flag: str, req: str) -> None:
    """A text the oracle must reject: the vector expects the oracle's error code."""
    try:
        jcs.canonicalize(data)
    except jcs.JcsRejected as exc:
        vf.add(Case(description, (req,), {"input_hex": data.hex()}, invalid(exc.code), (flag,)))
    else:
        raise AssertionError(f"oracle accepted negative JCS input {data!r}")
