"""Positions and size reduction for the chain map (强链图谱).

The map is drawn with physics off, so every node gets its place here, up front:

* one **column per segment** (环节), left to right in flow order
  (``segment_order``: upstream first), with the segment's header node at the top;
  a map of several chains (a region's every chain) puts the chains side by side,
  each upstream → downstream, in ``chain_id`` order;
* the segment's **enterprises stacked in its column**: chain leaders (链主) first,
  then by size class (大型 → 微型), revenue and name. A column that would grow
  taller than the rest of the map wraps into side-by-side sub-columns (slots),
  filled row by row, so the biggest firms of a segment sit on its top row;
* **problem hot spots** (问题热点) in a band below all firms, under the segment
  where most of their affected firms are;
* for the **industry** dimension (one chain across regions, ``reg:`` nodes
  present) one **horizontal band per region**, the region's node at the band's
  left, the segment columns running through all bands;
* the chain node (``chain:``) above the headers, centred.

Above a stated size (``max_nodes`` enterprise nodes, 2,500 by default) a map of
every firm is no longer readable nor quick to draw. :func:`summarise_segments`
then reduces it to a segment-level summary (segments sized by firm count, the
leaders, problem hot spots with counts, FEEDS edges and supply edges aggregated
between segments) and :func:`split_by_segment` cuts the enterprise-level detail
into one map per segment (the segment's firms plus their direct supply partners).
:func:`chaingraph.render.write_map_html` writes them as ``map.html`` plus
``map-NN-<segment>.html`` beside it, linked both ways.

Everything here takes frames and returns frames; nothing reads or writes files.

Example
-------
>>> import pandas as pd
>>> nodes = pd.DataFrame({
...     "node_id": ["seg:a", "seg:b", "ent:1", "ent:2"],
...     "kind": ["segment", "segment", "enterprise", "enterprise"],
...     "label": ["面料", "缝制", "甲公司", "乙公司"],
...     "segment_id": [pd.NA, pd.NA, "a", "b"],
...     "segment_order": [1, 2, pd.NA, pd.NA],
... })
>>> edges = pd.DataFrame({"source": ["ent:1"], "target": ["ent:2"], "type": ["SUPPLIES"]})
>>> pos = layout_chain(ChainMap(nodes, edges, {}))
>>> bool(pos.set_index("node_id").loc["ent:1", "x"] < pos.set_index("node_id").loc["ent:2", "x"])
True
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chaingraph.queries.mapdata import (  # noqa: F401  (re-exported: the map's data type lives with the queries)
    DEFAULT_MAX_NODES,
    EDGE_COLUMNS,
    EDGE_TYPES,
    KINDS,
    NODE_COLUMNS,
    REQUIRED_EDGE_COLUMNS,
    REQUIRED_NODE_COLUMNS,
    SINGLE_BAND,
    SIZE_RANK,
    UNASSIGNED,
    ChainMap,
    InvalidChainMap,
    check_chain_map,
    column,
    flag,
    segment_key,
)


def _ordered_columns(nodes: pd.DataFrame, keys: pd.Series) -> list[str]:
    """Segment column keys in flow order, plus :data:`UNASSIGNED` when needed."""
    seg = nodes[nodes["kind"] == "segment"]
    order = pd.to_numeric(column(seg, "segment_order"), errors="coerce")
    frame = pd.DataFrame({
        "key": seg["node_id"].astype("str").to_numpy(),
        "order": order.to_numpy(dtype="float64", na_value=np.inf),
        "chain": column(seg, "chain_id").astype("str").fillna("").to_numpy(),
    }).sort_values(["chain", "order", "key"], kind="stable")
    cols = frame["key"].tolist()
    known = set(cols)
    members = keys[nodes["kind"].isin(["enterprise", "problem"])]
    if (members.isna() | ~members.isin(known)).any() or not cols:
        cols.append(UNASSIGNED)
    return cols


def _bands(nodes: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Band key of every enterprise node and the ordered band list.

    Bands are regions when the map holds ``reg:`` nodes (industry dimension),
    otherwise a single band.
    """
    ent = nodes["kind"] == "enterprise"
    reg = nodes["kind"] == "region"
    if not reg.any():
        return pd.Series(SINGLE_BAND, index=nodes.index, dtype="str"), [SINGLE_BAND]
    rc = column(nodes, "region_code").astype("str")
    reg_code = rc.where(~reg | rc.notna(), nodes["node_id"].astype("str").str.removeprefix("reg:"))
    band = reg_code.where(ent | reg).fillna("")
    ordered = sorted(set(band[reg]) | set(band[ent]), key=lambda b: (b == "", b))
    return band, ordered


