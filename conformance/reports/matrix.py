"""The implementation matrix as data: columns (one report file each), requirement statuses, profile verdicts.

A column's verdict for a profile: ``fail`` when a MUST requirement of the profile failed in it, ``pass`` when some
MUST requirement of the profile was exercised and none failed, ``not run`` otherwise. REPORT.md's verdict, its
tables and the HTML page all read these figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from conformance.catalog.requirements import catalogue
from conformance.reports.markdown import requirement_status


@dataclass(frozen=True)
class Verdict:
    profile: str
    verdict: str  # pass, fail or not run
    must_passed: int
    must_run: int  # MUST requirements of the profile with a pass or fail in the column
    must_total: int  # active MUST requirements of the profile in the catalogue
    claim: str | None = None  # what the node claims (HTTP runs): "claimed, passes", ...

    @property
    def percent(self) -> float | None:
        return 100.0 * self.must_passed / self.must_run if self.must_run else None


@dataclass
class Column:
    name: str
    report: Mapping[str, Any]
    status: dict[str, str] = field(default_factory=dict)  # requirement id -> pass, fail or skip

    @property
    def vector_set(self) -> str:
        return str(self.report["vector_set_version"])

    @property
    def implementation(self) -> str:
        target = self.report["target"]
        impl = target.get("implementation") or {}
        if impl:
            return f"{impl.get('name', '?')} {impl.get('version', '')}".strip()
        if target.get("embedded"):
            return "reference node (embedded)"
        return f"external node (discovery version {(target.get('discovery') or {}).get('version', '?')})"


def columns(pairs: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Column]:
    return [Column(name, rep, requirement_status(rep)) for name, rep in pairs]


@cache
def requirements() -> tuple[dict[str, Any], ...]:
    """The active requirements of the catalogue, in its order."""
    return tuple(r for r in catalogue()["requirements"] if r.get("status", "active") == "active")


@cache
def levels() -> dict[str, str]:
    return {r["id"]: r["level"] for r in requirements()}


def profiles() -> list[str]:
    return list(catalogue()["profiles"])


def verdicts(column: Column) -> dict[str, Verdict]:
    """Per profile of the catalogue, the column's verdict (HTTP runs: only the profiles the run checked)."""
    ran = column.report.get("profiles")
    claims = column.report.get("claims") or {}
    out = {}
    for profile in profiles():
        musts = [r["id"] for r in requirements() if r["profile"] == profile and r["level"] == "MUST"]
        seen = [column.status[r] for r in musts if column.status.get(r) in ("pass", "fail")]
        if ran is not None and profile not in ran:
            seen = []
        passed, failed = seen.count("pass"), seen.count("fail")
        verdict = "fail" if failed else "pass" if passed else "not run"
        out[profile] = Verdict(profile, verdict, passed, len(seen), len(musts), claims.get(profile))
    return out


def vector_sets(cols: Sequence[Column]) -> dict[str, list[str]]:
    """Vector-set version -> the columns run with it (more than one key: the columns are not comparable as is)."""
    sets: dict[str, list[str]] = {}
    for c in cols:
        sets.setdefault(c.vector_set, []).append(c.name)
    return sets


def cases(column: Column) -> dict[str, list[Mapping[str, Any]]]:
    """Requirement id -> the column's cases (checks or vectors) citing it, failures first."""
    index: dict[str, list[Mapping[str, Any]]] = {}
    for r in column.report["results"]:
        if r["outcome"] == "not-applicable":
            continue
        for req in r["requirements"]:
            index.setdefault(req, []).append(r)
    for rows in index.values():
        rows.sort(key=lambda r: r["outcome"] not in ("fail", "error"))
    return index
