"""Checks at the edges of numbered rules: just inside and just outside each bound, and near-miss credentials.

Issue 10 "Edge discipline". Each check names the bound it probes; ``tests/test_edges.py`` lists the numbered
requirements with the checks and vectors that test each side of the bound.
"""

from __future__ import annotations

import secrets

from conformance.checks.registry import Context, Skip, check, expect, expect_status, ids

SCOPES = ("local", "team", "company", "public")
SMALLEST_DOUBLE = 5e-324
ABOVE_ONE = 1.0000000000000002


@check("http:edge_confidence_bounds", requirements=("STG-FACT-001", "STG-CONF-001", "STG-CONF-010"))
def edge_confidence_bounds(ctx: Context) -> None:
    """confidence 0, the smallest positive double and 1 are accepted; just above 1 and just below 0 are 422;
    a sibling at the smallest positive confidence contradicts, one at 0.0 does not (confidence > 0)."""
    entity = ctx.unique("edgeconf")
    for good in (0.0, SMALLEST_DOUBLE, 1.0):
        record = ctx.assert_fact(ctx.fact(entity, f"g{good!r}", relation=f"memory:g{len(repr(good))}",
                                          confidence=good))
        expect(record.get("confidence") == good, f"confidence {good!r} stored as {record.get('confidence')!r}")
    for bad in (ABOVE_ONE, -SMALLEST_DOUBLE, 1.5):
        ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, "b", confidence=bad))
        expect(ex.status == 422, f"confidence {bad!r}: {ex.brief()}")
    triple = ctx.unique("edgeconf-pair")
    low = ctx.assert_fact(ctx.fact(triple, "A", confidence=SMALLEST_DOUBLE))
    high = ctx.assert_fact(ctx.fact(triple, "B", confidence=1.0))
    flags = {f["id"]: f.get("contradicted") for f in
             (ctx.query(entity=triple, include_contradicted=True).json or {}).get("facts", [])}
    expect(flags.get(low["id"]) is True and flags.get(high["id"]) is True,
           f"confidence {SMALLEST_DOUBLE} vs 1.0 on one triple with different values is no contradiction: {flags}")
    zero = ctx.unique("edgeconf-zero")
    ctx.assert_fact(ctx.fact(zero, "A", confidence=0.0))
    ctx.assert_fact(ctx.fact(zero, "B", confidence=1.0))
    flags = {f["id"]: f.get("contradicted") for f in
             (ctx.query(entity=zero, include_contradicted=True).json or {}).get("facts", [])}
    expect(not any(flags.values()), f"a confidence-0.0 sibling made a contradiction: {flags}")


def _make_key(ctx: Context, scopes: list[str], permissions: tuple[str, ...] = ("read",)) -> str:
    ctx.need_admin()
    body = {"entity_uri": f"stigmem://conformance.test/agent/edge-{ctx.run_id}-{secrets.token_hex(2)}",
            "permissions": list(permissions), "allowed_scopes": scopes}
    made = ctx.request("POST", "/v1/auth/keys", json_body=body)
    raw = (made.json or {}).get("key") if isinstance(made.json, dict) else None
    if made.status == 422 and "raw_key" in made.text:
        raw = secrets.token_hex(24)
        made = ctx.request("POST", "/v1/auth/keys", json_body={**body, "raw_key": raw})
    # As in http:revoked_key_401: the admin key may create keys, so a node that does not is wrong, not skipped.
    expect(made.status == 201 and isinstance(raw, str), f"POST /v1/auth/keys did not create a key: {made.brief()}")
    return raw


def _as(ctx: Context, raw: str, method: str, path: str, **kw: object) -> tuple[int, object]:
    ex = ctx.target.request(method, path, key=None, headers={"Authorization": f"Bearer {raw}"}, **kw)  # type: ignore[arg-type]
    return ex.status, ex.json


