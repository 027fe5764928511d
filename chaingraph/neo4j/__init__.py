"""The Neo4j engine, beside the queries: load a graph into a server and answer the named queries there.

* :mod:`~chaingraph.neo4j.load` — loading (re-exports): :mod:`~chaingraph.neo4j.connect` (connection,
  redaction), :mod:`~chaingraph.neo4j.cypher` (the ``.cypher`` files), :mod:`~chaingraph.neo4j.schema`
  (guards, specs, rendered statements), :mod:`~chaingraph.neo4j.rows` (rows → parameters) and
  :mod:`~chaingraph.neo4j.push` (constraints, batched ``UNWIND … MERGE``, counts)
* :mod:`~chaingraph.neo4j.graph` — :class:`Neo4jGraph`: the named queries in Cypher, finished by the
  same functions as the embedded engine (:mod:`~chaingraph.neo4j.problems`, :mod:`~chaingraph.neo4j.supply`,
  on :mod:`~chaingraph.neo4j.fetch` and :mod:`~chaingraph.neo4j.inputs`); :mod:`~chaingraph.neo4j.adhoc`
  for ``chaingraph query``

The ``neo4j`` driver is imported only when a connection is made.
"""
