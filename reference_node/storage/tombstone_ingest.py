"""Inbound tombstones and revocations pulled from a peer, in one transaction per page (Spec-X2; A20 §23.4.2).

``ingest_page`` judges each record with ``protocol.tombstones.verify`` against the keys of its ``signed_by``
(``keys_of``, resolved by the caller independently of the relaying peer: STG-TOMB-018), checks ``created_at`` is an
instant without holding it to the replay window (STG-TOMB-019), stores it idempotently on id and covers its facts at
once (STG-TOMB-020, storage.tombstones), and audits every refusal as ``tombstone_verification_failed`` in the same
transaction: nothing is dropped silently. A revocation is accepted only from the signer of the tombstone it
revokes. The page's cursor is committed with it (0017_tombstone_pulls.sql).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reference_node.clock import instant_us
from reference_node.protocol import tombstones as rules
from reference_node.storage import audit_log
from reference_node.storage import tombstones as rows

__all__ = ["TombstoneIngest", "cursor", "ingest_page"]

log = logging.getLogger("reference_node.federation")
KeysOf = Callable[[str], Mapping[str, str]]  # signed_by -> {key_id: public key (base64url)}


@dataclass
class TombstoneIngest:
    accepted: int = 0
    held: int = 0  # already stored (idempotent on id)
    rejected: int = 0


def cursor(conn: sqlite3.Connection, peer_id: str) -> str | None:
    row = conn.execute("SELECT cursor FROM tombstone_pulls WHERE peer_id = ?", (peer_id,)).fetchone()
    return None if row is None else row[0]


def _refuse(conn: sqlite3.Connection, kind: str, record: object, relay: str, why: str, now: str,
            result: TombstoneIngest) -> None:
    """STG-TOMB-018: a failed verification is audited, never silently dropped (and logged for the operator)."""
    doc = record if isinstance(record, Mapping) else {}
    result.rejected += 1
    log.warning("inbound %s %.80s from %s refused: %s", kind, doc.get("id"), relay, why)
    audit_log.append(conn, "tombstone_verification_failed", "failure", now, metadata={
        "kind": kind, "record_id": str(doc.get("id"))[:128], "signed_by": str(doc.get("signed_by"))[:256],
        "key_id": str(doc.get("key_id"))[:128], "relayed_by": relay, "reason": why[:300]})


def _judge(kind: str, record: object, keys_of: KeysOf) -> Mapping[str, Any]:
    signer = record.get("signed_by") if isinstance(record, Mapping) else None
    if not isinstance(signer, str) or not signer:
        raise rules.TombstoneInvalid(f"a {kind} names its signer in signed_by")
    # STG-TOMB-018: the signer's keys, never the relay's; the key chosen by key_id.
    verified = rules.verify(kind, record, keys_of(signer))
    # STG-TOMB-019: created_at is an instant; it is not held to the replay window.
    if instant_us(verified.get("created_at")) is None:
        raise rules.TombstoneInvalid("created_at is not an RFC 3339 instant")
    return verified


def ingest_page(conn: sqlite3.Connection, peer_id: str, relay: str, tombstones: Sequence[object],
                revocations: Sequence[object], next_cursor: str | None, keys_of: KeysOf, now: str
                ) -> TombstoneIngest:
    """Judge, store and apply one page, and keep ``next_cursor``; tombstones before revocations."""
    result = TombstoneIngest()
    for record in tombstones:
        try:
            tombstone = _judge("tombstone", record, keys_of)
        except rules.TombstoneInvalid as exc:
            _refuse(conn, "tombstone", record, relay, str(exc), now, result)
            continue
        # STG-TOMB-020: idempotent on id; a stored tombstone covers its facts in this transaction.
        if rows.insert_tombstone(conn, tombstone, now, received_from=relay):
            result.accepted += 1
        else:
            result.held += 1
    for record in revocations:
        try:
            revocation = _judge("tombstone_revocation", record, keys_of)
        except rules.TombstoneInvalid as exc:
            _refuse(conn, "tombstone_revocation", record, relay, str(exc), now, result)
            continue
        found = rows.by_id(conn, str(revocation.get("tombstone_id")))
        if found is None or found[0].get("signed_by") != revocation["signed_by"]:
            # STG-TOMB-008: only the tombstone's own signer reinstates what it suppressed.
            _refuse(conn, "tombstone_revocation", record, relay,
                    "the revoked tombstone is unknown here or was signed by another signer", now, result)
            continue
        if rows.insert_revocation(conn, revocation, now, received_from=relay):
            result.accepted += 1
        else:
            result.held += 1
    conn.execute("INSERT INTO tombstone_pulls (peer_id, cursor, pulled_at) VALUES (?, ?, ?) ON CONFLICT (peer_id) "
                 "DO UPDATE SET cursor = excluded.cursor, pulled_at = excluded.pulled_at",
                 (peer_id, next_cursor, now))
    return result
