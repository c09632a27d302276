"""The CID backfill's batches, resumption, pacing and status (storage/cid_backfill.py, backfill_cli.py).

Legacy rows come from tests/legacy_store.py (CID-less rows as a pre-CID node stored them); every expected CID is
the suite's oracle (conformance/oracle/cid.py), never the node's own function.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conformance.oracle import cid as oracle
from reference_node import backfill_cli
from reference_node.storage import cid_backfill, rows
from tests.legacy_store import write_legacy_rows


def sql(path: str, statement: str, *params: object) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(statement, params).fetchall()


def stored_cids(path: str) -> dict[str, str | None]:
    return dict(sql(path, "SELECT id, cid FROM facts"))


@pytest.fixture
def legacy(node):
    """The node's store with 250 legacy rows; returns their bodies."""
    return write_legacy_rows(node.settings.db_path, 250)


def test_every_legacy_row_gets_the_oracle_cid_and_its_alias(node, legacy):
    assert node.store.backfill(batch_size=40) == 250
    cids = stored_cids(node.settings.db_path)
    for fact in legacy:
        assert cids[fact["id"]] == oracle.cid(fact, "jcs-6"), fact
    assert dict(sql(node.settings.db_path, "SELECT fact_id, cid FROM fact_cid_aliases")) == cids
    for fact in legacy[:20]:
        answer = node.client.post(f"/v1/facts/{fact['id']}/verify-cid").json()
        assert answer["cid_valid"] is True and answer["computed_cid"] == oracle.cid(fact, "jcs-6")


def test_a_complete_backfill_is_idempotent(node, legacy):
    node.store.backfill(batch_size=100)
    before = stored_cids(node.settings.db_path)
    assert node.store.backfill(batch_size=100) == 0
    assert stored_cids(node.settings.db_path) == before
    status = node.client.get("/v1/admin/cid-backfill/status").json()
    assert (status["pending_facts"], status["backfill_complete"], status["state"]) == (0, True, "backfill_complete")
    assert status["total_facts"] == status["backfilled_facts"] == 250


