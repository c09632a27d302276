"""RTBF tombstones: the record, its scope pattern and its signature (Spec-X2; A20 §23.2; seed "RTBF / tombstones").

Requirements: STG-TOMB-001 (``tomb_`` + UUIDv7 ids), STG-TOMB-002 (one exact entity, normalized like a fact's,
interpretation tombstone_entity_uri), STG-TOMB-005 (a scope pattern is ``*``, one scope, or an array of scopes,
interpretation tombstone_scope_array), STG-TOMB-011 (which fact scopes a pattern covers), STG-TOMB-004/017/018 (the
seed: "Tombstones use RFC 8785 (JCS) canonical JSON. ``signature`` and ``reason`` fields are excluded before
canonicalization. The ``key_id`` field identifies the signing key without trial-verification"). Keys, ids and
instants are parameters; nothing here reads a clock or a database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from reference_node.protocol import base64url, signatures
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri, ProtocolError
from reference_node.protocol.facts import SCOPES

__all__ = [
    "REDACTED",
    "TombstoneEntityInvalid",
    "TombstoneInvalid",
    "TombstoneScopeInvalid",
    "covered_scopes",
    "entity_uri",
    "key_id",
    "revocation",
    "scope_pattern",
    "tombstone",
    "verify",
]

# A20 §23.4.1: a rebroadcast may carry reason "redacted"; the signature does not cover reason.
REDACTED = "redacted"
_WILDCARD = "*"


class TombstoneScopeInvalid(ProtocolError):
    code = "tombstone_invalid_scope"
    requirement = "STG-TOMB-005"


class TombstoneEntityInvalid(ProtocolError):
    code = "tombstone_entity_uri_invalid"
    requirement = "STG-TOMB-002"


class TombstoneInvalid(ProtocolError):
    """An inbound tombstone or revocation whose shape or signature does not hold."""

    code = "tombstone_verification_failed"
    requirement = "STG-TOMB-018"


def key_id(public_key_b64u: str) -> str:
    """Interpretation tombstone_key_id (A20 §23.2.1, X2-7): SHA-256 hex (64 digits) of the raw 32-byte key."""
    return hashlib.sha256(base64url.decode(public_key_b64u, length=32)).hexdigest()


def entity_uri(raw: object) -> str:
    """The tombstoned entity, normalized like a fact entity (STG-TOMB-015); never a wildcard (STG-TOMB-002)."""
    # STG-TOMB-002: one exact entity: no wildcard character anywhere in it.
    if isinstance(raw, str) and ("*" in raw or "?" in raw):
        raise TombstoneEntityInvalid("a tombstone names one exact entity, never a pattern")
    try:
        return normalize(raw)
    except InvalidEntityUri as exc:
        raise TombstoneEntityInvalid(f"entity_uri: {exc}") from exc


def scope_pattern(raw: object) -> str | list[str]:
    """The pattern as stored and signed: ``*``, one scope, or a sorted array of distinct scopes (X2-3)."""
    # STG-TOMB-005: "*" or one of the four scopes.
    if isinstance(raw, str):
        if raw == _WILDCARD or raw in SCOPES:
            return raw
        raise TombstoneScopeInvalid(f"scope must be *, one of {', '.join(SCOPES)}, or an array of those")
    # STG-TOMB-005 (interpretation tombstone_scope_array): an array is a union of distinct scopes, sorted on issue.
    if not isinstance(raw, list) or not raw:
        raise TombstoneScopeInvalid("scope must be a string or a non-empty array of scopes")
    if any(not isinstance(item, str) or item not in SCOPES for item in raw):
        raise TombstoneScopeInvalid(f"an array scope holds only {', '.join(SCOPES)}")
    if len(set(raw)) != len(raw):
        raise TombstoneScopeInvalid("an array scope lists each scope once")
    return sorted(raw)


def covered_scopes(pattern: object) -> tuple[str, ...]:
    """STG-TOMB-011: the fact scopes a pattern covers (``*`` all four, an array its members)."""
    if pattern == _WILDCARD:
        return SCOPES
    if isinstance(pattern, str):
        return (pattern,) if pattern in SCOPES else ()
    if isinstance(pattern, list):
        return tuple(scope for scope in SCOPES if scope in pattern)
    return ()


def tombstone(tombstone_id: str, entity: str, scope: str | list[str], reason: str | None, signed_by: str,
              created_at: str, legal_hold: bool, seed: bytes) -> dict[str, Any]:
    """A signed TombstoneRecord (A20 §23.2.1) with ``key_id`` of the seed's public key."""
    public = base64url.encode(signatures.signing_key(seed).public_key().public_bytes_raw())
    record = {"id": tombstone_id, "entity_uri": entity, "scope": scope, "reason": reason, "signed_by": signed_by,
              "key_id": key_id(public), "created_at": created_at, "legal_hold": legal_hold}
    # STG-TOMB-004 (seed): the signature covers JCS of the record without signature and reason, key_id included.
    return signatures.sign("tombstone", record, seed)


def revocation(revocation_id: str, tombstone_id: str, reason: str, signed_by: str, created_at: str,
               seed: bytes) -> dict[str, Any]:
    """A signed TombstoneRevocationRecord (A20 §23.2.1, with the reference implementation's key_id)."""
    public = base64url.encode(signatures.signing_key(seed).public_key().public_bytes_raw())
    record = {"id": revocation_id, "tombstone_id": tombstone_id, "reason": reason, "signed_by": signed_by,
              "key_id": key_id(public), "created_at": created_at}
    return signatures.sign("tombstone_revocation", record, seed)


def verify(kind: str, document: object, keys: Mapping[str, str]) -> Mapping[str, Any]:
    """Check an inbound tombstone (``kind`` tombstone) or revocation against ``keys`` (key_id -> public key) of its
    signer, never of the relay (STG-TOMB-018); raises TombstoneInvalid, with ``reason`` free (STG-TOMB-017)."""
    if not isinstance(document, Mapping):
        raise TombstoneInvalid(f"a {kind} is a JSON object")
    # STG-TOMB-018: the key is chosen by key_id among the signer's keys, without trial verification.
    named = document.get("key_id")
    chosen = keys.get(named) if isinstance(named, str) else None
    if chosen is None:
        raise TombstoneInvalid(f"key_id {str(document.get('key_id'))[:80]!r} is not a key of the signer")
    if kind == "tombstone":
        # STG-TOMB-001/002/005: the record's own shape holds before its signature is judged.
        if not isinstance(document.get("id"), str) or not str(document["id"]).startswith("tomb_"):
            raise TombstoneInvalid("a tombstone id starts with tomb_")
        try:
            if entity_uri(document.get("entity_uri")) != document.get("entity_uri"):
                raise TombstoneInvalid("entity_uri is not in normal form")
            if scope_pattern(document.get("scope")) != document.get("scope"):
                raise TombstoneInvalid("scope is not in its stored form")
        except (TombstoneEntityInvalid, TombstoneScopeInvalid) as exc:
            raise TombstoneInvalid(str(exc)) from exc
        if not isinstance(document.get("legal_hold"), bool):
            raise TombstoneInvalid("legal_hold is a boolean")
    try:
        signatures.verify(kind, document, chosen)
    except ProtocolError as exc:
        raise TombstoneInvalid(f"{kind} signature: {exc}") from exc
    return document
