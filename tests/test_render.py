"""Tests of chaingraph.render: self-contained, escaped, offline HTML chain maps."""

from __future__ import annotations

import json
import os
import re

import pandas as pd
import pytest

from chaingraph.errors import OutputError
from chaingraph.render.html import (
    _assets,
    build_payload,
    json_for_script,
    render_map_html,
    segment_file_names,
    write_map_html,
)
from chaingraph.render.layout import ChainMap

from .chainmap_fixtures import HOSTILE_IMG, HOSTILE_SCRIPT, make_chain_map

DATA_RE = re.compile(r'<script type="application/json" id="chain-data">(.*?)</script>', re.S)

# Strings with a URL inside the vendored vis-network code that are not references to a
# resource: its license header (a comment), the SVG namespace, and two messages / license
# notes that vis-network's bundled core-js and uuid carry as string literals.
VIS_INERT_URLS = {
    "http://www.w3.org/2000/svg",
    "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/zloirock/core-js",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
}


def _payload(page: str) -> dict:
    m = DATA_RE.search(page)
    assert m, "JSON payload element missing"
    return json.loads(m.group(1))


@pytest.fixture()
def hostile_map() -> ChainMap:
    cm = make_chain_map(40, 2, 6, hostile=True)
    cm.meta["title"] = "吴兴区</title><script>alert(1)</script> & 童装"
    cm.meta["data_date"] = "2024-06-30<b>"
    return cm


def test_one_self_contained_file_and_no_lib_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out" / "map.html"
    files = write_map_html(make_chain_map(), out)
    assert files == [out]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["map.html"]
    assert not (tmp_path / "lib").exists()
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "@@CHAINMAP_" not in page.replace(json_for_script("@@CHAINMAP_"), "")
    assert "default-src 'none'" in page  # CSP: the browser refuses any request


def test_no_reference_to_anything_outside_the_file(tmp_path):
    page = write_map_html(make_chain_map(), tmp_path / "m.html")[0].read_text(encoding="utf-8")
    vis_js = _assets()["vis_js"]
    assert page.count(vis_js) == 1  # inlined verbatim (license header included)
    assert vis_js.lstrip().startswith("/**") and "@license" in vis_js[:1200] and "MIT" in vis_js[:1200]
    assert "sourceMappingURL" not in page
    # outside the vendored script: no URL at all
    rest = page.replace(vis_js, "")
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", rest.replace("// ----", ""))
    # inside it: URLs only in its leading license comment, or as inert string literals
    header_end = vis_js.index("*/") + 2
    body_urls = set(re.findall(r"https?://[^\s\"')]+", vis_js[header_end:]))
    assert body_urls <= VIS_INERT_URLS, body_urls - VIS_INERT_URLS
    # nowhere a src / href / url() / @import that leaves the file
    assert not re.search(r"""(?i)\b(src|href|action|poster|data)\s*=\s*["']?\s*(https?:|//|file:|ftp:)""", page)
    assert not re.search(r"""url\(\s*(?!["']?data:)""", rest)  # CSS url(): data: only (vis's own images)
    assert "@import" not in page
    assert not re.search(r"(?i)<(link|iframe|embed|object|img|base)\b", page)
    assert not re.search(r"(?i)<script[^>]*\bsrc\s*=", page)


def test_hostile_strings_appear_only_escaped(tmp_path, hostile_map):
    page = write_map_html(hostile_map, tmp_path / "m.html")[0].read_text(encoding="utf-8")
    for raw in (HOSTILE_IMG, HOSTILE_SCRIPT, "</title><script>alert(1)", "2024-06-30<b>", "面料&织造\u2028<b>"):
        assert raw not in page
    # only our three script elements exist (data, vis, page); vis-network's code itself holds a
    # "<script>" string literal (core-js), hence counting outside it
    rest = page.replace(_assets()["vis_js"], "")
    assert rest.count("<script") == 3 and rest.lower().count("</script") == 3
    # the title is HTML-escaped in <title> and <h1>
    assert "吴兴区&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; 童装" in page
    # ... and the JSON payload carries them intact
    data = _payload(page)
    labels = {n["label"] for n in data["nodes"]}
    assert HOSTILE_IMG in labels and HOSTILE_SCRIPT in labels
    assert any("面料&织造\u2028<b>" in s["label"] for s in data["segments"])
    assert data["meta"]["title"] == hostile_map.meta["title"]


def test_json_payload_round_trips(tmp_path, hostile_map):
    page = render_map_html(hostile_map, color_by="certification", size_by="degree")
    direct = build_payload(hostile_map, color_by="certification", size_by="degree")
    assert _payload(page) == json.loads(json.dumps(direct))
    assert len(direct["nodes"]) == len(hostile_map.nodes)
    assert len(direct["edges"]) == len(hostile_map.edges)


