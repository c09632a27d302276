"""How recall runs: the embedder, its dimensions, the embedding threshold and the card age (seed Architecture "Vector
embedding store", "Memory cards"; the migration guide's STIGMEM_EMBED_PROVIDER / _MODEL / _DIMENSIONS and
STIGMEM_CARD_MAX_AGE_S).

Read once from the environment by the command line (``from_environ``); the request path reads only this frozen
record. Providers: ``hashed`` (the offline default, no download: docs/recall.md says what it is worth), ``ollama``
(an Ollama-compatible endpoint, default model nomic-embed-text, 768 dimensions, Matryoshka-truncated to
STIGMEM_EMBED_DIMENSIONS) and ``openai`` (an OpenAI-compatible /v1/embeddings endpoint).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_RECALL", "MIN_DIMENSIONS", "PROVIDERS", "RecallConfig", "from_environ"]

PROVIDERS = ("hashed", "ollama", "openai")
# A20 §20.2: truncated dimensions have a floor of 64 (embed_dimensions_below_floor).
MIN_DIMENSIONS = 64
_DEFAULTS = {  # provider -> (model, dimensions, endpoint)
    "hashed": ("hashed-char-ngram-v1", 256, None),
    "ollama": ("nomic-embed-text", 768, "http://127.0.0.1:11434"),
    "openai": ("text-embedding-3-small", 1536, "https://api.openai.com"),
}


@dataclass(frozen=True)
class RecallConfig:
    provider: str = "hashed"
    model: str = "hashed-char-ngram-v1"
    dimensions: int = 256
    endpoint: str | None = None
    api_key: str | None = None
    # A20 §20.2: facts are embedded while confidence > STIGMEM_EMBED_MIN_CONFIDENCE (0.1).
    min_confidence: float = 0.1
    # Seed "Memory cards": STIGMEM_CARD_MAX_AGE_S, default 86400 s.
    card_max_age_s: float = 86_400.0
    timeout_s: float = 10.0


DEFAULT_RECALL = RecallConfig()


def from_environ(env: Mapping[str, str]) -> RecallConfig:
    """The configuration the STIGMEM_EMBED_* variables name; ValueError for a value the node cannot run with."""
    provider = env.get("STIGMEM_EMBED_PROVIDER", "hashed").strip().lower() or "hashed"
    if provider not in PROVIDERS:
        raise ValueError(f"STIGMEM_EMBED_PROVIDER is one of {', '.join(PROVIDERS)}, not {provider!r}")
    model, native, endpoint = _DEFAULTS[provider]
    raw = env.get("STIGMEM_EMBED_DIMENSIONS", "").strip()
    try:
        dimensions = int(raw) if raw else native
    except ValueError as exc:
        raise ValueError(f"STIGMEM_EMBED_DIMENSIONS is an integer, not {raw!r}") from exc
    if dimensions < MIN_DIMENSIONS:
        raise ValueError(f"embed_dimensions_below_floor: STIGMEM_EMBED_DIMENSIONS {dimensions} < {MIN_DIMENSIONS}")
    try:
        min_confidence = float(env.get("STIGMEM_EMBED_MIN_CONFIDENCE", "0.1"))
        card_age = float(env.get("STIGMEM_CARD_MAX_AGE_S", "86400"))
    except ValueError as exc:
        raise ValueError(f"STIGMEM_EMBED_MIN_CONFIDENCE and STIGMEM_CARD_MAX_AGE_S are numbers: {exc}") from exc
    return RecallConfig(provider, env.get("STIGMEM_EMBED_MODEL", "").strip() or model, dimensions,
                        env.get("STIGMEM_EMBED_URL", "").strip() or endpoint,
                        env.get("STIGMEM_EMBED_API_KEY") or None, min_confidence, card_age)
