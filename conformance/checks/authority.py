"""A key's ``allowed_scopes`` bounds every permission it holds, admin included (Spec-02; A08 §3.5; A10 §18.10).

STG-SCOPE-022: an admin key limited to some scopes or permissions cannot mint a key with more, cannot list or
revoke keys above its authority, and its admin counts cover only its scopes. STG-SCOPE-023 (interpretation
dedup_answer_without_read): a key without ``read`` does not learn an existing fact's id, timestamp or hlc from the
dedup answer of an assert.
"""

from __future__ import annotations

import secrets
from typing import Any

from conformance.checks.registry import CheckFailed, Context, Skip, check, expect, expect_status
from conformance.harness.http_target import Exchange


def _mint(ctx: Context, key: str, body: dict[str, Any]) -> Exchange:
    """POST /v1/auth/keys with ``key``; a node that wants a client-chosen raw_key (upstream) gets one."""
    ctx.need_admin()
    body = {"entity_uri": ctx.unique("agent"), **body}
    ex = ctx.request("POST", "/v1/auth/keys", key=key, json_body=body)
    if ex.status == 422 and "raw_key" in ex.text:
        ex = ctx.request("POST", "/v1/auth/keys", key=key, json_body={**body, "raw_key": secrets.token_hex(24)})
    return ex


def _refused(ex: Exchange, what: str) -> None:
    expect(400 <= ex.status < 500, f"{what} was not refused: {ex.brief()}")


def _key_id(ctx: Context, entity_suffix: str) -> str | None:
    ex = ctx.request("GET", "/v1/auth/keys")
    body = ex.json if isinstance(ex.json, dict) else {}
    for key in body.get("keys", []) if isinstance(body.get("keys"), list) else []:
        if isinstance(key, dict) and str(key.get("entity_uri", "")).endswith(entity_suffix):
            return str(key.get("id") or key.get("key_id") or "") or None
    return None


def _numbers(value: Any, path: str = "") -> dict[str, float]:
    """Every number in a JSON document by its path (booleans aside)."""
    if isinstance(value, bool):
        return {}
    if isinstance(value, int | float):
        return {path: value}
    if isinstance(value, dict):
        return {k: v for name, item in value.items() for k, v in _numbers(item, f"{path}.{name}").items()}
    return {}


@check("http:admin_key_bounded_by_scopes", requirements=("STG-SCOPE-022",), exclusive=True)
def admin_key_bounded_by_scopes(ctx: Context) -> None:
    """An admin key limited to local cannot mint wider keys, list or revoke keys above it, or count other scopes."""
    local_admin = ctx.mint_key("admin_local", ["read", "write", "admin"], ["local"])
    no_write = ctx.mint_key("admin_nowrite", ["read", "admin"], ["local", "team", "company", "public"])
    made = []
    try:
        for body, what in (
            ({"permissions": ["read"], "allowed_scopes": ["local", "company"]}, "a key for company"),
            ({"permissions": ["read"]}, "a key for every scope (allowed_scopes left out)"),
        ):
            ex = _mint(ctx, local_admin, body)
            made.append(ex)
            _refused(ex, f"a local-only admin key minting {what}")
        ex = _mint(ctx, no_write, {"permissions": ["read", "write"], "allowed_scopes": ["local"]})
        made.append(ex)
        _refused(ex, "an admin key without write minting a write key")
    finally:
        for ex in made:  # a node that wrongly minted: revoke with the run's key, so nothing wider survives
            key_id = ex.json.get("id") if ex.status == 201 and isinstance(ex.json, dict) else None
            if key_id:
                ctx.request("DELETE", f"/v1/auth/keys/{key_id}")
    inside = _mint(ctx, local_admin, {"permissions": ["read"], "allowed_scopes": ["local"]})
    expect(inside.status == 201, f"a key within the admin key's own authority was refused: {inside.brief()}")
    listed = ctx.request("GET", "/v1/auth/keys", key=local_admin)
    expect_status(listed, (200,))
    keys = (listed.json or {}).get("keys", []) if isinstance(listed.json, dict) else []
    wider = [k.get("entity_uri") for k in keys if isinstance(k, dict) and set(k.get("allowed_scopes", [])) - {"local"}]
    expect(not wider, f"a local-only admin key lists keys for other scopes: {wider[:5]}")
    target_id = _key_id(ctx, f"admin_nowrite-{ctx.run_id}")
    if target_id is None:
        raise Skip("the key listing does not show key ids, so revocation cannot be tried")
    ex = ctx.request("DELETE", f"/v1/auth/keys/{target_id}", key=local_admin)
    _refused(ex, "a local-only admin key revoking a key for every scope")
    expect_status(ctx.request("GET", "/v1/auth/keys", key=no_write), (200,))
    _status_counts_bounded(ctx, local_admin)


