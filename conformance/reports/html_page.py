"""``stigmem-conformance report --html OUT``: one self-contained static page (inline style, script and images).

Sections: the verdict per column and profile (with the heat map), the columns with their vector sets (a warning
when they differ) and the readings each ran under, the requirement matrix with its filter and drill-down, the
detection power and the benchmark. Everything from the node under test is escaped.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from conformance.reports import html_matrix
from conformance.reports.figures import Figures
from conformance.reports.html_assets import CSS, JS
from conformance.reports.matrix import Column, profiles, vector_sets, verdicts
from conformance.reports.plots import Figure
from conformance.reports.verdict import must_share


def _img(fig: Figure) -> str:
    data = base64.b64encode(fig.png).decode("ascii")
    return f'<img class="plot" id="plot-{fig.name}" alt="{escape(fig.title)}" src="data:image/png;base64,{data}">'


def vector_set_note(cols: Sequence[Column]) -> str:
    sets = vector_sets(cols)
    if len(sets) == 1:
        only = escape(next(iter(sets)))
        return f'<p class="ok" id="vector-sets">Every column ran vector set <code>{only}</code>.</p>'
    items = "".join(f"<li><code>{escape(v)}</code>: {escape(', '.join(names))}</li>" for v, names in sets.items())
    return (f'<div class="warn" id="vector-sets"><strong>Warning: the columns ran {len(sets)} different vector '
            f"sets</strong>, so a requirement's checks and vectors may differ between columns:<ul>{items}</ul></div>")


def verdict_table(cols: Sequence[Column]) -> str:
    names = profiles()
    head = "".join(f"<th>{escape(p)}</th>" for p in names)
    rows = []
    for c in cols:
        cells = []
        for p, v in verdicts(c).items():
            detail = f"<br><small>{v.must_passed}/{v.must_run} MUST</small>" if v.must_run else ""
            claim = f' title="{escape(v.claim)}"' if v.claim else ""
            cells.append(f'<td class="verdict {v.verdict.replace(" ", "")}" data-column="{escape(c.name)}" '
                         f'data-profile="{escape(p)}" '
                         f'data-verdict="{v.verdict}"{claim}>{v.verdict.upper() if v.verdict != "not run" else "-"}'
                         f"{detail}</td>")
        rows.append(f'<tr data-column="{escape(c.name)}" data-implementation="{escape(c.implementation)}"><th>'
                    f"{escape(c.name)}</th><td>{escape(c.implementation)}</td>"
                    f"<td><code>{escape(c.vector_set)}</code></td>{''.join(cells)}</tr>")
    return (f'<table id="verdicts"><thead><tr><th>column</th><th>implementation</th><th>vector set</th>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table><p><small>PASS: no MUST requirement of the profile failed "
            "in the column (x/y: passed of those exercised); FAIL: at least one did; -: not run.</small></p>")


def implementation_table(cols: Sequence[Column]) -> str:
    """One row per implementation (its columns together): per profile PASS when it passed in every column that ran
    it, FAIL when it failed in one; the share of its MUST requirements passed in every column that ran them."""
    groups: dict[str, list[Column]] = {}
    for c in cols:
        groups.setdefault(c.implementation, []).append(c)
    head = "".join(f"<th>{escape(p)}</th>" for p in profiles())
    rows = []
    for label, members in groups.items():
        cells = []
        for p in profiles():
            seen = [verdicts(c)[p] for c in members if verdicts(c)[p].verdict != "not run"]
            word = "fail" if any(v.verdict == "fail" for v in seen) else "pass" if seen else "notrun"
            fractions = ", ".join(f"{v.must_passed}/{v.must_run}" for v in seen)
            cells.append(f'<td class="verdict {word}" data-profile="{escape(p)}" data-verdict="{word}">'
                         f"{word.upper() if seen else '-'}{f'<br><small>{fractions}</small>' if seen else ''}</td>")
        passed, run = must_share(members)
        share = f"{100 * passed / run:.0f}% of {run}" if run else "-"
        rows.append(f'<tr data-implementation="{escape(label)}"><th>{escape(label)}</th><td>{len(members)}</td>'
                    f'<td class="num">{share}</td>{"".join(cells)}</tr>')
    return (f'<table id="implementations"><thead><tr><th>implementation</th><th>columns</th><th>MUST passed</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def columns_table(cols: Sequence[Column]) -> str:
    rows = []
    for c in cols:
        r, s = c.report, c.report["summary"]
        counts = ", ".join(f"{n} {k}" for k, n in s.items() if n)
        rows.append(f'<tr data-column="{escape(c.name)}"><th>{escape(c.name)}</th><td>{r["kind"]}</td>'
                    f"<td>{escape(c.implementation)}</td><td><code>{escape(r['preset'])}</code></td>"
                    f"<td><code>{escape(c.vector_set)}</code></td><td>{escape(r['suite_version'])}</td>"
                    f"<td>{escape(r['started_at'])}</td><td>{escape(counts)}</td>"
                    f"<td><code>{escape(str(r['target'].get('command', '')))}</code></td></tr>")
    return ('<table id="columns-table"><thead><tr><th>column</th><th>kind</th><th>implementation</th><th>preset</th>'
            "<th>vector set</th><th>suite</th><th>run at</th><th>outcomes</th><th>reproduce</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def readings_table(cols: Sequence[Column]) -> str:
    """Interpretation keys (rows) by column: the option each column ran under; rows where columns differ marked."""
    keys = sorted({k for c in cols for k in c.report.get("interpretations", {})})
    head = "".join(f"<th>{escape(c.name)}</th>" for c in cols)
    rows = []
    for k in keys:
        vals = [str(c.report.get("interpretations", {}).get(k, "-")) for c in cols]
        cls = ' class="differs"' if len(set(vals)) > 1 else ""
        rows.append(f"<tr{cls}><th>{escape(k)}</th>" + "".join(f"<td>{escape(v)}</td>" for v in vals) + "</tr>")
    return (f'<details id="readings"><summary>{len(keys)} interpretation keys; '
            f"{sum('differs' in r for r in rows)} differ between columns (highlighted)</summary>"
            f"<table><thead><tr><th>reading</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></details>")


def power_section(figs: Figures, drawn: dict[str, Figure]) -> str:
    if not figs.rounds:
        return ""
    rows = [*figs.rounds, *(r for r in (figs.blind_total, figs.catalogue) if r)]
    body = "".join(f'<tr data-round="{escape(r.name)}"><td>{escape(r.name)}</td><td class="num">{r.mutants}</td>'
                   f'<td class="num">{r.killed}</td><td class="num">{r.survived}</td><td class="num">{r.equivalent}'
                   f'</td><td class="num">{100 * r.kill_rate:.1f}%</td></tr>' for r in rows)
    img = _img(drawn["power-blind-rounds"]) if "power-blind-rounds" in drawn else ""
    return ('<section id="power"><h2>Detection power</h2><p>Mutants written by authors who had not read the suite, '
            "each round a first pass before any survivor was worked into a check; the authored catalogue is the CI "
            "gate. Kill rate: killed / (killed + survived).</p><table id=\"power-table\"><thead><tr><th>round</th>"
            "<th>mutants</th><th>killed</th><th>survived</th><th>equivalent</th><th>kill rate</th></tr></thead>"
            f"<tbody>{body}</tbody></table>{img}</section>")


def bench_section(figs: Figures, drawn: dict[str, Figure]) -> str:
    if not (figs.bench or figs.siblings or figs.recall):
        return ""
    targets = list(dict.fromkeys(t for r in figs.bench for t in r.rate))
    head = "".join(f"<th>{escape(t)} req/s</th><th>{escape(t)} p99 ms</th>" for t in targets)
    body = "".join(f"<tr><td>{escape(r.label)}</td>" + "".join(
        f'<td class="num">{r.rate.get(t, "-")}</td><td class="num">{r.p99.get(t, "-")}</td>' for t in targets)
        + "</tr>" for r in figs.bench)
    names = ("bench-throughput", "bench-upstream", "bench-siblings", "bench-recall")
    imgs = "".join(_img(drawn[n]) for n in names if n in drawn)
    table = (f'<table id="bench-table"><thead><tr><th>row</th>{head}</tr></thead><tbody>{body}</tbody></table>'
             if figs.bench else "")
    runs = "".join(f"<li>{escape(str(d.get('kind')))}: {escape(str(d.get('date')))}, <code>"
                   f"{escape(str(d.get('command')))}</code></li>" for d in (figs.siblings, figs.recall) if d)
    return (f'<section id="bench"><h2>Benchmark</h2><p>The side-by-side rows of bench.md (its conditions are '
            f"in REPORT.md), then the last run with the upstream node (2026-11-22) and the two small benches:</p>"
            f"<ul>{runs}</ul>{table}{imgs}</section>")


def render(cols: Sequence[Column], figs: Figures, drawn: Sequence[Figure] = ()) -> str:
    by_name = {f.name: f for f in drawn}
    heat = _img(by_name["matrix-heatmap"]) if "matrix-heatmap" in by_name else ""
    newest = max(c.report["started_at"] for c in cols)[:10]
    return "\n".join([
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>stigmem conformance: implementation report</title>", f"<style>{CSS}</style></head><body>",
        "<h1>stigmem conformance: implementation report</h1>",
        f"<p>Rendered by <code>stigmem-conformance report</code> from {len(cols)} report files; newest run "
        f"{escape(newest)}.</p>",
        vector_set_note(cols),
        '<section id="verdict"><h2>Verdict per implementation and profile</h2>', implementation_table(cols),
        "<h3>Per column (an implementation under one configuration and one set of readings)</h3>",
        verdict_table(cols), heat, "</section>",
        '<section id="columns"><h2>Columns</h2>', columns_table(cols), readings_table(cols), "</section>",
        '<section id="matrix"><h2>Requirements by column</h2><p>Click a requirement for its checks and vectors in '
        "each column and the first difference of every failure.</p>", html_matrix.table(cols), "</section>",
        power_section(figs, by_name), bench_section(figs, by_name),
        f"<script>{JS}</script></body></html>", ""])
