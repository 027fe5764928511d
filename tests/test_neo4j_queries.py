"""The Neo4j named queries without a server: the Cypher sent, its parameters, and the frames made from it.

A fake driver records every ``execute_read`` and every statement run in it, and answers
from :class:`FakeNeo4j`: an independent emulation, written here in plain Python over a
ChainGraph's tables, of what a Neo4j server returns for each statement of
``cypher/queries/`` on that graph loaded by ``push`` (Cypher semantics: ``collect()``
skips nulls and keeps the ``ORDER BY`` order, ``ORDER BY x IS NOT NULL, x`` puts nulls
first, ``sum`` of nothing is 0, dates come back as ``neo4j.time.Date``, rows and
``collect(DISTINCT …)`` / pattern-comprehension lists in an arbitrary order, here
shuffled; ``WITHIN*0..2`` walks the GB/T 2260 parents). With those canned records the
final frames must equal the embedded frames on the same graph: both engines run the same
finishers (``finish_*`` of :mod:`chaingraph.queries`) on their own counts, and the
embedded tables are in key order, the order the finishers re-derive from the ids.

What this does NOT show: that a real server executes the Cypher as emulated (that is
``tests/test_neo4j_parity.py``, against a server given by ``NEO4J_URI``); the Cypher is
checked here only by its exact text and by Neo4j's own linter (``tests/test_cypher_lint.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from neo4j import Record
from neo4j.time import Date

from chaingraph import queries as Q
from chaingraph.errors import BackendError, ScopeError
from chaingraph.graph import ChainGraph
from chaingraph.ingest.regions import load_regions
from chaingraph.neo4j.graph import (
    QUERY_FILES,
    Neo4jGraph,
    bfs_downstream,
    check_read_only,
    parse_param,
    parse_params,
    run_query,
    statement_parameters,
    statements,
)
from chaingraph.neo4j.load import declared_parameters, load_cypher, split_statements
from chaingraph.queries.benchmarks import COLUMNS as BENCHMARK_COLUMNS
from chaingraph.queries.composition import COLUMNS as COMPOSITION_COLUMNS
from chaingraph.queries.exposure import COLUMNS as EXPOSURE_COLUMNS
from chaingraph.queries.leaders import COLUMNS as LEADER_COLUMNS
from chaingraph.queries.leaders import REACH_COLUMNS
from chaingraph.queries.problems import COLUMNS as PROBLEM_COLUMNS

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO / "datasets"
SAMPLES = {  # dataset -> (own region, chain)
    "wuxing-childrenswear": ("330502", "childrenswear"),
    "anping-wiremesh": ("131125", "wiremesh"),
    "shangyu-umbrella": ("330604", "umbrella"),
}


# ---------------------------------------------------------------------------
# The emulated server
# ---------------------------------------------------------------------------

def _na(x: Any) -> bool:
    return x is None or (not isinstance(x, (list, tuple, str)) and bool(pd.isna(x)))


def _val(x: Any) -> Any:
    """A table value as the driver returns it."""
    if _na(x):
        return None
    if isinstance(x, pd.Timestamp):
        return Date(x.year, x.month, x.day)
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    return x


def _records(table: str, df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [c for c in df.columns if not c.startswith("_")]
    return [{c: _val(v) for c, v in zip(cols, row, strict=True)} for row in df[cols].itertuples(index=False)]


def _date_key(d: Date | None) -> tuple:
    """ORDER BY x IS NOT NULL, x: nulls first."""
    return (d is not None, d.iso_format() if d is not None else "")


def _percentile_cont(values: list[float], p: float) -> float:
    """Neo4j's percentileCont: linear interpolation between the closest ranks."""
    v = sorted(values)
    idx = p * (len(v) - 1)
    lo, hi = math.floor(idx), math.ceil(idx)
    return v[lo] + (v[hi] - v[lo]) * (idx - lo)


