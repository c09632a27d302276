"""Recall vectors: ``vectors/recall/{fuse,salience,pack,neighbors,card}.json`` (STG-REC-010/011/012/015/022).

The pure parts of recall with fixed inputs: fusion of given stage scores, salience of given signals, token costs and
packing at the budget edge (the embedding stage fed fixed unit vectors for MMR), neighbour walks on fixed graphs,
and which facts a memory card carries. Real numbers are nine-place decimal strings. Where a case states its answer
by hand, the generator asks ``conformance.oracle.recall`` too and refuses to write a file where the two disagree.
"""

from __future__ import annotations

from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import recall as oracle

SOURCE = {"name": "seed Architecture \"Graph index and recall pipeline\", \"Memory cards\"; A20 §20.1.5, §20.3-§20.4",
          "worked_by": "hand, checked by conformance.oracle.recall"}
DEFAULT = {"lexical": 0.3, "vector": 0.5, "graph": 0.2}
TIES = {"recall_min_max_ties": "one"}
ACCESS = {"recall_access_weight": "one-when-none"}
BOTH = {"graph_direction": "both"}


def _d(x: float) -> str:
    return f"{x:.9f}"


def _check(path: str, description: str, hand: dict[str, Any], got: dict[str, Any]) -> None:
    for name, value in hand.items():
        if got.get(name) != value:
            raise ValueError(f"{path} {description!r}: {name} by hand {value!r}, the oracle {got.get(name)!r}")


def _fuse_file() -> VectorFile:
    vf = VectorFile("recall", "fuse", "Stage fusion: per-stage min-max normalization and the weighted sum raw = "
                    "a.norm(bm25) + b.norm(cos) + g.norm(graph); weights validated.", {
                        "MinMax": {"description": "norm(s) = (s - min) / (max - min) over one stage's candidates.",
                                   "effect": "Stage scores on raw scales swamp each other.",
                                   "requirements": "STG-REC-010"},
                        "Ties": {"description": "A stage whose candidates all score alike normalizes each to 1.0.",
                                 "effect": "A single lexical hit counts 0 (or divides by zero).",
                                 "requirements": "STG-REC-010"},
                        "Missing": {"description": "A stage that did not find a candidate adds 0 for it.",
                                    "effect": "Candidates of one stage rank above those found by two.",
                                    "requirements": "STG-REC-010"},
                        "Weights": {"description": "Weights name only lexical, vector and graph, are finite and "
                                    ">= 0, and sum to 1 within 0.001; else invalid_weights.",
                                    "effect": "A caller skews fusion past the spec's bounds.",
                                    "requirements": "STG-REC-010"}}, SOURCE)
    three = {"lexical": {"a": 2.0, "b": 1.0, "c": 0.0}, "vector": {"a": 0.9, "b": 0.5}, "graph": {"c": 0.4}}
    cases: list[tuple[str, str, dict[str, Any], dict[str, str] | None, dict[str, Any]]] = [
        ("Default weights over three stages: a 0.8, b 0.15, c 0.2", "MinMax Missing Ties", {"stages": three},
         TIES, {"a": "0.800000000", "b": "0.150000000", "c": "0.200000000"}),
        ("Two lexical candidates with equal scores both normalize to 1.0", "Ties", {"stages": {"lexical": {
            "a": 3.0, "b": 3.0}}}, TIES, {"a": "0.300000000", "b": "0.300000000"}),
        ("Only the vector stage found anything: the others add 0", "MinMax Missing",
         {"stages": {"vector": {"a": 0.8, "b": 0.2, "c": 0.5}}}, None,
         {"a": "0.500000000", "b": "0.000000000", "c": "0.250000000"}),
        ("Caller weights lexical 1: raw is the normalized lexical score", "MinMax Weights",
         {"stages": three, "weights": {"lexical": 1.0, "vector": 0.0, "graph": 0.0}}, TIES,
         {"a": "1.000000000", "b": "0.500000000", "c": "0.000000000"}),
        ("Weights summing to 1.0005 (within 0.001) are accepted", "Weights",
         {"stages": {"lexical": {"a": 1.0, "b": 0.0}}, "weights": {"lexical": 0.3005, "vector": 0.5, "graph": 0.2}},
         None, {"a": "0.300500000", "b": "0.000000000"}),
        ("No candidate in any stage: nothing to fuse", "Missing", {"stages": {}}, None, {}),
    ]
    for description, flags, inp, interp, hand in cases:
        weights = inp.get("weights", DEFAULT)
        raw = {k: _d(v) for k, v in oracle.fuse(inp["stages"], weights).items()}
        _check(vf.path, description, hand, raw)
        if set(raw) != set(hand):
            raise ValueError(f"{vf.path} {description!r}: candidates {sorted(raw)} vs {sorted(hand)}")
        normalized = {name: {k: _d(v) for k, v in sorted(oracle.min_max(inp["stages"].get(name, {})).items())}
                      for name in ("lexical", "vector", "graph")}
        vf.add(Case(description, ("STG-REC-010",), inp, valid(raw=raw, normalized=normalized), tuple(flags.split()),
                    interp))
    for description, weights in (("Weights 0.3, 0.5, 0.3 sum to 1.1: invalid_weights",
                                  {"lexical": 0.3, "vector": 0.5, "graph": 0.3}),
                                 ("A negative weight: invalid_weights", {"lexical": 1.2, "vector": -0.2, "graph": 0.0}),
                                 ("A stage the spec does not name: invalid_weights",
                                  {"lexical": 0.5, "semantic": 0.5})):
        vf.add(Case(description, ("STG-REC-010",), {"stages": three, "weights": weights}, invalid("invalid_weights"),
                    ("Weights",)))
    return vf


