"""Step 1b of capability-token verification: an expired issuer manifest is refreshed once before the token is
refused (A20 §19.3.3 step 1b "check manifest.expires_at > now (refresh once)"; Spec-04: refresh before expiry;
profile federation-trust).

A scripted peer registers while serving a manifest valid exactly 24 h that expires seconds later; the node keeps it.
Once it has expired the peer serves a fresh one and presents a capability token it issued itself (issuer and
subject its node_id). A node that judges the token against the expired manifest it kept refuses it 401
issuer_manifest_expired; one that refreshes the issuer's manifest first serves the pull. The same peer's revocation
list (``GET /v1/federation/tokens/revocations`` on the peer, A20 §19.3.4) is honoured for its tokens, counting only
events signed by its manifest key that name it. Requirements STG-CAP-009, STG-CAP-011, STG-CAP-018, STG-CAP-023,
STG-CAP-024.
"""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from conformance.checks.federation.capability_tokens import HEADER
from conformance.checks.federation.support import federator, new_peer, registered_peer
from conformance.checks.registry import Context, Skip, check, expect
from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer
from conformance.harness.http_target import Exchange
from conformance.oracle import capability_tokens as oracle
from conformance.oracle.ed25519 import b64u_encode, jcs, sign

PROFILE = "federation-trust"
EXPIRES_IN_S = 8
DAY_S = 86_400
REVOCATIONS = "/v1/federation/tokens/revocations"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@check("federation:capability_issuer_manifest_refreshed", profile=PROFILE, requirements=("STG-CAP-009", "STG-CAP-023"),
       concurrent=True)
def capability_issuer_manifest_refreshed(ctx: Context) -> None:
    """A token of a peer whose kept manifest expired is 401 issuer_manifest_expired while the peer serves only that
    manifest, and pulls (200) once it serves a fresh one: the node refreshes the issuer's manifest before refusing."""
    fed = federator(ctx)
    peer = new_peer(ctx, ("public",), "refresh")
    first = peer.republish_manifest(EXPIRES_IN_S)
    peer.start()
    try:
        peer.trust(fed.node_id, fed.pubkey_b64)
        status = fed.admit(peer.declaration())
        expect(status == "active", f"a valid declaration of a reachable peer ends {status!r}, not active")
        kept = ctx.request("GET", f"/v1/federation/manifest/{quote(peer.node_id, safe='')}", key=None)
        if kept.status != 200 or kept.json != first:
            raise Skip(f"the node keeps no manifest of its peers (GET of the peer's node_id answered {kept.status})")
        time.sleep(max(0.0, datetime.fromisoformat(first["expires_at"].replace("Z", "+00:00")).timestamp()
                       - time.time() + 1.5))
        # Still expired where the node refreshes it: the token is refused for that reason, 401.
        stale = peer.present(ctx.target, peer.token("fresh", fed.node_id).token, params={"limit": "1"},
                             headers={HEADER: oracle.present(_peer_token(peer, fed))})
        peer.republish_manifest(DAY_S - 60)
        ex = peer.present(ctx.target, peer.token("fresh", fed.node_id).token, params={"limit": "1"},
                          headers={HEADER: oracle.present(_peer_token(peer, fed))})
    finally:
        peer.stop()
    expect(stale.status == 401 and stale.code() == "issuer_manifest_expired",
           f"a token of an issuer whose kept manifest expired (and is still the one served) answered "
           f"{stale.brief()}, expected 401 issuer_manifest_expired")
    expect(ex.status == 200, f"a token of an issuer whose kept manifest expired (a fresh one is served) answered "
                             f"{ex.brief()}: the issuer's manifest was not refreshed before refusing")


def _peer_token(peer: ScriptedPeer, fed: Federator, token_id: str | None = None) -> dict[str, Any]:
    """A federate token the peer issues itself (issuer and subject its node_id), signed with its key; a fresh
    nonce every time, so one ``token_id`` may be presented more than once."""
    now = datetime.now(UTC)
    return oracle.token(peer.identity.seed, None, token_version=1, token_id=token_id or str(uuid.uuid4()),
                        issuer=peer.node_id, subject=peer.node_id, verb="federate",
                        object=f"stigmem://{fed.node_id.split('/')[2]}/scope/public",
                        issued_at=_stamp(now - timedelta(minutes=1)), expiry=_stamp(now + timedelta(hours=1)),
                        nonce=secrets.token_hex(32))


