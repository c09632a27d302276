"""What the report shows beside the columns: detection power and benchmark figures from a data directory.

The data directory is ``docs/report-data`` in this repository: ``power/`` (mutant results), ``bench.md`` and
``bench/*.json``. Any part that is absent is left out of the report, never invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.reports import bench_data, plots, power_data
from conformance.reports.matrix import Column

UPSTREAM_RUN = "upstream-2026-11-22.md"
LONG_TABLES = (("MUST requirements and the catalogue mutants that kill their checks", "power/must-mutants.md"),
               ("Detection power in full: every blind round, the sweeps, fuzzing and crash safety", "power/details.md"))


@dataclass
class Figures:
    rounds: list[power_data.Round] = field(default_factory=list)
    catalogue: power_data.Round | None = None
    bench: list[bench_data.Row] = field(default_factory=list)
    bench_upstream: list[bench_data.Row] = field(default_factory=list)  # the last run with the upstream node
    siblings: dict[str, Any] | None = None
    recall: dict[str, Any] | None = None
    long_tables: list[tuple[str, str]] = field(default_factory=list)  # (title, path in the data directory)

    @property
    def blind_total(self) -> power_data.Round | None:
        return power_data.total(self.rounds) if self.rounds else None


def gather(data_dir: Path | None) -> Figures:
    if data_dir is None:
        return Figures()
    power = data_dir / "power"
    return Figures(power_data.blind_rounds(power) if power.is_dir() else [],
                   power_data.catalogue_round(power) if power.is_dir() else None,
                   bench_data.throughput(data_dir / "bench.md"),
                   bench_data.throughput(data_dir / "bench" / UPSTREAM_RUN),
                   bench_data.read_json(data_dir / "bench" / "siblings.json"),
                   bench_data.read_json(data_dir / "bench" / "recall.json"),
                   [(title, path) for title, path in LONG_TABLES if (data_dir / path).is_file()])


def draw(cols: Sequence[Column], figs: Figures) -> list[plots.Figure]:
    """Every figure the data allows; none when matplotlib is not installed (``pip install '.[report]'``)."""
    if not plots.available():
        return []
    out = [plots.heat_map(cols)]
    if figs.rounds:
        out.append(plots.kill_rates(figs.rounds))
    if figs.bench:
        out.append(plots.throughput(figs.bench))
    if figs.bench_upstream:
        out.append(plots.throughput(figs.bench_upstream, "bench-upstream"))
    if figs.siblings:
        out.append(plots.siblings(figs.siblings))
    if figs.recall:
        out.append(plots.recall(figs.recall))
    return out
