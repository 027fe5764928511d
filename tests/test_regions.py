"""Tests of chaingraph.ingest.regions and the shipped GB/T 2260 table (and the script that builds it)."""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chaingraph.errors import ScopeError
from chaingraph.ingest.regions import RegionTable, load_regions
from chaingraph.reasons import REASONS

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "chaingraph" / "data"


@pytest.fixture(scope="module")
def regions() -> RegionTable:
    return load_regions()


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_gbt2260", REPO / "scripts" / "build_gbt2260.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


# ---------------------------------------------------------------- the shipped files

def read_csv_rows() -> dict[str, dict[str, str]]:
    with (DATA / "gbt2260.csv").open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


def test_csv_columns_and_known_rows() -> None:
    rows = read_csv_rows()
    first = next(iter(rows.values()))
    assert list(first)[:6] == ["code", "name", "level", "parent", "valid_from", "valid_to"]
    assert {"names", "full_name"} <= set(first)
    wx = rows["330502"]
    assert (wx["name"], wx["level"], wx["parent"], wx["valid_to"]) == ("吴兴区", "county", "330500", "")
    assert wx["names"] == "1983-1987:城区|2003-:吴兴区"
    assert wx["name_from"] == "2003"
    assert wx["full_name"] == "浙江省湖州市吴兴区"
    assert (rows["330604"]["name"], rows["330604"]["valid_from"], rows["330604"]["valid_to"]) == ("上虞区", "2013", "")
    assert (rows["131125"]["name"], rows["131125"]["valid_from"]) == ("安平县", "1996")
    assert (rows["330500"]["name"], rows["330500"]["level"], rows["330500"]["parent"]) == ("湖州市", "city", "330000")
    assert (rows["330000"]["name"], rows["330000"]["level"], rows["330000"]["parent"]) == ("浙江省", "province", "")
    # 上虞市 (county-level city) was replaced by 上虞区 in 2013.
    assert (rows["330682"]["name"], rows["330682"]["valid_to"]) == ("上虞市", "2013")
    # Placeholders are left out of the joined name.
    assert rows["110105"]["full_name"] == "北京市朝阳区"
    assert rows["110105"]["parent"] == "110100"


def test_csv_is_consistent() -> None:
    rows = read_csv_rows()
    for code, row in rows.items():
        assert len(code) == 6 and code.isdigit()
        if code.endswith("0000"):
            assert row["level"] == "province" and row["parent"] == ""
        elif code.endswith("00"):
            assert row["level"] == "city" and row["parent"] == code[:2] + "0000"
        else:
            assert row["level"] == "county"
            assert row["parent"] in (code[:4] + "00", code[:2] + "0000")
            assert row["parent"] == (code[:4] + "00" if code[:4] + "00" in rows else code[:2] + "0000")
        assert row["parent"] == "" or row["parent"] in rows
        assert row["names"].split("|")[-1].rpartition(":")[2] == row["name"]
    provinces = {c for c, r in rows.items() if r["level"] == "province"}
    assert {"110000", "330000", "650000", "810000", "820000", "710000"} <= provinces
    assert {c[:2] for c in rows} == {p[:2] for p in provinces}


def test_json_records_the_source() -> None:
    meta = json.loads((DATA / "gbt2260.json").read_text(encoding="utf-8"))
    assert meta["source"]["package"] == "python-stdnum"
    assert meta["source"]["version"] == importlib.metadata.version("python-stdnum")
    assert meta["source"]["file"] == "stdnum/cn/loc.dat"
    assert any("wikipedia.org" in line for line in meta["source"]["attribution"])
    assert len(meta["built"]) == 10 and meta["built"][4] == "-"
    assert meta["rows"] == len(read_csv_rows())


# ---------------------------------------------------------------- the build script

