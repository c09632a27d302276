"""Authentication, permissions, allowed scopes and the API key routes."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

ROUTES = [
    ("POST", "/v1/facts"),
    ("GET", "/v1/facts"),
    ("POST", "/v1/facts:batch"),
    ("GET", "/v1/facts/x"),
    ("POST", "/v1/facts/x/verify-cid"),
    ("GET", "/v1/conflicts"),
    ("POST", "/v1/conflicts/x/resolve"),
    ("POST", "/v1/auth/keys"),
    ("GET", "/v1/auth/keys"),
    ("DELETE", "/v1/auth/keys/x"),
    ("GET", "/v1/admin/status"),
    ("GET", "/v1/admin/cid-backfill/status"),
]


@pytest.fixture
def secure(make_node):
    return make_node()


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Basic abc", "bearer  "])
def test_every_v1_route_needs_a_key(secure, method, path, header):
    headers = {} if header is None else {"Authorization": header}
    response = secure.client.request(method, path, headers=headers)
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", ["/.well-known/stigmem", "/healthz", "/openapi.json"])
def test_open_routes(secure, path):
    response = secure.client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"


def test_discovery_advertises_auth_mode(secure, node):
    assert secure.client.get("/.well-known/stigmem").json()["auth"] == "required"
    assert node.client.get("/.well-known/stigmem").json()["auth"] == "none"


def test_permissions(secure, body):
    reader, writer, admin = secure.key(("read",)), secure.key(("write",)), secure.key(("admin",))
    client = secure.client
    assert client.post("/v1/facts", json=body(), headers=reader).json()["error"] == "forbidden"
    assert client.post("/v1/facts", json=body(), headers=writer).status_code == 201
    assert client.get("/v1/facts", headers=writer).status_code == 403
    assert client.get("/v1/facts", headers=reader).json()["total"] == 1
    for path in ("/v1/admin/status", "/v1/admin/cid-backfill/status", "/v1/auth/keys"):
        assert client.get(path, headers=reader).status_code == 403
        assert client.get(path, headers=admin).status_code == 200
    assert client.get("/v1/facts", headers=admin).status_code == 403


def test_allowed_scopes(secure, body):
    client = secure.client
    everything = secure.key()
    local = secure.key(scopes=["local"])
    denied = client.post("/v1/facts", json=body(scope="public"), headers=local)
    assert (denied.status_code, denied.json()["error"]) == (403, "scope_forbidden")
    mine = client.post("/v1/facts", json=body(scope="local"), headers=local).json()
    other = client.post("/v1/facts", json=body(scope="company"), headers=everything).json()
    client.post("/v1/facts", json=body("CTO", scope="company"), headers=everything)

    seen = client.get("/v1/facts", params={"include_contradicted": "true"}, headers=local).json()
    assert [fact["id"] for fact in seen["facts"]] == [mine["id"]] and seen["total"] == 1
    refused = client.get("/v1/facts", params={"scope": "company"}, headers=local)
    assert (refused.status_code, refused.json()["error"]) == (403, "scope_forbidden")
    assert client.get("/v1/facts", params={"scope": "local"}, headers=local).json()["total"] == 1
    for path in (f"/v1/facts/{other['id']}", f"/v1/facts/{other['cid']}"):
        assert client.get(path, headers=local).json()["error"] == "fact_not_found"
    assert client.post(f"/v1/facts/{other['id']}/verify-cid", headers=local).status_code == 404
    assert client.get("/v1/conflicts", headers=local).json()["conflicts"] == []
    conflict_id = client.get("/v1/conflicts", headers=everything).json()["conflicts"][0]["conflict_id"]
    hidden = client.post(f"/v1/conflicts/{conflict_id}/resolve", json={"winning_fact_id": other["id"]}, headers=local)
    assert hidden.json()["error"] == "conflict_not_found"


def test_key_without_scopes_has_no_access(secure, body):
    client = secure.client
    nothing = secure.key(scopes=[])
    fact = client.post("/v1/facts", json=body(), headers=secure.key()).json()
    assert client.post("/v1/facts", json=body(scope="local"), headers=nothing).status_code == 403
    assert client.get("/v1/facts", headers=nothing).status_code == 403
    assert client.get("/v1/conflicts", headers=nothing).status_code == 403
    assert client.get(f"/v1/facts/{fact['id']}", headers=nothing).status_code == 404


def test_key_routes(secure):
    client = secure.client
    admin = secure.key(("read", "write", "admin"))
    created = client.post("/v1/auth/keys", headers=admin,
                          json={"entity_uri": "Stigmem://Example.org/Agent/New", "permissions": ["write", "read"]})
    assert created.status_code == 201
    key = created.json()
    assert key["entity_uri"] == "stigmem://example.org/agent/new"
    assert key["permissions"] == ["read", "write"]
    assert key["allowed_scopes"] == ["local", "team", "company", "public"]
    fresh = {"Authorization": f"Bearer {key['key']}"}
    assert client.get("/v1/facts", headers=fresh).status_code == 200

    listed = client.get("/v1/auth/keys", headers=admin).json()["keys"]
    assert key["id"] in [item["id"] for item in listed]
    assert all("key" not in item and "key_sha256" not in item for item in listed)

    with sqlite3.connect(secure.settings.db_path) as conn:
        dump = "\n".join(conn.iterdump())
    assert key["key"] not in dump and hashlib.sha256(key["key"].encode()).hexdigest() in dump

    assert client.delete(f"/v1/auth/keys/{key['id']}", headers=admin).status_code == 204
    assert client.get("/v1/facts", headers=fresh).status_code == 401
    gone = client.delete(f"/v1/auth/keys/{key['id']}", headers=admin)
    assert (gone.status_code, gone.json()["error"]) == (404, "key_not_found")


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        ({"permissions": ["read"]}, 422, "invalid_body"),
        ({"entity_uri": "user:x"}, 422, "invalid_body"),
        ({"entity_uri": "user:x", "permissions": ["fly"]}, 422, "invalid_body"),
        ({"entity_uri": "user:x", "permissions": "read"}, 422, "invalid_body"),
        ({"entity_uri": "user:x", "permissions": ["read"], "allowed_scopes": ["galaxy"]}, 422, "invalid_body"),
        ({"entity_uri": "user:x", "permissions": ["read"], "admin": True}, 422, "invalid_body"),
        ({"entity_uri": "nope", "permissions": ["read"]}, 400, "invalid_entity_uri"),
    ],
)
def test_invalid_key_requests(secure, sent, status, code):
    response = secure.client.post("/v1/auth/keys", json=sent, headers=secure.key(("admin",)))
    assert (response.status_code, response.json()["error"]) == (status, code)
