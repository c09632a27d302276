"""Signing-key rotation routes (docs/federation-api.md "Key rotation"; Spec-10; A20 §22.2).

``GET /v1/federation/key-rotations`` (open, like discovery: public keys and signatures only) serves the rotation
log so peers can verify the chain from the node's first key to its current one (STG-KEY-016).
``POST /v1/admin/federation/key-rotation`` (admin) rotates the federation key now, as ``key rotate`` does offline;
the answer is the new entry (STG-KEY-009, STG-KEY-015). Both answer 404 without ``--federation``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.auth import caller
from reference_node.api.federation import _federation
from reference_node.protocol import key_rotation

__all__ = ["rotate_key", "rotation_log"]


async def rotation_log(request: Request) -> Response:
    """GET /v1/federation/key-rotations: {entity_uri, first_public_key, current_key_id, entries}."""
    federation = _federation(request)
    first, entries = federation.store.rotation_log()
    current = federation.public_key
    return JSONResponse({"entity_uri": federation.node_id, "first_public_key": first or current,
                         "current_key_id": key_rotation.key_id(current), "entries": entries})


async def rotate_key(request: Request) -> Response:
    """POST /v1/admin/federation/key-rotation (admin): 201 with the new log entry."""
    federation = _federation(request)
    identity = caller(request, "admin")
    return JSONResponse(federation.rotate_key(identity.entity_uri), 201)
