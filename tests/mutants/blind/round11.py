"""Blind mutant round 11: RTBF tombstones and time travel (Spec-X2, Spec-X3; A20 §23-§24; the seed's "RTBF /
tombstones" and "Time-travel / as-of queries"): the signing preimage and key_id, validation, admin-only routes,
the 409s, revocation, suppression on every read path and total, the federation page, and visibility at T
(creation, expiry, retraction, tombstones and legal hold per caller, the instant's bounds and spellings, the
501/403 switch). Written from the seeds, the specs, the contract docs and the node's code, without reading the
suite."""

ROUND = 11
MUTANTS: list[dict[str, str]] = [
    {
        "id": "b11-tomb-preimage-signs-reason",
        "description": (
            "The tombstone preimage leaves out only signature, so reason is signed: a rebroadcast with reason "
            '"redacted" no longer verifies and the signature of a 201 record does not verify over JCS of the record '
            'without signature and reason (seed "RTBF / tombstones": signature and reason are excluded before '
            'canonicalization; A20 §23.2.4, §23.4.1; docs/http-api.md "Tombstones").'
        ),
        "file": "protocol/signatures.py",
        "find": 'frozenset({"signature", "reason"}),\n            ("id", "entity_uri"',
        "replace": 'frozenset({"signature"}),\n            ("id", "entity_uri"',
    },
    {
        "id": "b11-tomb-preimage-drops-key-id",
        "description": (
            "key_id is left out of the tombstone preimage as well, so the signature no longer binds the key that made "
            'it (seed: "The key_id field identifies the signing key without trial-verification"; A20 §23.2.4: key_id '
            'is included; docs/http-api.md "Tombstones").'
        ),
        "file": "protocol/signatures.py",
        "find": 'frozenset({"signature", "reason"}),\n            ("id", "entity_uri"',
        "replace": 'frozenset({"signature", "reason", "key_id"}),\n            ("id", "entity_uri"',
    },
    {
        "id": "b11-revocation-preimage-signs-reason",
        "description": (
            "The revocation preimage keeps reason, so a 200 revocation record does not verify over JCS without "
            'signature and reason, and redacting its reason breaks it (docs/http-api.md "Tombstones": a revocation is '
            "signed the same way; A20 §23.2.4)."
        ),
        "file": "protocol/signatures.py",
        "find": 'frozenset({"signature", "reason"}),\n            ("id", "tombstone_id"',
        "replace": 'frozenset({"signature"}),\n            ("id", "tombstone_id"',
    },
    {
        "id": "b11-key-id-of-text",
        "description": (
            "key_id is the SHA-256 of the base64url text of the public key instead of the raw 32 bytes, so it does not "
            "name the federation_pubkey of discovery (A20 §23.2.1, register X2-7: SHA-256 hex of the raw key; "
            'docs/http-api.md "Tombstones").'
        ),
        "file": "protocol/tombstones.py",
        "find": "hashlib.sha256(base64url.decode(public_key_b64u, length=32)).hexdigest()",
        "replace": 'hashlib.sha256(public_key_b64u.encode("ascii")).hexdigest()',
    },
    {
        "id": "b11-key-id-16-hex",
        "description": (
            "key_id is cut to 16 hex digits, as the reference implementation upstream does (register X2-7 / K-1: 64 "
            'hex; docs/http-api.md "Tombstones": the SHA-256 hex of the raw public key).'
        ),
        "file": "protocol/tombstones.py",
        "find": "hashlib.sha256(base64url.decode(public_key_b64u, length=32)).hexdigest()",
        "replace": "hashlib.sha256(base64url.decode(public_key_b64u, length=32)).hexdigest()[:16]",
    },
    {
        "id": "b11-signed-by-admin-entity",
        "description": (
            "signed_by is the issuing admin key's entity instead of the node_id whose key signs, so a peer resolving "
            "the signer's manifest finds the wrong key (A20 §23.2.2 invariant 3, §23.4.2 step 1; docs/http-api.md "
            '"Tombstones": signed_by is the node_id).'
        ),
        "file": "api/tombstones.py",
        "find": "entity, scope, reason, store.node_id, created,",
        "replace": "entity, scope, reason, identity.entity_uri, created,",
    },
    {
        "id": "b11-id-uuid-v4-nibble",
        "description": (
            "The ids carry version nibble 4 instead of 7 (UUIDv4 as upstream), so tomb_ ids are not UUIDv7 (A20 "
            '§23.2.2 invariant 1; register X2-7; docs/http-api.md "Tombstones": tomb_ + UUIDv7).'
        ),
        "file": "storage/tombstones.py",
        "find": "0x7 << 76",
        "replace": "0x4 << 76",
    },
    {
        "id": "b11-id-uuid-microseconds",
        "description": (
            "The tombstone id's UUIDv7 is fed microseconds instead of milliseconds, so its 48-bit time field is not "
            "the issuance time in Unix ms (RFC 9562 §5.7; A20 §23.2.1: tomb_ + UUIDv7)."
        ),
        "file": "api/tombstones.py",
        "find": 'f"tomb_{rows.uuid7(now // 1000)}"',
        "replace": 'f"tomb_{rows.uuid7(now)}"',
    },
    {
        "id": "b11-id-prefix-tombstone",
        "description": (
            "Issued ids are tombstone_<uuid> instead of tomb_<uuid> (A20 §23.2.2 invariant 1; docs/http-api.md "
            '"Tombstones").'
        ),
        "file": "api/tombstones.py",
        "find": 'f"tomb_{rows.uuid7(now // 1000)}"',
        "replace": 'f"tombstone_{rows.uuid7(now // 1000)}"',
    },
    {
        "id": "b11-scope-array-unsorted",
        "description": (
            'An array scope is stored and signed in the order given instead of sorted, so ["team","company"] and '
            '["company","team"] give two records and the second is not 409 (register X2-3: sort on issue; '
            'docs/http-api.md "Tombstones": sorted on issue, and signed in that order).'
        ),
        "file": "protocol/tombstones.py",
        "find": "    return sorted(raw)\n",
        "replace": "    return list(raw)\n",
    },
    {
        "id": "b11-scope-case-insensitive",
        "description": (
            'A scope string is accepted case-insensitively ("TEAM" is 201), stored as given, and covers no fact scope '
            "(A20 §23.7: 400 tombstone_invalid_scope; ScopePattern is * or one of the four scopes)."
        ),
        "file": "protocol/tombstones.py",
        "find": "if raw == _WILDCARD or raw in SCOPES:",
        "replace": "if raw == _WILDCARD or raw.lower() in SCOPES:",
    },
    {
        "id": "b11-scope-array-duplicates",
        "description": (
            'An array scope with a repeated entry (["team","team"]) is accepted (register X2-3: reject duplicate '
            'entries; docs/http-api.md "Tombstones": an array of distinct scopes).'
        ),
        "file": "protocol/tombstones.py",
        "find": "if len(set(raw)) != len(raw):",
        "replace": "if len(set(raw)) > len(raw):",
    },
    {
        "id": "b11-scope-array-empty",
        "description": (
            "An empty array scope is accepted: 201 for a tombstone that covers nothing (A20 §23.7: 400 "
            "tombstone_invalid_scope; ScopePattern is a non-empty union)."
        ),
        "file": "protocol/tombstones.py",
        "find": "if not isinstance(raw, list) or not raw:",
        "replace": "if not isinstance(raw, list):",
    },
    {
        "id": "b11-scope-array-wildcard-member",
        "description": (
            '"*" is accepted inside an array (["*","team"]), which then covers only team (ScopePattern: "*" or an '
            "array of the four scopes; A20 §23.7: 400 tombstone_invalid_scope)."
        ),
        "file": "protocol/tombstones.py",
        "find": "item not in SCOPES for item in raw",
        "replace": "item not in (*SCOPES, _WILDCARD) for item in raw",
    },
    {
        "id": "b11-entity-partial-wildcard",
        "description": (
            'Only a lone "*" or "?" is refused as a pattern, so entity_uri "user:*" is 201 (A20 §23.2.2 invariant 2: '
            "one exact entity, no wildcards; A20 §23.7: 400 tombstone_entity_uri_invalid)."
        ),
        "file": "protocol/tombstones.py",
        "find": 'if isinstance(raw, str) and ("*" in raw or "?" in raw):',
        "replace": 'if isinstance(raw, str) and raw in ("*", "?"):',
    },
    {
        "id": "b11-entity-not-normalized",
        "description": (
            "The tombstone keeps entity_uri as sent, only checked: a tombstone on User:Alice does not cover the "
            "normalized facts of user:alice and the record carries the raw spelling (register X2-2: normalize with the "
            'fact normalizer; docs/http-api.md "Tombstones": normalized like a fact entity).'
        ),
        "file": "protocol/tombstones.py",
        "find": (
            "        return normalize(raw)\n    except InvalidEntityUri as exc:\n        raise TombstoneEntityInvalid"
        ),
        "replace": (
            "        return str(raw) if normalize(raw) else ''\n    except InvalidEntityUri as exc:\n        raise "
            "TombstoneEntityInvalid"
        ),
    },
    {
        "id": "b11-entity-error-code",
        "description": (
            "An invalid tombstone entity answers 400 invalid_entity_uri instead of tombstone_entity_uri_invalid (A20 "
            '§23.7; docs/http-api.md "Tombstones").'
        ),
        "file": "protocol/tombstones.py",
        "find": 'code = "tombstone_entity_uri_invalid"',
        "replace": 'code = "invalid_entity_uri"',
    },
    {
        "id": "b11-legal-hold-default-true",
        "description": (
            "legal_hold defaults to true when the body leaves it out, so a plain RTBF tombstone lets the facts through "
            'an admin\'s as_of and emits rtbf_legal_hold_issued (seed "Time-travel": legal_hold: false (default); A20 '
            "§23.2.1)."
        ),
        "file": "api/tombstones.py",
        "find": 'body.get("legal_hold", False)',
        "replace": 'body.get("legal_hold", True)',
    },
    {
        "id": "b11-issue-write-key",
        "description": (
            "POST /v1/tombstones needs only the write permission: a non-admin agent key issues tombstones (seed: admin "
            "key required; A20 §23.6; CV20 23: a non-admin POST is 401 or 403 tombstone_access_denied)."
        ),
        "file": "api/tombstones.py",
        "find": (
            "    identity = _admin(request)\n    store: Store = request.app.state.store\n    body = members(await "
            "read_json(request, request.app.state.settings.max_body_bytes), _ISSUE_MEMBERS,"
        ),
        "replace": (
            '    identity = caller(request, "write")\n    store: Store = request.app.state.store\n    body = '
            "members(await read_json(request, request.app.state.settings.max_body_bytes), _ISSUE_MEMBERS,"
        ),
    },
    {
        "id": "b11-lookup-read-key",
        "description": (
            "GET /v1/tombstones/{entity} is open to any read key, so an agent learns that an entity was forgotten (A20 "
            '§23.6: admin only, existence itself is sensitive; docs/http-api.md "Tombstones": 403 '
            "tombstone_access_denied)."
        ),
        "file": "api/tombstones.py",
        "find": "    _admin(request)\n    store: Store = request.app.state.store\n    try:",
        "replace": '    caller(request, "read")\n    store: Store = request.app.state.store\n    try:',
    },
    {
        "id": "b11-revoke-write-key",
        "description": (
            "POST /v1/tombstones/{id}/revoke needs only write: an agent key lifts an RTBF tombstone (A20 §23.6: admin; "
            "403 tombstone_access_denied)."
        ),
        "file": "api/tombstones.py",
        "find": (
            "    identity = _admin(request)\n    store: Store = request.app.state.store\n    body = members(await "
            'read_json(request, request.app.state.settings.max_body_bytes), frozenset({"reason"}),'
        ),
        "replace": (
            '    identity = caller(request, "write")\n    store: Store = request.app.state.store\n    body = '
            'members(await read_json(request, request.app.state.settings.max_body_bytes), frozenset({"reason"}),'
        ),
    },
    {
        "id": "b11-access-denied-code-inverted",
        "description": (
            "The error translation is inverted: a non-admin key gets 403 forbidden instead of tombstone_access_denied, "
            "and a request without a key gets 403 tombstone_access_denied instead of 401 (A20 §23.7; docs/http-api.md "
            '"Tombstones"; Spec-03 authentication: no key is 401).'
        ),
        "file": "api/tombstones.py",
        "find": 'if exc.code != "forbidden":',
        "replace": 'if exc.code == "forbidden":',
    },
    {
        "id": "b11-duplicate-counts-revoked",
        "description": (
            "The duplicate check ignores revocations: after revoking a tombstone, issuing it again is 409 "
            "tombstone_already_exists (A20 §23.5: an ACTIVE tombstone for the same entity and scope; docs/http-api.md "
            '"Tombstones").'
        ),
        "file": "storage/tombstones.py",
        "find": (
            '"SELECT t.record FROM tombstones t WHERE t.entity_uri = ? AND t.scope = ? AND NOT EXISTS "\n        '
            '"(SELECT 1 FROM tombstone_revocations r WHERE r.tombstone_id = t.id) ORDER BY t.seq LIMIT 1",'
        ),
        "replace": (
            '"SELECT t.record FROM tombstones t WHERE t.entity_uri = ? AND t.scope = ? "\n        "ORDER BY t.seq '
            'LIMIT 1",'
        ),
    },
    {
        "id": "b11-duplicate-by-entity-only",
        "description": (
            "The duplicate check compares the entity only: a tombstone on E in team after one on E in company is 409 "
            '(A20 §23.6: 409 for the same entity AND scope; docs/http-api.md "Tombstones": the same entity and scope '
            "pattern)."
        ),
        "file": "storage/tombstones.py",
        "find": "WHERE t.entity_uri = ? AND t.scope = ? AND NOT EXISTS",
        "replace": "WHERE t.entity_uri = ? AND ? IS NOT NULL AND NOT EXISTS",
    },
    {
        "id": "b11-duplicate-idempotent-200",
        "description": (
            "A second tombstone for the same entity and scope answers 200 with the existing record (the storage "
            "trait's idempotence) instead of 409 tombstone_already_exists (A20 §23.6/§23.7; register X2-1: the API "
            "returns 409)."
        ),
        "file": "api/tombstones.py",
        "find": (
            "        if rows.exists_active(conn, entity, scope) is not None:\n            raise "
            'ApiError("tombstone_already_exists", f"an active tombstone covers {entity} under this scope")'
        ),
        "replace": (
            "        existing = rows.exists_active(conn, entity, scope)\n        if existing is not None:\n            "
            "return JSONResponse(existing, 200)"
        ),
    },
    {
        "id": "b11-revoke-lifts-whole-entity",
        "description": (
            "A revocation lifts the cover of every tombstone of the entity, not only its own: with tombstones on E in "
            "team and in company, revoking one makes both scopes' facts visible (Spec-X2 property: revoking restores "
            'exactly the suppressed facts; docs/http-api.md "Tombstones").'
        ),
        "file": "storage/tombstones.py",
        "find": 'conn.execute("DELETE FROM tombstone_cover WHERE tombstone_id = ?", (record["tombstone_id"],))',
        "replace": (
            'conn.execute("DELETE FROM tombstone_cover WHERE entity_uri = (SELECT entity_uri FROM tombstones WHERE id '
            '= ?)", (record["tombstone_id"],))'
        ),
    },
    {
        "id": "b11-revoke-keeps-suppression",
        "description": (
            "A revocation is stored but the cover stays: the facts remain suppressed after a 200 revoke (A20 §23.3: "
            "active means no matching revocation; Spec-X2 property: revocation restores the suppressed facts)."
        ),
        "file": "storage/tombstones.py",
        "find": 'conn.execute("DELETE FROM tombstone_cover WHERE tombstone_id = ?", (record["tombstone_id"],))',
        "replace": 'conn.execute("SELECT 1 FROM tombstone_cover WHERE tombstone_id = ?", (record["tombstone_id"],))',
    },
    {
        "id": "b11-revoke-twice-200",
        "description": (
            "Whether a tombstone is revoked is looked up by the revocation's own id, so a second revoke answers 200 "
            "with a fresh revocation record instead of 409 tombstone_already_revoked (A20 §23.6/§23.7)."
        ),
        "file": "storage/tombstones.py",
        "find": (
            '"SELECT 1 FROM tombstone_revocations WHERE tombstone_id = ?",\n                        (tombstone_id,)'
        ),
        "replace": '"SELECT 1 FROM tombstone_revocations WHERE id = ?",\n                        (tombstone_id,)',
    },
    {
        "id": "b11-revoke-reason-optional",
        "description": (
            "A revocation without reason (or with reason null) is accepted (A20 §23.2.1, §23.6: reason is required)."
        ),
        "file": "api/tombstones.py",
        "find": "if not isinstance(reason, str) or not reason:",
        "replace": "if reason is not None and not isinstance(reason, str):",
    },
    {
        "id": "b11-revoke-unknown-code",
        "description": (
            "Revoking an unknown tombstone answers 404 not_found instead of tombstone_not_found (A20 §23.7; "
            'docs/http-api.md "Tombstones").'
        ),
        "file": "api/tombstones.py",
        "find": 'raise ApiError("tombstone_not_found", f"no tombstone {tombstone_id[:80]}")',
        "replace": 'raise ApiError("not_found", f"no tombstone {tombstone_id[:80]}")',
    },
    {
        "id": "b11-lookup-tombstoned-after-revoke",
        "description": (
            "GET /v1/tombstones/{entity} says tombstoned: true whenever any record exists, also after every tombstone "
            "of the entity was revoked (A20 §23.6: tombstoned reports an active tombstone; docs/http-api.md "
            '"Tombstones").'
        ),
        "file": "api/tombstones.py",
        "find": 'return JSONResponse({"tombstoned": active, ',
        "replace": 'return JSONResponse({"tombstoned": True, ',
    },
    {
        "id": "b11-ref-value-json-text",
        "description": (
            "The ref-value arm of suppression compares the tombstoned URI with the stored JSON text of the value "
            "(quotes included), so ref facts pointing at a tombstoned entity stay visible (A20 §23.3: the filter "
            'covers ref values; docs/http-api.md "Tombstones").'
        ),
        "file": "storage/tombstones.py",
        "find": "tc.entity_uri IN (json_extract({f}.value_v, '$'), ",
        "replace": "tc.entity_uri IN ({f}.value_v, ",
    },
    {
        "id": "b11-ref-value-any-type",
        "description": (
            "The ref-value arm drops its value_type test: a string-valued fact whose text equals the tombstoned URI is "
            'suppressed too (A20 §23.3: ref values, not strings; docs/http-api.md "Tombstones": the entity its ref '
            "value names)."
        ),
        "file": "storage/tombstones.py",
        "find": "OR ({f}.value_type = 'ref' AND tc.entity_uri",
        "replace": "OR (tc.entity_uri",
    },
    {
        "id": "b11-cover-ignores-scope",
        "description": (
            "Suppression ignores the fact's scope: a tombstone in company hides the entity's team and public facts too "
            "(A20 §23.3: exclude facts whose entity is tombstoned under a pattern that covers the fact's scope)."
        ),
        "file": "storage/tombstones.py",
        "find": "WHERE tc.scope = {f}.scope{hold} AND",
        "replace": "WHERE 1{hold} AND",
    },
    {
        "id": "b11-wildcard-covers-nothing",
        "description": (
            'A "*" pattern is indexed as the literal scope "*", which matches no fact: a tombstone with scope * '
            'suppresses nothing (seed example scope "*"; A20 §23.2.1 ScopePattern; STG-TOMB-011).'
        ),
        "file": "protocol/tombstones.py",
        "find": "    if pattern == _WILDCARD:\n        return SCOPES",
        "replace": "    if pattern == _WILDCARD:\n        return (_WILDCARD,)",
    },
    {
        "id": "b11-array-covers-first-only",
        "description": (
            'An array pattern covers only its first member: ["company","team"] hides company facts but not team ones '
            '(A20 §23.2.1: an array is the union; docs/http-api.md "Tombstones").'
        ),
        "file": "protocol/tombstones.py",
        "find": "return tuple(scope for scope in SCOPES if scope in pattern)",
        "replace": "return tuple(pattern[:1])",
    },
    {
        "id": "b11-cover-never-written",
        "description": (
            "The negation slips: the cover is written only for an already revoked tombstone, so a new tombstone "
            "suppresses nothing (A20 §23.3: a local tombstone takes effect within 60 s; docs/http-api.md: suppression "
            "is immediate)."
        ),
        "file": "storage/tombstones.py",
        "find": 'if done and not _revoked(conn, record["id"]):',
        "replace": 'if done and _revoked(conn, record["id"]):',
    },
    {
        "id": "b11-total-counts-suppressed",
        "description": (
            "GET /v1/facts counts its total without the tombstone filter: the page hides the facts but total (and the "
            "total carried by the cursor) still counts them (A20 §23.3: no count may reveal suppressed facts, totals "
            "computed post-filter; register X2-5)."
        ),
        "file": "storage/facts.py",
        "find": (
            '    clauses, params = _where(query)\n    where = f" WHERE {\' AND \'.join(clauses)}" if clauses else '
            '""\n    return int('
        ),
        "replace": (
            '    clauses, params = _where(query)\n    clauses = [c for c in clauses if "tombstone_cover" not in '
            'c]\n    where = f" WHERE {\' AND \'.join(clauses)}" if clauses else ""\n    return int('
        ),
    },
    {
        "id": "b11-single-read-not-hidden",
        "description": (
            "Reads by id or CID and verify-cid skip the tombstone check: GET /v1/facts/{id} of a suppressed fact is "
            '200 (docs/http-api.md "Tombstones": a suppressed fact is 404 fact_not_found, like a missing one).'
        ),
        "file": "storage/store.py",
        "find": "for found in (row, hidden):",
        "replace": "for found in (hidden,):",
    },
    {
        "id": "b11-cid-read-not-hidden",
        "description": (
            "Only reads by id apply the tombstone check: GET /v1/facts/sha256:... and verify-cid by CID of a "
            'suppressed fact answer 200 (docs/http-api.md "Tombstones": reads by id or CID and verify-cid are 404).'
        ),
        "file": "storage/store.py",
        "find": "if found is not None and tombstone_rows.hides(conn, found[ID]):",
        "replace": 'if found is not None and not ref.startswith("sha256:") and tombstone_rows.hides(conn, found[ID]):',
    },
    {
        "id": "b11-conflict-first-side-only",
        "description": (
            "A conflict is hidden only when its fact_a is suppressed: a conflict whose fact_b is a ref to a tombstoned "
            'entity stays in GET /v1/conflicts (A20 §23.3, docs/http-api.md "Tombstones": conflicts as if the fact '
            "never existed)."
        ),
        "file": "storage/conflicts.py",
        "find": "WHERE sf.id IN ({pair}.fact_a, {pair}.fact_b) AND",
        "replace": "WHERE sf.id = {pair}.fact_a AND",
    },
    {
        "id": "b11-conflicts-unfiltered",
        "description": (
            "GET /v1/conflicts drops the tombstone filter: conflicts over a tombstoned entity are listed with both "
            'facts (A20 §23.3; docs/http-api.md "Tombstones": suppression covers conflicts).'
        ),
        "file": "storage/conflicts.py",
        "find": "clauses: list[str] = [gardens[0], _NO_SUPPRESSED_SIDE]",
        "replace": "clauses: list[str] = [gardens[0]]",
    },
    {
        "id": "b11-federation-pull-unfiltered",
        "description": (
            "GET /v1/federation/facts serves suppressed facts to peers (A20 §23.3/§23.4; docs/http-api.md "
            '"Tombstones": federation pages are suppressed).'
        ),
        "file": "storage/replication.py",
        "find": ', f"NOT {tombstones.suppressed(\'f\')}"]',
        "replace": "]",
    },
    {
        "id": "b11-quarantine-listing-unfiltered",
        "description": (
            'The quarantine garden\'s listing shows held facts of a tombstoned entity (docs/http-api.md "Tombstones": '
            "the quarantine surface is suppressed too; A20 §23.3)."
        ),
        "file": "storage/quarantine.py",
        "find": '["q.garden = ?", f"NOT {tombstones.suppressed(\'f\')}"]',
        "replace": '["q.garden = ?"]',
    },
    {
        "id": "b11-recall-unfiltered",
        "description": (
            "Recall skips the tombstone hook: facts of a tombstoned entity are scored and packed (A20 §23.3: apply the "
            "check to /v1/recall after scope filtering and before packing)."
        ),
        "file": "recall/pipeline.py",
        "find": "hidden = suppression.suppressed_facts(conn, [r[ID] for r in rows.values()])",
        "replace": "hidden: set[str] = set()",
    },
    {
        "id": "b11-recall-graph-through-tombstoned",
        "description": (
            "The graph walk of recall keeps edges to tombstoned entities, so it reaches them and passes through them "
            "(A20 §23.3 graph suppression: edges to a tombstoned target are excluded, traversal does not pass through "
            "it)."
        ),
        "file": "recall/pipeline.py",
        "find": "cache[entity] = suppression.walkable(conn, edges)  # STG-REC-021, STG-TOMB-011",
        "replace": "cache[entity] = list(edges)  # STG-REC-021, STG-TOMB-011",
    },
    {
        "id": "b11-fed-page-inclusive-since",
        "description": (
            "The peer page reads seq >= the cursor position, so each page repeats the last record of the one before "
            '(A20 §23.4.3; docs/federation-api.md "Tombstones": the cursor is opaque and continues after the page).'
        ),
        "file": "storage/tombstones.py",
        "find": '"SELECT seq, record FROM tombstones WHERE seq > ? ORDER BY seq LIMIT ?"',
        "replace": '"SELECT seq, record FROM tombstones WHERE seq >= ? ORDER BY seq LIMIT ?"',
    },
    {
        "id": "b11-fed-page-limit-plus-one",
        "description": (
            'The peer page returns limit + 1 tombstones (A20 §23.4.3: limit=<N>; docs/federation-api.md "Tombstones").'
        ),
        "file": "storage/tombstones.py",
        "find": ("\"SELECT seq, record FROM tombstones WHERE seq > ? ORDER BY seq LIMIT ?\",\n"
                 "                         (after[0], limit)"),
        "replace": ("\"SELECT seq, record FROM tombstones WHERE seq > ? ORDER BY seq LIMIT ?\",\n"
                    "                         (after[0], limit + 1)"),
    },
    {
        "id": "b11-fed-page-cursor-stuck",
        "description": (
            "The cursor of the peer page echoes the position it was asked for instead of the last served one, so a "
            'peer walking it receives the first page forever (A20 §23.4.3; docs/federation-api.md "Tombstones").'
        ),
        "file": "api/tombstones.py",
        "find": ("return {\"tombstones\": tombs, \"revocations\": revocations, \"cursor\": f\"t2|{last[0]}|{last[1]"
                 "}\"}"),
        "replace": ("return {\"tombstones\": tombs, \"revocations\": revocations, \"cursor\": f\"t2|{after[0]}|{after["
                    "1]}\"}"),
    },
    {
        "id": "b11-fed-page-unauthenticated",
        "description": (
            "GET /v1/federation/tombstones answers without a peer token (A20 §23.4.3: 401 for a bad token or scope; "
            "CV20 23: without a token 401 or 403)."
        ),
        "file": "api/federation.py",
        "find": (
            "    peer, claims = await authenticate_peer(request, federation)\n    tls.require_san(request, peer)\n    "
            "# STG-TOMB-021"
        ),
        "replace": "    peer, claims = None, {}\n    # STG-TOMB-021",
    },
    {
        "id": "b11-legal-hold-audit-inverted",
        "description": (
            "rtbf_legal_hold_issued is written for ordinary tombstones and not for legal holds (A20 §23.7: a "
            'legal-hold tombstone MUST emit audit rtbf_legal_hold_issued; docs/http-api.md "Tombstones").'
        ),
        "file": "api/tombstones.py",
        "find": "        if legal_hold:\n            # STG-TOMB-023",
        "replace": "        if not legal_hold:\n            # STG-TOMB-023",
    },
    {
        "id": "b11-issue-not-audited",
        "description": (
            'Issuing a tombstone writes no admin_action audit event (docs/http-api.md "Tombstones": issue and revoke '
            "are admin_action audit events; Spec-09)."
        ),
        "file": "api/tombstones.py",
        "find": (
            'audit_log.record(conn, store, "admin_action", identity, action="tombstone_issue", target=record["id"])'
        ),
        "replace": "None",
    },
    {
        "id": "b11-tt-created-exclusive",
        "description": (
            "Rule 1 is strict: a fact created exactly at T (as_of = its own timestamp) is not visible (A20 §24.2.1 "
            'rule 1: created_at <= T; docs/http-api.md "Time travel": created at or before T).'
        ),
        "file": "storage/time_travel.py",
        "find": '["f.timestamp_us <= ?",',
        "replace": '["f.timestamp_us < ?",',
    },
    {
        "id": "b11-tt-created-milliseconds",
        "description": (
            "Rule 1 compares in milliseconds: a fact created later in the same millisecond as T (as_of = its timestamp "
            "minus 1 µs) is visible (A20 §24.2.1 rule 1; instants compared as instants, in microseconds)."
        ),
        "file": "storage/time_travel.py",
        "find": '["f.timestamp_us <= ?",',
        "replace": '["f.timestamp_us / 1000 <= ? / 1000",',
    },
    {
        "id": "b11-tt-expiry-inclusive",
        "description": (
            "Rule 2 keeps a fact whose valid_until equals T (valid_until >= T), though it is expired at T (A20 §24.2.1 "
            'rule 2: valid_until null or > T; docs/http-api.md "Time travel").'
        ),
        "file": "storage/time_travel.py",
        "find": '"(f.valid_until_us IS NULL OR f.valid_until_us > ?)",',
        "replace": '"(f.valid_until_us IS NULL OR f.valid_until_us >= ?)",',
    },
    {
        "id": "b11-tt-expiry-ignored",
        "description": "Rule 2 is dropped: a fact whose valid_until is before T is visible at T (A20 §24.2.1 rule 2).",
        "file": "storage/time_travel.py",
        "find": '"(f.valid_until_us IS NULL OR f.valid_until_us > ?)",',
        "replace": '"(f.valid_until_us IS NULL OR ? IS NOT NULL)",',
    },
    {
        "id": "b11-tt-live-filters-applied",
        "description": (
            "An as_of query also applies the live filters: expiry judged at now (a fact valid at T but expired now is "
            'missing) and today\'s contradiction resolution (docs/http-api.md "Time travel": contradiction resolution '
            "does not apply under as_of, the four rules alone decide; A20 §24.2.1)."
        ),
        "file": "storage/facts.py",
        "find": "    if query.as_of_us is not None:\n        return clauses, params\n    if not query.include_expired:",
        "replace": "    if not query.include_expired:",
    },
    {
        "id": "b11-tt-retraction-exclusive",
        "description": (
            "Rule 3 is strict: at T equal to the retraction instant the retracted fact is still visible (A20 §24.2.1 "
            'rule 3: retracted_at <= T; docs/http-api.md "Time travel": not retracted at or before T).'
        ),
        "file": "storage/time_travel.py",
        "find": 'r.retracted_at_us <= ?)"',
        "replace": 'r.retracted_at_us < ?)"',
    },
    {
        "id": "b11-tt-retraction-ignored",
        "description": (
            "Rule 3 never matches: retracted facts are visible at every T after their retraction (A20 §24.2.1 rule 3; "
            "A20 §24.4: fact_retractions)."
        ),
        "file": "storage/time_travel.py",
        "find": 'r.retracted_at_us <= ?)"',
        "replace": 'r.retracted_at_us <= ? AND 0)"',
    },
    {
        "id": "b11-tt-retraction-any-scope",
        "description": (
            "A retraction records fact_retractions rows for the triple's facts in every scope, so retracting in team "
            'hides the company fact at later as_of instants (A20 §24.4; docs/http-api.md "Time travel": the earlier '
            "facts of its triple, and a triple includes its scope)."
        ),
        "file": "storage/time_travel.py",
        "find": "WHERE f.entity = ? AND f.relation = ? AND f.scope = ? AND f.garden_id IS ? ",
        "replace": "WHERE f.entity = ? AND f.relation = ? AND ? IS NOT NULL AND f.garden_id IS ? ",
    },
    {
        "id": "b11-tt-retraction-latest-only",
        "description": (
            "A retraction records only the newest earlier fact of the triple: with two values asserted, the older one "
            'is still visible at as_of after the retraction (docs/http-api.md "Time travel": a row for the earlier '
            "facts of its triple; A20 §24.4: every retraction write inserts its rows)."
        ),
        "file": "storage/time_travel.py",
        "find": '"AND NOT EXISTS (SELECT 1 FROM fact_retractions r WHERE r.fact_id = f.id)"\n)',
        "replace": (
            '"AND NOT EXISTS (SELECT 1 FROM fact_retractions r WHERE r.fact_id = f.id) ORDER BY f.timestamp_us DESC '
            'LIMIT 1"\n)'
        ),
    },
    {
        "id": "b11-tt-retraction-ms-instant",
        "description": (
            "retracted_at_us is written in milliseconds, so every retraction sits in 1970: a retracted fact vanishes "
            "from as_of answers at every T, also before its retraction (A20 §24.2.1 rule 3: retracted at or before T)."
        ),
        "file": "storage/time_travel.py",
        "find": "stamp.timestamp, stamp.timestamp_us, stamp.id)",
        "replace": "stamp.timestamp, stamp.timestamp_us // 1000, stamp.id)",
    },
    {
        "id": "b11-tt-tombstone-issued-by-t",
        "description": (
            "Under as_of only tombstones issued at or before T suppress, so history before the tombstone shows the "
            "forgotten entity to every caller (A20 §24.3: legal_hold false is excluded from all as_of queries, "
            'including T before created_at, retroactive RTBF; seed "Time-travel": suppressed from ALL queries '
            "including historical)."
        ),
        "file": "storage/facts.py",
        "find": (
            '    clauses: list[str] = [clause, f"NOT {tombstones.suppressed(\'f\', '
            'legal_hold_visible=query.legal_hold_visible)}"]'
        ),
        "replace": (
            '    suppression = tombstones.suppressed("f", legal_hold_visible=query.legal_hold_visible)\n    if '
            "query.as_of_us is not None:\n        from reference_node.clock import format_timestamp\n        issued = "
            'format_timestamp(query.as_of_us)\n        suppression = suppression.replace("WHERE tc.scope", "WHERE '
            'tc.tombstone_id IN (SELECT id FROM tombstones "\n                                          "WHERE '
            'created_at <= \'" + issued + "\') AND tc.scope")\n    clauses: list[str] = [clause, f"NOT {suppression}"]'
        ),
    },
    {
        "id": "b11-tt-total-live",
        "description": (
            "The total of an as_of query is counted over the live set (the query without as_of), so it disagrees with "
            'the facts at T (A20 §24.2.1; docs/http-api.md "Queries": total after every filter).'
        ),
        "file": "storage/facts.py",
        "find": (
            '    clauses, params = _where(query)\n    where = f" WHERE {\' AND \'.join(clauses)}" if clauses else '
            '""\n    return int('
        ),
        "replace": (
            '    clauses, params = _where(type(query)(**{**query.__dict__, "as_of_us": None}))\n    where = f" WHERE '
            '{\' AND \'.join(clauses)}" if clauses else ""\n    return int('
        ),
    },
    {
        "id": "b11-tt-legal-hold-agents",
        "description": (
            "Legal-hold facts come through every caller's as_of, agent keys included (A20 §24.3: agent keys MUST "
            "receive a silent 200 filtered result; seed: visible in as_of queries for admin keys only)."
        ),
        "file": "api/params.py",
        "find": "legal_hold_visible=as_of_us is not None and identity.reader.node_admin,",
        "replace": "legal_hold_visible=as_of_us is not None,",
    },
    {
        "id": "b11-tt-legal-hold-live-admin",
        "description": (
            'Legal-hold facts come through an admin\'s live query too (seed "Time-travel": legal_hold true is '
            "suppressed from live queries; A20 §24.3: live recall still suppresses the entity)."
        ),
        "file": "api/params.py",
        "find": "legal_hold_visible=as_of_us is not None and identity.reader.node_admin,",
        "replace": "legal_hold_visible=identity.reader.node_admin,",
    },
    {
        "id": "b11-tt-legal-hold-inverted",
        "description": (
            "For an admin's as_of only legal-hold tombstones suppress: plain RTBF facts appear and legal-hold ones "
            'stay hidden (A20 §24.3; seed "Time-travel" tombstone interaction).'
        ),
        "file": "storage/tombstones.py",
        "find": '" AND tc.legal_hold = 0" if legal_hold_visible',
        "replace": '" AND tc.legal_hold = 1" if legal_hold_visible',
    },
    {
        "id": "b11-tt-legal-hold-never",
        "description": (
            "Legal holds never let facts through, also not for an admin's as_of, and no tombstone_notices appear "
            '(docs/http-api.md "Time travel": a legal-hold tombstone lets its facts through for an admin key, with '
            "notices; A20 §24.3)."
        ),
        "file": "storage/tombstones.py",
        "find": 'hold=" AND tc.legal_hold = 0" if legal_hold_visible else ""',
        "replace": 'hold=""',
    },
    {
        "id": "b11-tt-notices-always",
        "description": (
            "An admin's as_of answer with facts carries tombstone_notices: [] when no legal hold applies (register "
            'K-4: omit when empty; docs/http-api.md "Time travel": absent when no legal hold applies).'
        ),
        "file": "api/facts.py",
        "find": '        if notices:\n            answer["tombstone_notices"] = notices',
        "replace": '        answer["tombstone_notices"] = notices',
    },
    {
        "id": "b11-tt-notice-field-name",
        "description": (
            "A tombstone notice names the instant created_at instead of tombstone_created_at (A20 §24.3 item shape "
            "{entity_uri, tombstone_id, legal_hold, tombstone_created_at})."
        ),
        "file": "storage/tombstones.py",
        "find": '"tombstone_created_at": created[0]',
        "replace": '"created_at": created[0]',
    },
    {
        "id": "b11-tt-future-no-tolerance",
        "description": (
            "as_of later than the server clock by any amount is 400 as_of_future, with no 5 s tolerance (A20 §24.2 "
            'validation: server clock + 5 s; docs/http-api.md "Time travel").'
        ),
        "file": "protocol/time_travel.py",
        "find": "if at > now_us + FUTURE_TOLERANCE_US:",
        "replace": "if at > now_us:",
    },
    {
        "id": "b11-tt-future-sign",
        "description": (
            "The tolerance is subtracted: as_of in the last 5 s before now is already 400 as_of_future (A20 §24.2: at "
            "most now + 5 s)."
        ),
        "file": "protocol/time_travel.py",
        "find": "if at > now_us + FUTURE_TOLERANCE_US:",
        "replace": "if at > now_us - FUTURE_TOLERANCE_US:",
    },
    {
        "id": "b11-tt-future-10s",
        "description": (
            "The future tolerance is 10 s instead of 5 s: as_of = now + 7 s is answered (A20 §24.2: server clock + 5 "
            "s)."
        ),
        "file": "protocol/time_travel.py",
        "find": "FUTURE_TOLERANCE_US = 5_000_000",
        "replace": "FUTURE_TOLERANCE_US = 10_000_000",
    },
    {
        "id": "b11-tt-floor-inclusive",
        "description": (
            "as_of exactly at the retention floor (the Unix epoch by default, advertised as as_of_retention_floor) is "
            '400 as_of_before_retention_floor (A20 §24.2: not BEFORE the configured floor; docs/http-api.md "Time '
            'travel").'
        ),
        "file": "protocol/time_travel.py",
        "find": "if floor_us is not None and at < floor_us:",
        "replace": "if floor_us is not None and at <= floor_us:",
    },
    {
        "id": "b11-tt-floor-zero-off",
        "description": (
            "A floor of 0 (the default, the Unix epoch) is taken as no floor, so as_of before 1970 is answered instead "
            'of 400 as_of_before_retention_floor (docs/http-api.md "Time travel": default the Unix epoch; A20 §24.2).'
        ),
        "file": "protocol/time_travel.py",
        "find": "if floor_us is not None and at < floor_us:",
        "replace": "if floor_us and at < floor_us:",
    },
    {
        "id": "b11-tt-date-only-accepted",
        "description": (
            "A date-only as_of (2025-01-01) is read as midnight UTC instead of 400 as_of_invalid_timestamp (A20 §24.2: "
            'a valid ISO 8601 date-time; docs/http-api.md "Time travel": RFC 3339).'
        ),
        "file": "protocol/time_travel.py",
        "find": "    at = instant_us(raw)\n",
        "replace": '    at = instant_us(f"{raw}T00:00:00Z" if isinstance(raw, str) and len(raw) == 10 else raw)\n',
    },
    {
        "id": "b11-tt-seconds-precision",
        "description": (
            "as_of is truncated to whole seconds: at as_of 12:00:00.5 a fact created at 12:00:00.3 is missing "
            "(instants compared as instants whatever the spelling, fractions included; A20 §24.2.1 rule 1)."
        ),
        "file": "protocol/time_travel.py",
        "find": "    at = instant_us(raw)\n",
        "replace": "    at = instant_us(raw)\n    at = None if at is None else at - at % 1_000_000\n",
    },
    {
        "id": "b11-tt-offset-dropped",
        "description": (
            "The offset of as_of is dropped and the local time read as UTC: as_of=...T14:00:00+02:00 is taken as "
            '14:00Z (docs/http-api.md "Time travel": instants compared as instants, whatever the spelling; Spec-X3 '
            "failure case)."
        ),
        "file": "api/time_travel.py",
        "find": 'raw = _SPACE_OFFSET.sub(r"\\1+\\2", values[0])',
        "replace": 'raw = re.sub(r"[+-]\\d{2}:\\d{2}$", "Z", _SPACE_OFFSET.sub(r"\\1+\\2", values[0]))',
    },
    {
        "id": "b11-tt-plus-not-repaired",
        "description": (
            "A '+' of an unencoded as_of offset, which arrives as a space, is not repaired: as_of=...+00:00 in a URL "
            "is 400 as_of_invalid_timestamp (Spec-X3 failure case: '+' decodes to a space; the node repairs it)."
        ),
        "file": "api/time_travel.py",
        "find": 'raw = _SPACE_OFFSET.sub(r"\\1+\\2", values[0])',
        "replace": "raw = values[0]",
    },
    {
        "id": "b11-tt-plus-repaired-as-minus",
        "description": (
            "The space of an unencoded '+' offset is repaired as '-': as_of=...T10:00:00+02:00 becomes 10:00-02:00, "
            "four hours late (instants compared as instants; Spec-X3 failure case)."
        ),
        "file": "api/time_travel.py",
        "find": 'raw = _SPACE_OFFSET.sub(r"\\1+\\2", values[0])',
        "replace": 'raw = _SPACE_OFFSET.sub(r"\\1-\\2", values[0])',
    },
    {
        "id": "b11-tt-empty-as-of",
        "description": (
            "An empty as_of= is not read as an as_of value: an enabled node answers 501 time_travel_plugin_not_loaded "
            "instead of 400 as_of_invalid_timestamp (A20 §24.2 validation)."
        ),
        "file": "api/time_travel.py",
        "find": "    if not values:\n        return None",
        "replace": "    if not any(values):\n        return None",
    },
    {
        "id": "b11-tt-as-of-twice",
        "description": (
            'as_of given twice is answered with the first value instead of 400 (docs/http-api.md "Queries": a '
            "parameter given more than once is 400)."
        ),
        "file": "api/time_travel.py",
        "find": "if len(values) != 1:",
        "replace": "if len(values) < 1:",
    },
    {
        "id": "b11-tt-not-loaded-403",
        "description": (
            "A default install (plugin not loaded) answers 403 time_travel_plugin_disabled instead of 501 "
            "time_travel_plugin_not_loaded (Spec-X3: a default install MUST fail closed with 501; CV20 24 plugin off)."
        ),
        "file": "api/time_travel.py",
        "find": (
            'raise ApiError("time_travel_plugin_not_loaded", "as_of needs the time-travel plugin, which is not loaded")'
        ),
        "replace": (
            'raise ApiError("time_travel_plugin_disabled", "as_of needs the time-travel plugin, which is not loaded")'
        ),
    },
    {
        "id": "b11-tt-disabled-501",
        "description": (
            "The operator gate off answers 501 time_travel_plugin_not_loaded instead of 403 "
            'time_travel_plugin_disabled (Spec-X3: registered but disabled is 403; docs/http-api.md "Time travel").'
        ),
        "file": "api/time_travel.py",
        "find": 'raise ApiError("time_travel_plugin_disabled", "time travel is disabled on this node")',
        "replace": 'raise ApiError("time_travel_plugin_not_loaded", "time travel is disabled on this node")',
    },
    {
        "id": "b11-tt-disabled-answers",
        "description": (
            "The disabled gate is never tested: a node started with --time-travel disabled answers as_of queries "
            "(Spec-X3: 403 time_travel_plugin_disabled)."
        ),
        "file": "api/time_travel.py",
        "find": 'if settings.time_travel == "disabled":',
        "replace": 'if settings.time_travel == "off":',
    },
    {
        "id": "b11-tt-not-loaded-status-400",
        "description": (
            "time_travel_plugin_not_loaded is sent with status 400 instead of 501 (Spec-X3 errors: 501; CV20 24 plugin "
            "off)."
        ),
        "file": "api/errors.py",
        "find": '"time_travel_plugin_not_loaded": 501,',
        "replace": '"time_travel_plugin_not_loaded": 400,',
    },
]
