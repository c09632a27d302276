"""RTBF and time-travel vectors: ``vectors/tombstones/sign.json`` and ``vectors/time_travel/visibility.json``.

tombstones/sign (STG-TOMB-004, STG-TOMB-017): each case signs a tombstone or revocation with a published test key
whose 32-byte seed is in the case (SHA-256 of a label, so anyone can rebuild it); the preimage and signature are
computed by ``conformance.oracle.ed25519``. Redacting ``reason`` keeps the signature; changing ``scope``,
``entity_uri`` or ``key_id`` changes it; key order and whitespace of the document text do not.

time_travel/visibility (STG-TT-004..006, -011, -013, -014): one timeline of asserts, retractions, expiries,
tombstones and a revocation; the visible set at each event instant and 1 ms either side, for an admin and an agent
caller, computed by ``conformance.oracle.time_travel`` (A20 §24.2.1).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.generate.signed_documents import revocation, tombstone, uuid7
from conformance.generate.writer import Case, VectorFile, valid
from conformance.oracle import ed25519 as oracle
from conformance.oracle import time_travel as model

SIGN_NOTES = {
    "Signed": {"description": "A tombstone signed over JCS of the record without signature and reason.",
               "effect": "Peers reject genuine tombstones, so erasure stops at the first hop.",
               "requirements": "STG-TOMB-004"},
    "Redacted": {"description": "The reason replaced by \"redacted\" (or left out): the signature is unchanged.",
                 "effect": "A rebroadcast with a redacted reason is rejected.", "requirements": "STG-TOMB-017"},
    "Tampered": {"description": "A signed field changed: the signature must change too.",
                 "effect": "A relay can widen a tombstone's scope or move it to another entity.",
                 "requirements": "STG-TOMB-004 STG-TOMB-018"},
    "Spelling": {"description": "The same document with other key order and whitespace.",
                 "effect": "A verifier hashes the bytes it received, not the canonical form.",
                 "requirements": "STG-TOMB-004"},
    "Revocation": {"description": "A revocation record, signed the same way.", "effect": "Revocations do not travel.",
                   "requirements": "STG-TOMB-008"},
}
VIS_NOTES = {
    "Created": {"description": "Rule 1: created at or before T.", "effect": "Facts appear before they were known.",
                "requirements": "STG-TT-004"},
    "Expired": {"description": "Rule 2: valid_until after T (exclusive).", "effect": "Expired facts linger.",
                "requirements": "STG-TT-004"},
    "Retracted": {"description": "Rule 3: no retraction at or before T.", "effect": "Retracted facts come back.",
                  "requirements": "STG-TT-005"},
    "Tombstoned": {"description": "Rule 4: no active tombstone, whatever T; a legal hold only for admins.",
                   "effect": "Erased facts are reachable through history.",
                   "requirements": "STG-TT-006 STG-TT-011 STG-TT-013 STG-TT-014"},
    "Revoked": {"description": "A revoked tombstone hides nothing.", "effect": "Reinstated facts stay hidden.",
                "requirements": "STG-TOMB-008"},
}


def seed(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


KEY_A, KEY_B = seed("stigmem-conformance tombstone key A"), seed("stigmem-conformance tombstone key B")


def _signed(doc: dict[str, Any], kind: str, key: bytes) -> dict[str, Any]:
    message = oracle.preimage(kind, doc)
    return {"preimage_hex": message.hex(), "signature": oracle.b64u_encode(oracle.sign(key, message))}


def _tomb(key: bytes, **changes: Any) -> dict[str, Any]:
    return tombstone(key_id=oracle.key_id(oracle.public_key(key)), **changes)


def sign_file() -> VectorFile:
    vf = VectorFile("tombstones", "sign", "The preimage and Ed25519 signature of a tombstone or revocation under a "
                    "published test key (seed_hex in the input).", SIGN_NOTES,
                    source={"name": "seed Migrating from v1.x to v2.0, RTBF / tombstones; A20 23.2.4",
                            "worked_by": "conformance.oracle.ed25519"})
    req = ("STG-TOMB-004",)

    def add(description: str, doc: dict[str, Any], flags: tuple[str, ...], key: bytes = KEY_A,
            kind: str = "tombstone", text: str | None = None, reqs: tuple[str, ...] = req) -> dict[str, Any]:
        expected = _signed(doc, kind, key)
        inp: dict[str, Any] = {"kind": kind, "seed_hex": key.hex()}
        inp.update({"document_text": text} if text is not None else {"document": doc})
        vf.add(Case(description, reqs, inp, valid(**expected), flags))
        return expected

    base = _tomb(KEY_A)
    original = add("A company-scope tombstone under key A", base, ("Signed",))
    for description, doc in (("reason redacted to \"redacted\"", {**base, "reason": "redacted"}),
                             ("reason null", {**base, "reason": None}),
                             ("reason left out", {k: v for k, v in base.items() if k != "reason"})):
        got = add(f"The same tombstone with its {description}: the same signature", doc, ("Redacted",),
                  reqs=("STG-TOMB-004", "STG-TOMB-017"))
        if got != original:
            raise ValueError(f"tombstones/sign: {description} changed the signature")
    for description, doc in (("scope widened to *", {**base, "scope": "*"}),
                             ("scope an array", {**base, "scope": ["company", "team"]}),
                             ("another entity_uri", {**base, "entity_uri": "stigmem://node-a.example/user/other"}),
                             ("another key_id", {**base, "key_id": oracle.key_id(oracle.public_key(KEY_B))}),
                             ("legal_hold true", {**base, "legal_hold": True})):
        got = add(f"The tombstone with {description}: a different signature", doc, ("Tampered",),
                  reqs=("STG-TOMB-004", "STG-TOMB-018"))
        if got["signature"] == original["signature"]:
            raise ValueError(f"tombstones/sign: {description} kept the signature")
    for description, text in (
            ("keys in reverse order", json.dumps(dict(reversed(list(base.items()))))),
            ("pretty-printed with indentation", json.dumps(base, indent=3)),
            ("no whitespace, non-ASCII escaped", json.dumps(base, separators=(",", ":"), ensure_ascii=True))):
        got = add(f"The tombstone's text with {description}: the same signature", base, ("Spelling",), text=text)
        if got != original:
            raise ValueError(f"tombstones/sign: {description} changed the signature")
    add("The same tombstone under key B", _tomb(KEY_B), ("Signed",), key=KEY_B)
    add("A legal-hold tombstone with an array scope", _tomb(KEY_A, scope=["public", "team"], legal_hold=True,
                                                             id="tomb_" + uuid7(1777714300000, "hold")), ("Signed",))
    rev = revocation(key_id=oracle.key_id(oracle.public_key(KEY_A)))
    add("A revocation of the tombstone under key A", rev, ("Revocation",), kind="tombstone_revocation",
        reqs=("STG-TOMB-008",))
    return vf


T0 = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)
S = timedelta(seconds=1)
MS = timedelta(milliseconds=1)
# The timeline: name, created, valid_until, retracted, tombstone ("none", "active", "hold", "revoked").
TIMELINE: list[tuple[str, datetime, datetime | None, datetime | None, str]] = [
    ("plain", T0, None, None, "none"),
    ("expiring", T0 + S, T0 + 3 * S, None, "none"),
    ("retracted", T0 + S, None, T0 + 2 * S, "none"),
    ("late", T0 + 2 * S + timedelta(microseconds=500_000), None, None, "none"),
    ("erased", T0, None, None, "active"),
    ("held", T0 + S, None, None, "hold"),
    ("reinstated", T0 + S, None, None, "revoked"),
]


def visibility_file() -> VectorFile:
    vf = VectorFile("time_travel", "visibility", "The names of the facts visible at as_of T for one caller kind, "
                    "from a timeline of asserts, expiries, retractions and the current tombstones.", VIS_NOTES,
                    source={"name": "A20 24.2.1 Fact Visibility at Time T, 24.3; Spec-X3",
                            "worked_by": "conformance.oracle.time_travel"})
    facts = []
    for name, created, until, retracted, tomb in TIMELINE:
        facts.append({"name": name, "created": model.spelling(created, "frac-Z"),
                      **({"valid_until": model.spelling(until, "+00:00")} if until else {}),
                      **({"retracted": model.spelling(retracted, "Z")} if retracted else {}),
                      "tombstones": [] if tomb == "none" else
                      [{"legal_hold": tomb == "hold", "revoked": tomb == "revoked"}]})
    modelled = [model.Fact(n, c, u, r, tombstoned=t in ("active", "hold"), legal_hold=t == "hold")
                for n, c, u, r, t in TIMELINE]
    instants = sorted({m for _, c, u, r, _ in TIMELINE for m in (c, u, r) if m is not None})
    req = ("STG-TT-004", "STG-TT-005", "STG-TT-006", "STG-TT-011", "STG-TT-013", "STG-TT-014")
    for moment in instants:
        for delta, where in ((-MS, "1 ms before"), (timedelta(0), "exactly at"), (MS, "1 ms after")):
            probe = moment + delta
            for caller in ("admin", "agent"):
                names = model.visible_set(modelled, probe, caller == "admin")
                flags = tuple(sorted({"Created", "Tombstoned", "Revoked"}
                                     | ({"Expired"} if moment == T0 + 3 * S else set())
                                     | ({"Retracted"} if moment == T0 + 2 * S else set())))
                vf.add(Case(f"{caller} at {where} {model.spelling(moment, 'frac-Z')}", req,
                            {"facts": facts, "as_of": model.spelling(probe, "offset"), "caller": caller},
                            valid(visible=names), flags))
    return vf


def files() -> list[VectorFile]:
    return [sign_file(), visibility_file()]
