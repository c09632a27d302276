"""Manifest routes (docs/federation-api.md "Manifests"; Spec-04; A20 §5.21-§5.22, §19.1.6).

``PUT /v1/federation/manifest`` (admin, STG-MAN-013) verifies the manifest before anything is stored
(STG-MAN-002..009), logs it in the node's transparency log in the same transaction (STG-TLOG-011) and answers 200
``{manifest_id, log_entry_url}``, the URL of its LogEntry (``/v1/federation/transparency-log/entries/{index}``).
``GET /v1/federation/manifest/{entity_uri_encoded}`` answers the valid manifest listing that
entity, or 404 ``manifest_not_found`` (STG-MAN-014). ``GET /.well-known/stigmem-manifest.json`` is the node's own
manifest (STG-MAN-011). All answer 404 ``not_found`` without ``--federation``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.auth import caller
from reference_node.api.bodies import read_json
from reference_node.api.errors import ApiError
from reference_node.api.federation import _federation
from reference_node.settings import Settings
from reference_node.storage import transparency_log

__all__ = ["get_manifest", "put_manifest", "well_known_manifest"]


async def put_manifest(request: Request) -> Response:
    """PUT /v1/federation/manifest (admin): verify, then store; 200 {manifest_id, log_entry_url}."""
    federation = _federation(request)
    # STG-MAN-013: non-admin callers are refused before the body is looked at.
    identity = caller(request, "admin")
    settings: Settings = request.app.state.settings
    body = await read_json(request, settings.max_body_bytes)
    ident, _ = federation.manifests.publish(body, "published", identity.entity_uri)
    with federation.store.db.reading() as conn:
        index = transparency_log.index_of_body(conn, "manifest", body)
    base = settings.node_url or f"{request.url.scheme}://{request.url.netloc}"
    url = None if index is None else f"{base.rstrip('/')}/v1/federation/transparency-log/entries/{index}"
    return JSONResponse({"manifest_id": ident, "log_entry_url": url})


async def get_manifest(request: Request) -> Response:
    """GET /v1/federation/manifest/{entity_uri_encoded}: 200 the valid manifest listing the entity, else 404."""
    federation = _federation(request)
    entity_uri = request.path_params["entity_uri"]
    found = federation.manifests.valid(entity_uri)
    # STG-MAN-014: only an entity listed exactly in a valid manifest is found.
    if found is None:
        raise ApiError("manifest_not_found", f"no valid manifest lists {entity_uri}")
    return JSONResponse(found)


async def well_known_manifest(request: Request) -> Response:
    """GET /.well-known/stigmem-manifest.json: the node's own manifest, re-signed first when half expired."""
    federation = _federation(request)
    found = federation.manifests.own(federation.signing_seed())
    if found is None:
        raise ApiError("manifest_not_found", "the node has no valid manifest")
    return JSONResponse(found)
