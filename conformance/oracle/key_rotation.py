"""The suite's own model of signing-key rotation logs (Spec-10 §Key rotation; A20 §22.2; A08 §6.1).

A KeyRotationLogEntry carries ``event_type`` ("key_rotation"), ``entity_uri``, ``old_key_id``, ``new_key_id``,
``new_public_key``, ``rotated_at``, ``dual_trust_expires_at``, ``manifest_log_index`` and ``rotation_sig``
(interpretation key_rotation_entry). ``rotation_sig`` is Ed25519 by the old key over RFC 8785 of every other member;
key ids are SHA-256 hex of the raw key. A chain starts at a key the verifier already trusts; each entry must leave
the key the previous one installed (else ``rotation_chain_gap``), come strictly later and never shrink below a
length already seen (``rotation_chain_regression``), verify under the old key (``rotation_signature_invalid``) and
be well formed with at least 24 h of dual trust (``rotation_entry_invalid``). At a time ``now`` the verifier trusts
the newest key and every older key whose ``dual_trust_expires_at`` lies after ``now``.

Checks run in the order shape, link, time, dual trust, signature, entry by entry: the first fault wins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from conformance.oracle.ed25519 import b64u_decode, b64u_encode, jcs, public_key, sign, verify

__all__ = ["FIELDS", "RotationRefused", "chain_result", "entry", "key_id_of"]

FIELDS = frozenset({"event_type", "entity_uri", "old_key_id", "new_key_id", "new_public_key", "rotated_at",
                    "dual_trust_expires_at", "manifest_log_index", "rotation_sig"})
HEX = frozenset("0123456789abcdef")


class RotationRefused(Exception):
    """A chain the verifier must refuse; ``code`` is the adapter error code."""

    def __init__(self, code: str, why: str) -> None:
        super().__init__(why)
        self.code = code


def key_id_of(public_b64u: str) -> str:
    return hashlib.sha256(b64u_decode(public_b64u)).hexdigest()


def _when(text: Any) -> datetime:
    """Second-precision UTC ``YYYY-MM-DDTHH:MM:SSZ``; anything else is not a rotation time."""
    if not isinstance(text, str) or len(text) != 20 or text[-1] != "Z" or text[10] != "T" or not text.isascii():
        raise RotationRefused("rotation_entry_invalid", f"not a UTC second timestamp: {text!r}")
    try:
        return datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError as exc:
        raise RotationRefused("rotation_entry_invalid", str(exc)) from exc


def entry(entity_uri: str, old_seed: bytes, new_seed: bytes, at: str, dual_trust_days: float = 90,
          signer: bytes | None = None, **changes: Any) -> dict[str, Any]:
    """A signed entry (by ``signer``, default the old seed); ``changes`` are applied after signing."""
    new_public = b64u_encode(public_key(new_seed))
    expires = _when(at) + timedelta(days=dual_trust_days)
    body: dict[str, Any] = {
        "event_type": "key_rotation", "entity_uri": entity_uri,
        "old_key_id": hashlib.sha256(public_key(old_seed)).hexdigest(),
        "new_key_id": hashlib.sha256(public_key(new_seed)).hexdigest(), "new_public_key": new_public,
        "rotated_at": at, "dual_trust_expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "manifest_log_index": None,
    }
    body["rotation_sig"] = b64u_encode(sign(signer if signer is not None else old_seed, jcs(body)))
    body.update(changes)
    return body


def _well_formed(item: Any, entity_uri: str) -> None:
    if not isinstance(item, Mapping) or set(item) != FIELDS:
        raise RotationRefused("rotation_entry_invalid", "members are not exactly the entry's")
    if item["event_type"] != "key_rotation" or item["entity_uri"] != entity_uri:
        raise RotationRefused("rotation_entry_invalid", "event_type or entity_uri")
    for name in ("old_key_id", "new_key_id"):
        value = item[name]
        if not isinstance(value, str) or len(value) != 64 or not set(value) <= HEX:
            raise RotationRefused("rotation_entry_invalid", f"{name} is not SHA-256 hex")
    index = item["manifest_log_index"]
    if not (index is None or (type(index) is int and index >= 0)):
        raise RotationRefused("rotation_entry_invalid", "manifest_log_index")
    if not isinstance(item["rotation_sig"], str) or not isinstance(item["new_public_key"], str):
        raise RotationRefused("rotation_entry_invalid", "rotation_sig or new_public_key is no string")
    try:
        raw = b64u_decode(item["new_public_key"])
    except ValueError as exc:
        raise RotationRefused("rotation_entry_invalid", "new_public_key is not base64url") from exc
    if len(raw) != 32 or hashlib.sha256(raw).hexdigest() != item["new_key_id"]:
        raise RotationRefused("rotation_entry_invalid", "new_key_id does not name new_public_key")


def chain_result(entity_uri: str, first_public_key: str, entries: Sequence[Any], now: str,
                 known_length: int = 0) -> dict[str, Any]:
    """``{current_key_id, trusted_key_ids}`` (trusted: current first, then older keys newest first), or raise."""
    if len(entries) < known_length:
        raise RotationRefused("rotation_chain_regression", "fewer entries than already seen")
    keys = [(key_id_of(first_public_key), first_public_key)]
    expiries: list[datetime] = []
    last: datetime | None = None
    for item in entries:
        _well_formed(item, entity_uri)
        at, until = _when(item["rotated_at"]), _when(item["dual_trust_expires_at"])
        if item["old_key_id"] != keys[-1][0]:
            raise RotationRefused("rotation_chain_gap", "old_key_id is not the key in force")
        if last is not None and not at > last:
            raise RotationRefused("rotation_chain_regression", "rotated_at did not increase")
        if until < at + timedelta(hours=24):
            raise RotationRefused("rotation_entry_invalid", "dual trust under 24 h")
        message = jcs({k: v for k, v in item.items() if k != "rotation_sig"})
        try:
            signature = b64u_decode(item["rotation_sig"])
        except ValueError as exc:
            raise RotationRefused("rotation_signature_invalid", "rotation_sig is not base64url") from exc
        if len(signature) != 64 or not verify(b64u_decode(keys[-1][1]), message, signature):
            raise RotationRefused("rotation_signature_invalid", "not signed by the old key")
        keys.append((item["new_key_id"], item["new_public_key"]))
        expiries.append(until)
        last = at
    moment = _when(now)
    older = [keys[i][0] for i in range(len(expiries) - 1, -1, -1) if moment < expiries[i]]
    return {"current_key_id": keys[-1][0], "trusted_key_ids": [keys[-1][0], *older]}
