"""Property tests of ingestion: whatever a table file holds, no row is lost and nothing else escapes.

For any generated table — wrong types, UTF-8 / UTF-8 with BOM / GB18030 / mixed /
random bytes, blank cells and rows, huge strings, quotes, commas and newlines in
cells, ragged rows, duplicate, unknown, Chinese and English headers — written as
one file of the tiny dataset (``tests/conftest.py:write_tiny``), ``validate(path)``
either raises :class:`~chaingraph.errors.ChainGraphError` or returns a report
where, for every table, rows read = accepted + rejected + merged, every rejected
row is in ``rejects`` with its reasons, and the generated table read exactly the
non-blank data rows written (counted independently with Python's csv module or
from the generated cells). The checks live in ``fuzz/fuzz_ingest.py``
(``check_result``, ``expected_csv_rows``) so the fuzzer and these tests assert the
same contract.

The bugs these properties found (fixed in 6e65569) are pinned by the minimal
regression tests at the end of this file; the generators no longer avoid them.

The whole file runs in about a minute: every property has a bounded
``max_examples`` and no deadline.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import csv
import datetime as dt
import importlib.util
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import chaingraph.ingest.readers.csv as cgio
from chaingraph.model import LOAD_ORDER, TABLES
from chaingraph.validate import validate

from .conftest import ROOT, uscc, write_tiny


def _load_fuzz_module():
    if "fuzz_ingest" in sys.modules:
        return sys.modules["fuzz_ingest"]
    spec = importlib.util.spec_from_file_location("fuzz_ingest", ROOT / "fuzz" / "fuzz_ingest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_ingest"] = module
    spec.loader.exec_module(module)
    return module


fz = _load_fuzz_module()

# Every example runs a whole validation (~0.2 s), so shrinking a failure can take minutes: it is off unless
# CHAINGRAPH_SHRINK=1 (then Hypothesis reports a minimal example; without it, the first failing one).
PHASES = tuple(Phase) if os.environ.get("CHAINGRAPH_SHRINK") else (Phase.explicit, Phase.reuse, Phase.generate)
SCALE = float(os.environ.get("CHAINGRAPH_PROPERTY_SCALE", "1"))
"""Multiplies every ``max_examples`` (e.g. 20 for a long local run); 1 keeps the file near a minute."""


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


SETTINGS = {"deadline": None, "phases": PHASES,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                      HealthCheck.filter_too_much]}

# ---------------------------------------------------------------------------
# The tiny dataset, once, and a fresh copy of it per example
# ---------------------------------------------------------------------------

_TMP = tempfile.mkdtemp(prefix="cg-props-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
_TINY = Path(_TMP) / "tiny"
write_tiny(_TINY)
_BASE = validate(_TINY)
BASELINE = dict(zip(_BASE.summary["table"], _BASE.summary["read"].astype(int), strict=True))


@contextlib.contextmanager
def dataset_with(table: str, filename: str, content: bytes) -> Iterator[Path]:
    """A copy of the tiny dataset whose ``table`` file is replaced by ``filename`` holding ``content``."""
    with tempfile.TemporaryDirectory(prefix="cg-prop-") as tmp:
        d = Path(tmp) / "ds"
        shutil.copytree(_TINY, d)
        (d / f"{table}.csv").unlink(missing_ok=True)
        (d / filename).write_bytes(content)
        yield d


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# Valid cells per table and field (from the tiny dataset, or a few by hand for the tables it leaves empty),
# so that generated rows are sometimes accepted, sometimes merged as exact duplicates.
VALID: dict[str, dict[str, list[str]]] = {}
for _name in LOAD_ORDER:
    _f = _TINY / f"{_name}.csv"
    _rows = _csv_rows(_f) if _f.exists() else []
    VALID[_name] = {f.name: sorted({r[f.name] for r in _rows if r.get(f.name)}) for f in TABLES[_name].fields}
VALID["regions"].update(code=["330502", "330000", "吴兴区"], name=["吴兴区"], level=["county", "县"])
VALID["segment_flows"].update(from_segment=["fab", "dye"], to_segment=["dye", "sew"])
VALID["operates_in"].update(uscc=[uscc(1), uscc(2)], segment_id=["fab", "dye"])
VALID["assistance"].update(body_id=["CB1"], uscc=[uscc(4)], problem_id=["P1"], dimension=["标准"],
                           started=["2024-01-01"], status=["open", "整改中"], outcome=["好"])
TABLE_NAMES = list(LOAD_ORDER)

# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

HOSTILE = [
    "", " ", "\u3000", "\t", '"', '""', ",", ",,", "\n", "\r\n", "\r", "a,b", 'say "hi", twice', "line1\nline2",
    '=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1", "1e5", "1e400", "-0", "１２３", "١٢٣", "0x10",
    "1_000", "2024-13-45", "2024-02-30", "—", "n/a", "#N/A", "nan", "None", "\x00", "a\x00b", "\ufeff", "\u2028",
    "童装", "湖州市吴兴区", "是", "否", "√", "微型", "上游", "<script>alert(1)</script>", "' OR 1=1 --",
    "91330502MA000001XX", "9133050" + "2" * 11, "330502", "999999", "true", "TRUE", "0", "1", "5", "3.5",
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=24)
# Huge cells, with commas, quotes and line breaks, below and above Python's csv field limit (131,072).
HUGE = st.sampled_from([2_000, 100_000, 200_000]).map(lambda n: ("童装,\"x\"\n" * (n // 8))[:n])


def cell_for(table: str, field: str | None) -> st.SearchStrategy[str]:
    valid = VALID[table].get(field, []) if field else []
    options = [st.sampled_from(HOSTILE), TEXT]
    if valid:
        options = [st.sampled_from(valid), st.sampled_from(valid), *options]
    return st.one_of(*options)


def header_spelling(field) -> st.SearchStrategy[str]:
    spellings = [s for s in (field.name, field.zh, *field.aliases) if s]
    return st.sampled_from(spellings).flatmap(lambda s: st.sampled_from(
        [s, s.upper(), f" {s} ", f"{s}\u3000", s.replace("(", "（").replace(")", "）"), f"\ufeff{s}"]))


HEADER_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@st.composite
def table_layout(draw, table: str | None = None) -> tuple[str, list[str | None], list[str]]:
    """(table, field of each column or None for an unknown column, header cells)."""
    table = table or draw(st.sampled_from(TABLE_NAMES))
    fields = TABLES[table].fields
    n = len(fields)
    order = draw(st.one_of(
        st.just(list(range(n))),
        st.permutations(list(range(n))),
        st.lists(st.integers(0, n - 1), min_size=1, max_size=n + 2),  # columns missing or repeated
    ))
    cols: list[str | None] = [fields[i].name for i in order]
    header = [draw(header_spelling(fields[i])) for i in order]
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(header)))
        cols.insert(at, None)
        extra = st.sampled_from(["", " ", "备注", "name", "统一社会信用代码"])
        header.insert(at, draw(st.one_of(HEADER_TEXT, extra)))
    return table, cols, header


def is_blank_row(row: list) -> bool:
    return all(fz.is_blank_cell(c) for c in row)


@st.composite
def csv_table(draw, table: str | None = None, huge: bool = True) -> dict:
    """A generated CSV file: bytes, its table, the rows written and how many are not blank."""
    table, cols, header = draw(table_layout(table))
    width = len(header)
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["row", "row", "row", "row", "blank", "short", "long", "dup"]))
        if kind == "blank":
            rows.append(draw(st.sampled_from([[], [""], [""] * width, [" "] * width, ["\u3000", "\t"]])))
            continue
        if kind == "dup" and rows:
            rows.append(list(draw(st.sampled_from(rows))))
            continue
        row = [draw(cell_for(table, c)) for c in cols]
        if huge and draw(st.integers(0, 30)) == 0:
            row[draw(st.integers(0, width - 1))] = draw(HUGE)
        if kind == "short":
            row = row[: draw(st.integers(0, width))]
        elif kind == "long":
            row += [draw(cell_for(table, None)) for _ in range(draw(st.integers(1, 3)))]
        rows.append(row)
    # blank lines before the header, among them blank *records* that are not blank *lines*
    leading = draw(st.lists(st.sampled_from(["", ",,", " , ", "\t", '""', '"",""', '" "']), max_size=2))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    if eol == "\n" and any("\r" in c for r in [header, *rows] for c in r):
        quoting = csv.QUOTE_ALL  # csv.writer quotes only the line terminator's own characters in MINIMAL mode
    buf = io.StringIO(newline="")
    for line in leading:
        buf.write(line + eol)
    w = csv.writer(buf, lineterminator=eol, quoting=quoting)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text.removesuffix(eol)  # no final line break
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    stem = draw(st.sampled_from([table, TABLES[table].zh, *TABLES[table].aliases[:1]]))
    return {"table": table, "stem": stem, "data": text.encode(encoding), "text": text, "header": header,
            "rows": rows, "nonblank": sum(not is_blank_row(r) for r in rows), "encoding": encoding}


def expected_read(gen: dict) -> int:
    """Rows the reader must read: the independent oracle, cross-checked against what was generated."""
    exp = fz.expected_csv_rows(gen["data"])
    n = 0 if exp is None else exp[0]
    if fz.decode_like_reader(gen["data"]) == gen["text"].removeprefix("\ufeff"):
        assert n == gen["nonblank"], "oracle and generator disagree"
    return n


# ---------------------------------------------------------------------------
# CSV through validate
# ---------------------------------------------------------------------------

@settings(max_examples=examples(45), **SETTINGS)
@given(gen=csv_table())
def test_generated_csv_every_row_accounted_for(gen):
    with dataset_with(gen["table"], f"{gen['stem']}.csv", gen["data"]) as d:
        result = fz.check_validate(d, table=gen["table"], expected_read=expected_read(gen), baseline=BASELINE)
    assert result is not None  # a folder with readable files never fails as a whole
    rejects = result.rejects[gen["table"]]
    if len(rejects):
        exp = fz.expected_csv_rows(gen["data"])
        assert set(rejects["__row__"].astype(int)) <= set(exp[1])  # rows are the spreadsheet's own numbers


@settings(max_examples=examples(12), **SETTINGS)
@given(gen=csv_table(huge=False))
def test_generated_csv_streamed_reads_like_whole(gen):
    """The chunked path for large files (forced here with a 0-byte threshold) keeps the same contract."""
    with mock.patch.object(cgio, "STREAM_BYTES", 0), mock.patch.object(cgio, "STREAM_BLOCK", 64):
        with dataset_with(gen["table"], f"{gen['stem']}.csv", gen["data"]) as d:
            streamed = fz.check_validate(d, table=gen["table"], expected_read=expected_read(gen), baseline=BASELINE)
    with dataset_with(gen["table"], f"{gen['stem']}.csv", gen["data"]) as d:
        whole = validate(d)
    cols = ["table", "read", "accepted", "rejected", "merged"]
    assert streamed.summary[cols].equals(whole.summary[cols])
    assert len(streamed.issues) == len(whole.issues)


def _mixed_bytes(parts: list[tuple[str, str]], noise: bytes) -> bytes:
    out = b"".join(text.encode(enc, errors="replace") for text, enc in parts)
    return out[: len(out) // 2] + noise + out[len(out) // 2:] if noise else out


MIXED = st.builds(_mixed_bytes, st.lists(st.tuples(
    st.one_of(st.sampled_from(["id,name,industry_code\n", "kids,童装,1819\n", "mesh,丝网,3340\n", '"a\nb",c\n']),
              TEXT),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "latin-1"])), max_size=6), st.binary(max_size=8))


@settings(max_examples=examples(28), **SETTINGS)
@given(data=st.one_of(st.binary(max_size=600), MIXED), table=st.sampled_from(TABLE_NAMES))
@example(data=b"", table="chains")
@example(data=codecs.BOM_UTF8, table="chains")
@example(data=b"\xff\xfe" + "id,name\n".encode("utf-16-le"), table="chains")
@example(data="id,name\nk,童装\n".encode() + "j,丝网\n".encode("gb18030"), table="chains")
@example(data=b"id,name\rk,n\rj,m\r", table="chains")
def test_random_and_mixed_bytes_as_csv(data, table):
    exp = fz.expected_csv_rows(data)
    expected = 0 if exp is None else exp[0]
    with dataset_with(table, f"{table}.csv", data) as d:
        fz.check_validate(d, table=table, expected_read=expected, baseline=BASELINE)


# ---------------------------------------------------------------------------
# The CSV reader alone: row numbers and cells survive exactly
# ---------------------------------------------------------------------------

def _read_all(part) -> tuple[list[list[object]], list[int]]:
    cells: list[list[object]] = []
    rows: list[int] = []
    for frame, numbers in part.iter_chunks():
        cells.extend(frame.astype("object").values.tolist())
        rows.extend(int(r) for r in numbers)
    return cells, rows


@settings(max_examples=examples(150), **SETTINGS)
@given(gen=csv_table(), stream=st.booleans())
def test_read_csv_keeps_rows_numbers_and_cells(gen, stream):
    n = expected_read(gen)
    exp = fz.expected_csv_rows(gen["data"])
    text = fz.decode_like_reader(gen["data"])
    header = next(r for r in fz.csv_records(text) if any(c.strip() for c in r))
    with tempfile.TemporaryDirectory() as tmp, \
            mock.patch.object(cgio, "STREAM_BYTES", 0 if stream else cgio.STREAM_BYTES), \
            mock.patch.object(cgio, "STREAM_BLOCK", 128):
        path = Path(tmp) / f"{gen['table']}.csv"
        path.write_bytes(gen["data"])
        part = cgio.read_csv(path, gen["table"], report_name=path.name)
        cells, rows = _read_all(part)
    assert len(cells) == n
    assert rows == exp[1], "row numbers are the spreadsheet's record numbers"
    assert part.headers == [h.strip() for h in header]
    if text == gen["text"].removeprefix("\ufeff"):
        written = [r for r in gen["rows"] if not is_blank_row(r)]
        for got, want in zip(cells, written, strict=True):
            if len(want) == len(gen["header"]):
                assert got == want, "a well-formed row's cells come back verbatim"


# ---------------------------------------------------------------------------
# XLSX through validate
# ---------------------------------------------------------------------------

XLSX_VALUE = st.one_of(
    st.none(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.sampled_from(["", " ", "\u3000", "   "]),
    TEXT.map(fz._xlsx_text),
    st.sampled_from(HOSTILE).map(fz._xlsx_text),
    st.just("x" * 40_000),
)


def xlsx_cell(table: str, field: str | None) -> st.SearchStrategy[object]:
    valid = VALID[table].get(field, []) if field else []
    typed = {"int": st.integers(-5, 10), "float": st.floats(-10, 10), "money": st.floats(0, 1e6),
             "bool": st.booleans(), "date": st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1))}
    ftype = next((f.type for f in TABLES[table].fields if f.name == field), None)
    options = [XLSX_VALUE, XLSX_VALUE]
    if valid:
        options += [st.sampled_from(valid)] * 2
    if ftype in typed:
        options.append(typed[ftype])
    return st.one_of(*options)


def _put(ws, r: int, values: list) -> None:
    for i, v in enumerate(values, start=1):
        c = ws.cell(row=r, column=i)
        c.value = v
        if isinstance(v, str) and v.startswith("="):
            c.data_type = "s"  # text, not a formula: openpyxl writes no cached value for formulas


@st.composite
def xlsx_table(draw) -> dict:
    from openpyxl import Workbook

    table, cols, header = draw(table_layout())
    header = [fz._xlsx_text(h) for h in header]
    if is_blank_row(header):
        header.append(cols[0] or "id")
        cols.append(None)
    wb = Workbook()
    ws = wb.active
    ws.title = draw(st.sampled_from([table, TABLES[table].zh]))
    r = 1 + draw(st.integers(0, 2))  # blank rows above the header
    if draw(st.booleans()):
        header = [draw(st.sampled_from([h, 2024, 1.5, True, dt.date(2024, 1, 1)])) if not h.strip() else h
                  for h in header]  # non-text header cells
    _put(ws, r, header)
    nonblank, rows = 0, []
    for _ in range(draw(st.integers(0, 8))):
        r += 1
        kind = draw(st.sampled_from(["row", "row", "row", "blank", "short", "long"]))
        if kind == "blank":
            _put(ws, r, draw(st.sampled_from([[], [None, None], [" ", "\u3000", None]])))
            continue
        row = [draw(xlsx_cell(table, c)) for c in cols]
        if kind == "short":
            row = row[: draw(st.integers(0, len(row)))]
        elif kind == "long":
            row += [draw(XLSX_VALUE) for _ in range(draw(st.integers(1, 3)))]
        _put(ws, r, row)
        rows.append(row)
        nonblank += not is_blank_row(row)
    if draw(st.booleans()):
        other = wb.create_sheet(draw(st.sampled_from(["说明", "Sheet2", "notes"])))
        other.append(["这是说明", None])
    buf = io.BytesIO()
    wb.save(buf)
    stem = draw(st.sampled_from([table, "数据"]))
    return {"table": table, "stem": stem, "data": buf.getvalue(), "nonblank": nonblank,
            "sheets": wb.sheetnames, "header": header, "rows": rows}


@settings(max_examples=examples(30), **SETTINGS)
@given(gen=xlsx_table())
def test_generated_xlsx_every_row_accounted_for(gen):
    with dataset_with(gen["table"], f"{gen['stem']}.xlsx", gen["data"]) as d:
        result = fz.check_validate(d, table=gen["table"], expected_read=gen["nonblank"], baseline=BASELINE)
    assert result is not None
    if len(gen["sheets"]) > 1:
        assert "unknown_table" in set(result.issues["code"])  # the extra sheet is reported, not silently dropped


def _truncations(data: bytes) -> list[bytes]:
    return [data[:k] for k in (0, 4, 30, len(data) // 3, len(data) // 2, len(data) - 22, len(data) - 1)]


_XLSX_SEED = fz._template_xlsx("chains")


@settings(max_examples=examples(12), **SETTINGS)
@given(data=st.one_of(st.binary(max_size=400), st.sampled_from(_truncations(_XLSX_SEED)),
                      st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=200))))
def test_random_bytes_as_xlsx(data):
    with dataset_with("chains", "chains.xlsx", data) as d:
        result = fz.check_validate(d, table="chains", baseline=BASELINE)
    assert result is not None
    assert int(result.summary.set_index("table").loc["chains", "read"]) == 0
    assert {"file_unreadable", "empty_file"} & set(result.issues["code"])


# ---------------------------------------------------------------------------
# Parquet and descriptors (read_dataset's other doors)
# ---------------------------------------------------------------------------

PARQUET_COLUMN = st.sampled_from(["int64", "float64", "bool", "string", "timestamp", "date", "null", "binary",
                                  "list"])
NOT_CELLS = {"binary", "list"}  # columns of bytes or lists: the file is refused as a whole (file_unreadable)


@settings(max_examples=examples(12), **SETTINGS)
@given(table=st.sampled_from(["chains", "enterprises", "observations", "supplies"]), n=st.integers(0, 5),
       data=st.data())
def test_generated_parquet_every_row_accounted_for(table, n, data):
    import pyarrow as pa
    import pyarrow.parquet as pq

    makers = {
        "int64": (pa.int64(), st.integers(-(2**63), 2**63 - 1)),
        "float64": (pa.float64(), st.floats()),
        "bool": (pa.bool_(), st.booleans()),
        "string": (pa.string(), st.one_of(TEXT, st.sampled_from(HOSTILE))),
        "timestamp": (pa.timestamp("s"), st.datetimes(min_value=dt.datetime(1, 1, 2))),
        "date": (pa.date32(), st.dates()),
        "null": (pa.null(), st.none()),
        "binary": (pa.binary(), st.binary(max_size=8)),
        "list": (pa.list_(pa.string()), st.lists(st.sampled_from([uscc(1), "330502", "kids"]), max_size=2)),
    }
    fields = [f.name for f in TABLES[table].fields]
    names = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique=True))
    kinds = data.draw(st.lists(PARQUET_COLUMN, min_size=len(names), max_size=len(names)))
    arrays, columns = [], []
    for kind in kinds:
        typ, values = makers[kind]
        cells = data.draw(st.lists(st.one_of(st.none(), values), min_size=n, max_size=n))
        arrays.append(pa.array(cells, type=typ))
        columns.append(cells)
    buf = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(arrays, names=names), buf)
    refused = bool(NOT_CELLS & set(kinds))
    with dataset_with(table, f"{table}.parquet", buf.getvalue().to_pybytes()) as d:
        result = fz.check_validate(d, table=table, expected_read=0 if refused else n, baseline=BASELINE)
    if refused:
        issues = result.issues[result.issues["file"] == f"{table}.parquet"]
        assert "file_unreadable" in set(issues["code"])


JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=3), max_leaves=8)
RESOURCE = st.fixed_dictionaries(
    {"name": st.one_of(st.sampled_from(["chains", "产业链", "segments", "企业", "leaders", "问题", "nope"]),
                       JSON_VALUE),
     "path": st.one_of(st.sampled_from(["chains.csv", "segments.csv", "enterprises.csv", "book.xlsx", "../x.csv",
                                        "/etc/passwd", "missing.csv", "sub/../chains.csv", ".", "a\x00b.csv"]),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10))},
    optional={"encoding": st.one_of(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "gb18030", "GBK", "ascii",
                                                     "utf-16", "klingon"]), JSON_VALUE),
              "sheet": JSON_VALUE, "columns": JSON_VALUE, "dialect": JSON_VALUE, "format": JSON_VALUE})


@settings(max_examples=examples(40), **SETTINGS)
@given(meta=st.one_of(JSON_VALUE, st.fixed_dictionaries({"resources": st.lists(RESOURCE, max_size=3)},
                                                        optional={"name": JSON_VALUE})))
def test_generated_descriptor_is_an_error_or_a_balanced_report(meta):
    with dataset_with("no-table", "datapackage.json", json.dumps(meta).encode()) as d:
        (d / "book.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
        fz.check_validate(d)


# ---------------------------------------------------------------------------
# Regressions: the minimal reproductions of the bugs the properties and the fuzzer found (were strict xfail
# until 6e65569; see docs/hardening.md for the failure each one pinned)
# ---------------------------------------------------------------------------

def _validate_file(table: str, filename: str, content: bytes, *, expected_read: int | None = None):
    with dataset_with(table, filename, content) as d:
        return fz.check_validate(d, table=table, expected_read=expected_read, baseline=BASELINE)


def _file_codes(result, filename: str) -> set[str]:
    return set(result.issues.loc[result.issues["file"] == filename, "code"])


def test_huge_cell_on_exact_csv_path():
    """Was: _csv.Error 'field larger than field limit' (csv's default limit, 131,072 characters)."""
    big = "x" * 200_000
    result = _validate_file("chains", "chains.csv", f"id,name,industry_code\n\nk,{big},1\n".encode(), expected_read=1)
    assert big in set(result.tables["chains"]["name"])


@pytest.mark.parametrize("content", [
    b'"",""\nid,name,industry_code\n\nk,n,1\n',  # was ValueError (2 header names, 3-cell records)
    b'"",""\nid,name\nk,n\n',  # was: 'id,name' read as a data row
    b'" "\nid,name\nk,n\n',
])
def test_quoted_blank_line_before_header(content):
    """The header is the first non-blank *record*, not the first non-blank line."""
    result = _validate_file("chains", "chains.csv", content, expected_read=1)
    assert "k" in set(result.tables["chains"]["id"]) or "k" in set(result.rejects["chains"].get("id", []))


def test_header_cell_with_quoted_newline():
    """Was: ValueError '1 columns passed, passed data had 2 columns'."""
    result = _validate_file("chains", "chains.csv", b'"id\nx",name\nk,n\n', expected_read=1)
    assert "unknown_column" in _file_codes(result, "chains.csv")  # 'id\nx' is not a column of the model


def _xlsx_with_sheet_xml(edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_XLSX_SEED))
    xml = src.read("xl/worksheets/sheet1.xml")
    return fz.splice_sheet_xml("chains", edit(xml))


