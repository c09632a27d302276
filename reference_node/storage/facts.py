"""SQL over the facts table: insert with its CID alias, lookups, dedup, triple siblings and paged queries.

STG-CID-010 (fact and alias in one transaction, the caller's), STG-CID-008 (lookup by id or CID; the earliest fact
of a CID), STG-CID-011 (dedup, interpretation cid_dedup), STG-QRY-004..008 (conjunctive filters, newest first by
``(hlc, id)``), STG-QRY-012 (the architecture seed's query-time resolution: of the facts in unresolved conflicts
on a triple only the winners are returned by default, interpretation default_query = seed-resolution),
STG-EXP-001/004 (expired iff ``now >= valid_until``), STG-HTTP-011/013 (keyset cursor, ``total`` after every
filter). Statements are fixed strings, so sqlite3's statement cache keeps them prepared.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reference_node.storage import conflicts as conflict_rows
from reference_node.storage import entity_edges, garden_acl, time_travel, tombstones
from reference_node.storage.rows import COLUMNS, FactRow, NewFact, Stamp, dump_v

__all__ = [
    "DEFAULT_QUERY",
    "DefaultQuery",
    "FactQuery",
    "by_cid",
    "by_id",
    "count",
    "duplicate",
    "garden_filter",
    "insert",
    "max_hlc",
    "page",
    "preferred_siblings",
    "siblings",
]

# STG-TOMB-013: a conflict with a suppressed side is no conflict (GET /v1/conflicts leaves it out), so it neither
# flags a fact contradicted nor lets a suppressed fact outrank one: as in a store where that side never existed.
_OPEN = (
    "EXISTS (SELECT 1 FROM open_conflict_facts o JOIN conflicts c ON c.conflict_id = o.conflict_id "
    "WHERE o.fact_id = {f}.id AND " + conflict_rows.NO_SUPPRESSED_SIDE.format(pair="c") + ")"
)
_CONTRADICTED = _OPEN.format(f="f")
# STG-CONF-005 / STG-QRY-012: another contradicted fact of the same triple (and garden, STG-SCOPE-025), visible to
# the query, ranks above f by (confidence, hlc); facts tied on both outrank none of each other, so a true tie
# returns them all.
_OUTRANKED = (
    "EXISTS (SELECT 1 FROM facts g "
    "WHERE g.entity = f.entity AND g.relation = f.relation AND g.scope = f.scope AND g.garden_id IS f.garden_id{live} "
    # An open conflict of g has no suppressed side, so g itself is not suppressed (STG-TOMB-012/013).
    f"AND {_OPEN.format(f='g')} "
    "AND (g.confidence > f.confidence OR (g.confidence = f.confidence AND g.hlc > f.hlc)))"
)
_LIVE_SIBLING = " AND (g.valid_until_us IS NULL OR g.valid_until_us > ?)"

_INSERT = (
    "INSERT INTO facts (id, entity, relation, value_type, value_v, interpret_as, source, timestamp, timestamp_us, "
    "hlc, confidence, scope, valid_until, valid_until_us, garden_id, cid, origin, local_hlc, received_from, "
    "origin_node_id, source_trust) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_ALIAS = "INSERT INTO fact_cid_aliases (fact_id, cid, created_at) VALUES (?, ?, ?)"
_BY_ID = f"SELECT {COLUMNS}, {_CONTRADICTED} FROM facts f WHERE f.id = ?"
_BY_CID = (
    f"SELECT {COLUMNS}, {_CONTRADICTED} FROM fact_cid_aliases a JOIN facts f ON f.id = a.fact_id "
    "WHERE a.cid = ? ORDER BY f.seq LIMIT 1"
)
# STG-QUAR-001: a fact held in quarantine is in no read, so no assertion dedups onto it nor contradicts it.
_RELEASED = garden_acl.RELEASED.format(column="f.id")
_DUPLICATE = (
    f"SELECT {COLUMNS} FROM facts f WHERE f.cid = ? AND f.valid_until IS ? AND f.garden_id IS ? "
    # STG-TOMB-013: a suppressed fact is no dedup target: the assertion is stored anew (201), as in a store where
    # the suppressed fact never existed.
    f"AND NOT {tombstones.suppressed('f')} "
    f"AND {_RELEASED} "
    "AND f.interpret_as IS ? ORDER BY f.seq LIMIT 1"
)
# STG-SCOPE-025 (interpretation garden_contradictions = within-garden): siblings share the fact's garden, or none.
_SIBLINGS = (
    "SELECT f.id, f.value_type, f.value_v, f.confidence, f.hlc FROM facts f "
    "WHERE f.entity = ? AND f.relation = ? AND f.scope = ? AND f.garden_id IS ? AND f.confidence > 0 "
    f"AND {_RELEASED} "
    "AND (f.valid_until_us IS NULL OR f.valid_until_us > ?) ORDER BY f.seq"
)
# The top of a triple by (confidence, hlc), walked down the facts_triple_rank index: a bounded read however many
# siblings the triple has (interpretation conflict_cardinality = winner).
_PREFERRED = (
    "SELECT f.id, f.value_type, f.value_v, f.confidence, f.hlc FROM facts f "
    "WHERE f.entity = ? AND f.relation = ? AND f.scope = ? AND f.garden_id IS ? AND f.confidence > 0 AND f.id != ? "
    f"AND {_RELEASED} "
    "AND (f.valid_until_us IS NULL OR f.valid_until_us > ?) ORDER BY f.confidence DESC, f.hlc DESC LIMIT ?"
)


# Interpretation default_query: the seed's resolution order (default) or today's history reading, kept as an option.
DefaultQuery = Literal["seed-resolution", "s15-history"]
DEFAULT_QUERY: DefaultQuery = "seed-resolution"


@dataclass(frozen=True)
class FactQuery:
    """The filters of GET /v1/facts, already validated and normalized; ``scopes`` None means every scope."""

    now_us: int
    entity: str | None = None
    relation: str | None = None
    source: str | None = None
    scopes: tuple[str, ...] | None = None
    min_confidence: float | None = None
    after_us: int | None = None
    include_contradicted: bool = False
    include_expired: bool = False
    default_query: DefaultQuery = DEFAULT_QUERY
    # The garden ACL (STG-SCOPE-012/014/030): whose memberships open garden facts (None: no garden fact at all),
    # whether that caller is a node admin (the facts of deleted gardens, interpretation garden_orphans), and the
    # garden_id filter (the caller's membership is checked before the query runs: 403 otherwise, STG-SCOPE-013).
    reader: str | None = None
    node_admin: bool = False
    garden_id: str | None = None
    # Time travel (STG-TT-004..006): the as_of instant (None: a live query), and whether legal-hold facts show
    # (an admin caller's as_of only, STG-TT-013).
    as_of_us: int | None = None
    legal_hold_visible: bool = False
    # STG-TOMB-013: the tombstone state a cursor's carried total was counted under (storage.tombstones.epoch); no
    # filter reads it, but a cursor from before a tombstone or revocation no longer matches, so its total is counted
    # again after filtering instead of carried stale.
    tombstone_epoch: str = ""


def insert(
    conn: sqlite3.Connection,
    fact: NewFact,
    stamp: Stamp,
    *,
    local_hlc: str | None = None,
    received_from: str | None = None,
    source_trust: float | None = None,
) -> FactRow:
    """Insert the fact and its CID alias (STG-CID-010); returns the row as a SELECT would.

    ``local_hlc`` is the storage stamp (the serving order of pull replication), the fact's own hlc unless the fact
    came from a peer; ``received_from`` is that peer's node_id (STG-PROV-003), also kept as the origin node id
    (STG-FED-046; with relaying none the delivering peer is the origin).
    """
    body = fact.body
    interpret_as = body.value.get("interpret_as")
    value_v = dump_v(body.value["v"])
    confidence = float(body.confidence)
    conn.execute(
        _INSERT,
        (
            stamp.id,
            body.entity,
            body.relation,
            body.value["type"],
            value_v,
            interpret_as,
            body.source,
            stamp.timestamp,
            stamp.timestamp_us,
            stamp.hlc,
            confidence,
            body.scope,
            fact.valid_until,
            fact.valid_until_us,
            fact.garden_id,
            fact.cid,
            fact.origin,
            local_hlc or stamp.hlc,
            received_from,
            received_from,
            source_trust,
        ),
    )
    conn.execute(_INSERT_ALIAS, (stamp.id, fact.cid, stamp.timestamp))
    if confidence == 0:
        # STG-TT-005 (A20 §24.4): a retraction is recorded in fact_retractions, never inferred from confidence.
        time_travel.record_retraction(conn, stamp, body.entity, body.relation, body.scope, fact.garden_id)
    # seed Architecture "Graph adjacency index": the edge of a ref fact, or a retraction's, in this transaction.
    entity_edges.record(conn, stamp.id, body.entity, body.relation, body.value["type"], value_v, body.scope, confidence,
                        fact.garden_id, stamp.timestamp_us, source_trust)
    return (
        stamp.id,
        body.entity,
        body.relation,
        body.value["type"],
        value_v,
        interpret_as,
        body.source,
        stamp.timestamp,
        stamp.hlc,
        confidence,
        body.scope,
        fact.valid_until,
        fact.cid,
        fact.garden_id,
        received_from,
        source_trust,
    )


def by_id(conn: sqlite3.Connection, fact_id: str) -> FactRow | None:
    """The row of a fact id, with its contradicted flag last."""
    row: FactRow | None = conn.execute(_BY_ID, (fact_id,)).fetchone()
    return row


def by_cid(conn: sqlite3.Connection, cid: str, visible: tuple[str, tuple[Any, ...]] | None = None) -> FactRow | None:
    """The earliest fact carrying ``cid`` (of those the ``visible`` SQL clause admits), resolved through the alias
    index (CIDF dual addressing)."""
    if visible is None:
        row: FactRow | None = conn.execute(_BY_CID, (cid,)).fetchone()
        return row
    sql = _BY_CID.replace(" ORDER BY", f" AND {visible[0]} ORDER BY")
    found: FactRow | None = conn.execute(sql, (cid, *visible[1])).fetchone()
    return found


def duplicate(conn: sqlite3.Connection, fact: NewFact) -> FactRow | None:
    """An existing fact with the same CID, valid_until, garden_id and interpret_as (cid_dedup = cidf-200)."""
    row: FactRow | None = conn.execute(
        _DUPLICATE, (fact.cid, fact.valid_until, fact.garden_id, fact.body.value.get("interpret_as"))
    ).fetchone()
    return row


def siblings(conn: sqlite3.Connection, entity: str, relation: str, scope: str, garden_id: str | None,
             now_us: int) -> list[FactRow]:
    """Live facts of a triple and garden with confidence above 0: ``(id, value_type, value_v, confidence, hlc)``."""
    return conn.execute(_SIBLINGS, (entity, relation, scope, garden_id, now_us)).fetchall()


def preferred_siblings(
    conn: sqlite3.Connection, entity: str, relation: str, scope: str, garden_id: str | None, now_us: int,
    exclude_id: str, limit: int = 16,
) -> list[FactRow]:
    """Up to ``limit`` live siblings of a triple and garden, best (confidence, hlc) first, without ``exclude_id``."""
    return conn.execute(_PREFERRED, (entity, relation, scope, garden_id, exclude_id, now_us, limit)).fetchall()


def max_hlc(conn: sqlite3.Connection) -> str | None:
    """The highest HLC ever stored or stamped: the clock's persisted high-water mark (STG-HLC-012).

    A received fact's local stamp is above its origin hlc (the receive rule, STG-HLC-005), so both maxima count.
    """
    found = [row[0] for row in conn.execute("SELECT MAX(hlc) FROM facts UNION ALL SELECT MAX(local_hlc) FROM facts")]
    stamps = [str(value) for value in found if value is not None]
    return max(stamps) if stamps else None


def garden_filter(query: FactQuery) -> tuple[str, tuple[Any, ...]]:
    """The garden ACL of a query as SQL over ``f``: the named garden, or every fact the reader may read."""
    released = garden_acl.RELEASED.format(column="f.id")
    if query.reader is None:
        return f"f.garden_id IS NULL AND {released}", ()
    clause, params = garden_acl.visible_clause("f.garden_id", query.reader, query.node_admin)
    clause = f"{clause} AND {released}"
    if query.garden_id is not None:
        return f"f.garden_id = ? AND {clause}", (query.garden_id, *params)
    return clause, params


def _where(query: FactQuery) -> tuple[list[str], list[Any]]:
    clause, garden_params = garden_filter(query)
    # STG-TOMB-011/012/013: no fact an active tombstone covers, in the page and in its total alike.
    clauses: list[str] = [clause, f"NOT {tombstones.suppressed('f', legal_hold_visible=query.legal_hold_visible)}"]
    params: list[Any] = list(garden_params)
    if query.as_of_us is not None:
        # STG-TT-004/005, STG-TT-015: visibility at T, pushed into the statement (no contradiction resolution).
        as_of_clauses, as_of_params = time_travel.visible_at(query.as_of_us)
        clauses += as_of_clauses
        params += as_of_params
    for column, wanted in (("entity", query.entity), ("relation", query.relation), ("source", query.source)):
        if wanted is not None:
            clauses.append(f"f.{column} = ?")
            params.append(wanted)
    if query.scopes is not None and len(query.scopes) == 1:
        clauses.append("f.scope = ?")
        params.append(query.scopes[0])
    elif query.scopes is not None:
        # Unary + keeps SQLite on the (hlc, id) order index instead of sorting every row of the scopes.
        clauses.append(f"+f.scope IN ({', '.join('?' * len(query.scopes))})")
        params.extend(query.scopes)
    if query.min_confidence is not None:
        clauses.append("f.confidence >= ?")
        params.append(query.min_confidence)
    if query.after_us is not None:
        clauses.append("f.timestamp_us > ?")
        params.append(query.after_us)
    if query.as_of_us is not None:
        return clauses, params
    if not query.include_expired:
        # STG-EXP-004: visible iff valid_until > now (interpretation expiry_boundary = exclusive).
        clauses.append("(f.valid_until_us IS NULL OR f.valid_until_us > ?)")
        params.append(query.now_us)
    if not query.include_contradicted:
        # STG-QRY-008: facts in an unresolved contradiction are left out (interpretation default_query) ...
        if query.default_query == "s15-history":
            clauses.append(f"NOT {_CONTRADICTED}")
        # ... except, under the architecture seed's reading, the resolution winners of each triple (STG-QRY-012).
        # Siblings compete only while visible: an expired winner gives way to the next one (as if it did not exist).
        elif query.include_expired:
            clauses.append(f"NOT ({_CONTRADICTED} AND {_OUTRANKED.format(live='')})")
        else:
            clauses.append(f"NOT ({_CONTRADICTED} AND {_OUTRANKED.format(live=_LIVE_SIBLING)})")
            params.append(query.now_us)
    return clauses, params


def page(conn: sqlite3.Connection, query: FactQuery, after: tuple[str, str] | None, limit: int) -> Sequence[FactRow]:
    """Up to ``limit`` rows newest first by (hlc, id), strictly after the cursor position ``after``."""
    clauses, params = _where(query)
    if after is not None:
        clauses.append("(f.hlc, f.id) < (?, ?)")
        params.extend(after)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT {COLUMNS}, {_CONTRADICTED} FROM facts f{where} ORDER BY f.hlc DESC, f.id DESC LIMIT ?"
    return conn.execute(sql, (*params, limit)).fetchall()


def count(conn: sqlite3.Connection, query: FactQuery) -> int:
    """STG-HTTP-013: the number of facts matching every filter (cursor ignored)."""
    clauses, params = _where(query)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return int(conn.execute(f"SELECT COUNT(*) FROM facts f{where}", params).fetchone()[0])
