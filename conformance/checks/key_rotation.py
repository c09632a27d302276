"""Signing-key rotation over HTTP (Spec-10 §Key rotation; A20 §22.2; docs/federation-api.md "Key rotation").

The node serves its rotation log at ``GET /v1/federation/key-rotations`` ``{entity_uri, first_public_key,
current_key_id, entries}`` and rotates on ``POST /v1/admin/federation/key-rotation`` (admin). Every chain is judged
by ``conformance.oracle.key_rotation``; signatures by ``cryptography``. A node without the routes answers 404 and the
checks report not implemented. A scripted peer that rotates serves its own log at the same route. Requirements
STG-KEY-009..019, STG-KEY-020.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.checks.federation.support import federator, new_peer, node_pulls, present, registered_peer
from conformance.checks.registry import CheckFailed, Context, Skip, check, expect, expect_status
from conformance.federation.identity import Identity
from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer
from conformance.harness.http_target import Exchange
from conformance.oracle import key_rotation as oracle
from conformance.oracle.ed25519 import b64u_decode, preimage, verify
from conformance.outcomes import NotImplementedByNode

LOG = "/v1/federation/key-rotations"
ROTATE = "/v1/admin/federation/key-rotation"
DAY_S = 86_400


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _answered(ex: Exchange, route: str) -> Any:
    if ex.status in (404, 501):
        raise NotImplementedByNode(f"{route} answered {ex.status}")
    expect_status(ex, (200, 201))
    expect(isinstance(ex.json, dict), f"{route} answered no JSON object: {ex.brief()}")
    return ex.json


def _log(ctx: Context, fed: Federator) -> dict[str, Any]:
    """The served log, verified as a chain that ends at the discovery key."""
    body = _answered(ctx.request("GET", LOG, key=None), LOG)
    errors = [e.message for e in validator(schemas_dir() / "wire" / "key_rotation_log.json").iter_errors(body)]
    expect(not errors, f"{LOG} does not match schemas/wire/key_rotation_log.json: {errors[:3]}")
    expect(body["entity_uri"] == fed.node_id, f"the log speaks for {body['entity_uri']!r}, not {fed.node_id!r}")
    try:
        verdict = oracle.chain_result(fed.node_id, body["first_public_key"], body["entries"], _now())
    except oracle.RotationRefused as exc:
        raise CheckFailed(f"the node's rotation log does not verify: {exc.code}: {exc}") from None
    current = oracle.key_id_of(fed.pubkey_b64)
    expect(verdict["current_key_id"] == current, f"the chain ends at {verdict['current_key_id'][:16]}..., "
           f"discovery's federation_pubkey is {current[:16]}...")
    expect(body["current_key_id"] == current, "current_key_id is not the discovery key's SHA-256")
    return dict(body)


@check("http:key_rotation_log_verifies", requirements=("STG-KEY-009", "STG-KEY-010", "STG-KEY-011",
       "STG-KEY-012", "STG-KEY-016"), profile="hardening")
def key_rotation_log_verifies(ctx: Context) -> None:
    """The served rotation log verifies as a chain from its first key to the discovery key (an empty log is
    rotated once first, so there is a chain to verify)."""
    fed = federator(ctx)
    if not _log(ctx, fed)["entries"]:
        _answered(ctx.request("POST", ROTATE, json_body={}), ROTATE)
        fed.refresh()
        expect(bool(_log(ctx, fed)["entries"]), "the log stayed empty after a rotation")


def _rotate(ctx: Context, fed: Federator) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Rotate once: the old key, the answered entry and the log after it."""
    before_key = fed.pubkey_b64
    before = _log(ctx, fed)
    entry = _answered(ctx.request("POST", ROTATE, json_body={}), ROTATE)
    fed.refresh()
    expect(fed.pubkey_b64 != before_key, "discovery still shows the old federation_pubkey after a rotation")
    after = _log(ctx, fed)
    expect(len(after["entries"]) == len(before["entries"]) + 1 and after["entries"][-1] == entry,
           "the log did not gain exactly the answered entry")
    expect(after["entries"][: len(before["entries"])] == before["entries"], "earlier log entries changed")
    return before_key, entry, after


