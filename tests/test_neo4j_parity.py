"""Parity of the two engines on a real Neo4j server: every named query, same columns, same rows, same order.

Needs a server: set ``NEO4J_URI`` (and ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``;
``NEO4J_DATABASE`` picks a database, default the server's). ``scripts/test`` starts one
(``scripts/neo4j-test-server``) and sets ``CHAINGRAPH_REQUIRE_NEO4J=1``: then a missing or
unreachable server is a failure (:func:`test_server_is_present_when_required`, and every
test here fails with the reason); without that variable these tests are skipped, with it.

**The tests wipe the chaingraph data of that database**: each sample dataset is loaded
with ``push(graph, driver, clear=True)``, which deletes every node carrying a model label
first. Point ``NEO4J_URI`` / ``NEO4J_DATABASE`` at a scratch database.

The grid: every sample dataset (pushed once per module: the ``loaded`` fixture is
module-scoped, pytest groups the tests by it) × the scopes county (the dataset's own),
city, province and the whole country (``region=None``: no region filter, prefix ``''``)
× every named query with and without a chain (``weak_links`` needs one), ``common_problems``
also for the dataset's key-link segment (with and without its chain), ``include_resolved``
both ways where a query takes it (``common_problems``: the full cross product; ``exposure``:
each value with and without the chain), ``exposure`` for every problem of the dataset, ``chain_map`` nodes, edges and meta in every dimension. One test
per dataset × scope × group runs its whole batch and reports every difference at once.

Frames are compared exactly (``pd.testing.assert_frame_equal`` with ``check_exact=True``; float
columns to a relative 1e-12, see :data:`FLOAT_RTOL`) and **row order included**, without re-sorting: every named query documents a canonical
order (common_problems: by score within each chain; composition: segments in flow order,
sizes; leaders: designated first, then by score; leader_reach: by leader, direction, hops,
firm; weak_links: by kind; exposure: by hops, firm; benchmark_gaps: by metric id, detail
the furthest behind first; chain_map: segments in flow order, firms by id, problems by id,
regions / edges FEEDS, SUPPLIES, OPERATES_IN, HAS_PROBLEM), so no query here is compared
sorted.

Also here: the plans of the county-scope statements (``PROFILE`` on the server) seek the
``Enterprise.region_code`` index instead of scanning every enterprise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chaingraph import queries as Q
from chaingraph.graph import ChainGraph
from chaingraph.neo4j.graph import Neo4jGraph, statement_parameters, statements

REQUIRED = os.environ.get("CHAINGRAPH_REQUIRE_NEO4J") == "1"
NO_URI = ("NEO4J_URI is not set: the Neo4j parity tests need a server (they wipe its chaingraph data; use a "
          "scratch database, e.g. scripts/neo4j-test-server start DIR)")

pytestmark = pytest.mark.neo4j
needs_server = pytest.mark.skipif(not os.environ.get("NEO4J_URI") and not REQUIRED, reason=NO_URI)

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
SAMPLES = {  # dataset -> (own county, chain)
    "wuxing-childrenswear": ("330502", "childrenswear"),
    "anping-wiremesh": ("131125", "wiremesh"),
    "shangyu-umbrella": ("330604", "umbrella"),
}
LEVELS = ("county", "city", "province", "country")


def _region(name: str, level: str) -> str | None:
    code = SAMPLES[name][0]
    return {"county": code, "city": code[:4] + "00", "province": code[:2] + "0000", "country": None}[level]


# ---------------------------------------------------------------------------
# The server
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


def test_server_is_present_when_required():
    if not REQUIRED:
        pytest.skip("CHAINGRAPH_REQUIRE_NEO4J is not set")
    _connect().close()


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    drv = _connect()
    yield drv
    drv.close()


@pytest.fixture(scope="module", params=sorted(SAMPLES))
def loaded(request, driver) -> tuple[str, ChainGraph, Neo4jGraph]:
    """One sample dataset pushed into the (cleared) database, with both engines: once per dataset."""
    from chaingraph.neo4j.load import push

    name = request.param
    graph = ChainGraph.from_dataset(DATASETS / name)
    database = os.environ.get("NEO4J_DATABASE") or None
    report = push(graph, driver, database=database, clear=True)
    assert report["ok"].all(), report
    return name, graph, Neo4jGraph(driver, database, name=graph.name)


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------

FLOAT_RTOL = 1e-12
"""Float sums and means only: Neo4j's ``sum()`` / ``avg()`` add in the server's row order, pandas adds
pairwise or compensated (Kahan), so the last bit or two may differ (≤ 2e-16 relative on the samples). Every
other value, every dtype and the row order are compared exactly."""


def frame_difference(neo: pd.DataFrame, emb: pd.DataFrame) -> str | None:
    """None when the frames are equal (columns, dtypes, values, row order); else what differs."""
    if list(neo.columns) != list(emb.columns):
        return f"columns differ: neo4j {list(neo.columns)} vs embedded {list(emb.columns)}"
    dtypes = {c: (str(a), str(b)) for c, a, b in zip(neo.columns, neo.dtypes, emb.dtypes, strict=True) if a != b}
    if dtypes:
        return f"dtypes differ (neo4j, embedded): {dtypes}"
    neo, emb = neo.reset_index(drop=True), emb.reset_index(drop=True)
    floats = [c for c in emb.columns if pd.api.types.is_float_dtype(emb[c].dtype)]
    others = [c for c in emb.columns if c not in floats]
    try:
        pd.testing.assert_frame_equal(neo[others], emb[others], check_exact=True)
        pd.testing.assert_frame_equal(neo[floats], emb[floats], check_exact=False, rtol=FLOAT_RTOL, atol=0.0)
    except AssertionError as exc:
        return " ".join(str(exc).split())[:1500]
    return None


class Grid:
    """Runs a batch of (label, neo4j call, embedded call) cases and collects every difference."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.cases = 0
        self.nonempty: dict[str, int] = {}
        self.failures: list[str] = []

    def frame(self, kind: str, label: str, neo: pd.DataFrame, emb: pd.DataFrame) -> None:
        self.cases += 1
        self.nonempty[kind] = self.nonempty.get(kind, 0) + bool(len(emb))
        diff = frame_difference(neo, emb)
        if diff:
            self.failures.append(f"{self.where} {label}: {diff}")

    def run(self, kind: str, label: str, neo: Callable[[], pd.DataFrame], emb: Callable[[], pd.DataFrame]) -> None:
        try:
            got, want = neo(), emb()
        except Exception as exc:  # noqa: BLE001 - report it with the others
            self.cases += 1
            self.failures.append(f"{self.where} {label}: raised {type(exc).__name__}: {exc}")
            return
        self.frame(kind, label, got, want)

    def check(self, must_have_rows: tuple[str, ...] = ()) -> None:
        empty = [k for k in must_have_rows if not self.nonempty.get(k)]
        assert not self.failures, f"{len(self.failures)} of {self.cases} frames differ:\n" + "\n".join(self.failures)
        assert not empty, f"{self.where}: every embedded frame of {empty} is empty, the comparison proves little"


