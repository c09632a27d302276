"""Signed-document vectors: ``vectors/signatures/{preimage,sign,verify}.json`` (STG-SIG-001..006).

Four kinds (docs/adapter-protocol.md, "Signature kinds"): PeerDeclaration (A08 field names), RTBF tombstone and
its revocation (Spec-X2; A20 section 23.2), and manifest (Spec-04; A20 section 19.1.2 shape). Keys are the RFC 8032
section 7.1 TEST 1, 2 and 3 seeds. Every preimage and signature is computed by ``conformance.oracle.ed25519``.

A PeerDeclaration case is evaluated under both ``peer_declaration_fields`` options: when input and expected
agree it is written once without interpretations, otherwise once per option, tagged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from conformance.generate.ed25519_vectors import SEED1, SEED2, SEED3
from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import ed25519 as oracle

L = 2**252 + 27742317777372353535851937790883648493
OPTIONS = oracle.PEER_DECLARATION_OPTIONS
PUB1, PUB2, PUB3 = (oracle.public_key(s) for s in (SEED1, SEED2, SEED3))

DECL = ("STG-SIG-001",)
ENC = ("STG-SIG-002",)
TOMB = ("STG-SIG-003",)
MANI = ("STG-SIG-005",)
BAD = ("STG-SIG-006",)

NOTES = {
    "KeyOrder": {"description": "The document's members come in another order; JCS sorts them.",
                 "effect": "A verifier that signs the bytes as received rejects valid documents.",
                 "requirements": "STG-JCS-001"},
    "NonAscii": {"description": "A signed value holds non-ASCII characters; JCS writes them as raw UTF-8, "
                                "upstream json.dumps as \\u escapes.",
                 "effect": "Nodes of the two readings reject each other's declarations.",
                 "requirements": "STG-JCS-003"},
    "NumberFormat": {"description": "A signed number whose JSON spelling differs from its JCS form (1.0 -> 1).",
                     "effect": "Signatures over non-canonical numbers fail elsewhere.",
                     "requirements": "STG-JCS-002"},
    "ArrayOrder": {"description": "Array order is significant: reordering allowed_scopes changes the preimage.",
                   "effect": "A verifier that sorts arrays accepts documents it must reject.",
                   "requirements": "STG-JCS-004"},
    "ExcludedField": {"description": "A member the preimage leaves out (signature, tombstone reason) is present or "
                                     "changed.",
                      "effect": "Redacted tombstones are dropped, or the signature signs itself.",
                      "requirements": "STG-SIG-001, STG-SIG-003, STG-SIG-004"},
    "OptionalField": {"description": "The optional rate_limit member: signed under a08-jcs, ignored upstream.",
                      "effect": "A relay can change a peer's rate limit without breaking the signature.",
                      "requirements": "STG-SIG-001"},
    "TamperedField": {"description": "A signed member was changed after signing.",
                      "effect": "Forged declarations, tombstones or manifests are accepted.",
                      "requirements": "STG-SIG-006"},
    "WrongKey": {"description": "The document was signed by another key than the one given.",
                 "effect": "Anyone can sign for a peer.", "requirements": "STG-SIG-006"},
    "UpstreamPreimage": {"description": "The signature covers the upstream preimage (five fields, sorted compact "
                                        "json.dumps, ASCII escapes) rather than JCS of every field.",
                         "effect": "Valid under upstream-0.9.0a12 only; a08-jcs must reject it when the bytes "
                                   "differ.",
                         "requirements": "STG-SIG-001"},
    "NonCanonicalPreimage": {"description": "The signature covers a pretty-printed (non-JCS) serialization.",
                             "effect": "Signatures depend on the signer's JSON library.",
                             "requirements": "STG-JCS-004"},
    "NonCanonicalS": {"description": "S replaced by S + L: 64 well-encoded bytes, rejected by every "
                                     "ed25519_policy option.",
                      "effect": "A second valid signature exists for every document.",
                      "requirements": "STG-SIG-006"},
    "TruncatedSignature": {"description": "The signature decodes to 63 bytes.",
                           "effect": "Partial signatures are checked or crash the verifier.",
                           "requirements": "STG-SIG-002"},
    "ExtendedSignature": {"description": "The signature decodes to 65 bytes.",
                          "effect": "Trailing bytes make signatures malleable.", "requirements": "STG-SIG-002"},
    "PaddedBase64": {"description": "Base64url with '=' padding, which the wire format forbids.",
                     "effect": "Two encodings of one value; string comparisons of keys fail.",
                     "requirements": "STG-SIG-002"},
    "UnusedBits": {"description": "The last character carries non-zero unused bits (RFC 4648 3.5).",
                   "effect": "Several spellings decode to one key or signature; string comparisons disagree.",
                   "requirements": "STG-SIG-002"},
    "StandardAlphabet": {"description": "The '+' and '/' alphabet of plain base64 instead of '-' and '_'.",
                         "effect": "Lenient decoders accept what strict ones reject.",
                         "requirements": "STG-SIG-002"},
    "NotBase64": {"description": "Characters outside the base64url alphabet.",
                  "effect": "Decoders that skip junk accept garbage.", "requirements": "STG-SIG-002"},
    "WrongKeyLength": {"description": "The public key decodes to a length other than 32 bytes.",
                       "effect": "Keys of the wrong size reach the curve arithmetic.",
                       "requirements": "STG-SIG-002"},
    "HexKey": {"description": "The public key is given as 64 hex characters, not base64url.",
               "effect": "A common encoding mix-up goes unnoticed.", "requirements": "STG-SIG-002"},
    "MissingSignature": {"description": "The document has no signature member: it is not a signed document.",
                         "effect": "Unsigned documents pass as verified.", "requirements": "STG-SIG-006"},
    "MissingField": {"description": "A member the kind requires is absent.",
                     "effect": "A document without its identity or key binding is signed or accepted.",
                     "requirements": "STG-SIG-006"},
    "UnknownKind": {"description": "The kind names no signed document type.",
                    "effect": "An unknown kind is signed with a guessed preimage.", "requirements": "STG-SIG-006"},
    "ErrorOrder": {"description": "Two faults at once; the verifier reports the first in the documented order "
                                  "(shape, key encoding, signature encoding, signature).",
                   "effect": "Implementations report different codes for the same input.",
                   "requirements": "STG-SIG-006"},
}


def _uuid7(unix_ms: int, label: str) -> str:
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


TOMB_ID = "tomb_" + _uuid7(1777714200000, "tombstone forgotten-user")


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
        "id": "tombrevoke_" + _uuid7(1777800600000, "revocation forgotten-user"),
        "tombstone_id": TOMB_ID,
        "reason": "Issued against the wrong entity",
        "signed_by": "stigmem://node-a.example",
        "key_id": oracle.key_id(PUB1),
        "created_at": "2026-05-03T09:30:00Z",
    }
    doc.update(changes)
    return doc


def _rotation_event() -> dict[str, Any]:
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


def _reversed(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (_reversed(v) if isinstance(v, dict) else v) for k, v in reversed(list(doc.items()))}


Make = Callable[[str], tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]


def _add(vf: VectorFile, desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], kind: str, make: Make,
         only: str | None = None) -> None:
    """Add a case; a peer_declaration case is split per ``peer_declaration_fields`` option when they differ
    (``only`` keeps the vector of one option, for cases that say nothing about the other)."""
    if kind != "peer_declaration":
        data, expected, display = make("a08-jcs")
        vf.add(Case(desc, reqs, data, expected, flags=flags, display=display))
        return
    results = {opt: make(opt) for opt in OPTIONS}
    if all(r[:2] == results[OPTIONS[0]][:2] for r in results.values()):
        data, expected, display = results[OPTIONS[0]]
        vf.add(Case(desc, reqs, data, expected, flags=flags, display=display))
        return
    for opt, (data, expected, display) in results.items():
        if only not in (None, opt):
            continue
        vf.add(Case(f"{desc} ({opt})", reqs, data, expected, flags=flags,
                    interpretations={"peer_declaration_fields": opt}, display=display))


def _fields_ok(kind: str, doc: Mapping[str, Any], fields: str) -> bool:
    return kind != "peer_declaration" or fields != "upstream-0.9.0a12" or all(
        f in doc for f in oracle.UPSTREAM_DECLARATION_FIELDS)


# --- signatures.preimage ---------------------------------------------------------------------------------------

def _preimage_file() -> VectorFile:
    vf = VectorFile("signatures", "preimage",
                    "The exact bytes an Ed25519 signature covers, per signature kind; display.preimage_text is the "
                    "same bytes as UTF-8 text.", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], kind: str, doc: dict[str, Any],
            only: str | None = None) -> None:
        def make(opt: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
            pre = oracle.preimage(kind, doc, opt)
            return ({"kind": kind, "document": doc}, valid(preimage_hex=pre.hex()),
                    {"preimage_text": pre.decode("utf-8")})
        _add(vf, desc, reqs, flags, kind, make, only)

    base = declaration()
    add("Declaration preimage leaves out declaration_sig", DECL, ("ExcludedField",), "peer_declaration",
        signed("peer_declaration", base))
    add("Unsigned declaration has the same preimage", DECL, (), "peer_declaration", base)
    add("Declaration members in reverse order give the same preimage", ("STG-SIG-001", "STG-JCS-001"),
        ("KeyOrder",), "peer_declaration", _reversed(signed("peer_declaration", base)))
    add("Reordered allowed_scopes change the preimage", ("STG-SIG-001", "STG-JCS-004"), ("ArrayOrder",),
        "peer_declaration", declaration(allowed_scopes=["company", "public"]))
    add("Declaration with a non-ASCII node_url", ("STG-SIG-001", "STG-JCS-003"), ("NonAscii",),
        "peer_declaration", declaration(node_url=NON_ASCII_URL))
    add("Declaration with rate_limit", DECL, ("OptionalField",), "peer_declaration",
        declaration(rate_limit=RATE_LIMIT))
    add("rate_limit number 1.0 is written 1", ("STG-SIG-001", "STG-JCS-002"), ("OptionalField", "NumberFormat"),
        "peer_declaration", declaration(rate_limit={"facts_per_second": 1.0, "burst": 10}), only="a08-jcs")
    add("Declaration by the TEST 2 key for a company-only peering", DECL, (), "peer_declaration",
        declaration(PUB2, node_url="https://node-b.example", node_id="stigmem://node-b.example",
                    allowed_scopes=["company"]))
    tomb = signed("tombstone", tombstone())
    add("Tombstone preimage leaves out signature and reason", TOMB, ("ExcludedField",), "tombstone", tomb)
    add("Tombstone with reason redacted has the same preimage", ("STG-SIG-003", "STG-SIG-004"),
        ("ExcludedField",), "tombstone", {**tomb, "reason": "redacted"})
    add("Tombstone without a reason member has the same preimage", TOMB, ("ExcludedField",), "tombstone",
        {k: v for k, v in tomb.items() if k != "reason"})
    add("Tombstone with scope * and a null reason", TOMB, (), "tombstone", tombstone(scope="*", reason=None))
    add("Tombstone with an array scope under legal hold", TOMB, (), "tombstone",
        tombstone(scope=["company", "team"], legal_hold=True))
    add("Tombstone members in reverse order give the same preimage", ("STG-SIG-003", "STG-JCS-001"),
        ("KeyOrder",), "tombstone", _reversed(tomb))
    add("Revocation preimage leaves out signature and reason", TOMB, ("ExcludedField",), "tombstone_revocation",
        signed("tombstone_revocation", revocation()))
    add("Manifest preimage leaves out signature", MANI, ("ExcludedField",), "manifest",
        signed("manifest", manifest()))
    add("Manifest with a rotation event sorts nested members", ("STG-SIG-005", "STG-JCS-001"), ("KeyOrder",),
        "manifest", manifest(rotation_events=[_rotation_event()]))
    vf.add(Case("Unknown kind is rejected", BAD, {"kind": "fact", "document": base},
                invalid("signature_document_invalid"), flags=("UnknownKind",)))
    vf.add(Case("Declaration without node_id is rejected", BAD,
                {"kind": "peer_declaration", "document": {k: v for k, v in base.items() if k != "node_id"}},
                invalid("signature_document_invalid"), flags=("MissingField",)))
    vf.add(Case("Tombstone without key_id is rejected", BAD,
                {"kind": "tombstone", "document": {k: v for k, v in tombstone().items() if k != "key_id"}},
                invalid("signature_document_invalid"), flags=("MissingField",)))
    # Appended for the automatic mutation sweep (tests/mutants/sweep.py): ids after this line are new.
    # Both readings sort nested members too (RFC 8785; upstream json.dumps sort_keys=True), so the bytes agree.
    add("Members of an object nested in a signed field are sorted", ("STG-SIG-001", "STG-JCS-001"), ("KeyOrder",),
        "peer_declaration", declaration(allowed_scopes=[{"scope": "company", "access": "read"}, "public"]))
    return vf


# --- signatures.sign -------------------------------------------------------------------------------------------

def _sign_file() -> VectorFile:
    vf = VectorFile("signatures", "sign",
                    "Signing a document with a 32-byte Ed25519 seed: the result is the input with its signature "
                    "member set (Ed25519 is deterministic and JCS fixes the bytes).", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], kind: str, doc: dict[str, Any],
            seed: bytes = SEED1) -> None:
        def make(opt: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
            out = signed(kind, doc, seed, opt)
            return {"kind": kind, "document": doc, "seed_hex": seed.hex()}, valid(document=out), None
        _add(vf, desc, reqs, flags, kind, make)

    add("Declaration signed with the TEST 1 key", DECL, (), "peer_declaration", declaration())
    add("Declaration given in reverse member order", ("STG-SIG-001", "STG-JCS-001"), ("KeyOrder",),
        "peer_declaration", _reversed(declaration()))
    add("Declaration signed with the TEST 2 key", DECL, (), "peer_declaration",
        declaration(PUB2, node_url="https://node-b.example", node_id="stigmem://node-b.example"), SEED2)
    add("Declaration with a non-ASCII node_url", ("STG-SIG-001", "STG-JCS-003"), ("NonAscii",),
        "peer_declaration", declaration(node_url=NON_ASCII_URL))
    add("Declaration with rate_limit", DECL, ("OptionalField",), "peer_declaration",
        declaration(rate_limit=RATE_LIMIT))
    add("Tombstone signed with the TEST 1 key", TOMB, (), "tombstone", tombstone())
    add("Tombstone under legal hold with scope *", TOMB, (), "tombstone", tombstone(scope="*", legal_hold=True))
    add("Tombstone with a redacted reason signs as the original", ("STG-SIG-003", "STG-SIG-004"),
        ("ExcludedField",), "tombstone", tombstone(reason="redacted"))
    add("Revocation signed with the TEST 1 key", TOMB, (), "tombstone_revocation", revocation())
    add("Manifest signed with the TEST 1 key", MANI, (), "manifest", manifest())
    add("Manifest with a rotation event", MANI, (), "manifest", manifest(rotation_events=[_rotation_event()]))
    vf.add(Case("Signing an unknown kind is rejected", BAD,
                {"kind": "fact", "document": declaration(), "seed_hex": SEED1.hex()},
                invalid("signature_document_invalid"), flags=("UnknownKind",)))
    vf.add(Case("Signing a manifest without entities is rejected", BAD,
                {"kind": "manifest", "document": {k: v for k, v in manifest().items() if k != "entities"},
                 "seed_hex": SEED1.hex()},
                invalid("signature_document_invalid"), flags=("MissingField",)))
    return vf


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
            ok = _fields_ok(kind, doc, opt) and oracle.verify(
                oracle.b64u_decode(key), oracle.preimage(kind, doc, opt), sig)
            return data, (valid() if ok else invalid("signature_invalid")), None
        _add(vf, desc, reqs, flags, kind, make)

    d = signed("peer_declaration", declaration())
    add("Declaration signed by the TEST 1 key verifies", DECL, (), "peer_declaration", d)
    add("Declaration in reverse member order verifies", ("STG-SIG-001", "STG-JCS-001"), ("KeyOrder",),
        "peer_declaration", _reversed(d))
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
        ("signed_by", "stigmem://node-b.example"), ("id", "tomb_" + _uuid7(1777714200000, "another tombstone"))]
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
        "tombstone_revocation", {**r, "tombstone_id": "tomb_" + _uuid7(1777714200000, "another tombstone")})

    m = signed("manifest", manifest())
    add("Manifest signed by the TEST 1 key verifies", MANI, (), "manifest", m)
    add("Manifest in reverse member order verifies", ("STG-SIG-005", "STG-JCS-001"), ("KeyOrder",), "manifest",
        _reversed(m))
    add("Manifest with a rotation event verifies", MANI, (), "manifest",
        signed("manifest", manifest(rotation_events=[_rotation_event()])))
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
    return [_preimage_file(), _sign_file(), _verify_file()]
