"""``stigmem-reference-node``: serve the node, or manage its database from scripts.

    stigmem-reference-node [serve] --db PATH [--host 127.0.0.1] [--port 8787] [--auth required|none]
                           [--max-body-bytes N] [--max-text-bytes N] [--node-url URL] [--node-authority NAME]
                           [--access-log] [--default-query seed-resolution|s15-history]
                           [--header-timeout S] [--body-timeout S] [--keep-alive-timeout S] [--max-header-bytes N]
                           [--max-connections N] [--workers N] [--trust-cache sqlite|redis://HOST:PORT]
                           [--conflict-cardinality winner|pairwise] [--declaration-max-age SECONDS|none]
                           [--audit-retention-days DAYS]
                           [--federation [--federation-key-file PATH] [--pull-interval SECONDS]
                           [--pull-backoff-max SECONDS] [--peer-approval] [--trust-mode strict|relaxed|off]
                           [--audit-max-rows N|none]
                           [--audit-max-age DAYS|none] [--audit-repeat-window SECONDS]]
                           [--tls-cert PEM --tls-key PEM --tls-ca PEM]
    stigmem-reference-node keys bootstrap --db PATH [--entity-uri URI]
    stigmem-reference-node keys create --db PATH --permissions read,write,federate --scopes local,team --entity-uri URI
    stigmem-reference-node backfill-cids --db PATH
    stigmem-reference-node key rotate --db PATH [--entity-uri URI]

Serving binds the socket itself, so ``--port 0`` picks a free port; the line ``listening on http://HOST:PORT`` is
printed (and flushed) once the socket accepts connections. SIGTERM or SIGINT shut it down gracefully, exit 0.
``--auth none`` is refused on a non-loopback host (TM R-25). Keys are printed raw once and stored as SHA-256
digests (STG-AUTH-002). The soft descriptor limit is raised to the hard one and the connections capped below it
(api/connections.py). ``--federation`` turns on docs/federation-api.md: the node's Ed25519 key (generated into
the database on first start unless ``--federation-key-file`` names one), the federation routes and the pull loop.
``--tls-cert/--tls-key/--tls-ca`` serve TLS 1.3 only and turn on mTLS for federation (api/tls.py); the listening
line then says ``https://``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sqlite3
import ssl
import sys
from collections.abc import Sequence

from reference_node.api.connections import plan, raise_fd_limit
from reference_node.api.errors import ApiError
from reference_node.api.keys import key_row
from reference_node.clock import SystemClock, format_timestamp
from reference_node.protocol.facts import SCOPES
from reference_node.protocol.quotas import DIMENSIONS
from reference_node.protocol.quotas import OPTIONS as QUOTA_OPTIONS
from reference_node.protocol.values import DEFAULT_MAX_TEXT_BYTES
from reference_node.settings import (
    DEFAULT_AUDIT_RETENTION_DAYS,
    DEFAULT_BODY_TIMEOUT_S,
    DEFAULT_DECLARATION_MAX_AGE_S,
    DEFAULT_HEADER_TIMEOUT_S,
    DEFAULT_KEEP_ALIVE_TIMEOUT_S,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_HEADER_BYTES,
    Settings,
    is_loopback,
)
from reference_node.storage import Store, StoreError
from reference_node.storage.audit import DEFAULT_BOUNDS, AuditBounds
from reference_node.storage.database import MigrationError
from reference_node.storage.federation import FederationStore
from reference_node.storage.keys import new_raw_key
from reference_node.storage.trust_cache import checked_url
from reference_node.version import __version__

__all__ = ["main"]

DEFAULT_PORT = 8787
DEFAULT_ADMIN_ENTITY = "stigmem://localhost/user/admin"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _trust_cache(flag: str | None) -> str | None:
    """--trust-cache, else the seed's STIGMEM_TRUST_CACHE_BACKEND (sqlite or redis, STG-WORK-007)."""
    if flag is not None:  # checked here, so a bad value is refused even when federation (its user) is off
        return None if checked_url(flag) == "sqlite" else flag
    backend = os.environ.get("STIGMEM_TRUST_CACHE_BACKEND", "sqlite").strip().lower()
    if backend == "redis":
        return os.environ.get("STIGMEM_TRUST_CACHE_URL", DEFAULT_REDIS_URL)
    if backend != "sqlite":
        raise ValueError(f"STIGMEM_TRUST_CACHE_BACKEND is sqlite or redis, not {backend!r}")
    return None


