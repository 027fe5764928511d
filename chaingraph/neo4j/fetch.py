"""The named queries' statements (one ``cypher/queries/<name>.cypher`` file each) and their rows, read
in a transaction and typed into frames; the driver's errors and values made plain.

>>> statement_parameters("MATCH (e:Enterprise) WHERE e.region_code STARTS WITH $region_prefix RETURN e.id")
('region_prefix',)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from chaingraph.errors import BackendError
from chaingraph.neo4j.cypher import load_cypher, split_statements

QUERY_FILES: dict[str, str] = {
    "catalog_chains": "queries/catalog_chains",
    "catalog_segments": "queries/catalog_segments",
    "catalog_problems": "queries/catalog_problems",
    "catalog_benchmarks": "queries/catalog_benchmarks",
    "data_date": "queries/data_date",
    "common_problems": "queries/common_problems",
    "composition": "queries/composition",
    "leaders": "queries/leaders",
    "weak_links": "queries/weak_links",
    "exposure": "queries/exposure",
    "benchmark_gaps": "queries/benchmark_gaps",
    "chain_map": "queries/chain_map",
    "ledger": "queries/ledger",
    "ledger_progress": "queries/ledger_progress",
}
"""Name → ``cypher/`` file (for :func:`~chaingraph.neo4j_backend.load_cypher`) of every statement file used."""

_STATEMENT_COUNTS = {"common_problems": 4, "leaders": 3, "weak_links": 2, "exposure": 3, "benchmark_gaps": 2,
                     "chain_map": 4, "ledger_progress": 3}
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


# ---------------------------------------------------------------------------
# Statements and transactions
# ---------------------------------------------------------------------------

@functools.cache
def statements(name: str) -> tuple[str, ...]:
    """The statements of one query file (see :data:`QUERY_FILES`), comments removed.

    Raises
    ------
    BackendError
        For an unknown name, a missing file, or a file without its expected statements.

    Example
    -------
    >>> len(statements("common_problems"))
    4
    """
    if name not in QUERY_FILES:
        raise BackendError(f"no named Cypher query {name!r}")
    stmts = tuple(split_statements(load_cypher(QUERY_FILES[name])))
    if len(stmts) != _STATEMENT_COUNTS.get(name, 1):
        raise BackendError(f"{QUERY_FILES[name]}.cypher holds {len(stmts)} statement(s), expected "
                           f"{_STATEMENT_COUNTS.get(name, 1)}")
    return stmts


def statement_parameters(query: str) -> tuple[str, ...]:
    """Names of the ``$parameters`` a statement uses, in order of first use.

    Example
    -------
    >>> statement_parameters("MATCH (c:Chain {id: $chain}) WHERE $chain IS NOT NULL RETURN $x")
    ('chain', 'x')
    """
    return tuple(dict.fromkeys(_PARAM_RE.findall(query)))


def _driver_errors() -> tuple[type[BaseException], ...]:
    try:
        import neo4j
    except ImportError:  # pragma: no cover - neo4j is a dependency
        return (OSError,)
    return (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _native(value: Any) -> Any:
    """A driver value as a plain Python value (Neo4j temporal types → ``datetime``, also inside lists)."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    if to_native is not None and type(value).__module__.startswith("neo4j"):
        return to_native()
    return value


class _Rows:
    """Keys and rows of one statement's result."""

    def __init__(self, keys: list[str], rows: list[list[Any]]) -> None:
        self.keys = keys
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        try:
            i = self.keys.index(name)
        except ValueError:
            raise BackendError(f"a Cypher statement returned no column {name!r} (columns: {self.keys})") from None
        return [r[i] for r in self.rows]


def _fetch(tx: Any, query: str, params: Mapping[str, Any]) -> _Rows:
    used = statement_parameters(query)
    missing = [p for p in used if p not in params]
    if missing:
        raise BackendError(f"parameters {missing} missing for a chaingraph Cypher statement")
    result = tx.run(query, {p: params[p] for p in used})
    keys = list(result.keys())
    rows = [[_native(v) for v in record.values()] for record in result]
    return _Rows(keys, rows)


def _typed(rows: _Rows, schema: Mapping[str, str]) -> pd.DataFrame:
    """A frame of the given columns and pandas dtypes (``list``: Python lists, null → []; ``bool``: null →
    False; ``datetime64[s]``: driver dates)."""
    data: dict[str, pd.Series] = {}
    for name, kind in schema.items():
        values = rows.column(name)
        if kind == "list":
            s = pd.Series([list(v) if v is not None else [] for v in values], dtype=object)
        elif kind == "bool":
            s = pd.Series([bool(v) for v in values], dtype=bool)
        elif kind == "datetime64[s]":
            s = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype=kind)
        elif kind in ("float64", "str"):
            s = pd.Series([None if v is None else v for v in values], dtype=object).astype(kind)
        else:
            s = pd.Series(pd.array(values, dtype=kind))
        data[name] = s.reset_index(drop=True)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _query(tx: Any, name: str, i: int, params: Mapping[str, Any], schema: Mapping[str, str]) -> pd.DataFrame:
    """Rows of statement ``i`` of query file ``name`` as a typed frame."""
    return _typed(_fetch(tx, statements(name)[i], params), schema)
