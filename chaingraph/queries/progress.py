"""Progress against the action's targets (目标进度): each target with its actual, share done and pace.

Targets come from the dataset's ``targets`` table; without one, the national targets of the 2024 action plan
apply (:data:`NATIONAL_TARGETS`, see README "Progress against the targets"). Three metrics:

* ``firms_assisted`` (精准帮扶小微企业数): distinct small and micro firms (size ``small`` / ``micro``; a firm whose
  size is unknown is not counted) with an assistance record started on or before ``as_of``;
* ``satisfaction_rate`` (企业满意率): (满意 + 基本满意) ÷ records giving a satisfaction, as of ``as_of``;
  a target above 1 is read as a percentage (90 → 0.9);
* ``problems_solved`` (解决产业链质量问题数): chain problems solved, :func:`solved_problems`.

Example
-------
>>> progress(g)[["metric_zh", "target", "actual", "share_done", "on_track"]]  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chaingraph.graph.core import ChainGraph
from chaingraph.model import ENUM_ZH, FIRM
from chaingraph.queries._common import empty, wilson_lower
from chaingraph.queries.ledger import SATISFIED, _as_of_date, finish_ledger, ledger_rows
from chaingraph.queries.problems import MIN_FIRMS, MIN_SHARE

TARGET_COLUMNS: dict[str, str] = {"id": "str", "metric": "str", "region_code": "str", "chain_id": "str",
                                  "target": "float64", "deadline": "datetime64[s]", "baseline": "datetime64[s]"}
"""The ``targets`` table as :func:`finish_progress` reads it."""

NATIONAL_TARGETS = pd.DataFrame({
    "id": ["national|firms_assisted", "national|satisfaction_rate", "national|problems_solved"],
    "metric": ["firms_assisted", "satisfaction_rate", "problems_solved"],
    "region_code": [None] * 3, "chain_id": [None] * 3,
    "target": [50000.0, 0.9, 30.0],
    "deadline": pd.to_datetime(["2027-12-31"] * 3),
    "baseline": pd.to_datetime([None] * 3),
}).astype(TARGET_COLUMNS)
"""The national figures of the 2024 action plan (README): about 50,000 small and micro firms given precise
assistance with satisfaction above 90 %, and about 30 chain quality-management problems solved, by the end of
2027. Used when a dataset has no ``targets`` table."""

OBS_COLUMNS: dict[str, str] = {"enterprise_id": "str", "problem_id": "str", "source": "str",
                               "observed_on": "datetime64[s]", "status": "str"}
"""Observations as :func:`solved_problems` reads them (every observation of the graph)."""

MEMBER_COLUMNS: dict[str, str] = {"enterprise_id": "str", "region_code": "str", "chain_id": "str"}
"""Firm × chain memberships (a firm operating in a segment of the chain), with the firm's county."""

COLUMNS: dict[str, str] = {
    "target_id": "str", "metric": "str", "metric_zh": "str", "region_code": "str", "chain_id": "str",
    "target": "float64", "actual": "float64", "share_done": "float64", "baseline": "datetime64[s]",
    "deadline": "datetime64[s]", "as_of": "datetime64[s]", "expected_by_now": "float64", "on_track": "boolean",
    "basis": "str",
}
"""Output columns of :func:`progress`, one row per target in id order. ``share_done`` = actual ÷ target;
``expected_by_now`` = target × elapsed share of baseline → deadline (counts; the target itself for a rate);
``on_track`` = actual ≥ expected_by_now (missing when the pace cannot be judged: no baseline). ``basis`` says
where the target came from: ``targets`` (the dataset) or ``national_2024`` (:data:`NATIONAL_TARGETS`)."""


