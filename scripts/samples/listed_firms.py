"""``datasets/listed-firms``: shaped like a public listed-firm list (合成数据，仅供演示 / synthetic).

What a new user really holds: a list of listed firms with stock codes (in the three spellings such lists use:
``600373``, ``000001.SZ``, ``SZ300001``) and full names, no size class, an industry classification whose segments
have no stage or order but weighted upstream links (权重) — some of them to another chain's segments, one of them
a cycle — and a registry extract that gives the credit code of a few of the same firms (one firm, two files:
merged). Some firms have no region column value; their full name or address names one (``--infer-region``), a
few name none. Observations and supply links refer to firms by stock code, by credit code or by full name.

Every name and code is invented (the codes are well-formed, the firms do not exist); sizes are never made up.
"""

from __future__ import annotations

import random
from pathlib import Path

from .build.codes import make_uscc
from .build.writers import fresh_folder, raw_csv

FOLDER = "listed-firms"
SEED = 20261203

# industry classification: two chains, segments without stage/order, weighted flows (one cross-chain, one cycle)
CHAINS = [("auto", "汽车", "C36"), ("battery", "动力电池", "C384")]
SEGMENTS = [
    ("auto-steel", "auto", "汽车用钢"), ("auto-parts", "auto", "汽车零部件"), ("auto-electronics", "auto", "汽车电子"),
    ("auto-assembly", "auto", "整车制造"), ("auto-sales", "auto", "汽车销售与服务"),
    ("bat-materials", "battery", "正负极材料"), ("bat-cells", "battery", "电芯制造"), ("bat-packs", "battery", "电池系统"),
    ("bat-recycling", "battery", "电池回收"),
]
FLOWS = [  # from, to, weight
    ("auto-steel", "auto-parts", 0.62), ("auto-parts", "auto-assembly", 0.81), ("auto-electronics", "auto-assembly", 0.55),
    ("auto-assembly", "auto-sales", 0.93), ("auto-parts", "auto-electronics", 0.21),
    ("bat-materials", "bat-cells", 0.88), ("bat-cells", "bat-packs", 0.91), ("bat-packs", "bat-recycling", 0.34),
    ("bat-recycling", "bat-materials", 0.27),  # recycled material feeds the materials makers: a cycle
    ("bat-packs", "auto-assembly", 0.74),  # a flow into the other chain
]
PLACES = [  # (province code, region text as lists give it, name prefix, address prefix)
    ("330000", "浙江省", "浙江", "浙江省杭州市余杭区"), ("320000", "江苏省", "江苏", "江苏省苏州市工业园区"),
    ("440000", "广东省", "广东", "广东省深圳市南山区"), ("370000", "山东省", "山东", "山东省潍坊市奎文区"),
    ("340000", "安徽省", "安徽", "安徽省合肥市包河区"), ("510000", "四川省", "四川", "四川省成都市武侯区"),
]
STEMS = ["恒远", "华拓", "瑞丰", "启明", "远驰", "钧和", "博川", "泰安达", "卓越", "鼎新", "汇川精", "金鹰", "凌云", "广宇", "星瀚",
         "中研", "凯旋", "联创", "宏泰", "新锐", "鸿基", "盛泽", "天擎", "睿驰"]
KINDS = {"auto-steel": "特钢", "auto-parts": "汽车零部件", "auto-electronics": "汽车电子", "auto-assembly": "汽车",
         "auto-sales": "汽车服务", "bat-materials": "新材料", "bat-cells": "电池", "bat-packs": "能源科技",
         "bat-recycling": "资源循环"}
PROBLEMS = [("P01", "关键尺寸一致性不足", "质量技术", "难点"), ("P02", "供应商质量管理薄弱", "质量管理", "痛点"),
            ("P03", "检测能力不足", "质量基础设施", "堵点"), ("P04", "电芯一致性差", "质量技术", "痛点")]


def _code(rng: random.Random, i: int) -> str:
    base = [600100, 2100, 300100, 688100][i % 4] + i * 7
    num = f"{base:06d}"
    return [num, f"{num}.{'SH' if num.startswith('6') else 'SZ'}", f"{'SH' if num.startswith('6') else 'SZ'}{num}"][i % 3]


