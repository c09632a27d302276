"""Schemathesis over the node's OpenAPI document: every documented operation, positive and negative data.

    python -m tests.fuzz.openapi_fuzz [--per-operation 120] [--max-seconds 1200] [--out reports/fuzz]

Starts the embedded reference node (a subprocess, stopped by its PID), loads ``/openapi.json`` from it, and for
each operation draws cases in both generation modes, sends each with the bootstrap admin key and runs the checks
``not_a_server_error``, ``status_code_conformance``, ``response_schema_conformance`` and
``content_type_conformance``. A failing check never stops the run: every finding is recorded with the request (as
a curl line) and the response, and the run ends with counts. The first case of each operation is also sent in
hostile variants (``hostile_variants``: every value of the suite's hostile table, huge integers and lone
surrogates included, in every body member and query parameter, plus a lone-surrogate member name), judged by
``not_a_server_error`` and the transport alone. Bounded by ``--per-operation`` cases per operation
and mode, and by ``--max-seconds`` overall.

The short CI run is ``tests/fuzz/test_openapi_fuzz.py``; the long run (>= 5,000 requests) is ``nox -s fuzz``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conformance.checks.hostile_inputs import HOSTILE_VALUES, SURROGATE, dumps
from conformance.harness.embedded_node import EmbeddedNode

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "schemas" / "openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@dataclass
class Finding:
    operation: str
    mode: str
    check: str
    title: str
    status: int | None
    request: str  # a curl line
    response: str  # the first 600 characters of the body


@dataclass
class FuzzResult:
    requests: int = 0
    server_errors: int = 0
    expected_501: int = 0  # as_of failing closed, as the contract demands
    operations: int = 0
    seconds: float = 0.0
    stopped_early: bool = False
    per_operation: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def distinct(self) -> list[Finding]:
        seen: dict[tuple[str, str, str], Finding] = {}
        for f in self.findings:
            seen.setdefault((f.operation, f.check, f.title), f)
        return list(seen.values())

    def summary(self) -> dict[str, Any]:
        distinct = self.distinct()
        return {"requests": self.requests, "operations": self.operations, "server_errors": self.server_errors,
                "expected_501_as_of": self.expected_501,
                "findings": len(self.findings), "distinct_findings": len(distinct),
                "schema_violations": sum(1 for f in self.findings if f.check == "response_schema_conformance"),
                "seconds": round(self.seconds, 1), "stopped_early": self.stopped_early, "statuses": self.statuses}


def _fails_closed(case: Any, response: Any) -> bool:
    """STG-TT-001: ``as_of`` on a node without time travel is 501 time_travel_plugin_not_loaded by contract."""
    if response.status_code != 501 or "as_of" not in (case.query or {}):
        return False
    try:
        return bool(response.json().get("error") == "time_travel_plugin_not_loaded")
    except ValueError:
        return False


def _check_name(failure: Any) -> str:
    for attr in ("check_name", "check"):
        value = getattr(failure, attr, None)
        if isinstance(value, str):
            return value
    return type(failure).__name__


# Query strings travel as UTF-8, so a lone surrogate cannot: these are the query parameters' hostile values.
HOSTILE_QUERY = ("9" * 400, "-" + "9" * 400, "1e999", "a\x00b", "", "x" * 3000)


def hostile_variants(case: Any) -> Iterator[Any]:
    """``case`` with each body member and query parameter set to each hostile value in turn (changed in place
    while the caller sends it, restored afterwards)."""
    body, query = getattr(case, "body", None), getattr(case, "query", None)
    try:
        if isinstance(body, dict):
            for name in [*list(body)[:12], "confidence"]:
                for value in HOSTILE_VALUES.values():
                    case.body = {**body, name: value}
                    yield case
            case.body = {**body, SURROGATE: 1}
            yield case
            case.body = body
        for name in list(query or {}):
            for raw in HOSTILE_QUERY:
                case.query = {**query, name: raw}
                yield case
    finally:
        case.body, case.query = body, query


def _drive(strategy: Any, examples: int, send: Any) -> None:
    """Draw ``examples`` cases (no shrinking: ``send`` never fails, it records) and send each."""

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(case: Any) -> None:
        send(case)

    run()


def fuzz(base_url: str, admin_key: str, per_operation: int, max_seconds: float,
         modes: Sequence[GenerationMode] = MODES) -> FuzzResult:
    """Fuzz every operation of the node at ``base_url``; never raises on a finding."""
    # The document references schemas/wire/*.json by relative path, so it is loaded from the checkout (the node
    # serves the same bytes at /openapi.json, but not the wire files beside it) and aimed at the node.
    schema = schemathesis.openapi.from_path(OPENAPI)
    session = requests.Session()
    headers = {"Authorization": f"Bearer {admin_key}"}
    result = FuzzResult()
    started = time.monotonic()

    hostile_sent: set[str] = set()

    def send_hostile(case: Any, label: str) -> None:
        for variant in hostile_variants(case):
            result.requests += 1
            # Sent by hand: the body as ASCII-escaped JSON, so a lone surrogate travels as \ud800.
            data = dumps(variant.body) if isinstance(variant.body, dict) else None
            where = f"{variant.method} {variant.formatted_path} {variant.query} {data[:300] if data else ''}"
            try:
                response = session.request(variant.method, base_url + variant.formatted_path, params=variant.query,
                                           data=data, timeout=30,
                                           headers={**headers, "Content-Type": "application/json"})
            except requests.RequestException as exc:
                result.findings.append(Finding(label, "hostile", "transport", f"{type(exc).__name__}: {exc}"[:200],
                                               None, where, ""))
                continue
            bucket = f"{response.status_code // 100}xx"
            result.statuses[bucket] = result.statuses.get(bucket, 0) + 1
            if response.status_code >= 500 and not _fails_closed(variant, response):
                result.server_errors += 1
                result.findings.append(Finding(label, "hostile", "not_a_server_error", "5xx on a hostile value",
                                               response.status_code, where, response.text[:600]))

    def send(case: Any, label: str, mode: str) -> None:
        if time.monotonic() - started > max_seconds:
            result.stopped_early = True
            return
        if label not in hostile_sent:
            hostile_sent.add(label)
            send_hostile(case, label)
        result.requests += 1
        result.per_operation[label] = result.per_operation.get(label, 0) + 1
        try:
            response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
        except requests.RequestException as exc:
            result.findings.append(Finding(label, mode, "transport", f"{type(exc).__name__}: {exc}"[:200], None,
                                           case.as_curl_command(headers=headers), ""))
            return
        bucket = f"{response.status_code // 100}xx"
        result.statuses[bucket] = result.statuses.get(bucket, 0) + 1
        if _fails_closed(case, response):
            result.expected_501 += 1
            return
        if response.status_code >= 500:
            result.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                result.findings.append(Finding(label, mode, _check_name(failure), str(failure.title)[:300],
                                               response.status_code, case.as_curl_command(headers=headers)[:1500],
                                               response.text[:600]))
        except AssertionError as failure:
            result.findings.append(Finding(label, mode, _check_name(failure), str(failure)[:300],
                                           response.status_code, case.as_curl_command(headers=headers)[:1500],
                                           response.text[:600]))

    for found in schema.get_all_operations():
        if not hasattr(found, "ok"):  # schemathesis could not read the operation: a finding about the document
            error = found.err()
            where = f"{getattr(error, 'method', '?')} {getattr(error, 'path', '?')}".strip()
            result.findings.append(Finding(where, "-", "invalid_schema", str(error).splitlines()[0][:300], None,
                                           "", str(error)[:600]))
            continue
        operation = found.ok()
        label = operation.label
        result.operations += 1
        for mode in modes:
            if time.monotonic() - started > max_seconds:
                result.stopped_early = True
                break
            try:
                strategy = operation.as_strategy(generation_mode=mode)
            except Exception as exc:  # an operation the generator cannot handle in this mode is itself a finding
                result.findings.append(Finding(label, mode.value, "generation", f"{type(exc).__name__}: {exc}"[:300],
                                               None, "", ""))
                continue

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    _drive(strategy, per_operation, lambda case, label=label, mode=mode.value: send(case, label, mode))
                except Exception as exc:  # e.g. Unsatisfiable: the mode has no data for this operation
                    if type(exc).__name__ not in ("Unsatisfiable", "FailedHealthCheck"):
                        raise
    result.seconds = time.monotonic() - started
    session.close()
    return result


def render(result: FuzzResult, target: str = "the embedded reference node") -> str:
    s = result.summary()
    lines = [f"# Schemathesis run against {target}", "",
             f"{s['requests']} requests over {s['operations']} operations (positive and negative data), "
             f"{s['seconds']} s; statuses {s['statuses']}; 5xx: {s['server_errors']}; findings: {s['findings']} "
             f"({s['distinct_findings']} distinct), of which response-schema violations: {s['schema_violations']}.",
             "", "| operation | mode | check | finding | status |", "|---|---|---|---|---|"]
    for f in result.distinct():
        title = f.title.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{f.operation}` | {f.mode} | {f.check} | {title} | {f.status} |")
    lines += ["", "## Reproducers (first per distinct finding)", ""]
    for f in result.distinct():
        lines += [f"### {f.operation}: {f.title[:120]}", "", "```", f.request, "```", "", "Response:", "", "```",
                  f.response, "```", ""]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.openapi_fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--per-operation", type=int, default=120, help="cases per operation and mode")
    parser.add_argument("--max-seconds", type=float, default=1200.0)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "fuzz")
    parser.add_argument("--target", help="fuzz this node (with --admin-key) instead of the embedded reference node")
    parser.add_argument("--admin-key", default="", help="admin key of --target")
    args = parser.parse_args(argv)
    if args.target:
        result = fuzz(args.target.rstrip("/"), args.admin_key, args.per_operation, args.max_seconds)
    else:
        with EmbeddedNode() as node:
            result = fuzz(node.url, node.admin_key, args.per_operation, args.max_seconds)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "schemathesis.json").write_text(json.dumps(
        {"summary": result.summary(), "per_operation": result.per_operation,
         "findings": [asdict(f) for f in result.distinct()]}, indent=1) + "\n", encoding="utf-8")
    target = f"the node at {args.target}" if args.target else "the embedded reference node"
    (args.out / "schemathesis.md").write_text(render(result, target), encoding="utf-8")
    print(json.dumps(result.summary()))
    print(f"wrote {args.out / 'schemathesis.json'} and {args.out / 'schemathesis.md'}")
    return 0 if not result.findings else 1


if __name__ == "__main__":
    raise SystemExit(main())
