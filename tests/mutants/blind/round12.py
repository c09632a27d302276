"""Blind mutant round 12: recall and the graph index (seed Architecture "Graph index and recall pipeline"; Spec-07;
Spec-X11-Recall-Graph / A20 §20.1-§20.3, §20.8; A20 §23.3 for the tombstone hook), covering request validation,
each recall stage and the R1 join-back, fusion, every salience signal, token costs and packing, the response shape,
GET /v1/graph/neighbors (depth, relation filter, scope, cursor pages), the edges kept on ref facts and retractions,
and tombstone suppression in recall and the graph. Memory cards are left out. Written from the seeds, the specs,
the contract docs and the node's code, without reading the suite."""

ROUND = 12
MUTANTS: list[dict[str, str]] = [
    # Request validation: token_budget, depth, weights (A20 §20.3.2, §20.8; STG-REC-010).
    {
        "id": "b12-budget-zero-accepted",
        "description": (
            "token_budget 0 passes validation (value < 0 instead of < 1): POST /v1/recall {token_budget: 0} answers "
            "200 with empty results instead of 400 invalid_token_budget (A20 §20.3.2: token_budget required, >= 1)."
        ),
        "file": "protocol/recall.py",
        "find": "if isinstance(value, bool) or not isinstance(value, int) or value < 1:",
        "replace": "if isinstance(value, bool) or not isinstance(value, int) or value < 0:",
    },
    {
        "id": "b12-budget-wrong-code",
        "description": (
            "A bad token_budget is refused with the generic code invalid_parameter instead of invalid_token_budget "
            "(A20 §20.8: 400 invalid_token_budget)."
        ),
        "file": "protocol/recall.py",
        "find": "    code = \"invalid_token_budget\"",
        "replace": "    code = \"invalid_parameter\"",
    },
    {
        "id": "b12-recall-depth-3-accepted",
        "description": (
            "The recall depth bound is off by one (value > MAX + 1): depth 3 is accepted instead of 400 "
            "recall_depth_exceeded (A20 §20.3.2: depth default 1, max 2)."
        ),
        "file": "protocol/recall.py",
        "find": "    if value > MAX_RECALL_DEPTH:",
        "replace": "    if value > MAX_RECALL_DEPTH + 1:",
    },
    {
        "id": "b12-recall-depth-2-refused",
        "description": (
            "The recall depth bound is exclusive (value >= MAX): depth 2, the documented maximum, is refused with "
            "400 recall_depth_exceeded (A20 §20.3.2: max 2)."
        ),
        "file": "protocol/recall.py",
        "find": "    if value > MAX_RECALL_DEPTH:",
        "replace": "    if value >= MAX_RECALL_DEPTH:",
    },
    {
        "id": "b12-recall-depth-wrong-code",
        "description": (
            "A recall depth above 2 is answered with the graph route's code graph_depth_exceeded instead of "
            "recall_depth_exceeded (A20 §20.8)."
        ),
        "file": "protocol/recall.py",
        "find": "    code = \"recall_depth_exceeded\"",
        "replace": "    code = \"graph_depth_exceeded\"",
    },
    {
        "id": "b12-weights-tolerance-wide",
        "description": (
            "The weight-sum tolerance is 0.2 instead of 0.001, so weights {0.3, 0.5, 0.3} (sum 1.1) are accepted "
            "instead of 400 invalid_weights (A20 §20.3.2: weights sum to 1 +- 0.001; golden {0.3, 0.5, 0.3} -> 400)."
        ),
        "file": "protocol/recall.py",
        "find": "WEIGHT_TOLERANCE = 0.001",
        "replace": "WEIGHT_TOLERANCE = 0.2",
    },
    {
        "id": "b12-weights-tolerance-percent",
        "description": (
            "The weight-sum tolerance is read as 1 % (0.01) instead of 0.001: weights summing to 1.005 are accepted "
            "(A20 §20.3.2: must sum to 1 +- 0.001, else 400 invalid_weights)."
        ),
        "file": "protocol/recall.py",
        "find": "WEIGHT_TOLERANCE = 0.001",
        "replace": "WEIGHT_TOLERANCE = 0.01",
    },
    {
        "id": "b12-weights-negative-accepted",
        "description": (
            "Negative stage weights are accepted as long as the sum is 1 ({lexical: -0.5, vector: 1.0, graph: 0.5} "
            "-> 200), so a stage subtracts from the fused score (A20 §20.3.2 weights, 400 invalid_weights; the "
            "fusion is a weighted sum of normalized stage scores)."
        ),
        "file": "protocol/recall.py",
        "find": "not math.isfinite(w) or w < 0:",
        "replace": "not math.isfinite(w):",
    },
    {
        "id": "b12-weights-wrong-code",
        "description": (
            "Bad weights are refused with invalid_parameter instead of invalid_weights (A20 §20.8: 400 "
            "invalid_weights; golden weights {0.3, 0.5, 0.3} -> 400 invalid_weights)."
        ),
        "file": "protocol/recall.py",
        "find": "    code = \"invalid_weights\"",
        "replace": "    code = \"invalid_parameter\"",
    },
    {
        "id": "b12-weights-ignored",
        "description": (
            "The caller's weights are validated but never used (the request carries None, so the defaults apply): "
            "{lexical: 1, vector: 0, graph: 0} scores exactly like the default weights (seed: stage weights are "
            "caller-configurable; A20 §20.3.3 fusion raw = a.norm(bm25) + b.norm(cos) + g.norm(graph))."
        ),
        "file": "api/recall.py",
        "find": "return RecallRequest(query, budget, scopes, depth, weights, entity, relation,",
        "replace": "return RecallRequest(query, budget, scopes, depth, None, entity, relation,",
    },
    {
        "id": "b12-default-weights-swapped",
        "description": (
            "The default weights swap lexical and vector ({lexical: 0.50, vector: 0.30, graph: 0.20}): a request "
            "without weights scores differently from one naming the documented defaults (seed: weights default to "
            "{lexical: 0.30, vector: 0.50, graph: 0.20})."
        ),
        "file": "protocol/recall.py",
        "find": "{\"lexical\": 0.30, \"vector\": 0.50, \"graph\": 0.20}",
        "replace": "{\"lexical\": 0.50, \"vector\": 0.30, \"graph\": 0.20}",
    },
    {
        "id": "b12-get-budget-not-parsed",
        "description": (
            "GET /v1/recall leaves token_budget as query text, so every GET recall with a valid budget is 400 "
            "invalid_token_budget (seed: GET/POST /v1/recall; A20 §20.3.2 the same parameters on both)."
        ),
        "file": "api/recall.py",
        "find": "if name in (\"token_budget\", \"depth\"):",
        "replace": "if name in (\"depth\",):",
    },
    {
        "id": "b12-recall-scope-forbidden-skipped",
        "description": (
            "A scope named by the caller is not checked against the key's allowed scopes, so a public-only key "
            "recalling with scope=team reads team facts (and walks team edges on /v1/graph/neighbors) instead of "
            "403 scope_forbidden (Spec-07: caller identity, read permission and scope visibility come before "
            "ranking; Spec-02 allowed_scopes)."
        ),
        "file": "api/recall.py",
        "find": "if not identity.may_use(str(scope)):",
        "replace": "if False and not identity.may_use(str(scope)):",
    },
    {
        "id": "b12-recall-entity-not-normalized",
        "description": (
            "The entity filter is validated but not normalized (the normalized value is dropped): an entity given "
            "with an upper-case authority or a trailing slash matches no stored fact (Spec-07: recall inputs are "
            "normalized before ranking; Spec-01 entity normalization)."
        ),
        "file": "api/recall.py",
        "find": "entity = normalize(entity)  # STG-REC-001",
        "replace": "normalize(entity)  # STG-REC-001",
    },
    {
        "id": "b12-default-min-confidence-zero",
        "description": (
            "The recall min_confidence defaults to 0.0 instead of 0.1: a fact of confidence 0.05 is recalled "
            "without the caller asking for it (A20 §20.3.2: min_confidence default 0.1)."
        ),
        "file": "api/recall.py",
        "find": "_number(body, \"min_confidence\", 0.1, 0.0, 1.0)",
        "replace": "_number(body, \"min_confidence\", 0.0, 0.0, 1.0)",
    },
    # The authorized universe every stage draws from (Spec-07 authorization order; STG-REC-002/003).
    {
        "id": "b12-universe-garden-open",
        "description": (
            "The recall universe's garden check is made on a constant instead of f.garden_id, so it always passes: "
            "a non-member recalls garden facts through every stage (Spec-07: garden ACL is a filter before "
            "scoring, never a penalty; seed R1: garden-B facts MUST NOT surface in a garden-A caller's response)."
        ),
        "file": "recall/pipeline.py",
        "find": "garden, garden_params = visible_clause(\"f.garden_id\", reader.entity_uri, reader.node_admin)",
        "replace": "garden, garden_params = visible_clause(\"NULL\", reader.entity_uri, reader.node_admin)",
    },
    {
        "id": "b12-universe-public-always",
        "description": (
            "Public facts are treated as readable by every key: the scope filter is f.scope IN (key scopes) OR "
            "public, so a key allowed only local recalls public facts (Spec-02: cross-scope reads return results "
            "only from the scopes the caller's key allows; Spec-07 scope visibility)."
        ),
        "file": "recall/pipeline.py",
        "find": "clauses = [f\"f.scope IN ({','.join('?' * len(req.scopes))})\",",
        "replace": "clauses = [f\"(f.scope IN ({','.join('?' * len(req.scopes))}) OR f.scope = 'public')\",",
    },
    {
        "id": "b12-universe-quarantine-included",
        "description": (
            "The release-from-quarantine filter is left out of the recall universe: a pending (held) fact is "
            "recalled (Spec-08: pending facts MUST NOT appear in normal query results; Spec-07 step 4 quarantine "
            "suppression before scoring)."
        ),
        "file": "recall/pipeline.py",
        "find": (
            "clauses = [f\"f.scope IN ({','.join('?' * len(req.scopes))})\", "
            "garden, RELEASED.format(column=\"f.id\"),"
        ),
        "replace": "clauses = [f\"f.scope IN ({','.join('?' * len(req.scopes))})\", garden,",
    },
    {
        "id": "b12-universe-expired-included",
        "description": (
            "The expiry bound is compared with 0 instead of the node's clock, so expired facts (valid_until in the "
            "past) are recalled (seed Decay: expired facts are hidden from normal queries)."
        ),
        "file": "recall/pipeline.py",
        "find": "params: list[Any] = [*req.scopes, *garden_params, now_us, max(req.min_confidence, 1e-12)]",
        "replace": "params: list[Any] = [*req.scopes, *garden_params, 0, max(req.min_confidence, 1e-12)]",
    },
    {
        "id": "b12-universe-retraction-inverted",
        "description": (
            "The retraction test compares HLCs the wrong way (r.hlc < f.hlc): a fact retracted later is still "
            "recalled, and a fact re-asserted after an older retraction disappears (Spec-01: confidence 0.0 = "
            "retracted; seed: a retraction soft-deletes the fact and its edge)."
        ),
        "file": "recall/pipeline.py",
        "find": "r.confidence = 0 AND r.hlc > f.hlc)",
        "replace": "r.confidence = 0 AND r.hlc < f.hlc)",
    },
    {
        "id": "b12-universe-retraction-any-scope",
        "description": (
            "A retraction hides the triple in every scope (the r.scope = f.scope term is lost): retracting "
            "(entity, relation) in team removes the public fact from recall (Spec-01/Spec-15: the triple is "
            "(entity, relation, scope))."
        ),
        "file": "recall/pipeline.py",
        "find": "\"r.scope = f.scope AND r.garden_id IS f.garden_id AND r.confidence = 0",
        "replace": "\"r.garden_id IS f.garden_id AND r.confidence = 0",
    },
    {
        "id": "b12-min-confidence-zero-admits-retractions",
        "description": (
            "min_confidence is used as given, without the floor above 0: a recall with min_confidence 0 returns the "
            "retraction rows themselves (confidence 0.0) as results (Spec-01: 0.0 = retracted; A20 §20.1 a "
            "retraction soft-deletes)."
        ),
        "file": "recall/pipeline.py",
        "find": "now_us, max(req.min_confidence, 1e-12)]",
        "replace": "now_us, req.min_confidence]",
    },
    {
        "id": "b12-min-confidence-exclusive",
        "description": (
            "The confidence threshold is exclusive (f.confidence > ?): a fact of confidence exactly 0.1 is not "
            "recalled with the default min_confidence 0.1 (A20 §20.3.2 min_confidence default 0.1; inclusive "
            "bound)."
        ),
        "file": "recall/pipeline.py",
        "find": "\"f.confidence >= ?\"",
        "replace": "\"f.confidence > ?\"",
    },
    {
        "id": "b12-relation-filter-like",
        "description": (
            "The recall relation filter is a LIKE prefix match, so relation=ex:name also returns ex:name_alias and "
            "ex:NAME facts (Spec-07: recall inputs entity, relation ... filter exactly)."
        ),
        "file": "recall/pipeline.py",
        "find": "clauses.append(\"f.relation = ?\")",
        "replace": "clauses.append(\"f.relation LIKE ? || '%'\")",
    },
    # Lexical stage: BM25 over authorized candidates only.
    {
        "id": "b12-lexical-unfiltered",
        "description": (
            "The lexical stage matches the whole FTS index without the authorization filter, so a fact in another "
            "scope, a garden the caller is not in, a pending quarantine or an expired fact is recalled when its "
            "words match (Spec-07: the pipeline MUST NOT rank or pack unauthorized facts; only surviving facts "
            "enter scoring)."
        ),
        "file": "recall/pipeline.py",
        "find": "kept = [(seq, body) for seq, body in hits if seq in allowed]",
        "replace": "kept = list(hits)",
    },
    {
        "id": "b12-lexical-global-bm25",
        "description": (
            "Lexical scores are SQLite's bm25() over the whole FTS table, whose document count, frequencies and mean "
            "length include hidden facts: adding facts the caller cannot read changes the visible facts' scores "
            "(Spec-07: no response field changes when unauthorized facts are added; the stage statistics are over "
            "authorized candidates)."
        ),
        "file": "recall/pipeline.py",
        "find": "            return _bm25(req.query, dict(kept[:STAGE_TOP]))",
        "replace": (
            '            return {seq: -float(conn.execute("SELECT bm25(facts_fts) FROM facts_fts WHERE '
            'facts_fts MATCH ? "\n'
            '                                             "AND rowid = ?", (match, seq)).fetchone()[0])'
            "\n"
            "                    for seq, _ in kept[:STAGE_TOP]}"
        ),
    },
    # Vector stage and the R1 join-back (seed: security-critical ANN scope filter).
    {
        "id": "b12-r1-filter-removed",
        "description": (
            "R1 removed: the ANN hits from vec_facts (every scope and garden) go to fusion unfiltered, so another "
            "scope's or garden's fact id and content surface in the response (seed R1: Stage 2 ANN results MUST be "
            "joined back against facts and filtered by scope and the caller's garden ACL)."
        ),
        "file": "recall/pipeline.py",
        "find": "kept = [(seq, sim) for seq, sim in hits if seq in allowed]",
        "replace": "kept = list(hits)",
    },
    {
        "id": "b12-r1-scope-only",
        "description": (
            "The R1 join filters by scope only (the first clause of the authorization filter), not by the garden "
            "ACL, quarantine release, expiry or retraction: a garden-B fact in a readable scope reaches a garden-A "
            "caller through the vector stage (seed R1: filtered by scope = :scope and the caller's garden ACL)."
        ),
        "file": "recall/pipeline.py",
        "find": "allowed = _authorized(conn, [seq for seq, _ in hits], where, params)",
        "replace": (
            "allowed = _authorized(conn, [seq for seq, _ in hits], where.split(' AND ')[0], "
            "params[:where.split(' AND ')[0].count('?')])"
        ),
    },
    {
        "id": "b12-r1-seeds-unfiltered",
        "description": (
            "The graph seeds are chosen from the raw ANN answer (before the R1 join), so a hidden fact's entity "
            "seeds the walk and its neighbours' facts enter the response as graph hits (seed R1: ANN results MUST "
            "be filtered before being passed to fusion or used as graph expansion seeds)."
        ),
        "file": "recall/pipeline.py",
        "find": "preliminary: dict[int, float] = rules.fuse({\"lexical\": lexical, \"vector\": vector}, weights)",
        "replace": (
            "preliminary: dict[int, float] = rules.fuse({\"lexical\": lexical, \"vector\": dict(index.search("
            "index.embedder.embed([req.query], \"query\")[0], STAGE_TOP)) if index.available else {}}, weights)"
        ),
    },
    {
        "id": "b12-vec-dimension-mismatch-tolerated",
        "description": (
            "A stored embedding dimension larger than the configured one is tolerated at start (read as Matryoshka "
            "truncation): the node starts on a vec_facts built for another dimension instead of refusing (A20 "
            "§20.2: dimension mismatch is fatal at startup, 'Re-index required')."
        ),
        "file": "recall/vectors.py",
        "find": "if stored is not None and int(stored) != self.dimensions:",
        "replace": "if stored is not None and int(stored) < self.dimensions:",
        "equivalent": (
            "Startup only: the refusal happens before the node listens, on a vec_facts sidecar built by an earlier "
            "run with another STIGMEM_EMBED_DIMENSIONS; the suite drives a running node over HTTP and never restarts "
            "it on an old sidecar, so no HTTP client can tell. Unit test: tests/unit/node/test_recall_embedders.py "
            "test_a_changed_dimension_is_fatal_at_start (stored 256, configured 128 and 512)."
        ),
    },
    {
        "id": "b12-embed-floor-inclusive",
        "description": (
            "The truncation floor is exclusive: STIGMEM_EMBED_DIMENSIONS=64, the documented floor, is refused at "
            "start (A20 §20.2: floor of 64 truncated dimensions, below it embed_dimensions_below_floor)."
        ),
        "file": "recall/config.py",
        "find": "if dimensions < MIN_DIMENSIONS:",
        "replace": "if dimensions <= MIN_DIMENSIONS:",
        "equivalent": (
            "Startup only: STIGMEM_EMBED_DIMENSIONS is read once when the node starts (64 refused means no node to "
            "talk to); a running node's HTTP surface is the same. Unit test: tests/unit/node/test_recall_embedders.py"
            " test_dimensions_below_the_floor_are_refused (63 refused, 64 allowed)."
        ),
    },
    # Graph stage of recall (A20 §20.3.3: BFS from ACL-checked seeds; tombstones, A20 §23.3).
    {
        "id": "b12-recall-graph-depth-plus-one",
        "description": (
            "The recall walk goes one hop further than asked (depth + 1): with depth 1 a fact two edges from the "
            "seed is returned with hops 2 (A20 §20.3.2: depth default 1, max 2)."
        ),
        "file": "recall/pipeline.py",
        "find": "for n in graph_rules.neighbors(seed, req.depth, edges_of, keep):",
        "replace": "for n in graph_rules.neighbors(seed, req.depth + 1, edges_of, keep):",
    },
    {
        "id": "b12-recall-graph-through-tombstone",
        "description": (
            "The recall walk ignores tombstones on the entities it reaches: the tombstoned entity's own facts are "
            "still dropped later, but the walk passes through it, so facts two hops away behind a tombstoned "
            "entity appear with hops 2 (A20 §23.3: tombstone suppression before scoring; issue: 'a tombstoned "
            "entity reached through the graph')."
        ),
        "file": "recall/pipeline.py",
        "find": "cache[entity] = suppression.walkable(conn, edges)  # STG-REC-021, STG-TOMB-011",
        "replace": "cache[entity] = list(edges)  # STG-REC-021, STG-TOMB-011",
    },
    {
        "id": "b12-graph-score-hops-denominator",
        "description": (
            "graph_score divides by hops instead of 1 + hops ((1/hops) x confidence / ln(1 + out_degree)): the "
            "relative graph scores of one-hop and two-hop facts, hence their fused scores, change (A20 §20.3.3: "
            "graph_score = (1/(1+hops)) x edge.confidence / log(1 + out_degree))."
        ),
        "file": "protocol/recall.py",
        "find": "return (1.0 / (1 + hops)) * edge_confidence",
        "replace": "return (1.0 / max(1, hops)) * edge_confidence",
    },
    {
        "id": "b12-graph-outdegree-counts-hidden",
        "description": (
            "The out-degree in graph_score counts every stored edge of the parent, those in other scopes and "
            "unreadable gardens included: a hidden edge lowers the visible neighbours' scores, a side channel on "
            "hidden facts (Spec-07: no score changes when unauthorized facts are added)."
        ),
        "file": "recall/pipeline.py",
        "find": "s = rules.graph_score(n.hops, n.confidence, len(edges_of(parent)))",
        "replace": (
            "s = rules.graph_score(n.hops, n.confidence, int(conn.execute(\"SELECT count(*) FROM entity_edges "
            "WHERE subject = ? OR object = ?\", (parent, parent)).fetchone()[0]))"
        ),
    },
    # Fusion and normalization (A20 §20.3.3).
    {
        "id": "b12-minmax-ties-zero",
        "description": (
            "Min-max normalization maps an all-equal stage to 0 instead of 1: a lone candidate (or equally scored "
            "candidates) of a stage contributes nothing, so a single matching fact scores 0 (A20 §20.3.3 min-max "
            "per stage; the node's interpretation recall_min_max_ties: all equal -> 1.0)."
        ),
        "file": "protocol/recall.py",
        "find": "return dict.fromkeys(scores, 1.0)",
        "replace": "return dict.fromkeys(scores, 0.0)",
    },
    {
        "id": "b12-norm-max-only",
        "description": (
            "Stage scores are divided by the stage maximum instead of min-max normalized, so the weakest candidate "
            "of a stage keeps a non-zero share (A20 §20.3.3: min-max normalization per stage)."
        ),
        "file": "protocol/recall.py",
        "find": "return {key: (s - low) / (high - low) for key, s in scores.items()}",
        "replace": "return {key: s / high for key, s in scores.items()}",
    },
    {
        "id": "b12-fuse-missing-stage-full",
        "description": (
            "A stage that did not find a candidate counts 1 instead of 0 for it, so every candidate gets the full "
            "weight of the stages that missed it and scores sum(weights) x salience (A20 §20.3.3: a missing stage "
            "counts as 0)."
        ),
        "file": "protocol/recall.py",
        "find": "normalized[stage].get(key, 0.0)",
        "replace": "normalized[stage].get(key, 1.0)",
    },
    # Salience signals (seed table; A20 §20.3.3).
    {
        "id": "b12-recency-ms-per-day",
        "description": (
            "Age is divided by the milliseconds of a day while timestamps are microseconds (a unit slip), so a "
            "fact ten seconds old has age 115 'days' and recency 0.31 instead of ~1 (seed: recency exp(-0.01 x "
            "age_days))."
        ),
        "file": "recall/pipeline.py",
        "find": "_US_PER_DAY = 86_400_000_000",
        "replace": "_US_PER_DAY = 86_400_000",
    },
    {
        "id": "b12-salience-no-confidence",
        "description": (
            "Salience leaves out the confidence signal: a fact of confidence 0.5 scores like one of 1.0 (seed "
            "salience: confidence [0, 1] = fact.confidence, a factor of the score)."
        ),
        "file": "protocol/recall.py",
        "find": "return recency(age_days) * confidence * access * contradiction * garden_tier",
        "replace": "return recency(age_days) * access * contradiction * garden_tier",
    },
    {
        "id": "b12-access-linear",
        "description": (
            "Access frequency is normalized linearly (n / max_n) instead of log-normalized: a fact returned once "
            "beside one returned three times weighs 1/3 instead of log 2 / log 4 = 0.5 (seed: access frequency "
            "log-normalized within the candidate set; A20 §20.3.3 log(1+n)/log(1+max_n))."
        ),
        "file": "protocol/recall.py",
        "find": "return math.log1p(count) / math.log1p(max_count)",
        "replace": "return count / max_count",
    },
    {
        "id": "b12-access-none-zero",
        "description": (
            "With no access counted anywhere in the candidate set the access weight is 0 instead of 1, so every "
            "first recall scores all its results 0 (seed: access frequency in [0, 1], log-normalized within the "
            "candidate set; interpretation recall_access_weight)."
        ),
        "file": "protocol/recall.py",
        "find": "    if max_count <= 0:\n        return 1.0",
        "replace": "    if max_count <= 0:\n        return 0.0",
    },
    {
        "id": "b12-access-max-global",
        "description": (
            "The access maximum is taken over the whole fact_access table instead of the candidate set: recalls of "
            "facts this caller cannot read lower its scores, a side channel (seed: log-normalized within candidate "
            "set; Spec-07: no score changes when unauthorized facts are added)."
        ),
        "file": "recall/pipeline.py",
        "find": "max_access = max((r[-1] for r in rows.values()), default=0)",
        "replace": "max_access = int(conn.execute(\"SELECT COALESCE(MAX(n), 0) FROM fact_access\").fetchone()[0])",
    },
    {
        "id": "b12-access-only-top-counted",
        "description": (
            "Only the first returned fact has its access_count incremented: the others stay at 0 and score 0 on "
            "the next recall once the first has a count (A20 §20.3.3: access_count MUST be incremented for every "
            "fact returned)."
        ),
        "file": "recall/__init__.py",
        "find": "returned = [r[\"id\"] for r in body[\"results\"]]",
        "replace": "returned = [r[\"id\"] for r in body[\"results\"][:1]]",
    },
    {
        "id": "b12-contradiction-inverted",
        "description": (
            "The contradiction weight is inverted: uncontradicted facts get 0.7 and contradicted ones 1.0 (seed: "
            "contradiction penalty 1.0 if no unresolved contradiction, 0.7 otherwise)."
        ),
        "file": "protocol/recall.py",
        "find": "contradiction = CONTRADICTION_PENALTY if contradicted else 1.0",
        "replace": "contradiction = 1.0 if contradicted else CONTRADICTION_PENALTY",
    },
    {
        "id": "b12-contradiction-penalty-0-3",
        "description": (
            "A '0.7 penalty' read as a 70 % reduction: contradicted facts are multiplied by 0.3 instead of 0.7 "
            "(seed: contradiction penalty {0.7, 1.0})."
        ),
        "file": "protocol/recall.py",
        "find": "CONTRADICTION_PENALTY = 0.7",
        "replace": "CONTRADICTION_PENALTY = 0.3",
    },
    {
        "id": "b12-contradiction-resolved-counts",
        "description": (
            "A resolved conflict still counts as a contradiction (the status test is lost): after POST "
            "/v1/conflicts/{id}/resolve both facts keep contradicted: true and the 0.7 penalty (seed: 0.7 only for "
            "an unresolved contradiction)."
        ),
        "file": "recall/pipeline.py",
        "find": "WHERE (c.fact_a = ? OR c.fact_b = ?) AND c.status = 'unresolved' AND {garden} LIMIT 1\",",
        "replace": "WHERE (c.fact_a = ? OR c.fact_b = ?) AND {garden} LIMIT 1\",",
    },
    {
        "id": "b12-include-contradicted-inverted",
        "description": (
            "include_contradicted is inverted: by default (true) contradicted facts are dropped from recall, and "
            "they appear only when the caller asks to exclude them (A20 §20.3.2 include_contradicted)."
        ),
        "file": "recall/pipeline.py",
        "find": "(contradicted[seq] and not req.include_contradicted)",
        "replace": "(contradicted[seq] and req.include_contradicted)",
    },
    {
        "id": "b12-contradicted-flag-dropped",
        "description": (
            "Recall results always say contradicted: false, even for a fact scored with the 0.7 penalty "
            "(A20 §20.3 response: results carry contradicted; seed: contradictions surfaced, never silently "
            "resolved)."
        ),
        "file": "recall/pipeline.py",
        "find": "results.append({**record(r[:_FACT_COLUMNS], contradicted[seq]),",
        "replace": "results.append({**record(r[:_FACT_COLUMNS], False),",
    },
    {
        "id": "b12-quarantine-tier-ignored",
        "description": (
            "The garden tier is always 1.0: a fact in a quarantine garden scores like any other (seed: garden tier "
            "configurable per garden, quarantine default 0.2)."
        ),
        "file": "recall/pipeline.py",
        "find": "tier = rules.QUARANTINE_TIER if r[-2] else 1.0",
        "replace": "tier = 1.0",
        "equivalent": (
            "No fact a caller can recall lies in a quarantine garden on this node: a write into a quarantine garden "
            "is refused (garden_forbidden), a held fact stays pending and hidden (garden_acl.RELEASED), a promotion "
            "releases the row into the main fabric (garden_id null) or copies it into a garden that is not a "
            "quarantine garden; so the 0.2 tier is never applied and setting it to 1.0 changes no response. "
            "federation:recall_quarantine_excluded scores a promoted fact with the tier its garden_id gives."
        ),
    },
    {
        "id": "b12-trust-raw",
        "description": (
            "The source-trust multiplier is t itself instead of 0.5 + 0.5 x t: a pulled fact of trust 0.4 scores "
            "x 0.4 instead of x 0.7 (seed: source-trust multiplier [0.5, 1] = 0.5 + 0.5 x t)."
        ),
        "file": "protocol/recall.py",
        "find": "return 1.0 if t is None else 0.5 + 0.5 * t",
        "replace": "return 1.0 if t is None else t",
    },
    {
        "id": "b12-trust-off-half",
        "description": (
            "A fact without a trust score (local, or trust off) is scored as t = 0, multiplier 0.5, instead of 1.0 "
            "(seed: 1.0 when trust off)."
        ),
        "file": "protocol/recall.py",
        "find": "return 1.0 if t is None else 0.5 + 0.5 * t",
        "replace": "return 0.5 if t is None else 0.5 + 0.5 * t",
    },
    {
        "id": "b12-low-trust-always-included",
        "description": (
            "include_low_trust is ignored: pulled facts whose effective confidence is below 0.2 are recalled by "
            "default (A20 §20.3.2: include_low_trust default false excludes effective confidence < 0.2)."
        ),
        "file": "recall/pipeline.py",
        "find": "low = t is not None and not req.include_low_trust and r[-3] * t < 0.2",
        "replace": "low = False",
    },
    # Token cost and packing within token_budget (A20 §20.3.4; STG-REC-011).
    {
        "id": "b12-token-cost-floor",
        "description": (
            "token_cost rounds the value's tokens down: token_cost(\"CEO\") = 40 instead of 41, so a budget of 40 "
            "packs a row (A20 §20.3.4: 40 + ceil(len(value_text_utf8)/4); golden token_cost(\"CEO\") = 41, a budget "
            "of 40 -> results [], truncated true, tokens_used 0)."
        ),
        "file": "protocol/recall.py",
        "find": "return ROW_TOKENS + -(-len(value_text.encode(\"utf-8\")) // BYTES_PER_TOKEN)",
        "replace": "return ROW_TOKENS + len(value_text.encode(\"utf-8\")) // BYTES_PER_TOKEN",
    },
    {
        "id": "b12-token-cost-chars",
        "description": (
            "token_cost counts characters instead of UTF-8 bytes: a value of four 3-byte characters costs 41 "
            "instead of 43 (A20 §20.3.4: len(value_text_utf8))."
        ),
        "file": "protocol/recall.py",
        "find": "-(-len(value_text.encode(\"utf-8\")) // BYTES_PER_TOKEN)",
        "replace": "-(-len(value_text) // BYTES_PER_TOKEN)",
    },
    {
        "id": "b12-value-text-json",
        "description": (
            "The value text is the stored JSON encoding rather than the value: a string costs its quotes too "
            "(token_cost(\"CEO\") = 40 + ceil(5/4) = 42) and embeddings see the quotes (A20 §20.3.4: value_text; "
            "seed: embedded as \"{entity_display} {relation} {value_text}\")."
        ),
        "file": "recall/vectors.py",
        "find": "    v = json.loads(value_v)\n    return v if isinstance(v, str)",
        "replace": "    v = value_v\n    return v if isinstance(v, str)",
    },
    {
        "id": "b12-pack-exact-fit-refused",
        "description": (
            "A row that exactly fills the remaining budget is refused (>= instead of >): token_budget 41 with one "
            "'CEO' fact answers results [], truncated true (A20 §20.3.4: never exceed the budget; equal is within "
            "it)."
        ),
        "file": "protocol/recall.py",
        "find": "if used + pick.cost > budget:",
        "replace": "if used + pick.cost >= budget:",
    },
    {
        "id": "b12-pack-overrun",
        "description": (
            "The budget is checked before adding the row (used > budget), so the last row packed overruns it: a "
            "budget of 40 returns a 41-token row and tokens_used exceeds token_budget (A20 §20.3.4: never exceed "
            "the budget; golden budget 40 -> results [], tokens_used 0)."
        ),
        "file": "protocol/recall.py",
        "find": "if used + pick.cost > budget:",
        "replace": "if used > budget:",
    },
    {
        "id": "b12-pack-truncated-never",
        "description": (
            "truncated is never set: a recall that left candidates out for the budget (or packed nothing) answers "
            "truncated: false (A20 §20.3.4: if nothing fits, 200 with results [], truncated true, tokens_used 0)."
        ),
        "file": "protocol/recall.py",
        "find": "            truncated = True\n            continue",
        "replace": "            continue",
    },
    {
        "id": "b12-tokens-used-all-candidates",
        "description": (
            "tokens_used reports the cost of every scored candidate rather than of the rows returned, so it can "
            "exceed token_budget and differ from the sum of the results' costs (A20 §20.3 response tokens_used; "
            "§20.3.4 never exceed the budget)."
        ),
        "file": "recall/pipeline.py",
        "find": "return {\"query\": req.query, \"token_budget\": req.token_budget, \"tokens_used\": used,",
        "replace": (
            "return {\"query\": req.query, \"token_budget\": req.token_budget, "
            "\"tokens_used\": sum(c.cost for c in candidates),"
        ),
    },
    {
        "id": "b12-entity-centric-mmr",
        "description": (
            "Entity-centric recall still packs with MMR, so its results are not in descending score order when "
            "near-duplicate values are present (A20 §20.3.4: entity-centric queries disable MMR and sort by "
            "score)."
        ),
        "file": "recall/pipeline.py",
        "find": (
            "chosen, used, truncated = rules.pack(candidates, req.token_budget, "
            "None if req.entity else req.lambda_mmr,"
        ),
        "replace": "chosen, used, truncated = rules.pack(candidates, req.token_budget, req.lambda_mmr,",
        "equivalent": (
            "Entity-centric recall fetches no vectors for packing (the pipeline gives pack no cosines when entity is "
            "set), so MMR with every similarity 0 picks by lambda x score, the score order, ties to the earlier "
            "candidate (which is the score order too): the same rows in the same order whatever lambda_mmr; "
            "http:recall_entity_centric_by_score checks the order with lambda_mmr 0."
        ),
    },
    {
        "id": "b12-mmr-sign",
        "description": (
            "MMR adds the similarity term instead of subtracting it, so packing prefers near-duplicates of what it "
            "already chose (A20 §20.3.4: argmax l.score - (1 - l).max cos(f, selected); Spec-07: packing SHOULD "
            "keep results diverse)."
        ),
        "file": "protocol/recall.py",
        "find": "lam * scores - (1 - lam) * nearest",
        "replace": "lam * scores + (1 - lam) * nearest",
    },
    # The response shape.
    {
        "id": "b12-scores-debug-always",
        "description": (
            "scores_debug is filled on every recall (the test is 'is not None' on a boolean), exposing per-stage "
            "scores without debug (A20 §20.3 response: scores_debug null unless debug)."
        ),
        "file": "recall/pipeline.py",
        "find": "    if req.debug:\n        debug = [",
        "replace": "    if req.debug is not None:\n        debug = [",
    },
    # Tombstone suppression in recall and the graph (A20 §23.3; STG-TOMB-011/012).
    {
        "id": "b12-recall-tombstone-hook-off",
        "description": (
            "The recall tombstone hook suppresses nothing: facts of a tombstoned entity (and refs to it) are "
            "recalled (A20 §23.3: tombstone suppression after scope and garden filtering, before scoring and "
            "packing; Spec-07 authorization step 4)."
        ),
        "file": "recall/pipeline.py",
        "find": "hidden = suppression.suppressed_facts(conn, [r[ID] for r in rows.values()])",
        "replace": "hidden: set[str] = set()",
    },
    {
        "id": "b12-recall-legal-hold-visible",
        "description": (
            "Recall lets legal-hold tombstones through (the as_of admin exception applied to every recall): facts "
            "of an entity under a legal-hold tombstone are recalled (A20 §23.3: an active tombstone suppresses "
            "normal reads; legal hold keeps the data, not its visibility)."
        ),
        "file": "recall/suppression.py",
        "find": (
            "f\"SELECT f.id FROM facts f WHERE f.id IN ({_marks(chunk)}) "
            "AND {tombstones.suppressed('f')}\", chunk))"
        ),
        "replace": (
            "f\"SELECT f.id FROM facts f WHERE f.id IN ({_marks(chunk)}) AND "
            "{tombstones.suppressed('f', legal_hold_visible=True)}\", chunk))"
        ),
    },
    {
        "id": "b12-tombstone-entities-any-scope",
        "description": (
            "A tombstone in one scope hides the entity from walks in every scope (the scope term is lost): a team "
            "tombstone removes a public neighbour from GET /v1/graph/neighbors?scope=public (A20 §23: a tombstone "
            "covers the scopes it names; no traversal across scopes)."
        ),
        "file": "recall/suppression.py",
        "find": (
            "f\"SELECT DISTINCT entity_uri FROM tombstone_cover WHERE "
            "scope = ? AND entity_uri IN ({_marks(chunk)})\",\n"
            "            (scope, *chunk)))"
        ),
        "replace": (
            "f\"SELECT DISTINCT entity_uri FROM tombstone_cover WHERE entity_uri IN ({_marks(chunk)})\",\n"
            "            tuple(chunk)))"
        ),
    },
    {
        "id": "b12-neighbors-tombstone-off",
        "description": (
            "GET /v1/graph/neighbors ignores tombstones: a tombstoned entity is listed as a neighbour and the walk "
            "passes through it (A20 §23.3 read paths; issue: neighbours never reach a tombstoned entity)."
        ),
        "file": "api/graph.py",
        "find": "cache[node] = suppression.walkable(conn, edges)  # STG-REC-021, STG-TOMB-011",
        "replace": "cache[node] = list(edges)  # STG-REC-021, STG-TOMB-011",
    },
    # GET /v1/graph/neighbors: depth, filters, scope (A20 §20.1.5; STG-REC-012).
    {
        "id": "b12-neighbors-default-depth-2",
        "description": (
            "The neighbours route walks two hops when depth is omitted (default 2 instead of 1) (A20 §20.1.5: depth "
            "1-3, default 1; seed: bounded traversal)."
        ),
        "file": "protocol/graph.py",
        "find": "DEFAULT_DEPTH = 1",
        "replace": "DEFAULT_DEPTH = 2",
    },
    {
        "id": "b12-neighbors-depth-4-accepted",
        "description": (
            "The graph depth bound is off by one: depth 4 is walked instead of 400 graph_depth_exceeded (A20 "
            "§20.1.5: depth > 3 -> 400 graph_depth_exceeded; golden neighbors depth=4 -> 400)."
        ),
        "file": "protocol/graph.py",
        "find": "    if value > MAX_DEPTH:",
        "replace": "    if value > MAX_DEPTH + 1:",
    },
    {
        "id": "b12-neighbors-depth-3-refused",
        "description": (
            "The graph depth bound is exclusive: depth 3, the documented maximum, is 400 graph_depth_exceeded "
            "(A20 §20.1.5: depth 1-3)."
        ),
        "file": "protocol/graph.py",
        "find": "    if value > MAX_DEPTH:",
        "replace": "    if value >= MAX_DEPTH:",
    },
    {
        "id": "b12-neighbors-depth-wrong-code",
        "description": (
            "A graph depth above 3 is refused with recall_depth_exceeded instead of graph_depth_exceeded (A20 "
            "§20.8)."
        ),
        "file": "protocol/graph.py",
        "find": "    code = \"graph_depth_exceeded\"",
        "replace": "    code = \"recall_depth_exceeded\"",
    },
    {
        "id": "b12-neighbors-depth-0-accepted",
        "description": (
            "depth 0 is accepted (and answers no neighbours) instead of 400 (A20 §20.1.5: depth 1-3)."
        ),
        "file": "protocol/graph.py",
        "find": "    if value < 1:\n        raise RecallRefused(f\"depth must be >= 1, got {value}\")",
        "replace": "    if value < 0:\n        raise RecallRefused(f\"depth must be >= 1, got {value}\")",
    },
    {
        "id": "b12-neighbors-walk-short",
        "description": (
            "The BFS runs one level fewer than asked (range(1, depth)): depth 2 answers only direct neighbours and "
            "depth 1 answers none (A20 §20.1.5 depth; seed: bounded traversal, depth <= 2 by default)."
        ),
        "file": "protocol/graph.py",
        "find": "for hop in range(1, depth + 1):",
        "replace": "for hop in range(1, depth):",
    },
    {
        "id": "b12-neighbors-longest-path",
        "description": (
            "An entity already found is found again at a later hop and overwritten, so a neighbour reachable in "
            "one hop and in two is reported with hops 2 and the longer path (A20 §20.1.5: duplicate paths are "
            "deduplicated keeping the shortest, MUST)."
        ),
        "file": "protocol/graph.py",
        "find": "if not keep(edge) or edge.other == start or edge.other in found:",
        "replace": "if not keep(edge) or edge.other == start or edge.other in [p[-1] for _, p in following]:",
    },
    {
        "id": "b12-neighbors-cycle-to-start",
        "description": (
            "The walk does not exclude the start entity, so in a cycle (A -> B -> A) the start is listed as its "
            "own neighbour at hops 2 (A20 §20.1.5: every entity once at its shortest distance; cycles never "
            "revisit)."
        ),
        "file": "protocol/graph.py",
        "find": "if not keep(edge) or edge.other == start or edge.other in found:",
        "replace": "if not keep(edge) or edge.other in found:",
    },
    {
        "id": "b12-neighbors-prune-after-walk",
        "description": (
            "The edge filters (min_confidence, min_trust, relation_filter) are applied to the neighbours found "
            "instead of before the walk: an entity reached only through a pruned edge still appears at hops 2 "
            "(A20 §20.1.5: pruning happens before the BFS)."
        ),
        "file": "protocol/graph.py",
        "find": (
            "if not keep(edge) or edge.other == start or edge.other in found:\n                    continue\n"
            "                found[edge.other] = Neighbor(edge.other, edge.relation, "
            "hop, edge.confidence, edge.source_trust,\n"
            "                                             (*path, edge.other), edge.fact_id)\n"
            "                following.append((edge.other, (*path, edge.other)))\n"
            "        frontier = following\n"
            "        if not frontier:\n"
            "            break\n"
            "    return sorted(found.values(), key=lambda n: (n.hops, n.entity))"
        ),
        "replace": (
            "if edge.other == start or edge.other in found:\n                    continue\n"
            "                found[edge.other] = Neighbor(edge.other, edge.relation, "
            "hop, edge.confidence, edge.source_trust,\n"
            "                                             (*path, edge.other), edge.fact_id)\n"
            "                following.append((edge.other, (*path, edge.other)))\n"
            "        frontier = following\n"
            "        if not frontier:\n"
            "            break\n"
            "    kept = [n for n in found.values()\n"
            "            if keep(Edge(n.entity, n.relation, n.confidence, n.source_trust, n.fact_id))]\n"
            "    return sorted(kept, key=lambda n: (n.hops, n.entity))"
        ),
    },
    {
        "id": "b12-neighbors-min-confidence-exclusive",
        "description": (
            "The neighbours' min_confidence is exclusive (>): an edge of confidence exactly 0.1 is pruned with the "
            "default min_confidence 0.1 (A20 §20.1.5: min_confidence default 0.1, an inclusive floor)."
        ),
        "file": "api/graph.py",
        "find": "return edge.confidence >= min_confidence and trust >= min_trust",
        "replace": "return edge.confidence > min_confidence and trust >= min_trust",
    },
    {
        "id": "b12-neighbors-min-confidence-default-zero",
        "description": (
            "The neighbours' min_confidence defaults to 0.0 instead of 0.1: an edge of confidence 0.05 is a hop "
            "without the caller asking (A20 §20.1.5: min_confidence default 0.1)."
        ),
        "file": "api/graph.py",
        "find": "_number(request, \"min_confidence\", 0.1)",
        "replace": "_number(request, \"min_confidence\", 0.0)",
    },
    {
        "id": "b12-neighbors-untrusted-local",
        "description": (
            "An edge with no trust score (a local fact, or trust off) is taken as trust 0: any min_trust above 0 "
            "prunes every local edge (seed: trust multiplier 1.0 when trust off; A20 §20.1.5 min_trust default "
            "0.0)."
        ),
        "file": "api/graph.py",
        "find": "trust = 1.0 if edge.source_trust is None else edge.source_trust",
        "replace": "trust = 0.0 if edge.source_trust is None else edge.source_trust",
    },
    {
        "id": "b12-relation-prefix-keeps-star",
        "description": (
            "A prefix term is matched with its '*' still on (startswith('ex:*')), so relation_filter=ex:* matches "
            "no edge (A20 §20.1.5: relation_filter, prefix glob '*')."
        ),
        "file": "protocol/graph.py",
        "find": "relation.startswith(t[:-1]) if t.endswith(\"*\")",
        "replace": "relation.startswith(t) if t.endswith(\"*\")",
    },
    {
        "id": "b12-relation-exact-as-prefix",
        "description": (
            "An exact relation term is matched as a prefix: relation_filter=ex:knows also keeps ex:knows_of edges "
            "(A20 §20.1.5: comma-separated relations; only a trailing '*' makes a prefix)."
        ),
        "file": "protocol/graph.py",
        "find": "else relation == t for t in terms)",
        "replace": "else relation.startswith(t) for t in terms)",
    },
    {
        "id": "b12-relation-filter-regex-accepted",
        "description": (
            "The relation filter term is matched at its start only (match instead of fullmatch), so a regex such "
            "as memory:(a|b) is accepted instead of 400 invalid_relation_filter (A20 §20.1.5: prefix glob '*' "
            "only, never a regex; failure relation_filter=memory:(a|b) -> 400)."
        ),
        "file": "protocol/graph.py",
        "find": "if not _TERM.fullmatch(term):",
        "replace": "if not _TERM.match(term):",
    },
    {
        "id": "b12-relation-filter-wrong-code",
        "description": (
            "A bad relation filter is refused with invalid_parameter instead of invalid_relation_filter (A20 "
            "§20.8)."
        ),
        "file": "protocol/graph.py",
        "find": "    code = \"invalid_relation_filter\"",
        "replace": "    code = \"invalid_parameter\"",
    },
    {
        "id": "b12-neighbors-scope-defaulted",
        "description": (
            "A neighbours request without scope walks the public scope instead of being refused (A20 §20.1.5: "
            "scope is required; no traversal across scopes)."
        ),
        "file": "api/graph.py",
        "find": "raise ApiError(\"invalid_parameter\", \"scope is required\", parameter=\"scope\")",
        "replace": "scope = \"public\"",
    },
    {
        "id": "b12-neighbors-entity-not-normalized",
        "description": (
            "The start entity is used as given, not normalized: a start written with an upper-case authority finds "
            "no edge (edges store the normalized object), and an invalid URI is walked instead of 400 (Spec-01 "
            "entity normalization; A20 §20.1: object normalized)."
        ),
        "file": "api/graph.py",
        "find": "entity = normalize(raw_entity)",
        "replace": "entity = str(raw_entity)",
    },
    {
        "id": "b12-edges-public-always-walkable",
        "description": (
            "Public edges are walkable from every scope (e.scope = ? OR public): a scope=team walk passes through "
            "public edges (A20 §20.1.5: scope required, no traversal across scopes; property: neighbours never "
            "outside the requested scope)."
        ),
        "file": "storage/entity_edges.py",
        "find": "tail = (f\" AND e.scope = ? AND e.confidence > 0",
        "replace": "tail = (f\" AND ? IN (e.scope, 'public') AND e.confidence > 0",
    },
    {
        "id": "b12-edges-garden-open",
        "description": (
            "The edge reader's garden check is made on a constant, so edges of garden facts are hops for "
            "non-members: GET /v1/graph/neighbors lists entities reached through another garden's facts, and "
            "recall's graph stage walks them (property: neighbours never in unauthorized gardens; Spec-02 garden "
            "ACL)."
        ),
        "file": "storage/entity_edges.py",
        "find": "garden, params = visible_clause(\"f.garden_id\", reader.entity_uri, reader.node_admin)",
        "replace": "garden, params = visible_clause(\"NULL\", reader.entity_uri, reader.node_admin)",
    },
    {
        "id": "b12-edges-quarantine-walkable",
        "description": (
            "Edges of facts held in quarantine are hops: a pending pulled ref fact links its entities in "
            "GET /v1/graph/neighbors (Spec-08: pending facts MUST NOT appear in normal results)."
        ),
        "file": "storage/entity_edges.py",
        "find": "AND {garden} AND {RELEASED.format(column='f.id')} \"",
        "replace": "AND {garden} \"",
    },
    {
        "id": "b12-edges-expiry-ms",
        "description": (
            "The edge reader compares valid_until (microseconds) with the clock in milliseconds, so an expired ref "
            "fact is still a hop for ~1000x its lifetime (seed Decay: expired facts hidden from normal queries; "
            "edges MUST NOT outlive their fact)."
        ),
        "file": "storage/entity_edges.py",
        "find": (
            "rows = conn.execute(sql, (entity, scope, *params, now_us, "
            "upto, entity, scope, *params, now_us, upto))"
        ),
        "replace": (
            "rows = conn.execute(sql, (entity, scope, *params, now_us // 1000, upto, entity, scope, *params, "
            "now_us // 1000, upto))"
        ),
    },
    {
        "id": "b12-edges-retracted-walkable",
        "description": (
            "Edges zeroed by a retraction stay walkable (confidence >= 0): a retracted ref still links its "
            "entities (A20 §20.1: retraction sets the edge confidence to 0; edges MUST NOT outlive their fact)."
        ),
        "file": "storage/entity_edges.py",
        "find": "AND e.scope = ? AND e.confidence > 0",
        "replace": "AND e.scope = ? AND e.confidence >= 0",
    },
    {
        "id": "b12-edges-incoming-wrong-end",
        "description": (
            "The incoming half of the edge reader answers the object (the entity itself) as the far end, so an "
            "entity's incoming refs are never neighbours: B reached from A, but A not from B (interpretation "
            "graph_direction = both; A20 §20.1 entity_edges indexed on subject and object)."
        ),
        "file": "storage/entity_edges.py",
        "find": "f\"SELECT e.subject, e.relation, e.confidence, e.source_trust, e.id FROM entity_edges e \"",
        "replace": "f\"SELECT e.object, e.relation, e.confidence, e.source_trust, e.id FROM entity_edges e \"",
    },
    # Neighbour pages: cursor, page_size, next_cursor, total_hint (A20 §20.1.5-§20.1.6; STG-REC-013).
    {
        "id": "b12-page-size-200-refused",
        "description": (
            "page_size 200, the documented maximum, is refused (< instead of <=) (A20 §20.1.5: page_size default "
            "20, max 200)."
        ),
        "file": "api/graph.py",
        "find": "if not 1 <= size <= rules.MAX_PAGE_SIZE:",
        "replace": "if not 1 <= size < rules.MAX_PAGE_SIZE:",
    },
    {
        "id": "b12-next-cursor-on-last-page",
        "description": (
            "A page that exactly reaches the end still carries a next_cursor (>= instead of >), whose page is "
            "empty (A20 §20.1.6: next_cursor MUST appear only when more pages exist)."
        ),
        "file": "api/graph.py",
        "find": "page, more = found_after[:size], len(found_after) > size",
        "replace": "page, more = found_after[:size], len(found_after) >= size",
    },
    {
        "id": "b12-cursor-repeats-last",
        "description": (
            "The cursor resumes at the last neighbour served instead of after it (>=), so every page repeats the "
            "previous page's last neighbour (property: cursor pagination neither skips nor repeats neighbours)."
        ),
        "file": "api/graph.py",
        "find": "found_after = [n for n in found if (n.hops, n.entity) > key]",
        "replace": "found_after = [n for n in found if (n.hops, n.entity) >= key]",
    },
    {
        "id": "b12-cursor-entity-only",
        "description": (
            "The cursor compares entities only while pages are ordered by (hops, entity): after a page ending at a "
            "one-hop neighbour, two-hop neighbours sorting before it are skipped (property: cursor pagination "
            "neither skips nor repeats neighbours)."
        ),
        "file": "api/graph.py",
        "find": "found_after = [n for n in found if (n.hops, n.entity) > key]",
        "replace": "found_after = [n for n in found if n.entity > key[1]]",
    },
    {
        "id": "b12-cursor-no-snapshot",
        "description": (
            "Later pages walk the graph as it is now instead of as of the first page: an edge added between pages "
            "can move a not-yet-served two-hop neighbour to one hop, before the cursor, where it is skipped "
            "(property: pagination with concurrent inserts neither skips nor repeats neighbours present at issue "
            "time; A20 §20.1.6 cursors stable for the life of the data)."
        ),
        "file": "api/graph.py",
        "find": "upto = after[\"s\"] if after else int(conn.execute(",
        "replace": "upto = int(conn.execute(",
    },
    {
        "id": "b12-cursor-not-base64url",
        "description": (
            "The cursor is standard base64 ('+' and '/') instead of base64url: a cursor containing them is not "
            "URL-safe and decodes to another payload, so the next page is refused or wrong (A20 §20.1.6: cursors "
            "MUST be base64url)."
        ),
        "file": "api/graph.py",
        "find": "return base64.urlsafe_b64encode(json.dumps(payload",
        "replace": "return base64.b64encode(json.dumps(payload",
    },
    {
        "id": "b12-total-hint-counts-hidden",
        "description": (
            "total_hint is the count of stored edges touching the entity in the scope, hidden, pruned and "
            "retracted ones included: an edge the caller cannot read raises the count (A20 §20.1.5 total_hint; "
            "Spec-07: no count reveals a hidden fact)."
        ),
        "file": "api/graph.py",
        "find": "\"next_cursor\": following, \"total_hint\": len(found)})",
        "replace": (
            "\"next_cursor\": following, \"total_hint\": _edge_count(store, entity, scope)})\n\n\n"
            "def _edge_count(store: Any, entity: str, scope: str) -> int:\n"
            "    with store.db.reading() as conn:\n"
            "        return int(conn.execute(\"SELECT count(*) FROM entity_edges WHERE (subject = ? OR object = ?) \"\n"
            "                                \"AND scope = ?\", (entity, entity, scope)).fetchone()[0])"
        ),
    },
    # Edges kept on ref facts and retractions (seed "Graph adjacency index"; A20 §20.1).
    {
        "id": "b12-edge-retraction-ignored",
        "description": (
            "A retraction (confidence 0) is treated like any fact, so the edges of the retracted triple keep their "
            "confidence and the neighbour stays listed (A20 §20.1: retraction sets the edge's confidence to 0; "
            "edges MUST NOT outlive their fact)."
        ),
        "file": "storage/entity_edges.py",
        "find": "    if confidence == 0:\n        conn.execute(_RETRACT",
        "replace": "    if confidence < 0:\n        conn.execute(_RETRACT",
    },
    {
        "id": "b12-edge-retraction-wrong-garden",
        "description": (
            "A retraction zeroes the edges of the garden-less triple whatever garden it was written in: a garden "
            "member's retraction removes the public edge, and the garden edge outlives its retracted fact (A20 "
            "§20.1: edges MUST NOT outlive their fact; Spec-02 gardens)."
        ),
        "file": "storage/entity_edges.py",
        "find": "conn.execute(_RETRACT, (entity, relation, scope, entity, relation, scope, garden_id))",
        "replace": "conn.execute(_RETRACT, (entity, relation, scope, entity, relation, scope, None))",
    },
    {
        "id": "b12-edge-retraction-any-scope",
        "description": (
            "A retraction zeroes the triple's edges in every scope: retracting (A, knows) in team removes A's "
            "public knows edge from GET /v1/graph/neighbors?scope=public (A20 §20.1: retraction of the triple; "
            "Spec-01 (entity, relation, scope))."
        ),
        "file": "storage/entity_edges.py",
        "find": (
            "WHERE subject = ? AND relation = ? AND scope = ? AND \"\n"
            "            \"confidence > 0 AND id IN (SELECT id FROM facts "
            "WHERE entity = ? AND relation = ? AND scope = ? \""
        ),
        "replace": (
            "WHERE subject = ? AND relation = ? AND ? IS NOT NULL AND \"\n"
            "            \"confidence > 0 AND id IN (SELECT id FROM facts "
            "WHERE entity = ? AND relation = ? AND ? IS NOT NULL \""
        ),
    },
    {
        "id": "b12-edge-object-raw",
        "description": (
            "The edge's object is the ref value as written, not normalized: a ref to stigmem://Example.ORG/x is not "
            "linked to the entity stigmem://example.org/x and is listed in its raw spelling (A20 §20.1: object "
            "normalized)."
        ),
        "file": "storage/entity_edges.py",
        "find": "return normalize(v) if isinstance(v, str) else None",
        "replace": "return (normalize(v) and v) if isinstance(v, str) else None",
    },
    {
        "id": "b12-edge-from-string-uri",
        "description": (
            "String values that parse as entity URIs also add edges, so a fact ex:note = \"stigmem://x/y\" (type "
            "string) makes stigmem://x/y a neighbour (A20 §20.1: edges are inserted on ref facts)."
        ),
        "file": "storage/entity_edges.py",
        "find": "    if value_type != \"ref\":\n        return None",
        "replace": "    if value_type not in (\"ref\", \"string\"):\n        return None",
    },
    {
        "id": "b12-edge-confidence-one",
        "description": (
            "Edges are written with confidence 1.0 instead of the fact's: a ref fact of confidence 0.05 is a hop "
            "under the default min_confidence 0.1 and neighbours report confidence 1.0 (seed entity_edges: "
            "confidence of the source fact; A20 §20.1.5 min_confidence)."
        ),
        "file": "storage/entity_edges.py",
        "find": (
            "    if target is not None:\n"
            "        conn.execute(_INSERT, (fact_id, entity, relation, target, scope, confidence, source_trust,\n"
        ),
        "replace": (
            "    if target is not None:\n"
            "        conn.execute(_INSERT, (fact_id, entity, relation, target, scope, 1.0, source_trust,\n"
        ),
    },
]
