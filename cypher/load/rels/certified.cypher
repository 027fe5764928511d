// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:CERTIFIED]->(:CertificationBody) from table certifications.
// parameters: rows
// row = {src: <enterprise_id>, dst: <body_id>, merge_key: <json of [standard, cert_no]>, props: {standard, cert_no, issued, expires}}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.id = row.src
MATCH (b:CertificationBody) WHERE b.id = row.dst
MERGE (a)-[r:CERTIFIED {merge_key: row.merge_key}]->(b)
SET r += row.props
