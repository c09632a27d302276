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
    group.addoption("--stigmem-connection-bound", type=float, default=30.0, metavar="SECONDS",
                    help="longest the node may hold a connection that sends nothing or sends slowly (default 30)")
    group.addoption("--stigmem-idle-connections", type=int, default=1000, metavar="N",
                    help="idle or slowloris connections open while a normal client is served (default 1000)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stigmem_req(*ids): requirement ids a stigmem check covers")


class _Session:
    """Lazily started target (and adapter) shared by every stigmem item of the run."""

    def __init__(self, config: pytest.Config) -> None:
        from conformance.catalog import interpretations

        self.config = config
        self.active = interpretations.resolve(config.getoption("stigmem_preset"),
                                              config.getoption("stigmem_interpretation"))
        self.ctx: Any = None
        self.adapter: Any = None
        self._stops: list[Any] = []

    def context(self) -> Any:
        if self.ctx is None:
            from conformance.checks.registry import Context
            from conformance.harness.embedded_node import EmbeddedNode
            from conformance.harness.http_target import HttpTarget
            from conformance.http_run import discovery_of, provision_keys

            url = self.config.getoption("stigmem_target")
            admin = self.config.getoption("stigmem_admin_key")
            key = admin or self.config.getoption("stigmem_api_key")
            if not url:
                node = EmbeddedNode(extra_args=EmbeddedNode.FAST_TIMEOUTS).start()
                self._stops.append(node.stop)
                url, key, admin = node.url, node.admin_key, node.admin_key
            target = HttpTarget(url, {"admin": key} if key else {})
            self._stops.append(target.close)
            discovery = discovery_of(target)
            self.ctx = Context(target, self.active, discovery,
                               auth_required=discovery.get("auth", "required") != "none",
                               connection_bound_s=self.config.getoption("stigmem_connection_bound"),
                               idle_connections=self.config.getoption("stigmem_idle_connections"))
            if admin:
                provision_keys(target)
        return self.ctx

    def vector_adapter(self) -> Any:
        if self.adapter is None:
            from conformance.harness.stdio_adapter import StdioAdapter

            self.adapter = StdioAdapter(self.config.getoption("stigmem_adapter"))
            self.adapter.start()
            self._stops.append(self.adapter.stop)
        return self.adapter

    def close(self) -> None:
        for stop in reversed(self._stops):
            stop()


class StigmemItem(pytest.Item):
    def __init__(self, *, case: Any, kind: str, stigmem: _Session, **kw: Any) -> None:
        super().__init__(**kw)
        self.case = case
        self.kind = kind
        self.stigmem = stigmem

    def runtest(self) -> None:
        if self.kind == "vector":
            from conformance.vector_run import run

            result = run(self.stigmem.vector_adapter(), [self.case], self.stigmem.active)[0]
        else:
            from conformance.http_run import run_checks

            result = run_checks(self.stigmem.context(), [self.case], self.stigmem.active)[0]
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
    from conformance.catalog import expectations, profiles

    stigmem = _Session(config)
    config._stigmem = stigmem  # type: ignore[attr-defined]
    ledger = expectations.load(config.getoption("stigmem_expectations")) if config.getoption(
        "stigmem_expectations") else []
    new: list[pytest.Item] = []
    if wanted:
        from conformance.checks.registry import requirements_for
        from conformance.http_run import select

        chosen = config.getoption("stigmem_profile") or profiles.DEFAULT
        for check in select(chosen):
            item = StigmemItem.from_parent(session, name=check.id, case=check, kind="check", stigmem=stigmem)
            item.add_marker(pytest.mark.stigmem_req(*requirements_for(check)))
            new.append(item)
    if adapter:
        from conformance.catalog.vectors import adapter_vectors

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
