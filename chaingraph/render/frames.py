"""The vis node and edge frames of a chain map page, built column-wise with pandas.

One row per vis node (position, shape, size, colours, label and the plain-text
tooltip of each firm, segment, problem, region and chain) and one row per vis
edge (type, aggregated counts, width, visibility), plus the small vectorised
column helpers they use.

Example
-------
>>> import pandas as pd
>>> from chaingraph.render.frames import _fmt_num
>>> _fmt_num(pd.Series([1234.5, None]), 1).tolist()
['1,234.5', '']
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chaingraph.render.bands import header_lines
from chaingraph.render.layout import ChainMap, column, flag, label_scale, segment_key
from chaingraph.render.style import (
    CATEGORY_ZH,
    CERT_COLORS,
    COMMON_PROBLEM_COLOR,
    DEFAULT_BORDER,
    EDGE_STYLE,
    FOCUS_BORDER,
    KEY_LINK_BORDER,
    KIND_ZH,
    LEADER_BORDER,
    PROBLEM_COLOR,
    SEGMENT_BORDER,
    SIZE_COLORS,
    SIZE_ZH,
    STAGE_COLORS,
    STAGE_ZH,
    UNKNOWN_COLOR,
)

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
# vis frames
# ---------------------------------------------------------------------------

ENTERPRISE_PREFIX = "ent:"
"""Chain-map node id of an enterprise: ``ent:<enterprise id>``."""


def _size_zh(size: str) -> str:
    """Chinese size class; missing or ``unknown`` → 规模不详 (never guessed)."""
    if size in ("", "unknown"):
        return "规模不详"
    return SIZE_ZH.get(size, size)


def enterprise_ids(en: pd.DataFrame, node_ids: pd.Series) -> pd.Series:
    """Each firm node's enterprise id: its ``enterprise_id`` column, else its node id without ``ent:``."""
    from_node = node_ids.str.removeprefix(ENTERPRISE_PREFIX).set_axis(en.index)
    given = _text(column(en, "enterprise_id"))
    return given.where(given != "", from_node)


def _identity_lines(en: pd.DataFrame, node_ids: pd.Series) -> list[pd.Series]:
    """企业编号 (only when it is neither the credit code nor the stock code), 统一社会信用代码, 证券代码."""
    eid = enterprise_ids(en, node_ids)
    credit = _text(column(en, "uscc"))
    stock = _text(column(en, "stock_code"))
    short = _text(column(en, "short_name"))
    own = eid.where((eid != credit) & (eid != stock), "")
    return [
        _line("企业编号：", own),
        _line("统一社会信用代码：", credit),
        _line("证券代码：", stock) + _line("（", short.where(stock != "", ""), "）"),
    ]


