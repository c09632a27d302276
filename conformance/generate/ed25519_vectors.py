"""Ed25519 vectors: ``vectors/ed25519/verify.json`` (STG-SIG-006, interpretation ``ed25519_policy``).

The RFC 8032 section 7.1 triples come first, re-derived by ``conformance.oracle.ed25519`` and asserted equal to
the RFC's text. Then edge cases in the style of ed25519-speccheck, crafted from the RFC keys with a small
Edwards-curve model written here from RFC 8032 sections 5.1.3-5.1.7 and ZIP 215. The same model decides each
verdict under the three policies; the verdicts are also written out below (``_EXPECTED``) from the reasoning in
``NOTES`` and the generator fails if model and reasoning disagree. Where the policies disagree, one vector per
policy is emitted (same input, different expected). What the installed ``cryptography`` (OpenSSL)
answers is recorded in REPORT.md, so the generated data never depends on the library version.
"""

from __future__ import annotations

import hashlib

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import ed25519 as oracle

# --- The curve, RFC 8032 section 5.1 ---------------------------------------------------------------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

Point = tuple[int, int, int, int]  # extended homogeneous coordinates (X, Y, Z, T), x = X/Z, y = Y/Z
IDENTITY: Point = (0, 1, 1, 0)


def _add(p: Point, q: Point) -> Point:
    # RFC 8032 section 5.1.4, complete for a = -1: also used for doubling.
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * p[3] * q[3] * D % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(n: int, p: Point) -> Point:
    result = IDENTITY
    while n:
        if n & 1:
            result = _add(result, p)
        p = _add(p, p)
        n >>= 1
    return result


def _equal(p: Point, q: Point) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % P == 0 and (p[1] * q[2] - q[1] * p[2]) % P == 0


def _neg(p: Point) -> Point:
    return (-p[0] % P, p[1], p[2], -p[3] % P)


def _encode(p: Point) -> bytes:
    zi = pow(p[2], P - 2, P)
    x, y = p[0] * zi % P, p[1] * zi % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _decode(data: bytes, *, reduce_y: bool, allow_negative_zero: bool) -> Point | None:
    """RFC 8032 section 5.1.3; ZIP 215 relaxes the y >= p and x = 0 with sign bit checks."""
    if len(data) != 32:
        return None
    n = int.from_bytes(data, "little")
    y, sign = n & (2**255 - 1), n >> 255
    if y >= P:
        if not reduce_y:
            return None
        y -= P
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == -u % P:
        x = x * SQRT_M1 % P
    elif v * x * x % P != u:
        return None  # not on the curve
    if x == 0 and sign == 1 and not allow_negative_zero:
        return None
    if x & 1 != sign:
        x = -x % P
    return (x, y, 1, x * y % P)


