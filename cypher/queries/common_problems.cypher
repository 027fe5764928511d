// Named query common_problems (共性质量问题清单), run by chaingraph.neo4j_graph.Neo4jGraph.common_problems.
// Scope: enterprises whose region_code starts with $region_prefix ('' = every region; province 2 digits,
// city 4, county 6) that operate in segment $segment, or else in a segment PART_OF chain $chain
// (both null = every enterprise). Three statements, run in one read transaction; Python finishes the
// list from their rows exactly as chaingraph/queries/problems.py does from its tables (Wilson bound,
// Pareto cumulative share, rank, segment labels).
// parameters: region_prefix, chain, segment
//
// 1. Scope firms grouped by the segments they operate in (scope_size is the sum of `firms`; Python
//    derives each firm's primary segment, the most upstream one, for the per-segment rule).
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND CASE
    WHEN $segment IS NOT NULL THEN EXISTS { (e)-[:OPERATES_IN]->(:Segment {id: $segment}) }
    WHEN $chain IS NOT NULL THEN EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
    ELSE true
  END
WITH [(e)-[:OPERATES_IN]->(s:Segment) | s.id] AS segment_ids
RETURN segment_ids, count(*) AS firms;
//
// 2. One row per (scope firm, problem): highest severity, latest non-null status (observations
//    ordered by observed_on with undated ones first, same-day ones by source; collect() skips
//    nulls), observation count, evidence sources, the earliest date (and whether any observation
//    is undated: those sort first), the firm's segments, whether it leads the chain.
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND CASE
    WHEN $segment IS NOT NULL THEN EXISTS { (e)-[:OPERATES_IN]->(:Segment {id: $segment}) }
    WHEN $chain IS NOT NULL THEN EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
    ELSE true
  END
MATCH (e)-[o:HAS_PROBLEM]->(p:Problem)
WITH e, p, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, p,
     max(o.severity) AS severity,
     collect(o.status) AS statuses,
     count(o) AS observations,
     collect(DISTINCT o.source) AS sources,
     min(o.observed_on) AS first_observed,
     count(o.observed_on) < count(o) AS undated
RETURN p.id AS problem_id,
       e.uscc AS uscc,
       e.name AS enterprise,
       severity,
       statuses[-1] AS status,
       observations,
       sources,
       first_observed,
       undated,
       [(e)-[:OPERATES_IN]->(s:Segment) | s.id] AS segment_ids,
       EXISTS { (e)-[:LEADS]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain } AS is_leader;
//
// 3. Scope mean of each benchmark metric over the firms' latest measurements.
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND CASE
    WHEN $segment IS NOT NULL THEN EXISTS { (e)-[:OPERATES_IN]->(:Segment {id: $segment}) }
    WHEN $chain IS NOT NULL THEN EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
    ELSE true
  END
MATCH (e)-[m:MEASURED]->(b:Benchmark)
WITH e, b, m
ORDER BY m.measured_on IS NOT NULL, m.measured_on
WITH b, e, collect(m.value)[-1] AS value
RETURN b.id AS benchmark_id, avg(value) AS scope_mean
