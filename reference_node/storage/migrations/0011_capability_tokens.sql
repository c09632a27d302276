-- 0011: capability tokens this node issued, and their revocations (Spec-06; A20 19.3, 5.23-5.24;
-- docs/federation-api.md "Capability tokens"). STG-CAP-016: issuance records token id, issuer, subject, verb,
-- object, expiry and nonce; token is the signed token as JSON. The nonce is 64 lowercase hex (STG-CAP-006) and
-- unique among issued tokens; the global nonce cache of presented tokens is federation_nonces (0002).
CREATE TABLE capability_tokens (
    token_id   TEXT NOT NULL PRIMARY KEY,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    verb       TEXT NOT NULL,
    object     TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    expiry     TEXT NOT NULL,
    nonce      TEXT NOT NULL UNIQUE CHECK (length(nonce) = 64 AND nonce NOT GLOB '*[^0-9a-f]*'),
    key_id     TEXT NOT NULL,
    token      TEXT NOT NULL,
    issued_by  TEXT,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- STG-CAP-011, STG-CAP-017: one row per revoked token (never deleted); event is the signed RevocationEvent
-- {event_type: "token_revocation", token_id, issuer, revoked_at, reason, signature} served to peers (STG-CAP-018).
CREATE TABLE capability_token_revocations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    token_id   TEXT NOT NULL UNIQUE REFERENCES capability_tokens (token_id),
    revoked_at TEXT NOT NULL,
    event      TEXT NOT NULL
);
