"""Memory Gardens: records, slugs, members and roles over HTTP (Spec-02 §Memory Garden Primitive, §Admin
Operations; A10 §5.14-§5.18).

STG-SCOPE-009/017/018/019/027/028/029/032 and STG-NS-004. The callers are keys minted once per run
(``g_admin`` creates the gardens; ``g_writer``, ``g_reader`` and ``g_outsider`` get those roles or none), each with
read and write in every scope, so a refusal comes from the garden role and not from the key; the run's own admin
key is the node admin, a member of no garden it did not create. The garden ACL on facts is checked in
``gardens_acl``, the visibility properties in ``gardens_soundness``, federation in ``federation.gardens``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from conformance.checks.registry import Context, check, expect, expect_error, expect_status
from conformance.harness.http_target import Exchange

SCOPES = ["local", "team", "company", "public"]
ROLE_KEYS = {"admin": "g_admin", "writer": "g_writer", "reader": "g_reader", "outsider": "g_outsider"}
MAX_PAGES = 20
_FORMAL = re.compile(r"stigmem://([^/]+)/")


def member_uri(ctx: Context, key: str) -> str:
    """The entity_uri of a key minted by ``ctx.mint_key`` (garden membership is by entity_uri)."""
    return f"stigmem://conformance.test/agent/{key}-{ctx.run_id}"


def mint(ctx: Context, name: str, permissions: tuple[str, ...] = ("read", "write"),
         scopes: tuple[str, ...] = tuple(SCOPES)) -> str:
    return ctx.mint_key(name, list(permissions), list(scopes))


def new_slug(ctx: Context, tag: str = "g") -> str:
    return f"{tag}{ctx.run_id}-{secrets.token_hex(3)}"


def node_authority(ctx: Context) -> str | None:
    """The authority of the node's formal node_id (Spec-02: garden_id's authority), or None without one."""
    found = _FORMAL.match(str(ctx.discovery.get("node_id", "")))
    return found.group(1).lower() if found else None


def create(ctx: Context, key: str = "admin", scope: str = "local", slug: str | None = None,
           **extra: Any) -> dict[str, Any]:
    """A new garden, created by ``key`` (201)."""
    body = {"slug": slug or new_slug(ctx), "name": "conformance garden", "scope": scope, **extra}
    ex = ctx.request("POST", "/v1/gardens", key=key, json_body=body)
    expect_status(ex, (201,))
    expect(isinstance(ex.json, dict) and isinstance(ex.json.get("garden_id"), str),
           f"garden creation answered no garden_id: {ex.brief()}")
    record: dict[str, Any] = ex.json
    return record


def path(garden: dict[str, Any], member: str | None = None) -> str:
    base = f"/v1/gardens/{garden['slug']}"
    return base if member is None else f"{base}/members/{quote(member, safe='')}"


def add_member(ctx: Context, garden: dict[str, Any], entity: str, role: str, key: str = "g_admin",
               status: tuple[int, ...] = (201,)) -> Exchange:
    ex = ctx.request("POST", f"{path(garden)}/members", key=key, json_body={"entity_uri": entity, "role": role})
    expect_status(ex, status)
    return ex


def listed(ctx: Context, ex: Exchange, kind: str) -> list[dict[str, Any]]:
    """The records of a garden or member list, in the shape the run's ``garden_list_shape`` option names."""
    expect_status(ex, (200,))
    if ctx.interpretations.get("garden_list_shape", "envelope") == "bare-array":
        expect(isinstance(ex.json, list), f"garden_list_shape=bare-array, but the list is not an array: {ex.brief()}")
        items = ex.json
    else:
        body = ex.json if isinstance(ex.json, dict) else {}
        expect(isinstance(body.get(kind), list), f"not the {{{kind!r}: [...]}} envelope: {ex.brief()}")
        items = body[kind]
    return [i for i in items if isinstance(i, dict)]


def gardens_seen(ctx: Context, key: str) -> set[str]:
    """Every garden id ``GET /v1/gardens`` shows ``key``, over its cursor (bounded)."""
    seen: set[str] = set()
    cursor = None
    for _ in range(MAX_PAGES):
        ex = ctx.request("GET", "/v1/gardens", key=key, params={"limit": "500", **({"cursor": cursor} if cursor
                                                                                     else {})})
        seen |= {str(g.get("id")) for g in listed(ctx, ex, "gardens")}
        cursor = ex.json.get("cursor") if isinstance(ex.json, dict) else None
        if not cursor:
            break
    return seen


