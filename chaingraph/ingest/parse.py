"""Cell parsers: raw spreadsheet cells to typed values, with a reason for every cell that does not parse.

Every parser takes a :class:`pandas.Series` of raw cells and returns a :class:`Parsed`
triple ``(values, reason, message)`` on the same index. The guarantee: a cell is either

* **blank** (NA, ``None``, NaN, ``''`` or only white space, full-width spaces included): value missing,
  no reason (required columns are checked by the validator, not here);
* **parsed**: the value is set, possibly with a *warning* reason (``date_partial``); or
* **reported**: the value is missing and the reason is set (``value_unknown`` for an explicit
  missing marker such as ``不详`` or ``—``, otherwise an error code from :mod:`chaingraph.reasons`).

Nothing becomes missing silently: for every non-blank cell ``values`` is set or ``reason`` is set.
A cell with an *error* reason never carries a value (``out_of_range`` included), so the typed
values can be used as they are once the flagged rows are dropped.

Cells may be text (CSV, or XLSX text cells) or Python objects straight from an XLSX reader
(``int``, ``float``, ``bool``, ``datetime``, ``date``, :class:`pandas.Timestamp`, numpy scalars,
``Decimal``) in an object Series; typed Series (``str``, ``category``, ``Int64``, ``float64``,
``datetime64``, ``boolean``...) work too. Anything else (a list, a ``time``, ...) is reported,
or rendered with ``str()`` in a text column, and never raised on.

Performance: a column is factorised once (pyarrow dictionary encoding for text), only the
*unique* cells are parsed, and the results are taken back to the full column. A large text column
whose random sample of 20,000 cells has no repeats is parsed cell by cell instead, which is
cheaper than hashing it. Text is parsed with vectorised pyarrow kernels (RE2 regular expressions,
casts); plain numbers (``1200``, ``1,200``, ``1200万元``) take a cheaper fast path than the full
grammar. Python-level loops run only over *unique non-text objects* of unusual types, over the
few unique cells holding full-width characters, and over the rows of an object column that mixes
types (to split ``True`` from ``1``, see below).

Decisions (where the brief left room)
-------------------------------------
* Full-width ASCII (``１２００``, ``，``, ``．``, ``％``, ``Ｎ/Ａ``), U+3000 and no-break spaces, the minus
  sign U+2212 and ``￥`` are folded to their ASCII forms before parsing numbers, dates, booleans and
  enums. NFKC is *not* used: it would turn ``10²`` into ``102``.
* Numbers: thousands separators must group by three (``1,200`` and ``1,234,567.5``; ``1,2,00`` is
  ``number_invalid``, as is ``1.234,5``). ``int`` accepts an optional unit ``人`` (``50人``) and
  ``12.0``; it rejects ``12.5``, exponents and percents. ``float`` accepts exponents (``1e3``) and
  a trailing ``%`` kept in percent units (``95%`` is ``95.0``). Approximations (``约50人``,
  ``50余人``, ``50+``, ``>50``), ranges (``50-100``) and Chinese numerals (``十二万``) are
  ``number_invalid`` with a message saying so: the guarantee forbids guessing.
* Money is stored in 万元. Units: ``元``, ``千``/``千元``, ``万``/``万元``, ``十万``, ``百万``, ``千万``,
  ``亿``/``亿元``, ``万亿`` (each with or without ``元``); no unit means the column unit (万元).
  ``￥``/``¥``/``RMB``/``CNY``/``人民币`` may prefix (or ``人民币`` suffix) the amount, but a currency
  sign *without* a unit (``￥1200``) is ambiguous (yuan, or the column's 万元?) and is
  ``number_invalid``. Foreign currencies are ``number_invalid``. Unit scaling is exact in decimal
  (``1.2亿`` is exactly ``12000.0``, not ``12000.000000000002``).
* Dates are day precision, dtype ``datetime64[s]``; years must lie in 1800–2199 (so a pasted region
  code ``330502`` is not read as February 3305, and a ``9999-12-31`` "never expires" sentinel is
  reported rather than stored). Separators ``-``, ``/``, ``.`` must agree within one date. A time
  part (``2023-05-01 08:00``, ``...T08:00:00Z``, ``+08:00``) is validated and dropped: the date is
  taken as written, offsets are not applied. ``202305`` (six digits) is a partial month.
  Day-first / month-first forms (``5/1/2023``), two-digit years and relative words (``明年``) are
  ``date_invalid``. A *non-integral* number outside the Excel serial range (``2023.5`` as an XLSX
  number) is ``date_invalid``: as a number ``2023.10`` has become ``2023.1``; the same text
  ``"2023.5"`` is May 2023 (``date_partial``).
* Booleans: :data:`~chaingraph.model.BOOL_TRUE` / ``BOOL_FALSE`` case-insensitively, plus numeric
  cells equal to 1/0, ``True``/``False`` and the texts ``1.0``/``0.0``.
* Enums: case-insensitive, surrounding white space stripped, inner runs of white space collapsed.
* Text and ids: stripped of surrounding white space (full-width, no-break, zero-width, BOM);
  interior text is kept verbatim (an inner U+3000 stays). A numeric XLSX cell is rendered as the
  analyst saw it: a float with an integral value below 2**63 as an integer (``123.0`` -> ``"123"``),
  other floats by their shortest round-trip form (``12.5``, ``1e+20``); a ``datetime`` as
  ``YYYY-MM-DD`` at midnight, else ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (wall-clock, any time zone
  dropped); ``True`` as ``"TRUE"``. Text cells are never reinterpreted (``"123.0"`` stays
  ``"123.0"``). A lone surrogate (impossible to store as UTF-8) is replaced by U+FFFD.
* Missing markers (:data:`~chaingraph.model.MISSING_MARKERS`) are matched on the whole cell,
  case-insensitively and after full-width folding (``Ｎ/Ａ``, ``－``), for every type, text
  included. ``-`` is a marker, ``-3.2`` is a number.
* A ``bool`` object in a number or date column is reported, not read as 1/0. (pandas factorises
  ``True`` and ``1`` as one value; the parsers split cells of different types again, so a column
  parses exactly as its cells would one by one.)

Example
-------
>>> import pandas as pd
>>> p = parse_money(pd.Series(["1,200万元", "1.2亿", "3000000元", "不详", "", "十二万"]))
>>> p.values.tolist()
[1200.0, 12000.0, 300.0, <NA>, <NA>, <NA>]
>>> p.reason.tolist()
[nan, nan, nan, 'value_unknown', nan, 'number_invalid']
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import functools
import math
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph import model
from chaingraph.reasons import REASONS

__all__ = [
    "Parsed",
    "is_blank",
    "parse_text",
    "parse_id",
    "parse_int",
    "parse_float",
    "parse_money",
    "parse_date",
    "parse_bool",
    "parse_enum",
    "parse_field",
    "PARSERS",
    "DATE_MIN_YEAR",
    "DATE_MAX_YEAR",
    "EXCEL_SERIAL_MIN",
    "EXCEL_SERIAL_MAX",
]

VALUE_UNKNOWN = "value_unknown"
NUMBER_INVALID = "number_invalid"
OUT_OF_RANGE = "out_of_range"
DATE_INVALID = "date_invalid"
DATE_PARTIAL = "date_partial"
BOOL_INVALID = "bool_invalid"
ENUM_INVALID = "enum_invalid"

_CODES: tuple[str | None, ...] = (
    None, VALUE_UNKNOWN, NUMBER_INVALID, OUT_OF_RANGE, DATE_INVALID, DATE_PARTIAL, BOOL_INVALID, ENUM_INVALID,
)
_CODE_IX = {c: i for i, c in enumerate(_CODES)}
_unknown_codes = {c for c in _CODES if c is not None} - set(REASONS)
if _unknown_codes:  # pragma: no cover - guards against a renamed code in reasons.py
    raise ImportError(f"chaingraph.parse uses reason codes missing from chaingraph.reasons: {sorted(_unknown_codes)}")
# a parsed value survives no reason, or a warning other than value_unknown (i.e. date_partial)
_KEEPS_VALUE = np.array([i for i, c in enumerate(_CODES)
                         if c is None or (c != VALUE_UNKNOWN and REASONS[c].severity == "warning")], dtype=np.int8)

DATE_MIN_YEAR = 1800
"""Earliest year accepted in a date."""
DATE_MAX_YEAR = 2199
"""Latest year accepted in a date."""
EXCEL_SERIAL_MIN = 20000
"""Smallest number read as an Excel serial date (1954-10-03)."""
EXCEL_SERIAL_MAX = 80000
"""Largest number read as an Excel serial date (2119-01-11)."""
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_DATE_UNIT = "datetime64[s]"

_SHOW = 40  # characters of a cell quoted in a message
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # the "str" dtype of pandas 3

# Python's str.isspace() set plus zero-width space, word joiner and BOM.
_WS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u2060\ufeff"
)
# Full-width ASCII -> ASCII, plus a few look-alikes met in Chinese spreadsheets.
_FOLD: dict[int, str] = {0xFF01 + i: chr(0x21 + i) for i in range(94)}
_FOLD.update({0x3000: " ", 0xA0: " ", 0x2007: " ", 0x202F: " ", 0x2212: "-", 0xFE63: "-", 0xFFE5: "¥"})
_NEEDS_FOLD = "[\uff01-\uff5e\u3000\u00a0\u2007\u202f\u2212\ufe63\uffe5]"


def _fold(text: str) -> str:
    """Fold one string the way the vectorised path does (used for constant tables)."""
    return text.translate(_FOLD).strip(_WS).lower()


_MARKERS = pa.array(sorted({_fold(m) for m in model.MISSING_MARKERS}), type=pa.large_string())
_MARKER_LEN = max(len(m) for m in model.MISSING_MARKERS)  # folding maps one character to one
_BOOL_KEYS = pa.array([_fold(t) for t in model.BOOL_TRUE] + [_fold(f) for f in model.BOOL_FALSE] + ["1.0", "0.0"],
                      type=pa.large_string())
_BOOL_VALS = np.array([True] * len(model.BOOL_TRUE) + [False] * len(model.BOOL_FALSE) + [True, False])


class Parsed(NamedTuple):
    """Result of a parser, aligned on the input index.

    Attributes
    ----------
    values : pandas.Series
        Typed values (``Int64``, ``Float64``, ``datetime64[s]``, ``boolean`` or ``str``); missing
        where the cell was blank, an unknown-marker, or invalid.
    reason : pandas.Series
        ``str`` dtype: a reason code from :mod:`chaingraph.reasons`, or missing.
    message : pandas.Series
        ``str`` dtype: a short English message wherever ``reason`` is set.

    Example
    -------
    >>> values, reason, message = parse_int(pd.Series(["12", "x", ""]))
    >>> message.tolist()
    [nan, "'x' is not a number", nan]
    >>> parse_int(pd.Series(["12", "x", ""])).blank.tolist()
    [False, False, True]
    """

    values: pd.Series
    reason: pd.Series
    message: pd.Series

    @property
    def blank(self) -> np.ndarray:
        """Boolean mask of blank cells (no value and no reason)."""
        return (self.values.isna() & self.reason.isna()).to_numpy(dtype=bool)


# ---------------------------------------------------------------------------
# Factorising a column into unique cells, grouped by kind
# ---------------------------------------------------------------------------


@dataclass
class _Cells:
    """A column factorised into its unique non-NA cells, split by kind.

    ``codes[i]`` is the unique of row ``i`` (-1 for NA). Each group holds the positions (into the
    uniques) of its members and their values.
    """

    index: pd.Index
    codes: np.ndarray
    n: int
    str_pos: np.ndarray
    strs: pa.Array  # raw text, large_string
    num_pos: np.ndarray
    nums: np.ndarray  # numeric ndarray, or object ndarray of numbers
    dt_pos: np.ndarray
    dts: pd.DatetimeIndex  # naive wall time
    oth_pos: np.ndarray
    oths: np.ndarray  # object: bools and anything else


_EMPTY_POS = np.zeros(0, dtype=np.intp)
_EMPTY_DT = pd.DatetimeIndex([], dtype="datetime64[us]")
_NUM_TYPES = (int, float, np.integer, np.floating, decimal.Decimal, fractions.Fraction)


def _kind(t: type) -> str:
    if issubclass(t, str):
        return "str"
    if issubclass(t, (bool, np.bool_, np.timedelta64)):  # np.timedelta64 subclasses np.integer
        return "oth"
    if issubclass(t, _NUM_TYPES):
        return "num"
    if issubclass(t, (dt.date, np.datetime64)):
        return "dt"
    return "oth"


def _is_arrow_str(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    return isinstance(dtype, pd.ArrowDtype) and (
        pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype))


def _to_arrow_text(items: list[Any]) -> pa.Array:
    """Python strings to a large_string array; lone surrogates become U+FFFD."""
    try:
        return pa.array(items, type=pa.large_string())
    except (UnicodeEncodeError, pa.ArrowException, TypeError):
        clean = [str(x).encode("utf-16", "surrogatepass").decode("utf-16", "replace") for x in items]
        return pa.array(clean, type=pa.large_string())


def _isna_scalar(x: Any) -> bool:
    try:
        r = pd.isna(x)
    except Exception:
        return False
    return isinstance(r, (bool, np.bool_)) and bool(r)


def _factorize_slow(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorise cells some of which are unhashable (lists, arrays...): a Python loop, rare."""
    table: dict[Any, int] = {}
    uniq: list[Any] = []
    codes = np.empty(len(arr), dtype=np.intp)
    for i, x in enumerate(arr):
        if _isna_scalar(x):
            codes[i] = -1
            continue
        key: Any = (type(x), x)
        try:
            k = table.get(key)
        except Exception:  # unhashable, or an __eq__ that raises: by identity
            key = ("<unhashable>", id(x))
            k = table.get(key)
        if k is None:
            k = table[key] = len(uniq)
            uniq.append(x)
        codes[i] = k
    out = np.empty(len(uniq), dtype=object)
    out[:] = uniq
    return codes, out


