"""The load generator: a bounded list of requests sent sequentially or by N concurrent worker threads.

Each worker holds one keep-alive connection with ``TCP_NODELAY`` (without it, a client that writes headers and body
separately, as httpx does, waits for the peer's delayed ACK: 40 ms per POST on Linux). Two clients:

- ``raw`` (the default): ``RawSender``, a minimal HTTP/1.1 client on a plain socket. Each request is rendered to
  bytes beforehand and written with one ``sendall``; about 0.03 ms of CPU per request.
- ``httpx``: one ``httpx.Client`` per worker (transport built with ``socket_options`` for ``TCP_NODELAY``),
  requests built beforehand and sent with ``client.send``. It costs about 0.5 ms of CPU per request, several times
  what uvicorn (httptools, uvloop) spends answering the trivial endpoint, so on a 2-core machine it tops out near
  2000 req/s and is the bottleneck for any fast server (``--client httpx`` trivial rows: 1800-2300 req/s with the
  generator at 1.0 core; raw: 7000-20000 req/s with the generator under 0.7 core).

Requests are prepared before the clock starts (URL, headers and body encoding are not measured), so the timed loop
is one send plus reading the whole answer. Workers take requests from one shared iterator until it is exhausted or
the row's time budget is spent, whichever comes first.

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


class SendFailed(Exception):
    """The request got no HTTP answer (connection refused, reset, timeout, malformed answer)."""


class HttpxSender:
    """One worker's keep-alive ``httpx.Client``; requests are built before the clock starts."""

    def __init__(self, base_url: str, headers: Mapping[str, str] | None, timeout: float) -> None:
        self._args = (base_url, headers, timeout)
        self._client = new_client(*self._args)

    def prepare(self, call: Call) -> httpx.Request:
        return self._client.build_request(call.method, call.path, content=call.body,
                                          headers=JSON_HEADERS if call.body is not None else None)

    def send(self, prepared: Any) -> tuple[int, bytes]:
        try:
            response = self._client.send(prepared)
        except httpx.HTTPError as exc:
            self._client.close()
            self._client = new_client(*self._args)
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
        return response.status_code, response.content

    def close(self) -> None:
        self._client.close()


class RawSender:
    """A minimal HTTP/1.1 keep-alive client on a plain socket (TCP_NODELAY), for a generator that costs little CPU.

    Each request is rendered to bytes before the clock starts and written with one ``sendall``; the answer is read
    by ``Content-Length`` (or chunked transfer coding). It exists because on a 2-core machine httpx costs several
    times the CPU per request that uvicorn spends answering the trivial endpoint, so an httpx generator cannot
    saturate a fast server; the raw client shows what the server does when the generator is cheap.
    """

    def __init__(self, base_url: str, headers: Mapping[str, str] | None, timeout: float) -> None:
        url = httpx.URL(base_url)
        if url.scheme != "http" or not url.host:
            raise ValueError(f"the raw client speaks plain http only, not {base_url}")
        self._address = (url.host, url.port or 80)
        self._prefix = url.raw_path.rstrip(b"/").decode("ascii")
        host = url.host if url.port is None else f"{url.host}:{url.port}"
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._head = f"Host: {host}\r\nAccept: */*\r\nUser-Agent: stigmem-conformance-bench\r\n{extra}"
        self._timeout = timeout
        self._sock: socket.socket | None = None
        self._buffer = b""

    def prepare(self, call: Call) -> bytes:
        head = f"{call.method} {self._prefix}{call.path} HTTP/1.1\r\n{self._head}"
        if call.body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(call.body)}\r\n"
        elif call.method not in ("GET", "HEAD"):
            head += "Content-Length: 0\r\n"
        return head.encode("latin-1") + b"\r\n" + (call.body or b"")

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self._address, timeout=self._timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buffer = b""
        return sock

    def send(self, prepared: Any) -> tuple[int, bytes]:
        try:
            if self._sock is None:
                self._sock = self._connect()
            self._sock.sendall(prepared)
            return self._read(self._sock)
        except (OSError, ValueError, IndexError) as exc:
            self.close()
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc

    def _fill(self, sock: socket.socket) -> None:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self._buffer += chunk

    def _read(self, sock: socket.socket) -> tuple[int, bytes]:
        while (end := self._buffer.find(b"\r\n\r\n")) < 0:
            self._fill(sock)
        head = self._buffer[:end].decode("latin-1")
        self._buffer = self._buffer[end + 4:]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked(sock)
        else:
            length = int(fields.get("content-length", "0"))
            while len(self._buffer) < length:
                self._fill(sock)
            body, self._buffer = self._buffer[:length], self._buffer[length:]
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def _read_chunked(self, sock: socket.socket) -> bytes:
        parts: list[bytes] = []
        while True:
            while (end := self._buffer.find(b"\r\n")) < 0:
                self._fill(sock)
            size = int(self._buffer[:end].split(b";")[0], 16)
            while len(self._buffer) < end + 2 + size + 2:
                self._fill(sock)
            parts.append(self._buffer[end + 2:end + 2 + size])
            self._buffer = self._buffer[end + 2 + size + 2:]
            if size == 0:
                return b"".join(parts)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


