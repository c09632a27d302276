"""Query parameters and cursors of the list routes (docs/http-api.md "Queries"; Spec-03; A08 §5.2, §5.8, §5.9).

STG-QRY-004..006 and STG-QRY-010: ``entity``/``source`` normalized (400 ``invalid_entity_uri``), ``scope`` one of
four (400) and inside the key's scopes (403, interpretation scope_query_outside_key), ``min_confidence`` in [0, 1],
``after`` an RFC 3339 instant, flags ``true``/``false``, ``limit`` 1..500 (default 50); anything else is 400
``invalid_parameter`` (STG-HTTP-012). X3: ``as_of`` fails closed with 501 (STG-TT-001). Cursors are base64url of
the last row's sort key, parsed strictly; one the node could not have issued is 400 ``invalid_cursor``.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, replace

from starlette.datastructures import QueryParams

from reference_node.api.auth import Identity
from reference_node.api.errors import ApiError
from reference_node.clock import instant_us
from reference_node.protocol import base64url
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri
from reference_node.protocol.facts import SCOPES
from reference_node.storage import FactQuery
from reference_node.storage.facts import DEFAULT_QUERY, DefaultQuery

__all__ = [
    "ConflictParams",
    "FactParams",
    "conflict_params",
    "decode_cursor",
    "encode_cursor",
    "fact_params",
    "limit",
    "one",
    "query_tag",
    "sequence_cursor",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?", re.ASCII)
_LIMIT = re.compile(r"\d{1,6}", re.ASCII)
_HLC = re.compile(r"\d{13}\.\d{3}", re.ASCII)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
_TOTAL = re.compile(r"\d{1,18}", re.ASCII)
_TAG = re.compile(r"[0-9a-f]{16}", re.ASCII)
_SEQ = re.compile(r"[1-9]\d{0,18}", re.ASCII)
# SQLite integers are signed 64-bit: a sequence beyond that was never issued (and would overflow the binding).
MAX_SEQUENCE = 2**63 - 1
# A '+' in a query string arrives as a space; an RFC 3339 offset is the only place one can stand.
_SPACE_OFFSET = re.compile(r"(.*\d) (\d{2}:\d{2})")


@dataclass(frozen=True)
class FactParams:
    query: FactQuery
    after: tuple[str, str] | None
    limit: int
    total: int | None = None  # carried by the cursor of this same query: no count on later pages


def query_tag(query: FactQuery) -> str:
    """What a cursor's carried total belongs to: every filter of the query, the caller's scopes, not the clock."""
    return hashlib.sha256(repr(replace(query, now_us=0)).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ConflictParams:
    status: str | None
    before_seq: int | None
    limit: int


def _bad(name: str, why: str) -> ApiError:
    return ApiError("invalid_parameter", f"{name}: {why}")


def _one(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise _bad(name, "given more than once")
    return values[0] if values else None


def _flag(params: QueryParams, name: str) -> bool:
    raw = _one(params, name)
    if raw is None:
        return False
    # STG-QRY-010: a flag is true or false, else 400.
    if raw not in ("true", "false"):
        raise _bad(name, "must be true or false")
    return raw == "true"


def _limit(params: QueryParams) -> int:
    raw = _one(params, "limit")
    if raw is None:
        return DEFAULT_LIMIT
    # STG-HTTP-012: limit outside 1..500 is 400, never a 5xx.
    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise _bad("limit", f"must be an integer from 1 to {MAX_LIMIT}")
    return int(raw)


def _uri(params: QueryParams, name: str) -> str | None:
    raw = _one(params, name)
    if raw is None:
        return None
    try:
        # STG-QRY-004, STG-URI-001: entity and source filters match normalized values.
        return normalize(raw)
    except InvalidEntityUri as exc:
        raise ApiError("invalid_entity_uri", f"{name}: {exc}") from exc


def _confidence(params: QueryParams) -> float | None:
    raw = _one(params, "min_confidence")
    if raw is None:
        return None
    value = float(raw) if _NUMBER.fullmatch(raw) else math.nan
    # STG-QRY-010: min_confidence is a number in [0, 1] (STG-QRY-005: a lower bound).
    if not 0 <= value <= 1:
        raise _bad("min_confidence", "must be a number from 0 to 1")
    return value


def _after(params: QueryParams) -> int | None:
    raw = _one(params, "after")
    if raw is None:
        return None
    repaired = _SPACE_OFFSET.sub(r"\1+\2", raw)
    us = instant_us(repaired)
    # STG-QRY-006, STG-QRY-010: after is an RFC 3339 instant, else 400.
    if us is None:
        raise _bad("after", "must be an RFC 3339 date-time")
    return us


def _decode(cursor: str) -> list[str]:
    # STG-HTTP-012: a cursor this node did not issue is 400 invalid_cursor, never a 5xx.
    try:
        text = base64url.decode(cursor).decode("ascii")
    except (base64url.Base64UrlError, UnicodeDecodeError) as exc:
        raise ApiError("invalid_cursor", "this cursor was not issued by this node") from exc
    if not text:
        raise ApiError("invalid_cursor", "this cursor was not issued by this node")
    return text.split("|")


def decode_cursor(cursor: str) -> list[str]:
    """The parts of a cursor this node issued; 400 ``invalid_cursor`` for anything else."""
    return _decode(cursor)


def limit(params: QueryParams, default: int) -> int:
    """``limit`` from 1 to 500 (``default`` when absent); else 400 ``invalid_parameter``."""
    raw = _one(params, "limit")
    if raw is None:
        return default
    return _limit(params)


def one(params: QueryParams, name: str) -> str | None:
    """A query parameter given at most once (else 400 ``invalid_parameter``)."""
    return _one(params, name)


def sequence_cursor(raw: str | None, prefix: str) -> int | None:
    """The sequence of a ``<prefix>|<seq>`` cursor (conflicts, audit); 400 ``invalid_cursor`` unless issued here."""
    if not raw:
        return None
    parts = _decode(raw)
    if len(parts) != 2 or parts[0] != prefix or not _SEQ.fullmatch(parts[1]) or int(parts[1]) > MAX_SEQUENCE:
        raise ApiError("invalid_cursor", "this cursor was not issued by this node")
    return int(parts[1])


def encode_cursor(*parts: str) -> str:
    return base64url.encode("|".join(parts).encode("ascii"))


def _fact_cursor(params: QueryParams) -> tuple[str, str, int | None, str] | None:
    """``f1|hlc|id|total|tag``: the keyset position, and the total counted on the first page for the query the tag
    names (STG-HTTP-013: ``total`` costs one count per page walk, not one per page)."""
    raw = _one(params, "cursor")
    if not raw:
        return None
    parts = _decode(raw)
    if (len(parts) != 5 or parts[0] != "f1" or not _HLC.fullmatch(parts[1]) or not _UUID.fullmatch(parts[2])
            or not _TOTAL.fullmatch(parts[3]) or not _TAG.fullmatch(parts[4])):
        raise ApiError("invalid_cursor", "this cursor was not issued by this node")
    return parts[1], parts[2], int(parts[3]), parts[4]


def _scopes(params: QueryParams, identity: Identity) -> tuple[str, ...] | None:
    # STG-SCOPE-002, STG-SCOPE-003: a query without a scope filter reads every scope the key may read, no other.
    scope = _one(params, "scope")
    # STG-QRY-010: an unknown scope is 400.
    if scope is not None and scope not in SCOPES:
        raise _bad("scope", f"must be one of {', '.join(SCOPES)}")
    if scope is not None:
        # STG-SCOPE-005: a scope filter outside the key's scopes is 403 (interpretation scope_query_outside_key).
        if not identity.may_use(scope):
            raise ApiError("scope_forbidden", f"this key may not read scope {scope}")
        return (scope,)
    if not identity.scopes:
        # STG-SCOPE-006: a key with no allowed scope has no access at all.
        raise ApiError("scope_forbidden", "this key may not read any scope")
    return identity.scope_filter


def fact_params(
    params: QueryParams, identity: Identity, now_us: int, default_query: DefaultQuery = DEFAULT_QUERY,
    as_of_us: int | None = None, tombstone_epoch: str = "",
) -> FactParams:
    """The validated filters of GET /v1/facts; 400s first, then the 403 for a forbidden scope. ``as_of_us`` is the
    instant api.time_travel read from ``as_of`` (STG-TT-003)."""
    # STG-TT-001: as_of fails closed unless the time-travel layer read it.
    if "as_of" in params and as_of_us is None:
        raise ApiError("time_travel_plugin_not_loaded", "as_of needs the time-travel plugin, which is not loaded")
    entity, source = _uri(params, "entity"), _uri(params, "source")
    relation = _one(params, "relation")
    limit, cursor = _limit(params), _fact_cursor(params)
    min_confidence, after_us = _confidence(params), _after(params)
    include_contradicted = _flag(params, "include_contradicted")
    include_expired = _flag(params, "include_expired")
    query = FactQuery(
        now_us=now_us,
        entity=entity,
        relation=relation,
        source=source,
        scopes=_scopes(params, identity),
        min_confidence=min_confidence,
        after_us=after_us,
        include_contradicted=include_contradicted,
        include_expired=include_expired,
        default_query=default_query,
        reader=identity.entity_uri,
        node_admin=identity.reader.node_admin,
        garden_id=_one(params, "garden_id"),
        as_of_us=as_of_us,
        # STG-TT-013/014: legal-hold facts only in an admin caller's as_of answer; an agent's is filtered.
        legal_hold_visible=as_of_us is not None and identity.reader.node_admin,
        # STG-TOMB-013: a total carried from before a tombstone or revocation is counted again.
        tombstone_epoch=tombstone_epoch,
    )
    if cursor is None:
        return FactParams(query, None, limit)
    hlc, fact_id, total, tag = cursor
    return FactParams(query, (hlc, fact_id), limit, total if tag == query_tag(query) else None)


def conflict_params(params: QueryParams) -> ConflictParams:
    """``status`` (unresolved/resolved, absent = both), ``cursor`` and ``limit`` of GET /v1/conflicts."""
    status = _one(params, "status")
    # STG-QRY-010: status is unresolved or resolved, else 400.
    if status is not None and status not in ("unresolved", "resolved"):
        raise _bad("status", "must be unresolved or resolved")
    limit = _limit(params)
    return ConflictParams(status, sequence_cursor(_one(params, "cursor"), "c1"), limit)
