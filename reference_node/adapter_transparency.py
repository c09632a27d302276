"""The adapter operation ``transparency.proofs`` (vectors/transparency/proofs.json) over the node's log code.

Trees are built with the node's pymerkle tree (``protocol.merkle``), proofs checked and checkpoints opened by
``protocol.transparency``; ``kind`` picks which. Inputs are read strictly: a wrong type is the kind's error code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_node.adapter_calls import Interpretations, hex_bytes, integer, text
from reference_node.protocol import base64url, merkle, transparency
from reference_node.protocol.errors import ConsistencyProofInvalid, InclusionProofInvalid, TransparencyLogUnavailable

__all__ = ["proofs"]


def _tree(inp: Mapping[str, Any]) -> merkle.LeafTree:
    leaves = inp["leaves"]
    if not isinstance(leaves, list):
        raise InclusionProofInvalid("leaves is a list of hex strings")
    return merkle.LeafTree(merkle.leaf_hash(hex_bytes(d)) for d in leaves)


def _hashes(value: object) -> list[bytes]:
    if not isinstance(value, list):
        raise InclusionProofInvalid("hashes is a list of hex strings")
    return [hex_bytes(h) for h in value]


def _key(value: object) -> transparency.LogKey | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InclusionProofInvalid("log_key is {name, public_key}")
    return transparency.LogKey(text(value.get("name")), base64url.decode(value.get("public_key"), length=32))


def proofs(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    i["transparency_log_format"]
    kind = inp.get("kind")
    if kind == "tree_hash":
        tree = _tree(inp)
        return {"root_hash": tree.root(tree.size()).hex()}
    if kind == "inclusion_path":
        try:
            path = _tree(inp).inclusion(integer(inp["leaf_index"], 0), integer(inp["tree_size"], 0))
        except merkle.InvalidChallenge as exc:
            raise InclusionProofInvalid(str(exc)) from None
        return {"hashes": [h.hex() for h in path]}
    if kind == "consistency_proof":
        try:
            path = _tree(inp).consistency(integer(inp["first"], 0), integer(inp["second"], 0))
        except merkle.InvalidChallenge as exc:
            raise ConsistencyProofInvalid(str(exc)) from None
        return {"hashes": [h.hex() for h in path]}
    if kind == "verify_inclusion":
        transparency.verify_inclusion(integer(inp["leaf_index"], 0), integer(inp["tree_size"], 0),
                                      hex_bytes(inp["leaf_hash"]), _hashes(inp["hashes"]),
                                      hex_bytes(inp["root_hash"]))
        return {}
    if kind == "verify_consistency":
        transparency.verify_consistency(integer(inp["first"], 0), integer(inp["second"], 0),
                                        hex_bytes(inp["first_root_hash"]), hex_bytes(inp["second_root_hash"]),
                                        _hashes(inp["hashes"]))
        return {}
    if kind == "checkpoint":
        key = transparency.LogKey(text(inp["key_name"]), base64url.decode(inp["public_key"], length=32))
        cp = transparency.open_checkpoint(text(inp["note"]), key)
        return {"origin": cp.origin, "tree_size": cp.tree_size, "root_hash": cp.root_hash.hex()}
    if kind == "manifest_evidence":
        mode = inp.get("trust_mode")
        manifest, entry = inp.get("manifest"), inp.get("entry")
        if mode not in ("strict", "relaxed", "off") or not isinstance(manifest, Mapping) or not (
                entry is None or isinstance(entry, Mapping)):
            raise InclusionProofInvalid("manifest_evidence needs manifest, entry, log_key and trust_mode")
        verdict = transparency.check_manifest_evidence(manifest, entry, _key(inp.get("log_key")), mode)
        if not verdict.accepted:
            raise (InclusionProofInvalid if verdict.code == "inclusion_proof_invalid"
                   else TransparencyLogUnavailable)(verdict.detail)
        return {"accepted": True, "warning": verdict.warning}
    raise InclusionProofInvalid(f"unknown kind {kind!r}")

