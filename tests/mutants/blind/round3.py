"""Blind mutant round 3: written from the seeds, the specs and the node's code, without reading the suite."""

ROUND = 3
MUTANTS: list[dict[str, str]] = [
    {
        "id": "b3-jcs-safe-integer-wide",
        "description": "Integers up to 2**64 are passed to the serializer as integers instead of the doubles they "
        "denote; RFC 8785 §3.2.2.3 / I-JSON (RFC 7493) only admit the 2**53 safe range, so a value v of "
        "9007199254740993 is no longer canonicalized as 9007199254740992 (A08 §9, STG-JCS-003).",
        "file": "protocol/jcs.py",
        "find": "_SAFE_INTEGER = 2**53 - 1",
        "replace": "_SAFE_INTEGER = 2**64 - 1",
    },
    {
        "id": "b3-jcs-surrogate-keys-skipped",
        "description": "The lone-surrogate walk checks values but not member names, so an escaped unpaired "
        "surrogate in a key is accepted; RFC 8785 §3.2.2.2 / I-JSON requires rejecting it in any string "
        "(STG-JCS-006).",
        "file": "protocol/jcs.py",
        "find": "            stack.extend(item.keys())\n",
        "replace": "",
    },
    {
        "id": "b3-jcs-high-surrogate-only",
        "description": "Only high surrogates (D800-DBFF) count as unpaired; a lone low surrogate (DC00-DFFF) "
        "passes, against RFC 8785 / RFC 7493 §2.1 (STG-JCS-006).",
        "file": "protocol/jcs.py",
        "find": "0xD800 <= ord(ch) <= 0xDFFF",
        "replace": "0xD800 <= ord(ch) <= 0xDBFF",
    },
    {
        "id": "b3-cid-uppercase-hex-accepted",
        "description": "The CID syntax admits uppercase hex digits; the architecture seed and CIDF say "
        "'sha256:' + 64 lowercase hex digits, anything else is cid_malformed (STG-CID-006).",
        "file": "protocol/cid.py",
        "find": 'CID_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")',
        "replace": 'CID_PATTERN = re.compile(r"sha256:[0-9a-fA-F]{64}")',
    },
    {
        "id": "b3-cid-prefix-match",
        "description": "CID syntax is checked with a prefix match, so a CID with trailing characters after the "
        "64 hex digits is accepted; CIDF requires exactly 64 digits (STG-CID-006).",
        "file": "protocol/cid.py",
        "find": "CID_PATTERN.fullmatch(cid) is None",
        "replace": "CID_PATTERN.match(cid) is None",
    },
    {
        "id": "b3-cid-interpret-as-hashed",
        "description": "The jcs-6 preimage hashes the whole stored value including interpret_as; the seed "
        "(Migrating §25) says value is {type, v} and nothing else (STG-CID-002, STG-CID-005).",
        "file": "protocol/cid.py",
        "find": '        value = {"type": fact.value["type"], "v": fact.value["v"]}',
        "replace": "        value = dict(fact.value)",
    },
    {
        "id": "b3-cid-scope-left-out",
        "description": "Scope is left out of the CID preimage (treated as routing metadata); the seed's "
        "preimage is the six fields {confidence, entity, relation, scope, source, value} (STG-CID-004).",
        "file": "protocol/cid.py",
        "find": '        "scope": fact.scope,\n',
        "replace": "",
    },
    {
        "id": "b3-cid-malformed-as-mismatch",
        "description": "verify skips the syntax check, so a malformed claimed CID is answered cid_mismatch "
        "instead of cid_malformed (A08 §9, STG-CID-006 vs STG-CID-013).",
        "file": "protocol/cid.py",
        "find": "    claimed = check_syntax(cid)",
        "replace": "    claimed = str(cid)",
    },
    {
        "id": "b3-uri-percent-at-segment-end",
        "description": "Off by one in the escape look-ahead: a percent escape in the last three characters of a "
        "segment is not decoded but re-encoded as %25; Spec-01 §Entity Naming step 4 / RFC 3986 §2.3 decode "
        "unreserved escapes everywhere (STG-URI-005).",
        "file": "protocol/entity_uri.py",
        "find": 'if ch == "%" and i + 2 < len(segment)',
        "replace": 'if ch == "%" and i + 3 < len(segment)',
    },
    {
        "id": "b3-uri-decoded-not-lowercased",
        "description": "A decoded unreserved escape keeps its case (al%49ce -> alIce), so normalization is not "
        "idempotent and lowercasing (step 3) is skipped for it; Spec-01 §Entity Naming Rules, STG-URI-004, "
        "STG-URI-008.",
        "file": "protocol/entity_uri.py",
        "find": "out.append(octet.lower() if octet in _UNRESERVED",
        "replace": "out.append(octet if octet in _UNRESERVED",
    },    {
        "id": "b3-uri-authority-case-kept",
        "description": "The authority of a formal URI keeps its case; Spec-01 §Entity Naming Rules step 3 "
        "lowercases scheme, authority, type and id (STG-URI-004).",
        "file": "protocol/entity_uri.py",
        "find": 'return f"{_FORMAL_PREFIX}{authority.lower()}/{type_}/{id_}"',
        "replace": 'return f"{_FORMAL_PREFIX}{authority}/{type_}/{id_}"',
    },
    {
        "id": "b3-uri-id-whitespace-not-collapsed",
        "description": "Internal whitespace runs in the id segment of a formal URI are not collapsed to '-' "
        "(they end up percent-encoded); Spec-01 §Entity Naming Rules step 2 collapses them (STG-URI-003).",
        "file": "protocol/entity_uri.py",
        "find": "    id_ = _collapse(id_, options.whitespace)\n",
        "replace": "",
    },
    {
        "id": "b3-val-text-limit-inclusive",
        "description": "A text value of exactly 65536 UTF-8 bytes is rejected; Spec-01 §FactValue allows text "
        "<= 64 KB, only above the limit is 413 (STG-VAL-004).",
        "file": "protocol/values.py",
        "find": 'len(v.encode("utf-8")) > max_text_bytes',
        "replace": 'len(v.encode("utf-8")) >= max_text_bytes',
    },
    {
        "id": "b3-val-text-limit-characters",
        "description": "The text limit counts code points instead of UTF-8 bytes, so 40000 three-byte characters "
        "pass; interpretation text_limit counts UTF-8 bytes (Spec-01 §FactValue, STG-VAL-003).",
        "file": "protocol/values.py",
        "find": 'len(v.encode("utf-8")) > max_text_bytes',
        "replace": "len(v) > max_text_bytes",
    },
    {
        "id": "b3-val-boolean-is-number",
        "description": "A JSON boolean is accepted as a number value (Python bool is an int); Spec-01 §FactValue "
        "requires v to agree with type under strict typing (STG-VAL-002).",
        "file": "protocol/values.py",
        "find": "    if isinstance(v, bool) or not isinstance(v, int | float):\n        return False\n    try:",
        "replace": "    if not isinstance(v, int | float):\n        return False\n    try:",
    },
    {
        "id": "b3-val-leap-year-century",
        "description": "Leap years are every fourth year, so 1900-02-29 is a valid datetime; RFC 3339 §5.7 / "
        "Appendix C exclude centuries not divisible by 400 (STG-VAL-002).",
        "file": "protocol/values.py",
        "find": "    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)",
        "replace": "    leap = year % 4 == 0",
    },
    {
        "id": "b3-hlc-skew-bound-exclusive",
        "description": "A remote HLC exactly max_future_skew ahead is rejected; the bound is inclusive, exactly "
        "the bound is accepted (Spec-12, TM R-19, STG-HLC-007).",
        "file": "protocol/hlc.py",
        "find": "remote.wall_ms - now_ms > max_future_skew_ms",
        "replace": "remote.wall_ms - now_ms >= max_future_skew_ms",
    },
    {
        "id": "b3-hlc-future-skew-seconds",
        "description": "The default future skew bound is 300 read as milliseconds instead of 300 seconds, so a "
        "peer 1 s ahead is rejected (unit slip; TM R-19 says 300 s, STG-HLC-007).",
        "file": "protocol/hlc.py",
        "find": "DEFAULT_MAX_FUTURE_SKEW_MS = 300_000",
        "replace": "DEFAULT_MAX_FUTURE_SKEW_MS = 300",
    },
    {
        "id": "b3-hlc-tick-counter-on-now",
        "description": "The tick increments the counter when the wall equals physical now instead of the last wall, "
        "so a clock behind its last HLC resets the counter to 0 and issues a non-increasing HLC (Spec-01 §HLC, "
        "STG-HLC-003, STG-HLC-012).",
        "file": "protocol/hlc.py",
        "find": "    counter = last.counter + 1 if wall == last.wall_ms else 0",
        "replace": "    counter = last.counter + 1 if wall == now_ms else 0",
    },
    {
        "id": "b3-hlc-carry-at-999",
        "description": "The counter carries into the next millisecond already at 999, so counter 999 is never "
        "issued; only a counter past 999 overflows (Spec-01 §HLC 3-digit counter, STG-HLC-011).",
        "file": "protocol/hlc.py",
        "find": 'if counter > _COUNTER_MAX and overflow == "carry":',
        "replace": 'if counter >= _COUNTER_MAX and overflow == "carry":',
    },
    {
        "id": "b3-conf-pair-confidence-only",
        "description": "Under conflict_cardinality=winner a new fact is paired with every live sibling tied on the "
        "top confidence instead of the single preferred one (confidence, then HLC); Spec-15 §Query-Time "
        "Resolution orders by confidence then HLC (STG-CONF-018, STG-CONF-005).",
        "file": "protocol/contradictions.py",
        "find": "    return [s for s in live if (s.confidence, s.hlc) == best and contradicts(s, new, r)]",
        "replace": "    return [s for s in live if s.confidence == best[0] and contradicts(s, new, r)]",
    },
    {
        "id": "b3-conf-winner-hlc-first",
        "description": "Query-time preference compares HLC before confidence (latest wins), so a newer "
        "low-confidence fact beats an older high-confidence one; Spec-15 / architecture seed: higher confidence "
        "wins, then higher HLC (STG-CONF-005).",
        "file": "protocol/contradictions.py",
        "find": "        best = max((f.confidence, f.hlc) for f in in_conflict)\n"
        "        return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)",
        "replace": "        best = max((f.hlc, f.confidence) for f in in_conflict)\n"
        "        return sorted(f.id for f in in_conflict if (f.hlc, f.confidence) == best)",
    },
    {
        "id": "b3-conf-query-later-wins",
        "description": "The query-time outranking test ranks by HLC first, so GET /v1/facts returns the latest "
        "contradicted fact rather than the most confident; architecture seed query-time resolution: higher "
        "confidence wins, then higher hlc (STG-QRY-012, STG-CONF-005).",
        "file": "storage/facts.py",
        "find": "AND (g.confidence > f.confidence OR (g.confidence = f.confidence AND g.hlc > f.hlc)))",
        "replace": "AND (g.hlc > f.hlc OR (g.hlc = f.hlc AND g.confidence > f.confidence)))",
    },
    {
        "id": "b3-conf-query-tie-self-outranks",
        "description": "The HLC tie-break uses >=, so a contradicted fact outranks itself and every fact in an "
        "unresolved conflict vanishes from default queries; the seed says the winner is returned and a true tie "
        "returns both (STG-QRY-012).",
        "file": "storage/facts.py",
        "find": "(g.confidence = f.confidence AND g.hlc > f.hlc)",
        "replace": "(g.confidence = f.confidence AND g.hlc >= f.hlc)",
    },
    {
        "id": "b3-conf-outrank-any-scope",
        "description": "The outranking sibling is looked up by entity and relation only, so a contradicted fact "
        "in another scope hides one in this scope; Spec-15 contradictions and resolution are per (entity, "
        "relation, scope) triple (STG-CONF-001, STG-QRY-012).",
        "file": "storage/facts.py",
        "find": ('WHERE g.entity = f.entity AND g.relation = f.relation AND g.scope = f.scope AND'
                 ' g.garden_id IS f.garden_id{live} '),
        "replace": ('WHERE g.entity = f.entity AND g.relation = f.relation AND g.garden_id IS'
                    ' f.garden_id{live} '),
    },
    {
        "id": "b3-conf-expired-sibling-ms",
        "description": "The preferred-sibling lookup is given now in milliseconds against valid_until in "
        "microseconds (unit slip), so expired facts count as live and a new fact is paired with an expired one; "
        "Spec-15 only live facts contradict (STG-CONF-001, STG-EXP-004).",
        "file": "storage/facts.py",
        "find": '(entity, relation, scope, garden_id, exclude_id, now_us, limit)',
        "replace": '(entity, relation, scope, garden_id, exclude_id, now_us // 1000, limit)',
    },
    {
        "id": "b3-conf-resolve-any-winner",
        "description": "Resolution accepts a winning_fact_id that is not one of the conflict's two facts; "
        "A08 §5.10 answers 400 invalid_resolution for it (STG-CONF-006).",
        "file": "storage/ledger.py",
        "find": "    if winning_fact_id is not None and winning_fact_id not in (conflict.fact_a, conflict.fact_b):\n"
        "        raise StoreError(\"invalid_resolution\", "
        "f\"{winning_fact_id} is not one of the conflicting facts\")\n",
        "replace": "",
    },
    {
        "id": "b3-http-expiry-inclusive",
        "description": "A fact whose valid_until equals now is still served; STG-EXP-001/004: expired iff "
        "now >= valid_until (interpretation expiry_boundary = exclusive).",
        "file": "storage/facts.py",
        "find": "        clauses.append(\"(f.valid_until_us IS NULL OR f.valid_until_us > ?)\")",
        "replace": "        clauses.append(\"(f.valid_until_us IS NULL OR f.valid_until_us >= ?)\")",
        "equivalent": "Differs only when a read runs in the very microsecond a valid_until names; the node exposes "
        "no clock control and a client cannot learn its clock for a read, so no black-box request lands there "
        "(the same fault as b1-http-expiry-inclusive).",
    },
    {
        "id": "b3-http-min-confidence-exclusive",
        "description": "min_confidence filters strictly above the bound, dropping facts whose confidence equals "
        "it; Spec-03 min_confidence is an inclusive lower bound (STG-QRY-005).",
        "file": "storage/facts.py",
        "find": "clauses.append(\"f.confidence >= ?\")",
        "replace": "clauses.append(\"f.confidence > ?\")",
    },
    {
        "id": "b3-http-cursor-inclusive",
        "description": "The keyset cursor compares with <=, so the last fact of a page is repeated as the first "
        "of the next; STG-HTTP-011 pages neither skip nor repeat.",
        "file": "storage/facts.py",
        "find": "clauses.append(\"(f.hlc, f.id) < (?, ?)\")",
        "replace": "clauses.append(\"(f.hlc, f.id) <= (?, ?)\")",
    },
    {
        "id": "b3-tok-lifetime-exclusive",
        "description": "A peer token living exactly one hour (exp == iat + 3600000) is rejected; A08 §3.5 allows "
        "exp <= iat + 1 h (STG-TOK-002).",
        "file": "protocol/peer_tokens.py",
        "find": "    if claims[\"exp\"] - claims[\"iat\"] > max_lifetime_ms:",
        "replace": "    if claims[\"exp\"] - claims[\"iat\"] >= max_lifetime_ms:",
    },
    {
        "id": "b3-tok-leeway-seconds",
        "description": "The iat leeway is 30 read as milliseconds instead of 30 s (unit slip), so a token issued "
        "a few seconds ahead of the verifier's clock is token_not_yet_valid (interpretation peer_token_format, "
        "A08 §3.5).",
        "file": "protocol/peer_tokens.py",
        "find": "DEFAULT_LEEWAY_MS = 30_000",
        "replace": "DEFAULT_LEEWAY_MS = 30",
    },
    {
        "id": "b3-tok-expired-at-exp",
        "description": "A token is rejected as expired at now == exp; STG-TOK-005 rejects only now > exp.",
        "file": "protocol/peer_tokens.py",
        "find": "    if now_ms > claims[\"exp\"]:",
        "replace": "    if now_ms >= claims[\"exp\"]:",
    },
    {
        "id": "b3-tok-audience-casefold",
        "description": "The audience check compares sub and the receiver's node id case-insensitively, so a token "
        "for a differently cased node id is accepted; A08 §3.5 / STG-TOK-004 require sub to be the receiver.",
        "file": "protocol/peer_tokens.py",
        "find": "    if claims[\"sub\"] != audience:",
        "replace": "    if claims[\"sub\"].lower() != audience.lower():",
    },
    {
        "id": "b3-sig-declaration-signed-at-unsigned",
        "description": "The PeerDeclaration preimage leaves out signed_at as well as declaration_sig, so a "
        "re-dated declaration still verifies; A08 §6.1 / STG-SIG-001 sign every field except declaration_sig.",
        "file": "protocol/signatures.py",
        "find": "            frozenset({\"declaration_sig\"}),",
        "replace": "            frozenset({\"declaration_sig\", \"signed_at\"}),",
    },
    {
        "id": "b3-auth-revoked-key-works",
        "description": "Key lookup ignores revoked_at, so a revoked API key still authenticates; STG-AUTH-005: a "
        "revoked key is 401 at once (Spec-02, A10 §18.10).",
        "file": "storage/keys.py",
        "find": "WHERE key_sha256 = ? AND revoked_at IS NULL\"",
        "replace": "WHERE key_sha256 = ?\"",
    },
    {
        "id": "b3-auth-bearer-case-sensitive",
        "description": "The auth scheme must be spelled 'Bearer' exactly, so 'bearer <key>' is 401; RFC 7235 §2.1 "
        "/ RFC 6750 auth schemes are case-insensitive (STG-AUTH-001).",
        "file": "api/auth.py",
        "find": "    if scheme.lower() != \"bearer\" or not token:",
        "replace": "    if scheme != \"Bearer\" or not token:",
    },
    {
        "id": "b3-auth-covers-ignores-scopes",
        "description": "An admin key may grant, list and revoke keys whatever their scopes, only permissions are "
        "compared; STG-SCOPE-022: allowed_scopes bounds admin too.",
        "file": "api/auth.py",
        "find": "        return set(permissions) <= held and set(scopes) <= set(self.scopes)",
        "replace": "        return set(permissions) <= held",
    },
    {
        "id": "b3-auth-admin-implies-all",
        "description": "Admin is taken to imply every permission, so an admin-only key can create read/write keys; "
        "A08 §3.5: admin implies federate only, a key grants only what it holds (STG-SCOPE-022).",
        "file": "api/auth.py",
        "find": "        held = self.permissions | {\"federate\"} if \"admin\"",
        "replace": "        held = frozenset(PERMISSIONS) if \"admin\"",
    },
    {
        "id": "b3-auth-write-may-federate",
        "description": "The operator federation routes admit a key holding write, not only federate or admin; "
        "A08 §3.5 / §5.6 reserve them for federate (admin implies it).",
        "file": "api/auth.py",
        "find": "    if not identity.permissions & {\"federate\", \"admin\"}:",
        "replace": "    if not identity.permissions & {\"federate\", \"admin\", \"write\"}:",
    },
    {
        "id": "b3-auth-empty-scopes-query",
        "description": "A key with an empty allowed_scopes list gets 200 with no facts on a global query instead "
        "of 403; STG-SCOPE-006: an empty list means no access at all.",
        "file": "api/params.py",
        "find": "    if not identity.scopes:\n        # STG-SCOPE-006",
        "replace": "    if identity.scopes is None:\n        # STG-SCOPE-006",
        "equivalent": "Same observable change as b1-auth-empty-scopes-200: a global query by a key with no allowed "
        "scope answers 200 with no facts instead of 403 (its scope filter is empty, a scope= query stays 403); "
        "interpretation scope_query_outside_key: global queries filter silently.",
    },
    {
        "id": "b3-err-confidence-400",
        "description": "An out-of-range confidence is answered 400 instead of 422 invalid_confidence; docs "
        "http-api Errors / A08 map body validation failures to 422 (STG-FACT-001, STG-HTTP-002).",
        "file": "api/errors.py",
        "find": "    \"invalid_confidence\": 422,",
        "replace": "    \"invalid_confidence\": 400,",
    },
    {
        "id": "b3-err-min-confidence-500",
        "description": "min_confidence is passed to float() unchecked, so 'abc' escapes as ValueError and a 500; "
        "STG-HTTP-012 requires 400 invalid_parameter for a malformed parameter.",
        "file": "api/params.py",
        "find": "    value = float(raw) if _NUMBER.fullmatch(raw) else math.nan",
        "replace": "    value = float(raw)",
    },
    {
        "id": "b3-fed-team-federated",
        "description": "Only local is treated as never federated, so team facts are served to peers and team "
        "facts from peers are admitted; A08 §6.4 / docs federation-api: local and team never federate "
        "(STG-FED-024/025, STG-FED-035).",
        "file": "protocol/replication.py",
        "find": "NEVER_FEDERATED = frozenset({\"local\", \"team\"})",
        "replace": "NEVER_FEDERATED = frozenset({\"local\"})",
    },
    {
        "id": "b3-fed-token-scopes-ignored",
        "description": "The servable scopes are the peer's declared scopes alone, the token's scopes claim is "
        "ignored; STG-FED-023 serves the intersection of declared and token scopes (A08 §3.5, §6.3).",
        "file": "protocol/replication.py",
        "find": "if s in declared and s in token_scopes and s not in NEVER_FEDERATED)",
        "replace": "if s in declared and s not in NEVER_FEDERATED)",
    },
    {
        "id": "b3-fed-source-authority-substring",
        "description": "Source ownership is a substring test on the peer's authority, so a source under "
        "stigmem://evil-node-a.test/... or an informal URI mentioning it counts as owned; STG-FED-036 "
        "(source_ownership = authority) requires the same authority.",
        "file": "protocol/replication.py",
        "find": "    return peer_authority is not None and authority(source) == peer_authority",
        "replace": "    return peer_authority is not None and peer_authority in source",
    },
    {
        "id": "b3-fed-undeclared-scope-admitted",
        "description": "Ingest checks only that the scope is not local or team, not that the peer declared it, "
        "so a peer declared for public can send company facts; STG-FED-034 (A08 §6.7).",
        "file": "protocol/replication.py",
        "find": "    if scope in NEVER_FEDERATED or scope not in declared_scopes:",
        "replace": "    if scope in NEVER_FEDERATED:",
    },
    {
        "id": "b3-fed-missing-cid-accepted",
        "description": "An inbound fact without a cid member is accepted (the CID is recomputed and adopted), only "
        "a present and different cid is a mismatch; STG-CID-013 / A08 §6.7 require the sent CID to verify.",
        "file": "protocol/replication.py",
        "find": "    if raw.get(\"cid\") != computed:",
        "replace": "    if raw.get(\"cid\") not in (None, computed):",
    },
    {
        "id": "b3-fed-relayed-facts-served",
        "description": "The pull page also serves facts received from other peers; interpretation relaying = none "
        "(STG-FED-045): received facts are never re-served.",
        "file": "storage/replication.py",
        "find": "    \"f.received_from IS NULL AND f.garden_id IS NULL AND",
        "replace": "    \"f.garden_id IS NULL AND",
    },
    {
        "id": "b3-fed-pending-peer-pulls",
        "description": "Any peer not rejected may pull, so a pending_approval peer gets facts; STG-FED-007/008: "
        "only an active peer is served (else 401 unknown_peer).",
        "file": "api/peer_auth.py",
        "find": "    if peer is None or peer.status != \"active\":",
        "replace": "    if peer is None or peer.status == \"rejected\":",
        "equivalent": "Same fault as b1-fed-pending-peer-pulls: peers are pending only on a node started with "
        "--peer-approval (peer_lifecycle approval-required, not the default), so on the default node every peer "
        "that is not rejected is active and the guard admits the same peers.",
    },
    {
        "id": "b3-fed-declare-local",
        "description": "A declaration may name local among its allowed_scopes and still verify; docs "
        "federation-api verification: known scopes without local (A08 §6.4, STG-FED-024).",
        "file": "protocol/peering.py",
        "find": "DECLARABLE_SCOPES = tuple(scope for scope in SCOPES if scope != \"local\")",
        "replace": "DECLARABLE_SCOPES = tuple(SCOPES)",
    },
    {
        "id": "b3-fed-signed-at-no-future-leeway",
        "description": "A declaration signed even a second ahead of the verifier's clock is signed_at_future; "
        "A20 §22.5 allows +-5 min (interpretation declaration_signed_at = a20-window).",
        "file": "protocol/peering.py",
        "find": "    if signed_ms > now_ms + FUTURE_LEEWAY_MS:",
        "replace": "    if signed_ms > now_ms:",
    },
    {
        "id": "b3-http-cursor-on-last-page",
        "description": "A cursor is returned whenever the page is non-empty, also on the last page, so a client "
        "paging until cursor is null asks for an extra empty page; STG-HTTP-011: cursor null when no more.",
        "file": "storage/store.py",
        "find": "        following = (rows[-1][HLC], rows[-1][ID]) if more and rows else None",
        "replace": "        following = (rows[-1][HLC], rows[-1][ID]) if rows else None",
    },
    {
        "id": "b3-http-limit-max-exclusive",
        "description": "limit=500 is rejected as invalid_parameter; docs http-api Queries: limit 1..500 inclusive "
        "(STG-HTTP-012).",
        "file": "api/params.py",
        "find": "    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:",
        "replace": "    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) < MAX_LIMIT:",
    },
    {
        "id": "b3-http-dedup-201",
        "description": "A deduplicated assert answers 201 as if created; STG-QRY-001 / STG-CID-011: a dedup hit is "
        "200 with the existing record (CIDF write path).",
        "file": "api/facts.py",
        "find": "    return JSONResponse(written, 201 if created else 200)",
        "replace": "    return JSONResponse(written, 201)",
    },
]
