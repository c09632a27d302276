"""Federation-key rotation on the node: the admin route, the served log, discovery, the audit event and the CLI."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from reference_node.cli import main
from reference_node.protocol import base64url, jcs

ROTATE = "/v1/admin/federation/key-rotation"
LOG = "/v1/federation/key-rotations"


def _key_id(public_b64u: str) -> str:
    return hashlib.sha256(base64url.decode(public_b64u)).hexdigest()


def _signed_by(public_b64u: str, entry: dict) -> bool:
    body = jcs.canonical({k: v for k, v in entry.items() if k != "rotation_sig"})
    try:
        Ed25519PublicKey.from_public_bytes(base64url.decode(public_b64u)).verify(
            base64url.decode(entry["rotation_sig"]), body)
    except Exception:
        return False
    return True


def test_rotation_over_http(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    admin = node.key(("read", "write", "admin"))
    first = node.client.get("/.well-known/stigmem").json()["federation_pubkey"]
    empty = node.client.get(LOG).json()
    assert empty["entries"] == [] and empty["first_public_key"] == first
    assert node.client.post(ROTATE, headers=node.key(("read", "write"))).status_code == 403
    answers = [node.client.post(ROTATE, headers=admin) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    second = answers[0].json()
    assert second["old_key_id"] == _key_id(first) and _signed_by(first, second)
    third = answers[1].json()
    assert third["old_key_id"] == second["new_key_id"] and _signed_by(second["new_public_key"], third)
    assert third["rotated_at"] > second["rotated_at"]  # same clock second: the next one is taken
    log = node.client.get(LOG).json()
    assert log["entries"] == [second, third] and log["first_public_key"] == first
    now_key = node.client.get("/.well-known/stigmem").json()["federation_pubkey"]
    assert now_key == third["new_public_key"] and log["current_key_id"] == _key_id(now_key)
    declaration = node.client.get("/v1/federation/declaration", headers=admin).json()
    assert declaration["federation_pubkey"] == now_key
    with node.store.db.reading() as conn:
        events = conn.execute("SELECT event_type, metadata FROM audit_log WHERE event_type = 'key_rotation'").fetchall()
    assert [json.loads(m)["new_key_id"] for _, m in events] == [second["new_key_id"], third["new_key_id"]]


def test_log_route_needs_federation(make_node):
    assert make_node().client.get(LOG).status_code == 404


def test_cli_rotates_the_database_key(tmp_path, capsys):
    db = str(tmp_path / "n.db")
    assert main(["key", "rotate", "--db", db]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert main(["key", "rotate", "--db", db, "--entity-uri", "stigmem://other.test/node/1"]) == 1
    conn = sqlite3.connect(db)
    active = conn.execute("SELECT public_key FROM federation_keys WHERE retired_at IS NULL").fetchall()
    assert [_key_id(p) for (p,) in active] == [entry["new_key_id"]]
    first = conn.execute("SELECT first_public_key FROM federation_key_rotations").fetchone()[0]
    assert _signed_by(first, entry) and entry["entity_uri"] == conn.execute(
        "SELECT value FROM node_state WHERE key = 'node_id'").fetchone()[0]


def test_a_rotated_peer_is_followed_through_its_log(make_node, clock):
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fakes"))
    from fake_peer import FakePeer

    from reference_node.protocol import key_rotation

    node = make_node(federation=True, node_authority="node-a.test")
    admin = node.key(("read", "write", "admin"))
    peer = FakePeer("peer-r.test").start()
    try:
        answer = node.client.post("/v1/federation/peers", json=peer.declaration(["public"]), headers=admin)
        assert answer.json()["status"] == "active"
        me = node.client.get("/.well-known/stigmem").json()["node_id"]
        t0_ms = clock.now_us() // 1000

        def pull(seed: bytes) -> int:
            token = peer.token(me, ["public"], iat=clock.now_us() // 1000, seed=seed)
            return node.client.get("/v1/federation/facts", headers={"Authorization": f"Bearer {token}"}).status_code

        new_seed = os.urandom(32)
        assert pull(new_seed) == 401  # no log served: the unknown key is refused
        clock.advance(61_000_000)  # past the once-a-minute fetch bound
        entry = key_rotation.sign_entry(peer.node_id, peer.seed, new_seed, "2026-04-30T00:00:00Z")
        peer.rotation_log = {"entity_uri": peer.node_id, "first_public_key": peer.pubkey, "entries": [entry]}
        assert pull(new_seed) == 200
        assert pull(peer.seed) == 200  # dual trust: 90 days from 2026-04-30
        clock.set((t0_ms + 90 * 86_400_000) * 1000)
        assert pull(new_seed) == 200
        assert pull(peer.seed) == 401  # past dual_trust_expires_at
    finally:
        peer.stop()
