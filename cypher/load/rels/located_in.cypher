// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:LOCATED_IN]->(:Region) from column enterprises.region_code.
// parameters: rows
// row = {src: <id>, dst: <region_code>}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.id = row.src
MATCH (b:Region) WHERE b.code = row.dst
MERGE (a)-[:LOCATED_IN]->(b)
