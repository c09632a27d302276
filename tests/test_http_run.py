"""run_checks: the order of results, isolated and concurrent checks beside the serial lane, and --exitfirst."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from conformance.checks.registry import Check, CheckFailed, Context
from conformance.harness.http_target import HttpTarget
from conformance.http_run import run_checks

MAIN = threading.main_thread()


def make(id: str, body: Callable[[], None], *, isolated: bool = False, concurrent: bool = False,
         exclusive: bool = False) -> Check:
    return Check(id, (), "core-local", id, lambda _ctx: body(), isolated=isolated, concurrent=concurrent,
                 exclusive=exclusive)


def context() -> Context:
    return Context(HttpTarget("http://127.0.0.1:9"), {})


def test_results_keep_the_given_order_and_only_beside_checks_leave_the_main_thread():
    threads: dict[str, bool] = {}

    def record(name: str, pause: float = 0.0) -> Callable[[], None]:
        def body() -> None:
            time.sleep(pause)
            threads[name] = threading.current_thread() is MAIN
        return body

    checks = [make("a", record("a", 0.2), concurrent=True), make("b", record("b")),
              make("c", record("c", 0.1), isolated=True), make("d", record("d"))]
    results = run_checks(context(), checks, {}, jobs=3)
    assert [r.id for r in results] == ["a", "b", "c", "d"] and {r.outcome for r in results} == {"pass"}
    assert threads == {"a": False, "b": True, "c": False, "d": True}
    assert {r.id for r in run_checks(context(), checks, {}, jobs=1)} == {"a", "b", "c", "d"}
    assert all(threads.values())  # one job: every check on the main thread


def test_waits_overlap_beside_the_serial_lane():
    checks = [make("slow", lambda: time.sleep(0.6), concurrent=True), make("serial", lambda: time.sleep(0.6))]
    started = time.monotonic()
    run_checks(context(), checks, {}, jobs=3)
    assert time.monotonic() - started < 1.1


def fail() -> None:
    raise CheckFailed("wrong")


def test_exitfirst_stops_at_a_serial_failure_and_drops_what_did_not_finish():
    ran: list[str] = []
    checks = [make("beside", lambda: time.sleep(2.0), concurrent=True), make("bad", fail),
              make("never", lambda: ran.append("never"))]
    started = time.monotonic()
    results = run_checks(context(), checks, {}, exitfirst=True, jobs=3)
    assert time.monotonic() - started < 1.5  # the running beside check is not waited for
    assert [(r.id, r.outcome) for r in results] == [("bad", "fail")] and not ran


def test_exitfirst_stops_at_a_failure_beside():
    ran: list[str] = []

    def later() -> None:
        time.sleep(0.3)
        ran.append("serial")

    checks = [make("bad", fail, isolated=True), *(make(f"s{i}", later) for i in range(10))]
    results = run_checks(context(), checks, {}, exitfirst=True, jobs=3)
    assert ("bad", "fail") in [(r.id, r.outcome) for r in results]
    assert len(ran) < 10  # the serial lane stopped soon after the failure beside it


def test_exclusive_checks_run_once_nothing_runs_beside():
    running: list[str] = []
    seen_beside: list[list[str]] = []

    def beside() -> None:
        running.append("beside")
        time.sleep(0.4)
        running.remove("beside")

    checks = [make("reads-counts", lambda: seen_beside.append(list(running)), exclusive=True),
              make("w", beside, concurrent=True), make("serial", lambda: None)]
    results = run_checks(context(), checks, {}, jobs=3)
    assert [r.id for r in results] == ["reads-counts", "w", "serial"] and seen_beside == [[]]
