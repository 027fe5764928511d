"""The named queries on Neo4j: same signatures, same columns, same rows as the embedded engine.

:class:`Neo4jGraph` answers the named queries of :mod:`chaingraph.queries` from a Neo4j
database loaded by :func:`chaingraph.neo4j_backend.push`. Each query runs the Cypher
statements of ``cypher/queries/<name>.cypher`` (values only ever as parameters:
``$region_prefix``, ``$chain``, ``$segment``, ``$problem`` …) in one read transaction
(``session.execute_read``) and finishes the frame in pandas, with exactly the columns and
dtypes of the embedded query (the ``COLUMNS`` dicts of :mod:`chaingraph.queries`).

What Cypher does and what Python finishes
-----------------------------------------
Cypher selects the scope and reduces the data the way the embedded code reduces its
tables: per (firm, problem) the highest severity, the latest status, the sources
(``common_problems``); per segment × size class the counts and sums
(``composition``); per metric the count, mean, median, extremes and firms meeting the
advanced levels (``benchmark_gaps``). Python then does what plain Cypher (no APOC, no
GDS) cannot do or does awkwardly, on those rows: the Wilson lower bound, the Pareto
cumulative share and the ranks; each firm's primary segment (its most upstream segment,
from the small segment catalog); PageRank, reach and percentile scores (``leaders``,
networkx); articulation points (``weak_links``, networkx); the breadth-first search with
first-visit semantics (``exposure``: Python drives it one supply step at a time, each
step a parameterised Cypher statement in the same transaction); labels and texts.

Region scope is the embedded one (:meth:`chaingraph.graph.ChainGraph.region_mask`): a
firm is in region R when its ``region_code`` starts with R's prefix (province 2 digits,
city 4, county 6): ``e.region_code STARTS WITH $region_prefix``. Chain scope: the firm
``OPERATES_IN`` a segment ``PART_OF`` the chain.

Row order
---------
Some embedded results depend on the order of rows in the source tables (ties broken by
table position: candidates in :func:`~chaingraph.queries.leaders.leaders`, ``via`` in
:func:`~chaingraph.queries.exposure.exposure`, the order of problems in a map node's text,
of leaders in ``common_problems.leaders``, the latest status of same-day observations).
A database has no row order, so this backend breaks every such tie by the tables' keys
(uscc, problem id, source …): its results equal the embedded results on
:func:`key_ordered` (the same graph with every table sorted by its key).

Example
-------
>>> from chaingraph.neo4j_backend import connect  # doctest: +SKIP
>>> ng = Neo4jGraph(connect())  # doctest: +SKIP
>>> ng.common_problems("吴兴区", "童装")[["rank", "problem", "affected", "is_common"]]  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .errors import BackendError, ScopeError
from .graph import ChainGraph
from .layout import ChainMap
from .model import ENUM_ZH, TABLES
from .neo4j_backend import load_cypher, split_statements
from .queries._common import empty, wilson_lower
from .queries.benchmarks import COLUMNS as BENCHMARK_COLUMNS
from .queries.benchmarks import DETAIL_COLUMNS as BENCHMARK_DETAIL_COLUMNS
from .queries.chain_map import EDGE_COLUMNS as MAP_EDGE_COLUMNS
from .queries.chain_map import NODE_COLUMNS as MAP_NODE_COLUMNS
from .queries.chain_map import _frame as _map_frame
from .queries.composition import COLUMNS as COMPOSITION_COLUMNS
from .queries.composition import SIZES
from .queries.exposure import COLUMNS as EXPOSURE_COLUMNS
from .queries.leaders import COLUMNS as LEADER_COLUMNS
from .queries.leaders import _reach
from .queries.problems import _SOURCE_ORDER, MIN_FIRMS, MIN_SHARE, _join_counts
from .queries.problems import COLUMNS as PROBLEM_COLUMNS
from .queries.weak_links import COLUMNS as WEAK_LINK_COLUMNS
from .queries.weak_links import KIND_ZH
from .regions import load_regions

__all__ = ["QUERY_FILES", "WRITE_CLAUSES", "Neo4jGraph", "bfs_downstream", "check_read_only", "finish_benchmark_detail",
           "finish_benchmark_gaps", "finish_chain_map", "finish_common_problems", "finish_composition",
           "finish_exposure", "finish_leaders", "finish_weak_links", "key_ordered", "parse_param", "parse_params",
           "run_query", "statement_parameters", "statements"]

QUERY_FILES: dict[str, str] = {
    "catalog_chains": "queries/catalog_chains",
    "catalog_segments": "queries/catalog_segments",
    "catalog_problems": "queries/catalog_problems",
    "catalog_benchmarks": "queries/catalog_benchmarks",
    "common_problems": "queries/common_problems",
    "composition": "queries/composition",
    "leaders": "queries/leaders",
    "weak_links": "queries/weak_links",
    "exposure": "queries/exposure",
    "benchmark_gaps": "queries/benchmark_gaps",
    "chain_map": "queries/chain_map",
}
"""Name → ``cypher/`` file (for :func:`~chaingraph.neo4j_backend.load_cypher`) of every statement file used."""

_STATEMENT_COUNTS = {"common_problems": 3, "leaders": 2, "weak_links": 2, "exposure": 3, "benchmark_gaps": 2,
                     "chain_map": 4}
_PREFIX_LEN = {"province": 2, "city": 4, "county": 6}
_SMB = ("micro", "small")
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


# ---------------------------------------------------------------------------
# Statements and transactions
# ---------------------------------------------------------------------------

@functools.cache
def statements(name: str) -> tuple[str, ...]:
    """The statements of one query file (see :data:`QUERY_FILES`), comments removed.

    Raises
    ------
    BackendError
        For an unknown name, a missing file, or a file without its expected statements.

    Example
    -------
    >>> len(statements("common_problems"))
    3
    """
    if name not in QUERY_FILES:
        raise BackendError(f"no named Cypher query {name!r}")
    stmts = tuple(split_statements(load_cypher(QUERY_FILES[name])))
    if len(stmts) != _STATEMENT_COUNTS.get(name, 1):
        raise BackendError(f"{QUERY_FILES[name]}.cypher holds {len(stmts)} statement(s), expected "
                           f"{_STATEMENT_COUNTS.get(name, 1)}")
    return stmts


def statement_parameters(query: str) -> tuple[str, ...]:
    """Names of the ``$parameters`` a statement uses, in order of first use.

    Example
    -------
    >>> statement_parameters("MATCH (c:Chain {id: $chain}) WHERE $chain IS NOT NULL RETURN $x")
    ('chain', 'x')
    """
    return tuple(dict.fromkeys(_PARAM_RE.findall(query)))


def _driver_errors() -> tuple[type[BaseException], ...]:
    try:
        import neo4j
    except ImportError:  # pragma: no cover - neo4j is a dependency
        return (OSError,)
    return (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _native(value: Any) -> Any:
    """A driver value as a plain Python value (Neo4j temporal types → ``datetime``, also inside lists)."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    if to_native is not None and type(value).__module__.startswith("neo4j"):
        return to_native()
    return value


class _Rows:
    """Keys and rows of one statement's result."""

    def __init__(self, keys: list[str], rows: list[list[Any]]) -> None:
        self.keys = keys
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        try:
            i = self.keys.index(name)
        except ValueError:
            raise BackendError(f"a Cypher statement returned no column {name!r} (columns: {self.keys})") from None
        return [r[i] for r in self.rows]


def _fetch(tx: Any, query: str, params: Mapping[str, Any]) -> _Rows:
    used = statement_parameters(query)
    missing = [p for p in used if p not in params]
    if missing:
        raise BackendError(f"parameters {missing} missing for a chaingraph Cypher statement")
    result = tx.run(query, {p: params[p] for p in used})
    keys = list(result.keys())
    rows = [[_native(v) for v in record.values()] for record in result]
    return _Rows(keys, rows)


def _typed(rows: _Rows, schema: Mapping[str, str]) -> pd.DataFrame:
    """A frame of the given columns: ``str``, ``int`` (Int64), ``float``, ``bool`` (boolean),
    ``date`` (datetime64[s]) or ``list`` (Python lists; null → [])."""
    data: dict[str, pd.Series] = {}
    for name, kind in schema.items():
        values = rows.column(name)
        if kind == "str":
            s = pd.Series(values, dtype=object).astype("str")
        elif kind == "int":
            s = pd.Series(pd.array(values, dtype="Int64"))
        elif kind == "float":
            s = pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
        elif kind == "bool":
            s = pd.Series(pd.array(values, dtype="boolean"))
        elif kind == "date":
            s = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[s]")
        elif kind == "list":
            s = pd.Series([list(v) if v is not None else [] for v in values], dtype=object)
        else:  # pragma: no cover - programming error
            raise ValueError(f"unknown column kind {kind!r}")
        data[name] = s.reset_index(drop=True)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


# ---------------------------------------------------------------------------
# Catalogs: chains, segments, problems, benchmarks
# ---------------------------------------------------------------------------

_CHAIN_SCHEMA = {"id": "str", "name": "str"}
_SEGMENT_SCHEMA = {"id": "str", "chain_id": "str", "name": "str", "stage": "str", "flow_order": "int",
                   "key_link": "bool"}
_PROBLEM_SCHEMA = {"id": "str", "name": "str", "category": "str", "kind": "str", "standard_ref": "str",
                   "benchmark_id": "str"}
_BENCHMARK_SCHEMA = {"id": "str", "metric": "str", "unit": "str", "domestic_advanced": "float",
                     "international_advanced": "float", "higher_is_better": "bool"}


