"""Token-bucket vectors: ``vectors/quotas/schedule.json`` (STG-QUOTA-002, -003, -009, -010, -012) and the default
ceilings of each dimension under each option of interpretation quota_defaults, ``vectors/quotas/defaults.json``
(STG-QUOTA-004; the table is written here from A20 §22.4.2 and the seed's "per principal per minute", see
``DEFAULTS``).

Each case is a fresh bucket (capacity, rate) and the instants of its requests; its expected results are written by
hand (``A`` accepted, else the exact ``retry_after`` as a fraction string) and the generator refuses to write a file
where ``conformance.oracle.quotas`` (a cell-rate model, not a token counter) disagrees, so neither decides alone.
The ``FloatDrift`` cases are where IEEE-double bucket arithmetic accepts or answers Retry-After differently from the
exact one; those and every case whose ``retry_after`` a double pipeline gets only to the last bit carry
interpretation ``quota_arithmetic=exact`` (checked here against a double model of the bucket, ``_doubles``).
"""

from __future__ import annotations

import math
from fractions import Fraction

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import quotas as oracle

REQ = ("STG-QUOTA-002", "STG-QUOTA-003", "STG-QUOTA-009", "STG-QUOTA-010", "STG-QUOTA-012")
NOTES = {
    "Burst": {"description": "A fresh bucket is full: capacity requests at one instant pass, the next does not.",
              "effect": "A principal is refused below its ceiling, or allowed past it.",
              "requirements": "STG-QUOTA-002 STG-QUOTA-003"},
    "Refill": {"description": "Tokens come back continuously at rate per second; one whole token admits a request.",
               "effect": "Refill is stepwise, rounded, or admits on a partial token.",
               "requirements": "STG-QUOTA-002 STG-QUOTA-003"},
    "Cap": {"description": "A long idle period refills only up to capacity.",
            "effect": "An idle principal banks an unbounded burst.", "requirements": "STG-QUOTA-002"},
    "RetryAfter": {"description": "retry_after = (1 - current) / rate and Retry-After is its integer ceiling.",
                   "effect": "Clients are told to wait too little (and retry into 429s) or too long.",
                   "requirements": "STG-QUOTA-009 STG-QUOTA-010"},
    "RefusalFree": {"description": "A refused request spends nothing.",
                    "effect": "A client retrying early is locked out for ever.", "requirements": "STG-QUOTA-003"},
    "Fractional": {"description": "A rate written with decimals (0.33, 0.17) is that decimal exactly.",
                   "effect": "Rounding the rate shifts every refill instant.", "requirements": "STG-QUOTA-002"},
    "FloatDrift": {"description": "Where summing refills in IEEE doubles drifts from the exact value.",
                   "effect": "A whole token is not seen at its exact instant, or Retry-After is one second long.",
                   "requirements": "STG-QUOTA-002 STG-QUOTA-010"},
}

A = "accepted"
S = 1_000_000  # microseconds per second

