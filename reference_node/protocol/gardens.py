"""Memory Garden rules without I/O: slugs, garden URIs, roles, who may write, read and administer (Spec-02).

Sources: Spec-02 §Memory Garden Primitive, §Write Access, §Read Access, §Admin Operations; A10 §5.14-§5.18, §17.

STG-SCOPE-009 (slug lower-cased, then ``^[a-z0-9][a-z0-9-]{0,62}$``; ``garden_id`` is
``stigmem://{node_authority}/garden/{slug}``), STG-SCOPE-010 (admins and writers write; readers and non-members
do not), STG-SCOPE-012 (readers and up read), STG-SCOPE-017/018 (admins administer; the last admin stays),
STG-SCOPE-032 (three roles; a quarantine garden adds ``quarantine:moderator``, Spec-08, whose holders and the
admins promote or reject quarantined facts).

>>> normalize_slug("Conf-Alpha"), garden_uri("Node.Example", "conf-alpha")
('conf-alpha', 'stigmem://node.example/garden/conf-alpha')
>>> may_write("reader"), may_write("writer"), may_read(None), leaves_an_admin(["admin", "writer"], 0, "writer")
(False, True, False, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reference_node.protocol.errors import GardenSlugInvalid

__all__ = ["MODERATOR", "QUARANTINE_ROLES", "ROLES", "garden_uri", "leaves_an_admin", "may_administer",
           "may_moderate", "may_read", "may_write", "normalize_slug", "parse_role", "slug_of_uri"]

# A10 §17.2: GardenRole = "admin" | "writer" | "reader"; Spec-08 adds "quarantine:moderator" in quarantine gardens.
ROLES = ("admin", "writer", "reader")
MODERATOR = "quarantine:moderator"
QUARANTINE_ROLES = (*ROLES, MODERATOR)
# A10 §5.14: ^[a-z0-9][a-z0-9\-]{0,62}$ (1 to 63 characters); \Z, not $, so a trailing newline is no slug.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\Z")
_URI = re.compile(r"stigmem://([^/]+)/garden/([^/]+)\Z")


def normalize_slug(raw: object) -> str:
    """The stored form of a slug: lower-cased, then checked against the pattern (STG-SCOPE-009)."""
    if not isinstance(raw, str):
        raise GardenSlugInvalid("slug must be a string")
    # STG-SCOPE-009: lowercased and validated on creation; stored and matched case-insensitively.
    # Only ASCII is lowered: "\u212a" (KELVIN SIGN) would otherwise become the slug "k".
    slug = raw.lower() if raw.isascii() else raw
    if not _SLUG.match(slug):
        raise GardenSlugInvalid(f"slug must match ^[a-z0-9][a-z0-9-]{{0,62}}$ after lower-casing, got {raw!r}")
    return slug


def garden_uri(node_authority: str, slug: str) -> str:
    """STG-SCOPE-009: a garden's garden_id."""
    return f"stigmem://{node_authority.lower()}/garden/{normalize_slug(slug)}"


def slug_of_uri(uri: str, node_authority: str) -> str | None:
    """The slug a garden_id names on this node, or None when it names none here (another authority, bad form)."""
    found = _URI.match(uri.strip())
    if found is None or found.group(1).lower() != node_authority.lower():
        return None
    try:
        return normalize_slug(found.group(2))
    except GardenSlugInvalid:
        return None


def parse_role(raw: object, quarantine: bool = False) -> str | None:
    """STG-SCOPE-032: admin, writer or reader (in a quarantine garden also quarantine:moderator); None otherwise."""
    allowed = QUARANTINE_ROLES if quarantine else ROLES
    return str(raw) if isinstance(raw, str) and raw in allowed else None


def may_write(role: str | None) -> bool:
    """STG-SCOPE-010: admins and writers write garden facts; readers and non-members (None) do not."""
    return role in ("admin", "writer")


def may_read(role: str | None) -> bool:
    """STG-SCOPE-012: any member reads."""
    return role in QUARANTINE_ROLES


def may_moderate(role: str | None) -> bool:
    """Spec-08: promote and reject need admin or quarantine:moderator."""
    return role in ("admin", MODERATOR)


def may_administer(role: str | None) -> bool:
    """STG-SCOPE-017: only a garden admin adds, re-roles or removes members, or deletes the garden."""
    return role == "admin"


def leaves_an_admin(roles: Sequence[str], index: int, new_role: str | None) -> bool:
    """STG-SCOPE-018: whether setting member ``index`` of ``roles`` to ``new_role`` (None: removing it) keeps an
    admin in the garden."""
    after = [new_role if i == index else role for i, role in enumerate(roles)]
    return "admin" in after
