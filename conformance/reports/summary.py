"""``summary.md``: a short Markdown summary of one run, fit for a CI step summary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.reports.markdown import area_matrix, escape, failures


def render(report: Mapping[str, Any]) -> str:
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
        "",
        area_matrix([("result", report)]),
        "",
        "### Failures",
        "",
        failures(name, report),
    ]
    return "\n".join(lines) + "\n"


def write(report: Mapping[str, Any], directory: Path) -> Path:
    path = directory / "summary.md"
    path.write_text(render(report), encoding="utf-8")
    return path
