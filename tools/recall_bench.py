"""Recall benchmark of the reference node, in process (prints figures; asserts nothing).

``python tools/recall_bench.py [--facts 10000 100000] [--queries 200]``: latency p50/p95 of recall over a store of N
synthetic facts with the configured embedder (STIGMEM_EMBED_*; default the offline hashed embedder), then recall@k
of the lexical, vector and hybrid weightings on the small hand-written corpus below (facts, questions, expected
facts). Each quality run uses a fresh store, so access counts of one weighting never favour another.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference_node.clock import SystemClock
from reference_node.protocol.facts import SCOPES
from reference_node.recall import RecallRequest, RecallService
from reference_node.recall.config import from_environ
from reference_node.storage import Store
from reference_node.storage.garden_acl import Reader

CORPUS = [  # (entity, relation, value)
    ("person/ada", "memory:role", "Ada is the chief executive officer of the company"),
    ("person/ada", "memory:likes", "Ada enjoys sailing on weekends"),
    ("person/bob", "memory:role", "Bob leads the database engineering team"),
    ("person/bob", "memory:uses", "Bob prefers PostgreSQL over MySQL for analytics"),
    ("person/cleo", "memory:role", "Cleo is a frontend developer writing TypeScript"),
    ("person/cleo", "memory:likes", "Cleo drinks green tea every morning"),
    ("project/atlas", "memory:status", "The Atlas migration to Kubernetes is delayed until March"),
    ("project/atlas", "memory:owner", "Bob owns the Atlas project"),
    ("project/nova", "memory:status", "Nova shipped its first public beta"),
    ("project/nova", "memory:risk", "Nova depends on an unmaintained payment library"),
    ("office/berlin", "memory:address", "The Berlin office is on Torstrasse near the park"),
    ("office/berlin", "memory:note", "Berlin office hosts the quarterly planning meeting"),
    ("person/dan", "memory:role", "Dan manages hiring for the sales department"),
    ("person/dan", "memory:likes", "Dan collects vintage cameras"),
    ("policy/travel", "memory:rule", "Flights longer than six hours may be booked in business class"),
    ("policy/leave", "memory:rule", "Employees receive twenty eight days of paid vacation"),
]
QUESTIONS = [  # (question, index of the expected fact)
    ("who is the CEO chief executive", 0), ("what does Ada do on weekends sailing", 1),
    ("who leads database engineering", 2), ("which database does Bob prefer", 3),
    ("who writes TypeScript frontend", 4), ("what does Cleo drink", 5), ("when is the Atlas migration", 6),
    ("who owns Atlas", 7), ("did Nova ship a beta", 8), ("what is the risk for Nova payments", 9),
    ("where is the Berlin office", 10), ("where is quarterly planning held", 11), ("who manages hiring", 12),
    ("what does Dan collect cameras", 13), ("can I fly business class on long flights", 14),
    ("how many vacation days do employees get", 15),
]
WEIGHTS = {"lexical": {"lexical": 1.0, "vector": 0.0, "graph": 0.0},
           "vector": {"lexical": 0.0, "vector": 1.0, "graph": 0.0},
           "hybrid": None}
WORDS = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo",
    "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor",
    "whiskey", "xray", "yankee", "zulu", "lantern", "harbour", "amber", "quartz", "cobalt",
]


def _store(directory: str, name: str) -> Store:
    return Store.open(os.path.join(directory, name), SystemClock())


def _assert(store: Store, entity: str, relation: str, value: str, scope: str = "local") -> None:
    _bulk(store, [(entity, relation, value, scope)])


def _bulk(store: Store, rows: list[tuple[str, str, str, str]], batch: int = 2000) -> None:
    """Assert (entity, relation, value, scope) rows, ``batch`` facts to a transaction (one transaction a fact took
    longer than 500 s for 10k facts)."""
    from reference_node.api.auth import ANONYMOUS
    from reference_node.api.bodies import assertion
    for start in range(0, len(rows), batch):
        facts = [assertion({"entity": f"stigmem://bench.test/{entity}", "relation": relation,
                            "value": {"type": "string", "v": value}, "source": "stigmem://bench.test/agent/bench",
                            "confidence": 1.0, "scope": scope}, ANONYMOUS, 65536)
                 for entity, relation, value, scope in rows[start:start + batch]]
        store.assert_facts(facts, ANONYMOUS.reader)


def latency(n: int, queries: int, keep: str | None = None) -> dict[str, object]:
    """p50/p95 of ``queries`` recalls over ``n`` synthetic facts; with ``keep`` the store is built in that directory
    once and reused by later runs (same facts, same queries: before/after figures on identical data)."""
    config = from_environ(os.environ)
    rng = random.Random(17)
    with contextlib.ExitStack() as stack:
        directory = keep or stack.enter_context(tempfile.TemporaryDirectory())
        os.makedirs(directory, exist_ok=True)
        name = f"latency-{n}.db"
        built = os.path.exists(os.path.join(directory, name))
        store = _store(directory, name)
        start = time.perf_counter()
        # Five relations per entity, one fact per triple: a store of distinct memories, no contradictions.
        rows = [(f"thing/{i // 5}", f"memory:r{i % 5}", " ".join(rng.choices(WORDS, k=6)), SCOPES[(i // 5) % 4])
                for i in range(n)]
        if not built:
            _bulk(store, rows)
        service = RecallService(store, config)
        loaded = time.perf_counter()
        service.catch_up()
        embedded = time.perf_counter()
        reader = Reader("anon:bench", True)
        times = []
        for _ in range(queries):
            req = RecallRequest(" ".join(rng.choices(WORDS, k=2)), 2000, tuple(SCOPES))
            t = time.perf_counter()
            service.recall(req, reader)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{n} facts ({service.embedder.name}): load {loaded - start:.1f} s{' (reused)' if built else ''}, "
              f"embed backfill {embedded - loaded:.1f} s; recall over {queries} queries p50 "
              f"{statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times)) - 1]:.1f} ms "
              f"(load average {load}, {os.cpu_count()} cores)")
        service.close()
        store.close()
    return {"facts": n, "queries": queries, "embedder": service.embedder.name, "load_s": round(loaded - start, 2),
            "embed_s": round(embedded - loaded, 2), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * len(times)) - 1], 2), "load_average": load}


def quality(ks: tuple[int, ...] = (1, 3, 5)) -> None:
    config = from_environ(os.environ)
    for name, weights in WEIGHTS.items():
        with tempfile.TemporaryDirectory() as directory:
            store = _store(directory, "quality.db")
            for entity, relation, value in CORPUS:
                _assert(store, entity, relation, value)
            service = RecallService(store, config)
            hits = dict.fromkeys(ks, 0)
            for question, expected in QUESTIONS:
                req = RecallRequest(question, 10_000, tuple(SCOPES), depth=1, weights=weights, lambda_mmr=1.0)
                values = [r["value"]["v"] for r in service.recall(req, Reader("anon:bench", True))["results"]]
                for k in ks:
                    hits[k] += CORPUS[expected][2] in values[:k]
            print(f"{name:7s} " + "  ".join(f"recall@{k} {hits[k] / len(QUESTIONS):.2f}" for k in ks))
            service.close()
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--facts", type=int, nargs="+", default=[10_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="build each store in DIR once and reuse it on later runs")
    parser.add_argument("--json", type=Path, help="also write the latency rows here as JSON")
    args = parser.parse_args()
    if not args.skip_quality:
        quality()
    rows = [latency(n, args.queries, args.keep) for n in args.facts]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        run = {"kind": "bench-recall", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "command": "python tools/recall_bench.py " + " ".join(sys.argv[1:]), "latency": rows}
        args.json.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
