"""Peer-token replay rules: issuing fresh claims, how long a nonce is remembered, and how a refusal is audited.

Spec-11; A08 §3.5, §6.6(3), §11.4; docs/federation-api.md "Peer tokens". STG-TOK-007 with interpretation
``nonce_retention`` = until-expiry: an accepted nonce is remembered until ``max(exp, accepted_at + 5 min)``, so any
replay inside the token's validity is refused whichever token carries it (STG-TOK-008). STG-RPL-006: replay and
expiry refusals are audited; interpretation ``replay_error_code`` = named (``nonce_already_seen``). STG-TOK-002:
issued tokens live far less than the one-hour cap. Storing nonces is the caller's job (STG-RPL-009).

>>> retain_until(exp_ms=1_000, accepted_at_ms=0)
300000
>>> audit_event("nonce_already_seen"), audit_event("token_expired")
('replay_attempt', 'rejected_token')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["ISSUED_LIFETIME_MS", "NONCE_WINDOW_MS", "audit_event", "claims", "retain_until"]

# A08 §7 (design log): the nonce window, 5 minutes (the upstream node's federation_nonce_window_s = 300).
NONCE_WINDOW_MS = 300_000
# Tokens this node issues live one minute: one request each, a fresh token per request.
ISSUED_LIFETIME_MS = 60_000


def retain_until(exp_ms: int, accepted_at_ms: int, window_ms: int = NONCE_WINDOW_MS) -> int:
    """STG-TOK-007: the last instant (inclusive, epoch ms) at which a replay of the nonce is still refused."""
    return max(exp_ms, accepted_at_ms + window_ms)


def audit_event(code: str) -> str:
    """The federation audit event of a token refusal: ``replay_attempt`` for a seen nonce, else ``rejected_token``."""
    return "replay_attempt" if code == "nonce_already_seen" else "rejected_token"


def claims(
    issuer: str, subject: str, now_ms: int, nonce: str, scopes: Iterable[str], lifetime_ms: int = ISSUED_LIFETIME_MS
) -> dict[str, Any]:
    """The claims of a fresh peer token (STG-TOK-001): ``iss`` this node, ``sub`` the node it is for."""
    return {"iss": issuer, "sub": subject, "iat": now_ms, "exp": now_ms + lifetime_ms, "nonce": nonce,
            "scopes": list(scopes)}
