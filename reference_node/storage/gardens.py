"""SQL over gardens and their members, and the reserved ``garden:`` facts a membership change writes (Spec-02).

STG-SCOPE-009 (slugs unique per node in any case: stored lower-cased), STG-SCOPE-017/018 (members, the last admin
stays: the caller checks with the protocol core inside the same transaction), STG-SCOPE-020/027 (a deleted
garden keeps its facts; its row stays with ``deleted_at``, so its slug and garden_id are never reused and its facts
never pass to a new garden), STG-NS-004 (``garden:member`` and ``garden:role:<entity_uri>`` facts from
``system:stigmem`` on the garden's URI, in its scope and garden; a removal retracts both with confidence 0.0).
The read filter every fact route applies is in ``garden_acl``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reference_node.protocol import gardens as rules
from reference_node.protocol.facts import FactBody
from reference_node.storage import facts as fact_rows
from reference_node.storage.errors import StoreError
from reference_node.storage.garden_acl import Reader
from reference_node.storage.ledger import SYSTEM_SOURCE, new_fact
from reference_node.storage.rows import Stamp

__all__ = ["GardenRow", "MemberRow", "add_member", "administered", "by_ref", "by_slug", "by_uri", "change_role",
           "create", "delete", "listing", "member", "members", "named", "quarantine_garden", "readable",
           "remove_member", "role_of", "set_role", "visible", "writable"]

_COLUMNS = "seq, id, garden_id, slug, name, scope, description, created_by, created_at, quarantine"
_MEMBER_COLUMNS = "entity_uri, role, added_by, added_at"


@dataclass(frozen=True)
class GardenRow:
    seq: int
    id: str
    garden_id: str
    slug: str
    name: str
    scope: str
    description: str | None
    created_by: str
    created_at: str
    quarantine: bool = False

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "garden_id": self.garden_id, "slug": self.slug, "name": self.name,
                "scope": self.scope, "description": self.description, "created_by": self.created_by,
                "created_at": self.created_at, "quarantine": bool(self.quarantine)}


@dataclass(frozen=True)
class MemberRow:
    entity_uri: str
    role: str
    added_by: str
    added_at: str

    def record(self) -> dict[str, Any]:
        return {"entity_uri": self.entity_uri, "role": self.role, "added_by": self.added_by,
                "added_at": self.added_at}


def create(conn: sqlite3.Connection, garden: GardenRow) -> bool:
    """Insert a garden; False when its slug (or garden_id) is taken, by a live or a deleted garden."""
    try:
        conn.execute(
            f"INSERT INTO gardens ({_COLUMNS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (garden.id, garden.garden_id, garden.slug, garden.name, garden.scope, garden.description,
             garden.created_by, garden.created_at, int(garden.quarantine)),
        )
    except sqlite3.IntegrityError:
        return False
    return True


def _one(conn: sqlite3.Connection, where: str, value: str) -> GardenRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM gardens WHERE {where} = ? AND deleted_at IS NULL",
                       (value,)).fetchone()
    return None if row is None else GardenRow(*row)


def by_ref(conn: sqlite3.Connection, ref: str) -> GardenRow | None:
    """A live garden by its id or its slug in any case."""
    return _one(conn, "id", ref) or _one(conn, "slug", ref.lower())


def by_slug(conn: sqlite3.Connection, slug: str) -> GardenRow | None:
    """A live garden by its (normalized) slug."""
    return _one(conn, "slug", slug)


def quarantine_garden(conn: sqlite3.Connection) -> GardenRow | None:
    """The node's designated quarantine garden (Spec-08): its one live garden created with quarantine true."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM gardens WHERE quarantine = 1 AND deleted_at IS NULL "
                       "ORDER BY seq LIMIT 1").fetchone()
    return None if row is None else GardenRow(*row)


def by_uri(conn: sqlite3.Connection, garden_id: str) -> GardenRow | None:
    """A live garden by its garden_id URI."""
    return _one(conn, "garden_id", garden_id)


def listing(conn: sqlite3.Connection, reader: str | None, after_seq: int | None, limit: int) -> list[GardenRow]:
    """Live gardens oldest first after ``after_seq``: the reader's (None: every garden, for node admins)."""
    clauses: list[str] = ["deleted_at IS NULL"]
    params: list[object] = []
    if reader is not None:
        clauses.append("id IN (SELECT garden FROM garden_members WHERE entity_uri = ?)")
        params.append(reader)
    if after_seq is not None:
        clauses.append("seq > ?")
        params.append(after_seq)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM gardens WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?",
                        (*params, limit))
    return [GardenRow(*row) for row in rows]


