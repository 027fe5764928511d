"""Tests of chaingraph.ingest.parse: table-driven spellings, dtypes, dispatch and hypothesis properties."""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph import model
from chaingraph.ingest import parse
from chaingraph.ingest.parse import (
    Parsed,
    is_blank,
    parse_bool,
    parse_date,
    parse_enum,
    parse_field,
    parse_float,
    parse_id,
    parse_int,
    parse_money,
    parse_text,
)
from chaingraph.reasons import REASONS

VU, NI, OOR = "value_unknown", "number_invalid", "out_of_range"
DI, DP, BI, EI = "date_invalid", "date_partial", "bool_invalid", "enum_invalid"

FW = str.maketrans("0123456789,.-%", "０１２３４５６７８９，．－％")  # to full-width


def one(parser: Any, cell: Any, **kw: Any) -> tuple[Any, Any, Any]:
    """Parse a single cell (in an object Series) and return (value, reason, message) as Python objects."""
    p = parser(pd.Series([cell], dtype=object), **kw)
    value, reason, message = p.values.iloc[0], p.reason.iloc[0], p.message.iloc[0]
    return (None if pd.isna(value) else value), (None if pd.isna(reason) else reason), \
        (None if pd.isna(message) else message)


def reasons(p: Parsed) -> list[str | None]:
    """Reason codes as a list, None where unset."""
    return [None if pd.isna(r) else r for r in p.reason]


def check_case(parser: Any, cell: Any, value: Any, reason: str | None, **kw: Any) -> None:
    got_value, got_reason, got_message = one(parser, cell, **kw)
    assert got_reason == reason, (cell, got_reason, got_message)
    if value is None:
        assert got_value is None, (cell, got_value)
    elif isinstance(value, float):
        assert got_value == value and type(got_value) in (float, np.float64), (cell, got_value)
    else:
        assert got_value == value, (cell, got_value)
    assert (got_message is None) == (reason is None), (cell, got_message)


def check_column(parser: Any, cases: list[tuple[Any, Any, str | None]], **kw: Any) -> None:
    """All cases in one column (mixed kinds, factorised together) give the same results as one by one."""
    s = pd.Series([c[0] for c in cases], dtype=object, index=[f"r{i}" for i in range(len(cases))])
    p = parser(s, **kw)
    assert list(p.values.index) == list(s.index)
    for i, (cell, value, reason) in enumerate(cases):
        got = p.values.iloc[i]
        got_reason = p.reason.iloc[i]
        assert (None if pd.isna(got_reason) else got_reason) == reason, (cell, got_reason)
        if value is None:
            assert pd.isna(got), (cell, got)
        else:
            assert got == value, (cell, got)


# ---------------------------------------------------------------------------
# Integers
# ---------------------------------------------------------------------------

INT_CASES: list[tuple[Any, Any, str | None]] = [
    ("1200", 1200, None),
    ("1,200", 1200, None),
    ("1,234,567", 1234567, None),
    ("１２００", 1200, None),
    ("１，２００", 1200, None),
    ("50人", 50, None),
    ("50 人", 50, None),
    ("12.0", 12, None),
    ("12.", 12, None),
    ("12.000", 12, None),
    ("-5", -5, None),
    ("－5", -5, None),
    ("+7", 7, None),
    ("007", 7, None),
    ("  42 ", 42, None),
    ("\u300042\u3000", 42, None),
    ("\xa042\u200b", 42, None),
    ("9223372036854775", 9223372036854775, None),
    ("12.5", None, NI),
    ("约50人", None, NI),
    ("大约50", None, NI),
    ("50余人", None, NI),
    ("50多人", None, NI),
    ("50+", None, NI),
    (">50", None, NI),
    ("50左右", None, NI),
    ("50-100", None, NI),
    ("50~100人", None, NI),
    ("1e3", None, NI),
    ("95%", None, NI),
    ("1,2,00", None, NI),
    ("12,00", None, NI),
    ("1.234,5", None, NI),
    ("12 345", None, NI),
    ("五十", None, NI),
    ("abc", None, NI),
    ("1.2.3", None, NI),
    (".", None, NI),
    ("人", None, NI),
    ("1234567890123456789012", None, NI),
    ("-", None, VU),
    ("—", None, VU),
    ("--", None, VU),
    ("不详", None, VU),
    ("未知", None, VU),
    ("N/A", None, VU),
    ("n/a", None, VU),
    ("Ｎ/Ａ", None, VU),
    ("NULL", None, VU),
    ("none", None, VU),
    ("", None, None),
    ("   ", None, None),
    ("\u3000", None, None),
    (None, None, None),
    (np.nan, None, None),
    (pd.NA, None, None),
    # XLSX cell objects
    (12.0, 12, None),
    (1200, 1200, None),
    (np.int64(3), 3, None),
    (np.float32(4.0), 4, None),
    (decimal.Decimal("5"), 5, None),
    (2.0 ** 60, 2 ** 60, None),
    (2 ** 62 + 1, 2 ** 62 + 1, None),
    (12.5, None, NI),
    (True, None, NI),
    (False, None, NI),
    (math.inf, None, NI),
    (2 ** 70, None, NI),
    (1e300, None, NI),
    (dt.date(2023, 1, 1), None, NI),
    ([1, 2], None, NI),
]


