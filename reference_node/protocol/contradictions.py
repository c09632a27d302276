"""Contradiction detection and query-time preference (Spec-15 §Contradiction, §Query-Time Resolution; A08 §3.3).

Requirements: STG-CONF-001 (the six conditions, interpretation ``contradiction_rule``), STG-CONF-003 (entities
normalized first), STG-CONF-005 (confidence, then HLC, ties all preferred; interpretation ``winner_rule``),
STG-CONF-009 (a fact ingested twice makes no second conflict), STG-CONF-010 (a retraction never contradicts),
STG-CONF-018 (which siblings a new fact is paired with, interpretation ``conflict_cardinality``: the triple's
preferred live fact by default, every differing live sibling with ``pairwise``). Conflict entities, their ids and
resolution facts are written by the storage layer, not here.

>>> a = {"id": "a", "entity": "user:x", "relation": "memory:role", "value": {"type": "string", "v": "CEO"},
...      "confidence": 1.0, "scope": "company", "hlc": "1746230400000.000"}
>>> evaluate([read_fact(a), read_fact({**a, "id": "b", "value": {"type": "string", "v": "CTO"},
...                                    "confidence": 0.8, "hlc": "1746230400000.001"})]).conflicts
[('a', 'b')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from reference_node.protocol import facts, hlc
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import FactInvalid
from reference_node.protocol.facts import FactOptions
from reference_node.protocol.values import ValueEquality, equal, validate

__all__ = [
    "ContradictionRules",
    "Evaluation",
    "Fact",
    "Winner",
    "contradicts",
    "evaluate",
    "paired_with",
    "read_fact",
]

ContradictionRule = Literal["s15", "upstream"]
WinnerRule = Literal["s15"]
Cardinality = Literal["winner", "pairwise"]

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Fact:
    """What contradiction detection reads from a stored fact (entity already normalized)."""

    id: str
    entity: str
    relation: str
    value: dict[str, Any] = field(hash=False)
    confidence: int | float
    scope: str
    hlc: hlc.Hlc

    @property
    def triple(self) -> Triple:
        return (self.entity, self.relation, self.scope)


@dataclass(frozen=True)
class ContradictionRules:
    """The interpretation options in force."""

    fact: FactOptions = field(default_factory=FactOptions)
    rule: ContradictionRule = "s15"
    equality: ValueEquality = "canonical"
    winner: WinnerRule = "s15"
    strict_hlc: bool = False
    cardinality: Cardinality = "winner"


@dataclass(frozen=True)
class Winner:
    entity: str
    relation: str
    scope: str
    ids: list[str]


@dataclass(frozen=True)
class Evaluation:
    conflicts: list[tuple[str, str]]
    contradicted: list[str]
    winners: list[Winner]


def read_fact(raw: object, rules: ContradictionRules | None = None) -> Fact:
    """Validate one ``{id, entity, relation, value, confidence, scope, hlc}`` record."""
    r = rules or ContradictionRules()
    if not isinstance(raw, Mapping):
        raise FactInvalid("a fact is a JSON object")
    fact_id = facts.field_of(raw, "id")
    if not isinstance(fact_id, str):
        raise FactInvalid("fact id must be a string")
    entity = facts.field_of(raw, "entity")
    if not isinstance(entity, str):
        raise FactInvalid("entity must be a string")
    return Fact(
        id=fact_id,
        # STG-CONF-003: entity normalization applies before contradiction detection.
        entity=normalize(entity, r.fact.uri),
        relation=facts.relation(facts.field_of(raw, "relation")),
        value=validate(facts.field_of(raw, "value"), typing=r.fact.value_typing, max_text_bytes=r.fact.max_text_bytes),
        confidence=facts.confidence(raw.get("confidence", facts.DEFAULT_CONFIDENCE)),
        scope=facts.scope(facts.field_of(raw, "scope")),
        hlc=hlc.parse(facts.field_of(raw, "hlc"), strict=r.strict_hlc),
    )


def contradicts(a: Fact, b: Fact, rules: ContradictionRules | None = None) -> bool:
    """STG-CONF-001: same entity, relation and scope, different values, both confidences above 0."""
    r = rules or ContradictionRules()
    if a.triple != b.triple:
        return False
    # STG-CONF-010: a retraction (confidence 0.0) is never a contradiction.
    if not (a.confidence > 0 and b.confidence > 0):
        return False
    if r.rule == "upstream":
        return True
    return not equal(a.value, b.value, equality=r.equality, uri_options=r.fact.uri)


def paired_with(siblings: Sequence[Fact], new: Fact, rules: ContradictionRules | None = None) -> list[Fact]:
    """STG-CONF-018: the earlier facts a new fact records a conflict with (``siblings`` excludes ``new``).

    ``winner``: only the triple's preferred live fact (highest confidence, then HLC; every fact tied on both), when
    it contradicts ``new``, so a write costs O(1) conflicts however many siblings the triple has. ``pairwise``:
    every live sibling that contradicts ``new``, n(n-1)/2 conflicts for n differing facts.
    """
    r = rules or ContradictionRules()
    if r.cardinality == "pairwise":
        return [s for s in siblings if contradicts(s, new, r)]
    live = [s for s in siblings if s.triple == new.triple and s.confidence > 0]
    if not live:
        return []
    best = max((s.confidence, s.hlc) for s in live)
    return [s for s in live if (s.confidence, s.hlc) == best and contradicts(s, new, r)]


def _preferred(group: Sequence[Fact], contradicted: set[str]) -> list[str]:
    in_conflict = [f for f in group if f.id in contradicted]
    if in_conflict:
        # STG-CONF-005: higher confidence, then higher HLC; facts tied on both are all preferred.
        best = max((f.confidence, f.hlc) for f in in_conflict)
        return sorted(f.id for f in in_conflict if (f.confidence, f.hlc) == best)
    # Spec-01: otherwise the latest fact (highest HLC) wins, a retraction included.
    latest = max(f.hlc for f in group)
    return sorted(f.id for f in group if f.hlc == latest)


def evaluate(written: Sequence[Fact], rules: ContradictionRules | None = None) -> Evaluation:
    """Conflicts recorded while writing ``written`` in order, the contradicted ids and each triple's winners."""
    seen: set[str] = set()
    live: list[Fact] = []
    conflicts: set[tuple[str, str]] = set()
    for fact in written:
        # STG-CONF-009: a fact ingested twice creates no second conflict record.
        if fact.id in seen:
            continue
        for sibling in paired_with(live, fact, rules):
            low, high = sorted((sibling.id, fact.id))
            conflicts.add((low, high))
        live.append(fact)
        seen.add(fact.id)
    contradicted = {fact_id for pair in conflicts for fact_id in pair}
    groups: dict[Triple, list[Fact]] = {}
    for fact in live:
        groups.setdefault(fact.triple, []).append(fact)
    winners = [Winner(*triple, _preferred(groups[triple], contradicted)) for triple in sorted(groups)]
    return Evaluation(sorted(conflicts), sorted(contradicted), winners)
