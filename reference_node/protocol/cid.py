"""Content-addressed fact ids: ``"sha256:" + hex(SHA-256(preimage))`` (seed "Migrating" §25; CIDF; A20 §25; ADR-016).

Requirements: STG-CID-001 (format), STG-CID-002 (preimage, interpretation ``cid_preimage``), STG-CID-003 (entity
and source normalized first), STG-CID-004/005 (exactly the body fields take part), STG-CID-006 (malformed CIDs),
STG-CID-013 (recompute and reject mismatches). The options:

- ``jcs-6`` (default, the seed): RFC 8785 of ``{confidence, entity, relation, scope, source, value}`` with ``value``
  the stored ``{"type", "v"}`` and nothing else.
- ``cidf-7``: compact sorted-key Python JSON (no ASCII escaping, floats in Python repr) of ``{confidence, entity,
  relation, scope, source, value_type, value_v}``, ``value_v`` the string encoding of ``v`` as sent.
- ``upstream-0.9.0a12``: ``cidf-7`` plus ``interpret_as`` (default ``"content"``).

Storage, dedup and dual addressing belong to the storage layer.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from reference_node.protocol.errors import CidMalformed, CidMismatch
from reference_node.protocol.facts import FactBody, FactOptions, body
from reference_node.protocol.jcs import canonical

__all__ = ["CID_PATTERN", "check_syntax", "compute", "of_body", "preimage", "verify"]

CidPreimage = Literal["jcs-6", "cidf-7", "upstream-0.9.0a12"]

# CIDF §CID Format: "sha256:" then exactly 64 lowercase hex digits.
CID_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")


def _value_v(v: Any) -> str:
    """CIDF value_v: null -> "null", booleans -> "true"/"false", everything else str(v) as sent."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _python_json(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def preimage(fact: FactBody, rule: CidPreimage = "jcs-6") -> bytes:
    """The bytes the CID hashes, for a validated body.

    >>> from reference_node.protocol.facts import FactBody
    >>> preimage(FactBody("user:a", "memory:x", {"type": "null", "v": None}, "agent:b", 1.0, "local"))
    b'{"confidence":1,"entity":"user:a","relation":"memory:x","scope":"local","source":"agent:b","value":{"type":"null","v":null}}'
    """
    common: dict[str, Any] = {
        "entity": fact.entity,
        "relation": fact.relation,
        "scope": fact.scope,
        "source": fact.source,
    }
    if rule == "jcs-6":
        # STG-CID-002: RFC 8785 of exactly the six fields; value is {type, v} and nothing else.
        value = {"type": fact.value["type"], "v": fact.value["v"]}
        return canonical({**common, "confidence": fact.confidence, "value": value})
    seven = {
        **common,
        "confidence": float(fact.confidence),
        "value_type": fact.value["type"],
        "value_v": _value_v(fact.value["v"]),
    }
    if rule == "upstream-0.9.0a12":
        seven["interpret_as"] = fact.value.get("interpret_as", "content")
    return _python_json(seven)


def of_body(fact: FactBody, rule: CidPreimage = "jcs-6") -> str:
    """The CID of a validated, normalized body: the one place the CID formula is written."""
    # STG-CID-001: "sha256:" + lowercase hex of SHA-256 over the canonical body.
    return "sha256:" + hashlib.sha256(preimage(fact, rule)).hexdigest()


def compute(fact: object, rule: CidPreimage = "jcs-6", options: FactOptions | None = None) -> str:
    """The CID of an asserted fact body (validated and normalized first, STG-CID-003)."""
    return of_body(body(fact, options), rule)


def check_syntax(cid: object) -> str:
    """STG-CID-006: a CID is "sha256:" + 64 lowercase hex digits, else cid_malformed."""
    if not isinstance(cid, str) or CID_PATTERN.fullmatch(cid) is None:
        raise CidMalformed(f"not sha256: + 64 lowercase hex digits: {cid!r}")
    return cid


def verify(fact: object, cid: object, rule: CidPreimage = "jcs-6", options: FactOptions | None = None) -> None:
    """Recompute the CID and compare; raises CidMalformed, CidMismatch or a fact validation error."""
    claimed = check_syntax(cid)
    computed = compute(fact, rule, options)
    # STG-CID-013: a CID that is not the body's is rejected.
    if computed != claimed:
        raise CidMismatch(f"CID is {computed}, not {claimed}")
