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
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.errors import DatasetError
from chaingraph.model import Table, table_for_name

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DATA_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | PARQUET_SUFFIXES
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
_CHUNK = 1 << 24
csv.field_size_limit(2**31 - 1)  # a cell may be long (descriptions, pasted text); never fail on size


@dataclass
class RawPart:
    """One source of one table: a CSV file, a workbook sheet, or a Parquet file.

    Attributes
    ----------
    table : str
        Canonical table name.
    file : str
        Path as reported to the user (relative to the dataset root).
    sheet : str or None
        Worksheet name for workbooks.
    encoding : str or None
        Encoding a CSV was decoded with.
    frame : pandas.DataFrame
        Cells as read, columns named by the source headers (made unique with
        ``.1``, ``.2`` suffixes when a header repeats); ``headers`` keeps the
        originals.
    rows : numpy.ndarray
        1-based spreadsheet row number of each frame row.
    headers : list of str
        The header cells exactly as read.
    columns : dict
        Explicit source-header → canonical-column mapping from a descriptor.
    malformed : dict
        Row number → message for rows whose cell count differs from the header.
    """

    table: str
    file: str
    sheet: str | None
    encoding: str | None
    frame: pd.DataFrame
    rows: np.ndarray
    headers: list[str]
    columns: dict[str, str] = field(default_factory=dict)
    malformed: dict[int, str] = field(default_factory=dict)
    path: Path | None = None
    names: list[str] = field(default_factory=list)
    delimiter: str = ","
    n_rows: int = 0
    lines: int | None = None

    def __post_init__(self) -> None:
        if self.frame is not None:
            self.names = list(self.frame.columns)
            self.n_rows = len(self.frame)

    @property
    def streamed(self) -> bool:
        """True when the rows stay on disk and are read in chunks (large CSV files)."""
        return self.frame is None

    def iter_chunks(self):
        """Yield ``(frame, rows)`` chunks of the non-blank records in file order.

        In-memory parts yield one chunk. Streamed parts read the file in Arrow
        batches of about ``STREAM_BLOCK`` bytes; ``rows`` and ``n_rows`` are set
        once the file has been read through.

        Raises
        ------
        NotStreamable
            Only for a part read with ``stream_check=False`` (``lines`` is set) whose
            file turns out not to stream (a record spanning lines, a blank line, a
            record with another number of cells): the chunks already yielded are
            void, and the part must be read again with :meth:`read_whole`.
        """
        if self.frame is not None:
            yield self.frame, self.rows
            return
        import pyarrow as pa

        all_rows, count = [], 0
        stream = _stream_csv(self.path, self.encoding, self.names, self.delimiter)
        while True:
            try:
                frame, rows = next(stream)
            except StopIteration as stop:
                records = stop.value
                break
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                if self.lines is None:
                    raise
                raise NotStreamable(self.file) from exc
            all_rows.append(rows)
            count += len(frame)
            yield frame, rows
        if self.lines is not None:
            if self.lines != records + 1:  # the check _streamable makes before streaming, made after it
                raise NotStreamable(self.file)
            self.lines = None
        self.rows = np.concatenate(all_rows) if all_rows else np.zeros(0, dtype=np.int64)
        self.n_rows = count

    def read_whole(self) -> RawPart:
        """This streamed part's file read into memory, as :func:`read_csv` reads a file it does not stream.

        Returns
        -------
        RawPart
            A new in-memory part (same file, table, encoding and column mapping).
        """
        part = _read_csv_whole(self.path, self.table, self.file, self.encoding, self.delimiter, self.headers,
                               simple_header=True, lines=self.lines)
        part.columns = dict(self.columns)
        return part

    def take(self, local: np.ndarray) -> pd.DataFrame:
        """The records at positions ``local`` (0-based, non-blank records), verbatim.

        For a streamed part the file is read again and only those rows are kept.
        """
        local = np.asarray(local, dtype=np.int64)
        if self.frame is not None:
            return self.frame.iloc[local]
        out, seen = [], 0
        for frame, _rows in _stream_csv(self.path, self.encoding, self.names, self.delimiter):
            hit = local[(local >= seen) & (local < seen + len(frame))] - seen
            if len(hit):
                out.append(frame.iloc[hit])
            seen += len(frame)
        return pd.concat(out) if out else pd.DataFrame(columns=self.names)


class NotStreamable(Exception):
    """A part read without the streaming check cannot be streamed; read it with :meth:`RawPart.read_whole`."""


