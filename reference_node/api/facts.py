"""Fact routes: assert, query, read by id or CID, verify a CID, batch assert (Spec-03; CIDF; ADR-006).

STG-QRY-001 (201 with the record; 200 with the existing record on a dedup hit, STG-CID-011, content only for a
key without read, STG-SCOPE-023), STG-QRY-003 and
STG-HTTP-011/013 (``{facts, total, cursor}``), STG-QRY-011 and STG-CID-006/008 (dual addressing: 400
``cid_malformed``, 404 ``fact_not_found``), STG-SCOPE-004 (another scope's fact is 404), STG-CID-009
(verify-cid ignores any body), STG-BATCH-001/002/004/010/011 (interpretation batch_assert = adr-006),
STG-SCOPE-008/010/011/015/024 (garden facts: the garden's writers, its scope; a non-member's read by id or CID is
403). STG-AUDIT-019/020: every fact written (action assert, batch or retract, a confidence-0 assert) is a
``fact_write`` event in the write's own transaction; a read that returns facts is a ``fact_read`` event, written
before the response (interpretation audit_fact_read: only reads that return data).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api import audit_log, time_travel
from reference_node.api.auth import Identity, caller
from reference_node.api.bodies import assertion, members, read_json, text
from reference_node.api.errors import ApiError
from reference_node.api.params import encode_cursor, fact_params, query_tag
from reference_node.protocol import cid as cid_rules
from reference_node.protocol.errors import CidMalformed
from reference_node.settings import Settings
from reference_node.storage import Store
from reference_node.storage.errors import StoreError
from reference_node.storage.ledger import content_only

__all__ = ["assert_fact", "batch_assert", "get_fact", "query_facts", "verify_cid"]

# ADR-006: STIGMEM_BATCH_MAX_FACTS = 50.
MAX_BATCH_FACTS = 50
_BATCH_MEMBERS = frozenset({"facts", "atomic", "idempotency_key"})
# The seed's fact-as-entity form (stigmem:fact:<uuid>) names the same fact as its bare id.
_FACT_ENTITY_PREFIX = "stigmem:fact:"


def _state(request: Request) -> tuple[Settings, Store]:
    return request.app.state.settings, request.app.state.store


def _reference(raw: str) -> str:
    """A path's fact id or CID; a ``sha256:`` value must be well formed (STG-CID-006)."""
    # STG-CID-006, STG-CID-008: a sha256: value is a CID (400 cid_malformed unless 64 lowercase hex), else a fact id.
    if raw[:7].lower() == "sha256:":
        try:
            return cid_rules.check_syntax(raw)
        except CidMalformed as exc:
            raise ApiError("cid_malformed", str(exc)) from exc
    return raw.removeprefix(_FACT_ENTITY_PREFIX)


async def assert_fact(request: Request) -> Response:
    """POST /v1/facts."""
    identity = caller(request, "write")
    settings, store = _state(request)
    fact = assertion(await read_json(request, settings.max_body_bytes), identity, settings.max_text_bytes)
    try:
        with store.db.transaction() as conn:
            [(written, created)] = store.assert_facts([fact], identity.reader)
            _written(conn, store, identity, written, created, "assert")
    except StoreError as exc:
        raise ApiError(exc.code, exc.detail) from exc  # without the batch's item index
    # STG-SCOPE-023: a key without read learns nothing of the existing fact (interpretation dedup_answer_without_read).
    if not created and "read" not in identity.permissions:
        written = content_only(written)
    return JSONResponse(written, 201 if created else 200)


async def query_facts(request: Request) -> Response:
    """GET /v1/facts."""
    identity = caller(request, "read")
    settings, store = _state(request)
    now = store.now_us()
    at = time_travel.as_of(request.query_params, settings, now)
    params = fact_params(request.query_params, identity, now, settings.default_query, at, store.tombstone_epoch())
    if params.query.garden_id is not None:
        # STG-SCOPE-013: a garden_id= query by a non-member is 403 (unknown garden 404), never an empty page.
        stored = store.queried_garden(params.query.garden_id, identity.reader)
        params = dataclasses.replace(params, query=dataclasses.replace(params.query, garden_id=stored))
    found, total, following = store.query(params.query, params.after, params.limit, params.total,
                                             settings.max_response_bytes)
    cursor = None if following is None else encode_cursor("f1", *following, str(total), query_tag(params.query))
    if found:
        _read(store, identity, "query", found)
    answer: dict[str, Any] = {"facts": found, "total": total, "cursor": cursor}
    if params.query.legal_hold_visible and found:
        # STG-TT-013 (interpretation K-4 = omit-when-empty): notices only when legal-hold facts are returned.
        notices = store.legal_hold_notices(found)
        if notices:
            answer["tombstone_notices"] = notices
    return JSONResponse(answer)


