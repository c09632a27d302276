"""Embedders: text to an L2-normalized vector of a fixed dimension (seed Architecture "Vector embedding store").

``HashedNgramEmbedder`` is the offline default: signed feature hashing of the words and character trigrams of the
text. It needs no model and no network, and it is honest about what it is: a fuzzy lexical similarity (shared words,
shared spellings, inflections), with no knowledge of synonyms or meaning. ``OllamaEmbedder`` and
``OpenAIEmbedder`` call real models over HTTP behind the same interface; both truncate to the configured dimensions
(Matryoshka truncation for nomic-embed-text) and re-normalize.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from typing import Protocol

import httpx

from reference_node.recall.config import RecallConfig

__all__ = ["EmbedError", "Embedder", "HashedNgramEmbedder", "OllamaEmbedder", "OpenAIEmbedder", "make_embedder",
           "normalize"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_BATCH = 64


class EmbedError(RuntimeError):
    """The embedding provider did not answer with vectors of the expected shape."""


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: Sequence[str], kind: str = "document") -> list[list[float]]:
        """One unit vector per text; ``kind`` is ``document`` or ``query`` (some models prefix them)."""
        ...


def normalize(vector: Sequence[float], dimensions: int) -> list[float]:
    """The first ``dimensions`` components, scaled to length 1 (Matryoshka truncation, then L2)."""
    head = [float(x) for x in vector[:dimensions]]
    if len(head) != dimensions:
        raise EmbedError(f"the provider answered {len(vector)} dimensions, {dimensions} are configured")
    length = math.sqrt(sum(x * x for x in head))
    if not math.isfinite(length) or length == 0:
        raise EmbedError("the provider answered a zero or non-finite vector")
    return [x / length for x in head]


class HashedNgramEmbedder:
    """Signed feature hashing of words (weight 1) and character trigrams of ``#word#`` (weight 0.5)."""

    def __init__(self, dimensions: int = 256) -> None:
        self.dimensions = dimensions
        self.name = f"hashed-char-ngram-v1/{dimensions}"

    def _one(self, text: str) -> list[float]:
        vector = [0.0] * self.dimensions
        words = _WORD.findall(text.lower()) or ["\u2205"]
        for word in words:
            features = [(word, 1.0)]
            padded = f"#{word}#"
            features += [(padded[i:i + 3], 0.5) for i in range(max(1, len(padded) - 2))]
            for feature, weight in features:
                data = feature.encode("utf-8")
                h = zlib.crc32(data)
                sign = 1.0 if zlib.crc32(data, 0x9E3779B9) & 1 else -1.0
                vector[h % self.dimensions] += sign * weight
        if not any(vector):  # every feature cancelled out: a fixed direction, never a zero vector
            vector[0] = 1.0
        return normalize(vector, self.dimensions)

    def embed(self, texts: Sequence[str], kind: str = "document") -> list[list[float]]:
        return [self._one(text) for text in texts]


class OllamaEmbedder:
    """POST {endpoint}/api/embed {"model", "input": [...]} -> {"embeddings": [[...]]}; nomic models get their task
    prefixes (search_document: / search_query:)."""

    def __init__(self, config: RecallConfig, client: httpx.Client | None = None) -> None:
        self.dimensions = config.dimensions
        self.model = config.model
        self.name = f"ollama:{config.model}/{config.dimensions}"
        self._url = (config.endpoint or "http://127.0.0.1:11434").rstrip("/") + "/api/embed"
        self._client = client or httpx.Client(timeout=config.timeout_s)

    def embed(self, texts: Sequence[str], kind: str = "document") -> list[list[float]]:
        prefix = ("search_query: " if kind == "query" else "search_document: ") if "nomic" in self.model else ""
        out: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            batch = [prefix + t for t in texts[start:start + _BATCH]]
            try:
                answer = self._client.post(self._url, json={"model": self.model, "input": batch})
                answer.raise_for_status()
                vectors = answer.json()["embeddings"]
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                raise EmbedError(f"ollama embed failed: {exc}") from exc
            if not isinstance(vectors, list) or len(vectors) != len(batch):
                raise EmbedError(f"ollama answered {type(vectors).__name__} for {len(batch)} texts")
            out += [normalize(v, self.dimensions) for v in vectors]
        return out


class OpenAIEmbedder:
    """POST {endpoint}/v1/embeddings {"model", "input": [...], "dimensions"} -> {"data": [{"index", "embedding"}]}."""

    def __init__(self, config: RecallConfig, client: httpx.Client | None = None) -> None:
        self.dimensions = config.dimensions
        self.model = config.model
        self.name = f"openai:{config.model}/{config.dimensions}"
        self._url = (config.endpoint or "https://api.openai.com").rstrip("/") + "/v1/embeddings"
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._client = client or httpx.Client(timeout=config.timeout_s, headers=headers)

    def embed(self, texts: Sequence[str], kind: str = "document") -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            batch = list(texts[start:start + _BATCH])
            body = {"model": self.model, "input": batch, "dimensions": self.dimensions}
            try:
                answer = self._client.post(self._url, json=body)
                answer.raise_for_status()
                data = sorted(answer.json()["data"], key=lambda item: item["index"])
                vectors = [item["embedding"] for item in data]
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                raise EmbedError(f"openai embed failed: {exc}") from exc
            if len(vectors) != len(batch):
                raise EmbedError(f"the endpoint answered {len(vectors)} vectors for {len(batch)} texts")
            out += [normalize(v, self.dimensions) for v in vectors]
        return out


def make_embedder(config: RecallConfig) -> Embedder:
    if config.provider == "ollama":
        return OllamaEmbedder(config)
    if config.provider == "openai":
        return OpenAIEmbedder(config)
    return HashedNgramEmbedder(config.dimensions)
