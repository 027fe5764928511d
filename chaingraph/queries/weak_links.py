"""Weak links of a regional chain (薄弱环节): where the chain breaks or depends on one firm.

Four kinds of finding, one row each:

* ``gap`` (补链) — a segment of the chain with no enterprise in the region;
* ``single_supplier`` (单一供应依赖) — a customer in scope that buys from exactly
  one supplier for a segment (``related`` is that supplier);
* ``articulation_point`` (关键节点) — a firm whose removal splits the scope's
  (undirected) supply network; ``metric`` = firms cut off from the larger part;
* ``problem_dense`` (问题集中) — a segment whose observations per firm exceed
  ``dense_factor`` × the chain's average; ``metric`` = its observations per firm.

Example
-------
>>> weak_links(g, "吴兴区", "童装")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pandas as pd

from chaingraph.graph.asof import graph_as_of
from chaingraph.graph.core import ChainGraph, Scope
from chaingraph.queries._common import empty, resolve_scope, take
from chaingraph.queries._frames import firm_segments, ordered_segments, primary_segments, supply_digraph

COLUMNS: dict[str, str] = {
    "kind": "str",
    "kind_zh": "str",
    "segment_id": "str",
    "segment": "str",
    "enterprise_id": "str",
    "enterprise": "str",
    "related_id": "str",
    "related": "str",
    "metric": "float64",
    "detail": "str",
}
"""Output columns of :func:`weak_links`."""

FIRM_COLUMNS: dict[str, str] = {"enterprise_id": "str", "enterprise": "str", "observations": "int64"}
"""Input of :func:`finish_weak_links`: the scope's firms and their observation counts (all problems)."""
SUPPLY_COLUMNS: dict[str, str] = {"supplier": "str", "supplier_name": "str", "customer": "str"}
"""Input of :func:`finish_weak_links`: distinct (supplier, customer) pairs whose customer is in scope (the
supplier anywhere; a pair with the supplier in scope too is an edge of the scope's supply network)."""

KIND_ZH = {"gap": "补链缺口", "single_supplier": "单一供应依赖", "articulation_point": "关键节点",
           "problem_dense": "问题集中环节"}


