// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Segment)-[:FEEDS]->(:Segment) from table segment_flows.
// parameters: rows
// row = {src: <from_segment>, dst: <to_segment>, props: {weight}}
UNWIND $rows AS row
MATCH (a:Segment) WHERE a.id = row.src
MATCH (b:Segment) WHERE b.id = row.dst
MERGE (a)-[r:FEEDS]->(b)
SET r += row.props
