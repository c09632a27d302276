"""Running the registered checks against one node: target setup, key provisioning, selection, outcomes.

The nodes, the preflight and the keys come from ``conformance.session``. A check that needs a key the run
does not hold is skipped with that reason, never passed.
"""

from __future__ import annotations

import fnmatch
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
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


def _run_one(ctx: Context, c: Check, active: Mapping[str, str]) -> CaseResult:
    needs_interp = dict(c.interpretations)
    result = CaseResult(c.id, area_of(c), "http", requirements_for(c), "not-applicable",
                        interpretations=needs_interp)
    if not applies(needs_interp, active):
        return result
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
    return result


def run_checks(ctx: Context, checks: list[Check], active: Mapping[str, str],
               progress: Callable[[CaseResult], None] | None = None, exitfirst: bool = False,
               jobs: int = 1) -> list[CaseResult]:
    """Run ``checks``; results come back in the order given. With ``jobs`` > 1 the isolated and the concurrent
    checks each run on ``jobs - 1`` threads of their own beside the others, which keep their order on this thread;
    the exclusive ones run last, once nothing runs beside.
    With ``exitfirst`` stop after the first case that fails or errors: only the cases finished by then are returned
    (checks running beside are abandoned: not waited for, their results dropped)."""
    lock = threading.Lock()

    def report(result: CaseResult) -> CaseResult:
        if progress:
            with lock:
                progress(result)
        return result

    def run_reported(c: Check) -> CaseResult:
        return report(_run_one(ctx, c, active))

    def failed(result: CaseResult) -> bool:
        return result.outcome in ("fail", "error")

    # Two pools: the isolated checks start nodes (CPU), the concurrent ones mostly wait on a clock.
    isolated, waiting = (ThreadPoolExecutor(max_workers=max(1, jobs - 1)) for _ in range(2))
    futures = {c.id: (isolated if c.isolated else waiting).submit(run_reported, c)
               for c in checks if jobs > 1 and (c.isolated or c.concurrent)}
    done: dict[str, CaseResult] = {}
    stopped = False
    serial = [c for c in checks if c.id not in futures and not c.exclusive]
    last = [c for c in checks if c.id not in futures and c.exclusive]  # once nothing runs beside
    try:
        for c in serial:
            done[c.id] = run_reported(c)
            if exitfirst and (failed(done[c.id]) or any(f.done() and failed(f.result()) for f in futures.values())):
                stopped = True
                break
        if not stopped:
            for future in as_completed(futures.values()):
                if exitfirst and failed(future.result()):
                    stopped = True
                    break
        for c in last if not stopped else ():
            done[c.id] = run_reported(c)
            if exitfirst and failed(done[c.id]):
                break
    finally:
        for pool in (isolated, waiting):
            pool.shutdown(wait=not stopped, cancel_futures=True)
    for check_id, future in futures.items():
        if future.done() and not future.cancelled():
            done[check_id] = future.result()
    return [done[c.id] for c in checks if c.id in done]


def discovery_of(target: HttpTarget) -> dict[str, Any]:
    ex = target.request("GET", "/.well-known/stigmem", key=None)
    return ex.json if ex.status == 200 and isinstance(ex.json, dict) else {}


def context_for(session: RunSession, active: Mapping[str, str], connection_bound_s: float = 30.0,
                idle_connections: int = 1000, tombstone_poll_wait_s: float = 0.0,
                pull_interval_s: float | None = None) -> Context:
    """The Context the checks get from an opened session (plus the slow checks' parameters)."""
    assert session.target is not None, "open the session first"
    return Context(session.target, active, session.discovery, auth_required=session.auth_required,
                   open_target=session.open_target, recipe=session.recipe, has_admin=session.has_admin,
                   connection_bound_s=connection_bound_s, idle_connections=idle_connections,
                   tombstone_poll_wait_s=tombstone_poll_wait_s, pull_interval_s=pull_interval_s,
                   embedded=session.embedded, tls=session.tls)


def profile_index() -> dict[str, str]:
    return {c.id: c.profile for c in REGISTRY.values()}