# (description, capacity, rate, request instants in microseconds, expected per request, flags)
CASES: list[tuple[str, int, int | float, list[int], list[str], tuple[str, ...]]] = [
    ("Capacity 2 at rate 1 under a frozen clock: 2 pass, the third waits 1 s, one second later it passes",
     2, 1, [0, 0, 0, S], [A, A, "1", A], ("Burst", "RetryAfter")),
    ("Exactly at capacity: 5 pass at one instant, the sixth is refused", 5, 1, [0] * 6, [A] * 5 + ["1"],
     ("Burst",)),
    ("One microsecond before a whole token is refused, the refill instant itself passes", 1, 0.5,
     [0, 2 * S - 1, 2 * S], [A, "1/1000000", A], ("Refill", "RetryAfter")),
    ("Rate 0.33: an empty bucket waits 1/0.33 s", 1, 0.33, [0, 0], [A, "100/33"], ("Fractional", "RetryAfter")),
    ("Rate 0.33: 3.030303 s after empty is still short of a token, 3.030304 s is not", 1, 0.33,
     [0, 3_030_303, 3_030_304], [A, "1/33000000", A], ("Fractional", "Refill")),
    ("Rate 0.17 (A20's admin_action): 10 pass, the eleventh waits 1/0.17 s", 10, 0.17, [0] * 11,
     [A] * 10 + ["100/17"], ("Fractional", "Burst", "RetryAfter")),
    ("Rate 0.17: 2 s after empty the bucket holds 0.34 token", 1, 0.17, [0, 2 * S], [A, "66/17"],
     ("Fractional", "RetryAfter")),
    ("An hour idle refills to capacity 3, not 3,600 tokens", 3, 1, [0, 0, 0, 3600 * S, 3600 * S, 3600 * S,
                                                                      3600 * S], [A, A, A, A, A, A, "1"], ("Cap",)),
    ("retry_after at current 0 is 1 / rate", 1, 2, [0, 0], [A, "1/2"], ("RetryAfter",)),
    ("retry_after at current 0.999 is 0.001 s; Retry-After is 1", 1, 1, [0, 999_000], [A, "1/1000"],
     ("RetryAfter",)),
    ("Refused requests spend nothing: two refusals, then the token earned by the first instant passes", 1, 1,
     [0, S // 2, S // 2, S], [A, "1/2", "1/2", A], ("RefusalFree", "RetryAfter")),
    ("A20's token_issue, 20 @ 0.33: the 21st waits 1/0.33 s", 20, 0.33, [0] * 21, [A] * 20 + ["100/33"],
     ("Burst", "Fractional")),
    ("A partial refill is spent, then the remainder waits", 2, 0.5, [0, 0, 3 * S, 3 * S], [A, A, A, "1"],
     ("Refill", "RetryAfter")),
    ("A slow rate: Retry-After is 1000 at rate 0.001", 1, 0.001, [0, 0], [A, "1000"], ("RetryAfter",)),
    ("A fast rate: 1 ms refills one token at rate 1000", 1, 1000, [0, 0, 1000], [A, "1/1000", A], ("Refill",)),
    ("Rate 0.1: a token refilled by ten steps of 1 s is exactly whole at 10 s", 1, 0.1,
     [0] + [n * S for n in range(1, 11)], [A] + [str(Fraction(10 - n)) for n in range(1, 10)] + [A],
     ("FloatDrift", "Refill")),
    ("Rate 0.2: after 20 steps of 100 ms retry_after is exactly 3 and Retry-After 3", 1, 0.2,
     [0] + [n * 100_000 for n in range(1, 21)], [A] + [str(Fraction(50 - n, 10)) for n in range(1, 21)],
     ("FloatDrift", "RetryAfter")),
]


def _doubles(capacity: int, rate: float, times: list[int]) -> list[dict[str, object]]:
    """What a bucket kept in IEEE doubles answers (interpretation quota_arithmetic=float), to tag exact-only cases."""
    tokens, last = float(capacity), times[0] / S
    out: list[dict[str, object]] = []
    for t_us in times:
        tokens = min(float(capacity), tokens + (t_us / S - last) * rate)
        last = t_us / S
        if tokens >= 1:
            tokens -= 1
            out.append({"accepted": True, "retry_after": None, "retry_after_header": None})
        else:
            wait = (1 - tokens) / rate
            out.append({"accepted": False, "retry_after": wait, "retry_after_header": math.ceil(wait)})
    return out


# A20 22.4.2 "Quota Dimensions and Default Ceilings" as printed: capacity and rate in tokens per second.
A20_TABLE = {"fact_write": (100, "10"), "fact_read": (500, "50"), "token_issue": (20, "0.33"),
             "federation_pull": (30, "0.5"), "admin_action": (10, "0.17"), "subscription_event": (200, "20"),
             "audit_export": (10000, "167")}
# The seed's dimensions A20 has no row for, with the capacity the interpretation borrows: recall and graph_query
# fact_read's ("Recall and query operations"), subscription_create subscription_event's.
SEED_ONLY = {"recall": 500, "graph_query": 500, "subscription_create": 200}
# The upstream node's own rows (the others as a20-table): per-hour settings and its per-minute figures.
UPSTREAM = {"fact_write": (1000, Fraction(1000, 3600)), "fact_read": (5000, Fraction(5000, 3600)),
            "token_issue": (20, Fraction(1, 3)), "admin_action": (10, Fraction(1, 6))}
DIMENSION_ORDER = ("fact_write", "fact_read", "token_issue", "recall", "graph_query", "subscription_create",
                   "admin_action", "federation_pull", "subscription_event", "audit_export")
DEFAULT_NOTES = {
    "PerMinute": {"description": "The seed's \"per principal per minute\": the ceiling refills over 60 s.",
                  "effect": "A principal gets 60 times its quota (a per-second refill), or a sixtieth of it.",
                  "requirements": "STG-QUOTA-004"},
    "A20Printed": {"description": "A20's rate column taken as printed (tokens per second).",
                   "effect": "The node's defaults are not the table it claims to follow.",
                   "requirements": "STG-QUOTA-004"},
    "Upstream": {"description": "The upstream node's defaults (per-hour fact_write and fact_read).",
                 "effect": "The node's defaults are not the upstream node's.", "requirements": "STG-QUOTA-004"},
    "Unknown": {"description": "A dimension outside the ten has no default.",
                "effect": "A typo in a dimension name is taken for a real bucket.",
                "requirements": "STG-QUOTA-004 STG-QUOTA-007"},
}


def default_limit(option: str, dimension: str) -> tuple[int, Fraction]:
    """Interpretation quota_defaults: the (capacity, rate) of ``dimension`` under ``option``."""
    capacity = A20_TABLE[dimension][0] if dimension in A20_TABLE else SEED_ONLY[dimension]
    if option == "upstream" and dimension in UPSTREAM:
        return UPSTREAM[dimension]
    if option in ("a20-table", "upstream") and dimension in A20_TABLE:
        return capacity, Fraction(A20_TABLE[dimension][1])
    return capacity, Fraction(capacity, 60)  # seed-per-minute, and the seed-only rows of the other two


def _defaults() -> VectorFile:
    vf = VectorFile("quotas", "defaults", "The default ceiling (capacity, and rate in tokens per second) of one quota "
                    "dimension under the quota_defaults option in force.", DEFAULT_NOTES,
                    source={"name": "A20 22.4.2 Quota Dimensions and Default Ceilings; seed Security hardening "
                                    "(Default quotas (per principal per minute)); interpretation quota_defaults",
                            "worked_by": "hand"})
    flags = {"seed-per-minute": "PerMinute", "a20-table": "A20Printed", "upstream": "Upstream"}
    for option, flag in flags.items():
        for dimension in DIMENSION_ORDER:
            capacity, rate = default_limit(option, dimension)
            vf.add(Case(f"{option}: {dimension} defaults to {capacity} tokens at {rate} per second", ("STG-QUOTA-004",),
                        {"dimension": dimension}, valid(capacity=capacity, rate=float(rate)), (flag,),
                        {"quota_defaults": option}))
    vf.add(Case("An unknown dimension has no default", ("STG-QUOTA-004", "STG-QUOTA-007"),
                {"dimension": "facts_write"}, invalid("invalid_quota_policy"), ("Unknown",)))
    return vf


def files() -> list[VectorFile]:
    vf = VectorFile("quotas", "schedule", "Accepted or refused (with retry_after and Retry-After) for each request "
                    "of one fresh per-principal token bucket.", NOTES,
                    source={"name": "A20 22.4.1 Model, 22.4.3 Backpressure Response Shape; seed Security hardening",
                            "worked_by": "hand"})
    for description, capacity, rate, times, expected, flags in CASES:
        if len(expected) != len(times):
            raise ValueError(f"quotas/schedule {description!r}: {len(times)} requests, {len(expected)} results")
        model = oracle.schedule(capacity, rate, times)
        table = [oracle.Outcome(True) if e == A else oracle.Outcome(False, Fraction(e)) for e in expected]
        if model != table:
            raise ValueError(f"quotas/schedule {description!r}: the table says {table}, the oracle {model}")
        results = [outcome.public() for outcome in table]
        exact_only = _doubles(capacity, float(rate), times) != results
        if ("FloatDrift" in flags) != (exact_only and any(
                a["retry_after_header"] != b["retry_after_header"]
                for a, b in zip(_doubles(capacity, float(rate), times), results, strict=True))):
            raise ValueError(f"quotas/schedule {description!r}: FloatDrift flag does not match the double model")
        vf.add(Case(description, REQ, {"capacity": capacity, "rate": rate, "requests_us": times},
                    valid(results=results), flags, {"quota_arithmetic": "exact"} if exact_only else None))
    return [vf, _defaults()]
