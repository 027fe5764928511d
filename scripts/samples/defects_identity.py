"""``defects-identity``: one planted defect per reason code of firm identity, regions from names and flows.

Validated with ``infer_region=True`` (the option analysts use on lists without a region column); the
``defects`` sample keeps the credit-code shapes it always had. Every row here is invented.
"""

from __future__ import annotations

from pathlib import Path

from samples.build.codes import make_uscc
from samples.build.writers import fresh_folder, raw_csv, write_expected

FOLDER = "defects-identity"

README = """# defects-identity — firm identity, inferred regions, cyclic flows / 企业识别、地区推断、环节成环

> **合成数据，仅供演示 / synthetic, for demonstration.** One planted defect per reason code of the
> identity rules, to be validated with `--infer-region`:

| file | row | code | what is planted |
|---|---|---|---|
| enterprises.csv | 2 | `stock_code_padded` | 证券代码 `2` (Excel dropped the zeros of 000002) |
| enterprises.csv | 3 | `stock_code_exchange` | `600003.SZ` (a 600 code is listed in Shanghai) |
| enterprises.csv | 4 | `stock_code_malformed` | `70000A` |
| enterprises.csv | 5 | `id_from_name` | no code at all |
| enterprises.csv | 6 | `region_inferred` | no region; the name starts with 湖州市吴兴区 |
| enterprises.csv | 7 | `region_missing` | no region, and the name names none |
| enterprises.csv | 8 | `region_abolished` | 所在地区 `吴兴县` (abolished 1981; now 吴兴区) |
| enterprises.csv | 2 | `firm_merged` | 企业名录.csv row 2 gives the credit code of this firm by its full name: one firm (that row: `duplicate_merged`) |
| enterprises.csv | 9, 10 | – | two listed firms of one name (湖州同名服饰有限公司) in two counties… |
| observations.csv | 2 | `firm_ambiguous` | …so a reference by that name names two firms |
| segment_flows.csv | – | `flow_cycle` | 缝制 → 后整理 → 缝制 |

Rows that cannot be accepted (4, 7, 8) also reject what refers to them.
"""


def write(folder: Path) -> list[tuple]:
    """Write the dataset, ``expected.csv`` and README.md; return the expected issues."""
    fresh_folder(folder)
    raw_csv(folder / "chains.csv", ["产业链编号", "产业链名称"], [["kids", "童装"]])
    raw_csv(folder / "segments.csv", ["环节编号", "产业链编号", "环节名称"],
            [["fabric", "kids", "面料"], ["sewing", "kids", "缝制"], ["finish", "kids", "后整理"]])
    raw_csv(folder / "segment_flows.csv", ["上游环节", "下游环节", "权重"],
            [["fabric", "sewing", "0.9"], ["sewing", "finish", "0.7"], ["finish", "sewing", "0.2"]])
    raw_csv(folder / "problems.csv", ["问题编号", "问题名称", "问题类别", "问题类型"], [["P1", "色牢度不达标", "质量技术", "痛点"]])
    raw_csv(folder / "enterprises.csv", ["证券代码", "公司名称", "所在地区"], [
        ["2", "湖州零零二服饰股份有限公司", "吴兴区"],
        ["600003.SZ", "湖州六零三面料股份有限公司", "吴兴区"],
        ["70000A", "湖州坏代码服饰股份有限公司", "吴兴区"],
        ["", "湖州无代码童装厂", "吴兴区"],
        ["600006", "湖州市吴兴区织里童装股份有限公司", ""],
        ["600007", "无地名服饰股份有限公司", ""],
        ["600008", "湖州旧区划服饰股份有限公司", "吴兴县"],
        ["600009", "湖州同名服饰有限公司", "吴兴区"],
        ["600010", "湖州同名服饰有限公司", "南浔区"],
    ])
    uscc = make_uscc("330502", "MA28K7QX")
    raw_csv(folder / "企业名录.csv", ["统一社会信用代码", "企业名称", "所在地区"],
            [[uscc, "湖州零零二服饰股份有限公司", "吴兴区"]])
    raw_csv(folder / "observations.csv", ["企业", "问题编号", "严重程度", "来源"],
            [["湖州同名服饰有限公司", "P1", "3", "调查"], ["000002", "P1", "2", "调查"]])
    (folder / "README.md").write_text(README, encoding="utf-8")
    exp = [
        ("enterprises.csv", 2, "stock_code", "stock_code_padded"),
        ("enterprises.csv", 3, "stock_code", "stock_code_exchange"),
        ("enterprises.csv", 4, "stock_code", "stock_code_malformed"),
        ("enterprises.csv", 5, "name", "id_from_name"),
        ("enterprises.csv", 6, "region_code", "region_inferred"),
        ("enterprises.csv", 7, "region_code", "region_missing"),
        ("enterprises.csv", 8, "region_code", "region_abolished"),
        ("enterprises.csv", 2, "name", "firm_merged"),
        ("enterprises.csv", 2, "region_code", "region_by_name"),
        ("enterprises.csv", 3, "region_code", "region_by_name"),
        ("enterprises.csv", 4, "region_code", "region_by_name"),
        ("enterprises.csv", 5, "region_code", "region_by_name"),
        ("enterprises.csv", 9, "region_code", "region_by_name"),
        ("enterprises.csv", 10, "region_code", "region_by_name"),
        ("企业名录.csv", 2, "region_code", "region_by_name"),
        ("企业名录.csv", 2, "", "duplicate_merged"),
        ("observations.csv", 2, "enterprise_id", "firm_ambiguous"),
        ("segment_flows.csv", "", "", "flow_cycle"),
        ("expected.csv", "", "", "unknown_table"),
    ]
    return write_expected(folder, exp)
