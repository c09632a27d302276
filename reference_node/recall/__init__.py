"""Recall, the graph index and embeddings of the reference node (seed Architecture "Graph index and recall
pipeline"; Spec-07; Spec-X11-Recall-Graph).

``RecallService`` holds the embedder and the vec_facts sidecar of one store: at start it materializes missing
entity edges and checks the embedding dimension; before each recall it embeds the facts written since the last one.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from reference_node.protocol.facts import SCOPES
from reference_node.recall.cards import CardService
from reference_node.recall.config import DEFAULT_RECALL, RecallConfig
from reference_node.recall.embedders import Embedder, make_embedder
from reference_node.recall.pipeline import RecallRequest, recall
from reference_node.recall.vectors import DimensionMismatch, VectorIndex
from reference_node.storage import Store, entity_edges
from reference_node.storage.garden_acl import Reader

__all__ = ["DimensionMismatch", "RecallConfig", "RecallRequest", "RecallService", "sidecar_path"]


def sidecar_path(db_path: str) -> str:
    """Where vec_facts lives: beside the database file (in memory for an in-memory database)."""
    return db_path if db_path == ":memory:" or db_path.startswith("file::memory:") else db_path + "-vec"


class RecallService:
    def __init__(self, store: Store, config: RecallConfig = DEFAULT_RECALL, embedder: Embedder | None = None) -> None:
        self.store = store
        self.config = config
        self.embedder = embedder or make_embedder(config)
        self.index = VectorIndex(sidecar_path(store.db.path), self.embedder, config.min_confidence)
        self.cards = CardService(store, config.card_max_age_s)
        with store.db.transaction() as conn:
            entity_edges.backfill(conn)

    def close(self) -> None:
        self.cards.close()
        self.index.close()

    def describe(self) -> dict[str, Any]:
        """The discovery ``embedding`` object (A20 §20.2: MUST be advertised)."""
        return {"provider": self.config.provider, "model": self.config.model, "dimensions": self.embedder.dimensions,
                "normalized": "l2", "min_confidence": self.config.min_confidence,
                "available": self.index.available, **({"reason": self.index.reason} if self.index.reason else {})}

    def catch_up(self) -> int:
        with self.store.db.reading() as conn:
            return self.index.catch_up(conn)

    def recall(self, req: RecallRequest, reader: Reader) -> dict[str, Any]:
        now = self.store.now_us()
        with self.store.db.reading() as conn:
            self.index.catch_up(conn)
            body = recall(conn, self.index, req, reader, now)
        if req.entity is not None:
            body["memory_card"] = self.card(req.entity, req.scopes, req.garden_id, reader, req.force_refresh)
        returned = [r["id"] for r in body["results"]]
        if returned:
            # A20 §20.3.3: access_count is incremented for every fact returned.
            with self.store.db.transaction() as conn:
                _count_access(conn, returned, now)
        return body


    def card(self, entity: str, scopes: tuple[str, ...], garden_id: str | None, reader: Reader,
             force_refresh: bool = False) -> dict[str, Any] | None:
        """The memory card of an entity-centric recall: the cover (entity, scope, garden_id) in the first of the
        caller's scopes, in the order local, team, company, public, that has one (interpretation
        recall_card_cover)."""
        for scope in (s for s in SCOPES if s in scopes):
            found = self.cards.card(entity, scope, garden_id, reader, force_refresh)
            if found is not None:
                return found
        return None


def _count_access(conn: sqlite3.Connection, fact_ids: list[str], now_us: int) -> None:
    conn.executemany("INSERT INTO fact_access (fact_id, n, last_us) VALUES (?, 1, ?) "
                     "ON CONFLICT (fact_id) DO UPDATE SET n = n + 1, last_us = excluded.last_us",
                     [(fact_id, now_us) for fact_id in fact_ids])
