"""``junit.xml``: one testsuite per area, one testcase per check or vector, for CI test tabs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

# an expected-fail is a skipped case carrying its ledger reason; an unexpected-pass is a failure (strict ledger)
SKIPPED = ("skip", "unsupported", "not-implemented", "expected-fail")


def write(report: Mapping[str, Any], directory: Path) -> Path:
    """``junit.xml`` in a report directory."""
    return write_file(report, directory / "junit.xml")


def write_file(report: Mapping[str, Any], path: Path) -> Path:
    """The JUnit XML of ``report`` at ``path`` (``--junit-xml PATH``)."""
    root = ET.Element("testsuites", name=f"stigmem-conformance {report['kind']}")
    by_area: dict[str, list[Mapping[str, Any]]] = {}
    for r in report["results"]:
        if r["outcome"] != "not-applicable":
            by_area.setdefault(r["area"], []).append(r)
    for area, rows in sorted(by_area.items()):
        suite = ET.SubElement(root, "testsuite", name=area, tests=str(len(rows)),
                              failures=str(sum(r["outcome"] in ("fail", "unexpected-pass") for r in rows)),
                              errors=str(sum(r["outcome"] == "error" for r in rows)),
                              skipped=str(sum(r["outcome"] in SKIPPED for r in rows)))
        for r in rows:
            case = ET.SubElement(suite, "testcase", classname=f"{report['kind']}.{area}", name=r["id"],
                                 time=f"{r.get('duration_ms', 0) / 1000:.4f}")
            detail = f"{' '.join(r['requirements'])}: {r.get('message', '')}"
            if r["outcome"] in ("fail", "unexpected-pass"):
                ET.SubElement(case, "failure", message=r.get("message", "")[:500]).text = detail
            elif r["outcome"] == "error":
                ET.SubElement(case, "error", message=r.get("message", "")[:500]).text = detail
            elif r["outcome"] in SKIPPED:
                ET.SubElement(case, "skipped", message=f"{r['outcome']}: {r.get('message', '')}"[:500])
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
