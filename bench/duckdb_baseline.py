#!/usr/bin/env python3
"""DuckDB baseline for the benchmark (issue "Cold start and build measured against DuckDB").

A *plain* DuckDB load of the CSV files ``chaingraph synth`` writes (``read_csv`` with explicit
types, no precomputed tables, no indexes) and the benchmark's questions in SQL, so that
``bench/run.py`` can give every figure as a ratio to DuckDB measured in the same run:

* :func:`load` — the CSV files into DuckDB tables (in memory, or into a database file);
* :func:`common_problems` — per problem: firms affected in the scope, firms in the scope,
  share, Wilson lower bound, severity, observations, latest-status counts, sources, rank —
  chaingraph's ``common_problems`` at its core, with its rules (scope by region-code prefix
  × chain membership; one record per (firm, problem) whose status is the latest *recorded*
  status by ``observed_on``, same-day ties to the row last in (source, date) order, none
  recorded = ``open``; resolved pairs counted, as ``include_resolved=True``);
* :func:`chain_map_selection` — the firms, supply edges (one per supplier → customer, values
  summed, products joined) and (firm, problem) pairs that ``chain_map`` draws for a scope;
* :func:`exposure` — firms downstream of the scope's firms having a problem (latest status not
  resolved), over the whole supply graph, each at its shortest distance: a recursive CTE keyed
  on the firm (``USING KEY``: a firm enters once, so cycles end the recursion), bounded by
  ``max_hops`` or not;
* :func:`open_and_first_query` — the cold-start comparator: open a persisted database file
  and answer the first county count (:func:`measure_cold_start` runs it in a fresh process and
  measures the whole process: wall time and peak RSS);
* :func:`compare_problems`, :func:`compare_map`, :func:`compare_exposure` — chaingraph's answer
  against DuckDB's, a list of differences (empty: equal).

Every measured step runs in a fresh subprocess, as in ``bench/run.py``. Manual run::

    python bench/duckdb_baseline.py --sizes 10000,100000 [--keep DIR] [--reps 5] [--json out.json]

DuckDB is a benchmark-only extra (``pip install duckdb``); nothing in chaingraph imports it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(HERE), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

GIB = 1024**3
EXPOSURE_HOPS = 2
"""``max_hops`` of the bounded exposure measured."""

# Column types of the CSV files ``chaingraph synth`` writes, in their header order (chaingraph.model.TABLES,
# less chaingraph.synth.output.OMITTED; id / text / uscc / adcode / enum → VARCHAR, int → BIGINT,
# float / money → DOUBLE, date → DATE, bool → BOOLEAN). Firms are keyed on ``enterprises.id`` (for synthetic
# firms, their credit code) and named by ``enterprise_id`` / ``supplier_id`` / ``customer_id`` elsewhere
# (schema 2). Written out here so that the DuckDB processes import neither chaingraph nor pandas.
V, INT, D, DATE, B = "VARCHAR", "BIGINT", "DOUBLE", "DATE", "BOOLEAN"
TYPES: dict[str, dict[str, str]] = {
    "regions": {"code": V, "name": V, "level": V},
    "chains": {"id": V, "name": V, "industry_code": V},
    "segments": {"id": V, "chain_id": V, "name": V, "stage": V, "order": INT, "key_link": B},
    "segment_flows": {"from_segment": V, "to_segment": V, "weight": D},
    "enterprises": {"id": V, "uscc": V, "name": V, "region_code": V, "segment_id": V, "size": V, "employees": INT,
                    "revenue": D, "founded": DATE, "qms_certified": B},
    "operates_in": {"enterprise_id": V, "segment_id": V},
    "problems": {"id": V, "name": V, "category": V, "kind": V, "standard_ref": V, "benchmark_id": V},
    "benchmarks": {"id": V, "metric": V, "unit": V, "domestic_advanced": D, "international_advanced": D,
                   "higher_is_better": B, "chain_id": V},
    "cert_bodies": {"id": V, "name": V},
    "supplies": {"supplier_id": V, "customer_id": V, "product": V, "value": D},
    "leaders": {"enterprise_id": V, "chain_id": V, "region_code": V, "since": DATE},
    "observations": {"enterprise_id": V, "problem_id": V, "severity": INT, "source": V, "observed_on": DATE, "status": V},
    "measurements": {"enterprise_id": V, "benchmark_id": V, "value": D, "measured_on": DATE},
    "certifications": {"enterprise_id": V, "body_id": V, "standard": V, "cert_no": V, "issued": DATE, "expires": DATE},
    "assistance": {"body_id": V, "enterprise_id": V, "problem_id": V, "dimension": V, "started": DATE, "status": V,
                   "outcome": V},
}

SOURCES = ("survey", "audit", "spot_check", "complaint")
"""Order of evidence sources in the ``sources`` text (chaingraph.graph.aggregates.SOURCES)."""

# Firm → segment memberships: the enterprise sheet's segment_id shortcut plus operates_in (distinct), as
# chaingraph's validation folds them. A view: nothing is precomputed.
VIEWS = """
CREATE OR REPLACE VIEW members AS
    SELECT id AS enterprise_id, segment_id FROM enterprises WHERE segment_id IS NOT NULL
    UNION
    SELECT enterprise_id, segment_id FROM operates_in;
