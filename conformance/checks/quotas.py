"""Per-principal quotas (A20 §22.4; Spec-10 "Quotas And Rate Limits"; seed "Security hardening"), over HTTP only.

The node has no clock the suite can drive, so each check gives a key of its own a small limit through the admin
QuotaPolicy (``PUT /v1/admin/quota-policy``; A20 names the document, not a route) and judges ``retry_after``
against the wall-clock interval the suite itself measured around the requests: the node's elapsed time between
two charges lies between the gap the suite left and the span it saw. The exact arithmetic (fractional rates, the
ceiling, idle caps) is pinned by the golden vectors vectors/quotas/schedule.json instead.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any

from conformance.checks.registry import Context, NotImplementedByNode, Skip, check, expect, expect_error, expect_status
from conformance.harness.http_target import Exchange, HttpTarget

POLICY = "/v1/admin/quota-policy"
AUDIT = "/v1/admin/audit-log"
# Every check sets its limits through the admin route and charges fact_write / fact_read by the map of quota_routes.
READINGS = {"quota_policy_route": "admin-route", "quota_routes": "ref-map"}
EPS = 1e-6  # seconds: the node's microsecond clock and the double in the body


def _principal(ctx: Context, name: str) -> str:
    """The entity URI ``ctx.mint_key(name, ...)`` gives its key (the principal of its buckets)."""
    return f"stigmem://conformance.test/agent/{name}-{ctx.run_id}"


def _limited(ctx: Context, name: str, permissions: list[str], **limits: tuple[int, float]) -> tuple[str, str]:
    """A fresh key ``name`` whose principal gets ``limits`` ({dimension: (capacity, rate)}); (key, principal)."""
    key = ctx.mint_key(name, permissions, ["local"])
    principal = _principal(ctx, name)
    body = {"principal": principal, "limits": {d: {"capacity": c, "rate": r} for d, (c, r) in limits.items()}}
    ex = ctx.request("PUT", POLICY, json_body=body)
    if ex.status in (404, 405, 501):
        raise NotImplementedByNode(f"PUT {POLICY} answered {ex.status}: no admin QuotaPolicy route")
    expect_status(ex, (200,))
    return key, principal


def _header(ex: Exchange, name: str) -> str | None:
    return next((v for k, v in ex.headers.items() if k.lower() == name.lower()), None)


def _refusal(ex: Exchange, dimension: str, principal: str) -> float:
    """STG-QUOTA-008/010: a 429 with exactly the A20 body and ``Retry-After`` = ceil(retry_after); its retry_after."""
    expect_status(ex, (429,))
    body = ex.json
    expect(isinstance(body, dict) and set(body) == {"error", "dimension", "principal", "retry_after"},
           f"the 429 body must be exactly {{error, dimension, principal, retry_after}}: {ex.brief()}")
    assert isinstance(body, dict)
    expect(body["error"] == "quota_exceeded", f"error is {body['error']!r}, not 'quota_exceeded'")
    expect(body["dimension"] == dimension, f"dimension is {body['dimension']!r}, not {dimension!r}")
    expect(body["principal"] == principal, f"principal is {body['principal']!r}, not the caller's {principal!r}")
    wait = body["retry_after"]
    expect(isinstance(wait, int | float) and not isinstance(wait, bool) and wait > 0,
           f"retry_after must be a positive number of seconds: {wait!r}")
    header = _header(ex, "Retry-After")
    expect(header is not None and header.isascii() and header.isdigit(),
           f"a 429 carries Retry-After as whole seconds: {header!r}")
    assert header is not None
    expect(int(header) == math.ceil(wait), f"Retry-After {header} is not the integer ceiling of retry_after {wait}")
    return float(wait)


@check("http:quota_exceeded_response",
       requirements=("STG-QUOTA-003", "STG-QUOTA-008", "STG-QUOTA-009", "STG-QUOTA-010", "STG-QUOTA-013"),
       profile="hardening", interpretations=READINGS)
def quota_exceeded_response(ctx: Context) -> None:
    """Capacity 2 at 0.25 token/s: two writes pass, the third (1 s later) is 429 with exactly the A20 body,
    retry_after = (1 - current) / rate for the refill the suite's own clock allows, and Retry-After its ceiling.
    A third write that passes after 4 s or more (a slow machine) had its token refilled: up to three tries, each
    with a fresh principal, before the check fails."""
    rate = 0.25
    for attempt in range(3):
        key, principal = _limited(ctx, f"q_shape{attempt}", ["read", "write"],
                                  fact_write=(2, rate))
        start = time.monotonic()
        for n in range(2):
            ctx.assert_fact(ctx.fact(ctx.unique("quota"), f"v{n}"), key=key)
        second_done = time.monotonic()
        time.sleep(1.0)
        sent = time.monotonic()
        refused = ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(ctx.unique("quota"), "v2"))
        done = time.monotonic()
        if refused.status != 429 and done - start >= 1 / rate - EPS and attempt < 2:
            continue  # inconclusive: a token was due
        break
    wait = _refusal(refused, "fact_write", principal)
    # The bucket was full at the first charge; the refusal's refill lies between the gap left and the span seen.
    low, high = 1 / rate - (done - start), 1 / rate - (sent - second_done)
    expect(low - EPS <= wait <= high + EPS,
           f"retry_after {wait} is not (1 - current) / rate: with {sent - second_done:.3f}..{done - start:.3f} s of "
           f"refill at {rate}/s it lies in [{low:.3f}, {high:.3f}]")
    again = ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(ctx.unique("quota"), "v3"))
    expect(_refusal(again, "fact_write", principal) <= wait + EPS,
           "a second refusal was told to wait longer than the first: the refusal spent a token")


@check("http:quota_bound_concurrent",
       requirements=("STG-QUOTA-002", "STG-QUOTA-003", "STG-QUOTA-012", "STG-WORK-013"),
       profile="hardening", interpretations=READINGS)
def quota_bound_concurrent(ctx: Context) -> None:
    """After 2 s idle, 8 clients racing (at most 12 reads each, 5 s) get at most capacity + rate x elapsed reads
    through a 5 @ 2/s bucket, and at least its capacity: the idle refill stops at capacity, no token is spent twice.
    A race is conclusive when more reads were sent than the bucket could admit in its time; a node too slow for that
    (a loaded machine) gets up to three races, each with a fresh principal, before the check fails."""
    capacity, rate = 5, 2.0
    for attempt in range(3):
        key, principal = _limited(ctx, f"q_race{attempt}", ["read"], fact_read=(capacity, rate))
        statuses, named, elapsed = _race(ctx, key)
        expect(set(named) <= {principal}, f"429s named other principals: {sorted(map(str, set(named)))}")
        expect(set(statuses) <= {200, 429}, f"reads answered other statuses: {sorted(set(statuses))}")
        accepted, bound = statuses.count(200), capacity + rate * elapsed
        expect(accepted <= bound + EPS, f"{accepted} of {len(statuses)} concurrent reads passed in {elapsed:.3f} s; "
                                        f"a {capacity} @ {rate}/s bucket admits at most {bound:.2f}")
        expect(accepted >= capacity, f"only {accepted} reads passed a full bucket of {capacity}")
        if len(statuses) > bound + 1:
            break
    expect(statuses.count(429) > 0, f"none of {len(statuses)} reads was refused by a {capacity} @ {rate}/s bucket "
                                    f"in {elapsed:.1f} s (three races; a bucket admits {bound:.1f} in that time)")


def _race(ctx: Context, key: str, clients: int = 8, per_client: int = 12) -> tuple[list[int], list[object], float]:
    """One race of ``clients`` threads after a 2 s idle: the statuses, the principals 429s named, and the time from
    the first send to the last answer."""
    expect_status(ctx.request("GET", "/v1/facts", key=key, params={"limit": "1"}), (200,))
    time.sleep(2.0)  # refills the spent token and would bank 3 more without the cap
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    targets = [HttpTarget(ctx.target.base_url, {"q": ctx.target.keys[key]}, timeout=10.0, tls=ctx.target.tls)
               for _ in range(clients)]
    first_send: list[float] = []
    named: list[object] = []

    def client(target: HttpTarget) -> None:
        barrier.wait(timeout=10)
        deadline = time.monotonic() + 5.0
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            with lock:
                first_send.append(time.monotonic())
            ex = target.request("GET", "/v1/facts", key="q", params={"limit": "1"})
            with lock:
                results.append((ex.status, time.monotonic()))
                if ex.status == 429:
                    named.append(ex.json.get("principal") if isinstance(ex.json, dict) else None)

    threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in targets]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for target in targets:
            target.close()
    expect(bool(results) and bool(first_send), "none of the concurrent clients got an answer")
    return [status for status, _ in results], named, max(at for _, at in results) - min(first_send)


@check("http:quota_principal_isolation", requirements=("STG-QUOTA-001",), profile="hardening", interpretations=READINGS)
def quota_principal_isolation(ctx: Context) -> None:
    """One principal's empty fact_write bucket refuses only its own writes: another principal still writes, and
    the same principal still reads (its fact_read bucket is separate)."""
    a_key, a = _limited(ctx, "q_iso_a", ["read", "write"], fact_write=(1, 0.01))
    b_key, _ = _limited(ctx, "q_iso_b", ["read", "write"], fact_write=(1, 0.01))
    ctx.assert_fact(ctx.fact(ctx.unique("iso"), "a1"), key=a_key)
    _refusal(ctx.request("POST", "/v1/facts", key=a_key, json_body=ctx.fact(ctx.unique("iso"), "a2")), "fact_write", a)
    ctx.assert_fact(ctx.fact(ctx.unique("iso"), "b1"), key=b_key)
    expect_status(ctx.request("GET", "/v1/facts", key=a_key, params={"limit": "1"}), (200,))


@check("http:quota_policy_roundtrip", requirements=("STG-QUOTA-005",), profile="hardening", interpretations=READINGS)
def quota_policy_roundtrip(ctx: Context) -> None:
    """A principal's QuotaPolicy reads back as stored and is the limit in force; the node-wide policy is not
    changed by it (persistence across a restart is covered by the node's own tests: a run cannot restart it)."""
    _, principal = _limited(ctx, "q_policy", ["read"], fact_read=(7, 0.5), admin_action=(3, 0.25))
    ex = ctx.request("GET", POLICY, params={"principal": principal})
    expect_status(ex, (200,))
    doc: Any = ex.json
    expect(isinstance(doc, dict) and doc.get("principal") == principal, f"GET answered another principal: {ex.brief()}")
    want = {"fact_read": {"capacity": 7, "rate": 0.5}, "admin_action": {"capacity": 3, "rate": 0.25}}
    expect(doc.get("overrides") == want, f"stored overrides {doc.get('overrides')} are not {want}")
    limits = doc.get("limits") or {}
    for dimension, limit in want.items():
        expect(limits.get(dimension) == limit, f"{dimension} in force is {limits.get(dimension)}, not {limit}")
    node_wide = ctx.request("GET", POLICY)
    expect_status(node_wide, (200,))
    expect((node_wide.json or {}).get("limits", {}).get("fact_read") != want["fact_read"],
           "a principal's override changed the node-wide limit")


@check("http:quota_policy_change_applies_next", requirements=("STG-QUOTA-005",), profile="hardening",
       interpretations=READINGS)
def quota_policy_change_applies_next(ctx: Context) -> None:
    """A QuotaPolicy change is the limit in force from the next request on, for a principal already charged under
    the old one: lowered from 50 to 1 token, its next read is answered and the one after is 429; raised again to
    1000 at 100/s, a read 50 ms later is answered (a node that reset the bucket to the new capacity and one that
    refilled it under the new rate agree on every verdict here)."""
    key, principal = _limited(ctx, "q_change", ["read"], fact_read=(50, 0.01))
    for _ in range(2):
        expect_status(ctx.request("GET", "/v1/facts", key=key, params={"limit": "1"}), (200,))
    lowered = {"principal": principal, "limits": {"fact_read": {"capacity": 1, "rate": 0.01}}}
    expect_status(ctx.request("PUT", POLICY, json_body=lowered), (200,))
    expect_status(ctx.request("GET", "/v1/facts", key=key, params={"limit": "1"}), (200,))
    ex = ctx.request("GET", "/v1/facts", key=key, params={"limit": "1"})
    expect(ex.status == 429, f"after the override was lowered to 1 token, the second read answered {ex.brief()}: "
                             "the old limit is still in force")
    _refusal(ex, "fact_read", principal)
    raised = {"principal": principal, "limits": {"fact_read": {"capacity": 1000, "rate": 100}}}
    expect_status(ctx.request("PUT", POLICY, json_body=raised), (200,))
    time.sleep(0.05)
    ex = ctx.request("GET", "/v1/facts", key=key, params={"limit": "1"})
    expect(ex.status == 200, f"50 ms after the override was raised to 1000 at 100/s, a read answered {ex.brief()}: "
                             "the old limit is still in force")


@check("http:quota_policy_audited", requirements=("STG-AUDIT-029",), profile="hardening", interpretations=READINGS)
def quota_policy_audited(ctx: Context) -> None:
    """A QuotaPolicy change is an admin_action event in the audit export, naming the principal it changed (a
    principal nothing else has named: no key, no facts, so no other event can carry it)."""
    principal = ctx.unique("agent/q-audited")
    since = time.time()
    ex = ctx.request("PUT", POLICY, json_body={"principal": principal,
                                               "limits": {"fact_read": {"capacity": 6, "rate": 1}}})
    if ex.status in (404, 405, 501):
        raise NotImplementedByNode(f"PUT {POLICY} answered {ex.status}: no admin QuotaPolicy route")
    expect_status(ex, (200,))
    after = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(since - 60)) + "Z"  # a minute of clock skew allowed
    events: list[Any] = []
    cursor = None
    for _ in range(50):  # bounded walk over the admin_action events since the change
        page_ex = ctx.request("GET", AUDIT, params={"event_type": "admin_action", "after": after, "limit": 500,
                                                    **({"cursor": cursor} if cursor else {})})
        if page_ex.status in (404, 501):
            raise NotImplementedByNode(f"GET {AUDIT} answered {page_ex.status}")
        expect_status(page_ex, (200,))
        page: Any = page_ex.json or {}
        events += page.get("events") or []
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            break
    expect(any(principal in str(e.get("metadata")) and e.get("outcome") == "success" for e in events),
           f"the QuotaPolicy change for {principal} left no admin_action event naming it ({len(events)} seen)")


