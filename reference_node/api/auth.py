"""Who is calling: bearer API keys, permissions and allowed scopes (Spec-02; Spec-03; A08 §3.5).

Sources: Spec-02 §Scope Enforcement, Spec-03 §Authentication, A08 §3.5, A10 §18.7, ADR-007 (stored keys).

STG-AUTH-001 (``Authorization: Bearer <key>``), STG-AUTH-004/005 (401 with ``WWW-Authenticate: Bearer`` for a
missing, unknown, revoked or malformed key), STG-AUTH-007 (``--auth none``: an anonymous caller with every
permission and scope; the header is then ignored), STG-AUTH-008/010 (403 ``forbidden`` without the permission),
STG-SCOPE-001..006 (allowed_scopes: writes refused, ``scope=`` queries refused, global queries filtered).
The ``federate`` permission (A08 §3.5, §5.6) opens the operator side of federation; ``admin`` implies it there.
STG-SCOPE-022: ``allowed_scopes`` bounds every permission, admin and federate included; ``covers`` is the one rule
(a key may grant, list, revoke, count or federate only what lies within its own permissions and scopes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request

from reference_node.api.errors import ApiError
from reference_node.protocol.facts import SCOPES
from reference_node.settings import Settings
from reference_node.storage import Store
from reference_node.storage.garden_acl import Reader

__all__ = ["ANONYMOUS", "PERMISSIONS", "Identity", "caller", "federator"]

# The permissions a key can hold (A08 §3.5).
PERMISSIONS = ("read", "write", "admin", "federate")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Identity:
    """The caller: the entity that becomes provenance, what it may do, and which scopes it may touch."""

    entity_uri: str
    permissions: frozenset[str]
    scopes: tuple[str, ...]
    key_id: str | None = None

    @property
    def scope_filter(self) -> tuple[str, ...] | None:
        """None when every scope is allowed (no SQL filter needed), else the allowed scopes."""
        return None if set(self.scopes) >= set(SCOPES) else self.scopes

    @property
    def owner(self) -> str:
        """Who idempotency records belong to (ADR-006: keys are scoped per API key)."""
        return self.key_id or "anonymous"

    @property
    def reader(self) -> Reader:
        """Whom the garden ACL judges: this entity, a node admin when the key holds admin (garden_node_admin)."""
        return Reader(self.entity_uri, "admin" in self.permissions)

    def may_use(self, scope: str) -> bool:
        return scope in self.scopes

    def covers(self, permissions: Iterable[str], scopes: Iterable[str]) -> bool:
        """Whether ``permissions`` and ``scopes`` lie within this caller's own (admin implies federate)."""
        held = self.permissions | {"federate"} if "admin" in self.permissions else self.permissions
        return set(permissions) <= held and set(scopes) <= set(self.scopes)


ANONYMOUS = Identity("anon:trusted", frozenset(PERMISSIONS), SCOPES)


def _authenticate(request: Request) -> Identity:
    settings: Settings = request.app.state.settings
    # STG-AUTH-007: with auth none every caller is the anonymous identity.
    if not settings.auth_required:
        return ANONYMOUS
    header = request.headers.get("authorization")
    # STG-AUTH-004: with auth required, no credentials is 401 with a Bearer challenge.
    if header is None:
        raise ApiError("unauthorized", "Authorization: Bearer <key> is required", _CHALLENGE)
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    # STG-AUTH-001, STG-AUTH-005: only Authorization: Bearer <key> (scheme in any case); else 401.
    if scheme.lower() != "bearer" or not token:
        raise ApiError("unauthorized", "the Authorization header must be 'Bearer <key>'", _CHALLENGE)
    store: Store = request.app.state.store
    key = store.key_for(token)
    # STG-AUTH-005: an unknown or revoked key is 401.
    if key is None:
        raise ApiError("unauthorized", "unknown or revoked API key", _CHALLENGE)
    return Identity(key.entity_uri, frozenset(key.permissions), key.allowed_scopes, key.id)


def caller(request: Request, permission: str) -> Identity:
    """The authenticated caller, who must hold ``permission`` (read, write or admin)."""
    identity = _authenticate(request)
    # STG-AUTH-008, STG-AUTH-010: a key without the route's permission is 403.
    if permission not in identity.permissions:
        raise ApiError("forbidden", f"this key lacks the {permission} permission")
    # STG-QUOTA-001: the request is charged to the caller's own bucket (principal: its entity URI).
    quotas = getattr(request.app.state, "quotas", None)
    if quotas is not None:
        quotas.charge(request, identity.entity_uri)
    return identity


def federator(request: Request) -> Identity:
    """The caller of an operator federation route: a key with ``federate`` or ``admin`` (docs/federation-api.md)."""
    identity = _authenticate(request)
    # STG-AUTH-009: the operator federation routes need federate (or admin).
    if not identity.permissions & {"federate", "admin"}:
        raise ApiError("forbidden", "this key lacks the federate permission")
    return identity
