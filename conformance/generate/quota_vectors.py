"""Token-bucket schedule vectors: ``vectors/quotas/schedule.json`` (STG-QUOTA-002, -003, -009, -010, -012).

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

from conformance.generate.writer import Case, VectorFile, valid
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
    return [vf]
