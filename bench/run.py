#!/usr/bin/env python3
"""National-scale benchmark of chaingraph (issue "National scale on one machine").

For each size N it generates (or reuses) a synthetic dataset with
:func:`chaingraph.synth.write_synthetic`, then measures, each step in a fresh
subprocess (so steps do not pollute each other's memory or caches of Python
objects; peak RSS is the child's own ``VmHWM``):

* ``build``     — validate + build from CSV (``validate`` → ``ChainGraph.from_validation``
  → ``store.save``), the same work as ``ChainGraph.from_dataset`` + ``store.save``;
* ``reload``    — ``store.load``;
* ``common_problems`` for the busiest county, city and province of the most common
  chain, for that chain across the whole country, and for every chain of the country;
* ``composition``, ``chain_map`` (+ ``write_map_html``), ``leaders``, ``weak_links``,
  ``exposure`` for the county × chain closest to 2,000 firms (the biggest when none
  reaches 2,000);
* ``chain_map.draw`` — the first draw of that map's HTML in headless Chromium (Debian's
  ``/usr/bin/chromium`` driven by Playwright, offline, as in ``tests/test_map_browser.py``):
  the page's own ``window.__chainmap.firstDrawMs`` (ms after navigation start), median of
  3 loads after one warm-up, each in a fresh browser context; reported as "not measured"
  with the reason when Playwright or Chromium is missing;
* the **plain baseline**: one networkx ``MultiDiGraph`` of everything built with Python
  loops from the CSV files, and the same ``common_problems`` answer computed with
  Python loops over it (county, province, country), its answer checked against ours.

Queries run once to warm up, then ``--reps`` times; the median is reported. Results go
to ``results.json`` (raw) and ``results.md`` (tables against the issue's targets, the
machine, versions, ratios to the baseline, and under every missed target the miss, the
profile top and the cause from ``bench/why.json``).

Usage::

    python bench/run.py --sizes 10000,100000,1000000 --out bench/results.md [--keep DIR]
    python bench/run.py --report-only --out bench/results.md     # re-render from results.json
    python bench/run.py --sizes 1000000 --merge ...                # add sizes to an existing results.json

This is a script, not a pytest test.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import math
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GIB = 1024**3
TARGET_N = 1_000_000
MAP_FIRMS = 2_000

# key -> (work, target text, limit in seconds or None, applies at N (None = every N), metric)
TARGETS: dict[str, tuple[str, str, float | None, int | None]] = {
    "build.total": ("validate + build from CSV (+ store.save)", "≤ 60 s", 60.0, TARGET_N),
    "build.peak": ("validate + build from CSV: peak RSS", "≤ 6 GiB", 6.0 * GIB, TARGET_N),
    "reload": ("store reload (store.load)", "≤ 3 s", 3.0, TARGET_N),
    "cp.county": ("common_problems — busiest county × top chain", "≤ 100 ms", 0.1, None),
    "cp.city": ("common_problems — busiest city × top chain", "≤ 100 ms", 0.1, None),
    "cp.province": ("common_problems — busiest province × top chain", "≤ 100 ms", 0.1, None),
    "cp.country": ("common_problems — whole country × top chain", "≤ 100 ms", 0.1, None),
    "cp.country_all": ("common_problems — whole country, all chains", "≤ 100 ms", 0.1, None),
    "composition": ("composition — map county × chain", "—", None, None),
    "composition.country": ("composition — whole country × top chain", "—", None, None),
    "chain_map": ("chain_map — county × chain of ~2,000 firms", "≤ 0.5 s", 0.5, None),
    "chain_map.html": ("write_map_html for that map", "≤ 0.5 s", 0.5, None),
    "chain_map.draw": ("first draw in Chromium of that map", "≤ 2 s", 2.0, None),
    "leaders": ("leaders — county × chain of ~2,000 firms", "≤ 2 s", 2.0, None),
    "weak_links": ("weak_links — county × chain of ~2,000 firms", "≤ 2 s", 2.0, None),
    "exposure": ("exposure — top problem of that county × chain", "—", None, None),
}
SPEEDUP_TARGET = 30.0
SPEEDUP_N = 100_000

# The browser of tests/test_map_browser.py: Debian's chromium driven through Playwright's
# executable_path (``playwright install`` downloads are not used), and no name resolves.
CHROMIUM = Path(os.environ.get("CHAINGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
DRAW_TIMEOUT_S = 60.0
DRAW_REPS = 3

# ---------------------------------------------------------------------------
# Child side: one measured step per process
# ---------------------------------------------------------------------------


def _vmhwm() -> int:
    """Peak resident set size of this process in bytes (Linux ``VmHWM``; ``ru_maxrss`` elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _profile_top(prof: cProfile.Profile, limit: int = 18) -> list[dict[str, Any]]:
    st = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": func, "where": f"{_short(file)}:{line}", "ncalls": nc, "tottime": round(tt, 4),
                     "cumtime": round(ct, 4)})
    by_cum = sorted(rows, key=lambda r: -r["cumtime"])
    ours = [r for r in by_cum if r["where"].startswith("chaingraph/")][:25]
    by_own = sorted(rows, key=lambda r: -r["tottime"])[:15]
    keep: dict[str, dict[str, Any]] = {}
    for r in by_cum[:limit] + ours + by_own:
        keep.setdefault(f"{r['where']}:{r['function']}", r)
    return sorted(keep.values(), key=lambda r: -r["cumtime"])


def _short(file: str) -> str:
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    try:
        return str(Path(file).resolve().relative_to(ROOT))
    except ValueError:
        return file


def _timed(fn: Callable[[], Any], reps: int, profile: bool) -> dict[str, Any]:
    """Warm-up once, then ``reps`` timed runs (fewer when one run is slow); optionally profile one more run."""
    t0 = time.perf_counter()
    out = fn()
    warm = time.perf_counter() - t0
    n = reps if warm < 5 else (2 if warm < 30 else 1)
    times, cpus = [], []
    for _ in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    res: dict[str, Any] = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
                           "cpu_s": statistics.median(cpus), "warmup_s": warm, "reps": n, "times_s": times}
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        fn()
        prof.disable()
        res["profile"] = _profile_top(prof)
    res["_out"] = out
    return res