def _latest_unresolved(obs: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """(firm, problem) pairs whose latest recorded status on ``day`` (observations on or before it, undated
    ones counting from the start; by date, same day by source) is not ``resolved``; none recorded = open."""
    o = obs[~(obs["observed_on"] > day).to_numpy(dtype=bool)]
    if o.empty:
        return o[["enterprise_id", "problem_id"]]
    o = o.assign(_dated=o["observed_on"].notna()).sort_values(["_dated", "observed_on", "source"], kind="stable")
    pairs = o[["enterprise_id", "problem_id"]].drop_duplicates()
    recorded = o[o["status"].notna()].groupby(["enterprise_id", "problem_id"], sort=False)["status"].last()
    pairs = pairs.assign(status=pd.MultiIndex.from_frame(pairs).map(recorded).fillna("open"))
    return pairs[pairs["status"] != "resolved"][["enterprise_id", "problem_id"]]


def _common(obs: pd.DataFrame, members: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """(county, chain, problem) that are common on ``day`` by the common-problem rule, counting unresolved firms."""
    scope_n = members.groupby(["region_code", "chain_id"]).size().rename("n")
    pairs = _latest_unresolved(obs, day).merge(members, on="enterprise_id")
    if pairs.empty:
        return pd.DataFrame(columns=["region_code", "chain_id", "problem_id"])
    k = pairs.groupby(["region_code", "chain_id", "problem_id"]).size().rename("k").reset_index()
    k = k.join(scope_n, on=["region_code", "chain_id"])
    ok = (k["k"] >= MIN_FIRMS) & (wilson_lower(k["k"].to_numpy(), k["n"].to_numpy()) >= MIN_SHARE)
    return k[ok.to_numpy()][["region_code", "chain_id", "problem_id"]]


def solved_problems(obs: pd.DataFrame, members: pd.DataFrame, baseline: pd.Timestamp,
                    as_of: pd.Timestamp) -> pd.DataFrame:
    """Chain quality problems solved between ``baseline`` and ``as_of``.

    A chain problem is a (county, chain, problem): the firms of one county operating in one chain are the scope
    (the denominator of the common-problem rule). It counts as **solved** when it was **common on the baseline
    date** and is **no longer common on as_of**, both judged by the common-problem rule (affected ≥ 3 and Wilson
    95 % lower bound of the share ≥ 10 %) counting only firms whose latest recorded status for the problem on that
    day is not ``resolved``. A problem whose affected firms are all resolved has 0 affected, so it is solved.

    Parameters
    ----------
    obs : pandas.DataFrame
        :data:`OBS_COLUMNS`.
    members : pandas.DataFrame
        :data:`MEMBER_COLUMNS`.
    baseline, as_of : pandas.Timestamp

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``chain_id``, ``problem_id`` of every solved chain problem, sorted.

    Raises
    ------
    KeyError
        If a frame lacks a column.

    Example
    -------
    >>> solved_problems(obs, members, pd.Timestamp("2023-12-31"), pd.Timestamp("2024-12-31"))  # doctest: +SKIP
    """
    before = _common(obs, members, baseline)
    after = _common(obs, members, as_of)
    keys = ["region_code", "chain_id", "problem_id"]
    m = before.merge(after, on=keys, how="left", indicator=True)
    return m[m["_merge"] == "left_only"][keys].sort_values(keys).reset_index(drop=True)


def _in_scope(region: pd.Series, chains: pd.Series, code: object, chain: object) -> np.ndarray:
    ok = np.ones(len(region), dtype=bool)
    if isinstance(code, str):
        from chaingraph.ingest.regions import load_regions

        prefix = code[: {"province": 2, "city": 4, "county": 6}[load_regions().level(code)]]
        ok &= region.fillna("").str.startswith(prefix).to_numpy(dtype=bool)
    if isinstance(chain, str):
        ok &= np.array([chain in c for c in chains], dtype=bool)
    return ok


def finish_progress(targets: pd.DataFrame, raw_ledger: pd.DataFrame, obs: pd.DataFrame, members: pd.DataFrame,
                    *, as_of: object = None, data_date: str | None = None) -> pd.DataFrame:
    """Progress of every target from the whole graph's ledger rows, observations and memberships, for both engines.

    Parameters
    ----------
    targets : pandas.DataFrame
        :data:`TARGET_COLUMNS`; empty: :data:`NATIONAL_TARGETS`.
    raw_ledger : pandas.DataFrame
        :data:`chaingraph.queries.ledger.RAW_COLUMNS`, every assistance record of the graph.
    obs, members : pandas.DataFrame
        :data:`OBS_COLUMNS`, :data:`MEMBER_COLUMNS`.
    as_of : date or str, optional
        Default ``data_date``.
    data_date : str, optional
        The graph's data date (ISO).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    ValueError
        ``as_of`` is not a date.

    Example
    -------
    >>> finish_progress(g.tables["targets"], ledger_rows(g, g.scope()), obs, members)  # doctest: +SKIP
    """
    day = _as_of_date(as_of, data_date)
    basis = "targets" if len(targets) else "national_2024"
    tg = (targets if len(targets) else NATIONAL_TARGETS)[list(TARGET_COLUMNS)].astype(TARGET_COLUMNS)
    tg = tg.sort_values("id", kind="stable").reset_index(drop=True)
    led = finish_ledger(raw_ledger, as_of=day)
    start = raw_ledger["started"].min()
    obs = obs.astype(OBS_COLUMNS)
    members = members.astype(MEMBER_COLUMNS)
    chains = led["chains"].fillna("").str.split("、")
    rows = []
    for t in tg.itertuples(index=False):
        base = t.baseline if pd.notna(t.baseline) else start
        sel = led[_in_scope(led["region_code"], chains, t.region_code, t.chain_id)]
        target = float(t.target)
        if t.metric == "firms_assisted":
            actual = float(sel.loc[sel["size"].isin(["small", "micro"]), "enterprise_id"].nunique())
        elif t.metric == "satisfaction_rate":
            target = target / 100 if target > 1 else target
            answers = sel["satisfaction"].notna().sum()
            actual = float(sel["satisfaction"].isin(SATISFIED).sum() / answers) if answers else np.nan
        else:
            mem = members[_in_scope(members["region_code"], members["chain_id"].map(lambda c: [c]),
                                    t.region_code, t.chain_id)]
            actual = float(len(solved_problems(obs, mem, base, day))) if pd.notna(base) else np.nan
        if t.metric == "satisfaction_rate":
            expected = target
        elif pd.notna(base) and t.deadline > base:
            expected = target * float(np.clip((day - base) / (t.deadline - base), 0.0, 1.0))
        else:
            expected = np.nan
        on_track = pd.NA if np.isnan(expected) or np.isnan(actual) else bool(actual >= expected - 1e-12)
        rows.append({"target_id": t.id, "metric": t.metric, "metric_zh": ENUM_ZH["target_metric"][t.metric],
                     "region_code": t.region_code, "chain_id": t.chain_id, "target": target, "actual": actual,
                     "share_done": actual / target if target else np.nan, "baseline": base, "deadline": t.deadline,
                     "as_of": day, "expected_by_now": expected, "on_track": on_track, "basis": basis})
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS) if rows else empty(COLUMNS)


def progress_inputs(graph: ChainGraph) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The embedded inputs of :func:`finish_progress`: targets, every ledger row, observations, memberships.

    Raises
    ------
    KeyError
        If the graph lacks a table.

    Example
    -------
    >>> targets, raw, obs, members = progress_inputs(g)  # doctest: +SKIP
    """
    t = graph.tables
    ent = t["enterprises"]
    o = t["observations"]
    obs = pd.DataFrame({"enterprise_id": o[FIRM].to_numpy(), "problem_id": o["problem_id"].to_numpy(),
                        "source": o["source"].to_numpy(), "observed_on": o["observed_on"].to_numpy(),
                        "status": o["status"].to_numpy()})
    ops = t["operates_in"]
    members = pd.DataFrame({"enterprise_id": ent["id"].to_numpy()[ops["_ent"].to_numpy()],
                            "region_code": ent["region_code"].to_numpy()[ops["_ent"].to_numpy()],
                            "chain_id": t["segments"]["chain_id"].to_numpy()[ops["_seg"].to_numpy()]})
    members = members.drop_duplicates().reset_index(drop=True)
    targets = t["targets"] if "targets" in t else empty(TARGET_COLUMNS)
    return targets, ledger_rows(graph, graph.scope()), obs.astype(OBS_COLUMNS), members.astype(MEMBER_COLUMNS)


def progress(graph: ChainGraph, *, as_of: object = None) -> pd.DataFrame:
    """Each target of the action with its actual value on ``as_of``, the share done and whether the pace holds.

    Parameters
    ----------
    graph : ChainGraph
    as_of : date or str, optional
        The day progress is read on (default the data date).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.

    Raises
    ------
    ValueError
        ``as_of`` is not a date.

    Example
    -------
    >>> progress(g, as_of="2024-12-31")[["metric_zh", "target", "actual", "on_track"]]  # doctest: +SKIP
    """
    targets, raw, obs, members = progress_inputs(graph)
    return finish_progress(targets, raw, obs, members, as_of=as_of, data_date=graph.meta.get("data_date"))
