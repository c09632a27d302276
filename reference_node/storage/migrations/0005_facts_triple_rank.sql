-- The preferred facts of a triple, read in rank order (interpretation conflict_cardinality = winner, STG-CONF-018):
-- with this index a new fact's pairing reads the top of its triple, not every sibling, so write latency does not
-- grow with the number of contradicting siblings (issue 11: flat from 1 to 1,000 siblings).
CREATE INDEX facts_triple_rank ON facts (entity, relation, scope, confidence DESC, hlc DESC);