class _Segments:
    """The segment catalog in the embedded order (chain, flow order, id), and primary segments."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.table = frame.sort_values(["chain_id", "flow_order", "id"], kind="stable",
                                       na_position="first").reset_index(drop=True)
        self.index = pd.Index(self.table["id"])

    def positions(self, chain: str | None) -> np.ndarray:
        """Positions of a chain's segments (all segments for None)."""
        if chain is None:
            return np.arange(len(self.table))
        return np.flatnonzero((self.table["chain_id"] == chain).to_numpy(dtype=bool, na_value=False))

    def pairs(self, segment_ids: pd.Series, allowed: np.ndarray) -> pd.DataFrame:
        """Distinct (row of ``segment_ids``, segment position) pairs within ``allowed``, sorted."""
        ok = np.zeros(len(self.table), dtype=bool)
        ok[allowed] = True
        rows, segs = [], []
        for i, ids in enumerate(segment_ids):
            if not ids:
                continue
            for p in set(self.index.get_indexer(list(ids)).tolist()):
                if p >= 0 and ok[p]:
                    rows.append(i)
                    segs.append(p)
        out = pd.DataFrame({"row": np.asarray(rows, dtype=np.int64), "_seg": np.asarray(segs, dtype=np.int64)})
        return out.sort_values(["row", "_seg"]).reset_index(drop=True)

    def primary(self, segment_ids: pd.Series, chain: str | None) -> pd.DataFrame:
        """Like :func:`chaingraph.queries._common.primary_segment`, indexed by row of ``segment_ids``
        (rows without a segment in ``chain`` are absent)."""
        pairs = self.pairs(segment_ids, self.positions(chain))
        first = pairs.groupby("row")["_seg"].min()
        s = self.table.iloc[first.to_numpy()]
        return pd.DataFrame({
            "_seg": first.to_numpy(),
            "segment_id": s["id"].to_numpy(),
            "segment": s["name"].to_numpy(),
            "stage": s["stage"].to_numpy(),
            "segment_order": s["flow_order"].to_numpy(),
            "key_link": s["key_link"].fillna(False).to_numpy(dtype=bool),
        }, index=first.index)


# ---------------------------------------------------------------------------
# Finishing steps: pure pandas on the rows the statements return
# ---------------------------------------------------------------------------

_PAIR_SCHEMA = {"problem_id": "str", "uscc": "str", "enterprise": "str", "severity": "int", "status": "str",
                "observations": "int", "sources": "list", "first_observed": "date", "undated": "bool",
                "segment_ids": "list", "is_leader": "bool"}


def finish_common_problems(pairs: pd.DataFrame, segment_groups: pd.DataFrame, means: pd.DataFrame,
                           problems: pd.DataFrame, benchmarks: pd.DataFrame, segments: _Segments,
                           chain: str | None, *, min_firms: int, min_share: float,
                           include_resolved: bool) -> pd.DataFrame:
    """The common-problem list from the rows of ``cypher/queries/common_problems.cypher``.

    The steps of ``chaingraph/queries/problems.py`` ``_compute`` from its per-(firm, problem)
    reduction on (pairs here come from Cypher instead of the observations table).

    Parameters
    ----------
    pairs : pandas.DataFrame
        Statement 2 (:data:`_PAIR_SCHEMA`): one row per (scope firm, problem).
    segment_groups : pandas.DataFrame
        Statement 1: ``segment_ids`` (list) and ``firms``; their sum is the scope size.
    means : pandas.DataFrame
        Statement 3: ``benchmark_id``, ``scope_mean``.
    problems, benchmarks : pandas.DataFrame
        The problem and benchmark catalogs.
    segments : _Segments
        The segment catalog.
    chain : str or None
        The scope's chain id (None: every chain; with a segment scope).
    min_firms, min_share, include_resolved
        As for :func:`chaingraph.queries.common_problems`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`chaingraph.queries.problems.COLUMNS`.

    Raises
    ------
    KeyError
        If a pair names a problem missing from the catalog.

    Example
    -------
    >>> finish_common_problems(pairs, groups, means, probs, benches, segs, "childrenswear", min_firms=3,
    ...                        min_share=0.1, include_resolved=True)  # doctest: +SKIP
    """
    columns = PROBLEM_COLUMNS
    n_scope = int(segment_groups["firms"].sum()) if len(segment_groups) else 0
    if n_scope == 0 or pairs.empty:
        return empty(columns)
    # the embedded pair order: first observation (undated first, then by date), ties by uscc
    undated = pairs["undated"].fillna(False).to_numpy(dtype=bool)
    order = pd.DataFrame({"u": ~undated, "d": pairs["first_observed"].where(~undated), "k": pairs["uscc"]})
    all_pairs = pairs.iloc[order.sort_values(["u", "d", "k"], kind="stable").index.to_numpy()].reset_index(
        drop=True)
    pair = all_pairs
    if not include_resolved:
        pair = pair[pair["status"] != "resolved"]
        if pair.empty:
            return empty(columns)
    per = pair.groupby("problem_id").agg(affected=("uscc", "size"), mean_severity=("severity", "mean"),
                                         max_severity=("severity", "max"), observations=("observations", "sum"))
    per.index.name = "_prob"
    status = pair.groupby(["problem_id", "status"]).size().unstack(fill_value=0)
    for s in ("open", "improving", "resolved"):
        per[s] = status[s] if s in status else 0
    per[["open", "improving", "resolved"]] = per[["open", "improving", "resolved"]].fillna(0).astype("int64")
    # evidence sources of every scope observation, in a fixed order
    src = all_pairs[["problem_id", "sources"]].explode("sources").dropna().drop_duplicates()
    src["o"] = src["sources"].map({s: i for i, s in enumerate(_SOURCE_ORDER)})
    src = src.sort_values(["problem_id", "o"])
    per["sources"] = src.groupby("problem_id")["sources"].agg(",".join)
    # segments touched, by the firms' primary segment in the chain
    firms = pair.drop_duplicates("uscc")
    seg = segments.primary(firms["segment_ids"].reset_index(drop=True), chain)
    seg.index = firms["uscc"].to_numpy()[seg.index.to_numpy()]
    ps = pair[["problem_id", "uscc"]].merge(seg[["segment", "key_link"]], left_on="uscc", right_index=True,
                                            how="inner")
    seg_counts = ps.groupby(["problem_id", "segment"]).size().rename("c").reset_index()
    per["segments"] = _join_counts(seg_counts["problem_id"], seg_counts["segment"], seg_counts["c"])
    per["segments_touched"] = seg_counts.groupby("problem_id").size()
    # common within a segment: the same rule over the segment's own firms
    prim = segments.primary(segment_groups["segment_ids"], chain)
    firms_per_group = segment_groups["firms"].astype("int64")
    seg_sizes = firms_per_group.iloc[prim.index.to_numpy()].groupby(prim["segment"].to_numpy()).sum()
    sc = seg_counts.assign(n=seg_counts["segment"].map(seg_sizes).to_numpy())
    sc = sc[(sc["c"] >= min_firms) & (wilson_lower(sc["c"].to_numpy(), sc["n"].to_numpy()) >= min_share)]
    label = sc["segment"] + "(" + sc["c"].astype(str) + "/" + sc["n"].astype(str) + ")"
    per["common_segments"] = label.groupby(sc["problem_id"].to_numpy()).agg("、".join) if len(sc) else pd.Series(
        dtype="str")
    keyc = seg_counts.merge(ps[["segment", "key_link"]].drop_duplicates(), on="segment")
    keyc = keyc[keyc["key_link"]]
    per["key_links"] = keyc.groupby("problem_id")["segment"].agg("、".join) if len(keyc) else pd.Series(
        dtype="str")
    per["key_link"] = per["key_links"].notna()
    # designated leaders affected, in the order of their first observation
    lp = pair[pair["is_leader"].fillna(False).to_numpy(dtype=bool)]
    per["leaders_affected"] = lp.groupby("problem_id").size()
    per["leaders"] = lp.groupby("problem_id")["enterprise"].agg("、".join) if len(lp) else pd.Series(dtype="str")
    # problem attributes
    probs = problems.set_index("id").loc[per.index]
    out = pd.DataFrame({
        "chain_id": chain,
        "problem_id": per.index.to_numpy(),
        "problem": probs["name"].to_numpy(),
        "category": probs["category"].to_numpy(),
        "kind": probs["kind"].to_numpy(),
        "standard_ref": probs["standard_ref"].to_numpy(),
        "benchmark_id": probs["benchmark_id"].to_numpy(),
    }, index=per.index)
    out = out.join(per)
    out["category_zh"] = out["category"].map(ENUM_ZH["category"])
    out["kind_zh"] = out["kind"].map(ENUM_ZH["kind"])
    out["scope_size"] = n_scope
    out["share"] = out["affected"] / n_scope
    out["share_lower"] = wilson_lower(out["affected"].to_numpy(), n_scope)
    out["score"] = out["share"] * out["mean_severity"]
    out["is_common"] = (out["affected"] >= min_firms) & (out["share_lower"] >= min_share)
    out = out.sort_values(["score", "affected", "problem_id"], ascending=[False, False, True])
    total = out["score"].sum()
    out["cum_share"] = out["score"].cumsum() / total if total > 0 else 0.0
    out["rank"] = np.arange(1, len(out) + 1)
    # benchmark gap: the scope's mean of the linked metric against the advanced levels
    bench = benchmarks.set_index("id")
    for c in ("metric", "unit", "domestic_advanced", "international_advanced"):
        out[c] = out["benchmark_id"].map(bench[c]) if len(bench) else np.nan
    out["scope_mean"] = out["benchmark_id"].map(means.set_index("benchmark_id")["scope_mean"]) if len(
        means) else np.nan
    hib = out["benchmark_id"].map(bench["higher_is_better"]) if len(bench) else pd.Series(np.nan, index=out.index)
    sign = np.where(hib.fillna(True).astype(bool), 1.0, -1.0)
    out["gap_domestic"] = sign * (out["domestic_advanced"].astype(float) - out["scope_mean"].astype(float))
    out["gap_international"] = sign * (out["international_advanced"].astype(float) - out["scope_mean"].astype(float))
    for c in ("segments_touched", "leaders_affected"):
        out[c] = out[c].fillna(0)
    out["key_link"] = out["key_link"].fillna(False)
    out = out.reset_index(drop=True)
    return out[list(columns)].astype(columns)


