"""The suite's own model of a per-principal token bucket (A20 §22.4.1, §22.4.3), written as a cell-rate algorithm.

Instead of counting tokens, the model keeps one instant per bucket: ``tat``, the time at which the bucket would be
full again if nothing else happened (the generic cell rate algorithm's "theoretical arrival time"). With emission
interval ``T = 1 / rate`` and tolerance ``tau = (capacity - 1) * T``, a request at ``t`` is accepted when
``t >= tat - tau`` (then ``tat = max(tat, t) + T``), else refused with ``retry_after = tat - tau - t``. This is the
same bucket as A20's (tokens ``= capacity - rate * max(0, tat - t)``, so ``retry_after = (1 - current) / rate``),
derived independently, in exact ``Fraction`` arithmetic: a rate written ``0.33`` is exactly 33/100, instants are
whole microseconds.

>>> [r.accepted for r in schedule(2, 1, [0, 0, 0, 1_000_000])]
[True, True, False, True]
>>> schedule(2, 1, [0, 0, 0])[2].retry_after, schedule(2, 1, [0, 0, 0])[2].header
(Fraction(1, 1), 1)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Outcome", "exact_rate", "schedule"]


@dataclass(frozen=True)
class Outcome:
    """One request's fate: accepted, or refused with ``retry_after`` seconds and the ``Retry-After`` header."""

    accepted: bool
    retry_after: Fraction | None = None

    @property
    def header(self) -> int | None:
        return None if self.retry_after is None else math.ceil(self.retry_after)

    def public(self) -> dict[str, object]:
        return {"accepted": self.accepted, "retry_after": None if self.retry_after is None else float(self.retry_after),
                "retry_after_header": self.header}


def exact_rate(rate: int | float) -> Fraction:
    """The rate a JSON number denotes: its decimal text, exactly (0.33 is 33/100, not the nearest double)."""
    return Fraction(repr(rate)) if isinstance(rate, float) else Fraction(rate)


def schedule(capacity: int, rate: int | float, times_us: Iterable[int]) -> list[Outcome]:
    """The outcome of each request of one fresh (full) bucket, at the given instants (microseconds)."""
    interval = 1 / exact_rate(rate)
    tolerance = (capacity - 1) * interval
    tat: Fraction | None = None
    out = []
    for t_us in times_us:
        t = Fraction(t_us, 1_000_000)
        if tat is None:
            tat = t
        if t >= tat - tolerance:
            tat = max(tat, t) + interval
            out.append(Outcome(True))
        else:
            out.append(Outcome(False, tat - tolerance - t))
    return out
