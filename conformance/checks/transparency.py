"""The node's transparency log over HTTP (Spec-04 "transparency log"; A20 §19.2; RFC 9162; C2SP signed-note;
docs/federation-api.md "Transparency log").

The log is served under ``/v1/federation/transparency-log`` (its key and checkpoint; ``/checkpoint``; ``/entries``;
``/entries/{i}``; ``/proof/inclusion``; ``/proof/consistency``: interpretation transparency_log_routes). Every
proof and checkpoint is judged by ``conformance.oracle.transparency``, the suite's own RFC 9162 model. The log grows
when the node logs an action; the checks make it grow with a key rotation (``POST
/v1/admin/federation/key-rotation``, docs/federation-api.md "Key rotation"), which the log records (STG-TLOG-011).
A node without the routes answers 404 and the checks report not implemented. Requirements STG-TLOG-001..007,
STG-TLOG-011.
"""

from __future__ import annotations

import hashlib
from typing import Any

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.checks.federation.support import federator
from conformance.checks.registry import CheckFailed, Context, check, expect
from conformance.harness.http_target import Exchange
from conformance.oracle import transparency as oracle
from conformance.oracle.ed25519 import b64u_decode, jcs, verify
from conformance.outcomes import NotImplementedByNode

LOG = "/v1/federation/transparency-log"
ROTATE = "/v1/admin/federation/key-rotation"
MAX_ENTRIES = 40  # entries whose proofs a check verifies (the newest ones)


def _ok(ex: Exchange, what: str) -> Any:
    if ex.status in (404, 501):
        raise NotImplementedByNode(f"{what} answered {ex.status}")
    expect(ex.status == 200, f"{what}: expected 200, got {ex.brief()}")
    return ex.json


def _key(ctx: Context) -> tuple[str, bytes]:
    info = _ok(ctx.request("GET", LOG, key=None), LOG)
    expect(isinstance(info, dict) and isinstance(info.get("origin"), str) and isinstance(info.get("public_key"), str),
           f"{LOG} gives no origin and public_key: {str(info)[:200]}")
    return info["origin"], b64u_decode(info["public_key"])


def _checkpoint(ctx: Context) -> oracle.Checkpoint:
    """The latest checkpoint, verified under the advertised log key."""
    name, public = _key(ctx)
    ex = ctx.request("GET", f"{LOG}/checkpoint", key=None)
    _ok(ex, f"{LOG}/checkpoint")
    try:
        cp = oracle.open_checkpoint(ex.text, name, public)
    except oracle.CheckpointRefused as exc:
        raise CheckFailed(f"the checkpoint does not verify under the advertised log key: {exc.code}: {exc}") from None
    expect(cp.origin == name, f"the checkpoint's origin {cp.origin!r} is not the log's key name {name!r}")
    return cp


def _entries(ctx: Context, size: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, size, 100):
        body = _ok(ctx.request("GET", f"{LOG}/entries", key=None, params={"start": start, "end": min(size,
                                                                                                  start + 100)}),
                   f"{LOG}/entries")
        found.extend(body.get("entries", []) if isinstance(body, dict) else [])
    expect(len(found) >= size, f"{LOG}/entries served {len(found)} of {size} entries")
    return found[:size]


def _leaf(entry: dict[str, Any]) -> bytes:
    return jcs({"kind": entry.get("kind"), "body": entry.get("body"), "integrated_time": entry.get("integrated_time")})


def _grow(ctx: Context) -> dict[str, Any]:
    """Make the node log one action (a key rotation); the rotation entry it answered."""
    ex = ctx.request("POST", ROTATE, json_body={})
    if ex.status in (404, 501):
        raise NotImplementedByNode(f"{ROTATE} answered {ex.status}: no way to make the log grow")
    expect(ex.status in (200, 201) and isinstance(ex.json, dict), f"{ROTATE}: {ex.brief()}")
    return dict(ex.json)


