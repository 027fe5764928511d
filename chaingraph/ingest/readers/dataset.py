"""What :func:`~chaingraph.ingest.readers.read_dataset` returns: the :class:`Dataset` record, and the
file-level issue records (``empty_file``, ``unknown_table``...) the readers put in it.

Example
-------
>>> _issue("empty_file", "enterprises.csv", "file is empty")["code"]
'empty_file'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chaingraph.ingest.readers.csv import RawPart


@dataclass
class Dataset:
    """Everything read from a dataset path.

    Attributes
    ----------
    root : pathlib.Path
    parts : dict
        Table name → list of :class:`RawPart` (a table may come from several files).
    issues : list of dict
        File-level problems found while reading (``empty_file``, ``encoding_invalid``,
        ``file_unreadable``, ``unknown_table``), as issue records.
    name : str
        Dataset name (folder or workbook stem, or the descriptor's ``name``).
    """

    root: Path
    parts: dict[str, list[RawPart]]
    issues: list[dict]
    name: str


def _issue(code: str, file: str, message: str, *, sheet: str | None = None, table: str | None = None,
           column: str | None = None, value: object = None) -> dict:
    return {"table": table, "file": file, "sheet": sheet, "row": None, "column": column,
            "value": value, "code": code, "message": message}