@pytest.mark.parametrize("edit", [
    lambda xml: xml[: len(xml) // 2],  # truncated XML: was xml.etree.ElementTree.ParseError
    lambda xml: xml.replace(b'r="A2"', b'r="!!"'),  # bad cell reference: was ValueError
    lambda xml: xml.replace(b"<sheetFormatPr ", b"<sheetFormatPr bogus=\"1\" "),  # unknown attribute: was TypeError
], ids=["truncated", "bad-cell-ref", "unknown-attribute"])
def test_damaged_sheet_xml_is_a_file_issue(edit):
    result = _validate_file("chains", "chains.xlsx", _xlsx_with_sheet_xml(edit), expected_read=0)
    assert "file_unreadable" in _file_codes(result, "chains.xlsx")


def test_uscc_column_without_any_value_csv():
    """Was: IndexError in validate._on_uniques (no uscc header: the column is all NA)."""
    result = _validate_file("leaders", "leaders.csv", b"chain_id,region_code\nkids,330502\n", expected_read=1)
    assert "missing_column" in _file_codes(result, "leaders.csv")


def test_uscc_column_without_any_value_xlsx():
    """Was: IndexError (every uscc cell of the workbook empty, i.e. None). Since schema 2 the credit code
    is optional: the firm is identified by its full name, with a warning, not rejected."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "enterprises"
    ws.append(["uscc", "name", "region_code", "size"])
    ws.append([None, "企业", "330502", "micro"])
    buf = io.BytesIO()
    wb.save(buf)
    result = _validate_file("enterprises", "enterprises.xlsx", buf.getvalue(), expected_read=1)
    assert int(result.summary.set_index("table").loc["enterprises", "accepted"]) == 1
    assert result.tables["enterprises"]["id"].tolist() == ["企业"]
    assert "id_from_name" in set(result.issues["code"])


def _parquet(cols: dict) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = pa.BufferOutputStream()
    pq.write_table(pa.table(cols), buf)
    return buf.getvalue().to_pybytes()


@pytest.mark.parametrize("column,cell", [("uscc", [uscc(1)]), ("region_code", ["330502"]), ("uscc", b"\xd5[")],
                         ids=["list-uscc", "list-region", "binary-uscc"])
def test_parquet_lists_and_bytes_in_key_columns_are_a_file_issue(column, cell):
    """Were: TypeError unhashable 'list' (validate._on_uniques, regions.resolve_series), UnicodeDecodeError
    (codes._prepare). The file is now refused as a whole."""
    cols = {"uscc": [uscc(1)], "name": ["x"], "region_code": ["330502"], "size": ["micro"]}
    cols[column] = [cell]
    result = _validate_file("enterprises", "enterprises.parquet", _parquet(cols), expected_read=0)
    assert "file_unreadable" in _file_codes(result, "enterprises.parquet")


@pytest.mark.parametrize("cells", [[["kids"], ["mesh"]], [{"a": 1}, {"a": 2}], [b"kids", b"mesh"]],
                         ids=["list", "struct", "binary"])
def test_parquet_nested_cells_are_not_stringified(cells):
    """Were accepted as the text "['kids']" / "{'a': 1}" / "b'kids'" (silently coerced)."""
    import pyarrow as pa

    result = _validate_file("chains", "chains.parquet", _parquet({"id": pa.array(cells), "name": ["童装", "丝网"]}),
                            expected_read=0)
    assert "file_unreadable" in _file_codes(result, "chains.parquet")
    assert not any(str(v).startswith(("[", "{", "b'")) for v in result.tables["chains"]["id"])


def _descriptor(resources: list[dict], files: dict[str, bytes] | None = None):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "ds"
        shutil.copytree(_TINY, d)
        for name, content in (files or {}).items():
            (d / name).write_bytes(content)
        (d / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")
        return fz.check_validate(d)


@pytest.mark.parametrize("encoding", ["klingon", 5, "utf-16", "GBK", "ascii"])
def test_descriptor_encoding_that_does_not_fit(encoding):
    """Were: LookupError, TypeError, UnicodeError, UnicodeDecodeError out of read_csv."""
    result = _descriptor([{"name": "chains", "path": "chains.csv", "encoding": encoding}])
    assert "encoding_invalid" in _file_codes(result, "chains.csv")
    assert int(result.summary.set_index("table").loc["chains", "read"]) == 0


def test_descriptor_xlsx_resource_not_a_workbook():
    """Was: zipfile.BadZipFile out of _read_descriptor."""
    result = _descriptor([{"name": "chains", "path": "c.xlsx"}], {"c.xlsx": b"not a zip"})
    assert "file_unreadable" in _file_codes(result, "c.xlsx")


def test_descriptor_path_with_nul():
    """Was: ValueError 'embedded null byte'; now a DatasetError."""
    assert _descriptor([{"name": "chains", "path": "a\u0000b.csv"}]) is None


def test_descriptor_deeply_nested_json():
    """Was: RecursionError; now a DatasetError."""
    with tempfile.TemporaryDirectory() as tmp:
        d = write_tiny(Path(tmp) / "ds")
        (d / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
        assert fz.check_validate(d) is None
