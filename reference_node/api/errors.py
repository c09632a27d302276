"""The one error table: every refusal the node makes, as a status and a stable code (docs/http-api.md "Errors").

STG-HTTP-002 (interpretation error_envelope): the body is ``{"error": code, "detail": message}`` plus any extra
members (``failed_at_index`` ...); a lone surrogate echoed from the request is shown as U+FFFD, so the body is
always UTF-8. STG-HTTP-003: client input never yields a 5xx; only a genuine bug does, through ``LastResort``, which
logs it and answers 500 ``internal_error`` as JSON without closing the connection (STG-HTTP-015). A full disk is
507 ``storage_full``.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_node.protocol import errors as protocol
from reference_node.storage.errors import StoreError

__all__ = ["STATUS", "ApiError", "LastResort", "from_protocol", "handlers", "printable"]

log = logging.getLogger("reference_node")

STATUS: dict[str, int] = {
    "unauthorized": 401,
    # docs/federation-api.md "Peer tokens": the verification order's codes, all 401.
    "token_malformed": 401,
    "unknown_peer": 401,
    "signature_invalid": 401,
    "token_wrong_audience": 401,
    "token_lifetime_exceeded": 401,
    "token_not_yet_valid": 401,
    "token_expired": 401,
    "nonce_already_seen": 401,
    # docs/federation-api.md "mTLS": the peer routes' certificate refusals (STG-TLS-003, STG-TLS-005, STG-TLS-008).
    "client_certificate_required": 401,
    "san_mismatch": 401,
    "tls_required": 403,
    "forbidden": 403,
    "scope_forbidden": 403,
    "reserved_namespace": 403,
    "malformed_json": 400,
    "invalid_body": 422,
    "invalid_confidence": 422,
    "invalid_scope": 422,
    "value_invalid": 422,
    "invalid_entity_uri": 400,
    "value_too_large": 413,
    "body_too_large": 413,
    "invalid_parameter": 400,
    "invalid_cursor": 400,
    "cid_malformed": 400,
    "fact_not_found": 404,
    "conflict_not_found": 404,
    "key_not_found": 404,
    "garden_not_found": 404,
    "member_not_found": 404,
    "garden_forbidden": 403,
    "last_admin": 403,
    "garden_exists": 409,
    "member_exists": 409,
    "invalid_slug": 422,
    "invalid_role": 422,
    "garden_scope_mismatch": 422,
    "not_quarantine_garden": 422,
    "quarantine_garden_exists": 409,
    "quarantine_has_pending_facts": 409,
    "fact_not_quarantine_pending": 409,
    "peer_not_found": 404,
    "peer_already_registered": 409,
    "peer_not_pending": 409,
    "key_file_in_use": 409,
    "invalid_declaration": 422,
    "conflict_already_resolved": 409,
    "idempotency_key_reused": 409,
    "invalid_resolution": 422,
    "batch_failed": 422,
    "quota_exceeded": 429,
    "invalid_quota_policy": 422,
    "time_travel_plugin_not_loaded": 501,
    # A20 §23.7 (tombstones) and §24.5 (time travel).
    "tombstone_invalid_scope": 400,
    "tombstone_entity_uri_invalid": 400,
    "tombstone_verification_failed": 400,
    "tombstone_access_denied": 403,
    "tombstone_not_found": 404,
    "tombstone_already_exists": 409,
    "tombstone_already_revoked": 409,
    "as_of_invalid_timestamp": 400,
    "as_of_future": 400,
    "as_of_before_retention_floor": 400,
    "time_travel_plugin_disabled": 403,
    "not_found": 404,
    "card_not_found": 404,
    "method_not_allowed": 405,
    "invalid_http_request": 400,
    "cid_mismatch": 500,
    "internal_error": 500,
    "storage_full": 507,
    # docs/federation-api.md "Manifests" (A20 §19.9; interpretation manifest_error_codes).
    "manifest_signature_invalid": 400,
    "manifest_rotation_chain_invalid": 400,
    "manifest_invalid": 400,
    "manifest_expired": 400,
    "manifest_entity_conflict": 409,
    "manifest_not_found": 404,
    # docs/federation-api.md "Capability tokens" (interpretation capability_token_status): 401 authentication-class,
    # 403 authorization-class, 400 a malformed nonce; token_malformed, token_expired and token_lifetime_exceeded
    # are the peer tokens' 401 codes above.
    "issuer_manifest_unknown": 401,
    "issuer_manifest_expired": 401,
    "issuer_manifest_invalid": 401,
    "token_key_unknown": 401,
    "token_signature_invalid": 401,
    "entity_not_in_manifest": 403,
    "timestamp_future_dated": 401,
    "token_nonce_invalid": 400,
    "token_revoked": 403,
    "token_replay": 401,
    "insufficient_capability": 403,
    "invalid_capability_request": 422,
    "capability_nonce_exists": 409,
    "manifest_required": 409,
    "token_not_found": 404,
    # A20 §19.9 (docs/federation-api.md "Transparency log"): a peer manifest without valid log evidence in strict
    # trust mode (STG-TLOG-008).
    "inclusion_proof_invalid": 400,
    "transparency_log_unavailable": 503,
    # A20 §20.8: recall and graph refusals (STG-REC-010, STG-REC-012, STG-REC-013).
    "invalid_token_budget": 400,
    "recall_depth_exceeded": 400,
    "invalid_weights": 400,
    "graph_depth_exceeded": 400,
    "invalid_relation_filter": 400,
    "cursor_expired": 400,
    "trust_cache_unavailable": 503,  # STG-WORK-006: the Redis nonce cache did not answer; the token is refused
}


def printable(value: Any) -> Any:
    """``value`` with every string's unpaired surrogates replaced by U+FFFD (JSON, I-JSON and UTF-8 safe)."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable(item) for item in value]
    return value


