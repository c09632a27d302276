"""entity_edges keeps the source_trust of the fact it indexes (A20 §20.1.5: min_trust prunes edges)."""

from __future__ import annotations

from pathlib import Path

from reference_node.storage import entity_edges
from reference_node.storage.database import Database


def _trust(db: Database, fact_id: str) -> object:
    with db.reading() as conn:
        return conn.execute("SELECT source_trust FROM entity_edges WHERE id = ?", (fact_id,)).fetchone()[0]


def test_edge_keeps_the_fact_source_trust(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "node.db"))
    db.migrate("2026-12-03T00:00:00Z")
    a, b, c = (f"stigmem://node.test/person/{x}" for x in "abc")
    with db.transaction(hooks=False) as conn:
        entity_edges.record(conn, "pulled", a, "rel:x", "ref", f'"{b}"', "public", 0.9, None, 1_000_000,
                            source_trust=0.25)
        entity_edges.record(conn, "local", a, "rel:x", "ref", f'"{c}"', "public", 0.9, None, 1_000_000)
    assert _trust(db, "pulled") == 0.25
    assert _trust(db, "local") is None
    db.close()
