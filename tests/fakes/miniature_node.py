"""Deliberately wrong HTTP nodes that prove every check can fail (the HTTP counterpart of miniature_adapter).

Modes:
  agreeable   every request gets 200 and an empty-but-plausible JSON body; header lines of any length are read
  refusing    every request gets 400 {"error": "nope"}
  crashing    every request gets 500 with a text body
  federating  like agreeable, but discovery advertises federation (so core-federation checks run, and fail)
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BODIES: dict[str, Any] = {
    "/.well-known/stigmem": {"version": "0", "node_id": "x", "node_url": "x", "auth": "required",
                             "federation": "disabled", "namespaces": []},
}


class _Unbounded:
    """A request stream whose lines may be of any length: all of a line is read, its first KiB kept."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def readline(self, limit: int = -1) -> bytes:
        kept = b""
        for _ in range(1 << 20):  # 64 GiB: bounded, never reached
            chunk = self.raw.readline(65536)
            kept += chunk[:max(0, 1024 - len(kept))]
            if not chunk or chunk.endswith(b"\n"):
                break
        return kept

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def handler_for(mode: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            path = self.path.split("?", 1)[0]
            if mode == "crashing":
                status, body, ctype = 500, b"Internal Server Error", "text/plain"
            elif mode == "refusing":
                status, body, ctype = 400, b'{"error": "nope", "detail": "miniature"}', "application/json"
            else:
                payload = BODIES.get(path, {"facts": [], "total": 0, "cursor": None, "conflicts": [],
                                            "has_more": False})
                if mode == "federating" and path == "/.well-known/stigmem":
                    payload = {**payload, "federation": "enabled", "federation_pubkey": "A" * 42,  # one character short
                               "federation_version": "0", "profiles": ["core-federation"],
                               "federation_endpoints": {"peers": "/v1/federation/peers",
                                                        "facts": "/v1/federation/facts", "push": None}}
                status, body, ctype = 200, json.dumps(payload).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def setup(self) -> None:
            super().setup()
            if mode == "agreeable":  # agreeable to a fault: header lines of any length are read
                self.rfile = _Unbounded(self.rfile)  # type: ignore[assignment]

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


class MiniatureNode:
    def __init__(self, mode: str) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(mode))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> MiniatureNode:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
