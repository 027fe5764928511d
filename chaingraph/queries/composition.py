"""Chain composition: who is in the chain, how big, how certified, how troubled (构成、分布、质量水平).

Example
-------
>>> composition(g, "吴兴区", "童装")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from chaingraph.graph.aggregates import STATUSES
from chaingraph.graph.asof import graph_as_of
from chaingraph.graph.core import ChainGraph, Scope
from chaingraph.model import ENUM_ZH, ENUMS
from chaingraph.queries._common import certified_mask, empty, resolve_scope, size_unknown_zh
from chaingraph.queries._frames import segment_rank

COLUMNS: dict[str, str] = {
    "segment_order": "Int64",
    "segment_id": "str",
    "segment": "str",
    "stage": "str",
    "stage_zh": "str",
    "key_link": "bool",
    "size": "str",
    "size_zh": "str",
    "enterprises": "int64",
    "share_of_segment": "float64",
    "employees": "Int64",
    "revenue": "float64",
    "qms_certified": "int64",
    "certified": "int64",
    "cert_rate": "float64",
    "with_open_problems": "int64",
    "problem_rate": "float64",
    "observations_per_firm": "float64",
    "mean_severity": "float64",
}
"""Output columns of :func:`composition`: one row per segment × size class (``unknown``, 规模不详, for the firms
whose size is missing), then a ``size == "all"`` (合计) row per segment."""

UNKNOWN = "unknown"
"""The size value composition gives firms whose size is missing (label 规模不详): never guessed, counted apart."""

SIZES = [s for s in ENUMS["size"] if s != UNKNOWN] + [UNKNOWN]
"""Size rows in output order: micro → large, then ``unknown``."""


COUNT_COLUMNS: dict[str, str] = {
    "segment_id": "str",
    "size": "str",
    "enterprises": "int64",
    "employees": "Int64",
    "revenue": "float64",
    "qms_certified": "int64",
    "certified": "int64",
    "with_open_problems": "int64",
    "n_obs": "int64",
    "sev_sum": "float64",
}
"""Input of :func:`finish_composition`: one row per segment × size class (any order), sums over the
(firm, segment) pairs of the scope (a firm working in several segments counts in each); firms without a size
under ``size == "unknown"`` (a missing ``size`` is read as ``unknown`` too)."""

_SUMS = [c for c in COUNT_COLUMNS if c not in ("segment_id", "size")]


def composition(graph: ChainGraph, region: str | None = None, chain: str | None = None, *, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Enterprises of a region's chain by segment × size class, with quality measures.

    A firm working in several segments is counted in each. ``certified`` counts
    firms holding a certificate valid on the data date or flagged ``qms_certified``;
    ``with_open_problems`` counts firms with a problem whose latest status is
    open or improving; ``mean_severity`` is over their observations.

    Parameters
    ----------
    graph : ChainGraph
    region : str, optional
        Region code or name (covers regions below it).
    chain : str, optional
        Chain id or name; None covers every chain (segments of all chains).

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, segments in flow order, sizes micro → large, ``unknown`` (规模不详), then
        ``all``.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain.

    Example
    -------
    >>> composition(g, "330502", "childrenswear").query("size == 'all'")  # doctest: +SKIP
    """
    graph = graph_as_of(graph, as_of)
    scope = resolve_scope(graph, region, chain)
    return finish_composition(composition_counts(graph, scope), graph.tables["segments"])