@check("http:key_rotation_publishes_new_key", requirements=("STG-KEY-010", "STG-KEY-013", "STG-KEY-016",
       "STG-KEY-017", "STG-KEY-020"), profile="hardening")
def key_rotation_publishes_new_key(ctx: Context) -> None:
    """After a rotation, the log ends at the new key, signed by the old, with 90 days of dual trust; discovery and the
    declaration carry the new key at once."""
    fed = federator(ctx)
    old_key, entry, _ = _rotate(ctx, fed)
    expect(entry["old_key_id"] == oracle.key_id_of(old_key), "old_key_id is not the previous discovery key")
    at = datetime.fromisoformat(entry["rotated_at"].replace("Z", "+00:00"))
    until = datetime.fromisoformat(entry["dual_trust_expires_at"].replace("Z", "+00:00"))
    expect(until - at == timedelta(days=90), f"dual trust is {until - at}, not rotated_at + 90 days (A20 22.2)")
    ex = ctx.request("GET", "/v1/federation/declaration")
    expect_status(ex, (200,))
    decl = ex.json if isinstance(ex.json, dict) else {}
    expect(decl.get("federation_pubkey") == fed.pubkey_b64, "the declaration does not carry the new key")
    fields = ctx.interpretations.get("peer_declaration_fields", "a08-jcs")
    signed = verify(b64u_decode(fed.pubkey_b64), preimage("peer_declaration", decl, fields),
                    b64u_decode(str(decl.get("declaration_sig", ""))))
    expect(signed, "the declaration after a rotation does not verify under the new key")


@check("http:key_rotation_tokens_use_new_key", requirements=("STG-KEY-017", "STG-KEY-020"),
       profile="hardening")
def key_rotation_tokens_use_new_key(ctx: Context) -> None:
    """After a rotation, the peer tokens the node sends verify under the new key, not the old one."""
    fed = federator(ctx)
    old_key, _, _ = _rotate(ctx, fed)
    with registered_peer(ctx) as (peer, fed):
        expect(fed.pubkey_b64 != old_key, "registration saw the old key")
        peer.trust(fed.node_id, old_key)
        node_pulls(fed, lambda: bool(peer.facts_requests()) or None)
        stale = peer.facts_requests()
        expect(bool(stale), "the node never pulled from its new peer")
        expect(stale[-1].claims is None, "a token the node sent after rotating verified under its old key")
        peer.trust(fed.node_id, fed.pubkey_b64)
        count = len(stale)
        node_pulls(fed, lambda: len(peer.facts_requests()) > count or None)
        fresh = peer.facts_requests()[count:]
        expect(bool(fresh), "the node did not pull again")
        expect(fresh[-1].claims is not None, f"the node's token does not verify under its new key: "
               f"{fresh[-1].error}")


