"""Chain and segment names resolved to ids, shared by the embedded graph and the Neo4j engine.

Example
-------
>>> match_chain(pd.DataFrame({"id": ["kids"], "name": ["童装"]}), "kids")
'kids'
"""

from __future__ import annotations

import pandas as pd

from chaingraph.errors import ScopeError


def match_chain(chains: pd.DataFrame, chain: str) -> str:
    """Chain id from an id or a name: exact id, exact name, then a name containing it.

    Shared by the embedded graph and the Neo4j engine (which passes its chain catalog).

    Raises
    ------
    ScopeError
        No chain, or several, match; the message lists the known chains or the candidates.

    Example
    -------
    >>> match_chain(pd.DataFrame({"id": ["kids"], "name": ["童装"]}), "童装")
    'kids'
    """
    key = str(chain).strip()
    hit = chains.loc[chains["id"] == key, "id"]
    if not len(hit):
        hit = chains.loc[chains["name"] == key, "id"]
    if not len(hit):
        hit = chains.loc[chains["name"].str.contains(key, regex=False, na=False), "id"]
    if len(hit) == 1:
        return str(hit.iloc[0])
    known = ", ".join(f"{i} ({n})" for i, n in zip(chains["id"], chains["name"], strict=True)) or "none"
    if len(hit) > 1:
        raise ScopeError(f"chain '{chain}' is ambiguous: {', '.join(hit)}")
    raise ScopeError(f"unknown chain '{chain}'; known chains: {known}")


def match_segment(segments: pd.DataFrame, segment: str, chain: str | None = None) -> str:
    """Segment id from an id or an exact name, optionally within a chain (shared by both engines).

    Raises
    ------
    ScopeError
        No segment, or several, match.

    Example
    -------
    >>> match_segment(pd.DataFrame({"id": ["dye"], "name": ["印染"], "chain_id": ["kids"]}), "印染")
    'dye'
    """
    seg = segments if chain is None else segments[segments["chain_id"] == chain]
    key = str(segment).strip()
    hit = seg.loc[(seg["id"] == key) | (seg["name"] == key), "id"]
    if len(hit) == 1:
        return str(hit.iloc[0])
    if len(hit) > 1:
        raise ScopeError(f"segment '{segment}' is ambiguous: {', '.join(hit)}; give the chain or the id")
    raise ScopeError(f"unknown segment '{segment}'; known: " + ", ".join(f"{i} ({n})" for i, n in zip(
        seg["id"], seg["name"], strict=True)))
