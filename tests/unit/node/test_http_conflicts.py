"""Contradiction detection at write time, the contradicted flag, GET /v1/conflicts and resolution."""

from __future__ import annotations

import pytest

ENTITY = "stigmem://example.org/user/alice"


def conflicts(client, **params):
    response = client.get("/v1/conflicts", params=params)
    assert response.status_code == 200
    return response.json()


def test_contradiction_is_reified_and_resolved_at_query_time(client, body):
    a = client.post("/v1/facts", json=body("CEO")).json()
    b = client.post("/v1/facts", json=body("CTO", confidence=0.8)).json()
    [conflict] = conflicts(client)["conflicts"]
    assert conflict["status"] == "unresolved" and conflict["resolved_by"] is None
    assert (conflict["fact_a"]["id"], conflict["fact_b"]["id"]) == (a["id"], b["id"])
    assert conflict["fact_a"]["contradicted"] is True
    assert conflict["conflict_id"].startswith("stigmem:conflict:")

    meta = client.get("/v1/facts", params={"entity": conflict["conflict_id"]}).json()["facts"]
    by_relation = {fact["relation"]: fact for fact in meta}
    assert by_relation["stigmem:conflict:between"]["value"] == {"type": "text", "v": f"{a['id']} {b['id']}"}
    assert by_relation["stigmem:conflict:status"]["value"] == {"type": "string", "v": "unresolved"}
    assert {fact["source"] for fact in meta} == {"system:stigmem"}
    assert {fact["scope"] for fact in meta} == {"company"}

    # default_query = seed-resolution: the higher confidence wins and is returned, flagged; the loser is opt-in.
    default = client.get("/v1/facts", params={"entity": ENTITY}).json()
    assert ([(f["id"], f["contradicted"]) for f in default["facts"]], default["total"]) == ([(a["id"], True)], 1)
    shown = client.get("/v1/facts", params={"entity": ENTITY, "include_contradicted": "true"}).json()
    assert [(f["id"], f["contradicted"]) for f in shown["facts"]] == [(b["id"], True), (a["id"], True)]
    assert client.get(f"/v1/facts/{a['id']}").json()["contradicted"] is True


def test_default_query_s15_history_hides_both(make_node, body):
    """The earlier reading, kept as the node option --default-query s15-history."""
    client = make_node(auth="none", default_query="s15-history").client
    client.post("/v1/facts", json=body("CEO"))
    client.post("/v1/facts", json=body("CTO", confidence=0.8))
    assert client.get("/v1/facts", params={"entity": ENTITY}).json() == {"facts": [], "total": 0, "cursor": None}


def test_resolution_winner_needs_a_live_sibling_to_lose_to(client, body, clock):
    """An expired winner gives way to the next sibling; include_expired=true brings it back."""
    soon = client.post("/v1/facts", json={**body("CEO"), "valid_until": "2030-01-01T00:00:00Z"}).json()
    later = client.post("/v1/facts", json=body("CTO", confidence=0.8)).json()
    ids = [f["id"] for f in client.get("/v1/facts", params={"entity": ENTITY}).json()["facts"]]
    assert ids == [soon["id"]]
    clock.set(1_893_456_000_000_000)  # 2030-01-01T00:00:00Z: valid_until reached
    ids = [f["id"] for f in client.get("/v1/facts", params={"entity": ENTITY}).json()["facts"]]
    assert ids == [later["id"]]
    ids = [f["id"] for f in client.get("/v1/facts", params={"entity": ENTITY, "include_expired": "true"}).json()[
        "facts"]]
    assert ids == [soon["id"]]


@pytest.mark.parametrize(
    "second",
    [
        {"value": {"type": "string", "v": "CEO"}, "source": "agent:other", "confidence": 0.7},
        {"confidence": 0.0, "value": {"type": "string", "v": "CTO"}},
        {"scope": "public", "value": {"type": "string", "v": "CTO"}},
        {"relation": "memory:title", "value": {"type": "string", "v": "CTO"}},
    ],
)
def test_pairs_that_do_not_contradict(client, body, second):
    client.post("/v1/facts", json=body("CEO"))
    assert client.post("/v1/facts", json=body(**second)).status_code == 201
    assert conflicts(client)["conflicts"] == []


def test_number_one_equals_one_point_zero(client, body):
    client.post("/v1/facts", json=body({"type": "number", "v": 1}))
    client.post("/v1/facts", json=body({"type": "number", "v": 1.0}, source="agent:x"))
    assert conflicts(client)["conflicts"] == []


def test_each_differing_sibling_makes_one_conflict(make_node, body):
    # Interpretation conflict_cardinality=pairwise.
    client = make_node(auth="none", conflict_cardinality="pairwise").client
    for value, confidence in (("CEO", 1.0), ("CTO", 0.8), ("CFO", 0.6)):
        client.post("/v1/facts", json=body(value, confidence=confidence))
    assert len(conflicts(client)["conflicts"]) == 3


def test_winner_pairing_makes_one_conflict_per_write(client, body):
    # Interpretation conflict_cardinality=winner (default, STG-CONF-018): each write is paired with the winner.
    ids = [client.post("/v1/facts", json=body(value, confidence=confidence)).json()["id"]
           for value, confidence in (("CEO", 1.0), ("CTO", 0.8), ("CFO", 0.6), ("COO", 0.4))]
    found = conflicts(client)["conflicts"]
    assert len(found) == 3 and all(ids[0] in (c["fact_a"]["id"], c["fact_b"]["id"]) for c in found)


