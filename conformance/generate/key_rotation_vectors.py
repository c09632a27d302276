"""Signing-key rotation log vectors: ``vectors/key_rotation/verify_chain.json`` (STG-KEY-009..015).

Entries are signed here with ``conformance.oracle`` (``cryptography`` underneath) from fixed seeds. Each case states
its expected verdict by hand; the generator asks ``conformance.oracle.key_rotation`` too and refuses to write a
file where the two disagree.
"""

from __future__ import annotations

import hashlib
from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import key_rotation as oracle
from conformance.oracle.ed25519 import b64u_encode, jcs, public_key, sign

ENTITY = "stigmem://node-a.example/node/1"
INTERPRETATION = {"key_rotation_entry": "a20-bound-key"}
SEEDS = [hashlib.sha256(f"stigmem key rotation vector seed {n}".encode()).digest() for n in range(5)]
PUB = [b64u_encode(public_key(seed)) for seed in SEEDS]
KID = [oracle.key_id_of(p) for p in PUB]
T1, T2, T3 = "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"
# 90 days of dual trust end on these days.
E1, E2, E3 = "2026-04-01T00:00:00Z", "2026-05-30T00:00:00Z", "2026-07-30T00:00:00Z"

NOTES = {
    "Shape": {"description": "The entry's members, event_type, entity_uri, key-id form and the new key binding.",
              "effect": "A malformed entry installs a key no one can name or check.",
              "requirements": "STG-KEY-009"},
    "OldKeySignature": {"description": "rotation_sig is Ed25519 by the OLD key over RFC 8785 of the other members.",
                        "effect": "Whoever holds a new key alone announces it as the entity's.",
                        "requirements": "STG-KEY-010"},
    "Tampered": {"description": "A member changed after signing.",
                 "effect": "A relay extends dual trust or swaps the new key unnoticed.",
                 "requirements": "STG-KEY-010"},
    "Gap": {"description": "An entry's old_key_id is not the key the previous entry installed (or the first key).",
            "effect": "A chain skips a key, so a key nobody rotated to becomes trusted.",
            "requirements": "STG-KEY-011"},
    "Regression": {"description": "rotated_at does not increase, or the chain is shorter than one already seen.",
                   "effect": "Entries are replayed or dropped to bring a retired key back.",
                   "requirements": "STG-KEY-012"},
    "DualTrust": {"description": "Old keys stay trusted until dual_trust_expires_at (exclusive); periods under 24 h "
                  "are refused.", "effect": "Peers lose a rotating node at once, or trust a stale key for ever.",
                  "requirements": "STG-KEY-013 STG-KEY-014"},
}


def _e(old: int, new: int, at: str, days: float = 90, signer: int | None = None, **changes: Any) -> dict[str, Any]:
    return oracle.entry(ENTITY, SEEDS[old], SEEDS[new], at, days,
                        signer=None if signer is None else SEEDS[signer], **changes)


def _chain() -> list[dict[str, Any]]:
    return [_e(0, 1, T1), _e(1, 2, T2), _e(2, 3, T3)]


def _resigned(item: dict[str, Any], seed: int, **changes: Any) -> dict[str, Any]:
    body = {k: v for k, v in item.items() if k != "rotation_sig"} | changes
    return body | {"rotation_sig": b64u_encode(sign(SEEDS[seed], jcs(body)))}


