"""The fast paths of validation, graph building and store loading give the exact paths' results.

Each fast path (packed-key sorts, Arrow takes and hashing, foreign-key positions handed from
validation to the graph, UTF-8 checks in Arrow, streaming checked while reading) is compared with
the straightforward computation it replaces, on random inputs and on whole datasets.
"""

from __future__ import annotations

import codecs
import importlib
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from chaingraph.graph import ChainGraph, store
from chaingraph.synth import write_synthetic

from .conftest import DATASETS, SAMPLES

G = importlib.import_module("chaingraph.graph.core")
GP = importlib.import_module("chaingraph.graph.positions")  # where the build's fast paths are read
V = importlib.import_module("chaingraph.validate.core")
VT = importlib.import_module("chaingraph.validate.table")  # where factorize, _duplicated_key are read
IO = importlib.import_module("chaingraph.ingest.readers")
IO_CSV = importlib.import_module("chaingraph.ingest.readers.csv")  # where STREAM_BLOCK, STREAM_BYTES are read
IO_ENC = importlib.import_module("chaingraph.ingest.readers.encoding")  # where _CHUNK is read
S = importlib.import_module("chaingraph.graph.store")

NAT = np.iinfo(np.int64).min


# ---------------------------------------------------------------------------
# Building blocks against their plain equivalents
# ---------------------------------------------------------------------------

def _random_keys(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    keys = []
    for _ in range(int(rng.integers(1, 5))):
        kind = int(rng.integers(0, 5))
        if kind == 0:  # positions, -1 for none
            keys.append(rng.integers(-1, 4, n).astype(np.int32))
        elif kind == 1:  # dates in seconds at midnight, some NaT
            d = (rng.integers(0, 5, n) * 86_400 * 7 + 10**9).astype(np.int64)
            d[rng.random(n) < 0.2] = NAT
            keys.append(d)
        elif kind == 2:  # wide codes
            keys.append(rng.integers(-1, 2**40, n).astype(np.int64))
        elif kind == 3:  # all NaT
            keys.append(np.full(n, NAT, dtype=np.int64))
        else:  # too wide for any packed word: lexsort
            keys.append(rng.integers(-(2**62), 2**62, n).astype(np.int64))
    return keys


@pytest.mark.parametrize("seed", range(6))
def test_sort_order_is_the_stable_lexsort(seed):
    rng = np.random.default_rng(seed)
    for _ in range(300):
        n = int(rng.integers(2, 80))
        keys = _random_keys(rng, n)
        want = np.lexsort(keys[::-1])
        got = G.sort_order(keys)
        assert np.array_equal(np.arange(n) if got is None else got, want)


def test_sort_order_over_several_words_and_already_sorted():
    rng = np.random.default_rng(1)
    n = 300_000  # three keys of a million values and ties: two packed words
    keys = [rng.integers(-1, 10**6, n).astype(np.int32), rng.integers(-1, 10**6, n).astype(np.int32),
            rng.integers(-1, 3, n)]
    assert np.array_equal(G.sort_order(keys), np.lexsort(keys[::-1]))
    assert G.sort_order([np.arange(n), np.zeros(n, dtype=np.int64)]) is None


def test_ranks_keep_the_order_and_shrink_dates():
    days = pd.to_datetime(["2024-01-03", None, "2023-12-31", "2024-01-01"]).to_numpy(dtype="datetime64[s]")
    ranks, size = G._ranks(days.astype(np.int64))
    assert ranks.tolist() == [4, 0, 1, 2] and size == 5  # NaT first, days apart by one


def test_sort_codes_of_arrow_text_are_pandas_sorted_codes():
    values = pd.Series(["b", None, "", "Z", "é", "a", "b", "中", "aa", "A", None, "ß"], dtype="str")
    want, _ = pd.factorize(values.astype(object), sort=True, use_na_sentinel=True)
    assert G._sort_codes(values).tolist() == want.tolist()
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(
        [pa.array(["q", None], pa.large_string()), pa.array(["a", "q"], pa.large_string())])), dtype="str")
    assert G._sort_codes(chunked).tolist() == [1, -1, 0, 1]


