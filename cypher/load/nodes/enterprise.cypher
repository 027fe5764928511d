// Generated from chaingraph/model.py by chaingraph.neo4j_backend.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :Enterprise from table enterprises, keyed by uscc.
// parameters: rows
// row = {key: <uscc>, props: {name, region_code, size, employees, revenue, founded, qms_certified}}
UNWIND $rows AS row
MERGE (n:Enterprise {uscc: row.key})
SET n += row.props
