"""The command line: exit codes, one-line errors, outputs, and every command documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from chaingraph.cli import cli
from chaingraph.graph.store import open_graph
from chaingraph.model import SCHEMA_VERSION

from .conftest import DATASETS, ROOT


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_validate_clean_exits_0():
    r = run("validate", DATASETS / "wuxing-childrenswear", "-q")
    assert r.exit_code == 0, r.output
    assert "OK: 0 errors" in r.output


def test_validate_defects_lists_every_planted_defect(tmp_path):
    report = tmp_path / "report.json"
    r = run("validate", DATASETS / "defects", "--report", report, "--rejects", tmp_path / "rej")
    assert r.exit_code == 1
    expected = pd.read_csv(DATASETS / "defects" / "expected.csv", dtype=str, keep_default_na=False)
    for code in set(expected["code"]):
        assert code in r.output
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert len(doc["issues"]) == len(expected)
    assert (tmp_path / "rej" / "enterprises.rejects.csv").exists()


def test_strict_exit_code(tmp_path, tiny_dir):
    import shutil

    d = shutil.copytree(tiny_dir, tmp_path / "d")
    text = (d / "enterprises.csv").read_text(encoding="utf-8").replace(",100,2015-01-01", ",不详,2015-01-01", 1)
    (d / "enterprises.csv").write_text(text, encoding="utf-8")
    normal = run("validate", d, "-q")
    assert normal.exit_code == 0 and "1 warnings" in normal.output  # 不详: a warning, the row is kept
    strict = run("validate", d, "-q", "--strict")
    # --strict makes it an error: the firm is rejected, and so are the rows that refer to it
    assert strict.exit_code == 1 and "FAILED:" in strict.output and " 0 warnings" in strict.output


def test_user_mistakes_are_one_line_errors():
    p = subprocess.run([sys.executable, "-m", "chaingraph", "validate", "no/such/folder"], capture_output=True,
                       text=True, cwd=ROOT)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().splitlines()[-1].startswith("Error: ")
    p = subprocess.run([sys.executable, "-m", "chaingraph", "problems", str(DATASETS / "wuxing-childrenswear"),
                        "--region", "朝阳区", "--chain", "童装"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 1 and "Traceback" not in p.stderr and "110105" in p.stderr


def test_build_and_info(tmp_path):
    store = tmp_path / "w.cgstore"
    r = run("build", DATASETS / "wuxing-childrenswear", "-o", store)
    assert r.exit_code == 0, r.output
    r = run("info", store)
    assert r.exit_code == 0 and "Enterprise" in r.output and f"schema v{SCHEMA_VERSION}" in r.output
    r = run("problems", store, "--region", "吴兴区", "--chain", "童装")
    assert r.exit_code == 0 and "是否共性问题" in r.output


def test_build_fail_on_errors(tmp_path):
    r = run("build", DATASETS / "defects", "-o", tmp_path / "d.cgstore", "--fail-on-errors")
    assert r.exit_code == 1
    assert not (tmp_path / "d.cgstore").exists()


# ---------------------------------------------------------------------------
# listed-firm lists (no credit code), --infer-region and --allow-partial
# ---------------------------------------------------------------------------

LISTED = ["600373,湖州织里童装股份有限公司,330502", "000001,吴兴印染股份有限公司,吴兴区",
          "300888,湖州缝制科技股份有限公司,330502"]
"""证券代码, 公司名称, 所在地区 of a listed-firm list: no credit codes, regions as codes or names."""


def write_listed(root, firms=tuple(LISTED)):
    """A listed-firm style dataset: firms keyed on stock codes; segments without stage/order, ordered by flows."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "chains.csv": ["id,name", "kids,童装"],
        "segments.csv": ["id,chain_id,name", "fab,kids,面料", "dye,kids,印染", "sew,kids,缝制"],
        "segment_flows.csv": ["from_segment,to_segment", "fab,dye", "dye,sew"],
        "enterprises.csv": ["证券代码,公司名称,所在地区", *firms],
    }
    for name, lines in files.items():
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_build_listed_firms_keyed_on_stock_codes(tmp_path):
    store = tmp_path / "listed.cgstore"
    r = run("build", write_listed(tmp_path / "listed"), "-o", store)
    assert r.exit_code == 0, r.output + r.stderr
    ent = open_graph(store).tables["enterprises"].set_index("id")
    assert sorted(ent.index) == ["000001.SZ", "300888.SZ", "600373.SH"]
    assert set(ent["id_source"]) == {"stock_code"}
    assert ent["uscc"].isna().all()  # never invented
    assert ent.loc["000001.SZ", "region_code"] == "330502"
    r = run("info", store)
    assert r.exit_code == 0 and f"schema v{SCHEMA_VERSION}" in r.output


def test_infer_region_option(tmp_path):
    ds = write_listed(tmp_path / "listed", [*LISTED, "600999,湖州市吴兴区童装销售股份有限公司,"])
    without = run("validate", ds, "-q")
    assert without.exit_code == 1, without.output  # a firm without a region is rejected unless asked to infer
    inferred = run("validate", ds, "-q", "--infer-region")
    assert inferred.exit_code == 0, inferred.output
    store = tmp_path / "inferred.cgstore"
    r = run("build", ds, "-o", store, "--infer-region")
    assert r.exit_code == 0, r.output + r.stderr
    ent = open_graph(store).tables["enterprises"].set_index("id")
    assert ent.loc["600999.SH", "region_code"] == "330502"
    assert ent.loc["600999.SH", "region_source"] == "inferred"
    assert ent.loc["600373.SH", "region_source"] == "given"


