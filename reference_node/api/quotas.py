"""Per-principal quotas over HTTP (A20 §22.4; Spec-10; docs/http-api.md "Quotas"): the charge, the 429, the policy.

``Quotas.charge`` runs for every authenticated request after its permission check (``auth.caller``): the route's
dimension (``protocol.quotas.dimension_for``) is charged one token of the caller's bucket; an empty bucket is 429
``{"error": "quota_exceeded", "dimension", "principal", "retry_after"}`` with ``Retry-After`` (STG-QUOTA-008..010)
and a ``quota_breach`` audit event (STG-QUOTA-011). The limit in force is, first found: the principal's override,
the node-wide override (both from ``PUT /v1/admin/quota-policy``, persisted), the operator's ``--quota`` flags,
the defaults of interpretation quota_defaults (STG-QUOTA-004, STG-QUOTA-005).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.audit_log import record
from reference_node.api.auth import caller
from reference_node.api.bodies import members, read_json
from reference_node.api.errors import ApiError
from reference_node.clock import format_timestamp
from reference_node.protocol import quotas as rules
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri
from reference_node.settings import Settings
from reference_node.storage import Store
from reference_node.storage import quotas as rows
from reference_node.storage.quota_buckets import open_buckets

__all__ = ["QuotaExceeded", "Quotas", "get_policy", "put_policy"]

_POLICY_MEMBERS = frozenset({"principal", "limits"})


class QuotaExceeded(ApiError):
    """STG-QUOTA-008: the 429 body is exactly the A20 §22.4.3 document, with no ``detail``."""

    def __init__(self, dimension: str, principal: str, retry_after: float, header: int) -> None:
        super().__init__("quota_exceeded", "quota exceeded", {"Retry-After": str(header)})
        self.body = {"error": "quota_exceeded", "dimension": dimension, "principal": principal,
                     "retry_after": retry_after}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, 429, self.headers)


class Quotas:
    """The node's quota service: defaults from settings, buckets and overrides in the store."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.store = store
        self.enabled = settings.quotas
        base = rules.defaults(settings.quota_defaults)
        for dimension, capacity, rate in settings.quota_limits:
            for name in rules.DIMENSIONS if dimension == "all" else (dimension,):
                base[name] = rules.parse_limit(name, {"capacity": capacity, "rate": rate})
        self.base = base
        # STG-WORK-010, STG-WORK-013: the buckets follow --trust-cache and --workers (one worker's memory, the
        # database, or Redis); the policy stays in the database.
        self.buckets: rows.Buckets = open_buckets(settings.trust_cache, store.db, store.node_id, settings.workers)

    def limits(self, principal: str | None) -> tuple[dict[str, rules.Limit], dict[str, rules.Limit]]:
        """The limits in force for ``principal`` (None: node-wide) and the overrides stored for it."""
        with self.store.db.reading() as conn:
            node_wide = rows.overrides(conn, rows.NODE_WIDE)
            own = rows.overrides(conn, principal) if principal else {}
        return {**self.base, **node_wide, **own}, own if principal else node_wide

    def charge(self, request: Request, principal: str) -> None:
        """Spend one token of ``principal``'s bucket for this request's dimension, or raise the 429."""
        dimension = rules.dimension_for(request.method, request.url.path)
        if not self.enabled or dimension is None:
            return
        now = self.store.clock.now_us()
        # The store looks the principal's override up itself (with the bucket, in one statement for SQLite).
        decision = self.buckets.charge(principal, dimension, self.base[dimension], now)
        if decision.accepted or decision.retry_after is None:
            return
        # STG-QUOTA-011: every refusal is audited before its 429, whichever store decided it.
        with self.store.db.transaction() as conn:
            rows.record_breach(conn, decision, format_timestamp(now))
        raise QuotaExceeded(dimension, principal, float(decision.retry_after),
                            rules.retry_after_header(decision.retry_after))


def _principal(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ApiError("invalid_quota_policy", "principal must be an entity URI string or null")
    try:
        return normalize(raw)
    except InvalidEntityUri as exc:
        raise ApiError("invalid_entity_uri", str(exc)) from exc


def _document(quotas: Quotas, principal: str | None) -> dict[str, Any]:
    effective, own = quotas.limits(principal)
    return {"principal": principal, "limits": {d: effective[d].public() for d in rules.DIMENSIONS},
            "overrides": {d: limit.public() for d, limit in sorted(own.items())}}


async def get_policy(request: Request) -> Response:
    """GET /v1/admin/quota-policy[?principal=URI]: the limits in force and the stored overrides."""
    # STG-QUOTA-006: the QuotaPolicy is an admin document.
    caller(request, "admin")
    quotas: Quotas = request.app.state.quotas
    return JSONResponse(_document(quotas, _principal(request.query_params.get("principal"))))


async def put_policy(request: Request) -> Response:
    """PUT /v1/admin/quota-policy ``{"principal": URI | null, "limits": {dimension: {capacity, rate}}}``."""
    # STG-QUOTA-006: only an admin key changes the QuotaPolicy.
    identity = caller(request, "admin")
    settings: Settings = request.app.state.settings
    quotas: Quotas = request.app.state.quotas
    body = members(await read_json(request, settings.max_body_bytes), _POLICY_MEMBERS, "the quota policy")
    principal = _principal(body.get("principal"))
    raw = body.get("limits")
    if not isinstance(raw, dict):
        raise ApiError("invalid_quota_policy", "limits must be an object of dimension -> {capacity, rate}")
    # STG-QUOTA-007: every limit is validated before anything is stored.
    limits = {dimension: rules.parse_limit(dimension, value) for dimension, value in raw.items()}
    # STG-QUOTA-005: overrides are stored in the database and survive a restart.
    with quotas.store.db.transaction() as conn:
        rows.replace_overrides(conn, principal or rows.NODE_WIDE, limits, format_timestamp(quotas.store.now_us()))
        # STG-AUDIT-029: a QuotaPolicy change is an admin_action event, in the change's transaction.
        record(conn, quotas.store, "admin_action", identity, action="quota_policy_set", target=principal or "node",
               dimensions=sorted(limits))
    quotas.buckets.policy_changed()
    return JSONResponse(_document(quotas, principal))