def _salience_file() -> VectorFile:
    vf = VectorFile("recall", "salience", "Salience = recency x confidence x access x contradiction x garden tier; "
                    "score = raw x salience x (0.5 + 0.5 t); graph_score = (1 / (1 + hops)) x confidence / "
                    "ln(1 + out_degree).", {
                        "Recency": {"description": "exp(-0.01 x age_days).", "effect": "Old facts outrank new ones.",
                                    "requirements": "STG-REC-010"},
                        "Access": {"description": "log(1 + n) / log(1 + max_n) in the candidate set; 1.0 when no "
                                   "candidate was ever returned.", "effect": "Never-returned facts score 0.",
                                   "requirements": "STG-REC-010"},
                        "Contradiction": {"description": "0.7 for a fact with an unresolved contradiction.",
                                          "effect": "Contested facts rank as settled ones.",
                                          "requirements": "STG-REC-010"},
                        "Tier": {"description": "The garden tier multiplies salience (quarantine 0.2).",
                                 "effect": "Quarantined facts rank as trusted ones.", "requirements": "STG-REC-007"},
                        "Trust": {"description": "0.5 + 0.5 t; 1.0 when trust is off (t null).",
                                  "effect": "Federated facts rank on the wrong scale.",
                                  "requirements": "STG-REC-010"},
                        "Graph": {"description": "graph_score with the natural log (register T-2).",
                                  "effect": "Hub neighbours outrank direct ones.", "requirements": "STG-REC-010"}},
                    SOURCE)
    base: dict[str, Any] = {"age_days": 0.0, "confidence": 1.0, "access_count": 0, "max_access_count": 0,
                            "contradicted": False, "garden_tier": 1.0, "source_trust": None, "raw": 1.0}
    cases: list[tuple[str, str, dict[str, Any], dict[str, str] | None, dict[str, str]]] = [
        ("Everything neutral: salience 1, score = raw", "Recency Access Trust", {}, ACCESS,
         {"salience": "1.000000000", "score": "1.000000000", "trust_multiplier": "1.000000000"}),
        ("100 days old, confidence 0.5: exp(-1) x 0.5", "Recency", {"age_days": 100.0, "confidence": 0.5}, ACCESS,
         {"recency": "0.367879441", "salience": "0.183939721"}),
        ("An unresolved contradiction weighs 0.7", "Contradiction", {"contradicted": True}, ACCESS,
         {"salience": "0.700000000"}),
        ("Quarantine tier 0.2, contradicted, confidence 0.5: 0.07", "Tier Contradiction",
         {"garden_tier": 0.2, "contradicted": True, "confidence": 0.5}, ACCESS, {"salience": "0.070000000"}),
        ("Returned 3 times where the most returned was 7: log 4 / log 8 = 2/3", "Access",
         {"access_count": 3, "max_access_count": 7}, None, {"access": "0.666666667", "salience": "0.666666667"}),
        ("Never returned while another was returned 5 times: access 0", "Access",
         {"access_count": 0, "max_access_count": 5}, None, {"access": "0.000000000", "score": "0.000000000"}),
        ("Source trust 0.6: multiplier 0.8, raw 0.5 scores 0.4", "Trust", {"source_trust": 0.6, "raw": 0.5}, ACCESS,
         {"trust_multiplier": "0.800000000", "score": "0.400000000"}),
        ("Source trust 0: multiplier 0.5", "Trust", {"source_trust": 0.0}, ACCESS, {"trust_multiplier": "0.500000000"}),
        ("Graph score one hop, confidence 1, out-degree 1: 0.5 / ln 2", "Graph",
         {"graph": {"hops": 1, "confidence": 1.0, "out_degree": 1}}, ACCESS, {"graph_score": "0.721347520"}),
        ("Graph score two hops, confidence 0.5, out-degree 3: (1/3) x 0.5 / ln 4", "Graph",
         {"graph": {"hops": 2, "confidence": 0.5, "out_degree": 3}}, ACCESS, {"graph_score": "0.120224587"}),
    ]
    for description, flags, more, interp, hand in cases:
        inp = {**base, **more}
        sal = oracle.salience(inp["age_days"], inp["confidence"], inp["access_count"], inp["max_access_count"],
                              inp["contradicted"], inp["garden_tier"])
        got = {"recency": _d(oracle.recency(inp["age_days"])),
               "access": _d(oracle.access(inp["access_count"], inp["max_access_count"])), "salience": _d(sal),
               "trust_multiplier": _d(oracle.trust_multiplier(inp["source_trust"])),
               "score": _d(inp["raw"] * sal * oracle.trust_multiplier(inp["source_trust"]))}
        if "graph" in inp:
            g = inp["graph"]
            got["graph_score"] = _d(oracle.graph_score(g["hops"], g["confidence"], g["out_degree"]))
        _check(vf.path, description, hand, got)
        vf.add(Case(description, ("STG-REC-010",), inp, valid(**got), tuple(flags.split()), interp))
    return vf


