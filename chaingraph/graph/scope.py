"""Scope: a region × chain (× segment) slice of the graph, as a mask over its enterprises.

Example
-------
>>> s = Scope("330502", "kids", None, np.array([True, False, True]), "吴兴区", "童装")
>>> len(s), s.positions.tolist(), s.title
(2, [0, 2], '吴兴区 · 童装')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Scope:
    """A region × chain (× segment) slice of the graph.

    Attributes
    ----------
    region : str or None
        GB/T 2260 code; None means every region.
    chain : str or None
        Chain id; None means every chain.
    segment : str or None
        Segment id; None means every segment of the chain.
    mask : numpy.ndarray
        Boolean mask over ``graph.tables["enterprises"]`` rows.
    region_name, chain_name : str
        Display names (Chinese) for titles.
    """

    region: str | None
    chain: str | None
    segment: str | None
    mask: np.ndarray
    region_name: str = "全部区域"
    chain_name: str = "全部产业链"

    @property
    def positions(self) -> np.ndarray:
        """Row positions of the enterprises in scope."""
        return np.flatnonzero(self.mask)

    def __len__(self) -> int:
        return int(self.mask.sum())

    @property
    def title(self) -> str:
        """Chinese description, e.g. ``湖州市吴兴区 · 童装``."""
        return f"{self.region_name} · {self.chain_name}"