def test_build_script_parses_a_small_loc_dat(tmp_path: Path) -> None:
    build = load_build_script()
    src = tmp_path / "loc.dat"
    src.write_text(
        "# Downloaded from\n# https://example.org/list\n"
        '33 province="浙江省"\n'
        '  0000 county="浙江省"\n'
        '  0500 county="[1983-]湖州市"\n'
        '  0501 county="[1983-]市辖区"\n'
        '  0502 county="[1983-1987]城区,[2003-]吴兴区"\n'
        '  0511 county="[1983-1988]郊区"\n'
        '  9001 county="[-1990]某县"\n'
        '34 province="安徽省"\n',  # no 0000 line: the province row comes from the province line
        encoding="utf-8",
    )
    header, codes, provinces = build.parse_loc_dat(src)
    assert header == ["Downloaded from", "https://example.org/list"]
    assert provinces == {"33": "浙江省", "34": "安徽省"}
    rows = {r["code"]: r for r in build.build_rows(codes, provinces)}
    assert set(rows) == {"330000", "330500", "330501", "330502", "330511", "339001", "340000"}
    assert rows["330502"] == {
        "code": "330502", "name": "吴兴区", "level": "county", "parent": "330500", "valid_from": "1983",
        "valid_to": "", "name_from": "2003", "names": "1983-1987:城区|2003-:吴兴区", "full_name": "浙江省湖州市吴兴区",
    }
    assert (rows["330511"]["valid_to"], rows["330511"]["valid_from"]) == ("1988", "1983")
    assert (rows["339001"]["parent"], rows["339001"]["valid_from"], rows["339001"]["valid_to"]) == ("330000", "", "1990")
    assert rows["339001"]["full_name"] == "浙江省某县"
    assert rows["330501"]["full_name"] == "浙江省湖州市"
    assert (rows["340000"]["name"], rows["340000"]["level"]) == ("安徽省", "province")


def test_build_script_rejects_garbage(tmp_path: Path) -> None:
    build = load_build_script()
    src = tmp_path / "loc.dat"
    src.write_text('33 province="浙江省"\nnot a line\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unexpected line"):
        build.parse_loc_dat(src)


# ---------------------------------------------------------------- single-code API

def test_frame_and_lookups(regions: RegionTable) -> None:
    f = regions.frame
    assert f.loc["330502", "name"] == "吴兴区"
    assert f.loc["330502", "name_from"] == 2003
    assert f.loc["330604", "valid_from"] == 2013
    assert pd.isna(f.loc["330604", "valid_to"])
    assert f.loc["330682", "valid_to"] == 2013
    assert regions.name("330604") == "上虞区"
    assert regions.full_name("131125") == "河北省衡水市安平县"
    assert regions.level("330000") == "province"
    assert regions.level("330500") == "city"
    assert regions.level("330502") == "county"


def test_hierarchy(regions: RegionTable) -> None:
    assert regions.parent("330502") == "330500"
    assert regions.parent("330500") == "330000"
    assert regions.parent("330000") is None
    assert regions.ancestors("330502") == ["330500", "330000"]
    assert regions.ancestors("110105") == ["110100", "110000"]
    assert regions.ancestors("330000") == []
    assert regions.descendants("330500", current_only=True) == [
        "330501", "330502", "330503", "330521", "330522", "330523"]
    assert "330511" in regions.descendants("330500")  # 郊区, retired 1988
    assert regions.descendants("330502") == []
    province = regions.descendants("330000")
    assert "330500" in province and "330502" in province and "330000" not in province
    assert all(c.startswith("33") for c in province)


@pytest.mark.parametrize("bad", ["999999", "330599", "3305", "", None])
def test_unknown_codes_raise_scope_error(regions: RegionTable, bad) -> None:
    for method in (regions.level, regions.parent, regions.ancestors, regions.name, regions.full_name,
                   regions.descendants):
        with pytest.raises(ScopeError):
            method(bad)


# ---------------------------------------------------------------- vectorised API

def test_exists_and_is_current(regions: RegionTable) -> None:
    codes = pd.Series(["330502", "330682", "999999", None, "吴兴区", "330502.0"])
    assert regions.exists(codes).tolist() == [True, True, False, False, False, False]
    assert regions.is_current(codes).tolist() == [True, False, False, False, False, False]
    assert regions.exists(pd.Series([330502, 110105])).tolist() == [True, True]
    assert isinstance(regions.exists(codes), np.ndarray)


def test_covers(regions: RegionTable) -> None:
    codes = pd.Series(["330000", "330500", "330502", "330604", "340000", "340102", "333333", None])
    assert regions.covers("330000", codes).tolist() == [True, True, True, True, False, False, True, False]
    assert regions.covers("330500", codes).tolist() == [False, True, True, False, False, False, False, False]
    assert regions.covers("330502", codes).tolist() == [False, False, True, False, False, False, False, False]
    with pytest.raises(ScopeError):
        regions.covers("339999", codes)


# ---------------------------------------------------------------- names

@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("330502", "330502"),
        (" 330502 ", "330502"),
        ("330682", "330682"),  # retired codes still resolve
        ("吴兴区", "330502"),
        ("湖州市吴兴区", "330502"),
        ("浙江省湖州市吴兴区", "330502"),
        ("浙江省吴兴区", "330502"),
        ("吴兴", "330502"),
        ("湖州市", "330500"),
        ("湖州", "330500"),
        ("浙江省", "330000"),
        ("浙江", "330000"),
        ("北京市朝阳区", "110105"),
        ("长春市朝阳区", "220104"),
        ("湖州吴兴", "330502"),
        ("湖州市吴兴", "330502"),
        ("北京朝阳", "110105"),
        ("恩施州", "422800"),  # colloquial form of 恩施土家族苗族自治州
        ("新疆", "650000"),  # ethnic group dropped from 新疆维吾尔自治区
        ("广西", "450000"),
        ("上虞区", "330604"),
        # 上虞 matches current 上虞区 and retired 上虞市 / 上虞县: the current code wins.
        ("上虞", "330604"),
        # 江北区 (重庆) was retired in 2025; 宁波's 江北区 is current and wins.
        ("江北区", "330205"),
        # Only retired codes carry this name.
        ("上虞市", "330682"),
        # Former name of a current code (襄樊市 became 襄阳市 in 2010).
        ("襄樊市", "420600"),
    ],
)
def test_resolve(regions: RegionTable, text: str, code: str) -> None:
    assert regions.resolve(text) == code


