"""Shared vocabulary of the cell parsers: reason codes, white space and full-width folding, :class:`Parsed`.

Every parser module builds on these constants; nothing here touches a column.

Example
-------
>>> _fold("\uff2e\uff0f\uff21 ")
'n/a'
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from chaingraph import model
from chaingraph.reasons import REASONS

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
