"""Free text and identifiers (:func:`parse_text`, :func:`parse_id`) and the blank-cell test :func:`is_blank`.

Example
-------
>>> parse_text(pd.Series([" 童装 ", "不详"])).reason.tolist()
[nan, 'value_unknown']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.ingest.parse._accumulate import _Acc, _finish, _prepare
from chaingraph.ingest.parse._arrow import _np, _strip
from chaingraph.ingest.parse._base import NUMBER_INVALID, Parsed
from chaingraph.ingest.parse._factorise import _cells
from chaingraph.ingest.parse._rendering import _texts


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
