"""Closed sets of values: yes/no cells (:func:`parse_bool`) and enumerations (:func:`parse_enum`).

Example
-------
>>> parse_bool(pd.Series(["是", "N"])).values.tolist()
[True, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph import model
from chaingraph.ingest.parse._accumulate import _Acc, _finish, _prepare
from chaingraph.ingest.parse._arrow import _np, _say, _show
from chaingraph.ingest.parse._base import BOOL_INVALID, ENUM_INVALID, Parsed, _fold
from chaingraph.ingest.parse._factorise import _cells
from chaingraph.ingest.parse._rendering import _texts

_BOOL_KEYS = pa.array([_fold(t) for t in model.BOOL_TRUE] + [_fold(f) for f in model.BOOL_FALSE] + ["1.0", "0.0"],
                      type=pa.large_string())
_BOOL_VALS = np.array([True] * len(model.BOOL_TRUE) + [False] * len(model.BOOL_FALSE) + [True, False])


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
