"""Memory card contents: which facts, in which order, contradictions shown, the token bound (seed Architecture
"Memory cards"; A20 §20.4).

Pure: ``build`` gets the live facts of one cover (entity, scope, garden_id) and the unresolved conflicts among them,
already authorized and suppression-filtered by the caller (reference_node/recall/cards.py). A card never picks a
winner (STG-REC-015): both sides of a contradiction stay, each marked, and ``contradicted_count`` counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["CARD_RELATION", "CARD_SOURCE", "MAX_CARD_TOKENS", "MIN_EFFECTIVE_CONFIDENCE", "Card", "CardFact",
           "build", "effective_confidence", "text_tokens"]

CARD_RELATION = "stigmem:memory:card"
CARD_SOURCE = "system:stigmem:card-generator"
# A20 §20.4: live facts with effective confidence >= 0.3; at most 4000 tokens.
MIN_EFFECTIVE_CONFIDENCE = 0.3
MAX_CARD_TOKENS = 4000
BYTES_PER_TOKEN = 4


@dataclass(frozen=True)
class CardFact:
    id: str
    relation: str
    text: str
    confidence: float
    source_trust: float | None
    hlc: str


@dataclass(frozen=True)
class Card:
    entity: str
    scope: str
    garden_id: str | None
    markdown: str
    fact_ids: tuple[str, ...]  # in card order
    contradicted_ids: tuple[str, ...]  # in card order
    omitted: int
    tokens: int


def effective_confidence(fact: CardFact) -> float:
    """confidence x t (A20 19.4); the fact's own confidence when trust is off (t None)."""
    return fact.confidence if fact.source_trust is None else fact.confidence * fact.source_trust


def text_tokens(text: str) -> int:
    """Tokens of a card text: one per started 4 bytes of UTF-8 (the recall token rule without the row overhead)."""
    return -(-len(text.encode("utf-8")) // BYTES_PER_TOKEN)


def _line(fact: CardFact, contradicted: bool) -> str:
    mark = " **contradicted (unresolved)**" if contradicted else ""
    return f"- {fact.text} (confidence {effective_confidence(fact):.2f}){mark}\n"


def build(entity: str, scope: str, garden_id: str | None, facts: Sequence[CardFact],
          conflicts: Iterable[tuple[str, str]], max_tokens: int = MAX_CARD_TOKENS) -> Card:
    """The card of one cover from its live facts and the unresolved conflicts among them (pairs of fact ids)."""
    live = {f.id for f in facts}
    contradicted = {x for pair in conflicts if pair[0] in live and pair[1] in live for x in pair}
    # STG-REC-015 (A20 §20.4): live facts with effective confidence >= 0.3, sorted (relation ASC, hlc DESC).
    eligible = [f for f in facts if effective_confidence(f) >= MIN_EFFECTIVE_CONFIDENCE]
    ordered = sorted(sorted(eligible, key=lambda f: (f.hlc, f.id), reverse=True), key=lambda f: f.relation)
    # Over the token bound, the lowest effective confidence goes first (then the oldest, then the larger id).
    drop_order = sorted(ordered, key=lambda f: (effective_confidence(f), f.hlc, f.id))
    kept = list(ordered)
    omitted = 0
    while True:
        markdown = _render(entity, scope, garden_id, kept, contradicted, omitted)
        if text_tokens(markdown) <= max_tokens or not kept:
            break
        gone = drop_order[omitted]
        kept.remove(gone)
        omitted += 1
    return Card(entity, scope, garden_id, markdown, tuple(f.id for f in kept),
                tuple(f.id for f in kept if f.id in contradicted), omitted, text_tokens(markdown))


def _render(entity: str, scope: str, garden_id: str | None, kept: Sequence[CardFact], contradicted: set[str],
            omitted: int) -> str:
    shown = sum(1 for f in kept if f.id in contradicted)
    parts = [f"# {entity}\n", f"scope {scope} · garden {garden_id or 'none'} · {len(kept)} facts · "
                               f"{shown} contradicted\n"]
    relation = None
    for fact in kept:
        if fact.relation != relation:
            relation = fact.relation
            parts.append(f"\n## {relation}\n")
        parts.append(_line(fact, fact.id in contradicted))
    if omitted:
        parts.append(f"\n… {omitted} lower-confidence facts omitted\n")
    return "".join(parts)