def _child(step: str, spec: dict[str, Any]) -> dict[str, Any]:
    from chaingraph.graph import store

    reps = int(spec.get("reps", 5))
    profile = bool(spec.get("profile"))
    out: dict[str, Any] = {"step": step}
    if step == "synth":
        from chaingraph.synth import write_synthetic

        t0 = time.perf_counter()
        out["counts"] = write_synthetic(spec["data"], spec["n"], seed=spec["seed"])
        out["seconds"] = time.perf_counter() - t0
        out["bytes"] = sum(p.stat().st_size for p in Path(spec["data"]).glob("*.csv"))
    elif step == "build":
        from chaingraph.graph import ChainGraph
        from chaingraph.validate import validate

        prof = cProfile.Profile() if profile else None
        if prof:
            prof.enable()
        c0, t0 = time.process_time(), time.perf_counter()
        r = validate(spec["data"])
        t1 = time.perf_counter()
        g = ChainGraph.from_validation(r)
        t2 = time.perf_counter()
        store.save(g, spec["store"])
        t3 = time.perf_counter()
        out["cpu_s"] = time.process_time() - c0
        if prof:
            prof.disable()
            out["profile"] = _profile_top(prof, 30)
        out.update(validate_s=t1 - t0, graph_s=t2 - t1, save_s=t3 - t2, total_s=t3 - t0, errors=r.n_errors,
                   warnings=r.n_warnings, balanced=r.balanced,
                   accepted={row["table"]: int(row["accepted"]) for row in r.summary.to_dict("records")},
                   store_bytes=sum(p.stat().st_size for p in Path(spec["store"]).iterdir()))
    elif step == "reload":
        res = _timed(lambda: store.load(spec["store"]), reps, profile)
        res.pop("_out")
        out.update(res)
    elif step == "plan":
        out["plan"] = _plan(store.load(spec["store"]))
    elif step == "query":
        t0 = time.perf_counter()
        g = store.load(spec["store"])
        out["load_s"] = time.perf_counter() - t0
        out.update(_query(g, spec, reps, profile))
    elif step == "baseline":
        out.update(_baseline(spec, reps))
    elif step == "draw":
        out.update(_draw([Path(f) for f in spec["html"]], int(spec.get("reps", DRAW_REPS))))
    else:
        raise SystemExit(f"unknown step {step}")
    out["peak_rss"] = _vmhwm()
    return out


def _plan(g) -> dict[str, Any]:
    """Scopes to measure: the most common chain, its busiest county / city / province, the county × chain
    closest to 2,000 firms (or the biggest), and the problem most observed there."""
    import numpy as np
    import pandas as pd

    ent = g.tables["enterprises"]
    ops = g.tables["operates_in"]
    seg = g.tables["segments"]
    chain_of_ops = seg["chain_id"].to_numpy()[ops["_seg"].to_numpy()]
    pairs = pd.DataFrame({"_ent": ops["_ent"].to_numpy(), "chain": chain_of_ops}).drop_duplicates()
    region = pd.Series(ent["region_code"].to_numpy()[pairs["_ent"].to_numpy()], index=pairs.index, dtype="str")
    pairs["county"] = region
    pairs["city"] = region.str[:4] + "00"
    pairs["province"] = region.str[:2] + "0000"
    top_chain = pairs["chain"].value_counts().idxmax()
    in_top = pairs[pairs["chain"] == top_chain]
    busiest = {lvl: str(in_top[lvl].value_counts().idxmax()) for lvl in ("county", "city", "province")}
    sizes = {lvl: int(in_top[lvl].value_counts().max()) for lvl in ("county", "city", "province")}
    groups = pairs.groupby(["county", "chain"]).size()
    if groups.max() >= MAP_FIRMS:
        pick = (groups - MAP_FIRMS).abs().idxmin()
    else:
        pick = groups.idxmax()
    map_county, map_chain = (str(x) for x in pick)
    s = g.scope(region=map_county, chain=map_chain)
    obs = g.tables["observations"]
    o = obs["_prob"].to_numpy()[s.mask[obs["_ent"].to_numpy()]]
    prob = str(g.tables["problems"]["id"].iloc[int(np.bincount(o).argmax())])
    return {"top_chain": str(top_chain), "top_chain_firms": int(len(in_top)), "busiest": busiest,
            "busiest_firms": sizes, "map_county": map_county, "map_chain": map_chain, "map_firms": int(len(s)),
            "exposure_problem": prob, "enterprises": int(len(ent))}


def step_fn(g, plan: dict[str, Any], what: str, html_dir: str | Path | None = None) -> Callable[[], Any]:
    """The zero-argument call measured for a query step (shared with ``bench/profile_lines.py``).

    ``chain_map.html`` builds the map once, here, and returns the HTML writing alone.
    """
    from chaingraph.queries import chain_map, common_problems, composition, exposure, leaders, weak_links

    p, chain = plan, plan["top_chain"]
    if what.startswith("cp."):
        region = {"cp.county": p["busiest"]["county"], "cp.city": p["busiest"]["city"],
                  "cp.province": p["busiest"]["province"]}.get(what)
        ch = None if what == "cp.country_all" else chain
        return lambda: common_problems(g, region, ch)
    if what == "composition":
        return lambda: composition(g, p["map_county"], p["map_chain"])
    if what == "composition.country":
        return lambda: composition(g, None, chain)
    if what == "chain_map":
        return lambda: chain_map(g, p["map_county"], p["map_chain"])
    if what == "chain_map.html":
        from chaingraph.render import write_map_html

        cm = chain_map(g, p["map_county"], p["map_chain"])
        html = Path(html_dir or tempfile.mkdtemp(prefix="cg-html-")) / "map.html"
        return lambda: write_map_html(cm, html)
    if what == "leaders":
        return lambda: leaders(g, p["map_county"], p["map_chain"])
    if what == "weak_links":
        return lambda: weak_links(g, p["map_county"], p["map_chain"])
    if what == "exposure":
        return lambda: exposure(g, p["exposure_problem"], p["map_county"], p["map_chain"])
    raise SystemExit(f"unknown query {what}")


def _query(g, spec: dict[str, Any], reps: int, profile: bool) -> dict[str, Any]:
    plan, what = spec["plan"], spec["what"]
    res = _timed(step_fn(g, plan, what), reps, profile)
    out = res.pop("_out")
    if what.startswith("cp."):
        res["rows"] = len(out)
        res["scope_size"] = int(out["scope_size"].max()) if len(out) else 0
        res["answer"] = {str(k): int(v) for k, v in zip(out["problem_id"], out["affected"], strict=True)} \
            if what != "cp.country_all" else None
    elif what == "chain_map":
        res["nodes"], res["edges"] = len(out.nodes), len(out.edges)
        html = _timed(step_fn(g, plan, "chain_map.html", spec["html_dir"]), reps, profile)
        files = html.pop("_out")
        html["files"] = len(files)
        html["bytes"] = sum(f.stat().st_size for f in files)
        html["paths"] = [str(f) for f in files]  # for the draw step; dropped before results.json
        res["html"] = html
    else:
        res["rows"] = len(out)
    return res