def _ago(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def _peer_rotates(peer: ScriptedPeer, rotated_at: str, dual_trust_days: float = 90, forged: bool = False
                  ) -> tuple[Identity, Identity]:
    """The peer rotates to a fresh key and serves the log; returns (old, new) identities, the new one in use."""
    old = peer.identity
    new = Identity(secrets.token_bytes(32), old.node_id, old.authority)
    entry = oracle.entry(old.node_id, old.seed, new.seed, rotated_at, dual_trust_days,
                         signer=new.seed if forged else None)
    peer.rotation_log = {"entity_uri": old.node_id, "first_public_key": old.pubkey_b64,
                         "current_key_id": oracle.key_id_of(new.pubkey_b64), "entries": [entry]}
    peer.identity = new
    return old, new


def _status(ctx: Context, peer: ScriptedPeer, fed: Federator, key: Identity) -> int:
    peer.identity = key
    return present(ctx, peer, fed, "fresh")[0].status


@check("http:key_rotation_peer_followed", requirements=("STG-KEY-018", "STG-KEY-014", "STG-KEY-010", "STG-KEY-013"),
       profile="hardening")
def key_rotation_peer_followed(ctx: Context) -> None:
    """A peer that rotated is followed through its verified log: its new key, and its old key during dual trust
    (of exactly 24 h, the least a verifier accepts), are accepted; after dual trust the old key is refused; a log
    signed by the new key, or one whose dual trust is 24 h less one second, is not followed."""
    with registered_peer(ctx, name="kr") as (peer, fed):
        old, new = _peer_rotates(peer, _ago(timedelta(hours=1)), dual_trust_days=1)
        got = _status(ctx, peer, fed, new)
        expect(got == 200, f"a token under the peer's rotated key, with a valid log, answered {got}")
        got = _status(ctx, peer, fed, old)
        expect(got == 200, f"a token under the peer's old key during dual trust answered {got}")
    with registered_peer(ctx, name="ks") as (peer, fed):
        old, new = _peer_rotates(peer, _ago(timedelta(days=30)), dual_trust_days=1)
        got = _status(ctx, peer, fed, new)
        expect(got == 200, f"a token under the peer's rotated key answered {got}")
        got = _status(ctx, peer, fed, old)
        expect(got == 401, f"a token under the peer's old key, 29 days past its dual trust, answered {got}")
    with registered_peer(ctx, name="kf") as (peer, fed):
        old, new = _peer_rotates(peer, _ago(timedelta(hours=1)), forged=True)
        got = _status(ctx, peer, fed, new)
        expect(got == 401, f"a token under a key announced by a log the new key signed answered {got}")
    with registered_peer(ctx, name="kd") as (peer, fed):
        old, new = _peer_rotates(peer, _ago(timedelta(hours=1)), dual_trust_days=(DAY_S - 1) / DAY_S)
        got = _status(ctx, peer, fed, new)
        expect(got == 401, f"a token under a key announced by an entry with 24 h less one second of dual trust "
                           f"answered {got}")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _signing_key_created(ctx: Context, fed: Federator) -> datetime:
    """The creation time the admin status gives the signing key discovery now shows."""
    status = ctx.request("GET", "/v1/admin/status")
    expect_status(status, (200,))
    keys = (status.json or {}).get("signing_keys") if isinstance(status.json, dict) else None
    if not isinstance(keys, list):
        raise NotImplementedByNode("the admin status has no signing_keys")
    mine = [k for k in keys if isinstance(k, dict) and k.get("public_key") == fed.pubkey_b64]
    expect(len(mine) == 1, f"signing_keys does not list discovery's federation_pubkey once: {keys}")
    return _instant(str(mine[0].get("created_at")))


@check("http:key_rotation_status_and_audit", requirements=("STG-KEY-005", "STG-KEY-015"), profile="hardening")
def key_rotation_status_and_audit(ctx: Context) -> None:
    """Two rotations 2 s apart: the admin status dates each new signing key (discovery's key) from its own
    rotation, so the second is dated at least a second after the first (not from an older key); the export filtered
    on event_type key_rotation holds an event naming the second rotation's old and new key ids."""
    fed = federator(ctx)
    _rotate(ctx, fed)
    first = _signing_key_created(ctx, fed)
    time.sleep(2.0)
    _, entry, _ = _rotate(ctx, fed)
    second = _signing_key_created(ctx, fed)
    expect(second - first >= timedelta(seconds=1), f"rotations 2 s apart left signing keys dated {first} and "
                                                   f"{second}: the status does not date the key in use")
    after = (first - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    events: list[dict[str, Any]] = []
    cursor = None
    for _ in range(20):
        ex = ctx.request("GET", "/v1/admin/audit-log", params={"event_type": "key_rotation", "after": after,
                                                               "limit": 500, **({"cursor": cursor} if cursor else {})})
        page = _answered(ex, "/v1/admin/audit-log")
        events += [e for e in page.get("events", []) if isinstance(e, dict)]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            break
    named = [e for e in events if e.get("event_type") == "key_rotation"
             and (e.get("metadata") or {}).get("new_key_id") == entry["new_key_id"]
             and (e.get("metadata") or {}).get("old_key_id") == entry["old_key_id"]]
    expect(len(named) == 1, f"{len(named)} key_rotation events name the rotation to {entry['new_key_id'][:16]}...")


@check("http:key_rotation_followed_from_registered_key", requirements=("STG-KEY-018",), profile="hardening")
def key_rotation_followed_from_registered_key(ctx: Context) -> None:
    """A peer that rotated once before registering (so it registers its second key) and rotates again after is
    followed from the registered key: the log's first entry, which leaves a key the node never trusted, is not
    part of the chain it checks, and the peer's third key is accepted."""
    fed = federator(ctx)
    peer = new_peer(ctx, ("public",), "kw").start()
    try:
        first, second = _peer_rotates(peer, _ago(timedelta(hours=2)))
        peer.trust(fed.node_id, fed.pubkey_b64)
        status = fed.admit(peer.declaration())
        expect(status == "active", f"the declaration of a peer that rotated before registering ends {status!r}")
        expect(_status(ctx, peer, fed, second) == 200, "a token under the key the peer registered was refused")
        third = Identity(secrets.token_bytes(32), second.node_id, second.authority)
        log = dict(peer.rotation_log or {})
        later = oracle.entry(second.node_id, second.seed, third.seed, _ago(timedelta(hours=1)))
        peer.rotation_log = {**log, "current_key_id": oracle.key_id_of(third.pubkey_b64),
                             "entries": [*log["entries"], later]}
        got = _status(ctx, peer, fed, third)
        expect(got == 200, f"a token under the peer's key after its second rotation (its log verified from the "
                           f"registered key) answered {got}")
        expect(first.pubkey_b64 != third.pubkey_b64, "the peer's keys repeat")
    finally:
        peer.stop()


@check("http:key_rotation_follow_throttled", requirements=("STG-KEY-021",), profile="hardening")
def key_rotation_follow_throttled(ctx: Context) -> None:
    """Tokens under a key the node does not know make it fetch the peer's rotation log at most once a minute:
    five such tokens, 0.2 s apart, are refused with at most one fetch of GET /v1/federation/key-rotations."""
    with registered_peer(ctx, name="kt") as (peer, fed):
        registered = peer.identity
        stranger = Identity(secrets.token_bytes(32), registered.node_id, registered.authority)
        before = len(peer.requests(LOG))
        statuses = []
        for _ in range(5):
            statuses.append(_status(ctx, peer, fed, stranger))
            time.sleep(0.2)
        fetches = len(peer.requests(LOG)) - before
        peer.identity = registered
    expect(set(statuses) == {401}, f"tokens under an unknown key answered {statuses}")
    expect(fetches <= 1, f"five refused tokens within a second made the node fetch the rotation log {fetches} times")


@check("http:key_rotation_key_file_refused", requirements=("STG-HTTP-003",), profile="hardening",
       isolated=True)
def key_rotation_key_file_refused(ctx: Context) -> None:
    """A node that signs with an operator's key file (--federation-key-file) refuses a rotation through the API with
    a 4xx, never a 5xx, and still advertises and signs with the file's key."""
    import tempfile
    from pathlib import Path

    from conformance.harness.embedded_node import EmbeddedNode
    from conformance.harness.http_target import HttpTarget
    from conformance.oracle.ed25519 import b64u_encode, public_key

    if not ctx.embedded:
        raise Skip("the key file is a node setting: only the suite's own reference node is started with one")
    seed = secrets.token_bytes(32)
    with tempfile.TemporaryDirectory(prefix="stigmem-key-") as folder:
        path = Path(folder) / "federation.key"
        path.write_text(seed.hex() + "\n", encoding="ascii")
        args = ("--federation", "--federation-key-file", str(path), *EmbeddedNode.FAST_TIMEOUTS)
        with EmbeddedNode(extra_args=args) as node:
            target = HttpTarget(node.url, {"admin": node.admin_key})
            try:
                ex = target.request("POST", ROTATE, json_body={})
                advertised = (target.request("GET", "/.well-known/stigmem", key=None).json or {}).get(
                    "federation_pubkey")
            finally:
                target.close()
    expect(400 <= ex.status < 500, f"a rotation on a node signing with --federation-key-file answered {ex.brief()}, "
                                   "not a 4xx refusal")
    expect(advertised == b64u_encode(public_key(seed)),
           f"after the refused rotation discovery advertises {advertised!r}, not the key file's public key")
