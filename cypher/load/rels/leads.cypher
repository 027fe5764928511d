// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();
// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).
// (:Enterprise)-[:LEADS]->(:Chain) from table leaders.
// parameters: rows
// row = {src: <enterprise_id>, dst: <chain_id>, merge_key: <json of [region_code]>, props: {region_code, since}}
UNWIND $rows AS row
MATCH (a:Enterprise) WHERE a.id = row.src
MATCH (b:Chain) WHERE b.id = row.dst
MERGE (a)-[r:LEADS {merge_key: row.merge_key}]->(b)
SET r += row.props
