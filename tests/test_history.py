"""History: ``as_of`` on the named queries, ``problem_changes`` and ``compare_regions``, hand-computed.

The ``hist`` fixture is the tiny dataset (tests/conftest.py) with a dated history instead of its
observations. Scope 吴兴区 (330502) × kids is the seven firms E1..E7; E8 is in 南浔区 (330503)::

    P1  E2 sev 4 open 2023-03-01, resolved 2023-09-01; E3 sev 2 open 2023-03-01, resolved 2023-10-01
        -> open at 2023-06-30 (2 firms, mean severity 3), solved by 2024-06-30           (resolved)
    P2  E4 sev 1, no date, no status (counts at every date as open); E5 sev 2 open 2023-02-01;
        E6 sev 4 open 2024-01-15; E7 sev 3 open 2024-02-01; E8 sev 2 open 2023-05-01 (330503)
        -> 2023-06-30: E4, E5 (2/7, severity 1.5); 2024-06-30: E4..E7 (4/7, severity 2.5)   (worse)
    P3  E1 sev 3 open 2024-03-01 -> absent at 2023-06-30, 1/7 at 2024-06-30               (new)
    P4  E2 sev 4 open 2023-01-01; E3 sev 4 open 2023-01-01, resolved 2024-01-01
        -> 2/7 (severity 4) at 2023-06-30, 1/7 (severity 4) at 2024-06-30                (better)

E4 is designated leader since 2024-01-01 and holds a certificate issued 2024-02-01 (expires 2027);
E6 is ``qms_certified``. Measurements (from tiny): E2 B1 3.5 on 2024-01-01 and 4.0 on 2024-06-01,
E3 B1 3.0 on 2024-01-01. The data date is 2024-06-01.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from chaingraph import queries as Q
from chaingraph.cli import cli
from chaingraph.errors import ScopeError
from chaingraph.graph import ChainGraph
from chaingraph.graph.asof import graph_as_of, parse_as_of
from chaingraph.queries._common import wilson_lower
from tests.conftest import DATASETS, uscc, write_tiny

BEFORE, AFTER = "2023-06-30", "2024-06-30"


def write_hist(root: Path) -> Path:
    write_tiny(root)
    obs = [(2, "P1", 4, "2023-03-01", "open"), (2, "P1", 4, "2023-09-01", "resolved"),
           (3, "P1", 2, "2023-03-01", "open"), (3, "P1", 2, "2023-10-01", "resolved"),
           (4, "P2", 1, "", ""), (5, "P2", 2, "2023-02-01", "open"), (6, "P2", 4, "2024-01-15", "open"),
           (7, "P2", 3, "2024-02-01", "open"), (8, "P2", 2, "2023-05-01", "open"),
           (1, "P3", 3, "2024-03-01", "open"),
           (2, "P4", 4, "2023-01-01", "open"), (3, "P4", 4, "2023-01-01", "open"),
           (3, "P4", 4, "2024-01-01", "resolved")]
    (root / "observations.csv").write_text(
        "enterprise_id,problem_id,severity,source,observed_on,status\n"
        + "".join(f"{uscc(i)},{p},{s},survey,{d},{st}\n" for i, p, s, d, st in obs), encoding="utf-8")
    (root / "leaders.csv").write_text(f"enterprise_id,chain_id,region_code,since\n{uscc(4)},kids,330502,2024-01-01\n",
                                      encoding="utf-8")
    (root / "certifications.csv").write_text(
        "enterprise_id,body_id,standard,cert_no,issued,expires\n"
        f"{uscc(4)},CB1,ISO 9001,C-0001,2024-02-01,2027-01-01\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hist_dir(tmp_path_factory) -> Path:
    return write_hist(tmp_path_factory.mktemp("hist"))


@pytest.fixture(scope="module")
def hist(hist_dir) -> ChainGraph:
    g = ChainGraph.from_dataset(hist_dir)
    assert g.validation.ok, g.validation.issues
    assert g.meta["data_date"] == "2024-06-01"
    return g


def by_problem(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("problem_id")


# ---------------------------------------------------------------------------
# as_of
# ---------------------------------------------------------------------------

def test_parse_as_of():
    assert parse_as_of("2023-06-30") == dt.date(2023, 6, 30)
    assert parse_as_of(pd.Timestamp("2023-06-30 12:00")) == dt.date(2023, 6, 30)
    assert parse_as_of(None) is None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_as_of("30/06/2023")


def test_graph_as_of_keeps_undated_rows_and_is_cached(hist):
    g = graph_as_of(hist, BEFORE)
    assert graph_as_of(hist, BEFORE) is g and graph_as_of(hist, None) is hist
    obs = g.tables["observations"]
    assert len(obs) == 7  # 5 dated on or before 2023-06-30 + … see the module text
    assert obs["observed_on"].isna().sum() == 1  # E4's undated P2 kept
    assert g.meta["data_date"] == BEFORE and len(g.tables["leaders"]) == 0 and len(g.tables["certifications"]) == 0


def test_common_problems_as_of_by_hand(hist):
    before = by_problem(Q.common_problems(hist, "330502", "kids", as_of=BEFORE))
    # P1: E2 (4) and E3 (2) open; P2: E4 (undated, 1) and E5 (2); P4: E2, E3 (4); P3 not yet
    assert before["affected"].to_dict() == {"P4": 2, "P1": 2, "P2": 2}
    assert before.loc["P1", "open"] == 2 and before.loc["P1", "resolved"] == 0
    assert before.loc["P2", "mean_severity"] == pytest.approx(1.5)
    assert before.loc["P4", "score"] == pytest.approx(2 / 7 * 4)
    assert before.loc["P1", "leaders_affected"] == 0
    after = by_problem(Q.common_problems(hist, "330502", "kids", as_of=AFTER))
    assert after["affected"].to_dict() == {"P2": 4, "P4": 2, "P1": 2, "P3": 1}
    assert after.loc["P1", "resolved"] == 2 and after.loc["P4", "resolved"] == 1
    assert after.loc["P2", "mean_severity"] == pytest.approx(2.5)
    assert after.loc["P2", "leaders"] == "企业E4"  # designated since 2024-01-01


@pytest.mark.parametrize("dataset", ["hist", "wuxing-childrenswear", "anping-wiremesh", "shangyu-umbrella"])
def test_the_exact_path_equals_the_fast_path_on_the_data_date(dataset, hist):
    """as_of on or after every date (the data date is the latest): the rebuilt cubes give the cubes' answers."""
    g = hist if dataset == "hist" else ChainGraph.from_dataset(DATASETS / dataset)
    chain = str(g.tables["chains"]["id"].iloc[0])
    region = str(g.tables["enterprises"]["region_code"].iloc[0])[:4] + "00"
    day = g.meta["data_date"]
    for ir in (True, False):
        for c in (chain, None):
            pd.testing.assert_frame_equal(Q.common_problems(g, region, c, include_resolved=ir, as_of=day),
                                          Q.common_problems(g, region, c, include_resolved=ir))
    pd.testing.assert_frame_equal(Q.common_problems(g, region, chain, as_of="2100-01-01"),
                                  Q.common_problems(g, region, chain))
    pd.testing.assert_frame_equal(Q.composition(g, region, chain, as_of=day), Q.composition(g, region, chain))
    pd.testing.assert_frame_equal(Q.leaders(g, region, chain, as_of=day), Q.leaders(g, region, chain))
    pd.testing.assert_frame_equal(Q.weak_links(g, region, chain, as_of=day), Q.weak_links(g, region, chain))
    pd.testing.assert_frame_equal(Q.benchmark_gaps(g, region, chain, as_of=day), Q.benchmark_gaps(g, region, chain))
    problem = str(g.tables["problems"]["id"].iloc[0])
    pd.testing.assert_frame_equal(Q.exposure(g, problem, region, chain, as_of=day), Q.exposure(g, problem, region, chain))
    a, b = Q.chain_map(g, region, chain, as_of=day), Q.chain_map(g, region, chain)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert a.meta == b.meta