def _draw_unavailable() -> str | None:
    """Why the first draw cannot be measured here (no Chromium, no Playwright), or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found; scripts/setup-test-env installs Debian's chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed; scripts/setup-test-env installs it"
    return None


def _first_draw(browser: Any, path: Path) -> dict[str, Any]:
    """Open ``path`` in a fresh context of ``browser`` (no cache, no storage shared with other loads), offline,
    and return the page's own ``window.__chainmap`` timings once the network has drawn."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, device_scale_factor=1)
    blocked: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        # the map must be self-contained: anything but the file itself is refused, not fetched
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    try:
        page = ctx.new_page()
        page.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.resolve().as_uri())
        # poll with evaluate: page.wait_for_function uses eval, which the map's Content-Security-Policy refuses;
        # the poll does not affect the number, which the page records itself at its first afterDrawing
        end = time.monotonic() + DRAW_TIMEOUT_S
        while True:
            st = page.evaluate("window.__chainmap || null")
            if st and st.get("firstDrawMs") is not None:
                break
            if time.monotonic() > end:
                raise TimeoutError(f"{path.name}: no first draw within {DRAW_TIMEOUT_S:.0f} s; errors {errors[:3]}")
            time.sleep(0.05)
    finally:
        ctx.close()
    return {"first_draw_ms": float(st["firstDrawMs"]), "script_start_ms": st.get("scriptStartMs"),
            "nodes": st.get("nodes"), "edges": st.get("edges"), "blocked": blocked, "errors": errors}


def _draw(paths: list[Path], reps: int) -> dict[str, Any]:
    """First draw in headless Chromium of the map written by ``chain_map.html``: one warm-up load, then the
    median of ``reps`` loads. When the map was split (summary + per-segment pages) the largest segment page
    is measured too and the value is the slower of the two, since a user opens both."""
    reason = _draw_unavailable()
    if reason:
        return {"skipped": reason}
    from playwright.sync_api import sync_playwright

    measured = paths[:1] + ([max(paths[1:], key=lambda f: f.stat().st_size)] if len(paths) > 1 else [])
    pages: list[dict[str, Any]] = []
    version = None
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            version = browser.version
            try:
                for path in measured:
                    warm = _first_draw(browser, path)
                    loads = [_first_draw(browser, path) for _ in range(reps)]
                    starts = [x["script_start_ms"] for x in loads if x["script_start_ms"] is not None]
                    pages.append({
                        "file": path.name, "bytes": path.stat().st_size, "nodes": loads[-1]["nodes"],
                        "edges": loads[-1]["edges"], "warmup_ms": warm["first_draw_ms"],
                        "times_ms": [x["first_draw_ms"] for x in loads],
                        "first_draw_ms": statistics.median(x["first_draw_ms"] for x in loads),
                        "script_start_ms": statistics.median(starts) if starts else None,
                        "blocked": sorted({u for x in [warm, *loads] for u in x["blocked"]}),
                        "errors": sorted({e for x in [warm, *loads] for e in x["errors"]})[:10]})
            finally:
                browser.close()
    except Exception as exc:  # a browser that cannot start or draw is reported, not fatal
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        return {"skipped": f"Chromium failed: {type(exc).__name__}: {first}"}
    worst = max(pages, key=lambda pg: pg["first_draw_ms"])
    return {"median_s": worst["first_draw_ms"] / 1000, "reps": reps, "files": len(paths), "pages": pages,
            "chromium": f"{CHROMIUM} {version}"}


# ---------------------------------------------------------------------------
# The plain networkx baseline
# ---------------------------------------------------------------------------


def _baseline_graph(data: Path):
    """Everything in one networkx MultiDiGraph, built with Python loops from the CSV files."""
    import csv

    import networkx as nx

    G = nx.MultiDiGraph()

    def rows(name: str):
        path = data / f"{name}.csv"
        if not path.exists():
            return
        with open(path, encoding="utf-8", newline="") as fh:
            yield from csv.DictReader(fh)

    for r in rows("segments"):
        G.add_node(("S", r["id"]), label="Segment", chain=r["chain_id"], name=r["name"], order=int(r["order"]),
                   key_link=r["key_link"] == "true")
    for r in rows("problems"):
        G.add_node(("P", r["id"]), label="Problem", name=r["name"], category=r["category"], kind=r["kind"])

    def region(code: str) -> tuple[str, str]:
        node = ("R", code)
        if node not in G:
            level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
            G.add_node(node, label="Region", code=code, level=level)
            if level != "province":
                parent = code[:2] + "0000" if level == "city" else code[:4] + "00"
                G.add_edge(node, region(parent), type="WITHIN")
        return node

    for r in rows("enterprises"):
        e = ("E", r["id"])
        G.add_node(e, label="Enterprise", name=r["name"], size=r["size"])
        G.add_edge(e, region(r["region_code"]), type="LOCATED_IN")
        if r["segment_id"]:
            G.add_edge(e, ("S", r["segment_id"]), type="OPERATES_IN")
    for r in rows("operates_in"):
        G.add_edge(("E", r["enterprise_id"]), ("S", r["segment_id"]), type="OPERATES_IN")
    for r in rows("supplies"):
        G.add_edge(("E", r["supplier_id"]), ("E", r["customer_id"]), type="SUPPLIES", product=r["product"],
                   value=float(r["value"]) if r["value"] else None)
    for r in rows("observations"):
        G.add_edge(("E", r["enterprise_id"]), ("P", r["problem_id"]), type="HAS_PROBLEM", severity=int(r["severity"]),
                   source=r["source"], observed_on=r["observed_on"], status=r["status"] or None)
    return G


