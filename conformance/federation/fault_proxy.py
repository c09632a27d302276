"""A loopback TCP proxy that passes, partitions, cuts or delays traffic on cue (Spec-18: a simulated partition).

A node behind the proxy advertises the proxy's URL (``--node-url``), so every peer reaches it through the proxy
while the suite itself talks to the node directly: a partition cuts federation traffic only, and local reads and
writes stay observable (STG-FAIL-006). Modes, switched at any time with ``set_mode``:

- ``pass``: forward both ways;
- ``partition``: close every open connection and reset each new one at once (a peer sees a refused or reset
  connection, never a hang);
- ``drop_after``: forward at most ``limit_bytes`` of response data on each new connection, then close it;
- ``delay``: forward, but hold every chunk ``delay_s`` seconds first (both directions).

The proxy never touches the content. Everything is bounded: at most ``max_connections`` concurrent connections
(more are reset), socket timeouts on every blocking call, and ``stop`` joins its threads with a deadline.
It does not reorder, duplicate or corrupt bytes; that is out of scope (Spec-18 needs partitions and crashes).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass

MODES = ("pass", "partition", "drop_after", "delay")
CHUNK = 65536
IO_TIMEOUT_S = 0.2  # poll period of the pump threads: how fast they notice a mode change or stop
IDLE_LIMIT_S = 120.0  # a connection silent this long in both directions is closed
SEND_LIMIT_S = 30.0  # a reader that takes longer than this to accept one chunk is cut


@dataclass
class ProxyStats:
    accepted: int = 0
    refused: int = 0
    cut: int = 0
    bytes_up: int = 0
    bytes_down: int = 0


def _nodelay(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0): the other side sees ECONNRESET, not a clean EOF."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _Connection:
    def __init__(self, proxy: FaultProxy, client: socket.socket, upstream: socket.socket, limit: int | None) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.limit = limit  # response bytes still allowed (drop_after), None = unlimited
        self.closed = threading.Event()
        self.last_activity = time.monotonic()
        for sock in (client, upstream):
            sock.settimeout(IO_TIMEOUT_S)
        self.threads = [threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True),
                        threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def close(self, reset: bool = False) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            if reset:
                _reset(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()
        self.proxy._forget(self)

    def _send_all(self, dst: socket.socket, data: bytes) -> bool:
        """Send everything (the sockets carry the short poll timeout, so a slow reader is waited for)."""
        view = memoryview(data)
        deadline = time.monotonic() + SEND_LIMIT_S
        while view and not self.closed.is_set() and time.monotonic() < deadline:
            try:
                sent = dst.send(view)
            except TimeoutError:
                continue
            except OSError:
                return False
            view = view[sent:]
        return not view

    def _pump(self, src: socket.socket, dst: socket.socket, upward: bool) -> None:
        while not self.closed.is_set():
            try:
                data = src.recv(CHUNK)
            except TimeoutError:
                if time.monotonic() - self.last_activity > IDLE_LIMIT_S:
                    break
                continue
            except OSError:
                break
            if not data:
                break
            self.last_activity = time.monotonic()
            mode, delay = self.proxy.mode, self.proxy.delay_s
            if mode == "partition":
                break
            if mode == "delay" and delay > 0 and self.closed.wait(delay):
                break
            if not upward and self.limit is not None:
                if len(data) >= self.limit:
                    data = data[:self.limit]
                    self.limit = 0
                else:
                    self.limit -= len(data)
            if not self._send_all(dst, data):
                break
            with self.proxy._lock:
                if upward:
                    self.proxy.stats.bytes_up += len(data)
                else:
                    self.proxy.stats.bytes_down += len(data)
            if not upward and self.limit == 0:
                with self.proxy._lock:
                    self.proxy.stats.cut += 1
                break
        self.close(reset=self.proxy.mode == "partition")


class FaultProxy:
    """``FaultProxy(target_port).start()`` listens on 127.0.0.1 (``listen_port`` or a free one) → target."""

    def __init__(self, target_port: int, listen_port: int = 0, max_connections: int = 64) -> None:
        self.target_port = target_port
        self.listen_port = listen_port
        self.max_connections = max_connections
        self.mode = "pass"
        self.delay_s = 0.0
        self.limit_bytes = 0
        self.stats = ProxyStats()
        self._lock = threading.Lock()
        self._connections: set[_Connection] = set()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listen_port}"

    def start(self) -> FaultProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.listen_port))
        listener.listen(128)
        listener.settimeout(IO_TIMEOUT_S)
        self.listen_port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._accept_loop, name=f"fault-proxy-{self.listen_port}", daemon=True)
        self._thread.start()
        return self

    def set_mode(self, mode: str, *, delay_s: float = 0.0, limit_bytes: int = 0) -> None:
        """Switch mode; ``partition`` also closes every open connection at once."""
        if mode not in MODES:
            raise ValueError(f"unknown proxy mode {mode!r}; known: {', '.join(MODES)}")
        if mode == "delay" and not 0 < delay_s <= 30:
            raise ValueError("delay_s must be in (0, 30]")
        if mode == "drop_after" and limit_bytes < 0:
            raise ValueError("limit_bytes must be >= 0")
        self.mode, self.delay_s, self.limit_bytes = mode, delay_s, limit_bytes
        if mode == "partition":
            self._close_all(reset=True)

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            _nodelay(client)
            with self._lock:
                full = len(self._connections) >= self.max_connections
            if self.mode == "partition" or full:
                with self._lock:
                    self.stats.refused += 1
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5.0)
            except OSError:
                _reset(client)  # the node is down: the peer sees what it would see without the proxy
                with self._lock:
                    self.stats.refused += 1
                continue
            _nodelay(upstream)
            conn = _Connection(self, client, upstream, self.limit_bytes if self.mode == "drop_after" else None)
            with self._lock:
                self._connections.add(conn)
                self.stats.accepted += 1
            conn.start()

    def _forget(self, conn: _Connection) -> None:
        with self._lock:
            self._connections.discard(conn)

    def _close_all(self, reset: bool) -> None:
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            conn.close(reset=reset)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._connections)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.close()
        self._close_all(reset=False)
        deadline = time.monotonic() + timeout
        if self._thread is not None:
            self._thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
