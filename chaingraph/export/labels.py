"""Chinese (and English) column headers for what analysts read.

One name in code, one in Chinese output (DESIGN.md glossary): every output
column of every named query has one Chinese header here, used by the CLI and
the exports. ``--lang en`` keeps the English column names.

Example
-------
>>> relabel(pd.DataFrame({"affected": [3]}), "zh").columns.tolist()
['涉及企业数']
"""

from __future__ import annotations

import pandas as pd

COLUMN_ZH: dict[str, str] = {
    # shared
    "enterprise_id": "企业编号", "uscc": "统一社会信用代码", "stock_code": "证券代码", "short_name": "证券简称",
    "id_source": "编号来源", "region_source": "区域来源", "address": "地址",
    "enterprise": "企业名称", "size": "规模", "size_zh": "企业规模",
    "supplier_id": "供应方", "customer_id": "采购方",
    "segment_id": "环节编号", "segment": "环节", "segment_order": "环节顺序", "stage": "上中下游代码",
    "stage_zh": "上中下游", "key_link": "关键环节", "region_code": "区划代码", "chain_id": "产业链编号",
    # common_problems
    "rank": "排序", "problem_id": "问题编号", "problem": "问题名称", "category": "类别代码", "category_zh": "问题类别",
    "kind": "类型代码", "kind_zh": "问题类型", "standard_ref": "标准依据", "affected": "涉及企业数",
    "scope_size": "范围内企业数", "share": "涉及比例", "share_lower": "比例95%置信下限",
    "mean_severity": "平均严重程度", "max_severity": "最高严重程度", "score": "加权得分", "cum_share": "累计占比(帕累托)",
    "is_common": "是否共性问题", "observations": "问题记录数", "sources": "证据来源", "segments": "涉及环节(企业数)",
    "segments_touched": "涉及环节数", "common_segments": "环节内共性", "key_links": "涉及关键环节",
    "leaders_affected": "涉及链主数", "leaders": "涉及链主企业", "open": "未解决", "improving": "整改中",
    "resolved": "已解决", "benchmark_id": "对标指标编号", "metric": "对标指标", "unit": "单位",
    "scope_mean": "区域平均值", "domestic_advanced": "国内先进水平", "international_advanced": "国际先进水平",
    "gap_domestic": "与国内先进差距", "gap_international": "与国际先进差距",
    # composition
    "enterprises": "企业数", "share_of_segment": "占环节比例", "employees": "从业人数合计", "revenue": "营业收入合计(万元)",
    "qms_certified": "质量管理体系认证企业数", "certified": "获证企业数", "cert_rate": "获证率",
    "with_open_problems": "存在未解决问题企业数", "problem_rate": "问题企业比例", "observations_per_firm": "户均问题记录",
    # leaders
    "role": "角色代码", "role_zh": "角色", "designated_region": "认定区域", "since": "认定日期", "customers": "直接客户数",
    "suppliers": "直接供应商数", "downstream_reach": "下游辐射企业数", "upstream_reach": "上游带动企业数",
    "pagerank": "网络中心度", "score_rank": "综合排名", "smb_reached": "辐射小微企业数",
    "leader_id": "链主企业编号", "leader": "链主企业", "direction": "方向代码", "direction_zh": "方向", "hops": "级数",
    # weak links
    "kind_zh_weak": "类型", "related_id": "关联企业编号", "related": "关联企业", "detail": "说明",
    # exposure
    "via_id": "经由企业", "via": "传导来源企业", "in_scope": "是否在查询范围内",
    # benchmark gaps
    "higher_is_better": "越高越好", "direction_zh_b": "指标方向", "firms_measured": "测量企业数", "mean": "平均值",
    "median": "中位数", "best": "最好值", "worst": "最差值", "meets_domestic": "达到国内先进企业数",
    "meets_international": "达到国际先进企业数", "share_meets_domestic": "国内先进达标率",
    "share_meets_international": "国际先进达标率", "problems": "关联问题", "value": "测量值", "measured_on": "测量日期",
}
"""English column name → Chinese header."""

UNKNOWN_SIZE_ZH = "规模不详"
"""How a missing size class (``size`` ``unknown``) reads in Chinese output."""

# The same English name is used with one meaning only, except these two display columns.
_CONTEXT = {("weak_links", "kind_zh"): "类型", ("benchmark_gaps", "direction_zh"): "指标方向"}


def relabel(df: pd.DataFrame, lang: str = "zh", query: str | None = None) -> pd.DataFrame:
    """Rename a query frame's columns for output.

    Parameters
    ----------
    df : pandas.DataFrame
    lang : {"zh", "en"}
    query : str, optional
        The query that produced ``df`` (a few display columns depend on it).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        For a language other than ``zh`` / ``en``.

    Example
    -------
    >>> relabel(pd.DataFrame({"problem": ["绳带超长"]}), "en").columns.tolist()
    ['problem']
    """
    if lang == "en":
        return df
    if lang != "zh":
        raise ValueError(f"unknown language '{lang}' (zh or en)")
    names = {c: _CONTEXT.get((query, c), COLUMN_ZH.get(c, c)) for c in df.columns}
    return _size_unknown_zh(df).rename(columns=names)


def _size_unknown_zh(df: pd.DataFrame) -> pd.DataFrame:
    """Size ``unknown`` (or missing, for a firm's row) reads 规模不详: never blank, never guessed.

    A ``size_zh`` (the label beside the ``size`` code) left empty where ``size`` is ``unknown`` or missing
    becomes 规模不详; without a ``size_zh`` column, the ``size`` value ``unknown`` itself reads 规模不详.
    Other values are untouched.
    """
    if "size" not in df.columns:
        return df
    size = df["size"].astype("object")
    unknown = size.isna() | (size == "unknown")
    if not unknown.any():
        return df
    out = df.copy()
    if "size_zh" in out.columns:
        zh = out["size_zh"].astype("object")
        fill = unknown & (zh.isna() | (zh == ""))
        out["size_zh"] = zh.where(~fill, UNKNOWN_SIZE_ZH)
    else:
        out["size"] = size.where(size != "unknown", UNKNOWN_SIZE_ZH)
    return out
