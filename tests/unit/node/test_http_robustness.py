"""STG-HTTP-003: whatever a client sends, the answer is a JSON 4xx (or success), never a 5xx, never a half-write."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.checks.hostile_inputs import HOSTILE_VALUES

# Huge integers (beyond any double) and text with lone surrogates are drawn too (both crashed the node once).
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**308, max_value=10**400)
    | st.floats(allow_nan=False) | st.text(max_size=20) | st.text(st.characters(categories=["Cs", "Ll"]), max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
FIELD = st.sampled_from(["entity", "relation", "value", "source", "scope", "confidence", "valid_until", "garden_id",
                         "id", "timestamp", "hlc", "cid"])
VALUE = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "text", "number", "boolean", "datetime", "ref", "null", "x"])},
    optional={"v": JSON, "interpret_as": st.sampled_from(["content", "instruction", "x"])},
)
BODY = st.dictionaries(FIELD, JSON | VALUE | st.sampled_from(["company", "user:a", "memory:x", 0.5]), max_size=9)
SLOW = {"suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow], "deadline": None}


@settings(max_examples=100, **SLOW)
@given(sent=BODY | JSON)
def test_assert_never_fails_on_the_server(client, sent):
    response = client.post("/v1/facts", content=json.dumps(sent), headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 201) or 400 <= response.status_code < 500, response.text
    assert isinstance(response.json(), dict)


@settings(max_examples=100, **SLOW)
@given(params=st.dictionaries(st.sampled_from(["entity", "relation", "source", "scope", "min_confidence", "after",
                                               "include_contradicted", "include_expired", "cursor", "limit"]),
                              st.text(max_size=30), max_size=5))
def test_query_never_fails_on_the_server(client, params):
    response = client.get("/v1/facts", params=params)
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.text


def test_pathological_json(client):
    for raw in (b"[" * 100_000 + b"]" * 100_000, b'{"confidence": ' + b"9" * 5000 + b"}", b'{"confidence": 1e999}'):
        response = client.post("/v1/facts", content=raw)
        assert 400 <= response.status_code < 500


def test_full_database_answers_507_in_the_envelope(node, body):
    """SQLITE_FULL (here: PRAGMA max_page_count at the current size) is 507 storage_full; reads still work."""
    with node.store.db.reading() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    answers = [node.client.post("/v1/facts", json=body(value=f"v{i}" * 200)) for i in range(60)]
    full = [a for a in answers if a.status_code == 507]
    assert full, [a.status_code for a in answers]
    assert {a.status_code for a in answers} <= {201, 507}
    assert full[0].json()["error"] == "storage_full"
    assert node.client.get("/healthz").status_code == 200
    assert node.client.get("/v1/facts", params={"limit": "1"}).status_code == 200


@settings(max_examples=60, **SLOW)
@given(field=FIELD, hostile=st.sampled_from(sorted(HOSTILE_VALUES)), member=st.booleans())
def test_hostile_table_values_never_fail_on_the_server(client, body, field, hostile, member):
    """The suite's hostile table (400-digit integers, lone surrogates, every JSON type) in any member or as a name."""
    sent = body()
    if member:
        sent[HOSTILE_VALUES["surrogate"] + field] = HOSTILE_VALUES[hostile]
    else:
        sent[field] = HOSTILE_VALUES[hostile]
    for path in ("/v1/facts", "/v1/facts:batch"):
        payload = sent if path == "/v1/facts" else {"facts": [sent]}
        response = client.post(path, content=json.dumps(payload), headers={"Content-Type": "application/json"})
        assert response.status_code in (200, 201) or 400 <= response.status_code < 500, response.text
        assert isinstance(response.json(), dict)


def test_response_byte_budget_cuts_pages_and_the_walk_still_returns_everything(make_node, body):
    """STG-ROB-005: with a 4 KiB budget, a page of 1 KiB values ends early with a cursor; following the cursors
    returns every fact exactly once, and conflict pages are cut the same way."""
    node = make_node(auth="none", max_response_bytes=4096)
    big = "x" * 1000
    made = [node.client.post("/v1/facts", json=body({"type": "text", "v": big + str(i)}, relation=f"memory:b{i}"))
            .json()["id"] for i in range(10)]
    first = node.client.get("/v1/facts", params={"limit": "50"})
    assert len(first.content) <= 4096 + 200 and first.json()["cursor"] is not None
    seen, cursor = [], None
    for _ in range(20):
        page = node.client.get("/v1/facts", params={"limit": "50", **({"cursor": cursor} if cursor else {})}).json()
        assert 1 <= len(page["facts"]) < 10 and page["total"] == 10
        seen += [f["id"] for f in page["facts"]]
        cursor = page["cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == 10
    for i in range(6):  # conflicts whose facts carry large values
        node.client.post("/v1/facts", json=body({"type": "text", "v": big + "a"}, relation=f"memory:c{i}"))
        node.client.post("/v1/facts", json=body({"type": "text", "v": big + "b"}, relation=f"memory:c{i}"))
    conflicts = node.client.get("/v1/conflicts", params={"limit": "50"}).json()
    assert 1 <= len(conflicts["conflicts"]) < 6 and conflicts["has_more"] is True


def test_a_single_item_larger_than_the_budget_is_still_served(make_node, body):
    node = make_node(auth="none", max_response_bytes=100)
    node.client.post("/v1/facts", json=body({"type": "text", "v": "y" * 500}))
    page = node.client.get("/v1/facts").json()
    assert len(page["facts"]) == 1 and page["cursor"] is None
