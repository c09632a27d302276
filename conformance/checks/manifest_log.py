"""What the node publishes is in its transparency log (A20 §19.1.6, §19.2, §19.3.4; Spec-04; Spec-06).

Profile federation-trust. ``/.well-known/stigmem-manifest-proof.json`` is the LogEntry of the manifest
``/.well-known/stigmem-manifest.json`` serves, and its proof verifies against a checkpoint signed by the key
``/v1/federation/transparency-log`` advertises (STG-TLOG-010); a manifest PUT to the node answers the
``log_entry_url`` of its entry, a token revocation and the manifest a key rotation re-signs are logged with them,
and the rotation entry's ``manifest_log_index`` names that manifest's entry (STG-TLOG-011). Every proof is judged
by ``conformance.oracle.transparency``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.checks.federation.capability_tokens import _route
from conformance.checks.manifests import Org
from conformance.checks.registry import CheckFailed, Context, check, expect
from conformance.checks.transparency import LOG, ROTATE, _hashes, _key, _ok
from conformance.oracle import transparency as oracle
from conformance.oracle.ed25519 import b64u_decode, jcs
from conformance.outcomes import NotImplementedByNode

PROFILE = "federation-trust"
MANIFEST = "/.well-known/stigmem-manifest.json"
PROOF = "/.well-known/stigmem-manifest-proof.json"


def proves(ctx: Context, entry: Any, kind: str, body: Any, what: str) -> None:
    """``entry`` (an A20 LogEntry) logs ``body`` as ``kind`` and its inclusion proof verifies against the
    checkpoint it carries, signed by the node's advertised log key."""
    name, public = _key(ctx)
    expect(isinstance(entry, dict) and type(entry.get("integrated_time")) is int
           and isinstance(entry.get("inclusion_proof"), dict), f"{what} is not a LogEntry: {str(entry)[:200]}")
    leaf = oracle.leaf_hash(jcs({"kind": kind, "body": body, "integrated_time": entry["integrated_time"]}))
    expect(entry.get("entry_hash") == leaf.hex(), f"{what}: entry_hash is not the leaf hash of the {kind} it "
                                                  "should log")
    proof = entry["inclusion_proof"]
    try:
        carried = oracle.open_checkpoint(str(proof.get("checkpoint")), name, public)
    except oracle.CheckpointRefused as exc:
        raise CheckFailed(f"{what}: its checkpoint does not verify under the log key: {exc.code}") from None
    index, size = proof.get("log_index"), proof.get("tree_size")
    expect(type(index) is int and type(size) is int and carried.tree_size == size,
           f"{what}: the proof's index {index!r} and size {size!r} are not the checkpoint's tree")
    expect(oracle.verify_inclusion(index, size, leaf, _hashes(proof, what), carried.root_hash),
           f"{what}: the inclusion proof does not verify against the signed checkpoint")


