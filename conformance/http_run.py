"""Running the registered checks against one node: target setup, key provisioning, selection, outcomes.

The nodes, the preflight and the keys come from ``conformance.session``. A check that needs a key the run
does not hold is skipped with that reason, never passed.
"""

from __future__ import annotations

import fnmatch
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
from conformance.harness.http_target import HttpTarget, TargetUnreachable
from conformance.outcomes import CaseResult
from conformance.session import RunSession

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


def context_for(session: RunSession, active: Mapping[str, str], connection_bound_s: float = 30.0,
                idle_connections: int = 1000) -> Context:
    """The Context the checks get from an opened session (plus the slow-client checks' parameters)."""
    assert session.target is not None, "open the session first"
    return Context(session.target, active, session.discovery, auth_required=session.auth_required,
                   open_target=session.open_target, recipe=session.recipe, has_admin=session.has_admin,
                   connection_bound_s=connection_bound_s, idle_connections=idle_connections)


def profile_index() -> dict[str, str]:
    return {c.id: c.profile for c in REGISTRY.values()}
