"""An over-quota burst spread across two workers, on SQLite and on a real Redis (STG-WORK-010, STG-WORK-013/014).

The node runs as the suite runs it, with ``--workers 2`` (and ``--trust-cache redis://`` for Redis). One principal
gets a QuotaPolicy of capacity C and rate r on ``fact_read``; a burst of requests on separate connections (so both
workers answer) empties its bucket, a pause refills about 1.5 tokens, and a second burst takes what refilled. The
test's own reading of A20 §22.4.1 (not the node's code): a fresh bucket holds C tokens at the first charge t0,
earns r per second, and a request is accepted while one whole token is there; so when the last request of the
second burst is refused, the accepted count is exactly ``C + floor(r * (t_last - t0))``. The test brackets
t0 and t_last with its own clock readings and needs both ends of the bracket to give the same count. Refusals are
429 with exactly A20's four members, ``Retry-After`` the ceiling of ``retry_after``, and one ``quota_breach`` audit
event each, alike on both backends. The Redis server is started here on a free loopback port and stopped by its
PID; without ``redis-server`` (or the ``redis`` package) the Redis run skips and says why.
"""

from __future__ import annotations

import http.client
import json
import math
import socket
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from conformance.harness.embedded_node import EmbeddedNode
from conformance.harness.redis_server import redis_server

CAPACITY = 12
RATE = Fraction(1, 4)  # tokens per second
FIRST_BURST = 40
SECOND_BURST = 20
PAUSE_S = 6.0  # r * 6 s = 1.5 tokens: the count is the same anywhere in [4 s, 8 s)
TIMEOUT_S = 10.0
PRINCIPAL = "stigmem://quota-workers.test/agent/burst"
FLAGS = ("--workers", "2", "--node-authority", "quota-workers.test")


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
    flags = FLAGS
    if request.param == "redis":
        flags += ("--trust-cache", request.getfixturevalue("redis_url"))
    with EmbeddedNode(extra_args=flags, start_timeout=60.0) as started:
        yield started


def _send(url: str, method: str, path: str, key: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
    """One request on its own connection: status, headers (lower-case names), JSON body."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S)
    try:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {key}", "Connection": "close"}
        if data:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(raw) if raw else None
    finally:
        conn.close()


def _burst(url: str, key: str, count: int) -> tuple[list[tuple[int, dict[str, str], Any]], float, float, float]:
    """``count`` requests released at once: the answers, the first send, the first answer, the last answer."""
    barrier = threading.Barrier(count)
    answers: list[Any] = [None] * count
    began: list[float] = [math.inf] * count
    ended: list[float] = [math.inf] * count
    path = "/v1/facts?entity=" + quote("stigmem://quota-workers.test/e/nothing", safe="")

    def run(i: int) -> None:
        barrier.wait(TIMEOUT_S)
        began[i] = time.monotonic()
        answers[i] = _send(url, "GET", path, key)
        ended[i] = time.monotonic()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S * 3)
    assert all(not t.is_alive() for t in threads), "a request thread did not finish in time"
    return answers, min(began), min(ended), max(ended)


def _expected(elapsed_s: float) -> int:
    """A20 §22.4.1 read independently: C tokens at t0, r more per second, one per accepted request."""
    return CAPACITY + math.floor(Fraction(elapsed_s) * RATE)


def _breaches(node: EmbeddedNode) -> int:
    found, cursor = 0, None
    for _ in range(50):
        query = "event_type=quota_breach&limit=500" + (f"&cursor={quote(cursor)}" if cursor else "")
        status, _, body = _send(node.url, "GET", f"/v1/admin/audit-log?{query}", node.admin_key)
        assert status == 200, body
        found += sum(1 for e in body["events"] if e["metadata"].get("principal") == PRINCIPAL)
        cursor = body.get("next_cursor")
        if not body.get("has_more"):
            return found
    raise AssertionError("the audit export did not end")


def test_burst_across_two_workers_is_refused_as_on_one(node: EmbeddedNode) -> None:
    """STG-WORK-013, STG-WORK-014, STG-QUOTA-012: accepted = C + floor(r * elapsed); exact 429s; one event each."""
    status, _, created = _send(node.url, "POST", "/v1/auth/keys", node.admin_key,
                               {"entity_uri": PRINCIPAL, "permissions": ["read"]})
    assert status == 201, created
    policy = {"principal": PRINCIPAL, "limits": {"fact_read": {"capacity": CAPACITY, "rate": float(RATE)}}}
    status, _, body = _send(node.url, "PUT", "/v1/admin/quota-policy", node.admin_key, policy)
    assert status == 200, body
    first, start1, first_answer, end1 = _burst(node.url, created["key"], FIRST_BURST)
    time.sleep(max(0.0, start1 + PAUSE_S - time.monotonic()))
    second, start2, _, end2 = _burst(node.url, created["key"], SECOND_BURST)

    answers = first + second
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {200, 429}, statuses
    assert {h.get("stigmem-worker") for _, h, _ in answers} == {"0", "1"}, "both workers must answer"
    # t0 (first charge) lies in [start1, first_answer]; t_last (last charge) in [start2, end2].
    low, high = _expected(start2 - first_answer), _expected(end2 - start1)
    assert low == high, f"the bracket [{start2 - first_answer:.2f}, {end2 - start1:.2f}] s is too wide to decide"
    assert statuses.count(200) == low, f"accepted {statuses.count(200)}, expected {low}"
    assert 429 in [s for s, _, _ in second], "the second burst must end in refusals (the bucket is empty again)"

    refused = [(h, b) for s, h, b in answers if s == 429]
    for headers, body in refused:
        assert set(body) == {"error", "dimension", "principal", "retry_after"}, body
        assert (body["error"], body["dimension"], body["principal"]) == ("quota_exceeded", "fact_read", PRINCIPAL)
        # retry_after = (1 - current) / r with 0 <= current < 1: within (0, 1/r]; the header is its ceiling.
        assert 0 < body["retry_after"] <= 1 / RATE, body
        assert headers["retry-after"] == str(math.ceil(body["retry_after"])), (headers, body)
    # Right after the first burst emptied the bucket, current < r * (burst length): Retry-After is 1/r, i.e. "4".
    early = [h["retry-after"] for s, h, _ in first if s == 429]
    if end1 - start1 < 1.0:
        assert set(early) == {str(math.ceil(1 / RATE))}, early
    assert _breaches(node) == len(refused)
