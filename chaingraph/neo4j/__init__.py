"""The Neo4j engine, beside the queries: load a graph into a server and answer the named queries there.

* :mod:`~chaingraph.neo4j.load` — connection, the Cypher files, constraints and batched ``UNWIND … MERGE`` push
* :mod:`~chaingraph.neo4j.graph` — :class:`Neo4jGraph`: the named queries in Cypher, finished by the
  same functions as the embedded engine

The ``neo4j`` driver is imported only when a connection is made.
"""
