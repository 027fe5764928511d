// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :Region from table regions, keyed by code.
// parameters: rows
// row = {key: <code>, props: {name, level}}
UNWIND $rows AS row
MERGE (n:Region {code: row.key})
SET n += row.props
