"""The CID backfill survives a SIGKILL mid-run (issue 16, STG-CID-017/018/019), black box.

A node database gets ``ROWS`` legacy rows (tests/legacy_store.py: CID-less rows as a pre-CID node stored them) and a
byte copy of it is kept. ``backfill-cids --batch-size 100 --rate-limit 1500`` runs as a subprocess while the node
serves the same database and a client asserts facts through it; once its progress lines on stderr pass
``KILL_AFTER`` facts it is SIGKILLed by its PID. Then:

- what the killed run committed is whole batches: the legacy rows with a CID are a multiple of the batch size, and
  every CID has its alias row (a batch is one transaction);
- the status route reports the remainder as pending, not complete;
- a rerun continues from there (its first progress line is past the kill point) and exits 0; a third run writes
  nothing (idempotent);
- every fact's stored CID, and every CID the node serves in ``GET /v1/facts`` and verify-cid, equals the suite's
  own oracle (conformance/oracle/cid.py, RFC 8785 via rfc8785 and hashlib), never the node's code;
- the legacy rows' CIDs and aliases equal those of an uninterrupted run on the copy;
- the status route reaches ``backfill_complete``.

The figures (rows, kill point, times) are printed. Only 127.0.0.1 is contacted; every loop is bounded in count and
time; processes are stopped by PID.
"""

from __future__ import annotations

import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from conformance.oracle import cid as oracle
from tests.legacy_store import write_legacy_rows

ROWS = 3000
BATCH = 100
RATE = 1500.0  # facts per second: the run takes about 2 s, so the kill lands mid-run
KILL_AFTER = 1000
BOUND_S = 60.0
_PROGRESS = re.compile(r"cid backfill: (\d+)/(\d+)")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "reference_node.cli", *args]


