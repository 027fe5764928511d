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

import datetime as dt

import numpy as np
import pandas as pd

from chaingraph.errors import ScopeError
from chaingraph.graph.aggregates import STATUSES
from chaingraph.graph.asof import graph_as_of
from chaingraph.graph.core import ChainGraph, Scope
from chaingraph.queries._common import empty, resolve_scope, size_zh, take
from chaingraph.queries._frames import primary_segments

COLUMNS: dict[str, str] = {
    "role": "str",
    "role_zh": "str",
    "hops": "int64",
    "enterprise_id": "str",
    "enterprise": "str",
    "region_code": "str",
    "size": "str",
    "size_zh": "str",
    "segment": "str",
    "via_id": "str",
    "via": "str",
    "in_scope": "bool",
}
"""Output columns of :func:`exposure`."""


REACHED_COLUMNS: dict[str, str] = {
    "enterprise_id": "str",
    "hops": "int64",
    "via_id": "str",
    "enterprise": "str",
    "region_code": "str",
    "size": "str",
    "in_scope": "bool",
}
"""Input of :func:`finish_exposure`: every firm the search reached, any order: its distance (0 for the
affected firms), its nearest affected supplier (``via_id``; itself at 0) and its attributes."""


def match_problem(problems: pd.DataFrame, problem: str) -> str:
    """Id of a problem given by id, exact name, or a unique part of its name, in a problem catalog.

    Raises
    ------
    ScopeError
        Unknown or ambiguous problem.

    Example
    -------
    >>> match_problem(pd.DataFrame({"id": ["P1"], "name": ["色牢度不达标"]}), "色牢度")
    'P1'
    """
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


def resolve_problem(graph: ChainGraph, problem: str) -> int:
    """Row of a problem given by id or name (see :func:`match_problem`).

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
    return int(np.flatnonzero((p["id"] == match_problem(p, problem)).to_numpy())[0])


def exposure(graph: ChainGraph, problem: str, region: str | None = None, chain: str | None = None, *,
             max_hops: int | None = None, include_resolved: bool = False, as_of: str | dt.date | None = None) -> pd.DataFrame:
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

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
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
    graph = graph_as_of(graph, as_of)
    if max_hops is not None and max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    prob = resolve_problem(graph, problem)
    scope = resolve_scope(graph, region, chain)
    reached, members = exposure_inputs(graph, scope, prob, max_hops=max_hops, include_resolved=include_resolved)
    return finish_exposure(reached, members, graph.tables["segments"], scope.chain)


def exposure_inputs(graph: ChainGraph, scope: Scope, prob: int, *, max_hops: int | None,
                    include_resolved: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The embedded inputs of :func:`finish_exposure`: the breadth-first search over the supplies table.

    The affected firms are the scope's firms whose latest recorded status for problem row ``prob`` is
    not ``resolved`` (all of them with ``include_resolved``). A firm first reached at step h takes the
    ``via`` of its first supplier in the frontier in table order (the smallest enterprise id).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        :data:`REACHED_COLUMNS` and the reached firms' memberships (``enterprise_id, segment_id``).

    Raises
    ------
    ValueError
        ``max_hops`` < 1.

    Example
    -------
    >>> reached, members = exposure_inputs(g, g.scope("330502", "童装"), 0, max_hops=None,
    ...                                    include_resolved=False)  # doctest: +SKIP
    """
    if max_hops is not None and max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    t = graph.tables
    pairs = graph.aggregates["pairs"]
    ent_col = pairs["_ent"].to_numpy()
    hit_pairs = (pairs["_prob"].to_numpy() == prob) & scope.mask[ent_col]
    if not include_resolved:
        hit_pairs &= pairs["status"].to_numpy() != STATUSES.index("resolved")
    sources = np.unique(ent_col[hit_pairs])
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
    ids = ent["id"]
    e = ent.iloc[hit]
    reached = pd.DataFrame({
        "enterprise_id": take(ids, hit), "hops": dist[hit], "via_id": take(ids, via[hit]),
        "enterprise": e["name"].to_numpy(),
        "region_code": e["region_code"].to_numpy(), "size": e["size"].to_numpy(), "in_scope": scope.mask[hit],
    })
    reached_mask = dist >= 0
    ops = t["operates_in"]
    ops = ops[reached_mask[ops["_ent"].to_numpy()]]
    members = pd.DataFrame({"enterprise_id": take(ids, ops["_ent"].to_numpy()),
                            "segment_id": ops["segment_id"].to_numpy()})
    return reached.astype(REACHED_COLUMNS), members


def finish_exposure(reached: pd.DataFrame, members: pd.DataFrame, segments: pd.DataFrame,
                    chain: str | None) -> pd.DataFrame:
    """The exposure frame from the firms the search reached; shared by both engines.

    Parameters
    ----------
    reached : pandas.DataFrame
        :data:`REACHED_COLUMNS`, any order.
    members : pandas.DataFrame
        ``enterprise_id, segment_id`` of the reached firms (their primary segment in ``chain`` is shown).
    segments : pandas.DataFrame
        The segment catalog.
    chain : str or None

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, by hops then enterprise id.

    Raises
    ------
    KeyError
        If a ``via_id`` is not an affected firm (``hops`` 0).

    Example
    -------
    >>> finish_exposure(*exposure_inputs(g, scope, 0, max_hops=None, include_resolved=False),
    ...                 g.tables["segments"], "childrenswear")  # doctest: +SKIP
    """
    if reached.empty:
        return empty(COLUMNS)
    ids, hops = reached["enterprise_id"].to_numpy(dtype=object), reached["hops"].to_numpy()
    in_order = bool(np.all((hops[1:] > hops[:-1]) | ((hops[1:] == hops[:-1]) & (ids[1:] > ids[:-1]))))
    # already in order (10⁵ strings): no sort
    out = reached if in_order else reached.sort_values(["hops", "enterprise_id"], kind="stable")
    out = out.reset_index(drop=True)
    src = out[out["hops"].to_numpy() == 0]
    name_of = dict(zip(src["enterprise_id"].to_numpy(dtype=object), src["enterprise"].to_numpy(dtype=object),
                       strict=True))
    out["via"] = [name_of[v] for v in out["via_id"].to_numpy(dtype=object)]
    out["segment"] = out["enterprise_id"].map(primary_segments(members, segments, chain)["segment"])
    out["role"] = np.where(out["hops"] == 0, "affected", "exposed")
    out["role_zh"] = out["role"].map({"affected": "存在问题", "exposed": "受传导影响"})
    out["size_zh"] = size_zh(out["size"])
    return out[list(COLUMNS)].astype(COLUMNS)
