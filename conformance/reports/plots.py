"""The report's figures, drawn with matplotlib (the ``report`` extra): each one as PNG bytes and SVG text.

The heat map is the implementation matrix (columns x profiles, share of the exercised MUST requirements passed);
the benchmark plots read :mod:`conformance.reports.bench_data`; the kill-rate plot reads the blind rounds.
Output is deterministic for the same data (no dates in the files, a fixed SVG hash salt).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.reports.bench_data import Row
from conformance.reports.matrix import Column, profiles, verdicts
from conformance.reports.power_data import Round

TITLES = {"matrix-heatmap": "The implementation matrix: MUST requirements passed per column and profile",
          "power-blind-rounds": "Detection power: kill rate of each blind mutant round",
          "bench-throughput": "Benchmark: throughput and p99 per row",
          "bench-upstream": "Benchmark, last run with the upstream node (2026-11-22): reference vs upstream vs trivial",
          "bench-siblings": "Benchmark: write latency vs contradicting siblings",
          "bench-recall": "Benchmark: recall latency vs store size"}


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    png: bytes
    svg: str


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "stigmem-report", "font.size": 8, "figure.dpi": 100})
    import matplotlib.pyplot as plt

    return plt


def _save(plt: Any, fig: Any, name: str) -> Figure:
    fig.tight_layout()
    png, svg = io.BytesIO(), io.StringIO()
    fig.savefig(png, format="png", metadata={"Software": None})
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return Figure(name, TITLES[name], png.getvalue(), svg.getvalue())


def heat_map(cols: Sequence[Column]) -> Figure:
    """Columns (rows) x profiles: % of the exercised MUST requirements passed; grey where the profile was not run."""
    plt = _pyplot()
    names = profiles()
    grid = [[verdicts(c)[p] for p in names] for c in cols]
    values = [[v.percent if v.percent is not None else math.nan for v in row] for row in grid]
    fig, ax = plt.subplots(figsize=(1.0 + 0.9 * len(names), 0.9 + 0.38 * len(cols)))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#dddddd")
    ax.imshow(values, cmap=cmap, vmin=0, vmax=100, aspect="auto")
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            text = f"{v.must_passed}/{v.must_run}" if v.must_run else "-"
            ax.text(j, i, text, ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(names)), names, rotation=35, ha="right")
    ax.set_yticks(range(len(cols)), [c.name for c in cols])
    ax.set_title("MUST requirements passed of those exercised, per column and profile")
    return _save(plt, fig, "matrix-heatmap")


def throughput(rows: Sequence[Row], name: str = "bench-throughput") -> Figure:
    """Req/s and p99 per row, one bar per target (reference, upstream when measured, the trivial endpoint)."""
    plt = _pyplot()
    targets = list(dict.fromkeys(t for r in rows for t in r.rate))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True)
    width = 0.8 / max(len(targets), 1)
    for k, target in enumerate(targets):
        xs = [i + (k - (len(targets) - 1) / 2) * width for i in range(len(rows))]
        top.bar(xs, [r.rate.get(target, 0) for r in rows], width, label=target)
        bottom.bar(xs, [r.p99.get(target, 0) for r in rows], width, label=target)
    top.set_yscale("log")
    top.set_ylabel("requests/s (log)")
    bottom.set_yscale("log")
    bottom.set_ylabel("p99 latency, ms (log)")
    bottom.set_xticks(range(len(rows)), [r.label for r in rows], rotation=40, ha="right")
    absent = "" if "upstream" in targets else " (the upstream node was not in this run)"
    top.set_title(("Throughput and p99 per row" + absent) if name == "bench-throughput" else TITLES[name])
    top.legend()
    return _save(plt, fig, name)


def siblings(data: dict[str, Any]) -> Figure:
    """Median write latency of a contradicting fact against the number of siblings on its triple, per node."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for node in dict.fromkeys(s["node"] for s in data["samples"]):
        done = [s for s in data["samples"] if s["node"] == node and s["median_ms"] is not None]
        ax.plot([s["siblings"] for s in done], [s["median_ms"] for s in done], marker="o", label=node)
    ax.set_xscale("log")
    ax.set_xlabel("contradicting siblings on the triple (log)")
    ax.set_ylabel("median write latency, ms")
    ax.set_title("Write latency vs contradicting siblings")
    ax.legend()
    return _save(plt, fig, "bench-siblings")


def recall(data: dict[str, Any]) -> Figure:
    """Recall latency p50 and p95 against the store size."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    rows = sorted(data["latency"], key=lambda r: r["facts"])
    for key in ("p50_ms", "p95_ms"):
        ax.plot([r["facts"] for r in rows], [r[key] for r in rows], marker="o", label=key.removesuffix("_ms"))
    ax.set_xscale("log")
    ax.set_xlabel("facts in the store (log)")
    ax.set_ylabel("recall latency, ms")
    ax.set_title("Recall latency vs store size")
    ax.legend()
    return _save(plt, fig, "bench-recall")


def kill_rates(rounds: Sequence[Round]) -> Figure:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.bar([r.name for r in rounds], [100 * r.kill_rate for r in rounds], color="#4c72b0")
    ax.set_ylim(0, 100)
    ax.set_ylabel("kill rate, % (first pass)")
    ax.tick_params(axis="x", rotation=40)
    ax.set_title("Blind mutant rounds: share of mutants the suite killed")
    return _save(plt, fig, "power-blind-rounds")


def write(figures: Sequence[Figure], directory: Path) -> list[Path]:
    """Each figure as NAME.png and NAME.svg in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in figures:
        (directory / f"{f.name}.png").write_bytes(f.png)
        (directory / f"{f.name}.svg").write_text(f.svg, encoding="utf-8")
        paths += [directory / f"{f.name}.png", directory / f"{f.name}.svg"]
    return paths
