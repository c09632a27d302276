-- 0010: org manifests (Spec-04; A20 19.1; docs/federation-api.md "Manifests"). One row per accepted manifest,
-- oldest first: the node's own (source 'own'), ones an operator published (PUT or `manifest publish`, 'published')
-- and peers' fetched from their /.well-known/stigmem-manifest.json ('peer'). The current manifest of an authority
-- is its newest row; older rows are its history. Rows are never updated or deleted, and an authority's rotation
-- count never goes down (STG-MAN-008). manifest_id is the SHA-256 hex of the manifest's RFC 8785 bytes.
CREATE TABLE federation_manifests (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    manifest_id    TEXT NOT NULL UNIQUE,
    entity_uri     TEXT NOT NULL,
    key_id         TEXT NOT NULL,
    rotation_count INTEGER NOT NULL CHECK (rotation_count >= 0),
    issued_at      TEXT NOT NULL,
    expires_at_us  INTEGER NOT NULL,     -- expires_at as microseconds since the epoch (comparable)
    source         TEXT NOT NULL CHECK (source IN ('own', 'published', 'peer')),
    manifest       TEXT NOT NULL,
    stored_at      TEXT NOT NULL
);

CREATE INDEX federation_manifests_authority ON federation_manifests (entity_uri, seq);

-- The entities each manifest lists, for lookup by entity (STG-MAN-004: exact strings, never by implication).
CREATE TABLE federation_manifest_entities (
    seq        INTEGER NOT NULL REFERENCES federation_manifests (seq),
    entity_uri TEXT NOT NULL,
    PRIMARY KEY (entity_uri, seq)
) WITHOUT ROWID;

CREATE TRIGGER federation_manifests_no_regression
BEFORE INSERT ON federation_manifests
WHEN NEW.rotation_count < (SELECT MAX(rotation_count) FROM federation_manifests WHERE entity_uri = NEW.entity_uri)
BEGIN
    SELECT RAISE(ABORT, 'a manifest rotation count never regresses');
END;

CREATE TRIGGER federation_manifests_append_only_update
BEFORE UPDATE ON federation_manifests
BEGIN
    SELECT RAISE(ABORT, 'the manifest history is append-only');
END;

CREATE TRIGGER federation_manifests_append_only_delete
BEFORE DELETE ON federation_manifests
BEGIN
    SELECT RAISE(ABORT, 'the manifest history is append-only');
END;
