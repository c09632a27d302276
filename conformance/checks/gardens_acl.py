"""The garden ACL on facts: who writes garden facts, and which read routes show them (Spec-02 §Write Access,
§Read Access, §Relationship To Scope; A10 §17.3-§17.4; Spec-15 §Contradiction for conflicts).

STG-SCOPE-008, 010..016, 020, 021, 024..027. Every route is tried by each role (garden ``admin``, ``writer``,
``reader``, a non-member, and the node admin, which holds no garden role under ``garden_node_admin``
metadata-only): a refused read is 403 (a 404 would be as safe, but Spec-03 names 403), a refused write stores
nothing. Callers and gardens come from ``gardens``; the all-callers properties are in ``gardens_soundness``.
"""

from __future__ import annotations

from typing import Any

from conformance.checks.contradictions import _conflicts_about
from conformance.checks.gardens import (
    Cast,
    add_member,
    cast,
    create,
    member_uri,
    metadata_only,
    mint,
    new_slug,
    node_authority,
    path,
)
from conformance.checks.registry import Context, check, expect, expect_error, expect_status, ids

READERS = ("g_admin", "g_writer", "g_reader")


def _strangers(ctx: Context) -> list[str]:
    """The callers that hold no role in a cast's garden: the outsider, and the node admin (metadata-only)."""
    return ["g_outsider"] + (["admin"] if metadata_only(ctx) and ctx.has_admin else [])


def _query_ids(ctx: Context, key: str, **params: Any) -> set[str]:
    ex = ctx.query(key=key, limit=500, **params)
    expect_status(ex, (200,))
    return set(ids(ex))


def _by_id(ctx: Context, key: str, ref: str) -> int:
    return ctx.request("GET", f"/v1/facts/{ref}", key=key).status


@check("http:garden_scope_mismatch_rejected", requirements=("STG-SCOPE-008",), profile="gardens")
def garden_scope_mismatch_rejected(ctx: Context) -> None:
    """A garden fact in another scope than the garden's (the neighbouring scopes too) is refused and not stored:
    422 garden_scope_mismatch, or 403 under garden_scope_mismatch=forbidden."""
    garden = create(ctx, scope="team")
    entity = ctx.unique("mismatch")
    forbidden = ctx.interpretations.get("garden_scope_mismatch", "unprocessable") == "forbidden"
    for scope in ("local", "company", "public"):
        ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, scope, scope=scope,
                                                                  garden_id=garden["garden_id"]))
        expect_error(ex, (403,) if forbidden else (422,), None if forbidden else "garden_scope_mismatch")
    expect(not _query_ids(ctx, "admin", entity=entity), "a refused scope-mismatched garden write was stored")
    stored = ctx.assert_fact(ctx.fact(entity, "team", scope="team", garden_id=garden["garden_id"]))
    expect(stored.get("garden_id") == garden["garden_id"], f"the record of a garden fact lacks garden_id: {stored}")


@check("http:garden_write_roles", requirements=("STG-SCOPE-010",), profile="gardens")
def garden_write_roles(ctx: Context) -> None:
    """Admins and writers write garden facts (201); readers, non-members and the node admin get 403 and nothing
    is stored; a fact without garden_id carries none."""
    c = cast(ctx, "company")
    entity = ctx.unique("garden-write")
    written = {c.fact(ctx, entity, key, key=key)["id"] for key in ("g_admin", "g_writer")}
    for key in ["g_reader", *_strangers(ctx)]:
        ex = ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(entity, key, scope=c.scope,
                                                                           garden_id=c.uri))
        expect_status(ex, (403,))
    expect(_query_ids(ctx, "g_admin", garden_id=c.uri, entity=entity, include_contradicted=True) == written,
           "the garden holds other facts than the two allowed writes")
    plain = ctx.assert_fact(ctx.fact(ctx.unique("plain"), scope=c.scope), key="g_reader")
    expect(plain.get("garden_id") is None, f"a fact written without garden_id carries {plain.get('garden_id')!r}")


@check("http:garden_unknown_404", requirements=("STG-SCOPE-011",), profile="gardens")
def garden_unknown_404(ctx: Context) -> None:
    """A write or a query naming a garden that does not exist is 404 garden_not_found; a garden URI of another
    authority never resolves to a local garden of that slug."""
    garden = create(ctx, scope="local")
    authority = node_authority(ctx) or str(garden["garden_id"]).split("/")[2]
    entity = ctx.unique("unknown-garden")
    missing = f"stigmem://{authority}/garden/{new_slug(ctx, 'absent')}"
    ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, scope="local", garden_id=missing))
    expect_status(ex, (404,))
    expect_status(ctx.query(garden_id=missing), (404,))
    foreign = f"stigmem://elsewhere-{ctx.run_id}.test/garden/{garden['slug']}"
    ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, scope="local", garden_id=foreign))
    expect(ex.status in (404, 422), f"a garden_id of another authority naming a local slug answered {ex.brief()}")
    expect(not _query_ids(ctx, "admin", entity=entity), "a write naming no garden of this node was stored")


