"""Blind mutant round 10: federation trust (seed "Federation trust (§19)"; Spec-04 manifests, Spec-06 capability
tokens, A20 §19.1-§19.5, the transparency log of A20 §19.2 with RFC 9162 proofs and C2SP signed-note checkpoints,
source trust of A20 §19.4), written from the seeds, the specs, the contract docs and the node's code, without reading
the suite."""

ROUND = 10
MUTANTS: list[dict[str, str]] = [
    # ------------------------------------------------------------------------------------------------------------
    # Manifests (Spec-04; A20 §19.1, §5.21-§5.22; docs/federation-api.md "Manifests").
    {
        "id": "b10-man-min-validity-exclusive",
        "description": (
            "The 24 h floor is exclusive (<= instead of <): a manifest valid for exactly 24 h is refused 400 "
            "manifest_invalid (A20 §19.1.2: expires_at MUST be >= 24 h after issued_at; docs/federation-api.md "
            "\"Manifests\": 24 h exactly is enough)."
        ),
        "file": "protocol/manifests.py",
        "find": "if expires - issued < MIN_VALIDITY:",
        "replace": "if expires - issued <= MIN_VALIDITY:",
    },
    {
        "id": "b10-man-min-validity-23h",
        "description": (
            "The validity floor is 23 h: the A20 golden manifest with expires_at = issued_at + 23 h verifies and a "
            "PUT of it answers 200 (A20 §19.1.2: at least 24 h; digest golden: 23 h is rejected)."
        ),
        "file": "protocol/manifests.py",
        "find": "MIN_VALIDITY = timedelta(hours=24)",
        "replace": "MIN_VALIDITY = timedelta(hours=23)",
    },
    {
        "id": "b10-man-max-validity-730",
        "description": (
            "The validity ceiling is upstream's 730 days instead of 365: a manifest valid 366..730 days is accepted "
            "(docs/federation-api.md \"Manifests\" [manifest_max_validity]: at most 365 days; S04 SHOULD keep "
            "windows bounded)."
        ),
        "file": "protocol/manifests.py",
        "find": "MAX_VALIDITY = timedelta(days=365)",
        "replace": "MAX_VALIDITY = timedelta(days=730)",
    },
    {
        "id": "b10-man-max-validity-inclusive",
        "description": (
            "The 365-day ceiling is exclusive (>= instead of >): a manifest valid exactly 365 days is refused 400 "
            "manifest_invalid (docs/federation-api.md \"Manifests\": at most 365 days, 365 included)."
        ),
        "file": "protocol/manifests.py",
        "find": "if expires - issued > MAX_VALIDITY:",
        "replace": "if expires - issued >= MAX_VALIDITY:",
    },
    {
        "id": "b10-man-expired-at-instant-accepted",
        "description": (
            "Expiry is checked with > instead of >=: a manifest verified at exactly its expires_at is still valid "
            "(Spec-04: peers MUST reject expired manifests; docs/federation-api.md \"Manifests\": expired from the "
            "second of its expires_at)."
        ),
        "file": "protocol/manifests.py",
        "find": "if now >= expires:",
        "replace": "if now > expires:",
    },
    {
        "id": "b10-man-entities-without-entity-uri",
        "description": (
            "The membership test of entity_uri in entities is replaced by a non-empty test: a manifest whose "
            "entities omit its own entity_uri verifies and is stored (A20 §19.1.2: entities MUST include "
            "entity_uri; digest failure list: entities missing entity_uri)."
        ),
        "file": "protocol/manifests.py",
        "find": "    if uri not in entities:\n",
        "replace": "    if not entities:\n",
    },
    {
        "id": "b10-man-covers-prefix",
        "description": (
            "Coverage is by prefix: an entity below a listed one (stigmem://a.test/node/1/x under "
            "stigmem://a.test/node/1) counts as covered, so tokens and peers are vouched for by implication (Spec-04: "
            "MUST NOT treat an entity missing from entities as covered by implication)."
        ),
        "file": "protocol/manifests.py",
        "find": "isinstance(uri, str) and uri == entity_uri for uri in entities)",
        "replace": "isinstance(uri, str) and entity_uri.startswith(uri) for uri in entities)",
    },
    {
        "id": "b10-man-covers-case-insensitive",
        "description": (
            "Coverage compares case-folded URIs: a case variant of a listed entity counts as covered (Spec-04: no "
            "coverage by implication; docs/federation-api.md \"Manifests\": exactly, never a case variant)."
        ),
        "file": "protocol/manifests.py",
        "find": "isinstance(uri, str) and uri == entity_uri for uri in entities)",
        "replace": "isinstance(uri, str) and uri.lower() == entity_uri.lower() for uri in entities)",
    },
    {
        "id": "b10-man-key-id-not-checked",
        "description": (
            "The key_id is only checked to be non-empty, not to be the SHA-256 of public_key: a manifest signed "
            "with a key_id of another key verifies (A20 §19.1.2: key_id is SHA-256 hex of the raw key; "
            "docs/federation-api.md: 400 manifest_signature_invalid for such a key_id)."
        ),
        "file": "protocol/manifests.py",
        "find": "    if doc[\"key_id\"] != key_id(raw):\n",
        "replace": "    if not doc[\"key_id\"]:\n",
    },
    {
        "id": "b10-man-key-id-16-hex",
        "description": (
            "key_id is upstream's 16-hex prefix of the SHA-256: manifests carrying the full 64-hex key id are "
            "refused as manifest_signature_invalid and the node's own manifest carries a 16-hex key_id (A20 "
            "§19.1.2; interpretation §27 K-1: the full 64-hex SHA-256)."
        ),
        "file": "protocol/manifests.py",
        "find": "    return hashlib.sha256(raw_public_key).hexdigest()",
        "replace": "    return hashlib.sha256(raw_public_key).hexdigest()[:16]",
    },
    {
        "id": "b10-man-preimage-without-version",
        "description": (
            "The signing preimage leaves out manifest_version besides signature: a manifest signed over RFC 8785 of "
            "every other member (version included) fails with manifest_signature_invalid, and the node's own "
            "manifests are signed over other bytes (A20 §19.1.3; §27 K-2: manifest_version is in the signing body)."
        ),
        "file": "protocol/manifests.py",
        "find": "    return _canonical({name: value for name, value in manifest.items() if name != \"signature\"})",
        "replace": (
            "    return _canonical({name: value for name, value in manifest.items()\n"
            "                       if name not in (\"signature\", \"manifest_version\")})"
        ),
    },
    {
        "id": "b10-man-preimage-json-dumps",
        "description": (
            "The canonical form is json.dumps(sort_keys=True) with its default separators instead of RFC 8785: "
            "signatures over JCS bytes (manifests and rotation events) no longer verify (A20 §19.1.3: MUST use RFC "
            "8785 JCS; Spec-04 §canonical encoding)."
        ),
        "file": "protocol/manifests.py",
        "find": "        return jcs.canonical(dict(document))",
        "replace": "        return __import__(\"json\").dumps(dict(document), sort_keys=True).encode(\"utf-8\")",
    },
    {
        "id": "b10-man-event-preimage-without-entity",
        "description": (
            "A rotation event's preimage omits the manifest's entity_uri: events signed per the interpretation "
            "(JCS of the event without signature plus entity_uri) fail as manifest_rotation_chain_invalid, and an "
            "event signed for one authority replays under another (docs/federation-api.md \"Manifests\" "
            "[manifest_rotation_event]; A20 §19.1.2 rotation_sig binds entity_uri)."
        ),
        "file": "protocol/manifests.py",
        "find": "    return _canonical({**body, \"entity_uri\": entity_uri})",
        "replace": "    return _canonical(body)",
    },
    {
        "id": "b10-man-chain-equal-times",
        "description": (
            "Rotation events need only non-descending rotated_at (< instead of <=): two events at the same instant "
            "are accepted (A20 §19.1.4 invariant 1: ascending order; docs/federation-api.md: events rise strictly "
            "in time)."
        ),
        "file": "protocol/manifests.py",
        "find": "if previous_at is not None and rotated_at <= previous_at:",
        "replace": "if previous_at is not None and rotated_at < previous_at:",
    },
    {
        "id": "b10-man-chain-gap-unchecked",
        "description": (
            "The gap test runs only when no signer is known (left to the signature check), so it never runs: an "
            "event whose old_key_id is not the key the previous event installed is accepted when its signature "
            "verifies under that installed key (A20 §19.1.4 invariant 2: each "
            "old_key_id equals the previous entry's key; Spec-04: peers MUST verify the rotation chain)."
        ),
        "file": "protocol/manifests.py",
        "find": "        if current is not None and event[\"old_key_id\"] != current:",
        "replace": "        if current is not None and event[\"old_key_id\"] != current and signer is None:",
    },
    {
        "id": "b10-man-chain-end-unchecked",
        "description": (
            "Invariant 3 is only checked when no new event was added: a chain whose last event installs another key "
            "than the manifest's key_id is accepted (A20 §19.1.4 invariant 3: the chain ends at the current key_id; "
            "400 manifest_rotation_chain_invalid)."
        ),
        "file": "protocol/manifests.py",
        "find": "    if current is not None and current != current_key_id:",
        "replace": "    if current is not None and current != current_key_id and anchor_count == len(events):",
    },
    {
        "id": "b10-man-key-change-without-event",
        "description": (
            "The accepted manifest's key is not taken as the chain's start: a second PUT for the same authority "
            "under a new key and without a rotation event answers 200 instead of 400 manifest_rotation_chain_invalid "
            "(Spec-04: peers MUST verify the rotation chain before accepting a new active key; "
            "docs/federation-api.md: a new key without an event is refused)."
        ),
        "file": "protocol/manifests.py",
        "find": (
            "    current: str | None = key_id(anchor_public_key) if anchor_public_key is not None and anchor_count == "
            "0 else None"
        ),
        "replace": "    current: str | None = None",
    },
    {
        "id": "b10-man-rewritten-chain-accepted",
        "description": (
            "Against the accepted manifest only the event count is compared, not the accepted events themselves: "
            "a manifest that rewrites earlier rotation events (same count or more) is accepted, and those events "
            "are never re-verified (A20 §19.1.4: the chain MUST NOT regress; docs/federation-api.md: the accepted "
            "events stay unchanged at the front)."
        ),
        "file": "protocol/manifests.py",
        "find": "if len(doc[\"rotation_events\"]) < len(before) or doc[\"rotation_events\"][: len(before)] != before:",
        "replace": "if len(doc[\"rotation_events\"]) < len(before):",
    },
    {
        "id": "b10-man-signature-error-code",
        "description": (
            "Only a base64url failure of the signature maps to manifest_signature_invalid; a signature that does not "
            "verify escapes as the generic signature_invalid (401), so a tampered entities member is not 400 "
            "manifest_signature_invalid (A20 §19.9; digest golden: tamper with entities -> 400)."
        ),
        "file": "protocol/manifests.py",
        "find": (
            "    except (base64url.Base64UrlError, SignatureInvalid) as exc:\n        raise "
            "ManifestError(\"manifest_signature_invalid\""
        ),
        "replace": (
            "    except base64url.Base64UrlError as exc:\n        raise ManifestError(\"manifest_signature_invalid\""
        ),
    },
    {
        "id": "b10-man-unknown-members-accepted",
        "description": (
            "The shape test only requires the manifest members to be present: a manifest with an extra member "
            "(signed over it) is accepted (docs/federation-api.md \"Manifests\": a manifest is exactly these "
            "members; schemas/wire/manifest.json)."
        ),
        "file": "protocol/manifests.py",
        "find": "    if set(manifest) != set(FIELDS):",
        "replace": "    if not set(FIELDS) <= set(manifest):",
    },
    {
        "id": "b10-man-version-true",
        "description": (
            "manifest_version is compared with == 1 only, so JSON true (== 1 in Python) passes as version 1 (A20 "
            "§19.1.2: manifest_version MUST be 1, an integer)."
        ),
        "file": "protocol/manifests.py",
        "find": "    if isinstance(version, bool) or version != 1:\n        raise ManifestError(",
        "replace": "    if version != 1:\n        raise ManifestError(",
    },
    {
        "id": "b10-man-entity-uri-any-scheme",
        "description": (
            "The stigmem:// scheme of entity_uri is not checked: a manifest for https://a.test/node is accepted "
            "(A20 §19.1.2: entity_uri MUST be a stigmem:// URI)."
        ),
        "file": "protocol/manifests.py",
        "find": "if not isinstance(uri, str) or not uri.startswith(\"stigmem://\") or len(uri) <= len(\"stigmem://\"):",
        "replace": "if not isinstance(uri, str) or not uri:",
    },
    {
        "id": "b10-man-exclusive-first-entity-only",
        "description": (
            "The one-valid-manifest-per-entity test looks at the manifest's first entity only: authority B may list "
            "an entity authority A's valid manifest already lists (200 instead of 409 manifest_entity_conflict) "
            "(A20 §19.1.5: an entity URI MUST appear in at most one valid manifest; docs/federation-api.md "
            "[manifest_entity_exclusive])."
        ),
        "file": "storage/manifests.py",
        "find": "    for entity in manifest[\"entities\"]:\n        for _, authority in conn.execute(",
        "replace": "    for entity in manifest[\"entities\"][:1]:\n        for _, authority in conn.execute(",
    },
    {
        "id": "b10-man-superseded-speaks",
        "description": (
            "The lookup by entity forgets that only an authority's newest manifest counts: after the authority "
            "publishes a manifest that drops an entity, GET /v1/federation/manifest/{entity} still answers 200 "
            "with the superseded manifest, and the entity stays locked against other authorities "
            "(docs/federation-api.md \"Manifests\": 200 with the current, unexpired manifest listing that entity)."
        ),
        "file": "storage/manifests.py",
        "find": (
            "            \"AND m.seq = (SELECT MAX(seq) FROM federation_manifests WHERE entity_uri = m.entity_uri) \"\n"
        ),
        "replace": "",
    },
    {
        "id": "b10-man-current-oldest",
        "description": (
            "An authority's current manifest is read oldest first (ORDER BY seq without DESC): a new PUT is checked "
            "against the authority's first manifest, so a rotation count that regressed against the latest one is "
            "not refused as 400 manifest_rotation_chain_invalid (the insert then fails in the database) and chains "
            "are anchored at a stale key (A20 §19.1.4 invariant 4; docs/federation-api.md: the newest manifest is "
            "the current one)."
        ),
        "file": "storage/manifests.py",
        "find": "\"SELECT manifest FROM federation_manifests WHERE entity_uri = ? ORDER BY seq DESC LIMIT 1\"",
        "replace": "\"SELECT manifest FROM federation_manifests WHERE entity_uri = ? ORDER BY seq LIMIT 1\"",
    },
    {
        "id": "b10-man-id-without-signature",
        "description": (
            "manifest_id hashes the manifest without its signature: PUT answers an id that is not the SHA-256 hex "
            "of the manifest's RFC 8785 bytes (docs/federation-api.md \"Manifests\": manifest_id is the SHA-256 hex "
            "of the manifest's RFC 8785 bytes)."
        ),
        "file": "storage/manifests.py",
        "find": "    return hashlib.sha256(jcs.canonical(dict(manifest))).hexdigest()",
        "replace": (
            "    return hashlib.sha256(jcs.canonical({k: v for k, v in manifest.items() if k != \"signature\"}))"
            ".hexdigest()"
        ),
    },
    {
        "id": "b10-man-publish-audit-actor-lost",
        "description": (
            "The manifest_publish audit event is written without the actor: the admin who PUT the manifest is not "
            "recorded (A20 §22.3 manifest_publish; docs/federation-api.md \"Manifests\": a PUT appends a "
            "manifest_publish audit event; Spec-09 actor)."
        ),
        "file": "storage/manifests.py",
        "find": "audit_log.append(conn, \"manifest_publish\", \"success\", stored_at, actor_entity=actor_entity,",
        "replace": "audit_log.append(conn, \"manifest_publish\", \"success\", stored_at, actor_entity=None,",
    },
    {
        "id": "b10-man-put-write-key",
        "description": (
            "PUT /v1/federation/manifest asks for the write permission instead of admin: a non-admin write key "
            "stores a manifest (Spec-04: non-admin callers MUST be rejected; A20 §5.21: 403 for non-admins)."
        ),
        "file": "api/manifests.py",
        "find": "    identity = caller(request, \"admin\")",
        "replace": "    identity = caller(request, \"write\")",
    },
    {
        "id": "b10-man-put-201",
        "description": (
            "A stored manifest answers 201 instead of 200 (A20 §5.21: 200 {manifest_id, log_entry_url})."
        ),
        "file": "api/manifests.py",
        "find": "    return JSONResponse({\"manifest_id\": ident, \"log_entry_url\": url})",
        "replace": "    return JSONResponse({\"manifest_id\": ident, \"log_entry_url\": url}, 201)",
    },
    {
        "id": "b10-man-get-missing-code",
        "description": (
            "An entity no valid manifest lists answers 404 not_found instead of 404 manifest_not_found "
            "(docs/federation-api.md \"Manifests\"; A20 §5.22)."
        ),
        "file": "api/manifests.py",
        "find": "        raise ApiError(\"manifest_not_found\", f\"no valid manifest lists {entity_uri}\")",
        "replace": "        raise ApiError(\"not_found\", f\"no valid manifest lists {entity_uri}\")",
    },
    {
        "id": "b10-man-peer-manifest-not-listing-node",
        "description": (
            "A peer's well-known manifest is kept when it lists any entity, not only when it lists the peer's "
            "node_id: a peer vouches for itself with another authority's manifest, which then answers "
            "GET /v1/federation/manifest/{that entity} (Spec-04: no coverage by implication; "
            "docs/federation-api.md \"Manifests\": kept when it lists the peer's node_id)."
        ),
        "file": "federation/manifests.py",
        "find": "        if not manifests.covers(body, node_id):",
        "replace": "        if not body.get(\"entities\"):",
    },
    {
        "id": "b10-man-keygen-overwrites",
        "description": (
            "keygen opens its output without O_EXCL, so it overwrites an existing key file (docs/federation-api.md "
            "\"Manifests\": keygen never writes over an existing file; the seed's stigmem keygen --out)."
        ),
        "file": "manifest_cli.py",
        "find": "        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)",
        "replace": "        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)",
        "equivalent": (
            "keygen is the node's offline CLI: it writes a local file and speaks no HTTP, so no HTTP client can tell."
            " tests/unit/node/test_manifests.py (test_cli_keygen_and_publish: a second keygen to the same file "
            "answers 1) kills it."
        ),
    },
    {
        "id": "b10-man-keygen-world-readable",
        "description": (
            "keygen writes the private key with mode 0644 (docs/federation-api.md \"Manifests\": PKCS#8 PEM, mode "
            "0600)."
        ),
        "file": "manifest_cli.py",
        "find": "        os.fchmod(out.fileno(), 0o600)",
        "replace": "        os.fchmod(out.fileno(), 0o644)",
        "equivalent": (
            "keygen is the node's offline CLI: the mode of the key file it writes is invisible over HTTP. "
            "tests/unit/node/test_manifests.py (test_cli_keygen_and_publish: mode 0600) kills it."
        ),
    },
    {
        "id": "b10-man-publish-entities-dropped",
        "description": (
            "manifest publish ignores --entities: the signed manifest lists the entity_uri alone "
            "(docs/federation-api.md \"Manifests\": the entity first, then --entities; the seed's manifest "
            "publish)."
        ),
        "file": "manifest_cli.py",
        "find": "                                  timedelta(days=args.validity_days), args.entities, events)",
        "replace": "                                  timedelta(days=args.validity_days), (), events)",
        "equivalent": (
            "manifest publish is the node's offline CLI (it signs with an operator's key file); what it drops is "
            "never a node's HTTP behaviour (a PUT of the shorter manifest is served as sent). "
            "tests/unit/node/test_manifests.py (test_cli_keygen_and_publish: entities are the entity then --entities)"
            " kills it."
        ),
    },
    # ------------------------------------------------------------------------------------------------------------
    # Capability tokens (Spec-06; A20 §19.3, §19.9, §22.5; docs/federation-api.md "Capability tokens").
    {
        "id": "b10-cap-lifetime-exactly-90-refused",
        "description": (
            "The 90-day ceiling is exclusive (>= instead of >): a token whose expiry is exactly issued_at + 90 days "
            "is refused token_lifetime_exceeded (A20 §19.3.1: expiry MUST NOT exceed 90 days from issued_at)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if expiry - issued_at > MAX_LIFETIME:",
        "replace": "    if expiry - issued_at >= MAX_LIFETIME:",
    },
    {
        "id": "b10-cap-lifetime-91-days",
        "description": (
            "The lifetime ceiling is 91 days: the golden token with expiry = issued_at + 91 d verifies instead of "
            "token_lifetime_exceeded, and issuance accepts it (A20 §19.3.1, §22.5.4)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "MAX_LIFETIME = timedelta(days=90)",
        "replace": "MAX_LIFETIME = timedelta(days=91)",
    },
    {
        "id": "b10-cap-expiry-instant-valid",
        "description": (
            "A token is still valid at the instant of its expiry (< instead of <=) (A20 §19.3.3 step 5: expiry > "
            "now; docs/federation-api.md \"Capability tokens\": token_expired)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if expiry <= now:\n        raise TokenExpired(",
        "replace": "    if expiry < now:\n        raise TokenExpired(",
    },
    {
        "id": "b10-cap-stale-window-applied",
        "description": (
            "The ±5-minute issued_at window is applied both ways: a token issued more than 5 minutes before it is "
            "presented is refused timestamp_future_dated, so no token is usable after 5 minutes (§27 M-2: capability "
            "tokens are checked for future dating only, never for staleness; docs/federation-api.md "
            "[capability_token_window])."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if issued_at - now > FUTURE_SKEW:",
        "replace": "    if abs(issued_at - now) > FUTURE_SKEW:",
    },
    {
        "id": "b10-cap-future-skew-inclusive",
        "description": (
            "issued_at exactly 5 minutes ahead of the verifier is refused (>= instead of >) (A20 §22.5: issued_at > "
            "now + 5 min is timestamp_future_dated; now + 5 min itself is inside the window)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if issued_at - now > FUTURE_SKEW:",
        "replace": "    if issued_at - now >= FUTURE_SKEW:",
    },
    {
        "id": "b10-cap-future-skew-6-minutes",
        "description": (
            "The future-date tolerance is 6 minutes: a token issued 5 min 30 s ahead verifies (A20 §22.5: ±5 "
            "minutes; timestamp_future_dated)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "FUTURE_SKEW = timedelta(minutes=5)",
        "replace": "FUTURE_SKEW = timedelta(minutes=6)",
    },
    {
        "id": "b10-cap-nonce-uppercase",
        "description": (
            "Upper-case hex nonces pass the nonce form (A20 §19.3.5 and S06: a lowercase hex string of 32 bytes; "
            "token_nonce_invalid)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "_NONCE = re.compile(r\"[0-9a-f]{64}\\Z\", re.ASCII)",
        "replace": "_NONCE = re.compile(r\"[0-9a-fA-F]{64}\\Z\", re.ASCII)",
    },
    {
        "id": "b10-cap-nonce-16-bytes",
        "description": (
            "Nonces of 16 bytes (32 hex) pass: the form accepts 32 to 64 hex digits (A20 §19.3.5: MUST be 32 "
            "cryptographically random bytes; §27 M-3: 64 hex for capability tokens)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "_NONCE = re.compile(r\"[0-9a-f]{64}\\Z\", re.ASCII)",
        "replace": "_NONCE = re.compile(r\"[0-9a-f]{32,64}\\Z\", re.ASCII)",
    },
    {
        "id": "b10-cap-nonce-status-401",
        "description": (
            "A malformed nonce answers 401 instead of 400 token_nonce_invalid (A20 §19.9: token_nonce_invalid is "
            "400; docs/federation-api.md \"Capability tokens\" verification table)."
        ),
        "file": "api/errors.py",
        "find": "    \"token_nonce_invalid\": 400,",
        "replace": "    \"token_nonce_invalid\": 401,",
    },
    {
        "id": "b10-cap-replay-status-403",
        "description": (
            "A replayed nonce answers 403 instead of 401 token_replay (interpretation capability_token_status, §27 "
            "L-2: replay is an authentication-class failure, 401; docs/federation-api.md verification table)."
        ),
        "file": "api/errors.py",
        "find": "    \"token_replay\": 401,",
        "replace": "    \"token_replay\": 403,",
    },
    {
        "id": "b10-cap-revoked-checked-first",
        "description": (
            "Revocation is checked right after the shape, before the issuer manifest, signature, subject and "
            "expiry: a revoked token that is also expired or badly signed is refused token_revoked instead of the "
            "earlier step's code (Spec-06 and A20 §19.3.3 order; docs/federation-api.md \"Capability tokens\": the "
            "first failing step's code)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    body = _shape(token)\n    # Steps 1, 1b, 2 (STG-CAP-009).",
        "replace": (
            "    body = _shape(token)\n    if revoked:\n        raise TokenRevoked(\"the token has been revoked\")\n"
            "    # Steps 1, 1b, 2 (STG-CAP-009)."
        ),
    },
    {
        "id": "b10-cap-expiry-checked-first",
        "description": (
            "The time checks run before the issuer manifest is resolved: an expired token of an unknown issuer is "
            "refused token_expired instead of issuer_manifest_unknown (A20 §19.3.3: resolve the issuer manifest "
            "first, expiry at step 5; docs/federation-api.md verification order)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    body = _shape(token)\n    # Steps 1, 1b, 2 (STG-CAP-009).",
        "replace": "    body = _shape(token)\n    _times(body, moment)\n    # Steps 1, 1b, 2 (STG-CAP-009).",
    },
    {
        "id": "b10-cap-subject-check-on-issuer",
        "description": (
            "Step 4 tests the issuer instead of the subject against the manifest's entities: a token delegating to "
            "a subject outside the issuer's manifest verifies (A20 §19.3.3 step 4: subject must appear in the "
            "issuer's entities, cross-org delegation forbidden; 403 entity_not_in_manifest)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if body[\"subject\"] not in issuer_manifest[\"entities\"]:",
        "replace": "    if body[\"issuer\"] not in issuer_manifest[\"entities\"]:",
    },
    {
        "id": "b10-cap-subject-prefix",
        "description": (
            "The subject is accepted when it lies below a listed entity (prefix match): "
            "stigmem://a.test/node/1/agent passes a manifest listing stigmem://a.test/node/1 (A20 §19.1.5: reject "
            "tokens that claim an entity absent from the signer's manifest; Spec-04: no coverage by implication)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if body[\"subject\"] not in issuer_manifest[\"entities\"]:",
        "replace": "    if not any(body[\"subject\"].startswith(e) for e in issuer_manifest[\"entities\"]):",
    },
    {
        "id": "b10-cap-key-id-not-compared",
        "description": (
            "key_id is only checked for form, not compared with the issuer manifest's key: a token naming another "
            "key id but signed by the manifest key verifies (Spec-06: the signing key MUST be an active key in the "
            "issuer's manifest; docs/federation-api.md: token_key_unknown)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if not _HEX64.match(body[\"key_id\"]) or body[\"key_id\"] != issuer_manifest[\"key_id\"]:",
        "replace": "    if not _HEX64.match(body[\"key_id\"]):",
    },
    {
        "id": "b10-cap-manifest-expiry-step-skipped",
        "description": (
            "Step 1b is skipped: an issuer whose manifest has expired is refused by the manifest verification as "
            "issuer_manifest_invalid instead of issuer_manifest_expired (A20 §19.3.3 step 1b; docs/federation-api.md "
            "verification table: its own code)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if expires_at <= now:\n        raise IssuerManifestExpired(",
        "replace": "    if expires_at is None:\n        raise IssuerManifestExpired(",
    },
    {
        "id": "b10-cap-preimage-without-key-id",
        "description": (
            "The token preimage leaves out key_id besides signature: tokens signed over every other member (key_id "
            "included) no longer verify, and the node's tokens are signed over other bytes (Spec-06: canonical "
            "encoding with signature omitted; A20: all other fields; docs/federation-api.md)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    return jcs.canonical({name: value for name, value in token.items() if name != \"signature\"})",
        "replace": (
            "    return jcs.canonical({name: value for name, value in token.items() if name not in (\"signature\", "
            "\"key_id\")})"
        ),
    },
    {
        "id": "b10-cap-same-token-replay",
        "description": (
            "Any remembered nonce is a replay, even when the very same token is presented again: a second pull with "
            "one token answers 401 token_replay (docs/federation-api.md \"Capability tokens\": nonce unseen, or "
            "seen with this very token; interpretation capability_token_replay)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    if nonce_holder is not None and nonce_holder != seal:",
        "replace": "    if nonce_holder is not None:",
    },
    {
        "id": "b10-cap-nonce-cache-per-issuer",
        "description": (
            "The route records a capability token's nonce under issuer + nonce instead of the nonce alone: a second "
            "token from another issuer with the same nonce passes, and the very same token presented twice is "
            "refused (A20 §19.3.5: the nonce cache is global, keyed on the nonce value alone; digest failure: same "
            "nonce from a different issuer -> token_replay)."
        ),
        "file": "api/capability_tokens.py",
        "find": "        if not federation.store.nonces.accept(verified.nonce, seal, exp_ms, now_ms, retain) and \\",
        "replace": (
            "        if not federation.store.nonces.accept(verified.issuer + verified.nonce, seal, exp_ms, now_ms, "
            "retain) and \\"
        ),
    },
    {
        "id": "b10-cap-revocation-looked-up-by-nonce",
        "description": (
            "The verifier looks the revocation list up by the token's nonce instead of its token_id: a revoked "
            "token is still accepted (Spec-06: receivers MUST treat revoked tokens as invalid; A20 §19.3.3 step 6; "
            "403 token_revoked)."
        ),
        "file": "api/capability_tokens.py",
        "find": "        revoked = isinstance(token_id, str) and rows.revoked(conn, token_id)",
        "replace": "        revoked = isinstance(token_id, str) and rows.revoked(conn, str(token.get(\"nonce\")))",
    },
    {
        "id": "b10-cap-manifest-by-subject",
        "description": (
            "The verifier resolves the manifest of the token's subject instead of its issuer: a token whose subject "
            "another authority lists is judged against that authority's manifest (issuer_manifest_unknown instead "
            "of entity_not_in_manifest), and an issuer without a manifest of its own passes on the subject's (A20 "
            "§19.3.3 step 1: resolve the issuer manifest)."
        ),
        "file": "api/capability_tokens.py",
        "find": (
            "            manifest = manifest_rows.valid_manifest(conn, str(token.get(\"issuer\")), "
            "manifests.parse_time(now))"
        ),
        "replace": (
            "            manifest = manifest_rows.valid_manifest(conn, str(token.get(\"subject\")), "
            "manifests.parse_time(now))"
        ),
    },
    {
        "id": "b10-cap-grant-widens",
        "description": (
            "A verified token no longer narrows the pull: every scope the relationship allows is served, not only "
            "the ones its federate grant covers (Spec-06: a grant on one object MUST NOT be read as a grant on "
            "another; docs/federation-api.md: the token narrows, never widens)."
        ),
        "file": "api/capability_tokens.py",
        "find": "    return tuple(objects[obj] for obj in verified.covered)",
        "replace": "    return tuple(servable)",
    },
    {
        "id": "b10-cap-verb-ignored",
        "description": (
            "Coverage compares the object only: a read (or write, subscribe ...) token on a scope passes the "
            "federate gate of the pull route (Spec-06 and A20: one verb on one object; no verb implies another; "
            "403 insufficient_capability)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    return bool(token[\"verb\"] == verb and (token[\"object\"] == \"*\" or token[\"object\"] == obj))",
        "replace": "    return bool(token[\"object\"] == \"*\" or token[\"object\"] == obj)",
    },
    {
        "id": "b10-cap-star-grants-nothing",
        "description": (
            "The object \"*\" is compared literally, so a token on \"*\" covers no requested scope and the pull "
            "answers 403 insufficient_capability (A20 §19.3.1: object is a scope URI, garden URI or \"*\"; §27 L-3: "
            "\"*\" means any)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "    return bool(token[\"verb\"] == verb and (token[\"object\"] == \"*\" or token[\"object\"] == obj))",
        "replace": "    return bool(token[\"verb\"] == verb and token[\"object\"] == obj)",
    },
    {
        "id": "b10-cap-verb-tombstone-read-missing",
        "description": (
            "The verb enumeration lacks tombstone:read: a token with that verb is token_malformed and cannot be "
            "issued (A20 §19.3.2: token validation MUST accept any verb in the enumeration; the seed: tombstone:read "
            "capability tokens to peers)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "VERBS = (\"read\", \"write\", \"admin\", \"federate\", \"subscribe\", \"tombstone:read\")",
        "replace": "VERBS = (\"read\", \"write\", \"admin\", \"federate\", \"subscribe\")",
    },
    {
        "id": "b10-cap-scope-object-unchecked",
        "description": (
            "A scope object's scope is not checked against the FactScope values: stigmem://a.test/scope/bogus passes "
            "the object form (interpretation §27 L-3: stigmem://{authority}/scope/{FactScope}; token_malformed)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": (
            "    return (scope is not None and scope.group(2) in SCOPES) or _GARDEN_OBJECT.match(value) is not None"
        ),
        "replace": "    return scope is not None or _GARDEN_OBJECT.match(value) is not None",
    },
    {
        "id": "b10-cap-raw-json-refused",
        "description": (
            "The header is always read as base64url: a token presented as raw JSON (the upstream node's form) is "
            "token_malformed (§27 L-1 interpretation: X-Stigmem-Capability base64url(JCS(token)), and also raw JSON)."
        ),
        "file": "protocol/capability_tokens.py",
        "find": "        data = text.encode(\"utf-8\") if text.startswith(\"{\") else base64url.decode(text)",
        "replace": "        data = base64url.decode(text)",
    },
    {
        "id": "b10-cap-issue-status-200",
        "description": (
            "Issuance answers 200 instead of 201 (A20 §5.23: admin -> 201 {token, token_id}; docs/federation-api.md "
            "\"Capability tokens\")."
        ),
        "file": "api/capability_tokens.py",
        "find": "    return JSONResponse({\"token\": rules.encode(signed), \"token_id\": signed[\"token_id\"]}, 201)",
        "replace": (
            "    return JSONResponse({\"token\": rules.encode(signed), \"token_id\": signed[\"token_id\"]}, 200)"
        ),
    },
    {
        "id": "b10-cap-issue-write-key",
        "description": (
            "POST /v1/federation/tokens asks for the write permission instead of admin: a write key issues "
            "capability tokens (Spec-06: only authorized administrative callers may issue; A20 §5.23: non-admin "
            "-> 403)."
        ),
        "file": "api/capability_tokens.py",
        "find": "    identity = caller(request, \"admin\")  # STG-CAP-016: only administrative callers issue",
        "replace": "    identity = caller(request, \"write\")  # STG-CAP-016: only administrative callers issue",
    },
    {
        "id": "b10-cap-issue-foreign-subject",
        "description": (
            "Issuance only checks that the subject is a stigmem:// URI, not that the node's manifest lists it: a "
            "token for a foreign subject is issued 201 that no verifier may accept (A20 §19.3.3 step 4; "
            "docs/federation-api.md: subject must be one of that manifest's entities, else 422)."
        ),
        "file": "api/capability_tokens.py",
        "find": "    if not manifests.covers(manifest, token[\"subject\"]):",
        "replace": "    if not str(token[\"subject\"]).startswith(\"stigmem://\"):",
    },
    {
        "id": "b10-cap-issue-nonce-reuse-500",
        "description": (
            "The issued-nonce test looks up the token id instead of the nonce: issuing a second token with a nonce "
            "already issued hits the table's UNIQUE constraint and answers 500 instead of 409 "
            "capability_nonce_exists (A20 §19.3.5; docs/federation-api.md \"Capability tokens\")."
        ),
        "file": "storage/capability_tokens.py",
        "find": (
            "    if conn.execute(\"SELECT 1 FROM capability_tokens WHERE nonce = ?\", (token[\"nonce\"],)).fetchone():"
        ),
        "replace": (
            "    if conn.execute(\"SELECT 1 FROM capability_tokens WHERE token_id = ?\", (token[\"token_id\"],))"
            ".fetchone():"
        ),
    },
    {
        "id": "b10-cap-issue-nonce-16-bytes",
        "description": (
            "A nonce the node draws itself is 16 random bytes (token_hex(16), 32 hex digits): issuance without a "
            "nonce is refused 422 by the node's own nonce rule (A20 §19.3.5: 32 cryptographically random bytes)."
        ),
        "file": "api/capability_tokens.py",
        "find": (
            "             \"nonce\": body.get(\"nonce\", secrets.token_hex(32)), \"key_id\": \"\", \"signature\": \"\"}"
        ),
        "replace": (
            "             \"nonce\": body.get(\"nonce\", secrets.token_hex(16)), \"key_id\": \"\", \"signature\": \"\"}"
        ),
    },
    {
        "id": "b10-cap-revoke-200",
        "description": (
            "Revocation answers 200 instead of 204 (A20 §5.24: empty body -> 204; docs/federation-api.md)."
        ),
        "file": "api/capability_tokens.py",
        "find": "    return Response(status_code=204)",
        "replace": "    return Response(status_code=200)",
    },
    {
        "id": "b10-cap-revoke-unknown-204",
        "description": (
            "The unknown-token test is on the already-revoked answer: revoking an unknown token id answers 204 and "
            "revoking a token twice answers 404 (A20 §5.24: unknown -> 404 token_not_found)."
        ),
        "file": "api/capability_tokens.py",
        "find": "    if done is None:\n        raise ApiError(\"token_not_found\"",
        "replace": "    if done is False:\n        raise ApiError(\"token_not_found\"",
    },
    {
        "id": "b10-cap-revocation-ttl-30",
        "description": (
            "The revocation list is advertised cacheable for 30 s (ttl_s and Cache-Control max-age) (A20 §19.3.4: "
            "receivers SHOULD cache revocations with TTL >= 60 s; docs/federation-api.md: ttl_s 60)."
        ),
        "file": "api/capability_tokens.py",
        "find": "REVOCATION_TTL_S = 60",
        "replace": "REVOCATION_TTL_S = 30",
    },
    {
        "id": "b10-cap-revocation-event-preimage",
        "description": (
            "The RevocationEvent is signed over its body with an empty signature member in place: the served event "
            "does not verify as Ed25519 over RFC 8785 of the event without signature under the node's key (A20 "
            "§19.3.4 RevocationEvent; docs/federation-api.md: the node stores a signed RevocationEvent)."
        ),
        "file": "storage/capability_tokens.py",
        "find": "    event[\"signature\"] = base64url.encode(signing_key(seed).sign(jcs.canonical(event)))",
        "replace": (
            "    event[\"signature\"] = base64url.encode(signing_key(seed).sign(jcs.canonical({**event, "
            "\"signature\": \"\"})))"
        ),
    },
    {
        "id": "b10-cap-replay-audited-as-rejected",
        "description": (
            "A replay is audited rejected_token like every other refusal instead of replay_attempt "
            "(docs/federation-api.md \"Capability tokens\": a replay replay_attempt; A20 §22.3.1 replay_rejected; "
            "Spec-06: audit SHOULD distinguish the failures)."
        ),
        "file": "api/capability_tokens.py",
        "find": "    event = \"replay_attempt\" if error.code == \"token_replay\" else \"rejected_token\"",
        "replace": "    event = \"rejected_token\"",
    },
    # ------------------------------------------------------------------------------------------------------------
    # Transparency log (A20 §19.2, §19.1.6; RFC 9162 §2.1; C2SP signed-note and tlog-checkpoint;
    # docs/federation-api.md "Transparency log").
    {
        "id": "b10-tlog-leaf-without-prefix",
        "description": (
            "Leaf hashes are SHA-256(d) without the 0x00 domain prefix: entry hashes, roots and proofs differ from "
            "RFC 9162 §2.1.1 (MTH({d}) = SHA-256(0x00 || d)) and a second-preimage leaf/node confusion opens."
        ),
        "file": "protocol/merkle.py",
        "find": "    return bytes(LeafTree().hash_buff(data))",
        "replace": "    return __import__(\"hashlib\").sha256(data).digest()",
    },
    {
        "id": "b10-tlog-consistency-node-without-prefix",
        "description": (
            "The consistency verifier hashes interior nodes as SHA-256(l || r) without the 0x01 prefix: valid RFC "
            "9162 consistency proofs are refused (RFC 9162 §2.1.1, §2.1.4.2)."
        ),
        "file": "protocol/transparency.py",
        "find": "    return hashlib.sha256(b\"\\x01\" + left + right).digest()",
        "replace": "    return hashlib.sha256(left + right).digest()",
    },
    {
        "id": "b10-tlog-consistency-power-of-two-first",
        "description": (
            "The verifier never prepends the old root when the old size is a power of two: valid proofs from sizes "
            "1, 2, 4, 8 ... are refused (RFC 9162 §2.1.4.2 step 2: if first is an exact power of 2, prepend "
            "first_hash to the path)."
        ),
        "file": "protocol/transparency.py",
        "find": "    path = [first_hash, *hashes] if first & (first - 1) == 0 else list(hashes)",
        "replace": "    path = list(hashes)",
    },
    {
        "id": "b10-tlog-consistency-old-root-unchecked",
        "description": (
            "The verifier checks only that the proof reproduces the new root: a proof paired with a forged old root "
            "(a non-power-of-two old size) verifies (RFC 9162 §2.1.4.2 step 7: fr equals first_hash and sr equals "
            "second_hash)."
        ),
        "file": "protocol/transparency.py",
        "find": "    if sn != 0 or fr != first_hash or sr != second_hash:",
        "replace": "    if sn != 0 or sr != second_hash:",
    },
    {
        "id": "b10-tlog-consistency-equal-sizes-any-roots",
        "description": (
            "Equal sizes need only an empty proof, not equal roots: two different trees of one size are 'consistent' "
            "(RFC 9162 §2.1.4: PROOF(m, D[m]) is empty and the roots are the same)."
        ),
        "file": "protocol/transparency.py",
        "find": "        if hashes or first_hash != second_hash:",
        "replace": "        if hashes:",
    },
    {
        "id": "b10-tlog-consistency-proof-with-base",
        "description": (
            "The log's consistency proof always carries the base subtree hash (pymerkle's layout), even when m is a "
            "whole left subtree: PROOF(m, D[n]) is not RFC 9162's and PROOF(m, D[m]) is not empty (RFC 9162 "
            "§2.1.4.1 SUBPROOF(m, D[m], true) = {}; docs/federation-api.md \"Transparency log\")."
        ),
        "file": "protocol/merkle.py",
        "find": "            return [] if whole else [bytes(self._get_root(start, end))]",
        "replace": "            return [bytes(self._get_root(start, end))]",
    },
    {
        "id": "b10-tlog-inclusion-path-keeps-leaf",
        "description": (
            "The inclusion path keeps pymerkle's leading leaf hash: every served audit path has one hash too many "
            "(RFC 9162 §2.1.3.1: PATH(m, D[n]) is the sibling hashes only; docs/federation-api.md: hashes bottom "
            "up)."
        ),
        "file": "protocol/merkle.py",
        "find": "        return [bytes(h) for h in proof.path[1:]]",
        "replace": "        return [bytes(h) for h in proof.path]",
    },
    {
        "id": "b10-tlog-inclusion-one-based",
        "description": (
            "The 0-based leaf index goes to pymerkle (1-based) unconverted: the proof of entry i is the proof of "
            "entry i-1, and entry 0 has none (RFC 9162 §2.1.3.1; docs/federation-api.md: log_index counts from 0)."
        ),
        "file": "protocol/merkle.py",
        "find": "        proof = self.prove_inclusion(index + 1, size)",
        "replace": "        proof = self.prove_inclusion(max(index, 1), size)",
    },
    {
        "id": "b10-tlog-verify-inclusion-zero-based",
        "description": (
            "The inclusion verifier passes the 0-based index to pymerkle's 1-based verifier: valid RFC 9162 "
            "inclusion proofs are refused (RFC 9162 §2.1.3.2)."
        ),
        "file": "protocol/transparency.py",
        "find": "        proof.verify(leaf_hash, root_hash, index=index + 1, size=size)",
        "replace": "        proof.verify(leaf_hash, root_hash, index=max(index, 1), size=size)",
    },
    {
        "id": "b10-tlog-key-hash-without-newline",
        "description": (
            "The signed-note key hash leaves out the newline between name and key: signature lines carry a key hash "
            "C2SP verifiers do not expect, and notes by the real key hash are skipped as another key's (C2SP "
            "signed-note: key hash = SHA-256(name || 0x0A || 0x01 || key)[:4]; docs/federation-api.md)."
        ),
        "file": "protocol/transparency.py",
        "find": "    return hashlib.sha256(name.encode(\"utf-8\") + b\"\\n\" + ED25519_TYPE + public_key).digest()[:4]",
        "replace": "    return hashlib.sha256(name.encode(\"utf-8\") + ED25519_TYPE + public_key).digest()[:4]",
    },
    {
        "id": "b10-tlog-checkpoint-signs-trimmed-body",
        "description": (
            "The log signs the checkpoint body without its final newline: the served signed notes do not verify "
            "over the note text (C2SP signed-note: the signature covers the text, final newline included)."
        ),
        "file": "protocol/transparency.py",
        "find": "    signed = key_hash(name, key.public_key().public_bytes_raw()) + key.sign(body.encode(\"utf-8\"))",
        "replace": (
            "    signed = key_hash(name, key.public_key().public_bytes_raw()) + key.sign(body.rstrip(\"\\n\")"
            ".encode(\"utf-8\"))"
        ),
    },
    {
        "id": "b10-tlog-checkpoint-root-base64url",
        "description": (
            "The checkpoint's root hash line is unpadded base64url instead of standard base64 (C2SP "
            "tlog-checkpoint: the root hash in standard base64; docs/federation-api.md \"Transparency log\")."
        ),
        "file": "protocol/transparency.py",
        "find": "    return f\"{origin}\\n{tree_size}\\n{base64.b64encode(root_hash).decode()}\\n\"",
        "replace": (
            "    return f\"{origin}\\n{tree_size}\\n{base64.urlsafe_b64encode(root_hash).decode().rstrip('=')}\\n\""
        ),
    },
    {
        "id": "b10-tlog-checkpoint-bad-signature-accepted",
        "description": (
            "A signature line with the log key's name and key hash is accepted even when its Ed25519 signature does "
            "not verify (fail open): a forged checkpoint opens (C2SP signed-note; A20 §19.2: checkpoints verified "
            "with the log key)."
        ),
        "file": "protocol/transparency.py",
        "find": "        except SignatureInvalid:\n            continue\n        return Checkpoint(",
        "replace": "        except SignatureInvalid:\n            pass\n        return Checkpoint(",
    },
    {
        "id": "b10-tlog-checkpoint-key-name-ignored",
        "description": (
            "The signature line's key name and key hash are not compared with the log key: a note whose line names "
            "another key (but is signed by the log key) opens (C2SP signed-note: a verifier uses the lines whose "
            "name and key hash match its key)."
        ),
        "file": "protocol/transparency.py",
        "find": "        if parts[1] != key.name or raw[:4] != wanted or len(raw) != 68:",
        "replace": "        if len(raw) != 68:",
    },
    {
        "id": "b10-tlog-checkpoint-leading-zero",
        "description": (
            "A tree size with leading zeros (\"007\") is read as a decimal size (C2SP tlog-checkpoint: the tree size "
            "is a decimal with no leading zeros; docs/federation-api.md)."
        ),
        "file": "protocol/transparency.py",
        "find": "    if not origin or not size_text.isdigit() or not size_text.isascii() or (size_text != \"0\"",
        "replace": "    if not origin or not size_text.isdigit() or not size_text.isascii() or (size_text == \"x\"",
    },
    {
        "id": "b10-tlog-evidence-any-entry",
        "description": (
            "The peer's LogEntry is not bound to the manifest: its entry_hash is taken as the leaf, so a valid "
            "proof of any other entry (a rotation, another manifest) passes as evidence for this manifest (A20 "
            "§19.2: strict MUST NOT trust a peer manifest without a valid inclusion proof; docs/federation-api.md: "
            "a LogEntry that is not this manifest's leaf is inclusion_proof_invalid)."
        ),
        "file": "protocol/transparency.py",
        "find": (
            "    if _hex(entry.get(\"entry_hash\"), \"entry_hash\") != leaf:\n"
            "        raise InclusionProofInvalid(\"entry_hash is not the leaf hash of this manifest\")"
        ),
        "replace": "    leaf = _hex(entry.get(\"entry_hash\"), \"entry_hash\")",
    },
    {
        "id": "b10-tlog-evidence-root-not-signed",
        "description": (
            "Only the checkpoint's tree size is compared with the proof's, not its root: an inclusion proof against "
            "a root the log never signed passes when the sizes agree (A20 §19.2 LogEntry checkpoint; "
            "docs/federation-api.md: the proof's root is the one the log signed for that size)."
        ),
        "file": "protocol/transparency.py",
        "find": "    if (checkpoint.tree_size, checkpoint.root_hash) != (size, root):",
        "replace": "    if checkpoint.tree_size != size:",
    },
    {
        "id": "b10-tlog-strict-unreachable-fails-open",
        "description": (
            "Strict mode refuses a bad proof but accepts, with a warning, when no evidence could be fetched: an "
            "unreachable log no longer fails closed (A20 §19.2: strict, an unreachable log -> reject, 503 "
            "transparency_log_unavailable; issue 15: fail closed when the log is unreachable)."
        ),
        "file": "protocol/transparency.py",
        "find": "    if trust_mode == \"strict\":\n        return Verdict(False, code=failure[0], detail=failure[1])",
        "replace": (
            "    if trust_mode == \"strict\" and failure[0] == \"inclusion_proof_invalid\":\n"
            "        return Verdict(False, code=failure[0], detail=failure[1])"
        ),
    },
    {
        "id": "b10-tlog-unreachable-code",
        "description": (
            "Missing evidence is reported inclusion_proof_invalid (400) instead of transparency_log_unavailable "
            "(503) (A20 §19.9; docs/federation-api.md \"Transparency log\": no evidence fetched is 503)."
        ),
        "file": "protocol/transparency.py",
        "find": "        failure = (\"transparency_log_unavailable\", \"no log evidence could be fetched\")",
        "replace": "        failure = (\"inclusion_proof_invalid\", \"no log evidence could be fetched\")",
    },
    {
        "id": "b10-tlog-relaxed-silent",
        "description": (
            "Relaxed mode accepts a manifest without valid evidence without a warning (A20 §19.2: relaxed MAY "
            "accept without the log, SHOULD warn; docs/federation-api.md: accepted with a warning, logged and "
            "audited)."
        ),
        "file": "protocol/transparency.py",
        "find": "    return Verdict(True, warning=failure[0], detail=failure[1])",
        "replace": "    return Verdict(True, detail=failure[1])",
    },
    {
        "id": "b10-tlog-off-asks-for-evidence",
        "description": (
            "Trust mode off is judged like relaxed: a manifest without evidence is accepted with a "
            "transparency_log_unavailable warning instead of silently (docs/federation-api.md \"Transparency log\": "
            "off asks nothing; A20 §19.4 trust_mode off)."
        ),
        "file": "protocol/transparency.py",
        "find": (
            "    if trust_mode == \"off\":\n        return Verdict(True, detail=\"trust_mode off: no log evidence "
            "asked\")"
        ),
        "replace": "",
    },
    {
        "id": "b10-tlog-leaf-without-time",
        "description": (
            "The leaf of an entry leaves out integrated_time: entry hashes are not the RFC 9162 leaf hash of RFC "
            "8785 {kind, body, integrated_time} (docs/federation-api.md \"Transparency log\" "
            "[transparency_log_format]), so a client recomputing entry_hash from an entry disagrees."
        ),
        "file": "protocol/transparency.py",
        "find": (
            "    return jcs.canonical({\"kind\": kind, \"body\": dict(body), \"integrated_time\": integrated_time})"
        ),
        "replace": "    return jcs.canonical({\"kind\": kind, \"body\": dict(body)})",
    },
    {
        "id": "b10-tlog-leaf-body-only",
        "description": (
            "The log stores the leaf hash of the body alone (not of {kind, body, integrated_time}): the served "
            "entry_hash does not match the entry's kind, body and integrated_time (docs/federation-api.md "
            "\"Transparency log\": entry_hash is the RFC 9162 leaf hash of RFC 8785 {kind, body, integrated_time})."
        ),
        "file": "storage/transparency_log.py",
        "find": "    leaf = merkle.leaf_hash(transparency.entry_leaf(kind, body, at)).hex()",
        "replace": "    leaf = merkle.leaf_hash(canonical).hex()",
    },
    {
        "id": "b10-tlog-integrated-time-ms",
        "description": (
            "integrated_time is Unix milliseconds instead of seconds (docs/federation-api.md \"Transparency log\": "
            "integrated_time in Unix seconds; A20 §19.2 LogEntry, like Rekor)."
        ),
        "file": "storage/transparency_log.py",
        "find": "    at = int(time.time()) if integrated_time is None else integrated_time",
        "replace": "    at = int(time.time() * 1000) if integrated_time is None else integrated_time",
    },
    {
        "id": "b10-tlog-set-one-based-index",
        "description": (
            "signed_entry_ts signs the 1-based position (log_index + 1): the SET does not verify as Ed25519 over RFC "
            "8785 {entry_hash, integrated_time, log_id, log_index} of the served entry (docs/federation-api.md "
            "\"Transparency log\"; A20 §19.2 LogEntry signed_entry_ts)."
        ),
        "file": "storage/transparency_log.py",
        "find": "    sct = signer.log_id, index, integrated_time, entry_hash",
        "replace": "    sct = signer.log_id, index + 1, integrated_time, entry_hash",
    },
    {
        "id": "b10-tlog-entries-end-inclusive",
        "description": (
            "The entries range includes its end: ?start=0&end=2 answers three entries (docs/federation-api.md "
            "\"Transparency log\": entries start .. end-1)."
        ),
        "file": "storage/transparency_log.py",
        "find": "\"WHERE log_index >= ? AND log_index < ? ORDER BY log_index\"",
        "replace": "\"WHERE log_index >= ? AND log_index <= ? ORDER BY log_index\"",
    },
    {
        "id": "b10-tlog-entries-100-refused",
        "description": (
            "A range of exactly 100 entries is refused 400 invalid_parameter (>= instead of >) "
            "(docs/federation-api.md \"Transparency log\": at most 100)."
        ),
        "file": "api/transparency.py",
        "find": "    if end < start or end - start > MAX_ENTRIES:",
        "replace": "    if end < start or end - start >= MAX_ENTRIES:",
    },
    {
        "id": "b10-tlog-entry-tree-size-equal-index",
        "description": (
            "GET .../entries/{i}?tree_size=i passes the guard (index <= tree size): a tree that does not contain the "
            "entry reaches the proof builder and answers 500 instead of 400 invalid_parameter "
            "(docs/federation-api.md \"Transparency log\": parameters no proof exists for are 400)."
        ),
        "file": "api/transparency.py",
        "find": "        if not index < at <= size:",
        "replace": "        if not index <= at <= size:",
    },
    {
        "id": "b10-tlog-entry-past-end",
        "description": (
            "The existence test is off by one (> instead of >=): GET .../entries/{tree size} answers 400 "
            "invalid_parameter instead of 404 not_found (docs/federation-api.md \"Transparency log\")."
        ),
        "file": "api/transparency.py",
        "find": "        if index >= size:",
        "replace": "        if index > size:",
    },
    {
        "id": "b10-tlog-consistency-first-zero",
        "description": (
            "first=0 passes the consistency guard and reaches the tree, which refuses it: 500 instead of 400 "
            "invalid_parameter (RFC 9162 §2.1.4: proofs for 0 < m <= n; docs/federation-api.md STG-TLOG-007)."
        ),
        "file": "api/transparency.py",
        "find": "        if not 0 < first <= second <= size:",
        "replace": "        if not 0 <= first <= second <= size:",
    },
    {
        "id": "b10-tlog-verifier-key-without-type",
        "description": (
            "The published verifier key encodes the raw key without the 0x01 Ed25519 type byte (C2SP signed-note: "
            "<name>+<hex key hash>+<base64(0x01 || key)>; docs/federation-api.md \"Transparency log\")."
        ),
        "file": "protocol/transparency.py",
        "find": "    encoded = base64.b64encode(ED25519_TYPE + key.public_key).decode()",
        "replace": "    encoded = base64.b64encode(key.public_key).decode()",
    },
    {
        "id": "b10-tlog-rotation-not-logged",
        "description": (
            "A key rotation is no longer appended to the transparency log: the log's size stays and no rotation "
            "entry appears (docs/federation-api.md \"Transparency log\": every key rotation, STG-TLOG-011; issue 15: "
            "manifests, rotations and revocations are logged)."
        ),
        "file": "storage/key_rotations.py",
        "find": "    transparency_log.append(conn, \"rotation\", entry)",
        "replace": "    pass  # the rotation log is the evidence",
    },
    # ------------------------------------------------------------------------------------------------------------
    # Source trust (A20 §19.4, §2.8; Spec-08; docs/federation-api.md "Source trust").
    {
        "id": "b10-trust-weights-swapped",
        "description": (
            "The identity and history weights are swapped (0.30 identity, 0.35 history): a new peer's facts carry "
            "0.35 instead of 0.33 and the A20 golden (0.7, 0.5, 0.2, enforce) is 0.535, not 0.545 (A20 §19.4: "
            "0.35 identity_strength + 0.30 peer_history)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    identity: Fraction = Fraction(35, 100)\n    history: Fraction = Fraction(30, 100)",
        "replace": "    identity: Fraction = Fraction(30, 100)\n    history: Fraction = Fraction(35, 100)",
    },
    {
        "id": "b10-trust-new-peer-zero",
        "description": (
            "A source with no history scores peer_history 0.0 instead of 0.5: a new peer's facts carry 0.18 and "
            "strict mode would hold them for their score (A20 §19.4: new (default) MUST be 0.5 when no history)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    if seen is None or seen.facts <= 0:\n        return HISTORY_NEW",
        "replace": "    if seen is None or seen.facts <= 0:\n        return HISTORY_BLOCKED",
    },
    {
        "id": "b10-trust-failing-rate-exclusive",
        "description": (
            "A failure rate of exactly 5 % is not 'failing' (> instead of >=): 1 failure in 20 facts scores 0.7 "
            "instead of 0.3 (A20 §19.4: failure rate >= 5 % is 0.3)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    if rate >= FAILING_RATE:",
        "replace": "    if rate > FAILING_RATE:",
    },
    {
        "id": "b10-trust-proven-exclusive",
        "description": (
            "Exactly 100 facts without failure are not 'proven' (> instead of >=): peer_history 0.7 instead of 1.0 "
            "(A20 §19.4: >= 100 facts with 0 failures in 30 d is 1.0)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    if seen.facts >= PROVEN_FACTS and seen.failures == 0:",
        "replace": "    if seen.facts > PROVEN_FACTS and seen.failures == 0:",
    },
    {
        "id": "b10-trust-good-exclusive",
        "description": (
            "Exactly 10 facts with under 5 % failures are still 'new' (> instead of >=): peer_history 0.5 instead of "
            "0.7 (A20 §19.4: >= 10 facts with < 5 % failures is 0.7)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    if seen.facts >= GOOD_FACTS:",
        "replace": "    if seen.facts > GOOD_FACTS:",
    },
    {
        "id": "b10-trust-window-exclusive",
        "description": (
            "An event exactly 30 days old falls out of the history window (< instead of <=) (A20 §19.4 'in 30 d'; "
            "interpretation source_trust_history: a fact counts while its age is at most 30 days)."
        ),
        "file": "protocol/source_trust.py",
        "find": "        if 0 <= now_ms - at_ms <= WINDOW_MS:",
        "replace": "        if 0 <= now_ms - at_ms < WINDOW_MS:",
    },
    {
        "id": "b10-trust-window-counts-future",
        "description": (
            "Events stamped ahead of now count in the history window (interpretation source_trust_history: events "
            "at most 30 days old, none ahead; A20 §19.4)."
        ),
        "file": "protocol/source_trust.py",
        "find": "        if 0 <= now_ms - at_ms <= WINDOW_MS:",
        "replace": "        if now_ms - at_ms <= WINDOW_MS:",
    },
    {
        "id": "b10-trust-rate-over-accepted-only",
        "description": (
            "The history counts accepted facts only, so the failure rate is failures over accepted facts and a "
            "window of refusals alone has no history (interpretation source_trust_history: failures over every "
            "fact received, accepted or refused; A20 §19.4)."
        ),
        "file": "protocol/source_trust.py",
        "find": "            facts += accepted + refused",
        "replace": "            facts += accepted",
    },
    {
        "id": "b10-trust-no-clamp",
        "description": (
            "The weighted sum is not clamped to [0, 1]: with operator weights summing above 1 a score above 1 is "
            "stored and served (A20 §19.4: t = clamp(..., 0, 1))."
        ),
        "file": "protocol/source_trust.py",
        "find": "    return min(max(total, F(0)), F(1))",
        "replace": "    return total",
    },
    {
        "id": "b10-trust-threshold-inclusive",
        "description": (
            "Strict mode holds a fact whose t is exactly 0.2 (<= instead of <) (A20 §19.5: route when t < 0.2; "
            "docs/federation-api.md \"Source trust\": strict holds a fact whose exact t is below 0.2)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    return t is not None and t < QUARANTINE_BELOW",
        "replace": "    return t is not None and t <= QUARANTINE_BELOW",
    },
    {
        "id": "b10-trust-float-arithmetic",
        "description": (
            "The weighted sum is computed in IEEE doubles: the A20 golden 0.545 comes out 0.5449999999999999 (its "
            "exact decimal is no longer 0.545) and weights 0, 0, 0.2, 0.1 with scope 0.7 and warn give a t just below "
            "0.2, held in strict mode (docs/federation-api.md \"Source trust\": exact decimal arithmetic; A20 §19.4)."
        ),
        "file": "protocol/source_trust.py",
        "find": (
            "    total = (weights.identity * identity + weights.history * peer_history(inputs.history)\n"
            "             + weights.scope * scope + weights.attestation * attestation)"
        ),
        "replace": (
            "    total = F(float(weights.identity) * float(identity)\n"
            "              + float(weights.history) * float(peer_history(inputs.history))\n"
            "              + float(weights.scope) * float(scope) + float(weights.attestation) * float(attestation))"
        ),
    },
    {
        "id": "b10-trust-no-score-zero",
        "description": (
            "A source with no computable score gets 0 instead of 0.5 (A20 §19.4: no computable score -> t = 0.5)."
        ),
        "file": "protocol/source_trust.py",
        "find": "NO_SCORE = F(\"0.5\")",
        "replace": "NO_SCORE = F(\"0\")",
    },
    {
        "id": "b10-trust-off-scores",
        "description": (
            "Trust mode off still computes a score: facts carry a number instead of source_trust null (A20 §19.4: "
            "trust_mode off -> source_trust is null; docs/federation-api.md \"Source trust\")."
        ),
        "file": "protocol/source_trust.py",
        "find": "    if trust_mode == \"off\":\n        return None\n    return score(inputs, weights)",
        "replace": "    return score(inputs, weights)",
    },
    {
        "id": "b10-trust-attestation-off-zero",
        "description": (
            "attestation_mode_factor for 'off' is 0.0 instead of 0.2: a new peer's facts carry 0.31 instead of 0.33 "
            "(A20 §19.4 table: off 0.2)."
        ),
        "file": "protocol/source_trust.py",
        "find": "\"warn\": F(\"0.6\"), \"off\": F(\"0.2\")}",
        "replace": "\"warn\": F(\"0.6\"), \"off\": F(\"0.0\")}",
    },
    {
        "id": "b10-trust-zero-weight-refused",
        "description": (
            "A weight of 0 is refused (0 < w instead of 0 <= w): --trust-weights with a zero component and the "
            "vector weights 0, 0, 0.2, 0.1 are invalid_trust_weights (docs/federation-api.md \"Source trust\": "
            "--trust-weights I,H,S,A, each in [0, 1]; A20 §19.4 non-default weights)."
        ),
        "file": "protocol/source_trust.py",
        "find": "        if not 0 <= weight <= 1:",
        "replace": "        if not 0 < weight <= 1:",
    },
    {
        "id": "b10-trust-wire-rounded",
        "description": (
            "The wire source_trust is rounded to two decimals: 0.545 is served as 0.54 (docs/federation-api.md "
            "\"Source trust\": the member is the double nearest the exact value)."
        ),
        "file": "protocol/source_trust.py",
        "find": "    return None if t is None else float(t)",
        "replace": "    return None if t is None else round(float(t), 2)",
    },
    {
        "id": "b10-trust-published-weight-names",
        "description": (
            "Non-default weights are published under short names (identity, history, scope, attestation) instead "
            "of the component names (A20 §19.4: non-default weights MUST be published as trust_weights in "
            "well-known; docs/federation-api.md: federation_trust.trust_weights)."
        ),
        "file": "protocol/source_trust.py",
        "find": (
            "        return {\"identity_strength\": float(self.identity), \"peer_history\": float(self.history),\n"
            "                \"scope_authority\": float(self.scope), "
            "\"attestation_mode_factor\": float(self.attestation)}"
        ),
        "replace": (
            "        return {\"identity\": float(self.identity), \"history\": float(self.history),\n"
            "                \"scope\": float(self.scope), \"attestation\": float(self.attestation)}"
        ),
    },
    {
        "id": "b10-trust-scope-authority-none",
        "description": (
            "A declared scope scores scope_authority 'none' (0.2) instead of 'external with federate' (0.5): a new "
            "peer's facts carry 0.255 instead of 0.33 (docs/federation-api.md \"Source trust\" "
            "[source_trust_scope_authority]; A20 §19.4 table)."
        ),
        "file": "storage/source_trust.py",
        "find": "    return \"external_federate\" if scope in peer.allowed_scopes else \"none\"",
        "replace": "    return \"none\"",
    },
    {
        "id": "b10-trust-identity-local-key",
        "description": (
            "An active peer known by its declaration scores identity 'local API key' (0.4) instead of "
            "'unrecognized but syntactically valid' (0.1): its facts carry 0.435 instead of 0.33 "
            "(docs/federation-api.md \"Source trust\" [source_trust_identity]; A20 §19.4 table)."
        ),
        "file": "storage/source_trust.py",
        "find": "    return \"unrecognized\"",
        "replace": "    return \"local_api_key\"",
    },
    {
        "id": "b10-trust-relaxed-holds",
        "description": (
            "Only trust mode off skips the quarantine rule: in relaxed mode a pulled fact whose score is below 0.2 "
            "(with operator weights such as --trust-weights 0.35,0,0,0) is held in the quarantine garden (A20 "
            "§19.4: relaxed MUST NOT quarantine on score alone; docs/federation-api.md \"Source trust\": relaxed "
            "never holds one for its score)."
        ),
        "file": "protocol/replication.py",
        "find": "    if trust_mode != \"strict\":\n        # STG-TRUST-008",
        "replace": "    if trust_mode == \"off\":\n        # STG-TRUST-008",
    },
    {
        "id": "b10-trust-no-garden-reason",
        "description": (
            "Strict mode without a quarantine garden refuses the fact with reason no_quarantine_garden instead of "
            "trust_below_threshold (A20 §19.5: with no quarantine garden designated -> 403 trust_below_threshold)."
        ),
        "file": "storage/replication.py",
        "find": "            rejection = rules.Rejection(\"rejected_fact\", \"trust_below_threshold\",",
        "replace": "            rejection = rules.Rejection(\"rejected_fact\", \"no_quarantine_garden\",",
    },
    {
        "id": "b10-trust-mode-not-advertised",
        "description": (
            "Discovery's federation_trust always says relaxed, whatever --trust-mode is (issue 15: trust_mode "
            "advertised in discovery; A20 §19.10 federation_trust)."
        ),
        "file": "api/discovery.py",
        "find": "        trust: dict[str, object] = {\"trust_mode\": settings.trust_mode}",
        "replace": "        trust: dict[str, object] = {\"trust_mode\": \"relaxed\"}",
    },
]
