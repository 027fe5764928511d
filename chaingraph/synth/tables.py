"""The writers of each synthetic table, chunk by chunk: the small catalogue tables, enterprises and operates_in,
supplies, leaders, observations with the assistance ledger, measurements and certificates.

Example
-------
>>> from chaingraph.synth.tables import _unique_rows
>>> import numpy as np
>>> _unique_rows(np.array([5, 5, 7]), np.array([False, True, False]), np.array([True, True, False])).tolist()
[False, True, False]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from chaingraph.ingest.regions import PLACEHOLDERS, load_regions
from chaingraph.synth.catalog import (
    _ASSIST_LAST,
    _BRAND,
    _CERT_STANDARDS,
    _CHAIN_METRICS,
    _DIMENSIONS,
    _GENERAL_METRICS,
    _KINDS,
    _OBS_FIRST,
    _OBS_LAST,
    _OUTCOME,
    _SIZES,
    _SOURCE_P,
    _SOURCES,
    _STAGE,
    _STANDARD_REFS,
    _STATUS,
    CHAINS,
    PROBLEMS,
    _day,
)
from chaingraph.synth.codes import _digits, _fixed_strings
from chaingraph.synth.output import _bools, _dates, _money, _Table, _text
from chaingraph.synth.population import OBSERVATIONS_PER_FIRM, SUPPLIES_PER_FIRM, _block_rng, _blocks, _Population


def _static_tables(pop: _Population, folder: Path, seed: int, progress) -> tuple[dict[str, int], dict]:
    """chains, segments, segment_flows, benchmarks, problems, cert_bodies; returns counts and lookups."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    counts: dict[str, int] = {}

    def write(name: str, cols: dict[str, pa.Array]) -> None:
        t = _Table(folder, name, progress)
        t.write(cols)
        counts[name] = t.close()

    write("chains", {"id": _text([c.id for c in CHAINS]), "name": _text([c.name for c in CHAINS]),
                     "industry_code": _text([c.industry_code for c in CHAINS])})
    key = np.array([k in c.key_links for c in CHAINS for k in range(len(c.segments))])
    write("segments", {
        "id": _text(pop.seg_id), "chain_id": _text([CHAINS[i].id for i in pop.seg_chain]),
        "name": _text(pop.seg_name.tolist()), "stage": _text([_STAGE[st] for c in CHAINS for _, st in c.segments]),
        "order": pa.array(pop.seg_pos + 1), "key_link": _bools(key)})
    src, dst = [], []
    for i, c in enumerate(CHAINS):
        s0, k = pop.chain_seg0[i], len(c.segments)
        src += [s0 + j for j in range(k - 1)]
        dst += [s0 + j + 1 for j in range(k - 1)]
        if k >= 5:  # an upstream segment that also feeds two steps down (e.g. 辅料 straight to 缝制)
            src.append(s0 + 1)
            dst.append(s0 + 3)
    # flow weights from their own stream, so the other tables do not move: the main flow between neighbouring
    # segments is strong, the skip flow (two steps down) weak
    skip = np.array(dst) - np.array(src) > 1
    w_rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
    weight = np.round(np.where(skip, w_rng.uniform(0.1, 0.4, len(src)), w_rng.uniform(0.5, 1.0, len(src))), 2)
    write("segment_flows", {"from_segment": _text(pop.seg_id[src]), "to_segment": _text(pop.seg_id[dst]),
                            "weight": pa.array(weight)})
    # benchmarks: general ones (no chain) and 2–3 per chain
    b_id, b_metric, b_unit, b_dom, b_int, b_hib, b_chain, b_spread = [], [], [], [], [], [], [], []
    for k, (metric, unit, dom, intl, hib, spread) in enumerate(_GENERAL_METRICS):
        b_id.append(f"B-GEN-{k + 1:02d}")
        b_metric.append(metric)
        b_unit.append(unit)
        b_dom.append(dom)
        b_int.append(intl)
        b_hib.append(hib)
        b_chain.append(None)
        b_spread.append(spread)
    chain_bench: list[list[int]] = []
    for c in CHAINS:
        picks = rng.choice(len(_CHAIN_METRICS), size=int(rng.integers(2, 4)), replace=False)
        mine = []
        for k in sorted(picks.tolist()):
            metric, unit, dom, intl, hib, spread = _CHAIN_METRICS[k]
            f = float(rng.uniform(0.97, 1.0)) if unit == "%" else float(rng.uniform(0.9, 1.1))
            mine.append(len(b_id))
            b_id.append(f"B-{c.id}-{k + 1:02d}")
            b_metric.append(f"{c.name}{metric}")
            b_unit.append(unit)
            b_dom.append(round(dom * f, 2) if hib or unit != "%" else round(dom / f, 2))
            b_int.append(round(intl * f, 2) if hib or unit != "%" else round(intl / f, 2))
            b_hib.append(hib)
            b_chain.append(c.id)
            b_spread.append(spread)
        chain_bench.append(mine)
    write("benchmarks", {
        "id": _text(b_id), "metric": _text(b_metric), "unit": _text([u or None for u in b_unit]),
        "domestic_advanced": pa.array(b_dom, type=pa.float64()),
        "international_advanced": pa.array(b_int, type=pa.float64()),
        "higher_is_better": pa.array(b_hib, type=pa.bool_()), "chain_id": _text(b_chain)})
    npb = len(PROBLEMS)
    cats = [cat for _, cat in PROBLEMS]
    kinds = rng.choice(3, size=npb, p=(0.4, 0.35, 0.25))
    refs = [_STANDARD_REFS[cat][int(rng.integers(0, 6))] if rng.random() < 0.8 else None for cat in cats]
    # a few problems link to a general benchmark metric
    linked = {2: 2, 4: 2, 17: 0, 20: 2, 22: 0, 25: 1, 32: 1, 40: 3, 50: 3, 6: 0}
    write("problems", {
        "id": _text([f"P{i + 1:03d}" for i in range(npb)]), "name": _text([nm for nm, _ in PROBLEMS]),
        "category": _text(cats), "kind": _text([_KINDS[k] for k in kinds]), "standard_ref": _text(refs),
        "benchmark_id": _text([b_id[linked[i]] if i in linked else None for i in range(npb)])})
    n_bodies = 48
    provs = load_regions().frame
    pnames = provs.set_index("code")["name"].reindex([p + "0000" for p in pop.prov_codes]).to_numpy(dtype=str)
    body_prov = rng.integers(0, len(pnames), n_bodies)
    brand = np.array(list(_BRAND), dtype=object)
    bb = rng.integers(0, len(brand), (n_bodies, 2))
    write("cert_bodies", {
        "id": _text([f"CNCA-R-{2002 + i // 8}-{i + 1:03d}" for i in range(n_bodies)]),
        "name": _text([f"{pnames[body_prov[i]][:2]}{brand[bb[i, 0]]}{brand[bb[i, 1]]}认证有限公司"
                       for i in range(n_bodies)])})
    bench = {"id": np.array(b_id), "dom": np.array(b_dom), "intl": np.array(b_int), "hib": np.array(b_hib),
             "spread": np.array(b_spread), "percent": np.array([u == "%" for u in b_unit]), "chain": chain_bench, "n_general": len(_GENERAL_METRICS),
             "bodies": np.array([f"CNCA-R-{2002 + i // 8}-{i + 1:03d}" for i in range(n_bodies)])}
    return counts, bench


