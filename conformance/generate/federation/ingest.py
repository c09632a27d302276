"""Ingest vectors: ``vectors/federation/ingest.json``, steps 2 to 6 of "Ingest (the pulling side)" for one pulled
fact (STG-FED-034..036, STG-FACT-007, STG-CID-013, STG-HLC-007, STG-NS-002/004)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from conformance.generate.federation.support import A_ID, B_ID, FUT, JCS6, NOTES, PAST, SCOPES, WALL, uuid_of
from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import cid as cid_oracle
from conformance.oracle import federation as federation_oracle

# --- federation.ingest -----------------------------------------------------------------------------------------

FACT_ID = uuid_of("pulled fact 1")
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
            model = federation_oracle.admit_error(normalized, peer, declared, now, b.get("max_future_skew_ms", FUT),
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


def files() -> list[VectorFile]:
    return [_ingest_file()]
