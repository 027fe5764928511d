"""Segment flows (环节流向) on the page: left to right, back edges for cycles, stubs for other chains.

Segments are placed upstream → downstream, so a FEEDS edge normally runs left to
right. Two kinds do not, and are drawn so that they cannot be mistaken for it:

* a flow **against the order** (a cycle, 回流: the target's column is not right of
  the source's) is a *back edge*: curved, dashed, another colour, labelled 回流;
* a flow **to another chain** (on a banded map, its target is in another band)
  ends at a labelled *stub* at the right edge of the source's band
  (``→ 其他链：链名 · 环节``), and starts from a stub at the left edge of the
  target's band, so no line crosses the bands.

Example
-------
>>> from chaingraph.render.flows import BACK_COLOR
>>> BACK_COLOR
'#8e44ad'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from chaingraph.render.layout import ChainMap, column

BACK_COLOR = "#8e44ad"
"""Colour of a back edge (a flow against the upstream → downstream order)."""
STUB_BORDER = "#4a6fa5"


def _stub_rows(ids: list[str], labels: list[str], titles: list[str], xs: list[float], ys: list[float],
               font: float) -> pd.DataFrame:
    return pd.DataFrame({
        "id": ids, "kind": "stub", "seg": "", "x": np.round(xs, 1), "y": np.round(ys, 1), "shape": "box",
        "size": 10.0, "bg": "#ffffff", "bd": STUB_BORDER, "bw": 1.5, "dash": True, "font": round(font),
        "label": labels, "title": titles, "hidden": False, "uscc": "", "name": "",
    })


def _outside(cm: ChainMap, nodes: pd.DataFrame, edges: pd.DataFrame,
             pos: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stubs for ``meta["outside_flows"]``: flows between a segment drawn and one of a chain not drawn."""
    rows = [r for r in cm.meta.get("outside_flows") or [] if isinstance(r, dict)]
    x = pd.Series(nodes["x"].to_numpy(dtype="float64"), index=nodes["id"].to_numpy())
    y = pd.Series(nodes["y"].to_numpy(dtype="float64"), index=nodes["id"].to_numpy())
    rows = [r for r in rows if str(r.get("segment")) in x.index]
    if not rows:
        return nodes, edges
    zoom = float(pos.attrs.get("label_scale", 1.0))
    font = 14.0 * max(1.0, zoom ** 0.5)
    right, left = float(x.max()) + 160.0 * zoom, float(x.min()) - 160.0 * zoom
    new_nodes, new_edges, k = [], [], {}
    for j, r in enumerate(rows):
        seg, other, out = str(r["segment"]), str(r.get("other", "")), r.get("direction") == "out"
        key = (seg, out)
        k[key] = k.get(key, 0) + 1
        sid = f"stub:x:{j}"
        label = f"→ 其他链：{other}" if out else f"来自其他链：{other} →"
        new_nodes.append((sid, label, ("流向其他产业链：" if out else "来自其他产业链：") + other,
                          right if out else left, y[seg] + (k[key] - 1) * font * 2.2))
        new_edges.append({"from": seg if out else sid, "to": sid if out else seg, "type": "FEEDS", "stub": True,
                          "back": False, "curve": False, "hidden": False, "label": ""})
    ids, labels, titles, xs, ys = zip(*new_nodes, strict=True)
    stubs = _stub_rows(list(ids), list(labels), list(titles), list(xs), list(ys), font)
    half = stubs["label"].str.len() * font * 0.5 + 10.0
    outward = np.array([r.get("direction") == "out" for r in rows])
    stubs["x"] = np.where(outward, stubs["x"] + half, stubs["x"] - half).round(1)
    nodes = pd.concat([nodes, stubs.reindex(columns=nodes.columns)], ignore_index=True)
    edges = pd.concat([edges, pd.DataFrame(new_edges).reindex(columns=edges.columns)], ignore_index=True)
    for c in ("back", "stub", "curve", "hidden"):
        edges[c] = edges[c].fillna(False).astype(bool)
    for c in ("product", "value", "severity", "count", "label"):
        edges[c] = edges[c].fillna("")
    return nodes, edges


