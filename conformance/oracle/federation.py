"""Small models of the documented federation rules, the cross-check of every hand-stated federation vector.

docs/federation-api.md and schemas/wire/peer_declaration.json, one function per rule:

- ``declaration_error``: the shape of a PeerDeclaration, then verification against the declarer's discovery
  document in the documented order (STG-FED-002/003/005/006/007);
- ``admit_error``: ingest steps 4 to 6 for a pulled fact whose shape and CID passed (STG-FED-034..036,
  STG-HLC-007);
- ``served``: which stored facts a peer may pull (STG-FED-023..028, STG-PROV-005);
- ``nonce_session``: peer tokens presented in order to one verifier that remembers an accepted nonce until
  ``max(exp, accepted_at + 300000)`` inclusive (STG-TOK-006..008, STG-RPL-006).

Each answers with the error code of the first failing rule (None when all pass); signatures and tokens are checked
by ``conformance.oracle.ed25519`` and ``conformance.oracle.peer_tokens``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from conformance.oracle import ed25519, peer_tokens

__all__ = ["NEVER", "NONCE_WINDOW_MS", "SCOPES", "admit_error", "declaration_error", "nonce_session", "served"]

SCOPES = ("local", "team", "company", "public")  # schemas/wire/fact.json FactScope
NEVER = ("local", "team")  # docs/federation-api.md: local never, team never
NONCE_WINDOW_MS = 300_000  # A08 §3.5: the nonce window, default 5 min

_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")
_FORMAL = re.compile(r"stigmem://([a-z0-9.-]+)/[a-z0-9._~-]+/[a-z0-9._~/-]+")
_HLC = re.compile(r"([0-9]{13})\.([0-9]{1,3})")
_DECLARED = ("node_url", "node_id", "federation_pubkey", "allowed_scopes", "signed_at", "declaration_sig")


def _rfc3339(value: object) -> bool:
    if not isinstance(value, str) or not (m := _RFC3339.fullmatch(value)):
        return False
    try:
        year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _well_formed(doc: Mapping[str, Any]) -> bool:
    """schemas/wire/peer_declaration.json: the six members typed, an optional rate_limit of two positive integers."""
    scopes = doc["allowed_scopes"]
    rate = doc.get("rate_limit", {"facts_per_second": 1, "burst": 1})
    return bool(isinstance(doc["node_url"], str) and _URL.fullmatch(doc["node_url"])
                and isinstance(doc["node_id"], str) and _FORMAL.fullmatch(doc["node_id"])
                and all(isinstance(doc[k], str) and doc[k] for k in ("federation_pubkey", "declaration_sig"))
                and isinstance(scopes, list) and all(isinstance(s, str) for s in scopes)
                and len(set(scopes)) == len(scopes)
                and _rfc3339(doc["signed_at"])
                and isinstance(rate, dict) and set(rate) == {"facts_per_second", "burst"}
                and all(_positive_int(v) for v in rate.values()))


def declaration_error(doc: object, discovery: object, fields: str) -> str | None:
    """docs/federation-api.md "PeerDeclaration and registration" under ``peer_declaration_fields`` = ``fields``."""
    if not isinstance(doc, dict) or any(k not in doc for k in _DECLARED) or set(doc) - {*_DECLARED, "rate_limit"}:
        return "invalid_declaration"
    if not _well_formed(doc):
        return "invalid_declaration"
    if not isinstance(discovery, dict):
        return "discovery_invalid"
    if discovery.get("node_id") != doc["node_id"]:
        return "node_id_mismatch"
    if discovery.get("federation_pubkey") != doc["federation_pubkey"]:
        return "pubkey_mismatch"
    try:
        key, sig = ed25519.b64u_decode(doc["federation_pubkey"]), ed25519.b64u_decode(doc["declaration_sig"])
    except ValueError:
        return "signature_invalid"
    if len(key) != 32 or len(sig) != 64 or not ed25519.verify(key, ed25519.preimage("peer_declaration", doc, fields),
                                                              sig):
        return "signature_invalid"
    if not all(s in SCOPES and s != "local" for s in doc["allowed_scopes"]):
        return "scope_invalid"
    return None


def _authority(uri: str) -> str | None:
    return m.group(1) if (m := _FORMAL.fullmatch(uri)) else None


def admit_error(fact: Mapping[str, Any], peer: str, declared: Sequence[str], now_ms: int, future: int,
                past: int) -> str | None:
    """Ingest steps 4 to 6 for a fact whose shape and CID passed (its entity and source already normalized)."""
    if fact["scope"] in NEVER or fact["scope"] not in declared:
        return "scope_violation"
    source = fact["source"]
    if source != peer and (_authority(peer) is None or _authority(source) != _authority(peer)):
        return "source_not_owned"
    hlc = _HLC.fullmatch(fact["hlc"])
    assert hlc is not None
    wall = int(hlc.group(1))
    if (future and wall - now_ms > future) or (past and now_ms - wall > past):
        return "hlc_skew"
    return None


def served(facts: Sequence[Mapping[str, Any]], declared: Sequence[str], token: Sequence[str]) -> list[str]:
    """The ids a peer may pull, in input order: scope granted by both, never a meta, garden or relayed fact."""
    scopes = {s for s in SCOPES if s in declared and s in token and s not in NEVER}
    return [f["id"] for f in facts if f["scope"] in scopes and not f["entity"].startswith("stigmem:conflict:")
            and not f["relation"].lower().startswith("stigmem:") and f.get("garden_id") is None
            and f.get("received_from") is None]


def nonce_session(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """peer_tokens.verify per presentation, seen nonces being those whose retention has not ended."""
    retained: dict[str, int] = {}
    outputs: list[dict[str, Any]] = []
    for p in data["presentations"]:
        seen = [n for n, until in retained.items() if until >= p["now_ms"]]
        try:
            claims = peer_tokens.verify(
                p["token"], data["issuer_public_key_b64u"], data["audience"], p["now_ms"], seen_nonces=seen,
                leeway_ms=data.get("leeway_ms", peer_tokens.LEEWAY_MS),
                max_lifetime_ms=data.get("max_lifetime_ms", peer_tokens.MAX_LIFETIME_MS))
        except peer_tokens.TokenInvalid as exc:
            outputs.append({"error": exc.code,
                            "audit_event": "replay_attempt" if exc.code == "nonce_already_seen" else "rejected_token"})
            continue
        retained[claims["nonce"]] = max(claims["exp"], p["now_ms"] + NONCE_WINDOW_MS)
        outputs.append({"accepted": True})
    return outputs
