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

import datetime as dt

import numpy as np
import pandas as pd

from chaingraph.errors import ScopeError
from chaingraph.graph.asof import graph_as_of
from chaingraph.graph.core import ChainGraph
from chaingraph.queries._common import certified_mask, empty, leader_positions, size_zh, take
from chaingraph.queries._frames import firm_segments, ordered_segments
from chaingraph.queries.mapdata import ChainMap
from chaingraph.queries.problems import COLUMNS as PROBLEM_COLUMNS
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE, common_problems

NODE_COLUMNS: dict[str, str] = {
    "node_id": "str", "kind": "str", "label": "str", "chain_id": "str", "segment_id": "str", "stage": "str",
    "segment_order": "Int64", "key_link": "boolean", "region_code": "str", "uscc": "str", "stock_code": "str",
    "short_name": "str", "region_source": "str", "id_source": "str", "size": "str", "revenue": "float64", "employees": "Int64", "qms_certified": "boolean", "certified": "boolean",
    "is_leader": "boolean", "degree": "Int64", "problem_count": "Int64", "max_severity": "Int64",
    "problems": "str", "category": "str", "problem_kind": "str", "affected": "Int64", "share": "float64",
    "is_common": "boolean", "enterprise_count": "Int64",
}
EDGE_COLUMNS: dict[str, str] = {"source": "str", "target": "str", "type": "str", "product": "str",
                                "value": "float64", "severity": "Int64"}


FIRM_COLUMNS: dict[str, str] = {
    "enterprise_id": "str", "uscc": "str", "stock_code": "str", "name": "str", "region_code": "str", "size": "str",
    "revenue": "float64", "employees": "Int64", "qms_certified": "boolean", "certified": "bool", "is_leader": "bool",
}
"""Input of :func:`finish_chain_map`: the firms drawn (``uscc`` and ``stock_code`` NA when unknown; ``size``
NA when unknown); ``certified`` as ``_common.certified_mask``,
``is_leader`` as ``_common.leader_positions`` (of the map's chain, of any chain without one)."""
OPTIONAL_FIRM_COLUMNS: dict[str, str] = {"short_name": "str", "region_source": "str", "id_source": "str"}
"""Optional input columns of :func:`finish_chain_map` (firms): copied to the enterprise nodes when present,
NA when absent or unknown (证券简称; ``given`` / ``inferred`` region; which code the id came from)."""
SUPPLY_COLUMNS: dict[str, str] = {"source": "str", "target": "str", "product": "str", "value": "float64"}
"""Input of :func:`finish_chain_map`: one row per supply relationship between two firms drawn."""
FEED_COLUMNS: dict[str, str] = {"source": "str", "target": "str"}
"""Input of :func:`finish_chain_map`: FEEDS between segments (those between two segments drawn are kept)."""
PAIR_COLUMNS: dict[str, str] = {"enterprise_id": "str", "problem_id": "str", "severity": "int64"}
"""Input of :func:`finish_chain_map`: one row per (firm drawn, problem) with the highest severity observed."""


def _frame(rows: list[pd.DataFrame], columns: dict[str, str]) -> pd.DataFrame:
    rows = [r for r in rows if len(r)]
    df = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return df.reindex(columns=list(columns)).astype(columns)


