"""A throwaway ``redis-server`` on a free loopback port for one run, stopped by its PID (docs/workers.md).

``redis_server()`` yields (its URL, a note): the URL is None when the ``redis-server`` binary or the ``redis``
package is missing, and the note says which; else the note names the Redis version. Used by the benchmark's Redis
rows, the mutant runner's Redis configurations and the tests of the Redis trust cache and quota buckets.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

from conformance.harness.processes import terminate

__all__ = ["redis_server"]

READY_POLLS = 100  # 0.1 s apart: a local redis-server answers PING within a second


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def redis_server() -> Iterator[tuple[str | None, str]]:
    """(URL, note) of a fresh Redis without persistence, or (None, why not)."""
    exe = shutil.which("redis-server")
    try:
        import redis
    except ImportError:
        yield None, "the redis package is not installed (pip install '.[redis]')"
        return
    if exe is None:
        yield None, "redis-server is not installed (apt-get install redis-server)"
        return
    port = _free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_timeout=1)
        for _ in range(READY_POLLS):
            with contextlib.suppress(redis.RedisError):
                if client.ping():
                    break
            time.sleep(0.1)
        client.close()
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
        yield url, f"Redis: {version.split(' sha=')[0]}, started for this run on 127.0.0.1, no persistence"
    finally:
        terminate(proc)
