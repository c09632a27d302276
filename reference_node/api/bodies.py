"""Request bodies: read under a size limit, parse as strict JSON, and validate an assert body.

STG-HTTP-003: bad input is a clear 4xx. The limit is enforced while reading, with or without Content-Length (413
``body_too_large``); the rest of an oversized body is drained so the client still reads the answer. JSON with
duplicate member names or NaN/Infinity is ``malformed_json`` (I-JSON). An assert body (STG-FACT-007) is checked by
the protocol core (STG-FACT-001/002, STG-URI-001, STG-VAL-001..006), then for ``valid_until`` (STG-EXP-008), scope
(STG-SCOPE-001) and reserved relations and sources (STG-NS-002/003, interpretation reserved_namespace).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from reference_node.api.auth import Identity
from reference_node.api.errors import ApiError, from_protocol
from reference_node.clock import instant_us
from reference_node.protocol import facts, namespaces
from reference_node.protocol.errors import ProtocolError
from reference_node.storage import NewFact
from reference_node.storage.ledger import SYSTEM_SOURCE, new_fact

__all__ = ["assertion", "members", "read_json", "text"]

# docs/http-api.md "Fact records": the assert body's members; id, timestamp, hlc and cid are ignored.
_ASSERT_MEMBERS = frozenset(
    {"entity", "relation", "value", "source", "scope", "confidence", "valid_until", "garden_id"}
)
_IGNORED_MEMBERS = frozenset({"id", "timestamp", "hlc", "cid"})
# How much of an oversized body is read and discarded before answering 413 anyway.
_DRAIN_LIMIT = 64 * 1024 * 1024


async def _drain(request: Request, seen: int) -> None:
    while seen < _DRAIN_LIMIT:
        message = await request.receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _read(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    too_large = ApiError("body_too_large", f"request body is over {limit} bytes")
    # STG-VAL-004: a body above the node's limit is 413, read no further.
    if declared.isdigit() and int(declared) > limit:
        await _drain(request, 0)
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await request.receive()
        if message["type"] != "http.request":
            raise ApiError("malformed_json", "the client went away before sending the whole body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            if message.get("more_body", False):
                await _drain(request, size)
            raise too_large
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # STG-JCS-005: I-JSON, so a duplicate member name is malformed JSON (400).
        raise ValueError("an object has a duplicate member name")
    return result


def _no_constant(token: str) -> None:
    raise ValueError(f"{token} is not JSON")


async def read_json(request: Request, limit: int, empty: Any = ...) -> Any:
    """The parsed body; ``empty`` (when given) stands in for an empty body."""
    raw = await _read(request, limit)
    if not raw.strip() and empty is not ...:
        return empty
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise ApiError("malformed_json", f"request body is not UTF-8: {exc.reason}") from exc
    except (ValueError, RecursionError) as exc:
        raise ApiError("malformed_json", f"request body is not JSON: {exc}") from exc


def members(body: Any, allowed: frozenset[str], what: str) -> dict[str, Any]:
    """``body`` as an object with no member outside ``allowed`` (else 422 invalid_body)."""
    if not isinstance(body, dict):
        raise ApiError("invalid_body", f"{what} must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError("invalid_body", f"unknown member(s) of {what}: {', '.join(unknown)}")
    return body


def text(value: Any, name: str, *, empty: bool = False) -> str:
    """A string field that SQLite can store (no unpaired surrogates)."""
    if not isinstance(value, str) or (not value and not empty):
        raise ApiError("invalid_body", f"{name} must be a non-empty string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ApiError("invalid_body", f"{name} holds an unpaired surrogate") from exc
    return value


def assertion(raw: Any, identity: Identity, max_text_bytes: int) -> NewFact:
    """Validate one assert body for ``identity``: the NewFact to write, or an ApiError."""
    body = members(raw, _ASSERT_MEMBERS | _IGNORED_MEMBERS, "the assert body")
    if "relation" in body:
        text(body["relation"], "relation")
    try:
        fact = facts.body(body, facts.FactOptions(max_text_bytes=max_text_bytes))
    except ProtocolError as exc:
        raise from_protocol(exc) from exc
    valid_until = body.get("valid_until")
    valid_until_us = None
    if valid_until is not None:
        # STG-EXP-004: visible iff valid_until > now; rounding up keeps that exact for sub-microsecond digits.
        valid_until_us = instant_us(valid_until, round_up=True)
        # STG-EXP-008: valid_until is an RFC 3339 instant or null, else 422.
        if valid_until_us is None:
            raise ApiError("invalid_body", "valid_until must be an RFC 3339 date-time or null")
    garden_id = body.get("garden_id")
    # The garden's existence, the writer's role and the scope are checked in the write's transaction (storage).
    if garden_id is not None:
        garden_id = text(garden_id, "garden_id")
    # STG-SCOPE-001, STG-SCOPE-006: a write outside the key's allowed_scopes is 403.
    if not identity.may_use(fact.scope):
        raise ApiError("scope_forbidden", f"this key may not write scope {fact.scope}")
    # STG-NS-002: system relations are written only by the node (403 reserved_namespace).
    if namespaces.reserved(fact.relation):
        raise ApiError("reserved_namespace", f"relation {fact.relation} is written only by the node")
    # STG-NS-003: no client writes as system:stigmem.
    if fact.source == SYSTEM_SOURCE or fact.source.startswith(SYSTEM_SOURCE + ":"):
        raise ApiError("reserved_namespace", f"source {fact.source} is the node's own identity")
    return new_fact(fact, valid_until=valid_until, valid_until_us=valid_until_us, garden_id=garden_id)
