// Named query exposure (风险传导), run by chaingraph.neo4j_graph.Neo4jGraph.exposure.
// The breadth-first search downstream (supplier -> customer) from the affected firms is driven by
// Python one supply step at a time (statement 2 with the frontier as a parameter), in the same read
// transaction: each firm is visited once, at its shortest distance, and takes the `via` of its
// smallest-id supplier in the frontier, as the embedded search does over the supplies table in key
// order. Plain Cypher has no first-visit BFS without APOC. chaingraph.queries.exposure.finish_exposure
// finishes the frame, as for the embedded engine.
// $as_of (a date, null = no filter): the state on that date; observations after it are left out, undated ones
// always count (chaingraph.graph.asof).
// parameters: region_prefix, chain, problem, include_resolved, as_of, frontier, ids
//
// 1. The affected firms: scope firms with problem $problem whose latest recorded status (undated first,
//    same-day by source; none recorded = 'open') is not 'resolved', unless $include_resolved.
MATCH (e:Enterprise)-[o:HAS_PROBLEM]->(p:Problem {id: $problem})
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of)
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
WITH e, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, coalesce(collect(o.status)[-1], 'open') AS status
WHERE $include_resolved OR status <> 'resolved'
RETURN e.id AS enterprise_id;
//
// 2. One supply step: the customers of the firms in $frontier.
MATCH (a:Enterprise)-[:SUPPLIES]->(b:Enterprise)
WHERE a.id IN $frontier
RETURN DISTINCT a.id AS supplier, b.id AS customer;
//
// 3. The firms reached ($ids, enterprise ids): attributes, segments in the chain, whether each is in the asked scope.
MATCH (e:Enterprise)
WHERE e.id IN $ids
RETURN e.id AS enterprise_id,
       e.name AS enterprise,
       e.region_code AS region_code,
       e.size AS size,
       [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | s.id]
         AS segment_ids,
       e.region_code STARTS WITH $region_prefix
         AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
         AS in_scope
