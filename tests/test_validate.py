"""Ingestion and validation: every planted defect, encodings, count balance, verbatim rejects."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from chaingraph.errors import DatasetError
from chaingraph.ingest.readers import read_dataset
from chaingraph.model import LOAD_ORDER, TABLES
from chaingraph.reasons import REASONS
from chaingraph.validate import ISSUE_COLUMNS, validate

from .conftest import DATASETS, SAMPLES, uscc, write_tiny


def _key(df: pd.DataFrame) -> set[tuple[str, str, str, str]]:
    row = df["row"].astype("string").fillna("")
    return set(zip(df["file"].fillna(""), row, df["column"].fillna(""), df["code"], strict=True))


def test_defects_every_planted_issue_exactly():
    result = validate(DATASETS / "defects")
    expected = pd.read_csv(DATASETS / "defects" / "expected.csv", dtype=str, keep_default_na=False)
    assert _key(result.issues) == set(zip(expected["file"], expected["row"], expected["column"], expected["code"],
                                          strict=True))
    assert not result.ok and result.balanced
    assert list(result.issues.columns) == ISSUE_COLUMNS


def test_defects_cover_every_reason_code():
    codes = set(validate(DATASETS / "defects").issues["code"]) | set(
        validate(DATASETS / "defects-missing-table").issues["code"]) | set(
        validate(DATASETS / "defects-identity", infer_region=True).issues["code"])
    assert codes == set(REASONS)


def test_defects_identity_every_planted_issue_exactly():
    result = validate(DATASETS / "defects-identity", infer_region=True)
    expected = pd.read_csv(DATASETS / "defects-identity" / "expected.csv", dtype=str, keep_default_na=False)
    assert _key(result.issues) == set(zip(expected["file"], expected["row"], expected["column"], expected["code"],
                                          strict=True))
    assert result.balanced


def test_missing_table_dataset():
    r = validate(DATASETS / "defects-missing-table")
    assert set(r.issues.loc[r.issues["code"] == "missing_table", "table"]) == {"enterprises"}


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_validate_clean_and_balanced(name):
    r = validate(DATASETS / name)
    assert r.ok and r.n_warnings == 0, r.issues.head()
    assert r.balanced
    s = r.summary.set_index("table")
    assert (s["read"] == s["accepted"] + s["rejected"] + s["merged"]).all()
    assert s.loc["enterprises", "accepted"] >= 40


def test_count_balance_on_defects_is_checked_per_row():
    r = validate(DATASETS / "defects")
    s = r.summary.set_index("table")
    assert (s["read"] == s["accepted"] + s["rejected"] + s["merged"]).all()
    for t, df in r.rejects.items():
        assert len(df) == s.loc[t, "rejected"], t
        assert len(r.tables[t]) == s.loc[t, "accepted"] + s.loc[t, "derived"], t


def test_rejects_are_verbatim_with_all_reasons():
    r = validate(DATASETS / "defects")
    rej = r.rejects["enterprises"]
    raw = pd.read_csv(DATASETS / "defects" / "enterprises.csv", dtype=str, keep_default_na=False)
    for _, row in rej.iterrows():
        src = raw.iloc[int(row["__row__"]) - 2]
        for col in raw.columns:
            cell = row[col]
            assert (src[col] == "" and (pd.isna(cell) or cell == "")) or cell == src[col]
        codes = set(r.issues.loc[(r.issues["table"] == "enterprises") & (r.issues["row"] == row["__row__"]), "code"])
        for code in codes:
            assert code in row["__reasons__"]


def test_strict_turns_warnings_into_rejections(tiny_dir, tmp_path):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    text = (d / "enterprises.csv").read_text(encoding="utf-8").replace(",100,2015-01-01", ",不详,2015-01-01", 1)
    (d / "enterprises.csv").write_text(text, encoding="utf-8")
    normal = validate(d)
    assert normal.ok and normal.n_warnings == 1
    strict = validate(d, strict=True)
    assert not strict.ok
    assert strict.summary.set_index("table").loc["enterprises", "rejected"] == 1


def test_never_silently_nan(tiny_dir, tmp_path):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    text = (d / "enterprises.csv").read_text(encoding="utf-8").replace(",100,2015-01-01", ",一百万,2015-01-01", 1)
    (d / "enterprises.csv").write_text(text, encoding="utf-8")
    r = validate(d)
    bad = r.issues[r.issues["code"] == "number_invalid"]
    assert len(bad) == 1 and bad["row"].iloc[0] == 2 and bad["column"].iloc[0] == "revenue"
    assert uscc(1) not in set(r.tables["enterprises"]["uscc"])


def test_gb18030_with_non_gbk_character_read_right():
    ds = read_dataset(DATASETS / "anping-wiremesh")
    part = ds.parts["enterprises"][0]
    assert part.encoding == "gb18030"
    names = " ".join(part.frame.iloc[:, 1].astype(str))
    assert "𠮷" in names
    with pytest.raises(UnicodeEncodeError):
        "𠮷".encode("gbk")


def test_utf8_never_read_as_gb18030(tmp_path, tiny_dir):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    # UTF-8 Chinese text decodes as GB18030 without error (mojibake); the reader must pick UTF-8
    content = (d / "chains.csv").read_text(encoding="utf-8")
    content.encode("utf-8").decode("gb18030")  # proves the trap is real
    ds = read_dataset(d)
    assert ds.parts["chains"][0].encoding == "utf-8"
    assert "童装" in set(validate(ds).tables["chains"]["name"])


def test_utf8_bom_and_chinese_headers(tmp_path, tiny_dir):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    df = pd.read_csv(d / "chains.csv", dtype=str)
    df.columns = ["产业链编号", "产业链名称", "行业代码"]
    (d / "chains.csv").unlink()
    df.to_csv(d / "产业链.csv", index=False, encoding="utf-8-sig")
    r = validate(d)
    assert r.ok
    assert [s["encoding"] for s in r.sources if s["table"] == "chains"] == ["utf-8-sig"]


def test_quoted_newlines_and_blank_lines_keep_spreadsheet_rows(tmp_path, tiny_dir):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    (d / "problems.csv").write_text(
        "id,name,category,kind\n"
        "P1,\"色牢度\n不达标\",technology,pain\n"
        "\n"
        "P2,体系缺失,management,blockage\n"
        "P3,检测能力不足,infrastructure,难题\n"
        "P4,镀锌层不均,technology,pain\n", encoding="utf-8")
    r = validate(d)
    bad = r.issues[r.issues["code"] == "enum_invalid"]
    assert bad["row"].tolist() == [5]  # header 1, P1 2 (two physical lines), blank 3, P2 4, P3 5
    assert r.summary.set_index("table").loc["problems", "read"] == 4


def test_wrong_cell_count_is_reported_once(tmp_path, tiny_dir):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    with open(d / "cert_bodies.csv", "a", encoding="utf-8") as fh:
        fh.write("CB2,机构二,多余\n")
    r = validate(d)
    issues = r.issues[r.issues["table"] == "cert_bodies"]
    assert issues["code"].tolist() == ["row_malformed"] and issues["row"].tolist() == [3]


def test_xlsx_edition_equals_csv_edition():
    a = validate(DATASETS / "shangyu-umbrella")
    b = validate(DATASETS / "shangyu-umbrella-xlsx")
    for name in LOAD_ORDER:
        left = a.tables[name].sort_values(list(TABLES[name].key)).reset_index(drop=True)
        right = b.tables[name].sort_values(list(TABLES[name].key)).reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=name)


def test_datapackage_descriptor_with_own_names_and_columns(tmp_path, tiny_dir):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    (d / "chains.csv").rename(d / "链.csv")
    df = pd.read_csv(d / "链.csv", dtype=str)
    df.columns = ["code", "title", "gb4754"]
    df.to_csv(d / "链.csv", index=False)
    resources = [{"name": t.stem, "path": t.name} for t in d.glob("*.csv") if t.name != "链.csv"]
    resources.append({"name": "chains", "path": "链.csv",
                      "columns": {"code": "id", "title": "name", "gb4754": "industry_code"}})
    (d / "datapackage.json").write_text(json.dumps({"name": "tiny-pkg", "resources": resources}), encoding="utf-8")
    r = validate(d)
    assert r.ok and r.dataset == "tiny-pkg"
    assert set(r.tables["chains"]["id"]) == {"kids", "mesh"}


def test_descriptor_path_cannot_escape(tmp_path, tiny_dir):
    d = shutil.copytree(tiny_dir, tmp_path / "d")
    (d / "datapackage.json").write_text(json.dumps({"resources": [{"name": "chains", "path": "../x.csv"}]}))
    with pytest.raises(DatasetError, match="inside the dataset"):
        validate(d)


def test_unreadable_paths_raise_project_errors(tmp_path):
    with pytest.raises(DatasetError):
        validate(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError):
        validate(tmp_path / "empty")


def test_write_tiny_is_valid(tmp_path):
    r = validate(write_tiny(tmp_path / "t"))
    assert r.ok and r.n_warnings == 0
    assert r.summary.set_index("table").loc["operates_in", "derived"] == 10


def test_streamed_validation_equals_in_memory(monkeypatch):
    """Large CSVs are validated chunk by chunk; the outcome must not depend on it."""
    import chaingraph.ingest.readers.csv as cio

    whole = validate(DATASETS / "defects")
    monkeypatch.setattr(cio, "STREAM_BYTES", 0)  # stream every CSV that can be streamed
    monkeypatch.setattr(cio, "STREAM_BLOCK", 1 << 10)  # in chunks of about 1 KiB
    streamed = validate(DATASETS / "defects")
    assert any(s["streamed"] for s in streamed.sources)
    assert _key(streamed.issues) == _key(whole.issues)
    pd.testing.assert_frame_equal(streamed.summary, whole.summary)
    for t in whole.rejects:
        pd.testing.assert_frame_equal(streamed.rejects[t].reset_index(drop=True),
                                      whole.rejects[t].reset_index(drop=True), obj=t)
    for t in whole.tables:
        pd.testing.assert_frame_equal(streamed.tables[t], whole.tables[t], obj=t)


def test_streamed_sample_in_many_chunks(monkeypatch):
    import chaingraph.ingest.readers.csv as cio

    whole = validate(DATASETS / "wuxing-childrenswear")
    monkeypatch.setattr(cio, "STREAM_BYTES", 0)
    monkeypatch.setattr(cio, "STREAM_BLOCK", 2 << 10)
    streamed = validate(DATASETS / "wuxing-childrenswear")
    assert streamed.ok and streamed.balanced
    for t in whole.tables:
        pd.testing.assert_frame_equal(streamed.tables[t], whole.tables[t], obj=t)
