"""A scripted federating peer inside the suite (after Matrix Complement: "the suite should be a peer").

The peer has its own Ed25519 key and ``node_id`` under its own authority (``stigmem://peer-x.test/node/<uuid>``),
serves a discovery document, a manifest and ``GET /v1/federation/facts`` from an append-only log of crafted facts,
accepts the node's declaration on ``POST /v1/federation/peers``, and verifies every token the node under test
presents to it (docs/federation-api.md "Peer tokens"), recording what it saw. The other way round it presents
crafted tokens to the node (``present``). Facts are crafted by ``craft`` from small specs: good ones, over-scope,
forged sources, skewed or malformed HLCs, CID mismatches, duplicate ids, malformed bodies (A08 §6.4, §6.6,
Spec-05, Spec-12, Spec-18 malicious peer). Requirements exercised through it: STG-FED-018..036, STG-TOK-001..008,
STG-RPL-001..007, STG-HLC-005..010, STG-PROV-002..007, STG-CID-013, STG-AUDIT-001/002. It judges nothing itself.
Over mTLS (``create(..., tls=material)``, STG-TLS-001..012) it serves https with a certificate naming its node_id,
records whether the node presented a client certificate, and presents its own when calling the node.

Its manifest (``manifest_mode``): "valid" (default) is a Spec-04/A20 §19.1 manifest for its node_id signed with its
federation key, logged in a transparency log of its own (``tlog``, a ``LogServer`` answered from memory under
``/v1/federation/transparency-log``), its LogEntry served at ``/.well-known/stigmem-manifest-proof.json`` (A20
§19.1.6); ``log_state`` "vanished" refuses every log request (503), "forged" serves the proof with one hash flipped,
"rerooted" a proof that verifies against another tree's root of the same size beside the genuine checkpoint
(STG-TLOG-008). "none" serves no manifest; "upstream" the self-signed http-entity manifest upstream binds;
"foreign" a valid, logged manifest of another authority (``foreign_entity``) that does not list the peer's node_id.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from conformance.federation.identity import (
    Crafted,
    Identity,
    crafted,
    declaration,
    declaration_valid,
    manifest,
    now_ms,
    verify_token,
)
from conformance.federation.log_server import LOG_PATH, SERVE_POLL_S, LogServer
from conformance.federation.tombstone_feed import Feed
from conformance.harness.certs import TlsMaterial, client_context, server_context
from conformance.harness.http_target import Exchange, HttpTarget
from conformance.oracle import cid as cid_oracle
from conformance.oracle import jcs
from conformance.oracle import manifests as manifest_oracle
from conformance.oracle.peer_tokens import TokenInvalid

ENVELOPES = ("flat", "upstream-v2")
MANIFEST_MODES = ("valid", "none", "upstream", "foreign")
LOG_STATES = ("ok", "vanished", "forged", "rerooted")
MANIFEST_HOURS = 48
MAX_LOG = 20_000
MAX_RECORDED = 2_000
FACT_FIELDS = ("id", "entity", "relation", "value", "source", "timestamp", "hlc", "confidence", "scope",
               "valid_until", "cid")


def hlc_at(wall_ms: int, counter: int = 0) -> str:
    return f"{wall_ms:013d}.{counter:03d}"


def timestamp_at(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Seen:
    """One request the peer received."""

    method: str
    path: str
    params: dict[str, str]
    status: int
    claims: dict[str, Any] | None = None
    error: str | None = None
    client_cert: bool | None = None  # over TLS: whether the caller presented a certificate the CA signed
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic seconds)


@dataclass
class ScriptedPeer:
    """``ScriptedPeer.create("peer-x.test", ["public"]).start()``; stop with ``stop()``."""

    identity: Identity
    scopes: list[str]
    declaration_fields: str = "a08-jcs"
    cid_option: str = "jcs-6"
    envelope: str = "flat"  # "flat": pages of fact records (the contract); "upstream-v2": signed-origin entries
    log: list[dict[str, Any]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    registrations: list[dict[str, Any]] = field(default_factory=list)
    trusted: dict[str, str] = field(default_factory=dict)  # node_id -> federation_pubkey of nodes we serve
    seen_nonces: set[str] = field(default_factory=set)
    fail_next: list[int] = field(default_factory=list)  # statuses to answer on the next facts requests
    crafted_facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # label -> fact as served
    tls_server: ssl.SSLContext | None = None  # mTLS: the peer's listener and the client it calls the node with
    tls_client: ssl.SSLContext | None = None
    _via: dict[str, HttpTarget] = field(default_factory=dict)
    rotation_log: dict[str, Any] | None = None  # served at GET /v1/federation/key-rotations when set
    revocation_list: dict[str, Any] | list[Any] | None = None  # served at GET /v1/federation/tokens/revocations
    revocation_status: int = 200  # ... with this status
    close_connections: bool = False  # one request per connection: every call is a fresh TLS handshake
    base_path: str = ""  # served under this path ("/base/", say): node_url carries it, other paths are 404
    manifest_proof: dict[str, Any] | None = None  # served at /.well-known/stigmem-manifest-proof.json when set
    tombstones: Feed = field(default_factory=Feed)  # served at GET /v1/federation/tombstones (token verified)
    manifest_mode: str = "valid"
    log_state: str = "ok"
    tlog: LogServer | None = None
    gone: set[str] | None = None  # while stopped, its node_id is in this set (a node's pull trigger may skip it)
    _manifest: dict[str, Any] | None = None
    _manifest_index: tuple[int, int] | None = None  # (log index, integrated_time) of the manifest's entry
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, authority: str, scopes: Sequence[str], *, declaration_fields: str = "a08-jcs",
               cid_option: str = "jcs-6", envelope: str = "flat", tls: TlsMaterial | None = None,
               manifest: str | None = None) -> ScriptedPeer:
        if envelope not in ENVELOPES:
            raise ValueError(f"unknown page envelope {envelope!r}; known: {', '.join(ENVELOPES)}")
        mode = manifest or ("upstream" if envelope == "upstream-v2" else "valid")
        if mode not in MANIFEST_MODES:
            raise ValueError(f"unknown manifest mode {mode!r}; known: {', '.join(MANIFEST_MODES)}")
        peer = cls(Identity.generate(authority), list(scopes), declaration_fields, cid_option, envelope)
        peer.manifest_mode = mode
        if mode in ("valid", "foreign"):
            peer._publish_manifest()
        if tls is not None and tls.mint is not None:
            leaf = tls.mint.issue(authority, [peer.node_id])
            peer.tls_server, peer.tls_client = server_context(tls.ca_file, leaf), client_context(tls.ca_file, leaf)
        return peer

    # --- identity ------------------------------------------------------------------------------------------

    @property
    def node_id(self) -> str:
        return self.identity.node_id

    @property
    def url(self) -> str:
        assert self._server is not None, "peer not started"
        scheme = "https" if self.tls_server is not None else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}{self.base_path}"

    def _route(self, raw_path: str) -> str | None:
        """The request path below ``base_path``; None when it lies outside."""
        base = self.base_path.rstrip("/")
        if not base:
            return raw_path
        if raw_path != base and not raw_path.startswith(base + "/") and not raw_path.startswith(base + "?"):
            return None
        return raw_path[len(base):] or "/"

    def discovery(self) -> dict[str, Any]:
        return {"version": "0.9.0a", "node_id": self.node_id, "node_url": self.url, "auth": "required",
                "federation": "enabled", "federation_pubkey": self.identity.pubkey_b64,
                "federation_version": "0.9.0a",
                "federation_endpoints": {"peers": "/v1/federation/peers", "facts": "/v1/federation/facts",
                                         "push": None},
                "namespaces": ["stigmem:"], "profiles": ["core-federation"]}

    def declaration(self, **overrides: Any) -> dict[str, Any]:
        """The peer's signed declaration (overrides: see ``identity.declaration``)."""
        scopes = overrides.pop("scopes", self.scopes)
        return declaration(self.identity, self.url, scopes, fields=self.declaration_fields, **overrides)

    def _publish_manifest(self) -> None:
        """Sign the peer's manifest (valid from five minutes ago for MANIFEST_HOURS) and log it, after a filler
        entry, so its inclusion proof has a hash to forge."""
        issued = datetime.fromtimestamp(now_ms() // 1000 - 300, UTC)
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        expires = datetime.fromtimestamp(issued.timestamp() + MANIFEST_HOURS * 3600, UTC)
        owner = self.foreign_entity if self.manifest_mode == "foreign" else self.node_id
        self._manifest = manifest_oracle.manifest(self.identity.seed, owner, [owner],
                                                  issued.strftime(stamp), expires.strftime(stamp))
        self.tlog = LogServer(secrets.token_bytes(32), f"{self.identity.authority}/transparency-log")
        at = now_ms() // 1000
        self.tlog.append("revocation", {"filler": self.node_id}, at)
        self.tlog.append("manifest", self._manifest, at)
        self._manifest_index = (1, at)

    def republish_manifest(self, expires_in_s: int) -> dict[str, Any]:
        """Serve (and log) a new manifest of the peer, valid exactly 24 h and expiring ``expires_in_s`` seconds from
        now (a few seconds: the node keeps it, then sees it expired)."""
        if self.tlog is None or self._manifest is None:
            raise RuntimeError("this peer serves no manifest of its own")
        expires = now_ms() // 1000 + expires_in_s
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        issued, until = (datetime.fromtimestamp(t, UTC).strftime(stamp) for t in (expires - 86_400, expires))
        self._manifest = manifest_oracle.manifest(self.identity.seed, self.node_id, [self.node_id], issued, until)
        at = now_ms() // 1000
        self.tlog.append("manifest", self._manifest, at)
        self._manifest_index = (len(self.tlog.leaves) - 1, at)
        return self._manifest

    @property
    def foreign_entity(self) -> str:
        """The entity a "foreign" manifest lists instead of the peer's node_id: another authority's."""
        return f"stigmem://other-{self.identity.authority}/org"

    @property
    def served_manifest(self) -> dict[str, Any] | None:
        """The manifest the peer serves at /.well-known/stigmem-manifest.json (None: it serves none)."""
        if self.manifest_mode == "upstream":
            return manifest(self.identity, self.url)
        return self._manifest

    def proof(self) -> dict[str, Any] | None:
        """The LogEntry of the served manifest, forged when ``log_state`` is "forged" (or ``manifest_proof``)."""
        if self.manifest_proof is not None:
            return self.manifest_proof
        if self.tlog is None or self._manifest_index is None:
            return None
        self.tlog.forge = self.log_state == "forged"
        self.tlog.reroot = self.log_state == "rerooted"
        try:
            return self.tlog.entry(*self._manifest_index)
        finally:
            self.tlog.forge = self.tlog.reroot = False

    def trust(self, node_id: str, pubkey_b64: str) -> None:
        """Serve this node: its tokens are verified against ``pubkey_b64``."""
        self.trusted[node_id] = pubkey_b64

    # --- tokens presented to the node under test -----------------------------------------------------------

    def token(self, variant: str, sub: str, previous: Crafted | None = None,
              scopes: Sequence[str] | None = None) -> Crafted:
        return crafted(variant, self.identity, sub, list(scopes or self.scopes), previous=previous)

    def present(self, target: HttpTarget, token: str | None, *, params: Mapping[str, str] | None = None,
                method: str = "GET", path: str = "/v1/federation/facts", json_body: Any = None,
                headers: Mapping[str, str] | None = None) -> Exchange:
        """Call the node under test with ``Authorization: Bearer <token>`` (no header for None) and ``headers``."""
        headers = {**({"Authorization": f"Bearer {token}"} if token is not None else {}), **(headers or {})}
        if self.tls_client is not None:  # over mTLS the peer calls with its own certificate
            if target.base_url not in self._via:
                self._via[target.base_url] = target.with_tls(self.tls_client)
            target = self._via[target.base_url]
        return target.request(method, path, key=None, params=dict(params or {"limit": "1"}), headers=headers,
                              json_body=json_body)

    # --- crafted facts -------------------------------------------------------------------------------------

    def craft(self, spec: Mapping[str, Any], token: str) -> dict[str, Any]:
        """A fact from a spec (see ``schemas/vectors/failure_modes.json`` ``fact_spec``); remembered by label."""
        label = str(spec.get("as", f"f{len(self.crafted_facts)}"))
        if "same_as" in spec:
            fact = dict(self.crafted_facts[str(spec["same_as"])])
            self.crafted_facts[label] = fact
            return fact
        wall = now_ms()
        fact: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "entity": spec.get("entity", f"stigmem://{self.identity.authority}/item/{token}-{label}".lower()),
            "relation": spec.get("relation", "test:value"),
            "value": spec.get("value", {"type": "string", "v": f"{label}-{token}"}),
            "source": spec.get("source", self.node_id),
            "timestamp": timestamp_at(wall),
            "hlc": hlc_at(wall + int(spec.get("hlc_offset_ms", 0))),
            "confidence": spec.get("confidence", 1.0),
            "scope": spec.get("scope", "public"),
            "valid_until": spec.get("valid_until"),
        }
        for key in ("entity", "value", "source"):
            if isinstance(fact[key], str):
                fact[key] = fact[key].replace("{u}", token)
            elif isinstance(fact[key], dict) and isinstance(fact[key].get("v"), str):
                fact[key] = {**fact[key], "v": fact[key]["v"].replace("{u}", token)}
        if "id_of" in spec:
            fact["id"] = self.crafted_facts[str(spec["id_of"])]["id"]
        fact["cid"] = cid_oracle.cid(fact, self.cid_option)
        if spec.get("cid") == "wrong":
            fact["cid"] = fact["cid"][:-1] + ("0" if fact["cid"][-1] != "0" else "1")
        if "hlc" in spec:
            fact["hlc"] = spec["hlc"]
        for key, value in dict(spec.get("set", {})).items():
            fact[key] = value
        for key in spec.get("drop", ()):
            fact.pop(key, None)
        self.crafted_facts[label] = fact
        return fact

    def serve(self, facts: Sequence[Mapping[str, Any]]) -> None:
        """Append facts to the log the facts route serves."""
        with self._lock:
            if len(self.log) + len(facts) > MAX_LOG:
                raise ValueError("scripted peer log is full")
            self.log.extend(dict(f) for f in facts)

    def facts_requests(self) -> list[Seen]:
        return self.requests("/v1/federation/facts")

    def requests(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path]

    # --- server --------------------------------------------------------------------------------------------

    def start(self) -> ScriptedPeer:
        if self.gone is not None:
            self.gone.discard(self.node_id)
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10  # an idle keep-alive connection ends its thread after this

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if peer.close_connections:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                cert = (bool(self.connection.getpeercert(binary_form=True))
                        if isinstance(self.connection, ssl.SSLSocket) else None)
                path = peer._route(self.path)
                if path is None:
                    peer._record(Seen("GET", urlsplit(self.path).path, {}, 404, client_cert=cert))
                    self._send(404, {"error": "not_found", "detail": f"outside {peer.base_path}"})
                    return
                status, body = peer._get(path, self.headers.get("Authorization", ""), cert)
                self._send(status, body)

            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length") or 0), 1_000_000)
                raw = self.rfile.read(length) if length else b""
                path = peer._route(self.path)
                status, body = (404, {"error": "not_found"}) if path is None else peer._post(path, raw)
                self._send(status, body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                if peer._server is not None:  # a request cut short by stop() is not an error worth a traceback
                    super().handle_error(request, client_address)

            def get_request(self) -> tuple[socket.socket, Any]:
                sock, addr = super().get_request()
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if peer.tls_server is not None:  # the handshake runs in the request's thread (finish_request)
                    sock.settimeout(10)
                    return peer.tls_server.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr
                return sock, addr

            def finish_request(self, request: Any, client_address: Any) -> None:
                if isinstance(request, ssl.SSLSocket):
                    try:
                        request.do_handshake()
                    except (ssl.SSLError, OSError):
                        return
                super().finish_request(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": SERVE_POLL_S},
                                        name=f"scripted-peer-{self.identity.authority}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.gone is not None:
            self.gone.add(self.node_id)
        server, self._server = self._server, None  # first: a request still in flight is now cut short quietly
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5.0)
        for target in self._via.values():
            target.close()
        self._via.clear()

    def __enter__(self) -> ScriptedPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, seen: Seen) -> None:
        with self._lock:
            if len(self.seen) < MAX_RECORDED:
                self.seen.append(seen)

    def _get(self, raw_path: str, authorization: str, client_cert: bool | None = None) -> tuple[int, Any]:
        parts = urlsplit(raw_path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        static: dict[str, Any] = {"/.well-known/stigmem": self.discovery, "/healthz": lambda: {"status": "ok"}}
        served = self.served_manifest
        if served is not None:
            static["/.well-known/stigmem-manifest.json"] = lambda: served
        rotation_log = self.rotation_log
        if rotation_log is not None:
            static["/v1/federation/key-rotations"] = lambda: rotation_log
        revocation_list = self.revocation_list
        if revocation_list is not None and parts.path == "/v1/federation/tokens/revocations":
            self._record(Seen("GET", parts.path, params, self.revocation_status, client_cert=client_cert))
            return self.revocation_status, revocation_list
        entry = self.proof()
        if entry is not None:
            static["/.well-known/stigmem-manifest-proof.json"] = lambda: entry
        if parts.path == LOG_PATH or parts.path.startswith(LOG_PATH + "/"):
            status, answer = self._log(raw_path)
            self._record(Seen("GET", parts.path, params, status, client_cert=client_cert))
            return status, answer
        if parts.path == "/v1/federation/tombstones":
            seen = Seen("GET", parts.path, params, 200, client_cert=client_cert)
            try:
                seen.claims = self._verify(authorization.removeprefix("Bearer ").strip())
                seen.status, answer = self.tombstones.page(params)
            except TokenInvalid as exc:
                seen.error, seen.status, answer = exc.code, 401, {"error": exc.code}
            self._record(seen)
            return seen.status, answer
        if parts.path != "/v1/federation/facts":
            status, answer = (200, static[parts.path]()) if parts.path in static else (404, {"error": "not_found"})
            self._record(Seen("GET", parts.path, params, status, client_cert=client_cert))
            return status, answer
        seen = Seen("GET", parts.path, params, 200, client_cert=client_cert)
        status, body = self._facts(params, authorization, seen)
        seen.status = status
        self._record(seen)
        return status, body

    def _log(self, raw_path: str) -> tuple[int, Any]:
        """The peer's own transparency log; 503 once it vanished (every request refused)."""
        if self.tlog is None:
            return 404, {"error": "not_found", "detail": "this peer keeps no transparency log"}
        if self.log_state == "vanished":
            return 503, {"error": "transparency_log_unavailable", "detail": "the scripted log vanished"}
        status, media, text = self.tlog.answer(raw_path)
        return status, json.loads(text) if media == "application/json" else {"note": text}

    def _facts(self, params: Mapping[str, str], authorization: str, seen: Seen) -> tuple[int, Any]:
        token = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else ""
        try:
            claims = self._verify(token)
        except TokenInvalid as exc:
            seen.error = exc.code
            return 401, {"error": exc.code, "detail": "peer token rejected by the scripted peer"}
        seen.claims = claims
        with self._lock:
            if self.fail_next:
                status = self.fail_next.pop(0)
                return status, {"error": "scripted_failure", "detail": f"scripted {status}"}
            log = list(self.log)
        scope = params.get("scope")
        try:
            start = int(params.get("cursor") or 0)
            limit = max(1, min(500, int(params.get("limit") or 100)))
        except ValueError:
            return 400, {"error": "invalid_cursor", "detail": "cursor or limit is not an integer"}
        allowed = set(self.scopes) & set(claims.get("scopes", self.scopes))
        if scope is not None and scope not in allowed:
            return 403, {"error": "scope_forbidden", "detail": scope}
        page: list[dict[str, Any]] = []
        position = start
        while position < len(log) and len(page) < limit:
            fact = log[position]
            position += 1
            if scope is None or fact.get("scope") == scope:
                page.append(fact)
        body: dict[str, Any] = {"facts": page, "cursor": str(position), "has_more": position < len(log)}
        if self.envelope == "upstream-v2":
            body = {"v": 2, **body, "facts": [self._signed_entry(f) for f in page]}
        return 200, body

    def _signed_entry(self, fact: Mapping[str, Any]) -> dict[str, Any]:
        """The upstream 0.9.0a12 v2 entry: the fact, its origin block and the origin signature over JCS of
        ``{cid, entity_uri, fact_id, origin_allowed_scopes, origin_allowed_tenants, origin_node_id,
        origin_tenant, tv: "2.1", valid_until}`` (upstream ``federation/origin_signature.py``)."""
        origin = {"tenant": "default", "node_id": self.node_id, "allowed_scopes": sorted(self.scopes),
                  "allowed_tenants": ["default"], "entity_uri": self.url}
        signed = {"cid": fact.get("cid"), "entity_uri": self.url, "fact_id": fact.get("id"),
                  "origin_allowed_scopes": origin["allowed_scopes"], "origin_allowed_tenants": ["default"],
                  "origin_node_id": self.node_id, "origin_tenant": "default", "tv": "2.1",
                  "valid_until": fact.get("valid_until")}
        return {"fact": dict(fact), "origin": origin, "origin_sig": self.identity.sign(jcs.dumps(signed)),
                "origin_manifest": None, "origin_key_proof": None}

    def _verify(self, token: str) -> dict[str, Any]:
        if not token:
            raise TokenInvalid("token_missing")
        try:
            payload = json.loads(_b64(token.split(".")[1]))
            issuer = str(payload["iss"])
        except (IndexError, ValueError, KeyError, TypeError) as exc:
            raise TokenInvalid("token_malformed") from exc
        if issuer not in self.trusted:
            raise TokenInvalid("unknown_peer")
        with self._lock:
            return verify_token(token, self.trusted[issuer], self.node_id, seen=self.seen_nonces)

    def _post(self, raw_path: str, raw: bytes) -> tuple[int, Any]:
        path = urlsplit(raw_path).path
        if path != "/v1/federation/peers":
            return 404, {"error": "not_found", "detail": path}
        try:
            doc = json.loads(raw or b"null")
        except ValueError:
            return 400, {"error": "malformed_json", "detail": "body is not JSON"}
        if not isinstance(doc, dict):
            return 422, {"error": "invalid_declaration", "detail": "body is not an object"}
        valid = declaration_valid(doc, self.declaration_fields)
        with self._lock:
            self.registrations.append({"declaration": doc, "signature_valid": valid})
        if valid and isinstance(doc.get("node_id"), str) and isinstance(doc.get("federation_pubkey"), str):
            self.trust(doc["node_id"], doc["federation_pubkey"])
        status = "active" if valid else "rejected"
        return 201, {"peer_id": str(uuid.uuid4()), "status": status,
                     "verified_at": timestamp_at(now_ms()) if valid else None}


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


@contextlib.contextmanager
def running(authority: str, scopes: Sequence[str], **kw: Any) -> Iterator[ScriptedPeer]:
    """``with running("peer-x.test", ["public"]) as peer:`` starts and always stops a scripted peer."""
    peer = ScriptedPeer.create(authority, scopes, **kw).start()
    try:
        yield peer
    finally:
        peer.stop()
