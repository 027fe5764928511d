"""``defects``: ~10 firms with one or more planted defects per reason code, ``expected.csv`` listing each.

Each defect is one row (or one file) below, followed by ``E(file, row, column, code, value, note)``: the
issue the validator must report for it. ``row`` is the spreadsheet row (header = 1, first data row = 2).
To plant a new defect, add the row and its ``E(...)`` line; README.md and expected.csv follow.
"""

from __future__ import annotations

from pathlib import Path

from samples.build.base import TABLES
from samples.build.codes import USCC_CHARSET, make_uscc, org_check_char, org_check_ok, uscc_check_char
from samples.build.common import QMS
from samples.build.writers import fresh_folder, raw_csv, write_expected

FOLDER = "defects"


def build_defects(folder: Path, workbook_bytes: bytes) -> list[tuple]:
    """Write the defects dataset; return the expected issues (file, row, column, code, value, note)."""
    exp: list[tuple] = []

    def E(file, row, column, code, value="", note=""):
        exp.append((file, "" if row is None else row, column or "", code, value, note))

    R = "330502"
    G1 = make_uscc(R, "74290317")
    G2 = make_uscc("330503", "79581624")
    G3 = make_uscc(R, "MA2B7N4K")
    G4 = make_uscc(R, "68813570")
    G5 = make_uscc(R, "MA2B0T9E")
    G6 = make_uscc(R, "MA2D3R1P")
    G7 = make_uscc("330500", "05712948")
    good8 = make_uscc(R, "MA28CLQ5")
    wrong = USCC_CHARSET[(USCC_CHARSET.index(good8[-1]) + 7) % 31]
    G8 = good8[:-1] + wrong  # check character wrong, organisation code fine
    body9 = "MA2BJ6W3"
    bad_org = str((int(org_check_char(body9)) + 3) % 10) if org_check_char(body9).isdigit() else "1"
    b17 = f"91{R}{body9}{bad_org}"
    G9 = b17 + uscc_check_char(b17)  # check character right, organisation check digit wrong
    G10 = make_uscc(R, "MA2C8H2U")
    X1 = make_uscc(R, "MA2B5D8G")
    X2 = make_uscc(R, "MA2B6E1H")
    X6 = make_uscc(R, "MA2BA3C7")
    X7 = make_uscc(R, "MA2BK4R2")
    X8 = make_uscc(R, "MA2BL9T6")
    X9 = make_uscc(R, "MA2BM2U8")
    X10 = make_uscc(R, "MA2BN7W5")
    K = make_uscc(R, "MA2BP1X4")
    U1 = make_uscc(R, "MA2BQ8Y3")  # valid, but no such enterprise in the dataset
    U2 = make_uscc("330503", "MA2DR5J9")
    # an all-digit code whose last three digits a spreadsheet zeroed
    for i in range(1000):
        c = make_uscc(R, f"06{123450 + i:06d}")
        if c.isdigit():
            trunc = c[:15] + "000"
            if trunc != c and uscc_check_char(trunc[:17]) != trunc[17]:
                break
    else:
        raise AssertionError
    X5 = trunc
    for code in (G1, G2, G3, G4, G5, G6, G7, G9, G10, X1, X2, X6, X7, X8, X9, X10, K, U1, U2):
        import stdnum.cn.uscc as su

        assert su.is_valid(code), code
    assert not __import__("stdnum.cn.uscc").cn.uscc.is_valid(G8)
    assert org_check_ok(G8) and not org_check_ok(G9)

    folder.mkdir(parents=True, exist_ok=True)
    # -- tables with no defect --------------------------------------------------------
    raw_csv(folder / "chains.csv", ["id", "name", "industry_code"], [["childrenswear", "童装", "1819"]])
    raw_csv(folder / "segments.csv", ["id", "chain_id", "name", "stage", "order", "key_link"], [
        ["cw-fabric", "childrenswear", "面料辅料", "upstream", "1", "false"],
        ["cw-dyeing", "childrenswear", "印染", "upstream", "2", "true"],
        ["cw-sewing", "childrenswear", "裁剪缝制", "midstream", "3", "true"],
        ["cw-sales", "childrenswear", "电商销售", "downstream", "4", "false"],
    ])
    raw_csv(folder / "problems.csv", ["id", "name", "category", "kind", "standard_ref", "benchmark_id"], [
        ["CW-P01", "色牢度不达标", "technology", "pain", "GB 31701-2015", "CW-B01"],
        ["CW-P02", "绳带长度及设置不符合要求", "technology", "pain", "GB/T 22705-2019", ""],
        ["CW-P03", "纤维含量标识与实际不符", "technology", "pain", "GB/T 29862-2013", ""],
        ["CW-P04", "使用说明标注不规范", "management", "pain", "GB/T 5296.4-2012", ""],
        ["CW-P05", "甲醛含量超标", "technology", "difficulty", "GB 18401-2010", ""],
    ])
    raw_csv(folder / "benchmarks.csv",
             ["id", "metric", "unit", "domestic_advanced", "international_advanced", "higher_is_better", "chain_id"],
             [["CW-B01", "耐湿摩擦色牢度", "级", "4", "4.5", "true", "childrenswear"]])
    raw_csv(folder / "cert_bodies.csv", ["id", "name"], [["CB01", "中国质量认证中心"], ["CB02", "浙江公正检验中心有限公司"]])

    # -- enterprises ---------------------------------------------------------------
    f = "enterprises.csv"
    hdr = ["uscc", "name", "region_code", "segment_id", "size", "employees", "revenue", "founded", "qms_certified", "备注"]
    E(f, None, "备注", "unknown_column", "备注", "a remarks column the model does not know")
    rows = [
        [G1, "湖州织里恒达童装有限公司", R, "cw-sewing", "中型", "350人", "1.2亿", "2008-03-12", "是", "链主企业"],
        [G2, "湖州南浔欣源纺织有限公司", "330503", "cw-fabric", "medium", "420", "8600", "2006-07-01", "true", ""],
        [G3, "湖州织里米乐服饰有限公司", R, "cw-sewing", "small", "85", "1,200万元", "2016-04-20", "Y", ""],
        [G4, "湖州吴兴瑞丰染整有限公司", R, "cw-dyeing", "小型", "60", "1860", "2012-09-15", "否", ""],
        [G5, "湖州市吴兴区织里豆豆童装加工厂", R, "cw-sewing", "微型", "8", "不详", "2019-05-06", "否", "个体工商户"],
        [G6, "湖州织里果果电子商务有限公司", "湖州市吴兴区", "cw-sales", "micro", "5", "320", "2023年5月", "false", ""],
        [G7, "湖州宏达童装有限公司", "330511", "cw-sewing", "small", "46", "780", "2010-11-02", "false", "地址为旧区划"],
        [G8, "湖州吴兴佳诚服装辅料有限公司", R, "cw-fabric", "small", "32", "650", "2017-08-30", "false", ""],
        [G9, "湖州织里乐鹿童装有限公司", R, "cw-sewing", "micro", "12", "180", "2018-02-11", "false", ""],
        [G10, "湖州织里星芽电子商务有限公司", R, "cw-sales", "micro", "3", "95", "2019/3/8", "false", ""],
        [G10, "湖州织里星芽电子商务有限公司", R, "cw-sales", "micro", "3", "95", "2019/3/8", "false", ""],
        [X1, "湖州织里蓝帆童装有限公司", R, "cw-sewing", "micro", "15", "1.2.3万", "2020-06-18", "false", ""],
        [X2, "", R, "cw-sewing", "micro", "9", "120", "2021-03-03", "false", "名称漏填"],
        ["330502000048217", "湖州织里金泰童装有限公司", R, "cw-sewing", "small", "40", "900", "2009-10-10", "false",
         "旧营业执照注册号"],
        ["9.13305E+17", "湖州织里安晨服饰有限公司", R, "cw-sewing", "small", "38", "760", "2014-04-04", "false", ""],
        [X5, "湖州织里鸿雅童装有限公司", R, "cw-sewing", "micro", "11", "150", "2013-01-22", "false", ""],
        [X6, "湖州织里天翔童装有限公司", "999999", "cw-sewing", "micro", "7", "88", "2020-09-09", "false", ""],
        [X7, "湖州吴兴博泰纺织有限公司", "330502.0", "cw-fabric", "micro", "10", "210", "2015-12-01", "false", ""],
        [X8, "湖州织里永盛童装有限公司", "朝阳区", "cw-sewing", "micro", "6", "75", "2022-02-14", "false", ""],
        [X9, "湖州织里鑫源童装有限公司", R, "cw-sewing", "巨型", "16", "230", "2017-07-07", "也许", ""],
        [X10, "湖州织里华诚电子商务有限公司", R, "cw-sales", "micro", "4", "130", "2023-02-30", "false", ""],
        [K, "湖州织里佳美童装有限公司", R, "cw-sewing", "micro", "14", "260", "2016-05-05", "false", ""],
        [K, "湖州织里佳美服饰有限公司", R, "cw-sewing", "micro", "14", "260", "2016-05-05", "false", ""],
    ]
    raw_csv(folder / f, hdr, rows)
    r = {i + 2: row for i, row in enumerate(rows)}
    E(f, 6, "revenue", "value_unknown", "不详", "explicit unknown in an optional column: kept, stored as missing")
    E(f, 7, "region_code", "region_by_name", "湖州市吴兴区", "resolved to 330502; kept")
    E(f, 7, "founded", "date_partial", "2023年5月", "no day: 2023-05-01 used; kept")
    E(f, 8, "region_code", "region_retired", "330511", "湖州市郊区 [1983-1988]; kept")
    E(f, 9, "uscc", "uscc_check", G8, "check character wrong (organisation code fine); kept")
    E(f, 10, "uscc", "uscc_org_check", G9, "GB 32100 check character right, GB 11714 check digit wrong; kept")
    E(f, 12, None, "duplicate_merged", "", "exact duplicate of row 11")
    E(f, 13, "revenue", "number_invalid", "1.2.3万", "rejected")
    E(f, 14, "name", "required_missing", "", "rejected")
    E(f, 15, "uscc", "uscc_malformed", "330502000048217", "a 15-digit pre-2015 registration number; rejected")
    E(f, 16, "uscc", "uscc_scientific", "9.13305E+17", "rejected")
    E(f, 17, "uscc", "uscc_truncated", X5, "18 digits ending 000 that fail the check; rejected")
    E(f, 18, "region_code", "region_unknown", "999999", "rejected")
    E(f, 19, "region_code", "region_mangled", "330502.0", "rejected")
    E(f, 20, "region_code", "region_ambiguous", "朝阳区", "北京市朝阳区 110105 / 长春市朝阳区 220104; rejected")
    E(f, 21, "size", "enum_invalid", "巨型", "rejected (two defects in one row)")
    E(f, 21, "qms_certified", "bool_invalid", "也许", "rejected (two defects in one row)")
    E(f, 22, "founded", "date_invalid", "2023-02-30", "rejected")
    E(f, 23, "id", "duplicate_conflict", K, "same uscc as row 24, another name: both rows rejected")
    E(f, 24, "id", "duplicate_conflict", K, "same uscc as row 23, another name: both rows rejected")
    assert r[13][0] == X1 and r[18][0] == X6 and r[21][0] == X9

    # -- observations ---------------------------------------------------------------
    f = "observations.csv"
    hdr = ["uscc", "problem_id", "severity", "source", "observed_on", "status"]
    rows = [
        [G1, "CW-P02", "3", "spot_check", "2024-03-15", "improving"],
        [G3, "CW-P02", "4", "抽查", "2024-03-15", "未整改"],
        [G4, "CW-P01", "3", "survey", "45047", "open"],
        [G5, "CW-P03", "2", "调查", "2023-05-20", "open"],
        [G4, "CW-P05", "7", "survey", "2023-05-20", "open"],
        [G6, "CW-P03", "2", "complaint", "2023-09-02", "resolved"],
        [U1, "CW-P02", "3", "spot_check", "2024-03-15", "open"],
        [G5, "CW-P99", "2", "survey", "2023-05-21", "open"],
        [X1, "CW-P04", "3", "survey", "2023-05-20", "open"],
        [X6, "CW-P03", "2", "survey", "2023-05-20", "open"],
        [K, "CW-P02", "4", "spot_check", "2024-03-15", "open"],
        [X9, "CW-P04", "3", "survey", "2023-05-20", "open"],
        [G7, "CW-P04", "3", "survey", "2023-06-01", "open"],
        [G2, "CW-P01", "2", "spot_check", "2023-08-20", "improving"],
        [G10, "CW-P04", "2", "survey", "2023-06-02"],  # one cell short
        [G1, "CW-P04", "2", "走访", "2023-05-18", "整改中"],
    ]
    raw_csv(folder / f, hdr, rows)
    E(f, 6, "severity", "out_of_range", "7", "severity is 1-5; rejected")
    E(f, 8, "enterprise_id", "dangling_reference", U1, "no such enterprise in the dataset")
    E(f, 9, "problem_id", "dangling_reference", "CW-P99", "no such problem")
    E(f, 10, "enterprise_id", "dangling_reference", X1, "cascade: enterprise row 13 rejected (number_invalid)")
    E(f, 11, "enterprise_id", "dangling_reference", X6, "cascade: enterprise row 18 rejected (region_unknown)")
    E(f, 12, "enterprise_id", "dangling_reference", K, "cascade: enterprise rows 23-24 rejected (duplicate_conflict)")
    E(f, 13, "enterprise_id", "dangling_reference", X9, "cascade: enterprise row 21 rejected (enum_invalid, bool_invalid)")
    E(f, 16, None, "row_malformed", "", "5 cells where the header has 6 (status cell missing); rejected")

    # -- supplies -------------------------------------------------------------------
    f = "supplies.csv"
    hdr = ["supplier_uscc", "customer_uscc", "product", "value"]
    rows = [
        [G2, G4, "针织坯布", "800"],
        [G4, G1, "染色面料", "1,200万元"],
        [G4, G3, "染色面料", "220.5"],
        [G1, G6, "成品童装", "300"],
        [G3, G3, "外发缝制加工", "100"],
        [G1, U2, "成品童装", "500"],
        [X2, G1, "外发缝制加工", "80"],
        [G5, G1, "外发缝制加工", "60"],
        [X7, G6, "成品童装", "45"],
        [G2, G1, "里料", "85,000元"],
    ]
    raw_csv(folder / f, hdr, rows)
    E(f, 6, "customer_id", "self_supply", G3, "supplier = customer; rejected")
    E(f, 7, "customer_id", "dangling_reference", U2, "customer not in the dataset")
    E(f, 8, "supplier_id", "dangling_reference", X2, "cascade: enterprise row 14 rejected (required_missing)")
    E(f, 10, "supplier_id", "dangling_reference", X7, "cascade: enterprise row 19 rejected (region_mangled)")

    # -- leaders --------------------------------------------------------------------
    f = "leaders.csv"
    raw_csv(folder / f, ["uscc", "chain_id", "region_code", "since"], [
        [G1, "childrenswear", R, "2023年5月1日"],
        [G2, "childrenswear", R, "2022-09-01"],
    ])
    E(f, 3, "region_code", "leader_region_mismatch", R, "leader located in 330503 南浔区, designated for 330502; kept")

    # -- measurements: the required value column is missing ------------------------------
    f = "measurements.csv"
    raw_csv(folder / f, ["uscc", "benchmark_id", "measured_on"], [
        [G4, "CW-B01", "2023-06-10"], [G2, "CW-B01", "2023-06-12"], [G4, "CW-B01", "2024-06-20"]])
    E(f, None, "value", "missing_column", "", "every row rejected, reported once")

    # -- certifications: two headers for cert_no ----------------------------------------
    f = "certifications.csv"
    raw_csv(folder / f, ["uscc", "body_id", "standard", "cert_no", "issued", "expires", "证书编号"], [
        [G1, "CB01", QMS, "00122Q38815R1M", "2022-04-18", "2025-04-17", "00122Q38815R1M"],
        [G2, "CB02", QMS, "13621Q20417R2M", "2021-12-06", "2024-12-05", "13621Q20417R2M"],
        [G3, "CB01", QMS, "00123Q51290R0S", "2023-08-09", "2026-08-08", "00123Q51290R0S"],
    ])
    E(f, None, "cert_no", "duplicate_column", "", "cert_no and 证书编号 both map to cert_no; every row rejected")

    # -- file-level defects -----------------------------------------------------------
    (folder / "segment_flows.csv").write_bytes(b"")
    E("segment_flows.csv", None, None, "empty_file", "", "zero bytes (optional table; FEEDS follow `order`)")
    raw_csv(folder / "assistance.csv", list(TABLES["assistance"].columns), [])
    E("assistance.csv", None, None, "no_rows", "", "header only")
    # Windows-1252 export: the en dash typed as "unknown" is byte 0x96, invalid in UTF-8 and GB18030
    (folder / "operates_in.csv").write_bytes(
        f"uscc,segment_id\r\n{G1},cw-sales\r\n{G3},\u2013\r\n".encode("cp1252"))
    E("operates_in.csv", None, None, "encoding_invalid", "", "Windows-1252 bytes (0x96 en dash)")
    (folder / "regions.xlsx").write_bytes(workbook_bytes[: len(workbook_bytes) // 2])
    E("regions.xlsx", None, None, "file_unreadable", "", "a workbook cut in half (truncated zip)")
    (folder / "notes.csv").write_text("日期,备注\n2024-12-20,第二轮问卷已回收\n", encoding="utf-8")
    E("notes.csv", None, None, "unknown_table", "", "not a table of the model")
    E("expected.csv", None, None, "unknown_table", "", "this very list is a CSV in the folder, so it is flagged too")
    return exp


DEFECTS_README = """# defects — planted defects / 故意植入的数据缺陷

> **合成数据，仅供演示 / synthetic, for demonstration.** A small childrenswear dataset (chain
> `childrenswear`, region 330502 湖州市吴兴区, ten firms that survive validation) in which every data
> defect the validator knows (`chaingraph/reasons.py`) is planted at least once, plus the cascades those
> defects cause. `expected.csv` lists every issue the validator must report — no more, no less — as
> `file,row,column,code`: `row` is the 1-based spreadsheet row (header = row 1, first data row = row 2),
> empty for file- and column-level issues; `column` is the canonical column name (the header as written
> for `unknown_column`; empty for file-level issues, `duplicate_merged` and `row_malformed`).

Conventions this list fixes (the validator follows them):

- `duplicate_conflict`: **every** row of a key group with differing values is rejected and reported,
  column = the key columns joined with `,` (`uscc` here).
- `duplicate_merged`: the later identical row is merged and reported; the first is kept.
- `self_supply` is reported on `customer_uscc`; `leader_region_mismatch` on `region_code`.
- `missing_column` and `duplicate_column` are reported once per file (with the column) and reject every
  row of the file without a row-level issue each.
- A reference to an enterprise that was rejected is a `dangling_reference` (cascade), listed here too.
- `expected.csv` is itself a CSV in the dataset folder that matches no table, hence `unknown_table`.
- `missing_table` cannot share this folder (without `enterprises` everything else would cascade):
  it lives in `../defects-missing-table/`.

## Every planted defect

| file | row | column | value | code | note |
|---|---|---|---|---|---|
{rows}

## Cells that look odd but must parse (no issue)

| file | row | column | value | parsed as |
|---|---|---|---|---|
| enterprises.csv | 2 | employees | `350人` | 350 |
| enterprises.csv | 2 | revenue | `1.2亿` | 12000 万元 |
| enterprises.csv | 2 | size | `中型` | medium |
| enterprises.csv | 2, 5, 6 | qms_certified | `是`, `否` | true, false |
| enterprises.csv | 4 | revenue | `1,200万元` | 1200 万元 |
| enterprises.csv | 4 | qms_certified | `Y` | true |
| enterprises.csv | 11 | founded | `2019/3/8` | 2019-03-08 |
| observations.csv | 3 | source / status | `抽查` / `未整改` | spot_check / open |
| observations.csv | 4 | observed_on | `45047` (Excel serial) | 2023-05-01 |
| observations.csv | 5 | source | `调查` | survey |
| observations.csv | 17 | source / status | `走访` / `整改中` | survey / improving |
| supplies.csv | 3 | value | `1,200万元` | 1200 万元 |
| supplies.csv | 11 | value | `85,000元` | 8.5 万元 |
| leaders.csv | 2 | since | `2023年5月1日` | 2023-05-01 |

## What survives

enterprises: rows 2–11 (ten firms; row 12 merged into row 11). observations: rows 2, 3, 4, 5, 7, 14, 15, 17.
supplies: rows 2, 3, 4, 5, 9, 11. leaders: both rows. measurements and certifications: none (whole file
rejected). assistance: none (no rows). operates_in: only the rows derived from `enterprises.segment_id`.
"""


def write(folder: Path, workbook_bytes: bytes) -> list[tuple]:
    """Write the dataset, ``expected.csv`` and README.md; ``workbook_bytes`` is a real workbook (half of it
    becomes the unreadable ``regions.xlsx``). Return the expected issues."""
    fresh_folder(folder)
    exp = build_defects(folder, workbook_bytes)
    exp = write_expected(folder, exp)
    table_rows = "\n".join(f"| {e[0]} | {e[1]} | {e[2]} | {('`' + str(e[4]) + '`') if e[4] else ''} | "
                           f"`{e[3]}` | {e[5]} |" for e in exp)
    (folder / "README.md").write_text(DEFECTS_README.replace("{rows}", table_rows), encoding="utf-8")
    return exp
