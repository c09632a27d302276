"""Other issuers' revocation lists, cached (A20 §19.3.4; Spec-06; docs/federation-api.md "Capability tokens").

A token issued by a registered peer is checked against that peer's ``GET /v1/federation/tokens/revocations``,
fetched when no copy younger than its ``ttl_s`` (at least 60 s, A20: receivers SHOULD cache >= 60 s) is held, so a
revocation is effective at this node within the issuer's cache TTL, and no request waits on the transparency log.
Only events signed by the issuer's manifest key count (``protocol.capability_tokens.revoked_ids``). A list that
cannot be fetched keeps the copy held (or none). The cache is per process, at most ``MAX_ISSUERS`` issuers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx

from reference_node.federation.outbound import BodyTooLarge, get_json
from reference_node.protocol import capability_tokens as rules
from reference_node.storage.peers import PeerRow

__all__ = ["MIN_TTL_S", "IssuerRevocations"]

log = logging.getLogger("reference_node.revocations")

MIN_TTL_S = 60
MAX_TTL_S = 3600
MAX_ISSUERS = 10_000
PATH = "/v1/federation/tokens/revocations"


class IssuerRevocations:
    """token ids revoked by other issuers, by issuer, each with the monotonic time its copy goes stale."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[float, frozenset[str]]] = {}

    def revoked(self, issuer: str, token_id: str) -> bool:
        held = self._held.get(issuer)
        return held is not None and token_id in held[1]

    def stale(self, issuer: str) -> bool:
        held = self._held.get(issuer)
        return held is None or held[0] <= time.monotonic()

    async def refresh(self, client: httpx.AsyncClient, peer: PeerRow, manifest: Mapping[str, Any]) -> None:
        """Fetch ``peer``'s list (the issuer is the peer's node_id) when the copy held is stale."""
        if not self.stale(peer.node_id):
            return
        try:
            fetched = await get_json(client, peer.node_url.rstrip("/") + PATH)
        except (httpx.HTTPError, TimeoutError, OSError, BodyTooLarge) as exc:
            log.info("revocation list of %s not fetched: %s", peer.node_id, type(exc).__name__)
            return
        if fetched.status != 200 or not isinstance(fetched.body, dict):
            return
        ttl = fetched.body.get("ttl_s")
        ttl_s = min(max(ttl, MIN_TTL_S), MAX_TTL_S) if isinstance(ttl, int) and not isinstance(ttl, bool) \
            else MIN_TTL_S
        if len(self._held) >= MAX_ISSUERS:
            self._held.clear()
        self._held[peer.node_id] = (time.monotonic() + ttl_s,
                                    rules.revoked_ids(fetched.body, peer.node_id, manifest))
