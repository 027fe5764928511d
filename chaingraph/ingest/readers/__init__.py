"""Reading a dataset: find its tables, decode them, and hand over raw cells.

This room knows files, encodings and sheets; it knows nothing of types. Every
cell comes out as text (CSV) or as the value the workbook stored (XLSX), with
the 1-based row number an analyst sees in a spreadsheet (the header is row 1,
the first data row is row 2; for Parquet, which has no header row, the first
record is row 1). Wholly blank rows are skipped and not counted as read.

A dataset is either

* a folder with one file per table, named after the table (``enterprises.csv``)
  or one of its Chinese names (``企业名录.csv``); workbooks (``.xlsx``) may hold
  several tables, one sheet per table, sheets named likewise; or
* a single ``.xlsx`` workbook; or
* a folder with a ``datapackage.json`` descriptor (Frictionless Data Package
  convention) naming each table's file, and optionally its sheet, encoding and
  a column mapping; then only the listed resources are read.

CSV encodings are tried in a safe order: UTF-8 with BOM, UTF-8, then GB18030
(never GB18030 first: UTF-8 bytes often decode as GB18030 without error and
give mojibake). The encoding used is recorded.

Example
-------
>>> ds = read_dataset("datasets/wuxing-childrenswear")  # doctest: +SKIP
>>> ds.parts["enterprises"][0].encoding  # doctest: +SKIP
'utf-8'

Modules
-------
* :mod:`~chaingraph.ingest.readers.discover` — :func:`read_dataset`: folder, workbook or ``datapackage.json``
* :mod:`~chaingraph.ingest.readers.csv` — :func:`read_csv`, streaming of large files, :class:`RawPart`
* :mod:`~chaingraph.ingest.readers.encoding` — :func:`detect_encoding`, line counts
* :mod:`~chaingraph.ingest.readers.xlsx` — :func:`read_xlsx`
* :mod:`~chaingraph.ingest.readers.parquet` — :func:`read_parquet`
* :mod:`~chaingraph.ingest.readers.dataset` — :class:`Dataset` and the file-level issue records

``STREAM_BYTES`` and ``STREAM_BLOCK`` are read from :mod:`~chaingraph.ingest.readers.csv` and ``_CHUNK`` from
:mod:`~chaingraph.ingest.readers.encoding`: set them there (the copies here are for reading only).
"""

from chaingraph.ingest.readers.csv import STREAM_BLOCK, STREAM_BYTES, NotStreamable, RawPart, read_csv
from chaingraph.ingest.readers.dataset import Dataset
from chaingraph.ingest.readers.discover import (
    CSV_SUFFIXES,
    DATA_SUFFIXES,
    PARQUET_SUFFIXES,
    XLSX_SUFFIXES,
    read_dataset,
)
from chaingraph.ingest.readers.encoding import _CHUNK as _CHUNK
from chaingraph.ingest.readers.encoding import ENCODINGS, detect_encoding
from chaingraph.ingest.readers.encoding import _count_lines as _count_lines
from chaingraph.ingest.readers.encoding import _detect_encoding as _detect_encoding
from chaingraph.ingest.readers.parquet import read_parquet
from chaingraph.ingest.readers.xlsx import read_xlsx

__all__ = [
    "CSV_SUFFIXES",
    "DATA_SUFFIXES",
    "ENCODINGS",
    "PARQUET_SUFFIXES",
    "STREAM_BLOCK",
    "STREAM_BYTES",
    "XLSX_SUFFIXES",
    "Dataset",
    "NotStreamable",
    "RawPart",
    "detect_encoding",
    "read_csv",
    "read_dataset",
    "read_parquet",
    "read_xlsx",
]
