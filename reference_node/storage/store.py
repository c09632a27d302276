"""The node's state: one database, one clock, one HLC, and the operations the API runs on them.

Every write runs in one transaction (never half-written, STG-HTTP-003) and ticks the single node HLC inside it, so
commit order is HLC order and keyset pagination never skips a row (STG-HTTP-011). The HLC restarts from the
highest stored HLC, so it never goes backwards across restarts (STG-HLC-012). Single-fact reads recompute the CID
and refuse a row whose body no longer matches (STG-CID-016).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import uuid
from collections.abc import Sequence
from typing import Any

from reference_node.clock import Clock, format_timestamp
from reference_node.protocol import gardens as garden_rules
from reference_node.protocol.contradictions import Cardinality
from reference_node.protocol.hlc import HybridLogicalClock, format_hlc
from reference_node.protocol.hlc import parse as parse_hlc
from reference_node.storage import cid_backfill, ledger
from reference_node.storage import conflicts as conflict_rows
from reference_node.storage import facts as fact_rows
from reference_node.storage import gardens as garden_rows
from reference_node.storage import keys as key_rows
from reference_node.storage import quarantine as quarantine_rows
from reference_node.storage import tombstones as tombstone_rows
from reference_node.storage.database import Database
from reference_node.storage.errors import StoreError
from reference_node.storage.garden_acl import RELEASED, Reader, visible_clause
from reference_node.storage.rows import (
    CID,
    DEFAULT_MAX_RESPONSE_BYTES,
    GARDEN,
    HLC,
    ID,
    SCOPE,
    FactRow,
    NewFact,
    Stamp,
    computed_cid,
    fitting,
    record,
)

__all__ = ["Store"]


class Store:
    """Open with ``Store.open``; all methods are safe to call from any thread."""

    def __init__(self, db: Database, clock: Clock, node_id: str) -> None:
        self.db = db
        self.clock = clock
        self.node_id = node_id
        # Interpretation conflict_cardinality (STG-CONF-018): set from Settings by the app.
        self.cardinality: Cardinality = "winner"
        with db.reading() as conn:
            high_water = fact_rows.max_hlc(conn)
            self._data_version = _data_version(conn)
        start = parse_hlc(high_water) if high_water else None
        self.hlc = HybridLogicalClock(lambda: self.clock.now_us() // 1000, start=start)
        db.on_begin.append(self._catch_up)

    def _catch_up(self, conn: sqlite3.Connection) -> None:
        """STG-WORK-003: inside the write lock, before any tick, raise the HLC to the stored high-water mark when
        another connection (another worker) committed since this one last looked; one PRAGMA when none did."""
        version = _data_version(conn)
        if version == self._data_version:
            return
        self._data_version = version
        high_water = fact_rows.max_hlc(conn)
        if high_water:
            self.hlc.observe(parse_hlc(high_water))

    @classmethod
    def open(cls, path: str, clock: Clock, node_authority: str = "localhost") -> Store:
        """Open (or create) the database, apply pending migrations and load the node identity."""
        db = Database(path)
        try:
            db.migrate(format_timestamp(clock.now_us()))
            node_id = db.set_state_once("node_id", f"stigmem://{node_authority.lower()}/node/{uuid.uuid4()}")
            db.set_state_once("created_at", format_timestamp(clock.now_us()))
        except BaseException:
            db.close()
            raise
        return cls(db, clock, node_id)

    def close(self) -> None:
        self.db.close()

    @property
    def authority(self) -> str:
        """The node authority of ``node_id`` (``stigmem://{authority}/node/...``): the authority of garden URIs."""
        return self.node_id.split("/")[2]

    def now_us(self) -> int:
        return self.clock.now_us()

    def stamp(self) -> Stamp:
        """STG-FACT-004: id, timestamp and HLC for one new fact (call inside a transaction)."""
        now = self.clock.now_us()
        return Stamp(str(uuid.uuid4()), format_timestamp(now), now, format_hlc(self.hlc.tick()))

    # Writes.

    def _garden_writes(self, conn: sqlite3.Connection, facts: Sequence[NewFact], writer: Reader) -> list[NewFact]:
        """Check each garden fact's garden, role and scope in the write's own transaction (STG-SCOPE-008/010/011);
        a refusal names the item's index."""
        checked = []
        for index, fact in enumerate(facts):
            if fact.garden_id is not None:
                try:
                    stored = garden_rows.writable(conn, fact.garden_id, fact.body.scope, writer, self.authority)
                except StoreError as exc:
                    raise StoreError(exc.code, exc.detail, index=index) from exc
                fact = dataclasses.replace(fact, garden_id=stored)
            checked.append(fact)
        return checked

    def assert_facts(self, facts: Sequence[NewFact], writer: Reader) -> list[tuple[dict[str, Any], bool]]:
        """Write client assertions in one transaction: (record, created) per fact."""
        with self.db.transaction() as conn:
            facts = self._garden_writes(conn, facts, writer)
            return ledger.write_facts(conn, self.stamp, facts, self.clock.now_us(), self.cardinality)

    def assert_batch(
        self, owner: str, idempotency_key: str | None, request_sha256: str, facts: Sequence[NewFact],
        writer: Reader, reveal_existing: bool = True,
    ) -> dict[str, Any]:
        """STG-BATCH-001/005/006/007: all or nothing; a replayed key returns the first answer. Without
        ``reveal_existing`` (a key without read) a deduplicated item shows its content only (STG-SCOPE-023)."""
        with self.db.transaction() as conn:
            now = self.clock.now_us()
            if idempotency_key is not None:
                replay = _replay(conn, owner, idempotency_key, request_sha256, now)
                if replay is not None:
                    return replay
            facts = self._garden_writes(conn, facts, writer)
            results = ledger.write_facts(conn, self.stamp, facts, now, self.cardinality)
            response = {"facts": [fact if created or reveal_existing else ledger.content_only(fact)
                                  for fact, created in results]}
            if idempotency_key is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO batch_idempotency (owner, idempotency_key, request_sha256, response, "
                    "created_us) VALUES (?, ?, ?, ?, ?)",
                    (owner, idempotency_key, request_sha256, _json(response), now),
                )
            return response

    def resolve(
        self,
        conflict_id: str,
        caller: str,
        winning_fact_id: str | None,
        new_value: dict[str, Any] | None,
        scopes: tuple[str, ...] | None,
        resolver: Reader,
    ) -> dict[str, Any]:
        with self.db.transaction() as conn:
            conflict = conflict_rows.get(conn, conflict_id)
            if conflict is not None and conflict.garden_id is not None:
                # STG-SCOPE-025: a garden's conflict is hidden from non-members and resolved by its writers.
                if not garden_rows.readable(conn, conflict.garden_id, resolver):
                    raise StoreError("conflict_not_found", f"no conflict {conflict_id}")
                garden_rows.writable(conn, conflict.garden_id, conflict.scope, resolver, self.authority)
            return ledger.resolve(conn, self.stamp, conflict_id, caller, winning_fact_id, new_value, scopes)

    # Reads.

    def _row(self, conn: sqlite3.Connection, ref: str, scopes: tuple[str, ...] | None,
             reader: Reader) -> FactRow | None:
        """The fact a reader asks for by id or CID: None outside its scopes (404, STG-SCOPE-004) or held in
        quarantine (Spec-08), 403 ``garden_forbidden`` in a garden it may not read (STG-SCOPE-015/024). A CID
        names the earliest fact carrying it that the reader may read (CIDF dual addressing; a CID does not hash
        the garden)."""
        def in_scope(found: FactRow) -> bool:
            return scopes is None or found[SCOPE] in scopes

        released = (RELEASED.format(column="f.id"), ())
        hidden: FactRow | None = None
        if ref.startswith("sha256:"):
            garden, params = visible_clause("f.garden_id", reader.entity_uri, reader.node_admin)
            row = fact_rows.by_cid(conn, ref, (f"{garden} AND {released[0]}", params))
            hidden = fact_rows.by_cid(conn, ref, released) if row is None else None
            forbidden = hidden is not None and in_scope(hidden)
        else:
            row = fact_rows.by_id(conn, ref)
            if row is not None and not conn.execute(f"SELECT {RELEASED.format(column='?')}", (row[ID],)).fetchone()[0]:
                row = None
            forbidden = (row is not None and in_scope(row) and row[GARDEN] is not None
                         and not garden_rows.readable(conn, row[GARDEN], reader))
        # STG-TOMB-013: a suppressed fact reads as a missing one (404), before any garden verdict could leak it.
        for found in (row, hidden):
            if found is not None and tombstone_rows.hides(conn, found[ID]):
                return None
        if forbidden:
            raise StoreError("garden_forbidden", "this fact belongs to a garden the caller is not a member of")
        return row if row is not None and in_scope(row) else None

    def fact(self, ref: str, scopes: tuple[str, ...] | None, reader: Reader) -> dict[str, Any] | None:
        """A fact by id or CID if the caller may read its scope (else None: STG-SCOPE-004) and garden (else 403)."""
        with self.db.reading() as conn:
            row = self._row(conn, ref, scopes, reader)
        if row is None:
            return None
        if row[CID] is not None and computed_cid(row) != row[CID]:
            # STG-CID-016: a row whose body no longer hashes to its CID is refused, not served.
            raise StoreError("cid_mismatch", f"stored fact {row[ID]} no longer matches its CID")
        return record(row, row[-1])

    def verify_cid(self, ref: str, scopes: tuple[str, ...] | None, reader: Reader) -> dict[str, Any] | None:
        """STG-CID-009/015: recompute the stored body's CID and compare it with the stored one."""
        with self.db.reading() as conn:
            row = self._row(conn, ref, scopes, reader)
        if row is None:
            return None
        computed, stored = computed_cid(row), row[CID]
        answer: dict[str, Any] = {
            "fact_id": row[ID],
            "cid_valid": computed is not None and computed == stored,
            "computed_cid": computed,
            "stored_cid": stored,
        }
        if stored is None:
            answer["mismatch_reason"] = "stored_cid is null (legacy row pending backfill)"
        elif computed is None:
            answer["mismatch_reason"] = "the stored body can no longer be canonicalized"
        elif computed != stored:
            answer["mismatch_reason"] = "stored_cid does not match computed_cid"
        return answer

    def query(
        self, query: fact_rows.FactQuery, after: tuple[str, str] | None, limit: int, total: int | None = None,
        max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> tuple[list[dict[str, Any]], int, tuple[str, str] | None]:
        """One page newest first, the total after every filter (``total`` when the caller carries the first page's
        count), and the key of the next page (None if last)."""
        with self.db.reading() as conn:
            rows = fact_rows.page(conn, query, after, limit + 1)
            if total is None:
                total = fact_rows.count(conn, query)
        more = len(rows) > limit
        records = [record(row, row[-1]) for row in rows[:limit]]
        kept = fitting(records, max_bytes)  # STG-ROB-005: a page of large values ends early, with a cursor
        more, rows = more or kept < len(records), rows[:kept]
        following = (rows[-1][HLC], rows[-1][ID]) if more and rows else None
        return records[:kept], total, following

    def tombstone_epoch(self) -> str:
        """The tombstone state a query's carried total belongs to (STG-TOMB-013)."""
        with self.db.reading() as conn:
            return tombstone_rows.epoch(conn)

    def legal_hold_notices(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """STG-TT-013: the legal-hold tombstones covering returned facts."""
        with self.db.reading() as conn:
            return tombstone_rows.legal_hold_notices(conn, facts)

    def conflicts(
        self, status: str | None, scopes: tuple[str, ...] | None, before_seq: int | None, limit: int,
        reader: Reader, max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of conflicts with both facts, and the seq to continue before (None if last); a garden's
        conflicts only for its members (STG-SCOPE-025)."""
        gardens = visible_clause("garden_id", reader.entity_uri, reader.node_admin)
        with self.db.reading() as conn:
            rows = conflict_rows.page(conn, status, scopes, before_seq, limit + 1, gardens)
            more = len(rows) > limit
            rows = rows[:limit]
            items = []
            for row in rows:
                fact_a, fact_b = fact_rows.by_id(conn, row.fact_a), fact_rows.by_id(conn, row.fact_b)
                items.append(
                    {
                        "conflict_id": row.conflict_id,
                        "fact_a": None if fact_a is None else record(fact_a, fact_a[-1]),
                        "fact_b": None if fact_b is None else record(fact_b, fact_b[-1]),
                        "status": row.status,
                        "resolved_by": row.resolved_by,
                        "detected_at": row.detected_at,
                        "scope": row.scope,
                        **({} if row.garden_id is None else {"garden_id": row.garden_id}),
                    }
                )
        kept = fitting(items, max_bytes)  # STG-ROB-005
        more, rows = more or kept < len(items), rows[:kept]
        return items[:kept], (rows[-1].seq if more and rows else None)

    # Memory Gardens (Spec-02; docs/http-api.md "Memory Gardens").

    def create_garden(self, slug: str, name: str, scope: str, description: str | None,
                      creator: str, quarantine: bool = False) -> dict[str, Any]:
        """STG-SCOPE-009/017: a new garden whose creator is its admin; 409 ``garden_exists`` for a taken slug.
        STG-QUAR-008: one quarantine garden per node, the designated one (409 ``quarantine_garden_exists``)."""
        now = format_timestamp(self.clock.now_us())
        garden = garden_rows.GardenRow(0, str(uuid.uuid4()), garden_rules.garden_uri(self.authority, slug), slug,
                                       name, scope, description, creator, now, quarantine)
        with self.db.transaction() as conn:
            if quarantine and garden_rows.quarantine_garden(conn) is not None:
                raise StoreError("quarantine_garden_exists", "this node already has a quarantine garden")
            if not garden_rows.create(conn, garden):
                raise StoreError("garden_exists", f"the slug {slug} is taken on this node")
            garden_rows.add_member(conn, self.stamp, garden, garden_rows.MemberRow(creator, "admin", creator, now))
            return _with_members(conn, garden)

    def gardens(self, reader: Reader, after_seq: int | None, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        """STG-SCOPE-019: the reader's gardens (a node admin's: all), oldest first, and the seq to go on after."""
        with self.db.reading() as conn:
            rows = garden_rows.listing(conn, None if reader.node_admin else reader.entity_uri, after_seq, limit + 1)
        return [row.record() for row in rows[:limit]], (rows[limit - 1].seq if len(rows) > limit else None)

    def queried_garden(self, garden_id: str, reader: Reader) -> str:
        """The stored garden_id of a ``garden_id=`` query (404 unknown, 403 non-member: STG-SCOPE-013)."""
        with self.db.reading() as conn:
            return garden_rows.named(conn, garden_id, reader, self.authority)

    def garden(self, ref: str, reader: Reader) -> dict[str, Any]:
        with self.db.reading() as conn:
            return _with_members(conn, garden_rows.visible(conn, ref, reader))

    def garden_members(self, ref: str, reader: Reader) -> list[dict[str, Any]]:
        with self.db.reading() as conn:
            return [m.record() for m in garden_rows.members(conn, garden_rows.visible(conn, ref, reader))]

    def delete_garden(self, ref: str, reader: Reader) -> None:
        """STG-SCOPE-020/027: garden admins only; the facts stay."""
        with self.db.transaction() as conn:
            garden_rows.delete(conn, garden_rows.administered(conn, ref, reader),
                               format_timestamp(self.clock.now_us()))

    def add_garden_member(self, ref: str, reader: Reader, entity_uri: str, role: str) -> dict[str, Any]:
        """STG-SCOPE-017: garden admins add members; 409 ``member_exists``."""
        now = format_timestamp(self.clock.now_us())
        with self.db.transaction() as conn:
            garden = garden_rows.administered(conn, ref, reader)
            new = garden_rows.MemberRow(entity_uri, role, reader.entity_uri, now)
            if not garden_rows.add_member(conn, self.stamp, garden, new):
                raise StoreError("member_exists", f"{entity_uri} is already a member of this garden")
            return new.record()

    def change_garden_member(self, ref: str, reader: Reader, entity_uri: str,
                             role: str | None) -> dict[str, Any] | None:
        """STG-SCOPE-017/018: garden admins re-role (``role``) or remove (None) members, never the last admin."""
        with self.db.transaction() as conn:
            garden = garden_rows.administered(conn, ref, reader)
            changed = garden_rows.change_role(conn, self.stamp, garden, entity_uri, role)
            return None if changed is None else changed.record()

    def quarantined(self, ref: str, reader: Reader, status: str | None, after_seq: int | None,
                    limit: int) -> tuple[list[dict[str, Any]], int | None]:
        """Spec-08: the quarantine surface, for the garden's admins and moderators."""
        with self.db.reading() as conn:
            return quarantine_rows.listing(conn, quarantine_rows.moderated(conn, ref, reader), status, after_seq,
                                           limit)

    def moderate(self, ref: str, reader: Reader, fact_id: str, action: str, reason: str | None,
                 target_ref: str | None = None) -> dict[str, Any]:
        """Spec-08: promote (``action`` "promoted") or reject ("rejected") a pending fact; who, when and why."""
        now = self.clock.now_us()
        at = format_timestamp(now)
        with self.db.transaction() as conn:
            garden = quarantine_rows.moderated(conn, ref, reader)
            quarantine_rows.decide(conn, self.stamp, garden, fact_id, action, reader, reason, target_ref, now, at,
                                   self.cardinality)
        verb = "promoted" if action == "promoted" else "rejected"
        return {"fact_id": fact_id, f"{verb}_at": at, f"{verb}_by": reader.entity_uri}

    # API keys.

    def create_key(self, key: key_rows.KeyRow, raw_key: str, only_if_none: bool = False) -> None:
        with self.db.transaction() as conn:
            if only_if_none and key_rows.active_count(conn):
                raise StoreError("keys_exist", "API keys already exist; bootstrap refuses to add another")
            key_rows.create(conn, key, raw_key)

    def key_for(self, raw_key: str) -> key_rows.KeyRow | None:
        with self.db.reading() as conn:
            return key_rows.find(conn, key_rows.digest(raw_key))

    def api_keys(self) -> list[key_rows.KeyRow]:
        with self.db.reading() as conn:
            return key_rows.listing(conn)

    def revoke_key(self, key_id: str) -> bool:
        with self.db.transaction() as conn:
            return key_rows.revoke(conn, key_id, format_timestamp(self.clock.now_us()))

    # Administration.

    def status(self, scopes: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Monitoring counts; ``scopes`` (None: all) limits the fact and conflict counts."""
        where, params = _in_scopes(scopes)
        with self.db.reading() as conn:
            facts = int(conn.execute(f"SELECT COUNT(*) FROM facts{where}", params).fetchone()[0])
            conflicts = conflict_rows.counts(conn, scopes)
            keys = key_rows.active_count(conn)
            stored = fact_rows.max_hlc(conn)
        last = self.hlc.last
        if stored is not None and (last is None or parse_hlc(stored) > last):
            last = parse_hlc(stored)  # another worker's write (STG-WORK-003)
        return {
            "node_id": self.node_id,
            "migrations": self.db.migrations(),
            "facts": facts,
            "conflicts": conflicts,
            "unresolved_conflicts": conflicts["unresolved"],
            "api_keys": keys,
            "hlc": None if last is None else format_hlc(last),
        }

    def backfill_status(self, scopes: tuple[str, ...] | None = None) -> dict[str, Any]:
        """STG-CID-014: total, backfilled and pending facts (of ``scopes``); complete iff nothing is pending."""
        return cid_backfill.status(self.db, scopes, self.clock.now_us())

    def backfill(self, batch_size: int = 1000, rate_limit: float | None = None) -> int:
        """STG-CID-017/018: give CID-less legacy rows their CID and alias, one transaction per batch; idempotent."""
        return cid_backfill.run(self.db, self.clock, batch_size, rate_limit)


# Idempotency records live 24 hours (ADR-006).
_IDEMPOTENCY_TTL_US = 24 * 3600 * 1_000_000


def _replay(
    conn: sqlite3.Connection, owner: str, key: str, request_sha256: str, now_us: int
) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT request_sha256, response, created_us FROM batch_idempotency WHERE owner = ? AND idempotency_key = ?",
        (owner, key),
    ).fetchone()
    if row is None or now_us - row[2] >= _IDEMPOTENCY_TTL_US:
        return None
    if row[0] != request_sha256:
        raise StoreError("idempotency_key_reused", "this Idempotency-Key was used with a different request body")
    answer: dict[str, Any] = json.loads(row[1])
    return answer


def _with_members(conn: sqlite3.Connection, garden: garden_rows.GardenRow) -> dict[str, Any]:
    return {**garden.record(), "members": [m.record() for m in garden_rows.members(conn, garden)]}


def _in_scopes(scopes: tuple[str, ...] | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause limiting rows to ``scopes`` (None: no limit), with its parameters."""
    if scopes is None:
        return "", ()
    return f" WHERE scope IN ({', '.join('?' * len(scopes))})", scopes


def _data_version(conn: sqlite3.Connection) -> int:
    """SQLite's PRAGMA data_version: changes when another connection commits (never for this one's commits)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
