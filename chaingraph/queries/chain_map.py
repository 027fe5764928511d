"""The chain map query (强链图谱): node and edge frames for the three dimensions of the atlas.

* **region** — one region's chain (or all its chains): segments in flow order,
  the firms of each segment, supply edges among them, leaders, problem hot spots;
* **industry** — one chain across regions: the same, with every firm's region
  and one ``reg:`` node per region (regions become groups on the map);
* **enterprise** — one firm's upstream and downstream neighbourhood, ``hops``
  supply steps each way, across regions and chains.

The frames follow :class:`chaingraph.layout.ChainMap` (columns documented there);
``chaingraph.render`` draws them.

Example
-------
>>> cm = chain_map(g, "吴兴区", "童装")  # doctest: +SKIP
>>> cm.nodes.groupby("kind").size()  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ScopeError
from ..graph import ChainGraph, Scope
from ..layout import ChainMap
from ..model import ENUM_ZH
from .problems import _compute as _problem_list

NODE_COLUMNS: dict[str, str] = {
    "node_id": "str", "kind": "str", "label": "str", "chain_id": "str", "segment_id": "str", "stage": "str",
    "segment_order": "Int64", "key_link": "boolean", "region_code": "str", "uscc": "str", "size": "str",
    "revenue": "float64", "employees": "Int64", "qms_certified": "boolean", "certified": "boolean",
    "is_leader": "boolean", "degree": "Int64", "problem_count": "Int64", "max_severity": "Int64",
    "problems": "str", "category": "str", "problem_kind": "str", "affected": "Int64", "share": "float64",
    "is_common": "boolean", "enterprise_count": "Int64",
}
EDGE_COLUMNS: dict[str, str] = {"source": "str", "target": "str", "type": "str", "product": "str",
                                "value": "float64", "severity": "Int64"}


def _frame(rows: list[pd.DataFrame], columns: dict[str, str]) -> pd.DataFrame:
    rows = [r for r in rows if len(r)]
    df = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return df.reindex(columns=list(columns)).astype(columns)


def _segment_nodes(graph: ChainGraph, seg_pos: np.ndarray, firm_seg: pd.DataFrame) -> pd.DataFrame:
    segs = graph.tables["segments"].iloc[seg_pos]
    counts = firm_seg.groupby("_seg").size()
    return pd.DataFrame({
        "node_id": "seg:" + segs["id"].astype(str).to_numpy(), "kind": "segment",
        "label": segs["name"].to_numpy(), "chain_id": segs["chain_id"].to_numpy(),
        "segment_id": segs["id"].to_numpy(), "stage": segs["stage"].to_numpy(),
        "segment_order": segs["order"].to_numpy(), "key_link": segs["key_link"].fillna(False).to_numpy(),
        "enterprise_count": counts.reindex(seg_pos, fill_value=0).to_numpy(),
    })


def _feeds(graph: ChainGraph, seg_pos: np.ndarray) -> pd.DataFrame:
    flows = graph.tables["segment_flows"]
    ids = set(graph.tables["segments"]["id"].iloc[seg_pos])
    f = flows[flows["from_segment"].isin(ids) & flows["to_segment"].isin(ids)]
    return pd.DataFrame({"source": "seg:" + f["from_segment"].astype(str).to_numpy(),
                         "target": "seg:" + f["to_segment"].astype(str).to_numpy(), "type": "FEEDS"})


def _firm_segments(graph: ChainGraph, positions: np.ndarray, seg_pos: np.ndarray) -> pd.DataFrame:
    """(enterprise, segment) pairs within the given segments; the first (most upstream) is primary."""
    ops = graph.tables["operates_in"]
    m = np.isin(ops["_ent"].to_numpy(), positions) & np.isin(ops["_seg"].to_numpy(), seg_pos)
    pairs = ops.loc[m, ["_ent", "_seg"]].drop_duplicates().sort_values(["_ent", "_seg"])
    pairs["primary"] = ~pairs["_ent"].duplicated()
    return pairs


def _enterprise_nodes(graph: ChainGraph, positions: np.ndarray, firm_seg: pd.DataFrame, leaders: np.ndarray,
                      sup: pd.DataFrame) -> pd.DataFrame:
    t = graph.tables
    ent = t["enterprises"].iloc[positions]
    n = len(t["enterprises"])
    primary = firm_seg[firm_seg["primary"]].set_index("_ent")["_seg"]
    segs = t["segments"]
    seg_of = primary.reindex(positions)
    has_seg = seg_of.notna().to_numpy()
    seg_rows = seg_of.fillna(0).astype(int).to_numpy()
    certified = np.zeros(n, dtype=bool)
    certified[t["certifications"]["_ent"].to_numpy()] = True
    deg = np.bincount(np.concatenate([sup["_src"].to_numpy(), sup["_dst"].to_numpy()]), minlength=n)
    obs = t["observations"]
    om = obs[np.isin(obs["_ent"].to_numpy(), positions)]
    pair = om.groupby(["_ent", "_prob"])["severity"].max().reset_index()
    pnames = t["problems"]["name"].to_numpy()
    pair = pair.sort_values(["_ent", "severity"], ascending=[True, False])
    pair["txt"] = pnames[pair["_prob"].to_numpy()] + "(" + pair["severity"].astype(str) + ")"
    per = pair.groupby("_ent").agg(problem_count=("_prob", "size"), max_severity=("severity", "max"),
                                   problems=("txt", "; ".join))
    is_leader = np.isin(positions, leaders)

    def seg_col(col: str) -> np.ndarray:
        vals = segs[col].to_numpy()[seg_rows] if len(segs) else np.full(len(positions), None)
        return np.where(has_seg, vals, None)

    return pd.DataFrame({
        "node_id": "ent:" + ent["uscc"].astype(str).to_numpy(), "kind": "enterprise",
        "label": ent["name"].to_numpy(), "chain_id": seg_col("chain_id"), "segment_id": seg_col("id"),
        "stage": seg_col("stage"), "segment_order": seg_col("order"), "key_link": seg_col("key_link"),
        "region_code": ent["region_code"].to_numpy(), "uscc": ent["uscc"].to_numpy(), "size": ent["size"].to_numpy(),
        "revenue": ent["revenue"].to_numpy(), "employees": ent["employees"].to_numpy(),
        "qms_certified": ent["qms_certified"].to_numpy(),
        "certified": certified[positions] | ent["qms_certified"].fillna(False).to_numpy(dtype=bool),
        "is_leader": is_leader, "degree": deg[positions],
        "problem_count": per["problem_count"].reindex(positions, fill_value=0).to_numpy(),
        "max_severity": per["max_severity"].reindex(positions).to_numpy(),
        "problems": per["problems"].reindex(positions).fillna("").to_numpy(),
    })


def _supply_edges(graph: ChainGraph, sup: pd.DataFrame) -> pd.DataFrame:
    if sup.empty:
        return pd.DataFrame(columns=["source", "target", "type"])
    agg = sup.groupby(["supplier_uscc", "customer_uscc"], sort=False).agg(
        product=("product", lambda s: "、".join(sorted({str(x) for x in s.dropna()}))),
        value=("value", "sum")).reset_index()
    return pd.DataFrame({"source": "ent:" + agg["supplier_uscc"].astype(str), "target": "ent:"
                         + agg["customer_uscc"].astype(str), "type": "SUPPLIES",
                         "product": agg["product"].replace("", None), "value": agg["value"]})


def _problem_parts(graph: ChainGraph, scope: Scope, positions: np.ndarray,
                   firm_seg: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = graph.tables
    obs = t["observations"]
    om = obs[np.isin(obs["_ent"].to_numpy(), positions)]
    if om.empty:
        return pd.DataFrame(), pd.DataFrame()
    plist = _problem_list(graph, scope, 3, 0.10, True) if len(scope) else pd.DataFrame()
    pair = om.groupby(["_ent", "_prob"])["severity"].max().reset_index()
    primary = firm_seg[firm_seg["primary"]].set_index("_ent")["_seg"]
    pair["_seg"] = pair["_ent"].map(primary)
    hot = pair.dropna(subset=["_seg"]).groupby(["_prob", "_seg"]).size().rename("c").reset_index()
    hot = hot.sort_values(["_prob", "c", "_seg"], ascending=[True, False, True]).drop_duplicates("_prob")
    probs = t["problems"]
    p_rows = np.unique(pair["_prob"].to_numpy())
    p = probs.iloc[p_rows]
    seg_ids = t["segments"]["id"].to_numpy()
    hot_seg = hot.set_index("_prob")["_seg"].reindex(p_rows)
    nodes = pd.DataFrame({
        "node_id": "prob:" + p["id"].astype(str).to_numpy(), "kind": "problem", "label": p["name"].to_numpy(),
        "category": p["category"].to_numpy(), "problem_kind": p["kind"].to_numpy(),
        "segment_id": [seg_ids[int(s)] if pd.notna(s) else None for s in hot_seg],
        "chain_id": scope.chain,
    })
    if len(plist):
        stats = plist.set_index("problem_id")
        nodes["affected"] = nodes["node_id"].str[5:].map(stats["affected"]).to_numpy()
        nodes["share"] = nodes["node_id"].str[5:].map(stats["share"]).to_numpy()
        nodes["is_common"] = nodes["node_id"].str[5:].map(stats["is_common"]).fillna(False).to_numpy()
    else:
        nodes["affected"] = pair.groupby("_prob").size().reindex(p_rows).to_numpy()
    segs = t["segments"].set_index("id")
    nodes["stage"] = nodes["segment_id"].map(segs["stage"])
    nodes["segment_order"] = nodes["segment_id"].map(segs["order"])
    usccs = t["enterprises"]["uscc"].to_numpy()
    edges = pd.DataFrame({"source": "ent:" + pd.Series(usccs[pair["_ent"].to_numpy()]).astype(str),
                          "target": "prob:" + pd.Series(probs["id"].to_numpy()[pair["_prob"].to_numpy()]).astype(str),
                          "type": "HAS_PROBLEM", "severity": pair["severity"].to_numpy()})
    return nodes, edges


def _meta(graph: ChainGraph, scope: Scope, dimension: str, nodes: pd.DataFrame, edges: pd.DataFrame,
          title: str) -> dict:
    return {
        "title": title, "region_code": scope.region, "region_name": scope.region_name,
        "chain_id": scope.chain, "chain_name": scope.chain_name, "data_date": graph.meta.get("data_date") or "",
        "dimension": dimension, "dataset": graph.name,
        "counts": {"enterprises": int((nodes["kind"] == "enterprise").sum()),
                   "segments": int((nodes["kind"] == "segment").sum()),
                   "problems": int((nodes["kind"] == "problem").sum()),
                   "supply_edges": int((edges["type"] == "SUPPLIES").sum()) if len(edges) else 0},
    }


def _leader_positions(graph: ChainGraph, chain: str | None) -> np.ndarray:
    """Firms designated as leaders (of ``chain``, or of any chain) for a region that contains them."""
    from ..regions import load_regions

    lead = graph.tables["leaders"]
    if chain is not None:
        lead = lead[lead["chain_id"] == chain]
    if lead.empty:
        return np.zeros(0, dtype=np.int64)
    firm_region = graph.tables["enterprises"]["region_code"].to_numpy()[lead["_ent"].to_numpy()]
    inside = np.zeros(len(lead), dtype=bool)
    regions = load_regions()
    for code in pd.unique(lead["region_code"]):
        m = (lead["region_code"] == code).to_numpy()
        inside[m] = regions.covers(str(code), pd.Series(firm_region[m]))
    return np.unique(lead["_ent"].to_numpy()[inside])


def chain_map(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
              dimension: str = "region", show_problems: bool = True) -> ChainMap:
    """Nodes and edges of a region's chain map (or one chain across regions).

    Parameters
    ----------
    graph : ChainGraph
    region : str, optional
        Region code or name (covers the regions below it).
    chain : str, optional
        Chain id or name; None draws every chain of the region.
    dimension : {"region", "industry"}
        ``industry`` adds one ``reg:`` node per firm region (for grouping).
    show_problems : bool
        Include problem nodes and HAS_PROBLEM edges.

    Returns
    -------
    ChainMap
        ``nodes`` / ``edges`` frames and ``meta`` (title, scope, data date, counts).

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain, or an unknown dimension.

    Example
    -------
    >>> cm = chain_map(g, "330502", "childrenswear")  # doctest: +SKIP
    """
    if dimension not in ("region", "industry"):
        raise ScopeError(f"unknown map dimension '{dimension}'; use region, industry (or enterprise_map)")
    scope = graph.scope(region=region, chain=chain)
    positions = scope.positions
    seg_pos = graph.segment_positions(scope.chain)
    firm_seg = _firm_segments(graph, positions, seg_pos)
    sup = graph.supply_edges(scope)
    parts = [_segment_nodes(graph, seg_pos, firm_seg[firm_seg["primary"]]),
             _enterprise_nodes(graph, positions, firm_seg, _leader_positions(graph, scope.chain), sup)]
    edges = [_feeds(graph, seg_pos), _supply_edges(graph, sup)]
    usccs = graph.tables["enterprises"]["uscc"].to_numpy()
    seg_ids = graph.tables["segments"]["id"].to_numpy()
    edges.append(pd.DataFrame({"source": "ent:" + pd.Series(usccs[firm_seg["_ent"].to_numpy()]).astype(str),
                               "target": "seg:" + pd.Series(seg_ids[firm_seg["_seg"].to_numpy()]).astype(str),
                               "type": "OPERATES_IN"}))
    if show_problems:
        pn, pe = _problem_parts(graph, scope, positions, firm_seg)
        parts.append(pn)
        edges.append(pe)
    if dimension == "industry":
        codes = sorted(set(graph.tables["enterprises"]["region_code"].to_numpy()[positions]))
        from ..regions import load_regions

        regions = load_regions()
        parts.append(pd.DataFrame({"node_id": [f"reg:{c}" for c in codes], "kind": "region",
                                   "label": [regions.full_name(c) for c in codes], "region_code": codes}))
    nodes = _frame(parts, NODE_COLUMNS)
    edge_df = _frame(edges, EDGE_COLUMNS)
    what = "质量认证强链图谱" if dimension == "region" else "产业维度强链图谱"
    chain_label = f"{scope.chain_name}产业链" if scope.chain else "全部产业链"
    meta = _meta(graph, scope, dimension, nodes, edge_df, f"{scope.region_name} · {chain_label} {what}")
    return ChainMap(nodes, edge_df, meta)


def enterprise_map(graph: ChainGraph, enterprise: str, *, hops: int = 2, show_problems: bool = True) -> ChainMap:
    """One firm's upstream and downstream neighbourhood (enterprise dimension).

    Parameters
    ----------
    graph : ChainGraph
    enterprise : str
        USCC or exact firm name.
    hops : int
        Supply steps followed in each direction.
    show_problems : bool

    Returns
    -------
    ChainMap
        With ``meta["focus"]`` set to the firm's node id.

    Raises
    ------
    ScopeError
        Unknown or ambiguous enterprise.
    ValueError
        ``hops`` < 1.

    Example
    -------
    >>> cm = enterprise_map(g, "91330502MA2B3C4D5E", hops=1)  # doctest: +SKIP
    """
    if hops < 1:
        raise ValueError("hops must be at least 1")
    ent = graph.tables["enterprises"]
    key = str(enterprise).strip().upper()
    hit = np.flatnonzero((ent["uscc"] == key).to_numpy())
    if not len(hit):
        hit = np.flatnonzero((ent["name"] == str(enterprise).strip()).to_numpy())
    if len(hit) != 1:
        raise ScopeError(f"enterprise '{enterprise}' " + ("is ambiguous" if len(hit) else "not found"))
    focus = int(hit[0])
    sup = graph.tables["supplies"]
    src, dst = sup["_src"].to_numpy(), sup["_dst"].to_numpy()
    keep = np.zeros(len(ent), dtype=bool)
    keep[focus] = True
    for a, b in ((src, dst), (dst, src)):
        frontier = np.zeros(len(ent), dtype=bool)
        frontier[focus] = True
        for _ in range(hops):
            nxt = b[frontier[a]]
            frontier = np.zeros(len(ent), dtype=bool)
            frontier[nxt[~keep[nxt]]] = True
            keep[nxt] = True
    scope = Scope(None, None, None, keep, "企业周边", "上下游")
    positions = scope.positions
    seg_pos = np.arange(len(graph.tables["segments"]))
    firm_seg = _firm_segments(graph, positions, seg_pos)
    used = np.unique(firm_seg["_seg"].to_numpy())
    sup_in = graph.supply_edges(scope)
    parts = [_segment_nodes(graph, used, firm_seg[firm_seg["primary"]]),
             _enterprise_nodes(graph, positions, firm_seg, _leader_positions(graph, None), sup_in)]
    usccs = ent["uscc"].to_numpy()
    seg_ids = graph.tables["segments"]["id"].to_numpy()
    edges = [_feeds(graph, used), _supply_edges(graph, sup_in),
             pd.DataFrame({"source": "ent:" + pd.Series(usccs[firm_seg["_ent"].to_numpy()]).astype(str),
                           "target": "seg:" + pd.Series(seg_ids[firm_seg["_seg"].to_numpy()]).astype(str),
                           "type": "OPERATES_IN"})]
    if show_problems:
        pn, pe = _problem_parts(graph, scope, positions, firm_seg)
        parts.append(pn)
        edges.append(pe)
    nodes = _frame(parts, NODE_COLUMNS)
    edge_df = _frame(edges, EDGE_COLUMNS)
    name = ent["name"].iat[focus]
    scope.region_name = name
    meta = _meta(graph, scope, "enterprise", nodes, edge_df, f"{name} · 上下游{hops}级企业图谱")
    meta["focus"] = f"ent:{usccs[focus]}"
    meta["size_zh"] = ENUM_ZH["size"].get(ent["size"].iat[focus], "")
    return ChainMap(nodes, edge_df, meta)
