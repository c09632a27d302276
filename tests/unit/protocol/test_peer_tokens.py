"""reference_node.protocol.peer_tokens: EdDSA compact JWS peer tokens and their verify order (A08 §3.5)."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reference_node.protocol import base64url, peer_tokens
from reference_node.protocol.errors import (
    NonceAlreadySeen,
    SignatureInvalid,
    TokenExpired,
    TokenLifetimeExceeded,
    TokenMalformed,
    TokenNotYetValid,
    TokenWrongAudience,
)

SEED = bytes(range(32))
ISSUER_KEY = base64url.encode(Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes_raw())
NOW = 1746230400000
CLAIMS = {
    "iss": "stigmem://node.b.example",
    "sub": "stigmem://node.a.example",
    "iat": NOW,
    "exp": NOW + 300_000,
    "nonce": "8d3c6a4e-7d1f-4b1e-9b1a-2f7f3e1c0a11",
    "scopes": ["public", "company"],
}


def verify(token, **overrides):
    arguments = {"audience": CLAIMS["sub"], "now_ms": NOW + 1000, "seen_nonces": ()}
    return peer_tokens.verify(token, overrides.pop("key", ISSUER_KEY), **{**arguments, **overrides})


def forge(header, claims, seed=SEED):
    """A token over arbitrary header and claims JSON texts."""
    signing_input = base64url.encode(header) + "." + base64url.encode(claims)
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(signing_input.encode())
    return signing_input + "." + base64url.encode(signature)


def test_token_layout():
    # Interpretation peer_token_format=jwt-ms: JCS header and claims, signature over the first two parts.
    header, claims, signature = peer_tokens.sign(CLAIMS, SEED).split(".")
    assert base64url.decode(header) == b'{"alg":"EdDSA","typ":"JWT"}'
    assert json.loads(base64url.decode(claims)) == CLAIMS
    assert base64url.decode(claims).startswith(b'{"exp":1746230700000,"iat":1746230400000,"iss":')
    Ed25519PrivateKey.from_private_bytes(SEED).public_key().verify(
        base64url.decode(signature), f"{header}.{claims}".encode()
    )


def test_round_trip_and_any_serialization_accepted():
    assert verify(peer_tokens.sign(CLAIMS, SEED)) == CLAIMS
    spaced = forge(b'{ "typ": "JWT", "alg": "EdDSA" }', json.dumps(CLAIMS, indent=2).encode())
    assert verify(spaced) == CLAIMS


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b",
        "a.b.c.d",
        42,
        forge(b'{"alg":"HS256","typ":"JWT"}', json.dumps(CLAIMS).encode()),
        forge(b'{"alg":"EdDSA","typ":"JOSE"}', json.dumps(CLAIMS).encode()),
        forge(b'{"alg":"EdDSA","crit":["x"]}', json.dumps(CLAIMS).encode()),
        forge(b'{"alg":"EdDSA","alg":"EdDSA"}', json.dumps(CLAIMS).encode()),
        forge(b'{"alg":"EdDSA"}', json.dumps({**CLAIMS, "iat": "now"}).encode()),
        forge(b'{"alg":"EdDSA"}', json.dumps({**CLAIMS, "exp": NOW + 0.5}).encode()),
        forge(b'{"alg":"EdDSA"}', json.dumps({k: v for k, v in CLAIMS.items() if k != "nonce"}).encode()),
        forge(b'{"alg":"EdDSA"}', json.dumps({**CLAIMS, "scopes": ["galaxy"]}).encode()),
        forge(b'{"alg":"EdDSA"}', b"[]"),
        peer_tokens.sign(CLAIMS, SEED) + "=",
        peer_tokens.sign(CLAIMS, SEED)[:-2],
    ],
)
def test_rejects_malformed(token):
    with pytest.raises(TokenMalformed):
        verify(token)


def test_sign_rejects_malformed_claims():
    with pytest.raises(TokenMalformed):
        peer_tokens.sign({**CLAIMS, "iat": True}, SEED)


@pytest.mark.parametrize(
    ("claims", "overrides", "error"),
    [
        (CLAIMS, {"key": base64url.encode(bytes(32))}, SignatureInvalid),
        (CLAIMS, {"key": "not-a-key"}, SignatureInvalid),
        (CLAIMS, {"audience": "stigmem://node.c.example"}, TokenWrongAudience),
        ({**CLAIMS, "exp": NOW + 3_600_001}, {}, TokenLifetimeExceeded),
        ({**CLAIMS, "iat": NOW + 31_001, "exp": NOW + 60_000}, {}, TokenNotYetValid),
        ({**CLAIMS, "iat": NOW - 10_000, "exp": NOW + 999}, {}, TokenExpired),
        (CLAIMS, {"seen_nonces": [CLAIMS["nonce"]]}, NonceAlreadySeen),
    ],
)
def test_rejections(claims, overrides, error):
    with pytest.raises(error):
        verify(peer_tokens.sign(claims, SEED), **overrides)


def test_boundaries_are_accepted():
    exactly_one_hour = {**CLAIMS, "exp": NOW + 3_600_000}
    assert verify(peer_tokens.sign(exactly_one_hour, SEED))
    within_leeway = {**CLAIMS, "iat": NOW + 31_000, "exp": NOW + 60_000}
    assert verify(peer_tokens.sign(within_leeway, SEED))
    expires_now = {**CLAIMS, "iat": NOW - 10_000, "exp": NOW + 1000}
    assert verify(peer_tokens.sign(expires_now, SEED))


def test_checks_run_in_documented_order():
    # Expired and replayed and for someone else: the audience failure is reported first.
    claims = {**CLAIMS, "iat": NOW - 10_000, "exp": NOW}
    with pytest.raises(TokenWrongAudience):
        verify(peer_tokens.sign(claims, SEED), audience="x", seen_nonces=[CLAIMS["nonce"]])
    with pytest.raises(SignatureInvalid):
        verify(peer_tokens.sign(claims, bytes(32)), audience="x")


def test_replayed_nonce_rejected_whichever_token_carries_it():
    # STG-TOK-008
    other = {**CLAIMS, "iat": NOW + 5, "exp": NOW + 10_000}
    with pytest.raises(NonceAlreadySeen):
        verify(peer_tokens.sign(other, SEED), seen_nonces={CLAIMS["nonce"]})
