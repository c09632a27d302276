"""The suite's own model of capability-token verification (Spec-06; A20 §19.3, §19.9, §22.5).

A token carries ``token_version`` (1), ``token_id`` (UUID), ``issuer``, ``subject``, ``verb``, ``object``,
``issued_at``, ``expiry``, ``nonce``, ``key_id`` and ``signature`` (interpretation capability_token_fields).
``signature`` is Ed25519 over RFC 8785 of the other members, by the key the issuer's manifest names. It travels in
``X-Stigmem-Capability`` as base64url of its JSON, or as the JSON text itself.

The verifier refuses at the first failing step, in this order (interpretation capability_token_order):

1. the members and their forms (``token_malformed``);
2. a manifest for the issuer (``issuer_manifest_unknown``), not expired (``issuer_manifest_expired``), signed by
   its own key (``issuer_manifest_invalid``);
3. ``key_id`` is that manifest's key (``token_key_unknown``) and the signature verifies (``token_signature_invalid``);
4. the subject is one of the manifest's entities (``entity_not_in_manifest``);
5. ``now < expiry`` (``token_expired``), ``expiry - issued_at <= 90 days`` (``token_lifetime_exceeded``),
   ``issued_at <= now + 5 min`` (``timestamp_future_dated``);
6. the nonce is 64 lowercase hex (``token_nonce_invalid``);
7. the token id is not revoked (``token_revoked``);
8. the nonce is unseen, or seen with this very token (``token_replay``; the cache keys on the nonce alone and
   remembers which token, by the SHA-256 of its signed bytes, carried it first);
9. the verb is the one asked for and the object is the one asked for or ``*`` (``insufficient_capability``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from conformance.oracle.ed25519 import b64u_decode, b64u_encode, jcs, public_key, sign, verify

__all__ = ["MEMBERS", "VERBS", "Refused", "judge", "manifest", "present", "seal", "token"]

MEMBERS = frozenset({"token_version", "token_id", "issuer", "subject", "verb", "object", "issued_at", "expiry",
                     "nonce", "key_id", "signature"})
VERBS = frozenset({"read", "write", "admin", "federate", "subscribe", "tombstone:read"})
SCOPES = frozenset({"local", "team", "company", "public"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_OBJECT = re.compile(r"^stigmem://[a-z0-9.:-]+/(scope|garden)/([a-z0-9-]+)$")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")


class Refused(Exception):
    """The verifier's refusal; ``code`` is the error code of the first failing step."""

    def __init__(self, code: str, why: str = "") -> None:
        super().__init__(why or code)
        self.code = code


def _time(text: Any) -> datetime:
    if not isinstance(text, str) or not _STAMP.match(text):
        raise Refused("token_malformed", f"not a UTC timestamp: {text!r}")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def seal(body: Mapping[str, Any]) -> str:
    """SHA-256 hex of the signed bytes (everything but ``signature``): the token's identity in the nonce cache."""
    return hashlib.sha256(jcs({k: v for k, v in body.items() if k != "signature"})).hexdigest()


def manifest(entity_uri: str, seed: bytes, entities: list[str], issued_at: str, expires_at: str,
             **changes: Any) -> dict[str, Any]:
    """An A20 §19.1.2 manifest signed with ``seed``; ``changes`` are applied after signing."""
    pub = public_key(seed)
    doc: dict[str, Any] = {"manifest_version": 1, "entity_uri": entity_uri, "public_key": b64u_encode(pub),
                           "key_id": hashlib.sha256(pub).hexdigest(), "entities": entities, "rotation_events": [],
                           "issued_at": issued_at, "expires_at": expires_at}
    doc["signature"] = b64u_encode(sign(seed, jcs(doc)))
    return doc | changes


def token(seed: bytes, signer: bytes | None = None, **members: Any) -> dict[str, Any]:
    """A token with ``key_id`` of ``seed``, signed by ``signer`` (default ``seed``) over every member given."""
    body = {k: v for k, v in members.items() if k != "signature"}
    body.setdefault("key_id", hashlib.sha256(public_key(seed)).hexdigest())
    return body | {"signature": b64u_encode(sign(signer or seed, jcs(body)))}


