"""Blind mutant round 6: written from the seeds, the specs and the node's code, without reading the suite."""

ROUND = 6
MUTANTS: list[dict[str, str]] = [
    {
        "id": "b6-jcs-safe-integer-bound",
        "description": (
            "The safe-integer bound is off by one: 2**53 is kept as an integer instead of being read as the double it "
            "denotes, so canonical serialization of a value holding 9007199254740992 fails instead of giving the RFC "
            "8785 number (STG-JCS-004, RFC 8785 §3.2.2.3)."
        ),
        "file": "protocol/jcs.py",
        "find": "_SAFE_INTEGER = 2**53 - 1",
        "replace": "_SAFE_INTEGER = 2**53",
    },
    {
        "id": "b6-jcs-member-name-surrogate",
        "description": (
            "Only member values are walked for escaped unpaired surrogates, not member names, so a peer token whose "
            "claims hold a member name with an escaped lone surrogate is accepted, and a text with that fault and a "
            "duplicate name reports the duplicate (STG-JCS-006: rejected in any string or member name)."
        ),
        "file": "protocol/jcs.py",
        "find": "stack.extend(item.keys())",
        "replace": "stack.extend([])",
    },
    {
        "id": "b6-jcs-fault-order",
        "description": (
            "When a text has both a duplicate member name and an unpaired surrogate the duplicate is reported first, "
            "changing the error code a caller sees for the same input (STG-JCS-005, STG-JCS-006 fault precedence)."
        ),
        "file": "protocol/jcs.py",
        "find": "_FAULT_ORDER = (JcsInvalidJson, JcsLoneSurrogate, JcsDuplicateKey, JcsNumberOutOfRange)",
        "replace": "_FAULT_ORDER = (JcsInvalidJson, JcsDuplicateKey, JcsLoneSurrogate, JcsNumberOutOfRange)",
        "equivalent": (
            "Only changes which of several faults in one text is reported; RFC 8785 / RFC 7493 do not order them "
            "(interpretation register entry jcs_fault_order; as b1/b2 fault-order mutants)."
        ),
    },
    {
        "id": "b6-cid-interpret-as-hashed",
        "description": (
            "The jcs-6 preimage hashes the whole stored value, so interpret_as joins the CID when it is sent "
            "(STG-CID-002: value is {type, v} and nothing else; STG-CID-004/005 exactly the body fields)."
        ),
        "file": "protocol/cid.py",
        "find": 'value = {"type": fact.value["type"], "v": fact.value["v"]}',
        "replace": "value = dict(fact.value)",
    },
    {
        "id": "b6-cid-uppercase-hex-accepted",
        "description": (
            "Uppercase hex digits pass the CID syntax check, so GET /v1/facts/sha256:<UPPER> answers 404 "
            "fact_not_found instead of 400 cid_malformed (STG-CID-001, STG-CID-006: exactly 64 lowercase hex digits)."
        ),
        "file": "protocol/cid.py",
        "find": 'CID_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")',
        "replace": 'CID_PATTERN = re.compile(r"sha256:[0-9a-fA-F]{64}")',
    },
    {
        "id": "b6-cid-prefix-case-sensitive",
        "description": (
            "A path reference starting SHA256: is taken for a fact id and answered 404 instead of 400 cid_malformed "
            "(STG-CID-006, STG-CID-008 dual addressing)."
        ),
        "file": "api/facts.py",
        "find": 'if raw[:7].lower() == "sha256:":',
        "replace": 'if raw[:7] == "sha256:":',
        "equivalent": (
            "Only moves SHA256:<hex> (not the lowercase sha256: prefix CIDF names) from 400 cid_malformed to 404;"
            " interpretation cid_prefix_case accepts either (as b1/b4 prefix-case mutants)."
        ),
    },
    {
        "id": "b6-cid-dedup-ignores-valid-until",
        "description": (
            "Dedup matches on the CID alone, so re-asserting the same body with a different valid_until returns the "
            "old fact with 200 instead of writing a new one (STG-CID-011, interpretation cid_dedup: CID, valid_until, "
            "garden_id and interpret_as must all match)."
        ),
        "file": "storage/facts.py",
        "find": "f.cid = ? AND f.valid_until IS ? AND",
        "replace": "f.cid = ? AND (f.valid_until IS ? OR 1) AND",
    },
    {
        "id": "b6-hlc-counter-not-reset",
        "description": (
            "When the wall advances the counter keeps its old value instead of resetting to 0 (STG-HLC-003: local "
            "write, the counter resets when the wall advances)."
        ),
        "file": "protocol/hlc.py",
        "find": "counter = last.counter + 1 if wall == last.wall_ms else 0",
        "replace": "counter = last.counter + 1 if wall == last.wall_ms else last.counter",
    },
    {
        "id": "b6-hlc-future-bound-exclusive",
        "description": (
            "A remote HLC exactly max_future_skew ahead is rejected (STG-HLC-007: exactly the bound is accepted)."
        ),
        "file": "protocol/hlc.py",
        "find": "remote.wall_ms - now_ms > max_future_skew_ms:",
        "replace": "remote.wall_ms - now_ms >= max_future_skew_ms:",
    },
    {
        "id": "b6-hlc-past-bound-seconds",
        "description": (
            "The 30-day past bound is written in seconds where milliseconds are meant, so an inbound fact older than "
            "43 minutes is rejected as hlc_skew (STG-HLC-007, interpretation hlc_skew_bounds: 30 days behind)."
        ),
        "file": "protocol/hlc.py",
        "find": "DEFAULT_MAX_PAST_SKEW_MS = 2_592_000_000",
        "replace": "DEFAULT_MAX_PAST_SKEW_MS = 2_592_000",
    },
    {
        "id": "b6-uri-id-whitespace-not-collapsed",
        "description": (
            "Internal whitespace in the id segment of a formal URI is percent-encoded instead of collapsed to '-' "
            "(STG-URI-003: step 2, internal whitespace runs collapse to one '-')."
        ),
        "file": "protocol/entity_uri.py",
        "find": "    id_ = _collapse(id_, options.whitespace)\n",
        "replace": "",
    },
    {
        "id": "b6-uri-empty-id-accepted",
        "description": (
            "A formal URI with an empty id segment (stigmem://a/user/) is accepted (STG-URI-006: empty authority, type "
            "or id is rejected)."
        ),
        "file": "protocol/entity_uri.py",
        "find": "if not (slash1 and slash2 and authority and type_ and id_):",
        "replace": "if not (slash1 and slash2 and authority and type_):",
    },
    {
        "id": "b6-val-text-limit-exclusive",
        "description": (
            "A text value of exactly 65536 UTF-8 bytes is refused with 413 (STG-VAL-003/004: inline text up to 64 KB "
            "is accepted; only above the limit is 413)."
        ),
        "file": "protocol/values.py",
        "find": 'len(v.encode("utf-8")) > max_text_bytes',
        "replace": 'len(v.encode("utf-8")) >= max_text_bytes',
    },
    {
        "id": "b6-fact-zero-confidence-refused",
        "description": (
            "Confidence 0.0 is refused as invalid_confidence, so a retraction cannot be asserted (STG-FACT-001: "
            "confidence in [0.0, 1.0]; STG-CONF-010)."
        ),
        "file": "protocol/facts.py",
        "find": "if not (0 <= raw <= 1 and math.isfinite(raw)):",
        "replace": "if not (0 < raw <= 1 and math.isfinite(raw)):",
    },
    {
        "id": "b6-batch-fifty-refused",
        "description": (
            "A batch of exactly 50 facts is refused as batch_too_large (STG-BATCH-011, ADR-006: at most 50 facts)."
        ),
        "file": "api/facts.py",
        "find": "if len(items) > MAX_BATCH_FACTS:",
        "replace": "if len(items) >= MAX_BATCH_FACTS:",
    },
    {
        "id": "b6-batch-index-one-based",
        "description": (
            "failed_at_index counts from 1, naming the item after the failing one (STG-BATCH-002: 422 batch_failed "
            "names the zero-based index of the first failing item)."
        ),
        "file": "api/facts.py",
        "find": "raise _failed(index, exc.code, exc.detail)",
        "replace": "raise _failed(index + 1, exc.code, exc.detail)",
    },
    {
        "id": "b6-post-dedup-201",
        "description": (
            "A dedup hit answers 201 as if a fact had been created (STG-QRY-001, STG-CID-011: 200 with the existing "
            "record)."
        ),
        "file": "api/facts.py",
        "find": "return JSONResponse(written, 201 if created else 200)",
        "replace": "return JSONResponse(written, 201)",
    },
    {
        "id": "b6-batch-reused-key-other-body",
        "description": (
            "A replayed Idempotency-Key with a different body returns the first answer instead of 409 "
            "idempotency_key_reused (ADR-006; STG-BATCH-007)."
        ),
        "file": "storage/store.py",
        "find": "if row[0] != request_sha256:",
        "replace": "if row[0] is None:",
    },
    {
        "id": "b6-batch-header-key-ignored",
        "description": (
            "The Idempotency-Key header is ignored when the body has no idempotency_key, so a retried batch writes its "
            "facts twice (ADR-006, STG-BATCH-005/006)."
        ),
        "file": "api/facts.py",
        "find": "return in_header or None",
        "replace": "return None",
    },
    {
        "id": "b6-qry-limit-500-refused",
        "description": 'limit=500 is refused with 400 (STG-HTTP-012, docs "Queries": limit 1..500).',
        "file": "api/params.py",
        "find": "not 1 <= int(raw) <= MAX_LIMIT",
        "replace": "not 1 <= int(raw) < MAX_LIMIT",
    },
    {
        "id": "b6-qry-min-confidence-strict",
        "description": (
            "min_confidence excludes facts whose confidence equals it (STG-QRY-005: min_confidence is an inclusive "
            "lower bound)."
        ),
        "file": "storage/facts.py",
        "find": '"f.confidence >= ?"',
        "replace": '"f.confidence > ?"',
    },
    {
        "id": "b6-qry-cursor-repeats-row",
        "description": (
            "The next page starts at the last row of the previous one, so that row is served twice (STG-HTTP-011: "
            "keyset cursor, strictly after the position)."
        ),
        "file": "storage/facts.py",
        "find": '"(f.hlc, f.id) < (?, ?)"',
        "replace": '"(f.hlc, f.id) <= (?, ?)"',
    },
    {
        "id": "b6-qry-cursor-on-exact-last-page",
        "description": (
            "A page that holds exactly limit rows and is the last one still gets a cursor to an empty page "
            "(STG-HTTP-011/013: cursor null on the last page)."
        ),
        "file": "storage/store.py",
        "find": "        more = len(rows) > limit\n        records",
        "replace": "        more = len(rows) >= limit\n        records",
    },
    {
        "id": "b6-qry-total-carried-across-queries",
        "description": (
            "A cursor's carried total is used even when the cursor comes from a different query, so total is wrong for "
            "the new filters (STG-HTTP-013: total counts the query's matches after every filter)."
        ),
        "file": "api/params.py",
        "find": "total if tag == query_tag(query) else None",
        "replace": "total",
    },
    {
        "id": "b6-qry-entity-filter-raw",
        "description": (
            "The entity and source filters are not normalized, so entity=User:Alice finds nothing and a malformed one "
            "is not 400 invalid_entity_uri (STG-QRY-004, STG-URI-007: queries normalize before matching)."
        ),
        "file": "api/params.py",
        "find": "        return normalize(raw)\n",
        "replace": "        return raw\n",
    },
    {
        "id": "b6-scope-public-always-allowed",
        "description": (
            "A key is treated as holding public whatever its allowed_scopes, so a team-only key may write and filter "
            "on public (STG-SCOPE-001, STG-SCOPE-005)."
        ),
        "file": "api/auth.py",
        "find": "return scope in self.scopes",
        "replace": 'return scope in self.scopes or scope == "public"',
    },
    {
        "id": "b6-scope-empty-key-reads",
        "description": (
            "A key with an empty allowed_scopes gets 200 with no facts on GET /v1/facts instead of 403 scope_forbidden "
            "(STG-SCOPE-006: no allowed scope means no access at all)."
        ),
        "file": "api/params.py",
        "find": "    if not identity.scopes:\n        # STG-SCOPE-006",
        "replace": "    if identity.scopes is None:\n        # STG-SCOPE-006",
        "equivalent": (
            "Only turns the 403 on a global query by a key with no allowed scope into 200 with no facts: no fact "
            "leaks either way (as b1-auth-empty-scopes-200)."
        ),
    },
    {
        "id": "b6-scope-verify-cid-unscoped",
        "description": (
            "verify-cid ignores the key's scopes, so a fact in another scope is answered 200 instead of 404 "
            "(STG-SCOPE-004, applied on GET by id but not on verify-cid)."
        ),
        "file": "api/facts.py",
        "find": ('answer = store.verify_cid(ref, identity.scope_filter if identity.scopes else'
                 ' (), identity.reader)'),
        "replace": 'answer = store.verify_cid(ref, None, identity.reader)',
    },
    {
        "id": "b6-keys-empty-scopes-means-all",
        "description": (
            "A key created with allowed_scopes [] gets all four scopes instead of none (STG-AUTH-003, STG-SCOPE-006: "
            "an empty list means no access)."
        ),
        "file": "api/keys.py",
        "find": "scopes = SCOPES if allowed_scopes is None else",
        "replace": "scopes = SCOPES if not allowed_scopes else",
    },
    {
        "id": "b6-keys-grant-beyond-scopes",
        "description": (
            "An admin key bounded to some scopes may create, list and revoke keys for other scopes (STG-SCOPE-022: a "
            "key grants only permissions and scopes it holds itself)."
        ),
        "file": "api/auth.py",
        "find": "return set(permissions) <= held and set(scopes) <= set(self.scopes)",
        "replace": "return set(permissions) <= held",
    },
    {
        "id": "b6-conf-ref-raw-equality",
        "description": (
            "Ref values are compared as sent, so refs differing only in case contradict (STG-CONF-001, interpretation "
            "value_equality = canonical: refs are compared normalized)."
        ),
        "file": "protocol/values.py",
        "find": "return _normalized_ref(va, uri_options) == _normalized_ref(vb, uri_options)",
        "replace": "return va == vb",
    },
    {
        "id": "b6-conf-tie-older-wins",
        "description": (
            "Among contradicted facts with equal confidence the older HLC is preferred at query time (STG-CONF-005, "
            "STG-QRY-012: higher confidence, then higher HLC)."
        ),
        "file": "storage/facts.py",
        "find": "g.confidence = f.confidence AND g.hlc > f.hlc",
        "replace": "g.confidence = f.confidence AND g.hlc < f.hlc",
    },
    {
        "id": "b6-conf-already-resolved-422",
        "description": (
            "Resolving a resolved conflict answers 422 invalid_resolution instead of 409 conflict_already_resolved "
            "(STG-CONF-013)."
        ),
        "file": "storage/ledger.py",
        "find": 'raise StoreError("conflict_already_resolved", f"{conflict_id} is already resolved")\n    if (winning',
        "replace": 'raise StoreError("invalid_resolution", f"{conflict_id} is already resolved")\n    if (winning',
    },
    {
        "id": "b6-conf-flag-survives-resolution",
        "description": (
            "Resolving a conflict leaves both facts flagged contradicted and hidden from default queries "
            "(STG-CONF-011: contradicted means in an unresolved conflict)."
        ),
        "file": "storage/conflicts.py",
        "find": 'conn.execute("DELETE FROM open_conflict_facts WHERE conflict_id = ?", (conflict_id,))',
        "replace": 'conn.execute("SELECT ? IS NULL", (conflict_id,))',
    },
    {
        "id": "b6-conf-resolve-other-scope",
        "description": (
            "A key may resolve a conflict in a scope it does not hold (STG-SCOPE-007, STG-CONF-012: such a conflict is "
            "404 conflict_not_found)."
        ),
        "file": "storage/ledger.py",
        "find": "if conflict is None or (scopes is not None and conflict.scope not in scopes):",
        "replace": "if conflict is None:",
    },
    {
        "id": "b6-exp-boundary-inclusive",
        "description": (
            "A fact is still visible at the instant now == valid_until (STG-EXP-001/004: expired iff now >= "
            "valid_until, interpretation expiry_boundary = exclusive)."
        ),
        "file": "storage/facts.py",
        "find": 'clauses.append("(f.valid_until_us IS NULL OR f.valid_until_us > ?)")',
        "replace": 'clauses.append("(f.valid_until_us IS NULL OR f.valid_until_us >= ?)")',
        "equivalent": (
            "Differs only when a read runs in the very microsecond a valid_until names; the node exposes no clock"
            " a client could pin to that instant (as the expiry-boundary mutants of rounds 1-5)."
        ),
    },
    {
        "id": "b6-exp-offset-sign",
        "description": (
            "RFC 3339 offsets are applied with the wrong sign, so valid_until and after given with +hh:mm denote "
            "another instant (STG-EXP-005: instants compare by what they denote, whatever the offset; RFC 3339 §4.2)."
        ),
        "file": "clock.py",
        "find": 'seconds -= offset if match.group(8) == "+" else -offset',
        "replace": 'seconds += offset if match.group(8) == "+" else -offset',
    },
    {
        "id": "b6-exp-bad-valid-until-400",
        "description": (
            "A malformed valid_until answers 400 invalid_parameter instead of 422 invalid_body (STG-EXP-008)."
        ),
        "file": "api/bodies.py",
        "find": 'raise ApiError("invalid_body", "valid_until must be an RFC 3339 date-time or null")',
        "replace": 'raise ApiError("invalid_parameter", "valid_until must be an RFC 3339 date-time or null")',
        "equivalent": (
            "Interpretation error_envelope accepts 400 or 422 for generic validation; no source fixes one status "
            "for a malformed valid_until."
        ),
    },
    {
        "id": "b6-err-entity-uri-422",
        "description": 'invalid_entity_uri answers 422 instead of 400 (STG-URI-010, docs "Errors").',
        "file": "api/errors.py",
        "find": '"invalid_entity_uri": 400,',
        "replace": '"invalid_entity_uri": 422,',
    },
    {
        "id": "b6-err-detail-dropped",
        "description": (
            "Error bodies carry no detail member (STG-HTTP-002, interpretation error_envelope: {error, detail})."
        ),
        "file": "api/errors.py",
        "find": 'body = printable({"error": self.code, "detail": self.detail, **self.extra})',
        "replace": 'body = printable({"error": self.code, **self.extra})',
    },
    {
        "id": "b6-err-push-404",
        "description": (
            "POST /v1/federation/facts/push answers 404 instead of 405 (STG-FED-040, interpretation push_support = "
            "absent)."
        ),
        "file": "api/federation.py",
        "find": (
            'raise ApiError("method_not_allowed", "push replication is not supported; pull GET /v1/federation/facts",'
        ),
        "replace": 'raise ApiError("not_found", "push replication is not supported; pull GET /v1/federation/facts",',
        "equivalent": (
            "STG-FED-040 allows a node without push to answer 405 on the push route or to leave push out of "
            "discovery; the reference node advertises push null, so 404 is allowed."
        ),
    },
    {
        "id": "b6-disc-auth-constant",
        "description": (
            "Discovery says auth required even when the node runs with --auth none (STG-AUTH-006: auth says what the "
            "node enforces)."
        ),
        "file": "api/discovery.py",
        "find": '"auth": settings.auth,',
        "replace": '"auth": "required",',
    },
    {
        "id": "b6-disc-push-advertised",
        "description": (
            "Discovery advertises a push endpoint the node does not serve (STG-HTTP-009, STG-HTTP-008: push null)."
        ),
        "file": "api/discovery.py",
        "find": '"push": None}',
        "replace": '"push": "/v1/federation/facts/push"}',
    },
    {
        "id": "b6-fed-token-lifetime-hour-refused",
        "description": (
            "A peer token living exactly one hour is refused token_lifetime_exceeded (STG-TOK-002: exp <= iat + 1 h)."
        ),
        "file": "protocol/peer_tokens.py",
        "find": 'if claims["exp"] - claims["iat"] > max_lifetime_ms:',
        "replace": 'if claims["exp"] - claims["iat"] >= max_lifetime_ms:',
    },
    {
        "id": "b6-fed-token-audience-unchecked",
        "description": (
            "The audience check compares iss instead of sub, so a token minted for another node is accepted "
            "(STG-TOK-004: sub is the receiver's node id)."
        ),
        "file": "protocol/peer_tokens.py",
        "find": 'if claims["sub"] != audience:',
        "replace": 'if claims["iss"] == audience:',
    },
    {
        "id": "b6-fed-team-federated",
        "description": (
            "team facts are served to and ingested from a peer that declared team (STG-FED-024/025, STG-FED-035: local "
            "and team are never federated)."
        ),
        "file": "protocol/replication.py",
        "find": 'NEVER_FEDERATED = frozenset({"local", "team"})',
        "replace": 'NEVER_FEDERATED = frozenset({"local"})',
    },
    {
        "id": "b6-fed-pull-cursor-inclusive",
        "description": (
            "A pull page starts at the last fact of the previous page, serving it again (STG-FED-020/021: the cursor "
            "is the position after the last fact served)."
        ),
        "file": "storage/replication.py",
        "find": '"(f.local_hlc, f.id) > (?, ?)"',
        "replace": '"(f.local_hlc, f.id) >= (?, ?)"',
    },
    {
        "id": "b6-fed-empty-page-drops-cursor",
        "description": (
            "An empty pull page answers cursor null instead of echoing the caller's cursor, so the next pull restarts "
            'from the beginning (docs "Pull replication"; STG-FED-020).'
        ),
        "file": "api/federation.py",
        "find": "else (raw_cursor or None)",
        "replace": "else None",
    },
    {
        "id": "b6-fed-informal-source-owned",
        "description": (
            "An inbound fact whose source is an informal URI (agent:writer) is taken as owned by the peer and ingested "
            "(STG-FED-036, interpretation source_ownership = authority)."
        ),
        "file": "protocol/replication.py",
        "find": "return peer_authority is not None and authority(source) == peer_authority",
        "replace": "return peer_authority is not None and authority(source) in (peer_authority, None)",
    },
    {
        "id": "b6-fed-undeclared-scope-ingested",
        "description": (
            "An inbound fact in a scope the peer did not declare is ingested (STG-FED-034: scope_violation)."
        ),
        "file": "protocol/replication.py",
        "find": "if scope in NEVER_FEDERATED or scope not in declared_scopes:",
        "replace": "if scope in NEVER_FEDERATED:",
    },
    {
        "id": "b6-fed-pending-peer-pulls",
        "description": (
            "A peer still pending_approval may pull (STG-FED-001, STG-FED-008: only an active peer's token is "
            "accepted)."
        ),
        "file": "api/peer_auth.py",
        "find": 'if peer is None or peer.status != "active":',
        "replace": 'if peer is None or peer.status == "rejected":',
        "equivalent": (
            "Peers are pending only on a node started with --peer-approval; killed under that configuration by "
            "federation:pending_peer_refused (tests/mutants/run.py --config peer-approval)."
        ),
    },
    {
        "id": "b6-fed-ingest-cid-unchecked",
        "description": (
            "An inbound fact whose cid does not match its body is ingested (STG-CID-013: recompute and reject "
            "mismatches as cid_mismatch)."
        ),
        "file": "protocol/replication.py",
        "find": 'if raw.get("cid") != computed:',
        "replace": 'if raw.get("cid") is None:',
    },
    {
        "id": "b6-rob-size-cut-page-no-cursor",
        "description": (
            "A query page cut short by the response size bound carries no cursor, so the facts beyond the cut are "
            "never reachable (STG-ROB-005)."
        ),
        "file": "storage/store.py",
        "find": "        more, rows = more or kept < len(records), rows[:kept]\n        following",
        "replace": "        more, rows = more, rows[:kept]\n        following",
    },
    {
        "id": "b6-rob-body-limit-inclusive",
        "description": (
            "A body whose Content-Length equals the limit is refused 413 body_too_large (STG-VAL-004: only a body "
            "above the limit is 413)."
        ),
        "file": "api/bodies.py",
        "find": "if declared.isdigit() and int(declared) > limit:",
        "replace": "if declared.isdigit() and int(declared) >= limit:",
        "equivalent": (
            "The request body limit is the node's own configuration, advertised nowhere and fixed by no source "
            "(as b4/b5 body-limit mutants)."
        ),
    },
    {
        "id": "b6-rob-header-bytes-unbounded",
        "description": (
            "Request headers may total 64 MiB instead of 64 KiB, so an oversized header block is buffered and served "
            "instead of refused (STG-ROB-004: the headers of one request are bounded in bytes)."
        ),
        "file": "settings.py",
        "find": "DEFAULT_MAX_HEADER_BYTES = 64 * 1024",
        "replace": "DEFAULT_MAX_HEADER_BYTES = 64 * 1024 * 1024",
    },
]
