"""A Hypothesis state machine over Memory Gardens (gardens profile), checked against a model after every step.

The node and its keys come from ``live.py`` (any node, or an embedded reference node, never imported): the node
admin, writers of every scope, of team/company and of local, and a read-only key. Steps create gardens (each
example its own slugs and entity), add, re-role and remove members, delete gardens, assert facts with and without
``garden_id`` (the garden's scope or another), read them through every key by query (with and without a
``garden_id`` filter, several page sizes), by id, CID and verify-cid, list and resolve conflicts, and read garden
records, rosters and lists. The model predicts every answer from docs/http-api.md "Memory Gardens": admin routes for
the garden's admins, never demoting or removing the last one (403 ``last_admin``); garden writes for writers and
admins within the key's scopes (403 ``garden_forbidden``, 422 ``garden_scope_mismatch``, 404; the contract orders
these three not, so any that applies is accepted); ``garden_id`` queries 403 to non-members; contradictions within
a garden; deleted gardens' facts for node admins only (garden_orphans = fail-closed). After every step each key's
query matches the model: nothing it may not read, nothing missing, exact ``total``, every field as written
(STG-SCOPE-010/012/013/015/017/018/024-027/030).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conformance.oracle import cid as cid_oracle
from tests.properties.live import SCOPES, Slot

SOURCE = "stigmem://prop.test/agent/gardener"
KEYS = {
    "admin": (("read", "write", "admin"), SCOPES),  # the node admin
    "all_rw": (("read", "write"), SCOPES),
    "team_rw": (("read", "write"), ("team", "company")),
    "local_rw": (("read", "write"), ("local",)),
    "reader": (("read",), SCOPES),
}
NAMES = sorted(KEYS)
ROLES = ("admin", "writer", "reader")
RELATIONS = ("memory:role", "memory:x")
MAX_GARDENS = 3
NODE = Slot(KEYS)
garden_node = NODE.fixture()
Refusal = tuple[int, str]


def may(key: str, permission: str) -> bool:
    return permission in KEYS[key][0]


def in_scope(key: str, scope: str) -> bool:
    return scope in KEYS[key][1]


@dataclass
class Garden:
    slug: str
    uri: str
    id: str
    scope: str
    members: dict[str, str]  # key name -> role
    deleted: bool = False


@dataclass
class Fact:
    id: str
    relation: str
    value: str
    source: str
    confidence: float
    scope: str
    garden: str | None  # the garden's URI
    cid: str
    hlc: str
    timestamp: str = ""


@dataclass
class Conflict:
    id: str
    older: str
    newer: str
    garden: str | None
    resolved: bool = False


class Answer(NamedTuple):
    status: int
    body: Any


class GardenModel(RuleBasedStateMachine):
    # Draws pick by creation order, never by node-made ids, so a replay takes the same steps (shrinking needs it).

    def __init__(self) -> None:
        super().__init__()
        assert NODE.live is not None, "the garden_node fixture must run first"
        self.node = NODE.live
        self.token = secrets.token_hex(4)
        self.entity = f"stigmem://prop.test/user/g-{self.token}"
        self.gardens: list[Garden] = []
        self.facts: dict[str, Fact] = {}
        self.conflicts: dict[str, Conflict] = {}

    # --- the model ---------------------------------------------------------------------------------------------

    def garden(self, uri: str | None) -> Garden | None:
        return next((g for g in self.gardens if g.uri == uri), None)

    def reads_garden(self, key: str, uri: str | None) -> bool:
        """Spec-02: no garden, a live garden the key belongs to, or (garden_orphans) a deleted one for node admins."""
        if uri is None:
            return True
        g = self.garden(uri)
        assert g is not None
        return may(key, "admin") if g.deleted else key in g.members

    def reads(self, key: str, f: Fact) -> bool:
        return in_scope(key, f.scope) and self.reads_garden(key, f.garden)

    def contradicted(self, fact_id: str) -> bool:
        return any(not c.resolved and fact_id in (c.older, c.newer) for c in self.conflicts.values())

    def outranked(self, f: Fact) -> bool:
        """default_query = seed-resolution: a contradicted fact leaves a default query when a contradicted sibling of
        its triple and garden (the same readers see both) has a higher (confidence, hlc)."""
        return self.contradicted(f.id) and any(
            g.id != f.id and (g.relation, g.scope, g.garden) == (f.relation, f.scope, f.garden)
            and self.contradicted(g.id) and (g.confidence, g.hlc) > (f.confidence, f.hlc)
            for g in self.facts.values())

    def visible(self, key: str, garden: str | None, include_contradicted: bool) -> set[str]:
        return {f.id for f in self.facts.values() if self.reads(key, f) and (garden is None or f.garden == garden)
                and (include_contradicted or not self.outranked(f))}

    def check_fields(self, record: dict[str, Any]) -> None:
        """Every field of a returned record against the model: the fact must be one the model holds."""
        assert record["cid"] == cid_oracle.cid({k: record[k] for k in cid_oracle.BODY_FIELDS}), record
        f = self.facts[record["id"]]
        got = (record["entity"], record["relation"], record["value"], record["source"], record["confidence"],
               record["scope"], record["cid"], record["hlc"], record.get("garden_id"), record.get("valid_until"))
        want = (self.entity, f.relation, {"type": "string", "v": f.value}, f.source, f.confidence, f.scope, f.cid,
                f.hlc, f.garden, None)
        assert got == want, (got, want)
        if "contradicted" in record:
            assert record["contradicted"] == self.contradicted(f.id), (record, self.conflicts)
        if f.timestamp:
            assert record["timestamp"] == f.timestamp, f"timestamp changed: {f.timestamp} -> {record['timestamp']}"
        f.timestamp = record["timestamp"]

    def call(self, method: str, path: str, key: str, **kw: Any) -> Answer:
        answer = self.node.call(method, path, key, **kw)
        return Answer(answer.status_code, answer.json() if answer.content else None)

    def refused(self, answer: Answer, allowed: set[Refusal], what: str) -> None:
        code = answer.body.get("error") if isinstance(answer.body, dict) else None
        event(f"refused {answer.status} {code}")
        assert (answer.status, code) in allowed, f"{what}: {answer.status} {answer.body}, model says one of {allowed}"

    def conflicts_seen(self, key: str, status: str = "unresolved") -> dict[str, dict[str, Any]]:
        """This example's conflicts in ``GET /v1/conflicts`` through ``key``, by id."""
        found: dict[str, dict[str, Any]] = {}
        cursor = None
        for _ in range(50):
            params = {"status": status, "limit": "500", **({"cursor": cursor} if cursor else {})}
            page = self.call("GET", "/v1/conflicts", key, params=params)
            assert page.status == 200, page.body
            for c in page.body["conflicts"]:
                pair = [(c.get(side) or {}).get("id") for side in ("fact_a", "fact_b")]
                if any(i in self.facts for i in pair):
                    assert c["conflict_id"] not in found, f"conflict listed twice: {c}"
                    found[c["conflict_id"]] = c
            cursor = page.body.get("cursor")
            if not page.body.get("has_more") or not cursor:
                return found
        raise AssertionError("conflict listing did not end within 50 pages")

    def add_fact(self, record: dict[str, Any], key: str, source: str, garden: str | None) -> Fact:
        assert record["id"] not in self.facts
        assert all(record["hlc"] > f.hlc for f in self.facts.values()), "HLC not above every earlier write"
        new = Fact(record["id"], record["relation"], record["value"]["v"], source, record["confidence"],
                   record["scope"], garden, record["cid"], record["hlc"])
        self.facts[new.id] = new
        self.check_fields(record)
        return new

    # --- gardens and members -----------------------------------------------------------------------------------

    @precondition(lambda self: len(self.gardens) < MAX_GARDENS)
    @rule(data=st.data(), key=st.sampled_from(["admin", "all_rw", "all_rw", "team_rw", "local_rw", "reader"]),
          own=st.sampled_from([True, True, True, False]), upper=st.booleans())
    def create_garden(self, data: st.DataObject, key: str, own: bool, upper: bool) -> None:
        self.make_garden(key, data.draw(st.sampled_from(KEYS[key][1] if own else SCOPES)), upper)  # mostly its own

    def make_garden(self, key: str, scope: str, upper: bool) -> None:
        slug = f"g{self.token}-{len(self.gardens)}"
        answer = self.call("POST", "/v1/gardens", key,
                           json={"slug": slug.upper() if upper else slug, "name": "garden", "scope": scope})
        if not may(key, "write"):
            return self.refused(answer, {(403, "forbidden")}, "create without write")
        if not in_scope(key, scope):
            return self.refused(answer, {(403, "scope_forbidden")}, "create outside the key's scopes")
        assert answer.status == 201, answer.body
        g = answer.body
        assert (g["slug"], g["scope"], g["created_by"]) == (slug, scope, self.node.entity[key]), g
        assert g["garden_id"].startswith("stigmem://") and g["garden_id"].endswith(f"/garden/{slug}"), g
        assert [(m["entity_uri"], m["role"]) for m in g["members"]] == [(self.node.entity[key], "admin")], g
        self.gardens.append(Garden(slug, g["garden_id"], g["id"], scope, {key: "admin"}))

    @initialize(key=st.sampled_from(["admin", "all_rw", "team_rw"]), scope=st.sampled_from(["team", "company"]),
                who=st.sampled_from(NAMES), role=st.sampled_from(ROLES))
    def first_garden(self, key: str, scope: str, who: str, role: str) -> None:  # and, mostly, a second member
        self.make_garden(key, scope, False)
        if who != key:
            self.member_op(self.gardens[0], key, who, "add", role)

    def admin_refusal(self, actor: str, g: Garden) -> Refusal | None:
        """Who administers a garden: the write permission, a live garden, its admin role (node admins included only
        as members)."""
        if not may(actor, "write"):
            return 403, "forbidden"
        if g.deleted:
            return 404, "garden_not_found"
        if g.members.get(actor) != "admin":
            return 403, "garden_forbidden"
        return None

    @precondition(lambda self: bool(self.gardens))
    @rule(data=st.data(), actor=st.sampled_from(NAMES), who=st.sampled_from(NAMES), as_admin=st.booleans(),
          op=st.sampled_from(["add", "add", "add", "patch", "remove", "delete"]), role=st.sampled_from(ROLES))
    def administer(self, data: st.DataObject, actor: str, who: str, as_admin: bool, op: str, role: str) -> None:
        """Add, re-role or remove a member, or delete the garden; half the time as one of its admins."""
        g = data.draw(st.sampled_from(self.gardens))
        admins = sorted(k for k, r in g.members.items() if r == "admin")
        if as_admin and admins:
            actor = data.draw(st.sampled_from(admins))
        if op == "delete":
            self.delete_garden(g, actor)
        else:
            self.member_op(g, actor, who, op, role)

    def member_op(self, g: Garden, actor: str, who: str, op: str, role: str) -> None:
        uri = self.node.entity[who]
        path = f"/v1/gardens/{g.slug}/members"
        if op == "add":
            answer = self.call("POST", path, actor, json={"entity_uri": uri, "role": role})
        elif op == "patch":
            answer = self.call("PATCH", f"{path}/{quote(uri, safe='')}", actor, json={"role": role})
        else:
            answer = self.call("DELETE", f"{path}/{quote(uri, safe='')}", actor)
        refusal = self.admin_refusal(actor, g)
        admins = [k for k, r in g.members.items() if r == "admin"]
        if refusal is None and op == "add" and who in g.members:
            refusal = 409, "member_exists"
        elif refusal is None and op != "add" and who not in g.members:
            refusal = 404, "member_not_found"
        elif refusal is None and op != "add" and admins == [who] and (op == "remove" or role != "admin"):
            refusal = 403, "last_admin"  # STG-SCOPE-018
        if refusal is not None:
            return self.refused(answer, {refusal}, f"{op} {who} as {role} by {actor} in {g.slug}")
        assert answer.status == {"add": 201, "patch": 200, "remove": 204}[op], answer.body
        if op == "remove":
            del g.members[who]
            return
        assert (answer.body["entity_uri"], answer.body["role"]) == (uri, role), answer.body
        if op == "add":
            assert answer.body["added_by"] == self.node.entity[actor], answer.body
        g.members[who] = role

    def delete_garden(self, g: Garden, actor: str) -> None:
        answer = self.call("DELETE", f"/v1/gardens/{g.id}", actor)
        refusal = self.admin_refusal(actor, g)
        if refusal is not None:
            return self.refused(answer, {refusal}, f"delete {g.slug} by {actor}")
        assert answer.status == 204, answer.body
        g.deleted, g.members = True, {}

    @precondition(lambda self: bool(self.gardens))
    @rule(data=st.data(), key=st.sampled_from(NAMES),
          by=st.sampled_from(["slug", "SLUG", "id", "members", "list 7", "list 500"]))
    def read_garden(self, data: st.DataObject, key: str, by: str) -> None:
        """A garden's record or roster by slug (any case) or id, or the key's garden list."""
        if by.startswith("list"):
            return self.list_gardens(key, int(by.split()[1]))
        g = data.draw(st.sampled_from(self.gardens))
        ref = {"slug": g.slug, "SLUG": g.slug.upper(), "id": g.id, "members": g.slug}[by]
        answer = self.call("GET", f"/v1/gardens/{ref}" + ("/members" if by == "members" else ""), key)
        if g.deleted:
            return self.refused(answer, {(404, "garden_not_found")}, f"read deleted {g.slug}")
        if key not in g.members and not may(key, "admin"):  # garden_node_admin: node admins read the roster
            return self.refused(answer, {(403, "garden_forbidden")}, f"read {g.slug} by non-member {key}")
        assert answer.status == 200, answer.body
        if by != "members":
            assert (answer.body["id"], answer.body["garden_id"], answer.body["scope"]) == (g.id, g.uri, g.scope)
        roster = {(m["entity_uri"], m["role"]) for m in answer.body["members"]}
        assert roster == {(self.node.entity[k], r) for k, r in g.members.items()}, (roster, g.members)

    def list_gardens(self, key: str, limit: int) -> None:
        """GET /v1/gardens: the key's live gardens (a node admin's: all), oldest first, each once."""
        mine = {g.slug: g for g in self.gardens}
        seen: list[str] = []
        cursor = None
        for _ in range(2000):
            page = self.call("GET", "/v1/gardens", key, params={"limit": str(limit),
                                                                **({"cursor": cursor} if cursor else {})})
            assert page.status == 200, page.body
            seen += [r["slug"] for r in page.body["gardens"] if r["slug"] in mine]
            cursor = page.body["cursor"]
            if cursor is None:
                break
        want = [g.slug for g in self.gardens if not g.deleted and (key in g.members or may(key, "admin"))]
        assert seen == want, (seen, want)

    # --- facts -------------------------------------------------------------------------------------------------

    def write_refusals(self, key: str, scope: str, g: Garden | None) -> set[Refusal]:
        """What refuses a write: the key first (permission, scope: Spec-02 checks scope before the garden ACL),
        then the garden, whose refusals the contract does not order."""
        if not may(key, "write"):
            return {(403, "forbidden")}
        if not in_scope(key, scope):
            return {(403, "scope_forbidden")}
        found: set[Refusal] = set()
        if g is not None and g.deleted:
            return {(404, "garden_not_found")}
        if g is not None and g.members.get(key) not in ("admin", "writer"):
            found.add((403, "garden_forbidden"))  # STG-SCOPE-010
        if g is not None and scope != g.scope:
            found.add((422, "garden_scope_mismatch"))  # STG-SCOPE-011, interpretation garden_scope_mismatch
        return found

    @rule(data=st.data(), key=st.sampled_from(NAMES), in_garden=st.sampled_from([True, True, False]),
          member=st.sampled_from([True, True, False]), relation=st.sampled_from(RELATIONS),
          value=st.sampled_from(["A", "B"]), confidence=st.sampled_from([0.0, 0.5, 1.0, 1.0]),
          other_scope=st.sampled_from([None] * 6 + list(SCOPES)))
    def assert_fact(self, data: st.DataObject, key: str, in_garden: bool, member: bool, relation: str, value: str,
                    confidence: float, other_scope: str | None) -> None:
        live = [g for g in self.gardens if not g.deleted] if member else self.gardens
        g = data.draw(st.sampled_from(live)) if in_garden and live else None
        writers = [] if g is None else sorted(k for k in g.members if may(k, "write"))
        if member and writers:  # mostly a member of a live garden with write permission (a reader role too)
            key = data.draw(st.sampled_from(writers))
        scope = other_scope or (g.scope if g is not None else "team")
        body = {"entity": self.entity, "relation": relation, "value": {"type": "string", "v": value},
                "source": SOURCE, "confidence": confidence, "scope": scope,
                **({"garden_id": g.uri} if g is not None else {})}
        answer = self.call("POST", "/v1/facts", key, json=body)
        refusals = self.write_refusals(key, scope, g)
        if refusals:
            return self.refused(answer, refusals, f"{key} writes {scope} in {g and g.slug}")
        garden = None if g is None else g.uri
        record = answer.body
        twin = next((f for f in self.facts.values() if f.cid == record["cid"] and f.garden == garden), None)
        if twin is not None:  # cid_dedup: the same CID, valid_until and garden_id
            assert answer.status == 200 and record["id"] == twin.id, (answer.status, record, twin)
            return self.check_fields(record)
        assert answer.status == 201, answer.body
        siblings = [f for f in self.facts.values()
                    if f.confidence > 0 and (f.relation, f.scope, f.garden) == (relation, scope, garden)]
        expected = set()
        if confidence > 0 and siblings:
            # conflict_cardinality=winner, garden_contradictions=within-garden: the preferred live facts of the
            # triple in the same garden (or none), when their values differ.
            best = max((f.confidence, f.hlc) for f in siblings)
            expected = {f.id for f in siblings if (f.confidence, f.hlc) == best and f.value != value}
        new = self.add_fact(record, key, SOURCE, garden)
        found = {c_id: c for c_id, c in self.conflicts_seen(key).items() if c_id not in self.conflicts}
        assert {c["fact_a"]["id"] for c in found.values()} == expected, (found, expected)
        for c_id, c in sorted(found.items(), key=lambda item: list(self.facts).index(item[1]["fact_a"]["id"])):
            assert c["fact_b"]["id"] == new.id and c.get("garden_id") == garden, c
            self.conflicts[c_id] = Conflict(c_id, c["fact_a"]["id"], new.id, garden)

    @precondition(lambda self: bool(self.facts))
    @rule(data=st.data(), key=st.sampled_from(NAMES), by=st.sampled_from(["id", "cid", "verify-cid"]))
    def read_one(self, data: st.DataObject, key: str, by: str) -> None:
        """By id and verify-cid: 404 outside the key's scopes, 403 in a garden it may not read (STG-SCOPE-015/024);
        by CID: any readable fact carrying it, else as by id."""
        f = self.facts[data.draw(st.sampled_from(list(self.facts)))]
        ref = f.cid if by == "cid" else f.id
        answer = self.call(*(("POST", f"/v1/facts/{ref}/verify-cid") if by == "verify-cid"
                             else ("GET", f"/v1/facts/{ref}")), key)
        twins = [t.id for t in self.facts.values() if t.cid == f.cid and self.reads(key, t)] if by == "cid" else (
            [f.id] if self.reads(key, f) else [])
        if not in_scope(key, f.scope):
            return self.refused(answer, {(404, "fact_not_found")}, f"{key} reads {by} of a {f.scope} fact")
        if not twins:
            return self.refused(answer, {(403, "garden_forbidden")}, f"{key} reads {by} in {f.garden}")
        assert answer.status == 200, answer.body
        if by == "verify-cid":
            assert answer.body["cid_valid"] is True and answer.body["computed_cid"] == f.cid, answer.body
            return
        assert answer.body["id"] in twins, (answer.body, twins)
        self.check_fields(answer.body)

    @rule(data=st.data(), key=st.sampled_from(NAMES), filtered=st.booleans(), include_contradicted=st.booleans(),
          limit=st.sampled_from([1, 2, 50]))
    def query(self, data: st.DataObject, key: str, filtered: bool, include_contradicted: bool, limit: int) -> None:
        g = data.draw(st.sampled_from(self.gardens)) if filtered and self.gardens else None
        params = {"entity": self.entity, "limit": str(limit),
                  "include_contradicted": str(include_contradicted).lower(), **({"garden_id": g.uri} if g else {})}
        if g is not None and g.deleted:
            return self.refused(self.call("GET", "/v1/facts", key, params=params), {(404, "garden_not_found")},
                                f"garden_id query of deleted {g.slug}")
        if g is not None and key not in g.members:  # STG-SCOPE-013: node admins too, never an empty page
            return self.refused(self.call("GET", "/v1/facts", key, params=params), {(403, "garden_forbidden")},
                                f"garden_id query of {g.slug} by non-member {key}")
        self.walk(key, params, self.visible(key, None if g is None else g.uri, include_contradicted), limit)

    def walk(self, key: str, params: dict[str, str], expected: set[str], limit: int) -> None:
        seen: list[str] = []
        cursor = None
        for _ in range(200):
            page = self.call("GET", "/v1/facts", key, params={**params, **({"cursor": cursor} if cursor else {})})
            assert page.status == 200, page.body
            assert page.body["total"] == len(expected), (key, page.body["total"], len(expected))
            assert len(page.body["facts"]) <= limit
            for record in page.body["facts"]:
                assert record["id"] in self.facts and self.reads(key, self.facts[record["id"]]), (
                    f"{key} reads a fact it may not: {record}")
                self.check_fields(record)
                seen.append(record["id"])
            cursor = page.body["cursor"]
            if cursor is None:
                break
            assert page.body["facts"], "a non-final page is empty"
        assert len(seen) == len(set(seen)), f"rows repeated across pages: {seen}"
        assert set(seen) == expected, (key, sorted(set(seen) - expected), sorted(expected - set(seen)))
        kinds = {"orphan" if (g := self.garden(self.facts[i].garden)) and g.deleted else "garden"
                 for i in expected if self.facts[i].garden}
        event(f"read {' and '.join(sorted(kinds)) or 'no garden'} facts")

    # --- conflicts ---------------------------------------------------------------------------------------------

    @precondition(lambda self: bool(self.conflicts))
    @rule(key=st.sampled_from(NAMES))
    def list_conflicts(self, key: str) -> None:
        """GET /v1/conflicts: a conflict only to keys that read both its facts (garden_contradictions)."""
        seen = self.conflicts_seen(key)
        want = {c.id for c in self.conflicts.values()
                if not c.resolved and self.reads(key, self.facts[c.older]) and self.reads(key, self.facts[c.newer])}
        assert set(seen) == want, (key, sorted(set(seen) - want), sorted(want - set(seen)))
        for c_id, c in seen.items():
            assert c.get("garden_id") == self.conflicts[c_id].garden, c

    @precondition(lambda self: any(not c.resolved for c in self.conflicts.values()))
    @rule(data=st.data(), key=st.sampled_from(NAMES))
    def resolve(self, data: st.DataObject, key: str) -> None:
        """A conflict is resolved by keys with write that read it and, in a garden, write there (STG-SCOPE-025):
        404 to keys that do not see it, 403 to a garden reader; the resolution is a fact of the same garden."""
        c = self.conflicts[data.draw(st.sampled_from([c.id for c in self.conflicts.values() if not c.resolved]))]
        winner = self.facts[data.draw(st.sampled_from([c.older, c.newer]))]
        answer = self.call("POST", f"/v1/conflicts/{c.id}/resolve", key, json={"winning_fact_id": winner.id})
        g = self.garden(c.garden)
        if not may(key, "write"):
            return self.refused(answer, {(403, "forbidden")}, f"resolve by {key}")
        if not self.reads(key, winner):
            return self.refused(answer, {(404, "conflict_not_found")}, f"resolve by {key}, who does not see it")
        if g is not None and (g.deleted or g.members.get(key) not in ("admin", "writer")):
            refusals = {(403, "garden_forbidden"), (404, "garden_not_found")} if g.deleted else {
                (403, "garden_forbidden")}
            return self.refused(answer, refusals, f"resolve by {key} in {g.slug}")
        assert answer.status == 200, answer.body
        event(f"resolved a {'garden' if g else 'plain'} conflict")
        c.resolved = True
        record = self.call("GET", f"/v1/facts/{answer.body['resolution_fact_id']}", key).body
        assert (record["relation"], record["scope"], record["value"]["v"], record["confidence"]) == (
            winner.relation, winner.scope, winner.value, 1.0), record
        assert record["source"] == self.node.entity[key], record
        self.add_fact(record, key, record["source"], c.garden)

    @invariant()
    def every_key_reads_what_the_model_says(self) -> None:
        for key in NAMES:
            self.walk(key, {"entity": self.entity, "limit": "500", "include_contradicted": "true"},
                      self.visible(key, None, True), 500)


SHORT = settings(max_examples=20, stateful_step_count=30, deadline=None, print_blob=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
LONG = settings(max_examples=60, stateful_step_count=40, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.usefixtures("garden_node")
class TestGardensShort(GardenModel.TestCase):  # type: ignore[misc,valid-type]
    """The fast lane: a short run on every test invocation."""

    settings = SHORT


@pytest.mark.slow
@pytest.mark.usefixtures("garden_node")
class TestGardensLong(GardenModel.TestCase):  # type: ignore[misc,valid-type]
    """The slow lane (``nox -s stateful``): more and longer examples."""

    settings = LONG
