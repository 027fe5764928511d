"""Neo4j backend: load a :class:`~chaingraph.graph.ChainGraph` into Neo4j, idempotently.

The same data model as the embedded engine (:mod:`chaingraph.model`), stored as a
Neo4j property graph:

* one node label per node table, keyed by the model's key (``Region.code``, ``id`` for the
  others, ``Enterprise.id`` included since schema 2), with a uniqueness constraint on it;
  the enterprise's credit code (``uscc``), stock code and the other identity columns are
  ordinary optional properties;
* one relationship type per relationship table, plus the relationships folded into
  foreign-key columns (``PART_OF`` from ``segments.chain_id``, ``LOCATED_IN`` from
  ``enterprises.region_code``, ``WITHIN`` from ``regions.parent``).

Loading (:func:`push`) runs ``cypher/schema/constraints.cypher`` first, then one
``UNWIND $rows AS row MERGE ...`` statement per node label and per relationship
type (``cypher/load/nodes/*.cypher``, ``cypher/load/rels/*.cypher``), in batches,
each batch one managed write transaction (the driver retries transient failures).
Every statement is idempotent, so a load that failed half-way is resumed by running
:func:`push` again. Afterwards the node count of every label and the relationship
count of every type are read back and compared with the rows sent.

Decisions worth knowing
-----------------------
* **Missing values.** A missing (NA) property is sent as ``null`` in ``row.props``;
  ``SET n += row.props`` removes a property set to null, so re-loading corrected data
  never leaves a stale value behind. Nodes and relationships never store nulls.
* **Relationship identity.** A relationship is identified by its endpoints plus the
  rest of its table key (``product`` for ``SUPPLIES``; ``source`` and ``observed_on``
  for ``HAS_PROBLEM`` …). Several of those columns are optional, and Neo4j refuses to
  ``MERGE`` on a null property value, so the identity is one property ``merge_key``:
  the JSON list of those key values (``["felt"]``, ``["survey","2024-03-01"]``,
  ``[null]``). The key columns are also stored as ordinary properties; queries use
  those and ignore ``merge_key``. Types keyed by their endpoints alone (``FEEDS``,
  ``OPERATES_IN``, ``WITHIN``, ``PART_OF``, ``LOCATED_IN``) have no ``merge_key``.
* **Foreign keys kept as properties.** ``Enterprise.region_code`` and
  ``Segment.chain_id`` are stored as properties as well as edges, and indexed: region
  scopes are code prefixes (330000 covers 3305xx and 330502), so
  ``e.region_code STARTS WITH $prefix`` is one index range seek, with no traversal of
  ``LOCATED_IN``/``WITHIN``. The enterprise sheet's ``segment_id`` shortcut is *not*
  stored: it is folded into ``OPERATES_IN``.
* **Labels, types and property keys** come from the model only: every label or type
  put into Cypher text goes through :func:`safe_label` / :func:`safe_rel_type`, every
  property key through :func:`safe_property`; values are only ever parameters.
* **Counts.** ``found`` counts the whole database, so a database that already holds
  other chaingraph data fails the check; load into an empty (or dedicated) database,
  or pass ``clear=True`` to delete the model's nodes first.

Example
-------
>>> from chaingraph.neo4j_backend import connect, push  # doctest: +SKIP
>>> driver = connect()  # NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD  # doctest: +SKIP
>>> report = push(graph, driver, batch_size=5000)  # doctest: +SKIP
>>> report[["kind", "name", "expected", "found", "ok"]]  # doctest: +SKIP

The code lives in topic modules, re-exported here: :mod:`~chaingraph.neo4j.connect` (connection,
redaction), :mod:`~chaingraph.neo4j.cypher` (the ``.cypher`` files), :mod:`~chaingraph.neo4j.schema`
(guards, specs, rendered statements), :mod:`~chaingraph.neo4j.rows` (rows → parameters, load steps)
and :mod:`~chaingraph.neo4j.push` (constraints, batches, counts).
"""

from __future__ import annotations

from chaingraph.neo4j.connect import DEFAULT_URI, DEFAULT_USER, URI_SCHEMES, connect, log
from chaingraph.neo4j.cypher import CYPHER_PACKAGE, declared_parameters, load_cypher, split_statements
from chaingraph.neo4j.push import CONSTRAINTS_FILE, REPORT_COLUMNS, push
from chaingraph.neo4j.rows import (
    LoadStep,
    check_dtypes,
    column_values,
    node_rows,
    node_step,
    plan,
    rel_rows,
    rel_step,
)
from chaingraph.neo4j.schema import (
    MERGE_KEY,
    NodeSpec,
    RelSpec,
    clear_statement,
    count_statement,
    dynamic_statements,
    graph_schema,
    node_specs,
    node_statement,
    property_keys,
    rel_specs,
    rel_statement,
    render_load_cypher,
    safe_label,
    safe_property,
    safe_rel_type,
    write_load_cypher,
)
from chaingraph.neo4j.schema import _snake as _snake

__all__ = [
    "CONSTRAINTS_FILE", "CYPHER_PACKAGE", "DEFAULT_URI", "DEFAULT_USER", "MERGE_KEY", "REPORT_COLUMNS", "URI_SCHEMES",
    "LoadStep", "NodeSpec", "RelSpec", "check_dtypes", "clear_statement", "column_values", "connect",
    "count_statement", "declared_parameters", "dynamic_statements", "graph_schema", "load_cypher", "log",
    "node_rows", "node_specs", "node_statement", "node_step", "plan", "property_keys", "push", "rel_rows",
    "rel_specs", "rel_statement", "rel_step", "render_load_cypher", "safe_label", "safe_property", "safe_rel_type",
    "split_statements", "write_load_cypher",
]
