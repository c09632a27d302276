"""Token vectors: ``vectors/federation/{nonce_replay,issue_claims}.json``, the claims a node issues (STG-TOK-001/002)
and the nonce memory of one verifier (STG-TOK-006..008, STG-RPL-006, STG-AUDIT-002)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.generate.ed25519_vectors import SEED2
from conformance.generate.federation.support import A_ID, B_ID, NOTES, uuid_of
from conformance.generate.peer_token_vectors import IAT, KEY1, LEEWAY, MAX_LIFETIME, NODE_B, NONCE
from conformance.generate.peer_token_vectors import claims as token_claims
from conformance.generate.peer_token_vectors import token as make_token
from conformance.generate.writer import Case, VectorFile, valid
from conformance.oracle import federation as federation_oracle

# --- federation.issue_claims ----------------------------------------------------------------------------------

def _claims_file() -> VectorFile:
    vf = VectorFile("federation", "issue_claims",
                    "The claims of a fresh peer token a node issues (STG-TOK-001): iss the issuing node, sub the node "
                    "the token is for, iat now, exp iat + lifetime_ms (at most 3600000, STG-TOK-002), the nonce and "
                    "the scopes.", notes=NOTES)
    for desc, now, lifetime, scopes, nonce in [
        ("Claims of a one-minute token for public and company", IAT, 60000, ["public", "company"], "n-1"),
        ("Claims of a one-hour token without scopes", IAT + 5, MAX_LIFETIME, [], uuid_of("issue 2")),
        ("Claims of a one-millisecond token for company", 0, 1, ["company"], uuid_of("issue 3")),
    ]:
        data = {"issuer": A_ID, "subject": B_ID, "now_ms": now, "nonce": nonce, "scopes": scopes,
                "lifetime_ms": lifetime}
        out = {"iss": A_ID, "sub": B_ID, "iat": now, "exp": now + lifetime, "nonce": nonce, "scopes": scopes}
        vf.add(Case(desc, ("STG-TOK-001", "STG-TOK-002"), data, valid(claims=out), ("Issued",)))
    return vf


# --- federation.nonce_replay -----------------------------------------------------------------------------------

def _nonce_file() -> VectorFile:
    vf = VectorFile("federation", "nonce_replay",
                    "Peer tokens presented in order to one verifier whose nonce cache starts empty: each output is "
                    "{accepted: true} or the peer_tokens.verify error with its audit event (replay_attempt for "
                    "nonce_already_seen, else rejected_token). An accepted nonce is remembered until "
                    "max(exp, now + 300000), inclusive.", notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], presentations: list[tuple[str, int]],
            outputs: list[dict[str, Any]], tags: Mapping[str, str] | None = None) -> None:
        data = {"issuer_public_key_b64u": KEY1, "audience": NODE_B, "leeway_ms": LEEWAY,
                "max_lifetime_ms": MAX_LIFETIME,
                "presentations": [{"token": t, "now_ms": now} for t, now in presentations]}
        model = federation_oracle.nonce_session(data)
        if model != outputs:
            raise AssertionError(f"{desc}: model says {model}, vector says {outputs}")
        vf.add(Case(desc, reqs, data, valid(outputs=outputs), flags, dict(tags) if tags else None))

    acc = {"accepted": True}
    replay = {"error": "nonce_already_seen", "audit_event": "replay_attempt"}

    def refused(code: str) -> dict[str, Any]:
        return {"error": code, "audit_event": "rejected_token"}

    named = {"replay_error_code": "named"}
    kept = {"nonce_retention": "until-expiry", "replay_error_code": "named"}
    t = make_token(token_claims())
    add("A fresh token is accepted", ("STG-TOK-006",), (), [(t, IAT + 1000)], [acc])
    add("The same token presented again is a replay", ("STG-TOK-006", "STG-RPL-006", "STG-FAIL-009"), ("Replay",),
        [(t, IAT + 1000), (t, IAT + 2000)], [acc, replay], named)
    later = make_token(token_claims(iat=IAT + 2000, exp=IAT + 302000))
    add("Another token carrying the same nonce is a replay", ("STG-TOK-008", "STG-RPL-006"), ("Replay",),
        [(t, IAT + 1000), (later, IAT + 3000)], [acc, replay], named)
    n2 = make_token(token_claims(nonce=uuid_of("second nonce")))
    add("Tokens with different nonces are both accepted", ("STG-TOK-006",), (), [(t, IAT + 1000), (n2, IAT + 1000)],
        [acc, acc])
    add("The first of two remembered nonces is still refused", ("STG-TOK-006", "STG-TOK-008"), ("Replay",),
        [(t, IAT + 1000), (n2, IAT + 1000), (later, IAT + 3000)], [acc, acc, replay], named)
    add("A replay at exp exactly is refused as a replay", ("STG-TOK-005", "STG-TOK-006"), ("Replay",),
        [(t, IAT + 1000), (t, IAT + 300000)], [acc, replay], named)

    # A one-minute token accepted at IAT + 1000 is remembered until IAT + 301000 (the five-minute window wins).
    short = make_token(token_claims(exp=IAT + 60000))
    again = make_token(token_claims(iat=IAT + 290000, exp=IAT + 350000))
    add("A nonce is refused at accepted_at + 300000 ms exactly", ("STG-TOK-007", "STG-TOK-008"),
        ("Replay", "Retention"), [(short, IAT + 1000), (again, IAT + 301000)], [acc, replay], kept)
    add("A nonce is accepted again 300001 ms after it was accepted", ("STG-TOK-007",), ("Retention",),
        [(short, IAT + 1000), (again, IAT + 301001)], [acc, acc], kept)
    add("A refusal at the end of retention does not extend it", ("STG-TOK-007",), ("Replay", "Retention"),
        [(short, IAT + 1000), (again, IAT + 301000), (again, IAT + 301001)], [acc, replay, acc], kept)
    # A one-hour token accepted at IAT + 1000 is remembered until its exp, IAT + 3600000.
    hour = make_token(token_claims(exp=IAT + 3600000))
    mid = make_token(token_claims(iat=IAT + 300000, exp=IAT + 400000))
    add("A long-lived token's nonce outlives the five-minute window", ("STG-TOK-007", "STG-TOK-008"),
        ("Replay", "Retention"), [(hour, IAT + 1000), (mid, IAT + 301001)], [acc, replay], kept)
    tail = make_token(token_claims(iat=IAT + 3000000, exp=IAT + 3700000))
    add("A long-lived token's nonce is refused at its exp exactly", ("STG-TOK-007", "STG-TOK-008"),
        ("Replay", "Retention"), [(hour, IAT + 1000), (tail, IAT + 3600000)], [acc, replay], kept)
    add("A long-lived token's nonce is accepted again 1 ms after its exp", ("STG-TOK-007",), ("Retention",),
        [(hour, IAT + 1000), (tail, IAT + 3600001)], [acc, acc], kept)

    add("An expired token is audited as rejected_token", ("STG-TOK-005", "STG-RPL-006", "STG-AUDIT-002"),
        ("RefusedToken",), [(t, IAT + 300001)], [refused("token_expired")])
    add("A replayed token presented after exp is expired, not a replay", ("STG-TOK-005", "STG-RPL-006"),
        ("RefusedToken",), [(t, IAT + 1000), (t, IAT + 300001)], [acc, refused("token_expired")])
    add("An expired token does not burn its nonce", ("STG-TOK-006", "STG-RPL-006"), ("RefusedToken",),
        [(short, IAT + 60001), (later, IAT + 60002)], [refused("token_expired"), acc])
    wrong = make_token(token_claims(sub="stigmem://node-c.example"))
    add("A token for another node does not burn its nonce", ("STG-TOK-004", "STG-RPL-006"), ("RefusedToken",),
        [(wrong, IAT + 1000), (t, IAT + 2000)], [refused("token_wrong_audience"), acc])
    forged = make_token(token_claims(), SEED2)
    add("A forged token does not burn its nonce", ("STG-TOK-003", "STG-RPL-006"), ("RefusedToken",),
        [(forged, IAT + 1000), (t, IAT + 2000)], [refused("signature_invalid"), acc])
    add("A token not yet valid is audited as rejected_token", ("STG-TOK-005", "STG-RPL-006"), ("RefusedToken",),
        [(t, IAT - LEEWAY - 1), (t, IAT - LEEWAY)], [refused("token_not_yet_valid"), acc])
    add("A malformed token is audited as rejected_token", ("STG-TOK-001", "STG-RPL-006"), ("RefusedToken",),
        [("not-a-token", IAT + 1000), (t, IAT + 1000)], [refused("token_malformed"), acc])
    add("A replay after a refused replay is still a replay", ("STG-TOK-006", "STG-RPL-006"), ("Replay",),
        [(t, IAT + 1000), (t, IAT + 2000), (later, IAT + 3000)], [acc, replay, replay], named)
    assert token_claims()["nonce"] == NONCE
    return vf


def files() -> list[VectorFile]:
    return [_nonce_file(), _claims_file()]
