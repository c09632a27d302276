"""Federation-rule vectors: ``vectors/federation/*.json``, one file per operation.

The pure rules behind the federation endpoints (docs/federation-api.md), one operation each:

- ``declare``: a node's own signed PeerDeclaration (STG-SIG-001), Ed25519 over RFC 8785 of every member but
  ``declaration_sig``;
- ``verify_declaration``: the shape of a PeerDeclaration (schemas/wire/peer_declaration.json: the six members and
  an optional ``rate_limit`` of two positive integers, ``node_url`` an http(s) URL, ``node_id`` a normalized formal
  ``stigmem://`` URI, ``allowed_scopes`` distinct strings, ``signed_at`` RFC 3339), then verification in the
  documented order: the discovery document is an object, its ``node_id`` and ``federation_pubkey`` equal the
  declaration's (STG-FED-006), ``declaration_sig`` verifies under that key (STG-FED-005), ``allowed_scopes`` are
  known scopes without ``local`` (STG-FED-007);
- ``ingest``: steps 2 to 6 of "Ingest (the pulling side)" for one pulled fact;
- ``serve``: which stored facts a peer may pull (STG-FED-023..028, STG-PROV-005, interpretation relaying);
- ``issue_claims``: the claims of a fresh token a node issues (STG-TOK-001, STG-TOK-002);
- ``nonce_replay``: tokens presented in order to one verifier, which remembers an accepted nonce until
  ``max(exp, accepted_at + 300000)`` inclusive (STG-TOK-006..008, interpretation nonce_retention) and audits each
  refusal as ``replay_attempt`` (a seen nonce) or ``rejected_token`` (STG-RPL-006, STG-AUDIT-002).

Every verdict is stated by hand and cross-checked against a small model of the documented rules below
(``_model_*``); signatures, CIDs and tokens come from ``conformance.oracle`` and the other generators' helpers.
A declaration case whose verdict differs under ``peer_declaration_fields`` = upstream-0.9.0a12 is tagged a08-jcs.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from conformance.generate.ed25519_vectors import SEED1, SEED2
from conformance.generate.peer_token_vectors import IAT, KEY1, LEEWAY, MAX_LIFETIME, NODE_B, NONCE, model_verify
from conformance.generate.peer_token_vectors import claims as token_claims
from conformance.generate.peer_token_vectors import token as make_token
from conformance.generate.signature_vectors import RATE_LIMIT, signed
from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import cid as cid_oracle
from conformance.oracle import ed25519 as oracle


def _uuid(label: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(label.encode()).digest()[:16], version=4))


SCOPES = ("local", "team", "company", "public")  # schemas/wire/fact.json FactScope
NEVER = ("local", "team")  # docs/federation-api.md: local never, team never
PUB1, PUB2 = oracle.public_key(SEED1), oracle.public_key(SEED2)
KEY_A, KEY_B = oracle.b64u_encode(PUB1), oracle.b64u_encode(PUB2)
A_ID = "stigmem://node-a.example/node/" + _uuid("node a")
B_ID = "stigmem://node-b.example/node/" + _uuid("node b")
A_URL, B_URL = "https://node-a.example", "https://node-b.example"
FIELDS = oracle.PEER_DECLARATION_OPTIONS
A08 = {"peer_declaration_fields": "a08-jcs"}
JCS6 = {"cid_preimage": "jcs-6"}
WALL = IAT  # 2026-05-02T12:00:00Z: the pulled facts' HLC wall
FUT, PAST = 300_000, 2_592_000_000  # hlc_skew_bounds ref-defaults

DECL_SHAPE = ("STG-FED-002", "STG-SIG-001")

NOTES = {
    "Declaration": {"description": "A well-formed PeerDeclaration that verifies against the declarer's discovery "
                                   "document: the peer becomes active.",
                    "effect": "Valid peers are refused, so federation never starts.",
                    "requirements": "STG-FED-003, STG-FED-005, STG-FED-006, STG-FED-007"},
    "RateLimit": {"description": "The optional rate_limit member: exactly {facts_per_second, burst}, each an "
                                 "integer >= 1 (a boolean is not an integer).",
                  "effect": "Peers declare limits the node cannot honour, or valid limits are refused.",
                  "requirements": "STG-FED-002"},
    "Shape": {"description": "The declaration is not well formed (missing, unknown or ill-typed member, node_url "
                             "not http(s), node_id not a normalized formal stigmem:// URI, allowed_scopes not "
                             "distinct strings, signed_at not RFC 3339): invalid_declaration, before any "
                             "verification.",
              "effect": "Malformed declarations reach the signature check or the peer table.",
              "requirements": "STG-FED-002"},
    "DiscoveryInvalid": {"description": "The fetched discovery document is not a JSON object.",
                         "effect": "Verification crashes or passes on a document it cannot read.",
                         "requirements": "STG-FED-003"},
    "NodeIdMismatch": {"description": "The discovery document's node_id is not exactly the declaration's.",
                       "effect": "A node registers under another node's identity.",
                       "requirements": "STG-FED-006"},
    "PubkeyMismatch": {"description": "The discovery document's federation_pubkey is not exactly the "
                                      "declaration's.",
                       "effect": "A forger signs with its own key for someone else's node.",
                       "requirements": "STG-FED-006"},
    "SignatureInvalid": {"description": "declaration_sig does not verify under the declared key (a member "
                                        "changed after signing, another signer, a malformed signature or key).",
                         "effect": "Forged or altered declarations become active.",
                         "requirements": "STG-FED-005"},
    "ScopeInvalid": {"description": "allowed_scopes names local or a scope that does not exist.",
                     "effect": "A peer is registered for local facts or for scopes no rule covers.",
                     "requirements": "STG-FED-007, STG-FED-024"},
    "Upstream": {"description": "Under peer_declaration_fields = upstream-0.9.0a12 the signature covers five "
                                "members only, so rate_limit is unsigned and the verdict differs.",
                 "effect": "Only informative for nodes using that option.", "requirements": "STG-SIG-001"},
    "Accepted": {"description": "A pulled fact passing steps 2 to 6: the result is its recomputed CID and "
                                "normalized entity and source.",
                 "effect": "Good facts from peers are dropped.",
                 "requirements": "STG-FED-034, STG-FED-036, STG-CID-013, STG-HLC-007"},
    "FactId": {"description": "The origin's fact id: 1 to 128 characters of ASCII letters, digits, '.', '_' and "
                              "'-', starting with a letter or digit (so it never reads as a CID or a URI).",
               "effect": "Ids that collide with CIDs or stigmem:fact: entities are stored.",
               "requirements": "STG-FACT-007"},
    "FactShape": {"description": "A body field, hlc, timestamp or valid_until is missing or malformed: "
                                 "invalid_fact, as for a local assert.",
                  "effect": "Malformed facts from peers are stored.", "requirements": "STG-FACT-007"},
    "Normalization": {"description": "Entity and source are normalized before the CID is recomputed.",
                      "effect": "A peer's spelling of an entity splits it in two or fails the CID.",
                      "requirements": "STG-URI-001, STG-CID-003"},
    "Reserved": {"description": "The relation is one only a node writes for itself (stigmem:conflict, "
                                "stigmem:conflict:*, stigmem:resolves, stigmem:received_from, stigmem:memory:card, "
                                "garden:*), compared case-insensitively; stigmem:ttl is not reserved.",
                 "effect": "A peer forges conflict records, provenance or garden membership.",
                 "requirements": "STG-NS-002, STG-NS-004"},
    "CidMismatch": {"description": "The fact's cid is not the CID recomputed over its normalized body.",
                    "effect": "Tampered facts are stored under a CID that does not address them.",
                    "requirements": "STG-CID-013"},
    "ScopeViolation": {"description": "The fact's scope is local, team, or not declared by the peer.",
                       "effect": "A peer writes into scopes it was never granted.",
                       "requirements": "STG-FED-034, STG-FED-035"},
    "SourceNotOwned": {"description": "The source is neither the peer's node_id nor a formal URI under the "
                                      "authority of the peer's node_id (interpretation source_ownership).",
                       "effect": "A peer writes facts in another node's or an agent's name.",
                       "requirements": "STG-FED-036"},
    "SkewBoundary": {"description": "The HLC wall exactly at a skew bound (accepted), one millisecond beyond "
                                    "(hlc_skew), or a bound of 0, which disables it.",
                     "effect": "Off-by-one skew rejections, or a disabled bound that still rejects.",
                     "requirements": "STG-HLC-007"},
    "Served": {"description": "Which stored facts a peer may pull: scope in declared allowed_scopes and in the "
                              "token's scopes, never local or team.",
               "effect": "Facts leak to peers that were not granted their scope, or granted facts are withheld.",
               "requirements": "STG-FED-023, STG-FED-024, STG-FED-025, STG-FED-026, STG-FED-027"},
    "NeverServed": {"description": "A fact never served whatever its scope: a stigmem:conflict:* entity, a "
                                   "relation starting stigmem: (any case), a garden-tagged fact, a fact received "
                                   "from a peer.",
                    "effect": "Meta-facts, garden facts or other peers' facts are re-federated.",
                    "requirements": "STG-FED-028, STG-PROV-005, STG-FED-045"},
    "Issued": {"description": "The claims a node puts in a token it issues: exactly iss, sub, iat, exp, nonce and "
                              "scopes, exp being iat + lifetime_ms.",
               "effect": "Peers refuse the node's tokens, or tokens outlive the requested lifetime.",
               "requirements": "STG-TOK-001, STG-TOK-002"},
    "Replay": {"description": "A nonce accepted before is presented again, by the same or another token, while it "
                              "is remembered: nonce_already_seen, audited replay_attempt.",
               "effect": "Captured tokens are replayed.", "requirements": "STG-TOK-006, STG-TOK-008, STG-RPL-006"},
    "Retention": {"description": "An accepted nonce is remembered until max(exp, accepted_at + 300000 ms), that "
                                 "instant included, and forgotten one millisecond later.",
                  "effect": "Replays slip through after five minutes, or nonces are never released.",
                  "requirements": "STG-TOK-007"},
    "RefusedToken": {"description": "A token refused for another reason is audited rejected_token and its nonce "
                                    "is not remembered.",
                     "effect": "Refusals go unaudited, or a refused token burns a nonce.",
                     "requirements": "STG-RPL-006, STG-AUDIT-002"},
}


# --- models of the documented rules (cross-checks for the hand-stated verdicts) --------------------------------

_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")
_FORMAL = re.compile(r"stigmem://([a-z0-9.-]+)/[a-z0-9._~-]+/[a-z0-9._~/-]+")
_FACT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_HLC = re.compile(r"([0-9]{13})\.([0-9]{1,3})")


def _rfc3339(value: object) -> bool:
    if not isinstance(value, str) or not (m := _RFC3339.fullmatch(value)):
        return False
    try:
        datetime(*(int(g) for g in m.groups()[:3]), *(int(g) for g in m.groups()[3:6]))
    except ValueError:
        return False
    return True


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _model_declaration(doc: object, discovery: object, fields: str) -> dict[str, Any]:
    """docs/federation-api.md "PeerDeclaration and registration" and schemas/wire/peer_declaration.json."""
    required = ("node_url", "node_id", "federation_pubkey", "allowed_scopes", "signed_at", "declaration_sig")
    if not isinstance(doc, dict) or any(k not in doc for k in required) or set(doc) - {*required, "rate_limit"}:
        return invalid("invalid_declaration")
    scopes = doc["allowed_scopes"]
    rate = doc.get("rate_limit", {"facts_per_second": 1, "burst": 1})
    if not (isinstance(doc["node_url"], str) and _URL.fullmatch(doc["node_url"])
            and isinstance(doc["node_id"], str) and _FORMAL.fullmatch(doc["node_id"])
            and all(isinstance(doc[k], str) and doc[k] for k in ("federation_pubkey", "declaration_sig"))
            and isinstance(scopes, list) and all(isinstance(s, str) for s in scopes) and len(set(scopes)) == len(scopes)
            and _rfc3339(doc["signed_at"])
            and isinstance(rate, dict) and set(rate) == {"facts_per_second", "burst"}
            and all(_positive_int(v) for v in rate.values())):
        return invalid("invalid_declaration")
    if not isinstance(discovery, dict):
        return invalid("discovery_invalid")
    if discovery.get("node_id") != doc["node_id"]:
        return invalid("node_id_mismatch")
    if discovery.get("federation_pubkey") != doc["federation_pubkey"]:
        return invalid("pubkey_mismatch")
    try:
        key, sig = oracle.b64u_decode(doc["federation_pubkey"]), oracle.b64u_decode(doc["declaration_sig"])
    except ValueError:
        return invalid("signature_invalid")
    if len(key) != 32 or len(sig) != 64 or not oracle.verify(key, oracle.preimage("peer_declaration", doc, fields),
                                                             sig):
        return invalid("signature_invalid")
    if not all(s in SCOPES and s != "local" for s in scopes):
        return invalid("scope_invalid")
    return valid()


def _authority(uri: str) -> str | None:
    return m.group(1) if (m := _FORMAL.fullmatch(uri)) else None


def _model_admit(fact: Mapping[str, Any], peer: str, declared: Sequence[str], now_ms: int, future: int,
                 past: int) -> str | None:
    """Ingest steps 4 to 6 for a fact whose shape and CID passed (its entity and source already normalized)."""
    if fact["scope"] in NEVER or fact["scope"] not in declared:
        return "scope_violation"
    source = fact["source"]
    if source != peer and (_authority(peer) is None or _authority(source) != _authority(peer)):
        return "source_not_owned"
    hlc = _HLC.fullmatch(fact["hlc"])
    assert hlc is not None
    wall = int(hlc.group(1))
    if (future and wall - now_ms > future) or (past and now_ms - wall > past):
        return "hlc_skew"
    return None


def _model_served(facts: Sequence[Mapping[str, Any]], declared: Sequence[str], token: Sequence[str]) -> list[str]:
    scopes = {s for s in SCOPES if s in declared and s in token and s not in NEVER}
    return [f["id"] for f in facts if f["scope"] in scopes and not f["entity"].startswith("stigmem:conflict:")
            and not f["relation"].lower().startswith("stigmem:") and f.get("garden_id") is None
            and f.get("received_from") is None]


def _model_session(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """peer_tokens.verify per presentation, seen_nonces being the nonces whose retention has not ended."""
    retained: dict[str, int] = {}
    outputs: list[dict[str, Any]] = []
    for p in data["presentations"]:
        seen = [n for n, until in retained.items() if until >= p["now_ms"]]
        verdict = model_verify({**data, "token": p["token"], "now_ms": p["now_ms"], "seen_nonces": seen})
        if verdict["outcome"] == "valid":
            retained[verdict["claims"]["nonce"]] = max(verdict["claims"]["exp"], p["now_ms"] + 300_000)
            outputs.append({"accepted": True})
        else:
            code = verdict["error"]
            outputs.append({"error": code,
                            "audit_event": "replay_attempt" if code == "nonce_already_seen" else "rejected_token"})
    return outputs


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
        model = _model_declaration(doc, disc, "a08-jcs")
        if model != expected:
            raise AssertionError(f"{desc}: model says {model}, vector says {expected}")
        # Tagged a08-jcs throughout: docs/federation-api.md states the whole registration section under
        # peer_declaration_fields, and the shape rules are those of the A08 member names.
        tags = {**(interpretations or {}), **A08}
        if _model_declaration(doc, disc, "upstream-0.9.0a12") != expected and "Upstream" not in flags:
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
        ("not normalized (upper case)", "stigmem://Node-A.example/node/" + _uuid("node a"), None),
        ("with trailing whitespace", A_ID + " ", None),
        ("without type and id", "stigmem://node-a.example", {"entity_empty_segments": "reject"}),
        ("with an empty authority", "stigmem:///node/" + _uuid("node a"), None),
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
        _discovery("stigmem://NODE-A.example/node/" + _uuid("node a")))
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


# --- federation.ingest -----------------------------------------------------------------------------------------

FACT_ID = _uuid("pulled fact 1")
BASE_FACT: dict[str, Any] = {
    "id": FACT_ID, "entity": "stigmem://node-a.example/user/alice", "relation": "memory:role",
    "value": {"type": "string", "v": "CEO"}, "source": A_ID, "timestamp": "2026-05-02T12:00:00.000000Z",
    "hlc": f"{WALL}.000", "confidence": 1.0, "scope": "company", "valid_until": None,
}


def pulled(normalized: Mapping[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """A fact as served, its cid recomputed over the body (``normalized`` gives hand-normalized entity/source)."""
    fact = {**BASE_FACT, **changes}
    if "cid" not in changes:
        body = {k: fact[k] for k in cid_oracle.BODY_FIELDS}
        body.update(normalized or {})
        fact["cid"] = cid_oracle.cid(body, "jcs-6")
    return fact


def _ingest_file() -> VectorFile:
    vf = VectorFile("federation", "ingest",
                    "Ingest steps 2 to 6 for one pulled fact from peer_node_id: shape and normalization "
                    "(invalid_fact), the recomputed CID (cid_mismatch), the scope (scope_violation), the source "
                    "(source_not_owned), the HLC skew bounds (hlc_skew).", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], expected: dict[str, Any], fact: Any, *,
            peer: str = A_ID, declared: Sequence[str] = ("public", "company"), now: int = WALL + 1000,
            bounds: Mapping[str, int] | None = None, tags: Mapping[str, str] | None = None) -> None:
        data: dict[str, Any] = {"fact": fact, "peer_node_id": peer, "allowed_scopes": list(declared), "now_ms": now}
        data.update(bounds or {})
        if expected["outcome"] == "valid" or expected["error"] not in ("invalid_fact", "cid_mismatch"):
            b = bounds or {}
            normalized = {**fact, "entity": expected.get("entity", fact["entity"]),
                          "source": expected.get("source", fact["source"])}
            model = _model_admit(normalized, peer, declared, now, b.get("max_future_skew_ms", FUT),
                                 b.get("max_past_skew_ms", PAST))
            stated = None if expected["outcome"] == "valid" else expected["error"]
            if model != stated:
                raise AssertionError(f"{desc}: model says {model}, vector says {stated}")
        # Tagged jcs-6 throughout: every pulled fact carries a cid computed under that option.
        vf.add(Case(desc, reqs, data, expected, flags, {**(tags or {}), **JCS6}))

    def ok(fact: Mapping[str, Any], entity: str | None = None, source: str | None = None) -> dict[str, Any]:
        return valid(cid=fact["cid"], entity=entity or fact["entity"], source=source or fact["source"])

    acc = ("STG-FED-034", "STG-FED-036", "STG-CID-013", "STG-HLC-007")
    base = pulled()
    add("Company fact from the node itself is accepted", acc, ("Accepted",), ok(base), base, tags=JCS6)
    pub = pulled(scope="public")
    add("Public fact declared by the peer is accepted", acc, ("Accepted",), ok(pub), pub, tags=JCS6)
    for desc, src in [("an agent", "stigmem://node-a.example/agent/writer"),
                      ("a user", "stigmem://node-a.example/user/bob")]:
        f = pulled(source=src)
        add(f"Source naming {desc} under the peer's authority is accepted", ("STG-FED-036",),
            ("Accepted",), ok(f), f, tags={**JCS6, "source_ownership": "authority"})
    f = pulled(source="agent:node-a")
    add("Informal source equal to an informal peer node id is accepted", ("STG-FED-036",), ("Accepted",), ok(f), f,
        peer="agent:node-a", tags={**JCS6, "informal_uris": "accept"})
    raw = pulled({"entity": "stigmem://node-a.example/user/alice", "source": A_ID},
                 entity="stigmem://Node-A.example/User/Alice", source=A_ID.replace("node-a", "NODE-A"))
    add("Entity and source are normalized before the CID is recomputed", ("STG-URI-001", "STG-CID-003", "STG-CID-013"),
        ("Accepted", "Normalization"), ok(raw, "stigmem://node-a.example/user/alice", A_ID), raw, tags=JCS6)
    for desc, fid in [("of 128 characters", "f" * 128), ("of one character", "a"),
                      ("with dots, underscores and dashes", "fact_1.v-2"), ("in upper case", "FACT-1")]:
        f = pulled(id=fid)
        add(f"Fact id {desc} is accepted", ("STG-FACT-007",), ("Accepted", "FactId"), ok(f), f, tags=JCS6)
    f = pulled(valid_until="2027-01-01T00:00:00Z")
    add("Fact with an RFC 3339 valid_until is accepted", acc, ("Accepted",), ok(f), f, tags=JCS6)
    f = pulled(confidence=0.0)
    add("Retraction (confidence 0) is accepted", acc, ("Accepted",), ok(f), f, tags=JCS6)
    f = pulled(hlc=f"{WALL}.5")
    add("HLC with a one-digit counter is accepted", ("STG-HLC-007",), ("Accepted",), ok(f), f,
        tags={**JCS6, "hlc_input": "lenient"})
    for rel in ("stigmem:ttl", "stigmem:conflicts", "gardening:plan", "memory:garden:x"):
        f = pulled(relation=rel)
        add(f"Relation {rel} is not reserved and is accepted", ("STG-NS-002", "STG-EXP-007"), ("Accepted", "Reserved"),
            ok(f), f, tags=JCS6)

    skew = ("STG-HLC-007",)
    add("HLC exactly 300000 ms ahead of now is accepted", skew, ("SkewBoundary",), ok(base), base, now=WALL - FUT,
        tags={**JCS6, "hlc_skew_bounds": "ref-defaults"})
    add("HLC 300001 ms ahead of now is rejected", skew, ("SkewBoundary",), invalid("hlc_skew"), base,
        now=WALL - FUT - 1, tags={**JCS6, "hlc_skew_bounds": "ref-defaults"})
    add("HLC exactly 30 days behind now is accepted", skew, ("SkewBoundary",), ok(base), base, now=WALL + PAST,
        tags={**JCS6, "hlc_skew_bounds": "ref-defaults"})
    add("HLC 30 days and 1 ms behind now is rejected", skew, ("SkewBoundary",), invalid("hlc_skew"), base,
        now=WALL + PAST + 1, tags={**JCS6, "hlc_skew_bounds": "ref-defaults"})
    small = {"max_future_skew_ms": 1000, "max_past_skew_ms": 1000}
    for desc, now, expected in [("exactly 1000 ms ahead", WALL - 1000, ok(base)),
                                ("1001 ms ahead", WALL - 1001, invalid("hlc_skew")),
                                ("exactly 1000 ms behind", WALL + 1000, ok(base)),
                                ("1001 ms behind", WALL + 1001, invalid("hlc_skew"))]:
        verdict = "accepted" if expected["outcome"] == "valid" else "rejected"
        add(f"With 1000 ms bounds an HLC {desc} is {verdict}", skew, ("SkewBoundary",), expected, base, now=now,
            bounds=small, tags={**JCS6, "hlc_skew_bounds": "ref-defaults"})
    add("A future bound of 0 disables it", skew, ("SkewBoundary",), ok(base), base, now=WALL - 10**9,
        bounds={"max_future_skew_ms": 0, "max_past_skew_ms": PAST}, tags={**JCS6, "hlc_skew_bounds": "ref-defaults"})
    add("A past bound of 0 disables it", skew, ("SkewBoundary",), ok(base), base, now=WALL + 10**11,
        bounds={"max_future_skew_ms": FUT, "max_past_skew_ms": 0}, tags={**JCS6, "hlc_skew_bounds": "ref-defaults"})

    bad, fid_req = invalid("invalid_fact"), ("STG-FACT-007",)
    for desc, fact in [("a JSON array", [base]), ("a string", FACT_ID), ("null", None)]:
        add(f"Pulled fact that is {desc} is invalid", fid_req, ("FactShape",), bad, fact)
    add("Fact without id is invalid", fid_req, ("FactId",), bad, {k: v for k, v in base.items() if k != "id"})
    for desc, fid in [("of 129 characters", "f" * 129), ("empty", ""), ("starting with '.'", ".hidden"),
                      ("starting with '-'", "-x"), ("starting with '_'", "_x"), ("containing ':'", "sha256:abc"),
                      ("containing a space", "fact 1"), ("containing '/'", "a/b"), ("non-ASCII", "fact-\u00e9"),
                      ("that is a number", 42), ("ending in a newline", "fact-1\n")]:
        add(f"Fact id {desc} is invalid", fid_req, ("FactId",), bad, {**base, "id": fid})
    for member in ("entity", "relation", "value", "source", "scope", "hlc", "timestamp"):
        add(f"Fact without {member} is invalid", fid_req, ("FactShape",), bad,
            {k: v for k, v in base.items() if k != member})
    body_faults: list[tuple[str, str, Any, tuple[str, ...], Mapping[str, str] | None]] = [
        ("scope universe", "scope", "universe", ("STG-FACT-002",), None),
        ("confidence 1.5", "confidence", 1.5, ("STG-FACT-001",), None),
        ("confidence true", "confidence", True, ("STG-FACT-001",), None),
        ("a value of unknown type", "value", {"type": "bytes", "v": "AAEC"}, ("STG-VAL-001",), None),
        ("a number value holding a string", "value", {"type": "number", "v": "abc"}, ("STG-VAL-002",),
         {"value_typing": "strict"}),
        ("a whitespace-only entity", "entity", "   ", ("STG-URI-006",), None),
        ("a numeric relation", "relation", 7, ("STG-FACT-007",), None),
        ("a formal entity with an empty authority", "entity", "stigmem:///user/alice", ("STG-URI-006",),
         {"entity_empty_segments": "reject"}),
    ]
    for desc, member, value, reqs, tags in body_faults:
        add(f"Fact with {desc} is invalid", (*reqs, "STG-FACT-007"), ("FactShape",), bad, {**base, member: value},
            tags=tags)
    for desc, hlc in [("without a counter", f"{WALL}"), ("with a 12-digit wall", f"{WALL // 10}.000"),
                      ("with a 4-digit counter", f"{WALL}.0000"), ("that is a number", WALL),
                      ("with a sign", f"+{WALL}.000")]:
        add(f"HLC {desc} is invalid", ("STG-HLC-013", "STG-FACT-007"), ("FactShape",), bad, {**base, "hlc": hlc})
    for member in ("timestamp", "valid_until"):
        for desc, value in [("free text", "tomorrow"), ("a date only", "2026-05-02"), ("a number", 1777723200000),
                            ("empty", "")]:
            add(f"{member} as {desc} is invalid", fid_req, ("FactShape",), bad, {**base, member: value})
    add("timestamp null is invalid", fid_req, ("FactShape",), bad, {**base, "timestamp": None})

    reserved = ["stigmem:conflict", "stigmem:resolves", "stigmem:received_from", "stigmem:memory:card",
                "stigmem:conflict:status", "stigmem:conflict:between", "garden:member", "garden:role:x",
                "STIGMEM:RECEIVED_FROM", "Stigmem:Resolves", "Stigmem:Conflict:Status", "GARDEN:member",
                "stigmem:Memory:Card", "Stigmem:Conflict"]
    for rel in reserved:
        add(f"Relation {rel} from a peer is invalid", ("STG-NS-002", "STG-NS-004"), ("Reserved",), bad,
            pulled(relation=rel), tags={"reserved_namespace": "reject"})

    mism, cid_req = invalid("cid_mismatch"), ("STG-CID-013",)
    body = {k: base[k] for k in cid_oracle.BODY_FIELDS}
    unnormalized = {**base, "entity": "stigmem://Node-A.example/User/Alice"}
    mismatches: list[tuple[str, Any]] = [
        ("the CID of another value", cid_oracle.cid({**body, "value": {"type": "string", "v": "CTO"}}, "jcs-6")),
        ("the CID of the body before normalization",
         cid_oracle.cid({k: unnormalized[k] for k in cid_oracle.BODY_FIELDS}, "jcs-6")),
        ("the CID under the CIDF seven-field body", cid_oracle.cid(body, "cidf-7")),
        ("the CID in upper case", "sha256:" + base["cid"].removeprefix("sha256:").upper()),
        ("no cid (null)", None),
        ("the SHA-256 of a pretty-printed body",
         "sha256:" + hashlib.sha256(json.dumps(body, indent=1).encode()).hexdigest()),
    ]
    for desc, value in mismatches:
        fact = {**(unnormalized if "before normalization" in desc else base), "cid": value}
        add(f"Fact carrying {desc} is rejected", cid_req, ("CidMismatch",), mism, fact, tags=JCS6)
    fact = {k: v for k, v in base.items() if k != "cid"}
    add("Fact without a cid member is rejected", cid_req, ("CidMismatch",), mism, fact, tags=JCS6)
    add("Fact whose value changed after hashing is rejected", cid_req, ("CidMismatch",), mism,
        {**base, "value": {"type": "string", "v": "CTO"}}, tags=JCS6)

    viol = invalid("scope_violation")
    for desc, scope, declared, reqs in [
        ("local fact from a peer declaring local", "local", SCOPES, ("STG-FED-034", "STG-FED-024")),
        ("team fact from a peer declaring team", "team", ("team", "public"), ("STG-FED-035",)),
        ("company fact from a peer declaring public only", "company", ("public",), ("STG-FED-034", "STG-FED-026")),
        ("public fact from a peer declaring company only", "public", ("company",), ("STG-FED-034",)),
        ("company fact from a peer declaring nothing", "company", (), ("STG-FED-034",)),
    ]:
        add(f"A {desc} is a scope violation", reqs, ("ScopeViolation",), viol, pulled(scope=scope), declared=declared,
            tags=JCS6)

    notown = invalid("source_not_owned")
    for desc, src, peer, tags in [
        ("another node's agent", "stigmem://node-b.example/agent/writer", A_ID, JCS6),
        ("another node", B_ID, A_ID, JCS6),
        ("an authority that extends the peer's", "stigmem://node-a.example.evil/agent/x", A_ID, JCS6),
        ("a parent domain of the peer's authority", "stigmem://example/agent/x", A_ID, JCS6),
        ("an informal agent", "agent:writer", A_ID, {**JCS6, "informal_uris": "accept"}),
        ("an informal agent, the peer id being informal", "agent:other", "agent:node-a",
         {**JCS6, "informal_uris": "accept"}),
        ("a formal URI, the peer id being informal", "stigmem://node-a.example/agent/x", "agent:node-a",
         {**JCS6, "informal_uris": "accept"}),
    ]:
        add(f"Source naming {desc} is not owned", ("STG-FED-036",), ("SourceNotOwned",), notown, pulled(source=src),
            peer=peer, tags=tags)
    return vf


# --- federation.serve ------------------------------------------------------------------------------------------

def stored(label: str, scope: str = "public", **changes: Any) -> dict[str, Any]:
    fact: dict[str, Any] = {"id": label, "entity": "stigmem://node-a.example/user/alice",
                            "relation": "memory:role", "scope": scope, "garden_id": None, "received_from": None}
    fact.update(changes)
    return fact


def _serve_file() -> VectorFile:
    vf = VectorFile("federation", "serve",
                    "Which stored facts a peer may pull: the scope is in the peer's declared allowed_scopes and in "
                    "the token's scopes and is neither local nor team, and the fact is not a conflict entity, a "
                    "stigmem: meta-fact, garden-tagged or received from a peer. served lists the ids in input order.",
                    notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], facts: list[dict[str, Any]],
            declared: Sequence[str], token: Sequence[str], served: list[str],
            tags: Mapping[str, str] | None = None) -> None:
        if _model_served(facts, declared, token) != served:
            raise AssertionError(f"{desc}: model says {_model_served(facts, declared, token)}, vector says {served}")
        vf.add(Case(desc, reqs, {"facts": facts, "allowed_scopes": list(declared), "token_scopes": list(token)},
                    valid(served=served), flags, dict(tags) if tags else None))

    mixed = [stored("p1"), stored("c1", "company"), stored("t1", "team"), stored("l1", "local"), stored("p2"),
             stored("c2", "company")]
    inter = ("STG-FED-023",)
    for desc, declared, token, served, reqs in [
        ("both granted", ("public", "company"), ("public", "company"), ["p1", "c1", "p2", "c2"],
         ("STG-FED-023", "STG-FED-026", "STG-FED-027")),
        ("a token for public only", ("public", "company"), ("public",), ["p1", "p2"], inter),
        ("a token for company only", ("public", "company"), ("company",), ["c1", "c2"], inter),
        ("a declaration of company only", ("company",), ("public", "company"), ["c1", "c2"],
         ("STG-FED-023", "STG-FED-026")),
        ("a declaration of public only", ("public",), ("public", "company"), ["p1", "p2"], inter),
        ("every scope declared and in the token", SCOPES, SCOPES, ["p1", "c1", "p2", "c2"],
         ("STG-FED-023", "STG-FED-024", "STG-FED-025")),
        ("team declared and in the token", ("team",), ("team",), [], ("STG-FED-025",)),
        ("local declared and in the token", ("local",), ("local",), [], ("STG-FED-024",)),
        ("team and public declared, team and company in the token", ("team", "public"), ("team", "company"), [],
         ("STG-FED-023", "STG-FED-025")),
        ("nothing declared", (), SCOPES, [], inter),
        ("a token without scopes", SCOPES, (), [], inter),
        ("disjoint declaration and token", ("company",), ("public",), [], inter),
    ]:
        add(f"Mixed scopes with {desc}", reqs, ("Served",), mixed, declared, token, served)
    add("Facts are served in input order", ("STG-FED-023",), ("Served",),
        [stored("z"), stored("a", "company"), stored("m")], ("public", "company"), ("company", "public"),
        ["z", "a", "m"])
    both = ("public", "company")
    never: list[tuple[str, dict[str, Any], tuple[str, ...], Mapping[str, str] | None]] = [
        ("a conflict entity", {"entity": "stigmem:conflict:" + _uuid("conflict 1"), "relation": "conflict:note"},
         ("STG-FED-023",), None),
        ("a stigmem:received_from meta-fact", {"relation": "stigmem:received_from"}, ("STG-PROV-005",), None),
        ("a stigmem:resolves meta-fact", {"relation": "stigmem:resolves"}, ("STG-PROV-005",), None),
        ("a stigmem:ttl meta-fact", {"relation": "stigmem:ttl"}, ("STG-PROV-005",), None),
        ("a STIGMEM:TTL meta-fact in upper case", {"relation": "STIGMEM:TTL"}, ("STG-PROV-005",), None),
        ("a Stigmem:Received_From meta-fact in mixed case", {"relation": "Stigmem:Received_From"}, ("STG-PROV-005",),
         None),
        ("a garden-tagged fact", {"garden_id": "stigmem://node-a.example/garden/team-a"}, ("STG-FED-028",), None),
        ("a fact received from another peer", {"received_from": B_ID}, ("STG-FED-045",), {"relaying": "none"}),
    ]
    for desc, change, reqs, tags in never:
        for scope in ("public", "company"):
            add(f"A {scope} {desc} is never served", reqs, ("NeverServed",),
                [stored("plain", scope), stored("never", scope, **change)], both, both, ["plain"], tags)
    for desc, change in [("relation stigmemx:note", {"relation": "stigmemx:note"}),
                         ("relation stigmem without a colon", {"relation": "stigmem"}),
                         ("a formal entity of type conflict", {"entity": "stigmem://node-a.example/conflict/1"}),
                         ("entity stigmem:conflicts:1", {"entity": "stigmem:conflicts:1"}),
                         ("relation memory:stigmem:x", {"relation": "memory:stigmem:x"})]:
        add(f"A fact with {desc} is served", ("STG-FED-027",), ("Served",),
            [stored("plain"), stored("other", **change)], both, both, ["plain", "other"])
    return vf


# --- federation.issue_claims ----------------------------------------------------------------------------------

def _claims_file() -> VectorFile:
    vf = VectorFile("federation", "issue_claims",
                    "The claims of a fresh peer token a node issues (STG-TOK-001): iss the issuing node, sub the node "
                    "the token is for, iat now, exp iat + lifetime_ms (at most 3600000, STG-TOK-002), the nonce and "
                    "the scopes.", notes=NOTES)
    for desc, now, lifetime, scopes, nonce in [
        ("Claims of a one-minute token for public and company", IAT, 60000, ["public", "company"], "n-1"),
        ("Claims of a one-hour token without scopes", IAT + 5, MAX_LIFETIME, [], _uuid("issue 2")),
        ("Claims of a one-millisecond token for company", 0, 1, ["company"], _uuid("issue 3")),
    ]:
        data = {"issuer": A_ID, "subject": B_ID, "now_ms": now, "nonce": nonce, "scopes": scopes,
                "lifetime_ms": lifetime}
        out = {"iss": A_ID, "sub": B_ID, "iat": now, "exp": now + lifetime, "nonce": nonce, "scopes": scopes}
        vf.add(Case(desc, ("STG-TOK-001", "STG-TOK-002"), data, valid(claims=out), ("Issued",)))
    return vf


# --- federation.nonce_replay -----------------------------------------------------------------------------------

def _nonce_file() -> VectorFile:
    vf = VectorFile("federation", "nonce_replay",
                    "Peer tokens presented in order to one verifier whose nonce cache starts empty: each output is "
                    "{accepted: true} or the peer_tokens.verify error with its audit event (replay_attempt for "
                    "nonce_already_seen, else rejected_token). An accepted nonce is remembered until "
                    "max(exp, now + 300000), inclusive.", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], presentations: list[tuple[str, int]],
            outputs: list[dict[str, Any]], tags: Mapping[str, str] | None = None) -> None:
        data = {"issuer_public_key_b64u": KEY1, "audience": NODE_B, "leeway_ms": LEEWAY,
                "max_lifetime_ms": MAX_LIFETIME,
                "presentations": [{"token": t, "now_ms": now} for t, now in presentations]}
        model = _model_session(data)
        if model != outputs:
            raise AssertionError(f"{desc}: model says {model}, vector says {outputs}")
        vf.add(Case(desc, reqs, data, valid(outputs=outputs), flags, dict(tags) if tags else None))

    acc = {"accepted": True}
    replay = {"error": "nonce_already_seen", "audit_event": "replay_attempt"}

    def refused(code: str) -> dict[str, Any]:
        return {"error": code, "audit_event": "rejected_token"}

    named = {"replay_error_code": "named"}
    kept = {"nonce_retention": "until-expiry", "replay_error_code": "named"}
    t = make_token(token_claims())
    add("A fresh token is accepted", ("STG-TOK-006",), (), [(t, IAT + 1000)], [acc])
    add("The same token presented again is a replay", ("STG-TOK-006", "STG-RPL-006", "STG-FAIL-009"), ("Replay",),
        [(t, IAT + 1000), (t, IAT + 2000)], [acc, replay], named)
    later = make_token(token_claims(iat=IAT + 2000, exp=IAT + 302000))
    add("Another token carrying the same nonce is a replay", ("STG-TOK-008", "STG-RPL-006"), ("Replay",),
        [(t, IAT + 1000), (later, IAT + 3000)], [acc, replay], named)
    n2 = make_token(token_claims(nonce=_uuid("second nonce")))
    add("Tokens with different nonces are both accepted", ("STG-TOK-006",), (), [(t, IAT + 1000), (n2, IAT + 1000)],
        [acc, acc])
    add("The first of two remembered nonces is still refused", ("STG-TOK-006", "STG-TOK-008"), ("Replay",),
        [(t, IAT + 1000), (n2, IAT + 1000), (later, IAT + 3000)], [acc, acc, replay], named)
    add("A replay at exp exactly is refused as a replay", ("STG-TOK-005", "STG-TOK-006"), ("Replay",),
        [(t, IAT + 1000), (t, IAT + 300000)], [acc, replay], named)

    # A one-minute token accepted at IAT + 1000 is remembered until IAT + 301000 (the five-minute window wins).
    short = make_token(token_claims(exp=IAT + 60000))
    again = make_token(token_claims(iat=IAT + 290000, exp=IAT + 350000))
    add("A nonce is refused at accepted_at + 300000 ms exactly", ("STG-TOK-007", "STG-TOK-008"),
        ("Replay", "Retention"), [(short, IAT + 1000), (again, IAT + 301000)], [acc, replay], kept)
    add("A nonce is accepted again 300001 ms after it was accepted", ("STG-TOK-007",), ("Retention",),
        [(short, IAT + 1000), (again, IAT + 301001)], [acc, acc], kept)
    add("A refusal at the end of retention does not extend it", ("STG-TOK-007",), ("Replay", "Retention"),
        [(short, IAT + 1000), (again, IAT + 301000), (again, IAT + 301001)], [acc, replay, acc], kept)
    # A one-hour token accepted at IAT + 1000 is remembered until its exp, IAT + 3600000.
    hour = make_token(token_claims(exp=IAT + 3600000))
    mid = make_token(token_claims(iat=IAT + 300000, exp=IAT + 400000))
    add("A long-lived token's nonce outlives the five-minute window", ("STG-TOK-007", "STG-TOK-008"),
        ("Replay", "Retention"), [(hour, IAT + 1000), (mid, IAT + 301001)], [acc, replay], kept)
    tail = make_token(token_claims(iat=IAT + 3000000, exp=IAT + 3700000))
    add("A long-lived token's nonce is refused at its exp exactly", ("STG-TOK-007", "STG-TOK-008"),
        ("Replay", "Retention"), [(hour, IAT + 1000), (tail, IAT + 3600000)], [acc, replay], kept)
    add("A long-lived token's nonce is accepted again 1 ms after its exp", ("STG-TOK-007",), ("Retention",),
        [(hour, IAT + 1000), (tail, IAT + 3600001)], [acc, acc], kept)

    add("An expired token is audited as rejected_token", ("STG-TOK-005", "STG-RPL-006", "STG-AUDIT-002"),
        ("RefusedToken",), [(t, IAT + 300001)], [refused("token_expired")])
    add("A replayed token presented after exp is expired, not a replay", ("STG-TOK-005", "STG-RPL-006"),
        ("RefusedToken",), [(t, IAT + 1000), (t, IAT + 300001)], [acc, refused("token_expired")])
    add("An expired token does not burn its nonce", ("STG-TOK-006", "STG-RPL-006"), ("RefusedToken",),
        [(short, IAT + 60001), (later, IAT + 60002)], [refused("token_expired"), acc])
    wrong = make_token(token_claims(sub="stigmem://node-c.example"))
    add("A token for another node does not burn its nonce", ("STG-TOK-004", "STG-RPL-006"), ("RefusedToken",),
        [(wrong, IAT + 1000), (t, IAT + 2000)], [refused("token_wrong_audience"), acc])
    forged = make_token(token_claims(), SEED2)
    add("A forged token does not burn its nonce", ("STG-TOK-003", "STG-RPL-006"), ("RefusedToken",),
        [(forged, IAT + 1000), (t, IAT + 2000)], [refused("signature_invalid"), acc])
    add("A token not yet valid is audited as rejected_token", ("STG-TOK-005", "STG-RPL-006"), ("RefusedToken",),
        [(t, IAT - LEEWAY - 1), (t, IAT - LEEWAY)], [refused("token_not_yet_valid"), acc])
    add("A malformed token is audited as rejected_token", ("STG-TOK-001", "STG-RPL-006"), ("RefusedToken",),
        [("not-a-token", IAT + 1000), (t, IAT + 1000)], [refused("token_malformed"), acc])
    add("A replay after a refused replay is still a replay", ("STG-TOK-006", "STG-RPL-006"), ("Replay",),
        [(t, IAT + 1000), (t, IAT + 2000), (later, IAT + 3000)], [acc, replay, replay], named)
    assert token_claims()["nonce"] == NONCE
    return vf


def files() -> list[VectorFile]:
    return [_declare_file(), _verify_file(), _ingest_file(), _serve_file(), _nonce_file(), _claims_file()]
