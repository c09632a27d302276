"""Outcomes: the result record of one case, the closed outcome names, and the exceptions a check raises.

The bottom floor of the suite: the catalogue, the harness, the checks and the reports all use these, and
this module imports nothing of the suite.

Outcomes: ``pass``; ``fail`` (the implementation answered wrongly); ``error`` (no usable answer: the
adapter or node died, timed out or broke the protocol, or the check itself broke); ``unsupported`` (the
adapter says it does not implement the operation or option); ``skip`` (the check cannot run here, e.g. a
key the run does not hold; the reason is kept); ``not-implemented`` (the node says so on an optional route);
``not-applicable`` (the case belongs to another interpretation option than the one in force).
``expected-fail`` and ``unexpected-pass`` come from an expectations ledger. Only ``pass`` counts as passing;
``fail``, ``error`` and ``unexpected-pass`` fail a run.

A check returns (pass) or raises ``CheckFailed`` (the node is wrong), ``Skip`` (the check cannot run here;
never a pass) or ``NotImplementedByNode`` (the node answered 404/501 on an optional route).
"""


from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

OUTCOMES = ("pass", "fail", "error", "unsupported", "skip", "not-implemented", "not-applicable", "expected-fail",
            "unexpected-pass")


@dataclass
class CaseResult:
    id: str
    area: str
    op: str
    requirements: list[str]
    outcome: str
    message: str = ""
    duration_ms: float = 0.0
    interpretations: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(results: list[CaseResult]) -> dict[str, int]:
    counts = Counter(r.outcome for r in results)
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}


def by_area(results: list[CaseResult]) -> dict[str, dict[str, int]]:
    areas: dict[str, list[CaseResult]] = {}
    for r in results:
        areas.setdefault(r.area, []).append(r)
    return {area: summarize(rs) for area, rs in sorted(areas.items())}


def run_failed(summary: dict[str, int]) -> bool:
    return bool(summary["fail"] or summary["error"] or summary["unexpected-pass"])


class CheckFailed(AssertionError):
    """The node's behaviour contradicts the requirement."""


class Skip(Exception):
    """The check cannot run against this target (missing key, unclaimed profile, ...)."""


class NotImplementedByNode(Exception):
    """The node says it does not implement an optional route."""
