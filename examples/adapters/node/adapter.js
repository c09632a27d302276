#!/usr/bin/env node
// stigmem-conformance stdio adapter (protocol v1), written independently in Node.js.
//
// It implements the pure protocol functions of stigmem under the DEFAULT readings of
// vectors/interpretations.json, using only node:crypto, the standard library and the npm
// `canonicalize` package (RFC 8785). The contract is docs/adapter-protocol.md: one JSON request per
// line on stdin, one JSON response per line on stdout, logs on stderr, exit 0 when stdin closes.

import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import canonicalize from 'canonicalize';

const PACKAGE = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// ---------------------------------------------------------------------------------------------
// Errors

// A rejected input: answered as {"id", "error": {"code", "message"}}.
class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// An interpretation option this adapter does not implement: answered as {"id", "unsupported"}.
class Unsupported extends Error {}

const fail = (code, message) => {
  throw new ProtocolError(code, message);
};

// Adapter-level input errors (a request no vector should send, e.g. a missing `now_ms`).
const INPUT_INVALID = 'input_invalid';

// ---------------------------------------------------------------------------------------------
// Interpretations (vectors/interpretations.json). Each op names the entries that change its result;
// any option other than the default (or an extra listed in EXTRA_OPTIONS) makes the op unsupported.

const DEFAULTS = {
  cid_preimage: 'jcs-6',
  hlc_counter_overflow: 'carry',
  hlc_receive: 'kulkarni',
  hlc_input: 'lenient',
  hlc_skew_bounds: 'ref-defaults',
  entity_percent_encoding: 'rfc3986',
  entity_whitespace: 'ascii-all-segments',
  entity_empty_segments: 'reject',
  informal_uris: 'accept',
  value_typing: 'strict',
  text_limit: '65536-bytes',
  value_equality: 'canonical',
  contradiction_rule: 's15',
  winner_rule: 's15',
  conflict_cardinality: 'winner',
  ed25519_policy: 'strict',
  peer_declaration_fields: 'a08-jcs',
  peer_token_format: 'jwt-ms',
  nonce_retention: 'until-expiry',
  quota_arithmetic: 'exact',
  key_rotation_entry: 'a20-bound-key',
  manifest_rotation_event: 's04-old-key',
  manifest_max_validity: '365-days',
  manifest_error_codes: 'named',
  manifest_rotation_anchor: 'accepted-manifest',
};

// Non-default options that are small and unambiguous enough to implement as well.
const EXTRA_OPTIONS = {
  conflict_cardinality: ['pairwise'],
  ed25519_policy: ['rfc8032'],
  hlc_input: ['strict'],
  informal_uris: ['reject'],
};

const ENTITY = ['entity_percent_encoding', 'entity_whitespace', 'entity_empty_segments', 'informal_uris'];
const HLC = ['hlc_input'];

const OP_INTERPRETATIONS = {
  'jcs.canonicalize': [],
  'cid.compute': ['cid_preimage', 'value_typing', ...ENTITY],
  'cid.verify': ['cid_preimage', 'value_typing', ...ENTITY],
  'entity_uri.normalize': ENTITY,
  'gardens.slug': [],
  'quotas.schedule': [], // exact only; the vectors where doubles differ are tagged quota_arithmetic=exact
  'key_rotation.verify_chain': ['key_rotation_entry'],
  'manifests.verify': ['manifest_rotation_event', 'manifest_max_validity', 'manifest_error_codes',
    'manifest_rotation_anchor'],
  'values.validate': ['value_typing', 'text_limit'],
  'hlc.parse': HLC,
  'hlc.compare': HLC,
  'hlc.run': [...HLC, 'hlc_counter_overflow', 'hlc_receive', 'hlc_skew_bounds'],
  'contradictions.evaluate': [
    'contradiction_rule', 'value_equality', 'winner_rule', 'conflict_cardinality', 'value_typing', ...ENTITY, ...HLC,
  ],
  'signatures.preimage': ['peer_declaration_fields'],
  'signatures.sign': ['peer_declaration_fields'],
  'signatures.verify': ['peer_declaration_fields', 'ed25519_policy'],
  'ed25519.verify': ['ed25519_policy'],
  'peer_tokens.sign': ['peer_token_format'],
  'peer_tokens.verify': ['peer_token_format', 'ed25519_policy', 'nonce_retention'],
};

// Returns the options in force for `op`, or throws Unsupported.
function resolveInterpretations(op, input, requested) {
  const chosen = { ...DEFAULTS };
  const asked = isPlainObject(requested) ? requested : {};
  let relevant = OP_INTERPRETATIONS[op] ?? [];
  // The declaration field set only matters for peer declarations.
  if (op.startsWith('signatures.') && input?.kind !== 'peer_declaration') {
    relevant = relevant.filter((id) => id !== 'peer_declaration_fields');
  }
  for (const id of relevant) {
    if (!Object.hasOwn(asked, id)) continue;
    const option = asked[id];
    if (option !== DEFAULTS[id] && !(EXTRA_OPTIONS[id] ?? []).includes(option)) {
      throw new Unsupported(`interpretation ${id}=${JSON.stringify(option)} is not implemented`);
    }
    chosen[id] = option;
  }
  return chosen;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const isPlainObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

const isWellFormed = (s) => s.isWellFormed(); // false for a string holding an unpaired surrogate

// Whether any string (member name or value) anywhere in a JSON value holds an unpaired surrogate.
function hasLoneSurrogate(value) {
  const stack = [value];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string') {
      if (!isWellFormed(x)) return true;
    } else if (Array.isArray(x)) {
      for (const item of x) stack.push(item);
    } else if (isPlainObject(x)) {
      for (const [k, v] of Object.entries(x)) {
        if (!isWellFormed(k)) return true;
        stack.push(v);
      }
    }
  }
  return false;
}

// Python sorts str by code point; UTF-8 byte order is the same order (JS `<` compares UTF-16 units).
const compareStrings = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function decodeHex(s, what) {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
    return fail(INPUT_INVALID, `${what} is not a hex string`);
  }
  return Buffer.from(s, 'hex');
}

// Strict base64url without padding: alphabet [A-Za-z0-9_-] only and the canonical encoding of
// its bytes (no stray trailing bits). Returns null when `s` is not such an encoding (STG-SIG-002).
function decodeB64u(s) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  const bytes = Buffer.from(s, 'base64url');
  return bytes.toString('base64url') === s ? bytes : null;
}

const encodeB64u = (bytes) => Buffer.from(bytes).toString('base64url');

// RFC 8785 bytes of a JSON value already known to hold no lone surrogate or non-finite number.
const jcsBytes = (value) => Buffer.from(canonicalize(value), 'utf8');

