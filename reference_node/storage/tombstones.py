"""Tombstones in the database: the suppression rule every read shares, and the records (Spec-X2; A20 §23.3, §23.5).

``suppressed`` is THE rule of STG-TOMB-011/012 as SQL over a fact alias: a fact is suppressed when an active
tombstone covers its entity, or the entity its ref value points at, in the fact's scope. Every read path (fact
queries and their totals, single reads by id or CID, verify-cid, conflicts, federation pages, the quarantine
surface) adds ``NOT suppressed``, so counts are taken after filtering (STG-TOMB-013) and a response equals that of
a store where the covered facts never existed. ``tombstone_cover`` (migration 0014) holds the active tombstones'
(entity, scope) pairs: written with the tombstone, removed with its revocation, in the same transaction, so a
tombstone takes effect at once (STG-TOMB-014). Records are immutable; revocation is a record of its own
(STG-TOMB-008).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Mapping
from typing import Any

from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri
from reference_node.protocol.tombstones import covered_scopes

__all__ = ["active_for", "by_id", "cover", "epoch", "exists_active", "for_entity", "hides", "insert_revocation",
           "insert_tombstone", "legal_hold_notices", "page_since", "suppressed", "uuid7"]

# STG-TOMB-011 (entity) and STG-TOMB-012 (ref values): an active tombstone covers the fact in its scope;
# {hold} narrows the covering tombstones (legal holds left out for an admin's as_of, STG-TT-013). A ref value is
# compared as written and as the normalized entity URI the graph index keeps for it (entity_edges.object), so a
# differently spelled ref to the entity is covered too (STG-TOMB-015).
_SUPPRESSED = (
    "EXISTS (SELECT 1 FROM tombstone_cover tc WHERE tc.scope = {f}.scope{hold} AND (tc.entity_uri = {f}.entity "
    "OR ({f}.value_type = 'ref' AND tc.entity_uri IN (json_extract({f}.value_v, '$'), "
    "(SELECT e.object FROM entity_edges e WHERE e.id = {f}.id)))))"
)


def suppressed(fact: str = "f", *, legal_hold_visible: bool = False) -> str:
    """SQL true for a fact (alias ``fact``) an active tombstone suppresses; ``legal_hold_visible`` (an admin's as_of
    query only) lets legal-hold tombstones through."""
    return _SUPPRESSED.format(f=fact, hold=" AND tc.legal_hold = 0" if legal_hold_visible else "")


def hides(conn: sqlite3.Connection, fact_id: str) -> bool:
    """Whether an active tombstone suppresses the fact ``fact_id`` (single reads, verify-cid)."""
    row = conn.execute(f"SELECT {suppressed('f')} FROM facts f WHERE f.id = ?", (fact_id,)).fetchone()
    return bool(row and row[0])


def uuid7(unix_ms: int) -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version 7, 74 random bits."""
    rand = secrets.randbits(74)
    n = (unix_ms & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | rand & (2**62 - 1)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def cover(conn: sqlite3.Connection, record: Mapping[str, Any]) -> None:
    """Index an active tombstone for the read paths: one row per fact scope its pattern covers."""
    conn.executemany(
        "INSERT OR IGNORE INTO tombstone_cover (entity_uri, scope, tombstone_id, legal_hold) VALUES (?, ?, ?, ?)",
        [(record["entity_uri"], scope, record["id"], int(bool(record["legal_hold"])))
         for scope in covered_scopes(record["scope"])],
    )


def insert_tombstone(conn: sqlite3.Connection, record: Mapping[str, Any], stored_at: str,
                     received_from: str | None = None) -> bool:
    """Store a signed tombstone and cover its facts; False when its id is already held (idempotent on id)."""
    done = conn.execute(
        "INSERT OR IGNORE INTO tombstones (id, entity_uri, scope, legal_hold, signed_by, key_id, created_at, "
        "received_from, stored_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (record["id"], record["entity_uri"], json.dumps(record["scope"]), int(bool(record["legal_hold"])),
         record["signed_by"], record["key_id"], record["created_at"], received_from, stored_at, _json(record)),
    ).rowcount
    if done and not _revoked(conn, record["id"]):
        cover(conn, record)
    return bool(done)


def insert_revocation(conn: sqlite3.Connection, record: Mapping[str, Any], stored_at: str,
                      received_from: str | None = None) -> bool:
    """Store a signed revocation and lift its tombstone's cover; False when already held."""
    done = conn.execute(
        "INSERT OR IGNORE INTO tombstone_revocations (id, tombstone_id, created_at, received_from, stored_at, record) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (record["id"], record["tombstone_id"], record["created_at"], received_from, stored_at, _json(record)),
    ).rowcount
    # STG-TOMB-008: the revocation makes exactly the facts this tombstone suppressed visible again.
    conn.execute("DELETE FROM tombstone_cover WHERE tombstone_id = ?", (record["tombstone_id"],))
    return bool(done)


