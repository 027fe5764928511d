// Generated from chaingraph/model.py by chaingraph.neo4j_backend.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:SUPPLIES]->(:Enterprise) from table supplies.
// parameters: rows
// row = {src, dst, merge_key: <json of [product]>, props: {product, value}}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.uscc = row.src
MATCH (b:Enterprise) WHERE b.uscc = row.dst
MERGE (a)-[r:SUPPLIES {merge_key: row.merge_key}]->(b)
SET r += row.props
