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

import networkx as nx
import numpy as np
import pandas as pd

from ..graph import ChainGraph
from ._common import empty, primary_segment, resolve_scope

COLUMNS: dict[str, str] = {
    "kind": "str",
    "kind_zh": "str",
    "segment_id": "str",
    "segment": "str",
    "uscc": "str",
    "enterprise": "str",
    "related_uscc": "str",
    "related": "str",
    "metric": "float64",
    "detail": "str",
}
"""Output columns of :func:`weak_links`."""

KIND_ZH = {"gap": "补链缺口", "single_supplier": "单一供应依赖", "articulation_point": "关键节点",
           "problem_dense": "问题集中环节"}


def weak_links(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
               dense_factor: float = 1.5) -> pd.DataFrame:
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
    from ..errors import ScopeError

    if chain is None:
        raise ScopeError("weak_links needs a chain (gaps are relative to a chain's segments)")
    scope = resolve_scope(graph, region, chain)
    t = graph.tables
    ent = t["enterprises"]
    segs = t["segments"]
    chain_segs = graph.segment_positions(scope.chain)
    rows: list[dict] = []
    # 1. gaps
    ops = t["operates_in"]
    in_scope_ops = ops[scope.mask[ops["_ent"].to_numpy()]]
    present = set(in_scope_ops["_seg"].tolist())
    for s in chain_segs:
        if s not in present:
            sg = segs.iloc[s]
            rows.append({"kind": "gap", "segment_id": sg["id"], "segment": sg["name"], "metric": 0.0,
                         "detail": f"区域内没有{sg['name']}环节的企业，需补链" + ("（关键环节）" if sg["key_link"] is True
                                                                    else "")})
    pos = scope.positions
    if len(pos):
        # 2. single supplier per (customer, supplier segment)
        sup = t["supplies"]
        cust_in = scope.mask[sup["_dst"].to_numpy()]
        s = sup.loc[cust_in, ["_src", "_dst"]].drop_duplicates()
        if len(s):
            sseg = primary_segment(graph, np.unique(s["_src"].to_numpy()), scope.chain)
            s = s.merge(sseg[["_seg", "segment_id", "segment"]], left_on="_src", right_index=True, how="inner")
            counts = s.groupby(["_dst", "_seg"])["_src"].transform("size")
            single = s[counts.to_numpy() == 1].sort_values(["_seg", "_dst"])
            names, usccs = ent["name"].to_numpy(), ent["uscc"].to_numpy()
            for r in single.itertuples():
                rows.append({"kind": "single_supplier", "segment_id": r.segment_id, "segment": r.segment,
                             "uscc": usccs[r._2], "enterprise": names[r._2], "related_uscc": usccs[r._1],
                             "related": names[r._1], "metric": 1.0,
                             "detail": f"{r.segment}环节仅有一家供应商：{names[r._1]}"})
        # 3. articulation points of the undirected supply network
        U = graph.supply_graph(scope).to_undirected()
        U.remove_nodes_from([n for n in list(U.nodes) if not scope.mask[n]])
        aps = sorted(nx.articulation_points(U))
        if aps:
            comp_of = {n: i for i, c in enumerate(nx.connected_components(U)) for n in c}
            comp_size: dict[int, int] = {}
            for c in comp_of.values():
                comp_size[c] = comp_size.get(c, 0) + 1
            seg = primary_segment(graph, np.array(aps), scope.chain)
            for a in aps:
                H = U.subgraph([n for n in U.nodes if comp_of[n] == comp_of[a] and n != a])
                largest = max((len(c) for c in nx.connected_components(H)), default=0)
                cut = comp_size[comp_of[a]] - 1 - largest
                rows.append({"kind": "articulation_point", "segment_id": seg["segment_id"].get(a),
                             "segment": seg["segment"].get(a), "uscc": ent["uscc"].iat[a],
                             "enterprise": ent["name"].iat[a], "metric": float(cut),
                             "detail": f"移除后有{cut}家企业与主体供应网络断开"})
        # 4. problem-dense segments
        obs = t["observations"]
        om = obs[scope.mask[obs["_ent"].to_numpy()]]
        firm_obs = np.bincount(om["_ent"].to_numpy(), minlength=len(ent))
        so = in_scope_ops[np.isin(in_scope_ops["_seg"].to_numpy(), chain_segs)][["_ent", "_seg"]].drop_duplicates()
        so = so.assign(n=firm_obs[so["_ent"].to_numpy()])
        per_seg = so.groupby("_seg").agg(firms=("_ent", "size"), obs=("n", "sum"))
        avg = firm_obs[pos].sum() / len(pos)
        per_seg["rate"] = per_seg["obs"] / per_seg["firms"]
        dense = per_seg[(per_seg["rate"] > dense_factor * avg) & (per_seg["obs"] > 0)].sort_values(
            "rate", ascending=False)
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
