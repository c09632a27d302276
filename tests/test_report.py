"""REPORT.md and its linked tables are exactly the rendering of the committed report files (which validate against
the schema); REPORT.md opens with the verdict, stays short, and states every column's vector set."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conformance.reports import bench_data, matrix, tables
from conformance.reports.command import markdown_for
from conformance.reports.implementation_report import load

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "report-data"
COLUMNS = json.loads((DATA / "columns.json").read_text(encoding="utf-8"))  # the order REPORT.md shows
COMMITTED = (ROOT / "REPORT.md").read_text(encoding="utf-8")


def _pairs() -> list[tuple[str, dict]]:
    return [(name, load(DATA / name)) for name in COLUMNS]  # load() validates against report.schema.json


def test_report_md_is_rendered_from_valid_report_files():
    appended = [DATA / name for name in ("notes.md", "power.md", "bench.md") if (DATA / name).is_file()]
    extra = "\n".join(p.read_text(encoding="utf-8").rstrip() + "\n" for p in appended)
    expected = markdown_for(_pairs(), extra, DATA, ROOT)
    committed = COMMITTED
    assert committed == expected, "REPORT.md is stale: rerun `nox -s report` (the command: docs/report-data/notes.md)"


def test_linked_tables_are_rendered_from_the_report_files():
    for name, text in tables.render(matrix.columns(_pairs())).items():
        assert (DATA / "tables" / name).read_text(encoding="utf-8") == text, f"tables/{name} is stale"


def test_report_md_is_short_opens_with_the_verdict_and_links_resolve():
    assert len(COMMITTED.encode()) < 40_000
    headings = [line for line in COMMITTED.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Verdict"
    for target in re.findall(r"\]\(([^)#]+)\)", COMMITTED):
        assert (ROOT / target).is_file(), target


def test_every_column_states_its_vector_set():
    table = COMMITTED.split("## Columns")[1].split("## ")[0]
    for name in COLUMNS:
        version = json.loads((DATA / name / "report.json").read_text(encoding="utf-8"))["vector_set_version"]
        row = next(line for line in table.splitlines() if line.startswith(f"| {name} |"))
        assert f"`{version}`" in row


def test_verdict_kill_rate_is_the_blind_rounds_first_pass():
    killed = scored = 0
    for path in (DATA / "power").glob("blind-round*.json"):
        statuses = [m["status"] for m in json.loads(path.read_text(encoding="utf-8"))["mutants"]]
        killed += statuses.count("killed")
        scored += statuses.count("killed") + statuses.count("survived")
    verdict = COMMITTED.split("## Verdict")[1].split("## ")[0]
    assert f"killed {killed} of {scored} scored mutants (**{100 * killed / scored:.1f}%**" in verdict


def test_verdict_names_the_failing_upstream_profiles():
    verdict = COMMITTED.split("## Verdict")[1].split("## ")[0]
    report = json.loads((DATA / "upstream-auth-none-default" / "report.json").read_text(encoding="utf-8"))
    musts = {r["id"] for r in json.loads((ROOT / "vectors" / "requirements.json").read_text())["requirements"]
             if r["profile"] == "core-local" and r["level"] == "MUST"}
    outcomes: dict[str, set[str]] = {}
    for r in report["results"]:
        for req in set(r["requirements"]) & musts:
            outcomes.setdefault(req, set()).add(r["outcome"])
    passed = sum(1 for seen in outcomes.values() if "pass" in seen and not seen & {"fail", "error"})
    run = sum(1 for seen in outcomes.values() if seen & {"pass", "fail", "error"})
    line = next(line for line in verdict.splitlines() if "upstream-auth-none-default" in line)
    assert "fails core-local (" in line and f"{passed}/{run}" in line


def test_bench_rows_are_read_from_bench_md():
    rows = bench_data.throughput(DATA / "bench.md")
    text = (DATA / "bench.md").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("| 10000 | `POST /v1/facts` | seq |"))
    cells = [c.strip() for c in first.strip("|").split("|")]
    assert rows[0].rate["reference"] == float(cells[3]) and rows[0].p99["reference"] == float(cells[5])
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| N | row | mode |")) + 2
    assert len(rows) == next(i for i, line in enumerate(lines[start:]) if not line.startswith("| 1"))
    upstream = bench_data.throughput(DATA / "bench" / "upstream-2026-11-22.md")
    assert sum("upstream" in r.rate for r in upstream) == 6 and len(upstream) == 12