// ---------------------------------------------------------------------------------------------
// Strict JSON (I-JSON, RFC 7493) scanning for jcs.canonicalize and peer-token segments.
//
// JSON.parse alone accepts duplicate member names (last wins), escaped lone surrogates ("\ud800")
// and turns 1e400 into Infinity. This scanner checks the full RFC 8259 grammar first (any syntax
// error is jcs_invalid_json), then reports the first I-JSON fault in document order; only a text
// that passes both is handed to JSON.parse.

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const SIMPLE_ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function scanStrictJson(text) {
  let i = 0;
  let fault = null; // first I-JSON fault, reported only when the syntax is valid
  const syntaxError = (what) => fail('jcs_invalid_json', `${what} at offset ${i}`);
  const noteFault = (code, message) => {
    fault ??= new ProtocolError(code, message);
  };
  const skipWhitespace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };

  // At an opening quote; returns the decoded string.
  const readString = () => {
    const start = i;
    let out = '';
    i++;
    for (;;) {
      if (i >= text.length) syntaxError('unterminated string');
      const c = text[i];
      if (c === '"') break;
      if (c.charCodeAt(0) < 0x20) syntaxError('unescaped control character in string');
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      if (e !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
        out += SIMPLE_ESCAPES[e];
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        syntaxError('invalid escape');
      }
    }
    i++;
    // STG-JCS-006: an escaped unpaired surrogate (literal ones cannot survive UTF-8 decoding).
    if (!isWellFormed(out)) noteFault('jcs_lone_surrogate', `unpaired surrogate in string at offset ${start}`);
    return out;
  };

  const readScalar = () => {
    const c = text[i];
    if (c === '"') return void readString();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return undefined;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) syntaxError('unexpected character'); // also NaN, Infinity, +1, .5
    // STG-JCS-007: the number must be a finite IEEE 754 double.
    if (!Number.isFinite(Number(m[0]))) noteFault('jcs_number_out_of_range', `number ${m[0]} is not a finite double`);
    i += m[0].length;
    return undefined;
  };

  // Iterative descent, so deep nesting cannot overflow the call stack.
  const stack = []; // frames: {array: bool, keys: Set}
  let expectValue = true;
  skipWhitespace();
  if (i >= text.length) syntaxError('empty document');
  for (;;) {
    if (expectValue) {
      skipWhitespace();
      if (i >= text.length) syntaxError('unexpected end of input');
      const c = text[i];
      if (c === '[' || c === '{') {
        i++;
        stack.push({ array: c === '[', keys: new Set() });
        skipWhitespace();
        if (text[i] === (c === '[' ? ']' : '}')) {
          i++;
          stack.pop();
          expectValue = false;
        } else if (c === '{') {
          readMember();
        }
        continue;
      }
      readScalar();
      expectValue = false;
    }
    // A value just ended.
    if (stack.length === 0) break;
    skipWhitespace();
    const frame = stack[stack.length - 1];
    if (text[i] === ',') {
      i++;
      if (frame.array) {
        expectValue = true;
      } else {
        readMember();
      }
    } else if (text[i] === (frame.array ? ']' : '}')) {
      i++;
      stack.pop();
    } else {
      syntaxError(`expected ',' or '${frame.array ? ']' : '}'}'`);
    }
  }
  skipWhitespace();
  if (i < text.length) syntaxError('trailing data after the JSON value');
  if (fault) throw fault;

  // Reads `"name" :` and leaves the scanner expecting the member's value.
  function readMember() {
    skipWhitespace();
    if (text[i] !== '"') syntaxError('expected a member name');
    const frame = stack[stack.length - 1];
    const name = readString();
    // STG-JCS-005: I-JSON forbids duplicate member names (compared after unescaping).
    if (frame.keys.has(name)) noteFault('jcs_duplicate_key', `duplicate member name ${JSON.stringify(name)}`);
    frame.keys.add(name);
    skipWhitespace();
    if (text[i] !== ':') syntaxError("expected ':'");
    i++;
    expectValue = true;
  }
}

// UTF-8 bytes -> JSON value, with the strict checks above. Codes are the jcs_* ones.
function parseStrictJson(bytes) {
  let text;
  try {
    // ignoreBOM keeps a leading U+FEFF, which then fails as JSON (a BOM is not JSON whitespace).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail('jcs_invalid_utf8', 'input is not valid UTF-8'); // STG-JCS-008
  }
  scanStrictJson(text);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// jcs.canonicalize (STG-JCS-001..008)

function opJcsCanonicalize(input) {
  const value = parseStrictJson(decodeHex(input.input_hex, 'input_hex'));
  return { output_hex: jcsBytes(value).toString('hex') };
}

// ---------------------------------------------------------------------------------------------
// entity_uri.normalize (STG-URI-002..010; S01 Entity Naming Rules)

const ASCII_WS_RUN = /[\t\n\v\f\r ]+/g; // entity_whitespace=ascii-all-segments: [\t\n\v\f\r ] only
const isAsciiSpace = (c) => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
// A loop rather than /\s+$/-style regexes, which backtrack quadratically on long runs of spaces.
function trimAscii(s) {
  let start = 0;
  let end = s.length;
  while (start < end && isAsciiSpace(s[start])) start++;
  while (end > start && isAsciiSpace(s[end - 1])) end--;
  return s.slice(start, end);
}
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const UNRESERVED = /^[A-Za-z0-9._~-]$/;
const FORMAL_PREFIX = /^stigmem:\/\//i; // ASCII case-insensitive

const invalidUri = (message) => fail('invalid_entity_uri', message);

function normalizeEntityUri(uri, interp) {
  if (typeof uri !== 'string') invalidUri('an entity URI is a string');
  if (!isWellFormed(uri)) invalidUri('unpaired surrogate in entity URI');
  // Step 1: trim leading and trailing whitespace (STG-URI-002).
  const s = trimAscii(uri);
  if (s === '') invalidUri('empty entity URI');
  // entity_empty_segments=reject: anything starting stigmem:// (any case) is formal.
  if (FORMAL_PREFIX.test(s)) return normalizeFormal(s.slice('stigmem://'.length));
  if (interp.informal_uris !== 'accept') invalidUri('informal entity URIs are not accepted');
  return normalizeInformal(s);
}

function normalizeFormal(rest) {
  const a = rest.indexOf('/');
  const b = a < 0 ? -1 : rest.indexOf('/', a + 1);
  if (b < 0) invalidUri('a formal URI is stigmem://{authority}/{type}/{id}');
  // Each part is trimmed as in A08 2.6.3; the id keeps any further '/'.
  const authority = trimAscii(rest.slice(0, a));
  const type = trimAscii(rest.slice(a + 1, b));
  const id = trimAscii(rest.slice(b + 1));
  // Step 5 / STG-URI-006: empty authority, type or id is rejected.
  if (!authority || !type || !id) invalidUri('empty authority, type or id in a formal URI');
  // Step 3: lowercase the authority (no whitespace collapse or percent handling: not a path segment).
  return `stigmem://${authority.toLowerCase()}/${normalizeSegment(type)}/${normalizeSegment(id)}`;
}

// Steps 2-4 for a path segment (type or id).
function normalizeSegment(segment) {
  // Step 2 (STG-URI-003): ASCII whitespace runs become one '-'.
  const s = segment.replace(ASCII_WS_RUN, '-');
  // Step 4a (STG-URI-005, entity_percent_encoding=rfc3986): one left-to-right pass splits the segment
  // into text and %XX escapes. Escapes of unreserved characters are decoded into the text (before
  // lowercasing, so a decoded letter is lowercased too); the other escapes are kept, hex uppercased.
  // A '%' that did not start an escape in the input stays text (and becomes %25) even if decoding its
  // neighbours makes it look like one ("%%34%31" -> "%2541"): that keeps the result idempotent.
  const parts = []; // text, escape, text, escape, ..., text
  let text = '';
  for (let i = 0; i < s.length; ) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      const ch = String.fromCharCode(parseInt(hex, 16));
      if (UNRESERVED.test(ch)) {
        text += ch;
      } else {
        parts.push(text, `%${hex.toUpperCase()}`);
        text = '';
      }
      i += 3;
    } else {
      text += s[i];
      i += 1;
    }
  }
  parts.push(text);
  // Step 3 (STG-URI-004): lowercase each run of text as a whole (context rules such as final sigma
  // apply; a '%' boundary is neither cased nor case-ignorable, so splitting there changes nothing).
  // Step 4b: keep unreserved characters and '/', percent-encode every other character as its UTF-8
  // bytes in uppercase hex.
  return parts.map((part, k) => (k % 2 === 1 ? part : encodeSegmentText(part.toLowerCase()))).join('');
}

