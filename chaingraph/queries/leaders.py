"""Chain leaders (链主企业): the designated ones, data-driven candidates, and their reach (辐射带动).

Candidates are scored on the scope's supply graph (supplier → customer):

* ``customers`` / ``suppliers`` — distinct direct trading partners;
* ``downstream_reach`` / ``upstream_reach`` — firms reachable within ``hops``
  supply steps downstream / upstream;
* ``pagerank`` — PageRank on the undirected supply graph (weight = number of
  products traded), a centrality that rewards hubs linked to other hubs.

``score`` is the mean of the four percentile ranks (customers, downstream
reach, upstream reach, PageRank), in [0, 1], ranked within one pool: every firm
of a scope of up to 100 firms; on larger scopes a shortlist of the designated
leaders plus the top 50 firms by degree and the top 50 by PageRank (reach is
computed only for them, so the query stays fast). The pool does not depend on
how many candidates are shown.

Example
-------
>>> leaders(g, "吴兴区", "童装")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pandas as pd

from chaingraph.graph.asof import graph_as_of
from chaingraph.graph.core import ChainGraph, Scope
from chaingraph.queries._common import designated_leaders, empty, resolve_scope, size_zh
from chaingraph.queries._frames import primary_segments, supply_digraph

COLUMNS: dict[str, str] = {
    "role": "str",
    "role_zh": "str",
    "enterprise_id": "str",
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
    "leader_id": "str",
    "leader": "str",
    "direction": "str",
    "direction_zh": "str",
    "hops": "int64",
    "enterprise_id": "str",
    "enterprise": "str",
    "size": "str",
    "size_zh": "str",
    "segment": "str",
}
"""Output columns of :func:`leader_reach`: one row per leader × small/micro firm reached."""

_SMB = ("micro", "small")
SHORTLIST = 50
"""Firms scored in full (reach computed) on scopes larger than twice this."""


FIRM_COLUMNS: dict[str, str] = {"enterprise_id": "str", "enterprise": "str", "size": "str", "designated": "bool"}
"""Input of the finishers: the scope's firms; ``designated`` = a leader of the chain (of any chain when the
scope has none) designated for a region that contains the firm."""
DESIGNATION_COLUMNS: dict[str, str] = {"enterprise_id": "str", "region_code": "str", "since": "datetime64[s]"}
"""Input of :func:`finish_leaders`: every designation (LEADS) of a scope firm for the chain, in any region."""
EDGE_COLUMNS: dict[str, str] = {"source": "str", "target": "str", "products": "int64"}
"""Input of the finishers: supply edges with both ends in scope, one per (supplier, customer), with the
number of supply relationships between them."""


def _reach(G: nx.DiGraph, node: int, hops: int, reverse: bool) -> dict[int, int]:
    H = G.reverse(copy=False) if reverse else G
    d = nx.single_source_shortest_path_length(H, node, cutoff=hops)
    d.pop(node, None)
    return d


def check_arguments(hops: int, candidates: int = 0) -> None:
    """Refuse ``hops`` < 1 or ``candidates`` < 0 (ValueError), before anything is read."""
    if hops < 1:
        raise ValueError("hops must be at least 1")
    if candidates < 0:
        raise ValueError("candidates must be >= 0")


def leaders(graph: ChainGraph, region: str | None = None, chain: str | None = None, *, hops: int = 2,
            candidates: int = 10, as_of: str | dt.date | None = None) -> pd.DataFrame:
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

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
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
    graph = graph_as_of(graph, as_of)
    check_arguments(hops, candidates)
    scope = resolve_scope(graph, region, chain)
    firms, members, edges = scope_inputs(graph, scope)
    return finish_leaders(firms, designations(graph, scope), members, edges, graph.tables["segments"], scope.chain,
                          hops=hops, candidates=candidates)


def scope_inputs(graph: ChainGraph, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The embedded inputs of :func:`finish_leaders` and :func:`finish_leader_reach`: the scope's firms
    (:data:`FIRM_COLUMNS`), their segment memberships (``enterprise_id, segment_id``) and the scope's supply edges
    (:data:`EDGE_COLUMNS`).

    Raises
    ------
    ValueError
        If the scope was made for another graph.

    Example
    -------
    >>> firms, members, edges = scope_inputs(g, g.scope("330502", "childrenswear"))  # doctest: +SKIP
    """
    t = graph.tables
    ent = graph.enterprises(scope)
    ids = t["enterprises"]["id"].to_numpy()
    firms = pd.DataFrame({"enterprise_id": ent["id"].to_numpy(), "enterprise": ent["name"].to_numpy(),
                          "size": ent["size"].to_numpy(),
                          "designated": np.isin(scope.positions, designated_leaders(graph, scope))})
    ops = t["operates_in"]
    ops = ops[scope.mask[ops["_ent"].to_numpy()]]
    members = pd.DataFrame({"enterprise_id": ids[ops["_ent"].to_numpy()], "segment_id": ops["segment_id"].to_numpy()})
    sup = graph.supply_edges(scope)
    e = sup.groupby(["_src", "_dst"], sort=True).size()
    edges = pd.DataFrame({"source": ids[e.index.get_level_values(0).to_numpy()],
                          "target": ids[e.index.get_level_values(1).to_numpy()], "products": e.to_numpy()})
    return firms.astype(FIRM_COLUMNS), members, edges.astype(EDGE_COLUMNS)


