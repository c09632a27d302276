"""Two stores on one database file stand for two workers (docs/workers.md), in one process and with clocks held.

- STG-WORK-003: a worker whose clock is behind still stamps above what the other worker stored (its HLC catches
  up inside the write transaction); without the catch-up it would stamp below, which these tests see.
- STG-WORK-009: a pulled page is ingested only while the cursor it was fetched with is still stored.
- STG-WORK-001: the nonce cache's insert decides, whatever an earlier read said.
"""

from __future__ import annotations

from pathlib import Path

from reference_node.clock import ManualClock
from reference_node.storage import Store
from reference_node.storage import peers as peer_rows
from reference_node.storage.federation import FederationStore
from reference_node.storage.peers import PeerRow
from reference_node.storage.trust_cache import SqliteNonceCache, open_cache
from tests.unit.node.conftest import T0_US, Node, make_body


def _hlc(node: Node, value: str) -> str:
    answer = node.client.post("/v1/facts", json=make_body(value, entity=f"stigmem://example.org/user/{value}"))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["hlc"])


def test_a_worker_behind_stamps_above_the_other_workers_write(tmp_path: Path):
    """Worker B's clock is 50 ms behind and it wrote first; after worker A writes, B's next stamp is above A's."""
    ahead, behind = ManualClock(T0_US + 50_000), ManualClock(T0_US)
    first_b = None
    b = Node(tmp_path, behind, auth="none")
    a = Node(tmp_path, ahead, auth="none")
    try:
        first_b = _hlc(b, "b0")
        written_a = _hlc(a, "a0")
        assert written_a > first_b
        assert _hlc(b, "b1") > written_a, "worker B stamped below worker A's stored fact (a per-process HLC)"
        assert b.client.get("/v1/admin/status").json()["hlc"] >= written_a
    finally:
        a.store.close()
        b.store.close()


def test_a_page_pulled_from_a_moved_cursor_is_not_ingested(tmp_path: Path):
    store = Store.open(str(tmp_path / "node.db"), ManualClock(T0_US))
    try:
        federation = FederationStore(store, 65536)
        peer = PeerRow("p1", "stigmem://peer.test/node/1", "http://127.0.0.1:1", "k", ("public",), "active",
                       "2026-05-01T00:00:00Z", None, None, None, None)
        with store.db.transaction() as conn:
            peer_rows.save(conn, peer, {})
            peer_rows.set_cursor(conn, peer.peer_id, "c1", "2026-05-01T00:00:00Z")
        assert federation.ingest(peer, [], "c2", pulled_from="c0") is None  # another worker moved it to c1
        assert federation.cursor(peer.peer_id) == "c1"
        assert federation.ingest(peer, [], "c2", pulled_from="c1") is not None
        assert federation.cursor(peer.peer_id) == "c2"
    finally:
        store.close()


def test_the_insert_decides_a_nonce_not_the_read(tmp_path: Path):
    store = Store.open(str(tmp_path / "node.db"), ManualClock(T0_US))
    other = Store.open(str(tmp_path / "node.db"), ManualClock(T0_US))
    try:
        mine, theirs = SqliteNonceCache(store.db), open_cache(None, other.db, other.node_id)
        now = T0_US // 1000
        assert not mine.seen("n" * 64, now) and not theirs.seen("n" * 64, now)  # both read "unseen"
        assert mine.accept("n" * 64, "iss", now + 60_000, now, now + 360_000)
        assert not theirs.accept("n" * 64, "iss", now + 60_000, now, now + 360_000)
    finally:
        store.close()
        other.close()
