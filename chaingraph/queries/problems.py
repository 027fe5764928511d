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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..aggregates import SOURCES, STATUSES, sources_text
from ..graph import ChainGraph
from ..model import ENUM_ZH
from ._common import designated_leaders, empty, resolve_scope, take, wilson_lower

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


def _region_rows(codes: np.ndarray, region: str | None) -> np.ndarray:
    """Mask over region codes (ints) covered by ``region`` (a resolved code)."""
    if region is None:
        return np.ones(len(codes), dtype=bool)
    from ..regions import load_regions

    div = 10 ** {"province": 4, "city": 2, "county": 0}[load_regions().level(region)]
    return (codes // div) == (int(region) // div)


def _label_counts(prob: np.ndarray, names: np.ndarray, counts: np.ndarray, denom: np.ndarray | None = None
                  ) -> pd.Series:
    """Per problem: ``name(count)`` or ``name(count/denom)``, most affected first, joined with 、."""
    if len(prob) == 0:
        return pd.Series(dtype="str")
    order = np.lexsort((names, -counts, prob))
    text = pd.Series(names[order]).astype(str) + "(" + pd.Series(counts[order]).astype(str)
    if denom is not None:
        text = text + "/" + pd.Series(denom[order]).astype(str)
    text = text + ")"
    return text.groupby(prob[order]).agg("、".join)


@dataclass
class ProblemCounts:
    """What the problem list is computed from — the same whichever engine counted it.

    Attributes
    ----------
    chain_id : str
    scope_size : int
        Firms in scope.
    per_problem : pandas.DataFrame
        Indexed by problem id: ``affected, sev_sum, max_severity, observations, open, improving,
        resolved, src_bits`` (``src_bits``: evidence sources as bits of :data:`~chaingraph.aggregates.SOURCES`).
    per_segment : pandas.DataFrame
        ``problem_id, segment_id, affected``: firms operating in each segment that have the problem.
    segment_sizes : pandas.Series
        Segment id → firms of the scope's region operating in it (denominators of ``common_segments``).
    leaders : pandas.DataFrame
        ``problem_id, enterprise``: designated leaders of the scope that have the problem.
    bench_means : pandas.Series
        Benchmark id → mean of the scope firms' latest measured values.
    """

    chain_id: str | None
    scope_size: int
    per_problem: pd.DataFrame
    per_segment: pd.DataFrame
    segment_sizes: pd.Series
    leaders: pd.DataFrame
    bench_means: pd.Series


def counts_from_cubes(graph: ChainGraph, scope, include_resolved: bool) -> ProblemCounts:
    """:class:`ProblemCounts` of a scope, read from the embedded graph's precomputed cubes.

    Raises
    ------
    KeyError
        Never for a graph built by chaingraph.

    Example
    -------
    >>> counts_from_cubes(g, g.scope("330502", "childrenswear"), True).scope_size  # doctest: +SKIP
    142
    """
    t = graph.tables
    agg = graph.aggregates
    u = "" if include_resolved else "_u"
    seg_ids = t["segments"]["id"].to_numpy()
    prob_ids = t["problems"]["id"].to_numpy()
    if scope.segment is not None:
        group, groups = "_seg", graph.segment_positions(scope.chain, scope.segment)
        cube, size_tab = agg["segment_cube"], agg["segment_sizes"]
    else:
        group, groups = "_chain", np.flatnonzero((t["chains"]["id"] == scope.chain).to_numpy())
        cube, size_tab = agg["chain_cube"], agg["chain_sizes"]
    in_region = _region_rows(size_tab["_region"].to_numpy(), scope.region)
    n_scope = int(size_tab.loc[in_region & size_tab[group].isin(groups).to_numpy(), "firms"].sum())
    rows = cube[_region_rows(cube["_region"].to_numpy(), scope.region) & cube[group].isin(groups).to_numpy()]
    rows = rows[rows["affected" + u].to_numpy() > 0]
    g = rows.groupby("_prob", sort=True)
    src = rows["src_bits" + u].to_numpy(dtype=np.int64)
    bits = sum(pd.Series((src >> i) & 1).groupby(rows["_prob"].to_numpy()).max() * (1 << i)
               for i in range(len(SOURCES))) if len(rows) else pd.Series(dtype=np.int64)
    per = pd.DataFrame({
        "affected": g["affected" + u].sum(), "sev_sum": g["sev_sum" + u].sum(),
        "max_severity": g["sev_max" + u].max(), "observations": g["n_obs" + u].sum(),
        "open": g["open"].sum(), "improving": g["improving"].sum(),
        "resolved": g["resolved"].sum() if include_resolved else g["open"].sum() * 0, "src_bits": bits,
    })
    per.index = prob_ids[per.index.to_numpy()]
    seg_pos = groups if scope.segment is not None else graph.segment_positions(scope.chain)
    sc = agg["segment_cube"]
    sc = sc[_region_rows(sc["_region"].to_numpy(), scope.region) & sc["_seg"].isin(seg_pos).to_numpy()]
    ps = sc.groupby(["_prob", "_seg"], sort=True)["affected" + u].sum()
    ps = ps[ps > 0]
    per_segment = pd.DataFrame({"problem_id": prob_ids[ps.index.get_level_values(0).to_numpy()],
                                "segment_id": seg_ids[ps.index.get_level_values(1).to_numpy()],
                                "affected": ps.to_numpy()})
    ssz = agg["segment_sizes"]
    ssz = ssz[_region_rows(ssz["_region"].to_numpy(), scope.region)].groupby("_seg")["firms"].sum()
    segment_sizes = pd.Series(ssz.to_numpy(), index=seg_ids[ssz.index.to_numpy()])
    lead = designated_leaders(graph, scope)
    pairs = agg["pairs"]
    ent_col = pairs["_ent"].to_numpy()
    lo, hi = np.searchsorted(ent_col, lead, side="left"), np.searchsorted(ent_col, lead, side="right")
    lp = pairs.iloc[np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)])] if len(lead) else pairs[:0]
    if not include_resolved:
        lp = lp[lp["status"].to_numpy() != STATUSES.index("resolved")]
    leaders = pd.DataFrame({"problem_id": prob_ids[lp["_prob"].to_numpy()],
                            "enterprise": take(t["enterprises"]["name"], lp["_ent"].to_numpy())})
    return ProblemCounts(scope.chain, n_scope, per, per_segment, segment_sizes, leaders,
                         _bench_means(graph, scope))


