-- 0014: RTBF tombstones and time travel (Spec-X2, Spec-X3; A20 §23.2, §23.5, §24.4; the seed's migrations 013a and
-- 013c). Tombstones and their revocations are records of their own, never facts (STG-TOMB-007), and are immutable
-- (STG-TOMB-008): the triggers refuse UPDATE and DELETE. `record` is the signed JSON as issued or received, served
-- unchanged to peers (STG-TOMB-016).
CREATE TABLE tombstones (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT    NOT NULL UNIQUE,
    entity_uri    TEXT    NOT NULL,
    scope         TEXT    NOT NULL,  -- JSON of the pattern as signed: "*", "team" or ["company","team"]
    legal_hold    INTEGER NOT NULL CHECK (legal_hold IN (0, 1)),
    signed_by     TEXT    NOT NULL,
    key_id        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    received_from TEXT,              -- the peer node id it came from; NULL: issued on this node
    stored_at     TEXT    NOT NULL,
    record        TEXT    NOT NULL
);
CREATE INDEX tombstones_entity ON tombstones (entity_uri, seq);

CREATE TABLE tombstone_revocations (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT    NOT NULL UNIQUE,
    tombstone_id  TEXT    NOT NULL UNIQUE,  -- a tombstone is revoked at most once (STG-TOMB-010)
    created_at    TEXT    NOT NULL,
    received_from TEXT,
    stored_at     TEXT    NOT NULL,
    record        TEXT    NOT NULL
);

CREATE TRIGGER tombstones_immutable_update BEFORE UPDATE ON tombstones
BEGIN SELECT RAISE(ABORT, 'tombstones are immutable'); END;
CREATE TRIGGER tombstones_immutable_delete BEFORE DELETE ON tombstones
BEGIN SELECT RAISE(ABORT, 'tombstones are immutable'); END;
CREATE TRIGGER tombstone_revocations_immutable_update BEFORE UPDATE ON tombstone_revocations
BEGIN SELECT RAISE(ABORT, 'tombstone revocations are immutable'); END;
CREATE TRIGGER tombstone_revocations_immutable_delete BEFORE DELETE ON tombstone_revocations
BEGIN SELECT RAISE(ABORT, 'tombstone revocations are immutable'); END;

-- The read paths' index of ACTIVE tombstones: one row per (entity, covered fact scope, tombstone), written with the
-- tombstone and deleted with its revocation in the same transaction, so suppression is immediate (STG-TOMB-014).
-- Derived from the two tables above; never the record.
CREATE TABLE tombstone_cover (
    entity_uri   TEXT    NOT NULL,
    scope        TEXT    NOT NULL,
    tombstone_id TEXT    NOT NULL,
    legal_hold   INTEGER NOT NULL,
    PRIMARY KEY (entity_uri, scope, tombstone_id)
) WITHOUT ROWID;

-- A20 §24.4 (seed 013c): every retraction is recorded here, so as_of never infers it from confidence (STG-TT-005).
CREATE TABLE fact_retractions (
    id              TEXT    NOT NULL PRIMARY KEY,  -- retract_ + UUIDv7
    fact_id         TEXT    NOT NULL,
    retracted_at    TEXT    NOT NULL,
    retracted_at_us INTEGER NOT NULL,
    retracted_by    TEXT    NOT NULL               -- the retraction fact's id
) WITHOUT ROWID;
CREATE INDEX fact_retractions_fact ON fact_retractions (fact_id, retracted_at_us);
CREATE TRIGGER fact_retractions_append_only_update BEFORE UPDATE ON fact_retractions
BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
CREATE TRIGGER fact_retractions_append_only_delete BEFORE DELETE ON fact_retractions
BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;

-- STG-TT-015: as_of is pushed down; an entity query at T walks the entity's facts up to T by creation instant.
CREATE INDEX facts_entity_created ON facts (entity, timestamp_us);
