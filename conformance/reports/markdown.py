"""Markdown renderings: the vector inventory and the implementation matrix of REPORT.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from conformance.catalog.requirements import catalogue
from conformance.catalog.vectors import load_vectors


def vector_counts() -> dict[str, Counter[str]]:
    """Per vector file: total, valid (positive), invalid (negative) and tagged (depend on an interpretation)."""
    rows: dict[str, Counter[str]] = {}
    for v in load_vectors(validate=False):
        counts = rows.setdefault(v.file, Counter())
        counts[v.expected["outcome"]] += 1
        counts["total"] += 1
        if v.interpretations:
            counts["tagged"] += 1
    return rows


def vector_inventory() -> str:
    """Vectors per file: positive (valid), negative (invalid), acceptable, and option-specific ones."""
    lines = ["| file | vectors | positive | negative | depend on an interpretation |", "|---|---:|---:|---:|---:|"]
    total: Counter[str] = Counter()
    for name, c in sorted(vector_counts().items()):
        total.update(c)
        lines.append(f"| `{name}` | {c['total']} | {c['valid']} | {c['invalid']} | {c['tagged']} |")
    lines.append(f"| **all** | **{total['total']}** | {total['valid']} | {total['invalid']} | {total['tagged']} |")
    return "\n".join(lines)


def coverage() -> dict[str, str]:
    """How each requirement is covered: vector, check (implemented), planned (a named check only), untestable, none."""
    import conformance.checks  # noqa: F401  (registers the checks)
    from conformance.checks.registry import REGISTRY, requirements_for

    by_vector = {r for v in load_vectors(validate=False) for r in v.requirements}
    by_check = {r for c in REGISTRY.values() for r in requirements_for(c)}
    kinds: dict[str, str] = {}
    for r in catalogue()["requirements"]:
        checks = r.get("checks", ())
        kinds[r["id"]] = ("vector" if r["id"] in by_vector else "check" if r["id"] in by_check
                          else "planned" if any(not c.startswith("untestable:") for c in checks)
                          else "untestable" if checks else "none")
    return kinds


def catalogue_summary() -> str:
    """Requirements per level: covered by a vector, by an implemented check, only by a planned check name."""
    how = coverage()
    counts: Counter[tuple[str, str]] = Counter((r["level"], how[r["id"]]) for r in catalogue()["requirements"])
    kinds = ("vector", "check", "planned", "untestable", "none")
    lines = ["| level | total | by a golden vector | by an implemented check | planned check only | untestable "
             "| uncovered |", "|---|---:|---:|---:|---:|---:|---:|"]
    for level in ("MUST", "SHOULD", "MAY"):
        row = [counts[(level, k)] for k in kinds]
        lines.append(f"| {level} | {sum(row)} | " + " | ".join(map(str, row)) + " |")
    return "\n".join(lines)


def area_matrix(reports: Sequence[tuple[str, Mapping[str, Any]]], versions: bool = False) -> str:
    """Pass counts per area (rows) and implementation (columns): 'passed/run (failed)'; ``versions`` adds a first
    row with each column's vector-set version."""
    areas = sorted({a for _, rep in reports for a in rep["areas"]})
    head = "| area | " + " | ".join(name for name, _ in reports) + " |"
    lines = [head, "|---|" + "---:|" * len(reports)]
    if versions:
        lines.append("| *vector set* | " + " | ".join(f"`{rep['vector_set_version']}`" for _, rep in reports) + " |")
    for area in areas:
        cells = []
        for _, rep in reports:
            c = rep["areas"].get(area)
            if not c:
                cells.append("-")
                continue
            run = c["pass"] + c["fail"] + c["error"]
            extra = [f"{c[k]} {k}" for k in ("fail", "error", "unsupported", "skip", "not-implemented") if c.get(k)]
            cells.append(f"{c['pass']}/{run}" + (f" ({', '.join(extra)})" if extra else ""))
        lines.append(f"| {area} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def escape(text: object) -> str:
    """Text from the node under test as inert Markdown in one table cell or sentence.

    One line (so nothing can start a heading or a list), ``<`` as an entity (so no HTML tag renders), and the two
    characters that end a cell or open a code span escaped.
    """
    flat = str(text).replace("\r", " ").replace("\n", " ")
    return flat.replace("<", "&lt;").replace("|", "\\|").replace("`", "\\`")


def failures(name: str, report: Mapping[str, Any], limit: int = 200) -> str:
    rows = [r for r in report["results"] if r["outcome"] in ("fail", "error")]
    if not rows:
        return f"No failures for {name}."
    lines = ["| case | requirements | outcome | first difference |", "|---|---|---|---|"]
    for r in rows[:limit]:
        message = escape(r.get("message", "")[:200])
        lines.append(f"| `{r['id']}` | {' '.join(r['requirements'])} | {r['outcome']} | {message} |")
    if len(rows) > limit:
        lines.append(f"| ... | | | {len(rows) - limit} more in the report file |")
    return "\n".join(lines)


def requirement_status(report: Mapping[str, Any]) -> dict[str, str]:
    """Per requirement: fail if any case citing it failed or errored, pass if some passed, else skip."""
    outcomes: dict[str, set[str]] = {}
    for r in report["results"]:
        if r["outcome"] == "not-applicable":
            continue
        for req in r["requirements"]:
            outcomes.setdefault(req, set()).add(r["outcome"])
    return {req: "fail" if seen & {"fail", "error"} else "pass" if "pass" in seen else "skip"
            for req, seen in outcomes.items()}


def requirement_matrix(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """MUST and SHOULD requirements (rows) by implementation (columns): pass, FAIL, skip or -."""
    statuses = [(name, requirement_status(rep)) for name, rep in reports]
    seen = {req for _, st in statuses for req in st}
    head = "| requirement | level | profile | " + " | ".join(name for name, _ in reports) + " |"
    lines = [head, "|---|---|---|" + "---|" * len(reports)]
    mark = {"pass": "pass", "fail": "**FAIL**", "skip": "skip"}
    for r in catalogue()["requirements"]:
        if r["id"] not in seen or r["level"] not in ("MUST", "SHOULD"):
            continue
        cells = [mark.get(st.get(r["id"], ""), "-") for _, st in statuses]
        lines.append(f"| {r['id']} | {r['level']} | {r['profile']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
