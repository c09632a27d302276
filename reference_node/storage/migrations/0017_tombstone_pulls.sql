-- 0017: where this node's pull of each peer's GET /v1/federation/tombstones stands (Spec-X2; A20 §23.4.2-§23.4.3).
-- The cursor is the peer's opaque one, committed with the page it ends (STG-TOMB-020: ingest is idempotent on id, so
-- a page read again after a crash changes nothing).
CREATE TABLE tombstone_pulls (
    peer_id   TEXT NOT NULL PRIMARY KEY,
    cursor    TEXT,
    pulled_at TEXT NOT NULL
) WITHOUT ROWID;
