"""Trust state under parallel load: what must hold however many workers a node runs (seed §22, profile hardening).

Migration guide v2.0 (§22): "STIGMEM_TRUST_CACHE_BACKEND=redis for production multi-worker". A node may serve
from several processes; the suite cannot see them, only that parallel connections behave as one node:
- one peer token presented on many connections at once is accepted at most once (STG-WORK-001, STG-TOK-006);
- asserts on many connections at once never share an HLC (STG-WORK-003, STG-HLC-012);
- a peer's cursor walk while those asserts commit loses and repeats nothing (STG-WORK-004, STG-FED-020/021).
Every request opens its own TCP connection, so a node spreading connections over workers spreads these too.
Counts and time are bounded: at most ``CONNECTIONS`` threads, each request within the run's timeout.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from conformance.checks.federation.support import page, pull, registered_peer
from conformance.checks.registry import Context, Skip, check, expect
from conformance.oracle import hlc as hlc_oracle

CONNECTIONS = 24  # parallel connections of one burst of asserts
REPLAY_ROUNDS = 20  # fresh tokens, each presented on 32 connections at once
ASSERTS_EACH = 6  # asserts per connection in the HLC and walk checks
WALK_LIMIT = 5  # pull page size of the walk: many pages, so commits land between them
MAX_WALK_PAGES = 400
TIMEOUT_S = 10.0  # one request


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def _send(base_url: str, timeout: float, method: str, path: str, headers: dict[str, str],
          body: bytes | None = None, tls: ssl.SSLContext | None = None) -> Answer:
    """One request on a connection of its own (over https verified with ``tls`` when given)."""
    parts = urlsplit(base_url)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout, context=tls)
    else:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={**headers, "Connection": "close"})
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return Answer(response.status, parsed)
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, str(exc))
    finally:
        conn.close()


def _present(base_url: str, path: str, headers: dict[str, str], tls: ssl.SSLContext | None = None) -> list[Answer]:
    return [_send(base_url, TIMEOUT_S, "GET", path, headers, tls=tls)]


def fan_out(jobs: Sequence[Callable[[], list[Answer]]], timeout: float) -> list[Answer]:
    """Run each job on its own thread, all released together; every answer, in job order."""
    start = threading.Barrier(len(jobs))
    results: list[list[Answer]] = [[] for _ in jobs]

    def run(index: int) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout)
        results[index] = jobs[index]()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout * (ASSERTS_EACH + 2))
    return [answer for answers in results for answer in answers]


def assert_job(ctx: Context, count: int) -> Callable[[], list[Answer]]:
    key = ctx.target.keys.get("admin") if ctx.auth_required else None
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    bodies = [json.dumps(ctx.fact(ctx.unique("workers"), f"v{i}", scope="public")).encode() for i in range(count)]

    def job() -> list[Answer]:
        return [_send(ctx.target.base_url, TIMEOUT_S, "POST", "/v1/facts", headers, body, ctx.target.tls)
                for body in bodies]

    return job


def written_facts(answers: Sequence[Answer]) -> list[dict[str, Any]]:
    bad = [a for a in answers if a.status not in (200, 201) or not isinstance(a.body, dict)]
    expect(not bad, f"{len(bad)} of {len(answers)} parallel asserts failed, e.g. {bad[:1]}")
    return [a.body for a in answers]


@check("http:workers_replay_accepted_once", requirements=("STG-WORK-001",),
       profile="hardening")
def replay_parallel_accepted_once(ctx: Context) -> None:
    """One peer token presented on 32 connections at once is accepted at most once, the rest 401 (20 rounds)."""
    with registered_peer(ctx) as (peer, fed):
        for _ in range(REPLAY_ROUNDS):
            token = peer.token("fresh", fed.node_id).token
            path = "/v1/federation/facts?" + urlencode({"limit": "1"})
            headers = {"Authorization": f"Bearer {token}"}
            job = functools.partial(_present, ctx.target.base_url, path, headers, peer.tls_client or ctx.target.tls)
            answers = fan_out([job] * 32, TIMEOUT_S)
            statuses = [a.status for a in answers]
            accepted = statuses.count(200)
            expect(accepted <= 1, f"one token was accepted {accepted} times on 32 parallel connections")
            expect(accepted == 1, f"the token was never accepted (statuses {sorted(set(statuses))})")
            others = sorted({s for s in statuses if s != 200})
            expect(others == [401], f"the replays answered {others}, not 401")


@check("http:workers_asserts_unique_hlc", requirements=("STG-WORK-003",), profile="hardening")
def parallel_asserts_unique_hlc(ctx: Context) -> None:
    """144 asserts on 24 connections at once get 144 distinct HLCs, and each connection's rise."""
    ctx.need_key("admin")
    jobs = [assert_job(ctx, ASSERTS_EACH) for _ in range(CONNECTIONS)]
    facts = written_facts(fan_out(jobs, TIMEOUT_S))
    hlcs = [str(f.get("hlc")) for f in facts]
    expect(len(set(hlcs)) == len(hlcs), f"{len(hlcs) - len(set(hlcs))} HLCs were handed out twice")
    for n in range(CONNECTIONS):  # one connection's asserts are sequential: their HLCs rise
        mine = hlcs[n * ASSERTS_EACH:(n + 1) * ASSERTS_EACH]
        expect(mine == sorted(mine), f"sequential asserts got falling HLCs: {mine}")


