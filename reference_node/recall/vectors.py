"""vec_facts: the embedding index, a sqlite-vec table in a sidecar database (seed Architecture "Vector embedding
store (vec_facts)"; A20 §20.2).

The standard library's sqlite3 here cannot load extensions, so the index lives in ``<db>-vec`` opened through apsw
with sqlite-vec loaded; the facts database never needs the extension. Like upstream's vec_facts it holds embeddings
for all scopes and gardens with no scope column: every ANN answer is joined back to facts and filtered by the
caller's scope and garden ACL before it is used (R1, reference_node/recall/pipeline.py). Each live fact (confidence
> STIGMEM_EMBED_MIN_CONFIDENCE) is embedded as "{entity_display} {relation} {value_text}", L2-normalized; the
dimension is recorded on first use and checked at every start (a mismatch is fatal). Missing apsw or sqlite-vec:
the index reports itself unavailable and recall runs without its vector stage, saying so.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reference_node.recall.embedders import Embedder

__all__ = ["MAX_K", "Cosines", "DimensionMismatch", "VectorIndex", "entity_display", "unit_text", "value_text"]

log = logging.getLogger("reference_node")
# sqlite-vec 0.1.x refuses k above 4096 in one KNN query.
MAX_K = 4096
_BATCH = 512
EMBED_CHARS = 2_000  # unit_text is cut here (nomic-embed-text's context is 8,192 tokens)


class DimensionMismatch(ValueError):
    """The stored embeddings have another dimension than the configured one: the node refuses to start."""


def entity_display(entity: str) -> str:
    """An entity URI without its scheme, path separators as spaces (``stigmem://a.b/person/ada`` -> ``a.b person
    ada``)."""
    rest = entity.split("://", 1)[1] if "://" in entity else entity.split(":", 1)[-1]
    return " ".join(part for part in rest.split("/") if part)


def value_text(value_type: str, value_v: str) -> str:
    """The text of a stored value: strings as they are, other values as their JSON, null as empty."""
    if value_type == "null":
        return ""
    v = json.loads(value_v)
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def unit_text(entity: str, relation: str, value_type: str, value_v: str) -> str:
    """What is embedded: its first ``EMBED_CHARS`` characters, as a provider's context window would cut it (a
    64 KiB text value costs the offline embedder ~40 ms whole, ~1 ms cut)."""
    return f"{entity_display(entity)} {relation} {value_text(value_type, value_v)}"[:EMBED_CHARS]


class VectorIndex:
    """The sidecar index; ``available`` False (with ``reason``) when apsw or sqlite-vec cannot be loaded."""

    def __init__(self, path: str, embedder: Embedder, min_confidence: float) -> None:
        self.embedder = embedder
        self.dimensions = embedder.dimensions
        self.min_confidence = min_confidence
        self.available = False
        self.reason: str | None = None
        self._lock = threading.Lock()
        self._conn: Any = None
        try:
            import apsw
            import sqlite_vec  # type: ignore[import-untyped]
        except ImportError as exc:
            self.reason = f"vector search unavailable: {exc.name} is not installed"
            return
        self._serialize = sqlite_vec.serialize_float32
        conn = apsw.Connection(path)
        conn.enable_load_extension(True)
        conn.load_extension(sqlite_vec.loadable_path())
        conn.enable_load_extension(False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS vec_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        stored = _meta(conn, "dimensions")
        if stored is not None and int(stored) != self.dimensions:
            conn.close()
            raise DimensionMismatch(f"FATAL: vec_facts dimensionality mismatch: stored={stored} "
                                    f"configured={self.dimensions}. Re-index required.")
        conn.execute("INSERT OR IGNORE INTO vec_meta VALUES ('dimensions', ?), ('model', ?), ('seq', '0')",
                     (str(self.dimensions), embedder.name))
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS vec_facts USING vec0(embedding float[{self.dimensions}] "
                     "distance_metric=cosine)")
        # The same vectors by rowid, for MMR: vec0 answers `rowid IN (...)` with a full scan and one rowid at a time
        # slowly (0.2 ms at 100k facts); a sidecar made before this table is copied into it once.
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'vec_blobs'").fetchall():
            with conn:
                conn.execute("CREATE TABLE vec_blobs (rowid INTEGER PRIMARY KEY, embedding BLOB NOT NULL)")
                conn.execute("INSERT INTO vec_blobs SELECT rowid, embedding FROM vec_facts")
        self._conn = conn
        self.available = True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def catch_up(self, facts: sqlite3.Connection, limit: int | None = None) -> int:
        """Embed the facts written since the last call (rowid = facts.seq); returns how many were embedded. The
        first call on a large store is the backfill: progress goes to the node's log."""
        if not self.available:
            return 0
        done = 0
        with self._lock:
            watermark = int(_meta(self._conn, "seq") or 0)
            while limit is None or done < limit:
                rows = facts.execute(
                    "SELECT seq, entity, relation, value_type, value_v, confidence FROM facts WHERE seq > ? "
                    "ORDER BY seq LIMIT ?", (watermark, _BATCH)).fetchall()
                if not rows:
                    break
                live = [r for r in rows if r[5] > self.min_confidence]
                vectors = self.embedder.embed([unit_text(r[1], r[2], r[3], r[4]) for r in live]) if live else []
                with self._conn:
                    embedded = [(r[0], self._serialize(v)) for r, v in zip(live, vectors, strict=True)]
                    self._conn.executemany("INSERT OR REPLACE INTO vec_facts (rowid, embedding) VALUES (?, ?)",
                                           embedded)
                    self._conn.executemany("INSERT OR REPLACE INTO vec_blobs (rowid, embedding) VALUES (?, ?)",
                                           embedded)
                    watermark = rows[-1][0]
                    self._conn.execute("UPDATE vec_meta SET value = ? WHERE key = 'seq'", (str(watermark),))
                done += len(rows)
                if done >= 10 * _BATCH and done % (10 * _BATCH) < _BATCH:
                    log.info("vec_facts backfill: %d facts embedded so far (up to seq %d)", done, watermark)
        return done

    def size(self) -> int:
        if not self.available:
            return 0
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM vec_facts").fetchone()[0])

    def search(self, query: Sequence[float], k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest facts (seq, cosine similarity), nearest first, over every scope and garden."""
        if not self.available or k <= 0:
            return []
        with self._lock:
            rows = self._conn.execute("SELECT rowid, distance FROM vec_facts WHERE embedding MATCH ? AND k = ?",
                                      (self._serialize(list(query)), min(k, MAX_K))).fetchall()
        return [(int(seq), 1.0 - float(distance)) for seq, distance in rows]

    def blobs(self, seqs: Sequence[int]) -> dict[int, bytes]:
        """The stored vectors of these facts, as sqlite-vec float32 blobs (for MMR packing)."""
        if not self.available or not seqs:
            return {}
        out: dict[int, bytes] = {}
        with self._lock:
            for start in range(0, len(seqs), 500):
                chunk = tuple(seqs[start:start + 500])
                out.update((int(r), bytes(v)) for r, v in self._conn.execute(
                    f"SELECT rowid, embedding FROM vec_blobs WHERE rowid IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def vectors(self, seqs: Sequence[int]) -> dict[int, list[float]]:
        """The stored vectors of these facts (for MMR packing)."""
        if not self.available or not seqs:
            return {}
        marks = ",".join("?" * len(seqs))
        with self._lock:
            rows = self._conn.execute(f"SELECT rowid, vec_to_json(embedding) FROM vec_facts WHERE rowid IN ({marks})",
                                      tuple(seqs)).fetchall()
        return {int(seq): json.loads(text) for seq, text in rows}


def _meta(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM vec_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


class Cosines:
    """cos(a, b) between the stored vectors (sqlite-vec float32 blobs) of ``keys``, 0.0 when either has none, a row
    at a time for MMR packing (``row(b)``: the cosine of every key, in order, to ``b``; one vectorized pass).
    The arithmetic is sqlite-vec's scalar vec_distance_cosine, bit for bit: float32 products summed in order in
    float32, then 1 - dot / (sqrt(|a|^2) sqrt(|b|^2)) in double, rounded to float32; cos = 1 - that distance."""

    def __init__(self, keys: Sequence[int], blobs: Mapping[int, bytes]) -> None:
        self.keys = list(keys)
        self.where = {key: i for i, key in enumerate(self.keys)}
        present = [key for key in self.keys if key in blobs]
        self.has = np.array([key in blobs for key in self.keys], dtype=bool)
        self.index = {key: i for i, key in enumerate(present)}
        matrix = (np.frombuffer(b"".join(blobs[k] for k in present), dtype=np.float32).reshape(len(present), -1)
                  if present else np.zeros((0, 0), dtype=np.float32))
        self.columns = np.ascontiguousarray(matrix.T)  # one row a dimension: sums run along axis 0, in order
        self.roots = np.sqrt(_ordered_sum(self.columns * self.columns).astype(np.float64)) if present else None

    def row(self, b: int) -> Any:
        out = np.zeros(len(self.keys), dtype=np.float64)
        j = self.index.get(b)
        if j is None or self.roots is None:
            return out
        dot = _ordered_sum(self.columns * self.columns[:, j:j + 1]).astype(np.float64)
        distance = (1.0 - dot / (self.roots * self.roots[j])).astype(np.float32)
        out[self.has] = 1.0 - distance.astype(np.float64)
        return out

    def __call__(self, a: int, b: int) -> float:
        i = self.where.get(a)
        return 0.0 if i is None else float(self.row(b)[i])


def _ordered_sum(products: Any) -> Any:
    """Column sums accumulated top to bottom in float32 (numpy reduces a non-inner axis row by row, in order; along
    the inner axis it would sum pairwise)."""
    return np.add.reduce(products, axis=0, dtype=np.float32)