def delete(conn: sqlite3.Connection, garden: GardenRow, deleted_at: str) -> None:
    """STG-SCOPE-020: mark the garden deleted and drop its roster; its facts stay. Spec-08: a quarantine garden
    holding pending facts is not deleted (409, STG-QUAR-006)."""
    pending = conn.execute("SELECT 1 FROM fact_quarantine WHERE garden = ? AND status = 'pending' LIMIT 1",
                           (garden.id,)).fetchone()
    if pending is not None:
        raise StoreError("quarantine_has_pending_facts", "this quarantine garden still holds pending facts")
    conn.execute("UPDATE gardens SET deleted_at = ? WHERE id = ?", (deleted_at, garden.id))
    conn.execute("DELETE FROM garden_members WHERE garden = ?", (garden.id,))


def members(conn: sqlite3.Connection, garden: GardenRow) -> list[MemberRow]:
    rows = conn.execute(f"SELECT {_MEMBER_COLUMNS} FROM garden_members WHERE garden = ? ORDER BY seq",
                        (garden.id,))
    return [MemberRow(*row) for row in rows]


def member(conn: sqlite3.Connection, garden: GardenRow, entity_uri: str) -> MemberRow | None:
    row = conn.execute(f"SELECT {_MEMBER_COLUMNS} FROM garden_members WHERE garden = ? AND entity_uri = ?",
                       (garden.id, entity_uri)).fetchone()
    return None if row is None else MemberRow(*row)


def role_of(conn: sqlite3.Connection, garden: GardenRow, entity_uri: str) -> str | None:
    found = member(conn, garden, entity_uri)
    return None if found is None else found.role


Stamper = Callable[[], Stamp]


def _membership_facts(conn: sqlite3.Connection, stamp: Stamper, garden: GardenRow, entity_uri: str,
                      role: str, confidence: float) -> None:
    """STG-NS-004: the node's own record of a membership, in the garden (no client may write these)."""
    for relation, value in (("garden:member", {"type": "ref", "v": entity_uri}),
                            (f"garden:role:{entity_uri}", {"type": "string", "v": role})):
        body = FactBody(garden.garden_id, relation, value, SYSTEM_SOURCE, confidence, garden.scope)
        fact_rows.insert(conn, new_fact(body, "system", garden_id=garden.garden_id), stamp())


def _role_fits(garden: GardenRow, role: str) -> None:
    # STG-SCOPE-032, STG-QUAR-008: quarantine:moderator exists only in quarantine gardens (Spec-08).
    if rules.parse_role(role, garden.quarantine) is None:
        raise StoreError("invalid_role", f"role {role} is not a role of this garden")


def add_member(conn: sqlite3.Connection, stamp: Stamper, garden: GardenRow, new: MemberRow) -> bool:
    """Add a member; False when it already is one."""
    _role_fits(garden, new.role)
    try:
        conn.execute(
            "INSERT INTO garden_members (garden, entity_uri, role, added_by, added_at, seq) VALUES "
            "(?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM garden_members WHERE garden = ?))",
            (garden.id, new.entity_uri, new.role, new.added_by, new.added_at, garden.id),
        )
    except sqlite3.IntegrityError:
        return False
    _membership_facts(conn, stamp, garden, new.entity_uri, new.role, 1.0)
    return True


def set_role(conn: sqlite3.Connection, stamp: Stamper, garden: GardenRow, entity_uri: str, role: str) -> None:
    conn.execute("UPDATE garden_members SET role = ? WHERE garden = ? AND entity_uri = ?",
                 (role, garden.id, entity_uri))
    _membership_facts(conn, stamp, garden, entity_uri, role, 1.0)


def remove_member(conn: sqlite3.Connection, stamp: Stamper, garden: GardenRow, gone: MemberRow) -> None:
    conn.execute("DELETE FROM garden_members WHERE garden = ? AND entity_uri = ?", (garden.id, gone.entity_uri))
    _membership_facts(conn, stamp, garden, gone.entity_uri, gone.role, 0.0)


# Operations with their ACL, each inside the caller's transaction (STG-SCOPE-017/018/019/026/027).


