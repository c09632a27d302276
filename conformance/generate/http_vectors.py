"""HTTP exchange vectors: ``vectors/http/{bad_input,normalize_on_write,lifecycle}.json``.

Bad input: one request, the statuses allowed and, where a spec names it, the error code. Normalization on
write: raw entity spellings and the normalized form the response must carry. Lifecycle: one fact followed
from its JSON body through normalization, the JCS preimage and the CID to the HTTP response, so a failure
names the first broken layer. ``{u}`` in a string is replaced at run time by a run-unique token.
"""

from __future__ import annotations

from typing import Any

from conformance.generate.writer import Case, VectorFile
from conformance.oracle import cid as cid_oracle
from conformance.oracle import contradictions as contradiction_oracle

VAL = (400, 422)
NOTES = {
    "BadBody": {"description": "The body is not a valid assert request.", "effect": "Garbage is stored or a 5xx.",
                "requirements": "STG-HTTP-003"},
    "BadValue": {"description": "The FactValue is rejected.", "effect": "Ill-typed values are stored.",
                 "requirements": "STG-VAL-002"},
    "BadUri": {"description": "Entity or source fails normalization.", "effect": "Malformed identities are stored.",
               "requirements": "STG-URI-010"},
    "BadQuery": {"description": "A query parameter is out of range or malformed.", "effect": "A 5xx or wrong data.",
                 "requirements": "STG-HTTP-003"},
    "Reserved": {"description": "A client write to a reserved relation.", "effect": "Conflict state is forged.",
                 "requirements": "STG-NS-002"},
    "TooLarge": {"description": "A text value above the limit.", "effect": "Unbounded values are stored.",
                 "requirements": "STG-VAL-004"},
    "TimeTravel": {"description": "as_of on a node without the plugin.", "effect": "Silent present-time answers.",
                   "requirements": "STG-TT-001"},
    "Normalize": {"description": "A raw spelling normalized on write.", "effect": "Duplicate entities.",
                  "requirements": "STG-URI-001"},
    "Lifecycle": {"description": "One fact through every layer.", "effect": "The broken layer is not named.",
                  "requirements": "STG-CID-002"},
}
RESOLUTION_NOTES = {
    "Resolution": {"description": "Facts written on one triple, then a query resolved at query time.",
                   "effect": "A reader gets no answer, the losing fact, or one fact of a tie.",
                   "requirements": "STG-QRY-012"},
}


def fact(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"entity": "stigmem://conformance.test/user/{u}", "relation": "memory:role",
                            "value": {"type": "string", "v": "x"}, "source": "stigmem://conformance.test/agent/suite",
                            "confidence": 1.0, "scope": "local"}
    body.update(changes)
    return body


def post(body: Any = None, raw: bytes | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "POST", "path": "/v1/facts"}
    if raw is not None:
        request["body_hex"] = raw.hex()
    else:
        request["json"] = body
    return request


def get(path: str, **params: str) -> dict[str, Any]:
    return {"method": "GET", "path": path, "params": params}


def refuse(statuses: tuple[int, ...], error: str | None = None) -> dict[str, Any]:
    return {"outcome": "invalid", "status": list(statuses), **({"error": error} if error else {})}


