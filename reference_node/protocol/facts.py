"""The asserted fact body of Spec-01 §Atomic Fact Shape, validated field by field (Spec-03; A08 §2.2, §5.1).

Requirements: STG-FACT-001 (confidence in [0, 1]), STG-FACT-002 (closed scope set), STG-FACT-007 (required fields,
confidence defaults to 1.0), STG-URI-001 and STG-CID-003 (entity and source normalized before use). Server-stamped
fields (id, timestamp, hlc) and everything outside the body are ignored here; storage and stamping live elsewhere.

>>> body({"entity": "User:Alice", "relation": "memory:role", "value": {"type": "string", "v": "CEO"},
...       "source": "agent:Bot", "scope": "company"}).confidence
1.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reference_node.protocol.entity_uri import DEFAULT_OPTIONS, NormalizeOptions, normalize
from reference_node.protocol.errors import FactInvalid
from reference_node.protocol.values import DEFAULT_MAX_TEXT_BYTES, ValueTyping, validate

__all__ = ["SCOPES", "FactBody", "FactOptions", "body", "confidence", "field_of", "relation", "scope"]

# Spec-01 §FactScope: local, team, company, public.
SCOPES = ("local", "team", "company", "public")
# A08 §5.1 / STG-FACT-007: confidence defaults to 1.0 when the client leaves it out.
DEFAULT_CONFIDENCE = 1.0


@dataclass(frozen=True)
class FactOptions:
    """Interpretation options that change how a fact body is read."""

    uri: NormalizeOptions = DEFAULT_OPTIONS
    value_typing: ValueTyping = "strict"
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES


@dataclass(frozen=True)
class FactBody:
    """The six CID-bearing fields in stored form, plus the value's ``interpret_as`` when it was sent."""

    entity: str
    relation: str
    value: dict[str, Any] = field(hash=False)
    source: str
    confidence: int | float
    scope: str


def field_of(fact: Mapping[str, Any], name: str) -> Any:
    """A required field; its absence is fact_invalid (STG-FACT-007)."""
    if name not in fact:
        raise FactInvalid(f"fact has no {name}", "STG-FACT-007")
    return fact[name]


def confidence(raw: object) -> int | float:
    """STG-FACT-001: confidence is a number in [0.0, 1.0]; a boolean is not a number."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise FactInvalid("confidence must be a number", "STG-FACT-001")
    # The range test comes first: math.isfinite(10**400) raises OverflowError (an int beyond any double).
    if not (0 <= raw <= 1 and math.isfinite(raw)):
        raise FactInvalid(f"confidence {str(raw)[:40]} is outside [0, 1]", "STG-FACT-001")
    return raw


def scope(raw: object) -> str:
    """STG-FACT-002: scope is one of local, team, company, public."""
    if not isinstance(raw, str) or raw not in SCOPES:
        raise FactInvalid(f"unknown scope {raw!r}", "STG-FACT-002")
    return raw


def relation(raw: object) -> str:
    """A relation is a string (its namespacing is lint's business, Spec-20)."""
    if not isinstance(raw, str):
        raise FactInvalid("relation must be a string", "STG-FACT-007")
    return raw


def _uri(fact: Mapping[str, Any], name: str, options: NormalizeOptions) -> str:
    raw = field_of(fact, name)
    if not isinstance(raw, str):
        raise FactInvalid(f"{name} must be a string", "STG-FACT-007")
    # STG-URI-001: entity and source are normalized before use.
    return normalize(raw, options)


def body(fact: object, options: FactOptions | None = None) -> FactBody:
    """Validate an asserted fact body; raises FactInvalid, InvalidEntityUri, ValueInvalid or ValueTooLarge."""
    opts = options or FactOptions()
    if not isinstance(fact, Mapping):
        raise FactInvalid("a fact is a JSON object")
    entity = _uri(fact, "entity", opts.uri)
    rel = relation(field_of(fact, "relation"))
    value = validate(field_of(fact, "value"), typing=opts.value_typing, max_text_bytes=opts.max_text_bytes)
    source = _uri(fact, "source", opts.uri)
    conf = confidence(fact.get("confidence", DEFAULT_CONFIDENCE))
    return FactBody(entity, rel, value, source, conf, scope(field_of(fact, "scope")))
