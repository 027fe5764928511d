"""Dates at day precision (:func:`parse_date`): written dates, partial dates, Excel serials, date objects.

Example
-------
>>> parse_date(pd.Series(["2023年5月1日", "2023-05"])).reason.tolist()
[nan, 'date_partial']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.ingest.parse._accumulate import _Acc, _finish, _prepare
from chaingraph.ingest.parse._arrow import _field, _ints, _join, _np, _say, _show, _show1
from chaingraph.ingest.parse._base import DATE_INVALID, DATE_PARTIAL, Parsed
from chaingraph.ingest.parse._factorise import _as_float, _cells, _to_arrow_text
from chaingraph.ingest.parse._rendering import _render, _render_dts, _render_nums

DATE_MIN_YEAR = 1800
"""Earliest year accepted in a date."""
DATE_MAX_YEAR = 2199
"""Latest year accepted in a date."""
EXCEL_SERIAL_MIN = 20000
"""Smallest number read as an Excel serial date (1954-10-03)."""
EXCEL_SERIAL_MAX = 80000
"""Largest number read as an Excel serial date (2119-01-11)."""
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")

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