def _enterprise_nodes(firms: pd.DataFrame, fs: pd.DataFrame, segs: pd.DataFrame, supplies: pd.DataFrame,
                      pairs: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    ids = firms["enterprise_id"].to_numpy()
    seg_of = fs[fs["primary"].to_numpy()].set_index("enterprise_id")["rank"].reindex(ids)
    has_seg = seg_of.notna().to_numpy()
    seg_rows = seg_of.fillna(0).astype(np.int64).to_numpy()
    deg = pd.concat([supplies["source"], supplies["target"]]).value_counts().reindex(ids, fill_value=0)
    pair = pairs.sort_values(["enterprise_id", "problem_id"], kind="stable")
    pair = pair.sort_values(["enterprise_id", "severity"], ascending=[True, False], kind="stable")
    pnames = problems.set_index("id")["name"]
    pair = pair.assign(txt=pair["problem_id"].map(pnames).astype(str) + "(" + pair["severity"].astype(str) + ")")
    per = pair.groupby("enterprise_id").agg(problem_count=("problem_id", "size"), max_severity=("severity", "max"),
                                   problems=("txt", "; ".join))

    def seg_col(col: str) -> np.ndarray:
        vals = segs[col].to_numpy()[seg_rows] if len(segs) else np.full(len(ids), None)
        return np.where(has_seg, vals, None)

    return pd.DataFrame({
        "node_id": "ent:" + firms["enterprise_id"].astype(str).to_numpy(), "kind": "enterprise",
        "label": firms["name"].to_numpy(), "chain_id": seg_col("chain_id"), "segment_id": seg_col("id"),
        "stage": seg_col("stage"), "segment_order": seg_col("order"), "key_link": seg_col("key_link"),
        "region_code": firms["region_code"].to_numpy(), "uscc": _attribute(firms, "uscc"),
        "stock_code": _attribute(firms, "stock_code"), "short_name": _attribute(firms, "short_name"),
        "region_source": _attribute(firms, "region_source"), "id_source": _attribute(firms, "id_source"),
        "size": firms["size"].to_numpy(),
        "revenue": firms["revenue"].to_numpy(), "employees": firms["employees"].to_numpy(),
        "qms_certified": firms["qms_certified"].to_numpy(), "certified": firms["certified"].to_numpy(),
        "is_leader": firms["is_leader"].to_numpy(), "degree": deg.to_numpy(),
        "problem_count": per["problem_count"].reindex(ids, fill_value=0).to_numpy(),
        "max_severity": per["max_severity"].reindex(ids).to_numpy(),
        "problems": per["problems"].reindex(ids).fillna("").to_numpy(),
    })


def _supply_edges(sup: pd.DataFrame) -> pd.DataFrame:
    """One map edge per (supplier, customer): products joined (sorted, distinct), values summed."""
    if sup.empty:
        return pd.DataFrame(columns=["source", "target", "type"])
    value = sup.groupby(["source", "target"], sort=True)["value"].sum(min_count=1)
    prods = sup.dropna(subset=["product"]).drop_duplicates(["source", "target", "product"])
    prods = prods.sort_values(["source", "target", "product"])
    many = prods.duplicated(["source", "target"], keep=False).to_numpy()
    product = prods[~many].set_index(["source", "target"])["product"]
    if many.any():  # only pairs trading several products need a join (few)
        product = pd.concat([product, prods[many].groupby(["source", "target"])["product"].agg("、".join)])
    return pd.DataFrame({"source": "ent:" + value.index.get_level_values(0).astype(str),
                         "target": "ent:" + value.index.get_level_values(1).astype(str), "type": "SUPPLIES",
                         "product": product.reindex(value.index).to_numpy(), "value": value.to_numpy()})


def _problem_parts(pairs: pd.DataFrame, plist: pd.DataFrame, fs: pd.DataFrame, segs: pd.DataFrame,
                   problems: pd.DataFrame, chain: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Problem nodes (hot spot: the primary segment most of its firms are in) and HAS_PROBLEM edges."""
    pp = pairs.sort_values(["enterprise_id", "problem_id"], kind="stable").reset_index(drop=True)
    primary = fs[fs["primary"].to_numpy()].set_index("enterprise_id")["rank"]
    pp["_seg"] = pp["enterprise_id"].map(primary)
    hot = pp.dropna(subset=["_seg"]).groupby(["problem_id", "_seg"]).size().rename("c").reset_index()
    hot = hot.sort_values(["problem_id", "c", "_seg"], ascending=[True, False, True]).drop_duplicates("problem_id")
    p_ids = np.unique(pp["problem_id"].to_numpy())
    p = problems.set_index("id").loc[p_ids]
    hot_seg = hot.set_index("problem_id")["_seg"].reindex(p_ids)
    seg_ids = segs["id"].to_numpy()
    nodes = pd.DataFrame({
        "node_id": "prob:" + pd.Series(p_ids).astype(str).to_numpy(), "kind": "problem",
        "label": p["name"].to_numpy(), "category": p["category"].to_numpy(), "problem_kind": p["kind"].to_numpy(),
        "segment_id": [seg_ids[int(x)] if pd.notna(x) else None for x in hot_seg], "chain_id": chain,
    })
    if len(plist):
        stats = plist.set_index("problem_id")
        nodes["affected"] = stats["affected"].reindex(p_ids).to_numpy()
        nodes["share"] = stats["share"].reindex(p_ids).to_numpy()
        nodes["is_common"] = stats["is_common"].reindex(p_ids).fillna(False).to_numpy()
    else:
        nodes["affected"] = pp.groupby("problem_id").size().reindex(p_ids).to_numpy()
    by_id = segs.set_index("id")
    nodes["stage"] = nodes["segment_id"].map(by_id["stage"])
    nodes["segment_order"] = nodes["segment_id"].map(by_id["order"])
    edges = pd.DataFrame({"source": "ent:" + pp["enterprise_id"].astype(str),
                          "target": "prob:" + pp["problem_id"].astype(str),
                          "type": "HAS_PROBLEM", "severity": pp["severity"].to_numpy()})
    return nodes, edges


def finish_chain_map(firms: pd.DataFrame, members: pd.DataFrame, supplies: pd.DataFrame, feeds: pd.DataFrame,
                     pairs: pd.DataFrame, plist: pd.DataFrame, problems: pd.DataFrame, segments: pd.DataFrame,
                     chain: str | None, *, all_segments: bool = True, dimension: str = "region",
                     show_problems: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge frames of a map; shared by both engines (and by :func:`enterprise_map`).

    Parameters
    ----------
    firms : pandas.DataFrame
        :data:`FIRM_COLUMNS` (and any of :data:`OPTIONAL_FIRM_COLUMNS`), the firms drawn, any order.
    members : pandas.DataFrame
        ``enterprise_id, segment_id``: their segments (those of ``chain`` are drawn; the first is primary).
    supplies, feeds, pairs : pandas.DataFrame
        :data:`SUPPLY_COLUMNS`, :data:`FEED_COLUMNS`, :data:`PAIR_COLUMNS`, any order.
    plist : pandas.DataFrame
        The scope's common-problem list (``affected``, ``share``, ``is_common`` of the problem nodes); empty:
        ``affected`` counts the firms drawn.
    problems, segments : pandas.DataFrame
        The model's catalogs.
    chain : str or None
        The map's chain (None: every chain).
    all_segments : bool
        Draw every segment of ``chain`` (also those without a firm: the gaps), or only those of the firms.
    dimension : {"region", "industry", "enterprise"}
        ``industry`` adds one ``reg:`` node per firm region.
    show_problems : bool
        Include problem nodes and HAS_PROBLEM edges.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Nodes (:data:`NODE_COLUMNS`: segments in flow order, firms by enterprise id, problems by id, regions) and
        edges (:data:`EDGE_COLUMNS`: FEEDS, SUPPLIES, OPERATES_IN, HAS_PROBLEM).

    Raises
    ------
    KeyError
        If a pair names a problem missing from ``problems``.

    Example
    -------
    >>> nodes, edges = finish_chain_map(firms, members, sup, feeds, pairs, plist, g.tables["problems"],
    ...                                 g.tables["segments"], "childrenswear")  # doctest: +SKIP
    """
    firms = firms.drop_duplicates("enterprise_id").sort_values("enterprise_id", kind="stable").reset_index(drop=True)
    ids = firms["enterprise_id"].to_numpy()
    segs = ordered_segments(segments)
    fs = firm_segments(members[members["enterprise_id"].isin(ids)], segments, chain)
    if not all_segments:
        drawn = np.unique(fs["rank"].to_numpy())
    elif chain is None:
        drawn = np.arange(len(segs))
    else:
        drawn = np.flatnonzero((segs["chain_id"] == chain).to_numpy(dtype=bool))
    sup = supplies[supplies["source"].isin(ids) & supplies["target"].isin(ids)]
    s = segs.iloc[drawn]
    counts = fs[fs["primary"].to_numpy()].groupby("rank").size()
    parts = [pd.DataFrame({
        "node_id": "seg:" + s["id"].astype(str).to_numpy(), "kind": "segment",
        "label": s["name"].to_numpy(), "chain_id": s["chain_id"].to_numpy(),
        "segment_id": s["id"].to_numpy(), "stage": s["stage"].to_numpy(),
        "segment_order": s["order"].to_numpy(), "key_link": s["key_link"].fillna(False).to_numpy(),
        "enterprise_count": counts.reindex(drawn, fill_value=0).to_numpy(),
    }), _enterprise_nodes(firms, fs, segs, sup, pairs[pairs["enterprise_id"].isin(ids)], problems)]
    rank = pd.Series(np.arange(len(segs)), index=segs["id"].to_numpy())
    f = feeds.assign(_a=feeds["source"].map(rank), _b=feeds["target"].map(rank))
    f = f[f["_a"].isin(drawn) & f["_b"].isin(drawn)].sort_values(["_a", "_b"], kind="stable")
    edges = [pd.DataFrame({"source": "seg:" + f["source"].astype(str).to_numpy(),
                           "target": "seg:" + f["target"].astype(str).to_numpy(), "type": "FEEDS"}),
             _supply_edges(sup),
             pd.DataFrame({"source": "ent:" + fs["enterprise_id"].astype(str),
                           "target": "seg:" + fs["segment_id"].astype(str),
                           "type": "OPERATES_IN"})]
    pairs = pairs[pairs["enterprise_id"].isin(ids)]
    if show_problems and len(pairs):
        pn, pe = _problem_parts(pairs, plist, fs, segs, problems, chain)
        parts.append(pn)
        edges.append(pe)
    if dimension == "industry":
        from chaingraph.ingest.regions import load_regions

        codes = sorted(set(firms["region_code"].dropna()))
        regions = load_regions()
        parts.append(pd.DataFrame({"node_id": [f"reg:{c}" for c in codes], "kind": "region",
                                   "label": [regions.full_name(c) for c in codes], "region_code": codes}))
    return _frame(parts, NODE_COLUMNS), _frame(edges, EDGE_COLUMNS)


def map_title(region_name: str, chain_name: str, chain: str | None, dimension: str) -> str:
    """Title of a region or industry map, e.g. ``湖州市吴兴区 · 童装产业链 质量认证强链图谱``.

    Example
    -------
    >>> map_title("全部区域", "全部产业链", None, "industry")
    '全部区域 · 全部产业链 产业维度强链图谱'
    """
    what = "质量认证强链图谱" if dimension == "region" else "产业维度强链图谱"
    chain_label = f"{chain_name}产业链" if chain else "全部产业链"
    return f"{region_name} · {chain_label} {what}"


def map_meta(nodes: pd.DataFrame, edges: pd.DataFrame, *, title: str, region_code: str | None, region_name: str,
             chain: str | None, chain_name: str, data_date: str | None, dimension: str, dataset: str) -> dict:
    """The ``meta`` of a :class:`~chaingraph.layout.ChainMap` (title, scope, data date, counts); shared by both
    engines.

    Example
    -------
    >>> map_meta(nodes, edges, title="…", region_code="330502", region_name="湖州市吴兴区", chain="kids",
    ...          chain_name="童装", data_date="2024-06-01", dimension="region", dataset="tiny")  # doctest: +SKIP
    """
    return {
        "title": title, "region_code": region_code, "region_name": region_name,
        "chain_id": chain, "chain_name": chain_name, "data_date": data_date or "",
        "dimension": dimension, "dataset": dataset,
        "counts": {"enterprises": int((nodes["kind"] == "enterprise").sum()),
                   "segments": int((nodes["kind"] == "segment").sum()),
                   "problems": int((nodes["kind"] == "problem").sum()),
                   "supply_edges": int((edges["type"] == "SUPPLIES").sum()) if len(edges) else 0},
    }


def _attribute(e: pd.DataFrame, column: str) -> np.ndarray:
    """An optional enterprise attribute (``uscc``, ``stock_code``, ``short_name`` …) of the rows ``e``; NA when the
    table lacks it."""
    if column in e.columns:
        return e[column].to_numpy()
    return np.full(len(e), None, dtype=object)


def find_enterprise(ent: pd.DataFrame, enterprise: str) -> np.ndarray:
    """Rows of ``ent`` (the enterprises table) that ``enterprise`` names: the first of enterprise id, credit code,
    stock code, exact full name, exact short name that matches anything.

    Example
    -------
    >>> find_enterprise(pd.DataFrame({"id": ["600373.SH"], "name": ["中文传媒"]}), "600373.sh").tolist()
    [0]
    """
    text = str(enterprise).strip()
    for column, key in (("id", text), ("uscc", text.upper()), ("stock_code", text.upper()), ("id", text.upper()),
                        ("name", text), ("short_name", text)):
        if column in ent.columns:
            hit = np.flatnonzero((ent[column] == key).fillna(False).to_numpy(dtype=bool))
            if len(hit):
                return hit
    return np.zeros(0, dtype=np.int64)


def _inputs(graph: ChainGraph, positions: np.ndarray, leaders: np.ndarray,
            show_problems: bool) -> tuple[pd.DataFrame, ...]:
    """The embedded inputs of :func:`finish_chain_map` for the firms at ``positions``: firms, memberships,
    supplies among them, FEEDS, (firm, problem) pairs."""
    t = graph.tables
    ent = t["enterprises"]
    ids = ent["id"]
    e = ent.iloc[positions]
    firms = pd.DataFrame({
        "enterprise_id": e["id"].to_numpy(), "uscc": _attribute(e, "uscc"), "stock_code": _attribute(e, "stock_code"),
        "name": e["name"].to_numpy(), "region_code": e["region_code"].to_numpy(),
        "size": e["size"].to_numpy(), "revenue": e["revenue"].to_numpy(), "employees": e["employees"].to_numpy(),
        "qms_certified": e["qms_certified"].to_numpy(), "certified": certified_mask(graph)[positions],
        "is_leader": np.isin(positions, leaders),
        **{c: _attribute(e, c) for c in OPTIONAL_FIRM_COLUMNS}}).astype(FIRM_COLUMNS | OPTIONAL_FIRM_COLUMNS)
    inside = np.zeros(len(ent), dtype=bool)
    inside[positions] = True
    ops = t["operates_in"]
    ops = ops[inside[ops["_ent"].to_numpy()]]
    members = pd.DataFrame({"enterprise_id": take(ids, ops["_ent"].to_numpy()),
                            "segment_id": ops["segment_id"].to_numpy()})
    sup = t["supplies"]
    sup = sup[inside[sup["_src"].to_numpy()] & inside[sup["_dst"].to_numpy()]]
    supplies = pd.DataFrame({"source": sup["supplier_id"].to_numpy(), "target": sup["customer_id"].to_numpy(),
                             "product": sup["product"].to_numpy(), "value": sup["value"].to_numpy()})
    flows = t["segment_flows"]
    feeds = pd.DataFrame({"source": flows["from_segment"].to_numpy(), "target": flows["to_segment"].to_numpy()})
    pairs = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in PAIR_COLUMNS.items()})
    if show_problems:
        pr = graph.aggregates["pairs"]
        pr = pr[inside[pr["_ent"].to_numpy()]]
        pairs = pd.DataFrame({"enterprise_id": take(ids, pr["_ent"].to_numpy()),
                              "problem_id": t["problems"]["id"].to_numpy()[pr["_prob"].to_numpy()],
                              "severity": pr["severity"].to_numpy()})
    return (firms, members, supplies.astype(SUPPLY_COLUMNS), feeds.astype(FEED_COLUMNS),
            pairs.astype(PAIR_COLUMNS))


