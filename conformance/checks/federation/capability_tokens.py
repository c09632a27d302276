"""Capability tokens presented to the node under test (Spec-06; A20 §19.3, §19.9, §22.5; profile federation-trust).

The suite publishes a manifest of its own issuer at the node (``PUT /v1/federation/manifest``, admin), then a
registered scripted peer pulls with its peer token plus crafted ``X-Stigmem-Capability`` tokens signed by that
issuer (interpretations capability_token_presentation, capability_token_federation). Tokens the node issues itself
(``POST /v1/federation/tokens``, interpretation capability_token_route) are presented, revoked and presented again.
Requirements STG-CAP-001..019, STG-CAP-021 and STG-TOMB-021 (tombstone:read); the pure rules are in
vectors/capability_tokens/verify.json.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from conformance.checks.federation.support import drain, page, registered_peer
from conformance.checks.registry import Context, Skip, check, expect, expect_error, expect_status
from conformance.federation.operator import Federator, poll
from conformance.federation.peer import ScriptedPeer
from conformance.oracle import capability_tokens as oracle

PROFILE = "federation-trust"
HEADER = "X-Stigmem-Capability"
TOMBSTONES = "/v1/federation/tombstones"  # the peer route tombstone:read gates (A20 §23.4.3)
MAX_PAGES = 60
FUTURE_SLACK = timedelta(seconds=5)  # between the suite's clock and the node's, either side of the 5-minute leeway


def _authority(node_id: str, target: str) -> str:
    """The authority of a ``stigmem://`` node id; a node id of another form (upstream: ``stigmem:node:<uuid>``)
    names none, so the target's host:port stands in (its scope URIs are then simply not the node's)."""
    parts = node_id.split("/")
    if node_id.startswith("stigmem://") and len(parts) > 2 and parts[2]:
        return parts[2]
    return urlsplit(target).netloc


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Issuer:
    """The suite's issuer: a fresh key, a manifest listing one subject, tokens on the node's scopes."""

    def __init__(self, ctx: Context, fed: Federator) -> None:
        self.seed = secrets.token_bytes(32)
        self.uri = f"stigmem://cap-{ctx.run_id}{secrets.token_hex(3)}.test/node/1"
        self.subject = self.uri.replace("/node/1", "/agent/peer")
        self.authority = _authority(fed.node_id, ctx.target.base_url)
        now = datetime.now(UTC)
        self.manifest = oracle.manifest(self.uri, self.seed, [self.uri, self.subject],
                                        _stamp(now - timedelta(minutes=1)), _stamp(now + timedelta(days=2)))

    def scope(self, name: str) -> str:
        return f"stigmem://{self.authority}/scope/{name}"

    def body(self) -> dict[str, Any]:
        """The members of a good token, before key_id and signature."""
        now = datetime.now(UTC)
        return {"token_version": 1, "token_id": str(uuid.uuid4()), "issuer": self.uri, "subject": self.subject,
                "verb": "federate", "object": self.scope("public"), "issued_at": _stamp(now - timedelta(minutes=1)),
                "expiry": _stamp(now + timedelta(days=1)), "nonce": secrets.token_hex(32)}

    def token(self, **changes: Any) -> str:
        signer = changes.pop("signer", None)
        after = changes.pop("after", {})
        return oracle.present(oracle.token(self.seed, signer, **(self.body() | changes)) | after)


@contextmanager
def issuing(ctx: Context, scopes: tuple[str, ...] = ("public",)) -> Iterator[tuple[ScriptedPeer, Federator, Issuer]]:
    with registered_peer(ctx, scopes, name="cap") as (peer, fed):
        issuer = Issuer(ctx, fed)
        ex = ctx.request("PUT", "/v1/federation/manifest", json_body=issuer.manifest)
        if ex.status in (404, 405):
            raise Skip(f"the node publishes no manifests (PUT /v1/federation/manifest answered {ex.status})")
        expect_status(ex, (200, 201))
        yield peer, fed, issuer


def _pull(ctx: Context, peer: ScriptedPeer, fed: Federator, capability: str, scope: str | None = None) -> Any:
    params = {"limit": "1", **({"scope": scope} if scope else {})}
    return peer.present(ctx.target, peer.token("fresh", fed.node_id).token, params=params,
                        headers={HEADER: capability})


def _refused(ctx: Context, peer: ScriptedPeer, fed: Federator, capability: str, status: int, code: str) -> None:
    expect_error(_pull(ctx, peer, fed, capability), (status,), code)


@check("federation:capability_token_codes", profile=PROFILE,
       requirements=("STG-CAP-001", "STG-CAP-002", "STG-CAP-005", "STG-CAP-006", "STG-CAP-008", "STG-CAP-009",
                     "STG-CAP-010", "STG-CAP-015", "STG-CAP-019"))
def capability_token_codes(ctx: Context) -> None:
    """A good token pulls (200); each crafted fault answers its own code and status, and a refusal is audited; a
    lifetime of exactly 90 days, an issued_at 4 min 55 s ahead and one 80 days old pull, while 90 days + 1 s and
    5 min 6 s ahead are refused."""
    with issuing(ctx) as (peer, fed, issuer):
        expect_status(_pull(ctx, peer, fed, issuer.token()), (200,))
        now = datetime.now(UTC)
        before = fed.audit()
        _refused(ctx, peer, fed, issuer.token(after={"verb": "admin"}), 401, "token_signature_invalid")
        found = poll(lambda: [e for e in fed.audit() if e not in before and
                              e.get("reason") == "token_signature_invalid"], 2.0, 0.2)
        expect(bool(found), "no audit event names token_signature_invalid after a forged capability token")
        _refused(ctx, peer, fed, issuer.token(key_id="0" * 64), 401, "token_key_unknown")
        _refused(ctx, peer, fed, issuer.token(token_version=2), 401, "token_malformed")
        _refused(ctx, peer, fed, issuer.token(issuer=issuer.uri.replace("/node/1", "/node/9")), 401,
                 "issuer_manifest_unknown")
        _refused(ctx, peer, fed, issuer.token(subject="stigmem://elsewhere.test/agent/x"), 403,
                 "entity_not_in_manifest")
        hour_ago = now - timedelta(hours=1)
        _refused(ctx, peer, fed, issuer.token(issued_at=_stamp(hour_ago),
                                              expiry=_stamp(hour_ago + timedelta(days=90, seconds=1))),
                 401, "token_lifetime_exceeded")
        # STG-CAP-005 at its edge: a lifetime of exactly 90 days is valid.
        expect_status(_pull(ctx, peer, fed, issuer.token(issued_at=_stamp(hour_ago),
                                                         expiry=_stamp(hour_ago + timedelta(days=90)))), (200,))
        _refused(ctx, peer, fed, issuer.token(issued_at=_stamp(now + timedelta(minutes=10))), 401,
                 "timestamp_future_dated")
        # STG-CAP-008 either side of the 5-minute leeway, FUTURE_SLACK for the clocks and the stamp's whole seconds
        # (a bound of 5 s or of 5 hours fails one side); an issued_at 80 days old is not stale.
        expect_status(_pull(ctx, peer, fed, issuer.token(
            issued_at=_stamp(datetime.now(UTC) + timedelta(minutes=5) - FUTURE_SLACK))), (200,))
        _refused(ctx, peer, fed, issuer.token(issued_at=_stamp(datetime.now(UTC) + timedelta(minutes=5) + FUTURE_SLACK
                                                               + timedelta(seconds=1))), 401, "timestamp_future_dated")
        expect_status(_pull(ctx, peer, fed, issuer.token(issued_at=_stamp(now - timedelta(days=80)))), (200,))
        _refused(ctx, peer, fed, issuer.token(nonce="ABC"), 400, "token_nonce_invalid")


@check("federation:capability_token_order", profile=PROFILE, requirements=("STG-CAP-007", "STG-CAP-014"))
def capability_token_order(ctx: Context) -> None:
    """A token failing two steps reports the earlier one, in the spec's order."""
    with issuing(ctx) as (peer, fed, issuer):
        now = datetime.now(UTC)
        expired = {"issued_at": _stamp(now - timedelta(days=2)), "expiry": _stamp(now - timedelta(days=1))}
        _refused(ctx, peer, fed, issuer.token(**expired, after={"verb": "admin"}), 401, "token_signature_invalid")
        _refused(ctx, peer, fed, issuer.token(subject="stigmem://elsewhere.test/agent/x", **expired), 403,
                 "entity_not_in_manifest")
        _refused(ctx, peer, fed, issuer.token(nonce="ABC", **expired), 401, "token_expired")


