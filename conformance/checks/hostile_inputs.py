"""The hostile-input table: every JSON type, huge integers and lone surrogates in every field of every route.

Plain data and a generator, shared by the ``http:hostile_*`` checks and the project's property and fuzz tests. A
body is serialized with ``ensure_ascii`` so a lone surrogate travels as the JSON escape ``\\ud800`` (legal JSON
text, RFC 8259 §8.2, which a node must refuse with a 4xx, not crash on). Requirement STG-HTTP-003.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["HOSTILE_PARAMS", "HOSTILE_VALUES", "Probe", "cursor", "dumps", "probes"]

HUGE = 10**400  # beyond any double: float(HUGE) raises OverflowError
SURROGATE = "\ud800"
# Every JSON type, plus the values that crashed real nodes: 400-digit integers, lone surrogates, NUL, deep nesting.
HOSTILE_VALUES: dict[str, Any] = {
    "null": None,
    "true": True,
    "zero": 0,
    "minus_one": -1,
    "half": 0.5,
    "huge_int": HUGE,
    "minus_huge_int": -HUGE,
    "big_float": 1e308,
    "empty": "",
    "surrogate": SURROGATE,
    "surrogate_in_text": "a" + SURROGATE + "b",
    "nul": "a\u0000b",
    "long": "x" * 3000,
    "array": [],
    "array_surrogate": [SURROGATE],
    "array_huge": [HUGE],
    "object": {},
    "object_surrogate_name": {SURROGATE: 1},
    "nested": json.loads("[" * 40 + "]" * 40),
}
# Query parameter values, already percent-encoded (%ED%A0%80 is a surrogate in CESU-8, not UTF-8; %FF no UTF-8).
HOSTILE_PARAMS: dict[str, str] = {
    "empty": "",
    "nul": "a%00b",
    "huge_int": "9" * 400,
    "minus_huge": "-" + "9" * 400,
    "exp": "1e999",
    "nan": "NaN",
    "cesu_surrogate": "%ED%A0%80",
    "not_utf8": "%FF%FE",
    "long": "y" * 3000,
    "seq_2_63": str(2**63),
}


@dataclass(frozen=True)
class Probe:
    """One hostile request: method, path, raw body (or None), query parameters."""

    label: str
    method: str
    path: str
    body: bytes | None = None
    query: str = ""  # raw, already percent-encoded

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


def dumps(body: Any) -> bytes:
    """JSON text with every non-ASCII character escaped (so lone surrogates are representable)."""
    return json.dumps(body, ensure_ascii=True).encode("ascii")


def cursor(*parts: str) -> str:
    """A cursor in the reference node's shape (base64url of ``|``-joined parts); a foreign node refuses it."""
    return base64.urlsafe_b64encode("|".join(parts).encode("ascii")).decode("ascii").rstrip("=")


def _fact() -> dict[str, Any]:
    return {"entity": "stigmem://conformance.test/user/hostile", "relation": "memory:role",
            "value": {"type": "string", "v": "v"}, "source": "stigmem://conformance.test/agent/suite",
            "confidence": 0.5, "scope": "local"}


def _key() -> dict[str, Any]:
    return {"entity_uri": "stigmem://conformance.test/agent/hostile", "permissions": ["read"],
            "allowed_scopes": ["local"]}