def finish_problems(counts: ProblemCounts, problems: pd.DataFrame, segments: pd.DataFrame,
                    benchmarks: pd.DataFrame, *, min_firms: int, min_share: float) -> pd.DataFrame:
    """The common-problem list from :class:`ProblemCounts`: shares, Wilson bound, ranking, labels.

    Shared by the embedded and the Neo4j engines, so both give the same rows.

    Parameters
    ----------
    counts : ProblemCounts
    problems, segments, benchmarks : pandas.DataFrame
        The model's tables (at least ``id`` and the display columns).
    min_firms, min_share
        The thresholds for "common".

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    KeyError
        If a counted problem or segment id is not in the tables.

    Example
    -------
    >>> finish_problems(counts, g.tables["problems"], g.tables["segments"], g.tables["benchmarks"],
    ...                 min_firms=3, min_share=0.1)  # doctest: +SKIP
    """
    per = counts.per_problem.copy()
    per.index.name = None  # a name clashing with the problem_id column would make sorting ambiguous
    n_scope = counts.scope_size
    if n_scope == 0 or per.empty:
        return empty(COLUMNS)
    per["sources"] = sources_text(per["src_bits"].to_numpy())
    per["mean_severity"] = per["sev_sum"] / per["affected"]
    seg = segments.set_index("id")
    ps = counts.per_segment[counts.per_segment["problem_id"].isin(per.index)]
    pid = ps["problem_id"].to_numpy()
    names = seg["name"].reindex(ps["segment_id"]).to_numpy()
    n = ps["affected"].to_numpy()
    per["segments"] = _label_counts(pid, names, n)
    per["segments_touched"] = ps.groupby("problem_id").size()
    key = seg["key_link"].reindex(ps["segment_id"]).fillna(False).to_numpy(dtype=bool)
    per["key_links"] = _label_counts(pid[key], names[key], n[key]).str.replace(r"\(\d+\)", "", regex=True)
    per["key_link"] = per["key_links"].notna()
    denom = counts.segment_sizes.reindex(ps["segment_id"]).fillna(0).to_numpy(dtype=np.int64)
    common = (n >= min_firms) & (denom > 0) & (wilson_lower(n, np.maximum(denom, 1)) >= min_share)
    per["common_segments"] = _label_counts(pid[common], names[common], n[common], denom[common])
    lead = counts.leaders[counts.leaders["problem_id"].isin(per.index)].sort_values(["problem_id", "enterprise"])
    per["leaders_affected"] = lead.groupby("problem_id").size()
    per["leaders"] = lead.groupby("problem_id")["enterprise"].agg("、".join) if len(lead) else pd.Series(
        dtype="str")
    probs = problems.set_index("id").reindex(per.index)
    out = pd.DataFrame({
        "chain_id": counts.chain_id, "problem_id": per.index.to_numpy(), "problem": probs["name"].to_numpy(),
        "category": probs["category"].to_numpy(), "kind": probs["kind"].to_numpy(),
        "standard_ref": probs["standard_ref"].to_numpy(), "benchmark_id": probs["benchmark_id"].to_numpy(),
    }, index=per.index).join(per)
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
    out = _benchmark_gap(out, benchmarks, counts.bench_means)
    for c in ("segments_touched", "leaders_affected"):
        out[c] = out[c].fillna(0)
    out["key_link"] = out["key_link"].fillna(False)
    return out.reset_index(drop=True)[list(COLUMNS)].astype(COLUMNS)