"""


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _vmhwm() -> int:
    """Peak resident set size of this process in bytes (Linux ``VmHWM``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def load(csv_dir: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None, *,
         timings: dict[str, Any] | None = None):
    """Load every canonical CSV file of ``csv_dir`` into a DuckDB table of the same name.

    Parameters
    ----------
    csv_dir : path
        A dataset folder as ``chaingraph synth`` writes it (``enterprises.csv`` …).
    db_path : path, optional
        Database file to create (replaced if it exists); None: an in-memory database.
    timings : dict, optional
        Filled with ``tables`` (name → seconds, rows) and ``total_s``.

    Returns
    -------
    duckdb.DuckDBPyConnection
        Open on the loaded database (tables plus the ``members`` view).
    """
    import duckdb

    if db_path is not None:
        p = Path(db_path)
        for f in (p, p.with_name(p.name + ".wal")):
            if f.exists():
                f.unlink()
    con = duckdb.connect(str(db_path) if db_path is not None else ":memory:")
    t_all = time.perf_counter()
    per: dict[str, Any] = {}
    for name, cols in TYPES.items():
        path = Path(csv_dir) / f"{name}.csv"
        if not path.exists():
            # an absent optional table is an empty one (chaingraph treats it so)
            con.execute(f"CREATE TABLE {name} (" + ", ".join(f'"{c}" {t}' for c, t in cols.items()) + ")")
            continue
        t0 = time.perf_counter()
        types = "{" + ", ".join(f"'{c}': '{t}'" for c, t in cols.items()) + "}"
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header = true, delim = ',', quote = '\"', "
                    f"columns = {types}, dateformat = '%Y-%m-%d', auto_detect = false)", [str(path)])
        rows = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        per[name] = {"seconds": time.perf_counter() - t0, "rows": int(rows)}
    con.execute(VIEWS)
    if db_path is not None:
        con.execute("CHECKPOINT")
    if timings is not None:
        timings["tables"] = per
        timings["total_s"] = time.perf_counter() - t_all
    return con


def open_db(db_path: str | os.PathLike[str]):
    """Open a database file written by :func:`load` (read-only)."""
    import duckdb

    return duckdb.connect(str(db_path), read_only=True)


# ---------------------------------------------------------------------------
# The questions in SQL
# ---------------------------------------------------------------------------


def region_prefix(code: str | None) -> str:
    """Code prefix covered by a region code: province ``xx0000`` → 2 digits, city ``xxxx00`` → 4, county → 6.

    >>> region_prefix("330000"), region_prefix("330500"), region_prefix("330502"), region_prefix(None)
    ('33', '3305', '330502', '')
    """
    if code is None:
        return ""
    code = str(code)
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _scope_cte(name: str = "scope") -> str:
    """CTE of the firms in scope: located under the region prefix ($prefix, '' = the country) and operating
    in the chain ($chain; NULL = any chain) through a membership."""
    return f"""{name} AS (
        SELECT DISTINCT e.id AS enterprise_id
        FROM enterprises e
        JOIN members m ON m.enterprise_id = e.id
        JOIN segments s ON s.id = m.segment_id
        WHERE starts_with(e.region_code, $prefix) AND ($chain IS NULL OR s.chain_id = $chain)
    )"""


# Latest recorded status of a (firm, problem): the observation with the latest date among those recording a
# status (a missing date sorts first), a same-day tie going to the row last in chaingraph's canonical
# observation order (the rest of the key: source, then date); none recorded → 'open'.
_PAIRS = """pairs AS (
        SELECT o.enterprise_id, o.problem_id, max(o.severity) AS sev, count(*) AS n_obs,
               coalesce(arg_max(o.status, coalesce(strftime(o.observed_on, '%Y-%m-%d'), '') || '|' || o.source)
                        FILTER (WHERE o.status IS NOT NULL), 'open') AS status,
               list(DISTINCT o.source) AS srcs
        FROM observations o
        WHERE o.enterprise_id IN (SELECT enterprise_id FROM scope) {extra}
        GROUP BY o.enterprise_id, o.problem_id
    )"""

Z = 1.959964

COMMON_PROBLEMS_SQL = f"""
WITH {_scope_cte()},
    {_PAIRS.format(extra="")},
    n AS (SELECT count(*) AS scope_size FROM scope),
    per AS (
        SELECT p.problem_id, count(*) AS affected, any_value(n.scope_size) AS scope_size, sum(p.sev)::BIGINT AS sev_sum,
               max(p.sev) AS max_severity, sum(p.n_obs)::BIGINT AS observations,
               count(*) FILTER (WHERE p.status = 'open') AS open,
               count(*) FILTER (WHERE p.status = 'improving') AS improving,
               count(*) FILTER (WHERE p.status = 'resolved') AS resolved,
               list_distinct(flatten(list(p.srcs))) AS srcs
        FROM pairs p, n
        GROUP BY p.problem_id
    ),
    f AS (
        SELECT problem_id, affected, scope_size, affected / scope_size AS share, sev_sum / affected AS mean_severity,
               max_severity, observations, open, improving, resolved, srcs
        FROM per
    )
SELECT row_number() OVER (ORDER BY share * mean_severity DESC, affected DESC, problem_id) AS rank,
       problem_id, affected, scope_size, share,
       greatest(0.0, least(1.0, (share + {Z}^2 / (2 * scope_size)
            - {Z} * sqrt(share * (1 - share) / scope_size + {Z}^2 / (4 * scope_size * scope_size)))
            / (1 + {Z}^2 / scope_size))) AS share_lower,
       mean_severity, max_severity, share * mean_severity AS score, observations, open, improving, resolved,
       array_to_string(list_filter({list(SOURCES)}, lambda x: list_contains(srcs, x)), ',') AS sources
FROM f
ORDER BY rank
"""


