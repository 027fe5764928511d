// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :Target from table targets, keyed by id.
// parameters: rows
// row = {key: <id>, props: {metric, region_code, chain_id, target, deadline, baseline}}
UNWIND $rows AS row
MERGE (n:Target {id: row.key})
SET n += row.props
