"""Per-principal token-bucket quotas (A20 §22.4; Spec-10 "Quotas And Rate Limits"; seed "Security hardening").

Pure arithmetic, no I/O: the caller passes the stored bucket (or None for a fresh one), the limit in force and the
current instant in microseconds. Numbers are exact: token counts and rates are ``Fraction``s, time is integer
microseconds, so ``retry_after`` is the float nearest the exact ``(1 - current) / rate`` and ``Retry-After`` is its
exact integer ceiling. (IEEE doubles would give ``ceil(1.0000000000000002) == 2`` at an exact refill point such as
rate 0.33 after 1/0.33 s; the vectors in vectors/quotas/schedule.json pin the exact answers.)

Defaults (interpretation quota_defaults): the seed says "Default quotas (per principal per minute)" and names the
dimensions; its figures are lost, so each capacity is A20's ceiling for that dimension (recall and graph_query take
fact_read's, A20's "Recall and query operations"; subscription_create takes subscription_event's, A20's only
subscription row) refilled over a minute: rate = capacity / 60 (A20's own per-minute rows, token_issue 20 @ 0.33,
admin_action 10 @ 0.17, federation_pull 30 @ 0.5, audit_export 10000 @ 167, are exactly that, rounded).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from reference_node.protocol.errors import ProtocolError

__all__ = [
    "DEFAULT_OPTION",
    "DIMENSIONS",
    "OPTIONS",
    "Decision",
    "Limit",
    "QuotaPolicyInvalid",
    "TokenBucket",
    "defaults",
    "dimension_for",
    "parse_limit",
    "retry_after_header",
    "take",
]

QuotaDefaults = Literal["seed-per-minute", "a20-table", "upstream"]
OPTIONS: tuple[QuotaDefaults, ...] = ("seed-per-minute", "a20-table", "upstream")
DEFAULT_OPTION: QuotaDefaults = "seed-per-minute"

# The seed's dimensions first, then A20 §22.4.2's others.
DIMENSIONS = ("fact_write", "fact_read", "token_issue", "recall", "graph_query", "subscription_create",
              "admin_action", "federation_pull", "subscription_event", "audit_export")

# A20 §22.4.2 "Quota Dimensions and Default Ceilings": (capacity, rate in tokens/s) as printed.
_A20 = {"fact_write": (100, "10"), "fact_read": (500, "50"), "token_issue": (20, "0.33"),
        "federation_pull": (30, "0.5"), "admin_action": (10, "0.17"), "subscription_event": (200, "20"),
        "audit_export": (10_000, "167")}
# Capacities for the seed's dimensions A20 has no row for (see the module docstring).
_BORROWED = {"recall": 500, "graph_query": 500, "subscription_create": 200}


class QuotaPolicyInvalid(ProtocolError):
    code = "invalid_quota_policy"
    requirement = "STG-QUOTA-007"


@dataclass(frozen=True)
class Limit:
    """A bucket's shape: ``capacity`` tokens (the burst), refilled at ``rate`` tokens per second."""

    capacity: int
    rate: Fraction

    def public(self) -> dict[str, int | float]:
        return {"capacity": self.capacity, "rate": float(self.rate)}


@dataclass(frozen=True)
class TokenBucket:
    """A20 §22.4.1 TokenBucket; ``last_refill`` in microseconds since the epoch."""

    principal: str
    dimension: str
    capacity: int
    rate: Fraction
    current: Fraction
    last_refill: int


@dataclass(frozen=True)
class Decision:
    """The outcome of one request: the bucket to store, and ``retry_after`` (seconds) when refused."""

    accepted: bool
    bucket: TokenBucket
    retry_after: Fraction | None = None


def defaults(option: QuotaDefaults = DEFAULT_OPTION) -> dict[str, Limit]:
    """The default ceiling of every dimension under interpretation quota_defaults ``option``."""
    table: dict[str, Limit] = {}
    for dimension in DIMENSIONS:
        capacity = _A20[dimension][0] if dimension in _A20 else _BORROWED[dimension]
        if option == "seed-per-minute":
            # STG-QUOTA-004: "per principal per minute": the ceiling refills over 60 s.
            table[dimension] = Limit(capacity, Fraction(capacity, 60))
        elif dimension in _A20:
            table[dimension] = Limit(capacity, Fraction(_A20[dimension][1]))
        else:
            table[dimension] = Limit(capacity, Fraction(capacity, 60))
    if option == "upstream":
        # Upstream: fact_write/fact_read from per-hour settings (1000/h, 5000/h); 1/3 and 1/6 for the per-minute rows.
        table["fact_write"] = Limit(1000, Fraction(1000, 3600))
        table["fact_read"] = Limit(5000, Fraction(5000, 3600))
        table["token_issue"] = Limit(20, Fraction(1, 3))
        table["admin_action"] = Limit(10, Fraction(1, 6))
    return table


