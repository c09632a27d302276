"""Memory Gardens at the boundary of the contradiction key and of a batch (Spec-15 with interpretation
garden_contradictions; Spec-14 batch assert).

Written after blind round 7, whose survivors these are: a garden fact paired with the triple's fact outside the
garden when the outside fact came first, a default query ranking a triple across the garden boundary, and a batch
refusal that names the wrong item for a garden write (STG-SCOPE-025, STG-BATCH-002); a garden fact outside the
reader's scopes answered 403 instead of 404 (STG-SCOPE-004); a deleted garden's fact read by CID
(STG-SCOPE-027); a garden conflict resolved by a reader, or its existence told to a non-member (STG-SCOPE-025);
a first batch item refused otherwise than a later one; a garden walk's total carried by its cursor to a query
without the garden filter (STG-HTTP-013); a member route's {entity_uri} taken as sent (STG-SCOPE-017).
"""

from __future__ import annotations

from conformance.checks.contradictions import _conflicts_about
from conformance.checks.gardens import add_member, cast, member_uri, mint, path, roster
from conformance.checks.registry import Context, check, expect, expect_status, ids


@check("http:garden_contradiction_boundary", requirements=("STG-SCOPE-025", "STG-QRY-012"), profile="gardens",
       interpretations={"garden_contradictions": "within-garden", "default_query": "seed-resolution"})
def garden_contradiction_boundary(ctx: Context) -> None:
    """A garden fact written after a contradicting fact outside the garden is not paired with it; and a triple's
    conflict outside the garden keeps its winner for a non-member even when a higher-ranked contradicted garden
    fact of the same triple exists (each side resolves among the facts it can see)."""
    c = cast(ctx, "company")
    entity = ctx.unique("garden-boundary")
    low = ctx.assert_fact(ctx.fact(entity, "CFO", scope=c.scope, confidence=0.5), key="g_outsider")["id"]
    high = ctx.assert_fact(ctx.fact(entity, "COO", scope=c.scope, confidence=0.6), key="g_outsider")["id"]
    inside = c.fact(ctx, entity, "CEO", confidence=0.9)["id"]
    second = c.fact(ctx, entity, "CTO", confidence=0.8)["id"]
    for outside in (low, high):
        paired = [x for key in ("g_admin", "g_outsider") for x in _conflicts_about(ctx, {inside, outside}, key=key)]
        expect(not paired, f"the garden fact {inside} was paired with {outside}, a fact outside its garden")
    expect(len(_conflicts_about(ctx, {low, high}, key="g_outsider")) == 1,
           "the two contradicting facts outside the garden recorded no conflict")
    seen = ids(ctx.query(key="g_outsider", entity=entity))
    expect(high in seen and low not in seen,
           f"a non-member's default query shows {seen}: expected the winner {high} of the facts it can see")
    member = ids(ctx.query(key="g_reader", entity=entity))
    expect(inside in member and second not in member and high in member,
           f"a member's default query shows {member}: expected each side's winner, {inside} and {high}")


@check("http:garden_batch_item_index", requirements=("STG-SCOPE-010", "STG-BATCH-002"), profile="gardens")
def garden_batch_item_index(ctx: Context) -> None:
    """A batch whose garden write a reader may not make fails at that item's index, first item or last, and writes
    nothing."""
    c = cast(ctx, "local")
    statuses: list[int] = []
    for position in (0, 1):
        entity = ctx.unique("garden-batch")
        refused = ctx.fact(entity, "no", garden_id=c.uri, relation="memory:refused")
        fine = ctx.fact(entity, "yes", relation="memory:fine")
        items = [refused, fine] if position == 0 else [fine, refused]
        ex = ctx.request("POST", "/v1/facts:batch", key="g_reader", json_body={"facts": items})
        expect_status(ex, (403, 422))
        statuses.append(ex.status)
        body = ex.json if isinstance(ex.json, dict) else {}
        if ex.status == 422:
            expect(body.get("failed_at_index") == position,
                   f"the reader's garden write at index {position} failed at {body.get('failed_at_index')!r}")
        expect(not ids(ctx.query(key="g_admin", entity=entity)), "a refused batch wrote some of its facts")
    # Either reading (403 for the whole request, 422 naming the item) is the same wherever the item stands.
    expect(statuses[0] == statuses[1],
           f"the same refused garden write answered {statuses[0]} as the first item and {statuses[1]} as the second")


@check("http:garden_scope_before_garden", requirements=("STG-SCOPE-004", "STG-SCOPE-015", "STG-SCOPE-024"),
       profile="gardens")
def garden_scope_before_garden(ctx: Context) -> None:
    """Scope enforcement comes before the garden ACL: a key that may not read the garden's scope gets 404 for its
    fact by id and by CID, as for a missing fact, never the 403 that would confirm it exists; a member or not."""
    c = cast(ctx, "company")
    member, stranger = mint(ctx, "g_narrow", scopes=("local",)), mint(ctx, "g_narrow_out", scopes=("local",))
    add_member(ctx, c.garden, member_uri(ctx, member), "reader")
    fact = c.fact(ctx, ctx.unique("garden-scope-first"))
    for key in (member, stranger):
        for ref in (fact["id"], fact["cid"]):
            expect_status(ctx.request("GET", f"/v1/facts/{ref}", key=key), (404,))


