"""POST /v1/facts:batch (interpretation batch_assert = adr-006)."""

from __future__ import annotations

import pytest


def count(client):
    return client.get("/v1/facts", params={"include_contradicted": "true", "include_expired": "true"}).json()["total"]


def test_batch_writes_all_in_order(client, body):
    items = [body(relation=f"memory:r{i}") for i in range(3)]
    response = client.post("/v1/facts:batch", json={"facts": items, "atomic": True})
    assert response.status_code == 200
    facts = response.json()["facts"]
    assert [fact["relation"] for fact in facts] == ["memory:r0", "memory:r1", "memory:r2"]
    assert all(fact["cid"].startswith("sha256:") for fact in facts)
    assert facts[0]["hlc"] < facts[1]["hlc"] < facts[2]["hlc"]
    assert count(client) == 3


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"scope": "galaxy"}, "invalid_scope"),
        ({"relation": "stigmem:resolves"}, "reserved_namespace"),
        ({"entity": "nope"}, "invalid_entity_uri"),
        ({"value": {"type": "number", "v": "1"}}, "value_invalid"),
    ],
)
def test_atomic_failure_writes_nothing(client, body, bad, reason):
    items = [body(relation="memory:a"), body(**{"relation": "memory:b", **bad}), body(relation="memory:c")]
    response = client.post("/v1/facts:batch", json={"facts": items})
    assert response.status_code == 422
    assert response.json() | {"detail": ""} == {
        "error": "batch_failed", "detail": "", "failed_at_index": 1, "reason": reason, "facts_written": 0
    }
    assert count(client) == 0


def test_more_than_fifty_facts_is_refused(client, body):
    response = client.post("/v1/facts:batch", json={"facts": [body(relation=f"memory:r{i}") for i in range(51)]})
    assert (response.status_code, response.json()["error"]) == (422, "batch_failed")
    assert count(client) == 0
    assert client.post("/v1/facts:batch", json={"facts": [body()] * 50}).status_code == 200


def test_contradiction_and_duplicates_inside_a_batch(client, body):
    response = client.post("/v1/facts:batch", json={"facts": [body("CEO"), body("CTO"), body("CEO")]})
    facts = response.json()["facts"]
    assert facts[2] == facts[0]
    assert len(client.get("/v1/conflicts").json()["conflicts"]) == 1


def test_idempotency_key(client, body):
    sent = {"facts": [body()], "idempotency_key": "k-1"}
    first = client.post("/v1/facts:batch", json=sent)
    again = client.post("/v1/facts:batch", json=sent)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert count(client) == 1
    reused = client.post("/v1/facts:batch", json={"facts": [body("CTO")], "idempotency_key": "k-1"})
    assert (reused.status_code, reused.json()["error"]) == (409, "idempotency_key_reused")
    assert count(client) == 1

    header = {"Idempotency-Key": "k-2"}
    by_header = client.post("/v1/facts:batch", json={"facts": [body(relation="memory:h")]}, headers=header)
    replay = client.post("/v1/facts:batch", json={"facts": [body(relation="memory:h")]}, headers=header)
    assert by_header.json() == replay.json() and count(client) == 2
    both = client.post("/v1/facts:batch", json={**sent, "idempotency_key": "k-3"}, headers=header)
    assert (both.status_code, both.json()["error"]) == (422, "invalid_body")


@pytest.mark.parametrize(
    "sent",
    [[], {"atomic": True}, {"facts": {}}, {"facts": [], "atomic": "yes"}, {"facts": [], "extra": 1},
     {"facts": [], "idempotency_key": 5}],
)
def test_invalid_envelopes(client, sent):
    response = client.post("/v1/facts:batch", json=sent)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_body")


def test_batch_needs_write_permission(make_node, body):
    secure = make_node()
    response = secure.client.post("/v1/facts:batch", json={"facts": [body()]}, headers=secure.key(("read",)))
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")
