"""reference_node.protocol.ed25519_policy: RFC 8032 §7.1 vectors and the speccheck-style edge cases per policy.

The edge-case signatures are built here with textbook Edwards arithmetic (RFC 8032 §5.1), independent of the node.
"""

import hashlib

import pytest

from reference_node.protocol.ed25519_policy import SMALL_ORDER_ENCODINGS, L, P, verify
from reference_node.protocol.errors import SignatureInvalid

# RFC 8032 §7.1 TEST 1-3: secret key, public key, message, signature.
RFC8032_VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]
POLICIES = ["strict", "rfc8032"]
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a, b = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    c, d = t1 * 2 * D * t2 % P, z1 * 2 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def mul(scalar, point):
    result = IDENTITY
    while scalar:
        if scalar & 1:
            result = add(result, point)
        point, scalar = add(point, point), scalar >> 1
    return result


def decode(encoding):
    number = int.from_bytes(encoding, "little")
    y, sign = (number & ((1 << 255) - 1)) % P, number >> 255
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if (x & 1) != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def encode(point):
    x, y, z, _ = point
    inverse = pow(z, P - 2, P)
    x, y = x * inverse % P, y * inverse % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def same(p1, p2):
    return encode(p1) == encode(p2)


BASE = decode(int.to_bytes(4 * pow(5, P - 2, P) % P, 32, "little"))
MESSAGE = b"stigmem"


def challenge(r, a):
    return int.from_bytes(hashlib.sha512(r + a + MESSAGE).digest(), "little") % L


def secret_scalar(seed):
    digest = bytearray(hashlib.sha512(seed).digest()[:32])
    digest[0] &= 248
    digest[31] = (digest[31] & 127) | 64
    return int.from_bytes(digest, "little")


def cofactorless_signature(public, secret, torsion=IDENTITY, want_zero=True):
    """A signature valid under [S]B = R + [k]A for A = [secret]B + torsion, searching r so [k]torsion is 0."""
    for r in range(1, 4000):
        r_enc = encode(mul(r, BASE))
        k = challenge(r_enc, public)
        if same(mul(k, torsion), IDENTITY) == want_zero:
            return r_enc + int.to_bytes((r + k * secret) % L, 32, "little")
    raise AssertionError("no suitable nonce found")


def check(public, signature, policy):
    try:
        verify(public, MESSAGE, signature, policy)
    except SignatureInvalid:
        return "reject"
    return "accept"


def test_small_order_encodings_are_the_torsion_subgroup():
    points = [decode(enc) for enc in SMALL_ORDER_ENCODINGS]
    assert len(SMALL_ORDER_ENCODINGS) == 8
    assert all(point is not None and same(mul(8, point), IDENTITY) for point in points)
    assert all(encode(point) == enc for point, enc in zip(points, SMALL_ORDER_ENCODINGS, strict=True))


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032_VECTORS)
def test_rfc8032_vectors_verify(policy, secret, public, message, signature):
    verify(bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature), policy)
    tampered = bytes.fromhex(message) + b"x"
    with pytest.raises(SignatureInvalid):
        verify(bytes.fromhex(public), tampered, bytes.fromhex(signature), policy)


SEED = bytes(range(32))
SECRET = secret_scalar(SEED)
PUBLIC = encode(mul(SECRET, BASE))
GOOD = cofactorless_signature(PUBLIC, SECRET)
IDENTITY_ENC = encode(IDENTITY)
ORDER_8 = decode(bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))
MIXED = encode(add(mul(SECRET, BASE), ORDER_8))


def with_s(signature, s):
    return signature[:32] + int.to_bytes(s, 32, "little")


def alias(encoding):
    """The non-canonical spelling y + p of an encoding with y < 19."""
    number = int.from_bytes(encoding, "little")
    return int.to_bytes(number + P, 32, "little")


CASES = {
    # name: (public key, signature, strict, rfc8032)
    "valid": (PUBLIC, GOOD, "accept", "accept"),
    "s_plus_l": (PUBLIC, with_s(GOOD, int.from_bytes(GOOD[32:], "little") + L), "reject", "reject"),
    "s_far_above_l": (PUBLIC, with_s(GOOD, 2**256 - 1), "reject", "reject"),
    "s_zero_identity_key": (IDENTITY_ENC, IDENTITY_ENC + bytes(32), "reject", "accept"),
    "small_order_key_order_8": (
        encode(ORDER_8),
        cofactorless_signature(encode(ORDER_8), 0, ORDER_8),
        "reject",
        "accept",
    ),
    "small_order_r": (
        PUBLIC,
        IDENTITY_ENC + int.to_bytes(challenge(IDENTITY_ENC, PUBLIC) * SECRET % L, 32, "little"),
        "reject",
        "accept",
    ),
    "non_canonical_key": (alias(IDENTITY_ENC), IDENTITY_ENC + bytes(32), "reject", "reject"),
    "non_canonical_r": (
        PUBLIC,
        alias(IDENTITY_ENC) + int.to_bytes(challenge(alias(IDENTITY_ENC), PUBLIC) * SECRET % L, 32, "little"),
        "reject",
        "reject",
    ),
    "key_x_zero_sign_bit": (IDENTITY_ENC[:31] + b"\x80", IDENTITY_ENC + bytes(32), "reject", "reject"),
    "mixed_order_key_cofactorless_valid": (MIXED, cofactorless_signature(MIXED, SECRET, ORDER_8), "accept", "accept"),
    "mixed_order_key_cofactored_only": (
        MIXED,
        cofactorless_signature(MIXED, SECRET, ORDER_8, want_zero=False),
        "reject",
        "reject",
    ),
    "key_not_on_curve": (int.to_bytes(2, 32, "little"), GOOD, "reject", "reject"),
    "wrong_key": (encode(mul(SECRET + 1, BASE)), GOOD, "reject", "reject"),
    "truncated_signature": (PUBLIC, GOOD[:63], "reject", "reject"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_policy_outcomes(name):
    public, signature, strict, rfc8032 = CASES[name]
    assert (check(public, signature, "strict"), check(public, signature, "rfc8032")) == (strict, rfc8032)


@pytest.mark.parametrize(
    "encoding",
    [
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ],
)
def test_non_canonical_small_order_spellings_rejected_by_both(encoding):
    key = bytes.fromhex(encoding)
    assert check(key, IDENTITY_ENC + bytes(32), "rfc8032") == "reject"
    assert check(key, IDENTITY_ENC + bytes(32), "strict") == "reject"
