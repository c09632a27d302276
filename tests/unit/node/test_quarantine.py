"""The quarantine garden (Spec-08): strict trust mode holds pulled facts; moderators promote or reject them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.unit.node.conftest import T0_US

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fakes"))
from fake_peer import FakePeer

T0_MS = T0_US // 1000
MOD = "stigmem://example.org/agent/moderator"
READER = "stigmem://example.org/agent/reader"


@pytest.fixture
def strict(make_node):
    node = make_node(federation=True, node_authority="node-a.test", trust_mode="strict")
    node.admin = node.key(("read", "write", "admin"), entity="stigmem://example.org/agent/root")
    yield node


@pytest.fixture
def peer():
    started = FakePeer("peer-p.test").start()
    yield started
    started.stop()


def _pull(node, peer, *facts):
    registered = node.client.post("/v1/federation/peers", json=peer.declaration(["public"]), headers=node.admin)
    assert registered.status_code == 201, registered.text
    peer.serve(*facts)
    return node.client.post("/v1/admin/federation/pull", json={}, headers=node.admin).json()["peers"][0]


def _quarantine(node):
    answer = node.client.post("/v1/gardens", headers=node.admin,
                              json={"slug": "held", "name": "Held", "scope": "public", "quarantine": True})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_strict_without_a_quarantine_garden_refuses(strict, peer):
    fact = peer.fact("x", at_ms=T0_MS)
    report = _pull(strict, peer, fact)
    assert (report["accepted"], report["rejected"]) == (0, 1)
    events = strict.client.get("/v1/federation/audit", headers=strict.admin).json()["events"]
    assert [(e["fact_id"], e["reason"]) for e in events] == [(fact["id"], "trust_below_threshold")]
    assert strict.store.hlc.last is None  # a refused fact never moves the clock


def test_held_facts_stay_out_of_reads_until_promoted(strict, peer):
    garden = _quarantine(strict)
    c, admin = strict.client, strict.admin
    first, second = peer.fact("one", at_ms=T0_MS), peer.fact("two", at_ms=T0_MS)
    assert _pull(strict, peer, first, second)["accepted"] == 2
    assert c.get(f"/v1/facts/{first['id']}", headers=admin).status_code == 404
    assert c.get(f"/v1/facts/{first['cid']}", headers=admin).status_code == 404
    assert first["id"] not in {f["id"] for f in c.get("/v1/facts", headers=admin).json()["facts"]}
    held = c.get("/v1/gardens/held/quarantine", headers=admin, params={"status": "pending"}).json()["facts"]
    assert [(f["id"], f["quarantine_status"], f["quarantine_reason"]) for f in held] == [
        (first["id"], "pending", "no_valid_manifest"), (second["id"], "pending", "no_valid_manifest")]
    assert held[0]["quarantine_garden_id"] == garden["garden_id"]
    # moderators and admins only; a plain member and a stranger are refused
    for entity, role in ((MOD, "quarantine:moderator"), (READER, "reader")):
        assert c.post("/v1/gardens/held/members", headers=admin, json={"entity_uri": entity, "role": role}
                      ).status_code == 201
    moderator, reader = strict.key(entity=MOD), strict.key(entity=READER)
    assert c.post("/v1/gardens/held/promote", headers=reader, json={"fact_id": first["id"]}).status_code == 403
    assert c.delete("/v1/gardens/held", headers=admin).status_code == 409  # pending facts: not deleted
    promoted = c.post("/v1/gardens/held/promote", headers=moderator, json={"fact_id": first["id"], "reason": "ok"})
    assert promoted.status_code == 200 and promoted.json()["promoted_by"] == MOD
    again = c.post("/v1/gardens/held/promote", headers=moderator, json={"fact_id": first["id"]})
    assert (again.status_code, again.json()["error"]) == (409, "fact_not_quarantine_pending")
    read = c.get(f"/v1/facts/{first['id']}", headers=admin).json()
    assert {k: read[k] for k in ("id", "source", "hlc", "timestamp", "cid")} == {
        k: first[k] for k in ("id", "source", "hlc", "timestamp", "cid")}  # the original provenance
    rejected = c.post("/v1/gardens/held/reject", headers=moderator, json={"fact_id": second["id"], "reason": "no"})
    assert rejected.status_code == 200 and rejected.json()["rejected_by"] == MOD
    assert c.get(f"/v1/facts/{second['id']}", headers=admin).status_code == 404
    statuses = {f["id"]: f["quarantine_status"] for f in
                c.get("/v1/gardens/held/quarantine", headers=moderator).json()["facts"]}
    assert statuses == {first["id"]: "promoted", second["id"]: "rejected"}
    assert c.delete("/v1/gardens/held", headers=admin).status_code == 204


def test_promotion_into_a_garden_rechecks_it(strict, peer):
    _quarantine(strict)
    c, admin = strict.client, strict.admin
    fact = peer.fact("x", at_ms=T0_MS)
    _pull(strict, peer, fact)
    gardens = "/v1/gardens"
    assert c.post(gardens, headers=admin, json={"slug": "team", "name": "T", "scope": "team"}).status_code == 201
    target = c.post(gardens, headers=admin, json={"slug": "pub", "name": "P", "scope": "public"}).json()
    promote = "/v1/gardens/held/promote"
    mismatch = c.post(promote, headers=admin, json={"fact_id": fact["id"], "target_garden_id": "team"})
    assert (mismatch.status_code, mismatch.json()["error"]) == (422, "garden_scope_mismatch")
    ok = c.post(promote, headers=admin, json={"fact_id": fact["id"], "target_garden_id": target["id"]})
    assert ok.status_code == 200, ok.text
    inside = c.get("/v1/facts", headers=admin, params={"garden_id": target["garden_id"], "entity": fact["entity"]})
    [copy] = inside.json()["facts"]
    assert (copy["source"], copy["cid"], copy["garden_id"]) == (fact["source"], fact["cid"], target["garden_id"])
    assert c.get(f"/v1/facts/{fact['id']}", headers=admin).status_code == 404  # the garden holds it now


def test_quarantine_garden_rules(strict):
    c, admin = strict.client, strict.admin
    writer = strict.key()
    assert c.post("/v1/gardens", headers=writer, json={"slug": "q", "name": "Q", "scope": "public",
                                                       "quarantine": True}).status_code == 403
    garden = _quarantine(strict)
    second = c.post("/v1/gardens", headers=admin, json={"slug": "q2", "name": "Q", "scope": "public",
                                                        "quarantine": True})
    assert (second.status_code, second.json()["error"]) == (409, "quarantine_garden_exists")
    direct = c.post("/v1/facts", headers=admin, json={
        "entity": "stigmem://example.org/project/x", "relation": "memory:x", "value": {"type": "string", "v": "v"},
        "source": "agent:t", "scope": "public", "garden_id": garden["garden_id"]})
    assert direct.status_code == 403
    plain = {"slug": "plain", "name": "P", "scope": "public"}
    assert c.post("/v1/gardens", headers=admin, json=plain).status_code == 201
    moderator_elsewhere = c.post("/v1/gardens/plain/members", headers=admin,
                                 json={"entity_uri": MOD, "role": "quarantine:moderator"})
    assert (moderator_elsewhere.status_code, moderator_elsewhere.json()["error"]) == (422, "invalid_role")
    assert c.post("/v1/gardens/plain/promote", headers=admin, json={"fact_id": "x"}).status_code == 422


def test_a_pending_fact_leaks_through_no_local_write_or_meta_fact(strict, peer):
    """A held fact is invisible to local writes too: asserting its content makes a new fact (not the pending one's
    record), contradicting it records no conflict, and its stigmem:received_from meta-fact is not readable."""
    _quarantine(strict)
    c, admin = strict.client, strict.admin
    held = peer.fact("one", at_ms=T0_MS)
    assert _pull(strict, peer, held)["accepted"] == 1
    same = {k: held[k] for k in ("entity", "relation", "value", "source", "confidence", "scope")}
    dup = c.post("/v1/facts", headers=admin, json=same)
    assert dup.status_code == 201 and dup.json()["id"] != held["id"], dup.text
    other = {**same, "value": {"type": "string", "v": "two"}, "source": "agent:local"}
    assert c.post("/v1/facts", headers=admin, json=other).status_code == 201
    conflicts = c.get("/v1/conflicts", headers=admin).json()["conflicts"]
    assert not [x for x in conflicts if held["id"] in (x.get("fact_a"), x.get("fact_b"))], conflicts
    meta = {"entity": f"stigmem:fact:{held['id']}"}
    assert c.get("/v1/facts", headers=admin, params=meta).json()["facts"] == []
    c.post("/v1/gardens/held/promote", headers=admin, json={"fact_id": held["id"]})
    shown = c.get("/v1/facts", headers=admin, params=meta).json()["facts"]  # written on promotion
    assert [(f["relation"], f["value"]["v"]) for f in shown] == [("stigmem:received_from", peer.node_id)]