@check("federation:capability_token_replay", profile=PROFILE, requirements=("STG-CAP-012", "STG-CAP-019"))
def capability_token_replay(ctx: Context) -> None:
    """The nonce cache is global: another token with a seen nonce is 401 token_replay, audited replay_attempt; the
    first token still works."""
    with issuing(ctx) as (peer, fed, issuer):
        nonce = secrets.token_hex(32)
        first = issuer.token(nonce=nonce)
        expect_status(_pull(ctx, peer, fed, first), (200,))
        before = fed.audit()
        _refused(ctx, peer, fed, issuer.token(nonce=nonce), 401, "token_replay")
        # STG-CAP-019: audited as a replay, not as any other refusal (docs/federation-api.md: replay_attempt).
        found = poll(lambda: [e for e in fed.audit() if e not in before and e.get("reason") == "token_replay"],
                     2.0, 0.2) or []
        kinds = sorted({str(e.get("event_type")) for e in found})
        expect(kinds == ["replay_attempt"], f"a capability-token replay is audited as {kinds}, not replay_attempt")
        if ctx.interpretations.get("capability_token_replay", "bound-to-first-token") == "bound-to-first-token":
            expect_status(_pull(ctx, peer, fed, first), (200,))


@check("federation:capability_token_grant", profile=PROFILE, requirements=("STG-CAP-013", "STG-CAP-021"))
def capability_token_grant(ctx: Context) -> None:
    """federate on scope public serves public only: scope company is 403 insufficient_capability, as is a read
    grant or an admin grant presented to federate (one token grants one verb, and no verb implies another)."""
    with issuing(ctx, ("public", "company")) as (peer, fed, issuer):
        expect_status(_pull(ctx, peer, fed, issuer.token(), "public"), (200,))
        expect_error(_pull(ctx, peer, fed, issuer.token(), "company"), (403,), "insufficient_capability")
        for verb in ("read", "admin"):
            expect_error(_pull(ctx, peer, fed, issuer.token(verb=verb), "public"), (403,), "insufficient_capability")


