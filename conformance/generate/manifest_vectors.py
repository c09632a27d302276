"""Org manifest vectors: ``vectors/manifests/verify.json`` (STG-MAN-001..008).

Manifests and rotation events are signed here with ``conformance.oracle.manifests`` (``cryptography`` underneath)
from published seeds: the RFC 8032 TV1 seed for the authority's first key, SHA-256 of fixed strings for the others.
Each case states its expected verdict by hand; the generator asks the oracle too and refuses to write a file where
the two disagree. ``manifest_text`` carries a manifest as JSON text, so key order and whitespace variants reach the
verifier as sent (they must verify like the canonical form).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import manifests as oracle
from conformance.oracle.ed25519 import b64u_encode, jcs, public_key, sign

URI = "stigmem://org-a.example/node/1"
AGENT = "stigmem://org-a.example/agent/planner"
TV1 = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
SEEDS = [TV1, *(hashlib.sha256(f"stigmem manifest vector seed {n}".encode()).digest() for n in range(1, 5))]
KID = [hashlib.sha256(public_key(seed)).hexdigest() for seed in SEEDS]
ISSUED, NOW = "2026-05-01T00:00:00Z", "2026-05-01T12:00:00Z"
IN_48H = "2026-05-03T00:00:00Z"
T1, T2, T3 = "2026-04-01T00:00:00Z", "2026-04-15T00:00:00Z", "2026-04-20T00:00:00Z"
PROBES = [URI, AGENT, "stigmem://org-a.example/agent", "stigmem://org-a.example/agent/planner/sub",
          "stigmem://ORG-A.example/agent/planner", "stigmem://org-b.example/node/1"]
INTERPRETATION = {"manifest_rotation_event": "s04-old-key", "manifest_error_codes": "named"}
EXTRA = {"Window": {"manifest_max_validity": "365-days"}, "Chain": {"manifest_rotation_anchor": "accepted-manifest"},
         "Regression": {"manifest_rotation_anchor": "accepted-manifest"}}

NOTES = {
    "Shape": {"description": "Exactly the manifest members, manifest_version 1, a stigmem:// entity_uri, entities "
              "containing entity_uri.", "effect": "A manifest nobody can read the same way, or one that does not "
              "cover its own authority.", "requirements": "STG-MAN-001 STG-MAN-004"},
    "Signature": {"description": "Ed25519 by public_key over RFC 8785 of every member but signature; key_id is the "
                  "SHA-256 of public_key.", "effect": "A relay edits entities or expiry, or names another key.",
                  "requirements": "STG-MAN-002 STG-MAN-003"},
    "Canonical": {"description": "Key order and whitespace of the received JSON do not matter: the verifier "
                  "re-canonicalizes.", "effect": "Honest manifests are refused after a re-serialization.",
                  "requirements": "STG-MAN-002"},
    "Coverage": {"description": "An entity is covered only when listed exactly (no prefix, parent, child or "
                 "case variant).", "effect": "An authority speaks for entities it never listed.",
                 "requirements": "STG-MAN-004"},
    "Window": {"description": "expires_at is 24 h to 365 days after issued_at (both bounds included); expired "
               "from expires_at on.", "effect": "Short-lived or unbounded manifests, or trust past expiry.",
               "requirements": "STG-MAN-005 STG-MAN-006"},
    "Chain": {"description": "Rotation events rise in time, each leaves the key the previous installed, each is "
              "signed by the key it leaves, the last installs key_id.", "effect": "A key nobody rotated to "
              "becomes the authority's.", "requirements": "STG-MAN-007"},
    "Regression": {"description": "The events of the manifest accepted before stay, unchanged, at the front.",
                   "effect": "A rotation is rolled back to bring a retired key back.",
                   "requirements": "STG-MAN-008"},
}


def _m(seed: int = 0, entities: list[str] | None = None, expires: str = IN_48H, events: list[Any] | None = None,
       issued: str = ISSUED, **changes: Any) -> dict[str, Any]:
    return oracle.manifest(SEEDS[seed], URI, entities or [URI, AGENT], issued, expires, events or [], **changes)


def _e(old: int, new: int, at: str, signer: int | None = None) -> dict[str, Any]:
    return oracle.event(URI, SEEDS[old], SEEDS[new], at, None if signer is None else SEEDS[signer])


def _flip(text: str) -> str:
    return ("B" if text[10] == "A" else "A").join((text[:10], text[11:]))


Row = tuple[str, str, dict[str, Any], dict[str, Any] | str, tuple[str, ...]]


def _signature_cases() -> list[Row]:
    good = _m()
    reordered = dict(reversed(list(good.items())))
    spaced = json.dumps(good, indent=3, ensure_ascii=True).replace(": ", " :  ").replace(
        f'"{AGENT}"', '"\\u0073' + AGENT[1:] + '"', 1)
    ok = {"key_id": KID[0], "rotation_count": 0, "covered": [URI, AGENT]}
    return [
        ("A manifest signed with TV1 verifies; exactly its listed entities are covered",
         "STG-MAN-001 STG-MAN-002 STG-MAN-004", {"manifest": good}, ok, ("Signature", "Coverage")),
        ("Members in reverse order verify the same", "STG-MAN-002", {"manifest": reordered}, ok, ("Canonical",)),
        ("Indented JSON text with extra spaces and \\u escapes verifies the same", "STG-MAN-002",
         {"manifest_text": spaced}, ok, ("Canonical",)),
        ("entities changed after signing", "STG-MAN-002", {"manifest": good | {"entities": [URI]}},
         "manifest_signature_invalid", ("Signature",)),
        ("expires_at extended after signing", "STG-MAN-002", {"manifest": good | {"expires_at": "2026-05-04T00:00:00Z"}},
         "manifest_signature_invalid", ("Signature",)),
        ("One character of the signature changed", "STG-MAN-002",
         {"manifest": good | {"signature": _flip(good["signature"])}}, "manifest_signature_invalid", ("Signature",)),
        ("Signed by another key than public_key", "STG-MAN-002",
         {"manifest": good | {"signature": _m(1, public_key=good["public_key"], key_id=KID[0])["signature"]}},
         "manifest_signature_invalid", ("Signature",)),
        ("key_id of another key (signed as such)", "STG-MAN-003", {"manifest": _m(key_id=KID[1])},
         "manifest_signature_invalid", ("Signature",)),
        ("key_id cut to its first 16 hex digits (signed as such)", "STG-MAN-003",
         {"manifest": _m(key_id=KID[0][:16])}, "manifest_signature_invalid", ("Signature",)),
        ("signature that is not base64url", "STG-MAN-002", {"manifest": _m(signature="not+base64/url")},
         "manifest_signature_invalid", ("Signature",)),
    ]


def _shape_cases() -> list[Row]:
    good = _m()
    return [
        ("entities without entity_uri", "STG-MAN-004", {"manifest": _m(entities=[AGENT])}, "manifest_invalid",
         ("Shape",)),
        ("manifest_version 2", "STG-MAN-001", {"manifest": _m(manifest_version=2)}, "manifest_invalid", ("Shape",)),
        ("No manifest_version", "STG-MAN-001",
         {"manifest": {k: v for k, v in good.items() if k != "manifest_version"}}, "manifest_invalid", ("Shape",)),
        ("An extra member (signed)", "STG-MAN-001", {"manifest": _m(comment="hello")}, "manifest_invalid",
         ("Shape",)),
        ("entity_uri that is not stigmem://", "STG-MAN-001",
         {"manifest": _m(entity_uri="https://org-a.example/node/1", entities=["https://org-a.example/node/1"])},
         "manifest_invalid", ("Shape",)),
        ("An entity listed twice", "STG-MAN-001", {"manifest": _m(entities=[URI, AGENT, AGENT])},
         "manifest_invalid", ("Shape",)),
    ]


def _window_cases() -> list[Row]:
    return [
        ("Valid for 23 h", "STG-MAN-005", {"manifest": _m(expires="2026-05-01T23:00:00Z"), "now": "2026-05-01T01:00:00Z"},
         "manifest_invalid", ("Window",)),
        ("Valid for exactly 24 h", "STG-MAN-005",
         {"manifest": _m(expires="2026-05-02T00:00:00Z")}, {"key_id": KID[0], "rotation_count": 0,
                                                            "covered": [URI, AGENT]}, ("Window",)),
        ("Valid for 24 h less one second", "STG-MAN-005", {"manifest": _m(expires="2026-05-01T23:59:59Z")},
         "manifest_invalid", ("Window",)),
        ("Valid for exactly 365 days", "STG-MAN-005", {"manifest": _m(expires="2027-05-01T00:00:00Z")},
         {"key_id": KID[0], "rotation_count": 0, "covered": [URI, AGENT]}, ("Window",)),
        ("Valid for 365 days and one second", "STG-MAN-005", {"manifest": _m(expires="2027-05-01T00:00:01Z")},
         "manifest_invalid", ("Window",)),
        ("One second before expires_at", "STG-MAN-006", {"manifest": _m(), "now": "2026-05-02T23:59:59Z"},
         {"key_id": KID[0], "rotation_count": 0, "covered": [URI, AGENT]}, ("Window",)),
        ("At expires_at", "STG-MAN-006", {"manifest": _m(), "now": IN_48H}, "manifest_expired", ("Window",)),
        ("One second after expires_at", "STG-MAN-006", {"manifest": _m(), "now": "2026-05-03T00:00:01Z"},
         "manifest_expired", ("Window",)),
        ("expires_at with an offset instead of Z", "STG-MAN-005",
         {"manifest": _m(expires="2026-05-03T01:00:00+01:00")}, "manifest_invalid", ("Window",)),
    ]


def _chain_cases() -> list[Row]:
    e01, e12 = _e(0, 1, T1), _e(1, 2, T2)
    first, one = _m(0), _m(1, events=[e01])
    two = _m(2, events=[e01, e12])
    chained = "manifest_rotation_chain_invalid"
    return [
        ("Two rotations, first sight of the authority", "STG-MAN-007", {"manifest": two},
         {"key_id": KID[2], "rotation_count": 2, "covered": [URI, AGENT]}, ("Chain",)),
        ("One rotation from the accepted manifest's key", "STG-MAN-007", {"manifest": one, "previous": first},
         {"key_id": KID[1], "rotation_count": 1, "covered": [URI, AGENT]}, ("Chain",)),
        ("A second rotation on top of an accepted one", "STG-MAN-007 STG-MAN-008",
         {"manifest": two, "previous": one}, {"key_id": KID[2], "rotation_count": 2, "covered": [URI, AGENT]},
         ("Chain", "Regression")),
        ("A refresh: same key, same events, later window", "STG-MAN-008",
         {"manifest": _m(1, events=[e01], issued="2026-05-01T06:00:00Z", expires="2026-05-03T06:00:00Z"),
          "previous": one}, {"key_id": KID[1], "rotation_count": 1, "covered": [URI, AGENT]}, ("Regression",)),
        ("A gap: the second event leaves a key nobody installed", "STG-MAN-007",
         {"manifest": _m(2, events=[e01, _e(3, 2, T2)])}, chained, ("Chain",)),
        ("The second event signed by an unrelated key", "STG-MAN-007",
         {"manifest": _m(2, events=[e01, _e(1, 2, T2, signer=3)])}, chained, ("Chain",)),
        ("The second event signed by the new key instead of the old", "STG-MAN-007",
         {"manifest": _m(2, events=[e01, _e(1, 2, T2, signer=2)])}, chained, ("Chain",)),
        ("The first event not signed by the accepted manifest's key", "STG-MAN-007",
         {"manifest": _m(1, events=[_e(0, 1, T1, signer=3)]), "previous": first}, chained, ("Chain",)),
        ("The first event leaves a key other than the accepted manifest's", "STG-MAN-007",
         {"manifest": _m(1, events=[_e(3, 1, T1)]), "previous": first}, chained, ("Chain",)),
        ("Events out of order", "STG-MAN-007", {"manifest": _m(2, events=[_e(0, 1, T2), _e(1, 2, T1)])}, chained,
         ("Chain",)),
        ("Two events at the same second", "STG-MAN-007", {"manifest": _m(2, events=[_e(0, 1, T1), _e(1, 2, T1)])},
         chained, ("Chain",)),
        ("The second event names a key nobody installed, though the right key signed it", "STG-MAN-007",
         {"manifest": _m(2, events=[e01, _relabelled(_e(1, 2, T2), KID[3], 1)])}, chained, ("Chain",)),
        ("The chain ends at another key than key_id", "STG-MAN-007", {"manifest": _m(2, events=[e01])}, chained,
         ("Chain",)),
        ("A new key with no rotation event", "STG-MAN-007", {"manifest": _m(1), "previous": first}, chained,
         ("Chain",)),
        ("The rotation count regressed (2 accepted, 1 now)", "STG-MAN-008", {"manifest": one, "previous": two},
         chained, ("Regression",)),
        ("An accepted event rewritten", "STG-MAN-008",
         {"manifest": _m(2, events=[_e(0, 1, T3), _e(1, 2, "2026-04-25T00:00:00Z")]), "previous": one}, chained,
         ("Regression",)),
        ("An event with A20's rotation_sig instead of signature", "STG-MAN-007",
         {"manifest": _m(1, events=[{k if k != "signature" else "rotation_sig": v for k, v in e01.items()}]),
          "previous": first}, chained, ("Chain",)),
        ("An event signed without the manifest's entity_uri", "STG-MAN-007",
         {"manifest": _m(1, events=[_no_uri(e01)]), "previous": first}, chained, ("Chain",)),
    ]


def _relabelled(item: dict[str, Any], old_key_id: str, signer: int) -> dict[str, Any]:
    body = {k: v for k, v in item.items() if k != "signature"} | {"old_key_id": old_key_id}
    return body | {"signature": b64u_encode(sign(SEEDS[signer], jcs(body | {"entity_uri": URI})))}


def _no_uri(item: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in item.items() if k != "signature"}
    return body | {"signature": b64u_encode(sign(SEEDS[0], jcs(body)))}


def files() -> list[VectorFile]:
    vf = VectorFile("manifests", "verify",
                    "Verdict on an org manifest at now, given the manifest accepted before for the same authority "
                    "(if any): its key_id, rotation count and which probe entities it covers, or the first fault.",
                    NOTES, source={"name": "Spec-04 Manifests; A20 19.1.2-19.1.5, 19.9", "worked_by": "hand"})
    for description, reqs, given, expected, flags in (_signature_cases() + _shape_cases() + _window_cases()
                                                      + _chain_cases()):
        inp: dict[str, Any] = {**given, "now": given.get("now", NOW), "probes": PROBES}
        doc = json.loads(inp["manifest_text"]) if "manifest_text" in inp else inp["manifest"]
        try:
            got: dict[str, Any] | str = oracle.verdict(doc, inp["now"], inp.get("previous"), PROBES)
        except oracle.ManifestRefused as exc:
            got = exc.code
        if got != expected:
            raise ValueError(f"manifests/verify {description!r}: the table says {expected!r}, the oracle {got!r}")
        result = invalid(expected) if isinstance(expected, str) else valid(**expected)
        readings = dict(INTERPRETATION)
        for flag in flags:
            readings.update(EXTRA.get(flag, {}))
        vf.add(Case(description, tuple(reqs.split()), inp, result, flags, readings))
    return [vf]
