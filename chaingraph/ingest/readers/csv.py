"""Reading CSV files into :class:`RawPart` objects, the raw cells of one source of one table.

pyarrow's fast reader is used when every record is one line, Python's csv module otherwise; a file
larger than ``STREAM_BYTES`` stays on disk and is streamed in Arrow batches of ``STREAM_BLOCK`` bytes.
:class:`RawPart` lives here because a streamed part reads its CSV file on demand (workbook and Parquet
parts are plain in-memory frames).

Example
-------
>>> part = read_csv(Path("datasets/defects/enterprises.csv"), "enterprises",
...                 report_name="enterprises.csv")  # doctest: +SKIP
>>> part.encoding, part.streamed  # doctest: +SKIP
('utf-8', False)
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.errors import DatasetError
from chaingraph.ingest.readers.encoding import _check_encoding, _count_lines, _detect_encoding

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
