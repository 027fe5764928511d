"""The synthetic population: counties drawn from real GB/T 2260 codes, segments of the chain catalogue, firms
per county × segment with their attributes, credit codes and names, problem prevalence, and the supplier draw;
plus the fixed generation blocks, each with its own random stream.

Example
-------
>>> from chaingraph.synth.population import _blocks
>>> _blocks(20_000)
[(0, 0, 8192), (1, 8192, 16384), (2, 16384, 20000)]
"""

from __future__ import annotations

import numpy as np

from chaingraph.ingest.regions import PLACEHOLDERS, load_regions
from chaingraph.synth.catalog import (
    _BRAND,
    _LEVEL_P,
    _LINK_P,
    _MA_SINCE,
    _PROVINCE_WEIGHT,
    _SIZE_P,
    _SUFFIX,
    CHAINS,
    PROBLEMS,
    _day,
)
from chaingraph.synth.codes import _fixed_strings, _org_bodies, _uscc_matrix
from chaingraph.synth.output import _join, _text

BLOCK = 8192
"""Firms per generation block; every block has its own random stream, so output does not depend on chunk size."""

SUPPLIES_PER_FIRM = 5.0
OBSERVATIONS_PER_FIRM = 10.0


class _Population:
    """Counties, segments and firms (arrays over firm ids), laid out segment-major then county code.

    Firm ids are contiguous per (segment, county); counties are sorted by code, so the firms of one segment in
    one city or province are a contiguous id range too — suppliers are drawn from such ranges.
    """

    def __init__(self, n: int, seed: int) -> None:
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
        self.n = n
        self.seed = seed
        # -- counties ------------------------------------------------------------------
        fr = load_regions().frame
        cty = fr[fr["current"] & (fr["level"] == "county") & ~fr["name"].isin(PLACEHOLDERS)]
        cty = cty[cty["code"].str[:2].isin(list(_PROVINCE_WEIGHT))].sort_values("code")
        self.cty_code = cty["code"].to_numpy(dtype=str)
        names = cty["name"].to_numpy(dtype=str)
        self.cty_short = np.array([s[:2] for s in names], dtype=object)
        nc = self.n_cty = len(self.cty_code)
        prov_key = np.array([c[:2] for c in self.cty_code])
        city_key = np.array([c[:4] for c in self.cty_code])
        self.prov_codes, self.cty_prov = np.unique(prov_key, return_inverse=True)
        city_codes, self.cty_city = np.unique(city_key, return_inverse=True)
        self.city_code = np.array([c + "00" for c in city_codes])
        city_prov = np.searchsorted(self.prov_codes, [c[:2] for c in city_codes])
        idx = np.arange(nc)
        self.city_lo = np.full(len(city_codes), nc)
        np.minimum.at(self.city_lo, self.cty_city, idx)
        self.city_hi = np.zeros(len(city_codes), dtype=np.int64)
        np.maximum.at(self.city_hi, self.cty_city, idx)
        self.prov_lo = np.full(len(self.prov_codes), nc)
        np.minimum.at(self.prov_lo, self.cty_prov, idx)
        self.prov_hi = np.zeros(len(self.prov_codes), dtype=np.int64)
        np.maximum.at(self.prov_hi, self.cty_prov, idx)
        # -- segments ------------------------------------------------------------------
        self.seg_chain = np.concatenate([np.full(len(c.segments), i) for i, c in enumerate(CHAINS)])
        self.seg_pos = np.concatenate([np.arange(len(c.segments)) for c in CHAINS])
        self.seg_nseg = np.concatenate([np.full(len(c.segments), len(c.segments)) for c in CHAINS])
        self.seg_id = np.array([f"{c.id}-{k + 1:02d}" for c in CHAINS for k in range(len(c.segments))])
        self.seg_name = np.array([name for c in CHAINS for name, _ in c.segments], dtype=object)
        ns = self.n_seg = len(self.seg_id)
        self.chain_seg0 = np.concatenate([[0], np.cumsum([len(c.segments) for c in CHAINS])])
        # -- firms per county, chain and segment -------------------------------------------
        pw = np.array([_PROVINCE_WEIGHT[p] for p in self.prov_codes])
        w_cty = rng.lognormal(0.0, 1.25, nc) * pw[self.cty_prov]
        active = min(nc, max(60, n // 20))  # a small dataset covers fewer counties, as a pilot would
        if active < nc:
            chosen = rng.choice(nc, size=active, replace=False, p=w_cty / w_cty.sum())
            w_cty = np.where(np.isin(np.arange(nc), chosen), w_cty, 0.0)
        per_cty = rng.multinomial(n, w_cty / w_cty.sum())
        n_chain = len(CHAINS)
        pop = rng.lognormal(0.0, 0.6, n_chain)
        # clusters: a province leans to a few chains, its cities to some of those, its counties further still
        pop = pop / pop.sum()
        p_prov = 0.3 * pop + 0.7 * rng.dirichlet(np.full(n_chain, 0.3), size=len(self.prov_codes))
        p_city = _dirichlet_rows(rng, 3.0 * p_prov[city_prov] + 1e-3)
        p_chain = 0.05 * pop + 0.95 * _dirichlet_rows(rng, 2.0 * p_city[self.cty_city] + 1e-3)
        p_chain /= p_chain.sum(axis=1, keepdims=True)
        per_cc = rng.multinomial(per_cty, p_chain)  # (county, chain)
        counts = np.zeros((ns, nc), dtype=np.int64)
        for i, c in enumerate(CHAINS):
            k = len(c.segments)
            base = rng.lognormal(0.0, 0.4, k)
            base[k - 1] *= 0.7  # fewer firms at the very end of a chain
            p_seg = rng.dirichlet(6.0 * base / base.sum(), size=nc) + 1e-12
            p_seg /= p_seg.sum(axis=1, keepdims=True)
            counts[self.chain_seg0[i]:self.chain_seg0[i + 1]] = rng.multinomial(per_cc[:, i], p_seg).T
        self.flat = counts.ravel()
        self.start = np.concatenate([[0], np.cumsum(self.flat)]).astype(np.int64)
        cells = np.arange(ns * nc)
        self.firm_seg = np.repeat(cells // nc, self.flat).astype(np.int32)
        self.firm_cty = np.repeat(cells % nc, self.flat).astype(np.int32)
        self.firm_chain = self.seg_chain[self.firm_seg].astype(np.int32)
        # -- firm attributes -------------------------------------------------------------
        self.size = rng.choice(4, size=n, p=_SIZE_P).astype(np.int8)
        lo_emp, hi_emp = np.array([1, 20, 300, 1000]), np.array([19, 299, 999, 12000])
        u = rng.random(n) ** 2.2  # skewed to the low end of each class
        self.employees = (lo_emp[self.size] + u * (hi_emp[self.size] - lo_emp[self.size])).astype(np.int64)
        lo_rev, hi_rev = np.array([10.0, 300.0, 2000.0, 40000.0]), np.array([300.0, 2000.0, 40000.0, 600000.0])
        v = rng.random(n) ** 2.0
        self.revenue = np.round(lo_rev[self.size] * (hi_rev[self.size] / lo_rev[self.size]) ** v, 1)
        age = rng.gamma(2.0, 4.0 + 3.0 * self.size, n)  # bigger firms are older
        self.founded = (_day("2024-12-31") - np.minimum(age, 40.0) * 365.25).astype(np.int64)
        self.qms = rng.random(n) < np.array([0.10, 0.32, 0.65, 0.92])[self.size]
        self.weight = np.array([1.0, 2.5, 6.0, 15.0])[self.size] * np.minimum(rng.pareto(1.6, n) + 1.0, 60.0)
        self.cw = np.concatenate([[0.0], np.cumsum(self.weight)])
        indeg = np.array([0.8, 1.2, 2.2, 3.5])[self.size] * np.where(self.seg_pos[self.firm_seg] == 0, 0.35, 1.0)
        self.indeg = SUPPLIES_PER_FIRM * indeg / indeg.mean() if n else indeg
        self.order = rng.permutation(n)  # firm written at each enterprises.csv row
        # -- credit codes and names -------------------------------------------------------
        region6 = np.frombuffer("".join(self.cty_code).encode(), dtype=np.uint8).reshape(nc, 6)
        ids = np.arange(n)
        mat = _uscc_matrix(region6[self.firm_cty], _org_bodies(ids, self.founded >= _MA_SINCE, seed))
        self.uscc = _fixed_strings(mat)
        brand = np.array(list(_BRAND), dtype=object)
        b1, b2 = rng.integers(0, len(brand), n), rng.integers(0, len(brand), n)
        suffix = rng.integers(0, len(_SUFFIX) - 1, n)
        suffix[self.size == 3] = len(_SUFFIX) - 1
        words = np.array([c.word for c in CHAINS], dtype=object)
        self.name = _join(_text(self.cty_short[self.firm_cty]), _text(brand[b1]), _text(brand[b2]),
                          _text(words[self.firm_chain]), _text(np.array(_SUFFIX, dtype=object)[suffix]))
        # -- problems: prevalence by chain x segment x province --------------------------------
        npb = len(PROBLEMS)
        zipf = 1.0 / np.arange(1, npb + 1) ** 1.15
        logits = np.empty((ns, npb))
        for i in range(n_chain):
            chain_pop = zipf[rng.permutation(npb)]
            for s in range(self.chain_seg0[i], self.chain_seg0[i + 1]):
                logits[s] = np.log(chain_pop) + rng.normal(0.0, 0.7, npb)
        prov = rng.normal(0.0, 0.35, (len(self.prov_codes), npb))
        p = np.exp(logits[:, None, :] + prov[None, :, :])  # (segment, province, problem)
        p /= p.sum(axis=2, keepdims=True)
        self.prob_cum = np.cumsum(p, axis=2).astype(np.float32)
        self.prob_cum[:, :, -1] = 1.0
        self.prob_severity = rng.uniform(1.6, 3.8, npb)

    # -- supply ranges -------------------------------------------------------------------
    def draw_suppliers(self, rng: np.random.Generator, cust: np.ndarray,
                       min_level: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Supplier (or -1) and product code for each customer in ``cust``.

        ``min_level`` widens the search (0 county … 3 nation): a customer that already buys from every
        local supplier of a segment looks further away.
        """
        e = len(cust)
        s = self.firm_seg[cust].astype(np.int64)
        pos, nseg = self.seg_pos[s], self.seg_nseg[s]
        link = rng.choice(len(_LINK_P), size=e, p=_LINK_P)
        t = s.copy()
        t -= (link == 0) & (pos > 0)
        t -= np.where(link == 2, np.minimum(pos, 2), 0)
        rev = link == 3
        t += rev & (pos < nseg - 1)
        t -= rev & (pos == nseg - 1) & (pos > 0)
        cross = np.flatnonzero(link == 4)
        t[cross] = rng.integers(0, self.n_seg, len(cross))
        level = np.maximum(rng.choice(4, size=e, p=_LEVEL_P), min(min_level, 3))
        c = self.firm_cty[cust].astype(np.int64)
        city, prov = self.cty_city[c], self.cty_prov[c]
        bounds = ((c, c), (self.city_lo[city], self.city_hi[city]), (self.prov_lo[prov], self.prov_hi[prov]),
                  (np.zeros(e, dtype=np.int64), np.full(e, self.n_cty - 1)))
        base = t * self.n_cty
        lo = np.stack([self.start[base + a] for a, _ in bounds])
        hi = np.stack([self.start[base + b] + self.flat[base + b] for _, b in bounds])
        ok = (hi > lo) & (np.arange(4)[:, None] >= level)
        eff = np.where(ok, np.arange(4)[:, None], 4).min(axis=0)
        sup = np.full(e, -1, dtype=np.int64)
        good = np.flatnonzero(eff < 4)
        lo_g, hi_g = lo[eff[good], good], hi[eff[good], good]
        u = self.cw[lo_g] + rng.random(len(good)) * (self.cw[hi_g] - self.cw[lo_g])
        pick = np.clip(np.searchsorted(self.cw, u, side="right") - 1, lo_g, hi_g - 1)
        sup[good] = pick
        sup[sup == cust] = -1
        variant = rng.random(e) < 0.15
        return sup, t * 2 + variant


def _dirichlet_rows(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """One Dirichlet draw per row of ``alpha`` (numpy's ``dirichlet`` takes a single parameter vector)."""
    g = rng.gamma(alpha) + 1e-300
    return g / g.sum(axis=1, keepdims=True)


def _blocks(n: int) -> list[tuple[int, int, int]]:
    return [(b, lo, min(lo + BLOCK, n)) for b, lo in enumerate(range(0, n, BLOCK))]


def _block_rng(seed: int, table: int, block: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, table, block]))