def chain_map(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
              dimension: str = "region", show_problems: bool = True, as_of: str | dt.date | None = None) -> ChainMap:
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

    as_of : str or datetime.date, optional
        The state on that date (:func:`~chaingraph.graph.asof.graph_as_of`): later observations,
        measurements, certificates, assistance and designations are ignored. None: the latest state.
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
    graph = graph_as_of(graph, as_of)
    if dimension not in ("region", "industry"):
        raise ScopeError(f"unknown map dimension '{dimension}'; use region, industry (or enterprise_map)")
    scope = graph.scope(region=region, chain=chain)
    firms, members, supplies, feeds, pairs = _inputs(graph, scope.positions, leader_positions(graph, scope.chain),
                                                     show_problems)
    plist = common_problems(graph, scope.region, scope.chain, min_firms=MIN_FIRMS, min_share=MIN_SHARE) if (
        show_problems and len(pairs) and scope.chain is not None) else empty(PROBLEM_COLUMNS)
    t = graph.tables
    nodes, edges = finish_chain_map(firms, members, supplies, feeds, pairs, plist, t["problems"], t["segments"],
                                    scope.chain, dimension=dimension, show_problems=show_problems)
    meta = map_meta(nodes, edges, title=map_title(scope.region_name, scope.chain_name, scope.chain, dimension),
                    region_code=scope.region, region_name=scope.region_name, chain=scope.chain,
                    chain_name=scope.chain_name, data_date=graph.meta.get("data_date"), dimension=dimension,
                    dataset=graph.name)
    return ChainMap(nodes, edges, meta)


