"""Cursor pagination and totals (Spec-03 Pagination; A08 §5.2, §5.8, §5.9)."""

from __future__ import annotations

from conformance.checks.registry import Context, check, expect, expect_status, ids

PAGE_SIZES = (1, 2, 3, 7, 50)


def _walk(ctx: Context, entity: str, limit: int, key: str = "admin", **params: object) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        query = {"entity": entity, "limit": str(limit), **params, **({"cursor": cursor} if cursor else {})}
        ex = ctx.query(key=key, **query)
        expect_status(ex, (200,))
        body = ex.json or {}
        page = ids(ex)
        expect(len(page) <= limit, f"page of {len(page)} rows exceeds limit {limit}")
        seen.extend(page)
        cursor = body.get("cursor")
        if not cursor:
            return seen
        expect(bool(page), "a non-final page is empty")
    raise AssertionError("pagination did not end within 200 pages")


@check("http:pagination_complete", requirements=("STG-HTTP-011",))
def pagination_complete(ctx: Context) -> None:
    """Following cursors yields every matching fact exactly once, for every page size, in order."""
    entity = ctx.unique("pages")
    made = [ctx.assert_fact(ctx.fact(entity, str(i), relation=f"memory:p{i:02d}"))["id"] for i in range(23)]
    full = ids(ctx.query(entity=entity, limit="500"))
    expect(sorted(full) == sorted(made), f"one big page returned {len(full)} of {len(made)} facts")
    for size in PAGE_SIZES:
        walked = _walk(ctx, entity, size)
        dupes = {i for i in walked if walked.count(i) > 1}
        expect(not dupes, f"limit={size}: rows repeated across pages: {sorted(dupes)[:5]}")
        missing = set(made) - set(walked)
        expect(not missing, f"limit={size}: {len(missing)} facts never returned, e.g. {sorted(missing)[:3]}")
        expect(walked == full, f"limit={size}: page order differs from a single page")


@check("http:cursor_pagination", requirements=("STG-HTTP-004",))
def cursor_pagination(ctx: Context) -> None:
    """A page with more rows behind it returns a cursor; the last page returns cursor null."""
    entity = ctx.unique("cursor")
    for i in range(3):
        ctx.assert_fact(ctx.fact(entity, str(i), relation=f"memory:c{i}"))
    first = ctx.query(entity=entity, limit="2").json or {}
    expect(isinstance(first.get("cursor"), str) and first["cursor"], f"no cursor on a partial page: {first}")
    last = ctx.query(entity=entity, limit="2", cursor=first["cursor"]).json or {}
    expect(len(last.get("facts", [])) == 1 and last.get("cursor") is None, f"last page: {last}")


@check("http:total_post_filter", requirements=("STG-HTTP-013",))
def total_post_filter(ctx: Context) -> None:
    """total is the full number of matching facts after every filter, not the page size (total_count)."""
    entity = ctx.unique("total")
    for i in range(5):
        ctx.assert_fact(ctx.fact(entity, str(i), relation=f"memory:t{i}"))
    ctx.assert_fact(ctx.fact(entity, "old", relation="memory:gone", valid_until="2000-01-01T00:00:00Z"))
    body = ctx.query(entity=entity, limit="2").json or {}
    want = 2 if ctx.interpretations.get("total_count") == "page" else 5
    expect(body.get("total") == want, f"total is {body.get('total')!r} for 5 visible facts in pages of 2, not {want}")


@check("http:bad_cursor_rejected", requirements=("STG-HTTP-012",))
def bad_cursor_rejected(ctx: Context) -> None:
    """A cursor the node did not issue is refused (400/422), also a tampered one."""
    entity = ctx.unique("badcursor")
    for i in range(3):
        ctx.assert_fact(ctx.fact(entity, str(i), relation=f"memory:b{i}"))
    cursor = (ctx.query(entity=entity, limit="1").json or {}).get("cursor") or ""
    for bad in ("garbage", cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"), "%00", "x" * 600):
        ex = ctx.query(entity=entity, cursor=bad)
        expect(ex.status in (400, 422), f"cursor {bad[:20]!r}: {ex.brief()}")


@check("http:bad_limit_rejected", requirements=("STG-HTTP-012",))
def bad_limit_rejected(ctx: Context) -> None:
    """limit outside 1..500 or not an integer is refused (400/422); 1 and 500 are accepted."""
    entity = ctx.unique("limit")
    for bad in ("0", "501", "-1", "1.5", "ten", ""):
        ex = ctx.query(entity=entity, limit=bad)
        expect(ex.status in (400, 422), f"limit={bad!r}: {ex.brief()}")
    for good in ("1", "500"):
        expect_status(ctx.query(entity=entity, limit=good), (200,))


@check("http:query_param_validation", requirements=("STG-QRY-010",))
def query_param_validation(ctx: Context) -> None:
    """Malformed filters are refused (400/422), never ignored or a 5xx."""
    entity = ctx.unique("params")
    cases = {"min_confidence": ("2", "-1", "x"), "include_expired": ("maybe",), "include_contradicted": ("2",),
             "scope": ("universe",), "after": ("yesterday",)}
    for param, values in cases.items():
        for value in values:
            ex = ctx.query(entity=entity, **{param: value})
            expect(ex.status in (400, 422), f"{param}={value!r}: {ex.brief()}")


@check("http:total_follows_the_query", requirements=("STG-HTTP-013",))
def total_follows_the_query(ctx: Context) -> None:
    """total counts the query asked, also when a cursor issued for another query is sent with it: a cursor from
    a walk over 6 facts, sent with a filter matching 1, answers total 1 (a node carrying the first page's count in
    its cursors must not carry it to other filters)."""
    entity = ctx.unique("totalquery")
    for i in range(6):
        ctx.assert_fact(ctx.fact(entity, str(i), relation=f"memory:t{i}"))
    first = ctx.query(entity=entity, limit="2").json or {}
    expect(first.get("total") == 6 and isinstance(first.get("cursor"), str), f"the first page of 6: {first}")
    narrowed = ctx.query(entity=entity, limit="2", relation="memory:t0", cursor=first["cursor"])
    if narrowed.status in (400, 422):
        return  # refusing a cursor issued for other filters is as good
    expect_status(narrowed, (200,))
    total = (narrowed.json or {}).get("total")
    expect(total == 1, f"a cursor of a 6-fact walk sent with relation=memory:t0 answered total {total!r}, not 1")