async def get_fact(request: Request) -> Response:
    """GET /v1/facts/{id_or_cid}."""
    identity = caller(request, "read")
    _, store = _state(request)
    ref = _reference(request.path_params["id_or_cid"])
    # STG-SCOPE-004, STG-SCOPE-006: a fact outside the key's scopes is 404, as a missing one (STG-QRY-011).
    found = store.fact(ref, identity.scope_filter if identity.scopes else (), identity.reader)
    if found is None:
        raise ApiError("fact_not_found", f"no readable fact {ref}")
    _read(store, identity, "get", [found])
    return JSONResponse(found)


async def verify_cid(request: Request) -> Response:
    """POST /v1/facts/{id}/verify-cid (any request body is ignored, interpretation H-6)."""
    identity = caller(request, "read")
    _, store = _state(request)
    ref = _reference(request.path_params["id_or_cid"])
    answer = store.verify_cid(ref, identity.scope_filter if identity.scopes else (), identity.reader)
    if answer is None:
        raise ApiError("fact_not_found", f"no readable fact {ref}")
    return JSONResponse(answer)


def _failed(index: int, reason: str, detail: str) -> ApiError:
    """STG-BATCH-002: 422 batch_failed, naming the first failing item; nothing was written."""
    return ApiError("batch_failed", detail, failed_at_index=index, reason=reason, facts_written=0)


async def batch_assert(request: Request) -> Response:
    """POST /v1/facts:batch: all or nothing, at most 50 facts, optional idempotency key."""
    identity = caller(request, "write")
    settings, store = _state(request)
    body = members(await read_json(request, settings.max_body_bytes), _BATCH_MEMBERS, "the batch body")
    items = body.get("facts")
    if not isinstance(items, list):
        raise ApiError("invalid_body", "facts must be an array of assert bodies")
    atomic = body.get("atomic", True)
    if not isinstance(atomic, bool):
        raise ApiError("invalid_body", "atomic must be a boolean")
    key = _idempotency_key(body.get("idempotency_key"), request.headers.get("idempotency-key"))
    # STG-BATCH-011: more than 50 facts is refused before anything is written.
    if len(items) > MAX_BATCH_FACTS:
        raise _failed(MAX_BATCH_FACTS, "batch_too_large", f"a batch holds at most {MAX_BATCH_FACTS} facts")
    facts = []
    for index, item in enumerate(items):
        try:
            facts.append(assertion(item, identity, settings.max_text_bytes))
        except ApiError as exc:
            raise _failed(index, exc.code, exc.detail) from exc
    digest = _request_digest({"facts": items, "atomic": atomic})
    try:
        with store.db.transaction() as conn:
            answer = store.assert_batch(identity.owner, key, digest, facts, identity.reader,
                                        reveal_existing="read" in identity.permissions)
            for written in answer["facts"]:
                if "id" in written:  # a content-only item is an existing fact, not a write
                    _written(conn, store, identity, written, None, "batch")
    except StoreError as exc:
        failed = exc.extra.get("index")
        if isinstance(failed, int):  # a garden refusal of one item (STG-SCOPE-008/010/011)
            raise _failed(failed, exc.code, exc.detail) from exc
        raise
    return JSONResponse(answer)


def _idempotency_key(in_body: Any, in_header: str | None) -> str | None:
    if in_body is not None:
        in_body = text(in_body, "idempotency_key")
        if in_header is not None and in_header != in_body:
            raise ApiError("invalid_body", "idempotency_key and the Idempotency-Key header differ")
        return str(in_body)
    return in_header or None


def _request_digest(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _written(conn: Any, store: Store, identity: Identity, written: dict[str, Any], created: bool | None,
             action: str) -> None:
    """STG-AUDIT-019: one fact_write event per fact, in the write's transaction (a retraction: confidence 0)."""
    if written.get("confidence") == 0:
        action = "retract"
    audit_log.record(conn, store, "fact_write", identity, scope=written.get("scope"), fact_id=written.get("id"),
                     hlc=written.get("hlc"), action=action, created=created)


def _read(store: Store, identity: Identity, route: str, found: list[dict[str, Any]]) -> None:
    """STG-AUDIT-020: a read that returns facts is recorded before the response (its own transaction)."""
    scopes = {fact.get("scope") for fact in found}
    with store.db.transaction() as conn:
        audit_log.record(conn, store, "fact_read", identity, scope=scopes.pop() if len(scopes) == 1 else None,
                         fact_id=found[0].get("id") if route == "get" else None, route=route, returned=len(found))