@check("http:edge_api_key_near_miss", requirements=("STG-AUTH-002", "STG-AUTH-005"))
def edge_api_key_near_miss(ctx: Context) -> None:
    """A key with its last or first character changed, a prefix of it, or it plus one character, is 401."""
    if not ctx.auth_required:
        raise Skip("the node runs with auth none")
    raw = _make_key(ctx, ["local"])
    params = {"entity": ctx.unique("nearmiss")}
    expect(_as(ctx, raw, "GET", "/v1/facts", params=params)[0] == 200, "the freshly made key is refused")
    flip = {"a": "b", "b": "a"}
    def changed(c: str) -> str:
        return flip.get(c, "a")
    misses = {"last character changed": raw[:-1] + changed(raw[-1]),
              "first character changed": changed(raw[0]) + raw[1:],
              "prefix (all but the last)": raw[:-1], "first half": raw[: len(raw) // 2],
              "one character appended": raw + "a", "upper-cased": raw.upper() if raw.upper() != raw else raw + "Z"}
    for what, bad in misses.items():
        status, _ = _as(ctx, bad, "GET", "/v1/facts", params=params)
        expect(status == 401, f"API key with its {what} answered {status}, not 401")


@check("http:edge_write_scope_matrix", requirements=("STG-SCOPE-001",))
def edge_write_scope_matrix(ctx: Context) -> None:
    """Every single-scope writing key and two keys of two scopes x every fact scope: the write is 201 exactly when
    its scope is one the key allows; scopes are a set, so a wider scope does not admit a narrower one (403)."""
    entity = ctx.unique("write-matrix")
    for allowed in [[s] for s in SCOPES] + [["team", "company"], ["local", "public"]]:
        raw = _make_key(ctx, allowed, ("read", "write"))
        for scope in SCOPES:
            status, body = _as(ctx, raw, "POST", "/v1/facts",
                               json_body=ctx.fact(entity, f"{'-'.join(allowed)} in {scope}", scope=scope))
            want = 201 if scope in allowed else 403
            expect(status == want, f"key allowed {allowed} writing a {scope} fact answered {status}, not {want}: "
                                   f"{str(body)[:200]}")


@check("http:edge_scope_matrix", requirements=("STG-SCOPE-004", "STG-SCOPE-005", "STG-SCOPE-007",
                                                "STG-CID-008", "STG-CID-009"))
def edge_scope_matrix(ctx: Context) -> None:
    """Every single-scope key and a two-scope key x every fact scope x every read route: a fact is readable
    (list, list filtered by scope, by id, by CID, verify-cid, conflicts) exactly when its scope is allowed."""
    entity = ctx.unique("matrix")
    facts: dict[str, dict[str, object]] = {}
    for scope in SCOPES:
        facts[scope] = ctx.assert_fact(ctx.fact(entity, "A", relation=f"memory:{scope}", scope=scope))
        ctx.assert_fact(ctx.fact(entity, "B", relation=f"memory:{scope}", scope=scope))
    key_sets = [[s] for s in SCOPES] + [["team", "company"], ["local", "public"]]
    for allowed in key_sets:
        raw = _make_key(ctx, allowed)
        status, body = _as(ctx, raw, "GET", "/v1/facts",
                           params={"entity": entity, "include_contradicted": "true", "limit": "500"})
        expect(status == 200, f"key {allowed}: list answered {status}")
        got = {f.get("scope") for f in (body or {}).get("facts", [])}  # type: ignore[union-attr]
        expect(got == set(allowed), f"key {allowed}: unfiltered list shows scopes {sorted(got)}")
        status, listing = _as(ctx, raw, "GET", "/v1/conflicts", params={"status": "unresolved", "limit": "500"})
        expect(status == 200, f"key {allowed}: conflicts answered {status}")
        for scope, fact in facts.items():
            inside = scope in allowed
            status, body = _as(ctx, raw, "GET", "/v1/facts",
                               params={"entity": entity, "scope": scope, "include_contradicted": "true"})
            expect(status == (200 if inside else 403), f"key {allowed}, scope={scope} filter: {status}")
            if inside:
                expect({f.get("scope") for f in (body or {}).get("facts", [])} == {scope},  # type: ignore[union-attr]
                       f"key {allowed}, scope={scope} filter returned other scopes")
            for route in (f"/v1/facts/{fact['id']}", f"/v1/facts/{fact['cid']}"):
                status, _ = _as(ctx, raw, "GET", route)
                expect(status == (200 if inside else 404), f"key {allowed}, {scope} fact via {route}: {status}")
            status, _ = _as(ctx, raw, "POST", f"/v1/facts/{fact['id']}/verify-cid")
            expect(status == (200 if inside else 404), f"key {allowed}, verify-cid of a {scope} fact: {status}")
        ours = {(c.get("fact_a") or {}).get("scope") for c in (listing or {}).get("conflicts", [])  # type: ignore[union-attr]
                if (c.get("fact_a") or {}).get("entity") == entity}
        expect(ours == set(allowed), f"key {allowed}: conflicts listed for scopes {sorted(map(str, ours))}")


@check("http:edge_page_exact_boundary", requirements=("STG-HTTP-011",))
def edge_page_exact_boundary(ctx: Context) -> None:
    """With the page size dividing the result exactly, the last full page has cursor null (no empty page after
    it); one more fact than the page size gives a cursor and a one-row last page; limit 1 and 500 accepted,
    0 and 501 refused."""
    entity = ctx.unique("exact")
    made = [ctx.assert_fact(ctx.fact(entity, str(i), relation=f"memory:x{i}"))["id"] for i in range(6)]
    for size in (1, 2, 3, 6):
        seen: list[str] = []
        cursor = None
        for page_no in range(6 // size):
            body = ctx.query(entity=entity, limit=str(size), **({"cursor": cursor} if cursor else {})).json or {}
            page = ids_of(body)
            expect(len(page) == size, f"limit={size}, page {page_no}: {len(page)} rows")
            seen.extend(page)
            cursor = body.get("cursor")
            last = page_no == 6 // size - 1
            expect((cursor is None) == last, f"limit={size}, page {page_no} of {6 // size}: cursor {cursor!r}")
        expect(sorted(seen) == sorted(made) and len(set(seen)) == 6, f"limit={size}: walked {seen}")
    body = ctx.query(entity=entity, limit="5").json or {}
    expect(len(ids_of(body)) == 5 and isinstance(body.get("cursor"), str), f"limit=5 of 6: {body.get('cursor')!r}")
    tail = ctx.query(entity=entity, limit="5", cursor=body["cursor"]).json or {}
    expect(len(ids_of(tail)) == 1 and tail.get("cursor") is None, f"last page of 6 by 5: {tail}")
    for limit, want in (("0", (400, 422)), ("1", (200,)), ("500", (200,)), ("501", (400, 422))):
        expect_status(ctx.query(entity=entity, limit=limit), want)


def ids_of(body: dict[str, object]) -> list[str]:
    return [str(f.get("id")) for f in body.get("facts", []) if isinstance(f, dict)]  # type: ignore[union-attr]


@check("http:edge_contradiction_siblings", requirements=("STG-CONF-001", "STG-CONF-009", "STG-CONF-010"))
def edge_contradiction_siblings(ctx: Context) -> None:
    """A new value on a triple with one, two and three earlier differing siblings, beside an expired and a
    retracted one: the expired and retracted siblings are never paired, nothing is lost from include_contradicted,
    and the new fact is paired with every live sibling (conflict_cardinality=pairwise) or with the current winner,
    the latest live sibling at equal confidence, while every live sibling stays in some conflict (winner)."""
    for n in (1, 2, 3):
        entity = ctx.unique(f"sib{n}")
        live = [ctx.assert_fact(ctx.fact(entity, f"v{i}"))["id"] for i in range(n)]
        retraction = ctx.assert_fact(ctx.fact(entity, "gone", confidence=0.0))["id"]
        expired = ctx.assert_fact(ctx.fact(entity, "old", valid_until="2001-01-01T00:00:00Z"))["id"]
        newest = ctx.assert_fact(ctx.fact(entity, "new"))["id"]
        listed = ctx.request("GET", "/v1/conflicts", params={"status": "unresolved", "limit": "500"}).json or {}
        pairs: set[frozenset[object]] = set()
        members: set[object] = set()
        for c in listed.get("conflicts", []):
            ends = {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")}
            for m in c.get("members") or []:
                ends.add(m.get("id") if isinstance(m, dict) else m)
            if ends & ({newest, expired, retraction} | set(live)):
                pairs.add(frozenset(ends))
                members |= ends
        pairwise = ctx.interpretations.get("conflict_cardinality", "winner") == "pairwise"
        for sibling in live if pairwise else live[-1:]:
            expect(any({sibling, newest} <= p for p in pairs),
                   f"{n} live siblings: {sibling} is not paired with the new fact; conflicts {pairs}")
        expect(set(live) <= members, f"{n} live siblings: a live sibling is in no conflict; conflicts {pairs}")
        expect(expired not in members and retraction not in members,
               f"{n} live siblings: the expired or the retraction row is in a conflict")
        everything = set(ids(ctx.query(entity=entity, include_contradicted=True, include_expired=True)))
        expect(everything == {*live, retraction, expired, newest}, f"{n} siblings: facts lost {everything}")


@check("http:edge_valid_until_every_month", requirements=("STG-EXP-001", "STG-EXP-004", "STG-EXP-005"))
def edge_valid_until_every_month(ctx: Context) -> None:
    """valid_until on the 1st, the 15th and the last day of every month of a year ahead (and 29 February of the next
    leap year) leaves the fact live; the same days of a year back leave it expired. A node that turns one month's
    dates into the wrong instant (a calendar table off by a month, February taken for a 30-day month) hides or
    shows that month's facts: each month is its own relation, so the failure names it."""
    import datetime as dt

    today = dt.datetime.now(dt.UTC).date()
    entity = ctx.unique("edge-months")
    expected: dict[str, bool] = {}

    def days(year: int) -> list[dt.date]:
        out = []
        for month in range(1, 13):
            last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
            out += [dt.date(year, month, d) for d in (1, 15, last)]
        return out

    leap = next(y for y in range(today.year + 1, today.year + 9) if y % 4 == 0 and (y % 100 or y % 400 == 0))
    ahead = [d for d in days(today.year + 1) if d > today + dt.timedelta(days=2)] + [dt.date(leap, 2, 29)]
    back = [d for d in days(today.year - 1) if d < today - dt.timedelta(days=2)]
    facts = []
    for live, dates in ((True, ahead), (False, back)):
        for d in dates:
            relation = f"memory:until-{d.isoformat()}"
            expected[relation] = live
            facts.append(ctx.fact(entity, d.isoformat(), relation=relation,
                                  valid_until=f"{d.isoformat()}T12:00:00Z"))
    for body in facts:
        ctx.assert_fact(body)
    seen: set[str] = set()
    cursor = None
    for _ in range(20):  # bounded walk: 80 facts at most, pages of 50
        page = ctx.query(entity=entity, limit=50, **({"cursor": cursor} if cursor else {}))
        expect_status(page, (200,))
        body = page.json or {}
        seen |= {f.get("relation") for f in body.get("facts", [])}
        cursor = body.get("next_cursor")
        if not cursor:
            break
    hidden = sorted(r for r, live in expected.items() if live and r not in seen)
    shown = sorted(r for r, live in expected.items() if not live and r in seen)
    expect(not hidden, f"facts whose valid_until is a year ahead are not returned (taken as expired): {hidden}")
    expect(not shown, f"facts whose valid_until passed a year ago are returned (taken as live): {shown}")
