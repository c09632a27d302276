"""Key ages and rotation due dates in ``GET /v1/admin/status`` (seed §22 "Key rotation"; A20 §22.2; A10 §18.10).

STG-KEY-004: each active API key within the caller's authority with its kind (``admin`` when it holds the admin
permission, else ``agent``), creation time and age. STG-KEY-005: the node signing key (the federation key, with
``--federation``) with its age and its rotation due date, 365 days after creation; a key read from
``--federation-key-file`` dates from the file's modification time. STG-KEY-006: a capability issuer key (90 days)
is listed once the node issues capability tokens; this node does not yet. STG-AUDIT-027: the audit retention.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.requests import Request

from reference_node.api.auth import Identity
from reference_node.api.keys import visible_keys
from reference_node.clock import format_timestamp, instant_us
from reference_node.federation import Federation
from reference_node.protocol.key_ages import key_age
from reference_node.storage import Store, audit_log

__all__ = ["audit_report", "key_report"]


def _dated(role: str, created_at: str, now_us: int) -> dict[str, Any]:
    created_us = instant_us(created_at) or 0
    age = key_age(role, created_us, now_us)
    rotate_by = age.pop("rotate_by_us")
    return {**age, "created_at": format_timestamp(created_us),
            "rotate_by": None if rotate_by is None else format_timestamp(rotate_by)}


def _signing_key_created(federation: Federation, store: Store) -> str | None:
    path = federation.settings.federation_key_file
    if path:
        return format_timestamp(int(os.stat(path).st_mtime * 1_000_000))
    with store.db.reading() as conn:
        row = conn.execute("SELECT created_at FROM federation_keys WHERE retired_at IS NULL "
                           "ORDER BY created_at DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def key_report(request: Request, identity: Identity) -> dict[str, Any]:
    """``{api_key_ages: [...], signing_keys: [...]}`` for the status document."""
    store: Store = request.app.state.store
    now_us = store.now_us()
    ages = [{"id": key.id, "entity_uri": key.entity_uri, "kind": "admin" if "admin" in key.permissions else "agent",
             **_dated("api_key", key.created_at, now_us)} for key in visible_keys(identity, store)]
    signing: list[dict[str, Any]] = []
    federation: Federation | None = request.app.state.federation
    if federation is not None:
        created = _signing_key_created(federation, store)
        if created is not None:
            signing.append({"name": "federation", "public_key": federation.public_key,
                            **_dated("node_signing", created, now_us)})
    return {"api_key_ages": ages, "signing_keys": signing}


def audit_report(store: Store) -> dict[str, Any]:
    """``{retention_days}`` of the audit log (no counts: they would change with other scopes' writes)."""
    with store.db.reading() as conn:
        max_age_s = audit_log.retention(conn)
    return {"retention_days": None if max_age_s is None else max_age_s // 86_400}