def build(root: Path) -> dict[str, int]:
    """Write the sample under ``root / FOLDER``; return the row count of each file."""
    rng = random.Random(SEED)
    folder = fresh_folder(root / FOLDER)
    raw_csv(folder / "chains.csv", ["产业链编号", "产业链名称", "行业代码"], [list(c) for c in CHAINS])
    raw_csv(folder / "segments.csv", ["环节编号", "产业链编号", "环节名称"], [list(s) for s in SEGMENTS])
    raw_csv(folder / "segment_flows.csv", ["上游环节", "下游环节", "权重"], [[a, b, f"{w:.2f}"] for a, b, w in FLOWS])
    firms, ops = [], []
    for i in range(36):
        seg = SEGMENTS[i % len(SEGMENTS)][0]
        prov, region, prefix, addr = PLACES[i % len(PLACES)]
        stem = STEMS[i % len(STEMS)] + ("" if i < len(STEMS) else "达")
        name = f"{prefix}{stem}{KINDS[seg]}股份有限公司"
        code = _code(rng, i)
        short = stem + KINDS[seg][:2]
        # region given for most; missing for every 5th (name or address names it), and two name none at all
        given = "" if i % 5 == 4 else region
        address = f"{addr}{rng.randint(1, 399)}号" if i % 10 == 4 else ""
        if i in (9, 19):
            name = f"{stem}{KINDS[seg]}集团股份有限公司"  # no place in the name, and no address: stays unplaced
            address = ""
        firms.append([code, short, name, given, address])
        ops.append([code, seg])
    raw_csv(folder / "enterprises.csv", ["证券代码", "证券简称", "公司全称", "所在省份", "注册地址"], firms)
    # a registry extract: credit codes of three of the same firms, named by full name (one firm, two lists)
    registry = []
    for i in (0, 7, 14):
        prov = PLACES[i % len(PLACES)][0]
        org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        registry.append([make_uscc(prov, org), firms[i][2], PLACES[i % len(PLACES)][1]])
    raw_csv(folder / "企业名录.csv", ["统一社会信用代码", "企业名称", "所在地区"], registry)
    raw_csv(folder / "operates_in.csv", ["证券代码", "环节编号"], ops)
    raw_csv(folder / "problems.csv", ["问题编号", "问题名称", "问题类别", "问题类型"], [list(p) for p in PROBLEMS])
    obs = []
    for i, f in enumerate(firms):
        if i % 3 == 2 or i in (9, 19):
            continue
        ref = f[2] if i % 4 == 1 else f[0]  # by full name or by stock code
        pid = "P04" if ops[i][1].startswith("bat") and i % 2 else ["P01", "P02", "P03"][i % 3]
        obs.append([ref, pid, str(1 + i % 5), "调查", f"2026-0{1 + i % 9}-15", ["未解决", "整改中", "已解决"][i % 3]])
    raw_csv(folder / "observations.csv", ["企业", "问题编号", "严重程度", "来源", "发现日期", "状态"], obs)
    sup = []
    by_seg: dict[str, list[int]] = {}
    for i, (_, seg) in enumerate(ops):
        by_seg.setdefault(seg, []).append(i)
    for a, b, _ in FLOWS:
        for i in by_seg.get(a, [])[:3]:
            for j in by_seg.get(b, [])[:2]:
                if i not in (9, 19) and j not in (9, 19):
                    sup.append([firms[i][0], firms[j][2], KINDS[a]])
    raw_csv(folder / "supplies.csv", ["供应方证券代码", "采购方名称", "产品"], sup)
    (folder / "README.md").write_text(
        "# listed-firms（合成数据，仅供演示）\n\n"
        "Shaped like a public listed-firm list: stock codes in three spellings, full names, **no size class**, an "
        "industry classification whose segments have **no stage or order** but weighted flows (权重), one flow into "
        "the other chain and one cycle (电池回收 → 正负极材料). `企业名录.csv` is a registry extract giving the credit "
        "codes of three of the same firms by full name: they merge into one firm each. Six firms have no region; "
        "four of them name one in their full name or address (`--infer-region`), two name none and are rejected "
        "with the reason. Observations refer to firms by stock code or full name, supplies by stock code → full "
        "name. Every name and code is invented.\n\n"
        "    chaingraph build datasets/listed-firms --infer-region -o /tmp/listed.store\n",
        encoding="utf-8")
    return {"enterprises": len(firms), "registry": len(registry), "observations": len(obs), "supplies": len(sup)}