def readable(conn: sqlite3.Connection, garden_id: str, reader: Reader) -> bool:
    """Whether ``reader`` may read facts tagged ``garden_id`` (the single-row form of ``garden_acl``)."""
    garden = by_uri(conn, garden_id)
    if garden is None:
        return reader.node_admin  # STG-SCOPE-027: a deleted garden's facts, node admins only (garden_orphans)
    return rules.may_read(role_of(conn, garden, reader.entity_uri))


def visible(conn: sqlite3.Connection, ref: str, reader: Reader) -> GardenRow:
    """A garden whose record and roster ``reader`` may see: a member's or, for a node admin, any (STG-SCOPE-019)."""
    garden = by_ref(conn, ref)
    if garden is None:
        raise StoreError("garden_not_found", f"no garden {ref}")
    if not reader.node_admin and role_of(conn, garden, reader.entity_uri) is None:
        raise StoreError("garden_forbidden", "not a member of this garden")
    return garden


def administered(conn: sqlite3.Connection, ref: str, reader: Reader) -> GardenRow:
    """A garden ``reader`` administers (STG-SCOPE-017: garden admins only, a node admin included only as one)."""
    garden = by_ref(conn, ref)
    if garden is None:
        raise StoreError("garden_not_found", f"no garden {ref}")
    role = role_of(conn, garden, reader.entity_uri)
    if not rules.may_administer(role):
        raise StoreError("garden_forbidden", "garden admin role required" if role else "not a member of this garden")
    return garden


def named(conn: sqlite3.Connection, garden_id: str, reader: Reader, authority: str) -> str:
    """The stored garden_id a ``garden_id=`` query names (STG-SCOPE-013): 404 unknown here, 403 to a non-member
    (never an empty page, which would let a caller probe memberships)."""
    slug = rules.slug_of_uri(garden_id, authority)
    garden = None if slug is None else by_slug(conn, slug)
    if garden is None:
        raise StoreError("garden_not_found", f"no garden {garden_id} on this node")
    if not rules.may_read(role_of(conn, garden, reader.entity_uri)):
        raise StoreError("garden_forbidden", "not a member of this garden")
    return garden.garden_id


def writable(conn: sqlite3.Connection, garden_id: str, scope: str, reader: Reader, authority: str) -> str:
    """The stored garden_id of a garden fact ``reader`` may write in ``scope`` (STG-SCOPE-008/010/011)."""
    slug = rules.slug_of_uri(garden_id, authority)
    garden = None if slug is None else by_slug(conn, slug)
    # STG-SCOPE-011: a garden that does not exist (here) is 404.
    if garden is None:
        raise StoreError("garden_not_found", f"no garden {garden_id} on this node")
    # Spec-08, STG-QUAR-008 (A20 §19.5): facts enter a quarantine garden only from federation, never by assertion.
    if garden.quarantine:
        raise StoreError("garden_forbidden", "facts are not asserted into a quarantine garden")
    role = role_of(conn, garden, reader.entity_uri)
    # STG-SCOPE-010: admins and writers only; readers and non-members 403.
    if not rules.may_write(role):
        raise StoreError("garden_forbidden", "write permission required" if role else "not a member of this garden")
    # STG-SCOPE-008 (interpretation garden_scope_mismatch = unprocessable): the garden's scope, else 422.
    if scope != garden.scope:
        raise StoreError("garden_scope_mismatch", f"the garden's scope is {garden.scope}, not {scope}")
    return garden.garden_id


def change_role(conn: sqlite3.Connection, stamp: Stamper, garden: GardenRow, entity_uri: str,
                role: str | None) -> MemberRow | None:
    """Set a member's role (None: remove it), refusing to leave the garden without an admin (STG-SCOPE-018)."""
    if role is not None:
        _role_fits(garden, role)
    roster = members(conn, garden)
    index = next((i for i, m in enumerate(roster) if m.entity_uri == entity_uri), None)
    if index is None:
        raise StoreError("member_not_found", f"{entity_uri} is not a member of this garden")
    # STG-SCOPE-018: the last admin can be neither demoted nor removed (403).
    if not rules.leaves_an_admin([m.role for m in roster], index, role):
        raise StoreError("last_admin", "the garden's last admin can be neither demoted nor removed")
    if role is None:
        remove_member(conn, stamp, garden, roster[index])
        return None
    if role != roster[index].role:
        set_role(conn, stamp, garden, entity_uri, role)
    return MemberRow(entity_uri, role, roster[index].added_by, roster[index].added_at)
