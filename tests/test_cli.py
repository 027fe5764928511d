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
    assert r.exit_code == 0 and "Enterprise" in r.output and "schema v1" in r.output
    r = run("problems", store, "--region", "吴兴区", "--chain", "童装")
    assert r.exit_code == 0 and "是否共性问题" in r.output


def test_build_fail_on_errors(tmp_path):
    r = run("build", DATASETS / "defects", "-o", tmp_path / "d.cgstore", "--fail-on-errors")
    assert r.exit_code == 1
    assert not (tmp_path / "d.cgstore").exists()


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
