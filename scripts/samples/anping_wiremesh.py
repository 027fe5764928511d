"""衡水市安平县 × 丝网 (CSV; ``enterprises.csv`` in GB18030 with Chinese headers and one firm name holding a
character outside GBK)."""

from __future__ import annotations

from samples.build.common import QMS, d, pby, zihao_pool
from samples.build.pilot import rename_one
from samples.build.spec import Bench, Prob, Seg, Spec

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
    Seg("wm-wire", "拔丝/线材", "upstream", 1, False,
        {"micro": 8, "small": 6, "medium": 2, "large": 1},
        {"131182": {"micro": 1, "small": 2, "medium": 1}, "131124": {"small": 1}},
        [("安平县{z}拔丝厂", "2", ("micro",), 2), ("安平县{z}金属制品有限公司", "1", None, 3),
         ("河北{z}线材有限公司", "1", ("medium", "large"), 2)],
        {"131182": [("深州市{z}金属制品有限公司", "1", None, 1)], "131124": [("饶阳县{z}线材有限公司", "1", None, 1)]}),
    Seg("wm-galv", "镀锌/表面处理", "upstream", 2, True,
        {"micro": 5, "small": 6, "medium": 2},
        {"131124": {"micro": 1, "small": 2}},
        [("安平县{z}镀锌有限公司", "1", None, 3), ("安平县{z}金属表面处理有限公司", "1", None, 2),
         ("安平县{z}浸塑厂", "2", ("micro",), 1)],
        {"131124": [("饶阳县{z}镀锌有限公司", "1", None, 1)]}),
    Seg("wm-weave", "编织/焊接", "midstream", 3, True,
        {"micro": 20, "small": 11, "medium": 4, "large": 1},
        {}, [("安平县{z}丝网制品有限公司", "1", None, 5), ("安平县{z}五金网业有限公司", "1", None, 3),
             ("安平县{z}电焊网厂", "2", ("micro",), 2), ("河北{z}丝网有限公司", "1", ("medium", "large"), 3)]),
    Seg("wm-deep", "深加工（护栏/过滤）", "midstream", 4, False,
        {"micro": 12, "small": 7, "medium": 3, "large": 1},
        {}, [("安平县{z}护栏网有限公司", "1", None, 4), ("安平县{z}过滤器材有限公司", "1", None, 3),
             ("安平县{z}石笼网有限公司", "1", None, 1), ("河北{z}筛网科技有限公司", "1", ("medium", "large"), 2)]),
    Seg("wm-sales", "检测/销售", "downstream", 5, False,
        {"micro": 12, "small": 5, "medium": 1},
        {"131102": {"micro": 2, "small": 2, "medium": 1}},
        [("安平县{z}丝网贸易有限公司", "1", None, 4), ("安平县{z}网业电子商务有限公司", "1", None, 2),
         ("安平县{z}检测技术服务有限公司", "1", ("small",), 1)],
        {"131102": [("衡水{z}进出口贸易有限公司", "1", None, 1)]},
        sector="wholesale", no_edges_marker="检测技术"),
]

FLOWS = [
    ("wm-wire", "wm-galv", ["低碳钢丝", "冷拔丝"], pby(1, 1, 1, 1), None),
    ("wm-wire", "wm-weave", ["低碳钢丝", "不锈钢丝", "黑丝"], pby(.7, .9, 1, 1), None),
    ("wm-galv", "wm-weave", ["热镀锌丝", "电镀锌丝"], pby(.6, .8, 1, 1), None),
    ("wm-wire", "wm-deep", ["冷拔丝", "盘条"], pby(.3, .4, .6, 1), None),
    ("wm-galv", "wm-deep", ["热镀锌加工", "浸塑加工"], pby(.4, .5, .8, 1), None),
    ("wm-weave", "wm-deep", ["电焊网片", "编织网卷", "轧花网"], pby(.9, .9, 1, 1), None),
    ("wm-weave", "wm-sales", ["编织网", "电焊网", "六角网"], pby(.6, .7, .9, 1), None),
    ("wm-deep", "wm-sales", ["护栏网", "过滤网", "石笼网", "隔离栅"], pby(1, 1, 1, 1), None),
]