def _revoked(conn: sqlite3.Connection, tombstone_id: str) -> bool:
    return conn.execute("SELECT 1 FROM tombstone_revocations WHERE tombstone_id = ?",
                        (tombstone_id,)).fetchone() is not None


def by_id(conn: sqlite3.Connection, tombstone_id: str) -> tuple[dict[str, Any], bool] | None:
    """A tombstone's record and whether it was revoked."""
    row = conn.execute("SELECT record FROM tombstones WHERE id = ?", (tombstone_id,)).fetchone()
    return None if row is None else (json.loads(row[0]), _revoked(conn, tombstone_id))


def exists_active(conn: sqlite3.Connection, entity: str, scope: str | list[str]) -> dict[str, Any] | None:
    """The active tombstone with this entity and exact scope pattern, if any (STG-TOMB-006)."""
    row = conn.execute(
        "SELECT t.record FROM tombstones t WHERE t.entity_uri = ? AND t.scope = ? AND NOT EXISTS "
        "(SELECT 1 FROM tombstone_revocations r WHERE r.tombstone_id = t.id) ORDER BY t.seq LIMIT 1",
        (entity, json.dumps(scope)),
    ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def for_entity(conn: sqlite3.Connection, entity: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every tombstone of an entity (oldest first) and the revocations of those."""
    tombs = [json.loads(r[0]) for r in conn.execute(
        "SELECT record FROM tombstones WHERE entity_uri = ? ORDER BY seq", (entity,))]
    revs = [json.loads(r[0]) for r in conn.execute(
        "SELECT r.record FROM tombstone_revocations r JOIN tombstones t ON t.id = r.tombstone_id "
        "WHERE t.entity_uri = ? ORDER BY r.seq", (entity,))]
    return tombs, revs


def active_for(conn: sqlite3.Connection, entity: str) -> bool:
    return conn.execute("SELECT 1 FROM tombstone_cover WHERE entity_uri = ? LIMIT 1", (entity,)).fetchone() is not None


def page_since(conn: sqlite3.Connection, after: tuple[int, int], limit: int) -> tuple[list[dict[str, Any]],
                                                                                   list[dict[str, Any]],
                                                                                   tuple[int, int]]:
    """Tombstones and revocations stored after ``after`` (a position in each table's own sequence), and the
    position to continue from: served to peers as stored, signature untouched (STG-TOMB-016)."""
    tombs = conn.execute("SELECT seq, record FROM tombstones WHERE seq > ? ORDER BY seq LIMIT ?",
                         (after[0], limit)).fetchall()
    revs = conn.execute("SELECT seq, record FROM tombstone_revocations WHERE seq > ? ORDER BY seq LIMIT ?",
                        (after[1], limit)).fetchall()
    # Each table keeps its own position: a revocation stored after many tombstones is still served.
    last = (max([after[0], *(row[0] for row in tombs)]), max([after[1], *(row[0] for row in revs)]))
    return [json.loads(r[1]) for r in tombs], [json.loads(r[1]) for r in revs], last


def epoch(conn: sqlite3.Connection) -> str:
    """Where the tombstone state stands: the last tombstone and revocation stored (changes with either)."""
    row = conn.execute("SELECT (SELECT COALESCE(MAX(seq), 0) FROM tombstones), "
                       "(SELECT COALESCE(MAX(seq), 0) FROM tombstone_revocations)").fetchone()
    return f"{row[0]}.{row[1]}"


def legal_hold_notices(conn: sqlite3.Connection, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """STG-TT-013: one notice per legal-hold tombstone covering a returned fact (A20 §24.3 item shape)."""
    notices: dict[str, dict[str, Any]] = {}
    for fact in facts:
        for tombstone_id, entity in conn.execute(
            "SELECT tc.tombstone_id, tc.entity_uri FROM tombstone_cover tc WHERE tc.legal_hold = 1 AND tc.scope = ? "
            "AND (tc.entity_uri = ? OR tc.entity_uri = ?)",
            (fact["scope"], fact["entity"], _ref_entity(fact["value"])),
        ):
            created = conn.execute("SELECT created_at FROM tombstones WHERE id = ?", (tombstone_id,)).fetchone()
            notices.setdefault(tombstone_id, {"entity_uri": entity, "tombstone_id": tombstone_id,
                                              "legal_hold": True, "tombstone_created_at": created[0]})
    return list(notices.values())


def _ref_entity(value: Mapping[str, Any]) -> str | None:
    """The normalized entity URI a ref value names (as the graph index keeps it), else None."""
    if value.get("type") != "ref":
        return None
    try:
        return normalize(value.get("v"))
    except InvalidEntityUri:
        return None


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