CLIENTS = {"httpx": HttpxSender, "raw": RawSender}


def _cpu(pids: Sequence[int]) -> float | None:
    """The CPU seconds of every process in ``pids`` together; None when there are none or one is gone."""
    times = [process_cpu_seconds(pid) for pid in pids]
    return None if not times or any(t is None for t in times) else sum(t for t in times if t is not None)


def run_calls(base_url: str, calls: Sequence[Call], *, row: str, mode: str, target: str, concurrency: int = 1,
              headers: Mapping[str, str] | None = None, time_budget: float = 60.0, timeout: float = 10.0,
              warmup_path: str = "/healthz", server_pid: int | Sequence[int] | None = None,
              client: str = "raw") -> RowResult:
    """Send every call (or as many as fit in ``time_budget`` seconds) with ``concurrency`` workers.

    ``client`` is ``raw`` (``RawSender``) or ``httpx`` (one keep-alive ``httpx.Client`` per worker). A status
    outside 2xx, or a transport failure (recorded as status 0), is an error; a few are kept verbatim with the
    request that caused them. ``server_pid`` may be several PIDs (a multi-worker node): their CPU times add up.
    Bounded: at most ``len(calls)`` requests plus two warm-up requests per worker, and
    the row ends ``time_budget`` seconds after it started (plus at most one request ``timeout``).
    """
    concurrency = max(1, concurrency)
    result = RowResult(row=row, mode=mode, target=target, concurrency=concurrency, planned=len(calls))
    senders = [CLIENTS[client](base_url, headers, timeout) for _ in range(concurrency)]
    try:
        prepared = [senders[0].prepare(call) for call in calls]
        warmup = senders[0].prepare(Call("GET", warmup_path))
        work: Iterator[tuple[Call, Any]] = iter(list(zip(calls, prepared, strict=True)))
        per_worker: list[tuple[list[float], Counter[int], list[str]]] = [([], Counter(), []) for _ in senders]
        start = threading.Barrier(concurrency + 1)
        deadline = [math.inf]
        stop = threading.Event()

        def worker(index: int) -> None:
            sender = senders[index]
            latencies, statuses, samples = per_worker[index]
            for _ in range(2):  # open the keep-alive connection before the clock starts
                try:
                    sender.send(warmup)
                except SendFailed:
                    break
            try:
                start.wait(timeout=timeout * 3)
            except threading.BrokenBarrierError:
                return
            clock = time.perf_counter
            while not stop.is_set():
                try:
                    call, request = next(work)  # a list iterator: next() is atomic under the GIL
                except StopIteration:
                    return
                began = clock()
                try:
                    status, body = sender.send(request)
                except SendFailed as exc:
                    status, body = 0, b""
                    if len(samples) < MAX_ERROR_SAMPLES:
                        samples.append(f"{call.method} {call.path} -> {exc}")
                latencies.append((clock() - began) * 1000.0)
                statuses[status] += 1
                if status and not 200 <= status < 300 and len(samples) < MAX_ERROR_SAMPLES:
                    sent = call.body.decode("utf-8", "replace")[:300] if call.body else ""
                    answer = body.decode("utf-8", "replace")[:300]
                    samples.append(f"{call.method} {call.path} {sent} -> {status} {answer}".replace("  ", " "))
                if clock() > deadline[0]:
                    stop.set()

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
        for thread in threads:
            thread.start()
        pids = [server_pid] if isinstance(server_pid, int) else list(server_pid or ())
        cpu_server = _cpu(pids)
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
        if cpu_server is not None and result.requests:
            after = _cpu(pids)
            if after is not None:
                result.server_cpu_ms_per_req = (after - cpu_server) * 1000.0 / result.requests
        return result
    finally:
        for sender in senders:
            sender.close()
