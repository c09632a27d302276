"""A tiny federating peer for the reference node's federation tests (docs/federation-api.md).

It has its own Ed25519 key and ``node_id`` under its own authority, serves a discovery document and
``GET /v1/federation/facts`` from a list of crafted facts (cursor: the index reached), records the Authorization
header of every facts request, and signs declarations and peer tokens with the reference node's protocol core.
It judges nothing; the tests do.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from reference_node.clock import format_timestamp
from reference_node.protocol import cid, peer_tokens, peering


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class FakePeer:
    """``FakePeer("peer-p.test").start()``; ``stop()`` ends its server thread."""

    def __init__(self, authority: str, seed: bytes | None = None) -> None:
        self.authority = authority
        self.seed = seed or os.urandom(32)
        self.node_id = f"stigmem://{authority}/node/{uuid.uuid4()}"
        self.pubkey = peering.public_key(self.seed)
        self.facts: list[dict[str, Any]] = []
        self.authorizations: list[str] = []
        self.fail_with: list[int] = []
        self.rotation_log: dict[str, Any] | None = None  # served at /v1/federation/key-rotations when set
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def discovery(self) -> dict[str, Any]:
        return {"version": "0.9.0a", "node_id": self.node_id, "node_url": self.url, "auth": "required",
                "federation": "enabled", "federation_pubkey": self.pubkey, "federation_version": "0.9.0a",
                "federation_endpoints": {"peers": "/v1/federation/peers", "facts": "/v1/federation/facts",
                                         "push": None},
                "namespaces": ["stigmem:"], "profiles": ["core-federation"]}

    def declaration(self, scopes: list[str], **overrides: Any) -> dict[str, Any]:
        # Signed at the frozen clock's instant; a node on the real clock needs signed_at=now (5 min window).
        signed_at = overrides.pop("signed_at", None) or "2026-05-01T00:00:00Z"
        signed = peering.declaration(self.url, self.node_id, scopes, signed_at, self.seed)
        signed.update(overrides)
        return signed

    def token(self, sub: str, scopes: list[str], *, iat: int | None = None, lifetime_ms: int = 60_000,
              nonce: str | None = None, iss: str | None = None, seed: bytes | None = None) -> str:
        issued = now_ms() if iat is None else iat
        claims = {"iss": iss or self.node_id, "sub": sub, "iat": issued, "exp": issued + lifetime_ms,
                  "nonce": nonce or str(uuid.uuid4()), "scopes": scopes}
        return peer_tokens.sign(claims, seed or self.seed)

    def fact(self, value: str, *, scope: str = "public", source: str | None = None, entity: str | None = None,
             hlc_offset_ms: int = 0, wrong_cid: bool = False, at_ms: int | None = None) -> dict[str, Any]:
        """A fact as a conforming origin would serve it (CID per jcs-6), stamped at ``at_ms`` (default now)."""
        stamped = now_ms() if at_ms is None else at_ms
        wall = stamped + hlc_offset_ms
        fact: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "entity": entity or f"stigmem://{self.authority}/item/{uuid.uuid4().hex[:8]}",
            "relation": "test:value",
            "value": {"type": "string", "v": value},
            "source": source or self.node_id,
            "timestamp": format_timestamp(stamped * 1000),
            "hlc": f"{wall:013d}.000",
            "confidence": 1.0,
            "scope": scope,
            "valid_until": None,
        }
        fact["cid"] = cid.compute(fact)
        if wrong_cid:
            fact["cid"] = "sha256:" + "0" * 64
        return fact

    def serve(self, *facts: dict[str, Any]) -> None:
        with self._lock:
            self.facts.extend(facts)

    def _page(self, query: dict[str, str]) -> tuple[int, Any]:
        with self._lock:
            if self.fail_with:
                status = self.fail_with.pop(0)
                return status, {"error": "scripted", "detail": str(status)}
            facts = list(self.facts)
        start = int(query.get("cursor") or 0)
        limit = int(query.get("limit") or 100)
        page = facts[start:start + limit]
        end = start + len(page)
        return 200, {"facts": page, "cursor": str(end) if end else None, "has_more": end < len(facts)}

    def start(self) -> FakePeer:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/.well-known/stigmem":
                    status, answer = 200, peer.discovery()
                elif parts.path == "/v1/federation/key-rotations" and peer.rotation_log is not None:
                    status, answer = 200, peer.rotation_log
                elif parts.path == "/v1/federation/facts":
                    with peer._lock:
                        peer.authorizations.append(self.headers.get("Authorization", ""))
                    status, answer = peer._page({k: v[-1] for k, v in parse_qs(parts.query).items()})
                else:
                    status, answer = 404, {"error": "not_found", "detail": parts.path}
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