@check("http:workers_pull_walk_during_writes", requirements=("STG-WORK-004",),
       profile="hardening")
def pull_walk_during_parallel_writes(ctx: Context) -> None:
    """A peer walking the pull cursor while 24 connections assert sees every new public fact exactly once."""
    ctx.need_key("admin")
    with registered_peer(ctx) as (peer, fed):
        cursor: str | None = None
        for _ in range(MAX_WALK_PAGES):  # start from the end of what is served now
            _, next_cursor, more = page(pull(ctx, peer, fed, cursor=cursor, limit=500))
            cursor = next_cursor or cursor
            if not more:
                break
        jobs = [assert_job(ctx, ASSERTS_EACH) for _ in range(CONNECTIONS)]
        done = threading.Event()
        served: list[str] = []
        faults: list[str] = []

        def walk() -> None:
            nonlocal cursor
            for _ in range(MAX_WALK_PAGES):
                finished = done.is_set()
                query = urlencode({"limit": str(WALK_LIMIT), **({"cursor": cursor} if cursor else {})})
                token = peer.token("fresh", fed.node_id).token
                answer = _send(ctx.target.base_url, TIMEOUT_S, "GET", f"/v1/federation/facts?{query}",
                               {"Authorization": f"Bearer {token}"}, tls=peer.tls_client or ctx.target.tls)
                if answer.status != 200 or not isinstance(answer.body, dict):
                    faults.append(f"a pull page answered {answer.status}: {str(answer.body)[:200]}")
                    return
                for entry in answer.body.get("facts") or []:
                    fact = entry.get("fact", entry) if isinstance(entry, dict) else {}
                    served.append(str(fact.get("id") if isinstance(fact, dict) else None))
                cursor = answer.body.get("cursor") or cursor
                if finished and not answer.body.get("has_more"):
                    return
            faults.append(f"the walk did not end within {MAX_WALK_PAGES} pages")

        walker = threading.Thread(target=walk, daemon=True)
        walker.start()
        written = written_facts(fan_out(jobs, TIMEOUT_S))
        done.set()
        walker.join(TIMEOUT_S * MAX_WALK_PAGES)
    expect(not faults and not walker.is_alive(), f"the walk broke off: {faults[:1] or 'still running'}")
    ids = [str(f.get("id")) for f in written]
    mine = [i for i in served if i in set(ids)]
    expect(len(mine) == len(set(mine)), f"{len(mine) - len(set(mine))} facts were served twice in one walk")
    lost = sorted(set(ids) - set(mine))
    expect(not lost, f"{len(lost)} of {len(ids)} facts committed during the walk were never served, e.g. {lost[:2]}")


