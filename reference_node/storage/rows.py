"""Fact rows: what the node writes, how a row reads back as a wire record, and its recomputed CID.

The record shape is docs/http-api.md "Fact records" (STG-QRY-002): entity and source normalized, ``value`` the
stored ``{"type", "v"}`` (plus ``interpret_as`` when sent), ``valid_until`` echoed as sent (STG-EXP-009), and
``contradicted`` on reads; ``garden_id`` only on garden facts (docs/http-api.md "Memory Gardens"); ``attested``
null on every fact (source attestation off) and ``source_trust`` on received facts (docs/federation-api.md).
``computed_cid`` recomputes a stored row's CID with the protocol core (STG-CID-009).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reference_node.protocol import cid as cid_rules
from reference_node.protocol.errors import ProtocolError
from reference_node.protocol.facts import FactBody

__all__ = ["COLUMNS", "DEFAULT_MAX_RESPONSE_BYTES", "FactRow", "NewFact", "Stamp", "computed_cid", "dump_v",
           "fitting", "record"]

# The column list every fact SELECT uses, in FactRow order.
COLUMNS = (
    "f.id, f.entity, f.relation, f.value_type, f.value_v, f.interpret_as, f.source, f.timestamp, f.hlc, "
    "f.confidence, f.scope, f.valid_until, f.cid, f.garden_id, f.received_from, f.source_trust"
)
# FactRow positions.
ID, ENTITY, RELATION, VALUE_TYPE, VALUE_V, INTERPRET_AS, SOURCE, TIMESTAMP, HLC, CONFIDENCE, SCOPE = range(11)
VALID_UNTIL, CID, GARDEN, RECEIVED, SOURCE_TRUST = 11, 12, 13, 14, 15

FactRow = tuple[Any, ...]


@dataclass(frozen=True)
class NewFact:
    """A validated assertion: the CID-bearing body, its CID, and the fields beside the body."""

    body: FactBody
    cid: str
    valid_until: str | None = None
    valid_until_us: int | None = None
    garden_id: str | None = None
    origin: str = "client"


@dataclass(frozen=True)
class Stamp:
    """The node-stamped fields of one new fact (STG-FACT-004)."""

    id: str
    timestamp: str
    timestamp_us: int
    hlc: str


def dump_v(v: Any) -> str:
    """The stored JSON text of a value's ``v`` (never coerced)."""
    return json.dumps(v, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def record(row: FactRow, contradicted: object = None) -> dict[str, Any]:
    """The wire record of a stored row; ``contradicted`` None leaves the flag out (write responses)."""
    value: dict[str, Any] = {"type": row[VALUE_TYPE], "v": json.loads(row[VALUE_V])}
    if row[INTERPRET_AS] is not None:
        value["interpret_as"] = row[INTERPRET_AS]
    out = {
        "id": row[ID],
        "entity": row[ENTITY],
        "relation": row[RELATION],
        "value": value,
        "source": row[SOURCE],
        "timestamp": row[TIMESTAMP],
        "hlc": row[HLC],
        "confidence": row[CONFIDENCE],
        "scope": row[SCOPE],
        "valid_until": row[VALID_UNTIL],
        "cid": row[CID],
    }
    if row[GARDEN] is not None:
        out["garden_id"] = row[GARDEN]
    # STG-TRUST-011 (Spec-X6, interpretation source_attestation = off): this node attests no source.
    out["attested"] = None
    # STG-TRUST-005: a received fact carries the source_trust scored at ingest (A20 §2.8), null in trust_mode off.
    if len(row) > RECEIVED and row[RECEIVED] is not None:
        out["source_trust"] = row[SOURCE_TRUST]
    if contradicted is not None:
        out["contradicted"] = bool(contradicted)
    return out


def computed_cid(row: FactRow) -> str | None:
    """The CID the stored body hashes to (interpretation cid_preimage, jcs-6); None if the row is unreadable."""
    try:
        body = FactBody(
            row[ENTITY],
            row[RELATION],
            {"type": row[VALUE_TYPE], "v": json.loads(row[VALUE_V])},
            row[SOURCE],
            row[CONFIDENCE],
            row[SCOPE],
        )
        return cid_rules.of_body(body)
    except (ProtocolError, ValueError, TypeError, KeyError):
        return None


# STG-ROB-005: one list response holds at most this many bytes of items (the node's --max-response-bytes), so a
# page of large values is cut short, with a cursor to the rest, instead of being built whole in memory.
DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024


def fitting(items: Sequence[Any], max_bytes: int) -> int:
    """How many leading ``items`` fit in ``max_bytes`` of JSON (always at least one: a single item is bounded by
    the text and body limits)."""
    size = 64  # the envelope around the items
    for index, item in enumerate(items):
        size += len(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")) + 1
        if size > max_bytes and index > 0:
            return index
    return len(items)
