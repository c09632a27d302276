"""The node-wide audit log over HTTP: recording events for the routes, and the export (Spec-09; A20 §22.3.4).

``record`` writes one event in the caller's open transaction, the one of the action (write-ahead, STG-AUDIT-009).
``export`` is ``GET /v1/admin/audit-log``: admin only (STG-AUDIT-011, 401/403 otherwise); ``after`` and ``before``
RFC 3339 instants, both exclusive (interpretation audit_time_bounds); ``event_type`` repeatable; ``limit`` 1..5000,
default 500 (400 ``invalid_parameter`` outside, STG-AUDIT-018); ``cursor`` opaque; answer ``{events, next_cursor,
has_more}`` in ascending ``seq`` (STG-AUDIT-012, STG-AUDIT-016..018). An admin key bounded to some scopes sees only
the events of those scopes and the events without a scope (interpretation audit_export_scopes, STG-AUDIT-025).
Each export is itself an ``admin_action`` event (Spec-09: admin export is audited).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.auth import Identity, caller
from reference_node.api.errors import ApiError
from reference_node.api.params import encode_cursor, one, sequence_cursor
from reference_node.clock import format_timestamp, instant_us
from reference_node.protocol.audit_events import EVENT_TYPE
from reference_node.protocol.hlc import format_hlc
from reference_node.storage import Store, audit_log

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "ExportParams", "export", "export_params", "record"]

# A20 §22.3.4: limit defaults to 500, at most 5000.
DEFAULT_LIMIT = 500
MAX_LIMIT = 5000
# At most this many event_type values in one export (each is one SQL parameter).
MAX_EVENT_TYPES = 32
_LIMIT = re.compile(r"\d{1,6}", re.ASCII)
_SPACE_OFFSET = re.compile(r"(.*\d) (\d{2}:\d{2})")


def record(
    conn: sqlite3.Connection,
    store: Store,
    event_type: str,
    identity: Identity | None,
    outcome: str = "success",
    *,
    scope: str | None = None,
    fact_id: str | None = None,
    hlc: str | None = None,
    **metadata: Any,
) -> int:
    """Append one event inside the open transaction ``conn`` (the action's own); the caller's key id goes in the
    metadata, never the key."""
    if identity is not None and identity.key_id is not None:
        metadata["key_id"] = identity.key_id
    last = store.hlc.last
    return audit_log.append(
        conn, event_type, outcome, format_timestamp(store.now_us()),
        hlc=hlc or (None if last is None else format_hlc(last)),
        actor_entity=None if identity is None else identity.entity_uri, scope=scope, fact_id=fact_id,
        metadata=metadata,
    )


@dataclass(frozen=True)
class ExportParams:
    after: str | None
    before: str | None
    event_types: tuple[str, ...]
    limit: int
    after_seq: int | None


def _bad(name: str, why: str) -> ApiError:
    return ApiError("invalid_parameter", f"{name}: {why}")


def _instant(params: QueryParams, name: str, round_up: bool) -> str | None:
    raw = one(params, name)
    if raw is None:
        return None
    us = instant_us(_SPACE_OFFSET.sub(r"\1+\2", raw), round_up=round_up)
    # STG-AUDIT-017: after and before are RFC 3339 instants, else 400.
    if us is None:
        raise _bad(name, "must be an RFC 3339 date-time")
    return format_timestamp(us)


def export_params(params: QueryParams) -> ExportParams:
    """The validated parameters of an export; 400 ``invalid_parameter`` or ``invalid_cursor`` otherwise."""
    raw_limit = one(params, "limit")
    # STG-AUDIT-018: limit is 1..5000 (default 500), else 400.
    if raw_limit is not None and (not _LIMIT.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT):
        raise _bad("limit", f"must be an integer from 1 to {MAX_LIMIT}")
    types = tuple(dict.fromkeys(params.getlist("event_type")))
    # STG-AUDIT-016: event_type is repeatable; each is an event type name.
    if len(types) > MAX_EVENT_TYPES or not all(EVENT_TYPE.fullmatch(name) for name in types):
        raise _bad("event_type", f"at most {MAX_EVENT_TYPES} lower snake case event type names")
    return ExportParams(
        after=_instant(params, "after", round_up=False),
        before=_instant(params, "before", round_up=True),
        event_types=types,
        limit=DEFAULT_LIMIT if raw_limit is None else int(raw_limit),
        after_seq=sequence_cursor(one(params, "cursor"), "a1"),
    )


async def export(request: Request) -> Response:
    """GET /v1/admin/audit-log."""
    # STG-AUDIT-011: only an admin key may export (401 without a key, 403 without admin).
    identity = caller(request, "admin")
    store: Store = request.app.state.store
    params = export_params(request.query_params)
    with store.db.transaction() as conn:
        # STG-AUDIT-025: a key bounded to some scopes exports only their events and those without a scope.
        rows = audit_log.page(conn, params.after_seq, params.limit + 1, params.event_types, params.after,
                              params.before, identity.scope_filter)
        more = len(rows) > params.limit
        rows = rows[:params.limit]
        record(conn, store, "admin_action", identity, action="audit_export", target="audit_log",
               returned=len(rows))
    next_cursor = encode_cursor("a1", str(rows[-1].seq)) if more and rows else None
    return JSONResponse({"events": [row.public() for row in rows], "next_cursor": next_cursor, "has_more": more})
