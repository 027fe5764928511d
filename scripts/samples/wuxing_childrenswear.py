"""湖州市吴兴区 × 童装 (CSV; ``enterprises.csv`` UTF-8 with BOM and Chinese headers, ``problems.csv``
Chinese headers and enum values)."""

from __future__ import annotations

from samples.build.common import QMS, d, pby, zihao_pool
from samples.build.spec import Bench, Prob, Seg, Spec

# trade names for childrenswear firms ("童装" in the template): drawn 60% of the time
CUTE = ["米乐", "贝嘉", "童趣", "小象", "豆豆", "果果", "米兔", "贝熊", "乐鹿", "豆芽", "喜象", "朵朵", "糖果",
        "小鹿", "彩虹", "萌宝", "星芽", "暖阳", "童梦", "酷熊", "蜜桃", "布丁", "花卷", "小熊", "棉花糖",
        "可可", "贝乐", "乐童", "亲亲", "叮当", "跳跳", "嘟嘟", "团团", "圆圆", "兜兜", "皮皮", "丫丫",
        "悠悠", "麦兜", "呼噜", "咕咚", "小牛", "麦芽", "星星", "月亮", "向日葵", "蒲公英", "小太阳", "橙子",
        "柠檬", "草莓", "樱桃", "蓝莓", "葡萄", "小鱼", "海豚", "企鹅", "考拉", "袋鼠", "松鼠"]


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
    Seg("cw-fabric", "面料辅料", "upstream", 1, False,
        {"micro": 10, "small": 5, "medium": 1, "large": 1},
        {"330503": {"small": 2, "medium": 1}, "330522": {"small": 1, "medium": 1}},
        [("湖州{z}纺织有限公司", "1", None, 3), ("湖州{z}面料有限公司", "1", None, 2),
         ("湖州吴兴{z}服装辅料有限公司", "1", None, 2), ("湖州织里{z}织带有限公司", "1", ("micro", "small"), 1),
         ("湖州织里{z}纽扣拉链有限公司", "1", ("micro", "small"), 1), ("浙江{z}纺织科技有限公司", "1", ("large",), 5)],
        {"330503": [("湖州南浔{z}纺织有限公司", "1", None, 2), ("湖州{z}丝绸有限公司", "1", None, 1)],
         "330522": [("长兴{z}纺织有限公司", "1", None, 2), ("浙江{z}纺织科技有限公司", "1", ("medium", "large"), 1)]}),
    Seg("cw-dyeing", "印染", "upstream", 2, True,
        {"micro": 2, "small": 4, "medium": 2, "large": 1},
        {"330503": {"small": 1}, "330522": {"small": 1, "medium": 1}},
        [("湖州{z}印染有限公司", "1", None, 3), ("湖州吴兴{z}染整有限公司", "1", None, 2),
         ("湖州织里{z}印染有限公司", "1", None, 2)],
        {"330503": [("湖州南浔{z}染整有限公司", "1", None, 1)], "330522": [("长兴{z}印染有限公司", "1", None, 1)]}),
    Seg("cw-design", "设计打版", "midstream", 3, False,
        {"micro": 7, "small": 3},
        {}, [("湖州织里{z}服饰设计有限公司", "1", None, 3), ("湖州{z}童装设计有限公司", "1", None, 2),
             ("湖州市吴兴区织里{z}服装设计工作室", "2", ("micro",), 1)]),
    Seg("cw-embroidery", "绣花印花", "midstream", 4, False,
        {"micro": 14, "small": 5, "medium": 1},
        {}, [("湖州市吴兴区织里{z}绣花厂", "2", ("micro",), 2), ("湖州织里{z}印花有限公司", "1", None, 3),
             ("湖州吴兴{z}绣品有限公司", "1", None, 2), ("湖州织里{z}数码印花有限公司", "1", None, 1)]),
    Seg("cw-sewing", "裁剪缝制", "midstream", 5, True,
        {"micro": 34, "small": 17, "medium": 9, "large": 2},
        {}, [("湖州织里{z}童装有限公司", "1", None, 5), ("湖州织里{z}服饰有限公司", "1", None, 3),
             ("湖州{z}童装有限公司", "1", None, 2), ("湖州市吴兴区织里{z}童装加工厂", "2", ("micro",), 2),
             ("浙江{z}童装有限公司", "1", ("medium", "large"), 3)]),
    Seg("cw-sales", "检测包装/电商销售", "downstream", 6, False,
        {"micro": 15, "small": 6, "medium": 2, "large": 1},
        {}, [("湖州织里{z}电子商务有限公司", "1", None, 5), ("湖州{z}童装贸易有限公司", "1", None, 2),
             ("湖州织里{z}供应链管理有限公司", "1", ("small", "medium", "large"), 1),
             ("湖州{z}检测技术有限公司", "1", ("small",), 1)],
        sector="wholesale", no_edges_marker="检测技术"),
]

