"""Org manifests: shape, signature, validity window, coverage and the rotation chain (Spec-04; A20 §19.1).

A manifest is ``{manifest_version: 1, entity_uri, public_key, key_id, entities, rotation_events, issued_at,
expires_at, signature}``; a rotation event is ``{old_key_id, new_key_id, public_key, rotated_at, signature}``
(S04 field names, interpretation ``manifest_rotation_event``: ``public_key`` is the NEW key, ``signature`` is
Ed25519 by the OLD key over the RFC 8785 bytes of the event without ``signature`` plus the manifest's
``entity_uri``). Keys are base64url (unpadded) of 32 raw bytes; a key id is the SHA-256 hex of those bytes; times
are RFC 3339 UTC (``2026-05-01T00:00:00Z``, a fraction of a second allowed).

API (stable; every failure is a ``ManifestError`` with ``.code`` and ``.detail``):

- ``key_id(raw_public_key: bytes) -> str``: 64 lowercase hex.
- ``signing_body(manifest) -> bytes``: RFC 8785 of every member but ``signature`` (manifest_version included).
- ``sign_manifest(body, private_key) -> dict``: ``private_key`` is an ``Ed25519PrivateKey`` or a 32-byte seed;
  missing ``manifest_version`` (1), ``public_key``, ``key_id`` and ``rotation_events`` ([]) are filled in from the
  key, present ones are kept as given (so a test can sign an inconsistent manifest).
- ``new_manifest(entity_uri, private_key, issued_at, validity=..., entities=(), rotation_events=())``: a signed
  manifest whose ``entities`` are ``entity_uri`` then ``entities``.
- ``sign_rotation_event(entity_uri, old_private_key, new_public_key_raw, rotated_at) -> dict``.
- ``verify_manifest(manifest, now, previous=None) -> None``: shape, self-signature, validity window, expiry at
  ``now`` (a datetime), then ``verify_rotation_chain`` anchored at ``previous`` (the manifest already accepted for
  this entity, if any).
- ``verify_rotation_chain(entity_uri, events, current_key_id, anchor_public_key=None, anchor_count=0)``: the chain
  of ``events`` (oldest first) ends at ``current_key_id``; events before ``anchor_count`` are the ones already
  accepted with the anchor; the event at ``anchor_count`` is signed by ``anchor_public_key`` (the key of the
  accepted manifest). Without an anchor (first sight of an authority) the first event's signer cannot be known;
  every later event is checked under the key the one before installed (interpretation
  ``manifest_rotation_anchor``).
- ``covers(manifest, entity_uri) -> bool``: exact membership in ``entities``, never by implication (no prefix,
  no parent, no normalization).
- ``parse_time(text) -> datetime``, ``format_time(datetime) -> str``.

Codes (A20 §19.9 and interpretation ``manifest_error_codes``): ``manifest_signature_invalid`` (the signature or
key_id does not match the manifest's own key), ``manifest_rotation_chain_invalid`` (gap, wrong signer, order,
regressed count, a key change without an event), ``manifest_invalid`` (shape, a validity window under 24 h or
over ``MAX_VALIDITY``, ``entities`` without ``entity_uri``), ``manifest_expired`` (``now >= expires_at``). All
are HTTP 400.

Requirements: STG-MAN-001 (shape), STG-MAN-002 (self-signature over JCS), STG-MAN-003 (key_id), STG-MAN-004
(entities include entity_uri; no coverage by implication), STG-MAN-005 (validity at least 24 h and bounded),
STG-MAN-006 (expired refused), STG-MAN-007 (rotation chain), STG-MAN-008 (count never regresses).

>>> m = new_manifest("stigmem://a.test/node/1", bytes(32), "2026-05-01T00:00:00Z")
>>> verify_manifest(m, parse_time("2026-05-01T12:00:00Z")), covers(m, "stigmem://a.test/node/1")
(None, True)
>>> covers(m, "stigmem://a.test/node")
False
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reference_node.protocol import base64url, ed25519_policy, jcs
from reference_node.protocol.errors import JcsError, ProtocolError, SignatureInvalid

__all__ = [
    "DEFAULT_VALIDITY",
    "EVENT_FIELDS",
    "FIELDS",
    "MAX_VALIDITY",
    "MIN_VALIDITY",
    "ManifestError",
    "covers",
    "event_signing_body",
    "format_time",
    "key_id",
    "new_manifest",
    "parse_time",
    "sign_manifest",
    "sign_rotation_event",
    "signing_body",
    "verify_manifest",
    "verify_rotation_chain",
]

FIELDS = ("manifest_version", "entity_uri", "public_key", "key_id", "entities", "rotation_events", "issued_at",
          "expires_at", "signature")
EVENT_FIELDS = ("old_key_id", "new_key_id", "public_key", "rotated_at", "signature")
# A20 §19.1.2: expires_at at least 24 h after issued_at. S04 SHOULD keep windows bounded: 365 days (interpretation
# manifest_max_validity; upstream allows 730, 365 in strict mode).
MIN_VALIDITY = timedelta(hours=24)
MAX_VALIDITY = timedelta(days=365)
DEFAULT_VALIDITY = timedelta(days=30)
_KEY_ID = re.compile(r"[0-9a-f]{64}", re.ASCII)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z", re.ASCII)

PrivateKey = Ed25519PrivateKey | bytes


class ManifestError(ProtocolError):
    """A manifest refusal: ``code`` is one of the four codes above, ``detail`` says why."""

    code = "manifest_invalid"  # class default; each instance carries its own
    requirement = "STG-MAN-001"

    def __init__(self, code: str, detail: str, requirement: str | None = None) -> None:
        super().__init__(detail, requirement)
        self.code = code  # type: ignore[misc]
        self.detail = detail


def key_id(raw_public_key: bytes) -> str:
    """STG-MAN-003: the SHA-256 hex of the 32 raw public-key bytes."""
    if len(raw_public_key) != 32:
        raise ManifestError("manifest_invalid", "an Ed25519 public key is 32 bytes", "STG-MAN-003")
    return hashlib.sha256(raw_public_key).hexdigest()


def parse_time(text: object, name: str = "time") -> datetime:
    """An RFC 3339 UTC time (``Z``, optional fraction) as an aware datetime."""
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise ManifestError("manifest_invalid", f"{name} must be an RFC 3339 UTC time like 2026-05-01T00:00:00Z")
    whole, _, fraction = text[:-1].partition(".")
    try:
        moment = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise ManifestError("manifest_invalid", f"{name} is not a calendar time") from exc
    return moment + timedelta(microseconds=int((fraction or "0")[:6].ljust(6, "0")))


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _private(private_key: PrivateKey) -> Ed25519PrivateKey:
    if isinstance(private_key, Ed25519PrivateKey):
        return private_key
    if isinstance(private_key, bytes) and len(private_key) == 32:
        return Ed25519PrivateKey.from_private_bytes(private_key)
    raise ManifestError("manifest_invalid", "a private key is an Ed25519PrivateKey or a 32-byte seed")


def _raw_public(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _canonical(document: Mapping[str, Any]) -> bytes:
    try:
        return jcs.canonical(dict(document))
    except JcsError as exc:
        raise ManifestError("manifest_invalid", f"not canonicalizable JSON: {exc}") from exc


def signing_body(manifest: Mapping[str, Any]) -> bytes:
    """STG-MAN-002: RFC 8785 of the manifest without ``signature`` (manifest_version included, §27 K-2)."""
    return _canonical({name: value for name, value in manifest.items() if name != "signature"})


def event_signing_body(entity_uri: str, event: Mapping[str, Any]) -> bytes:
    """STG-MAN-007: RFC 8785 of the event without ``signature``, plus the manifest's ``entity_uri``."""
    body = {name: value for name, value in event.items() if name != "signature"}
    return _canonical({**body, "entity_uri": entity_uri})