def _key_segment(graph: ChainGraph) -> str:
    return str(graph.tables["segments"].query("key_link == True")["id"].iloc[0])


# ---------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------

@needs_server
@pytest.mark.parametrize("level", LEVELS)
def test_named_queries_parity(loaded, level):
    """common_problems (chain / no chain / key segment with and without its chain × include_resolved,
    thresholds), composition, leaders, leader_reach, benchmark_gaps (and detail) with and without a chain;
    weak_links with the chain."""
    name, g, neo = loaded
    region, chain, seg = _region(name, level), SAMPLES[name][1], _key_segment(g)
    grid = Grid(f"{name} {level}")
    for c in (chain, None):
        for ir in (True, False):
            grid.run("common_problems", f"common_problems chain={c} include_resolved={ir}",
                     lambda c=c, ir=ir: neo.common_problems(region, c, include_resolved=ir),
                     lambda c=c, ir=ir: Q.common_problems(g, region, c, include_resolved=ir))
            grid.run("common_problems segment", f"common_problems chain={c} segment={seg} include_resolved={ir}",
                     lambda c=c, ir=ir: neo.common_problems(region, c, seg, min_firms=1, include_resolved=ir),
                     lambda c=c, ir=ir: Q.common_problems(g, region, c, seg, min_firms=1, include_resolved=ir))
        grid.run("common_problems", f"common_problems chain={c} min_firms=2 min_share=0.05",
                 lambda c=c: neo.common_problems(region, c, min_firms=2, min_share=0.05),
                 lambda c=c: Q.common_problems(g, region, c, min_firms=2, min_share=0.05))
        grid.run("composition", f"composition chain={c}",
                 lambda c=c: neo.composition(region, c), lambda c=c: Q.composition(g, region, c))
        grid.run("leaders", f"leaders chain={c}", lambda c=c: neo.leaders(region, c), lambda c=c: Q.leaders(g, region, c))
        grid.run("leaders", f"leaders chain={c} hops=1 candidates=3",
                 lambda c=c: neo.leaders(region, c, hops=1, candidates=3),
                 lambda c=c: Q.leaders(g, region, c, hops=1, candidates=3))
        grid.run("leader_reach", f"leader_reach chain={c}",
                 lambda c=c: neo.leader_reach(region, c), lambda c=c: Q.leader_reach(g, region, c))
        grid.run("benchmark_gaps", f"benchmark_gaps chain={c}",
                 lambda c=c: neo.benchmark_gaps(region, c), lambda c=c: Q.benchmark_gaps(g, region, c))
        grid.run("benchmark_detail", f"benchmark_gaps detail chain={c}",
                 lambda c=c: neo.benchmark_gaps(region, c, detail=True),
                 lambda c=c: Q.benchmark_gaps(g, region, c, detail=True))
    grid.run("weak_links", f"weak_links chain={chain}",
             lambda: neo.weak_links(region, chain), lambda: Q.weak_links(g, region, chain))
    grid.check(("common_problems", "composition", "leaders", "weak_links", "benchmark_gaps", "benchmark_detail"))