class ApiError(Exception):
    """A refusal with a code from ``STATUS``; ``extra`` members join the error body."""

    def __init__(self, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.status = STATUS[code]
        self.detail = detail
        self.headers = headers
        self.extra = extra

    def response(self) -> JSONResponse:
        # STG-HTTP-002: every refusal is {error: code, detail: message} (interpretation error_envelope).
        body = printable({"error": self.code, "detail": self.detail, **self.extra})
        return JSONResponse(body, self.status, self.headers)


def from_protocol(error: protocol.ProtocolError) -> ApiError:
    """Map a protocol-core rejection to its HTTP code (FactInvalid by the requirement it enforces)."""
    if isinstance(error, protocol.FactInvalid):
        code = {"STG-FACT-001": "invalid_confidence", "STG-FACT-002": "invalid_scope"}.get(
            error.requirement, "invalid_body"
        )
    elif isinstance(error, protocol.JcsError):
        code = "malformed_json"
    else:
        code = error.code if error.code in STATUS else "invalid_body"
    return ApiError(code, str(error))


async def _api_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return exc.response()
    if isinstance(exc, StoreError):
        if STATUS.get(exc.code, 500) >= 500:
            log.error("refused %s %s: %s", request.method, request.url.path, exc.detail)
        return ApiError(exc.code if exc.code in STATUS else "internal_error", exc.detail, None, **exc.extra).response()
    if isinstance(exc, protocol.ProtocolError):
        return from_protocol(exc).response()
    return await _internal(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
        detail = f"{request.method} is not allowed on {request.url.path}"
        return ApiError("method_not_allowed", detail, headers).response()
    # STG-HTTP-001: routing errors are JSON too.
    if status == 404:
        return ApiError("not_found", f"no route {request.url.path}").response()
    return JSONResponse(printable({"error": "http_error", "detail": str(getattr(exc, "detail", ""))}), status)


async def _internal(request: Request, exc: Exception) -> Response:
    """A bug, logged with its traceback and answered as JSON."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    # STG-HTTP-003: only a bug reaches here; client input is refused with a 4xx before.
    return ApiError("internal_error", "the node hit an internal error; it has been logged").response()


class LastResort:
    """ASGI middleware answering any escaped exception with 500 JSON and keeping the connection open.

    Starlette's own last-resort handler re-raises after answering, and uvicorn then closes the socket, so a
    pipelined request behind the failing one is lost (STG-HTTP-015); this one swallows the exception instead."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started:
                raise  # half an answer is out: only closing the connection can tell the client
            # STG-HTTP-015: answer and keep the connection, so a pipelined request behind this one is served.
            response = await _internal(Request(scope, receive), exc)
            await response(scope, receive, send)


def handlers() -> dict[Any, Any]:
    """Starlette exception handlers: the error table for ours, JSON for routing errors (bugs: ``LastResort``)."""
    return {
        ApiError: _api_error,
        StoreError: _api_error,
        protocol.ProtocolError: _api_error,
        HTTPException: _http_error,
    }
