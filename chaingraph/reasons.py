"""Reason codes of validation issues: one list, with severity and Chinese text.

Every issue the validator reports carries one of these codes. ``error`` rejects
the row (or the table); ``warning`` keeps it (``--strict`` turns warnings into
errors).

Example
-------
>>> REASONS["uscc_check"].severity
'warning'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """A validation reason code.

    Parameters
    ----------
    code : str
        Stable machine-readable code (used in reports and tests).
    severity : {"error", "warning"}
    en, zh : str
        Short description in English and Chinese.
    """

    code: str
    severity: str
    en: str
    zh: str


_ALL = [
    # file / table level
    Reason("empty_file", "error", "file is empty or has no header row", "文件为空或缺少表头"),
    Reason("encoding_invalid", "error", "file is not UTF-8 (with or without BOM) nor GB18030", "文件编码无法识别"),
    Reason("file_unreadable", "error", "file cannot be read as a table", "文件无法读取"),
    Reason("row_malformed", "error", "row has more or fewer cells than the header", "该行单元格数与表头不一致"),
    Reason("missing_table", "error", "required table is missing", "缺少必需的数据表"),
    Reason("unknown_table", "warning", "file does not match any table and was not read", "文件不对应任何数据表，未读取"),
    Reason("no_rows", "warning", "table has a header but no rows", "数据表只有表头，没有数据行"),
    Reason("missing_column", "error", "required column is missing", "缺少必需列"),
    Reason("duplicate_column", "error", "two headers map to the same column", "多个表头对应同一列"),
    Reason("unknown_column", "warning", "column is not in the model and was ignored", "未知列，已忽略"),
    # cell level
    Reason("required_missing", "error", "required value is blank", "必填项为空"),
    Reason("value_unknown", "warning", "value marked unknown (e.g. 不详, —); stored as missing", "值标记为不详，按缺失处理"),
    Reason("uscc_malformed", "error", "not an 18-character Unified Social Credit Code", "统一社会信用代码格式错误"),
    Reason("uscc_scientific", "error", "credit code mangled into scientific notation by a spreadsheet",
           "统一社会信用代码被电子表格转成科学计数法"),
    Reason("uscc_truncated", "error", "credit code digits past the 15th were zeroed by a spreadsheet",
           "统一社会信用代码第15位之后被电子表格置零"),
    Reason("uscc_check", "warning", "credit code check character does not match (GB 32100-2015)",
           "统一社会信用代码校验位不符"),
    Reason("uscc_org_check", "warning", "embedded organisation code check digit does not match (GB 11714)",
           "统一社会信用代码中的组织机构代码校验位不符"),
    Reason("stock_code_malformed", "error", "not a stock code (600373, 600373.SH, SZ000001)", "证券代码格式错误"),
    Reason("stock_code_padded", "warning", "stock code lost its leading zeros in a spreadsheet; restored",
           "证券代码前导零被电子表格删除，已补齐"),
    Reason("stock_code_exchange", "warning", "the exchange given is not the one the code's prefix says",
           "证券代码与交易所不一致"),
    Reason("id_from_name", "warning", "no credit code, stock code or own code: identified by its full name",
           "无统一社会信用代码、证券代码或企业编号，以企业全称识别"),
    Reason("firm_merged", "warning", "the same firm listed under another code (same full name); merged",
           "同一企业以不同代码出现（全称相同），已合并"),
    Reason("firm_ambiguous", "error", "the name refers to several firms; use a code", "名称对应多家企业，请使用代码"),
    Reason("region_missing", "error", "no region (give 所在地区, or build with --infer-region)",
           "缺少所在地区（请填写，或使用 --infer-region 从名称或地址推断）"),
    Reason("region_inferred", "warning", "region read from the firm's name or address (--infer-region)",
           "所在地区由企业名称或地址推断"),
    Reason("flow_cycle", "warning", "segment flows form a cycle; its segments were still placed",
           "环节流向成环，各环节仍已排序"),
    Reason("region_unknown", "error", "region code or name not in GB/T 2260", "区划代码或名称不在 GB/T 2260 中"),
    Reason("region_mangled", "error", "region code mangled by a spreadsheet (e.g. 330502.0)", "区划代码被电子表格改写"),
    Reason("region_ambiguous", "error", "region name matches several regions", "区域名称对应多个区划"),
    Reason("region_abolished", "error", "region name only matches an abolished division; the message names the "
           "current one", "区域名称只对应已撤销的区划，请使用现行名称"),
    Reason("region_by_name", "warning", "region given by name and resolved to its code", "区域以名称给出，已解析为代码"),
    Reason("region_retired", "warning", "region code no longer current in GB/T 2260", "区划代码已撤销或变更"),
    Reason("number_invalid", "error", "not a number (units understood: 元, 万元, 亿, 人)", "不是有效数字"),
    Reason("out_of_range", "error", "value outside the allowed range", "数值超出允许范围"),
    Reason("date_invalid", "error", "not a date (YYYY-MM-DD, 2023年5月1日, 2023/5/1 or an Excel serial)", "不是有效日期"),
    Reason("date_partial", "warning", "date has no day (or no month); the first day was used", "日期不完整，按当月/当年首日处理"),
    Reason("bool_invalid", "error", "not a yes/no value (是/否, Y/N, true/false, 1/0)", "不是有效的是/否值"),
    Reason("enum_invalid", "error", "value not allowed here", "取值不在允许范围内"),
    # row level
    Reason("duplicate_conflict", "error", "same key as another row with different values", "主键重复且内容冲突"),
    Reason("duplicate_merged", "warning", "exact duplicate of an earlier row; merged", "与前面的行完全重复，已合并"),
    Reason("dangling_reference", "error", "refers to something not in the dataset (or rejected)", "引用的对象不存在或已被拒绝"),
    Reason("self_supply", "error", "an enterprise cannot supply itself", "企业不能自己供应自己"),
    Reason("leader_region_mismatch", "warning", "leader is not located in the region it is designated for",
           "链主企业不在其认定区域内"),
]

REASONS: dict[str, Reason] = {r.code: r for r in _ALL}

ERROR = "error"
WARNING = "warning"


def severity(code: str) -> str:
    """Severity of a reason code.

    Raises
    ------
    KeyError
        If ``code`` is not a known reason code.
    """
    return REASONS[code].severity
