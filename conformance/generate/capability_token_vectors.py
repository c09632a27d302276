"""Capability-token vectors: ``vectors/capability_tokens/verify.json`` (STG-CAP-001..014, STG-CAP-020).

Published test keys: issuer A signs with the RFC 8032 section 7.1 TEST 1 seed (TV1), issuer B with TEST 2, the
stranger with TEST 3. Each case states its expected verdict by hand; the generator asks
``conformance.oracle.capability_tokens`` too and refuses to write a file where the two disagree.
"""

from __future__ import annotations

from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import capability_tokens as oracle

TV1 = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
TV2 = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
TV3 = bytes.fromhex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")
A, B = "stigmem://issuer-a.example/node/1", "stigmem://issuer-b.example/node/1"
PEER_A, PEER_B = "stigmem://issuer-a.example/node/2", "stigmem://issuer-b.example/node/2"
SCOPE_A, SCOPE_B = "stigmem://node.example/scope/public", "stigmem://node.example/scope/company"
GARDEN = "stigmem://node.example/garden/research"
NOW = "2026-05-01T12:00:00Z"
MAN_A = oracle.manifest(A, TV1, [A, PEER_A], "2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z")
MAN_B = oracle.manifest(B, TV2, [B, PEER_B], "2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z")
NONCE = "5f" * 32
INTERPRETATION = {"capability_token_fields": "union", "capability_token_order": "a20-merged-s06",
                  "capability_token_replay": "bound-to-first-token", "capability_token_window": "future-only",
                  "capability_token_presentation": "header-base64url-jcs"}

NOTES = {
    "Shape": {"description": "The union of members, token_version 1, a UUID token_id, a verb of the enumeration, an "
              "object of the three forms.", "effect": "A token no verifier can read the grant of.",
              "requirements": "STG-CAP-001 STG-CAP-003 STG-CAP-004"},
    "Manifest": {"description": "The issuer manifest is known, unexpired and self-signed.",
                 "effect": "Tokens of an issuer nobody can vouch for are honoured.", "requirements": "STG-CAP-009"},
    "Signature": {"description": "key_id is the manifest key and the signature covers RFC 8785 of every other member.",
                  "effect": "A holder edits the grant (verb, object, expiry) of a token.",
                  "requirements": "STG-CAP-002"},
    "Subject": {"description": "The subject is one of the issuer manifest's entities (no cross-org delegation).",
                "effect": "An issuer grants capabilities to another organisation's entities.",
                "requirements": "STG-CAP-010"},
    "Time": {"description": "expiry > now, expiry <= issued_at + 90 days, issued_at <= now + 5 min.",
             "effect": "Expired, unbounded or pre-dated tokens are honoured.",
             "requirements": "STG-CAP-005 STG-CAP-007 STG-CAP-008"},
    "Nonce": {"description": "The nonce is exactly 64 lowercase hex characters (32 random bytes).",
              "effect": "Low-entropy nonces collide, and the global cache refuses honest tokens.",
              "requirements": "STG-CAP-006"},
    "Revocation": {"description": "A revoked token id is refused even with good signature and expiry.",
                   "effect": "A withdrawn grant keeps working until it expires.", "requirements": "STG-CAP-011"},
    "Replay": {"description": "The nonce cache is global, keyed on the nonce alone: another token (any issuer) "
               "carrying a seen nonce is refused; the token that first carried it is not.",
               "effect": "Tokens are replayed under a second issuer or a re-signed body.",
               "requirements": "STG-CAP-012"},
    "Grant": {"description": "One verb on one object: the object asked for or *, the verb exactly.",
              "effect": "A grant on one object is read as a grant on another.", "requirements": "STG-CAP-013"},
    "Order": {"description": "A token failing two steps reports the earlier one.",
              "effect": "Error codes leak which later checks a forged token would pass.",
              "requirements": "STG-CAP-014"},
    "Canonical": {"description": "Key order and whitespace of the presented JSON do not matter: the verifier "
                  "re-canonicalizes.", "effect": "Honest tokens fail after a re-serialization.",
                  "requirements": "STG-CAP-020"},
}


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"token_version": 1, "token_id": "7c0d5a3e-0f7b-4c43-9a52-1d2e3f405162", "issuer": A,
                            "subject": PEER_A, "verb": "federate", "object": SCOPE_A,
                            "issued_at": "2026-05-01T00:00:00Z", "expiry": "2026-06-01T00:00:00Z", "nonce": NONCE}
    return body | changes


def _tok(seed: bytes = TV1, signer: bytes | None = None, **changes: Any) -> dict[str, Any]:
    return oracle.token(seed, signer, **_body(**changes))


