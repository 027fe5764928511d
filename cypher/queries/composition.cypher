// Named query composition (构成、分布、质量水平), run by chaingraph.neo4j_graph.Neo4jGraph.composition.
// Cypher counts, chaingraph.queries.composition.finish_composition finishes (the "all" rows, rates, segment
// attributes, order), as for the embedded engine. One row per segment x size class: the (firm, segment)
// pairs of firms whose region_code starts with $region_prefix and of the segments PART_OF chain $chain
// (null: every segment), a firm counted in each segment it works in. Per firm: its observations (all
// problems) and their severity sum; whether any problem's latest recorded status (observations by
// observed_on, undated first, same-day by source; collect() skips nulls; none recorded = 'open') is open
// or improving; whether it is certified: the QMS flag, or a certificate not expired on $valid_on ($as_of, else
// the data date, data_date.cypher). $as_of (a date, null = no filter): observations observed and certificates
// issued after it are left out; undated ones always count (chaingraph.graph.asof).
// parameters: region_prefix, chain, as_of, valid_on
MATCH (e:Enterprise)-[:OPERATES_IN]->(s:Segment)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (s)-[:PART_OF]->(:Chain {id: $chain}) })
WITH DISTINCT e, s
OPTIONAL MATCH (e)-[o:HAS_PROBLEM]->(p:Problem)
WHERE $as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of
WITH e, s, p, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, s, p, coalesce(collect(o.status)[-1], 'open') AS status, count(o) AS n, sum(o.severity) AS severity_sum
WITH e, s,
     sum(n) AS n_obs,
     sum(severity_sum) AS sev_sum,
     count(CASE WHEN p IS NOT NULL AND status IN ['open', 'improving'] THEN p END) > 0 AS open
RETURN s.id AS segment_id,
       e.size AS size,
       count(e) AS enterprises,
       sum(e.employees) AS employees,
       sum(e.revenue) AS revenue,
       count(CASE WHEN e.qms_certified THEN e END) AS qms_certified,
       count(CASE WHEN coalesce(e.qms_certified, false)
                    OR EXISTS { (e)-[cert:CERTIFIED]->(:CertificationBody)
                                WHERE (cert.expires IS NULL OR cert.expires >= $valid_on)
                                  AND ($as_of IS NULL OR cert.issued IS NULL OR cert.issued <= $as_of) } THEN e END)
         AS certified,
       count(CASE WHEN open THEN e END) AS with_open_problems,
       sum(n_obs) AS n_obs,
       sum(sev_sum) AS sev_sum