def _c(key: str, score: float, value: str) -> dict[str, Any]:
    return {"id": key, "score": score, "value": value}


def _pack_file() -> VectorFile:
    vf = VectorFile("recall", "pack", "Token costs (40 + ceil(UTF-8 bytes / 4)) and packing within token_budget: by "
                    "score, or MMR argmax l.score - (1 - l).max cos(f, selected) over fixed unit vectors.", {
                        "Cost": {"description": "token_cost = 40 + ceil(len(value_text_utf8) / 4): CEO is 41, the "
                                 "empty text 40, five bytes 42, a 3-byte character 41.",
                                 "effect": "Budgets are overrun or underused.", "requirements": "STG-REC-011"},
                        "Edge": {"description": "A budget that fits exactly is used whole; one token less leaves "
                                 "the row out (never a partial row).", "effect": "Budgets are exceeded by one row.",
                                 "requirements": "STG-REC-011"},
                        "Nothing": {"description": "Nothing fits: results [], tokens_used 0, truncated true.",
                                    "effect": "A 400 or an overrun instead of an empty answer.",
                                    "requirements": "STG-REC-011"},
                        "Skip": {"description": "A row that does not fit is left out and packing goes on with the "
                                 "next (interpretation recall_pack_skip).", "effect": "One large row empties the "
                                 "answer.", "requirements": "STG-REC-011"},
                        "MMR": {"description": "MMR with lambda 0.7 over fixed vectors prefers a distinct row to a "
                                "near duplicate; lambda null (entity-centric) sorts by score.",
                                "effect": "The budget fills with duplicates.", "requirements": "STG-REC-008"},
                        "Budget": {"description": "token_budget is an integer >= 1, else invalid_token_budget.",
                                   "effect": "A zero budget answers 200.", "requirements": "STG-REC-010"}}, SOURCE)
    costs = [_c("empty", 0.9, ""), _c("ceo", 0.8, "CEO"), _c("four", 0.7, "abcd"), _c("five", 0.6, "abcde"),
             _c("euro", 0.5, "€"), _c("accents", 0.4, "éé"), _c("emoji", 0.3, "\U0001f600x")]
    two = [_c("b", 0.9, "abcde"), _c("a", 0.5, "CEO")]
    skip = [_c("big", 0.9, "x" * 240), _c("s1", 0.5, "one"), _c("s2", 0.4, "two")]
    dup = [_c("a", 1.0, "alpha"), _c("b", 0.9, "alpha again"), _c("c", 0.5, "gamma")]
    vectors = {"a": [1.0, 0.0], "b": [1.0, 0.0], "c": [0.0, 1.0]}
    cases: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
        ("Token costs of seven texts, all packed", "STG-REC-011", "Cost",
         {"candidates": costs, "token_budget": 10_000},
         {"token_costs": [40, 41, 41, 42, 41, 41, 42], "tokens_used": 288, "truncated": False}),
        ("One 41-token row under budget 40: nothing fits", "STG-REC-011", "Nothing Edge",
         {"candidates": [_c("ceo", 1.0, "CEO")], "token_budget": 40}, {"results": [], "tokens_used": 0,
                                                                       "truncated": True}),
        ("One 41-token row under budget 41: exactly fits", "STG-REC-011", "Edge",
         {"candidates": [_c("ceo", 1.0, "CEO")], "token_budget": 41}, {"results": ["ceo"], "tokens_used": 41,
                                                                       "truncated": False}),
        ("Two rows (42 + 41) under budget 83: both", "STG-REC-011", "Edge", {"candidates": two, "token_budget": 83},
         {"results": ["b", "a"], "tokens_used": 83, "truncated": False}),
        ("Two rows (42 + 41) under budget 82: one token short, the second is left out", "STG-REC-011", "Edge",
         {"candidates": two, "token_budget": 82}, {"results": ["b"], "tokens_used": 42, "truncated": True}),
        ("A 100-token best row under budget 90 is skipped; the smaller ones are packed", "STG-REC-011", "Skip",
         {"candidates": skip, "token_budget": 90}, {"results": ["s1", "s2"], "tokens_used": 82, "truncated": True}),
        ("MMR lambda 0.7: the distinct row comes before the near duplicate", "STG-REC-008 STG-REC-011", "MMR",
         {"candidates": dup, "token_budget": 1000, "lambda_mmr": 0.7, "vectors": vectors},
         {"results": ["a", "c", "b"], "truncated": False}),
        ("Entity-centric (lambda null): by score alone", "STG-REC-008 STG-REC-011", "MMR",
         {"candidates": dup, "token_budget": 1000, "lambda_mmr": None, "vectors": vectors},
         {"results": ["a", "b", "c"], "truncated": False}),
        ("Equal scores keep the given order", "STG-REC-011", "Edge",
         {"candidates": [_c("x", 0.5, "same"), _c("y", 0.5, "same"), _c("z", 0.5, "same")], "token_budget": 82},
         {"results": ["x", "y"], "tokens_used": 82, "truncated": True}),
    ]
    for description, reqs, flags, inp, hand in cases:
        lam = inp.get("lambda_mmr")
        ids, used, truncated = oracle.pack([(c["id"], c["score"], c["value"]) for c in inp["candidates"]],
                                           inp["token_budget"], lam, inp.get("vectors"))
        got = {"token_costs": [oracle.token_cost(c["value"]) for c in inp["candidates"]], "results": ids,
               "tokens_used": used, "truncated": truncated}
        _check(vf.path, description, hand, got)
        vf.add(Case(description, tuple(reqs.split()), inp, valid(**got), tuple(flags.split()),
                    {"recall_pack_skip": "skip"} if "Skip" in flags else None))
    for description, budget in (("token_budget 0: invalid_token_budget", 0), ("token_budget -5", -5),
                                ("token_budget true (a boolean)", True)):
        vf.add(Case(description, ("STG-REC-010",), {"candidates": two, "token_budget": budget},
                    invalid("invalid_token_budget"), ("Budget",)))
    return vf


