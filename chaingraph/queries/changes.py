"""What changed in the common-problem list (问题清单变化): the list at two dates, or of two builds, side by side.

Both lists are of **open** problems: firms whose latest status (by then) is open or improving
(``common_problems(..., include_resolved=False, as_of=…)``). Per problem of either list:

=============  =====  ================================================================================
change         中文    when
=============  =====  ================================================================================
``new``        新出现  in the later list only (no open firm before)
``worse``      加重    in both, and the score (share × mean severity, the list's ranking measure) rose
``better``     好转    in both, and the score fell
``persisting`` 持续    in both, score unchanged
``resolved``   已解决  in the earlier list only: every firm that had it is resolved (or left the scope)
``entered``    进入范围 a firm in the later scope only (one row per firm)
``left``       退出范围 a firm in the earlier scope only
=============  =====  ================================================================================

``share_change`` and ``severity_change`` say which of the two moved. Firms are not dated in the
model, so at two dates of one graph the scope is the same firms (no ``entered`` / ``left`` rows);
between two builds (last year's store and this year's) it is not.

Example
-------
>>> ch = problem_changes(g, "吴兴区", "童装", since="2023-12-31")  # doctest: +SKIP
>>> ch[["change_zh", "problem", "share_before", "share_after"]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from chaingraph.errors import ScopeError
from chaingraph.graph.asof import parse_as_of
from chaingraph.queries._common import empty
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE, check_thresholds

CHANGE_ZH: dict[str, str] = {"new": "新出现", "worse": "加重", "better": "好转", "persisting": "持续",
                             "resolved": "已解决", "entered": "进入范围", "left": "退出范围"}
"""The kinds of change, in output order, with their Chinese labels."""

COLUMNS: dict[str, str] = {
    "change": "str", "change_zh": "str", "chain_id": "str", "problem_id": "str", "problem": "str",
    "category_zh": "str", "kind_zh": "str",
    "affected_before": "Int64", "affected_after": "Int64", "scope_before": "Int64", "scope_after": "Int64",
    "share_before": "float64", "share_after": "float64", "share_change": "float64",
    "severity_before": "float64", "severity_after": "float64", "severity_change": "float64",
    "score_before": "float64", "score_after": "float64",
    "common_before": "boolean", "common_after": "boolean", "rank_before": "Int64", "rank_after": "Int64",
    "enterprise_id": "str", "enterprise": "str",
}
"""Output columns of :func:`problem_changes`: problem rows, then firm rows (``entered`` / ``left``)."""

FIRM_COLUMNS: dict[str, str] = {"enterprise_id": "str", "enterprise": "str", "region_code": "str"}
"""The scope's firms, as each engine lists them (input of :func:`finish_changes` and of ``compare_regions``)."""

_EPS = 1e-12


