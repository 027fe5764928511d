// Named-query support (chaingraph.neo4j_graph): every chain, to resolve a chain given by id or name
// the way the embedded ChainGraph.resolve_chain does (exact id, exact name, then name contains).
// parameters:
MATCH (c:Chain)
RETURN c.id AS id, c.name AS name
ORDER BY id
