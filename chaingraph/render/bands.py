"""Chain bands: a region map of many chains, one horizontal band per chain (多链分带).

A region's map without ``--chain`` holds every chain of the region. Side by side
they make one unreadable row of boxes, so such a map is drawn in **bands**:

* one band per chain, top to bottom in ``chain_id`` order, its name at the left;
* **stage columns shared** by all bands: the upstream segments of every chain in
  the first columns, then midstream, then downstream (a chain with two upstream
  segments uses two upstream columns, in flow order), so the stages line up;
* each chain's **problem hot spots** in a row under its own firms, marked common
  (共性) from *that chain's* common-problem list (``meta["chain_problems"]``);
* a chain with more firms than fit (``chain_limit``, or the biggest chains until
  the map holds at most ``max_nodes`` firms) is **collapsed**: its band shows its
  segment summary (counts, size mix, leaders, problems) and links to its own page.

:func:`band_chains` rewrites the frames (problem nodes split per chain, collapsed
chains summarised, one ``chain:`` label node per band); :func:`layout_bands`
places them. Everything here takes frames and returns frames.

Example
-------
>>> import pandas as pd
>>> from chaingraph.render.layout import ChainMap
>>> n = pd.DataFrame({"node_id": ["seg:a1", "seg:b1"], "kind": ["segment", "segment"], "label": ["面料", "电芯"],
...                   "chain_id": ["a", "b"], "segment_order": [1, 1]})
>>> is_multi_chain(ChainMap(n, pd.DataFrame(columns=["source", "target", "type"]), {"dimension": "region"}))
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from chaingraph.render.layout import (
    DEFAULT_MAX_NODES,
    SIZE_RANK,
    ChainMap,
    check_chain_map,
    column,
    flag,
    label_scale,
    summarise_segments,
)

STAGE_RANK: dict[str, int] = {"upstream": 0, "midstream": 1, "downstream": 2}
"""Column group of a stage; other or missing stages come last."""

DEFAULT_CHAIN_LIMIT = 600
"""Firms of one chain drawn one by one in its band; above, the chain is collapsed to its segment summary."""


def is_multi_chain(cm: ChainMap) -> bool:
    """Whether ``cm`` is a region map of several chains (drawn in bands).

    Raises
    ------
    KeyError
        If ``cm.nodes`` has no ``kind`` column.

    Example
    -------
    >>> is_multi_chain(ChainMap(pd.DataFrame(columns=["node_id", "kind", "label"]),
    ...                         pd.DataFrame(columns=["source", "target", "type"])))
    False
    """
    meta = cm.meta
    if meta.get("chain_id") or meta.get("summary") or meta.get("segment") or meta.get("banded"):
        return False
    if str(meta.get("dimension") or "region") != "region" or meta.get("focus"):
        return False
    seg = cm.nodes[cm.nodes["kind"] == "segment"]
    return column(seg, "chain_id").dropna().nunique() > 1


def node_chains(cm: ChainMap) -> pd.Series:
    """Chain id of every node (segment and firm: ``chain_id``, else via their segment; problem: NA).

    Raises
    ------
    KeyError
        If ``cm.nodes`` has no ``node_id`` or ``kind`` column.

    Example
    -------
    >>> n = pd.DataFrame({"node_id": ["seg:a", "ent:1"], "kind": ["segment", "enterprise"], "label": ["x", "y"],
    ...                   "chain_id": ["c", None], "segment_id": [None, "a"]})
    >>> node_chains(ChainMap(n, pd.DataFrame(columns=["source", "target", "type"]))).tolist()
    ['c', 'c']
    """
    n = cm.nodes
    kind = n["kind"].astype("str")
    cid = column(n, "chain_id").astype("object")
    seg = n[kind == "segment"]
    seg_chain = pd.Series(column(seg, "chain_id").to_numpy(), index=seg["node_id"].astype("str").str.removeprefix("seg:"))
    via = column(n, "segment_id").astype("object").map(seg_chain)
    out = cid.where(cid.notna(), via)
    return out.where(kind.isin(["segment", "enterprise"])).astype("object")


def _common_lookup(meta: dict[str, Any]) -> pd.DataFrame:
    """``meta["chain_problems"]`` (records of chain_id, problem_id, affected, share, is_common) as a frame."""
    rows = meta.get("chain_problems") or []
    df = pd.DataFrame(list(rows), columns=["chain_id", "problem_id", "affected", "share", "is_common"])
    return df.astype({"chain_id": "str", "problem_id": "str"}).drop_duplicates(["chain_id", "problem_id"])


def split_problems(cm: ChainMap) -> ChainMap:
    """One problem node per (chain, problem) — ``prob:<id>@<chain>`` — counted and marked within that chain.

    ``affected``, ``share`` and ``is_common`` come from the chain's own list
    (``meta["chain_problems"]``: records of chain_id, problem_id, affected, share,
    is_common) where it names the problem, else ``affected`` / ``share`` count the
    chain's firms on the map and ``is_common`` is False.

    Raises
    ------
    KeyError
        If the frames lack ``node_id``, ``kind``, ``source``, ``target`` or ``type``.

    Example
    -------
    >>> split_problems(cm).nodes.query("kind == 'problem'")["node_id"].head(1).tolist()  # doctest: +SKIP
    ['prob:P01@childrenswear']
    """
    chain_of = node_chains(cm)
    n, e = cm.nodes, cm.edges
    ids = n["node_id"].astype("str")
    kind = n["kind"].astype("str")
    prob = n[kind == "problem"]
    if prob.empty:
        return cm
    firm_chain = pd.Series(chain_of[kind == "enterprise"].to_numpy(), index=ids[kind == "enterprise"].to_numpy())
    firm_seg = pd.Series(column(n, "segment_id")[kind == "enterprise"].to_numpy(), index=firm_chain.index)
    etype = e["type"].astype("str")
    hp = e[etype == "HAS_PROBLEM"].copy()
    hp["_chain"] = hp["source"].astype("str").map(firm_chain)
    hp = hp[hp["_chain"].notna()]
    hp["_new"] = hp["target"].astype("str") + "@" + hp["_chain"].astype("str")
    hp["_seg"] = hp["source"].astype("str").map(firm_seg)
    firms_per_chain = firm_chain.value_counts()
    g = hp.groupby(["_new", "target", "_chain"], as_index=False).agg(affected=("source", "nunique"))
    hot = (hp.dropna(subset=["_seg"]).groupby(["_new", "_seg"]).size().rename("c").reset_index()
           .sort_values(["_new", "c", "_seg"], ascending=[True, False, True]).drop_duplicates("_new")
           .set_index("_new")["_seg"])
    base = prob.set_index(prob["node_id"].astype("str"))
    new = base.loc[g["target"].astype("str")].reset_index(drop=True).copy()
    new["node_id"] = g["_new"].to_numpy()
    new["chain_id"] = g["_chain"].to_numpy()
    new["segment_id"] = g["_new"].map(hot).to_numpy()
    new["affected"] = g["affected"].to_numpy()
    new["share"] = (g["affected"] / g["_chain"].map(firms_per_chain)).to_numpy(dtype="float64")
    new["is_common"] = False
    lk = _common_lookup(cm.meta)
    if len(lk):
        key = pd.MultiIndex.from_arrays([g["_chain"].astype("str"), g["target"].astype("str").str.removeprefix("prob:")])
        t = lk.set_index(["chain_id", "problem_id"]).reindex(key)
        known = t["is_common"].notna().to_numpy()
        new.loc[known, "is_common"] = t["is_common"].to_numpy()[known].astype(bool)
        for c in ("affected", "share"):
            v = pd.to_numeric(t[c], errors="coerce").to_numpy()
            new.loc[known & ~np.isnan(v), c] = v[known & ~np.isnan(v)]
    new["affected"] = pd.to_numeric(new["affected"], errors="coerce").round().astype("Int64")
    new["is_common"] = new["is_common"].astype("boolean")
    nodes = pd.concat([n[kind != "problem"], new], ignore_index=True)
    e2 = e.copy()
    m = etype == "HAS_PROBLEM"
    e2.loc[m, "target"] = e2.loc[m, "target"].astype("str") + "@" + e2.loc[m, "source"].astype("str").map(firm_chain)
    e2 = e2[~m | e2["target"].isin(set(new["node_id"]))]
    return ChainMap(nodes, e2.reset_index(drop=True), dict(cm.meta))


def chain_submap(cm: ChainMap, chain: str) -> ChainMap:
    """The part of a (banded or multi-chain) map that belongs to one chain, as a single-chain map.

    Keeps the chain's segments, its firms, its problem nodes and the edges among
    them; ``meta`` names the chain, its title and counts are the chain's own.

    Raises
    ------
    ValueError
        If ``cm`` breaks the structural contract.

    Example
    -------
    >>> n = pd.DataFrame({"node_id": ["seg:a1", "seg:b1"], "kind": ["segment", "segment"], "label": ["面料", "电芯"],
    ...                   "chain_id": ["a", "b"]})
    >>> chain_submap(ChainMap(n, pd.DataFrame(columns=["source", "target", "type"])), "a").nodes["node_id"].tolist()
    ['seg:a1']
    """
    check_chain_map(cm)
    n, e = cm.nodes, cm.edges
    kind = n["kind"].astype("str")
    ch = node_chains(cm)
    own = (ch == chain).fillna(False).to_numpy(dtype=bool)
    probs = ((kind == "problem") & (column(n, "chain_id").astype("object") == chain)).fillna(False)
    keep = own | probs.to_numpy(dtype=bool)
    nodes = n[keep].reset_index(drop=True)
    ids = set(nodes["node_id"].astype("str"))
    edges = e[e["source"].astype("str").isin(ids) & e["target"].astype("str").isin(ids)].reset_index(drop=True)
    names = cm.meta.get("chain_names") or {}
    name = str(names.get(chain, chain))
    meta = {k: v for k, v in cm.meta.items() if k not in ("banded", "collapsed", "chain_pages", "chain_problems")}
    region = str(cm.meta.get("region_name") or "")
    meta.update(chain_id=chain, chain_name=name,
                title=(f"{region} · " if region else "") + f"{name}产业链 质量认证强链图谱",
                counts=scope_counts(nodes, edges))
    return ChainMap(nodes, edges, meta)


def scope_counts(nodes: pd.DataFrame, edges: pd.DataFrame) -> dict[str, int]:
    """``enterprises``, ``segments``, ``problems``, ``supply_edges`` of these frames (the page's own scope).

    Raises
    ------
    KeyError
        If ``nodes`` has no ``kind`` column.

    Example
    -------
    >>> scope_counts(pd.DataFrame({"kind": ["segment"]}), pd.DataFrame(columns=["type"]))["segments"]
    1
    """
    kind = nodes["kind"].astype("str")
    return {"enterprises": int((kind == "enterprise").sum()), "segments": int((kind == "segment").sum()),
            "problems": int((kind == "problem").sum()),
            "supply_edges": int((edges["type"].astype("str") == "SUPPLIES").sum()) if len(edges) else 0}


def _top_problems(cm: ChainMap, keep: int) -> ChainMap:
    """Keep per chain its common problems and its ``keep`` most frequent other ones (``meta["problems_dropped"]``)."""
    n, e = cm.nodes, cm.edges
    pm = (n["kind"] == "problem").to_numpy()
    if not pm.any():
        return cm
    p = n[pm]
    f = pd.DataFrame({"c": column(p, "chain_id").astype("str").to_numpy(),
                      "aff": pd.to_numeric(column(p, "affected"), errors="coerce").fillna(0).to_numpy(),
                      "common": flag(p, "is_common").to_numpy(), "id": p["node_id"].astype("str").to_numpy()},
                     index=p.index).sort_values(["c", "common", "aff", "id"], ascending=[True, False, False, True])
    f["r"] = f.groupby("c").cumcount()
    drop = set(f.loc[(f["r"] >= keep) & ~f["common"], "id"])
    if not drop:
        return cm
    meta = dict(cm.meta, problems_dropped=len(drop))
    ids = n["node_id"].astype("str")
    return ChainMap(n[~ids.isin(drop)].reset_index(drop=True),
                    e[~e["target"].astype("str").isin(drop)].reset_index(drop=True), meta)


PROBLEMS_PER_BAND = 6
"""Problem hot spots drawn per chain band besides its common problems (the most frequent first)."""


def band_chains(cm: ChainMap, *, max_nodes: int = DEFAULT_MAX_NODES,
                chain_limit: int = DEFAULT_CHAIN_LIMIT, problems_per_band: int = PROBLEMS_PER_BAND) -> ChainMap:
    """Rewrite a multi-chain region map for drawing in chain bands.

    Problem nodes are split per chain (``prob:<id>@<chain>``, counted and marked
    common from the chain's own list in ``meta["chain_problems"]``); a chain with
    more than ``chain_limit`` firms — and then the biggest chains until at most
    ``max_nodes`` firms are drawn — is collapsed to its segment summary
    (:func:`chaingraph.render.layout.summarise_segments`; its segment nodes get
    ``collapsed=True``); one ``chain:<id>`` node per chain labels its band.

    Parameters
    ----------
    cm : ChainMap
        A region map of several chains (:func:`is_multi_chain`).
    max_nodes : int
        Firms drawn one by one on the whole page.
    chain_limit : int
        Firms of one chain drawn one by one.
    problems_per_band : int
        Problem hot spots per band besides the chain's common problems.

    Returns
    -------
    ChainMap
        With ``meta["banded"] = True``, ``meta["collapsed"]`` (chain ids, band order),
        ``meta["chain_firms"]`` ({chain id: firms}) and ``meta["cross_supplies_dropped"]``.

    Raises
    ------
    ValueError
        If ``cm`` breaks the structural contract or a limit is < 1.

    Example
    -------
    >>> banded = band_chains(cm, max_nodes=2500)  # doctest: +SKIP
    >>> banded.meta["collapsed"]  # doctest: +SKIP
    ['passenger-cars']
    """
    check_chain_map(cm)
    if max_nodes < 1 or chain_limit < 1:
        raise ValueError("max_nodes and chain_limit must be at least 1")
    cm = _top_problems(split_problems(cm), problems_per_band)
    n, e = cm.nodes, cm.edges
    kind = n["kind"].astype("str")
    ch = node_chains(cm)
    ch = ch.where(kind != "problem", column(n, "chain_id").astype("object"))
    chains = sorted(set(ch[kind == "segment"].dropna().astype("str")))
    firms = ch[kind == "enterprise"].astype("object").value_counts()
    per = {c: int(firms.get(c, 0)) for c in chains}
    collapsed = {c for c in chains if per[c] > chain_limit}
    drawn = sum(v for c, v in per.items() if c not in collapsed)
    for c in sorted(chains, key=lambda c: (-per[c], c)):
        if drawn <= max_nodes:
            break
        if c not in collapsed:
            collapsed.add(c)
            drawn -= per[c]
    parts_n: list[pd.DataFrame] = []
    parts_e: list[pd.DataFrame] = []
    in_collapsed = ch.isin(collapsed).to_numpy(dtype=bool)
    open_ids = set(n.loc[~in_collapsed, "node_id"].astype("str"))
    parts_n.append(n[~in_collapsed])
    src, tgt = e["source"].astype("str"), e["target"].astype("str")
    parts_e.append(e[src.isin(open_ids) & tgt.isin(open_ids)])
    for c in sorted(collapsed):
        sub = chain_submap(cm, c)
        s = summarise_segments(sub, max_nodes=1) if per[c] > 1 else sub
        sn = s.nodes.copy()
        sn["collapsed"] = (sn["kind"] == "segment").to_numpy()
        parts_n.append(sn)
        parts_e.append(s.edges)
    names = cm.meta.get("chain_names") or {}
    parts_n.append(pd.DataFrame({
        "node_id": [f"chain:{c}" for c in chains], "kind": "chain",
        "label": [str(names.get(c, c)) for c in chains], "chain_id": chains,
        "enterprise_count": pd.array([per[c] for c in chains], dtype="Int64"),
        "collapsed": [c in collapsed for c in chains]}))
    nodes = pd.concat([p for p in parts_n if len(p)], ignore_index=True)
    nodes["collapsed"] = column(nodes, "collapsed").astype("boolean").fillna(False).astype(bool)
    edges = pd.concat([p for p in parts_e if len(p)], ignore_index=True) if any(len(p) for p in parts_e) else e[:0]
    # FEEDS between segments are kept whatever the chain (cross-chain ones become stubs on the page)
    feeds = e[(e["type"].astype("str") == "FEEDS")]
    seg_ids = set(nodes.loc[nodes["kind"] == "segment", "node_id"].astype("str"))
    feeds = feeds[feeds["source"].astype("str").isin(seg_ids) & feeds["target"].astype("str").isin(seg_ids)]
    edges = pd.concat([edges[edges["type"].astype("str") != "FEEDS"], feeds], ignore_index=True)
    edges = edges.drop_duplicates(subset=[c for c in ("source", "target", "type", "product") if c in edges.columns])
    lead_firms = set(nodes.loc[(nodes["kind"] == "enterprise"), "node_id"].astype("str"))
    sup = e[e["type"].astype("str") == "SUPPLIES"]
    cross = sup[~(sup["source"].astype("str").isin(lead_firms) & sup["target"].astype("str").isin(lead_firms))]
    meta = dict(cm.meta)
    meta.update(banded=True, collapsed=[c for c in chains if c in collapsed], chain_firms=per,
                chains=chains, cross_supplies_dropped=int(len(cross)), max_nodes=int(max_nodes),
                drawn_firms=int(sum(v for c, v in per.items() if c not in collapsed)))
    return ChainMap(nodes.reset_index(drop=True), edges.reset_index(drop=True), meta)


def header_lines(text: str, width: float, font: float) -> list[str]:
    """Wrap a segment header's ``text`` (lines split at ``\\n``) to ``width`` canvas units at ``font`` size.

    Chinese has no spaces to break at, so long names are cut by characters into
    lines of near-equal length.

    Raises
    ------
    ValueError
        If ``font`` is not positive.

    Example
    -------
    >>> header_lines("上游 · 综合乘用车整车制造", 120.0, 20.0)
    ['上游 · ', '综合乘用车', '整车制造']
    """
    if font <= 0:
        raise ValueError("font must be positive")
    per = max(2, int(width // font))
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= per:
            out.append(line)
            continue
        if " · " in line and len(line.split(" · ", 1)[0]) + 3 <= per:  # keep "上游 · " on its own line
            head, rest = line.split(" · ", 1)
            out.append(head + " · ")
            line = rest
        k = math.ceil(len(line) / per)
        step = math.ceil(len(line) / k)
        out.extend(line[i:i + step] for i in range(0, len(line), step))
    return out


def _columns(seg: pd.DataFrame) -> pd.Series:
    """Shared stage column of every segment node: stage group offset + rank within its chain's stage."""
    stage = column(seg, "stage").astype("object").map(STAGE_RANK).fillna(3).astype("int64")
    order = pd.to_numeric(column(seg, "segment_order"), errors="coerce").fillna(np.inf)
    f = pd.DataFrame({"chain": column(seg, "chain_id").astype("str").to_numpy(), "stage": stage.to_numpy(),
                      "order": order.to_numpy(), "id": seg["node_id"].astype("str").to_numpy()}, index=seg.index)
    f = f.sort_values(["chain", "stage", "order", "id"], kind="stable")
    f["k"] = f.groupby(["chain", "stage"]).cumcount()
    width = f.groupby("stage")["k"].max() + 1
    offset = width.cumsum() - width
    return (f["stage"].map(offset) + f["k"]).reindex(seg.index).astype("int64")


def _band_rows(cells: np.ndarray, gap: float, row_height: float, slot_width: float, aspect: float,
               overhead: float) -> int:
    """Firms per sub-column so that width / height (with ``overhead`` per band for headers and problems) ≈ ``aspect``."""
    top = int(cells.max()) if cells.size else 0
    if top <= 1:
        return 1
    r = np.arange(1, top + 1, dtype="float64")
    slots = np.maximum(np.ceil(cells[None, :, :] / r[:, None, None]), 1.0)
    width = slots.max(axis=1).sum(axis=1) * slot_width + gap * cells.shape[1]
    rows = np.ceil(cells[None, :, :] / slots)
    height = rows.max(axis=2).sum(axis=1) * row_height + overhead * cells.shape[0]
    return int(r[int(np.argmin(np.abs(np.log(width / height) - math.log(aspect))))])


def layout_bands(cm: ChainMap, *, slot_width: float = 210.0, row_height: float = 60.0, column_gap: float = 70.0,
                 band_gap: float = 90.0, header_font: float = 18.0, aspect: float = 1.6) -> pd.DataFrame:
    """Place a banded map (:func:`band_chains`): chains as bands, stage columns shared.

    Parameters
    ----------
    cm : ChainMap
    slot_width, row_height : float
        One firm's room.
    column_gap, band_gap : float
        Space between columns and between bands.
    header_font : float
        Segment header font size before scaling with the map's width.
    aspect : float
        Target width / height when choosing how many rows a sub-column holds.

    Returns
    -------
    pandas.DataFrame
        ``node_id, x, y``; ``attrs``: ``label_scale``, ``header`` (node_id → wrapped label,
        box width, box height, font), ``bands`` (chain, y0, y1, x0, x1) and ``columns``
        (segment node_id → x0, x1, y0, y1).

    Raises
    ------
    ValueError
        If ``cm`` breaks the structural contract.

    Example
    -------
    >>> pos = layout_bands(band_chains(cm))  # doctest: +SKIP
    """
    check_chain_map(cm)
    nodes = cm.nodes.reset_index(drop=True)
    kind = nodes["kind"].astype("str")
    ids = nodes["node_id"].astype("str")
    chain_col = column(nodes, "chain_id").astype("object")
    seg = nodes[kind == "segment"]
    col_of_seg = _columns(seg)
    seg_col = pd.Series(col_of_seg.to_numpy(), index=ids[seg.index].str.removeprefix("seg:").to_numpy())
    chains = list(cm.meta.get("chains") or sorted(set(chain_col[kind == "segment"].dropna().astype("str"))))
    band_idx = {c: i for i, c in enumerate(chains)}
    n_cols = int(col_of_seg.max()) + 1 if len(seg) else 1
    n_bands = max(len(chains), 1)

    ent = nodes[kind == "enterprise"]
    e_seg = column(ent, "segment_id").astype("object")
    e_chain = e_seg.map(pd.Series(chain_col[seg.index].to_numpy(), index=seg_col.index))
    ef = pd.DataFrame({
        "i": ent.index.to_numpy(),
        "b": e_chain.map(band_idx).fillna(0).astype("int64").to_numpy(),
        "c": e_seg.map(seg_col).fillna(n_cols - 1).astype("int64").to_numpy(),
        "lead": flag(ent, "is_leader").to_numpy(),
        "size": pd.to_numeric(column(ent, "size").map(SIZE_RANK), errors="coerce").fillna(-1).to_numpy(),
        "rev": pd.to_numeric(column(ent, "revenue"), errors="coerce").fillna(-1.0).to_numpy(),
        "id": ent["node_id"].astype("str").to_numpy(),
    }).sort_values(["b", "c", "lead", "size", "rev", "id"], ascending=[True, True, False, False, False, True],
                   kind="stable")
    ef["k"] = ef.groupby(["b", "c"]).cumcount()
    cells = np.zeros((n_bands, n_cols))
    np.add.at(cells, (ef["b"].to_numpy(), ef["c"].to_numpy()), 1.0)
    rows_cap = _band_rows(cells, column_gap, row_height, slot_width, aspect, overhead=220.0)
    slots = np.maximum(np.ceil(cells / rows_cap), 1.0)
    col_slots = np.maximum(slots.max(axis=0), 1.0)
    est_w = float((col_slots * slot_width).sum() + column_gap * (n_cols - 1))
    est_h = float((np.ceil(cells / slots).max(axis=1) * row_height).sum() + 220.0 * n_bands)
    # the page is fitted to the screen: headers and hot spots grow with the map, but less than it does
    zoom = float(np.clip(math.sqrt(label_scale(max(est_w, est_h * aspect))), 1.0, 4.0))
    font = round(header_font * zoom, 1)
    col_width = np.maximum(col_slots * slot_width, font * 7.0 + 20.0)
    col_left = np.concatenate([[0.0], np.cumsum(col_width + column_gap)[:-1]])
    col_center = col_left + col_width / 2.0

    # headers: wrapped to their column; a band's header row is as tall as its tallest header
    head: dict[str, dict[str, Any]] = {}
    seg_band = chain_col[seg.index].map(band_idx).fillna(0).astype("int64")
    head_h = np.zeros(n_bands)
    for i in seg.index:
        text = str(nodes.at[i, "label"]) if pd.notna(nodes.at[i, "label"]) else ""
        w = float(col_width[col_of_seg[i]]) - 14.0
        lines = header_lines(text, w - 20.0, font)
        h = len(lines) * font * 1.25 + 20.0
        head[ids[i]] = {"lines": lines, "w": round(w, 1), "h": round(h, 1), "font": font}
        head_h[seg_band[i]] = max(head_h[seg_band[i]], h)
    rows = np.ceil(cells / slots)
    body_h = np.maximum(rows.max(axis=1) * row_height, row_height)
    prob = nodes[kind == "problem"]
    p_chain = column(prob, "chain_id").astype("object").map(band_idx).fillna(0).astype("int64")
    pw = slot_width * max(1.0, 0.6 * zoom)
    per_row = max(1, int((col_left[-1] + col_width[-1]) // pw))
    p_rows = np.ceil(np.bincount(p_chain.to_numpy(), minlength=n_bands) / per_row)
    p_h = p_rows * 45.0 * zoom
    p_gap = 45.0 + 30.0 * zoom  # below the last firm row's names
    band_h = head_h + 30.0 + body_h + np.where(p_rows > 0, p_gap, 0.0) + p_h
    band_top = np.concatenate([[0.0], np.cumsum(band_h + band_gap)[:-1]])

    x = np.full(len(nodes), np.nan)
    y = np.full(len(nodes), np.nan)
    bi, ci, k = ef["b"].to_numpy(), ef["c"].to_numpy(), ef["k"].to_numpy()
    cs = slots[bi, ci]
    ix = ef["i"].to_numpy()
    x[ix] = col_center[ci] - cs * slot_width / 2.0 + (k % cs + 0.5) * slot_width
    firm_top = band_top + head_h + 30.0 + row_height / 2.0
    y[ix] = firm_top[bi] + (k // cs) * row_height
    for i in seg.index:
        b = seg_band[i]
        x[i] = col_center[col_of_seg[i]]
        y[i] = band_top[b] + head_h[b] - head[ids[i]]["h"] / 2.0

    # problems: one packed row (or more) under each band's firms, each near its segment's column
    if len(prob):
        pf = pd.DataFrame({
            "i": prob.index.to_numpy(), "b": p_chain.to_numpy(),
            "want": col_center[column(prob, "segment_id").astype("object").map(seg_col).fillna(0)
                               .astype("int64").to_numpy()],
            "aff": pd.to_numeric(column(prob, "affected"), errors="coerce").fillna(0).to_numpy(),
            "id": prob["node_id"].astype("str").to_numpy(),
        }).sort_values(["b", "aff", "id"], ascending=[True, False, True], kind="stable")
        pf["row"] = pf.groupby("b").cumcount() // per_row
        pf = pf.sort_values(["b", "row", "want", "id"], kind="stable")
        pf["j"] = pf.groupby(["b", "row"]).cumcount().astype("float64")
        grp = [pf["b"], pf["row"]]
        pf["x"] = (pf["want"] - pf["j"] * pw).groupby(grp).cummax() + pf["j"] * pw
        right = col_left[-1] + col_width[-1] - pw / 2.0
        over = (pf.groupby(grp)["x"].transform("max") - right).clip(lower=0.0)
        room = (pf.groupby(grp)["x"].transform("min") - pw / 2.0).clip(lower=0.0)
        pf["x"] -= np.minimum(over, room)
        b = pf["b"].to_numpy()
        x[pf["i"].to_numpy()] = pf["x"].to_numpy()
        y[pf["i"].to_numpy()] = (band_top[b] + head_h[b] + 30.0 + body_h[b] + p_gap
                                 + pf["row"].to_numpy() * 45.0 * zoom)

    # chain labels at the left of their band
    left = -(slot_width * 0.6 + 40.0) * max(1.0, math.sqrt(zoom))
    for i in nodes.index[kind == "chain"]:
        b = band_idx.get(str(chain_col[i]), 0)
        x[i] = left
        y[i] = band_top[b] + band_h[b] / 2.0
    other = np.isnan(x)
    x[other] = left
    y[other] = band_top[-1] + band_h[-1] + band_gap

    out = pd.DataFrame({"node_id": ids.to_numpy(), "x": x, "y": y})
    out.attrs["label_scale"] = zoom
    out.attrs["header"] = head
    right_edge = float(col_left[-1] + col_width[-1])
    out.attrs["bands"] = [{"chain": c, "y0": float(band_top[i] - band_gap / 3.0),
                           "y1": float(band_top[i] + band_h[i] + band_gap / 3.0),
                           "x0": float(left - slot_width * 0.6 * math.sqrt(zoom)), "x1": right_edge + column_gap}
                          for i, c in enumerate(chains)]
    out.attrs["columns"] = {
        ids[i]: {"x0": float(col_left[col_of_seg[i]] - 6.0), "x1": float(col_left[col_of_seg[i]] + col_width[col_of_seg[i]] + 6.0),
                 "y0": float(band_top[seg_band[i]]), "y1": float(band_top[seg_band[i]] + head_h[seg_band[i]] + 30.0
                                                                 + body_h[seg_band[i]])}
        for i in seg.index}
    out.attrs["right_edge"] = right_edge + column_gap * 0.5
    out.attrs["col_width"] = {ids[i]: float(col_width[col_of_seg[i]]) for i in seg.index}
    return out