@check("http:garden_orphans_by_cid", requirements=("STG-SCOPE-027", "STG-SCOPE-024"), profile="gardens",
       interpretations={"garden_orphans": "fail-closed"})
def garden_orphans_by_cid(ctx: Context) -> None:
    """A deleted garden's fact is withheld from its former members by CID as by id (403 or 404), and a node
    admin still reads it both ways."""
    c = cast(ctx, "local")
    fact = c.fact(ctx, ctx.unique("garden-orphan-cid"))
    expect_status(ctx.request("DELETE", path(c.garden), key="g_admin"), (204,))
    for ref in (fact["id"], fact["cid"]):
        for key in ("g_admin", "g_reader"):
            expect(ctx.request("GET", f"/v1/facts/{ref}", key=key).status in (403, 404),
                   f"former member {key} reads the deleted garden's fact by {ref}")
        expect_status(ctx.request("GET", f"/v1/facts/{ref}"), (200,))


@check("http:garden_conflict_resolution_roles", requirements=("STG-SCOPE-025", "STG-SCOPE-010"), profile="gardens",
       interpretations={"garden_contradictions": "within-garden"})
def garden_conflict_resolution_roles(ctx: Context) -> None:
    """A garden's conflict is resolved by its writers: a reader is refused (403), a non-member is answered as for
    a conflict that does not exist (404), a writer resolves it (200), and the resolution is a fact of the garden."""
    c = cast(ctx, "local")
    entity = ctx.unique("garden-resolve")
    a = c.fact(ctx, entity, "CEO")["id"]
    b = c.fact(ctx, entity, "CTO", key="g_writer", confidence=0.8)["id"]
    [conflict] = _conflicts_about(ctx, {a, b}, key="g_writer")
    route = f"/v1/conflicts/{conflict['conflict_id']}/resolve"
    body = {"winning_fact_id": a}
    expect_status(ctx.request("POST", route, key="g_reader", json_body=body), (403,))
    expect_status(ctx.request("POST", route, key="g_outsider", json_body=body), (404,))
    expect_status(ctx.request("POST", route, key="g_writer", json_body=body), (200,))
    # the resolution stays in the garden: a non-member reads nothing of the triple, a member reads the resolution
    expect(not ids(ctx.query(key="g_outsider", entity=entity)), "a non-member reads the garden conflict's resolution")
    resolved = [f for f in (ctx.query(key="g_reader", entity=entity).json or {}).get("facts", [])
                if f.get("id") not in (a, b)]
    expect(bool(resolved) and all(f.get("garden_id") == c.uri for f in resolved),
           f"the resolution of a garden conflict is not a fact of the garden: {resolved}")


@check("http:garden_cursor_total_follows_filter", requirements=("STG-HTTP-013", "STG-SCOPE-024"), profile="gardens")
def garden_cursor_total_follows_filter(ctx: Context) -> None:
    """A cursor from a garden_id= walk, sent without the garden filter, is counted afresh: total is every fact of
    the entity the caller sees (3 in the garden, 2 outside), not the garden walk's 3 (or the cursor is refused)."""
    c = cast(ctx, "local")
    entity = ctx.unique("garden-total")
    for i in range(3):
        c.fact(ctx, entity, f"in{i}", relation=f"memory:g{i}")
    for i in range(2):
        ctx.assert_fact(ctx.fact(entity, f"out{i}", relation=f"memory:o{i}", scope=c.scope), key="g_admin")
    first = ctx.query(key="g_admin", entity=entity, garden_id=c.uri, limit="1").json or {}
    expect(first.get("total") == 3 and isinstance(first.get("cursor"), str), f"a garden walk's first page: {first}")
    wider = ctx.query(key="g_admin", entity=entity, limit="1", cursor=first["cursor"])
    if wider.status in (400, 422):
        return  # refusing a cursor issued for other filters is as good
    expect_status(wider, (200,))
    total = (wider.json or {}).get("total")
    expect(total == 5, f"a garden walk's cursor sent without garden_id answered total {total!r}, not 5")


@check("http:garden_member_path_normalized", requirements=("STG-SCOPE-017",), profile="gardens")
def garden_member_path_normalized(ctx: Context) -> None:
    """The {entity_uri} of a member route is an entity URI like any other: a member added as
    stigmem://conformance.test/... is changed and removed through the same URI with its authority in upper case."""
    c = cast(ctx, "local")
    extra = f"stigmem://conformance.test/agent/extra-{ctx.run_id}"
    add_member(ctx, c.garden, extra, "reader")
    shouted = extra.replace("conformance.test", "CONFORMANCE.Test")
    changed = ctx.request("PATCH", path(c.garden, shouted), key="g_admin", json_body={"role": "writer"})
    expect_status(changed, (200,))
    removed = ctx.request("DELETE", path(c.garden, shouted), key="g_admin")
    expect_status(removed, (200, 204))
    expect(extra not in roster(ctx, c.garden), f"{extra} is still a member after its removal as {shouted}")