def _hashes(proof: Any, what: str) -> list[bytes]:
    expect(isinstance(proof, dict) and isinstance(proof.get("hashes"), list), f"{what} has no hashes: {proof}")
    try:
        return [bytes.fromhex(h) for h in proof["hashes"]]
    except (TypeError, ValueError):
        raise CheckFailed(f"{what}: hashes are not hex") from None


@check("http:transparency_log_checkpoint_signed", requirements=("STG-TLOG-005", "STG-TLOG-002"),
       profile="federation-trust")
def transparency_log_checkpoint_signed(ctx: Context) -> None:
    """The latest checkpoint is a signed note that verifies under the advertised log key, and its root is the RFC
    9162 root of the served entries."""
    federator(ctx)
    name, public = _key(ctx)
    info = _ok(ctx.request("GET", LOG, key=None), LOG)
    if "verifier_key" in info:
        expect(info["verifier_key"] == oracle.verifier_key(name, public),
               f"verifier_key {info['verifier_key']!r} is not the signed-note key of the advertised public key")
    cp = _checkpoint(ctx)
    leaves = [_leaf(e) for e in _entries(ctx, cp.tree_size)]
    expect(oracle.root(leaves) == cp.root_hash, f"the checkpoint's root is not the RFC 9162 root of the "
           f"{cp.tree_size} served entries")


@check("http:transparency_log_inclusion", requirements=("STG-TLOG-003", "STG-TLOG-006", "STG-TLOG-002"),
       profile="federation-trust")
def transparency_log_inclusion(ctx: Context) -> None:
    """Every entry's LogEntry has the A20 shape, its entry_hash is its leaf hash, and its inclusion proof (by index
    and by entry hash) verifies against the checkpoint it carries, signed by the log key; an unknown entry hash is a
    400/404."""
    federator(ctx)
    if _checkpoint(ctx).tree_size == 0:
        _grow(ctx)
    name, public = _key(ctx)
    cp = _checkpoint(ctx)
    schema = validator(schemas_dir() / "wire" / "transparency_log_entry.json")
    entries = _entries(ctx, cp.tree_size)
    for index in range(max(0, cp.tree_size - MAX_ENTRIES), cp.tree_size):
        entry = _ok(ctx.request("GET", f"{LOG}/entries/{index}", key=None, params={"tree_size": cp.tree_size}),
                    f"{LOG}/entries/{index}")
        errors = [e.message for e in schema.iter_errors(entry)]
        expect(not errors, f"entry {index} does not match schemas/wire/transparency_log_entry.json: {errors[:3]}")
        leaf = oracle.leaf_hash(_leaf(entries[index]))
        expect(entry["entry_hash"] == leaf.hex(), f"entry {index}: entry_hash is not the leaf hash of its content")
        proof = entry["inclusion_proof"]
        expect(proof["log_index"] == index and proof["tree_size"] == cp.tree_size,
               f"entry {index}: the proof is for index {proof['log_index']} in {proof['tree_size']}")
        expect(oracle.verify_inclusion(index, cp.tree_size, leaf, _hashes(proof, f"entry {index}"), cp.root_hash),
               f"entry {index}: the inclusion proof does not verify against the signed checkpoint")
        try:
            carried = oracle.open_checkpoint(proof["checkpoint"], name, public)
        except oracle.CheckpointRefused as exc:
            raise CheckFailed(f"entry {index}: its checkpoint does not verify: {exc.code}") from None
        expect((carried.tree_size, carried.root_hash.hex()) == (cp.tree_size, proof["root_hash"]),
               f"entry {index}: the carried checkpoint signs another tree than the proof's")
        sct = jcs({"entry_hash": entry["entry_hash"], "integrated_time": entry["integrated_time"],
                   "log_id": entry["log_id"], "log_index": index})
        expect(verify(public, sct, b64u_decode(entry["signed_entry_ts"])),
               f"entry {index}: signed_entry_ts does not verify under the log key")
    last = entries[-1]
    unknown = hashlib.sha256(b"no such entry " + ctx.run_id.encode()).hexdigest()
    ex = ctx.request("GET", f"{LOG}/proof/inclusion", key=None,
                     params={"entry_hash": unknown, "tree_size": cp.tree_size})
    expect(ex.status in (400, 404), f"an inclusion proof for an entry hash the log does not hold: {ex.brief()}, not a "
                                    "client error")
    by_index = ctx.request("GET", f"{LOG}/proof/inclusion", key=None,
                           params={"leaf_index": cp.tree_size - 1, "tree_size": cp.tree_size})
    ex = ctx.request("GET", f"{LOG}/proof/inclusion", key=None,
                     params={"entry_hash": last["entry_hash"], "tree_size": cp.tree_size})
    if by_index.status == 200:  # the route serves proofs: a logged entry's hash is no unknown entry
        expect(ex.status == 200, f"the inclusion proof of logged entry {cp.tree_size - 1} by its entry_hash "
                                 f"answered {ex.brief()} (by leaf_index: 200)")
    by_hash = _ok(ex, f"{LOG}/proof/inclusion")
    expect(oracle.verify_inclusion(cp.tree_size - 1, cp.tree_size, oracle.leaf_hash(_leaf(last)),
                                   _hashes(by_hash, "the proof by entry hash"), cp.root_hash),
           "the inclusion proof by entry hash does not verify")