@needs_server
@pytest.mark.parametrize("level", LEVELS)
def test_exposure_parity_for_every_problem(loaded, level):
    """Every problem: with the chain (include_resolved False), without it (True), and with it (True,
    max_hops=1): each of chain / no chain and include_resolved both ways, three Neo4j searches a problem
    (the whole cross product doubles this test's time for no other code path)."""
    name, g, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1]
    grid = Grid(f"{name} {level}")
    for problem in g.tables["problems"]["id"]:
        for c, kw in ((chain, {}), (None, {"include_resolved": True}), (chain, {"include_resolved": True,
                                                                                "max_hops": 1})):
            grid.run("exposure", f"exposure {problem} chain={c} {kw}",
                     lambda p=problem, c=c, kw=kw: neo.exposure(p, region, c, **kw),
                     lambda p=problem, c=c, kw=kw: Q.exposure(g, p, region, c, **kw))
    grid.check(("exposure",))


@needs_server
@pytest.mark.parametrize("level", LEVELS)
def test_chain_map_parity(loaded, level):
    """Nodes, edges and meta with and without the chain, in the region and industry dimensions, with and
    without problems."""
    name, g, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1]
    grid = Grid(f"{name} {level}")
    for c in (chain, None):
        for dimension, show in (("region", True), ("industry", True), ("region", False)):
            label = f"chain_map chain={c} dimension={dimension} show_problems={show}"
            got = neo.chain_map(region, c, dimension=dimension, show_problems=show)
            want = Q.chain_map(g, region, c, dimension=dimension, show_problems=show)
            grid.frame("map_nodes", f"{label} nodes", got.nodes, want.nodes)
            grid.frame("map_edges", f"{label} edges", got.edges, want.edges)
            meta_got = {k: v for k, v in got.meta.items() if k != "dataset"}
            meta_want = {k: v for k, v in want.meta.items() if k != "dataset"}
            differ = {k: (meta_got.get(k), meta_want.get(k)) for k in sorted(meta_got.keys() | meta_want.keys())
                      if meta_got.get(k) != meta_want.get(k)}
            if differ:
                grid.failures.append(f"{grid.where} {label} meta (neo4j, embedded): {differ}")
    grid.check(("map_nodes", "map_edges"))


