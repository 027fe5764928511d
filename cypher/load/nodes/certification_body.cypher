// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// Node :CertificationBody from table cert_bodies, keyed by id.
// parameters: rows
// row = {key: <id>, props: {name}}
UNWIND $rows AS row
MERGE (n:CertificationBody {id: row.key})
SET n += row.props
