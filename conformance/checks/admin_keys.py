"""Admin keys: compliance-operator keys apart from agent keys, and key ages in the admin status (A10 §18.10;
seed §22 "Key rotation"; A20 §22.2; interpretation admin_key_kind; docs/http-api.md "Admin keys").

STG-KEY-001 (a key without admin is refused on every admin route), STG-KEY-002 (least privilege: an admin-only key
administers but neither reads nor writes facts), STG-KEY-003 (creating and revoking a key are audited by key id,
the raw key appears in no export), STG-KEY-004 (the status lists each key's kind and age), STG-KEY-005 (the node
signing key's age and its rotation due date, 365 days after creation), STG-KEY-007 (a revoked admin key is refused
at once).
"""

from __future__ import annotations

from datetime import timedelta

from conformance.checks.audit_log import ROUTE, export, instant, shifted, walk
from conformance.checks.registry import Context, NotImplementedByNode, Skip, check, expect, expect_status

HARDENING = "hardening"
ADMIN_ROUTES = (ROUTE, "/v1/auth/keys", "/v1/admin/status")
BACKFILL = "/v1/admin/cid-backfill/status"
PULL = "/v1/admin/federation/pull"


def _status(ctx: Context, key: str = "admin") -> dict[str, object]:
    ex = ctx.request("GET", "/v1/admin/status", key=key)
    expect_status(ex, (200,))
    expect(isinstance(ex.json, dict), f"the admin status is not an object: {ex.brief()}")
    return dict(ex.json)


@check("http:admin_key_agent_key_refused", requirements=("STG-KEY-001",), profile=HARDENING, needs=("writer_local",),
       exclusive=True)
def agent_key_refused(ctx: Context) -> None:
    """A read+write agent key is refused (401/403) on the audit export, the key routes and the status."""
    if not ctx.auth_required:
        raise Skip("the node runs with auth none: every caller is admin")
    ctx.need_key("writer_local")
    for path in ADMIN_ROUTES:
        ex = ctx.request("GET", path, key="writer_local")
        expect(ex.status in (401, 403), f"GET {path} with an agent key answered {ex.brief()}")
    # Routes a node may lack: judged only where the admin key is served.
    if ctx.request("GET", BACKFILL).status == 200:
        ex = ctx.request("GET", BACKFILL, key="writer_local")
        expect(ex.status in (401, 403), f"GET {BACKFILL} with an agent key answered {ex.brief()}")
    body = {"entity_uri": ctx.unique("agent/minted-by-agent"), "permissions": ["read"], "allowed_scopes": ["local"]}
    ex = ctx.request("POST", "/v1/auth/keys", key="writer_local", json_body=body)
    if ex.status == 201 and isinstance(ex.json, dict) and ex.json.get("id"):
        ctx.request("DELETE", f"/v1/auth/keys/{ex.json['id']}")
    expect(ex.status in (401, 403), f"POST /v1/auth/keys with an agent key answered {ex.brief()}")


@check("http:admin_key_federate_key_no_admin_pull", requirements=("STG-KEY-001",), profile=HARDENING, exclusive=True)
def federate_key_no_admin_pull(ctx: Context) -> None:
    """A federate-only agent key is refused (401/403) on the admin pull trigger POST /v1/admin/federation/pull,
    which the admin key may call."""
    if not ctx.auth_required:
        raise Skip("the node runs with auth none: every caller is admin")
    if ctx.discovery.get("federation") in (None, "disabled"):
        raise Skip("the node does not federate")
    own = ctx.request("POST", PULL)
    if own.status in (404, 405, 501):
        raise Skip(f"POST {PULL} is not served ({own.status})")
    expect_status(own, (200,))
    name = ctx.mint_key("federator_only", ["federate"], ["public"])
    ex = ctx.request("POST", PULL, key=name)
    expect(ex.status in (401, 403), f"POST {PULL} with a federate-only key answered {ex.brief()}")


@check("http:admin_key_admin_only_least_privilege", requirements=("STG-KEY-002",), profile=HARDENING, exclusive=True)
def admin_only_least_privilege(ctx: Context) -> None:
    """A key holding only admin exports the audit log and lists keys, yet may neither read nor write facts."""
    name = ctx.mint_key("operator", ["admin"], ["local", "team", "company", "public"])
    export(ctx, key=name, limit=1)
    expect_status(ctx.request("GET", "/v1/auth/keys", key=name), (200,))
    ex = ctx.request("GET", "/v1/facts", key=name, params={"limit": 1})
    expect(ex.status in (401, 403), f"an admin-only key read facts: {ex.brief()}")
    ex = ctx.request("POST", "/v1/facts", key=name, json_body=ctx.fact(ctx.unique("op"), "x"))
    expect(ex.status in (401, 403), f"an admin-only key wrote a fact: {ex.brief()}")


@check("http:admin_key_events_without_secret", requirements=("STG-KEY-003", "STG-KEY-007"), profile=HARDENING,
       exclusive=True)
