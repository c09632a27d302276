"""Registration vectors: ``vectors/federation/{declare,verify_declaration}.json`` (STG-SIG-001, STG-FED-002..007)."""

from __future__ import annotations

import json
from typing import Any

from conformance.generate.ed25519_vectors import SEED1, SEED2
from conformance.generate.federation.support import (
    A08,
    A_ID,
    A_URL,
    B_ID,
    B_URL,
    DECL_SHAPE,
    KEY_A,
    KEY_B,
    NOTES,
    PUB1,
    PUB2,
    uuid_of,
)
from conformance.generate.signed_documents import RATE_LIMIT, signed
from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import ed25519 as oracle
from conformance.oracle import federation as federation_oracle


def _verdict(doc: Any, discovery: Any, fields: str) -> dict[str, Any]:
    """The model's expected block for a declaration checked against a discovery document."""
    code = federation_oracle.declaration_error(doc, discovery, fields)
    return valid() if code is None else invalid(code)

# --- federation.declare ----------------------------------------------------------------------------------------

def declaration(pub: bytes = PUB1, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"node_url": A_URL, "node_id": A_ID, "federation_pubkey": oracle.b64u_encode(pub),
                           "allowed_scopes": ["public", "company"], "signed_at": "2026-05-01T00:00:00Z"}
    doc.update(changes)
    return doc


def _declare_file() -> VectorFile:
    vf = VectorFile("federation", "declare",
                    "A node's own PeerDeclaration, signed with its federation seed: the members given plus "
                    "federation_pubkey (base64url of the raw public key) and declaration_sig (Ed25519 over RFC 8785 "
                    "of every other member).", notes=NOTES)

    def add(desc: str, doc: dict[str, Any], seed: bytes) -> None:
        data = {k: doc[k] for k in ("node_url", "node_id", "allowed_scopes", "signed_at")}
        vf.add(Case(desc, ("STG-SIG-001", "STG-SIG-002"), {**data, "seed_hex": seed.hex()},
                    valid(declaration=signed("peer_declaration", doc, seed)), ("Declaration",), A08))

    add("Node A declares public and company with the TEST 1 key", declaration(), SEED1)
    add("Node B declares company only with the TEST 2 key",
        declaration(PUB2, node_url=B_URL, node_id=B_ID, allowed_scopes=["company"]), SEED2)
    add("Declaration over plain http with a port, a path and no scopes",
        declaration(node_url="http://127.0.0.1:41001/stigmem", allowed_scopes=[], signed_at="2026-11-22T21:00:00Z"),
        SEED1)
    return vf


# --- federation.verify_declaration -----------------------------------------------------------------------------

_DEFAULT: Any = object()  # the declarer's own discovery document


def _discovery(node_id: Any = A_ID, key: Any = KEY_A) -> dict[str, Any]:
    return {"version": "0.9.0a", "node_id": node_id, "node_url": A_URL, "auth": "required", "federation": "enabled",
            "federation_pubkey": key, "federation_version": "0.9.0a"}