@check("http:quota_policy_validation", requirements=("STG-QUOTA-007",), profile="hardening", interpretations=READINGS)
def quota_policy_validation(ctx: Context) -> None:
    """capacity 0 or 2.5, rate 0, -1, "1" or 1e999 (infinite), an unknown dimension: 422 and nothing stored, not even
    the valid limit sent beside an invalid one; capacity 1 at rate 5e-324 (the least positive double) is stored."""
    _, principal = _limited(ctx, "q_valid", ["read"], fact_read=(4, 1))
    for limits in ({"fact_write": {"capacity": 0, "rate": 1}}, {"fact_write": {"capacity": 2.5, "rate": 1}},
                   {"fact_write": {"capacity": 1, "rate": 0}}, {"fact_write": {"capacity": 1, "rate": -1}},
                   {"fact_write": {"capacity": 1, "rate": "1"}}, {"no_such_dimension": {"capacity": 1, "rate": 1}},
                   {"fact_read": {"capacity": 9, "rate": 9}, "fact_write": {"capacity": 0, "rate": 1}}):
        ex = ctx.request("PUT", POLICY, json_body={"principal": principal, "limits": limits})
        expect_status(ex, (400, 422))
    # A rate of 1e999 is valid JSON that reads as an infinite double: not finite, refused.
    text = json.dumps({"principal": principal, "limits": {"fact_write": {"capacity": 1, "rate": "INF"}}})
    text = text.replace('"INF"', "1e999")
    ex = ctx.request("PUT", POLICY, content=text.encode(), headers={"Content-Type": "application/json"})
    expect_status(ex, (400, 422))
    got = ctx.request("GET", POLICY, params={"principal": principal})
    expect((got.json or {}).get("overrides") == {"fact_read": {"capacity": 4, "rate": 1}},
           f"a refused policy changed what is stored: {got.brief()}")
    # Just inside both floors: capacity 1 and the least positive double as the rate are stored as sent.
    _, edge = _limited(ctx, "q_valid_edge", ["read"], fact_write=(1, 5e-324))
    got = ctx.request("GET", POLICY, params={"principal": edge})
    expect((got.json or {}).get("overrides") == {"fact_write": {"capacity": 1, "rate": 5e-324}},
           f"capacity 1 at rate 5e-324 did not read back as stored: {got.brief()}")


