"""Segment ``order`` and ``stage`` derived from the flows, for classifications that give neither.

A listed-firm classification or a survey's segment list often has the links between segments
(上游 → 下游, with a weight) but no position. :func:`derive_segment_order` places every segment of a chain:

* **order** — a topological order of the chain's own flows (flows to other chains do not move a
  segment); each cycle is broken at its weakest flow (lowest ``weight``; without weights, the flow back to
  the earliest segment), so a cycle never stops the placement; ties keep the order given, else id;
* **stage** — by the segment's depth (longest path from a source of the chain's flow graph):
  depth 0 is upstream, the deepest level downstream, the levels between midstream; a chain whose
  segments have no flows at all keeps its stages unknown (nothing to derive from);
* **cycles** — each cycle once (its segments, in flow order), for one warning per cycle.

Given values are never overwritten: only missing ``order`` / ``stage`` cells are filled, and every
filled cell is flagged so the summary can count it as derived.

Example
-------
>>> import pandas as pd
>>> seg = pd.DataFrame({"id": ["a", "b", "c"], "chain_id": ["x"] * 3,
...                     "stage": [None] * 3, "order": pd.array([None] * 3, dtype="Int64")})
>>> flows = pd.DataFrame({"from_segment": ["a", "b"], "to_segment": ["b", "c"]})
>>> out = derive_segment_order(seg, flows)
>>> out.segments[["id", "order", "stage"]].values.tolist()
[['a', 1, 'upstream'], ['b', 2, 'midstream'], ['c', 3, 'downstream']]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd


@dataclass
class DerivedOrder:
    """What :func:`derive_segment_order` returns.

    Attributes
    ----------
    segments : pandas.DataFrame
        The segments with ``order`` and ``stage`` filled where they were missing (same rows, same order).
    order_derived, stage_derived : numpy.ndarray
        Boolean, per row: this cell was filled here.
    cycles : list of list of str
        Each cycle of the flows once, as its segment ids in flow order, starting from the segment that the
        flow where it was broken pointed back to.
    """

    segments: pd.DataFrame
    order_derived: np.ndarray
    stage_derived: np.ndarray
    cycles: list[list[str]] = field(default_factory=list)


def _place_chain(ids: list[str], given_order: dict[str, float], edges: list[tuple[str, str, float]]):
    g = nx.DiGraph()
    g.add_nodes_from(ids)
    for a, b, w in edges:
        g.add_edge(a, b, weight=w)
    rank = {s: (given_order.get(s, np.inf), s) for s in ids}  # tie-break: the given order, then id
    # break each cycle at its weakest flow (lowest weight; without weights, the flow back to the earliest
    # segment), report the cycle once, from the segment that flow pointed back to
    cycles: list[list[str]] = []
    dag = g.copy()
    while True:
        try:
            loop = nx.find_cycle(dag)
        except nx.NetworkXNoCycle:
            break
        weakest = min(loop, key=lambda e: (dag.edges[e[0], e[1]].get("weight", np.inf), rank[e[1]]))
        dag.remove_edge(weakest[0], weakest[1])
        nodes = [u for u, _ in loop]
        start = nodes.index(weakest[1])
        cycles.append(nodes[start:] + nodes[:start])
    placed = list(nx.lexicographical_topological_sort(dag, key=lambda s: rank[s]))
    depth: dict[str, int] = {}
    for s in placed:
        preds = list(dag.predecessors(s))
        depth[s] = 1 + max(depth[q] for q in preds) if preds else 0
    deepest = max(depth.values()) if depth else 0
    has_flows = g.number_of_edges() > 0
    stage = {}
    for s in ids:
        d = depth[s]
        if not has_flows or (g.degree(s) == 0 and deepest > 0):
            stage[s] = None  # no flow touches it: its position says nothing
        elif d == 0:
            stage[s] = "upstream"
        elif d == deepest:
            stage[s] = "downstream"
        else:
            stage[s] = "midstream"
    return placed, stage, cycles


def derive_segment_order(segments: pd.DataFrame, flows: pd.DataFrame) -> DerivedOrder:
    """Fill missing ``order`` and ``stage`` of segments from the flows between them.

    Parameters
    ----------
    segments : pandas.DataFrame
        Columns ``id``, ``chain_id``, ``order`` (nullable int) and ``stage`` (text or missing).
    flows : pandas.DataFrame
        Columns ``from_segment``, ``to_segment`` (segment ids; rows naming unknown segments are ignored).

    Returns
    -------
    DerivedOrder
        ``order`` is 1-based within each chain, in placement order; only missing cells are filled.

    Raises
    ------
    KeyError
        If ``segments`` lacks one of the four columns or ``flows`` one of its two.

    Example
    -------
    >>> seg = pd.DataFrame({"id": ["a", "b"], "chain_id": ["x", "x"], "stage": [None, None],
    ...                     "order": pd.array([None, None], dtype="Int64")})
    >>> derive_segment_order(seg, pd.DataFrame({"from_segment": ["a", "b"], "to_segment": ["b", "a"]})).cycles
    [['a', 'b']]
    """
    for col in ("id", "chain_id", "order", "stage"):
        segments[col]  # noqa: B018 - KeyError names the missing column
    for col in ("from_segment", "to_segment"):
        flows[col]  # noqa: B018
    seg = segments.copy()
    order_missing = seg["order"].isna().to_numpy()
    stage_missing = seg["stage"].isna().to_numpy()
    n = len(seg)
    if not (order_missing.any() or stage_missing.any()):
        return DerivedOrder(seg, np.zeros(n, bool), np.zeros(n, bool), [])
    chain_of = dict(zip(seg["id"].astype(str), seg["chain_id"].astype(str), strict=True))
    edges: dict[str, list[tuple[str, str, float]]] = {}
    weights = (pd.to_numeric(flows["weight"], errors="coerce") if "weight" in flows
               else pd.Series(np.nan, index=flows.index)).fillna(np.inf)
    for a, b, w in zip(flows["from_segment"].astype(str), flows["to_segment"].astype(str), weights, strict=True):
        ca, cb = chain_of.get(a), chain_of.get(b)
        if ca is not None and ca == cb:
            edges.setdefault(ca, []).append((a, b, float(w)))
    new_order = pd.Series(pd.NA, index=seg.index, dtype="Int64")
    new_stage = pd.Series(None, index=seg.index, dtype=object)
    cycles: list[list[str]] = []
    given = pd.to_numeric(seg["order"], errors="coerce")
    for chain, rows in seg.groupby(seg["chain_id"].astype(str), sort=True).groups.items():
        ids = seg.loc[rows, "id"].astype(str).tolist()
        given_order = {s: float(o) for s, o in zip(ids, given.loc[rows], strict=True) if pd.notna(o)}
        placed, stage, chain_cycles = _place_chain(ids, given_order, edges.get(chain, []))
        cycles.extend(chain_cycles)
        pos = {s: i + 1 for i, s in enumerate(placed)}
        new_order.loc[rows] = [pos[s] for s in ids]
        new_stage.loc[rows] = [stage[s] for s in ids]
    fill_order = order_missing
    fill_stage = stage_missing & new_stage.notna().to_numpy()
    if fill_order.any():
        order = seg["order"].astype("Int64").copy()
        order[fill_order] = new_order[fill_order]
        seg["order"] = order
    if fill_stage.any():
        stage = seg["stage"].astype(object).copy()
        stage[fill_stage] = new_stage[fill_stage]
        seg["stage"] = stage
    return DerivedOrder(seg, fill_order, fill_stage, cycles)


__all__ = ["DerivedOrder", "derive_segment_order"]


def apply_to_tables(accepted: dict[str, pd.DataFrame], references: dict[str, dict[str, np.ndarray]]
                    ) -> tuple[int, int, list[list[str]]]:
    """Fill the accepted segments' missing order / stage from the flows; add FEEDS for chains without any.

    A chain whose segments have an order but no flow gets consecutive flows (upstream → downstream in order),
    as the graph always did, now counted where the analyst sees it: in the validation summary.

    Returns
    -------
    tuple
        (segment rows with a derived order or stage, flow rows derived, the cycles found).

    Raises
    ------
    KeyError
        If the accepted tables lack the model's columns.
    """
    seg = accepted.get("segments")
    flows = accepted.get("segment_flows")
    if seg is None or not len(seg):
        return 0, 0, []
    if flows is None:
        flows = pd.DataFrame({"from_segment": pd.Series([], dtype="str"), "to_segment": pd.Series([], dtype="str"),
                              "weight": pd.Series([], dtype="float64")})
    out = derive_segment_order(seg, flows)
    n_seg = int((out.order_derived | out.stage_derived).sum())
    if n_seg:
        segs = out.segments
        segs["order"] = segs["order"].astype("Int64")
        segs["stage"] = segs["stage"].astype("str")
        accepted["segments"] = segs.astype(seg.dtypes.to_dict())
    seg = accepted["segments"]
    chain_of = seg.set_index("id")["chain_id"]
    covered = set(flows["from_segment"].map(chain_of).dropna())
    todo = seg[~seg["chain_id"].isin(covered)].sort_values(["chain_id", "order", "id"])
    nxt = todo.groupby("chain_id")["id"].shift(-1)
    derived = pd.DataFrame({"from_segment": todo["id"].to_numpy(), "to_segment": nxt.to_numpy()}).dropna()
    if len(derived):
        extra = derived.reindex(columns=flows.columns).astype(flows.dtypes.to_dict())
        accepted["segment_flows"] = pd.concat([flows, extra], ignore_index=True)
        refs = references.get("segment_flows")
        if refs:
            index = pd.Index(seg["id"])
            for col in ("from_segment", "to_segment"):
                if col in refs:
                    refs[col] = np.concatenate([refs[col], index.get_indexer(extra[col]).astype(refs[col].dtype)])
    return n_seg, len(derived), out.cycles
