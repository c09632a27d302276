# ruff: noqa: E501
"""Blind mutant round 14: core facts and validation (confidence, text limit, CID preimage and syntax, HLC tick, scopes and key grants, gardens and last admin, contradictions with expired siblings, winners among 3+ siblings, numeric value equality, query-time resolution ties, after/cursor/page boundaries, limit and batch bounds, idempotency and dedup, error codes), federation (peer token lifetime, leeway, audience, peer status, team scope, garden and cursor serving, source ownership, declaration scopes and age), hardening (audit export bounds and scopes, fact_read events, quota refill, spend and Retry-After, dual trust, mTLS SAN), trust (capability token lifetime, verb cover, nonce form, manifest validity and membership, trust weights, relaxed quarantine, consistency proof bounds), quarantine, tombstones, time travel, recall, graph and memory cards. Written from the seeds, the specs, the contract docs and the node's code, without reading the suite."""

ROUND = 14
MUTANTS: list[dict[str, str]] = [
    # ---------------------------------------------------------------- core
    {
        "id": "b14-core-cid-drops-scope",
        "description": (
            "The CID preimage leaves out scope, so the same fact asserted in two scopes gets one CID and every CID differs "
            "from the seed's JCS of the six fields (STG-CID-002, seed 'Migrating' §25)."
        ),
        "file": "protocol/cid.py",
        "find": "        \"scope\": fact.scope,\n",
        "replace": "",
    },
    {
        "id": "b14-core-cid-hashes-interpret-as",
        "description": (
            "The jcs-6 preimage hashes the whole stored value, interpret_as included, so a fact sent with "
            "interpret_as gets a CID other than the one of {type, v} (STG-CID-002/005: exactly the body fields)."
        ),
        "file": "protocol/cid.py",
        "find": "        value = {\"type\": fact.value[\"type\"], \"v\": fact.value[\"v\"]}",
        "replace": "        value = dict(fact.value)",
    },
    {
        "id": "b14-core-cid-uppercase-accepted",
        "description": (
            "The CID syntax check accepts upper-case hex, so GET /v1/facts/sha256:<UPPER HEX> answers 404 fact_not_found "
            "instead of 400 cid_malformed (STG-CID-006: 64 lowercase hex digits)."
        ),
        "file": "protocol/cid.py",
        "find": "CID_PATTERN = re.compile(r\"sha256:[0-9a-f]{64}\")",
        "replace": "CID_PATTERN = re.compile(r\"sha256:[0-9a-fA-F]{64}\")",
    },
    {
        "id": "b14-core-confidence-zero-refused",
        "description": (
            "Confidence must be above 0 instead of in [0, 1], so a retraction (confidence 0.0) is refused with 422 "
            "(STG-FACT-001, STG-CONF-010: retractions are confidence 0)."
        ),
        "file": "protocol/facts.py",
        "find": "    if not (0 <= raw <= 1 and math.isfinite(raw)):",
        "replace": "    if not (0 < raw <= 1 and math.isfinite(raw)):",
    },
    {
        "id": "b14-core-text-limit-counts-characters",
        "description": (
            "The inline text limit counts characters instead of UTF-8 bytes, so a text of 40000 three-byte characters "
            "(120000 bytes) is stored instead of answered 413 value_too_large (STG-VAL-004, interpretation text_limit)."
        ),
        "file": "protocol/values.py",
        "find": "len(v.encode(\"utf-8\")) > max_text_bytes",
        "replace": "len(v) > max_text_bytes",
    },
    {
        "id": "b14-core-hlc-counter-never-resets",
        "description": (
            "A local tick increments the counter even when the wall advances, so facts written in later milliseconds "
            "carry counters 001, 002, ... instead of 000 (STG-HLC-003: the counter resets when the wall moves)."
        ),
        "file": "protocol/hlc.py",
        "find": "    counter = last.counter + 1 if wall == last.wall_ms else 0",
        "replace": "    counter = last.counter + 1",
    },
    {
        "id": "b14-core-scope-filter-three-scopes",
        "description": (
            "A key holding three scopes is treated as holding all, so its unfiltered GET /v1/facts also returns facts of "
            "the fourth scope (STG-SCOPE-002/003: a query without scope= reads only the key's scopes)."
        ),
        "file": "api/auth.py",
        "find": "        return None if set(self.scopes) >= set(SCOPES) else self.scopes",
        "replace": "        return None if len(self.scopes) >= 3 else self.scopes",
    },
    {
        "id": "b14-core-write-scope-hierarchy",
        "description": (
            "Scopes are read as a hierarchy: a key allowed a wider scope (company) may also write the narrower local and "
            "team, which should be 403 scope_forbidden (STG-SCOPE-001, Spec-02: allowed_scopes is a set)."
        ),
        "file": "api/bodies.py",
        "find": "    if not identity.may_use(fact.scope):",
        "replace": "    if not any(identity.may_use(s) for s in facts.SCOPES[facts.SCOPES.index(fact.scope):]):",
    },
    {
        "id": "b14-core-offset-sign-flipped",
        "description": (
            "RFC 3339 offsets are applied with the wrong sign, so '+02:00' instants land four hours off: a valid_until "
            "already past in +05:00 notation keeps the fact visible, and after= filters move (STG-EXP-005, STG-QRY-006)."
        ),
        "file": "clock.py",
        "find": "        seconds -= offset if match.group(8) == \"+\" else -offset",
        "replace": "        seconds += offset if match.group(8) == \"+\" else -offset",
    },
    {
        "id": "b14-core-expired-sibling-contradicts",
        "description": (
            "Contradiction detection pairs a new fact with the triple's best sibling even when that sibling has expired "
            "(valid_until in the past), so a conflict is recorded against an expired fact (STG-CONF-001: live siblings only)."
        ),
        "file": "storage/facts.py",
        "find": "\"AND (f.valid_until_us IS NULL OR f.valid_until_us > ?) ORDER BY f.confidence DESC, f.hlc DESC LIMIT ?\"",
        "replace": "\"AND (f.valid_until_us IS NULL OR ? IS NOT NULL) ORDER BY f.confidence DESC, f.hlc DESC LIMIT ?\"",
    },
    {
        "id": "b14-core-winner-sibling-by-hlc",
        "description": (
            "With three or more siblings the new fact is paired with the newest sibling rather than the preferred one "
            "(highest confidence, then HLC), so the conflict names the wrong earlier fact (STG-CONF-018, STG-CONF-005)."
        ),
        "file": "protocol/contradictions.py",
        "find": "    best = max((s.confidence, s.hlc) for s in live)\n    return [s for s in live if (s.confidence, s.hlc) == best and contradicts(s, new, r)]",
        "replace": "    best = max(s.hlc for s in live)\n    return [s for s in live if s.hlc == best and contradicts(s, new, r)]",
    },
    {
        "id": "b14-core-number-equality-textual",
        "description": (
            "Numbers are compared as their JSON text, so 1 and 1.0 on the same triple are recorded as a contradiction "
            "(STG-CONF-001 with interpretation value_equality = canonical)."
        ),
        "file": "protocol/values.py",
        "find": "        return float(va) == float(vb)",
        "replace": "        return _json(va) == _json(vb)",
    },
    {
        "id": "b14-core-resolution-outranked-by-newer",
        "description": (
            "Query-time resolution lets any newer contradicting fact outrank, whatever its confidence, so a 0.9 fact and "
            "a newer 0.5 fact in conflict both disappear from the default GET /v1/facts (STG-QRY-012, STG-CONF-005)."
        ),
        "file": "storage/facts.py",
        "find": "\"AND (g.confidence > f.confidence OR (g.confidence = f.confidence AND g.hlc > f.hlc)))\"",
        "replace": "\"AND (g.confidence > f.confidence OR g.hlc > f.hlc))\"",
    },
    {
        "id": "b14-core-after-inclusive",
        "description": (
            "The after= filter is inclusive, so a fact whose timestamp equals after is returned (STG-QRY-006: facts "
            "strictly after the instant)."
        ),
        "file": "storage/facts.py",
        "find": "        clauses.append(\"f.timestamp_us > ?\")",
        "replace": "        clauses.append(\"f.timestamp_us >= ?\")",
    },
    {
        "id": "b14-core-cursor-repeats-last-row",
        "description": (
            "The keyset cursor is inclusive, so each next page of GET /v1/facts starts with the last fact of the previous "
            "page (STG-HTTP-011: no row twice in a page walk)."
        ),
        "file": "storage/facts.py",
        "find": "        clauses.append(\"(f.hlc, f.id) < (?, ?)\")",
        "replace": "        clauses.append(\"(f.hlc, f.id) <= (?, ?)\")",
    },
    {
        "id": "b14-core-exact-page-has-cursor",
        "description": (
            "A page exactly as full as limit is taken to have more, so the last page of a walk carries a cursor that "
            "leads to an empty page (STG-HTTP-011/013: cursor null on the last page)."
        ),
        "file": "storage/store.py",
        "find": "        more = len(rows) > limit\n        records = [record(row, row[-1]) for row in rows[:limit]]",
        "replace": "        more = len(rows) >= limit\n        records = [record(row, row[-1]) for row in rows[:limit]]",
    },
    {
        "id": "b14-core-limit-500-refused",
        "description": (
            "The limit bound is exclusive at the top, so limit=500 is 400 invalid_parameter instead of accepted "
            "(STG-HTTP-012, docs/http-api.md: limit 1..500)."
        ),
        "file": "api/params.py",
        "find": "    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:",
        "replace": "    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) < MAX_LIMIT:",
    },
    {
        "id": "b14-core-batch-of-50-refused",
        "description": (
            "A batch of exactly 50 facts is refused as too large (STG-BATCH-011, ADR-006: at most 50 facts)."
        ),
        "file": "api/facts.py",
        "find": "    if len(items) > MAX_BATCH_FACTS:",
        "replace": "    if len(items) >= MAX_BATCH_FACTS:",
    },
    {
        "id": "b14-core-batch-index-one-based",
        "description": (
            "batch_failed reports failed_at_index counted from 1, so the first invalid item is reported as index 1 "
            "(STG-BATCH-002: the index of the first failing item, zero-based)."
        ),
        "file": "api/facts.py",
        "find": "            raise _failed(index, exc.code, exc.detail) from exc",
        "replace": "            raise _failed(index + 1, exc.code, exc.detail) from exc",
    },
    {
        "id": "b14-core-idempotency-across-keys",
        "description": (
            "Idempotency records are looked up by key string alone, not per API key, so a second API key reusing an "
            "Idempotency-Key gets the first key's answer or 409 (ADR-006: keys are scoped per API key, STG-BATCH-005)."
        ),
        "file": "storage/store.py",
        "find": "\"SELECT request_sha256, response, created_us FROM batch_idempotency WHERE owner = ? AND idempotency_key = ?\"",
        "replace": "\"SELECT request_sha256, response, created_us FROM batch_idempotency WHERE (owner = ? OR 1) AND idempotency_key = ?\"",
    },
    {
        "id": "b14-core-dedup-ignores-valid-until",
        "description": (
            "Dedup matches on CID alone, so the same body with another valid_until answers 200 with the old fact "
            "instead of 201 with a new one (STG-CID-011, interpretation cid_dedup: CID, valid_until, garden, interpret_as)."
        ),
        "file": "storage/facts.py",
        "find": "WHERE f.cid = ? AND f.valid_until IS ? AND f.garden_id IS ? ",
        "replace": "WHERE f.cid = ? AND (f.valid_until IS ? OR 1) AND f.garden_id IS ? ",
    },
    {
        "id": "b14-core-garden-reader-writes",
        "description": (
            "Garden readers may write garden facts: a reader's assert with garden_id is 201 instead of 403 "
            "(STG-SCOPE-010: admins and writers write; readers do not)."
        ),
        "file": "protocol/gardens.py",
        "find": "    return role in (\"admin\", \"writer\")",
        "replace": "    return role in (\"admin\", \"writer\", \"reader\")",
    },
    {
        "id": "b14-core-last-admin-removable",
        "description": (
            "The last-admin check looks at the roster before the change, so the only admin can demote or remove itself "
            "(STG-SCOPE-018: 403 last_admin)."
        ),
        "file": "protocol/gardens.py",
        "find": "    return \"admin\" in after",
        "replace": "    return \"admin\" in roles",
    },
    {
        "id": "b14-core-key-grant-scopes-unchecked",
        "description": (
            "An admin key bounded to some scopes may create keys for any scope (and lists/revokes them), because covers "
            "checks permissions only (STG-SCOPE-022: grants stay within the caller's own scopes)."
        ),
        "file": "api/auth.py",
        "find": "        return set(permissions) <= held and set(scopes) <= set(self.scopes)",
        "replace": "        return set(permissions) <= held",
    },
    {
        "id": "b14-core-resolve-twice-422",
        "description": (
            "Resolving an already resolved conflict answers 422 invalid_resolution instead of 409 "
            "conflict_already_resolved (STG-CONF-013)."
        ),
        "file": "storage/ledger.py",
        "find": "    if conflict.status == \"resolved\":\n        raise StoreError(\"conflict_already_resolved\", f\"{conflict_id} is already resolved\")",
        "replace": "    if conflict.status == \"resolved\":\n        raise StoreError(\"invalid_resolution\", f\"{conflict_id} is already resolved\")",
    },
    # ---------------------------------------------------------------- fed
    {
        "id": "b14-fed-token-hour-lifetime-refused",
        "description": (
            "A peer token living exactly one hour (exp = iat + 3600000) is refused token_lifetime_exceeded "
            "(STG-TOK-002: exp <= iat + 1 h is allowed)."
        ),
        "file": "protocol/peer_tokens.py",
        "find": "    if claims[\"exp\"] - claims[\"iat\"] > max_lifetime_ms:",
        "replace": "    if claims[\"exp\"] - claims[\"iat\"] >= max_lifetime_ms:",
    },
    {
        "id": "b14-fed-token-leeway-seconds-as-ms",
        "description": (
            "The iat leeway is scaled as if it were seconds, so a token issued ten minutes in the future is accepted "
            "instead of 401 token_not_yet_valid (STG-RPL-004, docs/federation-api.md 30 s leeway)."
        ),
        "file": "protocol/peer_tokens.py",
        "find": "    if claims[\"iat\"] > now_ms + leeway_ms:",
        "replace": "    if claims[\"iat\"] > now_ms + leeway_ms * 1000:",
    },
    {
        "id": "b14-fed-token-audience-prefix",
        "description": (
            "The audience check accepts a sub that is a prefix of the receiver's node_id (e.g. its authority only), "
            "instead of 401 token_wrong_audience (STG-TOK-004: sub is the receiver's node id)."
        ),
        "file": "protocol/peer_tokens.py",
        "find": "    if claims[\"sub\"] != audience:",
        "replace": "    if not audience.startswith(claims[\"sub\"]):",
    },
    {
        "id": "b14-fed-pending-peer-pulls",
        "description": (
            "Only rejected peers are refused: a peer still pending approval (or in any non-active state) may pull "
            "(STG-FED-001/008: only an active peer's token; else 401 unknown_peer)."
        ),
        "file": "api/peer_auth.py",
        "find": "    if peer is None or peer.status != \"active\":",
        "replace": "    if peer is None or peer.status == \"rejected\":",
    },
    {
        "id": "b14-fed-team-federated",
        "description": (
            "Only local is kept from federation: team facts are served to a peer that declared team and accepted on "
            "ingest (STG-FED-024/025, STG-FED-034/035: local and team never federate)."
        ),
        "file": "protocol/replication.py",
        "find": "NEVER_FEDERATED = frozenset({\"local\", \"team\"})",
        "replace": "NEVER_FEDERATED = frozenset({\"local\"})",
    },
    {
        "id": "b14-fed-garden-facts-served",
        "description": (
            "The pull page serves garden-tagged facts of a servable scope (STG-FED-028: garden facts never federate)."
        ),
        "file": "storage/replication.py",
        "find": "\"f.received_from IS NULL AND f.garden_id IS NULL AND f.relation NOT LIKE 'stigmem:%' \"",
        "replace": "\"f.received_from IS NULL AND f.relation NOT LIKE 'stigmem:%' \"",
    },
    {
        "id": "b14-fed-pull-cursor-inclusive",
        "description": (
            "The pull cursor is inclusive, so the next page of GET /v1/federation/facts starts with the fact that ended "
            "the previous one (STG-FED-020/021: pages continue after the cursor)."
        ),
        "file": "storage/replication.py",
        "find": "        clauses.append(\"(f.local_hlc, f.id) > (?, ?)\")",
        "replace": "        clauses.append(\"(f.local_hlc, f.id) >= (?, ?)\")",
    },
    {
        "id": "b14-fed-source-any-authority",
        "description": (
            "Source ownership only checks that the source is a formal stigmem:// URI, so a peer's fact sourced under "
            "another node's authority is stored instead of rejected source_not_owned (STG-FED-036, source_ownership = authority)."
        ),
        "file": "protocol/replication.py",
        "find": "    return peer_authority is not None and authority(source) == peer_authority",
        "replace": "    return peer_authority is not None and authority(source) is not None",
    },
    {
        "id": "b14-fed-declaration-local-scope",
        "description": (
            "Declaration verification accepts any known scope, local included, so a declaration offering local becomes "
            "an active peer instead of rejected scope_invalid (docs/federation-api.md verification: known scopes without local)."
        ),
        "file": "protocol/peering.py",
        "find": "    if not isinstance(scopes, list) or not all(scope in DECLARABLE_SCOPES for scope in scopes):",
        "replace": "    if not isinstance(scopes, list) or not all(scope in SCOPES for scope in scopes):",
    },
    {
        "id": "b14-fed-declaration-age-microseconds",
        "description": (
            "The declaration's maximum age is converted to microseconds instead of milliseconds, so a declaration signed "
            "an hour ago is still accepted instead of rejected signed_at_stale (interpretation declaration_signed_at = a20-window, 5 min)."
        ),
        "file": "protocol/peering.py",
        "find": "    if signed_ms < now_ms - max_age_s * 1000:",
        "replace": "    if signed_ms < now_ms - max_age_s * 1_000_000:",
    },
    # ---------------------------------------------------------------- hard
    {
        "id": "b14-hard-audit-before-inclusive",
        "description": (
            "The audit export's before= bound is inclusive, so an event stamped exactly at before is exported "
            "(STG-AUDIT-017, interpretation audit_time_bounds: both bounds exclusive)."
        ),
        "file": "storage/audit_log.py",
        "find": "        clauses.append(\"timestamp < ?\")",
        "replace": "        clauses.append(\"timestamp <= ?\")",
    },
    {
        "id": "b14-hard-audit-scoped-export-drops-unscoped",
        "description": (
            "An admin key bounded to some scopes exports only events of those scopes and loses the events without a "
            "scope (key creation, exports) (STG-AUDIT-025, interpretation audit_export_scopes)."
        ),
        "file": "storage/audit_log.py",
        "find": "        clauses.append(f\"(scope IS NULL OR scope IN ({', '.join('?' * len(scopes))}))\")",
        "replace": "        clauses.append(f\"scope IN ({', '.join('?' * len(scopes))})\")",
    },
    {
        "id": "b14-hard-empty-query-audited",
        "description": (
            "A GET /v1/facts that returns no facts still writes a fact_read event (STG-AUDIT-020, interpretation "
            "audit_fact_read: only reads that return data)."
        ),
        "file": "api/facts.py",
        "find": "    if found:\n        _read(store, identity, \"query\", found)",
        "replace": "    _read(store, identity, \"query\", found)",
    },
    {
        "id": "b14-hard-retry-after-floor",
        "description": (
            "Retry-After is the floor of retry_after, so a refusal 0.4 s from the next token says Retry-After: 0 "
            "(STG-QUOTA-010: the integer ceiling)."
        ),
        "file": "protocol/quotas.py",
        "find": "    return math.ceil(retry_after)",
        "replace": "    return int(retry_after)",
    },
    {
        "id": "b14-hard-quota-refill-milliseconds",
        "description": (
            "Bucket refill divides microseconds by 1000 (as if milliseconds), so buckets refill a thousand times too "
            "fast and a burst past capacity is not refused 429 (STG-QUOTA-002/003)."
        ),
        "file": "protocol/quotas.py",
        "find": "    elapsed = Fraction(max(0, now_us - last), 1_000_000)",
        "replace": "    elapsed = Fraction(max(0, now_us - last), 1_000)",
    },
    {
        "id": "b14-hard-quota-last-token-unspendable",
        "description": (
            "A request needs more than one token, so the last whole token is never spent: a bucket of capacity N "
            "refuses the N-th request (STG-QUOTA-003: a request needs one whole token)."
        ),
        "file": "protocol/quotas.py",
        "find": "    if current >= 1:",
        "replace": "    if current > 1:",
    },
    {
        "id": "b14-hard-dual-trust-30-days",
        "description": (
            "A key rotation keeps the old key trusted for 30 days: dual_trust_expires_at in the rotation entry is "
            "rotated_at + 30 d instead of 90 d (STG-KEY-013, A20 §22.2; needs --federation)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "NODE_DUAL_TRUST = timedelta(days=90)",
        "replace": "NODE_DUAL_TRUST = timedelta(days=30)",
    },
    {
        "id": "b14-hard-mtls-san-prefix",
        "description": (
            "The certificate SAN check accepts a URI that starts with the peer's node_id, so a certificate for "
            "node/10 passes for node/1 (STG-TLS-005/006: exactly the node_id; needs --mtls)."
        ),
        "file": "protocol/tls.py",
        "find": "    return any(uri == node_id for uri in uris)",
        "replace": "    return any(uri.startswith(node_id) for uri in uris)",
    },
    # ---------------------------------------------------------------- trust
    {
        "id": "b14-trust-cap-90-days-refused",
        "description": (
            "A capability token whose expiry is exactly 90 days after issued_at is refused token_lifetime_exceeded "
            "(STG-CAP-005, A20 §19.3.1: expiry MUST NOT exceed 90 days)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if expiry - issued_at > MAX_LIFETIME:",
        "replace": "    if expiry - issued_at >= MAX_LIFETIME:",
    },
    {
        "id": "b14-trust-cap-admin-implies-federate",
        "description": (
            "A capability token with verb admin is taken to cover every verb, so it authorizes a federation pull "
            "(STG-CAP-013: one verb on one object, no verb implies another)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    return bool(token[\"verb\"] == verb and (token[\"object\"] == \"*\" or token[\"object\"] == obj))",
        "replace": "    return bool(token[\"verb\"] in (verb, \"admin\") and (token[\"object\"] == \"*\" or token[\"object\"] == obj))",
    },
    {
        "id": "b14-trust-cap-nonce-uppercase",
        "description": (
            "A capability nonce of 64 upper-case hex characters is accepted instead of 400 token_nonce_invalid "
            "(STG-CAP-006: exactly 64 lowercase hex)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "_NONCE = re.compile(r\"[0-9a-f]{64}\\Z\", re.ASCII)",
        "replace": "_NONCE = re.compile(r\"[0-9a-fA-F]{64}\\Z\", re.ASCII)",
    },
    {
        "id": "b14-trust-manifest-24h-refused",
        "description": (
            "A manifest valid for exactly 24 hours is refused manifest_invalid on PUT /v1/federation/manifest "
            "(STG-MAN-005, A20 §19.1.2: at least 24 h, 24 h exactly is enough)."
        ),
        "file": "protocol/manifests.py",
        "find": "    if expires - issued < MIN_VALIDITY:",
        "replace": "    if expires - issued <= MIN_VALIDITY:",
    },
    {
        "id": "b14-trust-manifest-covers-prefix",
        "description": (
            "Manifest membership is by prefix, so the node issues a capability token for a subject that merely extends "
            "a listed entity URI (STG-CAP-010, Spec-04: exact membership, never by implication)."
        ),
        "file": "protocol/manifests.py",
        "find": "    return isinstance(entities, list) and any(isinstance(uri, str) and uri == entity_uri for uri in entities)",
        "replace": "    return isinstance(entities, list) and any(isinstance(uri, str) and entity_uri.startswith(uri) for uri in entities)",
    },
    {
        "id": "b14-trust-weights-swapped",
        "description": (
            "The identity_strength and peer_history weights are swapped (0.30 / 0.35), visible in discovery's "
            "trust_weights and in every received fact's source_trust (STG-TRUST-001/004, A20 §19.4 defaults 0.35/0.30)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    identity: Fraction = Fraction(35, 100)\n    history: Fraction = Fraction(30, 100)",
        "replace": "    identity: Fraction = Fraction(30, 100)\n    history: Fraction = Fraction(35, 100)",
    },
    {
        "id": "b14-trust-relaxed-quarantines",
        "description": (
            "Only trust mode off skips quarantine, so the default relaxed mode routes federated facts without a valid "
            "manifest (or with a low score) to the quarantine garden (STG-TRUST-008: relaxed never holds on score; "
            "A20 §19.5 strict only)."
        ),
        "file": "protocol/replication.py",
        "find": "    if trust_mode != \"strict\":\n        # STG-TRUST-008",
        "replace": "    if trust_mode == \"off\":\n        # STG-TRUST-008",
    },
    {
        "id": "b14-trust-consistency-first-zero",
        "description": (
            "The consistency proof route admits first=0, which has no proof, so the request fails server-side instead "
            "of 400 invalid_parameter (STG-TLOG-004/007: 0 < first <= second <= size)."
        ),
        "file": "api/transparency.py",
        "find": "        if not 0 < first <= second <= size:",
        "replace": "        if not 0 <= first <= second <= size:",
    },
    # ---------------------------------------------------------------- quar
    {
        "id": "b14-quar-writer-moderates",
        "description": (
            "A garden writer of the quarantine garden may list, promote and reject held facts (STG-QUAR-003, Spec-08: "
            "admin or quarantine:moderator only; 403 otherwise)."
        ),
        "file": "protocol/gardens.py",
        "find": "    return role in (\"admin\", MODERATOR)",
        "replace": "    return role in (\"admin\", MODERATOR, \"writer\")",
    },
    {
        "id": "b14-quar-promoted-redecided",
        "description": (
            "Only rejected facts count as decided, so promoting an already promoted fact answers 200 again instead of "
            "409 fact_not_quarantine_pending (STG-QUAR-003)."
        ),
        "file": "storage/quarantine.py",
        "find": "    if held.status != \"pending\":",
        "replace": "    if held.status == \"rejected\":",
    },
    {
        "id": "b14-quar-rejected-visible",
        "description": (
            "Reads hide only pending quarantined facts: a rejected fact (and the original of one promoted into a garden) "
            "appears in GET /v1/facts (STG-QUAR-001/005)."
        ),
        "file": "storage/garden_acl.py",
        "find": "\"AND (q.status != 'promoted' OR q.target_garden_id IS NOT NULL))\"",
        "replace": "\"AND q.status = 'pending')\"",
    },
    # ---------------------------------------------------------------- tomb
    {
        "id": "b14-tomb-scope-array-unsorted",
        "description": (
            "An array scope pattern is stored and signed in the order sent, not sorted, so the tombstone record's scope "
            "differs from the sorted form (STG-TOMB-005, interpretation tombstone_scope_array)."
        ),
        "file": "protocol/tombstones.py",
        "find": "    return sorted(raw)",
        "replace": "    return list(raw)",
    },
    {
        "id": "b14-tomb-ref-values-not-covered",
        "description": (
            "Suppression checks only the fact's entity: a ref fact pointing at the tombstoned entity stays visible "
            "(STG-TOMB-012: facts whose ref value names the entity are suppressed too)."
        ),
        "file": "storage/tombstones.py",
        "find": "\"OR ({f}.value_type = 'ref' AND tc.entity_uri IN (json_extract({f}.value_v, '$'), \"\n    \"(SELECT e.object FROM entity_edges e WHERE e.id = {f}.id)))))\"",
        "replace": "\"))\"",
    },
    {
        "id": "b14-tomb-duplicate-any-scope",
        "description": (
            "The duplicate check ignores the scope pattern, so a second tombstone for the same entity in another scope "
            "is 409 tombstone_already_exists instead of 201 (STG-TOMB-006: an active twin has the same entity and scope)."
        ),
        "file": "storage/tombstones.py",
        "find": "\"SELECT t.record FROM tombstones t WHERE t.entity_uri = ? AND t.scope = ? AND NOT EXISTS \"",
        "replace": "\"SELECT t.record FROM tombstones t WHERE t.entity_uri = ? AND (t.scope = ? OR 1) AND NOT EXISTS \"",
    },
    {
        "id": "b14-tomb-wildcard-inside-accepted",
        "description": (
            "Only an entity_uri that is exactly '*' is refused; a pattern such as user:ali* is accepted as a tombstone "
            "(STG-TOMB-002: one exact entity, no wildcard; 400 tombstone_entity_uri_invalid)."
        ),
        "file": "protocol/tombstones.py",
        "find": "    if isinstance(raw, str) and (\"*\" in raw or \"?\" in raw):",
        "replace": "    if isinstance(raw, str) and raw.strip() == \"*\":",
    },
    {
        "id": "b14-tomb-revocation-lifts-entity",
        "description": (
            "Revoking one tombstone lifts the cover of every tombstone of the same entity, so facts another active "
            "tombstone (other scope) suppresses reappear (STG-TOMB-008: exactly the facts this tombstone suppressed)."
        ),
        "file": "storage/tombstones.py",
        "find": "    conn.execute(\"DELETE FROM tombstone_cover WHERE tombstone_id = ?\", (record[\"tombstone_id\"],))",
        "replace": "    conn.execute(\"DELETE FROM tombstone_cover WHERE entity_uri = (SELECT entity_uri FROM tombstones WHERE id = ?)\", (record[\"tombstone_id\"],))",
    },
    # ---------------------------------------------------------------- tt
    {
        "id": "b14-tt-future-tolerance-ms",
        "description": (
            "The as_of future tolerance is 5 ms instead of 5 s, so as_of two seconds ahead of the server clock is 400 "
            "as_of_future (STG-TT-009, A20 §24.2: server clock + 5 s)."
        ),
        "file": "protocol/time_travel.py",
        "find": "FUTURE_TOLERANCE_US = 5_000_000",
        "replace": "FUTURE_TOLERANCE_US = 5_000",
    },
    {
        "id": "b14-tt-created-at-t-excluded",
        "description": (
            "as_of rule 1 is exclusive: a fact created exactly at T is missing from the as_of=T answer "
            "(STG-TT-004: created at or before T)."
        ),
        "file": "storage/time_travel.py",
        "find": "        [\"f.timestamp_us <= ?\",",
        "replace": "        [\"f.timestamp_us < ?\",",
    },
    {
        "id": "b14-tt-retracted-at-t-visible",
        "description": (
            "A fact retracted exactly at T still appears in the as_of=T answer (STG-TT-005: not retracted at or before T)."
        ),
        "file": "storage/time_travel.py",
        "find": "r.fact_id = f.id AND r.retracted_at_us <= ?)\"",
        "replace": "r.fact_id = f.id AND r.retracted_at_us < ?)\"",
    },
    {
        "id": "b14-tt-legal-hold-for-agents",
        "description": (
            "Legal-hold facts show in every as_of answer, an agent key's included (STG-TT-013/014: only an admin "
            "caller's as_of sees them; an agent's is filtered)."
        ),
        "file": "api/params.py",
        "find": "        legal_hold_visible=as_of_us is not None and identity.reader.node_admin,",
        "replace": "        legal_hold_visible=as_of_us is not None,",
    },
    # ---------------------------------------------------------------- rec
    {
        "id": "b14-rec-depth-2-refused",
        "description": (
            "Recall depth 2 is refused recall_depth_exceeded (STG-REC-010, A20 §20.3.2: depth at most 2)."
        ),
        "file": "protocol/recall.py",
        "find": "    if value > MAX_RECALL_DEPTH:",
        "replace": "    if value >= MAX_RECALL_DEPTH:",
    },
    {
        "id": "b14-rec-exact-fit-dropped",
        "description": (
            "A result whose token cost exactly fills the remaining budget is left out, so token_budget equal to one "
            "row's cost returns nothing (STG-REC-011: never exceed the budget; equal is allowed)."
        ),
        "file": "protocol/recall.py",
        "find": "        if used + pick.cost > budget:",
        "replace": "        if used + pick.cost >= budget:",
    },
    {
        "id": "b14-rec-token-cost-characters",
        "description": (
            "A row's token cost counts characters, not UTF-8 bytes, so non-ASCII values cost fewer tokens than "
            "40 + ceil(bytes / 4) (STG-REC-011, A20 §20.3.4)."
        ),
        "file": "protocol/recall.py",
        "find": "    return ROW_TOKENS + -(-len(value_text.encode(\"utf-8\")) // BYTES_PER_TOKEN)",
        "replace": "    return ROW_TOKENS + -(-len(value_text) // BYTES_PER_TOKEN)",
    },
    {
        "id": "b14-rec-weights-tolerance-wide",
        "description": (
            "Stage weights summing to 1.005 are accepted instead of 400 invalid_weights (STG-REC-010, A20 §20.3.2: "
            "sum 1 within 0.001)."
        ),
        "file": "protocol/recall.py",
        "find": "WEIGHT_TOLERANCE = 0.001",
        "replace": "WEIGHT_TOLERANCE = 0.01",
    },
    # ---------------------------------------------------------------- graph
    {
        "id": "b14-graph-depth-3-refused",
        "description": (
            "Graph depth 3 is refused graph_depth_exceeded (STG-REC-012, A20 §20.1.5: depth 1-3)."
        ),
        "file": "protocol/graph.py",
        "find": "    if value > MAX_DEPTH:",
        "replace": "    if value >= MAX_DEPTH:",
    },
    {
        "id": "b14-graph-min-confidence-exclusive",
        "description": (
            "An edge whose confidence equals min_confidence is pruned, so that neighbour is missing (STG-REC-012: "
            "min_confidence is a lower bound, inclusive)."
        ),
        "file": "api/graph.py",
        "find": "edge.confidence >= min_confidence",
        "replace": "edge.confidence > min_confidence",
    },
    # ---------------------------------------------------------------- card
    {
        "id": "b14-card-threshold-exclusive",
        "description": (
            "A fact with effective confidence exactly 0.3 is left off the memory card (STG-REC-015, A20 §20.4: "
            "effective confidence >= 0.3)."
        ),
        "file": "protocol/cards.py",
        "find": "    eligible = [f for f in facts if effective_confidence(f) >= MIN_EFFECTIVE_CONFIDENCE]",
        "replace": "    eligible = [f for f in facts if effective_confidence(f) > MIN_EFFECTIVE_CONFIDENCE]",
    },
    {
        "id": "b14-card-oldest-first",
        "description": (
            "Within a relation the card lists facts oldest first, so fact_ids come in hlc ascending order "
            "(STG-REC-015, A20 §20.4: relation ASC, hlc DESC)."
        ),
        "file": "protocol/cards.py",
        "find": "    ordered = sorted(sorted(eligible, key=lambda f: (f.hlc, f.id), reverse=True), key=lambda f: f.relation)",
        "replace": "    ordered = sorted(sorted(eligible, key=lambda f: (f.hlc, f.id)), key=lambda f: f.relation)",
    },
]
