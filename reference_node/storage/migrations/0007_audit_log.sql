-- The node-wide audit log (Spec-09; A20 §22.3): one row per event, written inside the transaction of the action it
-- records, before the response (write-ahead). `seq` is AUTOINCREMENT, so a number is never handed out twice, even
-- after the oldest rows are deleted: it increases and never resets across restarts. Rows are never updated; a
-- delete is refused unless the row lies beyond the retention bound of `audit_log_bounds` (age only: A20 §22.3 keeps
-- every event at least 90 days, so no row-count bound may cut younger ones).
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    timestamp    TEXT NOT NULL,
    hlc          TEXT,
    actor_entity TEXT,
    scope        TEXT,
    fact_id      TEXT,
    outcome      TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    metadata     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_type ON audit_log (event_type, seq);
CREATE INDEX audit_log_time ON audit_log (timestamp, seq);

CREATE TABLE audit_log_bounds (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    max_age_s INTEGER CHECK (max_age_s IS NULL OR max_age_s >= 7776000)
);
INSERT INTO audit_log_bounds (singleton, max_age_s) VALUES (1, NULL);

CREATE TRIGGER audit_log_append_only_update
BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_append_only_delete
BEFORE DELETE ON audit_log
WHEN (SELECT max_age_s FROM audit_log_bounds) IS NULL
     OR julianday(OLD.timestamp) >= julianday((SELECT MAX(timestamp) FROM audit_log))
                                     - (SELECT max_age_s FROM audit_log_bounds) / 86400.0
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only (only rows beyond retention may go)');
END;
