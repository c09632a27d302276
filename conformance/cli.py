"""The ``stigmem-conformance`` command: a thin layer over the library, one function per subcommand.

Exit codes: 0 when nothing failed; 1 when a check or vector failed or errored; 2 for a usage error or
broken suite data; 3 when the implementation could not be reached (adapter did not start).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.catalog import interpretations
from conformance.catalog.vectors import adapter_vectors
from conformance.errors import AdapterStartFailed, ConformanceError, SuiteDataError, UsageError
from conformance.harness.stdio_adapter import StdioAdapter
from conformance.reports import json_report, junit, summary
from conformance.reports.results import CaseResult, by_area, summarize
from conformance.vector_run import run, select

DEFAULT_ADAPTER = f"{shlex.quote(sys.executable)} -m reference_node.adapter"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stigmem-conformance", description="Conformance suite for stigmem.")
    parser.add_argument("--version", action="version", version=f"stigmem-conformance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    vec = sub.add_parser("vectors", help="run the golden vectors through a stdio adapter")
    vec.add_argument("--adapter", default=DEFAULT_ADAPTER,
                     help="command that starts the adapter (default: the embedded reference core)")
    vec.add_argument("--preset", default="default", help="interpretation preset: default or upstream-0.9.0a12")
    vec.add_argument("--interpretation", action="append", default=[], metavar="KEY=OPTION",
                     help="switch one interpretation (repeatable)")
    vec.add_argument("--only", "-k", action="append", default=[], metavar="GLOB",
                     help="run only vectors whose id, op, area, file or requirement matches (repeatable)")
    vec.add_argument("--report-dir", type=Path, help="write report.json here")
    vec.add_argument("--validate-protocol", action="store_true",
                     help="validate every adapter message against schemas/adapter/v1")
    vec.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer")
    vec.add_argument("--quiet", "-q", action="store_true", help="print only the summary line")
    run = sub.add_parser("run", help="check a node over HTTP (default: start the embedded reference node)")
    run.add_argument("--target", help="base URL of the node under test (default: the embedded reference node)")
    run.add_argument("--admin-key", help="an admin API key (lets the suite create scoped keys)")
    run.add_argument("--api-key", help="a read/write API key, when no admin key is available")
    run.add_argument("--profile", action="append", default=[], help="profile to check (repeatable; default core-local)")
    run.add_argument("--preset", default="default", help="interpretation preset: default or upstream-0.9.0a12")
    run.add_argument("--interpretation", action="append", default=[], metavar="KEY=OPTION")
    run.add_argument("--only", "-k", action="append", default=[], metavar="GLOB",
                     help="run only checks whose id, area or requirement matches (repeatable)")
    run.add_argument("--report-dir", type=Path, help="write report.json here")
    run.add_argument("--timeout", type=float, default=15.0, help="seconds per HTTP request")
    run.add_argument("--quiet", "-q", action="store_true", help="print only the summary line")
    rep = sub.add_parser("report", help="render REPORT.md from report directories (one column each)")
    rep.add_argument("dirs", nargs="+", type=Path, help="directories holding report.json; the name labels the column")
    rep.add_argument("--output", "-o", type=Path, default=Path("REPORT.md"))
    rep.add_argument("--append", type=Path, help="a Markdown file appended verbatim (notes, benchmark table)")
    return parser


COLUMNS = (("pass", "pass"), ("fail", "fail"), ("error", "error"), ("unsupported", "unsup"), ("skip", "skip"),
           ("not-implemented", "n/impl"), ("not-applicable", "n/a"))


def _print_table(results: list[CaseResult]) -> None:
    print(f"{'area':<16}" + "".join(f"{label:>8}" for _, label in COLUMNS))
    for area, counts in by_area(results).items():
        print(f"{area:<16}" + "".join(f"{counts[key]:>8}" for key, _ in COLUMNS))


def _summary_line(kind: str, summary: dict[str, int], duration: float) -> str:
    parts = [f"{summary['pass']} passed", f"{summary['fail']} failed", f"{summary['error']} errors"]
    parts += [f"{summary[k]} {k}" for k in ("unsupported", "skip", "not-implemented", "not-applicable") if summary[k]]
    return f"{kind}: " + ", ".join(parts) + f" in {duration:.2f} s"


def _command_line(argv: list[str] | None) -> str:
    """The command as typed, minus the default adapter (whose path is machine-specific)."""
    words = list(sys.argv[1:] if argv is None else argv)
    if "--adapter" in words and words[words.index("--adapter") + 1] == DEFAULT_ADAPTER:
        del words[words.index("--adapter"):words.index("--adapter") + 2]
    return "stigmem-conformance " + " ".join(shlex.quote(w) for w in words)


def _write_reports(report: dict[str, Any], directory: Path) -> None:
    paths = [json_report.write(report, directory), junit.write(report, directory), summary.write(report, directory)]
    print("reports: " + ", ".join(str(p) for p in paths))


def cmd_vectors(args: argparse.Namespace) -> int:
    active = interpretations.resolve(args.preset, args.interpretation)
    vectors = select(adapter_vectors(), args.only)
    if not vectors:
        raise UsageError(f"no vector matches {args.only}")
    started = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    clock = time.perf_counter()
    with StdioAdapter(args.adapter, timeout=args.timeout, validate=args.validate_protocol) as adapter:
        hello = adapter.start()
        results = run(adapter, vectors, active)
    duration = time.perf_counter() - clock
    summary = summarize(results)
    impl = hello.get("implementation", {})
    if not args.quiet:
        print(f"adapter: {impl.get('name', '?')} {impl.get('version', '?')} ({impl.get('language', '?')})")
        _print_table(results)
        for r in results:
            if r.outcome in ("fail", "error"):
                print(f"{r.outcome.upper()} [{r.id} {' '.join(r.requirements)}] {r.message}")
    print(_summary_line("vectors", summary, duration))
    if args.report_dir:
        target = {"adapter": "embedded reference core" if args.adapter == DEFAULT_ADAPTER else args.adapter,
                  "implementation": impl, "command": _command_line(args.argv)}
        report = json_report.build("vectors", target, active,
                                   args.preset, started, duration, results)
        _write_reports(report, args.report_dir)
    return 1 if summary["fail"] or summary["error"] else 0


def cmd_run(args: argparse.Namespace) -> int:
    from conformance.checks.registry import Context
    from conformance.harness.embedded_node import EmbeddedNode
    from conformance.harness.http_target import HttpTarget
    from conformance.http_run import discovery_of, provision_keys, run_checks, select

    active = interpretations.resolve(args.preset, args.interpretation)
    profiles = args.profile or ["core-local"]
    checks = select(profiles, args.only)
    if not checks:
        raise UsageError(f"no check matches profiles {profiles} and {args.only}")
    node = None
    if args.target:
        url, keys = args.target, {k: v for k, v in (("admin", args.admin_key or args.api_key),) if v}
    else:
        node = EmbeddedNode().start()
        url, keys = node.url, {"admin": node.admin_key}
    started = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    clock = time.perf_counter()
    target = HttpTarget(url, keys, timeout=args.timeout)
    try:
        discovery = discovery_of(target)
        ctx = Context(target, active, discovery, auth_required=discovery.get("auth", "required") != "none")
        if "admin" in keys and (args.admin_key or node):
            problems = provision_keys(target)
            if problems and not args.quiet:
                print(f"could not create scoped keys ({'; '.join(sorted(set(problems.values())))}); "
                      "checks that need them are skipped")
        results = run_checks(ctx, checks, active)
    finally:
        target.close()
        if node:
            node.stop()
    duration = time.perf_counter() - clock
    summary = summarize(results)
    if not args.quiet:
        print(f"target: {url} ({discovery.get('node_id', 'no discovery document')}, version "
              f"{discovery.get('version', '?')}); profiles: {', '.join(profiles)}")
        _print_table(results)
        for r in results:
            if r.outcome in ("fail", "error"):
                print(f"{r.outcome.upper()} [{r.id} {' '.join(r.requirements)}] {r.message}")
    print(_summary_line("checks", summary, duration))
    if args.report_dir:
        report = json_report.build("http", {"url": url, "embedded": node is not None, "discovery": discovery,
                                            "command": _command_line(args.argv)},
                                   active, args.preset, started, duration, results)
        _write_reports(report, args.report_dir)
    return 1 if summary["fail"] or summary["error"] else 0


def cmd_report(args: argparse.Namespace) -> int:
    from conformance.reports import implementation_report

    columns = [(d.name, implementation_report.load(d)) for d in args.dirs]
    extra = args.append.read_text(encoding="utf-8") if args.append else ""
    args.output.write_text(implementation_report.render(columns, extra), encoding="utf-8")
    print(f"wrote {args.output} with {len(columns)} columns")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.argv = argv
    try:
        return {"vectors": cmd_vectors, "run": cmd_run, "report": cmd_report}[args.command](args)
    except AdapterStartFailed as exc:
        print(f"stigmem-conformance: {exc}", file=sys.stderr)
        return 3
    except (UsageError, SuiteDataError) as exc:
        print(f"stigmem-conformance: {exc}", file=sys.stderr)
        return 2
    except ConformanceError as exc:
        print(f"stigmem-conformance: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
