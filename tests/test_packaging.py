"""The wheel holds every module, the Cypher files, the region table and the samples.

An editable install (what development uses) hides a package missing from
pyproject.toml; this builds the real wheel and looks inside.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {p.stderr.strip().splitlines()[-1:]}")
    (whl,) = out.glob("chaingraph-*.whl")
    return set(zipfile.ZipFile(whl).namelist())


def test_every_module_is_in_the_wheel(wheel_names):
    for py in (ROOT / "chaingraph").rglob("*.py"):
        rel = py.relative_to(ROOT).as_posix()
        assert rel in wheel_names, rel


def test_cypher_files_are_in_the_wheel(wheel_names):
    for f in (ROOT / "cypher").rglob("*.cypher"):
        assert "chaingraph/cypher/" + f.relative_to(ROOT / "cypher").as_posix() in wheel_names, f


def test_data_and_samples_are_in_the_wheel(wheel_names):
    assert "chaingraph/data/gbt2260.csv" in wheel_names
    assert "chaingraph/data/map_template.html" in wheel_names
    for name in ("wuxing-childrenswear", "anping-wiremesh", "shangyu-umbrella"):
        assert f"chaingraph/samples/{name}/enterprises.csv" in wheel_names
    assert "chaingraph/samples/shangyu-umbrella-xlsx/伞业数据.xlsx" in wheel_names
