"""Rendering non-text cells (numbers, datetimes, booleans, odd objects) as text, as an analyst sees them.

Example
-------
>>> _render(123.0), _render(12.5), _render(True)
('123', '12.5', 'TRUE')
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.ingest.parse._factorise import _Cells, _to_arrow_text


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
