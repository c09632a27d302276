"""reference_node.protocol.tombstones against A20 §23.2 and the seed ("Tombstones use RFC 8785 (JCS) canonical JSON.
``signature`` and ``reason`` fields are excluded before canonicalization. The ``key_id`` field identifies the signing
key without trial-verification"). Expected values are written out from that text, never taken from the module."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from reference_node.protocol import base64url, signatures
from reference_node.protocol import tombstones as rules

# RFC 8032 §7.1 TEST 1.
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RAW = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
PUBLIC = base64url.encode(RAW)
OTHER_SEED = bytes(range(32))
TOMB_ID = "tomb_0190a4e0-0000-7000-8000-000000000000"
SIGNER = "stigmem://a.example/node/1"


def _record(**overrides: object) -> dict:
    args = dict(tombstone_id=TOMB_ID, entity="stigmem://a.example/user/forgotten", scope="company",
                reason="GDPR Art. 17 request", signed_by=SIGNER, created_at="2026-05-01T00:00:00Z",
                legal_hold=False, seed=SEED)
    args.update(overrides)
    return rules.tombstone(**args)  # type: ignore[arg-type]


def test_key_id_is_sha256_hex_of_the_raw_key() -> None:
    assert rules.key_id(PUBLIC) == hashlib.sha256(RAW).hexdigest()
    assert len(rules.key_id(PUBLIC)) == 64


def test_signature_covers_jcs_without_signature_and_reason_with_key_id() -> None:
    record = _record()
    key_id = hashlib.sha256(RAW).hexdigest()
    # A20 §23.2.4: the seven signed members in RFC 8785 order (keys sorted, no whitespace).
    preimage = ('{"created_at":"2026-05-01T00:00:00Z","entity_uri":"stigmem://a.example/user/forgotten",'
                f'"id":"{TOMB_ID}","key_id":"{key_id}","legal_hold":false,"scope":"company",'
                f'"signed_by":"{SIGNER}"}}').encode()
    Ed25519PublicKey.from_public_bytes(RAW).verify(base64url.decode(record["signature"]), preimage)
    assert record["key_id"] == key_id and record["reason"] == "GDPR Art. 17 request"


def test_redacted_reason_verifies_and_a_changed_scope_does_not() -> None:
    keys = {hashlib.sha256(RAW).hexdigest(): PUBLIC}
    record = _record()
    rules.verify("tombstone", {**record, "reason": rules.REDACTED}, keys)
    rules.verify("tombstone", {**record, "reason": None}, keys)
    with pytest.raises(rules.TombstoneInvalid):
        rules.verify("tombstone", {**record, "scope": "*"}, keys)
    with pytest.raises(rules.TombstoneInvalid):
        rules.verify("tombstone", {**record, "legal_hold": True}, keys)


def test_the_key_is_chosen_by_key_id_among_the_signers_keys_only() -> None:
    record = _record()
    other = base64url.encode(signatures.signing_key(OTHER_SEED).public_key().public_bytes_raw())
    # The relay's key under its own id: the record names another key, so nothing is chosen.
    with pytest.raises(rules.TombstoneInvalid, match="key_id"):
        rules.verify("tombstone", record, {hashlib.sha256(base64url.decode(other)).hexdigest(): other})
    # The right id bound to a wrong key: chosen, and the signature fails (no trial of other keys).
    with pytest.raises(rules.TombstoneInvalid, match="signature"):
        rules.verify("tombstone", record, {record["key_id"]: other, "x": PUBLIC})


def test_revocation_is_signed_over_its_five_members() -> None:
    rev = rules.revocation("tombrevoke_1", TOMB_ID, "appeal upheld", SIGNER, "2026-05-02T00:00:00Z", SEED)
    key_id = hashlib.sha256(RAW).hexdigest()
    preimage = (f'{{"created_at":"2026-05-02T00:00:00Z","id":"tombrevoke_1","key_id":"{key_id}",'
                f'"signed_by":"{SIGNER}","tombstone_id":"{TOMB_ID}"}}').encode()
    Ed25519PublicKey.from_public_bytes(RAW).verify(base64url.decode(rev["signature"]), preimage)
    rules.verify("tombstone_revocation", {**rev, "reason": "redacted"}, {key_id: PUBLIC})


@pytest.mark.parametrize("pattern", ["*", "local", "team", "company", "public"])
def test_scope_pattern_accepts_star_and_each_scope(pattern: str) -> None:
    assert rules.scope_pattern(pattern) == pattern


def test_array_scope_is_a_sorted_union_of_distinct_scopes() -> None:
    assert rules.scope_pattern(["team", "company"]) == ["company", "team"]
    for bad in ([], ["team", "team"], ["team", "galaxy"], "everything", "", 3, None, ["*"]):
        with pytest.raises(rules.TombstoneScopeInvalid):
            rules.scope_pattern(bad)


def test_covered_scopes() -> None:
    assert set(rules.covered_scopes("*")) == {"local", "team", "company", "public"}
    assert rules.covered_scopes("team") == ("team",)
    assert set(rules.covered_scopes(["company", "team"])) == {"company", "team"}
    assert rules.covered_scopes("galaxy") == ()


@pytest.mark.parametrize("bad", ["stigmem://a.example/user/*", "stigmem://a.example/user/?", "", "   ", None])
def test_entity_is_one_exact_uri(bad: object) -> None:
    with pytest.raises(rules.TombstoneEntityInvalid):
        rules.entity_uri(bad)


def test_inbound_shape_is_judged_before_the_signature() -> None:
    keys = {hashlib.sha256(RAW).hexdigest(): PUBLIC}
    with pytest.raises(rules.TombstoneInvalid, match="tomb_"):
        rules.verify("tombstone", _record(tombstone_id="x_1"), keys)
    with pytest.raises(rules.TombstoneInvalid, match="normal form"):
        rules.verify("tombstone", _record(entity="  stigmem://a.example/user/forgotten"), keys)
