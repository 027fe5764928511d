"""Key positions and the canonical row order of the graph's tables, computed fast at build time.

Endpoint keys are looked up as integer row positions (hashed in Arrow, or moved through a sort
from the rows validation found), rows are put in key order (:func:`sort_order`, :func:`take_rows`)
and region codes parsed to numbers; :func:`index_tables` does all of it for :class:`ChainGraph`.

Example
-------
>>> positions(pd.Series(["b", "x"]), pd.Series(["a", "b"])).tolist()
[1, -1]
>>> sort_order([np.array([1, 0, 1]), np.array([5, 7, 3])]).tolist()
[1, 2, 0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chaingraph.ingest.arrays import arrow_text, parallel_map
from chaingraph.model import FIRM, TABLES

# relationship table -> [(endpoint column, target table, target key, position column)]
_ENDPOINTS: dict[str, list[tuple[str, str, str, str]]] = {
    "segments": [("chain_id", "chains", "id", "_chain")],
    "segment_flows": [("from_segment", "segments", "id", "_src"), ("to_segment", "segments", "id", "_dst")],
    "operates_in": [(FIRM, "enterprises", "id", "_ent"), ("segment_id", "segments", "id", "_seg")],
    "supplies": [("supplier_id", "enterprises", "id", "_src"), ("customer_id", "enterprises", "id", "_dst")],
    "leaders": [(FIRM, "enterprises", "id", "_ent"), ("chain_id", "chains", "id", "_chain")],
    "observations": [(FIRM, "enterprises", "id", "_ent"), ("problem_id", "problems", "id", "_prob")],
    "measurements": [(FIRM, "enterprises", "id", "_ent"), ("benchmark_id", "benchmarks", "id", "_bench")],
    "certifications": [(FIRM, "enterprises", "id", "_ent"), ("body_id", "cert_bodies", "id", "_body")],
    "assistance": [(FIRM, "enterprises", "id", "_ent"), ("body_id", "cert_bodies", "id", "_body")],
}


def positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Row position of each value in ``keys`` (-1 when absent), hashed in Arrow.

    Example
    -------
    >>> positions(pd.Series(["b", "x"]), pd.Series(["a", "b"])).tolist()
    [1, -1]
    """
    import pyarrow.compute as pc

    if len(values) == 0:
        return np.zeros(0, dtype=np.int32)
    found = pc.index_in(arrow_text(values), value_set=arrow_text(keys))
    return found.fill_null(-1).to_numpy().astype(np.int32, copy=False)


def _moved_positions(known: np.ndarray | None, new_row: np.ndarray, values: pd.Series,
                     keys: pd.Series) -> np.ndarray | None:
    """Positions of ``values`` in the sorted ``keys``, from the rows they referenced before the sort.

    ``known`` holds, for the first ``len(known)`` values, the row of the unsorted target (-1 for
    none); rows appended after them (derived rows) are looked up. ``new_row[i]`` is the sorted row
    of original row ``i``, and its last item is -1 (so -1 stays -1). None when ``known`` cannot be
    theirs (too long, rows out of range, or a sampled row whose key differs): the caller then looks
    all values up.
    """
    if known is None or len(known) > len(values):
        return None
    known = np.asarray(known)
    if len(known) and (int(known.max()) >= len(new_row) - 1 or int(known.min()) < -1):
        return None
    out = new_row[known]
    # a cheap guard against references that do not belong to these tables
    sample = np.unique(np.linspace(0, len(out) - 1, num=min(len(out), 2048)).astype(np.int64))
    hit = sample[out[sample] >= 0]
    if len(hit) and not np.array_equal(keys.take(out[hit]).to_numpy(dtype=object),
                                       values.take(hit).to_numpy(dtype=object)):
        return None
    if len(out) < len(values):
        out = np.concatenate([out, positions(values.iloc[len(out):], keys)])
    return out


