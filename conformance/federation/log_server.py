"""A small transparency log the suite serves itself, built on ``conformance.oracle.transparency``.

Checks give its URL to a node (``--transparency-log URL``) or hand its LogEntries to a scripted peer, then make it
misbehave: ``forge`` serves inclusion proofs with one hash flipped, ``reroot`` proofs that verify against the root
of another tree of the same size (every other leaf changed) beside the genuine signed checkpoint, ``vanish`` stops
it so every request to it is refused (a strict node must then fail closed, A20 §19.2). It serves the routes of
interpretation transparency_log_routes under ``/v1/federation/transparency-log`` on 127.0.0.1 only; requests are
answered from memory, so nothing outlives ``stop``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from conformance.oracle import transparency as oracle
from conformance.oracle.ed25519 import b64u_encode, jcs, public_key, sign

__all__ = ["LOG_PATH", "LogServer"]

SERVE_POLL_S = 0.01  # how often serve_forever looks for shutdown(): a stop waits at most this long
LOG_PATH = "/v1/federation/transparency-log"


class LogServer:
    """An append-only log with an Ed25519 key; ``start``/``stop`` (or a ``with`` block) run it on a free port."""

    def __init__(self, seed: bytes, origin: str = "suite-log.test/transparency-log") -> None:
        self.seed, self.origin = seed, origin
        self.leaves: list[bytes] = []
        self.forge = False
        self.reroot = False
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def public_key(self) -> bytes:
        return public_key(self.seed)

    @property
    def log_id(self) -> str:
        return hashlib.sha256(self.origin.encode()).hexdigest()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the log server is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}{LOG_PATH}"

    def checkpoint(self, size: int | None = None) -> str:
        at = len(self.leaves) if size is None else size
        return oracle.sign_checkpoint(oracle.checkpoint_body(self.origin, at, oracle.root(self.leaves[:at])),
                                      self.origin, self.seed)

    def append(self, kind: str, body: Mapping[str, Any], integrated_time: int) -> dict[str, Any]:
        """Log ``body``; its A20 LogEntry against the tree just after it."""
        with self._lock:
            self.leaves.append(jcs({"kind": kind, "body": dict(body), "integrated_time": integrated_time}))
            index = len(self.leaves) - 1
            return self.entry(index, integrated_time)

    def entry(self, index: int, integrated_time: int, size: int | None = None) -> dict[str, Any]:
        entry_hash = oracle.leaf_hash(self.leaves[index]).hex()
        sct = jcs({"entry_hash": entry_hash, "integrated_time": integrated_time, "log_id": self.log_id,
                   "log_index": index})
        return {"log_id": self.log_id, "log_index": index, "integrated_time": integrated_time,
                "entry_hash": entry_hash, "signed_entry_ts": b64u_encode(sign(self.seed, sct)),
                "inclusion_proof": self.inclusion(index, size)}

    def inclusion(self, index: int, size: int | None = None) -> dict[str, Any]:
        at = len(self.leaves) if size is None else size
        tree = [d if i == index or not self.reroot else d + b" " for i, d in enumerate(self.leaves[:at])]
        hashes = [h.hex() for h in oracle.inclusion_path(index, tree)]
        if self.forge and hashes:
            hashes[0] = ("0" if hashes[0][0] != "0" else "1") + hashes[0][1:]
        return {"log_index": index, "root_hash": oracle.root(tree).hex(), "tree_size": at,
                "hashes": hashes, "checkpoint": self.checkpoint(at)}

    # --- serving ----------------------------------------------------------------------------------------------

    def answer(self, raw_path: str) -> tuple[int, str, str]:
        """(status, media type, text) of a GET of ``raw_path``, without serving it (a scripted peer's own log)."""
        return self._answer(raw_path)

    def _answer(self, raw_path: str) -> tuple[int, str, str]:
        parts = urlsplit(raw_path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            if parts.path == LOG_PATH:
                return 200, "application/json", json.dumps({
                    "origin": self.origin, "log_id": self.log_id, "public_key": b64u_encode(self.public_key),
                    "verifier_key": oracle.verifier_key(self.origin, self.public_key), "tree_size": len(self.leaves),
                    "checkpoint": self.checkpoint()})
            if parts.path == LOG_PATH + "/checkpoint":
                return 200, "text/plain; charset=utf-8", self.checkpoint()
            if parts.path == LOG_PATH + "/proof/inclusion":
                hashes = [oracle.leaf_hash(d).hex() for d in self.leaves]
                wanted = params.get("entry_hash", "")
                if wanted not in hashes:
                    return 404, "application/json", json.dumps({"error": "not_found", "detail": "no such entry"})
                size = int(params["tree_size"]) if params.get("tree_size", "").isdigit() else None
                if size is not None and not hashes.index(wanted) < size <= len(hashes):
                    return 400, "application/json", json.dumps({"error": "invalid_parameter", "detail": "size"})
                return 200, "application/json", json.dumps(self.inclusion(hashes.index(wanted), size))
        return 404, "application/json", json.dumps({"error": "not_found", "detail": parts.path})

    def start(self) -> LogServer:
        log = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                status, media, text = log._answer(self.path)
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": SERVE_POLL_S},
                                        name="suite-transparency-log", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5.0)
        self._server, self._thread = None, None

    def vanish(self) -> str:
        """Stop serving and return the URL it had: every request to it is now refused."""
        url = self.url
        self.stop()
        return url

    def __enter__(self) -> LogServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
