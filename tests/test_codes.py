"""Tests of chaingraph.ingest.codes: USCC (GB 32100-2015) and organisation-code (GB 11714) checks.

python-stdnum's ``stdnum.cn.uscc`` is the oracle for the USCC check character;
organisation-code check digits are computed by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from chaingraph.ingest.codes import USCC_CHARSET, check_uscc, make_uscc, org_check_char, uscc_check_char
from chaingraph.reasons import REASONS

DIGITS = "0123456789"
VALID = "91110000600037341L"  # python-stdnum's documented valid example


def org_ref(body8: str) -> str:
    """Independent GB 11714 reference: digits 0-9, letters A=10 ... Z=35, weights 3 7 9 10 5 8 4 2."""
    values = [int(c, 36) for c in body8]  # int("A", 36) == 10 ... int("Z", 36) == 35
    c = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def reasons(values: list) -> list:
    return check_uscc(pd.Series(values))["reason"].tolist()


# ---------------------------------------------------------------- scalar helpers

def test_charset_is_the_31_gb32100_characters() -> None:
    assert len(USCC_CHARSET) == 31
    assert not set("IOSVZ") & set(USCC_CHARSET)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # 6*3 + 0*7 + 0*9 + 0*10 + 3*5 + 7*8 + 3*4 + 4*2 = 18+15+56+12+8 = 109; 109 % 11 = 10; 11-10 = 1
        ("60003734", "1"),
        # D=13: 13*3 + 2*7 + 1*9 + 4*10 + 3*5 + 5*8 + 6*4 + 9*2 = 39+14+9+40+15+40+24+18 = 199;
        # 199 % 11 = 1; 11-1 = 10 -> X  (the textbook example D2143569-X)
        ("D2143569", "X"),
        # all zero: sum 0; 11-0 = 11 -> 0
        ("00000000", "0"),
        # 6*2 = 12; 12 % 11 = 1; 11-1 = 10 -> X
        ("00000006", "X"),
        # A=10: 10*3 = 30; 30 % 11 = 8; 11-8 = 3
        ("A0000000", "3"),
        # M=22, A=10, B=11, C=12, D=13: 66+70+18+110+15+96+16+26 = 417; 417 % 11 = 10; 11-10 = 1
        ("MA2B3C4D", "1"),
    ],
)
def test_org_check_char_hand_computed(body: str, expected: str) -> None:
    assert org_ref(body) == expected  # the reference agrees with the hand computation
    assert org_check_char(body) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_org_check_char_agrees_with_reference(body: str) -> None:
    assert org_check_char(body) == org_ref(body)


@pytest.mark.parametrize("bad", ["6000373", "600037341", "6000373a", "600037-4"])
def test_org_check_char_rejects_bad_bodies(bad: str) -> None:
    with pytest.raises(ValueError):
        org_check_char(bad)


def test_uscc_check_char_matches_stdnum_example() -> None:
    assert uscc_check_char(VALID[:17]) == "L"


@pytest.mark.parametrize("bad", ["9111000060003734", "911100006000373411", "9111000060003734I"])
def test_uscc_check_char_rejects_bad_bodies(bad: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(bad)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_uscc_check_char_agrees_with_stdnum(body: str) -> None:
    assert uscc_check_char(body) == stdnum_uscc.calc_check_digit(body)


def test_make_uscc_builds_valid_codes() -> None:
    code = make_uscc("110000", "60003734")
    assert code == VALID
    assert stdnum_uscc.is_valid(make_uscc("330502", "MA2B3C4D"))
    other = make_uscc("330502", "MA2B3C4D", authority="Y", entity_type="2")
    assert other.startswith("Y2330502MA2B3C4D1")
    assert other[17] == stdnum_uscc.calc_check_digit(other)
    assert check_uscc(pd.Series([code, other]))["reason"].tolist() == [None, None]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("33050", "MA2B3C4D"), {}),
        (("33050A", "MA2B3C4D"), {}),
        (("330502", "MA2B3C4"), {}),
        (("330502", "MA2B3C4I"), {}),  # I is not in the USCC charset
        (("330502", "MA2B3C4D"), {"authority": "99"}),
        (("330502", "MA2B3C4D"), {"entity_type": "O"}),
    ],
)
def test_make_uscc_rejects_bad_parts(args: tuple, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        make_uscc(*args, **kwargs)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=DIGITS, min_size=6, max_size=6), st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8))
def test_make_uscc_always_valid(region: str, body: str) -> None:
    code = make_uscc(region, body)
    assert stdnum_uscc.is_valid(code)
    assert check_uscc(pd.Series([code]))["reason"].iloc[0] is None


# ---------------------------------------------------------------- vectorised check

def test_valid_code_and_normalisation() -> None:
    r = check_uscc(pd.Series([VALID, " 91110000600037341l ", "9111-0000-6000-3734-1L", "91 110000 600037341L",
                              "９１１１００００６０００３７３４１Ｌ"]))
    assert r["uscc"].tolist() == [VALID] * 5
    assert r["reason"].tolist() == [None] * 5
    assert r["message"].tolist() == [None] * 5


@pytest.mark.parametrize("clean_rows", [0, 1, 50])
def test_separators_removed_whether_few_or_many_rows_have_them(clean_rows: int) -> None:
    values = [VALID] * clean_rows + ["9111 0000 6000 3734 1L", "9133 0502-MA2B-3C4D-1", "91-350100-M0001TGQXM"]
    r = check_uscc(pd.Series(values))
    assert r["uscc"].tolist()[clean_rows:] == [VALID, "91330502MA2B3C4D1", "91350100M0001TGQXM"]
    assert r["reason"].tolist() == [None] * clean_rows + [None, "uscc_malformed", "uscc_check"]


def test_blank_cells_are_not_flagged() -> None:
    r = check_uscc(pd.Series([None, np.nan, "", "   "], dtype=object))
    assert r["uscc"].isna().all()
    assert r["reason"].tolist() == [None] * 4


def test_result_keeps_index_and_columns() -> None:
    values = pd.Series([VALID, "x"], index=[10, 20])
    r = check_uscc(values)
    assert list(r.columns) == ["uscc", "reason", "message"]
    assert r.index.tolist() == [10, 20]
    assert r.loc[20, "reason"] == "uscc_malformed"


def test_reason_codes_exist_in_reasons_module() -> None:
    for code in ("uscc_malformed", "uscc_scientific", "uscc_truncated", "uscc_check", "uscc_org_check"):
        assert code in REASONS
    assert REASONS["uscc_check"].severity == "warning"
    assert REASONS["uscc_org_check"].severity == "warning"


@pytest.mark.parametrize(
    "value",
    [
        "9111000060003734",  # too short
        "91110000600037341LL",  # too long
        "91110000600037341I",  # I is not in the charset
        "91110000600037341O",
        "9111A000600037341L",  # region part not digits
        "91110000600037341Ł",  # non-ASCII
        "统一社会信用代码",
    ],
)
def test_malformed(value: str) -> None:
    r = check_uscc(pd.Series([value]))
    assert r["reason"].iloc[0] == "uscc_malformed"
    assert value.strip().upper() in r["message"].iloc[0] or "credit code" in r["message"].iloc[0]


@pytest.mark.parametrize("value", ["9.13305E+17", "9.13305E17", "9.13305e+17", "9.1330502123E+17", "9E+17"])
def test_scientific_notation_text(value: str) -> None:
    r = check_uscc(pd.Series([value]))
    assert r["reason"].iloc[0] == "uscc_scientific"
    assert "scientific" in r["message"].iloc[0]


def test_scientific_notation_numbers() -> None:
    # What a spreadsheet reader hands over when the cell became a number.
    r = check_uscc(pd.Series([9.13305e17, 9.13305021234567e17]))
    assert r["reason"].tolist() == ["uscc_scientific", "uscc_scientific"]


def test_truncated_by_fifteen_significant_digits() -> None:
    # 913305021234567890 as a number keeps 15 significant digits -> ...567000
    truncated = "913305021234567000"
    assert not stdnum_uscc.is_valid(truncated)
    assert reasons([truncated]) == ["uscc_truncated"]
    assert reasons([913305021234567000]) == ["uscc_truncated"]


def test_all_digit_code_ending_000_that_passes_is_fine() -> None:
    # Find a genuinely valid all-digit code ending in 000 with the oracles: it must not be called truncated.
    code = next(
        body + "0"
        for body in (f"91330502{n:07d}00" for n in range(100_000))
        if stdnum_uscc.calc_check_digit(body) == "0" and org_ref(body[8:16]) == "0"
    )
    assert stdnum_uscc.is_valid(code) and code.endswith("000")
    assert reasons([code]) == [None]


def test_wrong_check_character_is_a_warning() -> None:
    r = check_uscc(pd.Series(["91110000600037341X"]))
    assert r["reason"].iloc[0] == "uscc_check"
    assert "expects L" in r["message"].iloc[0]
    assert REASONS[r["reason"].iloc[0]].severity == "warning"


def test_genuine_early_code_gets_check_warning() -> None:
    # A genuine early code that fails the GB 32100 check character.
    assert not stdnum_uscc.is_valid("91350100M0001TGQXM")
    r = check_uscc(pd.Series(["91350100M0001TGQXM"]))
    assert r["reason"].iloc[0] == "uscc_check"
    assert r["uscc"].iloc[0] == "91350100M0001TGQXM"


def test_org_check_only() -> None:
    # Org body 60003734 has check digit 1 (see above); put 2 there and fix the USCC check with the oracle.
    body17 = "91110000600037342"
    code = body17 + stdnum_uscc.calc_check_digit(body17)
    assert stdnum_uscc.is_valid(code)
    r = check_uscc(pd.Series([code]))
    assert r["reason"].iloc[0] == "uscc_org_check"
    assert "check digit 2" in r["message"].iloc[0] and "expects 1" in r["message"].iloc[0]


def test_both_checks_wrong_reports_uscc_check() -> None:
    # Org check wrong (2 instead of 1) and USCC check wrong too.
    body17 = "91110000600037342"
    wrong = next(c for c in USCC_CHARSET if c != stdnum_uscc.calc_check_digit(body17))
    assert reasons([body17 + wrong]) == ["uscc_check"]


def test_mixed_column_order_preserved() -> None:
    values = ["9.13305E+17", VALID, None, "91350100M0001TGQXM", "abc", "913305021234567000", " " + VALID.lower()]
    assert reasons(values) == ["uscc_scientific", None, None, "uscc_check", "uscc_malformed", "uscc_truncated", None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="0123456789ABY", min_size=2, max_size=2),
                          st.text(alphabet=DIGITS, min_size=6, max_size=6),
                          st.text(alphabet=USCC_CHARSET, min_size=10, max_size=10)),
                min_size=1, max_size=40))
def test_vectorised_check_agrees_with_stdnum(parts: list[tuple[str, str, str]]) -> None:
    codes = [a + r + rest for a, r, rest in parts]
    r = check_uscc(pd.Series(codes))
    for code, reason in zip(codes, r["reason"], strict=True):
        uscc_ok = stdnum_uscc.calc_check_digit(code[:17]) == code[17]
        org_ok = org_ref(code[8:16]) == code[16]
        if uscc_ok:
            assert reason == (None if org_ok else "uscc_org_check")
        elif code.isdigit() and code.endswith("000"):
            assert reason == "uscc_truncated"
        else:
            assert reason == "uscc_check"


def test_one_million_rows() -> None:
    """A million codes in one call (vectorised path); its speed is measured in bench/, not asserted here."""
    rng = np.random.default_rng(7)
    base = [make_uscc(f"{rng.integers(110000, 660000):06d}", "".join(rng.choice(list(USCC_CHARSET), 8)))
            for _ in range(2000)]
    values = pd.Series(rng.choice(base, 1_000_000))
    values.iloc[::1000] = "9.13305E+17"
    r = check_uscc(values)
    assert (r["reason"] == "uscc_scientific").sum() == 1000
    assert r["reason"].isna().sum() == 999_000