def present(doc: Any, form: str = "jcs") -> str:
    """The header value: ``jcs`` base64url of RFC 8785; ``pretty`` base64url of indented JSON; ``raw`` the JSON."""
    if form == "raw":
        return json.dumps(doc, indent=1)
    data = jcs(doc) if form == "jcs" else json.dumps(doc, indent=3).encode()
    return b64u_encode(data)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Refused("token_malformed", "duplicate member")
    return dict(pairs)


def _read(presented: str) -> Any:
    text = presented.strip()
    try:
        raw = text.encode() if text.startswith("{") else b64u_decode(text)
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused("token_malformed", "not base64url JSON nor JSON") from exc


def _form(doc: Any) -> None:
    if not isinstance(doc, dict) or set(doc) != MEMBERS:
        raise Refused("token_malformed", "members")
    if doc["token_version"] is True or doc["token_version"] != 1:
        raise Refused("token_malformed", "token_version")
    if not isinstance(doc["token_id"], str) or not _UUID.match(doc["token_id"]):
        raise Refused("token_malformed", "token_id")
    for name in ("issuer", "subject"):
        if not isinstance(doc[name], str) or not doc[name].startswith("stigmem://") or " " in doc[name]:
            raise Refused("token_malformed", name)
    if doc["verb"] not in VERBS:
        raise Refused("token_malformed", "verb")
    obj = doc["object"]
    found = _OBJECT.match(obj) if isinstance(obj, str) else None
    if obj != "*" and (found is None or (found.group(1) == "scope" and found.group(2) not in SCOPES)):
        raise Refused("token_malformed", "object")
    if not _time(doc["expiry"]) > _time(doc["issued_at"]):
        raise Refused("token_malformed", "expiry before issued_at")
    if not all(isinstance(doc[n], str) for n in ("nonce", "key_id", "signature")):
        raise Refused("token_malformed", "nonce, key_id, signature")


def _issuer(man: Any, issuer: str, now: datetime) -> dict[str, Any]:
    if not isinstance(man, dict) or not isinstance(man.get("entities"), list) or (
            issuer != man.get("entity_uri") and issuer not in man["entities"]):
        raise Refused("issuer_manifest_unknown")
    try:
        expires = _time(man.get("expires_at"))
    except Refused as exc:
        raise Refused("issuer_manifest_invalid") from exc
    if not now < expires:
        raise Refused("issuer_manifest_expired")
    try:
        key = b64u_decode(man.get("public_key", ""))
        good = (hashlib.sha256(key).hexdigest() == man.get("key_id")
                and verify(key, jcs({k: v for k, v in man.items() if k != "signature"}),
                           b64u_decode(man.get("signature", ""))))
    except (ValueError, TypeError):
        good = False
    if not good:
        raise Refused("issuer_manifest_invalid")
    return man


def judge(presented: str, man: Any, now: str, revoked: list[str], seen: Mapping[str, str], verb: str,
          obj: str) -> dict[str, Any]:
    """``{token_id, fingerprint}`` of a token that passes every step for ``verb`` on ``obj``; else raise ``Refused``."""
    doc = _read(presented)
    _form(doc)
    moment = _time(now)
    issuer = _issuer(man, doc["issuer"], moment)
    if doc["key_id"] != issuer["key_id"]:
        raise Refused("token_key_unknown")
    try:
        ok = verify(b64u_decode(issuer["public_key"]), jcs({k: v for k, v in doc.items() if k != "signature"}),
                    b64u_decode(doc["signature"]))
    except ValueError:
        ok = False
    if not ok:
        raise Refused("token_signature_invalid")
    if doc["subject"] not in issuer["entities"]:
        raise Refused("entity_not_in_manifest")
    issued, expiry = _time(doc["issued_at"]), _time(doc["expiry"])
    if not moment < expiry:
        raise Refused("token_expired")
    if expiry - issued > timedelta(days=90):
        raise Refused("token_lifetime_exceeded")
    if issued - moment > timedelta(minutes=5):
        raise Refused("timestamp_future_dated")
    if len(doc["nonce"]) != 64 or not set(doc["nonce"]) <= set("0123456789abcdef"):
        raise Refused("token_nonce_invalid")
    if doc["token_id"] in revoked:
        raise Refused("token_revoked")
    mine = seal(doc)
    if seen.get(doc["nonce"], mine) != mine:
        raise Refused("token_replay")
    if doc["verb"] != verb or doc["object"] not in ("*", obj):
        raise Refused("insufficient_capability")
    return {"token_id": doc["token_id"], "fingerprint": mine}
