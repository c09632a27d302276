"""reference_node.protocol.signatures: preimages, signing and the verify order for each signature kind."""

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reference_node.protocol import base64url, signatures
from reference_node.protocol.errors import KeyMalformed, SignatureDocumentInvalid, SignatureInvalid, SignatureMalformed

# RFC 8032 §7.1 TEST 1.
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = base64url.encode(bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))

DECLARATION = {
    "node_url": "https://node.alice.example",
    "node_id": "stigmem://node.alice.example",
    "federation_pubkey": PUBLIC,
    "allowed_scopes": ["public", "company"],
    "signed_at": "2026-05-01T00:00:00Z",
    "rate_limit": {"facts_per_second": 10, "burst": 20.0},
}
TOMBSTONE = {
    "id": "tomb_0190a4e0-0000-7000-8000-000000000000",
    "entity_uri": "stigmem://a/user/forgotten",
    "scope": "company",
    "reason": "GDPR Art. 17 request",
    "signed_by": "stigmem://a/admin/ops",
    "key_id": hashlib.sha256(b"key").hexdigest(),
    "created_at": "2026-05-01T00:00:00Z",
    "legal_hold": False,
}
REVOCATION = {
    "id": "tombrevoke_0190a4e1-0000-7000-8000-000000000000",
    "tombstone_id": TOMBSTONE["id"],
    "reason": "appeal upheld",
    "signed_by": "stigmem://a/admin/ops",
    "created_at": "2026-05-02T00:00:00Z",
}
MANIFEST = {
    "manifest_version": 1,
    "entity_uri": "stigmem://node.alice.example",
    "public_key": PUBLIC,
    "key_id": hashlib.sha256(base64url.decode(PUBLIC)).hexdigest(),
    "entities": ["stigmem://node.alice.example"],
    "rotation_events": [],
    "issued_at": "2026-05-01T00:00:00Z",
    "expires_at": "2026-11-01T00:00:00Z",
}
DOCUMENTS = {
    "peer_declaration": DECLARATION,
    "tombstone": TOMBSTONE,
    "tombstone_revocation": REVOCATION,
    "manifest": MANIFEST,
}


def test_peer_declaration_preimage_is_jcs_of_all_but_signature():
    # STG-SIG-001, interpretation peer_declaration_fields=a08-jcs.
    signed = {**DECLARATION, "declaration_sig": "x"}
    expected = (
        '{"allowed_scopes":["public","company"],"federation_pubkey":"' + PUBLIC + '",'
        '"node_id":"stigmem://node.alice.example","node_url":"https://node.alice.example",'
        '"rate_limit":{"burst":20,"facts_per_second":10},"signed_at":"2026-05-01T00:00:00Z"}'
    )
    assert signatures.preimage("peer_declaration", signed) == expected.encode()


