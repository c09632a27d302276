"""The node's manifests at run time: its own, published ones and peers' (docs/federation-api.md "Manifests").

``NodeManifests`` wraps ``storage.manifests`` in transactions on the node's clock. ``own`` is what
``/.well-known/stigmem-manifest.json`` serves (made at start, re-signed before expiry, STG-MAN-011); ``publish`` is
``PUT /v1/federation/manifest`` and ``manifest publish --db``; ``fetch_peer`` fetches a peer's well-known manifest
(bounded to 5 s), verifies it against the one kept for that authority and keeps it when it lists the peer's node_id.
A peer without a (valid) manifest is only logged here: what trust mode makes of that is the caller's rule.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from reference_node.federation.outbound import BodyTooLarge, get_json
from reference_node.protocol import manifests
from reference_node.protocol.manifests import ManifestError
from reference_node.storage import manifests as rows
from reference_node.storage.federation import FederationStore
from reference_node.storage.peers import PeerRow

__all__ = ["WELL_KNOWN", "NodeManifests"]

log = logging.getLogger("reference_node.federation")
WELL_KNOWN = "/.well-known/stigmem-manifest.json"


class NodeManifests:
    """Manifests of one node's database."""

    def __init__(self, store: FederationStore, node_id: str) -> None:
        self.store = store
        self.node_id = node_id

    def own(self, seed: bytes) -> dict[str, Any] | None:
        """The node's manifest, re-signed with ``seed`` when missing or half expired."""
        with self.store.db.transaction() as conn:
            return rows.own(conn, self.node_id, seed, self.store.now_dt(), self.store.now())

    def publish(self, manifest: Any, source: rows.Source = "published",
                actor_entity: str | None = None) -> tuple[str, bool]:
        """Verify and store; raises ``ManifestError`` (nothing stored)."""
        if not isinstance(manifest, dict):
            raise ManifestError("manifest_invalid", "a manifest is a JSON object")
        with self.store.db.transaction() as conn:
            return rows.publish(conn, manifest, source, self.store.now_dt(), self.store.now(), actor_entity)

    def valid(self, entity_uri: str) -> dict[str, Any] | None:
        """The valid manifest listing ``entity_uri`` now (``storage.manifests.valid_manifest``)."""
        with self.store.db.reading() as conn:
            return rows.valid_manifest(conn, entity_uri, self.store.now_dt())

    async def fetch_peer(self, client: httpx.AsyncClient, peer: PeerRow) -> dict[str, Any] | None:
        """Fetch, verify and keep ``peer``'s well-known manifest; None when it has no acceptable one."""
        url = peer.node_url.rstrip("/") + WELL_KNOWN
        try:
            fetched = await get_json(client, url)
        except (httpx.HTTPError, TimeoutError, OSError, BodyTooLarge) as exc:
            log.info("manifest of %s not fetched: %s", peer.node_id, type(exc).__name__)
            return None
        body = fetched.body
        if fetched.status != 200 or not isinstance(body, dict):
            log.info("%s serves no manifest (%s)", peer.node_id, fetched.status)
            return None
        # STG-MAN-004: the manifest must list the peer's node_id itself, not by implication.
        if not manifests.covers(body, peer.node_id):
            log.warning("the manifest %s serves does not list its node_id", peer.node_id)
            return None
        try:
            self.publish(body, "peer")
        except ManifestError as exc:
            log.warning("the manifest of %s is refused: %s: %s", peer.node_id, exc.code, exc.detail)
            return None
        return body
