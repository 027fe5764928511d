// Named-query support (chaingraph.neo4j_graph): every problem with its attributes and linked benchmark.
// parameters:
MATCH (p:Problem)
RETURN p.id AS id, p.name AS name, p.category AS category, p.kind AS kind,
       p.standard_ref AS standard_ref, p.benchmark_id AS benchmark_id
ORDER BY id
