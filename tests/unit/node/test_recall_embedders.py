"""Embedders and the vec_facts sidecar: the offline default, the Ollama and OpenAI-compatible providers against a fake
provider served on 127.0.0.1, Matryoshka truncation, and the dimension check at start."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from reference_node.recall.config import RecallConfig, from_environ
from reference_node.recall.embedders import HashedNgramEmbedder, OllamaEmbedder, OpenAIEmbedder
from reference_node.recall.vectors import Cosines, DimensionMismatch, VectorIndex

NATIVE = 768


class _Fake(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append((self.path, body))
        texts = body["input"]
        # text n points along axis n, with a small tail past dimension 64 that truncation drops
        vectors = [[3.0 if i == n else 0.5 if i >= 64 else 0.0 for i in range(NATIVE)] for n in range(len(texts))]
        if self.path == "/api/embed":
            answer: dict[str, Any] = {"embeddings": vectors}
        else:
            answer = {"data": [{"index": n, "embedding": v} for n, v in reversed(list(enumerate(vectors)))]}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _unit(v: list[float]) -> bool:
    return math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-9)


def test_hashed_embedder_is_deterministic_normalized_and_lexical() -> None:
    e = HashedNgramEmbedder(256)
    a, b, c = e.embed(["Ada wrote programs", "ada writes a program", "harbour lantern"])
    assert _unit(a) and _unit(b) and _unit(c) and len(a) == 256
    assert e.embed(["Ada wrote programs"])[0] == a
    def cos(x: list[float], y: list[float]) -> float:
        return sum(p * q for p, q in zip(x, y, strict=True))

    assert cos(a, b) > cos(a, c)
    assert _unit(e.embed([""])[0])


def test_ollama_provider_truncates_and_prefixes(provider: str) -> None:
    _Fake.seen.clear()
    config = from_environ({"STIGMEM_EMBED_PROVIDER": "ollama", "STIGMEM_EMBED_URL": provider,
                           "STIGMEM_EMBED_DIMENSIONS": "64"})
    assert (config.model, config.dimensions) == ("nomic-embed-text", 64)
    vectors = OllamaEmbedder(config).embed(["x", "y"], "query")
    assert len(vectors) == 2 and all(len(v) == 64 and _unit(v) for v in vectors)
    assert vectors[0][0] == 1.0 and vectors[1][1] == 1.0  # truncated to 64, then re-normalized
    path, body = _Fake.seen[-1]
    assert path == "/api/embed" and body["model"] == "nomic-embed-text"
    assert body["input"] == ["search_query: x", "search_query: y"]


def test_openai_provider_orders_by_index(provider: str) -> None:
    config = RecallConfig("openai", "text-embedding-3-small", 128, provider)
    first, second = OpenAIEmbedder(config).embed(["one", "two"])  # the fake answers in reverse index order
    assert first[0] > first[1] and second[1] > second[0] and len(first) == 128
    assert _Fake.seen[-1][0] == "/v1/embeddings" and _Fake.seen[-1][1]["dimensions"] == 128


def test_dimensions_below_the_floor_are_refused() -> None:
    for below in ("32", "63"):
        with pytest.raises(ValueError, match="embed_dimensions_below_floor"):
            from_environ({"STIGMEM_EMBED_DIMENSIONS": below})
    assert from_environ({"STIGMEM_EMBED_DIMENSIONS": "64"}).dimensions == 64  # the floor itself is allowed


def test_a_changed_dimension_is_fatal_at_start(tmp_path: Path) -> None:
    path = str(tmp_path / "n.db-vec")
    index = VectorIndex(path, HashedNgramEmbedder(256), 0.1)
    assert index.available
    index.close()
    with pytest.raises(DimensionMismatch, match="stored=256 configured=128"):
        VectorIndex(path, HashedNgramEmbedder(128), 0.1)
    with pytest.raises(DimensionMismatch, match="stored=256 configured=512"):
        VectorIndex(path, HashedNgramEmbedder(512), 0.1)


def test_pairwise_cosines_are_sqlite_vec_bit_for_bit(tmp_path: Path) -> None:
    """MMR's vectorized cosines equal sqlite-vec's vec_distance_cosine (as 1 - distance) exactly, so packing picks
    the same rows in the same order as one SQL statement per pick did."""
    embedder = HashedNgramEmbedder(256)
    index = VectorIndex(str(tmp_path / "n.db-vec"), embedder, 0.1)
    words = ("kilo", "lima", "mike", "kilo lima", "zulu", "harbour lantern", "quartz", "amber cobalt")
    texts = [f"alpha bravo {w} note {i}" for i, w in enumerate(words * 5)]
    blobs = {seq: index._serialize(v) for seq, v in enumerate(embedder.embed(texts), start=10)}
    cos = Cosines([*blobs, 99], blobs)
    assert index._conn is not None
    for b, vector in blobs.items():
        row = cos.row(b)
        for n, (a, other) in enumerate(blobs.items()):
            (distance,) = index._conn.execute("SELECT vec_distance_cosine(?, ?)", (other, vector)).fetchone()
            assert cos(a, b) == row[n] == 1.0 - float(distance)
        assert row[-1] == 0.0  # a key without a stored vector
    assert cos(10, 99) == 0.0 and list(cos.row(99)) == [0.0] * (len(texts) + 1)
    assert Cosines([1, 2], {}).row(1).tolist() == [0.0, 0.0]
    index.close()
