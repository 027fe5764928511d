"""What the common-problem list is counted from: :class:`ProblemCounts`, the embedded engine's counting
from the precomputed cubes (:func:`counts_from_cubes`), and the catalog its positions refer to.

Both engines produce a :class:`ProblemCounts`; :func:`~chaingraph.queries.problems.finish_problems`
turns it into the list.

Example
-------
>>> region_range("330500")
(330500, 330600)
>>> counts_from_cubes(g, "330502", "childrenswear", None, True).scope_sizes  # doctest: +SKIP
array([142])
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.graph.aggregates import REGION_SPAN, STATUSES, CubeIndex, latest_measurements
from chaingraph.graph.core import ChainGraph
from chaingraph.model import ENUM_ZH
from chaingraph.queries._common import leader_positions, take


def region_range(code: str | None) -> tuple[int, int]:
    """Region codes ``[lo, hi)`` covered by a resolved region code (a code prefix is a range).

    Raises
    ------
    ScopeError
        Never for a code returned by ``resolve_region``.

    Examples
    --------
    >>> region_range("330500")
    (330500, 330600)
    >>> region_range(None)
    (0, 1000000)
    """
    if code is None:
        return 0, REGION_SPAN
    from chaingraph.ingest.regions import load_regions

    div = 10 ** {"province": 4, "city": 2, "county": 0}[load_regions().level(code)]
    lo = int(code) // div * div
    return lo, lo + div


@dataclass
class ProblemCounts:
    """What the problem list is computed from — the same whichever engine counted it.

    Columnar, for one or several chains. Problem, segment and benchmark values are
    **positions** in the ``problems``, ``segments`` and ``benchmarks`` tables handed to
    :func:`finish_problems`; ``chain`` values are positions in ``chain_ids``.
    :meth:`from_frames` builds one from id-keyed frames (the Neo4j engine's rows).

    Attributes
    ----------
    chain_ids : numpy.ndarray
        The chains listed, in output order (object; None for a chain-less scope).
    scope_sizes : numpy.ndarray
        Firms in scope, per chain.
    per_problem : dict of numpy.ndarray
        One entry per (chain, problem): ``chain, problem, affected, sev_sum, max_severity`` (float, NaN
        when unknown), ``observations, open, improving, resolved, src_bits`` (evidence sources as bits of
        :data:`~chaingraph.aggregates.SOURCES`).
    per_segment : dict of numpy.ndarray
        ``chain, problem, segment, affected``: firms operating in the segment that have the problem.
    segment_sizes : numpy.ndarray
        Per segment position: firms of the scope's region operating in it (denominators of
        ``common_segments``).
    leaders : dict of numpy.ndarray
        ``chain, problem, enterprise`` (name): designated leaders of the scope that have the problem.
    bench_means : numpy.ndarray
        Shape (chains, benchmarks): mean of the scope firms' latest measured values (NaN: none).
    """

    chain_ids: np.ndarray
    scope_sizes: np.ndarray
    per_problem: dict[str, np.ndarray]
    per_segment: dict[str, np.ndarray]
    segment_sizes: np.ndarray
    leaders: dict[str, np.ndarray]
    bench_means: np.ndarray

    PER_PROBLEM = ("affected", "sev_sum", "max_severity", "observations", "open", "improving", "resolved",
                   "src_bits")

    @classmethod
    def from_frames(cls, chain: str | None, scope_size: int, per_problem: pd.DataFrame, per_segment: pd.DataFrame,
                    segment_sizes: pd.Series, leaders: pd.DataFrame, bench_means: pd.Series,
                    problems: pd.DataFrame, segments: pd.DataFrame, benchmarks: pd.DataFrame) -> ProblemCounts:
        """Counts of one chain from frames keyed by ids.

        Parameters
        ----------
        chain : str or None
        scope_size : int
        per_problem : pandas.DataFrame
            Indexed by problem id; the columns of :attr:`PER_PROBLEM`.
        per_segment : pandas.DataFrame
            ``problem_id, segment_id, affected``.
        segment_sizes : pandas.Series
            Segment id → firms.
        leaders : pandas.DataFrame
            ``problem_id, enterprise``.
        bench_means : pandas.Series
            Benchmark id → mean.
        problems, segments, benchmarks : pandas.DataFrame
            The catalog the positions refer to (the tables later given to :func:`finish_problems`).

        Returns
        -------
        ProblemCounts

        Raises
        ------
        KeyError
            If an id is not in its catalog table.

        Example
        -------
        >>> ProblemCounts.from_frames("kids", 7, per, ps, sizes, lead, means, p, s, b)  # doctest: +SKIP
        """
        cat = _catalog(problems, segments, benchmarks)
        prob = cat.problem_pos(per_problem.index.to_numpy(dtype=object))
        pp = {"chain": np.zeros(len(prob), dtype=np.int64), "problem": prob}
        for c in cls.PER_PROBLEM:
            dtype = float if c == "max_severity" else np.int64
            pp[c] = pd.to_numeric(per_problem[c]).to_numpy(dtype=dtype, na_value=np.nan if dtype is float else 0)
        ps = {"chain": np.zeros(len(per_segment), dtype=np.int64),
              "problem": cat.problem_pos(per_segment["problem_id"].to_numpy(dtype=object)),
              "segment": cat.segment_pos(per_segment["segment_id"].to_numpy(dtype=object)),
              "affected": per_segment["affected"].to_numpy(dtype=np.int64)}
        sizes = np.zeros(len(cat.seg_name), dtype=np.int64)
        sizes[cat.segment_pos(segment_sizes.index.to_numpy(dtype=object))] = segment_sizes.to_numpy(dtype=np.int64)
        lead = {"chain": np.zeros(len(leaders), dtype=np.int64),
                "problem": cat.problem_pos(leaders["problem_id"].to_numpy(dtype=object)),
                "enterprise": leaders["enterprise"].to_numpy(dtype=object)}
        means = np.full((1, len(cat.bench_ids)), np.nan)
        means[0, cat.bench_pos(bench_means.index.to_numpy(dtype=object))] = bench_means.to_numpy(dtype=float)
        return cls(np.array([chain], dtype=object), np.array([scope_size], dtype=np.int64), pp, ps, sizes, lead,
                   means)

    @classmethod
    def concat(cls, parts: list[ProblemCounts]) -> ProblemCounts:
        """Counts of several chains in one (chains in the order of ``parts``; segment sizes combined).

        Raises
        ------
        ValueError
            If ``parts`` is empty.

        Example
        -------
        >>> ProblemCounts.concat([kids, shoes]).chain_ids  # doctest: +SKIP
        """
        if not parts:
            raise ValueError("no counts to combine")
        offsets = np.cumsum([0] + [len(p.chain_ids) for p in parts[:-1]])

        def cat_dicts(name: str) -> dict[str, np.ndarray]:
            ds = [getattr(p, name) for p in parts]
            keys = [k for k in ds[0] if all(k in d for d in ds)]  # name_rank only when every part has it
            out = {k: (pa.concat_arrays([d[k] for d in ds]) if isinstance(ds[0][k], pa.Array)
                       else np.concatenate([d[k] for d in ds])) for k in keys}
            out["chain"] = np.concatenate([d["chain"] + o for d, o in zip(ds, offsets, strict=True)])
            return out

        return cls(np.concatenate([p.chain_ids for p in parts]), np.concatenate([p.scope_sizes for p in parts]),
                   cat_dicts("per_problem"), cat_dicts("per_segment"),
                   np.max(np.vstack([p.segment_sizes for p in parts]), axis=0), cat_dicts("leaders"),
                   np.vstack([p.bench_means for p in parts]))


# -- the catalog the counts' positions refer to ------------------------------------------------

class _Catalog:
    """The model tables :func:`finish_problems` labels rows with, as numpy arrays (built once per tables)."""

    def __init__(self, problems: pd.DataFrame, segments: pd.DataFrame, benchmarks: pd.DataFrame) -> None:
        def col(df: pd.DataFrame, c: str) -> np.ndarray:
            return df[c].to_numpy(dtype=object, na_value=None)

        self.prob_ids = col(problems, "id")
        self.prob_rank = _rank(self.prob_ids)
        self.prob_cols = {c: col(problems, c) for c in ("name", "category", "kind", "standard_ref", "benchmark_id")}
        self.prob_cols["category_zh"] = np.array([ENUM_ZH["category"].get(v) for v in self.prob_cols["category"]],
                                                 dtype=object)
        self.prob_cols["kind_zh"] = np.array([ENUM_ZH["kind"].get(v) for v in self.prob_cols["kind"]], dtype=object)
        self.seg_ids = col(segments, "id")
        self.seg_name = np.array([str(v) for v in col(segments, "name")], dtype=object)
        self.seg_rank = _rank(self.seg_name)
        self.seg_key = segments["key_link"].fillna(False).to_numpy(dtype=bool) if len(segments) else np.zeros(
            0, dtype=bool)
        self.bench_ids = col(benchmarks, "id")
        self._prob_at = pd.Index(self.prob_ids)
        self._seg_at = pd.Index(self.seg_ids)
        self._bench_at = pd.Index(self.bench_ids)
        bpos = self.bench_pos(self.prob_cols["benchmark_id"], missing=-1)
        self.prob_bench = bpos
        has = bpos >= 0

        def per_problem(c: str, fill: object, dtype: object) -> np.ndarray:
            out = np.full(len(bpos), fill, dtype=dtype)
            if len(benchmarks):
                vals = benchmarks[c]
                vals = (pd.to_numeric(vals, errors="coerce").to_numpy(dtype=float) if dtype is float
                        else vals.to_numpy(dtype=object, na_value=None))
                out[has] = vals[bpos[has]]
            return out

        self.metric = per_problem("metric", None, object)
        self.unit = per_problem("unit", None, object)
        self.domestic = per_problem("domestic_advanced", np.nan, float)
        self.international = per_problem("international_advanced", np.nan, float)
        hib = per_problem("higher_is_better", None, object)
        self.sign = np.array([-1.0 if (h is not None and h == h and not bool(h)) else 1.0 for h in hib])

    @staticmethod
    def _pos(index: pd.Index, ids: np.ndarray, what: str, missing: int | None) -> np.ndarray:
        pos = index.get_indexer(ids) if len(ids) else np.zeros(0, dtype=np.int64)
        if missing is None and (pos < 0).any():
            raise KeyError(f"unknown {what} id(s): {sorted(set(ids[pos < 0].tolist()))[:5]}")
        return pos.astype(np.int64)

    def problem_pos(self, ids: np.ndarray) -> np.ndarray:
        return self._pos(self._prob_at, ids, "problem", None)

    def segment_pos(self, ids: np.ndarray) -> np.ndarray:
        return self._pos(self._seg_at, ids, "segment", None)

    def bench_pos(self, ids: np.ndarray, missing: int | None = None) -> np.ndarray:
        ids = np.array([v if isinstance(v, str) else None for v in ids], dtype=object)
        return self._pos(self._bench_at, ids, "benchmark", missing)


def _rank(values: np.ndarray) -> np.ndarray:
    """Rank of each text in Python string order (equal texts share nothing; order among them is stable)."""
    rank = np.empty(len(values), dtype=np.int64)
    rank[sorted(range(len(values)), key=lambda i: str(values[i]))] = np.arange(len(values))
    return rank


_CATALOGS: dict[tuple[int, int, int], tuple[tuple, _Catalog]] = {}


def _catalog(problems: pd.DataFrame, segments: pd.DataFrame, benchmarks: pd.DataFrame) -> _Catalog:
    """The :class:`_Catalog` of these three tables, cached while they live (same objects → same catalog)."""
    key = (id(problems), id(segments), id(benchmarks))
    hit = _CATALOGS.get(key)
    if hit is not None and all(r() is f for r, f in zip(hit[0], (problems, segments, benchmarks), strict=True)):
        return hit[1]
    cat = _Catalog(problems, segments, benchmarks)
    for k in [k for k, (refs, _) in _CATALOGS.items() if any(r() is None for r in refs)]:
        del _CATALOGS[k]
    _CATALOGS[key] = (tuple(weakref.ref(f) for f in (problems, segments, benchmarks)), cat)
    return cat


# -- the embedded engine's counting ------------------------------------------------------------

@dataclass
class _Lookup:
    """Per-graph arrays the counting reads (built on first use, kept while the graph lives)."""

    aggregates: dict
    index: CubeIndex
    chain_ids: np.ndarray
    seg_chain: np.ndarray
    region: np.ndarray
    n_prob: int
    n_bench: int
    leaders: dict = field(default_factory=dict)
    leader_firms: np.ndarray | None = None
    leader_names: pa.Array | None = None
    leader_rank: np.ndarray | None = None

    def names_of(self, graph: ChainGraph, firms: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        """Names of designated leaders (positions) and their rank in name order, without converting a
        name to a Python object (sorted once per graph, over every designated firm)."""
        if self.leader_firms is None:
            self.leader_firms = np.unique(graph.tables["leaders"]["_ent"].to_numpy().astype(np.int64))
            names = take(graph.tables["enterprises"]["name"], self.leader_firms)
            self.leader_names = pa.array(names, type=pa.string(), from_pandas=True)
            rank = np.empty(len(names), dtype=np.int64)
            rank[pc.sort_indices(self.leader_names).to_numpy()] = np.arange(len(names))
            self.leader_rank = rank
        at = np.searchsorted(self.leader_firms, firms)
        return self.leader_names.take(pa.array(at, type=pa.int64())), self.leader_rank[at]


_LOOKUPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _lookup(graph: ChainGraph) -> _Lookup:
    lk = _LOOKUPS.get(graph)
    if lk is None or lk.aggregates is not graph.aggregates:
        t = graph.tables
        lk = _Lookup(graph.aggregates, CubeIndex(graph.aggregates), t["chains"]["id"].to_numpy(dtype=object),
                     t["segments"]["_chain"].to_numpy().astype(np.int64),
                     t["enterprises"]["_region"].to_numpy().astype(np.int64), len(t["problems"]), len(t["benchmarks"]))
        _LOOKUPS[graph] = lk
    return lk


def _scope_leaders(graph: ChainGraph, lk: _Lookup, ci: int, seg: int | None) -> tuple[np.ndarray, ...]:
    """Designated leaders of chain ``ci`` (inside their designation region) operating in the chain or segment:
    positions, region codes, and the run of ``pairs`` rows of each (first row, count)."""
    key = (ci, seg)
    if key not in lk.leaders:
        pos = leader_positions(graph, str(lk.chain_ids[ci]))
        ops = graph.tables["operates_in"]
        seg_of = ops["_seg"].to_numpy()
        hit = (seg_of == seg) if seg is not None else (lk.seg_chain[seg_of] == ci)
        member = np.zeros(len(lk.region), dtype=bool)
        member[ops["_ent"].to_numpy()[hit]] = True
        pos = pos[member[pos]]
        ent = lk.index.pair_ent
        first = np.searchsorted(ent, pos, side="left")
        lk.leaders[key] = (pos, lk.region[pos], first, np.searchsorted(ent, pos, side="right") - first)
    return lk.leaders[key]


def counts_from_cubes(graph: ChainGraph, region: str | None, chain: str | None, segment: str | None,
                      include_resolved: bool) -> ProblemCounts:
    """:class:`ProblemCounts` of a scope, read from the embedded graph's precomputed cubes.

    Every chain of the graph when ``chain`` and ``segment`` are None. A chain × region scope
    is a contiguous slice of the chain-major cubes (see :class:`~chaingraph.aggregates.CubeIndex`):
    binary searches and ``bincount`` over the slice, no pass over the firms.

    Parameters
    ----------
    graph : ChainGraph
    region, chain, segment : str or None
        Resolved region code, chain id and segment id.
    include_resolved : bool

    Returns
    -------
    ProblemCounts

    Raises
    ------
    KeyError
        Never for a graph built by chaingraph.

    Example
    -------
    >>> counts_from_cubes(g, "330502", "childrenswear", None, True).scope_sizes  # doctest: +SKIP
    array([142])
    """
    lk = _lookup(graph)
    lo, hi = region_range(region)
    seg_pos = None
    if segment is not None:
        seg_pos = int(np.flatnonzero(graph.tables["segments"]["id"].to_numpy(dtype=object) == segment)[0])
        chains = lk.seg_chain[[seg_pos]]
    elif chain is None:
        chains = np.arange(len(lk.chain_ids))
    else:
        chains = np.flatnonzero(lk.chain_ids == chain)
    u = "" if include_resolved else "_u"
    ix, n_prob = lk.index, lk.n_prob
    pp: dict[str, list] = {k: [] for k in ("chain", "problem", *ProblemCounts.PER_PROBLEM)}
    ps: dict[str, list] = {k: [] for k in ("chain", "problem", "segment", "affected")}
    lead_rows: list[np.ndarray] = []
    lead_chain: list[np.ndarray] = []
    sizes = np.zeros(len(lk.seg_chain), dtype=np.int64)
    scope_sizes = np.zeros(len(chains), dtype=np.int64)
    means = np.full((len(chains), lk.n_bench), np.nan)
    zs, zk = ix.cols["segment_sizes"], "segment_sizes"
    for s in range(len(lk.seg_chain)):  # denominators of common_segments: every segment in the region
        if seg_pos is None and lk.seg_chain[s] not in chains:
            continue
        sizes[s] = int(zs["firms"][ix.rows(zk, s, lo, hi)].sum())
    for k, ci in enumerate(chains):
        segs = np.flatnonzero(lk.seg_chain == ci) if seg_pos is None else np.array([seg_pos])
        if seg_pos is None:
            cube, r = ix.cols["chain_cube"], ix.rows("chain_cube", ci, lo, hi)
            scope_sizes[k] = int(ix.cols["chain_sizes"]["firms"][ix.rows("chain_sizes", ci, lo, hi)].sum())
        else:
            cube, r = ix.cols["segment_cube"], ix.rows("segment_cube", seg_pos, lo, hi)
            scope_sizes[k] = sizes[seg_pos]
        prob = cube["_prob"][r].astype(np.int64)
        aff = np.bincount(prob, weights=cube["affected" + u][r], minlength=n_prob)
        present = np.flatnonzero(aff > 0)
        if len(present):
            def total(col: str, p: np.ndarray = prob, rr: slice = r, c: dict = cube,
                      keep: np.ndarray = present) -> np.ndarray:
                return np.bincount(p, weights=c[col][rr], minlength=n_prob)[keep].astype(np.int64)

            sev_max = np.zeros(n_prob, dtype=np.int64)
            np.maximum.at(sev_max, prob, cube["sev_max" + u][r].astype(np.int64))
            bits = np.zeros(n_prob, dtype=np.int64)
            np.bitwise_or.at(bits, prob, cube["src_bits" + u][r].astype(np.int64))
            pp["chain"].append(np.full(len(present), k))
            pp["problem"].append(present)
            pp["affected"].append(aff[present].astype(np.int64))
            pp["sev_sum"].append(total("sev_sum" + u))
            pp["max_severity"].append(sev_max[present].astype(float))
            pp["observations"].append(total("n_obs" + u))
            pp["open"].append(total("open"))
            pp["improving"].append(total("improving"))
            pp["resolved"].append(total("resolved") if include_resolved else np.zeros(len(present), dtype=np.int64))
            pp["src_bits"].append(bits[present])
        sc = ix.cols["segment_cube"]
        for s in segs:
            rs = ix.rows("segment_cube", s, lo, hi)
            a = np.bincount(sc["_prob"][rs].astype(np.int64), weights=sc["affected" + u][rs], minlength=n_prob)
            nz = np.flatnonzero(a > 0)
            ps["chain"].append(np.full(len(nz), k))
            ps["problem"].append(nz)
            ps["segment"].append(np.full(len(nz), s))
            ps["affected"].append(a[nz].astype(np.int64))
        _, lead_region, first, cnt = _scope_leaders(graph, lk, int(ci), seg_pos)
        inside = (lead_region >= lo) & (lead_region < hi)
        first, cnt = first[inside], cnt[inside]
        rows = np.repeat(first - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
        if not include_resolved:
            rows = rows[ix.pair_status[rows] != STATUSES.index("resolved")]
        lead_rows.append(rows)
        lead_chain.append(np.full(len(rows), k))
        means[k] = _bench_means(graph, lk, int(ci), region, seg_pos, lo, hi)
    rows = np.concatenate(lead_rows) if lead_rows else np.zeros(0, dtype=np.int64)
    names, rank = lk.names_of(graph, ix.pair_ent[rows].astype(np.int64))
    leaders = {"chain": np.concatenate(lead_chain) if lead_chain else np.zeros(0, dtype=np.int64),
               "problem": ix.pair_prob[rows].astype(np.int64), "enterprise": names, "name_rank": rank}

    def stack(d: dict[str, list], floats: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
        return {c: (np.concatenate(v) if v else np.zeros(0, dtype=float if c in floats else np.int64))
                for c, v in d.items()}

    return ProblemCounts(lk.chain_ids[chains], scope_sizes, stack(pp, ("max_severity",)), stack(ps), sizes,
                         leaders, means)


def _bench_means(graph: ChainGraph, lk: _Lookup, ci: int, region: str | None, seg: int | None, lo: int,
                 hi: int) -> np.ndarray:
    """Per benchmark position: mean of the scope firms' latest values (NaN: none measured)."""
    if seg is None:
        bc = lk.index.cols["bench_cube"]
        r = lk.index.rows("bench_cube", ci, lo, hi)
        b = bc["_bench"][r].astype(np.int64)
        total = np.bincount(b, weights=bc["value_sum"][r], minlength=lk.n_bench)
        n = np.bincount(b, weights=bc["value_n"][r], minlength=lk.n_bench)
    else:
        t = graph.tables
        mask = graph.scope(region, str(lk.chain_ids[ci]), str(t["segments"]["id"].iat[seg])).mask
        mea = t["measurements"]
        latest = latest_measurements(mea[mask[mea["_ent"].to_numpy()]])
        b = latest["_bench"].to_numpy().astype(np.int64)
        total = np.bincount(b, weights=latest["value"].to_numpy(dtype=float), minlength=lk.n_bench)
        n = np.bincount(b, minlength=lk.n_bench).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)
