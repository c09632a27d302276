"""The suite's own model of a transparency log: RFC 9162 Merkle trees and proofs, signed-note checkpoints.

Written from RFC 9162 §2.1 (the same tree as RFC 6962 §2.1), not from any library, so a bug shared with a node's
Merkle library cannot pass. Hashes are SHA-256; a leaf hashes as ``SHA-256(0x00 || data)``, an interior node as
``SHA-256(0x01 || left || right)``, the empty tree as ``SHA-256()`` (§2.1.1). Proof generation follows the recursive
definitions (PATH §2.1.3.1, PROOF/SUBPROOF §2.1.4.1); verification follows the iterative algorithms (§2.1.3.2,
§2.1.4.2), so each side checks the other in the tests. A consistency proof between equal sizes is empty
(SUBPROOF(m, D[m], true) = {}) and holds when the two roots are equal; size 0 has no proofs.

Checkpoints are C2SP tlog-checkpoint bodies (origin line, decimal tree size, standard base64 root hash, each ending
in a newline) wrapped in a C2SP signed note: the body, a blank line, then lines ``"\u2014 <name> <base64(key hash ||
signature)>"``. For Ed25519 the key hash is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key) and the
signature covers the body bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from conformance.oracle.ed25519 import public_key, sign, verify

__all__ = [
    "Checkpoint",
    "CheckpointRefused",
    "checkpoint_body",
    "consistency_proof",
    "inclusion_path",
    "key_hash",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "root",
    "sign_checkpoint",
    "verifier_key",
    "verify_consistency",
    "verify_inclusion",
]

EM_DASH = "\u2014"
ED25519 = b"\x01"  # the signed-note signature type of Ed25519


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(hashes: list[bytes]) -> bytes:
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = _split(len(hashes))
    return node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of the leaf data ``leaves``."""
    return _mth([leaf_hash(d) for d in leaves])


def _path(m: int, hashes: list[bytes]) -> list[bytes]:
    if len(hashes) <= 1:
        return []
    k = _split(len(hashes))
    if m < k:
        return [*_path(m, hashes[:k]), _mth(hashes[k:])]
    return [*_path(m - k, hashes[k:]), _mth(hashes[:k])]


def inclusion_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(index, D[n]): the audit path of leaf ``index`` (0-based) in the tree of ``leaves``."""
    if not 0 <= index < len(leaves):
        raise ValueError("no inclusion proof: index outside the tree")
    return _path(index, [leaf_hash(d) for d in leaves])


def _subproof(m: int, hashes: list[bytes], whole: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if whole else [_mth(hashes)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], whole), _mth(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), _mth(hashes[:k])]


def consistency_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) between the first ``m`` leaves and all of ``leaves`` (0 < m <= n)."""
    if not 0 < m <= len(leaves):
        raise ValueError("no consistency proof: need 0 < m <= n")
    return _subproof(m, [leaf_hash(d) for d in leaves], True)


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2, step by step; ``leaf`` is the leaf hash."""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes, path: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2, step by step (equal sizes: an empty proof and equal roots)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not path and first_hash == second_hash
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0


# --- checkpoints (C2SP tlog-checkpoint in a C2SP signed note) -------------------------------------------------


class CheckpointRefused(Exception):
    """A checkpoint the verifier must refuse; ``code`` is the adapter error code."""

    def __init__(self, code: str, why: str) -> None:
        super().__init__(why)
        self.code = code


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def verifier_key(name: str, public: bytes) -> str:
    """The signed-note verifier key string ``<name>+<hex key hash>+<base64(0x01 || key)>``."""
    return f"{name}+{key_hash(name, public).hex()}+{base64.b64encode(ED25519 + public).decode()}"


def checkpoint_body(origin: str, size: int, root_hash: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root_hash).decode()}\n"


def sign_checkpoint(body: str, name: str, seed: bytes) -> str:
    """The signed note: ``body``, a blank line, one Ed25519 signature line by ``name``."""
    sig = key_hash(name, public_key(seed)) + sign(seed, body.encode())
    return f"{body}\n{EM_DASH} {name} {base64.b64encode(sig).decode()}\n"


def open_checkpoint(note: str, name: str, public: bytes) -> Checkpoint:
    """The checkpoint of ``note`` once a signature by (``name``, ``public``) verifies; else CheckpointRefused."""
    body, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise CheckpointRefused("checkpoint_malformed", "no blank line before the signatures, or no final newline")
    body += "\n"
    lines = body.split("\n")[:-1]
    if len(lines) < 3 or not lines[0] or not lines[1].isdigit() or (lines[1] != "0" and lines[1].startswith("0")):
        raise CheckpointRefused("checkpoint_malformed", "the body is not origin, tree size, root hash")
    try:
        root_hash = base64.b64decode(lines[2], validate=True)
    except binascii.Error:
        raise CheckpointRefused("checkpoint_malformed", "the root hash is not base64") from None
    if len(root_hash) != 32:
        raise CheckpointRefused("checkpoint_malformed", "the root hash is not 32 bytes")
    want = key_hash(name, public)
    for line in signatures[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != EM_DASH:
            raise CheckpointRefused("checkpoint_malformed", f"not a signature line: {line!r}")
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            raise CheckpointRefused("checkpoint_malformed", "a signature is not base64") from None
        if parts[1] == name and raw[:4] == want and len(raw) == 68 and verify(public, body.encode(), raw[4:]):
            return Checkpoint(lines[0], int(lines[1]), root_hash)
    raise CheckpointRefused("checkpoint_signature_invalid", f"no valid signature by {name}")