def roster(ctx: Context, garden: dict[str, Any], key: str = "g_admin") -> dict[str, str]:
    """entity_uri -> role of the garden's members."""
    return {str(m.get("entity_uri")): str(m.get("role"))
            for m in listed(ctx, ctx.request("GET", f"{path(garden)}/members", key=key), "members")}


@dataclass
class Cast:
    """A garden created by ``g_admin`` with ``g_writer`` and ``g_reader`` as members; ``g_outsider`` is none."""

    garden: dict[str, Any]

    @property
    def uri(self) -> str:
        return str(self.garden["garden_id"])

    @property
    def scope(self) -> str:
        return str(self.garden["scope"])

    def fact(self, ctx: Context, entity: str, value: str = "v", key: str = "g_admin",
             status: tuple[int, ...] = (201,), **extra: Any) -> dict[str, Any]:
        """Assert a fact of this garden (in its scope) with ``key``."""
        return ctx.assert_fact(ctx.fact(entity, value, scope=self.scope, garden_id=self.uri, **extra), key=key,
                               status=status)


def cast(ctx: Context, scope: str = "local") -> Cast:
    """A garden with one key in each role (Skip with auth none: there are no keys)."""
    for key in ROLE_KEYS.values():
        mint(ctx, key)
    garden = create(ctx, "g_admin", scope)
    for role in ("writer", "reader"):
        add_member(ctx, garden, member_uri(ctx, ROLE_KEYS[role]), role)
    return Cast(garden)


def metadata_only(ctx: Context) -> bool:
    """garden_node_admin: a node admin reads records and rosters but holds no garden role."""
    return ctx.interpretations.get("garden_node_admin", "metadata-only") == "metadata-only"


@check("http:garden_create", requirements=("STG-SCOPE-009",), profile="gardens")
def garden_create(ctx: Context) -> None:
    """A slug is lower-cased on creation, garden_id is stigmem://{node authority}/garden/{slug}, the slug in
    another case is taken (409 garden_exists) and finds the garden."""
    slug = new_slug(ctx, "Mixed-")
    record = create(ctx, slug=slug)
    expect(record.get("slug") == slug.lower(), f"slug {slug!r} stored as {record.get('slug')!r}, not lower-cased")
    authority = node_authority(ctx)
    if authority is not None:
        want = f"stigmem://{authority}/garden/{slug.lower()}"
        expect(record["garden_id"] == want, f"garden_id {record['garden_id']!r}, expected {want!r}")
    else:  # a node_id without an authority: only the form can be checked
        expect(re.fullmatch(rf"stigmem://[^/]+/garden/{re.escape(slug.lower())}", record["garden_id"]) is not None,
               f"garden_id {record['garden_id']!r} is not stigmem://<authority>/garden/{slug.lower()}")
    for other in (slug.lower(), slug.upper()):
        ex = ctx.request("POST", "/v1/gardens", json_body={"slug": other, "name": "again", "scope": "local"})
        expect_error(ex, (409,), "garden_exists")
    found = ctx.request("GET", f"/v1/gardens/{slug.upper()}")
    expect_status(found, (200,))
    expect((found.json or {}).get("id") == record["id"], f"the slug in upper case found {found.brief()}")


@check("http:garden_slug_validation", requirements=("STG-SCOPE-009",), profile="gardens")
def garden_slug_validation(ctx: Context) -> None:
    """63-character slugs are accepted, 64 refused; '-' first, '_', '!', space, a trailing newline, non-ASCII (the
    KELVIN SIGN is not lower-cased to 'k'), the empty string and non-strings are 422 invalid_slug."""
    tail = f"{ctx.run_id}{secrets.token_hex(3)}"
    longest = (tail + "-" + "a" * 63)[:63]
    expect(create(ctx, slug=longest)["slug"] == longest, "a 63-character slug was not kept as given")
    bad: list[object] = [(tail + "-" + "b" * 64)[:64], f"-{tail}", f"a_{tail}", f"x{tail}!", f"a {tail}",
                         f"{tail}\n", f"\u212a{tail}", f"\u00e4{tail}", "", "Invalid_Slug!"]
    for slug in bad:
        ex = ctx.request("POST", "/v1/gardens", json_body={"slug": slug, "name": "bad", "scope": "local"})
        expect_error(ex, (422,), "invalid_slug")
    for slug in (123, None, ["a"]):
        ex = ctx.request("POST", "/v1/gardens", json_body={"slug": slug, "name": "bad", "scope": "local"})
        expect(ex.status == 422 and ex.code() in ("invalid_slug", "invalid_body"),
               f"slug {slug!r}: expected 422 invalid_slug, got {ex.brief()}")
    expect_status(ctx.request("GET", f"/v1/gardens/k{tail}"), (404,))


