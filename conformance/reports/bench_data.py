"""Benchmark figures for the plots: the side-by-side table of ``bench.md`` and the JSON of the two small benches.

``bench.md`` is what ``conformance.bench --markdown`` wrote (its JSON twin is not committed), so its first
``| N | row | mode | ... req/s ...`` table is read back here: per row, each target's req/s and p99 (``-``: not
measured). ``bench/upstream-2026-11-22.md`` is the last such table with the upstream node in it.
``bench/siblings.json`` (``python -m conformance.bench.siblings --json``) and ``bench/recall.json``
(``python tools/recall_bench.py --json``) are read as written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    n: int
    route: str
    mode: str
    rate: dict[str, float] = field(default_factory=dict)  # target -> req/s
    p99: dict[str, float] = field(default_factory=dict)  # target -> p99 ms

    @property
    def label(self) -> str:
        return f"{self.route} {self.mode} N={self.n}"


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def throughput(bench_md: Path) -> list[Row]:
    """The rows of the first side-by-side table (targets named by their ``X req/s`` headers)."""
    if not bench_md.is_file():
        return []
    lines = bench_md.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        head = _cells(line) if line.startswith("| N | row | mode |") else []
        if not any(h.endswith(" req/s") for h in head) or "p99 ms" not in head:
            continue
        rows = []
        for body in lines[i + 2:]:
            if not body.startswith("|"):
                break
            cells, target = _cells(body), ""
            row = Row(int(cells[0]), cells[1].strip("`"), cells[2])
            for h, c in zip(head[3:], cells[3:], strict=False):
                if h.endswith(" req/s"):
                    target = h.removesuffix(" req/s")
                    if c != "-":
                        row.rate[target] = float(c)
                elif h == "p99 ms" and target and c != "-":
                    row.p99[target] = float(c)
            rows.append(row)
        return rows
    return []


def read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