def _as_float(nums: np.ndarray) -> np.ndarray:
    """Numbers (numeric or object ndarray) as float64; overflow becomes +-inf."""
    if nums.dtype.kind in "iuf":
        return nums.astype(np.float64)
    try:
        with np.errstate(all="ignore"):
            return np.asarray(nums, dtype=np.float64)
    except (OverflowError, ValueError, TypeError):
        out = np.empty(len(nums), dtype=np.float64)
        for i, x in enumerate(nums):
            try:
                out[i] = float(x)
            except OverflowError:
                out[i] = math.inf if x > 0 else -math.inf
            except Exception:
                out[i] = math.nan
        return out


def _split_types(arr: np.ndarray, codes: np.ndarray, uniq: np.ndarray,
                 kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give cells of different Python types their own uniques.

    ``factorize`` merges cells that compare equal, and ``True == 1 == 1.0 == (1+0j)``: a ``True``
    in a number column (or ``1+0j`` in a yes/no column) would take the fate of whichever came
    first. Rows of non-text uniques are re-keyed by (unique, type) when they mix types.
    """
    nontext = np.append(kinds != "str", False)[codes]  # codes == -1 reads the appended False
    rows = np.flatnonzero(nontext)
    if not len(rows):
        return codes, uniq, kinds
    tcodes, tuniq = pd.factorize(np.frompyfunc(type, 1, 1)(arr[rows]))
    if len(tuniq) < 2:
        return codes, uniq, kinds
    # type of each unique's representative, coded in the same space as the rows' types
    both, _ = pd.factorize(np.concatenate([np.asarray(tuniq, dtype=object), np.frompyfunc(type, 1, 1)(uniq)]))
    rep_tcode = both[len(tuniq):]
    same = rep_tcode[codes[rows]] == tcodes
    move = rows[~same]
    if not len(move):
        return codes, uniq, kinds
    key = codes[move].astype(np.int64) * len(tuniq) + tcodes[~same]
    kcodes, kuniq = pd.factorize(key)
    first = np.zeros(len(kuniq), dtype=np.intp)
    first[kcodes[::-1]] = np.arange(len(kcodes))[::-1]  # first row of each new unique
    extra = arr[move[first]]
    codes = codes.copy()
    codes[move] = len(uniq) + kcodes
    extra_kinds = np.array([_kind(type(x)) for x in extra], dtype=object)
    return codes, np.concatenate([uniq, extra]), np.concatenate([kinds, extra_kinds])


def _datetimes(objs: np.ndarray) -> pd.DatetimeIndex | None:
    """Date-like objects as a naive DatetimeIndex (wall time), or None if they cannot be combined."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            idx = pd.to_datetime(pd.Index(objs, dtype=object))
    except Exception:
        return None
    if not isinstance(idx, pd.DatetimeIndex):
        return None
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    return idx


_SAMPLE = 20_000


@functools.lru_cache(maxsize=4)
def _sample_rows(total: int) -> pa.Array:
    """The random rows :func:`_cells_text` samples in a column of ``total`` cells (always the same ones).

    Cached: every column of a streamed chunk has the same length, and drawing and sorting the sample
    cost about a millisecond and a half each time.
    """
    return pa.array(np.unique(np.random.default_rng(0).integers(0, total, _SAMPLE)))


def _cells_text(index: pd.Index, arr: pa.Array | pa.ChunkedArray) -> _Cells:
    """Cells of a column that holds only text (and nulls).

    Dictionary-encodes the column, unless a random sample of a large column has (almost) no
    repeated cell, in which case parsing every cell is cheaper than hashing them first.
    """
    arr = pc.cast(arr, pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    total = len(arr)
    if total > 5 * _SAMPLE:
        sample = arr.take(_sample_rows(total))
        valid = len(sample) - sample.null_count
        if valid and pc.count_distinct(sample, mode="only_valid").as_py() >= 0.999 * valid:
            # no repeats among ~20k random cells: (almost) every cell is distinct
            codes = np.arange(total, dtype=np.intp)
            if arr.null_count:
                codes[_np(arr.is_null())] = -1
            strs = pc.fill_null(arr, pa.scalar("", pa.large_string()))
            return _Cells(index, codes, total, np.arange(total, dtype=np.intp), strs, _EMPTY_POS, np.zeros(0),
                          _EMPTY_POS, _EMPTY_DT, _EMPTY_POS, np.zeros(0, dtype=object))
    enc = pc.dictionary_encode(arr)
    strs = pc.cast(enc.dictionary, pa.large_string())
    codes = pc.fill_null(enc.indices, -1).to_numpy().astype(np.intp)
    n = len(strs)
    return _Cells(index, codes, n, np.arange(n, dtype=np.intp), strs, _EMPTY_POS, np.zeros(0), _EMPTY_POS, _EMPTY_DT,
                  _EMPTY_POS, np.zeros(0, dtype=object))


def _cells(s: pd.Series, split_types: bool = True) -> _Cells:
    """Factorise ``s`` and split its unique cells by kind.

    With ``split_types`` (all but :func:`is_blank`), cells of different types that factorize
    merged because they compare equal (``True`` and ``1``) are given their own uniques again.
    """
    if not isinstance(s, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(s).__name__}")
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):  # the codes are a factorisation already: parse the categories
        inner = _cells(pd.Series(np.asarray(s.cat.categories, dtype=object), dtype=object), split_types)
        ccodes = s.cat.codes.to_numpy(dtype=np.intp)
        inner.codes = np.append(inner.codes, -1)[ccodes]
        inner.index = s.index
        return inner
    if _is_arrow_str(dtype):
        return _cells_text(s.index, pa.array(s.array))
    kind = getattr(dtype, "kind", "O")
    if kind in ("i", "u", "f"):
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        nums = np.asarray(uniq.to_numpy(dtype={"i": np.int64, "u": np.uint64, "f": np.float64}[kind]))
        n = len(nums)
        return _Cells(s.index, np.asarray(codes, dtype=np.intp), n, _EMPTY_POS, pa.array([], pa.large_string()),
                      np.arange(n, dtype=np.intp), nums, _EMPTY_POS, _EMPTY_DT, _EMPTY_POS,
                      np.zeros(0, dtype=object))
    if kind == "b":  # numpy bool / "boolean": no numbers to be confused with
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        oths = np.asarray(uniq, dtype=object)
        return _Cells(s.index, np.asarray(codes, dtype=np.intp), len(oths), _EMPTY_POS,
                      pa.array([], pa.large_string()), _EMPTY_POS, np.zeros(0), _EMPTY_POS, _EMPTY_DT,
                      np.arange(len(oths), dtype=np.intp), oths)
    if kind == "M":
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        idx = pd.DatetimeIndex(uniq)
        if idx.tz is not None:
            idx = idx.tz_localize(None)
        n = len(idx)
        return _Cells(s.index, np.asarray(codes, dtype=np.intp), n, _EMPTY_POS, pa.array([], pa.large_string()),
                      _EMPTY_POS, np.zeros(0), np.arange(n, dtype=np.intp), idx, _EMPTY_POS,
                      np.zeros(0, dtype=object))
    arr = s.to_numpy(dtype=object)
    inferred = pd.api.types.infer_dtype(arr, skipna=True)
    try:  # a column of one kind of object goes columnar at once; on any surprise the general path copes
        if inferred == "string":
            return _cells_text(s.index, pa.array(arr, type=pa.large_string(), from_pandas=True))
        if inferred in ("integer", "floating"):  # XLSX number columns
            typed = pd.array(arr, dtype="Int64" if inferred == "integer" else "Float64")
            return _cells(pd.Series(typed, index=s.index, copy=False), split_types)
        if inferred in ("datetime", "date", "datetime64"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                typed = pd.to_datetime(pd.Series(arr, index=s.index, dtype=object))
            if typed.dtype.kind == "M":
                return _cells(typed, split_types)
    except (UnicodeEncodeError, pa.ArrowException, TypeError, ValueError, OverflowError):
        pass
    try:
        with np.errstate(all="ignore"):  # numpy scalars compared with huge Python numbers may warn of overflow
            codes, uniq = pd.factorize(arr, use_na_sentinel=True)
        uniq = np.asarray(uniq, dtype=object)
    except Exception:
        codes, uniq = _factorize_slow(arr)
    codes = np.asarray(codes, dtype=np.intp)
    if pd.api.types.infer_dtype(uniq, skipna=False) == "string":
        kinds = np.full(len(uniq), "str", dtype=object)
    else:
        types = np.frompyfunc(type, 1, 1)(uniq) if len(uniq) else np.zeros(0, dtype=object)
        tcodes, tuniq = pd.factorize(types)
        kinds = np.array([_kind(t) for t in tuniq] + ["oth"], dtype=object)[tcodes]
        if split_types:
            codes, uniq, kinds = _split_types(arr, codes, uniq, kinds)
    str_pos = np.flatnonzero(kinds == "str")
    num_pos = np.flatnonzero(kinds == "num")
    dt_pos = np.flatnonzero(kinds == "dt")
    oth_pos = np.flatnonzero(kinds == "oth")
    dts = _EMPTY_DT
    if len(dt_pos):
        got = _datetimes(uniq[dt_pos])
        if got is None:  # mixed time zones, out-of-range years...: render them one by one instead
            oth_pos = np.sort(np.concatenate([oth_pos, dt_pos]))
            dt_pos = _EMPTY_POS
        else:
            dts = got
    strs = _to_arrow_text(uniq[str_pos].tolist()) if len(str_pos) else pa.array([], pa.large_string())
    return _Cells(s.index, codes, len(uniq), str_pos, strs, num_pos, uniq[num_pos], dt_pos, dts,
                  oth_pos, uniq[oth_pos])


# ---------------------------------------------------------------------------
# Rendering non-text cells as text
# ---------------------------------------------------------------------------


def _render(x: Any) -> str:
    """Render one non-text cell object as an analyst would read it in the sheet."""
    try:
        if isinstance(x, (bool, np.bool_)):
            return "TRUE" if x else "FALSE"
        if isinstance(x, (int, np.integer)) and not isinstance(x, np.timedelta64):
            return str(int(x))
        if isinstance(x, (float, np.floating)):
            f = float(x)
            return str(int(f)) if math.isfinite(f) and f.is_integer() and abs(f) < 2.0 ** 63 else repr(f)
        if isinstance(x, decimal.Decimal):
            return str(int(x)) if x.is_finite() and x == x.to_integral_value() else str(x)
        if isinstance(x, dt.datetime):  # wall-clock time as written; a time zone is dropped, as for parse_date
            if x.hour == x.minute == x.second == x.microsecond == 0:
                return f"{x.year:04d}-{x.month:02d}-{x.day:02d}"
            frac = f".{x.microsecond:06d}" if x.microsecond else ""
            return f"{x.year:04d}-{x.month:02d}-{x.day:02d} {x.hour:02d}:{x.minute:02d}:{x.second:02d}{frac}"
        if isinstance(x, dt.date):
            return x.isoformat()
        out = str(x)
        if not isinstance(out, str):
            raise TypeError
        return out
    except Exception:
        return f"<{type(x).__name__}>"


def _render_floats(f: np.ndarray) -> pa.Array:
    """Floats as text: integral values as integers, others by their shortest round-trip form."""
    integral = np.isfinite(f) & (f == np.floor(f)) & (np.abs(f) < 2.0 ** 63)
    if integral.all():
        return pc.cast(pa.array(f.astype(np.int64)), pa.large_string())
    parts = pa.concat_arrays([pc.cast(pa.array(f[integral].astype(np.int64)), pa.large_string()),
                              pc.cast(pa.array(f[~integral]), pa.large_string())])
    order = np.concatenate([np.flatnonzero(integral), np.flatnonzero(~integral)])
    return parts.take(pa.array(np.argsort(order, kind="stable")))


def _render_nums(nums: np.ndarray) -> pa.Array:
    """Number cells (numeric or object ndarray) as text, vectorised per Python type."""
    if nums.dtype.kind in "iu":
        return pc.cast(pa.array(nums), pa.large_string())
    if nums.dtype.kind == "f":
        return _render_floats(nums.astype(np.float64))
    if not len(nums):
        return pa.array([], pa.large_string())
    tcodes, tuniq = pd.factorize(np.frompyfunc(type, 1, 1)(nums))
    out = np.empty(len(nums), dtype=object)
    for k, typ in enumerate(tuniq):
        sel = tcodes == k
        if issubclass(typ, (float, np.float64, np.float32)):
            out[sel] = _render_floats(np.asarray(nums[sel], dtype=np.float64)).to_pylist()
        elif issubclass(typ, (int, np.integer)):
            try:
                out[sel] = pc.cast(pa.array(np.asarray(nums[sel], dtype=np.int64)), pa.large_string()).to_pylist()
            except Exception:  # beyond int64, or an odd integer type
                out[sel] = [_render(x) for x in nums[sel]]
        else:
            out[sel] = [_render(x) for x in nums[sel]]
    return _to_arrow_text(out.tolist())


def _render_dts(idx: pd.DatetimeIndex) -> list[str]:
    if not len(idx):
        return []
    subsecond = np.asarray(idx.microsecond != 0)  # nanoseconds are not shown, as in _render
    midnight = np.asarray((idx.hour == 0) & (idx.minute == 0) & (idx.second == 0)) & ~subsecond
    out = np.asarray(idx.strftime("%Y-%m-%d %H:%M:%S"), dtype=object)
    out[midnight] = np.asarray(idx[midnight].strftime("%Y-%m-%d"), dtype=object)
    out[subsecond] = np.asarray(idx[subsecond].strftime("%Y-%m-%d %H:%M:%S.%f"), dtype=object)
    return out.tolist()


def _texts(c: _Cells) -> tuple[np.ndarray, pa.Array]:
    """Positions and raw text of all uniques: text cells as they are, other cells rendered."""
    pos = [c.str_pos]
    parts: list[pa.Array] = [c.strs]
    if len(c.num_pos):
        pos.append(c.num_pos)
        parts.append(_render_nums(c.nums))
    rendered: list[str] = []
    if len(c.dt_pos):
        pos.append(c.dt_pos)
        rendered += _render_dts(c.dts)
    if len(c.oth_pos):
        pos.append(c.oth_pos)
        rendered += [_render(x) for x in c.oths]
    if rendered:
        parts.append(_to_arrow_text(rendered))
    return np.concatenate(pos).astype(np.intp), pa.concat_arrays(parts)


# ---------------------------------------------------------------------------
# Vectorised text helpers (pyarrow compute, RE2 syntax)
# ---------------------------------------------------------------------------


def _strip(a: pa.Array) -> pa.Array:
    return pc.utf8_trim(a, characters=_WS)


def _normalise(stripped: pa.Array) -> pa.Array:
    """Fold full-width characters (only in the few cells that have any) and lower-case."""
    if len(stripped):
        need = pc.invert(pc.string_is_ascii(stripped))
        if pc.any(need).as_py():
            need = pc.and_(need, pc.match_substring_regex(stripped, _NEEDS_FOLD))
            if pc.any(need).as_py():
                folded = [x.translate(_FOLD).strip(_WS) for x in pc.filter(stripped, need).to_pylist()]
                stripped = pc.replace_with_mask(stripped, need, pa.array(folded, type=stripped.type))
    return pc.utf8_lower(stripped)


def _np(mask: pa.Array) -> np.ndarray:
    """Boolean pyarrow array to numpy (nulls are False)."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _match(a: pa.Array, pattern: str) -> np.ndarray:
    return _np(pc.match_substring_regex(a, pattern)) if len(a) else np.zeros(0, dtype=bool)


def _join(*parts: str | pa.Array) -> pa.Array:
    """Vectorised concatenation of text arrays and constants."""
    args = [pa.scalar(x, pa.large_string()) if isinstance(x, str) else pc.cast(x, pa.large_string()) for x in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", pa.large_string()))


def _show(a: pa.Array) -> pa.Array:
    """Cell text as quoted in a message, cut to a readable length."""
    long = pc.greater(pc.utf8_length(a), _SHOW)
    return pc.if_else(long, _join(pc.utf8_slice_codeunits(a, 0, _SHOW), "…"), a)


def _show1(text: str) -> str:
    return text if len(text) <= _SHOW else text[:_SHOW] + "…"


def _say(shown: pa.Array, tail: str | pa.Array) -> pa.Array:
    """Vectorised ``"'<cell>' <tail>"``."""
    return _join("'", shown, "' ", tail)


def _field(res: pa.StructArray, name: str) -> pa.Array:
    """A named group of an ``extract_regex`` result; all ``""`` if the pattern has no such group."""
    if res.type.get_field_index(name) < 0:
        return pa.array([""], pa.large_string()).take(pa.array(np.zeros(len(res), dtype=np.int64)))
    return res.field(name)


def _ints(a: pa.Array, default: int) -> np.ndarray:
    """Digit strings (``""`` -> ``default``) to int64."""
    filled = pc.if_else(pc.equal(a, ""), pa.scalar(str(default), a.type), a)
    return np.asarray(pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


# ---------------------------------------------------------------------------
# Accumulating per-unique results and taking them back to the column
# ---------------------------------------------------------------------------


class _Acc:
    """Per-unique reasons and messages, filled group by group."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.reason = np.zeros(n, dtype=np.int8)
        self._pos: list[np.ndarray] = []
        self._msg: list[pa.Array] = []

    def flag(self, pos: np.ndarray, code: str, messages: pa.Array | list[str]) -> None:
        if not len(pos):
            return
        self.reason[pos] = _CODE_IX[code]
        self._pos.append(np.asarray(pos, dtype=np.intp))
        self._msg.append(messages if isinstance(messages, pa.Array) else _to_arrow_text(list(messages)))

    def messages(self) -> pa.Array:
        if not self._pos:
            return pa.nulls(self.n, pa.large_string())
        pos = np.concatenate(self._pos)
        where = np.full(self.n, -1, dtype=np.intp)
        where[pos] = np.arange(len(pos))
        msgs = pa.concat_arrays([pc.cast(m, pa.large_string()) for m in self._msg])
        return msgs.take(pa.array(where, mask=where < 0))


def _str_series(per_unique: pa.Array, codes: np.ndarray, index: pd.Index) -> pd.Series:
    taken = per_unique.take(pa.array(codes, mask=codes < 0)) if len(codes) else pa.array([], pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(pc.cast(taken, pa.large_string()), dtype=_STR), index=index,
                     copy=False)


def _finish(c: _Cells, values: Any, valid: np.ndarray, acc: _Acc, blank_u: np.ndarray,
            fallback: str, what: str) -> Parsed:
    """Take per-unique results back to the column.

    ``values`` is a per-unique numpy array (or pyarrow array for text). As a last line of defence
    any non-blank unique left with neither value nor reason is flagged ``fallback``.
    """
    lost = ~valid & (acc.reason == 0) & ~blank_u
    if lost.any():  # pragma: no cover - every path sets one or the other; keep the guarantee structural
        pos = np.flatnonzero(lost)
        acc.flag(pos, fallback, [f"cell is not {what}"] * len(pos))
    keep = valid & np.isin(acc.reason, _KEEPS_VALUE)
    codes = c.codes
    if isinstance(values, pa.Array):
        out_vals = _str_series(pc.if_else(pa.array(keep), values, pa.scalar(None, values.type)), codes, c.index)
    elif values.dtype.kind == "M":
        v = np.where(keep, values, np.datetime64("NaT")).astype(_DATE_UNIT)
        out_vals = pd.Series(np.append(v, np.datetime64("NaT"))[codes], index=c.index, copy=False)
    else:
        ext: Any
        mask_u = np.append(~keep, True)  # position -1 (NA cells) reads the appended masked slot
        vals_u = np.append(values, values.dtype.type(0))
        if values.dtype.kind == "b":
            ext = pd.arrays.BooleanArray(vals_u[codes], mask_u[codes])
        elif values.dtype.kind == "i":
            ext = pd.arrays.IntegerArray(vals_u[codes], mask_u[codes])
        else:
            ext = pd.arrays.FloatingArray(vals_u[codes], mask_u[codes])
        out_vals = pd.Series(ext, index=c.index, copy=False)
    if acc.reason.any():
        reason_u = pa.array(np.array(_CODES, dtype=object)[acc.reason], type=pa.large_string())
        reason = _str_series(reason_u, codes, c.index)
        message = _str_series(acc.messages(), codes, c.index)
    else:
        reason = pd.Series(pd.arrays.ArrowStringArray(pa.nulls(len(codes), pa.large_string()), dtype=_STR),
                           index=c.index, copy=False)
        message = reason.copy()
    return Parsed(out_vals, reason, message)


def _prepare(pos: np.ndarray, raw: pa.Array, acc: _Acc, blank_u: np.ndarray,
             normalise: bool = True) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """Strip, mark blanks and flag missing markers.

    Returns the remaining positions, their stripped text and (if ``normalise``) their folded,
    lower-cased text; without ``normalise`` only cells short enough to be a marker are folded and
    the third item is the stripped text again.
    """
    stripped = _strip(raw)
    empty = _np(pc.equal(stripped, ""))
    blank_u[pos[empty]] = True
    keep = ~empty
    pos, stripped = pos[keep], pc.filter(stripped, pa.array(keep))
    if normalise:
        norm = _normalise(stripped)
        marker = _np(pc.is_in(norm, value_set=_MARKERS))
    else:
        norm = stripped
        short = _np(pc.less_equal(pc.utf8_length(stripped), _MARKER_LEN)) if len(stripped) else np.zeros(0, bool)
        marker = np.zeros(len(stripped), dtype=bool)
        if short.any():
            marker[short] = _np(pc.is_in(_normalise(pc.filter(stripped, pa.array(short))), value_set=_MARKERS))
    if marker.any():
        shown = _show(pc.filter(stripped, pa.array(marker)))
        acc.flag(pos[marker], VALUE_UNKNOWN, _say(shown, "marks an unknown value"))
    keep = ~marker
    return pos[keep], pc.filter(stripped, pa.array(keep)), pc.filter(norm, pa.array(keep))


# ---------------------------------------------------------------------------
# is_blank
# ---------------------------------------------------------------------------


def is_blank(s: pd.Series) -> np.ndarray:
    """Mask of blank cells: NA / None / NaN / NaT, or text that is empty or only white space.

    White space includes full-width (U+3000), no-break and zero-width spaces and the BOM. A missing
    *marker* such as ``不详`` is not blank (the parsers report it as ``value_unknown``).

    Parameters
    ----------
    s : pandas.Series
        Raw cells.

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> is_blank(pd.Series(["a", " ", None, "\\u3000", "不详"])).tolist()
    [False, True, True, True, False]
    """
    c = _cells(s, split_types=False)
    blank_u = np.zeros(c.n + 1, dtype=bool)
    blank_u[-1] = True
    if len(c.str_pos):
        blank_u[c.str_pos] = _np(pc.equal(_strip(c.strs), ""))
    return blank_u[c.codes]


# ---------------------------------------------------------------------------
# Text and ids
# ---------------------------------------------------------------------------


def _parse_str(s: pd.Series) -> Parsed:
    c = _cells(s)
    acc = _Acc(c.n)
    blank_u = np.zeros(c.n, dtype=bool)
    pos, raw = _texts(c)
    pos, stripped, _ = _prepare(pos, raw, acc, blank_u, normalise=False)
    where = np.full(c.n, -1, dtype=np.intp)
    where[pos] = np.arange(len(pos))
    values = stripped.take(pa.array(where, mask=where < 0)) if c.n else pa.array([], pa.large_string())
    valid = where >= 0
    return _finish(c, values, valid, acc, blank_u, NUMBER_INVALID, "text")


def parse_text(s: pd.Series) -> Parsed:
    """Parse free text: strip surrounding white space, keep the rest verbatim.

    Missing markers (``不详``, ``—``, ``N/A``...) become missing with ``value_unknown``. Non-text
    cell objects are rendered as shown in a sheet (``2023.0`` -> ``"2023"``, ``12.5`` -> ``"12.5"``,
    a midnight ``datetime`` -> ``"2023-05-01"``, ``True`` -> ``"TRUE"``).

    Parameters
    ----------
    s : pandas.Series
        Raw cells (``str`` or object dtype).

    Returns
    -------
    Parsed
        ``values`` has dtype ``str``.

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> parse_text(pd.Series(["\\u3000童装 ", "不详", 2023.0])).values.tolist()
    ['童装', nan, '2023']
    """
    return _parse_str(s)


def parse_id(s: pd.Series) -> Parsed:
    """Parse an identifier: like :func:`parse_text`, kept verbatim apart from surrounding white space.

    A float cell object with an integral value (an id typed as a number in Excel) becomes its
    integer text, ``123.0`` -> ``"123"``; the *text* ``"123.0"`` is kept as ``"123.0"``.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.

    Returns
    -------
    Parsed
        ``values`` has dtype ``str``.

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> parse_id(pd.Series([123.0, "123.0", " A-01 "], dtype=object)).values.tolist()
    ['123', '123.0', 'A-01']
    """
    return _parse_str(s)


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_DIGITS = r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]*))?"
_EXP = r"(?:e(?P<esign>[+-]?)(?P<exp>[0-9]{1,3}))?"
_RE_INT = rf"^(?P<sign>[+-]?){_DIGITS}\s*(?P<unit>人)?$"
_RE_FLOAT = rf"^(?P<sign>[+-]?){_DIGITS}{_EXP}\s*(?P<pct>%)?$"
_RE_MONEY = (
    rf"^(?P<sign0>[+-]?)\s*(?P<cur>rmb|cny|人民币|¥)?\s*(?P<sign>[+-]?){_DIGITS}{_EXP}"
    r"\s*(?P<mult>万亿|十万|百万|千万|千|万|亿)?(?P<yuan>元)?\s*(?P<cur2>人民币|rmb|cny)?$"
)
_MULTS = ("", "千", "万", "十万", "百万", "千万", "亿", "万亿")
_MULT_POW = np.array([0, 3, 4, 5, 6, 7, 8, 12], dtype=np.int64)  # power of ten in yuan

