"""The assistance ledger (帮扶台账) and its evaluation figures (成效统计).

:func:`ledger` lists every assistance record of a scope, the sheet an analyst files; :func:`ledger_summary`
gives the figures the 2022 evaluation report judged the action by (firms assisted, open / improving /
resolved, share reporting clear effects, satisfaction, effect shares by category, certificates obtained,
revenue / output / profit-margin change) for any scope and grouping. Both engines hand
:func:`finish_ledger` the same id-keyed rows (:data:`RAW_COLUMNS`); everything after that is shared.

Example
-------
>>> ledger(g, "吴兴区", "童装").head()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from chaingraph.errors import ScopeError
from chaingraph.graph.core import ChainGraph, Scope
from chaingraph.ingest.parse.choices import SET_SEPARATOR
from chaingraph.model import ENUM_ZH, ENUMS, FIRM, enum_lookup
from chaingraph.queries._common import empty, resolve_scope, size_zh

FIGURES = ("revenue", "output", "profit_margin")
"""Before / after figures of an assistance record (万元, 万元, %)."""

RAW_COLUMNS: dict[str, str] = {
    "body_id": "str", "body": "str", "enterprise_id": "str", "enterprise": "str", "uscc": "str", "size": "str",
    "region_code": "str", "chain_ids": "object", "problem_id": "str", "problem": "str", "dimension": "str",
    "started": "datetime64[s]", "ended": "datetime64[s]", "status": "str", "effects": "str",
    "satisfaction": "str", "certified_after": "boolean", "outcome": "str",
    **{f"{m}_{w}": "float64" for m in FIGURES for w in ("before", "after")},
}
"""Input of :func:`finish_ledger`: one row per assistance record of the scope, any order; ``chain_ids`` lists the
chains the firm operates in."""

COLUMNS: dict[str, str] = {
    "started": "datetime64[s]", "ended": "datetime64[s]", "days_open": "Int64",
    "body_id": "str", "body": "str", "enterprise_id": "str", "enterprise": "str", "uscc": "str",
    "size": "str", "size_zh": "str", "region_code": "str", "chains": "str",
    "problem_id": "str", "problem": "str", "dimension": "str", "status": "str", "status_zh": "str",
    "effects": "str", "effects_zh": "str", "satisfaction": "str", "satisfaction_zh": "str",
    "certified_after": "boolean", "outcome": "str",
    **{f"{m}_{w}": "float64" for m in FIGURES for w in ("before", "after")},
}
"""Output columns of :func:`ledger`: one row per record, by start date, then body, firm and problem. ``days_open``
runs from ``started`` to ``ended`` (or to ``as_of`` while the record is not ended); ``chains`` are the firm's
chains joined by 、; ``effects`` the effect categories (canonical values, 、-joined) and ``effects_zh`` their
Chinese names."""

GROUPS = ("body", "region", "chain", "problem")
"""Groupings of :func:`ledger_summary`."""

SUMMARY_COLUMNS: dict[str, str] = {
    "group": "str", "group_name": "str", "firms": "int64", "records": "int64",
    "open": "int64", "improving": "int64", "resolved": "int64",
    "firms_with_effect": "int64", "effect_share": "float64",
    "satisfaction_answers": "int64", "satisfied": "int64", "fair": "int64", "dissatisfied": "int64",
    "satisfaction_rate": "float64", "certified_after": "int64",
    **{f"effect_{e}": "float64" for e in ENUMS["effect"]},
    **{f"{m}_change": "float64" for m in FIGURES}, **{f"{m}_pairs": "int64" for m in FIGURES},
}
"""Output columns of :func:`ledger_summary`. Firm-based: ``firms`` (distinct firms assisted), ``firms_with_effect``
and ``effect_share`` (firms with at least one effect category recorded ÷ firms), ``effect_<category>`` (firms
reporting that category ÷ firms), ``certified_after`` (firms with a record saying they obtained a QMS
certificate). Record-based: ``records``, ``open`` / ``improving`` / ``resolved`` (a record without a status
counts as open), ``satisfaction_rate`` = (满意 + 基本满意) ÷ records that give a satisfaction, and
``<figure>_change`` = mean of after − before over the ``<figure>_pairs`` records giving both (万元; percentage
points for the profit margin)."""

SATISFIED = ("satisfied", "fair")
"""Satisfaction values counted as satisfied: 满意 and 基本满意."""


def _as_of_date(as_of: object, data_date: str | None) -> pd.Timestamp:
    """``as_of`` (a date or ISO text), else the data date, else today, as a day."""
    if as_of is not None:
        try:
            return pd.Timestamp(as_of).normalize()
        except (ValueError, TypeError) as exc:
            raise ValueError(f"as_of {as_of!r} is not a date (give 2024-06-30)") from exc
    return pd.Timestamp(data_date or dt.date.today()).normalize()


def ledger_rows(graph: ChainGraph, scope: Scope) -> pd.DataFrame:
    """The embedded input of :func:`finish_ledger`: the assistance records of a scope's firms.

    Raises
    ------
    ValueError
        If the scope was made for another graph.

    Example
    -------
    >>> ledger_rows(g, g.scope("330502", "childrenswear")).shape  # doctest: +SKIP
    """
    t = graph.tables
    ast = t["assistance"]
    if graph.enterprises(scope).empty or not len(ast):
        return empty(RAW_COLUMNS)
    ast = ast[scope.mask[ast["_ent"].to_numpy()]]
    ent = t["enterprises"].iloc[ast["_ent"].to_numpy()]
    bodies = t["cert_bodies"].set_index("id")["name"]
    problems = t["problems"].set_index("id")["name"]
    ops = t["operates_in"]
    seg_chain = t["segments"]["chain_id"].to_numpy()
    chains = (pd.DataFrame({"e": ops["_ent"].to_numpy(), "c": seg_chain[ops["_seg"].to_numpy()]})
              .drop_duplicates().sort_values(["e", "c"]).groupby("e")["c"].agg(list))
    out = ast.drop(columns=[c for c in ast.columns if c.startswith("_")]).reset_index(drop=True)
    out["body"] = out["body_id"].map(bodies).to_numpy()
    out["enterprise"] = ent["name"].to_numpy()
    for c in ("uscc", "size", "region_code"):
        out[c] = ent[c].to_numpy()
    out["problem"] = out["problem_id"].map(problems).to_numpy()
    out["chain_ids"] = [list(chains.get(p, [])) for p in ast["_ent"].to_numpy()]
    return out.rename(columns={FIRM: "enterprise_id"})[list(RAW_COLUMNS)].astype(RAW_COLUMNS)


def _match_body(rows: pd.DataFrame, body: str) -> pd.Series:
    key = str(body).strip()
    hit = (rows["body_id"] == key) | (rows["body"] == key)
    if not hit.any():
        hit = rows["body"].fillna("").str.contains(key, regex=False)
    return hit.fillna(False)


def _status_value(status: str) -> str:
    value = enum_lookup("status").get(str(status).strip().lower())
    if value is None:
        raise ScopeError(f"unknown status {status!r}; one of: "
                         + ", ".join(f"{k} ({v})" for k, v in ENUM_ZH["status"].items()))
    return value


def finish_ledger(raw: pd.DataFrame, *, body: str | None = None, status: str | None = None,
                  as_of: object = None, data_date: str | None = None) -> pd.DataFrame:
    """The ledger from the records of a scope (:data:`RAW_COLUMNS`), for both engines.

    Records started after ``as_of`` are left out; an end date after ``as_of`` is blanked and a ``resolved``
    record that ended after ``as_of`` reads ``improving`` (the ledger as it stood on that day). A record without
    a status counts as ``open``.

    Parameters
    ----------
    raw : pandas.DataFrame
        :data:`RAW_COLUMNS`, rows in any order.
    body : str, optional
        Certification body id or name: only its records.
    status : str, optional
        ``open`` / ``improving`` / ``resolved`` (or 未解决 / 整改中 / 已解决): only records with that status.
    as_of : date or str, optional
        The day the ledger is read on; default ``data_date``.
    data_date : str, optional
        The data date of the graph (ISO), used when ``as_of`` is None; today when both are None.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    ScopeError
        Unknown body or status.
    ValueError
        ``as_of`` is not a date.

    Example
    -------
    >>> finish_ledger(ledger_rows(g, scope), as_of="2024-06-30")  # doctest: +SKIP
    """
    day = _as_of_date(as_of, data_date)
    want = _status_value(status) if status is not None else None
    rows = raw.astype(RAW_COLUMNS).reset_index(drop=True)
    if body is not None:
        hit = _match_body(rows, body)
        if not hit.any() and len(rows):
            raise ScopeError(f"no assistance record of a certification body {body!r} in this scope; bodies: "
                             + ", ".join(sorted(set(rows["body_id"].dropna()))))
        rows = rows[hit.to_numpy(dtype=bool)]
    rows = rows[~(rows["started"] > day).to_numpy(dtype=bool)].copy()
    status_ = rows["status"].fillna("open")
    late = (rows["ended"] > day).to_numpy(dtype=bool)
    status_ = status_.where(~(late & (status_ == "resolved").to_numpy(dtype=bool)), "improving")
    rows["status"] = status_.to_numpy()
    rows["ended"] = rows["ended"].where(~late)
    if want is not None:
        rows = rows[(rows["status"] == want).to_numpy(dtype=bool)]
    if rows.empty:
        return empty(COLUMNS)
    end = rows["ended"].fillna(day)
    days = (end - rows["started"]).dt.days
    rows["days_open"] = pd.array(days.where(rows["started"].notna()), dtype="Int64")
    rows["chains"] = [SET_SEPARATOR.join(sorted(c)) if len(c) else None for c in rows["chain_ids"]]
    rows["size_zh"] = size_zh(rows["size"]).to_numpy()
    rows["status_zh"] = rows["status"].map(ENUM_ZH["status"])
    rows["satisfaction_zh"] = rows["satisfaction"].map(ENUM_ZH["satisfaction"])
    rows["effects_zh"] = [SET_SEPARATOR.join(ENUM_ZH["effect"][e] for e in v.split(SET_SEPARATOR))
                          if isinstance(v, str) else None for v in rows["effects"]]
    rows = rows.sort_values(["started", "body_id", "enterprise_id", "problem_id"], kind="stable",
                            na_position="first")
    return rows[list(COLUMNS)].astype(COLUMNS).reset_index(drop=True)


def ledger(graph: ChainGraph, region: str | None = None, chain: str | None = None, *, body: str | None = None,
           status: str | None = None, as_of: object = None) -> pd.DataFrame:
    """The assistance ledger (帮扶台账) of a region's chain: one row per assistance record.

    Parameters
    ----------
    graph : ChainGraph
    region : str, optional
        Region code or name (covers regions below it).
    chain : str, optional
        Chain id or name: firms operating in it.
    body : str, optional
        Certification body id or name.
    status : str, optional
        Only records with this status (as of ``as_of``).
    as_of : date or str, optional
        Read the ledger as it stood on that day (default the data date).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain, unknown body or status.
    ValueError
        ``as_of`` is not a date.

    Example
    -------
    >>> ledger(g, "吴兴区", "童装", status="整改中")[["enterprise", "problem", "days_open"]]  # doctest: +SKIP
    """
    scope = resolve_scope(graph, region, chain)
    return finish_ledger(ledger_rows(graph, scope), body=body, status=status, as_of=as_of,
                         data_date=graph.meta.get("data_date"))


def _group_keys(led: pd.DataFrame, by: str | None) -> tuple[pd.DataFrame, pd.Series]:
    """The ledger rows repeated per group (a firm in two chains counts in both) and each group's name."""
    if by is None:
        return led.assign(group="all"), pd.Series({"all": "合计"})
    if by == "body":
        return led.assign(group=led["body_id"]), led.drop_duplicates("body_id").set_index("body_id")["body"]
    if by == "region":
        from chaingraph.ingest.regions import load_regions

        codes = led["region_code"].dropna().unique()
        r = load_regions()
        return led.assign(group=led["region_code"]), pd.Series({c: r.full_name(c) for c in codes}, dtype="str")
    if by == "chain":
        rows = led.assign(group=led["chains"].fillna("").str.split(SET_SEPARATOR)).explode("group")
        rows = rows.assign(group=rows["group"].replace("", None))
        return rows, pd.Series(dtype="str")
    if by == "problem":
        return led.assign(group=led["problem_id"]), led.drop_duplicates("problem_id").set_index("problem_id")[
            "problem"]
    raise ValueError(f"by must be one of {', '.join(GROUPS)} or None, not {by!r}")


