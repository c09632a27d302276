"""Conflict routes: list and resolve (Spec-15; Spec-03 §Conflict Operations; A08 §5.9-§5.10).

STG-CONF-008 and STG-HTTP-014 (``{conflicts, cursor, has_more}``, newest first), STG-SCOPE-007 (only conflicts in
the caller's scopes), STG-CONF-012 (404 ``conflict_not_found``), STG-CONF-013 (409), STG-CONF-014 (422
``invalid_resolution``), interpretation conflict_resolution = a08 for what a resolution writes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.auth import caller
from reference_node.api.bodies import members, read_json, text
from reference_node.api.errors import ApiError, from_protocol
from reference_node.api.params import conflict_params, encode_cursor
from reference_node.protocol import values
from reference_node.protocol.errors import ProtocolError
from reference_node.settings import Settings
from reference_node.storage import Store

__all__ = ["list_conflicts", "resolve_conflict"]

_RESOLVE_MEMBERS = frozenset({"winning_fact_id", "resolution_note", "new_value"})
_CONFLICT_PREFIX = "stigmem:conflict:"


async def list_conflicts(request: Request) -> Response:
    """GET /v1/conflicts?status=&cursor=&limit=."""
    identity = caller(request, "read")
    store: Store = request.app.state.store
    params = conflict_params(request.query_params)
    # STG-SCOPE-006: a key with no allowed scope has no access at all.
    if not identity.scopes:
        raise ApiError("scope_forbidden", "this key may not read any scope")
    found, before = store.conflicts(params.status, identity.scope_filter, params.before_seq, params.limit,
                                    identity.reader, request.app.state.settings.max_response_bytes)
    cursor = None if before is None else encode_cursor("c1", str(before))
    return JSONResponse({"conflicts": found, "cursor": cursor, "has_more": cursor is not None})


async def resolve_conflict(request: Request) -> Response:
    """POST /v1/conflicts/{conflict_id}/resolve with ``winning_fact_id`` or ``new_value``."""
    identity = caller(request, "write")
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    conflict_id = request.path_params["conflict_id"]
    if not conflict_id.startswith(_CONFLICT_PREFIX):
        conflict_id = _CONFLICT_PREFIX + conflict_id
    body = members(await read_json(request, settings.max_body_bytes, empty={}), _RESOLVE_MEMBERS, "the body")
    winner = body.get("winning_fact_id")
    if winner is not None:
        winner = text(winner, "winning_fact_id")
    if body.get("resolution_note") is not None:
        text(body["resolution_note"], "resolution_note", empty=True)
    new_value = body.get("new_value")
    if new_value is not None:
        try:
            new_value = values.validate(new_value, max_text_bytes=settings.max_text_bytes)
        except ProtocolError as exc:
            raise from_protocol(exc) from exc
    # STG-SCOPE-007: only conflicts in the caller's scopes can be resolved (others are 404, STG-CONF-012).
    scopes = identity.scope_filter if identity.scopes else ()
    answer = store.resolve(conflict_id, identity.entity_uri, winner, new_value, scopes, identity.reader)
    return JSONResponse(answer)
