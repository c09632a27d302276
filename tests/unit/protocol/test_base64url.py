"""reference_node.protocol.base64url: strict unpadded base64url (RFC 4648 §5, STG-SIG-002)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_node.protocol.base64url import Base64UrlError, decode, encode


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"", ""), (b"f", "Zg"), (b"fo", "Zm8"), (b"foo", "Zm9v"), (b"\xfb\xff\xbf", "-_-_")],
)
def test_rfc4648_examples(data, text):
    assert encode(data) == text
    assert decode(text) == data


@pytest.mark.parametrize("text", ["Zg==", "Zm8=", "+/+/", "Zm9v\n", " Zm9v", "Zm 9v", "Z", "Zh", "Zm9", 42])
def test_rejects_non_canonical(text):
    # Padding, '+', '/', whitespace, impossible lengths, non-zero unused bits ("Zh", "Zm9"), non-strings.
    with pytest.raises(Base64UrlError):
        decode(text)


def test_length_check():
    assert decode(encode(bytes(32)), length=32) == bytes(32)
    with pytest.raises(Base64UrlError):
        decode(encode(bytes(31)), length=32)


@given(st.binary(max_size=80))
def test_round_trip(data):
    assert decode(encode(data)) == data