function encodeSegmentText(text) {
  let out = '';
  for (const ch of text) {
    if (UNRESERVED.test(ch) || ch === '/') {
      out += ch;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

// informal_uris=accept: scheme:rest, lowercased, whitespace runs collapsed to '-'.
function normalizeInformal(s) {
  const colon = s.indexOf(':');
  if (colon < 0 || !SCHEME.test(s.slice(0, colon))) invalidUri('not a URI: no scheme');
  if (trimAscii(s.slice(colon + 1)) === '') invalidUri('empty informal URI after the scheme');
  return s.toLowerCase().replace(ASCII_WS_RUN, '-');
}

function opEntityUriNormalize(input, interp) {
  return { uri: normalizeEntityUri(input.uri, interp) };
}

// ---------------------------------------------------------------------------------------------
// gardens.slug (STG-SCOPE-009; Spec-02 Memory Garden Primitive, A10 5.14)

// Only ASCII is lower-cased: toLowerCase() would turn the KELVIN SIGN into 'k'. Without the 'm' flag '$' is the
// end of the input, so a final newline is no slug.
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

function opGardensSlug(input) {
  const raw = input.slug;
  const authority = input.node_authority;
  if (typeof authority !== 'string') fail(INPUT_INVALID, 'node_authority must be a string');
  if (typeof raw !== 'string' || !/^[\x00-\x7f]*$/.test(raw)) fail('invalid_slug', 'slug must be an ASCII string');
  const slug = raw.toLowerCase();
  if (!SLUG.test(slug)) fail('invalid_slug', 'slug must match ^[a-z0-9][a-z0-9-]{0,62}$');
  return { slug, garden_id: `stigmem://${authority.toLowerCase()}/garden/${slug}` };
}

// ---------------------------------------------------------------------------------------------
// quotas.schedule (STG-QUOTA-002/003/009/010; A20 22.4.1, 22.4.3)

// Exact arithmetic in BigInt fractions [numerator, denominator]: the rate is the decimal its JSON number is written
// as (0.33 is 33/100), instants are whole microseconds, so retry_after is the double nearest the exact quotient and
// Retry-After its exact ceiling (doubles would drift: ten refills of 0.1 are not 1).
function gcd(a, b) { while (b) { [a, b] = [b, a % b]; } return a < 0n ? -a : a; }
function frac(n, d) { const g = gcd(n, d) || 1n; return d < 0n ? [-n / g, -d / g] : [n / g, d / g]; }
function fadd(a, b) { return frac(a[0] * b[1] + b[0] * a[1], a[1] * b[1]); }
function fsub(a, b) { return fadd(a, [-b[0], b[1]]); }
function fmul(a, b) { return frac(a[0] * b[0], a[1] * b[1]); }
function fdiv(a, b) { return frac(a[0] * b[1], a[1] * b[0]); }
function fcmp(a, b) { const x = a[0] * b[1], y = b[0] * a[1]; return x < y ? -1 : x > y ? 1 : 0; }
function fceil(a) { const q = a[0] / a[1]; return a[0] % a[1] === 0n || a[0] < 0n ? q : q + 1n; }
function fnum(a) {
  // Nearest double of n/d: scale to 60 significant bits of integer quotient, then one rounding by Number().
  const [n, d] = a;
  const shift = BigInt(Math.max(0, 64 - (n.toString(2).length - d.toString(2).length)));
  const q = (n << shift) / d;
  const r = (n << shift) % d;
  const sticky = r === 0n ? 0n : 1n;  // keep inexactness for round-half-even in the final conversion
  return Number((q << 1n) | sticky) / 2 ** (Number(shift) + 1);
}
function decimalFraction(x) {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!m) fail('invalid_quota_policy', `rate ${x} is not a positive decimal`);
  const digits = BigInt(m[1] + (m[2] || '')), exp = Number(m[3] || 0) - (m[2] || '').length;
  return exp >= 0 ? frac(digits * 10n ** BigInt(exp), 1n) : frac(digits, 10n ** BigInt(-exp));
}

function opQuotasSchedule(input) {
  const { capacity, rate, requests_us: times } = input;
  if (!Number.isInteger(capacity) || capacity < 1) fail('invalid_quota_policy', 'capacity must be an integer >= 1');
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) fail('invalid_quota_policy', 'rate must be > 0');
  if (!Array.isArray(times)) fail(INPUT_INVALID, 'requests_us must be an array');
  const r = decimalFraction(rate), cap = [BigInt(capacity), 1n];
  let current = null, last = 0n;
  const results = [];
  for (const t of times) {
    if (!Number.isInteger(t) || t < 0) fail(INPUT_INVALID, 'each request instant is an integer of microseconds');
    const now = BigInt(t);
    if (current === null) { current = cap; last = now; }
    const elapsed = now > last ? now - last : 0n;
    current = fadd(current, fmul([elapsed, 1000000n], r));
    if (fcmp(current, cap) > 0) current = cap;
    if (now > last) last = now;
    if (fcmp(current, [1n, 1n]) >= 0) {
      current = fsub(current, [1n, 1n]);
      results.push({ accepted: true, retry_after: null, retry_after_header: null });
    } else {
      const wait = fdiv(fsub([1n, 1n], current), r);
      results.push({ accepted: false, retry_after: fnum(wait), retry_after_header: Number(fceil(wait)) });
    }
  }
  return { results };
}

// key_rotation.verify_chain (STG-KEY-009..015; key_rotation_entry=a20-bound-key; Spec-10, A20 22.2)
//
// Entry by entry, the first fault wins: shape, link to the key in force, strictly later rotated_at,
// at least 24 h of dual trust, then the old key's signature over RFC 8785 of every other member.

const ROTATION_FIELDS = ['event_type', 'entity_uri', 'old_key_id', 'new_key_id', 'new_public_key', 'rotated_at',
  'dual_trust_expires_at', 'manifest_log_index', 'rotation_sig'];
const KEY_ID = /^[0-9a-f]{64}$/;
const UTC_SECOND = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

const badEntry = (message) => fail('rotation_entry_invalid', message);
const keyIdOf = (raw) => crypto.createHash('sha256').update(raw).digest('hex');

function utcSeconds(text, name) {
  const m = typeof text === 'string' ? UTC_SECOND.exec(text) : null;
  if (!m) return badEntry(`${name} is not YYYY-MM-DDTHH:MM:SSZ`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return badEntry(`${name} is not a calendar time`);
  }
  return ms / 1000;
}

function checkRotationEntry(entry, entityUri) {
  if (!isPlainObject(entry)) badEntry('an entry is a JSON object');
  const names = Object.keys(entry);
  if (names.length !== ROTATION_FIELDS.length || !ROTATION_FIELDS.every((n) => Object.hasOwn(entry, n))) {
    badEntry('an entry has exactly the KeyRotationLogEntry members');
  }
  if (entry.event_type !== 'key_rotation' || entry.entity_uri !== entityUri) badEntry('event_type or entity_uri');
  for (const n of ['old_key_id', 'new_key_id']) {
    if (typeof entry[n] !== 'string' || !KEY_ID.test(entry[n])) badEntry(`${n} is not SHA-256 hex`);
  }
  const index = entry.manifest_log_index;
  if (!(index === null || (Number.isInteger(index) && index >= 0))) badEntry('manifest_log_index');
  if (typeof entry.rotation_sig !== 'string') badEntry('rotation_sig is not a string');
  const raw = decodeB64u(entry.new_public_key);
  if (!raw || raw.length !== 32 || keyIdOf(raw) !== entry.new_key_id) badEntry('new_key_id does not name new_public_key');
  if (hasLoneSurrogate(entry)) badEntry('the entry holds an unpaired surrogate');
}

function opKeyRotationVerifyChain(input) {
  const { entity_uri: entityUri, entries } = input;
  const known = input.known_length ?? 0;
  if (typeof entityUri !== 'string' || !Array.isArray(entries) || !Number.isInteger(known) || known < 0) {
    fail('rotation_entry_invalid', 'entity_uri, entries or known_length');
  }
  const first = decodeB64u(input.first_public_key);
  if (!first || first.length !== 32) fail('rotation_entry_invalid', 'first_public_key is not 32 bytes of base64url');
  if (entries.length < known) fail('rotation_chain_regression', 'fewer entries than already seen');
  const keys = [{ id: keyIdOf(first), raw: first }];
  const expiries = [];
  let last = null;
  for (const entry of entries) {
    checkRotationEntry(entry, entityUri);
    const at = utcSeconds(entry.rotated_at, 'rotated_at');
    const until = utcSeconds(entry.dual_trust_expires_at, 'dual_trust_expires_at');
    const current = keys[keys.length - 1];
    if (entry.old_key_id !== current.id) fail('rotation_chain_gap', 'old_key_id is not the key in force');
    if (last !== null && !(at > last)) fail('rotation_chain_regression', 'rotated_at does not increase');
    if (until - at < 86400) badEntry('dual trust under 24 h');
    const body = Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'rotation_sig'));
    const signature = decodeB64u(entry.rotation_sig);
    if (!signature || signature.length !== 64 || !ed25519Verify(current.raw, jcsBytes(body), signature, 'strict')) {
      fail('rotation_signature_invalid', 'rotation_sig does not verify under the old key');
    }
    keys.push({ id: entry.new_key_id, raw: decodeB64u(entry.new_public_key) });
    expiries.push(until);
    last = at;
  }
  const now = utcSeconds(input.now, 'now');
  const trusted = [keys[keys.length - 1].id];
  for (let i = expiries.length - 1; i >= 0; i -= 1) if (now < expiries[i]) trusted.push(keys[i].id);
  return { current_key_id: keys[keys.length - 1].id, trusted_key_ids: trusted };
}

