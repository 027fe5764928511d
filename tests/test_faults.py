"""Faults: an interrupted build never leaves a store that loads as valid, and failures are one-line errors.

* SIGKILL at every file-system step of ``store.save`` (in a forked child, for a new store and for an
  overwrite): ``store.load`` gives a complete store identical to a normal build, the previous store, or a
  ``StoreError`` — never a partial graph; saving again afterwards works.
* SIGKILL of ``chaingraph build`` itself after random delays, its Parquet writer slowed down so the kill
  lands inside the save.
* A full disk (``OSError(ENOSPC)``) and a permission error (``PermissionError``) at each writer — raised by
  monkeypatching, because the tests run as root and ``chmod`` does not stop root — and a real unwritable
  place (a path under a regular file): ``OutputError`` / exit status 1 with one ``Error:`` line, no
  traceback, the previous output intact.
* A Neo4j push failing at every batch k of the real tiny graph, then run again, ends with exactly the
  counts of a clean push (the fake driver of tests/test_neo4j_load.py, imported).
"""

from __future__ import annotations

import errno
import functools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from chaingraph.cli import cli
from chaingraph.errors import BackendError, OutputError, StoreError
from chaingraph.graph import ChainGraph
from chaingraph.graph.store import load, save
from chaingraph.model import TABLES

from .conftest import ROOT, write_tiny
from .test_neo4j_load import FakeDatabase, FakeDriver

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
EACCES = PermissionError(errno.EACCES, os.strerror(errno.EACCES))


# ---------------------------------------------------------------------------
# Fixtures: a new graph and an old (different) one, each saved once as a reference store
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fault-stores")
    new_ds = write_tiny(root / "new-ds")
    old_ds = write_tiny(root / "old-ds")
    with open(old_ds / "chains.csv", "a", encoding="utf-8") as fh:
        fh.write("old,旧产业链,0000\n")  # the old store has a third chain
    return {"new_ds": new_ds, "old_ds": old_ds,
            "new": save(ChainGraph.from_dataset(new_ds), root / "new.cgstore"),
            "old": save(ChainGraph.from_dataset(old_ds), root / "old.cgstore")}


@functools.lru_cache(maxsize=4)
def _reference(path: str) -> ChainGraph:
    return load(path)


def same_store(path: Path, reference: Path) -> bool:
    """True when the store at ``path`` loads and holds exactly the tables of ``reference``."""
    got, want = load(path), _reference(str(reference))
    for t in TABLES:
        try:
            pd.testing.assert_frame_equal(got.tables[t], want.tables[t], obj=t)
        except AssertionError:
            return False
    return True


def outcome(path: Path, stores: dict[str, Path]) -> str:
    """'new', 'old' or 'refused' (StoreError); anything else raises."""
    try:
        load(path)
    except StoreError:
        return "refused"
    if same_store(path, stores["new"]):
        return "new"
    if same_store(path, stores["old"]):
        return "old"
    raise AssertionError(f"{path} loads but is neither the new nor the old store")


# ---------------------------------------------------------------------------
# SIGKILL at every step of store.save
# ---------------------------------------------------------------------------

