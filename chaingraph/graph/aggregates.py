"""Precomputed reductions that make the common-problem list fast at national scale.

Built once with the graph (and saved in the store):

``pairs``
    One row per (firm, problem): highest severity, latest recorded status
    (a firm whose observations carry no status counts as ``open``), number of
    observations, evidence sources as a bit set. Sorted by firm.
``chain_cube`` / ``segment_cube``
    ``pairs`` summed by (firm region code, chain, problem) and by (firm region
    code, segment, problem): firms affected, severity sum and max, status
    counts, observations, sources — once counting every firm, once (``*_u``
    columns) leaving out firms whose latest status is ``resolved``.
``chain_sizes`` / ``segment_sizes``
    Firms per (region code, chain) and per (region code, segment).

A region scope is a code prefix, so a query filters cube rows by integer
division of the region code, then sums per problem: a county, a province or the
whole country all read a few thousand rows instead of millions of observations.

Example
-------
>>> cubes = build(graph.tables)  # doctest: +SKIP
>>> sorted(cubes)  # doctest: +SKIP
['chain_cube', 'chain_sizes', 'pairs', 'segment_cube', 'segment_sizes']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCES = ("survey", "audit", "spot_check", "complaint")
STATUSES = ("open", "improving", "resolved")
CUBE_SUMS = ("affected", "sev_sum", "n_obs", "open", "improving", "resolved", "affected_u", "sev_sum_u", "n_obs_u")
CUBE_MAX = ("sev_max", "sev_max_u")
CUBE_OR = ("src_bits", "src_bits_u")


def source_bits(codes: np.ndarray) -> np.ndarray:
    """Bit of each source code (-1 → 0)."""
    return np.where(codes >= 0, np.left_shift(1, np.maximum(codes, 0)), 0).astype(np.int16)


def sources_text(bits: np.ndarray) -> list[str]:
    """``survey,audit`` … for each bit set, in the fixed order of :data:`SOURCES`.

    Examples
    --------
    >>> sources_text(np.array([5]))
    ['survey,spot_check']
    """
    return [",".join(s for i, s in enumerate(SOURCES) if int(b) >> i & 1) for b in bits]


def _sorted_by(ent: np.ndarray, prob: np.ndarray) -> bool:
    """Whether (``ent``, ``prob``) is already non-decreasing (the graph's canonical observation order)."""
    if len(ent) < 2:
        return True
    de = np.diff(ent.astype(np.int64))
    return bool(np.all((de > 0) | ((de == 0) & (np.diff(prob.astype(np.int64)) >= 0))))


def reduce_pairs(ent: np.ndarray, prob: np.ndarray, severity: np.ndarray, status: np.ndarray,
                 source: np.ndarray, observed: np.ndarray) -> pd.DataFrame:
    """Reduce observations to one row per (firm, problem).

    The latest status is the status of the latest-dated observation that records one;
    among observations of the same date the last in input order wins. Observations
    already in (firm, problem) order — the graph's canonical order — are not sorted
    again (sorting 10M rows took 3 s at national scale).

    Parameters
    ----------
    ent, prob : numpy.ndarray
        Firm and problem positions.
    severity : numpy.ndarray
        Integer severities.
    status : numpy.ndarray
        Status codes (index in :data:`STATUSES`, -1 when not recorded).
    source : numpy.ndarray
        Source codes (index in :data:`SOURCES`, -1 unknown).
    observed : numpy.ndarray
        Observation dates as int64 (NaT as the smallest value).

    Returns
    -------
    pandas.DataFrame
        ``_ent, _prob, severity, status, n_obs, src_bits`` sorted by (``_ent``, ``_prob``);
        ``status`` is the code of the latest recorded status (``open`` when none was recorded).

    Raises
    ------
    ValueError
        If the arrays differ in length.

    Example
    -------
    >>> reduce_pairs(np.array([0, 0]), np.array([1, 1]), np.array([2, 3]), np.array([0, 2]),
    ...              np.array([0, 1]), np.array([1, 2])).to_dict("records")
    [{'_ent': 0, '_prob': 1, 'severity': 3, 'status': 2, 'n_obs': 2, 'src_bits': 3}]
    """
    n = len(ent)
    if not all(len(a) == n for a in (prob, severity, status, source, observed)):
        raise ValueError("observation arrays differ in length")
    if n == 0:
        return pd.DataFrame({c: np.zeros(0, dtype=np.int32) for c in
                             ("_ent", "_prob", "severity", "status", "n_obs", "src_bits")})
    if not _sorted_by(ent, prob):
        order = np.lexsort((prob, ent))  # stable: ties keep input order
        ent, prob, severity, status, source, observed = (a[order] for a in (ent, prob, severity, status, source,
                                                                             observed))
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = (ent[1:] != ent[:-1]) | (prob[1:] != prob[:-1])
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    # latest recorded status without a sort: the last row of the group holding the group's latest date
    # among rows that record a status
    valid = status >= 0
    lowest = np.iinfo(np.int64).min
    when = np.where(valid, observed.astype(np.int64), lowest)
    latest_when = np.maximum.reduceat(when, starts)
    cand = valid & (when == latest_when[group])
    pick = np.maximum.reduceat(np.where(cand, np.arange(n), -1), starts)
    latest = np.where(pick >= 0, status[np.maximum(pick, 0)], 0)
    return pd.DataFrame({
        "_ent": ent[starts].astype(np.int32),
        "_prob": prob[starts].astype(np.int32),
        "severity": np.maximum.reduceat(severity, starts).astype(np.int16),
        "status": latest.astype(np.int8),
        "n_obs": np.diff(np.r_[starts, n]).astype(np.int32),
        "src_bits": np.bitwise_or.reduceat(source_bits(source), starts).astype(np.int16),
    })


REGION_SPAN = 1_000_000
"""Region codes are six digits: ``group * REGION_SPAN + code`` orders rows group-major, then by code."""


def _expand(ent: np.ndarray, members: pd.DataFrame, group: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``ent`` repeated once per membership of the firm: (row index, group) for each."""
    m_ent = members["_ent"].to_numpy().astype(np.int64)
    m_grp = members[group].to_numpy().astype(np.int64)
    o = np.argsort(m_ent, kind="stable")
    m_ent, m_grp = m_ent[o], m_grp[o]
    lo = np.searchsorted(m_ent, ent, side="left")
    cnt = np.searchsorted(m_ent, ent, side="right") - lo
    rows = np.repeat(np.arange(len(ent)), cnt)
    first = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)  # member index = first + running position
    return rows, m_grp[first + np.arange(len(rows))]


def cube(pairs: pd.DataFrame, members: pd.DataFrame, ent_region: np.ndarray, group: str) -> pd.DataFrame:
    """Sum pair values by (``group``, region code, problem), rows in that order.

    Group-major order lets a query read a chain × region scope as one contiguous slice
    (a city or province is a range of codes), found with ``searchsorted``.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`reduce_pairs`.
    members : pandas.DataFrame
        Distinct (``_ent``, ``group``) memberships (firm → chain or segment).
    ent_region : numpy.ndarray
        Region code (int) of every firm.
    group : str
        ``"_chain"`` or ``"_seg"``.

    Returns
    -------
    pandas.DataFrame
        ``_region, <group>, _prob`` and the columns :data:`CUBE_SUMS`, :data:`CUBE_MAX`, :data:`CUBE_OR`.

    Raises
    ------
    KeyError
        If ``members`` lacks ``group``.

    Example
    -------
    >>> c = cube(pairs, chain_members, region, "_chain")  # doctest: +SKIP
    """
    p_ent = pairs["_ent"].to_numpy().astype(np.int64)
    rows, grp = _expand(p_ent, members, group)
    reg = ent_region[p_ent[rows]].astype(np.int64)
    prob = pairs["_prob"].to_numpy()[rows].astype(np.int64)
    n_prob = int(prob.max()) + 1 if len(prob) else 1
    key = (grp * REGION_SPAN + reg) * n_prob + prob
    order = np.argsort(key)
    key, rows = key[order], rows[order]
    del order, grp, reg, prob
    n = len(key)
    if n == 0:
        return pd.DataFrame({c: np.zeros(0, dtype=np.int64) for c in
                             ("_region", group, "_prob", *CUBE_SUMS, *CUBE_MAX, *CUBE_OR)})
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    k = key[starts]
    del key
    sev = pairs["severity"].to_numpy()[rows].astype(np.int64)
    st = pairs["status"].to_numpy()[rows]
    nobs = pairs["n_obs"].to_numpy()[rows].astype(np.int64)
    bits = pairs["src_bits"].to_numpy()[rows].astype(np.int64)
    del rows
    unres = st != STATUSES.index("resolved")

    def add(v: np.ndarray) -> np.ndarray:
        return np.add.reduceat(v, starts)

    gr = k // n_prob
    out = {
        "_region": (gr % REGION_SPAN).astype(np.int32), group: (gr // REGION_SPAN).astype(np.int32),
        "_prob": (k % n_prob).astype(np.int32),
        "affected": np.diff(np.r_[starts, n]).astype(np.int64), "sev_sum": add(sev), "n_obs": add(nobs),
        "open": add((st == 0).astype(np.int64)), "improving": add((st == 1).astype(np.int64)),
        "resolved": add((st == 2).astype(np.int64)), "affected_u": add(unres.astype(np.int64)),
        "sev_sum_u": add(np.where(unres, sev, 0)), "n_obs_u": add(np.where(unres, nobs, 0)),
        "sev_max": np.maximum.reduceat(sev, starts), "sev_max_u": np.maximum.reduceat(np.where(unres, sev, 0), starts),
        "src_bits": np.bitwise_or.reduceat(bits, starts).astype(np.int16),
        "src_bits_u": np.bitwise_or.reduceat(np.where(unres, bits, 0), starts).astype(np.int16),
    }
    return pd.DataFrame(out)


def sizes(members: pd.DataFrame, ent_region: np.ndarray, group: str) -> pd.DataFrame:
    """Firms per (``group``, region code), rows in that order.

    Raises
    ------
    KeyError
        If ``members`` lacks ``group``.

    Example
    -------
    >>> sizes(chain_members, region, "_chain")  # doctest: +SKIP
    """
    grp = members[group].to_numpy().astype(np.int64)
    reg = ent_region[members["_ent"].to_numpy()].astype(np.int64)
    key, firms = np.unique(grp * REGION_SPAN + reg, return_counts=True)
    return pd.DataFrame({"_region": (key % REGION_SPAN).astype(np.int32),
                         group: (key // REGION_SPAN).astype(np.int32), "firms": firms.astype(np.int64)})


def memberships(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Distinct (firm, segment) and (firm, chain) memberships from ``operates_in``, sorted by firm."""
    ops = tables["operates_in"]
    ent = ops["_ent"].to_numpy().astype(np.int64)
    seg = ops["_seg"].to_numpy().astype(np.int64)
    seg_chain = tables["segments"]["_chain"].to_numpy().astype(np.int64)
    n_seg = max(len(seg_chain), 1)
    n_chain = int(seg_chain.max()) + 1 if len(seg_chain) else 1
    k = np.unique(ent * n_seg + seg)
    e, s = k // n_seg, k % n_seg
    kc = np.unique(e * n_chain + seg_chain[s])
    return (pd.DataFrame({"_ent": e.astype(np.int32), "_seg": s.astype(np.int32)}),
            pd.DataFrame({"_ent": (kc // n_chain).astype(np.int32), "_chain": (kc % n_chain).astype(np.int32)}))


def _codes(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Index of each value in ``categories`` (-1 for missing or other), computed in Arrow (no Python per row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # Arrow-backed text columns convert without copying
        arr = pa.array(values.array)
    except (TypeError, pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string())
    idx = pc.index_in(arr, value_set=pa.array(list(categories), type=arr.type))
    return idx.fill_null(-1).to_numpy().astype(np.int8)


def build(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """All the reductions of this module from a graph's (indexed) tables.

    Parameters
    ----------
    tables : dict
        ``ChainGraph.tables`` with position columns.

    Returns
    -------
    dict
        ``pairs``, ``chain_cube``, ``segment_cube``, ``chain_sizes``, ``segment_sizes``, ``bench_cube``.

    Raises
    ------
    KeyError
        If a position column is missing (the tables were not indexed).

    Example
    -------
    >>> build(graph.tables)["pairs"].head()  # doctest: +SKIP
    """
    obs = tables["observations"]
    status = _codes(obs["status"], STATUSES)
    source = _codes(obs["source"], SOURCES)
    observed = obs["observed_on"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    pairs = reduce_pairs(obs["_ent"].to_numpy(), obs["_prob"].to_numpy(), obs["severity"].to_numpy(dtype=np.int64),
                         status, source, observed)
    del status, source, observed
    seg_members, chain_members = memberships(tables)
    region = tables["enterprises"]["_region"].to_numpy()
    return {
        "pairs": pairs,
        "chain_cube": cube(pairs, chain_members, region, "_chain"),
        "segment_cube": cube(pairs, seg_members, region, "_seg"),
        "chain_sizes": sizes(chain_members, region, "_chain"),
        "segment_sizes": sizes(seg_members, region, "_seg"),
        "bench_cube": bench_cube(tables, chain_members, region),
    }


def latest_measurements(mea: pd.DataFrame) -> pd.DataFrame:
    """The latest measurement (by ``measured_on``; undated first) of each (firm, metric)."""
    if mea.empty:
        return mea.assign(_ent=pd.Series(dtype=np.int32), _bench=pd.Series(dtype=np.int32))
    when = mea["measured_on"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    order = np.lexsort((np.arange(len(mea)), when, mea["_bench"].to_numpy(), mea["_ent"].to_numpy()))
    m = mea.iloc[order]
    last = np.r_[(m["_ent"].to_numpy()[1:] != m["_ent"].to_numpy()[:-1])
                 | (m["_bench"].to_numpy()[1:] != m["_bench"].to_numpy()[:-1]), True]
    return m[last]


def bench_cube(tables: dict[str, pd.DataFrame], chain_members: pd.DataFrame, region: np.ndarray) -> pd.DataFrame:
    """Sum and count of each firm's latest value per (chain, region code, metric), rows in that order."""
    latest = latest_measurements(tables["measurements"])
    j = latest[["_ent", "_bench", "value"]].merge(chain_members, on="_ent", how="inner")
    j["_region"] = region[j["_ent"].to_numpy()]
    g = j.groupby(["_chain", "_region", "_bench"], sort=True)["value"]
    return pd.DataFrame({"value_sum": g.sum(), "value_n": g.size()}).reset_index()


class CubeIndex:
    """The cubes of one graph as numpy columns in group-major order, for slicing by scope.

    A (group, region range) scope is the contiguous run of rows whose key
    ``group * REGION_SPAN + region code`` lies in ``[group * REGION_SPAN + lo,
    group * REGION_SPAN + hi)``: two binary searches, no mask over the cube.
    Cubes saved by an older chaingraph in another order are sorted here, once.

    Parameters
    ----------
    aggregates : dict
        The frames of :func:`build` (``ChainGraph.aggregates``).

    Raises
    ------
    KeyError
        If a cube is missing.

    Example
    -------
    >>> ix = CubeIndex(g.aggregates)  # doctest: +SKIP
    >>> rows = ix.rows("chain_cube", 3, 330500, 330600)  # doctest: +SKIP
    """

    GROUPS = {"chain_cube": "_chain", "segment_cube": "_seg", "chain_sizes": "_chain", "segment_sizes": "_seg",
              "bench_cube": "_chain"}

    def __init__(self, aggregates: dict[str, pd.DataFrame]) -> None:
        self.cols: dict[str, dict[str, np.ndarray]] = {}
        self.keys: dict[str, np.ndarray] = {}
        for name, group in self.GROUPS.items():
            df = aggregates[name]
            key = df[group].to_numpy().astype(np.int64) * REGION_SPAN + df["_region"].to_numpy().astype(np.int64)
            order = None if len(key) < 2 or bool(np.all(key[1:] >= key[:-1])) else np.argsort(key, kind="stable")
            self.keys[name] = key if order is None else key[order]
            self.cols[name] = {c: (df[c].to_numpy() if order is None else df[c].to_numpy()[order]) for c in df.columns}
        pairs = aggregates["pairs"]
        self.pair_ent = pairs["_ent"].to_numpy()
        self.pair_prob = pairs["_prob"].to_numpy()
        self.pair_status = pairs["status"].to_numpy()

    def rows(self, name: str, group: int, lo: int, hi: int) -> slice:
        """Rows of cube ``name`` for ``group`` and region codes in ``[lo, hi)``."""
        base = int(group) * REGION_SPAN
        a, b = np.searchsorted(self.keys[name], (base + lo, base + hi))
        return slice(int(a), int(b))

    def pair_rows(self, firms: np.ndarray) -> np.ndarray:
        """Rows of ``pairs`` of the given firms (positions), in firm order."""
        if len(firms) == 0:
            return np.zeros(0, dtype=np.int64)
        lo = np.searchsorted(self.pair_ent, firms, side="left")
        cnt = np.searchsorted(self.pair_ent, firms, side="right") - lo
        return np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
