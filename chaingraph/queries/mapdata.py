"""The chain map's data: :class:`ChainMap`, the node and edge frames the ``chain_map`` query returns.

A query result type, shared by both engines and by the renderer
(:mod:`chaingraph.render.layout` places its nodes, :mod:`chaingraph.render.html`
draws them). Nothing here lays out, reads or writes anything.

Example
-------
>>> import pandas as pd
>>> cm = ChainMap(pd.DataFrame({"node_id": ["seg:a"], "kind": ["segment"], "label": ["面料"]}),
...               pd.DataFrame(columns=["source", "target", "type"]), {})
>>> len(cm.nodes)
1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chaingraph.errors import ChainGraphError

KINDS: tuple[str, ...] = ("segment", "enterprise", "problem", "region", "chain")
"""Node kinds of a :class:`ChainMap`."""

EDGE_TYPES: tuple[str, ...] = ("FEEDS", "OPERATES_IN", "SUPPLIES", "HAS_PROBLEM", "LEADS")
"""Edge types of a :class:`ChainMap`."""

NODE_COLUMNS: tuple[str, ...] = (
    "node_id", "kind", "label", "chain_id", "segment_id", "stage", "segment_order", "key_link",
    "region_code", "uscc", "stock_code", "short_name", "region_source", "id_source", "size", "revenue", "employees",
    "qms_certified", "certified", "is_leader",
    "degree", "problem_count", "max_severity", "problems", "category", "problem_kind", "affected",
    "share", "is_common", "enterprise_count",
)
"""Columns of ``ChainMap.nodes`` (the ``chain_map`` query's contract)."""

EDGE_COLUMNS: tuple[str, ...] = ("source", "target", "type", "product", "value", "severity")
"""Columns of ``ChainMap.edges``; a summary map adds ``count``."""

REQUIRED_NODE_COLUMNS: tuple[str, ...] = ("node_id", "kind", "label")
REQUIRED_EDGE_COLUMNS: tuple[str, ...] = ("source", "target", "type")

DEFAULT_MAX_NODES = 2500
"""Enterprise nodes above which a map is summarised by segment."""

SIZE_RANK: dict[str, int] = {"large": 3, "medium": 2, "small": 1, "micro": 0, "unknown": -1}
"""Sort rank of a size class, bigger first; a firm of unknown size (``unknown`` or missing: 规模不详) sorts
after micro (read a missing size as ``unknown``, e.g. ``size.map(SIZE_RANK).fillna(SIZE_RANK["unknown"])``)."""

UNASSIGNED = "__unassigned__"
"""Column key for firms / problems without a segment of this map (drawn rightmost)."""

SINGLE_BAND = "__all__"

HTML_REPR: dict[str, Any] = {}
"""``"html"``: the function that draws a :class:`ChainMap` for a notebook (``ChainMap._repr_html_``);
:mod:`chaingraph.render` registers it when imported (a query does not import the renderer)."""


class InvalidChainMap(ChainGraphError, ValueError):
    """A :class:`ChainMap` breaks its structural contract (also a ``ValueError``)."""


@dataclass
class ChainMap:
    """Node and edge frames of one chain map, as returned by the ``chain_map`` query.

    Parameters
    ----------
    nodes : pandas.DataFrame
        One row per node; columns :data:`NODE_COLUMNS` (those that do not apply
        to a kind are NA; only ``node_id``, ``kind`` and ``label`` are required
        here, missing optional columns are read as NA).
    edges : pandas.DataFrame
        One row per edge; columns :data:`EDGE_COLUMNS`.
    meta : dict
        ``title``, ``region_code``, ``region_name``, ``chain_id``, ``chain_name``,
        ``data_date``, ``dimension`` (``"region"`` | ``"industry"`` |
        ``"enterprise"``), counts, and ``focus`` (a node_id) for the enterprise
        dimension. A summary adds ``summary=True``; a per-segment map adds
        ``segment`` (the segment's node_id).

    Example
    -------
    >>> cm = ChainMap(pd.DataFrame(columns=["node_id", "kind", "label"]),
    ...               pd.DataFrame(columns=["source", "target", "type"]))
    >>> cm.meta
    {}
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str | None:
        """The map inline in a notebook (a sandboxed ``<iframe srcdoc>``) once :mod:`chaingraph.render` is imported.

        Raises
        ------
        ValueError
            If the map breaks its contract.

        Example
        -------
        >>> import chaingraph.render  # doctest: +SKIP
        >>> cm  # in a notebook cell: the map  # doctest: +SKIP
        """
        draw = HTML_REPR.get("html")
        return draw(self) if draw is not None else None


def column(df: pd.DataFrame, name: str, default: Any = pd.NA) -> pd.Series:
    """Return ``df[name]``, or a Series of ``default`` when the column is absent.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame-like object with ``columns`` and ``index``.

    Example
    -------
    >>> column(pd.DataFrame({"a": [1]}), "b").isna().all()
    np.True_
    """
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index, dtype="object")


def flag(df: pd.DataFrame, name: str) -> pd.Series:
    """Read a boolean column as plain ``bool`` (NA and absent → ``False``).

    Raises
    ------
    TypeError, ValueError
        If the column holds values that are not booleans (e.g. free text).

    Example
    -------
    >>> flag(pd.DataFrame({"x": pd.array([True, pd.NA], dtype="boolean")}), "x").tolist()
    [True, False]
    """
    s = column(df, name)
    return s.astype("boolean").fillna(False).astype(bool)


def segment_key(nodes: pd.DataFrame) -> pd.Series:
    """Column key of every node: the ``seg:`` node_id of the segment it belongs to.

    A segment node is its own key; an enterprise or problem maps through its
    ``segment_id`` (NA → NA); other kinds are NA.

    Raises
    ------
    KeyError
        If ``nodes`` has no ``node_id`` or ``kind`` column.

    Example
    -------
    >>> n = pd.DataFrame({"node_id": ["seg:a", "ent:1"], "kind": ["segment", "enterprise"],
    ...                   "segment_id": [pd.NA, "a"]})
    >>> segment_key(n).tolist()
    ['seg:a', 'seg:a']
    """
    kind = nodes["kind"].astype("str")
    sid = column(nodes, "segment_id").astype("str")
    key = ("seg:" + sid).where(sid.notna())
    key = key.where(kind.isin(["enterprise", "problem"]))
    return key.mask(kind == "segment", nodes["node_id"].astype("str")).astype("str")


def check_chain_map(cm: ChainMap) -> None:
    """Check the structural contract of a :class:`ChainMap`.

    Parameters
    ----------
    cm : ChainMap

    Raises
    ------
    InvalidChainMap
        (a ``ValueError``) listing every problem found: a missing required column, a duplicate or
        missing ``node_id``, an unknown node kind or edge type, an edge whose end
        is not a node of the map.

    Example
    -------
    >>> check_chain_map(ChainMap(pd.DataFrame({"node_id": ["x"], "kind": ["galaxy"], "label": ["?"]}),
    ...                          pd.DataFrame(columns=["source", "target", "type"])))
    Traceback (most recent call last):
    ...
    chaingraph.queries.mapdata.InvalidChainMap: invalid ChainMap: unknown node kind(s): galaxy
    """
    issues: list[str] = []
    n, e = cm.nodes, cm.edges
    miss_n = [c for c in REQUIRED_NODE_COLUMNS if c not in n.columns]
    miss_e = [c for c in REQUIRED_EDGE_COLUMNS if c not in e.columns]
    if miss_n:
        issues.append(f"nodes lack column(s): {', '.join(miss_n)}")
    if miss_e:
        issues.append(f"edges lack column(s): {', '.join(miss_e)}")
    if not miss_n:
        ids = n["node_id"]
        if ids.isna().any():
            issues.append(f"{int(ids.isna().sum())} node(s) without node_id")
        dup = ids[ids.duplicated() & ids.notna()].astype("str").unique().tolist()
        if dup:
            issues.append(f"duplicate node_id(s): {', '.join(dup[:10])}" + (" …" if len(dup) > 10 else ""))
        bad = sorted(set(n["kind"].dropna().astype("str")) - set(KINDS))
        if bad or n["kind"].isna().any():
            issues.append("unknown node kind(s): " + ", ".join(bad + (["<NA>"] if n["kind"].isna().any() else [])))
        if not miss_e and len(e):
            known = set(ids.dropna().astype("str"))
            ends = pd.concat([e["source"], e["target"]]).astype("str")
            dangling = sorted(set(ends[~ends.isin(known)]))
            if dangling:
                issues.append(f"edge end(s) not among nodes: {', '.join(dangling[:10])}"
                              + (" …" if len(dangling) > 10 else ""))
    if not miss_e:
        bad_t = sorted(set(e["type"].dropna().astype("str")) - set(EDGE_TYPES))
        if bad_t:
            issues.append(f"unknown edge type(s): {', '.join(bad_t)}")
    if issues:
        raise InvalidChainMap("invalid ChainMap: " + "; ".join(issues))