def _region_line(en: pd.DataFrame) -> pd.Series:
    """区划代码, marked （推断） when ``region_source`` is ``inferred``."""
    inferred = _text(column(en, "region_source")) == "inferred"
    code = _text(column(en, "region_code"))
    mark = pd.Series(np.where(inferred & (code != ""), "（推断）", ""), index=en.index)
    return _line("所在地区：", code) + mark


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
    out["uscc"] = _text(column(n, "uscc")).where(kind == "enterprise", "")  # the credit code (search), not a key
    out["name"] = ""  # plain name where the display label differs (used in edge tooltips)
    out["lr"] = np.nan  # label room (canvas units) of a firm whose name may be enlarged at the first zoom
    out["wmax"] = np.nan  # widest a box (segment header) may grow

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
        short = _text(column(en, "short_name"))
        shown = short.where(short != "", label[e])
        out.loc[e, "label"] = np.where(le, "【链主】" + shown, shown)
        # firms of a column with few firms get room for a name readable at the page's first zoom
        col_n = seg_key[e].map(seg_key[e].value_counts()).fillna(0).to_numpy()
        out.loc[e, "lr"] = np.where(col_n <= FEW_FIRMS, float(pos.attrs.get("slot_width", 200.0)), np.nan)
        reach = _reach_line(en)
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
            *_identity_lines(en, ids[e]),
            "企业规模：" + size.map(_size_zh) + _line("　营业收入：", rev, " 万元")
            + _line("　从业人数：", emp, " 人"),
            _line("所属环节：", seg_name) + _line("（", stage[e], "）"),
            "质量管理体系认证：" + _yes_no(column(en, "qms_certified"))
            + "　持有认证证书：" + _yes_no(column(en, "certified")),
            _region_line(en),
            _line("供应关系：", _fmt_num(column(en, "degree")), " 条"),
            reach,
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
        collapsed = flag(sn, "collapsed").to_numpy()
        firms_line = firms_line + pd.Series(np.where(collapsed, "（汇总）", ""), index=sn.index)
        text = (head + stage[s] + " · " + label[s] + ("\n" + firms_line).where(firms_line != "", ""))
        heads = pos.attrs.get("header") or {}
        widths = _header_widths(out.loc[s, "x"].to_numpy(dtype="float64"))
        font = np.array([float(heads.get(i, {}).get("font", 18 * zoom)) for i in ids[s]])
        wmax = np.array([float(heads.get(i, {}).get("w", w)) for i, w in zip(ids[s], widths, strict=True)])
        out.loc[s, "font"] = np.round(font).astype("int64")
        out.loc[s, "wmax"] = np.round(wmax, 1)
        out.loc[s, "label"] = ["\n".join(header_lines(t, w - 20.0, f))
                               for t, w, f in zip(text, wmax, font, strict=True)]
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
            pd.Series("双击打开本环节企业图谱" if summary else "", index=sn.index)
            + pd.Series(np.where(collapsed, "本链企业较多，以环节汇总显示；双击打开本链图谱", ""), index=sn.index),
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
        if cm.meta.get("banded"):
            cn = n[c]
            folded = flag(cn, "collapsed").to_numpy()
            cnt = _fmt_num(column(cn, "enterprise_count"))
            note = pd.Series(np.where(folded, "\n（环节汇总，双击打开）", ""), index=cn.index)
            out.loc[c, "shape"] = "box"
            out.loc[c, "font"] = round(16 * zoom ** 0.5)
            out.loc[c, "label"] = (pd.Series([_wrap(t, 8) for t in label[c]], index=cn.index)
                                   + _line("\n企业 ", cnt, " 家") + note).to_numpy()
            out.loc[c, "title"] = ("产业链：" + label[c] + _line("\n企业：", cnt, " 家")
                                   + pd.Series(np.where(folded, "\n企业较多，本带以环节汇总显示；双击打开本链图谱", ""),
                                               index=cn.index)).to_numpy()
    out["name"] = label.where(out["label"] != label, "")
    return out


FEW_FIRMS = 40
"""A column with at most this many firms gets its names enlarged to be readable at the page's first zoom
(when they fit their slot); in fuller columns names show on hover and when zoomed in."""


def _reach_line(en: pd.DataFrame) -> pd.Series:
    """Leaders' reach: small and micro firms within the hops of ``leaders --reach`` (see :mod:`.reach`)."""
    from chaingraph.render.reach import REACH_HOPS

    smb = _fmt_num(column(en, "smb_reach"))
    down, up = _fmt_num(column(en, "reach_down")), _fmt_num(column(en, "reach_up"))
    detail = ("（下游企业 " + down + " 家、上游企业 " + up + " 家）").where((down != "") & (up != ""), "")
    return _line(f"辐射带动：{REACH_HOPS} 级供应关系内中小微企业 ", smb, " 家") + detail.where(smb != "", "")


def _header_widths(x: np.ndarray) -> np.ndarray:
    """Widest a header box may be: the distance to the nearest header on its row, less a gap."""
    if len(x) <= 1:
        return np.full(len(x), 400.0)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    gap = np.diff(xs)
    near = np.minimum(np.concatenate([[np.inf], gap]), np.concatenate([gap, [np.inf]]))
    out = np.empty(len(x))
    out[order] = np.clip(near - 24.0, 80.0, 600.0)
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