def _max_age(text: str) -> float | None:
    if text.strip().lower() == "none":
        return None
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive seconds or 'none'")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive seconds")
    return value


def _add_connection_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connections (docs/http-api.md \"Connections\")")
    group.add_argument("--header-timeout", type=_seconds, default=DEFAULT_HEADER_TIMEOUT_S, metavar="S",
                       help="seconds from accept (or a keep-alive request's first byte) to the end of the request "
                            "headers; then closed, after a 408 if part of a request came "
                            f"(default {DEFAULT_HEADER_TIMEOUT_S:g})")
    group.add_argument("--body-timeout", type=_seconds, default=DEFAULT_BODY_TIMEOUT_S, metavar="S",
                       help="seconds from the end of the headers to the end of the body; then 408 and closed "
                            f"(default {DEFAULT_BODY_TIMEOUT_S:g})")
    group.add_argument("--keep-alive-timeout", type=int, default=DEFAULT_KEEP_ALIVE_TIMEOUT_S, metavar="S",
                       help=f"seconds an idle keep-alive connection is held (default {DEFAULT_KEEP_ALIVE_TIMEOUT_S})")
    group.add_argument("--max-header-bytes", type=int, default=DEFAULT_MAX_HEADER_BYTES, metavar="N",
                       help="bytes of a request line and its headers; beyond, 431 and closed (default "
                            f"{DEFAULT_MAX_HEADER_BYTES})")
    group.add_argument("--max-connections", type=int, metavar="N",
                       help="connections held at once; beyond it the longest-waiting one without a complete request "
                            "is closed (default: 4096, or fewer so that the descriptor limit, raised to its hard "
                            "value, keeps 64 plus the listen backlog spare)")


def _bound(text: str) -> int | None:
    if text.strip().lower() == "none":
        return None
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer or 'none'")
    return value


