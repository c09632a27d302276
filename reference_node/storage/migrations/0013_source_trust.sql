-- 0013: source trust (Spec-08; A20 §19.4, §2.8; the seed's "source_trust REAL, -- cached per
-- Spec-05-Federation-Trust"). A received fact keeps the source_trust its peer scored when it was ingested (NULL in
-- trust_mode off, and for local writes); a derived value, outside the CID (CIDF §Excluded Fields), written once.
ALTER TABLE facts ADD COLUMN source_trust REAL;

CREATE TRIGGER facts_source_trust_write_once
BEFORE UPDATE OF source_trust ON facts
BEGIN
    SELECT RAISE(ABORT, 'facts are append-only');
END;

-- Peer history (STG-TRUST-001): facts received from a peer in the last 30 days, by when they were received.
CREATE INDEX facts_received_from ON facts (received_from, local_hlc) WHERE received_from IS NOT NULL;
