"""The load generator: a bounded list of requests sent sequentially or by N concurrent workers.

Each worker is a thread with its own keep-alive ``httpx.Client`` whose transport sets ``TCP_NODELAY`` (httpx writes
headers and body separately; with Nagle on, a small POST body waits for the peer's delayed ACK, 40 ms on Linux).
Requests are built before the clock starts (URL parsing, header merging and body encoding are not part of the
measurement), so the timed loop is ``client.send`` plus reading the body. Workers take requests from one shared
iterator until it is exhausted or the row's time budget is spent, whichever comes first.

Every row also records how much CPU the generator used (``client_cpu``: fraction of one core, all threads) and, for
a server whose PID is known, the server's CPU time per request: on a shared, noisy 2-core machine these say who was
the bottleneck better than the rates alone.
"""

from __future__ import annotations

import json
import math
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from conformance.bench.memory import process_cpu_seconds

__all__ = [
    "Call",
    "RowResult",
    "entity_calls",
    "entity_uri",
    "fact_body",
    "id_calls",
    "new_client",
    "percentile",
    "post_calls",
    "run_calls",
]

BENCH_AUTHORITY = "bench.example"
FACTS_PER_ENTITY = 10
JSON_HEADERS = {"content-type": "application/json"}
MAX_ERROR_SAMPLES = 5


@dataclass(frozen=True)
class Call:
    """One request: method, path with its query string, and an already encoded JSON body (or None)."""

    method: str
    path: str
    body: bytes | None = None


@dataclass
class RowResult:
    """What one row measured against one target."""

    row: str
    mode: str
    target: str
    concurrency: int
    planned: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    statuses: Counter[int] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    server_cpu_ms_per_req: float | None = None
    timed_out: bool = False

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 99)

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row, "mode": self.mode, "target": self.target, "concurrency": self.concurrency,
            "planned": self.planned, "requests": self.requests, "errors": self.errors,
            "seconds": round(self.seconds, 4), "req_per_s": round(self.rate, 1),
            "p50_ms": round(self.p50_ms, 3), "p99_ms": round(self.p99_ms, 3),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "error_samples": self.error_samples, "client_cpu": round(self.client_cpu, 3),
            "server_cpu_ms_per_req": None if self.server_cpu_ms_per_req is None
            else round(self.server_cpu_ms_per_req, 4),
            "timed_out": self.timed_out,
        }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile by the nearest-rank method (the smallest value with at least q% at or below it).

    ``q`` is in [0, 100]; an empty sequence gives 0.0. Nearest rank always returns an observed latency, which is
    what a p99 of a few thousand samples should be.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside [0, 100]")
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


# --- request lists -------------------------------------------------------------------------------------------

def entity_uri(index: int) -> str:
    """The entity of preloaded fact ``i`` is ``entity_uri(i // FACTS_PER_ENTITY)``."""
    return f"stigmem://{BENCH_AUTHORITY}/entity/{index}"


def fact_body(entity: str, relation: str, value: str, source: str) -> dict[str, Any]:
    """An assert body. Every bench fact has its own relation, so no two facts contradict each other."""
    return {"entity": entity, "relation": relation, "value": {"type": "string", "v": value}, "source": source,
            "confidence": 0.9, "scope": "local"}


def _json(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def post_calls(count: int, tag: str) -> list[Call]:
    """``count`` unique POST /v1/facts bodies under a run tag (their own entities, 10 facts each)."""
    source = f"stigmem://{BENCH_AUTHORITY}/agent/post"
    return [Call("POST", "/v1/facts", _json(fact_body(f"stigmem://{BENCH_AUTHORITY}/post/{tag}/{i // 10}",
                                                      f"ex:post_{tag}_{i}", f"p{i}", source)))
            for i in range(count)]


def entity_calls(entities: int, count: int, rng: random.Random) -> list[Call]:
    """``count`` GET /v1/facts?entity= of entities picked at random among the first ``entities``."""
    return [Call("GET", "/v1/facts?entity=" + quote(entity_uri(rng.randrange(entities)), safe=""))
            for _ in range(count)]


def id_calls(ids: Sequence[str], count: int, rng: random.Random) -> list[Call]:
    """``count`` GET /v1/facts/{id} of ids picked at random."""
    return [Call("GET", "/v1/facts/" + quote(ids[rng.randrange(len(ids))], safe="")) for _ in range(count)]


# --- sending -------------------------------------------------------------------------------------------------

def new_client(base_url: str, headers: Mapping[str, str] | None = None, timeout: float = 10.0) -> httpx.Client:
    """A keep-alive client on one connection, with TCP_NODELAY, never routed through an environment proxy."""
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)], retries=0)
    return httpx.Client(base_url=base_url, headers=dict(headers or {}), timeout=timeout, transport=transport,
                        trust_env=False)


