"""Pull replication over the facts table: the serving page and the ingest of a pulled page.

Serving (docs/federation-api.md "Pull replication"; STG-FED-019..028): facts first stored on this node, in the
peer's servable scopes, in the order of their local storage stamp ``local_hlc`` (interpretation hlc_origin =
preserve, STG-PROV-007), so a fact ingested late with an old origin hlc is never skipped (STG-FED-021); the cursor
is the ``(local_hlc, id)`` of the last fact served, so the same cursor returns the same page (STG-FED-020).

Ingest ("Ingest (the pulling side)", steps 1-7), inside the caller's one transaction per page: dedup by id and by
CID (STG-FED-022/031, STG-PROV-006), the pure checks of ``protocol.replication``, then the HLC receive
(STG-HLC-005; a rejected fact never moves the clock, STG-HLC-009), the fact with its origin id, hlc, timestamp,
source and cid (STG-PROV-002), its ``stigmem:received_from`` meta-fact (STG-PROV-004), contradiction detection
(STG-CONF-001), and an audit row per rejected fact (STG-AUDIT-001). Each fact is written under a savepoint, so a
fact the database refuses is audited and skipped, never stalling the page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from reference_node.clock import Clock, format_timestamp, instant_us
from reference_node.protocol import replication as rules
from reference_node.protocol import source_trust as source_trust_rules
from reference_node.protocol.contradictions import Cardinality
from reference_node.protocol.errors import HlcSkewFuture, HlcSkewPast
from reference_node.protocol.facts import FactOptions
from reference_node.protocol.hlc import HybridLogicalClock, format_hlc
from reference_node.storage import audit, audit_log, ledger, quarantine, tombstones
from reference_node.storage import facts as fact_rows
from reference_node.storage import gardens as garden_rows
from reference_node.storage import peers as peer_rows
from reference_node.storage.peers import PeerRow
from reference_node.storage.rows import COLUMNS, DEFAULT_MAX_RESPONSE_BYTES, FactRow, NewFact, Stamp, fitting, record
from reference_node.storage.source_trust import TrustScorer

__all__ = ["IngestContext", "IngestResult", "ingest_page", "served_page"]

# SQL form of protocol.replication.servable (LIKE is ASCII case-insensitive, as casefold is for these prefixes).
_SERVABLE = (
    "f.received_from IS NULL AND f.garden_id IS NULL AND f.relation NOT LIKE 'stigmem:%' "
    "AND f.entity NOT LIKE 'stigmem:conflict:%'"
)


def served_page(
    conn: sqlite3.Connection, scopes: Sequence[str], after: tuple[str, str] | None, limit: int,
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> tuple[list[dict[str, Any]], tuple[str, str] | None, bool]:
    """Up to ``limit`` servable facts in ``scopes`` after ``after``; the key of the last one; whether more wait."""
    if not scopes:
        return [], None, False
    # STG-TOMB-011/012: a suppressed fact is never served to a peer.
    clauses = [_SERVABLE, f"f.scope IN ({', '.join('?' * len(scopes))})", f"NOT {tombstones.suppressed('f')}"]
    params: list[Any] = list(scopes)
    if after is not None:
        clauses.append("(f.local_hlc, f.id) > (?, ?)")
        params.extend(after)
    sql = (
        f"SELECT {COLUMNS}, f.local_hlc FROM facts f WHERE {' AND '.join(clauses)} "
        "ORDER BY f.local_hlc, f.id LIMIT ?"
    )
    rows: list[FactRow] = conn.execute(sql, (*params, limit + 1)).fetchall()
    more = len(rows) > limit
    records = [record(row[:-1]) for row in rows[:limit]]
    kept = fitting(records, max_bytes)  # STG-ROB-005
    more, rows = more or kept < len(records), rows[:kept]
    last = (str(rows[-1][-1]), str(rows[-1][0])) if rows else None
    return records[:kept], last, more


@dataclass
class IngestResult:
    """What one page did: facts seen, stored, refused (audited); the rest were already held."""

    pulled: int = 0
    accepted: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class IngestContext:
    """What ingest needs besides the connection: the node's clock, HLC and stamper, and the assert limits."""

    clock: Clock
    hlc: HybridLogicalClock
    stamp: Callable[[], Stamp]
    options: FactOptions
    cardinality: Cardinality = "winner"
    trust_mode: rules.TrustMode = "relaxed"  # A20 §19.4: strict routes facts to the quarantine garden (Spec-08)
    scorer: TrustScorer | None = None  # A20 §19.4: each received fact's source_trust (None: trust off)
    identity: str | None = None  # how the peer's manifest vouches for it (PeerTrust.identity; None: no manifest)


