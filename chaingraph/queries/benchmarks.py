"""Benchmark gaps: measured values against domestic and international advanced levels (与先进水平比对).

For each firm the latest measurement of each metric is used. A gap is signed
so that **positive means behind** the advanced level, whatever the metric's
direction (``higher_is_better``).

Example
-------
>>> benchmark_gaps(g, "吴兴区", "童装")  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import ChainGraph
from ._common import empty, resolve_scope

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
    "uscc": "str",
    "enterprise": "str",
    "value": "float64",
    "measured_on": "datetime64[s]",
    "gap_domestic": "float64",
    "gap_international": "float64",
    "meets_domestic": "bool",
    "meets_international": "bool",
}
"""Output columns of :func:`benchmark_gaps` with ``detail=True`` (one row per firm × metric)."""


def benchmark_gaps(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
                   detail: bool = False) -> pd.DataFrame:
    """Measured values of the scope's firms against advanced levels.

    Parameters
    ----------
    graph : ChainGraph
    region, chain : str, optional
        Scope (codes, ids or names).
    detail : bool
        One row per firm × metric instead of one per metric.

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
    scope = resolve_scope(graph, region, chain)
    t = graph.tables
    mea = t["measurements"]
    cols = DETAIL_COLUMNS if detail else COLUMNS
    if len(mea) == 0 or len(scope) == 0:
        return empty(cols)
    m = mea[scope.mask[mea["_ent"].to_numpy()]]
    if m.empty:
        return empty(cols)
    latest = m.sort_values("measured_on", na_position="first").groupby(["_bench", "_ent"], as_index=False).last()
    bench = t["benchmarks"].iloc[latest["_bench"].to_numpy()]
    hib = bench["higher_is_better"].fillna(True).to_numpy(dtype=bool)
    sign = np.where(hib, 1.0, -1.0)
    value = latest["value"].to_numpy(dtype=float)
    dom = bench["domestic_advanced"].to_numpy(dtype=float)
    intl = bench["international_advanced"].to_numpy(dtype=float)
    d = pd.DataFrame({
        "_bench": latest["_bench"].to_numpy(),
        "benchmark_id": bench["id"].to_numpy(), "metric": bench["metric"].to_numpy(),
        "uscc": latest["uscc"].to_numpy(),
        "enterprise": t["enterprises"]["name"].to_numpy()[latest["_ent"].to_numpy()],
        "value": value, "measured_on": latest["measured_on"].to_numpy(),
        "gap_domestic": sign * (dom - value), "gap_international": sign * (intl - value),
    })
    d["meets_domestic"] = d["gap_domestic"] <= 0
    d["meets_international"] = d["gap_international"] <= 0
    if detail:
        return d.sort_values(["benchmark_id", "gap_domestic"], ascending=[True, False])[list(cols)].reset_index(
            drop=True).astype(cols)
    g = d.groupby("_bench")
    out = g.agg(firms_measured=("value", "size"), mean=("value", "mean"), median=("value", "median"),
                vmax=("value", "max"), vmin=("value", "min"), meets_domestic=("meets_domestic", "sum"),
                meets_international=("meets_international", "sum"))
    b = t["benchmarks"].iloc[out.index.to_numpy()]
    out["benchmark_id"] = b["id"].to_numpy()
    out["metric"] = b["metric"].to_numpy()
    out["unit"] = b["unit"].to_numpy()
    out["higher_is_better"] = b["higher_is_better"].fillna(True).to_numpy(dtype=bool)
    out["direction_zh"] = np.where(out["higher_is_better"], "越高越好", "越低越好")
    out["domestic_advanced"] = b["domestic_advanced"].to_numpy(dtype=float)
    out["international_advanced"] = b["international_advanced"].to_numpy(dtype=float)
    out["best"] = np.where(out["higher_is_better"], out["vmax"], out["vmin"])
    out["worst"] = np.where(out["higher_is_better"], out["vmin"], out["vmax"])
    s = np.where(out["higher_is_better"], 1.0, -1.0)
    out["gap_domestic"] = s * (out["domestic_advanced"] - out["mean"])
    out["gap_international"] = s * (out["international_advanced"] - out["mean"])
    out["share_meets_domestic"] = out["meets_domestic"] / out["firms_measured"]
    out["share_meets_international"] = out["meets_international"] / out["firms_measured"]
    probs = t["problems"].dropna(subset=["benchmark_id"])
    linked = probs.groupby("benchmark_id")["name"].agg("、".join)
    out["problems"] = out["benchmark_id"].map(linked)
    out = out.sort_values("benchmark_id").reset_index(drop=True)
    return out[list(cols)].astype(cols)
