"""ChainGraph: the embedded property graph — typed columnar tables plus partial views.

The store is one pandas table per node label / relationship type (see
:mod:`chaingraph.model`). Relationship tables also carry integer positions of
their endpoints (columns starting with ``_``, e.g. ``observations._ent`` is the
row of the enterprise in ``enterprises``), computed once at build time and kept
in the saved store, so queries never join on 18-character strings.

networkx graphs are built on demand, and only for the part of the graph a
query needs (:meth:`ChainGraph.supply_graph`, :meth:`ChainGraph.to_networkx`
on a :class:`Scope`). A million enterprises with five million supply edges
stay tables until someone asks for a county's supply graph.

Example
-------
>>> g = ChainGraph.from_dataset("datasets/wuxing-childrenswear")  # doctest: +SKIP
>>> s = g.scope(region="吴兴区", chain="childrenswear")  # doctest: +SKIP
>>> len(s)  # doctest: +SKIP
150
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from chaingraph.errors import ScopeError, ValidationFailed
from chaingraph.ingest.arrays import arrow_text, parallel_map
from chaingraph.ingest.regions import load_regions
from chaingraph.model import ENUM_ZH, TABLES, USCC

# relationship table -> [(endpoint column, target table, target key, position column)]
_ENDPOINTS: dict[str, list[tuple[str, str, str, str]]] = {
    "segments": [("chain_id", "chains", "id", "_chain")],
    "segment_flows": [("from_segment", "segments", "id", "_src"), ("to_segment", "segments", "id", "_dst")],
    "operates_in": [(USCC, "enterprises", USCC, "_ent"), ("segment_id", "segments", "id", "_seg")],
    "supplies": [("supplier_uscc", "enterprises", USCC, "_src"), ("customer_uscc", "enterprises", USCC, "_dst")],
    "leaders": [(USCC, "enterprises", USCC, "_ent"), ("chain_id", "chains", "id", "_chain")],
    "observations": [(USCC, "enterprises", USCC, "_ent"), ("problem_id", "problems", "id", "_prob")],
    "measurements": [(USCC, "enterprises", USCC, "_ent"), ("benchmark_id", "benchmarks", "id", "_bench")],
    "certifications": [(USCC, "enterprises", USCC, "_ent"), ("body_id", "cert_bodies", "id", "_body")],
    "assistance": [(USCC, "enterprises", USCC, "_ent"), ("body_id", "cert_bodies", "id", "_body")],
}

_PREFIX = {"province": 2, "city": 4, "county": 6}


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


def match_chain(chains: pd.DataFrame, chain: str) -> str:
    """Chain id from an id or a name: exact id, exact name, then a name containing it.

    Shared by the embedded graph and the Neo4j engine (which passes its chain catalog).

    Raises
    ------
    ScopeError
        No chain, or several, match; the message lists the known chains or the candidates.

    Example
    -------
    >>> match_chain(pd.DataFrame({"id": ["kids"], "name": ["童装"]}), "童装")
    'kids'
    """
    key = str(chain).strip()
    hit = chains.loc[chains["id"] == key, "id"]
    if not len(hit):
        hit = chains.loc[chains["name"] == key, "id"]
    if not len(hit):
        hit = chains.loc[chains["name"].str.contains(key, regex=False, na=False), "id"]
    if len(hit) == 1:
        return str(hit.iloc[0])
    known = ", ".join(f"{i} ({n})" for i, n in zip(chains["id"], chains["name"], strict=True)) or "none"
    if len(hit) > 1:
        raise ScopeError(f"chain '{chain}' is ambiguous: {', '.join(hit)}")
    raise ScopeError(f"unknown chain '{chain}'; known chains: {known}")


def match_segment(segments: pd.DataFrame, segment: str, chain: str | None = None) -> str:
    """Segment id from an id or an exact name, optionally within a chain (shared by both engines).

    Raises
    ------
    ScopeError
        No segment, or several, match.

    Example
    -------
    >>> match_segment(pd.DataFrame({"id": ["dye"], "name": ["印染"], "chain_id": ["kids"]}), "印染")
    'dye'
    """
    seg = segments if chain is None else segments[segments["chain_id"] == chain]
    key = str(segment).strip()
    hit = seg.loc[(seg["id"] == key) | (seg["name"] == key), "id"]
    if len(hit) == 1:
        return str(hit.iloc[0])
    if len(hit) > 1:
        raise ScopeError(f"segment '{segment}' is ambiguous: {', '.join(hit)}; give the chain or the id")
    raise ScopeError(f"unknown segment '{segment}'; known: " + ", ".join(f"{i} ({n})" for i, n in zip(
        seg["id"], seg["name"], strict=True)))


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


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the canonical columns and dtypes of table ``name``.

    Raises
    ------
    KeyError
        If ``name`` is not a table of the model.

    Example
    -------
    >>> list(empty_table("chains").columns)
    ['id', 'name', 'industry_code']
    """
    dtypes = {"int": "Int64", "float": "float64", "money": "float64", "bool": "boolean", "date": "datetime64[s]"}
    return pd.DataFrame({f.name: pd.Series([], dtype=dtypes.get(f.type, "str")) for f in TABLES[name].fields})


