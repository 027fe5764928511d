"""Helpers shared by the named queries: scope resolution, per-firm segment, Chinese labels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chaingraph.graph.core import ChainGraph, Scope
from chaingraph.model import ENUM_ZH


def take(values: pd.Series | np.ndarray, positions: np.ndarray | pd.Series) -> np.ndarray:
    """``values`` at ``positions`` as a numpy array, taking before converting (a million-row text column
    converted to Python objects to pick a few hundred costs a tenth of a second). A scalar position
    gives the scalar value."""
    if isinstance(values, np.ndarray):
        return values[positions]
    if np.ndim(positions) == 0:
        return values.iat[int(positions)]
    return values.take(np.asarray(positions, dtype=np.int64)).to_numpy()


def resolve_scope(graph: ChainGraph, region: str | None, chain: str | None, segment: str | None = None) -> Scope:
    """Scope from user-facing region / chain / segment arguments (codes, ids or names)."""
    return graph.scope(region=region, chain=chain, segment=segment)


def zh(enum: str, values: pd.Series) -> pd.Series:
    """Chinese labels of enum values (NA stays NA)."""
    return values.map(ENUM_ZH[enum]).astype("str")


def size_unknown_zh() -> str:
    """Chinese label of a firm whose size is not known (``规模不详``)."""
    return ENUM_ZH["size"].get("unknown", "规模不详")


def size_zh(values: pd.Series) -> pd.Series:
    """Chinese labels of size classes; a missing size (or ``unknown``) reads ``规模不详``, never a guess.

    Examples
    --------
    >>> size_zh(pd.Series(["micro", None])).tolist()
    ['微型', '规模不详']
    """
    labels = {**ENUM_ZH["size"], "unknown": size_unknown_zh()}
    return values.map(labels).fillna(size_unknown_zh()).astype("str")


def leader_positions(graph: ChainGraph, chain: str | None) -> np.ndarray:
    """Firms designated as leaders of ``chain`` (or of any chain) for a region that contains them.

    A leader is designated per region (DESIGN.md): a firm designated for 330502 is a
    leader for 吴兴区, 湖州市 and 浙江省 scopes, not where it is not located.
    """
    from chaingraph.ingest.regions import load_regions

    lead = graph.tables["leaders"]
    if chain is not None:
        lead = lead[lead["chain_id"] == chain]
    if lead.empty:
        return np.zeros(0, dtype=np.int64)
    firm_region = graph.tables["enterprises"]["_region"].to_numpy()[lead["_ent"].to_numpy()]
    inside = load_regions().covers_pairs(lead["region_code"].to_numpy(), firm_region)
    return np.unique(lead["_ent"].to_numpy()[inside])


def designated_leaders(graph: ChainGraph, scope: Scope) -> np.ndarray:
    """Designated leaders of the scope's chain (see :func:`leader_positions`) among the scope's firms."""
    pos = leader_positions(graph, scope.chain)
    return pos[scope.mask[pos]]


def certified_mask(graph: ChainGraph) -> np.ndarray:
    """Firms holding a certificate valid on the data date (no expiry, or not yet expired), or flagged
    ``qms_certified``. Expired certificates do not count."""
    ent = graph.tables["enterprises"]
    cert = graph.tables["certifications"]
    as_of = pd.Timestamp(graph.meta.get("data_date") or pd.Timestamp.now().normalize())
    valid = (cert["expires"].isna() | (cert["expires"] >= as_of)).to_numpy(dtype=bool)
    mask = np.zeros(len(ent), dtype=bool)
    mask[cert["_ent"].to_numpy()[valid]] = True
    return mask | ent["qms_certified"].fillna(False).to_numpy(dtype=bool)


def wilson_lower(k: np.ndarray, n: np.ndarray | int, z: float = 1.959964) -> np.ndarray:
    """Wilson score lower bound of a binomial proportion k/n (0 where n == 0).

    Examples
    --------
    >>> round(float(wilson_lower(np.array([3]), 10)[0]), 4)
    0.1078
    """
    k = np.asarray(k, dtype=float)
    n = np.broadcast_to(np.asarray(n, dtype=float), k.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1 + z * z / n
        centre = p + z * z / (2 * n)
        margin = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        out = (centre - margin) / den
    return np.where(n > 0, np.clip(out, 0.0, 1.0), 0.0)


def empty(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with typed columns."""
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
