"""Write latency of a contradicting fact beside 1, 10, 100 and 1,000 siblings on one triple, side by side.

    python -m conformance.bench.siblings [--siblings 1,10,100,1000] [--writes 10] [--cardinality winner,pairwise]
                                         [--target URL [--admin-key K] [--target-name NAME]] [--budget 120]
                                         [--json PATH]

For every sibling count k a triple (for small k, ``--writes`` triples, while k x writes stays within 1,000
preload writes) is given k facts with distinct values, one confidence and one scope: k contradicting siblings.
Then in each of ``--writes`` rounds one new contradicting fact is posted to a triple of every k in turn, and its
latency is timed; interleaving the counts keeps a shared machine's noise out of the ratios. Where one triple
carries every round, round r meets k + r siblings (the table says so). The median per k and its ratio to the
smallest k are printed: flat (ratios near 1) means a write costs the same however many siblings its triple has.

Each ``--cardinality`` starts its own embedded reference node with ``--conflict-cardinality`` (winner, the
default, pairs a new fact with the triple's preferred fact only; pairwise with every differing sibling);
``--target`` adds a running node. A count whose preload does not fit ``--budget`` seconds on a node is skipped
there, and the decision is printed with the latency of the last preload write. Issue 11 asks that write latency
stay flat from 1 to 1,000 siblings (interpretation conflict_cardinality, STG-CONF-018).
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from conformance.harness.embedded_node import EmbeddedNode

__all__ = ["Sample", "main", "measure", "render", "to_json"]

PRELOAD_CAP = 1000  # preload writes per count above which one triple carries every round


@dataclass
class Sample:
    """The timed writes of one node at one sibling count (empty when skipped)."""

    node: str
    siblings: int
    triples: int
    latencies_ms: list[float] = field(default_factory=list)
    skipped: str | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def _fact(entity: str, value: str) -> dict[str, object]:
    return {"entity": entity, "relation": "memory:sibling", "scope": "local", "confidence": 0.9,
            "source": "stigmem://bench.example/agent/writer", "value": {"type": "string", "v": value}}


def _post(client: httpx.Client, body: dict[str, object]) -> float:
    began = time.perf_counter()
    answer = client.post("/v1/facts", json=body)
    took = (time.perf_counter() - began) * 1000
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"POST /v1/facts answered {answer.status_code}: {answer.text[:200]}")
    return took


def measure(name: str, client: httpx.Client, counts: Sequence[int], writes: int, budget_s: float) -> list[Sample]:
    """Preload every count's triples, then time ``writes`` interleaved rounds of one contradicting write each."""
    tag = secrets.token_hex(3)
    samples, entities = [], {}
    for k in counts:
        triples = writes if k * writes <= PRELOAD_CAP else 1
        sample = Sample(name, k, triples)
        samples.append(sample)
        entities[k] = [f"stigmem://bench.example/user/s{k}-{tag}-{t}" for t in range(triples)]
        deadline, last = time.monotonic() + budget_s, 0.0
        for entity in entities[k]:
            for i in range(k):
                if time.monotonic() > deadline:
                    sample.skipped = (f"preload of {k} siblings not done in {budget_s:.0f} s (at sibling {i}, the "
                                      f"last write took {last:.0f} ms)")
                    break
                last = _post(client, _fact(entity, f"v{i}"))
            if sample.skipped:
                break
        print(f"{name}: {k} siblings on {triples} triple(s): " + (sample.skipped or "preloaded"), flush=True)
    live = [s for s in samples if not s.skipped]
    for r in range(writes):
        for sample in live:
            entity = entities[sample.siblings][r % sample.triples]
            sample.latencies_ms.append(_post(client, _fact(entity, f"new{r}")))
    return samples


def render(samples: Sequence[Sample]) -> str:
    """One line per node and count: siblings met, median and max latency, the ratio to the node's smallest k."""
    head = f"{'node':<20} {'siblings':>10} {'writes':>6} {'p50 ms':>8} {'max ms':>8} {'vs first':>9}"
    out = [head, "-" * len(head)]
    for node in dict.fromkeys(s.node for s in samples):
        mine = [s for s in samples if s.node == node]
        base = next((s.median_ms for s in mine if s.latencies_ms), float("nan"))
        for s in mine:
            met = str(s.siblings) if s.triples > 1 else f"{s.siblings}..{s.siblings + len(s.latencies_ms) - 1}"
            if s.skipped:
                out.append(f"{node:<20} {s.siblings:>10} {'-':>6} {'-':>8} {'-':>8} {'-':>9}  skipped: {s.skipped}")
                continue
            out.append(f"{node:<20} {met:>10} {len(s.latencies_ms):>6} {s.median_ms:>8.2f} "
                       f"{max(s.latencies_ms):>8.2f} {s.median_ms / base:>8.2f}x")
    out.append("p50/max: latency of one POST /v1/facts contradicting the triple's siblings; vs first: p50 over the "
               "p50 at the node's smallest sibling count, measured interleaved in this run")
    return "\n".join(out)


def to_json(samples: Sequence[Sample], argv: Sequence[str]) -> dict[str, object]:
    """The run as data (``--json``): every timed latency per node and count, the plots read it."""
    return {"kind": "bench-siblings", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "command": "python -m conformance.bench.siblings " + " ".join(argv),
            "samples": [{"node": s.node, "siblings": s.siblings, "triples": s.triples, "skipped": s.skipped,
                         "latencies_ms": [round(x, 3) for x in s.latencies_ms],
                         "median_ms": round(s.median_ms, 3) if s.latencies_ms else None} for s in samples]}


def _counts(text: str) -> list[int]:
    counts = sorted({int(item) for item in text.split(",") if item.strip()})
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError("sibling counts are positive integers")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.bench.siblings", description=__doc__.split("\n\n")[0])
    parser.add_argument("--siblings", type=_counts, default=[1, 10, 100, 1000], metavar="K[,K...]",
                        help="sibling counts (default 1,10,100,1000)")
    parser.add_argument("--writes", type=int, default=10, help="timed writes per count and node (default 10)")
    parser.add_argument("--cardinality", default="winner,pairwise",
                        help="embedded reference nodes to start, by --conflict-cardinality (default winner,pairwise;"
                             " empty: none)")
    parser.add_argument("--target", help="also measure the node at this base URL")
    parser.add_argument("--target-name", default="target")
    parser.add_argument("--admin-key", help="API key for --target (sent as a Bearer token)")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds one count's preload may take on one node (default 120)")
    parser.add_argument("--json", type=Path, help="also write every latency here as JSON")
    args = parser.parse_args(argv)
    if args.writes < 1:
        parser.error("--writes must be at least 1")
    modes = [m.strip() for m in args.cardinality.split(",") if m.strip()]
    samples: list[Sample] = []
    for mode in modes:
        node = EmbeddedNode(auth="none", extra_args=("--conflict-cardinality", mode)).start()
        try:
            with httpx.Client(base_url=node.url, timeout=600.0, trust_env=False) as client:
                samples += measure(f"reference {mode}", client, args.siblings, args.writes, args.budget)
        finally:
            node.stop()
    if args.target:
        headers = {"Authorization": f"Bearer {args.admin_key}"} if args.admin_key else {}
        with httpx.Client(base_url=args.target.rstrip("/"), headers=headers, timeout=600.0, trust_env=False) as c:
            samples += measure(args.target_name, c, args.siblings, args.writes, args.budget)
    print()
    print(render(samples))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        given = list(sys.argv[1:] if argv is None else argv)
        args.json.write_text(json.dumps(to_json(samples, given), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