def key_events_without_secret(ctx: Context) -> None:
    """Creating and revoking an admin key are admin_action events naming its id; the raw key is in no export, and
    once revoked the key is refused (401) on the export."""
    if not ctx.auth_required:
        raise Skip("the node runs with auth none: there are no keys")
    ctx.need_admin()
    body = {"entity_uri": ctx.unique("operator"), "permissions": ["admin"]}
    made = ctx.request("POST", "/v1/auth/keys", json_body=body)
    expect_status(made, (201,))
    key_id, raw = made.json["id"], made.json["key"]
    ctx.target.keys["revoked_operator"] = raw
    export(ctx, key="revoked_operator", limit=1)
    expect_status(ctx.request("DELETE", f"/v1/auth/keys/{key_id}"), (204,))
    ex = ctx.request("GET", ROUTE, key="revoked_operator", params={"limit": 1})
    expect(ex.status == 401, f"a revoked admin key exported: {ex.brief()}")
    after = shifted(made.json["created_at"], -1_000_000)
    page = ctx.request("GET", ROUTE, params={"after": after, "limit": 5000, "event_type": "admin_action"})
    expect_status(page, (200,))
    expect(raw not in page.text, "the raw key appears in the audit export")
    actions = {e.get("metadata", {}).get("action") for e in walk(ctx, 5000, after=after, event_type="admin_action")
               if e.get("metadata", {}).get("target") == key_id}
    expect({"key_create", "key_revoke"} <= actions, f"key {key_id}: admin_action events {sorted(map(str, actions))}")


@check("http:admin_key_status_key_ages", requirements=("STG-KEY-004",), profile=HARDENING, exclusive=True)
def status_key_ages(ctx: Context) -> None:
    """The admin status lists each key with its kind (admin or agent), creation time and age in days, and no
    rotation period for API keys; a local-only admin key's status lists only keys within local."""
    if not ctx.auth_required:
        raise Skip("the node runs with auth none: there are no keys")
    agent = ctx.mint_key("aged_agent", ["read"], ["local"])
    status = _status(ctx)
    ages = status.get("api_key_ages")
    if not isinstance(ages, list):
        raise NotImplementedByNode("the admin status has no api_key_ages")
    listed = ctx.request("GET", "/v1/auth/keys").json.get("keys", [])
    kinds = {k["id"]: "admin" if "admin" in k["permissions"] else "agent" for k in listed}
    expect({a.get("id") for a in ages} == set(kinds), "api_key_ages does not list exactly the active keys")
    for age in ages:
        expect(age.get("kind") == kinds[age["id"]], f"key {age['id']} has kind {age.get('kind')!r}")
        expect(age.get("age_days") == 0, f"a key made in this run is {age.get('age_days')!r} days old")
        # Only signing keys have a rotation period (seed §22): an API key has none, so no due date.
        expect(age.get("rotation_days") is None and age.get("rotate_by") is None and not age.get("rotation_due"),
               f"API key {age['id']} is given a rotation period: rotation_days {age.get('rotation_days')!r}, "
               f"rotate_by {age.get('rotate_by')!r}")
    expect(agent in ctx.target.keys, "the agent key was not made")
    # Within the caller's authority: an admin key bounded to local sees only keys within local.
    local_admin = ctx.mint_key("aged_admin_local", ["read", "write", "admin"], ["local"])
    ctx.mint_key("aged_team", ["read"], ["team"])
    listed = ctx.request("GET", "/v1/auth/keys").json.get("keys", [])
    scopes = {k["id"]: set(k.get("allowed_scopes") or []) for k in listed}
    seen = _status(ctx, local_admin).get("api_key_ages")
    expect(isinstance(seen, list), "the local admin's status has no api_key_ages")
    assert isinstance(seen, list)
    wider = [a.get("id") for a in seen if scopes.get(a.get("id"), {"?"}) - {"local"}]
    expect(not wider, f"a local-only admin key's status lists keys of other scopes: {wider[:5]}")


@check("http:admin_key_signing_key_rotation_due", requirements=("STG-KEY-005",), profile=HARDENING, exclusive=True)
def signing_key_rotation_due(ctx: Context) -> None:
    """With federation on, the status gives the node signing key's creation time and a rotation due date 365 days
    later, not yet due."""
    ctx.need_admin()
    if ctx.discovery.get("federation") in (None, "disabled"):
        raise Skip("the node does not federate: it has no signing key")
    keys = _status(ctx).get("signing_keys")
    if not isinstance(keys, list):
        raise NotImplementedByNode("the admin status has no signing_keys")
    # discovery read now: a key rotation earlier in the run changed federation_pubkey
    current = ctx.target.request("GET", "/.well-known/stigmem", key=None).json or {}
    [key] = [k for k in keys if k.get("public_key") == current.get("federation_pubkey")] or [None]
    expect(isinstance(key, dict), "signing_keys does not list the key of discovery's federation_pubkey")
    assert isinstance(key, dict)
    due = instant(str(key.get("rotate_by"))) - instant(str(key.get("created_at")))
    expect(due == timedelta(days=365), f"the signing key is due {due} after creation, not 365 days")
    expect(key.get("rotation_days") == 365 and key.get("rotation_due") is False,
           f"signing key rotation_days {key.get('rotation_days')!r}, rotation_due {key.get('rotation_due')!r}")