@needs_server
@pytest.mark.parametrize("level", ("city", "province"))
def test_as_of_and_history_parity(loaded, level):
    """as_of (before the first observation, mid-way, the data date) on every named query with the chain;
    problem_changes between two dates; compare_regions over the sub-regions."""
    name, g, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1]
    dates = sorted(g.tables["observations"]["observed_on"].dropna())
    middle = str(dates[len(dates) // 2].date())
    grid = Grid(f"{name} {level}")
    problem = str(g.tables["problems"]["id"].iloc[0])
    for day in ("2000-01-01", middle, g.meta["data_date"]):
        for ir in (True, False):
            grid.run("common_problems", f"common_problems as_of={day} include_resolved={ir}",
                     lambda d=day, ir=ir: neo.common_problems(region, chain, include_resolved=ir, as_of=d),
                     lambda d=day, ir=ir: Q.common_problems(g, region, chain, include_resolved=ir, as_of=d))
        for q in ("composition", "leaders", "weak_links", "benchmark_gaps", "compare_regions"):
            grid.run(q, f"{q} as_of={day}", lambda d=day, q=q: getattr(neo, q)(region, chain, as_of=d),
                     lambda d=day, q=q: getattr(Q, q)(g, region, chain, as_of=d))
        grid.run("exposure", f"exposure as_of={day}", lambda d=day: neo.exposure(problem, region, chain, as_of=d),
                 lambda d=day: Q.exposure(g, problem, region, chain, as_of=d))
        got, want = neo.chain_map(region, chain, as_of=day), Q.chain_map(g, region, chain, as_of=day)
        grid.frame("map_nodes", f"chain_map as_of={day} nodes", got.nodes, want.nodes)
        grid.frame("map_edges", f"chain_map as_of={day} edges", got.edges, want.edges)
        if {k: v for k, v in got.meta.items() if k != "dataset"} != {k: v for k, v in want.meta.items()
                                                                      if k != "dataset"}:
            grid.failures.append(f"{grid.where} chain_map as_of={day} meta: {got.meta} vs {want.meta}")
    grid.run("problem_changes", f"problem_changes since={middle}",
             lambda: neo.problem_changes(region, chain, since=middle),
             lambda: Q.problem_changes(g, region, chain, since=middle))
    grid.check(("common_problems", "composition", "compare_regions", "problem_changes", "map_nodes"))


@needs_server
@pytest.mark.parametrize("level", LEVELS)
def test_ledger_parity(loaded, level):
    """ledger (with and without the chain, a body, a status, as_of), ledger_summary by every grouping, and
    progress (the national targets: the samples have no targets table) at two dates."""
    name, g, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1]
    body = str(g.tables["assistance"]["body_id"].iloc[0])
    grid = Grid(f"{name} {level}")
    for c in (chain, None):
        for kw in ({}, {"as_of": "2024-03-31"}, {"status": "resolved"}, {"body": body}):
            grid.run("ledger", f"ledger chain={c} {kw}", lambda c=c, kw=kw: neo.ledger(region, c, **kw),
                     lambda c=c, kw=kw: Q.ledger(g, region, c, **kw))
        for by in (None, "body", "region", "chain", "problem"):
            grid.run("ledger_summary", f"ledger_summary chain={c} by={by}",
                     lambda c=c, by=by: neo.ledger_summary(region, c, by=by),
                     lambda c=c, by=by: Q.ledger_summary(g, region, c, by=by))
    if level == "country":
        for as_of in (None, "2024-06-30"):
            grid.run("progress", f"progress as_of={as_of}", lambda a=as_of: neo.progress(as_of=a),
                     lambda a=as_of: Q.progress(g, as_of=a))
    grid.check(("ledger", "ledger_summary", *(("progress",) if level == "country" else ())))


@needs_server
def test_read_only_query_runs_on_the_server(loaded):
    name, graph, neo = loaded
    region, _chain = SAMPLES[name]
    out = neo.run_query("MATCH (e:Enterprise) WHERE e.region_code STARTS WITH $p RETURN count(e) AS n",
                        {"p": region[:4]})
    assert int(out["n"].iloc[0]) == int(graph.region_mask(region[:4] + "00").sum())


@needs_server
def test_enterprises_are_keyed_on_id_with_their_identity_properties(loaded, driver):
    """Schema 2 on the server: one node per enterprise id, the credit / stock codes as optional properties."""
    name, graph, neo = loaded
    ent = graph.tables["enterprises"]
    out = neo.run_query("MATCH (e:Enterprise) RETURN e.id AS id, e.uscc AS uscc, e.stock_code AS stock_code "
                        "ORDER BY id")
    assert out["id"].tolist() == sorted(ent["id"].tolist())
    want = ent.set_index("id").loc[out["id"], ["uscc", "stock_code"]]
    for col in ("uscc", "stock_code"):
        assert [None if pd.isna(v) else v for v in out[col]] == [None if pd.isna(v) else v for v in want[col]], col
    constraints = neo.run_query("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties "
                                "WHERE name = 'chaingraph_enterprise_id' RETURN labelsOrTypes, properties")
    assert constraints.to_dict("records") == [{"labelsOrTypes": ["Enterprise"], "properties": ["id"]}]


# ---------------------------------------------------------------------------
# Plans: a county scope seeks the region_code index
# ---------------------------------------------------------------------------

def _operators(plan: Any) -> Iterator[tuple[str, str]]:
    """(operatorType, details) of every operator of a driver plan / profile tree (dicts or objects)."""
    get = plan.get if isinstance(plan, dict) else (lambda k, d=None: getattr(plan, k, d))
    args = get("args") or get("arguments") or {}
    yield str(get("operatorType") or get("operator_type")), str(args.get("Details", ""))
    for child in get("children") or []:
        yield from _operators(child)


def _profile(driver: Any, query: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    database = os.environ.get("NEO4J_DATABASE") or None
    with driver.session(database=database) as session:
        summary = session.run("PROFILE " + query, params).consume()
    assert summary.profile, "PROFILE returned no plan"
    return list(_operators(summary.profile))


def _scans_enterprises(operator: str, details: str) -> bool:
    return operator.startswith("AllNodesScan") or (operator.startswith("NodeByLabelScan") and "Enterprise" in details)


@needs_server
def test_the_plan_walker_sees_a_label_scan(loaded, driver):
    """The check below would catch a scan: a query without a usable index is planned as one."""
    ops = _profile(driver, "MATCH (e:Enterprise) WHERE e.name ENDS WITH $x RETURN count(e) AS n", {"x": "公司"})
    assert any(_scans_enterprises(op, d) for op, d in ops), ops


COUNTY_STATEMENTS = {  # (query file, statement index): what the county scope starts from
    "common_problems 1 (scope firms)": ("common_problems", 0),
    "common_problems 2 (firm x problem pairs)": ("common_problems", 1),
    "chain_map 1 (scope firms)": ("chain_map", 0),
    "chain_map 2 (supplies)": ("chain_map", 1),
    "chain_map 4 (firm x problem pairs)": ("chain_map", 3),
}


@needs_server
@pytest.mark.parametrize("what", sorted(COUNTY_STATEMENTS))
def test_county_scope_seeks_the_region_code_index(loaded, driver, what):
    """PROFILE on the server: the enterprises of a county are found by an index seek on
    ``Enterprise.region_code`` (``cypher/schema/constraints.cypher``), not by scanning every enterprise."""
    import datetime as dt

    name, graph, neo = loaded
    county, chain = SAMPLES[name]
    file, i = COUNTY_STATEMENTS[what]
    params = {"region_prefix": county, "chain": chain, "segment": None, "include_resolved": True,
              "as_of": dt.date(2024, 6, 1), "valid_on": dt.date(2024, 6, 1)}
    query = statements(file)[i]
    ops = _profile(driver, query, {k: params[k] for k in statement_parameters(query)})
    names = [op for op, _ in ops]
    scans = [(op, d) for op, d in ops if _scans_enterprises(op, d)]
    assert not scans, f"{what}: scans every enterprise: {scans} (plan: {names})"
    seeks = [(op, d) for op, d in ops if "IndexSeek" in op and "Enterprise" in d and "region_code" in d]
    assert seeks, f"{what}: no index seek on Enterprise.region_code (plan: {ops})"

