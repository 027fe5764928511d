// Named-query support (chaingraph.neo4j_graph): every segment with its chain and flow position.
// Python sorts them by (chain_id, order, id), the embedded segment order, and picks each firm's
// primary segment (the most upstream of its segments) from it.
// parameters:
MATCH (s:Segment)
RETURN s.id AS id, s.chain_id AS chain_id, s.name AS name, s.stage AS stage,
       s.order AS flow_order, s.key_link AS key_link
ORDER BY chain_id, flow_order, id