def test_json_for_script_escapes_everything_dangerous():
    s = json_for_script({"a": "</script><!-- & \u2028\u2029 \ud800 >"})
    for ch in ("<", ">", "&", "\u2028", "\u2029", "\ud800"):
        assert ch not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028\u2029 \ud800 >"}
    s.encode("utf-8")  # no lone surrogate left to break the file's encoding
    with pytest.raises(ValueError):
        json_for_script({"x": float("nan")})


def test_markers_in_data_are_not_substituted():
    cm = make_chain_map(10, 1, 2)
    cm.nodes.loc[cm.nodes["kind"] == "enterprise", "label"] = "@@CHAINMAP_VIS_JS@@"
    page = render_map_html(cm)
    assert page.count(_assets()["vis_js"]) == 1
    assert sum(n["label"].endswith("@@CHAINMAP_VIS_JS@@") for n in _payload(page)["nodes"]) == 10


def test_payload_styles_and_tooltips():
    cm = make_chain_map(40, 2, 6)
    data = build_payload(cm)
    nodes = {n["id"]: n for n in data["nodes"]}
    ent = cm.nodes[cm.nodes["kind"] == "enterprise"].set_index("node_id")
    lead = ent.index[ent["is_leader"].astype(bool)]
    for i in lead:
        assert nodes[i]["shape"] == "star" and nodes[i]["label"].startswith("【链主】")
    some = ent.index[~ent["is_leader"].astype(bool)][0]
    t = nodes[some]["title"]
    assert ent.loc[some, "label"] in t and ent.loc[some, "uscc"] in t and "企业规模：" in t and "所属环节：" in t
    seg = [n for n in data["nodes"] if n["kind"] == "segment"]
    assert sum("【关键环节】" in n["label"] for n in seg) == 2
    assert {s["label"] for s in data["segments"]} == set(cm.nodes.loc[cm.nodes["kind"] == "segment", "label"])
    assert [s["label"] for s in data["segments"]] == ["纤维原料", "面料织造", "印染整理", "服装缝制", "品牌销售"]
    legend = json.dumps(data["legend"], ensure_ascii=False)
    words = ("微型", "小型", "中型", "大型", "规模不详", "链主", "关键环节", "问题热点", "供应", "环节流向", "所属环节", "存在问题")
    for word in words:
        assert word in legend
    sizes = [n["size"] for n in data["nodes"] if n["kind"] == "enterprise"]
    assert 6 <= min(sizes) and max(sizes) <= 33
    assert data["options"]["physics"] == {"enabled": False}
    cert = build_payload(cm, color_by="certification")
    assert "已认证" in json.dumps(cert["legend"], ensure_ascii=False)


def _identity_map() -> ChainMap:
    """Four firms, one per way of being identified (v2 identity): credit code, stock code, both, own code."""
    credit = "91330502MA00000012"
    nodes = pd.DataFrame({
        "node_id": ["seg:a", "ent:" + credit, "ent:600373.SH", "ent:91330502MA00000021", "ent:织里某童装厂"],
        "kind": ["segment", "enterprise", "enterprise", "enterprise", "enterprise"],
        "label": ["面料", "甲公司", "乙股份", "丙股份", "丁厂"],
        "segment_id": ["a"] * 5, "stage": ["upstream"] * 5, "segment_order": [1] * 5,
        "region_code": [None, "330502", "330502", "330503", "330502"],
        "region_source": [None, "given", "inferred", "given", None],
        "uscc": [None, credit, None, "91330502MA00000021", None],
        "stock_code": [None, None, "600373.SH", "000001.SZ", None],
        "short_name": [None, None, "乙股份", "丙股份", None],
        "size": [None, "small", None, "unknown", "micro"],
    })
    ents = nodes["node_id"].iloc[1:].tolist()
    edges = pd.DataFrame({"source": ents[:2], "target": ents[2:], "type": ["SUPPLIES", "SUPPLIES"]})
    return ChainMap(nodes, edges, {"title": "身份"})


def test_tooltips_show_each_firm_code_once():
    data = build_payload(_identity_map())
    t = {n["label"]: n["title"] for n in data["nodes"] if n["kind"] == "enterprise"}
    # keyed on the credit code: no separate 企业编号
    assert "统一社会信用代码：91330502MA00000012" in t["甲公司"] and "企业编号" not in t["甲公司"]
    assert "证券代码" not in t["甲公司"]
    # keyed on the stock code: 证券代码 (with its 证券简称), no credit code, no 企业编号
    assert "证券代码：600373.SH（乙股份）" in t["乙股份"]
    assert "企业编号" not in t["乙股份"] and "统一社会信用代码" not in t["乙股份"]
    # both codes: both lines, the id is the credit code
    assert "统一社会信用代码：91330502MA00000021" in t["丙股份"] and "证券代码：000001.SZ" in t["丙股份"]
    assert "企业编号" not in t["丙股份"]
    # neither: the analyst's own code / the name-derived id is shown as 企业编号
    assert "企业编号：织里某童装厂" in t["丁厂"]
    assert "统一社会信用代码" not in t["丁厂"] and "证券代码" not in t["丁厂"]