class FakeNeo4j:
    """What a Neo4j server returns for each chaingraph statement, on the graph pushed from ``graph``.

    Rows and unordered lists come back shuffled (``seed``), as a server gives no order
    without ORDER BY.
    """

    def __init__(self, graph: ChainGraph, seed: int = 0) -> None:
        t = graph.tables
        self.rng = random.Random(seed)
        self.ents = {r["id"]: r for r in _records("enterprises", t["enterprises"])}
        self.segs = {r["id"]: r for r in _records("segments", t["segments"])}
        self.chains = _records("chains", t["chains"])
        self.problems = _records("problems", t["problems"])
        self.benchmarks = {r["id"]: r for r in _records("benchmarks", t["benchmarks"])}
        self.ops: dict[str, list[str]] = defaultdict(list)
        for r in _records("operates_in", t["operates_in"]):
            if r["segment_id"] not in self.ops[r["enterprise_id"]]:
                self.ops[r["enterprise_id"]].append(r["segment_id"])
        self.obs = _records("observations", t["observations"])
        self.sup = _records("supplies", t["supplies"])
        self.leads = _records("leaders", t["leaders"])
        self.meas = _records("measurements", t["measurements"])
        self.certs = _records("certifications", t["certifications"])
        self.assists = _records("assistance", t["assistance"])
        self.flows = _records("segment_flows", t["segment_flows"])
        self.emulators: dict[str, Callable[[dict[str, Any]], tuple[list[str], list[list[Any]]]]] = {}
        for name, per_statement in self._by_file().items():
            for query, fn in zip(statements(name), per_statement, strict=True):
                self.emulators[query] = fn

    # -- helpers ------------------------------------------------------------------------
    def shuffled(self, items: list) -> list:
        items = list(items)
        self.rng.shuffle(items)
        return items

    def segment_ids(self, u: str, chain: str | None = None, segment: str | None = None) -> list[str]:
        """[(e)-[:OPERATES_IN]->(s)-[:PART_OF]->(c) WHERE … | s.id]: in segment, else in chain (None: any)."""
        ids = [s for s in self.ops.get(u, []) if (s == segment if segment is not None
                                                   else chain is None or self.segs[s]["chain_id"] == chain)]
        return self.shuffled(ids)

    def in_chain(self, u: str, chain: str | None) -> bool:
        return chain is None or any(self.segs[s]["chain_id"] == chain for s in self.ops.get(u, []))

    def in_region(self, u: str, p: dict[str, Any]) -> bool:
        return self.ents[u]["region_code"].startswith(p["region_prefix"])

    def in_scope(self, u: str, p: dict[str, Any]) -> bool:
        return self.in_region(u, p) and self.in_chain(u, p["chain"])

    def scope(self, p: dict[str, Any]) -> list[str]:
        return [u for u in self.ents if self.in_scope(u, p)]

    def cp_scope(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """common_problems scope: firm → its segments in the scope (segment $segment, else chain $chain)."""
        out = {}
        for u in self.ents:
            ids = self.segment_ids(u, p["chain"], p["segment"]) if self.in_region(u, p) else []
            if p["segment"] is None and p["chain"] is None:
                ids = []  # s.id = null OR null IS NULL AND c.id = null: never true
            if ids:
                out[u] = ids
        return out

    def leads_chain(self, u: str, chain: str | None) -> list[dict[str, Any]]:
        return [r for r in self.leads if r["enterprise_id"] == u and (chain is None or r["chain_id"] == chain)]

    def designated(self, u: str, chain: str | None) -> bool:
        """EXISTS { (e)-[l:LEADS]->(c) … AND (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l…}) }."""
        code = self.ents[u]["region_code"]
        up = {code, *load_regions().ancestors(code)}
        return any(r["region_code"] in up for r in self.leads_chain(u, chain))

    def certified(self, u: str, as_of: dt.date) -> bool:
        valid = any(c["enterprise_id"] == u and (c["expires"] is None or c["expires"].iso_format() >= as_of.isoformat())
                    for c in self.certs)
        return self.ents[u]["qms_certified"] is True or valid

    def ordered_obs(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source."""
        return sorted(self.shuffled(rows), key=lambda o: (*_date_key(o["observed_on"]), o["source"]))

    @staticmethod
    def last_status(rows: list[dict[str, Any]]) -> str:
        """coalesce(collect(o.status)[-1], 'open') after the ORDER BY: the last non-null status."""
        statuses = [o["status"] for o in rows if o["status"] is not None]
        return statuses[-1] if statuses else "open"

    def pairs(self, users: set[str], problem: str | None = None) -> dict[tuple[str, str], list[dict[str, Any]]]:
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for o in self.obs:
            if o["enterprise_id"] in users and (problem is None or o["problem_id"] == problem):
                groups[(o["enterprise_id"], o["problem_id"])].append(o)
        return {k: self.ordered_obs(v) for k, v in groups.items()}

    def latest_values(self, users: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """Per (firm, benchmark) the collect()[-1] of value and measured_on, ordered by date (nulls first)."""
        groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for m in self.meas:
            if m["enterprise_id"] in users:
                groups[(m["enterprise_id"], m["benchmark_id"])].append(m)
        out = {}
        for k, rows in groups.items():
            rows = sorted(self.shuffled(rows), key=lambda m: _date_key(m["measured_on"]))
            dates = [m["measured_on"] for m in rows if m["measured_on"] is not None]
            out[k] = {"value": [m["value"] for m in rows if m["value"] is not None][-1],
                      "measured_on": dates[-1] if dates else None}
        return out

    def answer(self, query: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        if query not in self.emulators:
            raise AssertionError(f"unexpected Cypher sent:\n{query}")
        day = params.get("as_of")
        if day is None:
            return self.emulators[query](params)
        # $as_of: rows dated after it are not matched (undated ones are), in every pattern of the statement
        kept = {"obs": "observed_on", "meas": "measured_on", "certs": "issued", "leads": "since"}
        saved = {a: getattr(self, a) for a in kept}
        for a, col in kept.items():
            setattr(self, a, [r for r in saved[a] if r[col] is None or r[col].iso_format() <= day.isoformat()])
        try:
            return self.emulators[query](params)
        finally:
            for a, rows in saved.items():
                setattr(self, a, rows)

    @staticmethod
    def table(keys: list[str], rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
        return keys, [[r[k] for k in keys] for r in rows]

    # -- statements -----------------------------------------------------------------------
    def _by_file(self) -> dict[str, list[Callable]]:
        return {
            "catalog_chains": [self.catalog_chains],
            "catalog_segments": [self.catalog_segments],
            "catalog_problems": [self.catalog_problems],
            "catalog_benchmarks": [self.catalog_benchmarks],
            "data_date": [self.data_date],
            "common_problems": [self.cp_groups, self.cp_counts, self.cp_leaders, self.cp_means],
            "composition": [self.composition],
            "benchmark_gaps": [self.bench_metrics, self.bench_detail],
            "leaders": [self.leader_firms, self.leader_designations, self.scope_edges],
            "weak_links": [self.weak_firms, self.weak_supplies],
            "exposure": [self.exp_sources, self.exp_step, self.exp_firms],
            "chain_map": [self.map_firms, self.map_supplies, self.map_feeds, self.map_pairs],
        }

    def catalog_chains(self, p):
        return self.table(["id", "name"], sorted(self.chains, key=lambda r: r["id"]))

    def catalog_segments(self, p):
        rows = [{**r, "flow_order": r["order"]} for r in self.segs.values()]
        rows.sort(key=lambda r: (r["chain_id"], r["flow_order"], r["id"]))
        return self.table(["id", "chain_id", "name", "stage", "flow_order", "key_link"], rows)

    def catalog_problems(self, p):
        return self.table(["id", "name", "category", "kind", "standard_ref", "benchmark_id"],
                          sorted(self.problems, key=lambda r: r["id"]))

    def catalog_benchmarks(self, p):
        return self.table(["id", "metric", "unit", "domestic_advanced", "international_advanced", "higher_is_better"],
                          sorted(self.benchmarks.values(), key=lambda r: r["id"]))

    def data_date(self, p):
        def latest(rows: list[dict[str, Any]], col: str) -> Date | None:
            ds = [r[col] for r in rows if r[col] is not None]
            return max(ds, key=lambda d: d.iso_format()) if ds else None

        return self.table(["observed_on", "measured_on", "started", "issued"], [{
            "observed_on": latest(self.obs, "observed_on"), "measured_on": latest(self.meas, "measured_on"),
            "started": latest(self.assists, "started"), "issued": latest(self.certs, "issued")}])

    def cp_groups(self, p):
        groups: dict[tuple, int] = defaultdict(int)
        for ids in self.cp_scope(p).values():
            groups[tuple(ids)] += 1
        rows = [{"segment_ids": list(k), "firms": n} for k, n in groups.items()]
        return self.table(["segment_ids", "firms"], self.shuffled(rows))

    def cp_counts(self, p):
        scope = self.cp_scope(p)
        groups: dict[tuple, dict[str, Any]] = {}
        for (u, pid), obs in self.pairs(set(scope)).items():
            status = self.last_status(obs)
            if not p["include_resolved"] and status == "resolved":
                continue
            sources = list(dict.fromkeys(o["source"] for o in obs))  # collect(DISTINCT …) in ORDER BY order
            sev = max(o["severity"] for o in obs)
            g = groups.setdefault((pid, tuple(scope[u]), tuple(sources)), {
                "problem_id": pid, "segment_ids": scope[u], "sources": sources, "affected": 0, "sev_sum": 0,
                "max_severity": sev, "observations": 0, "open": 0, "improving": 0, "resolved": 0})
            g["affected"] += 1
            g["sev_sum"] += sev
            g["max_severity"] = max(g["max_severity"], sev)
            g["observations"] += len(obs)
            g[status] += 1
        keys = ["problem_id", "segment_ids", "sources", "affected", "sev_sum", "max_severity", "observations",
                "open", "improving", "resolved"]
        return self.table(keys, self.shuffled(list(groups.values())))

    def cp_leaders(self, p):
        leaders = {u for u in self.cp_scope(p) if self.designated(u, p["chain"])}
        rows = [{"problem_id": pid, "enterprise": self.ents[u]["name"]}
                for (u, pid), obs in self.pairs(leaders).items()
                if p["include_resolved"] or self.last_status(obs) != "resolved"]
        return self.table(["problem_id", "enterprise"], self.shuffled(rows))

    def cp_means(self, p):
        latest = self.latest_values(list(self.cp_scope(p)))
        per: dict[str, list[float]] = defaultdict(list)
        for (_u, b), v in latest.items():
            per[b].append(v["value"])
        rows = [{"benchmark_id": b, "scope_mean": sum(vs) / len(vs)} for b, vs in per.items()]
        return self.table(["benchmark_id", "scope_mean"], self.shuffled(rows))

    def composition(self, p):
        per_group: dict[tuple[str, str], dict[str, Any]] = {}
        for u, e in self.ents.items():
            if not self.in_region(u, p):
                continue
            firm_obs = [o for o in self.obs if o["enterprise_id"] == u]
            is_open = any(self.last_status(rows) in ("open", "improving") for rows in self.pairs({u}).values())
            for s in self.ops.get(u, []):
                if p["chain"] is not None and self.segs[s]["chain_id"] != p["chain"]:
                    continue
                g = per_group.setdefault((s, e["size"]), {
                    "segment_id": s, "size": e["size"], "enterprises": 0, "employees": 0, "revenue": 0,
                    "qms_certified": 0, "certified": 0, "with_open_problems": 0, "n_obs": 0, "sev_sum": 0})
                g["enterprises"] += 1
                g["employees"] += e["employees"] or 0
                g["revenue"] += e["revenue"] or 0  # stays the integer 0 when every value is null, as sum()
                g["qms_certified"] += e["qms_certified"] is True
                g["certified"] += self.certified(u, p["valid_on"])
                g["with_open_problems"] += is_open
                g["n_obs"] += len(firm_obs)
                g["sev_sum"] += sum(o["severity"] for o in firm_obs)
        keys = ["segment_id", "size", "enterprises", "employees", "revenue", "qms_certified", "certified",
                "with_open_problems", "n_obs", "sev_sum"]
        return self.table(keys, self.shuffled(list(per_group.values())))

    def bench_metrics(self, p):
        per: dict[str, list[float]] = defaultdict(list)
        for (_u, b), v in self.latest_values(self.scope(p)).items():
            per[b].append(v["value"])
        rows = []
        for b, vs in per.items():
            bench = self.benchmarks[b]
            sign = 1.0 if bench["higher_is_better"] in (True, None) else -1.0

            def meets(level: float | None, vs: list[float] = vs, sign: float = sign) -> int:
                return sum(1 for v in vs if level is not None and sign * (level - v) <= 0)

            rows.append({"benchmark_id": b, "firms_measured": len(vs), "mean": sum(vs) / len(vs),
                         "median": _percentile_cont(vs, 0.5), "max_value": max(vs), "min_value": min(vs),
                         "meets_domestic": meets(bench["domestic_advanced"]),
                         "meets_international": meets(bench["international_advanced"])})
        keys = ["benchmark_id", "firms_measured", "mean", "median", "max_value", "min_value", "meets_domestic",
                "meets_international"]
        return self.table(keys, self.shuffled(rows))

    def bench_detail(self, p):
        rows = [{"benchmark_id": b, "enterprise_id": u, "enterprise": self.ents[u]["name"], "value": v["value"],
                 "measured_on": v["measured_on"]} for (u, b), v in self.latest_values(self.scope(p)).items()]
        return self.table(["benchmark_id", "enterprise_id", "enterprise", "value", "measured_on"], self.shuffled(rows))

    def leader_firms(self, p):
        rows = [{"enterprise_id": u, "enterprise": self.ents[u]["name"], "size": self.ents[u]["size"],
                 "segment_ids": self.segment_ids(u, p["chain"]), "designated": self.designated(u, p["chain"])}
                for u in self.scope(p)]
        return self.table(["enterprise_id", "enterprise", "size", "segment_ids", "designated"], self.shuffled(rows))

    def leader_designations(self, p):
        rows = [{"enterprise_id": u, "region_code": r["region_code"], "since": r["since"]}
                for u in self.scope(p) for r in self.leads_chain(u, p["chain"])
                if r["region_code"] in {self.ents[u]["region_code"], *load_regions().ancestors(self.ents[u]["region_code"])}]
        return self.table(["enterprise_id", "region_code", "since"], self.shuffled(rows))

    def _scope_supplies(self, p) -> list[dict[str, Any]]:
        scope = set(self.scope(p))
        return [r for r in self.sup if r["supplier_id"] in scope and r["customer_id"] in scope]

    def scope_edges(self, p):
        groups: dict[tuple[str, str], int] = defaultdict(int)
        for r in self._scope_supplies(p):
            groups[(r["supplier_id"], r["customer_id"])] += 1
        rows = [{"source": a, "target": b, "products": n} for (a, b), n in groups.items()]
        return self.table(["source", "target", "products"], self.shuffled(rows))

    def weak_firms(self, p):
        rows = [{"enterprise_id": u, "enterprise": self.ents[u]["name"], "segment_ids": self.segment_ids(u, p["chain"]),
                 "observations": sum(1 for o in self.obs if o["enterprise_id"] == u)} for u in self.scope(p)]
        return self.table(["enterprise_id", "enterprise", "segment_ids", "observations"], self.shuffled(rows))

    def weak_supplies(self, p):
        scope = set(self.scope(p))
        pairs = {(r["supplier_id"], r["customer_id"]) for r in self.sup if r["customer_id"] in scope}
        rows = [{"supplier": a, "supplier_name": self.ents[a]["name"], "customer": b,
                 "supplier_segment_ids": self.segment_ids(a, p["chain"])} for a, b in pairs]
        return self.table(["supplier", "supplier_name", "customer", "supplier_segment_ids"], self.shuffled(rows))

    def exp_sources(self, p):
        scope = {u for u in self.ents if self.in_scope(u, p)}
        rows = [{"enterprise_id": u} for (u, _pid), obs in self.pairs(scope, p["problem"]).items()
                if p["include_resolved"] or self.last_status(obs) != "resolved"]
        return self.table(["enterprise_id"], self.shuffled(rows))

    def exp_step(self, p):
        frontier = set(p["frontier"])
        pairs = {(r["supplier_id"], r["customer_id"]) for r in self.sup if r["supplier_id"] in frontier}
        return self.table(["supplier", "customer"], self.shuffled([{"supplier": a, "customer": b} for a, b in pairs]))

    def exp_firms(self, p):
        rows = [{"enterprise_id": u, "enterprise": self.ents[u]["name"], "region_code": self.ents[u]["region_code"],
                 "size": self.ents[u]["size"], "segment_ids": self.segment_ids(u, p["chain"]),
                 "in_scope": self.in_scope(u, p)} for u in p["ids"] if u in self.ents]
        keys = ["enterprise_id", "enterprise", "region_code", "size", "segment_ids", "in_scope"]
        return self.table(keys, self.shuffled(rows))

    def map_firms(self, p):
        rows = []
        for u in self.scope(p):
            e = self.ents[u]
            rows.append({"enterprise_id": u, "uscc": e.get("uscc"), "stock_code": e.get("stock_code"),
                         "short_name": e.get("short_name"), "region_source": e.get("region_source"),
                         "id_source": e.get("id_source"), "name": e["name"], "region_code": e["region_code"], "size": e["size"],
                         "revenue": e["revenue"], "employees": e["employees"], "qms_certified": e["qms_certified"],
                         "certified": self.certified(u, p["valid_on"]), "is_leader": self.designated(u, p["chain"]),
                         "segment_ids": self.segment_ids(u, p["chain"])})
        keys = ["enterprise_id", "uscc", "stock_code", "short_name", "name", "region_code", "region_source",
                "id_source", "size", "revenue", "employees", "qms_certified", "certified", "is_leader", "segment_ids"]
        return self.table(keys, self.shuffled(rows))

    def map_supplies(self, p):
        rows = [{"source": r["supplier_id"], "target": r["customer_id"], "product": r["product"],
                 "value": r["value"]} for r in self._scope_supplies(p)]
        return self.table(["source", "target", "product", "value"], self.shuffled(rows))

    def map_feeds(self, p):
        rows = [{"source": f["from_segment"], "target": f["to_segment"]} for f in self.flows
                if p["chain"] is None or (self.segs[f["from_segment"]]["chain_id"] == p["chain"]
                                          and self.segs[f["to_segment"]]["chain_id"] == p["chain"])]
        return self.table(["source", "target"], self.shuffled(rows))

    def map_pairs(self, p):
        rows = [{"enterprise_id": u, "problem_id": pid, "severity": max(o["severity"] for o in obs)}
                for (u, pid), obs in self.pairs(set(self.scope(p))).items()]
        return self.table(["enterprise_id", "problem_id", "severity"], self.shuffled(rows))


class FakeResult:
    def __init__(self, keys: list[str], rows: list[list[Any]]) -> None:
        self._keys = keys
        self._records = [Record(zip(keys, r, strict=True)) for r in rows]

    def keys(self) -> list[str]:
        return list(self._keys)

    def __iter__(self):
        return iter(self._records)


class FakeTx:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver = driver

    def run(self, query: str, parameters: dict[str, Any] | None = None) -> FakeResult:
        params = dict(parameters or {})
        self.driver.calls.append((query, params))
        if self.driver.server is None:
            return FakeResult(["n"], [[1]])
        return FakeResult(*self.driver.server.answer(query, params))


class FakeSession:
    def __init__(self, driver: FakeDriver, database: str | None) -> None:
        self.driver = driver
        driver.databases.append(database)

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_read(self, work: Callable[[FakeTx], Any]) -> Any:
        self.driver.reads += 1
        return work(FakeTx(self.driver))

    def execute_write(self, work: Callable[[FakeTx], Any]) -> Any:
        raise AssertionError("a named query must never open a write transaction")

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("queries must run in managed read transactions (execute_read), not session.run")


class FakeDriver:
    """Records sessions, read transactions and (query, parameters) of every statement."""

    def __init__(self, server: FakeNeo4j | None = None) -> None:
        self.server = server
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.reads = 0
        self.databases: list[str | None] = []

    def session(self, database: str | None = None, **kwargs: Any) -> FakeSession:
        return FakeSession(self, database)

    def texts(self) -> list[str]:
        return [q for q, _ in self.calls]


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def samples() -> dict[str, ChainGraph]:
    return {name: ChainGraph.from_dataset(DATASETS / name) for name in SAMPLES}


def _tricky(tiny: ChainGraph) -> ChainGraph:
    """The conftest ``tiny`` graph plus what the sample data lacks: same-day observations that disagree,
    undated ones, unknown statuses, a firm without a credit code (a stock code instead), a firm in two segments
    and two chains, a leader designated twice, a firm
    designated for a region that does not contain it, an undated measurement, a supplier outside every scope,
    parallel supply edges, two leaders with one problem, problems sharing a benchmark, an expired certificate
    and one expiring on the data date (2024-06-01)."""
    t = {k: v[[c for c in v.columns if not c.startswith("_")]].copy() for k, v in tiny.tables.items()}
    ent = t["enterprises"]
    u = dict(zip(ent["name"], ent["id"], strict=True))
    # schema 2: a listed firm whose list gives no credit code (its id stays; uscc NA, a stock code)
    listed = (ent["name"] == "企业E3").to_numpy()
    ent.loc[listed, "uscc"] = pd.NA
    ent.loc[listed, "stock_code"] = "600373.SH"
    obs = t["observations"]
    extra = pd.DataFrame({
        "enterprise_id": [u["企业E2"], u["企业E2"], u["企业E5"], u["企业E5"], u["企业E6"], u["企业E7"], u["企业E4"],
                 u["企业E6"], u["企业E3"]],
        "problem_id": ["P2", "P2", "P1", "P1", "P3", "P3", "P2", "P1", "P4"],
        "severity": [3, 4, 2, 5, 1, 2, 4, 3, 2],
        "source": ["survey", "complaint", "audit", "spot_check", "survey", "audit", "audit", "survey", "survey"],
        "observed_on": [pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-01"), pd.NaT, pd.NaT,
                        pd.Timestamp("2024-02-02"), pd.NaT, pd.Timestamp("2023-12-01"), pd.NaT,
                        pd.Timestamp("2024-04-04")],
        "status": ["resolved", "open", "improving", None, None, None, "improving", "resolved", None],
    })
    t["observations"] = pd.concat([obs, extra.astype(obs.dtypes.to_dict())], ignore_index=True)
    ops = t["operates_in"]
    t["operates_in"] = pd.concat([ops, pd.DataFrame({"enterprise_id": [u["企业E6"], u["企业E6"], u["企业E2"]],
                                                     "segment_id": ["dye", "weave", "sell"]}).astype(
        ops.dtypes.to_dict())], ignore_index=True)
    lead = t["leaders"]
    t["leaders"] = pd.concat([lead, pd.DataFrame({
        "enterprise_id": [u["企业E4"], u["企业E2"], u["企业E9"], u["企业E5"]], "chain_id": ["kids", "kids", "mesh", "kids"],
        "region_code": ["330500", "330502", "131125", "330503"],
        "since": [pd.Timestamp("2023-06-01"), pd.NaT, pd.Timestamp("2021-01-01"), pd.Timestamp("2020-02-02")]}).astype(
        lead.dtypes.to_dict())],
        ignore_index=True)
    mea = t["measurements"]
    t["measurements"] = pd.concat([mea, pd.DataFrame({
        "enterprise_id": [u["企业E4"], u["企业E5"], u["企业E8"]], "benchmark_id": ["B1", "B1", "B2"], "value": [4.5, 2.0, 18.0],
        "measured_on": [pd.NaT, pd.Timestamp("2024-02-02"), pd.NaT]}).astype(mea.dtypes.to_dict())], ignore_index=True)
    sup = t["supplies"]
    t["supplies"] = pd.concat([sup, pd.DataFrame({
        "supplier_id": [u["企业E2"], u["企业E9"], u["企业E10"], u["企业E8"]],
        "customer_id": [u["企业E4"], u["企业E2"], u["企业E1"], u["企业E5"]],
        "product": ["坯布", "钢丝网", None, "染布"], "value": [5.0, None, 1.5, None]}).astype(sup.dtypes.to_dict())],
        ignore_index=True)
    prob = t["problems"]
    prob.loc[prob["id"] == "P3", "benchmark_id"] = "B1"
    cert = t["certifications"]
    t["certifications"] = pd.concat([cert, pd.DataFrame({  # expired before the data date / expiring on it
        "enterprise_id": [u["企业E5"], u["企业E2"]], "body_id": ["CB1", "CB1"], "standard": ["ISO 9001", "ISO 14001"],
        "cert_no": ["C-0002", "C-0003"], "issued": [pd.Timestamp("2019-01-01"), pd.Timestamp("2021-06-01")],
        "expires": [pd.Timestamp("2022-01-01"), pd.Timestamp("2024-06-01")]}).astype(cert.dtypes.to_dict())],
        ignore_index=True)
    return ChainGraph(t, name="tricky")


@pytest.fixture(scope="module")
def tricky(tiny) -> ChainGraph:
    return _tricky(tiny)


def neo(graph: ChainGraph, seed: int = 0, database: str | None = None) -> tuple[Neo4jGraph, FakeDriver]:
    driver = FakeDriver(FakeNeo4j(graph, seed))
    return Neo4jGraph(driver, database), driver


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Equal frames: columns, dtypes, rows in order; floats to a relative 1e-9."""
    assert list(left.columns) == list(right.columns)
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True), check_exact=False,
                                  rtol=1e-9, atol=1e-12)


