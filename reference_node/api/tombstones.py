"""RTBF tombstone routes (Spec-X2; A20 §23.6, §23.4.3; seed "RTBF / tombstones"; docs/http-api.md "Tombstones").

STG-TOMB-003/009 (admin keys only: 403 ``tombstone_access_denied`` otherwise, existence itself is sensitive),
STG-TOMB-004 (201 with the full record, signed by the node's active signing key: its federation key, ``signed_by``
the node_id, ``key_id`` the SHA-256 hex of the raw public key), STG-TOMB-006 (a second active tombstone for the
same entity and scope pattern is 409 ``tombstone_already_exists``, interpretation tombstone_duplicate), STG-TOMB-010
(revocation: 200, 404 ``tombstone_not_found``, 409 ``tombstone_already_revoked``), STG-TOMB-023 (a legal hold is
audited ``rtbf_legal_hold_issued``), STG-TOMB-021 (the peer route is in ``api/federation.py``: a capability token
on it must grant ``tombstone:read``). Issue and revoke are audited in their own transaction (STG-AUDIT-021).
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api import audit_log
from reference_node.api.auth import Identity, caller
from reference_node.api.bodies import members, read_json
from reference_node.api.errors import ApiError, from_protocol
from reference_node.api.params import limit, one
from reference_node.clock import format_timestamp
from reference_node.protocol import tombstones as rules
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri, ProtocolError
from reference_node.storage import Store, federation_keys
from reference_node.storage import tombstones as rows

__all__ = ["issue", "lookup", "revoke", "signing_seed"]

_ISSUE_MEMBERS = frozenset({"entity_uri", "scope", "reason", "legal_hold"})


def _admin(request: Request) -> Identity:
    """STG-TOMB-003/009: only admin keys reach a tombstone route (A20 §23.7: 403 tombstone_access_denied)."""
    try:
        return caller(request, "admin")
    except ApiError as exc:
        if exc.code != "forbidden":
            raise
        raise ApiError("tombstone_access_denied", "tombstone routes need an admin key") from exc


def signing_seed(request: Request) -> bytes:
    """The node's active signing key: the federation key (its key file, or the database's active key, made on
    first use), the key discovery publishes as federation_pubkey."""
    federation = request.app.state.federation
    if federation is not None:
        seed: bytes = federation.signing_seed()
        return seed
    store: Store = request.app.state.store
    with store.db.transaction() as conn:
        found = federation_keys.active_seed(conn)
        if found is None:
            found = secrets.token_bytes(32)
            federation_keys.store_key(conn, found, format_timestamp(store.now_us()))
        return found


async def issue(request: Request) -> Response:
    """POST /v1/tombstones {entity_uri, scope, reason, legal_hold?} (admin)."""
    identity = _admin(request)
    store: Store = request.app.state.store
    body = members(await read_json(request, request.app.state.settings.max_body_bytes), _ISSUE_MEMBERS,
                   "the tombstone body")
    try:
        entity = rules.entity_uri(body.get("entity_uri"))
        scope = rules.scope_pattern(body.get("scope"))
    except ProtocolError as exc:
        raise from_protocol(exc) from exc
    reason, legal_hold = body.get("reason"), body.get("legal_hold", False)
    if reason is not None and not isinstance(reason, str):
        raise ApiError("invalid_body", "reason is a string")
    if not isinstance(legal_hold, bool):
        raise ApiError("invalid_body", "legal_hold is a boolean")
    seed = signing_seed(request)
    with store.db.transaction() as conn:
        # STG-TOMB-006 (interpretation tombstone_duplicate = conflict-409): an active twin is 409, never a second.
        if rows.exists_active(conn, entity, scope) is not None:
            raise ApiError("tombstone_already_exists", f"an active tombstone covers {entity} under this scope")
        now = store.now_us()
        created = format_timestamp(now)
        # STG-TOMB-001: tomb_ + UUIDv7; STG-TOMB-004: signed over JCS without signature and reason.
        record = rules.tombstone(f"tomb_{rows.uuid7(now // 1000)}", entity, scope, reason, store.node_id, created,
                                 legal_hold, seed)
        rows.insert_tombstone(conn, record, created)
        audit_log.record(conn, store, "admin_action", identity, action="tombstone_issue", target=record["id"])
        if legal_hold:
            # STG-TOMB-023: a legal hold is audited as rtbf_legal_hold_issued.
            audit_log.record(conn, store, "rtbf_legal_hold_issued", identity, tombstone_id=record["id"],
                             entity_uri=entity)
    return JSONResponse(record, 201)


async def lookup(request: Request) -> Response:
    """GET /v1/tombstones/{entity_uri_encoded} (admin only)."""
    _admin(request)
    store: Store = request.app.state.store
    try:
        entity = normalize(request.path_params["entity_uri"])
    except InvalidEntityUri as exc:
        raise ApiError("tombstone_entity_uri_invalid", str(exc)) from exc
    with store.db.reading() as conn:
        tombs, revocations = rows.for_entity(conn, entity)
        active = rows.active_for(conn, entity)
    if not tombs:
        return JSONResponse({"tombstoned": False, "tombstones": []})
    return JSONResponse({"tombstoned": active, "tombstones": tombs, "revocations": revocations})


async def revoke(request: Request) -> Response:
    """POST /v1/tombstones/{tombstone_id}/revoke {reason} (admin)."""
    identity = _admin(request)
    store: Store = request.app.state.store
    body = members(await read_json(request, request.app.state.settings.max_body_bytes), frozenset({"reason"}),
                   "the revocation body")
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason:
        raise ApiError("invalid_body", "a revocation needs a reason")
    tombstone_id = request.path_params["tombstone_id"]
    seed = signing_seed(request)
    with store.db.transaction() as conn:
        found = rows.by_id(conn, tombstone_id)
        # STG-TOMB-010: unknown ids are 404, a second revocation 409.
        if found is None:
            raise ApiError("tombstone_not_found", f"no tombstone {tombstone_id[:80]}")
        if found[1]:
            raise ApiError("tombstone_already_revoked", f"{tombstone_id} is already revoked")
        now = store.now_us()
        created = format_timestamp(now)
        record = rules.revocation(f"tombrevoke_{rows.uuid7(now // 1000)}", tombstone_id, reason, store.node_id,
                                  created, seed)
        rows.insert_revocation(conn, record, created)
        audit_log.record(conn, store, "admin_action", identity, action="tombstone_revoke", target=tombstone_id)
    return JSONResponse(record)


def page_params(request: Request) -> tuple[tuple[int, int], int]:
    """``since`` (this node's opaque position, ``t2|<tombstone seq>|<revocation seq>``, or absent) and ``limit`` of
    the peer route."""
    raw = one(request.query_params, "since") or one(request.query_params, "cursor")
    after = (0, 0)
    parts = (raw or "").split("|")
    if len(parts) == 3 and parts[0] == "t2" and all(p.isascii() and p.isdigit() for p in parts[1:]):
        after = (int(parts[1]), int(parts[2]))
    # Anything else (an ISO 8601 since, A20 §23.4.3) is answered from the start: ids make ingest idempotent.
    return after, limit(request.query_params, 100)


def page(store: Store, after: tuple[int, int], size: int) -> dict[str, Any]:
    """One page of tombstones and revocations for a peer, records unchanged (STG-TOMB-016)."""
    with store.db.reading() as conn:
        tombs, revocations, last = rows.page_since(conn, after, size)
    return {"tombstones": tombs, "revocations": revocations, "cursor": f"t2|{last[0]}|{last[1]}"}
