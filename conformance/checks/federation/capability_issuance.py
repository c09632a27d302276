"""Capability tokens the node under test issues and revokes (Spec-06; A20 §19.3.1, §19.3.4, §19.3.5, §5.23-§5.24;
docs/federation-api.md "Capability tokens"; profile federation-trust).

Issuance is for admins only (a read/write key is refused like a read key), for a subject the node's own manifest
lists exactly (a foreign subject, or one below a listed entity, is refused: no verifier could accept the token), and
never twice with one nonce (409, not a server error), and not while the manifest the node serves is an org's signed
with another key (a node of the check's own). A revocation is published as a RevocationEvent that verifies
as Ed25519 over RFC 8785 of the event without ``signature``, under the key of the manifest that issued the token.
Requirements STG-CAP-006, STG-CAP-010, STG-CAP-016, STG-CAP-018, STG-CAP-022.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.checks.federation.capability_tokens import _route
from conformance.checks.federation.support import federator
from conformance.checks.registry import Context, Skip, check, expect, expect_status
from conformance.oracle.ed25519 import b64u_decode, jcs, verify

PROFILE = "federation-trust"
ALL_SCOPES = ["local", "team", "company", "public"]


def _own_manifest(ctx: Context) -> dict[str, Any]:
    own = ctx.request("GET", "/.well-known/stigmem-manifest.json", key=None)
    if own.status == 404:
        raise Skip("the node serves no manifest, so it cannot issue capability tokens")
    expect(own.status == 200 and isinstance(own.json, dict), f"the node's manifest answered {own.brief()}")
    return dict(own.json)


def _request(ctx: Context, subject: str, **changes: Any) -> dict[str, Any]:
    fed = federator(ctx)
    return {"subject": subject, "verb": "federate", "object": f"stigmem://{fed.node_id.split('/')[2]}/scope/public",
            "expiry": (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")} | changes


@check("federation:capability_token_issuance_refusals", profile=PROFILE,
       requirements=("STG-CAP-010", "STG-CAP-016", "STG-CAP-022"))
def capability_token_issuance_refusals(ctx: Context) -> None:
    """A read/write key's issuance is 403; a subject outside the node's manifest, one below a listed entity, or
    another authority's, is 422; a nonce already issued is 409 capability_nonce_exists; nothing refused is 201."""
    manifest = _own_manifest(ctx)
    subject = manifest["entity_uri"]
    writer = ctx.mint_key("cap-writer", ["read", "write"], ALL_SCOPES)
    ex = ctx.request("POST", _route(ctx), key=writer, json_body=_request(ctx, subject))
    expect(ex.status == 403, f"issuance by a read/write key answered {ex.brief()}, expected 403")
    for foreign in ("stigmem://elsewhere.test/agent/x", f"{subject}/x", subject + "/"):
        if foreign in manifest.get("entities", []):
            continue
        ex = ctx.request("POST", _route(ctx), json_body=_request(ctx, foreign))
        expect(ex.status == 422, f"issuance for {foreign} (not in the node's manifest) answered {ex.brief()}, "
                                 "expected 422")
    nonce = secrets.token_hex(32)
    first = ctx.request("POST", _route(ctx), json_body=_request(ctx, subject, nonce=nonce))
    expect_status(first, (201,))
    again = ctx.request("POST", _route(ctx), json_body=_request(ctx, subject, nonce=nonce))
    expect(again.status == 409 and again.code() == "capability_nonce_exists",
           f"a second issuance with an issued nonce answered {again.brief()}, expected 409 capability_nonce_exists")


@check("federation:revocation_event_signed", profile=PROFILE, requirements=("STG-CAP-018",))
def revocation_event_signed(ctx: Context) -> None:
    """The RevocationEvent of a token just revoked is listed, names the token's issuer, and verifies under the
    issuing manifest's key over RFC 8785 of the event without signature (and not over any other preimage)."""
    manifest = _own_manifest(ctx)
    ex = ctx.request("POST", _route(ctx), json_body=_request(ctx, manifest["entity_uri"]))
    expect_status(ex, (201,))
    token_id = ex.json["token_id"]
    expect_status(ctx.request("POST", f"{_route(ctx)}/{token_id}/revoke", json_body={"reason": "suite"}), (204,))
    listed = ctx.request("GET", f"{_route(ctx)}/revocations", key=None)
    expect_status(listed, (200,))
    found = [e for e in (listed.json or {}).get("revocations", []) if isinstance(e, dict)
             and e.get("token_id") == token_id]
    expect(len(found) == 1, f"the revocation list names token {token_id} {len(found)} times, expected once")
    expect((listed.json or {}).get("issuer") == manifest["entity_uri"],
           f"the revocation list names issuer {(listed.json or {}).get('issuer')!r}, not the issuing manifest's "
           f"{manifest['entity_uri']!r}")
    event = found[0]
    expect(event.get("issuer") == manifest["entity_uri"],
           f"the RevocationEvent names issuer {event.get('issuer')!r}, not the token's {manifest['entity_uri']!r}")
    try:
        signature = b64u_decode(str(event.get("signature")))
    except ValueError:
        signature = b""
    body = {k: v for k, v in event.items() if k != "signature"}
    expect(verify(b64u_decode(manifest["public_key"]), jcs(body), signature),
           "the RevocationEvent's signature does not verify over RFC 8785 of the event without signature under the "
           "issuing manifest's key")


@check("federation:capability_issue_without_own_manifest", profile=PROFILE, requirements=("STG-CAP-022",),
       isolated=True)
def capability_issue_without_own_manifest(ctx: Context) -> None:
    """On a node whose served manifest is an operator's org manifest listing the node (signed with the org's key, not
    the node's), issuance for the node is refused with a 4xx, never a 5xx or a token: no verifier could accept a
    token the node signs with its own key against that manifest."""
    from conformance.harness.embedded_node import EmbeddedNode
    from conformance.harness.http_target import HttpTarget
    from conformance.oracle.manifests import manifest

    if not ctx.embedded:
        raise Skip("the org manifest would change what the node serves: only a reference node of the check's own is "
                   "used")
    with EmbeddedNode(extra_args=("--federation", *EmbeddedNode.FAST_TIMEOUTS)) as node:
        target = HttpTarget(node.url, {"admin": node.admin_key})
        try:
            node_id = str((target.request("GET", "/.well-known/stigmem", key=None).json or {}).get("node_id"))
            org = f"stigmem://org-{ctx.run_id}-{secrets.token_hex(3)}.test/org"
            now = datetime.now(UTC).replace(microsecond=0)
            doc = manifest(secrets.token_bytes(32), org, [org, node_id], _stamp(now - timedelta(minutes=5)),
                           _stamp(now + timedelta(days=2)))
            put = target.request("PUT", "/v1/federation/manifest", json_body=doc)
            served = target.request("GET", "/.well-known/stigmem-manifest.json", key=None).json or {}
            if put.status != 200 or served.get("entity_uri") != org:
                raise Skip(f"the node does not serve an org manifest listing it (PUT answered {put.status})")
            body = {"subject": node_id, "verb": "federate", "object": f"stigmem://{node_id.split('/')[2]}/scope/public",
                    "expiry": _stamp(now + timedelta(days=1))}
            ex = target.request("POST", _route(ctx), json_body=body)
        finally:
            target.close()
    expect(400 <= ex.status < 500 and not (isinstance(ex.json, dict) and "token" in ex.json),
           f"issuance on a node whose served manifest is signed with another key answered {ex.brief()}, not a 4xx "
           "refusal")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
