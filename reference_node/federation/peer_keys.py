"""Following a peer's key rotations (STG-KEY-018; docs/federation-api.md "Key rotation"; A08 §6.1).

The key registered for a peer stays its root of trust. When a peer token verifies under none of the keys this node
trusts for the peer, ``follow`` fetches the peer's ``GET /v1/federation/key-rotations`` (bounded to 5 s, at most
once a minute per peer, so junk tokens cannot make the node fetch in a loop), takes the part of the log that starts
at the registered key, verifies it (``protocol.key_rotation``: links, order, old-key signatures, never shorter than
the chain kept) and keeps it. ``trusted_keys`` then answers the peer's current key and each older key still in
dual trust (STG-KEY-014): after dual trust the old key is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from reference_node.federation.outbound import BodyTooLarge, get_json
from reference_node.protocol import key_rotation
from reference_node.protocol.errors import ProtocolError
from reference_node.storage.federation import FederationStore
from reference_node.storage.peers import PeerRow

__all__ = ["FOLLOW_EVERY_MS", "follow", "trusted_keys"]

log = logging.getLogger("reference_node.federation")
FOLLOW_EVERY_MS = 60_000


def trusted_keys(store: FederationStore, peer: PeerRow) -> tuple[str, ...]:
    """The public keys a token of ``peer`` may be signed with now, current first."""
    entries = store.peer_rotations(peer.peer_id)
    if not entries:
        return (peer.federation_pubkey,)
    try:
        chain = key_rotation.verify_chain(peer.node_id, peer.federation_pubkey, entries)
    except ProtocolError:  # stored only after verification; a changed row falls back to the registered key
        return (peer.federation_pubkey,)
    return key_rotation.trusted_public_keys(chain, store.now()[:19] + "Z")


def _from_registered(peer: PeerRow, body: object) -> list[dict[str, Any]] | None:
    entries = body.get("entries") if isinstance(body, Mapping) else None
    if not isinstance(entries, list):
        return None
    registered = key_rotation.key_id(peer.federation_pubkey)
    for start, entry in enumerate(entries):
        if isinstance(entry, Mapping) and entry.get("old_key_id") == registered:
            return [dict(e) if isinstance(e, Mapping) else e for e in entries[start:]]
    return None


async def follow(store: FederationStore, client: httpx.AsyncClient, peer: PeerRow,
                 last_fetch_ms: dict[str, int]) -> bool:
    """Fetch and keep the peer's verified chain; True when a longer one was stored."""
    now_ms = store.now_ms()
    last = last_fetch_ms.get(peer.peer_id)
    if last is not None and now_ms - last < FOLLOW_EVERY_MS:
        return False
    last_fetch_ms[peer.peer_id] = now_ms
    url = peer.node_url.rstrip("/") + "/v1/federation/key-rotations"
    try:
        fetched = await get_json(client, url)
    except (httpx.HTTPError, TimeoutError, OSError, BodyTooLarge) as exc:
        log.warning("rotation log of %s unreachable: %s", peer.node_id, type(exc).__name__)
        return False
    tail = _from_registered(peer, fetched.body) if fetched.status == 200 else None
    if not tail:
        return False
    try:
        # STG-KEY-011, STG-KEY-012, STG-KEY-010: the chain from the registered key, never shorter than the kept one.
        key_rotation.verify_chain(peer.node_id, peer.federation_pubkey, tail,
                                  len(store.peer_rotations(peer.peer_id)))
    except ProtocolError as exc:
        log.warning("rotation log of %s refused: %s", peer.node_id, exc.code)
        return False
    return store.save_peer_rotations(peer.peer_id, tail)