_COMPOSITION_SCHEMA = {"segment_id": "str", "size": "str", "enterprises": "int", "employees": "int",
                       "revenue": "float", "qms_certified": "int", "certified": "int", "with_open_problems": "int",
                       "n_obs": "int", "sev_sum": "float"}


def finish_composition(rows: pd.DataFrame, segments: _Segments) -> pd.DataFrame:
    """Composition rows (``cypher/queries/composition.cypher``) → the embedded frame.

    Adds one ``size == "all"`` row per segment (the sums of its size rows), the rates and the
    segment attributes, in flow order then size order, as ``chaingraph/queries/composition.py``.

    Raises
    ------
    KeyError
        If a row names a segment missing from the catalog.

    Example
    -------
    >>> finish_composition(rows, segments)  # doctest: +SKIP
    """
    columns = COMPOSITION_COLUMNS
    if rows.empty:
        return empty(columns)
    rows = rows.assign(_seg=segments.index.get_indexer(rows["segment_id"]))
    if (rows["_seg"] < 0).any():
        raise KeyError(f"segments not in the catalog: {sorted(set(rows.loc[rows['_seg'] < 0, 'segment_id']))}")
    sums = ["enterprises", "employees", "revenue", "qms_certified", "certified", "with_open_problems", "n_obs",
            "sev_sum"]
    by_size = rows[["_seg", "size", *sums]]
    total = by_size.groupby("_seg")[sums].sum().reset_index()
    total["size"] = "all"
    out = pd.concat([by_size, total], ignore_index=True)
    seg_tot = total.set_index("_seg")["enterprises"]
    out["share_of_segment"] = out["enterprises"] / out["_seg"].map(seg_tot)
    out["cert_rate"] = out["certified"] / out["enterprises"]
    out["problem_rate"] = out["with_open_problems"] / out["enterprises"]
    out["observations_per_firm"] = out["n_obs"] / out["enterprises"]
    n_obs = out["n_obs"].astype("float64")
    out["mean_severity"] = np.where(n_obs > 0, out["sev_sum"].astype("float64") / n_obs.where(n_obs > 0), np.nan)
    seg = segments.table.iloc[out["_seg"].to_numpy()]
    out["segment_id"] = seg["id"].to_numpy()
    out["segment"] = seg["name"].to_numpy()
    out["stage"] = seg["stage"].to_numpy()
    out["segment_order"] = seg["flow_order"].to_numpy()
    out["key_link"] = seg["key_link"].fillna(False).to_numpy(dtype=bool)
    out["stage_zh"] = out["stage"].map(ENUM_ZH["stage"])
    out["size_zh"] = out["size"].map({**ENUM_ZH["size"], "all": "合计"})
    out["_size_o"] = out["size"].map({s: i for i, s in enumerate([*SIZES, "all"])})
    out = out.sort_values(["_seg", "_size_o"]).reset_index(drop=True)
    return out[list(columns)].astype(columns)


_BENCH_SCHEMA = {"benchmark_id": "str", "firms_measured": "int", "mean": "float", "median": "float",
                 "max_value": "float", "min_value": "float", "meets_domestic": "int", "meets_international": "int"}
_BENCH_DETAIL_SCHEMA = {"benchmark_id": "str", "uscc": "str", "enterprise": "str", "value": "float",
                        "measured_on": "date"}


