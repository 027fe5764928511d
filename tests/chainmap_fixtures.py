"""Synthetic :class:`~chaingraph.render.layout.ChainMap` data for the layout, render and browser tests.

The frames follow the ``chain_map`` query's contract (see ``chaingraph/layout.py``):
a childrenswear chain (童装) of 湖州市吴兴区 with five segments, enterprises of
every size class, designated leaders, supply edges running downstream and a
handful of quality problems.

Example
-------
>>> cm = make_chain_map(n_firms=40, n_leaders=2, n_problems=6)
>>> int((cm.nodes["kind"] == "enterprise").sum())
40
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from stdnum.cn import uscc as stdnum_uscc

from chaingraph.render.layout import ChainMap

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"

SEGMENTS = (
    # id, name, stage, order, key_link
    ("fiber", "纤维原料", "upstream", 1, False),
    ("fabric", "面料织造", "upstream", 2, False),
    ("dyeing", "印染整理", "midstream", 3, True),
    ("sewing", "服装缝制", "midstream", 4, True),
    ("brand", "品牌销售", "downstream", 5, False),
)
PROBLEMS = (
    ("P01", "色牢度不达标", "technology", "pain"),
    ("P02", "绳带超长", "technology", "difficulty"),
    ("P03", "甲醛含量超标", "technology", "pain"),
    ("P04", "pH值不合格", "technology", "difficulty"),
    ("P05", "质量管理体系不健全", "management", "pain"),
    ("P06", "检测能力不足", "infrastructure", "blockage"),
    ("P07", "标识标注不规范", "management", "difficulty"),
    ("P08", "纤维含量不符", "technology", "blockage"),
)
REGIONS = (("330502", "吴兴区"), ("330503", "南浔区"), ("330521", "德清县"))
WORDS = "织里 恒丰 锦绣 童趣 宝贝 阳光 华美 新丝路 东方 天成 瑞祥 金梭 彩虹 安吉 欣欣 嘉禾".split()
SIZES = np.array(["micro", "small", "medium", "large"])


def _uscc(region: str, i: int) -> str:
    body = f"91{region}MA{i:07X}"
    return body + stdnum_uscc.calc_check_digit(body)


def make_chain_map(
    n_firms: int = 40,
    n_leaders: int = 2,
    n_problems: int = 6,
    *,
    seed: int = 7,
    hostile: bool = False,
    industry: bool = False,
    focus: bool = False,
) -> ChainMap:
    """Build a realistic synthetic ChainMap.

    Parameters
    ----------
    n_firms : int
        Enterprise nodes.
    n_leaders : int
        Of which designated chain leaders (the largest firms of the key links).
    n_problems : int
        Problem nodes (at most 8).
    seed : int
        Random seed; the same arguments give the same frames.
    hostile : bool
        Give two firms script-injection names and a segment a name with ``&`` and U+2028.
    industry : bool
        Industry dimension: firms spread over three regions, one ``reg:`` node each.
    focus : bool
        Enterprise dimension: ``meta["focus"]`` names the first leader.

    Returns
    -------
    ChainMap

    Raises
    ------
    ValueError
        If ``n_problems`` exceeds the eight problems known here.

    Example
    -------
    >>> make_chain_map(10, 1, 2, industry=True).meta["dimension"]
    'industry'
    """
    if n_problems > len(PROBLEMS):
        raise ValueError("at most 8 problems")
    rng = np.random.default_rng(seed)
    seg = pd.DataFrame(SEGMENTS, columns=["sid", "name", "stage", "order", "key_link"])
    if hostile:
        seg.loc[1, "name"] = "面料&织造\u2028<b>"

    # enterprises: uneven segment sizes, size classes skewed to micro/small
    seg_weights = np.array([0.10, 0.20, 0.20, 0.35, 0.15])
    seg_ix = np.sort(rng.choice(len(seg), size=n_firms, p=seg_weights))
    size = SIZES[rng.choice(4, size=n_firms, p=[0.55, 0.30, 0.11, 0.04])]
    base = {"micro": 300.0, "small": 3000.0, "medium": 20000.0, "large": 120000.0}
    revenue = np.round(pd.Series(size).map(base).to_numpy() * rng.lognormal(0.0, 0.5, n_firms), 1)
    employees = (revenue / 30.0 + rng.integers(3, 20, n_firms)).astype("int64")
    region_codes = np.array([r[0] for r in REGIONS]) if industry else np.array([REGIONS[0][0]])
    region = region_codes[rng.integers(0, len(region_codes), n_firms)]
    # leaders: the largest firms of the key-link segments
    key_segs = seg.index[seg["key_link"]].to_numpy()
    cand = np.flatnonzero(np.isin(seg_ix, key_segs))
    leaders = cand[np.argsort(-revenue[cand], kind="stable")][:n_leaders]
    size[leaders] = "large"
    revenue[leaders] = np.maximum(revenue[leaders], 150000.0)
    is_leader = np.zeros(n_firms, dtype=bool)
    is_leader[leaders] = True
    names = [f"湖州{WORDS[i % len(WORDS)]}{seg.loc[seg_ix[i], 'name'][:2]}"
             f"{['服饰', '纺织', '制衣', '科技'][i % 4]}有限公司{i:04d}" for i in range(n_firms)]
    if hostile:
        names[3] = HOSTILE_IMG
        names[min(5, n_firms - 1)] = HOSTILE_SCRIPT
    uscc = [_uscc(region[i], i) for i in range(n_firms)]
    ent_ids = np.array(["ent:" + u for u in uscc])
    qms = rng.random(n_firms) < np.where(size == "micro", 0.2, 0.6)
    certified = qms | (rng.random(n_firms) < 0.15)

    # supply edges: each firm outside the first segment buys from 1-3 firms upstream
    src, tgt, prod, val = [], [], [], []
    by_seg = {s: np.flatnonzero(seg_ix == s) for s in range(len(seg))}
    products = ["棉纱", "针织面料", "染整加工", "成衣加工", "童装成品"]
    for i in range(n_firms):
        s = seg_ix[i]
        if s == 0:
            continue
        pool = by_seg[s - 1] if len(by_seg[s - 1]) else np.flatnonzero(seg_ix < s)
        if not len(pool):
            continue
        k = min(len(pool), int(rng.integers(1, 4)))
        for j in rng.choice(pool, size=k, replace=False):
            src.append(ent_ids[j])
            tgt.append(ent_ids[i])
            prod.append(products[seg_ix[j]])
            val.append(float(np.round(rng.lognormal(4, 1), 1)))
    supplies = pd.DataFrame({"source": src, "target": tgt, "type": "SUPPLIES", "product": prod, "value": val})
    degree = pd.concat([supplies["source"], supplies["target"]]).value_counts()

    # problems: 0-3 per firm, some more common than others
    probs = pd.DataFrame(PROBLEMS[:n_problems], columns=["pid", "name", "category", "pkind"])
    weights = np.linspace(2.0, 0.5, n_problems)
    weights /= weights.sum()
    obs_rows = []
    for i in range(n_firms):
        k = int(rng.choice([0, 1, 1, 2, 3]))
        for p in rng.choice(n_problems, size=min(k, n_problems), replace=False, p=weights):
            obs_rows.append((i, p, int(rng.integers(1, 6))))
    obs = pd.DataFrame(obs_rows, columns=["firm", "prob", "severity"])
    obs["source"] = ent_ids[obs["firm"]]
    obs["target"] = "prob:" + probs["pid"].to_numpy()[obs["prob"]]
    obs["pname"] = probs["name"].to_numpy()[obs["prob"]]
    obs["seg"] = seg_ix[obs["firm"]]

    per_firm = obs.groupby("firm").agg(problem_count=("prob", "size"), max_severity=("severity", "max"))
    text = (obs["pname"] + "(" + obs["severity"].astype("str") + ")").groupby(obs["firm"]).agg("; ".join)

    ent = pd.DataFrame({
        "node_id": ent_ids, "kind": "enterprise", "label": names, "chain_id": "childrenswear",
        "segment_id": seg["sid"].to_numpy()[seg_ix], "stage": seg["stage"].to_numpy()[seg_ix],
        "segment_order": seg["order"].to_numpy()[seg_ix], "key_link": seg["key_link"].to_numpy()[seg_ix],
        "region_code": region, "uscc": uscc, "stock_code": pd.array([pd.NA] * n_firms, dtype="string"),
        "size": size, "revenue": revenue,
        "employees": pd.array(employees, dtype="Int64"),
        "qms_certified": pd.array(qms, dtype="boolean"), "certified": pd.array(certified, dtype="boolean"),
        "is_leader": is_leader,
        "degree": pd.Series(ent_ids).map(degree).fillna(0).astype("int64").to_numpy(),
        "problem_count": pd.Series(range(n_firms)).map(per_firm["problem_count"]).fillna(0).astype("int64").to_numpy(),
        "max_severity": pd.array(pd.Series(range(n_firms)).map(per_firm["max_severity"]), dtype="Int64"),
        "problems": pd.Series(range(n_firms)).map(text).fillna("").to_numpy(),
    })
    firms_per_seg = pd.Series(seg_ix).value_counts()
    seg_nodes = pd.DataFrame({
        "node_id": "seg:" + seg["sid"], "kind": "segment", "label": seg["name"], "chain_id": "childrenswear",
        "stage": seg["stage"], "segment_order": seg["order"], "key_link": seg["key_link"],
        "enterprise_count": seg.index.map(firms_per_seg).fillna(0).astype("int64"),
    })
    affected = obs.groupby("prob")["firm"].nunique()
    mode_seg = obs.groupby("prob")["seg"].agg(lambda s: s.value_counts().index[0])
    max_sev = obs.groupby("prob")["severity"].max()
    prob_nodes = pd.DataFrame({
        "node_id": "prob:" + probs["pid"], "kind": "problem", "label": probs["name"], "chain_id": "childrenswear",
        "segment_id": probs.index.map(mode_seg).map(lambda s: seg["sid"].iloc[int(s)] if pd.notna(s) else pd.NA),
        "category": probs["category"], "problem_kind": probs["pkind"],
        "affected": probs.index.map(affected).fillna(0).astype("int64"),
        "max_severity": pd.array(probs.index.map(max_sev), dtype="Int64"),
    })
    prob_nodes["share"] = prob_nodes["affected"] / max(n_firms, 1)
    prob_nodes["is_common"] = (prob_nodes["share"] >= 0.2) & (prob_nodes["affected"] >= 3)
    chain_node = pd.DataFrame({"node_id": ["chain:childrenswear"], "kind": ["chain"], "label": ["童装产业链"],
                               "chain_id": ["childrenswear"]})
    parts = [seg_nodes, ent, prob_nodes, chain_node]
    if industry:
        parts.append(pd.DataFrame({"node_id": ["reg:" + c for c, _ in REGIONS], "kind": "region",
                                   "label": [f"湖州市{n}" for _, n in REGIONS],
                                   "region_code": [c for c, _ in REGIONS]}))
    nodes = pd.concat(parts, ignore_index=True)
    for col in ("segment_order", "enterprise_count", "degree", "problem_count", "affected"):
        nodes[col] = nodes[col].astype("Int64")
    for col in ("key_link", "is_leader", "is_common"):
        nodes[col] = nodes[col].astype("boolean")

    feeds = pd.DataFrame({"source": seg_nodes["node_id"].iloc[:-1].to_numpy(),
                          "target": seg_nodes["node_id"].iloc[1:].to_numpy(), "type": "FEEDS"})
    operates = pd.DataFrame({"source": ent_ids, "target": "seg:" + ent["segment_id"], "type": "OPERATES_IN"})
    has_problem = pd.DataFrame({"source": obs["source"], "target": obs["target"], "type": "HAS_PROBLEM",
                                "severity": pd.array(obs["severity"], dtype="Int64")})
    leads = pd.DataFrame({"source": ent_ids[leaders], "target": "chain:childrenswear", "type": "LEADS"})
    edges = pd.concat([feeds, operates, supplies, has_problem, leads], ignore_index=True)
    edges = edges.reindex(columns=["source", "target", "type", "product", "value", "severity"])
    edges["severity"] = edges["severity"].astype("Int64")
    edges["value"] = edges["value"].astype("float64")

    meta = {
        "title": ("湖州市 · 童装产业链 质量认证强链图谱" if industry
                  else "湖州市吴兴区 · 童装产业链 质量认证强链图谱"),
        "region_code": "330502" if not industry else "330500",
        "region_name": "湖州市吴兴区" if not industry else "湖州市",
        "chain_id": "childrenswear", "chain_name": "童装", "data_date": "2024-06-30",
        "dimension": "industry" if industry else ("enterprise" if focus else "region"),
        "counts": {"enterprises": n_firms, "segments": len(seg), "problems": n_problems,
                   "supply_edges": len(supplies)},
    }
    if focus and len(leaders):
        meta["focus"] = str(ent_ids[leaders[0]])
    return ChainMap(nodes, edges, meta)
