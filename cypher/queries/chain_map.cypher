// Named query chain_map (质量认证强链图谱), run by chaingraph.neo4j_graph.Neo4jGraph.chain_map together
// with data_date.cypher and, for a chain, the statements of common_problems.cypher (the problem
// statistics on the map). Scope: enterprises whose region_code starts with $region_prefix and that
// operate in a segment PART_OF chain $chain (null: every enterprise of the region).
// chaingraph.queries.chain_map.finish_chain_map builds the node and edge frames from these rows, as
// for the embedded engine.
// $as_of (a date, null = no filter): the state on that date: certificates issued, designations (LEADS since)
// and observations after it are left out; undated ones always count (chaingraph.graph.asof).
// parameters: region_prefix, chain, as_of, valid_on
//
// 1. Scope firms: id and attributes (uscc, stock_code, short_name … null when unknown); certified (the QMS flag, or a
//    certificate not expired on $valid_on: $as_of, else the data date); whether the firm leads the chain ($chain null:
//    any chain) for a region that contains it (LOCATED_IN, then WITHIN up to the designation's region);
//    its segments in the chain.
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.id AS enterprise_id,
       e.uscc AS uscc,
       e.stock_code AS stock_code,
       e.short_name AS short_name,
       e.name AS name,
       e.region_code AS region_code,
       e.region_source AS region_source,
       e.id_source AS id_source,
       e.size AS size,
       e.revenue AS revenue,
       e.employees AS employees,
       e.qms_certified AS qms_certified,
       coalesce(e.qms_certified, false)
         OR EXISTS { (e)-[cert:CERTIFIED]->(:CertificationBody)
                     WHERE (cert.expires IS NULL OR cert.expires >= $valid_on)
                       AND ($as_of IS NULL OR cert.issued IS NULL OR cert.issued <= $as_of) }
         AS certified,
       EXISTS {
         (e)-[l:LEADS]->(lc:Chain)
         WHERE ($chain IS NULL OR lc.id = $chain)
           AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
           AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
       } AS is_leader,
       [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | s.id]
         AS segment_ids;
//
// 2. Supply relationships with both ends in scope, one row each (Python collapses them per pair).
MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise)
WHERE a.region_code STARTS WITH $region_prefix
  AND b.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL
       OR EXISTS { (a)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
          AND EXISTS { (b)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN a.id AS source, b.id AS target, r.product AS product, r.value AS value;
//
// 3. FEEDS edges between segments of the chain (null: of every chain).
MATCH (a:Segment)-[:FEEDS]->(b:Segment)
WHERE $chain IS NULL
   OR EXISTS { (a)-[:PART_OF]->(:Chain {id: $chain}) } AND EXISTS { (b)-[:PART_OF]->(:Chain {id: $chain}) }
RETURN a.id AS source, b.id AS target;
//
// 4. One row per (scope firm, problem): the highest severity observed (every status).
MATCH (e:Enterprise)-[o:HAS_PROBLEM]->(p:Problem)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of)
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.id AS enterprise_id, p.id AS problem_id, max(o.severity) AS severity
