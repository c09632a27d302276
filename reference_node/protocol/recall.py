"""Recall arithmetic: request limits, stage fusion, salience, token costs and packing (seed Architecture "Graph index
and recall pipeline"; Spec-X11-Recall-Graph / A20 §20.3; Spec-07).

Pure functions over plain numbers: the node's pipeline (``reference_node.recall``) feeds them authorized candidates
only (Spec-07: scope and garden ACL are filters, never score penalties), so nothing here can see a hidden fact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from reference_node.protocol.errors import ProtocolError

__all__ = [
    "CONTRADICTION_PENALTY",
    "DEFAULT_WEIGHTS",
    "MAX_RECALL_DEPTH",
    "QUARANTINE_TIER",
    "STAGES",
    "Candidate",
    "InvalidTokenBudget",
    "InvalidWeights",
    "RecallDepthExceeded",
    "RecallRefused",
    "Weights",
    "access_weight",
    "fuse",
    "graph_score",
    "min_max",
    "pack",
    "recency",
    "salience",
    "token_cost",
    "trust_factor",
    "validate_budget",
    "validate_depth",
    "validate_weights",
]

STAGES = ("lexical", "vector", "graph")
# Seed: "Stage weights default to {lexical: 0.30, vector: 0.50, graph: 0.20} and are caller-configurable."
DEFAULT_WEIGHTS: Mapping[str, float] = {"lexical": 0.30, "vector": 0.50, "graph": 0.20}
# A20 §20.3.2: weights sum to 1 within 0.001; depth at most 2.
WEIGHT_TOLERANCE = 0.001
MAX_RECALL_DEPTH = 2
# Seed salience table: contradiction penalty {0.7, 1.0}; garden tier, quarantine default 0.2.
CONTRADICTION_PENALTY = 0.7
QUARANTINE_TIER = 0.2
# A20 §20.3.4: token_cost(f) = 40 + ceil(len(value_text_utf8) / 4).
ROW_TOKENS = 40
BYTES_PER_TOKEN = 4


class RecallRefused(ProtocolError):
    """A recall or graph request outside the spec's limits (400, with the A20 §20.8 code)."""

    code = "invalid_parameter"
    requirement = "STG-REC-010"


class InvalidTokenBudget(RecallRefused):
    code = "invalid_token_budget"


class RecallDepthExceeded(RecallRefused):
    code = "recall_depth_exceeded"


class InvalidWeights(RecallRefused):
    code = "invalid_weights"


Weights = dict[str, float]
K = TypeVar("K", bound=Hashable)


def validate_budget(value: object) -> int:
    # STG-REC-010: token_budget is required, an integer >= 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidTokenBudget(f"token_budget must be an integer >= 1, got {value!r}")
    return value


def validate_depth(value: object, default: int = 1) -> int:
    if value is None:
        return default
    # STG-REC-010: recall depth is 0..2; above 2 is recall_depth_exceeded.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecallRefused(f"depth must be an integer >= 0, got {value!r}")
    if value > MAX_RECALL_DEPTH:
        raise RecallDepthExceeded(f"depth {value} exceeds {MAX_RECALL_DEPTH}")
    return value


def validate_weights(value: object) -> Weights:
    """The caller's weights: an object naming only the three stages, each a finite number >= 0, summing to 1."""
    if value is None:
        return dict(DEFAULT_WEIGHTS)
    # STG-REC-010: anything else is 400 invalid_weights.
    if not isinstance(value, Mapping) or not set(value) <= set(STAGES):
        raise InvalidWeights(f"weights name only {list(STAGES)}: {value!r}")
    weights: Weights = {}
    for stage in STAGES:
        w = value.get(stage, 0.0)
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            raise InvalidWeights(f"weight {stage} must be a finite number >= 0, got {w!r}")
        weights[stage] = float(w)
    # STG-REC-010: the weights sum to 1 within 0.001.
    if abs(sum(weights.values()) - 1.0) > WEIGHT_TOLERANCE:
        raise InvalidWeights(f"weights sum to {sum(weights.values())}, not 1 (+-0.001)")
    return weights