def parse_limit(dimension: object, raw: object) -> Limit:
    """A QuotaPolicy entry ``{"capacity": int >= 1, "rate": number > 0}`` for a known dimension."""
    # STG-QUOTA-007: only the known dimensions can be overridden.
    if dimension not in DIMENSIONS:
        raise QuotaPolicyInvalid(f"unknown quota dimension {dimension!r}; known: {', '.join(DIMENSIONS)}")
    if not isinstance(raw, dict) or set(raw) != {"capacity", "rate"}:
        raise QuotaPolicyInvalid(f"{dimension}: a limit is exactly {{\"capacity\", \"rate\"}}")
    capacity, rate = raw["capacity"], raw["rate"]
    # STG-QUOTA-007: capacity is an integer of at least 1 (A20: "capacity: integer").
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise QuotaPolicyInvalid(f"{dimension}: capacity must be an integer >= 1, not {capacity!r}")
    # STG-QUOTA-007: rate is a finite number above 0 (tokens per second).
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate) or rate <= 0:
        raise QuotaPolicyInvalid(f"{dimension}: rate must be a number > 0, not {rate!r}")
    return Limit(capacity, Fraction(repr(rate)) if isinstance(rate, float) else Fraction(rate))


def take(bucket: TokenBucket | None, principal: str, dimension: str, limit: Limit, now_us: int) -> Decision:
    """Refill the bucket to ``now_us``, then spend one token or refuse (A20 §22.4.1, §22.4.3)."""
    if bucket is None:
        # STG-QUOTA-002: a principal's first request finds a full bucket.
        current, last = Fraction(limit.capacity), now_us
    else:
        current, last = bucket.current, bucket.last_refill
    # STG-QUOTA-002: continuous refill at rate tokens/s, never above capacity (a clock step back adds nothing).
    elapsed = Fraction(max(0, now_us - last), 1_000_000)
    current = min(Fraction(limit.capacity), current + elapsed * limit.rate)
    last = max(last, now_us)
    # STG-QUOTA-003: a request needs one whole token; it spends it.
    if current >= 1:
        return Decision(True, TokenBucket(principal, dimension, limit.capacity, limit.rate, current - 1, last))
    # STG-QUOTA-009: retry_after = (1 - current) / rate, the seconds to earn one token; nothing is spent.
    refused = TokenBucket(principal, dimension, limit.capacity, limit.rate, current, last)
    return Decision(False, refused, (1 - current) / limit.rate)


def retry_after_header(retry_after: Fraction) -> int:
    """STG-QUOTA-010: the integer ceiling of ``retry_after`` (exact; upstream's "at least 1" is the same for > 0)."""
    return math.ceil(retry_after)


def dimension_for(method: str, path: str) -> str | None:
    """The dimension a request is charged to, or None (interpretation quota_routes, docs/http-api.md "Quotas")."""
    # STG-QUOTA-014: GET /v1/admin/audit* -> audit_export; any other /v1/admin/* -> admin_action.
    if path.startswith("/v1/admin/audit"):
        return "audit_export" if method in ("GET", "HEAD") else "admin_action"
    if path.startswith("/v1/admin/"):
        return "admin_action"
    # STG-QUOTA-014: reads of /v1/facts* and /v1/recall -> fact_read; writes of /v1/facts* -> fact_write.
    if path.startswith("/v1/recall"):
        return "fact_read"
    if path.startswith("/v1/facts"):
        return "fact_read" if method in ("GET", "HEAD") else "fact_write"
    # STG-QUOTA-014: issuing a bearer token (this node's API keys) -> token_issue.
    if path == "/v1/auth/keys" and method == "POST":
        return "token_issue"
    return None