def _enterprises(pop: _Population, folder: Path, batch: int, progress) -> dict[str, int]:
    ent = _Table(folder, "enterprises", progress)
    ops = _Table(folder, "operates_in", progress)
    sizes = np.array(_SIZES, dtype=object)
    for lo in range(0, pop.n, batch):
        firms = pop.order[lo:lo + batch]
        take = pa.array(firms)
        uscc = pop.uscc.take(take)
        ent.write({
            "id": uscc, "uscc": uscc, "name": pop.name.take(take),
            "region_code": _text(pop.cty_code[pop.firm_cty[firms]]),
            "segment_id": _text(pop.seg_id[pop.firm_seg[firms]]), "size": _text(sizes[pop.size[firms]]),
            "employees": pa.array(pop.employees[firms]), "revenue": _money(pop.revenue[firms]),
            "founded": _dates(pop.founded[firms]), "qms_certified": _bools(pop.qms[firms])})
    # about 3 % of firms also work in a neighbouring segment of their chain
    rng = np.random.default_rng(np.random.SeedSequence([pop.seed, 3]))
    pick = pop.order[rng.random(pop.n) < 0.03]
    s = pop.firm_seg[pick].astype(np.int64)
    pos, nseg = pop.seg_pos[s], pop.seg_nseg[s]
    down = (rng.random(len(pick)) < 0.5) & (pos < nseg - 1) | (pos == 0)
    other = np.where(down, s + 1, s - 1)
    fine = (nseg > 1)
    pick, other = pick[fine], other[fine]
    for lo in range(0, len(pick), batch):
        ops.write({"enterprise_id": pop.uscc.take(pa.array(pick[lo:lo + batch])),
                   "segment_id": _text(pop.seg_id[other[lo:lo + batch]])})
    return {"enterprises": ent.close(), "operates_in": ops.close()}


