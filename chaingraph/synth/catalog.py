"""The fixed catalogue of the synthetic generator: chains and their segments, the 60 problems, benchmark metrics,
name parts, enum codes with their probabilities, province weights and the calendar of the draws.

Example
-------
>>> from chaingraph.synth.catalog import CHAINS, PROBLEMS
>>> len(CHAINS), len(PROBLEMS), CHAINS[0].name
(16, 60, '童装')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# ---------------------------------------------------------------------------
# Catalogue: chains, segments, problems, benchmarks
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainSpec:
    """One industry chain of the catalogue.

    Attributes
    ----------
    id, name, industry_code : str
        Chain id (slug), Chinese name and GB/T 4754 class.
    segments : tuple of (name, stage)
        Segments in flow order, upstream first; stage ``u`` / ``m`` / ``d``.
    key_links : tuple of int
        Positions (0-based) of the key links (关键环节).
    word : str
        Product word used in firm names.
    """

    id: str
    name: str
    industry_code: str
    segments: tuple[tuple[str, str], ...]
    key_links: tuple[int, ...]
    word: str


CHAINS: tuple[ChainSpec, ...] = (
    ChainSpec("childrenswear", "童装", "C1810",
              (("面料织造", "u"), ("辅料配件", "u"), ("印染整理", "m"), ("裁剪缝制", "m"), ("品牌设计", "d"),
               ("电商销售", "d")), (2, 3), "服饰"),
    ChainSpec("wiremesh", "丝网", "C3340",
              (("线材拉丝", "u"), ("织网", "m"), ("深加工", "m"), ("检测销售", "d")), (1,), "丝网"),
    ChainSpec("umbrella", "伞业", "C2439",
              (("伞骨", "u"), ("伞布", "u"), ("伞件", "m"), ("组装", "m"), ("品牌销售", "d")), (0, 3), "伞业"),
    ChainSpec("bearing", "轴承", "C3451",
              (("轴承钢材", "u"), ("锻造", "u"), ("车加工", "m"), ("热处理", "m"), ("磨加工", "m"), ("装配", "d"),
               ("检测", "d")), (3, 4), "轴承"),
    ChainSpec("valve", "阀门", "C3443",
              (("铸件", "u"), ("机加工", "m"), ("密封件", "m"), ("装配", "d"), ("试压检测", "d")), (0, 2), "阀门"),
    ChainSpec("furniture", "家具", "C2110",
              (("板材", "u"), ("五金配件", "u"), ("开料封边", "m"), ("涂装", "m"), ("组装", "d"), ("家居销售", "d")),
              (3,), "家具"),
    ChainSpec("ceramics", "陶瓷", "C3071",
              (("原料", "u"), ("釉料", "u"), ("成型", "m"), ("烧成", "m"), ("检验包装", "d")), (3,), "陶瓷"),
    ChainSpec("tea", "茶叶", "C1530",
              (("茶园种植", "u"), ("初制加工", "m"), ("精制拼配", "m"), ("包装", "d"), ("茶叶销售", "d")), (1, 2), "茶业"),
    ChainSpec("lighting", "照明灯具", "C3872",
              (("LED芯片", "u"), ("驱动电源", "u"), ("灯具结构件", "m"), ("组装", "m"), ("检测", "d")), (1,), "照明"),
    ChainSpec("autoparts", "汽车零部件", "C3670",
              (("原材料", "u"), ("铸锻件", "u"), ("机加工", "m"), ("表面处理", "m"), ("总成装配", "d"),
               ("主机配套", "d")), (1, 4), "汽配"),
    ChainSpec("kitchenware", "不锈钢厨具", "C3381",
              (("不锈钢板材", "u"), ("冲压拉伸", "m"), ("抛光", "m"), ("组装", "d"), ("厨具销售", "d")), (1,), "厨具"),
    ChainSpec("pump", "水泵", "C3441",
              (("电机", "u"), ("泵体铸件", "u"), ("机加工", "m"), ("装配", "m"), ("性能测试", "d")), (0, 4), "泵业"),
    ChainSpec("hosiery", "袜业", "C1761",
              (("纱线", "u"), ("织袜", "m"), ("定型", "m"), ("包装", "d"), ("电商", "d")), (1,), "袜业"),
    ChainSpec("eyewear", "眼镜", "C3587",
              (("镜架材料", "u"), ("镜片", "u"), ("加工", "m"), ("装配", "d")), (1,), "眼镜"),
    ChainSpec("appliance", "小家电", "C3854",
              (("塑料件", "u"), ("电机", "u"), ("电路板", "m"), ("总装", "m"), ("检测认证", "d"), ("家电销售", "d")),
              (2, 3), "电器"),
    ChainSpec("toys", "玩具", "C2451",
              (("塑料原料", "u"), ("注塑", "m"), ("喷涂", "m"), ("组装", "d"), ("包装", "d")), (1,), "玩具"),
)
"""The chain catalogue (16 chains, 4–7 segments each)."""

_STAGE = {"u": "upstream", "m": "midstream", "d": "downstream"}

PROBLEMS: tuple[tuple[str, str], ...] = tuple(
    [(n, "technology") for n in (
        "原材料质量不稳定", "关键工艺参数控制不严", "产品一致性差", "尺寸精度不达标", "表面缺陷率高", "色牢度不达标",
        "强度与耐久性不足", "有害物质超标", "标识标签不规范", "包装防护不足", "热处理工艺不稳定", "焊接质量缺陷",
        "密封性能不达标", "电气安全不达标", "能效偏低", "噪声振动超标", "外观瑕疵多", "装配精度不足",
        "可靠性试验缺失", "新材料应用能力弱")]
    + [(n, "management") for n in (
        "质量管理体系未有效运行", "进货检验缺失", "过程检验记录不全", "不合格品控制不严", "质量追溯体系缺失",
        "供应商管理薄弱", "质量目标未量化", "质量成本未统计", "员工质量培训不足", "首件检验未执行",
        "设备维护保养不到位", "文件控制混乱", "客户投诉处理不及时", "内部审核流于形式", "管理评审缺失",
        "变更管理缺失", "质量数据未分析", "质量责任不清", "现场管理混乱", "售后质量信息未反馈")]
    + [(n, "infrastructure") for n in (
        "计量器具未检定校准", "缺乏检验检测设备", "检测能力不足需外送", "企业标准缺失", "执行标准过期",
        "未参与标准制定", "未获产品认证", "认证证书过期", "检测周期长成本高", "缺少公共检测服务平台",
        "计量溯源链不完整", "实验室管理不规范", "缺乏标准化人才", "认证咨询服务不足", "团体标准采用率低",
        "国际标准转化滞后", "检测数据互认不足", "质量信用记录缺失", "品牌认证缺失", "知识产权保护薄弱")]
)
"""The 60 problems: (name, category)."""

_STANDARD_REFS = {
    "technology": ("GB/T 2828.1-2012", "GB/T 19001-2016 8.5.1", "GB 18401-2010", "GB/T 4857.2-2005",
                   "GB 4706.1-2005", "GB/T 307.1-2017"),
    "management": ("GB/T 19001-2016 8.4", "GB/T 19001-2016 8.7", "GB/T 19001-2016 9.2", "GB/T 19001-2016 7.2",
                   "GB/T 19001-2016 8.5.2", "GB/T 19004-2020"),
    "infrastructure": ("JJF 1033-2023", "GB/T 27025-2019", "GB/T 1.1-2020", "GB/T 27065-2015",
                       "JJF 1069-2012", "GB/T 20000.1-2014"),
}

# metric, unit, domestic advanced, international advanced, higher is better, spread
_GENERAL_METRICS = (
    ("产品监督抽查合格率", "%", 97.5, 99.2, True, 4.0),
    ("客户投诉率", "‰", 1.2, 0.5, False, 1.5),
    ("质量损失率", "%", 1.5, 0.8, False, 1.2),
    ("计量器具受检率", "%", 98.0, 99.5, True, 6.0),
)
_CHAIN_METRICS = (
    ("一次交验合格率", "%", 98.0, 99.5, True, 3.0),
    ("过程能力指数CPK", "", 1.33, 1.67, True, 0.3),
    ("不良品率", "%", 0.8, 0.3, False, 1.0),
    ("平均无故障时间", "h", 8000.0, 12000.0, True, 2500.0),
    ("交付准时率", "%", 96.0, 98.5, True, 5.0),
)

_BRAND = ("恒达鑫盛华泰宏源丰瑞诚信兴隆昌福祥和嘉佳美伟新天元金利永通宇康安宁顺博创亿汇德正东方海星光明辉"
          "晨旭锦绣雅雪晶蓝凯豪尚品优汇聚锐志远航飞腾龙凤腾达庆茂荣祺")
_SUFFIX = ("有限公司", "有限公司", "有限公司", "有限责任公司", "制品厂", "科技有限公司", "实业有限公司", "股份有限公司")
_CERT_STANDARDS = (
    ("GB/T 19001-2016/ISO 9001:2015", "Q"), ("GB/T 24001-2016/ISO 14001:2015", "E"),
    ("GB/T 45001-2020/ISO 45001:2018", "S"), ("CQC自愿性产品认证", "P"), ("CCC强制性产品认证", "C"),
)
_DIMENSIONS = ("体系认证", "标准制修订", "计量校准", "检验检测", "质量管理咨询", "品牌培育")
_OUTCOME = ("", "已制定整改方案，正在落实", "问题已整改，复核通过")

# enum codes
_SIZES = ("micro", "small", "medium", "large")
_SIZE_P = (0.70, 0.22, 0.065, 0.015)
_SOURCES = ("survey", "audit", "spot_check", "complaint")
_SOURCE_P = (0.45, 0.22, 0.21, 0.12)
_STATUS = ("open", "improving", "resolved")
_KINDS = ("difficulty", "pain", "blockage")

# supply edges: kind of link (upstream, same segment, skip one, reverse, other chain) and locality
_LINK_P = (0.78, 0.09, 0.05, 0.05, 0.03)
_LEVEL_P = (0.50, 0.22, 0.18, 0.10)  # same county, city, province, anywhere

_PROVINCE_WEIGHT = {
    "32": 4.0, "33": 4.5, "35": 3.0, "37": 3.0, "44": 4.5, "13": 1.8, "41": 1.8, "42": 1.5, "43": 1.4, "34": 1.6,
    "36": 1.3, "51": 1.4, "50": 1.2, "31": 1.5, "12": 1.2, "11": 1.0, "21": 1.0, "61": 0.9, "14": 0.8, "45": 0.9,
    "53": 0.6, "52": 0.6, "22": 0.6, "23": 0.6, "15": 0.5, "62": 0.4, "46": 0.4, "64": 0.3, "65": 0.3, "63": 0.2,
    "54": 0.1,
}

_EPOCH = np.datetime64("1970-01-01", "D")


def _day(text: str) -> int:
    return int((np.datetime64(text, "D") - _EPOCH).astype(np.int64))


_OBS_FIRST, _OBS_LAST = _day("2021-01-01"), _day("2024-12-31")
_ASSIST_LAST = _day("2025-06-30")
_MA_SINCE = _day("2015-10-01")  # organisation bodies of firms registered since then start with "MA"
