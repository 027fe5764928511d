// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :Segment from table segments, keyed by id.
// parameters: rows
// row = {key: <id>, props: {chain_id, name, stage, order, key_link}}
UNWIND $rows AS row
MERGE (n:Segment {id: row.key})
SET n += row.props
