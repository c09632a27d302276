"""SQL over the node's transparency log (0012_transparency_log.sql; docs/federation-api.md "Transparency log").

``append`` runs in the caller's transaction, so an action and its log entry are written together or not at all
(STG-TLOG-011); it answers the A20 LogEntry ``{log_id, log_index, integrated_time, entry_hash, signed_entry_ts,
inclusion_proof {log_index, root_hash, tree_size, hashes, checkpoint}}`` (STG-TLOG-006). The Merkle tree is pymerkle's,
rebuilt from the stored leaf hashes on each read (protocol/merkle.py), so it survives restarts with nothing else
stored. Checkpoints and signed entry timestamps are signed by the log key when asked for: the node's federation key,
under the key name ``origin`` (``<authority>/transparency-log``, fixed the first time the log is configured).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reference_node.protocol import base64url, jcs, merkle, peering, signatures, transparency
from reference_node.storage import federation_keys

__all__ = ["LogSigner", "append", "checkpoint", "configure", "consistency", "entries", "index_of", "index_of_body",
           "latest", "log_entry", "size", "tree"]

ORIGIN_STATE = "transparency_log_origin"


@dataclass(frozen=True)
class LogSigner:
    """Who signs the log's checkpoints: the key name (the origin line) and the Ed25519 seed."""

    origin: str
    seed: bytes

    @property
    def key(self) -> transparency.LogKey:
        return transparency.LogKey(self.origin, base64url.decode(peering.public_key(self.seed), length=32))

    @property
    def log_id(self) -> str:
        return transparency.log_id(self.origin)


def configure(conn: sqlite3.Connection, authority: str) -> str:
    """The log's origin, stored once (``<authority>/transparency-log``): a log keeps its name for ever."""
    conn.execute("INSERT OR IGNORE INTO node_state (key, value) VALUES (?, ?)",
                 (ORIGIN_STATE, f"{authority}/transparency-log"))
    return str(conn.execute("SELECT value FROM node_state WHERE key = ?", (ORIGIN_STATE,)).fetchone()[0])


def _default_signer(conn: sqlite3.Connection) -> LogSigner:
    """The database's active federation key under the configured origin (a key-file node passes its own)."""
    row = conn.execute("SELECT value FROM node_state WHERE key = ?", (ORIGIN_STATE,)).fetchone()
    seed = federation_keys.active_seed(conn)
    if row is None or seed is None:
        raise ValueError("the transparency log has no origin or key yet (federation not started)")
    return LogSigner(str(row[0]), seed)


def size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM transparency_log").fetchone()[0])


def tree(conn: sqlite3.Connection) -> merkle.LeafTree:
    """pymerkle's tree over every stored leaf hash, in log order."""
    rows = conn.execute("SELECT leaf_hash FROM transparency_log ORDER BY log_index").fetchall()
    return merkle.LeafTree(bytes.fromhex(h) for (h,) in rows)


def checkpoint(conn: sqlite3.Connection, signer: LogSigner | None = None, tree_size: int | None = None,
               log_tree: merkle.LeafTree | None = None) -> str:
    """The signed-note checkpoint of the tree at ``tree_size`` (default: now)."""
    signer = signer or _default_signer(conn)
    log_tree = log_tree or tree(conn)
    at = log_tree.size() if tree_size is None else tree_size
    body = transparency.checkpoint_body(signer.origin, at, log_tree.root(at))
    return transparency.sign_checkpoint(body, signer.origin, signer.seed)


def _row(conn: sqlite3.Connection, index: int) -> tuple[str, str, int, str] | None:
    row = conn.execute("SELECT kind, body, integrated_time, leaf_hash FROM transparency_log WHERE log_index = ?",
                       (index,)).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), int(row[2]), str(row[3]))


