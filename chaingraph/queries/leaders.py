"""Chain leaders (链主企业): the designated ones, data-driven candidates, and their reach (辐射带动).

Candidates are scored on the scope's supply graph (supplier → customer):

* ``customers`` / ``suppliers`` — distinct direct trading partners;
* ``downstream_reach`` / ``upstream_reach`` — firms reachable within ``hops``
  supply steps downstream / upstream;
* ``pagerank`` — PageRank on the undirected supply graph (weight = number of
  products traded), a centrality that rewards hubs linked to other hubs.

``score`` is the mean of the four percentile ranks (customers, downstream
reach, upstream reach, PageRank), in [0, 1]. Reach is computed exactly for a
shortlist (designated leaders plus the top firms by degree and PageRank), so
the query stays fast on large scopes.

Example
-------
>>> leaders(g, "吴兴区", "童装")  # doctest: +SKIP
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from ..graph import ChainGraph
from ..model import ENUM_ZH
from ._common import designated_leaders, empty, primary_segment, resolve_scope

COLUMNS: dict[str, str] = {
    "role": "str",
    "role_zh": "str",
    "uscc": "str",
    "enterprise": "str",
    "size": "str",
    "size_zh": "str",
    "segment": "str",
    "designated_region": "str",
    "since": "datetime64[s]",
    "customers": "int64",
    "suppliers": "int64",
    "downstream_reach": "int64",
    "upstream_reach": "int64",
    "pagerank": "float64",
    "score": "float64",
    "score_rank": "int64",
    "smb_reached": "int64",
}
"""Output columns of :func:`leaders`."""

REACH_COLUMNS: dict[str, str] = {
    "leader_uscc": "str",
    "leader": "str",
    "direction": "str",
    "direction_zh": "str",
    "hops": "int64",
    "uscc": "str",
    "enterprise": "str",
    "size": "str",
    "size_zh": "str",
    "segment": "str",
}
"""Output columns of :func:`leader_reach`: one row per leader × small/micro firm reached."""

_SMB = ("micro", "small")


def _reach(G: nx.DiGraph, node: int, hops: int, reverse: bool) -> dict[int, int]:
    H = G.reverse(copy=False) if reverse else G
    d = nx.single_source_shortest_path_length(H, node, cutoff=hops)
    d.pop(node, None)
    return d


def leaders(graph: ChainGraph, region: str | None = None, chain: str | None = None, *, hops: int = 2,
            candidates: int = 10) -> pd.DataFrame:
    """Designated leaders and the strongest data-driven candidates of a region's chain.

    Parameters
    ----------
    graph : ChainGraph
    region, chain : str, optional
        Scope (codes, ids or names).
    hops : int
        Supply steps counted for reach and for small/micro firms reached.
    candidates : int
        How many non-designated candidates to list.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; designated leaders first, then candidates by score.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain.
    ValueError
        ``hops`` < 1 or ``candidates`` < 0.

    Example
    -------
    >>> leaders(g, "330502", "childrenswear", hops=2)[["role_zh", "enterprise", "score"]]  # doctest: +SKIP
    """
    if hops < 1:
        raise ValueError("hops must be at least 1")
    if candidates < 0:
        raise ValueError("candidates must be >= 0")
    scope = resolve_scope(graph, region, chain)
    if len(scope) == 0:
        return empty(COLUMNS)
    t = graph.tables
    G = graph.supply_graph(scope)
    nodes = scope.positions
    outdeg = np.array([G.out_degree(n) for n in nodes], dtype=np.int64)
    indeg = np.array([G.in_degree(n) for n in nodes], dtype=np.int64)
    U = G.to_undirected(as_view=True)
    if U.number_of_edges():
        pr_map = nx.pagerank(U, weight="products")
    else:
        pr_map = {n: 1.0 / len(nodes) for n in nodes}
    pr = np.array([pr_map.get(n, 0.0) for n in nodes])
    designated = designated_leaders(graph, scope)
    # shortlist: designated + top by degree and by pagerank
    k = max(3 * candidates, 30)
    order_deg = nodes[np.argsort(-(outdeg + indeg), kind="stable")[:k]]
    order_pr = nodes[np.argsort(-pr, kind="stable")[:k]]
    short = np.unique(np.concatenate([designated, order_deg, order_pr]))
    sizes = t["enterprises"]["size"].to_numpy()
    down = {n: _reach(G, int(n), hops, False) for n in short}
    up = {n: _reach(G, int(n), hops, True) for n in short}
    pos_of = {int(n): i for i, n in enumerate(nodes)}
    idx = np.array([pos_of[int(n)] for n in short])
    d_reach = np.array([len(down[n]) for n in short])
    u_reach = np.array([len(up[n]) for n in short])
    smb = np.array([sum(1 for m in set(down[n]) | set(up[n]) if sizes[m] in _SMB) for n in short])

    def pct(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
        pool = np.sort(pool)
        return np.searchsorted(pool, values, side="right") / len(pool)

    score = (pct(outdeg[idx], outdeg) + pct(d_reach, d_reach) + pct(u_reach, u_reach) + pct(pr[idx], pr)) / 4
    ent = t["enterprises"].iloc[short]
    seg = primary_segment(graph, short, scope.chain)
    lead = t["leaders"]
    if scope.chain is not None:
        lead = lead[lead["chain_id"] == scope.chain]
    lead = lead.sort_values("since", na_position="first").groupby("_ent").agg(
        designated_region=("region_code", lambda s: ",".join(sorted(set(s)))), since=("since", "last"))
    out = pd.DataFrame({
        "_pos": short,
        "uscc": ent["uscc"].to_numpy(), "enterprise": ent["name"].to_numpy(), "size": ent["size"].to_numpy(),
        "customers": outdeg[idx], "suppliers": indeg[idx], "downstream_reach": d_reach,
        "upstream_reach": u_reach, "pagerank": pr[idx], "score": score, "smb_reached": smb,
    })
    out["segment"] = out["_pos"].map(seg["segment"])
    out["designated_region"] = out["_pos"].map(lead["designated_region"])
    out["since"] = out["_pos"].map(lead["since"])
    out["role"] = np.where(np.isin(short, designated), "designated", "candidate")
    out = out.sort_values(["score", "uscc"], ascending=[False, True])
    out["score_rank"] = np.arange(1, len(out) + 1)
    cand = out[out["role"] == "candidate"].head(candidates)
    out = pd.concat([out[out["role"] == "designated"], cand])
    out["role_zh"] = out["role"].map({"designated": "链主企业", "candidate": "候选链主"})
    out["size_zh"] = out["size"].map(ENUM_ZH["size"])
    return out.reset_index(drop=True)[list(COLUMNS)].astype(COLUMNS)


def leader_reach(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
                 hops: int = 2) -> pd.DataFrame:
    """Small and micro firms each designated leader reaches within ``hops`` supply steps.

    Parameters
    ----------
    graph : ChainGraph
    region, chain : str, optional
    hops : int

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REACH_COLUMNS`, by leader, direction, hops.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain.
    ValueError
        ``hops`` < 1.

    Example
    -------
    >>> leader_reach(g, "吴兴区", "童装", hops=1)  # doctest: +SKIP
    """
    if hops < 1:
        raise ValueError("hops must be at least 1")
    scope = resolve_scope(graph, region, chain)
    designated = designated_leaders(graph, scope)
    if len(designated) == 0:
        return empty(REACH_COLUMNS)
    G = graph.supply_graph(scope)
    ent = graph.tables["enterprises"]
    rows = []
    for ld in designated:
        for direction, rev in (("downstream", False), ("upstream", True)):
            for m, h in _reach(G, int(ld), hops, rev).items():
                rows.append((int(ld), direction, h, m))
    if not rows:
        return empty(REACH_COLUMNS)
    r = pd.DataFrame(rows, columns=["_lead", "direction", "hops", "_ent"])
    r = r[ent["size"].to_numpy()[r["_ent"].to_numpy()] != None]  # noqa: E711 - numpy elementwise
    r = r[np.isin(ent["size"].to_numpy()[r["_ent"].to_numpy()], _SMB)]
    seg = primary_segment(graph, np.unique(r["_ent"].to_numpy()), scope.chain)
    e = ent.iloc[r["_ent"].to_numpy()]
    lead = ent.iloc[r["_lead"].to_numpy()]
    out = pd.DataFrame({
        "leader_uscc": lead["uscc"].to_numpy(), "leader": lead["name"].to_numpy(),
        "direction": r["direction"].to_numpy(), "hops": r["hops"].to_numpy(),
        "uscc": e["uscc"].to_numpy(), "enterprise": e["name"].to_numpy(), "size": e["size"].to_numpy(),
        "segment": r["_ent"].map(seg["segment"]).to_numpy(),
    })
    out["direction_zh"] = out["direction"].map({"downstream": "下游客户", "upstream": "上游供应商"})
    out["size_zh"] = out["size"].map(ENUM_ZH["size"])
    out = out.sort_values(["leader_uscc", "direction", "hops", "uscc"]).reset_index(drop=True)
    return out[list(REACH_COLUMNS)].astype(REACH_COLUMNS)