def cp(name: str) -> tuple[str, ...]:
    return statements(name)


CATALOGS = {n: statements(n)[0] for n in ("catalog_chains", "catalog_segments", "catalog_problems",
                                          "catalog_benchmarks")}


# ---------------------------------------------------------------------------
# The statement files
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(QUERY_FILES))
def test_each_file_declares_exactly_the_parameters_its_statements_use(name):
    text = load_cypher(QUERY_FILES[name])
    used = {p for q in split_statements(text) for p in statement_parameters(q)}
    assert set(declared_parameters(text)) == used
    assert text.lstrip().startswith("//")


def test_every_query_file_is_used():
    files = {p.stem for p in (REPO / "cypher" / "queries").glob("*.cypher")}
    assert files == {v.split("/")[-1] for v in QUERY_FILES.values()}


def test_scope_is_a_region_prefix_and_a_chain_by_part_of_in_every_scoped_statement():
    for name in ("common_problems", "composition", "leaders", "weak_links", "benchmark_gaps", "chain_map", "exposure"):
        for q in statements(name):
            if "$region_prefix" in q:
                assert "e.region_code STARTS WITH $region_prefix" in q or "a.region_code STARTS WITH" in q
                assert "[:PART_OF]->(:Chain {id: $chain})" in q or (
                    "[:PART_OF]->(c:Chain)" in q and "c.id = $chain" in q), (name, q)


