"""Memory cards of the reference node: stored, served, refreshed (seed Architecture "Memory cards"; A20 §20.4).

A card covers one (entity, scope, garden_id) and is built by ``reference_node.protocol.cards.build`` from the live
facts of that cover. It is kept in ``memory_cards`` with the digest of the facts and conflicts it was built from.
Every read hashes the cover's live facts again: a new fact, a retraction, a decay or confidence change, an expiry, a
tombstone or a conflict resolution changes the digest, and so does nothing else, so the card is invalidated the
moment it diverges (refresh on assert and on decay); a card older than STIGMEM_CARD_MAX_AGE_S is stale too. A stale
card is served with ``card_stale: true`` while its refresh runs on a background thread; ``force_refresh`` waits for
the refresh at most 500 ms, then serves the stale card with ``force_refresh_timeout: true``. R2 (STG-REC-014): a
card of a garden the caller may not read is never served, and nothing in a card counts facts outside its cover.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from reference_node.clock import format_timestamp
from reference_node.protocol import cards as rules
from reference_node.recall import suppression
from reference_node.recall.vectors import value_text
from reference_node.storage import Store
from reference_node.storage import gardens as garden_rows
from reference_node.storage.garden_acl import RELEASED, Reader

__all__ = ["FORCE_REFRESH_S", "CardService"]

FORCE_REFRESH_S = 0.5  # seed: force_refresh blocks on regeneration, bounded to 500 ms
_Cover = tuple[str, str, str | None]
_LIVE = ("SELECT f.id, f.relation, f.value_type, f.value_v, f.confidence, f.source_trust, f.hlc FROM facts f "
         "WHERE f.entity = ? AND f.scope = ? AND f.garden_id IS ? AND f.confidence > 0 AND f.origin != 'system' "
         f"AND {RELEASED.format(column='f.id')} AND (f.valid_until_us IS NULL OR f.valid_until_us > ?) "
         "AND NOT EXISTS (SELECT 1 FROM facts r WHERE r.entity = f.entity AND r.relation = f.relation AND "
         "r.scope = f.scope AND r.garden_id IS f.garden_id AND r.confidence = 0 AND r.hlc > f.hlc)")


class CardService:
    def __init__(self, store: Store, max_age_s: float) -> None:
        self.store = store
        self.max_age_us = int(max_age_s * 1_000_000)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="card-refresh")
        self._pending: dict[_Cover, Future[dict[str, Any] | None]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def card(self, entity: str, scope: str, garden_id: str | None, reader: Reader,
             force_refresh: bool = False) -> dict[str, Any] | None:
        """The card of one cover as the caller may see it, or None (no live facts, a garden it cannot read, a
        tombstoned entity)."""
        cover = (entity, scope, garden_id)
        now = self.store.now_us()
        with self.store.db.reading() as conn:
            # STG-REC-014 (R2): the caller's garden ACL against the card's garden_id before anything is read.
            if garden_id is not None and not garden_rows.readable(conn, garden_id, reader):
                return None
            # A20 §23.3: cards about a tombstoned entity are fully suppressed.
            if suppression.tombstoned_entities(conn, {entity}, scope):
                return None
            facts, conflicts = _live(conn, cover, now)
            stored = conn.execute("SELECT card, digest, generated_us FROM memory_cards WHERE entity = ? AND "
                                  "scope = ? AND garden = ?", (entity, scope, garden_id or "")).fetchone()
        if not facts:
            return None
        digest = _digest(facts, conflicts)
        if stored is None:
            return self._store(cover, facts, conflicts, digest, now)
        record, fresh = json.loads(stored[0]), stored[1] == digest and now - stored[2] <= self.max_age_us
        if fresh:
            return {**record, "card_stale": False}
        future = self._enqueue(cover)
        if force_refresh:
            try:
                refreshed = future.result(timeout=FORCE_REFRESH_S)
                if refreshed is not None:
                    return {**refreshed, "card_stale": False, "force_refresh_timeout": False}
            except FutureTimeout:
                return {**record, "card_stale": True, "force_refresh_timeout": True}
        return {**record, "card_stale": True}

    def _enqueue(self, cover: _Cover) -> Future[dict[str, Any] | None]:
        with self._lock:
            pending = self._pending.get(cover)
            if pending is None or pending.done():
                pending = self._pool.submit(self._refresh, cover)
                self._pending[cover] = pending
            return pending

    def _refresh(self, cover: _Cover) -> dict[str, Any] | None:
        now = self.store.now_us()
        with self.store.db.reading() as conn:
            facts, conflicts = _live(conn, cover, now)
        if not facts:
            return None
        return self._store(cover, facts, conflicts, _digest(facts, conflicts), now)

    def _store(self, cover: _Cover, facts: list[rules.CardFact], conflicts: list[tuple[str, str]], digest: str,
               now_us: int) -> dict[str, Any]:
        entity, scope, garden_id = cover
        card = rules.build(entity, scope, garden_id, facts, conflicts)
        record = _record(card, len(facts), now_us)
        with self.store.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO memory_cards (entity, scope, garden, card, digest, generated_us) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (entity, scope, garden_id or "", json.dumps(record), digest,
                                                       now_us))
        return {**record, "card_stale": False}


def _live(conn: sqlite3.Connection, cover: _Cover, now_us: int) -> tuple[list[rules.CardFact], list[tuple[str, str]]]:
    """The cover's live facts (tombstone-suppressed ones left out) and the unresolved conflicts among them."""
    entity, scope, garden_id = cover
    rows = conn.execute(_LIVE, (entity, scope, garden_id, now_us)).fetchall()
    hidden = suppression.suppressed_facts(conn, [r[0] for r in rows])
    facts = [rules.CardFact(r[0], r[1], value_text(r[2], r[3]), float(r[4]), None if r[5] is None else float(r[5]),
                            r[6]) for r in rows if r[0] not in hidden]
    ids = {f.id for f in facts}
    conflicts: list[tuple[str, str]] = []
    if ids:
        marks = ",".join("?" * len(ids))
        conflicts = [(a, b) for a, b in conn.execute(
            f"SELECT fact_a, fact_b FROM conflicts WHERE status = 'unresolved' AND fact_a IN ({marks})",
            tuple(sorted(ids))) if b in ids]
    return facts, sorted(conflicts)


def _digest(facts: list[rules.CardFact], conflicts: list[tuple[str, str]]) -> str:
    state = [sorted((f.id, f.confidence, f.source_trust) for f in facts), conflicts]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()


def _record(card: rules.Card, live: int, now_us: int) -> dict[str, Any]:
    """The card as served: the shape of a fact record (relation stigmem:memory:card, a text value) plus what it
    covers. Every count is of the cover's own live facts."""
    key = json.dumps([card.entity, card.scope, card.garden_id])
    return {"id": "card:" + hashlib.sha256(key.encode()).hexdigest()[:32], "entity": card.entity,
            "relation": rules.CARD_RELATION, "value": {"type": "text", "v": card.markdown},
            "source": rules.CARD_SOURCE, "confidence": 1.0, "scope": card.scope, "garden_id": card.garden_id,
            "fact_ids": list(card.fact_ids), "contradicted_ids": list(card.contradicted_ids),
            "contradicted_count": len(card.contradicted_ids), "fact_count": len(card.fact_ids),
            "omitted": card.omitted, "live_facts": live, "tokens": card.tokens,
            "generated_at": format_timestamp(now_us)}