@check("http:garden_record_shape", requirements=("STG-SCOPE-028",), profile="gardens")
def garden_record_shape(ctx: Context) -> None:
    """Create answers 201 with id, garden_id, slug, name, scope, description, created_by, created_at and the creator
    as admin; GET by slug and by id add members; the lists have the garden_list_shape envelope."""
    creator = mint(ctx, "g_admin") if ctx.auth_required else "admin"
    record = create(ctx, creator, "team", description="shape")
    missing = [k for k in ("id", "garden_id", "slug", "name", "scope", "created_by", "created_at", "members")
               if k not in record]
    expect(not missing, f"a created garden lacks {missing}: {record}")
    expect(record["scope"] == "team" and record.get("description") == "shape", f"record {record}")
    members = record["members"] if isinstance(record["members"], list) else []
    expect([(m.get("entity_uri"), m.get("role")) for m in members] == [(record["created_by"], "admin")],
           f"the creator {record['created_by']!r} is not the one admin: {members}")
    if ctx.auth_required:
        expect(record["created_by"] == member_uri(ctx, creator),
               f"created_by {record['created_by']!r}, not the creating key's entity {member_uri(ctx, creator)!r}")
    for ref in (record["slug"].upper(), record["id"]):
        ex = ctx.request("GET", f"/v1/gardens/{ref}", key=creator)
        expect_status(ex, (200,))
        got = ex.json if isinstance(ex.json, dict) else {}
        expect(got.get("id") == record["id"] and isinstance(got.get("members"), list),
               f"GET /v1/gardens/{ref}: {ex.brief()}")
    expect(record["id"] in gardens_seen(ctx, creator), "the creator's list does not show its garden")
    expect(roster(ctx, record, creator) == {record["created_by"]: "admin"}, "the member list is not the creator")


@check("http:garden_list_membership_filtered", requirements=("STG-SCOPE-019",), profile="gardens")
def garden_list_membership_filtered(ctx: Context) -> None:
    """GET /v1/gardens shows a caller the gardens it belongs to and no other; a node admin sees them all."""
    c = cast(ctx)
    peeker = mint(ctx, "g_peeker", ("read",))
    expect(c.garden["id"] in gardens_seen(ctx, "g_reader"), "a reader's list misses its garden")
    expect(c.garden["id"] not in gardens_seen(ctx, peeker), "a read-only non-member lists a garden")
    if metadata_only(ctx):
        expect(c.garden["id"] not in gardens_seen(ctx, "g_outsider"), "a non-member write key lists a garden")
    if ctx.has_admin:
        expect(c.garden["id"] in gardens_seen(ctx, "admin"), "the node admin's list misses a garden")


@check("http:garden_get_acl", requirements=("STG-SCOPE-019",), profile="gardens")
def garden_get_acl(ctx: Context) -> None:
    """A garden and its roster are read by members and node admins; others get 403 garden_forbidden; an unknown
    garden is 404 garden_not_found."""
    c = cast(ctx)
    for key in ("g_reader", "g_writer", "admin"):
        ex = ctx.request("GET", path(c.garden), key=key)
        expect(ex.status == 200 and isinstance((ex.json or {}).get("members"), list), f"{key}: {ex.brief()}")
        expect(len(roster(ctx, c.garden, key)) == 3, f"{key} does not see the three members")
    for route in (path(c.garden), f"{path(c.garden)}/members"):
        expect_error(ctx.request("GET", route, key="g_outsider"), (403,), "garden_forbidden")
    for ref in (f"nothing-{new_slug(ctx)}", "00000000-0000-4000-8000-000000000000"):
        expect_error(ctx.request("GET", f"/v1/gardens/{ref}", key="g_admin"), (404,), "garden_not_found")


