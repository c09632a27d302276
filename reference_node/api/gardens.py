"""Memory Garden routes: create, list, read and delete gardens; list, add, re-role and remove members (Spec-02).

Sources: Spec-02 §Admin Operations; A10 §5.14-§5.18; docs/http-api.md "Memory Gardens".
STG-SCOPE-009 (slug rules, 422 ``invalid_slug``, 409 ``garden_exists``), STG-SCOPE-017/018/019 (who lists, reads
and administers; the last admin stays), STG-SCOPE-027 (delete: the garden's admin, facts kept), STG-SCOPE-028
(record shapes; lists in envelopes, interpretation garden_list_shape), STG-SCOPE-029 (interpretation
garden_scopes: a garden lies within its creator's scopes; a key with no scope reaches no garden route),
STG-SCOPE-032 (roles, normalized member URIs). Mutations need the write permission, reads the read permission.
Spec-08 (A20 §19.5, §5.25): a quarantine garden (``quarantine: true``, node admins only, one per node), its
surface ``GET /v1/gardens/{garden}/quarantine`` and ``promote`` / ``reject`` for its admins and moderators.
STG-AUDIT-021/023: garden administration is an ``admin_action`` event, promotion and rejection a
``quarantine_promote`` / ``quarantine_reject`` event, each in the action's own transaction.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api import audit_log
from reference_node.api.auth import Identity, caller
from reference_node.api.bodies import members, read_json, text
from reference_node.api.errors import ApiError, from_protocol
from reference_node.api.params import encode_cursor, limit, one, sequence_cursor
from reference_node.protocol import gardens as rules
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import ProtocolError
from reference_node.protocol.facts import SCOPES
from reference_node.settings import Settings
from reference_node.storage import Store

__all__ = ["add_member", "change_member", "create_garden", "delete_garden", "get_garden", "list_gardens",
           "list_members", "promote", "quarantined_facts", "reject", "remove_member"]

_CREATE_MEMBERS = frozenset({"slug", "name", "scope", "description", "quarantine"})
_PROMOTE_MEMBERS = frozenset({"fact_id", "target_garden_id", "reason"})
_REJECT_MEMBERS = frozenset({"fact_id", "reason"})
_MEMBER_MEMBERS = frozenset({"entity_uri", "role"})
_ROLE_MEMBERS = frozenset({"role"})
# Bounds of the free text of a garden record (characters).
MAX_NAME = 256
MAX_DESCRIPTION = 4096


def _caller(request: Request, permission: str) -> Identity:
    identity = caller(request, permission)
    # STG-SCOPE-029 (garden_scopes = bounded): an empty allowed_scopes means no access, to gardens too.
    if not identity.scopes:
        raise ApiError("scope_forbidden", "this key may not use any scope")
    return identity


def _state(request: Request) -> tuple[Settings, Store]:
    return request.app.state.settings, request.app.state.store


def _bounded(value: object, name: str, most: int) -> str:
    found = text(value, name)
    if len(found) > most:
        raise ApiError("invalid_body", f"{name} holds at most {most} characters")
    return found


def _member_uri(raw: object) -> str:
    try:
        return normalize(raw)
    except ProtocolError as exc:
        raise from_protocol(exc) from exc


def _role(raw: object) -> str:
    role = rules.parse_role(raw, quarantine=True)  # the garden's own kind is checked by the store
    # STG-SCOPE-032: admin, writer or reader, else 422.
    if role is None:
        raise ApiError("invalid_role", f"role must be one of {', '.join(rules.ROLES)}")
    return role


async def create_garden(request: Request) -> Response:
    """POST /v1/gardens."""
    identity = _caller(request, "write")
    settings, store = _state(request)
    body = members(await read_json(request, settings.max_body_bytes), _CREATE_MEMBERS, "the garden body")
    try:
        slug = rules.normalize_slug(body.get("slug"))
    except ProtocolError as exc:
        raise from_protocol(exc) from exc
    name = _bounded(body.get("name"), "name", MAX_NAME)
    scope = body.get("scope")
    if scope not in SCOPES:
        raise ApiError("invalid_scope", f"scope must be one of {', '.join(SCOPES)}")
    # STG-SCOPE-029: a garden only in a scope the creator may use.
    if not identity.may_use(str(scope)):
        raise ApiError("scope_forbidden", f"this key may not use scope {scope}")
    description = body.get("description")
    if description is not None:
        description = _bounded(description, "description", MAX_DESCRIPTION)
    quarantine = body.get("quarantine", False)
    if not isinstance(quarantine, bool):
        raise ApiError("invalid_body", "quarantine must be a boolean")
    # STG-QUAR-008 (Spec-08): the quarantine garden governs what federation brings in: node admins create it.
    if quarantine and "admin" not in identity.permissions:
        raise ApiError("forbidden", "creating a quarantine garden needs the admin permission")
    with store.db.transaction() as conn:
        garden = store.create_garden(slug, name, str(scope), description, identity.entity_uri, quarantine)
        audit_log.record(conn, store, "admin_action", identity, scope=str(scope), action="garden_create",
                         target=garden.get("garden_id", slug), quarantine=quarantine)
    return JSONResponse(garden, 201)


async def list_gardens(request: Request) -> Response:
    """GET /v1/gardens?cursor=&limit=: ``{"gardens": [...], "cursor"}``."""
    identity = _caller(request, "read")
    _, store = _state(request)
    after = sequence_cursor(one(request.query_params, "cursor"), "g1")
    found, last = store.gardens(identity.reader, after, limit(request.query_params, 50))
    return JSONResponse({"gardens": found, "cursor": None if last is None else encode_cursor("g1", str(last))})


async def get_garden(request: Request) -> Response:
    """GET /v1/gardens/{garden}."""
    identity = _caller(request, "read")
    return JSONResponse(_state(request)[1].garden(request.path_params["garden"], identity.reader))


async def delete_garden(request: Request) -> Response:
    """DELETE /v1/gardens/{garden}."""
    identity = _caller(request, "write")
    store = _state(request)[1]
    with store.db.transaction() as conn:
        store.delete_garden(request.path_params["garden"], identity.reader)
        audit_log.record(conn, store, "admin_action", identity, action="garden_delete",
                         target=request.path_params["garden"])
    return Response(status_code=204)


async def list_members(request: Request) -> Response:
    """GET /v1/gardens/{garden}/members: ``{"members": [...]}``."""
    identity = _caller(request, "read")
    found = _state(request)[1].garden_members(request.path_params["garden"], identity.reader)
    return JSONResponse({"members": found})


async def add_member(request: Request) -> Response:
    """POST /v1/gardens/{garden}/members ``{entity_uri, role}``."""
    identity = _caller(request, "write")
    settings, store = _state(request)
    body = members(await read_json(request, settings.max_body_bytes), _MEMBER_MEMBERS, "the member body")
    entity_uri, role = _member_uri(body.get("entity_uri")), _role(body.get("role"))
    with store.db.transaction() as conn:
        added = store.add_garden_member(request.path_params["garden"], identity.reader, entity_uri, role)
        audit_log.record(conn, store, "admin_action", identity, action="member_add",
                         target=request.path_params["garden"], member=entity_uri, role=role)
    return JSONResponse(added, 201)


async def change_member(request: Request) -> Response:
    """PATCH /v1/gardens/{garden}/members/{entity_uri} ``{role}``."""
    identity = _caller(request, "write")
    settings, store = _state(request)
    body = members(await read_json(request, settings.max_body_bytes), _ROLE_MEMBERS, "the role body")
    role = _role(body.get("role"))
    entity_uri = _member_uri(request.path_params["entity_uri"])
    with store.db.transaction() as conn:
        changed = store.change_garden_member(request.path_params["garden"], identity.reader, entity_uri, role)
        audit_log.record(conn, store, "admin_action", identity, action="member_change",
                         target=request.path_params["garden"], member=entity_uri, role=role)
    return JSONResponse(changed)


async def remove_member(request: Request) -> Response:
    """DELETE /v1/gardens/{garden}/members/{entity_uri}."""
    identity = _caller(request, "write")
    entity_uri = _member_uri(request.path_params["entity_uri"])
    store = _state(request)[1]
    with store.db.transaction() as conn:
        store.change_garden_member(request.path_params["garden"], identity.reader, entity_uri, None)
        audit_log.record(conn, store, "admin_action", identity, action="member_remove",
                         target=request.path_params["garden"], member=entity_uri)
    return Response(status_code=204)


async def quarantined_facts(request: Request) -> Response:
    """GET /v1/gardens/{garden}/quarantine?status=&cursor=&limit=: the quarantine surface (Spec-08)."""
    identity = _caller(request, "read")
    _, store = _state(request)
    status = one(request.query_params, "status")
    if status is not None and status not in ("pending", "promoted", "rejected"):
        raise ApiError("invalid_parameter", "status must be pending, promoted or rejected")
    after = sequence_cursor(one(request.query_params, "cursor"), "q1")
    found, last = store.quarantined(request.path_params["garden"], identity.reader, status, after,
                                    limit(request.query_params, 50))
    return JSONResponse({"facts": found, "cursor": None if last is None else encode_cursor("q1", str(last))})


async def _moderate(request: Request, action: str, allowed: frozenset[str]) -> Response:
    identity = _caller(request, "write")
    settings, store = _state(request)
    body = members(await read_json(request, settings.max_body_bytes), allowed, "the body")
    fact_id = text(body.get("fact_id"), "fact_id")
    reason = body.get("reason")
    if reason is not None:
        reason = _bounded(reason, "reason", MAX_DESCRIPTION)
    target = body.get("target_garden_id")
    if target is not None:
        target = text(target, "target_garden_id")
    garden = request.path_params["garden"]
    with store.db.transaction() as conn:
        answer = store.moderate(garden, identity.reader, fact_id, action, reason, target)
        audit_log.record(conn, store, "quarantine_promote" if action == "promoted" else "quarantine_reject",
                         identity, fact_id=fact_id, garden_id=garden, reason=reason, target_garden_id=target)
    return JSONResponse(answer)


async def promote(request: Request) -> Response:
    """POST /v1/gardens/{garden}/promote ``{fact_id, target_garden_id?, reason?}`` (Spec-08; A20 §5.25)."""
    return await _moderate(request, "promoted", _PROMOTE_MEMBERS)


async def reject(request: Request) -> Response:
    """POST /v1/gardens/{garden}/reject ``{fact_id, reason?}`` (Spec-08; A20 §5.25)."""
    return await _moderate(request, "rejected", _REJECT_MEMBERS)