def _window(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more seconds")
    return value


def _quota(text: str) -> tuple[str, int, float]:
    """``DIMENSION=CAPACITY@RATE`` (``all`` for every dimension), e.g. ``fact_write=100@1.5``."""
    dimension, _, shape = text.partition("=")
    capacity, _, rate = shape.partition("@")
    try:
        value = (dimension.strip(), int(capacity), float(rate))
    except ValueError:
        raise argparse.ArgumentTypeError("must be DIMENSION=CAPACITY@RATE, e.g. fact_write=100@1.5") from None
    if value[1] < 1 or not 0 < value[2] < float("inf"):
        raise argparse.ArgumentTypeError("CAPACITY must be an integer >= 1 and RATE a number > 0")
    if value[0] != "all" and value[0] not in DIMENSIONS:
        raise argparse.ArgumentTypeError(f"unknown dimension {value[0]!r}; known: all, {', '.join(DIMENSIONS)}")
    return value


def _add_quota_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("quotas (docs/http-api.md \"Quotas\")")
    group.add_argument("--quota-defaults", choices=QUOTA_OPTIONS, default=QUOTA_OPTIONS[0],
                       help="default ceilings (interpretation quota_defaults; default %(default)s)")
    group.add_argument("--quota", type=_quota, action="append", default=[], metavar="DIM=CAPACITY@RATE",
                       help="replace one default ceiling (repeatable; DIM 'all' for every dimension); the admin "
                            "QuotaPolicy still overrides it")
    group.add_argument("--no-quotas", action="store_true", help="charge no quotas (development only)")


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stigmem-reference-node", description="Serve the stigmem reference node.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="other commands:\n"
               "  keys bootstrap --db PATH       create the first admin key and print it\n"
               "  keys create --db PATH ...      create a scoped key (see 'keys create --help')\n"
               "  backfill-cids --db PATH        compute missing CIDs of stored facts\n"
               "  serve ...                      the same as no command: serve the node\n"
               f"defaults: port {DEFAULT_PORT}, host 127.0.0.1, auth required")
    parser.add_argument("--version", action="version", version=f"stigmem-reference-node {__version__}")
    parser.add_argument("--db", required=True, help="SQLite database file (created if missing)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to bind; 0 picks a free one")
    parser.add_argument("--auth", choices=("required", "none"), default="required",
                        help="required (default): every request needs an API key; none: loopback only")
    parser.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    parser.add_argument("--max-text-bytes", type=int, default=65536)
    parser.add_argument("--max-response-bytes", type=int, default=4 * 1024 * 1024,
                        help="bytes of items in one list response; a page of large values ends early with a cursor "
                             "(default 4 MiB)")
    parser.add_argument("--node-url", help="public base URL for discovery (default http://HOST:PORT)")
    parser.add_argument("--node-authority", default="localhost", help="authority of a new node_id")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.add_argument("--conflict-cardinality", choices=("winner", "pairwise"), default="winner",
                        help="interpretation conflict_cardinality: pair a new fact with its triple's preferred fact "
                             "only (default) or with every differing sibling")
    parser.add_argument("--audit-retention-days", type=int, default=DEFAULT_AUDIT_RETENTION_DAYS, metavar="DAYS",
                        help="days the node-wide audit log keeps an event (default 365; at least 90, A20 22.3)")
    federation = parser.add_argument_group("federation (docs/federation-api.md)")
    federation.add_argument("--trust-mode", choices=("strict", "relaxed", "off"), default="relaxed",
                            help="A20 trust_mode: strict holds every pulled fact without a valid manifest (all of "
                                 "them, until manifests are verified) in the quarantine garden (default relaxed)")
    federation.add_argument("--federation", action="store_true", help="enable federation (pull replication)")
    federation.add_argument("--federation-key-file", metavar="PATH",
                            help="Ed25519 key: PEM PKCS#8, or the 32-byte seed as base64url or hex (default: "
                                 "generated on first start and kept in the database)")
    federation.add_argument("--pull-interval", type=float, default=30.0, metavar="SECONDS",
                            help="seconds between pulls of each active peer (default 30)")
    federation.add_argument("--pull-backoff-max", type=float, default=300.0, metavar="SECONDS",
                            help="longest backoff after network errors, 5xx or 429 (default 300)")
    federation.add_argument("--declaration-max-age", type=_max_age, default=DEFAULT_DECLARATION_MAX_AGE_S,
                            metavar="SECONDS|none",
                            help="oldest signed_at a peer declaration may carry (default 300; 'none': any age, "
                                 "interpretation declaration_signed_at=unbounded)")
    federation.add_argument("--peer-approval", action="store_true",
                            help="verified peers wait in pending_approval for POST .../approve (admin)")
    federation.add_argument("--audit-max-rows", type=_bound, default=DEFAULT_BOUNDS.max_rows, metavar="N|none",
                            help="federation audit rows kept, oldest deleted first (default 100000)")
    federation.add_argument("--audit-max-age", type=_bound, default=(DEFAULT_BOUNDS.max_age_s or 0) // 86_400,
                            metavar="DAYS|none", help="days a federation audit row is kept (default 365)")
    federation.add_argument("--audit-repeat-window", type=_window, default=DEFAULT_BOUNDS.repeat_window_s,
                            metavar="SECONDS", help="identical audit events within this many seconds of the first "
                                                    "share one row and its count (default 60; 0: a row each)")
    tls = parser.add_argument_group("mTLS (docs/federation-api.md \"mTLS\")")
    tls.add_argument("--tls-cert", metavar="PEM", help="the node's certificate chain (its URI SAN: the node_id)")
    tls.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    tls.add_argument("--tls-ca", metavar="PEM", help="the CA(s) peer certificates must chain to")
    parser.add_argument("--default-query", choices=("seed-resolution", "s15-history"), default="seed-resolution",
                        help="interpretation default_query: return each contradicted triple's resolution winner "
                             "(architecture seed, default) or leave every contradicted fact out")
    parser.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"))
    _add_connection_flags(parser)
    _add_quota_flags(parser)
    workers = parser.add_argument_group("workers (docs/workers.md)")
    workers.add_argument("--workers", type=int, default=1, metavar="N",
                         help="worker processes serving one socket and one database (default 1)")
    workers.add_argument("--trust-cache", metavar="sqlite|redis://HOST:PORT", default=None,
                         help="where peer-token nonces are kept: the database (default) or Redis; default from "
                              "STIGMEM_TRUST_CACHE_BACKEND=redis with STIGMEM_TRUST_CACHE_URL "
                              f"(default {DEFAULT_REDIS_URL})")
    return parser


