"""The catalogue of semantic mutants of the reference node (mutation testing, step 1).

Each mutant is one deliberate protocol fault: replace the exact snippet ``find`` (which must occur once in
``reference_node/<file>``) with ``replace``. ``runners`` names the suite runner(s) expected to catch it:
``vectors`` (golden vectors through the stdio adapter) and/or ``run`` (the HTTP checks against the embedded
node). A mutant with ``equivalent`` set cannot be told apart from the correct node by any black-box run, for
the reason given; it is still run, and its survival is expected rather than counted as a gap.

Plain data: ``tests/mutants/run.py`` applies and runs them, ``tests/mutants/test_catalogue.py`` keeps every
snippet honest against the current tree.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AUTHORED", "CATALOGUE", "RUNNERS", "Mutant", "blind_rounds", "by_id"]

RUNNERS = ("vectors", "run")


@dataclass(frozen=True)
class Mutant:
    id: str
    description: str
    requirements: tuple[str, ...]
    file: str  # path under reference_node/
    find: str  # exact snippet, occurring once in the file
    replace: str
    runners: tuple[str, ...]  # which runner(s) catch it
    equivalent: str | None = None  # why no black-box run can detect it (expected survivor)
    round: int = 0  # 0: written beside the checks; N: blind round N (tests/mutants/blind/roundN.py)

    @property
    def profile(self) -> str | None:
        """The profile the ``run`` runner checks: federation mutants need core-federation, garden mutants gardens,
        quarantine mutants quarantine, the rest core-local; a blind mutant runs every profile the node claims (its
        author did not know which check should catch it)."""
        if self.round:
            return None
        if self.id.startswith("gardens-"):
            return "gardens"
        if self.id.startswith("quarantine-"):
            return "quarantine"
        if self.id.startswith(("trust-", "cap-", "tlog-", "man-")):
            return "federation-trust"  # source trust, capability tokens, the transparency log, manifests (issue 15)
        if self.id.startswith("tomb-"):
            return "tombstones"
        if self.id.startswith("tt-"):
            return "time-travel"
        if self.id.startswith("rec-"):
            return "recall"
        if self.id.startswith(("quota-", "work-", "tls-", "hard-", "rotate-")):
            return "hardening"  # the suite runs the embedded node over mTLS for this profile
        return "core-federation" if self.id.startswith("fed-") else "core-local"

    @property
    def config(self) -> str | None:
        """The node configuration (``tests/mutants/run.py`` CONFIGS) the mutant runs under whatever --config says:
        quarantine mutants need strict trust mode, where pulled facts are held; None: the chosen one."""
        if self.round:
            return None
        if self.id.startswith(("trust-off-", "trust-weights-", "trust-strict-")):
            return self.id.split("-")[0] + "-" + self.id.split("-")[1]
        return "trust-strict" if self.id.startswith("quarantine-") else None


def _m(id: str, description: str, requirements: str, file: str, find: str, replace: str, runners: str,
       equivalent: str | None = None) -> Mutant:
    return Mutant(id, description, tuple(requirements.split()), file, find, replace, tuple(runners.split()),
                  equivalent)


# audit-after-response: the assert answers first and writes its audit event half a second later, in a task.
_LATE_AUDIT_FIND = """    try:
        with store.db.transaction() as conn:
            [(written, created)] = store.assert_facts([fact], identity.reader)
            _written(conn, store, identity, written, created, "assert")
"""
_LATE_AUDIT_REPLACE = """    try:
        [(written, created)] = store.assert_facts([fact], identity.reader)

        async def later() -> None:
            import asyncio
            await asyncio.sleep(0.5)
            with store.db.transaction() as conn:
                _written(conn, store, identity, written, created, "assert")

        import asyncio
        request.app.state.late_audit = asyncio.get_running_loop().create_task(later())