def finish_benchmark_gaps(rows: pd.DataFrame, benchmarks: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """Per-metric rows (``benchmark_gaps.cypher`` statement 1) → the embedded frame.

    Raises
    ------
    KeyError
        If a row names a benchmark missing from the catalog.

    Example
    -------
    >>> finish_benchmark_gaps(rows, benchmarks, problems)  # doctest: +SKIP
    """
    columns = BENCHMARK_COLUMNS
    if rows.empty:
        return empty(columns)
    b = benchmarks.set_index("id").loc[rows["benchmark_id"]]
    out = pd.DataFrame({
        "benchmark_id": rows["benchmark_id"].to_numpy(),
        "firms_measured": rows["firms_measured"].to_numpy(dtype=np.int64),
        "mean": rows["mean"].to_numpy(dtype=float), "median": rows["median"].to_numpy(dtype=float),
        "vmax": rows["max_value"].to_numpy(dtype=float), "vmin": rows["min_value"].to_numpy(dtype=float),
        "meets_domestic": rows["meets_domestic"].to_numpy(dtype=np.int64),
        "meets_international": rows["meets_international"].to_numpy(dtype=np.int64),
    })
    out["metric"] = b["metric"].to_numpy()
    out["unit"] = b["unit"].to_numpy()
    out["higher_is_better"] = b["higher_is_better"].fillna(True).to_numpy(dtype=bool)
    out["direction_zh"] = np.where(out["higher_is_better"], "越高越好", "越低越好")
    out["domestic_advanced"] = b["domestic_advanced"].to_numpy(dtype=float)
    out["international_advanced"] = b["international_advanced"].to_numpy(dtype=float)
    out["best"] = np.where(out["higher_is_better"], out["vmax"], out["vmin"])
    out["worst"] = np.where(out["higher_is_better"], out["vmin"], out["vmax"])
    s = np.where(out["higher_is_better"], 1.0, -1.0)
    out["gap_domestic"] = s * (out["domestic_advanced"] - out["mean"])
    out["gap_international"] = s * (out["international_advanced"] - out["mean"])
    out["share_meets_domestic"] = out["meets_domestic"] / out["firms_measured"]
    out["share_meets_international"] = out["meets_international"] / out["firms_measured"]
    probs = problems.dropna(subset=["benchmark_id"]).sort_values("id", kind="stable")
    linked = probs.groupby("benchmark_id")["name"].agg("、".join)
    out["problems"] = out["benchmark_id"].map(linked)
    out = out.sort_values("benchmark_id").reset_index(drop=True)
    return out[list(columns)].astype(columns)


def finish_benchmark_detail(rows: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Per firm × metric rows (``benchmark_gaps.cypher`` statement 2) → the embedded ``detail=True`` frame.

    Raises
    ------
    KeyError
        If a row names a benchmark missing from the catalog.

    Example
    -------
    >>> finish_benchmark_detail(rows, benchmarks)  # doctest: +SKIP
    """
    columns = BENCHMARK_DETAIL_COLUMNS
    if rows.empty:
        return empty(columns)
    rows = rows.sort_values(["benchmark_id", "uscc"], kind="stable").reset_index(drop=True)
    b = benchmarks.set_index("id").loc[rows["benchmark_id"]]
    sign = np.where(b["higher_is_better"].fillna(True).to_numpy(dtype=bool), 1.0, -1.0)
    value = rows["value"].to_numpy(dtype=float)
    d = pd.DataFrame({
        "benchmark_id": rows["benchmark_id"].to_numpy(), "metric": b["metric"].to_numpy(),
        "uscc": rows["uscc"].to_numpy(), "enterprise": rows["enterprise"].to_numpy(),
        "value": value, "measured_on": rows["measured_on"].to_numpy(),
        "gap_domestic": sign * (b["domestic_advanced"].to_numpy(dtype=float) - value),
        "gap_international": sign * (b["international_advanced"].to_numpy(dtype=float) - value),
    })
    d["meets_domestic"] = d["gap_domestic"] <= 0
    d["meets_international"] = d["gap_international"] <= 0
    return d.sort_values(["benchmark_id", "gap_domestic"], ascending=[True, False])[list(columns)].reset_index(
        drop=True).astype(columns)


_LEADER_FIRM_SCHEMA = {"uscc": "str", "enterprise": "str", "size": "str", "segment_ids": "list",
                       "designated_regions": "list", "since": "list"}
_EDGE_SCHEMA = {"source": "str", "target": "str", "products": "int"}


def _supply_digraph(n: int, edges: pd.DataFrame, pos: Mapping[str, int]) -> nx.DiGraph:
    """Nodes 0..n-1 (scope firms in uscc order), collapsed edges in (supplier, customer) key order."""
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    e = edges.sort_values(["source", "target"], kind="stable")
    G.add_edges_from(zip([pos[s] for s in e["source"]], [pos[t] for t in e["target"]],
                         ({"products": int(p)} for p in e["products"]), strict=True))
    return G


def finish_leaders(firms: pd.DataFrame, edges: pd.DataFrame, segments: _Segments, chain: str | None, *,
                   hops: int, candidates: int) -> pd.DataFrame:
    """Designated leaders and candidates from ``leaders.cypher``'s rows, as ``chaingraph/queries/leaders.py``.

    Scope firms are taken in uscc order (the embedded table order when tables are in key order).

    Raises
    ------
    KeyError
        If an edge names a firm that is not in ``firms``.

    Example
    -------
    >>> finish_leaders(firms, edges, segments, "childrenswear", hops=2, candidates=10)  # doctest: +SKIP
    """
    columns = LEADER_COLUMNS
    if firms.empty:
        return empty(columns)
    firms = firms.sort_values("uscc", kind="stable").reset_index(drop=True)
    nodes = np.arange(len(firms))
    pos = {u: i for i, u in enumerate(firms["uscc"])}
    G = _supply_digraph(len(firms), edges, pos)
    outdeg = np.array([G.out_degree(n) for n in nodes], dtype=np.int64)
    indeg = np.array([G.in_degree(n) for n in nodes], dtype=np.int64)
    U = G.to_undirected(as_view=True)
    if U.number_of_edges():
        pr_map = nx.pagerank(U, weight="products")
    else:
        pr_map = {n: 1.0 / len(nodes) for n in nodes}
    pr = np.array([pr_map.get(n, 0.0) for n in nodes])
    designated = np.flatnonzero(firms["designated_regions"].map(len).to_numpy() > 0)
    k = max(3 * candidates, 30)
    order_deg = nodes[np.argsort(-(outdeg + indeg), kind="stable")[:k]]
    order_pr = nodes[np.argsort(-pr, kind="stable")[:k]]
    short = np.unique(np.concatenate([designated, order_deg, order_pr]))
    sizes = firms["size"].to_numpy()
    down = {n: _reach(G, int(n), hops, False) for n in short}
    up = {n: _reach(G, int(n), hops, True) for n in short}
    d_reach = np.array([len(down[n]) for n in short])
    u_reach = np.array([len(up[n]) for n in short])
    smb = np.array([sum(1 for m in set(down[n]) | set(up[n]) if sizes[m] in _SMB) for n in short])

    def pct(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
        pool = np.sort(pool)
        return np.searchsorted(pool, values, side="right") / len(pool)

    score = (pct(outdeg[short], outdeg) + pct(d_reach, d_reach) + pct(u_reach, u_reach) + pct(pr[short], pr)) / 4
    ent = firms.iloc[short]
    seg = segments.primary(firms["segment_ids"], chain)
    regions = firms["designated_regions"].map(lambda r: ",".join(sorted(set(r))) if r else None)
    since = firms["since"].map(lambda s: max((_as_date(v) for v in s if v is not None), default=None))
    out = pd.DataFrame({
        "_pos": short,
        "uscc": ent["uscc"].to_numpy(), "enterprise": ent["enterprise"].to_numpy(), "size": ent["size"].to_numpy(),
        "customers": outdeg[short], "suppliers": indeg[short], "downstream_reach": d_reach,
        "upstream_reach": u_reach, "pagerank": pr[short], "score": score, "smb_reached": smb,
    })
    out["segment"] = out["_pos"].map(seg["segment"])
    out["designated_region"] = out["_pos"].map(regions)
    out["since"] = pd.to_datetime(out["_pos"].map(since))
    out["role"] = np.where(np.isin(short, designated), "designated", "candidate")
    out = out.sort_values(["score", "uscc"], ascending=[False, True])
    out["score_rank"] = np.arange(1, len(out) + 1)
    cand = out[out["role"] == "candidate"].head(candidates)
    out = pd.concat([out[out["role"] == "designated"], cand])
    out["role_zh"] = out["role"].map({"designated": "链主企业", "candidate": "候选链主"})
    out["size_zh"] = out["size"].map(ENUM_ZH["size"])
    return out.reset_index(drop=True)[list(columns)].astype(columns)


def _as_date(value: Any) -> pd.Timestamp:
    return pd.Timestamp(_native(value))


_WEAK_FIRM_SCHEMA = {"uscc": "str", "enterprise": "str", "segment_ids": "list", "observations": "int"}
_WEAK_SUPPLY_SCHEMA = {"supplier": "str", "supplier_name": "str", "customer": "str", "supplier_segment_ids": "list",
                       "supplier_in_scope": "bool"}


def finish_weak_links(firms: pd.DataFrame, supplies: pd.DataFrame, segments: _Segments, chain: str, *,
                      dense_factor: float) -> pd.DataFrame:
    """Gaps, single suppliers, articulation points, problem-dense segments from ``weak_links.cypher``'s rows.

    As ``chaingraph/queries/weak_links.py`` with the tables in key order, except that a gap at a
    key link says so (``（关键环节）``) as intended (the embedded test ``sg["key_link"] is True``
    is never true for a numpy bool).

    Raises
    ------
    KeyError
        If a supply row names a customer that is not in ``firms``.

    Example
    -------
    >>> finish_weak_links(firms, supplies, segments, "childrenswear", dense_factor=1.5)  # doctest: +SKIP
    """
    columns = WEAK_LINK_COLUMNS
    firms = firms.sort_values("uscc", kind="stable").reset_index(drop=True)
    segs = segments.table
    chain_segs = segments.positions(chain)
    rows: list[dict[str, Any]] = []
    # 1. gaps: a segment of the chain in which no scope firm operates
    present = set(segments.pairs(firms["segment_ids"], np.arange(len(segs)))["_seg"].tolist())
    for s in chain_segs:
        if s not in present:
            sg = segs.iloc[s]
            key = "（关键环节）" if bool(pd.notna(sg["key_link"]) and sg["key_link"]) else ""
            rows.append({"kind": "gap", "segment_id": sg["id"], "segment": sg["name"], "metric": 0.0,
                         "detail": f"区域内没有{sg['name']}环节的企业，需补链{key}"})
    if len(firms):
        pos = {u: i for i, u in enumerate(firms["uscc"])}
        # 2. single supplier per (customer, supplier segment)
        s = supplies.drop_duplicates(["supplier", "customer"]).reset_index(drop=True)
        if len(s):
            sup_firms = s.drop_duplicates("supplier").reset_index(drop=True)
            sseg = segments.primary(sup_firms["supplier_segment_ids"], chain)
            sseg.index = sup_firms["supplier"].to_numpy()[sseg.index.to_numpy()]
            sseg = sseg.rename(columns={"_seg": "seg_pos"})
            s = s.merge(sseg[["seg_pos", "segment_id", "segment"]], left_on="supplier", right_index=True,
                        how="inner")
            s["dst_pos"] = s["customer"].map(pos)
            counts = s.groupby(["dst_pos", "seg_pos"])["supplier"].transform("size")
            single = s[counts.to_numpy() == 1].sort_values(["seg_pos", "dst_pos"])
            for r in single.itertuples():
                rows.append({"kind": "single_supplier", "segment_id": r.segment_id, "segment": r.segment,
                             "uscc": r.customer, "enterprise": firms["enterprise"].iat[r.dst_pos],
                             "related_uscc": r.supplier, "related": r.supplier_name, "metric": 1.0,
                             "detail": f"{r.segment}环节仅有一家供应商：{r.supplier_name}"})
        # 3. articulation points of the undirected in-scope supply network
        inner = supplies[supplies["supplier_in_scope"].fillna(False).to_numpy(dtype=bool)]
        edges = pd.DataFrame({"source": inner["supplier"], "target": inner["customer"], "products": 1})
        U = _supply_digraph(len(firms), edges, pos).to_undirected()
        aps = sorted(nx.articulation_points(U))
        if aps:
            comp_of = {n: i for i, c in enumerate(nx.connected_components(U)) for n in c}
            comp_size: dict[int, int] = {}
            for c in comp_of.values():
                comp_size[c] = comp_size.get(c, 0) + 1
            seg = segments.primary(firms["segment_ids"], chain)
            for a in aps:
                H = U.subgraph([n for n in U.nodes if comp_of[n] == comp_of[a] and n != a])
                largest = max((len(c) for c in nx.connected_components(H)), default=0)
                cut = comp_size[comp_of[a]] - 1 - largest
                rows.append({"kind": "articulation_point", "segment_id": seg["segment_id"].get(a),
                             "segment": seg["segment"].get(a), "uscc": firms["uscc"].iat[a],
                             "enterprise": firms["enterprise"].iat[a], "metric": float(cut),
                             "detail": f"移除后有{cut}家企业与主体供应网络断开"})
        # 4. problem-dense segments
        firm_obs = firms["observations"].fillna(0).to_numpy(dtype=np.int64)
        so = segments.pairs(firms["segment_ids"], chain_segs)
        so = so.assign(n=firm_obs[so["row"].to_numpy()])
        per_seg = so.groupby("_seg").agg(firms=("row", "size"), obs=("n", "sum"))
        avg = firm_obs.sum() / len(firms)
        per_seg["rate"] = per_seg["obs"] / per_seg["firms"]
        dense = per_seg[(per_seg["rate"] > dense_factor * avg) & (per_seg["obs"] > 0)].sort_values(
            "rate", ascending=False, kind="stable")
        for sidx, r in dense.iterrows():
            sg = segs.iloc[int(sidx)]
            rows.append({"kind": "problem_dense", "segment_id": sg["id"], "segment": sg["name"],
                         "metric": float(r["rate"]),
                         "detail": f"每家企业{r['rate']:.2f}条问题记录，产业链平均{avg:.2f}条"})
    if not rows:
        return empty(columns)
    out = pd.DataFrame(rows).reindex(columns=list(columns))
    out["kind_zh"] = out["kind"].map(KIND_ZH)
    return out.astype(columns)


def bfs_downstream(sources: Iterable[str], step: Callable[[list[str]], pd.DataFrame],
                   max_hops: int | None) -> tuple[dict[str, int], dict[str, str]]:
    """Breadth-first search downstream with first-visit semantics, one supply step per call of ``step``.

    Parameters
    ----------
    sources : iterable of str
        USCCs of the affected firms (distance 0, their own ``via``).
    step : callable
        ``step(frontier)`` → frame of distinct ``supplier`` / ``customer`` pairs whose supplier is
        in ``frontier``.
    max_hops : int, optional
        Stop after this many steps.

    Returns
    -------
    (dict, dict)
        Distance and ``via`` per firm reached. A firm first reached at step h takes the ``via``
        of its smallest-uscc supplier in the frontier (the embedded first edge of the supplies
        table in key order).

    Raises
    ------
    ValueError
        If ``max_hops`` < 1.

    Example
    -------
    >>> edges = pd.DataFrame({"supplier": ["a", "b"], "customer": ["b", "c"]})
    >>> bfs_downstream(["a"], lambda f: edges[edges["supplier"].isin(f)], None)
    ({'a': 0, 'b': 1, 'c': 2}, {'a': 'a', 'b': 'a', 'c': 'a'})
    """
    if max_hops is not None and max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    dist = {s: 0 for s in sorted(sources)}
    via = {s: s for s in dist}
    frontier = sorted(dist)
    h = 0
    while frontier and (max_hops is None or h < max_hops):
        h += 1
        e = step(frontier)
        e = e[~e["customer"].isin(dist)].sort_values(["customer", "supplier"], kind="stable")
        first = e.drop_duplicates("customer")
        if first.empty:
            break
        for supplier, customer in zip(first["supplier"], first["customer"], strict=True):
            dist[customer] = h
            via[customer] = via[supplier]
        frontier = sorted(first["customer"])
    return dist, via


_EXPOSURE_FIRM_SCHEMA = {"uscc": "str", "enterprise": "str", "region_code": "str", "size": "str",
                         "segment_ids": "list", "in_scope": "bool"}


def finish_exposure(firms: pd.DataFrame, dist: Mapping[str, int], via: Mapping[str, str], segments: _Segments,
                    chain: str | None) -> pd.DataFrame:
    """The exposure frame from the BFS result and the reached firms' rows, as ``chaingraph/queries/exposure.py``.

    Raises
    ------
    KeyError
        If a reached firm or a ``via`` is missing from ``firms``.

    Example
    -------
    >>> finish_exposure(firms, dist, via, segments, "childrenswear")  # doctest: +SKIP
    """
    columns = EXPOSURE_COLUMNS
    if not dist:
        return empty(columns)
    firms = firms.drop_duplicates("uscc").set_index("uscc").loc[sorted(dist)].reset_index()
    names = firms.set_index("uscc")["enterprise"]
    seg = segments.primary(firms["segment_ids"], chain)
    out = pd.DataFrame({
        "hops": [dist[u] for u in firms["uscc"]], "uscc": firms["uscc"].to_numpy(),
        "enterprise": firms["enterprise"].to_numpy(), "region_code": firms["region_code"].to_numpy(),
        "size": firms["size"].to_numpy(), "via_uscc": [via[u] for u in firms["uscc"]],
        "via": names.loc[[via[u] for u in firms["uscc"]]].to_numpy(),
        "in_scope": firms["in_scope"].fillna(False).to_numpy(dtype=bool),
    })
    out["segment"] = pd.Series(range(len(out))).map(seg["segment"])
    out["role"] = np.where(out["hops"] == 0, "affected", "exposed")
    out["role_zh"] = out["role"].map({"affected": "存在问题", "exposed": "受传导影响"})
    out["size_zh"] = out["size"].map(ENUM_ZH["size"])
    out = out.sort_values(["hops", "uscc"]).reset_index(drop=True)
    return out[list(columns)].astype(columns)


_MAP_FIRM_SCHEMA = {"uscc": "str", "name": "str", "region_code": "str", "size": "str", "revenue": "float",
                    "employees": "int", "qms_certified": "bool", "has_certificate": "bool",
                    "designated_regions": "list", "segment_ids": "list"}
_MAP_SUPPLY_SCHEMA = {"source": "str", "target": "str", "products": "int", "product_list": "list", "value": "float"}
_MAP_FEEDS_SCHEMA = {"source": "str", "target": "str"}
_DATE_SCHEMA = {"observed_on": "date", "measured_on": "date", "started": "date", "issued": "date"}


def finish_chain_map(firms: pd.DataFrame, supplies: pd.DataFrame, feeds: pd.DataFrame, pairs: pd.DataFrame,
                     plist: pd.DataFrame, problems: pd.DataFrame, segments: _Segments, chain: str | None, *,
                     dimension: str, show_problems: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge frames of a chain map, as ``chaingraph/queries/chain_map.py`` builds them.

    Parameters
    ----------
    firms, supplies, feeds : pandas.DataFrame
        Statements 1–3 of ``chain_map.cypher``.
    pairs : pandas.DataFrame
        Statement 2 of ``common_problems.cypher`` (per firm × problem; only ``severity`` is used).
    plist : pandas.DataFrame
        The scope's common-problem list (:func:`finish_common_problems`, default thresholds).
    problems : pandas.DataFrame
        The problem catalog.
    segments : _Segments
    chain : str or None
    dimension : {"region", "industry"}
    show_problems : bool

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Nodes (:data:`chaingraph.queries.chain_map.NODE_COLUMNS`) and edges (``EDGE_COLUMNS``).

    Raises
    ------
    KeyError
        If a row names a firm, problem or segment missing from the other rows or catalogs.

    Example
    -------
    >>> nodes, edges = finish_chain_map(firms, sup, feeds, pairs, plist, probs, segs, None,
    ...                                 dimension="region", show_problems=True)  # doctest: +SKIP
    """
    firms = firms.sort_values("uscc", kind="stable").reset_index(drop=True)
    segs = segments.table
    seg_pos = segments.positions(chain)
    firm_seg = segments.pairs(firms["segment_ids"], seg_pos)
    firm_seg["primary"] = ~firm_seg["row"].duplicated()
    n = len(firms)
    pos = {u: i for i, u in enumerate(firms["uscc"])}
    # segment nodes
    counts = firm_seg[firm_seg["primary"]].groupby("_seg").size()
    s = segs.iloc[seg_pos]
    parts = [pd.DataFrame({
        "node_id": "seg:" + s["id"].astype(str).to_numpy(), "kind": "segment",
        "label": s["name"].to_numpy(), "chain_id": s["chain_id"].to_numpy(),
        "segment_id": s["id"].to_numpy(), "stage": s["stage"].to_numpy(),
        "segment_order": s["flow_order"].to_numpy(), "key_link": s["key_link"].fillna(False).to_numpy(),
        "enterprise_count": counts.reindex(seg_pos, fill_value=0).to_numpy(),
    })]
    # enterprise nodes
    primary = firm_seg[firm_seg["primary"]].set_index("row")["_seg"]
    seg_of = primary.reindex(np.arange(n))
    has_seg = seg_of.notna().to_numpy()
    seg_rows = seg_of.fillna(0).astype(int).to_numpy()
    sup = supplies.sort_values(["source", "target"], kind="stable").reset_index(drop=True)
    src = sup["source"].map(pos).to_numpy(dtype=np.int64)
    dst = sup["target"].map(pos).to_numpy(dtype=np.int64)
    weight = sup["products"].to_numpy(dtype=np.int64)
    deg = np.bincount(np.concatenate([src, dst]), weights=np.concatenate([weight, weight]), minlength=n).astype(
        np.int64)
    pair = pairs[["uscc", "problem_id", "severity"]].copy()
    pair["_ent"] = pair["uscc"].map(pos)
    pair = pair.sort_values(["_ent", "problem_id"], kind="stable")
    pnames = problems.set_index("id")["name"]
    pair = pair.sort_values(["_ent", "severity"], ascending=[True, False], kind="stable")
    pair["txt"] = pair["problem_id"].map(pnames).astype(str) + "(" + pair["severity"].astype(str) + ")"
    per = pair.groupby("_ent").agg(problem_count=("problem_id", "size"), max_severity=("severity", "max"),
                                   problems=("txt", "; ".join))
    certified = firms["has_certificate"].fillna(False).to_numpy(dtype=bool) | firms["qms_certified"].fillna(
        False).to_numpy(dtype=bool)
    # a leader on the map: designated for a region that contains the firm (chain_map._leader_positions)
    regions = load_regions()
    is_leader = np.array([any(regions.covers(str(code), pd.Series([firm_region]))[0] for code in codes)
                          for codes, firm_region in zip(firms["designated_regions"], firms["region_code"],
                                                        strict=True)], dtype=bool)

    def seg_col(col: str) -> np.ndarray:
        vals = segs[col].to_numpy()[seg_rows] if len(segs) else np.full(n, None)
        return np.where(has_seg, vals, None)

    positions = np.arange(n)
    parts.append(pd.DataFrame({
        "node_id": "ent:" + firms["uscc"].astype(str).to_numpy(), "kind": "enterprise",
        "label": firms["name"].to_numpy(), "chain_id": seg_col("chain_id"), "segment_id": seg_col("id"),
        "stage": seg_col("stage"), "segment_order": seg_col("flow_order"), "key_link": seg_col("key_link"),
        "region_code": firms["region_code"].to_numpy(), "uscc": firms["uscc"].to_numpy(),
        "size": firms["size"].to_numpy(), "revenue": firms["revenue"].to_numpy(),
        "employees": firms["employees"].to_numpy(), "qms_certified": firms["qms_certified"].to_numpy(),
        "certified": certified, "is_leader": is_leader,
        "degree": deg,
        "problem_count": per["problem_count"].reindex(positions, fill_value=0).to_numpy(),
        "max_severity": per["max_severity"].reindex(positions).to_numpy(),
        "problems": per["problems"].reindex(positions).fillna("").to_numpy(),
    }))
    # edges: FEEDS, SUPPLIES, OPERATES_IN
    f = feeds.sort_values(["source", "target"], kind="stable")
    edges = [pd.DataFrame({"source": "seg:" + f["source"].astype(str).to_numpy(),
                           "target": "seg:" + f["target"].astype(str).to_numpy(), "type": "FEEDS"})]
    if len(sup):
        product = sup["product_list"].map(lambda p: "、".join(sorted({str(x) for x in p if x is not None})))
        edges.append(pd.DataFrame({"source": "ent:" + sup["source"].astype(str), "target": "ent:"
                                   + sup["target"].astype(str), "type": "SUPPLIES",
                                   "product": product.replace("", None), "value": sup["value"]}))
    edges.append(pd.DataFrame({
        "source": "ent:" + pd.Series(firms["uscc"].to_numpy()[firm_seg["row"].to_numpy()]).astype(str),
        "target": "seg:" + pd.Series(segs["id"].to_numpy()[firm_seg["_seg"].to_numpy()]).astype(str),
        "type": "OPERATES_IN"}))
    # problem hot spots
    if show_problems and len(pair):
        pp = pair[["_ent", "problem_id", "severity"]].sort_values(["_ent", "problem_id"]).reset_index(drop=True)
        pp["_seg"] = pp["_ent"].map(primary)
        hot = pp.dropna(subset=["_seg"]).groupby(["problem_id", "_seg"]).size().rename("c").reset_index()
        hot = hot.sort_values(["problem_id", "c", "_seg"], ascending=[True, False, True]).drop_duplicates(
            "problem_id")
        p_ids = np.unique(pp["problem_id"].to_numpy())
        p = problems.set_index("id").loc[p_ids]
        hot_seg = hot.set_index("problem_id")["_seg"].reindex(p_ids)
        seg_ids = segs["id"].to_numpy()
        nodes = pd.DataFrame({
            "node_id": "prob:" + pd.Series(p_ids).astype(str).to_numpy(), "kind": "problem",
            "label": p["name"].to_numpy(), "category": p["category"].to_numpy(),
            "problem_kind": p["kind"].to_numpy(),
            "segment_id": [seg_ids[int(x)] if pd.notna(x) else None for x in hot_seg],
            "chain_id": chain,
        })
        if len(plist):
            stats = plist.set_index("problem_id")
            nodes["affected"] = nodes["node_id"].str[5:].map(stats["affected"]).to_numpy()
            nodes["share"] = nodes["node_id"].str[5:].map(stats["share"]).to_numpy()
            nodes["is_common"] = nodes["node_id"].str[5:].map(stats["is_common"]).fillna(False).to_numpy()
        else:
            nodes["affected"] = pp.groupby("problem_id").size().reindex(p_ids).to_numpy()
        by_id = segs.set_index("id")
        nodes["stage"] = nodes["segment_id"].map(by_id["stage"])
        nodes["segment_order"] = nodes["segment_id"].map(by_id["flow_order"])
        parts.append(nodes)
        edges.append(pd.DataFrame({"source": "ent:" + pd.Series(firms["uscc"].to_numpy()[pp["_ent"].to_numpy()]),
                                   "target": "prob:" + pp["problem_id"].astype(str),
                                   "type": "HAS_PROBLEM", "severity": pp["severity"].to_numpy()}))
    if dimension == "industry":
        codes = sorted(set(firms["region_code"].dropna()))
        parts.append(pd.DataFrame({"node_id": [f"reg:{c}" for c in codes], "kind": "region",
                                   "label": [regions.full_name(c) for c in codes], "region_code": codes}))
    return (_map_frame(parts, MAP_NODE_COLUMNS), _map_frame(edges, MAP_EDGE_COLUMNS))


# ---------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------

class Neo4jGraph:
    """The named queries of chaingraph, answered by a Neo4j database.

    Parameters
    ----------
    driver : neo4j.Driver
        From :func:`chaingraph.neo4j_backend.connect` (or ``neo4j.GraphDatabase.driver``);
        the caller closes it.
    database : str, optional
        Database to query; the server's default when None.
    name : str, optional
        Dataset name for map titles (``meta["dataset"]``); default the database name or ``"neo4j"``.

    Raises
    ------
    BackendError
        From every query when the server fails (one line, naming the query).

    Example
    -------
    >>> from chaingraph.neo4j_backend import connect  # doctest: +SKIP
    >>> with connect() as driver:  # doctest: +SKIP
    ...     ng = Neo4jGraph(driver)
    ...     print(ng.composition("330502", "childrenswear"))
    """

    def __init__(self, driver: Any, database: str | None = None, *, name: str | None = None) -> None:
        self.driver = driver
        self.database = database
        self.name = name or database or "neo4j"

    def __repr__(self) -> str:
        return f"Neo4jGraph(database={self.database!r})"

    # -- transactions ---------------------------------------------------------------------
    def _read(self, what: str, work: Callable[[Any], Any]) -> Any:
        errors = _driver_errors()
        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_read(work)
        except errors as exc:
            raise BackendError(f"{what} failed on Neo4j: {type(exc).__name__}: {_one_line(exc)}") from None

    def _catalog(self, tx: Any, name: str) -> pd.DataFrame:
        schema = {"catalog_chains": _CHAIN_SCHEMA, "catalog_segments": _SEGMENT_SCHEMA,
                  "catalog_problems": _PROBLEM_SCHEMA, "catalog_benchmarks": _BENCHMARK_SCHEMA}[name]
        return _typed(_fetch(tx, statements(name)[0], {}), schema)

    def _catalogs(self, what: str, *names: str) -> dict[str, pd.DataFrame]:
        return self._read(what, lambda tx: {n: self._catalog(tx, n) for n in names})

    # -- scope ------------------------------------------------------------------------------
    @staticmethod
    def resolve_region(region: str) -> str:
        """GB/T 2260 code of a region given by code or name, as the embedded graph resolves it.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region.

        Example
        -------
        >>> Neo4jGraph.resolve_region("吴兴区")
        '330502'
        """
        return load_regions().resolve(str(region).strip())

    @classmethod
    def region_prefix(cls, region: str | None) -> str:
        """The code prefix of a region scope: 2 digits for a province, 4 for a city, 6 for a county.

        ``""`` (every region) for None.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region.

        Example
        -------
        >>> Neo4jGraph.region_prefix("湖州市"), Neo4jGraph.region_prefix("330502"), Neo4jGraph.region_prefix(None)
        ('3305', '330502', '')
        """
        if region is None:
            return ""
        code = cls.resolve_region(region)
        return code[: _PREFIX_LEN[load_regions().level(code)]]

    @staticmethod
    def _match_chain(chains: pd.DataFrame, chain: str) -> str:
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

    def resolve_chain(self, chain: str) -> str:
        """Chain id from an id or a name (exact id, exact name, then name contains), via the chain catalog.

        Raises
        ------
        ScopeError
            If no chain (or several) match.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.resolve_chain("童装")  # doctest: +SKIP
        'childrenswear'
        """
        return self._match_chain(self._catalogs("resolving a chain", "catalog_chains")["catalog_chains"], chain)

    @staticmethod
    def _match_segment(segments: pd.DataFrame, segment: str, chain: str | None) -> str:
        seg = segments if chain is None else segments[segments["chain_id"] == chain]
        key = str(segment).strip()
        hit = seg.loc[(seg["id"] == key) | (seg["name"] == key), "id"]
        if len(hit) == 1:
            return str(hit.iloc[0])
        if len(hit) > 1:
            raise ScopeError(f"segment '{segment}' is ambiguous: {', '.join(hit)}; give the chain or the id")
        raise ScopeError(f"unknown segment '{segment}'; known: " + ", ".join(f"{i} ({n})" for i, n in zip(
            seg["id"], seg["name"], strict=True)))

    @staticmethod
    def _match_problem(problems: pd.DataFrame, problem: str) -> str:
        key = str(problem).strip()
        hit = problems.loc[problems["id"] == key]
        if not len(hit):
            hit = problems.loc[problems["name"] == key]
        if not len(hit):
            hit = problems.loc[problems["name"].str.contains(key, regex=False, na=False)]
        if len(hit) == 1:
            return str(hit["id"].iloc[0])
        if len(hit) > 1:
            raise ScopeError(f"problem '{problem}' is ambiguous: " + ", ".join(
                f"{i} ({n})" for i, n in zip(hit["id"], hit["name"], strict=True)))
        raise ScopeError(f"unknown problem '{problem}'")

    def _scope(self, region: str | None, chain: str | None, *catalogs: str,
               segment: str | None = None) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
        """Resolve a scope: parameters for the statements, plus the catalogs asked for."""
        prefix = self.region_prefix(region)
        names = dict.fromkeys(("catalog_chains", *catalogs, *(("catalog_segments",) if segment else ())))
        cats = self._catalogs("resolving the scope", *names)
        cid = self._match_chain(cats["catalog_chains"], chain) if chain is not None else None
        sid = self._match_segment(cats["catalog_segments"], segment, cid) if segment is not None else None
        return {"region_prefix": prefix, "chain": cid, "segment": sid}, cats

    # -- named queries ----------------------------------------------------------------------
    def _cp_rows(self, tx: Any, params: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        groups_q, pairs_q, means_q = statements("common_problems")
        groups = _typed(_fetch(tx, groups_q, params), {"segment_ids": "list", "firms": "int"})
        pairs = _typed(_fetch(tx, pairs_q, params), _PAIR_SCHEMA)
        means = _typed(_fetch(tx, means_q, params), {"benchmark_id": "str", "scope_mean": "float"})
        return groups, pairs, means

    def common_problems(self, region: str | None = None, chain: str | None = None, segment: str | None = None, *,
                        min_firms: int = MIN_FIRMS, min_share: float = MIN_SHARE,
                        include_resolved: bool = True) -> pd.DataFrame:
        """The list of common quality problems (共性质量问题清单), as :func:`chaingraph.queries.common_problems`.

        Parameters
        ----------
        region : str, optional
            Region code or name; covers every region below it. None: all regions.
        chain : str, optional
            Chain id or name. None: one list per chain (chains in id order).
        segment : str, optional
            Restrict the scope to one segment of the chain.
        min_firms : int
            Minimum firms affected for a problem to count as common.
        min_share : float
            Minimum Wilson 95 % lower bound of the share of firms affected.
        include_resolved : bool
            Count firms whose latest status for the problem is ``resolved``.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.problems.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region, chain or segment.
        ValueError
            ``min_firms`` < 1 or ``min_share`` outside [0, 1].
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.common_problems("吴兴区", "童装", min_firms=5)  # doctest: +SKIP
        """
        if min_firms < 1:
            raise ValueError("min_firms must be at least 1")
        if not 0 <= min_share <= 1:
            raise ValueError("min_share must be between 0 and 1")
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems", "catalog_benchmarks",
                                   segment=segment)
        segments = _Segments(cats["catalog_segments"])
        if params["chain"] is None and params["segment"] is None:
            chains = cats["catalog_chains"]["id"].tolist()
        else:
            chains = [params["chain"]]

        def work(tx: Any) -> list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
            return [self._cp_rows(tx, {**params, "chain": c}) for c in chains]

        frames = []
        for c, (groups, pairs, means) in zip(chains, self._read("common_problems", work), strict=True):
            frames.append(finish_common_problems(pairs, groups, means, cats["catalog_problems"],
                                                 cats["catalog_benchmarks"], segments, c, min_firms=min_firms,
                                                 min_share=min_share, include_resolved=include_resolved))
        frames = [f for f in frames if len(f)]
        columns = PROBLEM_COLUMNS
        return pd.concat(frames, ignore_index=True).astype(columns) if frames else empty(columns)

    def composition(self, region: str | None = None, chain: str | None = None) -> pd.DataFrame:
        """Enterprises by segment × size class with quality measures, as :func:`chaingraph.queries.composition`.

        Parameters
        ----------
        region : str, optional
            Region code or name (covers regions below it).
        chain : str, optional
            Chain id or name; None covers every chain (chains in id order).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.composition.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.composition("330502", "childrenswear")  # doctest: +SKIP
        """
        params, cats = self._scope(region, chain, "catalog_segments")
        rows = self._read("composition", lambda tx: _typed(_fetch(tx, statements("composition")[0], params),
                                                           _COMPOSITION_SCHEMA))
        return finish_composition(rows, _Segments(cats["catalog_segments"]))

    def benchmark_gaps(self, region: str | None = None, chain: str | None = None, *,
                       detail: bool = False) -> pd.DataFrame:
        """Measured values against domestic / international advanced levels, as
        :func:`chaingraph.queries.benchmark_gaps`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        detail : bool
            One row per firm × metric instead of one per metric.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.benchmarks.COLUMNS` (or ``DETAIL_COLUMNS``).

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.benchmark_gaps("330502", "childrenswear")[["metric", "mean", "gap_domestic"]]  # doctest: +SKIP
        """
        params, cats = self._scope(region, chain, "catalog_benchmarks", "catalog_problems")
        query = statements("benchmark_gaps")[1 if detail else 0]
        schema = _BENCH_DETAIL_SCHEMA if detail else _BENCH_SCHEMA
        rows = self._read("benchmark_gaps", lambda tx: _typed(_fetch(tx, query, params), schema))
        if detail:
            return finish_benchmark_detail(rows, cats["catalog_benchmarks"])
        return finish_benchmark_gaps(rows, cats["catalog_benchmarks"], cats["catalog_problems"])

    def leaders(self, region: str | None = None, chain: str | None = None, *, hops: int = 2,
                candidates: int = 10) -> pd.DataFrame:
        """Designated leaders and data-driven candidates, as :func:`chaingraph.queries.leaders`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        hops : int
            Supply steps counted for reach and for small/micro firms reached.
        candidates : int
            How many non-designated candidates to list.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.leaders.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain.
        ValueError
            ``hops`` < 1 or ``candidates`` < 0.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.leaders("330502", "childrenswear", hops=2)[["role_zh", "enterprise", "score"]]  # doctest: +SKIP
        """
        if hops < 1:
            raise ValueError("hops must be at least 1")
        if candidates < 0:
            raise ValueError("candidates must be >= 0")
        params, cats = self._scope(region, chain, "catalog_segments")
        firms_q, edges_q = statements("leaders")

        def work(tx: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
            return (_typed(_fetch(tx, firms_q, params), _LEADER_FIRM_SCHEMA),
                    _typed(_fetch(tx, edges_q, params), _EDGE_SCHEMA))

        firms, edges = self._read("leaders", work)
        return finish_leaders(firms, edges, _Segments(cats["catalog_segments"]), params["chain"], hops=hops,
                              candidates=candidates)

    def weak_links(self, region: str | None = None, chain: str | None = None, *,
                   dense_factor: float = 1.5) -> pd.DataFrame:
        """Gaps, single-supplier dependencies, articulation points and problem-dense segments, as
        :func:`chaingraph.queries.weak_links`.

        Parameters
        ----------
        region : str, optional
            Region code or name.
        chain : str
            Chain id or name (required: gaps are relative to a chain's segments).
        dense_factor : float
            A segment is problem-dense above this multiple of the chain's average observations per firm.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.weak_links.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain, or no chain given.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.weak_links("330502", "childrenswear").groupby("kind").size()  # doctest: +SKIP
        """
        if chain is None:
            raise ScopeError("weak_links needs a chain (gaps are relative to a chain's segments)")
        params, cats = self._scope(region, chain, "catalog_segments")
        firms_q, supplies_q = statements("weak_links")

        def work(tx: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
            return (_typed(_fetch(tx, firms_q, params), _WEAK_FIRM_SCHEMA),
                    _typed(_fetch(tx, supplies_q, params), _WEAK_SUPPLY_SCHEMA))

        firms, supplies = self._read("weak_links", work)
        return finish_weak_links(firms, supplies, _Segments(cats["catalog_segments"]), params["chain"],
                                 dense_factor=dense_factor)

    def exposure(self, problem: str, region: str | None = None, chain: str | None = None, *,
                 max_hops: int | None = None, include_resolved: bool = False) -> pd.DataFrame:
        """Firms exposed through supply paths to firms that have ``problem``, as :func:`chaingraph.queries.exposure`.

        The breadth-first search runs one supply step per Cypher call (``$frontier``), all in one
        read transaction, over the whole graph (exposure crosses region borders).

        Parameters
        ----------
        problem : str
            Problem id or name.
        region, chain : str, optional
            Scope of the affected firms.
        max_hops : int, optional
            Stop after this many supply steps (None: follow every path).
        include_resolved : bool
            Also start from firms whose latest status for the problem is resolved.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.exposure.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown problem, region or chain.
        ValueError
            ``max_hops`` < 1.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.exposure("色牢度不达标", "330502", "childrenswear", max_hops=2)  # doctest: +SKIP
        """
        if max_hops is not None and max_hops < 1:
            raise ValueError("max_hops must be at least 1")
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems")
        params["problem"] = self._match_problem(cats["catalog_problems"], problem)
        sources_q, step_q, firms_q = statements("exposure")

        def work(tx: Any) -> tuple[dict[str, int], dict[str, str], pd.DataFrame]:
            src = _typed(_fetch(tx, sources_q, params), {"uscc": "str", "status": "str"})
            if not include_resolved:
                src = src[src["status"] != "resolved"]

            def step(frontier: list[str]) -> pd.DataFrame:
                return _typed(_fetch(tx, step_q, {"frontier": frontier}), {"supplier": "str", "customer": "str"})

            dist, via = bfs_downstream(src["uscc"].tolist(), step, max_hops)
            firms = _typed(_fetch(tx, firms_q, {**params, "usccs": sorted(dist)}), _EXPOSURE_FIRM_SCHEMA) if dist \
                else pd.DataFrame()
            return dist, via, firms

        dist, via, firms = self._read("exposure", work)
        return finish_exposure(firms, dist, via, _Segments(cats["catalog_segments"]), params["chain"])

    def chain_map(self, region: str | None = None, chain: str | None = None, *, dimension: str = "region",
                  show_problems: bool = True) -> ChainMap:
        """Nodes and edges of a region's chain map (or one chain across regions), as
        :func:`chaingraph.queries.chain_map`.

        Parameters
        ----------
        region : str, optional
            Region code or name (covers the regions below it).
        chain : str, optional
            Chain id or name; None draws every chain of the region.
        dimension : {"region", "industry"}
            ``industry`` adds one ``reg:`` node per firm region.
        show_problems : bool
            Include problem nodes and HAS_PROBLEM edges.

        Returns
        -------
        ChainMap
            ``nodes`` / ``edges`` frames (:data:`chaingraph.queries.chain_map.NODE_COLUMNS`,
            ``EDGE_COLUMNS``) and ``meta`` (``dataset`` is this graph's ``name``).

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain, or an unknown dimension.
        BackendError
            If the server fails.

        Example
        -------
        >>> cm = ng.chain_map("330502", "childrenswear")  # doctest: +SKIP
        """
        if dimension not in ("region", "industry"):
            raise ScopeError(f"unknown map dimension '{dimension}'; use region, industry (or enterprise_map)")
        params, cats = self._scope(region, chain, "catalog_segments", "catalog_problems", "catalog_benchmarks")
        firms_q, supplies_q, feeds_q, date_q = statements("chain_map")

        def work(tx: Any) -> tuple[pd.DataFrame, ...]:
            firms = _typed(_fetch(tx, firms_q, params), _MAP_FIRM_SCHEMA)
            supplies = _typed(_fetch(tx, supplies_q, params), _MAP_SUPPLY_SCHEMA)
            feeds = _typed(_fetch(tx, feeds_q, params), _MAP_FEEDS_SCHEMA)
            dates = _typed(_fetch(tx, date_q, params), _DATE_SCHEMA)
            return (firms, supplies, feeds, dates, *self._cp_rows(tx, params))

        firms, supplies, feeds, dates, groups, pairs, means = self._read("chain_map", work)
        segments = _Segments(cats["catalog_segments"])
        cid = params["chain"]
        plist = finish_common_problems(pairs, groups, means, cats["catalog_problems"], cats["catalog_benchmarks"],
                                       segments, cid, min_firms=MIN_FIRMS,
                                       min_share=MIN_SHARE, include_resolved=True)
        nodes, edges = finish_chain_map(firms, supplies, feeds, pairs, plist, cats["catalog_problems"], segments,
                                        cid, dimension=dimension, show_problems=show_problems)
        code = self.resolve_region(region) if region is not None else None
        region_name = load_regions().full_name(code) if code else "全部区域"
        chains = cats["catalog_chains"]
        chain_name = str(chains.loc[chains["id"] == cid, "name"].iloc[0]) if cid else "全部产业链"
        latest = dates.iloc[0].dropna() if len(dates) else pd.Series(dtype="datetime64[s]")
        data_date = max(latest).date().isoformat() if len(latest) else ""
        what = "质量认证强链图谱" if dimension == "region" else "产业维度强链图谱"
        chain_label = f"{chain_name}产业链" if cid else "全部产业链"
        meta = {
            "title": f"{region_name} · {chain_label} {what}", "region_code": code, "region_name": region_name,
            "chain_id": cid, "chain_name": chain_name, "data_date": data_date, "dimension": dimension,
            "dataset": self.name,
            "counts": {"enterprises": int((nodes["kind"] == "enterprise").sum()),
                       "segments": int((nodes["kind"] == "segment").sum()),
                       "problems": int((nodes["kind"] == "problem").sum()),
                       "supply_edges": int((edges["type"] == "SUPPLIES").sum()) if len(edges) else 0},
        }
        return ChainMap(nodes, edges, meta)

    # -- ad-hoc queries -------------------------------------------------------------------------
    def run_query(self, text_or_file: str | Path, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a read-only Cypher query (text, or a ``.cypher`` file) and return its rows.

        See :func:`run_query`.

        Raises
        ------
        BackendError
            If the text holds a write clause, the file cannot be read, or the server fails.

        Example
        -------
        >>> ng.run_query("MATCH (c:Chain) RETURN c.id AS id")  # doctest: +SKIP
        """
        return run_query(self.driver, text_or_file, params, database=self.database)


# ---------------------------------------------------------------------------
# Ad-hoc read-only queries (`chaingraph query FILE_OR_TEXT --param k=v`)
# ---------------------------------------------------------------------------

WRITE_CLAUSES: tuple[str, ...] = (
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "LOAD CSV", "IN TRANSACTIONS",
    "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "TERMINATE", "apoc.*", "gds.*", "dbms.*",
    "db.*.create*/drop*/clear*/set*/remove*/delete*",
)
"""What :func:`check_read_only` refuses outside strings and comments (case-insensitive)."""

_WRITE_RE = re.compile(
    r"(?<![\w.$])(?:CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|ALTER|RENAME|GRANT|DENY|REVOKE|"
    r"TERMINATE|LOAD\s+CSV|IN\s+(?:\S+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS)(?!\w)"
    r"|(?<![\w.$])(?:apoc|gds|dbms)\s*\."
    r"|(?<![\w.$])db(?:\s*\.\s*\w+)*?\s*\.\s*(?:create|drop|clear|set|remove|delete)\w*",
    re.IGNORECASE,
)
_LITERAL_RE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/|`((?:[^`]|``)*)`",
                         re.DOTALL)


def _code_only(text: str) -> str:
    """Cypher text with string literals and comments blanked and backquoted names unquoted."""
    def sub(m: re.Match[str]) -> str:
        return m.group(1).replace("``", "`") if m.group(1) is not None else " "

    return _LITERAL_RE.sub(sub, text)


def check_read_only(text: str) -> None:
    """Refuse Cypher text that holds a write clause, a write procedure or a batched-write subquery.

    A lexical check (:data:`WRITE_CLAUSES`, outside string literals and comments; backquoted
    names are checked unquoted) for a clear early error. It is **not** the guarantee:
    :func:`run_query` runs the query in a read transaction, in which the server refuses to
    write, and a deployment should connect as a database user with read privileges only.

    Raises
    ------
    BackendError
        Naming the clause found.

    Examples
    --------
    >>> check_read_only("MATCH (n:Enterprise) WHERE n.name = 'CREATE' RETURN n.name // SET")
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    chaingraph.errors.BackendError: refusing a query that writes ('DETACH'): chaingraph query is read-only
    """
    m = _WRITE_RE.search(_code_only(text))
    if m:
        found = " ".join(m.group(0).split())
        raise BackendError(f"refusing a query that writes ({found!r}): chaingraph query is read-only")


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` → ``(k, v)``, the value parsed as JSON when possible, else kept as a string.

    Raises
    ------
    BackendError
        Without ``=`` or with a name that is not a Cypher parameter name.

    Examples
    --------
    >>> parse_param("n=3"), parse_param("codes=[\\"330502\\"]"), parse_param("region=330502")
    (('n', 3), ('codes', ['330502']), ('region', 330502))
    >>> parse_param("name=吴兴区")
    ('name', '吴兴区')
    """
    name, sep, value = str(text).partition("=")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise BackendError(f"a parameter is name=value (name: letters, digits, _), not {text!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """Several ``k=v`` (see :func:`parse_param`) as a dict; a later name wins.

    Raises
    ------
    BackendError
        For a malformed pair.

    Example
    -------
    >>> parse_params(["a=1", "b=x"])
    {'a': 1, 'b': 'x'}
    """
    return dict(parse_param(p) for p in pairs)


def _value(v: Any) -> Any:
    v = _native(v)
    if type(v).__module__.startswith("neo4j") and hasattr(v, "items"):  # Node / Relationship
        return dict(v.items())
    if isinstance(v, list):
        return [_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _value(x) for k, x in v.items()}
    return v


def run_query(driver: Any, text_or_file: str | Path, params: Mapping[str, Any] | None = None, *,
              database: str | None = None) -> pd.DataFrame:
    """Run one read-only Cypher statement and return its rows as a frame (columns in RETURN order).

    Parameters
    ----------
    driver : neo4j.Driver
    text_or_file : str or pathlib.Path
        Cypher text, or the path of a file holding one statement (``//`` comments allowed).
    params : mapping, optional
        Query parameters (``$name`` in the text); see :func:`parse_params` for ``--param k=v``.
    database : str, optional

    Returns
    -------
    pandas.DataFrame
        Neo4j dates and times as Python ones, nodes and relationships as property dicts.

    Raises
    ------
    BackendError
        A write clause (:func:`check_read_only`), an unreadable file, several statements, or a
        server error (e.g. a missing parameter). The real guarantee of read-only is the read
        transaction (``session.execute_read``: the server refuses writes in it) and, in
        production, a database user with read privileges only; the text check only gives a
        clear early error.

    Example
    -------
    >>> run_query(driver, "MATCH (e:Enterprise) WHERE e.region_code STARTS WITH $p RETURN count(e) AS n",
    ...           {"p": "3305"})  # doctest: +SKIP
    """
    text = str(text_or_file)
    single_line = "\n" not in text and len(text) < 4096
    path = Path(text) if isinstance(text_or_file, Path) or (single_line and (
        text.endswith(".cypher") or Path(text).is_file())) else None
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BackendError(f"cannot read Cypher file {path}: {exc.strerror or exc}") from None
    check_read_only(text)
    stmts = split_statements(text)
    if len(stmts) != 1:
        raise BackendError(f"chaingraph query runs exactly one statement, found {len(stmts)}")
    query = stmts[0]
    params = dict(params or {})
    missing = [p for p in statement_parameters(query) if p not in params]
    if missing:
        raise BackendError(f"missing query parameter(s): {', '.join(missing)} (give --param name=value)")

    def work(tx: Any) -> tuple[list[str], list[list[Any]]]:
        result = tx.run(query, params)
        keys = list(result.keys())
        return keys, [[_value(v) for v in record.values()] for record in result]

    errors = _driver_errors()
    try:
        with driver.session(database=database) as session:
            keys, rows = session.execute_read(work)
    except errors as exc:
        raise BackendError(f"query failed on Neo4j: {type(exc).__name__}: {_one_line(exc)}") from None
    return pd.DataFrame(rows, columns=keys) if rows else pd.DataFrame({k: pd.Series([], dtype=object) for k in keys})


# ---------------------------------------------------------------------------
# Key order: the embedded graph whose results this backend reproduces
# ---------------------------------------------------------------------------

def key_ordered(graph: ChainGraph) -> ChainGraph:
    """The same graph with every table sorted by its key (missing values first).

    The embedded queries break some ties by table position (see the module doc); a database
    has no row order, so :class:`Neo4jGraph` breaks them by key. Its results equal the
    embedded results on this graph (the parity tests compare exactly that).

    Raises
    ------
    ValueError
        If a table lacks a key column (not a graph built by chaingraph).

    Example
    -------
    >>> g2 = key_ordered(ChainGraph.from_dataset("datasets/wuxing-childrenswear"))  # doctest: +SKIP
    """
    tables: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        df = graph.tables[name]
        missing = [k for k in table.key if k not in df.columns]
        if missing:
            raise ValueError(f"table {name} has no key column {missing}")
        df = df[[c for c in df.columns if not c.startswith("_")]]
        tables[name] = df.sort_values(list(table.key), na_position="first", kind="stable").reset_index(drop=True)
    return ChainGraph(tables, name=graph.name, meta=dict(graph.meta))