def _audit(conn: sqlite3.Connection, peer: PeerRow, rejection: rules.Rejection, at: str) -> None:
    audit.write(conn, rejection.event_type, rejection.reason, at, peer_id=peer.peer_id, peer_node_id=peer.node_id,
                fact_id=rejection.fact_id, detail=rejection.detail)


def _held(conn: sqlite3.Connection, raw: object) -> bool:
    """Step 1 by id: a fact this node already holds is a no-op (no update, no second conflict)."""
    fact_id = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(fact_id, str):
        return False
    return conn.execute("SELECT 1 FROM facts WHERE id = ?", (fact_id,)).fetchone() is not None


def _store(conn: sqlite3.Connection, ctx: IngestContext, peer: PeerRow, fact: rules.Inbound, local_hlc: str,
           held: tuple[garden_rows.GardenRow, str] | None = None, trust: Fraction | None = None) -> None:
    """Step 7: the fact as the origin stamped it, its received_from meta-fact, contradiction detection; a fact
    ``held`` in quarantine (garden, reason) is stored, held there, and detected only when promoted (Spec-08)."""
    timestamp_us = instant_us(fact.timestamp)
    valid_until_us = None if fact.valid_until is None else instant_us(fact.valid_until, round_up=True)
    if timestamp_us is None:  # read_inbound checked the form; keep mypy and odd leap seconds honest
        raise ValueError("unreadable timestamp")
    # The garden_id of an inbound fact is dropped (STG-FED-029): NewFact's garden_id stays None.
    new = NewFact(fact.body, fact.cid, fact.valid_until, valid_until_us, None, "client")
    stamp = Stamp(fact.id, format_timestamp(timestamp_us), timestamp_us, format_hlc(fact.hlc))
    fact_rows.insert(conn, new, stamp, local_hlc=local_hlc, received_from=peer.node_id,
                     source_trust=source_trust_rules.wire(trust))
    if held is not None:
        # STG-QUAR-001: a held fact's received_from meta-fact would name it and its peer; it is written on promotion.
        at = format_timestamp(ctx.clock.now_us())
        quarantine.admit(conn, fact.id, held[0], held[1], peer.peer_id, at)
        # STG-AUDIT-023: admission to the quarantine garden is audited in the ingest's transaction.
        audit_log.append(conn, "quarantine_admit", "success", at, fact_id=fact.id, scope=fact.body.scope,
                         metadata={"garden_id": held[0].garden_id, "reason": held[1],
                                   "source_trust": source_trust_rules.wire(trust), "peer_id": peer.peer_id,
                                   "peer_node_id": peer.node_id})
        return
    fact_rows.insert(conn, ledger.received_from(fact.id, peer.node_id), ctx.stamp())
    ledger.detect(conn, ctx.stamp, new, stamp, ctx.clock.now_us(), ctx.cardinality)


def _representable(raw: object) -> None:
    """Raise ValueError when the store could not keep the fact's timestamp (RFC 3339 allows year 0000, which no
    datetime holds); checked before anything else, so such a fact never moves the HLC (STG-HLC-009)."""
    timestamp = raw.get("timestamp") if isinstance(raw, dict) else None
    if not isinstance(timestamp, str):
        return
    us = instant_us(timestamp)
    if us is not None:
        try:
            format_timestamp(us)
        except OverflowError as exc:
            raise ValueError(f"timestamp {timestamp[:40]} is outside years 1-9999") from exc


