"""reference_node.protocol.manifests: shape, self-signature, window, coverage and rotation chains.

Key ids are computed here with hashlib and signatures with ``cryptography`` over ``rfc8785`` bytes, never taken
from the module under test.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reference_node.protocol import manifests
from reference_node.protocol.manifests import ManifestError

URI = "stigmem://a.test/node/1"
SEEDS = [bytes([n]) * 32 for n in range(1, 5)]
ISSUED = "2026-05-01T00:00:00Z"
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(seed: bytes, body: dict[str, Any]) -> dict[str, Any]:
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return {**unsigned, "signature": b64u(Ed25519PrivateKey.from_private_bytes(seed).sign(rfc8785.dumps(unsigned)))}


def manifest(seed: bytes = SEEDS[0], hours: float = 48, events: list[dict[str, Any]] | None = None,
             **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "manifest_version": 1, "entity_uri": URI, "public_key": b64u(raw(seed)),
        "key_id": hashlib.sha256(raw(seed)).hexdigest(), "entities": [URI, "stigmem://a.test/agent/x"],
        "rotation_events": events or [], "issued_at": ISSUED,
        "expires_at": (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    body.update(over)
    return sign(seed, body)


def event(old: bytes, new: bytes, at: str) -> dict[str, Any]:
    body = {"old_key_id": hashlib.sha256(raw(old)).hexdigest(), "new_key_id": hashlib.sha256(raw(new)).hexdigest(),
            "public_key": b64u(raw(new)), "rotated_at": at}
    sig = Ed25519PrivateKey.from_private_bytes(old).sign(rfc8785.dumps({**body, "entity_uri": URI}))
    return {**body, "signature": b64u(sig)}


def code(doc: dict[str, Any], now: datetime = T0, previous: dict[str, Any] | None = None) -> str | None:
    try:
        manifests.verify_manifest(doc, now, previous)
    except ManifestError as exc:
        return exc.code
    return None


def test_key_id_and_signing_body() -> None:
    assert manifests.key_id(raw(SEEDS[0])) == hashlib.sha256(raw(SEEDS[0])).hexdigest()
    doc = manifest()
    assert manifests.signing_body(doc) == rfc8785.dumps({k: v for k, v in doc.items() if k != "signature"})


def test_sign_manifest_matches_an_independent_signature() -> None:
    doc = manifest()
    made = manifests.sign_manifest({k: v for k, v in doc.items() if k != "signature"}, SEEDS[0])
    assert made == doc  # Ed25519 is deterministic


def test_window_edges() -> None:
    assert code(manifest(hours=24)) is None
    assert code(manifest(hours=24 - 1 / 3600)) == "manifest_invalid"
    assert code(manifest(hours=23)) == "manifest_invalid"
    assert code(manifest(hours=365 * 24)) is None
    assert code(manifest(hours=365 * 24 + 1 / 3600)) == "manifest_invalid"
    end = T0 + timedelta(hours=48)
    assert code(manifest(), end - timedelta(seconds=1)) is None
    assert code(manifest(), end) == "manifest_expired"
    assert code(manifest(), end + timedelta(seconds=1)) == "manifest_expired"


def test_near_misses() -> None:
    doc = manifest()
    sig = doc["signature"]
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    assert code({**doc, "signature": flipped}) == "manifest_signature_invalid"
    assert code({**doc, "entities": [URI]}) == "manifest_signature_invalid"
    other = manifest(key_id=hashlib.sha256(raw(SEEDS[1])).hexdigest())
    assert code(other) == "manifest_signature_invalid"
    assert code(manifest(entities=["stigmem://a.test/agent/x"])) == "manifest_invalid"
    assert code(manifest(manifest_version=2)) == "manifest_invalid"


def test_covers_exactly() -> None:
    doc = manifest()
    assert manifests.covers(doc, "stigmem://a.test/agent/x")
    assert not manifests.covers(doc, "stigmem://a.test/agent")
    assert not manifests.covers(doc, "stigmem://a.test/agent/x/y")
    assert not manifests.covers(doc, "stigmem://A.test/agent/x")


def test_chains() -> None:
    e1 = event(SEEDS[0], SEEDS[1], "2026-05-01T00:00:00Z")
    e2 = event(SEEDS[1], SEEDS[2], "2026-05-01T01:00:00Z")
    first = manifest(SEEDS[0])
    assert code(manifest(SEEDS[2], events=[e1, e2]), previous=first) is None
    assert code(manifest(SEEDS[2], events=[e1, e2])) is None
    gap = event(SEEDS[3], SEEDS[2], "2026-05-01T01:00:00Z")
    assert code(manifest(SEEDS[2], events=[e1, gap])) == "manifest_rotation_chain_invalid"
    forged = {**e2, "signature": event(SEEDS[3], SEEDS[2], "2026-05-01T01:00:00Z")["signature"]}
    assert code(manifest(SEEDS[2], events=[e1, forged])) == "manifest_rotation_chain_invalid"
    wrong_first = event(SEEDS[3], SEEDS[1], "2026-05-01T00:00:00Z") | {"old_key_id": e1["old_key_id"]}
    assert code(manifest(SEEDS[1], events=[wrong_first]), previous=first) == "manifest_rotation_chain_invalid"
    late = event(SEEDS[1], SEEDS[2], "2026-04-30T23:00:00Z")
    assert code(manifest(SEEDS[2], events=[e1, late])) == "manifest_rotation_chain_invalid"
    two = manifest(SEEDS[2], events=[e1, e2])
    assert code(manifest(SEEDS[1], events=[e1]), previous=two) == "manifest_rotation_chain_invalid"
    assert code(manifest(SEEDS[1]), previous=first) == "manifest_rotation_chain_invalid"
    assert code(manifest(SEEDS[2], events=[e1])) == "manifest_rotation_chain_invalid"


def test_new_manifest_and_event_helpers() -> None:
    e1 = manifests.sign_rotation_event(URI, SEEDS[0], raw(SEEDS[1]), "2026-05-01T00:00:00Z")
    assert e1 == event(SEEDS[0], SEEDS[1], "2026-05-01T00:00:00Z")
    doc = manifests.new_manifest(URI, SEEDS[1], ISSUED, timedelta(hours=24), rotation_events=[e1])
    assert doc["entities"] == [URI]
    assert code(doc, previous=manifest(SEEDS[0])) is None


@pytest.mark.parametrize("bad", [[], "x", None])
def test_shape(bad: object) -> None:
    assert code(manifest(rotation_events=bad) if bad != [] else {"entity_uri": URI}) == "manifest_invalid"