// ---------------------------------------------------------------------------------------------
// manifests.verify (STG-MAN-001..008; manifest_rotation_event=s04-old-key, manifest_max_validity=365-days,
// manifest_error_codes=named, manifest_rotation_anchor=accepted-manifest; Spec-04, A20 19.1)
//
// First fault wins: shape, key id and signature, validity window, expiry, then the rotation chain.

const MANIFEST_FIELDS = ['manifest_version', 'entity_uri', 'public_key', 'key_id', 'entities', 'rotation_events',
  'issued_at', 'expires_at', 'signature'];
const EVENT_FIELDS = ['old_key_id', 'new_key_id', 'public_key', 'rotated_at', 'signature'];
const UTC_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const DAY_S = 86400;

const exactMembers = (obj, names) =>
  isPlainObject(obj) && Object.keys(obj).length === names.length && names.every((n) => Object.hasOwn(obj, n));

function manifestTime(text, name) {
  const m = typeof text === 'string' ? UTC_TIME.exec(text) : null;
  if (!m) return fail('manifest_invalid', `${name} is not an RFC 3339 UTC time`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const back = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    fail('manifest_invalid', `${name} is not a calendar time`);
  }
  return back.getTime() / 1000 + (m[7] ? Number(`0${m[7].slice(0, 7)}`) : 0);
}

function signedBy(raw, message, text) {
  const signature = decodeB64u(text);
  return Boolean(signature && signature.length === 64 && ed25519Verify(raw, message, signature, 'strict'));
}

function checkManifestShape(m) {
  if (!exactMembers(m, MANIFEST_FIELDS)) fail('manifest_invalid', 'not exactly the manifest members');
  const { entity_uri: uri, entities } = m;
  if (m.manifest_version !== 1) fail('manifest_invalid', 'manifest_version must be 1');
  if (typeof uri !== 'string' || !uri.startsWith('stigmem://') || uri.length <= 10) fail('manifest_invalid', 'entity_uri');
  if (!Array.isArray(entities) || !entities.every((e) => typeof e === 'string' && e.length > 0)) {
    fail('manifest_invalid', 'entities must be strings');
  }
  if (new Set(entities).size !== entities.length) fail('manifest_invalid', 'an entity is listed twice');
  if (!entities.includes(uri)) fail('manifest_invalid', 'entities must include entity_uri');
  if (!Array.isArray(m.rotation_events) || typeof m.key_id !== 'string' || typeof m.signature !== 'string') {
    fail('manifest_invalid', 'rotation_events, key_id or signature');
  }
}

function checkRotationEvents(uri, events, endKeyId, anchor, kept) {
  const bad = (message) => fail('manifest_rotation_chain_invalid', message);
  let signer = kept === 0 ? anchor : null;
  let current = anchor && kept === 0 ? keyIdOf(anchor) : null;
  let last = null;
  events.forEach((event, n) => {
    if (!exactMembers(event, EVENT_FIELDS)) bad(`event ${n} is not a rotation event`);
    if (![event.old_key_id, event.new_key_id].every((k) => typeof k === 'string' && KEY_ID.test(k))) bad('key ids');
    const next = decodeB64u(event.public_key);
    if (!next || next.length !== 32 || keyIdOf(next) !== event.new_key_id) bad('new_key_id does not name public_key');
    let at;
    try {
      at = manifestTime(event.rotated_at, 'rotated_at');
    } catch {
      bad('rotated_at');
    }
    if (last !== null && !(at > last)) bad('events are not in ascending order');
    if (n === kept && anchor) {
      signer = anchor;
      current = keyIdOf(anchor);
    }
    if (current !== null && event.old_key_id !== current) bad(`event ${n} does not leave the key in force`);
    if (signer) {
      const body = Object.fromEntries(Object.entries(event).filter(([k]) => k !== 'signature'));
      if (!signedBy(signer, jcsBytes({ ...body, entity_uri: uri }), event.signature)) bad(`event ${n} signature`);
    }
    signer = next;
    current = event.new_key_id;
    last = at;
  });
  if (current !== null && current !== endKeyId) bad('the chain does not end at key_id');
}

function opManifestsVerify(input) {
  const m = typeof input.manifest_text === 'string' ? JSON.parse(input.manifest_text) : input.manifest;
  checkManifestShape(m);
  const raw = decodeB64u(m.public_key);
  if (!raw || raw.length !== 32) fail('manifest_signature_invalid', 'public_key is not 32 bytes of base64url');
  if (keyIdOf(raw) !== m.key_id) fail('manifest_signature_invalid', 'key_id is not the SHA-256 of public_key');
  const body = Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'signature'));
  if (!signedBy(raw, jcsBytes(body), m.signature)) fail('manifest_signature_invalid', 'signature');
  const issued = manifestTime(m.issued_at, 'issued_at');
  const expires = manifestTime(m.expires_at, 'expires_at');
  if (expires - issued < DAY_S || expires - issued > 365 * DAY_S) fail('manifest_invalid', 'validity window');
  if (manifestTime(input.now, 'now') >= expires) fail('manifest_expired', 'expired');
  let anchor = null;
  let kept = 0;
  if (isPlainObject(input.previous)) {
    const before = Array.isArray(input.previous.rotation_events) ? input.previous.rotation_events : [];
    const prefix = m.rotation_events.slice(0, before.length);
    if (m.rotation_events.length < before.length || canonicalize(prefix) !== canonicalize(before)) {
      fail('manifest_rotation_chain_invalid', 'the accepted events are not kept');
    }
    anchor = decodeB64u(input.previous.public_key);
    kept = before.length;
  }
  checkRotationEvents(m.entity_uri, m.rotation_events, m.key_id, anchor, kept);
  const probes = Array.isArray(input.probes) ? input.probes : [];
  return { key_id: m.key_id, rotation_count: m.rotation_events.length, covered: probes.filter((p) => m.entities.includes(p)) };
}

