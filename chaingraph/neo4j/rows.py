"""The rows sent to Neo4j: table columns as plain Python values (``None`` for missing), dtype checks,
and the :class:`LoadStep` of each label and relationship type, turning its rows into batch parameters.

>>> import pandas as pd
>>> column_values(pd.DataFrame({"order": pd.array([2, None], dtype="Int64")}), "segments", "order")
[2, None]
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chaingraph import model
from chaingraph.errors import BackendError
from chaingraph.neo4j.schema import MERGE_KEY, NodeSpec, RelSpec, node_specs, rel_specs

# ---------------------------------------------------------------------------
# Rows: pandas -> plain Python values
# ---------------------------------------------------------------------------

def _as_date(v: object) -> dt.date:
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v).date()
    raise TypeError(f"not a date: {v!r}")


def _as_int(v: object) -> int:
    if isinstance(v, bool | np.bool_):
        raise TypeError(f"not an integer: {v!r}")
    if isinstance(v, float | np.floating):
        if not float(v).is_integer():
            raise TypeError(f"not an integer: {v!r}")
    return int(v)  # type: ignore[call-overload]


def _as_float(v: object) -> float:
    if isinstance(v, bool | np.bool_):
        raise TypeError(f"not a number: {v!r}")
    return float(v)  # type: ignore[arg-type]


def _as_bool(v: object) -> bool:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    raise TypeError(f"not a boolean: {v!r}")


def _as_str(v: object) -> str:
    if isinstance(v, str):
        return v
    raise TypeError(f"not a string: {v!r}")


_CONVERT: dict[str, Callable[[object], object]] = {
    "date": _as_date, "int": _as_int, "float": _as_float, "money": _as_float, "bool": _as_bool,
}


def column_values(frame: pd.DataFrame, table: str, column: str) -> list[object]:
    """The values of one column as plain Python objects, ``None`` for missing.

    ``date`` → :class:`datetime.date` (the driver sends a Neo4j ``Date``), ``int`` →
    ``int``, ``float``/``money`` → ``float``, ``bool`` → ``bool``, the rest → ``str``.
    A column the table does not have gives all ``None``.

    Raises
    ------
    BackendError
        If a value is not of the field's type (the graph broke its contract).
    """
    if column not in frame.columns:
        return [None] * len(frame)
    ftype = model.TABLES[table].field(column).type if column in model.TABLES[table].columns else "text"
    convert = _CONVERT.get(ftype, _as_str)
    series = frame[column]
    missing = series.isna().to_numpy()
    out: list[object] = []
    for value, na in zip(series.astype(object).tolist(), missing, strict=True):
        if na:
            out.append(None)
            continue
        try:
            value = convert(value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise BackendError(f"table {table}, column {column}: {exc}") from None
        if isinstance(value, float) and math.isnan(value):
            value = None
        out.append(value)
    return out


def _merge_key(values: tuple[object, ...]) -> str:
    return json.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in values],
                      ensure_ascii=False, separators=(",", ":"))


_DTYPE_OK: dict[str, Callable[[pd.Series], bool]] = {
    "date": lambda s: s.dtype.kind == "M",
    "int": lambda s: pd.api.types.is_integer_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype),
    "float": lambda s: s.dtype.kind in "fiu" or pd.api.types.is_integer_dtype(s.dtype)
    or pd.api.types.is_float_dtype(s.dtype),
    "bool": lambda s: pd.api.types.is_bool_dtype(s.dtype),
}
_DTYPE_OK["money"] = _DTYPE_OK["float"]


def check_dtypes(frame: pd.DataFrame, table: str, columns: tuple[str, ...]) -> None:
    """Refuse a column whose dtype cannot hold its field's type (object columns are checked value by value).

    Raises
    ------
    BackendError
        Naming the table, column, field type and dtype.
    """
    for column in columns:
        if column not in frame.columns:
            continue
        series = frame[column]
        if series.dtype == object or series.isna().all():
            continue
        ftype = model.TABLES[table].field(column).type if column in model.TABLES[table].columns else "text"
        ok = _DTYPE_OK.get(ftype, lambda s: pd.api.types.is_string_dtype(s.dtype))(series)
        if not ok:
            raise BackendError(f"table {table}, column {column}: dtype {series.dtype} cannot hold {ftype} values")


def _table(graph: Any, name: str) -> pd.DataFrame:
    tables = getattr(graph, "tables", None)
    if not isinstance(tables, Mapping):
        raise BackendError("push needs a ChainGraph (an object with a .tables dict of frames)")
    frame = tables.get(name)
    if frame is None:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in model.TABLES[name].columns})
    if not isinstance(frame, pd.DataFrame):
        raise BackendError(f"table {name} is not a pandas DataFrame")
    return frame


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


@dataclass
class LoadStep:
    """One label or relationship type to load: the rows to send and how to turn them into parameters.

    ``frame`` holds the source rows (folded relationships: only those with a foreign
    key); rows become parameters a batch at a time (:meth:`rows`), so memory stays at
    one batch whatever the size of the graph.
    """

    kind: str  # "node" or "relationship"
    name: str  # label or relationship type
    table: str
    statement_file: str
    frame: pd.DataFrame
    expected: int  # distinct identities among the rows (what the database should hold)
    spec: NodeSpec | RelSpec

    def __len__(self) -> int:
        return len(self.frame)

    def rows(self, start: int = 0, stop: int | None = None) -> list[dict[str, object]]:
        """Parameters for rows ``start:stop``: plain Python values, ``None`` for missing."""
        part = self.frame.iloc[start:stop]
        if isinstance(self.spec, NodeSpec):
            return _node_params(part, self.spec)
        return _rel_params(part, self.spec)


def _node_params(frame: pd.DataFrame, spec: NodeSpec) -> list[dict[str, object]]:
    keys = column_values(frame, spec.table, spec.key)
    cols = [column_values(frame, spec.table, p) for p in spec.properties]
    names = spec.properties
    return [{"key": k, "props": dict(zip(names, vals, strict=True))} for k, *vals in zip(keys, *cols, strict=True)]


def _rel_params(frame: pd.DataFrame, spec: RelSpec) -> list[dict[str, object]]:
    src = column_values(frame, spec.table, spec.source_column)
    dst = column_values(frame, spec.table, spec.target_column)
    ident = [column_values(frame, spec.table, c) for c in spec.identity]
    props = [column_values(frame, spec.table, p) for p in spec.properties]
    rows: list[dict[str, object]] = []
    for i, (s, d) in enumerate(zip(src, dst, strict=True)):
        row: dict[str, object] = {"src": s, "dst": d}
        if spec.identity:
            row[MERGE_KEY] = _merge_key(tuple(col[i] for col in ident))
        if spec.properties:
            row["props"] = {n: col[i] for n, col in zip(spec.properties, props, strict=True)}
        rows.append(row)
    return rows


def node_step(graph: Any, spec: NodeSpec) -> LoadStep:
    """The :class:`LoadStep` of one node label; a row without its key raises :class:`BackendError`."""
    frame = _table(graph, spec.table)
    check_dtypes(frame, spec.table, (spec.key, *spec.properties))
    keys = _column(frame, spec.key)
    missing = np.flatnonzero(keys.isna().to_numpy())
    if len(missing):
        raise BackendError(f"table {spec.table}: {len(missing)} row(s) without {spec.key} "
                           f"(first at position {missing[0]}); nothing was loaded")
    return LoadStep("node", spec.label, spec.table, spec.file, frame, int(keys.nunique()), spec)


def rel_step(graph: Any, spec: RelSpec) -> LoadStep:
    """The :class:`LoadStep` of one relationship type.

    Folded types keep only the rows whose foreign key is present (no key, no edge); a
    row of a relationship table without an endpoint raises :class:`BackendError`.
    """
    frame = _table(graph, spec.table)
    ends = (spec.source_column, spec.target_column)
    check_dtypes(frame, spec.table, (*ends, *spec.identity, *spec.properties))
    src, dst = _column(frame, spec.source_column), _column(frame, spec.target_column)
    absent = (src.isna() | dst.isna()).to_numpy()
    if spec.folded:
        frame = frame[~absent]
    elif absent.any():
        first = int(np.flatnonzero(absent)[0])
        raise BackendError(f"table {spec.table}: {int(absent.sum())} row(s) without {spec.source_column} or "
                           f"{spec.target_column} (first at position {first}); nothing was loaded")
    ident = pd.DataFrame({c: _column(frame, c) for c in (*ends, *spec.identity)})
    expected = len(ident.drop_duplicates()) if len(ident) else 0
    return LoadStep("relationship", spec.rel_type, spec.table, spec.file, frame, expected, spec)


def node_rows(graph: Any, spec: NodeSpec) -> list[dict[str, object]]:
    """All parameters rows of one node label: ``[{"key": ..., "props": {...}}, ...]``."""
    return node_step(graph, spec).rows()


def rel_rows(graph: Any, spec: RelSpec) -> list[dict[str, object]]:
    """All parameter rows of one relationship type: ``[{"src", "dst", ["merge_key"], ["props"]}, ...]``."""
    return rel_step(graph, spec).rows()


def plan(graph: Any) -> list[LoadStep]:
    """Everything :func:`push` will send, nodes first (load order), then relationships.

    Checks keys, endpoints and dtypes of every table before anything is written.
    """
    return [node_step(graph, n) for n in node_specs()] + [rel_step(graph, r) for r in rel_specs()]
