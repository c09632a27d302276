"""Storage behind the API: migrations, restarts, append-only facts, CID aliases, tampering, backfill, rollback."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest

import reference_node.storage
from reference_node.storage import ledger

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


MIGRATIONS = Path(reference_node.storage.__file__).parent / "migrations"


def sql(node, statement, *params):
    with sqlite3.connect(node.settings.db_path) as conn:
        return conn.execute(statement, params).fetchall()


def test_pragmas_and_migrations_run_once(node):
    assert sql(node, "PRAGMA journal_mode") == [("wal",)]
    node.restart()
    node.restart()
    shipped = sorted(p.name for p in MIGRATIONS.glob("*.sql"))
    assert shipped[:3] == ["0001_initial.sql", "0002_federation.sql", "0003_declaration_audit.sql"]
    # every shipped migration applied exactly once, in order, after two restarts
    assert sql(node, "SELECT version, name FROM schema_migrations") == [(name[:4], name) for name in shipped]
    status = node.client.get("/v1/admin/status").json()
    assert [m["version"] for m in status["migrations"]] == [name[:4] for name in shipped]
    assert status["facts"] == 0


def test_node_id_and_hlc_survive_restart(node, body):
    before = node.client.get("/.well-known/stigmem").json()["node_id"]
    first = node.client.post("/v1/facts", json=body()).json()
    node.clock.advance(-3_600_000_000)  # the wall clock steps back an hour
    node.restart()
    assert node.client.get("/.well-known/stigmem").json()["node_id"] == before
    later = node.client.post("/v1/facts", json=body("CTO")).json()
    assert later["hlc"] > first["hlc"]
    assert before.startswith("stigmem://localhost/node/")


def test_fact_and_alias_share_a_transaction_and_facts_are_append_only(node, body):
    fact = node.client.post("/v1/facts", json=body()).json()
    assert sql(node, "SELECT fact_id, cid FROM fact_cid_aliases") == [(fact["id"], fact["cid"])]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sql(node, "UPDATE facts SET value_v = '\"CTO\"'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sql(node, "DELETE FROM facts")
    with pytest.raises(sqlite3.IntegrityError, match="never rewritten"):
        sql(node, "UPDATE facts SET cid = 'sha256:00'")


def test_tampered_row_fails_verification_and_is_not_served(node, body):
    fact = node.client.post("/v1/facts", json=body()).json()
    sql(node, "DROP TRIGGER facts_append_only_update")
    sql(node, "UPDATE facts SET value_v = '\"CTO\"' WHERE id = ?", fact["id"])
    answer = node.client.post(f"/v1/facts/{fact['id']}/verify-cid").json()
    assert answer["cid_valid"] is False and answer["stored_cid"] == fact["cid"]
    assert answer["computed_cid"] != fact["cid"] and answer["mismatch_reason"]
    refused = node.client.get(f"/v1/facts/{fact['id']}")
    assert (refused.status_code, refused.json()["error"]) == (500, "cid_mismatch")


def test_backfill_of_legacy_rows(node, body):
    node.client.post("/v1/facts", json=body())
    sql(
        node,
        "INSERT INTO facts (id, entity, relation, value_type, value_v, source, timestamp, timestamp_us, hlc, "
        "confidence, scope) VALUES ('legacy', 'user:old', 'memory:x', 'string', '\"v\"', 'agent:old', "
        "'2020-01-01T00:00:00.000000Z', 0, '1577836800000.000', 1.0, 'local')",
    )
    assert node.client.post("/v1/facts/legacy/verify-cid").json()["stored_cid"] is None
    status = node.client.get("/v1/admin/cid-backfill/status").json()
    assert status == {"total_facts": 2, "backfilled_facts": 1, "pending_facts": 1, "backfill_complete": False,
                      "state": "backfill_pending", "last_updated_at": None}
    assert node.store.backfill() == 1
    assert node.store.backfill() == 0
    status = node.client.get("/v1/admin/cid-backfill/status").json()
    assert status["backfill_complete"] is True and status["pending_facts"] == 0
    assert node.client.post("/v1/facts/legacy/verify-cid").json()["cid_valid"] is True


def test_a_failing_write_leaves_nothing_behind(node, body, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated crash after the insert")

    monkeypatch.setattr(ledger, "_detect", broken)
    client = TestClient(node.app, raise_server_exceptions=False)
    response = client.post("/v1/facts", json=body())
    assert (response.status_code, response.json()["error"]) == (500, "internal_error")
    assert sql(node, "SELECT COUNT(*) FROM facts") == [(0,)]
    assert sql(node, "SELECT COUNT(*) FROM fact_cid_aliases") == [(0,)]


def test_newer_database_is_refused(node):
    from reference_node.storage.database import MigrationError

    sql(node, "INSERT INTO schema_migrations VALUES ('9999', '9999_future.sql', 'x')")
    with pytest.raises(MigrationError, match="9999"):
        node.restart()
