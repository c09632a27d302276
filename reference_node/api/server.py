"""uvicorn's server with the TLS handshake inside the connection bounds (STG-ROB-002).

Over TLS the HTTP protocol sees a connection only once its handshake is done, so its header timer cannot cover
a client that connects and never sends a ClientHello; asyncio would hold that socket for its default 60 s. This
server gives the listener a handshake timeout equal to the header bound (docs/http-api.md "Connections").
"""

from __future__ import annotations

import asyncio
import functools
import socket

import uvicorn

__all__ = ["BoundedServer"]


class BoundedServer(uvicorn.Server):
    """A uvicorn server whose TLS listeners drop a handshake not finished within ``handshake_timeout_s``."""

    def __init__(self, config: uvicorn.Config, handshake_timeout_s: float) -> None:
        super().__init__(config)
        self.handshake_timeout_s = handshake_timeout_s

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        if not self.config.is_ssl:
            await super().startup(sockets)
            return
        loop = asyncio.get_running_loop()
        # uvicorn passes no handshake timeout to create_server: give it one for the listeners it makes here.
        loop.create_server = functools.partial(  # type: ignore[method-assign]
            loop.create_server, ssl_handshake_timeout=self.handshake_timeout_s)
        try:
            await super().startup(sockets)
        finally:
            del loop.create_server
