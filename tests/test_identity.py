"""Real firm lists get in: stock codes, names only, mixtures; optional size and stage; regions from names.

The shapes are those analysts hold (a listed-firm list, a survey roster with only names, a registry extract
with credit codes), written as files in ``tmp_path`` with Chinese headers, and the generated
``datasets/listed-firms`` sample. Expected values are worked out by hand from the rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chaingraph.ingest.codes import make_uscc
from chaingraph.ingest.firms import infer_regions, normalise_names, normalise_stock_codes
from chaingraph.ingest.regions import load_regions
from chaingraph.validate.core import partial_reasons, validate

DATASETS = Path(__file__).resolve().parents[1] / "datasets"


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text.strip() + "\n", encoding="utf-8")
    return folder


CHAIN = {
    "chains.csv": "产业链编号,产业链名称\nkids,童装",
    "segments.csv": "环节编号,产业链编号,环节名称\nfabric,kids,面料\nsewing,kids,缝制\nsales,kids,销售",
    "segment_flows.csv": "上游环节,下游环节,权重\nfabric,sewing,0.8\nsewing,sales,0.6",
    "problems.csv": "问题编号,问题名称,问题类别,问题类型\nP1,色牢度不达标,质量技术,痛点",
}


# ---------------------------------------------------------------------------------------------- codes
@pytest.mark.parametrize("raw, code, reason", [
    ("600373", "600373.SH", None),
    ("600373.SH", "600373.SH", None),
    ("600373.ss", "600373.SH", None),
    ("sh600373", "600373.SH", None),
    ("SZ000001", "000001.SZ", None),
    ("000001.SZ", "000001.SZ", None),
    ("300750", "300750.SZ", None),
    ("688981", "688981.SH", None),
    ("830799.BJ", "830799.BJ", None),
    ("920001", "920001.BJ", None),
    ("1", "000001.SZ", "stock_code_padded"),  # Excel dropped the zeros
    (2594.0, "002594.SZ", "stock_code_padded"),  # and stored it as a number
    ("600373.SZ", "600373.SZ", "stock_code_exchange"),
    ("12345x", None, "stock_code_malformed"),
    ("700001", None, "stock_code_malformed"),  # no exchange lists 700xxx
    ("600373.HK", None, "stock_code_malformed"),
    ("", None, None),  # a blank cell in a list where some firms have no stock code
    ("  ", None, None),
])
def test_stock_codes_normalised_to_one_form(raw, code, reason):
    out = normalise_stock_codes(pd.Series([raw], dtype=object)).iloc[0]
    assert out["code"] == code
    assert out["reason"] == reason


def test_names_fold_full_width_spaces_and_brackets():
    names = pd.Series(["湖州 童装（集团）有限公司", "湖州童装(集团)有限公司", "ＡＢＣ科技【湖州】有限公司", None])
    assert normalise_names(names).tolist() == ["湖州童装(集团)有限公司", "湖州童装(集团)有限公司", "ABC科技(湖州)有限公司", None]


@pytest.mark.parametrize("text, code", [
    ("浙江森马服饰股份有限公司", "330000"),  # a province only: never a guess at a city
    ("湖州市吴兴区童装厂", "330502"),
    ("湖州吴兴织里童装有限公司", "330502"),  # city stem, then county stem under it
    ("浙江省湖州市吴兴区织里镇大港路1号", "330502"),  # an address
    ("安平县丝网制品厂", "131125"),
    ("绍兴市上虞区伞业有限公司", "330604"),
    ("东方电气股份有限公司", None),  # 东方 is a county-level stem: not read at the start of a name
    ("吴兴童装厂", None),  # a county stem without its city
    ("长城汽车股份有限公司", None),
    ("吴兴县童装厂", None),  # 吴兴县 (332128) was abolished: only current divisions are read
])
def test_region_inferred_from_the_start_of_a_name_or_address(text, code):
    assert infer_regions(pd.Series([text]), load_regions()).iloc[0] == code


# ---------------------------------------------------------------------------------------------- lists
def test_listed_firm_list_with_stock_codes_and_no_size_gets_in(tmp_path):
    folder = _write(tmp_path / "listed", {
        **CHAIN,
        "enterprises.csv": "证券代码,证券简称,公司名称,所在地区\n"
                           "600001,甲面料,湖州甲面料股份有限公司,湖州市吴兴区\n"
                           "000002.SZ,乙服饰,湖州乙服饰股份有限公司,330502\n"
                           "SZ300003,丙商贸,湖州丙商贸股份有限公司,吴兴区",
        "operates_in.csv": "证券代码,环节编号\n600001,fabric\n000002,sewing\n300003.SZ,sales",
        "supplies.csv": "供应方证券代码,采购方证券代码,产品\n600001.SH,000002.SZ,面料\n000002,300003,童装",
        "observations.csv": "证券代码,问题编号,严重程度,来源,发现日期,状态\n600001,P1,3,调查,2026-03-01,未解决",
    })
    r = validate(folder)
    s = r.summary.set_index("table")
    assert s.loc["enterprises", "accepted"] == 3 and s.loc["enterprises", "rejected"] == 0
    assert s.loc["operates_in", "accepted"] == 3 and s.loc["supplies", "accepted"] == 2
    ents = r.tables["enterprises"].set_index("id")
    assert sorted(ents.index) == ["000002.SZ", "300003.SZ", "600001.SH"]
    assert set(ents["id_source"]) == {"stock_code"}
    assert ents["uscc"].isna().all()  # never invented
    assert ents["size"].isna().all()  # never guessed
    assert ents.loc["600001.SH", "short_name"] == "甲面料"
    assert r.tables["supplies"][["supplier_id", "customer_id"]].values.tolist() == [
        ["600001.SH", "000002.SZ"], ["000002.SZ", "300003.SZ"]]
    assert s.loc["segments", "derived"] == 3  # order and stage from the flows
    seg = r.tables["segments"].set_index("id")
    assert seg["order"].to_dict() == {"fabric": 1, "sewing": 2, "sales": 3}
    assert seg["stage"].to_dict() == {"fabric": "upstream", "sewing": "midstream", "sales": "downstream"}
    assert partial_reasons(r) == []


def test_names_only_roster_is_keyed_on_names_with_a_warning(tmp_path):
    folder = _write(tmp_path / "roster", {
        **CHAIN,
        "enterprises.csv": "企业名称,所在地区,环节\n湖州甲面料有限公司,吴兴区,fabric\n湖州 乙服饰（童装）有限公司,吴兴区,sewing",
        "observations.csv": "企业名称,问题编号,严重程度,来源\n湖州乙服饰(童装)有限公司,P1,2,调查\n湖州丁公司,P1,2,调查",
    })
    r = validate(folder)
    ents = r.tables["enterprises"]
    assert sorted(ents["id"]) == ["湖州乙服饰(童装)有限公司", "湖州甲面料有限公司"]
    assert (ents["id_source"] == "name").all()
    warn = r.issues[r.issues["code"] == "id_from_name"]
    assert sorted(warn["row"].tolist()) == [2, 3]
    obs = r.tables["observations"]
    assert obs["enterprise_id"].tolist() == ["湖州乙服饰(童装)有限公司"]  # a differently spaced name resolves
    dangling = r.issues[(r.issues["table"] == "observations") & (r.issues["code"] == "dangling_reference")]
    assert dangling["row"].tolist() == [3]
    assert "湖州丁公司" in dangling["message"].iloc[0]


def test_mixed_list_merges_one_firm_listed_under_two_codes(tmp_path):
    uscc = make_uscc("330502", "MA2B3C4D")
    folder = _write(tmp_path / "mixed", {
        **CHAIN,
        "enterprises.csv": "证券代码,公司名称,所在地区\n600001,湖州甲面料股份有限公司,吴兴区\n600002,湖州乙服饰股份有限公司,吴兴区",
        "企业名录.csv": f"统一社会信用代码,企业名称,所在地区,企业规模\n{uscc},湖州甲面料股份有限公司,吴兴区,小型",
        "observations.csv": f"企业,问题编号,严重程度,来源\n600001,P1,3,调查\n{uscc},P1,4,审核",
    })
    r = validate(folder)
    s = r.summary.set_index("table")
    assert (s.loc["enterprises", "read"], s.loc["enterprises", "accepted"], s.loc["enterprises", "merged"]) == (3, 2, 1)
    ents = r.tables["enterprises"].set_index("id")
    assert sorted(ents.index) == sorted([uscc, "600002.SH"])  # the credit code is the preferred identity
    assert ents.loc[uscc, "stock_code"] == "600001.SH" and ents.loc[uscc, "size"] == "small"
    assert r.tables["observations"]["enterprise_id"].tolist() == [uscc, uscc]  # by stock code and by credit code
    merged = r.issues[r.issues["code"] == "firm_merged"]
    assert len(merged) == 1 and uscc in merged["message"].iloc[0]


def test_ambiguous_name_is_an_error_listing_candidates(tmp_path):
    a, b = make_uscc("330502", "MA2B3C4D"), make_uscc("330100", "MA2B3C4E")
    folder = _write(tmp_path / "twins", {
        **CHAIN,
        "enterprises.csv": f"统一社会信用代码,企业名称,所在地区\n{a},湖州甲公司,吴兴区\n{b},湖州甲公司,杭州市",
        "observations.csv": "企业名称,问题编号,严重程度,来源\n湖州甲公司,P1,3,调查",
    })
    r = validate(folder)
    assert r.summary.set_index("table").loc["enterprises", "accepted"] == 2  # two firms, two codes: not merged
    amb = r.issues[r.issues["code"] == "firm_ambiguous"]
    assert len(amb) == 1 and a in amb["message"].iloc[0] and b in amb["message"].iloc[0]
    assert r.summary.set_index("table").loc["observations", "rejected"] == 1


def test_firm_without_region_rejected_unless_inferred(tmp_path):
    folder = _write(tmp_path / "noregion", {
        **CHAIN,
        "enterprises.csv": "证券代码,公司名称,注册地址\n600001,浙江甲面料股份有限公司,\n600002,乙服饰股份有限公司,湖州市吴兴区织里镇1号\n"
                           "600003,丙商贸股份有限公司,",
    })
    plain = validate(folder)
    missing = plain.issues[plain.issues["code"] == "region_missing"]
    assert sorted(missing["row"].tolist()) == [2, 3, 4]
    assert "--infer-region" in missing["message"].iloc[0]
    r = validate(folder, infer_region=True)
    ents = r.tables["enterprises"].set_index("id")
    assert ents["region_code"].to_dict() == {"600001.SH": "330000", "600002.SH": "330502"}
    assert set(ents["region_source"]) == {"inferred"}
    assert r.issues[r.issues["code"] == "region_missing"]["row"].tolist() == [4]
    assert len(r.issues[r.issues["code"] == "region_inferred"]) == 2


def test_cycle_reported_once_and_every_segment_placed(tmp_path):
    folder = _write(tmp_path / "cycle", {
        "chains.csv": "产业链编号,产业链名称\nbat,动力电池",
        "segments.csv": "环节编号,产业链编号,环节名称\nmat,bat,材料\ncell,bat,电芯\npack,bat,电池包\nrecycle,bat,回收",
        "segment_flows.csv": "上游环节,下游环节,权重\nmat,cell,0.9\ncell,pack,0.9\npack,recycle,0.4\nrecycle,mat,0.2",
        "enterprises.csv": "企业名称,所在地区\n湖州甲公司,吴兴区",
    })
    r = validate(folder)
    cyc = r.issues[r.issues["code"] == "flow_cycle"]
    assert len(cyc) == 1
    assert "mat → cell → pack → recycle → mat" in cyc["message"].iloc[0]
    seg = r.tables["segments"].set_index("id")
    assert seg["order"].to_dict() == {"mat": 1, "cell": 2, "pack": 3, "recycle": 4}
    assert seg["stage"].to_dict() == {"mat": "upstream", "cell": "midstream", "pack": "midstream",
                                      "recycle": "downstream"}


def test_missing_enterprises_reported_once_not_per_row(tmp_path):
    folder = _write(tmp_path / "cascade", {
        **CHAIN,
        "observations.csv": "统一社会信用代码,问题编号,严重程度,来源\n"
                            + "\n".join(f"firm{i},P1,3,调查" for i in range(500)),
    })
    r = validate(folder)
    obs = r.issues[r.issues["table"] == "observations"]
    assert len(obs) == 1 and "500 rows rejected" in obs["message"].iloc[0]
    assert r.summary.set_index("table").loc["observations", "rejected"] == 500
    reasons = partial_reasons(r)
    assert any("enterprises" in x for x in reasons)


def test_listed_firms_sample_end_to_end():
    r = validate(DATASETS / "listed-firms", infer_region=True)
    s = r.summary.set_index("table")
    assert s["balanced"].all()
    assert (s.loc["enterprises", "read"], s.loc["enterprises", "accepted"], s.loc["enterprises", "rejected"],
            s.loc["enterprises", "merged"]) == (39, 34, 2, 3)
    assert set(r.issues.loc[r.issues["table"] == "enterprises", "code"]) <= {
        "region_by_name", "region_inferred", "region_missing", "firm_merged", "duplicate_merged"}
    assert s.loc["segments", "derived"] == 9
    assert len(r.issues[r.issues["code"] == "flow_cycle"]) == 1
    assert s.loc["observations", "accepted"] == 22 and s.loc["supplies", "accepted"] == 54
    flows = r.tables["segment_flows"]
    seg_chain = r.tables["segments"].set_index("id")["chain_id"]
    cross = (flows["from_segment"].map(seg_chain) != flows["to_segment"].map(seg_chain)).sum()
    assert cross == 1  # the flow into the other chain is kept


def test_xlsx_two_row_merged_header_reads_the_lower_names(tmp_path):
    import openpyxl

    folder = _write(tmp_path / "merged", {k: v for k, v in CHAIN.items() if k != "problems.csv"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业名录"
    ws.append(["企业名称", "所在地区", "经营情况", None])
    ws.append([None, None, "从业人数", "营业收入"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:D1")
    ws.append(["湖州甲面料有限公司", "吴兴区", 35, "1,200万元"])
    ws.append(["湖州乙服饰有限公司", "吴兴区", 8, 300])
    wb.save(folder / "企业名录.xlsx")
    r = validate(folder)
    ents = r.tables["enterprises"].set_index("id")
    assert ents["employees"].to_dict() == {"湖州甲面料有限公司": 35, "湖州乙服饰有限公司": 8}
    assert ents["revenue"].to_dict() == {"湖州甲面料有限公司": 1200.0, "湖州乙服饰有限公司": 300.0}
    rows = r.issues[(r.issues["table"] == "enterprises") & r.issues["row"].notna()]["row"]
    assert set(rows) == {3, 4}  # spreadsheet rows: the data starts on row 3
    assert not (r.issues["code"] == "unknown_column").any()
