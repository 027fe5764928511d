"""The views of a ChainGraph: its enterprises, supply edges and networkx graphs, whole or for a Scope.

:class:`GraphViews` holds these methods of :class:`~chaingraph.graph.ChainGraph` (which mixes it in);
they read only the graph's ``tables``.

Example
-------
>>> G = g.supply_graph(g.scope(region="吴兴区", chain="童装"), hops=1)  # doctest: +SKIP
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from chaingraph.graph.scope import Scope


class GraphViews:
    """Tables and networkx graphs of a :class:`Scope`, mixed into :class:`~chaingraph.graph.ChainGraph`.

    Attributes
    ----------
    tables : dict
        Table name → frame, in canonical order with endpoint positions (set by ``ChainGraph``).
    """

    tables: dict[str, pd.DataFrame]

    # -- views ---------------------------------------------------------------------------
    def enterprises(self, scope: Scope | None = None) -> pd.DataFrame:
        """The enterprises table, restricted to a scope.

        Raises
        ------
        ValueError
            If the scope was made for another graph (mask length differs).

        Example
        -------
        >>> g.enterprises(g.scope(region="吴兴区")).head()  # doctest: +SKIP
        """
        ent = self.tables["enterprises"]
        if scope is None:
            return ent
        if len(scope.mask) != len(ent):
            raise ValueError("scope belongs to another graph")
        return ent.iloc[scope.positions]

    def supply_edges(self, scope: Scope | None = None, *, hops: int = 0) -> pd.DataFrame:
        """Supply edges among the scope's enterprises, or reaching ``hops`` steps beyond it.

        Parameters
        ----------
        scope : Scope, optional
        hops : int
            0: both ends in scope. k > 0: also edges within k supply steps of
            the scope, in either direction.

        Returns
        -------
        pandas.DataFrame
            Rows of ``supplies`` (with ``_src`` / ``_dst`` positions).

        Raises
        ------
        ValueError
            If ``hops`` is negative.

        Example
        -------
        >>> g.supply_edges(s).shape  # doctest: +SKIP
        """
        if hops < 0:
            raise ValueError("hops must be >= 0")
        sup = self.tables["supplies"]
        if scope is None:
            return sup
        src, dst = sup["_src"].to_numpy(), sup["_dst"].to_numpy()
        inside = scope.mask.copy()
        keep = inside[src] & inside[dst]
        for _ in range(hops):
            touch = inside[src] | inside[dst]
            inside = inside.copy()
            inside[src[touch]] = True
            inside[dst[touch]] = True
            keep = inside[src] & inside[dst]
        return sup.iloc[np.flatnonzero(keep)]

    def supply_graph(self, scope: Scope | None = None, *, hops: int = 0) -> nx.DiGraph:
        """A networkx DiGraph of supply edges (supplier → customer) for a scope.

        Nodes are enterprise row positions (ints) with ``id``, ``uscc`` (NA when
        unknown), ``name``, ``size`` attributes; every enterprise of the scope is a node even
        without edges. Parallel edges (several products) are collapsed, with
        ``products`` counting them and ``value`` summed.

        Raises
        ------
        ValueError
            If ``hops`` is negative.

        Example
        -------
        >>> G = g.supply_graph(g.scope(region="吴兴区", chain="童装"))  # doctest: +SKIP
        """
        edges = self.supply_edges(scope, hops=hops)
        agg = (edges.groupby(["_src", "_dst"], sort=False)
               .agg(products=("_src", "size"), value=("value", "sum")).reset_index())
        G = nx.DiGraph()
        ent = self.tables["enterprises"]
        nodes = np.union1d(scope.positions if scope is not None else np.arange(len(ent)),
                           np.union1d(agg["_src"].to_numpy(), agg["_dst"].to_numpy()))
        sub = ent.iloc[nodes]
        credit = sub["uscc"] if "uscc" in sub.columns else pd.Series(pd.NA, index=sub.index, dtype="str")
        G.add_nodes_from(zip(nodes.tolist(), ({"id": i, "uscc": u, "name": n, "size": s} for i, u, n, s in zip(
            sub["id"], credit, sub["name"], sub["size"], strict=True)), strict=True))
        G.add_edges_from(zip(agg["_src"].tolist(), agg["_dst"].tolist(),
                             ({"products": int(p), "value": float(v)} for p, v in zip(
                                 agg["products"], agg["value"], strict=True)), strict=True))
        return G

    def to_networkx(self, scope: Scope | None = None) -> nx.MultiDiGraph:
        """The property graph of a scope as a networkx MultiDiGraph (for small scopes and export).

        Node keys are ``"Label:key"`` strings (``Enterprise:<enterprise id>``); every node
        has a ``label`` attribute and its properties; every edge a ``type``.

        Raises
        ------
        ValueError
            If the scope was made for another graph.

        Example
        -------
        >>> G = g.to_networkx(g.scope(region="吴兴区"))  # doctest: +SKIP
        """
        t = self.tables
        ent = self.enterprises(scope)
        G = nx.MultiDiGraph()

        def add_nodes(label: str, df: pd.DataFrame, key: str) -> None:
            cols = [c for c in df.columns if not c.startswith("_")]
            for rec in df[cols].to_dict(orient="records"):
                G.add_node(f"{label}:{rec[key]}", label=label, **{k: v for k, v in rec.items() if pd.notna(v)})

        add_nodes("Enterprise", ent, "id")
        pos = set(ent.index.tolist())
        ops = t["operates_in"][t["operates_in"]["_ent"].isin(pos)]
        segs = t["segments"][t["segments"]["id"].isin(ops["segment_id"])] if scope is not None else t["segments"]
        chains = t["chains"][t["chains"]["id"].isin(segs["chain_id"])] if scope is not None else t["chains"]
        add_nodes("Segment", segs, "id")
        add_nodes("Chain", chains, "id")
        regs = t["regions"]
        add_nodes("Region", regs, "code")
        for r in regs.dropna(subset=["parent"]).itertuples():
            G.add_edge(f"Region:{r.code}", f"Region:{r.parent}", type="WITHIN")
        for s in segs.itertuples():
            G.add_edge(f"Segment:{s.id}", f"Chain:{s.chain_id}", type="PART_OF")
        flows = t["segment_flows"]
        for f in flows[flows["from_segment"].isin(segs["id"]) & flows["to_segment"].isin(segs["id"])].itertuples():
            G.add_edge(f"Segment:{f.from_segment}", f"Segment:{f.to_segment}", type="FEEDS")
        for e in ent.itertuples():
            G.add_edge(f"Enterprise:{e.id}", f"Region:{e.region_code}", type="LOCATED_IN")
        for o in ops.itertuples():
            G.add_edge(f"Enterprise:{o.enterprise_id}", f"Segment:{o.segment_id}", type="OPERATES_IN")
        sup = t["supplies"][t["supplies"]["_src"].isin(pos) & t["supplies"]["_dst"].isin(pos)]
        for s in sup.itertuples():
            G.add_edge(f"Enterprise:{s.supplier_id}", f"Enterprise:{s.customer_id}", type="SUPPLIES",
                       product=s.product, value=s.value)
        obs = t["observations"][t["observations"]["_ent"].isin(pos)]
        probs = t["problems"][t["problems"]["id"].isin(obs["problem_id"])]
        add_nodes("Problem", probs, "id")
        for o in obs.itertuples():
            G.add_edge(f"Enterprise:{o.enterprise_id}", f"Problem:{o.problem_id}", type="HAS_PROBLEM",
                       severity=o.severity, source=o.source, status=o.status)
        lead = t["leaders"][t["leaders"]["_ent"].isin(pos)]
        for ld in lead.itertuples():
            G.add_edge(f"Enterprise:{ld.enterprise_id}", f"Chain:{ld.chain_id}", type="LEADS", region_code=ld.region_code)
        return G