def _keys_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stigmem-reference-node keys", description="Manage API keys.")
    commands = parser.add_subparsers(dest="action", required=True)
    bootstrap = commands.add_parser("bootstrap", help="create the first admin key (refused if keys exist)")
    bootstrap.add_argument("--db", required=True)
    bootstrap.add_argument("--entity-uri", default=DEFAULT_ADMIN_ENTITY)
    create = commands.add_parser("create", help="create a key and print it")
    create.add_argument("--db", required=True)
    create.add_argument("--entity-uri", required=True)
    create.add_argument("--permissions", required=True, help="comma-separated: read,write,admin,federate")
    create.add_argument("--scopes", default=",".join(SCOPES), help="comma-separated allowed scopes (default all)")
    return parser


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _open_store(db: str) -> Store | None:
    """The database for a one-shot command, or None after saying why it cannot be opened."""
    try:
        return Store.open(db, SystemClock())
    except (sqlite3.Error, MigrationError, OSError) as exc:
        print(f"error: cannot open database {db}: {exc}", file=sys.stderr)
        return None


def _keys(argv: Sequence[str]) -> int:
    args = _keys_parser().parse_args(argv)
    store = _open_store(args.db)
    if store is None:
        return 1
    try:
        created_at = format_timestamp(store.now_us())
        if args.action == "bootstrap":
            key = key_row(args.entity_uri, ["read", "write", "admin"], list(SCOPES), created_at)
        else:
            key = key_row(args.entity_uri, _split(args.permissions), _split(args.scopes), created_at)
        raw = new_raw_key()
        store.create_key(key, raw, only_if_none=args.action == "bootstrap")
    except (ApiError, StoreError) as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(raw, flush=True)
    return 0


def _backfill(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="stigmem-reference-node backfill-cids")
    parser.add_argument("--db", required=True)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args(argv)
    store = Store.open(args.db, SystemClock())
    try:
        written = store.backfill(max(1, args.batch_size))
        print(json.dumps({"backfilled_now": written, **store.backfill_status()}), flush=True)
    finally:
        store.close()
    return 0


def _key(argv: Sequence[str]) -> int:
    """``key rotate --db PATH [--entity-uri URI]``: rotate the federation key kept in the database (STG-KEY-009)."""
    parser = argparse.ArgumentParser(prog="stigmem-reference-node key", description="Rotate the federation key.")
    commands = parser.add_subparsers(dest="action", required=True)
    rotate = commands.add_parser("rotate", help="rotate the federation signing key and print the log entry")
    rotate.add_argument("--db", required=True)
    rotate.add_argument("--entity-uri", default=None, help="the node's node_id (the default); no other entity")
    args = parser.parse_args(argv)
    store = _open_store(args.db)
    if store is None:
        return 1
    try:
        # The federation key speaks for the node: its log names the node_id, which peers follow.
        if args.entity_uri not in (None, store.node_id):
            print(f"error: this node's federation key speaks for {store.node_id}, not {args.entity_uri}",
                  file=sys.stderr)
            return 1
        entry = FederationStore(store, DEFAULT_MAX_TEXT_BYTES).rotate_key(store.node_id, "cli")
    finally:
        store.close()
    print(json.dumps(entry), flush=True)
    return 0