@check("http:garden_read_requires_membership", requirements=("STG-SCOPE-012",), profile="gardens")
def garden_read_requires_membership(ctx: Context) -> None:
    """Every member reads a garden fact by id, by garden_id and in global queries; no one else does."""
    c = cast(ctx, "company")
    entity = ctx.unique("garden-read")
    fact = c.fact(ctx, entity, key="g_writer")["id"]
    for key in READERS:
        expect(_by_id(ctx, key, fact) == 200, f"member {key} cannot read a garden fact by id")
        expect(fact in _query_ids(ctx, key, garden_id=c.uri), f"member {key} misses it under garden_id")
        expect(fact in _query_ids(ctx, key, entity=entity), f"member {key} misses it in a global query")
    for key in _strangers(ctx):
        expect(_by_id(ctx, key, fact) == 403, f"non-member {key} reads a garden fact by id")
        expect(fact not in _query_ids(ctx, key, entity=entity), f"non-member {key} sees it in a global query")


@check("http:garden_query_nonmember_forbidden", requirements=("STG-SCOPE-013",), profile="gardens")
def garden_query_nonmember_forbidden(ctx: Context) -> None:
    """GET /v1/facts?garden_id= from a non-member is 403 garden_forbidden, with any other filter, never an empty
    page; a member gets 200."""
    c = cast(ctx, "local")
    entity = ctx.unique("garden-filter")
    c.fact(ctx, entity)
    for key in _strangers(ctx):
        for extra in ({}, {"entity": entity}, {"relation": "memory:role", "limit": 1}):
            expect_status(ctx.query(key=key, garden_id=c.uri, **extra), (403,))
    expect_status(ctx.query(key="g_reader", garden_id=c.uri), (200,))


@check("http:garden_facts_hidden_from_global_query", requirements=("STG-SCOPE-014",), profile="gardens")
def garden_facts_hidden_from_global_query(ctx: Context) -> None:
    """For an entity with a garden fact and a fact outside the garden, a non-member's query by entity, or its
    cursor walk, returns only the latter, total 1 (a member's: 2); by the garden fact's relation, nothing."""
    c = cast(ctx, "team")
    entity = ctx.unique("hidden")
    relation = f"test:hidden{ctx.run_id}{entity[-6:]}"
    hidden = c.fact(ctx, entity, "in-garden", relation=relation)["id"]
    plain = ctx.assert_fact(ctx.fact(entity, "outside", relation="test:outside", scope="team"), key="g_admin")["id"]
    for key, want in [*((k, 1) for k in _strangers(ctx)), ("g_reader", 2)]:
        ex = ctx.query(key=key, entity=entity)
        expect_status(ex, (200,))
        body = ex.json or {}
        expect(len(body.get("facts", [])) == want and body.get("total") in (want, None),
               f"{key}: {len(body.get('facts', []))} facts, total {body.get('total')}, expected {want}")
        expect(want == 2 or ids(ex) == [plain], f"{key} got {ids(ex)}, expected only {plain}")
        by_relation = ctx.query(key=key, relation=relation)
        expect_status(by_relation, (200,))
        expect(ids(by_relation) == ([hidden] if want == 2 else []) and (by_relation.json or {}).get("total") in
               (want - 1, None), f"{key}: the garden fact's relation answered {by_relation.brief()}")
        walked, cursor = [], None
        for _ in range(5):
            ex = ctx.query(key=key, entity=entity, limit=1, **({"cursor": cursor} if cursor else {}))
            expect_status(ex, (200,))
            walked += ids(ex)
            cursor = (ex.json or {}).get("cursor")
            if not cursor:
                break
        expect(len(walked) == want, f"{key}: a limit=1 walk returned {len(walked)} facts, expected {want}")


@check("http:garden_single_fact_forbidden", requirements=("STG-SCOPE-015",), profile="gardens")
def garden_single_fact_forbidden(ctx: Context) -> None:
    """GET /v1/facts/{id} of a garden fact is 403 to a non-member and the node admin, 200 to a member."""
    c = cast(ctx, "company")
    fact = c.fact(ctx, ctx.unique("by-id"))["id"]
    for key in _strangers(ctx):
        expect_status(ctx.request("GET", f"/v1/facts/{fact}", key=key), (403,))
    ex = ctx.request("GET", f"/v1/facts/{fact}", key="g_reader")
    expect(ex.status == 200 and (ex.json or {}).get("garden_id") == c.uri, f"a reader by id: {ex.brief()}")


