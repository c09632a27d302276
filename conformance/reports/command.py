"""``stigmem-conformance report DIR...``: REPORT.md, its linked tables and figures, and the HTML page."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rep = sub.add_parser("report", help="render REPORT.md (and an HTML page) from report directories, one column each")
    rep.add_argument("dirs", nargs="+", type=Path, help="directories holding report.json; the name labels the column")
    rep.add_argument("--output", "-o", type=Path, default=Path("REPORT.md"))
    rep.add_argument("--append", type=Path, action="append", default=[],
                     help="a Markdown file appended verbatim (notes, benchmark table); repeatable")
    rep.add_argument("--html", type=Path, metavar="OUT",
                     help="also write a self-contained HTML page (matrix with drill-down, verdicts, figures) here")
    rep.add_argument("--data", type=Path, metavar="DIR",
                     help="the report data directory: detection power (power/*.json) and benchmark (bench.md, "
                          "bench/*.json) are read from it, the long tables written to DIR/tables/ "
                          "(default: the directories' common parent)")
    rep.add_argument("--plots", action="store_true",
                     help="draw the figures as PNG and SVG into DATA/plots/ (needs matplotlib: the 'report' extra)")


def _link(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def run(args: argparse.Namespace) -> int:
    from conformance.reports import figures, html_page, implementation_report, matrix, plots, tables

    pairs = [(d.name, implementation_report.load(d)) for d in args.dirs]
    data = args.data or Path(os.path.relpath(os.path.commonpath([d.resolve().parent for d in args.dirs])))
    figs = figures.gather(data)
    cols = matrix.columns(pairs)
    drawn = figures.draw(cols, figs) if args.plots or args.html else []
    if args.plots:
        if not drawn:
            raise UsageError("--plots needs matplotlib: pip install 'stigmem-conformance[report]'")
        written = plots.write(drawn, data / "plots")
        print(f"wrote {len(written)} figure files to {data / 'plots'}")
    written_tables = tables.write(cols, data / "tables")
    extra = "\n".join(path.read_text(encoding="utf-8").rstrip() + "\n" for path in args.append)
    html_link = _link(args.html, args.output.parent) if args.html else None
    text = markdown_for(pairs, extra, data, args.output.parent, html_link)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.encode()) // 1024} KB) with {len(pairs)} columns and "
          f"{len(written_tables)} tables in {data / 'tables'}")
    if args.html:
        if not drawn:
            print("matplotlib is not installed: the page has no figures (pip install 'stigmem-conformance[report]')")
        page = html_page.render(cols, figs, drawn)
        args.html.write_text(page, encoding="utf-8")
        print(f"wrote {args.html} ({len(page.encode()) // 1024} KB)")
    return 0


def markdown_for(pairs: Sequence[tuple[str, dict[str, Any]]], extra: str, data: Path, home: Path,
                 html_link: str | None = None) -> str:
    """REPORT.md as it is written to ``home``: linking the tables and the figures found under ``data``, and the
    HTML page (``html_link``, else ``data/report.html`` when it exists)."""
    from conformance.reports import figures, implementation_report, plots

    found = [(title, data / "plots" / f"{name}.png") for name, title in plots.TITLES.items()
             if (data / "plots" / f"{name}.png").is_file()]
    page = data / "report.html"
    html = html_link or (_link(page, home) if page.is_file() else None)
    return implementation_report.render(pairs, extra, figures.gather(data), _link(data, home),
                                        [(title, _link(p, home)) for title, p in found], html)