@pytest.mark.parametrize(("cell", "value", "reason"), INT_CASES, ids=[repr(c[0]) for c in INT_CASES])
def test_parse_int_cases(cell: Any, value: Any, reason: str | None) -> None:
    check_case(parse_int, cell, value, reason)


def test_parse_int_column() -> None:
    check_column(parse_int, INT_CASES)
    p = parse_int(pd.Series(["1,200", "12.5"]))
    assert p.values.dtype == "Int64"
    assert p.reason.dtype == "str" and p.message.dtype == "str"


def test_parse_int_messages() -> None:
    assert one(parse_int, "12.5")[2] == "'12.5' is not a whole number"
    assert one(parse_int, "约50人")[2] == "'约50人' is an approximation, not a number"
    assert one(parse_int, "50-100")[2] == "'50-100' is a range, not a number"
    assert one(parse_int, "五十")[2] == "'五十' is written in Chinese numerals; use digits"
    assert one(parse_int, "不详")[2] == "'不详' marks an unknown value"
    assert one(parse_int, 12.5)[2] == "'12.5' is not a whole number"
    assert one(parse_int, "x" * 100)[2] == "'" + "x" * 40 + "…' is not a number"


def test_parse_int_bounds() -> None:
    p = parse_int(pd.Series(["-1", "0", "5", "6", 6.0, "不详"], dtype=object), minimum=0, maximum=5)
    assert p.values.tolist() == [pd.NA, 0, 5, pd.NA, pd.NA, pd.NA]
    assert reasons(p) == [OOR, None, None, OOR, OOR, VU]
    assert p.message.iloc[0] == "'-1' is below the minimum 0"
    assert p.message.iloc[3] == "'6' is above the maximum 5"


@pytest.mark.parametrize("order", [[True, 1, 1.0], [1, True, 1.0], [1.0, 1, True], [0, False], [False, 0]])
def test_bool_objects_are_not_numbers_whatever_the_order(order: list[Any]) -> None:
    """pandas hashes True like 1; the parsers still tell them apart, in any row order."""
    p = parse_int(pd.Series(order, dtype=object))
    for cell, value, reason in zip(order, p.values, p.reason, strict=True):
        if isinstance(cell, bool):
            assert pd.isna(value) and reason == NI
        else:
            assert value == int(cell) and pd.isna(reason)
    t = parse_text(pd.Series(order, dtype=object)).values.tolist()
    assert t == [("TRUE" if c else "FALSE") if isinstance(c, bool) else str(int(c)) for c in order]
    b = parse_bool(pd.Series(order, dtype=object)).values.tolist()
    assert b == [bool(c) for c in order]


# ---------------------------------------------------------------------------
# Floats
# ---------------------------------------------------------------------------

FLOAT_CASES: list[tuple[Any, Any, str | None]] = [
    ("1,234.5", 1234.5, None),
    ("1234.5", 1234.5, None),
    ("95%", 95.0, None),
    ("95 %", 95.0, None),
    ("９５％", 95.0, None),
    ("-3.2", -3.2, None),
    ("－3.2", -3.2, None),
    ("\u22123.2", -3.2, None),
    ("+3.2", 3.2, None),
    ("1e3", 1000.0, None),
    ("1E3", 1000.0, None),
    ("1.5e-2", 0.015, None),
    ("2.5E+2", 250.0, None),
    (".5", 0.5, None),
    ("5.", 5.0, None),
    ("0", 0.0, None),
    ("３．１４", 3.14, None),
    ("0.1", 0.1, None),
    ("1,2,3", None, NI),
    ("1.2.3", None, NI),
    ("nan", None, VU),  # pandas writes NaN as "nan": an explicit unknown (MISSING_MARKERS)
    ("inf", None, NI),
    ("1e400", None, NI),
    ("1e1000", None, NI),
    ("1" + "0" * 400, None, NI),
    ("-1" + "0" * 400 + ".5", None, NI),
    ("1 200", None, NI),
    ("约3.5", None, NI),
    ("3.5-4.0", None, NI),
    ("95‰", None, NI),
    ("e3", None, NI),
    (".", None, NI),
    ("-", None, VU),
    ("—", None, VU),
    ("/", None, VU),
    ("na", None, VU),
    (" ", None, None),
    (2.5, 2.5, None),
    (3, 3.0, None),
    (decimal.Decimal("1.5"), 1.5, None),
    (fractions.Fraction(1, 4), 0.25, None),
    (np.float64(-0.5), -0.5, None),
    (math.inf, None, NI),
    (-math.inf, None, NI),
    (True, None, NI),
    (dt.datetime(2023, 5, 1), None, NI),
    (complex(1, 2), None, NI),
]


@pytest.mark.parametrize(("cell", "value", "reason"), FLOAT_CASES, ids=[repr(c[0]) for c in FLOAT_CASES])
def test_parse_float_cases(cell: Any, value: Any, reason: str | None) -> None:
    check_case(parse_float, cell, value, reason)


