"""The node's Merkle tree (pymerkle) and proof verifiers against the suite's own RFC 9162 model, exhaustively on
small trees; what pymerkle does not do (RFC 9162 consistency proofs) is shown too."""

from __future__ import annotations

import hashlib

import pytest
from pymerkle import InmemoryTree

from conformance.oracle import transparency as oracle
from conformance.oracle.ed25519 import jcs, public_key
from reference_node.protocol import merkle, transparency
from reference_node.protocol.errors import (
    CheckpointMalformed,
    CheckpointSignatureInvalid,
    ConsistencyProofInvalid,
    InclusionProofInvalid,
)

SEED = hashlib.sha256(b"test transparency seed").digest()
KEY = transparency.LogKey("log.test/transparency-log", public_key(SEED))


def _leaves(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() for i in range(n)]


def _tree(n: int) -> merkle.LeafTree:
    return merkle.LeafTree(merkle.leaf_hash(d) for d in _leaves(n))


@pytest.mark.parametrize("n", range(0, 34))
def test_pymerkle_tree_matches_rfc9162(n):
    tree, leaves = _tree(n), _leaves(n)
    assert tree.root(n) == oracle.root(leaves)
    for size in range(1, n + 1):
        for index in range(size):
            assert tree.inclusion(index, size) == oracle.inclusion_path(index, leaves[:size])
        for first in range(1, size + 1):
            assert tree.consistency(first, size) == oracle.consistency_proof(first, leaves[:size])


def test_pymerkle_own_consistency_proof_is_not_rfc9162():
    tree = InmemoryTree()
    for d in _leaves(6):
        tree.append_entry(d)
    assert len(tree.prove_consistency(4, 6).path) == 3  # pymerkle: base subtree, then the siblings
    assert len(oracle.consistency_proof(4, _leaves(6))) == 1  # RFC 9162: MTH(D[4:6]) alone


def _accepts(check, *args) -> bool:
    try:
        check(*args)
    except (InclusionProofInvalid, ConsistencyProofInvalid):
        return False
    return True


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 9, 13])
def test_verifiers_agree_with_the_oracle(n):
    leaves = _leaves(n)
    root = oracle.root(leaves)
    for index in range(n):
        leaf = oracle.leaf_hash(leaves[index])
        path = oracle.inclusion_path(index, leaves)
        variants = [path, path[:-1], [*path, root], [bytes(32), *path[1:]]]
        for claimed in range(n + 1):
            for proof in variants:
                assert _accepts(transparency.verify_inclusion, claimed, n, leaf, proof, root) == \
                    oracle.verify_inclusion(claimed, n, leaf, proof, root)
    for first in range(0, n + 2):
        for proof_from in range(1, n + 1):
            proof = oracle.consistency_proof(proof_from, leaves)
            old = oracle.root(leaves[:proof_from])
            for variant in (proof, proof[:-1], [*proof, root]):
                assert _accepts(transparency.verify_consistency, first, n, old, root, variant) == \
                    oracle.verify_consistency(first, n, old, root, variant)


def test_checkpoint_round_trip_and_refusals():
    body = transparency.checkpoint_body(KEY.name, 3, oracle.root(_leaves(3)))
    note = transparency.sign_checkpoint(body, KEY.name, SEED)
    assert note == oracle.sign_checkpoint(body, KEY.name, SEED)
    assert transparency.open_checkpoint(note, KEY).tree_size == 3
    with pytest.raises(CheckpointSignatureInvalid):
        transparency.open_checkpoint(note.replace("\n3\n", "\n4\n"), KEY)
    with pytest.raises(CheckpointSignatureInvalid):
        transparency.open_checkpoint(note, transparency.LogKey("other.test/log", KEY.public_key))
    with pytest.raises(CheckpointMalformed):
        transparency.open_checkpoint(body, KEY)


def _entry(manifest: dict, at: int = 1_700_000_000) -> dict:
    leaves = [*_leaves(2), jcs({"kind": "manifest", "body": manifest, "integrated_time": at})]
    root = oracle.root(leaves)
    return {"log_index": 2, "integrated_time": at, "entry_hash": oracle.leaf_hash(leaves[2]).hex(),
            "inclusion_proof": {"log_index": 2, "tree_size": 3, "root_hash": root.hex(),
                                "hashes": [h.hex() for h in oracle.inclusion_path(2, leaves)],
                                "checkpoint": oracle.sign_checkpoint(oracle.checkpoint_body(KEY.name, 3, root),
                                                                     KEY.name, SEED)}}


@pytest.mark.parametrize("mode,entry,accepted,code,warning", [
    ("strict", "good", True, None, None),
    ("strict", "none", False, "transparency_log_unavailable", None),
    ("strict", "other", False, "inclusion_proof_invalid", None),
    ("relaxed", "other", True, None, "inclusion_proof_invalid"),
    ("relaxed", "none", True, None, "transparency_log_unavailable"),
    ("off", "none", True, None, None),
])
def test_manifest_evidence(mode, entry, accepted, code, warning):
    manifest = {"entity_uri": "stigmem://a.test/node/1"}
    given = {"good": _entry(manifest), "none": None, "other": _entry({"entity_uri": "stigmem://b.test/node/1"})}
    verdict = transparency.check_manifest_evidence(manifest, given[entry], KEY, mode)
    assert (verdict.accepted, verdict.code, verdict.warning) == (accepted, code, warning)