_RANGE = r"^[+-]?[0-9][0-9.,]*\s*(?:-|~|至|到|—|–)\s*[+-]?[0-9][0-9.,]*\s*(?:人|元|千元|万元|万|亿元|亿|%)?$"
_APPROX = r"约|近|余|多|左右|以上|以下|不到|不足|至少|最多|上下|超|[~≈<>≤≥]|[0-9]\s*\+"
_CN_NUMERAL = r"^[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾][零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点]*(?:元|人)?$"
_FOREIGN = r"\$|usd|美元|€|eur|欧元|港元|港币|hkd|日元|jpy|£|gbp|英镑"

_INT64_MAX = 2 ** 63 - 1


def _num_messages(kind: str, stripped: pa.Array, norm: pa.Array) -> pa.Array:
    """Message for text that is not a number, saying why when the reason is recognisable."""
    shown = _show(stripped)
    tail = np.full(len(norm), "is not a number", dtype=object)
    checks = [(_CN_NUMERAL, "is written in Chinese numerals; use digits"),
              (_APPROX, "is an approximation, not a number"),
              (_RANGE, "is a range, not a number")]
    if kind == "money":
        checks.append((_FOREIGN, "is not in CNY"))
    for pattern, text in checks:  # later checks win
        tail[_match(norm, pattern)] = text
    return _say(shown, pa.array(tail, type=pa.large_string()))


