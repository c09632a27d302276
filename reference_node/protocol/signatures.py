"""Ed25519 signatures over canonical JSON documents (A08 §6.1; A20 §19.1.3, §23.2.4; seed "Architecture").

Requirements: STG-SIG-001 (PeerDeclaration covers every field except ``declaration_sig``, interpretation
``peer_declaration_fields``), STG-SIG-002 (base64url without padding), STG-SIG-003/004 (tombstones leave out
``signature`` and ``reason``; ``key_id`` is signed), STG-SIG-005 (manifests), STG-SIG-006 (verification, interpretation
``ed25519_policy``). A verifier checks document shape, key encoding, signature encoding, then the signature.
Key lookup (manifests, well-known documents) is the caller's job.

>>> revocation = {"id": "tombrevoke_1", "tombstone_id": "tomb_1", "reason": "appeal upheld",
...               "signed_by": "stigmem://a/admin/ops", "created_at": "2026-05-02T00:00:00Z"}
>>> preimage("tombstone_revocation", revocation)
b'{"created_at":"2026-05-02T00:00:00Z","id":"tombrevoke_1","signed_by":"stigmem://a/admin/ops","tombstone_id":"tomb_1"}'
>>> verify("tombstone_revocation", sign("tombstone_revocation", revocation, bytes(32)),
...        "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik")
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reference_node.protocol import base64url, ed25519_policy
from reference_node.protocol.errors import JcsError, KeyMalformed, SignatureDocumentInvalid, SignatureMalformed
from reference_node.protocol.jcs import canonical

__all__ = ["KINDS", "Kind", "KindRule", "preimage", "sign", "signing_key", "verify"]

Kind = Literal["peer_declaration", "tombstone", "tombstone_revocation", "manifest"]
DeclarationFields = Literal["a08-jcs", "upstream-0.9.0a12"]


@dataclass(frozen=True)
class KindRule:
    signature_field: str
    left_out: frozenset[str]
    required: tuple[str, ...]


# docs/adapter-protocol.md "Signature kinds": the signature field, the fields left out of the preimage, and
# the members the document shape requires besides the signature (A08 §6.1, A20 §23.2.1, Spec-04).
KINDS: Mapping[str, KindRule] = MappingProxyType(
    {
        "peer_declaration": KindRule(
            "declaration_sig",
            frozenset({"declaration_sig"}),
            ("node_url", "node_id", "federation_pubkey", "allowed_scopes", "signed_at"),
        ),
        "tombstone": KindRule(
            "signature",
            frozenset({"signature", "reason"}),
            ("id", "entity_uri", "scope", "signed_by", "key_id", "created_at", "legal_hold"),
        ),
        "tombstone_revocation": KindRule(
            "signature",
            frozenset({"signature", "reason"}),
            ("id", "tombstone_id", "signed_by", "created_at"),
        ),
        "manifest": KindRule(
            "signature",
            frozenset({"signature"}),
            ("entity_uri", "entities", "public_key", "key_id", "issued_at", "expires_at"),
        ),
    }
)
# Interpretation peer_declaration_fields=upstream-0.9.0a12: the five fields upstream signs, ASCII-escaped JSON.
_UPSTREAM_DECLARATION_FIELDS = ("allowed_scopes", "federation_pubkey", "node_id", "node_url", "signed_at")


def _checked(kind: object, document: object) -> tuple[KindRule, Mapping[str, Any]]:
    """Verify order 1: a known kind, a JSON object, and every member the kind requires."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise SignatureDocumentInvalid(f"unknown signature kind {kind!r}")
    if not isinstance(document, Mapping):
        raise SignatureDocumentInvalid("a signed document is a JSON object")
    rule = KINDS[kind]
    missing = [name for name in rule.required if name not in document]
    if missing:
        raise SignatureDocumentInvalid(f"{kind} lacks {missing}")
    return rule, document


def _upstream_declaration(document: Mapping[str, Any]) -> bytes:
    signed = {name: document[name] for name in _UPSTREAM_DECLARATION_FIELDS}
    try:
        return json.dumps(signed, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("ascii")
    except (TypeError, ValueError) as exc:
        raise SignatureDocumentInvalid(f"declaration is not JSON: {exc}") from exc


def preimage(kind: object, document: object, declaration_fields: DeclarationFields = "a08-jcs") -> bytes:
    """The bytes a signature of ``kind`` covers."""
    rule, doc = _checked(kind, document)
    if kind == "peer_declaration" and declaration_fields == "upstream-0.9.0a12":
        return _upstream_declaration(doc)
    # STG-SIG-001/003/005: RFC 8785 of every field but the ones the kind leaves out.
    try:
        return canonical({name: value for name, value in doc.items() if name not in rule.left_out})
    except JcsError as exc:
        raise SignatureDocumentInvalid(f"document cannot be canonicalized: {exc}") from exc


def signing_key(seed: bytes) -> Ed25519PrivateKey:
    """The Ed25519 key of a 32-byte seed (RFC 8032 §5.1.5)."""
    if len(seed) != 32:
        raise KeyMalformed("an Ed25519 seed is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def sign(
    kind: object, document: object, seed: bytes, declaration_fields: DeclarationFields = "a08-jcs"
) -> dict[str, Any]:
    """A copy of ``document`` with its signature field set (STG-SIG-002: base64url without padding)."""
    rule, doc = _checked(kind, document)
    signature = signing_key(seed).sign(preimage(kind, doc, declaration_fields))
    return {**doc, rule.signature_field: base64url.encode(signature)}


def verify(
    kind: object,
    document: object,
    public_key_b64u: object,
    *,
    policy: ed25519_policy.Policy = "strict",
    declaration_fields: DeclarationFields = "a08-jcs",
) -> None:
    """Raise unless ``document`` carries a valid signature by ``public_key_b64u``."""
    rule, doc = _checked(kind, document)
    # Verify order 1: the document shape, including its signature field.
    if rule.signature_field not in doc:
        raise SignatureDocumentInvalid(f"document has no {rule.signature_field}")
    message = preimage(kind, doc, declaration_fields)
    # Verify order 2, STG-SIG-002: the key is base64url of 32 bytes.
    try:
        public_key = base64url.decode(public_key_b64u, length=32)
    except base64url.Base64UrlError as exc:
        raise KeyMalformed(f"public key: {exc}") from exc
    # Verify order 3, STG-SIG-002: the signature is base64url of 64 bytes.
    try:
        signature = base64url.decode(doc[rule.signature_field], length=64)
    except base64url.Base64UrlError as exc:
        raise SignatureMalformed(f"signature: {exc}") from exc
    # Verify order 4, STG-SIG-006: the signature itself, under the Ed25519 policy in force.
    ed25519_policy.verify(public_key, message, signature, policy)
