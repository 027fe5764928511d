"""The named queries on Neo4j: same signatures, same columns, same rows as the embedded engine.

:class:`Neo4jGraph` answers the named queries of :mod:`chaingraph.queries` from a Neo4j
database loaded by :func:`chaingraph.neo4j_backend.push`. Each query runs the Cypher
statements of ``cypher/queries/<name>.cypher`` (values only ever as parameters:
``$region_prefix``, ``$chain``, ``$segment``, ``$problem`` …) in one read transaction
(``session.execute_read``).

Cypher counts, the shared finishers finish
------------------------------------------
Every query is split the same way in both engines: an engine-specific input stage yields
small id-keyed frames (uscc, segment id, problem id — never graph positions), and a pure
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

The breadth-first search of ``exposure`` (first visit, via the smallest-uscc supplier) is
driven from Python one supply step at a time (:func:`bfs_downstream`), each step a
parameterised statement in the same transaction: plain Cypher (no APOC, no GDS) has none.

Region scope is the embedded one (:meth:`chaingraph.graph.ChainGraph.region_mask`): a
firm is in region R when its ``region_code`` starts with R's prefix (province 2 digits,
city 4, county 6): ``e.region_code STARTS WITH $region_prefix``. Chain scope: the firm
``OPERATES_IN`` a segment ``PART_OF`` the chain. A designated leader leads where its
designation's region contains it (``LOCATED_IN`` then ``WITHIN*0..2`` up to that region,
as :func:`chaingraph.queries._common.leader_positions`). Certified: the QMS flag or a
certificate not expired on the data date (``data_date.cypher``, passed as ``$as_of``).

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
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from chaingraph.errors import BackendError, ScopeError
from chaingraph.graph.aggregates import SOURCES
from chaingraph.graph.core import match_chain, match_segment
from chaingraph.ingest.regions import load_regions
from chaingraph.neo4j.load import load_cypher, split_statements
from chaingraph.queries._common import empty
from chaingraph.queries._frames import memberships
from chaingraph.queries.benchmarks import LATEST_COLUMNS, STAT_COLUMNS, finish_benchmark_detail, finish_benchmark_gaps
from chaingraph.queries.chain_map import (
    FEED_COLUMNS,
    PAIR_COLUMNS,
    SUPPLY_COLUMNS,
    finish_chain_map,
    map_meta,
    map_title,
)
from chaingraph.queries.chain_map import FIRM_COLUMNS as MAP_FIRM_COLUMNS
from chaingraph.queries.composition import COUNT_COLUMNS, finish_composition
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
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE, ProblemCounts, check_thresholds, finish_problems
from chaingraph.queries.weak_links import FIRM_COLUMNS as WEAK_FIRM_COLUMNS
from chaingraph.queries.weak_links import SUPPLY_COLUMNS as WEAK_SUPPLY_COLUMNS
from chaingraph.queries.weak_links import finish_weak_links

__all__ = ["QUERY_FILES", "WRITE_CLAUSES", "Neo4jGraph", "bfs_downstream", "check_read_only", "parse_param",
           "parse_params", "problem_counts", "run_query", "statement_parameters", "statements"]

QUERY_FILES: dict[str, str] = {
    "catalog_chains": "queries/catalog_chains",
    "catalog_segments": "queries/catalog_segments",
    "catalog_problems": "queries/catalog_problems",
    "catalog_benchmarks": "queries/catalog_benchmarks",
    "data_date": "queries/data_date",
    "common_problems": "queries/common_problems",
    "composition": "queries/composition",
    "leaders": "queries/leaders",
    "weak_links": "queries/weak_links",
    "exposure": "queries/exposure",
    "benchmark_gaps": "queries/benchmark_gaps",
    "chain_map": "queries/chain_map",
}
"""Name → ``cypher/`` file (for :func:`~chaingraph.neo4j_backend.load_cypher`) of every statement file used."""

_STATEMENT_COUNTS = {"common_problems": 4, "leaders": 3, "weak_links": 2, "exposure": 3, "benchmark_gaps": 2,
                     "chain_map": 4}
_PREFIX_LEN = {"province": 2, "city": 4, "county": 6}
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


# ---------------------------------------------------------------------------
# Statements and transactions
# ---------------------------------------------------------------------------

@functools.cache
def statements(name: str) -> tuple[str, ...]:
    """The statements of one query file (see :data:`QUERY_FILES`), comments removed.

    Raises
    ------
    BackendError
        For an unknown name, a missing file, or a file without its expected statements.

    Example
    -------
    >>> len(statements("common_problems"))
    4
    """
    if name not in QUERY_FILES:
        raise BackendError(f"no named Cypher query {name!r}")
    stmts = tuple(split_statements(load_cypher(QUERY_FILES[name])))
    if len(stmts) != _STATEMENT_COUNTS.get(name, 1):
        raise BackendError(f"{QUERY_FILES[name]}.cypher holds {len(stmts)} statement(s), expected "
                           f"{_STATEMENT_COUNTS.get(name, 1)}")
    return stmts


def statement_parameters(query: str) -> tuple[str, ...]:
    """Names of the ``$parameters`` a statement uses, in order of first use.

    Example
    -------
    >>> statement_parameters("MATCH (c:Chain {id: $chain}) WHERE $chain IS NOT NULL RETURN $x")
    ('chain', 'x')
    """
    return tuple(dict.fromkeys(_PARAM_RE.findall(query)))


def _driver_errors() -> tuple[type[BaseException], ...]:
    try:
        import neo4j
    except ImportError:  # pragma: no cover - neo4j is a dependency
        return (OSError,)
    return (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _native(value: Any) -> Any:
    """A driver value as a plain Python value (Neo4j temporal types → ``datetime``, also inside lists)."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    if to_native is not None and type(value).__module__.startswith("neo4j"):
        return to_native()
    return value


