"""API keys, permissions and auth modes (Spec-03 Authentication; A08 §3.5; A10 §18.7, §18.10)."""

from __future__ import annotations

import secrets

from conformance.checks.registry import Context, Skip, check, expect, expect_status


def _require_auth(ctx: Context) -> None:
    if not ctx.auth_required:
        raise Skip("the node runs with auth none")


@check("http:unauthenticated_401", requirements=("STG-AUTH-004",))
def unauthenticated_401(ctx: Context) -> None:
    """Without credentials, reads and writes are 401."""
    _require_auth(ctx)
    entity = ctx.unique("auth")
    expect_status(ctx.target.request("GET", "/v1/facts", key=None, params={"entity": entity}), (401,))
    ex = ctx.target.request("POST", "/v1/facts", key=None, json_body=ctx.fact(entity))
    expect_status(ex, (401,))
    after = ctx.query(entity=entity)
    expect(after.status == 200 and not (after.json or {}).get("facts"), "an unauthenticated write was stored")


@check("http:bad_key_401", requirements=("STG-AUTH-005",))
def bad_key_401(ctx: Context) -> None:
    """An unknown bearer key is 401, for reads and writes."""
    _require_auth(ctx)
    bogus = {"Authorization": f"Bearer {secrets.token_hex(24)}"}
    expect_status(ctx.target.request("GET", "/v1/facts", key=None, headers=bogus,
                                     params={"entity": ctx.unique("auth")}), (401,))
    expect_status(ctx.target.request("POST", "/v1/facts", key=None, headers=bogus,
                                     json_body=ctx.fact(ctx.unique("auth"))), (401,))


@check("http:bearer_auth_accepted", requirements=("STG-AUTH-001",))
def bearer_auth_accepted(ctx: Context) -> None:
    """A valid key in Authorization: Bearer is accepted."""
    ctx.need_key("admin")
    expect_status(ctx.query(entity=ctx.unique("auth")), (200,))


@check("http:bearer_scheme_any_case", requirements=("STG-AUTH-001",))
def bearer_scheme_any_case(ctx: Context) -> None:
    """The auth scheme is a case-insensitive token (RFC 9110 §11.1): bearer and BEARER work as Bearer does.

    The near misses beside it: the right scheme with the key cut by one character, the key under another scheme
    (Basic), the scheme without a key and the scheme run into the key are each 401.
    """
    _require_auth(ctx)
    ctx.need_key("admin")
    raw = ctx.target.keys["admin"]
    params = {"entity": ctx.unique("auth")}
    for scheme in ("bearer", "BEARER"):
        ex = ctx.target.request("GET", "/v1/facts", key=None, headers={"Authorization": f"{scheme} {raw}"},
                                params=params)
        expect_status(ex, (200,))
    cut = {"Authorization": f"Bearer {raw[:-1]}"}
    expect_status(ctx.target.request("GET", "/v1/facts", key=None, headers=cut, params=params), (401,))
    for near in (f"Basic {raw}", "Bearer", f"Bearer{raw}"):  # another scheme, no key, no space
        ex = ctx.target.request("GET", "/v1/facts", key=None, headers={"Authorization": near}, params=params)
        expect(ex.status == 401, f"Authorization {near.split(' ')[0][:6]!r}... answered {ex.brief()}, not 401")


@check("http:write_permission_required", requirements=("STG-AUTH-008",), needs=("reader_all",))
def write_permission_required(ctx: Context) -> None:
    """A key without write permission cannot assert (403) and nothing is stored."""
    _require_auth(ctx)
    ctx.need_key("reader_all")
    entity = ctx.unique("auth")
    expect_status(ctx.request("POST", "/v1/facts", key="reader_all", json_body=ctx.fact(entity)), (403,))
    expect(not (ctx.query(entity=entity).json or {}).get("facts"), "a read-only key's write was stored")


@check("http:admin_routes_require_admin", requirements=("STG-AUTH-010",), needs=("reader_all",))
def admin_routes_require_admin(ctx: Context) -> None:
    """Key management needs admin: a read key listing keys gets 403 (a GET, so no body validation interferes)."""
    _require_auth(ctx)
    ctx.need_key("reader_all")
    expect_status(ctx.request("GET", "/v1/auth/keys", key="reader_all"), (403,))