def _baseline_common_problems(G, region: str | None, chain: str, min_firms: int = 3,
                              min_share: float = 0.10) -> list[dict[str, Any]]:
    """common_problems with Python loops over the MultiDiGraph (scope found by walking WITHIN / LOCATED_IN)."""
    if region is None:
        firms = [n for n, d in G.nodes(data=True) if d["label"] == "Enterprise"]
    else:
        stack, firms = [("R", region)], []
        while stack:
            node = stack.pop()
            for u, _, d in G.in_edges(node, data=True):
                if d["type"] == "WITHIN":
                    stack.append(u)
                elif d["type"] == "LOCATED_IN":
                    firms.append(u)
    scope = []
    for f in firms:
        segs = [v for _, v, d in G.out_edges(f, data=True) if d["type"] == "OPERATES_IN"]
        if any(G.nodes[s]["chain"] == chain for s in segs):
            scope.append(f)
    n_scope = len(scope)
    per: dict[Any, dict[str, Any]] = {}
    for f in scope:
        seen: dict[Any, list[Any]] = {}
        for _, p, d in G.out_edges(f, data=True):
            if d["type"] != "HAS_PROBLEM":
                continue
            rec = seen.get(p)
            if rec is None:
                seen[p] = [d["severity"], d["observed_on"], d["status"], {d["source"]}, 1]
            else:
                rec[0] = max(rec[0], d["severity"])
                if d["observed_on"] >= rec[1]:
                    rec[1], rec[2] = d["observed_on"], d["status"]
                rec[3].add(d["source"])
                rec[4] += 1
        segs = [G.nodes[v]["name"] for _, v, d in G.out_edges(f, data=True)
                if d["type"] == "OPERATES_IN" and G.nodes[v]["chain"] == chain]
        for p, (sev, _day, status, sources, n_obs) in seen.items():
            agg = per.setdefault(p, {"affected": 0, "sev_sum": 0, "max_sev": 0, "obs": 0, "sources": set(),
                                     "status": {"open": 0, "improving": 0, "resolved": 0}, "segments": {}})
            agg["affected"] += 1
            agg["sev_sum"] += sev
            agg["max_sev"] = max(agg["max_sev"], sev)
            agg["obs"] += n_obs
            agg["sources"] |= sources
            if status in agg["status"]:
                agg["status"][status] += 1
            if segs:
                agg["segments"][segs[0]] = agg["segments"].get(segs[0], 0) + 1
    out = []
    z = 1.959964
    for p, a in per.items():
        k, n = a["affected"], n_scope
        share = k / n
        den = 1 + z * z / n
        lower = max(0.0, (share + z * z / (2 * n) - z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))) / den)
        mean_sev = a["sev_sum"] / k
        out.append({"problem_id": p[1], "name": G.nodes[p]["name"], "affected": k, "scope_size": n, "share": share,
                    "share_lower": lower, "mean_severity": mean_sev, "max_severity": a["max_sev"],
                    "score": share * mean_sev, "is_common": k >= min_firms and lower >= min_share,
                    "observations": a["obs"], "sources": ",".join(sorted(a["sources"])), **a["status"],
                    "segments": "、".join(f"{s}({c})" for s, c in sorted(a["segments"].items(), key=lambda x: -x[1]))})
    out.sort(key=lambda r: (-r["score"], -r["affected"], r["problem_id"]))
    total = sum(r["score"] for r in out) or 1.0
    cum = 0.0
    for i, r in enumerate(out, start=1):
        cum += r["score"]
        r["rank"], r["cum_share"] = i, cum / total
    return out


def _baseline(spec: dict[str, Any], reps: int) -> dict[str, Any]:
    p = spec["plan"]
    t0 = time.perf_counter()
    G = _baseline_graph(Path(spec["data"]))
    out: dict[str, Any] = {"build_s": time.perf_counter() - t0, "nodes": G.number_of_nodes(),
                           "edges": G.number_of_edges(), "build_peak_rss": _vmhwm()}
    chain = p["top_chain"]
    for what, region in (("cp.county", p["busiest"]["county"]), ("cp.province", p["busiest"]["province"]),
                         ("cp.country", None)):
        res = _timed(lambda region=region: _baseline_common_problems(G, region, chain), reps, False)
        rows = res.pop("_out")
        res["answer"] = {r["problem_id"]: r["affected"] for r in rows}
        res["rows"] = len(rows)
        out[what] = res
    return out


# ---------------------------------------------------------------------------
# Parent side
# ---------------------------------------------------------------------------


MAX_LOAD: float | None = None
"""Set by ``--max-load``: wait (up to 10 minutes) before each step until the 1-minute load average is below it."""


def _run_child(step: str, spec: dict[str, Any], log: Path, timeout: float = 4 * 3600) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", step, "--spec", json.dumps(spec)]
    waited = 0.0
    if MAX_LOAD is not None:
        while os.getloadavg()[0] > MAX_LOAD and waited < 600:
            time.sleep(5)
            waited += 5
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(log, "a", encoding="utf-8") as err:
        err.write(f"\n=== {dt.datetime.now().isoformat(timespec='seconds')} {step} {spec.get('what', '')}\n")
        err.flush()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"step {step} {spec.get('what', '')} failed (exit {proc.returncode}); see {log}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_s"] = time.perf_counter() - t0
    res["loadavg_before"], res["loadavg_after"], res["waited_s"] = load_before, os.getloadavg()[0], waited
    return res


def _say(msg: str) -> None:
    print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {msg}", flush=True)


def _dataset(n: int, seed: int, work: Path, log: Path) -> tuple[Path, dict[str, Any]]:
    from chaingraph.synth import GENERATOR_VERSION, MARKER

    data = work / f"synth-{n}-s{seed}"
    info_file = work / f"synth-{n}-s{seed}.bench.json"
    marker = data / MARKER
    if marker.exists() and info_file.exists():
        m = json.loads(marker.read_text(encoding="utf-8"))
        if m.get("version") == GENERATOR_VERSION and m.get("n_enterprises") == n and m.get("seed") == seed:
            info = json.loads(info_file.read_text(encoding="utf-8"))
            info.setdefault("generator", m["version"])
            info["cached"] = True
            _say(f"N={n:,}: reusing {data}")
            return data, info
    _say(f"N={n:,}: generating {data}")
    info = _run_child("synth", {"data": str(data), "n": n, "seed": seed}, log)
    info["generator"] = GENERATOR_VERSION
    info_file.write_text(json.dumps(info, indent=1), encoding="utf-8")
    info["cached"] = False
    return data, info


