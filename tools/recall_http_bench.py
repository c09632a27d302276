"""Recall latency over HTTP, the reference node and another node side by side in one run (prints figures).

``python tools/recall_http_bench.py --upstream URL [--facts 10000] [--queries 200] [--markdown FILE]``

Starts the reference node (auth none, its default recall configuration: the offline hashed embedder), loads the
same N synthetic facts into it and into the node at ``--upstream`` (anonymous writes, so that node must run with
auth off), then sends the same recall queries to both, interleaved query by query, and prints p50/p95 per node.
The facts are ``tools/recall_bench.py``'s latency store (five relations per entity, six random words a value), all
in scope ``local``; a query is two random words with ``scope: local``, ``depth: 1`` and ``token_budget: 2000``, the
members both nodes read alike. The reference node loads through ``POST /v1/facts:batch``, the other node through
single ``POST /v1/facts`` (4 workers) unless it offers the batch route. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance.harness.embedded_node import EmbeddedNode
from tools.recall_bench import WORDS

AUTHORITY = "recall-bench.test"
SOURCE = f"stigmem://{AUTHORITY}/agent/bench"
LOAD_BUDGET_S = 1800.0
QUERY_TIMEOUT_S = 30.0


def facts(n: int, seed: int = 17) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [{"entity": f"stigmem://{AUTHORITY}/thing/{i // 5}", "relation": f"memory:r{i % 5}",
             "value": {"type": "string", "v": " ".join(rng.choices(WORDS, k=6))}, "source": SOURCE,
             "confidence": 1.0, "scope": "local"} for i in range(n)]


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=QUERY_TIMEOUT_S, trust_env=False)


def load(url: str, rows: list[dict[str, Any]], workers: int = 4) -> tuple[float, str]:
    """Assert every row; returns (seconds, method). Raises on the first non-2xx answer or past the budget."""
    began = time.monotonic()
    with client(url) as c:
        probe = c.post("/v1/facts:batch", json={"facts": rows[:50], "atomic": True})
        if probe.status_code in (200, 201):
            for start in range(50, len(rows), 50):
                answer = c.post("/v1/facts:batch", json={"facts": rows[start:start + 50], "atomic": True})
                if answer.status_code not in (200, 201):
                    raise RuntimeError(f"{url} batch at {start}: {answer.status_code} {answer.text[:200]}")
                if time.monotonic() - began > LOAD_BUDGET_S:
                    raise RuntimeError(f"{url}: load exceeded {LOAD_BUDGET_S:.0f} s")
            return time.monotonic() - began, "POST /v1/facts:batch (50/request)"
    if probe.status_code not in (404, 405):
        raise RuntimeError(f"{url} batch probe: {probe.status_code} {probe.text[:200]}")
    errors: list[str] = []

    def worker(part: list[dict[str, Any]]) -> None:
        with client(url) as c:
            for body in part:
                if errors:
                    return
                if time.monotonic() - began > LOAD_BUDGET_S:
                    errors.append("load budget exceeded")
                    return
                answer = c.post("/v1/facts", json=body)
                if answer.status_code not in (200, 201):
                    errors.append(f"{answer.status_code} {answer.text[:200]}")
                    return

    threads = [threading.Thread(target=worker, args=(rows[k::workers],)) for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(LOAD_BUDGET_S + 60)
    if errors:
        raise RuntimeError(f"{url}: {errors[0]}")
    return time.monotonic() - began, f"single POST /v1/facts ({workers} workers)"


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, -(-len(ordered) * q // 100)) - 1]


def measure(urls: dict[str, str], queries: int, seed: int = 29) -> dict[str, dict[str, float]]:
    """The same queries to every node, interleaved; p50/p95 in ms and the mean count of results per node."""
    rng = random.Random(seed)
    bodies = [{"query": " ".join(rng.choices(WORDS, k=2)), "scope": "local", "depth": 1, "token_budget": 2000}
              for _ in range(queries + 5)]
    clients = {name: client(url) for name, url in urls.items()}
    times: dict[str, list[float]] = {name: [] for name in urls}
    counts: dict[str, list[int]] = {name: [] for name in urls}
    try:
        for i, body in enumerate(bodies):
            for name, c in clients.items():
                t = time.perf_counter()
                answer = c.post("/v1/recall", json=body)
                elapsed = (time.perf_counter() - t) * 1000
                if answer.status_code != 200:
                    raise RuntimeError(f"{name} recall: {answer.status_code} {answer.text[:200]}")
                if i >= 5:  # the first five warm both nodes up
                    times[name].append(elapsed)
                    data = answer.json()
                    counts[name].append(len(data.get("results", data.get("facts", []))))
    finally:
        for c in clients.values():
            c.close()
    return {name: {"p50": statistics.median(times[name]), "p95": nearest_rank(times[name], 95),
                   "results": statistics.mean(counts[name])} for name in urls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="base URL of the other node (auth off)")
    parser.add_argument("--name", default="upstream", help="its name in the output")
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args()
    rows = facts(args.facts)
    with EmbeddedNode(auth="none") as ref:
        urls = {"reference": ref.url, args.name: args.upstream.rstrip("/")}
        lines = []
        for name, url in urls.items():
            seconds, method = load(url, rows)
            lines.append(f"- {name}: {args.facts} facts loaded in {seconds:.1f} s via {method}")
            print(lines[-1], flush=True)
        result = measure(urls, args.queries)
    table = ["| node | facts | queries | recall p50 ms | recall p95 ms | mean results |", "|---|---|---|---|---|---|"]
    for name, r in result.items():
        table.append(f"| {name} | {args.facts} | {args.queries} | {r['p50']:.1f} | {r['p95']:.1f} "
                     f"| {r['results']:.1f} |")
    ratio = result[args.name]["p50"] / result["reference"]["p50"]
    lines += ["", *table, "", f"- {args.name} p50 / reference p50: {ratio:.1f}x"]
    print("\n".join(lines[-len(table) - 2:]))
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
