"""Capability tokens: shape, signing, presentation and verification in the spec's order (Spec-06; A20 §19.3, §22.5).

A token is the union of S06's and A20's members (interpretation ``capability_token_fields``): ``{token_version: 1,
token_id: UUID, issuer, subject, verb, object, issued_at, expiry, nonce, key_id, signature}``. ``signature`` is
Ed25519 by the issuer's manifest key over the RFC 8785 bytes of every other member (STG-CAP-002); one token grants
one ``verb`` on one ``object`` (STG-CAP-013). ``verify`` runs A20 §19.3.3 merged with S06 (interpretation
``capability_token_order``) and raises the first failing step's error, each with its own code and HTTP status
(interpretation ``capability_token_status``: 401 authentication-class, 403 authorization-class, 400 for a bad
nonce). Time, the manifest, the revocation and nonce state are parameters: this module reads nothing.

>>> token = sign({"token_version": 1, "token_id": "00000000-0000-4000-8000-000000000001",
...     "issuer": "stigmem://a.test/node/1", "subject": "stigmem://a.test/node/1", "verb": "federate",
...     "object": "stigmem://a.test/scope/public", "issued_at": "2026-05-01T00:00:00Z",
...     "expiry": "2026-05-02T00:00:00Z", "nonce": "ab" * 32}, bytes(32))
>>> decode(encode(token)) == token, covers(token, "federate", "stigmem://a.test/scope/public")
(True, True)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reference_node.protocol import base64url, ed25519_policy, jcs, manifests
from reference_node.protocol.errors import JcsError, ProtocolError, SignatureInvalid
from reference_node.protocol.facts import SCOPES
from reference_node.protocol.signatures import signing_key

__all__ = [
    "FIELDS",
    "FUTURE_SKEW",
    "MAX_LIFETIME",
    "VERBS",
    "CapabilityError",
    "Verified",
    "covers",
    "decode",
    "encode",
    "fingerprint",
    "garden_object",
    "manifest_key_id",
    "parse_time",
    "preimage",
    "request_problem",
    "revoked_ids",
    "scope_object",
    "sign",
    "verify",
]

# A20 §19.3.1 with S06's key_id (interpretation capability_token_fields): every member, signature last.
FIELDS = ("token_version", "token_id", "issuer", "subject", "verb", "object", "issued_at", "expiry", "nonce",
          "key_id", "signature")
# A20 §19.3.2: the verb enumeration; validation MUST accept every one of them.
VERBS = ("read", "write", "admin", "federate", "subscribe", "tombstone:read")
# A20 §19.3.1: expiry MUST NOT exceed 90 days from issued_at.
MAX_LIFETIME = timedelta(days=90)
# A20 §22.5 with interpretation capability_token_window: issued_at at most 5 minutes ahead of the verifier.
FUTURE_SKEW = timedelta(minutes=5)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.ASCII)
_NONCE = re.compile(r"[0-9a-f]{64}\Z", re.ASCII)
_HEX64 = re.compile(r"[0-9a-f]{64}\Z", re.ASCII)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z\Z", re.ASCII)
_AUTHORITY = r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::\d{1,5})?"
_SCOPE_OBJECT = re.compile(rf"stigmem://({_AUTHORITY})/scope/([a-z]+)\Z", re.ASCII)
_GARDEN_OBJECT = re.compile(rf"stigmem://({_AUTHORITY})/garden/([a-z0-9][a-z0-9-]{{0,62}})\Z", re.ASCII)
_ENTITY = re.compile(r"stigmem://[^\s]{1,500}\Z")


class CapabilityError(ProtocolError):
    """A token refused at one verification step; ``status`` is its HTTP status (interpretation
    capability_token_status)."""

    code: ClassVar[str] = "token_malformed"
    status: ClassVar[int] = 401
    requirement = "STG-CAP-001"


def _error(name: str, code: str, status: int, requirement: str) -> type[CapabilityError]:
    return type(name, (CapabilityError,), {"code": code, "status": status, "requirement": requirement})


TokenMalformed = _error("TokenMalformed", "token_malformed", 401, "STG-CAP-001")
IssuerManifestUnknown = _error("IssuerManifestUnknown", "issuer_manifest_unknown", 401, "STG-CAP-009")
IssuerManifestExpired = _error("IssuerManifestExpired", "issuer_manifest_expired", 401, "STG-CAP-009")
IssuerManifestInvalid = _error("IssuerManifestInvalid", "issuer_manifest_invalid", 401, "STG-CAP-009")
TokenKeyUnknown = _error("TokenKeyUnknown", "token_key_unknown", 401, "STG-CAP-002")
TokenSignatureInvalid = _error("TokenSignatureInvalid", "token_signature_invalid", 401, "STG-CAP-002")
EntityNotInManifest = _error("EntityNotInManifest", "entity_not_in_manifest", 403, "STG-CAP-010")
TokenExpired = _error("TokenExpired", "token_expired", 401, "STG-CAP-007")
TokenLifetimeExceeded = _error("TokenLifetimeExceeded", "token_lifetime_exceeded", 401, "STG-CAP-005")
TimestampFutureDated = _error("TimestampFutureDated", "timestamp_future_dated", 401, "STG-CAP-008")
TokenNonceInvalid = _error("TokenNonceInvalid", "token_nonce_invalid", 400, "STG-CAP-006")
TokenRevoked = _error("TokenRevoked", "token_revoked", 403, "STG-CAP-011")
TokenReplay = _error("TokenReplay", "token_replay", 401, "STG-CAP-012")
InsufficientCapability = _error("InsufficientCapability", "insufficient_capability", 403, "STG-CAP-013")


@dataclass(frozen=True)
class Verified:
    """A token that passed every step: who granted what to whom, and which requested objects it covers."""

    token_id: str
    issuer: str
    subject: str
    verb: str
    object: str
    expiry: str
    nonce: str
    fingerprint: str
    covered: tuple[str, ...]


def parse_time(text: object, name: str) -> datetime:
    """An RFC 3339 UTC time (``Z``, optional fraction up to microseconds)."""
    if not isinstance(text, str) or not _TIME.match(text):
        raise TokenMalformed(f"{name} must be an RFC 3339 UTC time like 2026-05-01T00:00:00Z")
    try:
        return datetime.fromisoformat(text[:-1] + "+00:00").astimezone(UTC)
    except ValueError as exc:
        raise TokenMalformed(f"{name} is not a calendar time") from exc


def scope_object(authority: str, scope: str) -> str:
    """Interpretation capability_token_object: the object naming one FactScope of a node."""
    return f"stigmem://{authority.lower()}/scope/{scope}"


def garden_object(authority: str, slug: str) -> str:
    return f"stigmem://{authority.lower()}/garden/{slug}"


def _object_ok(value: object) -> bool:
    # STG-CAP-004: a scope URI, a garden URI or "*" (any object).
    if value == "*":
        return True
    if not isinstance(value, str):
        return False
    scope = _SCOPE_OBJECT.match(value)
    return (scope is not None and scope.group(2) in SCOPES) or _GARDEN_OBJECT.match(value) is not None


def preimage(token: Mapping[str, Any]) -> bytes:
    """STG-CAP-002: the RFC 8785 bytes of every member but ``signature``."""
    return jcs.canonical({name: value for name, value in token.items() if name != "signature"})


def fingerprint(token: Mapping[str, Any]) -> str:
    """SHA-256 hex of the signed bytes: the same token whatever its key order or whitespace (STG-CAP-020)."""
    return hashlib.sha256(preimage(token)).hexdigest()


def manifest_key_id(public_key_b64u: str) -> str:
    """A20 §19.1.2: a key id is the SHA-256 hex of the 32-byte raw public key."""
    return hashlib.sha256(base64url.decode(public_key_b64u, length=32)).hexdigest()


def sign(body: Mapping[str, Any], seed: bytes) -> dict[str, Any]:
    """``body`` with ``key_id`` (the seed's key) and ``signature`` over its JCS preimage (STG-CAP-002)."""
    raw = signing_key(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    token = {name: value for name, value in body.items() if name != "signature"}
    token["key_id"] = hashlib.sha256(raw).hexdigest()
    token["signature"] = base64url.encode(signing_key(seed).sign(preimage(token)))
    return token


def encode(token: Mapping[str, Any]) -> str:
    """Interpretation capability_token_presentation: ``X-Stigmem-Capability: base64url(JCS(token))``."""
    return base64url.encode(jcs.canonical(dict(token)))


def decode(header: str) -> object:
    """The token a header carries: base64url of its JSON, or the raw JSON itself (the upstream node's form)."""
    text = header.strip()
    try:
        data = text.encode("utf-8") if text.startswith("{") else base64url.decode(text)
        return jcs.parse(data)
    except (base64url.Base64UrlError, JcsError, UnicodeError) as exc:
        raise TokenMalformed("X-Stigmem-Capability is neither base64url(JSON) nor a JSON object") from exc


def _shape(token: object) -> Mapping[str, Any]:
    """STG-CAP-001, STG-CAP-003, STG-CAP-004: exactly the union's members, each of its type."""
    if not isinstance(token, Mapping) or set(token) != set(FIELDS):
        raise TokenMalformed(f"a capability token has exactly the members {', '.join(FIELDS)}")
    version = token["token_version"]
    # STG-CAP-001: token_version MUST be 1 (A20 §19.3.1).
    if isinstance(version, bool) or version != 1:
        raise TokenMalformed("token_version must be 1")
    if not isinstance(token["token_id"], str) or not _UUID.match(token["token_id"]):
        raise TokenMalformed("token_id must be a lowercase UUID")
    for name in ("issuer", "subject"):
        if not isinstance(token[name], str) or not _ENTITY.match(token[name]):
            raise TokenMalformed(f"{name} must be a stigmem:// URI")
    # STG-CAP-003: any verb of the enumeration, and only those.
    if token["verb"] not in VERBS:
        raise TokenMalformed(f"verb must be one of {', '.join(VERBS)}")
    # STG-CAP-004: object is a scope URI, a garden URI or "*".
    if not _object_ok(token["object"]):
        raise TokenMalformed("object must be stigmem://{authority}/scope/{scope}, .../garden/{slug} or *")
    if parse_time(token["expiry"], "expiry") <= parse_time(token["issued_at"], "issued_at"):
        raise TokenMalformed("expiry must be after issued_at")
    for name in ("nonce", "key_id", "signature"):
        if not isinstance(token[name], str):
            raise TokenMalformed(f"{name} must be a string")
    return token


def _manifest(manifest: Mapping[str, Any] | None, issuer: str, now: datetime) -> Mapping[str, Any]:
    """Steps 1, 1b and 2: the issuer's manifest is known, unexpired and self-signed."""
    # STG-CAP-009: resolve the issuer manifest (step 1).
    if manifest is None:
        raise IssuerManifestUnknown(f"no valid manifest is known for issuer {issuer}")
    entities = manifest.get("entities")
    if not isinstance(entities, list) or (issuer != manifest.get("entity_uri") and issuer not in entities):
        raise IssuerManifestUnknown(f"the manifest given does not cover issuer {issuer}")
    try:
        expires_at = parse_time(manifest.get("expires_at"), "expires_at")
    except TokenMalformed as exc:
        raise IssuerManifestInvalid("the issuer manifest's expires_at is not an RFC 3339 UTC time") from exc
    # STG-CAP-009: the manifest must not have expired (step 1b).
    if expires_at <= now:
        raise IssuerManifestExpired(f"the issuer manifest expired at {manifest.get('expires_at')}")
    # STG-CAP-009: the manifest is well formed and verifies under its own key (step 2, Spec-04 rules).
    try:
        manifests.verify_manifest(manifest, now)
    except manifests.ManifestError as exc:
        raise IssuerManifestInvalid(f"the issuer manifest does not verify: {exc.code}") from exc
    return manifest


def request_problem(token: Mapping[str, Any], now: datetime) -> str | None:
    """What makes a body unfit to issue (shape, lifetime, future date, nonce, already expired); None when fit."""
    try:
        _shape(token)
        _times(token, now)
        _nonce(token)
    except CapabilityError as exc:
        return f"{exc.code}: {exc}"
    return None


def _times(token: Mapping[str, Any], now: datetime) -> None:
    issued_at, expiry = parse_time(token["issued_at"], "issued_at"), parse_time(token["expiry"], "expiry")
    # STG-CAP-007: expiry > now (step 5).
    if expiry <= now:
        raise TokenExpired(f"the token expired at {token['expiry']}")
    # STG-CAP-005: expiry <= issued_at + 90 days (step 5b).
    if expiry - issued_at > MAX_LIFETIME:
        raise TokenLifetimeExceeded("expiry lies more than 90 days after issued_at")
    # STG-CAP-008: issued_at no more than 5 minutes ahead of the verifier (never stale-checked).
    if issued_at - now > FUTURE_SKEW:
        raise TimestampFutureDated("issued_at lies more than 5 minutes in the future")


def _nonce(token: Mapping[str, Any]) -> None:
    # STG-CAP-006: 32 random bytes as exactly 64 lowercase hex characters.
    if not _NONCE.match(token["nonce"]):
        raise TokenNonceInvalid("nonce must be exactly 64 lowercase hex characters")


def covers(token: Mapping[str, Any], verb: str, obj: str) -> bool:
    """STG-CAP-013: one verb on one object; ``*`` is any object, and no verb implies another."""
    return bool(token["verb"] == verb and (token["object"] == "*" or token["object"] == obj))


def revoked_ids(listing: object, issuer: str, manifest: Mapping[str, Any]) -> frozenset[str]:
    """The token ids another issuer's revocation list revokes (A20 §19.3.4; STG-CAP-018): only RevocationEvents
    naming ``issuer`` whose signature verifies under its manifest's key (Ed25519 over JCS without signature)."""
    events = listing.get("revocations") if isinstance(listing, Mapping) else None
    found: set[str] = set()
    public = base64url.decode(str(manifest["public_key"]), length=32)
    for event in events if isinstance(events, list) else []:
        if not (isinstance(event, Mapping) and event.get("event_type") == "token_revocation"
                and event.get("issuer") == issuer and isinstance(event.get("token_id"), str)):
            continue
        try:
            body = {k: v for k, v in event.items() if k != "signature"}
            ed25519_policy.verify(public, jcs.canonical(body), base64url.decode(str(event.get("signature")),
                                                                                length=64))
        except (base64url.Base64UrlError, SignatureInvalid, JcsError):
            continue
        found.add(event["token_id"])
    return frozenset(found)


def verify(
    token: object,
    manifest: Mapping[str, Any] | None,
    now: str,
    *,
    revoked: bool,
    nonce_holder: str | None,
    verb: str,
    objects: Sequence[str],
) -> Verified:
    """Verify ``token`` for ``verb`` on any of ``objects``; the first failing step raises (STG-CAP-014).

    ``manifest``: the valid manifest the verifier holds for the issuer (None: none); ``revoked``: whether the
    verifier's revocation list names the token id; ``nonce_holder``: the fingerprint the global nonce cache binds the
    token's nonce to (None: unseen; interpretation capability_token_replay). Recording the nonce is the caller's.
    """
    moment = parse_time(now, "now")
    body = _shape(token)
    # Steps 1, 1b, 2 (STG-CAP-009).
    issuer_manifest = _manifest(manifest, body["issuer"], moment)
    # STG-CAP-002: the signing key is the issuer manifest's active key (step 3) ...
    if not _HEX64.match(body["key_id"]) or body["key_id"] != issuer_manifest["key_id"]:
        raise TokenKeyUnknown("key_id is not the active key of the issuer's manifest")
    # ... and the signature verifies under it over JCS without signature (re-canonicalized, STG-CAP-020).
    try:
        signature = base64url.decode(body["signature"], length=64)
        public = base64url.decode(issuer_manifest["public_key"], length=32)
        ed25519_policy.verify(public, preimage(body), signature)
    except (base64url.Base64UrlError, SignatureInvalid, JcsError) as exc:
        raise TokenSignatureInvalid("the token signature does not verify under the issuer manifest key") from exc
    # STG-CAP-010: the subject is one of the issuer's entities; cross-org delegation is forbidden (step 4).
    if body["subject"] not in issuer_manifest["entities"]:
        raise EntityNotInManifest("the token's subject is not in the issuer's manifest entities")
    # Steps 5, 5b and the future-date bound (STG-CAP-005, -007, -008).
    _times(body, moment)
    _nonce(body)
    # STG-CAP-011: a revoked token is invalid even with a good signature and expiry (step 6).
    if revoked:
        raise TokenRevoked("the token has been revoked")
    seal = fingerprint(body)
    # STG-CAP-012: the nonce cache is global and keyed on the nonce alone; another token with it is a replay.
    if nonce_holder is not None and nonce_holder != seal:
        raise TokenReplay("another token already carried this nonce")
    # STG-CAP-013: the (verb, object) grant covers the requested operation, and nothing else.
    covered = tuple(obj for obj in objects if covers(body, verb, obj))
    if not covered:
        raise InsufficientCapability(f"the token grants {body['verb']} on {body['object']}, not {verb} on "
                                     f"{', '.join(objects) or 'nothing'}")
    return Verified(body["token_id"], body["issuer"], body["subject"], body["verb"], body["object"], body["expiry"],
                    body["nonce"], seal, covered)