@check("http:transparency_log_grows", requirements=("STG-TLOG-001", "STG-TLOG-004", "STG-TLOG-011"),
       profile="federation-trust")
def transparency_log_grows(ctx: Context) -> None:
    """The log only grows: after logged actions, consistency proofs from each older checkpoint verify, earlier entries
    are unchanged, and the action is the new entry."""
    federator(ctx)
    first = _checkpoint(ctx)
    if first.tree_size == 0:
        _grow(ctx)
        first = _checkpoint(ctx)
    before = _entries(ctx, first.tree_size)
    answered = _grow(ctx)
    middle = _checkpoint(ctx)
    _grow(ctx)
    last = _checkpoint(ctx)
    # A rotation logs itself, and the node's manifest re-signed under the new key after it (STG-MAN-010).
    expect(first.tree_size < middle.tree_size < last.tree_size,
           f"two logged rotations took the log from {first.tree_size} to {middle.tree_size} to {last.tree_size}")
    after = _entries(ctx, last.tree_size)
    expect(after[: first.tree_size] == before, "entries already logged changed")
    new = after[first.tree_size]
    expect(new.get("kind") == "rotation" and new.get("body") == answered,
           f"the rotation is not the new entry: {str(new)[:200]}")
    for old in (first, middle):
        proof = _ok(ctx.request("GET", f"{LOG}/proof/consistency", key=None,
                                params={"first": old.tree_size, "second": last.tree_size}), f"{LOG}/proof/consistency")
        hashes = _hashes(proof, "the consistency proof")
        expect(oracle.verify_consistency(old.tree_size, last.tree_size, old.root_hash, last.root_hash, hashes),
               f"the consistency proof from {old.tree_size} to {last.tree_size} does not verify against the "
               f"signed checkpoints")


@check("http:transparency_log_bad_parameters", requirements=("STG-TLOG-007",), profile="federation-trust")
def transparency_log_bad_parameters(ctx: Context) -> None:
    """Proof parameters no proof exists for (size 0, an index at or past the size, first > second, a size past the
    tree) are answered 400, never 500 or a proof."""
    federator(ctx)
    if _checkpoint(ctx).tree_size < 2:
        _grow(ctx)
        _grow(ctx)
    size = _checkpoint(ctx).tree_size
    asks = [("inclusion", {"leaf_index": 0, "tree_size": 0}), ("inclusion", {"leaf_index": size, "tree_size": size}),
            ("inclusion", {"leaf_index": 0, "tree_size": size + 5}),
            ("consistency", {"first": 0, "second": size}), ("consistency", {"first": size, "second": size - 1}),
            ("consistency", {"first": 1, "second": size + 5})]
    for kind, params in asks:
        ex = ctx.request("GET", f"{LOG}/proof/{kind}", key=None, params=params)
        expect(ex.status == 400, f"{kind} proof with {params} (tree size {size}): expected 400, got {ex.brief()}")
