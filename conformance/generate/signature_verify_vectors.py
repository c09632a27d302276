"""Signature verification vectors: ``vectors/signatures/verify.json`` (STG-SIG-001..006).

A signed document is checked against a base64url public key in the documented order (docs/adapter-protocol.md,
"Signature kinds"): document shape, key encoding, signature encoding, then the signature. Expected results are
computed by ``conformance.oracle.ed25519`` under each ``peer_declaration_fields`` option unless pinned by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from conformance.generate.ed25519_vectors import SEED1
from conformance.generate.signature_vectors import BAD, DECL, ENC, MANI, NOTES, TOMB, L, add_case, fields_ok
from conformance.generate.signed_documents import (
    NON_ASCII_URL,
    PUB1,
    PUB2,
    PUB3,
    RATE_LIMIT,
    declaration,
    manifest,
    reversed_members,
    revocation,
    rotation_event,
    signed,
    tombstone,
    uuid7,
)
from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import ed25519 as oracle

# --- signatures.verify -----------------------------------------------------------------------------------------

def _with_sig(kind: str, doc: Mapping[str, Any], sig_text: str) -> dict[str, Any]:
    return {**doc, oracle.SIGNATURE_FIELD[kind]: sig_text}


def _standard_alphabet(text: str) -> str:
    assert "-" in text or "_" in text, text  # otherwise the vector would not test the alphabet
    return text.replace("-", "+").replace("_", "/")


def _verify_file() -> VectorFile:
    vf = VectorFile("signatures", "verify",
                    "Verifying a signed document against a base64url public key. Checks run in the documented "
                    "order: document shape, key encoding, signature encoding, then the signature.", notes=NOTES)
    key1 = oracle.b64u_encode(PUB1)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], kind: str, doc: Mapping[str, Any],
            key: str = key1, pinned: dict[str, Any] | None = None) -> None:
        """``pinned`` fixes the expected result; otherwise it is computed under each option."""
        def make(opt: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
            data = {"kind": kind, "document": dict(doc), "public_key_b64u": key}
            if pinned is not None:
                return data, pinned, None
            sig = oracle.b64u_decode(doc[oracle.SIGNATURE_FIELD[kind]])
            ok = fields_ok(kind, doc, opt) and oracle.verify(
                oracle.b64u_decode(key), oracle.preimage(kind, doc, opt), sig)
            return data, (valid() if ok else invalid("signature_invalid")), None
        add_case(vf, desc, reqs, flags, kind, make)

    d = signed("peer_declaration", declaration())
    add("Declaration signed by the TEST 1 key verifies", DECL, (), "peer_declaration", d)
    add("Declaration in reverse member order verifies", ("STG-SIG-001", "STG-JCS-001"), ("KeyOrder",),
        "peer_declaration", reversed_members(d))
    add("Non-ASCII declaration signed over JCS", ("STG-SIG-001", "STG-JCS-003"), ("NonAscii",), "peer_declaration",
        signed("peer_declaration", declaration(node_url=NON_ASCII_URL)))
    add("Non-ASCII declaration signed over the upstream preimage", DECL, ("NonAscii", "UpstreamPreimage"),
        "peer_declaration", signed("peer_declaration", declaration(node_url=NON_ASCII_URL),
                                   fields="upstream-0.9.0a12"))
    add("Declaration with rate_limit signed over JCS", DECL, ("OptionalField",), "peer_declaration",
        signed("peer_declaration", declaration(rate_limit=RATE_LIMIT)))
    add("Declaration with rate_limit changed after signing", ("STG-SIG-001", "STG-SIG-006"),
        ("OptionalField", "TamperedField"), "peer_declaration",
        {**signed("peer_declaration", declaration(rate_limit=RATE_LIMIT)),
         "rate_limit": {"facts_per_second": 5000, "burst": 200}})
    add("rate_limit changed after an upstream signature", ("STG-SIG-001", "STG-SIG-006"),
        ("OptionalField", "UpstreamPreimage", "TamperedField"), "peer_declaration",
        {**signed("peer_declaration", declaration(rate_limit=RATE_LIMIT), fields="upstream-0.9.0a12"),
         "rate_limit": {"facts_per_second": 5000, "burst": 200}})
    tampered = {
        "node_url": "https://node-evil.example",
        "node_id": "stigmem://node-evil.example",
        "federation_pubkey": oracle.b64u_encode(PUB3),
        "allowed_scopes": ["public", "company", "team"],
        "signed_at": "2026-05-01T00:00:01Z",
    }
    for field, value in tampered.items():
        add(f"Declaration with {field} changed after signing", BAD, ("TamperedField",), "peer_declaration",
            {**d, field: value})
    add("Declaration checked against the TEST 2 key", BAD, ("WrongKey",), "peer_declaration", d,
        oracle.b64u_encode(PUB2))
    sig = oracle.b64u_decode(d["declaration_sig"])
    pretty = oracle.sign(SEED1, _pretty_json(declaration()))
    add("Signature over pretty-printed JSON fails", ("STG-SIG-006", "STG-JCS-004"), ("NonCanonicalPreimage",),
        "peer_declaration", _with_sig("peer_declaration", declaration(), oracle.b64u_encode(pretty)))
    s_plus_l = sig[:32] + (int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little")
    add("Signature with S replaced by S + L fails", BAD, ("NonCanonicalS",), "peer_declaration",
        _with_sig("peer_declaration", d, oracle.b64u_encode(s_plus_l)))

    malformed = invalid("signature_malformed")
    for desc, flags, text in [
        ("Signature truncated to 63 bytes is malformed", ("TruncatedSignature",), oracle.b64u_encode(sig[:63])),
        ("Signature extended to 65 bytes is malformed", ("ExtendedSignature",), oracle.b64u_encode(sig + b"\0")),
        ("Padded base64url signature is malformed", ("PaddedBase64",), d["declaration_sig"] + "=="),
        ("Signature with characters outside base64url is malformed", ("NotBase64",),
         d["declaration_sig"][:40] + "!*" + d["declaration_sig"][42:]),
        ("Empty signature is malformed", ("TruncatedSignature",), ""),
    ]:
        add(desc, ENC, flags, "peer_declaration", _with_sig("peer_declaration", d, text), pinned=malformed)

    d_rl = signed("peer_declaration", declaration(rate_limit=RATE_LIMIT))
    add("Signature in the + / alphabet is malformed", ENC, ("StandardAlphabet",), "peer_declaration",
        _with_sig("peer_declaration", d_rl, _standard_alphabet(d_rl["declaration_sig"])), pinned=malformed)
    add("Tombstone signature in the + / alphabet is malformed", ENC, ("StandardAlphabet",), "tombstone",
        _with_sig("tombstone", signed("tombstone", tombstone()),
                  _standard_alphabet(signed("tombstone", tombstone())["signature"])), pinned=malformed)

    key_bad = invalid("key_malformed")
    for desc, flags, key in [
        ("Padded base64url key is malformed", ("PaddedBase64",), key1 + "="),
        ("Key in the + / alphabet is malformed", ("StandardAlphabet",), _standard_alphabet(key1)),
        ("Key of 31 bytes is malformed", ("WrongKeyLength",), oracle.b64u_encode(PUB1[:31])),
        ("Key of 33 bytes is malformed", ("WrongKeyLength",), oracle.b64u_encode(PUB1 + b"\0")),
        ("Key given as hex is malformed", ("HexKey",), PUB1.hex()),
    ]:
        add(desc, ENC, flags, "peer_declaration", d, key, pinned=key_bad)

    doc_bad = invalid("signature_document_invalid")
    add("Declaration without declaration_sig is rejected", BAD, ("MissingSignature",), "peer_declaration",
        declaration(), pinned=doc_bad)
    vf.add(Case("Verifying an unknown kind is rejected", BAD,
                {"kind": "fact", "document": d, "public_key_b64u": key1}, doc_bad, flags=("UnknownKind",)))
    add("Malformed key is reported before a malformed signature", ENC, ("ErrorOrder", "PaddedBase64"),
        "peer_declaration", _with_sig("peer_declaration", d, oracle.b64u_encode(sig[:63])), key1 + "=",
        pinned=key_bad)
    add("Missing signature is reported before a malformed key", BAD, ("ErrorOrder", "MissingSignature"),
        "peer_declaration", declaration(), PUB1.hex(), pinned=doc_bad)
    add("Malformed signature is reported before a wrong key", ENC, ("ErrorOrder", "PaddedBase64"),
        "peer_declaration", _with_sig("peer_declaration", d, d["declaration_sig"] + "=="),
        oracle.b64u_encode(PUB2), pinned=malformed)

    t = signed("tombstone", tombstone())
    add("Tombstone signed by the TEST 1 key verifies", TOMB, (), "tombstone", t)
    add("Tombstone with reason redacted still verifies", ("STG-SIG-004",), ("ExcludedField",), "tombstone",
        {**t, "reason": "redacted"})
    add("Tombstone with reason removed still verifies", ("STG-SIG-004",), ("ExcludedField",), "tombstone",
        {k: v for k, v in t.items() if k != "reason"})
    add("Tombstone with an array scope verifies", TOMB, (), "tombstone",
        signed("tombstone", tombstone(scope=["company", "team"])))
    tomb_changes: list[tuple[str, Any]] = [
        ("scope", "public"), ("scope", "*"), ("key_id", oracle.key_id(PUB2)), ("legal_hold", True),
        ("entity_uri", "stigmem://node-a.example/user/someone-else"), ("created_at", "2026-05-02T09:30:01Z"),
        ("signed_by", "stigmem://node-b.example"), ("id", "tomb_" + uuid7(1777714200000, "another tombstone"))]
    for member, change in tomb_changes:
        add(f"Tombstone with {member} changed to {_short(change)} fails", ("STG-SIG-003", "STG-SIG-006"),
            ("TamperedField",), "tombstone", {**t, member: change})
    add("Tombstone checked against the TEST 2 key", BAD, ("WrongKey",), "tombstone", t, oracle.b64u_encode(PUB2))
    add("Tombstone without signature is rejected", BAD, ("MissingSignature",), "tombstone", tombstone(),
        pinned=doc_bad)

    r = signed("tombstone_revocation", revocation())
    add("Revocation signed by the TEST 1 key verifies", TOMB, (), "tombstone_revocation", r)
    add("Revocation with reason redacted still verifies", ("STG-SIG-003", "STG-SIG-004"), ("ExcludedField",),
        "tombstone_revocation", {**r, "reason": "redacted"})
    add("Revocation pointing at another tombstone fails", ("STG-SIG-003", "STG-SIG-006"), ("TamperedField",),
        "tombstone_revocation", {**r, "tombstone_id": "tomb_" + uuid7(1777714200000, "another tombstone")})

    m = signed("manifest", manifest())
    add("Manifest signed by the TEST 1 key verifies", MANI, (), "manifest", m)
    add("Manifest in reverse member order verifies", ("STG-SIG-005", "STG-JCS-001"), ("KeyOrder",), "manifest",
        reversed_members(m))
    add("Manifest with a rotation event verifies", MANI, (), "manifest",
        signed("manifest", manifest(rotation_events=[rotation_event()])))
    add("Manifest with an entity added after signing fails", ("STG-SIG-005", "STG-SIG-006"), ("TamperedField",),
        "manifest", {**m, "entities": [*m["entities"], "stigmem://node-a.example/user/mallory"]})
    add("Manifest with entities reordered after signing fails", ("STG-SIG-005", "STG-JCS-004"),
        ("TamperedField", "ArrayOrder"), "manifest", {**m, "entities": list(reversed(m["entities"]))})
    add("Manifest with expires_at extended after signing fails", ("STG-SIG-005", "STG-SIG-006"),
        ("TamperedField",), "manifest", {**m, "expires_at": "2036-11-01T00:00:00Z"})
    add("Manifest checked against the TEST 3 key", BAD, ("WrongKey",), "manifest", m, oracle.b64u_encode(PUB3))
    # Appended for the mutant catalogue (tests/mutants): ids after this line are new.
    add("Key whose last character has non-zero unused bits is malformed", ENC, ("UnusedBits",), "peer_declaration",
        d, _unused_bits(key1), pinned=key_bad)
    add("Signature whose last character has non-zero unused bits is malformed", ENC, ("UnusedBits",),
        "peer_declaration", _with_sig("peer_declaration", d, _unused_bits(d["declaration_sig"])), pinned=malformed)
    return vf


def _unused_bits(text: str) -> str:
    """The same bytes spelled with a non-zero unused low bit in the last character (a non-canonical encoding)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    spelled = text[:-1] + alphabet[alphabet.index(text[-1]) | 1]
    if spelled == text:
        raise AssertionError(f"{text!r} already ends in a character with its low bit set")
    return spelled


def _pretty_json(doc: Mapping[str, Any]) -> bytes:
    """A non-canonical serialization: sorted keys but Python's default ', ' and ': ' separators."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _short(value: Any) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 24 else "another value"


def files() -> list[VectorFile]:
    return [_verify_file()]
