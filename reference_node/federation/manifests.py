"""The node's manifests at run time: its own, published ones and peers' (docs/federation-api.md "Manifests").

``NodeManifests`` wraps ``storage.manifests`` in transactions on the node's clock. ``own`` is what
``/.well-known/stigmem-manifest.json`` serves (made at start, re-signed before expiry, STG-MAN-011); ``publish`` is
``PUT /v1/federation/manifest`` and ``manifest publish --db``; ``fetch_peer`` fetches a peer's well-known manifest
(bounded to 5 s), verifies it against the one kept for that authority and keeps it when it lists the peer's node_id.
``vet_peer`` is what trust mode makes of it (A20 §19.2, §19.4): the peer's manifest is fetched, its log evidence
judged (``federation.transparency.manifest_verdict``), and only a manifest the verdict accepts is kept; the answer
says how the peer is known (``PeerTrust.identity``: "manifest_log_proof", "manifest" or None).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from reference_node.federation.outbound import BodyTooLarge, get_json
from reference_node.federation.transparency import manifest_verdict
from reference_node.protocol import manifests
from reference_node.protocol.manifests import ManifestError
from reference_node.protocol.transparency import TrustMode, Verdict
from reference_node.storage import manifests as rows
from reference_node.storage.federation import FederationStore
from reference_node.storage.peers import PeerRow
from reference_node.storage.transparency_log import LogSigner

__all__ = ["WELL_KNOWN", "NodeManifests", "PeerTrust"]

log = logging.getLogger("reference_node.federation")
WELL_KNOWN = "/.well-known/stigmem-manifest.json"


@dataclass(frozen=True)
class PeerTrust:
    """How a peer is known by its manifest: ``identity`` "manifest_log_proof" (verified with an inclusion proof),
    "manifest" (verified, accepted without proof: relaxed or off), None (no manifest this node trusts);
    ``verdict`` the log verdict (None when the peer served no acceptable manifest)."""

    identity: str | None
    verdict: Verdict | None = None
    manifest: dict[str, Any] | None = None

    @property
    def refused(self) -> bool:
        """A manifest was served and its log evidence refused (strict mode: fail closed)."""
        return self.verdict is not None and not self.verdict.accepted


class NodeManifests:
    """Manifests of one node's database."""

    def __init__(self, store: FederationStore, node_id: str, log_signer: Callable[[], LogSigner] | None = None
                 ) -> None:
        self.store = store
        self.node_id = node_id
        self.log_signer = log_signer  # who signs the node's log entries (a key-file node's key)

    def _signer(self) -> LogSigner | None:
        return self.log_signer() if self.log_signer is not None else None

    def own(self, seed: bytes) -> dict[str, Any] | None:
        """The node's manifest, re-signed with ``seed`` when missing or half expired."""
        with self.store.db.transaction() as conn:
            return rows.own(conn, self.node_id, seed, self.store.now_dt(), self.store.now(), self._signer())

    def publish(self, manifest: Any, source: rows.Source = "published",
                actor_entity: str | None = None) -> tuple[str, bool]:
        """Verify and store; raises ``ManifestError`` (nothing stored)."""
        if not isinstance(manifest, dict):
            raise ManifestError("manifest_invalid", "a manifest is a JSON object")
        with self.store.db.transaction() as conn:
            return rows.publish(conn, manifest, source, self.store.now_dt(), self.store.now(), actor_entity,
                                None if source == "peer" else self._signer())

    def valid(self, entity_uri: str) -> dict[str, Any] | None:
        """The valid manifest listing ``entity_uri`` now (``storage.manifests.valid_manifest``)."""
        with self.store.db.reading() as conn:
            return rows.valid_manifest(conn, entity_uri, self.store.now_dt())

    async def fetch_peer(self, client: httpx.AsyncClient, peer: PeerRow) -> dict[str, Any] | None:
        """Fetch, verify and keep ``peer``'s well-known manifest; None when it has no acceptable one."""
        return await self._fetch(client, peer.node_url, peer.node_id, keep=True)

    async def vet_peer(self, client: httpx.AsyncClient, node_url: str, node_id: str, log_url: str | None,
                       trust_mode: TrustMode) -> PeerTrust:
        """The peer's manifest judged with its log evidence in ``trust_mode`` (STG-TLOG-008/009); an accepted one
        is kept, a refused one is not (strict: "the manifest is not trusted")."""
        served = await self._fetch(client, node_url, node_id, keep=False)
        if served is None:
            return PeerTrust(None)
        verdict = await manifest_verdict(client, served, node_url, log_url, trust_mode)
        if not verdict.accepted:
            return PeerTrust(None, verdict, served)
        try:
            self.publish(served, "peer")
        except ManifestError as exc:
            log.warning("the manifest of %s is refused: %s: %s", node_id, exc.code, exc.detail)
            return PeerTrust(None)
        proven = trust_mode != "off" and verdict.warning is None
        return PeerTrust("manifest_log_proof" if proven else "manifest", verdict, served)

    async def _fetch(self, client: httpx.AsyncClient, node_url: str, node_id: str, keep: bool
                     ) -> dict[str, Any] | None:
        url = node_url.rstrip("/") + WELL_KNOWN
        try:
            fetched = await get_json(client, url)
        except (httpx.HTTPError, TimeoutError, OSError, BodyTooLarge) as exc:
            log.info("manifest of %s not fetched: %s", node_id, type(exc).__name__)
            return None
        body = fetched.body
        if fetched.status != 200 or not isinstance(body, dict):
            log.info("%s serves no manifest (%s)", node_id, fetched.status)
            return None
        # STG-MAN-004: the manifest must list the peer's node_id itself, not by implication.
        if not manifests.covers(body, node_id):
            log.warning("the manifest %s serves does not list its node_id", node_id)
            return None
        if not keep:
            return body
        try:
            self.publish(body, "peer")
        except ManifestError as exc:
            log.warning("the manifest of %s is refused: %s: %s", node_id, exc.code, exc.detail)
            return None
        return body