def test_a_crash_mid_batch_loses_only_that_batch_and_a_rerun_matches_an_uninterrupted_run(
        node, legacy, monkeypatch, tmp_path):
    copy = tmp_path / "uninterrupted.db"
    with sqlite3.connect(node.settings.db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    calls = {"n": 0}
    real = rows.computed_cid

    def crashing(row):
        calls["n"] += 1
        if calls["n"] == 125:  # the 5th row of the 4th batch of 40
            raise RuntimeError("simulated crash")
        return real(row)

    monkeypatch.setattr(cid_backfill, "computed_cid", crashing)
    with pytest.raises(RuntimeError):
        node.store.backfill(batch_size=40)
    done = sql(node.settings.db_path, "SELECT COUNT(cid) FROM facts")[0][0]
    assert done == 120  # three whole batches; nothing of the fourth
    assert sql(node.settings.db_path, "SELECT COUNT(*) FROM fact_cid_aliases")[0][0] == 120
    status = node.client.get("/v1/admin/cid-backfill/status").json()
    assert status["pending_facts"] == 130 and status["backfill_complete"] is False
    monkeypatch.setattr(cid_backfill, "computed_cid", real)
    assert node.store.backfill(batch_size=40) == 130
    from reference_node.clock import ManualClock
    from reference_node.storage import Store

    other = Store.open(str(copy), ManualClock(0))
    try:
        assert other.backfill(batch_size=1000) == 250
    finally:
        other.close()
    assert stored_cids(node.settings.db_path) == stored_cids(str(copy))


def test_the_rate_limit_paces_the_batches(node, legacy):
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        node.clock.advance(int(seconds * 1e6))

    cid_backfill.run(node.store.db, node.clock, 50, 100.0, sleep=sleep)
    # 250 facts at 100/s on a clock that moves only while sleeping: 0.5 s after each of the five full batches
    # of 50; the sixth finds nothing and ends the run.
    assert slept == [0.5, 0.5, 0.5, 0.5, 0.5]
    unbounded: list[float] = []
    write_legacy_rows(node.settings.db_path, 0)
    cid_backfill.run(node.store.db, node.clock, 50, None, sleep=unbounded.append)
    assert unbounded == []


def test_status_reports_running_then_pending_after_a_silent_run_then_complete(node, legacy):
    seen = []

    def on_batch(progress):
        seen.append((progress.done, node.client.get("/v1/admin/cid-backfill/status").json()["state"]))
        if progress.done == 100:
            raise KeyboardInterrupt  # stopped after two batches, its run row left open

    with pytest.raises(KeyboardInterrupt):
        cid_backfill.run(node.store.db, node.clock, 50, None, on_batch)
    assert seen == [(50, "backfill_running"), (100, "backfill_running")]
    node.clock.advance(61 * 1_000_000)
    status = node.client.get("/v1/admin/cid-backfill/status").json()
    assert (status["state"], status["pending_facts"]) == ("backfill_pending", 150)
    assert status["last_updated_at"] == "2026-05-01T00:00:00.000000Z"
    node.store.backfill()
    assert node.client.get("/v1/admin/cid-backfill/status").json()["state"] == "backfill_complete"


def test_live_writes_during_a_backfill_get_their_own_cids(node, legacy, body):
    live = []

    def on_batch(progress):
        live.append(node.client.post("/v1/facts", json=body(f"live {progress.done}")).json())

    cid_backfill.run(node.store.db, node.clock, 100, None, on_batch)
    cids = stored_cids(node.settings.db_path)
    assert len(live) == 3 and all(cids[fact["id"]] == fact["cid"] for fact in live)
    assert node.client.get("/v1/admin/cid-backfill/status").json()["backfill_complete"] is True


def test_cli_reports_progress_on_stderr_and_the_status_on_stdout(node, legacy, capsys):
    node.store.close()
    assert backfill_cli.main(["--db", node.settings.db_path, "--batch-size", "100", "--rate-limit", "0"]) == 0
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "cid backfill: 100/250 (40.0%)", "cid backfill: 200/250 (80.0%)", "cid backfill: 250/250 (100.0%)"]
    assert "facts/s" in lines[0] and "ETA" in lines[0]
    summary = json.loads(out)
    assert (summary["backfilled_now"], summary["backfill_complete"], summary["state"]) == (
        250, True, "backfill_complete")
    assert backfill_cli.main(["--db", node.settings.db_path, "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["backfilled_now"] == 0 and err == ""
    node.restart()


def test_cli_exit_codes_for_bad_arguments_an_unopenable_database_and_unreadable_rows(node, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        backfill_cli.main(["--db", node.settings.db_path, "--batch-size", "0"])
    assert exited.value.code == 2
    assert backfill_cli.main(["--db", str(tmp_path)]) == 1  # a directory
    sql(node.settings.db_path,
        "INSERT INTO facts (id, entity, relation, value_type, value_v, source, timestamp, timestamp_us, hlc, "
        "confidence, scope) VALUES ('broken', 'user:old', 'memory:x', 'string', 'not json', 'agent:old', "
        "'2020-01-01T00:00:00.000000Z', 0, '1577836800000.000', 1.0, 'local')")
    write_legacy_rows(node.settings.db_path, 3)
    capsys.readouterr()
    assert backfill_cli.main(["--db", node.settings.db_path, "--quiet"]) == backfill_cli.EXIT_PENDING
    summary = json.loads(capsys.readouterr().out)
    assert (summary["backfilled_now"], summary["pending_facts"]) == (3, 1)
    answer = node.client.post("/v1/facts/broken/verify-cid").json()
    assert answer["cid_valid"] is False and answer["stored_cid"] is None and answer["mismatch_reason"]


def test_the_seeds_command_line_is_accepted(tmp_path: Path):
    from reference_node import cli

    db = tmp_path / "fresh.db"
    assert cli.main(["backfill-cids", "--db", str(db), "--batch-size", "1000", "--rate-limit", "500", "--quiet"]) == 0
