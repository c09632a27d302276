"""Blind mutant round 5: written from the seeds, the specs and the node's code, without reading the suite."""

ROUND = 5
MUTANTS: list[dict[str, str]] = [
    {
        'id': 'b5-jcs-dup-key-first-member-only',
        'description': (
            "Duplicate member names are detected only when the object's first member is repeated; "
            '{"a":1,"b":2,"b":3} is canonicalized instead of rejected (RFC 8785 §3.1 / I-JSON RFC 7493, STG-JCS-005).'
        ),
        'file': 'protocol/jcs.py',
        'find': '        if len(set(names)) != len(names):\n',
        'replace': '        if names and names.count(names[0]) > 1:\n',
        'requirements': ['STG-JCS-005'],
    },
    {
        'id': 'b5-jcs-nan-token-wrong-code',
        'description': (
            'The NaN/Infinity tokens are reported as jcs_number_out_of_range instead of jcs_invalid_json: they are '
            'not JSON tokens at all, a syntax error (RFC 8259 §6, STG-JCS-005), not an out-of-range number '
            '(STG-JCS-007).'
        ),
        'file': 'protocol/jcs.py',
        'find': 'faults.append(JcsInvalidJson(f"{token} is not a JSON token"))',
        'replace': 'faults.append(JcsNumberOutOfRange(f"{token} is not a JSON token"))',
        'requirements': ['STG-JCS-005'],
    },
    {
        'id': 'b5-jcs-invalid-utf8-replaced',
        'description': (
            'Invalid UTF-8 input is silently repaired with U+FFFD and canonicalized instead of rejected with '
            'jcs_invalid_utf8 (RFC 8785 §3.2.4 input is UTF-8, STG-JCS-008).'
        ),
        'file': 'protocol/jcs.py',
        'find': 'text = data.decode("utf-8")',
        'replace': 'text = data.decode("utf-8", "replace")',
        'requirements': ['STG-JCS-008'],
    },
    {
        'id': 'b5-jcs-lone-low-surrogate-accepted',
        'description': (
            'Only high surrogates count as unpaired; an escaped lone low surrogate (\\udc00) passes the check, in '
            'JCS input and in entity URIs and string values (RFC 8785 §3.2.2.2 / I-JSON, STG-JCS-006).'
        ),
        'file': 'protocol/jcs.py',
        'find': 'return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)',
        'replace': 'return any(0xD800 <= ord(ch) <= 0xDBFF for ch in text)',
        'requirements': ['STG-JCS-006'],
    },
    {
        'id': 'b5-cid-uppercase-hex-accepted',
        'description': (
            'Upper-case hex digits pass the CID syntax check, so GET /v1/facts/sha256:FFFF... answers 404 instead of '
            '400 cid_malformed (CIDF §CID Format: only lowercase hex is valid; STG-CID-006).'
        ),
        'file': 'protocol/cid.py',
        'find': 'CID_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")',
        'replace': 'CID_PATTERN = re.compile(r"sha256:[0-9a-fA-F]{64}")',
        'requirements': ['STG-CID-006'],
    },
    {
        'id': 'b5-cid-preimage-includes-interpret-as',
        'description': (
            'The jcs-6 preimage copies the whole stored value, so a value sent with interpret_as hashes '
            "{interpret_as, type, v}; the seed's CID body is exactly six fields with value {type, v} "
            '(STG-CID-002/004).'
        ),
        'file': 'protocol/cid.py',
        'find': 'value = {"type": fact.value["type"], "v": fact.value["v"]}',
        'replace': 'value = dict(fact.value)',
        'requirements': ['STG-CID-002', 'STG-CID-004'],
    },
    {
        'id': 'b5-cid-preimage-drops-scope',
        'description': (
            'scope is left out of the CID preimage, so the same body in local and public scope gets one CID (and '
            "dedups across scopes); the seed's canonical body includes scope (STG-CID-002, STG-CID-005)."
        ),
        'file': 'protocol/cid.py',
        'find': '        "scope": fact.scope,\n',
        'replace': '',
        'requirements': ['STG-CID-002', 'STG-CID-005'],
    },
    {
        'id': 'b5-cid-dedup-ignores-valid-until',
        'description': (
            'CID dedup matches on the CID alone: re-asserting a body with a different valid_until returns the old '
            'fact (200) instead of writing a new one, so the new expiry is lost (STG-CID-011, interpretation '
            'cid_dedup).'
        ),
        'file': 'storage/facts.py',
        'find': 'AND f.valid_until IS ? AND',
        'replace': 'AND (f.valid_until IS ? OR 1) AND',
        'requirements': ['STG-CID-011'],
    },
    {
        'id': 'b5-cid-dedup-answers-201',
        'description': (
            'A dedup hit (identical body, existing fact returned) answers 201 Created although nothing was created; '
            "the node's contract answers 200 with the existing record (STG-QRY-001, STG-CID-011)."
        ),
        'file': 'api/facts.py',
        'find': 'return JSONResponse(written, 201 if created else 200)',
        'replace': 'return JSONResponse(written, 201)',
        'requirements': ['STG-CID-011', 'STG-QRY-001'],
    },
    {
        'id': 'b5-cid-lookup-returns-latest',
        'description': (
            'GET /v1/facts/{cid} resolves a CID carried by several facts (same body, different valid_until) to the '
            'newest instead of the earliest fact (STG-CID-008 dual addressing).'
        ),
        'file': 'storage/facts.py',
        'find': '"WHERE a.cid = ? ORDER BY f.seq LIMIT 1"',
        'replace': '"WHERE a.cid = ? ORDER BY f.seq DESC LIMIT 1"',
        'requirements': ['STG-CID-008'],
    },
    {
        'id': 'b5-hlc-counter-unpadded',
        'description': (
            'The HLC counter is written without zero padding (1746230400000.7), breaking the 13.3 wire form and '
            'lexicographic order once the counter passes 9 (Spec-01 §HLC; STG-HLC-001/002).'
        ),
        'file': 'protocol/hlc.py',
        'find': 'return f"{hlc.wall_ms:013d}.{hlc.counter:03d}"',
        'replace': 'return f"{hlc.wall_ms:013d}.{hlc.counter}"',
        'requirements': ['STG-HLC-001', 'STG-HLC-002'],
    },
    {
        'id': 'b5-hlc-tick-counter-never-resets',
        'description': (
            'On a local write the counter keeps incrementing when the wall advances instead of resetting to 0 '
            '(Spec-01 §HLC advance rule 1; STG-HLC-003).'
        ),
        'file': 'protocol/hlc.py',
        'find': 'counter = last.counter + 1 if wall == last.wall_ms else 0',
        'replace': 'counter = last.counter + 1',
        'requirements': ['STG-HLC-003'],
    },
    {
        'id': 'b5-hlc-future-skew-bound-inclusive',
        'description': (
            'A remote HLC exactly at the future bound (+300000 ms) is rejected; the bound is exclusive, exactly the '
            'bound is accepted (Spec-12 §Inbound Bound, TM R-19; STG-HLC-007).'
        ),
        'file': 'protocol/hlc.py',
        'find': 'if max_future_skew_ms > 0 and remote.wall_ms - now_ms > max_future_skew_ms:',
        'replace': 'if max_future_skew_ms > 0 and remote.wall_ms - now_ms >= max_future_skew_ms:',
        'requirements': ['STG-HLC-007'],
    },
    {
        'id': 'b5-hlc-past-skew-seconds-as-ms',
        'description': (
            'Unit slip: the 30-day past bound (2,592,000 s) is used as milliseconds, so federated facts older than '
            '43 minutes are rejected as hlc_skew (Spec-12; TM R-19 defaults; STG-HLC-007).'
        ),
        'file': 'protocol/hlc.py',
        'find': 'DEFAULT_MAX_PAST_SKEW_MS = 2_592_000_000',
        'replace': 'DEFAULT_MAX_PAST_SKEW_MS = 2_592_000',
        'requirements': ['STG-HLC-007'],
    },
    {
        'id': 'b5-hlc-receive-remote-counter-not-incremented',
        'description': (
            'On receive, when the remote wall is the maximum, the clock takes the remote counter unchanged instead '
            'of remote+1, so receive(r) is not greater than r (Spec-01 §HLC rule 2, Kulkarni; STG-HLC-004).'
        ),
        'file': 'protocol/hlc.py',
        'find': '        counter = remote.counter + 1\n',
        'replace': '        counter = remote.counter\n',
        'requirements': ['STG-HLC-004'],
    },
    {
        'id': 'b5-hlc-overflow-at-999',
        'description': (
            'Counter overflow carries at 999 instead of past 999: counter value 999 is never issued and .998 ticks '
            'to the next millisecond (A08 §2.4 new bucket; interpretation hlc_counter_overflow; STG-HLC-011).'
        ),
        'file': 'protocol/hlc.py',
        'find': 'if counter > _COUNTER_MAX and overflow == "carry":',
        'replace': 'if counter >= _COUNTER_MAX and overflow == "carry":',
        'requirements': ['STG-HLC-011'],
    },
    {
        'id': 'b5-hlc-receive-skips-skew-check',
        'description': (
            'The receive rule no longer enforces the skew bounds, so a far-future remote HLC drags the clock forward '
            '(hlc.run answers an HLC instead of hlc_skew_future); federation ingest still checks it (Spec-12; '
            'STG-HLC-007/009).'
        ),
        'file': 'protocol/hlc.py',
        'find': '    check_skew(now_ms, remote, r.max_future_skew_ms, r.max_past_skew_ms)\n',
        'replace': '    pass\n',
        'requirements': ['STG-HLC-007', 'STG-HLC-009'],
    },
    {
        'id': 'b5-uri-authority-case-kept',
        'description': (
            'The authority of a formal URI is not lowercased (stigmem://Company.Example/user/alice stays mixed case) '
            '(Spec-01 §Entity Naming Rules step 3; STG-URI-004).'
        ),
        'file': 'protocol/entity_uri.py',
        'find': 'return f"{_FORMAL_PREFIX}{authority.lower()}/{type_}/{id_}"',
        'replace': 'return f"{_FORMAL_PREFIX}{authority}/{type_}/{id_}"',
        'requirements': ['STG-URI-004'],
    },
    {
        'id': 'b5-uri-empty-id-accepted',
        'description': (
            'A formal URI with an empty id (stigmem://a/user/) is accepted instead of rejected 400 '
            'invalid_entity_uri (Spec-01 §Entity Naming Rules step 5; STG-URI-006).'
        ),
        'file': 'protocol/entity_uri.py',
        'find': 'if not (slash1 and slash2 and authority and type_ and id_):',
        'replace': 'if not (slash1 and slash2 and authority and type_):',
        'requirements': ['STG-URI-006'],
    },
    {
        'id': 'b5-uri-decoded-unreserved-not-lowercased',
        'description': (
            'A percent-decoded unreserved letter is not lowercased (al%49ce -> alIce), so normalization is neither '
            'case-canonical nor idempotent (Spec-01 steps 3-4; STG-URI-005, STG-URI-008).'
        ),
        'file': 'protocol/entity_uri.py',
        'find': 'out.append(octet.lower() if octet in _UNRESERVED else "%" + segment[i + 1 : i + 3].upper())',
        'replace': 'out.append(octet if octet in _UNRESERVED else "%" + segment[i + 1 : i + 3].upper())',
        'requirements': ['STG-URI-005', 'STG-URI-008'],
    },
    {
        'id': 'b5-uri-percent-encoding-lowercase-hex',
        'description': (
            'Re-encoded path characters use lowercase hex (caf%c3%a9); RFC 3986 §6.2.2.1 normalization uses '
            'uppercase and the node uppercases escapes it keeps (Spec-01 step 4; STG-URI-005).'
        ),
        'file': 'protocol/entity_uri.py',
        'find': 'out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))',
        'replace': 'out.extend(f"%{byte:02x}" for byte in char.encode("utf-8"))',
        'requirements': ['STG-URI-005'],
    },
    {
        'id': 'b5-uri-informal-not-lowercased',
        'description': (
            "Informal URIs keep their case: 'user:Alice Smith' becomes 'user:Alice-Smith', not 'user:alice-smith' "
            '(A08 §2.6.3 informal branch; STG-URI-004, STG-URI-009).'
        ),
        'file': 'protocol/entity_uri.py',
        'find': 'return _collapse(text.lower(), options.whitespace)',
        'replace': 'return _collapse(text, options.whitespace)',
        'requirements': ['STG-URI-004'],
    },
    {
        'id': 'b5-uri-source-trimmed-not-normalized',
        'description': (
            "Only entity is normalized; source is merely trimmed, so 'Agent:Bot' is stored, returned and hashed as "
            'sent (Spec-01: ingest MUST normalize entity and source; STG-URI-001, STG-CID-003).'
        ),
        'file': 'protocol/facts.py',
        'find': 'source = _uri(fact, "source", opts.uri)',
        'replace': (
            'source = fact["source"].strip() if isinstance(fact.get("source"), str) else _uri(fact, "source", '
            'opts.uri)'
        ),
        'requirements': ['STG-URI-001', 'STG-CID-003'],
    },
    {
        'id': 'b5-val-text-limit-inclusive',
        'description': (
            'A text value of exactly the limit (65536 UTF-8 bytes) is answered 413; only values above the limit are '
            '(Spec-01 §FactValue; STG-VAL-003/004).'
        ),
        'file': 'protocol/values.py',
        'find': 'len(v.encode("utf-8")) > max_text_bytes',
        'replace': 'len(v.encode("utf-8")) >= max_text_bytes',
        'requirements': ['STG-VAL-004'],
    },
    {
        'id': 'b5-val-text-limit-counts-chars',
        'description': (
            'The text limit counts characters instead of UTF-8 bytes, so 40000 three-byte characters (120 KB) pass '
            '(interpretation text_limit counts bytes; STG-VAL-004).'
        ),
        'file': 'protocol/values.py',
        'find': 'len(v.encode("utf-8")) > max_text_bytes',
        'replace': 'len(v) > max_text_bytes',
        'requirements': ['STG-VAL-004'],
    },
    {
        'id': 'b5-val-boolean-is-number',
        'description': (
            '{"type":"number","v":true} is accepted: a JSON boolean passes as a number because bool subclasses int '
            '(interpretation value_typing strict; STG-VAL-002).'
        ),
        'file': 'protocol/values.py',
        'find': 'if isinstance(v, bool) or not isinstance(v, int | float):',
        'replace': 'if not isinstance(v, int | float):',
        'requirements': ['STG-VAL-002'],
    },
    {
        'id': 'b5-val-ref-without-scheme',
        'description': (
            "A ref value that is not a URI ('not a uri') is accepted; ref values must have a scheme (interpretation "
            'value_typing; A-3; STG-VAL-002).'
        ),
        'file': 'protocol/values.py',
        'find': 'return isinstance(v, str) and _HAS_SCHEME.match(v) is not None',
        'replace': 'return isinstance(v, str)',
        'requirements': ['STG-VAL-002'],
    },
    {
        'id': 'b5-post-confidence-zero-rejected',
        'description': (
            'confidence 0.0 is rejected 422, so retractions cannot be asserted; the range is the closed [0.0, 1.0] '
            '(Spec-01; Spec-03 §Retract Fact; STG-FACT-001).'
        ),
        'file': 'protocol/facts.py',
        'find': 'if not (0 <= raw <= 1 and math.isfinite(raw)):',
        'replace': 'if not (0 < raw <= 1 and math.isfinite(raw)):',
        'requirements': ['STG-FACT-001'],
    },
    {
        'id': 'b5-post-scope-defaults-local',
        'description': (
            'An assert body without scope is stored as local (the upstream default) instead of refused; scope is a '
            'required field (interpretation A-1; STG-FACT-007).'
        ),
        'file': 'protocol/facts.py',
        'find': 'return FactBody(entity, rel, value, source, conf, scope(field_of(fact, "scope")))',
        'replace': 'return FactBody(entity, rel, value, source, conf, scope(fact.get("scope", "local")))',
        'requirements': ['STG-FACT-007'],
    },
    {
        'id': 'b5-post-garden-prefix-not-reserved',
        'description': (
            'Clients may assert garden:* relations (garden:member, garden:role:...), which are node-written system '
            'facts (A10 §17.6, S02; interpretation reserved_namespace; STG-NS-002).'
        ),
        'file': 'protocol/namespaces.py',
        'find': 'RESERVED_PREFIXES = ("stigmem:conflict:", "garden:")',
        'replace': 'RESERVED_PREFIXES = ("stigmem:conflict:",)',
        'requirements': ['STG-NS-002'],
    },
    {
        'id': 'b5-post-reserved-case-sensitive',
        'description': (
            'Reserved relations are matched case-sensitively, so a client can assert Stigmem:Conflict:Status '
            '(interpretation reserved_namespace: names compare case-insensitively; STG-NS-002, STG-NS-004).'
        ),
        'file': 'protocol/namespaces.py',
        'find': 'folded = relation.casefold()',
        'replace': 'folded = relation',
        'requirements': ['STG-NS-002'],
    },
    {
        'id': 'b5-post-batch-50-rejected',
        'description': (
            'A batch of exactly 50 facts is refused as batch_too_large; 50 is the allowed maximum (ADR-006 '
            'STIGMEM_BATCH_MAX_FACTS = 50; STG-BATCH-011).'
        ),
        'file': 'api/facts.py',
        'find': 'if len(items) > MAX_BATCH_FACTS:',
        'replace': 'if len(items) >= MAX_BATCH_FACTS:',
        'requirements': ['STG-BATCH-011'],
    },
    {
        'id': 'b5-post-batch-key-reuse-reexecutes',
        'description': (
            'An Idempotency-Key reused with a different body is treated as a new request (written, key overwritten) '
            'instead of rejected 409 idempotency_key_reused (Spec-14: reuse with a different body MUST be rejected).'
        ),
        'file': 'storage/store.py',
        'find': 'if row is None or now_us - row[2] >= _IDEMPOTENCY_TTL_US:',
        'replace': 'if row is None or row[0] != request_sha256 or now_us - row[2] >= _IDEMPOTENCY_TTL_US:',
        'requirements': ['STG-BATCH-007'],
    },
    {
        'id': 'b5-qry-limit-500-rejected',
        'description': (
            'limit=500 is refused 400 although 500 is the documented maximum page size (A08 §5.2, §5.8; '
            'STG-HTTP-012); affects facts, conflicts, federation pull and audit pages.'
        ),
        'file': 'api/params.py',
        'find': 'if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:',
        'replace': 'if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) < MAX_LIMIT:',
        'requirements': ['STG-HTTP-012'],
    },
    {
        'id': 'b5-qry-min-confidence-exclusive',
        'description': (
            'min_confidence is applied as a strict bound: min_confidence=0.8 drops facts with confidence exactly 0.8 '
            '(A08 §5.2 lower bound; STG-QRY-005).'
        ),
        'file': 'storage/facts.py',
        'find': 'clauses.append("f.confidence >= ?")',
        'replace': 'clauses.append("f.confidence > ?")',
        'requirements': ['STG-QRY-005'],
    },
    {
        'id': 'b5-qry-after-inclusive',
        'description': (
            'after=<t> includes facts stamped exactly at t; after is an exclusive timestamp filter (A08 §5.2; '
            'STG-QRY-006).'
        ),
        'file': 'storage/facts.py',
        'find': 'clauses.append("f.timestamp_us > ?")',
        'replace': 'clauses.append("f.timestamp_us >= ?")',
        'requirements': ['STG-QRY-006'],
    },
    {
        'id': 'b5-qry-cursor-repeats-boundary-row',
        'description': (
            'The keyset cursor is inclusive, so every next page repeats the last fact of the previous page '
            '(pagination completeness, exactly once; STG-HTTP-011).'
        ),
        'file': 'storage/facts.py',
        'find': 'clauses.append("(f.hlc, f.id) < (?, ?)")',
        'replace': 'clauses.append("(f.hlc, f.id) <= (?, ?)")',
        'requirements': ['STG-HTTP-011'],
    },
    {
        'id': 'b5-qry-cursor-on-last-page',
        'description': (
            'The last page still carries a non-null cursor (which then yields an empty page); cursor is null when '
            'there are no more results (Spec-03; A08 §5.2; STG-HTTP-011).'
        ),
        'file': 'storage/store.py',
        'find': 'following = (rows[-1][HLC], rows[-1][ID]) if more and rows else None',
        'replace': 'following = (rows[-1][HLC], rows[-1][ID]) if rows else None',
        'requirements': ['STG-HTTP-011'],
    },
    {
        'id': 'b5-qry-total-is-page-size',
        'description': (
            'total is the number of facts on the page instead of the number matching every filter (interpretation '
            'E-2; STG-HTTP-013).'
        ),
        'file': 'storage/store.py',
        'find': '                total = fact_rows.count(conn, query)\n',
        'replace': '                total = min(len(rows), limit)\n',
        'requirements': ['STG-HTTP-013'],
    },
    {
        'id': 'b5-qry-entity-filter-not-normalized',
        'description': (
            'The entity and source query parameters are matched raw, so entity=User:Alice finds nothing stored as '
            'user:alice (Spec-01: query parameters MUST be normalized before matching; STG-QRY-004, STG-URI-007).'
        ),
        'file': 'api/params.py',
        'find': '        return normalize(raw)\n',
        'replace': '        return raw\n',
        'requirements': ['STG-QRY-004', 'STG-URI-007'],
    },
    {
        'id': 'b5-scope-write-outside-allowed',
        'description': (
            "A key restricted to ['local'] can assert public facts; only keys with no scope at all are refused "
            '(Spec-02 §Scope Enforcement write boundary; A08 §3.5; STG-SCOPE-001).'
        ),
        'file': 'api/bodies.py',
        'find': '    if not identity.may_use(fact.scope):\n',
        'replace': '    if not identity.scopes:\n',
        'requirements': ['STG-SCOPE-001'],
    },
    {
        'id': 'b5-scope-query-outside-allowed',
        'description': (
            "scope=company with a key allowed only ['public'] returns company facts instead of 403 scope_forbidden "
            '(Spec-02 read boundary; interpretation scope_query_outside_key; STG-SCOPE-005).'
        ),
        'file': 'api/params.py',
        'find': '        if not identity.may_use(scope):\n',
        'replace': '        if not identity.scopes:\n',
        'requirements': ['STG-SCOPE-005'],
    },
    {
        'id': 'b5-scope-empty-list-means-all',
        'description': (
            'A key created with allowed_scopes [] gets all four scopes; an empty list means no access (A08 §3.5; '
            'STG-AUTH-003, STG-SCOPE-006).'
        ),
        'file': 'api/keys.py',
        'find': 'scopes = SCOPES if allowed_scopes is None else _names(allowed_scopes, SCOPES, "allowed_scopes")',
        'replace': 'scopes = SCOPES if not allowed_scopes else _names(allowed_scopes, SCOPES, "allowed_scopes")',
        'requirements': ['STG-SCOPE-006', 'STG-AUTH-003'],
    },
    {
        'id': 'b5-auth-revoked-key-still-works',
        'description': (
            'Authentication looks the digest up without the revocation filter, so a revoked key keeps working '
            '(STG-AUTH-005: an unknown or revoked key is 401).'
        ),
        'file': 'storage/keys.py',
        'find': 'WHERE key_sha256 = ? AND revoked_at IS NULL"',
        'replace': 'WHERE key_sha256 = ?"',
        'requirements': ['STG-AUTH-005'],
    },
    {
        'id': 'b5-auth-write-opens-federation-routes',
        'description': (
            'A key with only write permission may register and list peers and read the federation audit (A08 §5.6: a '
            'key with federate permission; STG-AUTH-009).'
        ),
        'file': 'api/auth.py',
        'find': 'if not identity.permissions & {"federate", "admin"}:',
        'replace': 'if not identity.permissions & {"federate", "admin", "write"}:',
        'requirements': ['STG-AUTH-009'],
    },
    {
        'id': 'b5-auth-read-key-resolves-conflicts',
        'description': (
            'POST /v1/conflicts/{id}/resolve, which writes facts, is allowed with read permission alone (A08 §5.10; '
            'write permission required, STG-AUTH-008).'
        ),
        'file': 'api/conflicts.py',
        'find': '    identity = caller(request, "write")\n',
        'replace': '    identity = caller(request, "read")\n',
        'requirements': ['STG-AUTH-008'],
    },
    {
        'id': 'b5-keys-grant-beyond-own-scopes',
        'description': (
            "An admin key limited to ['public'] may create keys for every scope, and list, revoke and approve beyond "
            'its scopes (STG-SCOPE-022: allowed_scopes bounds every permission, admin included).'
        ),
        'file': 'api/auth.py',
        'find': 'return set(permissions) <= held and set(scopes) <= set(self.scopes)',
        'replace': 'return set(permissions) <= held',
        'requirements': ['STG-SCOPE-022'],
    },
    {
        'id': 'b5-scope-single-read-unfiltered',
        'description': (
            "GET /v1/facts/{id} (and verify-cid) ignore the key's allowed_scopes, so knowing an id reveals a fact in "
            'a scope the key may not read; queries still filter (Spec-02; STG-SCOPE-004).'
        ),
        'file': 'storage/store.py',
        'find': '            return scopes is None or found[SCOPE] in scopes\n',
        'replace': '            return True\n',
        'requirements': ['STG-SCOPE-004'],
    },
    {
        'id': 'b5-scope-conflicts-list-unfiltered',
        'description': (
            'GET /v1/conflicts lists conflicts (with both facts) of scopes the key may not read (Spec-02 per-scope '
            'authorization before any fact is returned; STG-SCOPE-007).'
        ),
        'file': 'api/conflicts.py',
        'find': (
            'found, before = store.conflicts(params.status, identity.scope_filter, params.before_seq, params.limit,'
        ),
        'replace': 'found, before = store.conflicts(params.status, None, params.before_seq, params.limit,',
        'requirements': ['STG-SCOPE-007'],
    },
    {
        'id': 'b5-conf-equal-values-contradict',
        'description': (
            'Any two live facts of one triple contradict, even with equal values (e.g. the same value from another '
            'source); a contradiction needs a.value != b.value (Spec-15 §Contradiction; STG-CONF-001).'
        ),
        'file': 'protocol/contradictions.py',
        'find': '    return not equal(a.value, b.value, equality=r.equality, uri_options=r.fact.uri)\n',
        'replace': '    return True\n',
        'requirements': ['STG-CONF-001'],
    },
    {
        'id': 'b5-conf-tie-older-hlc-wins',
        'description': (
            'Query-time resolution on equal confidence prefers the lower HLC (older fact) instead of the higher '
            '(Spec-15 §Query-Time Resolution step 2; seed Architecture resolution order; STG-CONF-005, STG-QRY-012).'
        ),
        'file': 'storage/facts.py',
        'find': 'g.hlc > f.hlc',
        'replace': 'g.hlc < f.hlc',
        'requirements': ['STG-CONF-005', 'STG-QRY-012'],
    },
    {
        'id': 'b5-conf-hlc-before-confidence',
        'description': (
            'Resolution order swapped: the later HLC wins first and confidence only breaks HLC ties, so a newer '
            'low-confidence fact hides an older certain one (Spec-15 step 1: higher confidence wins; STG-CONF-005).'
        ),
        'file': 'storage/facts.py',
        'find': 'g.confidence > f.confidence OR (g.confidence = f.confidence AND g.hlc > f.hlc)',
        'replace': 'g.hlc > f.hlc OR (g.hlc = f.hlc AND g.confidence > f.confidence)',
        'requirements': ['STG-CONF-005', 'STG-QRY-012'],
    },
    {
        'id': 'b5-conf-resolve-winner-outside-pair',
        'description': (
            'Resolving with a winning_fact_id that is any existing fact, not one of the pair, is accepted (200) '
            'instead of 422 invalid_resolution (A08 §5.10; interpretation G-8; STG-CONF-014).'
        ),
        'file': 'storage/ledger.py',
        'find': 'if winning_fact_id is not None and winning_fact_id not in (conflict.fact_a, conflict.fact_b):',
        'replace': 'if winning_fact_id is not None and winning_fact_id == conflict_id:',
        'requirements': ['STG-CONF-014'],
    },
    {
        'id': 'b5-conf-resolve-both-fields-accepted',
        'description': (
            'A resolve body carrying both winning_fact_id and new_value is accepted (new_value silently wins) '
            'instead of 422 invalid_resolution (STG-CONF-014: exactly one of the two).'
        ),
        'file': 'storage/ledger.py',
        'find': 'if (winning_fact_id is None) == (new_value is None):',
        'replace': 'if winning_fact_id is None and new_value is None:',
        'requirements': ['STG-CONF-014'],
    },
    {
        'id': 'b5-conf-resolution-attributed-to-system',
        'description': (
            "The resolution fact's source is system:stigmem instead of the resolving caller, losing the resolution's "
            "provenance (A08 §5.10; seed Architecture 'with full provenance'; interpretation conflict_resolution = "
            'a08).'
        ),
        'file': 'storage/ledger.py',
        'find': 'resolution = FactBody(pair[ENTITY], pair[RELATION], value, caller, 1.0, scope)',
        'replace': 'resolution = FactBody(pair[ENTITY], pair[RELATION], value, SYSTEM_SOURCE, 1.0, scope)',
        'requirements': ['STG-CONF-006'],
    },
    {
        'id': 'b5-conf-resolved-facts-stay-contradicted',
        'description': (
            'Resolving a conflict leaves both facts flagged contradicted: true (and hidden by default) although the '
            'conflict is resolved (STG-CONF-011: contradicted means part of an unresolved conflict; STG-CONF-015).'
        ),
        'file': 'storage/conflicts.py',
        'find': '    conn.execute("DELETE FROM open_conflict_facts WHERE conflict_id = ?", (conflict_id,))\n',
        'replace': '',
        'requirements': ['STG-CONF-011', 'STG-CONF-015'],
    },
    {
        'id': 'b5-conf-ref-equality-raw',
        'description': (
            'ref values are compared as sent, so refs user:Alice and user:alice (one entity) count as different '
            'values and create a conflict (interpretation value_equality G-7; Spec-15 normalization first; '
            'STG-CONF-003).'
        ),
        'file': 'protocol/values.py',
        'find': 'return _normalized_ref(va, uri_options) == _normalized_ref(vb, uri_options)',
        'replace': 'return va == vb',
        'requirements': ['STG-CONF-001', 'STG-CONF-003'],
    },
    {
        'id': 'b5-exp-expired-winner-still-outranks',
        'description': (
            'An expired contradicted winner still outranks its live sibling in the default query, so once the winner '
            'expires the triple shows nothing; expired facts are as if they did not exist (Spec-15 §Expiry; '
            'STG-EXP-001).'
        ),
        'file': 'storage/facts.py',
        'find': (
            '            clauses.append(f"NOT ({_CONTRADICTED} AND {_OUTRANKED.format(live=_LIVE_SIBLING)})")\n      '
            '      params.append(query.now_us)\n'
        ),
        'replace': '            clauses.append(f"NOT ({_CONTRADICTED} AND {_OUTRANKED.format(live=\'\')})")\n',
        'requirements': ['STG-EXP-001', 'STG-QRY-012'],
    },
    {
        'id': 'b5-exp-expired-sibling-paired',
        'description': (
            'Contradiction detection pairs a new fact with an already expired sibling, creating a conflict with a '
            'fact no ordinary query returns (Spec-15 §Expiry: expired facts are not returned; STG-CONF-001 live '
            'facts).'
        ),
        'file': 'storage/facts.py',
        'find': 'f.valid_until_us > ?) ORDER BY f.confidence DESC',
        'replace': 'f.valid_until_us > ? OR 1) ORDER BY f.confidence DESC',
        'requirements': ['STG-EXP-001', 'STG-CONF-018'],
    },
    {
        'id': 'b5-exp-ingested-never-expire',
        'description': (
            'Facts ingested by federation pull keep valid_until on the record but never expire in queries; expiry is '
            'applied to local asserts only (Spec-15 §Expiry MUST NOT return expired facts; STG-EXP-001).'
        ),
        'file': 'storage/replication.py',
        'find': (
            '    valid_until_us = None if fact.valid_until is None else instant_us(fact.valid_until, round_up=True)\n'
        ),
        'replace': '    valid_until_us = None\n',
        'requirements': ['STG-EXP-001'],
    },
    {
        'id': 'b5-exp-offset-sign-flipped',
        'description': (
            'RFC 3339 offsets are applied with the wrong sign, so valid_until 2030-01-01T02:00:00+02:00 is taken as '
            '04:00Z and after= filters with offsets are off by twice the offset (RFC 3339 §4.2; STG-EXP-005, '
            'STG-QRY-006).'
        ),
        'file': 'clock.py',
        'find': 'seconds -= offset if match.group(8) == "+" else -offset',
        'replace': 'seconds += offset if match.group(8) == "+" else -offset',
        'requirements': ['STG-EXP-005'],
    },
    {
        'id': 'b5-err-invalid-entity-uri-422',
        'description': (
            'An unnormalizable entity or source is answered 422 instead of 400 invalid_entity_uri (A08 §2.6.4; '
            'STG-URI-010).'
        ),
        'file': 'api/errors.py',
        'find': '"invalid_entity_uri": 400,',
        'replace': '"invalid_entity_uri": 422,',
        'requirements': ['STG-URI-010'],
    },
    {
        'id': 'b5-err-as-of-400',
        'description': (
            'as_of without the time-travel plugin is answered 400 instead of failing closed with 501 '
            'time_travel_plugin_not_loaded (Spec-X3; STG-TT-001).'
        ),
        'file': 'api/errors.py',
        'find': '"time_travel_plugin_not_loaded": 501,',
        'replace': '"time_travel_plugin_not_loaded": 400,',
        'requirements': ['STG-TT-001'],
    },
    {
        'id': 'b5-err-batch-index-renamed',
        'description': (
            'The batch_failed envelope names the failing item failed_index instead of failed_at_index (ADR-006 error '
            'body; STG-BATCH-002).'
        ),
        'file': 'api/facts.py',
        'find': 'return ApiError("batch_failed", detail, failed_at_index=index, reason=reason, facts_written=0)',
        'replace': 'return ApiError("batch_failed", detail, failed_index=index, reason=reason, facts_written=0)',
        'requirements': ['STG-BATCH-002'],
    },
    {
        'id': 'b5-disc-push-advertised',
        'description': (
            'Discovery advertises a push endpoint that answers 405; federation_endpoints.push is null when push is '
            'not supported (A08 §5.3; STG-HTTP-009, STG-FED-040).'
        ),
        'file': 'api/discovery.py',
        'find': '"push": None}',
        'replace': '"push": "/v1/federation/facts/push"}',
        'requirements': ['STG-HTTP-009'],
    },
    {
        'id': 'b5-disc-federation-boolean',
        'description': (
            'Discovery\'s federation member is a JSON boolean instead of the string enum "disabled"|"enabled" (A08 '
            '§5.3; CV20; STG-HTTP-006/008).'
        ),
        'file': 'api/discovery.py',
        'find': '"federation": "disabled" if federation is None else "enabled",',
        'replace': '"federation": federation is not None,',
        'requirements': ['STG-HTTP-006', 'STG-HTTP-008'],
    },
    {
        'id': 'b5-disc-namespaces-without-garden',
        'description': (
            "Discovery's namespaces list omits garden:, which S02/A10 §9.1 reserve and CV10 requires (STG-NS-006)."
        ),
        'file': 'settings.py',
        'find': 'NAMESPACES = ("stigmem:", "rel:", "memory:", "intent:", "garden:")',
        'replace': 'NAMESPACES = ("stigmem:", "rel:", "memory:", "intent:")',
        'requirements': ['STG-NS-006'],
        'equivalent': (
            "STG-NS-006 lists garden: when gardens are enabled; the reference node has no Memory Gardens "
            "(garden_id answers 404 garden_not_found), so leaving garden: out of its namespaces is allowed, "
            "arguably more exact."
        ),
    },
    {
        'id': 'b5-fed-token-scopes-ignored',
        'description': (
            "The pull page serves every declared scope whatever the token's scopes claim; it must be the "
            "intersection of the declaration's and the token's scopes (A08 §5.8; Spec-05; STG-FED-023)."
        ),
        'file': 'protocol/replication.py',
        'find': 'return tuple(s for s in SCOPES if s in declared and s in token_scopes and s not in NEVER_FEDERATED)',
        'replace': 'return tuple(s for s in SCOPES if s in declared and s not in NEVER_FEDERATED)',
        'requirements': ['STG-FED-023'],
    },
    {
        'id': 'b5-fed-team-federated',
        'description': (
            'team facts are served to, and accepted from, a peer whose declaration lists team; team is never '
            'federated without an operator override (Spec-01 §FactScope; A08 §6.4; STG-FED-025, STG-FED-035).'
        ),
        'file': 'protocol/replication.py',
        'find': 'NEVER_FEDERATED = frozenset({"local", "team"})',
        'replace': 'NEVER_FEDERATED = frozenset({"local"})',
        'requirements': ['STG-FED-025', 'STG-FED-035'],
    },
    {
        'id': 'b5-fed-relays-received-facts',
        'description': (
            'The SQL serving filter lets facts received from a peer be re-served (relaying), although the protocol '
            'rule servable() forbids it (interpretation relaying = none; A08 §6.8.2; STG-FED-045).'
        ),
        'file': 'storage/replication.py',
        'find': '"f.received_from IS NULL AND f.garden_id IS NULL AND f.relation NOT LIKE \'stigmem:%\' "',
        'replace': '"f.garden_id IS NULL AND f.relation NOT LIKE \'stigmem:%\' "',
        'requirements': ['STG-FED-045'],
    },
    {
        'id': 'b5-fed-pull-cursor-inclusive',
        'description': (
            'The pull cursor is inclusive, so each page starts with the last fact of the previous page (A08 §5.8 '
            'cursor encodes the last fact returned; STG-FED-019/020).'
        ),
        'file': 'storage/replication.py',
        'find': 'clauses.append("(f.local_hlc, f.id) > (?, ?)")',
        'replace': 'clauses.append("(f.local_hlc, f.id) >= (?, ?)")',
        'requirements': ['STG-FED-020'],
    },
    {
        'id': 'b5-fed-has-more-off-by-one',
        'description': (
            'has_more is true when exactly limit facts remained (the next page is empty), a page-boundary off-by-one '
            '(A08 §5.8 has_more; STG-FED-019).'
        ),
        'file': 'storage/replication.py',
        'find': '    more = len(rows) > limit\n',
        'replace': '    more = len(rows) >= limit\n',
        'requirements': ['STG-FED-019'],
    },
    {
        'id': 'b5-fed-token-exactly-one-hour-rejected',
        'description': (
            'A peer token with exp = iat + 3600000 is rejected as token_lifetime_exceeded; exp <= iat + 1 h is '
            'allowed (A08 §3.5; STG-TOK-002).'
        ),
        'file': 'protocol/peer_tokens.py',
        'find': 'if claims["exp"] - claims["iat"] > max_lifetime_ms:',
        'replace': 'if claims["exp"] - claims["iat"] >= max_lifetime_ms:',
        'requirements': ['STG-TOK-002'],
    },
    {
        'id': 'b5-fed-leeway-seconds-as-ms',
        'description': (
            'Unit slip: the 30 s iat leeway is 30 ms, so a token minted by a peer whose clock is 1 s ahead is '
            'token_not_yet_valid (interpretation peer_token_format; upstream peer_token_leeway_s = 30; STG-RPL-004).'
        ),
        'file': 'protocol/peer_tokens.py',
        'find': 'DEFAULT_LEEWAY_MS = 30_000',
        'replace': 'DEFAULT_LEEWAY_MS = 30',
        'requirements': ['STG-RPL-004'],
    },
    {
        'id': 'b5-fed-nonce-kept-only-window',
        'description': (
            'An accepted nonce is remembered only 5 minutes, so a replay of a longer-lived token after 5 minutes but '
            'before exp is accepted (A08 §6.6(3) nonce cache covers validity; interpretation nonce_retention; '
            'STG-TOK-007).'
        ),
        'file': 'protocol/replay.py',
        'find': 'return max(exp_ms, accepted_at_ms + window_ms)',
        'replace': 'return accepted_at_ms + window_ms',
        'requirements': ['STG-TOK-007'],
    },
    {
        'id': 'b5-fed-replay-audited-as-rejected-token',
        'description': (
            'A replayed nonce is audited as rejected_token instead of replay_attempt (A08 §10 federation_audit event '
            'types; S18 replay scenario; STG-RPL-006, STG-AUDIT-002).'
        ),
        'file': 'protocol/replay.py',
        'find': 'return "replay_attempt" if code == "nonce_already_seen" else "rejected_token"',
        'replace': 'return "rejected_token"',
        'requirements': ['STG-RPL-006', 'STG-AUDIT-002'],
    },
    {
        'id': 'b5-fed-pending-peer-token-accepted',
        'description': (
            'Tokens from a peer still pending_approval are accepted for pull; only active peers may replicate '
            '(Spec-05: MUST NOT replicate until verified; TM R-26; STG-FED-001/008).'
        ),
        'file': 'api/peer_auth.py',
        'find': 'if peer is None or peer.status != "active":',
        'replace': 'if peer is None or peer.status == "rejected":',
        'requirements': ['STG-FED-008'],
    },
    {
        'id': 'b5-fed-source-authority-prefix',
        'description': (
            'Source ownership compares a string prefix, so a peer node-a.test may send facts sourced '
            'stigmem://node-a.test.evil/... (A08 §6.4 provenance non-forgery; interpretation source_ownership; '
            'STG-FED-036).'
        ),
        'file': 'protocol/replication.py',
        'find': 'return peer_authority is not None and authority(source) == peer_authority',
        'replace': 'return peer_authority is not None and source.startswith("stigmem://" + peer_authority)',
        'requirements': ['STG-FED-036'],
    },
    {
        'id': 'b5-fed-ingest-scope-not-declared',
        'description': (
            'Ingest accepts company facts from a peer whose declaration allows only public; inbound facts beyond the '
            "peer's declared scopes MUST be rejected and audited scope_violation (Spec-02; A08 §6.4; STG-FED-034)."
        ),
        'file': 'protocol/replication.py',
        'find': 'if scope in NEVER_FEDERATED or scope not in declared_scopes:',
        'replace': 'if scope in NEVER_FEDERATED:',
        'requirements': ['STG-FED-034'],
    },
    {
        'id': 'b5-fed-ingest-reserved-relations',
        'description': (
            'Federation ingest refuses only stigmem:received_from, so a peer can forge stigmem:conflict:status or '
            'stigmem:resolves facts that a local assert would refuse (interpretation reserved_namespace; STG-NS-004).'
        ),
        'file': 'protocol/replication.py',
        'find': '    if namespaces.reserved(fact.relation):\n',
        'replace': '    if fact.relation == namespaces.RECEIVED_FROM:\n',
        'requirements': ['STG-NS-004'],
    },
    {
        'id': 'b5-fed-ingest-no-contradiction-detection',
        'description': (
            'Pulled facts are stored without contradiction detection, so split-brain divergent writes surface no '
            'conflict on the pulling node (A08 §6.5; S18 split brain; STG-CONF-001 on every write path).'
        ),
        'file': 'storage/replication.py',
        'find': '    ledger.detect(conn, ctx.stamp, new, stamp, ctx.clock.now_us(), ctx.cardinality)\n',
        'replace': '',
        'requirements': ['STG-CONF-001'],
    },
    {
        'id': 'b5-fed-ingest-stores-local-hlc',
        'description': (
            "An ingested fact's hlc is replaced by the receiver's advanced HLC instead of the origin's (A08 §2.4 "
            'nodes MUST store and propagate hlc; interpretation hlc_origin = preserve; STG-PROV-002/007).'
        ),
        'file': 'storage/replication.py',
        'find': 'stamp = Stamp(fact.id, format_timestamp(timestamp_us), timestamp_us, format_hlc(fact.hlc))',
        'replace': 'stamp = Stamp(fact.id, format_timestamp(timestamp_us), timestamp_us, local_hlc)',
        'requirements': ['STG-PROV-002', 'STG-PROV-007'],
    },
    {
        'id': 'b5-fed-discovery-key-not-compared',
        'description': (
            "Registration no longer checks the declaration's key against the declarer's discovery document, so a "
            'declaration self-signed with another key becomes active (A08 §5.6 -> rejected; Spec-05; STG-FED-006).'
        ),
        'file': 'protocol/peering.py',
        'find': 'if discovered.get("federation_pubkey") != document.get("federation_pubkey"):',
        'replace': 'if not discovered.get("federation_pubkey"):',
        'requirements': ['STG-FED-006'],
    },
    {
        'id': 'b5-fed-ingest-missing-cid-accepted',
        'description': (
            'An inbound fact without a cid is accepted (its CID computed locally) instead of refused cid_mismatch; '
            'only a present, wrong CID is checked (CIDF §Federation Use; STG-CID-013).'
        ),
        'file': 'protocol/replication.py',
        'find': 'if raw.get("cid") != computed:',
        'replace': 'if raw.get("cid") is not None and raw.get("cid") != computed:',
        'requirements': ['STG-CID-013'],
    },
    {
        'id': 'b5-rob-body-limit-inclusive',
        'description': (
            'A request whose Content-Length is exactly the body limit (1 MiB) is refused 413; the check with a '
            'declared length is off by one while the streamed check is not (STG-HTTP-003, body_too_large).'
        ),
        'file': 'api/bodies.py',
        'find': 'if declared.isdigit() and int(declared) > limit:',
        'replace': 'if declared.isdigit() and int(declared) >= limit:',
        'requirements': ['STG-HTTP-003'],
        'equivalent': (
            "The request body limit is the node's own configuration (1 MiB by default), advertised nowhere and "
            "fixed by no source; a black-box suite cannot know where a node's bound lies (as b4-post-body-limit-"
            "inclusive)."
        ),
    },
    {
        'id': 'b5-rob-chunked-body-unbounded',
        'description': (
            'The body limit is enforced only when Content-Length is sent; a chunked body of any size is read whole '
            '(robustness: the limit is enforced while reading, with or without Content-Length; STG-HTTP-003).'
        ),
        'file': 'api/bodies.py',
        'find': '        if size > limit:\n',
        'replace': '        if size > limit and declared.isdigit():\n',
        'requirements': ['STG-HTTP-003'],
    },
    {
        'id': 'b5-rob-deep-nesting-500',
        'description': (
            'A deeply nested JSON body ([[[[...) escapes as RecursionError and is answered 500 internal_error '
            'instead of 400 malformed_json (STG-HTTP-003: client input never yields a 5xx).'
        ),
        'file': 'api/bodies.py',
        'find': '    except (ValueError, RecursionError) as exc:\n',
        'replace': '    except ValueError as exc:\n',
        'requirements': ['STG-HTTP-003'],
    },
    {
        'id': 'b5-rob-duplicate-members-accepted',
        'description': (
            'Request bodies with duplicate member names are accepted (last one wins) instead of 400 malformed_json, '
            'e.g. two scope members that two parsers read differently (I-JSON RFC 7493; STG-JCS-005).'
        ),
        'file': 'api/bodies.py',
        'find': 'object_pairs_hook=_unique_members, ',
        'replace': '',
        'requirements': ['STG-JCS-005'],
        'equivalent': (
            "No source requires a node to refuse duplicate member names in a request body (RFC 7493 forbids "
            "producing them; STG-JCS-005 governs canonicalization, which the vectors check); last-one-wins "
            "parsing is the common JSON behaviour."
        ),
    },
    {
        'id': 'b5-rob-outbound-timeout-60s',
        'description': (
            'Outbound requests (discovery fetch at registration, pulls) wait up to 60 s; a hanging declarer keeps '
            'POST /v1/federation/peers open instead of rejecting within 5 s (STG-FED-003 bounded: 5 s).'
        ),
        'file': 'federation/outbound.py',
        'find': 'TIMEOUT_S = 5.0',
        'replace': 'TIMEOUT_S = 60.0',
        'requirements': ['STG-FED-003'],
    },
]
