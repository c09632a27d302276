-- Bounded federation audit (STG-ROB-006, STG-ROB-007; docs/federation-api.md "Audit").
-- Repeated identical rejections share one row: `count` says how many, `at` is the first and `last_at` the last
-- time seen, `fingerprint` (the first 16 bytes of the SHA-256 of the row's fields) finds the row. A retention
-- bound lets the oldest rows go. Both are set in `federation_audit_bounds`, written by the node from its settings.
-- The append-only triggers are replaced by narrower ones: an update may only raise `count` and move `last_at`
-- forward; a delete is refused unless the row lies beyond the retention bound. Every other mutation is refused.
DROP TRIGGER federation_audit_append_only_update;
DROP TRIGGER federation_audit_append_only_delete;

ALTER TABLE federation_audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1);
ALTER TABLE federation_audit ADD COLUMN last_at TEXT;
ALTER TABLE federation_audit ADD COLUMN fingerprint BLOB;
UPDATE federation_audit SET last_at = at;

CREATE INDEX federation_audit_fingerprint ON federation_audit (fingerprint, seq);

-- One row, written by the node at start: NULL means no bound of that kind (no row is deleted on that ground);
-- repeat_window_s NULL or 0: no aggregation.
CREATE TABLE federation_audit_bounds (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    max_rows  INTEGER CHECK (max_rows IS NULL OR max_rows >= 1),
    max_age_s INTEGER CHECK (max_age_s IS NULL OR max_age_s >= 1),
    repeat_window_s REAL CHECK (repeat_window_s IS NULL OR repeat_window_s >= 0)
);
INSERT INTO federation_audit_bounds (singleton, max_rows, max_age_s, repeat_window_s) VALUES (1, NULL, NULL, NULL);

CREATE TRIGGER federation_audit_append_only_update
BEFORE UPDATE ON federation_audit
WHEN NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.peer_id IS NOT OLD.peer_id
     OR NEW.peer_node_id IS NOT OLD.peer_node_id OR NEW.event_type IS NOT OLD.event_type
     OR NEW.fact_id IS NOT OLD.fact_id OR NEW.reason IS NOT OLD.reason OR NEW.detail IS NOT OLD.detail
     OR NEW.at IS NOT OLD.at OR NEW.fingerprint IS NOT OLD.fingerprint
     OR NEW.count < OLD.count OR NEW.last_at IS NULL OR NEW.last_at < OLD.last_at
BEGIN
    SELECT RAISE(ABORT, 'the federation audit log is append-only (a row''s count and last_at may only grow)');
END;

-- Beyond retention: more than max_rows sequence numbers behind the newest row, or older than max_age_s before the
-- newest row's time. The newest row is never beyond either, so `seq` never restarts (STG-AUDIT-008).
CREATE TRIGGER federation_audit_append_only_delete
BEFORE DELETE ON federation_audit
WHEN NOT (
    COALESCE(OLD.seq <= (SELECT MAX(seq) FROM federation_audit)
                        - (SELECT max_rows FROM federation_audit_bounds), 0)
    OR COALESCE(OLD.at < (SELECT strftime('%Y-%m-%dT%H:%M:%fZ',
                                          (SELECT at FROM federation_audit ORDER BY seq DESC LIMIT 1),
                                          '-' || max_age_s || ' seconds')
                          FROM federation_audit_bounds), 0)
)
BEGIN
    SELECT RAISE(ABORT, 'the federation audit log is append-only (only rows beyond retention may be deleted)');
END;
