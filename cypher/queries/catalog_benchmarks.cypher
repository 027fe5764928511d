// Named-query support (chaingraph.neo4j_graph): every benchmark metric with its advanced levels.
// parameters:
MATCH (b:Benchmark)
RETURN b.id AS id, b.metric AS metric, b.unit AS unit, b.domestic_advanced AS domestic_advanced,
       b.international_advanced AS international_advanced, b.higher_is_better AS higher_is_better
ORDER BY id
