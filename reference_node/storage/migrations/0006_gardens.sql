-- Memory Gardens (Spec-02; A10 §17.2): gardens, their members, and the garden a conflict belongs to; the
-- quarantine garden (Spec-08) and the quarantine state of facts, kept beside the immutable fact rows (A20 §19.5 moves
-- garden_id and sets confidence; here the row is never touched and reads consult fact_quarantine instead).
-- A deleted garden keeps its row (deleted_at set): its slug and garden_id are never reused, so the facts it
-- leaves behind never pass to a new garden of the same name (interpretation garden_orphans).
CREATE TABLE gardens (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    garden_id   TEXT NOT NULL UNIQUE,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('local', 'team', 'company', 'public')),
    description TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    deleted_at  TEXT,
    quarantine  INTEGER NOT NULL DEFAULT 0 CHECK (quarantine IN (0, 1))
);

CREATE TABLE garden_members (
    garden     TEXT NOT NULL REFERENCES gardens (id),
    entity_uri TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'writer', 'reader', 'quarantine:moderator')),
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (garden, entity_uri)
) WITHOUT ROWID;

-- The gardens of one member: every garden-ACL read filter starts here.
CREATE INDEX garden_members_entity ON garden_members (entity_uri, garden);

-- STG-SCOPE-025 (interpretation garden_contradictions): a conflict between garden facts belongs to that garden.
ALTER TABLE conflicts ADD COLUMN garden_id TEXT;

-- GET /v1/facts?garden_id=...: one garden's facts, newest first.
CREATE INDEX facts_garden ON facts (garden_id, hlc DESC, id DESC) WHERE garden_id IS NOT NULL;

-- Spec-08: an inbound fact held in the quarantine garden, why, and what a moderator did with it (who, when, why).
-- pending and rejected facts stay out of every normal read; a promoted one reads as a fact of target_garden_id
-- (null: the main fabric).
CREATE TABLE fact_quarantine (
    seq              INTEGER PRIMARY KEY,
    fact_id          TEXT NOT NULL UNIQUE REFERENCES facts (id),
    garden           TEXT NOT NULL REFERENCES gardens (id),
    reason           TEXT NOT NULL,
    peer_id          TEXT,
    admitted_at      TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'promoted', 'rejected')),
    target_garden_id TEXT,
    acted_by         TEXT,
    acted_at         TEXT,
    action_reason    TEXT
);

CREATE INDEX fact_quarantine_garden ON fact_quarantine (garden, status, seq);
