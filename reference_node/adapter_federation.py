"""The federation operations of the stdio adapter: ``federation.declare``, ``verify_declaration``, ``ingest``,
``serve``, ``issue_claims`` and ``nonce_replay`` over ``reference_node.protocol`` (peering, replication, replay,
peer_tokens). Those rules return a reason code where the others raise, so a refusal is raised here as ``Refused``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_node.adapter_calls import (
    URI_KEYS,
    Interpretations,
    Refused,
    integer,
    only_first,
    optional_text,
    seed,
    strings,
    text,
)
from reference_node.protocol import peer_tokens, peering, replay, replication
from reference_node.protocol.errors import ProtocolError

__all__ = ["declare", "ingest", "issue_claims", "nonce_replay", "serve", "verify_declaration"]


def declare(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    only_first(i, ("peer_declaration_fields",))
    scopes, signed_at = strings(inp["allowed_scopes"]), text(inp["signed_at"])
    document = peering.declaration(text(inp["node_url"]), text(inp["node_id"]), scopes, signed_at, seed(inp))
    return {"declaration": document}


def verify_declaration(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    # peering judges with the a08-jcs preimage, strict Ed25519 and the default entity normalization.
    only_first(i, ("peer_declaration_fields", "ed25519_policy", *URI_KEYS))
    document = inp["declaration"]
    problem = peering.shape_problem(document)
    if problem is not None:
        raise Refused("invalid_declaration", problem)
    failure = peering.verification_failure(document, inp["discovery"])
    if failure is not None:
        raise Refused(failure, f"declaration verification failed: {failure}")
    return {}


def ingest(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    only_first(i, ("cid_preimage", "hlc_input"))
    inbound = replication.read_inbound(inp["fact"], i.fact())
    if isinstance(inbound, replication.Rejection):
        raise Refused(inbound.reason, inbound.detail)
    bounds = {name: integer(inp[name], 0) for name in ("max_future_skew_ms", "max_past_skew_ms") if name in inp}
    peer, scopes, now_ms = text(inp["peer_node_id"]), strings(inp["allowed_scopes"]), integer(inp["now_ms"])
    rejection = replication.admit(inbound, peer, scopes, now_ms, **bounds)
    if rejection is not None:
        raise Refused(rejection.reason, rejection.detail)
    return {"cid": inbound.cid, "entity": inbound.body.entity, "source": inbound.body.source}


def serve(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    scopes = replication.servable_scopes(strings(inp["allowed_scopes"]), strings(inp["token_scopes"]))
    served = []
    for fact in inp["facts"]:
        entity, relation, scope = (text(fact[name]) for name in ("entity", "relation", "scope"))
        garden_id, received_from = (optional_text(fact.get(name)) for name in ("garden_id", "received_from"))
        if replication.servable(entity, relation, garden_id, received_from) and scope in scopes:
            served.append(fact["id"])
    return {"served": served}


def issue_claims(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    lifetime_ms = integer(inp.get("lifetime_ms", replay.ISSUED_LIFETIME_MS), 0)
    issuer, subject, nonce = (text(inp[name]) for name in ("issuer", "subject", "nonce"))
    now_ms, scopes = integer(inp["now_ms"]), strings(inp["scopes"])
    return {"claims": replay.claims(issuer, subject, now_ms, nonce, scopes, lifetime_ms)}


def nonce_replay(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    """Tokens presented in order to one verifier: an accepted nonce is refused up to its retain_until, inclusive."""
    key, audience = inp["issuer_public_key_b64u"], text(inp["audience"])
    leeway_ms = integer(inp.get("leeway_ms", peer_tokens.DEFAULT_LEEWAY_MS), 0)
    max_lifetime_ms = integer(inp.get("max_lifetime_ms", peer_tokens.DEFAULT_MAX_LIFETIME_MS), 0)
    retained: dict[str, int] = {}
    outputs: list[dict[str, Any]] = []
    for presentation in inp["presentations"]:
        now_ms = integer(presentation["now_ms"])
        seen = frozenset(nonce for nonce, until in retained.items() if until >= now_ms)
        try:
            claims = peer_tokens.verify(
                presentation["token"],
                key,
                audience=audience,
                now_ms=now_ms,
                seen_nonces=seen,
                leeway_ms=leeway_ms,
                max_lifetime_ms=max_lifetime_ms,
                policy=i["ed25519_policy"],
            )
        except ProtocolError as exc:
            outputs.append({"error": exc.code, "audit_event": replay.audit_event(exc.code)})
        else:
            retained[claims["nonce"]] = replay.retain_until(claims["exp"], now_ms)
            outputs.append({"accepted": True})
    return {"outputs": outputs}
