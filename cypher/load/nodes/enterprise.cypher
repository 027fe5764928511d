// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :Enterprise from table enterprises, keyed by id.
// parameters: rows
// row = {key: <id>, props: {uscc, stock_code, name, short_name, region_code, region_source, address, size, employees, revenue, founded, qms_certified, id_source}}
UNWIND $rows AS row
MERGE (n:Enterprise {id: row.key})
SET n += row.props
