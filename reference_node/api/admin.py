"""Admin routes (CIDF, A20 §25 backfill; Spec-17): node status and CID backfill status; admin permission (STG-AUTH-010).

STG-CID-014: ``{total_facts, backfilled_facts, pending_facts, backfill_complete}``. STG-CONF-017: the status shows
unresolved conflicts for monitoring. Spec-17: the applied migrations. STG-SCOPE-022: the counts cover only the
caller's scopes (facts, conflicts) and the keys within its authority. STG-KEY-004/005: key ages and rotation due
dates (api/admin_keys.py); STG-AUDIT-027: the audit log's retention.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node import __version__
from reference_node.api.admin_keys import audit_report, key_report
from reference_node.api.auth import caller
from reference_node.api.keys import visible_keys
from reference_node.settings import PROTOCOL_VERSION, Settings
from reference_node.storage import Store

__all__ = ["backfill_status", "node_status"]


async def node_status(request: Request) -> Response:
    """GET /v1/admin/status."""
    identity = caller(request, "admin")
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    status = {**store.status(identity.scope_filter), "api_keys": len(visible_keys(identity, store)),
              **key_report(request, identity), "audit_log": audit_report(store)}
    return JSONResponse({**status, "version": PROTOCOL_VERSION, "node_version": __version__, "auth": settings.auth})


async def backfill_status(request: Request) -> Response:
    """GET /v1/admin/cid-backfill/status: the CIDF counts, ``state``, ``last_updated_at`` (storage/cid_backfill.py)."""
    # STG-CID-020 (interpretation cid_backfill_status): admin keys only, as the seed's monitoring call uses.
    # STG-AUTH-010, STG-CID-014: backfill status is an admin route.
    identity = caller(request, "admin")
    store: Store = request.app.state.store
    return JSONResponse(store.backfill_status(identity.scope_filter))