@check("http:garden_member_admin_only", requirements=("STG-SCOPE-017",), profile="gardens")
def garden_member_admin_only(ctx: Context) -> None:
    """Only a garden admin adds, re-roles or removes members (403 garden_forbidden for the others, node admins
    included); an added member answers 201 and adding it again 409 member_exists."""
    c = cast(ctx)
    extra = member_uri(ctx, "g_extra")
    reader = member_uri(ctx, "g_reader")
    refused = ["g_writer", "g_reader", "g_outsider"] + (["admin"] if metadata_only(ctx) else [])
    for key in refused:
        add_member(ctx, c.garden, extra, "reader", key=key, status=(403,))
        expect_status(ctx.request("PATCH", path(c.garden, reader), key=key, json_body={"role": "admin"}), (403,))
        expect_status(ctx.request("DELETE", path(c.garden, reader), key=key), (403,))
    expect(roster(ctx, c.garden).get(reader) == "reader" and extra not in roster(ctx, c.garden),
           "a refused member operation changed the roster")
    added = add_member(ctx, c.garden, extra, "writer").json or {}
    expect(added.get("entity_uri") == extra and added.get("role") == "writer", f"added member {added}")
    expect_error(add_member(ctx, c.garden, extra, "reader", status=(409,)), (409,), "member_exists")
    changed = ctx.request("PATCH", path(c.garden, extra), key="g_admin", json_body={"role": "reader"})
    expect(changed.status == 200 and (changed.json or {}).get("role") == "reader", f"PATCH {changed.brief()}")
    expect_status(ctx.request("DELETE", path(c.garden, extra), key="g_admin"), (204,))
    expect(extra not in roster(ctx, c.garden), "a removed member is still listed")


@check("http:garden_last_admin_protected", requirements=("STG-SCOPE-018",), profile="gardens")
def garden_last_admin_protected(ctx: Context) -> None:
    """The last admin can be neither demoted nor removed (403 last_admin); once a second admin exists it can."""
    c = cast(ctx)
    first, second = member_uri(ctx, "g_admin"), member_uri(ctx, "g_writer")
    for role in ("writer", "reader"):
        ex = ctx.request("PATCH", path(c.garden, first), key="g_admin", json_body={"role": role})
        expect_error(ex, (403,), "last_admin")
    expect_error(ctx.request("DELETE", path(c.garden, first), key="g_admin"), (403,), "last_admin")
    expect(roster(ctx, c.garden).get(first) == "admin", "a refused demotion changed the last admin's role")
    expect_status(ctx.request("PATCH", path(c.garden, second), key="g_admin", json_body={"role": "admin"}), (200,))
    expect_status(ctx.request("PATCH", path(c.garden, first), key="g_admin", json_body={"role": "reader"}), (200,))
    for ex in (ctx.request("PATCH", path(c.garden, second), key="g_writer", json_body={"role": "writer"}),
               ctx.request("DELETE", path(c.garden, second), key="g_writer")):
        expect_error(ex, (403,), "last_admin")
    expect_status(ctx.request("DELETE", path(c.garden, first), key="g_writer"), (204,))
    roles = roster(ctx, c.garden, "g_writer")
    expect(list(roles.values()).count("admin") == 1 and roles.get(second) == "admin", f"roster after: {roles}")


@check("http:garden_member_roles", requirements=("STG-SCOPE-032",), profile="gardens")
def garden_member_roles(ctx: Context) -> None:
    """Roles are admin, writer or reader (422 invalid_role); a bad entity_uri is refused; a member's entity_uri is
    normalized and its URL-encoded path segment finds it; an unknown member is 404 member_not_found."""
    c = cast(ctx)
    extra = member_uri(ctx, "g_extra")
    for role in ("owner", "Admin", "", None):
        ex = ctx.request("POST", f"{path(c.garden)}/members", key="g_admin", json_body={"entity_uri": extra,
                                                                                         "role": role})
        expect_error(ex, (422,), "invalid_role")
    ex = ctx.request("PATCH", path(c.garden, member_uri(ctx, "g_reader")), key="g_admin", json_body={"role": "root"})
    expect_error(ex, (422,), "invalid_role")
    add_member(ctx, c.garden, "not a uri at all", "reader", status=(400, 422))
    shouted = extra.replace("conformance.test", "Conformance.TEST")
    added = add_member(ctx, c.garden, shouted, "reader").json or {}
    expect(added.get("entity_uri") == extra, f"member {shouted!r} stored as {added.get('entity_uri')!r}")
    mint(ctx, "g_extra", ("read",))
    expect_status(ctx.request("GET", path(c.garden), key="g_extra"), (200,))
    expect_status(ctx.request("PATCH", path(c.garden, shouted), key="g_admin", json_body={"role": "writer"}), (200,))
    ghost = member_uri(ctx, "g_ghost")
    expect_error(ctx.request("PATCH", path(c.garden, ghost), key="g_admin", json_body={"role": "reader"}), (404,),
                 "member_not_found")
    expect_error(ctx.request("DELETE", path(c.garden, ghost), key="g_admin"), (404,), "member_not_found")


