"""The audit log's retention at start-up (Spec-09 §Retention; A20 §22.3.3; ``--audit-retention-days``).

STG-AUDIT-026: the bound is recorded in ``audit_log_bounds.max_age_s`` (the table refuses under 90 days); a change
is an ``admin_action`` event (Spec-09: shortening retention is an explicit, audited operator choice).
STG-AUDIT-027: rows older than the bound are pruned now, and again as the log grows (storage/audit_log.py).
"""

from __future__ import annotations

from reference_node.clock import format_timestamp
from reference_node.storage import Store, audit_log

__all__ = ["apply_retention"]

_DAY_S = 86_400


def apply_retention(store: Store, days: int) -> None:
    now = format_timestamp(store.now_us())
    with store.db.transaction() as conn:
        previous = audit_log.set_retention(conn, days * _DAY_S)
        if previous != days * _DAY_S:
            audit_log.append(conn, "admin_action", "success", now, actor_entity=store.node_id,
                             metadata={"action": "audit_retention_set", "target": "audit_log",
                                       "retention_days": days,
                                       "previous_days": None if previous is None else previous // _DAY_S})
        audit_log.prune(conn, now)
