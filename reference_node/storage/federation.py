"""The node's federation state: its key, its peers, pull cursors, the nonce cache and the audit log.

docs/federation-api.md. One ``FederationStore`` per node, over the node's ``Store`` (same database, clock and
HLC, STG-HLC-012: one clock shared by requests and the puller). Every method is one transaction, except
``ingest``, which is one transaction per pulled page (STG-FED-022, STG-FED-032).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from reference_node.clock import format_timestamp
from reference_node.protocol import replay
from reference_node.protocol.facts import FactOptions
from reference_node.protocol.replication import TrustMode
from reference_node.storage import audit, key_rotations, nonces, replication
from reference_node.storage import peers as peer_rows
from reference_node.storage.errors import StoreError
from reference_node.storage.peers import PeerRow
from reference_node.storage.store import Store

__all__ = ["FederationStore"]


class FederationStore:
    """Federation tables of one node's database."""

    def __init__(
        self, store: Store, max_text_bytes: int, audit_bounds: audit.AuditBounds = audit.DEFAULT_BOUNDS
    ) -> None:
        self.store = store
        self.db = store.db
        self._options = FactOptions(max_text_bytes=max_text_bytes)
        self._last_prune_ms = 0
        self.trust_mode: TrustMode = "relaxed"  # set from Settings by the federation service (A20 §19.4)
        with self.db.transaction() as conn:
            audit.set_bounds(conn, audit_bounds)

    def now(self) -> str:
        return format_timestamp(self.store.now_us())

    def now_ms(self) -> int:
        return self.store.now_us() // 1000

    # The node's key.

    def signing_seed(self) -> bytes:
        """The active federation key's seed; generated (and kept) on first use."""
        with self.db.transaction() as conn:
            seed = key_rotations.active_seed(conn)
            if seed is None:
                seed = secrets.token_bytes(32)
                key_rotations.store_key(conn, seed, self.now())
            return seed

    def rotate_key(self, entity_uri: str, actor_entity: str | None = None) -> dict[str, Any]:
        """Rotate the federation key (docs/federation-api.md "Key rotation"); the signed log entry."""
        self.signing_seed()
        now = self.now()
        with self.db.transaction() as conn:
            return key_rotations.rotate(conn, entity_uri, now[:19] + "Z", now, actor_entity)

    def rotation_log(self) -> tuple[str | None, list[dict[str, Any]]]:
        with self.db.reading() as conn:
            return key_rotations.log(conn)

    def peer_rotations(self, peer_id: str) -> list[dict[str, Any]]:
        with self.db.reading() as conn:
            return key_rotations.peer_chain(conn, peer_id)

    def save_peer_rotations(self, peer_id: str, entries: list[dict[str, Any]]) -> bool:
        with self.db.transaction() as conn:
            return key_rotations.save_peer_chain(conn, peer_id, entries, self.now())

    # Peers.

    def peer(self, peer_id: str) -> PeerRow | None:
        with self.db.reading() as conn:
            return peer_rows.by_id(conn, peer_id)

    def peer_by_node_id(self, node_id: str) -> PeerRow | None:
        with self.db.reading() as conn:
            return peer_rows.by_node_id(conn, node_id)

    def peers(self, status: str | None = None) -> list[PeerRow]:
        with self.db.reading() as conn:
            return peer_rows.listing(conn, status)

    def register(self, declaration: dict[str, Any], status: str, reason: str | None) -> PeerRow:
        """Record a verified (or rejected) declaration; 409 peer_already_registered unless new or rejected."""
        now = self.now()
        with self.db.transaction() as conn:
            existing = peer_rows.by_node_id(conn, declaration["node_id"])
            if existing is not None and existing.status != "rejected":
                raise StoreError("peer_already_registered", f"{existing.node_id} is already a peer "
                                 f"({existing.peer_id}, {existing.status})", peer_id=existing.peer_id)
            passed = status in ("active", "pending_approval")
            peer_rows.save(
                conn,
                PeerRow(
                    peer_id=str(uuid.uuid4()),
                    node_id=declaration["node_id"],
                    node_url=declaration["node_url"],
                    federation_pubkey=declaration["federation_pubkey"],
                    allowed_scopes=tuple(declaration["allowed_scopes"]),
                    status=status,
                    registered_at=now,
                    verified_at=now if passed else None,
                    established_at=now if status == "active" else None,
                    rejected_reason=reason,
                    rejected_at=None if passed else now,
                ),
                declaration,
            )
            saved = peer_rows.by_node_id(conn, declaration["node_id"])
        if saved is None:
            raise StoreError("internal_error", "the peer row vanished")
        return saved

    def approve(self, peer_id: str) -> PeerRow:
        """POST /v1/federation/peers/{peer_id}/approve: pending_approval -> active."""
        with self.db.transaction() as conn:
            peer = peer_rows.by_id(conn, peer_id)
            if peer is None:
                raise StoreError("peer_not_found", f"no peer {peer_id}")
            if not peer_rows.approve(conn, peer_id, self.now()):
                raise StoreError("peer_not_pending", f"peer {peer_id} is {peer.status}, not pending_approval")
            approved = peer_rows.by_id(conn, peer_id)
        if approved is None:
            raise StoreError("internal_error", "the peer row vanished")
        return approved

    # Peer tokens.

    def nonce_seen(self, nonce: str, now_ms: int) -> bool:
        with self.db.reading() as conn:
            return nonces.seen(conn, nonce, now_ms)

    def accept_nonce(self, nonce: str, issuer: str, exp_ms: int, now_ms: int) -> bool:
        """Remember an accepted token's nonce (STG-TOK-007); False if it was taken meanwhile. Prunes lazily."""
        with self.db.transaction() as conn:
            if now_ms - self._last_prune_ms >= nonces.PRUNE_EVERY_MS:
                nonces.prune(conn, now_ms)
                self._last_prune_ms = now_ms
            return nonces.accept(conn, nonce, issuer, exp_ms, now_ms, replay.retain_until(exp_ms, now_ms))

    # Audit.

    def audit(
        self,
        event_type: str,
        reason: str,
        *,
        peer: PeerRow | None = None,
        peer_node_id: str | None = None,
        fact_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self.db.transaction() as conn:
            audit.write(
                conn, event_type, reason, self.now(), peer_id=peer.peer_id if peer else None,
                peer_node_id=peer.node_id if peer else peer_node_id, fact_id=fact_id, detail=detail,
            )

    def audit_page(
        self, peer_id: str | None, event_type: str | None, before_seq: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int | None]:
        with self.db.reading() as conn:
            rows = audit.page(conn, peer_id, event_type, before_seq, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return [row.public() for row in rows], (rows[-1].seq if more and rows else None)

    # Replication.

    def serve(
        self, scopes: Sequence[str], after: tuple[str, str] | None, limit: int, max_bytes: int
    ) -> tuple[list[dict[str, Any]], tuple[str, str] | None, bool]:
        with self.db.reading() as conn:
            return replication.served_page(conn, scopes, after, limit, max_bytes)

    def cursor(self, peer_id: str) -> str | None:
        with self.db.reading() as conn:
            return peer_rows.cursor(conn, peer_id)

    def ingest(self, peer: PeerRow, facts: Sequence[object], cursor: str | None) -> replication.IngestResult:
        """One pulled page and its cursor, in one transaction (docs/federation-api.md "Ingest")."""
        ctx = replication.IngestContext(self.store.clock, self.store.hlc, self.store.stamp, self._options,
                                        self.store.cardinality, self.trust_mode)
        with self.db.transaction() as conn:
            return replication.ingest_page(conn, ctx, peer, facts, cursor)
