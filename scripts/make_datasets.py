#!/usr/bin/env python3
"""Generate chaingraph's demonstration datasets (合成数据，仅供演示 / synthetic, for demonstration).

Deterministic: every dataset has its own ``random.Random(seed)``; no clock, no
network, no iteration over sets. Running the script twice gives byte-identical
files (XLSX zip entries get fixed timestamps).

Datasets written under ``datasets/``:

* ``wuxing-childrenswear``  湖州市吴兴区 × 童装 (CSV; ``enterprises.csv`` UTF-8 with BOM and
  Chinese headers, ``problems.csv`` Chinese headers and enum values)
* ``anping-wiremesh``       衡水市安平县 × 丝网 (CSV; ``enterprises.csv`` in GB18030 with
  Chinese headers and one firm name holding a character outside GBK)
* ``shangyu-umbrella``      绍兴市上虞区 × 伞业 (CSV)
* ``shangyu-umbrella-xlsx`` the same data as one workbook ``伞业数据.xlsx``, Chinese sheet
  names, Chinese headers and enum values
* ``defects``               ~10 firms with one or more planted defects per reason code,
  ``expected.csv`` listing each
* ``defects-missing-table`` the one defect that cannot share a folder with the others
  (a required table missing)

Usage::

    python scripts/make_datasets.py            # write all datasets, check them, print the story
    python scripts/make_datasets.py --check    # only check what is on disk
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import importlib.util
import io
import math
import random
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "datasets"


def _load(name: str):
    """Import ``chaingraph.<name>``; if the package cannot be imported as a whole (it is being
    worked on), load the single module from its file (model.py and codes.py import nothing of
    the package)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module(f"chaingraph.{name}")
    except Exception:  # noqa: BLE001 - fall back to the file itself
        spec = importlib.util.spec_from_file_location(f"_cg_{name}", ROOT / "chaingraph" / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod


model = _load("model")
TABLES = model.TABLES
ENUM_ZH = model.ENUM_ZH

# ---------------------------------------------------------------------------
# Credit codes (GB 32100-2015 / GB 11714)
# ---------------------------------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = tuple(3**i % 31 for i in range(17))
_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_check_char(body8: str) -> str:
    c = 11 - sum(_org_value(ch) * w for ch, w in zip(body8, _ORG_W, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check_char(body17: str) -> str:
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(body17, _USCC_W, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def _local_make_uscc(region: str, org_body: str, authority: str = "9", entity_type: str = "1") -> str:
    body17 = f"{authority}{entity_type}{region}{org_body}{org_check_char(org_body)}"
    return body17 + uscc_check_char(body17)


try:
    _codes = _load("codes")
    _codes_make_uscc = _codes.make_uscc
except Exception:  # noqa: BLE001 - codes.py not there yet: the local copy is used
    _codes_make_uscc = None


def make_uscc(region: str, org_body: str, authority: str = "9", entity_type: str = "1") -> str:
    """chaingraph.ingest.codes.make_uscc, cross-checked against an independent implementation."""
    mine = _local_make_uscc(region, org_body, authority, entity_type)
    if _codes_make_uscc is not None:
        theirs = _codes_make_uscc(region, org_body, authority=authority, entity_type=entity_type)
        if theirs != mine:
            raise AssertionError(f"codes.make_uscc({region}, {org_body}) = {theirs}, expected {mine}")
    return mine


def org_check_ok(code: str) -> bool:
    return code[16] == org_check_char(code[8:16])


# ---------------------------------------------------------------------------
# GB/T 2260 from python-stdnum's loc.dat: code -> (name, current?)
# ---------------------------------------------------------------------------


def load_locdat() -> dict[str, tuple[str, bool]]:
    import stdnum.cn

    path = Path(stdnum.cn.__file__).with_name("loc.dat")
    out: dict[str, tuple[str, bool]] = {}
    prov = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^(\d{2}) province=\"(.*)\"", line)
        if m:
            prov = m.group(1)
            out[prov + "0000"] = (m.group(2), True)
            continue
        m = re.match(r"^\s+(\d{4}) county=\"(.*)\"", line)
        if not m:
            continue
        code, text = prov + m.group(1), m.group(2)
        periods = re.findall(r"\[(\d*)-(\d*)\]([^,]+)", text)
        if not periods:
            out[code] = (text, True)
        else:
            end, name = periods[-1][1], periods[-1][2]
            out[code] = (name, end == "")
    return out


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

SNAPSHOT = dt.date(2024, 12, 31)
"""The day the analysts' workbook was last updated."""


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def rdate(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    if b < a:
        b = a
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


def add_years(x: dt.date, n: int) -> dt.date:
    try:
        return x.replace(year=x.year + n)
    except ValueError:  # 29 February
        return x.replace(year=x.year + n, day=28)


def fmt_num(v: float | int | None, decimals: int = 1) -> str:
    if v is None:
        return ""
    if isinstance(v, int):
        return str(v)
    s = f"{v:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def wsample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """Weighted sample without replacement (Efraimidis–Spirakis), deterministic for a given rng."""
    k = min(k, len(items))
    keyed = [(rng.random() ** (1.0 / w) if w > 0 else 0.0, i) for i, w in enumerate(weights)]
    keyed.sort(key=lambda t: (-t[0], t[1]))
    return [items[i] for _, i in keyed[:k]]


def wchoice(rng: random.Random, options: dict):
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys], k=1)[0]


SIZES = ("micro", "small", "medium", "large")

# Size thresholds (工信部联企业〔2011〕300号): industry vs wholesale. (employees range, revenue range 万元)
SIZE_RANGES = {
    "industry": {"micro": ((3, 19), (30, 290)), "small": ((20, 299), (300, 1990)),
                 "medium": ((300, 999), (2000, 36000)), "large": ((1000, 2600), (40000, 118000))},
    "wholesale": {"micro": ((2, 9), (60, 980)), "small": ((5, 19), (1000, 4900)),
                  "medium": ((20, 199), (5000, 36000)), "large": ((200, 520), (40000, 96000))},
}
FOUNDED_RANGE = {"micro": (d("2009-01-01"), d("2023-10-31")), "small": (d("2003-01-01"), d("2021-12-31")),
                 "medium": (d("1997-01-01"), d("2015-12-31")), "large": (d("1992-01-01"), d("2008-12-31"))}
QMS_RATE = {"micro": 0.10, "small": 0.33, "medium": 0.70, "large": 1.0}

# Organisation-code bodies issued before the 2015 credit-code reform look like these prefixes.
OLD_ORG_PREFIX = [
    (1999, ("14", "70", "71", "72")), (2004, ("72", "73", "74", "75")),
    (2009, ("76", "77", "78", "79", "66", "67")), (2016, ("68", "69", "05", "06", "07", "08", "09", "55", "56", "57", "58")),
]
_ALNUM = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# ---------------------------------------------------------------------------
# Specifications of the pilot datasets
# ---------------------------------------------------------------------------


@dataclass
class Seg:
    id: str
    name: str
    stage: str
    order: int
    key_link: bool
    counts: dict[str, int]  # home county: size -> n
    neighbours: dict[str, dict[str, int]] = field(default_factory=dict)  # region -> size -> n
    templates: list = field(default_factory=list)  # (template, entity_type, sizes or None, weight)
    nb_templates: dict[str, list] = field(default_factory=dict)  # region -> templates
    sector: str = "industry"
    no_edges_marker: str = ""  # firms whose name holds this take part in no supply (testing services)


@dataclass
class Prob:
    id: str
    name: str
    category: str
    kind: str
    standard_ref: str
    benchmark_id: str
    scope: list  # [(segment id or "*", share)] or [("single", segment id)]
    sources: dict
    severity: float
    dimension: str
    filter: str = ""  # "", "noncert", "manuf", "biggish"


@dataclass
class Bench:
    id: str
    metric: str
    unit: str
    dom: float
    intl: float
    hib: bool
    measure: list  # [(segment id, share)]
    bad: tuple
    good: tuple
    decimals: int = 1
    step: float = 0.0


@dataclass
class Spec:
    folder: str
    seed: int
    chain_id: str
    chain_name: str
    industry_code: str
    home: str
    home_name: str
    city: str
    segs: list
    flows: list  # (src, dst, products, p by size, k by size)
    outsourcing: list  # (segment, product)
    leaders: list  # (segment, size, since, name template)
    probs: list
    benches: list
    bodies: list
    zihao: list
    cute: list = field(default_factory=list)
    old_region: dict = field(default_factory=dict)  # region -> (older code, founded before, share)
    secondary: list = field(default_factory=list)  # (primary seg, secondary seg, share)
    title_zh: str = ""
    title_en: str = ""
    story_zh: str = ""
    story_en: str = ""


# Certification bodies: one registry for every dataset (ids synthetic, names illustrative).
CERT_BODIES = {
    "CB01": ("中国质量认证中心", "001"),
    "CB02": ("浙江公正检验中心有限公司", "136"),
    "CB03": ("杭州万泰认证有限公司", "142"),
    "CB04": ("方圆标志认证集团有限公司", "002"),
    "CB05": ("中联认证中心（北京）有限公司", "019"),
}

QMS = "GB/T 19001-2016/ISO 9001:2015"
EMS = "GB/T 24001-2016/ISO 14001:2015"
OHS = "GB/T 45001-2020/ISO 45001:2018"

ZIHAO_GENERAL = list("金华欣贝乐美佳宏鑫盛瑞嘉康优安晨博豪凯振永恒丰森新天宇鸿蓝锦润雅祥泰隆昌裕达诚顺源兴旺立信和远航")
ZIHAO_SECOND = list("帆达洋源润诚泰翔海盛兴瑞丰宇隆晟昊宸腾鼎越峰琪悦雅韵迪凯")
CUTE = ["米乐", "贝嘉", "童趣", "小象", "豆豆", "果果", "米兔", "贝熊", "乐鹿", "豆芽", "喜象", "朵朵", "糖果",
        "小鹿", "彩虹", "萌宝", "星芽", "暖阳", "童梦", "酷熊", "蜜桃", "布丁", "花卷", "小熊", "棉花糖",
        "可可", "贝乐", "乐童", "亲亲", "叮当", "跳跳", "嘟嘟", "团团", "圆圆", "兜兜", "皮皮", "丫丫",
        "悠悠", "麦兜", "呼噜", "咕咚", "小牛", "麦芽", "星星", "月亮", "向日葵", "蒲公英", "小太阳", "橙子",
        "柠檬", "草莓", "樱桃", "蓝莓", "葡萄", "小鱼", "海豚", "企鹅", "考拉", "袋鼠", "松鼠"]


def _zihao_pool() -> list[str]:
    return [a + b for a in ZIHAO_GENERAL for b in ZIHAO_SECOND if a != b]


P = {"micro": 0.0, "small": 0.0, "medium": 0.0, "large": 0.0}


def pby(micro, small, medium, large):
    return {"micro": micro, "small": small, "medium": medium, "large": large}


K_DEFAULT = {"micro": (1, 1), "small": (1, 2), "medium": (2, 3), "large": (3, 5)}


def spec_wuxing() -> Spec:
    segs = [
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
    flows = [
        ("cw-fabric", "cw-dyeing", ["针织坯布", "梭织坯布", "坯布"], pby(1, 1, 1, 1), None),
        ("cw-fabric", "cw-embroidery", ["绣花线", "烫画膜"], pby(.35, .4, .6, 1), None),
        ("cw-fabric", "cw-sewing", ["纽扣", "拉链", "织带", "里料", "罗纹辅料"], pby(.45, .6, .9, 1), None),
        ("cw-dyeing", "cw-sewing", ["染色面料", "印花面料", "染色针织布"], pby(.6, .8, 1, 1), None),
        ("cw-design", "cw-sewing", ["款式设计", "样衣打版"], pby(.15, .3, .5, .6), None),
        ("cw-embroidery", "cw-sewing", ["绣花加工", "印花加工", "烫钻加工"], pby(.25, .45, .8, 1), None),
        ("cw-sewing", "cw-sales", ["成品童装", "童装套装", "童装外套"], pby(1, 1, 1, 1), None),
    ]
    probs = [
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
    benches = [
        Bench("CW-B01", "耐湿摩擦色牢度", "级", 4.0, 4.5, True, [("cw-dyeing", 1.0), ("cw-fabric", .3)],
              (2.5, 3.0), (3.5, 4.5), 1, 0.5),
        Bench("CW-B02", "成品一次检验合格率", "%", 98.0, 99.5, True, [("cw-sewing", .45)], (84.0, 93.0), (94.0, 99.6)),
        Bench("CW-B03", "甲醛含量", "mg/kg", 20.0, 16.0, False, [("cw-dyeing", 1.0), ("cw-fabric", .4), ("cw-sewing", .15)],
              (28.0, 90.0), (8.0, 20.0)),
        Bench("CW-B04", "水洗尺寸变化率（绝对值）", "%", 2.0, 1.5, False, [("cw-sewing", .25), ("cw-fabric", .3)],
              (3.1, 5.5), (1.0, 2.9)),
    ]
    return Spec(
        folder="wuxing-childrenswear", seed=20240501, chain_id="childrenswear", chain_name="童装",
        industry_code="1819", home="330502", home_name="湖州市吴兴区", city="330500",
        segs=segs, flows=flows, outsourcing=[("cw-sewing", "外发缝制加工")],
        leaders=[("cw-sewing", "large", "2021-06-18", "浙江{z}服饰股份有限公司"),
                 ("cw-dyeing", "large", "2022-03-25", "浙江{z}印染股份有限公司")],
        probs=probs, benches=benches, bodies=["CB01", "CB02", "CB03"], zihao=_zihao_pool(), cute=CUTE,
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
    )


def spec_anping() -> Spec:
    segs = [
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
    flows = [
        ("wm-wire", "wm-galv", ["低碳钢丝", "冷拔丝"], pby(1, 1, 1, 1), None),
        ("wm-wire", "wm-weave", ["低碳钢丝", "不锈钢丝", "黑丝"], pby(.7, .9, 1, 1), None),
        ("wm-galv", "wm-weave", ["热镀锌丝", "电镀锌丝"], pby(.6, .8, 1, 1), None),
        ("wm-wire", "wm-deep", ["冷拔丝", "盘条"], pby(.3, .4, .6, 1), None),
        ("wm-galv", "wm-deep", ["热镀锌加工", "浸塑加工"], pby(.4, .5, .8, 1), None),
        ("wm-weave", "wm-deep", ["电焊网片", "编织网卷", "轧花网"], pby(.9, .9, 1, 1), None),
        ("wm-weave", "wm-sales", ["编织网", "电焊网", "六角网"], pby(.6, .7, .9, 1), None),
        ("wm-deep", "wm-sales", ["护栏网", "过滤网", "石笼网", "隔离栅"], pby(1, 1, 1, 1), None),
    ]
    probs = [
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
    benches = [
        Bench("WM-B01", "锌层重量（热镀锌丝 Φ2.5mm）", "g/m²", 230.0, 260.0, True, [("wm-galv", 1.0), ("wm-weave", .12)],
              (90.0, 160.0), (170.0, 265.0), 0),
        Bench("WM-B02", "丝径偏差", "mm", 0.02, 0.01, False, [("wm-wire", 1.0), ("wm-weave", .2)],
              (0.05, 0.09), (0.01, 0.04), 3),
        Bench("WM-B03", "网孔尺寸偏差", "%", 3.0, 2.0, False, [("wm-weave", .5), ("wm-deep", .2)], (5.5, 9.0), (1.5, 4.5)),
        Bench("WM-B04", "中性盐雾试验耐蚀时间", "h", 1000.0, 1500.0, True, [("wm-deep", .4), ("wm-galv", .3)],
              (240.0, 480.0), (600.0, 1500.0), 0, 24.0),
    ]
    return Spec(
        folder="anping-wiremesh", seed=20240502, chain_id="wiremesh", chain_name="丝网",
        industry_code="3340", home="131125", home_name="衡水市安平县", city="131100",
        segs=segs, flows=flows, outsourcing=[("wm-weave", "外协编织")],
        leaders=[("wm-wire", "large", "2020-11-06", "河北{z}线材股份有限公司"),
                 ("wm-weave", "large", "2020-11-06", "河北{z}丝网集团有限公司"),
                 ("wm-deep", "large", "2022-08-19", "河北{z}过滤科技股份有限公司")],
        probs=probs, benches=benches, bodies=["CB01", "CB04", "CB05"], zihao=_zihao_pool(),
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
    )


def spec_shangyu() -> Spec:
    segs = [
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
    flows = [
        ("ub-ribs", "ub-assembly", ["伞骨", "伞架", "中棒", "伞头伞珠配件"], pby(1, 1, 1, 1), None),
        ("ub-fabric", "ub-assembly", ["涤纶伞布", "银胶涂层布", "黑胶涂层布", "碰击布"], pby(1, 1, 1, 1), None),
        ("ub-assembly", "ub-sales", ["晴雨伞", "折叠伞", "直杆伞", "自动伞", "广告伞"], pby(1, 1, 1, 1), None),
    ]
    probs = [
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
    benches = [
        Bench("UB-B01", "UVA透射比 T(UVA)AV", "%", 3.0, 1.0, False, [("ub-fabric", 1.0), ("ub-assembly", .3)],
              (5.5, 15.0), (0.5, 4.8)),
        Bench("UB-B02", "静水压", "kPa", 20.0, 30.0, True, [("ub-fabric", 1.0)], (4.0, 9.5), (10.0, 32.0)),
        Bench("UB-B03", "抗风性能（风洞试验风速）", "m/s", 13.8, 17.2, True, [("ub-assembly", .5), ("ub-ribs", .5)],
              (8.0, 10.7), (10.8, 18.0)),
        Bench("UB-B04", "成品一次检验合格率", "%", 98.0, 99.5, True, [("ub-assembly", .4)], (86.0, 93.5), (94.0, 99.7)),
    ]
    return Spec(
        folder="shangyu-umbrella", seed=20240503, chain_id="umbrella", chain_name="伞业",
        industry_code="", home="330604", home_name="绍兴市上虞区", city="330600",
        segs=segs, flows=flows, outsourcing=[("ub-assembly", "外发组装"), ("ub-fabric", "坯布涂层加工")],
        leaders=[("ub-assembly", "large", "2021-09-10", "浙江{z}伞业股份有限公司"),
                 ("ub-assembly", "large", "2023-04-20", "浙江{z}雨具集团有限公司")],
        probs=probs, benches=benches, bodies=["CB01", "CB02"], zihao=_zihao_pool(),
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
    )


# ---------------------------------------------------------------------------
# Building a pilot dataset
# ---------------------------------------------------------------------------


@dataclass
class Firm:
    uscc: str
    name: str
    region: str
    seg: str
    size: str
    employees: int | None
    revenue: float | None
    founded: dt.date | None
    qms: bool
    leader: bool = False
    no_edges: bool = False
    certs: list = field(default_factory=list)


def _employees_revenue(rng: random.Random, sector: str, size: str) -> tuple[int, float]:
    (elo, ehi), (rlo, rhi) = SIZE_RANGES[sector][size]
    # log-uniform, skewed towards the lower end of the class
    q = rng.random() ** 1.6
    emp = int(round(math.exp(math.log(elo) + q * (math.log(ehi) - math.log(elo)))))
    qr = min(1.0, max(0.0, 0.7 * q + 0.3 * rng.random()))
    rev = math.exp(math.log(rlo) + qr * (math.log(rhi) - math.log(rlo)))
    rev = round(rev, 1) if rev < 10000 else float(round(rev))
    return max(elo, min(ehi, emp)), max(rlo, min(rhi, rev))


def _org_body(rng: random.Random, founded: dt.date) -> str:
    if founded >= d("2015-10-01"):
        return "MA" + rng.choice("0123456789") + "".join(rng.choice(_ALNUM) for _ in range(5))
    for year, prefixes in OLD_ORG_PREFIX:
        if founded.year <= year:
            return rng.choice(prefixes) + "".join(rng.choice("0123456789") for _ in range(6))
    raise AssertionError


def build_pilot(spec: Spec) -> dict:
    rng = random.Random(spec.seed)
    zihao = list(spec.zihao)
    rng.shuffle(zihao)
    cute = list(spec.cute)
    rng.shuffle(cute)
    used_names: set[str] = set()
    used_codes: set[str] = set()
    firms: list[Firm] = []

    def new_name(templates, size, leader_template=None):
        if leader_template:
            options = [(leader_template, "1")]
        else:
            options = [(t, et) for t, et, sizes, w in templates if sizes is None or size in sizes
                       for _ in range(w)]
        for _ in range(1000):
            t, et = rng.choice(options)
            pool = cute if (cute and "童装" in t and rng.random() < 0.6) else zihao
            z = pool.pop() if pool else zihao.pop()
            name = t.format(z=z)
            if name not in used_names:
                used_names.add(name)
                return name, et
        raise AssertionError("ran out of names")

    leader_for = {}  # (seg, size) -> list of leader templates
    for seg_id, size, since, tmpl in spec.leaders:
        leader_for.setdefault((seg_id, size), []).append((since, tmpl))

    for seg in spec.segs:
        placements = [(spec.home, seg.counts, seg.templates)]
        for reg, counts in seg.neighbours.items():
            placements.append((reg, counts, seg.nb_templates.get(reg, seg.templates)))
        for region, counts, templates in placements:
            for size in SIZES:
                for _i in range(counts.get(size, 0)):
                    leader = None
                    if region == spec.home and leader_for.get((seg.id, size)):
                        leader = leader_for[(seg.id, size)].pop(0)
                    name, et = new_name(templates, size, leader[1] if leader else None)
                    emp, rev = _employees_revenue(rng, seg.sector, size)
                    lo, hi = FOUNDED_RANGE[size]
                    if leader:
                        hi = d("2005-12-31")
                    # micro firms skew recent
                    if size == "micro":
                        founded = rdate(rng, lo, hi) if rng.random() < 0.4 else rdate(rng, d("2016-01-01"), hi)
                    else:
                        founded = rdate(rng, lo, hi)
                    qms = rng.random() < QMS_RATE[size] and founded < d("2023-06-01")
                    if leader:
                        qms = True
                    if et == "2":
                        qms = False
                    # credit code: region part = county code or an older / city-level code
                    creg = region
                    if region in spec.old_region:
                        old, before, share = spec.old_region[region]
                        if founded < before and rng.random() < share:
                            creg = old
                    for _ in range(100):
                        code = make_uscc(creg, _org_body(rng, founded), "9", et)
                        if code not in used_codes:
                            break
                    used_codes.add(code)
                    f = Firm(code, name, region, seg.id, size, emp, rev, founded, qms, leader=bool(leader),
                             no_edges=bool(seg.no_edges_marker and seg.no_edges_marker in name))
                    if leader:
                        f.leader_since = leader[0]  # type: ignore[attr-defined]
                    firms.append(f)

    # ledgers are grouped by segment, but not sorted by size or county within a segment
    grouped: list[Firm] = []
    for seg in spec.segs:
        part = [f for f in firms if f.seg == seg.id]
        rng.shuffle(part)
        grouped += part
    firms = grouped

    # a few honest gaps: blank employees / revenue / founded for micro firms
    micro = [f for f in firms if f.size == "micro" and not f.leader]
    for f in wsample(rng, micro, [1.0] * len(micro), 3):
        f.employees = None
    for f in wsample(rng, micro, [1.0] * len(micro), 2):
        f.revenue = None
    for f in wsample(rng, micro, [1.0] * len(micro), 1):
        f.founded = None

    by_seg: dict[str, list[Firm]] = {s.id: [f for f in firms if f.seg == s.id] for s in spec.segs}
    seg_of = {s.id: s for s in spec.segs}

    # ---- supplies -----------------------------------------------------------------
    size_w = {"micro": 1.0, "small": 2.0, "medium": 4.0, "large": 7.0}
    edges: dict[tuple[str, str, str], Firm] = {}
    edge_list: list[tuple[Firm, Firm, str]] = []

    def add_edge(s: Firm, c: Firm, product: str) -> None:
        if s.uscc == c.uscc or (s.uscc, c.uscc, product) in edges:
            return
        edges[(s.uscc, c.uscc, product)] = s
        edge_list.append((s, c, product))

    for src, dst, products, p_by, _k in spec.flows:
        sources = [f for f in by_seg[src] if not f.no_edges]
        weights = [size_w[f.size] * (4.0 if f.leader else 1.0) for f in sources]
        for c in by_seg[dst]:
            if c.no_edges:
                continue
            if not (c.leader or rng.random() < p_by[c.size]):
                continue
            lo, hi = (5, 9) if c.leader else K_DEFAULT[c.size]
            k = rng.randint(lo, hi)
            for s in wsample(rng, sources, weights, k):
                add_edge(s, c, rng.choice(products))
    for seg_id, product in spec.outsourcing:
        pool = [f for f in by_seg[seg_id] if f.size in ("micro", "small") and not f.no_edges]
        for c in by_seg[seg_id]:
            if c.size in ("medium", "large") and (c.leader or rng.random() < 0.6):
                k = rng.randint(6, 10) if c.leader else rng.randint(2, 4)
                for s in wsample(rng, pool, [1.0] * len(pool), k):
                    add_edge(s, c, product)
    # leaders are hubs: each reaches at least eight customers downstream where there are that many
    for lead in [f for f in firms if f.leader]:
        customers = {c.uscc for s, c, _p in edge_list if s is lead}
        for src, dst, products, _p, _k in spec.flows:
            if src != lead.seg:
                continue
            cands = [c for c in by_seg[dst] if not c.no_edges and c.uscc not in customers and c is not lead]
            need = max(0, 8 - len(customers))
            for c in wsample(rng, cands, [size_w[c.size] for c in cands], need):
                add_edge(lead, c, rng.choice(products))
                customers.add(c.uscc)
    # supply values: bounded by both sides' revenue
    outdeg: dict[str, int] = {}
    indeg: dict[str, int] = {}
    for s, c, _p in edge_list:
        outdeg[s.uscc] = outdeg.get(s.uscc, 0) + 1
        indeg[c.uscc] = indeg.get(c.uscc, 0) + 1
    default_rev = {"micro": 150.0, "small": 800.0, "medium": 6000.0, "large": 50000.0}
    supplies = []
    for s, c, p in edge_list:
        rs = s.revenue if s.revenue is not None else default_rev[s.size]
        rc = c.revenue if c.revenue is not None else default_rev[c.size]
        v = min(rs / outdeg[s.uscc], rc / indeg[c.uscc]) * rng.uniform(0.15, 0.5)
        v = round(v, 1) if v < 1000 else float(round(v))
        supplies.append({"supplier_uscc": s.uscc, "customer_uscc": c.uscc, "product": p,
                         "value": None if rng.random() < 0.05 else v})

    # ---- operates_in (secondary segments) ------------------------------------------
    operates = []
    for prim, sec, share in spec.secondary:
        cand = [f for f in by_seg[prim] if not f.no_edges]
        n = max(1, round(share * len(cand)))
        for f in wsample(rng, cand, [size_w[f.size] for f in cand], n):
            operates.append({"uscc": f.uscc, "segment_id": sec})

    # ---- certifications ------------------------------------------------------------
    certs = []
    body_w = {b: w for b, w in zip(spec.bodies, (5, 3, 2, 1), strict=False)}
    for f in firms:
        if not f.qms:
            continue
        body = wchoice(rng, body_w)
        start = max(d("2022-01-01"), (f.founded or d("2015-01-01")) + dt.timedelta(days=365))
        issued = rdate(rng, start, d("2024-10-31"))
        renew = 0 if (f.founded and f.founded.year >= 2019) else rng.choice((0, 1, 1, 2, 3))
        letter = {"micro": "S", "small": "S", "medium": "M", "large": "L"}[f.size]
        stds = [("Q", QMS)]
        if f.size in ("medium", "large") and rng.random() < 0.6:
            stds.append(("E", EMS))
        if f.size == "large" and rng.random() < 0.6:
            stds.append(("S", OHS))
        for t, std in stds:
            no = f"{CERT_BODIES[body][1]}{issued.year % 100:02d}{t}{rng.randrange(10000, 99999)}R{renew}{letter}"
            c = {"uscc": f.uscc, "body_id": body, "standard": std, "cert_no": no, "issued": issued,
                 "expires": add_years(issued, 3) - dt.timedelta(days=1)}
            certs.append(c)
            f.certs.append(c)

    # ---- problems and observations -----------------------------------------------
    risk_size = {"technology": {"micro": 2.0, "small": 1.5, "medium": 1.0, "large": 0.6},
                 "management": {"micro": 3.0, "small": 2.0, "medium": 1.0, "large": 0.5},
                 "infrastructure": {"micro": 3.0, "small": 2.0, "medium": 1.0, "large": 0.5}}
    pairs: list[tuple[Prob, Firm]] = []
    for pr in spec.probs:
        chosen: list[Firm] = []
        for scope, share in pr.scope:
            if scope == "single":
                pool = [f for f in by_seg[share] if not f.leader and not f.no_edges]
                chosen += wsample(rng, pool, [1.0] * len(pool), 1)
                continue
            base = firms if scope == "*" else by_seg[scope]
            n = round(share * len(base))
            pool = [f for f in base if f not in chosen and not f.no_edges]
            if pr.filter == "noncert":
                pool = [f for f in pool if not f.qms]
            elif pr.filter == "manuf":
                pool = [f for f in pool if seg_of[f.seg].sector == "industry"]
            elif pr.filter == "biggish":
                pool = [f for f in pool if f.size != "micro"]
            w = [risk_size[pr.category][f.size] * (0.4 if f.qms else 1.0) * (0.5 if f.leader else 1.0) for f in pool]
            chosen += wsample(rng, pool, w, n)
        pairs += [(pr, f) for f in chosen]

    windows = {
        "survey": [(d("2023-04-10"), d("2023-06-30")), (d("2024-04-08"), d("2024-05-31"))],
        "spot_check": [(d("2023-08-14"), d("2023-09-15")), (d("2024-06-03"), d("2024-06-28"))],
        "complaint": [(d("2023-03-01"), d("2024-11-30"))],
    }

    def obs_date(src: str, f: Firm, after: dt.date | None = None) -> dt.date | None:
        if src == "audit":
            days = []
            for c in f.certs:
                for yrs in (1, 2):
                    x = add_years(c["issued"], yrs) + dt.timedelta(days=rng.randint(-20, 40))
                    if d("2023-03-01") <= x <= d("2024-12-15") and (after is None or x > after):
                        days.append(x)
            return rng.choice(sorted(days)) if days else None
        opts = [w for w in windows[src] if after is None or w[1] > after]
        if not opts:
            return None
        a, b = rng.choice(opts)
        if after is not None and a <= after:
            a = after + dt.timedelta(days=1)
        return rdate(rng, a, b)

    observations = []
    pair_info = []
    for pr, f in pairs:
        srcs = dict(pr.sources)
        if not f.certs:
            srcs.pop("audit", None)
        if not srcs:
            srcs = {"survey": 1}
        src = wchoice(rng, srcs)
        first = obs_date(src, f)
        if first is None:
            src, first = "survey", obs_date("survey", f)
        rows = [(src, first)]
        if rng.random() < 0.6:
            others = {k: v for k, v in {"survey": 3, "spot_check": 3, "complaint": 1,
                                         "audit": 2 if f.certs else 0}.items() if v and k != src}
            src2 = wchoice(rng, others)
            second = obs_date(src2, f, after=first)
            if second is not None:
                rows.append((src2, second))
        pair_info.append((pr, f, rows))

    # ---- assistance ----------------------------------------------------------------
    common_ids = {pr.id for pr in spec.probs if sum(1 for p2, _f in pairs if p2 is pr) >= 8}
    assistance = []
    status_of: dict[tuple[str, str], str] = {}
    outcome_text = {
        "标准": {"resolved": "完成标准宣贯培训，企业执行标准已更新并通过复核",
               "improving": "已开展标准对标培训，企业标准修订中", "open": "已建立帮扶联系，待开展标准宣贯"},
        "检验检测": {"resolved": "协助建立出厂检验制度，送检复测结果合格",
                 "improving": "已提供检测方案，整改样品送检中", "open": "已对接检测机构，待送样"},
        "认证": {"resolved": "指导建立质量管理体系并取得认证",
               "improving": "已完成体系文件编写，认证审核排期中", "open": "已开展认证政策宣讲，待企业启动"},
        "质量管理": {"resolved": "帮助建立进货检验和过程检验记录，复查合格",
                 "improving": "已开展质量管理培训，整改措施落实中", "open": "已完成问题诊断，待制定整改方案"},
        "计量": {"resolved": "完成计量器具送检校准，建立器具台账",
               "improving": "已梳理计量器具清单，部分器具送检中", "open": "已告知检定要求，待送检"},
    }
    for pr, f, rows in pair_info:
        first = rows[0][1]
        p_assist = 0.45 if (pr.id in common_ids or seg_of[f.seg].key_link) else 0.2
        if rng.random() < p_assist:
            started = first + dt.timedelta(days=rng.randint(15, 100))
            if started > d("2024-12-20"):
                started = d("2024-12-20")
            early = started < d("2024-03-01")
            st = wchoice(rng, {"resolved": 6, "improving": 3.5, "open": 0.5} if early
                         else {"resolved": 2, "improving": 6, "open": 2})
            if pr.filter == "noncert" and st == "resolved":
                st = "improving"  # a firm that got certified would be qms_certified
            body = wchoice(rng, {b: 1 for b in spec.bodies})
            if f.certs and rng.random() < 0.6:
                body = f.certs[0]["body_id"]
            assistance.append({"body_id": body, "uscc": f.uscc, "problem_id": pr.id, "dimension": pr.dimension,
                               "started": started, "status": st, "outcome": outcome_text[pr.dimension][st]
                               if st != "open" or rng.random() < 0.5 else None})
            status_of[(f.uscc, pr.id)] = st
        else:
            status_of[(f.uscc, pr.id)] = wchoice(
                rng, {"resolved": 2.5, "improving": 3, "open": 4.5} if first < d("2023-10-01")
                else {"resolved": 1, "improving": 2.5, "open": 6.5})
    # general certification guidance with no problem attached
    noncert = [f for f in firms if not f.qms and f.size != "micro" and not f.no_edges]
    for f in wsample(rng, noncert, [1.0] * len(noncert), max(2, len(noncert) // 8)):
        assistance.append({"body_id": spec.bodies[0], "uscc": f.uscc, "problem_id": None, "dimension": "认证",
                           "started": rdate(rng, d("2023-05-01"), d("2024-09-30")), "status": "improving",
                           "outcome": "指导编写质量管理体系文件，准备认证申请"})

    for pr, f, rows in pair_info:
        for i, (src, day) in enumerate(rows):
            last = i == len(rows) - 1
            sev = int(min(5, max(1, round(rng.gauss(pr.severity - (0.6 if f.leader else 0), 0.8)))))
            observations.append({"uscc": f.uscc, "problem_id": pr.id, "severity": sev, "source": src,
                                 "observed_on": day,
                                 "status": status_of[(f.uscc, pr.id)] if last else ("open" if i == 0 else "improving")})

    # ---- measurements ----------------------------------------------------------------
    has = {(f.uscc, pr.id) for pr, f in pairs}
    measurements = []
    for b in spec.benches:
        linked = [pr.id for pr in spec.probs if pr.benchmark_id == b.id]
        measured: list[Firm] = []
        for seg_id, share in b.measure:
            pool = [f for f in by_seg[seg_id] if not f.no_edges]
            must = [f for f in pool if any((f.uscc, p) in has for p in linked)]
            rest = [f for f in pool if f not in must]
            n = max(0, round(share * len(pool)) - len(must))
            measured += must + wsample(rng, rest, [size_w[f.size] for f in rest], n)

        def value(bad: bool, b: Bench = b) -> float:
            lo, hi = b.bad if bad else b.good
            v = rng.uniform(lo, hi)
            if b.step:
                v = round(v / b.step) * b.step
            return round(v, b.decimals) if b.decimals else float(round(v))

        for f in measured:
            bad = any((f.uscc, p) in has for p in linked)
            first = rdate(rng, d("2023-06-01"), d("2023-09-30"))
            measurements.append({"uscc": f.uscc, "benchmark_id": b.id, "value": value(bad), "measured_on": first})
            if bad or rng.random() < 0.3:
                fixed = any(status_of.get((f.uscc, p)) == "resolved" for p in linked)
                measurements.append({"uscc": f.uscc, "benchmark_id": b.id, "value": value(bad and not fixed),
                                     "measured_on": rdate(rng, d("2024-06-01"), d("2024-09-30"))})

    # ---- tables in canonical form --------------------------------------------------
    tables = {
        "chains": [{"id": spec.chain_id, "name": spec.chain_name, "industry_code": spec.industry_code or None}],
        "segments": [{"id": s.id, "chain_id": spec.chain_id, "name": s.name, "stage": s.stage, "order": s.order,
                      "key_link": s.key_link} for s in spec.segs],
        "enterprises": [{"uscc": f.uscc, "name": f.name, "region_code": f.region, "segment_id": f.seg,
                         "size": f.size, "employees": f.employees, "revenue": f.revenue, "founded": f.founded,
                         "qms_certified": f.qms} for f in firms],
        "operates_in": operates,
        "problems": [{"id": p.id, "name": p.name, "category": p.category, "kind": p.kind,
                      "standard_ref": p.standard_ref or None, "benchmark_id": p.benchmark_id or None}
                     for p in spec.probs],
        "benchmarks": [{"id": b.id, "metric": b.metric, "unit": b.unit, "domestic_advanced": b.dom,
                        "international_advanced": b.intl, "higher_is_better": b.hib, "chain_id": spec.chain_id}
                       for b in spec.benches],
        "cert_bodies": [{"id": b, "name": CERT_BODIES[b][0]} for b in spec.bodies],
        "supplies": supplies,
        "leaders": [{"uscc": f.uscc, "chain_id": spec.chain_id, "region_code": spec.home,
                     "since": d(f.leader_since)} for f in firms if f.leader],  # type: ignore[attr-defined]
        "observations": observations,
        "measurements": measurements,
        "certifications": certs,
        "assistance": assistance,
    }
    # segment flows: explicit FEEDS where they are not a straight line
    flows = sorted({(s, t) for s, t, *_ in spec.flows}, key=lambda st: (seg_of[st[0]].order, seg_of[st[1]].order))
    tables["segment_flows"] = [{"from_segment": s, "to_segment": t} for s, t in flows]
    return tables


def rename_one(tables: dict, seg: str, size: str, new_name: str, region: str) -> str:
    """Give one non-leader company (91…) a fixed name (used for the non-GBK name in anping)."""
    leaders = {x["uscc"] for x in tables["leaders"]}
    for e in tables["enterprises"]:
        if (e["segment_id"] == seg and e["size"] == size and e["uscc"] not in leaders
                and e["uscc"].startswith("91") and e["region_code"] == region):
            e["name"] = new_name
            return e["uscc"]
    raise AssertionError("no firm to rename")


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _cell(table: str, col: str, v, zh: bool) -> str:
    if v is None:
        return ""
    f = TABLES[table].field(col)
    if f.type == "bool":
        return ("是" if v else "否") if zh else ("true" if v else "false")
    if f.type == "enum":
        return ENUM_ZH[f.enum][v] if zh else v
    if f.type == "date":
        return v.isoformat()
    if isinstance(v, float):
        return fmt_num(v, 3)
    return str(v)


def header_for(table: str, col: str, zh: bool) -> str:
    if not zh:
        return col
    f = TABLES[table].field(col)
    hmap = model.header_map(TABLES[table])
    assert hmap[model.normalise_header(f.zh)] == col, (table, col, f.zh)
    return f.zh


def columns_of(table: str, rows: list[dict]) -> list[str]:
    present = set()
    for r in rows:
        present.update(r)
    cols = [c for c in TABLES[table].columns if c in present]
    if not rows:
        cols = [c for c in TABLES[table].columns]
    return cols


def write_csv(path: Path, table: str, rows: list[dict], *, zh: bool = False, encoding: str = "utf-8",
              newline: str = "\n") -> None:
    cols = columns_of(table, rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow([header_for(table, c, zh) for c in cols])
    for r in rows:
        w.writerow([_cell(table, c, r.get(c), zh) for c in cols])
    data = buf.getvalue()
    if encoding == "utf-8-sig":
        raw = b"\xef\xbb\xbf" + data.encode("utf-8")
    else:
        raw = data.encode(encoding)
    path.write_bytes(raw)


FIXED_ZIP_TIME = (2024, 12, 31, 0, 0, 0)


def normalise_xlsx(path: Path) -> None:
    """Make a workbook byte-reproducible: fixed zip timestamps and document dates."""
    src = path.read_bytes()
    zin = zipfile.ZipFile(io.BytesIO(src))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>2024-12-31T00:00:00Z\g<3>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


XLSX_SHEETS = {
    "chains": "产业链", "segments": "环节", "segment_flows": "环节流向", "enterprises": "企业名录",
    "operates_in": "企业所属环节", "problems": "问题清单", "benchmarks": "对标指标", "cert_bodies": "认证机构",
    "supplies": "供应关系", "leaders": "链主企业", "observations": "问题记录", "measurements": "测量值",
    "certifications": "认证证书", "assistance": "帮扶台账",
}


def _disp_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def write_xlsx(path: Path, tables: dict) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in model.LOAD_ORDER:
        if name not in tables:
            continue
        rows = tables[name]
        sheet = XLSX_SHEETS[name]
        t = model.table_for_name(sheet)
        assert t is not None and t.name == name, (sheet, name)
        ws = wb.create_sheet(sheet)
        cols = columns_of(name, rows)
        ws.append([header_for(name, c, True) for c in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center")
        widths = [_disp_width(header_for(name, c, True)) for c in cols]
        for r in rows:
            out = []
            for c in cols:
                v = r.get(c)
                f = TABLES[name].field(c)
                if v is None:
                    out.append(None)
                elif f.type == "bool":
                    out.append("是" if v else "否")
                elif f.type == "enum":
                    out.append(ENUM_ZH[f.enum][v])
                elif f.type in ("date", "int", "float", "money"):
                    out.append(v)
                else:
                    out.append(str(v))
            ws.append(out)
            rown = ws.max_row
            for j, c in enumerate(cols, start=1):
                f = TABLES[name].field(c)
                cell = ws.cell(row=rown, column=j)
                if f.type in ("uscc", "adcode", "id", "text"):
                    cell.number_format = "@"
                elif f.type == "date" and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
                widths[j - 1] = max(widths[j - 1], _disp_width("" if cell.value is None else
                                                                (cell.value.isoformat() if hasattr(cell.value, "isoformat")
                                                                 else str(cell.value))))
        for j, wdt in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(48, max(8, wdt + 2))
        ws.freeze_panes = "A2"
    wb.properties.creator = "chaingraph scripts/make_datasets.py"
    wb.properties.created = dt.datetime(2024, 12, 31)
    wb.properties.modified = dt.datetime(2024, 12, 31)
    wb.save(path)
    normalise_xlsx(path)


# ---------------------------------------------------------------------------
# Story summary and README
# ---------------------------------------------------------------------------

SIZE_ZH = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}


def story_summary(spec: Spec, tables: dict, regions: dict) -> str:
    ents = tables["enterprises"]
    segname = {s.id: s.name for s in spec.segs}
    lines = []
    lines.append(f"{spec.title_zh} / {spec.title_en}: {len(ents)} enterprises, {len(tables['supplies'])} supply edges, "
                 f"{len(tables['observations'])} observations, {len(tables['leaders'])} leaders")
    head = f"{'segment':<22}" + "".join(f"{SIZE_ZH[s]:>6}" for s in SIZES) + f"{'合计':>6}{'本县':>6}{'外县':>6}"
    lines.append(head)
    for s in spec.segs:
        row = [sum(1 for e in ents if e["segment_id"] == s.id and e["size"] == z) for z in SIZES]
        home = sum(1 for e in ents if e["segment_id"] == s.id and e["region_code"] == spec.home)
        label = f"{s.name}{'*' if s.key_link else ''}"
        lines.append(f"{label:<{22 - sum(1 for ch in label if ord(ch) > 0x2E80)}}"
                     + "".join(f"{n:>8}" for n in row) + f"{sum(row):>8}{home:>8}{sum(row) - home:>8}")
    tot = [sum(1 for e in ents if e["size"] == z) for z in SIZES]
    lines.append(f"{'total':<22}" + "".join(f"{n:>8}" for n in tot) + f"{sum(tot):>8}")
    lines.append("  (* key link; 外县 = neighbouring counties of the same city: "
                 + ", ".join(sorted({f"{e['region_code']} {regions[e['region_code']][0]}" for e in ents
                                     if e["region_code"] != spec.home})) + ")")
    probs = {p["id"]: p for p in tables["problems"]}
    seg_of = {e["uscc"]: e["segment_id"] for e in ents}
    affected: dict[str, set] = {}
    for o in tables["observations"]:
        affected.setdefault(o["problem_id"], set()).add(o["uscc"])
    ranked = sorted(affected.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    lines.append("top 5 problems by enterprises affected:")
    for pid, firms in ranked[:5]:
        p = probs[pid]
        segs = {}
        for u in firms:
            segs[seg_of[u]] = segs.get(seg_of[u], 0) + 1
        top = ", ".join(f"{segname[s]} {n}/{sum(1 for e in ents if e['segment_id'] == s)}"
                        for s, n in sorted(segs.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        lines.append(f"  {pid} {p['name']} [{ENUM_ZH['category'][p['category']]}/{ENUM_ZH['kind'][p['kind']]}]: "
                     f"{len(firms)} firms ({len(firms) / len(ents):.0%}); {top}")
    # the story's concentrated problems
    for pid, firms in ranked:
        segs = {}
        for u in firms:
            segs[seg_of[u]] = segs.get(seg_of[u], 0) + 1
        s, n = max(segs.items(), key=lambda kv: (kv[1], kv[0]))
        size = sum(1 for e in ents if e["segment_id"] == s)
        if n / size >= 0.3 and len(segs) <= 2 and len(firms) >= 4:
            lines.append(f"  concentrated: {pid} {probs[pid]['name']} in {segname[s]}: {n}/{size} ({n / size:.0%})")
    singles = [pid for pid, firms in ranked if len(firms) == 1]
    if singles:
        lines.append("  single-firm problems: " + ", ".join(f"{pid} {probs[pid]['name']}" for pid in singles))
    n_obs_firms = len({o["uscc"] for o in tables["observations"]})
    deg: dict[str, int] = {}
    for s in tables["supplies"]:
        deg[s["supplier_uscc"]] = deg.get(s["supplier_uscc"], 0) + 1
        deg[s["customer_uscc"]] = deg.get(s["customer_uscc"], 0) + 1
    lines.append(f"observations per firm {len(tables['observations']) / len(ents):.2f} "
                 f"({len(ents) - n_obs_firms} firms with none); supply edges per firm (in+out) "
                 f"{2 * len(tables['supplies']) / len(ents):.2f}; QMS-certified "
                 f"{sum(1 for e in ents if e['qms_certified']) / len(ents):.0%}")
    name_of = {e["uscc"]: e["name"] for e in ents}
    size_of = {e["uscc"]: e["size"] for e in ents}
    for ld in tables["leaders"]:
        u = ld["uscc"]
        sup = sum(1 for s in tables["supplies"] if s["customer_uscc"] == u)
        cus = sum(1 for s in tables["supplies"] if s["supplier_uscc"] == u)
        lines.append(f"  leader {name_of[u]} ({SIZE_ZH[size_of[u]]}, {segname[seg_of[u]]}, since {ld['since']}): "
                     f"{sup} suppliers, {cus} customers")
    return "\n".join(lines)


def file_notes(spec_folder: str) -> dict[str, str]:
    return {
        "wuxing-childrenswear": {
            "enterprises.csv": "UTF-8 with BOM, CRLF, Chinese headers (统一社会信用代码, 企业名称 …), Chinese enum values (微型 …, 是/否)",
            "problems.csv": "Chinese headers and Chinese enum values (质量技术, 难点 …)",
        },
        "anping-wiremesh": {
            "enterprises.csv": "GB18030, CRLF, Chinese headers and enum values; one firm name holds 𠮷 (U+20BB7), "
                               "encodable in GB18030 but not in GBK",
        },
    }.get(spec_folder, {})


def write_readme(folder: Path, spec: Spec, tables: dict, summary: str, extra: str = "") -> None:
    notes = file_notes(spec.folder)
    regions = load_locdat()
    old_codes = "; ".join(
        f"for part of the firms founded before {before.isoformat()}, {old} {regions[old][0]}"
        f"{'' if regions[old][1] else ' (a code retired since)'}"
        for _reg, (old, before, _share) in spec.old_region.items())
    rows = []
    for name in model.LOAD_ORDER:
        if name in tables:
            t = TABLES[name]
            fname = f"{name}.csv"
            rows.append(f"| `{fname}` | {t.zh} | {len(tables[name])} | {notes.get(fname, 'UTF-8, canonical English headers')} |")
    text = f"""# {spec.title_zh} / {spec.title_en}

> **合成数据，仅供演示 / synthetic, for demonstration.** Every firm, credit code, figure, observation,
> certificate and assistance record here was generated by `scripts/make_datasets.py` (seed {spec.seed}).
> The credit codes are structurally valid (GB 32100 / GB 11714 check characters) but were made up and
> may coincide with a real code only by chance. Certification-body ids (`CB01` …) and certificate
> numbers are synthetic; the body names are used for illustration only and the records attributed to
> them are invented. Standard numbers in `problems.standard_ref` are real standards; where we were not
> sure a standard fits, the cell is left blank.

## 故事 / Story

{spec.story_zh}

{spec.story_en}

- Region: {spec.home} {spec.home_name} (city {spec.city}); chain `{spec.chain_id}` {spec.chain_name},
  GB/T 4754 industry code {spec.industry_code or "left blank (not sure which class holds umbrellas)"}. A query at city level ({spec.city}) includes the firms of the
  neighbouring counties; a query at county level ({spec.home}) does not.
- Size classes follow 工信部联企业〔2011〕300号 (industry thresholds; the sales segment uses the wholesale
  thresholds). Employees and revenue (万元) are consistent with the size class. A few micro firms have a
  blank employees / revenue / founded cell (honest gaps, not errors).
- Credit codes: characters 3–8 are the firm's county code, or {old_codes}.
  Firms founded since October 2015 have `MA…` organisation codes; 个体工商户 have `92…`.
- Supplies run upstream → downstream between the segments of `segment_flows.csv` (explicit FEEDS: the
  flow is not a straight line), plus same-segment subcontracting (外发/外协) edges to medium and large firms.
  Testing-service firms (…检测技术…) take part in no supply edge.
- Observations come from surveys (2023 Q2, 2024 Q2), supervision spot checks (Aug–Sep 2023, June 2024),
  certification audits (only for certified firms, around the surveillance-audit dates) and complaints;
  the `status` of the latest observation of a firm × problem is its current status (consistent with the
  assistance ledger).
- Measurements: firms observed with a problem linked to a benchmark measure worse than the advanced level;
  a second measurement (2024) shows recovery where the problem was resolved.
- `operates_in.csv` lists only *secondary* segments; the primary segment is the `segment_id` column of the
  enterprise table.

## Files

| file | 表 | rows | format |
|---|---|---|---|
{chr(10).join(rows)}
{extra}
## Summary (printed by the generator)

```
{summary}
```
"""
    (folder / "README.md").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------
# The defects dataset
# ---------------------------------------------------------------------------


def _raw_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    path.write_bytes(buf.getvalue().encode(encoding))


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
    _raw_csv(folder / "chains.csv", ["id", "name", "industry_code"], [["childrenswear", "童装", "1819"]])
    _raw_csv(folder / "segments.csv", ["id", "chain_id", "name", "stage", "order", "key_link"], [
        ["cw-fabric", "childrenswear", "面料辅料", "upstream", "1", "false"],
        ["cw-dyeing", "childrenswear", "印染", "upstream", "2", "true"],
        ["cw-sewing", "childrenswear", "裁剪缝制", "midstream", "3", "true"],
        ["cw-sales", "childrenswear", "电商销售", "downstream", "4", "false"],
    ])
    _raw_csv(folder / "problems.csv", ["id", "name", "category", "kind", "standard_ref", "benchmark_id"], [
        ["CW-P01", "色牢度不达标", "technology", "pain", "GB 31701-2015", "CW-B01"],
        ["CW-P02", "绳带长度及设置不符合要求", "technology", "pain", "GB/T 22705-2019", ""],
        ["CW-P03", "纤维含量标识与实际不符", "technology", "pain", "GB/T 29862-2013", ""],
        ["CW-P04", "使用说明标注不规范", "management", "pain", "GB/T 5296.4-2012", ""],
        ["CW-P05", "甲醛含量超标", "technology", "difficulty", "GB 18401-2010", ""],
    ])
    _raw_csv(folder / "benchmarks.csv",
             ["id", "metric", "unit", "domestic_advanced", "international_advanced", "higher_is_better", "chain_id"],
             [["CW-B01", "耐湿摩擦色牢度", "级", "4", "4.5", "true", "childrenswear"]])
    _raw_csv(folder / "cert_bodies.csv", ["id", "name"], [["CB01", "中国质量认证中心"], ["CB02", "浙江公正检验中心有限公司"]])

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
    _raw_csv(folder / f, hdr, rows)
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
    E(f, 23, "uscc", "duplicate_conflict", K, "same uscc as row 24, another name: both rows rejected")
    E(f, 24, "uscc", "duplicate_conflict", K, "same uscc as row 23, another name: both rows rejected")
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
    _raw_csv(folder / f, hdr, rows)
    E(f, 6, "severity", "out_of_range", "7", "severity is 1-5; rejected")
    E(f, 8, "uscc", "dangling_reference", U1, "no such enterprise in the dataset")
    E(f, 9, "problem_id", "dangling_reference", "CW-P99", "no such problem")
    E(f, 10, "uscc", "dangling_reference", X1, "cascade: enterprise row 13 rejected (number_invalid)")
    E(f, 11, "uscc", "dangling_reference", X6, "cascade: enterprise row 18 rejected (region_unknown)")
    E(f, 12, "uscc", "dangling_reference", K, "cascade: enterprise rows 23-24 rejected (duplicate_conflict)")
    E(f, 13, "uscc", "dangling_reference", X9, "cascade: enterprise row 21 rejected (enum_invalid, bool_invalid)")
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
    _raw_csv(folder / f, hdr, rows)
    E(f, 6, "customer_uscc", "self_supply", G3, "supplier = customer; rejected")
    E(f, 7, "customer_uscc", "dangling_reference", U2, "customer not in the dataset")
    E(f, 8, "supplier_uscc", "dangling_reference", X2, "cascade: enterprise row 14 rejected (required_missing)")
    E(f, 10, "supplier_uscc", "dangling_reference", X7, "cascade: enterprise row 19 rejected (region_mangled)")

    # -- leaders --------------------------------------------------------------------
    f = "leaders.csv"
    _raw_csv(folder / f, ["uscc", "chain_id", "region_code", "since"], [
        [G1, "childrenswear", R, "2023年5月1日"],
        [G2, "childrenswear", R, "2022-09-01"],
    ])
    E(f, 3, "region_code", "leader_region_mismatch", R, "leader located in 330503 南浔区, designated for 330502; kept")

    # -- measurements: the required value column is missing ------------------------------
    f = "measurements.csv"
    _raw_csv(folder / f, ["uscc", "benchmark_id", "measured_on"], [
        [G4, "CW-B01", "2023-06-10"], [G2, "CW-B01", "2023-06-12"], [G4, "CW-B01", "2024-06-20"]])
    E(f, None, "value", "missing_column", "", "every row rejected, reported once")

    # -- certifications: two headers for cert_no ----------------------------------------
    f = "certifications.csv"
    _raw_csv(folder / f, ["uscc", "body_id", "standard", "cert_no", "issued", "expires", "证书编号"], [
        [G1, "CB01", QMS, "00122Q38815R1M", "2022-04-18", "2025-04-17", "00122Q38815R1M"],
        [G2, "CB02", QMS, "13621Q20417R2M", "2021-12-06", "2024-12-05", "13621Q20417R2M"],
        [G3, "CB01", QMS, "00123Q51290R0S", "2023-08-09", "2026-08-08", "00123Q51290R0S"],
    ])
    E(f, None, "cert_no", "duplicate_column", "", "cert_no and 证书编号 both map to cert_no; every row rejected")

    # -- file-level defects -----------------------------------------------------------
    (folder / "segment_flows.csv").write_bytes(b"")
    E("segment_flows.csv", None, None, "empty_file", "", "zero bytes (optional table; FEEDS follow `order`)")
    _raw_csv(folder / "assistance.csv", list(TABLES["assistance"].columns), [])
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


MISSING_TABLE_README = """# defects-missing-table — a required table is missing / 缺少必需的数据表

> **合成数据，仅供演示 / synthetic, for demonstration.** The one planted defect that cannot share the
> `defects` folder: the dataset has `chains.csv` and `segments.csv` but no enterprise table, so the
> validator must report `missing_table` for `enterprises` (file `enterprises.csv`). Nothing else refers
> to enterprises here, so there is no cascade. `expected.csv` (same layout as in `../defects/`) also
> lists itself as `unknown_table`, being a CSV that matches no table.
"""


def build_missing_table(folder: Path) -> list[tuple]:
    folder.mkdir(parents=True, exist_ok=True)
    _raw_csv(folder / "chains.csv", ["id", "name", "industry_code"], [["childrenswear", "童装", "1819"]])
    _raw_csv(folder / "segments.csv", ["id", "chain_id", "name", "stage", "order", "key_link"], [
        ["cw-fabric", "childrenswear", "面料辅料", "upstream", "1", "false"],
        ["cw-sewing", "childrenswear", "裁剪缝制", "midstream", "2", "true"],
    ])
    (folder / "README.md").write_text(MISSING_TABLE_README, encoding="utf-8")
    return [("enterprises.csv", "", "", "missing_table", "", "required table enterprises is missing"),
            ("expected.csv", "", "", "unknown_table", "", "this very list")]


def write_expected(folder: Path, exp: list[tuple]) -> None:
    order = {n: i for i, n in enumerate(["enterprises.csv", "observations.csv", "supplies.csv", "leaders.csv",
                                         "measurements.csv", "certifications.csv"])}
    exp = sorted(exp, key=lambda e: (order.get(e[0], 99), e[0], e[1] if e[1] != "" else 0, e[2], e[3]))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "row", "column", "code"])
    for e in exp:
        w.writerow(e[:4])
    (folder / "expected.csv").write_text(buf.getvalue(), encoding="utf-8")
    return exp


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


class CheckError(AssertionError):
    pass


def _detect(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _canon_value(table: str, col: str, v) -> str:
    """A cell (CSV text or workbook value) as canonical text, for comparisons."""
    f = TABLES[table].field(col)
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return fmt_num(v, 3)
    s = str(v).strip()
    if s == "":
        return ""
    if f.type == "enum":
        return model.enum_lookup(f.enum)[s.lower()]
    if f.type == "bool":
        low = s.lower()
        if low in model.BOOL_TRUE:
            return "true"
        if low in model.BOOL_FALSE:
            return "false"
        raise CheckError(f"{table}.{col}: not a bool: {s!r}")
    return s


def read_csv_dataset(folder: Path):
    import pandas as pd

    frames, encodings = {}, {}
    for path in sorted(folder.glob("*.csv")):
        t = model.table_for_name(path.stem)
        if t is None:
            raise CheckError(f"{path.name}: matches no table")
        raw = path.read_bytes()
        enc = _detect(raw)
        df = pd.read_csv(io.StringIO(raw.decode(enc)), dtype=str, keep_default_na=False)
        hmap = model.header_map(t)
        ren = {}
        for c in df.columns:
            canon = hmap.get(model.normalise_header(c))
            if canon is None:
                raise CheckError(f"{path.name}: header {c!r} is no alias of {t.name}")
            ren[c] = canon
        df = df.rename(columns=ren)
        for c in df.columns:
            df[c] = [_canon_value(t.name, c, v) for v in df[c]]
        frames[t.name], encodings[t.name] = df, enc
    return frames, encodings


def read_xlsx_dataset(path: Path):
    import openpyxl
    import pandas as pd

    wb = openpyxl.load_workbook(path, data_only=True)
    frames = {}
    for ws in wb.worksheets:
        t = model.table_for_name(ws.title)
        if t is None:
            raise CheckError(f"sheet {ws.title!r} matches no table")
        rows = list(ws.iter_rows(values_only=True))
        hmap = model.header_map(t)
        cols = []
        for h in rows[0]:
            canon = hmap.get(model.normalise_header(str(h)))
            if canon is None:
                raise CheckError(f"sheet {ws.title}: header {h!r} is no alias of {t.name}")
            cols.append(canon)
        for j, c in enumerate(cols):
            if TABLES[t.name].field(c).type == "uscc":
                for cell in ws.iter_rows(min_row=2, min_col=j + 1, max_col=j + 1):
                    if cell[0].value is not None and cell[0].data_type != "s":
                        raise CheckError(f"sheet {ws.title}: credit code not stored as text at {cell[0].coordinate}")
        data = [[_canon_value(t.name, c, v) for c, v in zip(cols, r, strict=False)] for r in rows[1:]]
        frames[t.name] = pd.DataFrame(data, columns=cols)
        if ws.freeze_panes != "A2":
            raise CheckError(f"sheet {ws.title}: header row not frozen")
        if not all(c.font.bold for c in ws[1]):
            raise CheckError(f"sheet {ws.title}: header not bold")
    return frames


def check_pilot(folder: Path, regions: dict, frames: dict | None = None) -> list[str]:
    import stdnum.cn.uscc as su

    if frames is None:
        frames, _enc = read_csv_dataset(folder)
    problems: list[str] = []
    for name, t in TABLES.items():
        if t.required and name not in frames:
            problems.append(f"required table {name} missing")
    keys: dict[str, set] = {}
    for name, df in frames.items():
        t = TABLES[name]
        for k in t.key:
            blank = df[k].eq("")
            if t.field(k).required and blank.any():
                problems.append(f"{name}: blank key {k} in {int(blank.sum())} rows")
        dup = df.duplicated(subset=list(t.key))
        if dup.any():
            problems.append(f"{name}: {int(dup.sum())} duplicate keys")
        for f in t.fields:
            if f.name not in df.columns:
                if f.required:
                    problems.append(f"{name}: required column {f.name} missing")
                continue
            col = df[f.name]
            if f.required and col.eq("").any():
                problems.append(f"{name}.{f.name}: {int(col.eq('').sum())} blank required cells")
            vals = [v for v in col if v != ""]
            if f.type == "uscc":
                bad = [v for v in vals if not (su.is_valid(v) and org_check_ok(v) and v[2:8] in regions)]
                if bad:
                    problems.append(f"{name}.{f.name}: invalid credit codes {bad[:3]}")
            elif f.type == "adcode":
                bad = [v for v in vals if v not in regions or not regions[v][1]]
                if bad:
                    problems.append(f"{name}.{f.name}: region codes not current in loc.dat {bad[:3]}")
            elif f.type == "date":
                for v in vals:
                    try:
                        dt.date.fromisoformat(v)
                    except ValueError:
                        problems.append(f"{name}.{f.name}: bad date {v!r}")
            elif f.type in ("int", "float", "money"):
                for v in vals:
                    x = float(v)
                    if (f.minimum is not None and x < f.minimum) or (f.maximum is not None and x > f.maximum):
                        problems.append(f"{name}.{f.name}: {v} out of range")
                    if f.type == "int" and not re.fullmatch(r"-?\d+", v):
                        problems.append(f"{name}.{f.name}: {v} not an integer")
        keys[name] = set(map(tuple, df[list(t.key)].to_numpy().tolist()))
    for name, df in frames.items():
        for fk in TABLES[name].foreign_keys:
            if fk.target == "@regions" or fk.columns[0] not in df.columns:
                continue
            target = frames.get(fk.target)
            have = set() if target is None else set(target[fk.target_columns[0]])
            bad = [v for v in df[fk.columns[0]] if v != "" and v not in have]
            if bad:
                problems.append(f"{name}.{fk.columns[0]} -> {fk.target}: {len(bad)} dangling, e.g. {bad[:2]}")
    if "supplies" in frames:
        s = frames["supplies"]
        if (s["supplier_uscc"] == s["customer_uscc"]).any():
            problems.append("supplies: self-supply")
    ents = frames["enterprises"].set_index("uscc")
    if "leaders" in frames:
        for _, ld in frames["leaders"].iterrows():
            loc = ents.loc[ld["uscc"], "region_code"]
            scope = ld["region_code"][: 2 if ld["region_code"].endswith("0000") else 4
                                      if ld["region_code"].endswith("00") else 6]
            if not loc.startswith(scope):
                problems.append(f"leaders: {ld['uscc']} located in {loc}, outside {ld['region_code']}")
            if ents.loc[ld["uscc"], "size"] not in ("medium", "large"):
                problems.append(f"leaders: {ld['uscc']} is not medium/large")
    # size class consistent with employees and revenue
    seg_sector = {}
    for e_seg in frames["segments"]["id"]:
        seg_sector[e_seg] = "wholesale" if e_seg.endswith("-sales") else "industry"
    for u, e in ents.iterrows():
        (elo, ehi), (rlo, rhi) = SIZE_RANGES[seg_sector[e["segment_id"]]][e["size"]]
        if e["employees"] and not elo <= int(e["employees"]) <= ehi:
            problems.append(f"enterprises: {u} {e['size']} with {e['employees']} employees")
        if e["revenue"] and not rlo <= float(e["revenue"]) <= rhi:
            problems.append(f"enterprises: {u} {e['size']} with revenue {e['revenue']}")
    return problems


def check_gb18030(path: Path, char: str) -> None:
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        raise CheckError(f"{path}: decodes as UTF-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("gb18030")
    if char not in text:
        raise CheckError(f"{path}: {char} not found")
    try:
        text.encode("gbk")
        raise CheckError(f"{path}: encodable in GBK")
    except UnicodeEncodeError:
        pass


def compare_frames(a: dict, b: dict) -> list[str]:
    out = []
    if sorted(a) != sorted(b):
        out.append(f"tables differ: {sorted(a)} vs {sorted(b)}")
    for name in sorted(set(a) & set(b)):
        fa, fb = a[name], b[name]
        if sorted(fa.columns) != sorted(fb.columns):
            out.append(f"{name}: columns differ")
            continue
        cols = sorted(fa.columns)
        ra = sorted(map(tuple, fa[cols].to_numpy().tolist()))
        rb = sorted(map(tuple, fb[cols].to_numpy().tolist()))
        if ra != rb:
            diff = [x for x in ra if x not in set(rb)][:2]
            out.append(f"{name}: rows differ, e.g. {diff}")
    return out


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

NON_GBK_NAME = "安平县𠮷利丝网制品有限公司"

FILE_OPTIONS = {
    "wuxing-childrenswear": {"enterprises": dict(zh=True, encoding="utf-8-sig", newline="\r\n"),
                             "problems": dict(zh=True)},
    "anping-wiremesh": {"enterprises": dict(zh=True, encoding="gb18030", newline="\r\n")},
}

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


def generate() -> None:
    regions = load_locdat()
    specs = [spec_wuxing(), spec_anping(), spec_shangyu()]
    xlsx_bytes = b""
    for spec in specs:
        tables = build_pilot(spec)
        if spec.folder == "anping-wiremesh":
            rename_one(tables, "wm-weave", "small", NON_GBK_NAME, spec.home)
        folder = OUT / spec.folder
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        opts = FILE_OPTIONS.get(spec.folder, {})
        for name in model.LOAD_ORDER:
            if name in tables:
                write_csv(folder / f"{name}.csv", name, tables[name], **opts.get(name, {}))
        summary = story_summary(spec, tables, regions)
        write_readme(folder, spec, tables, summary)
        print(summary, end="\n\n")
        if spec.folder == "shangyu-umbrella":
            xf = OUT / "shangyu-umbrella-xlsx"
            if xf.exists():
                shutil.rmtree(xf)
            xf.mkdir(parents=True)
            write_xlsx(xf / "伞业数据.xlsx", tables)
            xlsx_bytes = (xf / "伞业数据.xlsx").read_bytes()
            sheets = "、".join(XLSX_SHEETS[n] for n in model.LOAD_ORDER if n in tables)
            (xf / "README.md").write_text(XLSX_README.format(sheets=sheets), encoding="utf-8")
    for sub in ("defects", "defects-missing-table"):
        if (OUT / sub).exists():
            shutil.rmtree(OUT / sub)
    exp = build_defects(OUT / "defects", xlsx_bytes)
    exp = write_expected(OUT / "defects", exp)
    table_rows = "\n".join(f"| {e[0]} | {e[1]} | {e[2]} | {('`' + str(e[4]) + '`') if e[4] else ''} | "
                           f"`{e[3]}` | {e[5]} |" for e in exp)
    (OUT / "defects" / "README.md").write_text(DEFECTS_README.replace("{rows}", table_rows), encoding="utf-8")
    exp2 = build_missing_table(OUT / "defects-missing-table")
    write_expected(OUT / "defects-missing-table", exp2)
    codes = sorted({e[3] for e in exp + exp2})
    missing = sorted(set(_all_reason_codes()) - set(codes))
    print(f"defects: {len(exp)} expected issues + {len(exp2)} in defects-missing-table; "
          f"{len(codes)} reason codes planted; not planted: {missing or 'none'}")


def _all_reason_codes() -> list[str]:
    try:
        reasons = _load("reasons")
        return list(reasons.REASONS)
    except Exception:  # noqa: BLE001
        return []


def check_all() -> bool:
    regions = load_locdat()
    ok = True
    csv_frames = {}
    for folder in ("wuxing-childrenswear", "anping-wiremesh", "shangyu-umbrella"):
        frames, enc = read_csv_dataset(OUT / folder)
        csv_frames[folder] = frames
        problems = check_pilot(OUT / folder, regions, frames)
        encs = ", ".join(f"{k}={v}" for k, v in sorted(enc.items()) if v != "utf-8")
        print(f"check {folder}: {sum(len(f) for f in frames.values())} rows in {len(frames)} tables "
              f"({encs or 'all utf-8'}): {'OK' if not problems else 'PROBLEMS'}")
        for p in problems:
            print("   ", p)
        ok &= not problems
    try:
        check_gb18030(OUT / "anping-wiremesh" / "enterprises.csv", "𠮷")
        print("check anping-wiremesh/enterprises.csv: GB18030, holds 𠮷 (not encodable in GBK): OK")
    except CheckError as exc:
        print("   ", exc)
        ok = False
    x = read_xlsx_dataset(OUT / "shangyu-umbrella-xlsx" / "伞业数据.xlsx")
    diff = compare_frames(csv_frames["shangyu-umbrella"], x)
    problems = diff + check_pilot(OUT / "shangyu-umbrella-xlsx", regions, x)
    print(f"check shangyu-umbrella-xlsx/伞业数据.xlsx: opens with openpyxl, {len(x)} sheets, "
          f"same rows as the CSV edition: {'OK' if not problems else 'PROBLEMS'}")
    for p in problems:
        print("   ", p)
    ok &= not problems
    # defects: expected.csv well formed
    for sub in ("defects", "defects-missing-table"):
        import pandas as pd

        e = pd.read_csv(OUT / sub / "expected.csv", dtype=str, keep_default_na=False)
        assert list(e.columns) == ["file", "row", "column", "code"], e.columns
        known = set(_all_reason_codes())
        bad = sorted(set(e["code"]) - known) if known else []
        if bad:
            print(f"    {sub}/expected.csv: unknown codes {bad}")
            ok = False
        if e.duplicated().any():
            print(f"    {sub}/expected.csv: duplicate lines")
            ok = False
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the datasets on disk")
    args = ap.parse_args(argv)
    if not args.check:
        generate()
    return 0 if check_all() else 1


if __name__ == "__main__":
    sys.exit(main())
