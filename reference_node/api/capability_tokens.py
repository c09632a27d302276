"""Capability-token routes and the federation gate (docs/federation-api.md "Capability tokens"; Spec-06; A20 §19.3).

``POST /v1/federation/tokens`` (admin; interpretation capability_token_route, also served as
``/v1/federation/capability-tokens``): 201 ``{token, token_id}``, the token signed with the node's federation key
as issuer = its manifest's entity (STG-CAP-016). ``POST .../{token_id}/revoke`` (admin): 204, unknown 404
(STG-CAP-017). ``GET .../revocations`` (open): the signed RevocationEvents, cacheable for ``REVOCATION_TTL_S``
(STG-CAP-018). ``authorize_pull``: an ``X-Stigmem-Capability`` token on a pull route is verified in the spec's
order (``protocol.capability_tokens``), each refusal audited with its code (STG-CAP-019), and narrows the scopes
served to those its grant covers: ``federate`` for facts, ``tombstone:read`` for tombstones (interpretation
capability_token_federation, STG-CAP-013, -021; STG-TOMB-021).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.auth import caller
from reference_node.api.bodies import read_json
from reference_node.api.errors import ApiError
from reference_node.federation import Federation
from reference_node.protocol import capability_tokens as rules
from reference_node.protocol import manifests
from reference_node.storage import capability_tokens as rows
from reference_node.storage import manifests as manifest_rows
from reference_node.storage import peers as peer_rows
from reference_node.storage.peers import PeerRow

__all__ = ["HEADER", "REVOCATION_TTL_S", "authorize_pull", "issue", "refresh_expired_issuer", "revocation_list",
           "revoke"]

HEADER = "x-stigmem-capability"
# A20 §19.3.4: receivers SHOULD cache revocations for at least 60 s; peers are told so in Cache-Control.
REVOCATION_TTL_S = 60
_NONCE_PREFIX = "capability:"  # the nonce cache's issuer column for a capability token: its fingerprint
_REQUEST = frozenset({"issuer", "subject", "verb", "object", "expiry", "nonce"})


def _bad(detail: str) -> ApiError:
    return ApiError("invalid_capability_request", detail)


def _federation(request: Request) -> Federation:
    found: Federation | None = request.app.state.federation
    if found is None:
        raise ApiError("not_found", "federation is not enabled on this node (start it with --federation)")
    return found


def _node_manifest(federation: Federation) -> dict[str, Any]:
    """The node's own manifest, signed with its current federation key (made or refreshed on demand)."""
    seed = federation.signing_seed()
    found = federation.manifests.own(seed)
    if found is None or found["key_id"] != rules.sign({}, seed)["key_id"]:
        raise ApiError("manifest_required", "this node has no valid manifest signed with its federation key")
    return found


async def issue(request: Request) -> Response:
    """POST /v1/federation/tokens {subject, verb, object, expiry[, nonce, issuer]} (admin): 201 {token, token_id}."""
    federation = _federation(request)
    identity = caller(request, "admin")  # STG-CAP-016: only administrative callers issue
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    if not isinstance(body, dict) or not set(body) <= _REQUEST or not {"subject", "verb", "object", "expiry"} <= set(
            body):
        raise _bad("the body is {subject, verb, object, expiry} with optional nonce and issuer")
    now = federation.store.now()
    manifest = _node_manifest(federation)
    issuer = manifest["entity_uri"]
    if body.get("issuer", issuer) != issuer:
        raise _bad(f"this node issues as {issuer} (its manifest's entity), not {body['issuer']}")
    token = {"token_version": 1, "token_id": str(uuid.uuid4()), "issuer": issuer, "subject": body["subject"],
             "verb": body["verb"], "object": body["object"], "issued_at": now[:19] + "Z", "expiry": body["expiry"],
             # A20 §19.3.5: 32 cryptographically random bytes.
             "nonce": body.get("nonce", secrets.token_hex(32)), "key_id": "", "signature": ""}
    problem = rules.request_problem(token, manifests.parse_time(now))
    if problem is not None:
        raise _bad(problem)
    # STG-CAP-010: the subject must be one of the issuer's entities, or no verifier would accept the token.
    if not manifests.covers(manifest, token["subject"]):
        raise _bad(f"entity_not_in_manifest: {token['subject']} is not in this node's manifest entities")
    signed = rules.sign(token, federation.signing_seed())
    with federation.store.db.transaction() as conn:
        if not rows.issue(conn, signed, identity.entity_uri, now):
            raise ApiError("capability_nonce_exists", "a token this node issued already carries this nonce")
    return JSONResponse({"token": rules.encode(signed), "token_id": signed["token_id"]}, 201)


async def revoke(request: Request) -> Response:
    """POST /v1/federation/tokens/{token_id}/revoke [{reason}] (admin): 204; unknown token 404."""
    federation = _federation(request)
    identity = caller(request, "admin")
    body = await read_json(request, request.app.state.settings.max_body_bytes, empty={})
    reason = body.get("reason") if isinstance(body, dict) else None
    if reason is not None and (not isinstance(reason, str) or len(reason) > 512):
        raise _bad("reason is a string of at most 512 characters")
    now = federation.store.now()
    seed = federation.signing_seed()
    with federation.store.db.transaction() as conn:
        done = rows.revoke(conn, request.path_params["token_id"], reason, seed, now[:19] + "Z", identity.entity_uri,
                           now, federation.log_signer())
    # STG-CAP-017: 204 with an empty body; an unknown token id is 404.
    if done is None:
        raise ApiError("token_not_found", "this node issued no token with that id")
    return Response(status_code=204)


