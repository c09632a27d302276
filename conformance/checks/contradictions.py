"""Contradictions and conflicts over HTTP (Spec-15; Spec-03 Conflict Operations; A08 §3.3, §5.9-§5.10, §6.5)."""

from __future__ import annotations

from typing import Any

from conformance.checks.registry import Context, check, expect, expect_error, expect_status, ids


def _pair(ctx: Context, conf_b: float = 0.8) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    body = ctx.fact(ctx.unique("conflict"), "CEO", scope="company")
    a = ctx.assert_fact(body)
    b = ctx.assert_fact({**body, "value": {"type": "string", "v": "CTO"}, "confidence": conf_b})
    return body, a, b


def _conflicts_about(ctx: Context, fact_ids: set[str], status: str = "unresolved", key: str = "admin"
                     ) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        params = {"status": status, "limit": "500", **({"cursor": cursor} if cursor else {})}
        ex = ctx.request("GET", "/v1/conflicts", key=key, params=params)
        expect_status(ex, (200,))
        body = ex.json or {}
        for c in body.get("conflicts", []):
            pair = {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")}
            if pair <= fact_ids:
                found.append(c)
        cursor = body.get("cursor")
        if not body.get("has_more") or not cursor:
            break
    return found


@check("http:contradiction_keeps_both", requirements=("STG-CONF-002",))
def contradiction_keeps_both(ctx: Context) -> None:
    """Both contradicting facts stay readable by id."""
    _, a, b = _pair(ctx)
    for f in (a, b):
        expect_status(ctx.request("GET", f"/v1/facts/{f['id']}"), (200,))


@check("http:conflict_recorded", requirements=("STG-CONF-004", "STG-CONF-016"))
def conflict_recorded(ctx: Context) -> None:
    """A contradiction records one conflict: between holds both ids, status the string unresolved, system source."""
    body, a, b = _pair(ctx)
    conflicts = _conflicts_about(ctx, {a["id"], b["id"]})
    expect(len(conflicts) == 1, f"expected exactly one conflict for the pair, found {len(conflicts)}")
    cid = conflicts[0].get("conflict_id", "")
    expect(str(cid).startswith("stigmem:conflict:"), f"conflict id {cid!r}")
    between = ctx.query(entity=cid, relation="stigmem:conflict:between", include_contradicted=True).json or {}
    facts = between.get("facts", [])
    expect(len(facts) == 1, f"expected one stigmem:conflict:between fact, got {len(facts)}")
    expect(sorted(str(facts[0]["value"].get("v", "")).split(" ")) == sorted([a["id"], b["id"]]),
           f"between value {facts[0]['value']!r}")
    expect(facts[0].get("source") == "system:stigmem" and facts[0].get("scope") == body["scope"],
           f"conflict fact source/scope {facts[0].get('source')}/{facts[0].get('scope')}")
    status = ctx.query(entity=cid, relation="stigmem:conflict:status", include_contradicted=True).json or {}
    values = [(f["value"].get("type"), f["value"].get("v")) for f in status.get("facts", [])]
    expect(values == [("string", "unresolved")], f"conflict status facts (type, v) {values}, expected one string "
                                                 "\"unresolved\"")


@check("http:conflict_list", requirements=("STG-CONF-008", "STG-HTTP-014"))
def conflict_list(ctx: Context) -> None:
    """GET /v1/conflicts?status=unresolved lists the pair with its facts and detected_at (status=resolved does
    not); with limit=1 it pages through {conflicts, cursor, has_more}."""
    _, a, b = _pair(ctx)
    conflicts = _conflicts_about(ctx, {a["id"], b["id"]})
    expect(len(conflicts) == 1, f"conflict not listed once: {len(conflicts)}")
    c = conflicts[0]
    expect(c.get("status") == "unresolved" and c.get("resolved_by") is None and c.get("detected_at"),
           f"conflict record {c}")
    expect(not _conflicts_about(ctx, {a["id"], b["id"]}, status="resolved"),
           "status=resolved lists a conflict that is unresolved")
    # STG-HTTP-014 paging: with a second unresolved conflict, limit=1 must page with has_more and a cursor.
    _pair(ctx)
    pages: list[list[str]] = []
    cursor = None
    for _ in range(2):
        params = {"status": "unresolved", "limit": "1", **({"cursor": cursor} if cursor else {})}
        ex = ctx.request("GET", "/v1/conflicts", params=params)
        expect_status(ex, (200,))
        body = ex.json if isinstance(ex.json, dict) else {}
        expect({"conflicts", "cursor", "has_more"} <= set(body), f"conflict page lacks members: {ex.brief()}")
        page = [str(x.get("conflict_id")) for x in body.get("conflicts") or []]
        cursor = body.get("cursor")
        expect(len(page) == 1 and body.get("has_more") is (cursor is not None), f"limit=1 page: {ex.brief()}")
        pages.append(page)
        if not pages[1:]:
            expect(isinstance(cursor, str) and bool(cursor) and body.get("has_more") is True,
                   f"first limit=1 page of two or more unresolved conflicts has no cursor: {ex.brief()}")
    expect(pages[0] != pages[1], f"following the conflict cursor repeated the page: {pages}")


@check("http:default_excludes_contradicted", requirements=("STG-QRY-008",))
def default_excludes_contradicted(ctx: Context) -> None:
    """A default query leaves out the losing fact of an unresolved contradiction (both of them under
    default_query s15-history or upstream); total agrees."""
    body, a, _b = _pair(ctx)
    other = ctx.assert_fact(ctx.fact(body["entity"], "x", relation="memory:other"))
    ex = ctx.query(entity=body["entity"])
    got = ids(ex)
    want = [other["id"]]
    if ctx.interpretations.get("default_query", "seed-resolution") == "seed-resolution":
        want = [other["id"], a["id"]]  # newest first; the winner a is older than other
    expect(got == want, f"default query returned {got}, expected {want}")
    expect((ex.json or {}).get("total") == len(want), f"total {(ex.json or {}).get('total')} for {len(want)} facts")


@check("http:include_contradicted", requirements=("STG-CONF-011",))
def include_contradicted(ctx: Context) -> None:
    """include_contradicted=true returns both facts flagged contradicted: true; a lone fact is false."""
    body, a, b = _pair(ctx)
    lone = ctx.assert_fact(ctx.fact(body["entity"], "x", relation="memory:other"))
    facts = (ctx.query(entity=body["entity"], include_contradicted=True).json or {}).get("facts", [])
    flags = {f["id"]: f.get("contradicted") for f in facts}
    expect(flags.get(a["id"]) is True and flags.get(b["id"]) is True, f"flags {flags}")
    expect(flags.get(lone["id"]) is False, f"uncontradicted fact flagged {flags.get(lone['id'])!r}")
    single = ctx.request("GET", f"/v1/facts/{a['id']}").json or {}
    expect(single.get("contradicted") is True, "single-fact read does not flag the contradiction")


@check("http:conflict_resolve", requirements=("STG-CONF-006", "STG-CONF-008"))
def conflict_resolve(ctx: Context) -> None:
    """Resolving writes a new fact on the triple and marks the conflict resolved; originals unchanged."""
    body, a, b = _pair(ctx)
    conflict = _conflicts_about(ctx, {a["id"], b["id"]})[0]
    ex = ctx.request("POST", f"/v1/conflicts/{conflict['conflict_id']}/resolve",
                     json_body={"winning_fact_id": a["id"], "resolution_note": "board minutes"})
    expect_status(ex, (200,))
    result = ex.json or {}
    expect(result.get("conflict_status") == "resolved" and result.get("resolution_fact_id"), f"resolve: {result}")
    resolution = ctx.request("GET", f"/v1/facts/{result['resolution_fact_id']}").json or {}
    if ctx.interpretations.get("conflict_resolution") == "upstream":
        expect(str(resolution.get("entity", "")).startswith("stigmem:resolution:")
               and resolution.get("value", {}).get("v") == a["value"]["v"], f"resolution fact {resolution}")
    else:
        expect(resolution.get("entity") == body["entity"] and resolution.get("relation") == body["relation"]
               and resolution.get("value") == a["value"], f"resolution fact {resolution}")
    resolved = _conflicts_about(ctx, {a["id"], b["id"]}, status="resolved")
    expect(len(resolved) == 1 and resolved[0].get("resolved_by") == result["resolution_fact_id"],
           f"resolved conflict {resolved}")
    for f in (a, b):
        again = ctx.request("GET", f"/v1/facts/{f['id']}").json or {}
        expect(again.get("value") == f["value"] and again.get("cid") == f["cid"], "an original fact changed")


@check("http:resolution_no_new_conflict", requirements=("STG-CONF-015",))
def resolution_no_new_conflict(ctx: Context) -> None:
    """The resolution fact starts no new conflict, and the resolved winner is visible by default."""
    body, a, b = _pair(ctx)
    conflict = _conflicts_about(ctx, {a["id"], b["id"]})[0]
    result = ctx.request("POST", f"/v1/conflicts/{conflict['conflict_id']}/resolve",
                         json_body={"winning_fact_id": a["id"], "resolution_note": "n"}).json or {}
    rid = result.get("resolution_fact_id", "")
    expect(not _conflicts_about(ctx, {rid, a["id"], b["id"]} - {None}), "the resolution created a new conflict")
    entity = body["entity"]
    if ctx.interpretations.get("conflict_resolution") == "upstream":
        entity = (ctx.request("GET", f"/v1/facts/{rid}").json or {}).get("entity", entity)
    expect(rid in ids(ctx.query(entity=entity)), "the resolution fact is hidden from a default query")


@check("http:conflict_resolve_twice_409", requirements=("STG-CONF-013",))
def conflict_resolve_twice(ctx: Context) -> None:
    """Resolving a resolved conflict is 409."""
    _, a, b = _pair(ctx)
    path = f"/v1/conflicts/{_conflicts_about(ctx, {a['id'], b['id']})[0]['conflict_id']}/resolve"
    expect_status(ctx.request("POST", path, json_body={"winning_fact_id": a["id"]}), (200,))
    expect_error(ctx.request("POST", path, json_body={"winning_fact_id": b["id"]}), (409,), None)


@check("http:conflict_resolve_bad_winner_422", requirements=("STG-CONF-014",))
def conflict_resolve_bad_winner(ctx: Context) -> None:
    """A winner outside the pair, neither winner nor new value, or both at once, is 422; the conflict stays
    unresolved."""
    _, a, b = _pair(ctx)
    outsider = ctx.assert_fact(ctx.fact(ctx.unique("outsider")))
    path = f"/v1/conflicts/{_conflicts_about(ctx, {a['id'], b['id']})[0]['conflict_id']}/resolve"
    expect_error(ctx.request("POST", path, json_body={"winning_fact_id": outsider["id"]}), (422,), None)
    expect_error(ctx.request("POST", path, json_body={"winning_fact_id": None}), (422,), None)
    expect(len(_conflicts_about(ctx, {a["id"], b["id"]})) == 1, "a refused resolution changed the conflict")
    both = {"winning_fact_id": a["id"], "new_value": {"type": "string", "v": "COO"}}  # exactly one of the two
    expect_error(ctx.request("POST", path, json_body=both), (422,), None)
    expect(len(_conflicts_about(ctx, {a["id"], b["id"]})) == 1, "a resolution naming both a winner and a new value "
           "changed the conflict")


@check("http:conflict_resolve_unknown_404", requirements=("STG-CONF-012",))
def conflict_resolve_unknown(ctx: Context) -> None:
    """Resolving an unknown conflict is 404."""
    ex = ctx.request("POST", "/v1/conflicts/stigmem:conflict:00000000-0000-4000-8000-000000000000/resolve",
                     json_body={"winning_fact_id": None, "new_value": {"type": "string", "v": "x"}})
    expect_status(ex, (404,))


@check("http:conflict_list_scope_filtered", requirements=("STG-SCOPE-007",), needs=("reader_local",))
def conflict_list_scope_filtered(ctx: Context) -> None:
    """A key that cannot read a scope does not see that scope's conflicts."""
    ctx.need_key("reader_local")
    _, a, b = _pair(ctx)
    ex = ctx.request("GET", "/v1/conflicts", key="reader_local", params={"status": "unresolved", "limit": "500"})
    expect_status(ex, (200,))
    leaked = [c for c in (ex.json or {}).get("conflicts", [])
              if {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")} & {a["id"], b["id"]}]
    expect(not leaked, "a local-only key saw a company conflict")


@check("http:equal_value_not_contradiction", requirements=("STG-CONF-001", "STG-CONF-010"))
def equal_value_not_contradiction(ctx: Context) -> None:
    """Re-asserting an equal value from another source, or retracting, records no conflict (contradiction_rule)."""
    body = ctx.fact(ctx.unique("equal"), "CEO", scope="company")
    a = ctx.assert_fact(body)
    b = ctx.assert_fact({**body, "source": "stigmem://conformance.test/agent/second-opinion", "confidence": 0.7})
    c = ctx.assert_fact({**body, "confidence": 0.0})
    if ctx.interpretations.get("contradiction_rule") == "upstream":
        return
    expect(not _conflicts_about(ctx, {a["id"], b["id"], c["id"]}), "equal values or a retraction made a conflict")
    flags = {f["id"]: f.get("contradicted") for f in
             (ctx.query(entity=body["entity"], include_contradicted=True).json or {}).get("facts", [])}
    expect(not any(flags.values()), f"facts flagged contradicted: {flags}")


@check("http:contradicted_flag_stable", requirements=("STG-CONF-011", "STG-CONF-005"))
def contradicted_flag_stable(ctx: Context) -> None:
    """The contradicted flag is a property of the fact, not of the page: limit=1 pages flag it too."""
    body, a, b = _pair(ctx)
    seen: dict[str, object] = {}
    cursor = None
    for _ in range(4):
        params = {"entity": body["entity"], "include_contradicted": True, "limit": "1",
                  **({"cursor": cursor} if cursor else {})}
        page = ctx.query(**params).json or {}
        for f in page.get("facts", []):
            seen[f["id"]] = f.get("contradicted")
        cursor = page.get("cursor")
        if not cursor:
            break
    expect(seen.get(a["id"]) is True and seen.get(b["id"]) is True, f"flags on one-row pages: {seen}")


@check("http:conflict_between_matches_pair", requirements=("STG-CONF-004",))
def conflict_between_matches_pair(ctx: Context) -> None:
    """The between fact reads "<fact_a> <fact_b>" in the order the conflict listing gives the pair."""
    _, a, b = _pair(ctx)
    conflicts = _conflicts_about(ctx, {a["id"], b["id"]})
    expect(len(conflicts) == 1, f"expected exactly one conflict for the pair, found {len(conflicts)}")
    c = conflicts[0]
    want = f"{(c.get('fact_a') or {}).get('id')} {(c.get('fact_b') or {}).get('id')}"
    between = ctx.query(entity=c.get("conflict_id", ""), relation="stigmem:conflict:between",
                        include_contradicted=True).json or {}
    values = [f.get("value", {}).get("v") for f in between.get("facts", [])]
    expect(values == [want], f"between values {values}, expected [{want!r}] (fact_a then fact_b)")


@check("http:resolution_records", requirements=("STG-CONF-006", "STG-CONF-004"))
def resolution_records(ctx: Context) -> None:
    """Resolving writes a stigmem:resolves meta-fact naming the conflict and a new status fact "resolved"."""
    _, a, b = _pair(ctx)
    conflict_id = _conflicts_about(ctx, {a["id"], b["id"]})[0]["conflict_id"]
    ex = ctx.request("POST", f"/v1/conflicts/{conflict_id}/resolve", json_body={"winning_fact_id": a["id"]})
    expect_status(ex, (200,))
    rid = (ex.json or {}).get("resolution_fact_id", "")
    status = ctx.query(entity=conflict_id, relation="stigmem:conflict:status", include_contradicted=True).json or {}
    values = sorted(str(f.get("value", {}).get("v")) for f in status.get("facts", []))
    expect(values == ["resolved", "unresolved"], f"conflict status facts after resolving: {values}")
    if ctx.interpretations.get("conflict_resolution", "a08") != "a08":
        return
    resolves = ctx.query(entity=f"stigmem:fact:{rid}", relation="stigmem:resolves",
                         include_contradicted=True).json or {}
    refs = [f.get("value", {}).get("v") for f in resolves.get("facts", [])]
    expect(refs == [conflict_id], f"stigmem:resolves facts about the resolution fact: {refs}, expected "
                                  f"[{conflict_id!r}]")


@check("http:resolved_pair_not_contradicted", requirements=("STG-CONF-011", "STG-QRY-008"))
def resolved_pair_not_contradicted(ctx: Context) -> None:
    """Once its conflict is resolved, neither fact of the pair is flagged contradicted any more."""
    body, a, b = _pair(ctx)
    conflict_id = _conflicts_about(ctx, {a["id"], b["id"]})[0]["conflict_id"]
    expect_status(ctx.request("POST", f"/v1/conflicts/{conflict_id}/resolve",
                              json_body={"winning_fact_id": a["id"]}), (200,))
    for f in (a, b):
        single = ctx.request("GET", f"/v1/facts/{f['id']}").json or {}
        expect(single.get("contradicted") is False, f"{f['id']} still flagged {single.get('contradicted')!r}")
    flags = {f["id"]: f.get("contradicted") for f in
             (ctx.query(entity=body["entity"], include_contradicted=True).json or {}).get("facts", [])}
    expect(flags.get(a["id"]) is False and flags.get(b["id"]) is False, f"flags after resolution: {flags}")


@check("http:conflict_cardinality", ("STG-CONF-018",))
def conflict_cardinality(ctx: Context) -> None:
    """Four differing facts on one triple, winner first: 3 conflicts, all with the winner (conflict_cardinality
    winner, bounded per write), or 6 under pairwise."""
    body = ctx.fact(ctx.unique("cardinality"), "CEO", scope="company")
    written = [ctx.assert_fact({**body, "value": {"type": "string", "v": v}, "confidence": c})
               for v, c in (("CEO", 1.0), ("CTO", 0.8), ("CFO", 0.6), ("COO", 0.4))]
    found = _conflicts_about(ctx, {f["id"] for f in written})
    pairs = sorted(sorted(((c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id"))) for c in found)
    if ctx.interpretations.get("conflict_cardinality", "winner") == "pairwise":
        expect(len(pairs) == 6, f"pairwise: expected 6 conflicts for 4 differing facts, got {len(pairs)}")
        return
    winner = written[0]["id"]
    expect(len(pairs) == 3 and all(winner in pair for pair in pairs),
           f"winner pairing: expected 3 conflicts, each with the winner {winner}, got {len(pairs)}: {pairs}")


@check("http:resolution_per_scope", ("STG-QRY-012", "STG-CONF-001", "STG-CONF-005"),
       interpretations={"default_query": "seed-resolution"})
def resolution_per_scope(ctx: Context) -> None:
    """One entity and relation contradicted in two scopes: each scope keeps its own winner in a default query.

    The near miss of a triple: the company winner (confidence 1.0) outranks the public one (0.9) on confidence,
    but they are not siblings, so neither may hide the other; each scope's loser stays out.
    """
    entity = ctx.unique("scopes")
    written = {}
    for name, value, confidence, scope in (("a", "CEO", 1.0, "company"), ("b", "CTO", 0.8, "company"),
                                           ("c", "CFO", 0.9, "public"), ("d", "COO", 0.5, "public")):
        written[name] = ctx.assert_fact(ctx.fact(entity, value, scope=scope, confidence=confidence))["id"]
    got = set(ids(ctx.query(entity=entity, limit="50")))
    want = {written["a"], written["c"]}
    expect(got == want, f"default query over two contradicted scopes returned {sorted(got)}, expected the two "
           f"winners {sorted(want)} (a company, c public)")


@check("http:expired_sibling_not_paired", ("STG-CONF-018", "STG-EXP-001", "STG-CONF-001"))
def expired_sibling_not_paired(ctx: Context) -> None:
    """An expired fact of a triple is no sibling: a new differing fact is paired with the live facts only.

    The triple holds an expired fact that would win on confidence (1.0), then a live one (0.8); a third differing
    fact (0.6) makes one conflict, with the live fact, and none ever names the expired one.
    """
    body = ctx.fact(ctx.unique("expired-sibling"), "CEO", scope="company")
    gone = ctx.assert_fact({**body, "valid_until": "2001-01-01T00:00:00Z"})
    live = ctx.assert_fact({**body, "value": {"type": "string", "v": "CTO"}, "confidence": 0.8})
    new = ctx.assert_fact({**body, "value": {"type": "string", "v": "CFO"}, "confidence": 0.6})
    found = _conflicts_about(ctx, {gone["id"], live["id"], new["id"]})
    pairs = sorted(sorted(((c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id"))) for c in found)
    expect(pairs == [sorted((live["id"], new["id"]))],
           f"conflicts {pairs}; expected one, between the live {live['id']} and the new {new['id']}, none with the "
           f"expired {gone['id']}")


@check("http:conflict_resolve_guarded", ("STG-CONF-006", "STG-SCOPE-001", "STG-AUTH-001"),
       needs=("reader_all", "writer_local"))
def conflict_resolve_guarded(ctx: Context) -> None:
    """Resolving is a write in the conflict's scope: read alone is 403, write for another scope finds nothing
    (403 or 404), and a writer of that scope resolves with its own entity as the resolution fact's source."""
    ctx.need_key("reader_all")
    ctx.need_key("writer_local")
    _, a, b = _pair(ctx)
    path = f"/v1/conflicts/{_conflicts_about(ctx, {a['id'], b['id']})[0]['conflict_id']}/resolve"
    choice = {"winning_fact_id": a["id"]}
    expect_status(ctx.request("POST", path, key="reader_all", json_body=choice), (403,))
    expect_status(ctx.request("POST", path, key="writer_local", json_body=choice), (403, 404))
    writer = ctx.mint_key("writer_company", ["read", "write"], ["company"])
    ex = ctx.request("POST", path, key=writer, json_body=choice)
    expect_status(ex, (200,))
    if ctx.interpretations.get("conflict_resolution", "a08") != "a08":
        return
    resolution = ctx.request("GET", f"/v1/facts/{(ex.json or {}).get('resolution_fact_id')}").json or {}
    want = f"stigmem://conformance.test/agent/writer_company-{ctx.run_id}"
    expect(resolution.get("source") == want, f"resolution fact source {resolution.get('source')!r}, expected the "
           f"resolving key's entity {want!r}")
