"""The one outbound HTTP client of a federating node, and bounded JSON GETs (docs/federation-api.md).

Every outbound request is bounded: 5 s in total (connect, write, read, all of it; STG-FED-003 "bounded: 5 s"),
a maximum body size, no redirects, no proxy from the environment. TCP_NODELAY keeps small request/response
exchanges on a kept-alive connection from waiting on Nagle's algorithm. With mTLS the client presents the node's
certificate and verifies the peer's against the CA (``tls_contexts.client_context``, STG-TLS-010/011), and each
answer carries the URI SANs of the certificate the peer served (STG-TLS-012).
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from dataclasses import dataclass
from typing import Any

import httpx

from reference_node import __version__
from reference_node.protocol.tls import uri_sans

__all__ = ["TIMEOUT_S", "BodyTooLarge", "Fetched", "get_json", "new_client"]

TIMEOUT_S = 5.0


class BodyTooLarge(Exception):
    """A peer answered with more bytes than the caller accepts."""


@dataclass(frozen=True)
class Fetched:
    """A response: its status, its ``Retry-After`` in seconds (when given as seconds), its JSON body or None, and
    the URI SANs of the peer's certificate (None over plain HTTP)."""

    status: int
    retry_after: float | None
    body: Any
    peer_uris: tuple[str, ...] | None = None


def new_client(tls: ssl.SSLContext | None = None) -> httpx.AsyncClient:
    """An AsyncClient with TCP_NODELAY, 5 s timeouts, no redirects and no environment proxies (``tls``: mTLS)."""
    transport = httpx.AsyncHTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
                                         verify=tls if tls is not None else True)
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(TIMEOUT_S),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": f"stigmem-reference-node/{__version__}", "Accept": "application/json"},
    )


def _retry_after(value: str | None) -> float | None:
    if value is None or not value.strip().isdigit():
        return None
    return float(int(value.strip()))


async def _get(
    client: httpx.AsyncClient, url: str, params: dict[str, str] | None, headers: dict[str, str] | None, limit: int
) -> Fetched:
    async with client.stream("GET", url, params=params, headers=headers) as response:
        stream = response.extensions.get("network_stream")
        ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
        peer_uris = uri_sans(ssl_object.getpeercert()) if ssl_object is not None else None
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(f"{url} answered more than {limit} bytes")
            chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    return Fetched(response.status_code, _retry_after(response.headers.get("retry-after")), body, peer_uris)


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = 1024 * 1024,
) -> Fetched:
    """GET ``url`` within 5 s in total; raises httpx.HTTPError, TimeoutError or BodyTooLarge."""
    async with asyncio.timeout(TIMEOUT_S):
        return await _get(client, url, params, headers, max_bytes)