KILL_SERVER = r'''
import json, os, shutil, signal, sys
from pathlib import Path

import pyarrow.parquet as pq

from chaingraph.graph import store
from chaingraph.graph.store import load, save

new_src, old_src, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
graph = load(new_src)
state = {"n": 0, "kill": 0, "events": []}


def hook(mod, name):
    real = getattr(mod, name)

    def wrapper(*a, **kw):
        state["n"] += 1
        state["events"].append(name)
        if state["n"] == state["kill"]:
            os.kill(os.getpid(), signal.SIGKILL)  # dies *before* the step runs
        return real(*a, **kw)

    setattr(mod, name, wrapper)


for mod, name in [(pq, "write_table"), (os, "fsync"), (os, "replace"), (shutil, "rmtree"), (store.json, "dump")]:
    hook(mod, name)


def run(variant, k):
    target = out / f"{variant}-{k}" / "s.cgstore"
    target.parent.mkdir(parents=True)
    if variant == "overwrite":
        shutil.copytree(old_src, target)
    pid = os.fork()
    if pid == 0:
        state.update(n=0, kill=k, events=[])
        try:
            save(graph, target)
        except BaseException:
            os._exit(3)
        (target.parent / "events.json").write_text(json.dumps(state["events"]))
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return {"variant": variant, "k": k, "killed": killed, "exit": os.waitstatus_to_exitcode(status),
            "target": str(target)}


results = []
for variant in ("fresh", "overwrite"):
    count = run(variant, 0)
    events = json.loads((Path(count["target"]).parent / "events.json").read_text())
    results.append(dict(count, events=events))
    # every step but the middle of the table loop (write_table / fsync of tables 3 .. n-2 look alike)
    table_steps = [k for k in range(1, len(events) + 1) if events[k - 1] in ("write_table", "fsync")]
    middle = set(table_steps[4:-5])
    for k in range(1, len(events) + 1):
        if k not in middle:
            results.append(dict(run(variant, k), event=events[k - 1]))
print(json.dumps(results))
'''