def test_parse_float_column_and_messages() -> None:
    check_column(parse_float, FLOAT_CASES)
    assert parse_float(pd.Series(["1.5"])).values.dtype == "Float64"
    assert one(parse_float, "1.2.3")[2] == "'1.2.3' is not a number"
    assert one(parse_float, "1e400")[2] == "'1e400' is too large"
    assert one(parse_float, math.inf)[2] == "'inf' is not a finite number"
    p = parse_float(pd.Series(["-0.5", "0", "100.5"]), minimum=0, maximum=100)
    assert reasons(p) == [OOR, None, OOR]
    assert p.values.tolist() == [pd.NA, 0.0, pd.NA]
    assert p.message.iloc[2] == "'100.5' is above the maximum 100"


# ---------------------------------------------------------------------------
# Money (万元)
# ---------------------------------------------------------------------------

MONEY_CASES: list[tuple[Any, Any, str | None]] = [
    ("1,200万元", 1200.0, None),
    ("1200万元", 1200.0, None),
    ("1200万", 1200.0, None),
    ("1200 万", 1200.0, None),
    ("1.2亿", 12000.0, None),
    ("1.2亿元", 12000.0, None),
    ("0.07亿", 700.0, None),
    ("3000000元", 300.0, None),
    ("3,000,000元", 300.0, None),
    ("500千元", 50.0, None),
    ("500千", 50.0, None),
    ("5十万", 50.0, None),
    ("3百万元", 300.0, None),
    ("2千万", 2000.0, None),
    ("1万亿", 100000000.0, None),
    ("800", 800.0, None),
    ("1,200.5", 1200.5, None),
    ("￥1,200万", 1200.0, None),
    ("¥1200万元", 1200.0, None),
    ("¥ 1,200.5 万元", 1200.5, None),
    ("RMB 1200万元", 1200.0, None),
    ("rmb1200万", 1200.0, None),
    ("CNY 5亿", 50000.0, None),
    ("人民币1200万元", 1200.0, None),
    ("1200万元人民币", 1200.0, None),
    ("１２００万元", 1200.0, None),
    ("1e3万", 1000.0, None),
    ("1" + "0" * 400 + "万元", None, NI),
    ("1" + "0" * 400 + ".5亿", None, NI),
    ("1" + "0" * 400, None, NI),
    ("-500万", -500.0, None),
    ("十二万", None, NI),
    ("一千二百万元", None, NI),
    ("1,2,00万", None, NI),
    ("abc", None, NI),
    ("万元", None, NI),
    ("￥1200", None, NI),
    ("RMB 1200", None, NI),
    ("$100", None, NI),
    ("100美元", None, NI),
    ("USD 100万", None, NI),
    ("1200万美元", None, NI),
    ("约1200万", None, NI),
    ("1200-1500万", None, NI),
    ("1200万以上", None, NI),
    ("5%", None, NI),
    ("1.2亿万", None, NI),
    ("-￥-5万", None, NI),
    ("—", None, VU),
    ("不详", None, VU),
    ("", None, None),
    (1200, 1200.0, None),
    (12.5, 12.5, None),
    (True, None, NI),
]


@pytest.mark.parametrize(("cell", "value", "reason"), MONEY_CASES, ids=[repr(c[0]) for c in MONEY_CASES])
def test_parse_money_cases(cell: Any, value: Any, reason: str | None) -> None:
    check_case(parse_money, cell, value, reason)


def test_parse_money_column_and_messages() -> None:
    check_column(parse_money, MONEY_CASES)
    assert parse_money(pd.Series(["1.2亿"])).values.dtype == "Float64"
    assert one(parse_money, "￥1200")[2] == "'￥1200' has a currency sign but no unit (元, 万元 or 亿); ambiguous"
    assert one(parse_money, "$100")[2] == "'$100' is not in CNY"
    assert one(parse_money, "十二万")[2] == "'十二万' is written in Chinese numerals; use digits"
    p = parse_money(pd.Series(["-500万", "0"]), minimum=0)
    assert p.reason.iloc[0] == OOR and pd.isna(p.reason.iloc[1])
    assert p.message.iloc[0] == "'-500万' is below the minimum 0 万元"


def test_money_scaling_is_exact() -> None:
    """Units shift the decimal point; they do not multiply in binary floating point."""
    assert 0.07 * 10000 != 700.0  # the trap
    p = parse_money(pd.Series(["0.07亿", "1.1亿", "123元", "0.3万元", "0.1千元"]))
    assert p.values.tolist() == [700.0, 11000.0, 0.0123, 0.3, 0.01]


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