_GROUPED = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_PLAIN = {"int": r"^-?(?:[0-9]{1,3}(?:,[0-9]{3}){1,5}|[0-9]{1,18})$",
          "float": rf"^-?{_GROUPED}(?:\.[0-9]+)?$", "money": rf"^-?{_GROUPED}(?:\.[0-9]+)?$"}
_MONEY_SIMPLE = rf"^-?{_GROUPED}(?:\.[0-9]+)?(?:万元|万|亿元|亿|千元|元)$"


def _parse_number_text(kind: str, stripped: pa.Array, norm: pa.Array
                       ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, pa.Array]]]:
    """Parse number text. Returns (values, ok mask, [(bad mask, messages)]) over the items.

    Plain numbers (``1200``, ``-3.5``) and, for money, a plain number with one unit (``1200万元``)
    take cheap fast paths (a DFA match and a cast); the rest goes through the full grammar.
    """
    m = len(norm)
    is_int = kind == "int"
    values = np.zeros(m, dtype=np.int64 if is_int else np.float64)
    ok = np.zeros(m, dtype=bool)
    if not m:
        return values, ok, []
    plain = _match(norm, _PLAIN[kind])
    if plain.any():
        v = np.asarray(pc.cast(pc.replace_substring(pc.filter(norm, pa.array(plain)), ",", ""),
                               pa.int64() if is_int else pa.float64()).to_numpy(zero_copy_only=False))
        at = np.flatnonzero(plain)
        fin = np.isfinite(v)  # 400 digits cast to inf: left to the full grammar, which reports it
        values[at[fin]] = v[fin]
        ok[at[fin]] = True
    if kind == "money":
        simple = ~plain & _match(norm, _MONEY_SIMPLE)
        if simple.any():
            sub = pc.filter(norm, pa.array(simple))
            shift = np.full(len(sub), -4, dtype=np.int64)  # 元
            for suffixes, power in ((("万", "万元"), 0), (("亿", "亿元"), 4), (("千元",), -1)):
                for suffix in suffixes:
                    shift[_np(pc.ends_with(sub, suffix))] = power
            digits = pc.replace_substring(pc.utf8_rtrim(sub, characters="万亿千元"), ",", "")
            text = _join(digits, "e", pc.cast(pa.array(shift), pa.large_string()))
            v = np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False))
            at = np.flatnonzero(simple)
            fin = np.isfinite(v)
            values[at[fin]] = v[fin]
            ok[at[fin]] = True
    rest = ~ok
    if not rest.any():
        return values, ok, []
    sel = pa.array(rest)
    v, k, sub_bad = _parse_number_full(kind, pc.filter(stripped, sel), pc.filter(norm, sel))
    at = np.flatnonzero(rest)
    values[at[k]] = v[k]
    ok[at[k]] = True
    bad = []
    for mask, msgs in sub_bad:
        full = np.zeros(m, dtype=bool)
        full[at[mask]] = True
        bad.append((full, msgs))
    return values, ok, bad


