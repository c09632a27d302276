"""The node's transparency log: rotations logged, proofs and checkpoints over HTTP, append-only storage, restarts.

Every proof the node serves is checked with the suite's own RFC 9162 model (conformance.oracle.transparency), never
with the node's code.
"""

from __future__ import annotations

import base64
import sqlite3

import pytest

from conformance.oracle import transparency as oracle
from conformance.oracle.ed25519 import b64u_decode, jcs
from reference_node.storage import transparency_log

LOG = "/v1/federation/transparency-log"
ROTATE = "/v1/admin/federation/key-rotation"


def _key(node) -> tuple[str, bytes]:
    info = node.client.get(LOG).json()
    return info["origin"], b64u_decode(info["public_key"])


def _checkpoint(node) -> oracle.Checkpoint:
    name, public = _key(node)
    return oracle.open_checkpoint(node.client.get(f"{LOG}/checkpoint").text, name, public)


def _rotated(node, times: int) -> None:
    admin = node.key(("read", "write", "admin"))
    for _ in range(times):
        assert node.client.post(ROTATE, headers=admin).status_code == 201


def test_fresh_log_holds_the_own_manifest(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    info = node.client.get(LOG).json()
    assert info["origin"] == "node-a.test/transparency-log" and info["tree_size"] == 1
    [entry] = node.client.get(f"{LOG}/entries").json()["entries"]
    assert entry["kind"] == "manifest" and entry["body"] == node.client.get("/.well-known/stigmem-manifest.json").json()
    cp = _checkpoint(node)
    leaf = jcs({"kind": "manifest", "body": entry["body"], "integrated_time": entry["integrated_time"]})
    assert (cp.tree_size, cp.root_hash) == (1, oracle.root([leaf]))
    assert info["verifier_key"] == oracle.verifier_key(info["origin"], b64u_decode(info["public_key"]))


def test_rotations_are_logged_and_proved(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    _rotated(node, 5)
    listing = node.client.get(f"{LOG}/entries").json()
    # the node's own manifest, then each rotation and the manifest it re-signs (manifest_log_index)
    assert [e["kind"] for e in listing["entries"]] == ["manifest"] + ["rotation", "manifest"] * 5
    rotations = [e["body"] for e in listing["entries"] if e["kind"] == "rotation"]
    assert [r["manifest_log_index"] for r in rotations] == [2, 4, 6, 8, 10]
    size = 11
    leaves = [jcs({"kind": e["kind"], "body": e["body"], "integrated_time": e["integrated_time"]})
              for e in listing["entries"]]
    assert [e["entry_hash"] for e in listing["entries"]] == [oracle.leaf_hash(d).hex() for d in leaves]
    cp = _checkpoint(node)
    assert cp.tree_size == size and cp.root_hash == oracle.root(leaves)
    for index in range(size):
        proof = node.client.get(f"{LOG}/proof/inclusion", params={"leaf_index": index, "tree_size": size}).json()
        hashes = [bytes.fromhex(h) for h in proof["hashes"]]
        assert hashes == oracle.inclusion_path(index, leaves)
        assert oracle.verify_inclusion(index, size, oracle.leaf_hash(leaves[index]), hashes, cp.root_hash)
    by_hash = node.client.get(f"{LOG}/proof/inclusion", params={"entry_hash": listing["entries"][2]["entry_hash"],
                                                                "tree_size": 3}).json()
    assert by_hash["log_index"] == 2 and by_hash["tree_size"] == 3
    for first in range(1, size + 1):
        proof = node.client.get(f"{LOG}/proof/consistency", params={"first": first, "second": size}).json()
        hashes = [bytes.fromhex(h) for h in proof["hashes"]]
        assert hashes == oracle.consistency_proof(first, leaves)
        assert oracle.verify_consistency(first, size, oracle.root(leaves[:first]), cp.root_hash, hashes)


def test_log_entry_shape(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    _rotated(node, 3)
    entry = node.client.get(f"{LOG}/entries/1").json()
    assert set(entry) >= {"log_id", "log_index", "integrated_time", "entry_hash", "signed_entry_ts",
                          "inclusion_proof"}
    assert set(entry["inclusion_proof"]) == {"log_index", "root_hash", "tree_size", "hashes", "checkpoint"}
    name, public = _key(node)
    cp = oracle.open_checkpoint(entry["inclusion_proof"]["checkpoint"], name, public)
    assert cp.root_hash.hex() == entry["inclusion_proof"]["root_hash"] and cp.tree_size == 7


@pytest.mark.parametrize("path,params", [
    ("proof/inclusion", {"leaf_index": 0, "tree_size": 0}),
    ("proof/inclusion", {"leaf_index": 2, "tree_size": 2}),
    ("proof/inclusion", {"leaf_index": 0, "tree_size": 9}),
    ("proof/inclusion", {"leaf_index": "x"}),
    ("proof/consistency", {"first": 0, "second": 2}),
    ("proof/consistency", {"first": 3, "second": 2}),
    ("proof/consistency", {"first": 1, "second": 9}),
])
def test_bad_proof_parameters_are_400(make_node, path, params):
    node = make_node(federation=True)
    _rotated(node, 2)
    answer = node.client.get(f"{LOG}/{path}", params=params)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_parameter"


def test_log_survives_restart_and_refuses_rewrites(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    _rotated(node, 3)
    before = node.client.get(f"{LOG}/checkpoint").text.split("\n")[:3]
    node.restart()
    after = node.client.get(f"{LOG}/checkpoint").text.split("\n")[:3]
    assert before == after and after[1] == "7"
    with node.store.db.transaction() as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE transparency_log SET body = '{}' WHERE log_index = 0")
    with node.store.db.transaction() as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM transparency_log WHERE log_index = 2")
    with node.store.db.transaction() as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO transparency_log VALUES (9, 'manifest', '{}', 1, ?)", ("0" * 64,))


def test_manifest_proof_route(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    _rotated(node, 1)
    with node.store.db.transaction() as conn:  # a newer manifest entry that is not the one served
        transparency_log.append(conn, "manifest", {"entity_uri": "stigmem://other.test/org"},
                                integrated_time=1_700_000_000)
    manifest = node.client.get("/.well-known/stigmem-manifest.json").json()
    served = node.client.get("/.well-known/stigmem-manifest-proof.json").json()
    assert served["log_index"] == 2 and served["inclusion_proof"]["tree_size"] == 4
    leaf = oracle.leaf_hash(jcs({"kind": "manifest", "body": manifest, "integrated_time": served["integrated_time"]}))
    assert served["entry_hash"] == leaf.hex()
    proof = served["inclusion_proof"]
    assert oracle.verify_inclusion(2, 4, leaf, [bytes.fromhex(h) for h in proof["hashes"]],
                                   bytes.fromhex(proof["root_hash"]))


def test_routes_need_federation(make_node):
    assert make_node().client.get(LOG).status_code == 404


def test_checkpoint_is_a_signed_note(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    note = node.client.get(f"{LOG}/checkpoint").text
    body, _, sig = note.partition("\n\n")
    assert body.split("\n")[0] == "node-a.test/transparency-log"
    assert sig.startswith("\u2014 node-a.test/transparency-log ") and len(base64.b64decode(sig.split(" ")[2])) == 68


def test_trust_mode_flag_wins_over_env(monkeypatch):
    from reference_node.cli import _trust_mode

    monkeypatch.delenv("STIGMEM_FEDERATION_TRUST_MODE", raising=False)
    assert _trust_mode(None) == "relaxed"
    monkeypatch.setenv("STIGMEM_FEDERATION_TRUST_MODE", "strict")
    assert _trust_mode(None) == "strict" and _trust_mode("off") == "off"
    monkeypatch.setenv("STIGMEM_FEDERATION_TRUST_MODE", "paranoid")
    with pytest.raises(ValueError):
        _trust_mode(None)