@check("http:quota_policy_admin_only", requirements=("STG-QUOTA-006",), profile="hardening", interpretations=READINGS)
def quota_policy_admin_only(ctx: Context) -> None:
    """A key without admin cannot change (or read) the QuotaPolicy, not even its own: 403, and nothing changes."""
    key, principal = _limited(ctx, "q_nonadmin", ["read", "write"], fact_write=(1, 0.01))
    raise_own = {"principal": principal, "limits": {"fact_write": {"capacity": 1000, "rate": 1000}}}
    expect_error(ctx.request("PUT", POLICY, key=key, json_body=raise_own), (403,), None)
    expect_error(ctx.request("GET", POLICY, key=key), (403,), None)
    got = ctx.request("GET", POLICY, params={"principal": principal})
    expect((got.json or {}).get("overrides") == {"fact_write": {"capacity": 1, "rate": 0.01}},
           f"a non-admin PUT changed the policy: {got.brief()}")


# NOTE for the lead: the audit-log export route (GET /v1/admin/audit-log) is built on another branch; this check is
# written against its contract ({events in ascending seq, next_cursor, has_more}; events carry event_type,
# timestamp, actor_entity, outcome, metadata) and skips while the route answers 404.
@check("http:quota_breach_audited", requirements=("STG-QUOTA-011",), profile="hardening", interpretations=READINGS)
def quota_breach_audited(ctx: Context) -> None:
    """Each of three 429s leaves one quota_breach event in the audit-log export naming the principal, dimension
    and the retry_after it was told."""
    key, principal = _limited(ctx, "q_audit", ["read", "write"], fact_write=(1, 0.01))
    ctx.assert_fact(ctx.fact(ctx.unique("audit"), "a"), key=key)
    told = [_refusal(ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(ctx.unique("audit"), f"r{n}")),
                     "fact_write", principal) for n in range(3)]
    events: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(50):
        params = {"event_type": "quota_breach", "limit": "500", **({"cursor": cursor} if cursor else {})}
        ex = ctx.request("GET", "/v1/admin/audit-log", params=params)
        if ex.status == 404 and not events:
            raise Skip("GET /v1/admin/audit-log is not served (the export route lands on another branch)")
        expect_status(ex, (200,))
        page = ex.json if isinstance(ex.json, dict) else {}
        events += [e for e in page.get("events", []) if isinstance(e, dict)]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            break
    mine = [e for e in events if e.get("event_type") == "quota_breach"
            and (e.get("metadata") or {}).get("principal") == principal]
    expect(len(mine) == 3, f"{len(mine)} quota_breach events name {principal}; it was refused 3 times")
    for event, wait in zip(mine, told, strict=True):
        meta = event.get("metadata") or {}
        expect(meta.get("dimension") == "fact_write" and event.get("actor_entity") == principal,
               f"a quota_breach event does not name the dimension and principal: {event}")
        expect(event.get("outcome") == "denied", f"a quota_breach event has outcome {event.get('outcome')!r}, "
                                                 "not denied")
        expect(isinstance(meta.get("retry_after"), int | float) and abs(meta["retry_after"] - wait) <= EPS,
               f"the event records retry_after {meta.get('retry_after')}, the 429 said {wait}")


