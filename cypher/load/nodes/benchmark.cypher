// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :Benchmark from table benchmarks, keyed by id.
// parameters: rows
// row = {key: <id>, props: {metric, unit, domestic_advanced, international_advanced, higher_is_better, chain_id}}
UNWIND $rows AS row
MERGE (n:Benchmark {id: row.key})
SET n += row.props