FLOWS = [
    ("cw-fabric", "cw-dyeing", ["针织坯布", "梭织坯布", "坯布"], pby(1, 1, 1, 1), None),
    ("cw-fabric", "cw-embroidery", ["绣花线", "烫画膜"], pby(.35, .4, .6, 1), None),
    ("cw-fabric", "cw-sewing", ["纽扣", "拉链", "织带", "里料", "罗纹辅料"], pby(.45, .6, .9, 1), None),
    ("cw-dyeing", "cw-sewing", ["染色面料", "印花面料", "染色针织布"], pby(.6, .8, 1, 1), None),
    ("cw-design", "cw-sewing", ["款式设计", "样衣打版"], pby(.15, .3, .5, .6), None),
    ("cw-embroidery", "cw-sewing", ["绣花加工", "印花加工", "烫钻加工"], pby(.25, .45, .8, 1), None),
    ("cw-sewing", "cw-sales", ["成品童装", "童装套装", "童装外套"], pby(1, 1, 1, 1), None),
]

PROBLEMS = [
    Prob("CW-P01", "色牢度不达标（耐湿摩擦、耐汗渍）", "technology", "pain", "GB 31701-2015; GB/T 3920-2008", "CW-B01",
         [("cw-dyeing", .40), ("cw-fabric", .08)], {"spot_check": 5, "survey": 3, "complaint": 2}, 3.8, "检验检测"),
    Prob("CW-P02", "绳带长度及设置不符合要求", "technology", "pain", "GB/T 22705-2019; GB 31701-2015", "",
         [("cw-sewing", .35), ("cw-design", .2)], {"spot_check": 6, "complaint": 2, "survey": 2}, 4.0, "标准"),
    Prob("CW-P03", "纤维含量标识与实际不符", "technology", "pain", "GB/T 29862-2013", "",
         [("cw-sewing", .15), ("cw-fabric", .12), ("cw-sales", .1)], {"spot_check": 7, "complaint": 3}, 3.0,
         "检验检测"),
    Prob("CW-P04", "使用说明（耐久性标签）标注不规范", "management", "pain", "GB/T 5296.4-2012", "",
         [("cw-sewing", .25), ("cw-sales", .35), ("cw-embroidery", .1)],
         {"survey": 4, "spot_check": 4, "complaint": 2}, 2.2, "标准"),
    Prob("CW-P05", "甲醛含量超标", "technology", "difficulty", "GB 18401-2010; GB/T 2912.1-2009", "CW-B03",
         [("cw-dyeing", .2), ("cw-fabric", .08)], {"spot_check": 8, "complaint": 2}, 4.6, "检验检测"),
    Prob("CW-P06", "pH值不合格", "technology", "difficulty", "GB 18401-2010; GB/T 7573-2009", "",
         [("cw-dyeing", .2), ("cw-fabric", .05)], {"spot_check": 9, "survey": 1}, 3.2, "检验检测"),
    Prob("CW-P07", "附件抗拉强力不足（纽扣、装饰件脱落）", "technology", "pain", "GB 31701-2015; GB/T 22704-2019", "",
         [("cw-sewing", .12), ("cw-fabric", .1)], {"spot_check": 5, "complaint": 5}, 4.2, "检验检测"),
    Prob("CW-P08", "水洗尺寸变化率超标", "technology", "difficulty", "FZ/T 81014-2008", "CW-B04",
         [("cw-sewing", .1), ("cw-fabric", .1)], {"spot_check": 6, "survey": 4}, 2.4, "检验检测"),
    Prob("CW-P09", "号型标注不规范", "management", "difficulty", "GB/T 1335.3-2009", "",
         [("cw-sewing", .1), ("cw-design", .2)], {"survey": 7, "spot_check": 3}, 1.8, "标准"),
    Prob("CW-P10", "批次色差大", "technology", "pain", "GB/T 250-2008", "",
         [("cw-dyeing", .25), ("cw-embroidery", .15)], {"complaint": 5, "survey": 5}, 2.8, "质量管理"),
    Prob("CW-P11", "未建立质量管理体系", "management", "blockage", QMS, "",
         [("*", .30)], {"survey": 1}, 3.0, "认证", filter="noncert"),
    Prob("CW-P12", "原辅料进货检验缺失", "management", "blockage", "GB/T 19001-2016", "",
         [("cw-sewing", .2), ("cw-embroidery", .15), ("cw-sales", .08)], {"survey": 6, "audit": 4}, 3.0,
         "质量管理"),
    Prob("CW-P13", "成品一次检验合格率低", "management", "pain", "", "CW-B02",
         [("cw-sewing", .15)], {"audit": 5, "survey": 5}, 3.0, "质量管理"),
    Prob("CW-P14", "外发加工质量失控", "management", "blockage", "", "",
         [("cw-sewing", .08)], {"survey": 5, "audit": 5}, 3.4, "质量管理", filter="biggish"),
    Prob("CW-P15", "计量器具未按期检定校准", "infrastructure", "pain", "《中华人民共和国计量法》; GB/T 19022-2003", "",
         [("cw-fabric", .2), ("cw-dyeing", .3), ("cw-sewing", .15), ("cw-embroidery", .15)],
         {"survey": 7, "audit": 3}, 2.2, "计量"),
    Prob("CW-P16", "企业内部检测能力不足", "infrastructure", "blockage", "GB/T 27025-2019", "",
         [("cw-dyeing", .3), ("cw-sewing", .12), ("cw-fabric", .1)], {"survey": 1}, 3.1, "检验检测"),
    Prob("CW-P17", "公共检测服务送检周期长", "infrastructure", "blockage", "", "",
         [("*", .08)], {"survey": 1}, 2.3, "检验检测"),
    Prob("CW-P18", "执行标准版本过期", "infrastructure", "difficulty", "GB 18401-2010; GB 31701-2015", "",
         [("cw-sewing", .1), ("cw-sales", .1)], {"survey": 5, "spot_check": 5}, 2.0, "标准"),
    Prob("CW-P19", "电商页面功能宣称不实（如“A类”“抗菌”）", "management", "pain", "GB 31701-2015", "",
         [("cw-sales", .15)], {"complaint": 8, "spot_check": 2}, 3.2, "质量管理"),
    Prob("CW-P20", "数码印花色彩管理缺失", "technology", "difficulty", "", "",
         [("single", "cw-embroidery")], {"survey": 1}, 2.0, "质量管理"),
    Prob("CW-P21", "出口童装重金属（铅）检测缺失", "infrastructure", "difficulty", "", "",
         [("single", "cw-sales")], {"survey": 1}, 3.0, "检验检测"),
]

