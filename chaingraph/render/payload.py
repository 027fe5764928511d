"""The JSON payload of one map page: nodes, edges, legend, backdrop, filter menu and vis options.

:func:`build_payload` lays the chain out, builds the vis node and edge frames
(:mod:`chaingraph.render.frames`), turns them into sparse JSON-ready records and
adds the legend, the segment columns / region bands drawn under the map and the
page's switches.

Example
-------
>>> from chaingraph.render.payload import build_payload  # doctest: +SKIP
>>> payload = build_payload(cm, color_by="certification")  # doctest: +SKIP
>>> sorted(payload)[:3]  # doctest: +SKIP
['backdrop', 'edge_styles', 'edges']
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from chaingraph.render.bands import band_chains, is_multi_chain, layout_bands
from chaingraph.render.flows import flow_edges
from chaingraph.render.frames import _edge_frame, _node_frame, _text, _zoom
from chaingraph.render.layout import DEFAULT_MAX_NODES, ChainMap, check_chain_map, column, flag, layout_chain
from chaingraph.render.reach import add_reach
from chaingraph.render.style import (
    CERT_COLORS,
    COMMON_PROBLEM_COLOR,
    DEFAULT_BORDER,
    DETAIL_LINES_UP_TO,
    DIMENSION_ZH,
    EDGE_STYLE,
    FOCUS_BORDER,
    FONT_FACE,
    KEY_LINK_BORDER,
    LEADER_BORDER,
    PROBLEM_COLOR,
    SEGMENT_BORDER,
    SIZE_COLORS,
    SIZE_ZH,
    STAGE_COLORS,
    UNKNOWN_COLOR,
    VIS_VERSION,
    ColorBy,
    SizeBy,
)

_SAFE_FILE = re.compile(r'^(?!\.)[^/\\:*?"<>|#%\x00-\x1f]+\.html?$')
"""A sibling page name the page may link to: no folder, scheme, query or fragment."""


_SPARSE_DEFAULTS: dict[str, Any] = {
    "seg": "", "uscc": "", "name": "", "dash": False, "hidden": False, "product": "", "value": "", "severity": "",
    "count": "", "label": "", "curve": False, "back": False, "stub": False,
}
"""Record keys left out of the JSON when they hold this value (the page reads a missing key as the default)."""


def _records(df: pd.DataFrame, sparse: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Frame → JSON-ready records (numpy scalars → Python, NaN → None).

    Keys named in ``sparse`` are dropped where they hold their default
    (:data:`_SPARSE_DEFAULTS`) or NA, to keep a 20,000-node page small.
    """
    cols = list(df.columns)
    arrays = []
    for c in cols:
        v = df[c].astype("object").where(df[c].notna(), None).tolist()
        arrays.append([x.item() if isinstance(x, np.generic) else x for x in v])
    drop = {i: _SPARSE_DEFAULTS.get(c) for i, c in enumerate(cols) if c in sparse}
    recs = []
    for row in zip(*arrays, strict=True):
        rec = {}
        for i, v in enumerate(row):
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            if i in drop and (v is None or (type(v) is type(drop[i]) and v == drop[i])):
                continue
            rec[cols[i]] = v
        recs.append(rec)
    return recs


