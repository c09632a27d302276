"""Filling a node to N facts before the rows run, within a time budget.

Preloaded fact ``i`` has entity ``entity_uri(i // 10)`` (so an entity query finds about ten facts), its own
relation ``ex:bench_<i>`` (so no two facts contradict each other and every fact stays visible to a default query),
a string value and a fixed source. ``POST /v1/facts:batch`` (50 facts, ``atomic: true``) is used when the node
offers it (a first batch that answers 404 or 405 means it does not); otherwise single ``POST /v1/facts`` from
several workers. Any other non-2xx answer stops the preload with the exact request and answer.

A ``Preload`` remembers how far it got and the ids the node returned, so a node can be topped up from 10k to 100k,
and the rate it measured, so the caller can decide whether the next level fits its budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.bench.load import FACTS_PER_ENTITY, _json, entity_uri, fact_body, new_client
from conformance.errors import ConformanceError

__all__ = ["BATCH_SIZE", "Preload", "PreloadFailed", "preload_fact"]

BATCH_SIZE = 50
PRELOAD_SOURCE = "stigmem://bench.example/agent/preload"


class PreloadFailed(ConformanceError):
    """The node refused a preload request or stopped answering."""


def preload_fact(index: int) -> dict[str, Any]:
    return fact_body(entity_uri(index // FACTS_PER_ENTITY), f"ex:bench_{index}", f"v{index}", PRELOAD_SOURCE)


@dataclass
class Preload:
    """The preload state of one node."""

    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    workers: int = 4
    timeout: float = 30.0
    loaded: int = 0
    ids: list[str] = field(default_factory=list)
    batch: bool | None = None  # None until the first request tells
    seconds: float = 0.0  # time spent preloading, all levels
    _done: dict[int, list[str]] = field(default_factory=dict, init=False, repr=False)  # first index -> ids

    @property
    def method(self) -> str:
        return {None: "unknown", True: f"POST /v1/facts:batch ({BATCH_SIZE}/request)",
                False: "single POST /v1/facts"}[self.batch]

    @property
    def rate(self) -> float:
        """Facts per second measured so far (0 before anything was loaded)."""
        return self.loaded / self.seconds if self.seconds > 0 else 0.0

    @property
    def entities(self) -> int:
        """How many preloaded entities have all their ten facts."""
        return self.loaded // FACTS_PER_ENTITY

    def estimate(self, n: int) -> float | None:
        """Seconds needed to reach n facts at the rate measured so far (None when there is no rate yet)."""
        if self.loaded >= n:
            return 0.0
        return (n - self.loaded) / self.rate if self.rate > 0 else None

    def fill(self, n: int, budget: float) -> bool:
        """Load facts ``loaded .. n-1``; stop after ``budget`` seconds. True when n facts are loaded."""
        if self.loaded >= n:
            return True
        began = time.monotonic()
        deadline = began + budget
        try:
            if self.batch is None:
                self._probe_batch(n)
            if self.loaded < n:
                self._run_workers(n, deadline)
        finally:
            self.seconds += time.monotonic() - began
        return self.loaded >= n

    # --- internals -------------------------------------------------------------------------------------------

    def _probe_batch(self, n: int) -> None:
        with new_client(self.base_url, self.headers, self.timeout) as client:
            first = list(range(self.loaded, min(n, self.loaded + BATCH_SIZE)))
            body = _json({"facts": [preload_fact(i) for i in first], "atomic": True})
            response = self._send(client, "POST", "/v1/facts:batch", body)
            if response.status_code in (404, 405):
                self.batch = False
                return
            self._check(response, "POST", "/v1/facts:batch", body)
            self.batch = True
            self._record(first, response, batch=True)
            self._advance()

    def _send(self, client: httpx.Client, method: str, path: str, body: bytes) -> httpx.Response:
        try:
            return client.request(method, path, content=body, headers={"content-type": "application/json"})
        except httpx.HTTPError as exc:
            raise PreloadFailed(f"{method} {path}: {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _check(response: httpx.Response, method: str, path: str, body: bytes) -> None:
        if not 200 <= response.status_code < 300:
            raise PreloadFailed(f"{method} {path} {body[:400].decode('utf-8', 'replace')} -> "
                                f"{response.status_code} {response.text[:400]}")

    def _record(self, indexes: list[int], response: httpx.Response, *, batch: bool) -> None:
        try:
            payload = response.json()
            records = payload["facts"] if batch else [payload]
            ids = [str(record["id"]) for record in records]
        except (ValueError, KeyError, TypeError) as exc:
            raise PreloadFailed(f"unexpected answer to a preload request: {response.text[:300]}") from exc
        if len(ids) != len(indexes):
            raise PreloadFailed(f"sent {len(indexes)} facts, the node answered {len(ids)} records")
        self._done[indexes[0]] = ids

    def _run_workers(self, n: int, deadline: float) -> None:
        step = BATCH_SIZE if self.batch else 1
        path = "/v1/facts:batch" if self.batch else "/v1/facts"
        chunks = iter([list(range(start, min(n, start + step))) for start in range(self.loaded, n, step)])
        failures: list[BaseException] = []
        lock = threading.Lock()
        workers = self.workers if self.batch else max(self.workers, 8)

        def work() -> None:
            with new_client(self.base_url, self.headers, self.timeout) as client:
                while time.monotonic() < deadline and not failures:
                    with lock:
                        chunk = next(chunks, None)
                    if chunk is None:
                        return
                    if self.batch:
                        body = _json({"facts": [preload_fact(i) for i in chunk], "atomic": True})
                    else:
                        body = _json(preload_fact(chunk[0]))
                    try:
                        response = self._send(client, "POST", path, body)
                        self._check(response, "POST", path, body)
                        self._record(chunk, response, batch=bool(self.batch))
                    except PreloadFailed as exc:
                        failures.append(exc)
                        return

        threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic()) + self.timeout + 5)
        self._advance()
        if failures:
            raise PreloadFailed(str(failures[0]))

    def _advance(self) -> None:
        """Move ``loaded`` over the contiguous prefix of finished chunks (a gap is re-sent next time)."""
        done = self._done
        while self.loaded in done:
            ids = done.pop(self.loaded)
            self.ids.extend(ids)
            self.loaded += len(ids)
        # Chunks past a gap were written but are forgotten: re-sending them is a CID dedup (200), not a new fact.
        done.clear()
