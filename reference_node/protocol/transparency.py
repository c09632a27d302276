"""Transparency-log evidence (Spec-04 "transparency log"; A20 §19.2; RFC 9162 §2.1; C2SP signed-note and
tlog-checkpoint; docs/federation-api.md "Transparency log").

Verification of another log's evidence, pure: an inclusion proof (RFC 9162 §2.1.3.2, by pymerkle's verifier), a
consistency proof (RFC 9162 §2.1.4.2, which pymerkle cannot check: its proofs have another layout), a signed-note
checkpoint, and the trust-mode verdict on a peer manifest (A20 §19.2). Also what a log signs: the leaf bytes of an
entry, the checkpoint body and note, the signed entry timestamp. Keys and times are parameters.

A leaf is RFC 8785 of ``{kind, body, integrated_time}``; ``entry_hash`` is the hex RFC 9162 leaf hash of it; the log
id is the SHA-256 hex of the origin line, which stays when the signing key rotates (interpretation
transparency_log_format).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

# pymerkle's verifier recomputes a proof's layout from its index and size with this helper; it is given the same.
from pymerkle.core import _inclusion_path_layout  # type: ignore[import-untyped]
from pymerkle.proof import InclusionProof, InvalidProof  # type: ignore[import-untyped]

from reference_node.protocol import ed25519_policy, jcs, merkle, signatures
from reference_node.protocol.errors import (
    CheckpointMalformed,
    CheckpointSignatureInvalid,
    ConsistencyProofInvalid,
    InclusionProofInvalid,
    SignatureInvalid,
)

__all__ = ["KINDS", "Checkpoint", "LogKey", "Verdict", "check_manifest_evidence", "checkpoint_body", "entry_leaf",
           "key_hash", "log_id", "open_checkpoint", "sign_checkpoint", "signed_entry_preimage",
           "verifier_key", "verify_consistency", "verify_inclusion"]

# What the node logs (Spec-04: publish and keep evidence; A20 §19.3.4: revocation evidence).
KINDS = ("manifest", "rotation", "revocation")
EM_DASH = "\u2014"
ED25519_TYPE = b"\x01"  # C2SP signed-note: the signature type byte of Ed25519
TrustMode = Literal["strict", "relaxed", "off"]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes


@dataclass(frozen=True)
class LogKey:
    """A log's verifier key: its key name (the origin line) and raw Ed25519 public key."""

    name: str
    public_key: bytes


def entry_leaf(kind: str, body: Mapping[str, Any], integrated_time: int) -> bytes:
    """The leaf data of one log entry: RFC 8785 of {kind, body, integrated_time}."""
    return jcs.canonical({"kind": kind, "body": dict(body), "integrated_time": integrated_time})


def log_id(origin: str) -> str:
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


def signed_entry_preimage(log_id_hex: str, log_index: int, integrated_time: int, entry_hash: str) -> bytes:
    """What ``signed_entry_ts`` signs (A20 LogEntry; like Rekor's SET): RFC 8785 of the entry's log position."""
    return jcs.canonical({"entry_hash": entry_hash, "integrated_time": integrated_time, "log_id": log_id_hex,
                          "log_index": log_index})


# --- proofs ----------------------------------------------------------------------------------------------------


