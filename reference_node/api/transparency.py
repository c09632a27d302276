"""Transparency-log routes (docs/federation-api.md "Transparency log"; Spec-04; A20 §19.1.6, §19.2; RFC 9162).

All open, like discovery (hashes, public keys and signatures only), and 404 without ``--federation``:

- ``GET /v1/federation/transparency-log``: the log's origin, log id, public key, verifier key, size and checkpoint;
- ``GET /v1/federation/transparency-log/checkpoint``: the latest signed-note checkpoint (text/plain);
- ``GET /v1/federation/transparency-log/entries?start=&end=``: entries by index (at most 100);
- ``GET /v1/federation/transparency-log/entries/{log_index}``: one A20 LogEntry with its inclusion proof;
- ``GET /v1/federation/transparency-log/proof/inclusion?leaf_index=|entry_hash=&tree_size=``;
- ``GET /v1/federation/transparency-log/proof/consistency?first=&second=``;
- ``GET /.well-known/stigmem-manifest-proof.json``: the LogEntry of the node's newest manifest (A20 §19.1.6).

Parameters a proof cannot exist for (size 0, an index at or past the size, first > second, a size past the tree)
are 400 ``invalid_parameter`` (STG-TLOG-007).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.errors import ApiError
from reference_node.api.federation import _federation
from reference_node.protocol import base64url, merkle, transparency
from reference_node.storage import transparency_log

__all__ = ["checkpoint", "consistency_proof", "entries", "entry", "inclusion_proof", "log_info", "manifest_proof"]

MAX_ENTRIES = 100


def _int(request: Request, name: str, default: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        if default is None:
            raise ApiError("invalid_parameter", f"{name} is required")
        return default
    if not raw.isdigit() or not raw.isascii() or len(raw) > 18:
        raise ApiError("invalid_parameter", f"{name}: a non-negative integer")
    return int(raw)


async def log_info(request: Request) -> Response:
    """GET /v1/federation/transparency-log: who the log is and where it stands."""
    federation = _federation(request)
    signer = federation.log_signer()
    with federation.store.db.reading() as conn:
        size, note = transparency_log.size(conn), transparency_log.checkpoint(conn, signer)
    key = signer.key
    return JSONResponse({"origin": signer.origin, "log_id": signer.log_id,
                         "public_key": base64url.encode(key.public_key),
                         "key_hash": transparency.key_hash(key.name, key.public_key).hex(),
                         "verifier_key": transparency.verifier_key(key), "hash_algorithm": "sha256",
                         "tree_size": size, "checkpoint": note})


async def checkpoint(request: Request) -> Response:
    """GET /v1/federation/transparency-log/checkpoint: the latest checkpoint as a signed note."""
    federation = _federation(request)
    with federation.store.db.reading() as conn:
        note = transparency_log.checkpoint(conn, federation.log_signer())
    return Response(note, media_type="text/plain; charset=utf-8")


async def entries(request: Request) -> Response:
    """GET /v1/federation/transparency-log/entries?start=&end=: entries start .. end-1."""
    federation = _federation(request)
    start = _int(request, "start", 0)
    end = _int(request, "end", start + MAX_ENTRIES)
    if end < start or end - start > MAX_ENTRIES:
        raise ApiError("invalid_parameter", f"end: from start to at most start + {MAX_ENTRIES}")
    with federation.store.db.reading() as conn:
        found = transparency_log.entries(conn, start, end)
        size = transparency_log.size(conn)
    return JSONResponse({"tree_size": size, "entries": found})


def _log_entry(request: Request, index: int, tree_size: int | None) -> Response:
    federation = _federation(request)
    with federation.store.db.reading() as conn:
        size = transparency_log.size(conn)
        if index >= size:
            raise ApiError("not_found", f"no entry {index}: the log has {size}")
        at = size if tree_size is None else tree_size
        # STG-TLOG-007: a tree that does not contain the entry has no proof of it.
        if not index < at <= size:
            raise ApiError("invalid_parameter", f"tree_size: above {index} and at most {size}")
        found = transparency_log.log_entry(conn, index, federation.log_signer(), at)
        body = transparency_log.entries(conn, index, index + 1)[0]
    return JSONResponse({**body, **(found or {})})


async def entry(request: Request) -> Response:
    """GET /v1/federation/transparency-log/entries/{log_index}: the LogEntry with kind and body."""
    raw = request.path_params["log_index"]
    if not raw.isdigit() or not raw.isascii() or len(raw) > 18:
        raise ApiError("invalid_parameter", "log_index: a non-negative integer")
    tree_size = _int(request, "tree_size") if "tree_size" in request.query_params else None
    return _log_entry(request, int(raw), tree_size)


async def inclusion_proof(request: Request) -> Response:
    """GET .../proof/inclusion?leaf_index=N|entry_hash=H&tree_size=S: {log_index, tree_size, root_hash, hashes,
    checkpoint}, the proof against the checkpoint of that size."""
    federation = _federation(request)
    with federation.store.db.reading() as conn:
        size = transparency_log.size(conn)
        tree_size = _int(request, "tree_size", size)
        if "entry_hash" in request.query_params:
            found = transparency_log.index_of(conn, request.query_params["entry_hash"].lower())
            if found is None:
                raise ApiError("not_found", "no entry with that entry_hash")
            index = found
        else:
            index = _int(request, "leaf_index")
        # STG-TLOG-007: size 0, an index at or past the size, a size past the tree: no proof, a client error.
        if not index < tree_size <= size:
            raise ApiError("invalid_parameter", f"need leaf_index < tree_size <= {size}")
        try:
            found_entry = transparency_log.log_entry(conn, index, federation.log_signer(), tree_size)
        except merkle.InvalidChallenge as exc:
            raise ApiError("invalid_parameter", str(exc)) from None
    if found_entry is None:
        raise ApiError("not_found", f"no entry {index}")
    return JSONResponse(found_entry["inclusion_proof"])


async def consistency_proof(request: Request) -> Response:
    """GET .../proof/consistency?first=M&second=N: RFC 9162 PROOF(M, D[N]) and both roots."""
    federation = _federation(request)
    with federation.store.db.reading() as conn:
        size = transparency_log.size(conn)
        first, second = _int(request, "first"), _int(request, "second", size)
        # STG-TLOG-007: 0 < first <= second <= size, else a client error.
        if not 0 < first <= second <= size:
            raise ApiError("invalid_parameter", f"need 0 < first <= second <= {size}")
        proof = transparency_log.consistency(conn, first, second)
    return JSONResponse(proof)


async def manifest_proof(request: Request) -> Response:
    """GET /.well-known/stigmem-manifest-proof.json: the LogEntry of the manifest /.well-known/stigmem-manifest.json
    serves now (STG-TLOG-010)."""
    federation = _federation(request)
    own = federation.manifests.own(federation.signing_seed())
    with federation.store.db.reading() as conn:
        index = None if own is None else transparency_log.index_of_body(conn, "manifest", own)
    if index is None:
        raise ApiError("not_found", "this node has logged no manifest it serves")
    return _log_entry(request, index, None)