def finish_ledger_summary(led: pd.DataFrame, by: str | None = None,
                          chain_names: pd.Series | None = None) -> pd.DataFrame:
    """The evaluation figures of a ledger (the output of :func:`finish_ledger`), per group, for both engines.

    Groups in key order; records without a problem (or a firm without a chain) form a group with a missing key.

    Parameters
    ----------
    led : pandas.DataFrame
        :data:`COLUMNS`.
    by : {None, "body", "region", "chain", "problem"}
        Grouping; None: one row for the whole scope (``group == "all"``, 合计).
    chain_names : pandas.Series, optional
        Chain id → name, for ``by="chain"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`.

    Raises
    ------
    ValueError
        Unknown ``by``.

    Example
    -------
    >>> finish_ledger_summary(ledger(g, "吴兴区", "童装"), by="body")  # doctest: +SKIP
    """
    rows, names = _group_keys(led, by)
    if by == "chain" and chain_names is not None:
        names = chain_names
    if rows.empty:
        return empty(SUMMARY_COLUMNS)
    rows = rows.assign(_g=rows["group"].fillna("\uffff"))
    g = rows.groupby("_g", sort=True)
    out = pd.DataFrame({"firms": g["enterprise_id"].nunique(), "records": g.size()})
    for s in ENUMS["status"]:
        out[s] = g["status"].apply(lambda x, s=s: int((x == s).sum()))
    has_effect = rows.assign(_e=rows["effects"].notna())
    out["firms_with_effect"] = has_effect[has_effect["_e"]].groupby("_g")["enterprise_id"].nunique()
    for e in ENUMS["effect"]:
        hit = rows[rows["effects"].fillna("").str.split(SET_SEPARATOR).apply(lambda v, e=e: e in v)]
        out[f"effect_{e}"] = hit.groupby("_g")["enterprise_id"].nunique()
    for s in ENUMS["satisfaction"]:
        out[s] = g["satisfaction"].apply(lambda x, s=s: int((x == s).sum()))
    out["satisfaction_answers"] = g["satisfaction"].count()
    cert = rows[rows["certified_after"].fillna(False).to_numpy(dtype=bool)]
    out["certified_after"] = cert.groupby("_g")["enterprise_id"].nunique()
    for m in FIGURES:
        diff = rows[f"{m}_after"] - rows[f"{m}_before"]
        d = rows.assign(_d=diff)[diff.notna()]
        out[f"{m}_change"] = d.groupby("_g")["_d"].mean()
        out[f"{m}_pairs"] = d.groupby("_g")["_d"].size()
    counts = ["firms_with_effect", "certified_after", *(f"{m}_pairs" for m in FIGURES)]
    out[counts] = out[counts].fillna(0).astype("int64")
    firms = out["firms"].to_numpy(dtype=float)
    for e in ENUMS["effect"]:
        out[f"effect_{e}"] = out[f"effect_{e}"].fillna(0).to_numpy(dtype=float) / firms
    out["effect_share"] = out["firms_with_effect"] / firms
    answers = out["satisfaction_answers"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = (out["satisfied"] + out["fair"]).to_numpy(dtype=float) / answers
    out["satisfaction_rate"] = np.where(answers > 0, rate, np.nan)
    out = out.reset_index()
    out["group"] = out["_g"].replace("\uffff", None)
    out["group_name"] = out["group"].map(names) if len(names) else None
    return out[list(SUMMARY_COLUMNS)].astype(SUMMARY_COLUMNS)


def ledger_summary(graph: ChainGraph, region: str | None = None, chain: str | None = None, *,
                   by: str | None = None, body: str | None = None, status: str | None = None,
                   as_of: object = None) -> pd.DataFrame:
    """The evaluation report's figures (帮扶成效统计) of a scope's assistance ledger, per group.

    Parameters
    ----------
    graph : ChainGraph
    region, chain : str, optional
        Scope (codes, ids or names).
    by : {None, "body", "region", "chain", "problem"}
        One row per certification body, firm county, chain or problem; None: one row.
    body, status, as_of
        As for :func:`ledger`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`.

    Raises
    ------
    ScopeError
        Unknown or ambiguous region or chain, unknown body or status.
    ValueError
        Unknown ``by``, or ``as_of`` is not a date.

    Example
    -------
    >>> ledger_summary(g, "吴兴区", "童装", by="body")[["group_name", "firms", "satisfaction_rate"]]  # doctest: +SKIP
    """
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)} or None, not {by!r}")
    led = ledger(graph, region, chain, body=body, status=status, as_of=as_of)
    return finish_ledger_summary(led, by, graph.tables["chains"].set_index("id")["name"])
