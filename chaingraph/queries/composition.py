"""Chain composition: who is in the chain, how big, how certified, how troubled (构成、分布、质量水平).

Example
-------
>>> composition(g, "吴兴区", "童装")  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import ChainGraph
from ..model import ENUM_ZH, ENUMS
from ._common import empty, resolve_scope

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
"""Output columns of :func:`composition`: one row per segment × size class, then a
``size == "all"`` (合计) row per segment."""

SIZES = list(ENUMS["size"])


def composition(graph: ChainGraph, region: str | None = None, chain: str | None = None) -> pd.DataFrame:
    """Enterprises of a region's chain by segment × size class, with quality measures.

    A firm working in several segments is counted in each. ``certified`` counts
    firms holding any certificate in the data or flagged ``qms_certified``;
    ``with_open_problems`` counts firms with a problem whose latest status is
    open or improving; ``mean_severity`` is over their observations.

    Parameters
    ----------
    graph : ChainGraph
    region : str, optional
        Region code or name (covers regions below it).
    chain : str, optional
        Chain id or name; None covers every chain (segments of all chains).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, segments in flow order, sizes micro → large, then ``all``.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain.

    Example
    -------
    >>> composition(g, "330502", "childrenswear").query("size == 'all'")  # doctest: +SKIP
    """
    scope = resolve_scope(graph, region, chain)
    t = graph.tables
    if len(scope) == 0:
        return empty(COLUMNS)
    ent = t["enterprises"]
    ops = t["operates_in"]
    segs_allowed = graph.segment_positions(scope.chain)
    keep = scope.mask[ops["_ent"].to_numpy()] & np.isin(ops["_seg"].to_numpy(), segs_allowed)
    rows = ops.loc[keep, ["_ent", "_seg"]].drop_duplicates()
    e = ent.iloc[rows["_ent"].to_numpy()]
    df = pd.DataFrame({
        "_ent": rows["_ent"].to_numpy(), "_seg": rows["_seg"].to_numpy(),
        "size": e["size"].to_numpy(), "employees": e["employees"].to_numpy(), "revenue": e["revenue"].to_numpy(),
        "qms": e["qms_certified"].fillna(False).to_numpy(dtype=bool),
    })
    n = len(ent)
    certified = np.zeros(n, dtype=bool)
    certified[t["certifications"]["_ent"].to_numpy()] = True
    certified |= ent["qms_certified"].fillna(False).to_numpy(dtype=bool)
    df["certified"] = certified[df["_ent"].to_numpy()]
    obs = t["observations"]
    om = obs[scope.mask[obs["_ent"].to_numpy()]]
    n_obs = np.bincount(om["_ent"].to_numpy(), minlength=n)
    sev_sum = np.bincount(om["_ent"].to_numpy(), weights=om["severity"].astype(float).to_numpy(), minlength=n)
    latest = om.sort_values("observed_on", na_position="first").groupby(["_ent", "_prob"])["status"].last()
    open_firms = np.zeros(n, dtype=bool)
    open_idx = latest[latest.isin(["open", "improving"]) | latest.isna()].index.get_level_values(0).to_numpy()
    open_firms[open_idx] = True
    df["open"] = open_firms[df["_ent"].to_numpy()]
    df["n_obs"] = n_obs[df["_ent"].to_numpy()]
    df["sev_sum"] = sev_sum[df["_ent"].to_numpy()]

    def agg(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        g = frame.groupby(keys, observed=True)
        return g.agg(enterprises=("_ent", "size"), employees=("employees", "sum"),
                     revenue=("revenue", "sum"), qms_certified=("qms", "sum"), certified=("certified", "sum"),
                     with_open_problems=("open", "sum"), n_obs=("n_obs", "sum"), sev_sum=("sev_sum", "sum"))

    by_size = agg(df, ["_seg", "size"]).reset_index()
    total = agg(df, ["_seg"]).reset_index()
    total["size"] = "all"
    out = pd.concat([by_size, total], ignore_index=True)
    seg_tot = total.set_index("_seg")["enterprises"]
    out["share_of_segment"] = out["enterprises"] / out["_seg"].map(seg_tot)
    out["cert_rate"] = out["certified"] / out["enterprises"]
    out["problem_rate"] = out["with_open_problems"] / out["enterprises"]
    out["observations_per_firm"] = out["n_obs"] / out["enterprises"]
    out["mean_severity"] = np.where(out["n_obs"] > 0, out["sev_sum"] / out["n_obs"].where(out["n_obs"] > 0), np.nan)
    seg = t["segments"].iloc[out["_seg"].to_numpy()]
    out["segment_id"] = seg["id"].to_numpy()
    out["segment"] = seg["name"].to_numpy()
    out["stage"] = seg["stage"].to_numpy()
    out["segment_order"] = seg["order"].to_numpy()
    out["key_link"] = seg["key_link"].fillna(False).to_numpy(dtype=bool)
    out["stage_zh"] = out["stage"].map(ENUM_ZH["stage"])
    out["size_zh"] = out["size"].map({**ENUM_ZH["size"], "all": "合计"})
    out["_size_o"] = out["size"].map({s: i for i, s in enumerate([*SIZES, "all"])})
    out = out.sort_values(["_seg", "_size_o"]).reset_index(drop=True)
    return out[list(COLUMNS)].astype(COLUMNS)