D = pd.Timestamp
DATE_CASES: list[tuple[Any, Any, str | None]] = [
    ("2023-05-01", D("2023-05-01"), None),
    ("2023-5-1", D("2023-05-01"), None),
    ("2023/5/1", D("2023-05-01"), None),
    ("2023/05/01", D("2023-05-01"), None),
    ("2023.5.1", D("2023-05-01"), None),
    ("2023年5月1日", D("2023-05-01"), None),
    ("2023年05月01日", D("2023-05-01"), None),
    ("2023 年 5 月 1 日", D("2023-05-01"), None),
    ("2023年5月1号", D("2023-05-01"), None),
    ("２０２３－０５－０１", D("2023-05-01"), None),
    ("20230501", D("2023-05-01"), None),
    ("2023-05-01 00:00:00", D("2023-05-01"), None),
    ("2023-05-01 23:59:59", D("2023-05-01"), None),
    ("2023-05-01T08:00:00", D("2023-05-01"), None),
    ("2023-05-01T08:00:00Z", D("2023-05-01"), None),
    ("2023-05-01T23:30:00+08:00", D("2023-05-01"), None),
    ("2023-05-01 08:00:00.123456", D("2023-05-01"), None),
    ("2023/5/1 8:00", D("2023-05-01"), None),
    ("45047", D("2023-05-01"), None),
    ("45047.5", D("2023-05-01"), None),
    ("20000", D("1954-10-03"), None),
    ("80000", D("2119-01-11"), None),
    ("2024-02-29", D("2024-02-29"), None),
    ("2000-02-29", D("2000-02-29"), None),
    ("2023年5月", D("2023-05-01"), DP),
    ("2023-05", D("2023-05-01"), DP),
    ("2023/5", D("2023-05-01"), DP),
    ("2023.5", D("2023-05-01"), DP),
    ("2023.10", D("2023-10-01"), DP),
    ("202305", D("2023-05-01"), DP),
    ("2023", D("2023-01-01"), DP),
    ("2023年", D("2023-01-01"), DP),
    ("2023-02-30", None, DI),
    ("2023-02-29", None, DI),
    ("1900-02-29", None, DI),
    ("2023-13-01", None, DI),
    ("2023-00-10", None, DI),
    ("2023-04-31", None, DI),
    ("2023-05-00", None, DI),
    ("2023年13月", None, DI),
    ("2023-05/01", None, DI),
    ("2023-05-01 25:00", None, DI),
    ("20231301", None, DI),
    ("明年", None, DI),
    ("二〇二三年五月", None, DI),
    ("5/1/2023", None, DI),
    ("23-5-1", None, DI),
    ("19999", None, DI),
    ("80001", None, DI),
    ("330502", None, DI),
    ("9999-12-31", None, DI),
    ("0999-01-01", None, DI),
    ("长期", None, DI),
    ("-", None, VU),
    ("不详", None, VU),
    ("", None, None),
    # XLSX cell objects
    (45047, D("2023-05-01"), None),
    (45047.0, D("2023-05-01"), None),
    (45047.75, D("2023-05-01"), None),
    (20230501, D("2023-05-01"), None),
    (2023, D("2023-01-01"), DP),
    (2023.5, None, DI),
    (12.0, None, DI),
    (dt.datetime(2023, 5, 1, 8, 30), D("2023-05-01"), None),
    (dt.date(2023, 5, 1), D("2023-05-01"), None),
    (pd.Timestamp("2023-05-01 23:00"), D("2023-05-01"), None),
    (np.datetime64("2023-05-01T12:00"), D("2023-05-01"), None),
    (dt.datetime(1700, 1, 1), None, DI),
    (dt.time(8, 0), None, DI),
    (True, None, DI),
]


@pytest.mark.parametrize(("cell", "value", "reason"), DATE_CASES, ids=[repr(c[0]) for c in DATE_CASES])
def test_parse_date_cases(cell: Any, value: Any, reason: str | None) -> None:
    check_case(parse_date, cell, value, reason)


def test_parse_date_column_and_messages() -> None:
    check_column(parse_date, DATE_CASES)
    p = parse_date(pd.Series(["2023-05-01", None]))
    assert p.values.dtype == "datetime64[s]"
    assert pd.isna(p.values.iloc[1])
    assert one(parse_date, "2023年5月")[2] == "'2023年5月' has no day; stored as 2023-05-01"
    assert one(parse_date, "2023")[2] == "'2023' has no month or day; stored as 2023-01-01"
    assert one(parse_date, "2023-02-30")[2] == "'2023-02-30' is not a valid date"
    assert one(parse_date, "明年")[2] == "'明年' is not a date (use YYYY-MM-DD or 2023年5月1日)"
    assert one(parse_date, "9999-12-31")[2] == "'9999-12-31' has a year outside 1800–2199"


def test_parse_date_tz_aware_objects_keep_their_wall_date() -> None:
    shanghai = pd.Timestamp("2023-05-01 07:00", tz="Asia/Shanghai")  # 2023-04-30 in UTC
    for s in (pd.Series([shanghai]), pd.Series([shanghai], dtype=object),
              pd.Series([shanghai, dt.datetime(2023, 6, 1)], dtype=object)):  # mixed aware / naive
        assert parse_date(s).values.iloc[0] == D("2023-05-01")


def test_parse_date_datetime64_input() -> None:
    s = pd.Series(pd.to_datetime(["2023-05-01 13:45", None, "1600-01-01"], format="mixed"))
    p = parse_date(s)
    assert p.values.iloc[0] == D("2023-05-01")
    assert p.blank.tolist() == [False, True, False]
    assert p.reason.iloc[2] == DI


