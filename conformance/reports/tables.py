"""The long tables REPORT.md links to instead of holding: written to ``DATA/tables/`` beside the report data.

``columns.md`` (each column's outcomes, vector set and the command that reproduces it), ``requirements.md``
(every MUST and SHOULD requirement by column), ``failures.md`` (every failing case of every column with its first
difference) and ``vectors.md`` (the golden vectors per file).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.reports import markdown
from conformance.reports.matrix import Column

NAMES = ("columns.md", "requirements.md", "failures.md", "vectors.md")


def describe(c: Column) -> str:
    report = c.report
    s = report["summary"]
    return (f"- **{c.name}**: {report['kind']} run against {markdown.escape(c.implementation)}; preset "
            f"`{report['preset']}`; {s['pass']} passed, {s['fail']} failed, {s['error']} errors"
            + "".join(f", {s[k]} {k}" for k in ("unsupported", "skip", "not-implemented") if s.get(k))
            + f"; {report['duration_s']} s; run {report['started_at']}; suite {report['suite_version']}, vectors "
            f"{c.vector_set}; reproduce: `{report['target'].get('command', 'see the nox session')}`")


def _pairs(cols: Sequence[Column]) -> list[tuple[str, Any]]:
    return [(c.name, c.report) for c in cols]


def render(cols: Sequence[Column]) -> dict[str, str]:
    sets = " ".join(f"{c.name} `{c.vector_set}`;" for c in cols)
    failures = ["# Failures by column", "", "Every failing or erroring case, with the first difference the suite saw "
                "(text from the node under test, escaped).", ""]
    for c in cols:
        failures += [f"## {c.name}", "", f"Preset `{c.report['preset']}`, vector set `{c.vector_set}`.", "",
                     markdown.failures(c.name, c.report, limit=10_000), ""]
    return {
        "columns.md": "\n".join(["# Columns of REPORT.md", "", *(describe(c) for c in cols), ""]),
        "requirements.md": "\n".join(["# Requirements by implementation", "",
                                      "`pass`: every case citing the requirement passed; **FAIL**: at least one "
                                      "failed or errored; `skip`: cases ran only as skip/unsupported; `-`: not "
                                      "exercised by that column.", "", f"Vector sets: {sets}", "",
                                      markdown.requirement_matrix(_pairs(cols)), ""]),
        "failures.md": "\n".join(failures),
        "vectors.md": "\n".join(["# Golden vectors per file", "", markdown.vector_inventory(), ""]),
    }


def write(cols: Sequence[Column], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in render(cols).items():
        (directory / name).write_text(text, encoding="utf-8")
        paths.append(directory / name)
    return paths