_base = _decode((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"), reduce_y=False, allow_negative_zero=False)
assert _base is not None
BASE: Point = _base  # y = 4/5, x even (RFC 8032 section 5.1)


def _small_order(p: Point) -> bool:
    return _equal(_mul(8, p), IDENTITY)


def _k(r: bytes, a: bytes, message: bytes) -> int:
    return int.from_bytes(hashlib.sha512(r + a + message).digest(), "little") % L


def model_verify(policy: str, public: bytes, message: bytes, signature: bytes) -> bool:
    """Verification under one ``ed25519_policy`` option, as the register and NOTES describe it."""
    if len(public) != 32 or len(signature) != 64:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:  # every policy: RFC 8032 section 5.1.7 step 1, ZIP 215
        return False
    lax = policy == "zip215"
    a = _decode(public, reduce_y=lax, allow_negative_zero=lax)
    r = _decode(signature[:32], reduce_y=lax, allow_negative_zero=lax)
    if a is None or r is None:
        return False
    if policy == "strict" and (_small_order(a) or _small_order(r)):
        return False
    # k hashes the encodings as received, never re-encoded points.
    diff = _add(_mul(s, BASE), _neg(_add(r, _mul(_k(signature[:32], public, message), a))))
    if policy == "zip215":
        diff = _mul(8, diff)  # the cofactored equation [8][S]B = [8]R + [8][k]A
    return _equal(diff, IDENTITY)


def _order8_point() -> Point:
    """A point of order exactly 8: [L]Q for the first decodable y = 2, 3, ... whose torsion part has order 8."""
    y = 2
    while True:
        q = _decode(y.to_bytes(32, "little"), reduce_y=False, allow_negative_zero=False)
        if q is not None:
            t = _mul(L, q)
            if not _equal(_mul(4, t), IDENTITY):
                return t
        y += 1


def _not_on_curve() -> bytes:
    """The smallest y whose encoding decodes to no point."""
    y = 2
    while _decode(y.to_bytes(32, "little"), reduce_y=True, allow_negative_zero=True) is not None:
        y += 1
    return y.to_bytes(32, "little")


def _message_with_k(prefix: bytes, r: bytes, a: bytes, zero_mod_8: bool) -> bytes:
    """The first ``prefix || counter`` message whose k is (or is not) a multiple of 8."""
    n = 0
    while True:
        message = prefix + str(n).encode("ascii")
        if (_k(r, a, message) % 8 == 0) == zero_mod_8:
            return message
        n += 1


# --- RFC 8032 section 7.1 ------------------------------------------------------------------------------
# (name, secret key, public key, message, signature), hex as printed in the RFC.
RFC8032 = [
    ("TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ("TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
]
SEED1, SEED2, SEED3 = (bytes.fromhex(row[1]) for row in RFC8032[:3])
POLICIES = ("strict", "rfc8032", "zip215")
REQ = ("STG-SIG-006",)

_ALL = "Every policy rejects it."
NOTES = {
    "Rfc8032Vector": {
        "description": "A TEST triple printed in RFC 8032 section 7.1, reproduced by the generator.",
        "effect": "An implementation that fails these does not implement Ed25519 at all.",
        "requirements": "STG-SIG-006"},
    "NonCanonicalS": {
        "description": "S >= L (S + L, or 2^256 - 1). RFC 8032 section 5.1.7 and ZIP 215 both reject S >= L. "
                       + _ALL,
        "effect": "Malleability: a second valid signature for the same message and key.",
        "requirements": "STG-SIG-006"},
    "ZeroS": {
        "description": "S = 0 with the identity as A and R: [0]B = O = O + [k]O, so both equations hold. "
                       "strict rejects (small-order A and R); rfc8032 and zip215 accept.",
        "effect": "One signature verifies for every message under a degenerate key.",
        "requirements": "STG-SIG-006"},
    "SmallOrderKey": {
        "description": "A has small order (identity or order 8). strict rejects it outright. rfc8032 "
                       "(cofactorless) accepts iff [S]B = R + [k]A holds, which for an order-8 A needs k = 0 mod 8. "
                       "zip215 (cofactored) kills the [k]A term and accepts.",
        "effect": "A small-order federation key lets anyone forge declarations and tokens.",
        "requirements": "STG-SIG-006"},
    "MixedOrderKey": {
        "description": "A = [a]B + T with T of order 8: not small-order, so strict treats it like rfc8032. The "
                       "cofactorless equation holds iff [k]T = O (k = 0 mod 8); the cofactored one always holds.",
        "effect": "Cofactored and cofactorless verifiers split on the same signature (consensus failure).",
        "requirements": "STG-SIG-006"},
    "NonCanonicalKey": {
        "description": "A encodes the identity non-canonically (y = p + 1, or x = 0 with the sign bit set). "
                       "RFC 8032 section 5.1.3 decoding fails, so strict and rfc8032 reject; ZIP 215 accepts "
                       "non-canonical encodings and the cofactored equation holds.",
        "effect": "Two byte strings name one key; a key check on bytes can be bypassed.",
        "requirements": "STG-SIG-006"},
    "SmallOrderR": {
        "description": "R has small order. strict rejects. With R = O and S = k*a both equations hold "
                       "(rfc8032, zip215 accept); with R of order 8 only the cofactored one does (zip215).",
        "effect": "Verifiers split on the same signature.",
        "requirements": "STG-SIG-006"},
    "NonCanonicalR": {
        "description": "R encodes the identity as y = p + 1 and S = k*a with k over those bytes. strict and "
                       "rfc8032 fail to decode R; zip215 reduces y and accepts.",
        "effect": "Signature malleability through the R encoding.",
        "requirements": "STG-SIG-006"},
    "WrongMessage": {"description": "The signature is over another message. " + _ALL,
                     "effect": "Signatures are not bound to their message.", "requirements": "STG-SIG-006"},
    "WrongKey": {"description": "The signature is by another key. " + _ALL,
                 "effect": "Anyone can sign for anyone.", "requirements": "STG-SIG-006"},
    "TruncatedSignature": {"description": "The signature has 63 bytes. " + _ALL,
                           "effect": "Out-of-bounds reads or acceptance of a partial check.",
                           "requirements": "STG-SIG-006"},
    "ExtendedSignature": {"description": "The signature has 65 bytes (a 0x00 appended). " + _ALL,
                          "effect": "Trailing garbage accepted: signatures are malleable.",
                          "requirements": "STG-SIG-006"},
    "TruncatedKey": {"description": "The public key has 31 bytes. " + _ALL,
                     "effect": "Keys of the wrong length accepted or read out of bounds.",
                     "requirements": "STG-SIG-006"},
    "FlippedBit": {"description": "One bit of R, S or A is flipped in a valid triple. " + _ALL,
                   "effect": "Tampering goes unnoticed.", "requirements": "STG-SIG-006"},
    "KeyNotOnCurve": {"description": "A's encoding is no curve point (x^2 has no root). " + _ALL,
                      "effect": "Invalid-curve arithmetic on attacker-chosen input.",
                      "requirements": "STG-SIG-006"},
    "RNotOnCurve": {"description": "R's encoding is no curve point. " + _ALL,
                    "effect": "Invalid-curve arithmetic on attacker-chosen input.",
                    "requirements": "STG-SIG-006"},
}

Triple = tuple[bytes, bytes, bytes]  # public key, message, signature
_R, _A = "reject", "accept"


def _cases() -> list[tuple[str, tuple[str, ...], Triple, tuple[str, str, str], dict[str, str] | None]]:
    """(description, flags, (A, M, sig), reasoned verdicts (strict, rfc8032, zip215), RFC source or None)."""
    out: list[tuple[str, tuple[str, ...], Triple, tuple[str, str, str], dict[str, str] | None]] = []
    for name, seed_hex, pub_hex, msg_hex, sig_hex in RFC8032:
        seed, message = bytes.fromhex(seed_hex), bytes.fromhex(msg_hex)
        # The oracle must reproduce the RFC's own bytes.
        assert oracle.public_key(seed).hex() == pub_hex, name
        assert oracle.sign(seed, message).hex() == sig_hex, name
        desc = f"RFC 8032 {name} verifies" + (" (empty message)" if not message else "")
        out.append((desc, ("Rfc8032Vector",), (bytes.fromhex(pub_hex), message, bytes.fromhex(sig_hex)),
                    (_A, _A, _A), {"name": "RFC 8032 section 7.1", "test": name}))

    pub1, pub2, pub3 = (oracle.public_key(s) for s in (SEED1, SEED2, SEED3))
    a1, a3 = oracle.secret_scalar(SEED1), oracle.secret_scalar(SEED3)
    msg = b"stigmem ed25519 edge case"
    sig1 = oracle.sign(SEED1, msg)
    r1, s1 = sig1[:32], int.from_bytes(sig1[32:], "little")
    A1 = _decode(pub1, reduce_y=False, allow_negative_zero=False)
    assert A1 is not None

    def le(n: int) -> bytes:
        return n.to_bytes(32, "little")

    def add(desc: str, flags: tuple[str, ...], triple: Triple, verdicts: tuple[str, str, str]) -> None:
        out.append((desc, flags, triple, verdicts, None))

    add("Signature by TEST 1 key over an ASCII message verifies", (), (pub1, msg, sig1), (_A, _A, _A))
    add("Signature over the empty message by TEST 2 key verifies", (), (pub2, b"", oracle.sign(SEED2, b"")),
        (_A, _A, _A))
    add("Empty-message signature checked against message 00 fails", ("WrongMessage",),
        (pub2, b"\x00", oracle.sign(SEED2, b"")), (_R, _R, _R))
    add("Signature checked against another message fails", ("WrongMessage",), (pub1, msg + b".", sig1),
        (_R, _R, _R))
    add("Signature checked against another key fails", ("WrongKey",), (pub2, msg, sig1), (_R, _R, _R))
    add("S replaced by S + L is rejected", ("NonCanonicalS",), (pub1, msg, r1 + le(s1 + L)), (_R, _R, _R))
    add("S replaced by 2^256 - 1 is rejected", ("NonCanonicalS",), (pub1, msg, r1 + le(2**256 - 1)),
        (_R, _R, _R))
    add("Signature truncated to 63 bytes is rejected", ("TruncatedSignature",), (pub1, msg, sig1[:63]),
        (_R, _R, _R))
    add("Signature extended to 65 bytes is rejected", ("ExtendedSignature",), (pub1, msg, sig1 + b"\x00"),
        (_R, _R, _R))
    add("Public key truncated to 31 bytes is rejected", ("TruncatedKey",), (pub1[:31], msg, sig1), (_R, _R, _R))
    flips = [("Lowest bit of R flipped", 0, 0), ("Sign bit of R flipped", 31, 7), ("Lowest bit of S flipped", 32, 0),
             ("Top byte of S changed below L", 63, 3)]
    for what, byte, bit in flips:
        bad = bytearray(sig1)
        bad[byte] ^= 1 << bit
        assert int.from_bytes(bad[32:], "little") < L, what
        add(f"{what} is rejected", ("FlippedBit",), (pub1, msg, bytes(bad)), (_R, _R, _R))
    for what, byte, bit in [("Lowest bit of A flipped", 0, 0), ("Sign bit of A flipped", 31, 7)]:
        bad_a = bytearray(pub1)
        bad_a[byte] ^= 1 << bit
        add(f"{what} is rejected", ("FlippedBit",), (bytes(bad_a), msg, sig1), (_R, _R, _R))
    add("Public key that is no curve point is rejected", ("KeyNotOnCurve",), (_not_on_curve(), msg, sig1),
        (_R, _R, _R))
    add("R that is no curve point is rejected", ("RNotOnCurve",), (pub1, msg, _not_on_curve() + sig1[32:]),
        (_R, _R, _R))

    identity = _encode(IDENTITY)
    id_p1 = le(P + 1)  # y = p + 1 reduces to y = 1: the identity, non-canonically
    id_neg0 = le(1 | 1 << 255)  # x = 0 with the sign bit set
    # R = A' = [a]B and S = a mod L satisfy [S]B = R + [k]O for every message k.
    forged = pub1 + le(a1 % L)
    add("S = 0 with identity A and R", ("ZeroS", "SmallOrderKey", "SmallOrderR"),
        (identity, msg, identity + le(0)), (_R, _A, _A))
    add("Identity key with R = [a]B and S = a", ("SmallOrderKey",), (identity, msg, forged), (_R, _A, _A))
    add("Identity key encoded as y = p + 1", ("NonCanonicalKey", "SmallOrderKey"), (id_p1, msg, forged),
        (_R, _R, _A))
    add("Identity key encoded with the sign bit set", ("NonCanonicalKey", "SmallOrderKey"),
        (id_neg0, msg, forged), (_R, _R, _A))

    t8 = _order8_point()
    t8_enc = _encode(t8)
    r3 = pub3  # R = [a3]B, S = a3 for an order-8 key: [k]T8 must vanish for the cofactorless equation
    m0 = _message_with_k(b"stigmem order-8 key ", r3, t8_enc, zero_mod_8=True)
    m1 = _message_with_k(b"stigmem order-8 key ", r3, t8_enc, zero_mod_8=False)
    add("Order-8 key, k = 0 mod 8: cofactorless equation holds", ("SmallOrderKey",),
        (t8_enc, m0, r3 + le(a3 % L)), (_R, _A, _A))
    add("Order-8 key, k != 0 mod 8: only the cofactored equation holds", ("SmallOrderKey",),
        (t8_enc, m1, r3 + le(a3 % L)), (_R, _R, _A))

    mixed = _encode(_add(A1, t8))
    for zero, verdicts, what in [(True, (_A, _A, _A), "k = 0 mod 8: both equations hold"),
                                 (False, (_R, _R, _A), "k != 0 mod 8: only the cofactored equation holds")]:
        m = _message_with_k(b"stigmem mixed-order key ", r3, mixed, zero_mod_8=zero)
        s = (a3 + _k(r3, mixed, m) * a1) % L
        add(f"Mixed-order key, {what}", ("MixedOrderKey",), (mixed, m, r3 + le(s)), verdicts)

    # R = O, S = k*a: [S]B = [k]A' = O + [k]A'.
    add("Identity R with S = k*a", ("SmallOrderR",), (pub1, msg, identity + le(_k(identity, pub1, msg) * a1 % L)),
        (_R, _A, _A))
    add("Order-8 R with S = k*a", ("SmallOrderR",), (pub1, msg, t8_enc + le(_k(t8_enc, pub1, msg) * a1 % L)),
        (_R, _R, _A))
    add("Identity R encoded as y = p + 1 with S = k*a", ("NonCanonicalR", "SmallOrderR"),
        (pub1, msg, id_p1 + le(_k(id_p1, pub1, msg) * a1 % L)), (_R, _R, _A))

    # Appended for the automatic mutation sweep (tests/mutants/sweep.py): ids after this line are new.
    # R = [a]B and S = a hold for any key T with [k]T = O; k = 0 mod 8 makes that true for every small-order T.
    order2 = le(P - 1)  # x = 0, y = -1: the point of order 2, canonically encoded
    for what, key, verdicts in [
        ("Order-2 key (y = p - 1), k = 0 mod 8: cofactorless equation holds", order2, (_R, _A, _A)),
        ("Order-4 key encoded as y = p", le(P), (_R, _R, _A)),
        ("Order-2 key encoded with the sign bit set (y = p - 1, x = 0)", le(P - 1 | 1 << 255), (_R, _R, _A)),
    ]:
        m = _message_with_k(b"stigmem small-order key ", pub1, key, zero_mod_8=True)
        flags = ("SmallOrderKey",) if key == order2 else ("NonCanonicalKey", "SmallOrderKey")
        add(what, flags, (key, m, forged), verdicts)
    # [S]B = R + [k]O: with the identity as A only S and R matter.
    add("S = L exactly with identity A and R", ("NonCanonicalS",), (identity, msg, identity + le(L)),
        (_R, _R, _R))
    add("S = L - 1 with identity A and R = -B", ("SmallOrderKey",), (identity, msg, _encode(_neg(BASE)) + le(L - 1)),
        (_R, _A, _A))
    return out


def files() -> list[VectorFile]:
    vf = VectorFile(
        "ed25519", "verify",
        "Ed25519 verification of raw (public key, message, signature) triples, with one expected result per "
        "ed25519_policy option where the options disagree. RFC 8032 section 7.1 triples first, then edge "
        "cases crafted from the RFC keys. What pyca/cryptography (OpenSSL) answers for each case is recorded "
        "in REPORT.md, not here, so the data does not depend on the installed library.",
        notes=NOTES,
        source={"name": "RFC 8032 section 7.1", "version": "January 2017",
                "derived": "edge cases crafted from the RFC 8032 keys (ed25519-speccheck classes, ZIP 215)"},
    )
    for desc, flags, (pub, message, sig), reasoned, rfc in _cases():
        verdicts = tuple(_A if model_verify(pol, pub, message, sig) else _R for pol in POLICIES)
        if verdicts != reasoned:
            raise AssertionError(f"{desc}: model says {verdicts}, reasoning says {reasoned}")
        if rfc is not None:
            assert oracle.verify(pub, message, sig), desc
        data = {"public_key_hex": pub.hex(), "message_hex": message.hex(), "signature_hex": sig.hex()}
        display: dict[str, object] = {}
        if rfc is not None:
            display["source"] = rfc
        if len(set(verdicts)) == 1:
            expected = valid() if verdicts[0] == _A else invalid("signature_invalid")
            vf.add(Case(desc, REQ, data, expected, flags=flags, display=display))
            continue
        for policy, verdict in zip(POLICIES, verdicts, strict=True):
            expected = valid() if verdict == _A else invalid("signature_invalid")
            vf.add(Case(f"{desc} ({policy})", REQ, data, expected, flags=flags,
                        interpretations={"ed25519_policy": policy}, display=display))
    return [vf]
