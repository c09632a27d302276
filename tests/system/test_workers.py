"""``serve --workers 2``: trust state shared across worker processes, on SQLite and on a real Redis (docs/workers.md).

The node runs as the suite runs it (``python -m reference_node.cli``, port 0), with two workers; each response
names its worker (``stigmem-worker``), so every test also shows that both workers answered. Every request opens
its own connection, so the kernel spreads them. Shown, for each trust-cache backend (STG-WORK-001..007):
- one peer token sent on 32 connections at once is accepted exactly once, round after round;
- asserts through both workers get unique HLCs, and commit order (the ``seq`` of the rows) is HLC order;
- a pull walk with cursors while both workers commit loses and repeats nothing.
The Redis server is started here on a free loopback port and stopped by its PID; without ``redis-server`` (or the
``redis`` package) the Redis runs skip and say why. Counts and time are bounded everywhere.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import itertools
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer
from conformance.harness.embedded_node import EmbeddedNode
from conformance.harness.http_target import HttpTarget
from conformance.harness.redis_server import redis_server

CONNECTIONS = 32
ROUNDS = 5
ASSERTS_EACH = 10
TIMEOUT_S = 10.0
NODE_FLAGS = ("--federation", "--node-authority", "workers.test", "--pull-interval", "3600", "--workers", "2")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as (url, note):
        if url is None:
            pytest.skip(f"{note}: the Redis backend is not run")
        yield url


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def node(request: pytest.FixtureRequest) -> Iterator[EmbeddedNode]:
    flags = NODE_FLAGS
    if request.param == "redis":
        flags += ("--trust-cache", request.getfixturevalue("redis_url"))
    started = EmbeddedNode(extra_args=flags, start_timeout=60.0).start()
    workers = _children(started.pid or 0)
    try:
        yield started
    finally:
        started.stop()
        deadline = time.monotonic() + 5.0  # multiprocessing's resource tracker leaves when its pipe closes
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in workers if _alive(pid)]
        assert not left, f"workers {left} outlived the node"


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def _send(url: str, method: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, str, Any]:
    """One request on its own connection: status, the answering worker, the JSON body."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S)
    try:
        data = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data, headers={**headers, "Connection": "close",
                                                       **({"Content-Type": "application/json"} if data else {})})
        response = conn.getresponse()
        raw = response.read()
        return response.status, response.getheader("stigmem-worker") or "?", json.loads(raw) if raw else None
    finally:
        conn.close()


def _together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs on threads released at once; their results in order (bounded by the join timeout)."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait(TIMEOUT_S)
        results[i] = jobs[i]()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S * (4 * ASSERTS_EACH + 2))
    assert all(not t.is_alive() for t in threads), "a request thread did not finish in time"
    return results


@contextlib.contextmanager
def _peer(node: EmbeddedNode) -> Iterator[tuple[ScriptedPeer, Federator]]:
    fed = Federator("node", HttpTarget(node.url, {"admin": node.admin_key}))
    fed.refresh()
    peer = ScriptedPeer.create(f"peer-{os.getpid()}-{time.monotonic_ns()}.test", ["public"]).start()
    try:
        peer.trust(fed.node_id, fed.pubkey_b64)
        assert fed.admit(peer.declaration()) == "active"
        yield peer, fed
    finally:
        peer.stop()


def _asserts(node: EmbeddedNode, tag: str, count: int = ASSERTS_EACH) -> Callable[[], list[tuple[int, str, Any]]]:
    auth = {"Authorization": f"Bearer {node.admin_key}"}

    def job() -> list[tuple[int, str, Any]]:
        return [_send(node.url, "POST", "/v1/facts", auth, {
            "entity": f"stigmem://workers.test/e/{tag}-{i}", "relation": "memory:role",
            "value": {"type": "string", "v": f"v{i}"}, "source": "stigmem://workers.test/agent/t",
            "scope": "public", "confidence": 1.0}) for i in range(count)]

    return job


def test_one_token_on_both_workers_is_accepted_once(node: EmbeddedNode) -> None:
    """STG-WORK-001: round after round, exactly one 200 among 32 parallel presentations of one token."""
    answered: set[str] = set()
    with _peer(node) as (peer, fed):
        for _ in range(ROUNDS):
            token = peer.token("fresh", fed.node_id).token
            path = "/v1/federation/facts?limit=1"
            job = functools.partial(_send, node.url, "GET", path, {"Authorization": f"Bearer {token}"})
            results = _together([job] * CONNECTIONS)
            statuses = sorted(status for status, _, _ in results)
            answered |= {worker for _, worker, _ in results}
            assert statuses.count(200) == 1, f"one token accepted {statuses.count(200)} times: {statuses}"
            assert set(statuses) == {200, 401}, statuses
    assert answered == {"0", "1"}, f"only workers {answered} answered"


def test_writes_through_both_workers_get_unique_rising_hlcs(node: EmbeddedNode) -> None:
    """STG-WORK-003: unique HLCs, and the stored rows in commit order carry strictly increasing HLCs."""
    # 640 writes: a per-process HLC shows up only when both workers write within one millisecond.
    results = _together([_asserts(node, f"h{n}", 4 * ASSERTS_EACH) for n in range(CONNECTIONS // 2)])
    answers = [a for batch in results for a in batch]
    assert all(status == 201 for status, _, _ in answers), {status for status, _, _ in answers}
    assert {worker for _, worker, _ in answers} == {"0", "1"}
    hlcs = [body["hlc"] for _, _, body in answers]
    assert len(set(hlcs)) == len(hlcs), f"{len(hlcs) - len(set(hlcs))} HLCs handed out twice"
    with contextlib.closing(sqlite3.connect(f"file:{node.db}?mode=ro", uri=True)) as conn:
        stored = [row[0] for row in conn.execute("SELECT local_hlc FROM facts ORDER BY seq")]
    falls = [(a, b) for a, b in itertools.pairwise(stored) if not a < b]
    assert not falls, f"commit order is not HLC order: {falls[:3]}"


def test_pull_walk_across_workers_loses_and_repeats_nothing(node: EmbeddedNode) -> None:
    """STG-WORK-004: a cursor walk (each page on a new connection) during parallel writes sees each fact once."""
    with _peer(node) as (peer, fed):
        done = threading.Event()
        served: list[str] = []
        walkers: set[str] = set()
        errors: list[Any] = []

        def walk() -> None:
            cursor = None
            for _ in range(2000):
                finished = done.is_set()
                query = urlencode({"limit": "7", **({"cursor": cursor} if cursor else {})})
                token = peer.token("fresh", fed.node_id).token
                status, worker, body = _send(node.url, "GET", f"/v1/federation/facts?{query}",
                                             {"Authorization": f"Bearer {token}"})
                if status != 200:
                    errors.append((status, body))
                    return
                walkers.add(worker)
                served.extend(f["id"] for f in body["facts"])
                cursor = body.get("cursor") or cursor
                if finished and not body.get("has_more"):
                    return
            errors.append("walk did not end")

        walker = threading.Thread(target=walk, daemon=True)
        walker.start()
        results = _together([_asserts(node, f"w{n}") for n in range(CONNECTIONS // 2)])
        done.set()
        walker.join(120)
    assert not errors and not walker.is_alive(), errors[:1]
    written = {body["id"] for batch in results for _, _, body in batch}
    mine = [i for i in served if i in written]
    assert len(mine) == len(set(mine)), f"{len(mine) - len(set(mine))} facts served twice"
    lost = written - set(mine)
    assert not lost, f"{len(lost)} of {len(written)} facts never served"
    assert walkers == {"0", "1"}, f"only workers {walkers} served the walk"
