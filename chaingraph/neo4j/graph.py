"""The named queries on Neo4j: same signatures, same columns, same rows as the embedded engine.

:class:`Neo4jGraph` answers the named queries of :mod:`chaingraph.queries` from a Neo4j
database loaded by :func:`chaingraph.neo4j_backend.push`. Each query runs the Cypher
statements of ``cypher/queries/<name>.cypher`` (values only ever as parameters:
``$region_prefix``, ``$chain``, ``$segment``, ``$problem`` …) in one read transaction
(``session.execute_read``).

Cypher counts, the shared finishers finish
------------------------------------------
Every query is split the same way in both engines: an engine-specific input stage yields
small id-keyed frames (enterprise id, segment id, problem id — never graph positions), and a pure
pandas finisher of :mod:`chaingraph.queries` turns them into the result, for both engines.
Here the input stage is Cypher (scope selection and the reductions a database does well:
per (firm, problem) the highest severity, the latest recorded status and the sources, sums
per problem and segment set, per segment × size class, per metric …) plus the conversion of
its rows into those frames; this module holds no finishing logic of its own:

==================  ===================================================================
query               rows → input → shared finisher
==================  ===================================================================
common_problems     :class:`~chaingraph.queries.problems.ProblemCounts` →
                    :func:`~chaingraph.queries.problems.finish_problems`
composition         per segment × size sums → :func:`~chaingraph.queries.composition.finish_composition`
benchmark_gaps      per-metric statistics / latest values →
                    :func:`~chaingraph.queries.benchmarks.finish_benchmark_gaps`,
                    :func:`~chaingraph.queries.benchmarks.finish_benchmark_detail`
leaders             firms, designations, memberships, supply edges →
                    :func:`~chaingraph.queries.leaders.finish_leaders` (PageRank, reach: networkx),
                    :func:`~chaingraph.queries.leaders.finish_leader_reach`
weak_links          firms, supplies, memberships → :func:`~chaingraph.queries.weak_links.finish_weak_links`
exposure            the firms reached → :func:`~chaingraph.queries.exposure.finish_exposure`
chain_map           firms, supplies, FEEDS, (firm, problem) pairs, the problem list →
                    :func:`~chaingraph.queries.chain_map.finish_chain_map`
==================  ===================================================================

The breadth-first search of ``exposure`` (first visit, via the smallest-id supplier) is
driven from Python one supply step at a time (:func:`bfs_downstream`), each step a
parameterised statement in the same transaction: plain Cypher (no APOC, no GDS) has none.

Region scope is the embedded one (:meth:`chaingraph.graph.ChainGraph.region_mask`): a
firm is in region R when its ``region_code`` starts with R's prefix (province 2 digits,
city 4, county 6): ``e.region_code STARTS WITH $region_prefix``. Chain scope: the firm
``OPERATES_IN`` a segment ``PART_OF`` the chain. A designated leader leads where its
designation's region contains it (``LOCATED_IN`` then ``WITHIN*0..2`` up to that region,
as :func:`chaingraph.queries._common.leader_positions`). Certified: the QMS flag or a
certificate not expired on the data date (``data_date.cypher``, passed as ``$valid_on``).

``as_of=DATE`` on every query is the statements' ``$as_of`` (null: no filter): observations,
measurements, certificates and designations dated after it are left out, undated ones kept, as
:func:`chaingraph.graph.asof.graph_as_of` does for the embedded engine.

Row order: the embedded tables are in key order (:meth:`chaingraph.graph.ChainGraph._index`),
so every tie the embedded engine breaks by row order is broken by key; the finishers
re-derive that order from the ids, so the rows a server returns in any order give the
same frames.

Example
-------
>>> from chaingraph.neo4j_backend import connect  # doctest: +SKIP
>>> ng = Neo4jGraph(connect())  # doctest: +SKIP
>>> ng.common_problems("吴兴区", "童装")[["rank", "problem", "affected", "is_common"]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from chaingraph.errors import BackendError
from chaingraph.graph.asof import parse_as_of
from chaingraph.graph.core import match_chain, match_segment
from chaingraph.ingest.regions import load_regions
from chaingraph.neo4j.adhoc import WRITE_CLAUSES, check_read_only, parse_param, parse_params, run_query
from chaingraph.neo4j.fetch import QUERY_FILES, _driver_errors, _one_line, _query, statement_parameters, statements
from chaingraph.neo4j.history import HistoryQueries
from chaingraph.neo4j.inputs import (
    _BENCHMARK_SCHEMA,
    _CHAIN_SCHEMA,
    _DATE_SCHEMA,
    _PROBLEM_SCHEMA,
    _SEGMENT_SCHEMA,
    _data_date,
    bfs_downstream,
    problem_counts,
)
from chaingraph.neo4j.ledger import LedgerQueries
from chaingraph.neo4j.problems import ProblemQueries
from chaingraph.neo4j.supply import SupplyQueries

__all__ = ["QUERY_FILES", "WRITE_CLAUSES", "Neo4jGraph", "bfs_downstream", "check_read_only", "parse_param",
           "parse_params", "problem_counts", "run_query", "statement_parameters", "statements"]


_PREFIX_LEN = {"province": 2, "city": 4, "county": 6}


# ---------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------

class Neo4jGraph(ProblemQueries, SupplyQueries, HistoryQueries, LedgerQueries):
    """The named queries of chaingraph, answered by a Neo4j database.

    Parameters
    ----------
    driver : neo4j.Driver
        From :func:`chaingraph.neo4j_backend.connect` (or ``neo4j.GraphDatabase.driver``);
        the caller closes it.
    database : str, optional
        Database to query; the server's default when None.
    name : str, optional
        Dataset name for map titles (``meta["dataset"]``); default the database name or ``"neo4j"``.

    Raises
    ------
    BackendError
        From every query when the server fails (one line, naming the query).

    Example
    -------
    >>> from chaingraph.neo4j_backend import connect  # doctest: +SKIP
    >>> with connect() as driver:  # doctest: +SKIP
    ...     ng = Neo4jGraph(driver)
    ...     print(ng.composition("330502", "childrenswear"))
    """

    def __init__(self, driver: Any, database: str | None = None, *, name: str | None = None) -> None:
        self.driver = driver
        self.database = database
        self.name = name or database or "neo4j"

    def __repr__(self) -> str:
        return f"Neo4jGraph(database={self.database!r})"

    # -- transactions ---------------------------------------------------------------------
    def _read(self, what: str, work: Callable[[Any], Any]) -> Any:
        errors = _driver_errors()
        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_read(work)
        except errors as exc:
            raise BackendError(f"{what} failed on Neo4j: {type(exc).__name__}: {_one_line(exc)}") from None

    @staticmethod
    def _catalog(tx: Any, name: str) -> pd.DataFrame:
        schema = {"catalog_chains": _CHAIN_SCHEMA, "catalog_segments": _SEGMENT_SCHEMA,
                  "catalog_problems": _PROBLEM_SCHEMA, "catalog_benchmarks": _BENCHMARK_SCHEMA}[name]
        frame = _query(tx, name, 0, {}, schema)
        return frame.rename(columns={"flow_order": "order"}) if name == "catalog_segments" else frame

    def _catalogs(self, what: str, *names: str) -> dict[str, pd.DataFrame]:
        return self._read(what, lambda tx: {n: self._catalog(tx, n) for n in names})

    @staticmethod
    def _as_of(tx: Any, as_of: dt.date | None = None) -> tuple[str | None, dt.date]:
        """The data date (ISO text or None) and the day certificates must not have expired before
        (``$valid_on``); with ``as_of`` both are that date, as the embedded graph of that date has."""
        if as_of is not None:
            return as_of.isoformat(), as_of
        date = _data_date(_query(tx, "data_date", 0, {}, _DATE_SCHEMA))
        return date, (dt.date.fromisoformat(date) if date else dt.date.today())

    # -- scope ------------------------------------------------------------------------------
    @staticmethod
    def resolve_region(region: str) -> str:
        """GB/T 2260 code of a region given by code or name, as the embedded graph resolves it.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region.

        Example
        -------
        >>> Neo4jGraph.resolve_region("吴兴区")
        '330502'
        """
        return load_regions().resolve(str(region).strip())

    @classmethod
    def region_prefix(cls, region: str | None) -> str:
        """The code prefix of a region scope: 2 digits for a province, 4 for a city, 6 for a county.

        ``""`` (every region) for None.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region.

        Example
        -------
        >>> Neo4jGraph.region_prefix("湖州市"), Neo4jGraph.region_prefix("330502"), Neo4jGraph.region_prefix(None)
        ('3305', '330502', '')
        """
        if region is None:
            return ""
        code = cls.resolve_region(region)
        return code[: _PREFIX_LEN[load_regions().level(code)]]

    def resolve_chain(self, chain: str) -> str:
        """Chain id from an id or a name (exact id, exact name, then name contains), via the chain catalog.

        Raises
        ------
        ScopeError
            If no chain (or several) match.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.resolve_chain("童装")  # doctest: +SKIP
        'childrenswear'
        """
        return match_chain(self._catalogs("resolving a chain", "catalog_chains")["catalog_chains"], chain)

    def _scope(self, region: str | None, chain: str | None, *catalogs: str, segment: str | None = None,
               as_of: str | dt.date | None = None) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
        """Resolve a scope: parameters for the statements (``$as_of``: a date or None), plus the catalogs."""
        day = parse_as_of(as_of)
        prefix = self.region_prefix(region)
        names = dict.fromkeys(("catalog_chains", *catalogs, *(("catalog_segments",) if segment else ())))
        cats = self._catalogs("resolving the scope", *names)
        cid = match_chain(cats["catalog_chains"], chain) if chain is not None else None
        sid = match_segment(cats["catalog_segments"], segment, cid) if segment is not None else None
        return {"region_prefix": prefix, "chain": cid, "segment": sid, "as_of": day}, cats

    # -- ad-hoc queries -------------------------------------------------------------------------
    def run_query(self, text_or_file: str | Path, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a read-only Cypher query (text, or a ``.cypher`` file) and return its rows.

        See :func:`run_query`.

        Raises
        ------
        BackendError
            If the text holds a write clause, the file cannot be read, or the server fails.

        Example
        -------
        >>> ng.run_query("MATCH (c:Chain) RETURN c.id AS id")  # doctest: +SKIP
        """
        return run_query(self.driver, text_or_file, params, database=self.database)