STREAM_BYTES = int(os.environ.get("CHAINGRAPH_STREAM_BYTES", 64 << 20))
"""CSV files larger than this are validated in chunks instead of read whole (memory stays bounded)."""
STREAM_BLOCK = 16 << 20
"""Bytes of CSV per chunk when streaming (about 150,000–250,000 rows of a typical table)."""


def _arrow_csv_options(encoding: str, names: list[str], delimiter: str, block: int):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    pa_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding  # pyarrow drops a UTF-8 BOM itself
    ro = pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=pa_encoding, block_size=block)
    po = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False)
    co = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                              quoted_strings_can_be_null=False, null_values=[])
    return ro, po, co


def _stream_csv(path: Path, encoding: str, names: list[str], delimiter: str):
    """Yield (frame, rows) per Arrow batch; rows are spreadsheet numbers (header = 1), blank rows dropped.

    Returns (as the generator's value) the number of records Arrow read, blank rows included.
    """
    import pyarrow.csv as pacsv

    ro, po, co = _arrow_csv_options(encoding, names, delimiter, STREAM_BLOCK)
    reader = pacsv.open_csv(path, read_options=ro, parse_options=po, convert_options=co)
    start = 2
    for batch in reader:
        frame = batch.to_pandas()
        rows = np.arange(start, start + len(frame), dtype=np.int64)
        start += len(frame)
        blank = _blank_rows(frame)
        if blank.any():
            frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
        yield frame, rows
    return start - 2


def _streamable(path: Path, encoding: str, names: list[str], delimiter: str) -> bool:
    """True when every record of the file is one physical line and every line parses (one cheap pass)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ro, po, co = _arrow_csv_options(encoding, names, delimiter, STREAM_BLOCK)
    co = pacsv.ConvertOptions(include_columns=names[:1], column_types={names[0]: pa.string()})
    try:
        n = sum(b.num_rows for b in pacsv.open_csv(path, read_options=ro, parse_options=po, convert_options=co))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return False
    return _count_lines(path) == n + 1


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


def detect_encoding(path: Path) -> str:
    """Find the encoding of a text file: UTF-8 with BOM, UTF-8, then GB18030.

    The whole file is checked in chunks (a UTF-8 file whose first megabyte is
    ASCII may still hold GB18030 bytes further down).

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    str
        ``"utf-8-sig"``, ``"utf-8"`` or ``"gb18030"``.

    Raises
    ------
    DatasetError
        If no encoding decodes the whole file.

    Example
    -------
    >>> detect_encoding(Path("datasets/wuxing-childrenswear/chains.csv"))  # doctest: +SKIP
    'utf-8'
    """
    return _detect_encoding(path)[0]


def _detect_encoding(path: Path) -> tuple[str, int | None]:
    """:func:`detect_encoding`, and the file's line count (as :func:`_count_lines`) when it is UTF-8:
    counted in the same pass."""
    with open(path, "rb") as fh:
        head = fh.read(3)
    # the BOM is valid UTF-8 itself, so either UTF-8 candidate means: the whole file is UTF-8
    lines = _utf8_lines(path)
    if lines is not None:
        return ("utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"), lines
    if head != codecs.BOM_UTF8:
        dec = codecs.getincrementaldecoder("gb18030")("strict")
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    dec.decode(chunk)
                dec.decode(b"", final=True)
            return "gb18030", None
        except UnicodeDecodeError:
            pass
    raise DatasetError("not UTF-8 (with or without BOM) nor GB18030", file=str(path))


def _utf8_boundary(data: bytes) -> int:
    """Length of the longest prefix of ``data`` that does not end inside a multi-byte character."""
    n = len(data)
    for back in range(1, min(4, n) + 1):
        b = data[n - back]
        if b & 0xC0 != 0x80:  # ASCII or a lead byte: the last character starts here
            need = 1 if b < 0x80 else 2 if b >> 5 == 0b110 else 3 if b >> 4 == 0b1110 else 4 if b >> 3 == 0b11110 else 1
            return n if back >= need else n - back
    return n


def _valid_utf8(data: bytes | memoryview) -> bool:
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32))
    try:
        pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _utf8_lines(path: Path) -> int | None:
    """The file's line count (as :func:`_count_lines`) when the whole file is valid UTF-8, else None.

    Validity is strict, the verdict of Python's strict UTF-8 decoder (no surrogates, overlong forms or
    truncated characters), from Arrow's UTF-8 validation: several times faster, and no text is built.
    Chunks are cut on character boundaries; the cut-off bytes start the next chunk.
    """
    tail = b""
    newlines, last = 0, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            data = tail + chunk if tail else chunk
            cut = _utf8_boundary(data)
            if not _valid_utf8(memoryview(data)[:cut]):
                return None
            tail = data[cut:]
            newlines += _newlines(chunk)
            last = chunk[-1:]
    if tail and not _valid_utf8(tail):
        return None
    return newlines + (1 if last not in (b"\n", b"") else 0)


def _newlines(chunk: bytes) -> int:
    # numpy counts a byte value about twice as fast as bytes.count
    return int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == 10))


def _check_encoding(path: Path, encoding: object, report_name: str) -> None:
    """A descriptor's encoding must be a known codec that decodes the whole file."""
    try:
        dec = codecs.getincrementaldecoder(str(encoding) if isinstance(encoding, str) else "")("strict")
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except (LookupError, UnicodeError, TypeError, ValueError) as exc:
        err = DatasetError(f"does not decode as {encoding!r} ({type(exc).__name__})", file=report_name)
        err.code = "encoding_invalid"  # type: ignore[attr-defined]
        raise err from exc


