// Named query leaders (链主企业), run by chaingraph.neo4j_graph.Neo4jGraph.leaders.
// Scope: enterprises whose region_code starts with $region_prefix and that operate in a segment
// PART_OF chain $chain (null: any). PageRank, reach within `hops` supply steps, percentile scores
// and the shortlist are computed in Python (networkx) on the in-scope supply graph, as
// chaingraph/queries/leaders.py does: plain Cypher has no PageRank without GDS.
// parameters: region_prefix, chain
//
// 1. Scope firms with their segments and their designations as leader of the chain (any region).
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.uscc AS uscc,
       e.name AS enterprise,
       e.size AS size,
       [(e)-[:OPERATES_IN]->(s:Segment) | s.id] AS segment_ids,
       [(e)-[l:LEADS]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | l.region_code] AS designated_regions,
       [(e)-[l:LEADS]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | l.since] AS since;
//
// 2. Supply edges with both ends in scope, parallel edges (products) collapsed and counted.
MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise)
WHERE a.region_code STARTS WITH $region_prefix
  AND b.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL
       OR EXISTS { (a)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
          AND EXISTS { (b)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN a.uscc AS source, b.uscc AS target, count(r) AS products