@check("http:quota_audit_export_dimension", requirements=("STG-QUOTA-014",), profile="hardening",
       interpretations=READINGS)
def quota_audit_export_dimension(ctx: Context) -> None:
    """An admin key whose audit_export bucket holds one token exports once; the second export is 429 naming
    audit_export, while its admin_action budget (a policy read) is untouched."""
    key, principal = _limited(ctx, "q_export", ["admin"], audit_export=(1, 0.01), admin_action=(5, 0.01))
    expect_status(ctx.request("GET", AUDIT, key=key, params={"limit": "1"}), (200,))
    _refusal(ctx.request("GET", AUDIT, key=key, params={"limit": "1"}), "audit_export", principal)
    for _ in range(4):
        expect_status(ctx.request("GET", POLICY, key=key, params={"principal": principal}), (200,))


@check("http:quota_token_issue_charged", requirements=("STG-QUOTA-014",), profile="hardening",
       interpretations=READINGS)
def quota_token_issue_charged(ctx: Context) -> None:
    """An admin key whose token_issue bucket holds one token mints one key; the second POST /v1/auth/keys is 429
    naming token_issue."""
    key, principal = _limited(ctx, "q_issue", ["read", "admin"], token_issue=(1, 0.01))
    made = []
    try:
        for n in range(2):
            ex = ctx.request("POST", "/v1/auth/keys", key=key, json_body={
                "entity_uri": f"{principal}/minted-{n}", "permissions": ["read"], "allowed_scopes": ["local"]})
            if ex.status == 201 and isinstance(ex.json, dict):
                made.append(ex.json.get("id"))
            if n == 0:
                expect_status(ex, (201,))
            else:
                _refusal(ex, "token_issue", principal)
    finally:
        for key_id in made:
            ctx.request("DELETE", f"/v1/auth/keys/{key_id}")


