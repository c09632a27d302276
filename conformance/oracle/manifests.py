"""The suite's own model of org manifests (Spec-04; A20 §19.1; interpretations manifest_rotation_event,
manifest_rotation_anchor, manifest_max_validity, manifest_error_codes).

Written from the rules, not from any node: a manifest has exactly the members ``manifest_version`` (1),
``entity_uri`` (``stigmem://``), ``public_key`` (base64url of 32 bytes), ``key_id`` (SHA-256 hex of those bytes),
``entities`` (distinct strings, containing ``entity_uri``), ``rotation_events``, ``issued_at``, ``expires_at`` and
``signature`` (Ed25519 by ``public_key`` over RFC 8785 of every other member). It lives from ``issued_at`` for at
least 24 h and at most 365 days and is expired from ``expires_at`` on. A rotation event ``{old_key_id, new_key_id,
public_key, rotated_at, signature}`` is signed by the old key over RFC 8785 of its other members plus the
manifest's ``entity_uri``; events rise strictly in time, each leaves the key the previous one installed, the last
installs ``key_id``. When a manifest was accepted before for the entity (``previous``), its events are a prefix
of the new ones and the first new event leaves the previous manifest's key, signed by it; without one the first
event's signer is unknown and only the later links are signed checks.

Verdict order, first fault wins: shape (``manifest_invalid``), key id and signature
(``manifest_signature_invalid``), window (``manifest_invalid``), expiry (``manifest_expired``), chain
(``manifest_rotation_chain_invalid``). Coverage is exact string membership in ``entities``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from conformance.oracle.ed25519 import b64u_decode, b64u_encode, jcs, public_key, sign, verify

__all__ = ["MEMBERS", "ManifestRefused", "event", "manifest", "verdict"]

MEMBERS = frozenset({"manifest_version", "entity_uri", "public_key", "key_id", "entities", "rotation_events",
                     "issued_at", "expires_at", "signature"})
EVENT_MEMBERS = frozenset({"old_key_id", "new_key_id", "public_key", "rotated_at", "signature"})
SHORTEST, LONGEST = timedelta(hours=24), timedelta(days=365)
_WHEN = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ManifestRefused(Exception):
    def __init__(self, code: str, why: str) -> None:
        super().__init__(why)
        self.code = code


def _when(text: object) -> datetime:
    match = _WHEN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ManifestRefused("manifest_invalid", f"not an RFC 3339 UTC time: {text!r}")
    fraction = (match.group(3) or ".0")[1:7].ljust(6, "0")
    try:
        return datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}.{fraction}+00:00")
    except ValueError as exc:
        raise ManifestRefused("manifest_invalid", str(exc)) from exc


def _key(text: object, code: str) -> bytes:
    try:
        raw = b64u_decode(text) if isinstance(text, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ManifestRefused(code, "a key is base64url of 32 bytes")
    return raw


def _signature_ok(public: bytes, message: bytes, text: object) -> bool:
    try:
        sig = b64u_decode(text) if isinstance(text, str) else b""
    except ValueError:
        return False
    return len(sig) == 64 and verify(public, message, sig)


def _shape(doc: object) -> Mapping[str, Any]:
    if not isinstance(doc, Mapping) or set(doc) != MEMBERS:
        raise ManifestRefused("manifest_invalid", "not exactly the manifest members")
    uri, entities = doc["entity_uri"], doc["entities"]
    problems = [
        type(doc["manifest_version"]) is not int or doc["manifest_version"] != 1,
        not isinstance(uri, str) or not uri.startswith("stigmem://") or uri == "stigmem://",
        not isinstance(entities, list) or not all(isinstance(e, str) and e for e in entities),
        isinstance(entities, list) and len(set(map(str, entities))) != len(entities),
        isinstance(entities, list) and uri not in entities,
        not isinstance(doc["rotation_events"], list),
        not isinstance(doc["key_id"], str) or not isinstance(doc["signature"], str),
    ]
    if any(problems):
        raise ManifestRefused("manifest_invalid", "a member has the wrong form or entities lacks entity_uri")
    return doc


def _chain(uri: str, events: Sequence[Any], end: str, anchor: bytes | None, kept: int) -> None:
    bad = "manifest_rotation_chain_invalid"
    signer = anchor if kept == 0 else None
    at_key = hashlib.sha256(anchor).hexdigest() if anchor is not None and kept == 0 else None
    last: datetime | None = None
    for n, item in enumerate(events):
        if not isinstance(item, Mapping) or set(item) != EVENT_MEMBERS:
            raise ManifestRefused(bad, f"event {n} is not an event")
        if not all(isinstance(item[k], str) and _HEX64.fullmatch(item[k]) for k in ("old_key_id", "new_key_id")):
            raise ManifestRefused(bad, f"event {n} key ids are not 64 hex")
        new_public = _key(item["public_key"], bad)
        if hashlib.sha256(new_public).hexdigest() != item["new_key_id"]:
            raise ManifestRefused(bad, f"event {n} new_key_id is not its key's")
        at = _when(item["rotated_at"])
        if last is not None and at <= last:
            raise ManifestRefused(bad, f"event {n} is not later than the one before")
        if n == kept and anchor is not None:
            signer, at_key = anchor, hashlib.sha256(anchor).hexdigest()
        if at_key is not None and item["old_key_id"] != at_key:
            raise ManifestRefused(bad, f"event {n} leaves a key that is not current")
        if signer is not None:
            body = {k: v for k, v in item.items() if k != "signature"} | {"entity_uri": uri}
            if not _signature_ok(signer, jcs(body), item["signature"]):
                raise ManifestRefused(bad, f"event {n} is not signed by the key it leaves")
        signer, at_key, last = new_public, item["new_key_id"], at
    if at_key is not None and at_key != end:
        raise ManifestRefused(bad, "the chain does not end at key_id")


def verdict(doc: object, now: str, previous: Mapping[str, Any] | None = None,
            probes: Sequence[str] = ()) -> dict[str, Any]:
    """``{key_id, rotation_count, covered}`` (``covered``: the probes listed in ``entities``), or raise."""
    m = _shape(doc)
    public = _key(m["public_key"], "manifest_signature_invalid")
    if hashlib.sha256(public).hexdigest() != m["key_id"]:
        raise ManifestRefused("manifest_signature_invalid", "key_id is another key's")
    unsigned = {k: v for k, v in m.items() if k != "signature"}
    if not _signature_ok(public, jcs(unsigned), m["signature"]):
        raise ManifestRefused("manifest_signature_invalid", "the signature does not verify")
    issued, expires = _when(m["issued_at"]), _when(m["expires_at"])
    if not SHORTEST <= expires - issued <= LONGEST:
        raise ManifestRefused("manifest_invalid", "the validity window is outside 24 h .. 365 days")
    if _when(now) >= expires:
        raise ManifestRefused("manifest_expired", "expired")
    anchor, kept = None, 0
    if previous is not None:
        before = list(previous["rotation_events"])
        if m["rotation_events"][: len(before)] != before or len(m["rotation_events"]) < len(before):
            raise ManifestRefused("manifest_rotation_chain_invalid", "the accepted events are not kept")
        anchor, kept = _key(previous["public_key"], "manifest_invalid"), len(before)
    _chain(m["entity_uri"], m["rotation_events"], m["key_id"], anchor, kept)
    return {"key_id": m["key_id"], "rotation_count": len(m["rotation_events"]),
            "covered": [p for p in probes if p in m["entities"]]}


def event(uri: str, old_seed: bytes, new_seed: bytes, at: str, signer: bytes | None = None) -> dict[str, Any]:
    """A rotation event from ``old_seed``'s key to ``new_seed``'s, signed by ``signer`` (default the old seed)."""
    new_public = public_key(new_seed)
    body = {"old_key_id": hashlib.sha256(public_key(old_seed)).hexdigest(),
            "new_key_id": hashlib.sha256(new_public).hexdigest(), "public_key": b64u_encode(new_public),
            "rotated_at": at}
    return body | {"signature": b64u_encode(sign(signer or old_seed, jcs(body | {"entity_uri": uri})))}


def manifest(seed: bytes, uri: str, entities: Sequence[str], issued_at: str, expires_at: str,
             events: Sequence[Mapping[str, Any]] = (), **changes: Any) -> dict[str, Any]:
    """A manifest signed by ``seed``; ``changes`` replace members BEFORE signing (``signature=`` after)."""
    public = public_key(seed)
    after = changes.pop("signature", None)
    body: dict[str, Any] = {"manifest_version": 1, "entity_uri": uri, "public_key": b64u_encode(public),
                            "key_id": hashlib.sha256(public).hexdigest(), "entities": list(entities),
                            "rotation_events": [dict(e) for e in events], "issued_at": issued_at,
                            "expires_at": expires_at} | changes
    signed = body | {"signature": b64u_encode(sign(seed, jcs(body)))}
    return signed if after is None else signed | {"signature": after}
