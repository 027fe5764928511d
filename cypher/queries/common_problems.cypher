// Named query common_problems (共性质量问题清单), run by chaingraph.neo4j_graph.Neo4jGraph.common_problems
// (and by Neo4jGraph.chain_map for the problem statistics on the map). Cypher counts; Python turns the rows
// into a chaingraph.queries.problems.ProblemCounts and finishes the list with finish_problems, the code the
// embedded engine runs on its own counts (Wilson bound, ranking, Pareto share, labels).
// Scope: enterprises whose region_code starts with $region_prefix ('' = every region; province 2 digits,
// city 4, county 6) that operate in segment $segment or, when it is null, in a segment PART_OF chain
// $chain; a firm's segments are those it has in that scope (all memberships, not only the first).
// Per (firm, problem): the highest severity, the latest recorded status (observations ordered by
// observed_on, undated first, same-day ones by source; collect() skips nulls; none recorded = 'open'),
// the number of observations and the evidence sources. $include_resolved = false leaves out the pairs
// whose latest status is 'resolved', from every count.
// $as_of (a date, null = no filter): the state on that date: observations after it, designations (LEADS since)
// and measurements after it are left out; undated ones always count (chaingraph.graph.asof).
// parameters: region_prefix, chain, segment, include_resolved, as_of
//
// 1. Scope firms grouped by their segments: the scope size is the sum of `firms`, a segment's size the
//    sum over the rows that list it.
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
WITH [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain)
      WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain | s.id] AS segment_ids
WHERE size(segment_ids) > 0
RETURN segment_ids, count(*) AS firms;
//
// 2. The (firm, problem) pairs, summed by problem, firm segments and sources: a problem's counts are the
//    sums (max, union) over its rows, its firms in a segment the sum of `affected` over the rows listing it.
MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
WITH e, [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain)
         WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain | s.id] AS segment_ids
WHERE size(segment_ids) > 0
MATCH (e)-[o:HAS_PROBLEM]->(p:Problem)
WHERE $as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of
WITH e, segment_ids, p, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, segment_ids, p,
     max(o.severity) AS severity,
     coalesce(collect(o.status)[-1], 'open') AS status,
     count(o) AS n_obs,
     collect(DISTINCT o.source) AS sources
WHERE $include_resolved OR status <> 'resolved'
RETURN p.id AS problem_id,
       segment_ids,
       sources,
       count(*) AS affected,
       sum(severity) AS sev_sum,
       max(severity) AS max_severity,
       sum(n_obs) AS observations,
       count(CASE WHEN status = 'open' THEN p END) AS open,
       count(CASE WHEN status = 'improving' THEN p END) AS improving,
       count(CASE WHEN status = 'resolved' THEN p END) AS resolved;
//
// 3. Designated leaders affected: scope firms that lead the chain ($chain null: any chain) for a region
//    that contains them (LOCATED_IN, then WITHIN up to the designation's region), per problem they have.
MATCH (e:Enterprise)-[l:LEADS]->(lc:Chain)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR lc.id = $chain)
  AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
  AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
  AND EXISTS {
    (e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain
  }
WITH DISTINCT e
MATCH (e)-[o:HAS_PROBLEM]->(p:Problem)
WHERE $as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of
WITH e, p, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, p, coalesce(collect(o.status)[-1], 'open') AS status
WHERE $include_resolved OR status <> 'resolved'
RETURN p.id AS problem_id, e.name AS enterprise;
//
// 4. The scope's mean of each benchmark metric over the firms' latest measurements (undated first).
MATCH (e:Enterprise)-[m:MEASURED]->(b:Benchmark)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR m.measured_on IS NULL OR m.measured_on <= $as_of)
  AND EXISTS {
    (e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain
  }
WITH e, b, m
ORDER BY m.measured_on IS NOT NULL, m.measured_on
WITH b, e, collect(m.value)[-1] AS value
RETURN b.id AS benchmark_id, avg(value) AS scope_mean