@check("http:quota_head_is_a_read", requirements=("STG-QUOTA-014",), profile="hardening", interpretations=READINGS)
def quota_head_is_a_read(ctx: Context) -> None:
    """HEAD /v1/facts is charged as a read: with one fact_write token and plenty of fact_read, three HEADs pass and
    the write after them still passes (then the next write is refused)."""
    key, principal = _limited(ctx, "q_head", ["read", "write"], fact_write=(1, 0.01), fact_read=(10, 0.01))
    for _ in range(3):
        ex = ctx.request("HEAD", "/v1/facts", key=key, params={"limit": "1"})
        expect(ex.status == 200, f"HEAD /v1/facts answered {ex.status}")
    ctx.assert_fact(ctx.fact(ctx.unique("head"), "w1"), key=key)
    _refusal(ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(ctx.unique("head"), "w2")), "fact_write",
             principal)


@check("http:quota_recall_is_a_read", requirements=("STG-QUOTA-014",), profile="hardening", interpretations=READINGS)
def quota_recall_is_a_read(ctx: Context) -> None:
    """POST /v1/recall is charged as a read: with one fact_write token and plenty of fact_read, three recalls pass
    and the write after them still passes (then the next write is refused)."""
    key, principal = _limited(ctx, "q_recall", ["read", "write"], fact_write=(1, 0.01), fact_read=(10, 0.01))
    for _ in range(3):
        ex = ctx.request("POST", "/v1/recall", key=key, json_body={"query": "quota", "token_budget": 100})
        if ex.status in (404, 405, 501):
            raise NotImplementedByNode(f"POST /v1/recall answered {ex.status}")
        expect(ex.status == 200, f"POST /v1/recall answered {ex.brief()}")
    ctx.assert_fact(ctx.fact(ctx.unique("recall"), "w1"), key=key)
    _refusal(ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(ctx.unique("recall"), "w2")),
             "fact_write", principal)


