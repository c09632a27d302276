"""Running the registered checks against one node: target setup, key provisioning, selection, outcomes.

Keys: the run holds an ``admin`` key (given, or bootstrapped for the embedded node) and, when that key may
manage keys, provisions scoped keys through ``POST /v1/auth/keys``. A check that needs a key the run does not
hold is skipped with that reason, never passed.
"""

from __future__ import annotations

import fnmatch
import secrets
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from conformance.catalog.interpretations import applies
from conformance.checks.registry import (
    REGISTRY,
    Check,
    CheckFailed,
    Context,
    NotImplementedByNode,
    Skip,
    requirements_for,
)
from conformance.errors import Unreachable, UsageError
from conformance.harness.http_target import HttpTarget, TargetUnreachable
from conformance.outcomes import CaseResult

SCOPED_KEYS: dict[str, tuple[list[str], list[str]]] = {
    "reader_local": (["read"], ["local"]),
    "writer_local": (["read", "write"], ["local"]),
    "reader_all": (["read"], ["local", "team", "company", "public"]),
    "noscope": (["read", "write"], []),
}


def provision_keys(target: HttpTarget) -> dict[str, str]:
    """Create the scoped keys the checks use; returns name -> why it could not be made.

    The node generates the key and returns it as ``key`` (docs/http-api.md). Nodes that instead take a
    client-chosen ``raw_key`` (the upstream node) get one generated here; whether they then honour
    ``allowed_scopes`` is exactly what the scope checks find out.
    """
    problems: dict[str, str] = {}
    for name, (permissions, scopes) in SCOPED_KEYS.items():
        body = {"entity_uri": f"stigmem://conformance.test/agent/{name}", "permissions": permissions,
                "allowed_scopes": scopes}
        ex = target.request("POST", "/v1/auth/keys", key="admin", json_body=body)
        raw = ex.json.get("key") if isinstance(ex.json, dict) else None
        if ex.status == 422 and "raw_key" in ex.text:
            raw = secrets.token_hex(24)
            ex = target.request("POST", "/v1/auth/keys", key="admin", json_body={**body, "raw_key": raw})
        if ex.status == 201 and isinstance(raw, str):
            target.keys[name] = raw
        else:
            problems[name] = f"POST /v1/auth/keys answered {ex.status}"
    return problems


FEDERATION_AREAS = {"federation": "federation", "scenario": "failure_modes", "crash": "failure_modes"}


def area_of(c: Check) -> str:
    prefix = c.id.split(":", 1)[0]
    if prefix in FEDERATION_AREAS:
        return FEDERATION_AREAS[prefix]
    return c.func.__module__.rsplit(".", 1)[-1] if prefix == "http" else "exchanges"


def select(profiles: Iterable[str], only: Iterable[str] = ()) -> list[Check]:
    wanted = set(profiles)
    patterns = list(only)
    chosen = []
    for c in REGISTRY.values():
        if c.profile not in wanted:
            continue
        names = (c.id, area_of(c), *requirements_for(c))
        if patterns and not any(fnmatch.fnmatchcase(n, p) for p in patterns for n in names):
            continue
        chosen.append(c)
    return sorted(chosen, key=lambda c: (area_of(c), c.id))


def run_checks(ctx: Context, checks: list[Check], active: Mapping[str, str],
               progress: Callable[[CaseResult], None] | None = None, exitfirst: bool = False) -> list[CaseResult]:
    """Run ``checks`` in order; with ``exitfirst`` stop after the first case that fails or errors."""
    results = []
    for c in checks:
        needs_interp = dict(c.interpretations)
        result = CaseResult(c.id, area_of(c), "http", requirements_for(c), "not-applicable",
                            interpretations=needs_interp)
        if applies(needs_interp, active):
            start = time.perf_counter()
            try:
                c.func(ctx)
                result.outcome = "pass"
            except CheckFailed as exc:
                result.outcome, result.message = "fail", str(exc)[:1000]
            except Skip as exc:
                result.outcome, result.message = "skip", str(exc)
            except NotImplementedByNode as exc:
                result.outcome, result.message = "not-implemented", str(exc)
            except TargetUnreachable as exc:
                result.outcome, result.message = "error", f"node unreachable: {exc}"
            except Exception as exc:  # a suite bug or an unexpected node answer: keep going, report it
                last = traceback.extract_tb(exc.__traceback__)[-1]
                result.outcome = "error"
                result.message = f"{type(exc).__name__}: {exc} (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno})"
            result.duration_ms = round((time.perf_counter() - start) * 1000, 1)
        results.append(result)
        if progress:
            progress(result)
        if exitfirst and result.outcome in ("fail", "error"):
            break
    return results


def discovery_of(target: HttpTarget) -> dict[str, Any]:
    ex = target.request("GET", "/.well-known/stigmem", key=None)
    return ex.json if ex.status == 200 and isinstance(ex.json, dict) else {}


def preflight(target: HttpTarget, has_key: bool) -> dict[str, Any]:
    """Before the first check: a stigmem discovery document answers, and the key (if any) is accepted.

    Raises ``Unreachable`` (exit 3) when no stigmem node answers and ``UsageError`` (exit 2) for a key
    the node refuses, or an auth-required node reached without one. Two requests, bounded by the timeout.
    """
    ex = target.request("GET", "/.well-known/stigmem", key=None)
    kind = ex.headers.get("content-type", "?").split(";")[0]
    if ex.status != 200 or not isinstance(ex.json, dict):
        raise Unreachable(f"GET {target.base_url}/.well-known/stigmem -> {ex.status} {kind}: not a stigmem node")
    discovery: dict[str, Any] = ex.json
    if discovery.get("auth", "required") == "none":
        return discovery
    if not has_key:
        raise UsageError(f"{target.base_url} requires authentication: pass --admin-key or --api-key")
    probe = target.request("GET", "/v1/facts", key="admin", params={"limit": "1"})
    if probe.status == 401:
        raise UsageError(f"the key given is refused (GET /v1/facts -> 401 {probe.code() or ''}): "
                         "check --admin-key / --api-key")
    return discovery


def profile_index() -> dict[str, str]:
    return {c.id: c.profile for c in REGISTRY.values()}
