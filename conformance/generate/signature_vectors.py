"""Signed-document vectors: ``vectors/signatures/{preimage,sign,verify}.json`` (STG-SIG-001..006).

Four kinds (docs/adapter-protocol.md, "Signature kinds"): PeerDeclaration (A08 field names), RTBF tombstone and
its revocation (Spec-X2; A20 section 23.2), and manifest (Spec-04; A20 section 19.1.2 shape). Keys are the RFC 8032
section 7.1 TEST 1, 2 and 3 seeds. Every preimage and signature is computed by ``conformance.oracle.ed25519``.

A PeerDeclaration case is evaluated under both ``peer_declaration_fields`` options: when input and expected
agree it is written once without interpretations, otherwise once per option, tagged (``add_case``). The documents
come from ``signed_documents``; this module writes preimage and sign, ``signature_verify_vectors`` writes verify,
and both share ``NOTES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from conformance.generate.ed25519_vectors import SEED1, SEED2
from conformance.generate.signed_documents import (
    NON_ASCII_URL,
    PUB2,
    RATE_LIMIT,
    declaration,
    manifest,
    reversed_members,
    revocation,
    rotation_event,
    signed,
    tombstone,
)
from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import ed25519 as oracle

L = 2**252 + 27742317777372353535851937790883648493
OPTIONS = oracle.PEER_DECLARATION_OPTIONS

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


Make = Callable[[str], tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]


def add_case(vf: VectorFile, desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], kind: str, make: Make,
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


def fields_ok(kind: str, doc: Mapping[str, Any], fields: str) -> bool:
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
        add_case(vf, desc, reqs, flags, kind, make, only)

    base = declaration()
    add("Declaration preimage leaves out declaration_sig", DECL, ("ExcludedField",), "peer_declaration",
        signed("peer_declaration", base))
    add("Unsigned declaration has the same preimage", DECL, (), "peer_declaration", base)
    add("Declaration members in reverse order give the same preimage", ("STG-SIG-001", "STG-JCS-001"),
        ("KeyOrder",), "peer_declaration", reversed_members(signed("peer_declaration", base)))
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
        ("KeyOrder",), "tombstone", reversed_members(tomb))
    add("Revocation preimage leaves out signature and reason", TOMB, ("ExcludedField",), "tombstone_revocation",
        signed("tombstone_revocation", revocation()))
    add("Manifest preimage leaves out signature", MANI, ("ExcludedField",), "manifest",
        signed("manifest", manifest()))
    add("Manifest with a rotation event sorts nested members", ("STG-SIG-005", "STG-JCS-001"), ("KeyOrder",),
        "manifest", manifest(rotation_events=[rotation_event()]))
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
        add_case(vf, desc, reqs, flags, kind, make)

    add("Declaration signed with the TEST 1 key", DECL, (), "peer_declaration", declaration())
    add("Declaration given in reverse member order", ("STG-SIG-001", "STG-JCS-001"), ("KeyOrder",),
        "peer_declaration", reversed_members(declaration()))
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
    add("Manifest with a rotation event", MANI, (), "manifest", manifest(rotation_events=[rotation_event()]))
    vf.add(Case("Signing an unknown kind is rejected", BAD,
                {"kind": "fact", "document": declaration(), "seed_hex": SEED1.hex()},
                invalid("signature_document_invalid"), flags=("UnknownKind",)))
    vf.add(Case("Signing a manifest without entities is rejected", BAD,
                {"kind": "manifest", "document": {k: v for k, v in manifest().items() if k != "entities"},
                 "seed_hex": SEED1.hex()},
                invalid("signature_document_invalid"), flags=("MissingField",)))
    return vf


def files() -> list[VectorFile]:
    return [_preimage_file(), _sign_file()]
