"""Exposure (风险传导): firms downstream of firms that have a problem, through supply paths.

The affected firms are the scope's firms with an observation of the problem
(latest status not ``resolved``, unless ``include_resolved``). From them a
breadth-first search follows supply edges downstream (supplier → customer)
over the *whole* graph — exposure crosses region borders, and ``in_scope``
says whether a firm belongs to the asked scope. Each firm appears once, at its
shortest distance (``hops``), with one nearest affected supplier (``via``).
Cycles in the supply graph neither hang the search nor double count: a firm is
visited once.

Example
-------
>>> exposure(g, "P03", region="吴兴区", chain="童装")  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ScopeError
from ..graph import ChainGraph
from ..model import ENUM_ZH
from ._common import empty, primary_segment, resolve_scope

COLUMNS: dict[str, str] = {
    "role": "str",
    "role_zh": "str",
    "hops": "int64",
    "uscc": "str",
    "enterprise": "str",
    "region_code": "str",
    "size": "str",
    "size_zh": "str",
    "segment": "str",
    "via_uscc": "str",
    "via": "str",
    "in_scope": "bool",
}
"""Output columns of :func:`exposure`."""


def resolve_problem(graph: ChainGraph, problem: str) -> int:
    """Row of a problem given by id or exact name.

    Raises
    ------
    ScopeError
        Unknown or ambiguous problem.

    Example
    -------
    >>> resolve_problem(g, "P01")  # doctest: +SKIP
    0
    """
    p = graph.tables["problems"]
    key = str(problem).strip()
    hit = np.flatnonzero((p["id"] == key).to_numpy())
    if not len(hit):
        hit = np.flatnonzero((p["name"] == key).to_numpy())
    if not len(hit):
        hit = np.flatnonzero(p["name"].str.contains(key, regex=False, na=False).to_numpy())
    if len(hit) == 1:
        return int(hit[0])
    if len(hit) > 1:
        raise ScopeError(f"problem '{problem}' is ambiguous: " + ", ".join(
            f"{i} ({n})" for i, n in zip(p["id"].iloc[hit], p["name"].iloc[hit], strict=True)))
    raise ScopeError(f"unknown problem '{problem}'")


def exposure(graph: ChainGraph, problem: str, region: str | None = None, chain: str | None = None, *,
             max_hops: int | None = None, include_resolved: bool = False) -> pd.DataFrame:
    """Firms exposed, through supply paths, to firms that have ``problem``.

    Parameters
    ----------
    graph : ChainGraph
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
        Columns :data:`COLUMNS`; affected firms first (``hops`` 0), then exposed
        firms by distance.

    Raises
    ------
    ScopeError
        Unknown problem, region or chain.
    ValueError
        ``max_hops`` < 1.

    Example
    -------
    >>> exposure(g, "色牢度不达标", "330502", "childrenswear", max_hops=2)  # doctest: +SKIP
    """
    if max_hops is not None and max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    prob = resolve_problem(graph, problem)
    scope = resolve_scope(graph, region, chain)
    t = graph.tables
    obs = t["observations"]
    o = obs[(obs["_prob"].to_numpy() == prob) & scope.mask[obs["_ent"].to_numpy()]]
    latest = o.sort_values("observed_on", na_position="first").groupby("_ent")["status"].last()
    if not include_resolved:
        latest = latest[latest != "resolved"]
    sources = latest.index.to_numpy()
    if len(sources) == 0:
        return empty(COLUMNS)
    n = len(t["enterprises"])
    sup = t["supplies"]
    src, dst = sup["_src"].to_numpy(), sup["_dst"].to_numpy()
    dist = np.full(n, -1, dtype=np.int64)
    via = np.full(n, -1, dtype=np.int64)
    dist[sources] = 0
    via[sources] = sources
    frontier = np.zeros(n, dtype=bool)
    frontier[sources] = True
    h = 0
    while frontier.any() and (max_hops is None or h < max_hops):
        h += 1
        e = frontier[src]
        nxt, origin = dst[e], via[src[e]]
        new = dist[nxt] < 0
        nxt, origin = nxt[new], origin[new]
        if not len(nxt):
            break
        first = np.unique(nxt, return_index=True)[1]
        nxt, origin = nxt[first], origin[first]
        dist[nxt] = h
        via[nxt] = origin
        frontier = np.zeros(n, dtype=bool)
        frontier[nxt] = True
    hit = np.flatnonzero(dist >= 0)
    ent = t["enterprises"]
    e = ent.iloc[hit]
    seg = primary_segment(graph, hit, scope.chain)
    out = pd.DataFrame({
        "_pos": hit, "hops": dist[hit], "uscc": e["uscc"].to_numpy(), "enterprise": e["name"].to_numpy(),
        "region_code": e["region_code"].to_numpy(), "size": e["size"].to_numpy(),
        "via_uscc": ent["uscc"].to_numpy()[via[hit]], "via": ent["name"].to_numpy()[via[hit]],
        "in_scope": scope.mask[hit],
    })
    out["segment"] = out["_pos"].map(seg["segment"])
    out["role"] = np.where(out["hops"] == 0, "affected", "exposed")
    out["role_zh"] = out["role"].map({"affected": "存在问题", "exposed": "受传导影响"})
    out["size_zh"] = out["size"].map(ENUM_ZH["size"])
    out = out.sort_values(["hops", "uscc"]).reset_index(drop=True)
    return out[list(COLUMNS)].astype(COLUMNS)