def test_a_leader_leads_where_its_designation_contains_it_in_every_statement():
    """LOCATED_IN then WITHIN up to the designation's region, as _common.leader_positions (by code prefix)."""
    walk = "(e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code})"
    for name, i in (("common_problems", 2), ("leaders", 0), ("leaders", 1), ("chain_map", 0)):
        assert walk in statements(name)[i], name
    for code in ("330502", "330500", "131125"):  # GB/T 2260 depth: a county is at most two WITHIN below
        assert len(load_regions().ancestors(code)) <= 2


def test_no_statement_builds_text_from_values():
    for name in QUERY_FILES:
        for q in statements(name):
            assert "+" not in q.replace("e.region_code", ""), f"{name}: string building in Cypher"
            assert "apoc." not in q and "gds." not in q


# ---------------------------------------------------------------------------
# Exact Cypher and parameters sent
# ---------------------------------------------------------------------------

CP_GROUPS = """MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
WITH [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain)
      WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain | s.id] AS segment_ids
WHERE size(segment_ids) > 0
RETURN segment_ids, count(*) AS firms"""

CP_COUNTS = """MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
WITH e, [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain)
         WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain | s.id] AS segment_ids
WHERE size(segment_ids) > 0
MATCH (e)-[o:HAS_PROBLEM]->(p:Problem)
WHERE $as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of
WITH e, segment_ids, p, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, segment_ids, p,
     max(o.severity) AS severity,
     coalesce(collect(o.status)[-1], 'open') AS status,
     count(o) AS n_obs,
     collect(DISTINCT o.source) AS sources
WHERE $include_resolved OR status <> 'resolved'
RETURN p.id AS problem_id,
       segment_ids,
       sources,
       count(*) AS affected,
       sum(severity) AS sev_sum,
       max(severity) AS max_severity,
       sum(n_obs) AS observations,
       count(CASE WHEN status = 'open' THEN p END) AS open,
       count(CASE WHEN status = 'improving' THEN p END) AS improving,
       count(CASE WHEN status = 'resolved' THEN p END) AS resolved"""

