"""Benchmark gaps: measured values against domestic and international advanced levels (与先进水平比对).

For each firm the latest measurement of each metric is used. A gap is signed
so that **positive means behind** the advanced level, whatever the metric's
direction (``higher_is_better``).

Example
-------
>>> benchmark_gaps(g, "吴兴区", "童装")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from chaingraph.graph.aggregates import latest_measurements
from chaingraph.graph.asof import graph_as_of
from chaingraph.graph.core import ChainGraph, Scope
from chaingraph.queries._common import empty, resolve_scope

COLUMNS: dict[str, str] = {
    "benchmark_id": "str",
    "metric": "str",
    "unit": "str",
    "higher_is_better": "bool",
    "direction_zh": "str",
    "domestic_advanced": "float64",
    "international_advanced": "float64",
    "firms_measured": "int64",
    "mean": "float64",
    "median": "float64",
    "best": "float64",
    "worst": "float64",
    "gap_domestic": "float64",
    "gap_international": "float64",
    "meets_domestic": "int64",
    "meets_international": "int64",
    "share_meets_domestic": "float64",
    "share_meets_international": "float64",
    "problems": "str",
}
"""Output columns of :func:`benchmark_gaps` (one row per metric)."""

DETAIL_COLUMNS: dict[str, str] = {
    "benchmark_id": "str",
    "metric": "str",
    "enterprise_id": "str",
    "enterprise": "str",
    "value": "float64",
    "measured_on": "datetime64[s]",
    "gap_domestic": "float64",
    "gap_international": "float64",
    "meets_domestic": "bool",
    "meets_international": "bool",
}
"""Output columns of :func:`benchmark_gaps` with ``detail=True`` (one row per firm × metric)."""


LATEST_COLUMNS: dict[str, str] = {
    "benchmark_id": "str",
    "enterprise_id": "str",
    "enterprise": "str",
    "value": "float64",
    "measured_on": "datetime64[s]",
}
"""Input of :func:`finish_benchmark_detail` and :func:`metric_stats`: each scope firm's latest measurement
of each metric (by ``measured_on``, undated first), one row per firm × metric, any order."""

STAT_COLUMNS: dict[str, str] = {
    "benchmark_id": "str",
    "firms_measured": "int64",
    "mean": "float64",
    "median": "float64",
    "max_value": "float64",
    "min_value": "float64",
    "meets_domestic": "int64",
    "meets_international": "int64",
}
"""Input of :func:`finish_benchmark_gaps`: per metric, over the firms' latest values, any order."""


