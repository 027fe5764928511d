// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:MEASURED]->(:Benchmark) from table measurements.
// parameters: rows
// row = {src: <enterprise_id>, dst: <benchmark_id>, merge_key: <json of [measured_on]>, props: {value, measured_on}}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.id = row.src
MATCH (b:Benchmark) WHERE b.id = row.dst
MERGE (a)-[r:MEASURED {merge_key: row.merge_key}]->(b)
SET r += row.props
