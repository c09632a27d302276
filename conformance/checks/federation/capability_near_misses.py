"""Near misses of a good capability token, each refused with the code of its step (Spec-06; A20 §19.3.3, §19.9;
docs/federation-api.md "Capability tokens"; profile federation-trust).

Every case is one small change to a token the node accepts: one character of the signature or the key_id, a subject
one step above or below (or a prefix of) a listed entity, a subject another issuer's manifest lists, an issuer with
no manifest presenting a subject another issuer lists, a scope object whose scope is no FactScope (or a case
variant of one), a nonce one character off the 64-lowercase-hex form. A verifier that matches by prefix, resolves
the manifest of the subject instead of the issuer, or checks only the object's outline lets one of them through.
Requirements STG-CAP-002, STG-CAP-004, STG-CAP-006, STG-CAP-009, STG-CAP-010, STG-CAP-015.
"""

from __future__ import annotations

import secrets

from conformance.checks.federation.capability_tokens import Issuer, _pull, issuing
from conformance.checks.registry import Context, check, expect, expect_status
from conformance.harness.http_target import Exchange
from conformance.oracle import capability_tokens as oracle

PROFILE = "federation-trust"


def _flip(text: str, at: int) -> str:
    """``text`` with the character at ``at`` replaced by another of the same alphabet."""
    char = text[at]
    other = {"A": "B", "0": "1", "a": "b"}.get(char, "A" if char.isupper() else "0" if char.isdigit() else "a")
    return text[:at] + other + text[at + 1:]


def _refused(ex: Exchange, status: int, code: str, what: str) -> None:
    expect(ex.status == status and ex.code() == code, f"{what}: answered {ex.brief()}, expected {status} {code}")


@check("federation:capability_token_near_misses", profile=PROFILE,
       requirements=("STG-CAP-002", "STG-CAP-004", "STG-CAP-006", "STG-CAP-010", "STG-CAP-015"))
def capability_token_near_misses(ctx: Context) -> None:
    """One signature or key_id character changed, a subject below, above, a prefix or a case variant of a listed
    entity, a scope object naming no FactScope (or PUBLIC, or with a tail), a nonce with one uppercase digit, one
    digit short or one too many: each is refused with its own code; the unchanged token pulls."""
    with issuing(ctx) as (peer, fed, issuer):
        expect_status(_pull(ctx, peer, fed, issuer.token()), (200,))
        good = oracle.token(issuer.seed, None, **issuer.body())
        _refused(_pull(ctx, peer, fed, oracle.present(good | {"signature": _flip(good["signature"], 10)})), 401,
                 "token_signature_invalid", "one signature character changed")
        _refused(_pull(ctx, peer, fed, issuer.token(key_id=_flip(good["key_id"], 5))), 401, "token_key_unknown",
                 "one key_id character changed")
        listed = issuer.subject
        for subject in (f"{listed}/x", listed[:-1], listed.rsplit("/", 1)[0], listed[:-4] + listed[-4:].upper()):
            _refused(_pull(ctx, peer, fed, issuer.token(subject=subject)), 403, "entity_not_in_manifest",
                     f"subject {subject} (near the listed {listed})")
        for obj in (issuer.scope("bogus"), issuer.scope("PUBLIC"), issuer.scope("public") + "/x"):
            _refused(_pull(ctx, peer, fed, issuer.token(object=obj)), 401, "token_malformed", f"object {obj}")
        nonce = "ab" + secrets.token_hex(31)
        for bad in ("AB" + nonce[2:], nonce[:-1], nonce + "0"):
            _refused(_pull(ctx, peer, fed, issuer.token(nonce=bad)), 400, "token_nonce_invalid", f"nonce {bad!r}")


@check("federation:capability_token_other_issuer", profile=PROFILE,
       requirements=("STG-CAP-009", "STG-CAP-010", "STG-CAP-014"))
def capability_token_other_issuer(ctx: Context) -> None:
    """The manifest judged is the issuer's, never the subject's: a token of issuer A for a subject only issuer B
    lists is 403 entity_not_in_manifest; a token of an issuer without a manifest (its own key) for a subject A lists
    is 401 issuer_manifest_unknown."""
    with issuing(ctx) as (peer, fed, first):
        second = Issuer(ctx, fed)
        expect_status(ctx.request("PUT", "/v1/federation/manifest", json_body=second.manifest), (200, 201))
        expect_status(_pull(ctx, peer, fed, second.token()), (200,))
        _refused(_pull(ctx, peer, fed, first.token(subject=second.subject)), 403, "entity_not_in_manifest",
                 "a subject only another issuer's manifest lists")
        stray = Issuer(ctx, fed)  # never published: no manifest at the node
        _refused(_pull(ctx, peer, fed, stray.token(subject=first.subject)), 401, "issuer_manifest_unknown",
                 "an issuer without a manifest, for a subject another issuer lists")
