"""The HTTP/1.1 server protocol: uvicorn's httptools parser, with JSON error answers and bounded connections.

Parse errors: a request the parser refuses (NUL or bare CR in a header, a bad Content-Length, a broken request
line) never reaches the app; uvicorn answers it 400 ``text/plain`` and closes. This subclass answers 400 with the
envelope ``{"error": "invalid_http_request", ...}`` instead (STG-HTTP-002, STG-HTTP-016) and still closes: after
a parse error the byte stream has no trustworthy request boundary.

Connection bounds (STG-ROB-002, STG-ROB-003, STG-ROB-004): uvicorn bounds only the idle time after a response.
Here every connection also has a header timer, armed at accept (and at the first byte of each later request)
and cancelled when the headers are complete, and a body timer from the end of the headers to the end of the
body. On expiry the connection is closed, after a 408 ``{"error": "request_timeout", ...}`` when part of a
request had arrived. Headers beyond ``max_header_bytes`` get a 431 ``headers_too_large`` and a close.
Connections are capped (``ConnectionLimits.max_connections``, sized in ``connections.py``); a new connection
beyond the cap evicts the one that has waited longest without a complete request, so idle sockets can never
lock a client out; only when every connection is mid-request is the newcomer refused (503). docs/http-api.md
"Errors" and "Connections" list what stays out of reach.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from reference_node.api.connections import DEFAULT_MAX_CONNECTIONS
from reference_node.api.tls import connection_info
from reference_node.settings import DEFAULT_BODY_TIMEOUT_S, DEFAULT_HEADER_TIMEOUT_S, DEFAULT_MAX_HEADER_BYTES

__all__ = ["ConnectionLimits", "JsonErrorProtocol"]


@dataclass(frozen=True)
class ConnectionLimits:
    """Seconds to the end of the headers and of the body, the most connections held at once, header bytes."""

    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES


class JsonErrorProtocol(HttpToolsProtocol):
    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    # Connections without a request in progress, oldest wait first (insertion order): the eviction queue.
    waiting: ClassVar[dict[JsonErrorProtocol, None]] = {}

    @classmethod
    def limited(cls, limits: ConnectionLimits) -> type[JsonErrorProtocol]:
        """A subclass with these limits and an eviction queue of its own (one per server)."""
        return type(cls.__name__, (cls,), {"limits": limits, "waiting": {}})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._partial = False  # bytes of a request whose headers are not complete yet have arrived
        self._messages = 0  # requests begun on this connection
        self._header_bytes = 0  # bytes of the current request's headers counted so far
        self._tls: dict[str, Any] | None = None  # the ASGI tls extension of a TLS connection (api/tls.py)

    # --- answers written by the protocol itself --------------------------------------------------------------

    def _close_with(self, status: int, code: str, detail: str) -> None:
        body = json.dumps({"error": code, "detail": detail}).encode("ascii")
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend([b"content-type: application/json\r\n", b"content-length: " + str(len(body)).encode() + b"\r\n",
                        b"connection: close\r\n", b"\r\n", body])
        self.transport.write(b"".join(content))
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self._close_with(400, "invalid_http_request", msg)

    # --- the cap and the eviction queue ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._tls = connection_info(transport)  # STG-TLS-003..005: the peer routes read the client certificate
        # STG-ROB-003: never more than max_connections; the longest-waiting idle or partial one makes room.
        if len(self.connections) > self.limits.max_connections:
            oldest = next(iter(self.waiting), None)
            if oldest is None:
                self._close_with(503, "too_many_connections", "every connection has a request in progress")
                return
            oldest._expire("closed to make room for a new connection")
        self._wait()
        # STG-ROB-002: from accept, the request headers must be complete within header_timeout_s.
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        self.waiting.pop(self, None)
        super().connection_lost(exc)

    def _wait(self) -> None:
        self.waiting.pop(self, None)
        self.waiting[self] = None

    # --- the timers -------------------------------------------------------------------------------------------

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.limits.header_timeout_s, self._expire,
                                                      "the request headers did not arrive in time")

    def _cancel_timers(self) -> None:
        for timer in (self._header_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._header_timer = self._body_timer = None

    def _expire(self, why: str) -> None:
        """Close the connection; answer 408 first when part of a request arrived and nothing was answered."""
        self._cancel_timers()
        self.waiting.pop(self, None)
        if self.transport.is_closing():
            return
        answered = self.cycle is not None and self.cycle.response_started
        reading_body = self.cycle is not None and not self.cycle.response_complete and self.cycle.more_body
        if (self._partial or reading_body) and not answered:
            self._close_with(408, "request_timeout", why)
        else:
            self.transport.close()

    # --- parser events ----------------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self in self.waiting:  # bytes after idle keep-alive: the next request's headers are due
            self._arm_header_timer()
        within, messages = self._partial, self._messages
        super().data_received(data)
        # STG-ROB-004: the headers of one request are bounded in bytes (the parser buffers them). Only reads
        # that fall wholly inside one request's headers are counted, so the bound is exact up to one read.
        if within and self._partial and self._messages == messages and not self.transport.is_closing():
            self._header_bytes += len(data)
            if self._header_bytes > self.limits.max_header_bytes:
                self._cancel_timers()
                self._close_with(431, "headers_too_large",
                                 f"the request line and headers exceed {self.limits.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._tls is not None:
            self.scope["extensions"] = {"tls": cast("dict[object, object]", self._tls)}
        self._partial = True
        self._messages += 1
        self._header_bytes = 0
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        self._partial = False
        self.waiting.pop(self, None)
        super().on_headers_complete()
        queued = bool(self.pipeline) and self.pipeline[0][0] is self.cycle  # reading pauses behind a pipeline
        if not queued:
            self._arm_body_timer()

    def _arm_body_timer(self) -> None:
        # STG-ROB-002: the body must be complete within body_timeout_s of the end of the headers.
        if self._body_timer is None:
            self._body_timer = self.loop.call_later(self.limits.body_timeout_s, self._expire,
                                                    "the request body did not arrive in time")

    def on_message_complete(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    def on_response_complete(self) -> None:
        queued = bool(self.pipeline)
        super().on_response_complete()
        if self.transport.is_closing():
            return
        if not queued:
            self._wait()  # idle keep-alive (uvicorn's timer runs) until the next request's first byte
        elif self.cycle is not None and self.cycle.more_body:
            self._arm_body_timer()  # the last queued request's body is due now that reading resumes
