"""The check registry and the context every check receives.

A check is a function ``f(ctx)`` registered with ``@check(id, requirements, profile)``. Outcomes: return =
pass; ``CheckFailed`` = the node is wrong; ``Skip`` = the check cannot run here (its reason is reported, it is
never a pass); ``NotImplementedByNode`` = the node answered 404/501 on an optional route.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.harness.certs import TlsMaterial
from conformance.harness.http_target import Exchange, HttpTarget
from conformance.outcomes import CheckFailed, NotImplementedByNode, Skip

__all__ = ["REGISTRY", "Check", "CheckFailed", "Context", "NotImplementedByNode", "Skip", "check", "expect",
           "expect_error", "expect_status", "ids", "requirements_for"]  # the exceptions: from conformance.outcomes


@dataclass(frozen=True)
class Check:
    """A registered check; its requirements are its own plus every catalogue entry that names it."""

    id: str
    requirements: tuple[str, ...]
    profile: str
    description: str
    func: Callable[[Context], None]
    needs: tuple[str, ...] = ()
    interpretations: Mapping[str, str] = field(default_factory=dict)  # options the check's verdict depends on
    isolated: bool = False  # runs on nodes of its own (a cluster from the recipe): may run beside other checks
    concurrent: bool = False  # uses the target, only through entities and peers of its own: may run beside too
    exclusive: bool = False  # reads node-wide sets (audit windows, admin counts): runs when nothing runs beside


REGISTRY: dict[str, Check] = {}
SUITE_AGENT = "stigmem://conformance.test/agent/suite"


def check(id: str, requirements: Iterable[str] = (), profile: str = "core-local", needs: Iterable[str] = (),
          interpretations: Mapping[str, str] | None = None, isolated: bool = False, concurrent: bool = False,
          exclusive: bool = False) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Register ``f(ctx)``; ``interpretations`` are the options its verdict needs (else not applicable);
    ``isolated`` when it touches only nodes it starts itself, never the run's target; ``concurrent`` when it uses
    the target but reads and writes only entities of its own, triggers no pull and changes no node-wide state
    (keys, quotas, settings, the signing key), so other checks running meanwhile cannot change its verdict nor it
    theirs (mostly checks that wait for a clock: expiry, token and manifest lifetimes); ``exclusive`` when it reads
    node-wide sets that any write changes (an audit-log time window, admin status counts): it runs after every
    check beside the serial lane has finished."""
    def register(func: Callable[[Context], None]) -> Callable[[Context], None]:
        if id in REGISTRY:
            raise ValueError(f"check {id} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        REGISTRY[id] = Check(id, tuple(requirements), profile, doc[0] if doc else id, func, tuple(needs),
                             dict(interpretations or {}), isolated, concurrent, exclusive)
        return func
    return register


def add(c: Check) -> None:
    if c.id in REGISTRY:
        raise ValueError(f"check {c.id} registered twice")
    REGISTRY[c.id] = c


