"""Federation identities: Ed25519 keys, node ids, signed PeerDeclarations, peer tokens and manifests.

Spec-05 and A08 §6.1 (PeerDeclaration), A08 §3.5, §6.6(3) and Spec-11 (peer tokens), Spec-04 and A20 §19.1
(manifests, for the upstream flow);
docs/federation-api.md "PeerDeclaration" and "Peer tokens"; docs/adapter-protocol.md "Peer tokens". Requirements
STG-TOK-001..008, STG-RPL-001/004, STG-FED-005/006. Every byte that is signed comes from ``conformance.oracle``
(``rfc8785`` and ``cryptography``); this module only assembles documents. It never decides whether a node is right:
``verify_token`` applies ``conformance.oracle.peer_tokens.verify``, the suite's one peer-token verification, to the
tokens a node under test presents to the scripted peer.

Token variants (``crafted``) are the faults the replay and token checks present to a node: ``fresh``,
``replay`` (the same string again), ``same_nonce`` (a new token reusing a nonce), ``expired``, ``long_lived``
(lifetime above one hour), ``wrong_sub``, ``other_key``, ``future_iat``, ``no_nonce``, ``tampered`` (payload changed
after signing), ``malformed`` and ``small_order_r`` (signed by the peer's own key with the identity point as R: it
holds the cofactorless equation, so only a verifier that rejects small-order R refuses it, ed25519_policy strict).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conformance.oracle import ed25519 as oracle
from conformance.oracle import peer_tokens
from conformance.oracle.peer_tokens import HEADER, LEEWAY_MS, MAX_LIFETIME_MS

DEFAULT_LIFETIME_MS = 300_000
VARIANTS = ("fresh", "replay", "same_nonce", "expired", "long_lived", "wrong_sub", "other_key", "future_iat",
            "no_nonce", "tampered", "malformed", "small_order_r")
IDENTITY_R = (1).to_bytes(32, "little")  # RFC 8032 section 5.1.2: the encoding of the neutral point (y = 1, x = 0)
GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493  # L, RFC 8032 section 5.1


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def iso_utc(ms: int | None = None) -> str:
    """RFC 3339 UTC with a Z and whole seconds, as declarations carry ``signed_at``."""
    instant = datetime.fromtimestamp((now_ms() if ms is None else ms) / 1000, UTC)
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Identity:
    """A node's federation identity: a 32-byte Ed25519 seed and a ``stigmem://<authority>/node/<uuid>`` id."""

    seed: bytes
    node_id: str
    authority: str = field(default="")

    @classmethod
    def generate(cls, authority: str, node_id: str | None = None) -> Identity:
        return cls(secrets.token_bytes(32), node_id or f"stigmem://{authority}/node/{uuid.uuid4()}", authority)

    @property
    def public_key(self) -> bytes:
        return oracle.public_key(self.seed)

    @property
    def pubkey_b64(self) -> str:
        """``federation_pubkey``: base64url of the raw 32-byte key, 43 characters."""
        return oracle.b64u_encode(self.public_key)

    @property
    def privkey_b64(self) -> str:
        """The seed as base64url (the upstream node's STIGMEM_FEDERATION_PRIVKEY)."""
        return oracle.b64u_encode(self.seed)

    def sign(self, message: bytes) -> str:
        return oracle.b64u_encode(oracle.sign(self.seed, message))

    def sign_identity_r(self, message: bytes) -> str:
        """A signature with R the identity point and S = k * a mod L (k = SHA-512(R || A || M) mod L): [S]B = R +
        [k]A holds, so a cofactorless verifier accepts it unless it refuses a small-order R (RFC 8032 section 5.1.7)."""
        k = int.from_bytes(hashlib.sha512(IDENTITY_R + self.public_key + message).digest(), "little") % GROUP_ORDER
        s = k * oracle.secret_scalar(self.seed) % GROUP_ORDER
        return oracle.b64u_encode(IDENTITY_R + s.to_bytes(32, "little"))


def fingerprint(pubkey_b64: str) -> str:
    """The approval fingerprint the upstream node asks for: sha256 of the base64url key text."""
    return "sha256:" + hashlib.sha256(pubkey_b64.encode("ascii")).hexdigest()


# --- PeerDeclaration ---------------------------------------------------------------------------------------

def declaration(identity: Identity, node_url: str, scopes: Sequence[str], *, signed_at: str | None = None,
                fields: str = "a08-jcs", pubkey_b64: str | None = None, node_id: str | None = None,
                sign_with: Identity | None = None) -> dict[str, Any]:
    """A signed declaration (interpretation ``peer_declaration_fields``: ``fields``).

    ``pubkey_b64``/``node_id`` override what is declared (a mismatch with discovery, STG-FED-006) and ``sign_with``
    signs with another key than the declared one (STG-FED-005)."""
    doc: dict[str, Any] = {"node_url": node_url, "node_id": node_id or identity.node_id,
                           "federation_pubkey": pubkey_b64 or identity.pubkey_b64, "allowed_scopes": list(scopes),
                           "signed_at": signed_at or iso_utc()}
    signer = sign_with or identity
    doc["declaration_sig"] = signer.sign(oracle.preimage("peer_declaration", doc, fields))
    return doc


