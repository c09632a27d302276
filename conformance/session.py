"""One run session for the CLI and the pytest plugin: the node(s) to check, the preflight, the keys.

``RunSession`` opens the target given (``--target``) or starts the embedded reference node (plus an auth-none
companion for the checks that need one), checks before the first case that a stigmem node answers and that the
key given works, and provisions the scoped keys the checks use. Both front ends open it the same way, so a
setup error is one clear exception (``Unreachable``: exit 3; ``UsageError``: exit 2) in both.

mTLS (docs/federation-api.md "mTLS"): with ``mtls`` (or the hardening profile) the embedded node serves TLS with
certificates from a throwaway CA (harness/certs.py) and scripted peers get their own; for ``--target`` the user's
``tls_ca`` verifies the node, ``client_cert``/``client_key`` go with every operator request and ``tls_ca_key`` lets
the suite mint peer certificates the node trusts.

Keys: ``admin`` names the key every request carries by default. Given ``--api-key`` only, that key is held
under the same name but ``has_admin`` is false, and checks that need admin rights skip instead of failing.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance.catalog import profiles
from conformance.errors import Unreachable, UsageError
from conformance.harness.certs import TlsMaterial, client_context
from conformance.harness.embedded_node import EmbeddedNode
from conformance.harness.http_target import HttpTarget

__all__ = ["SCOPED_KEYS", "RunSession", "SessionOptions", "preflight", "provision_keys", "validate"]

SCOPED_KEYS: dict[str, tuple[list[str], list[str]]] = {
    "reader_local": (["read"], ["local"]),
    "writer_local": (["read", "write"], ["local"]),
    "reader_all": (["read"], ["local", "team", "company", "public"]),
    "noscope": (["read", "write"], []),
}

# The embedded node federates when core-federation, gardens (two federation checks), quarantine (pulled facts
# held in the quarantine garden; the trust mode is the caller's --embedded-arg) or hardening may run; its pull loop
# is left idle (the checks pull).
# hardening: the key-rotation checks rotate the federation key and watch the node's tokens; federation-trust: the
# scripted peer presents manifests and capability tokens; recall: federation:recall_source_trust scores pulled facts.
FEDERATING_PROFILES = frozenset({"core-federation", "gardens", "quarantine", "hardening", "federation-trust",
                                 "tombstones", "recall"})
FEDERATING_NODE = ("--federation", "--node-authority", "suite-target.test", "--pull-interval", "3600")
# The embedded target answers as_of (profile time-travel); its auth-none companion stays a default install, which
# fails closed (STG-TT-001).
TIME_TRAVEL_NODE = ("--time-travel", "enabled")
START_TIMEOUT_S = 60.0  # the embedded node's start, multi-worker ones included


@dataclass
class SessionOptions:
    target: str | None = None  # base URL; None starts the embedded reference node
    admin_key: str | None = None
    api_key: str | None = None
    profiles: Sequence[str] = ()  # empty: what the node claims, else core-local
    recipe: str | None = None  # launch recipe for multi-node checks (a path or a shipped name)
    timeout: float = 10.0
    node_args: Sequence[str] = field(default_factory=tuple)  # extra flags for the embedded node
    mtls: bool = False  # the embedded node serves TLS 1.3 with mTLS for federation (implied by hardening)
    tls_ca: str | None = None  # --target over https: the CA that signed the node's (and its peers') certificates
    tls_ca_key: str | None = None  # ... and its key, to mint scripted peers' certificates
    client_cert: str | None = None  # the operator's client certificate (PEM; the key may be in the same file)
    client_key: str | None = None

    @property
    def wants_mtls(self) -> bool:
        return bool(self.tls_ca) if self.target else bool(self.mtls or "hardening" in self.profiles)


def validate(options: SessionOptions) -> None:
    """What can be refused before anything starts: unknown profiles, a broken recipe."""
    unknown = sorted(set(options.profiles) - set(profiles.known()))
    if unknown:
        raise UsageError(f"unknown profile {', '.join(unknown)}; known: {', '.join(profiles.known())}")
    if options.recipe:
        from conformance.federation.recipes import RecipeError, load

        try:
            load(options.recipe)
        except RecipeError as exc:
            raise UsageError(str(exc)) from exc


def preflight(target: HttpTarget, has_key: bool) -> dict[str, Any]:
    """Before the first check: a stigmem discovery document answers, and the key (if any) is accepted.

    Raises ``Unreachable`` (exit 3) when no stigmem node answers and ``UsageError`` (exit 2) for a key
    the node refuses, or an auth-required node reached without one. Two requests, bounded by the timeout.
    """
    ex = target.request("GET", "/.well-known/stigmem", key=None)
    kind = ex.headers.get("content-type", "?").split(";")[0]
    if ex.status != 200 or not isinstance(ex.json, dict):
        raise Unreachable(f"GET {target.base_url}/.well-known/stigmem -> {ex.status} {kind}: not a stigmem node")
    discovery: dict[str, Any] = ex.json
    if discovery.get("auth", "required") == "none":
        return discovery
    if not has_key:
        raise UsageError(f"{target.base_url} requires authentication: pass --admin-key or --api-key")
    probe = target.request("GET", "/v1/facts", key="admin", params={"limit": "1"})
    if probe.status == 401:
        raise UsageError(f"the key given is refused (GET /v1/facts -> 401 {probe.code() or ''}): "
                         "check --admin-key / --api-key")
    return discovery


def provision_keys(target: HttpTarget) -> dict[str, str]:
    """Create the scoped keys the checks use; returns name -> why it could not be made.

    The node generates the key and returns it as ``key`` (docs/http-api.md). Nodes that instead take a
    client-chosen ``raw_key`` (the upstream node) get one generated here; whether they then honour
    ``allowed_scopes`` is exactly what the scope checks find out.
    """
    problems: dict[str, str] = {}
    for name, (permissions, scopes) in SCOPED_KEYS.items():
        body = {"entity_uri": f"stigmem://conformance.test/agent/{name}", "permissions": permissions,
                "allowed_scopes": scopes}
        ex = target.request("POST", "/v1/auth/keys", key="admin", json_body=body)
        raw = ex.json.get("key") if isinstance(ex.json, dict) else None
        if ex.status == 422 and "raw_key" in ex.text:
            raw = secrets.token_hex(24)
            ex = target.request("POST", "/v1/auth/keys", key="admin", json_body={**body, "raw_key": raw})
        if ex.status == 201 and isinstance(raw, str):
            target.keys[name] = raw
        else:
            problems[name] = f"POST /v1/auth/keys answered {ex.status}"
    return problems


class RunSession:
    """The nodes and keys of one run; use as a context manager (everything started is stopped on exit)."""

    def __init__(self, options: SessionOptions) -> None:
        self.options = options
        self.node: EmbeddedNode | None = None  # the embedded reference node, when no target was given
        self.open_node: EmbeddedNode | None = None  # its auth-none companion
        self.target: HttpTarget | None = None
        self.open_target: HttpTarget | None = None
        self.discovery: dict[str, Any] = {}
        self.chosen: list[str] = []
        self.key_problems: dict[str, str] = {}
        self.tls: TlsMaterial | None = None

    @property
    def url(self) -> str:
        return self.target.base_url if self.target else (self.options.target or "")

    @property
    def embedded(self) -> bool:
        return not self.options.target

    @property
    def has_admin(self) -> bool:
        """Whether the ``admin`` key holds admin rights (given as --admin-key, or the embedded node's)."""
        return bool(self.options.admin_key or self.embedded)

    @property
    def recipe(self) -> str | None:
        return self.options.recipe or (None if self.options.target else "reference")

    @property
    def auth_required(self) -> bool:
        return self.discovery.get("auth", "required") != "none"

    def open(self) -> RunSession:
        o = self.options
        validate(o)
        try:
            if o.target:
                key = o.admin_key or o.api_key
                context = None
                if o.tls_ca:
                    self.tls = TlsMaterial.external(o.tls_ca, o.tls_ca_key, o.client_cert, o.client_key)
                    context = client_context(self.tls.ca_file, self.tls.operator)
                self.target = HttpTarget(o.target, {"admin": key} if key else {}, timeout=o.timeout, tls=context)
            else:
                federating = not o.profiles or bool(FEDERATING_PROFILES & set(o.profiles))
                self.tls = TlsMaterial.generate() if o.wants_mtls else None
                args = (*(FEDERATING_NODE if federating else ()), *TIME_TRAVEL_NODE, *EmbeddedNode.FAST_TIMEOUTS,
                        *o.node_args,
                        *(self.tls.node_args() if self.tls else ()))
                # 60 s, as the bench and the worker tests allow: two workers on a loaded 2-core machine took 22-26 s.
                self.node = EmbeddedNode(extra_args=args, start_timeout=START_TIMEOUT_S).start()
                context = client_context(self.tls.ca_file) if self.tls else None
                self.target = HttpTarget(self.node.url, {"admin": self.node.admin_key}, timeout=o.timeout,
                                         tls=context)
                self.open_node = EmbeddedNode(auth="none", extra_args=(*EmbeddedNode.FAST_TIMEOUTS, *o.node_args),
                                              start_timeout=START_TIMEOUT_S).start()
                self.open_target = HttpTarget(self.open_node.url, timeout=o.timeout)
            self.discovery = preflight(self.target, bool(o.admin_key or o.api_key or self.node))
            self.chosen = profiles.chosen(o.profiles, self.discovery)
            if self.has_admin and self.auth_required:
                self.key_problems = provision_keys(self.target)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        for stop in (self.target and self.target.close, self.open_target and self.open_target.close,
                     self.open_node and self.open_node.stop, self.node and self.node.stop):
            if stop:
                stop()
        self.target = self.open_target = self.open_node = self.node = None
        if self.tls is not None:
            self.tls.close()
            self.tls = None

    def __enter__(self) -> RunSession:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()
