"""Signing-key rotation: the KeyRotationLogEntry, its signature, chain verification and dual trust.

Spec-10 §Key rotation; A20 §22.2; A08 §6.1; interpretation ``key_rotation_entry``. An entry is
``{event_type: "key_rotation", entity_uri, old_key_id, new_key_id, new_public_key, rotated_at,
dual_trust_expires_at, manifest_log_index, rotation_sig}``: ``rotation_sig`` is Ed25519 by the OLD key over the
RFC 8785 bytes of every other member (STG-KEY-010); a key id is the SHA-256 hex of the 32-byte raw public key
(A20 §19.1.2, STG-KEY-009). ``new_public_key`` is the S04 binding of the new key (Spec-04 §Rotation: an event binds
the new public key), so a chain verifies from the first key alone. ``manifest_log_index`` is null while the node
keeps no transparency log.

Requirements: STG-KEY-009 (shape), STG-KEY-010 (signed by the old key), STG-KEY-011 (each old_key_id is the
previous key: no gap), STG-KEY-012 (rotated_at increases; a chain never shrinks), STG-KEY-013 (dual trust of at
least 90 days from the node, at least 24 h accepted), STG-KEY-014 (a key past its dual_trust_expires_at is stale).

>>> entry = sign_entry("stigmem://a.test/node/1", bytes(32), bytes([1]) * 32, "2026-05-01T00:00:00Z")
>>> entry["dual_trust_expires_at"], entry["manifest_log_index"]
('2026-07-30T00:00:00Z', None)
>>> chain = verify_chain("stigmem://a.test/node/1", public_key(bytes(32)), [entry])
>>> chain.current_key_id == entry["new_key_id"], trusted(chain, "2026-07-29T23:59:59Z") == (
...     entry["new_key_id"], entry["old_key_id"])
(True, True)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reference_node.protocol import base64url, ed25519_policy, jcs
from reference_node.protocol.errors import (
    RotationChainGap,
    RotationChainRegression,
    RotationEntryInvalid,
    RotationSignatureInvalid,
    SignatureInvalid,
)
from reference_node.protocol.signatures import signing_key

__all__ = [
    "ENTRY_FIELDS",
    "MIN_ACCEPTED_DUAL_TRUST",
    "NODE_DUAL_TRUST",
    "Chain",
    "format_time",
    "key_id",
    "parse_time",
    "preimage",
    "public_key",
    "sign_entry",
    "trusted",
    "trusted_public_keys",
    "verify_chain",
]

# A20 §22.2: dual trust at least 90 days (the longest token life) unless every outstanding token is revoked; the
# node never shortens it. A verifier cannot see revocations, so it accepts any period of at least A08 §6.1's 24 h.
NODE_DUAL_TRUST = timedelta(days=90)
MIN_ACCEPTED_DUAL_TRUST = timedelta(hours=24)
ENTRY_FIELDS = ("event_type", "entity_uri", "old_key_id", "new_key_id", "new_public_key", "rotated_at",
                "dual_trust_expires_at", "manifest_log_index", "rotation_sig")
_KEY_ID = re.compile(r"[0-9a-f]{64}", re.ASCII)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)


def public_key(seed: bytes) -> str:
    """The base64url raw public key of an RFC 8032 seed."""
    return base64url.encode(signing_key(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def key_id(public_key_b64u: str) -> str:
    """STG-KEY-009: SHA-256 (hex) of the 32-byte raw public key."""
    return hashlib.sha256(base64url.decode(public_key_b64u, length=32)).hexdigest()


def parse_time(text: object, name: str) -> datetime:
    """An RFC 3339 UTC time to the second (``YYYY-MM-DDTHH:MM:SSZ``)."""
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise RotationEntryInvalid(f"{name} must be an RFC 3339 UTC time like 2026-05-01T00:00:00Z")
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise RotationEntryInvalid(f"{name} is not a calendar time") from exc


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def preimage(entry: Mapping[str, Any]) -> bytes:
    """STG-KEY-010: the RFC 8785 bytes of every member but ``rotation_sig``."""
    return jcs.canonical({name: value for name, value in entry.items() if name != "rotation_sig"})


def sign_entry(entity_uri: str, old_seed: bytes, new_seed: bytes, rotated_at: str,
               dual_trust: timedelta = NODE_DUAL_TRUST, manifest_log_index: int | None = None) -> dict[str, Any]:
    """The entry recording a rotation from ``old_seed`` to ``new_seed``, signed by the old key (STG-KEY-010);
    ``manifest_log_index``: the transparency-log index of the manifest re-signed under the new key (None: none)."""
    new_public = public_key(new_seed)
    entry: dict[str, Any] = {
        "event_type": "key_rotation",
        "entity_uri": entity_uri,
        "old_key_id": key_id(public_key(old_seed)),
        "new_key_id": key_id(new_public),
        "new_public_key": new_public,
        "rotated_at": rotated_at,
        # STG-KEY-013: the node keeps the old key trusted for 90 days.
        "dual_trust_expires_at": format_time(parse_time(rotated_at, "rotated_at") + dual_trust),
        "manifest_log_index": manifest_log_index,  # interpretation key_rotation_entry
    }
    entry["rotation_sig"] = base64url.encode(signing_key(old_seed).sign(preimage(entry)))
    return entry


@dataclass(frozen=True)
class Chain:
    """A verified chain: the current key and, per earlier key, when its dual trust ends (None: never rotated)."""

    current_key_id: str
    current_public_key: str
    retired: tuple[tuple[str, str, str], ...]  # (key_id, public_key, dual_trust_expires_at), oldest first

    @property
    def length(self) -> int:
        return len(self.retired)


def _shape(entry: object, entity_uri: str) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping) or set(entry) != set(ENTRY_FIELDS):
        raise RotationEntryInvalid(f"an entry has exactly the members {', '.join(ENTRY_FIELDS)}")
    if entry["event_type"] != "key_rotation":
        raise RotationEntryInvalid("event_type must be key_rotation")
    if entry["entity_uri"] != entity_uri:
        raise RotationEntryInvalid("every entry names the chain's entity_uri")
    for name in ("old_key_id", "new_key_id"):
        if not isinstance(entry[name], str) or not _KEY_ID.fullmatch(entry[name]):
            raise RotationEntryInvalid(f"{name} must be 64 lowercase hex digits (SHA-256 of the raw key)")
    index = entry["manifest_log_index"]
    if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
        raise RotationEntryInvalid("manifest_log_index is null or a non-negative integer")
    if not isinstance(entry["rotation_sig"], str):
        raise RotationEntryInvalid("rotation_sig must be a base64url string")
    try:
        new_id = key_id(entry["new_public_key"])
    except (base64url.Base64UrlError, TypeError) as exc:
        raise RotationEntryInvalid("new_public_key must be 32 bytes of base64url") from exc
    if new_id != entry["new_key_id"]:
        raise RotationEntryInvalid("new_key_id is not the SHA-256 of new_public_key")
    return entry


def verify_chain(entity_uri: str, first_public_key: str, entries: Sequence[object],
                 known_length: int = 0) -> Chain:
    """Verify ``entries`` (oldest first) from ``first_public_key``; raise a Rotation* error on the first fault.

    ``known_length`` is the length of a chain already accepted for this entity: a shorter one is a regression.
    """
    # STG-KEY-012: a chain never loses entries once seen.
    if len(entries) < known_length:
        raise RotationChainRegression(f"the chain has {len(entries)} entries; {known_length} were seen before")
    current_public = first_public_key
    current_id = key_id(first_public_key)
    retired: list[tuple[str, str, str]] = []
    previous_at: datetime | None = None
    for raw in entries:
        entry = _shape(raw, entity_uri)
        rotated_at = parse_time(entry["rotated_at"], "rotated_at")
        expires_at = parse_time(entry["dual_trust_expires_at"], "dual_trust_expires_at")
        # STG-KEY-011: each entry rotates away from the key the previous one installed.
        if entry["old_key_id"] != current_id:
            raise RotationChainGap(f"old_key_id {entry['old_key_id'][:16]}... is not the current key "
                                   f"{current_id[:16]}...")
        # STG-KEY-012: rotations are in strictly increasing time.
        if previous_at is not None and rotated_at <= previous_at:
            raise RotationChainRegression("rotated_at does not increase along the chain")
        # STG-KEY-013: a dual-trust period shorter than 24 h leaves peers no time to refresh.
        if expires_at - rotated_at < MIN_ACCEPTED_DUAL_TRUST:
            raise RotationEntryInvalid("dual_trust_expires_at is less than 24 h after rotated_at")
        # STG-KEY-010: signed by the OLD key over the JCS of every other member.
        try:
            signature = base64url.decode(entry["rotation_sig"], length=64)
            ed25519_policy.verify(base64url.decode(current_public, length=32), preimage(entry), signature)
        except (base64url.Base64UrlError, SignatureInvalid) as exc:
            raise RotationSignatureInvalid("rotation_sig does not verify under the old key") from exc
        retired.append((current_id, current_public, entry["dual_trust_expires_at"]))
        current_public, current_id, previous_at = entry["new_public_key"], entry["new_key_id"], rotated_at
    return Chain(current_id, current_public, tuple(retired))


def trusted(chain: Chain, now: str) -> tuple[str, ...]:
    """The key ids a verifier accepts at ``now``: the current key, then retired keys still in dual trust, newest
    first. STG-KEY-014: a key at or past its dual_trust_expires_at is stale and refused."""
    moment = parse_time(now, "now")
    live = [kid for kid, _, until in reversed(chain.retired) if moment < parse_time(until, "dual_trust_expires_at")]
    return (chain.current_key_id, *live)


def trusted_public_keys(chain: Chain, now: str) -> tuple[str, ...]:
    """``trusted`` as base64url public keys, current first."""
    ids = set(trusted(chain, now))
    older = [public for kid, public, _ in reversed(chain.retired) if kid in ids]
    return (chain.current_public_key, *older)
