"""Ed25519 signing and verification, base64url and the JCS preimages of stigmem's signed documents.

Thin on purpose: every primitive comes from ``cryptography`` (OpenSSL), ``rfc8785`` or ``hashlib``; this module
only says which bytes are signed. Preimages per signature kind (docs/adapter-protocol.md, "Signature kinds"):

- ``peer_declaration``: signature field ``declaration_sig``; under ``a08-jcs`` RFC 8785 of every other member,
  under ``upstream-0.9.0a12`` sorted compact ``json.dumps`` (ASCII escaping) of the five upstream fields;
- ``tombstone`` and ``tombstone_revocation``: field ``signature``; RFC 8785 without ``signature`` and ``reason``;
- ``manifest``: field ``signature``; RFC 8785 without ``signature``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "KINDS",
    "PEER_DECLARATION_OPTIONS",
    "SIGNATURE_FIELD",
    "UPSTREAM_DECLARATION_FIELDS",
    "b64u_decode",
    "b64u_encode",
    "jcs",
    "key_id",
    "preimage",
    "public_key",
    "secret_scalar",
    "sign",
    "verify",
]

# The signature member of each kind, and the members its preimage leaves out.
SIGNATURE_FIELD: dict[str, str] = {
    "peer_declaration": "declaration_sig",
    "tombstone": "signature",
    "tombstone_revocation": "signature",
    "manifest": "signature",
}
_EXCLUDED: dict[str, frozenset[str]] = {
    "peer_declaration": frozenset({"declaration_sig"}),
    "tombstone": frozenset({"signature", "reason"}),
    "tombstone_revocation": frozenset({"signature", "reason"}),
    "manifest": frozenset({"signature"}),
}
KINDS = tuple(SIGNATURE_FIELD)

# Options of interpretation ``peer_declaration_fields`` (vectors/interpretations.json).
PEER_DECLARATION_OPTIONS = ("a08-jcs", "upstream-0.9.0a12")
UPSTREAM_DECLARATION_FIELDS = ("allowed_scopes", "federation_pubkey", "node_id", "node_url", "signed_at")

_B64U_TEXT = re.compile(r"[A-Za-z0-9_-]*")


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical bytes of a JSON value."""
    out: bytes = rfc8785.dumps(value)
    return out


def b64u_encode(data: bytes) -> str:
    """Base64url without padding (RFC 4648 section 5, as JWS and the stigmem wire use it)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Strict base64url without padding: raises ``ValueError`` on '=', '+', '/', other characters,
    an impossible length, or non-zero trailing bits (a non-canonical encoding)."""
    if not _B64U_TEXT.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError(f"not unpadded base64url: {text!r}")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError(str(exc)) from exc
    if b64u_encode(data) != text:
        raise ValueError(f"non-canonical base64url: {text!r}")
    return data


def public_key(seed: bytes) -> bytes:
    """The 32-byte raw public key of a 32-byte seed."""
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def secret_scalar(seed: bytes) -> int:
    """RFC 8032 section 5.1.5: the clamped scalar a = s from the first half of SHA-512(seed)."""
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return int.from_bytes(h, "little")


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``message`` under the key of ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """What ``cryptography`` (OpenSSL) answers; False for a key it cannot load."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def key_id(public: bytes) -> str:
    """Tombstone and manifest ``key_id``: lowercase hex SHA-256 of the raw public key."""
    return hashlib.sha256(public).hexdigest()


def preimage(kind: str, document: Mapping[str, Any], fields: str = "a08-jcs") -> bytes:
    """The bytes a ``kind`` signature covers; ``fields`` is the ``peer_declaration_fields`` option."""
    if kind not in _EXCLUDED:
        raise ValueError(f"unknown signature kind {kind!r}")
    if kind == "peer_declaration" and fields == "upstream-0.9.0a12":
        body = {name: document[name] for name in UPSTREAM_DECLARATION_FIELDS}
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    if fields not in PEER_DECLARATION_OPTIONS:
        raise ValueError(f"unknown peer_declaration_fields option {fields!r}")
    return jcs({k: v for k, v in document.items() if k not in _EXCLUDED[kind]})
