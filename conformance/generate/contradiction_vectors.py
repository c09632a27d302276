"""Contradiction vectors: ``vectors/contradictions/evaluate.json`` (STG-CONF-001..005, STG-CONF-010).

Fact sets in write order; expected conflicts, contradicted flags and preferred facts come from
``conformance.oracle.contradictions``; the Spec-15 cases (two values at two confidences,
at one confidence, an equal value from another source, a retraction) are also pinned by hand.
"""

from __future__ import annotations

from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import contradictions as oracle

E = "stigmem://example.org/user/alice"
T0 = 1746230400000
DEFAULTS = {"contradiction_rule": "s15", "value_equality": "canonical", "winner_rule": "s15"}

NOTES = {
    "Contradiction": {"description": "Same triple, different values, both confidences above zero.",
                      "effect": "Disagreement is hidden or invented.", "requirements": "STG-CONF-001"},
    "NoContradiction": {"description": "A pair that must not be a contradiction.",
                        "effect": "Spurious conflicts hide valid facts.", "requirements": "STG-CONF-001"},
    "Retraction": {"description": "A confidence-0 fact.", "effect": "Retractions are counted as conflicts.",
                   "requirements": "STG-CONF-010"},
    "Normalization": {"description": "Raw entity spellings of one entity.",
                      "effect": "Contradictions across spellings are missed.", "requirements": "STG-CONF-003"},
    "ValueEquality": {"description": "Values equal or different only by spelling or type.",
                      "effect": "Equal values conflict or different values do not.", "requirements": "STG-CONF-001"},
    "Ordering": {"description": "Which fact is preferred.", "effect": "Readers act on the losing fact.",
                 "requirements": "STG-CONF-005"},
    "Tie": {"description": "Equal confidence and HLC.", "effect": "A winner is picked silently.",
            "requirements": "STG-CONF-005"},
    "InvalidFact": {"description": "A fact in the set is malformed.", "effect": "Garbage takes part in ordering.",
                    "requirements": "STG-CONF-001"},
    "Duplicate": {"description": "The same fact (same id) arrives twice.",
                  "effect": "A second conflict record, or a winner listed twice.", "requirements": "STG-CONF-009"},
    "Cardinality": {"description": "Three or more facts on one triple: which pairs are recorded "
                                   "(interpretation conflict_cardinality).",
                    "effect": "Conflicts grow quadratically with siblings, or a disagreement goes unrecorded.",
                    "requirements": "STG-CONF-018"},
    "Upstream": {"description": "Expected value under contradiction_rule upstream.",
                 "effect": "Only informative for nodes using that option.", "requirements": "STG-CONF-001"},
}


def f(fid: str, value: Any, conf: float = 1.0, ms: int = 0, counter: int = 0, *, entity: str = E,
      relation: str = "memory:role", scope: str = "company", vtype: str = "string") -> dict[str, Any]:
    v = {"type": vtype} if vtype == "null" else {"type": vtype, "v": value}
    return {"id": fid, "entity": entity, "relation": relation, "value": v, "confidence": conf, "scope": scope,
            "hlc": f"{T0 + ms:013d}.{counter:03d}"}