def log_entry(conn: sqlite3.Connection, index: int, signer: LogSigner | None = None,
              tree_size: int | None = None) -> dict[str, Any] | None:
    """The A20 LogEntry of entry ``index`` with its inclusion proof at ``tree_size`` (default: now); None when
    absent. merkle.InvalidChallenge when ``tree_size`` does not contain the entry."""
    signer = signer or _default_signer(conn)
    row = _row(conn, index)
    if row is None:
        return None
    _, _, integrated_time, entry_hash = row
    log_tree = tree(conn)
    at = log_tree.size() if tree_size is None else tree_size
    hashes = log_tree.inclusion(index, at)
    sct = signer.log_id, index, integrated_time, entry_hash
    signed = base64url.encode(signatures.signing_key(signer.seed).sign(transparency.signed_entry_preimage(*sct)))
    return {"log_id": signer.log_id, "log_index": index, "integrated_time": integrated_time,
            "entry_hash": entry_hash, "signed_entry_ts": signed,
            "inclusion_proof": {"log_index": index, "root_hash": log_tree.root(at).hex(), "tree_size": at,
                                "hashes": [h.hex() for h in hashes],
                                "checkpoint": checkpoint(conn, signer, at, log_tree)}}


def append(conn: sqlite3.Connection, kind: str, body: Mapping[str, Any], signer: LogSigner | None = None,
           integrated_time: int | None = None) -> dict[str, Any]:
    """Log ``body`` as a ``kind`` entry (manifest, rotation, revocation) in the caller's transaction; its LogEntry."""
    if kind not in transparency.KINDS:
        raise ValueError(f"the log records {', '.join(transparency.KINDS)}, not {kind!r}")
    at = int(time.time()) if integrated_time is None else integrated_time
    canonical = jcs.canonical(dict(body))
    leaf = merkle.leaf_hash(transparency.entry_leaf(kind, body, at)).hex()
    index = size(conn)
    # STG-TLOG-001: the next index is the tree size; the table's triggers refuse anything else.
    conn.execute("INSERT INTO transparency_log (log_index, kind, body, integrated_time, leaf_hash) "
                 "VALUES (?, ?, ?, ?, ?)", (index, kind, canonical.decode("utf-8"), at, leaf))
    found = log_entry(conn, index, signer)
    if found is None:  # pragma: no cover - just inserted
        raise RuntimeError("the appended entry is missing")
    return found


def entries(conn: sqlite3.Connection, start: int, end: int) -> list[dict[str, Any]]:
    """Entries ``start`` .. ``end - 1``: {log_index, kind, body, integrated_time, entry_hash}."""
    rows = conn.execute("SELECT log_index, kind, body, integrated_time, leaf_hash FROM transparency_log "
                        "WHERE log_index >= ? AND log_index < ? ORDER BY log_index", (start, end)).fetchall()
    return [{"log_index": i, "kind": k, "body": json.loads(b), "integrated_time": t, "entry_hash": h}
            for i, k, b, t, h in rows]


def index_of(conn: sqlite3.Connection, entry_hash: str) -> int | None:
    row = conn.execute("SELECT MIN(log_index) FROM transparency_log WHERE leaf_hash = ?", (entry_hash,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def index_of_body(conn: sqlite3.Connection, kind: str, body: Mapping[str, Any]) -> int | None:
    """The index of the newest ``kind`` entry logging exactly ``body`` (its RFC 8785 bytes), or None."""
    row = conn.execute("SELECT MAX(log_index) FROM transparency_log WHERE kind = ? AND body = ?",
                       (kind, jcs.canonical(dict(body)).decode("utf-8"))).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def latest(conn: sqlite3.Connection, kind: str) -> int | None:
    """The index of the newest ``kind`` entry, or None."""
    row = conn.execute("SELECT MAX(log_index) FROM transparency_log WHERE kind = ?", (kind,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def consistency(conn: sqlite3.Connection, first: int, second: int) -> dict[str, Any]:
    """RFC 9162 PROOF(first, D[second]) with both roots; merkle.InvalidChallenge for impossible sizes."""
    log_tree = tree(conn)
    hashes = log_tree.consistency(first, second)
    return {"first": first, "second": second, "first_root_hash": log_tree.root(first).hex(),
            "second_root_hash": log_tree.root(second).hex(), "hashes": [h.hex() for h in hashes]}