def _variants(base: dict[str, Any], fields: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``base`` with each field set to each hostile value, plus a hostile member name."""
    for name in fields:
        for label, value in HOSTILE_VALUES.items():
            yield f"{name}={label}", {**base, name: value}
    yield "member_name=surrogate", {**base, SURROGATE: 1}
    yield "member_name=surrogate_in_text", {**base, "ent" + SURROGATE + "ity": 1}


def _fact_bodies() -> Iterator[tuple[str, dict[str, Any]]]:
    base = _fact()
    yield from _variants(base, ("entity", "relation", "value", "source", "scope", "confidence", "valid_until",
                                "garden_id", "id"))
    for label, value in HOSTILE_VALUES.items():
        for part in ("type", "v", "interpret_as"):
            yield f"value.{part}={label}", {**base, "value": {**base["value"], part: value}}
    yield "value.member_name=surrogate", {**base, "value": {**base["value"], SURROGATE: 1}}


def _body_probes(federation: bool) -> Iterator[Probe]:
    for label, body in _fact_bodies():
        yield Probe(f"assert {label}", "POST", "/v1/facts", dumps(body))
    for label, item in _fact_bodies():
        if label.startswith(("confidence", "value.interpret_as", "member_name", "entity", "value=")):
            yield Probe(f"batch item {label}", "POST", "/v1/facts:batch", dumps({"facts": [item]}))
    for label, batch in _variants({"facts": [_fact()]}, ("facts", "atomic", "idempotency_key")):
        yield Probe(f"batch {label}", "POST", "/v1/facts:batch", dumps(batch))
    for label, key in _variants(_key(), ("entity_uri", "permissions", "allowed_scopes")):
        yield Probe(f"key {label}", "POST", "/v1/auth/keys", dumps(key))
    for name in ("permissions", "allowed_scopes"):
        for label in ("surrogate", "surrogate_in_text", "nul", "long", "huge_int", "object", "null"):
            yield Probe(f"key {name}[0]={label}", "POST", "/v1/auth/keys",
                        dumps({**_key(), name: [HOSTILE_VALUES[label]]}))
    resolve = "/v1/conflicts/stigmem:conflict:00000000-0000-4000-8000-000000000000/resolve"
    for label, body in _variants({"winning_fact_id": "00000000-0000-4000-8000-000000000000"},
                                 ("winning_fact_id", "resolution_note", "new_value")):
        yield Probe(f"resolve {label}", "POST", resolve, dumps(body))
    if federation:
        declaration = {"node_id": "stigmem://hostile.test/node/n", "node_url": "http://127.0.0.1:9",
                       "pubkey": "A" * 43, "allowed_scopes": ["public"], "signed_at": "2026-01-01T00:00:00Z",
                       "signature": "A" * 86}
        for label, body in _variants(declaration, tuple(declaration)):
            yield Probe(f"declaration {label}", "POST", "/v1/federation/peers", dumps(body))


def _param_probes(federation: bool) -> Iterator[Probe]:
    routes = {"/v1/facts": ("entity", "relation", "source", "scope", "min_confidence", "after", "limit", "cursor",
                            "include_contradicted", "include_expired"),
              "/v1/conflicts": ("status", "cursor", "limit")}
    if federation:
        routes["/v1/federation/audit"] = ("peer_id", "event_type", "cursor", "limit")
        routes["/v1/federation/declaration"] = ("allowed_scopes",)
    for path, names in routes.items():
        for name in names:
            for label, value in HOSTILE_PARAMS.items():
                yield Probe(f"GET {path} {name}={label}", "GET", path, query=f"{name}={value}")
    big = str(2**63)
    for path, prefix in (("/v1/conflicts", "c1"), ("/v1/federation/audit", "a1")):
        if path.startswith("/v1/federation") and not federation:
            continue
        for seq in (big, str(2**64), "9" * 19):
            yield Probe(f"GET {path} cursor seq={seq[:6]}..", "GET", path, query="cursor=" + cursor(prefix, seq))
    yield Probe("GET /v1/facts cursor huge hlc", "GET", "/v1/facts",
                query="cursor=" + cursor("f1", "9" * 13 + ".999", "00000000-0000-4000-8000-000000000000"))
    for ref in ("%ED%A0%80", "%00", "sha256:" + "z" * 64, "x" * 3000, "9" * 400):
        yield Probe(f"GET fact {ref[:12]}", "GET", f"/v1/facts/{ref}")
        yield Probe(f"verify {ref[:12]}", "POST", f"/v1/facts/{ref}/verify-cid", b"")
        yield Probe(f"revoke {ref[:12]}", "DELETE", f"/v1/auth/keys/{ref}")
        if federation:
            yield Probe(f"approve {ref[:12]}", "POST", f"/v1/federation/peers/{ref}/approve", b"")


def probes(federation: bool = False) -> list[Probe]:
    """The whole table; federation routes only when the node enables federation."""
    return [*_body_probes(federation), *_param_probes(federation)]
