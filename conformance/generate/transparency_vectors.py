"""Transparency-log vectors: ``vectors/transparency/proofs.json`` (STG-TLOG-002..005, STG-TLOG-008, STG-TLOG-009).

Every expected value comes from ``conformance.oracle.transparency``, the suite's own RFC 9162 model: trees of 0, 1,
2, 3, 4, 5, 7, 8, 9, 16 and 17 leaves (powers of two and just past them), audit paths for the first, middle and
last leaves, consistency proofs (m = n, m = 1, m a power of two, m = n - 1), forgeries of each, checkpoints signed
with the RFC 8032 TEST 1 key (the seed is written here), and the trust-mode verdict on a peer manifest. Each
generated proof is also checked with the oracle's verifier, so generation and verification agree before writing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import transparency as oracle
from conformance.oracle.ed25519 import b64u_encode, jcs, public_key

TV1_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")  # RFC 8032 TEST 1
OTHER_SEED = hashlib.sha256(b"stigmem transparency vector seed 1").digest()
ORIGIN = "node-a.example/transparency-log"
SIZES = (0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17)
INTERPRETATION = {"transparency_log_format": "rfc9162-signed-note"}

NOTES = {
    "TreeHash": {"description": "MTH of n leaves: SHA-256(0x00 || d) leaves, SHA-256(0x01 || l || r) nodes, the "
                 "split at the largest power of two below n, SHA-256() for the empty tree (RFC 9162 2.1.1).",
                 "effect": "Two logs disagree on the root of the same entries; no proof of one verifies at the "
                           "other.", "requirements": "STG-TLOG-002"},
    "InclusionPath": {"description": "The audit path PATH(m, D[n]) of a leaf, bottom up (RFC 9162 2.1.3.1).",
                      "effect": "A log serves proofs no client can check.", "requirements": "STG-TLOG-003"},
    "ConsistencyPath": {"description": "PROOF(m, D[n]) between two tree sizes (RFC 9162 2.1.4.1); empty when m = n.",
                        "effect": "A log cannot show that it only grew.", "requirements": "STG-TLOG-004"},
    "ForgedInclusion": {"description": "An inclusion proof with a hash flipped, a wrong index, one for another "
                        "tree, a hash added or dropped, or an index outside the tree (RFC 9162 2.1.3.2).",
                        "effect": "A verifier believes an entry is logged when it is not.",
                        "requirements": "STG-TLOG-003"},
    "ForgedConsistency": {"description": "A consistency proof with a hash flipped, added or dropped, a wrong old "
                          "root, or sizes with no proof (RFC 9162 2.1.4.2).",
                          "effect": "A log that rewrote its history passes as one that grew.",
                          "requirements": "STG-TLOG-004"},
    "Checkpoint": {"description": "A C2SP signed-note checkpoint: origin, size, base64 root, a blank line, an "
                   "Ed25519 signature line whose key hash and signature verify under the log key.",
                   "effect": "A verifier trusts a tree head the log never signed.", "requirements": "STG-TLOG-005"},
    "TrustMode": {"description": "A peer manifest's LogEntry judged in strict, relaxed and off trust modes "
                  "(A20 19.2): strict fails closed, relaxed accepts with a warning, off asks nothing.",
                  "effect": "A strict node trusts an unlogged manifest, or stops on a log outage in relaxed mode.",
                  "requirements": "STG-TLOG-008 STG-TLOG-009"},
}


def _leaves(n: int) -> list[bytes]:
    return [f"stigmem transparency leaf {i}".encode() for i in range(n)]


def _hex(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


Row = tuple[str, str, dict[str, Any], dict[str, Any], tuple[str, ...]]


def _trees() -> list[Row]:
    rows: list[Row] = []
    for n in SIZES:
        rows.append((f"Root of a tree of {n} leaves", "STG-TLOG-002",
                     {"kind": "tree_hash", "leaves": [d.hex() for d in _leaves(n)]},
                     valid(root_hash=oracle.root(_leaves(n)).hex()), ("TreeHash",)))
    return rows


def _inclusion() -> list[Row]:
    rows: list[Row] = []
    for n in SIZES[1:]:
        leaves = _leaves(n)
        for where, i in (("first", 0), ("middle", n // 2), ("last", n - 1)):
            if where != "first" and i == 0:
                continue
            if where == "middle" and i == n - 1:
                continue
            path = oracle.inclusion_path(i, leaves)
            if not oracle.verify_inclusion(i, n, oracle.leaf_hash(leaves[i]), path, oracle.root(leaves)):
                raise ValueError(f"oracle disagrees with itself on PATH({i}, {n})")
            rows.append((f"Audit path of the {where} leaf ({i}) of {n}", "STG-TLOG-003",
                         {"kind": "inclusion_path", "leaves": [d.hex() for d in leaves], "leaf_index": i,
                          "tree_size": n}, valid(hashes=_hex(path)), ("InclusionPath",)))
    return rows


def _verify_inclusion(description: str, i: int, n: int, leaf: bytes, path: list[bytes], root: bytes) -> Row:
    ok = oracle.verify_inclusion(i, n, leaf, path, root)
    return (description, "STG-TLOG-003",
            {"kind": "verify_inclusion", "leaf_index": i, "tree_size": n, "leaf_hash": leaf.hex(),
             "hashes": _hex(path), "root_hash": root.hex()},
            valid() if ok else invalid("inclusion_proof_invalid"), ("InclusionPath",) if ok else ("ForgedInclusion",))


def _inclusion_checks() -> list[Row]:
    rows: list[Row] = []
    for n in (1, 5, 8, 17):
        leaves = _leaves(n)
        root = oracle.root(leaves)
        for i in sorted({0, n // 2, n - 1}):
            leaf = oracle.leaf_hash(leaves[i])
            path = oracle.inclusion_path(i, leaves)
            rows.append(_verify_inclusion(f"Valid proof of leaf {i} of {n}", i, n, leaf, path, root))
            if path:
                rows.append(_verify_inclusion(f"Leaf {i} of {n}: first proof hash flipped", i, n, leaf,
                                              [_flip(path[0]), *path[1:]], root))
                rows.append(_verify_inclusion(f"Leaf {i} of {n}: last hash dropped", i, n, leaf, path[:-1], root))
            rows.append(_verify_inclusion(f"Leaf {i} of {n}: a hash added", i, n, leaf, [*path, root], root))
        leaf0 = oracle.leaf_hash(leaves[0])
        rows.append(_verify_inclusion(f"Leaf 0 of {n}: root hash flipped", 0, n, leaf0,
                                      oracle.inclusion_path(0, leaves), _flip(root)))
        rows.append(_verify_inclusion(f"Leaf 0 of {n}: index equal to the size", n, n, leaf0,
                                      oracle.inclusion_path(0, leaves), root))
    leaves = _leaves(9)
    root = oracle.root(leaves)
    rows.append(_verify_inclusion("Leaf 2 of 9 claimed at index 3", 3, 9, oracle.leaf_hash(leaves[2]),
                                  oracle.inclusion_path(2, leaves), root))
    rows.append(_verify_inclusion("Leaf 8 of 9 claimed at index 7", 7, 9, oracle.leaf_hash(leaves[8]),
                                  oracle.inclusion_path(8, leaves), root))
    rows.append(_verify_inclusion("Leaf 3's proof in the tree of 8 against the root of 9", 3, 9,
                                  oracle.leaf_hash(leaves[3]), oracle.inclusion_path(3, leaves[:8]), root))
    rows.append(_verify_inclusion("Another leaf's hash with leaf 4's proof", 4, 9, oracle.leaf_hash(leaves[5]),
                                  oracle.inclusion_path(4, leaves), root))
    rows.append(_verify_inclusion("The empty tree has no inclusion proof", 0, 0, oracle.leaf_hash(b""), [],
                                  oracle.root([])))
    rows.append(_verify_inclusion("Leaf hash given as the raw data hash (no 0x00 prefix)", 0, 1,
                                  hashlib.sha256(leaves[0]).digest(), [], oracle.root(leaves[:1])))
    return rows


def _consistency() -> list[Row]:
    rows: list[Row] = []
    for n in SIZES[1:]:
        leaves = _leaves(n)
        for m in sorted({n, 1, 1 << (n.bit_length() - 1), n - 1} - {0}):
            proof = oracle.consistency_proof(m, leaves)
            if not oracle.verify_consistency(m, n, oracle.root(leaves[:m]), oracle.root(leaves), proof):
                raise ValueError(f"oracle disagrees with itself on PROOF({m}, {n})")
            rows.append((f"Consistency proof from {m} to {n}", "STG-TLOG-004",
                         {"kind": "consistency_proof", "leaves": [d.hex() for d in leaves], "first": m,
                          "second": n}, valid(hashes=_hex(proof)), ("ConsistencyPath",)))
    return rows


def _verify_consistency(description: str, m: int, n: int, old: bytes, new: bytes, proof: list[bytes]) -> Row:
    ok = oracle.verify_consistency(m, n, old, new, proof)
    return (description, "STG-TLOG-004",
            {"kind": "verify_consistency", "first": m, "second": n, "first_root_hash": old.hex(),
             "second_root_hash": new.hex(), "hashes": _hex(proof)},
            valid() if ok else invalid("consistency_proof_invalid"),
            ("ConsistencyPath",) if ok else ("ForgedConsistency",))


def _consistency_checks() -> list[Row]:
    rows: list[Row] = []
    for m, n in ((1, 2), (3, 7), (4, 9), (8, 16), (16, 17), (5, 5)):
        leaves = _leaves(n)
        old, new = oracle.root(leaves[:m]), oracle.root(leaves)
        proof = oracle.consistency_proof(m, leaves)
        rows.append(_verify_consistency(f"Valid consistency from {m} to {n}", m, n, old, new, proof))
        if proof:
            rows.append(_verify_consistency(f"{m} to {n}: first hash flipped", m, n, old, new,
                                            [_flip(proof[0]), *proof[1:]]))
            rows.append(_verify_consistency(f"{m} to {n}: last hash dropped", m, n, old, new, proof[:-1]))
            rows.append(_verify_consistency(f"{m} to {n}: old root flipped", m, n, _flip(old), new, proof))
        rows.append(_verify_consistency(f"{m} to {n}: a hash added", m, n, old, new, [*proof, new]))
    leaves = _leaves(9)
    rows.append(_verify_consistency("Sizes swapped: from 9 to 4", 9, 4, oracle.root(leaves), oracle.root(leaves[:4]),
                                    oracle.consistency_proof(4, leaves)))
    rows.append(_verify_consistency("From size 0", 0, 9, oracle.root([]), oracle.root(leaves), []))
    rows.append(_verify_consistency("Equal sizes, different roots", 9, 9, oracle.root(leaves[:9]),
                                    oracle.root([*leaves[:8], b"rewritten"]), []))
    rows.append(_verify_consistency("A proof from 4 to 8 offered for 4 to 9", 4, 9, oracle.root(leaves[:4]),
                                    oracle.root(leaves), oracle.consistency_proof(4, leaves[:8])))
    return rows


def _checkpoint_case(description: str, note: str, seed: bytes = TV1_SEED, name: str = ORIGIN) -> Row:
    try:
        cp = oracle.open_checkpoint(note, name, public_key(seed))
        expected = valid(origin=cp.origin, tree_size=cp.tree_size, root_hash=cp.root_hash.hex())
        flag = "Checkpoint"
    except oracle.CheckpointRefused as exc:
        expected, flag = invalid(exc.code), "Checkpoint"
    return (description, "STG-TLOG-005",
            {"kind": "checkpoint", "note": note, "key_name": name, "public_key": b64u_encode(public_key(seed))},
            expected, (flag,))


def _checkpoints() -> list[Row]:
    leaves = _leaves(7)
    body = oracle.checkpoint_body(ORIGIN, 7, oracle.root(leaves))
    note = oracle.sign_checkpoint(body, ORIGIN, TV1_SEED)
    other = oracle.sign_checkpoint(body, ORIGIN, OTHER_SEED)
    sig_line = note.split("\n\n", 1)[1]
    return [
        _checkpoint_case("Checkpoint of 7 leaves signed by the log key", note),
        _checkpoint_case("Empty-tree checkpoint", oracle.sign_checkpoint(
            oracle.checkpoint_body(ORIGIN, 0, oracle.root([])), ORIGIN, TV1_SEED)),
        _checkpoint_case("Checkpoint signed by another key", other),
        _checkpoint_case("Tree size edited after signing", note.replace("\n7\n", "\n8\n", 1)),
        _checkpoint_case("Root hash edited after signing", oracle.checkpoint_body(ORIGIN, 7, oracle.root(
            leaves[:6])) + "\n" + sig_line),
        _checkpoint_case("Verified under another key name", note, name="node-b.example/transparency-log"),
        _checkpoint_case("Another key's line first, then the log key's", other + note.split("\n\n", 1)[1]),
        _checkpoint_case("No blank line before the signature", note.replace("\n\n", "\n", 1)),
        _checkpoint_case("Tree size with a leading zero", oracle.sign_checkpoint(
            body.replace("\n7\n", "\n07\n", 1), ORIGIN, TV1_SEED)),
        _checkpoint_case("Root hash of 31 bytes", oracle.sign_checkpoint(
            oracle.checkpoint_body(ORIGIN, 7, oracle.root(leaves)[:31]), ORIGIN, TV1_SEED)),
    ]


def _evidence() -> list[Row]:
    manifest = {"entity_uri": "stigmem://node-a.example/node/1", "manifest_version": 1, "key_id": "0" * 64}
    at = 1_767_225_600
    leaves = [*_leaves(4), jcs({"kind": "manifest", "body": manifest, "integrated_time": at}), *_leaves(2)]
    root = oracle.root(leaves)
    note = oracle.sign_checkpoint(oracle.checkpoint_body(ORIGIN, 7, root), ORIGIN, TV1_SEED)
    entry: dict[str, Any] = {"log_id": hashlib.sha256(ORIGIN.encode()).hexdigest(), "log_index": 4, "integrated_time": at,
             "entry_hash": oracle.leaf_hash(leaves[4]).hex(), "signed_entry_ts": "",
             "inclusion_proof": {"log_index": 4, "root_hash": root.hex(), "tree_size": 7,
                                 "hashes": _hex(oracle.inclusion_path(4, leaves)), "checkpoint": note}}
    forged = {**entry, "inclusion_proof": {**entry["inclusion_proof"], "hashes": [
        _flip(bytes.fromhex(entry["inclusion_proof"]["hashes"][0])).hex(), *entry["inclusion_proof"]["hashes"][1:]]}}
    other_manifest = {**manifest, "key_id": "1" * 64}
    key = {"name": ORIGIN, "public_key": b64u_encode(public_key(TV1_SEED))}
    wrong_key = {"name": ORIGIN, "public_key": b64u_encode(public_key(OTHER_SEED))}

    def row(description: str, m: dict[str, Any], e: dict[str, Any] | None, k: dict[str, Any] | None, mode: str,
            expected: dict[str, Any]) -> Row:
        reqs = "STG-TLOG-009" if mode == "relaxed" else "STG-TLOG-008"
        return (description, reqs, {"kind": "manifest_evidence", "manifest": m, "entry": e, "log_key": k,
                                    "trust_mode": mode}, expected, ("TrustMode",))

    return [
        row("Strict: a valid proof against a signed checkpoint", manifest, entry, key, "strict",
            valid(accepted=True, warning=None)),
        row("Strict: a proof with a hash flipped", manifest, forged, key, "strict", invalid("inclusion_proof_invalid")),
        row("Strict: the entry is another manifest's", other_manifest, entry, key, "strict",
            invalid("inclusion_proof_invalid")),
        row("Strict: the checkpoint is not signed by the log key", manifest, entry, wrong_key, "strict",
            invalid("inclusion_proof_invalid")),
        row("Strict: the log could not be reached", manifest, None, key, "strict",
            invalid("transparency_log_unavailable")),
        row("Relaxed: a proof with a hash flipped is accepted with a warning", manifest, forged, key, "relaxed",
            valid(accepted=True, warning="inclusion_proof_invalid")),
        row("Relaxed: an unreachable log is accepted with a warning", manifest, None, key, "relaxed",
            valid(accepted=True, warning="transparency_log_unavailable")),
        row("Off: no evidence is asked for", manifest, None, None, "off", valid(accepted=True, warning=None)),
    ]


def files() -> list[VectorFile]:
    vf = VectorFile("transparency", "proofs",
                    "RFC 9162 tree hashes, inclusion and consistency proofs (made and checked), signed-note "
                    "checkpoints, and the trust-mode verdict on a peer manifest's log evidence.", NOTES,
                    source={"name": "RFC 9162 2.1; C2SP signed-note and tlog-checkpoint; A20 19.2; Spec-04",
                            "worked_by": "conformance.oracle.transparency"})
    for description, reqs, inp, expected, flags in (*_trees(), *_inclusion(), *_inclusion_checks(),
                                                    *_consistency(), *_consistency_checks(), *_checkpoints(),
                                                    *_evidence()):
        vf.add(Case(description, tuple(reqs.split()), inp, expected, flags, INTERPRETATION))
    return [vf]