// ---------------------------------------------------------------------------------------------
// values.validate (STG-VAL-001..006; value_typing=strict, text_limit=65536-bytes)

const VALUE_TYPES = ['string', 'text', 'number', 'boolean', 'datetime', 'ref', 'null'];
const VALUE_MEMBERS = ['type', 'v', 'interpret_as'];
const REF = /^[A-Za-z][A-Za-z0-9+.-]*:/; // a URI starts with a scheme and ':' (x:...)
const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))$/;

const invalidValue = (message) => fail('value_invalid', message);

// RFC 3339 section 5.6 date-time, with the section 5.7 range restrictions.
function isRfc3339DateTime(s) {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const offsetOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
  // time-second allows 60 (a leap second); which minutes may hold one is not checked.
  return days !== undefined && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

// Returns the stored form {type, v[, interpret_as]}; sizeLimit null skips the text size check.
function validateValue(value, sizeLimit = 65536) {
  if (!isPlainObject(value)) invalidValue('a FactValue is an object');
  for (const member of Object.keys(value)) {
    if (!VALUE_MEMBERS.includes(member)) invalidValue(`unknown FactValue member ${JSON.stringify(member)}`);
  }
  const { type, v } = value;
  // STG-VAL-001: one of the seven variants.
  if (!VALUE_TYPES.includes(type)) invalidValue(`unknown value type ${JSON.stringify(type)}`);
  // STG-VAL-006: interpret_as is "content" or "instruction".
  if (Object.hasOwn(value, 'interpret_as') && !['content', 'instruction'].includes(value.interpret_as)) {
    invalidValue('interpret_as must be "content" or "instruction"');
  }
  // STG-VAL-005: null has no v, or v null.
  if (type === 'null') {
    if (Object.hasOwn(value, 'v') && v !== null) invalidValue('a null value carries no v, or v null');
  } else if (!Object.hasOwn(value, 'v')) {
    invalidValue(`a ${type} value needs v`);
  }
  // STG-VAL-002: v agrees with type.
  const isString = typeof v === 'string' && isWellFormed(v);
  const ok = {
    string: isString,
    text: isString,
    number: typeof v === 'number' && Number.isFinite(v),
    boolean: typeof v === 'boolean',
    datetime: isString && isRfc3339DateTime(v),
    ref: isString && REF.test(v),
    null: true,
  }[type];
  if (!ok) invalidValue(`v does not match type ${type}`);
  // STG-VAL-003/004: text above the limit (UTF-8 bytes of v) is value_too_large (413).
  if (type === 'text' && sizeLimit !== null && Buffer.byteLength(v, 'utf8') > sizeLimit) {
    fail('value_too_large', `text value is ${Buffer.byteLength(v, 'utf8')} bytes, above ${sizeLimit}`);
  }
  const stored = { type, v: type === 'null' ? null : v };
  if (Object.hasOwn(value, 'interpret_as')) stored.interpret_as = value.interpret_as;
  return stored;
}

function opValuesValidate(input) {
  let limit = 65536;
  if (input.max_text_bytes !== undefined) {
    if (!Number.isSafeInteger(input.max_text_bytes) || input.max_text_bytes < 0) {
      fail(INPUT_INVALID, 'max_text_bytes must be a non-negative integer');
    }
    limit = input.max_text_bytes;
  }
  return { value: validateValue(input.value, limit) };
}

// ---------------------------------------------------------------------------------------------
// Fact fields shared by CIDs and contradictions (STG-FACT-001, -002, -007)

const SCOPES = ['local', 'team', 'company', 'public'];
const invalidFact = (message) => fail('fact_invalid', message);

function requireField(fact, name) {
  if (!Object.hasOwn(fact, name)) invalidFact(`missing field ${name}`);
  return fact[name];
}

function requireStringField(fact, name) {
  const x = requireField(fact, name);
  if (typeof x !== 'string') invalidFact(`${name} must be a string`);
  return x;
}

// STG-FACT-007: confidence defaults to 1.0; STG-FACT-001: a number in [0, 1].
function factConfidence(fact) {
  if (!Object.hasOwn(fact, 'confidence')) return 1;
  const c = fact.confidence;
  if (typeof c !== 'number' || !(c >= 0 && c <= 1)) invalidFact('confidence must be a number in [0, 1]');
  return c;
}

// STG-FACT-002: one of the four scopes.
function factScope(fact) {
  const scope = requireField(fact, 'scope');
  if (!SCOPES.includes(scope)) invalidFact(`unknown scope ${JSON.stringify(scope)}`);
  return scope;
}

function factRelation(fact) {
  const relation = requireStringField(fact, 'relation');
  if (!isWellFormed(relation)) invalidFact('unpaired surrogate in relation');
  return relation;
}

function factEntity(fact, name, interp) {
  return normalizeEntityUri(requireStringField(fact, name), interp);
}

// ---------------------------------------------------------------------------------------------
// cid.compute and cid.verify (STG-CID-001..006; cid_preimage=jcs-6)

const CID_FORMAT = /^sha256:[0-9a-f]{64}$/;

function computeCid(fact, interp) {
  if (!isPlainObject(fact)) invalidFact('a fact is an object');
  // Fields are checked one by one in the order the protocol lists them.
  // STG-CID-003: entity and source are normalized first.
  const entity = factEntity(fact, 'entity', interp);
  const relation = factRelation(fact);
  // The stored typed value, exactly {type, v}: interpret_as takes no part. The text size limit is
  // node configuration, not part of the CID function, so it is not applied here.
  const { type, v } = validateValue(requireField(fact, 'value'), null);
  const source = factEntity(fact, 'source', interp);
  const confidence = factConfidence(fact);
  const scope = factScope(fact);
  // STG-CID-002 / STG-CID-004: exactly these six fields; every other field is ignored.
  const body = { confidence, entity, relation, scope, source, value: { type, v } };
  // STG-CID-001: "sha256:" + lowercase hex of SHA-256 over the RFC 8785 bytes.
  return `sha256:${crypto.createHash('sha256').update(jcsBytes(body)).digest('hex')}`;
}

function opCidCompute(input, interp) {
  return { cid: computeCid(input.fact, interp) };
}

function opCidVerify(input, interp) {
  // STG-CID-006: sha256: followed by exactly 64 lowercase hex digits.
  if (typeof input.cid !== 'string' || !CID_FORMAT.test(input.cid)) {
    fail('cid_malformed', 'a CID is "sha256:" followed by 64 lowercase hex digits');
  }
  const computed = computeCid(input.fact, interp);
  if (computed !== input.cid) fail('cid_mismatch', `computed ${computed}`);
  return {};
}

// ---------------------------------------------------------------------------------------------
// HLC (STG-HLC-001..013; hlc_input=lenient, hlc_counter_overflow=carry, hlc_receive=kulkarni)

const HLC_LENIENT = /^([0-9]{13})\.([0-9]{1,3})$/;
const HLC_STRICT = /^([0-9]{13})\.([0-9]{3})$/;
const WALL_MAX = 9999999999999; // the largest 13-digit wall (STG-HLC-001)

// STG-HLC-013: malformed strings are rejected; lenient input accepts a 1-3 digit counter.
function parseHlc(s, interp) {
  const m = typeof s === 'string' ? (interp.hlc_input === 'strict' ? HLC_STRICT : HLC_LENIENT).exec(s) : null;
  if (!m) fail('hlc_malformed', `malformed HLC ${JSON.stringify(s)}`);
  return { wall: Number(m[1]), counter: Number(m[2]) };
}

// STG-HLC-001: 13-digit zero-padded wall, '.', 3-digit zero-padded counter.
const formatHlc = ({ wall, counter }) => `${String(wall).padStart(13, '0')}.${String(counter).padStart(3, '0')}`;

const compareHlc = (a, b) => Math.sign(a.wall - b.wall) || Math.sign(a.counter - b.counter);

// STG-HLC-011 (carry): a counter past 999 opens the next millisecond bucket.
const carry = ({ wall, counter }) => (counter > 999 ? { wall: wall + 1, counter: 0 } : { wall, counter });

// STG-HLC-003: local tick; the wall never goes back (STG-HLC-012).
function tick(clock, now) {
  if (clock === null || now > clock.wall) return { wall: now, counter: 0 };
  return carry({ wall: clock.wall, counter: clock.counter + 1 });
}

// STG-HLC-004 (kulkarni): standard HLC receive; a never-ticked clock has no local component.
function receive(clock, now, remote) {
  const wall = Math.max(now, remote.wall, clock === null ? -Infinity : clock.wall);
  const localWall = clock !== null && wall === clock.wall;
  const remoteWall = wall === remote.wall;
  let counter = 0;
  if (localWall && remoteWall) counter = Math.max(clock.counter, remote.counter) + 1;
  else if (localWall) counter = clock.counter + 1;
  else if (remoteWall) counter = remote.counter + 1;
  return carry({ wall, counter });
}

function opHlcParse(input, interp) {
  const hlc = parseHlc(input.hlc, interp);
  return { wall_ms: hlc.wall, counter: hlc.counter, hlc: formatHlc(hlc) };
}

// STG-HLC-002: order is numeric (wall, counter) order.
function opHlcCompare(input, interp) {
  return { order: compareHlc(parseHlc(input.a, interp), parseHlc(input.b, interp)) };
}

function skewBound(input, name, fallback) {
  const x = input[name] ?? fallback;
  if (!Number.isSafeInteger(x) || x < 0) fail(INPUT_INVALID, `${name} must be a non-negative integer`);
  return x;
}

function opHlcRun(input, interp) {
  let clock = input.start === null || input.start === undefined ? null : parseHlc(input.start, interp);
  // hlc_skew_bounds=ref-defaults: 300 s future, 30 days past; 0 disables a bound (STG-HLC-007).
  const maxFuture = skewBound(input, 'max_future_skew_ms', 300000);
  const maxPast = skewBound(input, 'max_past_skew_ms', 2592000000);
  if (!Array.isArray(input.events)) fail(INPUT_INVALID, 'events must be a list');
  const outputs = [];
  for (const event of input.events) {
    if (!isPlainObject(event) || !Number.isSafeInteger(event.now_ms) || event.now_ms < 0) {
      fail(INPUT_INVALID, 'each event needs an integer now_ms');
    }
    const now = event.now_ms;
    if (event.kind === 'tick') {
      const next = tick(clock, now);
      // STG-HLC-001: the wall has 13 digits; a carry past 9999999999999 is refused and the clock stays.
      if (next.wall > WALL_MAX) outputs.push({ error: 'hlc_malformed' });
      else outputs.push({ hlc: formatHlc((clock = next)) });
    } else if (event.kind === 'receive') {
      // A rejected receive leaves the clock unchanged.
      let remote;
      try {
        remote = parseHlc(event.remote, interp);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        outputs.push({ error: e.code });
        continue;
      }
      if (maxFuture > 0 && remote.wall - now > maxFuture) outputs.push({ error: 'hlc_skew_future' });
      else if (maxPast > 0 && now - remote.wall > maxPast) outputs.push({ error: 'hlc_skew_past' });
      else {
        const next = receive(clock, now, remote);
        if (next.wall > WALL_MAX) outputs.push({ error: 'hlc_malformed' });
        else outputs.push({ hlc: formatHlc((clock = next)) });
      }
    } else {
      fail(INPUT_INVALID, `unknown event kind ${JSON.stringify(event.kind)}`);
    }
  }
  return { outputs };
}

// ---------------------------------------------------------------------------------------------
// contradictions.evaluate (STG-CONF-001, -003, -005, -010; contradiction_rule=s15,
// value_equality=canonical, winner_rule=s15)

// value_equality=canonical: same type and same canonical v; numbers as doubles, refs after entity
// normalization (raw when a ref does not normalize), everything else exactly; null equals null.
function valuesEqual(a, b, interp) {
  if (a.type !== b.type) return false;
  if (a.type === 'ref') {
    const norm = (v) => {
      try {
        return normalizeEntityUri(v, interp);
      } catch {
        return v;
      }
    };
    return norm(a.v) === norm(b.v);
  }
  return a.v === b.v; // numbers: IEEE equality (so 0 equals -0); null: null === null
}

function readContradictionFact(f, interp) {
  if (!isPlainObject(f)) invalidFact('a fact is an object');
  // Fields are checked one by one in the order the protocol lists them.
  return {
    id: requireStringField(f, 'id'),
    entity: factEntity(f, 'entity', interp), // STG-CONF-003: normalization first
    relation: factRelation(f),
    value: validateValue(requireField(f, 'value'), null),
    confidence: factConfidence(f),
    scope: factScope(f),
    hlc: parseHlc(requireField(f, 'hlc'), interp),
  };
}

function opContradictionsEvaluate(input, interp) {
  if (!Array.isArray(input.facts)) fail(INPUT_INVALID, 'facts must be a list');
  const facts = [];
  const seen = new Map();
  for (const raw of input.facts) {
    const fact = readContradictionFact(raw, interp);
    // The same fact ingested twice is one fact (STG-CONF-009); two different facts may not share an id.
    if (seen.has(fact.id)) {
      if (JSON.stringify(seen.get(fact.id)) !== JSON.stringify(fact)) invalidFact(`two different facts with id ${fact.id}`);
      continue;
    }
    seen.set(fact.id, fact);
    facts.push(fact);
  }
  const tripleKey = (f) => JSON.stringify([f.entity, f.relation, f.scope]);

  // STG-CONF-001 / -010: same triple, different values, both confidences above 0. One conflict per
  // unordered pair: each new fact is paired with every earlier differing sibling.
  // conflict_cardinality=pairwise: each new fact is paired with every earlier differing sibling;
  // =winner: only with the earlier live siblings ranked first by confidence, then HLC (all tied on both).
  const conflicts = [];
  for (let j = 0; j < facts.length; j++) {
    const b = facts[j];
    if (!(b.confidence > 0)) continue;
    let partners = facts.slice(0, j).filter((a) => tripleKey(a) === tripleKey(b) && a.confidence > 0);
    if (interp.conflict_cardinality === 'winner' && partners.length > 0) {
      const rank = (x, y) => Math.sign(x.confidence - y.confidence) || compareHlc(x.hlc, y.hlc);
      const best = partners.reduce((m, f) => (rank(f, m) > 0 ? f : m));
      partners = partners.filter((f) => rank(f, best) === 0);
    }
    for (const a of partners) {
      if (valuesEqual(a.value, b.value, interp)) continue;
      conflicts.push([a.id, b.id].sort(compareStrings));
    }
  }
  conflicts.sort((x, y) => compareStrings(x[0], y[0]) || compareStrings(x[1], y[1]));
  const contradicted = new Set(conflicts.flat());

  // STG-CONF-005: within an unresolved contradiction the higher confidence, then the higher HLC
  // is preferred, ties all preferred; otherwise the latest fact (highest HLC) wins.
  const triples = new Map();
  for (const f of facts) {
    if (!triples.has(tripleKey(f))) triples.set(tripleKey(f), []);
    triples.get(tripleKey(f)).push(f);
  }
  const winners = [];
  for (const group of triples.values()) {
    const inConflict = group.filter((f) => contradicted.has(f.id));
    const candidates = inConflict.length > 0 ? inConflict : group;
    const rank = inConflict.length > 0
      ? (x, y) => Math.sign(x.confidence - y.confidence) || compareHlc(x.hlc, y.hlc)
      : (x, y) => compareHlc(x.hlc, y.hlc);
    const best = candidates.reduce((m, f) => (rank(f, m) > 0 ? f : m));
    const ids = candidates.filter((f) => rank(f, best) === 0).map((f) => f.id).sort(compareStrings);
    const { entity, relation, scope } = group[0];
    winners.push({ entity, relation, scope, ids });
  }
  winners.sort((x, y) => compareStrings(x.entity, y.entity) || compareStrings(x.relation, y.relation) || compareStrings(x.scope, y.scope));
  return { conflicts, contradicted: [...contradicted].sort(compareStrings), winners };
}

// ---------------------------------------------------------------------------------------------
// Ed25519 (STG-SIG-006; ed25519_policy=strict, also rfc8032)
//
// node:crypto (OpenSSL 3) verifies cofactorless and rejects S >= L, but it accepts a public key
// with a non-canonical y (y >= p) or with x = 0 and the sign bit set, and it accepts small-order
// A and R. The policy checks below are done before calling it.

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const SMALL_ORDER = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000', // identity
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4
  '0000000000000000000000000000000000000000000000000000000000000080', // order 4
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
]);
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const littleEndian = (bytes) => BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);

