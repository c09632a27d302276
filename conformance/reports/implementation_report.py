"""REPORT.md: the requirement x implementation matrix rendered from report.json files.

Each column is one report directory; its label is the directory name. The text names how to reproduce
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
from conformance.reports import markdown


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


def _describe(name: str, report: dict[str, Any]) -> str:
    target = report["target"]
    impl = target.get("implementation") or {}
    disc = target.get("discovery") or {}
    what = (markdown.escape(f"{impl.get('name', '?')} {impl.get('version', '')} ({impl.get('language', '?')})")
            if impl else f"node `{str(disc.get('node_id', '?')).replace('`', '')}` "
                         f"version {markdown.escape(disc.get('version', '?'))}")
    s = report["summary"]
    return (f"- **{name}**: {report['kind']} run against {what}; preset `{report['preset']}`; "
            f"{s['pass']} passed, {s['fail']} failed, {s['error']} errors"
            + "".join(f", {s[k]} {k}" for k in ("unsupported", "skip", "not-implemented") if s.get(k))
            + f"; {report['duration_s']} s; suite {report['suite_version']}, vectors {report['vector_set_version']}"
            + f"; reproduce: `{target.get('command', 'see the nox session')}`")


def render(columns: Sequence[tuple[str, dict[str, Any]]], extra: str = "") -> str:
    by_kind: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, rep in columns:
        by_kind.setdefault(rep["kind"], []).append((name, rep))
    parts = [
        "# Implementation report",
        "",
        f"Rendered by `stigmem-conformance report` from {len(columns)} report files; newest run "
        f"{max(rep['started_at'] for _, rep in columns)[:10]}. Each column names the command that reproduces it.",
        "",
        "## Columns",
        "",
        *(_describe(name, rep) for name, rep in columns),
        "",
        "## Requirement catalogue",
        "",
        markdown.catalogue_summary(),
        "",
        "## Golden vectors",
        "",
        markdown.vector_inventory(),
        "",
    ]
    for kind, reps in sorted(by_kind.items()):
        parts += [f"## Pass rates by area ({kind})", "", markdown.area_matrix(reps), ""]
    parts += ["## Requirements by implementation", "",
              "`pass`: every case citing the requirement passed; **FAIL**: at least one failed or errored; "
              "`skip`: cases ran only as skip/unsupported; `-`: not exercised by that column.", "",
              markdown.requirement_matrix(columns), ""]
    for name, rep in columns:
        parts += [f"## Failures: {name}", "", f"Interpretations in force: preset `{rep['preset']}`.", "",
                  markdown.failures(name, rep), ""]
    if extra:
        parts += [extra.rstrip(), ""]
    return "\n".join(parts)
