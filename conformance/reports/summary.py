"""``summary.md``: a short Markdown summary of one run, fit for a CI job summary, beside ``report.html``.

The summary lists at most ``FAILURES`` failing cases with the first difference cut to ``MESSAGE`` characters; the
page (``report.html``, the same run as a one-column implementation report) has every case and its drill-down.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.reports.markdown import area_matrix, escape

FAILURES = 20
MESSAGE = 160
PAGE = "report.html"


def _failures(report: Mapping[str, Any]) -> list[str]:
    rows = [r for r in report["results"] if r["outcome"] in ("fail", "error")]
    if not rows:
        return ["No failures."]
    lines = ["| case | requirements | outcome | first difference |", "|---|---|---|---|"]
    for r in rows[:FAILURES]:
        message = str(r.get("message", ""))
        cut = escape(message[:MESSAGE]) + ("..." if len(message) > MESSAGE else "")
        lines.append(f"| `{r['id']}` | {' '.join(r['requirements'])} | {r['outcome']} | {cut} |")
    if len(rows) > FAILURES:
        lines.append(f"\n{len(rows) - FAILURES} more failures in `report.json` and `{PAGE}`.")
    return lines


def render(report: Mapping[str, Any], page: str | None = PAGE) -> str:
    s = report["summary"]
    target = report["target"]
    name = target.get("url") or target.get("adapter") or "target"
    verdict = "PASS" if not (s["fail"] or s["error"]) else "FAIL"
    lines = [
        f"## stigmem-conformance {report['kind']}: {verdict}",
        "",
        f"- target: {escape(name)}",
        f"- suite {report['suite_version']}, vectors {report['vector_set_version']}, preset `{report['preset']}`",
        "- " + ", ".join(f"{v} {k}" for k, v in s.items() if v),
        *([f"- every requirement with its checks and first differences: [`{page}`]({page}) in the report "
           "directory"] if page else []),
        "",
        area_matrix([("result", report)]),
        "",
        "### Failures",
        "",
        *_failures(report),
    ]
    return "\n".join(lines) + "\n"


def write(report: Mapping[str, Any], directory: Path) -> Path:
    """``summary.md`` and the one-column page ``report.html`` it links (no figures: those need the report data)."""
    from conformance.reports import html_page, matrix
    from conformance.reports.figures import Figures

    page = html_page.render(matrix.columns([(directory.resolve().name or "run", report)]), Figures())
    (directory / PAGE).write_text(page, encoding="utf-8")
    path = directory / "summary.md"
    path.write_text(render(report), encoding="utf-8")
    return path