def _sql(db: Path, statement: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute(statement, params).fetchall()


def _body(row: tuple[Any, ...]) -> dict[str, Any]:
    """The oracle's input from a stored row (entity, relation, value_type, value_v, source, confidence, scope)."""
    entity, relation, vtype, value_v, source, confidence, scope = row
    return {"entity": entity, "relation": relation, "value": {"type": vtype, "v": json.loads(value_v)},
            "source": source, "confidence": confidence, "scope": scope}


def _start_node(db: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(_cli("--host", "127.0.0.1", "--port", "0", "--db", str(db), "--no-quotas"),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + BOUND_S
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if found:
            return proc, found.group(1)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError("the node did not start")


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def _backfill(db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(_cli("backfill-cids", "--db", str(db), *extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _all_facts(client: httpx.Client) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = []
    cursor = None
    for _ in range(ROWS):  # bounded: one page at least per 500 facts
        params: dict[str, Any] = {"limit": 500}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/v1/facts", params=params)
        assert page.status_code == 200, page.text
        facts += page.json()["facts"]
        cursor = page.json()["cursor"]
        if not cursor:
            return facts
    raise AssertionError("the fact listing did not end")


def test_backfill_survives_sigkill_mid_run(tmp_path: Path) -> None:
    db, copy = tmp_path / "node.db", tmp_path / "uninterrupted.db"
    admin = subprocess.run(_cli("keys", "bootstrap", "--db", str(db)), capture_output=True, text=True,
                           timeout=BOUND_S, check=True).stdout.strip()
    legacy = write_legacy_rows(db, ROWS)
    legacy_ids = {fact["id"] for fact in legacy}
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)

    node, url = _start_node(db)
    live: list[dict[str, Any]] = []
    live_errors: list[str] = []
    stop_writing = threading.Event()
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {admin}"}, timeout=30) as client:
            def write_live() -> None:  # live writes beside the backfill (A20: concurrent with live writes)
                for n in range(200):
                    if stop_writing.is_set():
                        return
                    answer = client.post("/v1/facts", json={
                        "entity": f"stigmem://live.test/user/u{n}", "relation": "memory:role",
                        "value": {"type": "string", "v": f"live {n}"}, "source": "stigmem://live.test/agent/a",
                        "confidence": 1.0, "scope": "team"})
                    if answer.status_code != 201:
                        live_errors.append(answer.text)
                        return
                    live.append(answer.json())
                    time.sleep(0.01)

            writer = threading.Thread(target=write_live)
            started = time.monotonic()
            first = _backfill(db, "--batch-size", str(BATCH), "--rate-limit", str(RATE))
            writer.start()
            seen, seen_total, lines = 0, 0, []
            assert first.stderr is not None
            while time.monotonic() - started < BOUND_S:
                line = first.stderr.readline()
                if not line:
                    break
                lines.append(line.strip())
                progress = _PROGRESS.search(line)
                if progress and int(progress.group(1)) >= KILL_AFTER:
                    seen, seen_total = int(progress.group(1)), int(progress.group(2))
                    first.send_signal(signal.SIGKILL)
                    break
            first.wait(timeout=BOUND_S)
            killed_s = time.monotonic() - started
            stop_writing.set()
            writer.join(timeout=BOUND_S)
            assert first.returncode == -signal.SIGKILL, (first.returncode, lines)
            assert not live_errors, live_errors

            done_at_kill = _sql(db, "SELECT COUNT(cid) FROM facts WHERE id IN (SELECT value FROM json_each(?))",
                                json.dumps(sorted(legacy_ids)))[0][0]
            orphan_cids = _sql(db, "SELECT COUNT(*) FROM facts f LEFT JOIN fact_cid_aliases a ON a.fact_id = f.id "
                                   "WHERE f.cid IS NOT NULL AND (a.cid IS NULL OR a.cid != f.cid)")[0][0]
            print(f"\nbackfill: {ROWS} legacy rows, batches of {BATCH} at {RATE:.0f}/s; SIGKILL after the line "
                  f"{seen}/{seen_total} at {killed_s:.2f} s; committed then: {done_at_kill} legacy rows; "
                  f"{len(live)} live writes")
            assert 0 < done_at_kill < ROWS, "the kill did not land mid-run"
            assert done_at_kill % BATCH == 0, f"{done_at_kill} rows backfilled: a batch was half committed"
            assert orphan_cids == 0, "a CID without its alias row"
            status = client.get("/v1/admin/cid-backfill/status").json()
            assert status["pending_facts"] == ROWS - done_at_kill and status["backfill_complete"] is False, status
            assert status["state"] != "backfill_complete" and status["last_updated_at"], status

            rerun_started = time.monotonic()
            second = _backfill(db, "--batch-size", str(BATCH), "--rate-limit", str(RATE))
            out, err = second.communicate(timeout=BOUND_S)
            rerun_s = time.monotonic() - rerun_started
            assert second.returncode == 0, err
            first_line = _PROGRESS.search(err)
            assert first_line and int(first_line.group(1)) > done_at_kill, err.splitlines()[:2]
            assert json.loads(out)["backfilled_now"] == ROWS - done_at_kill
            third = _backfill(db, "--quiet")
            out, err = third.communicate(timeout=BOUND_S)
            assert third.returncode == 0 and json.loads(out)["backfilled_now"] == 0, (out, err)

            rows = _sql(db, "SELECT id, entity, relation, value_type, value_v, source, confidence, scope, cid "
                            "FROM facts")
            wrong = [r[0] for r in rows if r[-1] != oracle.cid(_body(r[1:-1]), "jcs-6")]
            assert not wrong, f"{len(wrong)} stored CIDs differ from the oracle: {wrong[:5]}"
            served = _all_facts(client)
            assert len(served) == len(rows)
            for fact in served:
                assert fact["cid"] == oracle.cid(fact, "jcs-6"), fact
            for fact in random.Random(16).sample(served, 100):
                answer = client.post(f"/v1/facts/{fact['id']}/verify-cid").json()
                assert answer["cid_valid"] is True and answer["computed_cid"] == oracle.cid(fact, "jcs-6"), answer
            status = client.get("/v1/admin/cid-backfill/status").json()
            assert (status["state"], status["backfill_complete"], status["pending_facts"]) == (
                "backfill_complete", True, 0), status
    finally:
        stop_writing.set()
        _stop(node)

    uninterrupted = subprocess.run(_cli("backfill-cids", "--db", str(copy), "--rate-limit", "0", "--quiet"),
                                   capture_output=True, text=True, timeout=BOUND_S)
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    query = "SELECT f.id, f.cid, a.cid FROM facts f JOIN fact_cid_aliases a ON a.fact_id = f.id ORDER BY f.id"
    resumed = [r for r in _sql(db, query) if r[0] in legacy_ids]
    assert resumed == _sql(copy, query) and len(resumed) == ROWS
    print(f"rerun {rerun_s:.2f} s for {ROWS - done_at_kill} rows; every CID of {len(rows)} facts matches the "
          "oracle and the uninterrupted run")
