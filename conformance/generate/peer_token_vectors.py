"""Peer-token vectors: ``vectors/peer_tokens/{sign,verify}.json`` (STG-TOK-001..008).

Tokens are compact JWS under interpretation ``peer_token_format`` = ``jwt-ms``:
``B64U(JCS(header)) "." B64U(JCS(claims)) "." B64U(Ed25519 signature over the first two parts as ASCII)``, header
``{"alg":"EdDSA","typ":"JWT"}``, ``iat``/``exp`` in epoch milliseconds. Keys are the RFC 8032 TEST 1 and 2 seeds.

``peer_tokens.verify`` checks, in this order, and reports the first failure (docs/adapter-protocol.md): structure
and header, signature, ``sub == audience``, ``exp - iat <= max_lifetime_ms``, ``iat <= now_ms + leeway_ms``,
``now_ms <= exp``, nonce not in ``seen_nonces``. ``conformance.oracle.peer_tokens.verify`` states that order as
code; every verify vector's expected result is asserted equal to it (``model_verify``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

from conformance.generate.ed25519_vectors import SEED1, SEED2
from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import ed25519 as oracle
from conformance.oracle import peer_tokens

L = 2**252 + 27742317777372353535851937790883648493
HEADER = peer_tokens.HEADER
PUB1, PUB2 = oracle.public_key(SEED1), oracle.public_key(SEED2)
KEY1, KEY2 = oracle.b64u_encode(PUB1), oracle.b64u_encode(PUB2)
NODE_A, NODE_B = "stigmem://node-a.example", "stigmem://node-b.example"
IAT = 1777723200000  # 2026-05-02T12:00:00Z
LEEWAY, MAX_LIFETIME = peer_tokens.LEEWAY_MS, peer_tokens.MAX_LIFETIME_MS

NOTES = {
    "KeyOrder": {"description": "The claims are given in another member order; JCS fixes the signed bytes.",
                 "effect": "Two signers of the same claims produce different tokens.",
                 "requirements": "STG-TOK-001, STG-JCS-001"},
    "NonCanonicalJson": {"description": "Header and payload are not JCS (spaces, other member order). "
                                        "Verifiers accept any serialization: the signature covers the segments.",
                         "effect": "Tokens from other JWT libraries are refused.",
                         "requirements": "STG-TOK-001"},
    "Boundary": {"description": "A value exactly at a limit: now = exp, exp - iat = max_lifetime_ms, "
                                "iat = now + leeway_ms. All are accepted.",
                 "effect": "Off-by-one rejections of valid tokens.", "requirements": "STG-TOK-002, STG-TOK-005"},
    "ExpiredToken": {"description": "now_ms > exp.", "effect": "Captured tokens stay usable forever.",
                     "requirements": "STG-TOK-005"},
    "NotYetValid": {"description": "iat > now_ms + leeway_ms (the REF 30 s leeway, interpretation jwt-ms).",
                    "effect": "Pre-dated tokens extend the usable window.", "requirements": "STG-TOK-005"},
    "LifetimeExceeded": {"description": "exp - iat > max_lifetime_ms (3600000 ms).",
                         "effect": "Long-lived tokens defeat the one-hour cap.", "requirements": "STG-TOK-002"},
    "WrongAudience": {"description": "sub is not the receiver's node id.",
                      "effect": "A token for one peer is replayed against another.",
                      "requirements": "STG-TOK-004"},
    "ReplayedNonce": {"description": "The nonce is in seen_nonces: the same token again, or a different token "
                                     "carrying the same nonce (interpretation nonce_retention: until-expiry).",
                      "effect": "Replay attacks succeed.",
                      "requirements": "STG-TOK-006, STG-TOK-007, STG-TOK-008"},
    "WrongKey": {"description": "The token is signed by another key than the issuer's.",
                 "effect": "Anyone can impersonate a peer.", "requirements": "STG-TOK-003"},
    "TamperedPayload": {"description": "The payload segment was changed after signing.",
                        "effect": "A peer widens its own scopes or lifetime.", "requirements": "STG-TOK-003"},
    "TamperedHeader": {"description": "The header segment was changed after signing.",
                       "effect": "The signature does not bind the header.", "requirements": "STG-TOK-003"},
    "NonCanonicalS": {"description": "The signature's S replaced by S + L (rejected by every ed25519_policy).",
                      "effect": "Tokens are malleable: one nonce, many token strings.",
                      "requirements": "STG-TOK-003"},
    "SegmentCount": {"description": "The token does not have exactly three dot-separated segments.",
                     "effect": "Parsers that split loosely accept truncated or padded tokens.",
                     "requirements": "STG-TOK-001"},
    "BadBase64": {"description": "A segment is not unpadded base64url.",
                  "effect": "Lenient decoders accept what strict ones reject.",
                  "requirements": "STG-TOK-001, STG-SIG-002"},
    "PaddedBase64": {"description": "A segment carries '=' padding, which JWS compact serialization forbids.",
                     "effect": "Two strings for one token; replay caches keyed on the string miss it.",
                     "requirements": "STG-TOK-001, STG-SIG-002"},
    "NotIJson": {"description": "A part is JSON but not I-JSON (unpaired surrogate, number beyond the double range).",
                 "effect": "The claims have no canonical form; parsers disagree on what was signed.",
                 "requirements": "STG-TOK-001"},
    "AlgNone": {"description": "Header alg is \"none\" with an empty signature segment.",
                "effect": "The classic JWT bypass: unsigned tokens are accepted.", "requirements": "STG-TOK-001"},
    "WrongAlg": {"description": "Header alg is not EdDSA (HS256), over a valid Ed25519 signature.",
                 "effect": "Algorithm confusion.", "requirements": "STG-TOK-001"},
    "NotJson": {"description": "A segment decodes to bytes that are not a JSON object.",
                "effect": "Parser crashes, or claims read from garbage.", "requirements": "STG-TOK-001"},
    "MissingClaim": {"description": "A required claim (iss, sub, iat, exp, nonce, scopes) is absent.",
                     "effect": "Expiry or replay checks are skipped for lack of a value.",
                     "requirements": "STG-TOK-001"},
    "OptionalTyp": {"description": "The header has no typ member; RFC 7519 makes typ optional.",
                    "effect": "Tokens from JOSE libraries that leave typ out are refused.",
                    "requirements": "STG-TOK-001"},
    "WrongTyp": {"description": "The header's typ is present and is not JWT.",
                 "effect": "Other JOSE objects signed with the same key are taken for peer tokens.",
                 "requirements": "STG-TOK-001"},
    "CritHeader": {"description": "The header names critical extensions (RFC 7515 §4.1.11), which this verifier "
                                  "cannot honour, so it must refuse the token.",
                   "effect": "Constraints the issuer marked critical are ignored.", "requirements": "STG-TOK-001"},
    "ClaimShape": {"description": "A claim has the wrong type: iss, sub and nonce are non-empty strings, iat and "
                                  "exp integral numbers of epoch milliseconds, scopes a list of FactScopes.",
                   "effect": "Comparisons on ill-typed claims crash or pass by accident.",
                   "requirements": "STG-TOK-001"},
    "Defaults": {"description": "leeway_ms and max_lifetime_ms are left out of the input: the documented "
                                "defaults (30000 and 3600000) apply.",
                 "effect": "A verifier whose built-in limits differ from the protocol's.",
                 "requirements": "STG-TOK-002, STG-TOK-005"},
    "ErrorOrder": {"description": "Two faults at once; the first in the documented order is reported.",
                   "effect": "Implementations report different codes for the same token.",
                   "requirements": "STG-TOK-003"},
}


def _nonce(label: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(label.encode()).digest()[:16], version=4))


NONCE = _nonce("peer token 1")


def claims(**changes: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"iss": NODE_A, "sub": NODE_B, "iat": IAT, "exp": IAT + 300000, "nonce": NONCE,
                         "scopes": ["public"]}
    c.update(changes)
    return c


def _seg(data: bytes) -> str:
    return oracle.b64u_encode(data)


def token(c: Mapping[str, Any], seed: bytes = SEED1, header: bytes | None = None,
          payload: bytes | None = None) -> str:
    """A compact JWS; ``header``/``payload`` override the JCS bytes of HEADER and ``c``."""
    signing_input = _seg(header if header is not None else oracle.jcs(HEADER)) + "." + _seg(
        payload if payload is not None else oracle.jcs(c))
    return signing_input + "." + _seg(oracle.sign(seed, signing_input.encode("ascii")))


def model_verify(data: Mapping[str, Any]) -> dict[str, Any]:
    """The expected block of a verify input: ``conformance.oracle.peer_tokens.verify``, first failure reported."""
    try:
        return valid(claims=peer_tokens.verify(
            data["token"], data["issuer_public_key_b64u"], data["audience"], data["now_ms"],
            seen_nonces=data["seen_nonces"], leeway_ms=data.get("leeway_ms", LEEWAY),
            max_lifetime_ms=data.get("max_lifetime_ms", MAX_LIFETIME)))
    except peer_tokens.TokenInvalid as exc:
        return invalid(exc.code)


def _sign_file() -> VectorFile:
    vf = VectorFile("peer_tokens", "sign",
                    "Signing peer-token claims with a 32-byte Ed25519 seed: the compact JWS with JCS header and "
                    "payload. Deterministic: Ed25519 is deterministic and JCS fixes the bytes.", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], c: dict[str, Any], seed: bytes = SEED1,
            flags: tuple[str, ...] = ()) -> None:
        tok = token(c, seed)
        vf.add(Case(desc, reqs, {"claims": c, "seed_hex": seed.hex()}, valid(token=tok), flags=flags,
                    display={"header_text": oracle.jcs(HEADER).decode(), "payload_text": oracle.jcs(c).decode()}))

    add("Token from node A to node B with the TEST 1 key", ("STG-TOK-001",), claims())
    add("Claims in reverse member order give the same token", ("STG-TOK-001", "STG-JCS-001"),
        dict(reversed(list(claims().items()))), flags=("KeyOrder",))
    add("Token with two scopes", ("STG-TOK-001",), claims(scopes=["public", "company"], nonce=_nonce("two scopes")))
    add("Token with the full one-hour lifetime", ("STG-TOK-001", "STG-TOK-002"),
        claims(exp=IAT + MAX_LIFETIME, nonce=_nonce("one hour")), flags=("Boundary",))
    add("Token from node B to node A with the TEST 2 key", ("STG-TOK-001",),
        claims(iss=NODE_B, sub=NODE_A, nonce=_nonce("b to a")), SEED2)
    for name in ("nonce", "exp"):
        c = {k: v for k, v in claims().items() if k != name}
        vf.add(Case(f"Claims without {name} are refused", ("STG-TOK-001",), {"claims": c, "seed_hex": SEED1.hex()},
                    invalid("token_malformed"), flags=("MissingClaim",)))
    return vf


def _verify_file() -> VectorFile:
    vf = VectorFile("peer_tokens", "verify",
                    "Verifying a peer token at a frozen clock against a set of already-seen nonces. Checks run "
                    "in the documented order and the first failure is reported.", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], expected: dict[str, Any], tok: str,
            *, now: int = IAT + 1000, seen: tuple[str, ...] = (), audience: str = NODE_B,
            key: str = KEY1, defaults: bool = False) -> None:
        data = {"token": tok, "issuer_public_key_b64u": key, "audience": audience, "now_ms": now,
                "seen_nonces": list(seen), "leeway_ms": LEEWAY, "max_lifetime_ms": MAX_LIFETIME}
        if defaults:  # leeway_ms and max_lifetime_ms left out: the documented defaults apply
            del data["leeway_ms"], data["max_lifetime_ms"]
        model = model_verify(data)
        if model != expected:
            raise AssertionError(f"{desc}: model says {model}, vector says {expected}")
        vf.add(Case(desc, reqs, data, expected, flags=flags))

    base = claims()
    t = token(base)
    ok = valid(claims=base)
    add("Token verifies one second after iat", ("STG-TOK-001", "STG-TOK-003"), (), ok, t)
    add("Token verifies exactly at exp", ("STG-TOK-005",), ("Boundary",), ok, t, now=base["exp"])
    add("Token verifies when only other nonces were seen", ("STG-TOK-006",), (), ok, t,
        seen=(_nonce("other 1"), _nonce("other 2")))
    add("Token with iat exactly leeway ahead of now verifies", ("STG-TOK-005",), ("Boundary",), ok, t,
        now=IAT - LEEWAY)
    hour = claims(exp=IAT + MAX_LIFETIME, nonce=_nonce("one hour"))
    add("Lifetime of exactly 3600000 ms verifies", ("STG-TOK-002",), ("Boundary",), valid(claims=hour),
        token(hour))
    two = claims(scopes=["public", "company"], nonce=_nonce("two scopes"))
    add("Token with two scopes verifies", ("STG-TOK-001",), (), valid(claims=two), token(two))
    ba = claims(iss=NODE_B, sub=NODE_A, nonce=_nonce("b to a"))
    add("Token from node B verifies under the TEST 2 key", ("STG-TOK-003",), (), valid(claims=ba),
        token(ba, SEED2), audience=NODE_A, key=KEY2)
    pretty_header = json.dumps({"typ": "JWT", "alg": "EdDSA"}).encode()
    pretty_payload = json.dumps(dict(reversed(list(base.items()))), indent=1).encode()
    add("Non-JCS header and payload serializations verify", ("STG-TOK-001",), ("NonCanonicalJson",), ok,
        token(base, header=pretty_header, payload=pretty_payload))

    add("Token is expired one millisecond after exp", ("STG-TOK-005",), ("ExpiredToken",),
        invalid("token_expired"), t, now=base["exp"] + 1)
    add("Same token again is a replay", ("STG-TOK-006",), ("ReplayedNonce",), invalid("nonce_already_seen"), t,
        seen=(NONCE,))
    later = claims(iat=IAT + 2000, exp=IAT + 302000)
    add("Different token with an already-seen nonce is a replay", ("STG-TOK-007", "STG-TOK-008"),
        ("ReplayedNonce",), invalid("nonce_already_seen"), token(later), now=IAT + 3000, seen=(NONCE,))
    add("Token for another node is refused", ("STG-TOK-004",), ("WrongAudience",),
        invalid("token_wrong_audience"), t, audience="stigmem://node-c.example")
    long = claims(exp=IAT + MAX_LIFETIME + 1)
    add("Lifetime of 3600001 ms is refused", ("STG-TOK-002",), ("LifetimeExceeded",),
        invalid("token_lifetime_exceeded"), token(long))
    add("Token with iat beyond the leeway is not yet valid", ("STG-TOK-005",), ("NotYetValid",),
        invalid("token_not_yet_valid"), t, now=IAT - LEEWAY - 1)
    add("Token signed by another key fails", ("STG-TOK-003",), ("WrongKey",), invalid("signature_invalid"),
        token(base, SEED2))
    h, p, s = t.split(".")
    widened = _seg(oracle.jcs(claims(scopes=["public", "company"])))
    add("Payload widened after signing fails", ("STG-TOK-003",), ("TamperedPayload",),
        invalid("signature_invalid"), f"{h}.{widened}.{s}")
    kid_header = _seg(oracle.jcs({**HEADER, "kid": "node-a-1"}))
    add("Header changed after signing fails", ("STG-TOK-003",), ("TamperedHeader",), invalid("signature_invalid"),
        f"{kid_header}.{p}.{s}")
    sig = oracle.b64u_decode(s)
    s_plus_l = sig[:32] + (int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little")
    add("Signature with S replaced by S + L fails", ("STG-TOK-003",), ("NonCanonicalS",),
        invalid("signature_invalid"), f"{h}.{p}.{_seg(s_plus_l)}")

    bad = invalid("token_malformed")
    add("Token with two segments is malformed", ("STG-TOK-001",), ("SegmentCount",), bad, f"{h}.{p}")
    add("Token with four segments is malformed", ("STG-TOK-001",), ("SegmentCount",), bad, f"{t}.{s}")
    add("Payload with characters outside base64url is malformed", ("STG-TOK-001",), ("BadBase64",), bad,
        f"{h}.{p[:10]}+/{p[12:]}.{s}")
    padded = p + "=" * (-len(p) % 4) if len(p) % 4 else p + "=="
    add("Padded payload segment is malformed", ("STG-TOK-001",), ("PaddedBase64",), bad, f"{h}.{padded}.{s}")
    none = _seg(oracle.jcs({"alg": "none", "typ": "JWT"}))
    add("Header alg none with an empty signature is malformed", ("STG-TOK-001",), ("AlgNone",), bad,
        f"{none}.{p}.")
    add("Header alg HS256 is malformed", ("STG-TOK-001",), ("WrongAlg",), bad,
        token(base, header=oracle.jcs({"alg": "HS256", "typ": "JWT"})))
    add("Payload that is not JSON is malformed", ("STG-TOK-001",), ("NotJson",), bad,
        token(base, payload=b"iss=stigmem://node-a.example"))
    add("Payload that is a JSON array is malformed", ("STG-TOK-001",), ("NotJson",), bad,
        token(base, payload=oracle.jcs(list(base.values()))))
    add("Header that is not JSON is malformed", ("STG-TOK-001",), ("NotJson",), bad,
        token(base, header=b"EdDSA"))
    no_nonce = {k: v for k, v in base.items() if k != "nonce"}
    add("Payload without nonce is malformed", ("STG-TOK-001",), ("MissingClaim",), bad, token(no_nonce))

    # Ordering: one vector per adjacent pair of the documented order, plus replay against each earlier check.
    add("Wrong alg is reported before a bad signature", ("STG-TOK-001", "STG-TOK-003"),
        ("ErrorOrder", "WrongAlg", "WrongKey"), bad, token(base, SEED2, header=oracle.jcs({"alg": "HS256"})))
    add("Bad signature is reported before the wrong audience", ("STG-TOK-003", "STG-TOK-004"),
        ("ErrorOrder", "WrongKey", "WrongAudience"), invalid("signature_invalid"), token(base, SEED2),
        audience="stigmem://node-c.example")
    add("Wrong audience is reported before the lifetime cap", ("STG-TOK-004", "STG-TOK-002"),
        ("ErrorOrder", "WrongAudience", "LifetimeExceeded"), invalid("token_wrong_audience"), token(long),
        audience="stigmem://node-c.example")
    add("Lifetime cap is reported before not-yet-valid", ("STG-TOK-002", "STG-TOK-005"),
        ("ErrorOrder", "LifetimeExceeded", "NotYetValid"), invalid("token_lifetime_exceeded"), token(long),
        now=IAT - LEEWAY - 1)
    backwards = claims(exp=IAT - 100000, nonce=_nonce("exp before iat"))
    add("Not-yet-valid is reported before expiry", ("STG-TOK-005",), ("ErrorOrder", "NotYetValid", "ExpiredToken"),
        invalid("token_not_yet_valid"), token(backwards), now=IAT - 50000)
    add("Expiry is reported before the replay", ("STG-TOK-005", "STG-TOK-006"),
        ("ErrorOrder", "ExpiredToken", "ReplayedNonce"), invalid("token_expired"), t, now=base["exp"] + 1,
        seen=(NONCE,))
    add("Bad signature is reported before the replay", ("STG-TOK-003", "STG-TOK-006"),
        ("ErrorOrder", "WrongKey", "ReplayedNonce"), invalid("signature_invalid"), token(base, SEED2),
        seen=(NONCE,))
    add("Wrong audience is reported before the replay", ("STG-TOK-004", "STG-TOK-006"),
        ("ErrorOrder", "WrongAudience", "ReplayedNonce"), invalid("token_wrong_audience"), t,
        audience="stigmem://node-c.example", seen=(NONCE,))
    add("Lifetime cap is reported before expiry", ("STG-TOK-002", "STG-TOK-005"),
        ("ErrorOrder", "LifetimeExceeded", "ExpiredToken"), invalid("token_lifetime_exceeded"), token(long),
        now=long["exp"] + 1)
    add("Not-yet-valid is reported before the replay", ("STG-TOK-005", "STG-TOK-006"),
        ("ErrorOrder", "NotYetValid", "ReplayedNonce"), invalid("token_not_yet_valid"), t,
        now=IAT - LEEWAY - 1, seen=(NONCE,))
    # Appended for the mutant catalogue (tests/mutants): ids after this line are new.
    add("Header alg none on a validly signed token is malformed", ("STG-TOK-001",), ("AlgNone",), bad,
        token(base, header=oracle.jcs({"alg": "none", "typ": "JWT"})))
    plain = json.dumps(base).encode("ascii")
    add("Payload with an unpaired surrogate in an extra member is malformed", ("STG-TOK-001", "STG-JCS-006"),
        ("NotIJson",), bad, token(base, payload=plain[:-1] + b', "note": "\\ud800"}'))
    add("Payload with a number beyond the double range is malformed", ("STG-TOK-001", "STG-JCS-007"),
        ("NotIJson",), bad, token(base, payload=plain[:-1] + b', "weight": 1e400}'))
    # Appended for the automatic mutation sweep (tests/mutants/sweep.py): header members and claim shapes.
    add("Header without typ verifies (typ is optional in a JWT)", ("STG-TOK-001",), ("OptionalTyp",), ok,
        token(base, header=oracle.jcs({"alg": "EdDSA"})))
    add("Header typ other than JWT is malformed", ("STG-TOK-001",), ("WrongTyp",), bad,
        token(base, header=oracle.jcs({"alg": "EdDSA", "typ": "JOSE"})))
    add("Header with a crit member is malformed", ("STG-TOK-001",), ("CritHeader",), bad,
        token(base, header=oracle.jcs({**HEADER, "crit": ["exp"]})))
    for desc, change in (("iat given as a string", {"iat": str(IAT)}), ("exp given as true", {"exp": True}),
                         ("iat with a fraction", {"iat": IAT + 0.5}), ("empty nonce", {"nonce": ""}),
                         ("iss given as a number", {"iss": 42}), ("scopes given as a string", {"scopes": "public"}),
                         ("an unknown scope", {"scopes": ["public", "galaxy"]}), ("a scope given as a number",
                                                                                 {"scopes": [1]})):
        add(f"Payload with {desc} is malformed", ("STG-TOK-001",), ("ClaimShape",), bad, token(claims(**change)))
    whole = claims(iat=float(IAT))
    add("Payload with iat written as an integral double verifies", ("STG-TOK-001",), ("ClaimShape",),
        valid(claims=claims()), token(whole, payload=json.dumps(whole).encode()))
    add("Lifetime of exactly 3600000 ms verifies under the default cap", ("STG-TOK-002",), ("Boundary", "Defaults"),
        valid(claims=hour), token(hour), defaults=True)
    add("Lifetime of 3600001 ms is refused under the default cap", ("STG-TOK-002",), ("LifetimeExceeded", "Defaults"),
        invalid("token_lifetime_exceeded"), token(long), defaults=True)
    add("iat exactly the default leeway ahead of now verifies", ("STG-TOK-005",), ("Boundary", "Defaults"), ok, t,
        now=IAT - LEEWAY, defaults=True)
    add("iat beyond the default leeway is not yet valid", ("STG-TOK-005",), ("NotYetValid", "Defaults"),
        invalid("token_not_yet_valid"), t, now=IAT - LEEWAY - 1, defaults=True)
    # Appended for blind round 3 (b3-jcs-surrogate-keys-skipped): STG-JCS-006 covers member names as well as
    # values, and a token part is parsed, never re-serialized, so only the parse can catch a bad name.
    add("Payload with an unpaired surrogate in a member name is malformed", ("STG-TOK-001", "STG-JCS-006"),
        ("NotIJson",), bad, token(base, payload=plain[:-1] + b', "\\udc00": 1}'))
    add("Header with an unpaired surrogate in a member name is malformed", ("STG-TOK-001", "STG-JCS-006"),
        ("NotIJson",), bad, token(base, header=b'{"alg":"EdDSA","typ":"JWT","\\ud800x":0}'))
    # Appended for blind rounds 1 and 3 (b1-tok-audience-case-insensitive, b3-tok-audience-casefold): the near
    # miss of the audience, the receiver's own node id with its letters in another case (A08 §3.5: sub == node_id).
    add("sub equal to the receiver's node id but for letter case is the wrong audience", ("STG-TOK-004",),
        ("WrongAudience",), invalid("token_wrong_audience"), token(claims(sub=NODE_B.upper())))
    add("Receiver's node id in another case than sub is the wrong audience", ("STG-TOK-004",),
        ("WrongAudience",), invalid("token_wrong_audience"), t, audience="stigmem://Node-B.example")
    # Blind round 2 (b2-tok-audience-prefix): sub a prefix of the receiver's node id, and the receiver's id a
    # prefix of sub.
    add("sub that is a prefix of the receiver's node id is the wrong audience", ("STG-TOK-004",),
        ("WrongAudience",), invalid("token_wrong_audience"), token(claims(sub="stigmem://node-b")))
    add("sub that extends the receiver's node id is the wrong audience", ("STG-TOK-004",),
        ("WrongAudience",), invalid("token_wrong_audience"), token(claims(sub=NODE_B + ".evil")))
    return vf


def files() -> list[VectorFile]:
    return [_sign_file(), _verify_file()]