def _parse_number_full(kind: str, stripped: pa.Array, norm: pa.Array
                       ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, pa.Array]]]:
    """The full number grammar (thousands separators, exponents, units, currency). See :func:`_parse_number_text`."""
    m = len(norm)
    is_int = kind == "int"
    values = np.zeros(m, dtype=np.int64 if is_int else np.float64)
    ok = np.zeros(m, dtype=bool)
    bad: list[tuple[np.ndarray, pa.Array]] = []
    if not m:
        return values, ok, bad
    pattern = {"int": _RE_INT, "float": _RE_FLOAT, "money": _RE_MONEY}[kind]
    res = pc.extract_regex(norm, pattern=pattern)
    matched = _np(res.is_valid())
    int_s, frac_s = _field(res, "int"), _field(res, "frac")
    has_digits = _np(pc.or_(pc.not_equal(int_s, ""), pc.not_equal(frac_s, "")))
    syntax = matched & (has_digits if not is_int else _np(pc.not_equal(int_s, "")))
    ambiguous = np.zeros(m, dtype=bool)
    shift = np.zeros(m, dtype=np.int64)
    sign = _field(res, "sign")
    if kind == "money":
        sign0 = _field(res, "sign0")
        two_signs = _np(pc.and_(pc.not_equal(sign0, ""), pc.not_equal(sign, "")))
        syntax &= ~two_signs
        sign = pc.if_else(pc.equal(sign, ""), sign0, sign)
        mult_ix = np.asarray(pc.index_in(_field(res, "mult"), value_set=pa.array(_MULTS, pa.large_string()))
                             .to_numpy(zero_copy_only=False))
        mult_ix = np.where(np.isnan(mult_ix.astype(float)), 0, mult_ix).astype(np.int64)
        yuan = _np(pc.equal(_field(res, "yuan"), "元"))
        unit = (mult_ix > 0) | yuan
        shift = np.where(unit, _MULT_POW[mult_ix] - 4, 0)
        currency = _np(pc.or_(pc.not_equal(_field(res, "cur"), ""), pc.not_equal(_field(res, "cur2"), "")))
        ambiguous = syntax & currency & ~unit
        syntax &= ~ambiguous
    generic = ~syntax & ~ambiguous
    if generic.any():
        sel = pa.array(generic)
        bad.append((generic, _num_messages(kind, pc.filter(stripped, sel), pc.filter(norm, sel))))
    if ambiguous.any():
        shown = _show(pc.filter(stripped, pa.array(ambiguous)))
        bad.append((ambiguous, _say(shown, "has a currency sign but no unit (元, 万元 or 亿); ambiguous")))
    if not syntax.any():
        return values, ok, bad
    sel = pa.array(syntax)
    neg = _np(pc.equal(pc.filter(sign, sel), "-"))
    digits = pc.utf8_ltrim(pc.replace_substring(pc.filter(int_s, sel), ",", ""), "0")
    frac = pc.filter(frac_s, sel)
    idx = np.flatnonzero(syntax)
    if is_int:
        whole = _match(frac, "^0*$")
        ndig = np.asarray(pc.utf8_length(digits).to_numpy(zero_copy_only=False))
        fits = whole & (ndig <= 18)
        if fits.any():
            d = pc.filter(digits, pa.array(fits))
            v = _ints(d, 0)
            values[idx[fits]] = np.where(neg[fits], -v, v)
            ok[idx[fits]] = True
        for mask, tail in ((~whole, "is not a whole number"), (whole & ~fits, "is too large")):
            if mask.any():
                full = np.zeros(m, dtype=bool)
                full[idx[mask]] = True
                bad.append((full, _say(_show(pc.filter(stripped, pa.array(full))), tail)))
        return values, ok, bad
    digits = pc.if_else(pc.equal(digits, ""), pa.scalar("0", digits.type), digits)
    frac = pc.if_else(pc.equal(frac, ""), pa.scalar("0", frac.type), frac)
    exp = _ints(pc.filter(_field(res, "exp"), sel), 0)
    exp = np.where(_np(pc.equal(pc.filter(_field(res, "esign"), sel), "-")), -exp, exp) + shift[syntax]
    text = _join(digits, ".", frac, "e", pc.cast(pa.array(exp), pa.large_string()))
    v = np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    v = np.where(neg, -v, v)
    finite = np.isfinite(v)
    values[idx[finite]] = v[finite]
    ok[idx[finite]] = True
    if not finite.all():
        full = np.zeros(m, dtype=bool)
        full[idx[~finite]] = True
        bad.append((full, _say(_show(pc.filter(stripped, pa.array(full))), "is too large")))
    return values, ok, bad


