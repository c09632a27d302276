"""The node's TLS contexts (docs/federation-api.md "mTLS"; Spec-10; A20 §22.1): the listener's and the outbound one.

TLS 1.3 is the minimum both ways (STG-TLS-001). Cipher floor (STG-TLS-002): Python's ``ssl`` cannot choose TLS 1.3
suites (``set_ciphers`` governs TLS 1.2 and below only; OpenSSL's ``SSL_CTX_set_ciphersuites`` is not exposed), so
a context is refused when OpenSSL would offer a TLS 1.3 suite outside the floor (an ``openssl.cnf`` that adds
``TLS_AES_128_CCM_SHA256``, say); the peer routes also refuse a connection that negotiated one (api/tls.py).
"""

from __future__ import annotations

import ssl

from reference_node.protocol import tls as rules
from reference_node.settings import Settings

__all__ = ["client_context", "server_context"]


def _floor_enforced(context: ssl.SSLContext) -> ssl.SSLContext:
    # STG-TLS-001: nothing below TLS 1.3.
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    # STG-TLS-002: the TLS 1.3 suites OpenSSL enables must all be in the floor (they cannot be narrowed here).
    outside = rules.outside_floor(c["name"] for c in context.get_ciphers() if c.get("protocol") == "TLSv1.3")
    if outside:
        raise ValueError(f"OpenSSL enables TLS 1.3 suites outside the floor: {', '.join(outside)}")
    return context


def _load(context: ssl.SSLContext, settings: Settings, ca: bool) -> None:
    """The node's certificate and key (and the CA when ``ca``); a file that cannot be read is named."""
    try:
        context.load_cert_chain(settings.tls_cert or "", settings.tls_key)
        if ca:
            context.load_verify_locations(cafile=settings.tls_ca)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"cannot load the TLS files (--tls-cert {settings.tls_cert}, --tls-key {settings.tls_key}, "
                         f"--tls-ca {settings.tls_ca}): {exc}") from exc


def server_context(settings: Settings) -> ssl.SSLContext:
    """The listener's context: the node's certificate; client certificates asked for and verified."""
    assert settings.tls_cert and settings.tls_key and settings.tls_ca
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _load(context, settings, ca=True)
    # STG-TLS-003/004: asked of every client, verified when presented; the peer routes require one.
    context.verify_mode = ssl.CERT_OPTIONAL
    return _floor_enforced(context)


def client_context(settings: Settings) -> ssl.SSLContext:
    """The outbound context (STG-TLS-010/011): presents the node's certificate, verifies the peer's against the CA."""
    assert settings.tls_cert and settings.tls_key and settings.tls_ca
    try:  # only this CA: with cafile, no system certificate is loaded
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.tls_ca)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"cannot load the TLS CA --tls-ca {settings.tls_ca}: {exc}") from exc
    _load(context, settings, ca=False)
    return _floor_enforced(context)
