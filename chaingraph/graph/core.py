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

from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.errors import ValidationFailed
from chaingraph.graph.names import match_chain, match_segment
from chaingraph.graph.positions import (  # noqa: F401  (re-exported: these lived here)
    _ENDPOINTS,
    _moved_positions,
    _ranks,
    _region_numbers,
    _sort_codes,
    index_tables,
    positions,
    sort_order,
    take_rows,
)
from chaingraph.graph.scope import Scope
from chaingraph.graph.views import GraphViews
from chaingraph.ingest.regions import load_regions
from chaingraph.model import ENUM_ZH, TABLES

_PREFIX = {"province": 2, "city": 4, "county": 6}


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


class ChainGraph(GraphViews):
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
            # files that could not be read at all: `chaingraph info` lists them, so a partial store says so
            "unread": [{"file": str(i["file"]), "code": str(i["code"]), "message": str(i["message"])}
                       for _, i in result.issues.iterrows()
                       if i["code"] in ("encoding_invalid", "file_unreadable", "empty_file")],
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
        """FEEDS edges: as given; for a chain without any, consecutive segments by ``order`` (segments without
        an ``order`` get none; derived rows are flagged ``derived`` when the table has that column)."""
        flows = self.tables["segment_flows"]
        seg = self.tables["segments"]
        if seg.empty:
            return flows
        chain_of = seg.set_index("id")["chain_id"]
        covered = set(flows["from_segment"].map(chain_of).dropna())
        todo = seg[~seg["chain_id"].isin(covered) & seg["order"].notna()].sort_values(["chain_id", "order", "id"])
        if todo.empty:
            return flows
        nxt = todo.groupby("chain_id")["id"].shift(-1)
        derived = pd.DataFrame({"from_segment": todo["id"], "to_segment": nxt}).dropna()
        if "derived" in flows.columns:
            derived["derived"] = True
        derived = derived.reindex(columns=flows.columns)  # other columns (``weight``) stay missing
        self.meta["derived_flows"] = len(derived)
        return pd.concat([flows, derived.astype(flows.dtypes.to_dict())], ignore_index=True)

    def _index(self, references: dict[str, dict[str, np.ndarray]]) -> None:
        """Put every table in canonical order and add integer endpoint positions (:func:`index_tables`)."""
        index_tables(self.tables, references)

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
        """Chinese label of a size class (``micro`` → ``微型``; missing or ``unknown`` → ``规模不详``).

        Raises
        ------
        KeyError
            If ``size`` is not a size class.

        Example
        -------
        >>> g.size_label("micro")  # doctest: +SKIP
        '微型'
        """
        if size is None or size is pd.NA or (isinstance(size, float) and np.isnan(size)) or size == "unknown":
            return ENUM_ZH["size"].get("unknown", "规模不详")
        return ENUM_ZH["size"][size]

    def __repr__(self) -> str:
        return (f"ChainGraph({self.name!r}: {len(self.tables['enterprises'])} enterprises, "
                f"{len(self.tables['supplies'])} supply edges, {len(self.tables['observations'])} observations)")
