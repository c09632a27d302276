"""Fetching a peer's transparency-log evidence and judging it in the node's trust mode (A20 §19.2;
docs/federation-api.md "Transparency log").

The peer serves the LogEntry of its manifest at ``/.well-known/stigmem-manifest-proof.json`` (A20 §19.1.6). Its log
is the peer's own (``/v1/federation/transparency-log`` on the peer) unless the node runs with ``--transparency-log
URL``: then the log key comes from URL and a fresh inclusion proof of the same entry hash from
``URL/proof/inclusion``, so a peer cannot vouch for itself. Every request is bounded (outbound.get_json: 5 s each,
1 MiB); at most three per verdict. An unreachable log, a refused request or an unreadable answer is "no evidence":
``protocol.transparency.check_manifest_evidence`` then fails closed in strict mode (503
transparency_log_unavailable), accepts with a warning in relaxed mode; off asks for nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from reference_node.federation.outbound import BodyTooLarge, get_json
from reference_node.protocol import base64url, transparency
from reference_node.protocol.errors import ProtocolError

__all__ = ["LOG_PATH", "PROOF_PATH", "fetch_evidence", "manifest_verdict"]

log = logging.getLogger("reference_node.federation.transparency")

LOG_PATH = "/v1/federation/transparency-log"
PROOF_PATH = "/.well-known/stigmem-manifest-proof.json"


async def _json(client: httpx.AsyncClient, url: str, params: dict[str, str] | None = None) -> Any:
    try:
        fetched = await get_json(client, url, params=params)
    except (httpx.HTTPError, TimeoutError, BodyTooLarge, OSError) as exc:
        log.info("transparency log: %s unreachable: %s", url, exc)
        return None
    return fetched.body if fetched.status == 200 else None


async def fetch_evidence(client: httpx.AsyncClient, peer_url: str, log_url: str | None
                         ) -> tuple[Mapping[str, Any] | None, transparency.LogKey | None]:
    """The manifest's LogEntry and the log's key, either None when it could not be had."""
    entry = await _json(client, peer_url.rstrip("/") + PROOF_PATH)
    if not isinstance(entry, Mapping):
        return None, None
    base = log_url.rstrip("/") if log_url else peer_url.rstrip("/") + LOG_PATH
    info = await _json(client, base)
    key: transparency.LogKey | None = None
    if isinstance(info, Mapping) and isinstance(info.get("origin"), str):
        try:
            key = transparency.LogKey(info["origin"], base64url.decode(info.get("public_key"), length=32))
        except ProtocolError:
            key = None
    if log_url and isinstance(entry.get("entry_hash"), str):
        proof = await _json(client, base + "/proof/inclusion", {"entry_hash": entry["entry_hash"]})
        if not isinstance(proof, Mapping):
            return None, key
        entry = {**entry, "inclusion_proof": dict(proof)}
    return entry, key


async def manifest_verdict(client: httpx.AsyncClient, manifest: Mapping[str, Any], peer_url: str,
                           log_url: str | None, trust_mode: transparency.TrustMode) -> transparency.Verdict:
    """May ``manifest`` (served by the peer at ``peer_url``) be trusted? Off: yes, without asking any log."""
    if trust_mode == "off":
        return transparency.check_manifest_evidence(manifest, None, None, "off")
    entry, key = await fetch_evidence(client, peer_url, log_url)
    verdict = transparency.check_manifest_evidence(manifest, entry, key, trust_mode)
    if verdict.warning:
        log.warning("peer manifest accepted without valid log evidence (%s): %s", verdict.warning, verdict.detail)
    return verdict


def audit_verdict(db: Any, verdict: transparency.Verdict, peer_node_id: str, trust_mode: str, at: str) -> None:
    """Record a verdict reached without valid evidence (relaxed: a warning; strict: a refusal) in the audit log.
    ``db`` is the node's storage Database; a verified manifest records nothing here."""
    from reference_node.storage import audit_log  # storage is the federation layer's own, imported late

    if verdict.code is None and verdict.warning is None:
        return
    with db.transaction() as conn:
        audit_log.append(conn, "manifest_log_evidence", "success" if verdict.accepted else "denied", at,
                         metadata={"peer_node_id": peer_node_id, "trust_mode": trust_mode,
                                   "reason": verdict.code or verdict.warning, "detail": verdict.detail[:256]})
