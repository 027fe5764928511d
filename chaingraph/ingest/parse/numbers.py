"""Numbers with units: whole numbers, real numbers and money in 万元 (:func:`parse_int`, :func:`parse_float`,
:func:`parse_money`), with a fast path for plain numbers and the full grammar for the rest.

Example
-------
>>> parse_money(pd.Series(["1,200万元", "3000000元"])).values.tolist()
[1200.0, 300.0]
"""

from __future__ import annotations

import decimal
import fractions

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.ingest.parse._accumulate import _Acc, _finish, _prepare
from chaingraph.ingest.parse._arrow import _field, _ints, _join, _match, _np, _say, _show, _show1, _strip
from chaingraph.ingest.parse._base import NUMBER_INVALID, OUT_OF_RANGE, Parsed
from chaingraph.ingest.parse._factorise import _as_float, _Cells, _cells
from chaingraph.ingest.parse._rendering import _render, _render_dts, _render_nums

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