def _fmt_bound(b: float) -> str:
    return f"{b:g}" if abs(b) < 1e15 else repr(b)


def _parse_number(s: pd.Series, kind: str, minimum: float | None, maximum: float | None) -> Parsed:
    c = _cells(s)
    acc = _Acc(c.n)
    blank_u = np.zeros(c.n, dtype=bool)
    is_int = kind == "int"
    values = np.zeros(c.n, dtype=np.int64 if is_int else np.float64)
    valid = np.zeros(c.n, dtype=bool)

    # text cells
    pos, stripped, norm = _prepare(c.str_pos, c.strs, acc, blank_u)
    v, ok, bad = _parse_number_text(kind, stripped, norm)
    values[pos[ok]] = v[ok]
    valid[pos[ok]] = True
    for mask, msgs in bad:
        acc.flag(pos[mask], NUMBER_INVALID, msgs)

    # numeric cell objects
    if len(c.num_pos):
        f = _as_float(c.nums)
        finite = np.isfinite(f)
        if is_int:
            integral = finite & (f == np.floor(f))
            fits = integral & (np.abs(f) < 2.0 ** 63)
            iv = np.zeros(len(f), dtype=np.int64)
            exact = fits & (np.abs(f) < 2.0 ** 53)
            iv[exact] = f[exact].astype(np.int64)
            for i in np.flatnonzero(fits & ~exact):  # beyond float precision: take the object's own value
                x = c.nums[i]
                big = int(x) if isinstance(x, (int, np.integer, decimal.Decimal, fractions.Fraction)) else int(f[i])
                if abs(big) <= _INT64_MAX:
                    iv[i] = big
                else:
                    fits[i] = False
            values[c.num_pos[fits]] = iv[fits]
            valid[c.num_pos[fits]] = True
            nonint = finite & ~integral
            toobig = integral & ~fits
            for mask, tail in ((nonint, "is not a whole number"), (toobig, "is too large")):
                if mask.any():
                    acc.flag(c.num_pos[mask], NUMBER_INVALID,
                             [f"'{_show1(t)}' {tail}" for t in _render_nums(c.nums[mask]).to_pylist()])
        else:
            values[c.num_pos[finite]] = f[finite]
            valid[c.num_pos[finite]] = True
        nonfinite = ~finite
        if nonfinite.any():
            acc.flag(c.num_pos[nonfinite], NUMBER_INVALID,
                     [f"'{_show1(t)}' is not a finite number" for t in _render_nums(c.nums[nonfinite]).to_pylist()])

    # anything else (bool, datetime, other objects) is not a number
    for gpos, rendered in ((c.dt_pos, _render_dts(c.dts)), (c.oth_pos, [_render(x) for x in c.oths])):
        if len(gpos):
            acc.flag(gpos, NUMBER_INVALID, [f"'{_show1(t)}' is not a number" for t in rendered])

    if not is_int:  # belt and braces: a non-finite float never passes as a value
        inf = valid & ~np.isfinite(values)
        if inf.any():  # pragma: no cover - the paths above already report these
            valid &= ~inf
            acc.flag(np.flatnonzero(inf), NUMBER_INVALID, [f"'{t}' is too large" for t in _shown(c, inf)])

    # bounds
    unit = " 万元" if kind == "money" else ""
    for bound, mask, text in (
        (minimum, valid & (values < minimum) if minimum is not None else None, "below the minimum"),
        (maximum, valid & (values > maximum) if maximum is not None else None, "above the maximum"),
    ):
        if mask is not None and mask.any():
            acc.flag(np.flatnonzero(mask), OUT_OF_RANGE,
                     [f"'{t}' is {text} {_fmt_bound(bound)}{unit}" for t in _shown(c, mask)])
    what = {"int": "a whole number", "float": "a number", "money": "an amount"}[kind]
    return _finish(c, values, valid, acc, blank_u, NUMBER_INVALID, what)


def _shown(c: _Cells, mask: np.ndarray) -> list[str]:
    """Cell text (stripped, cut) of the text and number uniques selected by ``mask``, in position order."""
    shown_u = np.full(c.n, "", dtype=object)
    at_str = mask[c.str_pos]
    if at_str.any():
        shown_u[c.str_pos[at_str]] = [_show1(t) for t in _strip(pc.filter(c.strs, pa.array(at_str))).to_pylist()]
    at_num = mask[c.num_pos]
    if at_num.any():
        shown_u[c.num_pos[at_num]] = [_show1(t) for t in _render_nums(c.nums[at_num]).to_pylist()]
    return shown_u[mask].tolist()


def parse_int(s: pd.Series, minimum: float | None = None, maximum: float | None = None) -> Parsed:
    """Parse whole numbers.

    Accepts ``1200``, ``1,200``, full-width ``１２００``, ``-5``, ``12.0``, ``50人`` and XLSX numbers
    with an integral value (``12.0``). Rejects (``number_invalid``) ``12.5``, ``1e3``, ``95%``,
    approximations (``约50人``, ``50余人``, ``50+``), ranges (``50-100``) and Chinese numerals.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.
    minimum, maximum : float, optional
        Inclusive bounds; a value outside is ``out_of_range`` (and left missing).

    Returns
    -------
    Parsed
        ``values`` has dtype ``Int64``.

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> parse_int(pd.Series(["1,200", "５０人", "12.5"])).values.tolist()
    [1200, 50, <NA>]
    """
    return _parse_number(s, "int", minimum, maximum)


