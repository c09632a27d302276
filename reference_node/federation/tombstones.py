"""Pulling a peer's tombstones: ``GET /v1/federation/tombstones`` (Spec-X2; A20 §23.4.2-§23.4.3; docs/federation-api.md
"Tombstones").

``pull`` follows the peer's cursor for at most ``MAX_PAGES`` pages; each page is judged and stored in one
transaction with its cursor (``storage.tombstone_ingest``). ``signer_keys`` resolves the keys of a record's
``signed_by`` independently of the relay (STG-TOMB-018): the signer's valid manifest (its current key and the keys
its rotation events introduce) or, without one, the federation key this node holds for the signer (its registered
key and the rotations followed, ``peer_keys``), or its own key when it signed the record itself. The puller calls
this at least every ``POLL_EVERY_S`` (STG-TOMB-022) and on every triggered pull.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from reference_node.federation import peer_keys
from reference_node.federation.outbound import BodyTooLarge, get_json
from reference_node.protocol import tombstones as rules
from reference_node.protocol.errors import ProtocolError
from reference_node.protocol.peering import public_key
from reference_node.storage import manifests, tombstone_ingest
from reference_node.storage.federation import FederationStore
from reference_node.storage.peers import PeerRow

__all__ = ["MAX_PAGES", "POLL_EVERY_S", "TombstonePull", "pull", "signer_keys"]

# A20 §23.4.3: "Peers MUST poll at least every 5 min".
POLL_EVERY_S = 300.0
MAX_PAGES = 20
PAGE_LIMIT = 100
_MAX_PAGE_BYTES = 16 * 1024 * 1024
_MAX_RECORDS = 1000


class Side(Protocol):
    store: FederationStore

    def token_for(self, peer: PeerRow) -> str: ...

    def signing_seed(self) -> bytes: ...


@dataclass
class TombstonePull:
    accepted: int = 0
    rejected: int = 0
    error: str | None = None


def _by_key_id(keys: list[str]) -> dict[str, str]:
    found = {}
    for key in keys:
        try:
            found[rules.key_id(key)] = key
        except (ProtocolError, ValueError):
            continue
    return found


def signer_keys(side: Side, signed_by: str) -> Mapping[str, str]:
    """key_id -> public key of the signer ``signed_by``; never the relay's unless the relay signed (STG-TOMB-018)."""
    store = side.store
    with store.db.reading() as conn:
        manifest = manifests.valid_manifest(conn, signed_by, store.now_dt())
    if manifest is not None:
        events = manifest.get("rotation_events") or []
        return _by_key_id([str(manifest.get("public_key")),
                           *(str(e.get("public_key")) for e in events if isinstance(e, Mapping))])
    if signed_by == store.store.node_id:
        return _by_key_id([public_key(side.signing_seed())])
    peer = store.peer_by_node_id(signed_by)
    if peer is None or peer.status != "active":
        return {}
    return _by_key_id(list(peer_keys.trusted_keys(store, peer)))


def _page(body: Any) -> tuple[list[object], list[object], str | None]:
    if not isinstance(body, Mapping):
        raise ValueError("malformed tombstone page: not a JSON object")
    tombs, revs, cursor = body.get("tombstones"), body.get("revocations", []), body.get("cursor")
    if not isinstance(tombs, list) or not isinstance(revs, list) or len(tombs) + len(revs) > _MAX_RECORDS:
        raise ValueError(f"malformed tombstone page: tombstones and revocations are arrays of at most {_MAX_RECORDS}")
    if cursor is not None and (not isinstance(cursor, str) or not cursor or len(cursor) > 1024):
        raise ValueError("malformed tombstone page: cursor is a non-empty string or null")
    return tombs, revs, cursor


def _lookup(keys: Mapping[str, Mapping[str, str]]) -> tombstone_ingest.KeysOf:
    def keys_of(signer: str) -> Mapping[str, str]:
        return keys.get(signer, {})
    return keys_of


async def pull(side: Side, client: httpx.AsyncClient, peer: PeerRow, https_only: bool) -> TombstonePull:
    """One pull of ``peer``'s tombstones (at most MAX_PAGES pages); never raises, the error is in the result."""
    store, outcome = side.store, TombstonePull()
    url = peer.node_url.rstrip("/") + "/v1/federation/tombstones"
    if https_only and not url.lower().startswith("https://"):  # STG-TLS-009
        outcome.error = "tls_required: the peer's node_url is not https"
        return outcome
    with store.db.reading() as conn:
        since = tombstone_ingest.cursor(conn, peer.peer_id)
    for _ in range(MAX_PAGES):
        params = {"limit": str(PAGE_LIMIT), **({"since": since} if since else {})}
        headers = {"Authorization": f"Bearer {side.token_for(peer)}"}
        try:
            fetched = await get_json(client, url, params=params, headers=headers, max_bytes=_MAX_PAGE_BYTES)
            if fetched.status != 200:
                outcome.error = f"tombstones: http {fetched.status}"
                return outcome
            tombs, revs, cursor = _page(fetched.body)
        except (httpx.HTTPError, TimeoutError, OSError, BodyTooLarge, ValueError) as exc:
            outcome.error = f"tombstones: {type(exc).__name__}: {exc}"
            return outcome
        signers = {str(r.get("signed_by")) for r in [*tombs, *revs] if isinstance(r, Mapping)}
        keys = {signer: signer_keys(side, signer) for signer in signers}
        with store.db.transaction() as conn:
            result = tombstone_ingest.ingest_page(conn, peer.peer_id, peer.node_id, tombs, revs, cursor or since,
                                                  _lookup(keys), store.now())
        outcome.accepted += result.accepted
        outcome.rejected += result.rejected
        if not (tombs or revs) or cursor is None or cursor == since:
            return outcome
        since = cursor
    return outcome