async def revocation_list(request: Request) -> Response:
    """GET /v1/federation/tokens/revocations (open): {issuer, ttl_s, revocations}, cacheable for 60 s."""
    federation = _federation(request)
    with federation.store.db.reading() as conn:
        events = rows.revocations(conn)
    try:  # the issuer the node's tokens name: its manifest's entity (an operator's org, or the node_id)
        issuer = str(_node_manifest(federation)["entity_uri"])
    except ApiError:
        issuer = federation.node_id
    # STG-CAP-018: peers cache the list (TTL >= 60 s) instead of asking per request.
    return JSONResponse({"issuer": issuer, "ttl_s": REVOCATION_TTL_S, "revocations": events},
                        headers={"Cache-Control": f"max-age={REVOCATION_TTL_S}"})


async def refresh_expired_issuer(request: Request, federation: Federation) -> None:
    """Before a token of a registered peer is verified: A20 §19.3.3 step 1b, its kept manifest, when expired, is
    refreshed once from its well-known manifest (fetched and judged as before a pull; an issuer this node cannot
    reach keeps its expired manifest: issuer_manifest_expired); and its revocation list is fetched when the copy
    held is older than its ttl_s (``federation/revocations.py``)."""
    header = request.headers.get(HEADER)
    try:
        token = rules.decode(header) if header is not None else None
    except rules.CapabilityError:
        return
    issuer = token.get("issuer") if isinstance(token, dict) else None
    if not isinstance(issuer, str):
        return
    with federation.store.db.reading() as conn:
        now = manifests.parse_time(federation.store.now())
        valid = manifest_rows.valid_manifest(conn, issuer, now)
        peer = peer_rows.by_node_id(conn, issuer)
        expired = valid is None and manifest_rows.current(conn, issuer) is not None
    if peer is None or peer.status != "active":
        return
    if expired:
        await federation.peer_trust(peer)
        with federation.store.db.reading() as conn:
            valid = manifest_rows.valid_manifest(conn, issuer, manifests.parse_time(federation.store.now()))
    # STG-CAP-024 (A20 §19.3.4): a peer issuer's revocation list, cached for its ttl_s (at least 60 s).
    if valid is not None:
        async with federation.http() as client:
            await federation.revocations.refresh(client, peer, valid)


def _refuse(federation: Federation, peer: PeerRow, error: rules.CapabilityError) -> ApiError:
    """STG-CAP-019: one audit event per refusal, with its code; then the error to raise."""
    event = "replay_attempt" if error.code == "token_replay" else "rejected_token"
    federation.store.audit(event, error.code, peer=peer, detail=f"capability token: {error}"[:256])
    return ApiError(error.code, str(error))


def authorize_pull(request: Request, federation: Federation, peer: PeerRow, servable: Sequence[str],
                   verb: str = "federate") -> tuple[str, ...]:
    """``servable`` when no capability token is presented; else the scopes its ``verb`` grant covers, or raise
    (``federate`` for GET /v1/federation/facts, ``tombstone:read`` for GET /v1/federation/tombstones)."""
    header = request.headers.get(HEADER)
    if header is None:
        return tuple(servable)
    now = federation.store.now()
    now_ms = federation.store.now_ms()
    objects = {rules.scope_object(federation.store.store.authority, scope): scope for scope in servable}
    try:
        token = rules.decode(header)
        nonce = token.get("nonce") if isinstance(token, dict) else None
        holder = federation.store.nonces.holder(nonce, now_ms) if isinstance(nonce, str) else None
        token_id = token.get("token_id") if isinstance(token, dict) else None
        with federation.store.db.reading() as conn:
            manifest = manifest_rows.valid_manifest(conn, str(token.get("issuer")), manifests.parse_time(now)) \
                if isinstance(token, dict) else None
            if manifest is None and isinstance(token, dict):
                manifest = manifest_rows.current(conn, str(token.get("issuer")))  # expired: step 1b says so
            revoked = isinstance(token_id, str) and rows.revoked(conn, token_id)
        # STG-CAP-024: and the revocation list of a peer issuer, as cached.
        revoked = revoked or (isinstance(token_id, str) and federation.revocations.revoked(str(token.get("issuer")),
                                                                                           token_id))
        verified = rules.verify(token, manifest, now, revoked=revoked,
                                nonce_holder=holder[len(_NONCE_PREFIX):] if holder and holder.startswith(
                                    _NONCE_PREFIX) else holder, verb=verb, objects=tuple(objects))
        # STG-CAP-012: record the nonce, bound to this token; a race lost to another token is a replay.
        exp_ms = int(rules.parse_time(verified.expiry, "expiry").timestamp() * 1000)
        seal = _NONCE_PREFIX + verified.fingerprint
        retain = exp_ms + int(rules.FUTURE_SKEW / timedelta(milliseconds=1))
        if not federation.store.nonces.accept(verified.nonce, seal, exp_ms, now_ms, retain) and \
                federation.store.nonces.holder(verified.nonce, now_ms) != seal:
            raise rules.TokenReplay("another token already carried this nonce")
    except rules.CapabilityError as exc:
        raise _refuse(federation, peer, exc) from exc
    # STG-CAP-013: the grant narrows what the relationship allows; it never widens it.
    return tuple(objects[obj] for obj in verified.covered)
