"""Reading workbooks: every sheet that holds a table, cells kept as the workbook stored them.

Example
-------
>>> parts, issues = read_xlsx(Path("datasets/shangyu-umbrella-xlsx/伞业数据.xlsx"),
...                           report_name="伞业数据.xlsx")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.errors import DatasetError
from chaingraph.ingest.readers.csv import RawPart, _unique_names
from chaingraph.ingest.readers.dataset import _issue
from chaingraph.model import TABLES, header_map, normalise_header, table_for_name


def _cell_text(v: object) -> object:
    """Keep workbook values as stored; only normalise empty strings to None."""
    if isinstance(v, str) and not v.strip():
        return None
    return v


def read_xlsx(path: Path, *, report_name: str, only: dict[str, str] | None = None,
              fallback_table: str | None = None) -> tuple[list[RawPart], list[dict]]:
    """Read the sheets of a workbook that hold tables.

    Parameters
    ----------
    path : pathlib.Path
    report_name : str
    only : dict, optional
        Sheet name → table name to read (from a descriptor); other sheets are skipped.
    fallback_table : str, optional
        Table for a single-sheet workbook whose sheet name matches no table
        (the file name matched instead).

    Returns
    -------
    parts, issues : list of RawPart, list of dict

    Raises
    ------
    DatasetError
        If the file is not a readable workbook.

    Example
    -------
    >>> parts, issues = read_xlsx(Path("datasets/shangyu-umbrella-xlsx/伞业数据.xlsx"),
    ...                           report_name="伞业数据.xlsx")  # doctest: +SKIP
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        err = DatasetError(f"not a readable .xlsx workbook ({type(exc).__name__})", file=report_name)
        err.code = "file_unreadable"  # type: ignore[attr-defined]
        raise err from exc
    parts: list[RawPart] = []
    issues: list[dict] = []
    try:
        parts, issues = _read_sheets(wb, report_name, only, fallback_table)
    except Exception as exc:  # read-only mode parses sheet XML lazily: damage surfaces while iterating
        err = DatasetError(f"damaged .xlsx workbook ({type(exc).__name__})", file=report_name)
        err.code = "file_unreadable"  # type: ignore[attr-defined]
        raise err from exc
    finally:
        wb.close()
    return parts, issues


def _read_sheets(wb, report_name: str, only: dict[str, str] | None,
                 fallback_table: str | None) -> tuple[list[RawPart], list[dict]]:
    parts: list[RawPart] = []
    issues: list[dict] = []
    sheets = wb.sheetnames
    for sheet in sheets:
        if only is not None:
            if sheet not in only:
                continue
            table = only[sheet]
        else:
            t = table_for_name(sheet)
            if t is None and len(sheets) == 1 and fallback_table:
                table = fallback_table
            elif t is None:
                issues.append(_issue("unknown_table", report_name,
                                     f"sheet '{sheet}' matches no table; not read", sheet=sheet))
                continue
            else:
                table = t.name
        ws = wb[sheet]
        header: list[str] | None = None
        recs: list[tuple] = []
        numbers: list[int] = []
        second_checked = False
        for row_no, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c is not None for c in cells):
                continue
            if header is None:
                header = ["" if c is None else str(c).strip() for c in cells]
                continue
            if not second_checked:
                second_checked = True
                merged = _two_row_header(header, cells, table)
                if merged is not None:
                    header = merged
                    continue
            recs.append(tuple(cells))
            numbers.append(row_no)
        if header is None:
            issues.append(_issue("empty_file", report_name, "sheet is empty or has no header row",
                                 sheet=sheet, table=table))
            continue
        while header and header[-1] == "":
            header.pop()
        width = len(header)
        malformed: dict[int, str] = {}
        fixed = []
        for rec, no in zip(recs, numbers, strict=True):
            extra = [c for c in rec[width:] if c is not None]
            if extra:
                malformed[no] = f"{width + len(extra)} cells where the header has {width}"
            fixed.append(list(rec[:width]) + [None] * (width - len(rec[:width])))
        names = _unique_names(header)
        frame = pd.DataFrame(fixed, columns=names, dtype=object) if fixed else pd.DataFrame(
            {n: pd.Series([], dtype=object) for n in names})
        parts.append(RawPart(table, report_name, sheet, None, frame, np.asarray(numbers, dtype=np.int64),
                             header, malformed=malformed))
    return parts, issues


def _two_row_header(first: list[str], second: list[object], table: str) -> list[str] | None:
    """The header of a sheet whose header spans two rows (a group cell merged over 从业人数 / 营业收入), or None.

    The second row is a header row when its non-empty cells are all text, at least one names a column of
    the table, and each stands under an empty cell or a group label (a first-row cell that names no
    column). The header is then the lower row's name where it has one, else the upper row's: a group cell
    merged over several columns never hides the names under it, and no column is left silently empty.

    Example
    -------
    >>> _two_row_header(["企业名称", "经营情况", ""], [None, "从业人数", "营业收入"], "enterprises")
    ['企业名称', '从业人数', '营业收入']
    >>> _two_row_header(["企业名称", "从业人数"], ["甲公司", 12], "enterprises") is None
    True
    """
    known = header_map(TABLES[table])
    width = max(len(first), len(second))
    upper = list(first) + [""] * (width - len(first))
    lower = list(second) + [None] * (width - len(second))
    if any(c is not None and not isinstance(c, str) for c in lower):
        return None
    names = [i for i, c in enumerate(lower) if c is not None and normalise_header(c) in known]
    if not names:
        return None
    for i, c in enumerate(lower):
        if c is not None and upper[i] and normalise_header(upper[i]) in known:
            return None  # a known column name above a cell: that cell is data, not a sub-header
    return [str(lower[i]).strip() if lower[i] is not None else upper[i] for i in range(width)]
