# ruff: noqa: E501
"""Blind mutant round 13: the v2.0 parts end to end. Hardening (audit export bounds, scoping and pages; quota
buckets, Retry-After and overrides; key ages and rotation entries; the mTLS SAN check; workers' header and HLC
catch-up), federation trust (capability tokens, manifests and their rotation events, the transparency log's
proofs, entries and trust modes, source-trust scoring, the quarantine surface), tombstones (the shared
suppression rule, issue, duplicate and revoke, lookup, conflicts, single reads, dedup, federation pages and
inbound revocations), time travel (as_of validation, the visibility rules at T, legal holds and notices, the
plugin gates) and recall, graph neighbours and memory cards (low trust, contradictions, the graph stage and its
seeds, neighbour cursors and snapshots, card eligibility, order, digest, suppression and cover). Written from the
seeds, the specs, the contract docs and the node's code, without reading the suite."""

ROUND = 13
MUTANTS: list[dict[str, str]] = [
    {
        "id": "b13-audit-after-inclusive",
        "description": (
            "The audit export's after bound is inclusive (timestamp >= after): GET /v1/admin/audit-log?after=T "
            "returns the event stamped exactly T (A20 §22.3.4 with interpretation audit_time_bounds: after and "
            "before are exclusive; STG-AUDIT-017)."
        ),
        "file": "storage/audit_log.py",
        "find": "clauses.append(\"timestamp > ?\")",
        "replace": "clauses.append(\"timestamp >= ?\")",
    },
    {
        "id": "b13-audit-scoped-key-loses-unscoped",
        "description": (
            "An admin key bounded to some scopes exports only events in those scopes and loses every event "
            "without a scope (key issue, admin actions, san_mismatch...) (STG-AUDIT-025: only their events and "
            "those without a scope)."
        ),
        "file": "storage/audit_log.py",
        "find": "clauses.append(f\"(scope IS NULL OR scope IN ({', '.join('?' * len(scopes))}))\")",
        "replace": "clauses.append(f\"(scope IN ({', '.join('?' * len(scopes))}))\")",
    },
    {
        "id": "b13-audit-has-more-on-exact-page",
        "description": (
            "has_more is true (and next_cursor set) when a page is exactly full: with N events and limit=N the "
            "export says has_more true and the next page is empty (A20 §22.3.4 pagination: has_more only when "
            "events remain)."
        ),
        "file": "api/audit_log.py",
        "find": "more = len(rows) > params.limit",
        "replace": "more = len(rows) >= params.limit",
    },
    {
        "id": "b13-audit-cursor-from-first-row",
        "description": (
            "next_cursor encodes the first event of the page instead of the last: the second page repeats all but "
            "one event of the first (A20 §22.3.4: ascending seq, a cursor continues after the page)."
        ),
        "file": "api/audit_log.py",
        "find": "encode_cursor(\"a1\", str(rows[-1].seq))",
        "replace": "encode_cursor(\"a1\", str(rows[0].seq))",
    },
    {
        "id": "b13-audit-limit-5000-refused",
        "description": (
            "limit=5000 is refused 400 invalid_parameter (bound exclusive) although 5000 is the maximum (A20 "
            "§22.3.4, STG-AUDIT-018: limit 1..5000)."
        ),
        "file": "api/audit_log.py",
        "find": "not 1 <= int(raw_limit) <= MAX_LIMIT",
        "replace": "not 1 <= int(raw_limit) < MAX_LIMIT",
    },
    {
        "id": "b13-quota-retry-after-truncated",
        "description": (
            "Retry-After is the truncated retry_after instead of its ceiling: with 0.4 s to the next token the "
            "429 carries Retry-After: 0 (STG-QUOTA-010: integer ceiling, at least 1 while retry_after > 0)."
        ),
        "file": "protocol/quotas.py",
        "find": "return math.ceil(retry_after)",
        "replace": "return int(retry_after)",
    },
    {
        "id": "b13-quota-retry-after-whole-token",
        "description": (
            "retry_after ignores the partial token already earned: it is always 1/rate (60 s at 1/min) instead of "
            "(1 - current)/rate, so a refusal shortly before the refill point reports the full period "
            "(STG-QUOTA-009)."
        ),
        "file": "protocol/quotas.py",
        "find": "return Decision(False, refused, (1 - current) / limit.rate)",
        "replace": "return Decision(False, refused, 1 / limit.rate)",
    },
    {
        "id": "b13-quota-first-bucket-one-short",
        "description": (
            "A principal's first bucket starts at capacity - 1: with capacity 3 only 2 requests pass before the "
            "429 (STG-QUOTA-002: a principal's first request finds a full bucket)."
        ),
        "file": "protocol/quotas.py",
        "find": "current, last = Fraction(limit.capacity), now_us",
        "replace": "current, last = Fraction(limit.capacity - 1), now_us",
    },
    {
        "id": "b13-quota-nodewide-beats-principal",
        "description": (
            "When charging, the node-wide override outranks the principal's own override (ORDER BY flipped): a "
            "principal granted capacity 10 is refused after the node-wide 2 (STG-QUOTA-005: the principal's "
            "override first)."
        ),
        "file": "storage/quotas.py",
        "find": "p.principal IN (k.principal, '') ORDER BY p.principal = '' LIMIT 1",
        "replace": "p.principal IN (k.principal, '') ORDER BY p.principal != '' LIMIT 1",
    },
    {
        "id": "b13-quota-recall-charged-as-write",
        "description": (
            "POST /v1/recall is charged to fact_write instead of fact_read: a 429 for recall names dimension "
            "fact_write and recall drains the write bucket (STG-QUOTA-014, interpretation quota_routes: "
            "/v1/recall -> fact_read)."
        ),
        "file": "protocol/quotas.py",
        "find": "if path.startswith(\"/v1/recall\"):\n        return \"fact_read\"",
        "replace": "if path.startswith(\"/v1/recall\"):\n        return \"fact_write\"",
    },
    {
        "id": "b13-key-age-day-in-ms",
        "description": (
            "A day is counted as 86 400 000 us (milliseconds slip): the status report's node_signing key shows "
            "rotate_by about 9 hours after creation, a huge age_days and rotation_due true on a fresh key (seed "
            "§22 Key rotation: 365 days node signing; STG-KEY-005)."
        ),
        "file": "protocol/key_ages.py",
        "find": "_DAY_US = 86_400 * 1_000_000",
        "replace": "_DAY_US = 86_400 * 1_000",
    },
    {
        "id": "b13-key-rotation-dual-trust-30d",
        "description": (
            "A rotation entry keeps the old key trusted 30 days instead of 90: dual_trust_expires_at = rotated_at "
            "+ 30 d in the rotation answer and the manifest (A20 §22.2, STG-KEY-013: at least 90 days from the "
            "node)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "NODE_DUAL_TRUST = timedelta(days=90)",
        "replace": "NODE_DUAL_TRUST = timedelta(days=30)",
    },
    {
        "id": "b13-key-rotation-preimage-skips-index",
        "description": (
            "rotation_sig is computed without manifest_log_index in the preimage: an entry whose "
            "manifest_log_index was altered still verifies, and the node's own entries fail an independent "
            "verifier (STG-KEY-010: signed over the JCS of every member but rotation_sig)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "return jcs.canonical({name: value for name, value in entry.items() if name != \"rotation_sig\"})",
        "replace": "return jcs.canonical({name: value for name, value in entry.items()\n                          if name not in (\"rotation_sig\", \"manifest_log_index\")})",
    },
    {
        "id": "b13-key-old-trusted-at-expiry",
        "description": (
            "A retired key is still trusted at exactly its dual_trust_expires_at (<= instead of <): a peer token "
            "signed with the old key at that instant is accepted (STG-KEY-014: a key at or past "
            "dual_trust_expires_at is stale)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "if moment < parse_time(until, \"dual_trust_expires_at\")]",
        "replace": "if moment <= parse_time(until, \"dual_trust_expires_at\")]",
    },
    {
        "id": "b13-mtls-san-prefix",
        "description": (
            "The SAN check accepts a URI SAN that merely starts with the peer's node_id: a certificate for "
            "stigmem://a.test/node/10 passes for peer stigmem://a.test/node/1 (STG-TLS-006: whole-URI equality, "
            "never a prefix)."
        ),
        "file": "protocol/tls.py",
        "find": "return any(uri == node_id for uri in uris)",
        "replace": "return any(uri.startswith(node_id) for uri in uris)",
    },
    {
        "id": "b13-mtls-mismatch-generic-code",
        "description": (
            "A SAN mismatch answers 401 with the generic code unauthorized instead of san_mismatch (A20 §22.1, "
            "STG-TLS-007: 401 san_mismatch, audited)."
        ),
        "file": "api/tls.py",
        "find": "raise ApiError(\"san_mismatch\", \"the client",
        "replace": "raise ApiError(\"unauthorized\", \"the client",
    },
    {
        "id": "b13-worker-header-one-based",
        "description": (
            "The stigmem-worker response header counts workers from 1: with --workers 2 the values are 1 and 2, "
            "never 0 (docs/workers.md: the index, 0..N-1)."
        ),
        "file": "workers.py",
        "find": "value = str(index).encode()",
        "replace": "value = str(index + 1).encode()",
    },
    {
        "id": "b13-worker-hlc-never-catches-up",
        "description": (
            "A worker never raises its HLC to another worker's commits (the data_version test is always "
            "'unchanged'): with two workers a later write can carry a lower hlc than an earlier one, so hlc-keyed "
            "cursor walks skip facts (STG-WORK-003/004, docs/workers.md 'the HLC')."
        ),
        "file": "storage/store.py",
        "find": "if version == self._data_version:",
        "replace": "if version >= self._data_version:",
    },
    {
        "id": "b13-cap-lifetime-90d-refused",
        "description": (
            "A capability token whose expiry is exactly 90 days after issued_at is refused "
            "token_lifetime_exceeded (>= instead of >) (A20 §19.3.1, STG-CAP-005: expiry MUST NOT exceed 90 days "
            "from issued_at)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "if expiry - issued_at > MAX_LIFETIME:",
        "replace": "if expiry - issued_at >= MAX_LIFETIME:",
    },
    {
        "id": "b13-cap-future-skew-sign",
        "description": (
            "The future-date bound is computed backwards (now - issued_at): a token issued 10 minutes ago is "
            "refused timestamp_future_dated and one issued an hour ahead is accepted (A20 §22.5, interpretation "
            "capability_token_window: issued_at at most 5 minutes ahead)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "if issued_at - now > FUTURE_SKEW:",
        "replace": "if now - issued_at > FUTURE_SKEW:",
    },
    {
        "id": "b13-cap-admin-implies-all",
        "description": (
            "A token with verb admin covers every verb: an admin token presented for a federate/read operation "
            "passes instead of 403 insufficient_capability (STG-CAP-013: no verb implies another)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "return bool(token[\"verb\"] == verb and",
        "replace": "return bool(token[\"verb\"] in (verb, \"admin\") and",
    },
    {
        "id": "b13-cap-subject-not-checked",
        "description": (
            "Step 4 checks the issuer instead of the subject against the manifest entities: a token whose subject "
            "belongs to another organisation is accepted (STG-CAP-010: cross-org delegation is forbidden, "
            "entity_not_in_manifest)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "if body[\"subject\"] not in issuer_manifest[\"entities\"]:",
        "replace": "if body[\"issuer\"] not in issuer_manifest[\"entities\"]:",
    },
    {
        "id": "b13-cap-replay-inverted",
        "description": (
            "The replay test is inverted (== seal): re-presenting the very same token is refused as a replay "
            "while a different token reusing a seen nonce is accepted (STG-CAP-012, interpretation "
            "capability_token_replay)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "if nonce_holder is not None and nonce_holder != seal:",
        "replace": "if nonce_holder is not None and nonce_holder == seal:",
    },
    {
        "id": "b13-cap-nonce-unsigned",
        "description": (
            "The token signature preimage leaves out nonce: a token with its nonce changed still verifies, and "
            "tokens the node issues fail an independent verifier (STG-CAP-002: Ed25519 over JCS of every member "
            "but signature)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "return jcs.canonical({name: value for name, value in token.items() if name != \"signature\"})",
        "replace": "return jcs.canonical({name: value for name, value in token.items() if name not in (\"signature\", \"nonce\")})",
    },
    {
        "id": "b13-cap-revocation-any-issuer",
        "description": (
            "A revocation list's events are taken whatever issuer they name: issuer B's list revokes issuer A's "
            "token id (A20 §19.3.4, STG-CAP-018: only RevocationEvents naming the issuer, under its key)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "                and event.get(\"issuer\") == issuer and isinstance(event.get(\"token_id\"), str)):",
        "replace": "                and isinstance(event.get(\"token_id\"), str)):",
    },
    {
        "id": "b13-man-24h-validity-refused",
        "description": (
            "A manifest valid for exactly 24 h is refused manifest_invalid (<= instead of <) (STG-MAN-005: at "
            "least 24 h, 24 h exactly is enough)."
        ),
        "file": "protocol/manifests.py",
        "find": "if expires - issued < MIN_VALIDITY:",
        "replace": "if expires - issued <= MIN_VALIDITY:",
    },
    {
        "id": "b13-man-valid-at-expiry-instant",
        "description": (
            "A manifest is still valid at exactly its expires_at (> instead of >=) (STG-MAN-006: expired from "
            "expires_at on, manifest_expired)."
        ),
        "file": "protocol/manifests.py",
        "find": "if now >= expires:",
        "replace": "if now > expires:",
    },
    {
        "id": "b13-man-history-rewrite-accepted",
        "description": (
            "A new manifest may rewrite the accepted rotation events as long as it has at least as many: only the "
            "length is compared (STG-MAN-008: accepted events stay, unchanged and in place)."
        ),
        "file": "protocol/manifests.py",
        "find": "if len(doc[\"rotation_events\"]) < len(before) or doc[\"rotation_events\"][: len(before)] != before:",
        "replace": "if len(doc[\"rotation_events\"]) < len(before):",
    },
    {
        "id": "b13-man-event-body-without-entity",
        "description": (
            "A rotation event's signing body leaves out the manifest's entity_uri: an event signed for entity A "
            "verifies in the manifest of entity B, and the node's own events fail an independent verifier "
            "(STG-MAN-007: JCS of the event without signature plus entity_uri)."
        ),
        "file": "protocol/manifests.py",
        "find": "return _canonical({**body, \"entity_uri\": entity_uri})",
        "replace": "return _canonical(body)",
    },
    {
        "id": "b13-man-covers-prefix",
        "description": (
            "Manifest membership is by prefix: a manifest listing stigmem://a.test/node covers "
            "stigmem://a.test/node/1/agent (protocol/manifests covers; A20 §19.1: exact membership in entities, "
            "never by implication)."
        ),
        "file": "protocol/manifests.py",
        "find": "any(isinstance(uri, str) and uri == entity_uri for uri in entities)",
        "replace": "any(isinstance(uri, str) and entity_uri.startswith(uri) for uri in entities)",
    },
    {
        "id": "b13-tlog-strict-unreachable-accepts",
        "description": (
            "trust_mode strict accepts a peer manifest when the transparency log is unreachable (only a bad proof "
            "fails closed) (STG-TLOG-008: strict fails closed on a bad proof and an unreachable log alike)."
        ),
        "file": "protocol/transparency.py",
        "find": "if trust_mode == \"strict\":\n        return Verdict(False, code=failure[0], detail=failure[1])",
        "replace": "if trust_mode == \"strict\" and failure[0] != \"transparency_log_unavailable\":\n        return Verdict(False, code=failure[0], detail=failure[1])",
    },
    {
        "id": "b13-tlog-set-without-log-id",
        "description": (
            "signed_entry_ts is signed over {entry_hash, integrated_time, log_index} without log_id: an entry's "
            "SET no longer verifies under the documented preimage (A20 LogEntry, STG-TLOG-006)."
        ),
        "file": "protocol/transparency.py",
        "find": "\"integrated_time\": integrated_time, \"log_id\": log_id_hex,",
        "replace": "\"integrated_time\": integrated_time,",
    },
    {
        "id": "b13-tlog-consistency-split",
        "description": (
            "The consistency proof splits at m < k instead of m <= k: for a first size that is exactly the split "
            "point (e.g. 2 -> 3, 4 -> 6) the proof served by the log fails RFC 9162 verification (STG-TLOG-004)."
        ),
        "file": "protocol/merkle.py",
        "find": "        if m <= k:",
        "replace": "        if m < k:",
    },
    {
        "id": "b13-tlog-entries-skip-start",
        "description": (
            "The log's entry range is start-exclusive: entries?start=0 omits entry 0 and each range loses its "
            "first entry (STG-TLOG-011: entries start .. end-1)."
        ),
        "file": "storage/transparency_log.py",
        "find": "\"WHERE log_index >= ? AND log_index < ? ORDER BY log_index\"",
        "replace": "\"WHERE log_index > ? AND log_index < ? ORDER BY log_index\"",
    },
    {
        "id": "b13-trust-failing-5pct-exclusive",
        "description": (
            "A peer with exactly 5 % failures is scored as good (0.7) instead of failing (0.3) (A20 §19.4 "
            "peer_history, STG-TRUST-001: failure rate >= 5 % is 0.3, exactly 5 % included)."
        ),
        "file": "protocol/source_trust.py",
        "find": "if rate >= FAILING_RATE:",
        "replace": "if rate > FAILING_RATE:",
    },
    {
        "id": "b13-trust-proven-needs-101",
        "description": (
            "Exactly 100 facts without failure score 0.7 instead of 1.0 (A20 §19.4, STG-TRUST-001: >= 100 facts "
            "with 0 failures in 30 d is 1.0)."
        ),
        "file": "protocol/source_trust.py",
        "find": "if seen.facts >= PROVEN_FACTS and seen.failures == 0:",
        "replace": "if seen.facts > PROVEN_FACTS and seen.failures == 0:",
    },
    {
        "id": "b13-trust-quarantine-at-threshold",
        "description": (
            "In strict mode a fact with t exactly 0.2 is routed to the quarantine garden (<= instead of <) (A20 "
            "§19.4: strict mode routes t < 0.2 to quarantine)."
        ),
        "file": "protocol/source_trust.py",
        "find": "return t is not None and t < QUARANTINE_BELOW",
        "replace": "return t is not None and t <= QUARANTINE_BELOW",
    },
    {
        "id": "b13-quar-cursor-skips-one",
        "description": (
            "The quarantine listing's cursor is the first row of the next page instead of the last returned: each "
            "page boundary drops one held fact (Spec-08 quarantine surface, keyset pagination)."
        ),
        "file": "storage/quarantine.py",
        "find": "return found, (rows[limit - 1][0] if len(rows) > limit else None)",
        "replace": "return found, (rows[limit][0] if len(rows) > limit else None)",
    },
    {
        "id": "b13-quar-repromote-allowed",
        "description": (
            "Only a rejected fact counts as decided: promoting an already promoted fact answers 200 (and runs "
            "detection again) instead of 409 fact_not_quarantine_pending (Spec-08, STG-QUAR-003)."
        ),
        "file": "storage/quarantine.py",
        "find": "if held.status != \"pending\":",
        "replace": "if held.status == \"rejected\":",
    },
    {
        "id": "b13-tomb-ref-values-unsuppressed",
        "description": (
            "The suppression rule tests value_type 'entity_ref' instead of 'ref': a ref fact pointing at a "
            "tombstoned entity stays in GET /v1/facts, its total, single reads and federation pages "
            "(STG-TOMB-012, A20 §23.3)."
        ),
        "file": "storage/tombstones.py",
        "find": "\"OR ({f}.value_type = 'ref' AND tc.entity_uri IN",
        "replace": "\"OR ({f}.value_type = 'entity_ref' AND tc.entity_uri IN",
    },
    {
        "id": "b13-tomb-revoke-lifts-whole-entity",
        "description": (
            "A revocation lifts the cover of every tombstone of the same entity, not only its own: with "
            "tombstones on scopes team and company, revoking the team one makes company facts visible too "
            "(STG-TOMB-008: exactly the facts this tombstone suppressed)."
        ),
        "file": "storage/tombstones.py",
        "find": "conn.execute(\"DELETE FROM tombstone_cover WHERE tombstone_id = ?\", (record[\"tombstone_id\"],))",
        "replace": "conn.execute(\"DELETE FROM tombstone_cover WHERE entity_uri = (SELECT entity_uri FROM tombstones WHERE id = ?)\",\n                 (record[\"tombstone_id\"],))",
    },
    {
        "id": "b13-tomb-duplicate-any-scope",
        "description": (
            "The duplicate check ignores the scope pattern: a second tombstone for the same entity with another "
            "scope is 409 tombstone_already_exists instead of 201 (STG-TOMB-006, interpretation "
            "tombstone_duplicate: same entity AND scope)."
        ),
        "file": "storage/tombstones.py",
        "find": "\"SELECT t.record FROM tombstones t WHERE t.entity_uri = ? AND t.scope = ? AND NOT EXISTS \"",
        "replace": "\"SELECT t.record FROM tombstones t WHERE t.entity_uri = ? AND ? IS NOT NULL AND NOT EXISTS \"",
    },
    {
        "id": "b13-tomb-duplicate-counts-revoked",
        "description": (
            "A revoked tombstone still counts as active for the duplicate check: re-issuing after a revocation is "
            "409 tombstone_already_exists (STG-TOMB-006: a second ACTIVE tombstone)."
        ),
        "file": "storage/tombstones.py",
        "find": "\"(SELECT 1 FROM tombstone_revocations r WHERE r.tombstone_id = t.id) ORDER BY t.seq LIMIT 1\"",
        "replace": "\"(SELECT 1 FROM tombstone_revocations r WHERE r.tombstone_id = t.id AND 0) ORDER BY t.seq LIMIT 1\"",
    },
    {
        "id": "b13-tomb-lookup-tombstoned-after-revoke",
        "description": (
            "GET /v1/tombstones/{entity} says tombstoned true whenever a tombstone was ever issued, also after it "
            "was revoked (A20 §23.6 lookup: tombstoned reflects an active tombstone)."
        ),
        "file": "api/tombstones.py",
        "find": "\"tombstoned\": active, \"tombstones\": tombs",
        "replace": "\"tombstoned\": bool(tombs), \"tombstones\": tombs",
    },
    {
        "id": "b13-tomb-array-scope-unsorted",
        "description": (
            "An array scope is stored and signed in request order instead of sorted: POST {scope: [\"team\", "
            "\"company\"]} returns scope [\"team\", \"company\"], and the same set in another order is not a duplicate "
            "(STG-TOMB-005, interpretation tombstone_scope_array: sorted on issue)."
        ),
        "file": "protocol/tombstones.py",
        "find": "    return sorted(raw)",
        "replace": "    return list(raw)",
    },
    {
        "id": "b13-tomb-conflicts-list-suppressed",
        "description": (
            "GET /v1/conflicts keeps conflicts with a tombstoned side (the no-suppressed-side clause dropped from "
            "the list, kept for single reads) (STG-TOMB-011/013: responses equal a store where the covered facts "
            "never existed)."
        ),
        "file": "storage/conflicts.py",
        "find": "clauses: list[str] = [gardens[0], _NO_SUPPRESSED_SIDE]",
        "replace": "clauses: list[str] = [gardens[0]]",
    },
    {
        "id": "b13-tomb-federation-serves-suppressed",
        "description": (
            "The federation facts page serves tombstoned facts to peers (STG-TOMB-011/012: a suppressed fact is "
            "never served; A20 §23.3 every read path)."
        ),
        "file": "storage/replication.py",
        "find": "f\"f.scope IN ({', '.join('?' * len(scopes))})\", f\"NOT {tombstones.suppressed('f')}\"]",
        "replace": "f\"f.scope IN ({', '.join('?' * len(scopes))})\"]",
    },
    {
        "id": "b13-tomb-revocation-foreign-signer",
        "description": (
            "An inbound revocation is accepted from any verified signer, not only the tombstone's own: peer B can "
            "reinstate what peer A's tombstone suppressed (STG-TOMB-008/018)."
        ),
        "file": "storage/tombstone_ingest.py",
        "find": "if found is None or found[0].get(\"signed_by\") != revocation[\"signed_by\"]:",
        "replace": "if found is None:",
    },
    {
        "id": "b13-tomb-page-revocations-share-position",
        "description": (
            "The peer tombstone page reads revocations after the TOMBSTONE position: with since=t2|5|0 "
            "revocations with seq <= 5 are never served, and a cursor can skip revocations (STG-TOMB-016, A20 "
            "§23.4.3)."
        ),
        "file": "storage/tombstones.py",
        "find": "                        (after[1], limit)).fetchall()",
        "replace": "                        (after[0], limit)).fetchall()",
    },
    {
        "id": "b13-tomb-dedup-into-suppressed",
        "description": (
            "Deduplication may target a tombstoned fact: re-asserting its exact content answers 200 with the "
            "hidden fact's id instead of 201 with a new one (STG-TOMB-013: as in a store where the suppressed "
            "fact never existed)."
        ),
        "file": "storage/facts.py",
        "find": "f\"AND NOT {tombstones.suppressed('f')} \"",
        "replace": "\"AND 1 \"",
    },
    {
        "id": "b13-tomb-read-by-id-visible",
        "description": (
            "GET /v1/facts/{id} (and verify-cid) by id returns a tombstoned fact: only the garden-hidden CID row "
            "is checked against tombstones (STG-TOMB-013: a suppressed fact reads as a missing one, 404)."
        ),
        "file": "storage/store.py",
        "find": "for found in (row, hidden):",
        "replace": "for found in (hidden,):",
    },
    {
        "id": "b13-tomb-access-generic-code",
        "description": (
            "A non-admin key on a tombstone route gets 403 forbidden instead of tombstone_access_denied (A20 "
            "§23.7, STG-TOMB-003/009)."
        ),
        "file": "api/tombstones.py",
        "find": "raise ApiError(\"tombstone_access_denied\", \"tombstone routes need an admin key\") from exc",
        "replace": "raise ApiError(\"forbidden\", \"tombstone routes need an admin key\") from exc",
    },
    {
        "id": "b13-tt-tolerance-in-ms",
        "description": (
            "The as_of future tolerance is 5 000 us (5 ms) instead of 5 s: as_of = now + 2 s is 400 as_of_future "
            "(A20 §24.2 Validation: server clock + 5 s tolerance; STG-TT-009)."
        ),
        "file": "protocol/time_travel.py",
        "find": "FUTURE_TOLERANCE_US = 5_000_000",
        "replace": "FUTURE_TOLERANCE_US = 5_000",
    },
    {
        "id": "b13-tt-floor-inclusive",
        "description": (
            "as_of exactly at the retention floor is refused as_of_before_retention_floor (<= instead of <) "
            "(STG-TT-010: before the floor only)."
        ),
        "file": "protocol/time_travel.py",
        "find": "if floor_us is not None and at < floor_us:",
        "replace": "if floor_us is not None and at <= floor_us:",
    },
    {
        "id": "b13-tt-created-at-T-excluded",
        "description": (
            "A fact created exactly at T is not in the as_of=T answer (rule 1 strict) (A20 §24.2.1, STG-TT-004: "
            "created at or before T)."
        ),
        "file": "storage/time_travel.py",
        "find": "[\"f.timestamp_us <= ?\",",
        "replace": "[\"f.timestamp_us < ?\",",
    },
    {
        "id": "b13-tt-expired-at-T-visible",
        "description": (
            "A fact whose valid_until equals T is still in the as_of=T answer (>= instead of >) (A20 §24.2.1 rule "
            "2, STG-TT-004: expired at T when valid_until <= T)."
        ),
        "file": "storage/time_travel.py",
        "find": "\"(f.valid_until_us IS NULL OR f.valid_until_us > ?)\",",
        "replace": "\"(f.valid_until_us IS NULL OR f.valid_until_us >= ?)\",",
    },
    {
        "id": "b13-tt-retracted-at-T-visible",
        "description": (
            "A fact retracted exactly at T is still visible at as_of=T (rule 3 strict) (A20 §24.2.1, STG-TT-005: "
            "not retracted at or before T)."
        ),
        "file": "storage/time_travel.py",
        "find": "r.retracted_at_us <= ?)",
        "replace": "r.retracted_at_us < ?)",
    },
    {
        "id": "b13-tt-asof-applies-live-filters",
        "description": (
            "An as_of query without include_expired also gets the live filters: a fact valid at T but expired now "
            "is left out, and live contradiction resolution applies (A20 §24.2.1: visibility at T only; "
            "STG-TT-004)."
        ),
        "file": "storage/facts.py",
        "find": "    if query.as_of_us is not None:\n        return clauses, params",
        "replace": "    if query.as_of_us is not None and query.include_expired:\n        return clauses, params",
    },
    {
        "id": "b13-tt-agent-sees-legal-hold",
        "description": (
            "An agent key's as_of query sees facts under a legal-hold tombstone (the admin test dropped) "
            "(STG-TT-013/014: legal-hold facts only in an admin caller's as_of answer)."
        ),
        "file": "api/params.py",
        "find": "legal_hold_visible=as_of_us is not None and identity.reader.node_admin,",
        "replace": "legal_hold_visible=as_of_us is not None,",
    },
    {
        "id": "b13-tt-live-admin-sees-legal-hold",
        "description": (
            "An admin's live query (no as_of) sees facts under a legal-hold tombstone (STG-TT-013: only an "
            "admin's as_of answer lets legal holds through; STG-TOMB-011 live reads suppress)."
        ),
        "file": "api/params.py",
        "find": "legal_hold_visible=as_of_us is not None and identity.reader.node_admin,",
        "replace": "legal_hold_visible=identity.reader.node_admin,",
    },
    {
        "id": "b13-tt-hold-filter-inverted",
        "description": (
            "For an admin's as_of the covering tombstones are narrowed to legal holds (= 1 instead of = 0): facts "
            "under an ordinary tombstone reappear and legal-hold facts stay hidden (STG-TT-006/011/013)."
        ),
        "file": "storage/tombstones.py",
        "find": "\" AND tc.legal_hold = 0\" if legal_hold_visible else \"\"",
        "replace": "\" AND tc.legal_hold = 1\" if legal_hold_visible else \"\"",
    },
    {
        "id": "b13-tt-notices-empty-array",
        "description": (
            "tombstone_notices: [] is sent on every admin as_of answer with facts, also when none is under a "
            "legal hold (STG-TT-013, interpretation K-4 = omit-when-empty)."
        ),
        "file": "api/facts.py",
        "find": "        if notices:\n            answer[\"tombstone_notices\"] = notices",
        "replace": "        answer[\"tombstone_notices\"] = notices",
    },
    {
        "id": "b13-tt-space-offset-as-minus",
        "description": (
            "An unencoded '+' offset (arriving as a space) is repaired as '-': as_of=...T10:00:00+02:00 is read 4 "
            "h later, often 400 as_of_future or the wrong instant (STG-TT-008: an RFC 3339 instant)."
        ),
        "file": "api/time_travel.py",
        "find": "raw = _SPACE_OFFSET.sub(r\"\\1+\\2\", values[0])",
        "replace": "raw = _SPACE_OFFSET.sub(r\"\\1-\\2\", values[0])",
    },
    {
        "id": "b13-tt-disabled-as-not-loaded",
        "description": (
            "With --time-travel disabled as_of answers 501 time_travel_plugin_not_loaded instead of 403 "
            "time_travel_plugin_disabled (STG-TT-002)."
        ),
        "file": "api/time_travel.py",
        "find": "raise ApiError(\"time_travel_plugin_disabled\", \"time travel is disabled on this node\")",
        "replace": "raise ApiError(\"time_travel_plugin_not_loaded\", \"time travel is disabled on this node\")",
    },
    {
        "id": "b13-rec-low-trust-ignores-confidence",
        "description": (
            "The low-trust cut tests t alone instead of confidence x t: a pulled fact with confidence 0.3 and t "
            "0.5 (effective 0.15) is recalled without include_low_trust (A20 §19.4/§20.3: effective confidence < "
            "0.2 left out)."
        ),
        "file": "recall/pipeline.py",
        "find": "low = t is not None and not req.include_low_trust and r[-3] * t < 0.2",
        "replace": "low = t is not None and not req.include_low_trust and t < 0.2",
    },
    {
        "id": "b13-rec-contradiction-hidden-sibling",
        "description": (
            "A recall result is flagged contradicted by a conflict whose other side is in a garden the caller "
            "cannot read (the garden clause neutralised), revealing the hidden sibling (STG-REC-014 R2, "
            "STG-SCOPE-025)."
        ),
        "file": "recall/pipeline.py",
        "find": "AND c.status = 'unresolved' AND {garden} LIMIT 1\",",
        "replace": "AND c.status = 'unresolved' AND ({garden} OR 1) LIMIT 1\",",
        "equivalent": (
            "Under garden_contradictions = within-garden the node forms a conflict only between siblings of one "
            "garden (or of none: reference_node/storage/facts.py _SIBLINGS, the one path to conflicts.insert), so"
            " the other side of a result's conflict has the result's own garden_id; recall results already pass "
            "the same visible_clause on that garden_id (reference_node/recall/pipeline.py _universe), so the "
            "garden clause on the other side is always true and neutralising it changes no answer. A hidden "
            "sibling needs garden-blind conflicts, which this node never makes."
        ),
    },
    {
        "id": "b13-rec-resolved-conflict-contradicts",
        "description": (
            "Resolved conflicts still mark recall results contradicted (salience penalty, contradicted: true, "
            "dropped with include_contradicted false) (A20 §20.3.3: unresolved contradictions only)."
        ),
        "file": "recall/pipeline.py",
        "find": "c.status = 'unresolved' AND {garden}",
        "replace": "c.status IN ('unresolved', 'resolved') AND {garden}",
    },
    {
        "id": "b13-rec-graph-facts-unfiltered",
        "description": (
            "The graph stage's per-entity fact lookup skips the universe filter: facts of reached entities in "
            "other scopes, unreadable gardens or expired are recalled (STG-REC-003/005: every stage joins back to "
            "the caller's universe)."
        ),
        "file": "recall/pipeline.py",
        "find": "f\"SELECT f.seq FROM facts f WHERE f.entity = ? AND {where} \"",
        "replace": "f\"SELECT f.seq FROM facts f WHERE f.entity = ? AND ({where} OR 1) \"",
    },
    {
        "id": "b13-rec-seeds-from-suppressed",
        "description": (
            "Graph seeds are taken from the top candidates before tombstone suppression: a tombstoned ref fact's "
            "entity still seeds the walk and pulls its neighbours into recall (A20 §23.3: suppression before "
            "scoring; STG-TOMB-011)."
        ),
        "file": "recall/pipeline.py",
        "find": "top = [seq for seq in ranked if fact_ids.get(seq) not in gone][:GRAPH_SEEDS]",
        "replace": "top = ranked[:GRAPH_SEEDS]",
    },
    {
        "id": "b13-rec-min-confidence-zero-admits-retractions",
        "description": (
            "min_confidence 0 admits confidence-0 rows: retraction records appear in recall results (the 1e-12 "
            "floor dropped) (seed recall pipeline: retractions are never candidates)."
        ),
        "file": "recall/pipeline.py",
        "find": "max(req.min_confidence, 1e-12)]",
        "replace": "req.min_confidence]",
    },
    {
        "id": "b13-rec-graph-edge-at-threshold-pruned",
        "description": (
            "Recall's walk prunes an edge whose confidence equals min_confidence (> instead of >=) (A20 §20.1.5: "
            "edges below min_confidence are pruned)."
        ),
        "file": "recall/pipeline.py",
        "find": "return edge.confidence >= req.min_confidence  # A20",
        "replace": "return edge.confidence > req.min_confidence  # A20",
    },
    {
        "id": "b13-graph-cursor-repeats-last",
        "description": (
            "A neighbours cursor resumes at the last item instead of after it (>=): every next page repeats the "
            "previous page's last neighbour (STG-REC-013 cursor pages)."
        ),
        "file": "api/graph.py",
        "find": "found_after = [n for n in found if (n.hops, n.entity) > key]",
        "replace": "found_after = [n for n in found if (n.hops, n.entity) >= key]",
    },
    {
        "id": "b13-graph-cursor-tag-ignores-scope",
        "description": (
            "The cursor tag leaves out scope: a cursor issued for scope team is accepted on a scope company query "
            "instead of 400 invalid_cursor (STG-REC-012/013: a cursor belongs to its query; traversal never "
            "crosses scopes)."
        ),
        "file": "api/graph.py",
        "find": "json.dumps([identity.entity_uri, entity, depth, terms, scope, min_confidence, min_trust,",
        "replace": "json.dumps([identity.entity_uri, entity, depth, terms, min_confidence, min_trust,",
    },
    {
        "id": "b13-graph-no-snapshot",
        "description": (
            "Later pages re-read the graph at the current state instead of the first page's snapshot: an edge "
            "added between pages shifts the walk, so neighbours repeat or are skipped (STG-REC-013: stable cursor "
            "pages)."
        ),
        "file": "api/graph.py",
        "find": "upto = after[\"s\"] if after else int(",
        "replace": "upto = int(",
    },
    {
        "id": "b13-graph-local-trust-zero",
        "description": (
            "Local edges (no source_trust) count as trust 0.0 for min_trust: any min_trust > 0 drops every local "
            "neighbour (A20 §20.1.5 min_trust; §19.4: local facts carry no t, multiplier 1.0)."
        ),
        "file": "api/graph.py",
        "find": "trust = 1.0 if edge.source_trust is None else edge.source_trust",
        "replace": "trust = 0.0 if edge.source_trust is None else edge.source_trust",
    },
    {
        "id": "b13-graph-newest-edge-missing",
        "description": (
            "The walk snapshot bound is strict (f.seq < upto): the most recently written ref fact never appears "
            "as an edge in GET /v1/graph/neighbors nor in recall's graph stage (seed entity_edges; STG-REC-012)."
        ),
        "file": "storage/entity_edges.py",
        "find": "AND (f.valid_until_us IS NULL OR f.valid_until_us > ?) AND f.seq <= ?\")",
        "replace": "AND (f.valid_until_us IS NULL OR f.valid_until_us > ?) AND f.seq < ?\")",
    },
    {
        "id": "b13-card-threshold-exclusive",
        "description": (
            "A card leaves out facts whose effective confidence is exactly 0.3 (> instead of >=) (STG-REC-015, "
            "A20 §20.4: effective confidence >= 0.3)."
        ),
        "file": "protocol/cards.py",
        "find": "eligible = [f for f in facts if effective_confidence(f) >= MIN_EFFECTIVE_CONFIDENCE]",
        "replace": "eligible = [f for f in facts if effective_confidence(f) > MIN_EFFECTIVE_CONFIDENCE]",
    },
    {
        "id": "b13-card-ignores-source-trust",
        "description": (
            "Card eligibility and the shown confidence ignore source trust: a pulled fact with confidence 0.5 and "
            "t 0.5 (effective 0.25) is on the card as (confidence 0.50) (STG-REC-015, A20 §19.4 effective "
            "confidence = c x t)."
        ),
        "file": "protocol/cards.py",
        "find": "return fact.confidence if fact.source_trust is None else fact.confidence * fact.source_trust",
        "replace": "return fact.confidence",
    },
    {
        "id": "b13-card-oldest-first",
        "description": (
            "Within a relation a card lists facts oldest first (hlc ascending) (STG-REC-015, A20 §20.4: relation "
            "ASC, hlc DESC)."
        ),
        "file": "protocol/cards.py",
        "find": "key=lambda f: (f.hlc, f.id), reverse=True)",
        "replace": "key=lambda f: (f.hlc, f.id), reverse=False)",
    },
    {
        "id": "b13-card-digest-ignores-conflicts",
        "description": (
            "The card digest leaves out the unresolved conflicts: after a conflict is resolved the stored card is "
            "still served as fresh (card_stale false) with the fact marked contradicted (seed memory cards: "
            "regenerated when the cover changes)."
        ),
        "file": "recall/cards.py",
        "find": "state = [sorted((f.id, f.confidence, f.source_trust) for f in facts), conflicts]",
        "replace": "state = [sorted((f.id, f.confidence, f.source_trust) for f in facts), []]",
    },
    {
        "id": "b13-card-shows-suppressed-ref",
        "description": (
            "A card keeps live facts a tombstone suppresses through their ref value: entity A's card lists 'A "
            "knows B' after B is tombstoned (A20 §23.3, STG-TOMB-012: cards filter like every read)."
        ),
        "file": "recall/cards.py",
        "find": "r[6]) for r in rows if r[0] not in hidden]",
        "replace": "r[6]) for r in rows]",
    },
    {
        "id": "b13-card-shows-retracted",
        "description": (
            "The card's retraction test compares hlc the wrong way: a fact retracted later stays on the card, and "
            "a fact asserted after an old retraction drops off (STG-REC-015: live facts only)."
        ),
        "file": "recall/cards.py",
        "find": "r.confidence = 0 AND r.hlc > f.hlc)\")",
        "replace": "r.confidence = 0 AND r.hlc < f.hlc)\")",
    },
    {
        "id": "b13-card-tokens-floor",
        "description": (
            "A card's tokens are counted with floor instead of ceiling of bytes/4: a 10-byte card reports 2 "
            "tokens, not 3 (A20 §20.4 card tokens: one per started 4 bytes, the recall token rule)."
        ),
        "file": "protocol/cards.py",
        "find": "return -(-len(text.encode(\"utf-8\")) // BYTES_PER_TOKEN)",
        "replace": "return len(text.encode(\"utf-8\")) // BYTES_PER_TOKEN",
    },
    {
        "id": "b13-card-cover-broadest-first",
        "description": (
            "Entity-centric recall picks the card cover from the broadest scope first (public before local) "
            "(interpretation recall_card_cover: first of local, team, company, public that has one)."
        ),
        "file": "recall/__init__.py",
        "find": "for scope in (s for s in SCOPES if s in scopes):",
        "replace": "for scope in (s for s in reversed(SCOPES) if s in scopes):",
    },
    {
        "id": "b13-rec-trust-multiplier-raw-t",
        "description": (
            "Recall multiplies scores by t instead of 0.5 + 0.5 x t: a pulled fact with t 0.5 scores 0.5x instead "
            "of 0.75x and ranks below where it should (STG-TRUST-006, seed recall salience)."
        ),
        "file": "protocol/recall.py",
        "find": "return 1.0 if t is None else 0.5 + 0.5 * t",
        "replace": "return 1.0 if t is None else t",
    },
]