def _mixed_frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    df = pd.DataFrame({
        "s": pd.Series(rng.choice(["a", "bb", "中文", ""], n), dtype="str"),
        "i": pd.Series(rng.integers(0, 9, n), dtype="Int64"),
        "f": rng.random(n),
        "b": pd.Series(rng.random(n) < 0.5, dtype="boolean"),
        "d": pd.Series(rng.integers(0, 10**9, n).astype("datetime64[s]")),
        "p": rng.integers(0, 5, n).astype(np.int32),
    })
    holes = rng.random(n) < 0.1
    for c in ("s", "i", "b", "d"):
        df.loc[holes, c] = None
    return df


@pytest.mark.parametrize("n", [7, 150_000])  # inline, and on threads
def test_take_rows_equals_iloc(n):
    rng = np.random.default_rng(n)
    df = _mixed_frame(n, rng)
    order = rng.permutation(n)
    pd.testing.assert_frame_equal(G.take_rows(df, order), df.iloc[order].reset_index(drop=True), check_exact=True)


def test_region_numbers_are_to_numeric():
    codes = pd.Series(["330502", "110101", "000001"], dtype="str")
    assert G._region_numbers(codes).tolist() == pd.to_numeric(codes).to_numpy(dtype=np.int32).tolist()
    assert G._region_numbers(codes).dtype == np.int32


def test_factorize_groups_rows_like_pandas():
    rng = np.random.default_rng(3)
    values = pd.Series(rng.choice(["x", "y", "长", ""], 500), dtype="str")
    values[rng.random(500) < 0.2] = None
    codes, uniques = V.factorize(values)
    want, _ = pd.factorize(values, use_na_sentinel=True)
    assert np.array_equal(codes < 0, want < 0)
    # the same partition of the rows (numbering may differ)
    pairs = set(zip(codes.tolist(), want.tolist(), strict=True))
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})
    assert [uniques[int(c)].as_py() for c in codes[codes >= 0]] == values[codes >= 0].tolist()


@pytest.mark.parametrize("seed", range(4))
def test_duplicated_key_equals_pandas(seed):
    rng = np.random.default_rng(seed)
    n = 2_000
    df = pd.DataFrame({
        "a": pd.Series(rng.choice(["p", "q", "r"], n), dtype="str"),
        "b": pd.Series(rng.integers(0, 30, n).astype("datetime64[D]").astype("datetime64[s]")),
        "c": pd.Series(rng.choice(["u", "v"], n), dtype="str"),
    })
    for c in df.columns:
        df.loc[rng.random(n) < 0.05, c] = None
    cols = [V.factorize(df[c]) for c in df.columns]
    got = V._duplicated_key([(codes, len(uniques)) for codes, uniques in cols])
    assert np.array_equal(got, df.duplicated(keep=False).to_numpy())


# ---------------------------------------------------------------------------
# Reading: UTF-8 check in Arrow, streaming checked while reading
# ---------------------------------------------------------------------------

def _python_verdict(data: bytes) -> str | None:
    """The encoding the old detector chose (Python's incremental decoders), or None."""
    cands = ("utf-8-sig",) if data[:3] == codecs.BOM_UTF8 else ("utf-8", "gb18030")
    for enc in cands:
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return None


@pytest.mark.parametrize("seed", range(3))
def test_encoding_detection_and_line_count(seed, tmp_path, monkeypatch):
    monkeypatch.setattr(IO_ENC, "_CHUNK", 7)  # characters cut at every possible place
    rng = np.random.default_rng(seed)
    pieces = ["a,b\r\n", "中文,é\n", "😀", "\n\n", "x", ",", "\ufeff"]
    for i in range(150):
        text = "".join(rng.choice(pieces, int(rng.integers(0, 12))))
        data = text.encode("utf-8")
        if i % 3 == 1 and data:  # damage a byte
            k = int(rng.integers(0, len(data)))
            data = data[:k] + bytes([int(rng.integers(128, 256))]) + data[k + 1:]
        elif i % 3 == 2:
            data = codecs.BOM_UTF8 + data
        f = tmp_path / f"f{i}.csv"
        f.write_bytes(data)
        want = _python_verdict(data)
        if want is None:
            with pytest.raises(Exception, match="not UTF-8"):
                IO.detect_encoding(f)
            continue
        enc, lines = IO._detect_encoding(f)
        assert enc == want
        assert lines == (IO._count_lines(f) if enc.startswith("utf-8") else None)