@check("http:garden_delete_admin_only", requirements=("STG-SCOPE-027",), profile="gardens")
def garden_delete_admin_only(ctx: Context) -> None:
    """Only the garden's admin deletes it (403 garden_forbidden otherwise); 204, then the garden is 404."""
    c = cast(ctx)
    for key in ["g_writer", "g_reader", "g_outsider"] + (["admin"] if metadata_only(ctx) else []):
        expect_error(ctx.request("DELETE", path(c.garden), key=key), (403,), "garden_forbidden")
    expect_status(ctx.request("GET", path(c.garden), key="g_admin"), (200,))
    expect_status(ctx.request("DELETE", path(c.garden), key="g_admin"), (204,))
    for key in ("g_admin", "admin"):
        expect_error(ctx.request("GET", path(c.garden), key=key), (404,), "garden_not_found")
    expect_status(ctx.request("DELETE", path(c.garden), key="g_admin"), (404,))
    expect(c.garden["id"] not in gardens_seen(ctx, "g_admin"), "a deleted garden is still listed")


@check("http:garden_scope_bounded_by_key", requirements=("STG-SCOPE-029",), profile="gardens",
       interpretations={"garden_scopes": "bounded"})
def garden_scope_bounded_by_key(ctx: Context) -> None:
    """A garden is created only in a scope the key may use (403 scope_forbidden); a key without scopes reaches no
    garden route; an unknown scope is 422 invalid_scope."""
    local = mint(ctx, "g_local_only", scopes=("local",))
    for scope in ("team", "company"):  # the next scope up, and one further
        ex = ctx.request("POST", "/v1/gardens", key=local, json_body={"slug": new_slug(ctx), "name": "n",
                                                                       "scope": scope})
        expect_error(ex, (403,), "scope_forbidden")
    garden = create(ctx, local, "local")
    ex = ctx.request("POST", "/v1/gardens", key=local, json_body={"slug": new_slug(ctx), "name": "n",
                                                                   "scope": "universe"})
    expect_error(ex, (422,), "invalid_scope")
    empty = mint(ctx, "g_no_scope", scopes=())
    add_member(ctx, garden, member_uri(ctx, empty), "admin", key=local)
    probes = [ctx.request("GET", "/v1/gardens", key=empty), ctx.request("GET", path(garden), key=empty),
              ctx.request("POST", "/v1/gardens", key=empty, json_body={"slug": new_slug(ctx), "name": "n",
                                                                        "scope": "local"}),
              ctx.request("GET", f"{path(garden)}/members", key=empty)]
    for probe in probes:
        expect_error(probe, (403,), "scope_forbidden")


@check("http:garden_membership_facts_system_sourced", requirements=("STG-NS-004",), profile="gardens")
def garden_membership_facts_system_sourced(ctx: Context) -> None:
    """Membership writes garden:member and garden:role:<entity_uri> facts on the garden's URI, source
    system:stigmem, in its scope and garden; a removal retracts both; clients cannot write garden: relations."""
    c = cast(ctx, "team")
    reader = member_uri(ctx, "g_reader")

    def current(relation: str, value: str | None = None) -> dict[str, Any] | None:
        ex = ctx.query(key="g_admin", entity=c.uri, relation=relation, limit=500, include_contradicted=True)
        expect_status(ex, (200,))
        facts = [f for f in (ex.json or {}).get("facts", [])
                 if value is None or (f.get("value") or {}).get("v") == value]
        return max(facts, key=lambda f: (str(f.get("hlc")), str(f.get("id"))), default=None)

    for relation, value in (("garden:member", reader), (f"garden:role:{reader}", "reader")):
        fact = current(relation, value)
        expect(fact is not None, f"no {relation} fact for the reader on {c.uri}")
        assert fact is not None
        expect((fact.get("source"), fact.get("scope"), fact.get("garden_id"), fact.get("confidence")) ==
               ("system:stigmem", c.scope, c.uri, 1.0), f"{relation} fact {fact}")
    expect_status(ctx.request("DELETE", path(c.garden, reader), key="g_admin"), (204,))
    for relation, value in (("garden:member", reader), (f"garden:role:{reader}", None)):
        fact = current(relation, value)
        expect(fact is None or fact.get("confidence") == 0.0, f"{relation} not retracted after removal: {fact}")
    if ctx.interpretations.get("reserved_namespace", "reject") == "reject":
        for relation in ("garden:member", f"garden:role:{member_uri(ctx, 'g_outsider')}"):
            forged = ctx.fact(c.uri, "admin", relation=relation, scope=c.scope, garden_id=c.uri)
            ex = ctx.request("POST", "/v1/facts", key="g_admin", json_body=forged)
            expect_error(ex, (403,), "reserved_namespace")
