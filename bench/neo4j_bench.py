#!/usr/bin/env python3
"""Neo4j server beside the embedded engine: push throughput and named-query times on the same data.

For each size N (firms) it generates a synthetic dataset (``chaingraph synth --enterprises N``, seed 0),
builds a store (``chaingraph build``), loads it for the embedded engine (``open_graph``), empties the
Neo4j database (batched ``DETACH DELETE``, timed apart) and pushes the store into it
(:func:`chaingraph.neo4j.load.push`, ``--batch-size`` rows per transaction, default 5000 = push's
default) — the push's rows per second, nodes and relationships apart — then times the named queries
on both engines, :class:`chaingraph.neo4j.graph.Neo4jGraph` against :mod:`chaingraph.queries` on the
loaded :class:`~chaingraph.graph.ChainGraph`:

* ``common_problems`` for the top chain (most firms) in its busiest county, that county's province,
  and the whole country;
* ``chain_map`` for that county × chain;
* ``exposure`` (bounded: ``max_hops`` = :data:`EXPOSURE_HOPS`) of the problem most observed in that
  county × chain, scoped to it;
* ``leaders`` for that county × chain.

Each: one warm-up call, then ``--reps`` calls (default 3), the median reported; the two engines'
answers are checked to have the same number of rows. Measured, not asserted.

Needs a server: ``NEO4J_URI`` / ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` (e.g. ``scripts/neo4j-test-server
start DIR`` then ``. DIR/env.sh``); ``NEO4J_DATABASE`` picks the database. **It wipes every node of
that database.**

Usage::

    python bench/neo4j_bench.py --sizes 10000,100000 --work /tmp/cg-neo4j-bench \\
        [--append bench/results.md] [--json /tmp/cg-neo4j-bench/results.json]
    python bench/neo4j_bench.py --from-json /tmp/cg-neo4j-bench/results.json [--append bench/results.md]

``--append`` adds the section "## Neo4j 5.26 (embedded test server) vs the embedded engine" to the
file; without it the section is printed only. This is a script, not a pytest test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADING = "## Neo4j 5.26 (embedded test server) vs the embedded engine"
EXPOSURE_HOPS = 3
QUERIES = ("common_problems.county", "common_problems.province", "common_problems.country", "chain_map.county",
           "exposure.county", "leaders.county")


def say(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def load1() -> float:
    return os.getloadavg()[0]


def _run(args: list[str], retries: int, wait: float) -> None:
    """Run a chaingraph command; on failure retry (another engineer may be mid-way through a schema change)."""
    for attempt in range(retries + 1):
        done = subprocess.run([sys.executable, "-m", "chaingraph", *args], capture_output=True, text=True)
        if done.returncode == 0:
            return
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        if attempt == retries:
            raise SystemExit(f"chaingraph {' '.join(args)} failed: {' | '.join(tail)}")
        say(f"chaingraph {args[0]} failed ({' | '.join(tail)}); retrying in {wait:.0f} s")
        time.sleep(wait)


def dataset(n: int, work: Path, retries: int, wait: float,
            given: Path | None = None) -> tuple[Path, dict[str, float]]:
    """Synth (unless ``given``: a folder an earlier ``chaingraph synth --enterprises n`` wrote) + build; the
    store is always rebuilt (its format follows the checkout)."""
    import shutil

    data, store = given or work / f"synth{n}", work / f"s{n}.cgstore"
    times: dict[str, float] = {}
    t = time.perf_counter()
    if given is None:
        for attempt in range(retries + 1):  # a failed synth leaves a partial folder that synth refuses
            shutil.rmtree(data, ignore_errors=True)
            try:
                _run(["synth", "--enterprises", str(n), "--seed", "0", "-o", str(data)], 0, 0)
                break
            except SystemExit as exc:
                if attempt == retries:
                    raise
                say(f"{exc}; retrying in {wait:.0f} s")
                time.sleep(wait)
    elif not (given / "_synth.json").exists():
        raise SystemExit(f"{given}: not a chaingraph synth folder (no _synth.json)")
    times["synth_s"] = time.perf_counter() - t
    shutil.rmtree(store, ignore_errors=True)
    t = time.perf_counter()
    _run(["build", str(data), "-o", str(store)], retries, wait)
    times["build_s"] = time.perf_counter() - t
    return store, times


# ---------------------------------------------------------------------------
# What to query
# ---------------------------------------------------------------------------

def plan(g: Any) -> dict[str, Any]:
    """The top chain (most firms), its busiest county and that county's province, and the problem most
    observed (open or not) among the county × chain's firms."""
    import pandas as pd

    ent = g.tables["enterprises"][["id", "region_code"]]
    ops = g.tables["operates_in"]
    seg = g.tables["segments"][["id", "chain_id"]].rename(columns={"id": "segment_id"})
    pairs = (ops[["enterprise_id", "segment_id"]].merge(seg, on="segment_id")
             [["enterprise_id", "chain_id"]].drop_duplicates())
    pairs = pairs.merge(ent.rename(columns={"id": "enterprise_id"}), on="enterprise_id")
    top_chain = str(pairs["chain_id"].value_counts().idxmax())
    in_top = pairs[pairs["chain_id"] == top_chain]
    county = str(in_top["region_code"].value_counts().idxmax())
    firms = set(in_top.loc[in_top["region_code"] == county, "enterprise_id"])
    obs = g.tables["observations"]
    problem = str(obs.loc[obs["enterprise_id"].isin(firms), "problem_id"].value_counts().idxmax())
    return {"chain": top_chain, "chain_firms": int(len(in_top)), "county": county,
            "county_firms": len(firms), "province": county[:2] + "0000",
            "province_firms": int((in_top["region_code"].str[:2] == county[:2]).sum()),
            "problem": problem, "enterprises": int(len(ent)),
            "observations": int(len(obs)), "supplies": int(len(g.tables["supplies"])),
            "rows_by_table": {k: int(len(v)) for k, v in g.tables.items() if isinstance(v, pd.DataFrame)}}