def _memory_available() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(n: int, seed: int, work: Path, reps: int, baseline_max: int | None, log: Path,
            prev_baseline: dict[str, Any] | None, reuse: dict[str, Any] | None = None,
            baselines: tuple[str, ...] = ("networkx",)) -> dict[str, Any]:
    data, synth = _dataset(n, seed, work, log)
    store_path = work / f"store-{n}-s{seed}.cgstore"
    res: dict[str, Any] = {"n": n, "seed": seed, "synth": synth}
    _say(f"N={n:,}: build (validate + graph + save)")
    res["build"] = _run_child("build", {"data": str(data), "store": str(store_path)}, log)
    b = res["build"]
    _say(f"  build {b['total_s']:.1f} s (validate {b['validate_s']:.1f}), peak {b['peak_rss'] / GIB:.2f} GiB, "
         f"{b['errors']} errors, {b['warnings']} warnings")
    res["reload"] = _run_child("reload", {"store": str(store_path), "reps": 3}, log)
    _say(f"  reload {res['reload']['median_s']:.2f} s")
    plan = _run_child("plan", {"store": str(store_path)}, log)["plan"]
    res["plan"] = plan
    _say(f"  plan: {json.dumps(plan, ensure_ascii=False)}")
    html_dir = work / f"html-{n}"
    html_dir.mkdir(exist_ok=True)
    res["queries"] = {}
    for what in ("cp.county", "cp.city", "cp.province", "cp.country", "cp.country_all", "composition",
                 "composition.country", "chain_map", "leaders", "weak_links", "exposure"):
        q = _run_child("query", {"store": str(store_path), "plan": plan, "what": what, "reps": reps,
                                 "html_dir": str(html_dir)}, log)
        res["queries"][what] = q
        extra = f", html {q['html']['median_s'] * 1000:.0f} ms" if "html" in q else ""
        _say(f"  {what}: {q['median_s'] * 1000:.1f} ms (median of {q['reps']}){extra}")
        if what == "chain_map":
            q["draw"] = _measure_draw(q["html"].pop("paths"), log)
    # plain networkx baseline
    if "duckdb" in baselines:
        import duckdb_baseline

        _say(f"N={n:,}: DuckDB baseline")
        duck = duckdb_baseline.measure(data, store_path, work / f"duckdb-{n}-s{seed}.duckdb", plan, reps, log,
                                       res["queries"])
        res["duckdb"] = duck
        for what, diffs in duck["diffs"].items():
            _say(f"  duckdb {what}: " + ("same answer" if not diffs else "DIFFERS: " + "; ".join(diffs[:3])))
    run_base = "networkx" in baselines and (baseline_max is None or n <= baseline_max)
    if "networkx" not in baselines:
        res["baseline_skipped"] = "not asked (--baseline)"
    elif not run_base:
        res["baseline_skipped"] = f"N above --baseline-max {baseline_max:,}"
    elif prev_baseline and prev_baseline["n"] < n:
        need = prev_baseline["build_peak_rss"] / prev_baseline["n"] * n
        run_base = need < 0.8 * _memory_available()
        if not run_base:
            res["baseline_skipped"] = (
                f"estimated {need / GIB:.1f} GiB from {prev_baseline['n']:,} firms "
                f"({prev_baseline['build_peak_rss'] / GIB:.2f} GiB) exceeds 80 % of available memory")
    if run_base:
        if reuse and reuse.get("plan") == plan and reuse.get("generator") == synth.get("generator"):
            _say(f"N={n:,}: reusing the plain networkx baseline measured on {reuse['date']}")
            base = reuse["baseline"]
            base["reused_from"] = reuse["date"]
        else:
            _say(f"N={n:,}: plain networkx baseline")
            base = _run_child("baseline", {"data": str(data), "plan": plan, "reps": min(reps, 3)}, log)
        base["n"] = n
        res["baseline"] = base
        for what in ("cp.county", "cp.province", "cp.country"):
            ours = res["queries"][what]
            theirs = base[what]
            theirs["agrees"] = ours["answer"] == theirs["answer"]
            theirs["speedup"] = theirs["median_s"] / ours["median_s"]
            _say(f"  baseline {what}: {theirs['median_s'] * 1000:.0f} ms → ours {_times(theirs['speedup'])} faster, "
                 f"answers agree: {theirs['agrees']}")
    shutil.rmtree(html_dir, ignore_errors=True)
    return res


def _measure_draw(paths: list[str], log: Path) -> dict[str, Any]:
    """The ``chain_map.draw`` step in its own subprocess (the browser is not run inside the timed query
    process); a failure is recorded as "not measured" so that the rest of the bench still runs."""
    try:
        d = _run_child("draw", {"html": paths, "reps": DRAW_REPS}, log, timeout=20 * 60)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        d = {"skipped": f"draw step failed: {exc}"}
    if d.get("skipped"):
        _say(f"  chain_map.draw: not measured ({d['skipped']})")
    else:
        notes = "; ".join(f"{pg['file']} {pg['bytes'] / 1e6:.1f} MB {pg['first_draw_ms']:.0f} ms"
                          for pg in d["pages"])
        _say(f"  chain_map.draw: first draw {d['median_s'] * 1000:.0f} ms (median of {d['reps']}; {notes})")
    return d


