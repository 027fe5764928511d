"""Writing frames for people: CSV, XLSX, JSON, Markdown — safe for any string.

The format follows the file extension. Text cells that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return)
are neutralised with a leading apostrophe in CSV and XLSX, so a firm called
``=HYPERLINK(...)`` stays text. Numbers stay numbers. CSV is written as UTF-8
with BOM so Excel on a Chinese Windows opens it correctly.

Example
-------
>>> write_frame(df, "out/problems.xlsx", sheet="质量问题")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.errors import OutputError

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".md": "markdown", ".markdown": "markdown"}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(values: pd.Series) -> pd.Series:
    """Prefix text cells that a spreadsheet would evaluate with an apostrophe.

    Non-text columns are returned unchanged.

    Raises
    ------
    Nothing.

    Example
    -------
    >>> neutralise(pd.Series(["=1+1", "织里童装", "-3"])).tolist()
    ["'=1+1", '织里童装', "'-3"]
    """
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return values
    text = values.astype("object")
    is_str = text.map(lambda v: isinstance(v, str))
    danger = is_str & text.where(is_str, "").astype(str).str.startswith(_DANGEROUS)
    if not danger.any():
        return values
    out = text.copy()
    out[danger] = "'" + text[danger].astype(str)
    return out


def format_for(path: str | Path) -> str:
    """Output format for a file name, from its extension.

    Raises
    ------
    OutputError
        For an extension chaingraph does not write.

    Example
    -------
    >>> format_for("清单.xlsx")
    'xlsx'
    """
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise OutputError(f"{path}: unknown output format '{ext}'; use one of {', '.join(sorted(FORMATS))}")
    return FORMATS[ext]


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralised cells *and* headers (rejected rows keep the analyst's own headers)."""
    out = df.copy()
    for c in out.columns:
        out[c] = neutralise(out[c])
    out.columns = neutralise(pd.Series([str(c) for c in out.columns], dtype=object)).tolist()
    return out


def _jsonable(v: object) -> object:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_jsonable(x) for x in v]
    return v


def to_markdown(df: pd.DataFrame) -> str:
    """Render a frame as a GitHub-flavoured Markdown table (pipes and newlines escaped).

    Raises
    ------
    Nothing.

    Example
    -------
    >>> print(to_markdown(pd.DataFrame({"a": [1]})))
    | a |
    | --- |
    | 1 |
    """
    def cell(v: object) -> str:
        v = _jsonable(v)
        if v is None:
            return ""
        if isinstance(v, float):
            v = f"{v:.4g}"
        return str(v).replace("|", "\\|").replace("\n", " ").replace("\r", " ")

    head = "| " + " | ".join(cell(c) for c in df.columns) + " |"
    sep = "| " + " | ".join("---" for _ in df.columns) + " |"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one or more frames to a workbook: bold frozen header, sensible widths.

    Parameters
    ----------
    sheets : dict
        Sheet name → frame (names longer than 31 characters are shortened).
    path : str or pathlib.Path

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputError
        If the file cannot be written.

    Example
    -------
    >>> write_xlsx({"汇总": summary, "质量技术": tech}, "out/清单.xlsx")  # doctest: +SKIP
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    p = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, df in sheets.items():
        title = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:31] or "Sheet"
        while title in used:
            title = title[:28] + f"_{len(used)}"
        used.add(title)
        ws = wb.create_sheet(title)
        safe = _safe(df)
        ws.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False):
            ws.append([_jsonable(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="305496")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.freeze_panes = "A2"
        for i, col in enumerate(safe.columns, start=1):
            sample = [str(col)] + [str(v) for v in safe[col].head(200).tolist() if v is not None]
            width = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in s) for s in sample), default=8)
            ws.column_dimensions[get_column_letter(i)].width = min(max(8, width + 2), 60)
    return _save(p, lambda t: t.write_bytes(_xlsx_bytes(wb)))


def _xlsx_bytes(wb) -> bytes:
    """The workbook as bytes, zipped in memory: a full disk then fails one plain write (one clean error),
    not inside openpyxl's zip writer, whose half-closed file raises again when it is collected."""
    import gc
    import io
    import sys

    buf = io.BytesIO()
    failed: OSError | None = None
    hook = sys.unraisablehook
    # openpyxl streams each sheet through a temporary file; when the disk is full, the half-written stream's
    # generator raises again as it is collected ("Exception ignored in ..."): the error is reported once, here
    sys.unraisablehook = lambda u: None if isinstance(u.exc_value, OSError) else hook(u)
    try:
        try:
            wb.save(buf)
        except OSError as exc:
            failed = OSError(exc.errno, exc.strerror)
        gc.collect()
    finally:
        sys.unraisablehook = hook
    if failed is not None:
        raise failed
    return buf.getvalue()


def _save(p: Path, writer) -> Path:
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f".{p.name}.tmp")
        try:
            writer(tmp)
            os.replace(tmp, p)
        finally:
            if tmp.exists():
                tmp.unlink()
    except OSError as exc:
        raise OutputError(f"{p}: cannot write ({exc.strerror or exc})") from exc
    return p


