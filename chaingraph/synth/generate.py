"""Synthetic national-scale datasets (合成数据，仅供测试与性能评估 / synthetic, for tests and benchmarks).

:func:`write_synthetic` writes a dataset folder in chaingraph's own CSV format
(canonical English headers, UTF-8, one file per table as named in
:data:`chaingraph.model.TABLES`) with the shape of a national roll-out of the
quality-certification chain-strengthening action:

* **regions** — real, current county-level GB/T 2260 codes from
  :func:`chaingraph.regions.load_regions` in every province; firms per county
  are heavy-tailed (log-normal county weights, coastal provinces heavier);
* **chains** — 16 industry chains with 4–7 segments each (stage, order, key
  links, explicit FEEDS flows); counties specialise in a few chains
  (industrial clusters such as 织里童装 or 安平丝网);
* **enterprises** — valid Unified Social Credit Codes (the county code in
  positions 3–8, unique organisation-code bodies, check characters as
  :func:`chaingraph.codes.make_uscc` computes them), sizes skewed to micro and
  small, employees and revenue by size class, a ``segment_id`` shortcut column
  and a few firms working in a second segment (``operates_in.csv``);
* **supplies** — about five edges per firm: in-degrees negative-binomial,
  suppliers drawn with heavy-tailed attractiveness (a few hubs), mostly from
  the segment just upstream in the same chain and mostly from the same county,
  city or province; some same-segment, skip, reverse (cycles) and cross-chain
  edges; never a self-supply, keys never repeat;
* **observations** — about ten per firm over 60 problems whose prevalence is
  heavy-tailed (Zipf) and differs by chain, segment and province; keys never
  repeat;
* **leaders** — 1–3 per county × chain with firms (the strongest hubs), and
  one per city × chain for the bigger clusters;
* benchmarks, measurements (a fraction of firms), certification bodies,
  certificates and the assistance ledger.

Everything is drawn from ``numpy.random.default_rng`` seeded from ``seed``: the
same ``seed`` and ``n_enterprises`` give byte-identical files, whatever
``chunk_size`` (firms are generated in fixed blocks, each with its own seed;
``chunk_size`` only sets how many are written at once). Rows are written in
chunks through pyarrow's CSV writer, so a million firms with five million supply
edges and ten million observations need well under 2 GiB.

The dataset validates clean (no error, no warning) with
:func:`chaingraph.validate.validate`.

Example
-------
>>> counts = write_synthetic("out/synth-10k", 10_000, seed=1)  # doctest: +SKIP
>>> counts["supplies"] / counts["enterprises"]  # doctest: +SKIP
5.0...
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from chaingraph.ingest.codes import ORG_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS
from chaingraph.ingest.regions import PLACEHOLDERS, load_regions
from chaingraph.model import TABLES

__all__ = ["CHAINS", "GENERATOR_VERSION", "MARKER", "PROBLEMS", "write_synthetic"]

GENERATOR_VERSION = 1
"""Bumped whenever the generated data change for a given seed and size."""

MARKER = "_synth.json"
"""File written last into the dataset folder: generator, version, seed, size and row counts.
Its name starts with ``_`` so :func:`chaingraph.io.read_dataset` skips it."""

BLOCK = 8192
"""Firms per generation block; every block has its own random stream, so output does not depend on chunk size."""

SUPPLIES_PER_FIRM = 5.0
OBSERVATIONS_PER_FIRM = 10.0

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

# ---------------------------------------------------------------------------
# Credit codes, vectorised
# ---------------------------------------------------------------------------

_CHARSET = np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)
_USCC_VAL = np.full(256, -1, dtype=np.int64)
_USCC_VAL[_CHARSET] = np.arange(len(_CHARSET))
_ORG_VAL = np.zeros(256, dtype=np.int64)
_ORG_VAL[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_ORG_VAL[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)] = np.arange(10, 36)
_ORG_CHECK = np.frombuffer(b"?123456789X0", dtype=np.uint8)  # indexed by 11 - sum % 11


def _uscc_matrix(region6: np.ndarray, org8: np.ndarray) -> np.ndarray:
    """USCC bytes ``(n, 18)`` from region digits ``(n, 6)`` and organisation bodies ``(n, 8)`` (uint8).

    Same result as :func:`chaingraph.codes.make_uscc` row by row (authority 9, type 1).
    """
    n = len(region6)
    m = np.empty((n, 18), dtype=np.uint8)
    m[:, 0], m[:, 1] = ord("9"), ord("1")
    m[:, 2:8] = region6
    m[:, 8:16] = org8
    org_total = (_ORG_VAL[org8] * np.asarray(ORG_WEIGHTS)).sum(axis=1)
    m[:, 16] = _ORG_CHECK[11 - org_total % 11]
    total = (_USCC_VAL[m[:, :17]] * np.asarray(USCC_WEIGHTS)).sum(axis=1)
    m[:, 17] = _CHARSET[(31 - total % 31) % 31]
    return m


def _org_bodies(ids: np.ndarray, ma: np.ndarray, seed: int) -> np.ndarray:
    """Unique organisation-code bodies ``(n, 8)``: 8 digits for older firms, ``MA`` + 6 charset characters since
    2015 — an affine bijection of the firm id in each form, so distinct ids never share a body."""
    ids = ids.astype(np.int64)
    out = np.empty((len(ids), 8), dtype=np.uint8)
    m31 = 31**6
    a31, b31 = 387_420_489 + 2 * (seed % 1000), (seed * 7_919 + 12_345) % m31  # a31 odd, not a multiple of 31
    v = (a31 * ids + b31) % m31
    out[:, 0], out[:, 1] = ord("M"), ord("A")
    for k in range(7, 1, -1):
        out[:, k] = _CHARSET[v % 31]
        v //= 31
    m10 = 10**8
    a10, b10 = 48_271_003 + 10 * (seed % 1000), (seed * 104_729 + 7_654_321) % m10  # a10 ends in 3: coprime to 10
    d = (a10 * ids + b10) % m10
    digits = np.empty((len(ids), 8), dtype=np.uint8)
    for k in range(7, -1, -1):
        digits[:, k] = ord("0") + d % 10
        d //= 10
    old = ~ma
    out[old] = digits[old]
    return out


def _fixed_strings(m: np.ndarray) -> pa.Array:
    """An Arrow string array over the rows of a fixed-width ASCII byte matrix (no Python objects)."""
    n, w = m.shape
    offsets = pa.py_buffer(np.arange(0, (n + 1) * w, w, dtype=np.int32))
    return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(np.ascontiguousarray(m).tobytes()))


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as a ``(n, width)`` uint8 matrix."""
    v = values.astype(np.int64)
    out = np.empty((len(v), width), dtype=np.uint8)
    for k in range(width - 1, -1, -1):
        out[:, k] = ord("0") + v % 10
        v //= 10
    return out


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_WRITE = pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=65_536)


