// Named query chain_map (质量认证强链图谱), run by chaingraph.neo4j_graph.Neo4jGraph.chain_map together
// with the statements of common_problems.cypher (problem hot spots, HAS_PROBLEM edges and the
// problem statistics on the map). Scope: enterprises whose region_code starts with $region_prefix
// and that operate in a segment PART_OF chain $chain (null: every enterprise of the region). Python
// builds the node and edge frames as chaingraph/queries/chain_map.py does.
// parameters: region_prefix, chain
//
// 1. Scope firms: attributes, segments, certificate held, and the regions for which each firm is
//    designated leader of the chain (Python keeps those that contain the firm, by GB/T 2260 code).
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.uscc AS uscc,
       e.name AS name,
       e.region_code AS region_code,
       e.size AS size,
       e.revenue AS revenue,
       e.employees AS employees,
       e.qms_certified AS qms_certified,
       EXISTS { (e)-[:CERTIFIED]->(:CertificationBody) } AS has_certificate,
       [(e)-[l:LEADS]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | l.region_code] AS designated_regions,
       [(e)-[:OPERATES_IN]->(s:Segment) | s.id] AS segment_ids;
//
// 2. Supply edges with both ends in scope, one row per (supplier, customer): the number of supply
//    relationships (products), the distinct products and the summed value.
MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise)
WHERE a.region_code STARTS WITH $region_prefix
  AND b.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL
       OR EXISTS { (a)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
          AND EXISTS { (b)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN a.uscc AS source,
       b.uscc AS target,
       count(r) AS products,
       collect(DISTINCT r.product) AS product_list,
       sum(r.value) AS value;
//
// 3. FEEDS edges between segments of the chain (null: of every chain).
MATCH (a:Segment)-[:FEEDS]->(b:Segment)
WHERE $chain IS NULL
   OR EXISTS { (a)-[:PART_OF]->(:Chain {id: $chain}) } AND EXISTS { (b)-[:PART_OF]->(:Chain {id: $chain}) }
RETURN a.id AS source, b.id AS target;
//
// 4. The data date of the whole database: the latest observation, measurement, assistance or
//    certificate date (Python takes the latest non-null of the four).
OPTIONAL MATCH (:Enterprise)-[o:HAS_PROBLEM]->(:Problem)
WITH max(o.observed_on) AS observed_on
OPTIONAL MATCH (:Enterprise)-[m:MEASURED]->(:Benchmark)
WITH observed_on, max(m.measured_on) AS measured_on
OPTIONAL MATCH (:CertificationBody)-[a:ASSISTS]->(:Enterprise)
WITH observed_on, measured_on, max(a.started) AS started
OPTIONAL MATCH (:Enterprise)-[c:CERTIFIED]->(:CertificationBody)
RETURN observed_on, measured_on, started, max(c.issued) AS issued