def test_resolve_ambiguous_lists_candidates(regions: RegionTable) -> None:
    with pytest.raises(ScopeError) as info:
        regions.resolve("朝阳区")
    message = str(info.value)
    assert "110105 北京市朝阳区" in message
    assert "220104 吉林省长春市朝阳区" in message


@pytest.mark.parametrize("text", ["999999", "火星市", "吴", "330502.0", ""])
def test_resolve_unknown(regions: RegionTable, text: str) -> None:
    with pytest.raises(ScopeError):
        regions.resolve(text)


def test_resolve_series(regions: RegionTable) -> None:
    values = pd.Series(
        ["330502", " 330502", "330682", "吴兴区", "湖州市吴兴区", "330502.0", "3.30502E+05", 330502.0,
         "999999", "朝阳区", "火星市", None, "", "330502.5", "3305"],
        index=range(100, 115),
    )
    r = regions.resolve_series(values)
    assert list(r.columns) == ["code", "reason", "message"]
    assert r.index.tolist() == list(range(100, 115))
    assert r["code"].tolist() == [
        "330502", "330502", "330682", "330502", "330502", pd.NA, pd.NA, pd.NA,
        pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA]
    assert r["reason"].tolist() == [
        None, None, "region_retired", "region_by_name", "region_by_name", "region_mangled", "region_mangled",
        "region_mangled", "region_unknown", "region_ambiguous", "region_unknown", None, None, "region_unknown",
        "region_unknown"]
    assert "110105 北京市朝阳区" in r.loc[109, "message"] and "220104" in r.loc[109, "message"]
    assert "330502" in r.loc[105, "message"]
    assert r.loc[100, "message"] is None
    for reason in r["reason"].dropna():
        assert reason in REASONS


def test_resolve_series_one_million_rows(regions: RegionTable) -> None:
    rng = np.random.default_rng(3)
    pool = ["330502", "330604", "131125", "吴兴区", "330502.0", "朝阳区", "330682", "999999"]
    values = pd.Series(rng.choice(pool, 1_000_000))
    r = regions.resolve_series(values)  # its speed is measured in bench/, not asserted here
    expected = {"330502": None, "330604": None, "131125": None, "吴兴区": "region_by_name",
                "330502.0": "region_mangled", "朝阳区": "region_ambiguous", "330682": "region_retired",
                "999999": "region_unknown"}
    sample = r.iloc[:1000]
    assert sample["reason"].tolist() == [expected[v] for v in values.iloc[:1000]]