class _Rows:
    """Keys and rows of one statement's result."""

    def __init__(self, keys: list[str], rows: list[list[Any]]) -> None:
        self.keys = keys
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        try:
            i = self.keys.index(name)
        except ValueError:
            raise BackendError(f"a Cypher statement returned no column {name!r} (columns: {self.keys})") from None
        return [r[i] for r in self.rows]


def _fetch(tx: Any, query: str, params: Mapping[str, Any]) -> _Rows:
    used = statement_parameters(query)
    missing = [p for p in used if p not in params]
    if missing:
        raise BackendError(f"parameters {missing} missing for a chaingraph Cypher statement")
    result = tx.run(query, {p: params[p] for p in used})
    keys = list(result.keys())
    rows = [[_native(v) for v in record.values()] for record in result]
    return _Rows(keys, rows)


def _typed(rows: _Rows, schema: Mapping[str, str]) -> pd.DataFrame:
    """A frame of the given columns and pandas dtypes (``list``: Python lists, null → []; ``bool``: null →
    False; ``datetime64[s]``: driver dates)."""
    data: dict[str, pd.Series] = {}
    for name, kind in schema.items():
        values = rows.column(name)
        if kind == "list":
            s = pd.Series([list(v) if v is not None else [] for v in values], dtype=object)
        elif kind == "bool":
            s = pd.Series([bool(v) for v in values], dtype=bool)
        elif kind == "datetime64[s]":
            s = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype=kind)
        elif kind in ("float64", "str"):
            s = pd.Series([None if v is None else v for v in values], dtype=object).astype(kind)
        else:
            s = pd.Series(pd.array(values, dtype=kind))
        data[name] = s.reset_index(drop=True)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _query(tx: Any, name: str, i: int, params: Mapping[str, Any], schema: Mapping[str, str]) -> pd.DataFrame:
    """Rows of statement ``i`` of query file ``name`` as a typed frame."""
    return _typed(_fetch(tx, statements(name)[i], params), schema)


# ---------------------------------------------------------------------------
# Rows → the inputs of the shared finishers
# ---------------------------------------------------------------------------

_CHAIN_SCHEMA = {"id": "str", "name": "str"}
_SEGMENT_SCHEMA = {"id": "str", "chain_id": "str", "name": "str", "stage": "str", "flow_order": "Int64",
                   "key_link": "boolean"}
