"""One node's federation: its identity and key, declarations, registration, peer tokens and the puller.

docs/federation-api.md. The node signs its own declarations (STG-SIG-001) and peer tokens (STG-TOK-001, a fresh
nonce per request, STG-RPL-002) with its Ed25519 federation key; registration fetches the declarer's discovery
document (STG-FED-003, bounded to 5 s) and judges it with ``protocol.peering`` (STG-FED-005..007), re-fetching it
once when the node id or key differs (STG-FED-016). ``start``/``stop`` run the pull loop as an asyncio task for
the app's lifespan; the HTTP client is created there, in the serving event loop. With mTLS (docs/federation-api.md
"mTLS") a declarer is reached over https only and its certificate must name the node_id it declares.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from typing import Any

import httpx

from reference_node.clock import format_timestamp
from reference_node.federation import peer_keys
from reference_node.federation.key_file import load_seed
from reference_node.federation.manifests import NodeManifests, PeerTrust
from reference_node.federation.outbound import BodyTooLarge, get_json, new_client
from reference_node.federation.puller import Puller, PullOutcome
from reference_node.federation.revocations import IssuerRevocations
from reference_node.federation.transparency import audit_verdict
from reference_node.protocol import peer_tokens, peering, replay
from reference_node.protocol import tls as tls_rules
from reference_node.protocol.replication import NEVER_FEDERATED
from reference_node.settings import Settings
from reference_node.storage import Store
from reference_node.storage.errors import StoreError
from reference_node.storage.federation import FederationStore
from reference_node.storage.peers import PeerRow
from reference_node.storage.source_trust import TrustScorer
from reference_node.storage.transparency_log import LogSigner
from reference_node.storage.trust_cache import open_cache
from reference_node.tls_contexts import client_context

__all__ = ["Federation"]

log = logging.getLogger("reference_node.federation")

# Verification steps whose failure a fresh discovery document could cure (a key rotation in between).
_REFETCH_ON = frozenset({"node_id_mismatch", "pubkey_mismatch"})


def _storable(text: object, limit: int = 256) -> str | None:
    """Client text cut to ``limit`` characters, unpaired surrogates replaced, so SQLite can store it."""
    if not isinstance(text, str):
        return None
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


class Federation:
    """Federation of one node; built by ``create_app`` when the node runs with ``--federation``."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.node_id = store.node_id
        self.store = FederationStore(store, settings.max_text_bytes, settings.audit,
                                     open_cache(settings.trust_cache, store.db, store.node_id))
        self.store.trust_mode = settings.trust_mode
        self.store.trust = TrustScorer(settings.trust_mode, settings.trust_weights)  # A20 §19.4 (STG-TRUST-001)
        # An operator's key file is used as given; otherwise the database's active key, read at each signature, so
        # a rotation (``key rotate``, or the admin route) takes effect without a restart (STG-KEY-020).
        self.key_file_seed = load_seed(settings.federation_key_file) if settings.federation_key_file else None
        self._seed()
        self.log_origin = self.store.log_origin()  # the transparency log's name, fixed on first start
        # STG-MAN-011: the node's own manifest exists from start (and is re-signed before expiry when served);
        # STG-TLOG-011: it is logged with the log key (a key-file node's own key).
        self.manifests = NodeManifests(self.store, self.node_id, self.log_signer)
        self.manifests.own(self._seed())
        self._verdicts: dict[str, tuple[str | None, str | None]] = {}  # node_id -> last audited log verdict
        self.puller = Puller(self, settings.pull_interval_s, settings.pull_backoff_max_s)
        # STG-TLS-010/011: with mTLS every outbound request presents our certificate and verifies the peer's.
        self.tls = client_context(settings) if settings.mtls else None
        self._rotation_fetches: dict[str, int] = {}  # peer_id -> when its rotation log was last fetched (ms)
        self.revocations = IssuerRevocations()  # other issuers' revocation lists (A20 §19.3.4)
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None

    # Lifespan.

    async def start(self) -> None:
        """Create the HTTP client and start the pull loop (inside the serving event loop)."""
        self._client = new_client(self.tls)
        if self.settings.pull_loop:  # STG-WORK-009: with --workers N only the first worker runs the loop
            self._task = asyncio.create_task(self.puller.run(), name="stigmem-federation-puller")

    async def stop(self) -> None:
        """Cancel the pull loop and close the client; a page being ingested commits or rolls back first."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self.store.nonces.close()

    @asynccontextmanager
    async def http(self) -> AsyncIterator[httpx.AsyncClient]:
        """The node's client; outside a running lifespan (in-process tests) a short-lived one."""
        if self._client is not None:
            yield self._client
            return
        async with new_client(self.tls) as client:
            yield client

    # What this node signs.

    def declaration(self, node_url: str, allowed_scopes: Iterable[str]) -> dict[str, Any]:
        """GET /v1/federation/declaration: this node's declaration, freshly signed."""
        signed_at = format_timestamp(self.store.store.now_us())[:19] + "Z"
        return peering.declaration(node_url, self.node_id, allowed_scopes, signed_at, self._seed())

    def token_for(self, peer: PeerRow) -> str:
        """A fresh peer token for one request to ``peer`` (scopes: what the peer declared it shares)."""
        scopes = [scope for scope in peer.allowed_scopes if scope not in NEVER_FEDERATED]
        claims = replay.claims(self.node_id, peer.node_id, self.store.now_ms(), str(uuid.uuid4()), scopes)
        return peer_tokens.sign(claims, self._seed())

    def signing_seed(self) -> bytes:
        """The seed the node signs with now (the key file's, else the database's active key): also what signs its
        manifests, capability tokens and tombstones (Spec-X2; api/tombstones.py)."""
        return self._seed()

    def _seed(self) -> bytes:
        return self.key_file_seed if self.key_file_seed is not None else self.store.signing_seed()

    def log_signer(self) -> LogSigner:
        """The transparency log's signer: its origin and the current federation key (docs/federation-api.md)."""
        return LogSigner(self.log_origin, self._seed())

    @property
    def public_key(self) -> str:
        """The current federation key, base64url (discovery's ``federation_pubkey``)."""
        return peering.public_key(self._seed())

    def rotate_key(self, actor_entity: str | None = None) -> dict[str, Any]:
        """Rotate the database key to a fresh one; refused when the node signs with a key file."""
        if self.key_file_seed is not None:
            raise StoreError("key_file_in_use", "this node signs with --federation-key-file; replace the file")
        return self.store.rotate_key(self.node_id, actor_entity)

    # Peers' keys (STG-KEY-018).

    def peer_keys(self, peer: PeerRow) -> tuple[str, ...]:
        """The keys a token of ``peer`` may be signed with now: its registered key or its followed chain's."""
        return peer_keys.trusted_keys(self.store, peer)

    async def follow_rotation(self, peer: PeerRow) -> bool:
        """Fetch and verify the peer's rotation log; True when a longer chain is now followed."""
        async with self.http() as client:
            return await peer_keys.follow(self.store, client, peer, self._rotation_fetches)

    # Registration.

    async def _discover(self, node_url: str, node_id: str) -> dict[str, Any] | str:
        url = node_url.rstrip("/") + "/.well-known/stigmem"
        # STG-TLS-009: with mTLS a peer is reached over https only.
        if self.tls is not None and not url.lower().startswith("https://"):
            return "tls_required"
        try:
            async with self.http() as client:
                fetched = await get_json(client, url)
        except (httpx.HTTPError, TimeoutError, OSError, BodyTooLarge) as exc:
            log.warning("discovery of %s failed: %s: %s", url, type(exc).__name__, exc)
            return "discovery_unreachable"
        if fetched.status != 200 or not isinstance(fetched.body, dict):
            return "discovery_invalid"
        # STG-TLS-012: the declarer's certificate names the node_id it declares (plain HTTP was refused above).
        if fetched.peer_uris is not None and not tls_rules.san_names(node_id, fetched.peer_uris):
            return "san_mismatch"
        return fetched.body

    async def verify(self, declaration: dict[str, Any]) -> str | None:
        """Verification of a well-formed declaration: None when it passes, else the rejection reason."""
        if declaration["node_id"] == self.node_id:
            return "own_node_id"
        reason: str | None = None
        for _ in range(2):
            discovered = await self._discover(declaration["node_url"], declaration["node_id"])
            if isinstance(discovered, str):
                return discovered
            reason = peering.verification_failure(declaration, discovered)
            if reason not in _REFETCH_ON:
                return reason
        return reason

    async def register(self, declaration: dict[str, Any]) -> PeerRow:
        """POST /v1/federation/peers after the shape check: verify, then record active/pending/rejected."""
        existing = self.store.peer_by_node_id(declaration["node_id"])
        if existing is not None and existing.status != "rejected":
            # Checked again inside the write (a concurrent registration); this spares the discovery fetch.
            raise StoreError("peer_already_registered", f"{existing.node_id} is already a peer ({existing.status})",
                             peer_id=existing.peer_id)
        reason = peering.signed_at_problem(declaration["signed_at"], self.store.now_ms(),
                                           self.settings.declaration_max_age_s)
        if reason is None:
            reason = await self.verify(declaration)
        if reason is None:
            trust = await self.vet(declaration["node_url"], declaration["node_id"])
            if trust.refused and trust.verdict is not None and trust.verdict.code is not None:
                # STG-TLOG-008: strict mode fails closed on the peer's manifest: 400 inclusion_proof_invalid, 503
                # transparency_log_unavailable; nothing is stored, so a registration may be retried.
                raise StoreError(trust.verdict.code, f"the manifest of {declaration['node_id']} is not trusted: "
                                 f"{trust.verdict.detail}")
        passed = "pending_approval" if self.settings.peer_approval else "active"
        status = passed if reason is None else "rejected"
        peer = self.store.register(declaration, status, reason)
        if reason is not None:
            self.store.audit("rejected_declaration", reason, peer=peer, detail=f"declaration of {peer.node_id}")
        if peer.status == "active":
            self.puller.wake()
        return peer

    async def fetch_manifest(self, peer: PeerRow) -> dict[str, Any] | None:
        """Fetch, verify and keep ``peer``'s well-known manifest (docs/federation-api.md "Manifests")."""
        async with self.http() as client:
            return await self.manifests.fetch_peer(client, peer)

    async def vet(self, node_url: str, node_id: str) -> PeerTrust:
        """The peer's manifest and its log evidence in this node's trust mode (A20 §19.2, §19.4); a verdict
        reached without valid evidence is audited when it differs from the last one audited for that peer."""
        async with self.http() as client:
            trust = await self.manifests.vet_peer(client, node_url, node_id, self.settings.transparency_log_url,
                                                  self.settings.trust_mode)
        verdict = trust.verdict
        if verdict is not None:
            seen = (verdict.code, verdict.warning)
            if self._verdicts.get(node_id) != seen:
                if len(self._verdicts) >= 10_000:
                    self._verdicts.clear()
                self._verdicts[node_id] = seen
                # STG-TLOG-009: relaxed accepts with a warning, audited; strict's refusal is audited too.
                audit_verdict(self.store.db, verdict, node_id, self.settings.trust_mode, self.store.now())
        return trust

    async def peer_trust(self, peer: PeerRow) -> PeerTrust:
        """Before a pull: how ``peer`` is known now (its manifest re-fetched and judged, STG-TLOG-008)."""
        return await self.vet(peer.node_url, peer.node_id)

    def reject_declaration(self, declaration: Any, reason: str, detail: str) -> None:
        """Audit a declaration refused before verification (Spec-05 §Audit: peer rejected)."""
        node_id = declaration.get("node_id") if isinstance(declaration, dict) else None
        self.store.audit("rejected_declaration", reason, peer_node_id=_storable(node_id), detail=_storable(detail),
                         refused_connect=True)

    def approve(self, peer_id: str) -> PeerRow:
        peer = self.store.approve(peer_id)
        self.puller.wake()
        return peer

    async def pull_all(self, skip: frozenset[str] = frozenset()) -> list[PullOutcome]:
        return await self.puller.pull_all(skip)