def _sort_codes(values: pd.Series) -> np.ndarray:
    """Integer codes that sort like the values (missing values first)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy(dtype="datetime64[s]").astype(np.int64)
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        # pandas' factorize(sort=True) with Arrow: encode, rank the distinct values (by UTF-8 bytes, as
        # pandas sorts Arrow text), read each row's rank; about three times faster on 10M rows
        import pyarrow as pa
        import pyarrow.compute as pc

        enc = pc.dictionary_encode(pa.array(values.array))
        if isinstance(enc, pa.ChunkedArray):
            if enc.num_chunks == 0:
                return np.zeros(0, dtype=np.int64)
            dictionary = enc.chunk(enc.num_chunks - 1).dictionary  # one hash table over all chunks
            indices = pa.chunked_array([c.indices for c in enc.chunks], type=enc.type.index_type)
        else:
            dictionary, indices = enc.dictionary, enc.indices
        rank = np.empty(len(dictionary) + 1, dtype=np.int64)
        rank[pc.array_sort_indices(dictionary).to_numpy()] = np.arange(len(dictionary))
        rank[-1] = -1  # missing
        return rank[pc.fill_null(indices, -1).to_numpy()]
    codes, _ = pd.factorize(values, sort=True, use_na_sentinel=True)
    return codes


def _ranks(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Sort codes mapped to ``0 .. n-1`` in the same order (a new int64 array), and ``n``.

    Missing values (NaT, the int64 minimum) get rank 0. Codes with a wide range (dates in
    seconds) are divided by the greatest common divisor of their distances from the minimum
    (86,400 for dates at midnight), which keeps their order and makes ``n`` small.
    """
    codes = np.asarray(codes)
    if not len(codes):
        return codes.astype(np.int64), 1
    lo, hi = int(codes.min()), int(codes.max())
    nat = np.iinfo(np.int64).min
    if lo == nat:
        if hi == nat:
            return np.zeros(len(codes), dtype=np.int64), 1
        real = codes != nat
        lo = int(np.min(codes, where=real, initial=hi))
        out = codes - lo
        out[~real] = 0
    else:
        real = None
        out = codes.astype(np.int64)
        out -= lo
    size = hi - lo + 1
    if size > 1 << 16:
        step = int(np.gcd.reduce(out if real is None else out[real]))
        if step > 1:
            out //= step
            size = (hi - lo) // step + 1
    if real is not None:  # NaT first
        out += 1
        out[~real] = 0
        size += 1
    return out, size


def sort_order(keys: list[np.ndarray]) -> np.ndarray | None:
    """The stable order of rows by ``keys`` (most significant first), or None when they are already in it.

    The same order as ``np.lexsort(keys[::-1])``, computed faster. Each key is mapped to ranks
    ``0 .. n-1``; consecutive keys are packed into one unsigned 64-bit word (mixed radix) together with
    the row's place (``word * rows + place``), so a plain vectorised sort of the words, which is many
    times faster than an argsort, yields the order, and ties keep their place: a stable sort. When the
    keys do not fit one word they are sorted word by word from the least significant (a stable
    radix sort on words). A single key too wide for any word falls back to lexsort.

    Parameters
    ----------
    keys : list of numpy.ndarray
        Integer sort codes of equal length (e.g. from :func:`_sort_codes` or row positions).

    Returns
    -------
    numpy.ndarray or None

    Example
    -------
    >>> sort_order([np.array([1, 0, 1]), np.array([5, 7, 3])]).tolist()
    [1, 2, 0]
    """
    n = len(keys[0]) if keys else 0
    if n < 2:
        return None
    ranked = [_ranks(k) for k in keys]
    limit = (2**64 - 1) // n  # a word (of key ranks) times n plus a place below n must fit 64 bits
    words: list[list[tuple[np.ndarray, int]]] = [[]]
    width = 1
    for codes, size in ranked:
        if size > limit:
            order = np.lexsort([np.asarray(k) for k in reversed(keys)])
            return None if bool((order[1:] > order[:-1]).all()) else order
        if width * size > limit:
            words.append([])
            width = 1
        words[-1].append((codes, size))
        width *= size
    order: np.ndarray | None = None
    place = np.arange(n, dtype=np.uint64)
    for word in reversed(words):
        packed = word[0][0].view(np.uint64)  # ranks are fresh non-negative int64 arrays: packed in place
        for codes, size in word[1:]:
            packed *= np.uint64(size)
            packed += codes.view(np.uint64)
        if order is not None:
            packed = packed[order]
        packed *= np.uint64(n)
        packed += place
        packed.sort()
        step = (packed % np.uint64(n)).view(np.int64)
        order = step if order is None else order[step]
    if bool((order == place.view(np.int64)).all()):
        return None  # already in order (e.g. rows written in canonical order): no copy
    return order


