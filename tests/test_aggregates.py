"""The precomputed cubes behind ``common_problems`` against plain recomputations from the observations.

The oracle here is deliberately naive (pandas over the raw observations, one scope at a
time), so a fast path that drops, double-counts or mis-slices rows shows up as a
difference on a synthetic dataset with national shape (many provinces, cities, counties,
firms in several segments and chains).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chaingraph.graph import ChainGraph
from chaingraph.graph import aggregates as A
from chaingraph.queries import common_problems
from chaingraph.queries.problems import ProblemCounts, counts_from_cubes, finish_problems
from chaingraph.synth import write_synthetic


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> ChainGraph:
    out = tmp_path_factory.mktemp("synth")
    write_synthetic(out, 3000, seed=7)
    g = ChainGraph.from_dataset(out)
    assert g.validation.n_errors == 0
    return g


def scopes(g: ChainGraph) -> list[tuple[str | None, str]]:
    """The busiest county, its city and province, and the country, for the two biggest chains."""
    t = g.tables
    chains = t["segments"]["chain_id"].to_numpy()[t["operates_in"]["_seg"].to_numpy()]
    top = pd.Series(chains).value_counts().index[:2]
    out = []
    for chain in top:
        county = str(pd.Series(t["enterprises"]["region_code"].to_numpy()[
            g.chain_mask(chain)]).value_counts().index[0])
        out += [(county, chain), (county[:4] + "00", chain), (county[:2] + "0000", chain), (None, chain)]
    return out


def naive_counts(g: ChainGraph, region: str | None, chain: str, include_resolved: bool) -> pd.DataFrame:
    """Per problem: firms affected, observations, highest severity and latest-status counts, straight from
    the observation rows of the scope's firms."""
    t = g.tables
    mask = g.scope(region, chain).mask
    obs = t["observations"]
    obs = obs[mask[obs["_ent"].to_numpy()]].copy()
    obs["when"] = obs["observed_on"].fillna(pd.Timestamp.min)
    obs["row"] = np.arange(len(obs))
    recorded = obs.dropna(subset=["status"]).sort_values(["when", "row"])
    latest = recorded.groupby(["enterprise_id", "problem_id"])["status"].last()
    pairs = obs.groupby(["enterprise_id", "problem_id"]).agg(severity=("severity", "max"), n=("severity", "size"))
    pairs["status"] = latest.reindex(pairs.index).fillna("open")
    if not include_resolved:
        pairs = pairs[pairs["status"] != "resolved"]
    per = pairs.groupby(level="problem_id").agg(affected=("n", "size"), observations=("n", "sum"),
                                                max_severity=("severity", "max"))
    for s in ("open", "improving", "resolved"):
        per[s] = (pairs["status"] == s).groupby(level="problem_id").sum()
    return per.sort_index()


@pytest.mark.parametrize("include_resolved", [True, False])
def test_common_problems_match_a_naive_count_at_every_level(national, include_resolved):
    for region, chain in scopes(national):
        got = common_problems(national, region, chain, include_resolved=include_resolved).set_index("problem_id")
        want = naive_counts(national, region, chain, include_resolved)
        assert len(want) > 0
        cols = ["affected", "observations", "max_severity", "open", "improving"] + (
            ["resolved"] if include_resolved else [])
        got = got.loc[want.index, cols].astype("int64")
        pd.testing.assert_frame_equal(got, want[cols].astype("int64"), check_names=False)
        assert (common_problems(national, region, chain)["scope_size"] == len(national.scope(region, chain))).all()


def test_every_chain_at_once_equals_each_chain_alone(national):
    both = common_problems(national, "110000")
    assert both["chain_id"].nunique() > 1
    parts = [common_problems(national, "110000", c) for c in national.tables["chains"]["id"]]
    pd.testing.assert_frame_equal(both, pd.concat([p for p in parts if len(p)], ignore_index=True))


def test_cubes_in_another_order_give_the_same_answers(national):
    """A store written by an older chaingraph holds region-major cubes: the query index re-sorts them."""
    shuffled = {}
    rng = np.random.default_rng(3)
    for name, df in national.aggregates.items():
        shuffled[name] = df if name == "pairs" else df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    other = ChainGraph(national.tables, name="shuffled", meta=national.meta, indexed=True, aggregates=shuffled)
    for region, chain in scopes(national):
        pd.testing.assert_frame_equal(common_problems(other, region, chain), common_problems(national, region, chain))


def test_cube_rows_are_chain_major_and_complete(national):
    agg = national.aggregates
    for name, group in A.CubeIndex.GROUPS.items():
        key = agg[name][group].to_numpy().astype(np.int64) * A.REGION_SPAN + agg[name]["_region"].to_numpy()
        assert (np.diff(key) >= 0).all(), name
    # every (firm, problem) pair is counted once per chain the firm operates in
    _, chains = A.memberships(national.tables)
    per_firm = np.bincount(chains["_ent"].to_numpy(), minlength=len(national.tables["enterprises"]))
    assert agg["chain_cube"]["affected"].sum() == per_firm[agg["pairs"]["_ent"].to_numpy()].sum()


def oracle_pairs(ent, prob, severity, status, source, observed) -> pd.DataFrame:
    """reduce_pairs the slow way: per (firm, problem) in Python."""
    rows = {}
    for i in range(len(ent)):
        rows.setdefault((int(ent[i]), int(prob[i])), []).append(i)
    out = []
    for (e, p), idx in sorted(rows.items()):
        rec = [i for i in idx if status[i] >= 0]
        latest = status[max(rec, key=lambda i: (observed[i], i))] if rec else 0  # later input row wins a tie
        bits = 0
        for i in idx:
            bits |= (1 << int(source[i])) if source[i] >= 0 else 0
        out.append((e, p, int(severity[idx].max()), int(latest), len(idx), bits))
    return pd.DataFrame(out, columns=["_ent", "_prob", "severity", "status", "n_obs", "src_bits"])


@pytest.mark.parametrize("presorted", [True, False])
def test_reduce_pairs_against_a_python_oracle(presorted):
    rng = np.random.default_rng(0)
    n = 4000
    arrays = [rng.integers(0, 40, n), rng.integers(0, 6, n), rng.integers(1, 6, n), rng.integers(-1, 3, n),
              rng.integers(-1, 4, n), rng.integers(0, 30, n)]  # many equal dates: the tie rule matters
    if presorted:  # the graph's canonical order: the fast path without a sort
        order = np.lexsort((arrays[1], arrays[0]))
        arrays = [a[order] for a in arrays]
    got = A.reduce_pairs(*arrays)
    pd.testing.assert_frame_equal(got, oracle_pairs(*arrays), check_dtype=False)


def test_problem_counts_combine_and_finish_like_each_chain(national):
    t = national.tables
    chains = list(t["chains"]["id"])[:3]
    parts = [counts_from_cubes(national, None, c, None, True) for c in chains]
    for p in parts:  # as the Neo4j engine hands them over: names only, no precomputed name order
        p.leaders.pop("name_rank")
    both = finish_problems(ProblemCounts.concat(parts), t["problems"], t["segments"], t["benchmarks"],
                           min_firms=3, min_share=0.1)
    each = pd.concat([common_problems(national, None, c) for c in chains], ignore_index=True)
    pd.testing.assert_frame_equal(both, each)
