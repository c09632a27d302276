"""What a change of reading or of vector set changes, for spec editors (``stigmem-conformance diff``).

Two interpretation sets: every input whose expected result differs between the two runs (the vectors that
apply under one set and not the other, matched by operation and input), plus the requirements they cite.
Two vector sets: every vector id whose expected result, input or requirements changed, was added or removed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conformance.catalog.interpretations import applies
from conformance.catalog.vectors import Vector


@dataclass
class Change:
    key: str
    requirements: tuple[str, ...]
    before: Any
    after: Any
    note: str


def _input_key(v: Vector) -> str:
    return v.op + " " + json.dumps(v.input, sort_keys=True, ensure_ascii=False)


def between_readings(vectors: Sequence[Vector], a: Mapping[str, str], b: Mapping[str, str]) -> list[Change]:
    """Inputs whose expected outcome differs under interpretation sets ``a`` and ``b``."""
    under_a = {_input_key(v): v for v in vectors if applies(v.interpretations, a)}
    under_b = {_input_key(v): v for v in vectors if applies(v.interpretations, b)}
    changes = []
    for key in sorted(set(under_a) | set(under_b)):
        va, vb = under_a.get(key), under_b.get(key)
        if va and vb and va.expected == vb.expected:
            continue
        reqs = tuple(sorted(set((va.requirements if va else ()) + (vb.requirements if vb else ()))))
        ident = " / ".join(v.id for v in (va, vb) if v)
        if va and vb:
            note = "expected result changes"
        elif va:
            note = "checked only under the first reading"
        else:
            note = "checked only under the second reading"
        changes.append(Change(ident, reqs, va.expected if va else None, vb.expected if vb else None, note))
    return changes


def between_sets(old: Sequence[Vector], new: Sequence[Vector]) -> list[Change]:
    """Vector ids whose content changed between two vector sets."""
    before = {v.id: v for v in old}
    after = {v.id: v for v in new}
    changes = []
    for vid in sorted(set(before) | set(after)):
        o, n = before.get(vid), after.get(vid)
        if o and n:
            fields = [f for f in ("expected", "input", "requirements", "interpretations", "retired")
                      if getattr(o, f) != getattr(n, f)]
            if fields:
                changes.append(Change(vid, n.requirements, o.expected, n.expected, "changed: " + ", ".join(fields)))
        elif n:
            changes.append(Change(vid, n.requirements, None, n.expected, "added"))
        elif o:
            changes.append(Change(vid, o.requirements, o.expected, None, "removed"))
    return changes


def render(changes: Sequence[Change]) -> str:
    if not changes:
        return "no vector changes its expected result"
    lines = [f"{len(changes)} vectors change:"]
    for c in changes:
        lines.append(f"- {c.key} [{' '.join(c.requirements)}] {c.note}: {_short(c.before)} -> {_short(c.after)}")
    reqs = sorted({r for c in changes for r in c.requirements})
    lines.append(f"{len(reqs)} requirements affected: {' '.join(reqs)}")
    return "\n".join(lines)


def _short(expected: Any) -> str:
    if expected is None:
        return "(not checked)"
    text = json.dumps(expected, ensure_ascii=False)
    return text if len(text) <= 90 else text[:87] + "..."
