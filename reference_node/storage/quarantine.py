"""The quarantine garden's holdings: inbound facts held back, and what moderators decide (Spec-08; A20 §19.5).

A held fact is an ordinary, immutable fact row plus a ``fact_quarantine`` row (interpretation of register N-1:
state beside the fact, never a mutation). Spec-08: quarantined facts carry why (``reason``); pending and rejected
facts stay out of normal reads (``garden_acl.RELEASED``); promote and reject record who, when and why, need admin
or quarantine:moderator, and answer 409 on a fact that is no longer pending; a promotion re-checks the target
garden's write permission and scope, and keeps the fact's provenance: into the main fabric the row itself is
released (its id, source, timestamp and hlc unchanged, contradiction detection runs then); into a garden, a copy
with the same body, source and ``received_from`` is written there (a row's garden never changes).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reference_node.clock import instant_us
from reference_node.protocol import gardens as rules
from reference_node.protocol.contradictions import Cardinality
from reference_node.protocol.facts import FactBody
from reference_node.storage import facts as fact_rows
from reference_node.storage import gardens as garden_rows
from reference_node.storage import ledger, tombstones
from reference_node.storage.errors import StoreError
from reference_node.storage.garden_acl import Reader
from reference_node.storage.rows import (
    CID,
    COLUMNS,
    CONFIDENCE,
    ENTITY,
    HLC,
    ID,
    INTERPRET_AS,
    RELATION,
    SCOPE,
    SOURCE,
    SOURCE_TRUST,
    TIMESTAMP,
    VALID_UNTIL,
    VALUE_TYPE,
    VALUE_V,
    FactRow,
    NewFact,
    Stamp,
    record,
)

__all__ = ["HeldRow", "admit", "decide", "listing", "moderated"]

_COLUMNS = ("q.seq, q.fact_id, q.garden, q.reason, q.peer_id, q.admitted_at, q.status, q.target_garden_id, "
            "q.acted_by, q.acted_at, q.action_reason")
STATUSES = ("pending", "promoted", "rejected")

Stamper = Callable[[], Stamp]


@dataclass(frozen=True)
class HeldRow:
    seq: int
    fact_id: str
    garden: str
    reason: str
    peer_id: str | None
    admitted_at: str
    status: str
    target_garden_id: str | None
    acted_by: str | None
    acted_at: str | None
    action_reason: str | None

    def fields(self, quarantine_garden_id: str) -> dict[str, Any]:
        """STG-QUAR-002: quarantine_garden_id, quarantine_status, quarantine_reason (and the decision)."""
        return {"quarantine_garden_id": quarantine_garden_id, "quarantine_status": self.status,
                "quarantine_reason": self.reason, "quarantined_at": self.admitted_at,
                "acted_by": self.acted_by, "acted_at": self.acted_at, "action_reason": self.action_reason,
                "target_garden_id": self.target_garden_id}


def admit(conn: sqlite3.Connection, fact_id: str, garden: garden_rows.GardenRow, reason: str, peer_id: str | None,
          at: str) -> None:
    """Hold a just-stored inbound fact in the quarantine garden, with why (Spec-08: enough to explain it)."""
    conn.execute("INSERT INTO fact_quarantine (fact_id, garden, reason, peer_id, admitted_at) VALUES (?, ?, ?, ?, ?)",
                 (fact_id, garden.id, reason, peer_id, at))


def moderated(conn: sqlite3.Connection, ref: str, reader: Reader) -> garden_rows.GardenRow:
    """A quarantine garden the reader moderates: 404 unknown, 422 not a quarantine garden, 403 without the role."""
    garden = garden_rows.by_ref(conn, ref)
    if garden is None:
        raise StoreError("garden_not_found", f"no garden {ref}")
    if not garden.quarantine:
        raise StoreError("not_quarantine_garden", f"{garden.slug} is not a quarantine garden")
    # STG-QUAR-003 (Spec-08): promote or reject (and the quarantine surface) need admin or quarantine:moderator.
    if not rules.may_moderate(garden_rows.role_of(conn, garden, reader.entity_uri)):
        raise StoreError("garden_forbidden", "admin or quarantine:moderator role required")
    return garden


def listing(conn: sqlite3.Connection, garden: garden_rows.GardenRow, status: str | None, after_seq: int | None,
            limit: int) -> tuple[list[dict[str, Any]], int | None]:
    """The garden's held facts oldest first (of ``status``), with their quarantine state; the seq to go on after."""
    # STG-TOMB-011/012: the quarantine surface leaves out what a tombstone suppresses, like every read.
    clauses, params = ["q.garden = ?", f"NOT {tombstones.suppressed('f')}"], [garden.id]
    if status is not None:
        clauses.append("q.status = ?")
        params.append(status)
    if after_seq is not None:
        clauses.append("q.seq > ?")
        params.append(str(after_seq))
    rows = conn.execute(
        f"SELECT {_COLUMNS}, {COLUMNS} FROM fact_quarantine q JOIN facts f ON f.id = q.fact_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY q.seq LIMIT ?", (*params, limit + 1)).fetchall()
    found = [{**record(row[11:]), **HeldRow(*row[:11]).fields(garden.garden_id)} for row in rows[:limit]]
    return found, (rows[limit - 1][0] if len(rows) > limit else None)


