"""Crash safety and sustained load of the reference node, black box (slow lane; ``nox -s crash``).

``test_acknowledged_facts_keep_cid`` (STG-CID-010, the catalogue's ``crash:acknowledged_facts_keep_cid``): eight
writer threads assert facts, half of them contradicting pairs, while the node is SIGKILLed at random moments (by its
PID) at least 20 times and restarted on the same database and port. Afterwards every acknowledged fact (a 201
received) must be readable with the same id and CID, verify-cid must say valid, its CID must resolve through the
alias index, no fact may lack a CID, and every conflict must have both facts and its between/status facts.

``test_sustained_mixed_load_memory_is_bounded``: a bounded mixed load (asserts, contradictions, queries, reads,
verify-cid, conflict listings) from four threads, with the node's resident set size sampled from
``/proc/<pid>/status``: no error responses, and RSS growth after warm-up stays under ``RSS_GROWTH_BOUND``.

Every loop is bounded in count and time; only 127.0.0.1 is contacted; nothing here asserts on timing.
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.oracle import cid as cid_oracle

pytestmark = pytest.mark.slow

LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:(\d+))")
KILLS = 24
WRITERS = 8
SOURCE = "stigmem://crash.test/agent/writer"
RSS_GROWTH_BOUND = 32 * 1024 * 1024  # bytes of growth allowed between warm-up and the end of the soak


class Node:
    """The reference node as a subprocess on a fixed database; restartable on the same port; stopped by PID."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.port = 0
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self.starts = 0

    def start(self, timeout: float = 30.0) -> None:
        cmd = [sys.executable, "-m", "reference_node.cli", "--host", "127.0.0.1", "--port", str(self.port),
               "--db", str(self.db), "--auth", "required"]
        deadline = time.monotonic() + timeout
        while True:  # the port of a killed node may need a moment to be free again: bounded retries
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
            lines: queue.Queue[str | None] = queue.Queue()
            proc = self.proc

            def pump(proc: subprocess.Popen[str] = proc, lines: queue.Queue[str | None] = lines) -> None:
                assert proc.stdout is not None
                for line in proc.stdout:
                    lines.put(line)
                lines.put(None)

            threading.Thread(target=pump, daemon=True).start()
            seen: list[str] = []
            while time.monotonic() < deadline:
                try:
                    line = lines.get(timeout=max(0.05, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if line is None:
                    break
                seen.append(line.strip())
                match = LISTENING.search(line)
                if match:
                    self.url, self.port = match.group(1), int(match.group(2))
                    self.starts += 1
                    return
            self.proc.wait(timeout=10)
            if time.monotonic() >= deadline:
                raise RuntimeError(f"node did not start: {seen[-5:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL, by PID: no shutdown hook runs, exactly like a crash."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss(self) -> int:
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        assert match, status
        return int(match.group(1)) * 1024


def bootstrap(db: Path) -> str:
    out = subprocess.run([sys.executable, "-m", "reference_node.cli", "keys", "bootstrap", "--db", str(db)],
                         capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[tuple[Node, str]]:
    n = Node(tmp_path / "node.db")
    n.start()
    try:
        yield n, bootstrap(n.db)
    finally:
        n.stop()


@dataclass
class Ledger:
    """What the writers were told: 201 answers only."""

    acknowledged: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # id -> (cid, body)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (first, second) of contradicting writes
    attempts: int = 0
    transport_errors: int = 0
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(n: int, node: Node, key: str, ledger: Ledger, stop: threading.Event, max_requests: int) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    rng = random.Random(n)
    with httpx.Client(timeout=5, headers=headers) as client:
        for i in range(max_requests):
            if stop.is_set():
                return
            entity = f"stigmem://crash.test/user/w{n}-{i}"
            first: str | None = None
            for value in ("A", "B") if i % 2 else ("A",):
                body = {"entity": entity, "relation": "memory:role", "value": {"type": "string", "v": value},
                        "source": SOURCE, "confidence": rng.choice([0.5, 0.9, 1.0]), "scope": "company"}
                with ledger.lock:
                    ledger.attempts += 1
                try:
                    answer = client.post(f"{node.url}/v1/facts", json=body)
                except httpx.HTTPError:
                    with ledger.lock:
                        ledger.transport_errors += 1
                    time.sleep(0.05)
                    break  # the node is down; this entity is abandoned (its second write never happens)
                if answer.status_code != 201:
                    with ledger.lock:
                        ledger.unexpected.append(f"{answer.status_code} {answer.text[:200]}")
                    break
                record = answer.json()
                with ledger.lock:
                    ledger.acknowledged[record["id"]] = (record["cid"], body)
                    if first is not None:
                        ledger.pairs.append((first, record["id"]))
                first = record["id"]


def walk(client: httpx.Client, path: str, field_name: str, params: dict[str, str], pages: int = 400) -> list[Any]:
    items: list[Any] = []
    cursor = None
    for _ in range(pages):
        body = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})}).json()
        items.extend(body[field_name])
        cursor = body.get("cursor")
        if not cursor:
            return items
    raise AssertionError(f"{path} did not end within {pages} pages")


