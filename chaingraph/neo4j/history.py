"""The history queries of :class:`~chaingraph.neo4j.graph.Neo4jGraph`: ``problem_changes``,
``compare_regions`` and the scope's firms they need (``scope_firms``).

A mixin: :class:`~chaingraph.neo4j.graph.Neo4jGraph` supplies ``_scope``, ``_read``, ``_as_of`` and
``common_problems``. Both queries are assembled by the engine-neutral functions of
:mod:`chaingraph.queries.changes` and :mod:`chaingraph.queries.compare` from this graph's own
``common_problems`` (Cypher counts) and scope firms, and finished by the same finishers.

>>> from chaingraph.neo4j.graph import Neo4jGraph
>>> issubclass(Neo4jGraph, HistoryQueries)
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from chaingraph.neo4j.fetch import _query
from chaingraph.queries.changes import FIRM_COLUMNS, problem_changes, problem_changes_between
from chaingraph.queries.compare import compare_regions
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE


class HistoryQueries:
    """``problem_changes``, ``problem_changes_between``, ``compare_regions`` and ``scope_firms``."""

    def scope_firms(self, region: str | None, chain: str | None, *,
                    as_of: str | dt.date | None = None) -> pd.DataFrame:
        """The firms of a region × chain scope (the first statement of ``chain_map.cypher``), by id.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        as_of : str or datetime.date, optional
            Accepted for symmetry: firms are not dated, the scope is the same at every date.

        Returns
        -------
        pandas.DataFrame
            :data:`chaingraph.queries.changes.FIRM_COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.scope_firms("330502", "childrenswear")  # doctest: +SKIP
        """
        params, _ = self._scope(region, chain, as_of=as_of)
        schema = {"enterprise_id": "str", "name": "str", "region_code": "str"}

        def work(tx: Any) -> pd.DataFrame:
            return _query(tx, "chain_map", 0, {**params, "valid_on": self._as_of(tx, params["as_of"])[1]}, schema)

        rows = self._read("scope_firms", work).rename(columns={"name": "enterprise"})
        return rows[list(FIRM_COLUMNS)].astype(FIRM_COLUMNS).sort_values("enterprise_id").reset_index(drop=True)

    def problem_changes(self, region: str | None, chain: str | None, *, since: str | dt.date,
                        until: str | dt.date | None = None, min_firms: int = MIN_FIRMS,
                        min_share: float = MIN_SHARE) -> pd.DataFrame:
        """The problem list on ``since`` and on ``until`` side by side, as
        :func:`chaingraph.queries.problem_changes`.

        Raises
        ------
        ScopeError
            Unknown region or chain, or no chain given.
        ValueError
            Bad dates or thresholds.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.problem_changes("吴兴区", "童装", since="2023-12-31")  # doctest: +SKIP
        """
        return problem_changes(self, region, chain, since=since, until=until, min_firms=min_firms,
                               min_share=min_share)

    def problem_changes_between(self, before: Any, region: str | None, chain: str | None, *,
                                since: str | dt.date | None = None, until: str | dt.date | None = None,
                                min_firms: int = MIN_FIRMS, min_share: float = MIN_SHARE) -> pd.DataFrame:
        """Changes from ``before`` (another graph, either engine) to this one, as
        :func:`chaingraph.queries.problem_changes_between`.

        Raises
        ------
        ScopeError
            Unknown region or chain in either graph, or no chain given.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.problem_changes_between(g2023, "吴兴区", "童装")  # doctest: +SKIP
        """
        return problem_changes_between(before, self, region, chain, since=since, until=until,
                                       min_firms=min_firms, min_share=min_share)

    def compare_regions(self, region: str | None = None, chain: str | None = None, *, min_firms: int = MIN_FIRMS,
                        min_share: float = MIN_SHARE, include_resolved: bool = True,
                        as_of: str | dt.date | None = None) -> pd.DataFrame:
        """Problem shares across the sub-regions of a region, as :func:`chaingraph.queries.compare_regions`.

        Raises
        ------
        ScopeError
            Unknown region or chain, a county, or no chain given.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.compare_regions("湖州市", "童装")  # doctest: +SKIP
        """
        return compare_regions(self, region, chain, min_firms=min_firms, min_share=min_share,
                               include_resolved=include_resolved, as_of=as_of)
