"""The pytest plugin: ``pytest --stigmem-target URL`` (or ``--stigmem-embedded``) adds one test per check.

Registered through the ``pytest11`` entry point, so installing the package is enough. Each check becomes an
item named by its id and marked ``stigmem_req(<requirement ids>)``; a check that cannot run is skipped with
its reason; an ``--stigmem-expectations`` ledger turns listed ids into strict xfails (an unexpected pass
fails). ``--stigmem-adapter CMD`` adds one item per golden vector run through that adapter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("stigmem", "stigmem conformance")
    group.addoption("--stigmem-target", help="base URL of the stigmem node to check")
    group.addoption("--stigmem-embedded", action="store_true", help="start and check the embedded reference node")
    group.addoption("--stigmem-admin-key", help="admin API key for the target")
    group.addoption("--stigmem-api-key", help="read/write API key when no admin key is available")
    group.addoption("--stigmem-profile", action="append", default=[], help="profile to check (repeatable)")
    group.addoption("--stigmem-preset", default="default", help="interpretation preset")
    group.addoption("--stigmem-interpretation", action="append", default=[], metavar="KEY=OPTION")
    group.addoption("--stigmem-expectations", type=Path, help="known-failure ledger (strict xfail)")
    group.addoption("--stigmem-adapter", help="command of a stdio adapter whose vectors to run")
    group.addoption("--stigmem-recipe", help="launch recipe (path or shipped name) for multi-node checks")
    group.addoption("--stigmem-timeout", type=float, default=10.0, help="per-request timeout in seconds")
    group.addoption("--stigmem-connection-bound", type=float, default=30.0, metavar="SECONDS",
                    help="longest the node may hold a connection that sends nothing or sends slowly (default 30)")
    group.addoption("--stigmem-idle-connections", type=int, default=1000, metavar="N",
                    help="idle or slowloris connections open while a normal client is served (default 1000)")
    group.addoption("--stigmem-tombstone-poll-wait", type=float, default=0.0, metavar="SECONDS",
                    help="watch the node's unprompted tombstone polls this long (310 or more; default 0 skips)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stigmem_req(*ids): requirement ids a stigmem check covers")


class _Session:
    """The run session (``conformance.session``, as the CLI opens it) and the adapter, shared by every item."""

    def __init__(self, config: pytest.Config) -> None:
        from conformance.catalog import interpretations
        from conformance.session import RunSession, SessionOptions

        self.config = config
        self.active = interpretations.resolve(config.getoption("stigmem_preset"),
                                              config.getoption("stigmem_interpretation"))
        self.run = RunSession(SessionOptions(
            target=config.getoption("stigmem_target"), admin_key=config.getoption("stigmem_admin_key"),
            api_key=config.getoption("stigmem_api_key"), profiles=config.getoption("stigmem_profile"),
            recipe=config.getoption("stigmem_recipe"), timeout=config.getoption("stigmem_timeout")))
        self.ctx: Any = None
        self.adapter: Any = None

    def open(self) -> list[str]:
        """Open the session (preflight included); the profiles it chose. A setup error ends the whole run."""
        from conformance.errors import ConformanceError, Unreachable
        from conformance.http_run import context_for

        try:
            self.run.open()
        except ConformanceError as exc:
            pytest.exit(f"stigmem: {exc}", returncode=3 if isinstance(exc, Unreachable) else 4)
        self.ctx = context_for(self.run, self.active, self.config.getoption("stigmem_connection_bound"),
                               self.config.getoption("stigmem_idle_connections"),
                               self.config.getoption("stigmem_tombstone_poll_wait"))
        return self.run.chosen

    def open_adapter(self) -> None:
        """Start the adapter before the first vector; one that does not start ends the run (exit 3)."""
        from conformance.errors import ConformanceError
        from conformance.harness.stdio_adapter import StdioAdapter

        try:
            self.adapter = StdioAdapter(self.config.getoption("stigmem_adapter"))
            self.adapter.start()
        except (ConformanceError, ValueError, OSError) as exc:
            pytest.exit(f"stigmem: the adapter did not start: {exc}", returncode=3)

    def vector_adapter(self) -> Any:
        return self.adapter

    def close(self) -> None:
        if self.adapter is not None:
            self.adapter.stop()
        self.run.close()


class StigmemItem(pytest.Item):
    def __init__(self, *, case: Any, kind: str, stigmem: _Session, **kw: Any) -> None:
        super().__init__(**kw)
        self.case = case
        self.kind = kind
        self.stigmem = stigmem

    def runtest(self) -> None:
        from conformance.errors import Unreachable

        try:
            if self.kind == "vector":
                from conformance.vector_run import run

                result = run(self.stigmem.vector_adapter(), [self.case], self.stigmem.active)[0]
            else:
                from conformance.http_run import run_checks

                result = run_checks(self.stigmem.ctx, [self.case], self.stigmem.active)[0]
        except Unreachable as exc:  # the adapter died, or the node went away: one error, not one per item
            pytest.exit(f"stigmem: {exc}", returncode=3)
        if result.outcome in ("skip", "unsupported", "not-implemented", "not-applicable"):
            pytest.skip(f"{result.outcome}: {result.message}")
        if result.outcome != "pass":
            raise StigmemFailure(f"[{result.id} {' '.join(result.requirements)}] {result.outcome}: {result.message}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, StigmemFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int, str]:
        return "stigmem", 0, self.name


class StigmemFailure(Exception):
    """A stigmem check or vector did not pass."""


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = config.getoption("stigmem_target") or config.getoption("stigmem_embedded")
    adapter = config.getoption("stigmem_adapter")
    if not (wanted or adapter):
        return
    from conformance.catalog import expectations
    from conformance.errors import ConformanceError

    try:
        ledger = expectations.load(config.getoption("stigmem_expectations")) if config.getoption(
            "stigmem_expectations") else []
    except ConformanceError as exc:
        pytest.exit(f"stigmem: {exc}", returncode=4)
    stigmem = _Session(config)
    config._stigmem = stigmem  # type: ignore[attr-defined]
    new: list[pytest.Item] = []
    if wanted:
        from conformance.checks.registry import requirements_for
        from conformance.http_run import select

        for check in select(stigmem.open()):
            item = StigmemItem.from_parent(session, name=check.id, case=check, kind="check", stigmem=stigmem)
            item.add_marker(pytest.mark.stigmem_req(*requirements_for(check)))
            new.append(item)
    if adapter:
        from conformance.catalog.vectors import adapter_vectors

        stigmem.open_adapter()

        for vector in adapter_vectors():
            item = StigmemItem.from_parent(session, name=vector.id, case=vector, kind="vector", stigmem=stigmem)
            item.add_marker(pytest.mark.stigmem_req(*vector.requirements))
            new.append(item)
    import fnmatch

    for item in new:
        entry = next((e for e in ledger if fnmatch.fnmatchcase(item.name, e.pattern)), None)
        if entry:
            item.add_marker(pytest.mark.xfail(strict=True, reason=entry.reason))
    items.extend(new)


def pytest_unconfigure(config: pytest.Config) -> None:
    stigmem = getattr(config, "_stigmem", None)
    if stigmem is not None:
        stigmem.close()