CP_LEADERS = """MATCH (e:Enterprise)-[l:LEADS]->(lc:Chain)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR lc.id = $chain)
  AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
  AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
  AND EXISTS {
    (e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain
  }
WITH DISTINCT e
MATCH (e)-[o:HAS_PROBLEM]->(p:Problem)
WHERE $as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of
WITH e, p, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, p, coalesce(collect(o.status)[-1], 'open') AS status
WHERE $include_resolved OR status <> 'resolved'
RETURN p.id AS problem_id, e.name AS enterprise"""

CP_MEANS = """MATCH (e:Enterprise)-[m:MEASURED]->(b:Benchmark)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR m.measured_on IS NULL OR m.measured_on <= $as_of)
  AND EXISTS {
    (e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE s.id = $segment OR $segment IS NULL AND c.id = $chain
  }
WITH e, b, m
ORDER BY m.measured_on IS NOT NULL, m.measured_on
WITH b, e, collect(m.value)[-1] AS value
RETURN b.id AS benchmark_id, avg(value) AS scope_mean"""

COMPOSITION = """MATCH (e:Enterprise)-[:OPERATES_IN]->(s:Segment)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (s)-[:PART_OF]->(:Chain {id: $chain}) })
WITH DISTINCT e, s
OPTIONAL MATCH (e)-[o:HAS_PROBLEM]->(p:Problem)
WHERE $as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of
WITH e, s, p, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, s, p, coalesce(collect(o.status)[-1], 'open') AS status, count(o) AS n, sum(o.severity) AS severity_sum
WITH e, s,
     sum(n) AS n_obs,
     sum(severity_sum) AS sev_sum,
     count(CASE WHEN p IS NOT NULL AND status IN ['open', 'improving'] THEN p END) > 0 AS open
RETURN s.id AS segment_id,
       e.size AS size,
       count(e) AS enterprises,
       sum(e.employees) AS employees,
       sum(e.revenue) AS revenue,
       count(CASE WHEN e.qms_certified THEN e END) AS qms_certified,
       count(CASE WHEN coalesce(e.qms_certified, false)
                    OR EXISTS { (e)-[cert:CERTIFIED]->(:CertificationBody)
                                WHERE (cert.expires IS NULL OR cert.expires >= $valid_on)
                                  AND ($as_of IS NULL OR cert.issued IS NULL OR cert.issued <= $as_of) } THEN e END)
         AS certified,
       count(CASE WHEN open THEN e END) AS with_open_problems,
       sum(n_obs) AS n_obs,
       sum(sev_sum) AS sev_sum"""

LEADER_FIRMS = """MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.id AS enterprise_id,
       e.name AS enterprise,
       e.size AS size,
       [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | s.id]
         AS segment_ids,
       EXISTS {
         (e)-[l:LEADS]->(lc:Chain)
         WHERE ($chain IS NULL OR lc.id = $chain)
           AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
           AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
       } AS designated"""

LEADER_DESIGNATIONS = """MATCH (e:Enterprise)-[l:LEADS]->(c:Chain)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL
       OR c.id = $chain AND EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
  AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
  AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
RETURN e.id AS enterprise_id, l.region_code AS region_code, l.since AS since"""

WEAK_SUPPLIES = """MATCH (a:Enterprise)-[:SUPPLIES]->(e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
WITH DISTINCT a, e
RETURN a.id AS supplier,
       a.name AS supplier_name,
       e.id AS customer,
       [(a)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(:Chain {id: $chain}) | s.id] AS supplier_segment_ids"""

EXPOSURE_SOURCES = """MATCH (e:Enterprise)-[o:HAS_PROBLEM]->(p:Problem {id: $problem})
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of)
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
WITH e, o
ORDER BY o.observed_on IS NOT NULL, o.observed_on, o.source
WITH e, coalesce(collect(o.status)[-1], 'open') AS status
WHERE $include_resolved OR status <> 'resolved'
RETURN e.id AS enterprise_id"""

MAP_FIRMS = """MATCH (e:Enterprise)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.id AS enterprise_id,
       e.uscc AS uscc,
       e.stock_code AS stock_code,
       e.short_name AS short_name,
       e.name AS name,
       e.region_code AS region_code,
       e.region_source AS region_source,
       e.id_source AS id_source,
       e.size AS size,
       e.revenue AS revenue,
       e.employees AS employees,
       e.qms_certified AS qms_certified,
       coalesce(e.qms_certified, false)
         OR EXISTS { (e)-[cert:CERTIFIED]->(:CertificationBody)
                     WHERE (cert.expires IS NULL OR cert.expires >= $valid_on)
                       AND ($as_of IS NULL OR cert.issued IS NULL OR cert.issued <= $as_of) }
         AS certified,
       EXISTS {
         (e)-[l:LEADS]->(lc:Chain)
         WHERE ($chain IS NULL OR lc.id = $chain)
           AND ($as_of IS NULL OR l.since IS NULL OR l.since <= $as_of)
           AND EXISTS { (e)-[:LOCATED_IN]->(:Region)-[:WITHIN*0..2]->(:Region {code: l.region_code}) }
       } AS is_leader,
       [(e)-[:OPERATES_IN]->(s:Segment)-[:PART_OF]->(c:Chain) WHERE $chain IS NULL OR c.id = $chain | s.id]
         AS segment_ids"""

MAP_SUPPLIES = """MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise)
WHERE a.region_code STARTS WITH $region_prefix
  AND b.region_code STARTS WITH $region_prefix
  AND ($chain IS NULL
       OR EXISTS { (a)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) }
          AND EXISTS { (b)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN a.id AS source, b.id AS target, r.product AS product, r.value AS value"""

MAP_PAIRS = """MATCH (e:Enterprise)-[o:HAS_PROBLEM]->(p:Problem)
WHERE e.region_code STARTS WITH $region_prefix
  AND ($as_of IS NULL OR o.observed_on IS NULL OR o.observed_on <= $as_of)
  AND ($chain IS NULL OR EXISTS { (e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(:Chain {id: $chain}) })
RETURN e.id AS enterprise_id, p.id AS problem_id, max(o.severity) AS severity"""

