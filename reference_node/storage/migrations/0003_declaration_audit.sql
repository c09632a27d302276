-- Rejected peer declarations are audited (Spec-05 §Audit: peer rejected): the event type rejected_declaration.
-- SQLite cannot alter a CHECK constraint, so the append-only table is rebuilt with its rows, indexes and triggers.
DROP TRIGGER federation_audit_append_only_update;
DROP TRIGGER federation_audit_append_only_delete;

CREATE TABLE federation_audit_new (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    peer_id      TEXT,
    peer_node_id TEXT,
    event_type   TEXT NOT NULL CHECK (event_type IN ('rejected_fact', 'rejected_token', 'scope_violation',
                                                     'replay_attempt', 'rejected_declaration')),
    fact_id      TEXT,
    reason       TEXT NOT NULL,
    detail       TEXT,
    at           TEXT NOT NULL
);
INSERT INTO federation_audit_new (seq, id, peer_id, peer_node_id, event_type, fact_id, reason, detail, at)
    SELECT seq, id, peer_id, peer_node_id, event_type, fact_id, reason, detail, at FROM federation_audit;
DROP TABLE federation_audit;
ALTER TABLE federation_audit_new RENAME TO federation_audit;

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