def verify_inclusion(index: int, size: int, leaf_hash: bytes, hashes: list[bytes], root_hash: bytes) -> None:
    """Raise InclusionProofInvalid unless ``hashes`` prove leaf ``index`` (0-based) in the tree of ``root_hash``."""
    # STG-TLOG-003: a leaf index outside the tree (and the empty tree) has no inclusion proof (RFC 9162 §2.1.3.2).
    if not 0 <= index < size:
        raise InclusionProofInvalid(f"leaf index {index} is not below tree size {size}")
    rule, _ = _inclusion_path_layout(index + 1, size)
    proof = InclusionProof("sha256", True, size, index + 1, rule, [leaf_hash, *hashes])
    try:
        # STG-TLOG-003: the path has the length the index and size imply and hashes up to the root.
        proof.verify(leaf_hash, root_hash, index=index + 1, size=size)
    except (InvalidProof, ValueError) as exc:
        raise InclusionProofInvalid(f"the inclusion proof does not verify: {exc}") from None


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes, hashes: list[bytes]) -> None:
    """Raise ConsistencyProofInvalid unless ``hashes`` prove tree ``first`` a prefix of tree ``second``."""
    # STG-TLOG-004: proofs exist for 0 < first <= second only.
    if not 0 < first <= second:
        raise ConsistencyProofInvalid(f"no consistency proof from size {first} to {second}")
    # STG-TLOG-004: equal sizes: PROOF(m, D[m]) is empty and the roots are the same tree.
    if first == second:
        if hashes or first_hash != second_hash:
            raise ConsistencyProofInvalid("equal sizes need an empty proof and equal roots")
        return
    # RFC 9162 §2.1.4.2 steps 1-5.
    if not hashes:
        raise ConsistencyProofInvalid("an empty proof between different sizes")
    path = [first_hash, *hashes] if first & (first - 1) == 0 else list(hashes)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    # Step 6: fold each hash into the old root and the new one.
    for c in path[1:]:
        if sn == 0:
            raise ConsistencyProofInvalid("the proof has more hashes than the trees have levels")
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while fn != 0 and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    # Step 7: both roots reproduced, and every level used.
    if sn != 0 or fr != first_hash or sr != second_hash:
        raise ConsistencyProofInvalid("the consistency proof does not reproduce both roots")


# --- checkpoints -----------------------------------------------------------------------------------------------


def key_hash(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key hash: the first 4 bytes of SHA-256(name || "\\n" || 0x01 || key)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_TYPE + public_key).digest()[:4]


def verifier_key(key: LogKey) -> str:
    """The signed-note verifier key ``<name>+<hex key hash>+<base64(0x01 || key)>``."""
    encoded = base64.b64encode(ED25519_TYPE + key.public_key).decode()
    return f"{key.name}+{key_hash(key.name, key.public_key).hex()}+{encoded}"


def checkpoint_body(origin: str, tree_size: int, root_hash: bytes) -> str:
    """C2SP tlog-checkpoint: origin, decimal tree size, standard base64 root hash, one per line."""
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n"


def sign_checkpoint(body: str, name: str, seed: bytes) -> str:
    """The signed note of ``body``: a blank line, then one Ed25519 signature line by key ``name``."""
    key = signatures.signing_key(seed)
    signed = key_hash(name, key.public_key().public_bytes_raw()) + key.sign(body.encode("utf-8"))
    return f"{body}\n{EM_DASH} {name} {base64.b64encode(signed).decode()}\n"


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointMalformed(f"{what} is not standard base64") from None


