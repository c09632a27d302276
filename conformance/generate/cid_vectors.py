"""CID vectors: ``vectors/cid/compute.json`` and ``vectors/cid/verify.json`` (STG-CID-001..006).

Each case gives the asserted body (``input.fact``) and, where it differs, the normalized body the CID
is computed over; normalized forms are written by hand here, never computed by a normalizer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import cid as oracle

E = "stigmem://example.org/user/alice"
S = "stigmem://example.org/agent/assistant"
BASE: dict[str, Any] = {"entity": E, "relation": "memory:prefers", "value": {"type": "string", "v": "dark mode"},
                        "source": S, "confidence": 1.0, "scope": "local"}
JCS6 = {"cid_preimage": "jcs-6"}


def interp_for(raw: dict[str, Any], base: dict[str, str] | None = None) -> dict[str, str] | None:
    """The options a case depends on: informal URIs only parse under informal_uris=accept."""
    out = dict(base or {})
    for key in ("entity", "source"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip() and not value.strip().lower().startswith("stigmem://"):
            out["informal_uris"] = "accept"
    return out or None

NOTES = {
    "ValueType": {"description": "Every FactValue variant hashes as its typed object.",
                  "effect": "Values of different types collide or one type cannot be addressed.",
                  "requirements": "STG-CID-002"},
    "Confidence": {"description": "Confidence is a JCS number: 1.0 is written 1.",
                   "effect": "Float formatting differences change every CID.", "requirements": "STG-CID-002"},
    "Unicode": {"description": "Non-ASCII text is hashed as literal UTF-8.",
                "effect": "Escaping non-ASCII changes the CID.", "requirements": "STG-CID-002"},
    "Normalization": {"description": "Entity and source are normalized before hashing.",
                      "effect": "Spelling variants of one entity get different CIDs.",
                      "requirements": "STG-CID-003"},
    "ExcludedField": {"description": "A field outside the six-field body is present.",
                      "effect": "Metadata changes the content address.", "requirements": "STG-CID-004"},
    "FieldChange": {"description": "One body field differs from the base fact.",
                    "effect": "Distinct facts share a CID.", "requirements": "STG-CID-005"},
    "InvalidFact": {"description": "The body is not a valid fact.",
                    "effect": "A CID is computed for data the node must reject.", "requirements": "STG-CID-002"},
    "Tampered": {"description": "The CID does not belong to the fact.",
                 "effect": "Tampering goes unnoticed.", "requirements": "STG-CID-001"},
    "Malformed": {"description": "The CID string is not sha256: plus 64 lowercase hex digits.",
                  "effect": "Ambiguous spellings of one CID are accepted.", "requirements": "STG-CID-006"},
    "Upstream": {"description": "Expected value under another cid_preimage option.",
                 "effect": "Only informative for nodes using that option.", "requirements": "STG-CID-002"},
}


def fact(**changes: Any) -> dict[str, Any]:
    body = dict(BASE)
    body.update(changes)
    return body


def body_of(raw: dict[str, Any], **normalized: Any) -> dict[str, Any]:
    body = {k: raw[k] for k in oracle.BODY_FIELDS}
    body.update(normalized)
    return body


# (description, requirements, flags, raw fact, normalized overrides)
COMPUTE: list[tuple[str, tuple[str, ...], tuple[str, ...], dict[str, Any], dict[str, Any]]] = [
    ("Base string fact", ("STG-CID-001", "STG-CID-002"), ("ValueType",), fact(), {}),
    ("Text value", ("STG-CID-002",), ("ValueType",),
     fact(value={"type": "text", "v": "Alice prefers **dark** mode.\nAlways."}), {}),
    ("Integer number value", ("STG-CID-002",), ("ValueType",), fact(value={"type": "number", "v": 42}), {}),
    ("Number 42.0 hashes like 42", ("STG-CID-002",), ("ValueType",), fact(value={"type": "number", "v": 42.0}), {}),
    ("Fractional number value", ("STG-CID-002",), ("ValueType",), fact(value={"type": "number", "v": 42.5}), {}),
    ("Negative number value", ("STG-CID-002",), ("ValueType",), fact(value={"type": "number", "v": -7.25}), {}),
    ("Number 0.1+0.2", ("STG-CID-002",), ("ValueType",),
     fact(value={"type": "number", "v": 0.30000000000000004}), {}),
    ("Number 1e21 in exponent form", ("STG-CID-002",), ("ValueType",), fact(value={"type": "number", "v": 1e21}), {}),
    ("Number negative zero hashes like zero", ("STG-CID-002",), ("ValueType",),
     fact(value={"type": "number", "v": -0.0}), {}),
    ("Number zero", ("STG-CID-002",), ("ValueType",), fact(value={"type": "number", "v": 0}), {}),
    ("String 42 differs from number 42", ("STG-CID-002", "STG-CID-005"), ("ValueType",),
     fact(value={"type": "string", "v": "42"}), {}),
    ("Boolean true", ("STG-CID-002",), ("ValueType",), fact(value={"type": "boolean", "v": True}), {}),
    ("Boolean false", ("STG-CID-002",), ("ValueType",), fact(value={"type": "boolean", "v": False}), {}),
    ("Datetime value hashed verbatim", ("STG-CID-002",), ("ValueType",),
     fact(value={"type": "datetime", "v": "2026-05-02T00:00:00Z"}), {}),
    ("Ref value hashed verbatim", ("STG-CID-002",), ("ValueType",),
     fact(value={"type": "ref", "v": "stigmem://example.org/user/bob"}), {}),
    ("Null value without v", ("STG-CID-002",), ("ValueType",), fact(value={"type": "null"}), {}),
    ("Null value with v null hashes the same", ("STG-CID-002",), ("ValueType",),
     fact(value={"type": "null", "v": None}), {}),
    ("Confidence 0.0 (a retraction) differs from the base", ("STG-CID-002", "STG-CID-005"), ("Confidence",),
     fact(confidence=0.0), {}),
    ("Integer confidence 1 hashes like 1.0", ("STG-CID-002",), ("Confidence",), fact(confidence=1), {}),
    ("Confidence 0.5", ("STG-CID-002",), ("Confidence",), fact(confidence=0.5), {}),
    ("Confidence 0.9", ("STG-CID-002",), ("Confidence",), fact(confidence=0.9), {}),
    ("Confidence 1e-7 in exponent form", ("STG-CID-002",), ("Confidence",), fact(confidence=1e-7), {}),
    ("Unicode string value", ("STG-CID-002",), ("Unicode",), fact(value={"type": "string", "v": "caf\u00e9 \u2603"}),
     {}),
    ("Emoji text value", ("STG-CID-002",), ("Unicode",), fact(value={"type": "text", "v": "\U0001f600 ok"}), {}),
    ("Unicode relation name", ("STG-CID-002",), ("Unicode",), fact(relation="memory:pr\u00e9f\u00e9rence"), {}),
    ("Informal unicode source lowercased", ("STG-CID-002", "STG-CID-003"), ("Unicode", "Normalization"),
     fact(source="agent:Jos\u00e9"), {"source": "agent:jos\u00e9"}),
    ("Members given in another order", ("STG-CID-002",), (),
     {"scope": "local", "confidence": 1.0, "value": {"v": "dark mode", "type": "string"}, "source": S,
      "relation": "memory:prefers", "entity": E}, {}),
    ("Entity in mixed case is normalized first", ("STG-CID-003",), ("Normalization",),
     fact(entity="stigmem://Example.ORG/User/Alice"), {"entity": E}),
    ("Entity with surrounding whitespace is trimmed first", ("STG-CID-003",), ("Normalization",),
     fact(entity="  stigmem://example.org/user/alice\t"), {"entity": E}),
    ("Whitespace in the id collapses to a dash first", ("STG-CID-003",), ("Normalization",),
     fact(entity="stigmem://example.org/user/Alice   Smith"), {"entity": "stigmem://example.org/user/alice-smith"}),
    ("Source in mixed case is normalized first", ("STG-CID-003",), ("Normalization",),
     fact(source="stigmem://EXAMPLE.org/Agent/Assistant"), {"source": S}),
    ("Informal entity is lowercased first", ("STG-CID-003",), ("Normalization",),
     fact(entity="User:Alice Smith"), {"entity": "user:alice-smith"}),
    ("Server-stamped fields take no part", ("STG-CID-004",), ("ExcludedField",),
     fact(id="0b7c6f4e-2f1a-4c1e-9a1e-3f5d2c7b8a90", timestamp="2026-05-02T00:00:00.000000Z",
          hlc="1746230400000.000"), {}),
    ("valid_until takes no part", ("STG-CID-004",), ("ExcludedField",), fact(valid_until="2030-01-01T00:00:00Z"), {}),
    ("garden_id takes no part", ("STG-CID-004",), ("ExcludedField",),
     fact(garden_id="stigmem://example.org/garden/team-a"), {}),
    ("interpret_as takes no part", ("STG-CID-004",), ("ExcludedField",),
     fact(value={"type": "string", "v": "dark mode", "interpret_as": "instruction"}), {}),
    ("A cid member in the body takes no part", ("STG-CID-004",), ("ExcludedField",),
     fact(cid="sha256:" + "0" * 64), {}),
    ("Different entity", ("STG-CID-005",), ("FieldChange",), fact(entity="stigmem://example.org/user/bob"), {}),
    ("Different relation", ("STG-CID-005",), ("FieldChange",), fact(relation="memory:role"), {}),
    ("Different scope", ("STG-CID-005",), ("FieldChange",), fact(scope="public"), {}),
    ("Different source", ("STG-CID-005",), ("FieldChange",), fact(source="agent:other"), {}),
    ("String value differs from the same text value", ("STG-CID-005",), ("FieldChange",),
     fact(value={"type": "text", "v": "dark mode"}), {}),
]

INVALID: list[tuple[str, str, dict[str, Any], str, dict[str, str] | None]] = [
    ("Missing relation", "fact_invalid", {k: v for k, v in BASE.items() if k != "relation"}, "STG-FACT-007", None),
    ("Missing scope", "fact_invalid", {k: v for k, v in BASE.items() if k != "scope"}, "STG-FACT-007", None),
    ("Confidence above one", "fact_invalid", fact(confidence=1.5), "STG-FACT-001", None),
    ("Confidence below zero", "fact_invalid", fact(confidence=-0.1), "STG-FACT-001", None),
    ("Confidence as a string", "fact_invalid", fact(confidence="0.5"), "STG-FACT-001", None),
    ("Confidence as a boolean", "fact_invalid", fact(confidence=True), "STG-FACT-001", None),
    ("Unknown scope", "fact_invalid", fact(scope="universe"), "STG-FACT-002", None),
    ("Formal entity with an empty authority", "invalid_entity_uri", fact(entity="stigmem:///user/alice"),
     "STG-URI-006", {"entity_empty_segments": "reject"}),
    ("Whitespace-only source", "invalid_entity_uri", fact(source="   "), "STG-URI-006", None),
    ("Unknown value type", "value_invalid", fact(value={"type": "bytes", "v": "AAEC"}), "STG-VAL-001", None),
    ("Number value holding a string", "value_invalid", fact(value={"type": "number", "v": "abc"}), "STG-VAL-002",
     {"value_typing": "strict"}),
]

UPSTREAM: list[tuple[str, str, dict[str, Any]]] = [
    ("cidf-7", "Base fact under the CIDF seven-field body", fact()),
    ("cidf-7", "Integer number under the CIDF body", fact(value={"type": "number", "v": 42})),
    ("cidf-7", "Number 42.0 under the CIDF body differs from 42", fact(value={"type": "number", "v": 42.0})),
    ("cidf-7", "Boolean under the CIDF body", fact(value={"type": "boolean", "v": False})),
    ("cidf-7", "Null under the CIDF body", fact(value={"type": "null"})),
    ("upstream-0.9.0a12", "Base fact under the upstream eight-field body", fact()),
    ("upstream-0.9.0a12", "Instruction-typed value under the upstream body",
     fact(value={"type": "string", "v": "dark mode", "interpret_as": "instruction"})),
    ("upstream-0.9.0a12", "Unicode value under the upstream body", fact(value={"type": "string", "v": "caf\u00e9"})),
    ("upstream-0.9.0a12", "Confidence 1e-7 under the upstream body", fact(confidence=1e-7)),
    ("upstream-0.9.0a12", "Retraction under the upstream body", fact(confidence=0.0)),
]


# Each of the six fields varied alone, with values whose canonical forms differ subtly (issue 10, edge
# discipline). The canonical text of the changed field is written here by hand from RFC 8785 §3.2.2 (ECMAScript
# number form, the short escapes, \u00XX in lowercase hex, every other character literal; no Unicode
# normalization) and Spec-01 §Entity Naming Rules; the generator checks the oracle agrees, then hashes the
# hand-written bytes.
BASE_TEXT = {"confidence": "1", "entity": '"stigmem://example.org/user/alice"', "relation": '"memory:prefers"',
             "scope": '"local"', "source": '"stigmem://example.org/agent/assistant"',
             "value": '{"type":"string","v":"dark mode"}'}


def _num(v: float) -> dict[str, Any]:
    return {"type": "number", "v": v}


def _str(v: str) -> dict[str, Any]:
    return {"type": "string", "v": v}


# (description, field, value sent, canonical text of that field)
SUBTLE: list[tuple[str, str, Any, str]] = [
    ("Confidence 1e-6 is written 0.000001 (the last plain decimal)", "confidence", 1e-6, "0.000001"),
    ("Confidence 0.30000000000000004 keeps all 17 digits", "confidence", 0.30000000000000004,
     "0.30000000000000004"),
    ("Confidence 0.3 differs from 0.1 + 0.2", "confidence", 0.3, "0.3"),
    ("Confidence just under one, 0.9999999999999999", "confidence", 0.9999999999999999, "0.9999999999999999"),
    ("Confidence the least subnormal, 5e-324", "confidence", 5e-324, "5e-324"),
    ("Number 1e20 is written in full", "value", _num(1e20), '{"type":"number","v":100000000000000000000}'),
    ("Number 1e-6 is written 0.000001", "value", _num(1e-6), '{"type":"number","v":0.000001}'),
    ("Number 1.5e-7 in exponent form", "value", _num(1.5e-7), '{"type":"number","v":1.5e-7}'),
    ("Number -1e-7 keeps its sign in exponent form", "value", _num(-1e-7), '{"type":"number","v":-1e-7}'),
    ("Number 1.2345678901234568e20 in full", "value", _num(1.2345678901234568e20),
     '{"type":"number","v":123456789012345680000}'),
    ("Number the largest double", "value", _num(1.7976931348623157e308),
     '{"type":"number","v":1.7976931348623157e+308}'),
    ("Number the least subnormal", "value", _num(5e-324), '{"type":"number","v":5e-324}'),
    ("String with U+001F is escaped in lowercase hex", "value", _str("a\u001fb"),
     '{"type":"string","v":"a\\u001fb"}'),
    ("String with NUL is escaped", "value", _str("a\u0000b"), '{"type":"string","v":"a\\u0000b"}'),
    ("String with the five short escapes", "value", _str("\b\f\n\r\t"), '{"type":"string","v":"\\b\\f\\n\\r\\t"}'),
    ("String with a quote and a backslash", "value", _str('a"b\\c'), '{"type":"string","v":"a\\"b\\\\c"}'),
    ("String with a slash, left unescaped", "value", _str("a/b"), '{"type":"string","v":"a/b"}'),
    ("String with DEL, left literal", "value", _str("a\u007fb"), '{"type":"string","v":"a\u007fb"}'),
    ("String with U+2028, left literal", "value", _str("a\u2028b"), '{"type":"string","v":"a\u2028b"}'),
    ("String in NFC (U+00E9)", "value", _str("caf\u00e9"), '{"type":"string","v":"caf\u00e9"}'),
    ("String in NFD (e + U+0301) differs from NFC", "value", _str("cafe\u0301"), '{"type":"string","v":"cafe\u0301"}'),
    ("Relation in NFD differs from NFC", "relation", "memory:pre\u0301fe\u0301rence",
     '"memory:pre\u0301fe\u0301rence"'),
    ("Relation case is kept (relations are not normalized)", "relation", "memory:Prefers", '"memory:Prefers"'),
    ("Scope team", "scope", "team", '"team"'),
    ("Scope company", "scope", "company", '"company"'),
    ("Entity with a percent-encoded unreserved letter hashes like the letter", "entity",
     "stigmem://example.org/user/al%69ce", '"stigmem://example.org/user/alice"'),
    ("Entity with a percent-encoded tilde hashes like the tilde", "entity",
     "stigmem://example.org/user/al%7Ece", '"stigmem://example.org/user/al~ce"'),
    ("Entity with a trailing dash differs", "entity", "stigmem://example.org/user/alice-",
     '"stigmem://example.org/user/alice-"'),
    ("Informal source in NFD is lowercased, not composed", "source", "agent:Jose\u0301", '"agent:jose\u0301"'),
    ("Informal source in NFC", "source", "agent:Jos\u00e9", '"agent:jos\u00e9"'),
]


def _subtle_cases(vf: VectorFile) -> None:
    for description, name, sent, text in SUBTLE:
        raw = fact(**{name: sent})
        fields = {**BASE_TEXT, name: text}
        hand = ("{" + ",".join(f'"{k}":{fields[k]}' for k in oracle.BODY_FIELDS) + "}").encode("utf-8")
        body = body_of(raw, **({name: json.loads(text)} if name in ("entity", "source") else {}))
        if oracle.preimage(body, "jcs-6") != hand:
            raise AssertionError(f"{description}: oracle {oracle.preimage(body, 'jcs-6')!r} != hand {hand!r}")
        value = "sha256:" + hashlib.sha256(hand).hexdigest()
        flag = {"confidence": "Confidence", "value": "ValueType", "entity": "Normalization",
                "source": "Normalization"}.get(name, "FieldChange")
        vf.add(Case(description, ("STG-CID-002", "STG-CID-005", "STG-JCS-002"), {"fact": raw}, valid(cid=value),
                    (flag,), interp_for(raw, JCS6), {"preimage": hand.decode("utf-8")}))


def _compute_file() -> tuple[VectorFile, dict[str, str]]:
    vf = VectorFile("cid", "compute", "The CID of an asserted fact body.", NOTES,
                    source={"name": "seed migration guide, Content-addressed fact IDs",
                            "verified_against": ["rfc8785 (PyPI)", "hashlib"]})
    cids: dict[str, str] = {}
    for description, reqs, flags, raw, normalized in COMPUTE:
        body = body_of(raw, **normalized)
        value = oracle.cid(body, "jcs-6")
        cids[description] = value
        display = {"preimage": oracle.preimage(body, "jcs-6").decode("utf-8")}
        vf.add(Case(description, reqs, {"fact": raw}, valid(cid=value), flags, interp_for(raw, JCS6), display))
    for description, code, raw, req, interp in INVALID:
        vf.add(Case(description, (req, "STG-CID-002"), {"fact": raw}, invalid(code), ("InvalidFact",),
                    interp_for(raw, interp)))
    for option, description, raw in UPSTREAM:
        body = body_of(raw)
        if option == "upstream-0.9.0a12":
            body["interpret_as"] = raw["value"].get("interpret_as", "content")
        display = {"preimage": oracle.preimage(body, option).decode("utf-8")}
        vf.add(Case(description, ("STG-CID-002",), {"fact": raw}, valid(cid=oracle.cid(body, option)),
                    ("Upstream",), {"cid_preimage": option}, display))
    # Appended for the automatic mutation sweep (tests/mutants/sweep.py). RFC 8785 numbers are IEEE 754 doubles:
    # an integer beyond 2**53 hashes as the double it denotes (2**53 + 1 -> 9007199254740992).
    for description, sent in (("Integer 2**53 + 1 hashes as the double 2**53", 2**53 + 1),
                              ("Integer -(2**53 + 1) hashes as the double -(2**53)", -(2**53 + 1))):
        raw = fact(value={"type": "number", "v": sent})
        body = body_of(raw)
        body["value"] = {"type": "number", "v": float(sent)}
        display = {"preimage": oracle.preimage(body, "jcs-6").decode("utf-8")}
        vf.add(Case(description, ("STG-CID-002", "STG-JCS-002"), {"fact": raw}, valid(cid=oracle.cid(body)),
                    ("ValueType",), interp_for(raw, JCS6), display))
    for option, description in (("cidf-7", "Boolean true under the CIDF body"),
                                ("upstream-0.9.0a12", "Boolean true under the upstream body")):
        raw = fact(value={"type": "boolean", "v": True})
        body = body_of(raw)
        if option == "upstream-0.9.0a12":
            body["interpret_as"] = "content"
        display = {"preimage": oracle.preimage(body, option).decode("utf-8")}
        vf.add(Case(description, ("STG-CID-002",), {"fact": raw}, valid(cid=oracle.cid(body, option)),
                    ("Upstream",), {"cid_preimage": option}, display))
    # Appended for blind round 1 (b1-jcs-safe-integer-off-by-one): the edge of the exact-integer range, just
    # inside (2**53 - 1 stays an integer) and on it (2**53 is the double it denotes), in both signs.
    for description, sent in (("Integer 2**53 - 1 hashes as itself", 2**53 - 1),
                              ("Integer 2**53 hashes as the double 2**53", 2**53),
                              ("Integer -(2**53) hashes as the double -(2**53)", -(2**53)),
                              ("Integer -(2**53 - 1) hashes as itself", -(2**53 - 1))):
        raw = fact(value={"type": "number", "v": sent})
        body = body_of(raw)
        body["value"] = {"type": "number", "v": float(sent)}
        display = {"preimage": oracle.preimage(body, "jcs-6").decode("utf-8")}
        vf.add(Case(description, ("STG-CID-002", "STG-JCS-002"), {"fact": raw}, valid(cid=oracle.cid(body)),
                    ("ValueType",), interp_for(raw, JCS6), display))
    _subtle_cases(vf)
    return vf, cids


def _verify_file(cids: dict[str, str]) -> VectorFile:
    vf = VectorFile("cid", "verify", "Whether a CID belongs to a fact body.", NOTES)
    base = cids["Base string fact"]
    vf.add(Case("Matching CID", ("STG-CID-001",), {"fact": BASE, "cid": base}, valid(), (), JCS6))
    vf.add(Case("CID of the normalized body matches a raw spelling", ("STG-CID-003",),
                {"fact": fact(entity="stigmem://Example.ORG/User/Alice"), "cid": base}, valid(), ("Normalization",),
                JCS6))
    tampered = [
        ("Value changed after hashing", fact(value={"type": "string", "v": "light mode"})),
        ("Confidence changed after hashing", fact(confidence=0.9)),
        ("Scope changed after hashing", fact(scope="public")),
        ("Source changed after hashing", fact(source="agent:mallory")),
        ("Value type changed after hashing", fact(value={"type": "text", "v": "dark mode"})),
    ]
    for description, raw in tampered:
        vf.add(Case(description, ("STG-CID-001", "STG-CID-005"), {"fact": raw, "cid": base}, invalid("cid_mismatch"),
                    ("Tampered",), interp_for(raw, JCS6)))
    body = body_of(BASE)
    spaced = json.dumps({k: body[k] for k in oracle.BODY_FIELDS}).encode("utf-8")
    others = [
        ("CID of a non-canonical serialization", "sha256:" + hashlib.sha256(spaced).hexdigest()),
        ("CID under the CIDF body checked as JCS", oracle.cid(body, "cidf-7")),
        ("CID over the unnormalized entity",
         oracle.cid(body_of(BASE, entity="stigmem://Example.ORG/User/Alice"), "jcs-6")),
        ("CID of the SHA-256 of the empty string", "sha256:" + hashlib.sha256(b"").hexdigest()),
    ]
    for description, value in others:
        vf.add(Case(description, ("STG-CID-001", "STG-CID-002"), {"fact": BASE, "cid": value},
                    invalid("cid_mismatch"), ("Tampered",), JCS6))
    hexpart = base.removeprefix("sha256:")
    malformed = [
        ("Uppercase hex digits", "sha256:" + hexpart.upper()),
        ("63 hex digits", base[:-1]),
        ("65 hex digits", base + "0"),
        ("Missing prefix", hexpart),
        ("Uppercase prefix", "SHA256:" + hexpart),
        ("Other algorithm prefix", "sha3-256:" + hexpart),
        ("Surrounding whitespace", " " + base + " "),
        ("Multibase-style prefix", "b" + base),
        ("Non-hex digit", "sha256:" + hexpart[:-1] + "g"),
        ("Empty string", ""),
    ]
    for description, value in malformed:
        vf.add(Case(description, ("STG-CID-006",), {"fact": BASE, "cid": value}, invalid("cid_malformed"),
                    ("Malformed",)))
    # Appended for blind round 2 (b2-cid-verify-prefix-only): near misses of the right CID, one hex digit changed
    # at its last, middle and first position, so a comparison of any prefix or part alone is caught.
    for where, index in (("last", 63), ("middle", 32), ("first", 0)):
        flipped = hexpart[:index] + ("0" if hexpart[index] != "0" else "1") + hexpart[index + 1:]
        vf.add(Case(f"Right CID with its {where} hex digit changed", ("STG-CID-001", "STG-CID-005"),
                    {"fact": BASE, "cid": "sha256:" + flipped}, invalid("cid_mismatch"), ("Tampered",), JCS6))
    return vf


def files() -> list[VectorFile]:
    compute, cids = _compute_file()
    return [compute, _verify_file(cids)]
