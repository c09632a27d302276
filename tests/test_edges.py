"""Edge discipline (issue 10): every numbered rule, in every profile, has a check or vector on each side.

``EDGES`` maps a requirement with a number, an order or a unit to the ids that test it just inside and just
outside its bound (checks by id, vectors by id). ``OPEN`` lists the numbered rules that have no edge pair yet,
with the reason. A requirement whose summary matches ``NUMBERED`` and is in neither table fails the test, so the
inventory cannot rot silently when a requirement is added.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import conformance.checks  # noqa: F401  (registers the checks)
from conformance.checks.registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
NUMBERED = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:ms|s|seconds?|minutes?|hours?|days?|KB|bits)\b|at most|at least|within|"
    r"\[0(?:\.0)?, 1(?:\.0)?\]|above 0|>=|\blimit\b|newest first|later than|\d+-digit|exceeds", re.I)

# requirement -> (just inside, just outside): check ids or vector ids.
EDGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "STG-VAL-003": (("values-validate-049", "values-validate-051"), ("values-validate-050", "values-validate-053")),
    "STG-VAL-004": (("values-validate-049",), ("http-bad-input-021", "values-validate-052")),
    # 0, 5e-324, 1 | -5e-324, 1 + 2^-52
    "STG-FACT-001": (("http:edge_confidence_bounds",), ("http:edge_confidence_bounds",)),
    "STG-CONF-001": (("http:edge_confidence_bounds", "http:edge_contradiction_siblings"),
                     ("http:edge_confidence_bounds",)),  # 5e-324 contradicts | 0.0 does not
    "STG-TOK-002": (("peer-tokens-verify-005", "peer-tokens-verify-054"),
                    ("peer-tokens-verify-013", "peer-tokens-verify-055", "federation:token_lifetime_capped")),
    "STG-TOK-005": (("peer-tokens-verify-002",), ("peer-tokens-verify-009", "federation:token_expired_rejected")),
    "STG-TOK-007": (("federation-nonce-replay-007", "federation-nonce-replay-011"),
                    ("federation-nonce-replay-008", "federation-nonce-replay-012")),
    "STG-RPL-004": (("peer-tokens-verify-004", "peer-tokens-verify-056", "federation:token_within_leeway_accepted"),
                    ("peer-tokens-verify-014", "peer-tokens-verify-057", "federation:token_future_iat_rejected")),
    "STG-HLC-001": (("hlc-run-003", "hlc-run-004"), ("hlc-run-008",)),  # counter 9->10, 99->100 | 999 carries
    "STG-HTTP-011": (("http:edge_page_exact_boundary",), ("http:edge_page_exact_boundary",)),
    "STG-HTTP-012": (("http:bad_limit_rejected", "http:edge_page_exact_boundary"),
                     ("http:bad_limit_rejected", "http:edge_page_exact_boundary")),  # 1, 500 | 0, 501
    "STG-EXP-004": (("http:expiry_boundary",), ("http:expiry_boundary", "http:expired_hidden")),
    # c and the next double above | the next double below; 0 and 1 | nextafter(1, 2) and -5e-324
    "STG-QRY-005": (("http:edge_min_confidence_bound",), ("http:edge_min_confidence_bound",)),
    "STG-QRY-010": (("http:edge_min_confidence_bound",), ("http:edge_min_confidence_bound",)),
    "STG-QRY-006": (("http:edge_after_at_timestamp",), ("http:edge_after_at_timestamp",)),  # t - 1 us | t
    "STG-HTTP-014": (("http:edge_conflict_page_exact",), ("http:edge_conflict_page_exact",)),  # limit n | n - 1
    # every admin scope x minted scope: its own | each other, the neighbour included
    "STG-SCOPE-022": (("http:edge_mint_scope_pairs",), ("http:edge_mint_scope_pairs",)),
    "STG-FED-019": (("federation:pull_envelope",), ("federation:pull_envelope",)),  # limit 500 | 501
    # declared public | public+company x inbound local, team, company, public: the declared ones | the others
    "STG-FED-034": (("federation:edge_inbound_scope_pairs",), ("federation:edge_inbound_scope_pairs",)),
    # 6 events: limit 6 is the last page, pages of 1, 2, 3 and 6 divide it exactly | limit 5, pages of 4 and 7
    "STG-AUDIT-012": (("http:audit_has_more_edge", "http:audit_export_paginated"),
                      ("http:audit_has_more_edge", "http:audit_export_paginated")),
    # gardens. The reader role reads | no role (an outsider, the metadata-only node admin) does not
    "STG-SCOPE-012": (("http:garden_read_requires_membership",), ("http:garden_read_requires_membership",)),
    # a local-only key: a local garden | team (the next scope) and company; one allowed scope | none
    "STG-SCOPE-029": (("http:garden_scope_bounded_by_key",), ("http:garden_scope_bounded_by_key",)),
    # hardening. limit 1, 5000 and the default 500 of 550 | 0 and 5001
    "STG-AUDIT-018": (("http:audit_limit_bounds",), ("http:audit_limit_bounds",)),
    # tombstones. limit 2 over three new tombstones: all served | no page of 3; a tombstone:read grant | federate
    "STG-TOMB-021": (("federation:tombstone_page_limit", "federation:capability_tombstone_read"),
                     ("federation:tombstone_page_limit", "federation:capability_tombstone_read")),
    # time-travel. created_at and valid_until - 1 us / 1 ms | created_at - 1 us / 1 ms and valid_until
    "STG-TT-004": (("http:as_of_visibility", "time-travel-visibility-003"),
                   ("http:as_of_visibility", "time-travel-visibility-001")),
    # now + 4 s | now + 6 s (1 s for the request's trip; a bound of 5 ms or 5000 s fails one side)
    "STG-TT-009": (("http:as_of_future",), ("http:as_of_future",)),
    # recall. budget 41 over a 41-token row, sums of costs | budget 40, sums less one
    "STG-REC-011": (("http:recall_token_budget_respected", "recall-pack-003", "recall-pack-004"),
                    ("http:recall_token_budget_respected", "recall-pack-002", "recall-pack-005")),
    # confidence 0.3, a card of 16000 bytes | 0.29, 16001 bytes
    # a card of unchanged facts asked again at once is fresh | one older than STIGMEM_CARD_MAX_AGE_S (0.25 s) is stale
    # exactly the node's body limit sent chunked is read whole | one byte more sent chunked is 413
    "STG-HTTP-017": (("http:body_limit_chunked_edge",), ("http:body_limit_chunked_edge",)),
    "STG-REC-033": (("http:recall_settings_edges", "http:memory_card_stale_flag"), ("http:recall_settings_edges",)),
    "STG-REC-022": (("http:memory_card_surfaces_contradictions", "http:memory_card_token_bound"),
                    ("http:memory_card_surfaces_contradictions", "http:memory_card_token_bound")),
    # 0.1 at the default floor, an edge of 0.5 at 0.5 | 0.05 by default, 0.1 at 0.15, the edge at 0.55
    "STG-REC-023": (("http:recall_confidence_floor", "http:recall_graph_edge_floor"),
                    ("http:recall_confidence_floor", "http:recall_graph_edge_floor")),
    # depth 2 reaches the 2-hop fact, depth 1 the 1-hop one | depth 1 not the 2-hop one, depth 0 none
    "STG-REC-027": (("http:recall_graph_scores",), ("http:recall_graph_scores",)),
    # hardening. An override of 1 token in force: the first read | the second (429), also under a generous node-wide one
    "STG-QUOTA-005": (("http:quota_policy_change_applies_next", "http:quota_principal_override_first"),
                      ("http:quota_policy_change_applies_next", "http:quota_principal_override_first")),
    # capacity 1 and rate 5e-324 | capacity 0 and 2.5, rate 0, -1 and 1e999 (infinite)
    "STG-QUOTA-007": (("http:quota_policy_validation",), ("http:quota_policy_validation",)),
    # one token on 32 connections: accepted once | never twice (runs with --workers; one worker shows the same)
    "STG-WORK-001": (("http:workers_replay_accepted_once",), ("http:workers_replay_accepted_once",)),
    # status hlc equal to the highest handed out | below it; indexes 0..N-1 | a gap (needs --workers 2 or more)
    "STG-WORK-013": (("http:workers_status_hlc_node_wide", "http:workers_header_indexes"),
                     ("http:workers_status_hlc_node_wide", "http:workers_header_indexes")),
    # TLS 1.3 | at most TLS 1.2 (with --mtls)
    "STG-TLS-001": (("http:tls_peer_certificate_accepted",), ("http:tls_tls12_refused",)),
    # rotate_by - created_at is exactly 365 days: any other span fails
    "STG-KEY-005": (("http:admin_key_signing_key_rotation_due",), ("http:admin_key_signing_key_rotation_due",)),
    # written: exactly 90 days; followed: 24 h of dual trust | 24 h less one second
    "STG-KEY-013": (("http:key_rotation_publishes_new_key", "http:key_rotation_peer_followed",
                     "key-rotation-verify-chain-023"),
                    ("http:key_rotation_publishes_new_key", "http:key_rotation_peer_followed",
                     "key-rotation-verify-chain-024")),
    # federation-trust. Pure: 100 and 10 facts, 4 % failures, 30 days old | 99 and 9, exactly 5 %, 30 days + 1 ms
    # (over HTTP a run sees only the new-peer row: a peer's history is cached at least 60 s)
    "STG-TRUST-001": (("source-trust-score-013", "source-trust-score-015", "source-trust-score-018",
                       "source-trust-score-024", "source-trust-score-028"),
                      ("source-trust-score-014", "source-trust-score-016", "source-trust-score-017",
                       "source-trust-score-025", "source-trust-score-027")),
    # a lifetime of exactly 90 days | 90 days + 1 s
    "STG-CAP-005": (("federation:capability_token_codes", "capability-tokens-verify-027"),
                    ("federation:capability_token_codes", "capability-tokens-verify-028")),
    # issued_at 5 min - 5 s ahead, 80 days old | 5 min + 6 s ahead (pure: exactly 5 min | 5 min + 1 s)
    "STG-CAP-008": (("federation:capability_token_codes", "capability-tokens-verify-029",
                     "capability-tokens-verify-031"),
                    ("federation:capability_token_codes", "capability-tokens-verify-030")),
    # exactly 24 h and exactly 365 days | 24 h - 1 s, 23 h, 365 days + 1 s
    "STG-MAN-005": (("http:manifest_validity_window", "manifests-verify-018", "manifests-verify-020"),
                    ("http:manifest_validity_window", "manifests-verify-019", "manifests-verify-021")),
    # one authority's manifest lists the entity | a second authority's is refused (409), the first still answers
    "STG-MAN-009": (("http:manifest_entity_single_authority", "http:manifest_org_lists_node"),
                    ("http:manifest_entity_single_authority",)),
}

# Numbered rules without an edge pair yet, and why.
OPEN: dict[str, str] = {
    "STG-CID-019": "backfill batch size and rate limit: a command-line bound, tested by "
                   "tests/unit/node/test_cid_backfill.py (rate pacing with a fake clock), not over HTTP",
    "STG-ROB-005": "the response bound is the node's own (the suite allows 8 MiB); checked beyond it, not at its byte",
    "STG-ROB-006": "the repeat window (60 s in the reference node) is the node's choice: checked inside it only",
    "STG-QRY-007": "newest first: ties in the HLC millisecond need a batch or a controllable clock",
    "STG-FED-013": "key rotation overlap of 24 h: needs a controllable clock on the node",
    "STG-FED-015": "rotation cadence (90/365 days): operational, not observable in one run",
    "STG-FED-030": "subscriber back-off cap of 5 minutes: needs a controllable clock",
    "STG-FED-033": "a later federated valid_until: no 1 ms edge pair yet",
    "STG-FED-047": "relay intersection rule: no pair table yet",
    "STG-FED-048": "relay lag 60 s: the reference node is not a relay",
    "STG-FED-049": "relay lag 300 s: the reference node is not a relay",
    "STG-RPL-003": "nonce entropy (128 bits): statistical, no edge",
    "STG-RPL-010": "handshake issuance within 5 minutes: no 5 min +/- 1 ms pair over HTTP yet",
    "STG-RPL-011": "clock drift tolerance of about 5 minutes: covered only by hlc-run-032 (pure)",
    "STG-AUDIT-010": "retention of 90 days: operational",
    "STG-FAIL-005": "matched by 'at least' (the node that ingests...), not a numeric bound",
    "STG-FAIL-007": "matched by 'exceeds' (scope), covered with FED-034",
    "STG-ROB-008": "how much of a refused body the node reads is its own bound: checked far outside (a body declared "
                   "1 GiB answered before 96 MiB), not at a byte",
    "STG-ROB-002": "the timeouts are the node's choice: the suite checks closure within --connection-bound only",
    "STG-ROB-003": "1,000 connections is a load level, not a bound; the node's cap is its own (tests/system)",
    "STG-AUDIT-026": "a start-up setting: 89 days refused and 90 accepted is tests/unit/node/test_audit_export.py "
                     "(a run cannot restart the node with flags); over HTTP only the reported retention >= 90",
    "STG-TOMB-014": "an upper bound on latency (60 s): the check asks on the very next request, far inside; no "
                    "outside side without waiting a minute",
    "STG-TOMB-020": "an upper bound on latency (60 s): the checks pull until the peer's tombstone filters, far "
                    "inside; no outside side without waiting a minute",
    "STG-TOMB-022": "a 5-minute polling cadence: judged only with --tombstone-poll-wait 310 or more (not in the "
                    "default run), and only from inside",
    "STG-REC-013": "the cursor TTL of 300 s needs five minutes or a controllable clock (cursors are opaque, a forged "
                   "one is only 400); next_cursor at an exact division is checked (graph_cursor_rules)",
    "STG-REC-016": "force_refresh's 500 ms is a latency bound, checked at 500 ms + slack above an unforced recall; no "
                   "client can make a refresh take 499 or 501 ms",
    "STG-REC-018": "the replay window of 3600 s needs an hour or a controllable clock; the check requirements.json "
                   "names (http:subscription_replay_window) is registered nowhere, the reference node serves no "
                   "subscriptions",
    "STG-QUOTA-013": "matched by 'Rate-limit', not a numeric bound (the body's exact members: quota_exceeded_response)",
    "STG-QUOTA-015": "a client rule (Retry-After, back-off with jitter): the suite's own clients, not the node",
    "STG-TLS-014": "certificate lifetime is the operator's issuing policy; the suite's throwaway certificates live "
                   "a day",
    "STG-KEY-004": "age in days: every key a run can make is 0 days old; the 1-day boundary needs a controllable clock",
    "STG-KEY-006": "the node lists no capability issuer key yet (untestable); the 90-day due date is in the node's "
                   "unit tests",
    "STG-KEY-019": "rotation cadence (365/90 days, at most weekly): an operator's schedule, not observable in one run",
    "STG-KEY-021": "once a minute: a second fetch 60 s later needs a minute's wait; checked from inside only (five "
                   "tokens in 1 s make at most one fetch)",
    "STG-CAP-018": "the receivers' 60 s cache floor: a refetch at 59 s vs 61 s needs a minute's wait; checked from "
                   "inside (a list served with ttl_s 0 is fetched once for four presentations) and the published "
                   "ttl_s >= 60",
    "STG-CAP-024": "the 60 s cache floor: a refetch at 59 s vs 61 s needs a minute's wait; checked from inside only "
                   "(capability_peer_revocations: a list served with ttl_s 0 is fetched once for four presentations)",
}


def _requirements() -> list[dict[str, object]]:
    return json.loads((ROOT / "vectors" / "requirements.json").read_text())["requirements"]


def _vector_ids() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "vectors").glob("*/*.json"):
        data = json.loads(path.read_text())
        for v in data.get("vectors", []) if isinstance(data, dict) else []:
            found.add(v["id"])
    return found


def test_every_numbered_rule_is_inventoried() -> None:
    numbered = {str(r["id"]) for r in _requirements()
                if r["status"] == "active" and NUMBERED.search(str(r["summary"]))}
    missing = sorted(numbered - set(EDGES) - set(OPEN))
    assert not missing, f"numbered requirements with no edge pair and no OPEN entry: {missing}"
    assert not set(EDGES) & set(OPEN)


def test_edge_ids_exist() -> None:
    known = {str(r["id"]) for r in _requirements()}
    vectors = _vector_ids()
    for req, sides in EDGES.items():
        assert req in known, req
        for side in sides:
            assert side, f"{req}: an empty side"
            for ident in side:
                assert ident in REGISTRY or ident in vectors, f"{req}: unknown check or vector {ident}"
    assert set(OPEN) <= known