// RFC 8032 5.1.3 decoding rejects y >= p, and x = 0 with the sign bit set (only y = 1 and y = p - 1
// have x = 0).
function isCanonicalPoint(bytes) {
  const n = littleEndian(bytes);
  const y = n & ((1n << 255n) - 1n);
  const sign = n >> 255n;
  return y < P && !(sign === 1n && (y === 1n || y === P - 1n));
}

function ed25519Verify(publicKey, message, signature, policy) {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const R = signature.subarray(0, 32);
  // RFC 8032 5.1.7: S < L; A and R canonical.
  if (littleEndian(signature.subarray(32)) >= L) return false;
  if (!isCanonicalPoint(publicKey) || !isCanonicalPoint(R)) return false;
  // strict: no small-order A or R (a small-order key "signs" many messages).
  if (policy === 'strict' && (SMALL_ORDER.has(publicKey.toString('hex')) || SMALL_ORDER.has(Buffer.from(R).toString('hex')))) {
    return false;
  }
  const key = crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  return crypto.verify(null, message, key, signature);
}

function ed25519Sign(seed, message) {
  const key = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return crypto.sign(null, message, key);
}

function readSeed(seedHex) {
  const seed = decodeHex(seedHex, 'seed_hex');
  if (seed.length !== 32) fail(INPUT_INVALID, 'seed_hex must be 32 bytes');
  return seed;
}