def _cases() -> list[tuple[str, str, list[Any], str, int, dict[str, Any] | str, tuple[str, ...]]]:
    one = _e(0, 1, T1)
    chain = _chain()
    # (description, requirements, entries, now, known_length, expected (result or error code), flags)
    return [
        ("An empty log leaves the first key current", "STG-KEY-011", [], T1, 0,
         {"current_key_id": KID[0], "trusted_key_ids": [KID[0]]}, ("Gap",)),
        ("One rotation: both keys trusted during dual trust", "STG-KEY-009 STG-KEY-010 STG-KEY-014", [one],
         "2026-02-01T00:00:00Z", 0, {"current_key_id": KID[1], "trusted_key_ids": [KID[1], KID[0]]},
         ("OldKeySignature", "DualTrust")),
        ("A chain of three, the first old key past dual trust", "STG-KEY-011 STG-KEY-014", chain,
         "2026-05-15T00:00:00Z", 0, {"current_key_id": KID[3], "trusted_key_ids": [KID[3], KID[2], KID[1]]},
         ("Gap", "DualTrust")),
        ("A chain of three after every dual trust ended", "STG-KEY-014", chain, "2026-08-01T00:00:00Z", 3,
         {"current_key_id": KID[3], "trusted_key_ids": [KID[3]]}, ("DualTrust",)),
        ("Second entry rotates away from the first key again (gap)", "STG-KEY-011", [one, _e(0, 2, T2)], T3, 0,
         "rotation_chain_gap", ("Gap",)),
        ("First entry leaves a key the verifier never trusted", "STG-KEY-011", [_e(4, 1, T1)], T2, 0,
         "rotation_chain_gap", ("Gap",)),
        ("Middle entry missing (gap)", "STG-KEY-011", [chain[0], chain[2]], T3, 0, "rotation_chain_gap", ("Gap",)),
        ("Second rotation at the same second as the first", "STG-KEY-012", [one, _e(1, 2, T1)], T3, 0,
         "rotation_chain_regression", ("Regression",)),
        ("Second rotation earlier than the first", "STG-KEY-012", [_e(0, 1, T2), _e(1, 2, T1)], T3, 0,
         "rotation_chain_regression", ("Regression",)),
        ("A chain shorter than the one already seen", "STG-KEY-012", chain[:2], T3, 3,
         "rotation_chain_regression", ("Regression",)),
        ("Entry signed by the new key instead of the old", "STG-KEY-010", [_e(0, 1, T1, signer=1)], T2, 0,
         "rotation_signature_invalid", ("OldKeySignature",)),
        ("Second entry signed by the first key, not its old key", "STG-KEY-010", [one, _e(1, 2, T2, signer=0)],
         T3, 0, "rotation_signature_invalid", ("OldKeySignature",)),
        ("Entry signed by an unrelated key", "STG-KEY-010", [_e(0, 1, T1, signer=4)], T2, 0,
         "rotation_signature_invalid", ("OldKeySignature",)),
        ("dual_trust_expires_at extended after signing", "STG-KEY-010",
         [_e(0, 1, T1, dual_trust_expires_at="2027-01-01T00:00:00Z")], T2, 0, "rotation_signature_invalid",
         ("Tampered",)),
        ("rotated_at changed after signing", "STG-KEY-010", [_e(0, 1, T1, rotated_at="2026-01-02T00:00:00Z")], T2,
         0, "rotation_signature_invalid", ("Tampered",)),
        ("New key swapped (id and key) after signing", "STG-KEY-010",
         [_e(0, 1, T1, new_key_id=KID[4], new_public_key=PUB[4])], T2, 0, "rotation_signature_invalid",
         ("Tampered",)),
        ("manifest_log_index set after signing", "STG-KEY-010", [_e(0, 1, T1, manifest_log_index=7)], T2, 0,
         "rotation_signature_invalid", ("Tampered",)),
        ("rotation_sig that is not base64url", "STG-KEY-010", [_e(0, 1, T1, rotation_sig="not+base64/url")], T2, 0,
         "rotation_signature_invalid", ("OldKeySignature",)),
        ("manifest_log_index signed as an integer", "STG-KEY-009",
         [_resigned(one, 0, manifest_log_index=7)], T2, 0,
         {"current_key_id": KID[1], "trusted_key_ids": [KID[1], KID[0]]}, ("Shape",)),
        ("Old key one second before dual trust ends", "STG-KEY-014", [one], "2026-03-31T23:59:59Z", 0,
         {"current_key_id": KID[1], "trusted_key_ids": [KID[1], KID[0]]}, ("DualTrust",)),
        ("Old key at the second dual trust ends", "STG-KEY-014", [one], E1, 0,
         {"current_key_id": KID[1], "trusted_key_ids": [KID[1]]}, ("DualTrust",)),
        ("Old key one second after dual trust ends", "STG-KEY-014", [one], "2026-04-01T00:00:01Z", 0,
         {"current_key_id": KID[1], "trusted_key_ids": [KID[1]]}, ("DualTrust",)),
        ("Dual trust of exactly 24 h is accepted", "STG-KEY-013", [_e(0, 1, T1, days=1)],
         "2026-01-01T12:00:00Z", 0, {"current_key_id": KID[1], "trusted_key_ids": [KID[1], KID[0]]},
         ("DualTrust",)),
        ("Dual trust one second short of 24 h", "STG-KEY-013", [_e(0, 1, T1, days=1 - 1 / 86400)], T2, 0,
         "rotation_entry_invalid", ("DualTrust",)),
        ("event_type other than key_rotation", "STG-KEY-009", [_resigned(one, 0, event_type="key_rotated")], T2, 0,
         "rotation_entry_invalid", ("Shape",)),
        ("Entry without manifest_log_index", "STG-KEY-009",
         [{k: v for k, v in one.items() if k != "manifest_log_index"}], T2, 0, "rotation_entry_invalid",
         ("Shape",)),
        ("Entry with an extra member", "STG-KEY-009", [one | {"reason": "scheduled"}], T2, 0,
         "rotation_entry_invalid", ("Shape",)),
        ("Entry for another entity", "STG-KEY-009",
         [_resigned(one, 0, entity_uri="stigmem://node-b.example/node/1")], T2, 0, "rotation_entry_invalid",
         ("Shape",)),
        ("new_key_id is not the SHA-256 of new_public_key", "STG-KEY-009",
         [_resigned(one, 0, new_key_id=KID[4])], T2, 0, "rotation_entry_invalid", ("Shape",)),
        ("Key id in upper-case hex", "STG-KEY-009", [_resigned(one, 0, old_key_id=KID[0].upper())], T2, 0,
         "rotation_entry_invalid", ("Shape",)),
        ("Key id cut to 16 hex digits", "STG-KEY-009", [_resigned(one, 0, old_key_id=KID[0][:16])], T2, 0,
         "rotation_entry_invalid", ("Shape",)),
        ("rotated_at with an offset instead of Z", "STG-KEY-009",
         [_resigned(one, 0, rotated_at="2026-01-01T01:00:00+01:00")], T2, 0, "rotation_entry_invalid",
         ("Shape",)),
        ("Negative manifest_log_index", "STG-KEY-009", [_resigned(one, 0, manifest_log_index=-1)], T2, 0,
         "rotation_entry_invalid", ("Shape",)),
    ]


def files() -> list[VectorFile]:
    vf = VectorFile("key_rotation", "verify_chain",
                    "Verdict on a signing-key rotation log: the current key and the keys trusted at now, or the "
                    "first fault.", NOTES,
                    source={"name": "Spec-10 Key rotation; A20 22.2; A08 6.1; Spec-04 Rotation", "worked_by": "hand"})
    for description, reqs, entries, now, known, expected, flags in _cases():
        inp: dict[str, Any] = {"entity_uri": ENTITY, "first_public_key": PUB[0], "entries": entries, "now": now}
        if known:
            inp["known_length"] = known
        try:
            got: dict[str, Any] | str = oracle.chain_result(ENTITY, PUB[0], entries, now, known)
        except oracle.RotationRefused as exc:
            got = exc.code
        if got != expected:
            raise ValueError(f"key_rotation/verify_chain {description!r}: the table says {expected!r}, "
                             f"the oracle {got!r}")
        result = invalid(expected) if isinstance(expected, str) else valid(**expected)
        vf.add(Case(description, tuple(reqs.split()), inp, result, flags, INTERPRETATION))
    return [vf]