@check("federation:capability_tombstone_read", profile=PROFILE, requirements=("STG-TOMB-021", "STG-CAP-013"))
def capability_tombstone_read(ctx: Context) -> None:
    """GET /v1/federation/tombstones with a capability token serves a tombstone:read grant (200) and refuses a
    federate one 403 insufficient_capability; a tombstone:read grant does not pull facts (one verb on one object)."""
    with issuing(ctx) as (peer, fed, issuer):
        def tombstones(capability: str) -> Any:
            return peer.present(ctx.target, peer.token("fresh", fed.node_id).token, path=TOMBSTONES,
                                params={"limit": "1"}, headers={HEADER: capability})

        granted = tombstones(issuer.token(verb="tombstone:read"))
        if granted.status == 404:
            raise Skip("the node serves no GET /v1/federation/tombstones (404)")
        expect_status(granted, (200,))
        expect_error(tombstones(issuer.token()), (403,), "insufficient_capability")
        expect_error(_pull(ctx, peer, fed, issuer.token(verb="tombstone:read")), (403,), "insufficient_capability")


@check("federation:capability_token_narrows", profile=PROFILE, requirements=("STG-CAP-013", "STG-CAP-021"))
def capability_token_narrows(ctx: Context) -> None:
    """A pull naming no scope, by a peer allowed public and company, with a federate grant on public, serves the
    public fact written for it and not the company one: the grant narrows the page, never widens it."""
    with issuing(ctx, ("public", "company")) as (peer, fed, issuer):
        _, cursor = drain(ctx, peer, fed)
        entity = ctx.unique("narrowed")
        written = {scope: ctx.assert_fact(ctx.fact(entity, f"in-{scope}", relation=f"test:{scope}", scope=scope))["id"]
                   for scope in ("public", "company")}
        served: list[str] = []
        for _ in range(MAX_PAGES):
            params = {"limit": "500", **({"cursor": cursor} if cursor else {})}
            ex = peer.present(ctx.target, peer.token("fresh", fed.node_id).token, params=params,
                              headers={HEADER: issuer.token()})
            facts, cursor, more = page(ex)
            served += [str(f.get("id")) for f in facts]
            if not more:
                break
    expect(written["public"] in served, "the public fact the grant covers was not served")
    expect(written["company"] not in served,
           "a company fact was served on a federate grant for scope public (the token widened the page)")