def test_expired_sibling_is_not_live(node, body):
    client = node.client
    client.post("/v1/facts", json=body("CEO", valid_until="2026-05-01T00:00:01Z"))
    node.clock.advance(2_000_000)
    client.post("/v1/facts", json=body("CTO"))
    assert conflicts(client)["conflicts"] == []


def test_resolve_with_winner(node, body):
    client = node.client
    a = client.post("/v1/facts", json=body("CEO")).json()
    b = client.post("/v1/facts", json=body("CTO", confidence=0.8)).json()
    conflict_id = conflicts(client)["conflicts"][0]["conflict_id"]
    response = client.post(f"/v1/conflicts/{conflict_id}/resolve",
                           json={"winning_fact_id": a["id"], "resolution_note": "board minutes"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["conflict_status"] == "resolved"

    resolution = client.get(f"/v1/facts/{answer['resolution_fact_id']}").json()
    assert (resolution["entity"], resolution["relation"], resolution["scope"]) == (ENTITY, "memory:role", "company")
    assert resolution["value"] == a["value"] and resolution["confidence"] == 1.0
    assert resolution["source"] == "anon:trusted" and resolution["contradicted"] is False
    resolves = client.get("/v1/facts", params={"entity": f"stigmem:fact:{resolution['id']}"}).json()["facts"]
    assert [(f["relation"], f["value"]) for f in resolves] == [
        ("stigmem:resolves", {"type": "ref", "v": conflict_id})
    ]
    statuses = client.get("/v1/facts", params={"entity": conflict_id, "relation": "stigmem:conflict:status"})
    assert [f["value"]["v"] for f in statuses.json()["facts"]] == ["resolved", "unresolved"]

    [listed] = conflicts(client, status="resolved")["conflicts"]
    assert listed["resolved_by"] == resolution["id"] and listed["status"] == "resolved"
    assert conflicts(client, status="unresolved")["conflicts"] == []
    assert client.get(f"/v1/facts/{a['id']}").json() == {**a, "contradicted": False}
    assert client.get(f"/v1/facts/{b['id']}").json() == {**b, "contradicted": False}

    again = client.post(f"/v1/conflicts/{conflict_id}/resolve", json={"winning_fact_id": a["id"]})
    assert (again.status_code, again.json()["error"]) == (409, "conflict_already_resolved")


def test_resolve_with_new_value_and_bare_uuid(client, body):
    client.post("/v1/facts", json=body("CEO"))
    client.post("/v1/facts", json=body("CTO"))
    conflict_id = conflicts(client)["conflicts"][0]["conflict_id"]
    response = client.post(f"/v1/conflicts/{conflict_id.split(':')[-1]}/resolve",
                           json={"new_value": {"type": "string", "v": "CEO and CTO"}})
    assert response.status_code == 200
    fact = client.get(f"/v1/facts/{response.json()['resolution_fact_id']}").json()
    assert fact["value"] == {"type": "string", "v": "CEO and CTO"}
    assert len(conflicts(client)["conflicts"]) == 1  # the resolution starts no new conflict


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        ({"winning_fact_id": "00000000-0000-4000-8000-000000000000"}, 422, "invalid_resolution"),
        ({}, 422, "invalid_resolution"),
        (None, 422, "invalid_resolution"),
        ({"winning_fact_id": None, "new_value": None}, 422, "invalid_resolution"),
        ({"new_value": {"type": "number", "v": "x"}}, 422, "value_invalid"),
        ({"winner": "a"}, 422, "invalid_body"),
    ],
)
def test_invalid_resolutions(client, body, sent, status, code):
    client.post("/v1/facts", json=body("CEO"))
    client.post("/v1/facts", json=body("CTO"))
    conflict_id = conflicts(client)["conflicts"][0]["conflict_id"]
    response = client.post(f"/v1/conflicts/{conflict_id}/resolve", json=sent)
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert conflicts(client, status="unresolved")["conflicts"][0]["conflict_id"] == conflict_id


def test_winner_and_new_value_together_is_invalid(client, body):
    a = client.post("/v1/facts", json=body("CEO")).json()
    client.post("/v1/facts", json=body("CTO"))
    conflict_id = conflicts(client)["conflicts"][0]["conflict_id"]
    sent = {"winning_fact_id": a["id"], "new_value": {"type": "string", "v": "x"}}
    response = client.post(f"/v1/conflicts/{conflict_id}/resolve", json=sent)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_resolution")


def test_unknown_conflict(client):
    response = client.post("/v1/conflicts/stigmem:conflict:nope/resolve", json={"winning_fact_id": "x"})
    assert (response.status_code, response.json()["error"]) == (404, "conflict_not_found")


def test_conflict_pages(client, body):
    for index in range(5):
        client.post("/v1/facts", json=body("A", entity=f"user:e{index}"))
        client.post("/v1/facts", json=body("B", entity=f"user:e{index}"))
    first = conflicts(client, limit=2)
    assert first["has_more"] is True and len(first["conflicts"]) == 2
    seen = [c["conflict_id"] for c in first["conflicts"]]
    cursor = first["cursor"]
    while cursor:
        page = conflicts(client, limit=2, cursor=cursor)
        seen += [c["conflict_id"] for c in page["conflicts"]]
        cursor = page["cursor"]
        assert page["has_more"] is (cursor is not None)
    assert len(seen) == len(set(seen)) == 5
    for params in ({"status": "open"}, {"limit": "0"}, {"cursor": "zzz"}):
        assert client.get("/v1/conflicts", params=params).status_code == 400
