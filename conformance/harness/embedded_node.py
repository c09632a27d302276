"""Starting the reference node as a separate process on a free loopback port (never imported).

The suite talks to it exactly as to any other node; it only knows the command line. The node is stopped
by its PID: SIGTERM, then SIGKILL after a grace period.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from conformance.errors import Unreachable
from conformance.harness.processes import terminate

LISTENING = re.compile(r"listening on (https?://127\.0\.0\.1:\d+)")


class NodeStartFailed(Unreachable):
    """The embedded node did not start or did not bootstrap its admin key."""


class EmbeddedNode:
    # Short connection bounds for suite runs: the slow-client checks then pass in about 2 s, and a cap of 256
    # connections below the 1,000-socket crowd makes the node show that idle sockets cannot lock a client out.
    FAST_TIMEOUTS = ("--header-timeout", "2", "--body-timeout", "2", "--max-connections", "256")
    # A run sends thousands of requests from one key within a minute: every default quota ceiling is raised out of
    # its way (the quota checks set tight limits on keys of their own through PUT /v1/admin/quota-policy).
    SUITE_QUOTAS = ("--quota", "all=1000000@100000")

    def __init__(self, auth: str = "required", extra_args: tuple[str, ...] = (), start_timeout: float = 20.0,
                 env: Mapping[str, str] | None = None) -> None:
        self.env = dict(env or {})  # set in the node's environment, over this process's
        self._tmp = tempfile.TemporaryDirectory(prefix="stigmem-node-")
        self.db = Path(self._tmp.name) / "node.db"
        self.auth = auth
        self.extra_args = extra_args
        self.start_timeout = start_timeout
        self.url = ""
        self.admin_key = ""
        self._proc: subprocess.Popen[str] | None = None
        self._output: list[str] = []

    def _cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "reference_node.cli", *args]

    def start(self) -> EmbeddedNode:
        cmd = self._cli("--host", "127.0.0.1", "--port", "0", "--db", str(self.db), "--auth", self.auth,
                        *self.SUITE_QUOTAS, *self.extra_args)
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                      env={**os.environ, **self.env} if self.env else None)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert self._proc is not None and self._proc.stdout is not None
            for line in self._proc.stdout:
                if len(self._output) < 500:
                    self._output.append(line.rstrip())
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        while not self.url:
            try:
                line = lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None or time.monotonic() > deadline:
                self.stop()
                raise NodeStartFailed("reference node did not report its port: " + " | ".join(self._output[-10:]))
            match = LISTENING.search(line)
            if match:
                self.url = match.group(1)
        if self.auth == "required":
            self.admin_key = self._bootstrap()
        return self

    def _bootstrap(self) -> str:
        proc = subprocess.run(self._cli("keys", "bootstrap", "--db", str(self.db)), capture_output=True, text=True,
                              timeout=30)
        key = proc.stdout.strip().splitlines()[-1].strip() if proc.stdout.strip() else ""
        if proc.returncode != 0 or not key:
            self.stop()
            raise NodeStartFailed(f"keys bootstrap failed ({proc.returncode}): {proc.stderr.strip()[:300]}")
        return key

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stop(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            terminate(proc)
        self._proc = None
        self._tmp.cleanup()

    def __enter__(self) -> EmbeddedNode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