def test_upstream_declaration_preimage_signs_five_fields_ascii_escaped():
    document = {**DECLARATION, "node_url": "https://nöde.example"}
    preimage = signatures.preimage("peer_declaration", document, "upstream-0.9.0a12")
    assert (
        preimage
        == json.dumps(
            {k: document[k] for k in ("allowed_scopes", "federation_pubkey", "node_id", "node_url", "signed_at")},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
    )
    assert b"\\u00f6" in preimage
    with pytest.raises(SignatureDocumentInvalid):
        signatures.preimage("peer_declaration", {"node_id": "x"}, "upstream-0.9.0a12")


def test_tombstone_preimage_leaves_out_signature_and_reason():
    # STG-SIG-003: key_id is signed; reason and signature are not.
    preimage = json.loads(signatures.preimage("tombstone", {**TOMBSTONE, "signature": "x"}))
    assert set(preimage) == set(TOMBSTONE) - {"reason"}
    assert set(json.loads(signatures.preimage("tombstone_revocation", REVOCATION))) == set(REVOCATION) - {"reason"}
    # STG-SIG-005: a manifest signature covers every other member, unknown ones included.
    manifest = {**MANIFEST, "signature": "s", "reason": "kept"}
    assert set(json.loads(signatures.preimage("manifest", manifest))) == set(MANIFEST) | {"reason"}


@pytest.mark.parametrize("kind", sorted(signatures.KINDS))
def test_sign_then_verify(kind):
    signed = signatures.sign(kind, DOCUMENTS[kind], SEED)
    field = signatures.KINDS[kind].signature_field
    expected = Ed25519PrivateKey.from_private_bytes(SEED).sign(signatures.preimage(kind, DOCUMENTS[kind]))
    assert base64url.decode(signed[field]) == expected
    signatures.verify(kind, signed, PUBLIC)


def test_redacting_tombstone_reason_keeps_signature_valid():
    # STG-SIG-004
    signed = signatures.sign("tombstone", TOMBSTONE, SEED)
    signatures.verify("tombstone", {**signed, "reason": "redacted"}, PUBLIC)
    with pytest.raises(SignatureInvalid):
        signatures.verify("tombstone", {**signed, "scope": "public"}, PUBLIC)


@pytest.mark.parametrize(
    ("change", "key", "error"),
    [
        ({"node_id": "stigmem://node.mallory.example"}, PUBLIC, SignatureInvalid),
        ({}, base64url.encode(bytes(31)), KeyMalformed),
        ({}, PUBLIC + "=", KeyMalformed),
        (
            {},
            PUBLIC.replace("-", "+").replace("_", "/") if "-" in PUBLIC or "_" in PUBLIC else PUBLIC[:-1] + "+",
            KeyMalformed,
        ),
        ({"declaration_sig": "AAAA"}, PUBLIC, SignatureMalformed),
        ({"declaration_sig": 7}, PUBLIC, SignatureMalformed),
        ({"declaration_sig": None}, base64url.encode(bytes(31)), KeyMalformed),
    ],
)
def test_verify_rejections(change, key, error):
    # STG-SIG-006 and the verify order: document, key encoding, signature encoding, signature.
    signed = signatures.sign("peer_declaration", DECLARATION, SEED)
    with pytest.raises(error):
        signatures.verify("peer_declaration", {**signed, **change}, key)


def test_signature_with_padding_or_whitespace_is_malformed():
    signed = signatures.sign("manifest", MANIFEST, SEED)
    for bad in (signed["signature"] + "==", " " + signed["signature"], signed["signature"][:-1]):
        with pytest.raises(SignatureMalformed):
            signatures.verify("manifest", {**signed, "signature": bad}, PUBLIC)


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("receipt", {**MANIFEST, "signature": "x"}),
        ("manifest", ["a"]),
        ("manifest", {**MANIFEST, "a": float("nan"), "signature": "x"}),
        ("manifest", {**MANIFEST, "a": "\ud800", "signature": "x"}),
        ("manifest", MANIFEST),
        ("manifest", {**{k: v for k, v in MANIFEST.items() if k != "entities"}, "signature": "x"}),
        ("peer_declaration", {**{k: v for k, v in DECLARATION.items() if k != "node_id"}, "declaration_sig": "x"}),
        ("tombstone", {**{k: v for k, v in TOMBSTONE.items() if k != "key_id"}, "signature": "x"}),
        ("tombstone_revocation", {**{k: v for k, v in REVOCATION.items() if k != "tombstone_id"}, "signature": "x"}),
    ],
)
def test_rejects_invalid_document(kind, document):
    with pytest.raises(SignatureDocumentInvalid):
        signatures.verify(kind, document, "not even a key")


def test_sign_rejects_bad_seed_and_incomplete_document():
    with pytest.raises(KeyMalformed):
        signatures.sign("manifest", MANIFEST, bytes(31))
    with pytest.raises(SignatureDocumentInvalid):
        signatures.sign("tombstone", {"id": "tomb_x"}, SEED)