def enterprise_map(graph: ChainGraph, enterprise: str, *, hops: int = 2, show_problems: bool = True) -> ChainMap:
    """One firm's upstream and downstream neighbourhood (enterprise dimension).

    Parameters
    ----------
    graph : ChainGraph
    enterprise : str
        Enterprise id, credit code (USCC), stock code (``600373.SH``), exact full name or exact short name
        (证券简称), tried in that order.
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
    hit = find_enterprise(ent, enterprise)
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
    positions = np.flatnonzero(keep)
    firms, members, supplies, feeds, pairs = _inputs(graph, positions, leader_positions(graph, None), show_problems)
    t = graph.tables
    nodes, edges = finish_chain_map(firms, members, supplies, feeds, pairs, empty(PROBLEM_COLUMNS), t["problems"],
                                    t["segments"], None, all_segments=False, dimension="enterprise",
                                    show_problems=show_problems)
    name = ent["name"].iat[focus]
    meta = map_meta(nodes, edges, title=f"{name} · 上下游{hops}级企业图谱", region_code=None, region_name=name,
                    chain=None, chain_name="上下游", data_date=graph.meta.get("data_date"), dimension="enterprise",
                    dataset=graph.name)
    meta["focus"] = f"ent:{ent['id'].iat[focus]}"
    meta["size_zh"] = str(size_zh(ent["size"].iloc[[focus]]).iat[0])
    return ChainMap(nodes, edges, meta)
