-- 0015: the graph index, the lexical index and access counts of the recall pipeline (seed Architecture "Graph index
-- and recall pipeline"; Spec-X11-Recall-Graph / A20 §20.1-§20.3). Embeddings (vec_facts) live in a sidecar file
-- opened through sqlite-vec (reference_node/recall/vectors.py), so this database never needs the extension.

-- One edge per live ref fact whose value is an entity URI (id = the source fact id); written by
-- storage/entity_edges.py beside every fact insert, its confidence set to 0 by a retraction of the triple.
CREATE TABLE entity_edges (
    id           TEXT    PRIMARY KEY,
    subject      TEXT    NOT NULL,
    relation     TEXT    NOT NULL,
    object       TEXT    NOT NULL,  -- the normalized entity URI of the ref value
    scope        TEXT    NOT NULL,
    confidence   REAL    NOT NULL,
    source_trust REAL,              -- cached per Spec-05-Federation-Trust; NULL while trust scoring is off
    decay_epoch  INTEGER,
    created_at   INTEGER NOT NULL   -- ms
) WITHOUT ROWID;

CREATE INDEX idx_edges_subject ON entity_edges (subject, scope, confidence);
CREATE INDEX idx_edges_object  ON entity_edges (object, scope, confidence);
CREATE INDEX idx_edges_triple  ON entity_edges (subject, relation, scope);

-- BM25 over "{entity} {relation} {value text}", rowid = facts.seq, filled by the trigger below.
CREATE VIRTUAL TABLE facts_fts USING fts5(body, tokenize = 'unicode61');

INSERT INTO facts_fts (rowid, body)
SELECT seq, entity || ' ' || relation || ' ' || COALESCE(json_extract(value_v, '$'), '') FROM facts
WHERE json_valid(value_v);

CREATE TRIGGER facts_fts_on_insert AFTER INSERT ON facts
WHEN json_valid(NEW.value_v)
BEGIN
    INSERT INTO facts_fts (rowid, body)
    VALUES (NEW.seq, NEW.entity || ' ' || NEW.relation || ' ' || COALESCE(json_extract(NEW.value_v, '$'), ''));
END;

-- A20 §20.3.3: access_count of every fact recall returned.
CREATE TABLE fact_access (
    fact_id TEXT    PRIMARY KEY REFERENCES facts (id),
    n       INTEGER NOT NULL,
    last_us INTEGER NOT NULL
) WITHOUT ROWID;
