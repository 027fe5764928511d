"""绍兴市上虞区 × 伞业 (CSV), and the same data once more as one workbook ``shangyu-umbrella-xlsx/伞业数据.xlsx``
(Chinese sheet names, Chinese headers and enum values)."""

from __future__ import annotations

from samples.build.common import QMS, d, pby, zihao_pool
from samples.build.spec import Bench, Prob, Seg, Spec, XlsxEdition

# SEGMENTS: Seg(id, name, stage, order, key_link, {size: firms in the home county},
#               {neighbour county: {size: firms}}, [home name templates], {neighbour county: [templates]}, ...)
#   name templates: (template with {z} = trade name, "1" company / "2" 个体工商户, sizes or None, weight)
# FLOWS: (supplying segment, buying segment, [products], share of buyers by size, None)
# PROBLEMS: Prob(id, name, category, kind, standard_ref, benchmark_id, scope, sources, severity, dimension,
#                filter=""): scope [(segment or "*", share of its firms)] or [("single", segment)];
#                sources {observation source: weight}; filter "noncert" / "manuf" / "biggish"
# BENCHMARKS: Bench(id, metric, unit, domestic, international, higher_is_better, [(segment, share measured)],
#                   (bad range), (good range), decimals, step)

SEGMENTS = [
    Seg("ub-ribs", "伞骨/伞架", "upstream", 1, True,
        {"micro": 8, "small": 6, "medium": 2},
        {"330602": {"micro": 1, "small": 1}},
        [("绍兴上虞{z}伞骨有限公司", "1", None, 3), ("绍兴市上虞区崧厦{z}伞骨厂", "2", ("micro",), 2),
         ("绍兴{z}伞件有限公司", "1", None, 2)],
        {"330602": [("绍兴{z}五金制品有限公司", "1", None, 1)]}),
    Seg("ub-fabric", "伞面面料/涂层", "upstream", 2, False,
        {"micro": 4, "small": 4, "medium": 1},
        {"330603": {"micro": 2, "small": 3, "medium": 1}},
        [("绍兴上虞{z}涂层布有限公司", "1", None, 3), ("绍兴{z}伞布有限公司", "1", None, 2)],
        {"330603": [("绍兴柯桥{z}纺织有限公司", "1", None, 2), ("绍兴柯桥{z}涂层有限公司", "1", None, 1)]}),
    Seg("ub-assembly", "组装", "midstream", 3, True,
        {"micro": 16, "small": 8, "medium": 4, "large": 2},
        {}, [("绍兴上虞{z}伞业有限公司", "1", None, 5), ("绍兴市上虞区崧厦{z}制伞厂", "2", ("micro",), 2),
             ("绍兴{z}雨具有限公司", "1", None, 2), ("浙江{z}伞业有限公司", "1", ("medium", "large"), 3)]),
    Seg("ub-sales", "检测/销售", "downstream", 4, False,
        {"micro": 10, "small": 5, "medium": 1},
        {"330602": {"micro": 1}},
        [("绍兴上虞{z}电子商务有限公司", "1", None, 4), ("绍兴{z}进出口有限公司", "1", None, 2),
         ("绍兴上虞{z}检测技术有限公司", "1", ("small",), 1)],
        {"330602": [("绍兴{z}贸易有限公司", "1", None, 1)]},
        sector="wholesale", no_edges_marker="检测技术"),
]

FLOWS = [
    ("ub-ribs", "ub-assembly", ["伞骨", "伞架", "中棒", "伞头伞珠配件"], pby(1, 1, 1, 1), None),
    ("ub-fabric", "ub-assembly", ["涤纶伞布", "银胶涂层布", "黑胶涂层布", "碰击布"], pby(1, 1, 1, 1), None),
    ("ub-assembly", "ub-sales", ["晴雨伞", "折叠伞", "直杆伞", "自动伞", "广告伞"], pby(1, 1, 1, 1), None),
]

