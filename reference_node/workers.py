"""``serve --workers N``: N worker processes on one listening socket and one database (STG-WORK-002).

The parent binds the socket (cli.py), checks that the node can start (migrations, federation key, trust cache),
then spawns N workers that each open their own SQLite connection to the same WAL file and serve the inherited
socket; the kernel spreads connections over them. What must be shared is: every table (one database), the HLC
(re-read from the stored high-water mark inside each write transaction when another process committed,
storage/store.py), the nonce cache (the database or Redis, storage/trust_cache.py) and pull cursors (a page is
ingested only if the cursor it was fetched with is still stored, storage/federation.py). The pull loop runs in
worker 0 only. Each response names its worker in ``stigmem-worker`` (the index, 0..N-1), so a client can see the
load spread. The parent prints ``listening on`` once every worker serves, forwards SIGTERM/SIGINT to its workers
by PID and exits 0; a worker that dies stops the rest and the parent exits 1; workers leave when the parent dies.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any

from reference_node.settings import Settings

__all__ = ["WORKER_HEADER", "check_start", "serve_workers"]

WORKER_HEADER = b"stigmem-worker"
READY_TIMEOUT_S = 60.0  # every worker serves within this, or the node gives up
STOP_TIMEOUT_S = 10.0  # a worker still running this long after SIGTERM is killed (by its PID)


def check_start(settings: Settings) -> None:
    """Open the node once in the parent: migrations run once, and a bad key or trust cache fails the start."""
    from reference_node.api import create_app

    app = create_app(settings)
    if app.state.federation is not None:
        app.state.federation.store.nonces.close()
    app.state.quotas.buckets.close()
    app.state.store.close()


def _with_worker_header(app: Any, index: int) -> Callable[..., Any]:
    value = str(index).encode()

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def named(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), (WORKER_HEADER, value)]}
            await send(message)

        await app(scope, receive, named)

    return wrapped


def _worker(index: int, settings: Settings, server_options: dict[str, Any], sock: socket.socket,
            ready: Any, parent: int) -> None:
    """One worker: its own app (and database connection), serving the inherited socket."""
    import uvicorn

    from reference_node import tls_contexts
    from reference_node.api import create_app
    from reference_node.api.http_protocol import ConnectionLimits, JsonErrorProtocol
    from reference_node.api.server import BoundedServer

    node_log = logging.getLogger("reference_node")
    node_log.addHandler(logging.StreamHandler(sys.stderr))
    node_log.setLevel(getattr(logging, str(server_options["log_level"]).upper()))
    mine = dataclasses.replace(settings, pull_loop=index == 0)
    limits = ConnectionLimits(mine.header_timeout_s, mine.body_timeout_s, mine.max_connections or 4096,
                              mine.max_header_bytes)
    # STG-TLS-001: each worker serves the node's TLS context (an SSLContext does not cross processes: built here).
    tls_context = tls_contexts.server_context(mine) if mine.mtls else None
    config = uvicorn.Config(_with_worker_header(create_app(mine), index), lifespan="on",
                            http=JsonErrorProtocol.limited(limits), timeout_keep_alive=mine.keep_alive_timeout_s,
                            ssl_context_factory=(lambda *_: tls_context) if tls_context else None, **server_options)

    class Server(BoundedServer):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                ready.put(index)

    server = Server(config, mine.header_timeout_s)

    def orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        server.should_exit = True  # the parent died without stopping us

    threading.Thread(target=orphaned, daemon=True).start()
    server.run(sockets=[sock])


def _stop(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGKILL)
            process.join(STOP_TIMEOUT_S)


def serve_workers(settings: Settings, sock: socket.socket, server_options: dict[str, Any], listening: str) -> int:
    """Run ``settings.workers`` workers until SIGTERM/SIGINT (exit 0) or a worker's death (exit 1)."""
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    stopping = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    processes: list[BaseProcess] = []
    try:
        for index in range(settings.workers):
            process = context.Process(target=_worker, name=f"stigmem-worker-{index}", daemon=False,
                                      args=(index, settings, server_options, sock, ready, os.getpid()))
            process.start()
            processes.append(process)
        sock.close()  # the workers hold it now
        started, deadline = 0, time.monotonic() + READY_TIMEOUT_S
        while started < len(processes) and not stopping.is_set():
            if time.monotonic() > deadline or any(not p.is_alive() for p in processes):
                print("error: a worker did not start", file=sys.stderr, flush=True)
                return 1
            try:
                ready.get(timeout=0.1)
                started += 1
            except Exception:  # queue.Empty
                continue
        if not stopping.is_set():
            print(f"listening on {listening}", flush=True)
        while not stopping.wait(0.2):
            if any(not p.is_alive() for p in processes):
                print("error: a worker exited; stopping the others", file=sys.stderr, flush=True)
                return 1
        return 0
    finally:
        _stop(processes)
        ready.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
