"""Peer tokens: EdDSA compact JWS with millisecond times (A08 §3.5; interpretation ``peer_token_format``).

Requirements: STG-TOK-001 (Ed25519-signed, claims iss, sub, iat, exp, nonce, scopes), STG-TOK-002 (exp <= iat + 1 h),
STG-TOK-003 (signature by the issuer's key), STG-TOK-004 (sub is the receiver), STG-TOK-005 (expiry), STG-TOK-006
and STG-TOK-008 (a seen nonce is rejected, whichever token carries it). The token is
``B64U(JCS(header)) "." B64U(JCS(claims)) "." B64U(sig)``; a verifier accepts any JSON serialization of the parts.
Remembering nonces (STG-TOK-007, interpretation ``nonce_retention``) is the caller's: it passes ``seen_nonces``.

>>> claims = {"iss": "stigmem://b", "sub": "stigmem://a", "iat": 0, "exp": 60000, "nonce": "n1", "scopes": []}
>>> token = sign(claims, bytes(32))
>>> verify(token, "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik", audience="stigmem://a", now_ms=1000,
...        seen_nonces=()) == claims
True
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from reference_node.protocol import base64url, ed25519_policy, jcs
from reference_node.protocol.errors import (
    JcsError,
    NonceAlreadySeen,
    SignatureInvalid,
    TokenExpired,
    TokenLifetimeExceeded,
    TokenMalformed,
    TokenNotYetValid,
    TokenWrongAudience,
)
from reference_node.protocol.facts import SCOPES
from reference_node.protocol.signatures import signing_key

__all__ = ["DEFAULT_LEEWAY_MS", "DEFAULT_MAX_LIFETIME_MS", "HEADER", "check_claims", "read_claims", "sign", "verify"]

# Interpretation peer_token_format=jwt-ms: the JOSE header.
HEADER = {"alg": "EdDSA", "typ": "JWT"}
# A08 §3.5: exp <= iat + 1 hour; upstream leeway of 30 s for iat ahead of the verifier's clock.
DEFAULT_MAX_LIFETIME_MS = 3_600_000
DEFAULT_LEEWAY_MS = 30_000


def _milliseconds(value: object, name: str) -> int:
    """An integer number of epoch milliseconds; JSON parsed as doubles gives integral floats."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenMalformed(f"claim {name} must be an integer (epoch milliseconds)")
    if isinstance(value, float) and not value.is_integer():
        raise TokenMalformed(f"claim {name} must be an integer (epoch milliseconds)")
    return int(value)


def check_claims(claims: object) -> dict[str, Any]:
    """STG-TOK-001: iss, sub and nonce are strings, iat and exp integer milliseconds, scopes FactScopes."""
    if not isinstance(claims, Mapping):
        raise TokenMalformed("token claims are a JSON object")
    for name in ("iss", "sub", "nonce"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise TokenMalformed(f"claim {name} must be a non-empty string")
    scopes = claims.get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(s, str) and s in SCOPES for s in scopes):
        raise TokenMalformed("claim scopes must be a list of FactScopes")
    times = {name: _milliseconds(claims.get(name), name) for name in ("iat", "exp")}
    return {**claims, **times}


def sign(claims: object, seed: bytes) -> str:
    """A compact JWS over the JCS bytes of ``HEADER`` and ``claims``, signed with the issuer's seed."""
    try:
        payload = jcs.canonical(check_claims(claims))
    except JcsError as exc:
        raise TokenMalformed(f"claims cannot be canonicalized: {exc}") from exc
    signing_input = base64url.encode(jcs.canonical(HEADER)) + "." + base64url.encode(payload)
    signature = signing_key(seed).sign(signing_input.encode("ascii"))
    return signing_input + "." + base64url.encode(signature)


def _part(text: str, what: str) -> Any:
    try:
        return jcs.parse(base64url.decode(text))
    except (base64url.Base64UrlError, JcsError) as exc:
        raise TokenMalformed(f"token {what} is not base64url JSON: {exc}") from exc


def _structure(token: object) -> tuple[str, dict[str, Any], bytes]:
    """Verify order 1: three base64url parts, an EdDSA JWT header, well-formed claims, a 64-byte signature."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise TokenMalformed("a token is three base64url parts joined by '.'")
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = _part(header_b64, "header")
    if not isinstance(header, dict) or header.get("alg") != "EdDSA" or header.get("typ", "JWT") != "JWT":
        raise TokenMalformed('token header must be {"alg": "EdDSA", "typ": "JWT"}')
    if "crit" in header:
        raise TokenMalformed("token header has critical extensions this verifier does not know")
    claims = check_claims(_part(claims_b64, "claims"))
    try:
        signature = base64url.decode(signature_b64, length=64)
    except base64url.Base64UrlError as exc:
        raise TokenMalformed(f"token signature: {exc}") from exc
    return f"{header_b64}.{claims_b64}", claims, signature


def read_claims(token: object) -> dict[str, Any]:
    """Verify order 1 alone: the claims of a well-formed token, *not* yet verified.

    A receiver needs ``iss`` to find the key to verify with (A08 §3.5); nothing else may be trusted before
    ``verify`` has passed. Raises TokenMalformed (STG-TOK-001).
    """
    return _structure(token)[1]


def verify(
    token: object,
    issuer_public_key_b64u: object,
    *,
    audience: str,
    now_ms: int,
    seen_nonces: Collection[str],
    leeway_ms: int = DEFAULT_LEEWAY_MS,
    max_lifetime_ms: int = DEFAULT_MAX_LIFETIME_MS,
    policy: ed25519_policy.Policy = "strict",
) -> dict[str, Any]:
    """The claims of a valid token; raises the first failing check in the documented order."""
    signing_input, claims, signature = _structure(token)
    # STG-TOK-003: the signature verifies against the issuer's federation key.
    try:
        issuer_public_key = base64url.decode(issuer_public_key_b64u, length=32)
    except base64url.Base64UrlError as exc:
        raise SignatureInvalid(f"issuer public key: {exc}", "STG-TOK-003") from exc
    try:
        ed25519_policy.verify(issuer_public_key, signing_input.encode("ascii"), signature, policy)
    except SignatureInvalid as exc:
        raise SignatureInvalid(str(exc), "STG-TOK-003") from exc
    # STG-TOK-004: sub is the receiver's own node id.
    if claims["sub"] != audience:
        raise TokenWrongAudience(f"token is for {claims['sub']!r}, not {audience!r}")
    # STG-TOK-002: exp is at most iat + 1 hour.
    if claims["exp"] - claims["iat"] > max_lifetime_ms:
        raise TokenLifetimeExceeded(f"token lives {claims['exp'] - claims['iat']} ms (cap {max_lifetime_ms})")
    # Interpretation peer_token_format: iat more than the leeway ahead of now is not yet valid.
    if claims["iat"] > now_ms + leeway_ms:
        raise TokenNotYetValid(f"token issued {claims['iat'] - now_ms} ms in the future")
    # STG-TOK-005: an expired token (now > exp) is rejected.
    if now_ms > claims["exp"]:
        raise TokenExpired(f"token expired {now_ms - claims['exp']} ms ago")
    # STG-TOK-006, STG-TOK-008: a nonce already seen is rejected, whichever token carried it.
    if claims["nonce"] in seen_nonces:
        raise NonceAlreadySeen("token nonce was already seen", "STG-TOK-006")
    return claims
