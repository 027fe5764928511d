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


def reduce_pairs(ent: np.ndarray, prob: np.ndarray, severity: np.ndarray, status: np.ndarray,
                 source: np.ndarray, observed: np.ndarray) -> pd.DataFrame:
    """Reduce observations to one row per (firm, problem).

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
        ``_ent, _prob, severity, status, n_obs, src_bits``; ``status`` is the code
        of the latest recorded status (``open`` when none was recorded).

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
    order = np.lexsort((observed, prob, ent))
    ent, prob, severity, status, source = ent[order], prob[order], severity[order], status[order], source[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = (ent[1:] != ent[:-1]) | (prob[1:] != prob[:-1])
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], n] - 1
    valid_pos = np.where(status >= 0, np.arange(n), -1)
    last_valid = np.maximum.accumulate(valid_pos)[ends]
    latest = np.where(last_valid >= starts, status[np.maximum(last_valid, 0)], 0)
    return pd.DataFrame({
        "_ent": ent[starts].astype(np.int32),
        "_prob": prob[starts].astype(np.int32),
        "severity": np.maximum.reduceat(severity, starts).astype(np.int16),
        "status": latest.astype(np.int8),
        "n_obs": np.diff(np.r_[starts, n]).astype(np.int32),
        "src_bits": np.bitwise_or.reduceat(source_bits(source), starts).astype(np.int16),
    })


def pair_columns(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per-pair values that the cubes sum (both the all-firms and the unresolved variants)."""
    sev = pairs["severity"].to_numpy(dtype=np.int64)
    st = pairs["status"].to_numpy()
    unres = st != STATUSES.index("resolved")
    return pd.DataFrame({
        "affected": np.ones(len(pairs), dtype=np.int64), "sev_sum": sev, "n_obs": pairs["n_obs"].to_numpy(np.int64),
        "open": (st == 0).astype(np.int64), "improving": (st == 1).astype(np.int64),
        "resolved": (st == 2).astype(np.int64), "affected_u": unres.astype(np.int64),
        "sev_sum_u": np.where(unres, sev, 0), "n_obs_u": np.where(unres, pairs["n_obs"].to_numpy(np.int64), 0),
        "sev_max": sev, "sev_max_u": np.where(unres, sev, 0),
        "src_bits": pairs["src_bits"].to_numpy(np.int64),
        "src_bits_u": np.where(unres, pairs["src_bits"].to_numpy(np.int64), 0),
    })


def cube(pairs: pd.DataFrame, members: pd.DataFrame, ent_region: np.ndarray, group: str) -> pd.DataFrame:
    """Sum pair values by (region code, ``group``, problem).

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
        ``_region, <group>, _prob`` and the columns of :func:`pair_columns`.

    Raises
    ------
    KeyError
        If ``members`` lacks ``group``.

    Example
    -------
    >>> c = cube(pairs, chain_members, region, "_chain")  # doctest: +SKIP
    """
    vals = pair_columns(pairs)
    vals["_ent"] = pairs["_ent"].to_numpy()
    vals["_prob"] = pairs["_prob"].to_numpy()
    j = vals.merge(members[["_ent", group]], on="_ent", how="inner")
    j["_region"] = ent_region[j["_ent"].to_numpy()]
    bit_cols = []
    for c in CUBE_OR:  # a bitwise OR of small bit sets is a max per bit: vectorised, no Python per group
        for i in range(len(SOURCES)):
            j[f"{c}_{i}"] = (j[c].to_numpy() >> i) & 1
            bit_cols.append(f"{c}_{i}")
    g = j.groupby(["_region", group, "_prob"], sort=True)
    out = g[list(CUBE_SUMS)].sum()
    out[list(CUBE_MAX)] = g[list(CUBE_MAX)].max()
    bits = g[bit_cols].max()
    for c in CUBE_OR:
        out[c] = sum(bits[f"{c}_{i}"].to_numpy() << i for i in range(len(SOURCES))).astype(np.int16)
    return out.reset_index()


def sizes(members: pd.DataFrame, ent_region: np.ndarray, group: str) -> pd.DataFrame:
    """Firms per (region code, ``group``).

    Raises
    ------
    KeyError
        If ``members`` lacks ``group``.

    Example
    -------
    >>> sizes(chain_members, region, "_chain")  # doctest: +SKIP
    """
    m = members.assign(_region=ent_region[members["_ent"].to_numpy()])
    return m.groupby(["_region", group]).size().rename("firms").reset_index()


def memberships(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Distinct (firm, segment) and (firm, chain) memberships from ``operates_in``."""
    ops = tables["operates_in"][["_ent", "_seg"]].drop_duplicates()
    seg_chain = tables["segments"]["_chain"].to_numpy()
    chains = pd.DataFrame({"_ent": ops["_ent"].to_numpy(), "_chain": seg_chain[ops["_seg"].to_numpy()]})
    return ops.reset_index(drop=True), chains.drop_duplicates().reset_index(drop=True)


def build(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """All the reductions of this module from a graph's (indexed) tables.

    Parameters
    ----------
    tables : dict
        ``ChainGraph.tables`` with position columns.

    Returns
    -------
    dict
        ``pairs``, ``chain_cube``, ``segment_cube``, ``chain_sizes``, ``segment_sizes``.

    Raises
    ------
    KeyError
        If a position column is missing (the tables were not indexed).

    Example
    -------
    >>> build(graph.tables)["pairs"].head()  # doctest: +SKIP
    """
    obs = tables["observations"]
    # categorical codes: -1 for missing, no Python per row (Series.map took 7 s on 10M rows)
    status = pd.Categorical(obs["status"], categories=list(STATUSES)).codes.astype(np.int8)
    source = pd.Categorical(obs["source"], categories=list(SOURCES)).codes.astype(np.int8)
    observed = obs["observed_on"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    pairs = reduce_pairs(obs["_ent"].to_numpy(), obs["_prob"].to_numpy(), obs["severity"].to_numpy(dtype=np.int64),
                         status, source, observed)
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
    """Sum and count of each firm's latest value per (region code, chain, metric)."""
    latest = latest_measurements(tables["measurements"])
    j = latest[["_ent", "_bench", "value"]].merge(chain_members, on="_ent", how="inner")
    j["_region"] = region[j["_ent"].to_numpy()]
    g = j.groupby(["_region", "_chain", "_bench"], sort=True)["value"]
    return pd.DataFrame({"value_sum": g.sum(), "value_n": g.size()}).reset_index()
