// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:SUPPLIES]->(:Enterprise) from table supplies.
// parameters: rows
// row = {src: <supplier_id>, dst: <customer_id>, merge_key: <json of [product]>, props: {product, value}}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.id = row.src
MATCH (b:Enterprise) WHERE b.id = row.dst
MERGE (a)-[r:SUPPLIES {merge_key: row.merge_key}]->(b)
SET r += row.props
