-- 0012: the node's transparency log (Spec-04 "transparency log"; A20 19.2; RFC 9162; docs/federation-api.md
-- "Transparency log"). One row per logged action (a manifest, a key rotation, a token revocation), written in the
-- transaction of the action. log_index counts from 0 without gaps; body is the RFC 8785 JSON of what was logged;
-- leaf_hash is the hex RFC 9162 leaf hash of RFC 8785 {kind, body, integrated_time}, so the Merkle tree is rebuilt
-- from this table alone. Rows are never updated or deleted (STG-TLOG-001): a checkpoint once signed stays a prefix.
CREATE TABLE transparency_log (
    log_index       INTEGER PRIMARY KEY CHECK (log_index >= 0),
    kind            TEXT NOT NULL CHECK (kind IN ('manifest', 'rotation', 'revocation')),
    body            TEXT NOT NULL,
    integrated_time INTEGER NOT NULL,
    leaf_hash       TEXT NOT NULL CHECK (length(leaf_hash) = 64)
);
CREATE INDEX transparency_log_leaf ON transparency_log (leaf_hash);
CREATE INDEX transparency_log_kind ON transparency_log (kind, log_index);

CREATE TRIGGER transparency_log_contiguous
BEFORE INSERT ON transparency_log
WHEN NEW.log_index != (SELECT COUNT(*) FROM transparency_log)
BEGIN
    SELECT RAISE(ABORT, 'the transparency log grows at its end only');
END;

CREATE TRIGGER transparency_log_append_only_update
BEFORE UPDATE ON transparency_log
BEGIN
    SELECT RAISE(ABORT, 'the transparency log is append-only');
END;

CREATE TRIGGER transparency_log_append_only_delete
BEFORE DELETE ON transparency_log
BEGIN
    SELECT RAISE(ABORT, 'the transparency log is append-only');
END;
