"""The write path, inside the caller's transaction: dedup, stamp, insert, detect contradictions, resolve.

CIDF §Write Path: normalize, compute the CID, persist with its alias (STG-CID-010); a body whose CID, valid_until,
garden_id and interpret_as match an existing fact returns that fact (STG-CID-011, interpretation cid_dedup).
Spec-15: a new fact is paired with its triple's preferred live fact, or with each live differing sibling
(STG-CONF-001, STG-CONF-018, interpretations contradiction_rule and conflict_cardinality, decided by the protocol
core) and every pair is reified as ``stigmem:conflict:<uuid>`` with
``between`` and ``status`` facts from ``system:stigmem`` in the pair's scope (STG-CONF-004, STG-CONF-016), in the
same transaction as the insert. Resolution follows A08 §5.10 (interpretation conflict_resolution, STG-CONF-006,
STG-CONF-013..015).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from reference_node.protocol import cid as cid_rules
from reference_node.protocol import contradictions
from reference_node.protocol.contradictions import Cardinality
from reference_node.protocol.facts import FactBody
from reference_node.protocol.hlc import parse as parse_hlc
from reference_node.protocol.namespaces import RECEIVED_FROM
from reference_node.storage import conflicts as conflict_rows
from reference_node.storage import facts as fact_rows
from reference_node.storage.errors import StoreError
from reference_node.storage.rows import (
    ENTITY,
    GARDEN,
    INTERPRET_AS,
    RELATION,
    SCOPE,
    VALUE_TYPE,
    VALUE_V,
    NewFact,
    Stamp,
    record,
)

__all__ = ["CONTENT_MEMBERS", "SYSTEM_SOURCE", "content_only", "detect", "new_fact", "resolve", "write_facts"]

# Spec-16 / Spec-15: node-written accounting facts carry this source.
SYSTEM_SOURCE = "system:stigmem"

Stamper = Callable[[], Stamp]


def new_fact(body: FactBody, origin: str = "client", **beside: Any) -> NewFact:
    """A NewFact with its CID computed from ``body`` (interpretation cid_preimage = jcs-6)."""
    return NewFact(body, cid_rules.of_body(body), origin=origin, **beside)


def received_from(fact_id: str, peer_node_id: str) -> NewFact:
    """STG-PROV-004: the ``stigmem:received_from`` meta-fact of a federated fact (system-sourced, local scope)."""
    body = FactBody(f"stigmem:fact:{fact_id}", RECEIVED_FROM, {"type": "ref", "v": peer_node_id}, SYSTEM_SOURCE,
                    1.0, "local")
    return new_fact(body, "system")


def _core_fact(fact_id: str, body: FactBody, hlc: str) -> contradictions.Fact:
    return contradictions.Fact(fact_id, body.entity, body.relation, body.value, body.confidence, body.scope,
                               parse_hlc(hlc))


def _sibling_fact(row: Sequence[Any], body: FactBody) -> contradictions.Fact:
    fact_id, value_type, value_v, confidence, hlc = row
    value = {"type": value_type, "v": json.loads(value_v)}
    return contradictions.Fact(fact_id, body.entity, body.relation, value, confidence, body.scope, parse_hlc(hlc))


def _record_conflict(conn: sqlite3.Connection, stamp: Stamper, older: str, newer: str, scope: str,
                     garden_id: str | None) -> str:
    """Reify one contradicting pair (STG-CONF-004) and index it; a pair of garden facts records its conflict in
    their garden (STG-SCOPE-025), so only the garden's members see it."""
    conflict_id = f"stigmem:conflict:{uuid.uuid4()}"
    between = FactBody(conflict_id, "stigmem:conflict:between", {"type": "text", "v": f"{older} {newer}"},
                       SYSTEM_SOURCE, 1.0, scope)
    status = FactBody(conflict_id, "stigmem:conflict:status", {"type": "string", "v": "unresolved"},
                      SYSTEM_SOURCE, 1.0, scope)
    first = stamp()
    fact_rows.insert(conn, new_fact(between, "system", garden_id=garden_id), first)
    fact_rows.insert(conn, new_fact(status, "system", garden_id=garden_id), stamp())
    conflict_rows.insert(conn, conflict_id, older, newer, scope, first.timestamp, garden_id)
    return conflict_id


def _detect(
    conn: sqlite3.Connection, stamp: Stamper, fact: NewFact, fact_stamp: Stamp, now_us: int, cardinality: Cardinality
) -> None:
    """Pair a new live fact with the siblings the protocol core names (STG-CONF-001, STG-CONF-010, STG-CONF-018)."""
    body = fact.body
    if body.confidence <= 0 or (fact.valid_until_us is not None and fact.valid_until_us <= now_us):
        return
    mine = _core_fact(fact_stamp.id, body, fact_stamp.hlc)
    if cardinality == "winner":
        rows = fact_rows.preferred_siblings(conn, body.entity, body.relation, body.scope, fact.garden_id, now_us,
                                            fact_stamp.id)
    else:
        rows = [row for row in fact_rows.siblings(conn, body.entity, body.relation, body.scope, fact.garden_id,
                                                  now_us) if row[0] != fact_stamp.id]
    rules = contradictions.ContradictionRules(cardinality=cardinality)
    for sibling in contradictions.paired_with([_sibling_fact(row, body) for row in rows], mine, rules):
        _record_conflict(conn, stamp, sibling.id, fact_stamp.id, body.scope, fact.garden_id)