def _count_lines(path: Path) -> int:
    n, last = 0, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            n += _newlines(chunk)
            last = chunk[-1:]
    return n + (1 if last not in (b"\n", b"") else 0)


def _unique_names(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        if h in seen:
            seen[h] += 1
            out.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            out.append(h)
    return out


def _read_csv_fast(path: Path, encoding: str, names: list[str], delimiter: str) -> pd.DataFrame | None:
    """pyarrow's multi-threaded reader; None when the file needs the exact path."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ro, po, co = _arrow_csv_options(encoding, names, delimiter, 1 << 24)
    try:
        tbl = pacsv.read_csv(path, read_options=ro, parse_options=po, convert_options=co)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    return tbl.to_pandas()


def _read_csv_exact(text_stream: io.TextIOBase, delimiter: str) -> tuple[list[str], list[list[str]], list[int]]:
    reader = csv.reader(text_stream, delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for rec_no, rec in enumerate(reader, start=1):
        if header is None:
            if not rec or not any(c.strip() for c in rec):
                continue
            header = rec
            continue
        if not rec or not any(c.strip() for c in rec):
            continue
        rows.append(rec)
        numbers.append(rec_no)
    return header or [], rows, numbers


def read_csv(path: Path, table: str, *, report_name: str, encoding: str | None = None,
             stream_check: bool = True) -> RawPart:
    """Read one CSV file into a :class:`RawPart` of text cells.

    The fast path (pyarrow, multi-threaded) is used when every record is one
    line; otherwise the exact path (Python's csv module) keeps true row
    numbers for quoted newlines and blank lines.

    Parameters
    ----------
    path : pathlib.Path
    table : str
        Canonical table name the file holds.
    report_name : str
        Name of the file in messages.
    encoding : str, optional
        Force an encoding (from a descriptor); detected otherwise.
    stream_check : bool
        Before streaming a large file, check in one extra pass that every record is one
        line and parses. False streams it unchecked: the check is then made while the
        part is read (:meth:`RawPart.iter_chunks` raises :class:`NotStreamable` at the
        end if it fails), which saves a pass over the file for a reader that can start
        over with :meth:`RawPart.read_whole`.

    Returns
    -------
    RawPart

    Raises
    ------
    DatasetError
        Empty file (``empty_file``) or undecodable bytes (``encoding_invalid``),
        carried in ``.code``.

    Example
    -------
    >>> part = read_csv(Path("datasets/defects/enterprises.csv"), "enterprises",
    ...                 report_name="enterprises.csv")  # doctest: +SKIP
    """
    if path.stat().st_size == 0:
        err = DatasetError("file is empty", file=report_name)
        err.code = "empty_file"  # type: ignore[attr-defined]
        raise err
    lines = None  # physical lines, when counted already
    if encoding is None:
        try:
            encoding, lines = _detect_encoding(path)
        except DatasetError as exc:
            err = DatasetError("not UTF-8 (with or without BOM) nor GB18030", file=report_name)
            err.code = "encoding_invalid"  # type: ignore[attr-defined]
            raise err from exc
    else:
        _check_encoding(path, encoding, report_name)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    header, header_line = _first_record(path, encoding, delimiter, report_name)
    if not header:
        err = DatasetError("file has no header row", file=report_name)
        err.code = "empty_file"  # type: ignore[attr-defined]
        raise err
    names = _unique_names([h.strip() for h in header])
    headers = [h.strip() for h in header]
    simple_header = header_line == 1  # the header is the first physical line: the fast readers apply
    if path.stat().st_size > STREAM_BYTES and simple_header:
        if not stream_check:
            return RawPart(table, report_name, None, encoding, None, np.zeros(0, dtype=np.int64), headers,
                           path=path, names=names, delimiter=delimiter,
                           lines=_count_lines(path) if lines is None else lines)
        if _streamable(path, encoding, names, delimiter):
            return RawPart(table, report_name, None, encoding, None, np.zeros(0, dtype=np.int64), headers,
                           path=path, names=names, delimiter=delimiter)
    return _read_csv_whole(path, table, report_name, encoding, delimiter, header, simple_header=simple_header,
                           lines=lines)


def _read_csv_whole(path: Path, table: str, report_name: str, encoding: str, delimiter: str, header: list[str], *,
                    simple_header: bool, lines: int | None = None) -> RawPart:
    """Read a whole CSV file into memory: pyarrow when every record is one line, Python's csv module otherwise.

    ``lines`` is the file's physical line count when known already.
    """
    names = _unique_names([h.strip() for h in header])
    frame = None
    if simple_header:
        frame = _read_csv_fast(path, encoding, names, delimiter)
    if frame is not None and (_count_lines(path) if lines is None else lines) == len(frame) + 1:
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)
        blank = _blank_rows(frame)
        if blank.any():
            frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
        return RawPart(table, report_name, None, encoding, frame, rows, [h.strip() for h in header])
    with open(path, encoding=encoding, newline="") as fh:
        hdr, recs, numbers = _read_csv_exact(fh, delimiter)
    width = len(hdr)
    malformed: dict[int, str] = {}
    fixed = []
    for rec, no in zip(recs, numbers, strict=True):
        if len(rec) != width:
            malformed[no] = f"{len(rec)} cells where the header has {width}"
            rec = (rec + [""] * width)[:width] if len(rec) < width else rec[: width - 1] + [delimiter.join(rec[width - 1:])]
        fixed.append(rec)
    frame = pd.DataFrame(fixed, columns=names, dtype="str") if fixed else pd.DataFrame(
        {n: pd.Series([], dtype="str") for n in names})
    return RawPart(table, report_name, None, encoding, frame, np.asarray(numbers, dtype=np.int64),
                   [h.strip() for h in hdr], malformed=malformed)


def _first_record(path: Path, encoding: str, delimiter: str, report_name: str) -> tuple[list[str], int]:
    """The first non-blank record (the header) and the physical line it ends on."""
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            for rec in reader:
                if rec and any(c.strip() for c in rec):
                    return rec, reader.line_num
    except csv.Error as exc:
        err = DatasetError(f"not a readable CSV file ({exc})", file=report_name)
        err.code = "file_unreadable"  # type: ignore[attr-defined]
        raise err from exc
    return [], 0


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.zeros(len(frame), dtype=bool)
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        s = frame[col]
        blank &= (s.isna() | (s.astype("str").str.strip() == "")).to_numpy(dtype=bool)
        if not blank.any():
            break
    return blank


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
        for row_no, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c is not None for c in cells):
                continue
            if header is None:
                header = ["" if c is None else str(c).strip() for c in cells]
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


def read_parquet(path: Path, table: str, *, report_name: str) -> RawPart:
    """Read a Parquet file; values are kept as stored (typed), rows numbered from 1.

    Raises
    ------
    DatasetError
        If the file is not readable Parquet.

    Example
    -------
    >>> part = read_parquet(Path("x/enterprises.parquet"), "enterprises", report_name="enterprises.parquet")  # doctest: +SKIP
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        tbl = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        err = DatasetError(f"not a readable Parquet file ({exc})", file=report_name)
        err.code = "file_unreadable"  # type: ignore[attr-defined]
        raise err from exc
    odd = [f.name for f in tbl.schema if pa.types.is_nested(f.type) or pa.types.is_binary(f.type)
           or pa.types.is_large_binary(f.type) or pa.types.is_fixed_size_binary(f.type)]
    if odd:
        err = DatasetError(f"columns {', '.join(odd)} hold lists, structs or bytes, not cell values", file=report_name)
        err.code = "file_unreadable"  # type: ignore[attr-defined]
        raise err
    cols = {}
    for name in tbl.column_names:
        col = tbl.column(name)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            cols[name] = col.to_pandas()
        else:
            cols[name] = pd.Series(col.to_pylist(), dtype=object)
    frame = pd.DataFrame(cols)
    return RawPart(table, report_name, None, None, frame, np.arange(1, len(frame) + 1, dtype=np.int64),
                   list(tbl.column_names))


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