PROBLEMS = [
    Prob("WM-P01", "镀锌层厚度不均、锌层重量不足", "technology", "pain", "GB/T 1839-2008", "WM-B01",
         [("wm-galv", .45), ("wm-weave", .08)], {"spot_check": 6, "survey": 2, "complaint": 2}, 3.9, "检验检测"),
    Prob("WM-P02", "丝径偏差超标", "technology", "difficulty", "GB/T 342", "WM-B02",
         [("wm-wire", .35), ("wm-weave", .08)], {"spot_check": 7, "survey": 3}, 3.0, "检验检测"),
    Prob("WM-P03", "网孔尺寸偏差", "technology", "pain", "GB/T 5330-2003", "WM-B03",
         [("wm-weave", .3), ("wm-deep", .15)], {"spot_check": 5, "complaint": 3, "survey": 2}, 3.1, "标准"),
    Prob("WM-P04", "电焊网焊点脱焊", "technology", "pain", "", "",
         [("wm-weave", .2), ("wm-deep", .1)], {"spot_check": 5, "complaint": 5}, 3.2, "检验检测"),
    Prob("WM-P05", "护栏防腐性能不足（盐雾试验不达标）", "technology", "difficulty", "GB/T 10125", "WM-B04",
         [("wm-deep", .25), ("wm-galv", .1)], {"spot_check": 6, "complaint": 4}, 3.8, "检验检测"),
    Prob("WM-P06", "浸塑层附着力差", "technology", "difficulty", "", "",
         [("wm-deep", .15)], {"complaint": 6, "spot_check": 4}, 2.4, "质量管理"),
    Prob("WM-P07", "原材料追溯缺失", "management", "blockage", "GB/T 19001-2016", "",
         [("*", .30)], {"survey": 7, "audit": 3}, 3.0, "质量管理", filter="manuf"),
    Prob("WM-P08", "未建立质量管理体系", "management", "blockage", QMS, "",
         [("*", .28)], {"survey": 1}, 3.0, "认证", filter="noncert"),
    Prob("WM-P09", "产品标识与合格证不规范", "management", "pain", "", "",
         [("wm-weave", .15), ("wm-deep", .2), ("wm-sales", .3)], {"survey": 5, "spot_check": 5}, 2.1, "标准"),
    Prob("WM-P10", "规格缩水（以细充粗）", "management", "pain", "", "",
         [("wm-sales", .2), ("wm-weave", .1)], {"complaint": 8, "spot_check": 2}, 3.9, "质量管理"),
    Prob("WM-P11", "计量器具未按期检定校准", "infrastructure", "pain", "《中华人民共和国计量法》; GB/T 19022-2003", "",
         [("wm-wire", .25), ("wm-galv", .3), ("wm-weave", .2), ("wm-deep", .15)], {"survey": 7, "audit": 3},
         2.2, "计量"),
    Prob("WM-P12", "检测能力不足（缺少网孔、锌层检测设备）", "infrastructure", "blockage", "GB/T 27025-2019", "",
         [("wm-galv", .25), ("wm-weave", .2), ("wm-deep", .2)], {"survey": 1}, 3.0, "检验检测"),
    Prob("WM-P13", "出口目标市场标准与认证能力不足", "infrastructure", "blockage", "", "",
         [("wm-sales", .25), ("wm-deep", .1)], {"survey": 1}, 2.8, "认证"),
    Prob("WM-P14", "钢丝表面划伤、锈蚀", "technology", "difficulty", "GB/T 343-1994", "",
         [("wm-wire", .2)], {"spot_check": 5, "complaint": 5}, 2.3, "质量管理"),
    Prob("WM-P15", "执行企业标准水平低于国家标准", "infrastructure", "difficulty", "", "",
         [("wm-weave", .12), ("wm-deep", .12)], {"survey": 1}, 2.0, "标准"),
    Prob("WM-P16", "隔离栅立柱规格不符", "technology", "pain", "GB/T 26941.1-2011", "",
         [("wm-deep", .12)], {"spot_check": 7, "complaint": 3}, 3.0, "标准"),
    Prob("WM-P17", "过滤网过滤精度不稳定", "technology", "difficulty", "", "",
         [("single", "wm-deep")], {"complaint": 1}, 3.0, "检验检测"),
    Prob("WM-P18", "酸洗工艺参数无记录", "management", "difficulty", "", "",
         [("single", "wm-galv")], {"audit": 1}, 2.0, "质量管理"),
]

