"""Accumulating per-unique reasons and messages, and taking per-unique results back to the column.

:func:`_prepare` strips cells and flags missing markers; :class:`_Acc` collects reasons and messages;
:func:`_finish` builds the :class:`Parsed` result on the column's index.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.ingest.parse._arrow import _normalise, _np, _say, _show, _strip
from chaingraph.ingest.parse._base import (
    _CODE_IX,
    _CODES,
    _DATE_UNIT,
    _KEEPS_VALUE,
    _MARKER_LEN,
    _MARKERS,
    _STR,
    VALUE_UNKNOWN,
    Parsed,
)
from chaingraph.ingest.parse._factorise import _Cells, _to_arrow_text


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
