"""Factorising a column into its unique cells, grouped by kind (text, numbers, datetimes, other objects).

A large all-distinct text column is detected from a cached random sample of ``_SAMPLE`` cells and
parsed cell by cell instead of being hashed.

Example
-------
>>> c = _cells(pd.Series(["a", "b", "a", None]))
>>> c.codes.tolist(), c.strs.to_pylist()
([0, 1, 0, -1], ['a', 'b'])
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import functools
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.ingest.parse._arrow import _np


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