"""


AUTHORED: tuple[Mutant, ...] = (
    # --- JCS (RFC 8785) -------------------------------------------------------------------------------------
    _m("jcs-duplicate-key-accepted", "JSON text with a duplicate member name is canonicalized instead of rejected",
       "STG-JCS-005", "protocol/jcs.py",
       "if len(set(names)) != len(names):", "if False:", "vectors"),
    _m("jcs-nonfinite-accepted", "a number beyond the double range (1e400) is accepted as infinity",
       "STG-JCS-007", "protocol/jcs.py",
       "if not math.isfinite(value):\n            faults.append(", "if False:\n            faults.append(",
       "vectors",
       equivalent="every path through the adapter re-checks: canonical() refuses the infinity when it serializes, "
                  "peer-token claims with it are refused as non-integer times, and an infinity in extra claims "
                  "cannot be written into the adapter's JSON answer (allow_nan=False), which the adapter reports "
                  "as token_malformed; only a node verifying peer tokens itself (core-federation) would show it"),
    _m("jcs-lone-surrogate-accepted", "an escaped unpaired surrogate in JSON text is accepted",
       "STG-JCS-006", "protocol/jcs.py",
       "if _walk_has_surrogate(value):", "if False:", "vectors"),
    _m("jcs-invalid-utf8-replaced", "invalid UTF-8 is decoded with U+FFFD replacement instead of rejected",
       "STG-JCS-008", "protocol/jcs.py",
       'text = data.decode("utf-8")', 'text = data.decode("utf-8", "replace")', "vectors"),
    _m("jcs-python-json", "canonical JSON is Python's sorted json.dumps: code-point key order, 1.0 kept as 1.0",
       "STG-JCS-001 STG-JCS-002 STG-JCS-003 STG-CID-002", "protocol/jcs.py",
       "return bytes(rfc8785.dumps(_as_ijson(value)))",
       'return json.dumps(_as_ijson(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)'
       '.encode("utf-8")',
       "vectors run"),
    _m("jcs-number-15-digits", "doubles are serialized with 15 significant digits, not the shortest round trip",
       "STG-JCS-003 STG-CID-002", "protocol/jcs.py",
       'raise JcsNumberOutOfRange(f"{value} is not a finite double")\n        return value',
       'raise JcsNumberOutOfRange(f"{value} is not a finite double")\n        return float(f"{value:.15g}")',
       "vectors run"),
    # --- CIDs ------------------------------------------------------------------------------------------------
    _m("cid-confidence-left-out", "the jcs-6 preimage leaves confidence out (wrong CID field set)",
       "STG-CID-002 STG-CID-004", "protocol/cid.py",
       'return canonical({**common, "confidence": fact.confidence, "value": value})',
       'return canonical({**common, "value": value})', "vectors run"),
    _m("cid-interpret-as-hashed", "the jcs-6 preimage hashes interpret_as along with type and v",
       "STG-CID-002 STG-CID-005", "protocol/cid.py",
       'value = {"type": fact.value["type"], "v": fact.value["v"]}', "value = dict(fact.value)",
       "vectors run"),
    _m("cid-relation-nfc", "the preimage NFC-normalizes the relation (RFC 8785 hashes strings as sent)",
       "STG-CID-002 STG-CID-005", "protocol/cid.py",
       '"relation": fact.relation,', '"relation": __import__("unicodedata").normalize("NFC", fact.relation),',
       "vectors"),
    _m("cid-relation-lowercased", "the preimage lowercases the relation, as it does entity and source",
       "STG-CID-002 STG-CID-005", "protocol/cid.py",
       '"relation": fact.relation,', '"relation": fact.relation.lower(),', "vectors"),
    # --- edge pairs of the query filters, conflict pages and key minting (conformance/checks/query_edges.py)
    _m("qry-min-confidence-15-digits", "min_confidence is read to 15 significant digits, so the double just above "
       "0.5 filters like 0.5", "STG-QRY-005", "api/params.py",
       "        raise _bad(\"min_confidence\", \"must be a number from 0 to 1\")\n    return value",
       "        raise _bad(\"min_confidence\", \"must be a number from 0 to 1\")\n    return float(f\"{value:.15g}\")",
       "run"),
    _m("qry-min-confidence-tolerance", "min_confidence accepts values a hair above 1 (a float tolerance)",
       "STG-QRY-010", "api/params.py", "if not 0 <= value <= 1:", "if not 0 <= value <= 1 + 1e-9:", "run"),
    _m("qry-after-milliseconds", "after= is read at millisecond precision (truncated)", "STG-QRY-006",
       "api/params.py", "        raise _bad(\"after\", \"must be an RFC 3339 date-time\")\n    return us",
       "        raise _bad(\"after\", \"must be an RFC 3339 date-time\")\n    return us // 1000 * 1000", "run"),
    _m("conflicts-full-page-has-more", "a conflict page exactly filled claims has_more (off by one)",
       "STG-HTTP-014", "storage/store.py", "more = len(rows) > limit\n            rows = rows[:limit]\n"
       "            items = []", "more = len(rows) >= limit\n            rows = rows[:limit]\n            items = []",
       "run"),
    _m("keys-scope-count-not-containment", "an admin key may mint keys with as many scopes as its own, any scopes",
       "STG-SCOPE-022", "api/auth.py", "set(scopes) <= set(self.scopes)", "len(set(scopes)) <= len(set(self.scopes))",
       "run"),
    _m("rob-response-budget-ignored", "a list page is built whole however large its items (no byte budget)",
       "STG-ROB-005", "storage/rows.py", "        if size > max_bytes and index > 0:\n            return index\n",
       "", "run"),
    _m("cid-uppercase-hex", "the CID's hex digest is upper case", "STG-CID-001", "protocol/cid.py",
       'return "sha256:" + hashlib.sha256(preimage(fact, rule)).hexdigest()',
       'return "sha256:" + hashlib.sha256(preimage(fact, rule)).hexdigest().upper()', "vectors"),
    _m("cid-verify-never-mismatches", "cid.verify accepts a CID that is not the body's", "STG-CID-013",
       "protocol/cid.py", "if computed != claimed:", "if False:", "vectors"),
    _m("cid-syntax-upper-hex", "a CID with upper-case hex digits counts as well formed", "STG-CID-006",
       "protocol/cid.py", 'CID_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")',
       'CID_PATTERN = re.compile(r"sha256:[0-9a-fA-F]{64}")', "vectors run"),
    _m("cid-source-not-normalized", "entity and source are used as sent, not normalized (CID over raw URIs)",
       "STG-URI-001 STG-CID-003", "protocol/facts.py",
       "return normalize(raw, options)", "return raw", "vectors run"),
    # --- HLC -------------------------------------------------------------------------------------------------
    _m("hlc-counter-unpadded", "the HLC counter is not zero-padded to three digits", "STG-HLC-001",
       "protocol/hlc.py", 'return f"{hlc.wall_ms:013d}.{hlc.counter:03d}"',
       'return f"{hlc.wall_ms:013d}.{hlc.counter}"', "vectors run"),
    _m("hlc-counter-not-incremented", "a tick in the same millisecond keeps the counter (HLC repeats)",
       "STG-HLC-003 STG-HLC-012", "protocol/hlc.py",
       "counter = last.counter + 1 if wall == last.wall_ms else 0",
       "counter = last.counter if wall == last.wall_ms else 0", "vectors"),
    _m("hlc-clock-backwards", "a tick takes the wall clock even when it is behind the last HLC",
       "STG-HLC-003 STG-HLC-012", "protocol/hlc.py",
       "wall = max(now_ms, last.wall_ms)", "wall = now_ms", "vectors"),
    _m("hlc-counter-never-reset", "the counter keeps counting when the wall clock advances", "STG-HLC-003",
       "protocol/hlc.py", "counter = last.counter + 1 if wall == last.wall_ms else 0",
       "counter = last.counter + 1", "vectors"),
    _m("hlc-overflow-off-by-one", "counter 1000 is not carried into the next millisecond", "STG-HLC-011",
       "protocol/hlc.py", 'if counter > _COUNTER_MAX and overflow == "carry":',
       'if counter > _COUNTER_MAX + 1 and overflow == "carry":', "vectors"),
    _m("hlc-receive-ignores-remote", "receive does not take the remote wall time into the max",
       "STG-HLC-004", "protocol/hlc.py",
       "wall = max(now_ms, remote.wall_ms, last.wall_ms if last else now_ms)",
       "wall = max(now_ms, last.wall_ms if last else now_ms)", "vectors"),
    _m("hlc-receive-counter-local-only", "receive in a shared millisecond ignores the remote counter",
       "STG-HLC-004", "protocol/hlc.py",
       "counter = max(last.counter, remote.counter) + 1", "counter = last.counter + 1", "vectors"),
    _m("hlc-future-skew-inclusive", "a remote HLC exactly at the future bound is rejected", "STG-HLC-007",
       "protocol/hlc.py", "remote.wall_ms - now_ms > max_future_skew_ms",
       "remote.wall_ms - now_ms >= max_future_skew_ms", "vectors"),
    _m("hlc-past-skew-unchecked", "a remote HLC far in the past is accepted", "STG-HLC-007",
       "protocol/hlc.py", "if max_past_skew_ms > 0 and now_ms - remote.wall_ms > max_past_skew_ms:",
       "if False:", "vectors"),
    _m("hlc-parse-short-wall", "an HLC with fewer than 13 wall digits parses", "STG-HLC-013",
       "protocol/hlc.py", r'rf"\d{{13}}\.\d{{{counter_digits}}}"', r'rf"\d{{1,13}}\.\d{{{counter_digits}}}"',
       "vectors"),
    _m("hlc-compare-unpadded-strings", "HLCs are compared as unpadded strings, not numerically", "STG-HLC-002",
       "protocol/hlc.py", "return (a > b) - (a < b)",
       'return (f"{a.wall_ms}.{a.counter}" > f"{b.wall_ms}.{b.counter}") - '
       '(f"{a.wall_ms}.{a.counter}" < f"{b.wall_ms}.{b.counter}")', "vectors"),
    _m("hlc-high-water-forgotten", "the node's HLC restarts from nothing instead of the highest stored HLC",
       "STG-HLC-012", "storage/store.py",
       "start = parse_hlc(high_water) if high_water else None", "start = None", "run",
       equivalent="after a restart the wall clock is already past every stored HLC (a restart takes far more than "
                  "a millisecond), so the restarted clock is ahead anyway; only a node whose clock can be set "
                  "backwards shows the fault, and a black-box suite cannot set the node's clock"),
    # --- contradictions (pure core) ---------------------------------------------------------------------------
    _m("conf-equal-values-contradict", "two facts with equal values are reported as contradicting",
       "STG-CONF-001", "protocol/contradictions.py",
       "return not equal(a.value, b.value, equality=r.equality, uri_options=r.fact.uri)", "return True",
       "vectors run"),
    _m("conf-retraction-contradicts", "a retraction (confidence 0.0) counts as a contradiction",
       "STG-CONF-010", "protocol/contradictions.py",
       "if not (a.confidence > 0 and b.confidence > 0):", "if not (a.confidence >= 0 and b.confidence >= 0):",
       "vectors"),
    _m("conf-winner-lowest", "the preferred fact is the lowest (confidence, HLC), not the highest", "STG-CONF-005",
       "protocol/contradictions.py", "best = max((f.confidence, f.hlc) for f in in_conflict)",
       "best = min((f.confidence, f.hlc) for f in in_conflict)", "vectors"),
    _m("conf-winner-hlc-first", "resolution order is HLC first, then confidence", "STG-CONF-005",
       "protocol/contradictions.py",
       "best = max((f.confidence, f.hlc) for f in in_conflict)\n"
       "        return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)",
       "best = max((f.hlc, f.confidence) for f in in_conflict)\n"
       "        return sorted(f.id for f in in_conflict if (f.hlc, f.confidence) == best)", "vectors"),
    _m("conf-tie-single-winner", "facts tied on confidence and HLC do not all win", "STG-CONF-005",
       "protocol/contradictions.py",
       "return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)",
       "return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)[:1]", "vectors"),
    _m("conf-ingested-twice", "a fact ingested twice is paired again (no dedup by id)", "STG-CONF-009",
       "protocol/contradictions.py", "if fact.id in seen:\n            continue", "pass", "vectors"),
    _m("conf-entity-not-normalized", "contradiction detection compares entities as sent", "STG-CONF-003",
       "protocol/contradictions.py", "entity=normalize(entity, r.fact.uri),", "entity=entity,", "vectors"),
    _m("conf-scope-blind", "facts in different scopes contradict each other", "STG-CONF-001",
       "protocol/contradictions.py", "if a.triple != b.triple:", "if a.triple[:2] != b.triple[:2]:", "vectors",
       equivalent="under the default conflict_cardinality=winner, paired_with keeps only siblings of the new fact's "
                  "triple before it asks contradicts(), so the scope test is never reached; killed under "
                  "--config pairwise (contradictions vectors of that reading)"),
    # --- values ------------------------------------------------------------------------------------------------
    _m("val-type-set-open", "an unknown FactValue type is accepted", "STG-VAL-001", "protocol/values.py",
       "if not isinstance(value_type, str) or value_type not in VALUE_TYPES:",
       "if not isinstance(value_type, str):", "vectors run"),
    _m("val-type-agreement-skipped", "v need not agree with the declared type", "STG-VAL-002",
       "protocol/values.py", 'if typing == "strict" and not _agrees(value_type, v):', "if False:",
       "vectors run"),
    _m("val-text-limit-inclusive", "a text of exactly the limit is refused (off by one)", "STG-VAL-004",
       "protocol/values.py", 'len(v.encode("utf-8")) > max_text_bytes', 'len(v.encode("utf-8")) >= max_text_bytes',
       "vectors"),
    _m("val-text-limit-characters", "the text limit counts characters, not UTF-8 bytes", "STG-VAL-004",
       "protocol/values.py", 'len(v.encode("utf-8")) > max_text_bytes', "len(v) > max_text_bytes", "vectors"),
    _m("val-leap-second-refused", "a datetime with second 60 (leap second) is refused", "STG-VAL-002",
       "protocol/values.py", "minute > 59 or second > 60:", "minute > 59 or second > 59:", "vectors"),
    _m("val-month-length-ignored", "February 30 is a valid datetime", "STG-VAL-002", "protocol/values.py",
       "if not 1 <= day <= days:", "if not 1 <= day <= 31:", "vectors"),
    _m("val-null-without-v", "a null value is stored without its v member", "STG-VAL-005", "protocol/values.py",
       'stored: dict[str, Any] = {"type": value_type, "v": v}',
       'stored: dict[str, Any] = {"type": value_type, "v": v} if value_type != "null" else {"type": "null"}',
       "vectors run"),
    _m("val-interpret-as-open", "interpret_as accepts any value", "STG-VAL-006", "protocol/values.py",
       'if not isinstance(value["interpret_as"], str) or value["interpret_as"] not in INTERPRET_AS:', "if False:",
       "vectors run"),
    _m("val-bool-is-number", "a boolean is accepted as a number", "STG-VAL-002", "protocol/values.py",
       "if isinstance(v, bool) or not isinstance(v, int | float):\n        return False",
       "if not isinstance(v, int | float):\n        return False", "vectors"),
    _m("val-number-equality-textual", "1 and 1.0 are different values for contradiction detection",
       "STG-CONF-001", "protocol/values.py", "return float(va) == float(vb)", "return _json(va) == _json(vb)",
       "vectors"),
    _m("val-ref-equality-raw", "ref values are compared without normalizing them", "STG-CONF-001",
       "protocol/values.py", "return _normalized_ref(va, uri_options) == _normalized_ref(vb, uri_options)",
       "return va == vb", "vectors"),
    # --- entity URIs -------------------------------------------------------------------------------------------
    _m("uri-not-trimmed", "leading and trailing whitespace is kept", "STG-URI-002", "protocol/entity_uri.py",
       "text = _trim(uri, options.whitespace)", "text = uri", "vectors run"),
    _m("uri-whitespace-not-collapsed", "internal whitespace in the id segment is kept", "STG-URI-003",
       "protocol/entity_uri.py", "id_ = _collapse(id_, options.whitespace)", "id_ = id_", "vectors"),
    _m("uri-authority-case-kept", "the authority is not lowercased", "STG-URI-004", "protocol/entity_uri.py",
       'return f"{_FORMAL_PREFIX}{authority.lower()}/{type_}/{id_}"',
       'return f"{_FORMAL_PREFIX}{authority}/{type_}/{id_}"', "vectors run"),
    _m("uri-percent-never-decoded", "percent-escapes of unreserved characters are not decoded", "STG-URI-005",
       "protocol/entity_uri.py",
       'out.append(octet.lower() if octet in _UNRESERVED else "%" + segment[i + 1 : i + 3].upper())',
       'out.append("%" + segment[i + 1 : i + 3].upper())', "vectors"),
    _m("uri-percent-hex-case-kept", "percent-escapes keep lower-case hex digits", "STG-URI-005",
       "protocol/entity_uri.py", '"%" + segment[i + 1 : i + 3].upper())', '"%" + segment[i + 1 : i + 3])',
       "vectors"),
    _m("uri-decoded-letter-case-kept", "a decoded unreserved letter is not lowercased (not idempotent)",
       "STG-URI-008", "protocol/entity_uri.py", "out.append(octet.lower() if octet in _UNRESERVED",
       "out.append(octet if octet in _UNRESERVED", "vectors"),
    _m("uri-empty-segment-accepted", "a formal URI with an empty type or id is accepted", "STG-URI-006",
       "protocol/entity_uri.py", "if not (slash1 and slash2 and authority and type_ and id_):",
       "if not (slash1 and slash2 and authority):", "vectors run"),
    _m("uri-no-scheme-accepted", "a string with an invalid scheme is accepted as an informal URI", "STG-URI-010",
       "protocol/entity_uri.py", "if not colon or not _SCHEME.fullmatch(scheme):", "if not colon:", "vectors"),
    # --- fact bodies -------------------------------------------------------------------------------------------
    _m("fact-confidence-above-one", "confidence up to 2 is accepted", "STG-FACT-001", "protocol/facts.py",
       "0 <= raw <= 1 and", "0 <= raw <= 2 and", "vectors run"),
    _m("fact-confidence-bool", "a boolean confidence is accepted as a number", "STG-FACT-001",
       "protocol/facts.py", "if isinstance(raw, bool) or not isinstance(raw, int | float):",
       "if not isinstance(raw, int | float):", "vectors run"),
    _m("fact-confidence-default-half", "a body without confidence gets 0.5, not 1.0", "STG-FACT-007",
       "protocol/facts.py", "DEFAULT_CONFIDENCE = 1.0", "DEFAULT_CONFIDENCE = 0.5", "vectors run"),
    _m("fact-scope-case-insensitive", "scope LOCAL is accepted (and then breaks the storage constraint)",
       "STG-FACT-002 STG-HTTP-003", "protocol/facts.py", "raw not in SCOPES:", "raw.lower() not in SCOPES:",
       "vectors run"),
    # --- signatures, base64url, Ed25519 ------------------------------------------------------------------------
    _m("sig-preimage-includes-signature", "the signed preimage includes the signature field itself",
       "STG-SIG-001", "protocol/signatures.py",
       "return canonical({name: value for name, value in doc.items() if name not in rule.left_out})",
       "return canonical(dict(doc))", "vectors"),
    _m("sig-tombstone-reason-signed", "a tombstone's reason is covered by its signature", "STG-SIG-003",
       "protocol/signatures.py", 'frozenset({"signature", "reason"}),\n            ("id", "entity_uri"',
       'frozenset({"signature"}),\n            ("id", "entity_uri"', "vectors"),
    _m("b64-padded", "base64url output keeps its '=' padding", "STG-SIG-002", "protocol/base64url.py",
       'return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")',
       'return base64.urlsafe_b64encode(data).decode("ascii")', "vectors"),
    _m("b64-unused-bits-accepted", "base64url with non-zero unused bits decodes", "STG-SIG-002",
       "protocol/base64url.py", "if encode(data) != text:", "if False:", "vectors"),
    _m("ed25519-small-order-accepted", "the strict policy accepts small-order A and R", "STG-SIG-006",
       "protocol/ed25519_policy.py",
       'if policy == "strict" and (public_key in SMALL_ORDER_ENCODINGS or r in SMALL_ORDER_ENCODINGS):',
       "if False:", "vectors"),
    _m("ed25519-noncanonical-key-accepted", "a non-canonically encoded public key A is accepted", "STG-SIG-006",
       "protocol/ed25519_policy.py", "if not decodes_canonically(public_key) or not decodes_canonically(r):",
       "if not decodes_canonically(r):", "vectors"),
    _m("ed25519-s-check-skipped", "the S < L pre-check is skipped", "STG-SIG-006", "protocol/ed25519_policy.py",
       "if s >= L:", "if False:", "vectors",
       equivalent="the library call that follows rejects S >= L itself (cryptography compares the scalar), with "
                  "the same SignatureInvalid; the pre-check only makes the reason explicit"),
    # --- peer tokens (pure core) -------------------------------------------------------------------------------
    _m("tok-lifetime-uncapped", "a token living longer than one hour is accepted", "STG-TOK-002",
       "protocol/peer_tokens.py", 'if claims["exp"] - claims["iat"] > max_lifetime_ms:', "if False:", "vectors"),
    _m("tok-nonce-unchecked", "a token whose nonce was already seen is accepted", "STG-TOK-006 STG-TOK-008",
       "protocol/peer_tokens.py", 'if claims["nonce"] in seen_nonces:', "if False:", "vectors"),
    _m("tok-audience-unchecked", "a token for another node is accepted", "STG-TOK-004",
       "protocol/peer_tokens.py", 'if claims["sub"] != audience:', "if False:", "vectors"),
    _m("tok-expiry-inclusive", "a token is expired already at now == exp", "STG-TOK-005",
       "protocol/peer_tokens.py", 'if now_ms > claims["exp"]:', 'if now_ms >= claims["exp"]:', "vectors"),
    _m("tok-signature-unchecked", "the token signature is never verified", "STG-TOK-003",
       "protocol/peer_tokens.py",
       "ed25519_policy.verify(issuer_public_key, signing_input.encode(\"ascii\"), signature, policy)",
       "pass", "vectors"),
    _m("tok-alg-none-accepted", 'a token header with alg "none" is accepted', "STG-TOK-001",
       "protocol/peer_tokens.py", 'header.get("alg") != "EdDSA"', 'header.get("alg") not in ("EdDSA", "none")',
       "vectors"),
    # --- HTTP: writes ------------------------------------------------------------------------------------------
    _m("http-dedup-201", "a dedup hit answers 201 instead of 200", "STG-CID-011 STG-QRY-001", "api/facts.py",
       "return JSONResponse(written, 201 if created else 200)", "return JSONResponse(written, 201)", "run"),
    _m("http-dedup-disabled", "re-asserting an identical body stores a second fact", "STG-CID-011",
       "storage/ledger.py", "existing = fact_rows.duplicate(conn, fact)", "existing = None", "run"),
    _m("http-dedup-ignores-valid-until", "a body differing only in valid_until is deduplicated", "STG-CID-011",
       "storage/facts.py", "WHERE f.cid = ? AND f.valid_until IS ? AND",
       "WHERE f.cid = ? AND (f.valid_until IS ? OR 1) AND", "run"),
    _m("http-alias-not-written", "the CID alias row is not written, so lookup by CID fails",
       "STG-CID-008 STG-CID-010", "storage/facts.py",
       "conn.execute(_INSERT_ALIAS, (stamp.id, fact.cid, stamp.timestamp))", "pass", "run"),
    _m("http-cid-lookup-latest", "GET by CID returns the latest fact of the CID, not the earliest", "STG-CID-008",
       "storage/facts.py", "WHERE a.cid = ? ORDER BY f.seq LIMIT 1", "WHERE a.cid = ? ORDER BY f.seq DESC LIMIT 1",
       "run",
       equivalent="not a fault under the contract: two facts share a CID only when valid_until, garden_id or "
                  "interpret_as differ, and neither docs/http-api.md nor CIDF says which of them a CID lookup "
                  "returns (upstream reads an arbitrary alias row); the reference's 'earliest' is its own choice, "
                  "so no check may require it"),
    _m("http-reserved-relation-allowed", "a client may write stigmem:conflict:* and other reserved relations",
       "STG-NS-002", "api/bodies.py", "if namespaces.reserved(fact.relation):", "if False:", "run"),
    _m("http-system-source-allowed", "a client may write as system:stigmem", "STG-NS-003", "api/bodies.py",
       'if fact.source == SYSTEM_SOURCE or fact.source.startswith(SYSTEM_SOURCE + ":"):', "if False:", "run"),
    _m("http-write-beyond-key-scope", "a key writes outside its allowed_scopes", "STG-SCOPE-001", "api/bodies.py",
       "if not identity.may_use(fact.scope):", "if False:", "run"),
    _m("http-500-on-bad-value", "a rejected FactValue answers 500 instead of 422", "STG-HTTP-003",
       "api/errors.py", '"value_invalid": 422,', '"value_invalid": 500,', "run"),
    _m("http-error-code-missing", "error bodies lose their machine-readable code", "STG-HTTP-002",
       "api/errors.py", '{"error": self.code, "detail": self.detail, **self.extra}',
       '{"detail": self.detail, **self.extra}', "run"),
    _m("http-timestamp-no-zone", "timestamps are written without the Z zone designator", "STG-FACT-005",
       "clock.py", 'strftime("%Y-%m-%dT%H:%M:%S.%fZ")', 'strftime("%Y-%m-%dT%H:%M:%S.%f")', "run"),
    # --- HTTP: reads, queries, pagination ----------------------------------------------------------------------
    _m("http-scope-leak-on-read", "a global query returns facts of every scope, whatever the key allows",
       "STG-SCOPE-002 STG-HTTP-013", "api/params.py",
       "        raise ApiError(\"scope_forbidden\", \"this key may not read any scope\")\n"
       "    return identity.scope_filter",
       "        raise ApiError(\"scope_forbidden\", \"this key may not read any scope\")\n    return None", "run"),
    _m("http-scope-query-outside-key", "scope=company with a local-only key is answered, not refused",
       "STG-SCOPE-001", "api/params.py",
       "if not identity.may_use(scope):\n            raise", "if False:\n            raise", "run"),
    _m("http-scope-leak-single-read", "GET by id returns a fact of a scope the key cannot read", "STG-SCOPE-004",
       "storage/store.py", '            return scopes is None or found[SCOPE] in scopes\n',
       '            return True\n', "run"),
    _m("http-as-of-ignored", "as_of is ignored instead of failing closed with 501", "STG-TT-001",
       "api/params.py", 'if "as_of" in params and as_of_us is None:', "if False:", "run"),
    _m("http-limit-501-accepted", "limit=501 is accepted", "STG-HTTP-012", "api/params.py",
       "not 1 <= int(raw) <= MAX_LIMIT", "not 1 <= int(raw) <= MAX_LIMIT + 1", "run"),
    _m("http-min-confidence-exclusive", "min_confidence=c returns only confidence > c", "STG-QRY-005",
       "storage/facts.py", 'clauses.append("f.confidence >= ?")', 'clauses.append("f.confidence > ?")', "run"),
    _m("http-after-inclusive", "after=t also returns the fact stamped exactly at t", "STG-QRY-006",
       "storage/facts.py", 'clauses.append("f.timestamp_us > ?")', 'clauses.append("f.timestamp_us >= ?")', "run"),
    _m("http-expired-returned", "expired facts are returned by default queries", "STG-EXP-001",
       "storage/facts.py", "if not query.include_expired:", "if False:", "run"),
    _m("http-expiry-one-second-grace", "a fact stays visible for a second after its valid_until", "STG-EXP-004",
       "storage/facts.py",
       'clauses.append("(f.valid_until_us IS NULL OR f.valid_until_us > ?)")\n        params.append(query.now_us)',
       'clauses.append("(f.valid_until_us IS NULL OR f.valid_until_us > ?)")\n'
       "        params.append(query.now_us - 1_000_000)", "run"),
    _m("http-expiry-boundary-inclusive", "a fact is still visible at now == valid_until (off by one microsecond)",
       "STG-EXP-004", "storage/facts.py", "(f.valid_until_us IS NULL OR f.valid_until_us > ?)\")\n        params",
       "(f.valid_until_us IS NULL OR f.valid_until_us >= ?)\")\n        params", "run",
       equivalent="the verdicts differ only when the query runs in the very microsecond of valid_until; without "
                  "control of the node's clock no black-box run can hit that instant on purpose (the unit tests "
                  "with a frozen clock do)"),
    _m("http-expiry-offset-sign", "a valid_until offset is applied in the wrong direction", "STG-EXP-005",
       "clock.py", 'seconds -= offset if match.group(8) == "+" else -offset',
       'seconds += offset if match.group(8) == "+" else -offset', "run"),
    _m("http-contradicted-returned", "facts in an unresolved contradiction are returned by default",
       "STG-QRY-008", "storage/facts.py", "if not query.include_contradicted:", "if False:", "run"),
    _m("http-total-counts-expired", "total counts expired facts the page leaves out", "STG-HTTP-013",
       "storage/facts.py",
       '"""STG-HTTP-013: the number of facts matching every filter (cursor ignored)."""\n'
       "    clauses, params = _where(query)",
       '"""STG-HTTP-013: the number of facts matching every filter (cursor ignored)."""\n'
       '    clauses, params = _where(FactQuery(**{**query.__dict__, "include_expired": True}))', "run"),
    _m("http-total-is-page-size", "total is the size of the page, not of the result", "STG-HTTP-013",
       "storage/store.py", "total = fact_rows.count(conn, query)", "total = min(len(rows), limit)", "run"),
    _m("http-cursor-repeats-row", "the next page starts at the cursor row itself", "STG-HTTP-011",
       "storage/facts.py", 'clauses.append("(f.hlc, f.id) < (?, ?)")', 'clauses.append("(f.hlc, f.id) <= (?, ?)")',
       "run"),
    _m("http-cursor-skips-ties", "the cursor compares the HLC only, skipping rows that tie on it",
       "STG-HTTP-011", "storage/facts.py",
       'clauses.append("(f.hlc, f.id) < (?, ?)")\n        params.extend(after)',
       'clauses.append("f.hlc < ?")\n        params.append(after[0])', "run",
       equivalent="one core-local node stamps strictly increasing HLCs (STG-HLC-012), so no two of its rows tie "
                  "on hlc and the id tie-break is never reached; ties need replicated facts (federation profile)"),
    _m("http-order-oldest-first", "results come oldest first", "STG-QRY-007", "storage/facts.py",
       "ORDER BY f.hlc DESC, f.id DESC LIMIT ?", "ORDER BY f.hlc ASC, f.id ASC LIMIT ?", "run"),
    _m("http-page-over-limit", "a page carries one row more than limit", "STG-HTTP-011 STG-HTTP-012",
       "storage/store.py", "records = [record(row, row[-1]) for row in rows[:limit]]\n        kept",
       "records = [record(row, row[-1]) for row in rows[:limit + 1]]\n        kept",
       "run"),
    # --- HTTP: conflicts ---------------------------------------------------------------------------------------
    _m("http-conflict-not-recorded", "a contradiction writes no conflict record", "STG-CONF-004",
       "storage/ledger.py",
       '_record_conflict(conn, stamp, sibling.id, fact_stamp.id, body.scope, fact.garden_id)', 'pass', "run"),
    _m("http-conflict-between-one-id", "the between fact names only the older fact", "STG-CONF-004",
       "storage/ledger.py", '{"type": "text", "v": f"{older} {newer}"}', '{"type": "text", "v": f"{older}"}', "run"),
    _m("http-conflict-between-swapped", "the between fact lists the pair in the other order than the conflict",
       "STG-CONF-004", "storage/ledger.py", '{"type": "text", "v": f"{older} {newer}"}',
       '{"type": "text", "v": f"{newer} {older}"}', "run"),
    _m("http-conflict-status-fact-missing", "no stigmem:conflict:status fact is written at detection",
       "STG-CONF-004", "storage/ledger.py",
       ('fact_rows.insert(conn, new_fact(status, "system", garden_id=garden_id), stamp())\n'
        '    conflict_rows.insert('),
       'conflict_rows.insert(', "run"),
    _m("http-conflict-wrong-scope", "conflict meta-facts are written in scope local, not the pair's",
       "STG-CONF-016", "storage/ledger.py",
       '{"type": "text", "v": f"{older} {newer}"},\n                       SYSTEM_SOURCE, 1.0, scope)',
       '{"type": "text", "v": f"{older} {newer}"},\n                       SYSTEM_SOURCE, 1.0, "local")', "run"),
    _m("http-conflict-list-scope-leak", "GET /v1/conflicts lists conflicts of every scope", "STG-SCOPE-007",
       "storage/conflicts.py", "    if scopes is not None:\n        clauses.append",
       "    if False:\n        clauses.append", "run"),
    _m("http-resolve-winner-outside-pair", "a winner outside the conflicting pair is accepted", "STG-CONF-014",
       "storage/ledger.py",
       "if winning_fact_id is not None and winning_fact_id not in (conflict.fact_a, conflict.fact_b):",
       "if False:", "run"),
    _m("http-resolve-twice-guard-dropped", "the early 'already resolved' check is skipped", "STG-CONF-013",
       "storage/ledger.py", 'if conflict.status == "resolved":', "if False:", "run",
       equivalent="the conditional UPDATE in mark_resolved still refuses a second resolution with 409 in the same "
                  "transaction, and the rollback discards the facts written before it: the answer and the stored "
                  "state are the same"),
    _m("http-resolution-wrong-triple", "the resolution fact is written on the conflict entity, not the pair's",
       "STG-CONF-006 STG-CONF-015", "storage/ledger.py",
       "resolution = FactBody(pair[ENTITY], pair[RELATION], value, caller, 1.0, scope)",
       "resolution = FactBody(conflict_id, pair[RELATION], value, caller, 1.0, scope)", "run"),
    _m("http-resolution-loser-value", "the resolution takes the value of the losing fact", "STG-CONF-006",
       "storage/ledger.py", '_winner_value(conn, winning_fact_id or "")',
       "_winner_value(conn, conflict.fact_b if winning_fact_id == conflict.fact_a else conflict.fact_a)", "run"),
    _m("http-resolves-meta-fact-missing", "no stigmem:resolves meta-fact is written on resolution", "STG-CONF-006",
       "storage/ledger.py",
       'fact_rows.insert(conn, new_fact(resolves, "system", garden_id=garden_id), stamp())', 'pass', "run"),
    _m("http-resolved-status-fact-missing", "no resolved stigmem:conflict:status fact is written on resolution",
       "STG-CONF-006 STG-CONF-004", "storage/ledger.py",
       ('fact_rows.insert(conn, new_fact(status, "system", garden_id=garden_id), stamp())\n'
        '    if not conflict_rows.mark_resolved('),
       'if not conflict_rows.mark_resolved(', "run"),
    _m("http-resolve-keeps-contradicted", "facts of a resolved conflict stay flagged contradicted", "STG-CONF-011",
       "storage/conflicts.py", 'conn.execute("DELETE FROM open_conflict_facts WHERE conflict_id = ?", (conflict_id,))',
       "pass", "run"),
    # --- HTTP: auth and discovery ------------------------------------------------------------------------------
    _m("http-missing-key-anonymous", "a request without Authorization runs as the anonymous admin",
       "STG-AUTH-004", "api/auth.py",
       'if header is None:\n        raise ApiError("unauthorized", "Authorization: Bearer <key> is required"',
       "if header is None:\n        return ANONYMOUS\n    if False:\n        raise ApiError(\"unauthorized\", \"\"",
       "run"),
    _m("http-no-bearer-challenge", "401 answers lack WWW-Authenticate: Bearer", "STG-AUTH-005", "api/auth.py",
       '_CHALLENGE = {"WWW-Authenticate": "Bearer"}', "_CHALLENGE: dict[str, str] = {}", "run"),
    _m("http-permission-unchecked", "a key's permissions are never checked", "STG-AUTH-008 STG-AUTH-010",
       "api/auth.py", "if permission not in identity.permissions:", "if False:", "run"),
    _m("http-revoked-key-accepted", "a revoked key keeps working", "STG-AUTH-005", "storage/keys.py",
       "WHERE key_sha256 = ? AND revoked_at IS NULL", "WHERE key_sha256 = ?", "run"),
    _m("http-key-stored-in-clear", "API keys are stored in clear instead of as SHA-256 digests", "STG-AUTH-002",
       "storage/keys.py", 'return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()',
       "return raw_key", "run",
       equivalent="the stored form of a key is not observable over HTTP: creation, lookup and listing behave "
                  "identically, and GET /v1/auth/keys never shows the digest (requirement STG-AUTH-002 is "
                  "catalogued 'untestable: key storage is not observable over HTTP')"),
    _m("http-discovery-auth-constant", "discovery always advertises auth required", "STG-AUTH-006",
       "api/discovery.py", '"auth": settings.auth,', '"auth": "required",', "run"),
    _m("http-discovery-federation-bool", "discovery's federation is a boolean, not the string disabled",
       "STG-HTTP-008", "api/discovery.py", '"federation": "disabled" if', '"federation": False if', "run"),
    # --- Federation (issue 5: each failure-mode scenario seen to fail against a broken node) -----------------
    _m("fed-nonce-not-checked", "accepted nonces are forgotten at once, so every replay is accepted",
       "STG-TOK-006 STG-TOK-007 STG-TOK-008 STG-FAIL-014", "protocol/replay.py",
       "    return max(exp_ms, accepted_at_ms + window_ms)", "    return accepted_at_ms - 1", "run"),
    _m("fed-cursor-ahead-of-page", "the cursor is persisted for a page only half ingested (cursor before page)",
       "STG-FAIL-012 STG-FAIL-013", "storage/replication.py", "    for raw in facts:\n",
       "    for raw in facts[: len(facts) // 2]:\n", "run"),
    _m("fed-ingest-skips-contradiction", "an ingested fact that contradicts a local one is never paired",
       "STG-FAIL-004 STG-FAIL-005", "storage/replication.py",
       "    ledger.detect(conn, ctx.stamp, new, stamp, ctx.clock.now_us(), ctx.cardinality)", "    pass", "run"),
    _m("fed-team-from-team-peer", "a team fact is accepted from a peer whose declaration lists team",
       "STG-FED-034 STG-FED-035", "protocol/replication.py",
       "if scope in NEVER_FEDERATED or scope not in declared_scopes:",
       "if scope == \"local\" or scope not in declared_scopes:", "run"),
    _m("fed-local-facts-served", "the serving query ignores scope, so local (and team) facts leak to peers",
       "STG-FED-024 STG-FED-025", "storage/replication.py",
       """clauses = [_SERVABLE, f"f.scope IN ({', '.join('?' * len(scopes))})", f"NOT""",
       """clauses = [_SERVABLE, f"(f.scope IN ({', '.join('?' * len(scopes))}) OR 1)", f"NOT""", "run"),
    # --- HTTP: one named fault per MUST requirement whose check had never been seen failing ----------------------
    _m("http-verify-cid-field-named-computed", "verify-cid names its recomputed CID computed, not computed_cid",
       "STG-CID-009", "storage/store.py", '"computed_cid": computed,', '"computed": computed,', "run"),
    _m("http-backfill-pending-is-done", "backfill status reports the backfilled count as pending_facts",
       "STG-CID-014", "storage/store.py", '"pending_facts": total - done,', '"pending_facts": done,', "run"),
    _m("http-query-entity-raw", "the entity query parameter is matched as sent, not normalized",
       "STG-URI-007 STG-QRY-004", "api/params.py", "        return normalize(raw)\n", "        return raw\n", "run"),
    _m("http-query-source-raw", "the source query parameter skips normalization (entity is normalized)",
       "STG-URI-007", "api/params.py", 'entity, source = _uri(params, "entity"), _uri(params, "source")',
       'entity, source = _uri(params, "entity"), _one(params, "source")', "run"),
    _m("http-fact-route-any-method", "the single-fact route accepts PUT, PATCH and DELETE (answered as a read, "
       "never 405)", "STG-FACT-003 STG-URI-011", "api/app.py",
       'Route("/v1/facts/{id_or_cid}", facts.get_fact, methods=["GET"]),',
       'Route("/v1/facts/{id_or_cid}", facts.get_fact, methods=["GET", "PUT", "PATCH", "DELETE"]),', "run"),
    _m("http-client-stamps-echoed", "the assert response echoes a client-sent id, timestamp and hlc over the "
       "node's stamps", "STG-FACT-004", "api/facts.py",
       ('    fact = assertion(await read_json(request, settings.max_body_bytes),'
        ' identity, settings.max_text_bytes)\n'
        '    try:\n'
        '        with store.db.transaction() as conn:\n'
        '            [(written, created)] = store.assert_facts([fact], identity.reader)\n'),
       ('    raw = await read_json(request, settings.max_body_bytes)\n'
        '    fact = assertion(raw, identity, settings.max_text_bytes)\n'
        '    try:\n'
        '        with store.db.transaction() as conn:\n'
        '            [(written, created)] = store.assert_facts([fact], identity.reader)\n'
        '            written.update({k: raw[k] for k in ("id", "timestamp", "hlc") if k in raw})\n'), "run"),
    _m("http-assert-response-no-hlc", "the assert response leaves out hlc (only reads carry it)", "STG-HLC-006",
       "api/facts.py", "return JSONResponse(written, 201 if created else 200)",
       'return JSONResponse({k: v for k, v in written.items() if k != "hlc"}, 201 if created else 200)', "run"),
    _m("http-zero-confidence-stored-as-one", "confidence 0.0 is stored as 1.0 (a falsy-zero default), so a "
       "retraction is not one", "STG-FACT-006 STG-QRY-009", "storage/facts.py",
       "confidence = float(body.confidence)", "confidence = float(body.confidence or 1.0)", "run"),
    _m("http-resolved-by-winner", "a resolved conflict's resolved_by names the winning fact, not the resolution "
       "fact", "STG-CONF-008", "storage/ledger.py",
       "if not conflict_rows.mark_resolved(conn, conflict_id, resolution_stamp.id):",
       "if not conflict_rows.mark_resolved(conn, conflict_id, winning_fact_id or resolution_stamp.id):", "run"),
    _m("http-conflict-status-filter-ignored", "GET /v1/conflicts ignores status=, listing resolved and unresolved "
       "conflicts alike", "STG-CONF-008", "storage/conflicts.py",
       "    if status is not None:\n        clauses.append", "    if False:\n        clauses.append", "run"),
    _m("http-conflicts-has-more-false", "GET /v1/conflicts always answers has_more false, even with a cursor",
       "STG-HTTP-014", "api/conflicts.py", '"has_more": cursor is not None}', '"has_more": False}', "run"),
    _m("http-resolve-unknown-422", "resolving an unknown conflict answers 422 invalid_resolution, not 404",
       "STG-CONF-012", "storage/ledger.py",
       'raise StoreError("conflict_not_found", f"no conflict {conflict_id}")',
       'raise StoreError("invalid_resolution", f"no conflict {conflict_id}")', "run"),
    _m("http-resolve-twice-idempotent", "resolving a resolved conflict answers 200 with the first resolution, "
       "not 409", "STG-CONF-013", "storage/ledger.py",
       'raise StoreError("conflict_already_resolved", f"{conflict_id} is already resolved")\n'
       "    if (winning_fact_id is None)",
       'return {"conflict_id": conflict_id, "resolution_fact_id": conflict.resolved_by, '
       '"conflict_status": "resolved"}\n'
       "    if (winning_fact_id is None)", "run"),
    _m("http-global-query-local-only", "a query without scope= reads only scope local (the write default), not "
       "every scope the key may read", "STG-SCOPE-003", "api/params.py",
       '        raise ApiError("scope_forbidden", "this key may not read any scope")\n    return identity.scope_filter',
       '        raise ApiError("scope_forbidden", "this key may not read any scope")\n    return ("local",)', "run"),
    _m("http-scope-param-outside-key-ignored", "scope= outside the key's scopes falls back to the key's scopes "
       "(200) instead of 403", "STG-SCOPE-005", "api/params.py",
       'raise ApiError("scope_forbidden", f"this key may not read scope {scope}")', "return identity.scope_filter",
       "run"),
    _m("http-empty-scopes-unrestricted-read", "a key with empty allowed_scopes reads every scope (empty list read "
       "as 'no filter')", "STG-SCOPE-006", "api/params.py",
       "        # STG-SCOPE-006: a key with no allowed scope has no access at all.\n"
       '        raise ApiError("scope_forbidden", "this key may not read any scope")\n',
       "        return None\n", "run"),
    _m("http-bearer-prefix-kept", "the whole Authorization value, 'Bearer ' included, is looked up as the key",
       "STG-AUTH-001", "api/auth.py", "token = token.strip()", "token = header.strip()", "run"),
    _m("http-discovery-no-content-type", "discovery is served as raw bytes without Content-Type application/json",
       "STG-HTTP-001", "api/discovery.py", 'return Response(body, media_type="application/json")',
       "return Response(body)", "run"),
    _m("http-discovery-needs-key", "discovery requires a read key (401 without Authorization)", "STG-HTTP-005",
       "api/discovery.py", '    """GET /.well-known/stigmem."""\n',
       '    """GET /.well-known/stigmem."""\n    from .auth import caller\n    caller(request, "read")\n', "run"),
    _m("http-discovery-version-renamed", "discovery names the protocol version protocol_version, not version",
       "STG-HTTP-006", "api/discovery.py", '"version": PROTOCOL_VERSION,', '"protocol_version": PROTOCOL_VERSION,',
       "run"),
    _m("http-get-value-undecoded", "GET by id returns value.v as the stored JSON text, not the decoded value",
       "STG-QRY-002", "storage/store.py", "        return record(row, row[-1])\n",
       '        return {**record(row, row[-1]), "value": {"type": row[3], "v": row[4]}}\n', "run"),
    _m("http-empty-query-404", "a query with no match answers 404 fact_not_found instead of an empty page",
       "STG-QRY-003", "api/facts.py",
       '    cursor = None if following is None else encode_cursor("f1", *following, str(total), '
       'query_tag(params.query))\n',
       "    if not found:\n"
       '        raise ApiError("fact_not_found", "no fact matches")\n'
       '    cursor = None if following is None else encode_cursor("f1", *following, str(total), '
       'query_tag(params.query))\n', "run"),
    _m("http-query-cursor-omitted", "the query envelope leaves cursor out on the last page instead of null",
       "STG-QRY-003", "api/facts.py", 'answer: dict[str, Any] = {"facts": found, "total": total, "cursor": cursor}',
       'answer: dict[str, Any] = {"facts": found, "total": total, **({"cursor": cursor} if cursor else {})}', "run"),
    _m("http-source-filter-ignored", "the source filter is dropped from the query (entity and relation only)",
       "STG-QRY-004", "storage/facts.py",
       '(("entity", query.entity), ("relation", query.relation), ("source", query.source))',
       '(("entity", query.entity), ("relation", query.relation))', "run"),
    _m("http-retractions-hidden", "default queries hide retraction rows (confidence 0.0)", "STG-QRY-009",
       "storage/facts.py", "    if not query.include_contradicted:\n        # STG-QRY-008",
       '    clauses.append("f.confidence > 0")\n    if not query.include_contradicted:\n        # STG-QRY-008',
       "run"),
    _m("http-flag-any-value", "a boolean query flag takes any value (anything but true means false)", "STG-QRY-010",
       "api/params.py", 'if raw not in ("true", "false"):\n        raise', 'if False:\n        raise', "run"),
    _m("http-after-unparsable-ignored", "an after= that is not an RFC 3339 instant is ignored, not refused",
       "STG-QRY-010", "api/params.py", 'if us is None:\n        raise _bad("after"',
       'if False:\n        raise _bad("after"', "run"),
    _m("http-get-missing-200-null", "GET of an unknown fact id answers 200 null instead of 404", "STG-QRY-011",
       "api/facts.py",
       '    if found is None:\n        raise ApiError("fact_not_found", f"no readable fact {ref}")\n'
       '    _read(store, identity, "get", [found])\n    return JSONResponse(found)',
       "    return JSONResponse(found)", "run"),
    _m("http-get-hides-expired", "GET by id hides an expired fact (expiry applied to single reads as well)",
       "STG-EXP-003", "storage/store.py",
       'return row if row is not None and in_scope(row) else None',
       ('return row if row is not None and in_scope(row) and (\n'
        '            row[11] is None or row[11] >='
        ' format_timestamp(self.clock.now_us())) else None'), "run"),
    _m("http-expired-confidence-zeroed", "an expired fact reads back with confidence 0.0 (expiry folded into "
       "confidence)", "STG-EXP-006", "storage/store.py", "        return record(row, row[-1])\n",
       "        found = record(row, row[-1])\n"
       '        if found["valid_until"] is not None and found["valid_until"] < format_timestamp(self.clock.now_us()):\n'
       '            found["confidence"] = 0.0\n'
       "        return found\n", "run"),
    _m("http-valid-until-z-rewritten", "valid_until is stored re-serialized, the Z designator rewritten as +00:00",
       "STG-EXP-009", "api/bodies.py",
       ('return new_fact(fact, valid_until=valid_until, valid_until_us=valid_until_us,'
        ' garden_id=garden_id)'),
       ('return new_fact(fact, valid_until=None if valid_until is None else'
        ' valid_until.replace("Z", "+00:00"),\n'
        '                    valid_until_us=valid_until_us, garden_id=garden_id)'), "run"),
    _m("http-timestamp-stored-ms", "the stored timestamp is truncated to milliseconds while the write response "
       "carries microseconds", "STG-PROV-001", "storage/facts.py",
       "            stamp.timestamp,\n            stamp.timestamp_us,",
       '            stamp.timestamp[:23] + "Z",\n            stamp.timestamp_us,', "run"),
    _m("http-rel-namespace-reserved", "relations under rel: are reserved to the node, so reification is refused",
       "STG-NS-005", "protocol/namespaces.py", 'RESERVED_PREFIXES = ("stigmem:conflict:", "garden:")',
       'RESERVED_PREFIXES = ("stigmem:conflict:", "garden:", "rel:")', "run"),
    _m("http-namespaces-no-colon", "discovery lists namespaces as bare names without their trailing colon",
       "STG-NS-006", "api/discovery.py", '"namespaces": list(settings.namespaces),',
       '"namespaces": [n.rstrip(":") for n in settings.namespaces],', "run"),
    _m("http-unknown-namespace-refused", "relations outside the advertised namespaces are refused, x- included",
       "STG-NS-007", "api/bodies.py", "if namespaces.reserved(fact.relation):",
       'if namespaces.reserved(fact.relation) or not fact.relation.startswith(("stigmem:", "rel:", "memory:", '
       '"intent:", "garden:")):', "run"),
    # --- Federation: one named fault per MUST requirement whose check had never been seen failing ---------------
    _m("fed-discovery-pubkey-padded", "discovery publishes federation_pubkey with its base64 '=' padding",
       "STG-HTTP-007", "api/discovery.py", 'found["federation_pubkey"] = federation.public_key',
       'found["federation_pubkey"] = federation.public_key + "="', "run"),
    _m("fed-discovery-push-advertised", "discovery advertises the push route though push answers 405",
       "STG-HTTP-009", "api/discovery.py", '"push": None}', '"push": "/v1/federation/facts/push"}', "run"),
    _m("fed-ingest-receive-time-stamp", "an ingested fact is stored with the receive time as its timestamp",
       "STG-PROV-002", "storage/replication.py",
       "stamp = Stamp(fact.id, format_timestamp(timestamp_us), timestamp_us, format_hlc(fact.hlc))",
       "stamp = Stamp(fact.id, format_timestamp(ctx.clock.now_us()), ctx.clock.now_us(), format_hlc(fact.hlc))",
       "run"),
    _m("fed-received-from-peer-id", "the stigmem:received_from meta-fact names the local peer_id, not the peer's "
       "node_id", "STG-PROV-004", "storage/replication.py", "ledger.received_from(fact.id, peer.node_id), ctx.stamp()",
       "ledger.received_from(fact.id, peer.peer_id), ctx.stamp()", "run"),
    _m("fed-received-facts-reserved", "facts received from a peer are served on to other peers (relaying on)",
       "STG-PROV-005", "storage/replication.py",
       '"f.received_from IS NULL AND f.garden_id IS NULL AND', '"f.garden_id IS NULL AND', "run"),
    _m("fed-ingest-fresh-id", "an ingested fact is stored under a fresh local id, not its origin id",
       "STG-PROV-006", "storage/replication.py",
       "stamp = Stamp(fact.id, format_timestamp(timestamp_us), timestamp_us, format_hlc(fact.hlc))",
       "stamp = Stamp(ctx.stamp().id, format_timestamp(timestamp_us), timestamp_us, format_hlc(fact.hlc))",
       "run"),
    _m("fed-unregistered-guest-served", "a token from a node that never registered is served as a public-only "
       "guest (one-sided registration replicates)", "STG-FED-001 STG-FED-010", "api/peer_auth.py",
       '    if peer is None or peer.status != "active":\n',
       "    if peer is None:\n"
       '        return PeerRow("guest", claims["iss"], "", "", ("public",), "active", "", None, None, None, None), '
       "claims\n"
       '    if peer.status != "active":\n', "run"),
    _m("fed-bad-declaration-sig-activated", "a declaration whose signature fails is still made active (the "
       "failure is only recorded)", "STG-FED-005", "federation/service.py",
       'status = passed if reason is None else "rejected"',
       'status = passed if reason in (None, "signature_invalid") else "rejected"', "run"),
    _m("fed-declared-pubkey-trusted", "registration checks discovery's node_id but trusts the declared "
       "federation_pubkey", "STG-FED-006", "federation/service.py",
       "reason = peering.verification_failure(declaration, discovered)",
       'reason = peering.verification_failure(declaration, {**discovered, '
       '"federation_pubkey": declaration["federation_pubkey"]})', "run"),
    _m("fed-rejected-peer-served", "only revoked peers are refused: a rejected or pending peer's tokens are "
       "served", "STG-FED-008 STG-FED-001", "api/peer_auth.py",
       'if peer is None or peer.status != "active":', 'if peer is None or peer.status == "revoked":', "run"),
    _m("fed-pull-accepts-api-key", "the pull route also accepts an operator API key in place of a peer token",
       "STG-FED-018", "api/federation.py",
       "    tls.require_client_certificate(request)  # STG-TLS-002/003/008\n"
       "    peer, claims = await authenticate_peer(request, federation)\n",
       "    tls.require_client_certificate(request)  # STG-TLS-002/003/008\n"
       "    try:\n"
       "        peer, claims = await authenticate_peer(request, federation)\n"
       "    except ApiError:\n"
       "        from ..storage.peers import PeerRow\n"
       '        caller(request, "read")\n'
       '        peer = PeerRow("operator", "operator", "", "", ("public", "company"), "active", "", None, None, None,\n'
       "                       None)\n"
       '        claims = {"scopes": ["public", "company"]}\n', "run"),
    _m("fed-pull-cursor-renamed", "the pull page names its cursor next_cursor, not cursor", "STG-FED-019",
       "api/federation.py", 'return JSONResponse({"facts": facts, "cursor": cursor, "has_more": more})',
       'return JSONResponse({"facts": facts, "next_cursor": cursor, "has_more": more})', "run"),
    _m("fed-pull-cursor-inclusive", "the next pull page starts at the cursor's own fact (>= instead of >)",
       "STG-FED-020", "storage/replication.py", 'clauses.append("(f.local_hlc, f.id) > (?, ?)")',
       'clauses.append("(f.local_hlc, f.id) >= (?, ?)")', "run"),
    _m("fed-token-scopes-ignored", "served scopes are the declaration's alone; the token's scopes are ignored",
       "STG-FED-023", "api/federation.py",
       'servable = replication.servable_scopes(peer.allowed_scopes, claims["scopes"])',
       "servable = replication.servable_scopes(peer.allowed_scopes, peer.allowed_scopes)", "run"),
    _m("fed-declaration-scopes-ignored", "served scopes are the token's alone; the peer's declaration is ignored",
       "STG-FED-026", "api/federation.py",
       'servable = replication.servable_scopes(peer.allowed_scopes, claims["scopes"])',
       'servable = replication.servable_scopes(claims["scopes"], claims["scopes"])', "run"),
    _m("fed-stigmem-entities-unserved", "the serving filter leaves out every entity starting with stigmem:, "
       "formal stigmem:// URIs included", "STG-FED-027", "storage/replication.py",
       "\"AND f.entity NOT LIKE 'stigmem:conflict:%'\"", "\"AND f.entity NOT LIKE 'stigmem:%'\"", "run"),
    _m("fed-ingest-dedup-valid-until", "ingest dedups by CID and valid_until, so a later valid_until arrives as "
       "a new fact", "STG-FED-033", "storage/replication.py",
       'if conn.execute("SELECT 1 FROM facts WHERE cid = ? LIMIT 1", (inbound.cid,)).fetchone():',
       'if conn.execute("SELECT 1 FROM facts WHERE cid = ? AND valid_until IS ? LIMIT 1",\n'
       "                    (inbound.cid, inbound.valid_until)).fetchone():", "run"),
    _m("fed-inbound-any-federable-scope", "inbound facts are checked against every federable scope, not the "
       "peer's declared scopes", "STG-FED-034", "storage/replication.py",
       "rejection = rules.admit(inbound, peer.node_id, peer.allowed_scopes, ctx.clock.now_us() // 1000)",
       'rejection = rules.admit(inbound, peer.node_id, ("public", "company"), ctx.clock.now_us() // 1000)', "run"),
    _m("fed-inbound-team-accepted", "only company is checked against the declaration: team facts pass from any "
       "peer", "STG-FED-035", "protocol/replication.py",
       "if scope in NEVER_FEDERATED or scope not in declared_scopes:",
       'if scope == "local" or (scope == "company" and scope not in declared_scopes):', "run"),
    _m("fed-informal-source-owned", "a source without an authority (user:mallory) counts as owned by any peer",
       "STG-FED-036", "protocol/replication.py",
       "return peer_authority is not None and authority(source) == peer_authority",
       "return authority(source) is None or authority(source) == peer_authority", "run"),
    _m("fed-token-nonce-optional", "a peer token without a nonce passes the claim check (and then crashes the "
       "replay lookup)", "STG-RPL-001", "protocol/peer_tokens.py", 'for name in ("iss", "sub", "nonce"):',
       'for name in ("iss", "sub"):', "run"),
    _m("fed-iat-leeway-minutes", "the iat leeway is 30 minutes, not 30 seconds", "STG-RPL-004", "api/peer_auth.py",
       "now_ms=now_ms, seen_nonces=seen)", "now_ms=now_ms, seen_nonces=seen,\n"
       "                           leeway_ms=30 * 60_000)", "run"),
    _m("fed-audit-fact-id-sparse", "audit rows leave fact_id out when the event names no fact", "STG-AUDIT-002",
       "storage/audit.py", '"fact_id": self.fact_id,', '**({"fact_id": self.fact_id} if self.fact_id else {}),',
       "run"),
    _m("fed-meta-facts-served", "the serving filter forgets reserved names, so conflict and meta facts of public "
       "contradictions are served", "STG-CONF-007", "storage/replication.py",
       "\"f.received_from IS NULL AND f.garden_id IS NULL AND f.relation NOT LIKE 'stigmem:%' \"\n"
       "    \"AND f.entity NOT LIKE 'stigmem:conflict:%'\"",
       '"f.received_from IS NULL AND f.garden_id IS NULL"', "run"),
    # --- issue 11, i11-seed: query-time resolution (architecture seed; interpretation default_query) -----------
    _m("http-seed-winner-hidden", "the default query hides every contradicted fact, the winner too (the old "
       "s15-history reading)", "STG-QRY-012", "storage/facts.py", 'if query.default_query == "s15-history":',
       "if True:", "run"),
    _m("http-seed-losers-returned", "the default query returns the losers of a contradiction beside the winner",
       "STG-QRY-012 STG-QRY-008", "storage/facts.py",
       'clauses.append(f"NOT ({_CONTRADICTED} AND {_OUTRANKED.format(live=_LIVE_SIBLING)})")',
       'clauses.append(f"NOT (0 AND {_OUTRANKED.format(live=_LIVE_SIBLING)})")', "run"),
    _m("http-seed-lower-confidence-wins", "query-time resolution prefers the lower confidence",
       "STG-QRY-012 STG-CONF-005", "storage/facts.py", '"AND (g.confidence > f.confidence OR',
       '"AND (g.confidence < f.confidence OR', "run"),
    _m("http-seed-hlc-first", "query-time resolution orders by hlc first, then confidence",
       "STG-QRY-012 STG-CONF-005", "storage/facts.py",
       '"AND (g.confidence > f.confidence OR (g.confidence = f.confidence AND g.hlc > f.hlc)))"',
       '"AND (g.hlc > f.hlc OR (g.hlc = f.hlc AND g.confidence > f.confidence)))"', "run"),
    _m("http-seed-no-hlc-tiebreak", "equal confidence returns every fact instead of the higher hlc",
       "STG-QRY-012 STG-CONF-005", "storage/facts.py",
       '"AND (g.confidence > f.confidence OR (g.confidence = f.confidence AND g.hlc > f.hlc)))"',
       '"AND (g.confidence > f.confidence))"', "run"),
    _m("http-seed-expired-winner-kept", "an expired winner still outranks its live siblings, so the triple shows "
       "nothing", "STG-QRY-012 STG-EXP-001", "storage/facts.py",
       '_LIVE_SIBLING = " AND (g.valid_until_us IS NULL OR g.valid_until_us > ?)"',
       '_LIVE_SIBLING = " AND (? IS NOT NULL)"', "run"),
    _m("http-seed-total-old-reading", "total counts as if every contradicted fact were hidden, the page returns the "
       "winners", "STG-QRY-012 STG-HTTP-013", "storage/facts.py",
       "    clauses, params = _where(query)\n    where = f\" WHERE {' AND '.join(clauses)}\" if clauses else \"\"\n"
       "    return int(",
       '    clauses, params = _where(FactQuery(**{**query.__dict__, "default_query": "s15-history"}))\n'
       "    where = f\" WHERE {' AND '.join(clauses)}\" if clauses else \"\"\n    return int(", "run"),
    _m("fed-seed-tie-single-winner", "of facts tied on confidence and hlc only one (the higher id) is returned",
       "STG-QRY-012 STG-CONF-005", "storage/facts.py", "AND g.hlc > f.hlc)))\"",
       "AND (g.hlc > f.hlc OR (g.hlc = f.hlc AND g.id > f.id)))))\"", "run"),
    # --- issue 11, i11-priv ---
    _m("i11-confidence-overflow", "the confidence range test calls math.isfinite first, which overflows on a 400-digit "
       "integer (500)", "STG-HTTP-003 STG-FACT-001", "protocol/facts.py",
       "if not (0 <= raw <= 1 and math.isfinite(raw)):", "if not (math.isfinite(raw) and 0 <= raw <= 1):", "run"),
    _m("i11-error-echoes-surrogate", "an error detail echoing a lone surrogate (a member name, a permission) is "
       "rendered as is, so the answer cannot be encoded (500)", "STG-HTTP-003 STG-HTTP-002", "api/errors.py",
       'body = printable({"error": self.code, "detail": self.detail, **self.extra})',
       'body = {"error": self.code, "detail": self.detail, **self.extra}', "run"),
    _m("i11-interpret-as-unhashable", "interpret_as is looked up in a set without a type test: an object or array "
       "raises TypeError (500)", "STG-HTTP-003 STG-VAL-006", "protocol/values.py",
       'if not isinstance(value["interpret_as"], str) or value["interpret_as"] not in INTERPRET_AS:',
       'if value["interpret_as"] not in INTERPRET_AS:', "run"),
    _m("i11-cursor-sequence-overflow", "a conflict or audit cursor's sequence is not bounded to 2^63-1, so SQLite "
       "overflows binding it (500)", "STG-HTTP-003", "api/params.py",
       "not _SEQ.fullmatch(parts[1]) or int(parts[1]) > MAX_SEQUENCE:", "not _SEQ.fullmatch(parts[1]):", "run"),
    _m("i11-error-closes-connection", "every error answer carries Connection: close, so a request pipelined behind "
       "it is lost", "STG-HTTP-015", "api/errors.py", "return JSONResponse(body, self.status, self.headers)",
       'return JSONResponse(body, self.status, {**(self.headers or {}), "Connection": "close"})', "run"),
    _m("i11-parse-error-plain-text", "HTTP parse errors get the server library's text/plain 400, not the JSON "
       "envelope", "STG-HTTP-016", "api/http_protocol.py",
       'self._close_with(400, "invalid_http_request", msg)', "HttpToolsProtocol.send_400_response(self, msg)", "run"),
    _m("i11-admin-mints-wider-keys", "an admin key may mint keys with scopes or permissions it does not hold",
       "STG-SCOPE-022", "api/keys.py", "if not identity.covers(key.permissions, key.allowed_scopes):\n        raise",
       "if False:\n        raise", "run"),
    _m("i11-admin-sees-every-key", "an admin key limited to some scopes lists (and may revoke) every key",
       "STG-SCOPE-022", "api/keys.py",
       "return [key for key in store.api_keys() if identity.covers(key.permissions, key.allowed_scopes)]",
       "return list(store.api_keys())", "run"),
    _m("i11-status-counts-every-scope", "the admin status counts facts and conflicts of every scope for a key "
       "limited to some", "STG-SCOPE-022", "api/admin.py", "store.status(identity.scope_filter)", "store.status()",
       "run"),
    _m("i11-dedup-shows-record-to-writer", "a key without read gets the existing fact's whole record (id, timestamp, "
       "hlc) from a dedup hit", "STG-SCOPE-023", "api/facts.py",
       'if not created and "read" not in identity.permissions:', "if False:", "run"),
    _m("fed-i11-federate-beyond-scopes", "a federate key limited to local registers a peer that declares company "
       "and public", "STG-SCOPE-022", "api/federation.py", 'if not identity.covers((), body["allowed_scopes"]):',
       "if False:", "run"),
    _m("fed-i11-declaration-any-age", "a declaration's signed_at is never checked (2001 and 2099 register)",
       "STG-FED-052", "federation/service.py", "self.settings.declaration_max_age_s)", "None)", "run"),
    _m("fed-i11-rejection-not-audited", "a declaration rejected at verification leaves no audit event",
       "STG-AUDIT-015", "federation/service.py",
       'self.store.audit("rejected_declaration", reason, peer=peer, detail=f"declaration of {peer.node_id}")',
       "pass", "run"),
    _m("fed-i11-ingest-raise-stalls", "a pulled fact whose timestamp the store cannot hold (year 0) raises out of "
       "the page: nothing of it commits and replication stalls", "STG-FED-053", "storage/replication.py",
       "        _representable(raw)\n        outcome = _ingest_one(conn, ctx, peer, raw, at)\n"
       "    except Exception as exc:",
       "        outcome = _ingest_one(conn, ctx, peer, raw, at)\n    except (sqlite3.Error, ValueError) as exc:",
       "run"),
    # --- issue 11, i11-dos ---
    _m("conf-cardinality-pairwise", "every new fact is paired with each differing live sibling (quadratic "
       "conflicts) although conflict_cardinality is winner", "STG-CONF-018", "protocol/contradictions.py",
       'if r.cardinality == "pairwise":', "if True:", "vectors run"),
    _m("fed-audit-claimed-iss-whole", "an unauthenticated pull's claimed iss is stored whole in its audit row",
       "STG-ROB-001", "storage/audit.py", "peer_id, bounded(peer_node_id), event_type,",
       "peer_id, peer_node_id, event_type,", "run"),
    # --- issue 11, i11-conn ---
    _m("i11-header-timer-never-armed", "the header timer is never armed: a connection that sends nothing, or its "
       "headers a byte a second, is held for ever", "STG-ROB-002", "api/http_protocol.py",
       "        if self._header_timer is None:\n", "        if False:\n", "run"),
    _m("i11-body-timer-never-armed", "the body timer is never armed: a body sent a byte a second is read for ever",
       "STG-ROB-002", "api/http_protocol.py", "        if self._body_timer is None:\n            self._body_timer",
       "        if False:\n            self._body_timer", "run"),
    _m("i11-cap-refuses-newcomers", "at the connection cap the newcomer is refused (503) instead of the longest-"
       "waiting idle connection, so idle sockets lock clients out", "STG-ROB-003", "api/http_protocol.py",
       "oldest = next(iter(self.waiting), None)", "oldest = None", "run"),
    _m("i11-header-bytes-unbounded", "header bytes are counted but never compared with the bound: one endless "
       "header line is buffered without limit", "STG-ROB-004", "api/http_protocol.py",
       "if self._header_bytes > self.limits.max_header_bytes:", "if False:", "run"),
    _m("fed-audit-repeats-not-aggregated", "identical junk-token pulls within the repeat window each add an audit "
       "row (no aggregation)", "STG-ROB-006", "storage/audit.py",
       "if _repeat(conn, fields, fingerprint, at, bounds.repeat_window_s):", "if False:", "run"),
    # --- issue 10, i10-edge ---
    _m("edge-key-digest-prefix", "the API-key digest covers only the first 40 characters, so a key with its last "
       "character changed is accepted", "STG-AUTH-002 STG-AUTH-005", "storage/keys.py",
       'return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()',
       'return hashlib.sha256(raw_key[:40].encode("utf-8", "surrogatepass")).hexdigest()', "run"),
    _m("edge-contradiction-confidence-epsilon", "only confidences above 1e-9 can contradict (confidence > 0 "
       "read as a tolerance)", "STG-CONF-001", "protocol/contradictions.py",
       "if not (a.confidence > 0 and b.confidence > 0):",
       "if not (a.confidence > 1e-9 and b.confidence > 1e-9):", "run"),
    _m("edge-confidence-upper-tolerance", "confidence up to 1 + 1e-9 is accepted", "STG-FACT-001",
       "protocol/facts.py", "if not (0 <= raw <= 1 and math.isfinite(raw)):",
       "if not (0 <= raw <= 1 + 1e-9 and math.isfinite(raw)):", "run"),
    _m("edge-read-scope-neighbour", "a key allowed company also reads public facts (a neighbouring scope)",
       "STG-SCOPE-004 STG-SCOPE-007", "api/auth.py",
       "return None if set(self.scopes) >= set(SCOPES) else self.scopes",
       'return None if set(self.scopes) >= set(SCOPES) else (*self.scopes, *(("public",) if "company" in '
       'self.scopes else ()))', "run"),
    _m("edge-full-last-page-cursor", "a full last page of facts still carries a cursor (more = rows >= limit)",
       "STG-HTTP-011", "storage/store.py",
       "more = len(rows) > limit\n        records = [record(row, row[-1]) for row in rows[:limit]]",
       "more = len(rows) >= limit\n        records = [record(row, row[-1]) for row in rows[:limit]]", "run"),
    _m("edge-oldest-sibling-only", "a new fact is paired only with the oldest live sibling of its triple, not "
       "with the current winner", "STG-CONF-001", "storage/ledger.py",
       ('rows = fact_rows.preferred_siblings(conn, body.entity, body.relation,'
        ' body.scope, fact.garden_id, now_us,\n'
        '                                            fact_stamp.id)'),
       ('rows = [row for row in fact_rows.siblings(conn, body.entity, body.relation,'
        ' body.scope, fact.garden_id,\n'
        '                                                  now_us) if row[0] !='
        ' fact_stamp.id][:1]'), "run"),
    # --- issue 13: Memory Gardens (the gardens profile) ----------------------------------------------------------
    _m("gardens-by-id-no-acl", "GET /v1/facts/{id} of a garden fact skips the garden ACL: a non-member reads it",
       "STG-SCOPE-015", "storage/store.py",
       'and not garden_rows.readable(conn, row[GARDEN], reader))\n', 'and False)\n', "run"),
    _m("gardens-by-cid-no-acl", "GET /v1/facts/{cid} and verify-cid look the CID up without the garden ACL",
       "STG-SCOPE-024", "storage/store.py",
       'row = fact_rows.by_cid(conn, ref, (f"{garden} AND {released[0]}", params))',
       'row = fact_rows.by_cid(conn, ref, released)', "run"),
    _m("gardens-total-counts-hidden", "a query's total counts the garden facts the caller cannot read",
       "STG-SCOPE-014 STG-SCOPE-030", "storage/facts.py",
       '    clauses, params = _where(query)\n    where = f" WHERE {\' AND \'.join(clauses)}" if clauses else ""\n'
       "    return int(",
       '    clauses, params = _where(query)\n    clauses, params = clauses[1:], params[len(garden_filter(query)[1]):]\n'
       '    where = f" WHERE {\' AND \'.join(clauses)}" if clauses else ""\n    return int(', "run"),
    _m("gardens-served-to-peer", "garden-tagged facts are served on /v1/federation/facts like any other",
       "STG-FED-028", "storage/replication.py",
       "\"f.received_from IS NULL AND f.garden_id IS NULL AND f.relation NOT LIKE 'stigmem:%' \"",
       "\"f.received_from IS NULL AND f.relation NOT LIKE 'stigmem:%' \"", "run"),
    _m("gardens-last-admin-removable", "the last admin of a garden can be demoted or removed",
       "STG-SCOPE-018", "storage/gardens.py",
       "if not rules.leaves_an_admin([m.role for m in roster], index, role):", "if False:", "run"),
    _m("gardens-reader-writes", "a garden reader may write garden facts (the write rule asks for the read role)",
       "STG-SCOPE-010", "storage/gardens.py", "    if not rules.may_write(role):\n",
       "    if not rules.may_read(role):\n", "run"),
    _m("gardens-filter-nonmember-empty", "GET /v1/facts?garden_id= by a non-member answers an empty page, not 403",
       "STG-SCOPE-013", "storage/gardens.py",
       "if not rules.may_read(role_of(conn, garden, reader.entity_uri)):",
       "if not rules.may_read(role_of(conn, garden, reader.entity_uri)) and False:", "run"),
    _m("gardens-node-admin-reads-facts", "a node admin reads every garden's facts without a garden role",
       "STG-SCOPE-012 STG-SCOPE-030", "storage/garden_acl.py",
       'clause += " OR " + _ORPHANED.format(column="+" + column)', 'clause += " OR 1 = 1"', "run"),
    _m("gardens-orphans-readable", "facts of a deleted garden are readable by everyone (garden_orphans = readable)",
       "STG-SCOPE-027", "storage/garden_acl.py", "    if node_admin:\n        clause +=",
       "    if True:\n        clause +=", "run"),
    _m("gardens-list-all", "GET /v1/gardens lists every garden to every caller", "STG-SCOPE-019",
       "storage/store.py", "None if reader.node_admin else reader.entity_uri, after_seq", "None, after_seq", "run"),
    _m("gardens-get-nonmember", "a non-member reads a garden's record and roster", "STG-SCOPE-019",
       "storage/gardens.py", "if not reader.node_admin and role_of(conn, garden, reader.entity_uri) is None:",
       "if False:", "run"),
    _m("gardens-scope-mismatch-stored", "a garden fact in another scope than the garden's is stored",
       "STG-SCOPE-008", "storage/gardens.py", "    if scope != garden.scope:\n", "    if False:\n", "run"),
    _m("gardens-conflict-crosses-garden", "contradiction detection ignores garden_id: a garden fact pairs with the "
       "facts outside its garden (garden_contradictions = garden-blind)", "STG-SCOPE-025", "storage/ledger.py",
       "body.relation, body.scope, fact.garden_id, now_us,", "body.relation, body.scope, None, now_us,", "run"),
    _m("gardens-slug-unicode-lowered", "a slug is lower-cased with Unicode rules: the KELVIN SIGN becomes 'k'",
       "STG-SCOPE-009", "protocol/gardens.py", "slug = raw.lower() if raw.isascii() else raw", "slug = raw.lower()",
       "vectors run"),
    _m("gardens-slug-trailing-newline", "the slug pattern ends with '$', so a final newline is accepted",
       "STG-SCOPE-009", "protocol/gardens.py", '{0,62}\\Z")', '{0,62}$")', "vectors run"),
    _m("gardens-slug-64", "slugs of 64 characters are accepted", "STG-SCOPE-009", "protocol/gardens.py",
       '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}', '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}', "vectors run"),
    # --- Spec-08: the quarantine garden (the quarantine profile, run under --config trust-strict) ---------------
    _m("quarantine-pending-by-cid", "GET /v1/facts/{cid} finds a pending quarantined fact (the CID lookup skips "
       "the quarantine filter)", "STG-QUAR-001", "storage/store.py",
       'row = fact_rows.by_cid(conn, ref, (f"{garden} AND {released[0]}", params))',
       "row = fact_rows.by_cid(conn, ref, (garden, params))", "run"),
    _m("quarantine-pending-by-id", "GET /v1/facts/{id} serves a pending quarantined fact", "STG-QUAR-001",
       "storage/store.py", "            if row is not None and not conn.execute(f\"SELECT {RELEASED",
       "            if False and not conn.execute(f\"SELECT {RELEASED", "run"),
    _m("quarantine-pending-in-queries", "queries (and their totals) include pending quarantined facts",
       "STG-QUAR-001", "storage/facts.py", 'clause = f"{clause} AND {released}"', "clause = clause", "run"),
    _m("quarantine-dedup-onto-held", "asserting the body of a pending fact answers the held fact (dedup by CID "
       "looks past the quarantine)", "STG-QUAR-001", "storage/facts.py",
       '    f"AND {_RELEASED} "\n    "AND f.interpret_as IS ?', '    "AND f.interpret_as IS ?', "run"),
    _m("quarantine-held-contradicts", "a local fact is paired with a pending fact of its triple (contradiction "
       "detection looks past the quarantine)", "STG-QUAR-001", "storage/facts.py",
       'AND f.id != ? "\n    f"AND {_RELEASED} "', 'AND f.id != ? "', "run"),
    _m("quarantine-meta-fact-at-admission", "a held fact's stigmem:received_from meta-fact is written when it is "
       "admitted, so any local-scope reader learns the pending fact's id and peer", "STG-QUAR-001",
       "storage/replication.py",
       "    if held is not None:\n        # STG-QUAR-001: a held fact's received_from meta-fact would name it and its "
       "peer; it is written on promotion.\n",
       "    fact_rows.insert(conn, ledger.received_from(fact.id, peer.node_id), ctx.stamp())\n"
       "    if held is not None:\n", "run"),
    _m("quarantine-surface-cursor-inclusive", "the quarantine surface's cursor is inclusive, so each page repeats the "
       "last fact of the one before", "STG-QUAR-002", "storage/quarantine.py", '        clauses.append("q.seq > ?")',
       '        clauses.append("q.seq >= ?")', "run"),
    _m("quarantine-surface-status-unchecked", "an unknown status on the quarantine surface is read as no filter",
       "STG-QUAR-002", "api/gardens.py", 'status not in ("pending", "promoted", "rejected")', "False", "run"),
    _m("quarantine-node-admin-moderates", "a key with the node's admin permission moderates a quarantine garden it "
       "holds no role in", "STG-QUAR-003", "storage/quarantine.py",
       "if not rules.may_moderate(garden_rows.role_of(conn, garden, reader.entity_uri)):",
       "if not (reader.node_admin or rules.may_moderate(garden_rows.role_of(conn, garden, reader.entity_uri))):",
       "run"),
    _m("quarantine-promotion-undetected", "a fact promoted into the main fabric is never compared with the facts of "
       "its triple", "STG-QUAR-004", "storage/quarantine.py",
       "        ledger.detect(conn, stamp, new, Stamp(fact[ID], fact[TIMESTAMP], 0, fact[HLC]), now_us, cardinality)\n",
       "", "run"),
    _m("quarantine-surface-no-garden-id", "the quarantine surface leaves out quarantine_garden_id",
       "STG-QUAR-002", "storage/quarantine.py", '{"quarantine_garden_id": quarantine_garden_id, ', "{", "run"),
    _m("quarantine-writer-moderates", "a writer of the quarantine garden may promote, reject and list it",
       "STG-QUAR-003", "protocol/gardens.py", 'return role in ("admin", MODERATOR)',
       'return role in ("admin", "writer", MODERATOR)', "run"),
    _m("quarantine-redecide", "promoting or rejecting a fact already decided answers 200 again, not 409",
       "STG-QUAR-003", "storage/quarantine.py", 'if held.status != "pending":', "if False:", "run"),
    _m("quarantine-promotion-restamps", "promotion into the main fabric writes a re-stamped copy (new id, timestamp "
       "and hlc) instead of releasing the fact as it came", "STG-QUAR-004", "storage/quarantine.py",
       "    if target_uri is None:\n", "    if False:\n", "run"),
    _m("quarantine-promotion-no-recheck", "promotion into a garden skips the target's write role and scope",
       "STG-QUAR-004", "storage/quarantine.py",
       "target_uri = garden_rows.writable(conn, target.garden_id, fact[SCOPE], actor, ",
       "target_uri = target.garden_id or garden_rows.writable(conn, target.garden_id, fact[SCOPE], actor, ", "run"),
    _m("quarantine-rejected-readable", "a rejected fact is released into normal reads like a promoted one",
       "STG-QUAR-005", "storage/garden_acl.py", "\"AND (q.status != 'promoted' OR q.target_garden_id IS NOT NULL))\"",
       "\"AND q.status = 'pending')\"", "run"),
    _m("quarantine-delete-guard-off", "a quarantine garden holding pending facts is deleted", "STG-QUAR-006",
       "storage/gardens.py", "    if pending is not None:\n", "    if False:\n", "run"),
    _m("quarantine-delete-guard-counts-decided", "the delete guard counts decided facts too: the garden is never "
       "deleted once it held a fact", "STG-QUAR-006", "storage/gardens.py",
       "WHERE garden = ? AND status = 'pending' LIMIT 1", "WHERE garden = ? LIMIT 1", "run"),
    _m("quarantine-strict-ingests", "strict trust mode ingests pulled facts straight into the main fabric",
       "STG-QUAR-007", "protocol/replication.py", 'if trust_mode == "strict" and not manifest_valid:',
       'if trust_mode == "strict" and manifest_valid:', "run"),
    _m("quarantine-no-garden-silent-drop", "strict mode with no quarantine garden drops the fact unaudited",
       "STG-QUAR-007", "storage/replication.py",
       "            rejection = rules.Rejection(\"rejected_fact\", \"trust_below_threshold\",\n",
       "            return \"held\"\n"
       "            rejection = rules.Rejection(\"rejected_fact\", \"trust_below_threshold\",\n", "run"),
    _m("quarantine-no-garden-ingests", "strict mode with no quarantine garden ingests the fact into the main fabric",
       "STG-QUAR-007", "storage/replication.py",
       "            rejection = rules.Rejection(\"rejected_fact\", \"trust_below_threshold\",\n",
       "            rejection = None and rules.Rejection(\"rejected_fact\", \"trust_below_threshold\",\n", "run"),
    _m("quarantine-garden-by-writer", "a key without the admin permission creates the quarantine garden",
       "STG-QUAR-008", "api/gardens.py", 'if quarantine and "admin" not in identity.permissions:', "if False:",
       "run"),
    _m("quarantine-second-garden", "a second quarantine garden is created", "STG-QUAR-008", "storage/store.py",
       "if quarantine and garden_rows.quarantine_garden(conn) is not None:", "if False:", "run"),
    _m("quarantine-assert-into", "a garden admin asserts facts into the quarantine garden", "STG-QUAR-008",
       "storage/gardens.py", "    if garden.quarantine:\n", "    if False:\n", "run"),
    _m("quarantine-moderator-anywhere", "quarantine:moderator is accepted as a role of an ordinary garden",
       "STG-QUAR-008", "storage/gardens.py", "if rules.parse_role(role, garden.quarantine) is None:",
       "if rules.parse_role(role, True) is None:", "run"),
    # --- Quotas (A20 §22.4) ------------------------------------------------------------------------------------
    _m("quota-429-detail", "the 429 body carries the usual detail member beside the A20 fields",
       "STG-QUOTA-008 STG-QUOTA-013", "api/quotas.py",
       "return JSONResponse(self.body, 429, self.headers)",
       "return JSONResponse({**self.body, \"detail\": \"quota exceeded\"}, 429, self.headers)", "run"),
    _m("quota-retry-ignores-current", "retry_after is 1 / rate whatever the bucket holds", "STG-QUOTA-009",
       "protocol/quotas.py", "return Decision(False, refused, (1 - current) / limit.rate)",
       "return Decision(False, refused, 1 / limit.rate)", "run vectors"),
    _m("quota-header-rounded", "Retry-After is retry_after rounded to the nearest second, not its ceiling",
       "STG-QUOTA-010", "protocol/quotas.py", "return math.ceil(retry_after)", "return max(1, round(retry_after))",
       "run vectors"),
    _m("quota-refill-uncapped", "an idle bucket refills past its capacity", "STG-QUOTA-002 STG-QUOTA-012",
       "protocol/quotas.py", "current = min(Fraction(limit.capacity), current + elapsed * limit.rate)",
       "current = current + elapsed * limit.rate", "run vectors"),
    _m("quota-refusal-spends", "a refused request spends a token it does not have", "STG-QUOTA-003",
       "protocol/quotas.py", "refused = TokenBucket(principal, dimension, limit.capacity, limit.rate, current, last)",
       "refused = TokenBucket(principal, dimension, limit.capacity, limit.rate, current - 1, last)", "run vectors"),
    _m("quota-float-rate", "the rate is the nearest double of its decimal, not the decimal",
       "STG-QUOTA-002", "protocol/quotas.py",
       "return Limit(capacity, Fraction(repr(rate)) if isinstance(rate, float) else Fraction(rate))",
       "return Limit(capacity, Fraction(rate))", "vectors"),
    _m("quota-one-bucket-per-node", "every caller spends the same bucket", "STG-QUOTA-001", "api/auth.py",
       "quotas.charge(request, identity.entity_uri)", "quotas.charge(request, \"node\")", "run"),
    _m("quota-reads-charged-as-writes", "reads of /v1/facts spend the fact_write bucket", "STG-QUOTA-001 STG-QUOTA-014",
       "protocol/quotas.py", "return \"fact_read\" if method in (\"GET\", \"HEAD\") else \"fact_write\"",
       "return \"fact_write\"", "run"),
    _m("quota-policy-node-wide-only", "a principal's QuotaPolicy is stored as the node-wide one", "STG-QUOTA-005",
       "api/quotas.py", "rows.replace_overrides(conn, principal or rows.NODE_WIDE, limits,",
       "rows.replace_overrides(conn, rows.NODE_WIDE, limits,", "run"),
    _m("quota-policy-capacity-zero", "a QuotaPolicy capacity of 0 is accepted", "STG-QUOTA-007",
       "protocol/quotas.py", "or capacity < 1:", "or capacity < 0:", "run"),
    _m("quota-policy-write-key", "a write key may change the QuotaPolicy", "STG-QUOTA-006", "api/quotas.py",
       "# STG-QUOTA-006: only an admin key changes the QuotaPolicy.\n    caller(request, \"admin\")",
       "# STG-QUOTA-006: only an admin key changes the QuotaPolicy.\n    caller(request, \"write\")", "run"),
    _m("quota-breach-not-audited", "a refusal writes no quota_breach event", "STG-QUOTA-011", "storage/quotas.py",
       "                breach(conn, decision)", "                pass", "run"),
    # --- workers: trust state shared across processes (docs/workers.md) ----------------------------------
    _m("work-nonce-check-then-insert", "the nonce cache's insert decides nothing: a token is accepted when the "
       "earlier read did not see its nonce (check-then-insert)", "STG-WORK-001", "storage/nonces.py",
       "    return changed == 1\n", "    return True\n", "run",
       equivalent="one process runs a request's read and insert with no await between, so no other request slips "
                  "in; killed under --config workers (two processes race)"),
    _m("work-hlc-per-process", "each worker ticks its own HLC, never raised to the stored high-water mark",
       "STG-WORK-003 STG-WORK-004", "storage/store.py", "        db.on_begin.append(self._catch_up)\n", "", "run",
       equivalent="with one process the in-memory clock is the only writer, so catching up never changes it; "
                  "killed under --config workers"),
    # --- mTLS for federation (conformance/checks/tls.py; the hardening profile runs the node over mTLS) ------------
    _m("tls-san-check-off", "any CA-signed certificate is taken for any peer: the URI SAN is not compared",
       "STG-TLS-005", "protocol/tls.py",
       "return any(uri == node_id for uri in uris)", "return True", "run"),
    _m("tls-san-prefix", "a URI SAN that starts with the peer's node_id is taken for the peer",
       "STG-TLS-006", "protocol/tls.py",
       "return any(uri == node_id for uri in uris)", "return any(uri.startswith(node_id) for uri in uris)", "run"),
    _m("tls-san-prefix-of-node", "a URI SAN that the peer's node_id starts with is taken for the peer",
       "STG-TLS-006", "protocol/tls.py",
       "return any(uri == node_id for uri in uris)", "return any(node_id.startswith(uri) for uri in uris)", "run"),
    _m("tls-san-first-uri-only", "only the certificate's first URI SAN is compared with the peer's node_id",
       "STG-TLS-005", "protocol/tls.py",
       "return any(uri == node_id for uri in uris)", "return next(iter(uris), None) == node_id", "run"),
    _m("tls-tls12-allowed", "the node's contexts accept TLS 1.2", "STG-TLS-001", "tls_contexts.py",
       "context.minimum_version = ssl.TLSVersion.TLSv1_3", "context.minimum_version = ssl.TLSVersion.TLSv1_2",
       "run"),
    _m("tls-client-cert-optional", "the peer routes serve a caller without a client certificate",
       "STG-TLS-003", "api/tls.py",
       'if not info.get("client_cert_chain"):\n        raise ApiError("client_certificate_required"',
       'if False:\n        raise ApiError("client_certificate_required"', "run"),
    _m("tls-flags-ignored", "the --tls-* flags are read but the node serves plain HTTP with no mTLS at all",
       "STG-TLS-008", "settings.py",
       "return self.tls_cert is not None", "return False", "run"),
    _m("tls-plain-guard-off", "the peer routes' own refusal of plain HTTP is dropped", "STG-TLS-008", "api/tls.py",
       'if info is None or request.url.scheme != "https":', "if False:", "run",
       equivalent="the reference listener serves TLS only once --tls-* are given, so a plain request never reaches "
                  "the route; the guard covers a node deployed behind a plain listener or a proxy"),
    _m("tls-outbound-no-cert", "the node calls peers without presenting its client certificate", "STG-TLS-010",
       "tls_contexts.py",
       "    _load(context, settings, ca=False)\n", "", "run"),
    _m("tls-outbound-unverified", "the node does not verify peers' server certificates (CERT_NONE; Python then "
       "also hides their SANs, so every declarer fails the SAN match)", "STG-TLS-011", "tls_contexts.py",
       "    _load(context, settings, ca=False)\n",
       "    _load(context, settings, ca=False)\n    context.check_hostname = False\n"
       "    context.verify_mode = ssl.CERT_NONE\n", "run"),
    _m("tls-declarer-san-unchecked", "a declarer's certificate need not name the node_id it declares",
       "STG-TLS-012", "federation/service.py",
       "if fetched.peer_uris is not None and not tls_rules.san_names(node_id, fetched.peer_uris):", "if False:",
       "run"),
    _m("tls-plain-peer-allowed", "with mTLS the node still registers a declarer served over plain HTTP",
       "STG-TLS-009", "federation/service.py",
       'if self.tls is not None and not url.lower().startswith("https://"):', "if False:", "run"),
    _m("tls-san-mismatch-not-audited", "a SAN mismatch is refused but leaves no audit event", "STG-TLS-007",
       "api/tls.py",
       'audit_log.append(conn, "san_mismatch", "denied",', 'None and audit_log.append(conn, "san_mismatch", "denied",',
       "run"),
    # --- Audit log (Spec-09; A20 22.3) and admin keys ---------------------------------------------------------
    _m("audit-export-read-key", "the audit export needs only read, not admin", "STG-AUDIT-011", "api/audit_log.py",
       'identity = caller(request, "admin")', 'identity = caller(request, "read")', "run"),
    _m("audit-timestamp-epoch-us", "audit events carry the clock's microseconds, not an RFC 3339 timestamp",
       "STG-AUDIT-004 STG-AUDIT-007", "api/audit_log.py",
       "conn, event_type, outcome, format_timestamp(store.now_us()),",
       "conn, event_type, outcome, str(store.now_us()),", "run"),
    _m("audit-after-response", "an assert's fact_write event is written half a second after the response",
       "STG-AUDIT-009", "api/facts.py", _LATE_AUDIT_FIND, _LATE_AUDIT_REPLACE, "run"),
    _m("audit-descending-seq", "the export lists events newest first", "STG-AUDIT-008", "storage/audit_log.py",
       'FROM audit_log{where} ORDER BY seq LIMIT ?', 'FROM audit_log{where} ORDER BY seq DESC LIMIT ?', "run"),
    _m("audit-cursor-skips-one", "next_cursor points one event past the page, so each page boundary drops one",
       "STG-AUDIT-012", "api/audit_log.py", 'encode_cursor("a1", str(rows[-1].seq))',
       'encode_cursor("a1", str(rows[-1].seq + 1))', "run"),
    _m("audit-export-live-state", "the export decorates each event with live state (the active key count), so an "
       "event already exported reads differently later", "STG-AUDIT-005", "api/audit_log.py",
       '"events": [row.public() for row in rows]',
       '"events": [{**row.public(), "keys_now": len(store.api_keys())} for row in rows]', "run"),
    _m("audit-retraction-as-assert", "a retraction is logged as an ordinary assert", "STG-AUDIT-006 STG-AUDIT-019",
       "api/facts.py", 'if written.get("confidence") == 0:', "if False:", "run"),
    _m("hard-audit-seq-reset", "the audit log starts empty at every start, its seq from 1 again", "STG-AUDIT-008",
       "api/audit_retention.py", "        audit_log.prune(conn, now)",
       "        conn.execute(\"DROP TRIGGER IF EXISTS audit_log_append_only_delete\")\n"
       "        conn.execute(\"DELETE FROM audit_log\")\n"
       "        conn.execute(\"DELETE FROM sqlite_sequence WHERE name = 'audit_log'\")", "run"),
    _m("hard-audit-type-filter-first-only", "a repeated event_type keeps only the first type named",
       "STG-AUDIT-016", "api/audit_log.py", 'types = tuple(dict.fromkeys(params.getlist("event_type")))',
       'types = tuple(dict.fromkeys(params.getlist("event_type")))[:1]', "run"),
    _m("hard-audit-after-inclusive", "after includes an event at exactly its instant", "STG-AUDIT-017",
       "storage/audit_log.py", 'clauses.append("timestamp > ?")', 'clauses.append("timestamp >= ?")', "run"),
    _m("hard-audit-limit-zero", "limit=0 is served (an empty page) instead of refused", "STG-AUDIT-018",
       "api/audit_log.py", "not 1 <= int(raw_limit) <= MAX_LIMIT", "not 0 <= int(raw_limit) <= MAX_LIMIT", "run"),
    _m("hard-audit-default-limit", "the default page holds 5000 events, not 500", "STG-AUDIT-018",
       "api/audit_log.py", "DEFAULT_LIMIT = 500", "DEFAULT_LIMIT = 5000", "run"),
    _m("hard-audit-export-unscoped", "an admin key bounded to local exports the events of every scope",
       "STG-AUDIT-025 STG-KEY-008", "api/audit_log.py", "params.before, identity.scope_filter)",
       "params.before, None)", "run"),
    _m("hard-audit-retention-unset", "the node never records its retention bound", "STG-AUDIT-026",
       "api/audit_retention.py", "previous = audit_log.set_retention(conn, days * _DAY_S)",
       "previous = audit_log.retention(conn)", "run"),
    _m("hard-audit-export-unaudited", "an export leaves no admin_action event", "STG-AUDIT-028", "api/audit_log.py",
       'record(conn, store, "admin_action", identity, action="audit_export", target="audit_log",',
       'None and record(conn, store, "admin_action", identity, action="audit_export", target="audit_log",', "run"),
    _m("hard-audit-federation-unmirrored", "federation audit rows stay out of the audit log", "STG-AUDIT-024",
       "storage/audit.py", "    audit_log.append(conn, FEDERATION_MIRROR.get(event_type, event_type),",
       "    None and audit_log.append(conn, FEDERATION_MIRROR.get(event_type, event_type),", "run"),
    _m("hard-audit-refused-connect-silent", "a declaration refused before verification leaves no federation_connect "
       "event", "STG-AUDIT-022", "federation/service.py", "                         refused_connect=True)",
       "                         refused_connect=False)", "run"),
    _m("hard-key-status-for-readers", "the admin status answers any key with read", "STG-KEY-001", "api/admin.py",
       '    identity = caller(request, "admin")\n    store: Store = request.app.state.store\n    settings',
       '    identity = caller(request, "read")\n    store: Store = request.app.state.store\n    settings', "run"),
    _m("hard-key-admin-implies-all", "admin implies every permission, so an operator key reads and writes facts",
       "STG-KEY-002", "api/auth.py", "    if permission not in identity.permissions:\n",
       '    if permission not in identity.permissions and "admin" not in identity.permissions:\n', "run"),
    _m("hard-key-raw-in-audit", "the key_create event carries the raw key", "STG-KEY-003", "api/keys.py",
       'audit_log.record(conn, store, "admin_action", identity, action="key_create", target=key.id,',
       'audit_log.record(conn, store, "admin_action", identity, action="key_create", target=key.id, raw=raw,',
       "run"),
    _m("hard-key-kind-always-agent", "every key is listed as an agent key", "STG-KEY-004", "api/admin_keys.py",
       '"kind": "admin" if "admin" in key.permissions else "agent"', '"kind": "agent"', "run"),
    _m("hard-key-node-rotation-90", "the node signing key is due after 90 days, not 365", "STG-KEY-005",
       "protocol/key_ages.py", 'ROTATION_DAYS = {"node_signing": 365,', 'ROTATION_DAYS = {"node_signing": 90,',
       "run"),
    # Signing-key rotation (vectors/key_rotation/verify_chain.json; conformance/checks/key_rotation.py).
    _m("rotate-verify-new-key", "a rotation entry is verified under its new key instead of the old", "STG-KEY-010",
       "protocol/key_rotation.py", "ed25519_policy.verify(base64url.decode(current_public, length=32),",
       'ed25519_policy.verify(base64url.decode(entry["new_public_key"], length=32),', "vectors"),
    _m("rotate-preimage-skips-dual-trust", "dual_trust_expires_at is left out of the signed bytes", "STG-KEY-010",
       "protocol/key_rotation.py", 'if name != "rotation_sig"})',
       'if name not in ("rotation_sig", "dual_trust_expires_at")})', "vectors"),
    _m("rotate-gap-unchecked", "an entry's old_key_id is not compared with the key in force", "STG-KEY-011",
       "protocol/key_rotation.py", 'if entry["old_key_id"] != current_id:', "if False:", "vectors"),
    _m("rotate-same-second", "two rotations in the same second pass as increasing", "STG-KEY-012",
       "protocol/key_rotation.py", "rotated_at <= previous_at:", "rotated_at < previous_at:", "vectors"),
    _m("rotate-chain-may-shrink", "a chain shorter than one already seen is accepted", "STG-KEY-012",
       "protocol/key_rotation.py", "if len(entries) < known_length:", "if False:", "vectors"),
    _m("rotate-key-id-unbound", "new_key_id need not be the SHA-256 of new_public_key", "STG-KEY-009",
       "protocol/key_rotation.py", 'if new_id != entry["new_key_id"]:', "if False:", "vectors"),
    _m("rotate-no-dual-trust-floor", "an entry with less than 24 h of dual trust is accepted", "STG-KEY-013",
       "protocol/key_rotation.py", "if expires_at - rotated_at < MIN_ACCEPTED_DUAL_TRUST:",
       "if expires_at < rotated_at:", "vectors"),
    _m("rotate-stale-at-boundary", "an old key is still trusted at the second its dual trust ends", "STG-KEY-014",
       "protocol/key_rotation.py", 'if moment < parse_time(until, "dual_trust_expires_at")]',
       'if moment <= parse_time(until, "dual_trust_expires_at")]', "vectors"),
    _m("rotate-stale-never", "old keys stay trusted after their dual trust ends", "STG-KEY-014",
       "protocol/key_rotation.py", 'if moment < parse_time(until, "dual_trust_expires_at")]', "if moment]",
       "vectors"),
    _m("rotate-signed-by-new", "the node signs its rotation entry with the new key", "STG-KEY-010",
       "protocol/key_rotation.py", "signing_key(old_seed).sign(preimage(entry))",
       "signing_key(new_seed).sign(preimage(entry))", "run"),
    _m("rotate-dual-trust-30-days", "the node keeps its old key trusted for 30 days, not 90", "STG-KEY-013",
       "protocol/key_rotation.py", "NODE_DUAL_TRUST = timedelta(days=90)", "NODE_DUAL_TRUST = timedelta(days=30)",
       "run"),
    _m("rotate-discovery-cached", "discovery keeps serving the key cached before a rotation", "STG-KEY-016",
       "api/discovery.py",
       'key = node_url if state.federation is None else f"{node_url} {state.federation.public_key}"',
       "key = node_url", "run"),
    _m("rotate-seed-loaded-once", "the running node keeps signing with the key it started with",
       "STG-KEY-017 STG-KEY-020",
       "federation/service.py", "        self._seed()\n",
       "        self.key_file_seed = self.key_file_seed or self.store.signing_seed()\n", "run"),
    _m("rotate-tokens-old-key", "after a rotation the node's peer tokens are signed with its first key",
       "STG-KEY-017", "federation/service.py", "return peer_tokens.sign(claims, self._seed())",
       "with self.store.db.reading() as c: return peer_tokens.sign(claims, __import__("
       "'reference_node.protocol.base64url', fromlist=['decode']).decode(c.execute("
       "'SELECT seed FROM federation_keys ORDER BY created_at LIMIT 1').fetchone()[0]))", "run"),
    _m("rotate-peer-not-followed", "a peer token under a rotated key is refused without fetching the peer's log",
       "STG-KEY-018", "api/peer_auth.py", "if not await federation.follow_rotation(peer):", "if True:", "run"),
    _m("rotate-peer-old-key-forever", "a followed peer's registered key stays trusted after its dual trust",
       "STG-KEY-014 STG-KEY-018", "federation/peer_keys.py",
       'return key_rotation.trusted_public_keys(chain, store.now()[:19] + "Z")',
       'return (*key_rotation.trusted_public_keys(chain, store.now()[:19] + "Z"), peer.federation_pubkey)', "run"),
    _m("rotate-log-rewritten", "a rotation replaces the served log instead of appending to it",
       "STG-KEY-012 STG-KEY-016",
       "storage/key_rotations.py", "return (rows[0][0] if rows else None), [json.loads(entry) for _, entry in rows]",
       "return (rows[-1][0] if rows else None), [json.loads(entry) for _, entry in rows[-1:]]", "run"),
    # --- Source trust (A20 19.4; profile federation-trust; trust-off-/trust-strict-/trust-weights- need a config) ---
    _m("trust-float-arithmetic", "the score is summed in doubles, so an exact 0.2 becomes 0.19999999999999998",
       "STG-TRUST-001 STG-TRUST-009", "protocol/source_trust.py", "    return min(max(total, F(0)), F(1))",
       "    total = F(float(weights.identity) * float(identity) + float(weights.history) * "
       "float(peer_history(inputs.history)) + float(weights.scope) * float(scope) + float(weights.attestation) * "
       "float(attestation))\n    return min(max(total, F(0)), F(1))", "vectors"),
    _m("trust-proven-at-99", "99 facts without failure already earn the 1.0 history row", "STG-TRUST-001",
       "protocol/source_trust.py", "PROVEN_FACTS, GOOD_FACTS = 100, 10", "PROVEN_FACTS, GOOD_FACTS = 99, 10",
       "vectors"),
    _m("trust-good-at-9", "9 facts earn the 0.7 history row", "STG-TRUST-001",
       "protocol/source_trust.py", "PROVEN_FACTS, GOOD_FACTS = 100, 10", "PROVEN_FACTS, GOOD_FACTS = 100, 9",
       "vectors"),
    _m("trust-five-percent-passes", "a failure rate of exactly 5 % is not failing", "STG-TRUST-001",
       "protocol/source_trust.py", "if rate >= FAILING_RATE:", "if rate > FAILING_RATE:", "vectors"),
    _m("trust-window-exclusive", "an event exactly 30 days old falls out of the window", "STG-TRUST-001",
       "protocol/source_trust.py", "if 0 <= now_ms - at_ms <= WINDOW_MS:", "if 0 <= now_ms - at_ms < WINDOW_MS:",
       "vectors"),
    _m("trust-blocklist-scores", "a blocklisted source keeps its other components' score", "STG-TRUST-003",
       "protocol/source_trust.py",
       "    if inputs.history is not None and inputs.history.blocklisted:\n        return F(0)",
       "    if False:\n        return F(0)", "vectors"),
    _m("trust-no-score-zero", "no computable score gives 0 instead of 0.5", "STG-TRUST-002",
       "protocol/source_trust.py", "        return NO_SCORE", "        return F(0)", "vectors"),
    _m("trust-multiplier-bare", "the recall multiplier is t instead of 0.5 + 0.5 t", "STG-TRUST-006",
       "protocol/source_trust.py", "F(1) if t is None else F(1, 2) + F(1, 2) * t", "F(1) if t is None else t",
       "vectors"),
    _m("trust-peer-supplied", "a pulled fact keeps the source_trust its peer sent", "STG-TRUST-010",
       "storage/replication.py", "    _store(conn, ctx, peer, inbound, local_hlc, held, trust)",
       "    claimed = raw.get(\"source_trust\") if isinstance(raw, dict) else None\n"
       "    _store(conn, ctx, peer, inbound, local_hlc, held, trust if claimed is None else Fraction(str(claimed)))",
       "run"),
    _m("trust-relaxed-holds-low", "relaxed mode holds (or, without a quarantine garden, refuses) facts under 0.5",
       "STG-TRUST-007 STG-TRUST-008", "protocol/replication.py",
       "        # STG-TRUST-008: relaxed (and off) never hold a fact for its score.\n        return None",
       "        return \"source_trust_below_threshold\" if source_trust is not None and source_trust < "
       "Fraction(1, 2) else None", "run"),
    _m("trust-attested-false", "records say attested false instead of null", "STG-TRUST-011", "storage/rows.py",
       'out["attested"] = None', 'out["attested"] = False', "run"),
    _m("trust-no-attestation-member", "discovery leaves out source_attestation", "STG-TRUST-011",
       "api/discovery.py", '"source_attestation": ATTESTATION_MODE,', '"source_attestation_mode": ATTESTATION_MODE,',
       "run"),
    _m("trust-off-scores", "trust_mode off still scores pulled facts", "STG-TRUST-005", "storage/source_trust.py",
       "        if self.trust_mode == \"off\":\n            return None\n",
       "        if self.trust_mode == \"off\":\n            return rules.score(rules.Inputs(identity_kind(peer), "
       "scope_kind(peer, scope), self.attestation_mode, self.history(conn, peer, now_ms)), self.weights)\n", "run"),
    _m("trust-weights-unpublished", "non-default trust weights are used but not published", "STG-TRUST-004",
       "api/discovery.py", "if settings.trust_weights != DEFAULT_WEIGHTS:", "if False:", "run"),
    _m("trust-strict-held-unscored", "a fact held in strict mode loses its source_trust", "STG-TRUST-009",
       "storage/replication.py", "                     source_trust=source_trust_rules.wire(trust))",
       "                     source_trust=None if held is not None else source_trust_rules.wire(trust))", "run"),
    # Capability tokens (vectors/capability_tokens/verify.json; conformance/checks/federation/capability_tokens.py).
    _m("cap-expiry-before-signature", "token times are checked before the signature (a forged, expired token reports "
       "token_expired)", "STG-CAP-014", "protocol/capability_tokens.py",
       '    issuer_manifest = _manifest(manifest, body["issuer"], moment)\n',
       '    issuer_manifest = _manifest(manifest, body["issuer"], moment)\n    _times(body, moment)\n', "vectors run"),
    _m("cap-nonce-any-string", "any non-empty nonce passes (\"ABC\", uppercase hex)", "STG-CAP-006",
       "protocol/capability_tokens.py", 'if not _NONCE.match(token["nonce"]):', 'if not token["nonce"]:',
       "vectors run"),
    _m("cap-replay-inverted", "a nonce already bound to this very token is the replay, another token's is not",
       "STG-CAP-012", "protocol/capability_tokens.py", "nonce_holder != seal:", "nonce_holder == seal:",
       "vectors run"),
    _m("cap-grant-any-object", "a grant covers every object of its verb", "STG-CAP-013",
       "protocol/capability_tokens.py", 'token["object"] == "*" or token["object"] == obj',
       'token["object"] == "*" or bool(obj)', "vectors run"),
    _m("cap-subject-unchecked", "a subject outside the issuer manifest's entities is accepted", "STG-CAP-010",
       "protocol/capability_tokens.py", 'if body["subject"] not in issuer_manifest["entities"]:', "if False:",
       "vectors run"),
    _m("cap-lifetime-off-by-one", "a lifetime of 90 days and 1 s passes", "STG-CAP-005",
       "protocol/capability_tokens.py", "if expiry - issued_at > MAX_LIFETIME:",
       "if expiry - issued_at > MAX_LIFETIME + timedelta(seconds=1):", "vectors run"),
    _m("cap-signature-skipped", "the token signature is never checked", "STG-CAP-002",
       "protocol/capability_tokens.py", "ed25519_policy.verify(public, preimage(body), signature)", "pass",
       "vectors run"),
    _m("cap-revocation-ignored", "the pull gate never consults the revocation table", "STG-CAP-011",
       "api/capability_tokens.py", "revoked = isinstance(token_id, str) and rows.revoked(conn, token_id)",
       "revoked = False", "run"),
    _m("cap-nonce-status-401", "token_nonce_invalid answers 401 instead of 400", "STG-CAP-015", "api/errors.py",
       '"token_nonce_invalid": 400,', '"token_nonce_invalid": 401,', "run"),
    _m("cap-revoke-unknown-204", "revoking an unknown token id answers 204", "STG-CAP-017",
       "api/capability_tokens.py", "    if done is None:\n", "    if done is None and False:\n", "run"),
    # --- RTBF tombstones (Spec-X2) and time travel (Spec-X3) ------------------------------------------------
    _m("tomb-uuid4-id", "tombstone ids are tomb_ + a version-4 UUID", "STG-TOMB-001", "api/tombstones.py",
       'f"tomb_{rows.uuid7(now // 1000)}"', 'f"tomb_{rows.uuid7(now // 1000).replace(\'-7\', \'-4\', 1)}"', "run"),
    _m("tomb-wildcard-entity", "a wildcard entity_uri is accepted", "STG-TOMB-002", "protocol/tombstones.py",
       'if isinstance(raw, str) and ("*" in raw or "?" in raw):', "if False:", "run"),
    _m("tomb-duplicate-array-scope", "an array scope may list a scope twice", "STG-TOMB-005",
       "protocol/tombstones.py", "if len(set(raw)) != len(raw):", "if False:", "run"),
    _m("tomb-write-key-issues", "a write key may issue, revoke and look up tombstones", "STG-TOMB-003 STG-TOMB-009",
       "api/tombstones.py", 'return caller(request, "admin")', 'return caller(request, "write")', "run"),
    _m("tomb-duplicate-allowed", "a second active tombstone for the same entity and scope is issued",
       "STG-TOMB-006", "api/tombstones.py", "if rows.exists_active(conn, entity, scope) is not None:", "if False:",
       "run"),
    _m("tomb-star-covers-local", "the * pattern covers only the local scope", "STG-TOMB-011",
       "protocol/tombstones.py", "if pattern == _WILDCARD:\n        return SCOPES",
       'if pattern == _WILDCARD:\n        return ("local",)', "run"),
    _m("tomb-refs-kept", "facts whose ref value points at a tombstoned entity stay visible", "STG-TOMB-012",
       "storage/tombstones.py", "OR ({f}.value_type = 'ref'", "OR ({f}.value_type = 'no-ref'", "run"),
    _m("tomb-single-read-served", "a suppressed fact is served by id and CID", "STG-TOMB-013", "storage/store.py",
       "if found is not None and tombstone_rows.hides(conn, found[ID]):", "if False:", "run"),
    _m("tomb-total-prefilter", "the query total counts suppressed facts", "STG-TOMB-013", "storage/facts.py",
       "    clauses, params = _where(query)\n    where = f\" WHERE {' AND '.join(clauses)}\" if clauses else \"\"\n"
       "    return int(",
       "    clauses, params = _where(query)\n    clauses = clauses[:1] + clauses[2:]\n"
       "    where = f\" WHERE {' AND '.join(clauses)}\" if clauses else \"\"\n    return int(", "run"),
    _m("tomb-revocation-keeps-cover", "a revocation leaves the facts suppressed", "STG-TOMB-008",
       "storage/tombstones.py", 'conn.execute("DELETE FROM tombstone_cover WHERE tombstone_id = ?", '
       '(record["tombstone_id"],))', "pass", "run"),
    _m("tomb-revoke-twice", "a tombstone can be revoked twice", "STG-TOMB-010", "api/tombstones.py",
       "if found[1]:", "if False:", "run"),
    _m("tomb-legal-hold-unaudited", "a legal-hold tombstone emits no rtbf_legal_hold_issued event", "STG-TOMB-023",
       "api/tombstones.py", "if legal_hold:\n            # STG-TOMB-023", "if False:\n            # STG-TOMB-023",
       "run"),
    _m("tomb-raw-entity", "a tombstone's entity_uri is stored as sent", "STG-TOMB-015", "protocol/tombstones.py",
       "        return normalize(raw)\n    except InvalidEntityUri", "        return str(normalize(raw) and raw)\n"
       "    except InvalidEntityUri", "run"),
    _m("tomb-reason-signed", "the tombstone signature covers reason", "STG-TOMB-004 STG-TOMB-017",
       "protocol/signatures.py", 'frozenset({"signature", "reason"}),\n            ("id", "entity_uri"',
       'frozenset({"signature"}),\n            ("id", "entity_uri"', "vectors run"),
    _m("tt-created-exclusive", "as_of T leaves out facts created exactly at T", "STG-TT-004 STG-TT-007",
       "storage/time_travel.py", '["f.timestamp_us <= ?",', '["f.timestamp_us < ?",', "run"),
    _m("tt-expiry-inclusive", "as_of T shows facts whose valid_until is exactly T", "STG-TT-004",
       "storage/time_travel.py", '"(f.valid_until_us IS NULL OR f.valid_until_us > ?)"',
       '"(f.valid_until_us IS NULL OR f.valid_until_us >= ?)"', "run"),
    _m("tt-retraction-exclusive", "as_of T shows facts retracted exactly at T", "STG-TT-005",
       "storage/time_travel.py", "r.retracted_at_us <= ?", "r.retracted_at_us < ?", "run"),
    _m("tt-retraction-unrecorded", "retractions write no fact_retractions row", "STG-TT-005", "storage/facts.py",
       "    if confidence == 0:\n", "    if False:\n", "run"),
    _m("tt-future-unbounded", "as_of in the future is answered", "STG-TT-009", "protocol/time_travel.py",
       "if at > now_us + FUTURE_TOLERANCE_US:", "if False:", "run"),
    _m("tt-floor-ignored", "as_of before the retention floor is answered", "STG-TT-010", "protocol/time_travel.py",
       "if floor_us is not None and at < floor_us:", "if False:", "run"),
    _m("tt-invalid-as-epoch", "an unreadable as_of is read as the epoch", "STG-TT-008", "protocol/time_travel.py",
       "    if at is None:\n        raise AsOfInvalid", "    if at is None:\n        at = 0\n    if at is None:\n"
       "        raise AsOfInvalid", "run"),
    _m("tt-legal-hold-for-agents", "agents' as_of shows legal-hold facts", "STG-TT-014", "api/params.py",
       "legal_hold_visible=as_of_us is not None and identity.reader.node_admin",
       "legal_hold_visible=as_of_us is not None", "run"),
    _m("tt-notices-always", "tombstone_notices is present (empty) when no legal hold applies", "STG-TT-013",
       "api/facts.py", "        if notices:\n", "        if True:\n", "run"),
    _m("tt-admin-sees-erased", "an admin's as_of shows facts under a tombstone without legal hold",
       "STG-TT-006 STG-TT-011", "storage/tombstones.py", "\" AND tc.legal_hold = 0\" if legal_hold_visible",
       "\" AND tc.legal_hold = 2\" if legal_hold_visible", "run"),
    _m("tt-visible-expiry-inclusive", "the visibility rule keeps a fact whose valid_until is exactly T",
       "STG-TT-004", "protocol/time_travel.py", "fact.valid_until_us <= at_us", "fact.valid_until_us < at_us",
       "vectors"),
    _m("tt-visible-hold-for-all", "the visibility rule shows legal-hold facts to agents", "STG-TT-014",
       "protocol/time_travel.py", "return all(cover.legal_hold and admin for cover in covers)",
       "return all(cover.legal_hold for cover in covers)", "vectors"),
    # Transparency log (STG-TLOG-*): the node's routes and storage (run), its pure proof code (vectors).
    _m("tlog-checkpoint-signs-short-body", "checkpoints are signed over the body without its final newline",
       "STG-TLOG-005", "protocol/transparency.py",
       'key.sign(body.encode("utf-8"))', 'key.sign(body.rstrip("\\n").encode("utf-8"))', "run"),
    _m("tlog-leaf-unprefixed", "the log hashes its leaves without RFC 9162's 0x00 prefix", "STG-TLOG-002",
       "storage/transparency_log.py", "leaf = merkle.leaf_hash(transparency.entry_leaf(kind, body, at)).hex()",
       "leaf = __import__('hashlib').sha256(transparency.entry_leaf(kind, body, at)).hexdigest()", "run"),
    _m("tlog-inclusion-top-down", "the served audit path lists its hashes top down", "STG-TLOG-003",
       "protocol/merkle.py", "return [bytes(h) for h in proof.path[1:]]",
       "return [bytes(h) for h in reversed(proof.path[1:])]", "run"),
    _m("tlog-entry-ts-wrong-index", "signed_entry_ts signs the next log index", "STG-TLOG-006",
       "storage/transparency_log.py", "sct = signer.log_id, index, integrated_time, entry_hash",
       "sct = signer.log_id, index + 1, integrated_time, entry_hash", "run"),
    _m("tlog-consistency-drops-hash", "the served consistency proof lacks its last hash", "STG-TLOG-004",
       "storage/transparency_log.py", "hashes = log_tree.consistency(first, second)",
       "hashes = log_tree.consistency(first, second)[:-1]", "run"),
    _m("tlog-rotation-not-logged", "a key rotation is not written to the transparency log", "STG-TLOG-011",
       "storage/key_rotations.py", '    transparency_log.append(conn, "rotation", entry)\n', "", "run"),
    _m("tlog-bad-sizes-500", "a consistency proof from size 0 or past the tree is a 500", "STG-TLOG-007",
       "api/transparency.py", "if not 0 < first <= second <= size:", "if first > second:", "run"),
    _m("tlog-verify-leaf-zero-layout", "inclusion proofs are checked with the layout of leaf 0", "STG-TLOG-003",
       "protocol/transparency.py", "rule, _ = _inclusion_path_layout(index + 1, size)",
       "rule, _ = _inclusion_path_layout(1, size)", "vectors"),
    _m("tlog-verify-equal-sizes-any-root", "equal sizes are consistent whatever their roots", "STG-TLOG-004",
       "protocol/transparency.py", "if hashes or first_hash != second_hash:", "if hashes:", "vectors"),
    _m("tlog-verify-no-power-of-two-seed", "the old root is not prepended when m is a power of two",
       "STG-TLOG-004", "protocol/transparency.py",
       "path = [first_hash, *hashes] if first & (first - 1) == 0 else list(hashes)", "path = list(hashes)",
       "vectors"),
    _m("tlog-checkpoint-any-key-name", "a checkpoint signature is accepted under any key name and key hash",
       "STG-TLOG-005", "protocol/transparency.py",
       "if parts[1] != key.name or raw[:4] != wanted or len(raw) != 68:", "if len(raw) != 68:", "vectors"),
    _m("tlog-checkpoint-leading-zero", "a tree size with leading zeros is read as a number", "STG-TLOG-005",
       "protocol/transparency.py", '(size_text != "0"\n                                                       '
       '                     and size_text.startswith("0"))', "False", "vectors"),
    _m("tlog-leaf-hash-raw", "the tree hashes leaf data without the 0x00 prefix", "STG-TLOG-002",
       "protocol/merkle.py", "return bytes(LeafTree().hash_buff(data))", "return bytes(LeafTree().hash_raw(data))",
       "vectors"),
    _m("tlog-relaxed-fails-closed", "relaxed trust mode refuses a manifest without valid evidence", "STG-TLOG-009",
       "protocol/transparency.py", 'if trust_mode == "strict":\n        return Verdict(False',
       'if trust_mode != "off":\n        return Verdict(False', "vectors"),
    _m("tlog-unreachable-is-invalid", "an unreachable log is reported as an invalid proof, not 503", "STG-TLOG-008",
       "protocol/transparency.py", 'failure = ("transparency_log_unavailable", "no log evidence could be fetched")',
       'failure = ("inclusion_proof_invalid", "no log evidence could be fetched")', "vectors"),
    # Org manifests (STG-MAN-001..014): one mutant per federation-trust check, plus the pure rules' edges.
    _m("man-signature-unchecked", "a manifest's signature is decoded but never verified", "STG-MAN-002",
       "protocol/manifests.py", "ed25519_policy.verify(raw, signing_body(doc), signature)", "signature.hex()",
       "vectors run"),
    _m("man-signing-body-drops-version", "manifest_version is left out of the signed bytes", "STG-MAN-002",
       "protocol/manifests.py", 'if name != "signature"})\n\n\ndef event_signing_body',
       'if name not in ("signature", "manifest_version")})\n\n\ndef event_signing_body', "vectors"),
    _m("man-key-id-prefix", "a key_id that is a 16-hex prefix of the key's SHA-256 is accepted", "STG-MAN-003",
       "protocol/manifests.py", 'if doc["key_id"] != key_id(raw):',
       'if not key_id(raw).startswith(doc["key_id"][:16]):', "vectors run"),
    _m("man-put-write-key", "PUT /v1/federation/manifest takes a write key instead of admin", "STG-MAN-013",
       "api/manifests.py", 'identity = caller(request, "admin")', 'identity = caller(request, "write")', "run"),
    _m("man-covers-prefix", "coverage is by prefix: a child of a listed entity is covered", "STG-MAN-004",
       "protocol/manifests.py", "isinstance(uri, str) and uri == entity_uri",
       "isinstance(uri, str) and entity_uri.startswith(uri)", "vectors"),
    _m("man-lookup-prefix", "GET finds a manifest for any entity under a listed one", "STG-MAN-004 STG-MAN-014",
       "storage/manifests.py", '"WHERE e.entity_uri = ? AND', '"WHERE ? LIKE e.entity_uri || \'%\' AND', "run"),
    _m("man-authority-not-listed", "entities need not include entity_uri", "STG-MAN-004", "protocol/manifests.py",
       "if uri not in entities:", "if not entities:", "vectors run"),
    _m("man-window-23h", "a manifest valid for 23 h is accepted", "STG-MAN-005", "protocol/manifests.py",
       "if expires - issued < MIN_VALIDITY:", "if expires - issued < MIN_VALIDITY - timedelta(hours=1):",
       "vectors run"),
    _m("man-window-24h-refused", "a manifest valid for exactly 24 h is refused", "STG-MAN-005",
       "protocol/manifests.py", "if expires - issued < MIN_VALIDITY:", "if expires - issued <= MIN_VALIDITY:",
       "vectors run"),
    _m("man-window-unbounded", "no ceiling on the validity window", "STG-MAN-005", "protocol/manifests.py",
       "if expires - issued > MAX_VALIDITY:", "if False:", "vectors run"),
    _m("man-expiry-boundary", "a manifest is still valid at the second of its expires_at", "STG-MAN-006",
       "protocol/manifests.py", "if now >= expires:", "if now > expires:", "vectors"),
    _m("man-expired-accepted", "PUT judges expiry a minute in the past", "STG-MAN-006", "storage/manifests.py",
       "manifests.verify_manifest(manifest, now, previous)",
       "manifests.verify_manifest(manifest, now - timedelta(minutes=1), previous)", "run"),
    _m("man-event-signature-unchecked", "rotation events are never signature-checked", "STG-MAN-007",
       "protocol/manifests.py", "        if signer is not None:\n            try:",
       "        if False:\n            try:", "vectors run"),
    _m("man-event-body-without-uri", "a rotation event is signed without the manifest's entity_uri", "STG-MAN-007",
       "protocol/manifests.py", 'return _canonical({**body, "entity_uri": entity_uri})', "return _canonical(body)",
       "vectors run"),
    _m("man-chain-gap-unchecked", "an event's old_key_id is not compared with the key in force", "STG-MAN-007",
       "protocol/manifests.py", 'if current is not None and event["old_key_id"] != current:', "if False:",
       "vectors"),
    _m("man-chain-same-second", "two rotations in the same second pass as ascending", "STG-MAN-007",
       "protocol/manifests.py", "rotated_at <= previous_at:", "rotated_at < previous_at:", "vectors"),
    _m("man-chain-order-unchecked", "rotation events may go back in time", "STG-MAN-007", "protocol/manifests.py",
       "if previous_at is not None and rotated_at <= previous_at:", "if False:", "vectors run"),
    _m("man-chain-end-unchecked", "the chain need not end at the manifest's key_id", "STG-MAN-007",
       "protocol/manifests.py", "if current is not None and current != current_key_id:", "if False:",
       "vectors run"),
    _m("man-accepted-events-rewritable", "accepted rotation events may be rewritten", "STG-MAN-008",
       "protocol/manifests.py", 'or doc["rotation_events"][: len(before)] != before:', ":", "vectors run"),
    _m("man-entity-conflict-ignored", "a second authority may list an entity another valid manifest lists",
       "STG-MAN-009", "storage/manifests.py", "if clash is not None:", "if False:", "run"),
    _m("man-rotation-not-resubmitted", "a key rotation leaves the manifest under the old key", "STG-MAN-010",
       "storage/federation.py", "if old_seed is not None and new_seed is not None:", "if False:", "run"),
    _m("man-well-known-drops-events", "the well-known manifest is served without its rotation_events",
       "STG-MAN-001 STG-MAN-011", "api/manifests.py",
       'the node has no valid manifest")\n    return JSONResponse(found)',
       'the node has no valid manifest")\n    return JSONResponse({k: v for k, v in found.items() '
       'if k != "rotation_events"})', "run"),
    _m("man-publish-not-audited", "a stored manifest is audited under another event type", "STG-MAN-012",
       "storage/manifests.py", '"manifest_publish", "success"', '"manifest_stored", "success"', "run"),
    # --- issue 17: recall, the graph index and vec_facts (the recall profile) --------------------------------------
    _m("rec-r1-filter-removed", "ANN candidates are used without the R1 join: hidden facts enter fusion",
       "STG-REC-005 STG-REC-002", "recall/pipeline.py",
       "kept = [(seq, sim) for seq, sim in hits if seq in allowed]", "kept = list(hits)", "run"),
    _m("rec-budget-overrun", "packing allows one row's worth of tokens over the budget", "STG-REC-011",
       "protocol/recall.py", "if used + pick.cost > budget:", "if used + pick.cost > budget + 40:", "run"),
    _m("rec-graph-hidden-hop", "graph edges skip the garden ACL: a hidden entity is reached through the graph",
       "STG-REC-012 STG-REC-004", "storage/entity_edges.py",
       'tail = (f" AND e.scope = ? AND e.confidence > 0 AND {garden} AND',
       'tail = (f" AND e.scope = ? AND e.confidence > 0 AND ({garden} OR 1) AND', "run"),
    _m("rec-retraction-keeps-edge", "a retraction leaves the edge of its triple live", "STG-REC-020",
       "storage/entity_edges.py", "    if confidence == 0:\n        conn.execute(_RETRACT",
       "    if confidence < 0:\n        conn.execute(_RETRACT", "run"),
    _m("rec-cursor-repeats", "a neighbours cursor resumes at the last neighbour served, repeating it", "STG-REC-019",
       "api/graph.py", "(n.hops, n.entity) > key", "(n.hops, n.entity) >= key", "run"),
    _m("rec-weights-unchecked", "weights that do not sum to 1 are accepted", "STG-REC-010", "protocol/recall.py",
       "if abs(sum(weights.values()) - 1.0) > WEIGHT_TOLERANCE:", "if False:", "run"),
    _m("rec-entity-not-normalized", "the recall entity filter is used as sent", "STG-REC-001", "api/recall.py",
       "entity = normalize(entity)  #", "entity = str(entity)  #", "run"),
    _m("rec-bm25-global-statistics", "lexical scores use document statistics of every fact, hidden ones included",
       "STG-REC-004", "recall/pipeline.py",
       "    return _bm25(req.query, {seq: body for seq, body in rows})",
       "    every = dict(conn.execute(\"SELECT rowid, body FROM facts_fts\").fetchall())\n"
       "    return {seq: s for seq, s in _bm25(req.query, every).items() if seq in {r[0] for r in rows}}", "run"),
    _m("rec-graph-crosses-scopes", "the neighbours walk uses edges of every scope", "STG-REC-012",
       "api/graph.py", "edges = entity_edges.readable(conn, node, scope, identity.reader, now, upto_seq=upto)",
       "edges = [e for s in ('local', 'team', 'company', 'public') "
       "for e in entity_edges.readable(conn, node, s, identity.reader, now, upto_seq=upto)]", "run"),
    # --- issue 17: memory cards, tombstones in the graph (the recall profile) ------------------------------------
    _m("rec-card-unauthorized-garden", "the card of a garden is served without checking the caller's garden ACL",
       "STG-REC-014", "recall/cards.py",
       "if garden_id is not None and not garden_rows.readable(conn, garden_id, reader):", "if False:", "run"),
    _m("rec-card-picks-winner", "a card keeps only one side of a contradiction (the first written)", "STG-REC-015",
       "protocol/cards.py", "eligible = [f for f in facts if effective_confidence(f) >= MIN_EFFECTIVE_CONFIDENCE]",
       "eligible = [f for f in facts if effective_confidence(f) >= MIN_EFFECTIVE_CONFIDENCE "
       "and not any(f.id == b for _, b in conflicts)]", "run"),
    _m("rec-card-stale-served-fresh", "a card that diverged from its facts is served as fresh (card_stale false)",
       "STG-REC-016", "recall/cards.py", 'return {**record, "card_stale": True}\n',
       'return {**record, "card_stale": False}\n', "run"),
    _m("rec-tombstone-graph-reached", "a tombstoned entity is reached through the graph (walks ignore tombstones)",
       "STG-REC-021", "recall/suppression.py",
       "return [e for e in edges if e.other not in hidden and e.fact_id not in dropped]", "return edges", "run"),
    # --- issue 17: recall's pure parts (vectors/recall/*.json) ----------------------------------------------------
    _m("rec-vec-min-max-ties-zero", "a stage whose candidates tie normalizes them to 0 instead of 1", "STG-REC-010",
       "protocol/recall.py", "return dict.fromkeys(scores, 1.0)", "return dict.fromkeys(scores, 0.0)", "vectors"),
    _m("rec-vec-recency-rate", "recency decays ten times too fast: exp(-0.1 x age_days)", "STG-REC-010",
       "protocol/recall.py", "return math.exp(-0.01 * max(0.0, age_days))",
       "return math.exp(-0.1 * max(0.0, age_days))", "vectors"),
    _m("rec-vec-token-cost-floor", "token costs round the bytes down (40 + floor(bytes / 4))", "STG-REC-011",
       "protocol/recall.py", 'return ROW_TOKENS + -(-len(value_text.encode("utf-8")) // BYTES_PER_TOKEN)',
       'return ROW_TOKENS + len(value_text.encode("utf-8")) // BYTES_PER_TOKEN', "vectors"),
    _m("rec-vec-cycle-returns-start", "a walk around a cycle lists its start entity as a neighbour", "STG-REC-012",
       "protocol/graph.py", "if not keep(edge) or edge.other == start or edge.other in found:",
       "if not keep(edge) or edge.other in found:", "vectors"),
    _m("rec-vec-card-oldest-first", "a card lists each relation's facts oldest first", "STG-REC-022",
       "protocol/cards.py", "key=lambda f: (f.hlc, f.id), reverse=True)", "key=lambda f: (f.hlc, f.id))", "vectors"),
    _m("rec-vec-card-floor-exclusive", "a card leaves out facts of effective confidence exactly 0.3", "STG-REC-022",
       "protocol/cards.py", "if effective_confidence(f) >= MIN_EFFECTIVE_CONFIDENCE]",
       "if effective_confidence(f) > MIN_EFFECTIVE_CONFIDENCE]", "vectors"),
)

def blind_rounds() -> tuple[Mutant, ...]:
    """The blind rounds: mutants written from the seeds, the specs and the node's code by an author who had
    not read the suite's checks, vectors or this catalogue. Each round is plain data in ``blind/roundN.py``; every
    blind mutant runs both runners and every profile, so its verdict does not depend on its author's guess."""
    mutants: list[Mutant] = []
    for path in sorted((Path(__file__).parent / "blind").glob("round*.py"), key=lambda p: int(p.stem[5:])):
        module = importlib.import_module(f"tests.mutants.blind.{path.stem}")
        for entry in module.MUTANTS:
            mutants.append(Mutant(entry["id"], entry["description"], tuple(entry.get("requirements", ())),
                                  entry["file"], entry["find"], entry["replace"], RUNNERS,
                                  entry.get("equivalent"), module.ROUND))
    return tuple(mutants)


CATALOGUE: tuple[Mutant, ...] = AUTHORED + blind_rounds()


def by_id() -> dict[str, Mutant]:
    return {m.id: m for m in CATALOGUE}
