"""STG-TT-015 (the catalogue's ``whitebox:as_of_entity_query_plan``): an ``as_of`` entity query is pushed into SQL
and walks an index of the facts, never a full scan.

The statements ``storage.facts.page`` and ``count`` really run are captured and explained (EXPLAIN QUERY PLAN) on
a database holding facts of many entities.
"""

from __future__ import annotations

import sqlite3
from typing import Any, cast

import pytest

from reference_node.storage import facts as fact_rows
from reference_node.storage.facts import FactQuery
from tests.unit.node.conftest import ENTITY, T0_US


class Explaining:
    """A connection stand-in: every statement is explained before it runs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.plans: list[list[str]] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.plans.append([str(row[3]) for row in self.conn.execute("EXPLAIN QUERY PLAN " + sql, params)])
        return self.conn.execute(sql, params)


def _plans(node: Any, query: FactQuery) -> list[list[str]]:
    with node.store.db.reading() as conn:
        spy = Explaining(conn)
        fact_rows.page(cast(sqlite3.Connection, spy), query, None, 10)
        fact_rows.count(cast(sqlite3.Connection, spy), query)
    return spy.plans


@pytest.fixture
def filled(node: Any, body: Any) -> Any:
    headers = node.key(("read", "write"), ["local", "team", "company", "public"])
    for n in range(60):
        entity = ENTITY if n % 20 == 0 else f"stigmem://example.org/user/u{n}"
        ex = node.client.post("/v1/facts", json=body(f"v{n}", entity=entity), headers=headers)
        assert ex.status_code in (200, 201), ex.text
    return node


@pytest.mark.parametrize("scopes", [("company",), ("local", "team", "company", "public")])
def test_entity_query_searches_an_index_never_scans_facts(filled: Any, scopes: tuple[str, ...]) -> None:
    query = FactQuery(now_us=T0_US + 1, entity=ENTITY, scopes=scopes, as_of_us=T0_US)
    for plan in _plans(filled, query):
        outer = [line for line in plan if line.startswith(("SCAN f", "SEARCH f "))]
        assert outer, plan
        assert not [line for line in outer if line.startswith("SCAN f")], plan
        assert all("entity=?" in line for line in outer), plan


def test_as_of_bound_is_in_the_index_search(filled: Any) -> None:
    query = FactQuery(now_us=T0_US + 1, entity=ENTITY, scopes=("company",), as_of_us=T0_US)
    text = " | ".join(line for plan in _plans(filled, query) for line in plan)
    # facts_entity_created (entity, timestamp_us): the instant bounds the range searched, not a filter afterwards.
    assert "facts_entity_created (entity=? AND timestamp_us<?)" in text, text
