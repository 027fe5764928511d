// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Region)-[:WITHIN]->(:Region) from column regions.parent.
// parameters: rows
// row = {src: <code>, dst: <parent>}
UNWIND $rows AS row
MATCH (a:Region) WHERE a.code = row.src
MATCH (b:Region) WHERE b.code = row.dst
MERGE (a)-[:WITHIN]->(b)