# ---------------------------------------------------------------------------
# Booleans
# ---------------------------------------------------------------------------

BOOL_CASES: list[tuple[Any, Any, str | None]] = [
    *[(t, True, None) for t in model.BOOL_TRUE],
    *[(f, False, None) for f in model.BOOL_FALSE],
    ("TRUE", True, None),
    ("Yes", True, None),
    (" 是 ", True, None),
    ("Ｙ", True, None),
    ("FALSE", False, None),
    ("NO", False, None),
    ("1.0", True, None),
    ("0.0", False, None),
    (1, True, None),
    (0, False, None),
    (1.0, True, None),
    (0.0, False, None),
    (True, True, None),
    (False, False, None),
    (np.bool_(True), True, None),
    (np.int64(0), False, None),
    ("maybe", None, BI),
    ("对", None, BI),
    ("2", None, BI),
    (2, None, BI),
    (0.5, None, BI),
    ("yes please", None, BI),
    ("-", None, VU),
    ("不详", None, VU),
    ("", None, None),
    (None, None, None),
]


@pytest.mark.parametrize(("cell", "value", "reason"), BOOL_CASES, ids=[repr(c[0]) for c in BOOL_CASES])
def test_parse_bool_cases(cell: Any, value: Any, reason: str | None) -> None:
    check_case(parse_bool, cell, value, reason)


def test_parse_bool_column_and_dtypes() -> None:
    check_column(parse_bool, BOOL_CASES)
    assert parse_bool(pd.Series(["是"])).values.dtype == "boolean"
    assert parse_bool(pd.Series([True, False, None], dtype="boolean")).values.tolist() == [True, False, pd.NA]
    assert reasons(parse_bool(pd.Series([1, 0, 2]))) == [None, None, BI]
    assert one(parse_bool, "maybe")[2] == "'maybe' is not yes/no (是/否, Y/N, true/false, 1/0)"


# ---------------------------------------------------------------------------
# Enums
# ---------------------------------------------------------------------------

ENUM_CASES: list[tuple[Any, Any, str | None]] = [
    ("小型", "small", None),
    ("小型企业", "small", None),
    ("小", "small", None),
    ("small", "small", None),
    ("SMALL", "small", None),
    (" Large ", "large", None),
    ("ｍｅｄｉｕｍ", "medium", None),
    ("微", "micro", None),
    ("\u3000中型企业\u3000", "medium", None),
    ("巨型", None, EI),
    ("smal", None, EI),
    ("小 型", None, EI),
    (1, None, EI),
    ("不详", None, VU),
    ("", None, None),
]


@pytest.mark.parametrize(("cell", "value", "reason"), ENUM_CASES, ids=[repr(c[0]) for c in ENUM_CASES])
def test_parse_enum_cases(cell: Any, value: Any, reason: str | None) -> None:
    check_case(parse_enum, cell, value, reason, enum="size")


def test_parse_enum_all_model_spellings() -> None:
    for name, values in model.ENUMS.items():
        cells = [s for canon, spellings in values.items() for s in (canon, canon.upper(), *spellings)]
        want = [canon for canon, spellings in values.items() for _ in (canon, canon.upper(), *spellings)]
        p = parse_enum(pd.Series(cells), name)
        assert p.values.tolist() == want, name
        assert p.reason.isna().all()
        assert p.values.dtype == "str"


def test_parse_enum_extras() -> None:
    check_column(lambda s: parse_enum(s, "size"), ENUM_CASES)
    assert parse_enum(pd.Series(["spot  check", "Spot-Check", "NQI", "nqi"]), "source").values.tolist()[:2] == \
        ["spot_check", "spot_check"]
    assert parse_enum(pd.Series(["NQI", "nqi"]), "category").values.tolist() == ["infrastructure"] * 2
    assert one(parse_enum, "巨型", enum="size")[2] == \
        "'巨型' is not a size; allowed: micro (微型), small (小型), medium (中型), large (大型), unknown (规模不详)"
    with pytest.raises(ValueError, match="unknown enumeration"):
        parse_enum(pd.Series(["x"]), "colour")


# ---------------------------------------------------------------------------
# Text and ids
# ---------------------------------------------------------------------------

TEXT_CASES: list[tuple[Any, Any, str | None]] = [
    ("童装", "童装", None),
    ("  童装 ", "童装", None),
    ("\u3000童装\u3000", "童装", None),
    ("\ufeff童装\u200b", "童装", None),
    ("童 装", "童 装", None),
    ("童\u3000装", "童\u3000装", None),
    ("A-01", "A-01", None),
    ("123.0", "123.0", None),
    ("１２３", "１２３", None),
    ("-3.2", "-3.2", None),
    ("无", "无", None),
    ("不详", None, VU),
    ("—", None, VU),
    ("-", None, VU),
    ("N/A", None, VU),
    ("None", None, VU),
    ("", None, None),
    ("\t\n ", None, None),
    (None, None, None),
    (123.0, "123", None),
    (123, "123", None),
    (12.5, "12.5", None),
    (2.0 ** 62, "4611686018427387904", None),
    (1e20, "1e+20", None),
    (dt.datetime(2023, 5, 1, 8, 0, tzinfo=dt.UTC), "2023-05-01 08:00:00", None),
    (True, "TRUE", None),
    (dt.datetime(2023, 5, 1), "2023-05-01", None),
    (dt.datetime(2023, 5, 1, 8, 30), "2023-05-01 08:30:00", None),
    (dt.date(2023, 5, 1), "2023-05-01", None),
    (decimal.Decimal("7.0"), "7", None),
    ("\ud800x", "\ufffdx", None),
]