def _route(ctx: Context) -> str:
    family = ("capability-tokens" if ctx.interpretations.get("capability_token_route") == "a20-capability-tokens"
              else "tokens")
    return f"/v1/federation/{family}"


@check("federation:capability_token_revocation", profile=PROFILE,
       requirements=("STG-CAP-011", "STG-CAP-016", "STG-CAP-017", "STG-CAP-018"))
def capability_token_revocation(ctx: Context) -> None:
    """Only an admin issues (201 {token, token_id}); a revoked token is refused at once (403 token_revoked), the
    revocation list names it with a cache lifetime of at least 60 s, and revoking an unknown id is 404."""
    with registered_peer(ctx, ("public",), name="rev") as (peer, fed):
        own = ctx.request("GET", "/.well-known/stigmem-manifest.json", key=None)
        if own.status == 404:
            raise Skip("the node serves no manifest, so it cannot issue capability tokens")
        expect(own.status == 200 and isinstance(own.json, dict), f"the node's manifest answered {own.brief()}")
        body = {"subject": own.json["entity_uri"], "verb": "federate",
                "object": f"stigmem://{fed.node_id.split('/')[2]}/scope/public",
                "expiry": _stamp(datetime.now(UTC) + timedelta(days=1))}
        if "read" in ctx.target.keys:
            expect_status(ctx.request("POST", _route(ctx), key="read", json_body=body), (403,))
        ex = ctx.request("POST", _route(ctx), json_body=body)
        expect_status(ex, (201,))
        expect(isinstance(ex.json, dict) and {"token", "token_id"} <= set(ex.json), f"issuance answered {ex.brief()}")
        token, token_id = ex.json["token"], ex.json["token_id"]
        expect_status(_pull(ctx, peer, fed, token), (200,))
        expect_status(ctx.request("POST", f"{_route(ctx)}/{token_id}/revoke"), (204,))
        expect_error(_pull(ctx, peer, fed, token), (403,), "token_revoked")
        expect_status(ctx.request("POST", f"{_route(ctx)}/{uuid.uuid4()}/revoke"), (404,))
        listed = ctx.request("GET", f"{_route(ctx)}/revocations", key=None)
        expect_status(listed, (200,))
        ids = [e.get("token_id") for e in (listed.json or {}).get("revocations", []) if isinstance(e, dict)]
        expect(token_id in ids, "the revocation list does not name the revoked token")
        expect(int((listed.json or {}).get("ttl_s", 0)) >= 60, "the revocation list's ttl_s is below 60 s")