def scope_firms(graph, region: str | None, chain: str | None, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """The firms of a region × chain scope (:data:`FIRM_COLUMNS`, by id) on either engine.

    A Neo4j graph answers with its own ``scope_firms`` method; an embedded graph from its scope mask.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain.

    Example
    -------
    >>> scope_firms(g, "330502", "childrenswear").head()  # doctest: +SKIP
    """
    if hasattr(graph, "scope_firms"):
        return graph.scope_firms(region, chain, as_of=as_of)
    pos = graph.scope(region=region, chain=chain).positions
    ent = graph.tables["enterprises"]
    out = pd.DataFrame({c: ent[s].take(pos).to_numpy() for c, s in
                        (("enterprise_id", "id"), ("enterprise", "name"), ("region_code", "region_code"))})
    return out.astype(FIRM_COLUMNS).sort_values("enterprise_id", kind="stable").reset_index(drop=True)


def open_problems(graph, region: str | None, chain: str | None, *, min_firms: int, min_share: float,
                  as_of: str | dt.date | None = None) -> pd.DataFrame:
    """The open-problem list of a scope on either engine (``common_problems`` without resolved firms).

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain.

    Example
    -------
    >>> open_problems(g, "330502", "childrenswear", min_firms=3, min_share=0.1)  # doctest: +SKIP
    """
    kw = {"min_firms": min_firms, "min_share": min_share, "include_resolved": False, "as_of": as_of}
    if hasattr(graph, "common_problems"):
        return graph.common_problems(region, chain, **kw)
    from chaingraph.queries.problems import common_problems

    return common_problems(graph, region, chain, **kw)


def problem_changes(graph, region: str | None, chain: str | None, *, since: str | dt.date,
                    until: str | dt.date | None = None, min_firms: int = MIN_FIRMS,
                    min_share: float = MIN_SHARE) -> pd.DataFrame:
    """The problem list of a scope on ``since`` and on ``until`` side by side: what is new, resolved,
    worse, better or persisting.

    Parameters
    ----------
    graph : ChainGraph or Neo4jGraph
    region : str, optional
        Region code or name.
    chain : str
        Chain id or name (required: a list is per chain).
    since : str or datetime.date
        The earlier date (the state as it was then).
    until : str or datetime.date, optional
        The later date; None: the latest state.
    min_firms, min_share
        The thresholds for "common" (``common_before`` / ``common_after``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain, or no chain given.
    ValueError
        ``since`` after ``until``, a date that is not one, or bad thresholds.

    Example
    -------
    >>> problem_changes(g, "吴兴区", "童装", since="2023-12-31", until="2024-06-30")  # doctest: +SKIP
    """
    a, b = parse_as_of(since), parse_as_of(until)
    if a is None:
        raise ValueError("since is required (the earlier date)")
    if b is not None and a > b:
        raise ValueError(f"since ({a}) is after until ({b})")
    return problem_changes_between(graph, graph, region, chain, since=a, until=b, min_firms=min_firms,
                                   min_share=min_share)


def problem_changes_between(before, after, region: str | None, chain: str | None, *,
                            since: str | dt.date | None = None, until: str | dt.date | None = None,
                            min_firms: int = MIN_FIRMS, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """:func:`problem_changes` between two graphs (e.g. last year's store and this year's).

    Parameters
    ----------
    before, after : ChainGraph or Neo4jGraph
        The earlier and the later graph (either engine).
    region, chain : str
        The scope, resolved in each graph (``chain`` required).
    since, until : str or datetime.date, optional
        The state of ``before`` / ``after`` on that date (None: its latest state).
    min_firms, min_share
        The thresholds for "common".

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    ScopeError
        Unknown region or chain in either graph, or no chain given.
    ValueError
        Bad dates or thresholds.

    Example
    -------
    >>> problem_changes_between(g2023, g2024, "吴兴区", "童装")  # doctest: +SKIP
    """
    if chain is None:
        raise ScopeError("problem_changes needs a chain (a problem list is per chain)")
    check_thresholds(min_firms, min_share)
    lists = [open_problems(g, region, chain, min_firms=min_firms, min_share=min_share, as_of=d)
             for g, d in ((before, since), (after, until))]
    firms = [scope_firms(g, region, chain, as_of=d) for g, d in ((before, since), (after, until))]
    return finish_changes(*lists, *firms)


def finish_changes(before: pd.DataFrame, after: pd.DataFrame, firms_before: pd.DataFrame,
                   firms_after: pd.DataFrame) -> pd.DataFrame:
    """The change frame from two open-problem lists of one chain and the two scopes' firms (both engines).

    Parameters
    ----------
    before, after : pandas.DataFrame
        ``common_problems`` frames (open firms only) of the earlier and the later state.
    firms_before, firms_after : pandas.DataFrame
        :data:`FIRM_COLUMNS` of the two scopes.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: problems by kind of change (:data:`CHANGE_ZH` order), within a kind by
        the later score (the earlier one for ``resolved``), then problem id; then firms by id.

    Raises
    ------
    KeyError
        If a frame lacks a column of ``common_problems``.

    Example
    -------
    >>> finish_changes(plist_2023, plist_2024, firms_2023, firms_2024)  # doctest: +SKIP
    """
    n_before, n_after = len(firms_before), len(firms_after)
    keys = ["problem_id", "problem", "chain_id", "category_zh", "kind_zh"]
    b = before.set_index("problem_id")
    a = after.set_index("problem_id")
    ids = sorted(set(b.index) | set(a.index))
    rows = pd.concat([after[keys], before[keys]]).drop_duplicates("problem_id").set_index("problem_id").reindex(ids)
    out = pd.DataFrame({"problem_id": ids, "problem": rows["problem"].to_numpy(),
                        "chain_id": rows["chain_id"].to_numpy(), "category_zh": rows["category_zh"].to_numpy(),
                        "kind_zh": rows["kind_zh"].to_numpy()})

    def side(frame: pd.DataFrame, n: int, tag: str) -> None:
        hit = pd.Series(ids).isin(frame.index).to_numpy()
        r = frame.reindex(ids)
        out[f"affected_{tag}"] = pd.array(np.where(hit, r["affected"].fillna(0), 0).astype(np.int64), dtype="Int64")
        out[f"scope_{tag}"] = n
        share = r["share"].to_numpy(dtype=float)
        out[f"share_{tag}"] = np.where(hit, share, 0.0 if n else np.nan)
        out[f"severity_{tag}"] = r["mean_severity"].to_numpy(dtype=float)
        out[f"score_{tag}"] = np.where(hit, r["score"].to_numpy(dtype=float), 0.0)
        out[f"common_{tag}"] = pd.array(np.where(hit, r["is_common"].fillna(False).to_numpy(dtype=bool), False),
                                        dtype="boolean")
        out[f"rank_{tag}"] = r["rank"].astype("Int64").to_numpy()
        out[f"_in_{tag}"] = hit

    side(b, n_before, "before")
    side(a, n_after, "after")
    out["share_change"] = out["share_after"] - out["share_before"]
    out["severity_change"] = out["severity_after"] - out["severity_before"]
    d = out["score_after"] - out["score_before"]
    both = out["_in_before"] & out["_in_after"]
    out["change"] = np.select(
        [~out["_in_before"], ~out["_in_after"], both & (d > _EPS), both & (d < -_EPS)],
        ["new", "resolved", "worse", "better"], "persisting")
    order = {c: i for i, c in enumerate(CHANGE_ZH)}
    out["_o"] = out["change"].map(order)
    out["_s"] = -np.where(out["change"] == "resolved", out["score_before"], out["score_after"])
    out = out.sort_values(["_o", "_s", "problem_id"], kind="stable")
    fb, fa = set(firms_before["enterprise_id"]), set(firms_after["enterprise_id"])
    moved = []
    for kind, firms, other in (("entered", firms_after, fb), ("left", firms_before, fa)):
        f = firms[~firms["enterprise_id"].isin(other)].sort_values("enterprise_id", kind="stable")
        moved.append(pd.DataFrame({"change": kind, "enterprise_id": f["enterprise_id"].to_numpy(),
                                   "enterprise": f["enterprise"].to_numpy(), "scope_before": n_before,
                                   "scope_after": n_after}))
    out = pd.concat([out, *[m for m in moved if len(m)]], ignore_index=True).reindex(columns=[*out.columns,
                                                                                     "enterprise_id", "enterprise"])
    if out.empty:
        return empty(COLUMNS)
    out["change_zh"] = out["change"].map(CHANGE_ZH)
    return out[list(COLUMNS)].astype(COLUMNS).reset_index(drop=True)
