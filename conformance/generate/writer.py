"""Building vector files: id assignment, the self-describing header, canonical formatting.

Ids are ``<concept>-<operation>-<NNN>``, assigned in the order a generator module lists its cases.
Cases are only ever appended, never reordered or removed (a withdrawn case stays, with
``"retired": true``), so ids never move.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance import __version__

GENERATED_BY = f"conformance.generate (stigmem-conformance {__version__})"


@dataclass(frozen=True)
class Case:
    """One vector before its id is assigned."""

    description: str
    requirements: Sequence[str]
    input: Mapping[str, Any]
    expected: Mapping[str, Any]
    flags: Sequence[str] = ()
    interpretations: Mapping[str, str] | None = None
    display: Mapping[str, Any] | None = None
    retired: bool = False


@dataclass
class VectorFile:
    """A vector file under construction: ``vectors/<concept>/<operation>.json``."""

    concept: str
    operation: str
    description: str
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    source: Mapping[str, Any] | None = None
    cases: list[Case] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.concept}/{self.operation}.json"

    def add(self, case: Case) -> None:
        for flag in case.flags:
            if flag not in self.notes:
                raise ValueError(f"{self.path}: flag {flag!r} has no entry in notes")
        self.cases.append(case)

    def document(self) -> dict[str, Any]:
        vectors = []
        for n, case in enumerate(self.cases, start=1):
            v: dict[str, Any] = {
                "id": f"{self.concept.replace('_', '-')}-{self.operation.replace('_', '-')}-{n:03d}",
                "description": case.description,
                "requirements": list(case.requirements),
            }
            if case.flags:
                v["flags"] = list(case.flags)
            if case.interpretations:
                v["interpretations"] = dict(case.interpretations)
            v["input"] = dict(case.input)
            v["expected"] = dict(case.expected)
            if case.display:
                v["display"] = dict(case.display)
            if case.retired:
                v["retired"] = True
            vectors.append(v)
        doc: dict[str, Any] = {
            "schema": f"vectors/{self.concept}.json",
            "concept": self.concept,
            "operation": self.operation,
            "op": f"{self.concept}.{self.operation}",
            "description": self.description,
            "generated_by": GENERATED_BY,
        }
        if self.source:
            doc["source"] = dict(self.source)
        doc["count"] = len(vectors)
        doc["notes"] = self.notes
        doc["vectors"] = vectors
        return doc


def valid(**output: Any) -> dict[str, Any]:
    """Expected block for an accepted input with its exact output fields."""
    return {"outcome": "valid", **output}


def invalid(code: str) -> dict[str, Any]:
    """Expected block for a rejected input with its normative error code."""
    return {"outcome": "invalid", "error": code}


def acceptable(interpretation: str, *alternatives: Mapping[str, Any]) -> dict[str, Any]:
    """Expected block where the spec allows several results; ``interpretation`` names the register entry."""
    return {"outcome": "acceptable", "interpretation": interpretation, "any_of": [dict(a) for a in alternatives]}


def dumps(doc: Mapping[str, Any]) -> str:
    """The canonical text of a vector file (the drift check compares these bytes)."""
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
