"""Memory Gardens at their edges: the garden list as a walk, deleted gardens, slug case inside a garden_id, role
changes on record (Spec-02 §Admin Operations, §Memory Garden Primitive, §Reserved Garden Namespace; A10 §5.14).

Written after blind round 7, whose survivors these are: a list that keeps deleted gardens, starts at the newest
or repeats a garden across pages (STG-SCOPE-033); a deleted garden's slug handing its facts to a new garden
(STG-SCOPE-034); a slug matched case-sensitively inside a garden_id (STG-SCOPE-009); a role change the node does
not record as a ``garden:role:`` fact (STG-NS-004); a read-only key creating gardens, ``added_by`` naming the
member itself (STG-SCOPE-017).
"""

from __future__ import annotations

from typing import Any

from conformance.checks.gardens import (
    create,
    gardens_seen,
    listed,
    member_uri,
    mint,
    new_slug,
    node_authority,
    path,
)
from conformance.checks.registry import Context, Skip, check, expect, expect_status, ids

MAX_PAGES = 20


def _walk(ctx: Context, key: str, limit: int) -> list[dict[str, Any]]:
    """Every garden record of ``GET /v1/gardens`` for ``key``, page by page at ``limit``, in the order served."""
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        params = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        ex = ctx.request("GET", "/v1/gardens", key=key, params=params)
        page = listed(ctx, ex, "gardens")
        expect(len(page) <= limit, f"limit={limit} answered {len(page)} gardens")
        found += page
        cursor = ex.json.get("cursor") if isinstance(ex.json, dict) else None
        if not cursor:
            return found
    raise AssertionError("the garden list never ended")


@check("http:garden_list_walk", requirements=("STG-SCOPE-033",), profile="gardens",
       interpretations={"garden_list_shape": "envelope"})
def garden_list_walk(ctx: Context) -> None:
    """A caller's three gardens come oldest first, once each, over pages of 1, 2 and 3 (the exact page ends the
    walk: no cursor); a deleted one is listed to nobody, the node admin included."""
    key = mint(ctx, "g_lister")
    made = [create(ctx, key, "local", slug=new_slug(ctx, f"w{n}")) for n in range(3)]
    want = [g["id"] for g in made]
    for limit in (1, 2, 3):
        got = [g.get("id") for g in _walk(ctx, key, limit)]
        expect(got == want, f"limit={limit}: the walk gave {got}, expected the gardens oldest first {want}")
    whole = ctx.request("GET", "/v1/gardens", key=key, params={"limit": "3"})
    expect((whole.json or {}).get("cursor") is None,
           f"a page holding the last of the caller's 3 gardens at limit=3 carries a cursor: {whole.brief()}")
    expect_status(ctx.request("DELETE", path(made[1]), key=key), (204,))
    got = [g.get("id") for g in _walk(ctx, key, 1)]
    expect(got == [want[0], want[2]], f"after deleting {want[1]} the walk gave {got}")
    expect(want[1] not in gardens_seen(ctx, "admin"), "the node admin's list still shows a deleted garden")


@check("http:garden_deleted_slug_not_adopted", requirements=("STG-SCOPE-034", "STG-SCOPE-027"), profile="gardens",
       interpretations={"garden_orphans": "fail-closed"})
def garden_deleted_slug_not_adopted(ctx: Context) -> None:
    """After a garden is deleted, creating its slug again either is refused (409) or yields a garden whose members
    cannot read the old garden's facts: a deleted garden's facts never pass to a new one."""
    owner, heir = mint(ctx, "g_owner"), mint(ctx, "g_heir")
    slug = new_slug(ctx, "reuse")
    old = create(ctx, owner, "local", slug=slug)
    entity = ctx.unique("inherited")
    fact = ctx.assert_fact(ctx.fact(entity, "secret", garden_id=old["garden_id"]), key=owner)
    expect_status(ctx.request("DELETE", path(old), key=owner), (204,))
    again = ctx.request("POST", "/v1/gardens", key=heir, json_body={"slug": slug, "name": "heir", "scope": "local"})
    expect_status(again, (201, 409))
    if again.status == 409:
        return
    expect(fact["id"] not in ids(ctx.query(key=heir, entity=entity)),
           f"the new garden {slug} hands its member the deleted garden's fact {fact['id']}")
    expect(ctx.request("GET", f"/v1/facts/{fact['id']}", key=heir).status in (403, 404),
           "the new garden's member reads the deleted garden's fact by id")