def calls(engine: Any, p: dict[str, Any], embedded: bool) -> dict[str, Callable[[], Any]]:
    """Query name -> zero-argument call, on the embedded graph (via chaingraph.queries) or on Neo4jGraph."""
    from chaingraph import queries as Q

    def q(name: str) -> Callable[..., Any]:
        if embedded:
            fn = getattr(Q, name)
            return lambda *a, **kw: fn(engine, *a, **kw)
        return getattr(engine, name)

    ch, county = p["chain"], p["county"]
    return {
        "common_problems.county": lambda: q("common_problems")(county, ch),
        "common_problems.province": lambda: q("common_problems")(p["province"], ch),
        "common_problems.country": lambda: q("common_problems")(None, ch),
        "chain_map.county": lambda: q("chain_map")(county, ch),
        "exposure.county": lambda: q("exposure")(p["problem"], county, ch, max_hops=EXPOSURE_HOPS),
        "leaders.county": lambda: q("leaders")(county, ch),
    }


def size_of(result: Any) -> str:
    if hasattr(result, "nodes") and hasattr(result, "edges"):
        return f"{len(result.nodes)} nodes / {len(result.edges)} edges"
    return f"{len(result)} rows"


def timed(fn: Callable[[], Any], reps: int) -> dict[str, Any]:
    load = load1()
    t = time.perf_counter()
    result = fn()  # warm-up
    warm = time.perf_counter() - t
    runs = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return {"median_s": statistics.median(runs), "runs_s": runs, "warmup_s": warm, "load": load,
            "size": size_of(result)}


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------

def server_version(driver: Any) -> str:
    records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions, edition "
                                         "RETURN name, versions[0] AS v, edition")
    r = records[0]
    return f"{r['name']} {r['v']} {r['edition']}"


def wipe(driver: Any, database: str | None) -> float:
    t = time.perf_counter()
    with driver.session(database=database) as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
    return time.perf_counter() - t


