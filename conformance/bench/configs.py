"""``bench --configs``: the reference node in its hardening configurations, side by side in one run.

The baseline ``reference`` runs with auth off and quotas off on one worker. Beside it, with the same load generator
and the same requests, interleaved row by row (so noise on a shared machine hits every configuration alike):

- ``ref-auth``: ``--auth required``, an API key on every request (``Authorization: Bearer``), quotas off;
- ``ref-quota``: quotas on with every ceiling raised to ``1000000@100000`` (``EmbeddedNode.SUITE_QUOTAS``; never a
  429: the row measures the accounting, one bucket charge per request);
- ``ref-2w``: ``--workers 2``, quotas off;
- ``ref-2w-quota``: ``--workers 2``, quotas on, buckets in the database (the SQLite trust cache);
- ``ref-2w-redis``: ``--workers 2``, quotas on, ``--trust-cache redis://`` (buckets and nonces in Redis), only when
  ``redis-server`` and the ``redis`` package are installed; the Redis server is started here on a free loopback
  port and stopped by its PID.

The comparisons are printed with the issue's targets (auth on within 20% of auth off, quota accounting within 10%
of none); they are reported, never asserted. Each is given as the rate ratio and as the ratio of server CPU time per
request (baseline over configuration), which a busy machine disturbs less.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.harness.redis_server import redis_server

__all__ = ["BASELINE", "COMPARISONS", "Comparison", "Config", "children", "comparisons", "configs", "markdown_table",
           "redis_server", "verdict_lines"]

BASELINE = "reference"


@dataclass(frozen=True)
class Config:
    """One configuration of the reference node: its label, what it is, and its command-line flags."""

    name: str
    text: str
    auth: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """``num`` over ``den``, row by row; ``floor`` is the ratio a target asks for (None: reported only)."""

    label: str
    num: str
    den: str
    floor: float | None


COMPARISONS = (
    Comparison("auth on / auth off", "ref-auth", BASELINE, 0.8),
    Comparison("quotas on / quotas off", "ref-quota", BASELINE, 0.9),
    Comparison("2 workers / 1 worker", "ref-2w", BASELINE, None),
    Comparison("2 workers / 1 worker, quotas on, SQLite buckets", "ref-2w-quota", "ref-quota", None),
    Comparison("2 workers / 1 worker, quotas on, Redis buckets", "ref-2w-redis", "ref-quota", None),
)


def configs(redis_url: str | None) -> list[Config]:
    """The configurations beside the baseline (``ref-2w-redis`` only with a Redis URL)."""
    found = [
        Config("ref-auth", "auth required (an admin API key on every request), quotas off", "required",
               ("--no-quotas",)),
        Config("ref-quota", "auth none, quotas on, every ceiling 1000000@100000 (no 429)", "none", ()),
        Config("ref-2w", "auth none, quotas off, --workers 2", "none", ("--no-quotas", "--workers", "2")),
        Config("ref-2w-quota", "auth none, quotas on (as ref-quota), --workers 2, buckets in SQLite", "none",
               ("--workers", "2")),
    ]
    if redis_url:
        found.append(Config("ref-2w-redis", "as ref-2w-quota with --trust-cache redis:// (buckets in Redis)", "none",
                            ("--workers", "2", "--trust-cache", redis_url)))
    return found


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (a multi-worker node's workers), from ``/proc``; [] elsewhere."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def _cells(report: dict[str, Any]) -> list[tuple[int, str, str, dict[str, dict[str, Any]]]]:
    out: list[tuple[int, str, str, dict[str, dict[str, Any]]]] = []
    for level in report["levels"]:
        index: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for row in level["rows"]:
            key = (row["row"], row["mode"])
            if key not in index:
                index[key] = {}
                out.append((level["n"], row["row"], row["mode"], index[key]))
            index[key][row["target"]] = row
    return out


def comparisons(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every comparison whose two targets ran: per row the rate ratio and the CPU ratio, the lowest, the verdict."""
    out: list[dict[str, Any]] = []
    targets = set(report["targets"])
    for comp in COMPARISONS:
        if comp.num not in targets or comp.den not in targets:
            continue
        rows = []
        for n, row, mode, cells in _cells(report):
            num, den = cells.get(comp.num), cells.get(comp.den)
            if num is None or den is None or not den["req_per_s"]:
                continue
            cpu_num, cpu_den = num.get("server_cpu_ms_per_req"), den.get("server_cpu_ms_per_req")
            rows.append({"n": n, "row": row, "mode": mode, "ratio": round(num["req_per_s"] / den["req_per_s"], 3),
                         "cpu_ratio": round(cpu_den / cpu_num, 3) if cpu_num and cpu_den else None})
        if not rows:
            continue
        lowest = min(r["ratio"] for r in rows)
        below = [r for r in rows if comp.floor is not None and r["ratio"] < comp.floor]
        out.append({"label": comp.label, "num": comp.num, "den": comp.den, "floor": comp.floor, "rows": rows,
                    "lowest": lowest, "met": None if comp.floor is None else not below})
    return out


def verdict_lines(results: list[dict[str, Any]]) -> list[str]:
    """One line per comparison: the range of ratios and, where there is a target, whether it is met."""
    lines = []
    for c in results:
        ratios = [r["ratio"] for r in c["rows"]]
        cpu = [r["cpu_ratio"] for r in c["rows"] if r["cpu_ratio"] is not None]
        text = f"{c['label']} ({c['num']}/{c['den']}): {min(ratios):.2f}x to {max(ratios):.2f}x"
        if cpu:
            text += f" by rate, {min(cpu):.2f}x to {max(cpu):.2f}x by server CPU per request"
        if c["floor"] is not None:
            loss = round((1 - c["floor"]) * 100)
            below = [f"N={r['n']} {r['row']} {r['mode']} ({r['ratio']:.2f}x)" for r in c["rows"]
                     if r["ratio"] < c["floor"]]
            text += (f"; target at most {loss}% loss (>= {c['floor']:g}x): "
                     + ("met on every row" if not below else f"NOT met on {len(below)} of {len(ratios)} rows: "
                        + ", ".join(below)))
        lines.append(text)
    return lines


def markdown_table(report: dict[str, Any], results: list[dict[str, Any]]) -> list[str]:
    """The configuration rows: req/s of each configuration beside the ratio of each comparison."""
    if not results:
        return []
    names = [BASELINE] + [c["name"] for c in report.get("configs", [])]
    head = "| N | row | mode |" + "".join(f" {name} req/s |" for name in names)
    head += "".join(f" {c['num']}/{c['den']} |" for c in results)
    out = [head, "|" + "---|" * (3 + len(names) + len(results))]
    by_key: dict[tuple[int, str, str], dict[str, Any]] = {(r["n"], r["row"], r["mode"]): {} for c in results
                                                          for r in c["rows"]}
    for c in results:
        for r in c["rows"]:
            by_key[(r["n"], r["row"], r["mode"])][c["label"]] = r
    for n, row, mode, cells in _cells(report):
        if (n, row, mode) not in by_key:
            continue
        line = f"| {n} | `{row}` | {mode} |"
        for name in names:
            cell = cells.get(name)
            line += " - |" if cell is None else f" {cell['req_per_s']:.0f} |"
        for c in results:
            r = by_key[(n, row, mode)].get(c["label"])
            line += " - |" if r is None else f" {r['ratio']:.2f}x |"
        out.append(line)
    return out