@check("http:garden_uri_slug_any_case", requirements=("STG-SCOPE-009",), profile="gardens")
def garden_uri_slug_any_case(ctx: Context) -> None:
    """A garden_id whose slug is written in upper case names the same garden (slugs match case-insensitively):
    a write with it lands in that garden, and a garden_id= query with it returns the garden's facts."""
    authority = node_authority(ctx)
    if authority is None:
        raise Skip("the node's node_id is not a formal stigmem:// URI, so garden_id cannot be spelled otherwise")
    key = mint(ctx, "g_caser")
    garden = create(ctx, key, "local")
    shouted = f"stigmem://{authority}/garden/{garden['slug'].upper()}"
    entity = ctx.unique("shouted")
    written = ctx.assert_fact(ctx.fact(entity, "v", garden_id=shouted), key=key)
    expect(written.get("garden_id") == garden["garden_id"],
           f"a write naming {shouted} stored garden_id {written.get('garden_id')!r}, not {garden['garden_id']}")
    expect(written["id"] in ids(ctx.query(key=key, entity=entity, garden_id=shouted)),
           f"garden_id={shouted} does not return the garden's fact")


@check("http:garden_role_change_recorded", requirements=("STG-NS-004",), profile="gardens")
def garden_role_change_recorded(ctx: Context) -> None:
    """Changing a member's role is recorded: the newest garden:role:<entity_uri> fact on the garden names the new
    role, written by system:stigmem."""
    admin, member = mint(ctx, "g_recorder"), mint(ctx, "g_promoted")
    garden = create(ctx, admin, "local")
    who = member_uri(ctx, member)
    expect_status(ctx.request("POST", f"{path(garden)}/members", key=admin,
                              json_body={"entity_uri": who, "role": "reader"}), (201,))
    expect_status(ctx.request("PATCH", path(garden, who), key=admin, json_body={"role": "writer"}), (200,))
    ex = ctx.query(key=admin, entity=garden["garden_id"], relation=f"garden:role:{who}", include_contradicted=True)
    facts = [f for f in (ex.json or {}).get("facts", []) if isinstance(f, dict)]
    expect(bool(facts), f"no garden:role:{who} fact on {garden['garden_id']}: {ex.brief()}")
    newest = facts[0]
    expect((newest.get("value") or {}).get("v") == "writer" and newest.get("source") == "system:stigmem",
           f"the newest garden:role fact after the change to writer is {newest}")


@check("http:garden_member_record", requirements=("STG-SCOPE-017",), profile="gardens")
def garden_member_record(ctx: Context) -> None:
    """Creating a garden needs the write permission (a read-only key gets 403); a member added by the garden's
    admin is recorded with its role and added_by naming that admin."""
    reader_only = mint(ctx, "g_readonly", permissions=("read",))
    ex = ctx.request("POST", "/v1/gardens", key=reader_only,
                     json_body={"slug": new_slug(ctx, "ro"), "name": "x", "scope": "local"})
    expect_status(ex, (403,))
    admin, member = mint(ctx, "g_adder"), mint(ctx, "g_added")
    garden = create(ctx, admin, "local")
    who = member_uri(ctx, member)
    expect_status(ctx.request("POST", f"{path(garden)}/members", key=admin,
                              json_body={"entity_uri": who, "role": "writer"}), (201,))
    records = listed(ctx, ctx.request("GET", f"{path(garden)}/members", key=admin), "members")
    mine = [m for m in records if m.get("entity_uri") == who]
    expect(len(mine) == 1 and mine[0].get("role") == "writer" and mine[0].get("added_by") == member_uri(ctx, admin),
           f"the member record of {who} added by {member_uri(ctx, admin)} as writer is {mine}")
