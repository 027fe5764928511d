"""Chain maps at scale: a synthetic province of 24 chains and 20,400 firms, drawn in chain bands.

Python checks (bands, collapsed chains, per-chain common problems, back edges, stubs,
leaders' reach, bounded file count, notebook HTML) run everywhere; the browser checks
(no two segment headers overlap, FEEDS arrows left to right except marked back edges,
common-problem marks present without ``--chain``, legend and title in print) run in
Debian's headless Chromium like ``tests/test_map_browser.py``. Set
``CHAINGRAPH_SCREENSHOTS=<dir>`` to keep the screenshot.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chaingraph.render as cr
from chaingraph.render import band_chains, build_payload, is_multi_chain, layout_bands, write_map_html
from chaingraph.render.bands import header_lines
from chaingraph.render.layout import ChainMap

from .chainmap_fixtures import make_chain_map

LONG_NAMES = ["综合乘用车整车制造", "新能源动力电池系统集成", "高端装备精密零部件", "智能家居小家电"]


def _chain(i: int, n_firms: int) -> ChainMap:
    """One chain of the province: the fixture's childrenswear chain with ids and names made its own."""
    cm = make_chain_map(n_firms, 2, 6, seed=100 + i)
    cid = f"c{i:02d}"
    n = cm.nodes[cm.nodes["kind"] != "chain"].copy()
    e = cm.edges[cm.edges["type"] != "LEADS"].copy()

    def own(s: pd.Series) -> pd.Series:
        return s.astype("str").str.replace(r"^(seg|ent|prob):", rf"\1:{cid}-", regex=True)

    n["node_id"] = own(n["node_id"]).where(n["kind"] != "problem", n["node_id"])  # problems are shared
    e["source"] = own(e["source"])
    e["target"] = own(e["target"]).where(e["type"] != "HAS_PROBLEM", e["target"])
    n["segment_id"] = (cid + "-" + n["segment_id"].astype("str")).where(n["segment_id"].notna() & (n["kind"] != "problem"))
    n["chain_id"] = n["chain_id"].where(n["kind"] != "problem", None)
    n.loc[n["kind"] != "problem", "chain_id"] = cid
    seg = n["kind"] == "segment"
    n.loc[seg, "label"] = [LONG_NAMES[(i + k) % len(LONG_NAMES)] if k == 2 else lab
                           for k, lab in enumerate(n.loc[seg, "label"])]
    n["uscc"] = n["uscc"].astype("object").where(n["uscc"].isna(), n["uscc"].astype("str") + cid)
    return ChainMap(n, e, {})


@pytest.fixture(scope="module")
def province() -> ChainMap:
    """24 chains, 20,400 firms: four big chains (4,500 firms) and twenty of 120, with a cycle and cross-chain flows."""
    sizes = [4500] * 4 + [120] * 20
    parts = [_chain(i, s) for i, s in enumerate(sizes)]
    nodes = pd.concat([p.nodes for p in parts], ignore_index=True)
    probs = nodes[nodes["kind"] == "problem"].drop_duplicates("node_id")
    nodes = pd.concat([nodes[nodes["kind"] != "problem"], probs], ignore_index=True)
    extra = pd.DataFrame({"source": ["seg:c05-brand", "seg:c05-sewing", "seg:c06-brand"],
                          "target": ["seg:c05-fabric", "seg:c07-fiber", "seg:c01-dyeing"], "type": "FEEDS"})
    edges = pd.concat([*(p.edges for p in parts), extra], ignore_index=True)
    names = {f"c{i:02d}": f"第{i + 1}号{LONG_NAMES[i % 4]}产业链" for i in range(len(sizes))}
    common = [{"chain_id": c, "problem_id": "P01", "affected": 50, "share": 0.4, "is_common": True} for c in names]
    meta = {"title": "示范省 · 全部产业链 质量认证强链图谱", "region_name": "示范省", "chain_id": None,
            "dimension": "region", "data_date": "2024-06-30", "chain_names": names, "chain_problems": common}
    return ChainMap(nodes, edges, meta)


def test_province_is_big_enough(province):
    kind = province.nodes["kind"]
    assert (kind == "enterprise").sum() >= 20_000
    assert province.nodes.loc[kind == "segment", "chain_id"].nunique() >= 20
    assert is_multi_chain(province)


