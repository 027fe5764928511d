"""What a chain map needs beyond its node and edge frames, computed from the graph (no drawing here).

:func:`add_chain_context` puts into ``ChainMap.meta`` the chain names, each chain's own common-problem list
and the flows to chains that are not drawn; the renderer uses them for bands, 【共性】 marks and stubs. The
``map`` command calls it; so should a notebook that wants the same marks.
"""

from __future__ import annotations


def add_chain_context(g, cm, region: str | None, as_of=None) -> None:
    """Add what a map needs beyond its frames: chain names, each chain's own common-problem list (a map of
    several chains marks 【共性】 per band) and the flows to chains not drawn (labelled stubs).

    Parameters
    ----------
    g : ChainGraph
    cm : ChainMap
        From :func:`~chaingraph.queries.chain_map`; its ``meta`` gains ``chain_names``, ``chain_problems``
        and ``outside_flows``.
    region : str or None
    as_of : datetime.date, optional

    Raises
    ------
    ScopeError
        If the region is unknown (from :func:`~chaingraph.queries.common_problems`).

    Example
    -------
    >>> cm = chain_map(g, "吴兴区")  # doctest: +SKIP
    >>> add_chain_context(g, cm, "吴兴区")  # doctest: +SKIP
    """
    chains = g.tables["chains"]
    cm.meta["chain_names"] = dict(zip(chains["id"].astype(str), chains["name"].astype(str), strict=True))
    if cm.meta.get("chain_id"):
        cm.meta["outside_flows"] = _outside_flows(g, cm)
    if cm.meta.get("chain_id") or not (cm.nodes["kind"] == "problem").any():
        return
    from chaingraph.queries import common_problems

    plist = common_problems(g, region, None, as_of=as_of)
    cm.meta["chain_problems"] = plist[["chain_id", "problem_id", "affected", "share", "is_common"]].to_dict("records")


def _outside_flows(g, cm) -> list[dict]:
    """Flows between the map's segments and segments of other chains (drawn as labelled stubs)."""
    seg = g.tables["segments"]
    chains = dict(zip(g.tables["chains"]["id"].astype(str), g.tables["chains"]["name"].astype(str), strict=True))
    chain_of = dict(zip(seg["id"].astype(str), seg["chain_id"].astype(str), strict=True))
    name_of = dict(zip(seg["id"].astype(str), seg["name"].astype(str), strict=True))
    drawn = set(cm.nodes.loc[cm.nodes["kind"] == "segment", "node_id"].astype(str).str.removeprefix("seg:"))
    out = []
    for a, b in zip(g.tables["segment_flows"]["from_segment"].astype(str),
                    g.tables["segment_flows"]["to_segment"].astype(str), strict=True):
        if (a in drawn) == (b in drawn) or chain_of.get(a) == chain_of.get(b):
            continue
        here, there = (a, b) if a in drawn else (b, a)
        out.append({"segment": f"seg:{here}", "direction": "out" if a in drawn else "in",
                    "other": f"{chains.get(chain_of.get(there, ''), '')} · {name_of.get(there, there)}"})
    return out