def detect(
    conn: sqlite3.Connection, stamp: Stamper, fact: NewFact, fact_stamp: Stamp, now_us: int,
    cardinality: Cardinality = "winner",
) -> None:
    """Contradiction detection for a fact stored by another path (federation ingest), in the caller's transaction."""
    _detect(conn, stamp, fact, fact_stamp, now_us, cardinality)


def write_facts(
    conn: sqlite3.Connection, stamp: Stamper, facts: Sequence[NewFact], now_us: int,
    cardinality: Cardinality = "winner",
) -> list[tuple[dict[str, Any], bool]]:
    """Write client assertions in order; each result is (record, created). Dedup hits are not created."""
    results: list[tuple[dict[str, Any], bool]] = []
    for fact in facts:
        existing = fact_rows.duplicate(conn, fact)
        if existing is not None:
            results.append((record(existing), False))
            continue
        fact_stamp = stamp()
        row = fact_rows.insert(conn, fact, fact_stamp)
        _detect(conn, stamp, fact, fact_stamp, now_us, cardinality)
        results.append((record(row), True))
    return results


def _winner_value(conn: sqlite3.Connection, winning_fact_id: str) -> dict[str, Any]:
    winner = fact_rows.by_id(conn, winning_fact_id)
    if winner is None:
        raise StoreError("invalid_resolution", f"{winning_fact_id} does not exist")
    value = {"type": winner[VALUE_TYPE], "v": json.loads(winner[VALUE_V])}
    if winner[INTERPRET_AS] is not None:
        value["interpret_as"] = winner[INTERPRET_AS]
    return value


def resolve(
    conn: sqlite3.Connection,
    stamp: Stamper,
    conflict_id: str,
    caller: str,
    winning_fact_id: str | None,
    new_value: dict[str, Any] | None,
    scopes: tuple[str, ...] | None,
) -> dict[str, Any]:
    """A08 §5.10: a resolution fact on the pair's triple, a stigmem:resolves meta-fact, a resolved status."""
    conflict = conflict_rows.get(conn, conflict_id)
    if conflict is None or (scopes is not None and conflict.scope not in scopes):
        raise StoreError("conflict_not_found", f"no conflict {conflict_id}")
    if conflict.status == "resolved":
        raise StoreError("conflict_already_resolved", f"{conflict_id} is already resolved")
    if (winning_fact_id is None) == (new_value is None):
        raise StoreError("invalid_resolution", "give exactly one of winning_fact_id and new_value")
    if winning_fact_id is not None and winning_fact_id not in (conflict.fact_a, conflict.fact_b):
        raise StoreError("invalid_resolution", f"{winning_fact_id} is not one of the conflicting facts")
    pair = fact_rows.by_id(conn, conflict.fact_a)
    if pair is None:
        raise StoreError("conflict_not_found", f"conflict {conflict_id} has lost its facts")
    value = new_value if new_value is not None else _winner_value(conn, winning_fact_id or "")
    scope, garden_id = pair[SCOPE], pair[GARDEN]
    # STG-CONF-015: the resolution fact supersedes the pair and is not checked for contradictions; like the
    # conflict, it stays in the pair's garden (STG-SCOPE-025).
    resolution = FactBody(pair[ENTITY], pair[RELATION], value, caller, 1.0, scope)
    resolution_stamp = stamp()
    fact_rows.insert(conn, new_fact(resolution, "resolution", garden_id=garden_id), resolution_stamp)
    resolves = FactBody(f"stigmem:fact:{resolution_stamp.id}", "stigmem:resolves",
                        {"type": "ref", "v": conflict_id}, caller, 1.0, scope)
    fact_rows.insert(conn, new_fact(resolves, "system", garden_id=garden_id), stamp())
    status = FactBody(conflict_id, "stigmem:conflict:status", {"type": "string", "v": "resolved"},
                      SYSTEM_SOURCE, 1.0, scope)
    fact_rows.insert(conn, new_fact(status, "system", garden_id=garden_id), stamp())
    if not conflict_rows.mark_resolved(conn, conflict_id, resolution_stamp.id):
        raise StoreError("conflict_already_resolved", f"{conflict_id} is already resolved")
    return {"conflict_id": conflict_id, "resolution_fact_id": resolution_stamp.id, "conflict_status": "resolved"}


# Interpretation dedup_answer_without_read = content-only (STG-SCOPE-023): a dedup hit shows a key without read
# only what it sent and the CID it can compute from that, never the existing fact's id, timestamp or hlc.
CONTENT_MEMBERS = ("entity", "relation", "value", "source", "scope", "confidence", "valid_until", "cid")


def content_only(record: dict[str, Any]) -> dict[str, Any]:
    """The members of a fact record a writer without read permission may see."""
    return {name: record[name] for name in CONTENT_MEMBERS if name in record}