def _legend(color_by: str, size_by: str, has_focus: bool, summary: bool) -> list[dict[str, Any]]:
    if color_by == "certification":
        colours = [("已认证（持有认证证书）", CERT_COLORS["yes"]), ("未认证", CERT_COLORS["no"]),
                   ("不详", UNKNOWN_COLOR)]
        head = "企业颜色：认证情况"
    else:
        colours = [(SIZE_ZH[k], SIZE_COLORS[k]) for k in ("micro", "small", "medium", "large")]
        colours.append(("规模不详", UNKNOWN_COLOR))
        head = "企业颜色：企业规模"
    shapes: list[dict[str, Any]] = [
        {"type": "shape", "shape": "star", "color": SIZE_COLORS["large"], "border": LEADER_BORDER,
         "label": "链主企业（星形、金色粗边框、【链主】）"},
        {"type": "shape", "shape": "dot", "color": SIZE_COLORS["small"], "border": DEFAULT_BORDER,
         "label": "企业（大小：" + ("营业收入" if size_by == "revenue" else "供应关系数") + "）"},
    ]
    if has_focus:
        shapes.append({"type": "shape", "shape": "dot", "color": SIZE_COLORS["small"], "border": FOCUS_BORDER,
                       "label": "◎ 焦点企业"})
    shapes += [
        {"type": "shape", "shape": "dot" if summary else "box", "color": STAGE_COLORS["upstream"],
         "border": SEGMENT_BORDER,
         "label": "产业链环节" + ("（大小：企业数）" if summary else "（上游→下游，自左向右）")},
        {"type": "shape", "shape": "dot" if summary else "box", "color": STAGE_COLORS["midstream"],
         "border": KEY_LINK_BORDER, "label": "关键环节（红色粗边框）"},
        {"type": "shape", "shape": "triangle", "color": PROBLEM_COLOR, "border": "#67000d", "label": "问题热点"},
        {"type": "shape", "shape": "triangle", "color": COMMON_PROBLEM_COLOR, "border": "#67000d",
         "label": "共性质量问题"},
    ]
    lines = [{"type": "line", "color": st["color"], "width": min(float(st["width"]), 6.0), "dash": st["dash"],
              "label": ("供应（汇总，线宽：关系数）" if summary and t == "SUPPLIES" else st["zh"])}
             for t, st in EDGE_STYLE.items()]
    lines += [{"type": "line", "color": "#8e44ad", "width": 3.0, "dash": "dashed", "label": "环节回流（逆向流动，弧线）"},
              {"type": "line", "color": EDGE_STYLE["FEEDS"]["color"], "width": 3.0, "dash": "dashed",
               "label": "流向 / 来自其他产业链（止于边缘标签）"}]
    return [
        {"title": head, "items": [{"type": "shape", "shape": "dot", "color": c, "border": DEFAULT_BORDER, "label": t}
                                  for t, c in colours]},
        {"title": "节点", "items": shapes},
        {"title": "关系", "items": lines},
    ]


def _backdrop(cm: ChainMap, nodes: pd.DataFrame, zoom: float) -> dict[str, list[dict[str, Any]]]:
    """Rectangles drawn under the map: one tinted column per segment, one band per region.

    Parameters
    ----------
    cm : ChainMap
    nodes : pandas.DataFrame
        The vis node frame (``id``, ``kind``, ``seg``, ``x``, ``y``).
    zoom : float
        The layout's label scale.

    Returns
    -------
    dict
        ``columns``: ``x0, x1, y0, y1, color`` per segment; ``bands``: ``x0, x1, y0, y1`` per region band.
    """
    half = 100.0
    kind = nodes["kind"]
    body = nodes[kind.isin(["segment", "enterprise"]) & (nodes["seg"] != "")]
    firms = nodes[kind == "enterprise"]
    cols: list[dict[str, Any]] = []
    if len(body):
        bottom = float(firms["y"].max()) + 45.0 if len(firms) else float(body["y"].max()) + 45.0
        ext = body.groupby("seg").agg(x0=("x", "min"), x1=("x", "max"), y0=("y", "min"))
        stage = pd.Series(_text(column(cm.nodes, "stage")).to_numpy(), index=cm.nodes["node_id"].astype("str"))
        for seg, r in ext.iterrows():
            cols.append({"x0": round(float(r.x0) - half, 1), "x1": round(float(r.x1) + half, 1),
                         "y0": round(float(r.y0) - 60.0 * zoom, 1), "y1": round(bottom, 1),
                         "color": STAGE_COLORS.get(str(stage.get(seg, "")), "#f0f0f0")})
    bands: list[dict[str, Any]] = []
    if (kind == "region").any() and len(firms):
        code = pd.Series(_text(column(cm.nodes, "region_code")).to_numpy(), index=cm.nodes["node_id"].astype("str"))
        fr = firms.assign(code=firms["id"].map(code).to_numpy())
        ext = fr.groupby("code").agg(y0=("y", "min"), y1=("y", "max")).sort_values("y0")
        regs = nodes.loc[kind == "region", "x"]
        x0 = min([c["x0"] for c in cols] + [float(regs.min()) - 110.0 * zoom])
        x1 = max([c["x1"] for c in cols] + [float(firms["x"].max()) + half])
        bands = [{"x0": round(x0, 1), "x1": round(x1, 1), "y0": round(float(r.y0) - 32.0, 1),
                  "y1": round(float(r.y1) + 32.0, 1)} for _, r in ext.iterrows()]
    return {"columns": cols, "bands": bands}