def common_problems(con, region: str | None, chain: str | None, *, min_firms: int = 3, min_share: float = 0.10,
                    as_frame: bool = True):
    """chaingraph's ``common_problems(g, region, chain)`` at its core, in SQL.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    region : str or None
        Region code (province / city / county by its trailing zeros); None: the whole country.
    chain : str or None
        Chain id; None: firms of any chain (one list over every chain — not chaingraph's per-chain lists).
    min_firms, min_share
        The thresholds of ``is_common``.
    as_frame : bool
        Return a pandas DataFrame (as chaingraph does); False: a list of row tuples (no pandas).

    Returns
    -------
    pandas.DataFrame or list of tuple
        ``rank, problem_id, affected, scope_size, share, share_lower, mean_severity, max_severity, score,
        observations, open, improving, resolved, sources, is_common``, ranked by score, then firms affected,
        then id.
    """
    rel = con.execute(COMMON_PROBLEMS_SQL, {"prefix": region_prefix(region), "chain": chain})
    if not as_frame:
        return rel.fetchall()
    df = rel.df()
    df["is_common"] = (df["affected"] >= min_firms) & (df["share_lower"] >= min_share)
    return df


CHAIN_MAP_SQL = {
    "firms": f"""
        WITH {_scope_cte()}
        SELECT e.id AS enterprise_id, e.uscc, e.name, e.region_code, e.size
        FROM enterprises e SEMI JOIN scope s ON s.enterprise_id = e.id
        ORDER BY e.id""",
    "supplies": f"""
        WITH {_scope_cte()}
        SELECT x.supplier_id AS source, x.customer_id AS target, sum(x.value) AS value,
               string_agg(DISTINCT x.product, '、' ORDER BY x.product) AS product
        FROM supplies x
        WHERE x.supplier_id IN (SELECT enterprise_id FROM scope) AND x.customer_id IN (SELECT enterprise_id FROM scope)
        GROUP BY x.supplier_id, x.customer_id
        ORDER BY source, target""",
    "pairs": f"""
        WITH {_scope_cte()}
        SELECT o.enterprise_id, o.problem_id, max(o.severity) AS severity
        FROM observations o WHERE o.enterprise_id IN (SELECT enterprise_id FROM scope)
        GROUP BY o.enterprise_id, o.problem_id
        ORDER BY o.enterprise_id, o.problem_id""",
}


def chain_map_selection(con, region: str | None, chain: str | None) -> dict[str, Any]:
    """What ``chain_map(g, region, chain)`` selects: its firms, supply edges and (firm, problem) pairs.

    Returns
    -------
    dict of pandas.DataFrame
        ``firms`` (enterprise_id, uscc, name, region_code, size), ``supplies`` (source, target, value summed, products
        joined with 、 in order) — one row per supplier → customer pair among the firms — and ``pairs``
        (enterprise_id, problem_id, highest severity): the HAS_PROBLEM edges of the map.
    """
    params = {"prefix": region_prefix(region), "chain": chain}
    return {k: con.execute(sql, params).df() for k, sql in CHAIN_MAP_SQL.items()}


def exposure_sql(max_hops: int | None, include_resolved: bool = False) -> str:
    """The exposure query: a recursive CTE keyed on the firm.

    ``USING KEY (enterprise_id)`` keeps one row per firm; the recursive step reads the rows added by the previous
    step (the frontier) and keeps only firms not yet reached (``recurring.reach`` is everything reached so
    far). A firm therefore enters once, at its shortest distance, and the recursion ends when a step adds
    nobody — cycles neither hang it nor double count. Among a new firm's suppliers in the frontier the
    smallest enterprise id gives its ``via`` (chaingraph's table-order rule).
    """
    bound = "" if max_hops is None else f"AND r.hops < {int(max_hops)}"
    resolved = "" if include_resolved else "AND p.status <> 'resolved'"
    return f"""
WITH RECURSIVE {_scope_cte()},
    {_PAIRS.format(extra="AND o.problem_id = $problem")},
    src AS (SELECT p.enterprise_id FROM pairs p WHERE true {resolved}),
    reach(enterprise_id, hops, via) USING KEY (enterprise_id) AS (
        SELECT enterprise_id, 0, enterprise_id FROM src
        UNION
        SELECT x.customer_id, min(r.hops) + 1, arg_min(r.via, x.supplier_id)
        FROM reach r JOIN supplies x ON x.supplier_id = r.enterprise_id
        WHERE x.customer_id NOT IN (SELECT enterprise_id FROM recurring.reach) {bound}
        GROUP BY x.customer_id
    )
SELECT r.enterprise_id, r.hops, r.via AS via_id, r.enterprise_id IN (SELECT enterprise_id FROM scope) AS in_scope
FROM reach r
ORDER BY r.hops, r.enterprise_id
"""


