"""PeerDeclaration: building one, its shape, and verification against the declarer's discovery document.

Spec-05 §Peer Registration; A08 §5.6, §5.7, §6.1; docs/federation-api.md "PeerDeclaration and
registration". Field names and preimage follow interpretation ``peer_declaration_fields`` (a08-jcs: Ed25519 over
RFC 8785 of every member but ``declaration_sig``, STG-SIG-001/002). Requirements: STG-FED-003 (the declarer's
discovery document is the evidence), STG-FED-005 (a signature that does not verify never becomes active),
STG-FED-006 (node_id and key must equal the discovery document's), STG-FED-007 (active only after every check).
Fetching the document is the caller's job; these functions only judge what was fetched.

>>> doc = declaration("http://127.0.0.1:1", "stigmem://a.test/node/1", ("public",), "2026-05-01T00:00:00Z",
...                   bytes(32))
>>> verification_failure(doc, {"node_id": "stigmem://a.test/node/1", "federation_pubkey": public_key(bytes(32))})
>>> verification_failure(doc, {"node_id": "stigmem://a.test/node/1", "federation_pubkey": "x"})
'pubkey_mismatch'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reference_node.protocol import base64url, signatures
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri, ProtocolError
from reference_node.protocol.facts import SCOPES
from reference_node.protocol.values import is_rfc3339

__all__ = [
    "DECLARABLE_SCOPES",
    "DECLARATION_MEMBERS",
    "FEDERATION_VERSION",
    "authority",
    "declaration",
    "public_key",
    "shape_problem",
    "signed_at_problem",
    "verification_failure",
]

# Interpretation declaration_signed_at = a20-window: A20 §22.5 bounds federation handshake messages to +-5 min of
# the verifier's clock; the declaration's age gets the same bound (DEFAULT_MAX_AGE_S, an operator setting).
FUTURE_LEEWAY_MS = 5 * 60_000
DEFAULT_MAX_AGE_S = 5 * 60

# docs/federation-api.md "Identity and discovery": the federation protocol line advertised in discovery.
FEDERATION_VERSION = "0.9.0a"
# A declaration may name every known scope except local (verification step "known scopes without local").
DECLARABLE_SCOPES = tuple(scope for scope in SCOPES if scope != "local")
# schemas/wire/peer_declaration.json: the members a declaration may carry (rate_limit optional).
_REQUIRED = ("node_url", "node_id", "federation_pubkey", "allowed_scopes", "signed_at", "declaration_sig")
DECLARATION_MEMBERS = frozenset({*_REQUIRED, "rate_limit"})
_URL = re.compile(r"https?://[^\s/?#]+(?:/[^\s?#]*)?", re.ASCII)
_FORMAL = "stigmem://"


def public_key(seed: bytes) -> str:
    """The raw 32-byte Ed25519 public key of ``seed``, base64url without padding (43 characters)."""
    raw = signatures.signing_key(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64url.encode(raw)


def authority(node_id: str) -> str | None:
    """The authority of a formal ``stigmem://authority/...`` URI, None for anything else."""
    if not node_id.startswith(_FORMAL):
        return None
    found = node_id[len(_FORMAL) :].partition("/")[0]
    return found or None


def declaration(
    node_url: str, node_id: str, allowed_scopes: Iterable[str], signed_at: str, seed: bytes
) -> dict[str, Any]:
    """This node's signed declaration (STG-SIG-001, STG-SIG-002): what an operator hands to the other side."""
    document = {
        "node_url": node_url,
        "node_id": node_id,
        "federation_pubkey": public_key(seed),
        "allowed_scopes": list(allowed_scopes),
        "signed_at": signed_at,
    }
    return signatures.sign("peer_declaration", document, seed)


def _formal_node_id(value: object) -> bool:
    if not isinstance(value, str) or authority(value) is None:
        return False
    try:
        return normalize(value) == value
    except InvalidEntityUri:
        return False


def _rate_limit_ok(value: object) -> bool:
    if not isinstance(value, Mapping) or set(value) != {"facts_per_second", "burst"}:
        return False
    return all(isinstance(value[k], int) and not isinstance(value[k], bool) and value[k] >= 1 for k in value)


def shape_problem(document: object) -> str | None:
    """Why ``document`` is not a well-formed declaration (422 invalid_declaration), or None when it is.

    Shape only: whether the signature verifies and the scopes are acceptable is verification, which rejects the
    peer instead (STG-FED-005, STG-FED-007).
    """
    if not isinstance(document, Mapping):
        return "a declaration is a JSON object"
    missing = [name for name in _REQUIRED if name not in document]
    if missing:
        return f"the declaration lacks {', '.join(missing)}"
    unknown = sorted(set(document) - DECLARATION_MEMBERS)
    if unknown:
        return f"unknown declaration member(s): {', '.join(unknown)}"
    if not isinstance(document["node_url"], str) or not _URL.fullmatch(document["node_url"]):
        return "node_url must be an http(s) URL"
    if not _formal_node_id(document["node_id"]):
        return "node_id must be a normalized formal stigmem:// URI"
    for name in ("federation_pubkey", "declaration_sig"):
        if not isinstance(document[name], str) or not document[name]:
            return f"{name} must be a non-empty string"
    scopes = document["allowed_scopes"]
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes) or len(set(scopes)) != len(scopes):
        return "allowed_scopes must be an array of distinct strings"
    if not isinstance(document["signed_at"], str) or not is_rfc3339(document["signed_at"]):
        return "signed_at must be an RFC 3339 date-time"
    if "rate_limit" in document and not _rate_limit_ok(document["rate_limit"]):
        return "rate_limit must be {facts_per_second, burst}, positive integers"
    return None


def signed_at_problem(signed_at: str, now_ms: int, max_age_s: float | None) -> str | None:
    """``signed_at_stale`` / ``signed_at_future`` outside [now - max_age, now + 5 min]; None inside, or when
    ``max_age_s`` is None (interpretation declaration_signed_at = unbounded: any instant is accepted)."""
    if max_age_s is None:
        return None
    try:
        moment = datetime.fromisoformat(signed_at.upper())
    except ValueError:
        return "signed_at_invalid"
    if moment.tzinfo is None:
        return "signed_at_invalid"
    signed_ms = int(moment.timestamp() * 1000)
    if signed_ms > now_ms + FUTURE_LEEWAY_MS:
        return "signed_at_future"
    if signed_ms < now_ms - max_age_s * 1000:
        return "signed_at_stale"
    return None


def verification_failure(document: Mapping[str, Any], discovered: object) -> str | None:
    """The first failing verification step as a reason code, or None when the declaration verifies.

    Order (docs/federation-api.md): the discovery document's node_id and federation_pubkey equal the
    declaration's (STG-FED-006), ``declaration_sig`` verifies under that key (STG-FED-005), and
    ``allowed_scopes`` are known scopes without local.
    """
    if not isinstance(discovered, Mapping):
        return "discovery_invalid"
    if discovered.get("node_id") != document.get("node_id"):
        return "node_id_mismatch"
    if discovered.get("federation_pubkey") != document.get("federation_pubkey"):
        return "pubkey_mismatch"
    try:
        signatures.verify("peer_declaration", document, document.get("federation_pubkey"))
    except ProtocolError:
        return "signature_invalid"
    scopes = document.get("allowed_scopes")
    if not isinstance(scopes, list) or not all(scope in DECLARABLE_SCOPES for scope in scopes):
        return "scope_invalid"
    return None