def _bind(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted connections (else keep-alive waits on Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def _serve(argv: Sequence[str]) -> int:
    import uvicorn

    from reference_node import tls_contexts
    from reference_node.api import create_app

    args = _serve_parser().parse_args(argv)
    if args.auth == "none" and not is_loopback(args.host):
        print("error: --auth none is only allowed on a loopback host", file=sys.stderr)
        return 2
    # STG-ROB-003: as many descriptors as the hard limit allows, and a connection cap that leaves a margin.
    connection_plan = plan(raise_fd_limit(), args.max_connections)
    if connection_plan.note:
        print(f"warning: {connection_plan.note}", file=sys.stderr)
    try:
        sock = _bind(args.host, args.port, connection_plan.backlog)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    shown_host = f"[{args.host.strip('[]')}]" if ":" in args.host else args.host
    wildcard = args.host.strip("[]") in ("0.0.0.0", "::")
    scheme = "https" if args.tls_cert else "http"
    try:
        settings = Settings(
            db_path=args.db,
            auth=args.auth,
            max_body_bytes=args.max_body_bytes,
            max_text_bytes=args.max_text_bytes,
            max_response_bytes=args.max_response_bytes,
            node_url=args.node_url or (None if wildcard else f"{scheme}://{shown_host}:{port}"),
            node_authority=args.node_authority,
            access_log=args.access_log,
            conflict_cardinality=args.conflict_cardinality,
            trust_mode=args.trust_mode,
            federation=args.federation,
            federation_key_file=args.federation_key_file,
            pull_interval_s=args.pull_interval,
            pull_backoff_max_s=args.pull_backoff_max,
            peer_approval=args.peer_approval,
            default_query=args.default_query,
            declaration_max_age_s=args.declaration_max_age,
            header_timeout_s=args.header_timeout,
            body_timeout_s=args.body_timeout,
            keep_alive_timeout_s=args.keep_alive_timeout,
            max_connections=connection_plan.max_connections,
            max_header_bytes=args.max_header_bytes,
            audit=AuditBounds(args.audit_max_rows, args.audit_max_age and args.audit_max_age * 86_400,
                              args.audit_repeat_window),
            quotas=not args.no_quotas,
            quota_defaults=args.quota_defaults,
            quota_limits=tuple(args.quota),
            workers=args.workers,
            trust_cache=_trust_cache(args.trust_cache),
            tls_cert=args.tls_cert, tls_key=args.tls_key, tls_ca=args.tls_ca,
            audit_retention_days=args.audit_retention_days,
        )
        if settings.workers > 1:
            from reference_node.workers import check_start, serve_workers

            check_start(settings)
            return serve_workers(settings, sock, {"log_level": args.log_level, "access_log": args.access_log,
                                                  "backlog": connection_plan.backlog},
                                 f"{'https' if settings.mtls else 'http'}://{shown_host}:{port}")
        app = create_app(settings)
        tls_context = tls_contexts.server_context(settings) if settings.mtls else None
    except ssl.SSLError as exc:
        sock.close()
        print(f"error: TLS: {exc}", file=sys.stderr)
        return 1
    except (ValueError, MigrationError, OSError) as exc:
        sock.close()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    node_log = logging.getLogger("reference_node")
    node_log.addHandler(logging.StreamHandler(sys.stderr))
    node_log.setLevel(getattr(logging, args.log_level.upper()))
    from reference_node.api.http_protocol import ConnectionLimits, JsonErrorProtocol

    limits = ConnectionLimits(settings.header_timeout_s, settings.body_timeout_s, connection_plan.max_connections,
                              settings.max_header_bytes)
    # limit_concurrency stays unset: uvicorn counts idle connections in it and answers 503 to the request of a
    # newcomer, so idle sockets would lock clients out; the protocol's cap evicts them instead.
    config = uvicorn.Config(app, log_level=args.log_level, access_log=args.access_log, lifespan="on",
                            http=JsonErrorProtocol.limited(limits), backlog=connection_plan.backlog,
                            timeout_keep_alive=settings.keep_alive_timeout_s,
                            ssl_context_factory=(lambda *_: tls_context) if tls_context else None)
    server = uvicorn.Server(config)

    def stop(*_: object) -> None:
        # A signal before uvicorn installs its own handlers (right after the listening line) must not be lost:
        # uvicorn checks should_exit after start-up. uvicorn re-raises the signal it shut down on; landing here
        # again, that ends in a clean exit 0.
        server.should_exit = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    print(f"listening on {'https' if tls_context else 'http'}://{shown_host}:{port}", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "keys":
        return _keys(args[1:])
    if args and args[0] == "key":
        return _key(args[1:])
    if args and args[0] == "backfill-cids":
        return _backfill(args[1:])
    if args and args[0] == "serve":
        args = args[1:]
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
