"""``bench --scaling``: what a page costs deep in a walk beside the first page, in one run (issue 11: ``total``
must not cost a full count per page). Write cost beside 1 to 1,000 contradicting siblings is
``python -m conformance.bench.siblings``.

Rows, on each node given (the embedded reference node by default, plus ``--target``): ``page 1`` and
``page 2..k``, the median time of one page of ``GET /v1/facts?limit=50`` over a store of ``--scaling-n`` facts,
first page and later pages of the same walk, with their ratio.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx


def _post(client: httpx.Client, body: dict[str, Any]) -> None:
    answer = client.post("/v1/facts", json=body)
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"POST /v1/facts answered {answer.status_code}: {answer.text[:200]}")


def _body(entity: str, value: str) -> dict[str, Any]:
    return {"entity": entity, "relation": "bench:role", "value": {"type": "string", "v": value},
            "source": "stigmem://bench.test/agent/scaling", "confidence": 0.9, "scope": "local"}


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
                progress: Callable[[str], None]) -> dict[str, Any]:
    tag = f"{time.time_ns():x}"
    report: dict[str, Any] = {"n": n, "pages": pages, "targets": []}
    for name, url, headers in targets:
        progress(f"{name}: pages over {n} facts")
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            report["targets"].append({"name": name, "rows": page_rows(client, tag, n, pages, progress)})
    return report


def render(report: dict[str, Any]) -> str:
    names = [t["name"] for t in report["targets"]]
    lines = ["| row | " + " | ".join(f"{n} ms | {n} ratio" for n in names) + " |",
             "|---|" + "---|---|" * len(names)]
    for i, row in enumerate(report["targets"][0]["rows"]):
        cells = []
        for t in report["targets"]:
            r = t["rows"][i]
            cells.append(f"{r['median_ms']} | {r['ratio']}x")
        lines.append(f"| {row['row']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
