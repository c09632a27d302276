"""Running golden vectors through an adapter and judging each answer against ``expected``.

``valid`` needs a result whose fields equal every expected field (JSON equality: booleans are not
numbers); ``invalid`` needs an error with exactly the expected code; ``acceptable`` needs any one of
its alternatives. An ``unsupported`` answer is reported as such, never as a pass.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from conformance.catalog.interpretations import applies
from conformance.catalog.vectors import Vector
from conformance.errors import AdapterDied, AdapterProtocolError
from conformance.harness.stdio_adapter import Answer, StdioAdapter
from conformance.outcomes import CaseResult

RESERVED = {"outcome", "error", "any_of", "interpretation"}


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values: 1 == 1.0, but true is not 1 and key order does not matter."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def first_difference(expected: Any, actual: Any, path: str = "") -> str:
    """A short description of where two JSON values first differ."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            if key not in actual:
                return f"{path}/{key}: missing"
            if not json_equal(expected[key], actual[key]):
                return first_difference(expected[key], actual[key], f"{path}/{key}")
        extra = sorted(set(actual) - set(expected))
        return f"{path}: unexpected members {extra}"
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (x, y) in enumerate(zip(expected, actual, strict=False)):
            if not json_equal(x, y):
                return first_difference(x, y, f"{path}[{i}]")
        return f"{path}: expected {len(expected)} items, got {len(actual)}"
    if isinstance(expected, str) and isinstance(actual, str):
        at = next((i for i, (x, y) in enumerate(zip(expected, actual, strict=False)) if x != y),
                  min(len(expected), len(actual)))
        return f"{path or '/'}: expected {expected!r}, got {actual!r} (differ at offset {at})"
    return f"{path or '/'}: expected {expected!r}, got {actual!r}"


def judge(expected: Mapping[str, Any], answer: Answer) -> tuple[bool, str]:
    """Whether ``answer`` satisfies ``expected``, and why not."""
    outcome = expected["outcome"]
    if outcome == "acceptable":
        reasons = []
        for alternative in expected["any_of"]:
            ok, why = judge(alternative, answer)
            if ok:
                return True, ""
            reasons.append(why)
        return False, "none of the acceptable results: " + "; ".join(reasons)
    if outcome == "invalid":
        if answer.kind == "error" and answer.code == expected["error"]:
            return True, ""
        got = f"error {answer.code}" if answer.kind == "error" else f"result {answer.result}"
        return False, f"expected error {expected['error']}, got {got}"[:500]
    if answer.kind != "result" or answer.result is None:
        return False, f"expected a result, got error {answer.code}: {answer.message}"[:500]
    wanted = {k: v for k, v in expected.items() if k not in RESERVED}
    for key, value in wanted.items():
        if key not in answer.result or not json_equal(value, answer.result[key]):
            return False, first_difference(wanted, {k: answer.result.get(k) for k in wanted})[:500]
    return True, ""


def select(vectors: Iterable[Vector], only: Iterable[str] = ()) -> list[Vector]:
    """Keep vectors whose id, op, area, file or a requirement id matches one of the globs (all when none)."""
    patterns = list(only)
    if not patterns:
        return [v for v in vectors if not v.retired]
    return [v for v in vectors if not v.retired and any(
        fnmatch.fnmatchcase(name, p) for p in patterns for name in (v.id, v.op, v.area, v.file, *v.requirements))]


def run(adapter: StdioAdapter, vectors: list[Vector], active: Mapping[str, str],
        progress: Callable[[CaseResult], None] | None = None, exitfirst: bool = False) -> list[CaseResult]:
    """Send each vector to ``adapter`` and judge its answer; with ``exitfirst`` stop after the first failure."""
    results: list[CaseResult] = []
    for v in vectors:
        result = CaseResult(v.id, v.area, v.op, list(v.requirements), "not-applicable",
                            interpretations=v.interpretations)
        if applies(v.interpretations, active):
            start = time.perf_counter()
            try:
                answer = adapter.call(v.op, v.input, active)
            except AdapterDied:
                raise
            except AdapterProtocolError as exc:
                result.outcome, result.message = "error", str(exc)
            else:
                if answer.kind == "unsupported":
                    result.outcome, result.message = "unsupported", answer.message
                else:
                    ok, why = judge(v.expected, answer)
                    result.outcome, result.message = ("pass", "") if ok else ("fail", why)
            result.duration_ms = round((time.perf_counter() - start) * 1000, 3)
        results.append(result)
        if progress:
            progress(result)
        if exitfirst and result.outcome in ("fail", "error"):
            break
    return results
