"""Capability tokens on the node: issuance, revocation, the revocation list and the pull gate (Spec-06; A20 §19.3).

Tokens the suite side forges are signed here with ``cryptography`` over ``rfc8785`` bytes, never with the module
under test; the node's own tokens are read back and checked the same way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fakes"))
from fake_peer import FakePeer

T0 = datetime(2026, 5, 1, tzinfo=UTC)
T0_MS = 1_777_593_600_000
ISSUER = "stigmem://issuer.test/node/1"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def raw(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def signed(seed: bytes, doc: dict) -> dict:
    body = {k: v for k, v in doc.items() if k != "signature"}
    return body | {"signature": b64u(Ed25519PrivateKey.from_private_bytes(seed).sign(rfc8785.dumps(body)))}


SEED = bytes([9]) * 32


def manifest(subject: str) -> dict:
    return signed(SEED, {"manifest_version": 1, "entity_uri": ISSUER, "public_key": b64u(raw(SEED)),
                         "key_id": hashlib.sha256(raw(SEED)).hexdigest(), "entities": [ISSUER, subject],
                         "rotation_events": [], "issued_at": stamp(T0 - timedelta(days=1)),
                         "expires_at": stamp(T0 + timedelta(days=30))})


def token(subject: str, obj: str, **changes) -> str:
    doc = {"token_version": 1, "token_id": "3f0c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "issuer": ISSUER,
           "subject": subject, "verb": "federate", "object": obj, "issued_at": stamp(T0 - timedelta(hours=1)),
           "expiry": stamp(T0 + timedelta(days=10)), "nonce": "ab" * 32,
           "key_id": hashlib.sha256(raw(SEED)).hexdigest()} | changes
    return b64u(rfc8785.dumps(signed(SEED, doc)))


@pytest.fixture
def fed(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    node.admin = node.key(("read", "write", "admin"))
    yield node


@pytest.fixture
def peer():
    started = FakePeer("peer-p.test").start()
    yield started
    started.stop()


def pull(node, peer, capability=None, **params):
    node_id = node.client.get("/.well-known/stigmem").json()["node_id"]
    headers = {"Authorization": f"Bearer {peer.token(node_id, ['public', 'company'], iat=T0_MS)}"}
    if capability is not None:
        headers["X-Stigmem-Capability"] = capability
    return node.client.get("/v1/federation/facts", params=params, headers=headers)


def test_issue_revoke_and_list(fed):
    node_id = fed.client.get("/.well-known/stigmem").json()["node_id"]
    request = {"subject": node_id, "verb": "federate", "object": "stigmem://node-a.test/scope/public",
               "expiry": stamp(T0 + timedelta(days=90))}
    assert fed.client.post("/v1/federation/tokens", json=request, headers=fed.key()).status_code == 403
    answer = fed.client.post("/v1/federation/tokens", json=request, headers=fed.admin)
    assert answer.status_code == 201, answer.text
    doc = json.loads(base64.urlsafe_b64decode(answer.json()["token"] + "=="))
    assert doc["token_id"] == answer.json()["token_id"] and doc["issuer"] == node_id and len(doc["nonce"]) == 64
    own = fed.client.get("/.well-known/stigmem-manifest.json").json()
    assert doc["key_id"] == own["key_id"]
    too_long = request | {"expiry": stamp(T0 + timedelta(days=90, seconds=1))}
    assert fed.client.post("/v1/federation/tokens", json=too_long, headers=fed.admin).status_code == 422
    outsider = request | {"subject": "stigmem://else.test/node/1"}
    assert fed.client.post("/v1/federation/capability-tokens", json=outsider, headers=fed.admin).status_code == 422
    path = f"/v1/federation/tokens/{doc['token_id']}/revoke"
    assert fed.client.post(path, headers=fed.key()).status_code == 403
    assert fed.client.post(path, headers=fed.admin).status_code == 204
    assert fed.client.post("/v1/federation/tokens/nope/revoke", headers=fed.admin).status_code == 404
    listed = fed.client.get("/v1/federation/capability-tokens/revocations")
    assert listed.headers["cache-control"] == "max-age=60"
    assert [e["token_id"] for e in listed.json()["revocations"]] == [doc["token_id"]]


def test_org_manifest_issues_and_lists_as_the_org(fed):
    """An operator's org manifest signed with the node's key and listing the node_id (STG-MAN-015) makes the node
    issue as the org, and the revocation list names the org as its issuer, like the events it carries."""
    from reference_node.storage import federation_keys

    node_id = fed.client.get("/.well-known/stigmem").json()["node_id"]
    fed.client.get("/.well-known/stigmem-manifest.json")  # the node signs its own manifest first
    with fed.store.db.transaction() as conn:
        seed = federation_keys.active_seed(conn)
    org = "stigmem://org-a.test/org"
    doc = signed(seed, {"manifest_version": 1, "entity_uri": org, "public_key": b64u(raw(seed)),
                        "key_id": hashlib.sha256(raw(seed)).hexdigest(), "entities": [org, node_id],
                        "rotation_events": [], "issued_at": stamp(T0 - timedelta(hours=1)),
                        "expires_at": stamp(T0 + timedelta(days=30))})
    put = fed.client.put("/v1/federation/manifest", json=doc, headers=fed.admin)
    assert put.status_code == 200, put.text
    assert fed.client.get("/.well-known/stigmem-manifest.json").json() == doc
    request = {"subject": node_id, "verb": "federate", "object": "stigmem://node-a.test/scope/public",
               "expiry": stamp(T0 + timedelta(days=1))}
    answer = fed.client.post("/v1/federation/tokens", json=request, headers=fed.admin)
    assert answer.status_code == 201, answer.text
    token = json.loads(base64.urlsafe_b64decode(answer.json()["token"] + "=="))
    assert token["issuer"] == org
    path = f"/v1/federation/tokens/{token['token_id']}/revoke"
    assert fed.client.post(path, headers=fed.admin).status_code == 204
    listed = fed.client.get("/v1/federation/tokens/revocations").json()
    assert listed["issuer"] == org and [e["issuer"] for e in listed["revocations"]] == [org]


def test_pull_gate(fed, peer):
    answer = fed.client.post("/v1/federation/peers", json=peer.declaration(["public", "company"]),
                             headers=fed.admin)
    assert answer.status_code == 201, answer.text
    assert fed.client.put("/v1/federation/manifest", json=manifest(peer.node_id), headers=fed.admin).status_code \
        == 200
    public = "stigmem://node-a.test/scope/public"
    assert pull(fed, peer).status_code == 200  # no capability token: the peer token alone, as before
    good = token(peer.node_id, public)
    assert pull(fed, peer, good, scope="public").status_code == 200
    assert pull(fed, peer, good, scope="public").status_code == 200  # the same token again is no replay
    refused = pull(fed, peer, good, scope="company")
    assert (refused.status_code, refused.json()["error"]) == (403, "insufficient_capability")
    other = token(peer.node_id, public, token_id="3f0c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4c")
    assert (pull(fed, peer, other).status_code, pull(fed, peer, other).json()["error"]) == (401, "token_replay")
    flipped = json.loads(base64.urlsafe_b64decode(good + "==")) | {"verb": "admin"}
    answer = pull(fed, peer, json.dumps(flipped))
    assert (answer.status_code, answer.json()["error"]) == (401, "token_signature_invalid")
    bad_nonce = token(peer.node_id, public, nonce="ABC", token_id="3f0c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4d")
    assert (pull(fed, peer, bad_nonce).status_code, pull(fed, peer, bad_nonce).json()["error"]) == (
        400, "token_nonce_invalid")
    outsider = token("stigmem://else.test/node/1", public, nonce="cd" * 32)
    assert pull(fed, peer, outsider).json()["error"] == "entity_not_in_manifest"