function opEd25519Verify(input, interp) {
  const bytes = (name) => {
    try {
      return decodeHex(input[name], name);
    } catch {
      return fail('signature_invalid', `${name} is not hex`);
    }
  };
  const [pk, message, sig] = [bytes('public_key_hex'), bytes('message_hex'), bytes('signature_hex')];
  if (!ed25519Verify(pk, message, sig, interp.ed25519_policy)) fail('signature_invalid', 'signature does not verify');
  return {};
}

// ---------------------------------------------------------------------------------------------
// Signed documents (STG-SIG-001..006): Ed25519 over RFC 8785 of the document minus some fields.

// `requires`: the members a document of the kind must carry (its shape), from the kind's source:
// A08 6.1 PeerDeclaration, A20 23.2.1/23.2.4 TombstoneRecord (every signed member) and
// TombstoneRevocationRecord, S04 Manifest. Other members are allowed and signed.
const SIGNATURE_KINDS = {
  peer_declaration: { // peer_declaration_fields=a08-jcs; rate_limit is optional
    field: 'declaration_sig',
    omit: ['declaration_sig'],
    requires: ['node_url', 'node_id', 'federation_pubkey', 'allowed_scopes', 'signed_at'],
  },
  tombstone: { // STG-SIG-003: key_id is signed; reason is not (STG-SIG-004)
    field: 'signature',
    omit: ['signature', 'reason'],
    requires: ['id', 'entity_uri', 'scope', 'signed_by', 'key_id', 'created_at', 'legal_hold'],
  },
  tombstone_revocation: {
    field: 'signature',
    omit: ['signature', 'reason'],
    requires: ['id', 'tombstone_id', 'signed_by', 'created_at'],
  },
  manifest: { // STG-SIG-005
    field: 'signature',
    omit: ['signature'],
    requires: ['manifest_version', 'entity_uri', 'public_key', 'key_id', 'entities', 'rotation_events', 'issued_at', 'expires_at'],
  },
};

const invalidDocument = (message) => fail('signature_document_invalid', message);

function signatureKind(input) {
  const kind = SIGNATURE_KINDS[Object.hasOwn(SIGNATURE_KINDS, input.kind) ? input.kind : ''];
  if (!kind) invalidDocument(`unknown signature kind ${JSON.stringify(input.kind)}`);
  if (!isPlainObject(input.document)) invalidDocument('the document is a JSON object');
  for (const member of kind.requires) {
    if (!Object.hasOwn(input.document, member)) invalidDocument(`a ${input.kind} needs ${member}`);
  }
  if (hasLoneSurrogate(input.document)) invalidDocument('the document holds an unpaired surrogate');
  return kind;
}

function signaturePreimage(kind, document) {
  // Object.fromEntries keeps a member literally named "__proto__" as data.
  const body = Object.fromEntries(Object.entries(document).filter(([k]) => !kind.omit.includes(k)));
  return jcsBytes(body);
}

function opSignaturesPreimage(input) {
  const kind = signatureKind(input);
  return { preimage_hex: signaturePreimage(kind, input.document).toString('hex') };
}

function opSignaturesSign(input) {
  const kind = signatureKind(input);
  const seed = readSeed(input.seed_hex);
  const signature = ed25519Sign(seed, signaturePreimage(kind, input.document));
  const document = Object.fromEntries(Object.entries(input.document).filter(([k]) => k !== kind.field));
  document[kind.field] = encodeB64u(signature);
  return { document };
}