def composition_counts(graph: ChainGraph, scope: Scope) -> pd.DataFrame:
    """The embedded input of :func:`finish_composition`: sums per segment × size class of a scope.

    Raises
    ------
    ValueError
        If the scope was made for another graph.

    Example
    -------
    >>> composition_counts(g, g.scope("330502", "childrenswear")).head()  # doctest: +SKIP
    """
    t = graph.tables
    ent = t["enterprises"]
    if graph.enterprises(scope).empty:  # (ValueError for a scope of another graph)
        return empty(COUNT_COLUMNS)
    ops = t["operates_in"]
    keep = scope.mask[ops["_ent"].to_numpy()] & np.isin(ops["_seg"].to_numpy(), graph.segment_positions(scope.chain))
    rows = ops.loc[keep, ["_ent", "_seg"]].drop_duplicates()
    pos = rows["_ent"].to_numpy()
    e = ent.iloc[pos]
    n = len(ent)
    obs = t["observations"]
    om = obs[scope.mask[obs["_ent"].to_numpy()]]
    n_obs = np.bincount(om["_ent"].to_numpy(), minlength=n)
    sev_sum = np.bincount(om["_ent"].to_numpy(), weights=om["severity"].astype(float).to_numpy(), minlength=n)
    pairs = graph.aggregates["pairs"]  # latest recorded status per (firm, problem); none recorded = open
    open_firms = np.zeros(n, dtype=bool)
    open_firms[pairs["_ent"].to_numpy()[np.isin(pairs["status"].to_numpy(), [STATUSES.index("open"),
                                                                           STATUSES.index("improving")])]] = True
    df = pd.DataFrame({
        "_seg": rows["_seg"].to_numpy(), "size": e["size"].fillna(UNKNOWN).to_numpy(), "_ent": pos,
        "employees": e["employees"].to_numpy(), "revenue": e["revenue"].to_numpy(),
        "qms": e["qms_certified"].fillna(False).to_numpy(dtype=bool), "certified": certified_mask(graph)[pos],
        "open": open_firms[pos], "n_obs": n_obs[pos], "sev_sum": sev_sum[pos],
    })
    out = df.groupby(["_seg", "size"], observed=True).agg(
        enterprises=("_ent", "size"), employees=("employees", "sum"), revenue=("revenue", "sum"),
        qms_certified=("qms", "sum"), certified=("certified", "sum"), with_open_problems=("open", "sum"),
        n_obs=("n_obs", "sum"), sev_sum=("sev_sum", "sum")).reset_index()
    out.insert(0, "segment_id", t["segments"]["id"].to_numpy()[out["_seg"].to_numpy()])
    return out[list(COUNT_COLUMNS)].astype(COUNT_COLUMNS)


def finish_composition(counts: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The composition frame from the per segment × size sums (:data:`COUNT_COLUMNS`), for both engines.

    Adds one ``size == "all"`` row per segment (the sums of its size rows), the rates and the segment
    attributes; segments in flow order, sizes micro → large, ``unknown`` (规模不详), then ``all``.

    Parameters
    ----------
    counts : pandas.DataFrame
        :data:`COUNT_COLUMNS`, rows in any order.
    segments : pandas.DataFrame
        The segment catalog (the model's ``segments`` table).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    KeyError
        If a row names a segment missing from the catalog.

    Example
    -------
    >>> finish_composition(composition_counts(g, scope), g.tables["segments"])  # doctest: +SKIP
    """
    if counts.empty:
        return empty(COLUMNS)
    by_size = counts[["segment_id", "size", *_SUMS]].astype({c: COUNT_COLUMNS[c] for c in _SUMS})
    by_size = by_size.assign(size=by_size["size"].fillna(UNKNOWN).astype("str"))
    if by_size.duplicated(["segment_id", "size"]).any():  # a missing size and "unknown" of one segment: one row
        by_size = by_size.groupby(["segment_id", "size"], sort=False)[_SUMS].sum().reset_index()
    total = by_size.groupby("segment_id")[_SUMS].sum().reset_index()
    total["size"] = "all"
    out = pd.concat([by_size, total], ignore_index=True)
    seg_tot = total.set_index("segment_id")["enterprises"]
    out["share_of_segment"] = out["enterprises"] / out["segment_id"].map(seg_tot)
    out["cert_rate"] = out["certified"] / out["enterprises"]
    out["problem_rate"] = out["with_open_problems"] / out["enterprises"]
    out["observations_per_firm"] = out["n_obs"] / out["enterprises"]
    out["mean_severity"] = np.where(out["n_obs"] > 0, out["sev_sum"] / out["n_obs"].where(out["n_obs"] > 0), np.nan)
    seg = segments.set_index("id").loc[out["segment_id"]]
    out["segment"] = seg["name"].to_numpy()
    out["stage"] = seg["stage"].to_numpy()
    out["segment_order"] = seg["order"].to_numpy()
    out["key_link"] = seg["key_link"].fillna(False).to_numpy(dtype=bool)
    out["stage_zh"] = out["stage"].map(ENUM_ZH["stage"])
    out["size_zh"] = out["size"].map({**ENUM_ZH["size"], UNKNOWN: size_unknown_zh(), "all": "合计"})
    out["_rank"] = out["segment_id"].map(segment_rank(segments))
    out["_size_o"] = out["size"].map({s: i for i, s in enumerate([*SIZES, "all"])})
    out = out.sort_values(["_rank", "_size_o"], kind="stable").reset_index(drop=True)
    return out[list(COLUMNS)].astype(COLUMNS)
