"""What a scripted peer serves at ``GET /v1/federation/tombstones`` and the records it signs (Spec-X2; A20 §23.2,
§23.4).

``tombstone`` and ``revocation`` sign records the way A20 §23.2.4 says: Ed25519 over RFC 8785 of the record without
``signature`` and ``reason``, ``key_id`` (SHA-256 hex of the raw key) included; ``signer`` and ``key`` may differ,
so a check can craft a relay's forgery. ``Feed`` is the peer's append-only log and its pages
(``{tombstones, revocations, cursor}``, the cursor a position in the log).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conformance.federation.identity import Identity
from conformance.oracle import ed25519

__all__ = ["Feed", "revocation", "tombstone", "uuid7"]


def uuid7(unix_ms: int | None = None) -> str:
    """RFC 9562 UUIDv7: 48 bits of Unix milliseconds, version 7, variant 10, random bits."""
    ms = int(time.time() * 1000) if unix_ms is None else unix_ms
    n = (ms & (2**48 - 1)) << 80 | 0x7 << 76 | secrets.randbits(12) << 64 | 0b10 << 62 | secrets.randbits(62)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def tombstone(key: Identity, entity: str, *, signer: str | None = None, scope: Any = "*",
              reason: str | None = "conformance erasure", created_at: str | None = None,
              legal_hold: bool = False, key_id_of: Identity | None = None) -> dict[str, Any]:
    """A TombstoneRecord signed with ``key``'s seed; ``signed_by`` is ``signer`` (default ``key``'s node) and
    ``key_id`` names ``key_id_of``'s key (default ``key``'s own)."""
    named = key_id_of or key
    record: dict[str, Any] = {"id": f"tomb_{uuid7()}", "entity_uri": entity, "scope": scope, "reason": reason,
                              "signed_by": signer or key.node_id, "key_id": ed25519.key_id(named.public_key),
                              "created_at": created_at or _now(), "legal_hold": legal_hold}
    record["signature"] = key.sign(ed25519.preimage("tombstone", record))
    return record


def revocation(key: Identity, tombstone_id: str, *, signer: str | None = None,
               reason: str = "conformance appeal") -> dict[str, Any]:
    """A TombstoneRevocationRecord (with the reference implementation's ``key_id``) signed with ``key``."""
    record: dict[str, Any] = {"id": f"tombrevoke_{uuid7()}", "tombstone_id": tombstone_id, "reason": reason,
                              "signed_by": signer or key.node_id, "key_id": ed25519.key_id(key.public_key),
                              "created_at": _now()}
    record["signature"] = key.sign(ed25519.preimage("tombstone_revocation", record))
    return record


@dataclass
class Feed:
    """The peer's tombstone log: ("tombstone" | "revocation", record) in the order served."""

    log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, record: Mapping[str, Any]) -> None:
        with self._lock:
            self.log.append((kind, dict(record)))

    def page(self, params: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        raw = params.get("since") or params.get("cursor") or "0"
        start = int(raw) if raw.isascii() and raw.isdigit() else 0  # an ISO 8601 since: from the start
        limit = int(params["limit"]) if params.get("limit", "").isdigit() else 100
        with self._lock:
            entries = self.log[start:start + max(1, min(limit, 500))]
            position = start + len(entries)
        return 200, {"tombstones": [r for kind, r in entries if kind == "tombstone"],
                     "revocations": [r for kind, r in entries if kind == "revocation"], "cursor": str(position)}