@check("http:quota_refused_requests_free", requirements=("STG-QUOTA-003",), profile="hardening",
       interpretations=READINGS)
def quota_refused_requests_free(ctx: Context) -> None:
    """A 403 costs nothing: a read-only key whose fact_write bucket holds one token is refused 403 on three writes,
    never 429 (the permission check comes before the charge)."""
    key, _ = _limited(ctx, "q_forbidden", ["read"], fact_write=(1, 0.01))
    for n in range(3):
        ex = ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(ctx.unique("forbidden"), f"f{n}"))
        expect(ex.status == 403, f"write {n + 1} by a read-only key answered {ex.brief()}, not 403")


@check("http:quota_principal_override_first", requirements=("STG-QUOTA-005",), profile="hardening",
       interpretations=READINGS)
def quota_principal_override_first(ctx: Context) -> None:
    """With a generous node-wide fact_read override in force, a principal's own 1-token override still limits it:
    its second read is 429 (the node-wide overrides are put back afterwards)."""
    before = ctx.request("GET", POLICY)
    if before.status in (404, 405, 501):
        raise NotImplementedByNode(f"GET {POLICY} answered {before.status}: no admin QuotaPolicy route")
    expect_status(before, (200,))
    stored = dict((before.json or {}).get("overrides") or {})
    key, principal = _limited(ctx, "q_first", ["read"], fact_read=(1, 0.01))
    wide = {**stored, "fact_read": {"capacity": 1000, "rate": 100}}
    expect_status(ctx.request("PUT", POLICY, json_body={"principal": None, "limits": wide}), (200,))
    try:
        expect_status(ctx.request("GET", "/v1/facts", key=key, params={"limit": "1"}), (200,))
        _refusal(ctx.request("GET", "/v1/facts", key=key, params={"limit": "1"}), "fact_read", principal)
    finally:
        ctx.request("PUT", POLICY, json_body={"principal": None, "limits": stored})