def open_checkpoint(note: str, key: LogKey) -> Checkpoint:
    """The checkpoint of a signed note, once a signature by ``key`` verifies over its body."""
    text, blank, lines = note.partition("\n\n")
    # STG-TLOG-005: a signed note is the text, a blank line, signature lines, each ending in a newline.
    if not blank or not lines.endswith("\n"):
        raise CheckpointMalformed("a signed note needs a blank line before its signatures and a final newline")
    body = text + "\n"
    origin, size_text, root_text, *_ = [*body.split("\n"), "", ""]
    # STG-TLOG-005: origin, decimal tree size (no leading zeros), base64 root hash of 32 bytes.
    if not origin or not size_text.isdigit() or not size_text.isascii() or (size_text != "0"
                                                                            and size_text.startswith("0")):
        raise CheckpointMalformed("the checkpoint body is not origin, tree size, root hash")
    root_hash = _b64(root_text, "the root hash")
    if len(root_hash) != 32:
        raise CheckpointMalformed("the root hash is not 32 bytes")
    wanted = key_hash(key.name, key.public_key)
    for line in lines[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != EM_DASH:
            raise CheckpointMalformed(f"not a signature line: {line[:80]!r}")
        raw = _b64(parts[2], "a signature")
        if parts[1] != key.name or raw[:4] != wanted or len(raw) != 68:
            continue  # another key's signature: a note may carry several
        try:
            ed25519_policy.verify(key.public_key, body.encode("utf-8"), raw[4:])
        except SignatureInvalid:
            continue
        return Checkpoint(origin, int(size_text), root_hash)
    # STG-TLOG-005: the note carries no valid signature by the log key.
    raise CheckpointSignatureInvalid(f"no valid signature by {key.name}")


# --- the trust-mode verdict on a peer manifest (A20 §19.2) ------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """``accepted``; when refused, ``code`` (inclusion_proof_invalid or transparency_log_unavailable); ``warning``
    when accepted without valid evidence (relaxed)."""

    accepted: bool
    code: str | None = None
    warning: str | None = None
    detail: str = ""


def _hex(value: object, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 64:
        raise InclusionProofInvalid(f"{what} is not 64 hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise InclusionProofInvalid(f"{what} is not 64 hex digits") from None


def _evidence(manifest: Mapping[str, Any], entry: Mapping[str, Any], key: LogKey) -> None:
    """Raise a ProtocolError unless ``entry`` (an A20 LogEntry) proves ``manifest`` in the log of ``key``."""
    proof = entry.get("inclusion_proof")
    time, index = entry.get("integrated_time"), entry.get("log_index")
    if not isinstance(proof, Mapping) or type(time) is not int or type(index) is not int:
        raise InclusionProofInvalid("not a LogEntry with an inclusion_proof")
    leaf = merkle.leaf_hash(entry_leaf("manifest", manifest, time))
    # STG-TLOG-008: the entry is this manifest (its hash is the leaf of this body).
    if _hex(entry.get("entry_hash"), "entry_hash") != leaf:
        raise InclusionProofInvalid("entry_hash is not the leaf hash of this manifest")
    size, hashes = proof.get("tree_size"), proof.get("hashes")
    if type(size) is not int or not isinstance(hashes, list) or proof.get("log_index") != index:
        raise InclusionProofInvalid("inclusion_proof needs log_index, tree_size and hashes")
    root = _hex(proof.get("root_hash"), "root_hash")
    verify_inclusion(index, size, leaf, [_hex(h, "a proof hash") for h in hashes], root)
    note = proof.get("checkpoint")
    if not isinstance(note, str):
        raise InclusionProofInvalid("inclusion_proof has no checkpoint")
    checkpoint = open_checkpoint(note, key)
    # STG-TLOG-008: the proof's root is the one the log signed for that size.
    if (checkpoint.tree_size, checkpoint.root_hash) != (size, root):
        raise InclusionProofInvalid("the checkpoint signs another tree than the proof's")


def check_manifest_evidence(manifest: Mapping[str, Any], proof: Mapping[str, Any] | None, log_key: LogKey | None,
                            trust_mode: TrustMode) -> Verdict:
    """Whether a peer manifest may be trusted: ``proof`` is its LogEntry, None when the log could not be reached
    (or the peer offers none); ``log_key`` None when the log's key is unknown."""
    if trust_mode == "off":
        return Verdict(True, detail="trust_mode off: no log evidence asked")
    failure: tuple[str, str] | None = None
    if proof is None or log_key is None:
        failure = ("transparency_log_unavailable", "no log evidence could be fetched")
    else:
        try:
            _evidence(manifest, proof, log_key)
        except (InclusionProofInvalid, CheckpointMalformed, CheckpointSignatureInvalid) as exc:
            failure = ("inclusion_proof_invalid", str(exc))
    if failure is None:
        return Verdict(True, detail="inclusion proof verified against a signed checkpoint")
    # STG-TLOG-008: strict fails closed, on a bad proof and on an unreachable log alike.
    if trust_mode == "strict":
        return Verdict(False, code=failure[0], detail=failure[1])
    # STG-TLOG-009: relaxed accepts, with a warning to log and audit.
    return Verdict(True, warning=failure[0], detail=failure[1])
