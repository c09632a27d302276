"""``stigmem-conformance bench``: throughput and latency of a node, side by side with a trivial endpoint.

    bench [--target URL [--target-name NAME] [--target-pid PID] [--admin-key K]] [--embedded [--auth MODE]]
          [--configs] [--rounds R] [--n 10000[,100000]] [--requests 2000] [--concurrency 8] [--json FILE]
          [--markdown FILE]

Without ``--target`` (or with ``--embedded``) the reference node is started as a subprocess (``EmbeddedNode``).
The trivial ASGI endpoint (``conformance.bench.trivial``) is always started, under the same server, and gets the
same requests right after each node in every row: its rate is the load generator's ceiling on this machine.

For each N the nodes are topped up to N preloaded facts (a node whose preload would not fit ``--preload-budget``
seconds at the rate measured so far is skipped at that N, and the decision is printed), then each row runs
sequentially and with ``--concurrency`` workers, every target in turn. Ratios compare the first node with every
other target, measured in the same run. Peak memory (VmHWM) is reported for the processes the suite started or
was given the PID of. ``--configs`` adds the reference node's hardening configurations (auth on, quotas on, 2
workers; ``conformance.bench.configs``) at the first N, beside a baseline with auth and quotas off; ``--rounds R``
runs every row R times on every target, interleaved, and reports the fastest round of each. Exit 1 when any
request got a non-2xx answer, else 0; the rates never fail the command.
The ``as_of`` row repeats the entity row with ``as_of`` = the row's start on every node that claims time-travel (the
embedded node runs with ``--time-travel enabled``); the table ends with its ratio to the live row (goal: within 3x).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import random
import secrets
import signal
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from conformance.bench import configs as hardening
from conformance.bench.load import Call, RowResult, entity_calls, id_calls, post_calls, run_calls
from conformance.bench.memory import machine, peak_rss_bytes
from conformance.bench.preload import Preload, PreloadFailed
from conformance.bench.render import AS_OF_ROW, TRIVIAL, render_markdown, render_table
from conformance.errors import ConformanceError
from conformance.harness.embedded_node import EmbeddedNode

__all__ = ["ROWS", "Target", "add_parser", "cmd_bench"]

ROWS: tuple[tuple[str, str], ...] = (
    ("POST /v1/facts", "post"),
    ("GET /v1/facts?entity=", "entity"),
    ("GET /v1/facts/{id}", "id"),
    # Time travel (issue 16, STG-TT-015): the entity row again with as_of = the row's start, on targets that claim
    # the time-travel profile (the embedded node runs with --time-travel enabled); printed beside the live row.
    (AS_OF_ROW, "as_of"),
)


class TrivialEndpoint(EmbeddedNode):
    """The trivial ASGI app, launched exactly like the embedded node (same server, port 0, same flags; it has no
    quotas to raise)."""

    SUITE_QUOTAS = ()

    def __init__(self) -> None:
        super().__init__(auth="none")

    def _cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "conformance.bench.trivial", *args]


@dataclass
class Target:
    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    pid: int | None = None
    preload: Preload | None = None  # None for the trivial endpoint
    workers: list[int] = field(default_factory=list)  # worker PIDs of a multi-worker node (their CPU adds up)
    max_n: int | None = None  # not run above this N (the configuration targets run at the first N only)
    time_travel: bool = True  # whether the as_of row runs on it (discovery claims the time-travel profile)
    peak_rss: dict[int, int | None] = field(default_factory=dict)  # N -> bytes


@dataclass
class Level:
    n: int
    decisions: list[str] = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)
    round_rates: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)  # (row, mode, target)


# --- command line --------------------------------------------------------------------------------------------

def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``bench`` subcommand to a ``stigmem-conformance`` subparsers object."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "bench", help="throughput and latency of a node (default: the embedded reference node)",
        description=__doc__.split("\n\n")[0])
    _arguments(p)
    p.set_defaults(func=cmd_bench)
    return p


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", help="base URL of a node to benchmark (default: start the embedded reference node)")
    p.add_argument("--target-name", default="target", help="label of --target in the tables (default: target)")
    p.add_argument("--target-pid", type=int, help="PID of the --target node, to report its peak memory")
    p.add_argument("--admin-key", help="API key for --target (sent as a Bearer token)")
    p.add_argument("--embedded", action="store_true",
                   help="also start the embedded reference node when --target is given (it comes first)")
    p.add_argument("--auth", choices=("none", "required"), default="none",
                   help="auth mode of the embedded reference node (default none, like the upstream bench setup)")
    p.add_argument("--configs", action="store_true",
                   help="also run the reference node with auth on, quotas on and 2 workers (SQLite, and Redis when "
                        "redis-server is installed) at the first N, beside a baseline with auth and quotas off")
    p.add_argument("--rounds", type=int, default=1,
                   help="run every row this many times per target, interleaved; the fastest round is reported")
    p.add_argument("--n", action="append", default=[], metavar="N[,N...]",
                   help="preloaded store size(s), ascending (repeatable or comma-separated; default 10000)")
    p.add_argument("--requests", type=int, default=2000, help="requests per row and target (default 2000)")
    p.add_argument("--concurrency", type=int, default=8, help="workers of the concurrent rows (default 8)")
    p.add_argument("--row-seconds", type=float, default=60.0, help="time budget of one row on one target")
    p.add_argument("--preload-budget", type=float, default=300.0,
                   help="seconds one node may spend reaching one N; a node that would need more is skipped at that N")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw",
                   help="load generator: raw (default; a minimal HTTP/1.1 keep-alive socket client per worker thread) "
                        "or httpx (one keep-alive httpx.Client per worker; about 0.5 ms of CPU per request, so it "
                        "is the bottleneck near 2000 req/s on 2 cores)")
    p.add_argument("--seed", type=int, default=1, help="seed of the random entity and id picks")
    p.add_argument("--scaling", action="store_true",
                   help="instead of the throughput rows: page cost deep in a walk beside the first page "
                        "(conformance.bench.scaling); write cost beside contradicting siblings is "
                        "python -m conformance.bench.siblings")
    p.add_argument("--scaling-n", type=int, default=5000, help="store size of the page rows (default 5000)")
    p.add_argument("--json", type=Path, help="write the full results as JSON here")
    p.add_argument("--markdown", type=Path, help="write the Markdown table here")


def _levels(values: Sequence[str]) -> list[int]:
    levels: list[int] = []
    for value in values or ["10000"]:
        for item in value.split(","):
            if item.strip():
                levels.append(int(item.replace("_", "").replace("k", "000").strip()))
    if any(n < 10 for n in levels):
        raise ValueError("--n must be at least 10")
    return sorted(set(levels))


def cmd_scaling(args: argparse.Namespace) -> int:
    """``bench --scaling``: the page rows side by side (see conformance.bench.scaling)."""
    from conformance.bench.scaling import render, run_scaling

    started: list[EmbeddedNode] = []
    try:
        node = EmbeddedNode(auth="none").start()
        started.append(node)
        targets = [("reference", node.url, {})]
        if args.target:
            headers = {"Authorization": f"Bearer {args.admin_key}"} if args.admin_key else {}
            targets.append((args.target_name, args.target.rstrip("/"), headers))
        report = run_scaling(targets, args.scaling_n, 20, progress=lambda line: print(line, flush=True))
    except (ConformanceError, OSError, RuntimeError, httpx.HTTPError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    finally:
        for process in reversed(started):
            process.stop()
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    if args.scaling:
        return cmd_scaling(args)
    try:
        levels = _levels(args.n)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # SIGTERM unwinds like an exception, so the finally below stops every node and the Redis server by PID.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started: list[EmbeddedNode] = []
    notes: list[str] = []
    extra: list[hardening.Config] = []
    stack = contextlib.ExitStack()
    try:
        targets: list[Target] = []
        if args.configs:
            redis_url, note = stack.enter_context(hardening.redis_server())
            notes.append(note if redis_url else f"no Redis row: {note}")
            extra = hardening.configs(redis_url)
        if args.embedded or not args.target:
            # --configs: the baseline has auth and quotas off, the configurations switch one thing each.
            node = EmbeddedNode(auth="none" if args.configs else args.auth,
                                extra_args=(*(("--no-quotas",) if args.configs else ()), "--time-travel",
                                            "enabled")).start()
            started.append(node)
            headers = {"Authorization": f"Bearer {node.admin_key}"} if node.admin_key else {}
            targets.append(Target("reference", node.url, headers, node.pid, Preload(node.url, headers)))
        for config in extra:
            # As the baseline, the configurations answer as_of (the as_of row compares like with like).
            node = EmbeddedNode(auth=config.auth, extra_args=(*config.flags, "--time-travel", "enabled"),
                                start_timeout=60.0).start()
            started.append(node)
            headers = {"Authorization": f"Bearer {node.admin_key}"} if node.admin_key else {}
            workers = hardening.children(node.pid) if node.pid and "--workers" in config.flags else []
            targets.append(Target(config.name, node.url, headers, node.pid, Preload(node.url, headers),
                                  workers, levels[0]))
        if args.target:
            headers = {"Authorization": f"Bearer {args.admin_key}"} if args.admin_key else {}
            targets.append(Target(args.target_name, args.target.rstrip("/"), headers, args.target_pid,
                                  Preload(args.target.rstrip("/"), headers),
                                  time_travel=_claims_time_travel(args.target.rstrip("/"))))
        trivial_node = TrivialEndpoint().start()
        started.append(trivial_node)
        trivial = Target(TRIVIAL, trivial_node.url, {}, trivial_node.pid)
        report = run_bench(targets, trivial, levels, args, progress=lambda line: print(line, flush=True))
        report["configs"] = [{"name": c.name, "text": c.text, "auth": c.auth, "flags": list(c.flags)} for c in extra]
        report["notes"] = notes
        report["comparisons"] = hardening.comparisons(report)
    except (ConformanceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    finally:
        for process in reversed(started):
            process.stop()
        stack.close()
    print()
    print(render_table(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(render_markdown(report), encoding="utf-8")
    errors = sum(row["errors"] for level in report["levels"] for row in level["rows"])
    return 1 if errors else 0


# --- the run -------------------------------------------------------------------------------------------------

def _calls(kind: str, count: int, tag: str, entities: int, ids: Sequence[str], seed: int) -> list[Call]:
    rng = random.Random(seed)
    if kind == "post":
        return post_calls(count, tag)
    if kind == "entity":
        return entity_calls(entities, count, rng)
    if kind == "as_of":
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return [Call(c.method, f"{c.path}&as_of={now}") for c in entity_calls(entities, count, rng)]
    return id_calls(ids, count, rng)


def run_bench(targets: list[Target], trivial: Target, levels: list[int], args: argparse.Namespace,
              progress: Callable[[str], None]) -> dict[str, Any]:
    """Preload and run every row on every target; the report as a JSON-able dict."""
    run_tag = secrets.token_hex(3)
    modes = [("seq", 1), (f"{args.concurrency}x", args.concurrency)]
    done: list[Level] = []
    clock = time.monotonic()
    for n in levels:
        level = Level(n)
        done.append(level)
        active: list[Target] = []
        for target in targets:
            assert target.preload is not None
            if target.max_n is not None and n > target.max_n:
                level.decisions.append(f"{target.name}: not run at N={n} (the configuration rows run at "
                                       f"N={target.max_n} only)")
                progress(level.decisions[-1])
                continue
            estimate = target.preload.estimate(n)
            if estimate is not None and estimate > args.preload_budget:
                level.decisions.append(
                    f"{target.name}: skipped at N={n}: reaching it would take about {estimate:.0f} s at the "
                    f"measured {target.preload.rate:.0f} facts/s ({target.preload.method}), over the "
                    f"{args.preload_budget:.0f} s budget")
                progress(level.decisions[-1])
                continue
            began = time.monotonic()
            progress(f"{target.name}: preloading to N={n} ...")
            try:
                complete = target.preload.fill(n, args.preload_budget)
            except PreloadFailed as exc:
                level.decisions.append(f"{target.name}: preload failed at N={n}: {exc}")
                progress(level.decisions[-1])
                continue
            took = time.monotonic() - began
            if not complete:
                level.decisions.append(f"{target.name}: skipped at N={n}: reached {target.preload.loaded} facts "
                                       f"in the {args.preload_budget:.0f} s budget")
            else:
                level.decisions.append(f"{target.name}: N={n} reached in {took:.1f} s this level "
                                       f"({target.preload.rate:.0f} facts/s overall, {target.preload.method})")
                active.append(target)
            progress(level.decisions[-1])
        if not active:
            continue
        entities = min(t.preload.entities for t in active if t.preload)
        loaded = min(t.preload.loaded for t in active if t.preload)
        for row, kind in ROWS:
            for mode, concurrency in modes:
                # The same seed for every target: the same entities, and the ids at the same preload positions.
                seed = zlib.crc32(f"{args.seed}:{n}:{row}:{mode}".encode())
                rounds: dict[str, list[RowResult]] = {}
                for round_no in range(max(1, args.rounds)):
                    for target in [*active, trivial]:
                        if kind == "as_of" and not target.time_travel:
                            continue
                        source = target if target.preload else active[0]  # the trivial endpoint: the first's ids
                        assert source.preload is not None
                        ids = source.preload.ids[:loaded] if kind == "id" else []
                        calls = _calls(kind, args.requests, f"{run_tag}n{n}{mode}r{round_no}", entities, ids, seed)
                        pids = [target.pid, *target.workers] if target.pid else []
                        result = run_calls(target.url, calls, row=row, mode=mode, target=target.name,
                                           concurrency=concurrency, headers=target.headers,
                                           time_budget=args.row_seconds, server_pid=pids, client=args.client)
                        rounds.setdefault(target.name, []).append(result)
                        progress(f"N={n} {row} {mode} {target.name}: {result.rate:.0f} req/s, p50 "
                                 f"{result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, {result.requests}/"
                                 f"{result.planned} requests, {result.errors} errors"
                                 + (f" e.g. {result.error_samples[0]}" if result.errors else ""))
                for results in rounds.values():
                    level.results.append(_best(results))
                    level.round_rates[(row, mode, results[0].target)] = [round(r.rate, 1) for r in results]
        for target in [*targets, trivial]:
            if target.pid:
                target.peak_rss[n] = peak_rss_bytes(target.pid)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {**machine(), "python": platform.python_version(), "system": platform.system(),
                    "server": _server_stack()},
        "config": {"levels": levels, "requests_per_row": args.requests, "concurrency": args.concurrency,
                   "row_seconds": args.row_seconds, "client": args.client, "preload_budget_s": args.preload_budget,
                   "seed": args.seed, "rounds": max(1, args.rounds),
                   "reference_auth": ("none, quotas off (the configurations' baseline)" if args.configs else args.auth)
                   if (args.embedded or not args.target) else None},
        "targets": [t.name for t in targets] + [trivial.name],
        "preload": {t.name: {"loaded": t.preload.loaded, "method": t.preload.method,
                             "facts_per_s": round(t.preload.rate, 1)} for t in targets if t.preload},
        "peak_rss_bytes": {t.name: {str(n): v for n, v in t.peak_rss.items()} for t in [*targets, trivial] if t.pid},
        "levels": [{"n": level.n, "decisions": level.decisions,
                    "rows": [{**r.to_json(), "round_rates": level.round_rates.get((r.row, r.mode, r.target), [])}
                             for r in level.results]}
                   for level in done],
        "seconds": round(time.monotonic() - clock, 1),
    }


def _best(results: list[RowResult]) -> RowResult:
    """The round with the highest rate: on a shared machine noise only ever slows a row down (as timeit's minimum)."""
    return max(results, key=lambda r: r.rate)


def _claims_time_travel(url: str) -> bool:
    """Whether a target's discovery lists the time-travel profile (else the as_of row skips it)."""
    try:
        body = httpx.get(url + "/.well-known/stigmem", timeout=10.0, trust_env=False).json()
    except (httpx.HTTPError, ValueError):
        return False
    return isinstance(body, dict) and "time-travel" in (body.get("profiles") or [])


def _server_stack() -> str:
    """The uvicorn the reference node and the trivial endpoint run on (same interpreter as this process)."""
    from importlib import metadata

    parts = []
    for name in ("uvicorn", "httptools", "uvloop", "starlette"):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"no {name}")
    return ", ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.bench", description=__doc__.split("\n\n")[0])
    _arguments(parser)
    return cmd_bench(parser.parse_args(argv))