def _verify_file() -> VectorFile:
    vf = VectorFile("federation", "verify_declaration",
                    "Whether a PeerDeclaration becomes active: its shape (invalid_declaration), then verification "
                    "against the declarer's discovery document in the documented order (discovery_invalid, "
                    "node_id_mismatch, pubkey_mismatch, signature_invalid, scope_invalid).", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], expected: dict[str, Any], doc: Any,
            discovery: Any = _DEFAULT, interpretations: dict[str, str] | None = None) -> None:
        disc = _discovery() if discovery is _DEFAULT else discovery
        model = _verdict(doc, disc, "a08-jcs")
        if model != expected:
            raise AssertionError(f"{desc}: model says {model}, vector says {expected}")
        # Tagged a08-jcs throughout: docs/federation-api.md states the whole registration section under
        # peer_declaration_fields, and the shape rules are those of the A08 member names.
        tags = {**(interpretations or {}), **A08}
        if _verdict(doc, disc, "upstream-0.9.0a12") != expected and "Upstream" not in flags:
            flags = (*flags, "Upstream")
        vf.add(Case(desc, reqs, {"declaration": doc, "discovery": disc}, expected, flags, tags))

    ok, active = valid(), ("STG-FED-003", "STG-FED-005", "STG-FED-006", "STG-FED-007")
    d = signed("peer_declaration", declaration())
    add("Declaration of public and company verifies", active, ("Declaration",), ok, d)
    for scopes in (["public"], ["company"], ["team"], ["public", "company", "team"], []):
        add(f"Declaration of [{', '.join(scopes)}] verifies", active, ("Declaration",), ok,
            signed("peer_declaration", declaration(allowed_scopes=scopes)))
    add("Declaration with rate_limit verifies", (*active, "STG-FED-002"), ("Declaration", "RateLimit"), ok,
        signed("peer_declaration", declaration(rate_limit=RATE_LIMIT)))
    add("Declaration with rate_limit 1 and burst 1 verifies", (*active, "STG-FED-002"), ("Declaration", "RateLimit"),
        ok, signed("peer_declaration", declaration(rate_limit={"facts_per_second": 1, "burst": 1})))
    for url in ("http://127.0.0.1:41001", "https://node-a.example:8443/stigmem/v1", "https://node-a.example/"):
        add(f"Declaration with node_url {url} verifies", active, ("Declaration",), ok,
            signed("peer_declaration", declaration(node_url=url)))
    add("Declaration signed_at with fraction and offset verifies", active, ("Declaration",), ok,
        signed("peer_declaration", declaration(signed_at="2026-05-01T02:00:00.123+02:00")))
    add("Declaration members in reverse order verify", active, ("Declaration",), ok,
        dict(reversed(list(d.items()))))
    add("Node B's declaration verifies against node B's discovery", active, ("Declaration",), ok,
        signed("peer_declaration", declaration(PUB2, node_url=B_URL, node_id=B_ID), SEED2),
        _discovery(B_ID, KEY_B))
    add("Discovery document with only node_id and federation_pubkey suffices", active, ("Declaration",), ok, d,
        {"node_id": A_ID, "federation_pubkey": KEY_A})

    bad, shape = invalid("invalid_declaration"), DECL_SHAPE
    for desc, doc in [("array", [d]), ("string", json.dumps(d)), ("null", None)]:
        add(f"Declaration that is a JSON {desc} is invalid", shape, ("Shape",), bad, doc)
    for member in ("node_url", "node_id", "federation_pubkey", "allowed_scopes", "signed_at"):
        unsigned = {k: v for k, v in declaration().items() if k != member}
        add(f"Declaration without {member} is invalid", shape, ("Shape",), bad,
            signed("peer_declaration", unsigned))
    add("Declaration without declaration_sig is invalid", shape, ("Shape",), bad, declaration())
    add("Declaration with an unknown member is invalid", shape, ("Shape",), bad,
        signed("peer_declaration", declaration(comment="hello")))
    rate_cases: list[tuple[str, Any]] = [
        ("without burst", {"facts_per_second": 50}),
        ("with an extra member", {**RATE_LIMIT, "window_s": 1}),
        ("with facts_per_second 0", {"facts_per_second": 0, "burst": 200}),
        ("with burst 0", {"facts_per_second": 50, "burst": 0}),
        ("with burst -1", {"facts_per_second": 50, "burst": -1}),
        ("with facts_per_second true", {"facts_per_second": True, "burst": 200}),
        ("with burst 2.5", {"facts_per_second": 50, "burst": 2.5}),
        ("with facts_per_second \"50\"", {"facts_per_second": "50", "burst": 200}),
        ("that is an array", [50, 200]),
        ("that is a number", 50),
        ("that is null", None),
    ]
    for desc, rate in rate_cases:
        add(f"Declaration with rate_limit {desc} is invalid", shape, ("Shape", "RateLimit"), bad,
            signed("peer_declaration", declaration(rate_limit=rate)))
    for desc, url in [("ftp scheme", "ftp://node-a.example"), ("no scheme", "node-a.example"),
                      ("upper-case scheme", "HTTPS://node-a.example"), ("empty host", "https://"),
                      ("space in the path", "https://node-a.example/a b"), ("leading space", " https://node-a.example"),
                      ("query", "https://node-a.example/?x=1"), ("fragment", "https://node-a.example#top"),
                      ("non-string", 443)]:
        add(f"Declaration with node_url {desc} is invalid", shape, ("Shape",), bad,
            signed("peer_declaration", declaration(node_url=url)))
    for desc, node_id, tags in [
        ("informal", "node:node-a", None),
        ("not normalized (upper case)", "stigmem://Node-A.example/node/" + uuid_of("node a"), None),
        ("with trailing whitespace", A_ID + " ", None),
        ("without type and id", "stigmem://node-a.example", {"entity_empty_segments": "reject"}),
        ("with an empty authority", "stigmem:///node/" + uuid_of("node a"), None),
        ("non-string", 42, None),
    ]:
        add(f"Declaration with node_id {desc} is invalid", shape, ("Shape",), bad,
            signed("peer_declaration", declaration(node_id=node_id)), _discovery(node_id), tags)
    add("Declaration with an empty federation_pubkey is invalid", shape, ("Shape",), bad,
        signed("peer_declaration", declaration(federation_pubkey="")), _discovery(key=""))
    add("Declaration with a non-string federation_pubkey is invalid", shape, ("Shape",), bad,
        signed("peer_declaration", declaration(federation_pubkey=7)), _discovery(key=7))
    add("Declaration with an empty declaration_sig is invalid", shape, ("Shape",), bad,
        {**declaration(), "declaration_sig": ""})
    add("Declaration with a non-string declaration_sig is invalid", shape, ("Shape",), bad,
        {**declaration(), "declaration_sig": 7})
    for desc, scopes in [("a string", "public"), ("a duplicate", ["public", "public"]),
                         ("a non-string item", ["public", 1]), ("null", None)]:
        add(f"Declaration with allowed_scopes {desc} is invalid", shape, ("Shape",), bad,
            signed("peer_declaration", declaration(allowed_scopes=scopes)))
    for desc, signed_at in [("free text", "yesterday"), ("a date only", "2026-05-01"),
                            ("month 13", "2026-13-01T00:00:00Z"), ("no offset", "2026-05-01T00:00:00"),
                            ("a number", 1777593600000)]:
        add(f"Declaration with signed_at {desc} is invalid", shape, ("Shape",), bad,
            signed("peer_declaration", declaration(signed_at=signed_at)))

    for desc, disc in [("an array", [_discovery()]), ("a string", "stigmem"), ("null", None), ("a number", 0)]:
        add(f"Discovery document that is {desc} fails", ("STG-FED-003",), ("DiscoveryInvalid",),
            invalid("discovery_invalid"), d, disc)
    mismatch = invalid("node_id_mismatch")
    add("Discovery without node_id fails", ("STG-FED-006",), ("NodeIdMismatch",), mismatch, d,
        {"federation_pubkey": KEY_A})
    add("Discovery of another node fails", ("STG-FED-006",), ("NodeIdMismatch",), mismatch, d, _discovery(B_ID))
    add("Discovery node_id differing in case only fails", ("STG-FED-006",), ("NodeIdMismatch",), mismatch, d,
        _discovery("stigmem://NODE-A.example/node/" + uuid_of("node a")))
    keymis = invalid("pubkey_mismatch")
    add("Discovery with another key fails", ("STG-FED-006",), ("PubkeyMismatch",), keymis, d, _discovery(key=KEY_B))
    add("Discovery without federation_pubkey fails", ("STG-FED-006",), ("PubkeyMismatch",), keymis, d,
        {"node_id": A_ID})
    sigbad = invalid("signature_invalid")
    tampered: list[tuple[str, Any]] = [("node_url", B_URL), ("allowed_scopes", ["public", "company", "team"]),
                                       ("allowed_scopes", ["company", "public"]), ("signed_at", "2026-05-01T00:00:01Z")]
    for member, value in tampered:
        add(f"Declaration with {member} changed to {json.dumps(value)} after signing fails", ("STG-FED-005",),
            ("SignatureInvalid",), sigbad, {**d, member: value})
    other = {**d, "node_id": B_ID}
    add("Declaration with node_id changed after signing fails", ("STG-FED-005",), ("SignatureInvalid",), sigbad,
        other, _discovery(B_ID))
    add("Declaration with rate_limit changed after signing fails", ("STG-FED-005", "STG-SIG-001"),
        ("SignatureInvalid", "RateLimit"), sigbad,
        {**signed("peer_declaration", declaration(rate_limit=RATE_LIMIT)),
         "rate_limit": {"facts_per_second": 5000, "burst": 200}})
    add("Declaration signed by another key than the declared one fails", ("STG-FED-005",), ("SignatureInvalid",),
        sigbad, signed("peer_declaration", declaration(), SEED2))
    add("Declaration and discovery naming another valid key fail", ("STG-FED-005",), ("SignatureInvalid",), sigbad,
        {**d, "federation_pubkey": KEY_B}, _discovery(key=KEY_B))
    add("Declaration whose key is not base64url of 32 bytes fails", ("STG-FED-005",), ("SignatureInvalid",), sigbad,
        {**d, "federation_pubkey": "not-a-key"}, _discovery(key="not-a-key"))
    add("Declaration whose signature is not base64url fails", ("STG-FED-005", "STG-SIG-002"), ("SignatureInvalid",),
        sigbad, {**d, "declaration_sig": "!" * 86})
    add("Declaration whose signature is truncated fails", ("STG-FED-005", "STG-SIG-002"), ("SignatureInvalid",),
        sigbad, {**d, "declaration_sig": d["declaration_sig"][:-4]})
    scopebad = invalid("scope_invalid")
    for scopes in (["local"], ["public", "local"], ["universe"], ["Public"], ["*"]):
        add(f"Declaration of [{', '.join(scopes)}] fails", ("STG-FED-007", "STG-FED-024"), ("ScopeInvalid",),
            scopebad, signed("peer_declaration", declaration(allowed_scopes=scopes)))
    return vf


def files() -> list[VectorFile]:
    return [_declare_file(), _verify_file()]