def test_build_refuses_a_required_table_with_no_accepted_rows(tmp_path):
    ds = write_listed(tmp_path / "nowhere", ["600373,湖州织里童装股份有限公司,火星", "000001,吴兴印染股份有限公司,火星"])
    store = tmp_path / "nowhere.cgstore"
    r = run("build", ds, "-o", store)
    assert r.exit_code == 1
    refused = [ln for ln in r.stderr.splitlines() if ln.startswith("build refused: ")]
    assert refused and any("enterprises" in ln or "企业" in ln for ln in refused), r.stderr
    assert "Traceback" not in r.stderr
    assert not store.exists()
    r = run("build", ds, "-o", store, "--allow-partial")
    assert r.exit_code == 0, r.output + r.stderr
    assert store.exists() and not any(ln.startswith("build refused: ") for ln in r.stderr.splitlines())


def test_build_refuses_an_unreadable_file(tmp_path):
    ds = write_listed(tmp_path / "broken")
    (ds / "problems.xlsx").write_bytes(b"this is not a workbook")
    store = tmp_path / "broken.cgstore"
    r = run("build", ds, "-o", store)
    assert r.exit_code == 1
    refused = [ln for ln in r.stderr.splitlines() if ln.startswith("build refused: ")]
    assert refused and any("problems.xlsx" in ln for ln in refused), r.stderr
    assert not store.exists()
    r = run("build", ds, "-o", store, "--allow-partial")
    assert r.exit_code == 0, r.output + r.stderr
    assert len(open_graph(store).tables["enterprises"]) == 3


def test_build_of_a_complete_dataset_is_not_refused(tmp_path):
    r = run("build", DATASETS / "wuxing-childrenswear", "-o", tmp_path / "w.cgstore")
    assert r.exit_code == 0 and "build refused" not in r.stderr


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "md"])
@pytest.mark.parametrize("command", ["problems", "composition", "leaders", "weak-links", "gaps"])
def test_query_commands_write_every_format(command, fmt, tmp_path, wuxing_store):
    out = tmp_path / f"out.{fmt}"
    r = run(command, wuxing_store, "--region", "330502", "--chain", "childrenswear", "-o", out)
    assert r.exit_code == 0, r.output
    assert out.exists() and out.stat().st_size > 100


def test_exposure_command(wuxing_store, tmp_path):
    r = run("exposure", wuxing_store, "--region", "吴兴区", "--chain", "童装", "--problem", "CW-P01",
            "-o", tmp_path / "e.csv", "--lang", "en")
    assert r.exit_code == 0, r.output
    df = pd.read_csv(tmp_path / "e.csv", dtype=str)
    assert {"role", "hops", "via"} <= set(df.columns)


def test_problem_workbook_sheets(wuxing_store, tmp_path):
    import openpyxl

    out = tmp_path / "清单.xlsx"
    assert run("problems", wuxing_store, "--region", "吴兴区", "--chain", "童装", "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "全部问题", "质量技术", "质量管理", "质量基础设施", "关键环节难点痛点堵点"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert "Wilson" in summary["共性问题判定规则"] and summary["范围内企业数"] == 142


@pytest.fixture(scope="module")
def wuxing_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("s") / "w.cgstore"
    assert run("build", DATASETS / "wuxing-childrenswear", "-o", store).exit_code == 0
    return store


def test_demo_writes_outputs(tmp_path):
    r = run("demo", "-o", tmp_path / "demo")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "demo" / "validation-report.csv").exists()
    assert (tmp_path / "demo" / "共性质量问题清单.xlsx").exists()
    assert "wrote into" in r.output


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert re.search(rf"chaingraph {re.escape(name)}\b", readme), f"`chaingraph {name}` missing from README"


def test_v2_identity_headers_and_unknown_size():
    from chaingraph.export.labels import COLUMN_ZH, relabel

    df = pd.DataFrame({"enterprise_id": ["600373.SH", "甲厂"], "uscc": [None, None], "stock_code": ["600373.SH", None],
                       "short_name": ["中文传媒", None], "size": ["unknown", "small"], "size_zh": [None, "小型"],
                       "supplier_id": ["a", "b"], "customer_id": ["c", "d"], "region_source": ["inferred", "given"],
                       "id_source": ["stock_code", "name"], "address": [None, "织里镇"]})
    zh = relabel(df, "zh")
    assert list(zh.columns) == ["企业编号", "统一社会信用代码", "证券代码", "证券简称", "规模", "企业规模", "供应方",
                                "采购方", "区域来源", "编号来源", "地址"]
    assert zh["企业规模"].tolist() == ["规模不详", "小型"] and zh["规模"].tolist() == ["unknown", "small"]
    alone = relabel(df[["enterprise_id", "size"]], "zh")  # no label column: the code itself reads 规模不详
    assert alone["规模"].tolist() == ["规模不详", "small"]
    assert relabel(df, "en").equals(df)  # English output keeps codes
    assert df["size_zh"].isna().iloc[0]  # the caller's frame is not changed
    for col in ("leader_id", "related_id", "via_id"):
        assert col in COLUMN_ZH
    labels = list(COLUMN_ZH.values())
    assert len(labels) == len(set(labels)), "two columns would get the same Chinese header"
    assert not any(k.endswith("uscc") and k != "uscc" for k in COLUMN_ZH)