DATA_DATE = """OPTIONAL MATCH (:Enterprise)-[o:HAS_PROBLEM]->(:Problem)
WITH max(o.observed_on) AS observed_on
OPTIONAL MATCH (:Enterprise)-[m:MEASURED]->(:Benchmark)
WITH observed_on, max(m.measured_on) AS measured_on
OPTIONAL MATCH (:CertificationBody)-[a:ASSISTS]->(:Enterprise)
WITH observed_on, measured_on, max(a.started) AS started
OPTIONAL MATCH (:Enterprise)-[c:CERTIFIED]->(:CertificationBody)
RETURN observed_on, measured_on, started, max(c.issued) AS issued"""


def test_the_changed_statements_are_exactly_these():
    assert statements("common_problems") == (CP_GROUPS, CP_COUNTS, CP_LEADERS, CP_MEANS)
    assert statements("composition") == (COMPOSITION,)
    assert statements("leaders")[:2] == (LEADER_FIRMS, LEADER_DESIGNATIONS)
    assert statements("weak_links")[1] == WEAK_SUPPLIES
    assert statements("exposure")[0] == EXPOSURE_SOURCES
    assert (statements("chain_map")[0], statements("chain_map")[1], statements("chain_map")[3]) == (
        MAP_FIRMS, MAP_SUPPLIES, MAP_PAIRS)
    assert statements("data_date") == (DATA_DATE,)

EXPOSURE_STEP = """MATCH (a:Enterprise)-[:SUPPLIES]->(b:Enterprise)
WHERE a.id IN $frontier
RETURN DISTINCT a.id AS supplier, b.id AS customer"""

CATALOG_CHAINS = """MATCH (c:Chain)
RETURN c.id AS id, c.name AS name
ORDER BY id"""


def test_common_problems_sends_the_catalogs_then_four_statements_in_one_read(samples):
    ng, driver = neo(samples["wuxing-childrenswear"], database="chains")
    ng.common_problems("吴兴区", "童装", include_resolved=False)
    scope = {"region_prefix": "330502", "chain": "childrenswear", "segment": None}
    dated = {**scope, "as_of": None}
    assert driver.calls == [
        (CATALOG_CHAINS, {}),
        (CATALOGS["catalog_segments"], {}),
        (CATALOGS["catalog_problems"], {}),
        (CATALOGS["catalog_benchmarks"], {}),
        (CP_GROUPS, scope),
        (CP_COUNTS, {**dated, "include_resolved": False}),
        (CP_LEADERS, {**dated, "include_resolved": False}),
        (CP_MEANS, dated),
    ]
    assert driver.reads == 2  # catalogs, then the query's statements in one transaction
    assert set(driver.databases) == {"chains"}
    assert CATALOGS["catalog_chains"] == CATALOG_CHAINS
    assert cp("common_problems")[0] == CP_GROUPS


@pytest.mark.parametrize(("region", "prefix"), [("浙江省", "33"), ("湖州市", "3305"), ("330500", "3305"),
                                                ("吴兴区", "330502"), ("湖州市吴兴区", "330502"), (None, "")])
def test_region_is_sent_as_a_code_prefix_parameter(samples, region, prefix):
    g = samples["wuxing-childrenswear"]
    ng, driver = neo(g)
    ng.composition(region, "childrenswear")
    as_of = dt.date.fromisoformat(g.meta["data_date"])
    assert driver.calls[-1] == (COMPOSITION, {"region_prefix": prefix, "chain": "childrenswear", "as_of": None,
                                              "valid_on": as_of})


def test_each_named_query_sends_its_own_statements(samples):
    g = samples["wuxing-childrenswear"]
    scope = {"region_prefix": "3305", "chain": "childrenswear"}
    undated = {**scope, "as_of": None}
    dated = {**undated, "valid_on": dt.date.fromisoformat(g.meta["data_date"])}

    def uses(q: str) -> dict:
        return {k: v for k, v in undated.items() if k in statement_parameters(q)}

    cases = {
        "composition": (lambda ng: ng.composition("湖州市", "童装"), [(DATA_DATE, {}), (COMPOSITION, dated)]),
        "benchmark_gaps": (lambda ng: ng.benchmark_gaps("湖州市", "童装"), [(statements("benchmark_gaps")[0], undated)]),
        "detail": (lambda ng: ng.benchmark_gaps("湖州市", "童装", detail=True),
                   [(statements("benchmark_gaps")[1], undated)]),
        "leaders": (lambda ng: ng.leaders("湖州市", "童装"), [(q, uses(q)) for q in statements("leaders")]),
        "leader_reach": (lambda ng: ng.leader_reach("湖州市", "童装"), [(q, uses(q)) for q in statements("leaders")]),
        "weak_links": (lambda ng: ng.weak_links("湖州市", "童装"), [(q, uses(q)) for q in statements("weak_links")]),
        "chain_map": (lambda ng: ng.chain_map("湖州市", "童装"),
                      [(DATA_DATE, {}), (MAP_FIRMS, dated), (MAP_SUPPLIES, scope),
                       (statements("chain_map")[2], {"chain": "childrenswear"}), (MAP_PAIRS, undated),
                       (CP_GROUPS, {**scope, "segment": None}),
                       (CP_COUNTS, {**undated, "segment": None, "include_resolved": True}),
                       (CP_LEADERS, {**undated, "segment": None, "include_resolved": True}),
                       (CP_MEANS, {**undated, "segment": None})]),
        "chain_map without problems": (lambda ng: ng.chain_map("湖州市", "童装", show_problems=False),
                                       [(DATA_DATE, {}), (MAP_FIRMS, dated), (MAP_SUPPLIES, scope),
                                        (statements("chain_map")[2], {"chain": "childrenswear"})]),
    }
    for name, (call, expected) in cases.items():
        ng, driver = neo(g)
        call(ng)
        sent = [c for c in driver.calls if c[0] not in CATALOGS.values()]
        assert sent == expected, name
        assert driver.reads == 2, name


def test_exposure_walks_one_supply_step_per_statement_in_one_transaction(samples):
    g = samples["wuxing-childrenswear"]
    ng, driver = neo(g)
    out = ng.exposure("CW-P01", "330502", "childrenswear", max_hops=2)
    sent = [c for c in driver.calls if c[0] not in CATALOGS.values()]
    src_q, step_q, firms_q = statements("exposure")
    assert step_q == EXPOSURE_STEP and src_q == EXPOSURE_SOURCES
    assert sent[0] == (src_q, {"region_prefix": "330502", "chain": "childrenswear", "problem": "CW-P01",
                               "include_resolved": False, "as_of": None})
    steps = [p for q, p in sent if q == step_q]
    assert len(steps) == 2 and list(steps[0]) == ["frontier"]
    assert steps[0]["frontier"] == sorted(out.loc[out["hops"] == 0, "enterprise_id"])
    assert steps[1]["frontier"] == sorted(out.loc[out["hops"] == 1, "enterprise_id"])
    assert sent[-1] == (firms_q, {"region_prefix": "330502", "chain": "childrenswear",
                                  "ids": sorted(out["enterprise_id"])})
    assert driver.reads == 2


def test_bfs_is_first_visit_with_the_smallest_supplier_via():
    edges = pd.DataFrame({"supplier": ["b", "a", "c", "d", "e", "x"], "customer": ["c", "c", "d", "a", "c", "y"]})

    def step(frontier: list[str]) -> pd.DataFrame:
        return edges[edges["supplier"].isin(frontier)]

    dist, via = bfs_downstream(["b", "a"], step, None)
    assert dist == {"a": 0, "b": 0, "c": 1, "d": 2}  # d -> a is a cycle back to a source: not revisited
    assert via == {"a": "a", "b": "b", "c": "a", "d": "a"}
    assert bfs_downstream(["b"], step, 1) == ({"b": 0, "c": 1}, {"b": "b", "c": "b"})
    with pytest.raises(ValueError):
        bfs_downstream(["b"], step, 0)