def parse_float(s: pd.Series, minimum: float | None = None, maximum: float | None = None) -> Parsed:
    """Parse real numbers.

    Accepts ``1,234.5``, ``-3.2``, ``.5``, ``1e3``, ``1.5E-2``, full-width digits and ``95%``
    (kept in percent units: ``95.0``). Rejects anything else with ``number_invalid``.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.
    minimum, maximum : float, optional
        Inclusive bounds; a value outside is ``out_of_range`` (and left missing).

    Returns
    -------
    Parsed
        ``values`` has dtype ``Float64``.

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> parse_float(pd.Series(["1,234.5", "95%", "1e3"])).values.tolist()
    [1234.5, 95.0, 1000.0]
    """
    return _parse_number(s, "float", minimum, maximum)


def parse_money(s: pd.Series, minimum: float | None = None, maximum: float | None = None) -> Parsed:
    """Parse amounts of money into 万元 (10,000 CNY).

    ``1,200万元`` -> 1200, ``1200万`` -> 1200, ``1.2亿``/``1.2亿元`` -> 12000, ``3000000元`` -> 300,
    ``500千元`` -> 50, ``800`` (no unit: the column unit, 万元) -> 800, ``￥1,200万``,
    ``RMB 1200万元``, ``1200万元人民币``. A currency sign without a unit (``￥1200``), foreign
    currencies, Chinese numerals (``十二万``), badly grouped digits (``1,2,00万``) and text are
    ``number_invalid``.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.
    minimum, maximum : float, optional
        Inclusive bounds in 万元; a value outside is ``out_of_range`` (and left missing).

    Returns
    -------
    Parsed
        ``values`` has dtype ``Float64``, in 万元.

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> parse_money(pd.Series(["1.2亿", "500千元", "800"])).values.tolist()
    [12000.0, 50.0, 800.0]
    """
    return _parse_number(s, "money", minimum, maximum)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_TIME = (r"(?:(?:t|\s+)(?P<hh>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<ss>[0-9]{2})(?:\.[0-9]{1,9})?)?"
         r"(?:\s*(?:z|[+-][0-9]{2}(?::?[0-9]{2})?))?)?")
_DATE_PATTERNS = (
    # (pattern, has separators to compare)
    (rf"^(?P<y>[0-9]{{4}})(?P<s1>[-/.])(?P<m>[0-9]{{1,2}})(?P<s2>[-/.])(?P<d>[0-9]{{1,2}}){_TIME}$", True),
    (r"^(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})$", False),
    (r"^(?P<y>[0-9]{4})\s*年(?:\s*(?P<m>[0-9]{1,2})\s*月(?:\s*(?P<d>[0-9]{1,2})\s*[日号]?)?)?$", False),
    (r"^(?P<y>[0-9]{4})(?:(?P<m>[0-9]{2})(?P<d>[0-9]{2})?)?$", False),
)
_RE_SERIAL = r"^(?P<serial>[0-9]{5}(?:\.[0-9]+)?)$"


