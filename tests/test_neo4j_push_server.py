"""``push`` against a real Neo4j server: killed mid-way and resumed, pushed twice, constraints first.

Needs a server, exactly like ``tests/test_neo4j_parity.py``: ``NEO4J_URI`` (and ``NEO4J_USERNAME`` /
``NEO4J_PASSWORD``; ``NEO4J_DATABASE`` picks a database). Under ``CHAINGRAPH_REQUIRE_NEO4J=1``
(``scripts/test``) a missing or unreachable server fails every test here; without it they skip.

**These tests wipe the chaingraph data of that database** (``push(..., clear=True)``) and drop and
re-create the chaingraph constraints: point them at a scratch database.

* :func:`test_push_killed_mid_way_then_resumed_gives_exact_counts` — a child process pushes the
  ``wuxing-childrenswear`` store (built with ``chaingraph build`` into ``tmp_path``) in batches of
  :data:`BATCH`, printing a line per batch and waiting for the test before going on; after batch
  ``k`` of a chosen step the test lets it start the next batch and at once ``SIGKILL``\\ s it (a real
  kill of the client, usually with a write transaction in flight). The server then holds every
  step before that one in full, that step in part and nothing after it. ``push`` run again (no
  ``clear``) completes: every label / type count equals the store's table sizes and no identity is
  stored twice.
* :func:`test_second_push_changes_nothing` — a second push of the same data creates, deletes and
  relabels nothing (the driver's summary counters of every statement push runs, read through a
  recording proxy of the driver) and leaves every node and relationship with the same element id
  and the same properties.
* :func:`test_constraints_are_created_before_any_data` — from a database without the chaingraph
  constraints, ``push`` creates them (one uniqueness constraint per node label on the model's key,
  as in ``cypher/schema/constraints.cypher``) before its first write of data, and ``SHOW
  CONSTRAINTS`` lists them.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaingraph import model

REQUIRED = os.environ.get("CHAINGRAPH_REQUIRE_NEO4J") == "1"
NO_URI = ("NEO4J_URI is not set: the Neo4j push tests need a server (they wipe its chaingraph data; use a "
          "scratch database, e.g. scripts/neo4j-test-server start DIR)")
ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "datasets" / "wuxing-childrenswear"
BATCH = 10
"""Rows per batch of the push that is killed: the sample's 150 firms and ~1,300 relationships make ~160
batches, so the kill lands well inside a step."""
PUSH_BATCH = 100
"""Rows per batch of the other pushes (the resumed one included: a resume need not use the same size)."""
CHILD_TIMEOUT = 60.0

pytestmark = pytest.mark.neo4j

KEYS: dict[str, str] = {label: model.TABLES[model.NODE_TABLE[label]].key[0] for label in model.NODE_LABELS}
"""Node label -> its key property (``Region.code``, ``id`` for the others)."""
COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
            "properties_set", "labels_added", "labels_removed", "constraints_added", "constraints_removed",
            "indexes_added", "indexes_removed")


# ---------------------------------------------------------------------------
# The server (the rule of tests/test_neo4j_parity.py)
# ---------------------------------------------------------------------------

def _unavailable(reason: str) -> None:
    """A missing server: a failure under CHAINGRAPH_REQUIRE_NEO4J=1, else a skip (with the reason)."""
    if REQUIRED:
        pytest.fail(f"CHAINGRAPH_REQUIRE_NEO4J=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _connect() -> Any:
    from chaingraph.neo4j.load import connect

    if not os.environ.get("NEO4J_URI"):
        _unavailable(NO_URI)
    try:
        driver = connect()
        driver.verify_connectivity()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is "no server"
        _unavailable(f"the Neo4j server at {os.environ.get('NEO4J_URI')} is not reachable: "
                     f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    return driver


DATABASE = os.environ.get("NEO4J_DATABASE") or None


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """The driver, the database first emptied of the chaingraph labels in large batches: push's own
    ``clear`` deletes ``batch_size`` nodes per transaction, far too slow at this module's small batches
    when an earlier run (the benchmark, say) left a big graph behind."""
    drv = _connect()
    with drv.session(database=DATABASE) as session:
        session.run("MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) "
                    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
                    labels=list(model.NODE_LABELS)).consume()
    yield drv
    drv.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """The sample dataset built into a store by the CLI (``chaingraph build DATASET -o STORE``)."""
    out = tmp_path_factory.mktemp("push") / "wuxing.cgstore"
    done = subprocess.run([sys.executable, "-m", "chaingraph", "build", str(DATASET), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def graph(store) -> Any:
    from chaingraph.graph.store import open_graph

    return open_graph(store)


@pytest.fixture(scope="module")
def expected(graph) -> dict[tuple[str, str], int]:
    """(kind, name) -> distinct identities the store holds, in push order (the plan push follows)."""
    from chaingraph.neo4j.rows import plan

    work = plan(graph)
    # The sample has no duplicate identities: the identities are the table rows themselves.
    for w in work:
        assert w.expected == len(w), (w.kind, w.name, w.expected, len(w))
    return {(w.kind, w.name): int(w.expected) for w in work}


# ---------------------------------------------------------------------------
# Reading the server
# ---------------------------------------------------------------------------

def _rows(driver: Any, query: str, **params: Any) -> list[Any]:
    records, _, _ = driver.execute_query(query, params, database_=DATABASE, routing_="r")
    return records


def _counts(driver: Any) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, name) -> (count, count of distinct identities) on the server, every label and type."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for label, key in KEYS.items():
        r = _rows(driver, f"MATCH (n:{label}) RETURN count(n) AS n, count(DISTINCT n.{key}) AS d")[0]
        out[("node", label)] = (r["n"], r["d"])
    for rel in model.REL_TYPES:
        # Identity of a relationship: its endpoints plus merge_key (absent for endpoint-keyed types).
        r = _rows(driver, f"MATCH (a)-[r:{rel}]->(b) RETURN count(r) AS n, "
                          f"count(DISTINCT [elementId(a), elementId(b), r.merge_key]) AS d")[0]
        out[("relationship", rel)] = (r["n"], r["d"])
    return out


def _snapshot(driver: Any) -> dict[str, Any]:
    """Everything of the chaingraph graph: per label the nodes (element id -> properties), per type the
    relationships (element id -> start, end, properties), and a per-label property checksum."""
    snap: dict[str, Any] = {}
    for label in model.NODE_LABELS:
        snap[label] = {r["id"]: r["p"] for r in _rows(
            driver, f"MATCH (n:{label}) RETURN elementId(n) AS id, properties(n) AS p")}
        r = _rows(driver, f"MATCH (n:{label}) RETURN count(n) AS n, sum(size(keys(n))) AS k")[0]
        snap[f"{label} checksum"] = (r["n"], r["k"])
    for rel in model.REL_TYPES:
        snap[rel] = {r["id"]: (r["a"], r["b"], r["p"]) for r in _rows(
            driver, f"MATCH (a)-[r:{rel}]->(b) RETURN elementId(r) AS id, elementId(a) AS a, elementId(b) AS b, "
                    f"properties(r) AS p")}
    return snap


# ---------------------------------------------------------------------------
# A driver that records the summary counters of every statement push runs
# ---------------------------------------------------------------------------

class _Result:
    def __init__(self, result: Any, query: str, log: list[tuple[str, dict[str, int]]]) -> None:
        self._result, self._query, self._log = result, query, log

    def _record(self, summary: Any) -> Any:
        self._log.append((self._query, {c: getattr(summary.counters, c) for c in COUNTERS}))
        return summary

    def consume(self) -> Any:
        return self._record(self._result.consume())

    def single(self, *args: Any, **kwargs: Any) -> Any:
        record = self._result.single(*args, **kwargs)
        self._record(self._result.consume())
        return record

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


class _Tx:
    def __init__(self, tx: Any, log: list) -> None:
        self._tx, self._log = tx, log

    def run(self, query: str, parameters: Any = None, **kwargs: Any) -> _Result:
        return _Result(self._tx.run(query, parameters, **kwargs), query, self._log)


class _Session:
    def __init__(self, session: Any, log: list) -> None:
        self._session, self._log = session, log

    def __enter__(self) -> _Session:
        self._session.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._session.__exit__(*exc)

    def _wrap(self, work: Any) -> Any:
        return lambda tx, *a, **kw: work(_Tx(tx, self._log), *a, **kw)

    def execute_write(self, work: Any, *args: Any, **kwargs: Any) -> Any:
        return self._session.execute_write(self._wrap(work), *args, **kwargs)

    def execute_read(self, work: Any, *args: Any, **kwargs: Any) -> Any:
        return self._session.execute_read(self._wrap(work), *args, **kwargs)


class RecordingDriver:
    """Stands in for ``neo4j.Driver`` in :func:`push`: ``log`` gets (statement, counters) per statement."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self.log: list[tuple[str, dict[str, int]]] = []

    def session(self, **kwargs: Any) -> _Session:
        return _Session(self._driver.session(**kwargs), self.log)


