"""chaingraph — industry-chain quality knowledge graph (产业链质量知识图谱).

Turns the spreadsheets of the quality-certification chain-strengthening action
(质量认证强链行动) into a property graph of enterprises, chain segments, leaders,
quality problems, regions, benchmarks and certification bodies; answers named
queries (the list of common quality problems, chain composition, leaders, weak
links, exposure, benchmark gaps) and draws offline HTML chain maps.

Example
-------
>>> import chaingraph as cg  # doctest: +SKIP
>>> g = cg.open_graph("datasets/wuxing-childrenswear")  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from chaingraph import _compat  # noqa: E402

_compat.install()

from chaingraph.errors import (  # noqa: E402
    BackendError,
    ChainGraphError,
    DatasetError,
    MissingDependency,
    OutputError,
    ScopeError,
    StoreError,
    ValidationFailed,
)
from chaingraph.graph.core import ChainGraph, Scope  # noqa: E402
from chaingraph.graph.store import load, open_graph, save  # noqa: E402
from chaingraph.validate.core import ValidationResult, validate  # noqa: E402

__all__ = [
    "__version__",
    "BackendError",
    "ChainGraph",
    "ChainGraphError",
    "DatasetError",
    "MissingDependency",
    "OutputError",
    "Scope",
    "ScopeError",
    "StoreError",
    "ValidationFailed",
    "ValidationResult",
    "load",
    "open_graph",
    "save",
    "validate",
]
