"""REPORT.md: a verdict first, then the pass rates; the long tables in linked files (``tables.write``).

Each column is one report directory; its label is the directory name. The columns file names how to reproduce
each column (the command line stored in the report), so a reader can rerun any of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.errors import UsageError
from conformance.reports import markdown, matrix, tables, verdict
from conformance.reports.figures import Figures


def load(directory: Path) -> dict[str, Any]:
    path = directory / "report.json"
    if not path.is_file():
        raise UsageError(f"{directory} holds no report.json")
    try:
        report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a readable report: {exc}") from exc
    errors = list(validator(schemas_dir() / "report.schema.json").iter_errors(report))
    if errors:
        raise UsageError(f"{path} does not match report.schema.json: {errors[0].message}")
    return report


def _columns_table(cols: Sequence[matrix.Column]) -> str:
    lines = ["| column | kind | implementation | preset | vector set | passed | failed | other |",
             "|---|---|---|---|---|---:|---:|---|"]
    for c in cols:
        s = c.report["summary"]
        other = ", ".join(f"{s[k]} {k}" for k in ("error", "unsupported", "skip", "not-implemented") if s.get(k))
        lines.append(f"| {c.name} | {c.report['kind']} | {markdown.escape(c.implementation)} | `{c.report['preset']}` "
                     f"| `{c.vector_set}` | {s['pass']} | {s['fail']} | {other or '-'} |")
    return "\n".join(lines)


def _inline_tables(cols: Sequence[matrix.Column]) -> list[str]:
    """Without a data directory: the long tables in REPORT.md itself (as before they moved out)."""
    pairs = [(c.name, c.report) for c in cols]
    parts = ["## Requirements by implementation", "", markdown.requirement_matrix(pairs), ""]
    for c in cols:
        parts += [f"## Failures: {c.name}", "", markdown.failures(c.name, c.report), ""]
    return parts


def render(columns: Sequence[tuple[str, dict[str, Any]]], extra: str = "", figs: Figures | None = None,
           data_link: str | None = None, plot_links: Sequence[tuple[str, str]] = (), html: str | None = None) -> str:
    """REPORT.md. ``data_link``: the data directory relative to REPORT.md, where ``tables.write`` put the long
    tables (None: they are inlined); ``plot_links``: (title, relative path) of the figures to show."""
    cols = matrix.columns(columns)
    figs = figs or Figures()
    by_kind: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, rep in columns:
        by_kind.setdefault(rep["kind"], []).append((name, rep))
    total = sum(c["total"] for c in markdown.vector_counts().values())
    link = f"{data_link}/tables" if data_link else None
    parts = [
        "# Implementation report",
        "",
        f"Rendered by `stigmem-conformance report` from {len(columns)} report files; newest run "
        f"{max(rep['started_at'] for _, rep in columns)[:10]}.",
        "",
        verdict.render(cols, figs, html),
        "",
        "## Columns",
        "",
        _columns_table(cols),
        "",
        *([f"Each column's run date, duration and the command that reproduces it: [{link}/columns.md]"
           f"({link}/columns.md).", ""] if link else [*(tables.describe(c) for c in cols), ""]),
        "## Requirement catalogue",
        "",
        markdown.catalogue_summary(),
        "",
        f"Golden vectors: {total} in {len(markdown.vector_counts())} files"
        + (f" ([{link}/vectors.md]({link}/vectors.md))." if link else "."),
        "",
    ]
    for kind, reps in sorted(by_kind.items()):
        parts += [f"## Pass rates by area ({kind})", "", markdown.area_matrix(reps, versions=True), ""]
    if link:
        parts += ["## Long tables", "",
                  f"- [Requirements by implementation]({link}/requirements.md): every MUST and SHOULD requirement "
                  "by column (pass, FAIL, skip, -).",
                  f"- [Failures by column]({link}/failures.md): each failing case with its first difference.",
                  *(f"- [{title}]({data_link}/{path})." for title, path in figs.long_tables),
                  ""]
    else:
        parts += _inline_tables(cols)
    if plot_links:
        parts += ["## Figures", ""]
        for title, path in plot_links:
            parts += [f"![{title}]({path})", ""]
    if extra:
        parts += [extra.rstrip(), ""]
    return "\n".join(parts)