def weak_links(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
               dense_factor: float = 1.5, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Gaps, single-supplier dependencies, articulation points and problem-dense segments.

    Parameters
    ----------
    graph : ChainGraph
    region : str, optional
        Region code or name.
    chain : str
        Chain id or name (required: gaps are relative to a chain's segments).
    dense_factor : float
        A segment is problem-dense above this multiple of the chain's average
        observations per firm.

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, ordered gap → single_supplier → articulation_point → problem_dense.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain, or no chain given.

    Example
    -------
    >>> weak_links(g, "330502", "childrenswear").groupby("kind").size()  # doctest: +SKIP
    """
    graph = graph_as_of(graph, as_of)
    from chaingraph.errors import ScopeError

    if chain is None:
        raise ScopeError("weak_links needs a chain (gaps are relative to a chain's segments)")
    scope = resolve_scope(graph, region, chain)
    firms, supplies, members = weak_link_inputs(graph, scope)
    return finish_weak_links(firms, supplies, members, graph.tables["segments"], scope.chain,
                             dense_factor=dense_factor)


def weak_link_inputs(graph: ChainGraph, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The embedded inputs of :func:`finish_weak_links`: firms (:data:`FIRM_COLUMNS`), supplies
    (:data:`SUPPLY_COLUMNS`) and the segment memberships (``enterprise_id, segment_id``) of the firms and suppliers.

    Raises
    ------
    ValueError
        If the scope was made for another graph.

    Example
    -------
    >>> firms, supplies, members = weak_link_inputs(g, g.scope("330502", "childrenswear"))  # doctest: +SKIP
    """
    t = graph.tables
    ent = t["enterprises"]
    ids, names = ent["id"], ent["name"]
    pos = graph.enterprises(scope).index.to_numpy()
    obs = t["observations"]["_ent"].to_numpy()
    firm_obs = np.bincount(obs, minlength=len(ent))
    firms = pd.DataFrame({"enterprise_id": take(ids, pos), "enterprise": take(names, pos),
                          "observations": firm_obs[pos]})
    sup = t["supplies"]
    s = sup.loc[scope.mask[sup["_dst"].to_numpy()], ["_src", "_dst"]].drop_duplicates()
    supplies = pd.DataFrame({"supplier": take(ids, s["_src"].to_numpy()),
                             "supplier_name": take(names, s["_src"].to_numpy()),
                             "customer": take(ids, s["_dst"].to_numpy())})
    ops = t["operates_in"]
    involved = scope.mask.copy()
    involved[s["_src"].to_numpy()] = True
    ops = ops[involved[ops["_ent"].to_numpy()]]
    members = pd.DataFrame({"enterprise_id": take(ids, ops["_ent"].to_numpy()),
                            "segment_id": ops["segment_id"].to_numpy()})
    return firms.astype(FIRM_COLUMNS), supplies.astype(SUPPLY_COLUMNS), members


def cut_sizes(U: nx.Graph) -> dict:
    """For every articulation point of ``U``: how many firms its removal cuts off from the largest remaining part
    of its component.

    One iterative depth-first search (Hopcroft–Tarjan low links) with subtree sizes: removing a
    point ``a`` splits its component into the DFS subtrees of the children ``c`` with
    ``low[c] >= disc[a]`` plus the rest above ``a``, so the sizes of all parts come out of the
    same pass — O(nodes + edges) instead of a connected-components pass per point.

    Parameters
    ----------
    U : networkx.Graph
        Undirected supply network.

    Returns
    -------
    dict
        Articulation point → firms cut off (component size − 1 − largest part).

    Raises
    ------
    networkx.NetworkXError
        Never for a plain ``Graph``.

    Example
    -------
    >>> sorted(cut_sizes(nx.path_graph(5)).items())
    [(1, 1), (2, 2), (3, 1)]
    """
    disc: dict = {}
    low: dict = {}
    size: dict = {}
    out: dict = {}
    timer = 0
    for root in U.nodes:
        if root in disc:
            continue
        disc[root] = low[root] = timer
        timer += 1
        size[root] = 1
        pieces: dict = {}
        stack = [(root, None, iter(U[root]))]
        while stack:
            v, parent, it = stack[-1]
            for w in it:
                if w == parent or w == v:
                    continue
                if w not in disc:
                    disc[w] = low[w] = timer
                    timer += 1
                    size[w] = 1
                    stack.append((w, v, iter(U[w])))
                    break
                low[v] = min(low[v], disc[w])
            else:
                stack.pop()
                if stack:
                    p = stack[-1][0]
                    low[p] = min(low[p], low[v])
                    size[p] += size[v]
                    if low[v] >= disc[p]:
                        pieces.setdefault(p, []).append(size[v])
        n = size[root]
        for a, parts in pieces.items():
            if a == root and len(parts) < 2:
                continue  # the root separates nothing unless it has two DFS children
            if a != root:
                parts = [*parts, n - 1 - sum(parts)]
            out[a] = n - 1 - max(parts)
    return out


def _articulation_rows(U: nx.Graph, ids: np.ndarray, names: np.ndarray, seg: pd.DataFrame) -> list[dict]:
    """One row per articulation point of U (nodes in enterprise id order): firms cut off from the larger part."""
    rows = []
    for a, cut in sorted(cut_sizes(U).items()):
        rows.append({"kind": "articulation_point", "segment_id": seg["segment_id"].get(take(ids, a)),
                     "segment": seg["segment"].get(take(ids, a)), "enterprise_id": take(ids, a),
                     "enterprise": take(names, a),
                     "metric": float(cut), "detail": f"移除后有{cut}家企业与主体供应网络断开"})
    return rows


def finish_weak_links(firms: pd.DataFrame, supplies: pd.DataFrame, members: pd.DataFrame, segments: pd.DataFrame,
                      chain: str, *, dense_factor: float) -> pd.DataFrame:
    """Gaps, single suppliers, articulation points and problem-dense segments; shared by both engines.

    Parameters
    ----------
    firms : pandas.DataFrame
        :data:`FIRM_COLUMNS`, one row per scope firm, any order.
    supplies : pandas.DataFrame
        :data:`SUPPLY_COLUMNS`, any order.
    members : pandas.DataFrame
        ``enterprise_id, segment_id`` of the firms and of the suppliers (their primary segment in ``chain`` is used).
    segments : pandas.DataFrame
        The segment catalog.
    chain : str
    dense_factor : float

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    KeyError
        If ``segments`` lacks a column of the segment table.

    Example
    -------
    >>> finish_weak_links(firms, supplies, members, g.tables["segments"], "childrenswear",
    ...                   dense_factor=1.5)  # doctest: +SKIP
    """
    firms = firms.drop_duplicates("enterprise_id").sort_values("enterprise_id", kind="stable").reset_index(drop=True)
    ids, names = firms["enterprise_id"].to_numpy(), firms["enterprise"].to_numpy()
    segs = ordered_segments(segments)
    chain_segs = np.flatnonzero((segs["chain_id"] == chain).to_numpy(dtype=bool))
    fs = firm_segments(members[members["enterprise_id"].isin(ids)], segments, chain)
    rows: list[dict] = []
    # 1. gaps: a segment of the chain in which no scope firm operates
    present = set(fs["rank"].tolist())
    for s in chain_segs:
        if s not in present:
            sg = segs.iloc[s]
            key = "（关键环节）" if pd.notna(sg["key_link"]) and bool(sg["key_link"]) else ""
            rows.append({"kind": "gap", "segment_id": sg["id"], "segment": sg["name"], "metric": 0.0,
                         "detail": f"区域内没有{sg['name']}环节的企业，需补链{key}"})
    if len(firms):
        # 2. single supplier per (customer, supplier segment): the supplier's primary segment in the chain
        s = supplies[supplies["customer"].isin(ids)].drop_duplicates(["supplier", "customer"])
        sseg = primary_segments(members[members["enterprise_id"].isin(s["supplier"])], segments, chain)
        s = s.merge(sseg[["rank", "segment_id", "segment"]], left_on="supplier", right_index=True, how="inner")
        counts = s.groupby(["customer", "rank"])["supplier"].transform("size")
        single = s[counts.to_numpy() == 1].sort_values(["rank", "customer"], kind="stable")
        name_of = pd.Series(names, index=ids)
        for r in single.itertuples():
            rows.append({"kind": "single_supplier", "segment_id": r.segment_id, "segment": r.segment,
                         "enterprise_id": r.customer, "enterprise": name_of[r.customer], "related_id": r.supplier,
                         "related": r.supplier_name, "metric": 1.0,
                         "detail": f"{r.segment}环节仅有一家供应商：{r.supplier_name}"})
        # 3. articulation points of the undirected in-scope supply network
        inner = supplies[supplies["customer"].isin(ids) & supplies["supplier"].isin(ids)]
        edges = pd.DataFrame({"source": inner["supplier"], "target": inner["customer"], "products": 1})
        U = supply_digraph(ids, edges).to_undirected()
        rows += _articulation_rows(U, ids, names, primary_segments(fs, segments, chain))
        # 4. problem-dense segments
        firm_obs = pd.Series(firms["observations"].to_numpy(dtype=np.int64), index=ids)
        so = fs.assign(n=firm_obs.reindex(fs["enterprise_id"]).to_numpy())
        per_seg = so.groupby("rank").agg(firms=("enterprise_id", "size"), obs=("n", "sum"))
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
        return empty(COLUMNS)
    out = pd.DataFrame(rows).reindex(columns=list(COLUMNS))
    out["kind_zh"] = out["kind"].map(KIND_ZH)
    return out.astype(COLUMNS)