def _compute(graph: ChainGraph, scope, min_firms: int, min_share: float, include_resolved: bool) -> pd.DataFrame:
    """The list for one scope of the embedded graph."""
    t = graph.tables
    return finish_problems(counts_from_cubes(graph, scope, include_resolved), t["problems"], t["segments"],
                           t["benchmarks"], min_firms=min_firms, min_share=min_share)


def _bench_means(graph: ChainGraph, scope) -> pd.Series:
    """Benchmark id → mean of the scope firms' latest values (from the cube, or directly for a segment)."""
    t = graph.tables
    if scope.segment is None:
        bc = graph.aggregates["bench_cube"]
        chain_rows = np.flatnonzero((t["chains"]["id"] == scope.chain).to_numpy())
        bc = bc[_region_rows(bc["_region"].to_numpy(), scope.region) & bc["_chain"].isin(chain_rows).to_numpy()]
        g = bc.groupby("_bench")
        mean = g["value_sum"].sum() / g["value_n"].sum()
    else:
        from ..aggregates import latest_measurements

        mea = t["measurements"]
        mean = latest_measurements(mea[scope.mask[mea["_ent"].to_numpy()]]).groupby("_bench")["value"].mean()
    return pd.Series(mean.to_numpy(), index=t["benchmarks"]["id"].to_numpy()[mean.index.to_numpy()])


def _benchmark_gap(out: pd.DataFrame, benchmarks: pd.DataFrame, means: pd.Series) -> pd.DataFrame:
    """Scope mean of the linked metric against the advanced levels (positive gap = behind)."""
    b = benchmarks.set_index("id")
    for c in ("metric", "unit", "domestic_advanced", "international_advanced"):
        out[c] = out["benchmark_id"].map(b[c]) if len(b) else np.nan
    out["scope_mean"] = out["benchmark_id"].map(means) if len(means) else np.nan
    hib = out["benchmark_id"].map(b["higher_is_better"]) if len(b) else pd.Series(np.nan, index=out.index)
    sign = np.where(hib.fillna(True).astype(bool), 1.0, -1.0)
    out["gap_domestic"] = sign * (out["domestic_advanced"].astype(float) - out["scope_mean"].astype(float))
    out["gap_international"] = sign * (out["international_advanced"].astype(float) - out["scope_mean"].astype(float))
    return out
