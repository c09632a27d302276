"""Step 1b of capability-token verification: an expired issuer manifest is refreshed once before the token is
refused (A20 §19.3.3 step 1b "check manifest.expires_at > now (refresh once)"; Spec-04: refresh before expiry;
profile federation-trust).

A scripted peer registers while serving a manifest valid exactly 24 h that expires seconds later; the node keeps it.
Once it has expired the peer serves a fresh one and presents a capability token it issued itself (issuer and
subject its node_id). A node that judges the token against the expired manifest it kept refuses it 401
issuer_manifest_expired; one that refreshes the issuer's manifest first serves the pull. Requirements STG-CAP-009,
STG-CAP-023.
"""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from conformance.checks.federation.capability_tokens import HEADER
from conformance.checks.federation.support import federator, new_peer
from conformance.checks.registry import Context, Skip, check, expect
from conformance.oracle import capability_tokens as oracle

PROFILE = "federation-trust"
EXPIRES_IN_S = 8
DAY_S = 86_400


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@check("federation:capability_issuer_manifest_refreshed", profile=PROFILE, requirements=("STG-CAP-009", "STG-CAP-023"))
def capability_issuer_manifest_refreshed(ctx: Context) -> None:
    """A token of a peer whose kept manifest expired, while the peer serves a fresh one, pulls (200): the node
    refreshes the issuer's manifest before refusing issuer_manifest_expired."""
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
        peer.republish_manifest(DAY_S - 60)
        now = datetime.now(UTC)
        token = oracle.present(oracle.token(
            peer.identity.seed, None, token_version=1, token_id=str(uuid.uuid4()), issuer=peer.node_id,
            subject=peer.node_id, verb="federate", object=f"stigmem://{fed.node_id.split('/')[2]}/scope/public",
            issued_at=_stamp(now - timedelta(minutes=1)), expiry=_stamp(now + timedelta(hours=1)),
            nonce=secrets.token_hex(32)))
        ex = peer.present(ctx.target, peer.token("fresh", fed.node_id).token, params={"limit": "1"},
                          headers={HEADER: token})
    finally:
        peer.stop()
    expect(ex.status == 200, f"a token of an issuer whose kept manifest expired (a fresh one is served) answered "
                             f"{ex.brief()}: the issuer's manifest was not refreshed before refusing")