@pytest.fixture()
def unstreamable(tmp_path):
    """Copies of the wuxing sample whose observations file cannot be streamed, one per reason."""
    out = {}
    for kind in ("quoted_newline", "blank_line", "cells"):
        d = tmp_path / kind
        shutil.copytree(DATASETS / "wuxing-childrenswear", d)
        f = d / "observations.csv"
        lines = f.read_text(encoding="utf-8").split("\n")
        i = len(lines) * 2 // 3
        if kind == "quoted_newline":
            cells = lines[i].split(",")
            cells[-1] = '"open\nstill open"'
            lines[i] = ",".join(cells)
        elif kind == "blank_line":
            lines.insert(i, "")
        else:
            lines[i] += ",extra"
        f.write_text("\n".join(lines), encoding="utf-8")
        out[kind] = d
    return out


@pytest.mark.parametrize("kind", ["quoted_newline", "blank_line", "cells"])
def test_a_large_file_that_does_not_stream_is_read_whole(kind, unstreamable, monkeypatch):
    d = unstreamable[kind]
    monkeypatch.setattr(IO_CSV, "STREAM_BLOCK", 1 << 10)
    monkeypatch.setattr(IO_CSV, "STREAM_BYTES", 0)  # every file large enough to be streamed
    part = IO.read_dataset(d, stream_check=False).parts["observations"][0]
    assert part.streamed and part.lines is not None
    with pytest.raises(IO.NotStreamable):
        for _ in part.iter_chunks():
            pass
    checked = V.validate(IO.read_dataset(d))  # checked before streaming: observations read whole from the start
    unchecked = V.validate(d)  # streamed unchecked, found out, read again whole
    for r in (checked, unchecked):
        assert [s["streamed"] for s in r.sources if s["table"] == "observations"] == [False]
        assert any(s["streamed"] for s in r.sources)
    _assert_same_validation(unchecked, checked)


# ---------------------------------------------------------------------------
# Whole builds against the exact paths
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    """A small synthetic dataset with shuffled rows, duplicates (exact and conflicting), blanks and bad codes."""
    out = tmp_path_factory.mktemp("dirty") / "synth"
    write_synthetic(out, 1500, seed=3)
    rng = np.random.default_rng(1)
    for f in sorted(out.glob("*.csv")):
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        if len(df) < 20:
            continue
        k = max(3, len(df) // 100)
        conflict = df.iloc[rng.integers(0, len(df), k)].copy()
        conflict[df.columns[-1]] = conflict[df.columns[-1]] + "9"
        df = pd.concat([df, df.iloc[rng.integers(0, len(df), k)], conflict], ignore_index=True)
        for col in df.columns:
            rows = rng.integers(0, len(df), k)
            df.loc[rows, col] = rng.choice(["", "??", df[col].iloc[0]])
        df.iloc[rng.permutation(len(df))].to_csv(f, index=False)
    return out


def _exact_paths(monkeypatch) -> None:
    """Replace every fast path by the computation it stands for."""
    def lexsort(keys):
        order = np.lexsort([np.asarray(k) for k in reversed(keys)])
        return None if np.array_equal(order, np.arange(len(order))) else order

    def sort_codes(values):
        if pd.api.types.is_datetime64_any_dtype(values):
            return values.to_numpy(dtype="datetime64[s]").astype(np.int64)
        return pd.factorize(values, sort=True, use_na_sentinel=True)[0]

    monkeypatch.setattr(GP, "sort_order", lexsort)
    monkeypatch.setattr(GP, "_sort_codes", sort_codes)
    monkeypatch.setattr(GP, "take_rows", lambda df, order: df.iloc[order].reset_index(drop=True))
    monkeypatch.setattr(GP, "_region_numbers", lambda c: pd.to_numeric(c).to_numpy(dtype=np.int32)
                        if len(c) else np.zeros(0, dtype=np.int32))
    monkeypatch.setattr(VT, "factorize", lambda s: pd.factorize(s, use_na_sentinel=True))
    monkeypatch.setattr(VT, "_duplicated_key", lambda cols: None)  # pandas' DataFrame.duplicated


def _assert_same_validation(a, b) -> None:
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.issues, b.issues)
    assert a.sources == b.sources
    for t in b.tables:
        pd.testing.assert_frame_equal(a.tables[t], b.tables[t], obj=t, check_exact=True)
        pd.testing.assert_frame_equal(a.rejects[t], b.rejects[t], obj=t)