def _ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate year/month/day arrays. Returns (dates as datetime64[D], ok, year in range)."""
    year_ok = (y >= DATE_MIN_YEAR) & (y <= DATE_MAX_YEAR)
    ok = year_ok & (m >= 1) & (m <= 12) & (d >= 1)
    months = ((np.where(ok, y, 2000) - 1970) * 12 + np.where(ok, m, 1) - 1).astype("datetime64[M]")
    start = months.astype("datetime64[D]")
    dim = ((months + 1).astype("datetime64[D]") - start).astype(np.int64)
    ok &= d <= dim
    return start + (np.where(ok, d, 1) - 1).astype("timedelta64[D]"), ok, year_ok


def _parse_date_text(stripped: pa.Array, norm: pa.Array
                     ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, str, pa.Array]]]:
    """Parse date text. Returns (dates, ok, [(mask, reason, messages)]) over the items."""
    m = len(norm)
    dates = np.full(m, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = np.zeros(m, dtype=bool)
    flags: list[tuple[np.ndarray, str, pa.Array]] = []
    if not m:
        return dates, ok, flags
    todo = np.ones(m, dtype=bool)
    invalid_date = np.zeros(m, dtype=bool)
    bad_year = np.zeros(m, dtype=bool)
    part_month = np.zeros(m, dtype=bool)
    part_year = np.zeros(m, dtype=bool)
    for pattern, seps in _DATE_PATTERNS:
        if not todo.any():
            break
        idx = np.flatnonzero(todo)
        sub = pc.take(norm, pa.array(idx))
        res = pc.extract_regex(sub, pattern=pattern)
        hit = _np(res.is_valid())
        if not hit.any():
            continue
        res = pc.filter(res, pa.array(hit))
        at = idx[hit]
        todo[at] = False
        y = _ints(_field(res, "y"), 0)
        no_m = _np(pc.equal(_field(res, "m"), ""))
        no_d = _np(pc.equal(_field(res, "d"), ""))
        mo = _ints(_field(res, "m"), 1)
        d = _ints(_field(res, "d"), 1)
        day, good, yok = _ymd(y, mo, d)
        if seps:
            good &= _np(pc.equal(_field(res, "s1"), _field(res, "s2")))
            hh, mi, ss = (_ints(_field(res, k), 0) for k in ("hh", "mi", "ss"))
            good &= (hh <= 23) & (mi <= 59) & (ss <= 59)
        dates[at[good]] = day[good]
        ok[at[good]] = True
        part_year[at[good & no_m]] = True
        part_month[at[good & ~no_m & no_d]] = True
        bad_year[at[~yok]] = True
        invalid_date[at[~good & yok]] = True
    if todo.any():
        idx = np.flatnonzero(todo)
        res = pc.extract_regex(pc.take(norm, pa.array(idx)), pattern=_RE_SERIAL)
        hit = _np(res.is_valid())
        if hit.any():
            at = idx[hit]
            todo[at] = False
            serial = np.floor(np.asarray(pc.cast(pc.filter(_field(res, "serial"), pa.array(hit)), pa.float64())
                                         .to_numpy(zero_copy_only=False)))
            inr = (serial >= EXCEL_SERIAL_MIN) & (serial <= EXCEL_SERIAL_MAX)
            dates[at[inr]] = _EXCEL_EPOCH + serial[inr].astype(np.int64).astype("timedelta64[D]")
            ok[at[inr]] = True
            out = np.zeros(m, dtype=bool)
            out[at[~inr]] = True
            if out.any():
                flags.append((out, DATE_INVALID, _say(_show(pc.filter(stripped, pa.array(out))),
                              f"is not a date (Excel serial dates run {EXCEL_SERIAL_MIN}–{EXCEL_SERIAL_MAX})")))
    if part_month.any():
        sel = pa.array(part_month)
        when = pa.array(np.datetime_as_string(dates[part_month], unit="D"), pa.large_string())
        flags.append((part_month, DATE_PARTIAL,
                      _say(_show(pc.filter(stripped, sel)), _join("has no day; stored as ", when))))
    if part_year.any():
        sel = pa.array(part_year)
        when = pa.array(np.datetime_as_string(dates[part_year], unit="D"), pa.large_string())
        flags.append((part_year, DATE_PARTIAL,
                      _say(_show(pc.filter(stripped, sel)),
                           _join("has no month or day; stored as ", when))))
    for mask, tail in ((bad_year, f"has a year outside {DATE_MIN_YEAR}–{DATE_MAX_YEAR}"),
                       (invalid_date, "is not a valid date"),
                       (todo, "is not a date (use YYYY-MM-DD or 2023年5月1日)")):
        if mask.any():
            flags.append((mask, DATE_INVALID, _say(_show(pc.filter(stripped, pa.array(mask))), tail)))
    return dates, ok, flags


def parse_date(s: pd.Series) -> Parsed:
    """Parse dates (day precision).

    Accepts ``2023-05-01``, ``2023/5/1``, ``2023.5.1``, ``2023年5月1日``, ``20230501``, ISO date-times
    (``2023-05-01 00:00:00``, ``2023-05-01T08:00:00``: the date part as written), Excel serials in
    [20000, 80000] as text or numbers (origin 1899-12-30; a fraction is a time and is dropped), and
    ``datetime``/``date``/:class:`pandas.Timestamp`/``numpy.datetime64`` objects. ``2023年5月``,
    ``2023-05``, ``2023.5`` and ``202305`` give the first of the month, ``2023`` and ``2023年`` give
    1 January, each with the warning ``date_partial``. Impossible dates (``2023-02-30``,
    ``2023-13-01``), years outside 1800–2199 and other text (``明年``) are ``date_invalid``.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.

    Returns
    -------
    Parsed
        ``values`` has dtype ``datetime64[s]`` (midnight; NaT where missing).

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> p = parse_date(pd.Series(["2023年5月1日", "2023-05", "45047", "2023-02-30"]))
    >>> [str(v.date()) if v is not pd.NaT else None for v in p.values]
    ['2023-05-01', '2023-05-01', '2023-05-01', None]
    >>> p.reason.tolist()
    [nan, 'date_partial', nan, 'date_invalid']
    """
    c = _cells(s)
    acc = _Acc(c.n)
    blank_u = np.zeros(c.n, dtype=bool)
    dates = np.full(c.n, np.datetime64("NaT"), dtype="datetime64[D]")
    valid = np.zeros(c.n, dtype=bool)

    # numbers: integral ones are read as their digits (45047, 20230501, 2023); fractional ones only as serials
    text_pos, text_raw = c.str_pos, c.strs
    if len(c.num_pos):
        f = _as_float(c.nums)
        integral = np.isfinite(f) & (f == np.floor(f)) & (np.abs(f) < 1e12)
        serial = ~integral & (f >= EXCEL_SERIAL_MIN) & (f < EXCEL_SERIAL_MAX + 1)
        if serial.any():
            dates[c.num_pos[serial]] = _EXCEL_EPOCH + np.floor(f[serial]).astype(np.int64).astype("timedelta64[D]")
            valid[c.num_pos[serial]] = True
        other = ~integral & ~serial
        if other.any():
            acc.flag(c.num_pos[other], DATE_INVALID,
                     [f"'{_show1(t)}' is a number, not a date (enter it as text, e.g. 2023-05)"
                      for t in _render_nums(c.nums[other]).to_pylist()])
        if integral.any():
            text_pos = np.concatenate([text_pos, c.num_pos[integral]])
            text_raw = pa.concat_arrays([text_raw, _render_nums(c.nums[integral])])
    if len(c.oth_pos):  # bools and odd objects: read as their text (a bool is never a date)
        text_pos = np.concatenate([text_pos, c.oth_pos])
        text_raw = pa.concat_arrays([text_raw, _to_arrow_text([_render(x) for x in c.oths])])

    pos, stripped, norm = _prepare(text_pos.astype(np.intp), text_raw, acc, blank_u)
    d, ok, flags = _parse_date_text(stripped, norm)
    dates[pos[ok]] = d[ok]
    valid[pos[ok]] = True
    for mask, code, msgs in flags:
        acc.flag(pos[mask], code, msgs)

    if len(c.dt_pos):
        day, good, _ = _ymd(np.asarray(c.dts.year, dtype=np.int64), np.asarray(c.dts.month, dtype=np.int64),
                            np.asarray(c.dts.day, dtype=np.int64))
        dates[c.dt_pos[good]] = day[good]
        valid[c.dt_pos[good]] = True
        if not good.all():
            acc.flag(c.dt_pos[~good], DATE_INVALID,
                     [f"'{t}' has a year outside {DATE_MIN_YEAR}–{DATE_MAX_YEAR}" for t in _render_dts(c.dts[~good])])
    return _finish(c, dates, valid, acc, blank_u, DATE_INVALID, "a date")


# ---------------------------------------------------------------------------
# Booleans and enums
# ---------------------------------------------------------------------------


def parse_bool(s: pd.Series) -> Parsed:
    """Parse yes/no values.

    Accepts :data:`~chaingraph.model.BOOL_TRUE` / :data:`~chaingraph.model.BOOL_FALSE`
    case-insensitively (``是``/``否``, ``Y``/``N``, ``true``/``false``, ``1``/``0``, ``√``/``×``...),
    ``1.0``/``0.0``, and cell objects ``True``/``False``/``1``/``0``. Anything else is ``bool_invalid``.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.

    Returns
    -------
    Parsed
        ``values`` has dtype ``boolean``.

    Raises
    ------
    TypeError
        If ``s`` is not a Series.

    Example
    -------
    >>> parse_bool(pd.Series(["是", "N", 1, "maybe"], dtype=object)).values.tolist()
    [True, False, True, <NA>]
    """
    c = _cells(s)
    acc = _Acc(c.n)
    blank_u = np.zeros(c.n, dtype=bool)
    values = np.zeros(c.n, dtype=bool)
    valid = np.zeros(c.n, dtype=bool)
    pos, raw = _texts(c)
    pos, stripped, norm = _prepare(pos, raw, acc, blank_u)
    if len(pos):
        ix = pc.index_in(norm, value_set=_BOOL_KEYS)
        found = _np(ix.is_valid())
        values[pos[found]] = _BOOL_VALS[np.asarray(pc.filter(ix, ix.is_valid()).to_numpy(), dtype=np.intp)]
        valid[pos[found]] = True
        if not found.all():
            sel = pa.array(~found)
            acc.flag(pos[~found], BOOL_INVALID,
                     _say(_show(pc.filter(stripped, sel)), "is not yes/no (是/否, Y/N, true/false, 1/0)"))
    return _finish(c, values, valid, acc, blank_u, BOOL_INVALID, "yes/no")


def parse_enum(s: pd.Series, enum: str) -> Parsed:
    """Parse values of an enumeration of :data:`~chaingraph.model.ENUMS` into canonical values.

    Matching is case-insensitive, ignores surrounding white space, folds full-width letters and
    collapses inner runs of white space (``"spot  check"``); accepted spellings come from
    :func:`chaingraph.model.enum_lookup`. Anything else is ``enum_invalid``, with a message listing
    the allowed values and their Chinese names.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.
    enum : str
        Name of the enumeration, e.g. ``"size"``.

    Returns
    -------
    Parsed
        ``values`` has dtype ``str`` (canonical English values).

    Raises
    ------
    TypeError
        If ``s`` is not a Series.
    ValueError
        If ``enum`` is not a known enumeration.

    Example
    -------
    >>> parse_enum(pd.Series(["小型企业", "Large", "巨型"]), "size").values.tolist()
    ['small', 'large', nan]
    """
    if enum not in model.ENUMS:
        raise ValueError(f"unknown enumeration {enum!r}; known: {', '.join(model.ENUMS)}")
    lookup = {_fold(" ".join(k.split())): v for k, v in model.enum_lookup(enum).items()}
    keys = pa.array(list(lookup), type=pa.large_string())
    canon = pa.array(list(lookup.values()), type=pa.large_string())
    allowed = ", ".join(f"{k} ({zh})" for k, zh in model.ENUM_ZH[enum].items())
    c = _cells(s)
    acc = _Acc(c.n)
    blank_u = np.zeros(c.n, dtype=bool)
    pos, raw = _texts(c)
    pos, stripped, norm = _prepare(pos, raw, acc, blank_u)
    where = np.full(c.n, -1, dtype=np.intp)
    if len(pos):
        ix = pc.index_in(pc.replace_substring_regex(norm, r"\s+", " "), value_set=keys)
        found = _np(ix.is_valid())
        where[pos[found]] = np.asarray(pc.filter(ix, ix.is_valid()).to_numpy(), dtype=np.intp)
        if not found.all():
            acc.flag(pos[~found], ENUM_INVALID,
                     _say(_show(pc.filter(stripped, pa.array(~found))), f"is not a {enum}; allowed: {allowed}"))
    values = canon.take(pa.array(where, mask=where < 0)) if c.n else pa.array([], pa.large_string())
    return _finish(c, values, where >= 0, acc, blank_u, ENUM_INVALID, f"a {enum}")


# ---------------------------------------------------------------------------
# Dispatcher
# ---------------------------------------------------------------------------

PARSERS = {
    "text": parse_text,
    "id": parse_id,
    "int": parse_int,
    "float": parse_float,
    "money": parse_money,
    "date": parse_date,
    "bool": parse_bool,
    "enum": parse_enum,
}
"""Parser per field type (``uscc`` and ``adcode`` have their own modules)."""


def parse_field(s: pd.Series, field: model.Field) -> Parsed:
    """Parse a column with the parser for ``field.type``, applying its bounds or enumeration.

    Parameters
    ----------
    s : pandas.Series
        Raw cells of the column.
    field : chaingraph.model.Field
        The column's definition.

    Returns
    -------
    Parsed

    Raises
    ------
    TypeError
        If ``s`` is not a Series.
    ValueError
        If the field type is ``uscc`` or ``adcode`` (parsed elsewhere) or unknown, or an enum field
        names no known enumeration.

    Example
    -------
    >>> f = model.TABLES["observations"].field("severity")
    >>> parse_field(pd.Series(["3", "9"]), f).reason.tolist()
    [nan, 'out_of_range']
    """
    t = field.type
    if t in ("int", "float", "money"):
        return PARSERS[t](s, minimum=field.minimum, maximum=field.maximum)
    if t == "enum":
        if not field.enum:
            raise ValueError(f"field {field.name!r} is an enum without an enumeration name")
        return parse_enum(s, field.enum)
    if t in ("text", "id", "date", "bool"):
        return PARSERS[t](s)
    if t in ("uscc", "adcode"):
        raise ValueError(f"field {field.name!r} has type {t!r}, which is parsed by its own module, not chaingraph.parse")
    raise ValueError(f"field {field.name!r} has unknown type {t!r}; known: {', '.join(model.FIELD_TYPES)}")
