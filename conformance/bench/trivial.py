"""A trivial ASGI endpoint, served exactly like the reference node: the load generator's ceiling.

    python -m conformance.bench.trivial [--host 127.0.0.1] [--port 0] [--db IGNORED] [--auth IGNORED]

Every request (any method, any path) reads the body and answers 200 with a fixed small JSON object, so the
rate measured against it is what uvicorn plus the load generator can do on this machine with no application
work. The server setup copies the reference node's command line (``reference_node/cli.py``, not imported): one
uvicorn worker on a socket bound with ``IPPROTO_TCP`` and ``TCP_NODELAY``, backlog 2048, log level warning, no
access log, lifespan on; the line ``listening on http://HOST:PORT`` is printed once the socket accepts
connections. ``--db`` and ``--auth`` are accepted and ignored so that ``EmbeddedNode`` can launch it.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

BODY = b'{"ok":true}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode("ascii"))]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """The whole application: 200 ``{"ok":true}`` for every HTTP request."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = bool(message.get("more_body", False)) and message["type"] == "http.request"
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def _bind(host: str, port: int) -> socket.socket:
    # Same socket as the reference node: proto=IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m conformance.bench.trivial", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--db", help="ignored (accepted for EmbeddedNode)")
    parser.add_argument("--auth", help="ignored (accepted for EmbeddedNode)")
    parser.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"))
    args = parser.parse_args(argv)
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGTERM, signal.SIGINT)}
    print(f"listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