def test_composition_leaders_chain_map_and_gaps_as_of(hist):
    def sew(df: pd.DataFrame) -> pd.Series:
        return df.query("segment_id == 'sew' and size == 'all'").iloc[0]

    # certified in 缝制: E6 (qms) before; E6 and E4 (certificate issued 2024-02-01) after
    assert sew(Q.composition(hist, "330502", "kids", as_of=BEFORE))["certified"] == 1
    assert sew(Q.composition(hist, "330502", "kids"))["certified"] == 2
    # with open problems in 缝制 (E4, E5, E6): E4, E5 before; all three after
    assert sew(Q.composition(hist, "330502", "kids", as_of=BEFORE))["with_open_problems"] == 2
    assert sew(Q.composition(hist, "330502", "kids"))["with_open_problems"] == 3
    assert "designated" not in set(Q.leaders(hist, "330502", "kids", as_of=BEFORE)["role"])
    assert Q.leaders(hist, "330502", "kids").query("role == 'designated'")["enterprise"].tolist() == ["企业E4"]
    cm = Q.chain_map(hist, "330502", "kids", as_of=BEFORE)
    e4 = cm.nodes.set_index("node_id").loc[f"ent:{uscc(4)}"]
    assert not e4["is_leader"] and not e4["certified"]
    assert "prob:P3" not in set(cm.nodes["node_id"]) and cm.meta["data_date"] == BEFORE
    assert "prob:P3" in set(Q.chain_map(hist, "330502", "kids").nodes["node_id"])
    b1 = Q.benchmark_gaps(hist, "330502", "kids", as_of="2024-03-01").set_index("benchmark_id").loc["B1"]
    assert b1["mean"] == pytest.approx((3.5 + 3.0) / 2)
    assert Q.benchmark_gaps(hist, "330502", "kids").set_index("benchmark_id").loc["B1", "mean"] == pytest.approx(3.5)


