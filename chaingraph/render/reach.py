"""Leaders' reach (辐射带动) on a chain map: small and micro firms within ``hops`` supply steps.

The same count as ``chaingraph leaders --reach`` (and ``smb_reached`` of ``leaders``):
the firms a designated leader reaches downstream or upstream within ``hops``
supply steps over the map's supply edges, of size class small or micro. It is
computed on the full map before a page is summarised, so a summary's leader
stars still say how many firms they reach.

Example
-------
>>> import pandas as pd
>>> from chaingraph.render.layout import ChainMap
>>> n = pd.DataFrame({"node_id": ["ent:a", "ent:b", "ent:c"], "kind": ["enterprise"] * 3, "label": ["甲", "乙", "丙"],
...                   "size": ["large", "small", "micro"], "is_leader": [True, False, False]})
>>> e = pd.DataFrame({"source": ["ent:a", "ent:b"], "target": ["ent:b", "ent:c"], "type": ["SUPPLIES"] * 2})
>>> add_reach(ChainMap(n, e)).nodes["smb_reach"].tolist()
[2, <NA>, <NA>]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from chaingraph.render.layout import ChainMap, column, flag

REACH_HOPS = 2
"""Supply steps counted, as the default of ``chaingraph leaders --reach``."""

SMB = ("small", "micro")


def add_reach(cm: ChainMap, hops: int = REACH_HOPS) -> ChainMap:
    """Add ``smb_reach``, ``reach_down`` and ``reach_up`` (Int64) to the leader nodes of ``cm``.

    ``reach_down`` / ``reach_up``: firms reached downstream / upstream within
    ``hops`` steps; ``smb_reach``: the small and micro ones among either (the
    leader itself counted when it is small or micro, as ``leaders --reach`` does).
    A map that already has ``smb_reach`` is returned unchanged.

    Raises
    ------
    ValueError
        If ``hops`` < 1.

    Example
    -------
    >>> add_reach(cm).nodes.loc[lambda d: d["is_leader"] == True, "smb_reach"]  # doctest: +SKIP
    """
    if hops < 1:
        raise ValueError("hops must be at least 1")
    n, e = cm.nodes, cm.edges
    if "smb_reach" in n.columns:
        return cm
    ent = (n["kind"].astype("str") == "enterprise").to_numpy()
    lead = ent & flag(n, "is_leader").to_numpy()
    out = n.copy()
    for c in ("smb_reach", "reach_down", "reach_up"):
        out[c] = pd.array([pd.NA] * len(n), dtype="Int64")
    if not lead.any():
        return ChainMap(out, e, cm.meta)
    ids = n["node_id"].astype("str").to_numpy()
    pos = pd.Series(np.arange(len(n)), index=ids)
    sup = e[e["type"].astype("str") == "SUPPLIES"]
    a = pos.reindex(sup["source"].astype("str")).to_numpy()
    b = pos.reindex(sup["target"].astype("str")).to_numpy()
    ok = ~(np.isnan(a) | np.isnan(b))
    m = sparse.csr_matrix((np.ones(int(ok.sum())), (a[ok].astype(np.int64), b[ok].astype(np.int64))),
                          shape=(len(n), len(n)))
    rows = np.flatnonzero(lead)
    smb = ent & column(n, "size").astype("object").isin(SMB).to_numpy()

    def reached(adj: sparse.csr_matrix) -> sparse.csr_matrix:
        step = sparse.csr_matrix((np.ones(len(rows)), (np.arange(len(rows)), rows)), shape=(len(rows), len(n)))
        seen = step.copy()
        for _ in range(hops):
            step = (step @ adj).astype(bool).astype(np.float64)
            seen = (seen + step).astype(bool).astype(np.float64)
        return seen.tocsr()

    down, up = reached(m), reached(m.T.tocsr())
    self_ = sparse.csr_matrix((np.ones(len(rows)), (np.arange(len(rows)), rows)), shape=(len(rows), len(n)))
    either = (down + up).astype(bool)
    out.loc[rows, "reach_down"] = np.asarray((down - self_).astype(bool).sum(axis=1)).ravel()
    out.loc[rows, "reach_up"] = np.asarray((up - self_).astype(bool).sum(axis=1)).ravel()
    out.loc[rows, "smb_reach"] = np.asarray(either.multiply(smb[None, :]).sum(axis=1)).ravel()
    return ChainMap(out, e, cm.meta)
