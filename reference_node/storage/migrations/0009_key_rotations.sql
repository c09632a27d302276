-- 0009: the node's signing-key rotation log (Spec-10 Key rotation; A20 22.2; docs/federation-api.md "Key rotation").
-- One row per rotation of the federation key, oldest first; entry is the signed KeyRotationLogEntry as JSON
-- (interpretation key_rotation_entry). first_public_key of the first row is the key the node started with, so the
-- log verifies from it alone. Rows are never updated or deleted: a peer that saw a chain must never see it shrink
-- (STG-KEY-012).
CREATE TABLE federation_key_rotations (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    old_key_id       TEXT NOT NULL UNIQUE,  -- SHA-256 hex of the old raw key: a key is rotated away from once
    new_key_id       TEXT NOT NULL UNIQUE,
    first_public_key TEXT NOT NULL,         -- the public key the chain starts from (the same on every row)
    entry            TEXT NOT NULL
);

CREATE TRIGGER federation_key_rotations_append_only_update
BEFORE UPDATE ON federation_key_rotations
BEGIN
    SELECT RAISE(ABORT, 'the key rotation log is append-only');
END;

CREATE TRIGGER federation_key_rotations_append_only_delete
BEFORE DELETE ON federation_key_rotations
BEGIN
    SELECT RAISE(ABORT, 'the key rotation log is append-only');
END;

-- Rotation chains of peers this node follows (STG-KEY-018): the part of a peer's served log that starts at the key
-- registered for it, verified, as a JSON array. Replaced only by a longer verified chain (STG-KEY-012).
CREATE TABLE federation_peer_rotations (
    peer_id    TEXT NOT NULL PRIMARY KEY REFERENCES federation_peers (peer_id),
    entries    TEXT NOT NULL,
    fetched_at TEXT NOT NULL
) WITHOUT ROWID;