CASES: list[tuple[str, list[dict[str, Any]], dict[str, str], tuple[str, ...], tuple[str, ...]]] = [
    ("Higher confidence wins a contradiction", [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1)], {},
     ("Contradiction", "Ordering"), ("STG-CONF-001", "STG-CONF-005")),
    ("Equal confidence prefers the later HLC", [f("a", "CEO", 0.9, 0), f("b", "CTO", 0.9, 1)], {},
     ("Contradiction", "Ordering"), ("STG-CONF-005",)),
    ("Equal confidence and HLC prefer both", [f("a", "CEO", 0.9, 0), f("b", "CTO", 0.9, 0)], {},
     ("Contradiction", "Tie"), ("STG-CONF-005",)),
    ("Equal value from another source is no contradiction", [f("a", "CEO", 1.0, 0), f("b", "CEO", 0.7, 1)], {},
     ("NoContradiction",), ("STG-CONF-001",)),
    ("Retraction of a fact is no contradiction", [f("a", "CEO", 1.0, 0), f("b", "CEO", 0.0, 1)], {},
     ("Retraction",), ("STG-CONF-010",)),
    ("Retraction with another value is no contradiction", [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.0, 1)], {},
     ("Retraction",), ("STG-CONF-010",)),
    ("Two retractions never contradict", [f("a", "CEO", 0.0, 0), f("b", "CTO", 0.0, 1)], {},
     ("Retraction",), ("STG-CONF-010",)),
    ("Different scopes never contradict", [f("a", "CEO", 1.0, 0), f("b", "CTO", 1.0, 1, scope="public")], {},
     ("NoContradiction",), ("STG-CONF-001",)),
    ("Different relations never contradict",
     [f("a", "CEO", 1.0, 0), f("b", "CTO", 1.0, 1, relation="memory:title")], {}, ("NoContradiction",),
     ("STG-CONF-001",)),
    ("Different entities never contradict",
     [f("a", "CEO", 1.0, 0), f("b", "CTO", 1.0, 1, entity="stigmem://example.org/user/bob")], {},
     ("NoContradiction",), ("STG-CONF-001",)),
    ("Raw spellings of one entity contradict",
     [f("a", "CEO", 1.0, 0, entity="stigmem://Example.ORG/User/Alice"), f("b", "CTO", 0.5, 1, entity=" " + E)],
     {"stigmem://Example.ORG/User/Alice": E, " " + E: E}, ("Normalization", "Contradiction"), ("STG-CONF-003",)),
    ("Three different values make three conflicts",
     [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1), f("c", "CFO", 0.6, 2)], {}, ("Contradiction",),
     ("STG-CONF-001",)),
    ("Two equal values among three make two conflicts",
     [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1), f("c", "CEO", 0.6, 2)], {}, ("Contradiction",),
     ("STG-CONF-001",)),
    ("Number 1 equals number 1.0", [f("a", 1, vtype="number"), f("b", 1.0, ms=1, vtype="number")], {},
     ("ValueEquality", "NoContradiction"), ("STG-CONF-001",)),
    ("Number 0.1+0.2 differs from 0.3",
     [f("a", 0.30000000000000004, vtype="number"), f("b", 0.3, ms=1, vtype="number")], {},
     ("ValueEquality", "Contradiction"), ("STG-CONF-001",)),
    ("String and text with the same characters differ",
     [f("a", "dark", vtype="string"), f("b", "dark", ms=1, vtype="text")], {}, ("ValueEquality", "Contradiction"),
     ("STG-CONF-001",)),
    ("Refs equal after normalization",
     [f("a", "stigmem://example.org/user/bob", vtype="ref"), f("b", "stigmem://Example.org/User/Bob", ms=1,
                                                              vtype="ref")],
     {"stigmem://Example.org/User/Bob": "stigmem://example.org/user/bob"}, ("ValueEquality", "NoContradiction"),
     ("STG-CONF-001", "STG-CONF-003")),
    ("Null equals null", [f("a", None, vtype="null"), f("b", None, ms=1, vtype="null")], {},
     ("ValueEquality", "NoContradiction"), ("STG-CONF-001",)),
    ("Null differs from the empty string", [f("a", None, vtype="null"), f("b", "", ms=1)], {},
     ("ValueEquality", "Contradiction"), ("STG-CONF-001",)),
    ("Boolean true contradicts false",
     [f("a", True, vtype="boolean"), f("b", False, ms=1, vtype="boolean")], {}, ("Contradiction",),
     ("STG-CONF-001",)),
    ("Datetimes spelled differently are compared exactly",
     [f("a", "2026-05-02T00:00:00Z", vtype="datetime"), f("b", "2026-05-02T02:00:00+02:00", ms=1,
                                                           vtype="datetime")], {},
     ("ValueEquality", "Contradiction"), ("STG-CONF-001",)),
    ("Trailing whitespace makes text values differ", [f("a", "note", vtype="text"), f("b", "note ", ms=1,
                                                                                      vtype="text")], {},
     ("ValueEquality", "Contradiction"), ("STG-CONF-001",)),
    ("Tiny positive confidence still contradicts", [f("a", "CEO", 1e-7, 0), f("b", "CTO", 1.0, 1)], {},
     ("Contradiction", "Ordering"), ("STG-CONF-001",)),
    ("Confidence 0.5 beside a retraction does not contradict", [f("a", "CEO", 0.5, 0), f("b", "CTO", 0.0, 1)], {},
     ("Retraction",), ("STG-CONF-010",)),
    ("Older higher-confidence fact beats a newer one", [f("a", "CEO", 0.95, 0), f("b", "CTO", 0.9, 500)], {},
     ("Ordering",), ("STG-CONF-005",)),
    ("A newer equal value joins the winning side",
     [f("a", "CEO", 0.9, 0), f("b", "CTO", 0.9, 1), f("c", "CEO", 0.9, 2)], {}, ("Ordering", "Contradiction"),
     ("STG-CONF-005",)),
    ("Retraction after a conflict leaves it in place",
     [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1), f("c", "CEO", 0.0, 2)], {}, ("Retraction", "Ordering"),
     ("STG-CONF-005", "STG-CONF-010")),
    ("HLC counter 10 beats counter 9", [f("a", "CEO", 0.9, 0, 9), f("b", "CTO", 0.9, 0, 10)], {},
     ("Ordering",), ("STG-CONF-005", "STG-HLC-002")),
    ("Without a contradiction the latest fact is preferred",
     [f("a", "CEO", 1.0, 0), f("b", "CEO", 1.0, 3), f("c", "CEO", 0.4, 9)], {}, ("NoContradiction", "Ordering"),
     ("STG-CONF-005",)),
    ("Retraction is preferred when it is the latest", [f("a", "CEO", 1.0, 0), f("b", "CEO", 0.0, 5)], {},
     ("Retraction", "Ordering"), ("STG-CONF-005", "STG-CONF-010")),
    ("Several triples evaluated independently",
     [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1), f("c", "dark", 1.0, 2, relation="memory:prefers"),
      f("d", "light", 1.0, 3, relation="memory:prefers", scope="local"), f("e", "CEO", 0.5, 4, scope="public")],
     {}, ("Contradiction", "NoContradiction"), ("STG-CONF-001", "STG-CONF-005")),
]

