-- Per-principal quotas (A20 §22.4; Spec-10): the token buckets and the admin QuotaPolicy overrides.
-- One bucket row per (principal, dimension), created when the principal is first charged. `current` is the exact
-- token count as a fraction "numerator/denominator" (the arithmetic is exact, reference_node/protocol/quotas.py);
-- `last_refill_us` is microseconds since the epoch. The policy holds the admin's overrides: principal '' is the
-- node-wide override of the defaults, any other value one principal's (A20: "a QuotaPolicy document for the
-- principal"); `rate` is tokens per second as exact fraction text, so 0.33 is stored as 33/100.
CREATE TABLE quota_buckets (
    principal      TEXT NOT NULL,
    dimension      TEXT NOT NULL,
    current        TEXT NOT NULL,
    last_refill_us INTEGER NOT NULL,
    PRIMARY KEY (principal, dimension)
) WITHOUT ROWID;

CREATE TABLE quota_policy (
    principal  TEXT NOT NULL,
    dimension  TEXT NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity >= 1),
    rate       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (principal, dimension)
) WITHOUT ROWID;
