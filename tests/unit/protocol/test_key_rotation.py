"""reference_node.protocol.key_rotation: entries signed by the old key, chain verification and dual trust.

Expected key ids are computed here with hashlib, signatures checked with ``cryptography`` directly, never taken from
the module under test.
"""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reference_node.protocol import base64url, jcs, key_rotation
from reference_node.protocol.errors import (
    RotationChainGap,
    RotationChainRegression,
    RotationEntryInvalid,
    RotationSignatureInvalid,
)

URI = "stigmem://a.test/node/1"
SEEDS = [bytes([n]) * 32 for n in range(1, 5)]


def raw_public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def b64(seed: bytes) -> str:
    return base64url.encode(raw_public(seed))


def test_entry_is_signed_by_the_old_key_over_jcs_of_the_rest():
    entry = key_rotation.sign_entry(URI, SEEDS[0], SEEDS[1], "2026-05-01T00:00:00Z")
    assert entry["old_key_id"] == hashlib.sha256(raw_public(SEEDS[0])).hexdigest()
    assert entry["new_key_id"] == hashlib.sha256(raw_public(SEEDS[1])).hexdigest()
    assert entry["dual_trust_expires_at"] == "2026-07-30T00:00:00Z"
    assert entry["manifest_log_index"] is None and entry["event_type"] == "key_rotation"
    signed = jcs.canonical({k: v for k, v in entry.items() if k != "rotation_sig"})
    Ed25519PublicKey.from_public_bytes(raw_public(SEEDS[0])).verify(base64url.decode(entry["rotation_sig"]), signed)


def _chain(n: int) -> list[dict]:
    times = ["2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"]
    return [key_rotation.sign_entry(URI, SEEDS[i], SEEDS[i + 1], times[i]) for i in range(n)]


def test_chain_of_three_and_dual_trust_boundary():
    chain = key_rotation.verify_chain(URI, b64(SEEDS[0]), _chain(3))
    ids = [hashlib.sha256(raw_public(s)).hexdigest() for s in SEEDS]
    assert chain.current_key_id == ids[3] and chain.length == 3
    # 2026-01-01 + 90 days = 2026-04-01: trusted until the second before, stale from it on.
    assert key_rotation.trusted(chain, "2026-03-31T23:59:59Z") == (ids[3], ids[2], ids[1], ids[0])
    assert key_rotation.trusted(chain, "2026-04-01T00:00:00Z") == (ids[3], ids[2], ids[1])
    assert key_rotation.trusted_public_keys(chain, "2026-08-01T00:00:00Z") == (b64(SEEDS[3]),)


@pytest.mark.parametrize(("entries", "known", "error"), [
    (lambda c: [c[0], c[2]], 0, RotationChainGap),
    (lambda c: [c[1]], 0, RotationChainGap),
    (lambda c: c[:2], 3, RotationChainRegression),
    (lambda c: [c[0], key_rotation.sign_entry(URI, SEEDS[1], SEEDS[2], "2026-01-01T00:00:00Z")], 0,
     RotationChainRegression),
    (lambda c: [c[0] | {"dual_trust_expires_at": "2027-01-01T00:00:00Z"}], 0, RotationSignatureInvalid),
    (lambda c: [key_rotation.sign_entry(URI, SEEDS[1], SEEDS[1], "2026-01-01T00:00:00Z")
                | {"old_key_id": c[0]["old_key_id"]}], 0, RotationSignatureInvalid),
    (lambda c: [c[0] | {"extra": 1}], 0, RotationEntryInvalid),
    (lambda c: [key_rotation.sign_entry("stigmem://b.test/node/1", SEEDS[0], SEEDS[1], "2026-01-01T00:00:00Z")],
     0, RotationEntryInvalid),
])
def test_faults_are_refused(entries, known, error):
    with pytest.raises(error):
        key_rotation.verify_chain(URI, b64(SEEDS[0]), entries(_chain(3)), known)
