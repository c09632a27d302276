"""The node's federation state: its key, its peers, pull cursors, the nonce cache and the audit log.

docs/federation-api.md. One ``FederationStore`` per node, over the node's ``Store`` (same database, clock and
HLC, STG-HLC-012: one clock shared by requests and the puller). Every method is one transaction, except
``ingest``, which is one transaction per pulled page (STG-FED-022, STG-FED-032).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from reference_node.clock import format_timestamp
from reference_node.protocol import base64url, manifests, peering, replay
from reference_node.protocol.facts import FactOptions
from reference_node.protocol.replication import TrustMode
from reference_node.storage import audit, audit_log, federation_keys, key_rotations, replication, transparency_log
from reference_node.storage import manifests as manifest_rows
from reference_node.storage import peers as peer_rows
from reference_node.storage.errors import StoreError
from reference_node.storage.peers import PeerRow
from reference_node.storage.source_trust import TrustScorer
from reference_node.storage.store import Store
from reference_node.storage.trust_cache import NonceCache, SqliteNonceCache

__all__ = ["ANY_CURSOR", "FederationStore"]

ANY_CURSOR = object()  # ``ingest(..., pulled_from=ANY_CURSOR)``: ingest whatever the stored cursor


class FederationStore:
    """Federation tables of one node's database."""

    def __init__(
        self, store: Store, max_text_bytes: int, audit_bounds: audit.AuditBounds = audit.DEFAULT_BOUNDS,
        nonce_cache: NonceCache | None = None,
    ) -> None:
        self.store = store
        self.db = store.db
        self._options = FactOptions(max_text_bytes=max_text_bytes)
        # STG-WORK-005: the nonce cache behind one interface (storage/trust_cache.py), SQLite by default.
        self.nonces: NonceCache = nonce_cache or SqliteNonceCache(store.db)
        self.trust_mode: TrustMode = "relaxed"  # set from Settings by the federation service (A20 §19.4)
        self.trust = TrustScorer()  # its trust_mode and weights set likewise (storage/source_trust.py)
        with self.db.transaction() as conn:
            audit.set_bounds(conn, audit_bounds)

    def now(self) -> str:
        return format_timestamp(self.store.now_us())

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.store.now_us() / 1_000_000, UTC)

    def now_ms(self) -> int:
        return self.store.now_us() // 1000

    # The node's key.

    def signing_seed(self) -> bytes:
        """The active federation key's seed; generated (and kept) on first use."""
        with self.db.transaction() as conn:
            seed = federation_keys.active_seed(conn)
            if seed is None:
                seed = secrets.token_bytes(32)
                federation_keys.store_key(conn, seed, self.now())
            return seed

    def rotate_key(self, entity_uri: str, actor_entity: str | None = None) -> dict[str, Any]:
        """Rotate the federation key (docs/federation-api.md "Key rotation"); the signed log entry."""
        self.signing_seed()
        now = self.now()
        with self.db.transaction() as conn:
            old_seed = federation_keys.active_seed(conn)
            latest = manifest_rows.current(conn, entity_uri)
            follows = old_seed is not None and latest is not None and latest["key_id"] == manifests.key_id(
                base64url.decode(peering.public_key(old_seed), length=32))
            entry = key_rotations.rotate(conn, entity_uri, now[:19] + "Z", now, actor_entity, follows)
            new_seed = federation_keys.active_seed(conn)
            # STG-MAN-010: the node's manifest is re-submitted under the new key, with the event the old key signs.
            if old_seed is not None and new_seed is not None:
                resigned = manifest_rows.record_rotation(conn, entity_uri, old_seed, new_seed, entry["rotated_at"],
                                                         self.now_dt(), now)
                index = entry["manifest_log_index"]
                if index is not None and (resigned is None or transparency_log.index_of_body(
                        conn, "manifest", resigned) != index):
                    # The entry names a log index its manifest did not get: undo the whole rotation.
                    raise StoreError("internal_error", "the re-signed manifest was not logged where the rotation "
                                     "entry says")
            return entry

    def log_origin(self) -> str:
        """The transparency log's origin line, stored the first time (``<authority>/transparency-log``)."""
        with self.db.transaction() as conn:
            return transparency_log.configure(conn, self.store.authority)

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
            # STG-AUDIT-022: the registration's outcome is a federation_connect event in its transaction.
            audit_log.append(conn, "federation_connect", "success" if passed else "denied", now,
                             metadata={"peer_node_id": declaration["node_id"], "decision": status,
                                       "peer_id": None if saved is None else saved.peer_id, "reason": reason})
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
            audit_log.append(conn, "federation_connect", "success", self.now(),
                             metadata={"peer_node_id": peer.node_id, "decision": "approved", "peer_id": peer_id})
        if approved is None:
            raise StoreError("internal_error", "the peer row vanished")
        return approved

    # Peer tokens.

    def nonce_seen(self, nonce: str, now_ms: int) -> bool:
        return self.nonces.seen(nonce, now_ms)

    def accept_nonce(self, nonce: str, issuer: str, exp_ms: int, now_ms: int) -> bool:
        """Remember an accepted token's nonce (STG-TOK-007); False if it was taken meanwhile (STG-WORK-001)."""
        return self.nonces.accept(nonce, issuer, exp_ms, now_ms, replay.retain_until(exp_ms, now_ms))

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
        refused_connect: bool = False,
    ) -> None:
        """One federation audit event (mirrored into the audit log); ``refused_connect``: also a federation_connect
        event with decision rejected, for a declaration refused before verification (STG-AUDIT-022)."""
        at = self.now()
        with self.db.transaction() as conn:
            audit.write(
                conn, event_type, reason, at, peer_id=peer.peer_id if peer else None,
                peer_node_id=peer.node_id if peer else peer_node_id, fact_id=fact_id, detail=detail,
            )
            if refused_connect:
                audit_log.append(conn, "federation_connect", "denied", at,
                                 metadata={"peer_node_id": audit.bounded(peer_node_id), "decision": "rejected",
                                           "reason": reason})

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

    def ingest(self, peer: PeerRow, facts: Sequence[object], cursor: str | None,
               pulled_from: object = ANY_CURSOR, identity: str | None = None) -> replication.IngestResult | None:
        """One pulled page and its cursor, in one transaction (docs/federation-api.md "Ingest").

        With ``pulled_from`` (the cursor the page was fetched with) the page is ingested only if the stored cursor
        is still that one, else None: another worker pulled the same peer meanwhile (STG-WORK-009). ``identity`` is
        how the peer's manifest vouches for it (``federation.manifests.PeerTrust.identity``; None: no manifest)."""
        ctx = replication.IngestContext(self.store.clock, self.store.hlc, self.store.stamp, self._options,
                                        self.store.cardinality, self.trust_mode, self.trust, identity)
        with self.db.transaction() as conn:
            if pulled_from is not ANY_CURSOR and peer_rows.cursor(conn, peer.peer_id) != pulled_from:
                return None
            return replication.ingest_page(conn, ctx, peer, facts, cursor)