def benchmark_gaps(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
                   detail: bool = False, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Measured values of the scope's firms against advanced levels.

    Parameters
    ----------
    graph : ChainGraph
    region, chain : str, optional
        Scope (codes, ids or names).
    detail : bool
        One row per firm × metric instead of one per metric.

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (or :data:`DETAIL_COLUMNS`).

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain.

    Example
    -------
    >>> benchmark_gaps(g, "330502", "childrenswear")[["metric", "mean", "gap_domestic"]]  # doctest: +SKIP
    """
    graph = graph_as_of(graph, as_of)
    scope = resolve_scope(graph, region, chain)
    t = graph.tables
    latest = latest_values(graph, scope)
    if detail:
        return finish_benchmark_detail(latest, t["benchmarks"])
    return finish_benchmark_gaps(metric_stats(latest, t["benchmarks"]), t["benchmarks"], t["problems"])


def latest_values(graph: ChainGraph, scope: Scope) -> pd.DataFrame:
    """The embedded input: each scope firm's latest measurement of each metric (:data:`LATEST_COLUMNS`).

    Raises
    ------
    ValueError
        If the scope was made for another graph.

    Example
    -------
    >>> latest_values(g, g.scope("330502", "childrenswear")).head()  # doctest: +SKIP
    """
    t = graph.tables
    graph.enterprises(scope)  # ValueError for a scope of another graph
    mea = t["measurements"]
    m = latest_measurements(mea[scope.mask[mea["_ent"].to_numpy()]])
    out = pd.DataFrame({
        "benchmark_id": t["benchmarks"]["id"].to_numpy()[m["_bench"].to_numpy()],
        "enterprise_id": m["enterprise_id"].to_numpy(),
        "enterprise": t["enterprises"]["name"].to_numpy()[m["_ent"].to_numpy()],
        "value": m["value"].to_numpy(), "measured_on": m["measured_on"].to_numpy(),
    })
    return out.astype(LATEST_COLUMNS)


def _firm_gaps(latest: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Latest values by metric and enterprise id, with their metric, signed gaps (positive = behind) and whether each
    meets the levels."""
    latest = latest.sort_values(["benchmark_id", "enterprise_id"], kind="stable").reset_index(drop=True)
    b = benchmarks.set_index("id").loc[latest["benchmark_id"]]
    sign = np.where(b["higher_is_better"].fillna(True).to_numpy(dtype=bool), 1.0, -1.0)
    value = latest["value"].to_numpy(dtype=float)
    d = pd.DataFrame({
        "benchmark_id": latest["benchmark_id"].to_numpy(), "metric": b["metric"].to_numpy(),
        "enterprise_id": latest["enterprise_id"].to_numpy(), "enterprise": latest["enterprise"].to_numpy(),
        "value": value, "measured_on": latest["measured_on"].to_numpy(),
        "gap_domestic": sign * (b["domestic_advanced"].to_numpy(dtype=float) - value),
        "gap_international": sign * (b["international_advanced"].to_numpy(dtype=float) - value),
    })
    d["meets_domestic"] = d["gap_domestic"] <= 0
    d["meets_international"] = d["gap_international"] <= 0
    return d


def metric_stats(latest: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Per-metric statistics of the latest values (:data:`STAT_COLUMNS`): the embedded input of
    :func:`finish_benchmark_gaps` (Neo4j computes the same in Cypher).

    Raises
    ------
    KeyError
        If a row names a benchmark missing from ``benchmarks``.

    Example
    -------
    >>> metric_stats(latest_values(g, scope), g.tables["benchmarks"])  # doctest: +SKIP
    """
    if latest.empty:
        return empty(STAT_COLUMNS)
    g = _firm_gaps(latest, benchmarks).groupby("benchmark_id")
    out = g.agg(firms_measured=("value", "size"), mean=("value", "mean"), median=("value", "median"),
                max_value=("value", "max"), min_value=("value", "min"), meets_domestic=("meets_domestic", "sum"),
                meets_international=("meets_international", "sum")).reset_index()
    return out[list(STAT_COLUMNS)].astype(STAT_COLUMNS)


def finish_benchmark_gaps(stats: pd.DataFrame, benchmarks: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """One row per metric from :data:`STAT_COLUMNS` rows: levels, best / worst, gaps of the mean, shares,
    linked problems. Shared by both engines.

    Parameters
    ----------
    stats : pandas.DataFrame
        :data:`STAT_COLUMNS`, rows in any order.
    benchmarks, problems : pandas.DataFrame
        The model's catalogs.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, by benchmark id.

    Raises
    ------
    KeyError
        If a row names a benchmark missing from ``benchmarks``.

    Example
    -------
    >>> finish_benchmark_gaps(stats, g.tables["benchmarks"], g.tables["problems"])  # doctest: +SKIP
    """
    if stats.empty:
        return empty(COLUMNS)
    out = stats.sort_values("benchmark_id").reset_index(drop=True)
    b = benchmarks.set_index("id").loc[out["benchmark_id"]]
    out["metric"] = b["metric"].to_numpy()
    out["unit"] = b["unit"].to_numpy()
    out["higher_is_better"] = b["higher_is_better"].fillna(True).to_numpy(dtype=bool)
    out["direction_zh"] = np.where(out["higher_is_better"], "越高越好", "越低越好")
    out["domestic_advanced"] = b["domestic_advanced"].to_numpy(dtype=float)
    out["international_advanced"] = b["international_advanced"].to_numpy(dtype=float)
    out["best"] = np.where(out["higher_is_better"], out["max_value"], out["min_value"])
    out["worst"] = np.where(out["higher_is_better"], out["min_value"], out["max_value"])
    s = np.where(out["higher_is_better"], 1.0, -1.0)
    out["gap_domestic"] = s * (out["domestic_advanced"] - out["mean"])
    out["gap_international"] = s * (out["international_advanced"] - out["mean"])
    out["share_meets_domestic"] = out["meets_domestic"] / out["firms_measured"]
    out["share_meets_international"] = out["meets_international"] / out["firms_measured"]
    probs = problems.dropna(subset=["benchmark_id"]).sort_values("id", kind="stable")
    out["problems"] = out["benchmark_id"].map(probs.groupby("benchmark_id")["name"].agg("、".join))
    return out[list(COLUMNS)].astype(COLUMNS)


def finish_benchmark_detail(latest: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """One row per firm × metric from the latest values (:data:`LATEST_COLUMNS`), with gaps. Shared by both
    engines.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DETAIL_COLUMNS`: by benchmark id, the furthest behind first (ties by enterprise id).

    Raises
    ------
    KeyError
        If a row names a benchmark missing from ``benchmarks``.

    Example
    -------
    >>> finish_benchmark_detail(latest_values(g, scope), g.tables["benchmarks"])  # doctest: +SKIP
    """
    if latest.empty:
        return empty(DETAIL_COLUMNS)
    d = _firm_gaps(latest, benchmarks)
    d = d.sort_values(["benchmark_id", "gap_domestic"], ascending=[True, False], kind="stable")
    return d[list(DETAIL_COLUMNS)].reset_index(drop=True).astype(DETAIL_COLUMNS)