@dataclass
class Context:
    """What a check gets: the target, the keys it holds, the interpretations in force, small helpers."""

    target: HttpTarget
    interpretations: Mapping[str, str]
    discovery: dict[str, Any] = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    auth_required: bool = True
    open_target: HttpTarget | None = None  # a second instance running with auth none, when the run has one
    recipe: str | None = None  # launch recipe (a path, or the name of a shipped one) for multi-node checks
    has_admin: bool = True  # False when the run holds only --api-key under the name "admin"
    connection_bound_s: float = 30.0  # longest a node may hold a connection that sends nothing or sends slowly
    idle_connections: int = 1000  # idle or slowloris connections open while a normal client is served
    embedded: bool = False  # the run started the suite's own reference node (no --target)
    tombstone_poll_wait_s: float = 0.0  # how long to watch a node's unprompted tombstone polls (0: not watched)
    pull_interval_s: float | None = None  # the node's own pull-loop interval, when the run knows it
    tls: TlsMaterial | None = None  # an mTLS run's certificates (docs/federation-api.md "mTLS"); None: plain HTTP
    gone_peers: set[str] = field(default_factory=set)  # node ids of the scripted peers that have stopped

    def unique(self, name: str) -> str:
        """A run-unique formal entity URI, so repeated runs against one node never collide."""
        return f"stigmem://conformance.test/{name}/r{self.run_id}-{secrets.token_hex(3)}"

    def need_key(self, name: str) -> str:
        if name not in self.target.keys and not (name == "admin" and not self.auth_required):
            raise Skip(f"needs the {name!r} key, which this run does not hold")
        return name

    def need_admin(self) -> None:
        """Skip a check that needs admin rights when the run was given only --api-key."""
        if self.auth_required and not self.has_admin:
            raise Skip("needs an admin key; this run holds only --api-key (pass --admin-key)")

    def request(self, method: str, path: str, *, key: str | None = "admin", **kw: Any) -> Exchange:
        return self.target.request(method, path, key=key if self.auth_required else None, **kw)

    def assert_fact(self, body: Mapping[str, Any], key: str = "admin",
                    status: Iterable[int] = (201,)) -> dict[str, Any]:
        ex = self.request("POST", "/v1/facts", key=key, json_body=dict(body))
        expect_status(ex, status)
        if not isinstance(ex.json, dict):
            raise CheckFailed(f"assert answered non-JSON: {ex.brief()}")
        return ex.json

    def fact(self, entity: str, value: Any = "v", *, relation: str = "memory:role", scope: str = "local",
             confidence: float = 1.0, vtype: str = "string", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"entity": entity, "relation": relation,
                                "value": {"type": vtype, "v": value} if vtype != "null" else {"type": "null"},
                                "source": SUITE_AGENT, "confidence": confidence, "scope": scope}
        body.update(extra)
        return body

    def mint_key(self, name: str, permissions: list[str], scopes: list[str]) -> str:
        """Create a key with the run's admin key and hold it as ``name``; Skip when the node will not make it."""
        if not self.auth_required:
            raise Skip("the node runs with auth none: there are no keys to bound")
        self.need_key("admin")
        self.need_admin()
        if name in self.target.keys:
            return name
        body = {"entity_uri": f"stigmem://conformance.test/agent/{name}-{self.run_id}", "permissions": permissions,
                "allowed_scopes": scopes}
        ex = self.request("POST", "/v1/auth/keys", json_body=body)
        raw = ex.json.get("key") if isinstance(ex.json, dict) else None
        if ex.status == 422 and "raw_key" in ex.text:  # nodes that take a client-chosen key (upstream)
            raw = secrets.token_hex(24)
            ex = self.request("POST", "/v1/auth/keys", json_body={**body, "raw_key": raw})
        if 200 <= ex.status < 300 and not isinstance(raw, str):
            raise CheckFailed(f"key creation answered {ex.status} without the raw key (STG-AUTH-002): {ex.brief()}")
        if ex.status != 201 or not isinstance(raw, str):
            raise Skip(f"the node would not create a {permissions} key for {scopes}: {ex.brief()}")
        self.target.keys[name] = raw
        return name

    def query(self, key: str = "admin", **params: Any) -> Exchange:
        clean = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items()}
        return self.request("GET", "/v1/facts", key=key, params=clean)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def expect_status(ex: Exchange, statuses: Iterable[int]) -> None:
    allowed = tuple(statuses)
    if ex.status not in allowed:
        raise CheckFailed(f"expected status {'/'.join(map(str, allowed))}, got {ex.brief()}")


def expect_error(ex: Exchange, statuses: Iterable[int], code: str | None) -> None:
    """A refusal with one of ``statuses`` and, when the spec names one, the error ``code``."""
    expect_status(ex, statuses)
    if code is not None and ex.code() != code:
        raise CheckFailed(f"expected error code {code!r}, got {ex.code()!r}: {ex.brief()}")


def ids(ex: Exchange) -> list[str]:
    body = ex.json if isinstance(ex.json, dict) else {}
    return [f.get("id") for f in body.get("facts", []) if isinstance(f, dict)]


def requirements_for(c: Check) -> list[str]:
    """The check's explicit requirement ids plus the catalogue entries whose ``checks`` name it."""
    from conformance.catalog.requirements import by_check

    return sorted(set(c.requirements) | set(by_check().get(c.id, ())))