def _worker_of(base_url: str, tls: ssl.SSLContext | None) -> str | None:
    """The ``stigmem-worker`` header of one discovery answer on a connection of its own (None: not sent)."""
    parts = urlsplit(base_url)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S, context=tls)
    else:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S)
    try:
        conn.request("GET", "/.well-known/stigmem", headers={"Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.getheader("stigmem-worker")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


@check("http:workers_header_indexes", requirements=("STG-WORK-013",), profile="hardening")
def worker_header_indexes(ctx: Context) -> None:
    """Where a node names the answering worker (``stigmem-worker``), the indexes are 0..N-1: once parallel
    connections have reached two workers, the values seen are decimal and run from 0 without a gap."""
    seen: set[str] = set()
    results: list[str | None] = []
    lock = threading.Lock()

    def probe() -> list[Answer]:
        value = _worker_of(ctx.target.base_url, ctx.target.tls)
        with lock:
            results.append(value)
        return []

    for _ in range(3):
        fan_out([probe] * CONNECTIONS, TIMEOUT_S)
        seen |= {v for v in results if v is not None}
        if len(seen) >= 2:
            break
    if not seen:
        raise Skip("the node sends no stigmem-worker header (one worker)")
    if len(seen) < 2:
        raise Skip(f"every answer came from one worker ({sorted(seen)}): the indexes cannot be judged")
    expect(all(v.isascii() and v.isdigit() for v in seen), f"stigmem-worker values {sorted(seen)} are not indexes")
    numbers = sorted(int(v) for v in seen)
    expect(numbers == list(range(numbers[-1] + 1)),
           f"stigmem-worker values {numbers} do not run 0..N-1 (a worker index from 0)")


@check("http:workers_status_hlc_node_wide", requirements=("STG-WORK-013",), profile="hardening")
def status_hlc_node_wide(ctx: Context) -> None:
    """After asserts on 24 connections at once, every admin status (20, each on a connection of its own, so each
    worker answers some) shows an hlc at least the highest HLC those asserts got, whichever worker wrote it."""
    ctx.need_key("admin")
    facts = written_facts(fan_out([assert_job(ctx, 2) for _ in range(CONNECTIONS)], TIMEOUT_S))
    highest = max(hlc_oracle.parse(str(f.get("hlc"))) for f in facts)
    key = ctx.target.keys.get("admin") if ctx.auth_required else None
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answers = fan_out([functools.partial(_present, ctx.target.base_url, "/v1/admin/status", headers,
                                         ctx.target.tls)] * 20, TIMEOUT_S)
    expect(all(a.status == 200 and isinstance(a.body, dict) for a in answers),
           f"admin status answered {sorted({a.status for a in answers})}")
    if not any("hlc" in a.body for a in answers):
        raise Skip("the admin status shows no hlc")
    behind = [a.body.get("hlc") for a in answers if hlc_oracle.parse(str(a.body.get("hlc"))) < highest]
    expect(not behind, f"{len(behind)} of 20 admin statuses show an hlc below the highest one handed out: {behind[:2]}")


@check("http:workers_replay_after_pause_refused", requirements=("STG-WORK-006", "STG-WORK-001"), profile="hardening")
def replay_after_pause_refused(ctx: Context) -> None:
    """A peer token accepted once is still refused 1.5 s later, and again 3 s later, on fresh connections: the
    nonce is kept for its whole retention, not for a fraction of it (both sides of a seconds-as-milliseconds slip)."""
    with registered_peer(ctx) as (peer, fed):
        token = peer.token("fresh", fed.node_id).token
        path = "/v1/federation/facts?" + urlencode({"limit": "1"})
        headers = {"Authorization": f"Bearer {token}"}
        tls = peer.tls_client or ctx.target.tls
        first = _send(ctx.target.base_url, TIMEOUT_S, "GET", path, headers, tls=tls)
        expect(first.status == 200, f"a fresh token answered {first.status}")
        for pause in (1.5, 1.5):
            time.sleep(pause)
            again = _send(ctx.target.base_url, TIMEOUT_S, "GET", path, headers, tls=tls)
            expect(again.status == 401, f"the token replayed after a pause answered {again.status}, not 401")
