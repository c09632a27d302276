"""What the node knows of a peer for its source-trust score, and the score's cache (A20 §19.4; Spec-08).

The rule is ``protocol.source_trust``; this module reads its inputs: peer_history from the database (facts
received from the peer, by their local receive stamp, and the federation audit's refusals naming it, both in the
last 30 days), identity_strength from how the peer is known (``identity_kind``), scope_authority from how it may
write (``scope_kind``), attestation_mode_factor from this node's own source attestation mode (interpretation
source_trust_attestation). A peer's history is cached per process for ``CACHE_TTL_MS`` (A20: "recomputed live with
a cache TTL >= 60 s"), so one pull cycle scores every fact of a peer from the same history.

``identity_kind`` is the one place that names the credential: "manifest_log_proof" when the peer's manifest
verified with an inclusion proof, "manifest" when it verified without one (the pull's ``PeerTrust``), else
"capability_token" when this node issued the peer a capability token still valid (unexpired, unrevoked).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from reference_node.clock import format_timestamp
from reference_node.protocol import source_trust as rules
from reference_node.protocol.hlc import Hlc, format_hlc
from reference_node.storage.peers import PeerRow

__all__ = ["ATTESTATION_MODE", "CACHE_TTL_MS", "TrustScorer", "identity_kind", "peer_history", "scope_kind"]

# A20: the cache TTL is at least 60 s.
CACHE_TTL_MS = 60_000
# Spec-X6 (interpretation source_attestation): this node does not attest sources; discovery says "off".
ATTESTATION_MODE = "off"
# Peer statuses that block a peer (A20 §19.4 "blocklisted"): a revoked or rejected peer.
_BLOCKED = frozenset({"revoked", "rejected"})


def _holds_token(conn: sqlite3.Connection, peer: PeerRow, now_ms: int) -> bool:
    """Whether this node issued ``peer`` a capability token that is unexpired and unrevoked now."""
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    rows = conn.execute("SELECT expiry FROM capability_tokens t WHERE subject = ? AND NOT EXISTS "
                        "(SELECT 1 FROM capability_token_revocations r WHERE r.token_id = t.token_id)",
                        (peer.node_id,)).fetchall()
    for (expiry,) in rows:
        try:
            if datetime.fromisoformat(str(expiry).replace("Z", "+00:00")) > now:
                return True
        except ValueError:
            continue
    return False


def identity_kind(peer: PeerRow, manifest: str | None = None, conn: sqlite3.Connection | None = None,
                  now_ms: int = 0) -> str:
    """The identity_strength row of a peer's facts (A20 §19.4; interpretation source_trust_identity).

    ``manifest`` is how the peer's manifest verified (``PeerTrust.identity``): "manifest_log_proof" (1.0) with an
    inclusion proof, "manifest" (0.7) without; else a capability token this node issued the peer, valid now (0.5);
    else an active peer, known by its self-signed PeerDeclaration alone, is "unrecognized but syntactically valid"
    (0.1) and any other "absent or invalid" (0.0).
    """
    if peer.status != "active":
        return "absent"
    if manifest in ("manifest_log_proof", "manifest"):
        return manifest
    if conn is not None and _holds_token(conn, peer, now_ms):
        return "capability_token"
    return "unrecognized"


def scope_kind(peer: PeerRow, scope: str) -> str:
    """The scope_authority row: an external peer that may federate ``scope`` (declared, hence admitted)."""
    return "external_federate" if scope in peer.allowed_scopes else "none"


def peer_history(conn: sqlite3.Connection, peer: PeerRow, now_ms: int) -> rules.History:
    """STG-TRUST-001/002: facts received from ``peer`` and its refusals in the 30 days up to ``now_ms``."""
    since_ms = max(now_ms - rules.WINDOW_MS, 0)
    since_hlc = format_hlc(Hlc(since_ms, 0))
    accepted = conn.execute("SELECT COUNT(*) FROM facts WHERE received_from = ? AND local_hlc >= ?",
                            (peer.node_id, since_hlc)).fetchone()[0]
    refused = conn.execute(
        # The audit's own time form (format_timestamp), compared as text.
        "SELECT COALESCE(SUM(count), 0) FROM federation_audit WHERE peer_id = ? AND at >= ? "
        "AND event_type IN ('rejected_fact', 'scope_violation')",
        (peer.peer_id, format_timestamp(since_ms * 1000))).fetchone()[0]
    return rules.History(int(accepted) + int(refused), int(refused), peer.status in _BLOCKED)


@dataclass
class TrustScorer:
    """Scores a peer's facts: the trust mode, weights and attestation mode in force, and the history cache."""

    trust_mode: str = "relaxed"
    weights: rules.Weights = rules.DEFAULT_WEIGHTS
    attestation_mode: str = ATTESTATION_MODE
    _cache: dict[str, tuple[int, rules.History]] = field(default_factory=dict)

    def history(self, conn: sqlite3.Connection, peer: PeerRow, now_ms: int) -> rules.History:
        cached = self._cache.get(peer.peer_id)
        if cached is not None and 0 <= now_ms - cached[0] < CACHE_TTL_MS:
            return cached[1]
        seen = peer_history(conn, peer, now_ms)
        if len(self._cache) >= 10_000:
            self._cache.clear()
        self._cache[peer.peer_id] = (now_ms, seen)
        return seen

    def score(self, conn: sqlite3.Connection, peer: PeerRow, scope: str, now_ms: int,
              manifest: str | None = None) -> Fraction | None:
        """The exact source_trust of a fact ``peer`` sent in ``scope`` (``manifest``: how its manifest verified);
        None in trust_mode off (STG-TRUST-005)."""
        if self.trust_mode == "off":
            return None
        inputs = rules.Inputs(identity_kind(peer, manifest, conn, now_ms), scope_kind(peer, scope),
                              self.attestation_mode,
                              self.history(conn, peer, now_ms))
        # STG-TRUST-010: the score is computed here from local knowledge; nothing a peer sends enters it.
        return rules.source_trust(self.trust_mode, inputs, self.weights)
