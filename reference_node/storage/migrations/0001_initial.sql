-- 0001: the core-local schema (Spec-17 storage contract; CIDF storage contract; docs/http-api.md).
-- Applied once, inside one transaction, and recorded in schema_migrations by the runner.

-- Node identity and other single values (node_id, created_at).
CREATE TABLE node_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Facts are append-only (STG-FACT-003): the triggers below refuse UPDATE and DELETE, except filling a NULL cid
-- during backfill (STG-CID-017). seq is the internal insertion order; id is the public fact id.
CREATE TABLE facts (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    entity         TEXT    NOT NULL,
    relation       TEXT    NOT NULL,
    value_type     TEXT    NOT NULL,
    value_v        TEXT    NOT NULL,  -- JSON text of v, exactly as sent
    interpret_as   TEXT,
    source         TEXT    NOT NULL,
    timestamp      TEXT    NOT NULL,  -- YYYY-MM-DDTHH:MM:SS.ffffffZ
    timestamp_us   INTEGER NOT NULL,
    hlc            TEXT    NOT NULL,  -- 13.3 digits, so text order is HLC order
    confidence     REAL    NOT NULL,
    scope          TEXT    NOT NULL CHECK (scope IN ('local', 'team', 'company', 'public')),
    valid_until    TEXT,              -- echoed byte for byte
    valid_until_us INTEGER,           -- the same instant, for comparisons
    garden_id      TEXT,
    cid            TEXT,              -- NULL only for legacy rows awaiting backfill
    origin         TEXT    NOT NULL DEFAULT 'client' CHECK (origin IN ('client', 'system', 'resolution'))
);

CREATE INDEX facts_order          ON facts (hlc, id);
CREATE INDEX facts_entity_order   ON facts (entity, hlc, id);
CREATE INDEX facts_relation_order ON facts (relation, hlc, id);
CREATE INDEX facts_source_order   ON facts (source, hlc, id);
CREATE INDEX facts_scope_order    ON facts (scope, hlc, id);
CREATE INDEX facts_triple         ON facts (entity, relation, scope);
CREATE INDEX facts_cid            ON facts (cid);

CREATE TRIGGER facts_append_only_update
BEFORE UPDATE OF seq, id, entity, relation, value_type, value_v, interpret_as, source, timestamp, timestamp_us, hlc,
                 confidence, scope, valid_until, valid_until_us, garden_id, origin ON facts
BEGIN
    SELECT RAISE(ABORT, 'facts are append-only');
END;

CREATE TRIGGER facts_cid_write_once
BEFORE UPDATE OF cid ON facts
WHEN OLD.cid IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a stored cid is never rewritten');
END;

CREATE TRIGGER facts_append_only_delete
BEFORE DELETE ON facts
BEGIN
    SELECT RAISE(ABORT, 'facts are append-only');
END;

-- CIDF: fact id -> CID, written in the same transaction as the fact (STG-CID-010).
CREATE TABLE fact_cid_aliases (
    fact_id    TEXT NOT NULL PRIMARY KEY REFERENCES facts (id),
    cid        TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX fact_cid_aliases_cid ON fact_cid_aliases (cid);

-- One row per contradicting pair (STG-CONF-004). The stigmem:conflict:* facts are the record; this table indexes
-- them, and its status follows the latest stigmem:conflict:status fact.
CREATE TABLE conflicts (
    seq         INTEGER PRIMARY KEY,
    conflict_id TEXT NOT NULL UNIQUE,
    fact_a      TEXT NOT NULL REFERENCES facts (id),
    fact_b      TEXT NOT NULL REFERENCES facts (id),
    scope       TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'unresolved' CHECK (status IN ('unresolved', 'resolved')),
    resolved_by TEXT REFERENCES facts (id)
);

CREATE INDEX conflicts_status ON conflicts (status, seq);

-- Facts that are part of an unresolved conflict: the "contradicted" flag of reads (STG-QRY-008, STG-CONF-011).
CREATE TABLE open_conflict_facts (
    fact_id     TEXT NOT NULL,
    conflict_id TEXT NOT NULL,
    PRIMARY KEY (fact_id, conflict_id)
) WITHOUT ROWID;

-- API keys, stored only as SHA-256 hex digests of the raw key (STG-AUTH-002).
CREATE TABLE api_keys (
    id             TEXT NOT NULL PRIMARY KEY,
    key_sha256     TEXT NOT NULL UNIQUE,
    entity_uri     TEXT NOT NULL,
    permissions    TEXT NOT NULL,  -- JSON array
    allowed_scopes TEXT NOT NULL,  -- JSON array
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
) WITHOUT ROWID;

-- Batch idempotency records (STG-BATCH-005..007), per API key, kept 24 h (ADR-006).
CREATE TABLE batch_idempotency (
    owner           TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_sha256  TEXT    NOT NULL,
    response        TEXT    NOT NULL,
    created_us      INTEGER NOT NULL,
    PRIMARY KEY (owner, idempotency_key)
) WITHOUT ROWID;