PROBLEMS = [
    Prob("UB-P01", "伞骨强度不足、抗风性能差", "technology", "pain", "QB/T 1099", "UB-B03",
         [("ub-ribs", .35), ("ub-assembly", .15)], {"spot_check": 5, "complaint": 3, "survey": 2}, 3.9, "检验检测"),
    Prob("UB-P02", "防水性能不达标（静水压低）", "technology", "pain", "GB/T 4744-2013", "UB-B02",
         [("ub-fabric", .35), ("ub-assembly", .1)], {"spot_check": 6, "complaint": 4}, 3.2, "检验检测"),
    Prob("UB-P03", "抗紫外线性能虚标", "technology", "pain", "GB/T 18830-2009", "UB-B01",
         [("ub-fabric", .3), ("ub-assembly", .2), ("ub-sales", .2)], {"spot_check": 6, "complaint": 4}, 4.0,
         "检验检测"),
    Prob("UB-P04", "伞面色牢度不达标（沾色）", "technology", "difficulty", "GB/T 3920-2008", "",
         [("ub-fabric", .2)], {"complaint": 5, "spot_check": 5}, 2.6, "检验检测"),
    Prob("UB-P05", "开收伞不顺畅、自动开关失灵", "technology", "pain", "QB/T 1099", "",
         [("ub-assembly", .25), ("ub-ribs", .1)], {"complaint": 7, "spot_check": 3}, 2.9, "质量管理"),
    Prob("UB-P06", "伞骨锈蚀", "technology", "difficulty", "GB/T 10125", "",
         [("ub-ribs", .2)], {"complaint": 5, "spot_check": 5}, 2.5, "检验检测"),
    Prob("UB-P07", "涂层剥离、起泡", "technology", "difficulty", "", "",
         [("ub-fabric", .15)], {"complaint": 6, "survey": 4}, 2.7, "质量管理"),
    Prob("UB-P08", "使用说明与标识不规范", "management", "pain", "GB/T 5296.1-2012", "",
         [("ub-assembly", .2), ("ub-sales", .35)], {"survey": 5, "spot_check": 5}, 2.0, "标准"),
    Prob("UB-P09", "未建立质量管理体系", "management", "blockage", QMS, "",
         [("*", .30)], {"survey": 1}, 3.0, "认证", filter="noncert"),
    Prob("UB-P10", "外协加工质量失控", "management", "blockage", "", "",
         [("ub-assembly", .15)], {"survey": 5, "audit": 5}, 3.3, "质量管理", filter="biggish"),
    Prob("UB-P11", "原材料进厂检验缺失", "management", "blockage", "GB/T 19001-2016", "",
         [("ub-assembly", .2), ("ub-ribs", .15)], {"survey": 6, "audit": 4}, 3.0, "质量管理"),
    Prob("UB-P12", "计量器具未按期检定校准", "infrastructure", "pain", "《中华人民共和国计量法》; GB/T 19022-2003", "",
         [("ub-ribs", .25), ("ub-fabric", .2), ("ub-assembly", .15)], {"survey": 7, "audit": 3}, 2.1, "计量"),
    Prob("UB-P13", "检测能力不足（缺少抗风、防紫外检测设备）", "infrastructure", "blockage", "GB/T 27025-2019", "",
         [("ub-assembly", .2), ("ub-fabric", .2), ("ub-ribs", .1)], {"survey": 1}, 3.0, "检验检测"),
    Prob("UB-P14", "儿童伞伞尖防护缺失", "technology", "pain", "", "",
         [("single", "ub-assembly")], {"complaint": 1}, 4.0, "标准"),
    Prob("UB-P15", "跨境电商目标市场标准不熟悉", "infrastructure", "blockage", "", "",
         [("ub-sales", .25)], {"survey": 1}, 2.6, "标准"),
    Prob("UB-P16", "伞骨尺寸一致性差", "technology", "difficulty", "", "",
         [("ub-ribs", .2)], {"survey": 5, "audit": 5}, 2.4, "质量管理"),
]

