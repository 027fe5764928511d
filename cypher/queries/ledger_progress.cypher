// Named query progress (目标进度), run by chaingraph.neo4j.graph.Neo4jGraph.progress with the whole graph's
// ledger rows (ledger.cypher, no scope); chaingraph.queries.progress.finish_progress finishes.
// 1. The targets (none: the national targets of the 2024 action plan apply).
// parameters:
MATCH (t:Target)
RETURN t.id AS id, t.metric AS metric, t.region_code AS region_code, t.chain_id AS chain_id,
       t.target AS target, t.deadline AS deadline, t.baseline AS baseline;

// 2. Every observation (firm, problem, source, date, status): the latest recorded status per pair is taken
// in Python, on the baseline and on as_of.
// parameters:
MATCH (e:Enterprise)-[o:HAS_PROBLEM]->(p:Problem)
RETURN e.id AS enterprise_id, p.id AS problem_id, o.source AS source, o.observed_on AS observed_on,
       o.status AS status;

// 3. Firm x chain memberships with the firm's county: the scopes of the chain problems.
// parameters:
MATCH (e:Enterprise)-[:OPERATES_IN]->(s:Segment)
RETURN DISTINCT e.id AS enterprise_id, e.region_code AS region_code, s.chain_id AS chain_id