def _line_profile(args: list[str], log: Path) -> str | None:
    """Markdown table of ``bench/profile_lines.py`` (py-spy), or None when py-spy is missing or fails."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return None
    cmd = [sys.executable, str(HERE / "profile_lines.py"), *args]
    with open(log, "a", encoding="utf-8") as err:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT, timeout=3 * 3600)
    return proc.stdout if proc.returncode == 0 else None


def profile_misses(results: dict[str, Any], work: Path, seed: int, log: Path) -> None:
    """Profile every missed step once more (at the largest N measured): line by line with py-spy when it
    is installed (``bench/profile_lines.py``), and with cProfile (function view) in any case."""
    sizes = sorted(int(k) for k in results["runs"])
    n = sizes[-1]
    run = results["runs"][str(n)]
    store_path = work / f"store-{n}-s{seed}.cgstore"
    data = work / f"synth-{n}-s{seed}"
    if not store_path.exists() or not data.exists():
        _say(f"cannot profile: {store_path} or {data} is gone")
        return
    lines = run.setdefault("line_profiles", {})
    plan_arg = json.dumps(run["plan"])
    for key, status in _statuses(run).items():
        if status["met"] is not False or key == "chain_map.draw":
            # the first draw's time is spent in the browser: nothing for cProfile or py-spy to see
            continue
        _say(f"profiling {key} at N={n:,}")
        if key.startswith("build"):
            if "profile" not in run["build"]:
                prof = _run_child("build", {"data": str(data), "store": str(store_path), "profile": True}, log)
                run["build"]["profile"] = prof["profile"]
            if "build" not in lines:
                lines["build"] = _line_profile(["--data", str(data), "--what", "build", "--top", "30"], log)
            lines[key] = lines["build"]
            continue
        if key == "reload":
            prof = _run_child("reload", {"store": str(store_path), "reps": 1, "profile": True}, log)
            run["reload"]["profile"] = prof["profile"]
            lines[key] = _line_profile(["--store", str(store_path), "--what", "reload", "--loops", "3"], log)
            continue
        what = "chain_map" if key == "chain_map.html" else key
        html_dir = work / f"html-{n}"
        html_dir.mkdir(exist_ok=True)
        prof = _run_child("query", {"store": str(store_path), "plan": run["plan"], "what": what, "reps": 1,
                                    "profile": True, "html_dir": str(html_dir)}, log)
        shutil.rmtree(html_dir, ignore_errors=True)
        if key == "chain_map.html":
            run["queries"]["chain_map"]["html"]["profile"] = prof["html"]["profile"]
        else:
            run["queries"][what]["profile"] = prof["profile"]
        loops = "2" if key == "cp.country_all" else "10"
        lines[key] = _line_profile(["--store", str(store_path), "--plan", plan_arg, "--what", key, "--loops", loops,
                                    "--top", "25"], log)
    # the baseline speed-up target is judged at SPEEDUP_N: profile our side there too
    sp = results["runs"].get(str(SPEEDUP_N))
    sp_store = work / f"store-{SPEEDUP_N}-s{seed}.cgstore"
    if sp and sp.get("baseline") and sp_store.exists():
        worst = min(("cp.county", "cp.province", "cp.country"), key=lambda w: sp["baseline"][w]["speedup"])
        if sp["baseline"][worst]["speedup"] < SPEEDUP_TARGET:
            _say(f"profiling {worst} at N={SPEEDUP_N:,} (speed-up against the baseline)")
            sp.setdefault("line_profiles", {})["speedup"] = _line_profile(
                ["--store", str(sp_store), "--plan", json.dumps(sp["plan"]), "--what", worst, "--loops", "20",
                 "--top", "25"], log)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _value(run: dict[str, Any], key: str) -> float | None:
    if key == "build.total":
        return run["build"]["total_s"]
    if key == "build.peak":
        return run["build"]["peak_rss"]
    if key == "reload":
        return run["reload"]["median_s"]
    if key == "chain_map.html":
        return run["queries"]["chain_map"]["html"]["median_s"]
    if key == "chain_map.draw":
        return (run["queries"]["chain_map"].get("draw") or {}).get("median_s")
    q = run["queries"].get(key)
    return q["median_s"] if q else None


def _step(run: dict[str, Any], key: str) -> dict[str, Any] | None:
    if key.startswith("build"):
        return run["build"]
    if key == "reload":
        return run["reload"]
    if key == "chain_map.html":
        return run["queries"]["chain_map"]["html"]
    if key == "chain_map.draw":
        return run["queries"]["chain_map"].get("draw")  # absent in results from before the step existed
    return run["queries"].get(key)


def _cpu(run: dict[str, Any], key: str) -> float | None:
    if key == "build.peak":
        return None
    st = _step(run, key)
    return None if st is None else st.get("cpu_s")


def _load(run: dict[str, Any], key: str) -> float | None:
    st = run["queries"]["chain_map"] if key == "chain_map.html" else _step(run, key)
    return None if st is None else st.get("loadavg_before")


def _statuses(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for key, (_work, _text, limit, at_n) in TARGETS.items():
        v = _value(run, key)
        applies = limit is not None and (at_n is None or at_n == run["n"])
        cpu = _cpu(run, key)
        out[key] = {"value": v, "met": (v <= limit) if applies and v is not None else None, "limit": limit,
                    "cpu": cpu, "met_cpu": (min(v, cpu) <= limit) if applies and v is not None and cpu else None,
                    "load": _load(run, key)}
    return out


def _draw_notes(draw: dict[str, Any]) -> list[str]:
    """Below the first-draw cell: each measured page's size, and how much of the time the page script took
    (the rest is loading and parsing the file before the script starts)."""
    out = []
    for i, pg in enumerate(draw.get("pages", [])):
        what = "" if len(draw["pages"]) == 1 else ("summary page " if i == 0 else "largest segment page ")
        after = (f", draw {pg['first_draw_ms'] - pg['script_start_ms']:.0f} ms after script start"
                 if pg.get("script_start_ms") is not None else "")
        ms = f" {pg['first_draw_ms']:.0f} ms" if len(draw["pages"]) > 1 else ""
        out.append(f"{what}{pg['bytes'] / 1e6:.1f} MB{ms}{after}")
    return out


def _fmt(key: str, v: float | None) -> str:
    if v is None:
        return "—"
    if key == "build.peak":
        return f"{v / GIB:.2f} GiB"
    if v >= 1:
        return f"{v:.2f} s"
    return f"{v * 1000:.1f} ms"


def _engine() -> dict[str, Any]:
    """The chaingraph code measured: git commit and files changed since (others edit the tree concurrently)."""
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = [line[3:] for line in git("status", "--porcelain", "--", "chaingraph").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD"), "subject": git("log", "-1", "--format=%s"),
            "dirty": dirty}


def _times(x: float) -> str:
    return f"{x:.1f}×" if x < 10 else f"{x:.0f}×"


def _machine() -> dict[str, Any]:
    import networkx
    import numpy
    import pandas
    import pyarrow

    mem = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_bytes": mem, "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "pandas": pandas.__version__, "numpy": numpy.__version__,
            "pyarrow": pyarrow.__version__, "networkx": networkx.__version__,
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds")}


def _profile_md(rows: list[dict[str, Any]], limit: int = 12) -> list[str]:
    """Three views of one profile: chaingraph's own functions by cumulative time, then everything by own time."""
    def table(title: str, sel: list[dict[str, Any]]) -> list[str]:
        out = ["", title, "", "| cumulative | own | calls | function | where |", "|---:|---:|---:|---|---|"]
        for r in sel:
            out.append(f"| {r['cumtime']:.3f} s | {r['tottime']:.3f} s | {r['ncalls']} | `{r['function']}` | "
                       f"`{r['where']}` |")
        return out

    ours = [r for r in rows if r["where"].startswith("chaingraph/")][:limit]
    own = sorted(rows, key=lambda r: -r["tottime"])[:8]
    return table("chaingraph functions, by cumulative time:", ours) + table("hottest by own time:", own) + [""]


def _profile_of(run: dict[str, Any], key: str) -> list[dict[str, Any]] | None:
    if key.startswith("build"):
        return run["build"].get("profile")
    if key == "reload":
        return run["reload"].get("profile")
    if key == "chain_map.html":
        return run["queries"]["chain_map"]["html"].get("profile")
    return run["queries"].get(key, {}).get("profile")