STRICT = {"value_typing": "strict"}
BAD: list[tuple[str, tuple[str, ...], str, dict[str, Any], dict[str, Any], dict[str, str] | None]] = [
    ("Body is not JSON", ("STG-HTTP-003",), "BadBody", post(raw=b"{not json"), refuse(VAL), None),
    ("Empty body", ("STG-HTTP-003",), "BadBody", post(raw=b""), refuse(VAL), None),
    ("Body is a JSON array", ("STG-HTTP-003",), "BadBody", post([fact()]), refuse(VAL), None),
    ("Body is a JSON string", ("STG-HTTP-003",), "BadBody", post("fact"), refuse(VAL), None),
    ("Body has a NaN confidence token", ("STG-FACT-001",), "BadBody",
     post(raw=b'{"entity":"stigmem://conformance.test/user/x","relation":"memory:r","value":{"type":"null"},'
              b'"source":"agent:c","confidence":NaN,"scope":"local"}'), refuse(VAL), None),
    ("Confidence beyond the double range", ("STG-FACT-001",), "BadBody",
     post(raw=b'{"entity":"stigmem://conformance.test/user/x","relation":"memory:r","value":{"type":"null"},'
              b'"source":"agent:c","confidence":1e400,"scope":"local"}'), refuse(VAL), None),
    ("Deeply nested value", ("STG-HTTP-003",), "BadBody",
     post(raw=b'{"entity":"stigmem://conformance.test/user/x","relation":"memory:r","value":' + b"[" * 5000
          + b"]" * 5000 + b',"source":"agent:c","scope":"local"}'), refuse(VAL), None),
    ("Entity is a number", ("STG-FACT-007",), "BadBody", post(fact(entity=5)), refuse(VAL), None),
    ("Relation is empty", ("STG-FACT-007",), "BadBody", post(fact(relation="")), refuse(VAL), None),
    ("Unknown value type", ("STG-VAL-001",), "BadValue", post(fact(value={"type": "bytes", "v": "AA"})),
     refuse(VAL), None),
    ("Value is a bare string", ("STG-VAL-001",), "BadValue", post(fact(value="x")), refuse(VAL), None),
    ("Number holding text", ("STG-VAL-002",), "BadValue", post(fact(value={"type": "number", "v": "abc"})),
     refuse(VAL), STRICT),
    ("Boolean holding one", ("STG-VAL-002",), "BadValue", post(fact(value={"type": "boolean", "v": 1})),
     refuse(VAL), STRICT),
    ("Datetime in words", ("STG-VAL-002",), "BadValue", post(fact(value={"type": "datetime", "v": "yesterday"})),
     refuse(VAL), STRICT),
    ("Ref without a scheme", ("STG-VAL-002",), "BadValue", post(fact(value={"type": "ref", "v": "not a uri"})),
     refuse(VAL), STRICT),
    ("String without v", ("STG-VAL-002",), "BadValue", post(fact(value={"type": "string"})), refuse(VAL), STRICT),
    ("Empty authority in the entity", ("STG-URI-006", "STG-URI-010"), "BadUri",
     post(fact(entity="stigmem:///user/alice")), refuse((400,), "invalid_entity_uri"),
     {"entity_empty_segments": "reject"}),
    ("Entity of whitespace only", ("STG-URI-006", "STG-URI-010"), "BadUri", post(fact(entity="   ")),
     refuse((400,), "invalid_entity_uri"), None),
    ("Empty source", ("STG-URI-006", "STG-URI-010"), "BadUri", post(fact(source="")),
     refuse((400,), "invalid_entity_uri"), None),
    ("Missing id segment", ("STG-URI-006", "STG-URI-010"), "BadUri",
     post(fact(entity="stigmem://conformance.test/user")), refuse((400,), "invalid_entity_uri"),
     {"entity_empty_segments": "reject"}),
    ("Text one byte over 64 KiB", ("STG-VAL-004",), "TooLarge",
     post(fact(value={"type": "text", "v": "a" * 65537})), refuse((413,)), {"text_limit": "65536-bytes"}),
    ("Client forges a conflict status", ("STG-NS-002",), "Reserved",
     post(fact(relation="stigmem:conflict:status", value={"type": "string", "v": "resolved"})),
     refuse((403,), "reserved_namespace"),
     {"reserved_namespace": "reject"}),
    ("Client forges received_from", ("STG-NS-002",), "Reserved",
     post(fact(relation="stigmem:received_from", value={"type": "ref", "v": "stigmem://evil/node/x"})),
     refuse((403,), "reserved_namespace"), {"reserved_namespace": "reject"}),
    ("valid_until is not a datetime", ("STG-EXP-008",), "BadValue", post(fact(valid_until="tomorrow")),
     refuse(VAL), None),
    ("limit zero", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", limit="0"), refuse(VAL), None),
    ("limit above 500", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", limit="501"), refuse(VAL), None),
    ("Negative limit", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", limit="-1"), refuse(VAL), None),
    ("Non-numeric limit", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", limit="ten"), refuse(VAL), None),
    ("Cursor the node never issued", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", cursor="not-a-cursor"),
     refuse(VAL), None),
    ("min_confidence above one", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", min_confidence="2"),
     refuse(VAL), None),
    ("Non-boolean include_expired", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", include_expired="maybe"),
     refuse(VAL), None),
    ("Unknown scope in a query", ("STG-HTTP-003",), "BadQuery", get("/v1/facts", scope="universe"), refuse(VAL),
     None),
    ("Malformed CID in the path", ("STG-CID-006",), "BadQuery", get("/v1/facts/sha256:abc"),
     refuse((400,), "cid_malformed"), None),
    ("as_of without the time-travel plugin", ("STG-TT-001",), "TimeTravel",
     get("/v1/facts", entity="stigmem://conformance.test/user/{u}", as_of="2025-01-01T00:00:00Z"),
     refuse((501,), "time_travel_plugin_not_loaded"), None),
]

NORMALIZE = [
    ("Mixed case and surrounding spaces", "  STIGMEM://Conformance.TEST/User/{u}  ",
     "stigmem://conformance.test/user/{u}", None),
    ("Whitespace run in the id", "stigmem://conformance.test/user/{u}  Smith", "stigmem://conformance.test/user/{u}-smith",
     {"entity_whitespace": "ascii-all-segments"}),
    ("Escaped unreserved letters", "stigmem://conformance.test/user/{u}%41%62", "stigmem://conformance.test/user/{u}ab",
     {"entity_percent_encoding": "rfc3986"}),
    ("Informal entity", "User:{u} Doe", "user:{u}-doe", {"informal_uris": "accept"}),
]

LIFECYCLE: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("String fact with a raw entity and source",
     {"entity": " stigmem://Conformance.Test/User/Lifecycle-One ", "relation": "memory:prefers",
      "value": {"type": "string", "v": "dark mode"}, "source": "Agent:Lifecycle", "confidence": 1.0,
      "scope": "local"},
     {"entity": "stigmem://conformance.test/user/lifecycle-one", "source": "agent:lifecycle"}),
    ("Number fact with an integral double",
     {"entity": "stigmem://conformance.test/metric/lifecycle-two", "relation": "memory:count",
      "value": {"type": "number", "v": 42.0}, "source": "agent:lifecycle", "confidence": 0.5, "scope": "team"},
     {}),
    ("Unicode text fact",
     {"entity": "stigmem://conformance.test/note/lifecycle-three", "relation": "memory:note",
      "value": {"type": "text", "v": "caf\u00e9 \u2603 \U0001f600"}, "source": "agent:lifecycle",
      "confidence": 0.9, "scope": "company"}, {}),
    ("Null fact without v",
     {"entity": "stigmem://conformance.test/user/lifecycle-four", "relation": "memory:manager",
      "value": {"type": "null"}, "source": "agent:lifecycle", "confidence": 1.0, "scope": "public"}, {}),
]


# Query-time resolution (architecture seed: "Resolution order at query time: 1. Higher confidence wins. 2. Equal
# confidence → higher hlc wins (causal ordering). 3. Tie → both returned with contradicted: true; caller decides.").
# Writes go to one triple in order, so the node's hlc grows with the index; an exact tie needs two origins (see
# federation:query_resolution_tie). Expected rows come from conformance.oracle.contradictions. The s15-history
# option is checked by the resolution checks (conformance/checks/resolution.py), which branch on it.
RESOLUTION_DEFAULTS = {"contradiction_rule": "s15", "value_equality": "canonical", "winner_rule": "s15"}
RESOLUTION: list[tuple[str, list[tuple[str, float]], bool, str]] = [
    ("Two siblings: the more confident older fact is returned", [("CEO", 1.0), ("CTO", 0.8)], False,
     "seed-resolution"),
    ("Two siblings: the more confident newer fact is returned", [("CEO", 0.6), ("CTO", 0.9)], False,
     "seed-resolution"),
    ("Two siblings of equal confidence: the later hlc is returned", [("CEO", 0.9), ("CTO", 0.9)], False,
     "seed-resolution"),
    ("Three siblings: confidence first, then hlc", [("a", 0.7), ("b", 0.9), ("c", 0.9)], False, "seed-resolution"),
    ("Five siblings, values repeated: one winner", [("a", 0.5), ("b", 1.0), ("a", 1.0), ("c", 0.2), ("b", 0.4)],
     False, "seed-resolution"),
    ("A retraction beside a conflict is an ordinary row", [("CEO", 1.0), ("CTO", 0.8), ("CEO", 0.0)], False,
     "seed-resolution"),
    ("Equal values are no contradiction: both returned", [("CEO", 1.0), ("CEO", 0.7)], False, "seed-resolution"),
    ("A retraction then another value: no conflict", [("CEO", 0.0), ("CTO", 0.9)], False, "seed-resolution"),
    ("include_contradicted returns the losers too", [("CEO", 1.0), ("CTO", 0.8)], True, "seed-resolution"),
    ("include_contradicted returns three siblings", [("a", 0.7), ("b", 0.9), ("c", 0.9)], True, "seed-resolution"),
]


def resolved(writes: list[tuple[str, float]], include_contradicted: bool, mode: str) -> list[dict[str, Any]]:
    """The rows a query on the triple returns, newest first: each write's index and contradicted flag."""
    facts = [{"id": str(i), "entity": "e:x", "relation": "memory:role", "value": {"type": "string", "v": v},
              "confidence": c, "scope": "company", "hlc": f"{1746230400000 + i:013d}.000"}
             for i, (v, c) in enumerate(writes)]
    result = contradiction_oracle.evaluate(facts, {})
    contradicted = set(result["contradicted"])
    winners = {i for w in result["winners"] for i in w["ids"]}
    rows = []
    for f in reversed(facts):
        shown = (f["id"] not in contradicted or include_contradicted
                 or (mode == "seed-resolution" and f["id"] in winners))
        if shown:
            rows.append({"write": int(f["id"]), "contradicted": f["id"] in contradicted})
    return rows


def files() -> list[VectorFile]:
    bad = VectorFile("http", "bad_input", "Requests a node must refuse with a 4xx, never a 5xx.", NOTES)
    for description, reqs, flag, request, expected, interp in BAD:
        bad.add(Case(description, reqs, {"request": request, "key": "admin"}, expected, (flag,), interp))
    norm = VectorFile("http", "normalize_on_write", "Raw entity spellings and the normalized form stored.", NOTES)
    for description, raw, normalized, interp in NORMALIZE:
        norm.add(Case(description, ("STG-URI-001",), {"request": post(fact(entity=raw)), "key": "admin"},
                      {"outcome": "valid", "status": [201], "body": {"entity": normalized}}, ("Normalize",), interp))
    life = VectorFile("http", "lifecycle", "One fact from its JSON body to the HTTP response, layer by layer.", NOTES)
    for description, raw, normalized in LIFECYCLE:
        body = {k: raw[k] for k in cid_oracle.BODY_FIELDS}
        body.update(normalized)
        stored = {**{k: body[k] for k in ("entity", "relation", "source", "confidence", "scope")},
                  "value": cid_oracle.stored_value(raw["value"])}
        expected = {"outcome": "valid", "status": [201, 200], "body": stored,
                    "preimage_hex": cid_oracle.preimage(body, "jcs-6").hex(), "cid": cid_oracle.cid(body, "jcs-6")}
        life.add(Case(description, ("STG-CID-002", "STG-CID-003", "STG-CID-007", "STG-URI-001"),
                      {"request": post(raw), "key": "admin"}, expected, ("Lifecycle",),
                      {"cid_preimage": "jcs-6", "entity_percent_encoding": "rfc3986", "informal_uris": "accept"}))
    res = VectorFile("http", "query_resolution", "Facts on one triple, then what a query returns after query-time "
                     "resolution.", RESOLUTION_NOTES)
    for description, writes, include, mode in RESOLUTION:
        setup = [post(fact(value={"type": "string", "v": v}, confidence=c, scope="company")) for v, c in writes]
        params = {"entity": "stigmem://conformance.test/user/{u}", "limit": "500",
                  **({"include_contradicted": "true"} if include else {})}
        rows = resolved(writes, include, mode)
        res.add(Case(description, ("STG-QRY-012", "STG-CONF-005", "STG-QRY-008"),
                     {"setup": setup, "request": get("/v1/facts", **params), "key": "admin"},
                     {"outcome": "valid", "status": [200], "facts": rows, "total": len(rows)}, ("Resolution",),
                     {**RESOLUTION_DEFAULTS, "default_query": mode}))
    return [bad, norm, life, res]