def _revocation_logged(ctx: Context) -> None:
    own = _ok(ctx.request("GET", MANIFEST, key=None), MANIFEST)
    authority = str(own.get("entity_uri", "")).split("/")[2] if isinstance(own, dict) else ""
    body = {"subject": own.get("entity_uri"), "verb": "federate", "object": f"stigmem://{authority}/scope/public",
            "expiry": (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    issued = ctx.request("POST", _route(ctx), json_body=body)
    if issued.status in (404, 501):
        raise NotImplementedByNode(f"{_route(ctx)} answered {issued.status}")
    expect(issued.status == 201 and isinstance(issued.json, dict), f"issuing a token answered {issued.brief()}")
    token_id = (issued.json or {}).get("token_id")
    revoked = ctx.request("POST", f"{_route(ctx)}/{token_id}/revoke")
    expect(revoked.status == 204, f"revoking {token_id} answered {revoked.brief()}")
    size = _ok(ctx.request("GET", LOG, key=None), LOG).get("tree_size")
    expect(type(size) is int and size > 0, f"{LOG} gives tree_size {size!r}")
    newest = _entry(ctx, size - 1)
    logged = newest.get("body") if isinstance(newest.get("body"), dict) else None
    expect(newest.get("kind") == "revocation" and isinstance(logged, dict) and logged.get("token_id") == token_id,
           f"the newest log entry after revoking {token_id} is a {newest.get('kind')!r} entry, not its revocation")


def _entry(ctx: Context, index: int) -> dict[str, Any]:
    got = _ok(ctx.request("GET", f"{LOG}/entries/{index}", key=None), f"{LOG}/entries/{index}")
    expect(isinstance(got, dict), f"{LOG}/entries/{index} is not an object")
    return dict(got)


@check("http:manifest_proof_well_known", requirements=("STG-TLOG-010",), profile=PROFILE)
def manifest_proof_well_known(ctx: Context) -> None:
    """The proof served at /.well-known/stigmem-manifest-proof.json logs exactly the manifest served at
    /.well-known/stigmem-manifest.json (not the newest manifest logged: another authority's is PUT first), and
    verifies against a checkpoint the log key signs; a 404 on a route that exists (POST is 405) is a failure."""
    org = Org(ctx)
    org.accepted(org.manifest())
    manifest = _ok(ctx.request("GET", MANIFEST, key=None), MANIFEST)
    ex = ctx.request("GET", PROOF, key=None)
    if ex.status == 404 and ctx.request("POST", PROOF, key=None, json_body={}).status == 405:
        # The route exists (POST is 405, not 404): this 404 says the manifest the node serves has no proof.
        raise CheckFailed(f"{PROOF} answered {ex.brief()} while {MANIFEST} serves a manifest")
    entry = _ok(ex, PROOF)
    proves(ctx, entry, "manifest", manifest, PROOF)


@check("http:publications_logged", requirements=("STG-TLOG-011",), profile=PROFILE)
def publications_logged(ctx: Context) -> None:
    """A manifest PUT to the node answers the log_entry_url of its entry, which logs that manifest; a token
    revocation is the newest entry after it is answered; a key rotation names in manifest_log_index the entry of
    the manifest re-signed under the new key."""
    org = Org(ctx)
    doc = org.manifest()
    url = org.accepted(doc).get("log_entry_url")
    expect(isinstance(url, str) and LOG + "/entries/" in url,
           f"PUT {org.uri}'s manifest answered log_entry_url {url!r}, not a {LOG}/entries/N URL")
    assert isinstance(url, str)
    tail = url.rsplit("/", 1)[-1]
    expect(tail.isdigit(), f"log_entry_url {url!r} ends in no log index")
    entry = _entry(ctx, int(tail))
    expect(entry.get("kind") == "manifest" and entry.get("body") == doc,
           f"the entry at log_entry_url is not the manifest PUT: kind {entry.get('kind')!r}")
    proves(ctx, entry, "manifest", doc, url)
    _revocation_logged(ctx)
    ex = ctx.request("POST", ROTATE, json_body={})
    if ex.status in (404, 501):
        raise NotImplementedByNode(f"{ROTATE} answered {ex.status}")
    expect(ex.status in (200, 201) and isinstance(ex.json, dict), f"{ROTATE}: {ex.brief()}")
    rotation = dict(ex.json or {})
    index = rotation.get("manifest_log_index")
    expect(type(index) is int, f"the rotation entry's manifest_log_index is {index!r}, not the log index of the "
                               "manifest re-signed under the new key")
    assert isinstance(index, int)
    logged = _entry(ctx, index)
    raw = logged.get("body")
    body: dict[str, Any] = raw if isinstance(raw, dict) else {}
    new_key = hashlib.sha256(b64u_decode(str(rotation.get("new_public_key")))).hexdigest()
    expect(logged.get("kind") == "manifest" and body.get("key_id") == new_key,
           f"manifest_log_index {index} is a {logged.get('kind')!r} entry with key_id {body.get('key_id')!r}, not "
           f"the manifest under the new key {new_key}")
    served = _ok(ctx.request("GET", MANIFEST, key=None), MANIFEST)
    expect(served == body, "the manifest at manifest_log_index is not the one the node serves after the rotation")
