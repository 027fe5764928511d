"""The supply-network queries of :class:`~chaingraph.neo4j.graph.Neo4jGraph`: ``leaders``,
``leader_reach``, ``weak_links``, ``exposure`` and ``chain_map`` (firms, memberships and supply edges
of a scope, finished by the shared finishers).

A mixin: :class:`~chaingraph.neo4j.graph.Neo4jGraph` supplies ``_scope``, ``_read``, ``_as_of``,
``resolve_region`` and ``name`` (and :class:`~chaingraph.neo4j.problems.ProblemQueries` ``_problem_counts``).

>>> from chaingraph.neo4j.graph import Neo4jGraph
>>> issubclass(Neo4jGraph, SupplyQueries)
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from chaingraph.errors import ScopeError
from chaingraph.ingest.regions import load_regions
from chaingraph.neo4j.fetch import _query
from chaingraph.neo4j.inputs import bfs_downstream
from chaingraph.queries._common import empty
from chaingraph.queries._frames import memberships
from chaingraph.queries.chain_map import (
    FEED_COLUMNS,
    PAIR_COLUMNS,
    SUPPLY_COLUMNS,
    finish_chain_map,
    map_meta,
    map_title,
)
from chaingraph.queries.chain_map import FIRM_COLUMNS as MAP_FIRM_COLUMNS
from chaingraph.queries.chain_map import OPTIONAL_FIRM_COLUMNS as MAP_OPTIONAL_COLUMNS
from chaingraph.queries.exposure import REACHED_COLUMNS, finish_exposure, match_problem
from chaingraph.queries.leaders import (
    DESIGNATION_COLUMNS,
    EDGE_COLUMNS,
    check_arguments,
    finish_leader_reach,
    finish_leaders,
)
from chaingraph.queries.leaders import FIRM_COLUMNS as LEADER_FIRM_COLUMNS
from chaingraph.queries.mapdata import ChainMap
from chaingraph.queries.problems import COLUMNS as PROBLEM_COLUMNS
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE, finish_problems
from chaingraph.queries.weak_links import FIRM_COLUMNS as WEAK_FIRM_COLUMNS
from chaingraph.queries.weak_links import SUPPLY_COLUMNS as WEAK_SUPPLY_COLUMNS
from chaingraph.queries.weak_links import finish_weak_links


class SupplyQueries:
    """``leaders``, ``leader_reach``, ``weak_links``, ``exposure`` and ``chain_map`` of
    :class:`~chaingraph.neo4j.graph.Neo4jGraph`."""

    def _leader_inputs(self, region: str | None, chain: str | None, as_of: str | dt.date | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, str | None]:
        """Firms, designations, memberships and supply edges of a scope (``leaders.cypher``), the segment
        catalog and the chain id."""
        params, cats = self._scope(region, chain, "catalog_segments", as_of=as_of)
        firm_schema = {**LEADER_FIRM_COLUMNS, "segment_ids": "list"}

        def work(tx: Any) -> tuple[pd.DataFrame, ...]:
            return (_query(tx, "leaders", 0, params, firm_schema),
                    _query(tx, "leaders", 1, params, DESIGNATION_COLUMNS),
                    _query(tx, "leaders", 2, params, EDGE_COLUMNS))

        firms, designations, edges = self._read("leaders", work)
        members = memberships(firms["enterprise_id"], firms["segment_ids"])
        return (firms[list(LEADER_FIRM_COLUMNS)], designations, members, edges, cats["catalog_segments"],
                params["chain"])

    def leaders(self, region: str | None = None, chain: str | None = None, *, hops: int = 2,
                candidates: int = 10, as_of: str | dt.date | None = None) -> pd.DataFrame:
        """Designated leaders and data-driven candidates, as :func:`chaingraph.queries.leaders`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        hops : int
            Supply steps counted for reach and for small/micro firms reached.
        candidates : int
            How many non-designated candidates to list.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.leaders.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        ValueError
            ``hops`` < 1 or ``candidates`` < 0.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.leaders("330502", "childrenswear", hops=2)[["role_zh", "enterprise", "score"]]  # doctest: +SKIP
        """
        check_arguments(hops, candidates)
        firms, designations, members, edges, segments, cid = self._leader_inputs(region, chain, as_of)
        return finish_leaders(firms, designations, members, edges, segments, cid, hops=hops,
                                candidates=candidates)

    def leader_reach(self, region: str | None = None, chain: str | None = None, *, hops: int = 2,
                     as_of: str | dt.date | None = None) -> pd.DataFrame:
        """Small and micro firms each designated leader reaches, as :func:`chaingraph.queries.leader_reach`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        hops : int
            Supply steps followed.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.leaders.REACH_COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        ValueError
            ``hops`` < 1.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.leader_reach("330502", "childrenswear", hops=1)  # doctest: +SKIP
        """
        check_arguments(hops)
        firms, _designations, members, edges, segments, cid = self._leader_inputs(region, chain, as_of)
        return finish_leader_reach(firms, members, edges, segments, cid, hops=hops)

    def weak_links(self, region: str | None = None, chain: str | None = None, *,
                   dense_factor: float = 1.5, as_of: str | dt.date | None = None) -> pd.DataFrame:
        """Gaps, single-supplier dependencies, articulation points and problem-dense segments, as
        :func:`chaingraph.queries.weak_links`.

        Parameters
        ----------
        region : str, optional
            Region code or name.
        chain : str
            Chain id or name (required: gaps are relative to a chain's segments).
        dense_factor : float
            A segment is problem-dense above this multiple of the chain's average observations per firm.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.weak_links.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain, or no chain given.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.weak_links("330502", "childrenswear").groupby("kind").size()  # doctest: +SKIP
        """
        if chain is None:
            raise ScopeError("weak_links needs a chain (gaps are relative to a chain's segments)")
        params, cats = self._scope(region, chain, "catalog_segments", as_of=as_of)

        def work(tx: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
            return (_query(tx, "weak_links", 0, params, {**WEAK_FIRM_COLUMNS, "segment_ids": "list"}),
                    _query(tx, "weak_links", 1, params, {**WEAK_SUPPLY_COLUMNS, "supplier_segment_ids": "list"}))

        firms, supplies = self._read("weak_links", work)
        members = pd.concat([memberships(firms["enterprise_id"], firms["segment_ids"]),
                             memberships(supplies["supplier"], supplies["supplier_segment_ids"])], ignore_index=True)
        return finish_weak_links(firms[list(WEAK_FIRM_COLUMNS)], supplies[list(WEAK_SUPPLY_COLUMNS)], members,
                                   cats["catalog_segments"], params["chain"], dense_factor=dense_factor)

    def exposure(self, problem: str, region: str | None = None, chain: str | None = None, *,
                 max_hops: int | None = None, include_resolved: bool = False,
                 as_of: str | dt.date | None = None) -> pd.DataFrame:
        """Firms exposed through supply paths to firms that have ``problem``, as :func:`chaingraph.queries.exposure`.

        The breadth-first search runs one supply step per Cypher call (``$frontier``), all in one
        read transaction, over the whole graph (exposure crosses region borders).

        Parameters
        ----------
        problem : str
            Problem id or name.
        region, chain : str, optional
            Scope of the affected firms.
        max_hops : int, optional
            Stop after this many supply steps (None: follow every path).
        include_resolved : bool
            Also start from firms whose latest status for the problem is resolved.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.exposure.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown problem, region or chain.
        ValueError
            ``max_hops`` < 1.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.exposure("色牢度不达标", "330502", "childrenswear", max_hops=2)  # doctest: +SKIP
        """
        if max_hops is not None and max_hops < 1:
            raise ValueError("max_hops must be at least 1")
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems", as_of=as_of)
        params.update(problem=match_problem(cats["catalog_problems"], problem), include_resolved=include_resolved)
        firm_schema = {c: t for c, t in REACHED_COLUMNS.items() if c not in ("hops", "via_id")}

        def work(tx: Any) -> tuple[dict[str, int], dict[str, str], pd.DataFrame]:
            sources = _query(tx, "exposure", 0, params, {"enterprise_id": "str"})["enterprise_id"].tolist()
            dist, via = bfs_downstream(sources, lambda frontier: _query(
                tx, "exposure", 1, {"frontier": frontier}, {"supplier": "str", "customer": "str"}), max_hops)
            schema = {**firm_schema, "segment_ids": "list"}
            firms = _query(tx, "exposure", 2, {**params, "ids": sorted(dist)}, schema) if dist else pd.DataFrame(
                {c: pd.Series([], dtype=object) for c in schema})
            return dist, via, firms

        dist, via, firms = self._read("exposure", work)
        reached = firms.assign(hops=firms["enterprise_id"].map(dist), via_id=firms["enterprise_id"].map(via))
        return finish_exposure(reached[list(REACHED_COLUMNS)].astype(REACHED_COLUMNS),
                                 memberships(firms["enterprise_id"], firms["segment_ids"]), cats["catalog_segments"],
                                 params["chain"])

    def chain_map(self, region: str | None = None, chain: str | None = None, *, dimension: str = "region",
                  show_problems: bool = True, as_of: str | dt.date | None = None) -> ChainMap:
        """Nodes and edges of a region's chain map (or one chain across regions), as
        :func:`chaingraph.queries.chain_map`.

        Parameters
        ----------
        region : str, optional
            Region code or name (covers the regions below it).
        chain : str, optional
            Chain id or name; None draws every chain of the region.
        dimension : {"region", "industry"}
            ``industry`` adds one ``reg:`` node per firm region.
        show_problems : bool
            Include problem nodes and HAS_PROBLEM edges.
        as_of : str or datetime.date, optional
            The state on that date (``$as_of``; see :mod:`chaingraph.graph.asof`). None: the latest.

        Returns
        -------
        ChainMap
            ``nodes`` / ``edges`` frames (:data:`chaingraph.queries.chain_map.NODE_COLUMNS`,
            ``EDGE_COLUMNS``) and ``meta`` (``dataset`` is this graph's ``name``).

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain, or an unknown dimension.
        BackendError
            If the server fails.

        Example
        -------
        >>> cm = ng.chain_map("330502", "childrenswear")  # doctest: +SKIP
        """
        if dimension not in ("region", "industry"):
            raise ScopeError(f"unknown map dimension '{dimension}'; use region, industry (or enterprise_map)")
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems", "catalog_benchmarks",
                                   as_of=as_of)
        cid = params["chain"]

        def work(tx: Any) -> tuple[Any, ...]:
            date, valid_on = self._as_of(tx, params["as_of"])
            firms = _query(tx, "chain_map", 0, {**params, "valid_on": valid_on},
                           {**MAP_FIRM_COLUMNS, **MAP_OPTIONAL_COLUMNS, "segment_ids": "list"})
            supplies = _query(tx, "chain_map", 1, params, SUPPLY_COLUMNS)
            feeds = _query(tx, "chain_map", 2, params, FEED_COLUMNS)
            pairs = _query(tx, "chain_map", 3, params, PAIR_COLUMNS) if show_problems else empty(PAIR_COLUMNS)
            counts = self._problem_counts(tx, {**params, "segment": None}, True, cats) if (
                cid is not None and len(pairs)) else None
            return date, firms, supplies, feeds, pairs, counts

        date, firms, supplies, feeds, pairs, counts = self._read("chain_map", work)
        plist = empty(PROBLEM_COLUMNS) if counts is None else finish_problems(
            counts, cats["catalog_problems"], cats["catalog_segments"], cats["catalog_benchmarks"],
            min_firms=MIN_FIRMS, min_share=MIN_SHARE)
        nodes, edges = finish_chain_map(firms[[*MAP_FIRM_COLUMNS, *MAP_OPTIONAL_COLUMNS]],
                                        memberships(firms["enterprise_id"], firms["segment_ids"]),
                                        supplies, feeds, pairs, plist, cats["catalog_problems"],
                                        cats["catalog_segments"], cid, dimension=dimension,
                                        show_problems=show_problems)
        code = self.resolve_region(region) if region is not None else None
        region_name = load_regions().full_name(code) if code else "全部区域"
        chains = cats["catalog_chains"]
        chain_name = str(chains.loc[chains["id"] == cid, "name"].iloc[0]) if cid else "全部产业链"
        meta = map_meta(nodes, edges, title=map_title(region_name, chain_name, cid, dimension), region_code=code,
                          region_name=region_name, chain=cid, chain_name=chain_name, data_date=date,
                          dimension=dimension, dataset=self.name)
        return ChainMap(nodes, edges, meta)