def exposure(con, problem: str, region: str | None, chain: str | None, *, max_hops: int | None = None,
             include_resolved: bool = False):
    """Firms exposed through supply paths to the scope's firms that have ``problem`` (chaingraph's ``exposure``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    problem : str
        Problem id.
    region, chain : str or None
        The scope of the affected firms (paths are followed over the whole graph).
    max_hops : int, optional
        At most this many supply steps; None: every path.
    include_resolved : bool
        Also start from firms whose latest status for the problem is resolved.

    Returns
    -------
    pandas.DataFrame
        ``enterprise_id, hops, via_id, in_scope``; affected firms at hops 0; by hops then enterprise id.
    """
    return con.execute(exposure_sql(max_hops, include_resolved),
                       {"prefix": region_prefix(region), "chain": chain, "problem": problem}).df()


# ---------------------------------------------------------------------------
# Cold start
# ---------------------------------------------------------------------------


def open_and_first_query(db_path: str | os.PathLike[str], region: str | None, chain: str | None) -> dict[str, Any]:
    """Open a persisted database file and answer the first county problem count (meant for a fresh process).

    Returns
    -------
    dict
        ``import_s`` (duckdb), ``open_s``, ``query_s``, ``total_s`` (since this call started), ``rows``,
        ``answer`` (problem id → firms affected) and ``peak_rss`` (this process so far).
    """
    t0 = time.perf_counter()
    import duckdb

    t1 = time.perf_counter()
    con = duckdb.connect(str(db_path), read_only=True)
    t2 = time.perf_counter()
    rows = common_problems(con, region, chain, as_frame=False)
    t3 = time.perf_counter()
    con.close()
    return {"import_s": t1 - t0, "open_s": t2 - t1, "query_s": t3 - t2, "total_s": t3 - t0, "rows": len(rows),
            "answer": {r[1]: int(r[2]) for r in rows}, "peak_rss": _vmhwm()}


def chaingraph_open_and_first_query(store_path: str | os.PathLike[str], region: str | None,
                                    chain: str | None) -> dict[str, Any]:
    """chaingraph's side of the cold start: import, ``store.load``, the first ``common_problems``."""
    t0 = time.perf_counter()
    from chaingraph.graph import store
    from chaingraph.queries import common_problems as cg_common_problems

    t1 = time.perf_counter()
    g = store.load(store_path)
    t2 = time.perf_counter()
    df = cg_common_problems(g, region, chain)
    t3 = time.perf_counter()
    return {"import_s": t1 - t0, "open_s": t2 - t1, "query_s": t3 - t2, "total_s": t3 - t0, "rows": len(df),
            "answer": {str(k): int(v) for k, v in zip(df["problem_id"], df["affected"], strict=True)},
            "peak_rss": _vmhwm()}


