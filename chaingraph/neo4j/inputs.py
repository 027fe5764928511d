"""Rows → the inputs of the shared finishers: the catalog schemas, the
:class:`~chaingraph.queries.problems.ProblemCounts` of ``common_problems.cypher``'s rows, the data date,
and the breadth-first search of ``exposure`` driven one supply step at a time.

>>> import pandas as pd
>>> _data_date(pd.DataFrame({"observed_on": pd.to_datetime(["2024-03-01"]), "issued": pd.to_datetime([None])}))
'2024-03-01'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from chaingraph.graph.aggregates import SOURCES
from chaingraph.queries.problems import ProblemCounts

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
        Enterprise ids of the affected firms (distance 0, their own ``via``).
    step : callable
        ``step(frontier)`` → frame of distinct ``supplier`` / ``customer`` pairs whose supplier is
        in ``frontier``.
    max_hops : int, optional
        Stop after this many steps.

    Returns
    -------
    (dict, dict)
        Distance and ``via`` per firm reached. A firm first reached at step h takes the ``via``
        of its smallest-id supplier in the frontier (the embedded first edge of the supplies
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
