"""An independent model of Spec-15 contradiction detection and query-time preference.

Entities and refs arrive with a hand-written normalization map, so this model needs no normalizer.
Options: ``contradiction_rule`` (s15 | upstream), ``value_equality`` (canonical), ``winner_rule`` (s15).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.oracle import hlc


def values_equal(a: Mapping[str, Any], b: Mapping[str, Any], norm: Mapping[str, str]) -> bool:
    if a["type"] != b["type"]:
        return False
    va, vb = a.get("v"), b.get("v")
    if a["type"] == "number":
        return float(va) == float(vb)  # type: ignore[arg-type]
    if a["type"] == "ref":
        return norm.get(va, va) == norm.get(vb, vb)  # type: ignore[arg-type]
    return bool(va == vb)


def evaluate(facts: list[dict[str, Any]], norm: Mapping[str, str], rule: str = "s15") -> dict[str, Any]:
    def triple(f: Mapping[str, Any]) -> tuple[str, str, str]:
        return norm.get(f["entity"], f["entity"]), f["relation"], f["scope"]

    # STG-CONF-009: a fact ingested twice (same id) takes part once.
    firsts: dict[str, dict[str, Any]] = {}
    for fact in facts:
        firsts.setdefault(fact["id"], fact)
    facts = list(firsts.values())
    conflicts: list[list[str]] = []
    for i, new in enumerate(facts):
        for old in facts[:i]:
            if triple(old) != triple(new) or old["confidence"] <= 0 or new["confidence"] <= 0:
                continue
            if rule == "s15" and values_equal(old["value"], new["value"], norm):
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
