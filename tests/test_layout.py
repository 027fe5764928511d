"""Tests of chaingraph.render.layout: chain layout, segment summary, per-segment split."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from chaingraph.render.layout import (
    UNASSIGNED,
    ChainMap,
    InvalidChainMap,
    check_chain_map,
    layout_chain,
    split_by_segment,
    summarise_segments,
)

from .chainmap_fixtures import make_chain_map


def _placed(cm: ChainMap) -> pd.DataFrame:
    pos = layout_chain(cm)
    assert list(pos.columns) == ["node_id", "x", "y"]
    assert pos["node_id"].tolist() == cm.nodes["node_id"].astype(str).tolist()
    assert pos[["x", "y"]].notna().all().all()
    return pos.join(cm.nodes.drop(columns="node_id"))


def _columns(p: pd.DataFrame) -> pd.DataFrame:
    """Per segment: header x, order, and the x range of its firms (header included)."""
    seg = p[p["kind"] == "segment"].assign(sid=lambda d: d["node_id"].str.removeprefix("seg:"))
    firms = p[p["kind"] == "enterprise"]
    rng = firms.groupby("segment_id")["x"].agg(["min", "max"])
    out = seg.set_index("sid")[["x", "segment_order", "stage"]].join(rng)
    out["lo"] = out[["x", "min"]].min(axis=1)
    out["hi"] = out[["x", "max"]].max(axis=1)
    return out.sort_values("segment_order")


@pytest.mark.parametrize("kwargs", [dict(n_firms=40, n_leaders=2, n_problems=6),
                                    dict(n_firms=2000, n_leaders=5, n_problems=8),
                                    dict(n_firms=300, n_leaders=3, n_problems=6, industry=True)])
def test_every_firm_in_its_segment_column_in_flow_order(kwargs):
    cm = make_chain_map(**kwargs)
    cols = _columns(_placed(cm))
    # header x strictly increasing with segment_order
    assert cols["x"].is_monotonic_increasing and cols["x"].is_unique
    # each segment's column (header + firms) lies strictly left of the next one's
    assert (cols["hi"].to_numpy()[:-1] < cols["lo"].to_numpy()[1:]).all()
    # the header sits within (centred on) its firms' range
    assert ((cols["x"] >= cols["lo"]) & (cols["x"] <= cols["hi"])).all()


def test_upstream_left_of_downstream():
    p = _placed(make_chain_map(200, 3, 6))
    firms = p[p["kind"] == "enterprise"]
    assert firms.loc[firms["stage"] == "upstream", "x"].max() < firms.loc[firms["stage"] == "midstream", "x"].min()
    assert firms.loc[firms["stage"] == "midstream", "x"].max() < firms.loc[firms["stage"] == "downstream", "x"].min()


@pytest.mark.parametrize("kwargs", [dict(n_firms=40), dict(n_firms=2000, n_leaders=5, n_problems=8),
                                    dict(n_firms=500, industry=True), dict(n_firms=1)])
def test_no_two_nodes_share_a_position(kwargs):
    pos = layout_chain(make_chain_map(**kwargs))
    assert not pos.duplicated(["x", "y"]).any()


def test_headers_on_top_problems_below_leaders_first():
    p = _placed(make_chain_map(120, 4, 6))
    firms = p[p["kind"] == "enterprise"]
    assert p.loc[p["kind"] == "segment", "y"].max() < firms["y"].min()
    assert p.loc[p["kind"] == "chain", "y"].max() < p.loc[p["kind"] == "segment", "y"].min()
    assert p.loc[p["kind"] == "problem", "y"].min() > firms["y"].max()
    lead = firms[firms["is_leader"].fillna(False).astype(bool)]
    assert len(lead) == 4
    for sid, g in firms.groupby("segment_id"):
        lg = g[g["is_leader"].fillna(False).astype(bool)]
        if len(lg):
            others = g[~g["is_leader"].fillna(False).astype(bool)]
            assert lg["y"].max() < others["y"].min(), sid


def test_firms_ordered_by_size_then_revenue_within_a_column():
    p = _placed(make_chain_map(60, 0, 2, seed=3))
    rank = {"large": 3, "medium": 2, "small": 1, "micro": 0}
    for _, g in p[p["kind"] == "enterprise"].groupby("segment_id"):
        g = g.sort_values(["y", "x"])
        key = list(zip(g["size"].map(rank), g["revenue"], strict=True))
        assert key == sorted(key, reverse=True)


def test_problems_sit_near_the_segment_they_concentrate_in():
    cm = make_chain_map(40, 2, 3)
    p = _placed(cm)
    cols = _columns(p)
    prob = p[p["kind"] == "problem"]
    for _, r in prob.iterrows():
        # nearest column centre is its own segment's, or it was pushed aside by a more affected problem
        nearest = cols.index[np.argmin(np.abs(cols["x"].to_numpy() - r["x"]))]
        same = prob[prob["segment_id"] == r["segment_id"]]
        assert nearest == r["segment_id"] or len(same) > 1


def test_region_bands_for_the_industry_dimension():
    cm = make_chain_map(150, 3, 4, industry=True)
    p = _placed(cm)
    firms = p[p["kind"] == "enterprise"]
    bands = firms.groupby("region_code")["y"].agg(["min", "max"]).sort_values("min")
    assert len(bands) == 3
    assert (bands["max"].to_numpy()[:-1] < bands["min"].to_numpy()[1:]).all()
    reg = p[p["kind"] == "region"].set_index("region_code")
    for code, b in bands.iterrows():
        assert b["min"] - 1 <= reg.loc[code, "y"] <= b["max"] + 1
        assert reg.loc[code, "x"] < firms["x"].min()


def test_firm_without_segment_goes_to_a_rightmost_column():
    cm = make_chain_map(20, 1, 2)
    nodes = cm.nodes.copy()
    i = nodes.index[nodes["kind"] == "enterprise"][0]
    nodes.loc[i, "segment_id"] = pd.NA
    p = _placed(ChainMap(nodes, cm.edges, cm.meta))
    assert p.loc[i, "x"] > p.loc[p["kind"] == "segment", "x"].max()


def test_several_chains_side_by_side_each_in_flow_order():
    a = make_chain_map(30, 1, 2)
    b = make_chain_map(30, 1, 2, seed=9)
    bn = b.nodes.copy()
    for col in ("node_id", "segment_id"):
        bn[col] = bn[col].str.replace("seg:", "seg:b-").str.replace("ent:", "ent:b-").str.replace("prob:", "prob:b-")
    bn.loc[bn["kind"] == "enterprise", "segment_id"] = "b-" + bn.loc[bn["kind"] == "enterprise", "segment_id"]
    bn["chain_id"] = "zz-other"
    bn = bn[bn["kind"] != "chain"]
    both = ChainMap(pd.concat([a.nodes, bn], ignore_index=True), a.edges, a.meta)
    p = _placed(both)
    seg = p[p["kind"] == "segment"]
    for _, g in seg.groupby("chain_id"):
        assert g.sort_values("segment_order")["x"].is_monotonic_increasing
    assert seg.loc[seg["chain_id"] == "childrenswear", "x"].max() < seg.loc[seg["chain_id"] == "zz-other", "x"].min()


def test_layout_of_20000_firms_is_fast():
    cm = make_chain_map(20000, 10, 8)
    t = time.perf_counter()
    pos = layout_chain(cm)
    took = time.perf_counter() - t
    print(f"layout of {len(pos)} nodes: {took:.3f} s")
    assert not pos.duplicated(["x", "y"]).any()
    assert took < 10  # vectorised: ~0.2 s here


def test_empty_and_minimal_maps():
    seg_only = ChainMap(pd.DataFrame({"node_id": ["seg:a"], "kind": ["segment"], "label": ["面料"]}),
                        pd.DataFrame(columns=["source", "target", "type"]))
    assert layout_chain(seg_only)[["x", "y"]].notna().all().all()
    empty = ChainMap(pd.DataFrame(columns=["node_id", "kind", "label"]),
                     pd.DataFrame(columns=["source", "target", "type"]))
    assert layout_chain(empty).empty


def test_contract_violations_are_reported_together():
    cm = make_chain_map(10, 1, 2)
    nodes = pd.concat([cm.nodes, cm.nodes.iloc[[6]]], ignore_index=True)
    nodes.loc[0, "kind"] = "galaxy"
    edges = pd.concat([cm.edges, pd.DataFrame({"source": ["ent:nobody"], "target": ["seg:fiber"],
                                               "type": ["LIKES"]})], ignore_index=True)
    with pytest.raises(InvalidChainMap) as err:
        check_chain_map(ChainMap(nodes, edges, {}))
    msg = str(err.value)
    for part in ("duplicate node_id", "galaxy", "ent:nobody", "LIKES"):
        assert part in msg
    assert isinstance(err.value, ValueError)
    with pytest.raises(InvalidChainMap, match="lack column"):
        layout_chain(ChainMap(cm.nodes.drop(columns="kind"), cm.edges, {}))


# ---- summary and split ------------------------------------------------------

def test_summary_kicks_in_above_max_nodes_only():
    cm = make_chain_map(40, 2, 6)
    assert summarise_segments(cm, max_nodes=40) is cm
    s = summarise_segments(cm, max_nodes=39)
    assert s is not cm and s.meta["summary"] is True and s.meta["enterprise_count"] == 40
    kinds = s.nodes["kind"].value_counts()
    assert kinds["segment"] == 5 and kinds["problem"] == 6 and kinds["enterprise"] == 2  # the leaders only
    assert s.nodes.loc[s.nodes["kind"] == "enterprise", "is_leader"].all()
    seg = s.nodes[s.nodes["kind"] == "segment"]
    assert seg["enterprise_count"].sum() == 40
    # aggregated supplies: every supply edge counted once, between segments
    sup = s.edges[s.edges["type"] == "SUPPLIES"]
    assert sup["count"].sum() == (cm.edges["type"] == "SUPPLIES").sum()
    assert sup["source"].str.startswith("seg:").all() and sup["target"].str.startswith("seg:").all()
    hp = s.edges[s.edges["type"] == "HAS_PROBLEM"]
    assert hp["source"].str.startswith("seg:").all()
    firms_with = cm.edges[cm.edges["type"] == "HAS_PROBLEM"].drop_duplicates(["source", "target"])
    assert hp["count"].sum() == len(firms_with)
    assert (s.edges["type"] == "FEEDS").sum() == 4
    check_chain_map(s)
    assert not layout_chain(s).duplicated(["x", "y"]).any()


def test_summary_of_2000_firms_and_split_per_segment():
    cm = make_chain_map(2000, 5, 8)
    s = summarise_segments(cm, max_nodes=1500)
    assert s.meta.get("summary") and len(s.nodes) < 30
    parts = split_by_segment(cm, max_nodes=1500)
    assert list(parts) == [f"seg:{x}" for x in ("fiber", "fabric", "dyeing", "sewing", "brand")]
    ent = cm.nodes[cm.nodes["kind"] == "enterprise"]
    for key, part in parts.items():
        check_chain_map(part)
        own = ent[("seg:" + ent["segment_id"]) == key]
        ids = set(part.nodes["node_id"])
        assert set(own["node_id"]) <= ids
        assert part.meta["segment"] == key and part.meta["title"].endswith("环节")
        n_firms = int((part.nodes["kind"] == "enterprise").sum())
        assert n_firms <= 1500 or n_firms == len(own)
        probs = part.nodes[part.nodes["kind"] == "problem"]
        assert (("seg:" + probs["segment_id"]) == key).all()


def test_split_leaves_partners_out_when_too_many():
    cm = make_chain_map(200, 2, 3)
    parts = split_by_segment(cm, max_nodes=10)
    for key, part in parts.items():
        firms = part.nodes[part.nodes["kind"] == "enterprise"]
        assert (("seg:" + firms["segment_id"]) == key).all()
    assert any(p.meta["partners_dropped"] for p in parts.values())
    assert UNASSIGNED not in parts
    # what the left-out partners were is kept in words per firm
    dyeing = parts["seg:dyeing"].nodes
    text = dyeing.loc[dyeing["kind"] == "enterprise", "supply_outside"].dropna()
    assert text.str.contains("采购自面料织造").any() and text.str.contains("供货给服装缝制").any()
    assert not (parts["seg:dyeing"].edges["type"] == "SUPPLIES").any()  # dyeing firms only sell outside


def test_firms_of_unknown_size_are_counted_and_placed():
    cm = make_chain_map(40, 2, 6)
    ent = cm.nodes["kind"] == "enterprise"
    missing = cm.nodes.index[ent & ~cm.nodes["is_leader"].fillna(False).astype(bool)][:3]
    cm.nodes["size"] = cm.nodes["size"].astype("object")
    cm.nodes.loc[missing[:2], "size"] = None  # 规模不详: never guessed
    cm.nodes.loc[missing[2:], "size"] = "unknown"
    assert not layout_chain(cm).duplicated(["x", "y"]).any()
    s = summarise_segments(cm, max_nodes=39)
    mix = " / ".join(s.nodes.loc[s.nodes["kind"] == "segment", "size_mix"])
    assert sum(int(part.split()[1]) for part in mix.split(" / ") if part.startswith("规模不详")) == 3
