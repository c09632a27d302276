"""Strict base64url without padding, the wire encoding of Ed25519 keys, signatures and token parts (Spec-05; A08 §6.1).

Requirement: STG-SIG-002 (a malformed encoding is rejected). ``decode`` accepts exactly what ``encode`` produces:
the RFC 4648 §5 alphabet, no '=' padding, no '+', '/' or whitespace, no impossible length, and zero unused bits in
the last character (RFC 4648 §3.5), so every byte string has one spelling.

>>> encode(b"\\xfb\\xff")
'-_8'
>>> decode("-_8")
b'\\xfb\\xff'
"""

from __future__ import annotations

import base64

__all__ = ["Base64UrlError", "decode", "encode"]

# RFC 4648 §5: the URL- and filename-safe alphabet.
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class Base64UrlError(ValueError):
    """Not canonical unpadded base64url; the caller turns it into its own protocol error."""


def encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: object, *, length: int | None = None) -> bytes:
    """Decode canonical unpadded base64url, optionally of exactly ``length`` bytes."""
    if not isinstance(text, str):
        raise Base64UrlError("base64url text must be a string")
    if not set(text) <= _ALPHABET:
        raise Base64UrlError("base64url text has a character outside the unpadded URL-safe alphabet")
    if len(text) % 4 == 1:
        raise Base64UrlError("base64url text has an impossible length")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if encode(data) != text:
        raise Base64UrlError("base64url text has non-zero unused bits")
    if length is not None and len(data) != length:
        raise Base64UrlError(f"expected {length} bytes, got {len(data)}")
    return data
