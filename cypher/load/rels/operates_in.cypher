// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:OPERATES_IN]->(:Segment) from table operates_in.
// parameters: rows
// row = {src: <enterprise_id>, dst: <segment_id>}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.id = row.src
MATCH (b:Segment) WHERE b.id = row.dst
MERGE (a)-[:OPERATES_IN]->(b)