def test_tooltips_show_unknown_size_and_inferred_region():
    data = build_payload(_identity_map())
    nodes = {n["label"]: n for n in data["nodes"] if n["kind"] == "enterprise"}
    assert "企业规模：规模不详" in nodes["乙股份"]["title"]  # missing
    assert "企业规模：规模不详" in nodes["丙股份"]["title"]  # "unknown"
    assert "企业规模：小型" in nodes["甲公司"]["title"]
    assert "所在地区：330502（推断）" in nodes["乙股份"]["title"]
    assert "所在地区：330502" in nodes["甲公司"]["title"] and "推断" not in nodes["甲公司"]["title"]
    assert "所在地区：330502" in nodes["丁厂"]["title"] and "推断" not in nodes["丁厂"]["title"]
    # unknown size: the grey of the legend's 规模不详 entry
    grey = [i["color"] for g in data["legend"] for i in g["items"] if i["label"] == "规模不详"]
    assert grey and nodes["乙股份"]["bg"] == grey[0] and nodes["丙股份"]["bg"] == grey[0]
    assert nodes["甲公司"]["bg"] != grey[0]
    # the search field carries the credit code only where there is one
    assert nodes["甲公司"]["uscc"] == "91330502MA00000012" and "uscc" not in nodes["乙股份"]
    # supply edges join the firms by their node ids (ent:<enterprise id>)
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


def test_show_problems_false_hides_problem_nodes_and_edges():
    data = build_payload(make_chain_map(40, 2, 6), show_problems=False)
    assert all(n.get("hidden") for n in data["nodes"] if n["kind"] == "problem")
    assert all(e.get("hidden") for e in data["edges"] if e["type"] == "HAS_PROBLEM")
    assert data["switches"]["problems"] is False


def test_bad_options_are_refused():
    cm = make_chain_map(5, 1, 1)
    with pytest.raises(ValueError, match="color_by"):
        build_payload(cm, color_by="rainbow")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="size_by"):
        build_payload(cm, size_by="height")  # type: ignore[arg-type]


def test_unwritable_path_raises_output_error(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError):
        write_map_html(make_chain_map(5, 1, 1), tmp_path / "taken")


def test_large_map_writes_summary_and_one_page_per_segment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cm = make_chain_map(2000, 5, 8)
    files = write_map_html(cm, tmp_path / "吴兴 童装.html", max_nodes=1500)
    names = [f.name for f in files]
    assert names[0] == "吴兴 童装.html"
    assert names[1:] == [f"吴兴_童装-0{i}-{s}.html" for i, s in
                         enumerate(["fiber", "fabric", "dyeing", "sewing", "brand"], start=1)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    summary = _payload(files[0].read_text(encoding="utf-8"))
    assert summary["meta"]["summary"] is True and "超过 1,500 家" in summary["meta"]["note"]
    assert [m["file"] for m in summary["segment_maps"]] == names[1:]
    assert sum(n["kind"] == "enterprise" for n in summary["nodes"]) == 5
    for f in files[1:]:
        part = _payload(f.read_text(encoding="utf-8"))
        assert part["parent"] == names[0]
        assert sum(n["kind"] == "enterprise" for n in part["nodes"]) <= 2000
    small = write_map_html(cm, tmp_path / "all.html", max_nodes=5000)
    assert len(small) == 1


def test_segment_file_names_are_safe():
    names = segment_file_names("../../etc/x", ["seg:a/b", "seg:..", "seg:c d#e%f", "seg:印染"])
    for n in names.values():
        assert "/" not in n and "\\" not in n and "#" not in n and "%" not in n and " " not in n
        assert not n.startswith(".")
    assert names["seg:印染"] == "etc_x-04-印染.html"


def test_focus_firm_is_marked():
    cm = make_chain_map(30, 2, 2, focus=True)
    data = build_payload(cm)
    focus = cm.meta["focus"]
    assert data["meta"]["focus"] == focus
    node = next(n for n in data["nodes"] if n["id"] == focus)
    assert node["label"].startswith("◎") and node["bw"] >= 5


def test_missing_optional_columns_still_render():
    nodes = pd.DataFrame({"node_id": ["seg:a", "seg:b", "ent:1", "ent:2"],
                          "kind": ["segment", "segment", "enterprise", "enterprise"],
                          "label": ["面料", "缝制", "甲", "乙"], "segment_id": [None, None, "a", "b"],
                          "segment_order": [1, 2, None, None]})
    edges = pd.DataFrame({"source": ["ent:1"], "target": ["ent:2"], "type": ["SUPPLIES"]})
    page = render_map_html(ChainMap(nodes, edges, {}))
    data = _payload(page)
    assert data["meta"]["title"] == "质量认证强链图谱" and len(data["nodes"]) == 4


def test_render_does_not_touch_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    render_map_html(make_chain_map(10, 1, 1))
    assert set(os.listdir(tmp_path)) == before
