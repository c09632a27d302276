"""mTLS for federation (docs/federation-api.md "mTLS"; Spec-10; A20 §22.1): contexts, the ASGI tls extension, guards.

One listener serves everything over TLS when ``--tls-cert``, ``--tls-key`` and ``--tls-ca`` are given. It asks
every client for a certificate (``CERT_OPTIONAL``): a certificate presented must chain to ``--tls-ca`` or the
handshake fails (STG-TLS-004); operators and agents may connect without one and use their API keys. The peer
routes (``/v1/federation/facts``, ``.../push``) then require one (STG-TLS-003) whose URI SAN is the node_id of
the registered peer the token names (STG-TLS-005/006; else 401 ``san_mismatch`` and a ``san_mismatch`` event in
the node-wide audit log, STG-TLS-007), and refuse plain HTTP (STG-TLS-008). TLS 1.3 is the minimum in both
directions and a connection that negotiated a suite outside the floor is refused here (STG-TLS-002; the contexts
and what Python's ``ssl`` can and cannot restrict: reference_node/tls_contexts.py).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from starlette.requests import Request

from reference_node.api.errors import ApiError
from reference_node.clock import format_timestamp
from reference_node.protocol import tls as rules
from reference_node.settings import Settings
from reference_node.storage import Store, audit_log
from reference_node.storage.peers import PeerRow

__all__ = ["connection_info", "require_client_certificate", "require_san"]

_TLS_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}


def connection_info(transport: asyncio.BaseTransport) -> dict[str, Any] | None:
    """The ASGI ``tls`` extension for a TLS connection (None for plain TCP), plus ``client_cert_uris``."""
    ssl_object = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    peercert = ssl_object.getpeercert() if der else None
    cipher = ssl_object.cipher()
    return {
        "server_cert": None,
        "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
        "client_cert_name": None,
        "client_cert_error": None,
        "tls_version": _TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": None,
        "cipher_name": cipher[0] if cipher else None,
        "client_cert_uris": rules.uri_sans(peercert),
    }


def _tls(request: Request) -> dict[str, Any] | None:
    found: dict[str, Any] | None = request.scope.get("extensions", {}).get("tls")
    return found


def require_client_certificate(request: Request) -> None:
    """With mTLS configured: TLS (STG-TLS-008), a floor suite (STG-TLS-002) and a client certificate (STG-TLS-003)."""
    settings: Settings = request.app.state.settings
    if not settings.mtls:
        return
    info = _tls(request)
    # STG-TLS-008: a peer route never answers over plain HTTP when mTLS is configured.
    if info is None or request.url.scheme != "https":
        raise ApiError("tls_required", "federation peer routes need mTLS on this node")
    if info.get("cipher_name") not in rules.SUITE_FLOOR:  # STG-TLS-002
        raise ApiError("tls_required", f"cipher suite {info.get('cipher_name')} is below the floor")
    # STG-TLS-003: a verified client certificate (unverified ones never finish the handshake, STG-TLS-004).
    if not info.get("client_cert_chain"):
        raise ApiError("client_certificate_required", "federation peer routes need a client certificate")


def require_san(request: Request, peer: PeerRow) -> None:
    """STG-TLS-005..007: the certificate names the peer the token comes from; else audit and 401."""
    settings: Settings = request.app.state.settings
    if not settings.mtls:
        return
    info = _tls(request) or {}
    if not info.get("client_cert_chain"):
        return  # no certificate at all is require_client_certificate's refusal (STG-TLS-003), not a mismatch
    uris = tuple(info.get("client_cert_uris") or ())
    if rules.san_names(peer.node_id, uris):
        return
    store: Store = request.app.state.store
    with store.db.transaction() as conn:
        # STG-TLS-007: written before the answer, in the node-wide audit log.
        audit_log.append(conn, "san_mismatch", "denied", format_timestamp(store.now_us()), actor_entity=peer.node_id,
                         metadata={"peer_id": peer.peer_id, "certificate_uris": list(uris)[:8],
                                   "path": request.url.path})
    raise ApiError("san_mismatch", "the client certificate's URI SAN does not name this peer's node_id",
                   {"WWW-Authenticate": "Bearer"})
