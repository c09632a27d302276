"""``bench --scaling``: what a write costs as a triple's contradicting siblings grow, and what a page costs deep in a
walk, each measured side by side in one run (issue 11: contradictions must not cost quadratic work; ``total`` must
not cost a full count per page).

Rows, on each node given (the embedded reference node by default, plus ``--target``):

- ``siblings=n``: the median time of a new contradicting write on a triple that already holds ``n`` contradicting
  facts, for n in 1, 10, 100 and 1,000, with its ratio to n = 1 (flat is ~1x; pairwise pairing grows with n).
- ``page 1`` and ``page 2..k``: the median time of one page of ``GET /v1/facts?limit=50`` over a store of
  ``--scaling-n`` facts, first page and later pages of the same walk, with their ratio.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

SIBLINGS = (1, 10, 100, 1000)
TIMED_WRITES = 15


def _post(client: httpx.Client, body: dict[str, Any]) -> float:
    start = time.perf_counter()
    answer = client.post("/v1/facts", json=body)
    took = time.perf_counter() - start
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"POST /v1/facts answered {answer.status_code}: {answer.text[:200]}")
    return took


def _body(entity: str, value: str) -> dict[str, Any]:
    return {"entity": entity, "relation": "bench:role", "value": {"type": "string", "v": value},
            "source": "stigmem://bench.test/agent/scaling", "confidence": 0.9, "scope": "local"}


def sibling_rows(client: httpx.Client, tag: str, siblings: Sequence[int],
                 progress: Callable[[str], None]) -> list[dict[str, Any]]:
    """Median write time with n contradicting siblings on one triple (each n on its own triple)."""
    rows = []
    for n in siblings:
        entity = f"stigmem://bench.test/user/siblings-{tag}-{n}"
        for i in range(n):
            _post(client, _body(entity, f"seed-{i}"))
        times = [_post(client, _body(entity, f"timed-{j}")) for j in range(TIMED_WRITES)]
        rows.append({"row": f"siblings={n}", "median_ms": round(statistics.median(times) * 1000, 2)})
        progress(f"  siblings={n}: {rows[-1]['median_ms']} ms")
    base = rows[0]["median_ms"] or 1e-9
    for row in rows:
        row["ratio"] = round(row["median_ms"] / base, 2)
    return rows


def _fill(client: httpx.Client, tag: str, n: int) -> None:
    for start in range(0, n, 50):
        facts = [{**_body(f"stigmem://bench.test/user/page-{tag}-{i}", "v")} for i in range(start, min(n, start + 50))]
        answer = client.post("/v1/facts:batch", json={"facts": facts})
        if answer.status_code != 200:
            for fact in facts:  # a node without batch: one by one
                _post(client, fact)


def page_rows(client: httpx.Client, tag: str, n: int, pages: int, progress: Callable[[str], None]
              ) -> list[dict[str, Any]]:
    """Median time of the first page and of later pages of one walk over ``n`` facts (limit 50)."""
    progress(f"  filling {n} facts ...")
    _fill(client, tag, n)
    first: list[float] = []
    later: list[float] = []
    for _ in range(3):
        cursor = None
        for page in range(pages):
            start = time.perf_counter()
            answer = client.get("/v1/facts", params={"limit": "50", **({"cursor": cursor} if cursor else {})})
            (first if page == 0 else later).append(time.perf_counter() - start)
            cursor = answer.json().get("cursor")
            if not cursor:
                break
    rows = [{"row": "page 1", "median_ms": round(statistics.median(first) * 1000, 2)},
            {"row": f"page 2..{pages}", "median_ms": round(statistics.median(later or first) * 1000, 2)}]
    base = rows[0]["median_ms"] or 1e-9
    for row in rows:
        row["ratio"] = round(row["median_ms"] / base, 2)
    return rows


def run_scaling(targets: Sequence[tuple[str, str, dict[str, str]]], n: int, pages: int,
                siblings: Sequence[int], progress: Callable[[str], None]) -> dict[str, Any]:
    tag = f"{time.time_ns():x}"
    report: dict[str, Any] = {"n": n, "pages": pages, "targets": []}
    for name, url, headers in targets:
        progress(f"{name}: siblings")
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            rows = sibling_rows(client, tag, siblings, progress)
            progress(f"{name}: pages over {n} facts")
            rows += page_rows(client, tag, n, pages, progress)
        report["targets"].append({"name": name, "rows": rows})
    return report


def render(report: dict[str, Any]) -> str:
    names = [t["name"] for t in report["targets"]]
    lines = ["| row | " + " | ".join(f"{n} ms | {n} ratio" for n in names) + " |",
             "|---|" + "---|---|" * len(names)]
    for i, row in enumerate(report["targets"][0]["rows"]):
        cells = []
        for t in report["targets"]:
            r = t["rows"][i]
            ratio = f"{r['ratio']}x" if isinstance(r["ratio"], float | int) else str(r["ratio"])
            cells.append(f"{r['median_ms']} | {ratio}")
        lines.append(f"| {row['row']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