UPSTREAM = [
    ("Upstream flags equal values from two sources", [f("a", "CEO", 1.0, 0), f("b", "CEO", 0.7, 1)]),
    ("Upstream still ignores a retraction", [f("a", "CEO", 1.0, 0), f("b", "CEO", 0.0, 1)]),
]


def files() -> list[VectorFile]:
    vf = VectorFile("contradictions", "evaluate",
                    "Conflicts recorded, contradicted flags and preferred facts for a fact set.", NOTES)
    pinned = {
        "Higher confidence wins a contradiction": (["a", "b"], ["a"]),
        "Equal confidence prefers the later HLC": (["a", "b"], ["b"]),
        "Equal confidence and HLC prefer both": (["a", "b"], ["a", "b"]),
        "Equal value from another source is no contradiction": ([], ["b"]),
        "Retraction of a fact is no contradiction": ([], ["b"]),
    }
    split: list[tuple[str, list[dict[str, Any]], dict[str, str], tuple[str, ...], tuple[str, ...]]] = []
    for description, facts, norm, flags, reqs in CASES:
        result = oracle.evaluate(facts, norm, cardinality="pairwise")
        if description in pinned:
            contradicted, ids = pinned[description]
            assert result["contradicted"] == contradicted and result["winners"][0]["ids"] == ids, description
        # These cases were written under pairwise conflicts; where the default (winner) reading gives another
        # answer they keep pairwise and a winner twin is appended below, so no vector id moves.
        options = DEFAULTS
        if oracle.evaluate(facts, norm) != result:
            options = {**DEFAULTS, "conflict_cardinality": "pairwise"}
            split.append((description, facts, norm, flags, reqs))
        vf.add(Case(description, reqs, {"facts": facts}, valid(**result), flags, options))
    for description, facts in UPSTREAM:
        result = oracle.evaluate(facts, {}, rule="upstream")
        assert oracle.evaluate(facts, {}, rule="upstream", cardinality="pairwise") == result, description
        vf.add(Case(description, ("STG-CONF-001",), {"facts": facts}, valid(**result), ("Upstream",),
                    {"contradiction_rule": "upstream", "winner_rule": "s15"}))
    bad = [
        ("Malformed HLC in the set", [f("a", "CEO"), {**f("b", "CTO", ms=1), "hlc": "1.2.3"}], "hlc_malformed",
         "STG-HLC-013"),
        ("Entity with an empty authority", [f("a", "CEO", entity="stigmem:///user/alice")], "invalid_entity_uri",
         "STG-URI-006"),
        ("Confidence above one", [f("a", "CEO", 1.5)], "fact_invalid", "STG-FACT-001"),
        ("Unknown value type", [{**f("a", "CEO"), "value": {"type": "bytes", "v": "AA"}}], "value_invalid",
         "STG-VAL-001"),
        ("Unknown scope", [f("a", "CEO", scope="universe")], "fact_invalid", "STG-FACT-002"),
    ]
    for description, facts, code, req in bad:
        vf.add(Case(description, (req, "STG-CONF-001"), {"facts": facts}, invalid(code), ("InvalidFact",),
                    {"entity_empty_segments": "reject"} if code == "invalid_entity_uri" else None))
    # Appended for the mutant catalogue (tests/mutants): ids after this line are new.
    twice = [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1), f("a", "CEO", 1.0, 0)]
    result = oracle.evaluate(twice, {})
    assert result["conflicts"] == [["a", "b"]] and result["winners"][0]["ids"] == ["a"], result
    vf.add(Case("A fact ingested twice records one conflict and wins once", ("STG-CONF-009", "STG-CONF-005"),
                {"facts": twice}, valid(**result), ("Duplicate",), DEFAULTS))
    # Appended for the automatic mutation sweep (tests/mutants/sweep.py).
    for description, facts, flags, reqs in (
        ("A retraction written first does not contradict a later different value",
         [f("a", "CEO", 0.0, 0), f("b", "CTO", 0.9, 1)], ("Retraction",), ("STG-CONF-010",)),
        ("A duplicate in the middle does not stop later facts from contradicting",
         [f("a", "CEO", 1.0, 0), f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1)], ("Duplicate", "Contradiction"),
         ("STG-CONF-009", "STG-CONF-001")),
    ):
        vf.add(Case(description, reqs, {"facts": facts}, valid(**oracle.evaluate(facts, {})), flags, DEFAULTS))
    # Appended for the value_equality mutants of the automatic mutation sweep: ids after this line are new.
    raw = {**DEFAULTS, "value_equality": "raw"}
    lenient = {**DEFAULTS, "value_typing": "lenient"}
    bob, bob_raw = "stigmem://example.org/user/bob", "stigmem://Example.org/User/Bob"
    for description, facts, norm, options, contradiction in (
        ("Raw equality: number 1 differs from number 1.0",
         [f("a", 1, vtype="number"), f("b", 1.0, ms=1, vtype="number")], {}, raw, True),
        ("Raw equality: refs spelled differently differ",
         [f("a", bob, vtype="ref"), f("b", bob_raw, ms=1, vtype="ref")], {bob_raw: bob}, raw, True),
        ("Raw equality: identical strings are equal", [f("a", "CEO", 1.0, 0), f("b", "CEO", 0.7, 1)], {}, raw,
         False),
        ("Strings that normalize to one entity URI still differ",
         [f("a", "user:CEO", 1.0, 0), f("b", "user:ceo", 0.7, 1)], {}, DEFAULTS, True),
        ("Lenient typing: number-typed true is not the number 1",
         [f("a", True, vtype="number"), f("b", 1, ms=1, vtype="number")], {}, lenient, True),
        ("Lenient typing: object values with members in another order are equal",
         [f("a", {"title": "CEO", "since": 2024}), f("b", {"since": 2024, "title": "CEO"}, ms=1)], {}, lenient,
         False),
    ):
        result = oracle.evaluate(facts, norm, equality=options["value_equality"])
        assert bool(result["conflicts"]) == contradiction, description
        flags = ("ValueEquality", "Contradiction" if contradiction else "NoContradiction")
        vf.add(Case(description, ("STG-CONF-001",), {"facts": facts}, valid(**result), flags, options))
    # Raw equality compares v as sent, so member order counts (interpretation value_equality=raw).
    both = {**DEFAULTS, "value_typing": "lenient", "value_equality": "raw"}
    facts = [f("a", {"title": "CEO", "since": 2024}), f("b", {"since": 2024, "title": "CEO"}, ms=1)]
    result = oracle.evaluate(facts, {}, equality="raw")
    assert result["conflicts"] == [["a", "b"]], result
    vf.add(Case("Raw equality: object values with members in another order differ", ("STG-CONF-001",),
                {"facts": facts}, valid(**result), ("ValueEquality", "Contradiction"), both))
    # Appended for interpretation conflict_cardinality (issue 11): ids after this line are new. The winner twins of
    # the pairwise cases above, then sets where the two readings part.
    winner = {**DEFAULTS, "conflict_cardinality": "winner"}
    pairwise = {**DEFAULTS, "conflict_cardinality": "pairwise"}
    twins = {"Three different values make three conflicts": "Three different values make two conflicts, both "
             "with the winner",
             "Two equal values among three make two conflicts": "A third fact equal to the winner adds no conflict"}
    assert sorted(twins) == sorted(case[0] for case in split), [case[0] for case in split]
    for description, facts, norm, flags, reqs in split:
        result = oracle.evaluate(facts, norm)
        vf.add(Case(twins[description], (*reqs, "STG-CONF-018"), {"facts": facts}, valid(**result),
                    (*flags, "Cardinality"), winner))
    four = [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1), f("c", "CFO", 0.6, 2), f("d", "COO", 0.4, 3)]
    rising = [f("a", "CEO", 0.4, 0), f("b", "CTO", 0.6, 1), f("c", "CFO", 0.8, 2), f("d", "COO", 1.0, 3)]
    tied = [f("a", "CEO", 0.9, 0), f("b", "CTO", 0.9, 0), f("c", "CFO", 0.9, 0)]
    expired_top = [f("a", "CEO", 1.0, 0), f("b", "CEO", 0.0, 1), f("c", "CTO", 0.5, 2)]
    for description, facts, options, want in (
        ("Four values under a fixed winner make three conflicts, all with the winner", four, winner,
         [["a", "b"], ["a", "c"], ["a", "d"]]),
        ("Four values under pairwise conflicts make six conflicts", four, pairwise,
         [["a", "b"], ["a", "c"], ["a", "d"], ["b", "c"], ["b", "d"], ["c", "d"]]),
        ("Each new winner is paired with the winner it displaces", rising, winner,
         [["a", "b"], ["b", "c"], ["c", "d"]]),
        ("A new fact is paired with every fact tied at the top", tied, winner, [["a", "b"], ["a", "c"], ["b", "c"]]),
        ("A retraction is never the fact a new value is paired with", expired_top, winner, [["a", "c"]]),
    ):
        result = oracle.evaluate(facts, {}, cardinality=options["conflict_cardinality"])
        assert result["conflicts"] == want, (description, result)
        vf.add(Case(description, ("STG-CONF-018", "STG-CONF-001"), {"facts": facts}, valid(**result),
                    ("Contradiction", "Cardinality"), options))
    # Appended for blind round 3 (b3-conf-pair-confidence-only): the near miss of the tie above, equal confidence
    # but distinct HLCs, so the preferred fact is the latest alone (STG-CONF-005 order: confidence, then HLC).
    ladder = [f("a", "CEO", 0.9, 0), f("b", "CTO", 0.9, 1), f("c", "CFO", 0.9, 2), f("d", "COO", 0.9, 2, 1)]
    result = oracle.evaluate(ladder, {}, cardinality="winner")
    assert result["conflicts"] == [["a", "b"], ["b", "c"], ["c", "d"]], result
    vf.add(Case("Equal confidence, distinct HLCs: a new fact is paired with the latest fact only",
                ("STG-CONF-018", "STG-CONF-005"), {"facts": ladder}, valid(**result), ("Contradiction", "Cardinality"),
                winner))
    # Appended for blind round 1 (b1-conf-cross-scope): under pairwise conflicts every sibling is compared, so the
    # triple test itself decides; a fact in another scope of the same entity and relation must stay out of it.
    spread = [f("a", "CEO", 1.0, 0), f("b", "CTO", 0.8, 1), f("c", "CFO", 0.6, 2, scope="public"),
              f("d", "COO", 0.4, 3, scope="public")]
    for description, options, want in (
            ("Pairwise: facts of one entity and relation in two scopes conflict only within a scope", pairwise,
             [["a", "b"], ["c", "d"]]),
            ("Winner: facts of one entity and relation in two scopes conflict only within a scope", winner,
             [["a", "b"], ["c", "d"]])):
        result = oracle.evaluate(spread, {}, cardinality=options["conflict_cardinality"])
        assert result["conflicts"] == want, (description, result)
        vf.add(Case(description, ("STG-CONF-001", "STG-CONF-018"), {"facts": spread}, valid(**result),
                    ("NoContradiction", "Cardinality"), options))
    return [vf]
