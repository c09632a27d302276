"""Visibility properties of gardens over every read route, for callers of different scopes and roles
(Spec-02 §Read Access, §Relationship To Scope: visibility soundness and monotonic narrowing).

STG-SCOPE-030, STG-SCOPE-031. Each check mints five keys of its own (all scopes with an admin, a reader and no
role; public only; local and company); they and the node admin read facts of three gardens (company, public,
local) and of each scope outside any garden, through a cursor walk, by id, by CID, verify-cid and the garden_id
filter. The last-admin invariant is in ``gardens``; conflicts in ``gardens_acl``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from conformance.checks.gardens import SCOPES, add_member, create, member_uri, metadata_only, mint
from conformance.checks.registry import Context, check, expect, expect_status

MAX_WALK = 30


@dataclass(frozen=True)
class Caller:
    key: str
    scopes: frozenset[str]
    gardens: frozenset[str]  # URIs of the gardens it is a member of

    def may_read(self, scope: str, garden: str | None) -> bool:
        return scope in self.scopes and (garden is None or garden in self.gardens)


# name -> (permissions, scopes, the gardens (by scope) it joins: as their creator and admin, else as reader)
_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "admin": (("read", "write"), tuple(SCOPES), ("company", "public", "local")),
    "reader": (("read", "write"), tuple(SCOPES), ("company",)),
    "outsider": (("read", "write"), tuple(SCOPES), ()),
    "public": (("read",), ("public",), ("company", "public")),
    "narrow": (("read",), ("local", "company"), ("public", "local")),
}


def _world(ctx: Context, prefix: str) -> tuple[dict[str, str], list[Caller]]:
    """Three gardens created by {prefix}admin, keyed by scope, and the callers with their memberships (keys of
    their own per check, so no caller belongs to a garden the check does not know)."""
    for name, (permissions, scopes, _) in _KEYS.items():
        mint(ctx, prefix + name, permissions, scopes)
    creator = prefix + "admin"
    gardens = {scope: create(ctx, creator, scope) for scope in ("company", "public", "local")}
    callers = []
    for name, (_, scopes, joins) in _KEYS.items():
        for scope in joins:
            if name != "admin":
                add_member(ctx, gardens[scope], member_uri(ctx, prefix + name), "reader", key=creator)
        # a garden is named by its URI; its record id too, so a node storing that in facts is judged on visibility
        # here (the URI form of a fact's garden_id is checked by http:garden_scope_mismatch_rejected)
        named = {str(gardens[s][field]) for s in joins for field in ("garden_id", "id")}
        callers.append(Caller(prefix + name, frozenset(scopes), frozenset(named)))
    if ctx.has_admin and metadata_only(ctx):
        callers.append(Caller("admin", frozenset(SCOPES), frozenset()))
    return {scope: str(g["garden_id"]) for scope, g in gardens.items()}, callers


def _sound(caller: Caller, record: Any, where: str) -> None:
    """A record a route returned lies in the caller's scopes and gardens."""
    expect(isinstance(record, dict), f"{caller.key} {where}: not a fact record: {record!r}")
    garden = record.get("garden_id")
    expect(caller.may_read(str(record.get("scope")), garden),
           f"{caller.key} (scopes {sorted(caller.scopes)}, gardens {sorted(caller.gardens)}) got fact "
           f"{record.get('id')} of scope {record.get('scope')} and garden {garden} from {where}")


def _walk(ctx: Context, caller: Caller, **params: Any) -> tuple[list[str], Any]:
    """Every id of a limit=3 cursor walk, and the total of its first page."""
    seen: list[str] = []
    total, cursor = None, None
    for page in range(MAX_WALK):
        ex = ctx.query(key=caller.key, limit=3, **params, **({"cursor": cursor} if cursor else {}))
        expect_status(ex, (200,))
        body = ex.json or {}
        total = body.get("total") if page == 0 else total
        for record in body.get("facts", []):
            _sound(caller, record, f"GET /v1/facts {params}")
            seen.append(str(record.get("id")))
        cursor = body.get("cursor")
        if not cursor:
            return seen, total
    expect(False, f"{caller.key}: a walk over {params} did not end within {MAX_WALK} pages")
    return seen, total