def _status_counts_bounded(ctx: Context, local_admin: str) -> None:
    """Writing a company fact changes the full admin's counts, never the local-only admin's."""
    before_local = ctx.request("GET", "/v1/admin/status", key=local_admin)
    before_full = ctx.request("GET", "/v1/admin/status")
    if before_full.status in (404, 501) or not isinstance(before_full.json, dict):
        raise Skip("the node has no GET /v1/admin/status")
    expect_status(before_local, (200,))
    ctx.assert_fact(ctx.fact(ctx.unique("counted"), scope="company"))
    after_local = _numbers(ctx.request("GET", "/v1/admin/status", key=local_admin).json)
    after_full = _numbers(ctx.request("GET", "/v1/admin/status").json)
    grew = [p for p, v in after_full.items() if v != _numbers(before_full.json).get(p)]
    if not grew:
        raise Skip("the admin status counts nothing that a write changes")
    leaked = [p for p in grew if after_local.get(p) != _numbers(before_local.json).get(p)]
    expect(not leaked, f"a local-only admin key's status counts a company fact: {leaked}")


@check("http:dedup_hides_existing_from_write_only", requirements=("STG-SCOPE-023",),
       interpretations={"dedup_answer_without_read": "content-only"})
def dedup_hides_existing_from_write_only(ctx: Context) -> None:
    """A key without read asserting an existing fact's content learns neither its id, timestamp nor hlc."""
    writer = ctx.mint_key("writer_noread", ["write"], ["local", "team", "company", "public"])
    body = ctx.fact(ctx.unique("dedup"), "secret")
    existing = ctx.assert_fact(body)
    secrets_of = [str(existing[k]) for k in ("id", "timestamp", "hlc") if existing.get(k)]
    expect(bool(secrets_of), f"the assert answer has no id: {existing}")
    answers = [ctx.request("POST", "/v1/facts", key=writer, json_body=body)]
    batch = ctx.request("POST", "/v1/facts:batch", key=writer, json_body={"facts": [body]})
    if batch.status not in (404, 405, 501):
        answers.append(batch)
    for ex in answers:
        expect(ex.status < 500, f"the write-only assert answered {ex.brief()}")
        shown = [value for value in secrets_of if value in ex.text]
        expect(not shown, f"a key without read learned {shown} of an existing fact: {ex.brief()}")


@check("http:key_entity_normalized_in_facts", requirements=("STG-URI-001", "STG-CONF-006"),
       interpretations={"conflict_resolution": "a08"})
def key_entity_normalized_in_facts(ctx: Context) -> None:
    """A key minted with a non-canonical entity_uri writes resolution facts whose source is the normalized URI
    (ingest normalizes entity and source before persistence, whoever the source comes from)."""
    raw_entity = f"stigmem://Conformance.TEST/Agent/Resolver-{ctx.run_id}"
    made = _mint(ctx, "admin", {"entity_uri": raw_entity, "permissions": ["read", "write", "admin"],
                                "allowed_scopes": ["local"]})
    raw_key = made.json.get("key") if isinstance(made.json, dict) else None
    if isinstance(made.request_body, dict) and isinstance(made.request_body.get("raw_key"), str):
        raw_key = made.request_body["raw_key"]  # a node that takes a client-chosen key (upstream)
    if 200 <= made.status < 300 and not isinstance(raw_key, str):
        raise CheckFailed(f"key creation answered {made.status} without the raw key (STG-AUTH-002): {made.brief()}")
    if made.status != 201 or not isinstance(raw_key, str):
        raise Skip(f"the node would not create a key with entity_uri {raw_entity}: {made.brief()}")
    ctx.target.keys["mixed_case_admin"] = raw_key
    triple = ctx.unique("normalized-resolver")
    a = ctx.assert_fact(ctx.fact(triple, "A"))
    ctx.assert_fact(ctx.fact(triple, "B"))
    listed = ctx.request("GET", "/v1/conflicts", params={"status": "unresolved", "limit": "500"}).json or {}
    conflict = next((c for c in listed.get("conflicts", []) if isinstance(c, dict)
                     and a["id"] in ((c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id"))), None)
    expect(conflict is not None, "the contradicting pair made no listed conflict")
    assert conflict is not None
    ex = ctx.request("POST", f"/v1/conflicts/{conflict['conflict_id']}/resolve", key="mixed_case_admin",
                     json_body={"winning_fact_id": a["id"]})
    expect_status(ex, (200,))
    rid = (ex.json or {}).get("resolution_fact_id")
    resolution = ctx.request("GET", f"/v1/facts/{rid}").json or {}
    want = raw_entity.lower()
    expect(resolution.get("source") == want,
           f"resolution fact source {resolution.get('source')!r}, want the normalized key entity {want!r}")
