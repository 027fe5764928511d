"""The problem-count queries of :class:`~chaingraph.neo4j.graph.Neo4jGraph`: ``common_problems``,
``composition`` and ``benchmark_gaps`` (sums per scope, finished by the shared finishers).

A mixin: :class:`~chaingraph.neo4j.graph.Neo4jGraph` supplies ``_scope``, ``_read`` and ``_as_of``.

>>> from chaingraph.neo4j.graph import Neo4jGraph
>>> issubclass(Neo4jGraph, ProblemQueries)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from chaingraph.neo4j.fetch import _query
from chaingraph.neo4j.inputs import _CP_SCHEMAS, problem_counts
from chaingraph.queries._common import empty
from chaingraph.queries.benchmarks import LATEST_COLUMNS, STAT_COLUMNS, finish_benchmark_detail, finish_benchmark_gaps
from chaingraph.queries.composition import COUNT_COLUMNS, finish_composition
from chaingraph.queries.problems import COLUMNS as PROBLEM_COLUMNS
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE, ProblemCounts, check_thresholds, finish_problems


class ProblemQueries:
    """``common_problems``, ``composition`` and ``benchmark_gaps`` of :class:`~chaingraph.neo4j.graph.Neo4jGraph`."""

    # -- named queries ----------------------------------------------------------------------
    @staticmethod
    def _problem_counts(tx: Any, params: Mapping[str, Any], include_resolved: bool,
                        cats: Mapping[str, pd.DataFrame]) -> ProblemCounts:
        p = {**params, "include_resolved": include_resolved}
        rows = [_query(tx, "common_problems", i, p, schema) for i, schema in enumerate(_CP_SCHEMAS)]
        return problem_counts(params["chain"], *rows, catalogs=(cats["catalog_problems"], cats["catalog_segments"],
                                                                cats["catalog_benchmarks"]))

    def common_problems(self, region: str | None = None, chain: str | None = None, segment: str | None = None, *,
                        min_firms: int = MIN_FIRMS, min_share: float = MIN_SHARE,
                        include_resolved: bool = True, as_of: str | dt.date | None = None) -> pd.DataFrame:
        """The list of common quality problems (共性质量问题清单), as :func:`chaingraph.queries.common_problems`.

        Parameters
        ----------
        region : str, optional
            Region code or name; covers every region below it. None: all regions.
        chain : str, optional
            Chain id or name. None: one list per chain (chains in id order).
        segment : str, optional
            Restrict the scope to one segment of the chain.
        min_firms : int
            Minimum firms affected for a problem to count as common.
        min_share : float
            Minimum Wilson 95 % lower bound of the share of firms affected.
        include_resolved : bool
            Count firms whose latest status for the problem is ``resolved``.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.problems.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region, chain or segment.
        ValueError
            ``min_firms`` < 1 or ``min_share`` outside [0, 1].
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.common_problems("吴兴区", "童装", min_firms=5)  # doctest: +SKIP
        """
        check_thresholds(min_firms, min_share)
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems", "catalog_benchmarks",
                                   segment=segment, as_of=as_of)
        chains = [params["chain"]]
        if params["chain"] is None and params["segment"] is None:
            chains = cats["catalog_chains"]["id"].tolist()
        elif params["chain"] is None:  # a segment names its chain (rows carry it, as in the embedded engine)
            segs = cats["catalog_segments"]
            chains = segs.loc[segs["id"] == params["segment"], "chain_id"].tolist()[:1] or [None]
        counts = self._read("common_problems", lambda tx: [
            self._problem_counts(tx, {**params, "chain": c}, include_resolved, cats) for c in chains])
        if not counts:
            return empty(PROBLEM_COLUMNS)
        # one finishing call over every chain, as the embedded engine does
        return finish_problems(ProblemCounts.concat(counts), cats["catalog_problems"], cats["catalog_segments"],
                               cats["catalog_benchmarks"], min_firms=min_firms, min_share=min_share)

    def composition(self, region: str | None = None, chain: str | None = None, *,
                    as_of: str | dt.date | None = None) -> pd.DataFrame:
        """Enterprises by segment × size class with quality measures, as :func:`chaingraph.queries.composition`.

        Parameters
        ----------
        region : str, optional
            Region code or name (covers regions below it).
        chain : str, optional
            Chain id or name; None covers every chain.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.composition.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.composition("330502", "childrenswear")  # doctest: +SKIP
        """
        params, cats = self._scope(region, chain, "catalog_segments", as_of=as_of)
        counts = self._read("composition", lambda tx: _query(
            tx, "composition", 0, {**params, "valid_on": self._as_of(tx, params["as_of"])[1]}, COUNT_COLUMNS))
        return finish_composition(counts, cats["catalog_segments"])

    def benchmark_gaps(self, region: str | None = None, chain: str | None = None, *,
                       detail: bool = False, as_of: str | dt.date | None = None) -> pd.DataFrame:
        """Measured values against domestic / international advanced levels, as
        :func:`chaingraph.queries.benchmark_gaps`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        detail : bool
            One row per firm × metric instead of one per metric.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.benchmarks.COLUMNS` (or ``DETAIL_COLUMNS``).

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.benchmark_gaps("330502", "childrenswear")[["metric", "mean", "gap_domestic"]]  # doctest: +SKIP
        """
        params, cats = self._scope(region, chain, "catalog_benchmarks", "catalog_problems", as_of=as_of)
        schema = LATEST_COLUMNS if detail else STAT_COLUMNS
        rows = self._read("benchmark_gaps", lambda tx: _query(tx, "benchmark_gaps", int(detail), params, schema))
        if detail:
            return finish_benchmark_detail(rows, cats["catalog_benchmarks"])
        return finish_benchmark_gaps(rows, cats["catalog_benchmarks"], cats["catalog_problems"])