def _rows_per_slot(cells: np.ndarray, col_gap_slots: float, row_height: float, slot_width: float,
                   aspect: float) -> int:
    """Rows per sub-column so that the map's width / height comes close to ``aspect``.

    ``cells`` is a bands × columns matrix of firm counts.
    """
    top = int(cells.max()) if cells.size else 0
    if top <= 1:
        return 1
    r = np.arange(1, top + 1, dtype="float64")
    slots = np.ceil(cells[None, :, :] / r[:, None, None])  # R × bands × cols
    width = (np.maximum(slots.max(axis=1), 1).sum(axis=1) + col_gap_slots * cells.shape[1]) * slot_width
    rows = np.ceil(cells[None, :, :] / np.maximum(slots, 1))
    height = rows.max(axis=2).sum(axis=1) * row_height + 1.0
    score = np.abs(np.log(width / height) - math.log(aspect))
    return int(r[int(np.argmin(score))])


def layout_chain(
    cm: ChainMap,
    *,
    slot_width: float = 200.0,
    row_height: float = 64.0,
    column_gap: float = 140.0,
    band_gap: float = 110.0,
    header_gap: float = 150.0,
    max_rows: int | None = None,
    aspect: float = 1.8,
) -> pd.DataFrame:
    """Compute a left-to-right chain layout: one column per segment, firms stacked.

    Parameters
    ----------
    cm : ChainMap
    slot_width : float
        Width of one sub-column of firms (room for a ~12-character Chinese name).
    row_height : float
        Vertical distance between two firms of a column.
    column_gap : float
        Empty space between two segment columns.
    band_gap : float
        Space between region bands and above the problem band.
    header_gap : float
        Distance from the segment header row down to the first firm row.
    max_rows : int, optional
        Firms per sub-column before a column wraps; by default chosen so that the
        map's width / height is near ``aspect``.
    aspect : float
        Target width / height of the firm area when ``max_rows`` is not given.

    Returns
    -------
    pandas.DataFrame
        ``node_id``, ``x``, ``y`` (float, vis-network canvas units: y grows
        downwards), one row per node of ``cm.nodes`` in the same order;
        ``attrs["label_scale"]`` is :func:`label_scale` of the map's width.

    Raises
    ------
    ValueError
        If ``cm`` breaks the structural contract (see :func:`check_chain_map`) or
        a size parameter is not positive.

    Example
    -------
    >>> nodes = pd.DataFrame({"node_id": ["seg:up", "seg:down", "ent:1", "ent:2", "prob:p"],
    ...     "kind": ["segment", "segment", "enterprise", "enterprise", "problem"],
    ...     "label": ["面料", "成衣", "甲", "乙", "色牢度"], "segment_id": [None, None, "up", "down", "up"],
    ...     "segment_order": [1, 2, None, None, None]})
    >>> pos = layout_chain(ChainMap(nodes, pd.DataFrame(columns=["source", "target", "type"]))).set_index("node_id")
    >>> bool(pos.x["seg:up"] < pos.x["seg:down"] and pos.y["prob:p"] > pos.y["ent:1"])
    True
    """
    check_chain_map(cm)
    if min(slot_width, row_height) <= 0 or (max_rows is not None and max_rows < 1):
        raise ValueError("slot_width, row_height and max_rows must be positive")
    nodes = cm.nodes.reset_index(drop=True)
    kind = nodes["kind"].astype("str")
    keys = segment_key(nodes)
    cols = _ordered_columns(nodes, keys)
    col_idx = {k: i for i, k in enumerate(cols)}
    member = kind.isin(["enterprise", "problem"])
    keys = keys.where(~member | keys.isin(col_idx.keys()), UNASSIGNED)
    band, bands = _bands(nodes)
    band_idx = {b: i for i, b in enumerate(bands)}

    # ---- enterprises: order within each (band, column) cell -----------------
    ent = nodes[kind == "enterprise"]
    rev = pd.to_numeric(column(ent, "revenue"), errors="coerce")
    size_rank = column(ent, "size").map(SIZE_RANK)  # unknown → -1; missing or unrecognised → NaN, read as unknown
    ef = pd.DataFrame({
        "i": ent.index.to_numpy(),
        "b": band[ent.index].map(band_idx).to_numpy(dtype="int64"),
        "c": keys[ent.index].map(col_idx).to_numpy(dtype="int64"),
        "lead": flag(ent, "is_leader").to_numpy(),
        "size": pd.to_numeric(size_rank, errors="coerce").fillna(SIZE_RANK["unknown"]).to_numpy(dtype="float64"),
        "rev": rev.fillna(-1.0).to_numpy(dtype="float64"),
        "label": ent["label"].astype("str").fillna("").to_numpy(),
        "id": ent["node_id"].astype("str").to_numpy(),
    })
    ef = ef.sort_values(["b", "c", "lead", "size", "rev", "label", "id"],
                        ascending=[True, True, False, False, False, True, True], kind="stable")
    ef["k"] = ef.groupby(["b", "c"]).cumcount()

    n_cols, n_bands = len(cols), len(bands)
    bi, ci = ef["b"].to_numpy(), ef["c"].to_numpy()
    cells = np.zeros((n_bands, n_cols), dtype="float64")
    np.add.at(cells, (bi, ci), 1.0)
    leads = np.zeros((n_bands, n_cols), dtype="float64")
    np.add.at(leads, (bi, ci), ef["lead"].to_numpy(dtype="float64"))
    rows_cap = max_rows or _rows_per_slot(cells, column_gap / slot_width, row_height, slot_width, aspect)
    slots = np.maximum(np.ceil(cells / rows_cap), 1.0)  # sub-columns per cell
    # leaders get rows of their own at the top of their cell, with some air below
    lead_rows = np.ceil(leads / slots)
    rest_rows = np.ceil((cells - leads) / slots)
    lead_pad = row_height * 0.5
    cell_height = (lead_rows + rest_rows) * row_height + np.where((leads > 0) & (cells > leads), lead_pad, 0.0)

    col_slots = np.maximum(slots.max(axis=0), 1.0)
    col_width = col_slots * slot_width
    zoom = label_scale(float(col_width.sum() + column_gap * (n_cols - 1)))
    gap = column_gap * math.sqrt(zoom)
    col_left = np.concatenate([[0.0], np.cumsum(col_width + gap)[:-1]])
    col_center = col_left + col_width / 2.0

    band_height = np.maximum(cell_height.max(axis=1), row_height)
    band_top = np.concatenate([[0.0], np.cumsum(band_height + band_gap)[:-1]])

    x = np.full(len(nodes), np.nan)
    y = np.full(len(nodes), np.nan)

    # enterprises: leaders' rows first, then the others row by row
    k = ef["k"].to_numpy()
    cs = slots[bi, ci]
    nl = leads[bi, ci]
    is_lead = k < nl
    j = np.where(is_lead, k, k - nl)
    row = np.where(is_lead, j // cs, lead_rows[bi, ci] + j // cs)
    sub = j % cs
    ix = ef["i"].to_numpy()
    x[ix] = col_center[ci] - cs * slot_width / 2.0 + (sub + 0.5) * slot_width
    y[ix] = band_top[bi] + row * row_height + np.where(~is_lead & (nl > 0), lead_pad, 0.0)

    # segment headers, scaled with the map so that they stay legible when it is fitted to the screen
    seg_rows = nodes.index[kind == "segment"]
    x[seg_rows] = col_center[keys[seg_rows].map(col_idx).to_numpy(dtype="int64")]
    y[seg_rows] = -header_gap * zoom

    # problems: a band under everything, most affected first. Each row holds as many
    # as fit the map's width; within a row each sits as close as it can below the
    # column (segment) it concentrates in, packed left to right without overlap.
    prob = nodes[kind == "problem"]
    if len(prob):
        map_left, map_right = col_left[0], col_left[-1] + col_width[-1]
        pw = slot_width * zoom
        per_row = max(1, int((map_right - map_left) // pw))
        pf = pd.DataFrame({
            "i": prob.index.to_numpy(),
            "c": keys[prob.index].map(col_idx).to_numpy(dtype="int64"),
            "aff": pd.to_numeric(column(prob, "affected"), errors="coerce").fillna(0).to_numpy(dtype="float64"),
            "label": prob["label"].astype("str").fillna("").to_numpy(),
            "id": prob["node_id"].astype("str").to_numpy(),
        }).sort_values(["aff", "label", "id"], ascending=[False, True, True], kind="stable")
        pf["row"] = np.arange(len(pf)) // per_row
        pf["want"] = col_center[pf["c"].to_numpy()]
        pf = pf.sort_values(["row", "want", "aff", "id"], ascending=[True, True, False, True], kind="stable")
        pf["j"] = pf.groupby("row").cumcount().astype("float64")
        # x_j = max over earlier j' of (want_j' + (j - j') * pw): a running max, vectorised
        pf["x"] = (pf["want"] - pf["j"] * pw).groupby(pf["row"]).cummax() + pf["j"] * pw
        overflow = (pf.groupby("row")["x"].transform("max") - (map_right - pw / 2.0)).clip(lower=0.0)
        room = (pf.groupby("row")["x"].transform("min") - (map_left + pw / 2.0)).clip(lower=0.0)
        pf["x"] -= np.minimum(overflow, room)
        firms_bottom = band_top[-1] + band_height[-1]
        x[pf["i"].to_numpy()] = pf["x"].to_numpy()
        y[pf["i"].to_numpy()] = firms_bottom + band_gap * zoom + pf["row"].to_numpy() * row_height * 2.0 * zoom

    # region labels at the left of their band
    reg_rows = nodes.index[kind == "region"]
    if len(reg_rows):
        rb = band[reg_rows].map(band_idx).to_numpy(dtype="int64")
        x[reg_rows] = col_left[0] - slot_width * (0.5 + zoom)
        y[reg_rows] = band_top[rb] + (band_height[rb] - row_height) / 2.0

    # chain node(s) above the headers
    chain_rows = nodes.index[kind == "chain"]
    if len(chain_rows):
        mid = (col_left[0] + col_left[-1] + col_width[-1]) / 2.0
        spread = np.arange(len(chain_rows)) - (len(chain_rows) - 1) / 2.0
        x[chain_rows] = mid + spread * slot_width * 1.5 * zoom
        y[chain_rows] = -(header_gap + 130.0) * zoom

    out = pd.DataFrame({"node_id": nodes["node_id"].astype("str").to_numpy(), "x": x, "y": y})
    out.attrs["label_scale"] = zoom
    return out


def label_scale(width: float) -> float:
    """Scale factor for headers, problem nodes and gaps on a map ``width`` canvas units wide.

    A wide map is fitted to the screen at a small zoom; headers, problem hot spots
    and the chain node are drawn this many times larger (and the layout leaves
    room for them) so they stay legible. 1 up to 1,300 units, then proportional.

    Raises
    ------
    ValueError, TypeError
        If ``width`` is not a number.

    Example
    -------
    >>> label_scale(650.0), label_scale(2600.0)
    (1.0, 2.0)
    """
    return max(1.0, float(width) / 1300.0)


# ---------------------------------------------------------------------------
# Size reduction: segment summary and per-segment maps
# ---------------------------------------------------------------------------

def _enterprise_segment(cm: ChainMap) -> pd.Series:
    """node_id → ``seg:`` column key for every enterprise (NA if no segment of this map)."""
    n = cm.nodes
    keys = segment_key(n)
    segs = set(n.loc[n["kind"] == "segment", "node_id"].astype("str"))
    ent = n["kind"] == "enterprise"
    k = keys[ent].where(keys[ent].isin(segs))
    return pd.Series(k.to_numpy(), index=n.loc[ent, "node_id"].astype("str").to_numpy(), dtype="str")


def _size_mix(ent: pd.DataFrame, seg_of: pd.Series) -> pd.Series:
    """Per segment key: '大型 1 / 中型 3 / 小型 20 / 微型 80' (sizes present only)."""
    from chaingraph.model import ENUM_ZH

    f = pd.DataFrame({"seg": seg_of.to_numpy(), "size": column(ent, "size").astype("str").fillna("unknown").to_numpy()})
    counts = f.dropna(subset=["seg"]).groupby(["seg", "size"]).size().unstack(fill_value=0)
    names = {**ENUM_ZH["size"], "unknown": "规模不详"}
    order = [s for s in ("large", "medium", "small", "micro", "unknown") if s in counts.columns]
    parts = [names[s] + " " + counts[s].astype("str") for s in order]
    if not parts:
        return pd.Series(dtype="str")
    text = pd.concat(parts, axis=1).where(pd.concat([counts[s] > 0 for s in order], axis=1))
    return text.apply(lambda r: " / ".join(r.dropna()), axis=1)


def summarise_segments(cm: ChainMap, max_nodes: int = DEFAULT_MAX_NODES) -> ChainMap:
    """Reduce a large map to segment level; return ``cm`` itself when it is small enough.

    Above ``max_nodes`` enterprise nodes the summary keeps: the segment nodes
    (``enterprise_count`` recounted; ``degree`` = supply edges touching the
    segment's firms; ``problem_count`` = firms with at least one problem;
    ``problems`` = the segment's five most frequent problems as ``名称(n家)``;
    extra columns ``size_mix``, ``leader_count``, ``certified_count``), the
    chain node, the leader firms (链主) with their OPERATES_IN / LEADS edges,
    the problem nodes, the FEEDS edges, and aggregated edges with an extra
    ``count`` column:

    * ``SUPPLIES`` segment → segment: ``count`` supply edges between the two
      segments' firms, ``value`` their summed value (万元);
    * ``HAS_PROBLEM`` segment → problem: ``count`` firms of the segment with the
      problem, ``severity`` the highest severity seen.

    Region nodes are dropped (no region bands in a summary); firms without a
    segment of the map are counted in ``meta["unassigned"]`` only.

    Parameters
    ----------
    cm : ChainMap
    max_nodes : int
        Largest number of enterprise nodes drawn one by one.

    Returns
    -------
    ChainMap
        ``cm`` unchanged, or the summary with ``meta["summary"] = True``,
        ``meta["enterprise_count"]`` and ``meta["max_nodes"]``.

    Raises
    ------
    ValueError
        If ``cm`` breaks the structural contract or ``max_nodes`` < 1.

    Example
    -------
    >>> nodes = pd.DataFrame({"node_id": ["seg:a", "ent:1", "ent:2"], "kind": ["segment", "enterprise", "enterprise"],
    ...                       "label": ["面料", "甲", "乙"], "segment_id": [None, "a", "a"]})
    >>> cm = ChainMap(nodes, pd.DataFrame({"source": ["ent:1"], "target": ["ent:2"], "type": ["SUPPLIES"]}))
    >>> s = summarise_segments(cm, max_nodes=1)
    >>> s.nodes["node_id"].tolist(), s.edges[["source", "target", "count"]].values.tolist()
    (['seg:a'], [['seg:a', 'seg:a', 1]])
    """
    check_chain_map(cm)
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    n, e = cm.nodes, cm.edges
    ent_mask = n["kind"] == "enterprise"
    n_ent = int(ent_mask.sum())
    if n_ent <= max_nodes:
        return cm
    ent = n[ent_mask]
    seg_of = _enterprise_segment(cm)  # indexed by node_id
    ent_seg = seg_of.reindex(ent["node_id"].astype("str")).reset_index(drop=True)

    # edges mapped to segment level
    etype = e["type"].astype("str")
    src, tgt = e["source"].astype("str"), e["target"].astype("str")
    sup = e[etype == "SUPPLIES"]
    sup_f = pd.DataFrame({
        "source": src[sup.index].map(seg_of).to_numpy(),
        "target": tgt[sup.index].map(seg_of).to_numpy(),
        "value": pd.to_numeric(column(sup, "value"), errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
        "firm_s": src[sup.index].to_numpy(),
        "firm_t": tgt[sup.index].to_numpy(),
    })
    hp = e[etype == "HAS_PROBLEM"]
    hp_f = pd.DataFrame({
        "source": src[hp.index].map(seg_of).to_numpy(),
        "target": tgt[hp.index].to_numpy(),
        "firm": src[hp.index].to_numpy(),
        "severity": pd.to_numeric(column(hp, "severity"), errors="coerce").to_numpy(dtype="float64",
                                                                                     na_value=np.nan),
    })

    # segment nodes with recounted attributes
    seg = n[n["kind"] == "segment"].copy()
    sid = seg["node_id"].astype("str")
    firms_per = ent_seg.value_counts()
    touching = pd.concat([sup_f["source"], sup_f["target"].where(sup_f["target"] != sup_f["source"])]).value_counts()
    prob_firms = hp_f.dropna(subset=["source"]).groupby("source")["firm"].nunique()
    lead = flag(ent, "is_leader").to_numpy()
    cert = flag(ent, "certified").to_numpy()
    seg["enterprise_count"] = sid.map(firms_per).fillna(0).astype("int64").to_numpy()
    seg["degree"] = sid.map(touching).fillna(0).astype("int64").to_numpy()
    seg["problem_count"] = sid.map(prob_firms).fillna(0).astype("int64").to_numpy()
    seg["leader_count"] = sid.map(ent_seg[lead].value_counts()).fillna(0).astype("int64").to_numpy()
    seg["certified_count"] = sid.map(ent_seg[cert].value_counts()).fillna(0).astype("int64").to_numpy()
    seg["size_mix"] = sid.map(_size_mix(ent, ent_seg)).astype("str").to_numpy()
    plabel = n.loc[n["kind"] == "problem"].set_index(n.loc[n["kind"] == "problem", "node_id"].astype("str"))["label"]
    per = (hp_f.dropna(subset=["source"]).groupby(["source", "target"])["firm"].nunique()
           .rename("count").reset_index())
    per["name"] = per["target"].map(plabel).astype("str").fillna(per["target"])
    per = per.sort_values(["source", "count", "name"], ascending=[True, False, True])
    top = per.groupby("source").head(5)
    top_text = (top["name"] + "(" + top["count"].astype("str") + "家)").groupby(top["source"]).agg("; ".join)
    seg["problems"] = sid.map(top_text).astype("object").fillna("").astype("str").to_numpy()

    leaders = ent[lead]
    keep = pd.concat([seg, n[n["kind"] == "chain"], leaders, n[n["kind"] == "problem"]], ignore_index=True)

    # edges
    kept_ids = set(keep["node_id"].astype("str"))
    plain = e[etype.isin(["FEEDS", "OPERATES_IN", "LEADS"]) & src.isin(kept_ids) & tgt.isin(kept_ids)].copy()
    plain["count"] = pd.array([pd.NA] * len(plain), dtype="Int64")
    agg_sup = (sup_f.dropna(subset=["source", "target"])
               .groupby(["source", "target"], as_index=False)
               .agg(count=("firm_s", "size"), value=("value", lambda v: v.sum(min_count=1))))
    agg_sup["type"] = "SUPPLIES"
    agg_hp = (hp_f.dropna(subset=["source"])
              .groupby(["source", "target"], as_index=False)
              .agg(count=("firm", "nunique"), severity=("severity", "max")))
    agg_hp["type"] = "HAS_PROBLEM"
    agg = pd.concat([agg_sup, agg_hp], ignore_index=True)
    agg = agg.reindex(columns=[*EDGE_COLUMNS, "count"])
    agg["count"] = agg["count"].astype("Int64")
    agg["severity"] = pd.to_numeric(agg["severity"], errors="coerce").round().astype("Int64")
    agg["value"] = pd.to_numeric(agg["value"], errors="coerce").astype("float64")
    plain = plain.reindex(columns=[*EDGE_COLUMNS, "count"])
    edges = pd.concat([x for x in (plain, agg) if len(x)], ignore_index=True) if len(plain) or len(agg) else agg

    meta = dict(cm.meta)
    meta.update(summary=True, enterprise_count=n_ent, max_nodes=int(max_nodes),
                unassigned=int(ent_seg.isna().sum()))
    return ChainMap(keep.reset_index(drop=True), edges.reset_index(drop=True), meta)


def split_by_segment(cm: ChainMap, max_nodes: int = DEFAULT_MAX_NODES) -> dict[str, ChainMap]:
    """Cut a map into one enterprise-level map per segment.

    Each map holds the segment's header, its firms, their problems (placed under
    the segment), the headers of the segments it FEEDS or is fed by, and — when
    the total stays within ``max_nodes`` firms — the direct supply partners of
    its firms in other segments (with those segments' headers). Edges are those
    of ``cm`` between kept nodes; HAS_PROBLEM edges only from the segment's own
    firms. When the partners are left out, an extra node column ``supply_outside``
    says per firm how many firms of which other segments it supplies or buys from
    (``供货给品牌销售 3 家；采购自印染整理 2 家``), shown in its tooltip. The
    chain node is kept when a leader is.
    A segment whose own firms exceed ``max_nodes`` still gets its map (drawing
    time grows with it: ~1.2 s for 7,000 firms).

    Parameters
    ----------
    cm : ChainMap
    max_nodes : int
        Largest number of firms on one per-segment map before partners are left out.

    Returns
    -------
    dict of str to ChainMap
        Keyed by the segment's node_id, in flow order; each map's meta has
        ``segment`` (node_id), ``segment_label`` and a title naming the segment.

    Raises
    ------
    ValueError
        If ``cm`` breaks the structural contract.

    Example
    -------
    >>> nodes = pd.DataFrame({"node_id": ["seg:a", "seg:b", "ent:1", "ent:2"],
    ...                       "kind": ["segment", "segment", "enterprise", "enterprise"],
    ...                       "label": ["面料", "缝制", "甲", "乙"], "segment_id": [None, None, "a", "b"],
    ...                       "segment_order": [1, 2, None, None]})
    >>> maps = split_by_segment(ChainMap(nodes, pd.DataFrame({"source": ["ent:1"], "target": ["ent:2"],
    ...                                                       "type": ["SUPPLIES"]})))
    >>> sorted(maps["seg:a"].nodes["node_id"])
    ['ent:1', 'ent:2', 'seg:a', 'seg:b']
    """
    check_chain_map(cm)
    n, e = cm.nodes, cm.edges
    ids = n["node_id"].astype("str")
    kind = n["kind"].astype("str")
    seg_of = _enterprise_segment(cm)
    etype = e["type"].astype("str")
    src, tgt = e["source"].astype("str"), e["target"].astype("str")
    sup = etype == "SUPPLIES"
    feeds = etype == "FEEDS"
    hp = etype == "HAS_PROBLEM"
    lead_ids = set(ids[(kind == "enterprise") & flag(n, "is_leader")])
    chain_ids = set(ids[kind == "chain"])
    keys = _ordered_columns(n, segment_key(n))
    seg_chain = dict(zip(ids[kind == "segment"], column(n, "chain_id")[kind == "segment"].astype("object"), strict=True))
    out: dict[str, ChainMap] = {}
    for key in keys:
        if key == UNASSIGNED:
            continue
        own = set(seg_of.index[seg_of == key])
        links = sup & (src.isin(own) | tgt.isin(own))
        all_partners = (set(src[links]) | set(tgt[links])) - own
        same = seg_chain.get(key)  # partners from other chains stay off a segment's page: it keeps to its chain
        all_partners = {p for p in all_partners if same is None or seg_chain.get(seg_of.get(p)) in (same, None)}
        partners = all_partners if len(own) + len(all_partners) <= max_nodes else set()
        firms = own | partners
        near = {s for s in set(tgt[feeds & (src == key)]) | set(src[feeds & (tgt == key)])
                if same is None or seg_chain.get(s) in (same, None)}
        segs = {key} | near | set(seg_of.reindex(list(partners)).dropna())
        agg = None
        if all_partners and not partners:
            # partners left out: count each firm's supply partners per other segment
            a_seg = src[links].map(seg_of)
            b_seg = tgt[links].map(seg_of)
            out_m = src[links].isin(own) & ~tgt[links].isin(own) & b_seg.notna()
            in_m = tgt[links].isin(own) & ~src[links].isin(own) & a_seg.notna()
            agg = pd.concat([
                pd.DataFrame({"source": src[links][out_m], "target": b_seg[out_m], "p": tgt[links][out_m]}),
                pd.DataFrame({"source": a_seg[in_m], "target": tgt[links][in_m], "p": src[links][in_m]}),
            ]).groupby(["source", "target"], as_index=False).agg(count=("p", "nunique"))
            seg_name = pd.Series(n["label"].astype("str").to_numpy(), index=ids.to_numpy())
            to_seg = agg["target"].str.startswith("seg:")
            firm = agg["source"].where(to_seg, agg["target"])
            other = agg["target"].where(to_seg, agg["source"]).map(seg_name)
            text = (np.where(to_seg, "供货给", "采购自") + other + " " + agg["count"].astype("str") + " 家")
            agg = pd.Series(text.to_numpy(), index=firm.to_numpy()).groupby(level=0).agg("；".join)
        probs = set(tgt[hp & src.isin(own)])
        chains = chain_ids if firms & lead_ids else set()
        keep_ids = segs | firms | probs | chains
        nodes = n[ids.isin(keep_ids)].copy()
        pm = nodes["kind"] == "problem"
        if pm.any():
            nodes["segment_id"] = column(nodes, "segment_id").astype("object")
            nodes.loc[pm, "segment_id"] = key.removeprefix("seg:")
        if agg is not None:
            nodes["supply_outside"] = nodes["node_id"].astype("str").map(agg).astype("str").to_numpy()
        em = src.isin(keep_ids) & tgt.isin(keep_ids) & (~hp | src.isin(own))
        edges = e[em].reset_index(drop=True)
        label = str(n.loc[ids == key, "label"].iloc[0])
        meta = dict(cm.meta)
        meta.update(segment=key, segment_label=label,
                    title=f"{cm.meta.get('title') or '质量认证强链图谱'} · {label}环节",
                    partners_dropped=len(all_partners) - len(partners),
                    counts={"enterprises": int((nodes["kind"] == "enterprise").sum()),
                            "segments": int((nodes["kind"] == "segment").sum()),
                            "problems": int((nodes["kind"] == "problem").sum()),
                            "supply_edges": int((edges["type"].astype("str") == "SUPPLIES").sum())})
        meta.pop("summary", None)
        out[key] = ChainMap(nodes.reset_index(drop=True), edges, meta)
    return out