# ---------------------------------------------------------------------------
# problem_changes
# ---------------------------------------------------------------------------

def test_problem_changes_by_hand(hist):
    ch = Q.problem_changes(hist, "吴兴区", "童装", since=BEFORE, until=AFTER)
    assert ch[["change", "problem_id"]].values.tolist() == [["new", "P3"], ["worse", "P2"], ["better", "P4"],
                                                             ["resolved", "P1"]]
    r = ch.set_index("problem_id")
    assert (r["scope_before"] == 7).all() and (r["scope_after"] == 7).all()
    assert r.loc["P3", ["affected_before", "affected_after"]].tolist() == [0, 1]
    assert r.loc["P3", "share_after"] == pytest.approx(1 / 7) and np.isnan(r.loc["P3", "severity_before"])
    assert r.loc["P2", "share_change"] == pytest.approx(2 / 7) and r.loc["P2", "severity_change"] == pytest.approx(1.0)
    assert r.loc["P2", "score_before"] == pytest.approx(2 / 7 * 1.5) and r.loc["P2", "score_after"] == pytest.approx(
        4 / 7 * 2.5)
    # common after: 4 firms >= 3 and Wilson lower bound of 4/7 (0.25) >= 0.10; not before (2 firms)
    assert wilson_lower(np.array([4]), 7)[0] == pytest.approx(0.2504, abs=1e-4)
    assert not r.loc["P2", "common_before"] and r.loc["P2", "common_after"]
    assert r.loc["P4", "share_change"] == pytest.approx(-1 / 7) and r.loc["P4", "severity_change"] == 0
    assert r.loc["P1", ["affected_before", "affected_after"]].tolist() == [2, 0]
    assert r.loc["P1", "share_after"] == 0 and r.loc["P1", "change_zh"] == "已解决"
    assert r.loc["P1", "rank_before"] == 2 and pd.isna(r.loc["P1", "rank_after"])
    assert ch["enterprise_id"].isna().all()  # the same firms at both dates


def test_problem_changes_default_until_is_the_latest_state_and_checks_arguments(hist):
    pd.testing.assert_frame_equal(Q.problem_changes(hist, "330502", "kids", since=BEFORE),
                                  Q.problem_changes(hist, "330502", "kids", since=BEFORE, until="2099-12-31"))
    same = Q.problem_changes(hist, "330502", "kids", since=AFTER, until=AFTER)
    assert set(same["change"]) == {"persisting"}
    with pytest.raises(ValueError, match="after until"):
        Q.problem_changes(hist, "330502", "kids", since=AFTER, until=BEFORE)
    with pytest.raises(ScopeError, match="needs a chain"):
        Q.problem_changes(hist, "330502", None, since=BEFORE)


