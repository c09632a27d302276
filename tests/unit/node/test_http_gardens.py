"""The reference node's Memory Gardens: routes, roles, the read ACL on every route, orphans, conflicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from tests.unit.node.conftest import Node

ALICE = "stigmem://example.org/agent/alice"
BOB = "stigmem://example.org/agent/bob"
CAROL = "stigmem://example.org/agent/carol"
ENTITY = "stigmem://example.org/project/apollo"


class Garden:
    """A node with auth required, three callers and one team garden Alice created."""

    def __init__(self, node: Node, scope: str = "team") -> None:
        self.node = node
        self.alice = node.key(entity=ALICE)
        self.bob = node.key(entity=BOB)
        self.carol = node.key(entity=CAROL)
        self.admin = node.key(("read", "write", "admin"), entity="stigmem://example.org/agent/root")
        answer = self.post("/v1/gardens", self.alice, {"slug": "Apollo", "name": "Apollo", "scope": scope})
        assert answer.status_code == 201, answer.text
        self.record = answer.json()
        self.uri = self.record["garden_id"]
        self.scope = scope

    def post(self, path: str, who: dict[str, str], body: Any) -> Any:
        return self.node.client.post(path, headers=who, json=body)

    def get(self, path: str, who: dict[str, str], **params: Any) -> Any:
        return self.node.client.get(path, headers=who, params=params)

    def add(self, entity: str, role: str, who: dict[str, str] | None = None) -> Any:
        return self.post("/v1/gardens/apollo/members", who or self.alice, {"entity_uri": entity, "role": role})

    def fact(self, who: dict[str, str], value: str = "v", garden: bool = True, **extra: Any) -> Any:
        body = {"entity": ENTITY, "relation": "memory:status", "value": {"type": "string", "v": value},
                "source": "agent:tester", "scope": self.scope, **extra}
        if garden:
            body.setdefault("garden_id", self.uri)
        return self.post("/v1/facts", who, body)

    def ids(self, who: dict[str, str], **params: Any) -> list[str]:
        answer = self.get("/v1/facts", who, entity=ENTITY, **params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["total"] == len(body["facts"])
        return [f["id"] for f in body["facts"]]


@pytest.fixture
def garden(make_node: Callable[..., Node]) -> Garden:
    return Garden(make_node())


def test_create_record_and_slug_rules(garden: Garden) -> None:
    record = garden.record
    assert record["slug"] == "apollo" and record["scope"] == "team" and record["created_by"] == ALICE
    assert record["garden_id"] == "stigmem://localhost/garden/apollo"
    assert [(m["entity_uri"], m["role"]) for m in record["members"]] == [(ALICE, "admin")]
    assert garden.post("/v1/gardens", garden.bob, {"slug": "APOLLO", "name": "x", "scope": "team"}).status_code == 409
    for slug in ("a" * 64, "-a", "a_b", "\u212a", "a\n", ""):
        answer = garden.post("/v1/gardens", garden.bob, {"slug": slug, "name": "x", "scope": "team"})
        assert (answer.status_code, answer.json()["error"]) == (422, "invalid_slug"), slug
    assert garden.post("/v1/gardens", garden.bob, {"slug": "b" * 63, "name": "x", "scope": "team"}).status_code == 201
    assert garden.get(f"/v1/gardens/{record['id']}", garden.alice).json()["slug"] == "apollo"
    assert garden.get("/v1/gardens/APOLLO", garden.alice).status_code == 200


def test_list_and_get_need_membership(garden: Garden) -> None:
    assert [g["slug"] for g in garden.get("/v1/gardens", garden.alice).json()["gardens"]] == ["apollo"]
    assert garden.get("/v1/gardens", garden.bob).json() == {"gardens": [], "cursor": None}
    assert garden.get("/v1/gardens/apollo", garden.bob).status_code == 403
    assert garden.get("/v1/gardens/apollo/members", garden.bob).status_code == 403
    assert garden.get("/v1/gardens/nope", garden.alice).status_code == 404
    assert garden.get("/v1/gardens/apollo", garden.admin).status_code == 200  # node admin: metadata
    assert len(garden.get("/v1/gardens", garden.admin).json()["gardens"]) == 1


def test_roles_on_writes(garden: Garden) -> None:
    assert garden.fact(garden.bob).status_code == 403
    garden.add(BOB, "reader")
    assert garden.fact(garden.bob).json()["error"] == "garden_forbidden"
    garden.add(CAROL, "writer")
    written = garden.fact(garden.carol)
    assert written.status_code == 201 and written.json()["garden_id"] == garden.uri
    mismatch = garden.fact(garden.carol, scope="company")
    assert (mismatch.status_code, mismatch.json()["error"]) == (422, "garden_scope_mismatch")
    unknown = garden.fact(garden.carol, garden_id="stigmem://localhost/garden/nope")
    assert unknown.status_code == 404
    elsewhere = garden.fact(garden.carol, garden_id="stigmem://evil/garden/apollo")
    assert elsewhere.status_code == 404
    batch = garden.post("/v1/facts:batch", garden.bob, {"facts": [
        {"entity": ENTITY, "relation": "memory:x", "value": {"type": "string", "v": "ok"}, "source": "agent:t",
         "scope": "team"},
        {"entity": ENTITY, "relation": "memory:x", "value": {"type": "string", "v": "no"}, "source": "agent:t",
         "scope": "team", "garden_id": garden.uri}]})
    assert batch.status_code == 422 and batch.json()["failed_at_index"] == 1
    assert batch.json()["reason"] == "garden_forbidden"


def test_reads_hide_garden_facts_from_non_members(garden: Garden) -> None:
    secret = garden.fact(garden.alice, "secret").json()
    plain = garden.fact(garden.alice, "plain", garden=False).json()
    assert set(garden.ids(garden.alice)) == {secret["id"], plain["id"]}
    assert garden.ids(garden.bob) == [plain["id"]]
    assert garden.ids(garden.admin) == [plain["id"]]  # a node admin is no garden member
    for ref in (secret["id"], secret["cid"]):
        assert garden.get(f"/v1/facts/{ref}", garden.bob).status_code == 403
        assert garden.post(f"/v1/facts/{ref}/verify-cid", garden.bob, None).status_code == 403
        assert garden.get(f"/v1/facts/{ref}", garden.alice).status_code == 200
    assert garden.get("/v1/facts", garden.bob, garden_id=garden.uri).status_code == 403
    assert garden.get("/v1/facts", garden.alice, garden_id=garden.uri).json()["total"] == 1 + 2  # + membership
    assert garden.get("/v1/facts", garden.alice, garden_id="stigmem://localhost/garden/nope").status_code == 404


def test_cid_shared_with_a_readable_fact(garden: Garden) -> None:
    """A CID does not hash the garden: a non-member reading it gets the fact it may read."""
    secret = garden.fact(garden.alice, "same").json()
    plain = garden.fact(garden.alice, "same", garden=False).json()
    assert secret["cid"] == plain["cid"] and secret["id"] != plain["id"]
    assert garden.get(f"/v1/facts/{secret['cid']}", garden.bob).json()["id"] == plain["id"]
    assert garden.get(f"/v1/facts/{secret['cid']}", garden.alice).json()["id"] == secret["id"]


def test_membership_applies_to_the_next_request(garden: Garden) -> None:
    secret = garden.fact(garden.alice).json()
    garden.add(BOB, "reader")
    assert secret["id"] in garden.ids(garden.bob)
    assert garden.node.client.delete(f"/v1/gardens/apollo/members/{quote(BOB, safe='')}",
                                     headers=garden.alice).status_code == 204
    assert secret["id"] not in garden.ids(garden.bob)


def test_last_admin_and_member_admin(garden: Garden) -> None:
    alice = quote(ALICE, safe="")
    patch = garden.node.client.patch(f"/v1/gardens/apollo/members/{alice}", headers=garden.alice,
                                     json={"role": "writer"})
    assert (patch.status_code, patch.json()["error"]) == (403, "last_admin")
    assert garden.node.client.delete(f"/v1/gardens/apollo/members/{alice}", headers=garden.alice).status_code == 403
    assert garden.add(BOB, "reader", who=garden.bob).status_code == 403
    assert garden.add(BOB, "admin").status_code == 201
    assert garden.add(BOB, "reader").status_code == 409
    assert garden.add(CAROL, "owner").status_code == 422
    assert garden.node.client.patch(f"/v1/gardens/apollo/members/{alice}", headers=garden.alice,
                                    json={"role": "writer"}).status_code == 200
    unknown = quote(CAROL, safe="")
    assert garden.node.client.delete(f"/v1/gardens/apollo/members/{unknown}", headers=garden.bob).status_code == 404


def test_membership_facts_are_system_facts(garden: Garden) -> None:
    garden.add(BOB, "writer")
    found = garden.get("/v1/facts", garden.alice, entity=garden.uri).json()["facts"]
    assert {(f["relation"], f["source"]) for f in found} >= {("garden:member", "system:stigmem"),
                                                             (f"garden:role:{BOB}", "system:stigmem")}
    assert all(f["garden_id"] == garden.uri for f in found)
    forged = garden.post("/v1/facts", garden.alice, {"entity": garden.uri, "relation": "garden:member",
                                                     "value": {"type": "ref", "v": CAROL}, "source": "agent:t",
                                                     "scope": "team", "garden_id": garden.uri})
    assert forged.status_code == 403


def test_delete_keeps_facts_for_node_admins_only(garden: Garden) -> None:
    secret = garden.fact(garden.alice).json()
    garden.add(BOB, "writer")
    assert garden.node.client.delete("/v1/gardens/apollo", headers=garden.bob).status_code == 403
    assert garden.node.client.delete("/v1/gardens/apollo", headers=garden.alice).status_code == 204
    assert garden.get("/v1/gardens/apollo", garden.alice).status_code == 404
    assert garden.get(f"/v1/facts/{secret['id']}", garden.alice).status_code == 403
    assert garden.get(f"/v1/facts/{secret['id']}", garden.admin).status_code == 200
    again = garden.post("/v1/gardens", garden.bob, {"slug": "apollo", "name": "x", "scope": "team"})
    assert again.status_code == 409  # a deleted garden's slug is never reused


def test_conflicts_stay_in_their_garden(garden: Garden) -> None:
    garden.fact(garden.alice, "green")
    garden.fact(garden.alice, "red")
    garden.fact(garden.alice, "blue", garden=False)
    alice = garden.get("/v1/conflicts", garden.alice).json()["conflicts"]
    bob = garden.get("/v1/conflicts", garden.bob).json()["conflicts"]
    assert [c.get("garden_id") for c in alice] == [garden.uri]
    assert bob == []
    conflict = alice[0]["conflict_id"]
    assert garden.post(f"/v1/conflicts/{conflict}/resolve", garden.bob,
                       {"winning_fact_id": alice[0]["fact_a"]["id"]}).status_code == 404


def test_key_without_scopes_reaches_no_garden(garden: Garden) -> None:
    none = garden.node.key(scopes=[], entity=ALICE)
    assert garden.get("/v1/gardens", none).status_code == 403
    local = garden.node.key(scopes=["local"], entity=BOB)
    assert garden.post("/v1/gardens", local, {"slug": "x", "name": "x", "scope": "team"}).status_code == 403


def test_answers_match_the_openapi_document(garden: Garden) -> None:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("openapi_checks", Path(__file__).with_name("test_http_openapi.py"))
    assert spec is not None and spec.loader is not None
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    c, alice, bob = garden.node.client, garden.alice, garden.bob
    answers = [
        garden.post("/v1/gardens", bob, {"slug": "x_y", "name": "x", "scope": "team"}),
        garden.post("/v1/gardens", bob, {"slug": "apollo", "name": "x", "scope": "team"}),
        garden.get("/v1/gardens", alice), garden.get("/v1/gardens/apollo", alice),
        garden.get("/v1/gardens/apollo", bob), garden.get("/v1/gardens/nope", bob),
        garden.get("/v1/gardens/apollo/members", alice), garden.add(BOB, "writer"), garden.add(BOB, "writer"),
        garden.add(CAROL, "owner"),
        c.patch(f"/v1/gardens/apollo/members/{quote(BOB, safe='')}", headers=alice, json={"role": "reader"}),
        c.patch(f"/v1/gardens/apollo/members/{quote(ALICE, safe='')}", headers=alice, json={"role": "reader"}),
        garden.fact(alice), garden.fact(bob), garden.fact(alice, scope="company"),
        garden.get("/v1/facts", bob, garden_id="stigmem://localhost/garden/nope"),
        garden.get("/v1/gardens/apollo/quarantine", alice),
        garden.post("/v1/gardens/apollo/promote", alice, {"fact_id": "x"}),
        c.delete(f"/v1/gardens/apollo/members/{quote(BOB, safe='')}", headers=alice),
        c.delete("/v1/gardens/apollo", headers=bob), c.delete("/v1/gardens/apollo", headers=alice),
    ]
    for answer in answers:
        checks.check(answer)
    assert {a.status_code for a in answers} >= {200, 201, 204, 403, 404, 409, 422}
