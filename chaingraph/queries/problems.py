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

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.graph.aggregates import SOURCES, sources_text
from chaingraph.graph.asof import graph_as_of
from chaingraph.graph.core import ChainGraph
from chaingraph.queries._common import empty, wilson_lower
from chaingraph.queries.problem_counts import (  # noqa: F401  (re-exported: these lived here)
    _CATALOGS,
    _LOOKUPS,
    ProblemCounts,
    _bench_means,
    _Catalog,
    _catalog,
    _Lookup,
    _lookup,
    _rank,
    _scope_leaders,
    counts_from_cubes,
    region_range,
)

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
                    include_resolved: bool = True, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """The regional industry's list of common quality problems.

    Parameters
    ----------
    graph : ChainGraph
    region : str, optional
        Region code or name; covers every region below it. None: all regions.
    chain : str, optional
        Chain id or name. None: one list per chain (rows carry ``chain_id``; chains in id order).
    segment : str, optional
        Restrict the scope to one segment of the chain.
    min_firms : int
        Minimum firms affected for a problem to count as common.
    min_share : float
        Minimum Wilson 95 % lower bound of the share of firms affected.
    include_resolved : bool
        Count firms whose latest status for the problem is ``resolved``.

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
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
    graph = graph_as_of(graph, as_of)
    check_thresholds(min_firms, min_share)
    code = graph.resolve_region(region) if region is not None else None
    cid = graph.resolve_chain(chain) if chain is not None else None
    sid = graph.resolve_segment(segment, cid) if segment is not None else None
    t = graph.tables
    counts = counts_from_cubes(graph, code, cid, sid, include_resolved)
    return finish_problems(counts, t["problems"], t["segments"], t["benchmarks"], min_firms=min_firms,
                           min_share=min_share)


def check_thresholds(min_firms: int, min_share: float) -> None:
    """Refuse thresholds that cannot mean "common" (shared by both engines).

    Raises
    ------
    ValueError
        ``min_firms`` < 1 or ``min_share`` outside [0, 1].

    Example
    -------
    >>> check_thresholds(3, 0.1)
    """
    if min_firms < 1:
        raise ValueError("min_firms must be at least 1")
    if not 0 <= min_share <= 1:
        raise ValueError("min_share must be between 0 and 1")

# -- finishing, shared by both engines ---------------------------------------------------------


_SOURCES_TEXT = np.array(sources_text(np.arange(1 << len(SOURCES))), dtype=object)
_STR = pd.StringDtype(na_value=np.nan)


def _join_groups(group: np.ndarray, texts: pa.Array, n: int) -> np.ndarray:
    """Per group 0..n-1: its texts (already in order, groups contiguous and ascending) joined with 、.

    Done in Arrow (a list array over the texts, then ``binary_join``): the country-wide list of
    every chain joins ~100,000 labels. Groups without any text get None.
    """
    counts = np.bincount(group, minlength=n) if len(group) else np.zeros(n, dtype=np.int64)
    offsets = pa.array(np.r_[0, np.cumsum(counts)].astype(np.int32), type=pa.int32())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, texts.cast(pa.string())), "、")
    joined = pc.if_else(pa.array(counts > 0), joined, pa.scalar(None, type=pa.string()))
    return joined.to_numpy(zero_copy_only=False)


def _label(names: np.ndarray, *numbers: np.ndarray) -> pa.Array:
    """``name(n)`` or ``name(n/d)`` for each item, vectorised."""
    parts: list[object] = [pa.array(names, type=pa.string()), "("]
    for i, v in enumerate(numbers):
        if i:
            parts.append("/")
        parts.append(pa.array(v, type=pa.int64()).cast(pa.string()))
    parts.append(")")
    return pc.binary_join_element_wise(*parts, "")


def finish_problems(counts: ProblemCounts, problems: pd.DataFrame, segments: pd.DataFrame,
                    benchmarks: pd.DataFrame, *, min_firms: int, min_share: float) -> pd.DataFrame:
    """The common-problem list from :class:`ProblemCounts`: shares, Wilson bound, ranking, labels.

    Shared by the embedded and the Neo4j engines, so both give the same rows. Vectorised
    over every (chain, problem) row at once; text labels are joined in plain Python over
    the few items they hold.

    Parameters
    ----------
    counts : ProblemCounts
    problems, segments, benchmarks : pandas.DataFrame
        The model's tables (at least ``id`` and the display columns) that the counts'
        positions refer to.
    min_firms, min_share
        The thresholds for "common".

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; chains in the order of ``counts.chain_ids``, problems
        by ``score`` (then firms affected, then id) within each chain.

    Raises
    ------
    IndexError
        If a position in ``counts`` is outside the tables.

    Example
    -------
    >>> finish_problems(counts, g.tables["problems"], g.tables["segments"], g.tables["benchmarks"],
    ...                 min_firms=3, min_share=0.1)  # doctest: +SKIP
    """
    cat = _catalog(problems, segments, benchmarks)
    pp = counts.per_problem
    ch_all = pp["chain"]
    keep = (pp["affected"] > 0) & (counts.scope_sizes[ch_all] > 0) if len(ch_all) else np.zeros(0, dtype=bool)
    if not keep.any():
        return empty(COLUMNS)
    aff = pp["affected"][keep]
    ch, pr = ch_all[keep], pp["problem"][keep]
    n_scope = counts.scope_sizes[ch]
    mean_sev = pp["sev_sum"][keep] / aff
    share = aff / n_scope
    lower = wilson_lower(aff, n_scope)
    score = share * mean_sev
    order = np.lexsort((cat.prob_rank[pr], -aff, -score, ch))
    k = len(order)
    ch, pr, aff, n_scope, mean_sev, share, lower, score = (a[order] for a in (ch, pr, aff, n_scope, mean_sev,
                                                                                share, lower, score))
    sel = np.flatnonzero(keep)[order]

    def col(name: str) -> np.ndarray:
        return pp[name][sel]

    # rank and Pareto share within each chain
    starts = np.flatnonzero(np.r_[True, ch[1:] != ch[:-1]])
    ends = np.r_[starts[1:], k]
    rank = np.empty(k, dtype=np.int64)
    cum = np.zeros(k)
    for a, b in zip(starts, ends, strict=True):
        rank[a:b] = np.arange(1, b - a + 1)
        total = score[a:b].sum()
        if total > 0:
            cum[a:b] = np.cumsum(score[a:b]) / total
    # output row of each (chain, problem)
    n_prob = max(len(cat.prob_ids), 1)
    row_of = np.full(len(counts.chain_ids) * n_prob, -1, dtype=np.int64)
    row_of[ch * n_prob + pr] = np.arange(k)

    def rows_of(d: dict[str, np.ndarray]) -> np.ndarray:
        r = row_of[d["chain"] * n_prob + d["problem"]] if len(d["chain"]) else np.zeros(0, dtype=np.int64)
        return r

    # segment labels: name(firms), most affected first, then by name
    ps = counts.per_segment
    r = rows_of(ps)
    ok = (r >= 0) & (ps["affected"] > 0)
    r, seg, n = r[ok], ps["segment"][ok], ps["affected"][ok]
    o = np.lexsort((cat.seg_rank[seg], -n, r))
    r, seg, n = r[o], seg[o], n[o]
    names = cat.seg_name[seg]
    segments_txt = _join_groups(r, _label(names, n), k)
    touched = np.bincount(r, minlength=k)
    key = cat.seg_key[seg]
    key_txt = _join_groups(r[key], pa.array(names[key], type=pa.string()), k)
    denom = counts.segment_sizes[seg]
    common = (n >= min_firms) & (denom > 0) & (wilson_lower(n, np.maximum(denom, 1)) >= min_share)
    common_txt = _join_groups(r[common], _label(names[common], n[common], denom[common]), k)
    # leaders affected, by name
    ld = counts.leaders
    lr = rows_of(ld)
    found = lr >= 0
    names = ld["enterprise"]
    names = (names if isinstance(names, pa.Array) else pa.array(names, type=pa.string(), from_pandas=True)).filter(
        pa.array(found))
    if "name_rank" in ld:  # the counting engine ranked the names already: one integer sort
        by_name = ld["name_rank"][found]
        o = np.argsort(lr[found] * (int(by_name.max()) + 1 if len(by_name) else 1) + by_name)
    else:
        o = pc.sort_indices(pa.table({"r": lr[found], "name": names}),
                            sort_keys=[("r", "ascending"), ("name", "ascending")]).to_numpy()
    lgroup = lr[found][o]
    leaders_txt = _join_groups(lgroup, names.take(pa.array(o, type=pa.int64())), k)
    leaders_n = np.bincount(lgroup, minlength=k) if len(lgroup) else np.zeros(k, dtype=np.int64)
    # benchmark gap: positive = behind the advanced level
    bpos = cat.prob_bench[pr]
    scope_mean = np.full(k, np.nan)
    has = bpos >= 0
    scope_mean[has] = counts.bench_means[ch[has], bpos[has]]
    dom, intl, sign = cat.domestic[pr], cat.international[pr], cat.sign[pr]
    pcols = cat.prob_cols
    cols: dict[str, object] = {
        "rank": rank, "chain_id": counts.chain_ids[ch], "problem_id": cat.prob_ids[pr], "problem": pcols["name"][pr],
        "category": pcols["category"][pr], "category_zh": pcols["category_zh"][pr], "kind": pcols["kind"][pr],
        "kind_zh": pcols["kind_zh"][pr], "standard_ref": pcols["standard_ref"][pr], "affected": aff,
        "scope_size": n_scope, "share": share, "share_lower": lower, "mean_severity": mean_sev,
        "max_severity": col("max_severity"), "score": score, "cum_share": cum,
        "is_common": (aff >= min_firms) & (lower >= min_share), "observations": col("observations"),
        "sources": _SOURCES_TEXT[col("src_bits") & ((1 << len(SOURCES)) - 1)], "segments": segments_txt,
        "segments_touched": touched, "common_segments": common_txt, "key_link": key_txt != None,  # noqa: E711
        "key_links": key_txt, "leaders_affected": leaders_n, "leaders": leaders_txt, "open": col("open"),
        "improving": col("improving"), "resolved": col("resolved"), "benchmark_id": pcols["benchmark_id"][pr],
        "metric": cat.metric[pr], "unit": cat.unit[pr], "scope_mean": scope_mean, "domestic_advanced": dom,
        "international_advanced": intl, "gap_domestic": sign * (dom - scope_mean),
        "gap_international": sign * (intl - scope_mean),
    }
    return pd.DataFrame({c: _typed(cols[c], t) for c, t in COLUMNS.items()}, copy=False)


def _typed(values: np.ndarray, dtype: str) -> object:
    """``values`` as a column of ``dtype`` (one conversion; numpy columns of the right kind pass as they are)."""
    if dtype == "str":
        if _STR.storage == "pyarrow":  # straight from Arrow: pd.array checks every element in Python
            from pandas.arrays import ArrowStringArray

            return ArrowStringArray(pa.array(values, type=pa.large_string(), from_pandas=True), dtype=_STR)
        return pd.array(values, dtype=_STR)
    if dtype == "Int64":
        return pd.array(values, dtype="Int64")
    return np.asarray(values, dtype=dtype)