@dataclass
class Scope:
    """A region × chain (× segment) slice of the graph.

    Attributes
    ----------
    region : str or None
        GB/T 2260 code; None means every region.
    chain : str or None
        Chain id; None means every chain.
    segment : str or None
        Segment id; None means every segment of the chain.
    mask : numpy.ndarray
        Boolean mask over ``graph.tables["enterprises"]`` rows.
    region_name, chain_name : str
        Display names (Chinese) for titles.
    """

    region: str | None
    chain: str | None
    segment: str | None
    mask: np.ndarray
    region_name: str = "全部区域"
    chain_name: str = "全部产业链"

    @property
    def positions(self) -> np.ndarray:
        """Row positions of the enterprises in scope."""
        return np.flatnonzero(self.mask)

    def __len__(self) -> int:
        return int(self.mask.sum())

    @property
    def title(self) -> str:
        """Chinese description, e.g. ``湖州市吴兴区 · 童装``."""
        return f"{self.region_name} · {self.chain_name}"


class ChainGraph:
    """The embedded chain-quality graph.

    Parameters
    ----------
    tables : dict
        Table name → typed frame with the model's canonical columns (as produced
        by validation). Missing tables become empty; Region rows are derived
        from the national GB/T 2260 table for every code referenced (and all
        ancestors), renamed by the dataset's own ``regions`` table if given.
    name : str
        Dataset name.
    meta : dict, optional
        Provenance (sources, encodings, validation counts, data date).
    references : dict, optional
        :attr:`ValidationResult.references` of ``tables``: the endpoint rows validation
        has found already, used instead of looking the keys up again (checked on a
        sample of rows; references that do not fit are ignored). Consumed: the entries
        of the graph's relationship tables are removed from the dict as they are used,
        which frees their memory before the big tables are copied in order.

    Raises
    ------
    ScopeError
        Never at construction; raised by :meth:`scope` for unknown names.

    Example
    -------
    >>> from chaingraph.validate import validate  # doctest: +SKIP
    >>> g = ChainGraph(validate("datasets/anping-wiremesh").tables, name="anping")  # doctest: +SKIP
    """

    def __init__(self, tables: dict[str, pd.DataFrame], *, name: str = "", meta: dict | None = None,
                 indexed: bool = False, aggregates: dict[str, pd.DataFrame] | None = None,
                 references: dict[str, dict[str, np.ndarray]] | None = None) -> None:
        self.name = name
        self.tables: dict[str, pd.DataFrame] = {}
        for t in TABLES:
            df = tables.get(t)
            self.tables[t] = (empty_table(t) if df is None else df).reset_index(drop=True)
        self.meta = dict(meta or {})
        self._aggregates: dict[str, pd.DataFrame] | None = aggregates
        if not indexed:
            self.tables["regions"] = self._region_table(self.tables["regions"])
            self.tables["segment_flows"] = self._derive_flows()
            self._index(references if references is not None else {})
        self.meta.setdefault("data_date", self._data_date())

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_dataset(cls, path: str | Path, *, strict: bool = False, allow_errors: bool = True) -> ChainGraph:
        """Validate a dataset and build its graph from the accepted rows.

        Parameters
        ----------
        path : str or pathlib.Path
        strict : bool
            Treat warnings as errors.
        allow_errors : bool
            Build from the accepted rows even when some rows were rejected.

        Returns
        -------
        ChainGraph
            With the validation result on ``.validation``.

        Raises
        ------
        DatasetError
            If the dataset cannot be read.
        ValidationFailed
            If ``allow_errors`` is False and validation found errors.

        Example
        -------
        >>> g = ChainGraph.from_dataset("datasets/wuxing-childrenswear")  # doctest: +SKIP
        """
        from chaingraph.validate.core import validate

        result = validate(path, strict=strict)
        if not allow_errors and not result.ok:
            raise ValidationFailed(f"{result.n_errors} validation errors in {path}", result)
        g = cls.from_validation(result)
        return g

    @classmethod
    def from_validation(cls, result) -> ChainGraph:
        """Build the graph from a :class:`~chaingraph.validate.ValidationResult`.

        Raises
        ------
        ValueError
            If ``result`` does not look like a validation result.

        Example
        -------
        >>> g = ChainGraph.from_validation(validate("datasets/defects"))  # doctest: +SKIP
        """
        if not hasattr(result, "tables") or not hasattr(result, "summary"):
            raise ValueError("expected a ValidationResult")
        meta = {
            "dataset": result.dataset,
            "sources": result.sources,
            "validation": result.summary.to_dict(orient="records"),
            "errors": result.n_errors,
            "warnings": result.n_warnings,
        }
        g = cls(result.tables, name=result.dataset, meta=meta, references=getattr(result, "references", None))
        if getattr(result, "references", None):
            result.references = {}  # used up: free 4 bytes per endpoint of every row instead of keeping them
        g.validation = result
        return g

    def _region_table(self, given: pd.DataFrame) -> pd.DataFrame:
        regions = load_regions()
        codes: set[str] = set()
        for t, cols in (("enterprises", ["region_code"]), ("leaders", ["region_code"]), ("regions", ["code"])):
            for c in cols:
                codes.update(self.tables[t][c].dropna().astype(str).unique())
        full: set[str] = set()
        for c in codes:
            full.add(c)
            full.update(regions.ancestors(c))
        rows = sorted(full)
        out = pd.DataFrame({
            "code": pd.Series(rows, dtype="str"),
            "name": pd.Series([regions.name(c) for c in rows], dtype="str"),
            "level": pd.Series([regions.level(c) for c in rows], dtype="str"),
            "parent": pd.Series([regions.parent(c) for c in rows], dtype="str"),
        })
        if len(given):
            names = given.dropna(subset=["name"]).set_index("code")["name"]
            out["name"] = out["code"].map(names).fillna(out["name"]).astype("str")
        return out

    def _derive_flows(self) -> pd.DataFrame:
        """FEEDS edges: as given; for a chain without any, consecutive segments by ``order``."""
        flows = self.tables["segment_flows"]
        seg = self.tables["segments"]
        if seg.empty:
            return flows
        chain_of = seg.set_index("id")["chain_id"]
        covered = set(flows["from_segment"].map(chain_of).dropna())
        todo = seg[~seg["chain_id"].isin(covered)].sort_values(["chain_id", "order", "id"])
        if todo.empty:
            return flows
        nxt = todo.groupby("chain_id")["id"].shift(-1)
        derived = pd.DataFrame({"from_segment": todo["id"], "to_segment": nxt}).dropna()
        self.meta["derived_flows"] = len(derived)
        return pd.concat([flows, derived.astype(flows.dtypes.to_dict())], ignore_index=True)

    def _index(self, references: dict[str, dict[str, np.ndarray]]) -> None:
        """Put every table in canonical order and add integer endpoint positions.

        Node tables are sorted by key (segments by chain, then flow order), and
        relationship tables by their endpoint positions, then the rest of their
        key. Every tie a query breaks by row order is therefore broken by key,
        whatever order the source files had — the same answer as a database.

        ``references`` (see :attr:`ValidationResult.references`) gives, for an endpoint
        column, the row of the unsorted target table each row references; they are moved
        through the target's sort instead of hashing every key again. Entries are popped
        as they are used.
        """
        t = self.tables
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

        for name in ("chains", "problems", "benchmarks", "cert_bodies", "enterprises"):
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

    @property
    def aggregates(self) -> dict[str, pd.DataFrame]:
        """The precomputed reductions of :mod:`chaingraph.aggregates` (built on first use, saved in the store)."""
        if self._aggregates is None:
            from chaingraph.graph.aggregates import build

            self._aggregates = build(self.tables)
        return self._aggregates

    def _data_date(self) -> str | None:
        dates = []
        for t, c in (("observations", "observed_on"), ("measurements", "measured_on"),
                     ("assistance", "started"), ("certifications", "issued")):
            s = self.tables[t][c]
            if len(s) and s.notna().any():
                dates.append(pd.Timestamp(s.max()))
        return max(dates).date().isoformat() if dates else None

    # -- scope -------------------------------------------------------------------------
    def resolve_region(self, region: str) -> str:
        """GB/T 2260 code of a region given by code or name (吴兴区, 湖州市吴兴区, 330502).

        Raises
        ------
        ScopeError
            Unknown or ambiguous name (the message lists the candidates).

        Example
        -------
        >>> g.resolve_region("吴兴区")  # doctest: +SKIP
        '330502'
        """
        return load_regions().resolve(str(region).strip())

    def resolve_chain(self, chain: str) -> str:
        """Chain id from an id or a name (``childrenswear`` or ``童装``).

        Raises
        ------
        ScopeError
            If no chain (or several) match.

        Example
        -------
        >>> g.resolve_chain("童装")  # doctest: +SKIP
        'childrenswear'
        """
        return match_chain(self.tables["chains"], chain)

    def resolve_segment(self, segment: str, chain: str | None = None) -> str:
        """Segment id from an id or a name, optionally within a chain.

        Raises
        ------
        ScopeError
            If no segment (or several) match.

        Example
        -------
        >>> g.resolve_segment("印染", "childrenswear")  # doctest: +SKIP
        """
        return match_segment(self.tables["segments"], segment, chain)

    def region_mask(self, region: str | None) -> np.ndarray:
        """Enterprises located in ``region`` or any region below it (by code).

        Raises
        ------
        ScopeError
            For an unknown region.

        Example
        -------
        >>> g.region_mask("330000").sum()  # doctest: +SKIP
        """
        n = len(self.tables["enterprises"])
        if region is None:
            return np.ones(n, dtype=bool)
        code = self.resolve_region(region)
        level = load_regions().level(code)
        div = 10 ** (6 - _PREFIX[level])
        ent_region = self.tables["enterprises"]["_region"].to_numpy()
        return (ent_region // div) == (int(code) // div)

    def chain_mask(self, chain: str | None, segment: str | None = None) -> np.ndarray:
        """Enterprises operating in ``chain`` (or in one of its segments).

        Raises
        ------
        ScopeError
            For an unknown chain or segment.

        Example
        -------
        >>> g.chain_mask("childrenswear").sum()  # doctest: +SKIP
        """
        n = len(self.tables["enterprises"])
        if chain is None and segment is None:
            return np.ones(n, dtype=bool)
        segs = self.segment_positions(chain, segment)
        ops = self.tables["operates_in"]
        hit = np.isin(ops["_seg"].to_numpy(), segs)
        mask = np.zeros(n, dtype=bool)
        mask[ops["_ent"].to_numpy()[hit]] = True
        return mask

    def segment_positions(self, chain: str | None, segment: str | None = None) -> np.ndarray:
        """Row positions in ``segments`` of a chain's segments (flow order), or of one segment.

        Raises
        ------
        ScopeError
            For an unknown chain or segment.

        Example
        -------
        >>> g.segment_positions("childrenswear")  # doctest: +SKIP
        array([0, 1, 2, 3, 4, 5])
        """
        seg = self.tables["segments"]
        if segment is not None:
            sid = self.resolve_segment(segment, self.resolve_chain(chain) if chain else None)
            return np.flatnonzero((seg["id"] == sid).to_numpy())
        if chain is None:
            return np.arange(len(seg))
        cid = self.resolve_chain(chain)
        return np.flatnonzero((seg["chain_id"] == cid).to_numpy())

    def scope(self, region: str | None = None, chain: str | None = None, segment: str | None = None) -> Scope:
        """Select the enterprises of a region × chain (× segment).

        Parameters
        ----------
        region : str, optional
            Code or name; covers every region below it (330000 covers 330502).
        chain : str, optional
            Chain id or name.
        segment : str, optional
            Segment id or name (within ``chain``).

        Returns
        -------
        Scope

        Raises
        ------
        ScopeError
            Unknown or ambiguous region, chain or segment.

        Example
        -------
        >>> s = g.scope(region="330502", chain="childrenswear")  # doctest: +SKIP
        """
        code = self.resolve_region(region) if region is not None else None
        cid = self.resolve_chain(chain) if chain is not None else None
        sid = self.resolve_segment(segment, cid) if segment is not None else None
        mask = self.region_mask(code) & self.chain_mask(cid, sid)
        regions = load_regions()
        rname = regions.full_name(code) if code else "全部区域"
        cname = "全部产业链"
        if cid:
            ch = self.tables["chains"]
            cname = str(ch.loc[ch["id"] == cid, "name"].iloc[0])
        return Scope(code, cid, sid, mask, rname, cname)

    # -- views ---------------------------------------------------------------------------
    def enterprises(self, scope: Scope | None = None) -> pd.DataFrame:
        """The enterprises table, restricted to a scope.

        Raises
        ------
        ValueError
            If the scope was made for another graph (mask length differs).

        Example
        -------
        >>> g.enterprises(g.scope(region="吴兴区")).head()  # doctest: +SKIP
        """
        ent = self.tables["enterprises"]
        if scope is None:
            return ent
        if len(scope.mask) != len(ent):
            raise ValueError("scope belongs to another graph")
        return ent.iloc[scope.positions]

    def supply_edges(self, scope: Scope | None = None, *, hops: int = 0) -> pd.DataFrame:
        """Supply edges among the scope's enterprises, or reaching ``hops`` steps beyond it.

        Parameters
        ----------
        scope : Scope, optional
        hops : int
            0: both ends in scope. k > 0: also edges within k supply steps of
            the scope, in either direction.

        Returns
        -------
        pandas.DataFrame
            Rows of ``supplies`` (with ``_src`` / ``_dst`` positions).

        Raises
        ------
        ValueError
            If ``hops`` is negative.

        Example
        -------
        >>> g.supply_edges(s).shape  # doctest: +SKIP
        """
        if hops < 0:
            raise ValueError("hops must be >= 0")
        sup = self.tables["supplies"]
        if scope is None:
            return sup
        src, dst = sup["_src"].to_numpy(), sup["_dst"].to_numpy()
        inside = scope.mask.copy()
        keep = inside[src] & inside[dst]
        for _ in range(hops):
            touch = inside[src] | inside[dst]
            inside = inside.copy()
            inside[src[touch]] = True
            inside[dst[touch]] = True
            keep = inside[src] & inside[dst]
        return sup.iloc[np.flatnonzero(keep)]

    def supply_graph(self, scope: Scope | None = None, *, hops: int = 0) -> nx.DiGraph:
        """A networkx DiGraph of supply edges (supplier → customer) for a scope.

        Nodes are enterprise row positions (ints) with ``uscc``, ``name``,
        ``size`` attributes; every enterprise of the scope is a node even
        without edges. Parallel edges (several products) are collapsed, with
        ``products`` counting them and ``value`` summed.

        Raises
        ------
        ValueError
            If ``hops`` is negative.

        Example
        -------
        >>> G = g.supply_graph(g.scope(region="吴兴区", chain="童装"))  # doctest: +SKIP
        """
        edges = self.supply_edges(scope, hops=hops)
        agg = (edges.groupby(["_src", "_dst"], sort=False)
               .agg(products=("_src", "size"), value=("value", "sum")).reset_index())
        G = nx.DiGraph()
        ent = self.tables["enterprises"]
        nodes = np.union1d(scope.positions if scope is not None else np.arange(len(ent)),
                           np.union1d(agg["_src"].to_numpy(), agg["_dst"].to_numpy()))
        sub = ent.iloc[nodes]
        G.add_nodes_from(zip(nodes.tolist(), ({"uscc": u, "name": n, "size": s} for u, n, s in zip(
            sub["uscc"], sub["name"], sub["size"], strict=True)), strict=True))
        G.add_edges_from(zip(agg["_src"].tolist(), agg["_dst"].tolist(),
                             ({"products": int(p), "value": float(v)} for p, v in zip(
                                 agg["products"], agg["value"], strict=True)), strict=True))
        return G

    def to_networkx(self, scope: Scope | None = None) -> nx.MultiDiGraph:
        """The property graph of a scope as a networkx MultiDiGraph (for small scopes and export).

        Node keys are ``"Label:key"`` strings (``Enterprise:9133…``); every node
        has a ``label`` attribute and its properties; every edge a ``type``.

        Raises
        ------
        ValueError
            If the scope was made for another graph.

        Example
        -------
        >>> G = g.to_networkx(g.scope(region="吴兴区"))  # doctest: +SKIP
        """
        t = self.tables
        ent = self.enterprises(scope)
        G = nx.MultiDiGraph()

        def add_nodes(label: str, df: pd.DataFrame, key: str) -> None:
            cols = [c for c in df.columns if not c.startswith("_")]
            for rec in df[cols].to_dict(orient="records"):
                G.add_node(f"{label}:{rec[key]}", label=label, **{k: v for k, v in rec.items() if pd.notna(v)})

        add_nodes("Enterprise", ent, USCC)
        pos = set(ent.index.tolist())
        ops = t["operates_in"][t["operates_in"]["_ent"].isin(pos)]
        segs = t["segments"][t["segments"]["id"].isin(ops["segment_id"])] if scope is not None else t["segments"]
        chains = t["chains"][t["chains"]["id"].isin(segs["chain_id"])] if scope is not None else t["chains"]
        add_nodes("Segment", segs, "id")
        add_nodes("Chain", chains, "id")
        regs = t["regions"]
        add_nodes("Region", regs, "code")
        for r in regs.dropna(subset=["parent"]).itertuples():
            G.add_edge(f"Region:{r.code}", f"Region:{r.parent}", type="WITHIN")
        for s in segs.itertuples():
            G.add_edge(f"Segment:{s.id}", f"Chain:{s.chain_id}", type="PART_OF")
        flows = t["segment_flows"]
        for f in flows[flows["from_segment"].isin(segs["id"]) & flows["to_segment"].isin(segs["id"])].itertuples():
            G.add_edge(f"Segment:{f.from_segment}", f"Segment:{f.to_segment}", type="FEEDS")
        for e in ent.itertuples():
            G.add_edge(f"Enterprise:{e.uscc}", f"Region:{e.region_code}", type="LOCATED_IN")
        for o in ops.itertuples():
            G.add_edge(f"Enterprise:{o.uscc}", f"Segment:{o.segment_id}", type="OPERATES_IN")
        sup = t["supplies"][t["supplies"]["_src"].isin(pos) & t["supplies"]["_dst"].isin(pos)]
        for s in sup.itertuples():
            G.add_edge(f"Enterprise:{s.supplier_uscc}", f"Enterprise:{s.customer_uscc}", type="SUPPLIES",
                       product=s.product, value=s.value)
        obs = t["observations"][t["observations"]["_ent"].isin(pos)]
        probs = t["problems"][t["problems"]["id"].isin(obs["problem_id"])]
        add_nodes("Problem", probs, "id")
        for o in obs.itertuples():
            G.add_edge(f"Enterprise:{o.uscc}", f"Problem:{o.problem_id}", type="HAS_PROBLEM",
                       severity=o.severity, source=o.source, status=o.status)
        lead = t["leaders"][t["leaders"]["_ent"].isin(pos)]
        for ld in lead.itertuples():
            G.add_edge(f"Enterprise:{ld.uscc}", f"Chain:{ld.chain_id}", type="LEADS", region_code=ld.region_code)
        return G

    # -- facts ---------------------------------------------------------------------------
    def stats(self) -> pd.DataFrame:
        """Counts of nodes per label and relationships per type (Chinese names included).

        Raises
        ------
        KeyError
            Never for a graph built by chaingraph.

        Example
        -------
        >>> g.stats()  # doctest: +SKIP
        """
        rows = []
        for t in TABLES.values():
            n = len(self.tables[t.name])
            if t.label:
                rows.append({"kind": "node", "name": t.label, "zh": t.zh, "count": n})
            if t.rel_type:
                rows.append({"kind": "relationship", "name": t.rel_type, "zh": t.zh, "count": n})
        rows.append({"kind": "relationship", "name": "PART_OF", "zh": "属于产业链",
                     "count": len(self.tables["segments"])})
        rows.append({"kind": "relationship", "name": "LOCATED_IN", "zh": "位于",
                     "count": len(self.tables["enterprises"])})
        rows.append({"kind": "relationship", "name": "WITHIN", "zh": "隶属",
                     "count": int(self.tables["regions"]["parent"].notna().sum())})
        return pd.DataFrame(rows)

    def size_label(self, size: str) -> str:
        """Chinese label of a size class (``micro`` → ``微型``).

        Raises
        ------
        KeyError
            If ``size`` is not a size class.

        Example
        -------
        >>> g.size_label("micro")  # doctest: +SKIP
        '微型'
        """
        return ENUM_ZH["size"][size]

    def __repr__(self) -> str:
        return (f"ChainGraph({self.name!r}: {len(self.tables['enterprises'])} enterprises, "
                f"{len(self.tables['supplies'])} supply edges, {len(self.tables['observations'])} observations)")
