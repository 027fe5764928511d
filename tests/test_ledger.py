"""The assistance ledger (帮扶台账), its evaluation figures and progress against the targets, on hand-computed cases.

The fixture is the tiny dataset (tests/conftest.py) plus a second certification body, six assistance rows (two of
them one record whose effects are given one per row), a targets table and two later observations that resolve P2.
Its data date is 2024-06-01 (the latest measurement).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chaingraph import queries as q
from chaingraph.errors import ScopeError
from chaingraph.ingest.parse import parse_field
from chaingraph.model import TABLES
from chaingraph.queries.ledger import COLUMNS, SUMMARY_COLUMNS
from chaingraph.queries.progress import COLUMNS as PROGRESS_COLUMNS
from chaingraph.queries.progress import NATIONAL_TARGETS, solved_problems
from tests.conftest import uscc, write_tiny

AST = ("body_id,enterprise_id,problem_id,dimension,started,status,ended,effects,satisfaction,certified_after,"
       "revenue_before,revenue_after,profit_margin_before,profit_margin_after")


def _ledger_rows() -> list[str]:
    return [
        f"CB1,{uscc(2)},P1,检验检测,2024-02-01,已解决,2024-05-01,产品质量水平提升；质量意识提升,满意,,100,120,5,6",
        f"CB1,{uscc(3)},P1,检验检测,2024-03-01,整改中,,,基本满意,,,,,",
        f"CB2,{uscc(5)},P2,质量管理,2024-01-15,未解决,,,不满意,,,,,",
        f"CB2,{uscc(6)},P2,认证,2024-02-10,已解决,2024-06-10,成本下降,,是,,,,",
        f"CB2,{uscc(6)},P2,认证,2024-02-10,已解决,2024-06-10,质量意识提升,,是,,,,",  # same record, one more effect
        f"CB1,{uscc(9)},P4,检验检测,2024-03-05,整改中,,,满意,,,,,",
        f"CB1,{uscc(7)},,认证,2024-05-20,,,,,,,,,",
    ]


@pytest.fixture(scope="module")
def lg(tmp_path_factory):
    from chaingraph.graph import ChainGraph

    root = write_tiny(tmp_path_factory.mktemp("ledger"))
    (root / "cert_bodies.csv").write_text("id,name\nCB1,测试认证中心\nCB2,第二认证公司\n", encoding="utf-8")
    (root / "assistance.csv").write_text(AST + "\n" + "\n".join(_ledger_rows()) + "\n", encoding="utf-8")
    with (root / "observations.csv").open("a", encoding="utf-8") as f:
        f.write(f"{uscc(5)},P2,2,audit,2024-04-01,resolved\n{uscc(6)},P2,2,audit,2024-04-02,resolved\n")
    (root / "targets.csv").write_text(
        "metric,region,chain,target,deadline,baseline\n"
        "帮扶小微企业数,330502,kids,10,2024-12-31,2024-01-01\n"
        "满意率,,,90%,2024-12-31,2024-01-01\n"
        "解决产业链质量问题数,330502,kids,1,2024-12-31,2024-01-31\n", encoding="utf-8")
    g = ChainGraph.from_dataset(root)
    assert g.validation.ok, g.validation.issues
    assert g.meta["data_date"] == "2024-06-01"
    return g


# -- the model ---------------------------------------------------------------------------------
def test_effects_parse_to_canonical_order_and_reject_unknown_values():
    f = TABLES["assistance"].field("effects")
    p = parse_field(pd.Series(["成本下降、质量意识提升", "Cost; awareness", "质量意识提升，好看", "不详"]), f)
    assert p.values.tolist()[:2] == ["awareness、cost", "awareness、cost"]
    assert p.reason.tolist()[2:] == ["enum_invalid", "value_unknown"]
    assert "'好看'" in p.message.iloc[2] and "数字化智能化水平提升" in p.message.iloc[2]  # names the allowed values


def test_effects_given_one_per_row_merge_into_one_record(lg):
    ast = lg.tables["assistance"]
    row = ast[ast["enterprise_id"] == uscc(6)]
    assert len(row) == 1 and row["effects"].iloc[0] == "awareness、cost"
    summary = lg.validation.summary.set_index("table").loc["assistance"]
    assert (summary["read"], summary["accepted"], summary["merged"]) == (7, 6, 1)


def test_invalid_effect_is_an_enum_invalid_error(tmp_path):
    from chaingraph.validate import validate

    root = write_tiny(tmp_path / "d")
    (root / "assistance.csv").write_text(f"body_id,enterprise_id,effects\nCB1,{uscc(2)},成本下降、变漂亮\n",
                                         encoding="utf-8")
    r = validate(root)
    bad = r.issues[r.issues["table"] == "assistance"]
    assert bad["code"].tolist() == ["enum_invalid"] and bad["column"].tolist() == ["effects"]


# -- ledger ------------------------------------------------------------------------------------
def test_ledger_rows_days_open_and_the_state_on_the_data_date(lg):
    df = q.ledger(lg, "330502", "kids")
    assert list(df.columns) == list(COLUMNS)
    assert df["enterprise_id"].tolist() == [uscc(i) for i in (5, 2, 6, 3, 7)]  # by start date
    # 2024-01-15 → 06-01 open; 02-01 → 05-01 ended; 02-10 → ended 06-10 is after the data date: still running
    assert df["days_open"].tolist() == [138, 90, 112, 92, 12]
    assert df["status"].tolist() == ["open", "resolved", "improving", "improving", "open"]
    assert df["status_zh"].tolist() == ["未解决", "已解决", "整改中", "整改中", "未解决"]
    assert df["effects_zh"].iloc[1] == "质量意识提升、产品质量水平提升"
    assert df["body"].tolist() == ["第二认证公司", "测试认证中心", "第二认证公司", "测试认证中心", "测试认证中心"]
    assert df["chains"].iloc[0] == "kids" and pd.isna(df["problem_id"].iloc[4])


def test_ledger_as_of_filters_body_and_status(lg):
    late = q.ledger(lg, "330502", "kids", as_of="2024-12-31")
    e6 = late[late["enterprise_id"] == uscc(6)].iloc[0]
    assert (e6["status"], e6["days_open"], str(e6["ended"].date())) == ("resolved", 121, "2024-06-10")
    early = q.ledger(lg, "330502", "kids", as_of="2024-02-05")
    assert early["enterprise_id"].tolist() == [uscc(5), uscc(2)]
    assert early["status"].tolist() == ["open", "improving"] and early["ended"].isna().all()
    assert q.ledger(lg, None, None, body="第二认证公司")["body_id"].unique().tolist() == ["CB2"]
    assert q.ledger(lg, None, None, status="整改中")["enterprise_id"].tolist() == [uscc(6), uscc(3), uscc(9)]
    with pytest.raises(ScopeError, match="status"):
        q.ledger(lg, None, None, status="done-ish")
    with pytest.raises(ScopeError, match="CB1"):
        q.ledger(lg, None, None, body="不存在的机构")
    assert q.ledger(lg, "130000", "kids").empty


# -- ledger_summary ----------------------------------------------------------------------------
def test_ledger_summary_figures_by_hand(lg):
    s = q.ledger_summary(lg, "330502", "kids", as_of="2024-12-31")
    assert list(s.columns) == list(SUMMARY_COLUMNS) and len(s) == 1
    r = s.iloc[0]
    assert (r["firms"], r["records"], r["open"], r["improving"], r["resolved"]) == (5, 5, 2, 1, 2)
    assert (r["firms_with_effect"], r["effect_share"]) == (2, 0.4)
    assert (r["effect_awareness"], r["effect_product_quality"], r["effect_cost"], r["effect_digital"]) == (
        0.4, 0.2, 0.2, 0.0)
    assert (r["satisfaction_answers"], r["satisfied"], r["fair"], r["dissatisfied"]) == (3, 1, 1, 1)
    assert r["satisfaction_rate"] == pytest.approx(2 / 3)
    assert r["certified_after"] == 1
    assert (r["revenue_change"], r["revenue_pairs"], r["profit_margin_change"]) == (20.0, 1, 1.0)
    assert np.isnan(r["output_change"]) and r["output_pairs"] == 0


def test_ledger_summary_groupings(lg):
    by_body = q.ledger_summary(lg, by="body")
    assert by_body[["group", "group_name", "firms", "records"]].values.tolist() == [
        ["CB1", "测试认证中心", 4, 4], ["CB2", "第二认证公司", 2, 2]]
    by_region = q.ledger_summary(lg, by="region")
    assert by_region["group"].tolist() == ["131125", "330502"] and by_region["firms"].tolist() == [1, 5]
    by_chain = q.ledger_summary(lg, by="chain")
    assert by_chain[["group", "group_name", "firms"]].values.tolist() == [["kids", "童装", 5], ["mesh", "丝网", 1]]
    by_problem = q.ledger_summary(lg, by="problem")
    assert by_problem["group"].tolist()[:3] == ["P1", "P2", "P4"] and pd.isna(by_problem["group"].iloc[3])
    with pytest.raises(ValueError, match="by must be"):
        q.ledger_summary(lg, by="size")


# -- progress ----------------------------------------------------------------------------------
def _frames(unresolved_at: dict[str, list[tuple[int, str, str]]], n: int = 10):
    members = pd.DataFrame({"enterprise_id": [f"F{i}" for i in range(n)], "region_code": "330502",
                            "chain_id": "kids"})
    rows = [{"enterprise_id": f"F{i}", "problem_id": p, "source": "survey", "observed_on": pd.Timestamp(day)
             if day else pd.NaT, "status": st} for p, obs in unresolved_at.items() for i, day, st in obs]
    return pd.DataFrame(rows), members


def test_solved_problems_by_hand():
    """10 firms in 330502 × kids. Common = affected ≥ 3 and Wilson lower bound ≥ 10 %: 4/10 → 0.168, 3/10 →
    0.108 (common), 2/10 never (affected < 3)."""
    obs, members = _frames({
        # P1: 4 unresolved on the baseline (common), 3 of them resolved by as_of → 1 left: solved
        "P1": [(0, "2024-01-05", "open"), (1, "2024-01-05", "open"), (2, "2024-01-06", "improving"),
               (3, None, "open"), (0, "2024-03-01", "resolved"), (1, "2024-03-01", "resolved"),
               (2, "2024-03-02", "resolved")],
        # P2: 3 unresolved on the baseline and still on as_of: common both times, not solved
        "P2": [(4, "2024-01-01", "open"), (5, "2024-01-01", "open"), (6, "2024-01-01", None)],
        # P3: common only after the baseline: not a baseline problem, not solved
        "P3": [(7, "2024-02-01", "open"), (8, "2024-02-01", "open"), (9, "2024-02-01", "open")],
        # P4: 2 firms: never common
        "P4": [(0, "2024-01-01", "open"), (1, "2024-01-01", "open"), (0, "2024-03-01", "resolved")],
    })
    solved = solved_problems(obs, members, pd.Timestamp("2024-01-31"), pd.Timestamp("2024-06-30"))
    assert solved.values.tolist() == [["330502", "kids", "P1"]]
    # as of a day before the fixes, nothing is solved yet
    assert solved_problems(obs, members, pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-15")).empty
    # with 30 firms in scope P2's 3 firms are not common (Wilson lower bound 3 %), so nothing of it to solve
    obs30, members30 = _frames({"P2": [(4, "2024-01-01", "open"), (5, "2024-01-01", "open"),
                                       (6, "2024-01-01", "open")]}, n=30)
    assert solved_problems(obs30, members30, pd.Timestamp("2024-01-31"), pd.Timestamp("2024-06-30")).empty


def test_progress_with_a_targets_table(lg):
    p = q.progress(lg)
    assert list(p.columns) == list(PROGRESS_COLUMNS)
    p = p.set_index("metric")
    fa = p.loc["firms_assisted"]  # E2 small, E3 micro, E5 micro, E6 small, E7 micro; E9 is in 131125
    assert (fa["actual"], fa["share_done"], fa["basis"]) == (5.0, 0.5, "targets")
    assert fa["expected_by_now"] == pytest.approx(10 * 152 / 365) and bool(fa["on_track"])  # Jan 1 → Jun 1 of 365
    sr = p.loc["satisfaction_rate"]  # 满意 E2, 基本满意 E3, 不满意 E5, 满意 E9: 3 of 4; 90% read as 0.9
    assert (sr["target"], sr["actual"], bool(sr["on_track"])) == (0.9, 0.75, False)
    ps = p.loc["problems_solved"]  # P2: E5 E6 E7 of the 7 firms of 330502 × kids on Jan 31; E5, E6 resolved in April
    assert (ps["actual"], ps["share_done"]) == (1.0, 1.0)
    assert ps["expected_by_now"] == pytest.approx(122 / 335) and bool(ps["on_track"])
    before = q.progress(lg, as_of="2024-03-31").set_index("metric")
    assert before.loc["problems_solved", "actual"] == 0.0 and before.loc["firms_assisted", "actual"] == 4.0


def test_progress_without_targets_uses_the_national_figures(tiny):
    p = q.progress(tiny)
    assert p["target_id"].tolist() == sorted(NATIONAL_TARGETS["id"])
    assert p["basis"].unique().tolist() == ["national_2024"]
    assert p.set_index("metric")["target"].to_dict() == {"firms_assisted": 50000.0, "problems_solved": 30.0,
                                                         "satisfaction_rate": 0.9}
    assert (p["deadline"] == pd.Timestamp("2027-12-31")).all()


# -- the command line ----------------------------------------------------------------------------
def test_cli_ledger_commands(lg, tmp_path):
    from click.testing import CliRunner

    from chaingraph.cli import cli
    from chaingraph.graph.store import save

    store = tmp_path / "s.cgstore"
    save(lg, store)
    run = CliRunner().invoke
    r = run(cli, ["progress", str(store)])
    assert r.exit_code == 0, r.output
    assert "目标指标" in r.output and "精准帮扶小微企业数" in r.output and "实际值" in r.output
    r = run(cli, ["ledger", str(store), "--region", "吴兴区", "--chain", "童装", "-o", str(tmp_path / "l.csv")])
    assert r.exit_code == 0, r.output
    head = (tmp_path / "l.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "帮扶机构" in head and "帮扶天数" in head and "成效类别" in head
    r = run(cli, ["ledger-summary", str(store), "--by", "body", "--as-of", "2024-12-31"])
    assert r.exit_code == 0 and "第二认证公司" in r.output and "满意率" in r.output
    r = run(cli, ["ledger", str(store), "--status", "nope"])
    assert r.exit_code == 1 and "Error: unknown status" in r.output


def test_samples_show_progress():
    from chaingraph.graph import ChainGraph

    root = Path(__file__).resolve().parents[1] / "datasets" / "wuxing-childrenswear"
    g = ChainGraph.from_dataset(root)
    p = q.progress(g).set_index("metric")
    assert p.loc["firms_assisted", "actual"] > 0 and 0 < p.loc["satisfaction_rate", "actual"] <= 1
    assert q.ledger_summary(g)["firms_with_effect"].iloc[0] > 0
