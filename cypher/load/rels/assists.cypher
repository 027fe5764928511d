// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:CertificationBody)-[:ASSISTS]->(:Enterprise) from table assistance.
// parameters: rows
// row = {src: <body_id>, dst: <enterprise_id>, merge_key: <json of [problem_id, started]>, props: {problem_id, dimension, started, status, outcome, ended, effects, satisfaction, certified_after, revenue_before, revenue_after, output_before, output_after, profit_margin_before, profit_margin_after}}
UNWIND $rows AS row
MATCH (a:CertificationBody) WHERE a.id = row.src
MATCH (b:Enterprise) WHERE b.id = row.dst
MERGE (a)-[r:ASSISTS {merge_key: row.merge_key}]->(b)
SET r += row.props