def sign_manifest(body: Mapping[str, Any], private_key: PrivateKey) -> dict[str, Any]:
    """A copy of ``body`` signed by ``private_key``; absent key fields are filled in from the key."""
    key = _private(private_key)
    raw = _raw_public(key)
    manifest: dict[str, Any] = {"manifest_version": 1, "public_key": base64url.encode(raw), "key_id": key_id(raw),
                                "rotation_events": []}
    manifest.update({name: value for name, value in body.items() if name != "signature"})
    manifest["signature"] = base64url.encode(key.sign(signing_body(manifest)))
    return manifest


def new_manifest(entity_uri: str, private_key: PrivateKey, issued_at: str, validity: timedelta = DEFAULT_VALIDITY,
                 entities: Sequence[str] = (), rotation_events: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """A signed manifest for ``entity_uri`` (listed first in ``entities``) valid for ``validity``."""
    listed = [entity_uri, *(uri for uri in entities if uri != entity_uri)]
    body = {"manifest_version": 1, "entity_uri": entity_uri, "entities": listed,
            "rotation_events": [dict(event) for event in rotation_events], "issued_at": issued_at,
            "expires_at": format_time(parse_time(issued_at, "issued_at") + validity)}
    return sign_manifest(body, private_key)


def sign_rotation_event(entity_uri: str, old_private_key: PrivateKey, new_public_key_raw: bytes,
                        rotated_at: str) -> dict[str, Any]:
    """The event moving ``entity_uri`` from the old key to ``new_public_key_raw``, signed by the OLD key."""
    old = _private(old_private_key)
    event: dict[str, Any] = {"old_key_id": key_id(_raw_public(old)), "new_key_id": key_id(new_public_key_raw),
                             "public_key": base64url.encode(new_public_key_raw), "rotated_at": rotated_at}
    event["signature"] = base64url.encode(old.sign(event_signing_body(entity_uri, event)))
    return event


def covers(manifest: Mapping[str, Any], entity_uri: str) -> bool:
    """STG-MAN-004: ``entity_uri`` is listed in ``entities`` exactly; nothing is covered by implication."""
    entities = manifest.get("entities")
    return isinstance(entities, list) and any(isinstance(uri, str) and uri == entity_uri for uri in entities)


def _decode_key(value: object, name: str, code: str = "manifest_invalid") -> bytes:
    try:
        return base64url.decode(value, length=32)
    except base64url.Base64UrlError as exc:
        raise ManifestError(code, f"{name} must be 32 bytes of unpadded base64url: {exc}", "STG-MAN-001") from exc


def _shape(manifest: object) -> Mapping[str, Any]:
    """STG-MAN-001: exactly the manifest members, with their types."""
    if not isinstance(manifest, Mapping):
        raise ManifestError("manifest_invalid", "a manifest is a JSON object")
    if set(manifest) != set(FIELDS):
        missing = sorted(set(FIELDS) - set(manifest))
        extra = sorted(set(manifest) - set(FIELDS))
        raise ManifestError("manifest_invalid", f"manifest members: missing {missing}, unknown {extra}")
    version = manifest["manifest_version"]
    if isinstance(version, bool) or version != 1:
        raise ManifestError("manifest_invalid", "manifest_version must be 1")
    uri = manifest["entity_uri"]
    if not isinstance(uri, str) or not uri.startswith("stigmem://") or len(uri) <= len("stigmem://"):
        raise ManifestError("manifest_invalid", "entity_uri must be a stigmem:// URI")
    entities = manifest["entities"]
    if not isinstance(entities, list) or not all(isinstance(item, str) and item for item in entities):
        raise ManifestError("manifest_invalid", "entities must be a list of entity URIs")
    if len(set(entities)) != len(entities):
        raise ManifestError("manifest_invalid", "entities lists an entity twice")
    # STG-MAN-004: the authority's own entity is always listed.
    if uri not in entities:
        raise ManifestError("manifest_invalid", "entities must include entity_uri", "STG-MAN-004")
    if not isinstance(manifest["rotation_events"], list):
        raise ManifestError("manifest_invalid", "rotation_events must be a list")
    if not isinstance(manifest["key_id"], str) or not isinstance(manifest["signature"], str):
        raise ManifestError("manifest_invalid", "key_id and signature are strings")
    return manifest


def verify_manifest(manifest: Mapping[str, Any], now: datetime, previous: Mapping[str, Any] | None = None) -> None:
    """Raise ``ManifestError`` unless ``manifest`` is well formed, self-signed, inside its window at ``now`` and
    its rotation chain continues ``previous`` (the manifest already accepted for the same entity, if any)."""
    doc = _shape(manifest)
    raw = _decode_key(doc["public_key"], "public_key", "manifest_signature_invalid")
    # STG-MAN-003: the key id is the SHA-256 of this very key (a key id of another key is refused).
    if doc["key_id"] != key_id(raw):
        raise ManifestError("manifest_signature_invalid", "key_id is not the SHA-256 of public_key", "STG-MAN-003")
    # STG-MAN-002: the signature verifies under the manifest's own key over the JCS of every other member.
    try:
        signature = base64url.decode(doc["signature"], length=64)
        ed25519_policy.verify(raw, signing_body(doc), signature)
    except (base64url.Base64UrlError, SignatureInvalid) as exc:
        raise ManifestError("manifest_signature_invalid", "signature does not verify under public_key",
                            "STG-MAN-002") from exc
    issued = parse_time(doc["issued_at"], "issued_at")
    expires = parse_time(doc["expires_at"], "expires_at")
    # STG-MAN-005: at least 24 h of validity (24 h exactly is enough) and no more than MAX_VALIDITY.
    if expires - issued < MIN_VALIDITY:
        raise ManifestError("manifest_invalid", "expires_at must be at least 24 h after issued_at", "STG-MAN-005")
    if expires - issued > MAX_VALIDITY:
        raise ManifestError("manifest_invalid", f"validity is longer than {MAX_VALIDITY.days} days", "STG-MAN-005")
    # STG-MAN-006: a manifest is expired from its expires_at on.
    if now >= expires:
        raise ManifestError("manifest_expired", f"the manifest expired at {doc['expires_at']}", "STG-MAN-006")
    anchor_key: bytes | None = None
    anchor_count = 0
    if previous is not None:
        if previous.get("entity_uri") != doc["entity_uri"]:
            raise ManifestError("manifest_invalid", "previous is the manifest of another entity")
        before = previous.get("rotation_events")
        before = before if isinstance(before, list) else []
        # STG-MAN-008: the accepted events stay, unchanged and in place.
        if len(doc["rotation_events"]) < len(before) or doc["rotation_events"][: len(before)] != before:
            raise ManifestError("manifest_rotation_chain_invalid",
                                f"the chain regresses: {len(before)} events were accepted before", "STG-MAN-008")
        anchor_key, anchor_count = _decode_key(previous.get("public_key"), "previous public_key"), len(before)
    verify_rotation_chain(doc["entity_uri"], doc["rotation_events"], doc["key_id"], anchor_key, anchor_count)


def _event(raw: object) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping) or set(raw) != set(EVENT_FIELDS):
        raise ManifestError("manifest_rotation_chain_invalid",
                            f"a rotation event has exactly the members {', '.join(EVENT_FIELDS)}", "STG-MAN-007")
    for name in ("old_key_id", "new_key_id"):
        if not isinstance(raw[name], str) or not _KEY_ID.fullmatch(raw[name]):
            raise ManifestError("manifest_rotation_chain_invalid", f"{name} must be 64 lowercase hex", "STG-MAN-007")
    if key_id(_decode_key(raw["public_key"], "event public_key", "manifest_rotation_chain_invalid")) != raw[
            "new_key_id"]:
        raise ManifestError("manifest_rotation_chain_invalid", "new_key_id is not the SHA-256 of public_key",
                            "STG-MAN-007")
    return raw