def _after(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """``doc`` edited after signing."""
    return doc | changes


GOOD = _tok()
FROM_B = _tok(TV2, issuer=B, subject=PEER_B, token_id="0b8f6f2a-5a34-4d1c-8f0e-2b3c4d5e6f70")


def _cases() -> list[tuple[str, str, Any, dict[str, Any], dict[str, Any] | str, tuple[str, ...]]]:
    """(description, requirements, presented token, input overrides, expected (fields or code), flags)."""
    wrapped = {"token": GOOD}
    rows: list[tuple[str, str, Any, dict[str, Any], dict[str, Any] | str, tuple[str, ...]]] = [
        ("A federate token for the scope asked for", "STG-CAP-001 STG-CAP-002 STG-CAP-013", GOOD, {}, {},
         ("Grant",)),
    ]
    for verb in ("read", "write", "admin", "subscribe", "tombstone:read"):
        rows.append((f"The verb {verb} is accepted", "STG-CAP-003", _tok(verb=verb), {"verb": verb}, {}, ("Shape",)))
    rows += [
        ("Object * covers any scope", "STG-CAP-004 STG-CAP-013", _tok(object="*"), {"object": SCOPE_B}, {},
         ("Grant",)),
        ("A garden object covers that garden", "STG-CAP-004", _tok(verb="write", object=GARDEN),
         {"verb": "write", "object": GARDEN}, {}, ("Grant",)),
        ("Key order reversed and indented raw JSON verifies the same", "STG-CAP-020",
         dict(reversed(list(GOOD.items()))), {"form": "raw"}, {}, ("Canonical",)),
        ("base64url of indented, non-canonical JSON verifies the same", "STG-CAP-020", GOOD, {"form": "pretty"}, {},
         ("Canonical",)),
        ("A member missing", "STG-CAP-001", {k: v for k, v in GOOD.items() if k != "token_id"}, {},
         "token_malformed", ("Shape",)),
        ("An extra member", "STG-CAP-001", GOOD | {"scope": "public"}, {}, "token_malformed", ("Shape",)),
        ("token_version 2", "STG-CAP-001", _tok(token_version=2), {}, "token_malformed", ("Shape",)),
        ("token_id that is no UUID", "STG-CAP-001", _tok(token_id="token-1"), {}, "token_malformed", ("Shape",)),
        ("A verb outside the enumeration", "STG-CAP-003", _tok(verb="delete"), {}, "token_malformed", ("Shape",)),
        ("An object that is an entity URI", "STG-CAP-004", _tok(object="stigmem://node.example/item/1"), {},
         "token_malformed", ("Shape",)),
        ("A token wrapped in another object", "STG-CAP-001", wrapped, {}, "token_malformed", ("Shape",)),
        ("No manifest for the issuer", "STG-CAP-009", GOOD, {"manifest": None}, "issuer_manifest_unknown",
         ("Manifest",)),
        ("The manifest of another issuer", "STG-CAP-009", GOOD, {"manifest": MAN_B}, "issuer_manifest_unknown",
         ("Manifest",)),
        ("The issuer manifest expired", "STG-CAP-009", GOOD,
         {"manifest": oracle.manifest(A, TV1, [A, PEER_A], "2026-03-01T00:00:00Z", "2026-05-01T11:59:59Z")},
         "issuer_manifest_expired", ("Manifest",)),
        ("The issuer manifest's entities edited after signing", "STG-CAP-009", GOOD,
         {"manifest": MAN_A | {"entities": [A, PEER_A, "stigmem://else.example/node/1"]}}, "issuer_manifest_invalid",
         ("Manifest",)),
        ("key_id names another key", "STG-CAP-002", _tok(key_id=MAN_B["key_id"]), {}, "token_key_unknown",
         ("Signature",)),
        ("verb flipped to admin after signing", "STG-CAP-002", _after(GOOD, verb="admin"), {"verb": "admin"},
         "token_signature_invalid", ("Signature",)),
        ("Signed by a stranger's key under the manifest's key_id", "STG-CAP-002", _tok(TV1, TV3), {},
         "token_signature_invalid", ("Signature",)),
        ("Subject outside the issuer's manifest", "STG-CAP-010", _tok(subject=PEER_B), {}, "entity_not_in_manifest",
         ("Subject",)),
        ("now equals expiry", "STG-CAP-007", GOOD, {"now": "2026-06-01T00:00:00Z"}, "token_expired", ("Time",)),
        ("Expiry exactly 90 days after issued_at", "STG-CAP-005", _tok(expiry="2026-07-30T00:00:00Z"), {}, {},
         ("Time",)),
        ("Expiry 90 days and 1 s after issued_at", "STG-CAP-005", _tok(expiry="2026-07-30T00:00:01Z"), {},
         "token_lifetime_exceeded", ("Time",)),
        ("issued_at exactly 5 minutes ahead", "STG-CAP-008", _tok(issued_at="2026-05-01T12:05:00Z"), {}, {},
         ("Time",)),
        ("issued_at 5 minutes and 1 s ahead", "STG-CAP-008", _tok(issued_at="2026-05-01T12:05:01Z"), {},
         "timestamp_future_dated", ("Time",)),
        ("issued_at 80 days ago is not stale", "STG-CAP-008",
         _tok(issued_at="2026-02-10T00:00:00Z", expiry="2026-05-10T00:00:00Z"), {}, {}, ("Time",)),
        ('nonce "ABC"', "STG-CAP-006", _tok(nonce="ABC"), {}, "token_nonce_invalid", ("Nonce",)),
        ("nonce of 63 hex characters", "STG-CAP-006", _tok(nonce=NONCE[:63]), {}, "token_nonce_invalid", ("Nonce",)),
        ("nonce in uppercase hex", "STG-CAP-006", _tok(nonce=NONCE.upper()), {}, "token_nonce_invalid", ("Nonce",)),
        ("A revoked token", "STG-CAP-011", GOOD, {"revoked": [GOOD["token_id"]]}, "token_revoked", ("Revocation",)),
        ("Another token id revoked", "STG-CAP-011", GOOD, {"revoked": [FROM_B["token_id"]]}, {}, ("Revocation",)),
        ("The same nonce from another issuer", "STG-CAP-012", FROM_B,
         {"manifest": MAN_B, "seen": {NONCE: oracle.seal(GOOD)}}, "token_replay", ("Replay",)),
        ("The same token presented again", "STG-CAP-012", GOOD, {"seen": {NONCE: oracle.seal(GOOD)}}, {},
         ("Replay",)),
        ("Federate on scope public asked for scope company", "STG-CAP-013", GOOD, {"object": SCOPE_B},
         "insufficient_capability", ("Grant",)),
        ("A read grant asked to federate", "STG-CAP-013", _tok(verb="read"), {}, "insufficient_capability",
         ("Grant",)),
        ("A write grant on one garden asked for another", "STG-CAP-013", _tok(verb="write", object=GARDEN),
         {"verb": "write", "object": "stigmem://node.example/garden/other"}, "insufficient_capability", ("Grant",)),
        ("Manifest expired and signature forged: the manifest is reported", "STG-CAP-014",
         _after(GOOD, verb="admin"),
         {"manifest": oracle.manifest(A, TV1, [A, PEER_A], "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")},
         "issuer_manifest_expired", ("Order",)),
        ("Signature forged and expired: the signature is reported", "STG-CAP-014", _after(GOOD, verb="admin"),
         {"now": "2026-06-02T00:00:00Z"}, "token_signature_invalid", ("Order",)),
        ("Subject outside the manifest and expired: the subject is reported", "STG-CAP-014", _tok(subject=PEER_B),
         {"now": "2026-06-02T00:00:00Z"}, "entity_not_in_manifest", ("Order",)),
        ("Expired with a bad nonce: the expiry is reported", "STG-CAP-014", _tok(nonce="ABC"),
         {"now": "2026-06-02T00:00:00Z"}, "token_expired", ("Order",)),
        ("Bad nonce and revoked: the nonce is reported", "STG-CAP-014", _tok(nonce="ABC"),
         {"revoked": [GOOD["token_id"]]}, "token_nonce_invalid", ("Order",)),
        ("Revoked and replayed: the revocation is reported", "STG-CAP-014", GOOD,
         {"revoked": [GOOD["token_id"]], "seen": {NONCE: oracle.seal(FROM_B)}}, "token_revoked", ("Order",)),
        ("Replayed and outside the grant: the replay is reported", "STG-CAP-014", GOOD,
         {"seen": {NONCE: oracle.seal(FROM_B)}, "object": SCOPE_B}, "token_replay", ("Order",)),
    ]
    return rows


def files() -> list[VectorFile]:
    vf = VectorFile("capability_tokens", "verify",
                    "Verdict on a presented capability token: the token id and its fingerprint, or the first failing "
                    "step's code.", NOTES,
                    source={"name": "Spec-06; A20 19.3, 19.9, 22.5; RFC 8032 7.1 TEST 1-3 keys", "worked_by": "hand"})
    for description, reqs, doc, over, expected, flags in _cases():
        inp: dict[str, Any] = {
            "presented": oracle.present(doc, over.get("form", "jcs")),
            "manifest": over.get("manifest", MAN_A), "now": over.get("now", NOW),
            "revoked_token_ids": over.get("revoked", []), "seen_nonces": over.get("seen", {}),
            "operation": {"verb": over.get("verb", "federate"), "object": over.get("object", SCOPE_A)},
        }
        try:
            got: dict[str, Any] | str = oracle.judge(inp["presented"], inp["manifest"], inp["now"],
                                                     inp["revoked_token_ids"], inp["seen_nonces"],
                                                     inp["operation"]["verb"], inp["operation"]["object"])
        except oracle.Refused as exc:
            got = exc.code
        want: dict[str, Any] | str = expected
        if isinstance(expected, dict):
            want = {"token_id": doc.get("token_id") if isinstance(doc, dict) else None,
                    "fingerprint": oracle.seal(doc)}
        if got != want:
            raise ValueError(f"capability_tokens/verify {description!r}: the table says {want!r}, the oracle {got!r}")
        result = invalid(want) if isinstance(want, str) else valid(**want)
        vf.add(Case(description, tuple(reqs.split()), inp, result, flags, INTERPRETATION))
    return [vf]
