"""The ASGI application: routes, the error table's handlers and the node's lifecycle (docs/http-api.md "Routes").

Handlers are ``async`` and call the store inline: SQLite statements take microseconds, one connection serializes
writes anyway, and skipping a thread hop per request keeps the path lean. Unknown routes answer 404 ``not_found``
and known routes with another method 405 ``method_not_allowed`` (STG-FACT-003: no PUT, PATCH or DELETE on facts).
With ``--federation`` the lifespan also runs the pull loop (docs/federation-api.md), cancelled at shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reference_node.api import (
    admin,
    conflicts,
    discovery,
    facts,
    federation,
    gardens,
    key_rotation,
    keys,
    quotas,
    tombstones,
)
from reference_node.api import audit_log as audit_export
from reference_node.api import capability_tokens as capability_routes
from reference_node.api import graph as graph_routes
from reference_node.api import manifests as manifest_routes
from reference_node.api import recall as recall_routes
from reference_node.api import transparency as transparency_log
from reference_node.api.audit_retention import apply_retention
from reference_node.api.errors import LastResort, handlers
from reference_node.clock import Clock, SystemClock
from reference_node.federation import Federation
from reference_node.recall import RecallService
from reference_node.settings import Settings
from reference_node.storage import Store

__all__ = ["ROUTES", "create_app"]

Endpoint = Callable[[Request], Awaitable[Response]]


def _by_method(**endpoints: Endpoint) -> Endpoint:
    """One endpoint for a path served under several methods, so a 405 lists them all in ``Allow``."""

    async def dispatch(request: Request) -> Response:
        return await endpoints[request.method](request)

    return dispatch


ROUTES = [
    Route("/.well-known/stigmem", discovery.discovery, methods=["GET"]),
    Route("/healthz", discovery.healthz, methods=["GET"]),
    Route("/openapi.json", discovery.openapi, methods=["GET"]),
    Route("/v1/facts", _by_method(GET=facts.query_facts, HEAD=facts.query_facts, POST=facts.assert_fact),
          methods=["GET", "POST"]),
    Route("/v1/facts:batch", facts.batch_assert, methods=["POST"]),
    Route("/v1/facts/{id_or_cid}", facts.get_fact, methods=["GET"]),
    Route("/v1/facts/{id_or_cid}/verify-cid", facts.verify_cid, methods=["POST"]),
    Route("/v1/conflicts", conflicts.list_conflicts, methods=["GET"]),
    Route("/v1/conflicts/{conflict_id}/resolve", conflicts.resolve_conflict, methods=["POST"]),
    Route("/v1/gardens", _by_method(GET=gardens.list_gardens, HEAD=gardens.list_gardens, POST=gardens.create_garden),
          methods=["GET", "POST"]),
    Route("/v1/gardens/{garden}", _by_method(GET=gardens.get_garden, HEAD=gardens.get_garden,
                                             DELETE=gardens.delete_garden), methods=["GET", "DELETE"]),
    Route("/v1/gardens/{garden}/members", _by_method(GET=gardens.list_members, HEAD=gardens.list_members,
                                                     POST=gardens.add_member), methods=["GET", "POST"]),
    Route("/v1/gardens/{garden}/quarantine", gardens.quarantined_facts, methods=["GET"]),
    Route("/v1/gardens/{garden}/promote", gardens.promote, methods=["POST"]),
    Route("/v1/gardens/{garden}/reject", gardens.reject, methods=["POST"]),
    Route("/v1/gardens/{garden}/members/{entity_uri:path}",
          _by_method(PATCH=gardens.change_member, DELETE=gardens.remove_member), methods=["PATCH", "DELETE"]),
    Route("/v1/auth/keys", _by_method(GET=keys.list_keys, HEAD=keys.list_keys, POST=keys.create_key),
          methods=["GET", "POST"]),
    Route("/v1/auth/keys/{key_id}", keys.revoke_key, methods=["DELETE"]),
    Route("/v1/admin/status", admin.node_status, methods=["GET"]),
    Route("/v1/admin/cid-backfill/status", admin.backfill_status, methods=["GET"]),
    Route("/v1/admin/audit-log", audit_export.export, methods=["GET"]),
    Route("/v1/admin/federation/pull", federation.pull_now, methods=["POST"]),
    Route("/v1/admin/quota-policy", _by_method(GET=quotas.get_policy, HEAD=quotas.get_policy, PUT=quotas.put_policy),
          methods=["GET", "PUT"]),
    Route("/v1/federation/declaration", federation.declaration, methods=["GET"]),
    Route("/v1/federation/peers", _by_method(GET=federation.list_peers, HEAD=federation.list_peers,
                                             POST=federation.register_peer), methods=["GET", "POST"]),
    Route("/v1/federation/peers/{peer_id}/approve", federation.approve_peer, methods=["POST"]),
    Route("/v1/federation/facts", federation.federation_facts, methods=["GET"]),
    Route("/v1/federation/facts/push", federation.push_facts, methods=["POST"]),
    Route("/v1/federation/audit", federation.audit_events, methods=["GET"]),
    Route("/v1/federation/key-rotations", key_rotation.rotation_log, methods=["GET"]),
    Route("/v1/admin/federation/key-rotation", key_rotation.rotate_key, methods=["POST"]),
    Route("/.well-known/stigmem-manifest.json", manifest_routes.well_known_manifest, methods=["GET"]),
    Route("/v1/federation/manifest", manifest_routes.put_manifest, methods=["PUT"]),
    Route("/v1/federation/manifest/{entity_uri:path}", manifest_routes.get_manifest, methods=["GET"]),
    # Interpretation capability_token_route: the seed's /tokens and A20's /capability-tokens, the same routes.
    *[Route(f"/v1/federation/{family}", capability_routes.issue, methods=["POST"])
      for family in ("tokens", "capability-tokens")],
    *[Route(f"/v1/federation/{family}/revocations", capability_routes.revocation_list, methods=["GET"])
      for family in ("tokens", "capability-tokens")],
    *[Route(f"/v1/federation/{family}/{{token_id}}/revoke", capability_routes.revoke, methods=["POST"])
      for family in ("tokens", "capability-tokens")],
    # Spec-X2 (docs/http-api.md "Tombstones", docs/federation-api.md "Tombstones").
    Route("/v1/tombstones", tombstones.issue, methods=["POST"]),
    Route("/v1/tombstones/{tombstone_id}/revoke", tombstones.revoke, methods=["POST"]),
    Route("/v1/tombstones/{entity_uri:path}", tombstones.lookup, methods=["GET"]),
    Route("/v1/federation/tombstones", federation.federation_tombstones, methods=["GET"]),
    Route("/v1/federation/transparency-log", transparency_log.log_info, methods=["GET"]),
    Route("/v1/federation/transparency-log/checkpoint", transparency_log.checkpoint, methods=["GET"]),
    Route("/v1/federation/transparency-log/entries", transparency_log.entries, methods=["GET"]),
    Route("/v1/federation/transparency-log/entries/{log_index}", transparency_log.entry, methods=["GET"]),
    Route("/v1/federation/transparency-log/proof/inclusion", transparency_log.inclusion_proof, methods=["GET"]),
    Route("/v1/federation/transparency-log/proof/consistency", transparency_log.consistency_proof,
          methods=["GET"]),
    Route("/.well-known/stigmem-manifest-proof.json", transparency_log.manifest_proof, methods=["GET"]),
    Route("/v1/recall", recall_routes.recall, methods=["GET", "POST"]),
    Route("/v1/graph/neighbors", graph_routes.neighbors, methods=["GET"]),
    Route("/v1/cards/{entity:path}", recall_routes.card, methods=["GET"]),
]


def create_app(settings: Settings, clock: Clock | None = None, store: Store | None = None) -> Starlette:
    """The node's ASGI app; opens (and migrates) the database now, closes it at lifespan shutdown."""
    node_store = store or Store.open(settings.db_path, clock or SystemClock(), settings.node_authority)
    node_store.cardinality = settings.conflict_cardinality
    try:
        apply_retention(node_store, settings.audit_retention_days)
        node_federation = Federation(settings, node_store) if settings.federation else None
        node_recall = RecallService(node_store, settings.recall)  # seed "Graph index and recall pipeline"
    except BaseException:
        if store is None:
            node_store.close()
        raise

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            if node_federation is not None:
                await node_federation.start()
            yield
        finally:
            if node_federation is not None:
                await node_federation.stop()
            node_recall.close()
            app.state.quotas.buckets.close()
            node_store.close()

    app = Starlette(routes=ROUTES, exception_handlers=handlers(), lifespan=lifespan,
                    middleware=[Middleware(LastResort)])
    app.state.settings = settings
    app.state.store = node_store
    app.state.federation = node_federation
    app.state.recall = node_recall
    app.state.quotas = quotas.Quotas(settings, node_store)
    app.state.openapi = discovery.load_openapi()
    app.state.discovery_cache = {}
    return app