def verify_rotation_chain(entity_uri: str, events: Sequence[object], current_key_id: str,
                          anchor_public_key: bytes | None = None, anchor_count: int = 0) -> None:
    """STG-MAN-007: ascending events, each rotating away from the key the one before installed, each signed by
    that old key, ending at ``current_key_id``. See the module docstring for the anchor."""
    if anchor_count > len(events):
        raise ManifestError("manifest_rotation_chain_invalid", "the chain is shorter than the accepted one",
                            "STG-MAN-008")
    signer: bytes | None = anchor_public_key if anchor_count == 0 else None
    current: str | None = key_id(anchor_public_key) if anchor_public_key is not None and anchor_count == 0 else None
    previous_at: datetime | None = None
    for index, raw in enumerate(events):
        event = _event(raw)
        rotated_at = parse_time(event["rotated_at"], "rotated_at")
        # Invariant 1: strictly ascending rotated_at.
        if previous_at is not None and rotated_at <= previous_at:
            raise ManifestError("manifest_rotation_chain_invalid", "rotation events are not in ascending order",
                                "STG-MAN-007")
        # Invariant 2: each old_key_id is the key the previous event installed (no gap).
        if current is not None and event["old_key_id"] != current:
            raise ManifestError("manifest_rotation_chain_invalid", f"event {index} does not rotate away from the "
                                "current key (a gap)", "STG-MAN-007")
        if index == anchor_count and anchor_public_key is not None:
            signer = anchor_public_key
            if event["old_key_id"] != key_id(anchor_public_key):
                raise ManifestError("manifest_rotation_chain_invalid",
                                    f"event {index} does not rotate away from the accepted key", "STG-MAN-007")
        # Signed by the OLD key over the event body plus entity_uri.
        if signer is not None:
            try:
                signature = base64url.decode(event["signature"], length=64)
                ed25519_policy.verify(signer, event_signing_body(entity_uri, event), signature)
            except (base64url.Base64UrlError, SignatureInvalid) as exc:
                raise ManifestError("manifest_rotation_chain_invalid",
                                    f"event {index} is not signed by the old key", "STG-MAN-007") from exc
        elif not isinstance(event["signature"], str):
            raise ManifestError("manifest_rotation_chain_invalid", "signature must be a string", "STG-MAN-007")
        signer = base64url.decode(event["public_key"], length=32)
        current, previous_at = event["new_key_id"], rotated_at
    # Invariant 3: the chain ends at the manifest's key.
    if current is not None and current != current_key_id:
        raise ManifestError("manifest_rotation_chain_invalid", "the chain does not end at the manifest's key_id",
                            "STG-MAN-007")