@check("http:garden_public_scope_not_enough", requirements=("STG-SCOPE-016",), profile="gardens")
def garden_public_scope_not_enough(ctx: Context) -> None:
    """A fact of a public garden stays hidden from a non-member that reads public, on every route."""
    c = cast(ctx, "public")
    public_reader = mint(ctx, "g_public_reader", ("read",), ("public",))
    entity = ctx.unique("public-garden")
    fact = c.fact(ctx, entity)
    for key in [public_reader, *_strangers(ctx)]:
        expect(_by_id(ctx, key, fact["id"]) == 403, f"{key} reads a public garden fact by id")
        expect(_by_id(ctx, key, fact["cid"]) == 403, f"{key} reads a public garden fact by CID")
        for params in ({"entity": entity}, {"entity": entity, "scope": "public"}):
            expect(fact["id"] not in _query_ids(ctx, key, **params), f"{key} sees a public garden fact: {params}")
        expect_status(ctx.query(key=key, garden_id=c.uri), (403,))
    add_member(ctx, c.garden, member_uri(ctx, public_reader), "reader")
    expect(_by_id(ctx, public_reader, fact["id"]) == 200, "a public-only reader member cannot read the fact")


@check("http:garden_cid_routes_forbidden", requirements=("STG-SCOPE-024",), profile="gardens")
def garden_cid_routes_forbidden(ctx: Context) -> None:
    """GET /v1/facts/{cid} and POST /v1/facts/{id}/verify-cid of a garden fact are 403 to non-members; members
    get the fact and the check."""
    c = cast(ctx, "team")
    fact = c.fact(ctx, ctx.unique("by-cid"), "cid-only")
    for key in _strangers(ctx):
        expect_status(ctx.request("GET", f"/v1/facts/{fact['cid']}", key=key), (403,))
        expect_status(ctx.request("POST", f"/v1/facts/{fact['id']}/verify-cid", key=key), (403,))
    got = ctx.request("GET", f"/v1/facts/{fact['cid']}", key="g_reader")
    expect(got.status == 200 and (got.json or {}).get("id") == fact["id"], f"a reader by CID: {got.brief()}")
    verified = ctx.request("POST", f"/v1/facts/{fact['id']}/verify-cid", key="g_reader")
    expect(verified.status == 200 and (verified.json or {}).get("cid_valid") is True, f"verify-cid {verified.brief()}")


@check("http:garden_conflicts_members_only", requirements=("STG-SCOPE-025",), profile="gardens",
       interpretations={"garden_contradictions": "within-garden"})
def garden_conflicts_members_only(ctx: Context) -> None:
    """Two garden facts that contradict make a conflict carrying the garden_id that only members see; a fact
    outside the garden never pairs with one inside."""
    c = cast(ctx, "company")
    entity = ctx.unique("garden-conflict")
    a = c.fact(ctx, entity, "CEO")["id"]
    b = c.fact(ctx, entity, "CTO", key="g_writer", confidence=0.8)["id"]
    outside = ctx.assert_fact(ctx.fact(entity, "CFO", scope=c.scope), key="g_admin")["id"]
    inside = _conflicts_about(ctx, {a, b}, key="g_reader")
    expect(len(inside) == 1, f"a member sees {len(inside)} conflicts for the two contradicting garden facts")
    expect(inside[0].get("garden_id") == c.uri, f"the conflict carries garden_id {inside[0].get('garden_id')!r}")
    crossing = [x for key in ("g_reader", "g_admin") for pair in ({a, outside}, {b, outside})
                for x in _conflicts_about(ctx, pair, key=key)]
    expect(not crossing, f"a fact outside the garden was paired with a garden fact: {crossing[:1]}")
    conflict = str(inside[0].get("conflict_id"))
    for key in _strangers(ctx):
        seen = _conflicts_about(ctx, {a, b}, key=key)
        expect(not seen, f"non-member {key} sees the garden's conflict")
        leaked = _query_ids(ctx, key, entity=conflict, include_contradicted=True)
        expect(not leaked, f"non-member {key} reads the garden conflict's stigmem:conflict: facts")


@check("http:garden_retraction", requirements=("STG-SCOPE-021",), profile="gardens")
def garden_retraction(ctx: Context) -> None:
    """A confidence-0.0 assert of the triple with the same garden_id is the garden's retraction (members see it,
    others do not); one without garden_id is an ordinary fact outside the garden."""
    garden = create(ctx, scope="company")
    body = ctx.fact(ctx.unique("garden-retract"), "CEO", scope="company", garden_id=garden["garden_id"])
    original = ctx.assert_fact(body)
    retraction = ctx.assert_fact({**body, "confidence": 0.0})
    expect(retraction["id"] != original["id"] and retraction.get("garden_id") == garden["garden_id"],
           f"retraction record {retraction}")
    plain = ctx.assert_fact({**{k: v for k, v in body.items() if k != "garden_id"}, "confidence": 0.0})
    expect(plain.get("garden_id") is None, f"a retraction without garden_id was tagged: {plain}")
    held = _query_ids(ctx, "admin", garden_id=garden["garden_id"], entity=body["entity"])
    expect({original["id"], retraction["id"]} <= held and plain["id"] not in held, f"the garden holds {held}")
    if ctx.auth_required and ctx.has_admin and metadata_only(ctx):
        outsider = mint(ctx, "g_outsider")
        expect(_by_id(ctx, outsider, retraction["id"]) == 403, "a non-member reads a garden retraction by id")


