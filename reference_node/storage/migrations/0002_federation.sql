-- 0002: federation (docs/federation-api.md; Spec-05; Spec-11; A08 §3.5, §5.6-§5.11, §6, §10).
-- Applied once, inside one transaction, and recorded in schema_migrations by the runner.

-- Every fact row gets a local storage stamp and, when it came from a peer, where it came from.
--   local_hlc      the node's own HLC when the row was stored: the serving order and pull cursor (interpretation
--                  hlc_origin = preserve: hlc stays the origin's, STG-PROV-007). Equal to hlc for local writes.
--   received_from  node_id of the peer that delivered the fact (STG-PROV-003); NULL for local writes. Such facts
--                  are never served to peers (interpretation relaying = none).
--   origin_node_id node_id of the node the fact was first stored on, internal (STG-FED-046); NULL for local.
-- A received fact keeps origin = 'client' (it was a client's fact where it was first stored); received_from tells
-- it apart from this node's own facts.
ALTER TABLE facts ADD COLUMN local_hlc TEXT;
ALTER TABLE facts ADD COLUMN received_from TEXT;
ALTER TABLE facts ADD COLUMN origin_node_id TEXT;

-- Rows written before this migration were stamped by this node, so their hlc is their local stamp.
UPDATE facts SET local_hlc = hlc WHERE local_hlc IS NULL;

CREATE INDEX facts_local_order ON facts (local_hlc, id);

-- Facts stay append-only (STG-FACT-003): the new columns are written once, at insert.
CREATE TRIGGER facts_federation_columns_write_once
BEFORE UPDATE OF local_hlc, received_from, origin_node_id ON facts
BEGIN
    SELECT RAISE(ABORT, 'facts are append-only');
END;

-- The node's Ed25519 federation keys (docs/federation-api.md "Identity and discovery"); the active key is the
-- newest one not retired. seed is base64url of the 32-byte RFC 8032 private seed.
CREATE TABLE federation_keys (
    key_id     TEXT NOT NULL PRIMARY KEY,  -- first 16 hex digits of SHA-256 of the raw public key
    public_key TEXT NOT NULL,              -- base64url, 43 characters
    seed       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
) WITHOUT ROWID;

-- Registered peers (A08 §5.6-§5.7; STG-FED-002, STG-FED-009, STG-FED-012). node_id is unique: a rejected peer
-- registering again reuses its row.
CREATE TABLE federation_peers (
    peer_id           TEXT NOT NULL PRIMARY KEY,
    node_id           TEXT NOT NULL UNIQUE,
    node_url          TEXT NOT NULL,
    federation_pubkey TEXT NOT NULL,
    allowed_scopes    TEXT NOT NULL,  -- JSON array, as declared
    declaration       TEXT NOT NULL,  -- the declaration as received, JSON
    status            TEXT NOT NULL CHECK (status IN ('pending_verification', 'pending_approval', 'active',
                                                      'rejected', 'revoked')),
    registered_at     TEXT NOT NULL,
    verified_at       TEXT,
    established_at    TEXT,
    rejected_reason   TEXT,
    rejected_at       TEXT
) WITHOUT ROWID;

-- Per-peer pull cursors (STG-FED-032): written in the transaction of the page they follow.
CREATE TABLE federation_cursors (
    peer_id   TEXT NOT NULL PRIMARY KEY REFERENCES federation_peers (peer_id),
    cursor    TEXT,
    pulled_at TEXT NOT NULL
) WITHOUT ROWID;

-- Accepted peer-token nonces (STG-TOK-006..008, STG-RPL-009): kept until retain_until_ms = max(exp, accepted_at
-- + 300 s) (interpretation nonce_retention), pruned lazily. Keyed on the nonce alone: any token reusing it is
-- refused.
CREATE TABLE federation_nonces (
    nonce           TEXT    NOT NULL PRIMARY KEY,
    issuer          TEXT    NOT NULL,
    accepted_at_ms  INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    retain_until_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX federation_nonces_retention ON federation_nonces (retain_until_ms);

-- The federation audit log (A08 §6.4, §10; STG-AUDIT-001/002): append-only.
CREATE TABLE federation_audit (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    peer_id      TEXT,
    peer_node_id TEXT,
    event_type   TEXT NOT NULL CHECK (event_type IN ('rejected_fact', 'rejected_token', 'scope_violation',
                                                     'replay_attempt')),
    fact_id      TEXT,
    reason       TEXT NOT NULL,
    detail       TEXT,
    at           TEXT NOT NULL
);

CREATE INDEX federation_audit_peer ON federation_audit (peer_id, seq);
CREATE INDEX federation_audit_type ON federation_audit (event_type, seq);

CREATE TRIGGER federation_audit_append_only_update
BEFORE UPDATE ON federation_audit
BEGIN
    SELECT RAISE(ABORT, 'the federation audit log is append-only');
END;

CREATE TRIGGER federation_audit_append_only_delete
BEFORE DELETE ON federation_audit
BEGIN
    SELECT RAISE(ABORT, 'the federation audit log is append-only');
END;
