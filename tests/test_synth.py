"""Tests of chaingraph.synth: the synthetic national-scale dataset generator."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chaingraph.ingest.codes import check_uscc, make_uscc
from chaingraph.ingest.regions import load_regions
from chaingraph.model import TABLES
from chaingraph.synth.generate import CHAINS, MARKER, PROBLEMS, _org_bodies, _uscc_matrix, write_synthetic
from chaingraph.synth.output import OMITTED
from chaingraph.validate import validate

N = 2_000
SEED = 3


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synth") / "a"
    return out, write_synthetic(out, N, seed=SEED)


@pytest.fixture(scope="module")
def frames(dataset: tuple[Path, dict[str, int]]) -> dict[str, pd.DataFrame]:
    out, _ = dataset
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(out.glob("*.csv"))}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_files_whatever_the_chunk_size(dataset, tmp_path):
    out, counts = dataset
    again = write_synthetic(tmp_path / "b", N, seed=SEED, chunk_size=300)
    assert again == counts
    assert _files(tmp_path / "b") == _files(out)


def test_another_seed_gives_other_data(dataset, tmp_path):
    out, _ = dataset
    write_synthetic(tmp_path / "c", N, seed=SEED + 1)
    a, b = _files(out), _files(tmp_path / "c")
    assert a["enterprises.csv"] != b["enterprises.csv"]
    assert a["supplies.csv"] != b["supplies.csv"]
    assert a["observations.csv"] != b["observations.csv"]


def test_validates_clean_with_balanced_counts(dataset):
    out, counts = dataset
    r = validate(out)
    assert (r.n_errors, r.n_warnings) == (0, 0), r.issues.head(20).to_string()
    assert r.balanced
    summary = r.summary.set_index("table")
    for table, n in counts.items():
        assert summary.loc[table, "read"] == n, table
        assert summary.loc[table, "accepted"] == n, table
        assert summary.loc[table, "rejected"] == 0 and summary.loc[table, "merged"] == 0, table
    assert counts["enterprises"] == N
    assert summary.loc["operates_in", "derived"] == N  # the segment_id shortcut of every firm


def test_files_use_the_model_headers(dataset, frames):
    out, counts = dataset
    for name, df in frames.items():
        want = tuple(c for c in TABLES[name].columns if c not in OMITTED.get(name, ()))
        assert tuple(df.columns) == want, name
        assert not {f.name for f in TABLES[name].fields if f.required} - set(want), name
        assert (out / f"{name}.csv").read_bytes()[:3] != b"\xef\xbb\xbf"  # UTF-8 without BOM
    assert set(frames) == {t for t, n in counts.items() if n}
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["seed"] == SEED and marker["n_enterprises"] == N and marker["counts"] == counts


def test_national_shape(frames):
    ent, sup, obs = frames["enterprises"], frames["supplies"], frames["observations"]
    assert abs(len(sup) / N - 5) <= 1
    assert abs(len(obs) / N - 10) <= 2
    share = ent["size"].value_counts(normalize=True)
    assert share["micro"] + share["small"] >= 0.85
    assert share["micro"] > share["small"] > share["medium"] > share["large"]
    regions = load_regions().frame
    assert ent["region_code"].isin(regions.index[(regions["level"] == "county") & regions["current"]]).all()
    assert ent["region_code"].str[:2].nunique() >= 15
    assert ent["region_code"].str[:4].nunique() >= 40
    per_county = ent["region_code"].value_counts()
    assert per_county.iloc[0] >= 10 * per_county.median()  # heavy-tailed
    assert 10 <= len(frames["chains"]) <= 20
    per_chain = frames["segments"].groupby("chain_id").size()
    assert per_chain.between(4, 7).all()
    assert len(frames["problems"]) == len(PROBLEMS) == 60


def test_credit_codes_are_valid_unique_and_carry_the_county(frames):
    ent = frames["enterprises"]
    assert (ent["id"] == ent["uscc"]).all()  # every synthetic firm has a credit code: it is the id
    assert ent["uscc"].is_unique
    assert ent["uscc"].str[8:16].is_unique  # organisation bodies
    assert (ent["uscc"].str[2:8] == ent["region_code"]).all()
    assert check_uscc(ent["uscc"])["reason"].isna().all()
    sample = ent["uscc"].iloc[::97]
    assert [make_uscc(u[2:8], u[8:16]) for u in sample] == sample.tolist()


def test_vectorised_codes_match_make_uscc():
    rng = np.random.default_rng(0)
    ids = rng.choice(10**7, size=500, replace=False)
    ma = rng.random(500) < 0.5
    org = _org_bodies(ids, ma, seed=11)
    region = np.frombuffer(b"330502" * 500, dtype=np.uint8).reshape(500, 6)
    codes = [bytes(r).decode() for r in _uscc_matrix(region, org)]
    assert codes == [make_uscc("330502", bytes(o).decode()) for o in org]
    assert len(set(codes)) == 500
    assert all(c[8:10] == "MA" for c, m in zip(codes, ma, strict=True) if m)


def test_supply_edges_look_like_a_chain(frames):
    ent = frames["enterprises"].set_index("id")
    seg = frames["segments"].set_index("id")
    sup = frames["supplies"]
    assert not (sup["supplier_id"] == sup["customer_id"]).any()
    assert not sup.duplicated(["supplier_id", "customer_id", "product"]).any()
    s_seg, c_seg = sup["supplier_id"].map(ent["segment_id"]), sup["customer_id"].map(ent["segment_id"])
    same_chain = (s_seg.map(seg["chain_id"]) == c_seg.map(seg["chain_id"])).to_numpy()
    step = (c_seg.map(seg["order"]).astype(int) - s_seg.map(seg["order"]).astype(int)).to_numpy()
    assert same_chain.mean() >= 0.9
    assert (same_chain & (step > 0)).mean() >= 0.6  # mostly upstream -> downstream
    assert (same_chain & (step < 0)).mean() > 0.01  # some reverse edges: cycles
    s_reg, c_reg = sup["supplier_id"].map(ent["region_code"]), sup["customer_id"].map(ent["region_code"])
    assert (s_reg.str[:2] == c_reg.str[:2]).mean() >= 0.6
    out_deg = sup["supplier_id"].value_counts()
    assert out_deg.iloc[0] >= 8 * out_deg.median()  # a few hubs


def test_observations_and_leaders(frames):
    obs = frames["observations"]
    assert not obs.duplicated(["enterprise_id", "problem_id", "source", "observed_on"]).any()
    prevalence = obs["problem_id"].value_counts(normalize=True)
    assert prevalence.iloc[0] >= 4 * prevalence.iloc[-1]  # heavy-tailed
    ent = frames["enterprises"].set_index("id")
    chain_of = ent["segment_id"].map(frames["segments"].set_index("id")["chain_id"])
    lead = frames["leaders"]
    assert lead["chain_id"].eq(lead["enterprise_id"].map(chain_of)).all()
    county = lead[lead["region_code"].str[4:] != "00"]
    per_group = county.groupby(["region_code", "chain_id"]).size()
    assert per_group.between(1, 3).all()
    groups = pd.DataFrame({"r": ent["region_code"], "c": chain_of}).drop_duplicates()
    assert len(per_group) == len(groups)  # every county x chain with firms has a leader
    for table in ("benchmarks", "measurements", "cert_bodies", "certifications", "assistance"):
        assert len(frames[table]) > 0, table
    assert {c.id for c in CHAINS} == set(frames["chains"]["id"])


def test_rejects_bad_arguments_and_foreign_folders(tmp_path):
    with pytest.raises(ValueError):
        write_synthetic(tmp_path / "x", 0)
    with pytest.raises(ValueError):
        write_synthetic(tmp_path / "x", 10, chunk_size=0)
    with pytest.raises(ValueError):
        write_synthetic(tmp_path / "x", 10, seed=-1)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_synthetic(foreign, 10)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_tiny_dataset_still_validates_and_rewrites_in_place(tmp_path):
    seen: list[tuple[str, int]] = []
    out = tmp_path / "tiny"
    write_synthetic(out, 5, seed=1)
    counts = write_synthetic(out, 7, seed=2, progress=lambda t, n: seen.append((t, n)))
    assert counts["enterprises"] == 7
    assert ("enterprises", 7) in seen
    r = validate(out)
    assert (r.n_errors, r.n_warnings) == (0, 0), r.issues.to_string()


def test_flows_carry_weights_the_skip_flows_lighter(frames):
    flows = frames["segment_flows"].merge(frames["segments"][["id", "order"]], left_on="from_segment", right_on="id")
    flows = flows.merge(frames["segments"][["id", "order"]], left_on="to_segment", right_on="id", suffixes=("", "_to"))
    w = flows["weight"].astype(float)
    skip = flows["order_to"].astype(int) - flows["order"].astype(int) > 1
    assert skip.any() and (~skip).any()
    assert w[skip].between(0.1, 0.4).all() and w[~skip].between(0.5, 1.0).all()
