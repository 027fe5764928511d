// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :Problem from table problems, keyed by id.
// parameters: rows
// row = {key: <id>, props: {name, category, kind, standard_ref, benchmark_id}}
UNWIND $rows AS row
MERGE (n:Problem {id: row.key})
SET n += row.props
