"""Open routes: discovery, health and the OpenAPI document (Spec-03 §Discovery; A08 §5.3).

STG-HTTP-005/006 (discovery without auth: version, node_id, node_url, auth, federation, namespaces, spec, plus the
profiles the node claims), STG-HTTP-008 (without --federation: "disabled" and no federation_pubkey; with it:
"enabled", the key, the federation version and endpoints, push null, and the core-federation profile, per
docs/federation-api.md), STG-AUTH-006 (``auth`` says what the node enforces), STG-HTTP-010 (``/healthz``),
STG-NS-006 (supported namespaces).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.clock import format_timestamp
from reference_node.federation import Federation
from reference_node.protocol.peering import FEDERATION_VERSION
from reference_node.protocol.source_trust import DEFAULT_WEIGHTS
from reference_node.recall import RecallService
from reference_node.settings import PROTOCOL_VERSION, SPEC_POINTER, Settings
from reference_node.storage import Store
from reference_node.storage.source_trust import ATTESTATION_MODE

__all__ = ["discovery", "healthz", "load_openapi", "openapi"]


def load_openapi() -> bytes:
    """The OpenAPI document: packaged beside the code in a wheel, else the repository's schemas/openapi.json."""
    packaged = resources.files("reference_node").joinpath("openapi.json")
    if packaged.is_file():
        return packaged.read_bytes()
    in_repository = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"
    if in_repository.is_file():
        return in_repository.read_bytes()
    raise FileNotFoundError("openapi.json is neither packaged nor in the repository's schemas/")


def document(
    settings: Settings, store: Store, node_url: str, federation: Federation | None = None,
    recall: RecallService | None = None,
) -> dict[str, object]:
    found: dict[str, object] = {
        "version": PROTOCOL_VERSION,
        "node_id": store.node_id,
        "node_url": node_url,
        "auth": settings.auth,
        "federation": "disabled" if federation is None else "enabled",
        "namespaces": list(settings.namespaces),
        "spec": SPEC_POINTER,
        "profiles": list(settings.profiles),
        # STG-TRUST-011 (Spec-X6; interpretation source_attestation = off): this node attests no source.
        "source_attestation": ATTESTATION_MODE,
    }
    if settings.time_travel == "enabled" and settings.as_of_floor_us is not None:
        # Spec-X3: the retention floor of as_of (earlier instants are 400 as_of_before_retention_floor).
        found["as_of_retention_floor"] = format_timestamp(settings.as_of_floor_us)
    if recall is not None:
        found["embedding"] = recall.describe()  # A20 §20.2: the embedding object MUST be advertised
        if recall.index.available:  # recall is claimed only with all three stages working
            found["profiles"] = [*settings.profiles, "recall"]
    if federation is not None:
        found["federation_pubkey"] = federation.public_key
        found["federation_version"] = FEDERATION_VERSION
        found["federation_endpoints"] = {"peers": "/v1/federation/peers", "facts": "/v1/federation/facts",
                                         "push": None}
        found["trust_mode"] = settings.trust_mode  # A20 §19.4
        # A20 §19.10 federation_trust; STG-TRUST-004: non-default weights are published as trust_weights.
        trust: dict[str, object] = {"trust_mode": settings.trust_mode}
        if settings.trust_weights != DEFAULT_WEIGHTS:
            trust["trust_weights"] = settings.trust_weights.public()
        found["federation_trust"] = trust
        # docs/federation-api.md "Transparency log" (A20 §19.2): where the node's own log is served.
        found["transparency_log"] = "/v1/federation/transparency-log"
    return found


async def discovery(request: Request) -> Response:
    """GET /.well-known/stigmem."""
    settings: Settings = request.app.state.settings
    node_url = settings.node_url or f"{request.url.scheme}://{request.url.netloc}"
    cache: dict[str, bytes] = request.app.state.discovery_cache
    state = request.app.state
    # STG-KEY-016: the cache is keyed on the current federation key too, so a rotation shows at once.
    key = node_url if state.federation is None else f"{node_url} {state.federation.public_key}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(document(settings, state.store, node_url, state.federation,
                                   getattr(state, "recall", None))).encode("utf-8")
        if len(cache) < 16:
            cache[key] = body
    return Response(body, media_type="application/json")


async def healthz(request: Request) -> Response:
    """GET /healthz."""
    return JSONResponse({"status": "ok"})


async def openapi(request: Request) -> Response:
    """GET /openapi.json."""
    return Response(request.app.state.openapi, media_type="application/json")