_PROBLEM_SCHEMA = {"id": "str", "name": "str", "category": "str", "kind": "str", "standard_ref": "str",
                   "benchmark_id": "str"}
_BENCHMARK_SCHEMA = {"id": "str", "metric": "str", "unit": "str", "domestic_advanced": "float64",
                     "international_advanced": "float64", "higher_is_better": "boolean"}
_DATE_SCHEMA = {"observed_on": "datetime64[s]", "measured_on": "datetime64[s]", "started": "datetime64[s]",
                "issued": "datetime64[s]"}
_CP_SCHEMAS: tuple[dict[str, str], ...] = (
    {"segment_ids": "list", "firms": "int64"},
    {"problem_id": "str", "segment_ids": "list", "sources": "list", "affected": "int64", "sev_sum": "int64",
     "max_severity": "int64", "observations": "int64", "open": "int64", "improving": "int64", "resolved": "int64"},
    {"problem_id": "str", "enterprise": "str"},
    {"benchmark_id": "str", "scope_mean": "float64"},
)


def _unique_per_row(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame`` with its list ``column`` exploded, each value once per row (column ``row``: the row)."""
    out = frame.reset_index(drop=True).rename_axis("row").reset_index().explode(column)
    return out.dropna(subset=[column]).drop_duplicates(["row", column])


def problem_counts(chain: str | None, groups: pd.DataFrame, counts: pd.DataFrame, leaders: pd.DataFrame,
                   means: pd.DataFrame, catalogs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> ProblemCounts:
    """The :class:`~chaingraph.queries.problems.ProblemCounts` of one scope from the rows of the four
    statements of ``common_problems.cypher``.

    Parameters
    ----------
    chain : str or None
        The scope's chain.
    groups : pandas.DataFrame
        Statement 1: ``segment_ids`` (list), ``firms``.
    counts : pandas.DataFrame
        Statement 2: per problem × segment list × source list, the sums over (firm, problem) pairs.
    leaders : pandas.DataFrame
        Statement 3: ``problem_id``, ``enterprise``.
    means : pandas.DataFrame
        Statement 4: ``benchmark_id``, ``scope_mean``.
    catalogs : tuple of pandas.DataFrame
        The problems, segments and benchmarks catalogs the counts are positioned in (and later
        finished with).

    Returns
    -------
    ProblemCounts

    Raises
    ------
    KeyError
        If a frame lacks a column of its statement.

    Example
    -------
    >>> problem_counts("kids", groups, counts, leaders, means, (problems, segments, benchmarks)).scope_sizes
    ... # doctest: +SKIP
    array([7])
    """
    sizes = _unique_per_row(groups, "segment_ids").groupby("segment_ids")["firms"].sum()
    sums = ["affected", "sev_sum", "observations", "open", "improving", "resolved"]
    g = counts.groupby("problem_id")
    per = g[sums].sum()
    per["max_severity"] = g["max_severity"].max()
    src = counts[["problem_id", "sources"]].explode("sources").dropna().drop_duplicates()
    bits = src["sources"].map({s: 1 << i for i, s in enumerate(SOURCES)}).fillna(0).astype("int64")
    per["src_bits"] = bits.groupby(src["problem_id"].to_numpy()).sum().reindex(per.index, fill_value=0)
    per.index = per.index.astype("str").rename(None)  # finish_problems also has a problem_id column
    ps = _unique_per_row(counts, "segment_ids").groupby(["problem_id", "segment_ids"])["affected"].sum()
    per_segment = pd.DataFrame({"problem_id": ps.index.get_level_values(0).astype("str"),
                                "segment_id": ps.index.get_level_values(1).astype("str"),
                                "affected": ps.to_numpy(dtype="int64")})
    return ProblemCounts.from_frames(
        chain, int(groups["firms"].sum()), per, per_segment[per_segment["affected"] > 0],
        pd.Series(sizes.to_numpy(dtype="int64"), index=sizes.index.astype("str")), leaders[["problem_id", "enterprise"]],
        pd.Series(means["scope_mean"].to_numpy(), index=means["benchmark_id"].to_numpy()), *catalogs)


def _data_date(dates: pd.DataFrame) -> str | None:
    """The latest non-null date of ``data_date.cypher``'s row, ISO formatted (None without any)."""
    latest = dates.iloc[0].dropna() if len(dates) else pd.Series(dtype="datetime64[s]")
    return max(latest).date().isoformat() if len(latest) else None


def bfs_downstream(sources: Iterable[str], step: Callable[[list[str]], pd.DataFrame],
                   max_hops: int | None) -> tuple[dict[str, int], dict[str, str]]:
    """Breadth-first search downstream with first-visit semantics, one supply step per call of ``step``.

    The Neo4j input stage of :func:`~chaingraph.queries.exposure.finish_exposure` (the embedded one,
    :func:`~chaingraph.queries.exposure.exposure_inputs`, walks its supplies table with numpy).

    Parameters
    ----------
    sources : iterable of str
        USCCs of the affected firms (distance 0, their own ``via``).
    step : callable
        ``step(frontier)`` → frame of distinct ``supplier`` / ``customer`` pairs whose supplier is
        in ``frontier``.
    max_hops : int, optional
        Stop after this many steps.

    Returns
    -------
    (dict, dict)
        Distance and ``via`` per firm reached. A firm first reached at step h takes the ``via``
        of its smallest-uscc supplier in the frontier (the embedded first edge of the supplies
        table in key order).

    Raises
    ------
    ValueError
        If ``max_hops`` < 1.

    Example
    -------
    >>> edges = pd.DataFrame({"supplier": ["a", "b"], "customer": ["b", "c"]})
    >>> bfs_downstream(["a"], lambda f: edges[edges["supplier"].isin(f)], None)
    ({'a': 0, 'b': 1, 'c': 2}, {'a': 'a', 'b': 'a', 'c': 'a'})
    """
    if max_hops is not None and max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    dist = {s: 0 for s in sorted(sources)}
    via = {s: s for s in dist}
    frontier = sorted(dist)
    h = 0
    while frontier and (max_hops is None or h < max_hops):
        h += 1
        e = step(frontier)
        e = e[~e["customer"].isin(dist)].sort_values(["customer", "supplier"], kind="stable")
        first = e.drop_duplicates("customer")
        if first.empty:
            break
        for supplier, customer in zip(first["supplier"], first["customer"], strict=True):
            dist[customer] = h
            via[customer] = via[supplier]
        frontier = sorted(first["customer"])
    return dist, via


# ---------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------

class Neo4jGraph:
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
    def _as_of(tx: Any) -> tuple[str | None, dt.date]:
        """The data date (ISO text or None) and the day certificates must not have expired before."""
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

    def _scope(self, region: str | None, chain: str | None, *catalogs: str,
               segment: str | None = None) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
        """Resolve a scope: parameters for the statements, plus the catalogs asked for."""
        prefix = self.region_prefix(region)
        names = dict.fromkeys(("catalog_chains", *catalogs, *(("catalog_segments",) if segment else ())))
        cats = self._catalogs("resolving the scope", *names)
        cid = match_chain(cats["catalog_chains"], chain) if chain is not None else None
        sid = match_segment(cats["catalog_segments"], segment, cid) if segment is not None else None
        return {"region_prefix": prefix, "chain": cid, "segment": sid}, cats


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
                        include_resolved: bool = True) -> pd.DataFrame:
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
                                   segment=segment)
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

    def composition(self, region: str | None = None, chain: str | None = None) -> pd.DataFrame:
        """Enterprises by segment × size class with quality measures, as :func:`chaingraph.queries.composition`.

        Parameters
        ----------
        region : str, optional
            Region code or name (covers regions below it).
        chain : str, optional
            Chain id or name; None covers every chain.

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
        params, cats = self._scope(region, chain, "catalog_segments")
        counts = self._read("composition", lambda tx: _query(
            tx, "composition", 0, {**params, "as_of": self._as_of(tx)[1]}, COUNT_COLUMNS))
        return finish_composition(counts, cats["catalog_segments"])

    def benchmark_gaps(self, region: str | None = None, chain: str | None = None, *,
                       detail: bool = False) -> pd.DataFrame:
        """Measured values against domestic / international advanced levels, as
        :func:`chaingraph.queries.benchmark_gaps`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        detail : bool
            One row per firm × metric instead of one per metric.

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
        params, cats = self._scope(region, chain, "catalog_benchmarks", "catalog_problems")
        schema = LATEST_COLUMNS if detail else STAT_COLUMNS
        rows = self._read("benchmark_gaps", lambda tx: _query(tx, "benchmark_gaps", int(detail), params, schema))
        if detail:
            return finish_benchmark_detail(rows, cats["catalog_benchmarks"])
        return finish_benchmark_gaps(rows, cats["catalog_benchmarks"], cats["catalog_problems"])

    def _leader_inputs(self, region: str | None, chain: str | None
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, str | None]:
        """Firms, designations, memberships and supply edges of a scope (``leaders.cypher``), the segment
        catalog and the chain id."""
        params, cats = self._scope(region, chain, "catalog_segments")
        firm_schema = {**LEADER_FIRM_COLUMNS, "segment_ids": "list"}

        def work(tx: Any) -> tuple[pd.DataFrame, ...]:
            return (_query(tx, "leaders", 0, params, firm_schema),
                    _query(tx, "leaders", 1, params, DESIGNATION_COLUMNS),
                    _query(tx, "leaders", 2, params, EDGE_COLUMNS))

        firms, designations, edges = self._read("leaders", work)
        members = memberships(firms["uscc"], firms["segment_ids"])
        return (firms[list(LEADER_FIRM_COLUMNS)], designations, members, edges, cats["catalog_segments"],
                params["chain"])

    def leaders(self, region: str | None = None, chain: str | None = None, *, hops: int = 2,
                candidates: int = 10) -> pd.DataFrame:
        """Designated leaders and data-driven candidates, as :func:`chaingraph.queries.leaders`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        hops : int
            Supply steps counted for reach and for small/micro firms reached.
        candidates : int
            How many non-designated candidates to list.

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
        firms, designations, members, edges, segments, cid = self._leader_inputs(region, chain)
        return finish_leaders(firms, designations, members, edges, segments, cid, hops=hops,
                                candidates=candidates)

    def leader_reach(self, region: str | None = None, chain: str | None = None, *, hops: int = 2) -> pd.DataFrame:
        """Small and micro firms each designated leader reaches, as :func:`chaingraph.queries.leader_reach`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        hops : int
            Supply steps followed.

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
        firms, _designations, members, edges, segments, cid = self._leader_inputs(region, chain)
        return finish_leader_reach(firms, members, edges, segments, cid, hops=hops)

    def weak_links(self, region: str | None = None, chain: str | None = None, *,
                   dense_factor: float = 1.5) -> pd.DataFrame:
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
        params, cats = self._scope(region, chain, "catalog_segments")

        def work(tx: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
            return (_query(tx, "weak_links", 0, params, {**WEAK_FIRM_COLUMNS, "segment_ids": "list"}),
                    _query(tx, "weak_links", 1, params, {**WEAK_SUPPLY_COLUMNS, "supplier_segment_ids": "list"}))

        firms, supplies = self._read("weak_links", work)
        members = pd.concat([memberships(firms["uscc"], firms["segment_ids"]),
                             memberships(supplies["supplier"], supplies["supplier_segment_ids"])], ignore_index=True)
        return finish_weak_links(firms[list(WEAK_FIRM_COLUMNS)], supplies[list(WEAK_SUPPLY_COLUMNS)], members,
                                   cats["catalog_segments"], params["chain"], dense_factor=dense_factor)

    def exposure(self, problem: str, region: str | None = None, chain: str | None = None, *,
                 max_hops: int | None = None, include_resolved: bool = False) -> pd.DataFrame:
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
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems")
        params.update(problem=match_problem(cats["catalog_problems"], problem), include_resolved=include_resolved)
        firm_schema = {c: t for c, t in REACHED_COLUMNS.items() if c not in ("hops", "via_uscc")}

        def work(tx: Any) -> tuple[dict[str, int], dict[str, str], pd.DataFrame]:
            sources = _query(tx, "exposure", 0, params, {"uscc": "str"})["uscc"].tolist()
            dist, via = bfs_downstream(sources, lambda frontier: _query(
                tx, "exposure", 1, {"frontier": frontier}, {"supplier": "str", "customer": "str"}), max_hops)
            schema = {**firm_schema, "segment_ids": "list"}
            firms = _query(tx, "exposure", 2, {**params, "usccs": sorted(dist)}, schema) if dist else pd.DataFrame(
                {c: pd.Series([], dtype=object) for c in schema})
            return dist, via, firms

        dist, via, firms = self._read("exposure", work)
        reached = firms.assign(hops=firms["uscc"].map(dist), via_uscc=firms["uscc"].map(via))
        return finish_exposure(reached[list(REACHED_COLUMNS)].astype(REACHED_COLUMNS),
                                 memberships(firms["uscc"], firms["segment_ids"]), cats["catalog_segments"],
                                 params["chain"])

    def chain_map(self, region: str | None = None, chain: str | None = None, *, dimension: str = "region",
                  show_problems: bool = True) -> ChainMap:
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
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems", "catalog_benchmarks")
        cid = params["chain"]

        def work(tx: Any) -> tuple[Any, ...]:
            date, as_of = self._as_of(tx)
            firms = _query(tx, "chain_map", 0, {**params, "as_of": as_of}, {**MAP_FIRM_COLUMNS, "segment_ids": "list"})
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
        nodes, edges = finish_chain_map(firms[list(MAP_FIRM_COLUMNS)], memberships(firms["uscc"], firms["segment_ids"]),
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


# ---------------------------------------------------------------------------
# Ad-hoc read-only queries (`chaingraph query FILE_OR_TEXT --param k=v`)
# ---------------------------------------------------------------------------

WRITE_CLAUSES: tuple[str, ...] = (
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "LOAD CSV", "IN TRANSACTIONS",
    "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "TERMINATE", "apoc.*", "gds.*", "dbms.*",
    "db.*.create*/drop*/clear*/set*/remove*/delete*",
)
"""What :func:`check_read_only` refuses outside strings and comments (case-insensitive)."""

_WRITE_RE = re.compile(
    r"(?<![\w.$])(?:CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|ALTER|RENAME|GRANT|DENY|REVOKE|"
    r"TERMINATE|LOAD\s+CSV|IN\s+(?:\S+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS)(?!\w)"
    r"|(?<![\w.$])(?:apoc|gds|dbms)\s*\."
    r"|(?<![\w.$])db(?:\s*\.\s*\w+)*?\s*\.\s*(?:create|drop|clear|set|remove|delete)\w*",
    re.IGNORECASE,
)
_LITERAL_RE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/|`((?:[^`]|``)*)`",
                         re.DOTALL)


def _code_only(text: str) -> str:
    """Cypher text with string literals and comments blanked and backquoted names unquoted."""
    def sub(m: re.Match[str]) -> str:
        return m.group(1).replace("``", "`") if m.group(1) is not None else " "

    return _LITERAL_RE.sub(sub, text)