@check("http:auth_none_mode", requirements=("STG-AUTH-007",))
def auth_none_mode(ctx: Context) -> None:
    """With auth none (advertised in discovery), anonymous callers can read and write."""
    target = ctx.target if not ctx.auth_required else ctx.open_target
    if target is None:
        raise Skip("the node requires auth and the run has no auth-none instance")
    discovery = target.request("GET", "/.well-known/stigmem", key=None).json or {}
    expect(discovery.get("auth") == "none", f"the auth-none instance advertises auth {discovery.get('auth')!r}")
    entity = ctx.unique("anon")
    ex = target.request("POST", "/v1/facts", key=None, json_body=ctx.fact(entity))
    expect_status(ex, (201,))
    got = target.request("GET", "/v1/facts", key=None, params={"entity": entity})
    expect_status(got, (200,))
    expect(len((got.json or {}).get("facts", [])) == 1, f"anonymous read: {got.brief()}")


@check("http:empty_allowed_scopes_denied", requirements=("STG-SCOPE-006",), needs=("noscope",))
def empty_allowed_scopes_denied(ctx: Context) -> None:
    """A key with no allowed scopes can neither write nor read any fact."""
    ctx.need_key("noscope")
    entity = ctx.unique("noscope")
    ctx.assert_fact(ctx.fact(entity, scope="local"))
    expect_status(ctx.request("POST", "/v1/facts", key="noscope", json_body=ctx.fact(entity, "x")), (403,))
    ex = ctx.query(key="noscope", entity=entity)
    expect(ex.status in (200, 403), f"unexpected {ex.brief()}")
    if ex.status == 200:
        expect(not (ex.json or {}).get("facts"), f"a key with no scopes read facts: {ex.brief()}")


@check("http:unauthorized_challenge", requirements=("STG-AUTH-004", "STG-AUTH-005"))
def unauthorized_challenge(ctx: Context) -> None:
    """A 401 carries WWW-Authenticate: Bearer, for a missing and for an unknown key (RFC 6750 section 3)."""
    _require_auth(ctx)
    bogus = {"Authorization": f"Bearer {secrets.token_hex(24)}"}
    for headers in ({}, bogus):
        ex = ctx.target.request("GET", "/v1/facts", key=None, headers=headers, params={"entity": ctx.unique("ch")})
        expect_status(ex, (401,))
        challenge = ex.headers.get("www-authenticate", "")
        expect(challenge.split(" ", 1)[0].lower() == "bearer", f"WWW-Authenticate is {challenge!r}: {ex.brief()}")


@check("http:revoked_key_401", requirements=("STG-AUTH-005",))
def revoked_key_401(ctx: Context) -> None:
    """A key revoked through DELETE /v1/auth/keys/{id} stops working at once (401)."""
    _require_auth(ctx)
    ctx.need_key("admin")
    ctx.need_admin()
    body = {"entity_uri": f"stigmem://conformance.test/agent/revoked-{ctx.run_id}", "permissions": ["read"],
            "allowed_scopes": ["local"]}
    made = ctx.request("POST", "/v1/auth/keys", json_body=body)
    raw = (made.json or {}).get("key") if isinstance(made.json, dict) else None
    if made.status == 422 and "raw_key" in made.text:  # nodes that take a client-chosen key (see provision_keys)
        raw = secrets.token_hex(24)
        made = ctx.request("POST", "/v1/auth/keys", json_body={**body, "raw_key": raw})
    key_id = (made.json or {}).get("id") if isinstance(made.json, dict) else None
    expect(made.status == 201 and isinstance(raw, str) and isinstance(key_id, str),
           f"POST /v1/auth/keys did not create a key to revoke: {made.brief()}")
    use = {"Authorization": f"Bearer {raw}"}
    params = {"entity": ctx.unique("revoked")}
    expect_status(ctx.target.request("GET", "/v1/facts", key=None, headers=use, params=params), (200,))
    expect_status(ctx.request("DELETE", f"/v1/auth/keys/{key_id}"), (204,))
    expect_status(ctx.target.request("GET", "/v1/facts", key=None, headers=use, params=params), (401,))
