"""Parity of the two engines on a real Neo4j server: every named query, same columns, same rows.

Needs a server: set ``NEO4J_URI`` (and ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``;
``NEO4J_DATABASE`` picks a database, default the server's). Without ``NEO4J_URI`` every
test here is skipped, with that reason.

**The tests wipe the chaingraph data of that database**: each sample dataset is loaded
with ``push(graph, driver, clear=True)``, which deletes every node carrying a model label
first. Point ``NEO4J_URI`` / ``NEO4J_DATABASE`` at a scratch database.

For each sample dataset, each named query runs on the embedded graph and on Neo4j for
the dataset's own region and chain, its city and its province. Both engines finish their
own counts with the same ``finish_*`` functions of :mod:`chaingraph.queries`, and the
embedded tables are in key order, so the ties broken by row order are broken by key in
both. What this checks is the input stage: that the server runs ``cypher/queries/`` as
``tests/test_neo4j_queries.py`` emulates it. Frames are compared after sorting by a stable
key (row order aside, they are equal), floats to a relative 1e-9.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from chaingraph import queries as Q
from chaingraph.graph import ChainGraph
from chaingraph.neo4j.graph import Neo4jGraph

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                       reason="NEO4J_URI is not set: the Neo4j parity tests need a server (they wipe its "
                              "chaingraph data; use a scratch database)"),
]

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
SAMPLES = {  # dataset -> (own region, chain)
    "wuxing-childrenswear": ("330502", "childrenswear"),
    "anping-wiremesh": ("131125", "wiremesh"),
    "shangyu-umbrella": ("330604", "umbrella"),
}
LEVELS = ("own", "city", "province")

KEYS: dict[str, list[str]] = {
    "common_problems": ["chain_id", "problem_id"],
    "composition": ["segment_id", "size"],
    "leaders": ["role", "uscc"],
    "leader_reach": ["leader_uscc", "direction", "uscc"],
    "weak_links": ["kind", "segment_id", "uscc", "related_uscc"],
    "exposure": ["uscc"],
    "benchmark_gaps": ["benchmark_id"],
    "benchmark_detail": ["benchmark_id", "uscc"],
    "map_nodes": ["kind", "node_id"],
    "map_edges": ["type", "source", "target"],
}


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)


def assert_parity(kind: str, neo: pd.DataFrame, emb: pd.DataFrame) -> None:
    assert list(neo.columns) == list(emb.columns), kind
    assert dict(neo.dtypes.astype(str)) == dict(emb.dtypes.astype(str)), kind
    keys = KEYS[kind]
    assert not emb.duplicated(keys).any(), f"{kind}: {keys} is not a key of the embedded frame"
    pd.testing.assert_frame_equal(_sorted(neo, keys), _sorted(emb, keys), check_exact=False, rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def driver():
    from chaingraph.neo4j.load import connect

    drv = connect()
    yield drv
    drv.close()


@pytest.fixture(scope="module", params=sorted(SAMPLES))
def loaded(request, driver) -> tuple[str, ChainGraph, Neo4jGraph]:
    """One sample dataset pushed into the (cleared) database, with both engines."""
    from chaingraph.neo4j.load import push

    name = request.param
    graph = ChainGraph.from_dataset(DATASETS / name)
    database = os.environ.get("NEO4J_DATABASE") or None
    report = push(graph, driver, database=database, clear=True)
    assert report["ok"].all(), report
    return name, graph, Neo4jGraph(driver, database, name=graph.name)


def _region(name: str, level: str) -> str:
    code = SAMPLES[name][0]
    return {"own": code, "city": code[:4] + "00", "province": code[:2] + "0000"}[level]


QUERIES: dict[str, Callable[[object, str, str], pd.DataFrame]] = {
    "common_problems": lambda b, r, c: b.common_problems(r, c) if isinstance(b, Neo4jGraph)
    else Q.common_problems(b, r, c),
    "composition": lambda b, r, c: b.composition(r, c) if isinstance(b, Neo4jGraph) else Q.composition(b, r, c),
    "leaders": lambda b, r, c: b.leaders(r, c) if isinstance(b, Neo4jGraph) else Q.leaders(b, r, c),
    "weak_links": lambda b, r, c: b.weak_links(r, c) if isinstance(b, Neo4jGraph) else Q.weak_links(b, r, c),
    "leader_reach": lambda b, r, c: b.leader_reach(r, c) if isinstance(b, Neo4jGraph) else Q.leader_reach(b, r, c),
    "benchmark_gaps": lambda b, r, c: b.benchmark_gaps(r, c) if isinstance(b, Neo4jGraph)
    else Q.benchmark_gaps(b, r, c),
    "benchmark_detail": lambda b, r, c: b.benchmark_gaps(r, c, detail=True) if isinstance(b, Neo4jGraph)
    else Q.benchmark_gaps(b, r, c, detail=True),
}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("query", sorted(QUERIES))
def test_named_query_parity(loaded, level, query):
    name, graph, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1]
    emb = QUERIES[query](graph, region, chain)
    assert len(emb), f"{name} {level} {query}: the embedded frame is empty, the comparison would prove little"
    assert_parity(query, QUERIES[query](neo, region, chain), emb)


@pytest.mark.parametrize("level", LEVELS)
def test_common_problems_variants_parity(loaded, level):
    name, graph, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1]
    kw = {"include_resolved": False, "min_firms": 2, "min_share": 0.05}
    assert_parity("common_problems", neo.common_problems(region, chain, **kw),
                  Q.common_problems(graph, region, chain, **kw))
    assert_parity("common_problems", neo.common_problems(region, None), Q.common_problems(graph, region, None))
    key = graph.tables["segments"].query("key_link == True")["id"].iloc[0]
    assert_parity("common_problems", neo.common_problems(region, chain, key, min_firms=1),
                  Q.common_problems(graph, region, chain, key, min_firms=1))
    assert_parity("common_problems", neo.common_problems(region, None, key, min_firms=1, include_resolved=False),
                  Q.common_problems(graph, region, None, key, min_firms=1, include_resolved=False))


@pytest.mark.parametrize("level", LEVELS)
def test_exposure_parity_for_every_problem(loaded, level):
    name, graph, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1]
    for problem in graph.tables["problems"]["id"]:
        for kw in ({}, {"max_hops": 1, "include_resolved": True}):
            assert_parity("exposure", neo.exposure(problem, region, chain, **kw),
                          Q.exposure(graph, problem, region, chain, **kw))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dimension", ["region", "industry", "region without problems"])
@pytest.mark.parametrize("chain_given", [True, False])
def test_chain_map_parity(loaded, level, dimension, chain_given):
    name, graph, neo = loaded
    region, chain = _region(name, level), SAMPLES[name][1] if chain_given else None
    kw = {"dimension": dimension.split()[0], "show_problems": "without" not in dimension}
    got = neo.chain_map(region, chain, **kw)
    want = Q.chain_map(graph, region, chain, **kw)
    assert_parity("map_nodes", got.nodes, want.nodes)
    assert_parity("map_edges", got.edges, want.edges)
    assert {k: v for k, v in got.meta.items() if k != "dataset"} == {
        k: v for k, v in want.meta.items() if k != "dataset"}


def test_read_only_query_runs_on_the_server(loaded):
    name, graph, neo = loaded
    region, chain = SAMPLES[name]
    out = neo.run_query("MATCH (e:Enterprise) WHERE e.region_code STARTS WITH $p RETURN count(e) AS n",
                        {"p": region[:4]})
    assert int(out["n"].iloc[0]) == int(graph.region_mask(region[:4] + "00").sum())
