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
    assert "reason" not in json.loads(signatures.preimage("tombstone_revocation", {"reason": "r", "id": "x"}))
    assert json.loads(signatures.preimage("manifest", {"signature": "s", "reason": "kept"})) == {"reason": "kept"}


@pytest.mark.parametrize("kind", sorted(signatures.KINDS))
def test_sign_then_verify(kind):
    signed = signatures.sign(kind, TOMBSTONE, SEED)
    field = signatures.KINDS[kind].signature_field
    expected = Ed25519PrivateKey.from_private_bytes(SEED).sign(signatures.preimage(kind, TOMBSTONE))
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
    signed = signatures.sign("manifest", {"a": 1}, SEED)
    for bad in (signed["signature"] + "==", " " + signed["signature"], signed["signature"][:-1]):
        with pytest.raises(SignatureMalformed):
            signatures.verify("manifest", {**signed, "signature": bad}, PUBLIC)


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("receipt", {"a": 1}),
        ("manifest", ["a"]),
        ("manifest", {"a": float("nan"), "signature": "x"}),
        ("manifest", {"a": "\ud800", "signature": "x"}),
        ("manifest", {"a": 1}),
    ],
)
def test_rejects_invalid_document(kind, document):
    with pytest.raises(SignatureDocumentInvalid):
        signatures.verify(kind, document, "not even a key")


def test_sign_rejects_bad_seed():
    with pytest.raises(KeyMalformed):
        signatures.sign("manifest", {}, bytes(31))
