"""The store: lossless round trip, refusal of other versions, damage and interrupted writes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from chaingraph import queries as q
from chaingraph.errors import OutputError, StoreError
from chaingraph.graph import ChainGraph
from chaingraph.graph.store import MANIFEST, load, read_manifest, save
from chaingraph.model import TABLES

from .conftest import DATASETS, SAMPLES


@pytest.mark.parametrize("name", SAMPLES + ["defects"])
def test_round_trip_is_lossless(name, tmp_path):
    g = ChainGraph.from_dataset(DATASETS / name)
    path = save(g, tmp_path / f"{name}.cgstore")
    g2 = load(path)
    assert set(g2.tables) == set(TABLES)
    for t in TABLES:
        pd.testing.assert_frame_equal(g.tables[t], g2.tables[t], obj=t)
    assert g2.meta["data_date"] == g.meta["data_date"]
    m = read_manifest(path)
    assert {t: e["rows"] for t, e in m["tables"].items()} == {t: len(df) for t, df in g.tables.items()}


def test_queries_equal_after_reload(wuxing, tmp_path):
    g2 = load(save(wuxing, tmp_path / "w.cgstore"))
    a = q.common_problems(wuxing, "吴兴区", "童装")
    b = q.common_problems(g2, "吴兴区", "童装")
    pd.testing.assert_frame_equal(a, b)


def test_other_schema_version_refused(tiny, tmp_path):
    path = save(tiny, tmp_path / "s.cgstore")
    m = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    m["schema_version"] = 999
    (path / MANIFEST).write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(StoreError, match="schema version 999"):
        load(path)


def test_schema_1_store_refused_with_how_to_rebuild(tiny, tmp_path):
    path = save(tiny, tmp_path / "old.cgstore")
    m = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    m["schema_version"] = 1  # enterprises keyed on the credit code
    (path / MANIFEST).write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(StoreError) as info:
        load(path)
    assert str(info.value) == (f"store {path} was written by chaingraph schema 1; "
                               f"rebuild it: chaingraph build <dataset> -o {path}")


def test_damaged_table_refused(tiny, tmp_path):
    path = save(tiny, tmp_path / "s.cgstore")
    f = path / "observations.parquet"
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF
    f.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="checksum"):
        load(path)


def test_missing_manifest_is_not_a_store(tiny, tmp_path):
    path = save(tiny, tmp_path / "s.cgstore")
    (path / MANIFEST).unlink()
    with pytest.raises(StoreError, match="interrupted"):
        load(path)


def test_save_does_not_clobber_a_non_store(tiny, tmp_path):
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "thesis.docx").write_text("x")
    with pytest.raises(OutputError):
        save(tiny, tmp_path / "precious")
    assert (tmp_path / "precious" / "thesis.docx").exists()


def test_failed_write_leaves_previous_store_and_no_temp(tiny, tmp_path, monkeypatch):
    path = save(tiny, tmp_path / "s.cgstore")
    import pyarrow.parquet as pq

    calls = {"n": 0}
    real = pq.write_table

    def flaky(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(*a, **kw)

    monkeypatch.setattr(pq, "write_table", flaky)
    with pytest.raises(OutputError, match="No space left"):
        save(tiny, path)
    monkeypatch.undo()
    assert len(load(path).tables["enterprises"]) == len(tiny.tables["enterprises"])
    assert [p.name for p in tmp_path.iterdir()] == ["s.cgstore"]
