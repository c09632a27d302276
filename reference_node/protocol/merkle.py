"""The log's Merkle tree (RFC 9162 §2.1) on pymerkle: leaf and node hashing, roots, inclusion and consistency proofs.

pymerkle 7.0 with its defaults (SHA-256, security on) hashes exactly as RFC 9162 §2.1.1: a leaf is
SHA-256(0x00 || data), an interior node SHA-256(0x01 || left || right), the split point the largest power of two
below n, the empty tree SHA-256(). Its inclusion path is RFC 9162's audit path (§2.1.3.1) with the leaf hash in
front, which is dropped here. Its consistency proof is NOT RFC 9162's (it descends differently when m is the size
of a left subtree and always carries the base subtree), so PROOF/SUBPROOF (§2.1.4.1) are laid out here and every
subtree hash is still pymerkle's. The tree holds only leaf hashes; the log rebuilds it from its stored leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pymerkle.core import BaseMerkleTree, InvalidChallenge  # type: ignore[import-untyped]

__all__ = ["InvalidChallenge", "LeafTree", "leaf_hash"]


class LeafTree(BaseMerkleTree):  # type: ignore[misc]
    """A pymerkle tree over leaf hashes held in memory (leaf data is hashed on append)."""

    def __init__(self, hashes: Iterable[bytes] = ()) -> None:
        self._hashes: list[bytes] = list(hashes)
        super().__init__("sha256", disable_cache=True)

    # pymerkle's storage interface (1-based leaf indices).
    def _encode_entry(self, data: bytes) -> bytes:
        return data

    def _store_leaf(self, data: Any, digest: bytes) -> int:
        self._hashes.append(digest)
        return len(self._hashes)

    def _get_leaf(self, index: int) -> bytes:
        return self._hashes[index - 1]

    def _get_leaves(self, offset: int, width: int) -> Sequence[bytes]:
        return self._hashes[offset: offset + width]

    def _get_size(self) -> int:
        return len(self._hashes)

    # RFC 9162 views.
    def size(self) -> int:
        return int(self.get_size())

    def root(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves (0 <= size <= the tree's size)."""
        return bytes(self.get_root(size))

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]) for the 0-based ``index``; InvalidChallenge unless 0 <= index < size <= tree size."""
        proof = self.prove_inclusion(index + 1, size)
        return [bytes(h) for h in proof.path[1:]]

    def consistency(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[second]); InvalidChallenge unless 0 < first <= second <= tree size."""
        if not 0 < first <= second <= self.size():
            raise InvalidChallenge("need 0 < first <= second <= tree size")
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [bytes(self._get_root(start, end))]
        k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two below n
        if m <= k:
            return [*self._subproof(m, start, start + k, whole), bytes(self._get_root(start + k, end))]
        return [*self._subproof(m - k, start + k, end, False), bytes(self._get_root(start, start + k))]


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 MTH({d}) = SHA-256(0x00 || d), by pymerkle's hasher."""
    return bytes(LeafTree().hash_buff(data))
