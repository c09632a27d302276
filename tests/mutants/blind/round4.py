"""Blind mutant round 4: written from the seeds, the specs and the node's code, without reading the suite."""

ROUND = 4
MUTANTS: list[dict[str, str]] = [
    # ------------------------------------------------------------------ RFC 8785 JCS
    {
        "id": "b4-jcs-bigint-kept-exact",
        "description": "Integers beyond 2**53-1 are passed to the serializer as exact integers instead of the "
        "IEEE doubles they denote (RFC 8785 §3.2.2.3, I-JSON RFC 7493 §2.2; STG-JCS-007): a FactValue number "
        "9007199254740993 is no longer canonicalized as 9007199254740992 and the write fails with a 5xx.",
        "file": "protocol/jcs.py",
        "find": "            return float(value)\n        except OverflowError",
        "replace": "            return value\n        except OverflowError",
        "requirements": ["STG-JCS-007", "STG-HTTP-003"],
    },
    {
        "id": "b4-jcs-surrogate-range-off-by-one",
        "description": "The lone-surrogate test stops one code point short of the surrogate block (U+DFFF is "
        "not recognized), so an escaped \\udfff passes the I-JSON check (RFC 7493 §2.1; STG-JCS-006) and is "
        "refused later with the wrong error, or a 5xx on POST /v1/facts.",
        "file": "protocol/jcs.py",
        "find": "0xD800 <= ord(ch) <= 0xDFFF",
        "replace": "0xD800 <= ord(ch) < 0xDFFF",
        "requirements": ["STG-JCS-006"],
    },
    {
        "id": "b4-jcs-nan-token-parsed-as-number",
        "description": "The NaN/Infinity tokens are read as numbers instead of being refused as invalid JSON "
        "(RFC 8259 §6 has no such tokens; STG-JCS-005): canonicalizing `NaN` now reports "
        "jcs_number_out_of_range rather than jcs_invalid_json.",
        "file": "protocol/jcs.py",
        "find": "        faults.append(JcsInvalidJson(f\"{token} is not a JSON token\"))",
        "replace": "        return float(token)  # type: ignore[return-value]",
        "requirements": ["STG-JCS-005"],
    },
    {
        "id": "b4-jcs-integral-double-as-int",
        "description": "Integral doubles are turned into Python integers before serialization, so 1e21 or 1e300 "
        "(valid doubles RFC 8785 §3.2.2.3 serializes as 1e+21 / 1e+300) are rejected as out of the integer domain "
        "(STG-JCS-003/007).",
        "file": "protocol/jcs.py",
        "find": "            raise JcsNumberOutOfRange(f\"{value} is not a finite double\")\n        return value",
        "replace": "            raise JcsNumberOutOfRange(f\"{value} is not a finite double\")\n"
        "        return int(value) if value.is_integer() else value",
        "requirements": ["STG-JCS-003", "STG-JCS-007"],
    },
    # ------------------------------------------------------------------ content-addressed ids
    {
        "id": "b4-cid-interpret-as-in-preimage",
        "description": "The CID preimage's value carries interpret_as when it was sent, not just {type, v}; the "
        "seed (Migrating §25) fixes the canonical body to exactly six fields with value {type, v} (STG-CID-002/004).",
        "file": "protocol/cid.py",
        "find": "        value = {\"type\": fact.value[\"type\"], \"v\": fact.value[\"v\"]}",
        "replace": "        value = dict(fact.value)",
        "requirements": ["STG-CID-002", "STG-CID-004"],
    },
    {
        "id": "b4-cid-scope-dropped",
        "description": "scope is left out of the CID preimage (five fields instead of the seed's six: entity, "
        "relation, value, scope, source, confidence; STG-CID-002), so the same statement in two scopes shares one "
        "CID and deduplicates across scopes.",
        "file": "protocol/cid.py",
        "find": "        \"scope\": fact.scope,\n",
        "replace": "",
        "requirements": ["STG-CID-002", "STG-CID-005"],
    },
    {
        "id": "b4-cid-uppercase-hex",
        "description": "The write path stamps CIDs with uppercase hex; the format is \"sha256:\" + "
        "hex_lowercase(SHA-256(...)) (seed Migrating §25; CIDF §CID Format; STG-CID-001).",
        "file": "storage/ledger.py",
        "find": "NewFact(body, cid_rules.of_body(body), origin=origin",
        "replace": "NewFact(body, \"sha256:\" + cid_rules.of_body(body)[7:].upper(), origin=origin",
        "requirements": ["STG-CID-001"],
    },
    {
        "id": "b4-cid-uppercase-hex-accepted",
        "description": "CID syntax accepts uppercase hex digits, so GET /v1/facts/sha256:<UPPER> answers 404 "
        "instead of 400 cid_malformed (CIDF: exactly 64 lowercase hex; STG-CID-006).",
        "file": "protocol/cid.py",
        "find": "CID_PATTERN = re.compile(r\"sha256:[0-9a-f]{64}\")",
        "replace": "CID_PATTERN = re.compile(r\"sha256:[0-9a-fA-F]{64}\")",
        "requirements": ["STG-CID-006"],
    },
    {
        "id": "b4-cid-prefix-case-sensitive",
        "description": "Dual addressing recognizes only a lowercase \"sha256:\" prefix; \"SHA256:...\" is looked up "
        "as a fact id (404 fact_not_found) instead of being refused as a malformed CID (400 cid_malformed, "
        "STG-CID-006).",
        "file": "api/facts.py",
        "find": "if raw[:7].lower() == \"sha256:\":",
        "replace": "if raw[:7] == \"sha256:\":",
        "requirements": ["STG-CID-006"],
        "equivalent": (
            "Only moves SHA256:<hex> (not the lowercase sha256: prefix CIDF names) from 400 cid_malformed to 404 "
            "fact_not_found; interpretation cid_prefix_case accepts either, as for b1-cid-prefix-case."
        ),
    },
    {
        "id": "b4-cid-lookup-latest-fact",
        "description": "GET /v1/facts/{cid} returns the newest fact carrying the CID instead of the earliest "
        "(CIDF dual addressing; STG-CID-008), visible when the same body was asserted with two valid_until values.",
        "file": "storage/facts.py",
        "find": "\"WHERE a.cid = ? ORDER BY f.seq LIMIT 1\"",
        "replace": "\"WHERE a.cid = ? ORDER BY f.seq DESC LIMIT 1\"",
        "requirements": ["STG-CID-008"],
    },
    {
        "id": "b4-cid-verify-field-renamed",
        "description": "POST /v1/facts/{id}/verify-cid answers `valid` instead of `cid_valid` (CIDF §verify-cid: "
        "{cid_valid, computed_cid, stored_cid}; STG-CID-009).",
        "file": "storage/store.py",
        "find": "\"cid_valid\": computed is not None and computed == stored,",
        "replace": "\"valid\": computed is not None and computed == stored,",
        "requirements": ["STG-CID-009"],
    },
    # ------------------------------------------------------------------ hybrid logical clock
    {
        "id": "b4-hlc-counter-unpadded",
        "description": "The HLC counter is written without zero padding (\"1746230400000.9\"), the upstream "
        "divergence: Spec-01 §HLC pads it to 3 digits so string order equals causal order (STG-HLC-001/002).",
        "file": "protocol/hlc.py",
        "find": "return f\"{hlc.wall_ms:013d}.{hlc.counter:03d}\"",
        "replace": "return f\"{hlc.wall_ms:013d}.{hlc.counter}\"",
        "requirements": ["STG-HLC-001", "STG-HLC-002"],
    },
    {
        "id": "b4-hlc-counter-not-reset",
        "description": "A local tick keeps the old counter when the wall advances instead of resetting it to 0 "
        "(Spec-01 §HLC rule 1, implied reset; golden step 3 expects 1746230400001.000; STG-HLC-003).",
        "file": "protocol/hlc.py",
        "find": "counter = last.counter + 1 if wall == last.wall_ms else 0",
        "replace": "counter = last.counter + 1 if wall == last.wall_ms else last.counter",
        "requirements": ["STG-HLC-003"],
    },
    {
        "id": "b4-hlc-tick-follows-clock-back",
        "description": "A local tick takes the wall from the physical clock alone, not max(now_ms, last wall), so "
        "the HLC goes backwards when the clock does (Spec-01 §HLC rule 1; STG-HLC-003/012).",
        "file": "protocol/hlc.py",
        "find": "    wall = max(now_ms, last.wall_ms)\n",
        "replace": "    wall = now_ms\n",
        "requirements": ["STG-HLC-003", "STG-HLC-012"],
    },
    {
        "id": "b4-hlc-overflow-at-999",
        "description": "The counter carries into the next millisecond when it reaches 999 rather than when it "
        "passes 999 (A08 §2.4 counter overflow; STG-HLC-011): counter 999 is never issued.",
        "file": "protocol/hlc.py",
        "find": "if counter > _COUNTER_MAX and overflow == \"carry\":",
        "replace": "if counter >= _COUNTER_MAX and overflow == \"carry\":",
        "requirements": ["STG-HLC-011"],
    },
    {
        "id": "b4-hlc-future-skew-bound-inclusive",
        "description": "A remote HLC exactly 300000 ms ahead is rejected; the reference bound rejects only when "
        "remote_wall - now > bound (Spec-12 §Inbound Bound; TM R-19; STG-HLC-007).",
        "file": "protocol/hlc.py",
        "find": "remote.wall_ms - now_ms > max_future_skew_ms",
        "replace": "remote.wall_ms - now_ms >= max_future_skew_ms",
        "requirements": ["STG-HLC-007"],
    },
    {
        "id": "b4-hlc-past-skew-seconds-as-ms",
        "description": "The 30-day past bound is written as 2592000 (the seconds figure) but read as "
        "milliseconds, so facts older than 43 minutes are refused as past skew (Spec-12; TM R-19 "
        "federation_hlc_max_past_skew_s = 2592000 s; STG-HLC-007).",
        "file": "protocol/hlc.py",
        "find": "DEFAULT_MAX_PAST_SKEW_MS = 2_592_000_000",
        "replace": "DEFAULT_MAX_PAST_SKEW_MS = 2_592_000",
        "requirements": ["STG-HLC-007"],
    },
    {
        "id": "b4-hlc-receive-ignores-local-wall",
        "description": "Receive takes max(now, received wall) literally and forgets the local wall, so a receive "
        "after a far-ahead local tick moves the clock backwards (Spec-01 §HLC rule 2 with A08 §6.3 "
        "max(local, remote); STG-HLC-004/012).",
        "file": "protocol/hlc.py",
        "find": "wall = max(now_ms, remote.wall_ms, last.wall_ms if last else now_ms)",
        "replace": "wall = max(now_ms, remote.wall_ms)",
        "requirements": ["STG-HLC-004", "STG-HLC-012"],
    },
    {
        "id": "b4-hlc-receive-tie-local-counter",
        "description": "When local wall, remote wall and the new wall coincide, the counter is local+1 instead of "
        "max(local, remote)+1 (Kulkarni receive, Spec-01 §HLC; STG-HLC-004): the result can fall below the remote.",
        "file": "protocol/hlc.py",
        "find": "counter = max(last.counter, remote.counter) + 1",
        "replace": "counter = last.counter + 1",
        "requirements": ["STG-HLC-004"],
    },
    {
        "id": "b4-hlc-parse-short-wall",
        "description": "HLC parsing accepts a 12-digit wall; Spec-01 §HLC requires exactly 13 zero-padded "
        "digits and a malformed HLC must be refused (STG-HLC-013).",
        "file": "protocol/hlc.py",
        "find": "rf\"\\d{{13}}\\.\\d{{{counter_digits}}}\"",
        "replace": "rf\"\\d{{12,13}}\\.\\d{{{counter_digits}}}\"",
        "requirements": ["STG-HLC-013"],
    },
    {
        "id": "b4-hlc-compare-flipped",
        "description": "HLC comparison returns the reverse order (Spec-01 §HLC: a precedes b iff a.hlc < b.hlc; "
        "STG-HLC-002).",
        "file": "protocol/hlc.py",
        "find": "return (a > b) - (a < b)",
        "replace": "return (a < b) - (a > b)",
        "requirements": ["STG-HLC-002"],
    },
    # ------------------------------------------------------------------ entity URIs
    {
        "id": "b4-uri-authority-case-kept",
        "description": "The authority of a formal stigmem:// URI keeps its case; Spec-01 §Entity Naming Rules "
        "step 3 lowercases scheme, authority, type and id (STG-URI-004).",
        "file": "protocol/entity_uri.py",
        "find": "return f\"{_FORMAL_PREFIX}{authority.lower()}/{type_}/{id_}\"",
        "replace": "return f\"{_FORMAL_PREFIX}{authority}/{type_}/{id_}\"",
        "requirements": ["STG-URI-004"],
    },
    {
        "id": "b4-uri-whitespace-runs-not-collapsed",
        "description": "Each whitespace character becomes its own '-', so \"Alice  Smith\" normalizes to "
        "alice--smith; Spec-01 step 2 collapses a run of internal whitespace to a single '-' (STG-URI-003).",
        "file": "protocol/entity_uri.py",
        "find": r'{"ascii-all-segments": re.compile(r"[\t\n\v\f\r ]+")',
        "replace": r'{"ascii-all-segments": re.compile(r"[\t\n\v\f\r ]")',
        "requirements": ["STG-URI-003"],
    },
    {
        "id": "b4-uri-reserved-escape-case-kept",
        "description": "Percent-escapes of reserved characters keep lowercase hex (%2f) instead of being "
        "uppercased (RFC 3986 §6.2.2.1, Spec-01 step 4; STG-URI-005), so two spellings of one URI differ.",
        "file": "protocol/entity_uri.py",
        "find": "\"%\" + segment[i + 1 : i + 3].upper()",
        "replace": "\"%\" + segment[i + 1 : i + 3]",
        "requirements": ["STG-URI-005", "STG-URI-008"],
    },
    {
        "id": "b4-uri-final-escape-missed",
        "description": "A percent-escape in the last three characters of a path segment is not recognized (off "
        "by one at the segment end), so \"al%49\" becomes \"al%2549\" instead of \"ali\" (Spec-01 step 4, RFC 3986 "
        "§2.3 unreserved decoding; STG-URI-005).",
        "file": "protocol/entity_uri.py",
        "find": "i + 2 < len(segment)",
        "replace": "i + 3 < len(segment)",
        "requirements": ["STG-URI-005"],
    },
    {
        "id": "b4-uri-empty-id-accepted",
        "description": "A formal URI with an empty id segment (stigmem://a/user/) is accepted; Spec-01 and A08 "
        "§2.6 reject empty authority, type or id (STG-URI-006).",
        "file": "protocol/entity_uri.py",
        "find": "if not (slash1 and slash2 and authority and type_ and id_):",
        "replace": "if not (slash1 and slash2 and authority and type_):",
        "requirements": ["STG-URI-006"],
    },
    {
        "id": "b4-uri-informal-case-kept",
        "description": "Informal URIs (user:Alice) are not lowercased, against the Spec-01 golden vector "
        "user:Alice Smith -> user:alice-smith (Spec-01 step 3; STG-URI-004, STG-URI-009).",
        "file": "protocol/entity_uri.py",
        "find": "return _collapse(text.lower(), options.whitespace)",
        "replace": "return _collapse(text, options.whitespace)",
        "requirements": ["STG-URI-004", "STG-URI-009"],
    },
    {
        "id": "b4-uri-trailing-whitespace-kept",
        "description": "Only leading whitespace is trimmed, so \"user:alice \" normalizes to \"user:alice-\" "
        "(Spec-01 step 1 trims leading and trailing whitespace; STG-URI-002).",
        "file": "protocol/entity_uri.py",
        "find": "    text = _trim(uri, options.whitespace)\n",
        "replace": "    text = uri.lstrip(_ASCII_WHITESPACE)\n",
        "requirements": ["STG-URI-002"],
    },
    # ------------------------------------------------------------------ FactValue validation
    {
        "id": "b4-val-text-limit-inclusive",
        "description": "A text value of exactly 65536 UTF-8 bytes is refused 413; the limit is inclusive "
        "(Spec-01 §FactValue inline text <= 64 KB; STG-VAL-004).",
        "file": "protocol/values.py",
        "find": "> max_text_bytes:",
        "replace": ">= max_text_bytes:",
        "requirements": ["STG-VAL-003", "STG-VAL-004"],
    },
    {
        "id": "b4-val-text-limit-in-characters",
        "description": "The text limit counts characters instead of UTF-8 bytes, so 65536 multi-byte characters "
        "(far above 64 KiB) are accepted (interpretation text_limit counts bytes; STG-VAL-004).",
        "file": "protocol/values.py",
        "find": "len(v.encode(\"utf-8\"))",
        "replace": "len(v)",
        "requirements": ["STG-VAL-004"],
    },
    {
        "id": "b4-val-leap-year-century",
        "description": "The datetime check uses the Julian leap rule (every 4th year), so 1900-02-29 is accepted as "
        "an RFC 3339 date (RFC 3339 Appendix C; STG-VAL-002).",
        "file": "protocol/values.py",
        "find": "leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)",
        "replace": "leap = year % 4 == 0",
        "requirements": ["STG-VAL-002"],
    },
    {
        "id": "b4-val-leap-second-rejected",
        "description": "A leap second (:60) is refused; RFC 3339 §5.6/§5.7 allows time-second 60, for datetime "
        "values, valid_until and the after filter alike (STG-VAL-002, STG-EXP-008).",
        "file": "protocol/values.py",
        "find": "or second > 60:",
        "replace": "or second > 59:",
        "requirements": ["STG-VAL-002"],
    },
    {
        "id": "b4-val-number-accepts-boolean",
        "description": "A number FactValue accepts true/false (Python bool is an int), so {type: number, v: true} "
        "is stored; Spec-01 §FactValue requires v to agree with type (STG-VAL-002).",
        "file": "protocol/values.py",
        "find": "    if isinstance(v, bool) or not isinstance(v, int | float):\n        return False",
        "replace": "    if not isinstance(v, int | float):\n        return False",
        "requirements": ["STG-VAL-002"],
    },
    {
        "id": "b4-val-interpret-as-typo",
        "description": "interpret_as accepts \"instructions\" and refuses the spec's \"instruction\" (Spec-13 "
        "§Interpretation Metadata: content | instruction; STG-VAL-006).",
        "file": "protocol/values.py",
        "find": "INTERPRET_AS = frozenset({\"content\", \"instruction\"})",
        "replace": "INTERPRET_AS = frozenset({\"content\", \"instructions\"})",
        "requirements": ["STG-VAL-006"],
    },
    {
        "id": "b4-val-ref-equality-raw",
        "description": "Ref values are compared as sent, not normalized, so user:Alice and user:alice refs are a "
        "contradiction (Spec-15 §Contradiction compares canonical values, STG-CONF-003; interpretation "
        "value_equality=canonical).",
        "file": "protocol/values.py",
        "find": "return _normalized_ref(va, uri_options) == _normalized_ref(vb, uri_options)",
        "replace": "return va == vb",
        "requirements": ["STG-CONF-001", "STG-CONF-003"],
    },
    # ------------------------------------------------------------------ fact posting
    {
        "id": "b4-post-dedup-answers-201",
        "description": "A deduplicated assert answers 201 Created instead of 200 with the existing record "
        "(CIDF write path dedup; interpretation cid_dedup; STG-CID-011, STG-QRY-001).",
        "file": "api/facts.py",
        "find": "return JSONResponse(written, 201 if created else 200)",
        "replace": "return JSONResponse(written, 201)",
        "requirements": ["STG-CID-011", "STG-QRY-001"],
    },
    {
        "id": "b4-post-dedup-leaks-timestamp",
        "description": "The content-only dedup answer to a key without read also shows the existing fact's "
        "timestamp (interpretation dedup_answer_without_read; STG-SCOPE-023).",
        "file": "storage/ledger.py",
        "find": "\"valid_until\", \"cid\")",
        "replace": "\"valid_until\", \"cid\", \"timestamp\")",
        "requirements": ["STG-SCOPE-023"],
    },
    {
        "id": "b4-post-zero-confidence-rejected",
        "description": "confidence 0.0 is refused (range read as (0, 1]); Spec-01 gives [0.0, 1.0] and 0.0 is the "
        "retraction (Spec-03 §Retract Fact; STG-FACT-001).",
        "file": "protocol/facts.py",
        "find": "if not (0 <= raw <= 1 and math.isfinite(raw)):",
        "replace": "if not (0 < raw <= 1 and math.isfinite(raw)):",
        "requirements": ["STG-FACT-001"],
    },
    {
        "id": "b4-post-confidence-boolean",
        "description": "confidence true is accepted as 1 (Python bool is an int); Spec-01 confidence is a float in "
        "[0, 1] and a boolean is not a number (STG-FACT-001).",
        "file": "protocol/facts.py",
        "find": "if isinstance(raw, bool) or not isinstance(raw, int | float):",
        "replace": "if not isinstance(raw, int | float):",
        "requirements": ["STG-FACT-001"],
    },
    {
        "id": "b4-post-body-limit-inclusive",
        "description": "A body whose Content-Length is exactly the 1 MiB limit is refused 413 (off by one at the "
        "bound; STG-HTTP-003, body_too_large above the limit only).",
        "file": "api/bodies.py",
        "find": "if declared.isdigit() and int(declared) > limit:",
        "replace": "if declared.isdigit() and int(declared) >= limit:",
        "requirements": ["STG-HTTP-003"],
        "equivalent": (
            "The request body limit is the node's own configuration (1 MiB by default), advertised nowhere and "
            "fixed by no source; a black-box suite cannot know where a node's bound lies. The rule with a number,"
            " the text limit and its 413 (STG-VAL-004), is checked."
        ),
    },
    {
        "id": "b4-post-reserved-relation-case",
        "description": "The reserved-namespace check on client writes is case-sensitive, so Stigmem:Conflict:status "
        "is writable by a client (Spec-16 reserved stigmem: namespace; STG-NS-002).",
        "file": "protocol/namespaces.py",
        "find": "    folded = relation.casefold()\n",
        "replace": "    folded = relation\n",
        "requirements": ["STG-NS-002"],
        "equivalent": (
            "Relations are case-sensitive and never normalized (Spec-01; the CID hashes their case), and the "
            "reserved prefixes of interpretation reserved_namespace are lowercase literals: "
            "Stigmem:Conflict:status is another relation, which the node's own accounting never reads. The "
            "reference node's case folding is stricter than the reading requires."
        ),
    },
    {
        "id": "b4-post-empty-relation",
        "description": "An empty relation string is accepted on assert; a relation is a required namespaced "
        "string (Spec-01 §Atomic Fact Shape; STG-FACT-007).",
        "file": "api/bodies.py",
        "find": "text(body[\"relation\"], \"relation\")",
        "replace": "text(body[\"relation\"], \"relation\", empty=True)",
        "requirements": ["STG-FACT-007"],
    },
    {
        "id": "b4-post-system-subsource-allowed",
        "description": "Only the exact source system:stigmem is reserved; system:stigmem:anything can be written "
        "by a client, forging node accounting (Spec-16; interpretation reserved_namespace; STG-NS-003).",
        "file": "api/bodies.py",
        "find": "if fact.source == SYSTEM_SOURCE or fact.source.startswith(SYSTEM_SOURCE + \":\"):",
        "replace": "if fact.source == SYSTEM_SOURCE:",
        "requirements": ["STG-NS-003"],
        "equivalent": (
            "STG-NS-003 reserves the system:stigmem identity itself; no source reserves identities below it "
            "(system:stigmem:x is another informal URI), so refusing them is the reference node's extension."
        ),
    },
    {
        "id": "b4-post-timestamp-no-fraction",
        "description": "Node timestamps drop the six fraction digits (YYYY-MM-DDTHH:MM:SSZ); the chosen format is "
        "YYYY-MM-DDTHH:MM:SS.ffffffZ (interpretation timestamp_format; STG-FACT-005).",
        "file": "clock.py",
        "find": "strftime(\"%Y-%m-%dT%H:%M:%S.%fZ\")",
        "replace": "strftime(\"%Y-%m-%dT%H:%M:%SZ\")",
        "requirements": ["STG-FACT-005"],
    },
    {
        "id": "b4-post-offset-sign-flipped",
        "description": "RFC 3339 offsets are applied with the wrong sign (+02:00 moves the instant later, not "
        "earlier), so valid_until and after in non-UTC offsets denote the wrong instant (RFC 3339 §4.2; "
        "STG-EXP-005, STG-QRY-006).",
        "file": "clock.py",
        "find": "seconds -= offset if match.group(8) == \"+\" else -offset",
        "replace": "seconds += offset if match.group(8) == \"+\" else -offset",
        "requirements": ["STG-EXP-005", "STG-QRY-006"],
    },
    # ------------------------------------------------------------------ querying
    {
        "id": "b4-qry-limit-max-exclusive",
        "description": "limit=500 is refused 400; the range is 1..500 inclusive (A08 §5.2 max 500; "
        "STG-QRY-010).",
        "file": "api/params.py",
        "find": "int(raw) <= MAX_LIMIT:",
        "replace": "int(raw) < MAX_LIMIT:",
        "requirements": ["STG-QRY-010"],
    },
    {
        "id": "b4-qry-default-limit-100",
        "description": "GET /v1/facts returns 100 facts per page by default instead of 50 (A08 §5.2 limit default "
        "50; STG-QRY-010).",
        "file": "api/params.py",
        "find": "DEFAULT_LIMIT = 50",
        "replace": "DEFAULT_LIMIT = 100",
        "requirements": ["STG-QRY-010"],
        "equivalent": (
            "The sources fix the largest page (500), not the default one; interpretation query_default_limit "
            "(any) accepts every page size from 1 to 500, as for b1-qry-default-limit."
        ),
    },
    {
        "id": "b4-qry-min-confidence-strict",
        "description": "min_confidence filters with > instead of >=, so min_confidence=1.0 hides facts of "
        "confidence 1.0 (A08 §5.2: confidence >= c; STG-QRY-005).",
        "file": "storage/facts.py",
        "find": "clauses.append(\"f.confidence >= ?\")",
        "replace": "clauses.append(\"f.confidence > ?\")",
        "requirements": ["STG-QRY-005"],
    },
    {
        "id": "b4-qry-after-inclusive",
        "description": "after=t also returns facts stamped exactly t; after is an exclusive timestamp filter "
        "(A08 §5.2: timestamp > t; STG-QRY-006).",
        "file": "storage/facts.py",
        "find": "clauses.append(\"f.timestamp_us > ?\")",
        "replace": "clauses.append(\"f.timestamp_us >= ?\")",
        "requirements": ["STG-QRY-006"],
    },
    {
        "id": "b4-qry-scope-outside-key-400",
        "description": "scope= naming a scope outside the key's allowed_scopes answers 400 invalid_parameter "
        "instead of 403 scope_forbidden (Spec-02 §Scope Enforcement; interpretation scope_query_outside_key; "
        "STG-SCOPE-005).",
        "file": "api/params.py",
        "find": "raise ApiError(\"scope_forbidden\", f\"this key may not read scope {scope}\")",
        "replace": "raise _bad(\"scope\", f\"this key may not read scope {scope}\")",
        "requirements": ["STG-SCOPE-005"],
    },
    {
        "id": "b4-qry-cursor-inclusive",
        "description": "The keyset cursor compares with <= so the last fact of each page is repeated at the top of "
        "the next one; following cursor must yield every fact exactly once (STG-HTTP-011).",
        "file": "storage/facts.py",
        "find": "clauses.append(\"(f.hlc, f.id) < (?, ?)\")",
        "replace": "clauses.append(\"(f.hlc, f.id) <= (?, ?)\")",
        "requirements": ["STG-HTTP-011"],
    },
    {
        "id": "b4-qry-total-is-page-size",
        "description": "total reports the size of the page instead of every fact matching the filters "
        "(Spec-03 {facts, total, cursor}; STG-HTTP-013).",
        "file": "api/facts.py",
        "find": "{\"facts\": found, \"total\": total, \"cursor\": cursor}",
        "replace": "{\"facts\": found, \"total\": len(found), \"cursor\": cursor}",
        "requirements": ["STG-HTTP-013"],
    },
    {
        "id": "b4-qry-entity-not-normalized",
        "description": "The entity query parameter is matched as sent, not normalized, so ?entity=User:Alice finds "
        "nothing for the stored user:alice (Spec-03: normalization before results; STG-URI-007, STG-QRY-004).",
        "file": "api/params.py",
        "find": "entity, source = _uri(params, \"entity\"), _uri(params, \"source\")",
        "replace": "entity, source = _one(params, \"entity\"), _uri(params, \"source\")",
        "requirements": ["STG-URI-007", "STG-QRY-004"],
    },
    {
        "id": "b4-qry-last-page-cursor",
        "description": "The last page still carries a cursor (pointing at an empty page) instead of null "
        "(Spec-03 cursor null at the end; STG-HTTP-011).",
        "file": "storage/store.py",
        "find": "following = (rows[-1][HLC], rows[-1][ID]) if more and rows else None",
        "replace": "following = (rows[-1][HLC], rows[-1][ID]) if rows else None",
        "requirements": ["STG-HTTP-011"],
    },
    # ------------------------------------------------------------------ scopes, API keys, admin
    {
        "id": "b4-auth-key-digest-prefix",
        "description": "The API-key digest covers only the first 24 characters of the raw key, so a key with a "
        "different tail authenticates (A08 §3.5: node stores the SHA-256 digest of the key; STG-AUTH-002).",
        "file": "storage/keys.py",
        "find": "hashlib.sha256(raw_key.encode(\"utf-8\", \"surrogatepass\")).hexdigest()",
        "replace": "hashlib.sha256(raw_key[:24].encode(\"utf-8\", \"surrogatepass\")).hexdigest()",
        "requirements": ["STG-AUTH-002", "STG-AUTH-005"],
    },
    {
        "id": "b4-auth-bearer-case-sensitive",
        "description": "The auth scheme must be spelled exactly \"Bearer\"; RFC 7235 §2.1 makes the scheme "
        "case-insensitive, so \"bearer <key>\" is wrongly answered 401 (STG-AUTH-001).",
        "file": "api/auth.py",
        "find": "if scheme.lower() != \"bearer\" or not token:",
        "replace": "if scheme != \"Bearer\" or not token:",
        "requirements": ["STG-AUTH-001"],
    },
    {
        "id": "b4-auth-unknown-key-no-challenge",
        "description": "401 for an unknown or revoked key comes without WWW-Authenticate: Bearer (RFC 6750 §3; "
        "STG-AUTH-004/005).",
        "file": "api/auth.py",
        "find": "raise ApiError(\"unauthorized\", \"unknown or revoked API key\", _CHALLENGE)",
        "replace": "raise ApiError(\"unauthorized\", \"unknown or revoked API key\")",
        "requirements": ["STG-AUTH-005"],
    },
    {
        "id": "b4-auth-missing-permission-401",
        "description": "A valid key lacking the permission gets 401 unauthorized instead of 403 forbidden "
        "(STG-AUTH-008/010; the upstream node answers 403 write permission required).",
        "file": "api/auth.py",
        "find": "raise ApiError(\"forbidden\", f\"this key lacks the {permission} permission\")",
        "replace": "raise ApiError(\"unauthorized\", f\"this key lacks the {permission} permission\")",
        "requirements": ["STG-AUTH-008"],
    },
    {
        "id": "b4-auth-revoked-key-works",
        "description": "Key lookup ignores revocation, so a revoked key still authenticates (STG-AUTH-005: a "
        "revoked key is 401 at once).",
        "file": "storage/keys.py",
        "find": "FROM api_keys WHERE key_sha256 = ? AND revoked_at IS NULL\"",
        "replace": "FROM api_keys WHERE key_sha256 = ?\"",
        "requirements": ["STG-AUTH-005"],
    },
    {
        "id": "b4-scope-covers-permissions-only",
        "description": "An admin key's authority is checked on permissions but not on allowed_scopes, so a "
        "local-only admin mints public keys and registers peers for public (STG-SCOPE-022).",
        "file": "api/auth.py",
        "find": "return set(permissions) <= held and set(scopes) <= set(self.scopes)",
        "replace": "return set(permissions) <= held",
        "requirements": ["STG-SCOPE-022"],
    },
    {
        "id": "b4-scope-hierarchical-write",
        "description": "A key's scopes are read as a hierarchy (a key for public may also write and query local, "
        "team, company); Spec-02 allowed_scopes is a set: a key with [\"public\"] may not write local "
        "(STG-SCOPE-001/005).",
        "file": "api/auth.py",
        "find": "        return scope in self.scopes\n",
        "replace": "        return SCOPES.index(scope) <= max((SCOPES.index(s) for s in self.scopes), default=-1)\n",
        "requirements": ["STG-SCOPE-001", "STG-SCOPE-005"],
    },
    {
        "id": "b4-keys-default-scopes-empty",
        "description": "A key created without allowed_scopes gets no scope at all instead of all four (A10 "
        "§18.10; STG-AUTH-003: leaving allowed_scopes out asks for every scope).",
        "file": "api/keys.py",
        "find": "scopes = SCOPES if allowed_scopes is None else",
        "replace": "scopes = () if allowed_scopes is None else",
        "requirements": ["STG-AUTH-003"],
    },
    {
        "id": "b4-scope-single-fact-unfiltered",
        "description": "GET /v1/facts/{id} serves facts of any scope, not only the key's allowed_scopes "
        "(Spec-02 §Scope Enforcement read; STG-SCOPE-004: another scope's fact is 404).",
        "file": "api/facts.py",
        "find": ('found = store.fact(ref, identity.scope_filter if identity.scopes else (),'
                 ' identity.reader)'),
        "replace": 'found = store.fact(ref, None, identity.reader)',
        "requirements": ["STG-SCOPE-004"],
    },
    {
        "id": "b4-admin-status-all-scopes",
        "description": "GET /v1/admin/status counts facts and conflicts of every scope for a scope-bounded admin "
        "key (STG-SCOPE-022: admin counts cover only the caller's scopes).",
        "file": "api/admin.py",
        "find": "status = {**store.status(identity.scope_filter),",
        "replace": "status = {**store.status(),",
        "requirements": ["STG-SCOPE-022"],
    },
    {
        "id": "b4-perm-resolve-with-read",
        "description": "Conflict resolution requires only read; it writes facts, so it needs write "
        "(A08 §5.10; STG-AUTH-008).",
        "file": "api/conflicts.py",
        "find": "identity = caller(request, \"write\")",
        "replace": "identity = caller(request, \"read\")",
        "requirements": ["STG-AUTH-008"],
    },
    {
        "id": "b4-keys-entity-uri-raw",
        "description": "A key's entity_uri is validated but stored and listed as sent, not normalized "
        "(STG-AUTH-003: entity_uri normalized; Spec-01 normalization of every entity URI).",
        "file": "api/keys.py",
        "find": "        entity = normalize(entity_uri)\n",
        "replace": "        entity = normalize(entity_uri) and entity_uri\n",
        "requirements": ["STG-AUTH-003"],
    },
    {
        "id": "b4-keys-list-ignores-key-scopes",
        "description": "Listing and revoking keys checks the listed key's permissions but not its scopes, so a "
        "local-only admin sees and revokes public keys (rule applied on create, not on list/revoke; "
        "STG-SCOPE-022).",
        "file": "api/keys.py",
        "find": "if identity.covers(key.permissions, key.allowed_scopes)]",
        "replace": "if identity.covers(key.permissions, ())]",
        "requirements": ["STG-SCOPE-022"],
    },
    # ------------------------------------------------------------------ contradictions and conflicts
    {
        "id": "b4-conf-query-older-hlc-wins",
        "description": "At query time, of two contradicted facts with equal confidence the lower HLC wins "
        "(architecture seed: equal confidence -> higher hlc wins; Spec-15 §Query-Time Resolution; STG-CONF-005).",
        "file": "storage/facts.py",
        "find": "AND g.hlc > f.hlc)))",
        "replace": "AND g.hlc < f.hlc)))",
        "requirements": ["STG-CONF-005", "STG-QRY-012"],
    },
    {
        "id": "b4-conf-query-lower-confidence-wins",
        "description": "At query time the lower-confidence fact of a contradiction is the one returned "
        "(architecture seed: higher confidence wins; STG-CONF-005).",
        "file": "storage/facts.py",
        "find": "(g.confidence > f.confidence OR",
        "replace": "(g.confidence < f.confidence OR",
        "requirements": ["STG-CONF-005", "STG-QRY-012"],
    },
    {
        "id": "b4-conf-core-tie-ignores-hlc",
        "description": "The core's preferred facts of a contradicted triple are all facts of the top confidence, "
        "ignoring the HLC tie-break (architecture seed resolution order; STG-CONF-005).",
        "file": "protocol/contradictions.py",
        "find": "return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)",
        "replace": "return sorted(f.id for f in in_conflict if f.confidence == best[0])",
        "requirements": ["STG-CONF-005"],
    },
    {
        "id": "b4-conf-retraction-contradicts",
        "description": "A pair contradicts when either confidence is above 0 instead of both, so a retraction "
        "(confidence 0.0) contradicts a live fact (Spec-15 §Contradiction; STG-CONF-010).",
        "file": "protocol/contradictions.py",
        "find": "if not (a.confidence > 0 and b.confidence > 0):",
        "replace": "if not (a.confidence > 0 or b.confidence > 0):",
        "requirements": ["STG-CONF-001", "STG-CONF-010"],
    },
    {
        "id": "b4-conf-between-order-swapped",
        "description": "stigmem:conflict:between lists the newer fact first (\"<id-b> <id-a>\") instead of the "
        "earlier fact first (Spec-15 §Conflict Entities; STG-CONF-004).",
        "file": "storage/ledger.py",
        "find": "{\"type\": \"text\", \"v\": f\"{older} {newer}\"}",
        "replace": "{\"type\": \"text\", \"v\": f\"{newer} {older}\"}",
        "requirements": ["STG-CONF-004"],
    },
    {
        "id": "b4-conf-status-open",
        "description": "A new conflict's status fact says \"open\" instead of \"unresolved\" (architecture seed: "
        "stigmem:conflict:status = \"unresolved\"; STG-CONF-004).",
        "file": "storage/ledger.py",
        "find": "{\"type\": \"string\", \"v\": \"unresolved\"}",
        "replace": "{\"type\": \"string\", \"v\": \"open\"}",
        "requirements": ["STG-CONF-004"],
    },
    {
        "id": "b4-conf-already-resolved-422",
        "description": "Resolving an already resolved conflict answers 422 invalid_resolution instead of 409 "
        "conflict_already_resolved (A08 §5.10; STG-CONF-013).",
        "file": "storage/ledger.py",
        "find": "    if conflict.status == \"resolved\":\n        raise StoreError(\"conflict_already_resolved\"",
        "replace": "    if conflict.status == \"resolved\":\n        raise StoreError(\"invalid_resolution\"",
        "requirements": ["STG-CONF-013"],
    },
    {
        "id": "b4-conf-winner-only-fact-a",
        "description": "Only the conflict's first fact may be named winning_fact_id; naming the second one is 422 "
        "(A08 §5.10: the winner is one of the pair; STG-CONF-014).",
        "file": "storage/ledger.py",
        "find": "winning_fact_id not in (conflict.fact_a, conflict.fact_b)",
        "replace": "winning_fact_id != conflict.fact_a",
        "requirements": ["STG-CONF-014"],
    },
    {
        "id": "b4-conf-resolve-outside-scope",
        "description": "A key may resolve a conflict in a scope outside its allowed_scopes (Spec-02 write "
        "enforcement; STG-SCOPE-007, STG-CONF-012: such a conflict is not found).",
        "file": "storage/ledger.py",
        "find": "if conflict is None or (scopes is not None and conflict.scope not in scopes):",
        "replace": "if conflict is None:",
        "requirements": ["STG-SCOPE-007", "STG-CONF-012"],
    },
    {
        "id": "b4-conf-list-unfiltered",
        "description": "GET /v1/conflicts lists conflicts of every scope, not only the key's allowed_scopes "
        "(STG-SCOPE-007).",
        "file": "api/conflicts.py",
        "find": "store.conflicts(params.status, identity.scope_filter, params.before_seq, params.limit,",
        "replace": "store.conflicts(params.status, None, params.before_seq, params.limit,",
        "requirements": ["STG-SCOPE-007"],
    },
    {
        "id": "b4-conf-cursor-inclusive",
        "description": "The conflicts cursor compares seq <= so a page boundary repeats a conflict "
        "(STG-HTTP-014, STG-CONF-008: each conflict once, newest first).",
        "file": "storage/conflicts.py",
        "find": "clauses.append(\"seq < ?\")",
        "replace": "clauses.append(\"seq <= ?\")",
        "requirements": ["STG-HTTP-014"],
    },
    {
        "id": "b4-conf-has-more-on-last-page",
        "description": "has_more is true whenever the page is non-empty, also on the last page "
        "(S03 {conflicts, cursor, has_more}; STG-HTTP-014).",
        "file": "api/conflicts.py",
        "find": "\"has_more\": cursor is not None",
        "replace": "\"has_more\": bool(found)",
        "requirements": ["STG-HTTP-014"],
    },
    {
        "id": "b4-conf-resolved-still-contradicted",
        "description": "Resolving a conflict leaves its facts marked contradicted (Spec-15: facts of a resolved "
        "conflict are ordinary rows, contradicted false; STG-CONF-011).",
        "file": "storage/conflicts.py",
        "find": "    conn.execute(\"DELETE FROM open_conflict_facts WHERE conflict_id = ?\", (conflict_id,))\n",
        "replace": "",
        "requirements": ["STG-CONF-011", "STG-CONF-006"],
    },
    {
        "id": "b4-conf-resolution-source-system",
        "description": "The resolution fact's source is system:stigmem instead of the resolving caller, losing the "
        "provenance of who decided (architecture seed: resolution with full provenance; A08 §5.10; STG-CONF-006).",
        "file": "storage/ledger.py",
        "find": "resolution = FactBody(pair[ENTITY], pair[RELATION], value, caller, 1.0, scope)",
        "replace": "resolution = FactBody(pair[ENTITY], pair[RELATION], value, SYSTEM_SOURCE, 1.0, scope)",
        "requirements": ["STG-CONF-006"],
    },
    # ------------------------------------------------------------------ expiry
    {
        "id": "b4-exp-boundary-inclusive",
        "description": "A fact is still returned at the instant now == valid_until; it is visible only while "
        "valid_until > now (A20 §24.2.1; interpretation expiry_boundary; STG-EXP-004).",
        "file": "storage/facts.py",
        "find": "clauses.append(\"(f.valid_until_us IS NULL OR f.valid_until_us > ?)\")",
        "replace": "clauses.append(\"(f.valid_until_us IS NULL OR f.valid_until_us >= ?)\")",
        "requirements": ["STG-EXP-004", "STG-EXP-001"],
        "equivalent": (
            "Differs only when a read runs in the very microsecond a valid_until names; the node exposes no clock"
            " a client could pin to that instant (as b1/b2/b3 expiry-boundary mutants)."
        ),
    },
    {
        "id": "b4-exp-detect-against-expired-sibling",
        "description": "Contradiction detection pairs a new fact with expired siblings (the live filter gets time "
        "0), so a fact contradicts one that has already expired (Spec-15 §Expiry: expired facts are as if absent; "
        "STG-CONF-001).",
        "file": "storage/ledger.py",
        "find": ('body.entity, body.relation, body.scope, fact.garden_id, now_us,\n'
                 '                                            fact_stamp.id)'),
        "replace": ('body.entity, body.relation, body.scope, fact.garden_id, 0,\n'
                    '                                            fact_stamp.id)'),
        "requirements": ["STG-CONF-001", "STG-EXP-001"],
    },
    {
        "id": "b4-exp-expired-winner-outranks",
        "description": "In a default query an expired contradiction winner still outranks the live loser, so the "
        "triple vanishes once the winner expires instead of the next fact taking its place (Spec-15 §Expiry with "
        "§Query-Time Resolution; STG-QRY-012, STG-EXP-004).",
        "file": "storage/facts.py",
        "find": "            clauses.append(f\"NOT ({_CONTRADICTED} AND {_OUTRANKED.format(live=_LIVE_SIBLING)})\")\n"
        "            params.append(query.now_us)\n",
        "replace": "            clauses.append(f\"NOT ({_CONTRADICTED} AND {_OUTRANKED.format(live='')})\")\n",
        "requirements": ["STG-QRY-012", "STG-EXP-004"],
    },
    {
        "id": "b4-exp-already-expired-fact-detected",
        "description": "A fact asserted with a valid_until already past still records a conflict with its live "
        "siblings (Spec-15: an expired fact takes no part; STG-CONF-001).",
        "file": "storage/ledger.py",
        "find": "if body.confidence <= 0 or (fact.valid_until_us is not None and fact.valid_until_us <= now_us):",
        "replace": "if body.confidence <= 0:",
        "requirements": ["STG-CONF-001", "STG-EXP-001"],
    },
    # ------------------------------------------------------------------ errors and envelopes
    {
        "id": "b4-err-malformed-json-422",
        "description": "A body that is not JSON answers 422 instead of 400 malformed_json (Spec-03 error table; "
        "STG-HTTP-002/003).",
        "file": "api/errors.py",
        "find": "\"malformed_json\": 400,",
        "replace": "\"malformed_json\": 422,",
        "requirements": ["STG-HTTP-002"],
        "equivalent": (
            "Interpretation error_envelope (error-detail) accepts 400 or 422 for generic validation; no source "
            "fixes one status for a body that is not JSON."
        ),
    },
    {
        "id": "b4-err-entity-uri-422",
        "description": "An entity or source that fails normalization answers 422 instead of 400 invalid_entity_uri "
        "(STG-URI-010).",
        "file": "api/errors.py",
        "find": "\"invalid_entity_uri\": 400,",
        "replace": "\"invalid_entity_uri\": 422,",
        "requirements": ["STG-URI-010"],
    },
    {
        "id": "b4-err-body-too-large-400",
        "description": "A request body above the 1 MiB limit answers 400 instead of 413 body_too_large "
        "(RFC 9110 §15.5.14; STG-HTTP-003).",
        "file": "api/errors.py",
        "find": "\"body_too_large\": 413,",
        "replace": "\"body_too_large\": 400,",
        "requirements": ["STG-HTTP-003"],
    },
    {
        "id": "b4-err-detail-renamed",
        "description": "The error envelope carries `message` instead of `detail` (interpretation error_envelope "
        "{error, detail}; STG-HTTP-002).",
        "file": "api/errors.py",
        "find": "printable({\"error\": self.code, \"detail\": self.detail, **self.extra})",
        "replace": "printable({\"error\": self.code, \"message\": self.detail, **self.extra})",
        "requirements": ["STG-HTTP-002"],
    },
    {
        "id": "b4-err-time-travel-400",
        "description": "as_of on a node without the time-travel plugin answers 400 instead of failing closed with "
        "501 time_travel_plugin_not_loaded (Spec-X3; STG-TT-001).",
        "file": "api/errors.py",
        "find": "\"time_travel_plugin_not_loaded\": 501,",
        "replace": "\"time_travel_plugin_not_loaded\": 400,",
        "requirements": ["STG-TT-001"],
    },
    {
        "id": "b4-rob-surrogate-echo-500",
        "description": "Error details echo client text with lone surrogates unreplaced, so the JSON answer cannot "
        "be encoded as UTF-8 and the node answers 500 to client input (STG-HTTP-003, I-JSON RFC 7493 §2.1).",
        "file": "api/errors.py",
        "find": "return value.encode(\"utf-16\", \"surrogatepass\").decode(\"utf-16\", \"replace\")",
        "replace": "return value",
        "requirements": ["STG-HTTP-003"],
    },
    # ------------------------------------------------------------------ discovery
    {
        "id": "b4-disc-federation-boolean",
        "description": "Discovery's federation member is a boolean instead of \"disabled\"/\"enabled\" (Spec-03 "
        "§Discovery; STG-HTTP-008).",
        "file": "api/discovery.py",
        "find": "\"federation\": \"disabled\" if federation is None else \"enabled\",",
        "replace": "\"federation\": federation is not None,",
        "requirements": ["STG-HTTP-008"],
    },
    {
        "id": "b4-disc-auth-fixed-required",
        "description": "Discovery always advertises auth \"required\", also on a node run with auth none "
        "(architecture seed: auth advertised as none | required; STG-AUTH-006).",
        "file": "api/discovery.py",
        "find": "        \"auth\": settings.auth,\n",
        "replace": "        \"auth\": \"required\",\n",
        "requirements": ["STG-AUTH-006"],
    },
    {
        "id": "b4-disc-profiles-without-federation",
        "description": "A federating node does not claim the core-federation profile in discovery "
        "(STG-HTTP-008: with --federation the profile list includes core-federation).",
        "file": "settings.py",
        "find": ('        if not self.federation:\n'
                 '            return (*PROFILES, *lifecycle)\n'),
        "replace": ('        if True:\n'
                    '            return (*PROFILES, *lifecycle)\n'),
        "requirements": ["STG-HTTP-008"],
        "equivalent": (
            "The discovery profiles are the node's own claims; a node may federate without claiming the profile, "
            "and the suite then reports core-federation 'not claimed, passes' (a claim is verified, not "
            "required)."
        ),
    },
    # ------------------------------------------------------------------ federation: declarations
    {
        "id": "b4-decl-signed-at-unsigned",
        "description": "The PeerDeclaration signature leaves signed_at out of its preimage, so the timestamp can be "
        "changed without breaking the signature and a peer verifying this node's declaration over every field but "
        "declaration_sig fails (architecture seed: signature covers all fields except declaration_sig; "
        "STG-SIG-001).",
        "file": "protocol/signatures.py",
        "find": "            frozenset({\"declaration_sig\"}),",
        "replace": "            frozenset({\"declaration_sig\", \"signed_at\"}),",
        "requirements": ["STG-SIG-001"],
    },
    {
        "id": "b4-decl-stale-window-unit",
        "description": "The declaration's maximum age is multiplied into microseconds instead of milliseconds, so "
        "a declaration signed days ago is accepted (A20 §22.5 +-5 min handshake window; interpretation "
        "declaration_signed_at).",
        "file": "protocol/peering.py",
        "find": "if signed_ms < now_ms - max_age_s * 1000:",
        "replace": "if signed_ms < now_ms - max_age_s * 1_000_000:",
        "requirements": ["STG-RPL-004"],
    },
    {
        "id": "b4-decl-future-leeway-seconds",
        "description": "The 5-minute future leeway for signed_at is written in seconds but compared in "
        "milliseconds (300 ms), so a declaration signed a second ahead is rejected (A20 §22.5 +-5 min; seed "
        "Migrating pre-upgrade checklist +-5 min).",
        "file": "protocol/peering.py",
        "find": "FUTURE_LEEWAY_MS = 5 * 60_000",
        "replace": "FUTURE_LEEWAY_MS = 5 * 60",
        "requirements": ["STG-RPL-004"],
    },
    {
        "id": "b4-decl-node-id-authority-only",
        "description": "Verification compares only the authority of the declared and discovered node_id, so a "
        "declaration naming another node of the same host verifies (Spec-05 §Peer Registration; STG-FED-006: "
        "node_id must equal the discovery document's).",
        "file": "protocol/peering.py",
        "find": "if discovered.get(\"node_id\") != document.get(\"node_id\"):",
        "replace": "if authority(str(discovered.get(\"node_id\"))) != authority(str(document.get(\"node_id\"))):",
        "requirements": ["STG-FED-006"],
    },
    {
        "id": "b4-decl-local-declarable",
        "description": "local counts as a declarable scope, so a declaration granting local verifies and this node "
        "offers local in its own declaration (A08 §6.4: local never leaves the node; STG-FED-024).",
        "file": "protocol/peering.py",
        "find": "DECLARABLE_SCOPES = tuple(scope for scope in SCOPES if scope != \"local\")",
        "replace": "DECLARABLE_SCOPES = tuple(SCOPES)",
        "requirements": ["STG-FED-024"],
    },
    {
        "id": "b4-decl-approve-by-federate-key",
        "description": "Approving a pending peer needs only the federate permission instead of admin "
        "(interpretation peer_lifecycle; TM R-26 operator approval; STG-AUTH-010).",
        "file": "api/federation.py",
        "find": "    identity = caller(request, \"admin\")\n    pending",
        "replace": "    identity = federator(request)\n    pending",
        "requirements": ["STG-AUTH-010"],
    },
    # ------------------------------------------------------------------ federation: peer tokens
    {
        "id": "b4-tok-lifetime-inclusive",
        "description": "A token living exactly one hour is refused; A08 §3.5 allows exp <= iat + 3600000 "
        "(STG-TOK-002).",
        "file": "protocol/peer_tokens.py",
        "find": "if claims[\"exp\"] - claims[\"iat\"] > max_lifetime_ms:",
        "replace": "if claims[\"exp\"] - claims[\"iat\"] >= max_lifetime_ms:",
        "requirements": ["STG-TOK-002"],
    },
    {
        "id": "b4-tok-leeway-seconds-as-ms",
        "description": "The 30 s iat leeway is written as 30 and read as milliseconds, so a token issued by a peer "
        "whose clock is a fraction of a second ahead is token_not_yet_valid (A08 §3.5; the upstream node "
        "allows 30 s leeway; STG-RPL-004).",
        "file": "protocol/peer_tokens.py",
        "find": "DEFAULT_LEEWAY_MS = 30_000",
        "replace": "DEFAULT_LEEWAY_MS = 30",
        "requirements": ["STG-RPL-004"],
    },
    {
        "id": "b4-tok-expiry-inclusive",
        "description": "A token is refused as expired at now == exp; it expires only once now > exp "
        "(A08 §3.5; STG-TOK-005).",
        "file": "protocol/peer_tokens.py",
        "find": "if now_ms > claims[\"exp\"]:",
        "replace": "if now_ms >= claims[\"exp\"]:",
        "requirements": ["STG-TOK-005"],
    },
    {
        "id": "b4-tok-audience-from-aud",
        "description": "The audience is read from a JWT aud claim (absent in stigmem tokens) instead of sub, so a "
        "token issued for another node is accepted (A08 §3.5: sub == receiver node_id; STG-TOK-004).",
        "file": "protocol/peer_tokens.py",
        "find": "if claims[\"sub\"] != audience:",
        "replace": "if claims.get(\"aud\", audience) != audience:",
        "requirements": ["STG-TOK-004"],
    },
    {
        "id": "b4-tok-issued-iat-seconds",
        "description": "Issued peer tokens carry iat in epoch seconds (the usual JWT unit) while exp stays in "
        "milliseconds, so every token this node sends looks like a decades-long lifetime to the receiver "
        "(A08 §3.5 iat/exp epoch_ms; STG-TOK-001/002).",
        "file": "protocol/replay.py",
        "find": "{\"iss\": issuer, \"sub\": subject, \"iat\": now_ms,",
        "replace": "{\"iss\": issuer, \"sub\": subject, \"iat\": now_ms // 1000,",
        "requirements": ["STG-TOK-001", "STG-TOK-002"],
    },
    {
        "id": "b4-tok-fractional-ms-accepted",
        "description": "iat/exp with a fractional part (1.5) are accepted and truncated instead of being refused "
        "as malformed (A08 §3.5 integer epoch_ms; STG-TOK-001).",
        "file": "protocol/peer_tokens.py",
        "find": "    if isinstance(value, float) and not value.is_integer():\n"
        "        raise TokenMalformed(f\"claim {name} must be an integer (epoch milliseconds)\")\n",
        "replace": "",
        "requirements": ["STG-TOK-001"],
    },
    {
        "id": "b4-tok-replay-audited-as-rejected-token",
        "description": "A replayed nonce is audited as rejected_token instead of replay_attempt (Spec-05 §Audit "
        "event types; STG-AUDIT-002, STG-RPL-006).",
        "file": "protocol/replay.py",
        "find": "return \"replay_attempt\" if code == \"nonce_already_seen\" else \"rejected_token\"",
        "replace": "return \"rejected_token\"",
        "requirements": ["STG-AUDIT-002", "STG-RPL-006"],
    },
    {
        "id": "b4-tok-nonce-retained-until-exp-only",
        "description": "An accepted nonce is remembered only until its token's exp, not for the 5-minute nonce "
        "window, so a second token reusing the nonce after a short-lived first one expires is accepted "
        "(A08 §3.5 nonce window 5 min; STG-TOK-007/008).",
        "file": "protocol/replay.py",
        "find": "return max(exp_ms, accepted_at_ms + window_ms)",
        "replace": "return exp_ms",
        "requirements": ["STG-TOK-007", "STG-TOK-008"],
    },
    {
        "id": "b4-tok-scopes-claim-ignored",
        "description": "Pull serves every scope the peer declared, ignoring the token's scopes claim; A08 §5.8 "
        "bounds it to the intersection of the declaration's allowed_scopes and the token's scopes (STG-FED-023).",
        "file": "protocol/replication.py",
        "find": "if s in declared and s in token_scopes and s not in NEVER_FEDERATED",
        "replace": "if s in declared and s not in NEVER_FEDERATED",
        "requirements": ["STG-FED-023"],
    },
    # ------------------------------------------------------------------ federation: pull paging
    {
        "id": "b4-pull-cursor-inclusive",
        "description": "The pull cursor compares >= so each page repeats the last fact of the previous one "
        "(A08 §5.8 cursor resumes after the last fact returned; STG-FED-020).",
        "file": "storage/replication.py",
        "find": "clauses.append(\"(f.local_hlc, f.id) > (?, ?)\")",
        "replace": "clauses.append(\"(f.local_hlc, f.id) >= (?, ?)\")",
        "requirements": ["STG-FED-020"],
    },
    {
        "id": "b4-pull-empty-page-drops-cursor",
        "description": "An empty pull page answers cursor null instead of the cursor it was given, so a caught-up "
        "puller restarts from the beginning (A08 §5.8: null means from the beginning; re-requesting the same cursor "
        "returns the same facts; STG-FED-020).",
        "file": "api/federation.py",
        "find": "if last is not None else (raw_cursor or None)",
        "replace": "if last is not None else None",
        "requirements": ["STG-FED-020"],
    },
    {
        "id": "b4-pull-has-more-never-set",
        "description": "The serving page fetches exactly limit rows, so has_more is never true even when more facts "
        "wait (A08 §5.8 {facts, cursor, has_more}; STG-FED-019).",
        "file": "storage/replication.py",
        "find": "conn.execute(sql, (*params, limit + 1)).fetchall()",
        "replace": "conn.execute(sql, (*params, limit)).fetchall()",
        "requirements": ["STG-FED-019"],
    },
    {
        "id": "b4-pull-meta-facts-served",
        "description": "stigmem: meta-facts (stigmem:resolves, stigmem:ttl) are served to peers; they are local "
        "accounting (Spec-15: meta-facts never re-replicated; STG-PROV-005).",
        "file": "storage/replication.py",
        "find": "f.garden_id IS NULL AND f.relation NOT LIKE 'stigmem:%' \"",
        "replace": "f.garden_id IS NULL \"",
        "requirements": ["STG-PROV-005"],
    },
    {
        "id": "b4-pull-relays-received-facts",
        "description": "Facts received from a peer are served again to other peers (interpretation relaying = none; "
        "A08 §6.8.2 company facts from another peer never relayed; STG-FED-045).",
        "file": "storage/replication.py",
        "find": "\"f.received_from IS NULL AND f.garden_id",
        "replace": "\"f.garden_id",
        "requirements": ["STG-FED-045"],
    },
    {
        "id": "b4-pull-default-limit-50",
        "description": "The pull page defaults to 50 facts instead of 100 (A08 §5.8 limit=100 default; "
        "STG-FED-019).",
        "file": "api/federation.py",
        "find": "_DEFAULT_LIMIT = 100",
        "replace": "_DEFAULT_LIMIT = 50",
        "requirements": ["STG-FED-019"],
        "equivalent": (
            "A08 \u00a75.8 fixes the largest pull page (500), not the default (100 is the upstream node's); a peer "
            "that follows cursors receives every fact whatever the page size."
        ),
    },
    # ------------------------------------------------------------------ federation: ingest
    {
        "id": "b4-ing-source-authority-prefix",
        "description": "Source ownership is a string-prefix test on the authority, so a peer stigmem://node-a.test "
        "may send facts from stigmem://node-a.test.evil/... (Spec-05 source authority; interpretation "
        "source_ownership = authority; STG-FED-036).",
        "file": "protocol/replication.py",
        "find": "return peer_authority is not None and authority(source) == peer_authority",
        "replace": "return peer_authority is not None and source.startswith(\"stigmem://\" + peer_authority)",
        "requirements": ["STG-FED-036"],
    },
    {
        "id": "b4-ing-team-from-peer",
        "description": "Inbound team-scope facts are accepted from a peer that declared team; team never "
        "federates (architecture seed scope table; A08 §6.4; STG-FED-035).",
        "file": "protocol/replication.py",
        "find": "if scope in NEVER_FEDERATED or scope not in declared_scopes:",
        "replace": "if scope == \"local\" or scope not in declared_scopes:",
        "requirements": ["STG-FED-035"],
    },
    {
        "id": "b4-ing-missing-cid-accepted",
        "description": "An inbound fact without a cid is accepted unchecked; the receiver recomputes the CID and "
        "rejects any that is not the body's (CIDF federation use; STG-CID-013).",
        "file": "protocol/replication.py",
        "find": "if raw.get(\"cid\") != computed:",
        "replace": "if raw.get(\"cid\") is not None and raw.get(\"cid\") != computed:",
        "requirements": ["STG-CID-013"],
    },
    {
        "id": "b4-ing-origin-hlc-replaced",
        "description": "An ingested fact is stored with the receiver's local HLC instead of the origin's hlc "
        "(A08 §2.4 nodes store and propagate hlc; interpretation hlc_origin = preserve; STG-PROV-007).",
        "file": "storage/replication.py",
        "find": "timestamp_us, format_hlc(fact.hlc))",
        "replace": "timestamp_us, local_hlc)",
        "requirements": ["STG-PROV-007", "STG-PROV-002"],
    },
    {
        "id": "b4-ing-invalid-fact-not-audited",
        "description": "A malformed inbound fact (bad shape, value or CID) is dropped without an audit row "
        "(architecture seed: malicious peer rejected + audited; STG-AUDIT-001).",
        "file": "storage/replication.py",
        "find": "        _audit(conn, peer, inbound, at)\n",
        "replace": "",
        "requirements": ["STG-AUDIT-001"],
    },
    {
        "id": "b4-ing-cid-dedup-missed",
        "description": "The ingest dedup by CID looks up the fact id in the cid column, so a peer fact whose content "
        "is already held under another id is stored a second time (Spec-05 idempotent ingest; STG-FED-031, "
        "STG-PROV-006).",
        "file": "storage/replication.py",
        "find": "(inbound.cid,)",
        "replace": "(inbound.id,)",
        "requirements": ["STG-FED-031"],
    },
    {
        "id": "b4-ing-received-from-forgeable",
        "description": "A peer may send stigmem:received_from facts of its own; only the receiving node writes that "
        "meta-fact (Spec-15 provenance; interpretation reserved_namespace; STG-PROV-004).",
        "file": "protocol/replication.py",
        "find": "    if namespaces.reserved(fact.relation):",
        "replace": "    if namespaces.reserved(fact.relation) and fact.relation != RECEIVED_FROM:",
        "requirements": ["STG-PROV-004"],
    },
    # ------------------------------------------------------------------ robustness bounds
    {
        "id": "b4-rob-limit-garbage-500",
        "description": "limit is converted with int() without the digit check, so limit=abc (or a 5000-digit "
        "number) raises and answers 500 instead of 400 invalid_parameter (STG-HTTP-003, STG-HTTP-012).",
        "file": "api/params.py",
        "find": "not _LIMIT.fullmatch(raw) or ",
        "replace": "",
        "requirements": ["STG-HTTP-003", "STG-HTTP-012"],
    },
    {
        "id": "b4-rob-min-confidence-garbage-500",
        "description": "min_confidence is converted with float() unguarded, so min_confidence=abc answers 500 "
        "instead of 400 invalid_parameter (STG-HTTP-003).",
        "file": "api/params.py",
        "find": "value = float(raw) if _NUMBER.fullmatch(raw) else math.nan",
        "replace": "value = float(raw)",
        "requirements": ["STG-HTTP-003", "STG-HTTP-012"],
    },
    {
        "id": "b4-rob-cursor-seq-overflow",
        "description": "A conflict/audit cursor whose sequence is 2**63 or more is not refused, and binding it "
        "overflows SQLite's integer: 500 instead of 400 invalid_cursor (STG-HTTP-003).",
        "file": "api/params.py",
        "find": " or int(parts[1]) > MAX_SEQUENCE",
        "replace": "",
        "requirements": ["STG-HTTP-003"],
    },
    {
        "id": "b4-rob-batch-size-inclusive",
        "description": "A batch of exactly 50 facts is refused as too large; ADR-006 allows up to "
        "STIGMEM_BATCH_MAX_FACTS = 50 (STG-BATCH-004).",
        "file": "api/facts.py",
        "find": "if len(items) > MAX_BATCH_FACTS:",
        "replace": "if len(items) >= MAX_BATCH_FACTS:",
        "requirements": ["STG-BATCH-004"],
    },
    {
        "id": "b4-rob-batch-index-off-by-one",
        "description": "batch_failed reports failed_at_index one past the failing item (ADR-006 failed_at_index "
        "is the index of the first failing fact; STG-BATCH-002).",
        "file": "api/facts.py",
        "find": "raise _failed(index, exc.code, exc.detail) from exc",
        "replace": "raise _failed(index + 1, exc.code, exc.detail) from exc",
        "requirements": ["STG-BATCH-002"],
    },
    # ------------------------------------------------------------------ Ed25519, signatures, base64url
    {
        "id": "b4-sig-small-order-r-accepted",
        "description": "The strict policy rejects a small-order public key A but not a small-order signature R "
        "(interpretation ed25519_policy = strict; RFC 8032 §5.1.7; STG-SIG-006).",
        "file": "protocol/ed25519_policy.py",
        "find": "(public_key in SMALL_ORDER_ENCODINGS or r in SMALL_ORDER_ENCODINGS)",
        "replace": "(public_key in SMALL_ORDER_ENCODINGS)",
        "requirements": ["STG-SIG-006"],
    },
    {
        "id": "b4-sig-x0-sign-bit-accepted",
        "description": "An encoding with x = 0 and the sign bit set is accepted as canonical; RFC 8032 §5.1.3 "
        "decoding fails for it (STG-SIG-006).",
        "file": "protocol/ed25519_policy.py",
        "find": "return y < P and not (sign and y in (1, P - 1))",
        "replace": "return y < P",
        "requirements": ["STG-SIG-006"],
    },
    {
        "id": "b4-sig-tombstone-reason-signed",
        "description": "Tombstone signatures cover reason; the seed (Migrating §23) says \"signature\" and "
        "\"reason\" are excluded before canonicalization (STG-SIG-003).",
        "file": "protocol/signatures.py",
        "find": "            frozenset({\"signature\", \"reason\"}),\n            (\"id\", \"entity_uri\"",
        "replace": "            frozenset({\"signature\"}),\n            (\"id\", \"entity_uri\"",
        "requirements": ["STG-SIG-003"],
    },
    {
        "id": "b4-b64-unused-bits-accepted",
        "description": "base64url decoding checks only the length of the re-encoding, so a key or signature with "
        "non-zero unused bits in its last character is accepted (RFC 4648 §3.5 canonical encoding; STG-SIG-002).",
        "file": "protocol/base64url.py",
        "find": "if encode(data) != text:",
        "replace": "if len(encode(data)) != len(text):",
        "requirements": ["STG-SIG-002"],
    },
]
