// Named query benchmark_gaps (与先进水平比对), run by chaingraph.neo4j_graph.Neo4jGraph.benchmark_gaps.
// Scope: enterprises whose region_code starts with $region_prefix and that operate in a segment
// PART_OF chain $chain (null: any). Each firm's latest measurement of each metric (by measured_on,
// undated first) counts. Cypher counts, chaingraph.queries.benchmarks finishes (finish_benchmark_gaps,
// finish_benchmark_detail: levels, gaps signed so that positive means behind, shares, linked problems),
// as for the embedded engine.
// $as_of (a date, null = no filter): the state on that date; measurements after it are left out, undated ones
// always count (chaingraph.graph.asof).
// parameters: region_prefix, chain, as_of
//
// 1. Per metric: firms measured, mean, median, extremes, firms meeting each advanced level
//    (higher_is_better missing = true).
MATCH (e:Enterprise)-[m:MEASURED]->(b:Benchmark)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR m.measured_on IS NULL OR m.measured_on <= $as_of)
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
WITH e, b, m
ORDER BY m.measured_on IS NOT NULL, m.measured_on
WITH b, e, collect(m.value)[-1] AS value
WITH b, value, CASE WHEN coalesce(b.higher_is_better, true) THEN 1.0 ELSE -1.0 END AS sign
RETURN b.id AS benchmark_id,
       count(value) AS firms_measured,
       avg(value) AS mean,
       percentileCont(value, 0.5) AS median,
       max(value) AS max_value,
       min(value) AS min_value,
       count(CASE WHEN sign * (b.domestic_advanced - value) <= 0 THEN b END) AS meets_domestic,
       count(CASE WHEN sign * (b.international_advanced - value) <= 0 THEN b END) AS meets_international;
//
// 2. detail=True: one row per firm x metric, the latest measurement.
MATCH (e:Enterprise)-[m:MEASURED]->(b:Benchmark)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR m.measured_on IS NULL OR m.measured_on <= $as_of)
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
WITH e, b, m
ORDER BY m.measured_on IS NOT NULL, m.measured_on
WITH b, e, collect(m.value)[-1] AS value, collect(m.measured_on)[-1] AS measured_on
RETURN b.id AS benchmark_id, e.id AS enterprise_id, e.name AS enterprise, value, measured_on
