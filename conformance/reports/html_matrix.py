"""The HTML page's requirement matrix: one row per requirement, one cell per column, and a drill-down row per
requirement with the checks and vectors that cite it in each column and the first difference of every failure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from conformance.reports.matrix import Column, cases, profiles, requirements

MARK = {"pass": "pass", "fail": "FAIL", "skip": "skip"}
PASSES_LISTED = 12  # passing cases named per column in a drill-down; the rest are counted
MESSAGE_CHARS = 600


def _select(ident: str, label: str, options: Sequence[str]) -> str:
    opts = "".join(f'<option value="{escape(o)}">{escape(o)}</option>' for o in options)
    return f'<label>{label} <select id="{ident}"><option value="">any</option>{opts}</select></label>'


def filters(cols: Sequence[Column]) -> str:
    return ('<p class="filters"><label>text <input id="q" type="search" placeholder="id or words"></label>'
            + _select("profile", "profile", profiles()) + _select("level", "level", ["MUST", "SHOULD", "MAY"])
            + _select("column", "column", [c.name for c in cols])
            + _select("status", "status", ["fail", "pass", "skip"])
            + ' <span id="shown"></span> requirements shown</p>')


def _drill(req: Mapping[str, Any], cols: Sequence[Column], index: Sequence[Mapping[str, list[Any]]]) -> str:
    anchor = req.get("anchor") or {}
    parts = [f"<p>{escape(req['summary'])} <em>({escape(str(anchor.get('spec', '')))} "
             f"{escape(str(anchor.get('heading', '')))})</em></p>"]
    for col, idx in zip(cols, index, strict=True):
        rows = idx.get(req["id"], [])
        if not rows:
            continue
        counts = Counter(r["outcome"] for r in rows)
        items = []
        for r in rows:
            if r["outcome"] in ("fail", "error"):
                msg = str(r.get("message", ""))[:MESSAGE_CHARS]
                items.append(f'<li class="failure"><code>{escape(r["id"])}</code> {r["outcome"]}: '
                             f'<span class="msg">{escape(msg)}</span></li>')
        others = [r for r in rows if r["outcome"] not in ("fail", "error")]
        if others:
            named = ", ".join(f"<code>{escape(r['id'])}</code> {escape(r['outcome'])}"
                              for r in others[:PASSES_LISTED])
            more = f" and {len(others) - PASSES_LISTED} more" if len(others) > PASSES_LISTED else ""
            items.append(f"<li>{named}{more}</li>")
        tally = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        parts.append(f'<div class="col-cases" data-column="{escape(col.name)}"><strong>{escape(col.name)}</strong> '
                     f"({tally})<ul>{''.join(items)}</ul></div>")
    return "".join(parts)


def table(cols: Sequence[Column]) -> str:
    index = [cases(c) for c in cols]
    head = "".join(f'<th class="col">{escape(c.name)}</th>' for c in cols)
    out = [filters(cols), '<table id="req-matrix"><thead><tr><th>requirement</th><th>level</th><th>profile</th>'
           f"{head}</tr></thead><tbody>"]
    for req in requirements():
        rid = escape(req["id"])
        cells = []
        for c in cols:
            st = c.status.get(req["id"], "")
            cells.append(f'<td class="s {st or "none"}">{MARK.get(st, "-")}</td>')
        text = escape(f"{req['id']} {req['summary']}".lower())
        out.append(f'<tr class="req" data-id="{rid}" data-profile="{escape(req["profile"])}" '
                   f'data-level="{req["level"]}" data-text="{text}"><td><button class="req" data-id="{rid}">{rid}'
                   f'</button></td><td>{req["level"]}</td><td>{escape(req["profile"])}</td>{"".join(cells)}</tr>')
        out.append(f'<tr class="drill" id="d-{rid}" hidden><td colspan="{3 + len(cols)}">'
                   f"{_drill(req, cols, index)}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)
