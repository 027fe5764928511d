"""Id-keyed building blocks of the shared finishers (the ``finish_*`` functions of the queries).

Each named query is split in two: an engine-specific **input stage** (the embedded graph reads its
tables, Neo4j runs Cypher) that yields small frames keyed by ids — enterprise id, segment id, problem id,
never graph positions — and a pure-pandas **finisher** shared by both engines, so that they give
the same rows. The finishers must not depend on the order of their input rows (a database returns
rows in no order): what the embedded tables imply by their canonical order (``ChainGraph._index``:
nodes by key, segments by chain then flow order) is re-derived here from the ids.

Example
-------
>>> segs = pd.DataFrame({"id": ["b", "a"], "chain_id": ["c", "c"], "name": ["B", "A"],
...                      "stage": ["downstream", "upstream"], "order": [2, 1], "key_link": [True, False]})
>>> members = pd.DataFrame({"enterprise_id": ["x", "x"], "segment_id": ["b", "a"]})
>>> primary_segments(members, segs, "c")["segment_id"].tolist()
['a']
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

MEMBERSHIP_COLUMNS = ("enterprise_id", "segment_id")
"""Columns of a memberships frame: one row per (firm, segment it operates in); duplicates allowed."""


def ordered_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """The segment catalog in the canonical order: chain id, flow ``order``, id (the embedded table order).

    Raises
    ------
    KeyError
        If ``segments`` lacks ``id``, ``chain_id`` or ``order``.

    Example
    -------
    >>> ordered_segments(g.tables["segments"])  # doctest: +SKIP
    """
    return segments.sort_values(["chain_id", "order", "id"], kind="stable").reset_index(drop=True)


def segment_rank(segments: pd.DataFrame) -> pd.Series:
    """Segment id → position in :func:`ordered_segments` (flow order; ties and chains by id).

    Example
    -------
    >>> segment_rank(pd.DataFrame({"id": ["b", "a"], "chain_id": ["c", "c"], "order": [2, 1]})).to_dict()
    {'a': 0, 'b': 1}
    """
    seg = ordered_segments(segments)
    return pd.Series(np.arange(len(seg), dtype=np.int64), index=seg["id"].to_numpy())


def memberships(ids: pd.Series, segment_lists: pd.Series) -> pd.DataFrame:
    """A memberships frame from a column of segment-id lists (one list per firm), duplicates dropped.

    Example
    -------
    >>> memberships(pd.Series(["x", "y"]), pd.Series([["a", "b", "a"], []])).to_dict("list")
    {'enterprise_id': ['x', 'x'], 'segment_id': ['a', 'b']}
    """
    df = pd.DataFrame({"enterprise_id": ids.to_numpy(), "segment_id": segment_lists.to_numpy()})
    df = df.explode("segment_id")
    df = df.dropna(subset=["segment_id"]).drop_duplicates()
    return df.astype({"enterprise_id": "str", "segment_id": "str"}).reset_index(drop=True)


def firm_segments(members: pd.DataFrame, segments: pd.DataFrame, chain: str | None) -> pd.DataFrame:
    """Distinct (firm, segment) pairs within ``chain`` (every chain for None), sorted by firm then flow order.

    Returns
    -------
    pandas.DataFrame
        ``enterprise_id, segment_id, rank`` (``rank``: :func:`segment_rank`) and ``primary`` (the firm's first segment).

    Example
    -------
    >>> firm_segments(members, g.tables["segments"], "childrenswear")  # doctest: +SKIP
    """
    rank = segment_rank(segments)
    if chain is not None:
        ids = segments.loc[segments["chain_id"] == chain, "id"]
        rank = rank[rank.index.isin(ids)]
    seg_ids = members["segment_id"].to_numpy(dtype=object)
    r = pd.Index(rank.index.to_numpy(dtype=object)).get_indexer(seg_ids)
    keep = r >= 0
    # integer codes in enterprise id order: sorting and de-duplicating 10⁵ strings as codes, not as strings
    codes, firms = pd.factorize(members["enterprise_id"].to_numpy(dtype=object)[keep], sort=True)
    rk = rank.to_numpy()[r[keep]]
    order = np.lexsort((rk, codes))
    codes, rk, sid = codes[order], rk[order], seg_ids[keep][order]
    new = np.r_[True, (codes[1:] != codes[:-1]) | (rk[1:] != rk[:-1])] if len(codes) else np.zeros(0, dtype=bool)
    codes, rk, sid = codes[new], rk[new], sid[new]
    return pd.DataFrame({
        "enterprise_id": pd.array(firms[codes], dtype="str"), "segment_id": pd.array(sid, dtype="str"),
        "rank": rk.astype(np.int64),
        "primary": np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.zeros(0, dtype=bool),
    })


def primary_segments(members: pd.DataFrame, segments: pd.DataFrame, chain: str | None) -> pd.DataFrame:
    """Each firm's primary segment: its most upstream one (flow order) within ``chain`` (any chain for None).

    Returns
    -------
    pandas.DataFrame
        Indexed by enterprise id (firms without a segment in ``chain`` are absent): ``rank`` (:func:`segment_rank`),
        ``segment_id``, ``segment`` (name), ``stage``, ``segment_order``, ``key_link`` (bool).

    Raises
    ------
    KeyError
        If ``segments`` lacks a column of the segment table.

    Example
    -------
    >>> primary_segments(members, g.tables["segments"], "childrenswear").loc["91330502…", "segment"]  # doctest: +SKIP
    '印染'
    """
    fs = firm_segments(members, segments, chain)
    first = fs[fs["primary"].to_numpy()]
    seg = ordered_segments(segments).iloc[first["rank"].to_numpy()]
    return pd.DataFrame({
        "rank": first["rank"].to_numpy(),
        "segment_id": seg["id"].to_numpy(),
        "segment": seg["name"].to_numpy(),
        "stage": seg["stage"].to_numpy(),
        "segment_order": seg["order"].to_numpy(),
        "key_link": seg["key_link"].fillna(False).to_numpy(dtype=bool),
    }, index=pd.Index(first["enterprise_id"].to_numpy(), name="enterprise_id"))


def supply_digraph(ids: np.ndarray, edges: pd.DataFrame) -> nx.DiGraph:
    """The supply DiGraph of a scope: node ``i`` is ``ids[i]``, edges supplier → customer with ``products``.

    ``ids`` (enterprise ids) must be sorted (the embedded node order); edges are added in (supplier, customer)
    order, so that both engines build the very same graph (PageRank sums in node order). Edges
    with an end outside ``ids`` are left out.

    Parameters
    ----------
    ids : numpy.ndarray
        The scope's firms, sorted.
    edges : pandas.DataFrame
        ``source``, ``target`` (enterprise ids) and ``products`` (supply relationships between them).

    Example
    -------
    >>> G = supply_digraph(np.array(["a", "b"]), pd.DataFrame({"source": ["a"], "target": ["b"], "products": [2]}))
    >>> list(G.edges(data=True))
    [(0, 1, {'products': 2})]
    """
    pos = pd.Series(np.arange(len(ids)), index=ids)
    src = pos.reindex(edges["source"].to_numpy()).to_numpy()
    dst = pos.reindex(edges["target"].to_numpy()).to_numpy()
    ok = ~(np.isnan(src) | np.isnan(dst)) if len(edges) else np.zeros(0, dtype=bool)
    e = pd.DataFrame({"s": src[ok].astype(np.int64), "t": dst[ok].astype(np.int64),
                      "p": edges["products"].to_numpy()[ok].astype(np.int64)}).sort_values(["s", "t"], kind="stable")
    G = nx.DiGraph()
    G.add_nodes_from(range(len(ids)))
    G.add_edges_from(zip(e["s"].tolist(), e["t"].tolist(), ({"products": p} for p in e["p"].tolist()), strict=True))
    return G