BENCHMARKS = [
    Bench("UB-B01", "UVA透射比 T(UVA)AV", "%", 3.0, 1.0, False, [("ub-fabric", 1.0), ("ub-assembly", .3)],
          (5.5, 15.0), (0.5, 4.8)),
    Bench("UB-B02", "静水压", "kPa", 20.0, 30.0, True, [("ub-fabric", 1.0)], (4.0, 9.5), (10.0, 32.0)),
    Bench("UB-B03", "抗风性能（风洞试验风速）", "m/s", 13.8, 17.2, True, [("ub-assembly", .5), ("ub-ribs", .5)],
          (8.0, 10.7), (10.8, 18.0)),
    Bench("UB-B04", "成品一次检验合格率", "%", 98.0, 99.5, True, [("ub-assembly", .4)], (86.0, 93.5), (94.0, 99.7)),
]

XLSX_README = """# 上虞伞业（XLSX 版）/ Shangyu umbrella chain — workbook edition

> **合成数据，仅供演示 / synthetic, for demonstration.** The same data as `../shangyu-umbrella/` (same
> rows, same values), shipped the way analysts send it: one workbook `伞业数据.xlsx`, one sheet per table.

- Sheet names are the Chinese table names of `chaingraph/model.py`: {sheets}.
- Column headers are the Chinese display names (`Field.zh`), each an accepted alias of its column
  (统一社会信用代码, 企业名称, 所在地区, 所属环节, 企业规模, 营业收入(万元) …).
- Enum values are Chinese (微型/小型/中型/大型, 上游/中游/下游, 质量技术/质量管理/质量基础设施,
  难点/痛点/堵点, 调查/审核/抽查/投诉, 未解决/整改中/已解决); yes/no is 是/否.
- Credit codes, region codes and ids are text cells (number format `@`), so Excel does not mangle them;
  dates are real date cells (`yyyy-mm-dd`); employees, revenue, severity and measured values are numbers.
- Header row bold and frozen; column widths fitted to the content.

See `../shangyu-umbrella/README.md` for the story and the summary.
"""


SPEC = Spec(
    folder="shangyu-umbrella", seed=20240503, chain_id="umbrella", chain_name="伞业",
    industry_code="", home="330604", home_name="绍兴市上虞区", city="330600",
    segs=SEGMENTS, flows=FLOWS, outsourcing=[("ub-assembly", "外发组装"), ("ub-fabric", "坯布涂层加工")],
    leaders=[("ub-assembly", "large", "2021-09-10", "浙江{z}伞业股份有限公司"),
             ("ub-assembly", "large", "2023-04-20", "浙江{z}雨具集团有限公司")],
    probs=PROBLEMS, benches=BENCHMARKS, bodies=["CB01", "CB02"], zihao=zihao_pool(),
    old_region={"330604": ("330682", d("2013-10-18"), 0.6)},
    secondary=[("ub-assembly", "ub-sales", .15), ("ub-ribs", "ub-assembly", .1)],
    title_zh="绍兴市上虞区伞业产业链", title_en="Umbrella chain of Shangyu District, Shaoxing",
    story_zh=("崧厦“中国伞城”：伞骨/伞架与伞面面料/涂层分别供给组装环节（伞面坯布多来自柯桥区），伞骨与组装是关键环节，"
              "两家组装龙头为链主。共性问题：伞骨强度不足集中在伞骨环节；抗紫外线性能虚标横跨面料、组装、销售；"
              "未建立质量管理体系遍布全链。2013 年以前成立的企业，信用代码多保留原上虞市代码 330682。"),
    story_en=("Songxia, \"China's umbrella town\": ribs/frames and canopy fabric/coating feed assembly (much of the "
              "greige fabric comes from neighbouring Keqiao), ribs and assembly are the key links, and two large "
              "assemblers are the designated leaders. Common problems: weak ribs concentrate in the rib segment; "
              "overstated UV protection runs across fabric, assembly and sales; missing QMS runs across the chain. "
              "Firms founded before 2013 often keep the former Shangyu City code 330682 in their credit code."),
    xlsx_edition=XlsxEdition("shangyu-umbrella-xlsx", "伞业数据.xlsx", XLSX_README),
)
