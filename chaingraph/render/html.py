"""Interactive, self-contained HTML chain maps (质量认证强链图谱).

Analysts share these maps on file shares and USB sticks inside networks with no
internet, so every page is ONE file that makes no request outside itself:

* the vis-network 9.1.2 standalone build and its stylesheet are inlined verbatim
  (its Apache-2.0 / MIT license header kept; only the trailing source-map comment
  is dropped). They are read from the pyvis wheel, which ships them in
  ``pyvis/templates/lib/vis-9.1.2``. pyvis's own ``Network`` / Jinja template is
  *not* used: it links Bootstrap and vis from a CDN even with
  ``cdn_resources='in_line'``, writes a ``lib/`` folder into the working directory
  with ``'local'``, does not escape its heading or select-menu options, and builds
  nodes one Python call at a time. Here node and edge records are built column-wise
  with pandas;
* the page (``chaingraph/data/map_template.html``) is filled by a single-pass
  marker substitution (no Jinja), so data can never inject a marker;
* the map data travel as JSON in ``<script type="application/json">`` with ``<``,
  ``>``, ``&``, U+2028 / U+2029 (and lone surrogates) escaped as ``\\uXXXX``,
  read with ``JSON.parse``. The page's script builds its controls with
  ``textContent`` only; tooltips are plain strings, which vis-network 9 shows as
  text (``innerText``); labels are drawn on a canvas. The page title is HTML-escaped;
* a Content-Security-Policy ``<meta>`` (``default-src 'none'``) makes the browser
  itself refuse any request the page might attempt;
* positions come from :func:`chaingraph.layout.layout_chain`; physics is off, so a
  2,000-firm page draws in about a second.

Above ``max_nodes`` enterprise nodes (default 2,500) :func:`write_map_html` writes
a segment-level summary to ``path`` and one enterprise-level map per segment
beside it, ``<stem>-NN-<segment>.html`` (``NN`` = the segment's column, 01 =
most upstream); the summary lists them and a double click on a segment opens its
map; each segment map links back to the summary.

Example
-------
>>> from chaingraph.render import write_map_html  # doctest: +SKIP
>>> write_map_html(cm, "out/wuxing-childrenswear.html", color_by="certification")  # doctest: +SKIP
[PosixPath('out/wuxing-childrenswear.html')]
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from chaingraph.errors import MissingDependency, OutputError
from chaingraph.model import ENUM_ZH
from chaingraph.render.layout import (
    DEFAULT_MAX_NODES,
    ChainMap,
    check_chain_map,
    column,
    flag,
    label_scale,
    layout_chain,
    segment_key,
    split_by_segment,
    summarise_segments,
)

ColorBy = Literal["size", "certification"]
SizeBy = Literal["revenue", "degree"]

VIS_VERSION = "9.1.2"
TEMPLATE_NAME = "map_template.html"

FONT_FACE = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "SimHei", sans-serif'

SIZE_COLORS: dict[str, str] = {"micro": "#c6dbef", "small": "#6baed6", "medium": "#2171b5", "large": "#08306b"}
CERT_COLORS: dict[str, str] = {"yes": "#31a354", "no": "#fd8d3c"}
UNKNOWN_COLOR = "#d9d9d9"
LEADER_BORDER = "#d4a017"
FOCUS_BORDER = "#7b3294"
DEFAULT_BORDER = "#4d4d4d"
STAGE_COLORS: dict[str, str] = {"upstream": "#e3eefa", "midstream": "#e6f4ea", "downstream": "#fdf0e1"}
SEGMENT_BORDER = "#4a6fa5"
KEY_LINK_BORDER = "#c0392b"
PROBLEM_COLOR = "#ef6548"
COMMON_PROBLEM_COLOR = "#b10026"

EDGE_STYLE: dict[str, dict[str, Any]] = {
    # type: colour, width, dashes ("solid" | "dashed" | "dotted"), arrow, legend label
    "SUPPLIES": {"color": "#607d8b", "width": 1.2, "dash": "solid", "arrow": True, "zh": "供应（供方→采购方）"},
    "FEEDS": {"color": "#4a6fa5", "width": 7.0, "dash": "solid", "arrow": True, "zh": "环节流向"},
    "OPERATES_IN": {"color": "#b0b0b0", "width": 1.0, "dash": "dashed", "arrow": False, "zh": "所属环节"},
    "HAS_PROBLEM": {"color": "#d62728", "width": 1.2, "dash": "dotted", "arrow": False, "zh": "存在问题"},
    "LEADS": {"color": LEADER_BORDER, "width": 2.0, "dash": "solid", "arrow": True, "zh": "链主引领"},
}
DASHES: dict[str, Any] = {"solid": False, "dashed": [6, 5], "dotted": [2, 5]}

DIMENSION_ZH = {"region": "区域", "industry": "产业", "enterprise": "企业"}
STAGE_ZH = ENUM_ZH["stage"]
SIZE_ZH = ENUM_ZH["size"]
CATEGORY_ZH = ENUM_ZH["category"]
KIND_ZH = ENUM_ZH["kind"]

DETAIL_LINES_UP_TO = 300
"""OPERATES_IN and HAS_PROBLEM lines are shown at first only on maps with at most
this many firms (a firm's column already says its segment; thousands of problem
lines hide the chain); the page has a switch for each."""

_MARKER = re.compile(r"@@CHAINMAP_([A-Z_]+)@@")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SAFE_FILE = re.compile(r'^(?!\.)[^/\\:*?"<>|#%\x00-\x1f]+\.html?$')
"""A sibling page name the page may link to: no folder, scheme, query or fragment."""
_UNSAFE_NAME = re.compile(r'[/\\:*?"<>|#%\x00-\x1f\s]+')


# ---------------------------------------------------------------------------
# assets
# ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """Read the page template and the vis-network files shipped in the pyvis wheel.

    Raises
    ------
    MissingDependency
        If pyvis (which ships vis-network) or one of the files is missing.
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("pyvis is not installed; it ships the vis-network script the map inlines")
    vis_dir = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (vis_dir / "vis-network.min.js").read_text(encoding="utf-8")
        css = (vis_dir / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise MissingDependency(f"vis-network {VIS_VERSION} not found in the pyvis package ({vis_dir}): {exc}") from exc
    template = (Path(__file__).resolve().parent.parent / "data" / TEMPLATE_NAME).read_text(encoding="utf-8")
    # Drop source-map comments (a reference to a file that is not there); nothing else is touched.
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    for name, text in (("script", js), ("style", css)):
        if f"</{name}" in text.lower():
            raise MissingDependency(f"vis-network {name} contains '</{name}' and cannot be inlined")
    return {"vis_js": js, "vis_css": css, "template": template}


# ---------------------------------------------------------------------------
# small column helpers (vectorised)
# ---------------------------------------------------------------------------

def _text(s: pd.Series) -> pd.Series:
    """As plain strings, NA → ''."""
    return s.astype("object").where(s.notna(), "").astype("str")


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("float64")


def _fmt_num(s: pd.Series, decimals: int = 0) -> pd.Series:
    """Thousands-separated numbers, NA → ''."""
    v = _num(s)
    out = pd.Series("", index=s.index, dtype="str")
    ok = v.notna()
    out[ok] = [f"{x:,.{decimals}f}" for x in v[ok]]
    return out


def _yes_no(s: pd.Series) -> pd.Series:
    b = s.astype("boolean")
    return pd.Series(np.where(b.isna(), "不详", np.where(b.fillna(False), "是", "否")), index=s.index, dtype="str")


def _line(prefix: str, value: pd.Series, suffix: str = "") -> pd.Series:
    """``prefix + value + suffix`` where value is non-empty, else ''."""
    return (prefix + value + suffix).where(value != "", "")


def _join_lines(lines: list[pd.Series]) -> pd.Series:
    out = lines[0]
    for ln in lines[1:]:
        out = out + ("\n" + ln).where(ln != "", "")
    return out


def _wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters, of near-equal length."""
    if len(text) <= width:
        return text
    lines = math.ceil(len(text) / width)
    step = math.ceil(len(text) / lines)
    return "\n".join(text[i:i + step] for i in range(0, len(text), step))


def _scale(values: pd.Series, lo: float, hi: float) -> pd.Series:
    """Square-root scaling into [lo, hi]; NA and negatives → lo."""
    v = _num(values).clip(lower=0).fillna(0.0)
    top = float(v.max()) if len(v) else 0.0
    if top <= 0:
        return pd.Series(lo, index=values.index, dtype="float64")
    return (lo + (hi - lo) * np.sqrt(v / top)).round(1)


# ---------------------------------------------------------------------------
# payload
# ---------------------------------------------------------------------------

def _zoom(pos: pd.DataFrame) -> float:
    """The layout's label scale (``attrs``), else :func:`label_scale` of the positions' width."""
    z = pos.attrs.get("label_scale")
    if z is None:
        x = pd.to_numeric(pos["x"], errors="coerce")
        z = label_scale(float(x.max() - x.min()) if x.notna().any() else 0.0)
    return float(z)


def _node_frame(cm: ChainMap, pos: pd.DataFrame, color_by: str, size_by: str,
                show_problems: bool) -> pd.DataFrame:
    """One row per vis node: id, label, x, y, shape, size, bg, bd, bw, dash, title, kind, seg, hidden, font, uscc."""
    n = cm.nodes.reset_index(drop=True)
    kind = n["kind"].astype("str")
    ids = n["node_id"].astype("str")
    label = _text(n["label"])
    summary = bool(cm.meta.get("summary"))
    focus = str(cm.meta.get("focus") or "")
    seg_key = segment_key(n)
    seg_label = pd.Series(label.to_numpy(), index=ids.to_numpy())[kind.to_numpy() == "segment"]
    stage = _text(column(n, "stage")).map(lambda s: STAGE_ZH.get(s, s))
    lead = flag(n, "is_leader")
    key_link = flag(n, "key_link")

    zoom = _zoom(pos)
    out = pd.DataFrame({"id": ids, "kind": kind, "seg": seg_key.astype("object").where(seg_key.notna(), "")})
    p = pos.set_index("node_id").reindex(ids)
    out["x"] = p["x"].round(1).to_numpy()
    out["y"] = p["y"].round(1).to_numpy()
    out["shape"] = "dot"
    out["size"] = 10.0
    out["bg"] = UNKNOWN_COLOR
    out["bd"] = DEFAULT_BORDER
    out["bw"] = 1.0
    out["dash"] = False
    out["font"] = 14
    out["label"] = label
    out["title"] = label
    out["hidden"] = False
    out["uscc"] = _text(column(n, "uscc")).where(kind == "enterprise", "")
    out["name"] = ""  # plain name where the display label differs (used in edge tooltips)

    # ---- enterprises --------------------------------------------------------
    e = (kind == "enterprise").to_numpy()
    if e.any():
        en = n[e]
        size = _text(column(en, "size"))
        if color_by == "certification":
            cert = column(en, "certified").astype("boolean")
            yes = np.where(cert.fillna(False), CERT_COLORS["yes"], CERT_COLORS["no"])
            bg = np.where(cert.isna(), UNKNOWN_COLOR, yes)
        else:
            bg = size.map(SIZE_COLORS).fillna(UNKNOWN_COLOR).to_numpy()
        basis = column(en, "revenue") if size_by == "revenue" else column(en, "degree")
        out.loc[e, "bg"] = bg
        out.loc[e, "size"] = _scale(basis, 6.0, 22.0).to_numpy()
        le = lead[e].to_numpy()
        out.loc[e, "shape"] = np.where(le, "star", "dot")
        out.loc[e, "bd"] = np.where(le, LEADER_BORDER, DEFAULT_BORDER)
        out.loc[e, "bw"] = np.where(le, 4.0, 1.0)
        lead_size = round(22.0 * min(zoom, 1.5), 1)
        out.loc[e, "size"] = np.where(le, np.maximum(out.loc[e, "size"].to_numpy(dtype="float64"), lead_size),
                                      out.loc[e, "size"].to_numpy(dtype="float64"))
        out.loc[e, "label"] = np.where(le, "【链主】" + label[e], label[e])
        seg_name = seg_key[e].map(seg_label).astype("object")
        seg_name = seg_name.where(seg_name.notna(), _text(column(en, "segment_id"))).astype("str")
        rev = _fmt_num(column(en, "revenue"), 1)
        emp = _fmt_num(column(en, "employees"))
        sev = _fmt_num(column(en, "max_severity"))
        probs = _text(column(en, "problems"))
        pcount = _num(column(en, "problem_count"))
        no_prob = pd.Series(np.where((pcount == 0) & (probs == ""), "质量问题：无记录", ""), index=en.index)
        out.loc[e, "title"] = _join_lines([
            label[e] + pd.Series(np.where(le, "（链主企业）", ""), index=en.index),
            _line("统一社会信用代码：", _text(column(en, "uscc"))),
            "企业规模：" + size.map(lambda s: SIZE_ZH.get(s, s or "不详")) + _line("　营业收入：", rev, " 万元")
            + _line("　从业人数：", emp, " 人"),
            _line("所属环节：", seg_name) + _line("（", stage[e], "）"),
            "质量管理体系认证：" + _yes_no(column(en, "qms_certified"))
            + "　持有认证证书：" + _yes_no(column(en, "certified")),
            _line("区划代码：", _text(column(en, "region_code"))),
            _line("供应关系：", _fmt_num(column(en, "degree")), " 条"),
            _line("本环节外供需：", _text(column(en, "supply_outside"))),
            _line("质量问题（严重程度）：", probs),
            _line("最高严重程度：", sev),
            no_prob,
        ]).to_numpy()
        if focus:
            f = (ids == focus).to_numpy() & e
            out.loc[f, "bd"] = FOCUS_BORDER
            out.loc[f, "bw"] = 6.0
            out.loc[f, "label"] = "◎ " + out.loc[f, "label"]

    # ---- segments -------------------------------------------------------------
    s = (kind == "segment").to_numpy()
    if s.any():
        sn = n[s]
        count = _num(column(sn, "enterprise_count"))
        cnt = _fmt_num(count)
        kl = key_link[s].to_numpy()
        gap = (count == 0).to_numpy()
        head = np.where(kl, "【关键环节】", "")
        firms_line = _line("企业 ", cnt, " 家") + pd.Series(np.where(gap, "（补链）", ""), index=sn.index)
        out.loc[s, "bg"] = _text(column(sn, "stage")).map(STAGE_COLORS).fillna("#eeeeee").to_numpy()
        out.loc[s, "bd"] = np.where(kl, KEY_LINK_BORDER, SEGMENT_BORDER)
        out.loc[s, "bw"] = np.where(kl, 4.0, 2.0)
        out.loc[s, "dash"] = gap
        out.loc[s, "font"] = round(18 * zoom)
        if summary:
            out.loc[s, "shape"] = "dot"
            out.loc[s, "size"] = (_scale(count, 18.0, 70.0) * zoom).to_numpy()
        else:
            out.loc[s, "shape"] = "box"
        out.loc[s, "label"] = (head + stage[s] + " · " + label[s]
                               + ("\n" + firms_line).where(firms_line != "", "")).to_numpy()
        out.loc[s, "title"] = _join_lines([
            "产业链环节：" + label[s] + pd.Series(np.where(kl, "（关键环节）", ""), index=sn.index),
            _line("上中下游：", stage[s]) + _line("　顺序：", _fmt_num(column(sn, "segment_order"))),
            _line("企业：", cnt, " 家") + pd.Series(np.where(gap, "（本区域无企业，需补链）", ""), index=sn.index),
            _line("规模构成：", _text(column(sn, "size_mix"))),
            _line("链主企业：", _fmt_num(column(sn, "leader_count")), " 家"),
            _line("持证企业：", _fmt_num(column(sn, "certified_count")), " 家"),
            _line("环节内外供应关系：", _fmt_num(column(sn, "degree")), " 条") if summary
            else pd.Series("", index=sn.index),
            _line("有质量问题的企业：", _fmt_num(column(sn, "problem_count")), " 家") if summary
            else pd.Series("", index=sn.index),
            _line("主要问题：", _text(column(sn, "problems"))),
            pd.Series("双击打开本环节企业图谱" if summary else "", index=sn.index),
        ]).to_numpy()

    # ---- problems --------------------------------------------------------------
    pm = (kind == "problem").to_numpy()
    if pm.any():
        pn = n[pm]
        common = flag(pn, "is_common").to_numpy()
        aff = _fmt_num(column(pn, "affected"))
        share = _num(column(pn, "share"))
        share_txt = pd.Series(["" if pd.isna(v) else f"{v:.1%}" for v in share], index=pn.index)
        cat = _text(column(pn, "category")).map(lambda v: CATEGORY_ZH.get(v, v))
        pk = _text(column(pn, "problem_kind")).map(lambda v: KIND_ZH.get(v, v))
        where = seg_key[pm].map(seg_label).astype("object")
        where = where.where(where.notna(), "").astype("str")
        out.loc[pm, "shape"] = "triangle"
        out.loc[pm, "size"] = (_scale(column(pn, "affected"), 12.0, 30.0) * zoom).round(1).to_numpy()
        out.loc[pm, "font"] = round(14 * zoom)
        out.loc[pm, "bg"] = np.where(common, COMMON_PROBLEM_COLOR, PROBLEM_COLOR)
        out.loc[pm, "bd"] = "#67000d"
        # long problem names wrap every 10 characters (Chinese has no spaces for vis-network to break at)
        wrapped = pd.Series([_wrap(t, 10) for t in label[pm]], index=pn.index, dtype="str")
        out.loc[pm, "label"] = (pd.Series(np.where(common, "【共性】", ""), index=pn.index) + wrapped
                                + _line("\n影响 ", aff, " 家")).to_numpy()
        out.loc[pm, "title"] = _join_lines([
            "质量问题：" + label[pm] + pd.Series(np.where(common, "（共性质量问题）", ""), index=pn.index),
            _line("问题类别：", cat) + _line("　类型：", pk),
            _line("受影响企业：", aff, " 家") + _line("（占 ", share_txt, "）"),
            _line("最高严重程度：", _fmt_num(column(pn, "max_severity"))),
            _line("集中环节：", where),
        ]).to_numpy()
        out.loc[pm, "hidden"] = not show_problems

    # ---- regions and chains ----------------------------------------------------
    r = (kind == "region").to_numpy()
    if r.any():
        out.loc[r, "shape"] = "box"
        out.loc[r, "bg"] = "#f2f2f2"
        out.loc[r, "bd"] = "#999999"
        out.loc[r, "font"] = round(18 * zoom)
        code = _text(column(n[r], "region_code"))
        out.loc[r, "title"] = ("区域：" + label[r] + _line("\n区划代码：", code)).to_numpy()
    c = (kind == "chain").to_numpy()
    if c.any():
        out.loc[c, "shape"] = "ellipse"
        out.loc[c, "bg"] = "#fff7d6"
        out.loc[c, "bd"] = LEADER_BORDER
        out.loc[c, "bw"] = 3.0
        out.loc[c, "font"] = round(20 * zoom)
        out.loc[c, "title"] = ("产业链：" + label[c]).to_numpy()
    out["name"] = label.where(out["label"] != label, "")
    return out


def _edge_frame(cm: ChainMap, hidden_nodes: set[str], switches: dict[str, bool], zoom: float) -> pd.DataFrame:
    """One row per vis edge: from, to, type, product, value, severity, count, width, label, curve, hidden.

    Style per type travels once (``edge_styles``); the page builds each edge's
    tooltip text from these fields and the two nodes' names. ``width`` is set for
    the FEEDS edges of a wide map and the aggregated edges of a summary, ``label``
    and ``curve`` only for the latter.
    """
    e = cm.edges.reset_index(drop=True)
    src, tgt = e["source"].astype("str"), e["target"].astype("str")
    etype = e["type"].astype("str")
    count = _num(column(e, "count"))
    out = pd.DataFrame({
        "from": src, "to": tgt, "type": etype,
        "product": _text(column(e, "product")),
        "value": _fmt_num(column(e, "value"), 1),
        "severity": _fmt_num(column(e, "severity")),
        "count": _fmt_num(count),
        "width": np.nan,
        "label": "",
        "curve": False,
    })
    agg = count.notna()
    between_segments = src.str.startswith("seg:") & tgt.str.startswith("seg:")
    if zoom > 1:
        out.loc[etype == "FEEDS", "width"] = round(float(EDGE_STYLE["FEEDS"]["width"]) * zoom, 1)
    m = agg & (etype == "SUPPLIES") & between_segments
    if m.any():
        out.loc[m, "width"] = _scale(count[m], 1.5, 12.0).to_numpy()
        out.loc[m, "label"] = ("供应 " + out.loc[m, "count"] + " 条").to_numpy()
        out.loc[m, "curve"] = True

    m = agg & (etype == "HAS_PROBLEM")
    if m.any():
        out.loc[m, "width"] = _scale(count[m], 1.0, 6.0).to_numpy()
        out.loc[m, "label"] = (out.loc[m, "count"] + " 家").to_numpy()
    hidden = src.isin(hidden_nodes) | tgt.isin(hidden_nodes)
    hidden |= (etype == "HAS_PROBLEM") & (not (switches["problems"] and switches["problem_edges"]))
    hidden |= (etype == "OPERATES_IN") & (not switches["operates"])
    hidden |= (etype == "SUPPLIES") & (not switches["supplies"])
    out["hidden"] = hidden.to_numpy()
    return out


_SPARSE_DEFAULTS: dict[str, Any] = {
    "seg": "", "uscc": "", "name": "", "dash": False, "hidden": False, "product": "", "value": "", "severity": "",
    "count": "", "label": "", "curve": False,
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
    if positions is None:
        # a summary has few nodes but big ones (segments sized by firm count, leader stars): give them air
        pos = layout_chain(cm, row_height=96.0, header_gap=200.0) if summary else layout_chain(cm)
    else:
        pos = positions
    nodes = _node_frame(cm, pos, color_by, size_by, show_problems)
    kind = nodes["kind"]
    n_firms = int((kind == "enterprise").sum())
    hidden_ids = set(nodes.loc[nodes["hidden"].astype(bool), "id"])
    meta = cm.meta
    detail = n_firms <= DETAIL_LINES_UP_TO and not summary
    switches = {"problems": bool(show_problems), "problem_edges": detail, "operates": detail, "supplies": True}
    edges = _edge_frame(cm, hidden_ids, switches, _zoom(pos))
    focus = str(meta.get("focus") or "")
    if focus not in set(nodes["id"]):
        focus = ""

    firms = int(meta.get("enterprise_count", n_firms)) if summary else n_firms
    leaders = int(flag(cm.nodes, "is_leader")[cm.nodes["kind"] == "enterprise"].sum())
    counts = (f"企业 {firms:,} 家 · 链主企业 {leaders} 家 · 环节 {int((kind == 'segment').sum())} 个"
              f" · 问题热点 {int((kind == 'problem').sum())} 项")
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

    seg_nodes = nodes[kind == "segment"].sort_values("x")
    label_of = pd.Series(_text(cm.nodes["label"]).to_numpy(), index=cm.nodes["node_id"].astype("str").to_numpy())
    segments = [{"id": i, "label": str(label_of.get(i, i))} for i in seg_nodes["id"]]
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
        "nodes": _records(nodes, sparse=("seg", "uscc", "name", "dash", "hidden")),
        "edges": _records(edges, sparse=("product", "value", "severity", "count", "width", "label", "curve",
                                          "hidden")),
        "edge_styles": EDGE_STYLE,
        "legend": _legend(color_by, size_by, bool(focus), summary),
        "segments": segments,
        "segment_maps": [m for m in (segment_maps or []) if _SAFE_FILE.match(m.get("file", ""))],
        "parent": parent if parent and _SAFE_FILE.match(parent) else None,
        "options": options,
        "switches": switches,
        "backdrop": _backdrop(cm, nodes, _zoom(pos)),
    }


def json_for_script(payload: Any) -> str:
    """Serialise ``payload`` for a ``<script type="application/json">`` element.

    ``<``, ``>``, ``&``, U+2028, U+2029 and lone surrogates are written as
    ``\\uXXXX`` escapes, so no data can end the element, open a comment or break
    the file's UTF-8; ``JSON.parse`` restores them.

    Raises
    ------
    ValueError
        If ``payload`` holds NaN / infinity or objects JSON cannot represent.

    Example
    -------
    >>> json_for_script({"a": "</script>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    try:
        s = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except TypeError as exc:
        raise ValueError(f"map payload is not JSON-serialisable: {exc}") from exc
    s = s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    s = s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def render_map_html(cm: ChainMap, **kwargs: Any) -> str:
    """Render one self-contained map page as a string (no file is written).

    Parameters
    ----------
    cm : ChainMap
    **kwargs
        Passed to :func:`build_payload`.

    Returns
    -------
    str
        The complete HTML document.

    Raises
    ------
    ValueError
        As :func:`build_payload`.
    MissingDependency
        If the vis-network files cannot be found in the pyvis package.

    Example
    -------
    >>> page = render_map_html(cm, color_by="certification")  # doctest: +SKIP
    >>> "https://" in page.split("vis-network.min.js")[0]  # doctest: +SKIP
    False
    """
    assets = _assets()
    payload = build_payload(cm, **kwargs)
    title = _SURROGATE.sub("\ufffd", payload["meta"]["title"])
    subtitle = _SURROGATE.sub("\ufffd", payload["meta"]["subtitle"])
    values = {
        "TITLE": html.escape(title, quote=True),
        "SUBTITLE": html.escape(subtitle, quote=True),
        "VIS_VERSION": VIS_VERSION,
        "VIS_CSS": assets["vis_css"],
        "VIS_JS": assets["vis_js"],
        "DATA": json_for_script(payload),
    }
    return _MARKER.sub(lambda m: values[m.group(1)], assets["template"])


def segment_file_names(stem: str, segment_ids: list[str]) -> dict[str, str]:
    """File names of per-segment maps: ``<stem>-NN-<segment>.html`` (NN from 01, in flow order).

    Characters unsafe in a file name or URL (``/ \\ : * ? " < > | # %``, white
    space, control characters) become ``_``; Chinese is kept.

    Raises
    ------
    AttributeError
        If a segment id is not a string.

    Example
    -------
    >>> segment_file_names("吴兴童装", ["seg:fabric", "seg:印染/整理"])
    {'seg:fabric': '吴兴童装-01-fabric.html', 'seg:印染/整理': '吴兴童装-02-印染_整理.html'}
    """
    safe_stem = _UNSAFE_NAME.sub("_", stem).strip("._") or "map"
    out = {}
    for i, sid in enumerate(segment_ids, start=1):
        slug = _UNSAFE_NAME.sub("_", sid.removeprefix("seg:")).strip("._")[:40] or "seg"
        out[sid] = f"{safe_stem}-{i:02d}-{slug}.html"
    return out


def write_map_html(
    cm: ChainMap,
    path: str | Path,
    *,
    color_by: ColorBy = "size",
    size_by: SizeBy = "revenue",
    show_problems: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> list[Path]:
    """Write the chain map as self-contained HTML file(s).

    Up to ``max_nodes`` enterprise nodes: one page at ``path`` with every firm.
    Above: a segment-level summary at ``path`` (see
    :func:`chaingraph.layout.summarise_segments`) and one enterprise-level page
    per segment beside it (``<stem>-NN-<segment>.html``, see
    :func:`chaingraph.layout.split_by_segment`), linked both ways.

    Parameters
    ----------
    cm : ChainMap
        From the ``chain_map`` query.
    path : str or Path
        The (summary) page to write; its folder is created if missing.
    color_by : {"size", "certification"}
    size_by : {"revenue", "degree"}
    show_problems : bool
        Problem nodes shown when the page opens (a switch on the page toggles them).
    max_nodes : int
        Enterprise nodes drawn one by one on a single page.

    Returns
    -------
    list of Path
        The files written, the main (summary) page first.

    Raises
    ------
    ValueError
        If ``cm`` breaks the contract or an option is unknown.
    MissingDependency
        If the vis-network files cannot be found.
    OutputError
        If a file cannot be written.

    Example
    -------
    >>> from chaingraph.render import write_map_html  # doctest: +SKIP
    >>> write_map_html(cm, "out/map.html")  # doctest: +SKIP
    [PosixPath('out/map.html')]
    """
    path = Path(path)
    opts = {"color_by": color_by, "size_by": size_by, "show_problems": show_problems}
    pages: list[tuple[Path, str]] = []
    small = summarise_segments(cm, max_nodes=max_nodes)
    if small is cm:
        pages.append((path, render_map_html(cm, **opts)))
    else:
        parts = split_by_segment(cm, max_nodes=max_nodes)
        names = segment_file_names(path.stem, list(parts))
        label_of = dict(zip(cm.nodes["node_id"].astype("str"), _text(cm.nodes["label"]), strict=True))
        links = [{"id": sid, "label": label_of.get(sid, sid), "file": names[sid]} for sid in parts]
        pages.append((path, render_map_html(small, segment_maps=links, **opts)))
        for sid, part in parts.items():
            pages.append((path.with_name(names[sid]), render_map_html(part, parent=path.name, **opts)))
    written: list[Path] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for target, text in pages:
            tmp = target.with_name(f".{target.name}.tmp")  # never leave a half-written page over a good one
            try:
                tmp.write_text(text, encoding="utf-8", newline="\n")
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    tmp.unlink()
            written.append(target)
    except OSError as exc:
        raise OutputError(f"cannot write chain map {exc.filename or path}: {exc.strerror or exc}") from exc
    return written