def _spawn(step: str, spec: dict[str, Any], log: Path | None = None, timeout: float = 3600) -> dict[str, Any]:
    """Run ``--child step`` of this file in a fresh process; adds the whole process's wall time
    (``process_wall_s``, from spawn to exit) and peak RSS (``process_peak_rss``, from ``wait4``)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", step, "--spec", json.dumps(spec)]
    err = open(log, "a", encoding="utf-8") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        if log:
            err.write(f"\n=== {dt.datetime.now().isoformat(timespec='seconds')} duckdb_baseline {step}\n")
            err.flush()
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT)
        out = proc.stdout.read()
        _pid, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
    finally:
        if log:
            err.close()
    if proc.returncode != 0:
        raise RuntimeError(f"duckdb_baseline step {step} failed (exit {proc.returncode})" + (f"; see {log}" if log
                                                                                              else ""))
    res = json.loads(out.strip().splitlines()[-1])
    res["process_wall_s"] = wall
    res["process_peak_rss"] = ru.ru_maxrss * 1024
    res["loadavg_before"] = load_before
    return res


def measure_cold_start(db_path: str | os.PathLike[str], region: str | None, chain: str | None, *,
                       reps: int = 3, log: Path | None = None, store_path: str | None = None) -> dict[str, Any]:
    """Median over ``reps`` fresh processes of :func:`open_and_first_query` (or, with ``store_path``, of
    chaingraph's :func:`chaingraph_open_and_first_query`): the whole process's wall time and peak RSS, and
    the in-process split (import, open, query). One unmeasured process first warms the OS file cache."""
    step, spec = (("cg_coldstart", {"store": store_path, "region": region, "chain": chain}) if store_path
                  else ("coldstart", {"db": str(db_path), "region": region, "chain": chain}))
    _spawn(step, spec, log)
    runs = [_spawn(step, spec, log) for _ in range(reps)]
    med = {k: statistics.median(r[k] for r in runs) for k in
           ("process_wall_s", "process_peak_rss", "import_s", "open_s", "query_s", "total_s")}
    med.update(reps=reps, times_s=[r["process_wall_s"] for r in runs], answer=runs[-1]["answer"],
               rows=runs[-1]["rows"], loadavg_before=runs[0]["loadavg_before"])
    return med


# ---------------------------------------------------------------------------
# Equality checks
# ---------------------------------------------------------------------------


def _float_diff(a: float, b: float, tol: float = 1e-9) -> bool:
    import math

    if (a is None or a != a) and (b is None or b != b):
        return False
    if a is None or b is None or a != a or b != b:
        return True
    return not math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)


PROBLEM_INTS = ("rank", "affected", "scope_size", "max_severity", "observations", "open", "improving", "resolved")
PROBLEM_FLOATS = ("share", "share_lower", "mean_severity", "score")


def compare_problems(ours, theirs, limit: int = 20) -> list[str]:
    """Differences between chaingraph's ``common_problems`` frame and :func:`common_problems`' (by problem id).

    Compares the problem sets, then per problem the counts (:data:`PROBLEM_INTS`), the shares and severity
    (:data:`PROBLEM_FLOATS`, relative 1e-9), ``is_common`` and ``sources``. Empty list: the same answer.
    """
    diffs: list[str] = []
    a = {str(r["problem_id"]): r for r in ours.to_dict("records")}
    b = {str(r["problem_id"]): r for r in theirs.to_dict("records")}
    for p in sorted(set(a) - set(b)):
        diffs.append(f"{p}: only in chaingraph (affected {a[p]['affected']})")
    for p in sorted(set(b) - set(a)):
        diffs.append(f"{p}: only in DuckDB (affected {b[p]['affected']})")
    for p in sorted(set(a) & set(b)):
        ra, rb = a[p], b[p]
        for c in PROBLEM_INTS:
            va, vb = ra.get(c), rb.get(c)
            if va is None or vb is None or int(va) != int(vb):
                diffs.append(f"{p}.{c}: chaingraph {va} ≠ DuckDB {vb}")
        for c in PROBLEM_FLOATS:
            if _float_diff(ra.get(c), rb.get(c)):
                diffs.append(f"{p}.{c}: chaingraph {ra.get(c)!r} ≠ DuckDB {rb.get(c)!r}")
        if bool(ra["is_common"]) != bool(rb["is_common"]):
            diffs.append(f"{p}.is_common: chaingraph {ra['is_common']} ≠ DuckDB {rb['is_common']}")
        if str(ra["sources"] or "") != str(rb["sources"] or ""):
            diffs.append(f"{p}.sources: chaingraph {ra['sources']!r} ≠ DuckDB {rb['sources']!r}")
    return diffs[:limit] + ([f"… {len(diffs) - limit} more"] if len(diffs) > limit else [])


def _set_diff(what: str, a: set, b: set, limit: int = 5) -> list[str]:
    out = []
    if a - b:
        out.append(f"{what}: {len(a - b)} only in chaingraph, e.g. {sorted(a - b)[:limit]}")
    if b - a:
        out.append(f"{what}: {len(b - a)} only in DuckDB, e.g. {sorted(b - a)[:limit]}")
    return out


def compare_map(cm, sel: dict[str, Any]) -> list[str]:
    """Differences between ``chain_map``'s frames (a ChainMap) and :func:`chain_map_selection`: the firm set,
    the supply edges (pairs, summed value, products) and the HAS_PROBLEM edges (with severity)."""
    nodes, edges = cm.nodes, cm.edges
    firm_nodes = nodes.loc[nodes["kind"] == "enterprise", "node_id"].astype(str)
    diffs = _set_diff("firms", {n.removeprefix("ent:") for n in firm_nodes},
                      set(sel["firms"]["enterprise_id"].astype(str)))
    sup = edges[edges["type"] == "SUPPLIES"]

    def strip(s, prefix: str) -> list[str]:
        return [str(x)[len(prefix):] for x in s]

    a = {(s, t): (v, p) for s, t, v, p in zip(strip(sup["source"], "ent:"), strip(sup["target"], "ent:"),
                                              sup["value"], sup["product"], strict=True)}
    bs = sel["supplies"]
    b = {(str(s), str(t)): (v, p) for s, t, v, p in zip(bs["source"], bs["target"], bs["value"], bs["product"],
                                                         strict=True)}
    diffs += _set_diff("supply edges", set(a), set(b))
    bad = [k for k in set(a) & set(b) if _float_diff(a[k][0], b[k][0]) or
           (str(a[k][1]) if a[k][1] == a[k][1] and a[k][1] is not None else None) !=
           (str(b[k][1]) if b[k][1] == b[k][1] and b[k][1] is not None else None)]
    if bad:
        k = sorted(bad)[0]
        diffs.append(f"supply edges: {len(bad)} differ in value or product, e.g. {k}: chaingraph {a[k]} ≠ DuckDB {b[k]}")
    hp = edges[edges["type"] == "HAS_PROBLEM"]
    a2 = set(zip(strip(hp["source"], "ent:"), strip(hp["target"], "prob:"), hp["severity"].astype(int), strict=True))
    bp = sel["pairs"]
    b2 = set(zip(bp["enterprise_id"].astype(str), bp["problem_id"].astype(str), bp["severity"].astype(int), strict=True))
    diffs += _set_diff("HAS_PROBLEM edges (enterprise_id, problem, severity)", a2, b2)
    return diffs


def compare_exposure(ours, theirs, *, via: bool = True) -> list[str]:
    """Differences between chaingraph's ``exposure`` frame and :func:`exposure`'s: the (enterprise_id, hops, in_scope)
    rows, and (``via``) each firm's nearest affected supplier."""
    a = set(zip(ours["enterprise_id"].astype(str), ours["hops"].astype(int), ours["in_scope"].astype(bool), strict=True))
    b = set(zip(theirs["enterprise_id"].astype(str), theirs["hops"].astype(int), theirs["in_scope"].astype(bool),
                strict=True))
    diffs = _set_diff("(enterprise_id, hops, in_scope)", a, b)
    if via and not diffs:
        va = dict(zip(ours["enterprise_id"].astype(str), ours["via_id"].astype(str), strict=True))
        vb = dict(zip(theirs["enterprise_id"].astype(str), theirs["via_id"].astype(str), strict=True))
        bad = sorted(k for k in va if va[k] != vb.get(k))
        if bad:
            diffs.append(f"via: {len(bad)} firms differ, e.g. {bad[0]}: chaingraph {va[bad[0]]} ≠ DuckDB "
                         f"{vb.get(bad[0])}")
    return diffs


def check(store_path: str | os.PathLike[str], db_path: str | os.PathLike[str], plan: dict[str, Any],
          hops: int = EXPOSURE_HOPS) -> dict[str, list[str]]:
    """Every answer of chaingraph (store) against DuckDB (database file) for a ``bench/run.py`` plan:
    question → list of differences (empty: equal)."""
    from chaingraph.graph import store
    from chaingraph.queries import chain_map as cg_chain_map
    from chaingraph.queries import common_problems as cg_common_problems
    from chaingraph.queries import exposure as cg_exposure

    g = store.load(store_path)
    con = open_db(db_path)
    chain = plan["top_chain"]
    out: dict[str, list[str]] = {}
    for what, region in (("cp.county", plan["busiest"]["county"]), ("cp.city", plan["busiest"]["city"]),
                         ("cp.province", plan["busiest"]["province"]), ("cp.country", None)):
        out[what] = compare_problems(cg_common_problems(g, region, chain), common_problems(con, region, chain))
    # the map's and exposure's scope, and the busiest county for a second map
    for what, region, ch in (("chain_map", plan["map_county"], plan["map_chain"]),
                             ("chain_map.busiest", plan["busiest"]["county"], chain)):
        out[what] = compare_map(cg_chain_map(g, region, ch), chain_map_selection(con, region, ch))
    prob, county, ch = plan["exposure_problem"], plan["map_county"], plan["map_chain"]
    out["exposure.bounded"] = compare_exposure(cg_exposure(g, prob, county, ch, max_hops=hops),
                                               exposure(con, prob, county, ch, max_hops=hops))
    out["exposure"] = compare_exposure(cg_exposure(g, prob, county, ch), exposure(con, prob, county, ch))
    return out


# ---------------------------------------------------------------------------
# Measured steps (each in a fresh process)
# ---------------------------------------------------------------------------

QUERIES = ("cp.county", "cp.city", "cp.province", "cp.country", "chain_map", "exposure.bounded", "exposure")
"""The DuckDB questions measured (``bench/run.py`` names; ``chain_map`` is the selection only)."""


def duckdb_step_fn(con, plan: dict[str, Any], what: str, hops: int = EXPOSURE_HOPS):
    """The zero-argument DuckDB call measured for ``what`` (mirrors ``bench/run.py``'s ``step_fn``)."""
    p, chain = plan, plan["top_chain"]
    if what.startswith("cp."):
        region = {"cp.county": p["busiest"]["county"], "cp.city": p["busiest"]["city"],
                  "cp.province": p["busiest"]["province"], "cp.country": None}[what]
        return lambda: common_problems(con, region, chain)
    if what == "chain_map":
        return lambda: chain_map_selection(con, p["map_county"], p["map_chain"])
    if what == "exposure.bounded":
        return lambda: exposure(con, p["exposure_problem"], p["map_county"], p["map_chain"], max_hops=hops)
    if what == "exposure":
        return lambda: exposure(con, p["exposure_problem"], p["map_county"], p["map_chain"])
    raise SystemExit(f"unknown DuckDB query {what}")


def _timed(fn, reps: int) -> dict[str, Any]:
    import run as bench_run  # bench/run.py: the same warm-up + median measurement

    res = bench_run._timed(fn, reps, False)
    res.pop("_out")
    return res


def _child(step: str, spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"step": step}
    if step == "load":  # plain load into memory
        import duckdb

        timings: dict[str, Any] = {}
        c0 = time.process_time()
        load(spec["data"], None, timings=timings)
        out.update(load_s=timings["total_s"], cpu_s=time.process_time() - c0, tables=timings["tables"],
                   duckdb=duckdb.__version__, threads=None)
    elif step == "build_db":  # the same load, persisted to a database file
        timings = {}
        t0 = time.perf_counter()
        con = load(spec["data"], spec["db"], timings=timings)
        con.close()
        out.update(total_s=time.perf_counter() - t0, load_s=timings["total_s"],
                   db_bytes=sum(f.stat().st_size for f in Path(spec["db"]).parent.glob(Path(spec["db"]).name + "*")))
    elif step == "query":
        t0 = time.perf_counter()
        con = open_db(spec["db"])
        out["open_s"] = time.perf_counter() - t0
        out["threads"] = con.execute("SELECT current_setting('threads')").fetchone()[0]
        out.update(_timed(duckdb_step_fn(con, spec["plan"], spec["what"], spec.get("hops", EXPOSURE_HOPS)),
                          int(spec.get("reps", 5))))
    elif step == "cg_query":  # chaingraph's queries that bench/run.py does not measure (bounded exposure)
        from chaingraph.graph import store
        from chaingraph.queries import exposure as cg_exposure

        g = store.load(spec["store"])
        p = spec["plan"]
        hops = spec.get("hops", EXPOSURE_HOPS)
        if spec["what"] != "exposure.bounded":
            raise SystemExit(f"unknown chaingraph query {spec['what']}")
        out.update(_timed(lambda: cg_exposure(g, p["exposure_problem"], p["map_county"], p["map_chain"],
                                              max_hops=hops), int(spec.get("reps", 5))))
    elif step == "coldstart":
        out.update(open_and_first_query(spec["db"], spec["region"], spec["chain"]))
    elif step == "cg_coldstart":
        out.update(chaingraph_open_and_first_query(spec["store"], spec["region"], spec["chain"]))
    elif step == "check":
        out["diffs"] = check(spec["store"], spec["db"], spec["plan"], spec.get("hops", EXPOSURE_HOPS))
    else:
        raise SystemExit(f"unknown step {step}")
    out.setdefault("peak_rss", _vmhwm())
    return out


def measure(data: Path, store_path: Path, db_path: Path, plan: dict[str, Any], reps: int, log: Path,
            cg_queries: dict[str, Any] | None = None) -> dict[str, Any]:
    """The DuckDB side of one N (for ``bench/run.py --baseline duckdb``), with chaingraph's figures that
    ``bench/run.py`` does not already measure (bounded exposure, cold start), and the equality check.

    Parameters
    ----------
    data, store_path : Path
        The dataset folder and chaingraph's store built from it.
    db_path : Path
        Where to write the persisted DuckDB database.
    plan : dict
        ``bench/run.py``'s plan (scopes).
    cg_queries : dict, optional
        ``bench/run.py``'s ``run["queries"]`` (chaingraph's timings), for the ratios.

    Returns
    -------
    dict
        ``load`` (in memory: time, peak RSS), ``build_db`` (file: time, size, peak RSS), ``coldstart`` and
        ``cg_coldstart`` (fresh process: wall, peak RSS), ``queries`` (DuckDB, per :data:`QUERIES`),
        ``cg_queries`` (chaingraph's extra steps), ``diffs`` (per question) and ``agrees``.
    """
    res: dict[str, Any] = {}
    res["load"] = _spawn("load", {"data": str(data)}, log)
    res["build_db"] = _spawn("build_db", {"data": str(data), "db": str(db_path)}, log)
    county, chain = plan["busiest"]["county"], plan["top_chain"]
    res["coldstart"] = measure_cold_start(db_path, county, chain, log=log)
    res["cg_coldstart"] = measure_cold_start(None, county, chain, log=log, store_path=str(store_path))
    res["queries"] = {w: _spawn("query", {"db": str(db_path), "plan": plan, "what": w, "reps": reps}, log)
                      for w in QUERIES}
    res["cg_queries"] = {"exposure.bounded": _spawn("cg_query", {"store": str(store_path), "plan": plan,
                                                                 "what": "exposure.bounded", "reps": reps}, log)}
    res["diffs"] = _spawn("check", {"store": str(store_path), "db": str(db_path), "plan": plan}, log)["diffs"]
    res["agrees"] = {k: not v for k, v in res["diffs"].items()}
    if cg_queries:
        res["ratios"] = ratios(res, cg_queries)
    return res


def ratios(duck: dict[str, Any], cg_queries: dict[str, Any]) -> dict[str, float]:
    """chaingraph time ÷ DuckDB time for every question both measured (below 1: chaingraph is faster)."""
    out = {}
    for w in QUERIES:
        ours = (duck.get("cg_queries", {}).get(w) or cg_queries.get(w) or {}).get("median_s")
        theirs = duck["queries"].get(w, {}).get("median_s")
        if ours and theirs:
            out[w] = ours / theirs
    cs, ccs = duck.get("coldstart"), duck.get("cg_coldstart")
    if cs and ccs:
        out["coldstart.wall"] = ccs["process_wall_s"] / cs["process_wall_s"]
        out["coldstart.peak_rss"] = ccs["process_peak_rss"] / cs["process_peak_rss"]
    return out


# ---------------------------------------------------------------------------
# Manual run
# ---------------------------------------------------------------------------


def _fmt_s(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.2f} s" if v >= 1 else f"{v * 1000:.1f} ms"


DESCRIPTION = (
    "A plain DuckDB load of the same CSV files (`read_csv` with explicit types into one table per file, no "
    "precomputed table, no index; `bench/duckdb_baseline.py`) and the same questions in SQL: common_problems' "
    "counts (scope by region-code prefix × chain membership, one record per (firm, problem) with the latest "
    "recorded status), the firms / supply edges / (firm, problem) pairs chain_map selects, and exposure as a "
    "recursive CTE keyed on the firm (bounded and unbounded). Each step in a fresh process; warm queries: one "
    "warm-up, then the median. The cold start is the whole fresh process — interpreter, import, open "
    "(`store.load` / `duckdb.connect` on the persisted file), the first county count — median of 3 after one "
    "unmeasured run; peak RSS from `wait4`. *Same answer* compares every count, share and id set "
    "(`compare_problems`, `compare_map`, `compare_exposure`). Below 1 in the ratio column: chaingraph is faster.")


def report(runs: dict[int, dict[str, Any]]) -> str:
    """A Markdown table of one or more :func:`main` runs: chaingraph beside DuckDB, ratio ours ÷ DuckDB."""
    L = ["| N | work | chaingraph | DuckDB | chaingraph ÷ DuckDB | same answer |", "|---:|---|---:|---:|---:|---|"]
    for n, r in sorted(runs.items()):
        d, cg = r["duckdb"], r["chaingraph"]
        rows = [("build from CSV (chaingraph: validate + build + save; DuckDB: read_csv into memory)",
                 cg["build"]["total_s"], d["load"]["load_s"], None),
                ("  peak RSS of that process", cg["build"]["peak_rss"], d["load"]["peak_rss"], "rss"),
                ("DuckDB: the same load persisted to a file", None, d["build_db"]["total_s"], None),
                ("open + first county count, fresh process: wall", d["cg_coldstart"]["process_wall_s"],
                 d["coldstart"]["process_wall_s"], None),
                ("  of which open (store.load / connect)", d["cg_coldstart"]["open_s"], d["coldstart"]["open_s"], None),
                ("  of which the query", d["cg_coldstart"]["query_s"], d["coldstart"]["query_s"], None),
                ("  peak RSS of that process", d["cg_coldstart"]["process_peak_rss"],
                 d["coldstart"]["process_peak_rss"], "rss")]
        for w in QUERIES:
            ours = (d["cg_queries"].get(w) or cg["queries"].get(w) or {}).get("median_s")
            label = {"chain_map": "chain_map (chaingraph: the whole map; DuckDB: its selection)",
                     "exposure.bounded": f"exposure, {EXPOSURE_HOPS} hops", "exposure": "exposure, unbounded"}.get(
                w, f"common_problems {w[3:]} (warm)")
            rows.append((label, ours, d["queries"][w]["median_s"], w))
        for label, a, b, key in rows:
            if key == "rss":
                fa, fb = (f"{a / GIB:.2f} GiB" if a else "—"), (f"{b / GIB:.2f} GiB" if b else "—")
            else:
                fa, fb = _fmt_s(a), _fmt_s(b)
            ratio = f"{a / b:.2f}" if a and b else ""
            same = ""
            if key in d["diffs"]:
                same = "yes" if not d["diffs"][key] else "NO: " + "; ".join(d["diffs"][key][:2])
            L.append(f"| {n:,} | {label} | {fa} | {fb} | {ratio} | {same} |")
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated firm counts")
    ap.add_argument("--keep", help="folder to keep (and reuse) datasets, stores and databases in")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", help="write the raw numbers here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, json.loads(args.spec)), default=str))
        return 0
    import shutil
    import tempfile

    import run as bench_run

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="chaingraph-duckdb-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "duckdb_baseline.log"
    runs: dict[int, dict[str, Any]] = {}
    try:
        for n in sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()):
            data, _synth = bench_run._dataset(n, args.seed, work, log)
            store_path = work / f"store-{n}-s{args.seed}.cgstore"
            bench_run._say(f"N={n:,}: chaingraph build")
            cg: dict[str, Any] = {"build": bench_run._run_child("build", {"data": str(data), "store": str(store_path)},
                                                                 log)}
            plan = bench_run._run_child("plan", {"store": str(store_path)}, log)["plan"]
            bench_run._say(f"  plan {json.dumps(plan, ensure_ascii=False)}")
            cg["queries"] = {}
            for w in ("cp.county", "cp.city", "cp.province", "cp.country", "chain_map", "exposure"):
                cg["queries"][w] = bench_run._run_child("query", {"store": str(store_path), "plan": plan, "what": w,
                                                                  "reps": args.reps,
                                                                  "html_dir": str(work / "html")}, log)
                cg["queries"][w].pop("html", None)
            bench_run._say(f"N={n:,}: DuckDB")
            duck = measure(data, store_path, work / f"duckdb-{n}-s{args.seed}.duckdb", plan, args.reps, log,
                           cg["queries"])
            runs[n] = {"n": n, "plan": plan, "chaingraph": cg, "duckdb": duck}
            for k, v in duck["diffs"].items():
                bench_run._say(f"  {k}: {'same answer' if not v else 'DIFFERS: ' + '; '.join(v[:3])}")
            if args.json:
                Path(args.json).write_text(json.dumps(runs, indent=1, default=str), encoding="utf-8")
        print(report(runs))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
