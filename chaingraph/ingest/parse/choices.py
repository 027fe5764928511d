"""Closed sets of values: yes/no cells (:func:`parse_bool`), enumerations (:func:`parse_enum`) and several values
of one enumeration in a cell (:func:`parse_enum_set`).

Example
-------
>>> parse_bool(pd.Series(["是", "N"])).values.tolist()
[True, False]
"""

from __future__ import annotations

import re

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


SET_SEPARATOR = "、"
"""How :func:`parse_enum_set` joins the canonical values of a cell."""
_SET_SPLIT = re.compile(r"[、;；,，/／|\n]+")


def join_enum_set(values: list[str], enum: str) -> str:
    """Canonical values of ``enum`` joined by 、 in the enumeration's order, each once.

    Raises
    ------
    KeyError
        If a value is not a canonical value of ``enum``.

    Example
    -------
    >>> join_enum_set(["cost", "awareness", "cost"], "effect")
    'awareness、cost'
    """
    order = {k: i for i, k in enumerate(model.ENUMS[enum])}
    return SET_SEPARATOR.join(sorted(set(values), key=order.__getitem__))


def parse_enum_set(s: pd.Series, enum: str) -> Parsed:
    """Parse cells holding several values of one enumeration (``质量意识提升、成本下降``).

    A cell is split on 、 ; ， , / | and line breaks (full-width forms too); each part must be a spelling
    of ``enum`` (as :func:`parse_enum`), else the cell is ``enum_invalid`` with a message naming the part and
    listing the allowed values. The value is the canonical values joined by 、 in the enumeration's order
    (:func:`join_enum_set`), so two spellings of one set compare equal.

    Parameters
    ----------
    s : pandas.Series
        Raw cells.
    enum : str
        Name of the enumeration, e.g. ``"effect"``.

    Returns
    -------
    Parsed
        ``values`` has dtype ``str``.

    Raises
    ------
    TypeError
        If ``s`` is not a Series.
    ValueError
        If ``enum`` is not a known enumeration.

    Example
    -------
    >>> parse_enum_set(pd.Series(["成本下降；质量意识提升", "成本下降、更好看"]), "effect").values.tolist()
    ['awareness、cost', nan]
    """
    if enum not in model.ENUMS:
        raise ValueError(f"unknown enumeration {enum!r}; known: {', '.join(model.ENUMS)}")
    lookup = {_fold(" ".join(k.split())): v for k, v in model.enum_lookup(enum).items()}
    allowed = "、".join(model.ENUM_ZH[enum].values())
    c = _cells(s)
    acc = _Acc(c.n)
    blank_u = np.zeros(c.n, dtype=bool)
    pos, raw = _texts(c)
    pos, stripped, _norm = _prepare(pos, raw, acc, blank_u)
    out: list[str | None] = [None] * c.n
    bad_pos, bad_msg = [], []
    for p, text in zip(pos.tolist(), stripped.to_pylist(), strict=True):
        parts = [t for t in (_fold(" ".join(x.split())) for x in _SET_SPLIT.split(text)) if t]
        unknown = [t for t in parts if t not in lookup]
        if unknown or not parts:
            bad_pos.append(p)
            bad_msg.append(f"{unknown[0] if unknown else text!r} is not an allowed {enum}; allowed: {allowed}")
        else:
            out[p] = join_enum_set([lookup[t] for t in parts], enum)
    if bad_pos:
        acc.flag(np.asarray(bad_pos, dtype=np.intp), ENUM_INVALID, bad_msg)
    valid = np.array([v is not None for v in out], dtype=bool)
    return _finish(c, pa.array(out, type=pa.large_string()), valid, acc, blank_u, ENUM_INVALID, f"{enum} values")