# ---------------------------------------------------------------------------
# Hostile strings: never in the Cypher text
# ---------------------------------------------------------------------------

HOSTILE = ["x'}) DETACH DELETE n //", '童装"}) MATCH (n) DETACH DELETE n RETURN 1 //', "$chain", "`Chain`",
           "330502' OR 1=1 //", "a\nCREATE (x:Enterprise)"]


@pytest.mark.parametrize("text", HOSTILE)
def test_unknown_hostile_names_are_refused_before_any_query_with_them(samples, text):
    ng, driver = neo(samples["wuxing-childrenswear"])
    with pytest.raises(ScopeError):
        ng.common_problems(text, "childrenswear")
    assert driver.calls == []  # regions resolve from the GB/T 2260 table, in Python
    with pytest.raises(ScopeError):
        ng.leaders("330502", text)
    with pytest.raises(ScopeError):
        ng.exposure(text + "不存在", "330502", "childrenswear")
    assert all(q in CATALOGS.values() and p == {} for q, p in driver.calls)


def _hostile_graph(tiny: ChainGraph, chain_id: str, chain_name: str, problem_id: str) -> ChainGraph:
    t = {k: v[[c for c in v.columns if not c.startswith("_")]].copy() for k, v in tiny.tables.items()}
    t["chains"].loc[t["chains"]["id"] == "kids", ["id", "name"]] = [chain_id, chain_name]
    for name, col in (("segments", "chain_id"), ("leaders", "chain_id"), ("benchmarks", "chain_id")):
        t[name].loc[t[name][col] == "kids", col] = chain_id
    t["problems"].loc[t["problems"]["id"] == "P1", "id"] = problem_id
    t["observations"].loc[t["observations"]["problem_id"] == "P1", "problem_id"] = problem_id
    return ChainGraph(t, name="hostile")


@pytest.mark.parametrize("text", [h for h in HOSTILE if h != "$chain"])
def test_hostile_ids_in_the_data_reach_the_server_only_as_parameters(tiny, text):
    g = _hostile_graph(tiny, text, text + "链", text + "P")
    ng, driver = neo(g)
    frames = [ng.common_problems("330502", text), ng.composition("330502", text), ng.leaders("330502", text),
              ng.weak_links("330502", text), ng.benchmark_gaps("330502", text),
              ng.exposure(text + "P", "330502", text), ng.chain_map("330502", text).nodes]
    assert all(len(f) for f in frames)
    for query, _ in driver.calls:
        assert text not in query and "DETACH" not in query
        assert query in {q for n in QUERY_FILES for q in statements(n)}
    assert any(p.get("chain") == text for _, p in driver.calls)
    assert any(p.get("problem") == text + "P" for _, p in driver.calls)
    assert_same(frames[0], Q.common_problems(g, "330502", text))
    assert_same(frames[5], Q.exposure(g, text + "P", "330502", text))


# ---------------------------------------------------------------------------
# run_query: read-only
# ---------------------------------------------------------------------------

WRITES = ["CREATE (n:Enterprise {id: 'x'})", "MATCH (n:Enterprise) SET n.name = 'x'", "MATCH (n) DETACH DELETE n",
          "MERGE (c:Chain {id: 'x'})", "MATCH (n:Enterprise) REMOVE n.name", "DROP INDEX chaingraph_x IF EXISTS",
          "LOAD CSV FROM 'file:///x.csv' AS row RETURN row",
          "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 100 ROWS",
          "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
          "RETURN apoc.text.clean('x') AS x", "CALL `apoc.create.node`(['X'], {})",
          "MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "match (n) detach\ndelete n",
          "CALL dbms.security.createUser('u', 'p')", "CALL db.createLabel('X')"]


@pytest.mark.parametrize("text", WRITES)
def test_run_query_refuses_write_clauses_before_connecting(text):
    driver = FakeDriver()
    with pytest.raises(BackendError, match="read-only"):
        run_query(driver, text)
    assert driver.databases == [] and driver.calls == []


@pytest.mark.parametrize("text", ["MATCH (n:Enterprise) WHERE n.name = 'CREATE TABLE; DELETE' RETURN n.name",
                                  "MATCH (n:Enterprise) RETURN n.settings AS s, n.`SET` AS t // DELETE",
                                  "CALL db.labels() YIELD label RETURN label",
                                  "/* MERGE */ MATCH (n) RETURN count(n) AS created"])
def test_run_query_allows_reads_that_only_mention_write_words(text):
    check_read_only(text)


def test_run_query_reads_in_a_read_transaction_with_parameters(tmp_path):
    driver = FakeDriver()
    q = "MATCH (e:Enterprise) WHERE e.region_code STARTS WITH $p RETURN count(e) AS n"
    out = run_query(driver, q, {"p": "3305"}, database="db1")
    assert driver.calls == [(q, {"p": "3305"})] and driver.reads == 1 and driver.databases == ["db1"]
    assert out.to_dict("records") == [{"n": 1}]
    f = tmp_path / "q.cypher"
    f.write_text("// parameters: p\n" + q + ";\n", encoding="utf-8")
    run_query(driver, str(f), {"p": "33"})
    assert driver.calls[-1] == (q, {"p": "33"})
    ng = Neo4jGraph(driver)
    ng.run_query(f, {"p": "33"})
    assert driver.calls[-1] == (q, {"p": "33"})


def test_run_query_errors_are_clear(tmp_path):
    driver = FakeDriver()
    with pytest.raises(BackendError, match="missing query parameter.*p"):
        run_query(driver, "MATCH (e:Enterprise) WHERE e.id = $p RETURN e.name")
    with pytest.raises(BackendError, match="exactly one statement"):
        run_query(driver, "RETURN 1 AS a;\nRETURN 2 AS b;")
    with pytest.raises(BackendError, match="cannot read"):
        run_query(driver, str(tmp_path / "missing.cypher"))
    assert driver.calls == []


def test_params_are_json_when_possible_else_strings():
    assert parse_param("n=3") == ("n", 3)
    assert parse_param("codes=[\"330502\", \"330503\"]") == ("codes", ["330502", "330503"])
    assert parse_param("region=330502") == ("region", 330502)
    assert parse_param("region=\"330502\"") == ("region", "330502")
    assert parse_param("name=吴兴区") == ("name", "吴兴区")
    assert parse_param("x=a=b") == ("x", "a=b")
    assert parse_param("flag=true") == ("flag", True)
    assert parse_param("v=null") == ("v", None)
    assert parse_params(["a=1", "a=2", "b={\"k\": 1}"]) == {"a": 2, "b": {"k": 1}}
    for bad in ("novalue", "=3", "a b=1", "1a=2"):
        with pytest.raises(BackendError):
            parse_param(bad)


# ---------------------------------------------------------------------------
# Canned records → the embedded frames
# ---------------------------------------------------------------------------