def test_problem_changes_between_two_builds_lists_firms_that_entered_or_left(hist_dir, tmp_path, hist):
    older = write_hist(tmp_path / "older")
    with open(older / "enterprises.csv", "a", encoding="utf-8") as f:  # a firm that has since closed
        f.write(f"{'E11'},,企业E11,330502,sell,micro,3,30,2015-01-01,false\n")
    before = ChainGraph.from_dataset(older)
    ch = Q.problem_changes_between(before, hist, "330502", "kids", since=BEFORE)
    firms = ch[ch["change"].isin(["entered", "left"])]
    assert firms[["change", "enterprise_id", "enterprise"]].values.tolist() == [["left", "E11", "企业E11"]]
    r = ch.set_index("problem_id")
    assert r.loc["P2", "scope_before"] == 8 and r.loc["P2", "share_before"] == pytest.approx(2 / 8)


# ---------------------------------------------------------------------------
# compare_regions
# ---------------------------------------------------------------------------

def test_compare_regions_by_hand(hist):
    m = Q.compare_regions(hist, "湖州市", "kids")
    assert m[["region_code", "region", "is_total", "scope_size"]].values.tolist() == [
        ["330502", "浙江省湖州市吴兴区", False, 7], ["330503", "浙江省湖州市南浔区", False, 1], ["330500", "合计", True, 8]]
    # the whole region's order: P2 (5/8 × 2.4), P4 (2/8 × 4), P1 (2/8 × 3), P3 (1/8 × 3)
    assert list(m.columns[6:]) == ["P2", "P4", "P1", "P3"]
    np.testing.assert_allclose(m[["P2", "P4", "P1", "P3"]].to_numpy(),
                               [[4 / 7, 2 / 7, 2 / 7, 1 / 7], [1, 0, 0, 0], [5 / 8, 2 / 8, 2 / 8, 1 / 8]])
    assert m["common_count"].tolist() == [1, 0, 1]
    open_only = Q.compare_regions(hist, "湖州市", "kids", include_resolved=False, as_of=BEFORE)
    np.testing.assert_allclose(open_only.set_index("region_code").loc["330502", ["P1", "P2", "P4"]].to_numpy(float),
                               [2 / 7, 2 / 7, 2 / 7])
    assert "P3" not in open_only.columns


def test_compare_regions_levels_and_errors(hist):
    assert Q.compare_regions(hist, "浙江省", "kids")["region_code"].tolist() == ["330500", "330000"]
    assert Q.compare_regions(hist, None, "kids")["region_code"].tolist() == ["330000", ""]
    with pytest.raises(ScopeError, match="county"):
        Q.compare_regions(hist, "330502", "kids")
    with pytest.raises(ScopeError, match="needs a chain"):
        Q.compare_regions(hist, "330500", None)


# ---------------------------------------------------------------------------
# The Neo4j engine (emulated server, tests/test_neo4j_queries.py): same frames
# ---------------------------------------------------------------------------

def test_neo4j_engine_gives_the_same_history_frames(hist):
    from tests.test_neo4j_queries import neo

    ng, _driver = neo(hist)
    for day in (BEFORE, AFTER, None):
        for ir in (True, False):
            pd.testing.assert_frame_equal(ng.common_problems("330500", "kids", include_resolved=ir, as_of=day),
                                          Q.common_problems(hist, "330500", "kids", include_resolved=ir, as_of=day))
        pd.testing.assert_frame_equal(ng.composition("330502", "kids", as_of=day),
                                      Q.composition(hist, "330502", "kids", as_of=day))
        pd.testing.assert_frame_equal(ng.benchmark_gaps("330502", "kids", as_of=day),
                                      Q.benchmark_gaps(hist, "330502", "kids", as_of=day))
        pd.testing.assert_frame_equal(ng.leaders("330502", "kids", as_of=day),
                                      Q.leaders(hist, "330502", "kids", as_of=day))
        pd.testing.assert_frame_equal(ng.weak_links("330502", "kids", as_of=day),
                                      Q.weak_links(hist, "330502", "kids", as_of=day))
        pd.testing.assert_frame_equal(ng.exposure("P2", "330502", "kids", as_of=day),
                                      Q.exposure(hist, "P2", "330502", "kids", as_of=day))
        a, b = ng.chain_map("330502", "kids", as_of=day), Q.chain_map(hist, "330502", "kids", as_of=day)
        pd.testing.assert_frame_equal(a.nodes, b.nodes)
        pd.testing.assert_frame_equal(a.edges, b.edges)
        pd.testing.assert_frame_equal(ng.compare_regions("湖州市", "kids", as_of=day),
                                      Q.compare_regions(hist, "湖州市", "kids", as_of=day))
    pd.testing.assert_frame_equal(ng.problem_changes("330502", "kids", since=BEFORE, until=AFTER),
                                  Q.problem_changes(hist, "330502", "kids", since=BEFORE, until=AFTER))


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

