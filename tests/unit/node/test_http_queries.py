"""GET /v1/facts: filters, order, expiry, cursors and parameter errors."""

from __future__ import annotations

import base64

import pytest

ENTITY = "stigmem://example.org/user/alice"


def ids(response):
    return [fact["id"] for fact in response.json()["facts"]]


def follow(client, params, limit):
    """Every fact of a query, page by page, plus the totals reported on the way."""
    seen, totals, cursor = [], set(), None
    while True:
        page = client.get("/v1/facts", params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        seen += ids(page)
        totals.add(page.json()["total"])
        cursor = page.json()["cursor"]
        if cursor is None:
            return seen, totals


def test_empty_result(client):
    assert client.get("/v1/facts", params={"entity": ENTITY}).json() == {"facts": [], "total": 0, "cursor": None}


def test_filters_are_conjunctive_and_normalized(client, body):
    wanted = client.post("/v1/facts", json=body(source="agent:a", confidence=0.9)).json()
    client.post("/v1/facts", json=body(relation="memory:title", source="agent:a"))
    client.post("/v1/facts", json=body(scope="team", source="agent:a"))
    client.post("/v1/facts", json=body(entity="user:bob", source="agent:a"))
    client.post("/v1/facts", json=body("CTO", source="agent:b", relation="memory:x", confidence=0.2))
    params = {"entity": " STIGMEM://example.org/User/Alice", "relation": "memory:role", "source": "Agent:A",
              "scope": "company", "min_confidence": "0.9"}
    response = client.get("/v1/facts", params=params)
    assert ids(response) == [wanted["id"]] and response.json()["total"] == 1
    assert client.get("/v1/facts", params={"min_confidence": "0.91"}).json()["total"] == 3
    assert client.get("/v1/facts", params={"source": "agent:b"}).json()["total"] == 1


def test_newest_first_and_retractions_are_ordinary_facts(client, body):
    first = client.post("/v1/facts", json=body()).json()
    retraction = client.post("/v1/facts", json=body(confidence=0.0)).json()
    response = client.get("/v1/facts", params={"entity": ENTITY})
    assert ids(response) == [retraction["id"], first["id"]]
    assert [fact["contradicted"] for fact in response.json()["facts"]] == [False, False]


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 500])
def test_cursor_walk_yields_every_fact_once_with_equal_timestamps(client, body, limit):
    written = [client.post("/v1/facts", json=body(relation=f"memory:r{i}")).json()["id"] for i in range(17)]
    seen, totals = follow(client, {"entity": ENTITY}, limit)
    assert seen == list(reversed(written))
    assert totals == {17}
    timestamps = {fact["timestamp"] for fact in client.get("/v1/facts", params={"limit": 500}).json()["facts"]}
    assert len(timestamps) == 1  # one frozen millisecond: the HLC counter orders them


def test_cursor_walk_is_stable_under_new_writes(client, body):
    written = [client.post("/v1/facts", json=body(relation=f"memory:r{i}")).json()["id"] for i in range(6)]
    first = client.get("/v1/facts", params={"limit": 3}).json()
    client.post("/v1/facts", json=body(relation="memory:late"))
    rest = client.get("/v1/facts", params={"limit": 3, "cursor": first["cursor"]}).json()
    assert [f["id"] for f in first["facts"] + rest["facts"]] == list(reversed(written))
    # total is counted once per walk: the later page carries the first page's count (STG-HTTP-013) ...
    assert rest["cursor"] is None and rest["total"] == 6
    # ... and a new walk counts afresh
    assert client.get("/v1/facts", params={"limit": 3}).json()["total"] == 7


def test_carried_total_belongs_to_its_query(client, body):
    """A cursor reused with other filters does not carry its total over: the node counts for the new query."""
    for i in range(4):
        client.post("/v1/facts", json=body(relation=f"memory:t{i}"))
    first = client.get("/v1/facts", params={"limit": 2}).json()
    narrowed = client.get("/v1/facts", params={"limit": 2, "cursor": first["cursor"], "relation": "memory:t0"})
    assert first["total"] == 4 and narrowed.json()["total"] == 1


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "Zg",
        base64.urlsafe_b64encode(b"f1|1746230400000.000").decode().rstrip("="),
        base64.urlsafe_b64encode(b"f1|1746230400000.000|not-a-uuid").decode().rstrip("="),
        base64.urlsafe_b64encode(b"c1|5").decode().rstrip("="),
        base64.urlsafe_b64encode(b"f1|x").decode(),
    ],
)
def test_foreign_cursors_are_rejected(client, cursor):
    response = client.get("/v1/facts", params={"cursor": cursor})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_cursor")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"limit": "0"}, 400, "invalid_parameter"),
        ({"limit": "501"}, 400, "invalid_parameter"),
        ({"limit": "-1"}, 400, "invalid_parameter"),
        ({"limit": "ten"}, 400, "invalid_parameter"),
        ({"include_expired": "yes"}, 400, "invalid_parameter"),
        ({"include_contradicted": "1"}, 400, "invalid_parameter"),
        ({"min_confidence": "1.5"}, 400, "invalid_parameter"),
        ({"min_confidence": "nan"}, 400, "invalid_parameter"),
        ({"scope": "galaxy"}, 400, "invalid_parameter"),
        ({"after": "yesterday"}, 400, "invalid_parameter"),
        ({"entity": "no scheme"}, 400, "invalid_entity_uri"),
        ({"as_of": "2020-01-01T00:00:00Z"}, 501, "time_travel_plugin_not_loaded"),
        ({"as_of": "not-a-date"}, 501, "time_travel_plugin_not_loaded"),
        ({"garden_id": "stigmem://localhost/garden/g"}, 404, "garden_not_found"),
    ],
)
def test_parameter_errors(client, params, status, code):
    response = client.get("/v1/facts", params=params)
    assert (response.status_code, response.json()["error"]) == (status, code)


def test_repeated_parameter_is_rejected(client):
    response = client.get("/v1/facts?limit=5&limit=6")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_parameter")


@pytest.mark.parametrize("spelling", ["2026-05-01T00:00:01Z", "2026-05-01T02:00:01+02:00", "2026-05-01T00:00:01.000Z"])
def test_expiry_is_exclusive_and_compares_instants(node, body, spelling):
    client = node.client
    fact = client.post("/v1/facts", json=body(valid_until=spelling)).json()
    assert ids(client.get("/v1/facts")) == [fact["id"]]
    node.clock.advance(999_999)
    assert ids(client.get("/v1/facts")) == [fact["id"]]
    node.clock.advance(1)  # now == valid_until: expired
    assert client.get("/v1/facts").json() == {"facts": [], "total": 0, "cursor": None}
    assert ids(client.get("/v1/facts", params={"include_expired": "true"})) == [fact["id"]]
    assert client.get(f"/v1/facts/{fact['id']}").json()["valid_until"] == spelling


def test_after_is_exclusive_and_compares_instants(node, body):
    client = node.client
    early = client.post("/v1/facts", json=body(relation="memory:a")).json()
    node.clock.advance(1_500_000)
    late = client.post("/v1/facts", json=body(relation="memory:b")).json()
    assert ids(client.get("/v1/facts", params={"after": early["timestamp"]})) == [late["id"]]
    assert ids(client.get("/v1/facts", params={"after": "2026-05-01T02:00:00.5+02:00"})) == [late["id"]]
    assert ids(client.get("/v1/facts?after=2026-05-01T01:59:59+02:00")) == [late["id"], early["id"]]
    assert ids(client.get("/v1/facts", params={"after": late["timestamp"]})) == []