def _band_backdrop(pos: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Backdrop of a banded map: one band per chain, one tinted column per segment of it."""
    cols = [{"x0": round(c["x0"], 1), "x1": round(c["x1"], 1), "y0": round(c["y0"], 1), "y1": round(c["y1"], 1),
             "color": "#eef2f8"} for c in (pos.attrs.get("columns") or {}).values()]
    bands = [{"x0": round(b["x0"], 1), "x1": round(b["x1"], 1), "y0": round(b["y0"], 1), "y1": round(b["y1"], 1)}
             for b in pos.attrs.get("bands") or []]
    return {"columns": cols, "bands": bands}


def _left_out(meta: dict[str, Any], drawn: int, summary: bool, banded: bool) -> str:
    """What the page leaves out, said in its counts line."""
    bits = []
    if banded:
        folded = list(meta.get("collapsed") or [])
        per = meta.get("chain_firms") or {}
        if folded:
            n = sum(int(per.get(c, 0)) for c in folded)
            bits.append(f"逐一显示 {drawn:,} 家；{len(folded)} 条产业链的 {n:,} 家企业以环节汇总显示")
        if meta.get("cross_supplies_dropped"):
            bits.append(f"汇总链的跨链供应关系 {int(meta['cross_supplies_dropped']):,} 条未画出")
    elif summary:
        bits.append(f"逐一显示链主企业 {drawn:,} 家，其余以环节汇总")
    if meta.get("problems_dropped"):
        bits.append(f"各链只显示共性问题和最常见的问题热点，{int(meta['problems_dropped']):,} 项未画出")
    if meta.get("partners_dropped"):
        bits.append(f"其他环节的供需企业 {int(meta['partners_dropped']):,} 家未显示")
    if meta.get("pages_dropped"):
        bits.append(f"另有 {int(meta['pages_dropped'])} 个分图未生成")
    return "；".join(bits)


def _leader_list(cm: ChainMap) -> list[dict[str, Any]]:
    """The side panel's leader list: name, segment and reach (small and micro firms reached)."""
    n = cm.nodes
    le = n[(n["kind"] == "enterprise") & flag(n, "is_leader")]
    if le.empty:
        return []
    smb = pd.to_numeric(column(le, "smb_reach"), errors="coerce")
    f = pd.DataFrame({"id": le["node_id"].astype("str"), "label": _text(le["label"]),
                      "reach": smb.astype("float64"),
                      "down": pd.to_numeric(column(le, "reach_down"), errors="coerce").astype("float64"),
                      "up": pd.to_numeric(column(le, "reach_up"), errors="coerce").astype("float64")})
    f = f.sort_values(["reach", "label"], ascending=[False, True], na_position="last").head(200)
    return [{k: (None if isinstance(v, float) and not math.isfinite(v) else (int(v) if isinstance(v, float) else v))
             for k, v in r.items()} for r in f.to_dict("records")]


def _title(meta: dict[str, Any]) -> str:
    t = meta.get("title")
    if t:
        return str(t)
    parts = [str(meta[k]) for k in ("region_name", "chain_name") if meta.get(k)]
    return (" · ".join(parts) + " " if parts else "") + "质量认证强链图谱"


def build_payload(
    cm: ChainMap,
    *,
    color_by: ColorBy = "size",
    size_by: SizeBy = "revenue",
    show_problems: bool = True,
    positions: pd.DataFrame | None = None,
    segment_maps: list[dict[str, str]] | None = None,
    parent: str | None = None,
) -> dict[str, Any]:
    """Build the JSON payload of one map page.

    Parameters
    ----------
    cm : ChainMap
    color_by : {"size", "certification"}
        Enterprise colour: size class (微型/小型/中型/大型) or certificate held (已认证/未认证).
    size_by : {"revenue", "degree"}
        Enterprise node size: revenue (万元) or supply edges; square-root scaled, bounded.
    show_problems : bool
        Whether problem nodes (问题热点) are shown when the page opens (the page has a switch).
    positions : pandas.DataFrame, optional
        ``node_id, x, y``; by default :func:`chaingraph.layout.layout_chain`.
    segment_maps : list of dict, optional
        ``{"id": segment node_id, "label": name, "file": sibling file name}`` for a summary page.
    parent : str, optional
        File name of the summary page, for a per-segment page.

    Returns
    -------
    dict
        ``meta`` (title, subtitle, …), ``nodes`` and ``edges`` (flat, sparse
        records the page turns into vis items), ``edge_styles`` (per edge type),
        ``legend``, ``segments`` (filter menu),
        ``segment_maps``, ``parent`` and ``options`` (vis-network options).

    Raises
    ------
    ValueError
        If ``cm`` breaks the contract, or ``color_by`` / ``size_by`` is unknown.

    Example
    -------
    >>> payload = build_payload(cm)  # doctest: +SKIP
    >>> len(payload["nodes"]) == len(cm.nodes)  # doctest: +SKIP
    True
    """
    if color_by not in ("size", "certification"):
        raise ValueError(f"color_by must be 'size' or 'certification', not {color_by!r}")
    if size_by not in ("revenue", "degree"):
        raise ValueError(f"size_by must be 'revenue' or 'degree', not {size_by!r}")
    check_chain_map(cm)
    summary = bool(cm.meta.get("summary"))
    if is_multi_chain(cm):
        cm = band_chains(cm)
    banded = bool(cm.meta.get("banded"))
    cm = add_reach(cm)
    if positions is not None:
        pos = positions
    elif banded:
        pos = layout_bands(cm)
        pos.attrs["slot_width"] = 210.0
    else:
        # a summary has few nodes but big ones (segments sized by firm count, leader stars): give them air
        pos = layout_chain(cm, row_height=96.0, header_gap=200.0) if summary else layout_chain(cm)
        pos.attrs["slot_width"] = 200.0
    nodes = _node_frame(cm, pos, color_by, size_by, show_problems)
    kind = nodes["kind"]
    n_firms = int((kind == "enterprise").sum())
    hidden_ids = set(nodes.loc[nodes["hidden"].astype(bool), "id"])
    meta = cm.meta
    detail = n_firms <= DETAIL_LINES_UP_TO and not summary
    switches = {"problems": bool(show_problems), "problem_edges": detail, "operates": detail, "supplies": True}
    edges = _edge_frame(cm, hidden_ids, switches, _zoom(pos))
    nodes, edges = flow_edges(cm, nodes, edges, pos)
    kind = nodes["kind"]
    focus = str(meta.get("focus") or "")
    if focus not in set(nodes["id"]):
        focus = ""

    firms = int(meta.get("enterprise_count", n_firms)) if summary else n_firms
    if banded:
        firms = int(sum((meta.get("chain_firms") or {}).values()))
    leaders = int(flag(cm.nodes, "is_leader")[cm.nodes["kind"] == "enterprise"].sum())
    counts = (f"企业 {firms:,} 家 · 链主企业 {leaders} 家 · 环节 {int((kind == 'segment').sum())} 个"
              f" · 问题热点 {int((kind == 'problem').sum())} 项")
    left_out = _left_out(meta, n_firms, summary, banded)
    if left_out:
        counts += f"（{left_out}）"
    bits = []
    if meta.get("data_date"):
        bits.append(f"数据日期：{meta['data_date']}")
    if meta.get("dimension"):
        bits.append(f"维度：{DIMENSION_ZH.get(str(meta['dimension']), str(meta['dimension']))}")
    bits.append(counts)
    subtitle = "　".join(bits)
    note = ""
    if summary:
        note = (f"企业超过 {int(meta.get('max_nodes', DEFAULT_MAX_NODES)):,} 家，本页为环节汇总（链主企业逐一显示）；"
                "各环节的企业级图谱见左侧“分环节企业图谱”，或双击环节打开。")
    elif meta.get("segment"):
        note = f"本页为“{meta.get('segment_label', '')}”环节的企业级图谱（含其直接供需企业）。"
        if meta.get("partners_dropped"):
            note = f"本页为“{meta.get('segment_label', '')}”环节的企业级图谱；企业过多，未显示其他环节的供需企业。"

    if banded:
        note = "本图每条产业链一带（上游、中游、下游列对齐），各链的共性问题按本链的问题清单标记。"
        if meta.get("collapsed"):
            note += "企业较多的链以环节汇总显示，见左侧“分链企业图谱”，或双击该链打开。"
    seg_nodes = nodes[kind == "segment"].sort_values(["y", "x"] if banded else "x")
    label_of = pd.Series(_text(cm.nodes["label"]).to_numpy(), index=cm.nodes["node_id"].astype("str").to_numpy())
    chain_name = cm.meta.get("chain_names") or {}
    seg_chain = pd.Series(column(cm.nodes, "chain_id").astype("object").to_numpy(), index=label_of.index)
    segments = [{"id": i, "label": (f"{chain_name.get(seg_chain.get(i), seg_chain.get(i))} · " if banded else "")
                 + str(label_of.get(i, i))} for i in seg_nodes["id"]]
    n_edges = len(edges)
    big = n_edges > 2000 or len(nodes) > 2500
    options: dict[str, Any] = {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False, "multiselect": True},
        "nodes": {"font": {"face": FONT_FACE, "size": 14, "color": "#1a1a1a", "strokeWidth": 3,
                           "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 7}}},
        "edges": {"smooth": False, "selectionWidth": 2,
                  "font": {"face": FONT_FACE, "size": 13, "align": "middle", "strokeWidth": 3}},
    }
    return {
        "meta": {"title": _title(meta), "subtitle": subtitle, "note": note, "summary": summary, "focus": focus,
                 "generator": "chaingraph", "vis": VIS_VERSION},
        "nodes": _records(nodes, sparse=("seg", "uscc", "name", "dash", "hidden", "lr", "wmax")),
        "edges": _records(edges, sparse=("product", "value", "severity", "count", "width", "label", "curve",
                                          "hidden", "back", "stub")),
        "edge_styles": EDGE_STYLE,
        "legend": _legend(color_by, size_by, bool(focus), summary),
        "segments": segments,
        "segment_maps": [m for m in (segment_maps or []) if _SAFE_FILE.match(m.get("file", ""))],
        "links_title": "分链企业图谱" if banded else "分环节企业图谱",
        "leaders": _leader_list(cm),
        "parent": parent if parent and _SAFE_FILE.match(parent) else None,
        "parent_label": "← 返回环节汇总图谱" if meta.get("segment") else "← 返回全部产业链图谱",
        "options": options,
        "switches": switches,
        "backdrop": _band_backdrop(pos) if banded else _backdrop(cm, nodes, _zoom(pos)),
    }

