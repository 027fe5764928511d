"""Prototype: ``common_problems`` counting from chain-major cubes with numpy slices (no pandas per query).

Not part of the package — a measured proposal for ``chaingraph/queries/problems.py``
(``counts_from_cubes``) and ``chaingraph/aggregates.py`` / ``ChainGraph`` (cube order, cached arrays).

What it changes, and nothing else (the shared ``finish_problems`` is reused unchanged, so the
frames are identical — checked for every scope measured):

1. the cubes are held as numpy arrays sorted **chain-major** — ``(chain, region code, problem)``
   and ``(segment, region code, problem)`` — so a chain × region scope is one contiguous slice
   found with ``searchsorted`` (a province or city is a code range), instead of boolean masks
   over the whole cube and pandas ``groupby`` per call;
2. designated leaders come from a vectorised, per-chain cached check (firm code // div ==
   designation code // div) instead of a loop over ~25,000 designation regions;
3. names are taken row-first (``Series.take``) instead of converting the whole 1M-row
   ``enterprises.name`` column to Python objects;
4. ``Scope.mask`` (an O(firms) pass) is never built: the scope size comes from the size cubes;
5. optionally (``finish_fast``) the finishing step itself without pandas per column: plain Python over
   the ≤ 60 problems and one ``DataFrame`` built with the final dtypes (no ``join`` / ``groupby`` /
   ``astype`` passes) — same frame again.

Usage::

    python bench/prototypes/problem_counts_fast.py STORE @bench/results.json:100000
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.profile_lines import _plan  # noqa: E402
from chaingraph import store  # noqa: E402
from chaingraph.aggregates import STATUSES, sources_text  # noqa: E402
from chaingraph.graph import ChainGraph  # noqa: E402
from chaingraph.model import ENUM_ZH  # noqa: E402
from chaingraph.queries._common import empty, wilson_lower  # noqa: E402
from chaingraph.queries.problems import (  # noqa: E402
    COLUMNS,
    MIN_FIRMS,
    MIN_SHARE,
    ProblemCounts,
    common_problems,
    finish_problems,
)
from chaingraph.regions import load_regions  # noqa: E402

_DIV = {"province": 10000, "city": 100, "county": 1}


class FastCounts:
    """Chain-major numpy copies of the graph's cubes, built once (at load in a real engine)."""

    def __init__(self, g: ChainGraph) -> None:
        agg = g.aggregates
        self.g = g
        self.cubes = {}
        for name, group in (("chain_cube", "_chain"), ("segment_cube", "_seg"), ("chain_sizes", "_chain"),
                            ("segment_sizes", "_seg"), ("bench_cube", "_chain")):
            df = agg[name]
            grp = df[group].to_numpy(dtype=np.int64)
            reg = df["_region"].to_numpy(dtype=np.int64)
            order = np.lexsort((np.arange(len(df)), reg, grp))
            cols = {c: df[c].to_numpy()[order] for c in df.columns}
            cols["_key"] = grp[order] * 1_000_000 + reg[order]  # group-major, then region code
            self.cubes[name] = cols
        pairs = agg["pairs"]
        self.pair_ent = pairs["_ent"].to_numpy()
        self.pair_prob = pairs["_prob"].to_numpy()
        self.pair_status = pairs["status"].to_numpy()
        t = g.tables
        self.prob_ids = t["problems"]["id"].to_numpy(dtype=object)
        self.seg_ids = t["segments"]["id"].to_numpy(dtype=object)
        self.bench_ids = t["benchmarks"]["id"].to_numpy(dtype=object)
        self.seg_chain = t["segments"]["_chain"].to_numpy()
        self.region = t["enterprises"]["_region"].to_numpy().astype(np.int64)
        self.names = t["enterprises"]["name"]
        self._leaders: dict[int, np.ndarray] = {}

    def _range(self, name: str, group: int, lo: int, hi: int) -> slice:
        k = self.cubes[name]["_key"]
        a, b = np.searchsorted(k, [group * 1_000_000 + lo, group * 1_000_000 + hi])
        return slice(int(a), int(b))

    def leaders(self, ci: int) -> np.ndarray:
        """Designated leaders of chain ``ci`` inside their designation region and operating in the chain."""
        if ci not in self._leaders:
            t = self.g.tables
            lead = t["leaders"]
            lead = lead[(lead["_chain"] == ci).to_numpy()] if "_chain" in lead else lead
            ent = lead["_ent"].to_numpy()
            code = pd.to_numeric(lead["region_code"]).to_numpy(dtype=np.int64)
            div = np.where(code % 10000 == 0, 10000, np.where(code % 100 == 0, 100, 1))
            ok = self.region[ent] // div == code // div
            ops = t["operates_in"]
            member = np.zeros(len(self.region), dtype=bool)
            member[ops["_ent"].to_numpy()[self.seg_chain[ops["_seg"].to_numpy()] == ci]] = True
            self._leaders[ci] = np.unique(ent[ok & member[ent]])
        return self._leaders[ci]

    def counts(self, region: str | None, chain: str, include_resolved: bool = True) -> ProblemCounts:
        ci = int(np.flatnonzero((self.g.tables["chains"]["id"] == chain).to_numpy())[0])
        if region is None:
            lo, hi = 0, 1_000_000
        else:
            div = _DIV[load_regions().level(region)]
            lo = int(region) // div * div
            hi = lo + div
        u = "" if include_resolved else "_u"
        n_prob = len(self.prob_ids)
        # per problem
        cc, sl = self.cubes["chain_cube"], self._range("chain_cube", ci, lo, hi)
        prob = cc["_prob"][sl].astype(np.int64)
        aff = np.bincount(prob, weights=cc["affected" + u][sl], minlength=n_prob)
        present = np.flatnonzero(aff > 0)
        per = {c: np.bincount(prob, weights=cc[c + (u if c in ("sev_sum", "n_obs") else "")][sl],
                              minlength=n_prob) for c in ("sev_sum", "n_obs", "open", "improving", "resolved")}
        sev_max = np.zeros(n_prob, dtype=np.int64)
        np.maximum.at(sev_max, prob, cc["sev_max" + u][sl].astype(np.int64))
        bits = np.zeros(n_prob, dtype=np.int64)
        np.bitwise_or.at(bits, prob, cc["src_bits" + u][sl].astype(np.int64))
        per_problem = pd.DataFrame({
            "affected": aff[present].astype(np.int64), "sev_sum": per["sev_sum"][present].astype(np.int64),
            "max_severity": sev_max[present], "observations": per["n_obs"][present].astype(np.int64),
            "open": per["open"][present].astype(np.int64), "improving": per["improving"][present].astype(np.int64),
            "resolved": per["resolved"][present].astype(np.int64) if include_resolved else np.zeros(
                len(present), dtype=np.int64),
            "src_bits": bits[present]}, index=self.prob_ids[present])
        sz = self.cubes["chain_sizes"]
        n_scope = int(sz["firms"][self._range("chain_sizes", ci, lo, hi)].sum())
        # per (problem, segment) and segment sizes
        segs = np.flatnonzero(self.seg_chain == ci)
        sp, ss, sa, sizes = [], [], [], {}
        for s in segs:
            sc = self.cubes["segment_cube"]
            r = self._range("segment_cube", int(s), lo, hi)
            a = np.bincount(sc["_prob"][r].astype(np.int64), weights=sc["affected" + u][r], minlength=n_prob)
            nz = np.flatnonzero(a > 0)
            sp.append(nz)
            ss.append(np.full(len(nz), s))
            sa.append(a[nz].astype(np.int64))
            zs = self.cubes["segment_sizes"]
            sizes[self.seg_ids[s]] = int(zs["firms"][self._range("segment_sizes", int(s), lo, hi)].sum())
        sp, ss, sa = np.concatenate(sp), np.concatenate(ss), np.concatenate(sa)
        o = np.lexsort((ss, sp))
        per_segment = pd.DataFrame({"problem_id": self.prob_ids[sp[o]], "segment_id": self.seg_ids[ss[o]],
                                    "affected": sa[o]})
        # every segment of every chain appears in the package's sizes: keep the same index
        all_sizes = pd.Series(sizes)
        # leaders
        lead = self.leaders(ci)
        lead = lead[(self.region[lead] >= lo) & (self.region[lead] < hi)]
        a = np.searchsorted(self.pair_ent, lead, side="left")
        b = np.searchsorted(self.pair_ent, lead, side="right")
        idx = np.concatenate([np.arange(x, y) for x, y in zip(a, b, strict=True)]) if len(lead) else np.zeros(
            0, dtype=np.int64)
        if not include_resolved:
            idx = idx[self.pair_status[idx] != STATUSES.index("resolved")]
        leaders = pd.DataFrame({"problem_id": self.prob_ids[self.pair_prob[idx]],
                                "enterprise": self.names.take(self.pair_ent[idx]).to_numpy()})
        # benchmark means
        bc, r = self.cubes["bench_cube"], self._range("bench_cube", ci, lo, hi)
        nb = len(self.bench_ids)
        s_ = np.bincount(bc["_bench"][r].astype(np.int64), weights=bc["value_sum"][r], minlength=nb)
        n_ = np.bincount(bc["_bench"][r].astype(np.int64), weights=bc["value_n"][r], minlength=nb)
        has = np.flatnonzero(n_ > 0)
        bench_means = pd.Series(s_[has] / n_[has], index=self.bench_ids[has])
        return ProblemCounts(chain, n_scope, per_problem, per_segment, all_sizes, leaders, bench_means)

    def common_problems(self, region: str | None, chain: str, *, lean: bool = False, **kw) -> pd.DataFrame:
        t = self.g.tables
        code = self.g.resolve_region(region) if region is not None else None
        inc = kw.pop("include_resolved", True)
        finish = finish_fast if lean else finish_problems
        return finish(self.counts(code, chain, inc), t["problems"], t["segments"], t["benchmarks"],
                      min_firms=kw.get("min_firms", MIN_FIRMS), min_share=kw.get("min_share", MIN_SHARE))


