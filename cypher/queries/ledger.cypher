// Named query ledger (帮扶台账), run by chaingraph.neo4j.graph.Neo4jGraph.ledger, ledger_summary and progress.
// Cypher selects, chaingraph.queries.ledger.finish_ledger finishes (as_of, body and status filters, days open,
// labels, order), as for the embedded engine. One row per ASSISTS relationship (an assistance record) of a
// firm whose region_code starts with $region_prefix and, when $chain is given, that operates in a segment
// PART_OF that chain; with the chains the firm operates in and the names of the body and the problem.
// parameters: region_prefix, chain
MATCH (b:CertificationBody)-[r:ASSISTS]->(e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
OPTIONAL MATCH (p:Problem {id: r.problem_id})
RETURN b.id AS body_id, b.name AS body, e.id AS enterprise_id, e.name AS enterprise, e.uscc AS uscc,
       e.size AS size, e.region_code AS region_code,
       COLLECT { MATCH (e)-[:OPERATES_IN]->(s:Segment) RETURN DISTINCT s.chain_id } AS chain_ids,
       r.problem_id AS problem_id, p.name AS problem, r.dimension AS dimension, r.started AS started,
       r.ended AS ended, r.status AS status, r.effects AS effects, r.satisfaction AS satisfaction,
       r.certified_after AS certified_after, r.outcome AS outcome,
       r.revenue_before AS revenue_before, r.revenue_after AS revenue_after,
       r.output_before AS output_before, r.output_after AS output_after,
       r.profit_margin_before AS profit_margin_before, r.profit_margin_after AS profit_margin_after