def declaration_valid(doc: Mapping[str, Any], fields: str = "a08-jcs") -> bool:
    """Whether ``declaration_sig`` verifies under the declared ``federation_pubkey``."""
    try:
        key = oracle.b64u_decode(str(doc["federation_pubkey"]))
        sig = oracle.b64u_decode(str(doc["declaration_sig"]))
        return oracle.verify(key, oracle.preimage("peer_declaration", doc, fields), sig)
    except (KeyError, ValueError):
        return False


# --- peer tokens -------------------------------------------------------------------------------------------

def encode(claims: Mapping[str, Any], signer: Identity, header: Mapping[str, Any] = HEADER) -> str:
    """Compact JWS: B64U(JCS(header)) . B64U(JCS(claims)) . B64U(Ed25519 over the first two parts)."""
    signing_input = oracle.b64u_encode(oracle.jcs(dict(header))) + "." + oracle.b64u_encode(oracle.jcs(dict(claims)))
    return signing_input + "." + signer.sign(signing_input.encode("ascii"))


def claims_for(iss: str, sub: str, scopes: Sequence[str], *, iat: int | None = None,
               lifetime_ms: int = DEFAULT_LIFETIME_MS, nonce: str | None = None) -> dict[str, Any]:
    issued = now_ms() if iat is None else iat
    return {"iss": iss, "sub": sub, "iat": issued, "exp": issued + lifetime_ms,
            "nonce": nonce or str(uuid.uuid4()), "scopes": list(scopes)}


@dataclass
class Crafted:
    """One crafted token and what it is: its claims (None when unparsable) and the variant."""

    token: str
    variant: str
    claims: dict[str, Any] | None


def crafted(variant: str, signer: Identity, sub: str, scopes: Sequence[str], *,
            previous: Crafted | None = None) -> Crafted:
    """A token of ``variant`` from ``signer`` to the node ``sub``; ``replay``/``same_nonce`` reuse ``previous``."""
    now = now_ms()
    if variant in ("replay", "same_nonce") and (previous is None or previous.claims is None):
        raise ValueError(f"variant {variant!r} needs a previous parsable token")
    if variant == "replay":
        assert previous is not None
        return Crafted(previous.token, variant, previous.claims)
    if variant == "malformed":
        return Crafted("not-a.jws", variant, None)
    c = claims_for(signer.node_id, sub, scopes)
    key = signer
    if variant == "same_nonce":
        assert previous is not None and previous.claims is not None
        c = claims_for(signer.node_id, sub, scopes, iat=now + 1, nonce=previous.claims["nonce"])
    elif variant == "expired":
        c = claims_for(signer.node_id, sub, scopes, iat=now - 600_000, lifetime_ms=300_000)
    elif variant == "long_lived":
        c = claims_for(signer.node_id, sub, scopes, lifetime_ms=MAX_LIFETIME_MS + 60_000)
    elif variant == "wrong_sub":
        c["sub"] = f"stigmem://elsewhere.test/node/{uuid.uuid4()}"
    elif variant == "other_key":
        key = Identity.generate(signer.authority or "other.test", node_id=signer.node_id)
    elif variant == "future_iat":
        c = claims_for(signer.node_id, sub, scopes, iat=now + 10 * LEEWAY_MS)
    elif variant == "no_nonce":
        del c["nonce"]
    elif variant not in ("fresh", "tampered", "small_order_r"):
        raise ValueError(f"unknown token variant {variant!r}; known: {', '.join(VARIANTS)}")
    token = encode(c, key)
    if variant == "small_order_r":
        head, body, _ = token.split(".")
        token = f"{head}.{body}.{key.sign_identity_r(f'{head}.{body}'.encode('ascii'))}"
    if variant == "tampered":
        head, _, sig = token.split(".")
        widened = {**c, "scopes": sorted({*c["scopes"], "company", "team"})}
        token = f"{head}.{oracle.b64u_encode(oracle.jcs(widened))}.{sig}"
        c = widened
    return Crafted(token, variant, c)


def verify_token(token: str, public_key_b64: str, audience: str, *, now: int | None = None,
                 seen: set[str] | None = None) -> dict[str, Any]:
    """``conformance.oracle.peer_tokens.verify`` at ``now`` (default: the wall clock); raises ``TokenInvalid``.

    ``seen`` is the verifier's nonce set; a verified nonce is added to it."""
    claims = peer_tokens.verify(token, public_key_b64, audience, now_ms() if now is None else now,
                                seen_nonces=seen if seen is not None else ())
    if seen is not None:
        seen.add(claims["nonce"])
    return claims


# --- manifests (the upstream node binds a peer's entity_uri from its manifest) -------------------------------

def manifest(identity: Identity, node_url: str, *, key_id: str = "fed-key-1",
             lifetime_s: int = 86_400) -> dict[str, Any]:
    """A self-signed node manifest (Spec-04; A20 §19.1.2), signature over RFC 8785 of every other member."""
    issued = now_ms()
    doc: dict[str, Any] = {"entities": [identity.node_id, node_url], "entity_uri": node_url,
                           "issued_at": iso_utc(issued), "expires_at": iso_utc(issued + lifetime_s * 1000),
                           "key_id": key_id, "public_key": identity.pubkey_b64, "rotation_events": []}
    doc["signature"] = identity.sign(oracle.preimage("manifest", doc))
    return doc