_ATTRS: dict[tuple[int, tuple[str, ...]], dict] = {}


def _attrs(df: pd.DataFrame, cols: tuple[str, ...]) -> dict:
    """Columns of a small model table as object arrays, plus id → row; built once per table (a graph-level
    cache in a real engine)."""
    key = (id(df), cols)
    if key not in _ATTRS:
        out = {c: df[c].to_numpy(dtype=object) for c in cols}
        out["_at"] = {v: i for i, v in enumerate(df["id"])}
        _ATTRS[key] = out
    return _ATTRS[key]


def finish_fast(counts: ProblemCounts, problems: pd.DataFrame, segments: pd.DataFrame, benchmarks: pd.DataFrame,
                *, min_firms: int = MIN_FIRMS, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """Same frame as ``finish_problems``: plain numpy / Python over ≤ 60 problems, one DataFrame at the end."""
    per = counts.per_problem
    n_scope = counts.scope_size
    if n_scope == 0 or per.empty:
        return empty(COLUMNS)
    pid = per.index.to_numpy(dtype=object)
    at = {p: i for i, p in enumerate(pid)}
    k = len(pid)
    aff = per["affected"].to_numpy(dtype=np.int64)
    mean_sev = per["sev_sum"].to_numpy(dtype=float) / aff
    seg_name = dict(zip(segments["id"], segments["name"], strict=True))
    seg_key = dict(zip(segments["id"], segments["key_link"].fillna(False).to_numpy(dtype=bool), strict=True))
    sizes = counts.segment_sizes.to_dict()
    seg_items: list[list[tuple[int, str, str]]] = [[] for _ in range(k)]
    for p_, s_, n_ in zip(counts.per_segment["problem_id"], counts.per_segment["segment_id"],
                          counts.per_segment["affected"], strict=True):
        i = at.get(p_)
        if i is not None:
            seg_items[i].append((-int(n_), str(seg_name[s_]), s_))
    seg_txt = np.full(k, None, dtype=object)
    key_txt = np.full(k, None, dtype=object)
    com_txt = np.full(k, None, dtype=object)
    touched = np.zeros(k, dtype=np.int64)
    flat = [(c, sid) for items in seg_items for c, _, sid in items]
    if flat:  # the per-segment rule, vectorised over every (problem, segment) item at once
        n_all = -np.array([c for c, _ in flat], dtype=np.int64)
        d_all = np.array([int(sizes.get(sid, 0) or 0) for _, sid in flat], dtype=np.int64)
        ok_all = (n_all >= min_firms) & (d_all > 0) & (wilson_lower(n_all, np.maximum(d_all, 1)) >= min_share)
        ok_of = {(c, sid): (bool(o_), int(d_)) for (c, sid), o_, d_ in zip(flat, ok_all, d_all, strict=True)}
    for i, items in enumerate(seg_items):
        if not items:
            continue
        items.sort()
        touched[i] = len(items)
        seg_txt[i] = "、".join(f"{nm}({-c})" for c, nm, _ in items)
        keys = [nm for c, nm, sid in items if seg_key[sid]]
        key_txt[i] = "、".join(keys) if keys else None
        com = [f"{nm}({-c}/{ok_of[(c, sid)][1]})" for c, nm, sid in items if ok_of[(c, sid)][0]]
        com_txt[i] = "、".join(com) if com else None
    lead_names: list[list[str]] = [[] for _ in range(k)]
    for p_, e_ in zip(counts.leaders["problem_id"], counts.leaders["enterprise"], strict=True):
        i = at.get(p_)
        if i is not None:
            lead_names[i].append(e_)
    lead_n = np.array([len(x) for x in lead_names], dtype=np.int64)
    lead_txt = np.array(["、".join(sorted(x)) if x else None for x in lead_names], dtype=object)
    pr = _attrs(problems, ("name", "category", "kind", "standard_ref", "benchmark_id"))
    pos = np.array([pr["_at"][p_] for p_ in pid])
    share = aff / n_scope
    lower = wilson_lower(aff, n_scope)
    score = share * mean_sev
    o = np.lexsort((pid.astype(str), -aff, -score))
    total = score.sum()
    bid = pr["benchmark_id"][pos][o]
    b = _attrs(benchmarks, ("metric", "unit", "domestic_advanced", "international_advanced", "higher_is_better"))
    bpos = np.array([b["_at"].get(x, -1) if isinstance(x, str) else -1 for x in bid])
    has_b = bpos >= 0

    def bcol(c: str, fill: object) -> np.ndarray:
        v = np.full(len(o), fill, dtype=object)
        v[has_b] = b[c][bpos[has_b]]
        return v

    dom = pd.to_numeric(pd.Series(bcol("domestic_advanced", np.nan)), errors="coerce").to_numpy(float)
    intl = pd.to_numeric(pd.Series(bcol("international_advanced", np.nan)), errors="coerce").to_numpy(float)
    means = counts.bench_means
    smean = np.array([means.get(x, np.nan) if h else np.nan for x, h in zip(bid, has_b, strict=True)], dtype=float)
    hib = bcol("higher_is_better", None)
    sign = np.where([True if (h is None or h is pd.NA or h != h) else bool(h) for h in hib], 1.0, -1.0)
    cat = pr["category"][pos][o]
    kind = pr["kind"][pos][o]
    cols = {
        "rank": np.arange(1, k + 1), "chain_id": np.full(k, counts.chain_id, dtype=object), "problem_id": pid[o],
        "problem": pr["name"][pos][o], "category": cat,
        "category_zh": np.array([ENUM_ZH["category"].get(c) for c in cat], dtype=object), "kind": kind,
        "kind_zh": np.array([ENUM_ZH["kind"].get(c) for c in kind], dtype=object),
        "standard_ref": pr["standard_ref"][pos][o], "affected": aff[o], "scope_size":
        np.full(k, n_scope), "share": share[o], "share_lower": lower[o], "mean_severity": mean_sev[o],
        "max_severity": per["max_severity"].to_numpy()[o], "score": score[o],
        "cum_share": np.cumsum(score[o]) / total if total > 0 else np.zeros(k), "is_common":
        ((aff >= min_firms) & (lower >= min_share))[o], "observations": per["observations"].to_numpy()[o],
        "sources": np.array(sources_text(per["src_bits"].to_numpy()), dtype=object)[o], "segments": seg_txt[o],
        "common_segments": com_txt[o], "segments_touched": touched[o], "key_link": (key_txt != None)[o],  # noqa: E711
        "key_links": key_txt[o], "leaders_affected": lead_n[o], "leaders": lead_txt[o],
        "open": per["open"].to_numpy()[o], "improving": per["improving"].to_numpy()[o],
        "resolved": per["resolved"].to_numpy()[o], "benchmark_id": bid, "metric": bcol("metric", None),
        "unit": bcol("unit", None), "scope_mean": smean, "domestic_advanced": dom, "international_advanced": intl,
        "gap_domestic": sign * (dom - smean), "gap_international": sign * (intl - smean),
    }
    return pd.DataFrame({c: pd.Series(cols[c], dtype=t) for c, t in COLUMNS.items()})


def _median(fn, reps: int = 9) -> float:
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main() -> None:
    g = store.load(sys.argv[1])
    plan = _plan(sys.argv[2])
    chain = plan["top_chain"]
    t0 = time.perf_counter()
    fast = FastCounts(g)
    print(f"chain-major cube copies: {time.perf_counter() - t0:.2f} s (once, at load)")
    scopes = {"county": plan["busiest"]["county"], "city": plan["busiest"]["city"],
              "province": plan["busiest"]["province"], "country": None}
    for region in scopes.values():
        for inc in (True, False):
            a = common_problems(g, region, chain, include_resolved=inc)
            b = fast.common_problems(region, chain, include_resolved=inc)
            c = fast.common_problems(region, chain, include_resolved=inc, lean=True)
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
            pd.testing.assert_frame_equal(a, c, check_exact=False, rtol=1e-12)
    print("identical frames for every scope, with and without resolved problems (both finishing steps)")
    for k, region in scopes.items():
        code = g.resolve_region(region) if region else None
        before = _median(lambda r=region: common_problems(g, r, chain))
        counts = _median(lambda c=code: fast.counts(c, chain))
        total = _median(lambda r=region: fast.common_problems(r, chain))
        lean = _median(lambda r=region: fast.common_problems(r, chain, lean=True))
        print(f"{k:8s}: now {before * 1000:7.1f} ms -> counting {counts * 1000:5.2f} ms + finish_problems "
              f"{(total - counts) * 1000:5.1f} ms = {total * 1000:6.1f} ms; with the numpy finish "
              f"{lean * 1000:5.1f} ms")


if __name__ == "__main__":
    main()