def test_cli_as_of_changes_the_answer_on_a_sample(tmp_path):
    src = str(DATASETS / "wuxing-childrenswear")
    runner = CliRunner()
    now, then = tmp_path / "now.csv", tmp_path / "then.csv"
    for out, extra in ((now, []), (then, ["--as-of", "2023-12-31"])):
        r = runner.invoke(cli, ["problems", src, "--region", "吴兴区", "--chain", "童装", "-o", str(out), *extra])
        assert r.exit_code == 0, r.output
    a, b = (pd.read_csv(p, encoding="utf-8-sig") for p in (now, then))
    # fewer observations by 2023-12-31: every problem affects at most as many firms, and some fewer
    per_a, per_b = a.set_index("问题编号")["涉及企业数"], b.set_index("问题编号")["涉及企业数"]
    assert set(per_b.index) <= set(per_a.index) and len(per_b) < len(per_a)
    assert (per_b <= per_a.reindex(per_b.index)).all() and per_b.sum() < per_a.sum()
    for cmd in (["composition"], ["leaders"], ["weak-links"], ["gaps"], ["exposure", "--problem", "CW-P01"]):
        r = runner.invoke(cli, [*cmd, src, "--region", "吴兴区", "--chain", "童装", "--as-of", "2023-12-31"])
        assert r.exit_code == 0, (cmd, r.output)
    r = runner.invoke(cli, ["problems", src, "--as-of", "2023-31-12"])
    assert r.exit_code == 2 and "2023-31-12" in r.output


def test_cli_changes_and_compare(hist_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "变化.csv"
    r = runner.invoke(cli, ["changes", str(hist_dir), "--region", "吴兴区", "--chain", "童装", "--since", BEFORE,
                            "--until", AFTER, "-o", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert df[["变化", "问题编号"]].values.tolist() == [["新出现", "P3"], ["加重", "P2"], ["好转", "P4"], ["已解决", "P1"]]
    store = tmp_path / "hist.cgstore"
    assert runner.invoke(cli, ["build", str(hist_dir), "-o", str(store)]).exit_code == 0
    r = runner.invoke(cli, ["changes", str(store), "--against", str(hist_dir), "--region", "330502", "--chain",
                            "kids", "--lang", "en", "-o", str(tmp_path / "same.json")])
    assert r.exit_code == 0, r.output
    assert set(pd.read_json(tmp_path / "same.json")["change"]) == {"persisting"}
    r = runner.invoke(cli, ["changes", str(store), "--chain", "kids"])
    assert r.exit_code == 2 and "--since" in r.output
    xlsx = tmp_path / "区域对比.xlsx"
    r = runner.invoke(cli, ["compare", str(store), "--region", "湖州市", "--chain", "童装", "-o", str(xlsx)])
    assert r.exit_code == 0, r.output
    m = pd.read_excel(xlsx)
    assert list(m.columns[:4]) == ["区划代码", "区域", "是否合计", "范围内企业数"]
    assert "质量管理体系缺失(P2)" in m.columns
    r = runner.invoke(cli, ["compare", str(store), "--region", "吴兴区", "--chain", "童装"])
    assert r.exit_code == 1 and "county" in r.output
