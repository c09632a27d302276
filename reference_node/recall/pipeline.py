"""The recall pipeline: authorized candidates from three stages, fused, scored and packed (seed Architecture
"Three-stage hybrid recall pipeline"; Spec-07; A20 §20.3).

Authorization comes first and is a filter, never a penalty (STG-REC-002/003): every stage draws only from facts the
caller may read (its scopes, garden ACL, released from quarantine, unexpired, unretracted; then the tombstone hook).
R1 (STG-REC-005): ANN answers from vec_facts, which has no scope column, are joined back to facts and filtered before
fusion and before they seed the graph. Stage statistics (BM25 document frequencies and lengths, min-max ranges,
out-degrees, access counts, contradictions) are computed over authorized facts only, so no count or score depends
on a hidden fact (STG-REC-004).
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reference_node.protocol import graph as graph_rules
from reference_node.protocol import recall as rules
from reference_node.recall import suppression
from reference_node.recall.vectors import Cosines, VectorIndex, value_text
from reference_node.storage import entity_edges
from reference_node.storage.garden_acl import RELEASED, Reader, visible_clause
from reference_node.storage.rows import COLUMNS, ID, VALUE_TYPE, VALUE_V, record

__all__ = ["RecallRequest", "recall"]

STAGE_TOP = 200  # A20 §20.3.3: lexical and ANN top 200
GRAPH_FACTS_PER_ENTITY = 20
GRAPH_SEEDS = 10
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_BM25_K1, _BM25_B = 1.2, 0.75
_US_PER_DAY = 86_400_000_000
_FACT_COLUMNS = COLUMNS.count(",") + 1  # the FactRow part of a recall row; _EXTRA follows it
_EXTRA = ("f.seq, f.timestamp_us, f.confidence, "
          "(SELECT g.quarantine FROM gardens g WHERE g.garden_id = f.garden_id AND g.deleted_at IS NULL), "
          "COALESCE((SELECT a.n FROM fact_access a WHERE a.fact_id = f.id), 0)")


@dataclass(frozen=True)
class RecallRequest:
    query: str
    token_budget: int
    scopes: tuple[str, ...]
    depth: int = 1
    weights: rules.Weights | None = None
    entity: str | None = None
    relation: str | None = None
    min_confidence: float = 0.1
    include_contradicted: bool = True
    include_low_trust: bool = False
    lambda_mmr: float = 0.7
    debug: bool = False
    garden_id: str | None = None  # the garden of the memory card (entity-centric recall); None: facts in no garden
    force_refresh: bool = False


def _universe(req: RecallRequest, reader: Reader, now_us: int) -> tuple[str, tuple[Any, ...]]:
    """SQL over ``f``: the facts this caller may read and recall may use (STG-REC-003 steps 1-3)."""
    garden, garden_params = visible_clause("f.garden_id", reader.entity_uri, reader.node_admin)
    clauses = [f"f.scope IN ({','.join('?' * len(req.scopes))})", garden, RELEASED.format(column="f.id"),
               "(f.valid_until_us IS NULL OR f.valid_until_us > ?)", "f.confidence >= ?", "f.origin != 'system'",
               "NOT EXISTS (SELECT 1 FROM facts r WHERE r.entity = f.entity AND r.relation = f.relation AND "
               "r.scope = f.scope AND r.garden_id IS f.garden_id AND r.confidence = 0 AND r.hlc > f.hlc)"]
    params: list[Any] = [*req.scopes, *garden_params, now_us, max(req.min_confidence, 1e-12)]
    if req.entity is not None:
        clauses.append("f.entity = ?")
        params.append(req.entity)
    if req.relation is not None:
        clauses.append("f.relation = ?")
        params.append(req.relation)
    return " AND ".join(clauses), tuple(params)


def _bm25(query: str, docs: dict[int, str]) -> dict[int, float]:
    """BM25 over the authorized candidates only (their count, document frequencies and mean length)."""
    terms = set(_WORD.findall(query.lower()))
    tokens = {seq: _WORD.findall(text.lower()) for seq, text in docs.items()}
    if not tokens:
        return {}
    n = len(tokens)
    mean = sum(len(t) for t in tokens.values()) / n or 1.0
    df = {term: sum(1 for t in tokens.values() if term in t) for term in terms}
    scores: dict[int, float] = {}
    for seq, words in tokens.items():
        s = 0.0
        for term in terms:
            tf = words.count(term)
            if tf:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                s += idf * tf * (_BM25_K1 + 1) / (tf + _BM25_K1 * (1 - _BM25_B + _BM25_B * len(words) / mean))
        scores[seq] = s
    return scores


def _lexical(conn: sqlite3.Connection, req: RecallRequest, where: str, params: tuple[Any, ...]) -> dict[int, float]:
    terms = sorted(set(_WORD.findall(req.query.lower())))
    if not terms:
        return {}
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
    # The top 200 authorized matches by (bm25, seq): FTS5 ranks matches alone, then only the best k are checked
    # against the universe (k grows while too few survive); checking every match first cost O(matches) subqueries.
    k = 2 * STAGE_TOP
    while True:
        hits = conn.execute("SELECT rowid, body FROM facts_fts WHERE facts_fts MATCH ? ORDER BY bm25(facts_fts), "
                            "rowid LIMIT ?", (match, k)).fetchall()
        allowed = _authorized(conn, [seq for seq, _body in hits], where, params)
        kept = [(seq, body) for seq, body in hits if seq in allowed]
        if len(kept) >= STAGE_TOP or len(hits) < k:
            return _bm25(req.query, dict(kept[:STAGE_TOP]))
        k *= 4


def _vector(conn: sqlite3.Connection, index: VectorIndex, req: RecallRequest, where: str,
            params: tuple[Any, ...]) -> dict[int, float]:
    """ANN over every scope and garden, then R1: joined back to facts and filtered before anything uses it."""
    if not index.available:
        return {}
    query = index.embedder.embed([req.query], "query")[0]
    k = STAGE_TOP
    while True:
        hits = index.search(query, k)
        allowed = _authorized(conn, [seq for seq, _ in hits], where, params)
        kept = [(seq, sim) for seq, sim in hits if seq in allowed]
        if len(kept) >= STAGE_TOP or len(hits) < k or k >= 4096:
            return dict(kept[:STAGE_TOP])
        k = min(4 * k, 4096)


def _authorized(conn: sqlite3.Connection, seqs: Sequence[int], where: str, params: tuple[Any, ...]) -> set[int]:
    # STG-REC-005 (R1): an ANN (or FTS) candidate counts only if the caller may read it (scope, garden ACL, ...).
    out: set[int] = set()
    for start in range(0, len(seqs), 500):
        chunk = tuple(seqs[start:start + 500])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT f.seq FROM facts f WHERE f.seq IN ({marks}) AND {where}", (*chunk, *params))
        out.update(int(seq) for (seq,) in rows)
    return out


def _graph(conn: sqlite3.Connection, req: RecallRequest, reader: Reader, now_us: int, seeds: Sequence[str],
           where: str, params: tuple[Any, ...]) -> tuple[dict[int, float], dict[int, int]]:
    """Facts of entities reached from ACL-checked seeds: graph score and hops per fact (seq)."""
    best: dict[str, tuple[float, int]] = {}

    def keep(edge: graph_rules.Edge) -> bool:
        return edge.confidence >= req.min_confidence  # A20 §20.1.5: min_confidence prunes edges before the walk

    for scope in req.scopes:
        cache: dict[str, list[graph_rules.Edge]] = {}

        def edges_of(entity: str, scope: str = scope, cache: dict[str, list[graph_rules.Edge]] = cache
                     ) -> list[graph_rules.Edge]:
            if entity not in cache:
                edges = entity_edges.readable(conn, entity, scope, reader, now_us)
                cache[entity] = suppression.walkable(conn, edges)  # STG-REC-021, STG-TOMB-011
            return cache[entity]

        for seed in seeds:  # a tombstoned seed has no walkable edge (STG-TOMB-011)
            for n in graph_rules.neighbors(seed, req.depth, edges_of, keep):
                parent = n.path[-2]
                s = rules.graph_score(n.hops, n.confidence, len(edges_of(parent)))
                if n.entity not in best or s > best[n.entity][0]:
                    best[n.entity] = (s, n.hops)
    scores: dict[int, float] = {}
    hops: dict[int, int] = {}
    for entity, (s, h) in best.items():
        rows = conn.execute(f"SELECT f.seq FROM facts f WHERE f.entity = ? AND {where} "
                            f"ORDER BY f.confidence DESC, f.hlc DESC LIMIT {GRAPH_FACTS_PER_ENTITY}",
                            (entity, *params)).fetchall()
        for (seq,) in rows:
            if seq not in scores or s > scores[seq]:
                scores[seq], hops[seq] = s, h
    return scores, hops


def _contradicted(conn: sqlite3.Connection, fact_id: str, reader: Reader) -> bool:
    """An unresolved conflict with another fact this caller may read (a hidden sibling reveals nothing)."""
    garden, params = visible_clause("o.garden_id", reader.entity_uri, reader.node_admin)
    row = conn.execute(
        "SELECT 1 FROM conflicts c JOIN facts o ON o.id = CASE WHEN c.fact_a = ? THEN c.fact_b ELSE c.fact_a END "
        f"WHERE (c.fact_a = ? OR c.fact_b = ?) AND c.status = 'unresolved' AND {garden} LIMIT 1",
        (fact_id, fact_id, fact_id, *params)).fetchone()
    return row is not None


def recall(conn: sqlite3.Connection, index: VectorIndex, req: RecallRequest, reader: Reader,
           now_us: int) -> dict[str, Any]:
    """The response body (without generated_at); ``conn`` is the facts database, read under its lock."""
    weights = req.weights or dict(rules.DEFAULT_WEIGHTS)
    where, params = _universe(req, reader, now_us)
    lexical = _lexical(conn, req, where, params)
    vector = _vector(conn, index, req, where, params)
    preliminary: dict[int, float] = rules.fuse({"lexical": lexical, "vector": vector}, weights)
    ranked = sorted(preliminary, key=lambda seq: (-preliminary[seq], seq))
    fact_ids = _ids(conn, ranked)
    gone = suppression.suppressed_facts(conn, fact_ids.values())  # STG-TOMB-011/012: no seed from a hidden fact
    top = [seq for seq in ranked if fact_ids.get(seq) not in gone][:GRAPH_SEEDS]
    seeds = ([req.entity] if req.entity else []) + _entities(conn, top)
    graph: dict[int, float] = {}
    hops: dict[int, int] = {}
    if req.depth:
        graph, hops = _graph(conn, req, reader, now_us, list(dict.fromkeys(seeds)), where, params)
    keys = set(lexical) | set(vector) | set(graph)
    rows = _rows(conn, sorted(keys))
    # TOMBSTONE HOOK: after scope and garden filtering, before scoring and packing (A20 §23.3).
    hidden = suppression.suppressed_facts(conn, [r[ID] for r in rows.values()])  # STG-TOMB-011/012
    trust = suppression.source_trust(conn, [r[ID] for r in rows.values()])  # A20 19.4
    contradicted = {seq: _contradicted(conn, r[ID], reader) for seq, r in rows.items()}
    for seq, r in list(rows.items()):
        t = trust.get(r[ID])
        low = t is not None and not req.include_low_trust and r[-3] * t < 0.2
        if r[ID] in hidden or low or (contradicted[seq] and not req.include_contradicted):
            del rows[seq]
    stages = {"lexical": _only(lexical, rows), "vector": _only(vector, rows), "graph": _only(graph, rows)}
    raw = rules.fuse(stages, weights)
    max_access = max((r[-1] for r in rows.values()), default=0)
    scored: dict[int, float] = {}
    for seq, r in rows.items():
        tier = rules.QUARANTINE_TIER if r[-2] else 1.0
        sal = rules.salience((now_us - r[-4]) / _US_PER_DAY, r[-3], rules.access_weight(r[-1], max_access),
                             contradicted[seq], tier)
        scored[seq] = raw.get(seq, 0.0) * sal * rules.trust_factor(trust.get(r[ID]))
    order = sorted(scored, key=lambda seq: (-scored[seq], rows[seq][ID]))
    candidates = [rules.Candidate(str(seq), scored[seq], rules.token_cost(value_text(rows[seq][VALUE_TYPE],
                                                                                     rows[seq][VALUE_V])))
                  for seq in order]
    seqs = [int(c.key) for c in candidates]
    cosines = Cosines(seqs, index.blobs(seqs) if req.entity is None else {})
    chosen, used, truncated = rules.pack(candidates, req.token_budget, None if req.entity else req.lambda_mmr,
                                         row=lambda key: cosines.row(int(key)))
    results = []
    for c in chosen:
        seq = int(c.key)
        r = rows[seq]
        why = [stage for stage in rules.STAGES if seq in stages[stage]]
        results.append({**record(r[:_FACT_COLUMNS], contradicted[seq]), "score": c.score, "hops": hops.get(seq, 0),
                        "source_trust": trust.get(r[ID]), "card_stale": None, "why": why, "token_cost": c.cost})
    debug = None
    if req.debug:
        debug = [{"id": rows[int(c.key)][ID], **{s: stages[s].get(int(c.key)) for s in rules.STAGES},
                  "raw": raw.get(int(c.key), 0.0)} for c in chosen]
    return {"query": req.query, "token_budget": req.token_budget, "tokens_used": used, "results": results,
            "memory_card": None, "truncated": truncated, "scores_debug": debug,
            "stages": {"lexical": "ok", "vector": "ok" if index.available else index.reason,
                       "graph": "ok" if req.depth else "off"}}


def _only(stage: dict[int, float], rows: dict[int, Any]) -> dict[int, float]:
    return {seq: s for seq, s in stage.items() if seq in rows}


def _entities(conn: sqlite3.Connection, seqs: Sequence[int]) -> list[str]:
    if not seqs:
        return []
    marks = ",".join("?" * len(seqs))
    found = dict(conn.execute(f"SELECT seq, entity FROM facts WHERE seq IN ({marks})", tuple(seqs)).fetchall())
    return [found[seq] for seq in seqs if seq in found]


def _ids(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(seqs), 500):
        chunk = tuple(seqs[start:start + 500])
        out.update(conn.execute(f"SELECT seq, id FROM facts WHERE seq IN ({','.join('?' * len(chunk))})", chunk))
    return out


def _rows(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, Any]:
    if not seqs:
        return {}
    out: dict[int, Any] = {}
    for start in range(0, len(seqs), 500):
        chunk = seqs[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {COLUMNS}, {_EXTRA} FROM facts f WHERE f.seq IN ({marks})", tuple(chunk)):
            out[int(row[_FACT_COLUMNS])] = row
    return out