def take_rows(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[order].reset_index(drop=True)``, faster.

    Column by column: Arrow text columns with Arrow's take (pandas' own take of the same columns
    is slower), the others with their array's take, on two threads (see :func:`parallel_map`).

    Example
    -------
    >>> take_rows(pd.DataFrame({"a": ["x", "y"]}, dtype="str"), np.array([1, 0]))["a"].tolist()
    ['y', 'x']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    order = np.asarray(order, dtype=np.int64)
    if frame.columns.has_duplicates:
        return frame.iloc[order].reset_index(drop=True)
    idx = pa.array(order)

    names = list(frame.columns)
    arrays = [frame[name].array for name in names]  # columns picked here: the threads only read them
    text = [i for i, a in enumerate(arrays) if isinstance(a.dtype, pd.StringDtype) and a.dtype.storage == "pyarrow"]
    # only Arrow's takes go to threads: their memory comes from Arrow's pool; numpy's would spread over
    # per-thread malloc arenas, which keep it after it is freed
    taken = parallel_map(lambda a: pc.take(pa.array(a), idx), [arrays[i] for i in text],
                         work=len(order) * len(text))
    out = {name: arr.take(order) for name, arr in zip(names, arrays, strict=True)
           if not (isinstance(arr.dtype, pd.StringDtype) and arr.dtype.storage == "pyarrow")}
    for i, t in zip(text, taken, strict=True):
        out[names[i]] = type(arrays[i])(t, dtype=arrays[i].dtype)
    out = {name: out[name] for name in names}
    result = pd.DataFrame(out, columns=frame.columns, copy=False)
    result.attrs.update(frame.attrs)
    return result


def _region_numbers(codes: pd.Series) -> np.ndarray:
    """Region codes as int32 (``pd.to_numeric``), parsed by Arrow when they are all plain digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(codes):
        return np.zeros(0, dtype=np.int32)
    if isinstance(codes.dtype, pd.StringDtype) and codes.dtype.storage == "pyarrow" and not codes.hasnans:
        try:
            return pc.cast(pa.array(codes.array), pa.int32()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # anything unusual: pandas decides, as it always did
    return pd.to_numeric(codes).to_numpy(dtype=np.int32)


def index_tables(tables: dict[str, pd.DataFrame], references: dict[str, dict[str, np.ndarray]]) -> None:
    """Put every table in canonical order and add integer endpoint positions.

    Node tables are sorted by key (segments by chain, then flow order), and
    relationship tables by their endpoint positions, then the rest of their
    key. Every tie a query breaks by row order is therefore broken by key,
    whatever order the source files had — the same answer as a database.

    ``references`` (see :attr:`ValidationResult.references`) gives, for an endpoint
    column, the row of the unsorted target table each row references; they are moved
    through the target's sort instead of hashing every key again. Entries are popped
    as they are used.

    Parameters
    ----------
    tables : dict
        Table name → frame (every table of the model, with a RangeIndex); changed in place.
    references : dict
        Table name → {endpoint column → row of the unsorted target}; consumed.
    """
    t = tables
    moved: dict[str, np.ndarray] = {}  # node table -> new row of each original row (and -1 at the end)
    old_row: dict[str, np.ndarray] = {}  # node table -> original row of each new row

    def sort_nodes(name: str, frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        order = frame[by].sort_values(by, kind="stable").index.to_numpy()  # frames come with a RangeIndex
        old_row[name] = order
        new_row = np.empty(len(order) + 1, dtype=np.int32)
        new_row[order] = np.arange(len(order), dtype=np.int32)
        new_row[-1] = -1
        moved[name] = new_row
        return take_rows(frame, order)

    for name in ("chains", "problems", "benchmarks", "cert_bodies", "enterprises", "targets"):
        t[name] = sort_nodes(name, t[name], list(TABLES[name].key))
    chain_pos = pd.Index(t["chains"]["id"]).get_indexer(t["segments"]["chain_id"]) if len(t["segments"]) else []
    t["segments"] = sort_nodes("segments", t["segments"].assign(_c=chain_pos), ["_c", "order", "id"]).drop(
        columns="_c")
    for table, ends in _ENDPOINTS.items():
        df = t[table]
        known_rows = references.pop(table, {})  # let go before this table is copied in order
        for col, target, key, pos_col in ends:
            keys = t[target][key]
            known = known_rows.get(col)
            if known is not None and table in old_row:  # segments: its own rows were sorted too
                known = known[old_row[table]] if len(known) == len(df) else None
            known = _moved_positions(known, moved[target], df[col], keys)
            df[pos_col] = positions(df[col], keys) if known is None else known
        if table != "segments" and len(df) > 1:
            pos_cols = [e[3] for e in ends]
            rest = [c for c in TABLES[table].key if c not in {e[0] for e in ends}]
            order = sort_order([df[c].to_numpy() for c in pos_cols] + [_sort_codes(df[c]) for c in rest])
            t[table] = df if order is None else take_rows(df, order)
    ent = t["enterprises"]
    ent["_region"] = _region_numbers(ent["region_code"])