def _unique_rows(keys: np.ndarray, done: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Rows that keep their key: ``valid`` rows, the first of each key, rows already ``done`` winning ties."""
    order = np.lexsort((~done, keys))
    ks = keys[order]
    first = np.ones(len(ks), dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    out = np.zeros(len(keys), dtype=bool)
    out[order[first]] = True
    return out & valid


def _supplies(pop: _Population, folder: Path, batch: int, progress) -> dict[str, int]:
    tbl = _Table(folder, "supplies", progress)
    n_prod = 2 * pop.n_seg
    products = np.array([nm if v == 0 else f"{nm}（定制）" for nm in pop.seg_name for v in (0, 1)], dtype=object)
    sizes_v = np.array([0.0, 0.8, 1.8, 2.8])
    pending: list[dict[str, pa.Array]] = []
    rows = 0
    for b, lo, hi in _blocks(pop.n):
        rng = _block_rng(pop.seed, 10, b)
        firms = pop.order[lo:hi]
        k = rng.poisson(pop.indeg[firms] * rng.gamma(1.5, 1 / 1.5, len(firms)))
        cust = np.repeat(firms, k).astype(np.int64)
        e = len(cust)
        sup = np.full(e, -1, dtype=np.int64)
        prod = np.zeros(e, dtype=np.int64)
        done = np.zeros(e, dtype=bool)
        for attempt in range(8):  # redraw self-supplies, empty ranges and repeated keys, looking wider each time
            redo = np.flatnonzero(~done)
            if not len(redo):
                break
            sup[redo], prod[redo] = pop.draw_suppliers(rng, cust[redo], attempt // 2)
            valid = sup >= 0
            keys = (cust * pop.n + np.maximum(sup, 0)) * n_prod + prod
            done = _unique_rows(keys, done, valid)
        keep = np.flatnonzero(done)
        cust, sup, prod = cust[keep], sup[keep], prod[keep]
        value = np.exp(rng.normal(3.0 + sizes_v[pop.size[sup]] + 0.5 * sizes_v[pop.size[cust]], 0.9))
        value = np.maximum(np.round(value, 1), 0.1)
        val = _money(value)
        blank = rng.random(len(keep)) < 0.05
        if blank.any():
            val = pa.array(np.where(blank, np.nan, value), from_pandas=True)
        pending.append({"supplier_id": pop.uscc.take(pa.array(sup)), "customer_id": pop.uscc.take(pa.array(cust)),
                        "product": _text(products[prod]), "value": val})
        rows += len(keep)
        if rows >= batch * SUPPLIES_PER_FIRM or hi == pop.n:
            tbl.write(_concat(pending))
            pending, rows = [], 0
    return {"supplies": tbl.close()}


def _concat(parts: list[dict[str, pa.Array]]) -> dict[str, pa.Array]:
    return {c: pa.concat_arrays([p[c].cast(parts[0][c].type) if p[c].type != parts[0][c].type else p[c]
                                 for p in parts]) for c in parts[0]}


def _observations(pop: _Population, bench: dict, folder: Path, batch: int, progress) -> dict[str, int]:
    obs_t = _Table(folder, "observations", progress)
    ast_t = _Table(folder, "assistance", progress)
    pids = np.array([f"P{i + 1:03d}" for i in range(len(PROBLEMS))], dtype=object)
    src_names = np.array(_SOURCES, dtype=object)
    status_names = np.array(_STATUS, dtype=object)
    dims = np.array(_DIMENSIONS, dtype=object)
    outcome = np.array(_OUTCOME, dtype=object)
    n_prov = len(pop.prov_codes)
    span = _OBS_LAST - _OBS_FIRST + 1
    pend_o: list[dict[str, pa.Array]] = []
    pend_a: list[dict[str, pa.Array]] = []
    rows = 0
    for b, lo, hi in _blocks(pop.n):
        rng = _block_rng(pop.seed, 20, b)
        firms = pop.order[lo:hi]
        k = rng.poisson(OBSERVATIONS_PER_FIRM * rng.gamma(3.0, 1 / 3.0, len(firms)))
        f = np.repeat(firms, k).astype(np.int64)
        e = len(f)
        cell = pop.firm_seg[f].astype(np.int64) * n_prov + pop.cty_prov[pop.firm_cty[f]]
        cum = pop.prob_cum.reshape(-1, len(PROBLEMS))[cell]
        prob = np.minimum((cum < rng.random(e, dtype=np.float32)[:, None]).sum(axis=1), len(PROBLEMS) - 1)
        src = rng.choice(4, size=e, p=_SOURCE_P)
        day = _OBS_FIRST + rng.integers(0, span, e)
        keys = ((f * len(PROBLEMS) + prob) * 4 + src) * span + (day - _OBS_FIRST)
        _, first = np.unique(keys, return_index=True)
        keep = np.sort(first)
        f, prob, src, day = f[keep], prob[keep], src[keep], day[keep]
        e = len(f)
        sev = np.clip(np.rint(pop.prob_severity[prob] + rng.normal(0.0, 0.9, e)), 1, 5).astype(np.int64)
        age = (_OBS_LAST - day) / span
        r = rng.random(e)
        p_res = 0.15 + 0.55 * age
        status = np.where(r < p_res, 2, np.where(r < p_res + 0.25, 1, 0))
        pend_o.append({"enterprise_id": pop.uscc.take(pa.array(f)), "problem_id": _text(pids[prob]),
                       "severity": pa.array(sev), "source": _text(src_names[src]), "observed_on": _dates(day),
                       "status": _text(status_names[status])})
        # assistance: a certification body helps some firms with their first recorded problem
        firm_u, first_row = np.unique(f, return_index=True)
        helped = rng.random(len(firm_u)) < np.array([0.03, 0.05, 0.08, 0.10])[pop.size[firm_u]]
        rows_a = first_row[helped]
        na = len(rows_a)
        if na:
            started = np.minimum(day[rows_a] + rng.integers(7, 180, na), _ASSIST_LAST)
            st = rng.choice(3, size=na, p=(0.2, 0.4, 0.4))
            pend_a.append({"body_id": _text(bench["bodies"][rng.integers(0, len(bench["bodies"]), na)]),
                           "enterprise_id": pop.uscc.take(pa.array(f[rows_a])), "problem_id": _text(pids[prob[rows_a]]),
                           "dimension": _text(dims[rng.integers(0, len(dims), na)]), "started": _dates(started),
                           "status": _text(status_names[st]),
                           "outcome": _text([x or None for x in outcome[st]])})
        rows += e
        if rows >= batch * OBSERVATIONS_PER_FIRM or hi == pop.n:
            obs_t.write(_concat(pend_o))
            if pend_a:
                ast_t.write(_concat(pend_a))
            pend_o, pend_a, rows = [], [], 0
    return {"observations": obs_t.close(), "assistance": ast_t.close()}


def _leaders(pop: _Population, folder: Path, seed: int, progress) -> dict[str, int]:
    """1–3 designated leaders per county × chain with firms (the strongest firms), 1 per big city × chain."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))
    n_chain = len(CHAINS)
    score = pop.weight * np.array([1.0, 2.0, 4.0, 8.0])[pop.size]
    chain_ids = np.array([c.id for c in CHAINS], dtype=object)
    out_f: list[np.ndarray] = []
    out_r: list[np.ndarray] = []
    for group, codes, min_firms in ((pop.firm_cty.astype(np.int64), pop.cty_code, 1),
                                    (pop.cty_city[pop.firm_cty].astype(np.int64), pop.city_code, 150)):
        g = group * n_chain + pop.firm_chain
        order = np.lexsort((-score, g))
        gs = g[order]
        starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
        sizes = np.diff(np.r_[starts, len(gs)])
        rank = np.arange(len(gs)) - np.repeat(starts, sizes)
        n_in = np.repeat(sizes, sizes)
        if min_firms == 1:
            quota = np.where(n_in < 40, 1, np.where(n_in < 400, 2, 3))
        else:
            quota = np.where(n_in >= min_firms, 1, 0)
        sel = order[rank < quota]
        out_f.append(sel)
        out_r.append(codes[group[sel]])
    firms = np.concatenate(out_f)
    region = np.concatenate(out_r)
    # city-level designations only for real cities: not 市辖区 / 省直辖县级行政单位 groupings, not retired codes
    fr = load_regions().frame
    real = fr.loc[fr["current"] & ~fr["name"].isin(PLACEHOLDERS), "code"].to_numpy(dtype=str)
    keep = np.isin(region, real)
    firms, region = firms[keep], region[keep]
    since = _day("2019-01-01") + rng.integers(0, _day("2024-12-31") - _day("2019-01-01"), len(firms))
    tbl = _Table(folder, "leaders", progress)
    tbl.write({"enterprise_id": pop.uscc.take(pa.array(firms)), "chain_id": _text(chain_ids[pop.firm_chain[firms]]),
               "region_code": _text(region), "since": _dates(since)})
    return {"leaders": tbl.close()}


def _measurements_certs(pop: _Population, bench: dict, folder: Path, batch: int, progress) -> dict[str, int]:
    mea_t = _Table(folder, "measurements", progress)
    cer_t = _Table(folder, "certifications", progress)
    n_gen = bench["n_general"]
    slots = max(len(b) for b in bench["chain"]) + n_gen
    table = np.full((len(CHAINS), slots), -1, dtype=np.int64)
    for i, mine in enumerate(bench["chain"]):
        row = list(range(n_gen)) + mine
        table[i, :len(row)] = row
    bodies = bench["bodies"]
    stds = np.array([s for s, _ in _CERT_STANDARDS], dtype=object)
    letters = np.frombuffer("".join(code for _, code in _CERT_STANDARDS).encode(), dtype=np.uint8)
    pend_m: list[dict[str, pa.Array]] = []
    pend_c: list[dict[str, pa.Array]] = []
    rows = 0
    width = max(8, len(str(pop.n)))
    for b, lo, hi in _blocks(pop.n):
        rng = _block_rng(pop.seed, 30, b)
        firms = pop.order[lo:hi]
        # measurements for a fraction of firms, more for bigger ones
        measured = firms[rng.random(len(firms)) < np.array([0.08, 0.15, 0.35, 0.60])[pop.size[firms]]]
        cand = table[pop.firm_chain[measured]]
        take = (cand >= 0) & (rng.random(cand.shape) < 0.45)
        fi, si = np.nonzero(take)
        f, bi = measured[fi], cand[fi, si]
        twice = rng.random(len(f)) < 0.3
        f = np.concatenate([f, f[twice]])
        bi = np.concatenate([bi, bi[twice]])
        first = np.r_[np.ones(len(twice), dtype=bool), np.zeros(int(twice.sum()), dtype=bool)]
        day = np.where(first, _day("2022-01-01"), _day("2024-01-01")) + rng.integers(0, 365, len(f))
        o = np.lexsort((day, bi, f))
        f, bi, day = f[o], bi[o], day[o]
        dom, spread = bench["dom"][bi], bench["spread"][bi]
        sign = np.where(bench["hib"][bi], 1.0, -1.0)
        behind = np.abs(rng.normal(0.6, 0.8, len(f))) * spread / (1.0 + pop.size[f])
        ahead = rng.random(len(f)) < 0.1
        value = np.where(ahead, dom + sign * np.abs(rng.normal(0.0, 0.2, len(f))) * spread, dom - sign * behind)
        value = np.maximum(value, 0.0)
        value = np.where(bench["percent"][bi] & (sign > 0), np.minimum(value, 100.0), value)
        pend_m.append({"enterprise_id": pop.uscc.take(pa.array(f)), "benchmark_id": _text(bench["id"][bi]),
                       "value": pa.array(np.round(value, 3)), "measured_on": _dates(day)})
        # certificates: ISO 9001 for most QMS-certified firms, other schemes for a few
        qf = firms[pop.qms[firms] & (rng.random(len(firms)) < 0.9)]
        other = firms[rng.random(len(firms)) < 0.06 * (1 + pop.size[firms])]
        std_o = rng.integers(1, len(stds), len(other))
        cf = np.concatenate([qf, other])
        cs = np.concatenate([np.zeros(len(qf), dtype=np.int64), std_o])
        _, u = np.unique(cf * len(stds) + cs, return_index=True)
        u = np.sort(u)
        cf, cs = cf[u], cs[u]
        nc = len(cf)
        issued = _day("2019-01-01") + rng.integers(0, _day("2024-12-31") - _day("2019-01-01"), nc)
        body = rng.integers(0, len(bodies), nc)
        yy = (issued.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970) % 100
        no = np.concatenate([_digits(body + 1, 3), _digits(yy, 2), letters[cs][:, None], _digits(cf, width)],
                            axis=1)
        pend_c.append({"enterprise_id": pop.uscc.take(pa.array(cf)), "body_id": _text(bodies[body]),
                       "standard": _text(stds[cs]), "cert_no": _fixed_strings(no), "issued": _dates(issued),
                       "expires": _dates(issued + 3 * 365)})
        rows += hi - lo
        if rows >= batch or hi == pop.n:
            mea_t.write(_concat(pend_m))
            cer_t.write(_concat(pend_c))
            pend_m, pend_c, rows = [], [], 0
    return {"measurements": mea_t.close(), "certifications": cer_t.close()}

