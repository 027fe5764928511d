"""Key columns hashed: factorisations, foreign-key lookups and duplicate keys, vectorised.

Text columns are hashed in Arrow; :func:`_duplicated_key` packs the factorised key columns into one
integer so a sort finds the repeated keys.

Example
-------
>>> codes, uniques = factorize(pd.Series(["b", None, "b", "a"], dtype="str"))
>>> _duplicated_key([(codes, len(uniques))]).tolist()
[True, False, True, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def factorize(values: pd.Series) -> tuple[np.ndarray, object]:
    """Codes (-1 for a missing value) and distinct values of a column, like :func:`pandas.factorize`.

    Text columns are dictionary-encoded in Arrow in one pass, without Python objects; the codes
    group rows exactly as pandas does (equal strings, all missing values together), only the
    numbering of the distinct values may differ. Other columns go through pandas.

    Returns
    -------
    codes : numpy.ndarray
        One integer per row.
    uniques : pyarrow.Array or array-like
        The distinct values, ``uniques[codes[i]]`` is row ``i``'s value.

    Example
    -------
    >>> codes, uniques = factorize(pd.Series(["b", None, "b", "a"], dtype="str"))
    >>> codes.tolist(), list(uniques.to_pylist())
    ([0, -1, 0, 1], ['b', 'a'])
    """
    if isinstance(values.dtype, pd.StringDtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        from chaingraph.ingest.arrays import arrow_text as _arrow_text

        try:
            arr = _arrow_text(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            arr = None
        if arr is not None:
            enc = pc.dictionary_encode(arr)
            if isinstance(enc, pa.ChunkedArray):
                if enc.num_chunks == 0:
                    return np.zeros(0, dtype=np.int32), pa.array([], type=arr.type)
                # one hash table runs over all chunks: every chunk's indices refer to the last
                # chunk's dictionary (earlier chunks' dictionaries are prefixes of it)
                uniques = enc.chunk(enc.num_chunks - 1).dictionary
                indices = pa.chunked_array([c.indices for c in enc.chunks], type=enc.type.index_type)
            else:
                uniques, indices = enc.dictionary, enc.indices
            return pc.fill_null(indices, -1).to_numpy(), uniques
    labels, uniques = pd.factorize(values, use_na_sentinel=True)
    return labels, uniques


def _lookup_uniques(uniques: object, targets: pd.Series):
    """Row in ``targets`` (first match) of each distinct value, null when absent (an Arrow array)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from chaingraph.ingest.arrays import arrow_text as _arrow_text

    u = uniques if isinstance(uniques, (pa.Array, pa.ChunkedArray)) else _arrow_text(pd.Series(uniques))
    if u.type != pa.large_string():
        u = pc.cast(u, pa.large_string())
    return pc.index_in(u, value_set=_arrow_text(targets))


def _lookup(labels: np.ndarray, found) -> np.ndarray:
    """Each row's target row from its code and :func:`_lookup_uniques`; -1 when absent or missing."""
    found = found.fill_null(-1).to_numpy(zero_copy_only=False)
    return np.append(found.astype(np.int32), np.int32(-1))[labels]  # code -1 (missing) reads the appended -1


def _duplicated_key(cols: list[tuple[np.ndarray, int]]) -> np.ndarray | None:
    """``DataFrame.duplicated(subset=key, keep=False)`` from the key columns' factorisations.

    Each column's codes (-1 for missing, lifted to 0) are packed into one int64 (mixed radix), as
    pandas does itself; a sort of that integer column finds the values that repeat (a vectorised
    sort of 10M integers is several times faster than pandas' hash-based ``duplicated``). None when
    the codes do not fit in 63 bits together (the caller then asks pandas).
    """
    width = 1
    for _, n in cols:
        width *= n + 1
    if width >= 2**63:
        return None
    packed = cols[0][0].astype(np.int64) + 1
    for labels, n in cols[1:]:
        packed *= n + 1
        packed += labels
        packed += 1
    ordered = np.sort(packed)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):
        return np.zeros(len(packed), dtype=bool)
    return pd.Series(packed, copy=False).isin(np.unique(repeated)).to_numpy(dtype=bool)
