"""reference_node.protocol.jcs against RFC 8785's own examples and the I-JSON rejections (STG-JCS-001..008)."""

import json
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_node.protocol import jcs
from reference_node.protocol.errors import (
    JcsDuplicateKey,
    JcsInvalidJson,
    JcsInvalidUtf8,
    JcsLoneSurrogate,
    JcsNumberOutOfRange,
)

# RFC 8785 §3.2.2 / §3.2.4 main example: input text and its canonical form.
RFC8785_INPUT = rb"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC8785_OUTPUT = (
    b'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    b'"string":"\xe2\x82\xac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
)

# RFC 8785 §3.2.3 sorting example: members sorted by UTF-16 code units.
RFC8785_SORT_INPUT = rb"""{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"""
RFC8785_SORT_ORDER = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]

# RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialization.
RFC8785_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def test_rfc8785_example():
    assert jcs.canonicalize(RFC8785_INPUT) == RFC8785_OUTPUT


def test_members_sorted_by_utf16_code_units():
    output = jcs.canonicalize(RFC8785_SORT_INPUT)
    assert list(json.loads(output)) == RFC8785_SORT_ORDER
    assert output.startswith(b'{"\\r":"Carriage Return","1":"One","\xc2\x80":"Control"')


@pytest.mark.parametrize(("bits", "expected"), RFC8785_NUMBERS)
def test_number_serialization(bits, expected):
    number = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert jcs.canonicalize(repr(number).encode()) == expected.encode()
    assert jcs.canonical(number) == expected.encode()


def test_numbers_are_read_as_doubles():
    assert jcs.canonicalize(b"9007199254740993") == b"9007199254740992"
    assert jcs.canonicalize(b"[-0, 1.0, 1e-400]") == b"[0,1,0]"


def test_whitespace_removed_and_array_order_kept():
    assert jcs.canonicalize(b' [ 3 ,\t"b" ,\n"a",\r{} ] ') == b'[3,"b","a",{}]'


def test_controls_escaped_and_u007f_literal():
    assert jcs.canonicalize(b'"\\u0001\\u001f\\u007f</script>"') == b'"\\u0001\\u001f\x7f</script>"'


@pytest.mark.parametrize(
    "text", [b'"\xff"', b'"\xc3"', b"\xc0\xaf", b'"\xed\xa0\xbd\xed\xb8\x80"', b'"\xed\xa0\x80"', b'{"\xed\xbf\xbf":1}']
)
def test_rejects_invalid_utf8(text):
    with pytest.raises(JcsInvalidUtf8):
        jcs.canonicalize(text)


@pytest.mark.parametrize(
    "text",
    [
        b'"\\ud800"',
        b'"\\udc00"',
        b'"\\ude00\\ud83d"',
        b'{"\\ud83d": 1}',
        b'["a", ["\\udfff"]]',
    ],
)
def test_rejects_lone_surrogate(text):
    with pytest.raises(JcsLoneSurrogate):
        jcs.canonicalize(text)


@pytest.mark.parametrize("text", [b'{"a": 1, "a": 1}', b'[{"x": {"b": 1, "b": 2}}]'])
def test_rejects_duplicate_key(text):
    with pytest.raises(JcsDuplicateKey):
        jcs.canonicalize(text)


@pytest.mark.parametrize("text", [b"1e400", b"-1e400", b"[" + b"9" * 400 + b"]"])
def test_rejects_number_out_of_range(text):
    with pytest.raises(JcsNumberOutOfRange):
        jcs.canonicalize(text)


@pytest.mark.parametrize(
    "text",
    [b"NaN", b"[Infinity]", b"-Infinity", b"", b"{} x", b"[1,]", b"01", b"'a'", b"\xef\xbb\xbf{}", b"[" * 100_000],
)
def test_rejects_invalid_json(text):
    with pytest.raises(JcsInvalidJson):
        jcs.canonicalize(text)


def test_syntax_error_reported_before_other_faults():
    with pytest.raises(JcsInvalidJson):
        jcs.canonicalize(b'{"a": 1, "a": 2} trailing')


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (float("nan"), JcsNumberOutOfRange),
        (10**400, JcsNumberOutOfRange),
        ("\udc00", JcsLoneSurrogate),
        ({1: "x"}, JcsInvalidJson),
        (object(), JcsInvalidJson),
    ],
)
def test_canonical_rejects_non_ijson_objects(value, error):
    with pytest.raises(error):
        jcs.canonical(value)


def test_canonical_rounds_large_integers_to_doubles():
    assert jcs.canonical({"n": 2**53 + 1, "t": (1, 2)}) == b'{"n":9007199254740992,"t":[1,2]}'


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_canonicalization_is_idempotent(value):
    try:
        once = jcs.canonical(value)
    except (JcsLoneSurrogate, JcsNumberOutOfRange):
        return
    assert jcs.canonicalize(once) == once
