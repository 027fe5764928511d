// Named query weak_links (薄弱环节), run by chaingraph.neo4j_graph.Neo4jGraph.weak_links.
// Scope: enterprises whose region_code starts with $region_prefix and that operate in a segment
// PART_OF chain $chain (required). chaingraph.queries.weak_links.finish_weak_links finds, from these
// rows, the gaps, the single-supplier dependencies (by the supplier's primary segment), the
// articulation points of the undirected in-scope supply network (networkx) and the problem-dense
// segments, as for the embedded engine.
// $as_of (a date, null = no filter): the state on that date; observations after it are left out, undated ones
// always count (chaingraph.graph.asof).
// parameters: region_prefix, chain, as_of
//
// 1. Scope firms: their segments in the chain and their observation count (all problems).
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
RETURN e.id AS enterprise_id,
       e.name AS enterprise,
       [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(:Chain {id: $chain}) | s.id] AS segment_ids,
       COUNT {
         (e)-[o:HAS_PROBLEM]->(:Problem) WHERE $as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of
       } AS observations;
//
// 2. Distinct (supplier, customer) pairs with the customer in scope (the supplier anywhere) and the
//    supplier's segments in the chain (a pair whose supplier is in scope too is an in-scope edge).
MATCH (a:Enterprise)-[:SUPPLIES]->(e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
WITH DISTINCT a, e
RETURN a.id AS supplier,
       a.name AS supplier_name,
       e.id AS customer,
       [(a)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(:Chain {id: $chain}) | s.id] AS supplier_segment_ids
