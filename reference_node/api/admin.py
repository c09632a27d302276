"""Admin routes (digest §9.7, §19): node status and CID backfill status; admin permission (STG-AUTH-010).

STG-CID-014: ``{total_facts, backfilled_facts, pending_facts, backfill_complete}``. STG-CONF-017: the status shows
unresolved conflicts for monitoring. Spec-17: the applied migrations.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import __version__
from ..settings import PROTOCOL_VERSION, Settings
from ..storage import Store
from .auth import caller

__all__ = ["backfill_status", "node_status"]


async def node_status(request: Request) -> Response:
    """GET /v1/admin/status."""
    caller(request, "admin")
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    return JSONResponse(
        {**store.status(), "version": PROTOCOL_VERSION, "node_version": __version__, "auth": settings.auth}
    )


async def backfill_status(request: Request) -> Response:
    """GET /v1/admin/cid-backfill/status."""
    caller(request, "admin")
    store: Store = request.app.state.store
    return JSONResponse(store.backfill_status())
