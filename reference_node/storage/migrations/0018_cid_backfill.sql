-- 0018: CID backfill runs (CIDF §Backfill; A20 §25 backfill; the seed's migration 013b, with the nullable cid
-- column, the fact_cid_aliases table and their indexes that 0001 already created). One row per
-- `backfill-cids` run, updated in the same transaction as each batch it writes (STG-CID-018), so the status route
-- can report the last progress time and whether a run is alive. Which facts remain is never recorded here: it is
-- the facts whose cid is NULL, so a run killed at any point leaves a state the next run continues from.
CREATE TABLE cid_backfill_runs (
    id              INTEGER PRIMARY KEY,
    started_at      TEXT    NOT NULL,
    batch_size      INTEGER NOT NULL CHECK (batch_size > 0),
    rate_limit      REAL,                        -- facts per second; NULL: unbounded
    written         INTEGER NOT NULL DEFAULT 0,  -- facts this run gave a CID
    batches         INTEGER NOT NULL DEFAULT 0,
    last_updated_at TEXT    NOT NULL,
    last_updated_us INTEGER NOT NULL,
    finished_at     TEXT                          -- NULL while running, or when the run was killed
);