def _push(driver: Any, graph: Any, **kwargs: Any) -> Any:
    from chaingraph.neo4j.load import push

    report = push(graph, driver, database=DATABASE, batch_size=PUSH_BATCH, **kwargs)
    assert report["ok"].all(), report
    return report


# ---------------------------------------------------------------------------
# (a) killed mid-way, then resumed
# ---------------------------------------------------------------------------

CHILD = r"""
import os, sys
from chaingraph.graph.store import open_graph
from chaingraph.neo4j.load import connect, push

graph = open_graph(sys.argv[1])
driver = connect()

def progress(step, done, total):
    print(f"BATCH {step}|{done}|{total}", flush=True)
    sys.stdin.readline()  # wait until the test lets this process go on

push(graph, driver, database=os.environ.get("NEO4J_DATABASE") or None, batch_size=int(sys.argv[2]),
     progress=progress, clear=True)
print("DONE", flush=True)
"""


def _kill_push_after(store: Path, step: str, fraction: float) -> tuple[int, int]:
    """Run the child push; after its first batch of ``step`` at or past ``fraction`` of the rows, let it
    start the next batch and SIGKILL it. Returns (rows of ``step`` reported done, its total)."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(store), str(BATCH)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    lines: queue.Queue[str] = queue.Queue()

    def _read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.put(line)
        lines.put("")

    threading.Thread(target=_read, daemon=True).start()
    try:
        while True:
            try:
                line = lines.get(timeout=CHILD_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"the push child printed nothing for {CHILD_TIMEOUT:.0f} s")
            if not line or line.startswith("DONE"):
                proc.wait(timeout=10)
                pytest.fail(f"the push child ended before step {step!r} reached {fraction:.0%} "
                            f"(rc {proc.returncode}): {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            m = re.fullmatch(r"BATCH (.+)\|(\d+)\|(\d+)\n", line)
            assert m, line
            name, done, total = m.group(1), int(m.group(2)), int(m.group(3))
            proc.stdin.write("\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            if name == step and done >= fraction * total:
                proc.kill()  # SIGKILL, most likely while the next batch's transaction is open
                break
        assert proc.wait(timeout=10) == -signal.SIGKILL
        return done, total
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()  # type: ignore[union-attr]


@pytest.mark.parametrize("step", ["node Enterprise", "relationship SUPPLIES"])
def test_push_killed_mid_way_then_resumed_gives_exact_counts(driver, store, graph, expected, step):
    done, total = _kill_push_after(store, step, 0.5)
    assert 0 < done < total

    kind, name = step.split(" ", 1)
    before = _counts(driver)
    order = list(expected)
    at = order.index((kind, name))
    # Some but not all: the steps before the killed one are complete, the killed one holds the batches
    # committed before the kill (the one the child had reported, perhaps the next), the rest nothing.
    for k in order[:at]:
        assert before[k] == (expected[k], expected[k]), (k, before[k], expected[k])
    n, d = before[(kind, name)]
    assert done <= n <= done + BATCH and n < expected[(kind, name)] and d == n, (step, before[(kind, name)], done)
    for k in order[at + 1:]:
        assert before[k] == (0, 0), (k, before[k])
    assert 0 < sum(n for n, _ in before.values()) < sum(expected.values())

    # Resume: push again, without clear, to completion.
    report = _push(driver, graph)
    assert {(k, n): (int(r), int(e), int(f)) for k, n, r, e, f in
            report[["kind", "name", "rows", "expected", "found"]].itertuples(index=False)} == \
        {k: (v, v, v) for k, v in expected.items()}
    after = _counts(driver)
    assert after == {k: (v, v) for k, v in expected.items()}  # exact counts, no duplicates
    # Nodes by the store's own tables: one node per row.
    for label in model.NODE_LABELS:
        assert after[("node", label)][0] == len(graph.tables[model.NODE_TABLE[label]])


# ---------------------------------------------------------------------------
# (b) a second push changes nothing
# ---------------------------------------------------------------------------

def test_second_push_changes_nothing(driver, graph, expected):
    _push(driver, graph, clear=True)
    before = _snapshot(driver)
    counts = _counts(driver)
    assert counts == {k: (v, v) for k, v in expected.items()}

    recorder = RecordingDriver(driver)
    _push(recorder, graph)
    writes = [(q, c) for q, c in recorder.log if not q.lstrip().startswith("MATCH")]
    assert len(writes) >= sum(-(-v // PUSH_BATCH) for v in expected.values())  # every batch was sent again
    total = {c: sum(x[c] for _, x in recorder.log) for c in COUNTERS}
    changed = {c: v for c, v in total.items() if c != "properties_set" and v}
    assert not changed, f"the second push changed the graph: {changed}"

    assert _counts(driver) == counts
    after = _snapshot(driver)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], f"{key} differs after the second push"


# ---------------------------------------------------------------------------
# (c) the constraints exist before the data
# ---------------------------------------------------------------------------

def _constraints_file() -> dict[str, tuple[str, str]]:
    """name -> (label, property) of the uniqueness constraints in cypher/schema/constraints.cypher."""
    from chaingraph.neo4j.cypher import load_cypher

    text = load_cypher("schema/constraints")
    found = re.findall(r"CREATE CONSTRAINT (\w+) IF NOT EXISTS\s+FOR \(n:(\w+)\) REQUIRE n\.(\w+) IS UNIQUE;", text)
    return {name: (label, prop) for name, label, prop in found}


def _show_uniqueness(driver: Any) -> list[tuple[str, str, str]]:
    return sorted((r["name"], r["labelsOrTypes"][0], r["properties"][0]) for r in _rows(
        driver, "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties "
                "WHERE type = 'UNIQUENESS' AND entityType = 'NODE' AND size(labelsOrTypes) = 1 "
                "AND size(properties) = 1 RETURN name, labelsOrTypes, properties"))


def test_constraints_are_created_before_any_data(driver, graph, expected):
    spec = _constraints_file()
    assert sorted(label for label, _ in spec.values()) == sorted(model.NODE_LABELS)
    assert {label: prop for label, prop in spec.values()} == KEYS

    # Start from a database without the chaingraph constraints (and without its data).
    _push(driver, graph, clear=True)
    with driver.session(database=DATABASE) as session:
        for name in spec:
            session.run(f"DROP CONSTRAINT {name} IF EXISTS").consume()
        session.run("MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) DETACH DELETE n",
                    labels=list(model.NODE_LABELS)).consume()
    assert not [c for c in _show_uniqueness(driver) if c[0] in spec]

    seen_at_first_batch: list[list[tuple[str, str, str]]] = []

    def progress(step: str, done: int, total: int) -> None:
        if not seen_at_first_batch:
            seen_at_first_batch.append(_show_uniqueness(driver))

    recorder = RecordingDriver(driver)
    _push(recorder, graph, progress=progress)

    # In the order push ran them: every constraint created before the first statement that wrote data.
    first_data = next(i for i, (_, c) in enumerate(recorder.log)
                      if c["nodes_created"] or c["relationships_created"] or c["properties_set"])
    created = [i for i, (_, c) in enumerate(recorder.log) if c["constraints_added"]]
    assert sum(recorder.log[i][1]["constraints_added"] for i in created) == len(spec)
    assert created and max(created) < first_data, (created, first_data)

    wanted = sorted((name, label, prop) for name, (label, prop) in spec.items())
    ours = [c for c in _show_uniqueness(driver) if c[0] in spec]
    assert ours == wanted
    assert seen_at_first_batch and [c for c in seen_at_first_batch[0] if c[0] in spec] == wanted
    # One uniqueness constraint per node label, on its model key (none else on those labels).
    per_label = {}
    for _, label, prop in _show_uniqueness(driver):
        if label in KEYS:
            per_label.setdefault(label, []).append(prop)
    assert per_label == {label: [key] for label, key in KEYS.items()}
    assert _counts(driver) == {k: (v, v) for k, v in expected.items()}
