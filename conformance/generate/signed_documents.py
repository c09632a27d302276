"""The signed documents of the vectors: a PeerDeclaration, an RTBF tombstone and its revocation, a manifest.

Fixed members under the RFC 8032 section 7.1 TEST 1, 2 and 3 keys, each builder taking ``**changes``; ``signed``
sets the signature member with ``conformance.oracle.ed25519``. Used by the signature and federation vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from conformance.generate.ed25519_vectors import SEED1, SEED2, SEED3
from conformance.oracle import ed25519 as oracle

__all__ = ["NON_ASCII_URL", "PUB1", "PUB2", "PUB3", "RATE_LIMIT", "TOMB_ID", "declaration", "manifest",
           "reversed_members", "revocation", "rotation_event", "signed", "tombstone", "uuid7"]

PUB1, PUB2, PUB3 = (oracle.public_key(s) for s in (SEED1, SEED2, SEED3))


def uuid7(unix_ms: int, label: str) -> str:
    """A UUIDv7 (RFC 9562) with the given time and random bits from SHA-256(label)."""
    rand = int.from_bytes(hashlib.sha256(label.encode()).digest()[:10], "big")
    n = unix_ms << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64 | 0b10 << 62 | rand & (2**62 - 1)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def declaration(pub: bytes = PUB1, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "node_url": "https://node-a.example",
        "node_id": "stigmem://node-a.example",
        "federation_pubkey": oracle.b64u_encode(pub),
        "allowed_scopes": ["public", "company"],
        "signed_at": "2026-05-01T00:00:00Z",
    }
    doc.update(changes)
    return doc


TOMB_ID = "tomb_" + uuid7(1777714200000, "tombstone forgotten-user")


def tombstone(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": TOMB_ID,
        "entity_uri": "stigmem://node-a.example/user/forgotten-user",
        "scope": "company",
        "reason": "Erasure request 2026-0042",
        "signed_by": "stigmem://node-a.example",
        "key_id": oracle.key_id(PUB1),
        "created_at": "2026-05-02T09:30:00Z",
        "legal_hold": False,
    }
    doc.update(changes)
    return doc


def revocation(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "tombrevoke_" + uuid7(1777800600000, "revocation forgotten-user"),
        "tombstone_id": TOMB_ID,
        "reason": "Issued against the wrong entity",
        "signed_by": "stigmem://node-a.example",
        "key_id": oracle.key_id(PUB1),
        "created_at": "2026-05-03T09:30:00Z",
    }
    doc.update(changes)
    return doc


def rotation_event() -> dict[str, Any]:
    # A20 section 19.1.2: signed by the OLD key (TEST 2) over JCS of {entity_uri, old_key_id, new_key_id, rotated_at}.
    body = {"entity_uri": "stigmem://node-a.example", "old_key_id": oracle.key_id(PUB2),
            "new_key_id": oracle.key_id(PUB1), "rotated_at": "2026-04-01T00:00:00Z"}
    return {"rotated_at": body["rotated_at"], "old_key_id": body["old_key_id"], "new_key_id": body["new_key_id"],
            "rotation_sig": oracle.b64u_encode(oracle.sign(SEED2, oracle.jcs(body)))}


def manifest(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "manifest_version": 1,
        "entity_uri": "stigmem://node-a.example",
        "public_key": oracle.b64u_encode(PUB1),
        "key_id": oracle.key_id(PUB1),
        "entities": ["stigmem://node-a.example", "stigmem://node-a.example/user/alice"],
        "rotation_events": [],
        "issued_at": "2026-05-01T00:00:00Z",
        "expires_at": "2026-11-01T00:00:00Z",
    }
    doc.update(changes)
    return doc


NON_ASCII_URL = "https://bücher.example/straße/🐝"
RATE_LIMIT = {"facts_per_second": 50, "burst": 200}


def signed(kind: str, doc: Mapping[str, Any], seed: bytes = SEED1, fields: str = "a08-jcs") -> dict[str, Any]:
    """``doc`` with its signature member set (appended last)."""
    sig = oracle.sign(seed, oracle.preimage(kind, doc, fields))
    return {**doc, oracle.SIGNATURE_FIELD[kind]: oracle.b64u_encode(sig)}


def reversed_members(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (reversed_members(v) if isinstance(v, dict) else v) for k, v in reversed(list(doc.items()))}
