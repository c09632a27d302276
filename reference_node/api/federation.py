"""Federation routes (docs/federation-api.md; Spec-05; A08 §3.5, §5.6-§5.11, §6).

Operator side (API keys): this node's signed declaration, peer registration (STG-FED-002..007, verified at once
against the declarer's discovery document), the peer list (STG-FED-012), approval (interpretation peer_lifecycle),
the audit log (STG-AUDIT-001/002) and the admin pull trigger. Peer side (peer tokens, ``peer_auth``): the pull
page (STG-FED-019..028); push answers 405 (interpretation push_support = absent, STG-FED-040). Every route answers
404 ``not_found`` when the node runs without ``--federation``.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api import tls
from reference_node.api.auth import caller, federator
from reference_node.api.bodies import members, read_json
from reference_node.api.capability_tokens import authorize_pull, refresh_expired_issuer
from reference_node.api.errors import ApiError
from reference_node.api.params import decode_cursor, encode_cursor, limit, one, sequence_cursor
from reference_node.api.peer_auth import authenticate_peer
from reference_node.federation import Federation
from reference_node.protocol import peering, replication
from reference_node.protocol.facts import SCOPES
from reference_node.settings import Settings
from reference_node.storage.audit import EVENT_TYPES

__all__ = [
    "approve_peer",
    "audit_events",
    "declaration",
    "federation_facts",
    "list_peers",
    "pull_now",
    "push_facts",
    "register_peer",
]

# docs/federation-api.md: limit 1..500, default 100, for the pull page (and, by analogy, the audit log).
_DEFAULT_LIMIT = 100
_HLC = re.compile(r"\d{13}\.\d{3}", re.ASCII)
_FACT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", re.ASCII)


def _federation(request: Request) -> Federation:
    found: Federation | None = request.app.state.federation
    if found is None:
        raise ApiError("not_found", "federation is not enabled on this node (start it with --federation)")
    return found


_PULL_MEMBERS = frozenset({"skip_node_ids"})
_MAX_SKIPPED = 10_000


def _bad(name: str, why: str) -> ApiError:
    return ApiError("invalid_parameter", f"{name}: {why}")


async def declaration(request: Request) -> Response:
    """GET /v1/federation/declaration?allowed_scopes=public,company: this node's declaration, freshly signed."""
    federation = _federation(request)
    identity = federator(request)
    raw = one(request.query_params, "allowed_scopes")
    wanted = [item.strip() for item in (raw if raw is not None else "public").split(",") if item.strip()]
    unknown = [scope for scope in wanted if scope not in peering.DECLARABLE_SCOPES]
    if unknown or not wanted:
        raise _bad("allowed_scopes", f"a comma-separated list of {', '.join(peering.DECLARABLE_SCOPES)}")
    settings: Settings = request.app.state.settings
    node_url = settings.node_url or f"{request.url.scheme}://{request.url.netloc}"
    scopes = [scope for scope in SCOPES if scope in wanted]
    # STG-SCOPE-022: a key offers only scopes within its own allowed_scopes.
    if not identity.covers((), scopes):
        raise ApiError("scope_forbidden", "this key may not offer scopes outside its own allowed_scopes")
    return JSONResponse(federation.declaration(node_url, scopes))


async def register_peer(request: Request) -> Response:
    """POST /v1/federation/peers: verify a declaration now; 201 {peer_id, status, verified_at}."""
    federation = _federation(request)
    identity = federator(request)
    settings: Settings = request.app.state.settings
    body = await read_json(request, settings.max_body_bytes)
    problem = peering.shape_problem(body)
    if problem is not None:
        federation.reject_declaration(body, "invalid_declaration", problem)
        raise ApiError("invalid_declaration", problem)
    if not identity.covers((), body["allowed_scopes"]):
        # STG-SCOPE-022: a key bounded to some scopes cannot admit a peer that would pull others.
        detail = f"the declaration grants {body['allowed_scopes']}; this key holds {list(identity.scopes)}"
        federation.reject_declaration(body, "scope_beyond_key", detail)
        raise ApiError("scope_forbidden", "this key may not register a peer for scopes outside its allowed_scopes")
    peer = await federation.register(body)
    answer = {"peer_id": peer.peer_id, "status": peer.status, "verified_at": peer.verified_at}
    if peer.status == "rejected":
        answer["rejected_reason"] = peer.rejected_reason
    return JSONResponse(answer, 201)


async def list_peers(request: Request) -> Response:
    """GET /v1/federation/peers."""
    federation = _federation(request)
    federator(request)
    return JSONResponse({"peers": [peer.public() for peer in federation.store.peers()]})


async def approve_peer(request: Request) -> Response:
    """POST /v1/federation/peers/{peer_id}/approve (admin): pending_approval -> active."""
    federation = _federation(request)
    identity = caller(request, "admin")
    pending = federation.store.peer(request.path_params["peer_id"])
    if pending is not None and not identity.covers((), pending.allowed_scopes):
        raise ApiError("scope_forbidden", "this key may not approve a peer for scopes outside its allowed_scopes")
    peer = federation.approve(request.path_params["peer_id"])
    return JSONResponse({"peer_id": peer.peer_id, "status": peer.status})


