"""The list of common quality problems (区域产业共性质量问题清单).

Method (also in the README):

1. **Scope** — the enterprises located in the region (or any region below it)
   that operate in the chain (optionally one segment). ``scope_size`` counts them.
2. **Per firm and problem** — observations of the scope's firms are reduced to
   one record per (firm, problem): the highest severity seen, the latest status
   (by ``observed_on``), the set of evidence sources.
3. **Per problem** — ``affected`` firms, ``share = affected / scope_size``, and
   the Wilson 95 % lower bound of that share (``share_lower``), which keeps a
   problem seen at 2 of 4 firms from outranking one seen at 30 of 150.
4. **Common** (``is_common``) when ``affected >= min_firms`` (default 3) **and**
   ``share_lower >= min_share`` (default 0.10). Both are parameters; the defaults
   are stated in every export's summary sheet.
   ``common_segments`` applies the same rule inside each segment (firms of the
   segment as the denominator) and lists the segments where the problem is
   common, e.g. ``印染(5/9)`` — a problem can be common at a key link without
   being common across the whole chain.
5. **Ranking** — by ``score = share × mean severity`` (severity-weighted
   prevalence); ``cum_share`` is the Pareto cumulative share of the total score.
6. Segments touched (with firm counts) and whether any is a key link
   (关键环节); designated leaders affected; open / improving / resolved firm
   counts; and for problems linked to a benchmark metric, the scope's mean
   measured value against the domestic / international advanced level.

Example
-------
>>> df = common_problems(g, region="330502", chain="childrenswear")  # doctest: +SKIP
>>> df[["rank", "problem", "affected", "share", "is_common"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import ChainGraph
from ..model import ENUM_ZH
from ._common import designated_leaders, empty, primary_segment, resolve_scope, wilson_lower

MIN_FIRMS = 3
MIN_SHARE = 0.10

COLUMNS: dict[str, str] = {
    "rank": "Int64",
    "chain_id": "str",
    "problem_id": "str",
    "problem": "str",
    "category": "str",
    "category_zh": "str",
    "kind": "str",
    "kind_zh": "str",
    "standard_ref": "str",
    "affected": "int64",
    "scope_size": "int64",
    "share": "float64",
    "share_lower": "float64",
    "mean_severity": "float64",
    "max_severity": "Int64",
    "score": "float64",
    "cum_share": "float64",
    "is_common": "bool",
    "observations": "int64",
    "sources": "str",
    "segments": "str",
    "segments_touched": "int64",
    "common_segments": "str",
    "key_link": "bool",
    "key_links": "str",
    "leaders_affected": "int64",
    "leaders": "str",
    "open": "int64",
    "improving": "int64",
    "resolved": "int64",
    "benchmark_id": "str",
    "metric": "str",
    "unit": "str",
    "scope_mean": "float64",
    "domestic_advanced": "float64",
    "international_advanced": "float64",
    "gap_domestic": "float64",
    "gap_international": "float64",
}
"""Output columns and dtypes of :func:`common_problems`, in order."""

_SOURCE_ORDER = ["survey", "audit", "spot_check", "complaint"]


def _join_counts(keys: pd.Series, labels: pd.Series, counts: pd.Series) -> pd.Series:
    """Per key, ``label(count)、label(count)`` ordered by count descending."""
    df = pd.DataFrame({"k": keys.to_numpy(), "l": labels.to_numpy(), "c": counts.to_numpy()})
    df = df.sort_values(["k", "c", "l"], ascending=[True, False, True])
    text = df["l"].astype(str) + "(" + df["c"].astype(str) + ")"
    return text.groupby(df["k"].to_numpy()).agg("、".join)


def common_problems(graph: ChainGraph, region: str | None = None, chain: str | None = None,
                    segment: str | None = None, *, min_firms: int = MIN_FIRMS, min_share: float = MIN_SHARE,
                    include_resolved: bool = True) -> pd.DataFrame:
    """The regional industry's list of common quality problems.

    Parameters
    ----------
    graph : ChainGraph
    region : str, optional
        Region code or name; covers every region below it. None: all regions.
    chain : str, optional
        Chain id or name. None: one list per chain (rows carry ``chain_id``).
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
        Columns :data:`COLUMNS`, ranked by ``score`` within each chain. An empty
        scope gives an empty frame with these columns.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region, chain or segment.
    ValueError
        ``min_firms`` < 1 or ``min_share`` outside [0, 1].

    Example
    -------
    >>> common_problems(g, "吴兴区", "童装", min_firms=5)  # doctest: +SKIP
    """
    if min_firms < 1:
        raise ValueError("min_firms must be at least 1")
    if not 0 <= min_share <= 1:
        raise ValueError("min_share must be between 0 and 1")
    if chain is None and segment is None:
        frames = [common_problems(graph, region, cid, min_firms=min_firms, min_share=min_share,
                                  include_resolved=include_resolved)
                  for cid in graph.tables["chains"]["id"]]
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else empty(COLUMNS)
    scope = resolve_scope(graph, region, chain, segment)
    return _compute(graph, scope, min_firms, min_share, include_resolved)


def _compute(graph: ChainGraph, scope, min_firms: int, min_share: float, include_resolved: bool) -> pd.DataFrame:
    t = graph.tables
    n_scope = len(scope)
    obs = t["observations"]
    ent_pos = obs["_ent"].to_numpy()
    m = scope.mask[ent_pos] if len(obs) else np.zeros(0, dtype=bool)
    if n_scope == 0 or not m.any():
        return empty(COLUMNS)
    o = obs.loc[m, ["_ent", "_prob", "severity", "source", "observed_on", "status"]]
    # one record per (firm, problem): max severity, latest status, sources
    o = o.sort_values(["observed_on"], kind="stable", na_position="first")
    g = o.groupby(["_prob", "_ent"], sort=False)
    pair = g.agg(severity=("severity", "max"), status=("status", "last"), n_obs=("severity", "size")).reset_index()
    if not include_resolved:
        pair = pair[pair["status"] != "resolved"]
        if pair.empty:
            return empty(COLUMNS)
    per = pair.groupby("_prob").agg(affected=("_ent", "size"), mean_severity=("severity", "mean"),
                                    max_severity=("severity", "max"), observations=("n_obs", "sum"))
    status = pair.groupby(["_prob", "status"]).size().unstack(fill_value=0)
    for s in ("open", "improving", "resolved"):
        per[s] = status[s] if s in status else 0
    per[["open", "improving", "resolved"]] = per[["open", "improving", "resolved"]].fillna(0).astype("int64")
    # evidence sources, in a fixed order
    src = o[["_prob", "source"]].drop_duplicates()
    src["o"] = src["source"].map({s: i for i, s in enumerate(_SOURCE_ORDER)})
    src = src.sort_values(["_prob", "o"])
    per["sources"] = src.groupby("_prob")["source"].agg(",".join)
    # segments touched
    seg = primary_segment(graph, np.unique(pair["_ent"].to_numpy()), scope.chain)
    ps = pair[["_prob", "_ent"]].merge(seg[["segment", "key_link"]], left_on="_ent", right_index=True, how="inner")
    seg_counts = ps.groupby(["_prob", "segment"]).size().rename("c").reset_index()
    per["segments"] = _join_counts(seg_counts["_prob"], seg_counts["segment"], seg_counts["c"])
    per["segments_touched"] = seg_counts.groupby("_prob").size()
    # common within a segment: the same rule applied to the segment's own firms
    seg_sizes = primary_segment(graph, scope.positions, scope.chain).groupby("segment").size()
    sc = seg_counts.assign(n=seg_counts["segment"].map(seg_sizes).to_numpy())
    sc = sc[(sc["c"] >= min_firms) & (wilson_lower(sc["c"].to_numpy(), sc["n"].to_numpy()) >= min_share)]
    label = sc["segment"] + "(" + sc["c"].astype(str) + "/" + sc["n"].astype(str) + ")"
    per["common_segments"] = label.groupby(sc["_prob"].to_numpy()).agg("、".join) if len(sc) else pd.Series(
        dtype="str")
    keyc = seg_counts.merge(ps[["segment", "key_link"]].drop_duplicates(), on="segment")
    keyc = keyc[keyc["key_link"]]
    per["key_links"] = keyc.groupby("_prob")["segment"].agg("、".join) if len(keyc) else pd.Series(dtype="str")
    per["key_link"] = per["key_links"].notna()
    # leaders affected
    lead = designated_leaders(graph, scope)
    lp = pair[pair["_ent"].isin(lead)]
    names = t["enterprises"]["name"].to_numpy()
    per["leaders_affected"] = lp.groupby("_prob").size()
    per["leaders"] = lp.assign(n=names[lp["_ent"].to_numpy()]).groupby("_prob")["n"].agg("、".join) if len(
        lp) else pd.Series(dtype="str")
    # problem attributes
    probs = t["problems"].iloc[per.index.to_numpy()]
    out = pd.DataFrame({
        "chain_id": scope.chain,
        "problem_id": probs["id"].to_numpy(),
        "problem": probs["name"].to_numpy(),
        "category": probs["category"].to_numpy(),
        "kind": probs["kind"].to_numpy(),
        "standard_ref": probs["standard_ref"].to_numpy(),
        "benchmark_id": probs["benchmark_id"].to_numpy(),
    }, index=per.index)
    out = out.join(per)
    out["category_zh"] = out["category"].map(ENUM_ZH["category"])
    out["kind_zh"] = out["kind"].map(ENUM_ZH["kind"])
    out["scope_size"] = n_scope
    out["share"] = out["affected"] / n_scope
    out["share_lower"] = wilson_lower(out["affected"].to_numpy(), n_scope)
    out["score"] = out["share"] * out["mean_severity"]
    out["is_common"] = (out["affected"] >= min_firms) & (out["share_lower"] >= min_share)
    out = out.sort_values(["score", "affected", "problem_id"], ascending=[False, False, True])
    total = out["score"].sum()
    out["cum_share"] = out["score"].cumsum() / total if total > 0 else 0.0
    out["rank"] = np.arange(1, len(out) + 1)
    out = _benchmark_gap(graph, scope, out)
    for c in ("segments_touched", "leaders_affected"):
        out[c] = out[c].fillna(0)
    out["key_link"] = out["key_link"].fillna(False)
    out = out.reset_index(drop=True)
    return out[list(COLUMNS)].astype(COLUMNS)


def _benchmark_gap(graph: ChainGraph, scope, out: pd.DataFrame) -> pd.DataFrame:
    """Scope mean of the linked metric against the advanced levels (positive gap = behind)."""
    t = graph.tables
    bench = t["benchmarks"].set_index("id")
    for c in ("metric", "unit", "domestic_advanced", "international_advanced"):
        out[c] = out["benchmark_id"].map(bench[c]) if len(bench) else np.nan
    mea = t["measurements"]
    if len(mea):
        mm = mea[scope.mask[mea["_ent"].to_numpy()]]
        latest = mm.sort_values("measured_on", na_position="first").groupby(["benchmark_id", "_ent"]).last()
        mean = latest.groupby(level=0)["value"].mean()
        out["scope_mean"] = out["benchmark_id"].map(mean)
    else:
        out["scope_mean"] = np.nan
    hib = out["benchmark_id"].map(bench["higher_is_better"]) if len(bench) else pd.Series(np.nan, index=out.index)
    sign = np.where(hib.fillna(True).astype(bool), 1.0, -1.0)
    out["gap_domestic"] = sign * (out["domestic_advanced"].astype(float) - out["scope_mean"].astype(float))
    out["gap_international"] = sign * (out["international_advanced"].astype(float) - out["scope_mean"].astype(float))
    return out
