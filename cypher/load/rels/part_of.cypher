// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Segment)-[:PART_OF]->(:Chain) from column segments.chain_id.
// parameters: rows
// row = {src: <id>, dst: <chain_id>}
UNWIND $rows AS row
MATCH (a:Segment) WHERE a.id = row.src
MATCH (b:Chain) WHERE b.id = row.dst
MERGE (a)-[:PART_OF]->(b)