def _build(path, strict: bool = False):
    r = V.validate(path, strict=strict)
    return r, ChainGraph.from_validation(r)


@pytest.mark.parametrize("name", ["defects", "dirty", *SAMPLES])
def test_build_equals_the_exact_paths(name, dirty, monkeypatch):
    path = dirty if name == "dirty" else DATASETS / name
    looked_up, refused = [], []
    positions, moved = GP.positions, GP._moved_positions
    monkeypatch.setattr(GP, "positions", lambda v, k: looked_up.append(len(v)) or positions(v, k))

    def checked_moved(known, *args):
        out = moved(known, *args)
        if known is not None and out is None:
            refused.append(len(known))
        return out

    monkeypatch.setattr(GP, "_moved_positions", checked_moved)
    for strict in (False, True):
        looked_up.clear()
        fast_r, fast_g = _build(path, strict)
        assert fast_r.references == {}  # handed to the graph and let go
        # every endpoint came from validation's lookups (none refused by the guard), but for the FEEDS
        # edges the graph derives itself
        assert not refused
        assert sum(looked_up) <= 2 * len(fast_g.tables["segment_flows"])
        with monkeypatch.context() as m:
            _exact_paths(m)
            exact_r, exact_g = _build(path, strict)
            exact_r.references = {}
            plain_g = ChainGraph.from_validation(exact_r)  # positions looked up, not handed over
        _assert_same_validation(fast_r, exact_r)
        for t in exact_g.tables:
            pd.testing.assert_frame_equal(fast_g.tables[t], exact_g.tables[t], obj=t, check_exact=True)
            pd.testing.assert_frame_equal(plain_g.tables[t], exact_g.tables[t], obj=t, check_exact=True)


def test_references_that_do_not_belong_are_not_used(dirty):
    r = V.validate(dirty)
    good = {t: dict(cols) for t, cols in r.references.items()}
    want = ChainGraph(r.tables, name="x")
    bogus = {t: {c: np.zeros_like(p) for c, p in cols.items()} for t, cols in good.items()}
    short = {t: {c: p[:-1] for c, p in cols.items()} for t, cols in good.items()}
    for refs in (good, bogus, short):
        got = ChainGraph(r.tables, name="x", references=refs)
        for t in want.tables:
            pd.testing.assert_frame_equal(got.tables[t], want.tables[t], obj=t, check_exact=True)


def test_store_reload_restores_second_dates(dirty, tmp_path):
    r, g = _build(dirty)
    store.save(g, tmp_path / "s.cgstore")
    back = store.load(tmp_path / "s.cgstore")
    for t in g.tables:
        pd.testing.assert_frame_equal(back.tables[t], g.tables[t], obj=t, check_exact=True)


def test_only_exact_second_casts_happen_in_arrow():
    tbl = pa.table({"d": pa.array([1_000, 2_500, None], pa.timestamp("ms")), "e": pa.array([3_000], pa.timestamp("ms"))
                    .take([0, 0, 0])})
    out = S._seconds(tbl, ["d", "e", "missing"])
    assert out.schema.field("d").type == pa.timestamp("ms")  # 2.5 s: left to pandas, which truncates as before
    assert out.schema.field("e").type == pa.timestamp("s")