@check("http:garden_membership_takes_effect", requirements=("STG-SCOPE-026",), profile="gardens")
def garden_membership_takes_effect(ctx: Context) -> None:
    """Adding, re-roling and removing a member applies to its very next request."""
    c = cast(ctx, "local")
    newcomer = mint(ctx, "g_newcomer")
    entity = ctx.unique("membership")
    fact = c.fact(ctx, entity)["id"]
    uri = member_uri(ctx, newcomer)

    def write(status: int) -> None:
        ex = ctx.request("POST", "/v1/facts", key=newcomer, json_body=ctx.fact(entity, newcomer, scope=c.scope,
                                                                                garden_id=c.uri))
        expect(ex.status == status, f"a write by the newcomer answered {ex.brief()}, expected {status}")

    expect(_by_id(ctx, newcomer, fact) == 403, "a non-member reads before joining")
    add_member(ctx, c.garden, uri, "reader")
    expect(_by_id(ctx, newcomer, fact) == 200, "a reader just added cannot read on its next request")
    write(403)
    expect_status(ctx.request("PATCH", path(c.garden, uri), key="g_admin", json_body={"role": "writer"}), (200,))
    write(201)
    expect_status(ctx.request("PATCH", path(c.garden, uri), key="g_admin", json_body={"role": "reader"}), (200,))
    write(403)
    expect_status(ctx.request("DELETE", path(c.garden, uri), key="g_admin"), (204,))
    expect(_by_id(ctx, newcomer, fact) == 403, "a removed member still reads by id")
    expect(fact not in _query_ids(ctx, newcomer, entity=entity), "a removed member still sees the fact in a query")
    expect_status(ctx.query(key=newcomer, garden_id=c.uri), (403,))


def _orphaned(ctx: Context) -> tuple[Cast, str, str]:
    c = cast(ctx, "public")
    entity = ctx.unique("orphan")
    fact = c.fact(ctx, entity, key="g_writer")["id"]
    expect_status(ctx.request("DELETE", path(c.garden), key="g_admin"), (204,))
    return c, entity, fact


@check("http:garden_delete_keeps_facts", requirements=("STG-SCOPE-020",), profile="gardens")
def garden_delete_keeps_facts(ctx: Context) -> None:
    """Deleting a garden keeps its facts: the node admin still reads them, garden_id unchanged."""
    garden = create(ctx, scope="team")
    fact = ctx.assert_fact(ctx.fact(ctx.unique("kept"), scope="team", garden_id=garden["garden_id"]))
    expect_status(ctx.request("DELETE", path(garden)), (204,))
    ex = ctx.request("GET", f"/v1/facts/{fact['id']}")
    if not (ctx.auth_required and ctx.has_admin):  # anon holds no admin permission: hidden (403) is not gone (404)
        expect(ex.status in (200, 403), f"a deleted garden's fact answers {ex.brief()}: the fact is gone")
        return
    expect(ex.status == 200 and (ex.json or {}).get("garden_id") == garden["garden_id"],
           f"the node admin reads a deleted garden's fact as {ex.brief()}")
    expect_status(ctx.request("GET", f"/v1/facts/{fact['cid']}"), (200,))


@check("http:garden_orphans_fail_closed", requirements=("STG-SCOPE-027",), profile="gardens",
       interpretations={"garden_orphans": "fail-closed"})
def garden_orphans_fail_closed(ctx: Context) -> None:
    """After a delete, the former members, the creator and everyone else lose its facts on every route (403 by
    id, out of queries and totals); only the node admin reads them; garden_id= is 404."""
    c, entity, fact = _orphaned(ctx)
    for key in ("g_admin", "g_writer", "g_reader", "g_outsider"):
        expect(_by_id(ctx, key, fact) == 403, f"{key} reads an orphaned garden fact by id")
        ex = ctx.query(key=key, entity=entity)
        expect(not ids(ex) and (ex.json or {}).get("total") in (0, None), f"{key} query: {ex.brief()}")
        expect_status(ctx.query(key=key, garden_id=c.uri), (404,))
    ctx.need_admin()
    expect(_by_id(ctx, "admin", fact) == 200, "the node admin cannot read an orphaned garden fact")
    expect(fact in _query_ids(ctx, "admin", entity=entity), "the node admin's query misses an orphaned fact")