def _held(conn: sqlite3.Connection, garden: garden_rows.GardenRow, fact_id: str) -> tuple[HeldRow, FactRow]:
    row = conn.execute(f"SELECT {_COLUMNS}, {COLUMNS} FROM fact_quarantine q JOIN facts f "
                       "ON f.id = q.fact_id WHERE q.garden = ? AND q.fact_id = ?", (garden.id, fact_id)).fetchone()
    if row is None:
        raise StoreError("fact_not_found", f"{fact_id} is not held in this quarantine garden")
    return HeldRow(*row[:11]), row[11:]


def _as_new(fact: FactRow, garden_id: str | None) -> NewFact:
    value: dict[str, Any] = {"type": fact[VALUE_TYPE], "v": json.loads(fact[VALUE_V])}
    if fact[INTERPRET_AS] is not None:
        value["interpret_as"] = fact[INTERPRET_AS]
    body = FactBody(fact[ENTITY], fact[RELATION], value, fact[SOURCE], fact[CONFIDENCE], fact[SCOPE])
    until = fact[VALID_UNTIL]
    return NewFact(body, fact[CID], until, None if until is None else instant_us(until, round_up=True), garden_id,
                   "client")


def decide(conn: sqlite3.Connection, stamp: Stamper, garden: garden_rows.GardenRow, fact_id: str, action: str,
           actor: Reader, reason: str | None, target_ref: str | None, now_us: int, at: str,
           cardinality: Cardinality) -> None:
    """Promote (``action`` "promoted") or reject ("rejected") one pending fact of ``garden``."""
    held, fact = _held(conn, garden, fact_id)
    # STG-QUAR-003 (Spec-08): re-deciding a promoted or rejected fact is a conflict (409).
    if held.status != "pending":
        raise StoreError("fact_not_quarantine_pending", f"{fact_id} is already {held.status}")
    target_uri = None
    if action == "promoted" and target_ref is not None:
        target = garden_rows.by_ref(conn, target_ref)
        if target is None or target.quarantine:
            raise StoreError("garden_not_found", f"no target garden {target_ref}")
        # STG-QUAR-004 (Spec-08): the target garden's write permission and scope are re-checked.
        target_uri = garden_rows.writable(conn, target.garden_id, fact[SCOPE], actor, garden.garden_id.split("/")[2])
    conn.execute("UPDATE fact_quarantine SET status = ?, target_garden_id = ?, acted_by = ?, acted_at = ?, "
                 "action_reason = ? WHERE fact_id = ? AND status = 'pending'",
                 (action, target_uri, actor.entity_uri, at, reason, fact_id))
    if action != "promoted":
        return
    received_from = conn.execute("SELECT received_from FROM facts WHERE id = ?", (fact_id,)).fetchone()[0]
    if received_from is not None:  # STG-PROV-004, STG-QUAR-004: the provenance held back at admission
        fact_rows.insert(conn, ledger.received_from(fact_id, received_from), stamp())
    if target_uri is None:
        new = _as_new(fact, None)
        ledger.detect(conn, stamp, new, Stamp(fact[ID], fact[TIMESTAMP], 0, fact[HLC]), now_us, cardinality)
        return
    copy = _as_new(fact, target_uri)
    copy_stamp = stamp()
    fact_rows.insert(conn, copy, copy_stamp, received_from=received_from, source_trust=fact[SOURCE_TRUST])
    ledger.detect(conn, stamp, copy, copy_stamp, now_us, cardinality)