@check("http:garden_visibility_soundness", requirements=("STG-SCOPE-030",), profile="gardens")
def garden_visibility_soundness(ctx: Context) -> None:
    """For every caller, every fact on every read route lies in its scopes and gardens, it gets all of those, and
    total equals the number of facts of the full cursor walk."""
    gardens, callers = _world(ctx, "s_")
    relation = f"test:sound{ctx.run_id}{secrets.token_hex(2)}"
    facts: dict[str, dict[str, Any]] = {}
    for scope in SCOPES:
        record = ctx.assert_fact(ctx.fact(ctx.unique("sound"), scope, relation=relation, scope=scope),
                                 key="s_admin")
        facts[record["id"]] = record
    for scope, uri in gardens.items():
        for n in range(2 if scope != "local" else 1):
            record = ctx.assert_fact(ctx.fact(ctx.unique("sound"), f"{scope}{n}", relation=relation, scope=scope,
                                              garden_id=uri), key="s_admin")
            facts[record["id"]] = record
    page_total = ctx.interpretations.get("total_count", "post-filter") == "page"
    for caller in callers:
        allowed = {i for i, f in facts.items() if caller.may_read(f["scope"], f.get("garden_id"))}
        seen, total = _walk(ctx, caller, relation=relation)
        expect(len(seen) == len(set(seen)), f"{caller.key}: a fact came twice in one walk")
        expect(set(seen) == allowed, f"{caller.key}: the walk returned {len(seen)} facts, expected {len(allowed)}; "
                                     f"missing {sorted(allowed - set(seen))[:2]}")
        if not page_total:
            expect(total in (len(seen), None), f"{caller.key}: total {total}, but the walk returned {len(seen)}")
        for fact_id, record in facts.items():
            readable = fact_id in allowed
            for ref in (fact_id, record["cid"]):
                ex = ctx.request("GET", f"/v1/facts/{ref}", key=caller.key)
                expect(ex.status == (200 if readable else 403) or (not readable and ex.status == 404),
                       f"{caller.key}: GET /v1/facts/{ref} of a fact it {'may' if readable else 'may not'} read "
                       f"answered {ex.status}")
                if ex.status == 200:
                    _sound(caller, ex.json, f"GET /v1/facts/{ref}")
            if record.get("garden_id"):
                ex = ctx.request("POST", f"/v1/facts/{fact_id}/verify-cid", key=caller.key)
                expect((ex.status == 200) == readable, f"{caller.key}: verify-cid of a garden fact it "
                                                       f"{'may' if readable else 'may not'} read: {ex.status}")
        for scope, uri in gardens.items():
            ex = ctx.query(key=caller.key, garden_id=uri, limit=500)
            if uri not in caller.gardens or scope not in caller.scopes:
                empty = ex.status == 200 and not (ex.json or {}).get("facts")
                expect(ex.status == 403 or (uri in caller.gardens and empty),
                       f"{caller.key}: garden_id filter on a {scope} garden it does not read: {ex.brief()}")
                continue
            expect_status(ex, (200,))
            for record in (ex.json or {}).get("facts", []):
                _sound(caller, record, f"garden_id={uri}")
        if caller.key != "admin" and ctx.interpretations.get("garden_orphans", "fail-closed") == "fail-closed":
            ex = ctx.query(key=caller.key, limit=500)  # one unfiltered page: no fact of any garden it is not in
            expect_status(ex, (200,))
            for record in (ex.json or {}).get("facts", []):
                _sound(caller, record, "an unfiltered GET /v1/facts")


@check("http:garden_monotonic_narrowing", requirements=("STG-SCOPE-031",), profile="gardens")
def garden_monotonic_narrowing(ctx: Context) -> None:
    """A garden-tagged fact is seen only by callers who also see the same fact without the tag, by id and by
    query; the tagged assert is a fact of its own."""
    gardens, callers = _world(ctx, "n_")
    for scope, uri in gardens.items():
        body = ctx.fact(ctx.unique("narrow"), scope, scope=scope)
        plain = ctx.assert_fact(body, key="n_admin")
        tagged = ctx.assert_fact({**body, "garden_id": uri}, key="n_admin", status=(201, 200))
        expect(tagged["id"] != plain["id"] and tagged.get("garden_id") == uri,
               f"the garden-tagged copy of a {scope} fact answered {tagged}, not a fact of the garden")
        for caller in callers:
            sees = {label: ctx.request("GET", f"/v1/facts/{record['id']}", key=caller.key).status == 200
                    for label, record in (("plain", plain), ("tagged", tagged))}
            expect(sees["plain"] or not sees["tagged"], f"{caller.key} reads the {scope} fact only with the tag")
            ex = ctx.query(key=caller.key, entity=body["entity"])
            expect_status(ex, (200,))
            listed = {str(f.get("id")) for f in (ex.json or {}).get("facts", [])}
            expect(plain["id"] in listed or tagged["id"] not in listed,
                   f"{caller.key}'s query shows the {scope} fact only with the tag")
            expect(sees["tagged"] == caller.may_read(scope, uri),
                   f"{caller.key}: reads the tagged {scope} fact: {sees['tagged']}, expected {not sees['tagged']}")
