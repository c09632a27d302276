"""Ed25519 verification under a declared policy (RFC 8032 §5.1.7; interpretation ``ed25519_policy``; A08 §6.1).

Requirement: STG-SIG-006. RFC 8032 leaves verifiers room (ed25519-speccheck), so the checks are ours and
the group equation is ``cryptography``'s. With cryptography 50 (OpenSSL 4.0) that verify is cofactorless, rejects
S >= L, rejects a non-canonical R (it compares encodings), but *accepts* a non-canonical A (y >= p, reduced) and an A
with x = 0 and the sign bit set, and accepts small-order A and R. The pre-checks below therefore make:

- ``rfc8032``: RFC 8032 as written. Cofactorless; S >= L rejected; an encoding with y >= p, or with x = 0 and the
  sign bit set, fails to decode and is rejected; small-order points are accepted.
- ``strict`` (default): ``rfc8032`` plus rejection of the eight small-order encodings for A and R. Their
  non-canonical spellings already fail decoding, so they are rejected as non-canonical.

``zip215`` (cofactored equation, non-canonical y accepted) cannot be built on a cofactorless library call and is not
offered.
"""

from __future__ import annotations

from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from reference_node.protocol.errors import SignatureInvalid

__all__ = ["POLICIES", "SMALL_ORDER_ENCODINGS", "decodes_canonically", "verify"]

Policy = Literal["strict", "rfc8032"]
POLICIES: tuple[Policy, ...] = ("strict", "rfc8032")

# RFC 8032 §5.1: the field prime p and the group order L.
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493

# The eight points of order dividing 8, canonically encoded (the torsion subgroup E[8]).
SMALL_ORDER_ENCODINGS = frozenset(
    bytes.fromhex(h)
    for h in (
        "0100000000000000000000000000000000000000000000000000000000000000",  # order 1 (identity)
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
        "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
        "0000000000000000000000000000000000000000000000000000000000000080",  # order 4
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8
    )
)


def decodes_canonically(encoding: bytes) -> bool:
    """RFC 8032 §5.1.3: y < p, and not x = 0 with the sign bit set (x = 0 exactly when y = 1 or y = p - 1).

    A y that is not on the curve also fails decoding; the library's verify rejects that case.
    """
    number = int.from_bytes(encoding, "little")
    y, sign = number & ((1 << 255) - 1), number >> 255
    return y < P and not (sign and y in (1, P - 1))


def verify(public_key: bytes, message: bytes, signature: bytes, policy: Policy = "strict") -> None:
    """Raise SignatureInvalid unless ``signature`` is valid for ``message`` under ``policy``."""
    if len(public_key) != 32 or len(signature) != 64:
        raise SignatureInvalid("an Ed25519 key is 32 bytes and a signature 64")
    r, s = signature[:32], int.from_bytes(signature[32:], "little")
    # RFC 8032 §5.1.7 step 1: S must satisfy 0 <= S < L.
    if s >= L:
        raise SignatureInvalid("signature S is not below the group order L")
    # RFC 8032 §5.1.7 step 1: A and R must decode; a non-canonical encoding does not.
    if not decodes_canonically(public_key) or not decodes_canonically(r):
        raise SignatureInvalid("public key A or signature R is not canonically encoded")
    # Policy strict: a small-order A or R is rejected (a small-order key "signs" many messages).
    if policy == "strict" and (public_key in SMALL_ORDER_ENCODINGS or r in SMALL_ORDER_ENCODINGS):
        raise SignatureInvalid("public key A or signature R has small order")
    # RFC 8032 §5.1.7 step 3: the cofactorless group equation [S]B = R + [k]A.
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature as exc:
        raise SignatureInvalid("Ed25519 signature does not verify") from exc
