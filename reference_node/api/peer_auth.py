"""Who is pulling: peer-token verification for ``/v1/federation/facts`` (docs/federation-api.md "Peer tokens").

Called by the federation route itself (not an ASGI middleware), so no other route pays for it. The order, each
failure answering 401 with its code and an audit event (``rejected_token``; ``replay_attempt`` for a seen nonce,
STG-RPL-006): ``token_malformed`` (also a missing header or an API key, STG-FED-018) -> ``unknown_peer`` (``iss``
is not an active peer, STG-FED-001/008) -> ``signature_invalid`` (STG-TOK-003) -> ``token_wrong_audience``
(STG-TOK-004) -> ``token_lifetime_exceeded`` (STG-TOK-002) -> ``token_not_yet_valid`` (STG-RPL-004) ->
``token_expired`` (STG-TOK-005) -> ``nonce_already_seen`` (STG-TOK-006..008, interpretations nonce_retention and
replay_error_code). The protocol core checks signature to nonce; this module supplies the key, the clock and the
persistent nonce cache, and records the nonce of an accepted token atomically (a race loses as a replay).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from reference_node.api.errors import STATUS, ApiError
from reference_node.federation import Federation
from reference_node.protocol import peer_tokens, replay
from reference_node.protocol.errors import ProtocolError, SignatureInvalid, TokenMalformed
from reference_node.storage.peers import PeerRow

__all__ = ["authenticate_peer"]

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _refuse(
    federation: Federation, code: str, detail: str, peer: PeerRow | None = None, claimed_iss: str | None = None
) -> ApiError:
    """Audit the refusal, then the 401 to raise."""
    federation.store.audit(replay.audit_event(code), code, peer=peer, peer_node_id=claimed_iss, detail=detail)
    return ApiError(code if code in STATUS else "token_malformed", detail, _CHALLENGE)


def _bearer(request: Request) -> str:
    scheme, _, token = (request.headers.get("authorization") or "").strip().partition(" ")
    # STG-FED-018: pull needs Authorization: Bearer <peer token>, else 401.
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenMalformed("Authorization: Bearer <peer token> is required")
    return token.strip()


def _verify(token: str, keys: tuple[str, ...], federation: Federation, now_ms: int, seen: tuple[str, ...]) -> None:
    """Verify under the first key the signature holds for; SignatureInvalid when none does."""
    for key in keys:
        try:
            peer_tokens.verify(token, key, audience=federation.node_id, now_ms=now_ms, seen_nonces=seen)
            return
        except SignatureInvalid:
            continue
    raise SignatureInvalid("token signature does not verify under the peer's keys", "STG-TOK-003")


async def authenticate_peer(request: Request, federation: Federation) -> tuple[PeerRow, dict[str, Any]]:
    """The active peer a valid, fresh token comes from, and the token's claims; else a 401 ApiError."""
    try:
        token = _bearer(request)
        claims = peer_tokens.read_claims(token)
    except TokenMalformed as exc:
        raise _refuse(federation, "token_malformed", str(exc)) from exc
    peer = federation.store.peer_by_node_id(claims["iss"])
    # STG-FED-001, STG-FED-008: only an active peer's token is accepted.
    if peer is None or peer.status != "active":
        state = "not a registered peer" if peer is None else f"a {peer.status} peer"
        # STG-ROB-001: the claimed iss is stored once (peer_node_id, bounded), not again in the detail.
        raise _refuse(federation, "unknown_peer", f"the claimed iss is {state}", peer, claims["iss"])
    now_ms = federation.store.now_ms()
    seen = (claims["nonce"],) if federation.store.nonce_seen(claims["nonce"], now_ms) else ()
    try:
        try:
            # STG-KEY-018: the registered key, or the keys of the peer's followed rotation chain (STG-KEY-014).
            _verify(token, federation.peer_keys(peer), federation, now_ms, seen)
        except SignatureInvalid:
            if not await federation.follow_rotation(peer):
                raise
            _verify(token, federation.peer_keys(peer), federation, now_ms, seen)
    except ProtocolError as exc:
        raise _refuse(federation, exc.code, str(exc), peer) from exc
    # STG-TOK-006, STG-TOK-008: a nonce already seen is 401, whichever token carries it.
    if not federation.store.accept_nonce(claims["nonce"], peer.node_id, claims["exp"], now_ms):
        raise _refuse(federation, "nonce_already_seen", "token nonce was already seen", peer)
    return peer, claims
