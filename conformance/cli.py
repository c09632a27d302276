"""The ``stigmem-conformance`` command: a thin layer over the library, one function per subcommand.

Exit codes: 0 when nothing failed; 1 when a check or vector failed or errored, or a ledger entry passed
unexpectedly; 2 for a usage error or broken suite data; 3 when the implementation could not be reached.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from conformance import __version__
from conformance.catalog import expectations, interpretations, profiles
from conformance.catalog.vectors import adapter_vectors
from conformance.console import COLORS, FORMATS, Console
from conformance.errors import ConformanceError, SuiteDataError, Unreachable, UsageError
from conformance.harness.stdio_adapter import StdioAdapter
from conformance.outcomes import CaseResult, by_area, run_failed, summarize
from conformance.progress import Progress
from conformance.reports import json_report, junit, summary
from conformance.vector_run import run, select


class _Case(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Case)
DEFAULT_ADAPTER = f"{shlex.quote(sys.executable)} -m reference_node.adapter"
COLUMNS = (("pass", "pass"), ("fail", "fail"), ("error", "error"), ("unsupported", "unsup"), ("skip", "skip"),
           ("not-implemented", "n/impl"), ("expected-fail", "xfail"), ("unexpected-pass", "xpass"),
           ("not-applicable", "n/a"))


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preset", default="default", help="interpretation preset: default or upstream-0.9.0a12")
    p.add_argument("--interpretation", action="append", default=[], metavar="KEY=OPTION",
                   help="switch one entry of vectors/interpretations.json (repeatable)")
    p.add_argument("--only", "-k", action="append", default=[], metavar="GLOB",
                   help="run only cases whose id, area or requirement id matches (repeatable)")
    p.add_argument("--expectations", type=Path, help="known-failure ledger (YAML or JSON) keyed by case id")
    p.add_argument("--report-dir", type=Path, help="write report.json, junit.xml, summary.md and report.html here")
    p.add_argument("--junit-xml", type=Path, metavar="PATH", help="write the JUnit XML report to PATH (alone, or "
                   "beside --report-dir)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="console output: text, or jsonl (one JSON object per finished case, then a summary object; "
                        "other lines go to stderr)")
    p.add_argument("--color", choices=COLORS, default="auto",
                   help="colour the console: auto (a terminal, unless NO_COLOR is set), always or never")
    p.add_argument("--list", action="store_true", help="print what would run and exit")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary line")
    p.add_argument("--exitfirst", "-x", action="store_true",
                   help="stop at the first failing or erroring case (the rest are not run and not reported)")
    p.add_argument("--first", action="append", default=[], metavar="GLOB",
                   help="run the cases whose id matches first, then the rest in their usual order (repeatable; "
                        "with --exitfirst a case known to fail is reached sooner, and the verdict is the same)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stigmem-conformance", description="Conformance suite for stigmem.")
    parser.add_argument("--version", action="version", version=f"stigmem-conformance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    vec = sub.add_parser("vectors", help="run the golden vectors through a stdio adapter")
    vec.add_argument("--adapter", default=DEFAULT_ADAPTER,
                     help="command that starts the adapter (default: the embedded reference core)")
    vec.add_argument("--validate-protocol", action="store_true",
                     help="validate every adapter message against schemas/adapter/v1")
    vec.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer")
    _common(vec)
    run_p = sub.add_parser("run", help="check a node over HTTP (default: start the embedded reference node)")
    run_p.add_argument("--target", help="base URL of the node under test (default: the embedded reference node)")
    run_p.add_argument("--admin-key", help="an admin API key (lets the suite create scoped keys)")
    run_p.add_argument("--api-key", help="a read/write API key, when no admin key is available")
    run_p.add_argument("--profile", action="append", default=[],
                       help="profile to check (repeatable; default: what the node claims, else core-local)")
    run_p.add_argument("--timeout", type=float, default=15.0, help="seconds per HTTP request")
    run_p.add_argument("--embedded-arg", action="append", default=[], metavar="FLAG",
                       help="extra flag for the embedded reference node (repeatable; use the = form, e.g. "
                            "--embedded-arg=--conflict-cardinality=pairwise); pair it with the matching "
                            "--interpretation")
    run_p.add_argument("--recipe", help="launch recipe for multi-node federation checks: a TOML file or the name of "
                                         "a shipped one (reference, upstream); default: reference without --target")
    run_p.add_argument("--connection-bound", type=float, default=30.0, metavar="SECONDS",
                       help="longest the node may hold a connection that sends nothing, or its headers or body a "
                            "byte a second (default 30; the embedded node closes them after 2)")
    run_p.add_argument("--idle-connections", type=int, default=1000, metavar="N",
                       help="idle or slowloris connections held open while a normal client is served (default "
                            "1000; 0 skips that check)")
    run_p.add_argument("--tombstone-poll-wait", type=float, default=0.0, metavar="SECONDS",
                       help="watch the node's unprompted tombstone polls of a peer this long (310 or more: one "
                            "5-minute period, STG-TOMB-022; default 0 skips that check)")
    run_p.add_argument("--pull-interval", type=float, default=None, metavar="SECONDS",
                       help="the node's own federation pull interval, so http:workers_pull_cadence can count its "
                            "loop's pulls (default unknown: that check skips; the embedded node pulls hourly unless "
                            "--embedded-arg=--pull-interval=SECONDS)")
    tls = run_p.add_argument_group("mTLS (docs/federation-api.md \"mTLS\")")
    tls.add_argument("--mtls", action="store_true",
                     help="run the embedded node over TLS 1.3 with mTLS for federation, certificates from a throwaway "
                          "CA (implied by --profile hardening)")
    tls.add_argument("--tls-ca", metavar="PEM", help="--target over https: the CA of the node and of its peers")
    tls.add_argument("--tls-ca-key", metavar="PEM",
                     help="the key of --tls-ca, so scripted peers get certificates the node trusts (else the checks "
                          "that need one skip)")
    tls.add_argument("--client-cert", metavar="PEM", help="a client certificate for every operator request")
    tls.add_argument("--client-key", metavar="PEM", help="the key of --client-cert (default: in the same file)")
    run_p.add_argument("--jobs", "-j", type=int, default=3, metavar="N",
                       help="checks that start nodes of their own (failure-mode scenarios) or wait on a clock with "
                            "entities of their own (expiry, manifest lifetimes) run on N-1 threads beside the others, "
                            "which run one at a time (default 3; 1 runs everything in order)")
    _common(run_p)
    diff = sub.add_parser("diff", help="list vectors whose expected result changes between two readings or sets")
    diff.add_argument("--a", action="append", default=[], metavar="KEY=OPTION", help="first reading (repeatable)")
    diff.add_argument("--b", action="append", default=[], metavar="KEY=OPTION", help="second reading (repeatable)")
    diff.add_argument("--preset-a", default="default")
    diff.add_argument("--preset-b", default="default")
    diff.add_argument("--against", type=Path, help="another vectors/ directory: compare the two vector sets")
    from conformance.bench.cli import add_parser as add_bench_parser

    add_bench_parser(sub)
    from conformance.reports.command import add_parser as add_report_parser
    add_report_parser(sub)
    return parser


def _print_table(out: Console, results: list[CaseResult]) -> None:
    used = [(k, label) for k, label in COLUMNS if any(r.outcome == k for r in results)]
    out.say(f"{'area':<16}" + "".join(f"{label:>8}" for _, label in used))
    for area, counts in by_area(results).items():
        out.say(f"{area:<16}" + "".join(out.paint(f"{counts[key]:>8}", key if counts[key] else "")
                                        for key, _ in used))


def _summary_line(kind: str, totals: dict[str, int], duration: float) -> str:
    parts = [f"{totals['pass']} passed", f"{totals['fail']} failed", f"{totals['error']} errors"]
    parts += [f"{totals[k]} {k}" for k, _ in COLUMNS[3:] if totals.get(k)]
    return f"{kind}: " + ", ".join(parts) + f" in {duration:.2f} s"


def _command_line(argv: list[str] | None) -> str:
    """The command as typed, minus the default adapter (whose path is machine-specific)."""
    words = list(sys.argv[1:] if argv is None else argv)
    if "--adapter" in words and words[words.index("--adapter") + 1] == DEFAULT_ADAPTER:
        del words[words.index("--adapter"):words.index("--adapter") + 2]
    for flag, placeholder in (("--admin-key", "$ADMIN_KEY"), ("--api-key", "$API_KEY")):
        if flag in words and words.index(flag) + 1 < len(words):
            words[words.index(flag) + 1] = placeholder
    return "stigmem-conformance " + " ".join(w if w.startswith("$") else shlex.quote(w) for w in words)


def _preflight_files(args: argparse.Namespace) -> None:
    """Read the ledger and check the report directory before any case runs (a typo costs no run)."""
    args.ledger = expectations.load(args.expectations) if args.expectations else []
    if args.report_dir is not None:
        directory = args.report_dir
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"--report-dir {directory} is a file, not a directory")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / ".stigmem-write-probe"
            probe.write_text("", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            raise UsageError(f"--report-dir {directory} is not writable: {exc.strerror or exc}") from exc
    if args.junit_xml is not None:
        if args.junit_xml.is_dir():
            raise UsageError(f"--junit-xml {args.junit_xml} is a directory; give a file name (e.g. junit.xml)")
        try:
            args.junit_xml.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--junit-xml {args.junit_xml}: cannot create its folder: {exc.strerror or exc}") from exc
        writable = args.junit_xml if args.junit_xml.exists() else args.junit_xml.parent
        if not os.access(writable, os.W_OK):
            raise UsageError(f"--junit-xml {args.junit_xml} is not writable")


def _finish(args: argparse.Namespace, kind: str, target: dict[str, Any], active: dict[str, str],
            started: str, duration: float, results: list[CaseResult], extra: dict[str, Any]) -> int:
    out: Console = args.console
    unmatched = expectations.apply(results, args.ledger) if args.ledger else []
    totals = summarize(results)
    unchecked = [p for p, verdict in extra.get("checked", {}).items() if not verdict]
    code = 1 if run_failed(totals) or unchecked else 0
    if not args.quiet and not out.jsonl:
        _print_table(out, results)
        for r in results:
            if r.outcome in ("fail", "error", "unexpected-pass"):
                out.say(f"{out.paint(r.outcome.upper(), r.outcome)} [{r.id} {' '.join(r.requirements)}] {r.message}")
        for profile, verdict in extra.get("claims", {}).items():
            out.say(f"profile {profile}: {verdict}")
        reasons = Counter(r.message for r in results if r.outcome == "skip")
        for reason, count in reasons.most_common(5):
            out.say(f"skipped {count}: {reason}")
    for pattern in unmatched:
        out.say(f"expectations: {pattern!r} matches no case that ran (stale entry?)")
    out.say(out.paint(_summary_line(kind, totals, duration), "fail" if code else "pass"))
    for profile in unchecked:
        out.say(f"profile {profile}: not checked (every check skipped)")
    paths = []
    if args.report_dir or args.junit_xml:
        target["command"] = _command_line(args.argv)
        report = json_report.build(kind, target, active, args.preset, started, duration, results)
        report.update({k: v for k, v in extra.items() if k != "checked"})
        report["expectations"] = str(args.expectations) if args.expectations else None
        if args.report_dir:
            paths += [json_report.write(report, args.report_dir), junit.write(report, args.report_dir),
                      summary.write(report, args.report_dir)]
        if args.junit_xml:
            paths.append(junit.write_file(report, args.junit_xml))
        out.say("reports: " + ", ".join(str(p) for p in paths))
    out.emit("summary", {"kind": kind, "summary": totals, "duration_s": round(duration, 3), "exit_code": code,
                         "claims": extra.get("claims", {}), "unchecked_profiles": unchecked,
                         "stale_expectations": unmatched, "reports": [str(p) for p in paths]})
    return code


def _on_result(args: argparse.Namespace, kind: str, progress: Progress) -> Callable[[CaseResult], None]:
    """Per finished case: the progress display, and in jsonl its line (ledger applied, as the report will have it)."""
    out: Console = args.console

    def update(result: CaseResult) -> None:
        progress.update(result)
        if out.jsonl:
            if args.ledger:
                expectations.apply([result], args.ledger)  # idempotent: _finish applies the ledger again to all
            out.case(kind, result)
    return update


def _progress(args: argparse.Namespace, total: int, label: str) -> Progress:
    out: Console = args.console
    return Progress(total, label, enabled=not (args.quiet or out.jsonl), color=out.color)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def first(cases: list[T], patterns: list[str]) -> list[T]:
    """``cases`` with those whose id matches one of ``patterns`` moved to the front (both parts keep their order)."""
    def ahead(case: T) -> bool:
        return any(fnmatch.fnmatchcase(case.id, p) for p in patterns)
    return [c for c in cases if ahead(c)] + [c for c in cases if not ahead(c)]


def cmd_vectors(args: argparse.Namespace) -> int:
    active = interpretations.resolve(args.preset, args.interpretation)
    try:
        words = shlex.split(args.adapter)
    except ValueError as exc:
        raise UsageError(f"--adapter {args.adapter!r}: {exc}; quote the command as one shell word") from exc
    if not words:
        raise UsageError("--adapter is empty: give the command that starts the adapter")
    vectors = first(select(adapter_vectors(), args.only), args.first)
    if not vectors:
        raise UsageError(f"no vector matches {args.only}")
    if args.list:
        for v in vectors:
            applies = interpretations.applies(v.interpretations, active)
            args.console.emit("listed", {"kind": "vectors", "id": v.id, "requirements": v.requirements,
                                         "description": v.description, "applicable": applies})
            if not args.console.jsonl:
                print(f"{v.id}  {' '.join(v.requirements)}  {v.description}{'' if applies else '  (not applicable)'}")
        return 0
    _preflight_files(args)
    started, clock = _now(), time.perf_counter()
    with StdioAdapter(args.adapter, timeout=args.timeout, validate=args.validate_protocol) as adapter:
        hello = adapter.start()
        with _progress(args, len(vectors), "vectors") as progress:
            results = run(adapter, vectors, active, _on_result(args, "vectors", progress), exitfirst=args.exitfirst)
    impl = hello.get("implementation", {})
    if not args.quiet:
        args.console.say(f"adapter: {impl.get('name', '?')} {impl.get('version', '?')} ({impl.get('language', '?')})")
    target = {"adapter": "embedded reference core" if args.adapter == DEFAULT_ADAPTER else args.adapter,
              "implementation": impl}
    return _finish(args, "vectors", target, active, started, time.perf_counter() - clock, results, {})


def cmd_run(args: argparse.Namespace) -> int:
    from conformance.http_run import context_for, profile_index, run_checks
    from conformance.http_run import select as select_checks
    from conformance.session import RunSession, SessionOptions, validate

    active = interpretations.resolve(args.preset, args.interpretation)
    options = SessionOptions(target=args.target, admin_key=args.admin_key, api_key=args.api_key,
                             profiles=args.profile, recipe=args.recipe, timeout=args.timeout,
                             node_args=tuple(args.embedded_arg), mtls=args.mtls, tls_ca=args.tls_ca,
                             tls_ca_key=args.tls_ca_key, client_cert=args.client_cert, client_key=args.client_key)
    if args.target and args.mtls:
        raise UsageError("--mtls starts the embedded node with TLS; for --target give --tls-ca (and client certs)")
    if args.tls_ca and not args.target:
        raise UsageError("--tls-ca applies to --target; the embedded node uses --mtls")
    if args.target and args.embedded_arg:
        raise UsageError("--embedded-arg configures the embedded reference node; it cannot apply to --target")
    validate(options)
    if args.list:
        for c in select_checks(args.profile or profiles.known(), args.only):
            args.console.emit("listed", {"kind": "http", "id": c.id, "profile": c.profile,
                                         "requirements": list(c.requirements), "description": c.description})
            if not args.console.jsonl:
                print(f"{c.id}  [{c.profile}]  {c.description}")
        return 0
    _preflight_files(args)
    started, clock = _now(), time.perf_counter()
    with RunSession(options) as session:
        checks = first(select_checks(session.chosen, args.only), args.first)
        if not checks:
            raise UsageError(f"no check matches profiles {session.chosen} and {args.only}")
        if session.key_problems and not args.quiet:
            args.console.say(f"could not create scoped keys ({'; '.join(sorted(set(session.key_problems.values())))}); "
                  "checks that need them are skipped")
        if not args.quiet:
            node = session.discovery.get("node_id", "no discovery document")
            args.console.say(f"target: {session.url} ({node}, version {session.discovery.get('version', '?')}); "
                             f"profiles: {', '.join(session.chosen)}")
        url, chosen, discovery = session.url, session.chosen, session.discovery
        with _progress(args, len(checks), "checks") as progress:
            ctx = context_for(session, active, args.connection_bound, args.idle_connections,
                              args.tombstone_poll_wait, args.pull_interval)
            results = run_checks(ctx, checks, active, _on_result(args, "http", progress),
                                 exitfirst=args.exitfirst, jobs=args.jobs)
    claims = profiles.verify_claims(profiles.claimed(discovery), profile_index(), results)
    index = profile_index()
    # a profile that had checks selected, all of which skipped, was not checked (a profile with no checks
    # registered yet is left out: it has nothing to skip)
    checked = {p: any(r.outcome not in ("skip", "not-applicable") for r in mine)
               for p in chosen if (mine := [r for r in results if index.get(r.id) == p])}
    report_target = {"url": url, "embedded": session.embedded, "discovery": discovery}
    return _finish(args, "http", report_target, active, started, time.perf_counter() - clock, results,
                   {"profiles": chosen, "claims": claims, "checked": checked})


def cmd_diff(args: argparse.Namespace) -> int:
    from conformance.catalog.vectors import load_vectors
    from conformance.reports import diff

    if args.against:
        if not args.against.is_dir() or not any(args.against.rglob("*.json")):
            raise UsageError(f"--against {args.against}: not a vectors directory (no JSON files there)")
        changes = diff.between_sets(load_vectors(args.against, validate=False), load_vectors())
    else:
        a = interpretations.resolve(args.preset_a, args.a)
        b = interpretations.resolve(args.preset_b, args.b)
        changes = diff.between_readings(load_vectors(), a, b)
    print(diff.render(changes))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from conformance.reports import command

    return command.run(args)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.argv = argv
    args.console = Console(getattr(args, "format", "text"), getattr(args, "color", "auto"))
    from conformance.bench.cli import cmd_bench

    commands = {"vectors": cmd_vectors, "run": cmd_run, "report": cmd_report, "diff": cmd_diff, "bench": cmd_bench}
    try:
        return commands[args.command](args)
    except BrokenPipeError:  # output piped into head: stop quietly, as a Unix tool does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Unreachable as exc:
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
