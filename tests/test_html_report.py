"""The HTML implementation report, opened in headless Chromium: the committed report data rendered to a page, the
rendered DOM checked against figures computed here straight from the report files and requirements.json, and a
screenshot kept as an artifact (``reports/html-report/report.png``, not committed).

Chromium comes from the Debian archive (``apt-get install chromium``; ``.ci/run`` installs it). The page's filter
state is taken from the URL hash, so ``--dump-dom`` on a URL with a hash shows the filtered DOM.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conformance.reports import figures, html_page, matrix
from conformance.reports.implementation_report import load
from tests.test_report import COLUMNS, DATA, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "reports" / "html-report"
CATALOGUE = json.loads((ROOT / "vectors" / "requirements.json").read_text(encoding="utf-8"))["requirements"]
ACTIVE = [r for r in CATALOGUE if r.get("status", "active") == "active"]


def _reports() -> dict[str, dict[str, Any]]:
    return {name: json.loads((DATA / name / "report.json").read_text(encoding="utf-8")) for name in COLUMNS}


def _failing(report: dict[str, Any]) -> set[str]:
    """Requirements cited by a failing or erroring case of the report (computed here, not by the renderer)."""
    return {req for r in report["results"] if r["outcome"] in ("fail", "error") for req in r["requirements"]}


def _passing(report: dict[str, Any]) -> set[str]:
    return {req for r in report["results"] if r["outcome"] == "pass" for req in r["requirements"]}


def _expected_verdict(report: dict[str, Any], profile: str) -> str:
    musts = {r["id"] for r in ACTIVE if r["profile"] == profile and r["level"] == "MUST"}
    if report.get("profiles") is not None and profile not in report["profiles"]:
        return "not run"
    if musts & _failing(report):
        return "fail"
    return "pass" if musts & _passing(report) else "not run"


class _Dom(HTMLParser):
    """Just enough of the DOM: every element's attributes and text, by id and by class."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": ""}
        self.elements.append(node)
        if tag not in ("img", "input", "br", "meta", "option"):
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for node in self._open:
            node["text"] += data

    def by_class(self, cls: str) -> list[dict[str, Any]]:
        return [e for e in self.elements if cls in e["attrs"].get("class", "").split()]

    def by_id(self, ident: str) -> dict[str, Any]:
        return next(e for e in self.elements if e["attrs"].get("id") == ident)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cols = matrix.columns([(name, load(DATA / name)) for name in COLUMNS])
    figs = figures.gather(DATA)
    path = tmp_path_factory.mktemp("html-report") / "report.html"
    path.write_text(html_page.render(cols, figs, figures.draw(cols, figs)), encoding="utf-8")
    return path


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                               "--no-first-run", "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120, check=False)


def _dom(page: Path, fragment: str) -> _Dom:
    done = _chromium("--dump-dom", page.as_uri() + fragment)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _Dom()
    dom.feed(done.stdout)
    assert dom.by_id("verdicts"), "the page did not render"
    body = next(e for e in dom.elements if e["tag"] == "body")
    assert body["attrs"].get("data-ready") == "1", "the page's script did not run"
    return dom


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    dom = _Dom()
    dom.feed(text)
    for e in dom.elements:
        assert not (e["tag"] == "link" or (e["tag"] == "script" and "src" in e["attrs"])), e
        if e["tag"] == "img":
            assert e["attrs"]["src"].startswith("data:image/"), e["attrs"].get("id")
    assert "http://" not in text.split("<style>")[1].split("</style>")[0]
    assert len([e for e in dom.elements if e["tag"] == "img"]) >= 5  # heat map, kill rates, three bench plots


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)")