def test_bands_collapse_big_chains_and_mark_each_chains_common_problems(province):
    b = band_chains(province, max_nodes=2500)
    assert b.meta["collapsed"] == ["c00", "c01", "c02", "c03"]
    n = b.nodes
    assert (n["kind"] == "enterprise").sum() <= 2500 + 50  # open chains plus the collapsed chains' leaders
    prob = n[n["kind"] == "problem"]
    assert prob["node_id"].str.contains("@").all()
    common = prob[prob["is_common"].astype(bool)]
    assert set(common["chain_id"]) == set(province.meta["chain_names"])  # one mark per chain, from its own list
    assert set(common["node_id"].str.split("@").str[0]) == {"prob:P01"}
    assert n.loc[n["kind"] == "segment", "collapsed"].sum() == 4 * 5


def test_band_layout_shares_stage_columns_and_headers_never_overlap(province):
    b = band_chains(province)
    pos = layout_bands(b).set_index("node_id")
    seg = b.nodes[b.nodes["kind"] == "segment"].set_index("node_id")
    seg = seg.assign(x=pos["x"], y=pos["y"])
    # the same stage position lines up across chains
    assert seg.groupby(seg.index.str.split("-").str[-1])["x"].nunique().max() == 1
    # each chain its band, in flow order
    for _, g in seg.groupby("chain_id"):
        assert g["y"].nunique() == 1
        assert g.sort_values("segment_order")["x"].is_monotonic_increasing
    head = layout_bands(b).attrs["header"]
    boxes = [(pos.at[i, "x"] - h["w"] / 2, pos.at[i, "y"] - h["h"] / 2, pos.at[i, "x"] + h["w"] / 2,
              pos.at[i, "y"] + h["h"] / 2) for i, h in head.items()]
    assert not _overlaps(boxes)


def test_header_lines_wrap_chinese_names():
    lines = header_lines("上游 · 综合乘用车整车制造\n企业 1,234 家", 100.0, 20.0)
    assert all(len(x) <= 5 for x in lines)
    assert "".join(lines).replace(" ", "") == "上游·综合乘用车整车制造企业1,234家"


def test_flows_left_to_right_back_edges_and_stubs(province):
    p = build_payload(province)
    x = {n["id"]: n["x"] for n in p["nodes"]}
    feeds = [e for e in p["edges"] if e["type"] == "FEEDS"]
    assert [e for e in feeds if e.get("back")] and [e for e in feeds if e.get("stub")]
    assert all(x[e["from"]] < x[e["to"]] for e in feeds if not e.get("back"))
    back = [e for e in feeds if e.get("back")]
    assert {(e["from"], e["to"]) for e in back} == {("seg:c05-brand", "seg:c05-fabric")}
    stubs = [n for n in p["nodes"] if n["kind"] == "stub"]
    assert len(stubs) == 4 and any("第8号" in n["label"] for n in stubs)
    assert "以环节汇总显示" in p["meta"]["subtitle"]


def test_leaders_reach_in_tooltip_and_side_panel():
    cm = make_chain_map(300, 3, 4)
    p = build_payload(cm)
    lead = [n for n in p["nodes"] if n["kind"] == "enterprise" and n["shape"] == "star"]
    assert lead and all("辐射带动：2 级供应关系内中小微企业" in n["title"] for n in lead)
    assert len(p["leaders"]) == 3 and all(isinstance(r["reach"], int) for r in p["leaders"])


def test_bounded_file_count(province, tmp_path):
    files = write_map_html(province, tmp_path / "省.html", max_nodes=2500, max_pages=3)
    assert len(files) == 3 and len(list(tmp_path.glob("*.html"))) == 3
    files = write_map_html(province, tmp_path / "all" / "省.html", max_nodes=2500)
    assert len(files) <= 40
    page = files[0].read_text(encoding="utf-8")
    assert "分链企业图谱" in page


def test_single_chain_segment_pages_keep_to_their_chain(tmp_path):
    cm = make_chain_map(600, 2, 4)
    files = write_map_html(cm, tmp_path / "童装.html", max_nodes=200, max_pages=4)
    assert len(files) == 4


def test_notebook_repr_is_a_sandboxed_srcdoc_iframe():
    cm = make_chain_map(20, 1, 2, hostile=True)
    out = cm._repr_html_()
    assert out.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in out
    assert "allow-same-origin" not in out
    srcdoc = re.search(r'srcdoc="([^"]*)"', out).group(1)
    assert "<script" not in srcdoc and "<img" not in srcdoc  # all escaped inside the attribute
    assert "<!DOCTYPE html>" in html.unescape(srcdoc)
    assert cr.show(cm, height=400)._repr_html_().endswith("</iframe>")


# ---------------------------------------------------------------------------
# browser
# ---------------------------------------------------------------------------