def _revocation(seed: bytes, token_id: str, issuer: str) -> dict[str, Any]:
    event = {"event_type": "token_revocation", "token_id": token_id, "issuer": issuer,
             "revoked_at": _stamp(datetime.now(UTC)), "reason": "suite"}
    return event | {"signature": b64u_encode(sign(seed, jcs(event)))}


@check("federation:capability_peer_revocations", profile=PROFILE,
       requirements=("STG-CAP-011", "STG-CAP-018", "STG-CAP-024"))
def capability_peer_revocations(ctx: Context) -> None:
    """A token a registered peer issued and lists as revoked (a RevocationEvent signed by its manifest key) is 403
    token_revoked, but not while the peer serves that list with status 503 or serves a JSON array; a token of that
    peer named only by an event signed with another key, or by one naming another issuer, still pulls (200); the
    list, served with ttl_s 0, is fetched at most once for four presentations (it is cached at least 60 s)."""
    with registered_peer(ctx, name="revoker") as (peer, fed):
        kept = ctx.request("GET", f"/v1/federation/manifest/{quote(peer.node_id, safe='')}", key=None)
        if kept.status != 200:
            raise Skip(f"the node keeps no manifest of its peers (GET of the peer's node_id answered {kept.status})")
        revoked, forged, misnamed = (_peer_token(peer, fed) for _ in range(3))
        listing = {"issuer": peer.node_id, "ttl_s": 0, "revocations": [
            _revocation(peer.identity.seed, revoked["token_id"], peer.node_id),
            _revocation(secrets.token_bytes(32), forged["token_id"], peer.node_id),
            _revocation(peer.identity.seed, misnamed["token_id"], "stigmem://elsewhere.test/node/1")]}

        def present(doc: dict[str, Any]) -> Exchange:
            return peer.present(ctx.target, peer.token("fresh", fed.node_id).token, params={"limit": "1"},
                                headers={HEADER: oracle.present(doc)})

        # An error answer is no list, whatever its body: the same signed list served 503, then a 200 whose body
        # is a JSON array, revoke nothing (and the node does not fail on them).
        peer.revocation_status, peer.revocation_list = 503, listing
        early = {"served 503": present(_peer_token(peer, fed, revoked["token_id"]))}
        peer.revocation_status, peer.revocation_list = 200, []
        early["a 200 array"] = present(_peer_token(peer, fed, revoked["token_id"]))
        # ttl_s 0 is under the floor: a receiver still caches the list at least 60 s (STG-CAP-024), so the four
        # presentations below fetch it once (a node honouring 0 s, or querying per request, fetches it four times).
        peer.revocation_list = listing
        fetched = len(peer.requests(REVOCATIONS))
        answers = {label: present(doc)
                   for label, doc in (("revoked", revoked), ("forged", forged), ("misnamed", misnamed))}
        again = present(revoked)
        fetches = len(peer.requests(REVOCATIONS)) - fetched
    for label, got in early.items():
        expect(got.status < 500 and got.code() != "token_revoked",
               f"a listed token whose issuer's revocation list was {label} answered {got.brief()}: an error answer "
               "or a non-object is no list, so it revokes nothing (nor may it break the node)")
    got = answers["revoked"]
    expect(got.status == 403 and got.code() == "token_revoked",
           f"a token its issuer (a registered peer) lists as revoked answered {got.brief()}, expected 403 "
           "token_revoked")
    for label, why in (("forged", "an event signed by another key"), ("misnamed", "an event naming another issuer")):
        expect(answers[label].status == 200, f"a token named only by {why} answered {answers[label].brief()}, "
                                             "expected 200 (the event does not count)")
    expect(again.status == 403 and again.code() == "token_revoked",
           f"the revoked token presented again answered {again.brief()}, expected 403 token_revoked")
    # A node of several processes may cache per process (docs/workers.md): one fetch per worker that answered.
    workers = {v for a in [*answers.values(), again] for k, v in a.headers.items() if k.lower() == "stigmem-worker"}
    expect(fetches <= max(1, len(workers)),
           f"four presentations within a second fetched the issuer's revocation list {fetches} times "
           f"({len(workers) or 1} worker(s) answered): a list is cached at least 60 s, whatever a shorter ttl_s says")