@pytest.mark.parametrize("parser", [parse_text, parse_id])
@pytest.mark.parametrize(("cell", "value", "reason"), TEXT_CASES, ids=[repr(c[0]) for c in TEXT_CASES])
def test_parse_text_and_id_cases(parser: Any, cell: Any, value: Any, reason: str | None) -> None:
    check_case(parser, cell, value, reason)


@pytest.mark.parametrize("parser", [parse_text, parse_id])
def test_parse_text_column(parser: Any) -> None:
    check_column(parser, TEXT_CASES)
    assert parser(pd.Series(["a"])).values.dtype == "str"
    assert parser(pd.Series([1.5, 2.0, np.nan])).values.tolist() == ["1.5", "2", np.nan]
    assert parser(pd.Series([7, 8])).values.tolist() == ["7", "8"]


# ---------------------------------------------------------------------------
# Blanks, dtypes of the input, index, dispatcher
# ---------------------------------------------------------------------------


def test_is_blank() -> None:
    s = pd.Series(["a", " ", None, "\u3000", "不详", np.nan, pd.NaT, "", 0, "\u200b", "-"], dtype=object)
    assert is_blank(s).tolist() == [False, True, True, True, False, True, True, True, False, True, False]
    assert is_blank(pd.Series(["", "x", None], dtype="str")).tolist() == [True, False, True]
    assert is_blank(pd.Series([1.0, np.nan])).tolist() == [False, True]
    assert isinstance(is_blank(s), np.ndarray)


@pytest.mark.parametrize("dtype", [object, "str", "string", "string[python]", "category"])
def test_input_dtypes_agree(dtype: Any) -> None:
    cells = ["1,200万", None, "1.2亿", "不详", "", "abc", "1,200万"]
    p = parse_money(pd.Series(cells, dtype=dtype, index=list("abcdefg")))
    assert list(p.values.index) == list("abcdefg")
    assert p.values.tolist() == [1200.0, pd.NA, 12000.0, pd.NA, pd.NA, pd.NA, 1200.0]
    assert reasons(p) == [None, None, None, VU, None, NI, None]
    assert p.blank.tolist() == [False, True, False, False, True, False, False]


@pytest.mark.parametrize("dtype", ["int64", "Int64", "float64", "Float64", "uint8", "int64[pyarrow]"])
def test_numeric_input_dtypes(dtype: str) -> None:
    s = pd.Series([3, 1, 3], dtype=dtype)
    assert reasons(parse_int(s, maximum=2)) == [OOR, None, OOR]
    assert parse_float(s).values.tolist() == [3.0, 1.0, 3.0]
    assert parse_text(s).values.tolist() == ["3", "1", "3"]


def test_non_series_rejected() -> None:
    with pytest.raises(TypeError):
        parse_int(["1"])  # type: ignore[arg-type]


def test_empty_series() -> None:
    for f in (parse_int, parse_float, parse_money, parse_date, parse_bool, parse_text, parse_id):
        p = f(pd.Series([], dtype=object))
        assert len(p.values) == len(p.reason) == len(p.message) == 0
    assert len(parse_enum(pd.Series([], dtype="str"), "size").values) == 0


def test_parse_field_dispatch() -> None:
    severity = model.TABLES["observations"].field("severity")
    p = parse_field(pd.Series(["3", "9", "0", "2.0"]), severity)
    assert p.values.tolist() == [3, pd.NA, pd.NA, 2]
    assert reasons(p) == [None, OOR, OOR, None]
    revenue = model.TABLES["enterprises"].field("revenue")
    assert reasons(parse_field(pd.Series(["1.2亿", "-1万"]), revenue)) == [None, OOR]
    assert parse_field(pd.Series(["小型"]), model.TABLES["enterprises"].field("size")).values.tolist() == ["small"]
    assert parse_field(pd.Series(["2023年5月1日"]), model.TABLES["enterprises"].field("founded")).values.iloc[0] == \
        D("2023-05-01")
    assert parse_field(pd.Series(["是"]), model.TABLES["enterprises"].field("qms_certified")).values.tolist() == [True]
    assert parse_field(pd.Series([" 企业 "]), model.TABLES["enterprises"].field("name")).values.tolist() == ["企业"]
    assert parse_field(pd.Series([101.0], dtype=object), model.TABLES["chains"].field("id")).values.tolist() == ["101"]
    assert parse_field(pd.Series(["1.5"]), model.TABLES["measurements"].field("value")).values.tolist() == [1.5]
    for name in ("uscc", "region_code"):
        with pytest.raises(ValueError, match="own module"):
            parse_field(pd.Series(["x"]), model.TABLES["enterprises"].field(name))
    with pytest.raises(ValueError, match="unknown type"):
        parse_field(pd.Series(["x"]), model.Field("x", "colour"))