def flow_edges(cm: ChainMap, nodes: pd.DataFrame, edges: pd.DataFrame,
               pos: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark back edges and replace cross-chain flows of a banded map by two stubs each.

    Parameters
    ----------
    cm : ChainMap
    nodes : pandas.DataFrame
        The vis node frame (``id``, ``x``, ``y``, ``kind``).
    edges : pandas.DataFrame
        The vis edge frame (``from``, ``to``, ``type`` …).
    pos : pandas.DataFrame
        The layout (its ``attrs`` give a banded map's band edges).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Nodes with the stub nodes appended (``kind="stub"``) and edges with
        ``back`` and ``stub`` columns (bool).

    Raises
    ------
    KeyError
        If a frame lacks one of the columns named above.

    Example
    -------
    >>> nodes, edges = flow_edges(cm, nodes, edges, pos)  # doctest: +SKIP
    """
    edges = edges.copy()
    edges["back"] = False
    edges["stub"] = False
    nodes, edges = _outside(cm, nodes, edges, pos)
    feeds = (edges["type"] == "FEEDS") & ~edges["stub"]
    if not feeds.any():
        return nodes, edges
    x = pd.Series(nodes["x"].to_numpy(dtype="float64"), index=nodes["id"].to_numpy())
    y = pd.Series(nodes["y"].to_numpy(dtype="float64"), index=nodes["id"].to_numpy())
    n = cm.nodes
    chain = pd.Series(column(n, "chain_id").astype("object").to_numpy(), index=n["node_id"].astype("str").to_numpy())
    label = pd.Series(n["label"].astype("object").fillna("").astype("str").to_numpy(), index=chain.index)
    names: dict[str, Any] = cm.meta.get("chain_names") or {}
    f = edges[feeds]
    ca, cb = f["from"].map(chain), f["to"].map(chain)
    cross = (ca.notna() & cb.notna() & (ca != cb)).to_numpy() & bool(cm.meta.get("banded"))
    back = ~cross & (f["to"].map(x) <= f["from"].map(x)).to_numpy()
    edges.loc[f.index[back], "back"] = True
    edges.loc[f.index[back], "curve"] = True
    edges.loc[f.index[back], "label"] = "回流"
    if not cross.any():
        return nodes, edges
    zoom = float(pos.attrs.get("label_scale", 1.0))
    right = float(pos.attrs.get("right_edge", float(x.max()) + 200.0))
    left = float(min(x.min(), 0.0)) - 60.0
    font = 14.0 * max(1.0, zoom ** 0.5)
    new_nodes, new_edges = [], []
    out_k: dict[str, int] = {}
    in_k: dict[str, int] = {}
    for j, (_i, r) in enumerate(f[cross].iterrows()):
        a, b = str(r["from"]), str(r["to"])
        an, bn = str(names.get(chain[a], chain[a])), str(names.get(chain[b], chain[b]))
        ko, ki = out_k.get(a, 0), in_k.get(b, 0)
        out_k[a], in_k[b] = ko + 1, ki + 1
        so, si = f"stub:out:{j}", f"stub:in:{j}"
        new_nodes.append((so, f"→ 其他链：{bn} · {label[b]}", f"流向其他产业链：{label[a]} → {bn} · {label[b]}",
                          right + 40.0, y[a] + ko * font * 2.2))
        new_nodes.append((si, f"来自其他链：{an} · {label[a]} →", f"来自其他产业链：{an} · {label[a]} → {label[b]}",
                          left - 40.0, y[b] + ki * font * 2.2))
        new_edges.append({**r.to_dict(), "to": so, "stub": True, "label": ""})
        new_edges.append({**r.to_dict(), "from": si, "stub": True, "label": ""})
    edges = pd.concat([edges.drop(index=f.index[cross]), pd.DataFrame(new_edges)], ignore_index=True)
    edges["back"] = edges["back"].astype(bool)
    edges["stub"] = edges["stub"].astype(bool)
    edges["curve"] = edges["curve"].astype(bool)
    ids, labels, titles, xs, ys = zip(*new_nodes, strict=True)
    stubs = _stub_rows(list(ids), list(labels), list(titles), list(xs), list(ys), font)
    # outgoing stubs are boxes whose left edge sits at the band's edge: shift by half their width
    half = stubs["label"].str.len() * font * 0.5
    stubs["x"] = np.where(stubs["id"].str.startswith("stub:out:"), stubs["x"] + half, stubs["x"] - half).round(1)
    return pd.concat([nodes, stubs.reindex(columns=nodes.columns)], ignore_index=True), edges
