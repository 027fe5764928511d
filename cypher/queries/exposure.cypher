// Named query exposure (风险传导), run by chaingraph.neo4j_graph.Neo4jGraph.exposure.
// The breadth-first search downstream (supplier -> customer) from the affected firms is driven by
// Python one supply step at a time (statement 2 with the frontier as a parameter), in the same
// read transaction: each firm is visited once, at its shortest distance, and its `via` is that of
// its smallest-uscc supplier in the frontier, as chaingraph/queries/exposure.py does (with the
// supplies table in key order). Plain Cypher has no first-visit BFS without APOC.
// parameters: region_prefix, chain, problem, frontier, usccs
//
// 1. Scope firms with problem $problem and their latest non-null status (undated first,
//    same-day by source).
MATCH (e:Enterprise)-[o:HAS_PROBLEM]->(p:Problem {id: $problem})
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
WITH e, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, collect(o.status) AS statuses
RETURN e.uscc AS uscc, statuses[-1] AS status;
//
// 2. One supply step: the customers of the firms in $frontier.
MATCH (a:Enterprise)-[:SUPPLIES]->(b:Enterprise)
WHERE a.uscc IN $frontier
RETURN DISTINCT a.uscc AS supplier, b.uscc AS customer;
//
// 3. The firms reached ($usccs): attributes, segments and whether each is in the asked scope.
MATCH (e:Enterprise)
WHERE e.uscc IN $usccs
RETURN e.uscc AS uscc,
       e.name AS enterprise,
       e.region_code AS region_code,
       e.size AS size,
       [(e)-[:OPERATES_IN]->(s:Segment) | s.id] AS segment_ids,
       e.region_code STARTS WITH $region_prefix
         AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
         AS in_scope