def test_every_model_field_type_dispatches() -> None:
    for table in model.TABLES.values():
        for f in table.fields:
            if f.type in ("uscc", "adcode"):
                continue
            p = parse_field(pd.Series(["不详", "", "??"]), f)
            assert p.reason.iloc[0] == VU and p.blank.tolist()[1]


def test_reason_codes_exist() -> None:
    for code in (VU, NI, OOR, DI, DP, BI, EI):
        assert code in REASONS
    assert REASONS[DP].severity == "warning" and REASONS[VU].severity == "warning"


def test_whitespace_table_matches_python() -> None:
    assert {c for c in parse._WS if c.isspace()} == {chr(i) for i in range(0x110000) if chr(i).isspace()}


def test_sampled_path_equals_factorised_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large all-distinct text columns skip factorisation; results must not change."""
    rng = np.random.default_rng(1)
    cells = [f"{i:,}万元" for i in rng.permutation(3000)] + ["不详", "", None, "abc", "1.2亿"]
    s = pd.Series(cells, dtype="str")
    expected = parse_money(s)
    monkeypatch.setattr(parse._factorise, "_SAMPLE", 50)
    got = parse_money(s)
    pd.testing.assert_series_equal(got.values, expected.values)
    pd.testing.assert_series_equal(got.reason, expected.reason)
    pd.testing.assert_series_equal(got.message, expected.message)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

PARSERS: dict[str, Any] = {
    "int": parse_int,
    "float": parse_float,
    "money": parse_money,
    "date": parse_date,
    "bool": parse_bool,
    "enum": lambda s: parse_enum(s, "status"),
    "text": parse_text,
    "id": parse_id,
}
ALLOWED = {
    "int": {VU, NI}, "float": {VU, NI}, "money": {VU, NI}, "date": {VU, DI, DP},
    "bool": {VU, BI}, "enum": {VU, EI}, "text": {VU}, "id": {VU},
}

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["1,200", "１２００", "-", "—", "不详", "1.2亿", "2023年5月", "45047", "是", "整改中", " ", "\u3000",
                     "1e3", "95%", "-3.2", "1,2,00万", "约50人", "2023-02-30", "NULL", "RMB 1200万元"]),
    st.from_regex(r"[-+]?[0-9,.]{1,8}(e[0-9]{1,3})?[%万亿元人年月日]?", fullmatch=True),
)
cell_object = st.one_of(
    cell_text,
    st.none(),
    st.just(np.nan),
    st.just(pd.NA),
    st.just(pd.NaT),
    st.integers(min_value=-(2 ** 80), max_value=2 ** 80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.decimals(allow_nan=False),
    st.fractions(),
    st.complex_numbers(allow_nan=False),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))])),
    st.dates(),
    st.times(),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
    st.builds(np.int64, st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1)),
    st.builds(np.float32, st.floats(width=32)),
    st.builds(np.bool_, st.booleans()),
    st.timedeltas(),
    st.builds(np.timedelta64, st.integers(min_value=-1000, max_value=1000), st.just("D")),
    st.builds(lambda y, m: pd.Period(year=y, month=m, freq="M"), st.integers(1800, 2200), st.integers(1, 12)),
    st.builds(pd.Timestamp, st.datetimes(min_value=dt.datetime(1700, 1, 1), max_value=dt.datetime(2250, 1, 1))),
)


def assert_guarantee(name: str, s: pd.Series, p: Parsed) -> None:
    """Every non-blank cell has a value or a reason; errors carry no value; messages match reasons."""
    assert isinstance(p, Parsed)
    assert len(p.values) == len(p.reason) == len(p.message) == len(s)
    assert p.values.index.equals(s.index) and p.reason.index.equals(s.index)
    blank = is_blank(s)
    has_value = p.values.notna().to_numpy()
    has_reason = p.reason.notna().to_numpy()
    assert (blank == (~has_value & ~has_reason)).all(), list(zip(s, p.values, p.reason, strict=True))
    assert (p.message.notna().to_numpy() == has_reason).all()
    assert set(p.reason.dropna()) <= ALLOWED[name]
    errors = p.reason.isin([c for c in ALLOWED[name] if REASONS[c].severity == "error"]).to_numpy()
    assert not (errors & has_value).any()
    assert not (p.reason.eq(VU).to_numpy() & has_value).any()
    if p.values.dtype == "Float64":
        assert np.isfinite(p.values.dropna().to_numpy(dtype=float)).all()


@pytest.mark.parametrize("name", list(PARSERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(cell_text, max_size=25))
def test_property_text_never_silently_missing(name: str, cells: list[str]) -> None:
    for dtype in (object, "str"):
        s = pd.Series(cells, dtype=dtype)
        assert_guarantee(name, s, PARSERS[name](s))


@pytest.mark.parametrize("name", list(PARSERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(cell_object, max_size=25))
def test_property_random_objects_never_raise(name: str, cells: list[Any]) -> None:
    s = pd.Series(cells, dtype=object)
    assert_guarantee(name, s, PARSERS[name](s))


@pytest.mark.parametrize("name", list(PARSERS))
@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=6), max_size=10))
def test_property_any_code_point_including_surrogates(name: str, cells: list[str]) -> None:
    s = pd.Series(cells, dtype=object)
    assert_guarantee(name, s, PARSERS[name](s))


@pytest.mark.parametrize("name", list(PARSERS))
@settings(max_examples=60, deadline=None)
@given(cells=st.lists(cell_object, min_size=1, max_size=12))
def test_property_column_equals_cell_by_cell(name: str, cells: list[Any]) -> None:
    """Factorising the column changes nothing: each cell parses as it would alone."""
    s = pd.Series(cells, dtype=object)
    whole = PARSERS[name](s)
    for i in range(len(s)):
        alone = PARSERS[name](s.iloc[i:i + 1])
        a, b = whole.values.iloc[i], alone.values.iloc[0]
        assert (pd.isna(a) and pd.isna(b)) or a == b, (s.iloc[i], a, b)
        ra, rb = whole.reason.iloc[i], alone.reason.iloc[0]
        assert (pd.isna(ra) and pd.isna(rb)) or ra == rb, (s.iloc[i], ra, rb)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=-(10 ** 15), max_value=10 ** 15), grouped=st.booleans(), full_width=st.booleans())
def test_property_int_round_trip(n: int, grouped: bool, full_width: bool) -> None:
    text = f"{n:,}" if grouped else str(n)
    if full_width:
        text = text.translate(FW)
    assert one(parse_int, text)[:2] == (n, None)
    assert one(parse_int, float(n) if abs(n) < 2 ** 53 else n)[:2] == (n, None)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False), full_width=st.booleans())
def test_property_float_round_trip(x: float, full_width: bool) -> None:
    text = repr(x)
    if full_width:
        text = text.translate(FW)
    assert one(parse_float, text)[:2] == (x, None)
    assert one(parse_float, x)[:2] == (x, None)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10 ** 9), cents=st.integers(min_value=0, max_value=99))
def test_property_money_units(n: int, cents: int) -> None:
    amount = f"{n}.{cents:02d}"
    got = parse_money(pd.Series([f"{amount}万元", f"{amount}亿", f"{n:,}元", f"￥{n:,}万"])).values.tolist()
    assert got[0] == float(amount)
    assert got[1] == float(f"{amount}e4")
    assert got[2] == float(f"{n}e-4")
    assert got[3] == float(n)


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2199, 12, 31)),
       fmt=st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%dT%H:%M:%S"]))
def test_property_date_round_trip(d: dt.date, fmt: str) -> None:
    text = d.strftime(fmt)
    assert one(parse_date, text)[:2] == (pd.Timestamp(d), None)
    assert one(parse_date, text.translate(FW))[:2] == (pd.Timestamp(d), None)
    assert one(parse_date, d)[:2] == (pd.Timestamp(d), None)
    if dt.date(1954, 10, 3) <= d <= dt.date(2119, 1, 11):
        serial = (d - dt.date(1899, 12, 30)).days
        assert one(parse_date, serial)[:2] == (pd.Timestamp(d), None)
        assert one(parse_date, str(serial))[:2] == (pd.Timestamp(d), None)


# ---------------------------------------------------------------------------
# Speed (guards against a per-row Python loop creeping in)
# ---------------------------------------------------------------------------


def test_large_columns_keep_the_guarantee() -> None:
    """At scale every non-blank cell still has a value or a reason (timings live in bench/, not here)."""
    rng = np.random.default_rng(0)
    n = 200_000
    columns = {
        "int": pd.Series(rng.integers(0, 10 ** 6, n).astype(str), dtype="str"),
        "float": pd.Series(np.round(rng.normal(100, 30, n), 3).astype(str), dtype="str"),
        "money": pd.Series(np.char.add(rng.integers(0, 10 ** 6, n).astype(str), "万元"), dtype="str"),
        "date": pd.Series(pd.date_range("1990-01-01", periods=20000).strftime("%Y年%m月%d日")
                          .to_numpy()[rng.integers(0, 20000, n)], dtype="str"),
        "bool": pd.Series(np.array(["是", "否", "Y", "n", ""])[rng.integers(0, 5, n)], dtype="str"),
        "enum": pd.Series(np.array(["未解决", "整改中", "已解决", "x"])[rng.integers(0, 4, n)], dtype="str"),
        "text": pd.Series(np.char.add("企业", np.arange(n).astype(str)), dtype="str"),
        "id": pd.Series(np.arange(n, dtype=float), dtype=object),
    }
    for name, s in columns.items():
        p = PARSERS[name](s)
        blank = is_blank(s)
        assert not (~blank & p.values.isna().to_numpy() & p.reason.isna().to_numpy()).any(), name
        assert p.values.notna().sum() > 0