def min_max(scores: Mapping[K, float]) -> dict[K, float]:
    """Min-max normalization of one stage over its candidates (A20 §20.3.3); all equal -> 1.0 each
    (interpretation recall_min_max_ties)."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high == low:
        return dict.fromkeys(scores, 1.0)
    return {key: (s - low) / (high - low) for key, s in scores.items()}


def fuse(stages: Mapping[str, Mapping[K, float]], weights: Mapping[str, float]) -> dict[K, float]:
    """raw = a.norm(bm25) + b.norm(cos) + g.norm(graph); a stage that did not find a candidate counts 0."""
    normalized = {stage: min_max(stages.get(stage, {})) for stage in STAGES}
    keys = {key for stage in normalized.values() for key in stage}
    return {key: sum(weights[stage] * normalized[stage].get(key, 0.0) for stage in STAGES) for key in keys}


def graph_score(hops: int, edge_confidence: float, out_degree: int) -> float:
    """(1 / (1 + hops)) x edge.confidence / ln(1 + out_degree) (interpretation T-2: the natural log)."""
    return (1.0 / (1 + hops)) * edge_confidence / math.log(1 + max(1, out_degree))


def recency(age_days: float) -> float:
    """Seed: exp(-0.01 x age_days); a timestamp ahead of the clock counts as age 0."""
    return math.exp(-0.01 * max(0.0, age_days))


def access_weight(count: int, max_count: int) -> float:
    """log(1 + n) / log(1 + max_n) within the candidate set; 1.0 for all when none was ever returned
    (interpretation recall_access_weight)."""
    if max_count <= 0:
        return 1.0
    return math.log1p(count) / math.log1p(max_count)


def trust_factor(t: float | None) -> float:
    """Seed: 0.5 + 0.5 x t; 1.0 when trust is off (t None)."""
    return 1.0 if t is None else 0.5 + 0.5 * t


def salience(age_days: float, confidence: float, access: float, contradicted: bool, garden_tier: float) -> float:
    """recency x confidence x access frequency x contradiction weight x garden tier."""
    contradiction = CONTRADICTION_PENALTY if contradicted else 1.0
    return recency(age_days) * confidence * access * contradiction * garden_tier


def token_cost(value_text: str) -> int:
    # STG-REC-011: 40 + ceil(len(value_text_utf8) / 4).
    return ROW_TOKENS + -(-len(value_text.encode("utf-8")) // BYTES_PER_TOKEN)


@dataclass(frozen=True)
class Candidate:
    key: str
    score: float
    cost: int


def pack(candidates: Sequence[Candidate], budget: int, lambda_mmr: float | None,
         similarity: Callable[[str, str], float] | None = None,
         row: Callable[[str], Sequence[float]] | None = None) -> tuple[list[Candidate], int, bool]:
    """The results, the tokens they cost, and whether anything was left out for the budget.

    ``lambda_mmr`` None (entity-centric recall) sorts by score; else MMR picks argmax l.score - (1 - l).max cos(f,
    selected), the cosines given pairwise (``similarity(candidate key, selected key)``) or, faster, a row at a time
    (``row(selected key)``: the cosine of every candidate, in order). A candidate that does not fit is skipped, never
    cut (STG-REC-011: never exceed the budget, never a partial row); ties go to the earlier candidate in the given
    order. Each candidate's max cos to the selected rows is kept up to date as rows are selected, and packing ends
    once nothing left can fit. The arithmetic is elementwise IEEE double, as a loop over the candidates would be."""
    n = len(candidates)
    mmr = lambda_mmr is not None and (similarity is not None or row is not None)
    lam = float(lambda_mmr) if mmr else 1.0  # type: ignore[arg-type]
    scores = np.array([c.score for c in candidates], dtype=np.float64)
    costs = np.array([c.cost for c in candidates], dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    nearest = np.full(n, -np.inf)  # max similarity to the chosen rows
    chosen: list[Candidate] = []
    used, truncated = 0, False
    while alive.any():
        value = lam * scores - (1 - lam) * nearest if mmr and chosen else scores
        best = int(np.argmax(np.where(alive, value, -np.inf)))  # the first of equal values
        alive[best] = False
        pick = candidates[best]
        # STG-REC-011: the sum of token costs never exceeds token_budget.
        if used + pick.cost > budget:
            truncated = True
            continue
        chosen.append(pick)
        used += pick.cost
        # A row that no longer fits never will (used only grows): it is left out now, as it would be at its turn.
        fits = costs <= budget - used
        truncated = truncated or bool((alive & ~fits).any())
        alive &= fits
        if mmr and alive.any():
            if row is not None:
                cos = np.asarray(row(pick.key), dtype=np.float64)
            else:
                assert similarity is not None
                cos = np.array([similarity(c.key, pick.key) if alive[i] else -np.inf
                                for i, c in enumerate(candidates)], dtype=np.float64)
            nearest = np.where(alive, np.maximum(nearest, cos), nearest)
    return chosen, used, truncated