class _Table:
    """One CSV file being written: canonical header, then record batches appended."""

    def __init__(self, folder: Path, name: str, progress: Callable[[str, int], None] | None) -> None:
        self.name = name
        self.columns = TABLES[name].columns
        self.path = folder / f"{name}.csv"
        self.rows = 0
        self.progress = progress
        self._fh: IO[bytes] = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._fh.write((",".join(self.columns) + "\n").encode("utf-8"))

    def write(self, cols: dict[str, pa.Array]) -> None:
        if set(cols) != set(self.columns):
            raise ValueError(f"{self.name}: columns {sorted(cols)} differ from the model {sorted(self.columns)}")
        n = len(next(iter(cols.values())))
        if n == 0:
            return
        tbl = pa.table({c: cols[c] for c in self.columns})
        pacsv.write_csv(tbl, self._fh, _WRITE)
        self.rows += n
        if self.progress is not None:
            self.progress(self.name, self.rows)

    def close(self) -> int:
        self._fh.close()
        if self.rows == 0:  # a header without rows is a validation warning; an absent optional table is not
            self.path.unlink()
        return self.rows


def _text(values: np.ndarray | list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"))


def _money(values: np.ndarray, *, decimals: int = 1) -> pa.Array:
    return pa.array(np.round(values, decimals))


def _bools(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(bool))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


# ---------------------------------------------------------------------------
# The population
# ---------------------------------------------------------------------------


class _Population:
    """Counties, segments and firms (arrays over firm ids), laid out segment-major then county code.

    Firm ids are contiguous per (segment, county); counties are sorted by code, so the firms of one segment in
    one city or province are a contiguous id range too — suppliers are drawn from such ranges.
    """

    def __init__(self, n: int, seed: int) -> None:
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
        self.n = n
        self.seed = seed
        # -- counties ------------------------------------------------------------------
        fr = load_regions().frame
        cty = fr[fr["current"] & (fr["level"] == "county") & ~fr["name"].isin(PLACEHOLDERS)]
        cty = cty[cty["code"].str[:2].isin(list(_PROVINCE_WEIGHT))].sort_values("code")
        self.cty_code = cty["code"].to_numpy(dtype=str)
        names = cty["name"].to_numpy(dtype=str)
        self.cty_short = np.array([s[:2] for s in names], dtype=object)
        nc = self.n_cty = len(self.cty_code)
        prov_key = np.array([c[:2] for c in self.cty_code])
        city_key = np.array([c[:4] for c in self.cty_code])
        self.prov_codes, self.cty_prov = np.unique(prov_key, return_inverse=True)
        city_codes, self.cty_city = np.unique(city_key, return_inverse=True)
        self.city_code = np.array([c + "00" for c in city_codes])
        city_prov = np.searchsorted(self.prov_codes, [c[:2] for c in city_codes])
        idx = np.arange(nc)
        self.city_lo = np.full(len(city_codes), nc)
        np.minimum.at(self.city_lo, self.cty_city, idx)
        self.city_hi = np.zeros(len(city_codes), dtype=np.int64)
        np.maximum.at(self.city_hi, self.cty_city, idx)
        self.prov_lo = np.full(len(self.prov_codes), nc)
        np.minimum.at(self.prov_lo, self.cty_prov, idx)
        self.prov_hi = np.zeros(len(self.prov_codes), dtype=np.int64)
        np.maximum.at(self.prov_hi, self.cty_prov, idx)
        # -- segments ------------------------------------------------------------------
        self.seg_chain = np.concatenate([np.full(len(c.segments), i) for i, c in enumerate(CHAINS)])
        self.seg_pos = np.concatenate([np.arange(len(c.segments)) for c in CHAINS])
        self.seg_nseg = np.concatenate([np.full(len(c.segments), len(c.segments)) for c in CHAINS])
        self.seg_id = np.array([f"{c.id}-{k + 1:02d}" for c in CHAINS for k in range(len(c.segments))])
        self.seg_name = np.array([name for c in CHAINS for name, _ in c.segments], dtype=object)
        ns = self.n_seg = len(self.seg_id)
        self.chain_seg0 = np.concatenate([[0], np.cumsum([len(c.segments) for c in CHAINS])])
        # -- firms per county, chain and segment -------------------------------------------
        pw = np.array([_PROVINCE_WEIGHT[p] for p in self.prov_codes])
        w_cty = rng.lognormal(0.0, 1.25, nc) * pw[self.cty_prov]
        active = min(nc, max(60, n // 20))  # a small dataset covers fewer counties, as a pilot would
        if active < nc:
            chosen = rng.choice(nc, size=active, replace=False, p=w_cty / w_cty.sum())
            w_cty = np.where(np.isin(np.arange(nc), chosen), w_cty, 0.0)
        per_cty = rng.multinomial(n, w_cty / w_cty.sum())
        n_chain = len(CHAINS)
        pop = rng.lognormal(0.0, 0.6, n_chain)
        # clusters: a province leans to a few chains, its cities to some of those, its counties further still
        pop = pop / pop.sum()
        p_prov = 0.3 * pop + 0.7 * rng.dirichlet(np.full(n_chain, 0.3), size=len(self.prov_codes))
        p_city = _dirichlet_rows(rng, 3.0 * p_prov[city_prov] + 1e-3)
        p_chain = 0.05 * pop + 0.95 * _dirichlet_rows(rng, 2.0 * p_city[self.cty_city] + 1e-3)
        p_chain /= p_chain.sum(axis=1, keepdims=True)
        per_cc = rng.multinomial(per_cty, p_chain)  # (county, chain)
        counts = np.zeros((ns, nc), dtype=np.int64)
        for i, c in enumerate(CHAINS):
            k = len(c.segments)
            base = rng.lognormal(0.0, 0.4, k)
            base[k - 1] *= 0.7  # fewer firms at the very end of a chain
            p_seg = rng.dirichlet(6.0 * base / base.sum(), size=nc) + 1e-12
            p_seg /= p_seg.sum(axis=1, keepdims=True)
            counts[self.chain_seg0[i]:self.chain_seg0[i + 1]] = rng.multinomial(per_cc[:, i], p_seg).T
        self.flat = counts.ravel()
        self.start = np.concatenate([[0], np.cumsum(self.flat)]).astype(np.int64)
        cells = np.arange(ns * nc)
        self.firm_seg = np.repeat(cells // nc, self.flat).astype(np.int32)
        self.firm_cty = np.repeat(cells % nc, self.flat).astype(np.int32)
        self.firm_chain = self.seg_chain[self.firm_seg].astype(np.int32)
        # -- firm attributes -------------------------------------------------------------
        self.size = rng.choice(4, size=n, p=_SIZE_P).astype(np.int8)
        lo_emp, hi_emp = np.array([1, 20, 300, 1000]), np.array([19, 299, 999, 12000])
        u = rng.random(n) ** 2.2  # skewed to the low end of each class
        self.employees = (lo_emp[self.size] + u * (hi_emp[self.size] - lo_emp[self.size])).astype(np.int64)
        lo_rev, hi_rev = np.array([10.0, 300.0, 2000.0, 40000.0]), np.array([300.0, 2000.0, 40000.0, 600000.0])
        v = rng.random(n) ** 2.0
        self.revenue = np.round(lo_rev[self.size] * (hi_rev[self.size] / lo_rev[self.size]) ** v, 1)
        age = rng.gamma(2.0, 4.0 + 3.0 * self.size, n)  # bigger firms are older
        self.founded = (_day("2024-12-31") - np.minimum(age, 40.0) * 365.25).astype(np.int64)
        self.qms = rng.random(n) < np.array([0.10, 0.32, 0.65, 0.92])[self.size]
        self.weight = np.array([1.0, 2.5, 6.0, 15.0])[self.size] * np.minimum(rng.pareto(1.6, n) + 1.0, 60.0)
        self.cw = np.concatenate([[0.0], np.cumsum(self.weight)])
        indeg = np.array([0.8, 1.2, 2.2, 3.5])[self.size] * np.where(self.seg_pos[self.firm_seg] == 0, 0.35, 1.0)
        self.indeg = SUPPLIES_PER_FIRM * indeg / indeg.mean() if n else indeg
        self.order = rng.permutation(n)  # firm written at each enterprises.csv row
        # -- credit codes and names -------------------------------------------------------
        region6 = np.frombuffer("".join(self.cty_code).encode(), dtype=np.uint8).reshape(nc, 6)
        ids = np.arange(n)
        mat = _uscc_matrix(region6[self.firm_cty], _org_bodies(ids, self.founded >= _MA_SINCE, seed))
        self.uscc = _fixed_strings(mat)
        brand = np.array(list(_BRAND), dtype=object)
        b1, b2 = rng.integers(0, len(brand), n), rng.integers(0, len(brand), n)
        suffix = rng.integers(0, len(_SUFFIX) - 1, n)
        suffix[self.size == 3] = len(_SUFFIX) - 1
        words = np.array([c.word for c in CHAINS], dtype=object)
        self.name = _join(_text(self.cty_short[self.firm_cty]), _text(brand[b1]), _text(brand[b2]),
                          _text(words[self.firm_chain]), _text(np.array(_SUFFIX, dtype=object)[suffix]))
        # -- problems: prevalence by chain x segment x province --------------------------------
        npb = len(PROBLEMS)
        zipf = 1.0 / np.arange(1, npb + 1) ** 1.15
        logits = np.empty((ns, npb))
        for i in range(n_chain):
            chain_pop = zipf[rng.permutation(npb)]
            for s in range(self.chain_seg0[i], self.chain_seg0[i + 1]):
                logits[s] = np.log(chain_pop) + rng.normal(0.0, 0.7, npb)
        prov = rng.normal(0.0, 0.35, (len(self.prov_codes), npb))
        p = np.exp(logits[:, None, :] + prov[None, :, :])  # (segment, province, problem)
        p /= p.sum(axis=2, keepdims=True)
        self.prob_cum = np.cumsum(p, axis=2).astype(np.float32)
        self.prob_cum[:, :, -1] = 1.0
        self.prob_severity = rng.uniform(1.6, 3.8, npb)

    # -- supply ranges -------------------------------------------------------------------
    def draw_suppliers(self, rng: np.random.Generator, cust: np.ndarray,
                       min_level: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Supplier (or -1) and product code for each customer in ``cust``.

        ``min_level`` widens the search (0 county … 3 nation): a customer that already buys from every
        local supplier of a segment looks further away.
        """
        e = len(cust)
        s = self.firm_seg[cust].astype(np.int64)
        pos, nseg = self.seg_pos[s], self.seg_nseg[s]
        link = rng.choice(len(_LINK_P), size=e, p=_LINK_P)
        t = s.copy()
        t -= (link == 0) & (pos > 0)
        t -= np.where(link == 2, np.minimum(pos, 2), 0)
        rev = link == 3
        t += rev & (pos < nseg - 1)
        t -= rev & (pos == nseg - 1) & (pos > 0)
        cross = np.flatnonzero(link == 4)
        t[cross] = rng.integers(0, self.n_seg, len(cross))
        level = np.maximum(rng.choice(4, size=e, p=_LEVEL_P), min(min_level, 3))
        c = self.firm_cty[cust].astype(np.int64)
        city, prov = self.cty_city[c], self.cty_prov[c]
        bounds = ((c, c), (self.city_lo[city], self.city_hi[city]), (self.prov_lo[prov], self.prov_hi[prov]),
                  (np.zeros(e, dtype=np.int64), np.full(e, self.n_cty - 1)))
        base = t * self.n_cty
        lo = np.stack([self.start[base + a] for a, _ in bounds])
        hi = np.stack([self.start[base + b] + self.flat[base + b] for _, b in bounds])
        ok = (hi > lo) & (np.arange(4)[:, None] >= level)
        eff = np.where(ok, np.arange(4)[:, None], 4).min(axis=0)
        sup = np.full(e, -1, dtype=np.int64)
        good = np.flatnonzero(eff < 4)
        lo_g, hi_g = lo[eff[good], good], hi[eff[good], good]
        u = self.cw[lo_g] + rng.random(len(good)) * (self.cw[hi_g] - self.cw[lo_g])
        pick = np.clip(np.searchsorted(self.cw, u, side="right") - 1, lo_g, hi_g - 1)
        sup[good] = pick
        sup[sup == cust] = -1
        variant = rng.random(e) < 0.15
        return sup, t * 2 + variant


def _dirichlet_rows(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """One Dirichlet draw per row of ``alpha`` (numpy's ``dirichlet`` takes a single parameter vector)."""
    g = rng.gamma(alpha) + 1e-300
    return g / g.sum(axis=1, keepdims=True)


def _blocks(n: int) -> list[tuple[int, int, int]]:
    return [(b, lo, min(lo + BLOCK, n)) for b, lo in enumerate(range(0, n, BLOCK))]


def _block_rng(seed: int, table: int, block: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, table, block]))


# ---------------------------------------------------------------------------
# Table writers
# ---------------------------------------------------------------------------


def _static_tables(pop: _Population, folder: Path, seed: int, progress) -> tuple[dict[str, int], dict]:
    """chains, segments, segment_flows, benchmarks, problems, cert_bodies; returns counts and lookups."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    counts: dict[str, int] = {}

    def write(name: str, cols: dict[str, pa.Array]) -> None:
        t = _Table(folder, name, progress)
        t.write(cols)
        counts[name] = t.close()

    write("chains", {"id": _text([c.id for c in CHAINS]), "name": _text([c.name for c in CHAINS]),
                     "industry_code": _text([c.industry_code for c in CHAINS])})
    key = np.array([k in c.key_links for c in CHAINS for k in range(len(c.segments))])
    write("segments", {
        "id": _text(pop.seg_id), "chain_id": _text([CHAINS[i].id for i in pop.seg_chain]),
        "name": _text(pop.seg_name.tolist()), "stage": _text([_STAGE[st] for c in CHAINS for _, st in c.segments]),
        "order": pa.array(pop.seg_pos + 1), "key_link": _bools(key)})
    src, dst = [], []
    for i, c in enumerate(CHAINS):
        s0, k = pop.chain_seg0[i], len(c.segments)
        src += [s0 + j for j in range(k - 1)]
        dst += [s0 + j + 1 for j in range(k - 1)]
        if k >= 5:  # an upstream segment that also feeds two steps down (e.g. 辅料 straight to 缝制)
            src.append(s0 + 1)
            dst.append(s0 + 3)
    write("segment_flows", {"from_segment": _text(pop.seg_id[src]), "to_segment": _text(pop.seg_id[dst])})
    # benchmarks: general ones (no chain) and 2–3 per chain
    b_id, b_metric, b_unit, b_dom, b_int, b_hib, b_chain, b_spread = [], [], [], [], [], [], [], []
    for k, (metric, unit, dom, intl, hib, spread) in enumerate(_GENERAL_METRICS):
        b_id.append(f"B-GEN-{k + 1:02d}")
        b_metric.append(metric)
        b_unit.append(unit)
        b_dom.append(dom)
        b_int.append(intl)
        b_hib.append(hib)
        b_chain.append(None)
        b_spread.append(spread)
    chain_bench: list[list[int]] = []
    for c in CHAINS:
        picks = rng.choice(len(_CHAIN_METRICS), size=int(rng.integers(2, 4)), replace=False)
        mine = []
        for k in sorted(picks.tolist()):
            metric, unit, dom, intl, hib, spread = _CHAIN_METRICS[k]
            f = float(rng.uniform(0.97, 1.0)) if unit == "%" else float(rng.uniform(0.9, 1.1))
            mine.append(len(b_id))
            b_id.append(f"B-{c.id}-{k + 1:02d}")
            b_metric.append(f"{c.name}{metric}")
            b_unit.append(unit)
            b_dom.append(round(dom * f, 2) if hib or unit != "%" else round(dom / f, 2))
            b_int.append(round(intl * f, 2) if hib or unit != "%" else round(intl / f, 2))
            b_hib.append(hib)
            b_chain.append(c.id)
            b_spread.append(spread)
        chain_bench.append(mine)
    write("benchmarks", {
        "id": _text(b_id), "metric": _text(b_metric), "unit": _text([u or None for u in b_unit]),
        "domestic_advanced": pa.array(b_dom, type=pa.float64()),
        "international_advanced": pa.array(b_int, type=pa.float64()),
        "higher_is_better": pa.array(b_hib, type=pa.bool_()), "chain_id": _text(b_chain)})
    npb = len(PROBLEMS)
    cats = [cat for _, cat in PROBLEMS]
    kinds = rng.choice(3, size=npb, p=(0.4, 0.35, 0.25))
    refs = [_STANDARD_REFS[cat][int(rng.integers(0, 6))] if rng.random() < 0.8 else None for cat in cats]
    # a few problems link to a general benchmark metric
    linked = {2: 2, 4: 2, 17: 0, 20: 2, 22: 0, 25: 1, 32: 1, 40: 3, 50: 3, 6: 0}
    write("problems", {
        "id": _text([f"P{i + 1:03d}" for i in range(npb)]), "name": _text([nm for nm, _ in PROBLEMS]),
        "category": _text(cats), "kind": _text([_KINDS[k] for k in kinds]), "standard_ref": _text(refs),
        "benchmark_id": _text([b_id[linked[i]] if i in linked else None for i in range(npb)])})
    n_bodies = 48
    provs = load_regions().frame
    pnames = provs.set_index("code")["name"].reindex([p + "0000" for p in pop.prov_codes]).to_numpy(dtype=str)
    body_prov = rng.integers(0, len(pnames), n_bodies)
    brand = np.array(list(_BRAND), dtype=object)
    bb = rng.integers(0, len(brand), (n_bodies, 2))
    write("cert_bodies", {
        "id": _text([f"CNCA-R-{2002 + i // 8}-{i + 1:03d}" for i in range(n_bodies)]),
        "name": _text([f"{pnames[body_prov[i]][:2]}{brand[bb[i, 0]]}{brand[bb[i, 1]]}认证有限公司"
                       for i in range(n_bodies)])})
    bench = {"id": np.array(b_id), "dom": np.array(b_dom), "intl": np.array(b_int), "hib": np.array(b_hib),
             "spread": np.array(b_spread), "percent": np.array([u == "%" for u in b_unit]), "chain": chain_bench, "n_general": len(_GENERAL_METRICS),
             "bodies": np.array([f"CNCA-R-{2002 + i // 8}-{i + 1:03d}" for i in range(n_bodies)])}
    return counts, bench


def _enterprises(pop: _Population, folder: Path, batch: int, progress) -> dict[str, int]:
    ent = _Table(folder, "enterprises", progress)
    ops = _Table(folder, "operates_in", progress)
    sizes = np.array(_SIZES, dtype=object)
    for lo in range(0, pop.n, batch):
        firms = pop.order[lo:lo + batch]
        take = pa.array(firms)
        ent.write({
            "uscc": pop.uscc.take(take), "name": pop.name.take(take),
            "region_code": _text(pop.cty_code[pop.firm_cty[firms]]),
            "segment_id": _text(pop.seg_id[pop.firm_seg[firms]]), "size": _text(sizes[pop.size[firms]]),
            "employees": pa.array(pop.employees[firms]), "revenue": _money(pop.revenue[firms]),
            "founded": _dates(pop.founded[firms]), "qms_certified": _bools(pop.qms[firms])})
    # about 3 % of firms also work in a neighbouring segment of their chain
    rng = np.random.default_rng(np.random.SeedSequence([pop.seed, 3]))
    pick = pop.order[rng.random(pop.n) < 0.03]
    s = pop.firm_seg[pick].astype(np.int64)
    pos, nseg = pop.seg_pos[s], pop.seg_nseg[s]
    down = (rng.random(len(pick)) < 0.5) & (pos < nseg - 1) | (pos == 0)
    other = np.where(down, s + 1, s - 1)
    fine = (nseg > 1)
    pick, other = pick[fine], other[fine]
    for lo in range(0, len(pick), batch):
        ops.write({"uscc": pop.uscc.take(pa.array(pick[lo:lo + batch])),
                   "segment_id": _text(pop.seg_id[other[lo:lo + batch]])})
    return {"enterprises": ent.close(), "operates_in": ops.close()}


def _unique_rows(keys: np.ndarray, done: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Rows that keep their key: ``valid`` rows, the first of each key, rows already ``done`` winning ties."""
    order = np.lexsort((~done, keys))
    ks = keys[order]
    first = np.ones(len(ks), dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    out = np.zeros(len(keys), dtype=bool)
    out[order[first]] = True
    return out & valid


def _supplies(pop: _Population, folder: Path, batch: int, progress) -> dict[str, int]:
    tbl = _Table(folder, "supplies", progress)
    n_prod = 2 * pop.n_seg
    products = np.array([nm if v == 0 else f"{nm}（定制）" for nm in pop.seg_name for v in (0, 1)], dtype=object)
    sizes_v = np.array([0.0, 0.8, 1.8, 2.8])
    pending: list[dict[str, pa.Array]] = []
    rows = 0
    for b, lo, hi in _blocks(pop.n):
        rng = _block_rng(pop.seed, 10, b)
        firms = pop.order[lo:hi]
        k = rng.poisson(pop.indeg[firms] * rng.gamma(1.5, 1 / 1.5, len(firms)))
        cust = np.repeat(firms, k).astype(np.int64)
        e = len(cust)
        sup = np.full(e, -1, dtype=np.int64)
        prod = np.zeros(e, dtype=np.int64)
        done = np.zeros(e, dtype=bool)
        for attempt in range(8):  # redraw self-supplies, empty ranges and repeated keys, looking wider each time
            redo = np.flatnonzero(~done)
            if not len(redo):
                break
            sup[redo], prod[redo] = pop.draw_suppliers(rng, cust[redo], attempt // 2)
            valid = sup >= 0
            keys = (cust * pop.n + np.maximum(sup, 0)) * n_prod + prod
            done = _unique_rows(keys, done, valid)
        keep = np.flatnonzero(done)
        cust, sup, prod = cust[keep], sup[keep], prod[keep]
        value = np.exp(rng.normal(3.0 + sizes_v[pop.size[sup]] + 0.5 * sizes_v[pop.size[cust]], 0.9))
        value = np.maximum(np.round(value, 1), 0.1)
        val = _money(value)
        blank = rng.random(len(keep)) < 0.05
        if blank.any():
            val = pa.array(np.where(blank, np.nan, value), from_pandas=True)
        pending.append({"supplier_uscc": pop.uscc.take(pa.array(sup)), "customer_uscc": pop.uscc.take(pa.array(cust)),
                        "product": _text(products[prod]), "value": val})
        rows += len(keep)
        if rows >= batch * SUPPLIES_PER_FIRM or hi == pop.n:
            tbl.write(_concat(pending))
            pending, rows = [], 0
    return {"supplies": tbl.close()}


def _concat(parts: list[dict[str, pa.Array]]) -> dict[str, pa.Array]:
    return {c: pa.concat_arrays([p[c].cast(parts[0][c].type) if p[c].type != parts[0][c].type else p[c]
                                 for p in parts]) for c in parts[0]}


def _observations(pop: _Population, bench: dict, folder: Path, batch: int, progress) -> dict[str, int]:
    obs_t = _Table(folder, "observations", progress)
    ast_t = _Table(folder, "assistance", progress)
    pids = np.array([f"P{i + 1:03d}" for i in range(len(PROBLEMS))], dtype=object)
    src_names = np.array(_SOURCES, dtype=object)
    status_names = np.array(_STATUS, dtype=object)
    dims = np.array(_DIMENSIONS, dtype=object)
    outcome = np.array(_OUTCOME, dtype=object)
    n_prov = len(pop.prov_codes)
    span = _OBS_LAST - _OBS_FIRST + 1
    pend_o: list[dict[str, pa.Array]] = []
    pend_a: list[dict[str, pa.Array]] = []
    rows = 0
    for b, lo, hi in _blocks(pop.n):
        rng = _block_rng(pop.seed, 20, b)
        firms = pop.order[lo:hi]
        k = rng.poisson(OBSERVATIONS_PER_FIRM * rng.gamma(3.0, 1 / 3.0, len(firms)))
        f = np.repeat(firms, k).astype(np.int64)
        e = len(f)
        cell = pop.firm_seg[f].astype(np.int64) * n_prov + pop.cty_prov[pop.firm_cty[f]]
        cum = pop.prob_cum.reshape(-1, len(PROBLEMS))[cell]
        prob = np.minimum((cum < rng.random(e, dtype=np.float32)[:, None]).sum(axis=1), len(PROBLEMS) - 1)
        src = rng.choice(4, size=e, p=_SOURCE_P)
        day = _OBS_FIRST + rng.integers(0, span, e)
        keys = ((f * len(PROBLEMS) + prob) * 4 + src) * span + (day - _OBS_FIRST)
        _, first = np.unique(keys, return_index=True)
        keep = np.sort(first)
        f, prob, src, day = f[keep], prob[keep], src[keep], day[keep]
        e = len(f)
        sev = np.clip(np.rint(pop.prob_severity[prob] + rng.normal(0.0, 0.9, e)), 1, 5).astype(np.int64)
        age = (_OBS_LAST - day) / span
        r = rng.random(e)
        p_res = 0.15 + 0.55 * age
        status = np.where(r < p_res, 2, np.where(r < p_res + 0.25, 1, 0))
        pend_o.append({"uscc": pop.uscc.take(pa.array(f)), "problem_id": _text(pids[prob]),
                       "severity": pa.array(sev), "source": _text(src_names[src]), "observed_on": _dates(day),
                       "status": _text(status_names[status])})
        # assistance: a certification body helps some firms with their first recorded problem
        firm_u, first_row = np.unique(f, return_index=True)
        helped = rng.random(len(firm_u)) < np.array([0.03, 0.05, 0.08, 0.10])[pop.size[firm_u]]
        rows_a = first_row[helped]
        na = len(rows_a)
        if na:
            started = np.minimum(day[rows_a] + rng.integers(7, 180, na), _ASSIST_LAST)
            st = rng.choice(3, size=na, p=(0.2, 0.4, 0.4))
            pend_a.append({"body_id": _text(bench["bodies"][rng.integers(0, len(bench["bodies"]), na)]),
                           "uscc": pop.uscc.take(pa.array(f[rows_a])), "problem_id": _text(pids[prob[rows_a]]),
                           "dimension": _text(dims[rng.integers(0, len(dims), na)]), "started": _dates(started),
                           "status": _text(status_names[st]),
                           "outcome": _text([x or None for x in outcome[st]])})
        rows += e
        if rows >= batch * OBSERVATIONS_PER_FIRM or hi == pop.n:
            obs_t.write(_concat(pend_o))
            if pend_a:
                ast_t.write(_concat(pend_a))
            pend_o, pend_a, rows = [], [], 0
    return {"observations": obs_t.close(), "assistance": ast_t.close()}


def _leaders(pop: _Population, folder: Path, seed: int, progress) -> dict[str, int]:
    """1–3 designated leaders per county × chain with firms (the strongest firms), 1 per big city × chain."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))
    n_chain = len(CHAINS)
    score = pop.weight * np.array([1.0, 2.0, 4.0, 8.0])[pop.size]
    chain_ids = np.array([c.id for c in CHAINS], dtype=object)
    out_f: list[np.ndarray] = []
    out_r: list[np.ndarray] = []
    for group, codes, min_firms in ((pop.firm_cty.astype(np.int64), pop.cty_code, 1),
                                    (pop.cty_city[pop.firm_cty].astype(np.int64), pop.city_code, 150)):
        g = group * n_chain + pop.firm_chain
        order = np.lexsort((-score, g))
        gs = g[order]
        starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
        sizes = np.diff(np.r_[starts, len(gs)])
        rank = np.arange(len(gs)) - np.repeat(starts, sizes)
        n_in = np.repeat(sizes, sizes)
        if min_firms == 1:
            quota = np.where(n_in < 40, 1, np.where(n_in < 400, 2, 3))
        else:
            quota = np.where(n_in >= min_firms, 1, 0)
        sel = order[rank < quota]
        out_f.append(sel)
        out_r.append(codes[group[sel]])
    firms = np.concatenate(out_f)
    region = np.concatenate(out_r)
    # city-level designations only for real cities: not 市辖区 / 省直辖县级行政单位 groupings, not retired codes
    fr = load_regions().frame
    real = fr.loc[fr["current"] & ~fr["name"].isin(PLACEHOLDERS), "code"].to_numpy(dtype=str)
    keep = np.isin(region, real)
    firms, region = firms[keep], region[keep]
    since = _day("2019-01-01") + rng.integers(0, _day("2024-12-31") - _day("2019-01-01"), len(firms))
    tbl = _Table(folder, "leaders", progress)
    tbl.write({"uscc": pop.uscc.take(pa.array(firms)), "chain_id": _text(chain_ids[pop.firm_chain[firms]]),
               "region_code": _text(region), "since": _dates(since)})
    return {"leaders": tbl.close()}


def _measurements_certs(pop: _Population, bench: dict, folder: Path, batch: int, progress) -> dict[str, int]:
    mea_t = _Table(folder, "measurements", progress)
    cer_t = _Table(folder, "certifications", progress)
    n_gen = bench["n_general"]
    slots = max(len(b) for b in bench["chain"]) + n_gen
    table = np.full((len(CHAINS), slots), -1, dtype=np.int64)
    for i, mine in enumerate(bench["chain"]):
        row = list(range(n_gen)) + mine
        table[i, :len(row)] = row
    bodies = bench["bodies"]
    stds = np.array([s for s, _ in _CERT_STANDARDS], dtype=object)
    letters = np.frombuffer("".join(code for _, code in _CERT_STANDARDS).encode(), dtype=np.uint8)
    pend_m: list[dict[str, pa.Array]] = []
    pend_c: list[dict[str, pa.Array]] = []
    rows = 0
    width = max(8, len(str(pop.n)))
    for b, lo, hi in _blocks(pop.n):
        rng = _block_rng(pop.seed, 30, b)
        firms = pop.order[lo:hi]
        # measurements for a fraction of firms, more for bigger ones
        measured = firms[rng.random(len(firms)) < np.array([0.08, 0.15, 0.35, 0.60])[pop.size[firms]]]
        cand = table[pop.firm_chain[measured]]
        take = (cand >= 0) & (rng.random(cand.shape) < 0.45)
        fi, si = np.nonzero(take)
        f, bi = measured[fi], cand[fi, si]
        twice = rng.random(len(f)) < 0.3
        f = np.concatenate([f, f[twice]])
        bi = np.concatenate([bi, bi[twice]])
        first = np.r_[np.ones(len(twice), dtype=bool), np.zeros(int(twice.sum()), dtype=bool)]
        day = np.where(first, _day("2022-01-01"), _day("2024-01-01")) + rng.integers(0, 365, len(f))
        o = np.lexsort((day, bi, f))
        f, bi, day = f[o], bi[o], day[o]
        dom, spread = bench["dom"][bi], bench["spread"][bi]
        sign = np.where(bench["hib"][bi], 1.0, -1.0)
        behind = np.abs(rng.normal(0.6, 0.8, len(f))) * spread / (1.0 + pop.size[f])
        ahead = rng.random(len(f)) < 0.1
        value = np.where(ahead, dom + sign * np.abs(rng.normal(0.0, 0.2, len(f))) * spread, dom - sign * behind)
        value = np.maximum(value, 0.0)
        value = np.where(bench["percent"][bi] & (sign > 0), np.minimum(value, 100.0), value)
        pend_m.append({"uscc": pop.uscc.take(pa.array(f)), "benchmark_id": _text(bench["id"][bi]),
                       "value": pa.array(np.round(value, 3)), "measured_on": _dates(day)})
        # certificates: ISO 9001 for most QMS-certified firms, other schemes for a few
        qf = firms[pop.qms[firms] & (rng.random(len(firms)) < 0.9)]
        other = firms[rng.random(len(firms)) < 0.06 * (1 + pop.size[firms])]
        std_o = rng.integers(1, len(stds), len(other))
        cf = np.concatenate([qf, other])
        cs = np.concatenate([np.zeros(len(qf), dtype=np.int64), std_o])
        _, u = np.unique(cf * len(stds) + cs, return_index=True)
        u = np.sort(u)
        cf, cs = cf[u], cs[u]
        nc = len(cf)
        issued = _day("2019-01-01") + rng.integers(0, _day("2024-12-31") - _day("2019-01-01"), nc)
        body = rng.integers(0, len(bodies), nc)
        yy = (issued.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970) % 100
        no = np.concatenate([_digits(body + 1, 3), _digits(yy, 2), letters[cs][:, None], _digits(cf, width)],
                            axis=1)
        pend_c.append({"uscc": pop.uscc.take(pa.array(cf)), "body_id": _text(bodies[body]),
                       "standard": _text(stds[cs]), "cert_no": _fixed_strings(no), "issued": _dates(issued),
                       "expires": _dates(issued + 3 * 365)})
        rows += hi - lo
        if rows >= batch or hi == pop.n:
            mea_t.write(_concat(pend_m))
            cer_t.write(_concat(pend_c))
            pend_m, pend_c, rows = [], [], 0
    return {"measurements": mea_t.close(), "certifications": cer_t.close()}


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------

_OUR_FILES = {f"{name}.csv" for name in TABLES} | {MARKER}


def write_synthetic(out_dir: str | os.PathLike[str], n_enterprises: int, *, seed: int = 0,
                    chunk_size: int = 200_000,
                    progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write a synthetic national-scale dataset folder (CSV, canonical headers, UTF-8).

    Parameters
    ----------
    out_dir : str or os.PathLike
        Folder to write; created if missing. An existing folder must be empty or
        hold an earlier synthetic dataset (it has ``_synth.json``); its table files are replaced.
    n_enterprises : int
        Number of firms (≥ 1). Supply edges are about 5 × and observations about
        10 × this number.
    seed : int
        Seed of every random draw: the same seed and size give byte-identical files.
    chunk_size : int
        Firms per write batch (memory, not output, depends on it).
    progress : callable, optional
        Called as ``progress(table, rows_written_so_far)`` after every batch written.

    Returns
    -------
    dict
        Table name → rows written, in :data:`chaingraph.model.LOAD_ORDER` order
        (``regions`` is not written; tables without rows are left out as files and count 0).

    Raises
    ------
    ValueError
        If ``n_enterprises`` < 1, ``seed`` < 0 or ``chunk_size`` < 1.
    FileExistsError
        If ``out_dir`` is a file, or a folder that is not empty and holds no earlier synthetic dataset.

    Example
    -------
    >>> counts = write_synthetic("out/synth-2k", 2_000, seed=7)  # doctest: +SKIP
    >>> from chaingraph.validate import validate  # doctest: +SKIP
    >>> r = validate("out/synth-2k"); (r.n_errors, r.n_warnings)  # doctest: +SKIP
    (0, 0)
    """
    if int(n_enterprises) != n_enterprises or n_enterprises < 1:
        raise ValueError(f"n_enterprises must be a positive integer, got {n_enterprises!r}")
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if int(chunk_size) != chunk_size or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    n, seed, batch = int(n_enterprises), int(seed), int(chunk_size)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder}: exists and is not a folder")
    if folder.exists():
        present = {p.name for p in folder.iterdir()}
        if present and MARKER not in present:
            raise FileExistsError(f"{folder}: folder is not empty and holds no synthetic dataset ({MARKER})")
        for name in present & _OUR_FILES:
            (folder / name).unlink()
    folder.mkdir(parents=True, exist_ok=True)

    pop = _Population(n, seed)
    counts, bench = _static_tables(pop, folder, seed, progress)
    counts |= _enterprises(pop, folder, batch, progress)
    counts |= _supplies(pop, folder, batch, progress)
    counts |= _leaders(pop, folder, seed, progress)
    counts |= _observations(pop, bench, folder, batch, progress)
    counts |= _measurements_certs(pop, bench, folder, batch, progress)
    from chaingraph.model import LOAD_ORDER

    ordered = {t: counts.get(t, 0) for t in LOAD_ORDER if t != "regions"}
    marker = {"generator": "chaingraph.synth", "version": GENERATOR_VERSION, "seed": seed, "n_enterprises": n,
              "counts": ordered}
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return ordered