@pytest.fixture(scope="module")
def killed_saves(stores, tmp_path_factory) -> list[dict]:
    """Run KILL_SERVER once: one forked ``save`` per (variant, step), killed just before that step."""
    out = tmp_path_factory.mktemp("killed-saves")
    p = subprocess.run([sys.executable, "-c", KILL_SERVER, str(stores["new"]), str(stores["old"]), str(out)],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def _window(results: list[dict]) -> int:
    """The step between moving the old store aside and moving the new one in (overwrite only)."""
    events = next(r["events"] for r in results if r["variant"] == "overwrite" and r["k"] == 0)
    replaces = [i + 1 for i, e in enumerate(events) if e == "replace"]
    assert len(replaces) == 2, events  # target -> .old, then tmp -> target
    return replaces[1]


def test_every_step_of_save_was_interrupted(killed_saves, stores):
    counts = {r["variant"]: r for r in killed_saves if r["k"] == 0}
    assert counts["fresh"]["exit"] == 0 and counts["overwrite"]["exit"] == 0
    events = counts["fresh"]["events"]
    n_files = len(list(stores["new"].glob("*.parquet")))
    assert n_files >= len(TABLES) and events.count("write_table") == n_files
    # the folder is synced before its rename, the parent after it (the rename survives a power cut)
    assert "dump" in events and events.count("replace") == 1 and events[-3:] == ["fsync", "replace", "fsync"]
    assert counts["overwrite"]["events"][-5:] == ["fsync", "replace", "replace", "fsync", "rmtree"]
    killed = [r for r in killed_saves if r["k"] > 0]
    for variant in ("fresh", "overwrite"):
        steps = {r["event"] for r in killed if r["variant"] == variant}
        assert steps == set(counts[variant]["events"]), variant  # each kind of step was interrupted
    assert all(r["killed"] for r in killed), [r for r in killed if not r["killed"]]


def test_killed_new_store_is_refused_or_complete(killed_saves, stores):
    seen = {}
    for r in killed_saves:
        if r["variant"] != "fresh":
            continue
        seen[(r["k"], r.get("event"))] = outcome(Path(r["target"]), stores)
    assert set(seen.values()) <= {"refused", "new"}
    assert seen[(0, None)] == "new"
    events = next(r["events"] for r in killed_saves if r["variant"] == "fresh" and r["k"] == 0)
    rename = len(events) - events[::-1].index("replace")  # step number of the final rename
    # killed before the final rename: nothing at the path, so load refuses it; after it, the store is complete
    assert all(v == ("new" if k > rename else "refused") for (k, e), v in seen.items() if k > 0), seen
    assert any(k > rename for k, _ in seen)  # the sync after the rename was interrupted too


def test_killed_overwrite_keeps_the_previous_store(killed_saves, stores):
    seen = {}
    for r in killed_saves:
        if r["variant"] == "overwrite":
            seen[(r["k"], r.get("event"))] = outcome(Path(r["target"]), stores)
    assert seen[(0, None)] == "new"
    assert set(seen.values()) <= {"old", "new"}, seen
    assert "old" in seen.values()


def test_save_again_after_any_kill_gives_the_new_store(killed_saves, stores, tmp_path):
    graph = load(stores["new"])
    for r in killed_saves:
        folder = tmp_path / f"{r['variant']}-{r['k']}"
        shutil.copytree(Path(r["target"]).parent, folder)  # leftovers (temporary folders, .old) included
        target = folder / "s.cgstore"
        save(graph, target)
        assert outcome(target, stores) == "new", r


def test_killed_overwrite_between_the_two_renames(killed_saves, stores):
    """Was a StoreError: between os.replace(target, .old) and os.replace(tmp, target) nothing is at the path;
    load now reads the intact previous store from '.<name>.old'."""
    window = _window(killed_saves)
    r = next(r for r in killed_saves if r["variant"] == "overwrite" and r["k"] == window)
    assert r["event"] == "replace" and r["killed"]
    assert not Path(r["target"]).exists()
    assert outcome(Path(r["target"]), stores) == "old"


SLOW_CLI = """
import time
import pyarrow.parquet as pq
real = pq.write_table
def slow(*a, **kw):
    time.sleep(0.02)
    return real(*a, **kw)
pq.write_table = slow
from chaingraph.cli import main
main()
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_cli_build_at_random_moments(stores, tmp_path, seed):
    """``chaingraph build`` killed a random moment after it starts saving (15 tables × 20 ms)."""
    rng = random.Random(seed)
    for variant in ("fresh", "overwrite"):
        target = tmp_path / variant / "s.cgstore"
        target.parent.mkdir()
        if variant == "overwrite":
            shutil.copytree(stores["old"], target)
        p = subprocess.Popen([sys.executable, "-c", SLOW_CLI, "build", str(stores["new_ds"]), "-o", str(target)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            for line in p.stderr:
                if "saving" in line:
                    break
            delay = rng.uniform(0.0, 0.4)
            try:
                p.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout=60)
        finally:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
            p.stderr.close()
        got = outcome(target, stores)
        assert got in ({"refused", "new"} if variant == "fresh" else {"old", "new"}), (variant, delay, got)


# ---------------------------------------------------------------------------
# Full disk and permission errors: OutputError, one line, previous output intact
# ---------------------------------------------------------------------------

def run_cli(*args) -> tuple[int, str]:
    """Run the CLI in-process; an exception other than SystemExit fails the test (it would be a traceback)."""
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return r.exit_code, r.output


def assert_one_line_error(code: int, output: str, *needles: str) -> None:
    assert code == 1, output
    errors = [ln for ln in output.splitlines() if ln.startswith("Error: ")]
    assert len(errors) == 1, output
    assert "Traceback" not in output
    for n in needles:
        assert n in errors[0], errors[0]


def _raise_on_call(exc: OSError, after: int = 0):
    calls = {"n": 0}

    def fail(*a, **kw):
        calls["n"] += 1
        if calls["n"] > after:
            raise exc
        return fail.real(*a, **kw)

    return fail


STORE_WRITERS = [
    ("pyarrow.parquet", "write_table", 0),
    ("pyarrow.parquet", "write_table", 7),
    ("os", "fsync", 3),
    ("json", "dump", 0),
    ("os", "replace", 0),
    ("tempfile", "mkdtemp", 0),
]


@pytest.mark.parametrize("error", [ENOSPC, EACCES], ids=["ENOSPC", "EACCES"])
@pytest.mark.parametrize("module,name,after", STORE_WRITERS, ids=[f"{m}.{n}@{a}" for m, n, a in STORE_WRITERS])
def test_build_full_disk_or_denied_is_one_line_and_keeps_the_old_store(stores, tmp_path, monkeypatch, module,
                                                                        name, after, error):
    import importlib

    target = tmp_path / "s.cgstore"
    shutil.copytree(stores["old"], target)
    mod = importlib.import_module(module)
    fail = _raise_on_call(error, after)
    fail.real = getattr(mod, name)
    monkeypatch.setattr(mod, name, fail)
    code, output = run_cli("build", stores["new_ds"], "-o", target)
    monkeypatch.undo()
    assert_one_line_error(code, output, str(target), os.strerror(error.errno))
    assert outcome(target, stores) == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.cgstore"], "no temporary folder left behind"


def test_store_save_raises_output_error_on_full_disk(stores, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    monkeypatch.setattr(pq, "write_table", _raise_on_call(ENOSPC))
    with pytest.raises(OutputError, match="No space left on device"):
        save(load(stores["new"]), tmp_path / "s.cgstore")
    assert list(tmp_path.iterdir()) == []


REPORTS = ["report.csv", "report.xlsx", "report.json", "report.md"]


@pytest.mark.parametrize("report", REPORTS)
def test_validate_report_to_an_unwritable_place(stores, tmp_path, report):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, output = run_cli("validate", stores["new_ds"], "-q", "--report", blocker / report)
    assert_one_line_error(code, output, str(blocker / report))


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("error", [ENOSPC, EACCES], ids=["ENOSPC", "EACCES"])
def test_validate_report_full_disk_or_denied(stores, tmp_path, monkeypatch, report, error):
    import openpyxl

    target = tmp_path / report
    target.write_text("previous report", encoding="utf-8")

    def fail(*a, **kw):
        raise error

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    monkeypatch.setattr(openpyxl.Workbook, "save", fail)
    monkeypatch.setattr(Path, "write_text", fail)
    code, output = run_cli("validate", stores["new_ds"], "-q", "--report", target)
    monkeypatch.undo()
    assert_one_line_error(code, output, str(target), os.strerror(error.errno))
    assert target.read_text(encoding="utf-8") == "previous report"


def test_validate_rejects_into_an_unwritable_place(tmp_path):
    ds = write_tiny(tmp_path / "ds")
    with open(ds / "chains.csv", "a", encoding="utf-8") as fh:
        fh.write(",no id,1\n")  # one rejected row, so a rejects file is written
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, output = run_cli("validate", ds, "-q", "--rejects", blocker / "rejects")
    assert_one_line_error(code, output)


def test_build_into_an_unwritable_place(stores, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, output = run_cli("build", stores["new_ds"], "-o", blocker / "s.cgstore")
    assert_one_line_error(code, output, "s.cgstore")
    code, output = run_cli("build", stores["new_ds"], "-o", stores["new_ds"])  # a folder that is not a store
    assert_one_line_error(code, output, "not a chaingraph store")
    assert (stores["new_ds"] / "chains.csv").exists()


def test_build_error_in_a_real_process_has_no_traceback(stores, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for args in (["build", str(stores["new_ds"]), "-o", str(blocker / "s.cgstore")],
                 ["validate", str(stores["new_ds"]), "-q", "--report", str(blocker / "r.csv")]):
        p = subprocess.run([sys.executable, "-m", "chaingraph", *args], capture_output=True, text=True, cwd=ROOT,
                           timeout=120)
        assert p.returncode == 1, p.stderr
        assert "Traceback" not in p.stderr
        assert p.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_query_export_full_disk(stores, tmp_path, monkeypatch):
    import openpyxl

    out = tmp_path / "清单.xlsx"

    def fail(*a, **kw):
        raise ENOSPC

    monkeypatch.setattr(openpyxl.Workbook, "save", fail)
    code, output = run_cli("problems", stores["new"], "--region", "330502", "--chain", "kids", "-o", out)
    monkeypatch.undo()
    assert_one_line_error(code, output, "No space left on device")
    assert not out.exists()


def test_failed_export_leaves_no_temporary_file(stores, tmp_path, monkeypatch):
    """Was: '.report.csv.tmp' left beside the report when the disk filled half-way through."""
    real = pd.DataFrame.to_csv

    def half_then_full(self, path, *a, **kw):
        real(self.head(1), path, *a, **kw)  # something reached the disk, then it filled up
        raise ENOSPC

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_full)
    code, output = run_cli("validate", stores["new_ds"], "-q", "--report", tmp_path / "report.csv")
    monkeypatch.undo()
    assert_one_line_error(code, output, "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_failed_map_write_keeps_the_previous_map(stores, tmp_path, monkeypatch):
    """Was: the page was written in place, so a disk that filled mid-write left a truncated map."""
    out = tmp_path / "map.html"
    code, output = run_cli("map", stores["new"], "--region", "330502", "--chain", "kids", "-o", out)
    assert code == 0, output
    before = out.read_text(encoding="utf-8")
    real = Path.write_text

    def half_then_full(self, text, *a, **kw):
        real(self, text[: len(text) // 2], *a, **kw)
        raise ENOSPC

    monkeypatch.setattr(Path, "write_text", half_then_full)
    code, output = run_cli("map", stores["new"], "--region", "330502", "--chain", "kids", "-o", out)
    monkeypatch.undo()
    assert_one_line_error(code, output, "No space left on device")
    assert out.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


# ---------------------------------------------------------------------------
# Neo4j: a push failing at batch k, then run again, ends with exactly the right counts
# (the statement-level tests, with a stand-in graph, are in tests/test_neo4j_load.py)
# ---------------------------------------------------------------------------

def test_push_failing_at_every_batch_then_rerun_gives_exact_counts(tiny):
    from chaingraph.neo4j import load as nb

    clean = FakeDatabase()
    expected = nb.push(tiny, FakeDriver(clean), batch_size=3)
    total = clean.load_batches
    assert total > 20 and expected["ok"].all()
    for k in range(1, total + 1):
        db = FakeDatabase(fail_at_batch=k)
        driver = FakeDriver(db)
        with pytest.raises(BackendError, match="run push again") as info:
            nb.push(tiny, driver, batch_size=3)
        assert "\n" not in str(info.value)
        db.fail_at_batch = None
        report = nb.push(tiny, driver, batch_size=3)
        assert report["ok"].all(), k
        assert db.state() == clean.state(), f"failure at batch {k}: the database differs after the re-run"
        pd.testing.assert_frame_equal(report, expected)


def test_push_failing_twice_then_completing(tiny):
    from chaingraph.neo4j import load as nb

    clean = FakeDatabase()
    nb.push(tiny, FakeDriver(clean), batch_size=4)
    db = FakeDatabase(fail_at_batch=5)
    driver = FakeDriver(db)
    with pytest.raises(BackendError):
        nb.push(tiny, driver, batch_size=4)
    db.load_batches, db.fail_at_batch = 0, 11  # the second attempt dies later
    with pytest.raises(BackendError):
        nb.push(tiny, driver, batch_size=4)
    db.fail_at_batch = None
    assert nb.push(tiny, driver, batch_size=4)["ok"].all()
    assert db.state() == clean.state()


def test_xlsx_on_a_full_disk_is_one_line_no_traceback(tmp_path):
    """A file-size limit makes every write past 4 KiB fail (EFBIG), as a full disk does (ENOSPC): the CLI
    prints one error line, and openpyxl's zip writer leaves no 'Exception ignored' traceback behind."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from chaingraph.cli import main\n"
        "sys.argv = ['chaingraph', 'problems', sys.argv[1], '-o', sys.argv[2]]\n"
        "main()\n"
    )
    out = tmp_path / "x.xlsx"
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT / "datasets" / "wuxing-childrenswear"), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {out}: cannot write (File too large)"]
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