def _pull_cursor(raw: str | None) -> tuple[str, str] | None:
    if not raw:
        return None
    parts = decode_cursor(raw)
    # STG-HTTP-012: a pull cursor this node did not issue is 400 invalid_cursor.
    if len(parts) != 3 or parts[0] != "p1" or not _HLC.fullmatch(parts[1]) or not _FACT_ID.fullmatch(parts[2]):
        raise ApiError("invalid_cursor", "this cursor was not issued by this node")
    return parts[1], parts[2]


async def federation_facts(request: Request) -> Response:
    """GET /v1/federation/facts?scope=&cursor=&limit= (peer token): one page in local storage order."""
    federation = _federation(request)
    tls.require_client_certificate(request)  # STG-TLS-002/003/008
    peer, claims = await authenticate_peer(request, federation)
    tls.require_san(request, peer)  # STG-TLS-005..007
    params = request.query_params
    scope, raw_cursor = one(params, "scope"), one(params, "cursor")
    page_size = limit(params, _DEFAULT_LIMIT)
    after = _pull_cursor(raw_cursor)
    if scope is not None and scope not in SCOPES:
        raise _bad("scope", f"must be one of {', '.join(SCOPES)}")
    # STG-FED-023: only the intersection of the relationship's and the token's scopes is served.
    servable = replication.servable_scopes(peer.allowed_scopes, claims["scopes"])
    if scope is not None:
        # STG-FED-054: a pull of a scope the peer may not read is 403 and audited as scope_violation.
        if scope not in servable:
            federation.store.audit("scope_violation", "scope_forbidden", peer=peer,
                                   detail=f"pull of scope {scope}; this peer may pull {list(servable)}")
            raise ApiError("scope_forbidden", f"this peer may not pull scope {scope}")
        servable = (scope,)
    # STG-CAP-021: a capability token, when presented, narrows the pull to what its federate grant covers.
    await refresh_expired_issuer(request, federation)  # A20 19.3.3 step 1b
    servable = authorize_pull(request, federation, peer, servable)
    facts, last, more = federation.store.serve(servable, after, page_size,
                                               request.app.state.settings.max_response_bytes)
    cursor = encode_cursor("p1", *last) if last is not None else (raw_cursor or None)
    return JSONResponse({"facts": facts, "cursor": cursor, "has_more": more})


async def federation_tombstones(request: Request) -> Response:
    """GET /v1/federation/tombstones?since=&limit= (peer): tombstones and revocations as signed (Spec-X2)."""
    from reference_node.api import tombstones

    federation = _federation(request)
    tls.require_client_certificate(request)
    peer, claims = await authenticate_peer(request, federation)
    tls.require_san(request, peer)
    # STG-TOMB-021 (A20 §23.4.3; interpretation X2-4: a token whose verb is tombstone:read): a capability token,
    # when presented, must grant tombstone:read on a scope the peer shares (a federate grant does not); without
    # one, the active peer's token is the authority, as for pulls of facts.
    await refresh_expired_issuer(request, federation)
    authorize_pull(request, federation, peer, replication.servable_scopes(peer.allowed_scopes, claims["scopes"]),
                   verb="tombstone:read")
    after, size = tombstones.page_params(request)
    return JSONResponse(tombstones.page(request.app.state.store, after, size))


async def push_facts(request: Request) -> Response:
    """POST /v1/federation/facts/push: not supported (interpretation push_support = absent)."""
    _federation(request)
    tls.require_client_certificate(request)  # STG-TLS-003/008
    # STG-FED-040: no push, so 405 (and discovery advertises push null, STG-HTTP-009).
    raise ApiError("method_not_allowed", "push replication is not supported; pull GET /v1/federation/facts",
                   {"Allow": ""})


async def audit_events(request: Request) -> Response:
    """GET /v1/federation/audit?peer_id=&event_type=&limit=&cursor=: newest first."""
    federation = _federation(request)
    federator(request)
    params = request.query_params
    peer_id, event_type = one(params, "peer_id"), one(params, "event_type")
    if event_type is not None and event_type not in EVENT_TYPES:
        raise _bad("event_type", f"must be one of {', '.join(EVENT_TYPES)}")
    page_size = limit(params, _DEFAULT_LIMIT)
    before = sequence_cursor(one(params, "cursor"), "a1")
    events, following = federation.store.audit_page(peer_id, event_type, before, page_size)
    cursor = None if following is None else encode_cursor("a1", str(following))
    return JSONResponse({"events": events, "cursor": cursor})


async def pull_now(request: Request) -> Response:
    """POST /v1/admin/federation/pull (admin): one pull cycle of every active peer, now; ``{"skip_node_ids":
    [...]}`` leaves those peers out (a harness's peers that are gone: each would cost a failed pull)."""
    federation = _federation(request)
    caller(request, "admin")
    settings: Settings = request.app.state.settings
    body = members(await read_json(request, settings.max_body_bytes, empty={}), _PULL_MEMBERS, "the pull request")
    skip = body.get("skip_node_ids", [])
    if not isinstance(skip, list) or len(skip) > _MAX_SKIPPED or not all(isinstance(i, str) for i in skip):
        raise ApiError("invalid_body", f"skip_node_ids must be a list of at most {_MAX_SKIPPED} node ids")
    outcomes = await federation.pull_all(frozenset(skip))
    return JSONResponse({"peers": [outcome.public() for outcome in outcomes]})
