"""The node-wide audit log table (0007_audit_log.sql, storage/audit_log.py): seq, append-only, retention floor."""

from __future__ import annotations

import sqlite3

import pytest

from reference_node.clock import ManualClock
from reference_node.storage import Store, audit_log

T0_US = 1_777_593_600_000_000


def _append(store: Store, event_type: str, timestamp: str = "2026-05-01T00:00:00.000000Z") -> int:
    with store.db.transaction() as conn:
        return audit_log.append(conn, event_type, "success", timestamp, actor_entity="stigmem://a.test/user/x",
                                fact_id="f", scope="local", metadata={"k": 1, "action": "assert", "created": True})


def test_seq_increases_and_survives_a_restart_after_deletes(tmp_path):
    path = str(tmp_path / "node.db")
    store = Store.open(path, ManualClock(T0_US))
    first = [_append(store, "fact_write") for _ in range(3)]
    assert first == sorted(first) and len(set(first)) == 3
    # A delete within retention is refused by the trigger.
    with store.db.transaction() as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log WHERE seq = ?", (first[-1],))
    store.close()
    store = Store.open(path, ManualClock(T0_US))
    assert _append(store, "fact_write") > first[-1]
    with store.db.reading() as conn:
        listed = audit_log.page(conn, None, 10)
    assert [e.seq for e in listed] == [*first, first[-1] + 1]
    assert listed[0].public()["metadata"] == {"k": 1, "action": "assert", "created": True}
    store.close()


def test_rows_are_never_updated(tmp_path):
    store = Store.open(str(tmp_path / "node.db"), ManualClock(T0_US))
    seq = _append(store, "fact_write")
    with store.db.transaction() as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET outcome = 'denied' WHERE seq = ?", (seq,))
    store.close()


def test_retention_below_90_days_is_refused_and_old_rows_may_go(tmp_path):
    store = Store.open(str(tmp_path / "node.db"), ManualClock(T0_US))
    with store.db.transaction() as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE audit_log_bounds SET max_age_s = ?", (89 * 86_400,))
    old = _append(store, "fact_write", "2025-01-01T00:00:00.000000Z")
    young = _append(store, "fact_write", "2026-04-01T00:00:00.000000Z")
    _append(store, "fact_write", "2026-05-01T00:00:00.000000Z")
    with store.db.transaction() as conn:
        conn.execute("UPDATE audit_log_bounds SET max_age_s = ?", (90 * 86_400,))
        conn.execute("DELETE FROM audit_log WHERE seq = ?", (old,))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("DELETE FROM audit_log WHERE seq = ?", (young,))


def test_page_filters_by_type_time_and_cursor(tmp_path):
    store = Store.open(str(tmp_path / "node.db"), ManualClock(T0_US))
    seqs = [_append(store, kind, f"2026-05-01T00:00:0{i}.000000Z")
            for i, kind in enumerate(("fact_write", "test_read", "fact_write", "test_breach"))]
    with store.db.reading() as conn:
        assert [e.seq for e in audit_log.page(conn, seqs[0], 10, ("fact_write",))] == [seqs[2]]
        # Both time bounds are exclusive (interpretation audit_time_bounds).
        assert [e.seq for e in audit_log.page(conn, None, 10, (), "2026-05-01T00:00:00.000000Z",
                                              "2026-05-01T00:00:03.000000Z")] == seqs[1:3]
        assert [e.seq for e in audit_log.page(conn, None, 2)] == seqs[:2]
    with pytest.raises(ValueError), store.db.transaction() as conn:
        audit_log.append(conn, "fact_write", "ok", "2026-05-01T00:00:00.000000Z")
