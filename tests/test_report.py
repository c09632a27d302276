"""REPORT.md is exactly the rendering of the committed report files, which validate against the schema."""

from __future__ import annotations

from pathlib import Path

from conformance.reports.implementation_report import load, render

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "report-data"
COLUMNS = ["reference-core-vectors", "node-adapter-vectors", "reference-core-upstream-readings", "reference-node",
           "upstream-auth-required-default", "upstream-auth-required-upstream", "upstream-auth-none-default",
           "upstream-auth-none-upstream", "upstream-federation", "upstream-gardens-default",
           "upstream-gardens-upstream", "upstream-hardening-default", "upstream-hardening-upstream",
           "upstream-federation-trust-default", "upstream-federation-trust-upstream", "upstream-tombstones-default",
           "upstream-tombstones-upstream", "upstream-tombstones-noplugin-default", "upstream-time-travel-default",
           "upstream-time-travel-upstream", "upstream-time-travel-noplugin-default", "upstream-recall-default",
           "upstream-recall-upstream"]


def test_report_md_is_rendered_from_valid_report_files():
    columns = [(name, load(DATA / name)) for name in COLUMNS]  # load() validates against report.schema.json
    appended = [DATA / name for name in ("notes.md", "power.md", "bench.md") if (DATA / name).is_file()]
    expected = render(columns, "\n".join(p.read_text(encoding="utf-8").rstrip() + "\n" for p in appended))
    committed = (ROOT / "REPORT.md").read_text(encoding="utf-8")
    assert committed == expected, "REPORT.md is stale: rerun `stigmem-conformance report` (docs/report-data/notes.md)"
