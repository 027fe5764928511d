"""Finding a dataset's tables: a folder of files, a single workbook, or a folder with a ``datapackage.json``
descriptor; each file is handed to its reader by suffix.

Example
-------
>>> ds = read_dataset("datasets/wuxing-childrenswear")  # doctest: +SKIP
>>> sorted(ds.parts)[:3]  # doctest: +SKIP
['assistance', 'benchmarks', 'cert_bodies']
"""

from __future__ import annotations

import json
from pathlib import Path

from chaingraph.errors import DatasetError
from chaingraph.ingest.readers.csv import RawPart, read_csv
from chaingraph.ingest.readers.dataset import Dataset, _issue
from chaingraph.ingest.readers.parquet import read_parquet
from chaingraph.ingest.readers.xlsx import read_xlsx
from chaingraph.model import Table, table_for_name

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DATA_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | PARQUET_SUFFIXES


def _read_file(path: Path, root: Path, table: Table | None, *, encoding: str | None = None,
               sheet_map: dict[str, str] | None = None, columns: dict[str, str] | None = None,
               stream_check: bool = True) -> tuple[list[RawPart], list[dict]]:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    suffix = path.suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES:
            parts, issues = read_xlsx(path, report_name=name, only=sheet_map,
                                      fallback_table=table.name if table else None)
        elif table is None:
            return [], [_issue("unknown_table", name, "file name matches no table; not read")]
        elif suffix in PARQUET_SUFFIXES:
            parts, issues = [read_parquet(path, table.name, report_name=name)], []
        else:
            parts, issues = [read_csv(path, table.name, report_name=name, encoding=encoding,
                                      stream_check=stream_check)], []
    except DatasetError as exc:
        code = getattr(exc, "code", "file_unreadable")
        return [], [_issue(code, name, str(exc).split(": ", 1)[-1], table=table.name if table else None)]
    except OSError as exc:
        return [], [_issue("file_unreadable", name, f"cannot read file: {exc.strerror or exc}",
                           table=table.name if table else None)]
    for p in parts:
        if columns:
            p.columns = dict(columns)
    return parts, issues


def read_dataset(path: str | Path, *, stream_check: bool = True) -> Dataset:
    """Read every table of a dataset folder, workbook or data package.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder, an ``.xlsx`` workbook, or a ``datapackage.json``.
    stream_check : bool
        As for :func:`read_csv`: False leaves the check that a large CSV file streams to
        the reader of its part.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        If the path does not exist, is not a dataset, or its descriptor is invalid.

    Example
    -------
    >>> ds = read_dataset("datasets/wuxing-childrenswear")  # doctest: +SKIP
    >>> sorted(ds.parts)[:3]  # doctest: +SKIP
    ['assistance', 'benchmarks', 'cert_bodies']
    """
    p = Path(path)
    if not p.exists():
        raise DatasetError("no such file or folder", file=str(path))
    if p.is_file() and p.name == "datapackage.json":
        p = p.parent
    parts: dict[str, list[RawPart]] = {}
    issues: list[dict] = []

    def add(new_parts: list[RawPart], new_issues: list[dict]) -> None:
        for part in new_parts:
            parts.setdefault(part.table, []).append(part)
        issues.extend(new_issues)

    if p.is_file():
        if p.suffix.lower() not in XLSX_SUFFIXES:
            raise DatasetError("a dataset is a folder, an .xlsx workbook or a datapackage.json", file=str(path))
        add(*_read_file(p, p.parent, table_for_name(p.stem)))
        return Dataset(p.parent, parts, issues, p.stem)

    descriptor = p / "datapackage.json"
    if descriptor.exists():
        name = _read_descriptor(descriptor, p, add, stream_check)
        return Dataset(p, parts, issues, name or p.name)

    files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith((".", "_", "~$"))
                   and f.suffix.lower() in DATA_SUFFIXES)
    if not files:
        raise DatasetError("no CSV, XLSX or Parquet files found", file=str(path))
    for f in files:
        add(*_read_file(f, p, table_for_name(f.stem), stream_check=stream_check))
    return Dataset(p, parts, issues, p.name)


def _read_descriptor(descriptor: Path, root: Path, add, stream_check: bool = True) -> str | None:
    try:
        meta = json.loads(descriptor.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DatasetError(f"invalid descriptor: {type(exc).__name__}", file=str(descriptor)) from exc
    resources = meta.get("resources") if isinstance(meta, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DatasetError("descriptor has no 'resources' list", file=str(descriptor))
    for i, res in enumerate(resources, start=1):
        if not isinstance(res, dict) or "name" not in res or "path" not in res:
            raise DatasetError(f"resource {i} needs 'name' and 'path'", file=str(descriptor))
        table = table_for_name(str(res["name"]))
        if table is None:
            raise DatasetError(f"resource {i}: '{res['name']}' is not a table of the model", file=str(descriptor))
        rel = Path(str(res["path"]))
        try:
            f = (root / rel).resolve()
            inside = not rel.is_absolute() and ".." not in rel.parts and f.is_relative_to(root.resolve())
            exists = f.exists()
        except (OSError, ValueError) as exc:
            raise DatasetError(f"resource {i}: unusable path ({type(exc).__name__})", file=str(descriptor)) from exc
        if not inside:
            raise DatasetError(f"resource {i}: path must stay inside the dataset folder", file=str(descriptor))
        if not exists:
            add([], [_issue("missing_table", rel.as_posix(), "file listed in datapackage.json not found",
                            table=table.name)])
            continue
        dialect = res.get("dialect") if isinstance(res.get("dialect"), dict) else {}
        sheet = res.get("sheet") or dialect.get("sheet")
        columns = res.get("columns") or {}
        if not isinstance(columns, dict):
            raise DatasetError(f"resource {i}: 'columns' must map source headers to model columns",
                               file=str(descriptor))
        sheet_map = {str(sheet): table.name} if sheet else None
        if f.suffix.lower() in XLSX_SUFFIXES and sheet_map is None:
            import openpyxl

            try:
                wb = openpyxl.load_workbook(f, read_only=True)
                sheet_map = {wb.sheetnames[0]: table.name}
                wb.close()
            except Exception as exc:  # openpyxl raises many kinds on damaged files
                add([], [_issue("file_unreadable", rel.as_posix(), f"not a readable .xlsx workbook "
                                f"({type(exc).__name__})", table=table.name)])
                continue
        add(*_read_file(f, root, table, encoding=res.get("encoding"), sheet_map=sheet_map, columns=columns,
                        stream_check=stream_check))
    return meta.get("name")