def render(results: dict[str, Any], why: dict[str, str]) -> str:
    m = results["machine"]
    runs = [results["runs"][k] for k in sorted(results["runs"], key=int)]
    sizes = [r["n"] for r in runs]
    L: list[str] = []
    L.append("# chaingraph at national scale — benchmark results")
    L.append("")
    L.append(f"Generated by `python bench/run.py` on {m['date']}. Raw numbers: `bench/results.json`.")
    L.append("")
    L.append(f"- machine: {m['cores']} cores ({m['cpu']}), {m['memory_bytes'] / GIB:.1f} GiB memory, "
             f"{m['platform']}")
    L.append(f"- Python {m['python']}, pandas {m['pandas']}, numpy {m['numpy']}, pyarrow {m['pyarrow']}, "
             f"networkx {m['networkx']}")
    eng = results.get("engine") or {}
    if eng:
        dirty = ", ".join(f"`{f}`" for f in eng.get("dirty", [])) or "none"
        L.append(f"- engine measured: commit `{eng.get('commit')}` ({eng.get('subject')}); files changed since "
                 f"(work in progress in the shared tree): {dirty}")
    loads = [q.get("loadavg_before", 0.0) for r in runs for q in [r["build"], r["reload"], *r["queries"].values()]]
    if loads:
        L.append(f"- the machine is shared: 1-minute load average before the steps {min(loads):.1f}–{max(loads):.1f} "
                 f"(on {m['cores']} cores); timings above the load of one process are inflated accordingly")
    L.append("- targets from the issue (2 cores, 24 GiB); every step runs in a fresh subprocess, peak memory is "
             "that process's VmHWM; queries: one warm-up, then the median of up to "
             f"{results.get('reps', 5)} runs (fewer when one run takes over 5 s)")
    L.append("")
    L.append("## Datasets (synthetic, `chaingraph.synth.write_synthetic`, seed "
             f"{runs[0]['seed'] if runs else 0})")
    L.append("")
    L.append("| N | supplies | observations | leaders | CSV size | generated in | generator peak RSS |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        s = r["synth"]
        c = s["counts"]
        L.append(f"| {r['n']:,} | {c['supplies']:,} | {c['observations']:,} | {c['leaders']:,} | "
                 f"{s['bytes'] / 1e6:,.0f} MB | {s['seconds']:.1f} s | {s['peak_rss'] / GIB:.2f} GiB |")
    L.append("")
    L.append("## Scopes measured")
    L.append("")
    L.append("| N | top chain (firms) | busiest county / city / province of it (firms) | map county × chain (firms) "
             "| exposure problem |")
    L.append("|---:|---|---|---|---|")
    for r in runs:
        p = r["plan"]
        b, bf = p["busiest"], p["busiest_firms"]
        L.append(f"| {r['n']:,} | {p['top_chain']} ({p['top_chain_firms']:,}) | {b['county']} ({bf['county']:,}) / "
                 f"{b['city']} ({bf['city']:,}) / {b['province']} ({bf['province']:,}) | "
                 f"{p['map_county']} × {p['map_chain']} ({p['map_firms']:,}) | {p['exposure_problem']} |")
    L.append("")
    L.append("## Results against the targets")
    L.append("")
    L.append("Each cell: wall-clock median (✅/❌ against the target), then the CPU time of the same calls and the "
             "1-minute load average when the step started (our own step counts ≈ 1). The machine is shared with "
             "other people's test runs: when the load exceeds the cores, wall time of a single-threaded step is "
             "inflated while its CPU time is not, so CPU time is close to what an idle machine would show (for "
             "multi-threaded steps — CSV reading, Parquet — CPU time adds up the threads and can exceed the wall "
             "time). The status is judged on wall time; *cpu ok* marks a miss whose CPU time is within the target. "
             f"The first draw is the page's own `window.__chainmap.firstDrawMs` (ms after navigation start) in "
             f"headless Chromium (Playwright, offline, a fresh browser context per load): median of {DRAW_REPS} "
             "loads after one warm-up, with the file size and the time from the page script's start to the draw "
             "below; when the map is split into a summary and per-segment pages, the slower of the summary and "
             "the largest segment page.")
    L.append("")
    head = "| work | target | " + " | ".join(f"N = {n:,}" for n in sizes) + " | status |"
    L.append(head)
    L.append("|---|---|" + "---:|" * len(sizes) + "---|")
    last = runs[-1]
    st_last = _statuses(last)
    for key, (work, text, _limit, at_n) in TARGETS.items():
        cells = []
        for r in runs:
            st = _statuses(r)[key]
            mark = "" if st["met"] is None else (" ✅" if st["met"] else " ❌")
            extra = []
            if st["cpu"] is not None:
                extra.append(f"cpu {_fmt(key, st['cpu'])}")
            if st["load"] is not None:
                extra.append(f"load {st['load']:.1f}")
            shown = _fmt(key, st["value"])
            if key == "chain_map.draw":
                draw = _step(r, key) or {}
                if draw.get("skipped"):
                    shown = f"not measured ({draw['skipped']})"
                extra.extend(_draw_notes(draw))
            cells.append(shown + mark + (f"<br><sub>{', '.join(extra)}</sub>" if extra else ""))
        s = st_last[key]
        where = f" at {last['n']:,}" if at_n is None or at_n == last["n"] else f" (applies at {at_n:,})"
        if s["met"] is None:
            status = "not measured" if s["limit"] is not None and s["value"] is None else "—"
        elif s["met"]:
            status = "met" + where
        else:
            status = "**MISSED**" + where + ("; *cpu ok*" if s["met_cpu"] else "")
        if at_n is not None and at_n != last["n"]:
            status = f"not measured at {at_n:,}"
        L.append(f"| {work} | {text} | " + " | ".join(cells) + f" | {status} |")
    # baseline
    L.append("")
    L.append("## Against the plain networkx baseline")
    L.append("")
    L.append("One `networkx.MultiDiGraph` of everything (Enterprise, Problem, Segment, Region nodes; SUPPLIES, "
             "HAS_PROBLEM, OPERATES_IN, LOCATED_IN, WITHIN edges) built with Python loops from the CSV files; "
             "`common_problems` computed with Python loops over it (scope by walking WITHIN / LOCATED_IN in-edges, "
             "then each firm's HAS_PROBLEM out-edges). Its per-problem `affected` counts are compared with ours.")
    L.append("")
    L.append("Times are wall-clock medians with CPU time below; the speed-up is given on both.")
    L.append("")
    L.append("| N | baseline build | baseline peak RSS | scope | ours | baseline | ours faster by (wall / cpu) "
             "| same answer |")
    L.append("|---:|---:|---:|---|---:|---:|---:|---|")
    for r in runs:
        base = r.get("baseline")
        if not base:
            L.append(f"| {r['n']:,} | not run: {r.get('baseline_skipped') or 'skipped'} | | | | | | |")
            continue
        for i, what in enumerate(("cp.county", "cp.province", "cp.country")):
            ours = r["queries"][what]["median_s"]
            th = base[what]
            first = f"| {r['n']:,} | {base['build_s']:.1f} s | {base['build_peak_rss'] / GIB:.2f} GiB " if i == 0 \
                else "| | | "
            oc, tc = r["queries"][what].get("cpu_s"), th.get("cpu_s")
            o_txt = _fmt("q", ours) + (f"<br><sub>cpu {_fmt('q', oc)}</sub>" if oc else "")
            t_txt = _fmt("q", th["median_s"]) + (f"<br><sub>cpu {_fmt('q', tc)}</sub>" if tc else "")
            sp_txt = _times(th["speedup"]) + (f" / {_times(tc / oc)}" if oc and tc else "")
            L.append(first + f"| {what[3:]} | {o_txt} | {t_txt} | {sp_txt} | {'yes' if th['agrees'] else 'NO'} |")
    sp = results["runs"].get(str(SPEEDUP_N), {}).get("baseline")
    if sp:
        worst = min(sp[w]["speedup"] for w in ("cp.county", "cp.province", "cp.country"))
        ok = worst >= SPEEDUP_TARGET
        L.append("")
        L.append(f"Target: common_problems at {SPEEDUP_N:,} firms ≥ {SPEEDUP_TARGET:.0f}× faster than the baseline — "
                 f"smallest speed-up (wall) {_times(worst)} → {'met' if ok else '**MISSED**'}.")
    L.append("")
    duck_runs = {r["n"]: r for r in runs if r.get("duckdb")}
    if duck_runs:
        import duckdb_baseline

        L.append("## Against DuckDB")
        L.append("")
        L.append(duckdb_baseline.DESCRIPTION)
        L.append("")
        L.extend(duckdb_baseline.report({n: {"duckdb": r["duckdb"], "chaingraph": r} for n, r in
                                         duck_runs.items()}).rstrip("\n").splitlines())
        L.append("")
    L.append("## Other numbers")
    L.append("")
    L.append("| N | validate | graph build | store.save | store size | chain_map nodes / edges | HTML files / size | "
             "rows: leaders / weak_links / exposure |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        b, q = r["build"], r["queries"]
        cm = q["chain_map"]
        L.append(f"| {r['n']:,} | {b['validate_s']:.1f} s | {b['graph_s']:.2f} s | {b['save_s']:.2f} s | "
                 f"{b['store_bytes'] / 1e6:,.0f} MB | {cm['nodes']:,} / {cm['edges']:,} | "
                 f"{cm['html']['files']} / {cm['html']['bytes'] / 1e6:.1f} MB | {q['leaders']['rows']} / "
                 f"{q['weak_links']['rows']} / {q['exposure']['rows']:,} |")
    # misses
    misses = [(k, s) for k, s in st_last.items() if s["met"] is False]
    if sp and min(sp[w]["speedup"] for w in ("cp.county", "cp.province", "cp.country")) < SPEEDUP_TARGET:
        misses.append(("speedup", {"value": None, "limit": SPEEDUP_TARGET}))
    L.append("")
    L.append(f"## Missed targets at N = {last['n']:,}")
    L.append("")
    if not misses:
        L.append("None.")
        L.append("")
    for key, s in misses:
        if key == "speedup":
            L.append(f"### common_problems vs baseline at {SPEEDUP_N:,} firms")
        else:
            work, text = TARGETS[key][0], TARGETS[key][1]
            v, lim = s["value"], s["limit"]
            L.append(f"### {work} — {_fmt(key, v)} against {text}")
            L.append("")
            cpu = s.get("cpu")
            cpu_txt = (f" CPU time {_fmt(key, cpu)} ({cpu / lim:.1f}× the target); load average "
                       f"{s['load']:.1f} on {m['cores']} cores when the step started." if cpu else "")
            L.append(f"Missed by {_fmt(key, v - lim)} ({v / lim:.1f}× the target).{cpu_txt}")
        if key in why:
            L.append("")
            L.append("**Why.** " + why[key])
        src = results["runs"].get(str(SPEEDUP_N), {}) if key == "speedup" else last
        line_prof = (src.get("line_profiles") or {}).get(key)
        if line_prof:
            L.append("")
            L.append("Line profile (py-spy sampling, `bench/profile_lines.py`; time per call of the step through "
                     "each chaingraph line, inclusive):")
            L.append("")
            L.extend(line_prof.strip().splitlines())
        prof = _profile_of(last, key) if key != "speedup" else None
        if prof:
            L.append("")
            L.append("Function profile (cProfile, one extra run after the timed ones):")
            L.extend(_profile_md(prof))
        L.append("")
    if "engine_changes" in why:
        L.append("## Engine changes since the reference run")
        L.append("")
        L.append(why["engine_changes"])
        L.append("")
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated firm counts")
    ap.add_argument("--out", default=str(HERE / "results.md"), help="Markdown report (results.json beside it)")
    ap.add_argument("--keep", help="folder to keep (and reuse) datasets and stores in; default: a temporary one")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reps", type=int, default=5, help="timed runs per query after one warm-up")
    ap.add_argument("--baseline-max", type=int, default=None,
                    help="largest N for the networkx baseline (default: run it while its memory estimate fits)")
    ap.add_argument("--baseline", default="networkx",
                    help="baselines to measure, comma-separated: networkx (default), duckdb "
                         "(bench/duckdb_baseline.py; needs `pip install duckdb`)")
    ap.add_argument("--no-profile", action="store_true", help="do not profile missed targets")
    ap.add_argument("--max-load", type=float, default=None,
                    help="before each step wait (≤ 10 min) until the 1-minute load average is below this")
    ap.add_argument("--merge", action="store_true", help="add to the runs already in results.json")
    ap.add_argument("--reuse-baseline", action="store_true",
                    help="take the networkx baseline (engine-independent) from results.json when N, seed and scopes match")
    ap.add_argument("--report-only", action="store_true", help="re-render results.md from results.json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        res = _child(args.child, json.loads(args.spec))
        print(json.dumps(res, default=str))
        return 0
    out_md = Path(args.out)
    out_json = out_md.with_suffix(".json")
    why_file = HERE / "why.json"
    why = json.loads(why_file.read_text(encoding="utf-8")) if why_file.exists() else {}
    if args.report_only:
        results = json.loads(out_json.read_text(encoding="utf-8"))
        out_md.write_text(render(results, why), encoding="utf-8")
        return 0
    global MAX_LOAD
    MAX_LOAD = args.max_load
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    baselines = tuple(b.strip() for b in args.baseline.split(",") if b.strip())
    unknown = set(baselines) - {"networkx", "duckdb"}
    if unknown:
        ap.error(f"unknown --baseline {', '.join(sorted(unknown))}; use networkx, duckdb")
    results: dict[str, Any] = {"machine": _machine(), "engine": _engine(), "reps": args.reps, "runs": {}}
    out_md.parent.mkdir(parents=True, exist_ok=True)  # results.json is written after each N, into this folder
    old = json.loads(out_json.read_text(encoding="utf-8")) if out_json.exists() else {}
    if args.merge:
        results["runs"] = old.get("runs", {})
    reusable = {}
    if args.reuse_baseline:
        for k, r in old.get("runs", {}).items():
            if r.get("baseline") and r.get("seed") == args.seed:
                reusable[int(k)] = {"plan": r["plan"], "baseline": r["baseline"],
                                    "generator": r["synth"].get("generator", 1),
                                    "date": r["baseline"].get("reused_from") or old["machine"]["date"]}
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="chaingraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "bench.log"
    _say(f"work folder {work}; child stderr in {log}")
    try:
        prev_base = None
        for r in sorted(results["runs"].values(), key=lambda r: r["n"]):
            if r.get("baseline"):
                prev_base = r["baseline"]
        for n in sorted(sizes):
            run = measure(n, args.seed, work, args.reps, args.baseline_max, log, prev_base, reusable.get(n),
                          baselines)
            if run.get("baseline"):
                prev_base = run["baseline"]
            results["runs"][str(n)] = run
            out_json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        if not args.no_profile:
            profile_misses(results, work, args.seed, log)
        out_json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        out_md.write_text(render(results, why), encoding="utf-8")
        _say(f"wrote {out_md} and {out_json}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