def designations(graph: ChainGraph, scope: Scope) -> pd.DataFrame:
    """The embedded designations input (:data:`DESIGNATION_COLUMNS`): the scope firms' LEADS rows for its chain.

    Example
    -------
    >>> designations(g, g.scope("330502", "childrenswear"))  # doctest: +SKIP
    """
    lead = graph.tables["leaders"]
    if scope.chain is not None:
        lead = lead[lead["chain_id"] == scope.chain]
    lead = lead[scope.mask[lead["_ent"].to_numpy()]]
    from chaingraph.ingest.regions import load_regions

    # only designations for a region that contains the firm make it a leader (and are shown)
    firm_region = graph.tables["enterprises"]["region_code"].to_numpy()[lead["_ent"].to_numpy()]
    lead = lead[load_regions().covers_pairs(lead["region_code"].to_numpy(), firm_region)]
    return lead[list(DESIGNATION_COLUMNS)].astype(DESIGNATION_COLUMNS).reset_index(drop=True)


def _scored_graph(firms: pd.DataFrame, edges: pd.DataFrame) -> tuple[pd.DataFrame, nx.DiGraph]:
    """Firms in enterprise id order (node i is row i) and their supply DiGraph."""
    firms = firms.drop_duplicates("enterprise_id").sort_values("enterprise_id", kind="stable").reset_index(drop=True)
    return firms, supply_digraph(firms["enterprise_id"].to_numpy(), edges)


def finish_leaders(firms: pd.DataFrame, designations: pd.DataFrame, members: pd.DataFrame, edges: pd.DataFrame,
                   segments: pd.DataFrame, chain: str | None, *, hops: int, candidates: int) -> pd.DataFrame:
    """Designated leaders and candidates, scored on the scope's supply graph; shared by both engines.

    Parameters
    ----------
    firms : pandas.DataFrame
        :data:`FIRM_COLUMNS`, one row per scope firm, any order.
    designations : pandas.DataFrame
        :data:`DESIGNATION_COLUMNS` (for ``designated_region`` and ``since``).
    members : pandas.DataFrame
        ``enterprise_id, segment_id``: the firms' segments (the primary one within ``chain`` is shown).
    edges : pandas.DataFrame
        :data:`EDGE_COLUMNS`.
    segments : pandas.DataFrame
        The segment catalog.
    chain : str or None
    hops, candidates
        As for :func:`leaders`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    ValueError
        ``hops`` < 1 or ``candidates`` < 0.

    Example
    -------
    >>> finish_leaders(firms, designations, members, edges, g.tables["segments"], "childrenswear", hops=2,
    ...                candidates=10)  # doctest: +SKIP
    """
    check_arguments(hops, candidates)
    if firms.empty:
        return empty(COLUMNS)
    firms, G = _scored_graph(firms, edges)
    nodes = np.arange(len(firms))
    outdeg = np.array([G.out_degree(n) for n in nodes], dtype=np.int64)
    indeg = np.array([G.in_degree(n) for n in nodes], dtype=np.int64)
    U = G.to_undirected(as_view=True)
    if U.number_of_edges():
        pr_map = nx.pagerank(U, weight="products")
    else:
        pr_map = {n: 1.0 / len(nodes) for n in nodes}
    pr = np.array([pr_map.get(n, 0.0) for n in nodes])
    designated = np.flatnonzero(firms["designated"].to_numpy(dtype=bool))
    # shortlist: every firm of a small scope; otherwise designated + the top SHORTLIST by degree and by PageRank.
    # It does not depend on `candidates`, so a leader's score does not change with how many candidates are shown.
    if len(nodes) <= 2 * SHORTLIST:
        short = nodes
    else:
        order_deg = nodes[np.lexsort((nodes, -(outdeg + indeg)))[:SHORTLIST]]
        order_pr = nodes[np.lexsort((nodes, -pr))[:SHORTLIST]]
        short = np.unique(np.concatenate([designated, order_deg, order_pr]))
    sizes = firms["size"].to_numpy()
    down = {n: _reach(G, int(n), hops, False) for n in short}
    up = {n: _reach(G, int(n), hops, True) for n in short}
    d_reach = np.array([len(down[n]) for n in short])
    u_reach = np.array([len(up[n]) for n in short])
    smb = np.array([sum(1 for m in set(down[n]) | set(up[n]) if sizes[m] in _SMB) for n in short])

    def pct(values: np.ndarray) -> np.ndarray:
        """Percentile rank within the shortlist (one pool for all four measures)."""
        return np.searchsorted(np.sort(values), values, side="right") / len(values)

    score = (pct(outdeg[short]) + pct(d_reach) + pct(u_reach) + pct(pr[short])) / 4
    ent = firms.iloc[short]
    seg = primary_segments(members, segments, chain)
    lead = designations.groupby("enterprise_id").agg(
        designated_region=("region_code", lambda s: ",".join(sorted(set(s)))), since=("since", "max"))
    out = pd.DataFrame({
        "enterprise_id": ent["enterprise_id"].to_numpy(), "enterprise": ent["enterprise"].to_numpy(),
        "size": ent["size"].to_numpy(),
        "customers": outdeg[short], "suppliers": indeg[short], "downstream_reach": d_reach,
        "upstream_reach": u_reach, "pagerank": pr[short], "score": score, "smb_reached": smb,
    })
    out["segment"] = out["enterprise_id"].map(seg["segment"])
    out["designated_region"] = lead["designated_region"].reindex(out["enterprise_id"]).to_numpy()
    out["since"] = lead["since"].reindex(out["enterprise_id"]).to_numpy()  # not .map: it fails on an empty datetime map
    out["role"] = np.where(np.isin(short, designated), "designated", "candidate")
    out = out.sort_values(["score", "enterprise_id"], ascending=[False, True])
    out["score_rank"] = np.arange(1, len(out) + 1)
    cand = out[out["role"] == "candidate"].head(candidates)
    out = pd.concat([out[out["role"] == "designated"], cand])
    out["role_zh"] = out["role"].map({"designated": "链主企业", "candidate": "候选链主"})
    out["size_zh"] = size_zh(out["size"])
    return out.reset_index(drop=True)[list(COLUMNS)].astype(COLUMNS)