def timed_push(g: Any, driver: Any, database: str | None, batch: int) -> dict[str, Any]:
    from chaingraph.neo4j.load import push

    marks: dict[str, list[float]] = {}
    start = time.perf_counter()
    last = [start]

    def progress(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        m = marks.setdefault(step, [0.0, 0])
        m[0] += now - last[0]
        m[1] = total
        last[0] = now

    load = load1()
    report = push(g, driver, database=database, batch_size=batch, progress=progress)
    total_s = time.perf_counter() - start
    assert report["ok"].all(), report
    nodes = int(report.loc[report["kind"] == "node", "rows"].sum())
    rels = int(report.loc[report["kind"] == "relationship", "rows"].sum())
    node_s = sum(v[0] for k, v in marks.items() if k.startswith("node "))
    rel_s = sum(v[0] for k, v in marks.items() if k.startswith("relationship "))
    return {"total_s": total_s, "rows": nodes + rels, "rows_per_s": (nodes + rels) / total_s,
            "nodes": nodes, "node_s": node_s, "nodes_per_s": nodes / node_s if node_s else None,
            "rels": rels, "rel_s": rel_s, "rels_per_s": rels / rel_s if rel_s else None,
            "steps": {k: {"s": v[0], "rows": v[1]} for k, v in marks.items()},
            "other_s": total_s - node_s - rel_s, "load": load, "batch_size": batch}


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------

def measure(n: int, work: Path, driver: Any, database: str | None, batch: int, reps: int,
            retries: int, wait: float, given: Path | None = None) -> dict[str, Any]:
    from chaingraph.graph.store import open_graph
    from chaingraph.neo4j.graph import Neo4jGraph

    say(f"N={n:,}: synth + build")
    store, prep = dataset(n, work, retries, wait, given)
    t = time.perf_counter()
    g = open_graph(store)
    prep["open_s"] = time.perf_counter() - t
    p = plan(g)
    say(f"N={n:,}: {p['chain']} in {p['county']} ({p['county_firms']} firms), problem {p['problem']}")
    prep["wipe_s"] = wipe(driver, database)
    say(f"N={n:,}: database emptied in {prep['wipe_s']:.1f} s; pushing (batch {batch})")
    pushed = timed_push(g, driver, database, batch)
    say(f"N={n:,}: pushed {pushed['rows']:,} rows in {pushed['total_s']:.1f} s = {pushed['rows_per_s']:,.0f} rows/s")
    neo = Neo4jGraph(driver, database, name=g.name)
    out: dict[str, Any] = {"n": n, "prep": prep, "plan": p, "push": pushed, "queries": {}}
    emb_calls, neo_calls = calls(g, p, True), calls(neo, p, False)
    for name in QUERIES:
        e = timed(emb_calls[name], reps)
        try:
            s = timed(neo_calls[name], reps)
        except Exception as exc:  # noqa: BLE001 - recorded, the table says so
            s = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
        out["queries"][name] = {"embedded": e, "neo4j": s}
        ns = f"{s['median_s'] * 1000:.1f} ms" if "median_s" in s else s["error"]
        say(f"N={n:,}: {name}: embedded {e['median_s'] * 1000:.1f} ms ({e['size']}), neo4j {ns} "
            f"({s.get('size', '-')})")
    return out


# ---------------------------------------------------------------------------
# The markdown section
# ---------------------------------------------------------------------------

def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def render(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    sizes = [r["n"] for r in results]
    L = [HEADING, "",
         f"Measured by `python bench/neo4j_bench.py` on {meta['date']}. {meta['machine']}",
         "",
         f"- server: {meta['server']} (tools/neo4j-server: one JVM, `-Xmx1g`, page cache 256 MiB, Bolt on "
         f"127.0.0.1, auth on); client: Python {meta['python']}, neo4j driver {meta['driver']}; the client "
         "and the server share the 2 cores",
         "- data: `chaingraph synth --enterprises N --seed 0`, built with `chaingraph build`; the embedded "
         "engine is the loaded store (`open_graph`), the server holds the same graph pushed by "
         "`chaingraph.neo4j.load.push` into an emptied database (constraints and indexes already present "
         "from earlier pushes; `IF NOT EXISTS`)",
         f"- queries: one warm-up call, then the median of {meta['reps']}; `Neo4jGraph(driver, database)` vs "
         "`chaingraph.queries` on the `ChainGraph`; both answers have the same number of rows (checked, "
         "shown in the last column); exposure is bounded (`max_hops="
         f"{EXPOSURE_HOPS}`) and scoped to the county × chain",
         "- 1-minute load average noted per measurement: above 2 the timings are inflated by other "
         "people's work on the machine",
         ""]
    L += ["### Push (MERGE in batches, one managed write transaction each)", "",
          "| N | rows pushed (nodes + relationships) | batch | push total | rows/s | nodes/s | relationships/s "
          "| emptying the database first | load |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        p = r["push"]
        L.append(f"| {r['n']:,} | {p['rows']:,} ({p['nodes']:,} + {p['rels']:,}) | {p['batch_size']:,} | "
                 f"{p['total_s']:.1f} s | {p['rows_per_s']:,.0f} | {p['nodes_per_s']:,.0f} | "
                 f"{p['rels_per_s']:,.0f} | {r['prep']['wipe_s']:.1f} s | {p['load']:.1f} |")
    L += ["", "Slowest push steps (seconds, rows): " + "; ".join(
        f"N={r['n']:,}: " + ", ".join(f"{k} {v['s']:.1f} s ({v['rows']:,})" for k, v in sorted(
            r["push"]["steps"].items(), key=lambda kv: -kv[1]["s"])[:3]) for r in results), ""]
    L += ["### Scopes", "", "| N | chain (firms) | county (firms of the chain) | province (firms of the chain) | "
          "exposure problem | embedded store open |", "|---:|---|---|---|---|---:|"]
    for r in results:
        p = r["plan"]
        L.append(f"| {r['n']:,} | {p['chain']} ({p['chain_firms']:,}) | {p['county']} ({p['county_firms']:,}) | "
                 f"{p['province']} ({p['province_firms']:,}) | {p['problem']} | {ms(r['prep']['open_s'])} |")
    L += ["", "### Query times (median of 3 after one warm-up)", "",
          "| query | N | embedded | Neo4j | Neo4j ÷ embedded | Neo4j first call | answer size | load |",
          "|---|---:|---:|---:|---:|---:|---|---:|"]
    for name in QUERIES:
        for r in results:
            q = r["queries"][name]
            e, s = q["embedded"], q["neo4j"]
            if "error" in s:
                L.append(f"| {name} | {r['n']:,} | {ms(e['median_s'])} | failed: {s['error']} | — | — | "
                         f"{e['size']} | {e['load']:.1f} |")
                continue
            same = e["size"] if e["size"] == s["size"] else f"embedded {e['size']}, neo4j {s['size']} (differ)"
            L.append(f"| {name} | {r['n']:,} | {ms(e['median_s'])} | {ms(s['median_s'])} | "
                     f"{s['median_s'] / e['median_s']:.1f}× | {ms(s['warmup_s'])} | {same} | {s['load']:.1f} |")
    ratios = [r["queries"][k]["neo4j"]["median_s"] / r["queries"][k]["embedded"]["median_s"]
              for r in results for k in QUERIES if "median_s" in r["queries"][k]["neo4j"]]
    if ratios:
        L += ["", f"Ratios Neo4j ÷ embedded over the {len(ratios)} measurements ({', '.join(f'{n:,}' for n in sizes)} "
              f"firms): median {statistics.median(ratios):.1f}×, range {min(ratios):.1f}×–{max(ratios):.1f}×."]
    if meta.get("notes"):
        L += [""] + [f"- {x}" for x in meta["notes"]]
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated firm counts")
    ap.add_argument("--work", type=Path, default=Path("/tmp/cg-neo4j-bench"), help="datasets and stores")
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--append", type=Path, help="append the markdown section to this file (bench/results.md)")
    ap.add_argument("--json", type=Path, help="write the raw numbers here")
    ap.add_argument("--note", action="append", default=[], help="a line added under the tables")
    ap.add_argument("--synth-dir", action="append", default=[], metavar="N=DIR",
                    help="use this folder written by `chaingraph synth --enterprises N` instead of generating")
    ap.add_argument("--from-json", type=Path, help="render (and --append) the numbers of an earlier --json; "
                    "measure nothing")
    ap.add_argument("--retries", type=int, default=3, help="retries of a failing synth/build")
    ap.add_argument("--retry-wait", type=float, default=120.0)
    args = ap.parse_args(argv)

    if args.from_json:
        raw = json.loads(args.from_json.read_text(encoding="utf-8"))
        raw["meta"]["notes"] = raw["meta"].get("notes", []) + args.note
        return _emit(render(raw["results"], raw["meta"]), args.append)

    import neo4j

    from chaingraph.neo4j.load import connect

    database = os.environ.get("NEO4J_DATABASE") or None
    args.work.mkdir(parents=True, exist_ok=True)
    driver = connect()
    try:
        meta = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": f"Machine: {os.cpu_count()} cores, shared with other engineers' test runs and "
                           f"loaded (1-minute load average {load1():.1f} at the start), "
                           f"{platform.platform()}.",
                "server": server_version(driver), "python": platform.python_version(),
                "driver": neo4j.__version__, "reps": args.reps, "notes": args.note}
        given = {int(k): Path(v) for k, v in (x.split("=", 1) for x in args.synth_dir)}
        results = []
        for n in (int(x) for x in args.sizes.split(",")):
            results.append(measure(n, args.work, driver, database, args.batch_size, args.reps,
                                   args.retries, args.retry_wait, given.get(n)))
            if args.json:
                args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    finally:
        driver.close()
    return _emit(render(results, meta), args.append)


def _emit(section: str, append: Path | None) -> int:
    print(section)
    if append:
        text = append.read_text(encoding="utf-8") if append.exists() else ""
        append.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        say(f"appended to {append}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
