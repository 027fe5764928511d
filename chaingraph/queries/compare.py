"""The regional dimension of the problem list (区域对比): each problem's share in every sub-region of a region.

``compare_regions(g, "湖州市", "童装")`` is a matrix with one row per sub-region (the counties of a city,
the cities of a province, the provinces of the country) that has firms of the chain, then a ``合计`` row
for the whole region; one column per problem (its id) holding the share of the sub-region's firms that
have it (0 where none has it), problems in the order of the whole region's list. Each sub-region's
share is that of its own ``common_problems`` list (same scope rule, same statuses), so a row can be
checked against ``chaingraph problems --region <sub-region>``.

Firms registered at the region's own code (e.g. a firm coded 330500 in a 湖州市 scope) belong to no
sub-region: they count in the ``合计`` row only.

Example
-------
>>> m = compare_regions(g, "湖州市", "童装")  # doctest: +SKIP
>>> m[["region", "scope_size", "CW-P01"]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from chaingraph.errors import ScopeError
from chaingraph.ingest.regions import load_regions
from chaingraph.queries.changes import scope_firms
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE, check_thresholds

COLUMNS: dict[str, str] = {
    "region_code": "str", "region": "str", "is_total": "bool", "scope_size": "int64", "problems_present": "int64",
    "common_count": "int64",
}
"""The leading columns of :func:`compare_regions`; one ``float64`` column per problem id follows."""

_SUB = {None: 2, "province": 4, "city": 6}


def sub_region(codes: pd.Series, region: str | None) -> pd.Series:
    """The sub-region (one level below ``region``) each firm region code falls in.

    Raises
    ------
    ScopeError
        If ``region`` is a county (it has no sub-regions in GB/T 2260).

    Example
    -------
    >>> sub_region(pd.Series(["330502", "330523"]), "330000").tolist()
    ['330500', '330500']
    """
    level = load_regions().level(region) if region is not None else None
    if level not in _SUB:
        raise ScopeError(f"region {region} is a county: it has no sub-regions to compare")
    n = _SUB[level]
    return codes.astype(str).str[:n].str.ljust(6, "0")


def compare_regions(graph, region: str | None = None, chain: str | None = None, *, min_firms: int = MIN_FIRMS,
                    min_share: float = MIN_SHARE, include_resolved: bool = True,
                    as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Problem shares across the sub-regions of a region: one row per sub-region, one column per problem.

    Parameters
    ----------
    graph : ChainGraph or Neo4jGraph
    region : str, optional
        Region code or name (a province or a city; None: the provinces of the country).
    chain : str
        Chain id or name (required: a list is per chain).
    min_firms, min_share
        The thresholds for "common" (``common_count``: problems common in the sub-region).
    include_resolved : bool
        Count firms whose latest status for the problem is ``resolved``.
    as_of : str or datetime.date, optional
        The state on that date (see :mod:`chaingraph.graph.asof`).

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, then one share column per problem (named by its id); sub-regions by code, then the
        ``合计`` row (``is_total``). An empty scope gives the leading columns and no row.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain, a county, or no chain given.
    ValueError
        Bad thresholds or date.

    Example
    -------
    >>> compare_regions(g, "湖州市", "童装", min_firms=2)  # doctest: +SKIP
    """
    if chain is None:
        raise ScopeError("compare_regions needs a chain (a problem list is per chain)")
    check_thresholds(min_firms, min_share)
    code = load_regions().resolve(str(region).strip()) if region is not None else None
    firms = scope_firms(graph, code, chain, as_of=as_of)
    subs = sorted(set(sub_region(firms["region_code"], code)) - {code})
    kw = {"min_firms": min_firms, "min_share": min_share, "include_resolved": include_resolved, "as_of": as_of}
    total = _problems(graph, code, chain, kw)
    lists = {s: _problems(graph, s, chain, kw) for s in subs}
    return finish_compare(lists, total, firms, code)


def _problems(graph, region: str | None, chain: str, kw: dict) -> pd.DataFrame:
    if hasattr(graph, "common_problems"):
        return graph.common_problems(region, chain, **kw)
    from chaingraph.queries.problems import common_problems

    return common_problems(graph, region, chain, **kw)


def finish_compare(lists: dict[str, pd.DataFrame], total: pd.DataFrame, firms: pd.DataFrame,
                   region: str | None) -> pd.DataFrame:
    """The matrix from each sub-region's problem list, the whole region's list and the scope's firms.

    Raises
    ------
    ScopeError
        If ``region`` is a county.

    Example
    -------
    >>> finish_compare({"330502": plist}, plist, firms, "330500")  # doctest: +SKIP
    """
    regions = load_regions()
    sizes = sub_region(firms["region_code"], region).value_counts()
    problems = total["problem_id"].tolist()  # the whole region's order (by score)
    rows = []
    for code, plist in [*sorted(lists.items()), (region, total)]:
        is_total = code == region
        share = plist.set_index("problem_id")["share"].reindex(problems).fillna(0.0)
        rows.append({
            "region_code": code if code is not None else "", "is_total": is_total,
            "region": "合计" if is_total else regions.full_name(code),
            "scope_size": len(firms) if is_total else int(sizes.get(code, 0)),
            "problems_present": len(plist), "common_count": int(plist["is_common"].sum()),
            **{p: float(v) for p, v in zip(problems, share.to_numpy(dtype=float), strict=True)},
        })
    if not len(firms):
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in COLUMNS.items()})
    out = pd.DataFrame(rows)
    return out.astype({**COLUMNS, **dict.fromkeys(problems, np.float64)})[[*COLUMNS, *problems]]
