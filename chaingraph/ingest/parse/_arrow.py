"""Vectorised text helpers of the cell parsers: pyarrow compute kernels over text arrays (RE2 syntax).

Stripping, full-width folding, regex matching, quoting a cell in a message.

Example
-------
>>> _strip(pa.array(["\u3000a "], pa.large_string())).to_pylist()
['a']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chaingraph.ingest.parse._base import _FOLD, _NEEDS_FOLD, _SHOW, _WS


def _strip(a: pa.Array) -> pa.Array:
    return pc.utf8_trim(a, characters=_WS)


def _normalise(stripped: pa.Array) -> pa.Array:
    """Fold full-width characters (only in the few cells that have any) and lower-case."""
    if len(stripped):
        need = pc.invert(pc.string_is_ascii(stripped))
        if pc.any(need).as_py():
            need = pc.and_(need, pc.match_substring_regex(stripped, _NEEDS_FOLD))
            if pc.any(need).as_py():
                folded = [x.translate(_FOLD).strip(_WS) for x in pc.filter(stripped, need).to_pylist()]
                stripped = pc.replace_with_mask(stripped, need, pa.array(folded, type=stripped.type))
    return pc.utf8_lower(stripped)


def _np(mask: pa.Array) -> np.ndarray:
    """Boolean pyarrow array to numpy (nulls are False)."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _match(a: pa.Array, pattern: str) -> np.ndarray:
    return _np(pc.match_substring_regex(a, pattern)) if len(a) else np.zeros(0, dtype=bool)


def _join(*parts: str | pa.Array) -> pa.Array:
    """Vectorised concatenation of text arrays and constants."""
    args = [pa.scalar(x, pa.large_string()) if isinstance(x, str) else pc.cast(x, pa.large_string()) for x in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", pa.large_string()))


def _show(a: pa.Array) -> pa.Array:
    """Cell text as quoted in a message, cut to a readable length."""
    long = pc.greater(pc.utf8_length(a), _SHOW)
    return pc.if_else(long, _join(pc.utf8_slice_codeunits(a, 0, _SHOW), "…"), a)


def _show1(text: str) -> str:
    return text if len(text) <= _SHOW else text[:_SHOW] + "…"


def _say(shown: pa.Array, tail: str | pa.Array) -> pa.Array:
    """Vectorised ``"'<cell>' <tail>"``."""
    return _join("'", shown, "' ", tail)


def _field(res: pa.StructArray, name: str) -> pa.Array:
    """A named group of an ``extract_regex`` result; all ``""`` if the pattern has no such group."""
    if res.type.get_field_index(name) < 0:
        return pa.array([""], pa.large_string()).take(pa.array(np.zeros(len(res), dtype=np.int64)))
    return res.field(name)


def _ints(a: pa.Array, default: int) -> np.ndarray:
    """Digit strings (``""`` -> ``default``) to int64."""
    filled = pc.if_else(pc.equal(a, ""), pa.scalar(str(default), a.type), a)
    return np.asarray(pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
