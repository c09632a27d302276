"""Blind mutant round 1: single faults an independent implementer could make, from the seeds, the specs and the code.

Lines may run long: ``find`` and ``replace`` are exact code snippets of the node.
"""

# ruff: noqa: E501

ROUND = 1
MUTANTS: list[dict[str, str]] = [
    # --- JCS / canonical JSON -------------------------------------------------------------------------------
    {"id": "b1-jcs-safe-integer-off-by-one",
     "description": "The exact-integer bound is 2**53 instead of 2**53 - 1, so the integer 2**53 reaches the "
                    "serializer as an int and is refused instead of being serialized as the double it denotes "
                    "(RFC 8785 §3.2.2.3: numbers are IEEE 754 doubles; I-JSON, RFC 7493 §2.2).",
     "file": "protocol/jcs.py",
     "find": "_SAFE_INTEGER = 2**53 - 1",
     "replace": "_SAFE_INTEGER = 2**53"},
    {"id": "b1-jcs-surrogate-range-exclusive",
     "description": "The lone-surrogate test stops one code point short (U+DFFF is not caught), so a string "
                    "holding an escaped \\uDFFF is canonicalized instead of rejected (RFC 8785 §3.2.2.2 with "
                    "RFC 7493 §2.1: strings must be Unicode scalar values).",
     "file": "protocol/jcs.py",
     "find": "return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)",
     "replace": "return any(0xD800 <= ord(ch) < 0xDFFF for ch in text)"},
    {"id": "b1-jcs-utf8-surrogatepass",
     "description": "Input bytes are decoded with 'surrogatepass', so an encoded surrogate (ED A0 80) is read "
                    "as a string instead of being rejected as invalid UTF-8 (RFC 3629 §3; RFC 8785 §3.2.4 "
                    "input is UTF-8): the error changes from jcs_invalid_utf8 to jcs_lone_surrogate.",
     "file": "protocol/jcs.py",
     "find": "        text = data.decode(\"utf-8\")\n",
     "replace": "        text = data.decode(\"utf-8\", \"surrogatepass\")\n"},
    {"id": "b1-jcs-bom-accepted",
     "description": "Input is decoded as 'utf-8-sig', silently dropping a leading byte order mark; RFC 8259 §8.1 "
                    "forbids adding one and the strict I-JSON reading the node takes rejects it as not JSON.",
     "file": "protocol/jcs.py",
     "find": "        text = data.decode(\"utf-8\")\n",
     "replace": "        text = data.decode(\"utf-8-sig\")\n",
     "equivalent": "Reading a leading byte order mark as absent is allowed: RFC 8259 §8.1 lets a parser ignore one and "
                   "RFC 8785 / RFC 7493 are silent; interpretation jcs_leading_bom records that either answer conforms."},
    {"id": "b1-jcs-fault-order-duplicate-first",
     "description": "When one text has several faults, a duplicate member name is reported before a lone "
                    "surrogate (the documented order is syntax, surrogate, duplicate, number range; RFC 8785 / "
                    "RFC 7493 rejection order of the adapter protocol).",
     "file": "protocol/jcs.py",
     "find": "_FAULT_ORDER = (JcsInvalidJson, JcsLoneSurrogate, JcsDuplicateKey, JcsNumberOutOfRange)",
     "replace": "_FAULT_ORDER = (JcsInvalidJson, JcsDuplicateKey, JcsLoneSurrogate, JcsNumberOutOfRange)",
     "equivalent": "Only changes which of several faults in one text is reported; RFC 8785 / RFC 7493 do not order them and "
                   "interpretation jcs_fault_order (docs/adapter-protocol.md, Inputs with several faults) leaves it open."},
    {"id": "b1-jcs-duplicate-case-insensitive",
     "description": "Duplicate member names are detected case-insensitively, so {\"a\":1,\"A\":2} is rejected as a "
                    "duplicate although the names differ (RFC 8259 §4 / RFC 7493 §2.3 compare names by code "
                    "points; RFC 8785 §3.2.3 sorts them as distinct).",
     "file": "protocol/jcs.py",
     "find": "        if len(set(names)) != len(names):",
     "replace": "        if len({name.lower() for name in names}) != len(names):"},

    # --- CID -------------------------------------------------------------------------------------------------
    {"id": "b1-cid-uppercase-hex-accepted",
     "description": "The CID syntax accepts uppercase hex digits; CIDF §CID Format says only lowercase hex is "
                    "valid and anything else after sha256: is cid_malformed (400 on GET /v1/facts/{cid}).",
     "file": "protocol/cid.py",
     "find": "CID_PATTERN = re.compile(r\"sha256:[0-9a-f]{64}\")",
     "replace": "CID_PATTERN = re.compile(r\"sha256:[0-9a-fA-F]{64}\")"},
    {"id": "b1-cid-syntax-prefix-match",
     "description": "The CID syntax check uses match instead of fullmatch, so a CID with trailing characters "
                    "after the 64 hex digits is treated as well formed (CIDF: 'sha256:' then exactly 64 "
                    "lowercase hex digits, else cid_malformed).",
     "file": "protocol/cid.py",
     "find": "CID_PATTERN.fullmatch(cid) is None",
     "replace": "CID_PATTERN.match(cid) is None"},
    {"id": "b1-cid-interpret-as-in-preimage",
     "description": "The value object hashed into the CID keeps every member the client sent, so interpret_as "
                    "changes the CID; the seed (\"Migrating\" §25) hashes exactly the six fields with value = "
                    "{type, v} and nothing else.",
     "file": "protocol/cid.py",
     "find": "        value = {\"type\": fact.value[\"type\"], \"v\": fact.value[\"v\"]}",
     "replace": "        value = dict(fact.value)"},
    {"id": "b1-cid-confidence-left-out",
     "description": "confidence is left out of the CID preimage, so two facts differing only in confidence share "
                    "a CID (seed \"Migrating\" §25: the canonical body includes exactly six fields, confidence "
                    "among them; CIDF: changing any of them MUST change the CID).",
     "file": "protocol/cid.py",
     "find": "return canonical({**common, \"confidence\": fact.confidence, \"value\": value})",
     "replace": "return canonical({**common, \"value\": value})"},
    {"id": "b1-cid-null-value-without-v",
     "description": "A null FactValue is hashed as {\"type\":\"null\"} without v (the Spec-01 input form) instead of "
                    "the stored {\"type\":\"null\",\"v\":null}, so every null fact gets a different CID (seed "
                    "\"Migrating\" §25 hashes the stored value; Spec-01 stores v null).",
     "file": "protocol/cid.py",
     "find": "        value = {\"type\": fact.value[\"type\"], \"v\": fact.value[\"v\"]}",
     "replace": "        value = ({\"type\": \"null\"} if fact.value[\"type\"] == \"null\"\n"
                "                 else {\"type\": fact.value[\"type\"], \"v\": fact.value[\"v\"]})"},
    {"id": "b1-cid-uppercase-digest",
     "description": "compute() emits the SHA-256 digest in uppercase hex; the seed defines CID = \"sha256:\" + "
                    "hex_lowercase(SHA-256(RFC8785(body))).",
     "file": "protocol/cid.py",
     "find": "return \"sha256:\" + hashlib.sha256(preimage(fact, rule)).hexdigest()",
     "replace": "return \"sha256:\" + hashlib.sha256(preimage(fact, rule)).hexdigest().upper()"},
    {"id": "b1-cid-prefix-case-sensitive",
     "description": "The path value is treated as a CID only when it starts with lowercase 'sha256:', so "
                    "'SHA256:...' is looked up as a fact id and answered 404 instead of 400 cid_malformed "
                    "(CIDF dual addressing: a malformed CID is a validation error).",
     "file": "api/facts.py",
     "find": "if raw[:7].lower() == \"sha256:\":",
     "replace": "if raw[:7] == \"sha256:\":",
     "equivalent": "Only changes SHA256:<hex> (not the lowercase sha256: CIDF names) from 400 cid_malformed to 404 "
                   "fact_not_found; interpretation cid_prefix_case records that either reading conforms."},
    {"id": "b1-cid-lookup-latest-not-earliest",
     "description": "GET /v1/facts/{cid} resolves a CID carried by several facts (same body, different "
                    "valid_until) to the newest instead of the earliest fact of that CID (CIDF dual addressing "
                    "through the alias index; the node answers the first fact written with the CID).",
     "file": "storage/facts.py",
     "find": "\"WHERE a.cid = ? ORDER BY f.seq LIMIT 1\"",
     "replace": "\"WHERE a.cid = ? ORDER BY f.seq DESC LIMIT 1\""},
    {"id": "b1-cid-dedup-ignores-interpret-as",
     "description": "The dedup lookup compares interpret_as with NULL whatever was sent, so re-asserting a "
                    "content fact as an instruction returns the old content record (CIDF dedup SHOULD return "
                    "the existing record only for the same fact; Spec-13 interpret_as is not in the CID, "
                    "upstream divergence D7).",
     "file": "storage/facts.py",
     "find": "_DUPLICATE, (fact.cid, fact.valid_until, fact.garden_id, fact.body.value.get(\"interpret_as\"))",
     "replace": "_DUPLICATE, (fact.cid, fact.valid_until, fact.garden_id, None)"},

    # --- entity URIs -----------------------------------------------------------------------------------------
    {"id": "b1-uri-tilde-not-unreserved",
     "description": "'~' is missing from the unreserved set, so it is percent-encoded as %7E and %7E is not "
                    "decoded (Spec-01 §Entity Naming Rules step 4 with RFC 3986 §2.3: unreserved includes '~').",
     "file": "protocol/entity_uri.py",
     "find": "_UNRESERVED = frozenset(\"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~\")",
     "replace": "_UNRESERVED = frozenset(\"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._\")"},
    {"id": "b1-uri-escape-hex-case-kept",
     "description": "Percent escapes of reserved characters keep the hex case the client wrote (%2f stays %2f), "
                    "so two spellings of one URI normalize differently (Spec-01 step 4; RFC 3986 §6.2.2.1 "
                    "uppercases escape hex digits).",
     "file": "protocol/entity_uri.py",
     "find": "else \"%\" + segment[i + 1 : i + 3].upper())",
     "replace": "else \"%\" + segment[i + 1 : i + 3])"},
    {"id": "b1-uri-escape-at-end-not-decoded",
     "description": "Off-by-one in the escape scan: an escape in the last three characters of a segment is not "
                    "recognised, so 'al%69' becomes 'al%2569' instead of 'ali' (Spec-01 step 4: percent-decode "
                    "unreserved characters).",
     "file": "protocol/entity_uri.py",
     "find": "if ch == \"%\" and i + 2 < len(segment)",
     "replace": "if ch == \"%\" and i + 3 < len(segment)"},
    {"id": "b1-uri-authority-case-kept",
     "description": "The authority of a formal URI is not lowercased, so stigmem://Company.Example/user/a and "
                    "stigmem://company.example/user/a are different entities (Spec-01 step 3: lowercase "
                    "scheme, authority, type and id).",
     "file": "protocol/entity_uri.py",
     "find": "return f\"{_FORMAL_PREFIX}{authority.lower()}/{type_}/{id_}\"",
     "replace": "return f\"{_FORMAL_PREFIX}{authority}/{type_}/{id_}\""},
    {"id": "b1-uri-empty-authority-accepted",
     "description": "A formal URI with an empty authority (stigmem:///user/alice) is accepted; Spec-01 says "
                    "ingest MUST reject formal URIs with an empty authority, type or id (upstream divergence 7).",
     "file": "protocol/entity_uri.py",
     "find": "if not (slash1 and slash2 and authority and type_ and id_):",
     "replace": "if not (slash1 and slash2 and type_ and id_):"},
    {"id": "b1-uri-informal-no-collapse",
     "description": "Informal URIs are lowercased but internal whitespace runs are not collapsed to '-', so "
                    "'user:Alice Smith' is stored as 'user:alice smith' (Spec-01 step 2; A08 §2.6.3 informal "
                    "branch; golden vector user:alice-smith).",
     "file": "protocol/entity_uri.py",
     "find": "    return _collapse(text.lower(), options.whitespace)",
     "replace": "    return text.lower()"},
    {"id": "b1-uri-trim-spaces-only",
     "description": "Trimming strips only spaces, not tabs or newlines, so '\\tuser:alice\\n' is refused (or "
                    "normalized differently) instead of trimmed (Spec-01 step 1: trim leading and trailing "
                    "whitespace).",
     "file": "protocol/entity_uri.py",
     "find": "return text.strip(_ASCII_WHITESPACE) if whitespace == \"ascii-all-segments\" else text.strip()",
     "replace": "return text.strip(\" \") if whitespace == \"ascii-all-segments\" else text.strip()"},
    {"id": "b1-uri-decoded-letter-case-kept",
     "description": "A percent-decoded unreserved letter is not lowercased (al%49ce -> alIce), so normalization is "
                    "not idempotent and two spellings of one entity differ (Spec-01 steps 3-4; A08 §2.6.3 "
                    "idempotence invariant).",
     "file": "protocol/entity_uri.py",
     "find": "out.append(octet.lower() if octet in _UNRESERVED",
     "replace": "out.append(octet if octet in _UNRESERVED"},
    {"id": "b1-uri-source-not-normalized",
     "description": "The asserted source is stored as sent instead of normalized; Spec-01: ingest MUST normalize "
                    "entity and source before persistence (and before the CID, CIDF §Write Path).",
     "file": "protocol/facts.py",
     "find": "    source = _uri(fact, \"source\", opts.uri)",
     "replace": "    source = relation(field_of(fact, \"source\"))"},

    # --- FactValue -------------------------------------------------------------------------------------------
    {"id": "b1-val-text-limit-chars",
     "description": "The text limit counts characters instead of UTF-8 bytes, so a 40000-character text of "
                    "3-byte characters passes a 65536-byte limit (Spec-01 §FactValue: inline text SHOULD be "
                    "<= 64 KB, MUST answer 413 above the configured limit).",
     "file": "protocol/values.py",
     "find": "len(v.encode(\"utf-8\")) > max_text_bytes",
     "replace": "len(v) > max_text_bytes"},
    {"id": "b1-val-text-limit-inclusive",
     "description": "Text of exactly the limit is refused (>= instead of >): a 65536-byte text gets 413 "
                    "although the limit is 64 KB inclusive (Spec-01 §FactValue).",
     "file": "protocol/values.py",
     "find": "len(v.encode(\"utf-8\")) > max_text_bytes",
     "replace": "len(v.encode(\"utf-8\")) >= max_text_bytes"},
    {"id": "b1-val-boolean-is-number",
     "description": "A JSON boolean is accepted as a number value ({\"type\":\"number\",\"v\":true}) because Python's "
                    "bool is an int; Spec-01 §FactValue: the variant names the JSON type of v (strict typing).",
     "file": "protocol/values.py",
     "find": "    if isinstance(v, bool) or not isinstance(v, int | float):\n        return False\n    try:",
     "replace": "    if not isinstance(v, int | float):\n        return False\n    try:"},
    {"id": "b1-val-leap-year-simplified",
     "description": "The datetime check treats every year divisible by 4 as a leap year, so 1900-02-29 is a "
                    "valid datetime value (RFC 3339 §5.7 and Appendix C leap-year rule).",
     "file": "protocol/values.py",
     "find": "    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)",
     "replace": "    leap = year % 4 == 0"},
    {"id": "b1-val-leap-second-rejected",
     "description": "Second 60 is refused, so an RFC 3339 leap second (23:59:60Z) is not a valid datetime value "
                    "(RFC 3339 §5.6-§5.7 allow time-second 60).",
     "file": "protocol/values.py",
     "find": "hour > 23 or minute > 59 or second > 60",
     "replace": "hour > 23 or minute > 59 or second > 59"},
    {"id": "b1-val-null-any-v",
     "description": "A null value accepts any v ({\"type\":\"null\",\"v\":5}) and stores it; Spec-01 §FactValue: "
                    "null carries no v (stored as v null).",
     "file": "protocol/values.py",
     "find": "        return isinstance(v, str) and _HAS_SCHEME.match(v) is not None\n    return v is None",
     "replace": "        return isinstance(v, str) and _HAS_SCHEME.match(v) is not None\n    return True"},
    {"id": "b1-val-datetime-uppercase-t-only",
     "description": "The datetime check requires an uppercase 'T' and 'Z', refusing 2026-01-01t00:00:00z which "
                    "RFC 3339 §5.6 (NOTE) allows in lower case.",
     "file": "protocol/values.py",
     "find": "r\"(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?(?:[Zz]|[+-](\\d{2}):(\\d{2}))\", re.ASCII",
     "replace": "r\"(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?(?:Z|[+-](\\d{2}):(\\d{2}))\", re.ASCII"},
    {"id": "b1-val-ref-equality-raw",
     "description": "Two ref values are compared as raw strings, not as normalized URIs, so refs differing only "
                    "in case form a contradiction (Spec-15: normalization applies before contradiction "
                    "detection; value_equality canonical).",
     "file": "protocol/values.py",
     "find": "        return _normalized_ref(va, uri_options) == _normalized_ref(vb, uri_options)",
     "replace": "        return va == vb"},

    # --- HLC -------------------------------------------------------------------------------------------------
    {"id": "b1-hlc-counter-unpadded",
     "description": "The counter is formatted without zero padding (W.3 instead of W.003), so string order is no "
                    "longer causal order (Spec-01 §HLC: counter zero-padded to 3 digits; upstream divergence D1).",
     "file": "protocol/hlc.py",
     "find": "return f\"{hlc.wall_ms:013d}.{hlc.counter:03d}\"",
     "replace": "return f\"{hlc.wall_ms:013d}.{hlc.counter}\""},
    {"id": "b1-hlc-carry-at-999",
     "description": "The counter carries into a new millisecond when it reaches 999 instead of when it passes "
                    "999, so counter 999 is never issued (A08 §2.4: a counter overflow past the 3-digit range "
                    "creates a new millisecond bucket).",
     "file": "protocol/hlc.py",
     "find": "if counter > _COUNTER_MAX and overflow == \"carry\":",
     "replace": "if counter >= _COUNTER_MAX and overflow == \"carry\":"},
    {"id": "b1-hlc-tick-no-reset",
     "description": "A local tick always increments the counter, even when the wall advanced (it should reset to "
                    "0): Spec-01 §HLC local write rule, 'increment counter if wall unchanged'.",
     "file": "protocol/hlc.py",
     "find": "    counter = last.counter + 1 if wall == last.wall_ms else 0\n",
     "replace": "    counter = last.counter + 1\n"},
    {"id": "b1-hlc-future-bound-inclusive",
     "description": "A remote HLC exactly at the future bound (+300000 ms) is rejected (>= instead of >); TM R-19 / "
                    "Spec-12 as the reference reads it accept exactly the bound.",
     "file": "protocol/hlc.py",
     "find": "remote.wall_ms - now_ms > max_future_skew_ms:",
     "replace": "remote.wall_ms - now_ms >= max_future_skew_ms:"},
    {"id": "b1-hlc-past-bound-seconds",
     "description": "The past-skew bound is 2592000 read as milliseconds (43 minutes) instead of 30 days: a unit "
                    "slip from TM R-19's federation_hlc_max_past_skew_s = 2592000 s (Spec-12 inbound bound).",
     "file": "protocol/hlc.py",
     "find": "DEFAULT_MAX_PAST_SKEW_MS = 2_592_000_000",
     "replace": "DEFAULT_MAX_PAST_SKEW_MS = 2_592_000"},
    {"id": "b1-hlc-future-bound-factor",
     "description": "The future-skew bound is 3000 s instead of 300 s (a factor of 10), so a fact 10 minutes ahead "
                    "is accepted (Spec-12 inbound bound; TM R-19 federation_hlc_max_future_skew_s = 300).",
     "file": "protocol/hlc.py",
     "find": "DEFAULT_MAX_FUTURE_SKEW_MS = 300_000",
     "replace": "DEFAULT_MAX_FUTURE_SKEW_MS = 3_000_000"},
    {"id": "b1-hlc-receive-ignores-remote-counter",
     "description": "On receive with local, remote and now sharing one wall, the counter follows only the local "
                    "counter, so the result can be below the remote HLC (Spec-01 §HLC receive rule; Kulkarni "
                    "HLC: c = max(l.c, r.c) + 1).",
     "file": "protocol/hlc.py",
     "find": "        counter = max(last.counter, remote.counter) + 1",
     "replace": "        counter = last.counter + 1"},
    {"id": "b1-hlc-receive-no-increment",
     "description": "When the remote wall wins, the merged HLC copies the remote counter instead of incrementing "
                    "it, so the receiver's HLC equals the remote one (Spec-01 §HLC: on receive, increment "
                    "counter; A08 §6.3).",
     "file": "protocol/hlc.py",
     "find": "        counter = remote.counter + 1",
     "replace": "        counter = remote.counter"},
    {"id": "b1-hlc-strict-input-lenient",
     "description": "Strict HLC input still accepts a 1- or 2-digit counter, so hlc_input=strict is the same as "
                    "lenient (Spec-01 §HLC 13.3 zero-padded form).",
     "file": "protocol/hlc.py",
     "find": "counter_digits = \"3\" if strict else \"1,3\"",
     "replace": "counter_digits = \"1,3\"",
     "equivalent": "Changes only the non-default reading hlc_input=strict (the default, lenient, already takes one "
                   "to three digits), so the default node is unchanged; under hlc_input=strict hlc-parse-007 and "
                   "hlc-parse-027 fail on it, which the default-preset mutant run does not select."},
    {"id": "b1-hlc-unicode-digits",
     "description": "The HLC pattern is matched without re.ASCII, so non-ASCII decimal digits (e.g. Arabic-Indic) "
                    "parse as an HLC (Spec-01 §HLC: {wall_ms_utc}.{counter} in ASCII digits).",
     "file": "protocol/hlc.py",
     "find": "re.fullmatch(rf\"\\d{{13}}\\.\\d{{{counter_digits}}}\", text, re.ASCII)",
     "replace": "re.fullmatch(rf\"\\d{{13}}\\.\\d{{{counter_digits}}}\", text)"},
    {"id": "b1-hlc-node-clock-seconds",
     "description": "The node's HLC reads physical time in seconds instead of milliseconds (now_us // 10**6), so "
                    "issued HLC walls are not wall_ms_utc (Spec-01 §HLC: HLC = {wall_ms_utc}.{counter}).",
     "file": "storage/store.py",
     "find": "self.hlc = HybridLogicalClock(lambda: self.clock.now_us() // 1000, start=start)",
     "replace": "self.hlc = HybridLogicalClock(lambda: self.clock.now_us() // 1_000_000, start=start)"},
    {"id": "b1-hlc-ingest-ticks-not-receives",
     "description": "Ingest stamps an inbound fact with a local tick instead of merging its HLC, so the node's "
                    "clock is not advanced past a received future HLC (A08 §6.3: the receiver MUST advance its "
                    "HLC to max(local, fact.hlc); architecture seed advance rule 2).",
     "file": "storage/replication.py",
     "find": "local_hlc = format_hlc(ctx.hlc.receive(inbound.hlc))",
     "replace": "local_hlc = format_hlc(ctx.hlc.tick())"},

    # --- contradictions and conflicts -------------------------------------------------------------------------
    {"id": "b1-conf-retraction-contradicts",
     "description": "A pair contradicts when either confidence is above 0, so a retraction (0.0) of a different "
                    "value contradicts the original (Spec-15 / architecture seed: both facts must have "
                    "confidence > 0.0).",
     "file": "protocol/contradictions.py",
     "find": "if not (a.confidence > 0 and b.confidence > 0):",
     "replace": "if not (a.confidence > 0 or b.confidence > 0):"},
    {"id": "b1-conf-cross-scope",
     "description": "Contradiction ignores scope: facts on the same entity and relation in different scopes "
                    "contradict (Spec-15 / architecture seed: same (entity, relation, scope)).",
     "file": "protocol/contradictions.py",
     "find": "    if a.triple != b.triple:\n        return False",
     "replace": "    if (a.entity, a.relation) != (b.entity, b.relation):\n        return False",
     "equivalent": "Unreachable under the default conflict_cardinality=winner: paired_with keeps only siblings of "
                   "the new fact's triple before contradicts() runs, and the node's sibling query is per (entity, "
                   "relation, scope), so the default node is unchanged. Under conflict_cardinality=pairwise it is "
                   "killed by contradictions-evaluate-057, which the default-preset mutant run does not select."},
    {"id": "b1-conf-entity-not-normalized",
     "description": "Contradiction detection reads entities as sent, so case or whitespace variants of one entity "
                    "do not contradict (Spec-15: normalization applies before contradiction detection).",
     "file": "protocol/contradictions.py",
     "find": "        entity=normalize(entity, r.fact.uri),",
     "replace": "        entity=entity,"},
    {"id": "b1-conf-winner-hlc-first",
     "description": "Query-time resolution prefers the higher HLC before the higher confidence (Spec-15 "
                    "§Query-Time Resolution / architecture seed: higher confidence wins, then higher hlc).",
     "file": "protocol/contradictions.py",
     "find": "        best = max((f.confidence, f.hlc) for f in in_conflict)\n"
             "        return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)",
     "replace": "        best = max((f.hlc, f.confidence) for f in in_conflict)\n"
                "        return sorted(f.id for f in in_conflict if (f.hlc, f.confidence) == best)"},
    {"id": "b1-conf-tie-broken-by-id",
     "description": "Facts tied on confidence and HLC are not all preferred: the tie is broken by the larger id "
                    "(Spec-15 / architecture seed: on a tie both are returned with contradicted: true).",
     "file": "protocol/contradictions.py",
     "find": "        return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)",
     "replace": "        return [max(f.id for f in in_conflict if (f.confidence, f.hlc) == best)]"},
    {"id": "b1-conf-reingest-not-skipped",
     "description": "A fact seen twice is evaluated twice, so it appears twice among its triple's facts and "
                    "winners (architecture seed: a fact arriving twice via replication is a no-op and must not "
                    "create a second conflict record).",
     "file": "protocol/contradictions.py",
     "find": "        if fact.id in seen:\n            continue\n",
     "replace": ""},
    {"id": "b1-conf-pairs-first-sibling-only",
     "description": "A new fact is paired only with the first contradicting sibling of its triple, so with three "
                    "differing facts one pair gets no conflict record (Spec-15: a contradiction exists between "
                    "every two facts meeting the conditions).",
     "file": "storage/ledger.py",
     "find": ('        _record_conflict(conn, stamp, sibling.id, fact_stamp.id, body.scope,'
              ' fact.garden_id)\n'),
     "replace": ('        _record_conflict(conn, stamp, sibling.id, fact_stamp.id, body.scope,'
                 ' fact.garden_id)\n'
                 '        break\n')},
    {"id": "b1-conf-expired-siblings-count",
     "description": "Sibling lookup forgets the expiry filter, so a new fact contradicts an expired fact of its "
                    "triple (Spec-15 §Expiry: expired facts are as if absent from ordinary reads; a "
                    "contradiction is between live facts).",
     "file": "storage/facts.py",
     "find": 'return conn.execute(_SIBLINGS, (entity, relation, scope, garden_id, now_us)).fetchall()',
     "replace": ('return conn.execute(_SIBLINGS.replace(" AND (f.valid_until_us IS NULL OR'
                 ' f.valid_until_us > ?)", ""),\n'
                 '                        (entity, relation, scope, garden_id)).fetchall()'),
     "equivalent": "siblings() serves only conflict_cardinality=pairwise; the default winner reading pairs through "
                   "preferred_siblings(), which keeps its expiry filter, so the default node is unchanged. On a node "
                   "started with --conflict-cardinality pairwise, http:expired_sibling_not_paired fails on it (run "
                   "by hand: the mutant runner starts the default node only)."},
    {"id": "b1-conf-expired-new-fact-detected",
     "description": "A fact asserted already expired still enters contradiction detection and raises a conflict "
                    "(Spec-15 §Expiry: an expired fact is hidden as if it did not exist).",
     "file": "storage/ledger.py",
     "find": "if body.confidence <= 0 or (fact.valid_until_us is not None and fact.valid_until_us <= now_us):",
     "replace": "if body.confidence <= 0:"},
    {"id": "b1-conf-between-comma",
     "description": "stigmem:conflict:between joins the two fact ids with a comma instead of one space (Spec-15 "
                    "§Conflict Entities: value text \"<fact-id-a> <fact-id-b>\").",
     "file": "storage/ledger.py",
     "find": "{\"type\": \"text\", \"v\": f\"{older} {newer}\"}",
     "replace": "{\"type\": \"text\", \"v\": f\"{older},{newer}\"}"},
    {"id": "b1-conf-between-local-scope",
     "description": "The stigmem:conflict:between fact is written in scope local instead of the pair's scope "
                    "(Spec-15 §Conflict Entities: scope=<same scope>).",
     "file": "storage/ledger.py",
     "find": "                       SYSTEM_SOURCE, 1.0, scope)\n    status = FactBody(conflict_id, \"stigmem:conflict:status\", {\"type\": \"string\", \"v\": \"unresolved\"},",
     "replace": "                       SYSTEM_SOURCE, 1.0, \"local\")\n    status = FactBody(conflict_id, \"stigmem:conflict:status\", {\"type\": \"string\", \"v\": \"unresolved\"},"},
    {"id": "b1-conf-resolution-system-source",
     "description": "The resolution fact is sourced system:stigmem instead of the caller's entity_uri (A08 §5.10 / "
                    "architecture seed: resolution writes a new fact with full provenance; upstream "
                    "divergence 5).",
     "file": "storage/ledger.py",
     "find": "    resolution = FactBody(pair[ENTITY], pair[RELATION], value, caller, 1.0, scope)",
     "replace": "    resolution = FactBody(pair[ENTITY], pair[RELATION], value, SYSTEM_SOURCE, 1.0, scope)"},
    {"id": "b1-conf-winner-outside-pair",
     "description": "A winning_fact_id that is not one of the conflict's two facts is accepted (200) instead of "
                    "422 invalid_resolution (A08 §5.10: the winner is one of the conflicting facts).",
     "file": "storage/ledger.py",
     "find": "    if winning_fact_id is not None and winning_fact_id not in (conflict.fact_a, conflict.fact_b):\n"
             "        raise StoreError(\"invalid_resolution\", f\"{winning_fact_id} is not one of the conflicting facts\")\n",
     "replace": ""},
    {"id": "b1-conf-still-contradicted-after-resolve",
     "description": "Resolving a conflict leaves its facts flagged contradicted (and hidden by default), so "
                    "resolution changes nothing for reads (Spec-15: resolution updates the conflict status to "
                    "resolved; upstream divergence D11).",
     "file": "storage/conflicts.py",
     "find": "    conn.execute(\"DELETE FROM open_conflict_facts WHERE conflict_id = ?\", (conflict_id,))\n",
     "replace": ""},

    # --- signatures, Ed25519, peer tokens -----------------------------------------------------------------------
    {"id": "b1-tok-lifetime-inclusive",
     "description": "A token living exactly one hour is refused (>= instead of >): A08 §3.5 says exp MUST be "
                    "<= iat + 3600000, so exactly one hour is allowed.",
     "file": "protocol/peer_tokens.py",
     "find": "if claims[\"exp\"] - claims[\"iat\"] > max_lifetime_ms:",
     "replace": "if claims[\"exp\"] - claims[\"iat\"] >= max_lifetime_ms:"},
    {"id": "b1-tok-expiry-leeway",
     "description": "The iat leeway is also granted after exp, so a token expired up to 30 s ago is accepted "
                    "(A08 §3.5: receivers MUST verify exp has not passed).",
     "file": "protocol/peer_tokens.py",
     "find": "    if now_ms > claims[\"exp\"]:",
     "replace": "    if now_ms > claims[\"exp\"] + leeway_ms:"},
    {"id": "b1-tok-leeway-seconds",
     "description": "The not-yet-valid leeway is multiplied by 1000 (seconds taken for ms), so a token issued "
                    "hours in the future is accepted (A08 §3.5 times are epoch milliseconds; 30 s leeway).",
     "file": "protocol/peer_tokens.py",
     "find": "if claims[\"iat\"] > now_ms + leeway_ms:",
     "replace": "if claims[\"iat\"] > now_ms + leeway_ms * 1000:"},
    {"id": "b1-tok-audience-case-insensitive",
     "description": "sub is compared to the receiver's node_id case-insensitively, so a token for another node id "
                    "differing only in case is accepted (A08 §3.5: sub MUST equal the receiver's own node_id).",
     "file": "protocol/peer_tokens.py",
     "find": "    if claims[\"sub\"] != audience:",
     "replace": "    if claims[\"sub\"].lower() != audience.lower():"},
    {"id": "b1-tok-claims-in-seconds",
     "description": "Issued peer tokens carry iat and exp in seconds (the usual JWT unit) instead of epoch "
                    "milliseconds, so receivers see them as long expired (A08 §3.5 PeerToken iat/exp: epoch_ms).",
     "file": "protocol/replay.py",
     "find": "return {\"iss\": issuer, \"sub\": subject, \"iat\": now_ms, \"exp\": now_ms + lifetime_ms, \"nonce\": nonce,",
     "replace": "return {\"iss\": issuer, \"sub\": subject, \"iat\": now_ms // 1000, \"exp\": (now_ms + lifetime_ms) // 1000,\n"
                "            \"nonce\": nonce,"},
    {"id": "b1-sig-noncanonical-key-accepted",
     "description": "The verifier no longer checks that the public key A decodes canonically, so a key encoding "
                    "with y >= p (which the library reduces) verifies (RFC 8032 §5.1.3 / §5.1.7 step 1: A must "
                    "decode; ed25519_policy strict).",
     "file": "protocol/ed25519_policy.py",
     "find": "if not decodes_canonically(public_key) or not decodes_canonically(r):",
     "replace": "if not decodes_canonically(r):"},
    {"id": "b1-sig-small-order-r-accepted",
     "description": "Policy strict rejects a small-order public key but not a small-order R (ed25519_policy "
                    "strict: both A and R of small order are rejected; RFC 8032 §5.1.7 leaves it to policy).",
     "file": "protocol/ed25519_policy.py",
     "find": "(public_key in SMALL_ORDER_ENCODINGS or r in SMALL_ORDER_ENCODINGS)",
     "replace": "(public_key in SMALL_ORDER_ENCODINGS)"},
    {"id": "b1-sig-b64-unused-bits",
     "description": "base64url decoding ignores non-zero unused bits in the last character, so one signature or "
                    "key has several accepted spellings (RFC 4648 §3.5 canonical encoding; STG-SIG-002 strict "
                    "base64url).",
     "file": "protocol/base64url.py",
     "find": "    if encode(data) != text:\n        raise Base64UrlError(\"base64url text has non-zero unused bits\")\n",
     "replace": ""},
    {"id": "b1-sig-tombstone-key-id-unsigned",
     "description": "A tombstone's key_id is left out of the signature preimage; the seed (\"Migrating\" RTBF) "
                    "excludes only signature and reason before canonicalization, so key_id is signed.",
     "file": "protocol/signatures.py",
     "find": "            frozenset({\"signature\", \"reason\"}),\n            (\"id\", \"entity_uri\",",
     "replace": "            frozenset({\"signature\", \"reason\", \"key_id\"}),\n            (\"id\", \"entity_uri\","},
    {"id": "b1-sig-revocation-reason-signed",
     "description": "A tombstone revocation signs its reason field; the seed (\"Migrating\" RTBF) excludes "
                    "signature and reason before RFC 8785 canonicalization.",
     "file": "protocol/signatures.py",
     "find": "            frozenset({\"signature\", \"reason\"}),\n            (\"id\", \"tombstone_id\",",
     "replace": "            frozenset({\"signature\"}),\n            (\"id\", \"tombstone_id\","},
    {"id": "b1-sig-declaration-rate-limit-unsigned",
     "description": "A PeerDeclaration's rate_limit is left out of the signed preimage, so it can be altered "
                    "without breaking the signature (architecture seed: the Ed25519 signature covers all "
                    "PeerDeclaration fields except declaration_sig; A08 §6.1).",
     "file": "protocol/signatures.py",
     "find": "            frozenset({\"declaration_sig\"}),",
     "replace": "            frozenset({\"declaration_sig\", \"rate_limit\"}),"},
    {"id": "b1-sig-pubkey-padded",
     "description": "The federation public key is published as padded base64url (44 characters with '='), "
                    "although keys and signatures are base64url without padding (A08 §5.3, §6.1; STG-SIG-002).",
     "file": "protocol/peering.py",
     "find": "    return base64url.encode(raw)",
     "replace": "    return base64url.encode(raw) + \"=\""},

    # --- HTTP facts, queries, paging, expiry ---------------------------------------------------------------------
    {"id": "b1-http-expiry-inclusive",
     "description": "A fact whose valid_until equals now is still returned (>= instead of >); A20 §24.2.1: alive at "
                    "T iff valid_until > T, expired once now >= valid_until (Spec-15 §Expiry).",
     "file": "storage/facts.py",
     "find": "clauses.append(\"(f.valid_until_us IS NULL OR f.valid_until_us > ?)\")",
     "replace": "clauses.append(\"(f.valid_until_us IS NULL OR f.valid_until_us >= ?)\")",
     "equivalent": "Differs only when a query runs in the very microsecond a fact's valid_until names; no client can tell "
                   "the node's clock for a read (the node exposes no clock control), so no black-box request can land there."},
    {"id": "b1-http-offset-sign-inverted",
     "description": "The RFC 3339 offset is applied with the wrong sign (+02:00 moves the instant later instead of "
                    "earlier), so expiry and the after filter compare wrong instants (RFC 3339 §4.2; Spec-15 "
                    "§Expiry compares instants).",
     "file": "clock.py",
     "find": "        seconds -= offset if match.group(8) == \"+\" else -offset",
     "replace": "        seconds += offset if match.group(8) == \"+\" else -offset"},
    {"id": "b1-http-min-confidence-exclusive",
     "description": "min_confidence=c excludes facts with confidence exactly c (> instead of >=); A08 §5.2 "
                    "min_confidence is a lower bound (REF uses >=).",
     "file": "storage/facts.py",
     "find": "clauses.append(\"f.confidence >= ?\")",
     "replace": "clauses.append(\"f.confidence > ?\")"},
    {"id": "b1-http-after-inclusive",
     "description": "after=t returns facts with timestamp exactly t (>= instead of >); A08 §5.2: after is an "
                    "exclusive timestamp filter.",
     "file": "storage/facts.py",
     "find": "clauses.append(\"f.timestamp_us > ?\")",
     "replace": "clauses.append(\"f.timestamp_us >= ?\")"},
    {"id": "b1-http-has-more-at-boundary",
     "description": "The query reports a next cursor when exactly limit facts remain (>= instead of >), so the last "
                    "page is followed by an empty one (S03 cursor pagination: cursor null when no more).",
     "file": "storage/store.py",
     "find": "        more = len(rows) > limit\n        records = [record(row, row[-1]) for row in rows[:limit]]",
     "replace": "        more = len(rows) >= limit\n        records = [record(row, row[-1]) for row in rows[:limit]]"},
    {"id": "b1-http-cursor-inclusive",
     "description": "The keyset condition includes the cursor row, so each page repeats the last fact of the "
                    "previous one (S03 cursor pagination: every fact exactly once).",
     "file": "storage/facts.py",
     "find": "clauses.append(\"(f.hlc, f.id) < (?, ?)\")",
     "replace": "clauses.append(\"(f.hlc, f.id) <= (?, ?)\")"},
    {"id": "b1-http-no-lookahead-row",
     "description": "The page query fetches exactly limit rows, so it can never see that more follow and the "
                    "cursor is always null (S03: collections SHOULD use cursor pagination; A08 §5.2 cursor).",
     "file": "storage/store.py",
     "find": "rows = fact_rows.page(conn, query, after, limit + 1)",
     "replace": "rows = fact_rows.page(conn, query, after, limit)"},
    {"id": "b1-http-limit-max-exclusive",
     "description": "limit=500 is refused (< instead of <=); A08 §5.2 / REF: limit max 500 inclusive.",
     "file": "api/params.py",
     "find": "if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:",
     "replace": "if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) < MAX_LIMIT:"},
    {"id": "b1-http-default-limit-100",
     "description": "GET /v1/facts defaults to 100 facts a page (the federation default) instead of 50 (A08 §5.2 / "
                    "REF: limit default 50).",
     "file": "api/params.py",
     "find": "DEFAULT_LIMIT = 50",
     "replace": "DEFAULT_LIMIT = 100",
     "equivalent": "The sources fix the largest page (500), not the default one; interpretation query_default_limit "
                   "records that any default from 1 to 500 conforms, and cursors still yield every match."},
    {"id": "b1-http-total-is-page-length",
     "description": "total is the number of facts on the page instead of every fact matching the filters "
                    "(S03 query response {facts, total, cursor}; total is computed over the whole result).",
     "file": "api/facts.py",
     "find": "answer: dict[str, Any] = {\"facts\": found, \"total\": total, \"cursor\": cursor}",
     "replace": "answer: dict[str, Any] = {\"facts\": found, \"total\": len(found), \"cursor\": cursor}"},
    {"id": "b1-http-contradicted-flag-presence",
     "description": "include_contradicted is read as present-means-true, so include_contradicted=false returns "
                    "contradicted facts (A08 §5.2: contradicted facts are excluded unless include_contradicted "
                    "is true).",
     "file": "api/params.py",
     "find": "    include_contradicted = _flag(params, \"include_contradicted\")",
     "replace": "    include_contradicted = \"include_contradicted\" in params"},
    {"id": "b1-http-query-entity-not-normalized",
     "description": "The entity and source query parameters are only trimmed, not normalized, so a case variant "
                    "of a stored entity finds nothing (Spec-01: query parameters entity and source MUST be "
                    "normalized before matching; A08 §2.6.5).",
     "file": "api/params.py",
     "find": "        return normalize(raw)\n    except InvalidEntityUri as exc:\n        raise ApiError(\"invalid_entity_uri\", f\"{name}: {exc}\") from exc",
     "replace": "        return raw.strip()\n    except InvalidEntityUri as exc:\n        raise ApiError(\"invalid_entity_uri\", f\"{name}: {exc}\") from exc"},
    {"id": "b1-http-timestamp-offset-form",
     "description": "The node stamps timestamps as ...+00:00 instead of ...Z (architecture seed: timestamp ISO 8601 "
                    "UTC; the node's timestamp_format uses 'Z'; upstream divergence 26).",
     "file": "clock.py",
     "find": "return (_EPOCH + timedelta(microseconds=us)).strftime(\"%Y-%m-%dT%H:%M:%S.%fZ\")",
     "replace": "return (_EPOCH + timedelta(microseconds=us)).strftime(\"%Y-%m-%dT%H:%M:%S.%f+00:00\")"},
    {"id": "b1-http-dedup-hit-201",
     "description": "A dedup hit (same body re-asserted) answers 201 Created instead of 200 with the existing "
                    "record (CIDF: return the existing record instead of creating a duplicate; nothing is "
                    "created).",
     "file": "storage/ledger.py",
     "find": "            results.append((record(existing), False))",
     "replace": "            results.append((record(existing), True))"},
    {"id": "b1-http-batch-cap-inclusive",
     "description": "A batch of exactly 50 facts is refused (>= instead of >); ADR-006: STIGMEM_BATCH_MAX_FACTS = 50 "
                    "is the largest allowed batch.",
     "file": "api/facts.py",
     "find": "    if len(items) > MAX_BATCH_FACTS:",
     "replace": "    if len(items) >= MAX_BATCH_FACTS:"},
    {"id": "b1-http-idempotency-across-keys",
     "description": "Batch idempotency records are looked up by key alone, so another API key's Idempotency-Key "
                    "replays the first caller's response (ADR-006: idempotency keys are scoped per API key).",
     "file": "storage/store.py",
     "find": "\"SELECT request_sha256, response, created_us FROM batch_idempotency WHERE owner = ? AND idempotency_key = ?\",\n        (owner, key),",
     "replace": "\"SELECT request_sha256, response, created_us FROM batch_idempotency WHERE idempotency_key = ?\",\n        (key,),"},
    {"id": "b1-http-idempotency-body-unchecked",
     "description": "A reused Idempotency-Key with a different request body replays the first answer instead of "
                    "409 idempotency_key_reused (ADR-006).",
     "file": "storage/store.py",
     "find": "    if row[0] != request_sha256:\n        raise StoreError(\"idempotency_key_reused\", \"this Idempotency-Key was used with a different request body\")\n",
     "replace": ""},

    # --- auth, scopes, keys -------------------------------------------------------------------------------------
    {"id": "b1-auth-scope-hierarchy",
     "description": "A key's allowed scopes are read as a hierarchy: a key allowed public may also use every "
                    "narrower scope (Spec-02 / architecture seed: allowed_scopes is a set; a key allowed "
                    "[\"local\"] cannot write public, and none implies another).",
     "file": "api/auth.py",
     "find": "        return scope in self.scopes",
     "replace": "        return bool(self.scopes) and SCOPES.index(scope) <= max(SCOPES.index(s) for s in self.scopes)"},
    {"id": "b1-auth-global-query-unfiltered",
     "description": "A query without scope= is not filtered by the key's allowed scopes, so it returns facts of "
                    "scopes the key may not read (Spec-02: cross-scope queries return results from all scopes "
                    "the caller's key allows, evaluated per scope).",
     "file": "api/params.py",
     "find": "        raise ApiError(\"scope_forbidden\", \"this key may not read any scope\")\n    return identity.scope_filter",
     "replace": "        raise ApiError(\"scope_forbidden\", \"this key may not read any scope\")\n    return None"},
    {"id": "b1-auth-empty-scopes-200",
     "description": "A key with an empty allowed_scopes list gets 200 with no facts instead of 403 (A08 §3.5: an "
                    "empty list means no access).",
     "file": "api/params.py",
     "find": "    if not identity.scopes:\n        # STG-SCOPE-006: a key with no allowed scope has no access at all.\n"
             "        raise ApiError(\"scope_forbidden\", \"this key may not read any scope\")\n",
     "replace": "",
     "equivalent": "Only turns the 403 on a global query by a key with no allowed scope into 200 with no "
                   "facts: the key still reads nothing (its scope filter is empty) and a scope= query stays "
                   "403. Interpretation scope_query_outside_key records that global queries filter silently, "
                   "and http:empty_allowed_scopes_denied admits both answers."},
    {"id": "b1-auth-empty-scopes-means-all",
     "description": "Creating a key with allowed_scopes [] gives it every scope (treated like an absent list); A08 "
                    "§3.5: default is all four scopes, an empty list means no access.",
     "file": "api/keys.py",
     "find": "scopes = SCOPES if allowed_scopes is None else _names(allowed_scopes, SCOPES, \"allowed_scopes\")",
     "replace": "scopes = SCOPES if not allowed_scopes else _names(allowed_scopes, SCOPES, \"allowed_scopes\")"},
    {"id": "b1-auth-revoked-key-works",
     "description": "Key lookup ignores revocation, so a revoked key still authenticates (A08 §3.5 / A10 §18.10: "
                    "a revoked key is refused with 401).",
     "file": "storage/keys.py",
     "find": "f\"SELECT {_COLUMNS} FROM api_keys WHERE key_sha256 = ? AND revoked_at IS NULL\", (key_digest,)",
     "replace": "f\"SELECT {_COLUMNS} FROM api_keys WHERE key_sha256 = ?\", (key_digest,)"},
    {"id": "b1-auth-digest-key-prefix",
     "description": "The stored SHA-256 digest covers only the first 24 characters of the raw key, so a key with "
                    "a wrong tail authenticates (architecture seed: the node stores the SHA-256 hex digest of "
                    "the raw key and matches the whole key).",
     "file": "storage/keys.py",
     "find": "return hashlib.sha256(raw_key.encode(\"utf-8\", \"surrogatepass\")).hexdigest()",
     "replace": "return hashlib.sha256(raw_key[:24].encode(\"utf-8\", \"surrogatepass\")).hexdigest()"},
    {"id": "b1-auth-bearer-case-sensitive",
     "description": "The Authorization scheme must be spelled 'Bearer' exactly; RFC 7235 §2.1 / RFC 6750 §2.1 "
                    "make the scheme name case-insensitive, so 'bearer <key>' is wrongly 401.",
     "file": "api/auth.py",
     "find": "    if scheme.lower() != \"bearer\" or not token:",
     "replace": "    if scheme != \"Bearer\" or not token:"},
    {"id": "b1-auth-resolve-read-permission",
     "description": "Resolving a conflict needs only read permission, although it writes facts (A08 §5.10 / "
                    "Spec-03: resolution is a write; write permission required).",
     "file": "api/conflicts.py",
     "find": "    identity = caller(request, \"write\")",
     "replace": "    identity = caller(request, \"read\")"},
    {"id": "b1-auth-backfill-status-read",
     "description": "GET /v1/admin/cid-backfill/status is open to any key with read permission; A20 and CV20 make "
                    "it admin-only (upstream divergence D14).",
     "file": "api/admin.py",
     "find": 'identity = caller(request, "admin")\n    store: Store = request.app.state.store\n    return JSONResponse(store.backfill_status(',
     "replace": 'identity = caller(request, "read")\n    store: Store = request.app.state.store\n    return JSONResponse(store.backfill_status('},
    {"id": "b1-auth-list-keys-read",
     "description": "Listing API keys needs only read permission; A10 §18.10: key management needs admin.",
     "file": "api/keys.py",
     "find": 'identity = caller(request, "admin")\n    store: Store = request.app.state.store\n    return JSONResponse({"keys"',
     "replace": 'identity = caller(request, "read")\n    store: Store = request.app.state.store\n    return JSONResponse({"keys"'},
    {"id": "b1-auth-get-by-id-any-scope",
     "description": "GET /v1/facts/{id} ignores the key's allowed scopes, so a fact in another scope is returned "
                    "instead of 404 (Spec-02: scope is enforced at read time; Spec-03: it must not leak).",
     "file": "api/facts.py",
     "find": ('    found = store.fact(ref, identity.scope_filter if identity.scopes else (),'
              ' identity.reader)'),
     "replace": '    found = store.fact(ref, None, identity.reader)'},
    {"id": "b1-auth-conflicts-unfiltered",
     "description": "GET /v1/conflicts lists conflicts of every scope, not only the key's allowed scopes (Spec-02 "
                    "read-time scope enforcement).",
     "file": "api/conflicts.py",
     "find": "store.conflicts(params.status, identity.scope_filter, params.before_seq, params.limit,",
     "replace": "store.conflicts(params.status, None, params.before_seq, params.limit,"},
    {"id": "b1-auth-resolve-other-scope",
     "description": "A conflict in a scope the key may not touch can be resolved (the scope check is dropped; "
                    "Spec-02 write-time scope enforcement; the conflict should be 404 for that key).",
     "file": "storage/ledger.py",
     "find": "    if conflict is None or (scopes is not None and conflict.scope not in scopes):",
     "replace": "    if conflict is None:"},

    # --- errors and statuses ------------------------------------------------------------------------------------
    {"id": "b1-err-entity-uri-422",
     "description": "An invalid entity URI is answered 422 instead of 400 (A08 §2.6.4: HTTP 400 "
                    "{\"error\": \"invalid_entity_uri\"}).",
     "file": "api/errors.py",
     "find": "    \"invalid_entity_uri\": 400,",
     "replace": "    \"invalid_entity_uri\": 422,"},
    {"id": "b1-err-parameter-422",
     "description": "A bad query parameter (limit=0, limit=501, scope=universe) is answered 422 instead of 400 "
                    "(the node's error table; the upstream node: an invalid scope value -> 400).",
     "file": "api/errors.py",
     "find": "    \"invalid_parameter\": 400,",
     "replace": "    \"invalid_parameter\": 422,",
     "equivalent": "Only moves a bad query parameter from 400 to 422; interpretation error_envelope records that the "
                   "suite accepts 400 or 422 for validation failures (FastAPI-style nodes answer 422), and the "
                   "error code invalid_parameter is unchanged."},
    {"id": "b1-err-as-of-400",
     "description": "as_of on a default install is answered 400 instead of 501 time_travel_plugin_not_loaded "
                    "(X3: default installs MUST fail closed with 501).",
     "file": "api/errors.py",
     "find": "    \"time_travel_plugin_not_loaded\": 501,",
     "replace": "    \"time_travel_plugin_not_loaded\": 400,"},
    {"id": "b1-err-already-resolved-400",
     "description": "Resolving an already resolved conflict is answered 400 instead of 409 (A08 §5.10 / REF 409).",
     "file": "api/errors.py",
     "find": "    \"conflict_already_resolved\": 409,",
     "replace": "    \"conflict_already_resolved\": 400,"},
    {"id": "b1-err-text-too-large-422",
     "description": "Text above the node's limit is answered 422 instead of 413 (Spec-01 §FactValue: MUST return "
                    "HTTP 413).",
     "file": "api/errors.py",
     "find": "    \"value_too_large\": 413,",
     "replace": "    \"value_too_large\": 422,"},
    {"id": "b1-err-min-confidence-500",
     "description": "min_confidence is parsed with float() unguarded, so min_confidence=abc raises and answers 500 "
                    "(Spec-03 API Style: bad input is a 4xx, never a 500).",
     "file": "api/params.py",
     "find": "    value = float(raw) if _NUMBER.fullmatch(raw) else math.nan",
     "replace": "    value = float(raw)"},
    {"id": "b1-err-cursor-non-ascii-500",
     "description": "A cursor that decodes to non-ASCII bytes raises UnicodeDecodeError out of the handler (500) "
                    "instead of 400 invalid_cursor (Spec-03 API Style: a garbage cursor -> 4xx, never 500).",
     "file": "api/params.py",
     "find": "    except (base64url.Base64UrlError, UnicodeDecodeError) as exc:",
     "replace": "    except base64url.Base64UrlError as exc:"},
    {"id": "b1-err-deep-json-500",
     "description": "A deeply nested JSON body raises RecursionError out of the parser (500) instead of 400 "
                    "malformed_json (Spec-03: client input never yields a 5xx).",
     "file": "api/bodies.py",
     "find": "    except (ValueError, RecursionError) as exc:",
     "replace": "    except ValueError as exc:"},
    {"id": "b1-err-relation-surrogate-code",
     "description": "The relation is not checked for unpaired surrogates at the body check, so '\\ud800' is refused "
                    "later by the CID canonicalization as 400 malformed_json instead of 422 invalid_body (the body "
                    "is well-formed JSON; Spec-03: a clear, stable error code).",
     "file": "api/bodies.py",
     "find": "    if \"relation\" in body:\n        text(body[\"relation\"], \"relation\")\n",
     "replace": ""},
    {"id": "b1-err-no-www-authenticate",
     "description": "401 answers carry no WWW-Authenticate: Bearer challenge (RFC 7235 §3.1 / RFC 6750 §3: a 401 "
                    "MUST send a challenge; the upstream node sends Bearer).",
     "file": "api/auth.py",
     "find": "_CHALLENGE = {\"WWW-Authenticate\": \"Bearer\"}",
     "replace": "_CHALLENGE: dict[str, str] = {}"},

    # --- discovery ------------------------------------------------------------------------------------------------
    {"id": "b1-disc-push-advertised",
     "description": "Discovery advertises a push endpoint although push answers 405 (A08 §5.3: "
                    "federation_endpoints.push is null when push is not supported; nodes advertising push MUST "
                    "accept it).",
     "file": "api/discovery.py",
     "find": "                                         \"push\": None}",
     "replace": "                                         \"push\": \"/v1/federation/facts/push\"}"},
    {"id": "b1-disc-auth-always-required",
     "description": "Discovery always says auth: required, even on a node started with --auth none (architecture "
                    "seed: auth mode is advertised at /.well-known/stigmem as \"none\" | \"required\").",
     "file": "api/discovery.py",
     "find": "        \"auth\": settings.auth,",
     "replace": "        \"auth\": \"required\","},
    {"id": "b1-disc-federation-boolean",
     "description": "Discovery's federation member is a boolean instead of the string enum \"disabled\" | "
                    "\"enabled\" (A08 §5.3; CV20 requires a string).",
     "file": "api/discovery.py",
     "find": "        \"federation\": \"disabled\" if federation is None else \"enabled\",",
     "replace": "        \"federation\": federation is not None,"},

    # --- federation: declarations, registration, serving, ingest, nonces, audit ------------------------------------
    {"id": "b1-fed-pubkey-mismatch-accepted",
     "description": "Registration does not compare the declared federation_pubkey with the declarer's discovery "
                    "document, so a declaration signed by another key becomes active (A08 §5.6: pubkey differs "
                    "from the well-known key -> rejected; Spec-05 verification step 4).",
     "file": "protocol/peering.py",
     "find": "    if discovered.get(\"federation_pubkey\") != document.get(\"federation_pubkey\"):\n        return \"pubkey_mismatch\"\n",
     "replace": ""},
    {"id": "b1-fed-local-scope-declarable",
     "description": "Verification accepts a declaration whose allowed_scopes include local (architecture seed: "
                    "local never leaves this instance; A08 §6.4).",
     "file": "protocol/peering.py",
     "find": "all(scope in DECLARABLE_SCOPES for scope in scopes)",
     "replace": "all(scope in SCOPES for scope in scopes)"},
    {"id": "b1-fed-serve-ignores-token-scopes",
     "description": "Pull serving uses the declaration's scopes alone, ignoring the token's scopes claim (A08 §5.8: "
                    "MUST NOT return facts outside the intersection of allowed_scopes and the token's scopes).",
     "file": "protocol/replication.py",
     "find": "return tuple(s for s in SCOPES if s in declared and s in token_scopes and s not in NEVER_FEDERATED)",
     "replace": "return tuple(s for s in SCOPES if s in declared and s not in NEVER_FEDERATED)"},
    {"id": "b1-fed-team-federated",
     "description": "team is federatable: only local is never federated (architecture seed: team is never "
                    "federated; Spec-01 / A08 §2.2 MUST NOT federate local or team facts).",
     "file": "protocol/replication.py",
     "find": "NEVER_FEDERATED = frozenset({\"local\", \"team\"})",
     "replace": "NEVER_FEDERATED = frozenset({\"local\"})"},
    {"id": "b1-fed-ingest-team-accepted",
     "description": "Ingest refuses local facts but accepts team facts from a peer that declared team (A08 §6.4 "
                    "table: team is never federated; inbound facts beyond peer authority MUST be rejected).",
     "file": "protocol/replication.py",
     "find": "    if scope in NEVER_FEDERATED or scope not in declared_scopes:",
     "replace": "    if scope == \"local\" or scope not in declared_scopes:"},
    {"id": "b1-fed-source-authority-suffix",
     "description": "Source ownership compares authorities by suffix, so a peer at node-a.test may send facts "
                    "sourced from evil-node-a.test (A08 §6.4 provenance non-forgery: the source must be the "
                    "peer or a sub-entity it owns).",
     "file": "protocol/replication.py",
     "find": "    return peer_authority is not None and authority(source) == peer_authority",
     "replace": "    return peer_authority is not None and (authority(source) or \"\").endswith(peer_authority)"},
    {"id": "b1-fed-ingest-missing-cid-accepted",
     "description": "An inbound fact without a cid is accepted unchecked; only a present cid is recomputed "
                    "(CIDF §Federation Use: receivers recompute and reject mismatches; A20 §25.4.1 the envelope "
                    "MUST carry cid).",
     "file": "protocol/replication.py",
     "find": "    if raw.get(\"cid\") != computed:",
     "replace": "    if raw.get(\"cid\") is not None and raw.get(\"cid\") != computed:"},
    {"id": "b1-fed-ingest-reserved-relation",
     "description": "Ingest accepts node-only relations (stigmem:conflict:*, stigmem:received_from) from a peer, "
                    "letting it forge conflict or provenance facts (A08 §6.5 conflict entities are local "
                    "accounting; Spec-15 received_from is written by the receiver).",
     "file": "protocol/replication.py",
     "find": "    if namespaces.reserved(fact.relation):\n        return _reject(\"invalid_fact\", f\"relation {fact.relation} is written only by a node for itself\", fact_id)\n",
     "replace": ""},
    {"id": "b1-fed-serve-meta-facts",
     "description": "Only stigmem:received_from is held back from federation endpoints; other stigmem: meta-facts "
                    "(stigmem:resolves, ...) are servable (Spec-15: local accounting meta-facts MUST NOT be "
                    "re-replicated; REF excludes relations starting stigmem:).",
     "file": "protocol/replication.py",
     "find": "        or relation.casefold().startswith(_META_RELATION)",
     "replace": "        or relation.casefold() == RECEIVED_FROM"},
    {"id": "b1-fed-relaying",
     "description": "Facts received from a peer are served again on /v1/federation/facts (relaying): A08 §6.8 / "
                    "Spec-05 forbid re-federating company facts and the node's interpretation relaying = none.",
     "file": "storage/replication.py",
     "find": "    \"f.received_from IS NULL AND f.garden_id IS NULL AND f.relation NOT LIKE 'stigmem:%' \"",
     "replace": "    \"f.garden_id IS NULL AND f.relation NOT LIKE 'stigmem:%' \""},
    {"id": "b1-fed-serve-cursor-inclusive",
     "description": "The pull page includes the fact at the cursor, so every page repeats the last fact of the "
                    "previous one (A08 §5.8: the cursor encodes the last fact returned; pages continue after "
                    "it).",
     "file": "storage/replication.py",
     "find": "clauses.append(\"(f.local_hlc, f.id) > (?, ?)\")",
     "replace": "clauses.append(\"(f.local_hlc, f.id) >= (?, ?)\")"},
    {"id": "b1-fed-serve-has-more-boundary",
     "description": "has_more is true when exactly limit facts remain (>= instead of >), so the last full page "
                    "claims more (A08 §5.8 {facts, cursor, has_more}).",
     "file": "storage/replication.py",
     "find": "    more = len(rows) > limit\n    records = [record(row[:-1]) for row in rows[:limit]]",
     "replace": "    more = len(rows) >= limit\n    records = [record(row[:-1]) for row in rows[:limit]]"},
    {"id": "b1-fed-empty-page-null-cursor",
     "description": "An empty pull page answers cursor null instead of echoing the cursor it was given, so a "
                    "client storing it restarts from the beginning (A08 §5.8: null means from the beginning; "
                    "Spec-05 reusing a cursor MUST be idempotent).",
     "file": "api/federation.py",
     "find": "cursor = encode_cursor(\"p1\", *last) if last is not None else (raw_cursor or None)",
     "replace": "cursor = encode_cursor(\"p1\", *last) if last is not None else None"},
    {"id": "b1-fed-pending-peer-pulls",
     "description": "Only rejected peers are refused on the pull route, so a pending_approval peer's token is "
                    "accepted (Spec-05: a node MUST NOT replicate with a peer until it is registered and "
                    "verified; TM R-26 tokens from pending peers are rejected).",
     "file": "api/peer_auth.py",
     "find": "    if peer is None or peer.status != \"active\":",
     "replace": "    if peer is None or peer.status == \"rejected\":",
     "equivalent": "The node holds peers only as active or rejected unless it is started with --peer-approval "
                   "(peer_lifecycle approval-required, not the default), so no peer is ever pending on the default "
                   "node and only active peers pass; no check runs a node with the approval gate on."},
    {"id": "b1-fed-scope-violation-not-audited",
     "description": "A pull of a forbidden scope is refused 403 but not audited (A08 §6.4 / §6.8.3(3): reject with "
                    "403 and log event_type scope_violation).",
     "file": "api/federation.py",
     "find": "            federation.store.audit(\"scope_violation\", \"scope_forbidden\", peer=peer,\n"
             "                                   detail=f\"pull of scope {scope}; this peer may pull {list(servable)}\")\n",
     "replace": ""},
    {"id": "b1-fed-nonce-window-only",
     "description": "A nonce is remembered only for the 5-minute window, not until the token expires, so a "
                    "one-hour token can be replayed after 5 minutes (A08 §6.6(3): the nonce cache MUST cover the "
                    "token validity window; interpretation nonce_retention until-expiry).",
     "file": "protocol/replay.py",
     "find": "    return max(exp_ms, accepted_at_ms + window_ms)",
     "replace": "    return accepted_at_ms + window_ms"},
    {"id": "b1-fed-nonce-retention-exclusive",
     "description": "A nonce is treated as forgotten at its retain_until instant itself (> instead of >=), so a "
                    "replay at exactly that millisecond is accepted (retain_until is the last instant a replay "
                    "is refused, inclusive; Spec-11 / A08 §6.6(3)).",
     "file": "storage/nonces.py",
     "find": "\"SELECT 1 FROM federation_nonces WHERE nonce = ? AND retain_until_ms >= ?\", (nonce, now_ms)",
     "replace": "\"SELECT 1 FROM federation_nonces WHERE nonce = ? AND retain_until_ms > ?\", (nonce, now_ms)",
     "equivalent": "Differs only for a replay arriving in the very millisecond retain_until names (max(exp, first use "
                   "+ 5 min)); before it both refuse and after exp the token is expired anyway. The node exposes no "
                   "clock control, so no black-box request can land in that millisecond."},
    {"id": "b1-fed-replay-audited-as-token",
     "description": "A replayed nonce is audited as rejected_token instead of replay_attempt (A08 §10 "
                    "federation_audit event types; Spec-18 replay failures are audited as replays).",
     "file": "protocol/replay.py",
     "find": "    return \"replay_attempt\" if code == \"nonce_already_seen\" else \"rejected_token\"",
     "replace": "    return \"rejected_token\""},
    {"id": "b1-fed-audit-no-fact-id",
     "description": "Rejected inbound facts are audited without their fact_id (A08 §6.4: every rejected inbound "
                    "fact MUST be recorded with peer_id, fact_id, rejection reason and timestamp).",
     "file": "storage/replication.py",
     "find": "                fact_id=rejection.fact_id, detail=rejection.detail)",
     "replace": "                fact_id=None, detail=rejection.detail)"},
    {"id": "b1-fed-origin-hlc-replaced",
     "description": "An ingested fact is stored with the receiver's merged HLC instead of the origin's hlc "
                    "(A08 §2.4: nodes MUST store and propagate hlc; upstream divergence D2).",
     "file": "storage/replication.py",
     "find": "stamp = Stamp(fact.id, format_timestamp(timestamp_us), timestamp_us, format_hlc(fact.hlc))",
     "replace": "stamp = Stamp(fact.id, format_timestamp(timestamp_us), timestamp_us, local_hlc)"},
    {"id": "b1-fed-origin-timestamp-replaced",
     "description": "An ingested fact is stamped with the receiver's time instead of the origin's timestamp "
                    "(Spec-15 §Provenance: source and timestamp MUST be stored without modification).",
     "file": "storage/replication.py",
     "find": "    timestamp_us = instant_us(fact.timestamp)\n",
     "replace": "    timestamp_us = ctx.clock.now_us()\n"},
    {"id": "b1-fed-received-from-string",
     "description": "The stigmem:received_from meta-fact carries the origin node as a string value instead of a "
                    "ref (architecture seed: value {\"type\": \"ref\", \"v\": \"<originating-node-id>\"}).",
     "file": "storage/ledger.py",
     "find": "{\"type\": \"ref\", \"v\": peer_node_id}",
     "replace": "{\"type\": \"string\", \"v\": peer_node_id}"},
    {"id": "b1-fed-ingest-no-cid-dedup",
     "description": "Ingest dedups only by fact id, so the same content under a new id is stored again (CIDF: the "
                    "node returns the existing record for an existing CID; architecture seed: re-asserting a fact "
                    "that already exists is a no-op).",
     "file": "storage/replication.py",
     "find": "    if conn.execute(\"SELECT 1 FROM facts WHERE cid = ? LIMIT 1\", (inbound.cid,)).fetchone():\n"
             "        return \"held\"  # step 1 by (verified) CID: the same content is already here\n",
     "replace": ""},
]
