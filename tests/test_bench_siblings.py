"""The sibling benchmark (conformance.bench.siblings): its table, and a tiny run on the embedded node (no timing
asserted)."""

from __future__ import annotations

import json

import httpx

from conformance.bench.siblings import Sample, main, measure, render
from conformance.harness.embedded_node import EmbeddedNode


def test_render_ratios_to_the_smallest_count_and_the_siblings_met():
    table = render([Sample("n", 1, 3, [2.0, 4.0, 3.0]), Sample("n", 10, 1, [6.0, 9.0]),
                    Sample("n", 100, 1, skipped="too slow")])
    rows = [line.split() for line in table.splitlines()[2:5]]
    assert rows[0] == ["n", "1", "3", "3.00", "4.00", "1.00x"]
    assert rows[1] == ["n", "10..11", "2", "7.50", "9.00", "2.50x"]
    assert rows[2][:3] == ["n", "100", "-"] and "skipped: too slow" in table


def test_tiny_run_prints_a_row_per_count(capsys, tmp_path):
    assert main(["--siblings", "1,3", "--writes", "2", "--cardinality", "winner", "--json",
                 str(tmp_path / "s.json")]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("reference winner ")]
    assert [(row[2], row[3]) for row in rows] == [("1", "2"), ("3", "2")]
    assert rows[0][-1] == "1.00x"
    data = json.loads((tmp_path / "s.json").read_text())
    assert [(s["siblings"], len(s["latencies_ms"])) for s in data["samples"]] == [(1, 2), (3, 2)]
    assert all(abs(s["median_ms"] - float(row[4])) <= 0.006 for s, row in zip(data["samples"], rows, strict=True))


def test_a_preload_over_budget_is_skipped_not_timed():
    node = EmbeddedNode(auth="none").start()
    try:
        with httpx.Client(base_url=node.url, timeout=30.0, trust_env=False) as client:
            samples = measure("n", client, [1, 2], writes=1, budget_s=0.0)
    finally:
        node.stop()
    assert all(s.skipped and not s.latencies_ms for s in samples)
