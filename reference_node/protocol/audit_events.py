"""The shapes of the node-wide audit log's events (Spec-09 AuditEvent; A20 §22.3.1; interpretation audit_event_fields).

Every event is ``{seq, event_id, event_type, timestamp, hlc, actor_entity, scope, fact_id, outcome, metadata}``
(STG-AUDIT-004). ``SHAPES`` names, per event type this node emits, the columns that must not be null and the
metadata keys that must be present: the minimum fields of A20 §22.3.1 as this node reads them. The same table is
written out independently in schemas/audit-event.schema.json, which the suite validates exports against.

Types emitted without an entry here (``instruction_audit``) are held to the common shape only. ``problems`` accepts
any type it does not know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["EVENT_TYPE", "FEDERATION_MIRROR", "OUTCOMES", "SHAPES", "EventShape", "problems"]

OUTCOMES = ("success", "failure", "denied")
# An event type name: lower snake case (also what the export's event_type filter accepts).
EVENT_TYPE = re.compile(r"[a-z][a-z0-9_]{0,63}", re.ASCII)


@dataclass(frozen=True)
class EventShape:
    columns: tuple[str, ...]  # top-level fields that must not be null
    metadata: tuple[str, ...]  # metadata keys that must be present


_ACTOR = ("actor_entity",)
_REJECTION = EventShape((), ("reason", "federation_audit_id"))

SHAPES: Mapping[str, EventShape] = {
    # STG-AUDIT-019: a fact write (assert, batch item, retraction) names the fact, its scope and the writer.
    "fact_write": EventShape(("actor_entity", "fact_id", "scope"), ("action", "created")),
    # STG-AUDIT-020: a read that returned data names the reader, the route and how many facts it returned.
    "fact_read": EventShape(_ACTOR, ("route", "returned")),
    # STG-AUDIT-021: an admin action names the actor, the action and its target.
    "admin_action": EventShape(_ACTOR, ("action", "target")),
    # STG-AUDIT-022: a federation relationship decision names the peer node and the decision.
    "federation_connect": EventShape((), ("peer_node_id", "decision")),
    # STG-AUDIT-023: quarantine admission, promotion and rejection name the fact and the garden.
    "quarantine_admit": EventShape(("fact_id",), ("garden_id", "reason")),
    "quarantine_promote": EventShape(("actor_entity", "fact_id"), ("garden_id",)),
    "quarantine_reject": EventShape(("actor_entity", "fact_id"), ("garden_id",)),
    # STG-AUDIT-024: the federation audit's rows, mirrored (a replay attempt is A20's replay_rejected).
    "replay_rejected": _REJECTION,
    "rejected_fact": _REJECTION,
    "rejected_token": _REJECTION,
    "scope_violation": _REJECTION,
    "rejected_declaration": _REJECTION,
    # STG-MAN-012: a stored manifest names its authority, id, key, rotation count and where it came from.
    "manifest_publish": EventShape((), ("entity_uri", "manifest_id", "key_id", "rotation_count", "source")),
    # STG-KEY-015: a signing-key rotation names the entity, both key ids, when, and the end of dual trust.
    "key_rotation": EventShape(_ACTOR, ("entity_uri", "old_key_id", "new_key_id", "rotated_at",
                                        "dual_trust_expires_at")),
    # STG-QUOTA-011: a breach names the dimension, the principal and the retry_after it was answered.
    "quota_breach": EventShape(_ACTOR, ("dimension", "principal", "retry_after")),
    # STG-TLS-007: a SAN mismatch names the peer, the certificate's URIs and the route.
    "san_mismatch": EventShape(_ACTOR, ("peer_id", "certificate_uris", "path")),
    # STG-CAP-019: issuance and revocation name the admin and the token (A20 §22.3).
    "capability_token_issue": EventShape(_ACTOR, ("token_id", "issuer", "subject", "verb", "object", "expiry")),
    "capability_token_revoke": EventShape(_ACTOR, ("token_id", "issuer", "reason")),
    # STG-TLOG-009: a peer manifest judged without valid log evidence (relaxed: accepted; strict: refused).
    "manifest_log_evidence": EventShape((), ("peer_node_id", "trust_mode", "reason")),
    # STG-TOMB-018: an inbound tombstone or revocation refused names the record, its signer and key, the relaying
    # peer and why (docs/federation-api.md "Tombstones").
    "tombstone_verification_failed": EventShape((), ("kind", "record_id", "signed_by", "key_id", "relayed_by",
                                                     "reason")),
    # STG-TOMB-023: a legal-hold tombstone names the admin, the tombstone and its entity.
    "rtbf_legal_hold_issued": EventShape(_ACTOR, ("tombstone_id", "entity_uri")),
}

# The federation audit's event types (A08 §10) and the audit-log type each row is mirrored as.
FEDERATION_MIRROR: Mapping[str, str] = {
    "rejected_fact": "rejected_fact",
    "rejected_token": "rejected_token",
    "scope_violation": "scope_violation",
    "replay_attempt": "replay_rejected",
    "rejected_declaration": "rejected_declaration",
}


def problems(event_type: str, outcome: str, columns: Mapping[str, Any], metadata: Mapping[str, Any]) -> list[str]:
    """What an event lacks to have its type's shape (empty: well formed)."""
    found = []
    # STG-AUDIT-004: the event type is a name and the outcome one of success, failure, denied.
    if not EVENT_TYPE.fullmatch(event_type):
        found.append(f"event_type {event_type!r} is not a lower snake case name")
    if outcome not in OUTCOMES:
        found.append(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    shape = SHAPES.get(event_type)
    if shape is None:
        return found
    found += [f"{event_type} needs {name}" for name in shape.columns if columns.get(name) is None]
    found += [f"{event_type} needs metadata.{name}" for name in shape.metadata if name not in metadata]
    return found