BENCHMARKS = [
    Bench("WM-B01", "锌层重量（热镀锌丝 Φ2.5mm）", "g/m²", 230.0, 260.0, True, [("wm-galv", 1.0), ("wm-weave", .12)],
          (90.0, 160.0), (170.0, 265.0), 0),
    Bench("WM-B02", "丝径偏差", "mm", 0.02, 0.01, False, [("wm-wire", 1.0), ("wm-weave", .2)],
          (0.05, 0.09), (0.01, 0.04), 3),
    Bench("WM-B03", "网孔尺寸偏差", "%", 3.0, 2.0, False, [("wm-weave", .5), ("wm-deep", .2)], (5.5, 9.0), (1.5, 4.5)),
    Bench("WM-B04", "中性盐雾试验耐蚀时间", "h", 1000.0, 1500.0, True, [("wm-deep", .4), ("wm-galv", .3)],
          (240.0, 480.0), (600.0, 1500.0), 0, 24.0),
]

NON_GBK_NAME = "安平县𠮷利丝网制品有限公司"
"""One firm name holds 𠮷 (U+20BB7): encodable in GB18030, not in GBK."""


def give_one_firm_the_non_gbk_name(tables: dict) -> None:
    rename_one(tables, "wm-weave", "small", NON_GBK_NAME, "131125")


SPEC = Spec(
    folder="anping-wiremesh", seed=20240502, chain_id="wiremesh", chain_name="丝网",
    industry_code="3340", home="131125", home_name="衡水市安平县", city="131100",
    segs=SEGMENTS, flows=FLOWS, outsourcing=[("wm-weave", "外协编织")],
    leaders=[("wm-wire", "large", "2020-11-06", "河北{z}线材股份有限公司"),
             ("wm-weave", "large", "2020-11-06", "河北{z}丝网集团有限公司"),
             ("wm-deep", "large", "2022-08-19", "河北{z}过滤科技股份有限公司")],
    probs=PROBLEMS, benches=BENCHMARKS, bodies=["CB01", "CB04", "CB05"], zihao=zihao_pool(),
    old_region={"131125": ("131100", d("2016-01-01"), 0.2)},
    secondary=[("wm-weave", "wm-deep", .12), ("wm-deep", "wm-sales", .1), ("wm-galv", "wm-weave", .1)],
    title_zh="衡水市安平县丝网产业链", title_en="Wire-mesh chain of Anping County, Hengshui",
    story_zh=("安平丝网集群：拔丝、镀锌在上游（部分拔丝、镀锌企业在深州市、饶阳县），编织/焊接与镀锌是关键环节，"
              "三家链主分别在线材、编织和深加工环节。共性问题：镀锌层厚度不均集中在镀锌环节（约45%）；"
              "原材料追溯缺失、未建立质量管理体系遍布全链；网孔尺寸偏差集中在编织环节。"),
    story_en=("The Anping wire-mesh cluster: wire drawing and galvanising upstream (some in neighbouring Shenzhou "
              "and Raoyang), weaving/welding and galvanising are the key links, and three designated leaders sit "
              "in wire, weaving and deep processing. Common problems: uneven zinc coating concentrates in "
              "galvanising (about 45% of those firms); missing raw-material traceability and missing QMS run "
              "across the chain; mesh-aperture deviation concentrates in weaving."),
    file_options={"enterprises": dict(zh=True, encoding="gb18030", newline="\r\n")},
    file_notes={
        "enterprises.csv": "GB18030, CRLF, Chinese headers and enum values; one firm name holds 𠮷 (U+20BB7), "
                           "encodable in GB18030 but not in GBK",
    },
    fixups=[give_one_firm_the_non_gbk_name],
)