def _build(client: httpx.Client, calls: Sequence[Call]) -> list[httpx.Request]:
    return [client.build_request(c.method, c.path, content=c.body, headers=JSON_HEADERS if c.body is not None else None)
            for c in calls]


def run_calls(base_url: str, calls: Sequence[Call], *, row: str, mode: str, target: str, concurrency: int = 1,
              headers: Mapping[str, str] | None = None, time_budget: float = 60.0, timeout: float = 10.0,
              warmup_path: str = "/healthz", server_pid: int | None = None) -> RowResult:
    """Send every call (or as many as fit in ``time_budget`` seconds) with ``concurrency`` workers.

    A status outside 2xx, or a transport failure (recorded as status 0), is an error; a few are kept verbatim
    with the request that caused them. Bounded: at most ``len(calls)`` requests plus two warm-up requests per
    worker, and the row ends ``time_budget`` seconds after it started (plus at most one request ``timeout``).
    """
    concurrency = max(1, concurrency)
    result = RowResult(row=row, mode=mode, target=target, concurrency=concurrency, planned=len(calls))
    clients = [new_client(base_url, headers, timeout) for _ in range(concurrency)]
    try:
        requests = _build(clients[0], calls)
        work: Iterator[tuple[Call, httpx.Request]] = iter(list(zip(calls, requests, strict=True)))
        per_worker: list[tuple[list[float], Counter[int], list[str]]] = [([], Counter(), []) for _ in clients]
        start = threading.Barrier(concurrency + 1)
        deadline = [math.inf]
        stop = threading.Event()

        def worker(index: int) -> None:
            client = clients[index]
            latencies, statuses, samples = per_worker[index]
            for _ in range(2):  # open the keep-alive connection before the clock starts
                try:
                    client.get(warmup_path)
                except httpx.HTTPError:
                    break
            try:
                start.wait(timeout=timeout * 3)
            except threading.BrokenBarrierError:
                return
            clock = time.perf_counter
            while True:
                if stop.is_set():
                    return
                try:
                    call, request = next(work)  # a list iterator: next() is atomic under the GIL
                except StopIteration:
                    return
                began = clock()
                try:
                    response = client.send(request)
                    status = response.status_code
                except httpx.HTTPError as exc:
                    status, response = 0, None
                    if len(samples) < MAX_ERROR_SAMPLES:
                        samples.append(f"{call.method} {call.path} -> {type(exc).__name__}: {exc}")
                    client.close()
                    client = clients[index] = new_client(base_url, headers, timeout)
                latencies.append((clock() - began) * 1000.0)
                statuses[status] += 1
                if response is not None and not 200 <= status < 300 and len(samples) < MAX_ERROR_SAMPLES:
                    body = call.body.decode("utf-8", "replace")[:300] if call.body else ""
                    samples.append(f"{call.method} {call.path} {body} -> {status} {response.text[:300]}".strip())
                if clock() > deadline[0]:
                    stop.set()
                    return

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
        for thread in threads:
            thread.start()
        cpu_server = process_cpu_seconds(server_pid) if server_pid else None
        cpu_client = time.process_time()
        try:
            start.wait(timeout=timeout * 3 + 5)
        except threading.BrokenBarrierError:
            result.error_samples.append("workers did not get ready (warm-up failed)")
            return result
        began = time.perf_counter()
        deadline[0] = began + time_budget
        for thread in threads:
            thread.join(timeout=time_budget + timeout + 5)
        result.seconds = time.perf_counter() - began
        result.client_cpu = (time.process_time() - cpu_client) / result.seconds if result.seconds else 0.0
        stop.set()
        for latencies, statuses, samples in per_worker:
            result.latencies_ms.extend(latencies)
            result.statuses.update(statuses)
            for sample in samples:
                if len(result.error_samples) < MAX_ERROR_SAMPLES:
                    result.error_samples.append(sample)
        result.requests = len(result.latencies_ms)
        result.errors = sum(n for status, n in result.statuses.items() if not 200 <= status < 300)
        result.timed_out = result.requests < result.planned
        if cpu_server is not None and server_pid and result.requests:
            after = process_cpu_seconds(server_pid)
            if after is not None:
                result.server_cpu_ms_per_req = (after - cpu_server) * 1000.0 / result.requests
        return result
    finally:
        for client in clients:
            client.close()