BENCHMARKS = [
    Bench("CW-B01", "耐湿摩擦色牢度", "级", 4.0, 4.5, True, [("cw-dyeing", 1.0), ("cw-fabric", .3)],
          (2.5, 3.0), (3.5, 4.5), 1, 0.5),
    Bench("CW-B02", "成品一次检验合格率", "%", 98.0, 99.5, True, [("cw-sewing", .45)], (84.0, 93.0), (94.0, 99.6)),
    Bench("CW-B03", "甲醛含量", "mg/kg", 20.0, 16.0, False, [("cw-dyeing", 1.0), ("cw-fabric", .4), ("cw-sewing", .15)],
          (28.0, 90.0), (8.0, 20.0)),
    Bench("CW-B04", "水洗尺寸变化率（绝对值）", "%", 2.0, 1.5, False, [("cw-sewing", .25), ("cw-fabric", .3)],
          (3.1, 5.5), (1.0, 2.9)),
]

SPEC = Spec(
    folder="wuxing-childrenswear", seed=20240501, chain_id="childrenswear", chain_name="童装",
    industry_code="1819", home="330502", home_name="湖州市吴兴区", city="330500",
    segs=SEGMENTS, flows=FLOWS, outsourcing=[("cw-sewing", "外发缝制加工")],
    leaders=[("cw-sewing", "large", "2021-06-18", "浙江{z}服饰股份有限公司"),
             ("cw-dyeing", "large", "2022-03-25", "浙江{z}印染股份有限公司")],
    probs=PROBLEMS, benches=BENCHMARKS, bodies=["CB01", "CB02", "CB03"], zihao=zihao_pool(), cute=CUTE,
    old_region={"330502": ("330500", d("2016-01-01"), 0.25)},
    secondary=[("cw-sewing", "cw-design", .08), ("cw-sewing", "cw-sales", .06), ("cw-embroidery", "cw-sewing", .1)],
    title_zh="湖州市吴兴区童装产业链", title_en="Childrenswear chain of Wuxing District, Huzhou",
    story_zh=("织里镇童装集群：面料辅料与印染在上游（部分印染、面料企业在南浔区、长兴县），裁剪缝制是关键环节，"
              "两家链主（一家品牌童装企业、一家印染企业）是供应网络的枢纽。共性问题：未建立质量管理体系、"
              "使用说明标注不规范遍布全链；绳带安全集中在缝制环节；色牢度问题集中在印染环节（约四成印染企业）；"
              "另有个别企业独有的问题。"),
    story_en=("The Zhili childrenswear cluster: fabric/trims and dyeing upstream (some dyeing and fabric firms sit "
              "in neighbouring Nanxun District and Changxing County), cut-and-sew is the key link, and two "
              "designated leaders (a branded garment maker and a dye house) are the hubs of the supply network. "
              "Common problems: missing quality-management systems and non-compliant care labels run across the "
              "chain; drawstring safety concentrates in sewing; colour fastness concentrates in dyeing (about 40% "
              "of dye houses); a few problems belong to a single firm."),
    file_options={"enterprises": dict(zh=True, encoding="utf-8-sig", newline="\r\n"), "problems": dict(zh=True)},
    file_notes={
        "enterprises.csv": "UTF-8 with BOM, CRLF, Chinese headers (统一社会信用代码, 企业名称 …), Chinese enum values (微型 …, 是/否)",
        "problems.csv": "Chinese headers and Chinese enum values (质量技术, 难点 …)",
    },
)