def _e(a: str, b: str, relation: str = "rel:link", confidence: float = 1.0) -> dict[str, Any]:
    return {"subject": a, "relation": relation, "object": b, "confidence": confidence}


def _neighbors_file() -> VectorFile:
    vf = VectorFile("recall", "neighbors", "Neighbour walks over fixed graphs: each entity once at its fewest hops, "
                    "sorted by (hops, entity); edges walked both ways; pruning before the walk.", {
                        "Depth": {"description": "Depth 1-3 (default 1); 4 is graph_depth_exceeded.",
                                  "effect": "Unbounded walks.", "requirements": "STG-REC-012"},
                        "Cycle": {"description": "A cycle a-b-c-a neither repeats an entity nor returns the start.",
                                  "effect": "Walks loop or list the start.", "requirements": "STG-REC-012"},
                        "Shortest": {"description": "Duplicate paths are deduplicated, keeping the shortest.",
                                     "effect": "An entity is listed twice or at a longer distance.",
                                     "requirements": "STG-REC-012"},
                        "Direction": {"description": "An edge is a hop from either end (interpretation "
                                      "graph_direction = both).", "effect": "Incoming edges are invisible.",
                                      "requirements": "STG-REC-012"},
                        "Filter": {"description": "relation_filter: exact relations or prefix globs ending in *; a "
                                   "regex is invalid_relation_filter; min_confidence (0.1) prunes edges.",
                                   "effect": "Filters are regexes or ignored.", "requirements": "STG-REC-012"}},
                    SOURCE)
    cycle = [_e("a", "b"), _e("b", "c"), _e("c", "a"), _e("c", "d"), _e("d", "e")]
    diamond = [_e("a", "b"), _e("b", "d"), _e("a", "c"), _e("c", "d"), _e("d", "e"), _e("a", "d")]
    mixed = [_e("a", "b", "rel:link"), _e("a", "c", "rel:other"), _e("a", "d", "memo:link"),
             _e("a", "f", "rel:link", 0.05), _e("a", "a")]
    cases: list[tuple[str, str, dict[str, Any], dict[str, int]]] = [
        ("Cycle, depth 1 (the default)", "Depth Cycle", {"start": "a", "edges": cycle}, {"b": 1, "c": 1}),
        ("Cycle, depth 2", "Depth Cycle", {"start": "a", "edges": cycle, "depth": 2}, {"b": 1, "c": 1, "d": 2}),
        ("Cycle, depth 3", "Depth Cycle", {"start": "a", "edges": cycle, "depth": 3},
         {"b": 1, "c": 1, "d": 2, "e": 3}),
        ("From the tail end, against the edge direction", "Direction", {"start": "e", "edges": cycle, "depth": 2},
         {"d": 1, "c": 2}),
        ("A diamond with a shortcut: d once, at 1 hop", "Shortest", {"start": "a", "edges": diamond, "depth": 2},
         {"b": 1, "c": 1, "d": 1, "e": 2}),
        ("A self-loop, an edge under min_confidence, and relations of all kinds", "Filter Cycle",
         {"start": "a", "edges": mixed}, {"b": 1, "c": 1, "d": 1}),
        ("Prefix glob rel:*", "Filter", {"start": "a", "edges": mixed, "relation_filter": "rel:*"}, {"b": 1, "c": 1}),
        ("Exact relation and a glob: rel:other,memo:*", "Filter",
         {"start": "a", "edges": mixed, "relation_filter": "rel:other,memo:*"}, {"c": 1, "d": 1}),
        ("min_confidence 0 keeps the weak edge", "Filter", {"start": "a", "edges": mixed, "min_confidence": 0.0},
         {"b": 1, "c": 1, "d": 1, "f": 1}),
        ("An entity with no edges has no neighbours", "Depth", {"start": "z", "edges": cycle, "depth": 3}, {}),
    ]
    for description, flags, inp, hand in cases:
        kept = [e for e in inp["edges"] if e["confidence"] >= inp.get("min_confidence", 0.1)
                and _matches(e["relation"], inp.get("relation_filter"))]
        found = oracle.neighbors(inp["start"], [(e["subject"], e["object"]) for e in kept], inp.get("depth", 1))
        if found != hand:
            raise ValueError(f"{vf.path} {description!r}: by hand {hand}, the oracle {found}")
        listed = [{"entity": k, "hops": v} for k, v in sorted(found.items(), key=lambda kv: (kv[1], kv[0]))]
        vf.add(Case(description, ("STG-REC-012",), inp, valid(neighbors=listed), tuple(flags.split()), BOTH))
    vf.add(Case("Depth 4: graph_depth_exceeded", ("STG-REC-012",), {"start": "a", "edges": cycle, "depth": 4},
                invalid("graph_depth_exceeded"), ("Depth",)))
    vf.add(Case("A regex relation filter rel:(a|b): invalid_relation_filter", ("STG-REC-012",),
                {"start": "a", "edges": cycle, "relation_filter": "rel:(a|b)"}, invalid("invalid_relation_filter"),
                ("Filter",)))
    return vf