def _all_queries(ng: Neo4jGraph, g: ChainGraph, region: str | None, chain: str | None,
                 problems: list[str]) -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    out = [
        ("common_problems", ng.common_problems(region, chain), Q.common_problems(g, region, chain)),
        ("common_problems unresolved", ng.common_problems(region, chain, include_resolved=False, min_firms=2,
                                                          min_share=0.05),
         Q.common_problems(g, region, chain, include_resolved=False, min_firms=2, min_share=0.05)),
        ("composition", ng.composition(region, chain), Q.composition(g, region, chain)),
        ("leaders", ng.leaders(region, chain), Q.leaders(g, region, chain)),
        ("leaders hops=1", ng.leaders(region, chain, hops=1, candidates=3), Q.leaders(g, region, chain, hops=1,
                                                                                       candidates=3)),
        ("leader_reach", ng.leader_reach(region, chain), Q.leader_reach(g, region, chain)),
        ("leader_reach hops=1", ng.leader_reach(region, chain, hops=1), Q.leader_reach(g, region, chain, hops=1)),
        ("benchmark_gaps", ng.benchmark_gaps(region, chain), Q.benchmark_gaps(g, region, chain)),
        ("benchmark_gaps detail", ng.benchmark_gaps(region, chain, detail=True),
         Q.benchmark_gaps(g, region, chain, detail=True)),
    ]
    if chain is not None:
        out.append(("weak_links", ng.weak_links(region, chain), Q.weak_links(g, region, chain)))
    for p in problems:
        out.append((f"exposure {p}", ng.exposure(p, region, chain), Q.exposure(g, p, region, chain)))
        out.append((f"exposure {p} all", ng.exposure(p, region, chain, max_hops=1, include_resolved=True),
                    Q.exposure(g, p, region, chain, max_hops=1, include_resolved=True)))
    for dim, problems_shown in (("region", True), ("industry", True), ("region", False)):
        a = ng.chain_map(region, chain, dimension=dim, show_problems=problems_shown)
        b = Q.chain_map(g, region, chain, dimension=dim, show_problems=problems_shown)
        dim = f"{dim}{'' if problems_shown else ' without problems'}"
        out.append((f"chain_map nodes {dim}", a.nodes, b.nodes))
        out.append((f"chain_map edges {dim}", a.edges, b.edges))
        meta_a = {k: v for k, v in a.meta.items() if k != "dataset"}
        meta_b = {k: v for k, v in b.meta.items() if k != "dataset"}
        assert meta_a == meta_b
    return out


@pytest.mark.parametrize("dataset", sorted(SAMPLES))
@pytest.mark.parametrize("level", ["own", "city", "province"])
def test_canned_records_give_the_embedded_frames_on_the_samples(samples, dataset, level):
    g = samples[dataset]
    region, chain = SAMPLES[dataset]
    region = {"own": region, "city": region[:4] + "00", "province": region[:2] + "0000"}[level]
    problems = list(g.tables["problems"]["id"])[:6]
    ng, _ = neo(g, seed=len(dataset) + len(level))
    for name, got, want in _all_queries(ng, g, region, chain, problems):
        assert len(want) or name.startswith(("exposure", "common_problems unresolved", "leader_reach")), name
        try:
            assert_same(got, want)
        except AssertionError as exc:
            raise AssertionError(f"{dataset} {level} {name}: {exc}") from None


@pytest.mark.parametrize(("region", "chain"), [("330502", "kids"), ("330500", "kids"), ("330000", None),
                                               (None, None), ("131125", "mesh"), (None, "mesh"), ("130000", "kids")])
@pytest.mark.parametrize("seed", [0, 1])
def test_canned_records_give_the_embedded_frames_on_edge_cases(tricky, region, chain, seed):
    ng, _ = neo(tricky, seed=seed)
    for name, got, want in _all_queries(ng, tricky, region, chain, ["P1", "P2", "P3", "P4"]):
        try:
            assert_same(got, want)
        except AssertionError as exc:
            raise AssertionError(f"{region} {chain} {name}: {exc}") from None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_embedded_tables_are_in_key_order_whatever_the_source_row_order(tricky, seed):
    """Why the Neo4j frames equal the embedded ones on the graph as built (no re-sorted copy): ChainGraph puts
    every table in key order, so each tie the embedded code breaks by row order is broken by key."""
    t = {k: v[[c for c in v.columns if not c.startswith("_")]].sample(frac=1, random_state=seed)
         for k, v in tricky.tables.items()}
    shuffled = ChainGraph(t, name="tricky")
    for name, table in tricky.tables.items():
        pd.testing.assert_frame_equal(shuffled.tables[name], table, obj=name)


def test_common_problems_by_segment_and_across_chains(tricky):
    ng, _ = neo(tricky)
    assert_same(ng.common_problems("330502", "kids", "印染", min_firms=1), Q.common_problems(
        tricky, "330502", "kids", "印染", min_firms=1))
    assert_same(ng.common_problems(None, None, "weave", min_firms=1), Q.common_problems(
        tricky, None, None, "weave", min_firms=1))
    both = ng.common_problems(None, None, min_firms=1)
    assert set(both["chain_id"]) == {"kids", "mesh"}
    assert_same(both, Q.common_problems(tricky, None, None, min_firms=1))


def test_scope_errors_and_argument_checks_match_the_embedded_ones(tricky):
    ng, _ = neo(tricky)
    with pytest.raises(ScopeError, match="needs a chain"):
        ng.weak_links("330502")
    with pytest.raises(ScopeError, match="unknown chain"):
        ng.composition("330502", "nope")
    with pytest.raises(ScopeError, match="unknown segment"):
        ng.common_problems("330502", "kids", "编织")
    with pytest.raises(ScopeError, match="unknown problem"):
        ng.exposure("P9", "330502")
    with pytest.raises(ScopeError, match="dimension"):
        ng.chain_map("330502", "kids", dimension="enterprise")
    for call in (lambda: ng.common_problems("330502", "kids", min_firms=0),
                 lambda: ng.common_problems("330502", "kids", min_share=2),
                 lambda: ng.leaders("330502", "kids", hops=0), lambda: ng.leaders("330502", "kids", candidates=-1),
                 lambda: ng.exposure("P1", "330502", max_hops=0)):
        with pytest.raises(ValueError):
            call()


def test_empty_scopes_give_empty_frames_with_the_columns(tricky):
    ng, _ = neo(tricky)
    for got, cols in ((ng.common_problems("330503", "mesh"), PROBLEM_COLUMNS),
                      (ng.composition("330503", "mesh"), COMPOSITION_COLUMNS),
                      (ng.leaders("330503", "mesh"), LEADER_COLUMNS),
                      (ng.leader_reach("330503", "mesh"), REACH_COLUMNS),
                      (ng.benchmark_gaps("330503", "mesh"), BENCHMARK_COLUMNS),
                      (ng.exposure("P4", "330503", "mesh"), EXPOSURE_COLUMNS)):
        assert got.empty and list(got.columns) == list(cols)
        assert dict(got.dtypes.astype(str)) == {c: str(pd.Series([], dtype=t).dtype) for c, t in cols.items()}


def test_a_gap_at_a_key_link_says_so(tricky):
    ng, _ = neo(tricky)
    out = ng.weak_links("131125", "kids")
    gaps = out[out["kind"] == "gap"].set_index("segment_id")["detail"]
    assert gaps["dye"].endswith("需补链（关键环节）") and gaps["fab"].endswith("需补链")


def test_server_errors_become_one_line_backend_errors(samples):
    import neo4j

    class Down(FakeDriver):
        def session(self, database: str | None = None, **kwargs: Any) -> FakeSession:
            raise neo4j.exceptions.ServiceUnavailable("Couldn't connect to localhost:7687\n(details)")

    ng = Neo4jGraph(Down())
    with pytest.raises(BackendError, match=r"^resolving the scope failed on Neo4j: ServiceUnavailable: "
                                           r"Couldn't connect to localhost:7687$"):
        ng.composition("330502", "childrenswear")
    with pytest.raises(BackendError, match="^query failed on Neo4j: ServiceUnavailable"):
        run_query(Down(), "MATCH (c:Chain) RETURN c.id AS id")


def test_a_firm_without_a_credit_code_is_drawn_by_its_id(tricky):
    """Schema 2: map nodes are ``ent:<enterprise id>``; ``uscc`` is NA when unknown, ``stock_code`` carried."""
    ng, _ = neo(tricky)
    got = ng.chain_map("330000", None).nodes
    assert_same(got, Q.chain_map(tricky, "330000", None).nodes)
    ent = tricky.tables["enterprises"]
    listed = ent.loc[ent["name"] == "企业E3"].iloc[0]
    row = got.loc[got["node_id"] == f"ent:{listed['id']}"].iloc[0]
    assert pd.isna(row["uscc"]) and row["stock_code"] == "600373.SH"
