"""API key routes (A10 §18.7, §18.10; A08 §3.5): create, list, revoke; admin permission required (STG-AUTH-010).

STG-AUTH-002: the raw key is returned once, at creation, and only its SHA-256 digest is stored. STG-AUTH-003: a
key maps to an ``entity_uri`` (normalized), ``permissions`` (read, write, admin) and ``allowed_scopes`` (all four
when left out; an empty list means no access, STG-SCOPE-006). STG-SCOPE-022: an admin key grants, lists and
revokes only keys within its own permissions and scopes; a key above its authority is 403 to create and, to list
or revoke, does not exist (404 ``key_not_found``). STG-AUDIT-021, STG-KEY-003: creating and revoking a key are
``admin_action`` events (the key's id and permissions, never the key) in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api import audit_log
from reference_node.api.auth import PERMISSIONS, Identity, caller
from reference_node.api.bodies import members, read_json
from reference_node.api.errors import ApiError
from reference_node.clock import format_timestamp
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri
from reference_node.protocol.facts import SCOPES
from reference_node.settings import Settings
from reference_node.storage import Store
from reference_node.storage.keys import KeyRow, new_raw_key

__all__ = ["create_key", "key_row", "list_keys", "revoke_key", "visible_keys"]

_KEY_MEMBERS = frozenset({"entity_uri", "permissions", "allowed_scopes"})


def _names(raw: Any, allowed: tuple[str, ...], field: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ApiError("invalid_body", f"{field} must be an array of strings")
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise ApiError("invalid_body", f"unknown {field}: {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    return tuple(name for name in allowed if name in raw)


def key_row(entity_uri: Any, permissions: Any, allowed_scopes: Any, created_at: str) -> KeyRow:
    """A validated key record (shared with the command line)."""
    if not isinstance(entity_uri, str):
        raise ApiError("invalid_body", "entity_uri must be a string")
    try:
        entity = normalize(entity_uri)
    except InvalidEntityUri as exc:
        raise ApiError("invalid_entity_uri", str(exc)) from exc
    # STG-AUTH-003: a key created without allowed_scopes may use all four scopes.
    scopes = SCOPES if allowed_scopes is None else _names(allowed_scopes, SCOPES, "allowed_scopes")
    return KeyRow(str(uuid.uuid4()), entity, _names(permissions, PERMISSIONS, "permissions"), scopes, created_at)


async def create_key(request: Request) -> Response:
    """POST /v1/auth/keys -> 201 with the raw key, shown this once."""
    identity = caller(request, "admin")
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    body = members(await read_json(request, settings.max_body_bytes), _KEY_MEMBERS, "the key body")
    for required in ("entity_uri", "permissions"):
        if required not in body:
            raise ApiError("invalid_body", f"{required} is required")
    key = key_row(body["entity_uri"], body["permissions"], body.get("allowed_scopes"),
                  format_timestamp(store.now_us()))
    # STG-SCOPE-022: a key grants only permissions and scopes it holds itself.
    if not identity.covers(key.permissions, key.allowed_scopes):
        raise ApiError("forbidden", "a key can grant only permissions and scopes it holds itself")
    raw = new_raw_key()
    with store.db.transaction() as conn:
        store.create_key(key, raw)
        audit_log.record(conn, store, "admin_action", identity, action="key_create", target=key.id,
                         entity_uri=key.entity_uri, permissions=list(key.permissions),
                         allowed_scopes=list(key.allowed_scopes))
    return JSONResponse({**key.public(), "key": raw}, 201)


async def list_keys(request: Request) -> Response:
    """GET /v1/auth/keys: active keys, never their raw values."""
    identity = caller(request, "admin")
    store: Store = request.app.state.store
    return JSONResponse({"keys": [key.public() for key in visible_keys(identity, store)]})


def visible_keys(identity: Identity, store: Store) -> list[KeyRow]:
    """The active keys within ``identity``'s authority (STG-SCOPE-022)."""
    return [key for key in store.api_keys() if identity.covers(key.permissions, key.allowed_scopes)]


async def revoke_key(request: Request) -> Response:
    """DELETE /v1/auth/keys/{key_id} -> 204; the key stops working at once (STG-AUTH-005)."""
    identity = caller(request, "admin")
    store: Store = request.app.state.store
    key_id = request.path_params["key_id"]
    # STG-SCOPE-022: a key above the caller's authority is not found, as an unknown one.
    with store.db.transaction() as conn:
        if not any(key.id == key_id for key in visible_keys(identity, store)) or not store.revoke_key(key_id):
            raise ApiError("key_not_found", f"no active key {key_id}")
        audit_log.record(conn, store, "admin_action", identity, action="key_revoke", target=key_id)
    return Response(status_code=204)
