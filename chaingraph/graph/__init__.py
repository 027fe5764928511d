"""Step 3 — the graph: typed tables, graph views, precomputed aggregates and the on-disk store.

* :mod:`~chaingraph.graph.core` — :class:`ChainGraph` (built from a validated dataset) and :class:`Scope`
* :mod:`~chaingraph.graph.aggregates` — problem cubes and sizes precomputed at build time
* :mod:`~chaingraph.graph.store` — the Parquet store (``save`` / ``load`` / ``open_graph``)

Example
-------
>>> from chaingraph.graph import ChainGraph, Scope  # doctest: +SKIP
"""

from chaingraph.graph.core import (
    ChainGraph,
    Scope,
    empty_table,
    match_chain,
    match_segment,
    positions,
    sort_order,
    take_rows,
)

__all__ = ["ChainGraph", "Scope", "empty_table", "match_chain", "match_segment", "positions", "sort_order",
           "take_rows"]