def check_read_only(text: str) -> None:
    """Refuse Cypher text that holds a write clause, a write procedure or a batched-write subquery.

    A lexical check (:data:`WRITE_CLAUSES`, outside string literals and comments; backquoted
    names are checked unquoted) for a clear early error. It is **not** the guarantee:
    :func:`run_query` runs the query in a read transaction, in which the server refuses to
    write, and a deployment should connect as a database user with read privileges only.

    Raises
    ------
    BackendError
        Naming the clause found.

    Examples
    --------
    >>> check_read_only("MATCH (n:Enterprise) WHERE n.name = 'CREATE' RETURN n.name // SET")
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    chaingraph.errors.BackendError: refusing a query that writes ('DETACH'): chaingraph query is read-only
    """
    m = _WRITE_RE.search(_code_only(text))
    if m:
        found = " ".join(m.group(0).split())
        raise BackendError(f"refusing a query that writes ({found!r}): chaingraph query is read-only")


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` → ``(k, v)``, the value parsed as JSON when possible, else kept as a string.

    Raises
    ------
    BackendError
        Without ``=`` or with a name that is not a Cypher parameter name.

    Examples
    --------
    >>> parse_param("n=3"), parse_param("codes=[\\"330502\\"]"), parse_param("region=330502")
    (('n', 3), ('codes', ['330502']), ('region', 330502))
    >>> parse_param("name=吴兴区")
    ('name', '吴兴区')
    """
    name, sep, value = str(text).partition("=")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise BackendError(f"a parameter is name=value (name: letters, digits, _), not {text!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """Several ``k=v`` (see :func:`parse_param`) as a dict; a later name wins.

    Raises
    ------
    BackendError
        For a malformed pair.

    Example
    -------
    >>> parse_params(["a=1", "b=x"])
    {'a': 1, 'b': 'x'}
    """
    return dict(parse_param(p) for p in pairs)


def _value(v: Any) -> Any:
    v = _native(v)
    if type(v).__module__.startswith("neo4j") and hasattr(v, "items"):  # Node / Relationship
        return dict(v.items())
    if isinstance(v, list):
        return [_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _value(x) for k, x in v.items()}
    return v


def run_query(driver: Any, text_or_file: str | Path, params: Mapping[str, Any] | None = None, *,
              database: str | None = None) -> pd.DataFrame:
    """Run one read-only Cypher statement and return its rows as a frame (columns in RETURN order).

    Parameters
    ----------
    driver : neo4j.Driver
    text_or_file : str or pathlib.Path
        Cypher text, or the path of a file holding one statement (``//`` comments allowed).
    params : mapping, optional
        Query parameters (``$name`` in the text); see :func:`parse_params` for ``--param k=v``.
    database : str, optional

    Returns
    -------
    pandas.DataFrame
        Neo4j dates and times as Python ones, nodes and relationships as property dicts.

    Raises
    ------
    BackendError
        A write clause (:func:`check_read_only`), an unreadable file, several statements, or a
        server error (e.g. a missing parameter). The real guarantee of read-only is the read
        transaction (``session.execute_read``: the server refuses writes in it) and, in
        production, a database user with read privileges only; the text check only gives a
        clear early error.

    Example
    -------
    >>> run_query(driver, "MATCH (e:Enterprise) WHERE e.region_code STARTS WITH $p RETURN count(e) AS n",
    ...           {"p": "3305"})  # doctest: +SKIP
    """
    text = str(text_or_file)
    single_line = "\n" not in text and len(text) < 4096
    path = Path(text) if isinstance(text_or_file, Path) or (single_line and (
        text.endswith(".cypher") or Path(text).is_file())) else None
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BackendError(f"cannot read Cypher file {path}: {exc.strerror or exc}") from None
    check_read_only(text)
    stmts = split_statements(text)
    if len(stmts) != 1:
        raise BackendError(f"chaingraph query runs exactly one statement, found {len(stmts)}")
    query = stmts[0]
    params = dict(params or {})
    missing = [p for p in statement_parameters(query) if p not in params]
    if missing:
        raise BackendError(f"missing query parameter(s): {', '.join(missing)} (give --param name=value)")

    def work(tx: Any) -> tuple[list[str], list[list[Any]]]:
        result = tx.run(query, params)
        keys = list(result.keys())
        return keys, [[_value(v) for v in record.values()] for record in result]

    errors = _driver_errors()
    try:
        with driver.session(database=database) as session:
            keys, rows = session.execute_read(work)
    except errors as exc:
        raise BackendError(f"query failed on Neo4j: {type(exc).__name__}: {_one_line(exc)}") from None
    return pd.DataFrame(rows, columns=keys) if rows else pd.DataFrame({k: pd.Series([], dtype=object) for k in keys})