def leader_reach(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
                 hops: int = 2, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Small and micro firms each designated leader reaches within ``hops`` supply steps.

    Parameters
    ----------
    graph : ChainGraph
    region, chain : str, optional
    hops : int

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
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
    graph = graph_as_of(graph, as_of)
    check_arguments(hops)
    scope = resolve_scope(graph, region, chain)
    firms, members, edges = scope_inputs(graph, scope)
    return finish_leader_reach(firms, members, edges, graph.tables["segments"], scope.chain, hops=hops)


def finish_leader_reach(firms: pd.DataFrame, members: pd.DataFrame, edges: pd.DataFrame, segments: pd.DataFrame,
                        chain: str | None, *, hops: int) -> pd.DataFrame:
    """The small / micro firms each designated leader reaches, from the inputs of :func:`finish_leaders`;
    shared by both engines.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REACH_COLUMNS`, by leader id, direction, hops, enterprise id.

    Raises
    ------
    ValueError
        ``hops`` < 1.

    Example
    -------
    >>> finish_leader_reach(firms, members, edges, g.tables["segments"], "childrenswear", hops=2)  # doctest: +SKIP
    """
    check_arguments(hops)
    if not firms["designated"].to_numpy(dtype=bool).any():
        return empty(REACH_COLUMNS)
    firms, G = _scored_graph(firms, edges)
    rows = [(int(ld), direction, h, m) for ld in np.flatnonzero(firms["designated"].to_numpy(dtype=bool))
            for direction, rev in (("downstream", False), ("upstream", True))
            for m, h in _reach(G, int(ld), hops, rev).items()]
    r = pd.DataFrame(rows, columns=["_lead", "direction", "hops", "_ent"])
    r = r[np.isin(firms["size"].to_numpy()[r["_ent"].to_numpy(dtype=np.int64)], _SMB)]
    if r.empty:
        return empty(REACH_COLUMNS)
    e = firms.iloc[r["_ent"].to_numpy()]
    lead = firms.iloc[r["_lead"].to_numpy()]
    seg = primary_segments(members, segments, chain)
    out = pd.DataFrame({
        "leader_id": lead["enterprise_id"].to_numpy(), "leader": lead["enterprise"].to_numpy(),
        "direction": r["direction"].to_numpy(), "hops": r["hops"].to_numpy(),
        "enterprise_id": e["enterprise_id"].to_numpy(), "enterprise": e["enterprise"].to_numpy(),
        "size": e["size"].to_numpy(),
    })
    out["segment"] = out["enterprise_id"].map(seg["segment"])
    out["direction_zh"] = out["direction"].map({"downstream": "下游客户", "upstream": "上游供应商"})
    out["size_zh"] = size_zh(out["size"])
    out = out.sort_values(["leader_id", "direction", "hops", "enterprise_id"]).reset_index(drop=True)
    return out[list(REACH_COLUMNS)].astype(REACH_COLUMNS)
