"""The bounded federation audit log (STG-ROB-006, STG-ROB-007; migration 0004_audit_bounds.sql): identical
rejections within the repeat window share a row and its count, rows beyond retention (by number or age) are
deleted oldest first, every other change is refused by the triggers, and a database of migrations 0001-0003
upgrades in place. The node runs on a frozen clock; unauthenticated pulls with a claimed iss are the events.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import pytest

import reference_node.storage
from conformance.federation.identity import Identity, claims_for, encode
from reference_node.cli import main
from reference_node.clock import ManualClock
from reference_node.storage import Store
from reference_node.storage.audit import AuditBounds

T0_MS = 1_777_593_600_000  # conftest T0_US in milliseconds
STRANGER = Identity.generate("junk.test")


def junk_pull(node, iss: str = "stigmem://junk.test/node/1") -> None:
    me = node.client.get("/.well-known/stigmem").json()["node_id"]
    token = encode(claims_for(iss, me, ["public"], iat=T0_MS), STRANGER)
    answer = node.client.get("/v1/federation/facts", headers={"Authorization": f"Bearer {token}"})
    assert (answer.status_code, answer.json()["error"]) == (401, "unknown_peer")


def events(node) -> list[dict]:
    admin = node.key(("read", "admin"))
    return node.client.get("/v1/federation/audit", params={"limit": "500"}, headers=admin).json()["events"]


def rows(node, columns: str = "seq") -> list[tuple]:
    with node.store.db.reading() as conn:
        return conn.execute(f"SELECT {columns} FROM federation_audit ORDER BY seq").fetchall()


def test_identical_rejections_share_a_row_within_the_window(make_node):
    node = make_node(federation=True)
    for _ in range(5):
        junk_pull(node)
        node.clock.advance(1_000_000)
    junk_pull(node, "stigmem://junk.test/node/2")
    listed = events(node)
    assert [(e["peer_node_id"], e["count"]) for e in listed] == [
        ("stigmem://junk.test/node/2", 1), ("stigmem://junk.test/node/1", 5)]
    assert (listed[1]["at"], listed[1]["last_at"]) == ("2026-05-01T00:00:00.000000Z", "2026-05-01T00:00:04.000000Z")
    node.clock.advance(60_000_000)  # 65 s after the first: a new window, a new row
    junk_pull(node)
    assert [e["count"] for e in events(node)] == [1, 1, 5]


def test_window_zero_writes_a_row_per_rejection(make_node):
    node = make_node(federation=True, audit=AuditBounds(repeat_window_s=0))
    for _ in range(4):
        junk_pull(node)
    assert [e["count"] for e in events(node)] == [1, 1, 1, 1]


def test_rows_beyond_the_row_bound_are_deleted_oldest_first(make_node):
    node = make_node(federation=True, audit=AuditBounds(max_rows=3, repeat_window_s=60))
    for i in range(7):
        junk_pull(node, f"stigmem://junk.test/node/{i}")
    assert rows(node, "seq, peer_node_id") == [(5, "stigmem://junk.test/node/4"), (6, "stigmem://junk.test/node/5"),
                                                (7, "stigmem://junk.test/node/6")]
    node.restart()  # seq goes on after a restart (STG-AUDIT-008)
    junk_pull(node, "stigmem://junk.test/node/7")
    assert [seq for seq, in rows(node)] == [6, 7, 8]


def test_rows_older_than_the_age_bound_are_deleted(make_node):
    node = make_node(federation=True, audit=AuditBounds(max_age_s=3600, repeat_window_s=60))
    junk_pull(node, "stigmem://junk.test/node/old")
    node.clock.advance(1800 * 1_000_000)
    junk_pull(node, "stigmem://junk.test/node/middle")
    node.clock.advance(1801 * 1_000_000)  # 'old' is now 3601 s old, 'middle' 1801 s
    junk_pull(node, "stigmem://junk.test/node/new")
    assert [iss.rsplit("/", 1)[1] for iss, in rows(node, "peer_node_id")] == ["middle", "new"]


def test_triggers_refuse_every_other_change(make_node):
    node = make_node(federation=True, audit=AuditBounds(max_rows=2, max_age_s=3600, repeat_window_s=60))
    junk_pull(node, "stigmem://junk.test/node/a")
    junk_pull(node, "stigmem://junk.test/node/b")
    conn = node.store.db.conn
    for statement in ("UPDATE federation_audit SET reason = 'x'", "UPDATE federation_audit SET at = 'x'",
                      "UPDATE federation_audit SET count = 0", "UPDATE federation_audit SET last_at = '2000'",
                      "UPDATE federation_audit SET last_at = NULL", "UPDATE federation_audit SET peer_node_id = 'x'",
                      "DELETE FROM federation_audit", "DELETE FROM federation_audit WHERE seq = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    conn.execute("UPDATE federation_audit SET count = count + 1, last_at = '2026-05-01T00:00:01.000000Z'")
    assert [c for c, in rows(node, "count")] == [2, 2]
    junk_pull(node, "stigmem://junk.test/node/c")  # now row 1 is beyond max_rows
    assert [seq for seq, in rows(node)] == [2, 3]


def _database_of_migrations_0001_to_0003(path) -> None:
    folder = resources.files("reference_node.storage").joinpath("migrations")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT NULL, "
                     "applied_at TEXT NOT NULL)")
        for name in ("0001_initial.sql", "0002_federation.sql", "0003_declaration_audit.sql"):
            conn.executescript(folder.joinpath(name).read_text())
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 'x')", (name[:4], name))
        conn.execute("INSERT INTO node_state VALUES ('node_id', 'stigmem://old.test/node/1')")
        for i in range(3):
            conn.execute("INSERT INTO federation_audit (id, event_type, peer_node_id, reason, at) VALUES "
                         "(?, 'rejected_token', 'stigmem://junk.test/node/1', 'unknown_peer', ?)",
                         (f"old-{i}", f"2026-04-30T00:00:0{i}.000000Z"))


def test_a_database_of_migrations_0001_to_0003_upgrades(tmp_path):
    db = tmp_path / "old.db"
    _database_of_migrations_0001_to_0003(db)
    store = Store.open(str(db), ManualClock(T0_MS * 1000))
    try:
        assert [m["version"] for m in store.db.migrations()] == SHIPPED
        with store.db.reading() as conn:
            assert conn.execute("SELECT id, count, last_at = at FROM federation_audit ORDER BY seq").fetchall() == [
                ("old-0", 1, 1), ("old-1", 1, 1), ("old-2", 1, 1)]
            bounds = conn.execute("SELECT max_rows, max_age_s, repeat_window_s FROM federation_audit_bounds")
            assert bounds.fetchall() == [(None, None, None)]  # until a federating node sets its own
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute("DELETE FROM federation_audit WHERE id = 'old-0'")
    finally:
        store.close()


def test_upgraded_rows_are_listed_and_pruned(tmp_path, make_node):
    _database_of_migrations_0001_to_0003(tmp_path / "0" / "node.db")  # where make_node puts its first node
    node = make_node(federation=True, audit=AuditBounds(max_rows=2, repeat_window_s=60))
    assert [(e["id"], e["count"], e["last_at"] == e["at"]) for e in events(node)] == [
        ("old-2", 1, True), ("old-1", 1, True), ("old-0", 1, True)]
    junk_pull(node)  # the same fields as the old rows, but these carry no fingerprint: a new row; two kept
    assert [e["id"] for e in events(node)][1:] == ["old-2"]


def test_cli_refuses_bad_audit_bounds(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    for flag, value in (("--audit-max-rows", "0"), ("--audit-max-age", "-1"), ("--audit-repeat-window", "-1"),
                        ("--audit-max-rows", "many")):
        with pytest.raises(SystemExit):
            main(["--db", db, "--port", "0", "--federation", flag, value])
        assert flag in capsys.readouterr().err


# Every migration the node ships, by version (an upgraded database ends with all of them applied).
SHIPPED = sorted(p.name[:4] for p in (Path(reference_node.storage.__file__).parent / "migrations").glob("*.sql"))
