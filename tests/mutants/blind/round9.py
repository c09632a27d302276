"""Blind mutant round 9: the security hardening of seed §22 (the Spec-09 audit log and its export, A20 §22.4 quotas,
Spec-10 / A20 §22.1 mTLS, admin keys and key ages, Spec-10 / A20 §22.2 key rotation, workers and the shared trust
cache), written from the seeds, the specs, the contract docs and the node's code, without reading the suite."""

ROUND = 9
MUTANTS: list[dict[str, str]] = [
    # ---------------------------------------------------------------------------------------------------------------
    # Audit log and its export (Spec-09; A20 §22.3; docs/http-api.md "Audit log").
    {
        "id": "b9-audit-export-limit-max-refused",
        "description": (
            "The export's limit bound is exclusive at the top (1 <= limit < 5000): limit=5000 answers 400 "
            "invalid_parameter instead of a page (A20 §22.3.4: limit max 5000; docs/http-api.md \"Audit log\": "
            "limit 1 to 5000)."
        ),
        "file": "api/audit_log.py",
        "find": "not 1 <= int(raw_limit) <= MAX_LIMIT",
        "replace": "not 1 <= int(raw_limit) < MAX_LIMIT",
    },
    {
        "id": "b9-audit-export-limit-zero-accepted",
        "description": (
            "The export accepts limit=0 (200 with no events and has_more true) instead of 400 invalid_parameter "
            "(docs/http-api.md \"Audit log\": limit 1 to 5000, anything else 400; A20 §22.3.4)."
        ),
        "file": "api/audit_log.py",
        "find": "not 1 <= int(raw_limit) <= MAX_LIMIT",
        "replace": "not 0 <= int(raw_limit) <= MAX_LIMIT",
    },
    {
        "id": "b9-audit-export-default-limit-100",
        "description": (
            "The export's default page is 100 events (the pull page's default) instead of 500: an export without "
            "limit over more than 100 events stops at 100 (A20 §22.3.4: limit default 500)."
        ),
        "file": "api/audit_log.py",
        "find": "DEFAULT_LIMIT = 500",
        "replace": "DEFAULT_LIMIT = 100",
    },
    {
        "id": "b9-audit-export-has-more-never",
        "description": (
            "The export fetches exactly limit rows, so it can never see that another page follows: has_more is "
            "always false and next_cursor null, and a walk by cursor stops after the first page (A20 §22.3.4: "
            "{events, next_cursor, has_more}; docs/http-api.md \"Audit log\")."
        ),
        "file": "api/audit_log.py",
        "find": "params.limit + 1, params.event_types",
        "replace": "params.limit, params.event_types",
    },
    {
        "id": "b9-audit-export-has-more-off-by-one",
        "description": (
            "has_more is computed with >= instead of >: when exactly limit events remain, the page says has_more "
            "true with a next_cursor that leads to an empty page (docs/http-api.md \"Audit log\": has_more is true "
            "when another page follows)."
        ),
        "file": "api/audit_log.py",
        "find": "more = len(rows) > params.limit",
        "replace": "more = len(rows) >= params.limit",
    },
    {
        "id": "b9-audit-export-cursor-gap",
        "description": (
            "next_cursor names the seq after the page's last event, and the next page starts after that: one event "
            "is skipped at every page boundary (A20 §22.3.4: pages in ascending seq; Spec-09 export must be "
            "complete; docs/http-api.md \"Audit log\")."
        ),
        "file": "api/audit_log.py",
        "find": 'encode_cursor("a1", str(rows[-1].seq))',
        "replace": 'encode_cursor("a1", str(rows[-1].seq + 1))',
    },
    {
        "id": "b9-audit-export-cursor-repeat",
        "description": (
            "A page continues from seq >= the cursor instead of >: the last event of each page is exported again "
            "at the top of the next (A20 §22.3.4: ascending seq, no duplicates across cursors)."
        ),
        "file": "storage/audit_log.py",
        "find": 'clauses.append("seq > ?")',
        "replace": 'clauses.append("seq >= ?")',
    },
    {
        "id": "b9-audit-export-descending",
        "description": (
            "The export orders events newest first (ORDER BY seq DESC), as the federation audit does, instead of "
            "in ascending seq (A20 §22.3.4: events in ascending seq; docs/http-api.md \"Audit log\")."
        ),
        "file": "storage/audit_log.py",
        "find": 'FROM audit_log{where} ORDER BY seq LIMIT ?"',
        "replace": 'FROM audit_log{where} ORDER BY seq DESC LIMIT ?"',
    },
    {
        "id": "b9-audit-export-after-inclusive",
        "description": (
            "The after bound is inclusive (timestamp >= after): an event stamped exactly at after is exported "
            "(docs/http-api.md \"Audit log\": after and before, both exclusive, interpretation audit_time_bounds)."
        ),
        "file": "storage/audit_log.py",
        "find": 'clauses.append("timestamp > ?")',
        "replace": 'clauses.append("timestamp >= ?")',
    },
    {
        "id": "b9-audit-export-before-inclusive",
        "description": (
            "The before bound is inclusive (timestamp <= before): an event stamped exactly at before is exported "
            "(docs/http-api.md \"Audit log\": both bounds exclusive, interpretation audit_time_bounds)."
        ),
        "file": "storage/audit_log.py",
        "find": 'clauses.append("timestamp < ?")',
        "replace": 'clauses.append("timestamp <= ?")',
    },
    {
        "id": "b9-audit-export-event-type-ignored",
        "description": (
            "The export validates event_type but never filters on it: every type comes back (A20 §22.3.4: "
            "event_type, repeatable, filters the export; docs/http-api.md \"Audit log\")."
        ),
        "file": "api/audit_log.py",
        "find": "params.limit + 1, params.event_types, params.after,",
        "replace": "params.limit + 1, (), params.after,",
    },
    {
        "id": "b9-audit-export-agent-key",
        "description": (
            "The audit export needs only read: an agent key without admin exports the node's whole audit log "
            "(Spec-09: export MUST require admin; A20 §22.3.4; docs/http-api.md \"Audit log\": 403 without admin)."
        ),
        "file": "api/audit_log.py",
        "find": 'identity = caller(request, "admin")',
        "replace": 'identity = caller(request, "read")',
    },
    {
        "id": "b9-audit-export-scope-leak",
        "description": (
            "The export drops the caller's scope bound: an admin key limited to some scopes exports the events of "
            "every scope (Spec-09: export must not reveal unauthorized data; docs/http-api.md \"Audit log\", "
            "interpretation audit_export_scopes)."
        ),
        "file": "api/audit_log.py",
        "find": "params.before, identity.scope_filter)",
        "replace": "params.before, None)",
    },
    {
        "id": "b9-audit-export-not-audited",
        "description": (
            "An export no longer records its own admin_action event (the record call became a dict): exporting the "
            "log leaves no trace in it (Spec-09: admin export is audited; docs/http-api.md \"Audit log\": each "
            "export is itself an admin_action event)."
        ),
        "file": "api/audit_log.py",
        "find": 'record(conn, store, "admin_action", identity, action="audit_export", target="audit_log",',
        "replace": 'dict(conn=conn, event="admin_action", action="audit_export", target="audit_log",',
    },
    {
        "id": "b9-audit-key-id-missing",
        "description": (
            "Events recorded for a request no longer name the key that acted: metadata.key_id is absent from "
            "fact_write, fact_read and admin_action events (docs/http-api.md \"Audit log\": the key that acted is "
            "named by metadata.key_id; Spec-09 actor attribution)."
        ),
        "file": "api/audit_log.py",
        "find": '        metadata["key_id"] = identity.key_id',
        "replace": "        pass",
    },
    {
        "id": "b9-audit-fact-write-node-hlc",
        "description": (
            "A fact_write event carries the node's clock after the write instead of the fact's own HLC: in a batch "
            "every event but the last names the wrong HLC (docs/http-api.md \"Audit log\": hlc is the fact's own HLC "
            "for a fact write; A20 §22.3 HLC ordering)."
        ),
        "file": "api/facts.py",
        "find": 'hlc=written.get("hlc"), action=action, created=created)',
        "replace": "action=action, created=created)",
    },
    {
        "id": "b9-audit-fact-read-single-unaudited",
        "description": (
            "A query that returns exactly one fact writes no fact_read event (the guard became len(found) > 1) "
            "(docs/http-api.md \"Audit log\": fact_read for a GET /v1/facts with at least one fact; Spec-09: reads "
            "that return data are audited)."
        ),
        "file": "api/facts.py",
        "find": "    if found:\n        _read(store, identity, \"query\", found)",
        "replace": "    if len(found) > 1:\n        _read(store, identity, \"query\", found)",
    },
    {
        "id": "b9-audit-retention-90-refused",
        "description": (
            "The retention floor is checked with <= instead of <: --audit-retention-days 90, the spec's own "
            "minimum, is refused at start-up (A20 §22.3: retention at least 90 days; docs/http-api.md \"Audit log\": "
            "under 90 is refused)."
        ),
        "file": "settings.py",
        "find": "if self.audit_retention_days < MIN_AUDIT_RETENTION_DAYS:",
        "replace": "if self.audit_retention_days <= MIN_AUDIT_RETENTION_DAYS:",
        "equivalent": (
            "Start-up validation only: no HTTP request sets --audit-retention-days, and a run either starts the "
            "embedded node with the default 365 days or meets a --target already started, so a 90-day setting never "
            "reaches a black-box run (tests/unit/node/test_audit_export.py holds 90 accepted and 89 refused)."
        ),
    },
    {
        "id": "b9-audit-retention-report-hours",
        "description": (
            "GET /v1/admin/status reports the retention in hours under the name retention_days (max_age_s // 3600: "
            "8760 for the default year) (docs/http-api.md \"Audit log\": audit_log.retention_days; A20 §22.3)."
        ),
        "file": "api/admin_keys.py",
        "find": "max_age_s // 86_400}",
        "replace": "max_age_s // 3600}",
    },
    {
        "id": "b9-audit-replay-event-name",
        "description": (
            "A replayed peer token is mirrored into the audit log under the federation audit's name replay_attempt "
            "instead of A20's replay_rejected: an export filtered on event_type=replay_rejected finds nothing "
            "(A20 §22.5, §22.3.1: replay rejections are replay_rejected events; docs/http-api.md \"Audit log\")."
        ),
        "file": "protocol/audit_events.py",
        "find": '"replay_attempt": "replay_rejected",',
        "replace": '"replay_attempt": "replay_attempt",',
    },
    # ---------------------------------------------------------------------------------------------------------------
    # Quotas (A20 §22.4; Spec-10 Quotas And Rate Limits; seed §22; docs/http-api.md "Quotas").
    {
        "id": "b9-quota-retry-after-rounded",
        "description": (
            "The Retry-After header rounds retry_after to the nearest integer instead of taking its ceiling: "
            "3.03 s becomes Retry-After: 3, too early (A20 §22.4.3: Retry-After MUST be the integer ceiling of "
            "retry_after; docs/http-api.md \"Quotas\")."
        ),
        "file": "protocol/quotas.py",
        "find": "    return math.ceil(retry_after)",
        "replace": "    return round(retry_after)",
    },
    {
        "id": "b9-quota-retry-after-whole-token",
        "description": (
            "retry_after ignores the partial token already earned: 1 / rate instead of (1 - current) / rate, so a "
            "client told to wait could have retried sooner (A20 §22.4.3: retry_after MUST equal (1 - current) / "
            "rate; docs/http-api.md \"Quotas\")."
        ),
        "file": "protocol/quotas.py",
        "find": "return Decision(False, refused, (1 - current) / limit.rate)",
        "replace": "return Decision(False, refused, 1 / limit.rate)",
    },
    {
        "id": "b9-quota-last-token-unspendable",
        "description": (
            "A request needs more than one token (current > 1): the last whole token can never be spent, so a "
            "bucket of capacity 2 admits one request, not two (A20 §22.4.1: one token per request; docs/http-api.md "
            "\"Quotas\": a request finding less than one token is refused)."
        ),
        "file": "protocol/quotas.py",
        "find": "    if current >= 1:",
        "replace": "    if current > 1:",
    },
    {
        "id": "b9-quota-fresh-bucket-short",
        "description": (
            "A principal's first bucket starts one token short of capacity: capacity 2 admits one request before "
            "the first 429 (A20 §22.4.1; docs/http-api.md \"Quotas\": a fresh bucket is full)."
        ),
        "file": "protocol/quotas.py",
        "find": "current, last = Fraction(limit.capacity), now_us",
        "replace": "current, last = Fraction(limit.capacity - 1), now_us",
    },
    {
        "id": "b9-quota-refill-milliseconds",
        "description": (
            "Elapsed time is divided by 1,000 instead of 1,000,000: microseconds read as milliseconds, buckets "
            "refill a thousand times too fast and a burst accepts far more than capacity + rate x elapsed (A20 "
            "§22.4.1: rate in tokens per second)."
        ),
        "file": "protocol/quotas.py",
        "find": "elapsed = Fraction(max(0, now_us - last), 1_000_000)",
        "replace": "elapsed = Fraction(max(0, now_us - last), 1_000)",
    },
    {
        "id": "b9-quota-refill-uncapped",
        "description": (
            "The refill is not capped at capacity: after an idle spell a principal bursts beyond its capacity (A20 "
            "§22.4.1: continuous refill up to capacity; docs/http-api.md \"Quotas\")."
        ),
        "file": "protocol/quotas.py",
        "find": "current = min(Fraction(limit.capacity), current + elapsed * limit.rate)",
        "replace": "current = current + elapsed * limit.rate",
    },
    {
        "id": "b9-quota-refusal-spends",
        "description": (
            "A refused request still spends a token (the stored bucket goes below zero), so a client that waits "
            "exactly Retry-After is refused again (docs/http-api.md \"Quotas\": a refused request spends nothing; "
            "A20 §22.4.3 retry_after is the wait for one token)."
        ),
        "file": "protocol/quotas.py",
        "find": "refused = TokenBucket(principal, dimension, limit.capacity, limit.rate, current, last)",
        "replace": "refused = TokenBucket(principal, dimension, limit.capacity, limit.rate, current - 1, last)",
    },
    {
        "id": "b9-quota-per-second-defaults",
        "description": (
            "The seed's per-minute defaults refill per second (rate = capacity instead of capacity / 60): the "
            "policy document shows rates 60 times too high and the node admits 60 times the seed's quota (seed §22: "
            "\"Default quotas (per principal per minute)\"; docs/http-api.md \"Quotas\" default table)."
        ),
        "file": "protocol/quotas.py",
        "find": (
            "# STG-QUOTA-004: \"per principal per minute\": the ceiling refills over 60 s.\n"
            "            table[dimension] = Limit(capacity, Fraction(capacity, 60))"
        ),
        "replace": (
            "# STG-QUOTA-004: \"per principal per minute\": the ceiling refills over 60 s.\n"
            "            table[dimension] = Limit(capacity, Fraction(capacity, 1))"
        ),
    },
    {
        "id": "b9-quota-audit-export-as-admin-action",
        "description": (
            "GET /v1/admin/audit-log is charged to admin_action (10/min) instead of audit_export: the 429 names the "
            "wrong dimension and audit exports share the admin budget (A20 §22.4.2 audit_export dimension; "
            "docs/http-api.md \"Quotas\" charged routes)."
        ),
        "file": "protocol/quotas.py",
        "find": 'return "audit_export" if method in ("GET", "HEAD") else "admin_action"',
        "replace": 'return "admin_action"',
    },
    {
        "id": "b9-quota-head-charged-write",
        "description": (
            "HEAD /v1/facts is charged to fact_write instead of fact_read (only GET counts as a read) "
            "(docs/http-api.md \"Quotas\": GET/HEAD of /v1/facts* -> fact_read)."
        ),
        "file": "protocol/quotas.py",
        "find": 'return "fact_read" if method in ("GET", "HEAD") else "fact_write"',
        "replace": 'return "fact_read" if method == "GET" else "fact_write"',
    },
    {
        "id": "b9-quota-token-issue-uncharged",
        "description": (
            "POST /v1/auth/keys is never charged (the method test reads PUT): key issuance has no token_issue "
            "quota (A20 §22.4.2 token_issue; Spec-10: quotas SHOULD apply to token issuance; docs/http-api.md "
            "\"Quotas\")."
        ),
        "file": "protocol/quotas.py",
        "find": 'if path == "/v1/auth/keys" and method == "POST":',
        "replace": 'if path == "/v1/auth/keys" and method == "PUT":',
    },
    {
        "id": "b9-quota-keyed-on-key-id",
        "description": (
            "Buckets are keyed on the API key id instead of the caller's entity URI: two keys of one entity get "
            "two budgets and the 429 body names a key id as principal (A20 §22.4.1 TokenBucket.principal; "
            "docs/http-api.md \"Quotas\": keys of one entity share its buckets)."
        ),
        "file": "api/auth.py",
        "find": "quotas.charge(request, identity.entity_uri)",
        "replace": "quotas.charge(request, identity.key_id or identity.entity_uri)",
    },
    {
        "id": "b9-quota-charged-before-permission",
        "description": (
            "The quota is charged before the permission check: a key refused 403 still spends a token, so an agent "
            "probing admin routes drains its budget (docs/http-api.md \"Quotas\": a 401 or 403 costs nothing)."
        ),
        "file": "api/auth.py",
        "find": (
            "    # STG-AUTH-008, STG-AUTH-010: a key without the route's permission is 403.\n"
            "    if permission not in identity.permissions:\n"
            "        raise ApiError(\"forbidden\", f\"this key lacks the {permission} permission\")\n"
            "    # STG-QUOTA-001: the request is charged to the caller's own bucket (principal: its entity URI).\n"
            "    quotas = getattr(request.app.state, \"quotas\", None)\n"
            "    if quotas is not None:\n"
            "        quotas.charge(request, identity.entity_uri)\n"
        ),
        "replace": (
            "    quotas = getattr(request.app.state, \"quotas\", None)\n"
            "    if quotas is not None:\n"
            "        quotas.charge(request, identity.entity_uri)\n"
            "    if permission not in identity.permissions:\n"
            "        raise ApiError(\"forbidden\", f\"this key lacks the {permission} permission\")\n"
        ),
    },
    {
        "id": "b9-quota-breach-unaudited",
        "description": (
            "A refused request writes no quota_breach event (the breach callback is never called): a 429 leaves "
            "nothing in the audit log (A20 §22.4.3: a quota_breach audit event MUST be emitted for every breaching "
            "request; docs/http-api.md \"Quotas\")."
        ),
        "file": "api/quotas.py",
        "find": "            rows.record_breach(conn, decision, format_timestamp(now))",
        "replace": "            (conn, decision, format_timestamp(now))",
    },
    {
        "id": "b9-quota-breach-outcome-failure",
        "description": (
            "quota_breach events carry outcome failure instead of denied (docs/http-api.md \"Quotas\": outcome "
            "denied; Spec-09 AuditEvent outcome)."
        ),
        "file": "storage/quotas.py",
        "find": 'audit_log.append(conn, "quota_breach", "denied", timestamp, actor_entity=bucket.principal,',
        "replace": 'audit_log.append(conn, "quota_breach", "failure", timestamp, actor_entity=bucket.principal,',
    },
    {
        "id": "b9-quota-breach-no-actor",
        "description": (
            "quota_breach events have no actor_entity (the principal is only in the metadata), so an export cannot "
            "tell whose request was refused by the actor field (docs/http-api.md \"Quotas\": actor_entity the "
            "principal; A20 §22.3.1 minimum fields)."
        ),
        "file": "storage/quotas.py",
        "find": 'timestamp, actor_entity=bucket.principal,',
        "replace": "timestamp, actor_entity=None,",
    },
    {
        "id": "b9-quota-node-wide-beats-principal",
        "description": (
            "The node-wide override wins over the principal's own (ORDER BY principal != ''): a per-principal "
            "QuotaPolicy is ignored whenever a node-wide one exists (docs/http-api.md \"Quotas\": the principal's "
            "override first, then the node-wide one; A20 §22.4 QuotaPolicy for the principal)."
        ),
        "file": 'storage/quotas.py',
        "find": '"p.principal IN (k.principal, \'\') ORDER BY p.principal = \'\' LIMIT 1")',
        "replace": '"p.principal IN (k.principal, \'\') ORDER BY p.principal != \'\' LIMIT 1")',
    },
    {
        "id": "b9-quota-retry-after-milliseconds",
        "description": (
            "The 429 body's retry_after is in milliseconds (x1000) while Retry-After stays in seconds (A20 §22.4.3: "
            "retry_after <float seconds> = (1 - current) / rate; docs/http-api.md \"Quotas\")."
        ),
        "file": "api/quotas.py",
        "find": "raise QuotaExceeded(dimension, principal, float(decision.retry_after),",
        "replace": "raise QuotaExceeded(dimension, principal, float(decision.retry_after) * 1000,",
    },
    {
        "id": "b9-quota-policy-capacity-zero",
        "description": (
            "A QuotaPolicy with capacity 0 is accepted instead of 422 invalid_quota_policy (docs/http-api.md "
            "\"Quotas\": capacity an integer of at least 1; A20 §22.4 capacity: integer)."
        ),
        "file": "protocol/quotas.py",
        "find": "or not isinstance(capacity, int) or capacity < 1:",
        "replace": "or not isinstance(capacity, int) or capacity < 0:",
    },
    # ---------------------------------------------------------------------------------------------------------------
    # mTLS and TLS (Spec-10 Federation Transport; A20 §22.1; docs/federation-api.md "mTLS").
    {
        "id": "b9-tls-12-accepted",
        "description": (
            "Both TLS contexts accept TLS 1.2: a TLS 1.2 client gets a session (A20 §22.1: TLS 1.3 minimum; "
            "docs/federation-api.md \"mTLS\": a TLS 1.2 client gets no session)."
        ),
        "file": "tls_contexts.py",
        "find": "context.minimum_version = ssl.TLSVersion.TLSv1_3",
        "replace": "context.minimum_version = ssl.TLSVersion.TLSv1_2",
    },
    {
        "id": "b9-tls-client-cert-not-asked",
        "description": (
            "The listener never asks for a client certificate (CERT_NONE): a peer presenting its certificate is "
            "treated as having none and every pull is 401 client_certificate_required, and a certificate from a "
            "foreign CA no longer fails the handshake (Spec-10: validate peer certificates; docs/federation-api.md "
            "\"mTLS\": CERT_OPTIONAL, a certificate presented must chain to --tls-ca)."
        ),
        "file": "tls_contexts.py",
        "find": "context.verify_mode = ssl.CERT_OPTIONAL",
        "replace": "context.verify_mode = ssl.CERT_NONE",
    },
    {
        "id": "b9-tls-server-ca-not-loaded",
        "description": (
            "The listener does not load --tls-ca: a client certificate from the node's own CA cannot be verified, "
            "so every peer presenting one fails the handshake (Spec-10: validate peer certificates against the trust "
            "policy; docs/federation-api.md \"mTLS\": certificates chain to --tls-ca)."
        ),
        "file": "tls_contexts.py",
        "find": "    _load(context, settings, ca=True)",
        "replace": "    _load(context, settings, ca=False)",
    },
    {
        "id": "b9-tls-outbound-no-hostname-check",
        "description": (
            "The outbound context stops checking the peer's host name: a peer certificate from the CA issued for "
            "another host is accepted when pulling or discovering (docs/federation-api.md \"mTLS\": outbound verifies "
            "peers against --tls-ca, host name included, STG-TLS-011)."
        ),
        "file": "tls_contexts.py",
        "find": "    _load(context, settings, ca=False)\n    return _floor_enforced(context)",
        "replace": (
            '    context.check_hostname = False\n'
            '    _load(context, settings, ca=False)\n'
            '    return _floor_enforced(context)'
        ),
    },
    {
        "id": "b9-tls-san-prefix",
        "description": (
            "A URI SAN matches when it starts with the peer's node_id: a certificate for stigmem://a/node/1x passes "
            "for node stigmem://a/node/1 (A20 §22.1: the URI SAN must match the node's entity_uri; "
            "docs/federation-api.md \"mTLS\": a whole URI, a SAN extending it is another identity)."
        ),
        "file": "protocol/tls.py",
        "find": "return any(uri == node_id for uri in uris)",
        "replace": "return any(uri.startswith(node_id) for uri in uris)",
    },
    {
        "id": "b9-tls-san-truncated",
        "description": (
            "A URI SAN matches when the node_id starts with it: a certificate naming stigmem://a/node/ passes for "
            "every node under it (docs/federation-api.md \"mTLS\": a SAN cutting the node_id is another identity; "
            "A20 §22.1)."
        ),
        "file": "protocol/tls.py",
        "find": "return any(uri == node_id for uri in uris)",
        "replace": "return any(node_id.startswith(uri) for uri in uris)",
    },
    {
        "id": "b9-tls-san-case-insensitive",
        "description": (
            "URI SANs are compared case-insensitively: a certificate whose SAN differs from the node_id only in the "
            "case of its path passes (A20 §22.1: the SAN must match the node entity_uri; docs/federation-api.md "
            "\"mTLS\": equality of the whole URI)."
        ),
        "file": "protocol/tls.py",
        "find": "return any(uri == node_id for uri in uris)",
        "replace": "return any(uri.lower() == node_id.lower() for uri in uris)",
    },
    {
        "id": "b9-tls-any-uri-san",
        "description": (
            "The peer route accepts a client certificate that carries any URI SAN at all, not the peer's node_id: "
            "a node's certificate may pull with another peer's token (Spec-10: MUST reject a peer whose certificate "
            "identity does not match the registered relationship; docs/federation-api.md \"mTLS\")."
        ),
        "file": "api/tls.py",
        "find": "    if rules.san_names(peer.node_id, uris):\n        return",
        "replace": "    if uris:\n        return",
    },
    {
        "id": "b9-tls-empty-chain-accepted",
        "description": (
            "The client-certificate test checks for None instead of emptiness: a TLS client without a certificate "
            "(an empty chain) passes, and the SAN check then skips it, so a pull without any certificate succeeds "
            "(Spec-10: validate peer certificates; docs/federation-api.md \"mTLS\": no client certificate -> 401 "
            "client_certificate_required)."
        ),
        "file": "api/tls.py",
        "find": '    if not info.get("client_cert_chain"):\n        raise ApiError("client_certificate_required"',
        "replace": (
            '    if info.get("client_cert_chain") is None:\n'
            '        raise ApiError("client_certificate_required"'
        ),
    },
    {
        "id": "b9-tls-san-mismatch-outcome",
        "description": (
            "The san_mismatch audit event carries outcome failure instead of denied (docs/federation-api.md "
            "\"mTLS\": a san_mismatch event with outcome denied; Spec-09 outcome values)."
        ),
        "file": "api/tls.py",
        "find": 'audit_log.append(conn, "san_mismatch", "denied",',
        "replace": 'audit_log.append(conn, "san_mismatch", "failure",',
    },
    {
        "id": "b9-tls-san-mismatch-event-name",
        "description": (
            "A SAN mismatch is recorded as tls_san_mismatch instead of san_mismatch: an export filtered on "
            "event_type=san_mismatch finds nothing (docs/federation-api.md \"mTLS\": a san_mismatch event in the "
            "node-wide audit log, STG-TLS-007)."
        ),
        "file": "api/tls.py",
        "find": 'audit_log.append(conn, "san_mismatch", "denied",',
        "replace": 'audit_log.append(conn, "tls_san_mismatch", "denied",',
    },
    {
        "id": "b9-tls-san-mismatch-403",
        "description": (
            "A SAN mismatch answers 403 forbidden instead of 401 san_mismatch (docs/federation-api.md \"mTLS\": "
            "else 401 san_mismatch; the upstream node answers 401 too)."
        ),
        "file": "api/tls.py",
        "find": 'raise ApiError("san_mismatch", "the client certificate',
        "replace": 'raise ApiError("forbidden", "the client certificate',
    },
    {
        "id": "b9-tls-declarer-san-unchecked",
        "description": (
            "Registration only checks that the declarer's certificate has some URI SAN, not that one is the declared "
            "node_id: a declarer serving another node's certificate is registered (docs/federation-api.md "
            "\"mTLS\": rejected with san_mismatch, STG-TLS-012; A20 §22.1 SAN matches the manifest)."
        ),
        "file": "federation/service.py",
        "find": "if fetched.peer_uris is not None and not tls_rules.san_names(node_id, fetched.peer_uris):",
        "replace": "if fetched.peer_uris is not None and not fetched.peer_uris:",
    },
    {
        "id": "b9-tls-pull-san-unchecked",
        "description": (
            "A pull only checks that the peer's certificate has some URI SAN, not its node_id: a peer whose "
            "certificate changed to another identity after registration keeps being pulled "
            "(docs/federation-api.md \"mTLS\": each pull checks both again; Spec-10)."
        ),
        "file": "federation/puller.py",
        "find": "if fetched.peer_uris is not None and not san_names(peer.node_id, fetched.peer_uris):",
        "replace": "if fetched.peer_uris is not None and not fetched.peer_uris:",
    },
    {
        "id": "b9-tls-http-declarer-accepted",
        "description": (
            "With mTLS the https test on a declaration's node_url accepts any http URL: a declarer at http:// is "
            "fetched in the clear instead of rejected with tls_required (A20 §22.1: mTLS MUST be used between "
            "distinct nodes; docs/federation-api.md \"mTLS\": rejected_reason tls_required, STG-TLS-009)."
        ),
        "file": "federation/service.py",
        "find": 'if self.tls is not None and not url.lower().startswith("https://"):',
        "replace": 'if self.tls is not None and not url.lower().startswith("http"):',
    },
    {
        "id": "b9-tls-push-without-certificate",
        "description": (
            "The push route skips the client-certificate guard: with mTLS a request without a certificate gets "
            "405 instead of 401 client_certificate_required (docs/federation-api.md \"mTLS\": the peer routes, "
            "GET /v1/federation/facts and POST /v1/federation/facts/push, require one)."
        ),
        "file": "api/federation.py",
        "find": "    tls.require_client_certificate(request)  # STG-TLS-003/008",
        "replace": "    pass  # STG-TLS-003/008",
    },
    # ---------------------------------------------------------------------------------------------------------------
    # Admin keys and key ages (seed §22; A20 §22.2; docs/http-api.md "Admin keys and key ages").
    {
        "id": "b9-admin-status-agent-key",
        "description": (
            "GET /v1/admin/status needs only read: an agent key sees migrations, key ages and due dates "
            "(docs/http-api.md \"Admin keys and key ages\": agent keys get 403 on every admin route; least "
            "privilege)."
        ),
        "file": "api/admin.py",
        "find": '"""GET /v1/admin/status."""\n    identity = caller(request, "admin")',
        "replace": '"""GET /v1/admin/status."""\n    identity = caller(request, "read")',
    },
    {
        "id": "b9-admin-backfill-status-agent-key",
        "description": (
            "GET /v1/admin/cid-backfill/status needs only read, as upstream does (A20 §25 and the seed: admin key "
            "required; docs/http-api.md: agent keys get 403 on every admin route)."
        ),
        "file": "api/admin.py",
        "find": (
            '# STG-AUTH-010, STG-CID-014: backfill status is an admin route.\n'
            '    identity = caller(request, "admin")'
        ),
        "replace": (
            '# STG-AUTH-010, STG-CID-014: backfill status is an admin route.\n'
            '    identity = caller(request, "read")'
        ),
    },
    {
        "id": "b9-admin-quota-policy-put-agent-key",
        "description": (
            "PUT /v1/admin/quota-policy needs only write: an agent key raises its own quotas (A20 §22.4: the "
            "QuotaPolicy is an admin document; docs/http-api.md \"Quotas\": both need admin, else 403)."
        ),
        "file": "api/quotas.py",
        "find": ('# STG-QUOTA-006: only an admin key changes the QuotaPolicy.\n'
                 '    identity = caller(request, "admin")'),
        "replace": ('# STG-QUOTA-006: only an admin key changes the QuotaPolicy.\n'
                    '    identity = caller(request, "write")'),
    },
    {
        "id": "b9-admin-quota-policy-get-agent-key",
        "description": (
            "GET /v1/admin/quota-policy needs only read: an agent key reads every principal's limits "
            "(docs/http-api.md \"Quotas\": both need admin, else 403)."
        ),
        "file": "api/quotas.py",
        "find": "# STG-QUOTA-006: the QuotaPolicy is an admin document.\n    caller(request, \"admin\")",
        "replace": "# STG-QUOTA-006: the QuotaPolicy is an admin document.\n    caller(request, \"read\")",
    },
    {
        "id": "b9-admin-key-create-agent-key",
        "description": (
            "POST /v1/auth/keys needs only write: an agent key mints new keys (A10 §18.7: key management is admin; "
            "docs/http-api.md \"Admin keys and key ages\": an admin key manages keys)."
        ),
        "file": "api/keys.py",
        "find": (
            '"""POST /v1/auth/keys -> 201 with the raw key, shown this once."""\n'
            '    identity = caller(request, "admin")'
        ),
        "replace": (
            '"""POST /v1/auth/keys -> 201 with the raw key, shown this once."""\n'
            '    identity = caller(request, "write")'
        ),
    },
    {
        "id": "b9-admin-implies-read-write",
        "description": (
            "Holding admin passes every permission check: a compliance operator's admin-only key reads and writes "
            "facts (docs/http-api.md \"Admin keys and key ages\": admin implies neither read nor write; least "
            "privilege)."
        ),
        "file": "api/auth.py",
        "find": "    if permission not in identity.permissions:\n",
        "replace": "    if permission not in identity.permissions and \"admin\" not in identity.permissions:\n",
    },
    {
        "id": "b9-admin-kind-admin-only",
        "description": (
            "A key is reported as kind admin only when admin is its sole permission: an admin key that also reads "
            "or writes is listed as agent in api_key_ages (docs/http-api.md \"Admin keys and key ages\": kind admin "
            "when it holds admin, interpretation admin_key_kind)."
        ),
        "file": "api/admin_keys.py",
        "find": '"kind": "admin" if "admin" in key.permissions else "agent",',
        "replace": '"kind": "admin" if tuple(key.permissions) == ("admin",) else "agent",',
    },
    {
        "id": "b9-admin-rotation-periods-swapped",
        "description": (
            "The rotation periods are swapped: the node signing key is due after 90 days and a capability issuer "
            "key after 365 (seed §22: 90 days capability issuer, 365 days node signing; docs/http-api.md: "
            "rotation_days 365)."
        ),
        "file": "protocol/key_ages.py",
        "find": 'ROTATION_DAYS = {"node_signing": 365, "capability_issuer": 90}',
        "replace": 'ROTATION_DAYS = {"node_signing": 90, "capability_issuer": 365}',
    },
    {
        "id": "b9-admin-age-days-rounded-up",
        "description": (
            "age_days counts started days (a ceiling) instead of whole days elapsed: a key made a minute ago is one "
            "day old (docs/http-api.md \"Admin keys and key ages\": age_days; protocol/key_ages.py whole days)."
        ),
        "file": "protocol/key_ages.py",
        "find": "age_days = max(0, now_us - created_us) // _DAY_US",
        "replace": "age_days = -(-max(0, now_us - created_us) // _DAY_US)",
    },
    {
        "id": "b9-admin-rotate-by-from-now",
        "description": (
            "rotate_by is computed from now instead of the key's creation: it moves forward every day and a key "
            "older than 365 days is never rotation_due (seed §22: rotate every 365 days; docs/http-api.md "
            "rotate_by, rotation_due)."
        ),
        "file": "protocol/key_ages.py",
        "find": "rotate_by = None if period is None else created_us + period * _DAY_US",
        "replace": "rotate_by = None if period is None else now_us + period * _DAY_US",
    },
    {
        "id": "b9-admin-api-keys-get-period",
        "description": (
            "API keys get the 90-day issuer period by default: api_key_ages shows rotation_days 90 and due dates "
            "that no source gives (docs/http-api.md \"Admin keys and key ages\": api keys have no rotation period)."
        ),
        "file": "protocol/key_ages.py",
        "find": "period = ROTATION_DAYS.get(role)",
        "replace": "period = ROTATION_DAYS.get(role, 90)",
    },
    {
        "id": "b9-admin-key-file-ctime",
        "description": (
            "A --federation-key-file key is dated from the file's inode change time instead of its modification "
            "time: a key file whose mtime is a year old reports age 0 and is never due (docs/http-api.md \"Admin "
            "keys and key ages\": a key from --federation-key-file dates from the file's modification time)."
        ),
        "file": "api/admin_keys.py",
        "find": "os.stat(path).st_mtime",
        "replace": "os.stat(path).st_ctime",
        "equivalent": (
            "Differs only for a --federation-key-file whose modification time was set back (a fresh file has mtime = "
            "ctime); no HTTP request names, writes or touches the key file, and the suite's node keeps its federation"
            " key in the database, so both dates are the same in every black-box run."
        ),
    },
    {
        "id": "b9-admin-signing-key-oldest",
        "description": (
            "The signing key's age is read from the oldest federation key, retired ones included: after a rotation "
            "status still shows the first key's created_at, age and due date (docs/http-api.md \"Admin keys and "
            "key ages\": the node signing key with its age; seed §22 rotation)."
        ),
        "file": "api/admin_keys.py",
        "find": (
            '"SELECT created_at FROM federation_keys WHERE retired_at IS NULL "\n'
            '                           "ORDER BY created_at DESC LIMIT 1"'
        ),
        "replace": (
            '"SELECT created_at FROM federation_keys "\n'
            '                           "ORDER BY created_at ASC LIMIT 1"'
        ),
    },
    {
        "id": "b9-admin-keys-scope-unbounded",
        "description": (
            "Key listing ignores the caller's scopes: an admin key bounded to some scopes sees (and may revoke) keys "
            "of every scope, in GET /v1/auth/keys and api_key_ages (docs/http-api.md \"API keys and scopes\": a key "
            "lists only keys within its authority; least privilege)."
        ),
        "file": "api/keys.py",
        "find": "if identity.covers(key.permissions, key.allowed_scopes)]",
        "replace": "if identity.covers(key.permissions, ())]",
    },
    {
        "id": "b9-admin-pull-federate-key",
        "description": (
            "POST /v1/admin/federation/pull accepts a federate key: an agent key with federate triggers admin pulls "
            "(docs/federation-api.md: the admin pull trigger is admin; docs/http-api.md: agent keys get 403 on every "
            "admin route)."
        ),
        "file": "api/federation.py",
        "find": ('    caller(request, "admin")\n'
                 '    settings: Settings = request.app.state.settings\n    body = members('),
        "replace": "    federator(request)\n    settings: Settings = request.app.state.settings\n    body = members(",
    },
    {
        "id": "b9-admin-rotate-federate-key",
        "description": (
            "POST /v1/admin/federation/key-rotation needs only federate: a federate agent key rotates the node's "
            "signing key (docs/federation-api.md \"Key rotation\": admin; 403 otherwise)."
        ),
        "file": "api/key_rotation.py",
        "find": 'identity = caller(request, "admin")',
        "replace": 'identity = caller(request, "federate")',
    },
    # ---------------------------------------------------------------------------------------------------------------
    # Key rotation (Spec-10 Key Rotation; A20 §22.2; A08 §6.1; docs/federation-api.md "Key rotation").
    {
        "id": "b9-rot-signed-by-new-key",
        "description": (
            "rotation_sig is made with the NEW key: the node's own log does not verify from its first key and peers "
            "never follow its rotation (A20 §22.2: KeyRotationLogEntry signed by the old key over the JCS of the "
            "other fields; docs/federation-api.md \"Key rotation\")."
        ),
        "file": "protocol/key_rotation.py",
        "find": 'entry["rotation_sig"] = base64url.encode(signing_key(old_seed).sign(preimage(entry)))',
        "replace": 'entry["rotation_sig"] = base64url.encode(signing_key(new_seed).sign(preimage(entry)))',
    },
    {
        "id": "b9-rot-verify-under-new-key",
        "description": (
            "A verifier checks rotation_sig under the entry's new_public_key: whoever holds any key can append an "
            "entry signed by that key, and a genuine old-key signature is refused (A20 §22.2: signed by the old "
            "key; docs/federation-api.md \"Key rotation\": rotation_signature_invalid)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "ed25519_policy.verify(base64url.decode(current_public, length=32), preimage(entry), signature)",
        "replace": (
            'ed25519_policy.verify(base64url.decode(entry["new_public_key"], length=32),'
            ' preimage(entry), signature)'
        ),
    },
    {
        "id": "b9-rot-gap-after-first",
        "description": (
            "Only the first entry must rotate away from the key in force: a later entry whose old_key_id is some "
            "other key (a gap) is accepted (docs/federation-api.md \"Key rotation\": old_key_id is the key in force, "
            "else rotation_chain_gap; Spec-10: peers verify the chain)."
        ),
        "file": "protocol/key_rotation.py",
        "find": 'if entry["old_key_id"] != current_id:',
        "replace": 'if previous_at is None and entry["old_key_id"] != current_id:',
    },
    {
        "id": "b9-rot-equal-times-accepted",
        "description": (
            "Two rotations at the same rotated_at are accepted (< instead of <=) (docs/federation-api.md \"Key "
            "rotation\": rotated_at increases, else rotation_chain_regression)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "if previous_at is not None and rotated_at <= previous_at:",
        "replace": "if previous_at is not None and rotated_at < previous_at:",
    },
    {
        "id": "b9-rot-shrink-by-one-accepted",
        "description": (
            "A chain one entry shorter than the one already seen is accepted (known_length - 1): a peer can roll back "
            "its latest rotation (docs/federation-api.md \"Key rotation\": never shorter than a chain it saw, else "
            "rotation_chain_regression)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "if len(entries) < known_length:",
        "replace": "if len(entries) < known_length - 1:",
    },
    {
        "id": "b9-rot-dual-trust-hours",
        "description": (
            "The node's dual-trust period is 90 hours instead of 90 days: dual_trust_expires_at is rotated_at + "
            "3.75 days and peers drop the old key while its tokens live (A20 §22.2: dual trust at least 90 days; "
            "docs/federation-api.md \"Key rotation\": always rotated_at + 90 days)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "NODE_DUAL_TRUST = timedelta(days=90)",
        "replace": "NODE_DUAL_TRUST = timedelta(hours=90)",
    },
    {
        "id": "b9-rot-min-dual-trust-minutes",
        "description": (
            "The verifier's minimum dual trust is 24 minutes instead of 24 hours: an entry keeping the old key one "
            "hour is accepted (A08 §6.1: keep the old key 24 h; docs/federation-api.md \"Key rotation\": less than "
            "24 h of dual trust is rotation_entry_invalid)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "MIN_ACCEPTED_DUAL_TRUST = timedelta(hours=24)",
        "replace": "MIN_ACCEPTED_DUAL_TRUST = timedelta(minutes=24)",
    },
    {
        "id": "b9-rot-stale-at-expiry-accepted",
        "description": (
            "A retired key is still trusted at the very second of its dual_trust_expires_at (<= instead of <) "
            "(A20 §22.2: reject keys older than the dual-trust period; docs/federation-api.md \"Key rotation\": from "
            "that second on the key is stale)."
        ),
        "file": "protocol/key_rotation.py",
        "find": 'if moment < parse_time(until, "dual_trust_expires_at")]',
        "replace": 'if moment <= parse_time(until, "dual_trust_expires_at")]',
    },
    {
        "id": "b9-rot-stale-keys-kept",
        "description": (
            "The public keys trusted for a followed peer include every retired key, stale or not: a token signed "
            "with a key past its dual trust is accepted (Spec-10: reject stale keys after the dual-trust period; "
            "A20 §22.2; docs/federation-api.md \"Key rotation\": 401 signature_invalid)."
        ),
        "file": "protocol/key_rotation.py",
        "find": "older = [public for kid, public, _ in reversed(chain.retired) if kid in ids]",
        "replace": "older = [public for kid, public, _ in reversed(chain.retired)]",
    },
    {
        "id": "b9-rot-entity-unchecked",
        "description": (
            "An entry naming another entity_uri is accepted in a node's chain (only its type is checked): one "
            "node's rotation can be spliced into another's log (A20 §22.2 KeyRotationLogEntry.entity_uri; "
            "docs/federation-api.md \"Key rotation\": rotation_entry_invalid)."
        ),
        "file": "protocol/key_rotation.py",
        "find": 'if entry["entity_uri"] != entity_uri:',
        "replace": 'if not isinstance(entry["entity_uri"], str):',
    },
    {
        "id": "b9-rot-new-key-id-unbound",
        "description": (
            "new_key_id is no longer checked against new_public_key: an entry can announce one key id and install "
            "another public key (A20 §19.1.2: key id = SHA-256 of the raw key; Spec-04: a rotation event binds the "
            "new key; docs/federation-api.md \"Key rotation\")."
        ),
        "file": "protocol/key_rotation.py",
        "find": 'if new_id != entry["new_key_id"]:',
        "replace": "if not new_id:",
    },
    {
        "id": "b9-rot-log-newest-first",
        "description": (
            "GET /v1/federation/key-rotations serves the entries newest first: after two rotations the chain no "
            "longer verifies in order from first_public_key (docs/federation-api.md \"Key rotation\": entries oldest "
            "first, STG-KEY-016)."
        ),
        "file": "storage/key_rotations.py",
        "find": '"SELECT first_public_key, entry FROM federation_key_rotations ORDER BY seq"',
        "replace": '"SELECT first_public_key, entry FROM federation_key_rotations ORDER BY seq DESC"',
    },
    {
        "id": "b9-rot-first-key-is-current",
        "description": (
            "The rotation log names the current key as first_public_key: after a rotation the chain starts from "
            "the wrong key and its first entry is a gap (docs/federation-api.md \"Key rotation\": {entity_uri, "
            "first_public_key, current_key_id, entries}, verifiable from the first key)."
        ),
        "file": "api/key_rotation.py",
        "find": '"first_public_key": first or current,',
        "replace": '"first_public_key": current,',
    },
    {
        "id": "b9-rot-same-second-collides",
        "description": (
            "Two rotations within one second get the same rotated_at (the +1 s step became +0 s): the node's own "
            "log then fails its verifiers with rotation_chain_regression (docs/federation-api.md \"Key rotation\": a "
            "second rotation within the same second takes the next second)."
        ),
        "file": "storage/key_rotations.py",
        "find": "+ timedelta(seconds=1))",
        "replace": "+ timedelta(seconds=0))",
    },
    {
        "id": "b9-rot-audit-event-name",
        "description": (
            "A rotation is audited as key_rotate instead of key_rotation: an export filtered on "
            "event_type=key_rotation finds nothing (A20 §22.3.1 required event key_rotation; Spec-10: rotation "
            "SHOULD be audited; docs/federation-api.md \"Key rotation\")."
        ),
        "file": "storage/key_rotations.py",
        "find": 'audit_log.append(conn, "key_rotation", "success", created_at,',
        "replace": 'audit_log.append(conn, "key_rotate", "success", created_at,',
    },
    {
        "id": "b9-rot-follow-whole-log",
        "description": (
            "Following a peer takes its whole served log instead of the part starting at the registered key: a peer "
            "that had rotated before it registered is never followed after its next rotation (docs/federation-api.md "
            "\"Key rotation\": take the entries from the one whose old_key_id is the registered key)."
        ),
        "file": "federation/peer_keys.py",
        "find": "return [dict(e) if isinstance(e, Mapping) else e for e in entries[start:]]",
        "replace": "return [dict(e) if isinstance(e, Mapping) else e for e in entries]",
    },
    {
        "id": "b9-rot-follow-throttle-ms",
        "description": (
            "The rotation-log fetch throttle is 60 ms instead of 60 s: junk peer tokens make the node fetch the "
            "peer's key-rotations log on nearly every request (docs/federation-api.md \"Key rotation\": at most once "
            "a minute per peer)."
        ),
        "file": "federation/peer_keys.py",
        "find": "FOLLOW_EVERY_MS = 60_000",
        "replace": "FOLLOW_EVERY_MS = 60",
    },
    {
        "id": "b9-rot-discovery-cache-stale-key",
        "description": (
            "The discovery cache is keyed on the node URL alone: after a rotation discovery keeps serving the old "
            "federation_pubkey (docs/federation-api.md \"Key rotation\": discovery shows the new federation_pubkey "
            "at once, STG-KEY-017/020)."
        ),
        "file": "api/discovery.py",
        "find": 'key = node_url if state.federation is None else f"{node_url} {state.federation.public_key}"',
        "replace": "key = node_url",
    },
    # ---------------------------------------------------------------------------------------------------------------
    # Workers and the shared trust cache (seed §22 operator warnings; docs/workers.md; Spec-11; A20 §22.5).
    {
        "id": "b9-work-nonce-upsert-always",
        "description": (
            "Recording a nonce overwrites an existing live entry (the ON CONFLICT update lost its WHERE): the "
            "atomic step always succeeds, so two workers that both passed the seen() check accept the same token "
            "(docs/workers.md: one atomic step decides, never check-then-insert; Spec-11: the same nonce inside "
            "the window MUST be rejected)."
        ),
        "file": "storage/nonces.py",
        "find": (
            '"retain_until_ms = excluded.retain_until_ms WHERE federation_nonces.retain_until_ms <'
            ' excluded.accepted_at_ms",'
        ),
        "replace": '"retain_until_ms = excluded.retain_until_ms",',
    },
    {
        "id": "b9-work-nonce-cache-per-worker",
        "description": (
            "The default nonce cache is a private in-memory database per process: each worker (and each restart) "
            "has its own nonces, so a token replayed to another worker or after a restart is accepted (seed §22: a "
            "shared trust cache for multi-worker; docs/workers.md: nonces shared through the database; A20 §22.5: "
            "persistence MUST)."
        ),
        "file": "storage/trust_cache.py",
        "find": "        return SqliteNonceCache(db)",
        "replace": (
            "        return SqliteNonceCache((lambda d: (d.migrate(\"1970-01-01T00:00:00Z\"), d)[1])"
            "(Database(\":memory:\")))"
        ),
    },
    {
        "id": "b9-work-redis-key-without-node",
        "description": (
            "Redis nonce keys leave out the node id (stigmem:nonce:{nonce}): nodes sharing one Redis share nonces, "
            "so a token accepted by one node makes another refuse its own token carrying that nonce "
            "(docs/workers.md: keys carry the node id, stigmem:{node_id}:nonce:{nonce})."
        ),
        "file": "storage/trust_cache.py",
        "find": 'self._prefix = f"stigmem:{node_id}:nonce:"',
        "replace": 'self._prefix = "stigmem:nonce:"',
        "equivalent": (
            "The key name lives inside Redis, which no client reads: one node answers the same under either prefix; "
            "only a second node on the same Redis sees the shared nonces, and every suite configuration gives its one"
            " node a trust cache of its own."
        ),
    },
    {
        "id": "b9-work-redis-ttl-seconds-as-ms",
        "description": (
            "The Redis expiry is the retention in seconds passed as milliseconds: a nonce is forgotten after a few "
            "hundred ms and a replay a second later is accepted (docs/workers.md: an expiry equal to the nonce's "
            "retention; interpretation nonce_retention)."
        ),
        "file": "storage/trust_cache.py",
        "find": "nx=True, px=ttl_ms)",
        "replace": "nx=True, px=max(1, ttl_ms // 1000))",
    },
    {
        "id": "b9-work-redis-set-without-nx",
        "description": (
            "The Redis SET lost NX: recording always succeeds, so concurrent replays on two workers (both past the "
            "EXISTS check) are both accepted (docs/workers.md: Redis SET NX PX, one atomic step; STG-WORK-006)."
        ),
        "file": "storage/trust_cache.py",
        "find": "nx=True, px=ttl_ms)",
        "replace": "nx=False, px=ttl_ms)",
    },
    {
        "id": "b9-work-redis-fail-open",
        "description": (
            "A Redis error while recording a nonce accepts the token instead of refusing it (docs/workers.md: a "
            "Redis that does not answer within 2 s refuses the token with 503 trust_cache_unavailable, never "
            "accepts it; A20 §22.5: failures deny)."
        ),
        "file": "storage/trust_cache.py",
        "find": (
            "            return bool(self._client.set(self._prefix + nonce, issuer, nx=True, px=ttl_ms))\n"
            "        except self._errors as exc:\n"
            "            raise self._fail(exc) from exc"
        ),
        "replace": (
            "            return bool(self._client.set(self._prefix + nonce, issuer, nx=True, px=ttl_ms))\n"
            "        except self._errors:\n"
            "            return True"
        ),
        "equivalent": (
            "The fault acts only when Redis errors or times out on the SET itself; a client cannot make the node's "
            "Redis fail between its EXISTS and its SET (a Redis unreachable from the start stops the node at start-"
            "up, before any request)."
        ),
    },
    {
        "id": "b9-work-nonce-window-only",
        "description": (
            "A nonce is remembered for the 5-minute window only, not until the token's expiry: a token living an "
            "hour can be replayed after five minutes (interpretation nonce_retention: until max(exp, accepted + 5 "
            "min); A08 §6.6(3): the cache covers the validity window; A20 §22.5)."
        ),
        "file": "protocol/replay.py",
        "find": "return max(exp_ms, accepted_at_ms + window_ms)",
        "replace": "return accepted_at_ms + window_ms",
    },
    {
        "id": "b9-work-hlc-no-catch-up",
        "description": (
            "A worker notices another worker's commit but never raises its HLC to the stored high-water mark: two "
            "workers writing in the same millisecond stamp equal HLCs and cursor walks skip or repeat facts "
            "(docs/workers.md: the HLC is caught up from the database, STG-WORK-003/004)."
        ),
        "file": "storage/store.py",
        "find": "            self.hlc.observe(parse_hlc(high_water))",
        "replace": "            parse_hlc(high_water)",
    },
    {
        "id": "b9-work-status-hlc-worker-local",
        "description": (
            "GET /v1/admin/status shows the answering worker's clock even when another worker has stamped a later "
            "HLC (the stored high-water mark is used only before the first local write) (docs/workers.md: status "
            "hlc is the larger of the worker's clock and the stored high-water mark)."
        ),
        "file": "storage/store.py",
        "find": "if stored is not None and (last is None or parse_hlc(stored) > last):",
        "replace": "if stored is not None and last is None:",
        "equivalent": (
            "Masked by the request's own charge: GET /v1/admin/status is charged to admin_action in a write "
            "transaction before the status is built, and that transaction's begin hook raises the answering worker's "
            "clock to the stored high-water mark, so its own clock is never behind when the status reads it (seen "
            "surviving http:workers_status_hlc_node_wide under hardening-workers); only a node serving the status "
            "without a write transaction first would show the fault."
        ),
    },
    {
        "id": "b9-work-quota-buckets-per-worker",
        "description": (
            "Quota buckets live in a private in-memory database per worker (and with them the quota_breach events): "
            "a burst spread over N workers is admitted N times over, and a restart refills every bucket "
            "(docs/workers.md \"Quota buckets\": every worker shares them, STG-WORK-010; docs/http-api.md "
            "\"Quotas\": concurrent requests never spend a token twice)."
        ),
        "file": "api/quotas.py",
        "find": ('self.buckets: rows.Buckets = open_buckets(settings.trust_cache, store.db, store.node_id, '
                 'settings.workers)'),
        "replace": ('self.buckets: rows.Buckets = rows.SqliteBuckets((lambda d: (d.migrate("1970-01-01T00:00:00Z"), '
                    'd)[1])(rows.Database(":memory:")))'),
    },
    {
        "id": "b9-work-deferred-transactions",
        "description": (
            "Write transactions begin DEFERRED instead of IMMEDIATE: two workers read a bucket or a nonce, then race "
            "to write and one fails with database is locked (500) instead of waiting its turn (docs/workers.md: one "
            "write transaction, BEGIN IMMEDIATE, at a time across every process; docs/http-api.md \"Quotas\")."
        ),
        "file": "storage/database.py",
        "find": '                self.conn.execute("BEGIN IMMEDIATE")\n                try:',
        "replace": '                self.conn.execute("BEGIN DEFERRED")\n                try:',
    },
    {
        "id": "b9-work-header-one-based",
        "description": (
            "The stigmem-worker header numbers workers from 1 (1..N) instead of 0..N-1 (docs/workers.md: each "
            "response carries stigmem-worker: <index>, 0..N-1)."
        ),
        "file": "workers.py",
        "find": "    value = str(index).encode()",
        "replace": "    value = str(index + 1).encode()",
    },
    {
        "id": "b9-work-pull-loop-every-worker",
        "description": (
            "Every worker runs the pull loop: a peer is pulled N times per interval, with N peer tokens and N "
            "fetches of the same page (docs/workers.md: the pull loop runs in worker 0 only, STG-WORK-009)."
        ),
        "file": "workers.py",
        "find": "mine = dataclasses.replace(settings, pull_loop=index == 0)",
        "replace": "mine = dataclasses.replace(settings, pull_loop=True)",
    },
]
