"""Scope enforcement for API keys (Spec-02 Scope Enforcement; A08 §3.5)."""

from __future__ import annotations

from conformance.checks.registry import Context, check, expect, expect_status, ids


def _pair(ctx: Context) -> tuple[str, str, str]:
    entity = ctx.unique("scope")
    local = ctx.assert_fact(ctx.fact(entity, "mine", scope="local"))["id"]
    company = ctx.assert_fact(ctx.fact(entity, "theirs", scope="company", relation="memory:title"))["id"]
    return entity, local, company


@check("http:scope_write_enforced", requirements=("STG-SCOPE-001",), needs=("writer_local",))
def scope_write_enforced(ctx: Context) -> None:
    """A key for local cannot write a company or public fact (403), and nothing is stored."""
    ctx.need_key("writer_local")
    entity = ctx.unique("scope")
    for scope in ("company", "public"):
        ex = ctx.request("POST", "/v1/facts", key="writer_local", json_body=ctx.fact(entity, scope=scope))
        expect_status(ex, (403,))
    expect_status(ctx.request("POST", "/v1/facts", key="writer_local", json_body=ctx.fact(entity)), (201,))
    expect(len(ids(ctx.query(entity=entity))) == 1, "a refused write was stored")


@check("http:scope_read_isolation", requirements=("STG-SCOPE-002",), needs=("reader_local",))
def scope_read_isolation(ctx: Context) -> None:
    """A key for local never reads company facts in a global query."""
    ctx.need_key("reader_local")
    entity, local, company = _pair(ctx)
    got = ids(ctx.query(key="reader_local", entity=entity))
    expect(company not in got, f"a local-only key read the company fact {company}")
    expect(local in got, f"a local-only key did not read its own-scope fact {local}")
    total = (ctx.query(key="reader_local", entity=entity).json or {}).get("total")
    expect(total in (1, None), f"total {total} counts a fact the key cannot read")


@check("http:scope_read_additive", requirements=("STG-SCOPE-003",), needs=("reader_all",))
def scope_read_additive(ctx: Context) -> None:
    """A key for several scopes reads facts of all of them in one query."""
    ctx.need_key("reader_all")
    entity, local, company = _pair(ctx)
    got = set(ids(ctx.query(key="reader_all", entity=entity)))
    expect({local, company} <= got, f"expected both {local} and {company}, got {sorted(got)}")


@check("http:scope_query_outside_key_forbidden", requirements=("STG-SCOPE-005",), needs=("reader_local",))
def scope_query_outside_key(ctx: Context) -> None:
    """Asking for scope=company with a local-only key is 403."""
    ctx.need_key("reader_local")
    entity, _, _ = _pair(ctx)
    expect_status(ctx.query(key="reader_local", entity=entity, scope="company"), (403,))


@check("http:scope_single_fact_read", requirements=("STG-SCOPE-004",), needs=("reader_local",))
def scope_single_fact_read(ctx: Context) -> None:
    """Reading a fact of another scope by id is 404, indistinguishable from a missing fact."""
    ctx.need_key("reader_local")
    _, local, company = _pair(ctx)
    expect_status(ctx.request("GET", f"/v1/facts/{company}", key="reader_local"), (404,))
    expect_status(ctx.request("GET", f"/v1/facts/{local}", key="reader_local"), (200,))


@check("http:scope_all_but_one", ("STG-SCOPE-003",))
def scope_all_but_one(ctx: Context) -> None:
    """The near miss of an unrestricted key: one allowed for every scope but X reads every scope but X, for each X
    (a global query and scope=X, which is 403 or empty)."""
    entity = ctx.unique("all-but-one")
    written = {scope: ctx.assert_fact(ctx.fact(entity, scope, relation=f"test:{scope}", scope=scope))["id"]
               for scope in ("local", "team", "company", "public")}
    for missing in written:
        allowed = [s for s in written if s != missing]
        key = ctx.mint_key(f"reader_but_{missing}", ["read"], allowed)
        got = set(ids(ctx.query(key=key, entity=entity)))
        want = {written[s] for s in allowed}
        expect(got == want, f"a key for {allowed} read {sorted(got)} on a global query, expected {sorted(want)}")
        ex = ctx.query(key=key, entity=entity, scope=missing)
        expect(ex.status == 403 or (ex.status == 200 and not (ex.json or {}).get("facts")),
               f"a key for {allowed} asking scope={missing} got {ex.brief()}")
