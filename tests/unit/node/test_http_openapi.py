"""schemas/openapi.json: it covers every route, its refs resolve, and real answers match what it declares."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from reference_node.api.app import ROUTES

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"
OPENAPI_PATH = SCHEMAS / "openapi.json"
OPENAPI = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
METHODS = {"get", "post", "put", "patch", "delete"}


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.resolve().as_uri(), Resource.from_contents(doc, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _template(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", path)


def test_served_document_is_the_repository_file(client):
    assert client.get("/openapi.json").json() == OPENAPI
    assert OPENAPI["openapi"].startswith("3.1")


def test_every_route_is_documented_and_nothing_else():
    served = {(_template(route.path), method.lower()) for route in ROUTES for method in route.methods or ()}
    served = {(path, method) for path, method in served if method in METHODS}
    documented = {(path, method) for path, item in OPENAPI["paths"].items() for method in item if method in METHODS}
    assert served == documented


def _refs(node, found):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def test_every_ref_resolves():
    resolver = REGISTRY.resolver(base_uri=OPENAPI_PATH.resolve().as_uri())
    for ref in _refs(OPENAPI, set()):
        assert resolver.lookup(ref).contents is not None, ref


def _operation(method: str, path: str) -> tuple[str, dict]:
    for template, item in OPENAPI["paths"].items():
        pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    raise AssertionError(f"{method} {path} is not documented")


def check(response) -> None:
    """The status is declared for the operation, and a JSON body matches the declared schema."""
    request = response.request
    template, operation = _operation(request.method, request.url.raw_path.decode("ascii").split("?")[0])
    status = str(response.status_code)
    assert status in operation["responses"], f"{request.method} {template} answered undeclared {status}"
    declared = operation["responses"][status]
    where = ("paths", template, request.method.lower(), "responses", status)
    if "$ref" in declared:
        name = declared["$ref"].rsplit("/", 1)[-1]
        declared, where = OPENAPI["components"]["responses"][name], ("components", "responses", name)
    if "content" not in declared:
        assert response.content == b""
        return
    ref = OPENAPI_PATH.resolve().as_uri() + "#/" + _pointer(*where, "content", "application/json", "schema")
    Draft202012Validator({"$ref": ref}, registry=REGISTRY).validate(response.json())


@pytest.fixture
def secure(make_node):
    return make_node()


def test_answers_match_the_document(secure, body):
    c, admin, reader = secure.client, secure.key(("read", "write", "admin")), secure.key(("read",), ["local"])
    answers = [c.get("/.well-known/stigmem"), c.get("/healthz"), c.get("/v1/facts")]
    created = c.post("/v1/facts", json=body(), headers=admin)
    fact = created.json()
    answers += [
        created,
        c.post("/v1/facts", json=body(), headers=admin),
        c.post("/v1/facts", content=b"{", headers=admin),
        c.post("/v1/facts", json=body(), headers=reader),
        c.post("/v1/facts", json=body(garden_id="g:x"), headers=admin),
        c.post("/v1/facts", json=body({"type": "text", "v": "x" * 70000}), headers=admin),
        c.post("/v1/facts", json=body(scope="x"), headers=admin),
        c.post("/v1/facts", json=body("CTO", confidence=0.5), headers=admin),
        c.get("/v1/facts", params={"include_contradicted": "true"}, headers=admin),
        c.get("/v1/facts", params={"limit": "0"}, headers=admin),
        c.get("/v1/facts", params={"scope": "company"}, headers=reader),
        c.get("/v1/facts", params={"garden_id": "g:x"}, headers=admin),
        c.get("/v1/facts", params={"as_of": "2020-01-01T00:00:00Z"}, headers=admin),
        c.post("/v1/facts:batch", json={"facts": [body(relation="memory:b")], "idempotency_key": "k"}, headers=admin),
        c.post("/v1/facts:batch", json={"facts": [body(relation="memory:c")], "idempotency_key": "k"}, headers=admin),
        c.post("/v1/facts:batch", json={"facts": [body(scope="x")]}, headers=admin),
        c.post("/v1/facts:batch", json={"facts": 1}, headers=admin),
        c.get(f"/v1/facts/{fact['id']}", headers=admin),
        c.get("/v1/facts/sha256:abc", headers=admin),
        c.get("/v1/facts/nope", headers=admin),
        c.post(f"/v1/facts/{fact['cid']}/verify-cid", headers=admin),
        c.post("/v1/facts/nope/verify-cid", headers=admin),
    ]
    listing = c.get("/v1/conflicts", headers=admin)
    conflict_id = listing.json()["conflicts"][0]["conflict_id"]
    answers += [
        listing,
        c.get("/v1/conflicts", params={"status": "x"}, headers=admin),
        c.post(f"/v1/conflicts/{conflict_id}/resolve", json={}, headers=admin),
        c.post(f"/v1/conflicts/{conflict_id}/resolve", json={"winning_fact_id": fact["id"]}, headers=admin),
        c.post(f"/v1/conflicts/{conflict_id}/resolve", json={"winning_fact_id": fact["id"]}, headers=admin),
        c.post("/v1/conflicts/nope/resolve", json={"winning_fact_id": fact["id"]}, headers=admin),
        c.get("/v1/conflicts", params={"status": "resolved"}, headers=admin),
    ]
    key = c.post("/v1/auth/keys", json={"entity_uri": "user:k", "permissions": ["read"]}, headers=admin)
    answers += [
        key,
        c.post("/v1/auth/keys", json={"entity_uri": "user:k"}, headers=admin),
        c.get("/v1/auth/keys", headers=admin),
        c.get("/v1/auth/keys", headers=reader),
        c.delete(f"/v1/auth/keys/{key.json()['id']}", headers=admin),
        c.delete("/v1/auth/keys/nope", headers=admin),
        c.get("/v1/admin/status", headers=admin),
        c.get("/v1/admin/cid-backfill/status", headers=admin),
    ]
    for answer in answers:
        check(answer)
    assert {answer.status_code for answer in answers} >= {200, 201, 204, 400, 401, 403, 404, 409, 413, 422, 501}
