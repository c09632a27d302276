"""Peer tokens: the one verification the suite holds peer tokens to (STG-TOK-001..008).

A token is a compact JWS under interpretation ``peer_token_format`` = ``jwt-ms`` (A08 §3.5, REF):
``B64U(header) "." B64U(claims) "." B64U(Ed25519 over the first two parts as ASCII)``, header
``{"alg":"EdDSA","typ":"JWT"}``, ``iat``/``exp`` in epoch milliseconds. ``verify`` checks, in this order, and
raises ``TokenInvalid`` with the code of the first failure (docs/adapter-protocol.md "Peer tokens"):

1. three unpadded base64url segments whose header and claims are I-JSON objects, ``alg`` EdDSA, ``typ`` absent or
   JWT, no ``crit``, and the six claims well typed (``token_malformed``, STG-TOK-001);
2. the signature under the issuer's key (``signature_invalid``, STG-TOK-003);
3. ``sub`` equal to the receiver's node id (``token_wrong_audience``, STG-TOK-004);
4. ``exp - iat <= max_lifetime_ms`` (``token_lifetime_exceeded``, STG-TOK-002);
5. ``iat <= now + leeway_ms`` (``token_not_yet_valid``, STG-TOK-005), then ``now <= exp`` (``token_expired``);
6. the nonce not among the seen ones (``nonce_already_seen``, STG-TOK-006..008).

The generator states its verify vectors against it, and the scripted peer checks the tokens a node under test
presents with it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from conformance.oracle import ed25519, jcs

__all__ = ["CLAIMS", "FACT_SCOPES", "HEADER", "LEEWAY_MS", "MAX_LIFETIME_MS", "TokenInvalid", "verify"]

HEADER = {"alg": "EdDSA", "typ": "JWT"}
CLAIMS = ("iss", "sub", "iat", "exp", "nonce", "scopes")
# schemas/wire/fact.json: the FactScope enum.
FACT_SCOPES = ("local", "team", "company", "public")
MAX_LIFETIME_MS = 3_600_000  # STG-TOK-002: exp - iat <= 1 h
LEEWAY_MS = 30_000  # interpretation peer_token_format jwt-ms: iat may lead the receiver's clock by 30 s


class TokenInvalid(ValueError):
    """A peer token failed verification; ``code`` names the first failing check."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _ijson(data: bytes) -> Any:
    """A token part as JSON, refused (ValueError) unless it is I-JSON that JCS can canonicalize."""
    try:
        jcs.canonicalize(data)
    except jcs.JcsRejected as exc:
        raise ValueError(str(exc)) from exc
    return json.loads(data)


def _claims_ok(payload: Mapping[str, Any]) -> bool:
    """STG-TOK-001: iss, sub, nonce non-empty strings; iat, exp integral numbers; scopes a list of FactScopes."""
    if any(name not in payload for name in CLAIMS):
        return False
    if not all(isinstance(payload[n], str) and payload[n] for n in ("iss", "sub", "nonce")):
        return False
    times = [payload[n] for n in ("iat", "exp")]
    if not all(isinstance(x, int | float) and not isinstance(x, bool) and float(x).is_integer() for x in times):
        return False
    scopes = payload["scopes"]
    return isinstance(scopes, list) and all(s in FACT_SCOPES for s in scopes if isinstance(s, str)) and all(
        isinstance(s, str) for s in scopes)


def verify(token: str, issuer_public_key_b64u: str, audience: str, now_ms: int, *,
           seen_nonces: Collection[str] = (), leeway_ms: int = LEEWAY_MS,
           max_lifetime_ms: int = MAX_LIFETIME_MS) -> dict[str, Any]:
    """The claims of a token that passes every check, in the documented order; else ``TokenInvalid``."""
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("segments")
        header = _ijson(ed25519.b64u_decode(parts[0]))
        payload = _ijson(ed25519.b64u_decode(parts[1]))
        sig = ed25519.b64u_decode(parts[2])
    except ValueError as exc:
        raise TokenInvalid("token_malformed") from exc
    if not isinstance(header, dict) or header.get("alg") != "EdDSA" or not isinstance(payload, dict):
        raise TokenInvalid("token_malformed")
    if header.get("typ", "JWT") != "JWT" or "crit" in header or not _claims_ok(payload):
        raise TokenInvalid("token_malformed")
    key = ed25519.b64u_decode(issuer_public_key_b64u)
    if not ed25519.verify(key, (parts[0] + "." + parts[1]).encode("ascii"), sig):
        raise TokenInvalid("signature_invalid")
    if payload["sub"] != audience:
        raise TokenInvalid("token_wrong_audience")
    if payload["exp"] - payload["iat"] > max_lifetime_ms:
        raise TokenInvalid("token_lifetime_exceeded")
    if payload["iat"] > now_ms + leeway_ms:
        raise TokenInvalid("token_not_yet_valid")
    if now_ms > payload["exp"]:
        raise TokenInvalid("token_expired")
    if payload["nonce"] in seen_nonces:
        raise TokenInvalid("nonce_already_seen")
    return payload
