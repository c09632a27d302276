"""``stigmem-conformance bench``: throughput and latency of a node, side by side with a trivial endpoint.

    bench [--target URL [--target-name NAME] [--target-pid PID] [--admin-key K]] [--embedded [--auth MODE]]
          [--n 10000[,100000]] [--requests 2000] [--concurrency 8] [--json FILE] [--markdown FILE]

Without ``--target`` (or with ``--embedded``) the reference node is started as a subprocess (``EmbeddedNode``).
The trivial ASGI endpoint (``conformance.bench.trivial``) is always started, under the same server, and gets the
same requests right after each node in every row: its rate is the load generator's ceiling on this machine.

For each N the nodes are topped up to N preloaded facts (a node whose preload would not fit ``--preload-budget``
seconds at the rate measured so far is skipped at that N, and the decision is printed), then each row runs
sequentially and with ``--concurrency`` workers, every target in turn. Ratios compare the first node with every
other target, measured in the same run. Peak memory (VmHWM) is reported for the processes the suite started or
was given the PID of. Exit 1 when any request got a non-2xx answer, else 0; the rates never fail the command.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import secrets
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.bench.load import Call, RowResult, entity_calls, id_calls, post_calls, run_calls
from conformance.bench.memory import machine, peak_rss_bytes
from conformance.bench.preload import Preload, PreloadFailed
from conformance.errors import ConformanceError
from conformance.harness.embedded_node import EmbeddedNode

__all__ = ["ROWS", "Target", "add_parser", "cmd_bench", "render_markdown", "render_table", "verdicts"]

ROWS: tuple[tuple[str, str], ...] = (
    ("POST /v1/facts", "post"),
    ("GET /v1/facts?entity=", "entity"),
    ("GET /v1/facts/{id}", "id"),
)
TRIVIAL = "trivial"
TARGET_UPSTREAM_RATIO = 10.0
TARGET_TRIVIAL_RATIO = 0.5


class TrivialEndpoint(EmbeddedNode):
    """The trivial ASGI app, launched exactly like the embedded node (same server, port 0, same flags)."""

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
    peak_rss: dict[int, int | None] = field(default_factory=dict)  # N -> bytes


@dataclass
class Level:
    n: int
    decisions: list[str] = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)


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


def cmd_bench(args: argparse.Namespace) -> int:
    try:
        levels = _levels(args.n)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    started: list[EmbeddedNode] = []
    try:
        targets: list[Target] = []
        if args.embedded or not args.target:
            node = EmbeddedNode(auth=args.auth).start()
            started.append(node)
            headers = {"Authorization": f"Bearer {node.admin_key}"} if node.admin_key else {}
            targets.append(Target("reference", node.url, headers, node.pid, Preload(node.url, headers)))
        if args.target:
            headers = {"Authorization": f"Bearer {args.admin_key}"} if args.admin_key else {}
            targets.append(Target(args.target_name, args.target.rstrip("/"), headers, args.target_pid,
                                  Preload(args.target.rstrip("/"), headers)))
        trivial_node = TrivialEndpoint().start()
        started.append(trivial_node)
        trivial = Target(TRIVIAL, trivial_node.url, {}, trivial_node.pid)
        report = run_bench(targets, trivial, levels, args, progress=lambda line: print(line, flush=True))
    except (ConformanceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    finally:
        for process in reversed(started):
            process.stop()
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
                for target in [*active, trivial]:
                    source = target if target.preload else active[0]  # the trivial endpoint gets the first's ids
                    assert source.preload is not None
                    ids = source.preload.ids[:loaded] if kind == "id" else []
                    calls = _calls(kind, args.requests, f"{run_tag}n{n}{mode}", entities, ids, seed)
                    result = run_calls(target.url, calls, row=row, mode=mode, target=target.name,
                                       concurrency=concurrency, headers=target.headers,
                                       time_budget=args.row_seconds, server_pid=target.pid, client=args.client)
                    level.results.append(result)
                    progress(f"N={n} {row} {mode} {target.name}: {result.rate:.0f} req/s, p50 {result.p50_ms:.2f} ms, "
                             f"p99 {result.p99_ms:.2f} ms, {result.requests}/{result.planned} requests, "
                             f"{result.errors} errors" + (f" e.g. {result.error_samples[0]}" if result.errors else ""))
        for target in [*targets, trivial]:
            if target.pid:
                target.peak_rss[n] = peak_rss_bytes(target.pid)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {**machine(), "python": platform.python_version(), "system": platform.system(),
                    "server": _server_stack()},
        "config": {"levels": levels, "requests_per_row": args.requests, "concurrency": args.concurrency,
                   "row_seconds": args.row_seconds, "client": args.client, "preload_budget_s": args.preload_budget,
                   "seed": args.seed,
                   "reference_auth": args.auth if (args.embedded or not args.target) else None},
        "targets": [t.name for t in targets] + [trivial.name],
        "preload": {t.name: {"loaded": t.preload.loaded, "method": t.preload.method,
                             "facts_per_s": round(t.preload.rate, 1)} for t in targets if t.preload},
        "peak_rss_bytes": {t.name: {str(n): v for n, v in t.peak_rss.items()} for t in [*targets, trivial] if t.pid},
        "levels": [{"n": level.n, "decisions": level.decisions, "rows": [r.to_json() for r in level.results]}
                   for level in done],
        "seconds": round(time.monotonic() - clock, 1),
    }


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


# --- rendering -----------------------------------------------------------------------------------------------

def _lines(report: dict[str, Any]) -> list[tuple[int, str, str, dict[str, dict[str, Any]]]]:
    """(N, row, mode, {target: row json}) in run order."""
    lines: list[tuple[int, str, str, dict[str, dict[str, Any]]]] = []
    for level in report["levels"]:
        index: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for row in level["rows"]:
            key = (row["row"], row["mode"])
            if key not in index:
                index[key] = {}
                lines.append((level["n"], row["row"], row["mode"], index[key]))
            index[key][row["target"]] = row
    return lines


def _ratio_pairs(report: dict[str, Any]) -> list[tuple[str, str]]:
    names: list[str] = report["targets"]
    return [(names[0], other) for other in names[1:]] if names else []


def _ratio(cells: dict[str, dict[str, Any]], num: str, den: str) -> float | None:
    if num in cells and den in cells and cells[den]["req_per_s"] > 0:
        return float(cells[num]["req_per_s"]) / float(cells[den]["req_per_s"])
    return None


def _short(name: str) -> str:
    return {"reference": "ref", "upstream": "up", TRIVIAL: "triv"}.get(name, name[:6])


def render_table(report: dict[str, Any]) -> str:
    """The side-by-side console table: per target req/s, p50, p99, errors; then the ratios."""
    names: list[str] = report["targets"]
    pairs = _ratio_pairs(report)
    head = f"{'N':>7} {'row':<22} {'mode':<4}"
    for name in names:
        head += f" | {name[:10]:>10} {'p50':>7} {'p99':>7} {'err':>4}"
    head += " |" + "".join(f" {_short(a) + '/' + _short(b):>9}" for a, b in pairs)
    out = [head, "-" * len(head)]
    for n, row, mode, cells in _lines(report):
        line = f"{n:>7} {row:<22} {mode:<4}"
        for name in names:
            cell = cells.get(name)
            if cell is None:
                line += f" | {'-':>10} {'-':>7} {'-':>7} {'-':>4}"
            else:
                line += (f" | {cell['req_per_s']:>10.0f} {cell['p50_ms']:>7.2f} {cell['p99_ms']:>7.2f} "
                         f"{cell['errors']:>4}")
        line += " |"
        for a, b in pairs:
            ratio = _ratio(cells, a, b)
            line += f" {'-' if ratio is None else f'{ratio:.2f}x':>9}"
        out.append(line)
    out.append("req/s per target; p50/p99 latency in ms; err = non-2xx answers (must be 0)")
    out.extend(verdicts(report))
    return "\n".join(out)


def verdicts(report: dict[str, Any]) -> list[str]:
    """Whether the targets were met: the first node >= 10x every other node, >= 0.5x trivial, no errors."""
    names: list[str] = report["targets"]
    if not names:
        return []
    lines = _lines(report)
    first = names[0]
    out: list[str] = []
    for other in names[1:]:
        goal = TARGET_TRIVIAL_RATIO if other == TRIVIAL else TARGET_UPSTREAM_RATIO
        ratios = [(n, row, mode, _ratio(cells, first, other)) for n, row, mode, cells in lines]
        measured = [(n, row, mode, r) for n, row, mode, r in ratios if r is not None]
        if not measured:
            continue
        missed = [f"N={n} {row} {mode} ({r:.2f}x)" for n, row, mode, r in measured if r < goal]
        worst = min(r for *_, r in measured)
        out.append(f"target {first} >= {goal:g}x {other}: {'met' if not missed else 'NOT met'} "
                   f"({len(measured) - len(missed)} of {len(measured)} rows reach it; lowest {worst:.2f}x)"
                   + (f"; below: {', '.join(missed)}" if missed else ""))
    ceiling = max((cells[TRIVIAL] for *_, cells in lines if TRIVIAL in cells), key=lambda c: c["req_per_s"],
                  default=None)
    if ceiling is not None:
        fastest = max((cell["req_per_s"] for *_, cells in lines for name, cell in cells.items() if name != TRIVIAL),
                      default=0.0)
        out.append(f"load generator ceiling: {ceiling['req_per_s']:.0f} req/s on the trivial endpoint "
                   f"({ceiling['row']} {ceiling['mode']}, generator at {ceiling.get('client_cpu', 0):.2f} of a core); "
                   f"the fastest node row reached {fastest:.0f} req/s, "
                   f"{fastest / ceiling['req_per_s'] if ceiling['req_per_s'] else 0:.0%} of it")
    errors = sum(cell["errors"] for *_, cells in lines for cell in cells.values())
    out.append(f"errors (non-2xx or transport): {errors}")
    return out


_CLIENT_TEXT = {"httpx": "httpx (one keep-alive httpx.Client per worker, TCP_NODELAY)",
                "raw": "raw (a minimal HTTP/1.1 keep-alive socket client per worker, TCP_NODELAY)"}


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 2**20:.0f} MiB"


def render_markdown(report: dict[str, Any]) -> str:
    """``reports/bench/bench.md``: the run's conditions, the side-by-side table, ratios, memory, CPU per request."""
    names: list[str] = report["targets"]
    pairs = _ratio_pairs(report)
    m = report["machine"]
    mem = m.get("mem_total_bytes")
    cfg = report["config"]
    out = ["## Benchmark", "", f"- Date: {report['date']}"]
    memory = f"memory {mem / 2**30:.1f} GiB" if mem else "memory n/a"
    out.append(f"- Machine: nproc {m.get('nproc')}, {memory}, CPU {m.get('cpu_model') or 'n/a'}, "
               f"Python {m.get('python')} ({m.get('system')})")
    if m.get("server"):
        out.append(f"- Server of the reference node and the trivial endpoint: {m['server']}; one worker each")
    out.append(f"- N (preloaded facts): {', '.join(str(n) for n in cfg['levels'])}; {cfg['requests_per_row']} requests "
               f"per row and target; concurrent rows use {cfg['concurrency']} worker threads; load generator "
               f"{_CLIENT_TEXT.get(cfg.get('client', 'httpx'), cfg.get('client'))}")
    if cfg.get("reference_auth"):
        out.append(f"- Reference node auth: {cfg['reference_auth']}")
    for name, info in report["preload"].items():
        out.append(f"- Preload of {name}: {info['loaded']} facts via {info['method']}, {info['facts_per_s']} facts/s")
    for level in report["levels"]:
        for decision in level["decisions"]:
            out.append(f"- {decision}")
    out.append(f"- `{TRIVIAL}` is a bare ASGI app answering `{{\"ok\":true}}` to any request, served like the "
               "reference node and sent the same requests right after it in each row: the load generator's ceiling")
    out.append("")
    head = "| N | row | mode |" + "".join(f" {name} req/s | p50 ms | p99 ms | err |" for name in names)
    head += "".join(f" {a}/{b} |" for a, b in pairs)
    out.append(head)
    out.append("|" + "---|" * (3 + 4 * len(names) + len(pairs)))
    for n, row, mode, cells in _lines(report):
        line = f"| {n} | `{row}` | {mode} |"
        for name in names:
            cell = cells.get(name)
            line += (" - | - | - | - |" if cell is None else
                     f" {cell['req_per_s']:.0f} | {cell['p50_ms']:.2f} | {cell['p99_ms']:.2f} | {cell['errors']} |")
        for a, b in pairs:
            ratio = _ratio(cells, a, b)
            line += f" {'-' if ratio is None else f'{ratio:.2f}x'} |"
        out.append(line)
    out.append("")
    out.extend(f"- {line}" for line in verdicts(report))
    if report["peak_rss_bytes"]:
        out.append("")
        out.append("Peak resident memory (VmHWM) of the processes the suite started, after the rows of each N:")
        out.append("")
        out.append("| process |" + "".join(f" N={n} |" for n in cfg["levels"]))
        out.append("|---|" + "---|" * len(cfg["levels"]))
        for name, per_level in report["peak_rss_bytes"].items():
            out.append(f"| {name} |" + "".join(f" {_mib(per_level.get(str(n)))} |" for n in cfg["levels"]))
    out.append("")
    out.append("CPU per request (noise-resistant on a shared machine): server CPU ms per request where the PID is "
               "known, and the load generator's CPU use in cores (all its threads):")
    out.append("")
    out.append("| N | row | mode |" + "".join(f" {name} srv ms/req | gen cores |" for name in names))
    out.append("|" + "---|" * (3 + 2 * len(names)))
    for n, row, mode, cells in _lines(report):
        line = f"| {n} | `{row}` | {mode} |"
        for name in names:
            cell = cells.get(name)
            srv = None if cell is None else cell.get("server_cpu_ms_per_req")
            gen = None if cell is None else cell.get("client_cpu")
            line += f" {'-' if srv is None else f'{srv:.3f}'} | {'-' if gen is None else f'{gen:.2f}'} |"
        out.append(line)
    out.append("")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.bench", description=__doc__.split("\n\n")[0])
    _arguments(parser)
    return cmd_bench(parser.parse_args(argv))
