"""The whole-node sweep's test command: the HTTP checks against the node imported in this process.

    python tests/mutants/node_worker.py --workspace W                    # mutmut's runner (one mutant)
    python tests/mutants/node_worker.py --workspace W --record-coverage  # once, on the pristine node

Run with the sweep's workspace first on ``PYTHONPATH`` (mutmut's environment), so ``reference_node`` is the copy
mutmut has just rewritten. The two nodes of ``stigmem-conformance run`` (auth required with federation on, and a
second one with auth none) are built from ``create_app`` and served by uvicorn in threads of this process on
loopback sockets; the suite's own ``HttpTarget``, key provisioning and ``run_checks`` drive them, unchanged. Checks
that start their own clusters (``federation:failure-modes:*``) still spawn ``python -m reference_node.cli``
processes, which import the same mutated copy (the spawned fallback).

``--record-coverage`` runs every check of the default run's profiles (``PROFILES``) once under coverage.py, one dynamic
context per check id (and ``setup`` for node start and key provisioning; spawned nodes record the same ids as a
static context), writes ``coverage-map.json`` (file -> line -> contexts, plus each check's pristine outcome) and
snapshots the two prepared databases and their keys. As runner it finds the mutated line by comparing the workspace
with its pristine copy, runs the vectors first when the line is in ``protocol/``, then exactly the checks that
executed the line (``coverage_map.select``), and appends one verdict line to ``verdicts.jsonl``. Exit codes (what
mutmut reads): 0 nothing failed (survived, or "not covered" when no check executes the line); 1 a check or vector
failed; 3 the node did not start (recorded as start-failed, reported apart from kills).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[2]))  # run by path: ``tests`` importable, after the workspace

from tests.mutants import coverage_map

# The profiles of the default run (`stigmem-conformance run` on the embedded node: what it claims).
PROFILES = ("core-local", "batch", "gardens", "core-federation", "federation-trust", "tombstones", "time-travel",
            "recall")
CONTEXT_VAR = "STIGMEM_SWEEP_CHECK"  # the check id, for the static context of spawned nodes
MAIN_AUTHORITY = "suite-target.test"


class StartFailed(Exception):
    """The mutated node could not be built or did not serve."""


class ThreadNode:
    """One node app served by uvicorn in a thread of this process, on a loopback socket it binds itself."""

    def __init__(self, db: Path, auth: str, federation: bool) -> None:
        import uvicorn

        from reference_node.api import create_app
        from reference_node.settings import Settings

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        settings = Settings(db_path=str(db), auth=auth, node_url=self.url,  # type: ignore[arg-type]
                            node_authority=MAIN_AUTHORITY if federation else "localhost",
                            federation=federation, pull_interval_s=3600.0,
                            # as the embedded target (conformance.session TIME_TRAVEL_NODE); its companion is default
                            time_travel="enabled" if federation else "not-loaded",
                            quota_limits=(("all", 1_000_000, 100_000.0),))  # as the embedded node (SUITE_QUOTAS)
        app = create_app(settings)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="critical", access_log=False, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise StartFailed(f"node with auth {auth} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()


def bootstrap(db: Path) -> str:
    from reference_node.cli import main as node_cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = node_cli(["keys", "bootstrap", "--db", str(db)])
    key = out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else ""
    if code != 0 or not key:
        raise StartFailed(f"keys bootstrap exited {code}")
    return key


@contextlib.contextmanager
def nodes(data: Path, snapshot: Path | None) -> Iterator[tuple[Any, Any]]:
    """The two targets of a run, keys provisioned: from ``snapshot`` (copied databases and keys) or fresh."""
    from conformance.harness.http_target import HttpTarget
    from conformance.session import provision_keys

    main_db, open_db = data / "main.db", data / "open.db"
    keys: dict[str, str] = {}
    if snapshot is not None:
        for name in ("main.db", "open.db"):
            shutil.copy2(snapshot / name, data / name)
        keys = json.loads((snapshot / "keys.json").read_text(encoding="utf-8"))
    started: list[ThreadNode] = []
    try:
        if snapshot is None:
            from reference_node.clock import SystemClock
            from reference_node.storage import Store  # migrate first, as the CLI's bootstrap does on a new file

            Store.open(str(main_db), SystemClock(), MAIN_AUTHORITY).close()
            keys["admin"] = bootstrap(main_db)
        main = ThreadNode(main_db, "required", federation=True)
        started.append(main)
        opened = ThreadNode(open_db, "none", federation=False)
        started.append(opened)
        target, open_target = HttpTarget(main.url, keys), HttpTarget(opened.url)
        if snapshot is None and provision_keys(target):
            raise StartFailed("could not provision the scoped keys")
        try:
            yield target, open_target
        finally:
            target.close()
            open_target.close()
    except StartFailed:
        raise
    except Exception as exc:  # a mutant that breaks construction: the node does not start
        raise StartFailed(f"{type(exc).__name__}: {exc}") from exc
    finally:
        for node in reversed(started):
            node.stop()


def run_selected(target: Any, open_target: Any, check_ids: list[str] | None,
                 on_check: Any = None, fail_fast: bool = False) -> list[Any]:
    """Run the chosen checks in the given order (None: every check of PROFILES in the suite's order); returns
    their CaseResults, up to the first failing one with ``fail_fast``."""
    import conformance.checks  # noqa: F401  (registers the checks)
    from conformance.catalog import interpretations
    from conformance.checks.registry import Context
    from conformance.http_run import discovery_of, run_checks, select

    active = interpretations.resolve("default", [])
    discovery = discovery_of(target)
    ctx = Context(target, active, discovery, auth_required=True, open_target=open_target, recipe="reference")
    by_id = {c.id: c for c in select(PROFILES)}
    chosen = list(by_id.values()) if check_ids is None else [by_id[i] for i in check_ids if i in by_id]
    results = []
    for c in chosen:
        if on_check:
            on_check(c.id)
        os.environ[CONTEXT_VAR] = c.id
        results += run_checks(ctx, [c], active)
        if fail_fast and results[-1].outcome in ("fail", "error"):
            break  # mutmut needs an exit code only
    os.environ.pop(CONTEXT_VAR, None)
    return results


def record(workspace: Path) -> dict[str, Any]:
    """The pristine run under coverage: the coverage map, each check's outcome, the database snapshot."""
    import coverage

    source = workspace / "reference_node"
    sub_dir = workspace / "coverage-sub"
    shutil.rmtree(sub_dir, ignore_errors=True)
    sub_dir.mkdir()
    rc = workspace / "coverage-sub.rc"  # spawned nodes (clusters): the check id as a static context
    rc.write_text(f"[run]\nparallel = true\ndata_file = {sub_dir / 'cov'}\nsource = {source}\nsigterm = true\n"
                  f"context = ${{{CONTEXT_VAR}}}\n", encoding="utf-8")
    os.environ["COVERAGE_PROCESS_START"] = str(rc)
    cov = coverage.Coverage(data_file=str(workspace / "coverage-main"), source=[str(source)], branch=False)
    snapshot = workspace / "snapshot"
    shutil.rmtree(snapshot, ignore_errors=True)
    snapshot.mkdir()
    data = workspace / "record-data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    started = time.monotonic()
    cov.start()
    cov.switch_context("import")  # module-level lines: constants, def lines
    import importlib
    import pkgutil

    import reference_node

    for info in pkgutil.walk_packages(reference_node.__path__, "reference_node."):
        importlib.import_module(info.name)
    cov.switch_context("setup")
    with nodes(data, None) as (target, open_target):
        setup_s = time.monotonic() - started
        keys = dict(target.keys)
        results = run_selected(target, open_target, None, cov.switch_context)
        cov.switch_context("teardown")
    cov.stop()
    cov.save()
    os.environ.pop("COVERAGE_PROCESS_START", None)
    # The snapshot: a second, uncovered setup, stopped before any check runs.
    with nodes(snapshot, None) as (target, _open):
        keys = dict(target.keys)
    (snapshot / "keys.json").write_text(json.dumps(keys), encoding="utf-8")
    for extra in snapshot.glob("*.db-*"):
        extra.unlink()
    spawned = coverage.CoverageData(basename=str(workspace / "coverage-spawned"))
    for part in sub_dir.glob("cov*"):
        piece = coverage.CoverageData(basename=str(part))
        piece.read()
        spawned.update(piece)
    lines = coverage_map.merge(coverage_map.from_coverage(cov.get_data(), workspace),
                               coverage_map.from_coverage(spawned, workspace))
    outcomes = {r.id: r.outcome for r in results}
    durations = {r.id: r.duration_ms for r in results}
    out = {"lines": lines, "outcomes": outcomes, "durations_ms": durations, "setup_s": round(setup_s, 2),
           "checks_s": round(time.monotonic() - started - setup_s, 2)}
    (workspace / "coverage-map.json").write_text(json.dumps(out), encoding="utf-8")
    shutil.rmtree(data, ignore_errors=True)
    return out


def run_vectors(workspace: Path) -> bool:
    """The golden vectors through the stdio adapter (tests/mutants/quick_vectors.py): True when all pass."""
    import subprocess

    script = Path(__file__).with_name("quick_vectors.py")
    proc = subprocess.run([sys.executable, str(script), "--vectors", str(workspace / "vectors")], cwd=workspace,
                          capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode == 0


def runner(workspace: Path) -> int:
    started = time.monotonic()
    cmap = json.loads((workspace / "coverage-map.json").read_text(encoding="utf-8"))
    change = coverage_map.changed_lines(workspace / "reference_node", workspace / "pristine" / "reference_node")
    verdict: dict[str, Any] = {"file": "", "lines": [], "checks": [], "failing": []}
    code = 0
    if change is None:
        # mutmut's baseline (its kill timeout is ten times this run): every check that passed on the pristine node
        # when coverage was recorded (only those are ever chosen for a mutant; a check that fails in process, such
        # as the connection-level ones that need the served node's own limits, would fail mutmut's baseline).
        passing = sorted(c for c, outcome in cmap["outcomes"].items() if outcome == "pass")
        data = workspace / "run-data" / str(os.getpid())
        data.mkdir(parents=True, exist_ok=True)
        try:
            with nodes(data, workspace / "snapshot") as (target, open_target):
                results = run_selected(target, open_target, passing)
        finally:
            shutil.rmtree(data, ignore_errors=True)
        failing = sorted(r.id for r in results if r.outcome in ("fail", "error"))
        verdict.update(verdict="baseline", failing=failing)
        code = 1 if failing else 0
    else:
        file, lines = change
        verdict.update(file=file, lines=lines)
        checks = coverage_map.select(cmap, file, lines, workspace / "pristine" / file)
        verdict["checks"] = checks
        vectors = file.startswith("reference_node/protocol/")
        if not checks and not vectors:
            verdict["verdict"] = "not-covered"
        elif vectors and not run_vectors(workspace):
            verdict.update(verdict="killed", failing=["vectors"])
            code = 1
        elif not checks:
            verdict["verdict"] = "survived"
        else:
            fresh = coverage_map.touches_setup(cmap, file, lines, workspace / "pristine" / file)
            data = workspace / "run-data" / str(os.getpid())
            data.mkdir(parents=True, exist_ok=True)
            try:
                with nodes(data, None if fresh else workspace / "snapshot") as (target, open_target):
                    results = run_selected(target, open_target, checks, fail_fast=True)
                failing = sorted(r.id for r in results if r.outcome in ("fail", "error"))
                verdict.update(verdict="killed" if failing else "survived", failing=failing, fresh_setup=fresh)
                code = 1 if failing else 0
            except StartFailed as exc:
                verdict.update(verdict="start-failed", note=str(exc)[:200])
                code = 3
            finally:
                shutil.rmtree(data, ignore_errors=True)
    verdict["seconds"] = round(time.monotonic() - started, 2)
    with (workspace / "verdicts.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(verdict) + "\n")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="node_worker", description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--record-coverage", action="store_true")
    args = parser.parse_args(argv)
    os.chdir(args.workspace)
    logging.getLogger("reference_node").setLevel(logging.CRITICAL)  # pull errors of the scripted peers' nodes
    import reference_node

    if args.workspace.resolve() not in Path(reference_node.__file__).resolve().parents:
        print(f"reference_node is imported from {reference_node.__file__}, not the workspace", file=sys.stderr)
        return 2
    if args.record_coverage:
        out = record(args.workspace.resolve())
        bad = {k: v for k, v in out["outcomes"].items() if v in ("fail", "error")}
        print(json.dumps({"checks": len(out["outcomes"]), "failing_on_pristine": bad, "setup_s": out["setup_s"],
                          "checks_s": out["checks_s"]}))
        return 0
    return runner(args.workspace.resolve())


if __name__ == "__main__":
    raise SystemExit(main())