@needs_chromium
def test_rendered_matrix_counts_verdicts_and_vector_sets(page: Path) -> None:
    reports = _reports()
    dom = _dom(page, "")
    rows = dom.by_class("req")
    rows = [r for r in rows if r["tag"] == "tr"]
    assert len(rows) == len(ACTIVE)
    assert dom.by_id("shown")["text"] == str(len(ACTIVE))
    verdict_cells = [e for e in dom.elements if "verdict" in e["attrs"].get("class", "").split()]
    cells = [e for e in verdict_cells if "data-column" in e["attrs"]]
    assert len(cells) == len(COLUMNS) * len({r["profile"] for r in CATALOGUE})
    seen = {(c["attrs"]["data-column"], c["attrs"]["data-profile"]): c["attrs"]["data-verdict"] for c in cells}
    for name, report in reports.items():
        for profile in {r["profile"] for r in CATALOGUE}:
            assert seen[(name, profile)] == _expected_verdict(report, profile), (name, profile)
    groups: dict[str, list[str]] = {}
    for row in dom.elements:
        if row["tag"] == "tr" and "data-column" in row["attrs"] and "data-implementation" in row["attrs"]:
            groups.setdefault(row["attrs"]["data-implementation"], []).append(row["attrs"]["data-column"])
    assert sorted(n for names in groups.values() for n in names) == sorted(COLUMNS)
    impl_rows = [e["attrs"]["data-implementation"] for e in dom.elements
                 if e["tag"] == "tr" and "data-implementation" in e["attrs"] and "data-column" not in e["attrs"]]
    assert sorted(impl_rows) == sorted(groups)
    by_impl = [e for e in verdict_cells if "data-column" not in e["attrs"]]
    profiles = list(dict.fromkeys(r["profile"] for r in CATALOGUE))
    assert len(by_impl) == len(impl_rows) * len(profiles) and len(impl_rows) == 4
    for i, label in enumerate(impl_rows):
        for cell in by_impl[i * len(profiles):(i + 1) * len(profiles)]:
            wanted = [_expected_verdict(reports[n], cell["attrs"]["data-profile"]) for n in groups[label]]
            expected = "fail" if "fail" in wanted else "pass" if "pass" in wanted else "notrun"
            assert cell["attrs"]["data-verdict"] == expected, (label, cell["attrs"]["data-profile"])
    assert seen[("reference-node", "core-local")] == "pass"
    assert seen[("upstream-auth-none-default", "core-local")] == "fail"
    sets = {r["vector_set_version"] for r in reports.values()}
    warning = dom.by_id("vector-sets")
    assert ("warn" in warning["attrs"]["class"]) == (len(sets) > 1)
    assert all(v in warning["text"] for v in sets)


@needs_chromium
def test_filter_from_the_hash_shows_the_failures_of_one_column(page: Path) -> None:
    column = "upstream-auth-none-default"
    expected = {r["id"] for r in ACTIVE} & _failing(_reports()[column])
    assert expected, "the committed upstream run fails some requirements"
    dom = _dom(page, f"#status=fail&column={column}&open=STG-CID-007")
    rows = [r for r in dom.by_class("req") if r["tag"] == "tr"]
    shown = {r["attrs"]["data-id"] for r in rows if "hidden" not in r["attrs"]}
    assert shown == expected
    assert dom.by_id("shown")["text"] == str(len(expected))
    drill = dom.by_id("d-STG-CID-007")
    assert "hidden" not in drill["attrs"]
    first = next(r for r in _reports()[column]["results"]
                 if "STG-CID-007" in r["requirements"] and r["outcome"] == "fail")
    assert first["id"] in drill["text"] and first["message"][:60] in drill["text"]


@needs_chromium
def test_text_and_level_filter(page: Path) -> None:
    expected = {r["id"] for r in ACTIVE if r["level"] == "MUST"
                and "stg-auth-0" in f"{r['id']} {r['summary']}".lower()}
    dom = _dom(page, "#q=stg-auth-0&level=MUST")
    shown = {r["attrs"]["data-id"] for r in dom.by_class("req") if r["tag"] == "tr" and "hidden" not in r["attrs"]}
    assert shown == expected and len(expected) > 3


@needs_chromium
def test_screenshot_is_kept(page: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    done = _chromium("--window-size=1400,2400", f"--screenshot={shot}", page.as_uri() + "#status=fail")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_report_command_writes_markdown_tables_and_page(tmp_path: Path) -> None:
    """The CLI end to end on one copied column: REPORT.md with the verdict, the linked tables, the page."""
    from conformance.cli import main

    column = tmp_path / "reference-node"
    column.mkdir()
    shutil.copy(DATA / "reference-node" / "report.json", column / "report.json")
    assert main(["report", str(column), "--html", str(tmp_path / "page.html"), "-o", str(tmp_path / "R.md")]) == 0
    text = (tmp_path / "R.md").read_text(encoding="utf-8")
    assert text.split("\n## ")[1].startswith("Verdict") and "[page.html](page.html)" in text
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == sorted(tables_names())
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    report = json.loads((column / "report.json").read_text(encoding="utf-8"))
    assert page.count('<tr class="req"') == len(ACTIVE)
    assert f"Every column ran vector set <code>{report['vector_set_version']}</code>" in page


def tables_names() -> tuple[str, ...]:
    from conformance.reports.tables import NAMES

    return NAMES


def test_node_text_is_escaped_in_the_page() -> None:
    report = load(DATA / "upstream-auth-none-default")
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    failing = next(r for r in report["results"] if r["outcome"] == "fail")
    results = [dict(r, message=hostile) if r is failing else r for r in report["results"]]
    page = html_page.render(matrix.columns([("col", dict(report, results=results))]), figures.Figures())
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # the page's own