def write_frame(df: pd.DataFrame, path: str | Path, *, sheet: str = "Sheet1", meta: dict | None = None) -> Path:
    """Write a frame to CSV, XLSX, JSON or Markdown, chosen by extension.

    Parameters
    ----------
    df : pandas.DataFrame
    path : str or pathlib.Path
    sheet : str
        Sheet name for XLSX.
    meta : dict, optional
        For JSON: written beside the rows as ``{"meta": ..., "rows": [...]}``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputError
        Unknown extension, or the file cannot be written.

    Example
    -------
    >>> write_frame(pd.DataFrame({"企业": ["=cmd"]}), "out/x.csv")  # doctest: +SKIP
    """
    p = Path(path)
    fmt = format_for(p)
    if fmt == "xlsx":
        return write_xlsx({sheet: df}, p)
    if fmt == "csv":
        # CRLF rows: the csv writer then quotes any cell holding a bare CR, so no cell can start a new row
        return _save(p, lambda t: _safe(df).to_csv(t, index=False, encoding="utf-8-sig", lineterminator="\r\n"))
    if fmt == "json":
        rows = [{str(k): _jsonable(v) for k, v in rec.items()} for rec in df.to_dict(orient="records")]
        doc = {"meta": {k: _jsonable(v) for k, v in meta.items()}, "rows": rows} if meta else rows
        return _save(p, lambda t: Path(t).write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8"))
    return _save(p, lambda t: Path(t).write_text(to_markdown(df) + "\n", encoding="utf-8"))


CATEGORY_SHEETS = (("technology", "质量技术"), ("management", "质量管理"), ("infrastructure", "质量基础设施"))
PROBLEM_SHEET_COLUMNS = [
    "rank", "problem_id", "problem", "category_zh", "kind_zh", "standard_ref", "affected", "scope_size", "share",
    "share_lower", "mean_severity", "max_severity", "is_common", "common_segments", "segments", "key_links",
    "leaders_affected", "leaders", "sources", "observations", "open", "improving", "resolved", "metric", "unit",
    "scope_mean", "domestic_advanced", "international_advanced", "gap_domestic", "gap_international", "cum_share",
]


def problem_workbook(problems: pd.DataFrame, meta: dict, *, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Sheets of the common-problem list a regulator can file (区域产业共性质量问题清单).

    A summary sheet (scope, thresholds, data date, counts), the full list, one
    sheet per category (质量技术 / 质量管理 / 质量基础设施) and one of the problems at
    key links grouped by kind (难点 / 痛点 / 堵点). When the list spans several
    chains (按产业分类), each sheet is ordered by chain, then rank.

    Parameters
    ----------
    problems : pandas.DataFrame
        Output of :func:`chaingraph.queries.common_problems`.
    meta : dict
        ``region``, ``chain``, ``segment``, ``data_date``, ``min_firms``, ``min_share``,
        ``dataset``, ``generated``.
    lang : {"zh", "en"}

    Returns
    -------
    dict
        Sheet name → frame, ready for :func:`write_xlsx`.

    Raises
    ------
    ValueError
        For an unknown language.

    Example
    -------
    >>> write_xlsx(problem_workbook(df, meta), "out/共性质量问题清单.xlsx")  # doctest: +SKIP
    """
    from chaingraph.export.labels import relabel

    zh = lang == "zh"
    cols = (["chain_id"] if problems["chain_id"].nunique() > 1 else []) + PROBLEM_SHEET_COLUMNS
    ordered = problems.sort_values(["chain_id", "rank"]) if len(problems) else problems
    n_common = int(problems["is_common"].sum()) if len(problems) else 0
    rule = (f"涉及企业数 ≥ {meta.get('min_firms')} 且 涉及比例的95%置信下限(Wilson) ≥ {meta.get('min_share'):.0%}"
            if zh else f"affected ≥ {meta.get('min_firms')} and Wilson 95% lower bound of share ≥ "
            f"{meta.get('min_share'):.0%}")
    summary_rows = [
        ("区域" if zh else "region", meta.get("region") or ""),
        ("产业链" if zh else "chain", meta.get("chain") or ("全部产业链" if zh else "all chains")),
        ("环节" if zh else "segment", meta.get("segment") or ("全部环节" if zh else "all segments")),
        ("数据日期" if zh else "data date", meta.get("data_date") or ""),
        ("范围内企业数" if zh else "firms in scope",
         int(meta["firms_in_scope"]) if meta.get("firms_in_scope") is not None
         else int(problems["scope_size"].max()) if len(problems) else 0),
        ("问题数" if zh else "problems", len(problems)),
        ("共性问题数" if zh else "common problems", n_common),
        ("共性问题判定规则" if zh else "rule for 'common'", rule),
        ("排序方法" if zh else "ranking", "加权得分 = 涉及比例 × 平均严重程度，帕累托累计占比" if zh
         else "score = share × mean severity; Pareto cumulative share"),
        ("数据集" if zh else "dataset", meta.get("dataset") or ""),
        ("生成时间" if zh else "generated", meta.get("generated") or ""),
    ]
    sheets: dict[str, pd.DataFrame] = {
        ("汇总" if zh else "summary"): pd.DataFrame(summary_rows, columns=["项目", "内容"] if zh else ["item", "value"]),
        ("全部问题" if zh else "all problems"): relabel(ordered[cols], lang, "common_problems"),
    }
    for code, name in CATEGORY_SHEETS:
        part = ordered[ordered["category"] == code]
        sheets[name if zh else code] = relabel(part[cols], lang, "common_problems")
    key = ordered[ordered["key_link"]]
    key = key.assign(_k=key["kind"].map({"difficulty": 0, "pain": 1, "blockage": 2})).sort_values(["_k", "rank"])
    kcols = ["kind_zh", "key_links", "problem", "category_zh", "affected", "share", "is_common", "common_segments",
             "mean_severity", "standard_ref"]
    sheets["关键环节难点痛点堵点" if zh else "key links"] = relabel(key[kcols], lang, "common_problems")
    return sheets