def _ingest_one(conn: sqlite3.Connection, ctx: IngestContext, peer: PeerRow, raw: object, at: str) -> str:
    """One fact of a page: 'held', 'accepted' or 'rejected' (audited)."""
    if _held(conn, raw):
        return "held"
    inbound = rules.read_inbound(raw, ctx.options)
    if isinstance(inbound, rules.Rejection):
        _audit(conn, peer, inbound, at)
        return "rejected"
    if conn.execute("SELECT 1 FROM facts WHERE cid = ? LIMIT 1", (inbound.cid,)).fetchone():
        return "held"  # step 1 by (verified) CID: the same content is already here
    rejection = rules.admit(inbound, peer.node_id, peer.allowed_scopes, ctx.clock.now_us() // 1000)
    held = None
    # STG-TRUST-007 (A20 §2.8): a low score never refuses a fact; it only routes one in strict mode.
    trust = None if rejection is not None or ctx.scorer is None else ctx.scorer.score(
        conn, peer, inbound.body.scope, ctx.clock.now_us() // 1000, ctx.identity)
    # STG-QUAR-007, STG-TLOG-008: strict holds a fact whose peer has no manifest trusted with its log evidence.
    manifest_valid = ctx.identity in ("manifest_log_proof", "manifest")
    reason = rules.quarantine_reason(ctx.trust_mode, manifest_valid, trust) if rejection is None else None
    if reason is not None:
        garden = garden_rows.quarantine_garden(conn)
        if garden is None:
            # STG-QUAR-007 (A20 §19.4): strict with no quarantine garden is a refusal (audited), never a silent drop.
            rejection = rules.Rejection("rejected_fact", "trust_below_threshold",
                                        f"{reason}, and this node has no quarantine garden", inbound.id)
        else:
            held = (garden, reason)
    if rejection is None:
        try:
            # Step 7: the receive rule; it re-checks the skew bounds and changes nothing when it refuses.
            local_hlc = format_hlc(ctx.hlc.receive(inbound.hlc))
        except (HlcSkewFuture, HlcSkewPast) as exc:
            rejection = rules.Rejection("rejected_fact", "hlc_skew", str(exc), inbound.id)
    if rejection is not None:
        _audit(conn, peer, rejection, at)
        return "rejected"
    _store(conn, ctx, peer, inbound, local_hlc, held, trust)
    return "accepted"


def _contained(conn: sqlite3.Connection, ctx: IngestContext, peer: PeerRow, raw: object, at: str) -> str:
    """``_ingest_one`` under a savepoint: a fact that makes ingest raise (a year-0 timestamp the store cannot
    format, a database refusal, a bug) is undone, audited ``ingest_error`` and skipped; the page goes on."""
    conn.execute("SAVEPOINT ingest_fact")
    try:
        _representable(raw)
        outcome = _ingest_one(conn, ctx, peer, raw, at)
    except Exception as exc:
        conn.execute("ROLLBACK TO ingest_fact")
        conn.execute("RELEASE ingest_fact")
        fact_id = raw.get("id") if isinstance(raw, dict) else None
        named = fact_id[:200].encode("utf-8", "replace").decode("utf-8") if isinstance(fact_id, str) else None
        detail = f"{type(exc).__name__}: {exc}".encode("utf-8", "replace").decode("utf-8")
        _audit(conn, peer, rules.Rejection("rejected_fact", "ingest_error", detail, named), at)
        return "rejected"
    conn.execute("RELEASE ingest_fact")
    return outcome


def ingest_page(
    conn: sqlite3.Connection, ctx: IngestContext, peer: PeerRow, facts: Sequence[object], cursor: str | None
) -> IngestResult:
    """Ingest one pulled page in order and persist ``cursor`` with it (one transaction: the caller's)."""
    at = format_timestamp(ctx.clock.now_us())
    result = IngestResult(pulled=len(facts))
    for raw in facts:
        outcome = _contained(conn, ctx, peer, raw, at)
        if outcome == "accepted":
            result.accepted += 1
        elif outcome == "rejected":
            result.rejected += 1
    peer_rows.set_cursor(conn, peer.peer_id, cursor, at)
    return result