def _overlaps(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    b = np.array(boxes)
    hit = ((b[:, None, 0] < b[None, :, 2]) & (b[None, :, 0] < b[:, None, 2])
           & (b[:, None, 1] < b[None, :, 3]) & (b[None, :, 1] < b[:, None, 3]))
    np.fill_diagonal(hit, False)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(hit)), strict=True)]


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    from .test_map_browser import CHROMIUM, CHROMIUM_ARGS, sync_api  # skips without Chromium / Playwright

    profile = tmp_path_factory.mktemp("chromium-profile-scale")
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), headless=True,
                                                    args=CHROMIUM_ARGS, viewport={"width": 1600, "height": 1000})
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        try:
            yield ctx.new_page()
        finally:
            ctx.close()


@pytest.mark.browser
def test_province_map_in_chromium(province, browser_page, tmp_path):
    from .test_map_browser import poll

    files = write_map_html(province, tmp_path / "province.html", max_nodes=2500)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(files[0].resolve().as_uri())
    poll(page, "window.__chainmap && window.__chainmap.firstDrawMs !== null", timeout=120)
    data = json.loads(page.evaluate("document.getElementById('chain-data').textContent"))
    seg_ids = [n["id"] for n in data["nodes"] if n["kind"] == "segment"]
    boxes = page.evaluate("ids => ids.map(id => { var b = window.chainNetwork.getBoundingBox(id);"
                          " return [b.left, b.top, b.right, b.bottom]; })", seg_ids)
    assert len(boxes) == 24 * 5
    assert not _overlaps(boxes), "segment header boxes overlap"
    ends = sorted({e["from"] for e in data["edges"]} | {e["to"] for e in data["edges"]})
    xy = page.evaluate("ids => window.chainNetwork.getPositions(ids)", ends)
    feeds = [e for e in data["edges"] if e["type"] == "FEEDS"]
    wrong = [e for e in feeds if not e.get("back") and xy[e["from"]]["x"] >= xy[e["to"]]["x"]]
    assert not wrong, f"right-to-left FEEDS arrows: {wrong[:5]}"
    assert any(e.get("back") for e in feeds)
    marks = [n for n in data["nodes"] if n["kind"] == "problem" and str(n["label"]).startswith("【共性】")]
    assert len(marks) >= 20, "common-problem marks missing on a map without --chain"
    page.emulate_media(media="print")
    legend = page.evaluate("(() => { var r = document.getElementById('legend').getBoundingClientRect();"
                           " var t = document.getElementById('title').getBoundingClientRect();"
                           " return [r.width, r.height, t.width, t.height,"
                           " getComputedStyle(document.getElementById('legend')).display]; })()")
    assert legend[0] > 100 and legend[1] > 20 and legend[2] > 50 and legend[4] != "none"
    page.emulate_media(media="screen")
    keep = os.environ.get("CHAINGRAPH_SCREENSHOTS")
    if keep:
        page.screenshot(path=str(Path(keep) / "province-bands.png"))
    assert not errors


@pytest.mark.browser
def test_names_readable_at_first_zoom_when_columns_hold_few_firms(browser_page, tmp_path):
    from .test_map_browser import poll

    files = write_map_html(make_chain_map(30, 1, 2), tmp_path / "small.html")
    page = browser_page
    page.goto(files[0].resolve().as_uri())
    poll(page, "window.__chainmap && window.__chainmap.firstDrawMs !== null && window.__chainmap.namesShown >= 0")
    assert page.evaluate("window.__chainmap.namesShown") >= 20


@pytest.mark.browser
def test_cli_map_of_listed_firms_with_png(tmp_path):
    from click.testing import CliRunner

    from chaingraph.cli import cli
    from chaingraph.render.snapshot import find_chromium

    if find_chromium() is None:
        pytest.skip("no Chromium for --png")
    root = Path(__file__).resolve().parent.parent
    res = CliRunner().invoke(cli, ["map", str(root / "datasets" / "listed-firms"), "-o", str(tmp_path / "x.html"),
                                   "--png", str(tmp_path / "x.png")])
    assert res.exit_code == 0, res.output
    assert "wrote 1 file(s)" in res.output and (tmp_path / "x.png").stat().st_size > 10_000
    page = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "来自其他链" in page  # the cross-chain flow ends at a stub
    keep = os.environ.get("CHAINGRAPH_SCREENSHOTS")
    if keep:
        (Path(keep) / "listed-firms.png").write_bytes((tmp_path / "x.png").read_bytes())
