"""A node reached by URL: one httpx client, named API keys, bounded retries, a request log.

Retries happen only for connection-level failures (a node that closes the connection after a 500 is
re-dialled once); an HTTP status is never retried. Every exchange is kept for failure messages. Over https the
target verifies the node with ``tls`` (an ``ssl.SSLContext``, which may carry a client certificate);
``with_tls`` gives a second client to the same node under another certificate (a scripted peer's).
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.errors import Unreachable


class TargetUnreachable(Unreachable):
    """The node did not answer at the transport level."""


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    headers: Mapping[str, str]
    text: str
    request_body: Any = None
    json: Any = field(default=None)

    def code(self) -> str | None:
        """The error code, wherever the node put it: error, detail.code, or a string detail."""
        body = self.json
        if not isinstance(body, dict):
            return None
        if isinstance(body.get("error"), str):
            return str(body["error"])
        detail = body.get("detail")
        if isinstance(detail, dict) and isinstance(detail.get("code"), str):
            return str(detail["code"])
        if isinstance(detail, str):
            return detail.split(":", 1)[0].strip()
        return None

    def brief(self) -> str:
        return f"{self.method} {self.path} -> {self.status} {self.text[:300]}"


class HttpTarget:
    def __init__(self, base_url: str, keys: Mapping[str, str] | None = None, timeout: float = 10.0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.keys: dict[str, str] = dict(keys or {})
        self.log: list[Exchange] = []
        self._timeout = timeout
        self.tls = tls
        self._client = self._new_client()

    def with_tls(self, tls: ssl.SSLContext) -> HttpTarget:
        """The same node through a client with another TLS context (close it when done)."""
        return HttpTarget(self.base_url, {}, self._timeout, tls)

    def _new_client(self) -> httpx.Client:
        # TCP_NODELAY: httpx writes headers and body separately; with Nagle on, a small body can wait for the
        # peer's delayed ACK (40 ms on Linux), which would make every check look slow.
        transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
                                        verify=self.tls if self.tls is not None else True)
        return httpx.Client(base_url=self.base_url, timeout=self._timeout, transport=transport)

    def request(self, method: str, path: str, *, key: str | None = "admin", json_body: Any = None,
                content: bytes | Iterable[bytes] | None = None, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None) -> Exchange:
        """Send one request; ``key`` names an entry of ``keys`` (None or unknown: no Authorization)."""
        all_headers = dict(headers or {})
        if key is not None and key in self.keys:
            all_headers["Authorization"] = f"Bearer {self.keys[key]}"
        if json_body is not None and content is None:
            content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            all_headers.setdefault("Content-Type", "application/json")
        last: Exception | None = None
        for _ in range(2):
            try:
                response = self._client.request(method, path, content=content, params=params, headers=all_headers)
                break
            except httpx.TransportError as exc:
                last = exc
                self._client.close()
                self._client = self._new_client()
        else:
            raise TargetUnreachable(f"{method} {path}: {last}")
        try:
            parsed = response.json()
        except ValueError:
            parsed = None
        exchange = Exchange(method, path, response.status_code, dict(response.headers), response.text,
                            json_body, parsed)
        self.log.append(exchange)
        if len(self.log) > 2000:
            del self.log[:1000]
        return exchange

    def close(self) -> None:
        self._client.close()
