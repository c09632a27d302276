-- 0019: memory cards (seed Architecture "Memory cards"; A20 §20.4): one card per (entity, scope, garden), garden ''
-- for facts in no garden. ``card`` is the served record (JSON), ``digest`` the hash of the live facts and conflicts it
-- was built from: a read whose live facts hash otherwise finds the card stale (refresh on assert, decay, expiry,
-- conflict resolution), and so does one older than STIGMEM_CARD_MAX_AGE_S.
CREATE TABLE memory_cards (
    entity       TEXT    NOT NULL,
    scope        TEXT    NOT NULL,
    garden       TEXT    NOT NULL,
    card         TEXT    NOT NULL,
    digest       TEXT    NOT NULL,
    generated_us INTEGER NOT NULL,
    PRIMARY KEY (entity, scope, garden)
) WITHOUT ROWID;
