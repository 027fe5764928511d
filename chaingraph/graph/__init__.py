"""Step 3 — the graph: typed tables, graph views, precomputed aggregates and the on-disk store.

* :mod:`~chaingraph.graph.core` — :class:`ChainGraph` (built from a validated dataset)
* :mod:`~chaingraph.graph.positions` — key positions and the canonical row order (``sort_order``, ``take_rows``)
* :mod:`~chaingraph.graph.scope` — :class:`Scope`, a region × chain (× segment) slice
* :mod:`~chaingraph.graph.names` — chain and segment names resolved to ids (both engines)
* :mod:`~chaingraph.graph.views` — the graph's views: enterprises, supply edges, networkx graphs
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
