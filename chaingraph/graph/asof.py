"""The graph as it was on a date (``as_of``): what every named query answers with ``as_of=DATE``.

:func:`graph_as_of` returns a :class:`~chaingraph.graph.core.ChainGraph` over the same node tables
(so positions stay valid) whose dated relationship tables keep only the rows recorded on or before
the date:

=================  ==================  ==========================================================
table              date column         kept
=================  ==================  ==========================================================
observations       ``observed_on``     observed on or before the date, or undated
measurements       ``measured_on``     measured on or before the date, or undated
certifications     ``issued``          issued on or before the date, or undated (validity: not
                                       expired on the date, the ``data_date`` of the result)
assistance         ``started``         started on or before the date, or undated
leaders            ``since``           designated on or before the date, or undated
=================  ==================  ==========================================================

Undated rows count at every date: their date is unknown, and leaving them out would make a past
list lose facts that may well have been true then (docs/decisions.md). Firms, memberships and supply
relationships are not dated in the model and are kept as they are.

The result's ``meta["data_date"]`` is the date itself (certificates are valid on it when not
expired), and its precomputed cubes are rebuilt from the kept rows on first use: the exact, slower
path. The sliced graph is cached per (graph, date) while the graph lives.

Example
-------
>>> g2023 = graph_as_of(g, "2023-12-31")  # doctest: +SKIP
>>> g2023.meta["data_date"]  # doctest: +SKIP
'2023-12-31'
"""

from __future__ import annotations

import datetime as dt
import weakref

import numpy as np
import pandas as pd

DATED: dict[str, str] = {"observations": "observed_on", "measurements": "measured_on", "certifications": "issued",
                         "assistance": "started", "leaders": "since"}
"""Table → the date column ``as_of`` filters on (undated rows are kept)."""

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KEEP = 4


def parse_as_of(as_of: str | dt.date | pd.Timestamp | None) -> dt.date | None:
    """``as_of`` as a date (None stays None).

    Raises
    ------
    ValueError
        If the text is not a date (``YYYY-MM-DD``).

    Example
    -------
    >>> parse_as_of("2023-12-31")
    datetime.date(2023, 12, 31)
    """
    if as_of is None:
        return None
    if isinstance(as_of, pd.Timestamp):
        return as_of.date()
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ValueError(f"as_of must be a date (YYYY-MM-DD), got {as_of!r}") from None


def graph_as_of(graph, as_of: str | dt.date | None):
    """The graph as it was on ``as_of`` (``graph`` itself for None); see the module text.

    Parameters
    ----------
    graph : ChainGraph
    as_of : str or datetime.date or None

    Returns
    -------
    ChainGraph
        Same node tables, dated relationship rows up to ``as_of``, ``meta["data_date"] = as_of``.

    Raises
    ------
    ValueError
        If ``as_of`` is not a date.

    Example
    -------
    >>> graph_as_of(g, None) is g  # doctest: +SKIP
    True
    """
    day = parse_as_of(as_of)
    if day is None:
        return graph
    per_graph = _CACHE.setdefault(graph, {})
    hit = per_graph.get(day)
    if hit is not None:
        return hit
    from chaingraph.graph.core import ChainGraph

    stamp = np.datetime64(day.isoformat(), "s")
    tables = dict(graph.tables)
    for name, col in DATED.items():
        df = tables[name]
        when = df[col].to_numpy(dtype="datetime64[s]")
        keep = np.isnat(when) | (when <= stamp)
        if not keep.all():
            tables[name] = df[keep].reset_index(drop=True)
    meta = {**graph.meta, "data_date": day.isoformat(), "as_of": day.isoformat()}
    sliced = ChainGraph(tables, name=graph.name, meta=meta, indexed=True)
    if len(per_graph) >= _KEEP:  # a few dates per graph (a national graph's slice is large)
        del per_graph[next(iter(per_graph))]
    per_graph[day] = sliced
    return sliced