def test_acknowledged_facts_keep_cid(node: tuple[Node, str]) -> None:
    n, key = node
    ledger, stop = Ledger(), threading.Event()
    threads = [threading.Thread(target=writer, args=(i, n, key, ledger, stop, 5000), daemon=True)
               for i in range(WRITERS)]
    for t in threads:
        t.start()
    rng = random.Random(20260502)
    kills = 0
    deadline = time.monotonic() + 240
    try:
        while kills < KILLS and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.1, 0.8))
            n.kill()
            kills += 1
            time.sleep(rng.uniform(0.0, 0.3))
            n.start()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert kills >= 20, f"only {kills} kills within the time bound"
    assert not ledger.unexpected, ledger.unexpected[:5]
    assert len(ledger.acknowledged) > 100, f"too few acknowledged writes to mean anything: {len(ledger.acknowledged)}"

    with httpx.Client(base_url=n.url, timeout=30, headers={"Authorization": f"Bearer {key}"}) as client:
        lost, wrong = [], []
        for fact_id, (cid, body) in ledger.acknowledged.items():
            got = client.get(f"/v1/facts/{fact_id}")
            if got.status_code != 200:
                lost.append(fact_id)
                continue
            record = got.json()
            if record["cid"] != cid or cid_oracle.cid({k: record[k] for k in cid_oracle.BODY_FIELDS}) != cid or any(
                    record[k] != body[k] for k in ("entity", "relation", "value", "source", "scope", "confidence")):
                wrong.append(record)
                continue
            verdict = client.post(f"/v1/facts/{fact_id}/verify-cid").json()
            by_cid = client.get(f"/v1/facts/{cid}")
            if verdict.get("cid_valid") is not True or by_cid.status_code != 200 or by_cid.json()["id"] != fact_id:
                wrong.append({"id": fact_id, "verify": verdict, "by_cid": by_cid.status_code})
        assert not lost, f"{len(lost)} acknowledged facts lost after {kills} kills, e.g. {lost[:3]}"
        assert not wrong, f"{len(wrong)} acknowledged facts changed, e.g. {wrong[:2]}"

        backfill = client.get("/v1/admin/cid-backfill/status").json()
        assert backfill["pending_facts"] == 0 and backfill["backfill_complete"] is True, backfill

        conflicts = walk(client, "/v1/conflicts", "conflicts", {"limit": "500"})
        by_pair = {}
        for c in conflicts:
            assert c["fact_a"] and c["fact_b"], f"conflict lost a fact: {c}"
            by_pair[(c["fact_a"]["id"], c["fact_b"]["id"])] = c["conflict_id"]
        for first, second in ledger.pairs:
            assert (first, second) in by_pair, f"acknowledged contradicting pair {first}, {second} has no conflict"
        for conflict_id in list(by_pair.values())[:400]:
            meta = client.get("/v1/facts", params={"entity": conflict_id, "include_contradicted": "true"}).json()
            relations = sorted(f["relation"] for f in meta["facts"])
            assert relations == ["stigmem:conflict:between", "stigmem:conflict:status"], (conflict_id, relations)
    print(f"\ncrash: {kills} kills, {n.starts} starts, {ledger.attempts} attempts, {len(ledger.acknowledged)} "
          f"acknowledged, {len(ledger.pairs)} contradicting pairs, {ledger.transport_errors} transport errors, "
          f"0 lost")


def test_sustained_mixed_load_memory_is_bounded(node: tuple[Node, str]) -> None:
    n, key = node
    headers = {"Authorization": f"Bearer {key}"}
    errors: list[str] = []
    counts = {"requests": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def load(w: int) -> None:
        rng = random.Random(w)
        with httpx.Client(base_url=n.url, timeout=30, headers=headers) as client:
            for i in range(20_000):
                if stop.is_set():
                    return
                entity = f"stigmem://soak.test/user/w{w}-{i % 300}"
                op = rng.random()
                if op < 0.45:
                    body = {"entity": entity, "relation": f"memory:r{i % 7}",
                            "value": {"type": "string", "v": rng.choice(["A", "B", "C"]) + str(i)},
                            "source": SOURCE, "scope": rng.choice(["local", "company"])}
                    answer, ok = client.post("/v1/facts", json=body), (200, 201)
                elif op < 0.75:
                    answer, ok = client.get("/v1/facts", params={"entity": entity, "limit": str(rng.choice([5, 50])),
                                                                  "include_contradicted": "true"}), (200,)
                elif op < 0.9:
                    answer, ok = client.get("/v1/conflicts", params={"limit": "20"}), (200,)
                else:
                    answer, ok = client.get("/healthz"), (200,)
                with lock:
                    counts["requests"] += 1
                    if answer.status_code not in ok:
                        errors.append(f"{answer.request.method} {answer.request.url} -> {answer.status_code} "
                                      f"{answer.text[:200]}")

    threads = [threading.Thread(target=load, args=(w,), daemon=True) for w in range(4)]
    for t in threads:
        t.start()
    samples: list[tuple[float, int]] = []
    started = time.monotonic()
    try:
        while time.monotonic() - started < 60 and any(t.is_alive() for t in threads):
            samples.append((time.monotonic() - started, n.rss()))
            time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors[:5]
    warm = sorted(rss for at, rss in samples if 10 <= at < 15)
    end = sorted(rss for _, rss in samples[-10:])
    assert warm and end, samples
    growth = end[len(end) // 2] - warm[len(warm) // 2]
    peak = max(rss for _, rss in samples)
    print(f"\nsoak: {counts['requests']} requests, RSS after warm-up {warm[len(warm) // 2] / 2**20:.1f} MiB, at the "
          f"end {end[len(end) // 2] / 2**20:.1f} MiB, growth {growth / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB "
          f"(bound {RSS_GROWTH_BOUND / 2**20:.0f} MiB)")
    assert growth < RSS_GROWTH_BOUND, f"RSS grew {growth / 2**20:.1f} MiB under a steady load"
