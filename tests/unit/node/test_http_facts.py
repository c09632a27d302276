"""POST /v1/facts, GET /v1/facts/{id_or_cid}, verify-cid: records, stamps, dedup and the error table."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from reference_node.protocol import cid as cid_rules
from reference_node.protocol.facts import body as fact_body

ENTITY = "stigmem://example.org/user/alice"


def test_assert_returns_201_with_normalized_record_and_stamps(client, body):
    response = client.post("/v1/facts", json=body(entity=" stigmem://Example.ORG/User/Alice ", source="Agent:Tester"))
    assert response.status_code == 201
    fact = response.json()
    assert fact["entity"] == ENTITY and fact["source"] == "agent:tester"
    assert re.fullmatch(r"[0-9a-f-]{36}", fact["id"])
    assert fact["timestamp"] == "2026-05-01T00:00:00.000000Z"
    assert re.fullmatch(r"\d{13}\.\d{3}", fact["hlc"])
    assert fact["confidence"] == 1.0 and fact["valid_until"] is None and "contradicted" not in fact
    assert fact["cid"] == cid_rules.compute(body())


def test_cid_is_jcs_over_six_fields(client, body):
    sent = body({"type": "number", "v": 42.0}, confidence=1)
    fact = client.post("/v1/facts", json=sent).json()
    preimage = (
        b'{"confidence":1,"entity":"stigmem://example.org/user/alice","relation":"memory:role","scope":"company",'
        b'"source":"agent:tester","value":{"type":"number","v":42}}'
    )
    assert cid_rules.preimage(fact_body(sent)) == preimage
    assert fact["cid"] == "sha256:" + hashlib.sha256(preimage).hexdigest()


def test_server_fields_in_body_are_ignored(client, body):
    fact = client.post("/v1/facts", json=body(id="mine", timestamp="2000-01-01T00:00:00Z", hlc="1", cid="x")).json()
    assert fact["id"] != "mine" and fact["timestamp"].startswith("2026") and fact["cid"].startswith("sha256:")


def test_dedup_returns_existing_record_with_200(client, body):
    first = client.post("/v1/facts", json=body())
    again = client.post("/v1/facts", json=body(source=" AGENT:tester"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


@pytest.mark.parametrize(
    "change",
    [{"valid_until": "2099-01-01T00:00:00Z"}, {"value": {"type": "string", "v": "CEO", "interpret_as": "content"}}],
)
def test_dedup_needs_same_valid_until_and_interpret_as(client, change, body):
    first = client.post("/v1/facts", json=body()).json()
    other = client.post("/v1/facts", json=body(**change))
    assert other.status_code == 201
    assert other.json()["cid"] == first["cid"] and other.json()["id"] != first["id"]
    assert client.get(f"/v1/facts/{first['cid']}").json()["id"] == first["id"]  # the earliest fact of a CID


def test_value_is_stored_as_sent(client, body):
    sent = {"type": "text", "v": "line\nnext ☃", "interpret_as": "instruction"}
    fact = client.post("/v1/facts", json=body(sent)).json()
    assert fact["value"] == sent
    null = client.post("/v1/facts", json=body({"type": "null"}, relation="memory:none")).json()
    assert null["value"] == {"type": "null", "v": None}


def test_valid_until_is_echoed_byte_for_byte(client, body):
    fact = client.post("/v1/facts", json=body(valid_until="2099-01-01T02:00:00.5+02:00")).json()
    assert fact["valid_until"] == "2099-01-01T02:00:00.5+02:00"
    assert client.get(f"/v1/facts/{fact['id']}").json()["valid_until"] == "2099-01-01T02:00:00.5+02:00"


def test_get_by_id_and_by_cid(client, body):
    fact = client.post("/v1/facts", json=body()).json()
    by_id = client.get(f"/v1/facts/{fact['id']}")
    by_cid = client.get("/v1/facts/" + fact["cid"].replace(":", "%3A"))
    by_entity_form = client.get(f"/v1/facts/stigmem:fact:{fact['id']}")
    assert by_id.status_code == by_cid.status_code == by_entity_form.status_code == 200
    assert by_id.json() == by_cid.json() == by_entity_form.json() == {**fact, "contradicted": False}


@pytest.mark.parametrize(
    ("ref", "status", "code"),
    [
        ("sha256:" + "F" * 64, 400, "cid_malformed"),
        ("sha256:abc", 400, "cid_malformed"),
        ("SHA256:" + "f" * 64, 400, "cid_malformed"),
        ("sha256:" + "f" * 64, 404, "fact_not_found"),
        ("00000000-0000-4000-8000-000000000000", 404, "fact_not_found"),
        ("not-an-id", 404, "fact_not_found"),
    ],
)
def test_single_read_errors(client, ref, status, code):
    response = client.get(f"/v1/facts/{ref}")
    assert (response.status_code, response.json()["error"]) == (status, code)


def test_verify_cid(client, body):
    fact = client.post("/v1/facts", json=body()).json()
    answer = client.post(f"/v1/facts/{fact['id']}/verify-cid", json={"cid": "ignored"}).json()
    assert answer["cid_valid"] is True
    assert answer["computed_cid"] == answer["stored_cid"] == fact["cid"]
    assert client.post("/v1/facts/nope/verify-cid").status_code == 404


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"", 400, "malformed_json"),
        (b'{"a": 1, "a": 2}', 400, "malformed_json"),
        (b'{"confidence": NaN}', 400, "malformed_json"),
        (b"\xff\xfe", 400, "malformed_json"),
        (b"[1, 2]", 422, "invalid_body"),
    ],
)
def test_malformed_bodies(client, sent, status, code):
    response = client.post("/v1/facts", content=sent, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]) == (status, code)


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"entity": None}, 422, "invalid_body"),
        ({"colour": "red"}, 422, "invalid_body"),
        ({"relation": ""}, 422, "invalid_body"),
        ({"relation": 5}, 422, "invalid_body"),
        ({"relation": "memory:\ud800"}, 422, "invalid_body"),
        ({"confidence": 1.5}, 422, "invalid_confidence"),
        ({"confidence": "0.5"}, 422, "invalid_confidence"),
        ({"confidence": True}, 422, "invalid_confidence"),
        ({"scope": "galaxy"}, 422, "invalid_scope"),
        ({"value": {"type": "number", "v": "42"}}, 422, "value_invalid"),
        ({"value": {"type": "colour", "v": "red"}}, 422, "value_invalid"),
        ({"value": 5}, 422, "value_invalid"),
        ({"value": {"type": "string", "v": "\ud800"}}, 422, "value_invalid"),
        ({"entity": "no scheme"}, 400, "invalid_entity_uri"),
        ({"entity": "stigmem:///user/x"}, 400, "invalid_entity_uri"),
        ({"source": ""}, 400, "invalid_entity_uri"),
        ({"valid_until": "tomorrow"}, 422, "invalid_body"),
        ({"valid_until": 5}, 422, "invalid_body"),
        ({"value": {"type": "text", "v": "x" * 65537}}, 413, "value_too_large"),
        ({"relation": "stigmem:conflict:status"}, 403, "reserved_namespace"),
        ({"relation": "stigmem:resolves"}, 403, "reserved_namespace"),
        ({"relation": "garden:member"}, 403, "reserved_namespace"),
        ({"relation": "stigmem:received_from"}, 403, "reserved_namespace"),
        ({"source": "System:Stigmem"}, 403, "reserved_namespace"),
        ({"garden_id": "stigmem://localhost/garden/g"}, 404, "garden_not_found"),
    ],
)
def test_invalid_assertions(client, change, status, code, body):
    sent = body(**change)
    if change.get("entity", "") is None:
        del sent["entity"]
    response = client.post("/v1/facts", content=json.dumps(sent), headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]) == (status, code), response.json()
    assert isinstance(response.json()["detail"], str)
    assert client.get("/v1/facts", params={"include_expired": "true"}).json()["total"] == 0


def test_missing_required_fields_and_default_confidence(client, body):
    for name in ("entity", "relation", "value", "source", "scope"):
        sent = body()
        del sent[name]
        response = client.post("/v1/facts", json=sent)
        assert (response.status_code, response.json()["error"]) == (422, "invalid_body"), name
    assert client.post("/v1/facts", json=body()).json()["confidence"] == 1.0


def test_ttl_meta_fact_is_allowed(client, body):
    fact = client.post("/v1/facts", json=body()).json()
    ttl = client.post("/v1/facts", json=body({"type": "datetime", "v": "2099-01-01T00:00:00Z"},
                                             entity=f"stigmem:fact:{fact['id']}", relation="stigmem:ttl"))
    assert ttl.status_code == 201


def test_body_limit_with_and_without_content_length(make_node):
    client = make_node(auth="none", max_body_bytes=200).client
    big = b'{"entity": "' + b"x" * 300 + b'"}'
    response = client.post("/v1/facts", content=big)
    assert (response.status_code, response.json()["error"]) == (413, "body_too_large")

    def chunks():
        yield big[:150]
        yield big[150:]

    streamed = client.post("/v1/facts", content=chunks())
    assert (streamed.status_code, streamed.json()["error"]) == (413, "body_too_large")


def test_text_limit_is_configurable(make_node, body):
    client = make_node(auth="none", max_text_bytes=4).client
    assert client.post("/v1/facts", json=body({"type": "text", "v": "é" * 2})).status_code == 201
    assert client.post("/v1/facts", json=body({"type": "text", "v": "é" * 3})).status_code == 413


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/v1/facts"), ("PATCH", "/v1/facts/x"), ("DELETE", "/v1/facts/x")]
)
def test_no_mutation_routes(client, method, path):
    response = client.request(method, path)
    assert (response.status_code, response.json()["error"]) == (405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


def test_unknown_route(client):
    response = client.get("/v2/nothing")
    assert (response.status_code, response.json()) == (404, {"error": "not_found", "detail": "no route /v2/nothing"})
