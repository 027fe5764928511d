"""Named queries against answers worked out by hand on the tiny fixture (see conftest.py).

Scope 330502 (吴兴区) × kids holds E1..E7 (7 firms); 330500 (湖州市) adds E8 (南浔区).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chaingraph import queries as q
from chaingraph.errors import ScopeError
from chaingraph.queries import benchmarks, problems
from chaingraph.queries.composition import COLUMNS as COMPOSITION_COLUMNS
from chaingraph.queries.exposure import COLUMNS as EXPOSURE_COLUMNS
from chaingraph.queries.leaders import COLUMNS as LEADERS_COLUMNS
from chaingraph.queries.weak_links import COLUMNS as WEAK_COLUMNS

from .conftest import uscc


def by_id(df: pd.DataFrame) -> dict[str, pd.Series]:
    return {r.problem_id: r for _, r in df.iterrows()}


# -- common_problems -------------------------------------------------------------------------
def test_common_problems_county(tiny):
    df = q.common_problems(tiny, "330502", "kids")
    assert list(df.columns) == list(problems.COLUMNS)
    assert df["problem_id"].tolist() == ["P1", "P2", "P3"]  # ranked by score 1.714, 1.0, 0.143
    p = by_id(df)
    # P1: E2 (sev 4), E3 (max of 2 and 3 = 3), E4 (5) → 3 of 7 firms
    assert p["P1"].affected == 3 and p["P1"].scope_size == 7
    assert p["P1"].share == pytest.approx(3 / 7)
    assert p["P1"].share_lower == pytest.approx(0.158221, abs=1e-5)  # Wilson 95% by hand
    assert p["P1"].mean_severity == pytest.approx(4.0) and p["P1"].max_severity == 5
    assert p["P1"].score == pytest.approx(12 / 7)
    assert bool(p["P1"].is_common)
    # latest status per firm: E2 open, E3 open (2024-03-01), E4 resolved
    assert (p["P1"].open, p["P1"].improving, p["P1"].resolved) == (2, 0, 1)
    assert p["P1"].sources == "survey,audit,spot_check"
    assert p["P1"].segments == "印染(2)、缝制(1)"
    assert bool(p["P1"].key_link) and set(p["P1"].key_links.split("、")) == {"印染", "缝制"}
    assert p["P1"].leaders_affected == 1 and p["P1"].leaders == "企业E4"
    assert p["P1"].observations == 4
    # P2: E5, E6 (sev 2), E7 (3)
    assert p["P2"].affected == 3 and p["P2"].mean_severity == pytest.approx(7 / 3)
    assert p["P2"].sources == "survey,complaint" and bool(p["P2"].is_common)
    assert p["P2"].segments == "缝制(2)、销售(1)"
    # P3: one firm only
    assert p["P3"].affected == 1 and not bool(p["P3"].is_common)
    # Pareto: scores 12/7, 1, 1/7 → total 20/7
    assert df["cum_share"].tolist() == pytest.approx([0.6, 0.95, 1.0])
    assert df["rank"].tolist() == [1, 2, 3]


def test_common_problems_benchmark_gap(tiny):
    p = by_id(q.common_problems(tiny, "330502", "kids"))
    # B1 latest per firm: E2 4.0 (2024-06-01), E3 3.0 → mean 3.5; domestic 4.0 → 0.5 behind; international 1.0
    assert p["P1"].metric == "色牢度"
    assert p["P1"].scope_mean == pytest.approx(3.5)
    assert p["P1"].gap_domestic == pytest.approx(0.5)
    assert p["P1"].gap_international == pytest.approx(1.0)
    assert pd.isna(p["P2"].gap_domestic)


def test_region_hierarchy_city_and_province_cover_counties(tiny):
    city = by_id(q.common_problems(tiny, "湖州市", "kids"))
    assert city["P1"].scope_size == 8 and city["P1"].affected == 4  # E8 in 南浔区 joins
    province = by_id(q.common_problems(tiny, "330000", "童装"))
    assert province["P1"].affected == 4
    county = by_id(q.common_problems(tiny, "南浔区", "kids"))
    assert county["P1"].scope_size == 1 and county["P1"].affected == 1


def test_thresholds_and_lower_bound(tiny):
    p = by_id(q.common_problems(tiny, "330502", "kids", min_firms=4))
    assert not p["P1"].is_common  # only 3 firms
    # 3 of 7 has Wilson lower 0.158: common at min_share 0.15, not at 0.16
    assert bool(by_id(q.common_problems(tiny, "330502", "kids", min_share=0.15))["P1"].is_common)
    assert not bool(by_id(q.common_problems(tiny, "330502", "kids", min_share=0.16))["P1"].is_common)
    with pytest.raises(ValueError):
        q.common_problems(tiny, "330502", "kids", min_firms=0)


def test_exclude_resolved(tiny):
    p = by_id(q.common_problems(tiny, "330502", "kids", include_resolved=False))
    assert p["P1"].affected == 2  # E4's is resolved


def test_common_in_segment(tiny):
    # scope = the 印染 segment: E2, E3 → P1 at 2 of 2
    df = q.common_problems(tiny, "330502", "kids", segment="印染", min_firms=2)
    p = by_id(df)
    assert p["P1"].scope_size == 2 and p["P1"].affected == 2
    # Wilson lower of 2/2 is 0.342 → common with min_firms 2
    assert bool(p["P1"].is_common)


def test_all_chains_and_empty_scope(tiny):
    df = q.common_problems(tiny, "330502")
    assert set(df["chain_id"]) == {"kids"}
    empty = q.common_problems(tiny, "130000", "kids")  # 河北 has no childrenswear firms here
    assert empty.empty and list(empty.columns) == list(problems.COLUMNS)
    mesh = q.common_problems(tiny, "安平县", "mesh")
    assert mesh["problem_id"].tolist() == ["P4"] and mesh["scope_size"].iloc[0] == 2


def test_unknown_region_or_chain_is_clear(tiny):
    with pytest.raises(ScopeError, match="unknown chain"):
        q.common_problems(tiny, "330502", "shoes")
    with pytest.raises(ScopeError):
        q.common_problems(tiny, "999999", "kids")
    with pytest.raises(ScopeError, match="110105"):  # 朝阳区 is ambiguous; candidates listed
        q.common_problems(tiny, "朝阳区", "kids")


# -- composition ---------------------------------------------------------------------------
def test_composition(tiny):
    df = q.composition(tiny, "330502", "kids")
    assert list(df.columns) == list(COMPOSITION_COLUMNS)
    tot = df[df["size"] == "all"].set_index("segment_id")
    assert tot["enterprises"].to_dict() == {"fab": 1, "dye": 2, "sew": 3, "sell": 1}
    assert df[df["size"] == "all"]["segment_id"].tolist() == ["fab", "dye", "sew", "sell"]  # flow order
    # 缝制: E4 certified (ISO 9001), E6 qms_certified → 2 of 3; open problems: E5, E6 (E4's is resolved)
    assert tot.loc["sew", "certified"] == 2 and tot.loc["sew", "cert_rate"] == pytest.approx(2 / 3)
    assert tot.loc["sew", "with_open_problems"] == 2
    assert tot.loc["dye", "with_open_problems"] == 2 and tot.loc["dye", "observations_per_firm"] == pytest.approx(1.5)
    dye = df[(df["segment_id"] == "dye") & (df["size"] != "all")].set_index("size")["enterprises"].to_dict()
    assert dye == {"micro": 1, "small": 1}
    assert tot.loc["dye", "key_link"] and not tot.loc["fab", "key_link"]
    assert q.composition(tiny, "130000", "kids").empty


# -- leaders -------------------------------------------------------------------------------
def test_leaders_designated_first(tiny):
    df = q.leaders(tiny, "330502", "kids", hops=2, candidates=3)
    assert list(df.columns) == list(LEADERS_COLUMNS)
    first = df.iloc[0]
    assert first["role"] == "designated" and first["enterprise_id"] == uscc(4)
    # E4 in scope: customers {E7}, suppliers {E2} (E8 is outside the county)
    assert (first["customers"], first["suppliers"]) == (1, 1)
    # within 2 hops: downstream E7, E1; upstream E2, E1 → small/micro reached {E1, E2, E7}
    assert (first["downstream_reach"], first["upstream_reach"], first["smb_reached"]) == (2, 2, 3)
    assert (df["role"] == "candidate").sum() == 3
    assert df["score"].between(0, 1).all()


def test_leader_reach(tiny):
    df = q.leader_reach(tiny, "330502", "kids", hops=2)
    got = sorted(zip(df["direction"], df["hops"], df["enterprise_id"], strict=True))
    assert got == sorted([("downstream", 1, uscc(7)), ("downstream", 2, uscc(1)),
                          ("upstream", 1, uscc(2)), ("upstream", 2, uscc(1))])
    assert set(df["leader_id"]) == {uscc(4)}


# -- weak links ----------------------------------------------------------------------------
def test_weak_links(tiny):
    df = q.weak_links(tiny, "330502", "kids")
    assert list(df.columns) == list(WEAK_COLUMNS)
    single = df[df["kind"] == "single_supplier"]
    pairs = set(zip(single["enterprise_id"], single["related_id"], single["segment_id"], strict=True))
    # E4 buys 印染 from E2 and E8; E7 buys 缝制 from E4 and E6: not single
    assert pairs == {(uscc(2), uscc(1), "fab"), (uscc(3), uscc(1), "fab"), (uscc(5), uscc(3), "dye"),
                     (uscc(6), uscc(2), "dye"), (uscc(1), uscc(7), "sell")}
    ap = df[df["kind"] == "articulation_point"].set_index("enterprise_id")["metric"].to_dict()
    # removing E1 cuts E3 and E5 off; removing E3 cuts E5 off
    assert ap == {uscc(1): 2.0, uscc(3): 1.0}
    assert not (df["kind"] == "gap").any()
    assert not (df["kind"] == "problem_dense").any()  # 印染 1.5 per firm < 1.5 × 8/7


def test_weak_links_gaps_and_dense(tiny):
    gaps = q.weak_links(tiny, "南浔区", "kids")
    assert set(gaps.loc[gaps["kind"] == "gap", "segment_id"]) == {"fab", "sew", "sell"}
    dense = q.weak_links(tiny, "330502", "kids", dense_factor=1.2)
    d = dense[dense["kind"] == "problem_dense"]
    assert d["segment_id"].tolist() == ["dye"] and d["metric"].iloc[0] == pytest.approx(1.5)
    with pytest.raises(ScopeError):
        q.weak_links(tiny, "330502", None)


# -- exposure --------------------------------------------------------------------------------
def test_exposure_follows_supply_and_survives_cycle(tiny):
    df = q.exposure(tiny, "P1", "330502", "kids")
    assert list(df.columns) == list(EXPOSURE_COLUMNS)
    hops = dict(zip(df["enterprise_id"], df["hops"], strict=True))
    # sources E2, E3 (E4's P1 is resolved); E7→E1→E2 is a cycle that must not loop
    assert hops == {uscc(2): 0, uscc(3): 0, uscc(4): 1, uscc(5): 1, uscc(6): 1, uscc(7): 2, uscc(1): 3}
    assert df["enterprise_id"].is_unique
    via = dict(zip(df["enterprise_id"], df["via_id"], strict=True))
    assert via[uscc(5)] == uscc(3) and via[uscc(4)] == uscc(2)


def test_exposure_options(tiny):
    df = q.exposure(tiny, "色牢度不达标", "330502", "kids", include_resolved=True, max_hops=1)
    hops = dict(zip(df["enterprise_id"], df["hops"], strict=True))
    assert hops == {uscc(2): 0, uscc(3): 0, uscc(4): 0, uscc(5): 1, uscc(6): 1, uscc(7): 1}
    city = q.exposure(tiny, "P1", "湖州市", "kids", max_hops=1)
    assert city.set_index("enterprise_id").loc[uscc(8), "hops"] == 0
    with pytest.raises(ScopeError):
        q.exposure(tiny, "P99", "330502", "kids")
    assert q.exposure(tiny, "P4", "330502", "kids").empty


# -- benchmark gaps --------------------------------------------------------------------------
def test_benchmark_gaps(tiny):
    df = q.benchmark_gaps(tiny, "330502", "kids").set_index("benchmark_id")
    assert list(df.reset_index().columns) == list(benchmarks.COLUMNS)
    b1, b2 = df.loc["B1"], df.loc["B2"]
    assert (b1.firms_measured, b1["mean"], b1.best, b1.worst) == (2, 3.5, 4.0, 3.0)
    assert b1.gap_domestic == pytest.approx(0.5) and b1.gap_international == pytest.approx(1.0)
    assert (b1.meets_domestic, b1.meets_international) == (1, 0)
    # lower is better: mean 20 equals domestic 20 → gap 0; international 16 → 4 behind
    assert not b2.higher_is_better and b2.best == 15 and b2.worst == 25
    assert b2.gap_domestic == pytest.approx(0.0) and b2.gap_international == pytest.approx(4.0)
    assert (b2.meets_domestic, b2.meets_international) == (1, 1)
    detail = q.benchmark_gaps(tiny, "330502", "kids", detail=True)
    assert len(detail) == 4 and list(detail.columns) == list(benchmarks.DETAIL_COLUMNS)


# -- chain map -------------------------------------------------------------------------------
def test_chain_map_counts(tiny):
    cm = q.chain_map(tiny, "330502", "kids")
    kinds = cm.nodes["kind"].value_counts().to_dict()
    assert kinds == {"enterprise": 7, "segment": 4, "problem": 3}
    types = cm.edges["type"].value_counts().to_dict()
    # FEEDS derived from order (3); SUPPLIES with both ends in scope (8, E8→E4 excluded); 7 firm-problem pairs
    assert types == {"FEEDS": 3, "SUPPLIES": 8, "OPERATES_IN": 7, "HAS_PROBLEM": 7}
    ent = cm.nodes[cm.nodes["kind"] == "enterprise"].set_index("uscc")
    assert bool(ent.loc[uscc(4), "is_leader"]) and ent["is_leader"].sum() == 1
    assert ent.loc[uscc(3), "problem_count"] == 1 and ent.loc[uscc(3), "max_severity"] == 3
    assert set(cm.edges["source"]).union(cm.edges["target"]) <= set(cm.nodes["node_id"])
    assert cm.meta["title"].startswith("浙江省湖州市吴兴区")


def test_enterprise_map(tiny):
    cm = q.enterprise_map(tiny, uscc(4), hops=1)
    ents = set(cm.nodes.loc[cm.nodes["kind"] == "enterprise", "uscc"])
    assert ents == {uscc(4), uscc(2), uscc(8), uscc(7)}  # suppliers E2, E8 (other county), customer E7
    assert cm.meta["focus"] == f"ent:{uscc(4)}"


def test_chain_map_nodes_are_keyed_on_the_enterprise_id(tiny):
    cm = q.chain_map(tiny, "330502", "kids")
    ent = cm.nodes[cm.nodes["kind"] == "enterprise"]
    cols = list(cm.nodes.columns)
    assert cols.index("stock_code") == cols.index("uscc") + 1
    assert ent["node_id"].tolist() == [f"ent:{uscc(i)}" for i in sorted(range(1, 8), key=uscc)]  # by id
    assert ent["stock_code"].isna().all()  # no tiny firm is listed


def test_enterprise_map_finds_a_firm_by_id_or_name(tiny):
    by_name = q.enterprise_map(tiny, "企业E4", hops=1)
    assert by_name.meta["focus"] == f"ent:{uscc(4)}"
    assert set(by_name.nodes["node_id"]) == set(q.enterprise_map(tiny, uscc(4), hops=1).nodes["node_id"])
    with pytest.raises(ScopeError, match="not found"):
        q.enterprise_map(tiny, "企业E99", hops=1)


@pytest.fixture(scope="module")
def unsized(tmp_path_factory):
    """The tiny dataset with E1's and E5's size left blank (规模不详): never guessed."""
    from chaingraph.graph import ChainGraph

    from .conftest import write_tiny

    root = write_tiny(tmp_path_factory.mktemp("unsized"))
    f = root / "enterprises.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    for i in (1, 5):
        cells = lines[i].split(",")
        cells[5] = ""  # size
        lines[i] = ",".join(cells)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    g = ChainGraph.from_dataset(root)
    assert g.validation.n_errors == 0, g.validation.issues
    assert g.tables["enterprises"]["size"].isna().sum() == 2
    return g


def test_composition_counts_unknown_sizes_apart(unsized):
    df = q.composition(unsized, "330502", "kids")
    rows = {(r.segment_id, r.size): r for r in df.itertuples()}
    # E1 (fab) and E5 (sew) have no size: one unknown row each, counted in the segment totals
    assert rows[("fab", "unknown")].enterprises == 1 and rows[("fab", "unknown")].size_zh == "规模不详"
    assert ("fab", "micro") not in rows and rows[("fab", "all")].enterprises == 1
    assert rows[("sew", "unknown")].enterprises == 1 and rows[("sew", "all")].enterprises == 3
    sew = df[df["segment_id"] == "sew"]["size"].tolist()
    assert sew == ["small", "medium", "unknown", "all"]  # micro → large, then unknown, then all
    assert df["size"].notna().all() and df["size_zh"].notna().all()


def test_unknown_size_reads_as_such_in_firm_lists(unsized):
    ex = q.exposure(unsized, "P1", "330502", "kids").set_index("enterprise_id")
    assert ex.loc[uscc(5), "size_zh"] == "规模不详" and pd.isna(ex.loc[uscc(5), "size"])
    cand = q.leaders(unsized, "330502", "kids").set_index("enterprise_id")
    assert cand.loc[uscc(1), "size_zh"] == "规模不详"


def test_industry_map_has_regions(tiny):
    cm = q.chain_map(tiny, None, "kids", dimension="industry")
    regions = set(cm.nodes.loc[cm.nodes["kind"] == "region", "region_code"])
    assert regions == {"330502", "330503"}


def test_queries_on_every_sample(wuxing):
    for name in ("common_problems", "composition", "leaders", "weak_links", "benchmark_gaps"):
        df = getattr(q, name)(wuxing, "吴兴区", "童装")
        assert len(df) > 0, name
    top = q.common_problems(wuxing, "吴兴区", "童装")
    assert top["is_common"].any()
    assert np.all(np.diff(top["score"].to_numpy()) <= 1e-12)


def _cut_sizes_by_removal(U):
    """The slow definition: remove each articulation point, measure what falls off its component."""
    import networkx as nx

    out = {}
    for a in nx.articulation_points(U):
        comp = nx.node_connected_component(U, a)
        H = U.subgraph(comp - {a})
        out[a] = len(comp) - 1 - max(len(c) for c in nx.connected_components(H))
    return out


def test_cut_sizes_equal_the_removal_definition():
    import networkx as nx

    from chaingraph.queries.weak_links import cut_sizes

    graphs = [nx.path_graph(6), nx.star_graph(5), nx.barbell_graph(4, 3), nx.lollipop_graph(5, 4),
              nx.disjoint_union(nx.cycle_graph(5), nx.path_graph(4))]
    for seed in range(40):  # sparse random forests-with-cycles, like a county's supply network
        G = nx.gnm_random_graph(60, 70 + seed, seed=seed)
        G.add_edge(0, 0)  # a self-loop must not change anything
        graphs.append(G)
    for G in graphs:
        want = _cut_sizes_by_removal(G)
        assert cut_sizes(G) == want
    assert sum(len(_cut_sizes_by_removal(G)) for G in graphs) > 100  # the graphs do have articulation points
