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
    # problem_changes, compare_regions
    "change": "变化代码", "change_zh": "变化", "affected_before": "前期涉及企业数", "affected_after": "后期涉及企业数",
    "scope_before": "前期范围内企业数", "scope_after": "后期范围内企业数", "share_before": "前期涉及比例",
    "share_after": "后期涉及比例", "share_change": "比例变化", "severity_before": "前期平均严重程度",
    "severity_after": "后期平均严重程度", "severity_change": "严重程度变化", "score_before": "前期加权得分",
    "score_after": "后期加权得分", "common_before": "前期是否共性", "common_after": "后期是否共性",
    "rank_before": "前期排序", "rank_after": "后期排序", "region": "区域", "is_total": "是否合计",
    "problems_present": "出现问题数", "common_count": "共性问题数",
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

COLUMN_ZH.update({  # the assistance ledger (帮扶台账), its figures and progress against the targets
    "started": "开始日期", "ended": "结束日期", "days_open": "帮扶天数", "body_id": "帮扶机构编号", "body": "帮扶机构",
    "chains": "所属产业链", "dimension": "帮扶维度", "status": "状态代码", "status_zh": "帮扶状态",
    "effects": "成效类别代码", "effects_zh": "成效类别", "satisfaction": "满意度代码", "satisfaction_zh": "满意度",
    "certified_after": "帮扶后获证", "outcome": "帮扶成效",
    "revenue_before": "帮扶前营业收入(万元)", "revenue_after": "帮扶后营业收入(万元)", "output_before": "帮扶前产值(万元)",
    "output_after": "帮扶后产值(万元)", "profit_margin_before": "帮扶前利润率(%)", "profit_margin_after": "帮扶后利润率(%)",
    "group": "分组", "group_name": "分组名称", "firms": "帮扶企业数", "records": "帮扶记录数",
    "firms_with_effect": "成效明显企业数", "effect_share": "成效明显企业占比", "satisfaction_answers": "满意度填报数",
    "satisfied": "满意", "fair": "基本满意", "dissatisfied": "不满意", "satisfaction_rate": "满意率",
    "effect_awareness": "质量意识提升企业占比", "effect_management": "管理制度更加规范完善企业占比", "effect_environment": "工作环境更加整洁安全企业占比", "effect_process": "工艺流程更加优化企业占比", "effect_product_quality": "产品质量水平提升企业占比", "effect_customer_satisfaction": "客户满意度提升企业占比", "effect_innovation": "创新能力提升企业占比", "effect_performance": "经营业绩提升企业占比", "effect_cost": "成本下降企业占比", "effect_credit": "市场信用增加企业占比", "effect_digital": "数字化智能化水平提升企业占比",
    "revenue_change": "营业收入平均变化(万元)", "output_change": "产值平均变化(万元)",
    "profit_margin_change": "利润率平均变化(百分点)", "revenue_pairs": "营业收入对比记录数",
    "output_pairs": "产值对比记录数", "profit_margin_pairs": "利润率对比记录数",
    "target_id": "目标编号", "metric_zh": "目标指标", "target": "目标值", "actual": "实际值", "share_done": "完成比例",
    "baseline": "基线日期", "deadline": "截止日期", "as_of": "统计日期", "expected_by_now": "按进度应完成",
    "on_track": "是否按进度", "basis": "目标来源",
})

UNKNOWN_SIZE_ZH = "规模不详"
"""How a missing size class (``size`` ``unknown``) reads in Chinese output."""

# The same English name is used with one meaning only, except these two display columns.
_CONTEXT = {("weak_links", "kind_zh"): "类型", ("benchmark_gaps", "direction_zh"): "指标方向",
            ("ledger_summary", "certified_after"): "帮扶后获证企业数", ("progress", "metric"): "指标代码"}


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
