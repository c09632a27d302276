"""Fixtures for the reference node's HTTP tests: in-process Starlette apps on a temporary database."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reference_node.api import create_app
from reference_node.clock import ManualClock
from reference_node.settings import Settings
from reference_node.storage import Store
from reference_node.storage.keys import new_raw_key

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 at import time; the client works the same with httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

# 2026-05-01T00:00:00Z, a fixed instant for frozen-clock tests.
T0_US = 1_777_593_600_000_000
ENTITY = "stigmem://example.org/user/alice"


def make_body(value: Any = "CEO", **fields: Any) -> dict[str, Any]:
    """An assert body; a str ``value`` becomes a string FactValue, anything else is sent as is."""
    fact = {
        "entity": ENTITY,
        "relation": "memory:role",
        "value": {"type": "string", "v": value} if isinstance(value, str) else value,
        "source": "agent:tester",
        "scope": "company",
    }
    fact.update(fields)
    return fact


class Node:
    """One node under test: its app, a client, the clock and a way to make keys."""

    def __init__(self, tmp: Path, clock: ManualClock, **settings: Any) -> None:
        self.settings = Settings(db_path=str(tmp / "node.db"), **settings)
        self.clock = clock
        self.app = create_app(self.settings, clock=clock)
        self.client = TestClient(self.app)
        self.store: Store = self.app.state.store

    def key(self, permissions: tuple[str, ...] = ("read", "write"), scopes: Any = None,
            entity: str = "stigmem://example.org/agent/bot") -> dict[str, str]:
        """Authorization headers for a fresh key."""
        from reference_node.api.keys import key_row

        raw = new_raw_key()
        self.store.create_key(key_row(entity, list(permissions), scopes, "2026-05-01T00:00:00.000000Z"), raw)
        return {"Authorization": f"Bearer {raw}"}

    def restart(self) -> None:
        """Stop as the lifespan does (the quota buckets first, then the store) and start on the same database."""
        self.app.state.quotas.buckets.close()
        self.store.close()
        self.app = create_app(self.settings, clock=self.clock)
        self.client = TestClient(self.app)
        self.store = self.app.state.store


@pytest.fixture
def body() -> Callable[..., dict[str, Any]]:
    """``body(value="CEO", **fields)``: an assert body for ENTITY / memory:role / company."""
    return make_body


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0_US)


@pytest.fixture
def make_node(tmp_path: Path, clock: ManualClock) -> Iterator[Callable[..., Node]]:
    nodes: list[Node] = []

    def make(**settings: Any) -> Node:
        node = Node(tmp_path / str(len(nodes)), clock, **settings)
        nodes.append(node)
        return node

    for sub in range(4):
        (tmp_path / str(sub)).mkdir()
    yield make
    for node in nodes:
        node.store.close()


@pytest.fixture
def node(make_node: Callable[..., Node]) -> Node:
    """A node with --auth none."""
    return make_node(auth="none")


@pytest.fixture
def client(node: Node) -> TestClient:
    return node.client
