"""An independent model of Spec-15 contradiction detection and query-time preference.

Entities and refs arrive with a hand-written normalization map, so this model needs no normalizer.
Options: ``contradiction_rule`` (s15 | upstream), ``value_equality`` (canonical | raw), ``winner_rule`` (s15),
``conflict_cardinality`` (winner: a new fact is paired only with its triple's preferred live fact; pairwise: with
every differing live fact).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeGuard

from conformance.oracle import hlc, jcs


def _number(v: object) -> TypeGuard[int | float]:
    """A JSON number (a boolean is not one, whatever Python says)."""
    return isinstance(v, int | float) and not isinstance(v, bool)


def values_equal(a: Mapping[str, Any], b: Mapping[str, Any], norm: Mapping[str, str],
                 equality: str = "canonical") -> bool:
    """Interpretation value_equality (vectors/interpretations.json)."""
    if a["type"] != b["type"]:
        return False
    va, vb = a.get("v"), b.get("v")
    if equality == "raw":
        # raw: the JSON of v byte-identical as sent; the vector file spells v with json.dumps and is sent unchanged.
        return json.dumps(va, ensure_ascii=False) == json.dumps(vb, ensure_ascii=False)
    if equality != "canonical":
        raise ValueError(f"unknown value_equality option {equality!r}")
    # canonical: null equals null; numbers as IEEE doubles; refs after entity normalization; everything else
    # (strings, text, datetimes, and whatever v value_typing=lenient lets through) by its canonical JSON (RFC 8785),
    # so a v that is not a number is never compared as one and a string is never normalized as a ref.
    if a["type"] == "null":
        return True
    if a["type"] == "number" and _number(va) and _number(vb):
        return float(va) == float(vb)
    if a["type"] == "ref" and isinstance(va, str) and isinstance(vb, str):
        return norm.get(va, va) == norm.get(vb, vb)
    return jcs.dumps(va) == jcs.dumps(vb)


def evaluate(facts: list[dict[str, Any]], norm: Mapping[str, str], rule: str = "s15",
             equality: str = "canonical", cardinality: str = "winner") -> dict[str, Any]:
    def triple(f: Mapping[str, Any]) -> tuple[str, str, str]:
        return norm.get(f["entity"], f["entity"]), f["relation"], f["scope"]

    # STG-CONF-009: a fact ingested twice (same id) takes part once.
    firsts: dict[str, dict[str, Any]] = {}
    for fact in facts:
        firsts.setdefault(fact["id"], fact)
    facts = list(firsts.values())
    if cardinality not in ("winner", "pairwise"):
        raise ValueError(f"unknown conflict_cardinality option {cardinality!r}")
    conflicts: list[list[str]] = []
    for i, new in enumerate(facts):
        earlier = [old for old in facts[:i] if triple(old) == triple(new) and old["confidence"] > 0]
        if cardinality == "winner" and earlier:
            # Only the fact a query would prefer right now: top (confidence, HLC), ties all kept.
            rank = max((old["confidence"], hlc.parse(old["hlc"])) for old in earlier)
            earlier = [old for old in earlier if (old["confidence"], hlc.parse(old["hlc"])) == rank]
        for old in earlier:
            if new["confidence"] <= 0:
                continue
            if rule == "s15" and values_equal(old["value"], new["value"], norm, equality):
                continue
            conflicts.append(sorted([old["id"], new["id"]]))
    contradicted = sorted({i for pair in conflicts for i in pair})
    winners = []
    for key in sorted({triple(f) for f in facts}):
        group = [f for f in facts if triple(f) == key]
        in_conflict = [f for f in group if f["id"] in contradicted]
        if in_conflict:
            best = max((f["confidence"], hlc.parse(f["hlc"])) for f in in_conflict)
            ids = [f["id"] for f in in_conflict if (f["confidence"], hlc.parse(f["hlc"])) == best]
        else:
            latest = max(hlc.parse(f["hlc"]) for f in group)
            ids = [f["id"] for f in group if hlc.parse(f["hlc"]) == latest]
        winners.append({"entity": key[0], "relation": key[1], "scope": key[2], "ids": sorted(ids)})
    return {"conflicts": sorted(conflicts), "contradicted": contradicted, "winners": winners}
