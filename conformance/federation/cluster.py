"""N nodes started from a launch recipe, each optionally behind a fault proxy (Spec-18: partitions may be simulated).

Node i gets a free loopback port, its own data directory and database, and the authority ``node-<name>.test``
(``a``, ``b``, ``c``, ...). With ``proxies`` the node advertises its proxy's URL (``{node_url}``), so every peer
reaches it through the proxy and a partition is a proxy mode. ``kill`` is SIGKILL by PID; ``restart`` starts the
same command on the same port and database; ``stop`` ends every process by its PID (SIGTERM, then SIGKILL) and
removes the working directory. Nodes are subprocesses only: nothing is imported from an implementation.
Requirements: none directly; this is the harness STG-FAIL-001..015 run on.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from conformance.errors import ConformanceError
from conformance.federation.fault_proxy import FaultProxy
from conformance.federation.identity import Identity
from conformance.federation.operator import FederationStepFailed, Federator, poll
from conformance.federation.recipes import Recipe
from conformance.harness.http_target import HttpTarget, TargetUnreachable

STOP_GRACE_S = 10.0
START_ATTEMPTS = 3
ADMIN_COMMAND_TIMEOUT_S = 60.0
LOG_TAIL_LINES = 15


class ClusterStartFailed(ConformanceError):
    """A node of the cluster did not start, did not become ready, or its admin key could not be made."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ClusterNode:
    name: str
    authority: str
    port: int
    data_dir: Path
    proxy: FaultProxy | None
    values: dict[str, str]
    federator: Federator
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def direct_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def advertised_url(self) -> str:
        return self.proxy.url if self.proxy else self.direct_url

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def target(self) -> HttpTarget:
        return self.federator.target

    @property
    def log_path(self) -> Path:
        return self.data_dir / "node.log"

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return " | ".join(text.strip().splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    """``with Cluster(recipe, ["a", "b"]) as cluster:``; nodes are ``cluster["a"]``."""

    recipe: Recipe
    names: Sequence[str] = ("a", "b")
    proxies: bool = True
    timeout_s: float = 30.0
    nodes: dict[str, ClusterNode] = field(default_factory=dict)
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def __getitem__(self, name: str) -> ClusterNode:
        return self.nodes[name]

    # --- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> Cluster:
        self._tmp = tempfile.TemporaryDirectory(prefix="stigmem-cluster-")
        root = Path(self._tmp.name)
        for name in self.names:
            self.nodes[name] = self._prepare(name, root / f"node-{name}")
        errors: dict[str, BaseException] = {}

        def launch(node: ClusterNode) -> None:
            try:
                self._launch(node, first=True)
            except BaseException as exc:  # reported below, after every thread has ended
                errors[node.name] = exc

        threads = [threading.Thread(target=launch, args=(n,), daemon=True) for n in self.nodes.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(self.recipe.ready_timeout_s * START_ATTEMPTS + ADMIN_COMMAND_TIMEOUT_S)
        if errors or any(t.is_alive() for t in threads):
            self.stop()
            first = next(iter(errors.values()), None)
            raise ClusterStartFailed(str(first) if first else "a node did not start in time") from first
        return self

    def _prepare(self, name: str, data_dir: Path) -> ClusterNode:
        data_dir.mkdir(parents=True)
        authority = f"node-{name}.test"
        port = free_port()
        proxy = FaultProxy(port).start() if self.proxies else None
        identity = Identity.generate(authority) if self.recipe.identity == "harness" else None
        values = {"port": str(port), "db": str(data_dir / "node.db"), "data_dir": str(data_dir),
                  "authority": authority, "admin_secret": secrets.token_hex(32)}
        if identity is not None:
            values.update(federation_pubkey=identity.pubkey_b64, federation_privkey=identity.privkey_b64,
                          node_id=identity.node_id)
        target = HttpTarget(f"http://127.0.0.1:{port}", timeout=self.timeout_s)
        federator = Federator(name, target, identity=identity, declaration_mode=self.recipe.declaration,
                              declaration_fields=self.recipe.declaration_fields, manifest_mode=self.recipe.manifest,
                              pull_mode=self.recipe.pull, pull_wait_s=self.recipe.pull_wait_s)
        node = ClusterNode(name, authority, port, data_dir, proxy, values, federator)
        values["node_url"] = node.advertised_url
        federator.node_url = node.advertised_url
        return node

    def _spawn(self, node: ClusterNode) -> None:
        argv = self.recipe.argv(node.values)
        env = self.recipe.environment(node.values)
        cwd = self.recipe.render(self.recipe.cwd, node.values)
        with open(node.log_path, "ab") as log:
            log.write(f"--- start {node.starts + 1}: {' '.join(argv)}\n".encode())
            node.process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        node.starts += 1

    def _ready(self, node: ClusterNode) -> bool:
        def probe() -> bool:
            if not node.alive():
                return True  # stop polling: the process is gone
            try:
                return node.target.request("GET", self.recipe.ready_path, key=None).status == 200
            except TargetUnreachable:
                return False
        poll(probe, self.recipe.ready_timeout_s, 0.05)
        return node.alive() and node.target.request("GET", self.recipe.ready_path, key=None).status == 200

    def _launch(self, node: ClusterNode, first: bool) -> None:
        for attempt in range(START_ATTEMPTS):
            self._spawn(node)
            try:
                ready = self._ready(node)
            except TargetUnreachable:
                ready = False
            if ready:
                break
            self._end(node, graceful=False)
            if not first or attempt == START_ATTEMPTS - 1:
                raise ClusterStartFailed(f"node {node.name} did not become ready on port {node.port}: "
                                         f"{node.log_tail()}")
            node.port = free_port()  # another process may have taken the port between choosing and binding
            node.values["port"] = str(node.port)
            node.target.close()
            node.federator.target = HttpTarget(node.direct_url, timeout=self.timeout_s)
            if node.proxy is not None:
                node.proxy.target_port = node.port
            else:
                node.values["node_url"] = node.federator.node_url = node.direct_url
        if first:
            self._admin_key(node)
            node.federator.refresh()
            node.federator.publish_manifest()

    def _admin_key(self, node: ClusterNode) -> None:
        if self.recipe.auth == "none":
            return
        key = self.recipe.render(self.recipe.admin_key, node.values) if self.recipe.admin_key else ""
        if self.recipe.admin_command:
            env = self.recipe.environment(node.values) if self.recipe.admin_use_node_env else None
            try:
                done = subprocess.run(self.recipe.argv_of(self.recipe.admin_command, node.values), env=env,
                                      cwd=self.recipe.render(self.recipe.cwd, node.values), capture_output=True,
                                      text=True, timeout=ADMIN_COMMAND_TIMEOUT_S, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ClusterStartFailed(f"node {node.name}: admin key command: {exc}") from exc
            lines = done.stdout.strip().splitlines()
            if done.returncode != 0 or not (key or lines):
                raise ClusterStartFailed(f"node {node.name}: admin key command exited {done.returncode}: "
                                         f"{(done.stderr or done.stdout).strip()[:300]}")
            key = key or lines[-1].strip()
        node.target.keys["admin"] = key

    def _end(self, node: ClusterNode, graceful: bool) -> None:
        proc = node.process
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM if graceful else signal.SIGKILL)
            try:
                proc.wait(STOP_GRACE_S if graceful else 5.0)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(5.0)
        node.process = None

    def kill(self, name: str) -> None:
        """SIGKILL the node by its PID: no shutdown code runs (a crash)."""
        self._end(self.nodes[name], graceful=False)

    def restart(self, name: str) -> None:
        """Start the node again on the same port and database; its admin key is already in the database."""
        node = self.nodes[name]
        self._end(node, graceful=True)
        self._launch(node, first=False)

    def stop(self) -> None:
        for node in self.nodes.values():
            self._end(node, graceful=True)
            if node.proxy is not None:
                node.proxy.stop()
            node.target.close()
        if self._tmp is not None:
            if os.environ.get("STIGMEM_KEEP_CLUSTER"):
                shutil.copytree(self._tmp.name, os.environ["STIGMEM_KEEP_CLUSTER"], dirs_exist_ok=True)
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- federation ----------------------------------------------------------------------------------------

    def federate(self, pairs: Iterable[tuple[str, str]] | None = None, scopes: Sequence[str] = ("public",)) -> None:
        """Register x's declaration at y for every (x, y) (default: every ordered pair), approving when needed."""
        chosen = list(pairs) if pairs is not None else [(x, y) for x in self.nodes for y in self.nodes if x != y]
        for x, y in chosen:
            decl = self.nodes[x].federator.declaration(scopes)
            status = self.nodes[y].federator.admit(decl)
            if status != "active":
                raise FederationStepFailed(f"{x} registered at {y} ends {status!r}, not active")

    def partition(self, names: Iterable[str]) -> None:
        for name in names:
            self._proxy(name).set_mode("partition")

    def heal(self, names: Iterable[str] | None = None) -> None:
        for name in names if names is not None else list(self.nodes):
            self._proxy(name).set_mode("pass")

    def delay(self, names: Iterable[str], seconds: float) -> None:
        for name in names:
            self._proxy(name).set_mode("delay", delay_s=seconds)

    def _proxy(self, name: str) -> FaultProxy:
        proxy = self.nodes[name].proxy
        if proxy is None:
            raise ValueError(f"node {name} has no fault proxy (start the cluster with proxies=True)")
        return proxy
