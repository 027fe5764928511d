// Named query leaders (链主企业), run by chaingraph.neo4j_graph.Neo4jGraph.leaders and .leader_reach.
// Scope: enterprises whose region_code starts with $region_prefix and that operate in a segment
// PART_OF chain $chain (null: every enterprise of the region). PageRank, reach within `hops` supply
// steps, the shortlist and the scores are computed on these rows by chaingraph.queries.leaders
// (finish_leaders, finish_leader_reach: networkx), as for the embedded engine: plain Cypher has no
// PageRank without GDS.
// $as_of (a date, null = no filter): the state on that date; designations (LEADS since) after it are left out, undated ones
// always count (chaingraph.graph.asof).
// parameters: region_prefix, chain, as_of
//
// 1. Scope firms: size, segments in the chain, and whether the firm leads the chain ($chain null: any
//    chain) for a region that contains it (LOCATED_IN, then WITHIN up to the designation's region).
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.id AS enterprise_id,
       e.name AS enterprise,
       e.size AS size,
       [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | s.id]
         AS segment_ids,
       EXISTS {
         (e)-[l:LEADS]->(lc:Chain)
         WHERE ($chain IS NULL OR lc.id = $chain)
           AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
           AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
       } AS designated;
//
// 2. The scope firms' designations as leader of the chain, for a region that contains the firm.
MATCH (e:Enterprise)-[l:LEADS]->(c:Chain)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL
       OR c.id = $chain AND EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
  AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
  AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
RETURN e.id AS enterprise_id, l.region_code AS region_code, l.since AS since;
//
// 3. Supply edges with both ends in scope, parallel edges (products) collapsed and counted.
MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise)
WHERE a.region_code STARTS WITH $region_prefix
  AND b.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL
       OR EXISTS { (a)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
          AND EXISTS { (b)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN a.id AS source, b.id AS target, count(r) AS products
