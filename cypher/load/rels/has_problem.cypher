// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:HAS_PROBLEM]->(:Problem) from table observations.
// parameters: rows
// row = {src: <enterprise_id>, dst: <problem_id>, merge_key: <json of [source, observed_on]>, props: {severity, source, observed_on, status}}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.id = row.src
MATCH (b:Problem) WHERE b.id = row.dst
MERGE (a)-[r:HAS_PROBLEM {merge_key: row.merge_key}]->(b)
SET r += row.props