// Order: document shape, key encoding, signature encoding, then the signature itself.
function opSignaturesVerify(input, interp) {
  const kind = signatureKind(input);
  if (!Object.hasOwn(input.document, kind.field)) invalidDocument(`the document has no ${kind.field}`);
  const key = decodeB64u(input.public_key_b64u);
  if (!key || key.length !== 32) fail('key_malformed', 'the public key is not base64url of 32 bytes');
  const signature = decodeB64u(input.document[kind.field]);
  if (!signature || signature.length !== 64) fail('signature_malformed', 'the signature is not base64url of 64 bytes');
  if (!ed25519Verify(key, signaturePreimage(kind, input.document), signature, interp.ed25519_policy)) {
    fail('signature_invalid', 'signature does not verify');
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Peer tokens (STG-TOK-001..008; peer_token_format=jwt-ms): compact JWS with JCS segments.

const TOKEN_HEADER = { alg: 'EdDSA', typ: 'JWT' };
const malformedToken = (message) => fail('token_malformed', message);

// STG-TOK-001: iss, sub, iat, exp, nonce and scopes, with iat and exp in epoch milliseconds.
function checkClaims(claims) {
  if (!isPlainObject(claims)) malformedToken('the claims are a JSON object');
  for (const name of ['iss', 'sub', 'nonce']) {
    if (typeof claims[name] !== 'string' || claims[name] === '') {
      malformedToken(`claim ${name} must be a non-empty string`);
    }
  }
  for (const name of ['iat', 'exp']) {
    if (!Number.isSafeInteger(claims[name])) malformedToken(`claim ${name} must be an integer (epoch ms)`);
  }
  if (!Array.isArray(claims.scopes) || !claims.scopes.every((s) => SCOPES.includes(s))) {
    malformedToken('claim scopes must be a list of FactScopes');
  }
  if (hasLoneSurrogate(claims)) malformedToken('the claims hold an unpaired surrogate');
}

function opPeerTokensSign(input) {
  checkClaims(input.claims);
  const seed = readSeed(input.seed_hex);
  const signingInput = `${encodeB64u(jcsBytes(TOKEN_HEADER))}.${encodeB64u(jcsBytes(input.claims))}`;
  return { token: `${signingInput}.${encodeB64u(ed25519Sign(seed, Buffer.from(signingInput, 'ascii')))}` };
}

// A base64url segment holding strict JSON; any fault is token_malformed.
function decodeJsonSegment(segment, what) {
  const bytes = decodeB64u(segment);
  if (!bytes || bytes.length === 0) malformedToken(`the ${what} is not base64url`);
  try {
    return parseStrictJson(bytes);
  } catch (e) {
    if (e instanceof ProtocolError) malformedToken(`the ${what} is not strict JSON: ${e.message}`);
    throw e;
  }
}

function optionalMs(input, name, fallback) {
  const x = input[name] ?? fallback;
  if (!Number.isSafeInteger(x)) fail(INPUT_INVALID, `${name} must be an integer`);
  return x;
}

function opPeerTokensVerify(input, interp) {
  const now = optionalMs(input, 'now_ms', undefined);
  const leeway = optionalMs(input, 'leeway_ms', 30000);
  const maxLifetime = optionalMs(input, 'max_lifetime_ms', 3600000);
  const seenNonces = input.seen_nonces ?? [];
  if (!Array.isArray(seenNonces)) fail(INPUT_INVALID, 'seen_nonces must be a list');

  // 1. Structure and header.
  if (typeof input.token !== 'string') malformedToken('a token is a string');
  const parts = input.token.split('.');
  if (parts.length !== 3) malformedToken('a compact JWS has three parts');
  const header = decodeJsonSegment(parts[0], 'header');
  if (!isPlainObject(header) || header.alg !== 'EdDSA') malformedToken('the header must say alg EdDSA');
  if (Object.hasOwn(header, 'typ') && header.typ !== 'JWT') malformedToken('the header typ must be JWT');
  // RFC 7515 §4.1.11: critical extensions this verifier does not understand make the token unusable.
  if (Object.hasOwn(header, 'crit')) malformedToken('the header names critical extensions');
  const claims = decodeJsonSegment(parts[1], 'payload');
  checkClaims(claims);
  const signature = decodeB64u(parts[2]);
  if (!signature || signature.length !== 64) malformedToken('the signature is not base64url of 64 bytes');
  // 2. Signature against the issuer's federation key (STG-TOK-003).
  const key = decodeB64u(input.issuer_public_key_b64u);
  const signingInput = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
  if (!key || key.length !== 32 || !ed25519Verify(key, signingInput, signature, interp.ed25519_policy)) {
    fail('signature_invalid', 'the token signature does not verify under the issuer key');
  }
  // 3. sub is the receiver's node id (STG-TOK-004).
  if (claims.sub !== input.audience) fail('token_wrong_audience', 'sub is not this node');
  // 4. exp - iat <= 1 h (STG-TOK-002).
  if (claims.exp - claims.iat > maxLifetime) fail('token_lifetime_exceeded', 'exp - iat exceeds the maximum lifetime');
  // 5. iat no more than the leeway ahead of now.
  if (claims.iat > now + leeway) fail('token_not_yet_valid', 'iat is in the future');
  // 6. Expired iff now > exp (STG-TOK-005).
  if (now > claims.exp) fail('token_expired', 'the token has expired');
  // 7. The nonce was not seen, whichever token carried it (STG-TOK-006..008).
  if (seenNonces.includes(claims.nonce)) fail('nonce_already_seen', 'the nonce was already used');
  return { claims };
}

// ---------------------------------------------------------------------------------------------
// Dispatch and the stdio loop

const HANDLERS = {
  'jcs.canonicalize': opJcsCanonicalize,
  'cid.compute': opCidCompute,
  'cid.verify': opCidVerify,
  'entity_uri.normalize': opEntityUriNormalize,
  'gardens.slug': opGardensSlug,
  'quotas.schedule': opQuotasSchedule,
  'key_rotation.verify_chain': opKeyRotationVerifyChain,
  'manifests.verify': opManifestsVerify,
  'values.validate': opValuesValidate,
  'hlc.parse': opHlcParse,
  'hlc.compare': opHlcCompare,
  'hlc.run': opHlcRun,
  'contradictions.evaluate': opContradictionsEvaluate,
  'signatures.preimage': opSignaturesPreimage,
  'signatures.sign': opSignaturesSign,
  'signatures.verify': opSignaturesVerify,
  'ed25519.verify': opEd25519Verify,
  'peer_tokens.sign': opPeerTokensSign,
  'peer_tokens.verify': opPeerTokensVerify,
};

function hello() {
  return {
    protocol: 1,
    implementation: { name: PACKAGE.name, version: PACKAGE.version, language: `JavaScript (Node.js ${process.version})` },
    ops: Object.keys(HANDLERS),
  };
}

function handle(request) {
  const id = request.id;
  try {
    if (request.op === 'hello') return { id, result: hello() };
    if (!Object.hasOwn(HANDLERS, request.op)) return { id, unsupported: 'unknown op' };
    const input = isPlainObject(request.input) ? request.input : fail(INPUT_INVALID, 'input must be an object');
    const interp = resolveInterpretations(request.op, input, request.interpretations);
    return { id, result: HANDLERS[request.op](input, interp) };
  } catch (e) {
    if (e instanceof Unsupported) return { id, unsupported: e.message };
    if (e instanceof ProtocolError) return { id, error: { code: e.code, message: e.message } };
    // A bug here must not kill the session: report it and carry on.
    process.stderr.write(`adapter: internal error on request ${id}: ${e?.stack ?? e}\n`);
    return { id, error: { code: 'internal_error', message: String(e?.message ?? e) } };
  }
}

function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  process.stdout.on('error', () => process.exit(0)); // the harness went away
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      request = null;
    }
    const response = isPlainObject(request)
      ? handle(request)
      : { id: null, error: { code: 'request_invalid', message: 'a request is one JSON object per line' } };
    process.stdout.write(`${JSON.stringify(response)}\n`);
  });
  lines.on('close', () => {
    process.exitCode = 0;
  });
}

main();