def _matches(relation: str, raw: str | None) -> bool:
    if not raw:
        return True
    return any(relation.startswith(t[:-1]) if t.endswith("*") else relation == t for t in raw.split(","))


def _f(key: str, relation: str, confidence: float, hlc: str, t: float | None = None) -> dict[str, Any]:
    return {"id": key, "relation": relation, "value": f"value of {key}", "confidence": confidence,
            "source_trust": t, "hlc": f"1800000000{hlc}.000"}


def _card_file() -> VectorFile:
    vf = VectorFile("recall", "card", "Which facts a memory card carries, in order, and which it marks contradicted.", {
        "Floor": {"description": "Effective confidence (confidence x t, or confidence when t is null) >= 0.3: 0.3 "
                  "and 0.6 x 0.5 are in, 0.29 and 0.5 x 0.5 out.", "effect": "Faint facts crowd the card.",
                  "requirements": "STG-REC-022"},
        "Order": {"description": "Sorted by relation ascending, then hlc descending.",
                  "effect": "Cards of the same facts differ between nodes.", "requirements": "STG-REC-022"},
        "Contradiction": {"description": "Both sides of an unresolved conflict stay and are marked; a conflict with "
                          "a fact outside the cover marks nothing.", "effect": "A card silently picks a winner.",
                          "requirements": "STG-REC-015"}}, SOURCE)
    facts = [_f("f1", "memory:a", 1.0, "001"), _f("f2", "memory:a", 0.9, "002"), _f("f3", "memory:b", 0.3, "003"),
             _f("f4", "memory:b", 0.29, "004"), _f("f5", "memory:b", 0.5, "005", 0.5),
             _f("f6", "memory:b", 0.6, "006", 0.5), _f("f7", "memory:0", 1.0, "000")]
    cases: list[tuple[str, str, str, dict[str, Any], list[str], list[str]]] = [
        ("Floor and order over seven facts, no conflict", "STG-REC-022", "Floor Order", {"facts": facts, "conflicts": []},
         ["f7", "f2", "f1", "f6", "f3"], []),
        ("A contradiction on memory:a: both sides stay, both marked", "STG-REC-015 STG-REC-022",
         "Contradiction Order", {"facts": facts, "conflicts": [["f1", "f2"]]}, ["f7", "f2", "f1", "f6", "f3"],
         ["f2", "f1"]),
        ("A conflict with a fact not in the cover marks nothing", "STG-REC-015", "Contradiction",
         {"facts": facts, "conflicts": [["f1", "elsewhere"]]}, ["f7", "f2", "f1", "f6", "f3"], []),
        ("A conflict with a live fact under the floor still marks the one on the card", "STG-REC-015",
         "Contradiction Floor", {"facts": facts, "conflicts": [["f3", "f4"]]}, ["f7", "f2", "f1", "f6", "f3"],
         ["f3"]),
        ("No live fact: an empty card", "STG-REC-022", "Floor", {"facts": [facts[3]], "conflicts": []}, [], []),
    ]
    for description, reqs, flags, inp, ids, torn in cases:
        got = oracle.card([{"id": f["id"], "relation": f["relation"], "confidence": f["confidence"],
                            "t": f["source_trust"], "hlc": f["hlc"]} for f in inp["facts"]],
                          [(a, b) for a, b in inp["conflicts"]])
        _check(vf.path, description, {"fact_ids": ids, "contradicted_ids": torn, "contradicted_count": len(torn)},
               got)
        vf.add(Case(description, tuple(reqs.split()), inp, valid(**got), tuple(flags.split()),
                    {"recall_card_conflict_marks": "live-partner"} if "Floor" in flags and torn else None))
    return vf


def files() -> list[VectorFile]:
    return [_fuse_file(), _salience_file(), _pack_file(), _neighbors_file(), _card_file()]
