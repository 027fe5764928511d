"""Neo4j backend: load a :class:`~chaingraph.graph.ChainGraph` into Neo4j, idempotently.

The same data model as the embedded engine (:mod:`chaingraph.model`), stored as a
Neo4j property graph:

* one node label per node table, keyed by the model's key (``Enterprise.uscc``,
  ``Region.code``, ``id`` for the others), with a uniqueness constraint on it;
* one relationship type per relationship table, plus the relationships folded into
  foreign-key columns (``PART_OF`` from ``segments.chain_id``, ``LOCATED_IN`` from
  ``enterprises.region_code``, ``WITHIN`` from ``regions.parent``).

Loading (:func:`push`) runs ``cypher/schema/constraints.cypher`` first, then one
``UNWIND $rows AS row MERGE ...`` statement per node label and per relationship
type (``cypher/load/nodes/*.cypher``, ``cypher/load/rels/*.cypher``), in batches,
each batch one managed write transaction (the driver retries transient failures).
Every statement is idempotent, so a load that failed half-way is resumed by running
:func:`push` again. Afterwards the node count of every label and the relationship
count of every type are read back and compared with the rows sent.

Decisions worth knowing
-----------------------
* **Missing values.** A missing (NA) property is sent as ``null`` in ``row.props``;
  ``SET n += row.props`` removes a property set to null, so re-loading corrected data
  never leaves a stale value behind. Nodes and relationships never store nulls.
* **Relationship identity.** A relationship is identified by its endpoints plus the
  rest of its table key (``product`` for ``SUPPLIES``; ``source`` and ``observed_on``
  for ``HAS_PROBLEM`` …). Several of those columns are optional, and Neo4j refuses to
  ``MERGE`` on a null property value, so the identity is one property ``merge_key``:
  the JSON list of those key values (``["felt"]``, ``["survey","2024-03-01"]``,
  ``[null]``). The key columns are also stored as ordinary properties; queries use
  those and ignore ``merge_key``. Types keyed by their endpoints alone (``FEEDS``,
  ``OPERATES_IN``, ``WITHIN``, ``PART_OF``, ``LOCATED_IN``) have no ``merge_key``.
* **Foreign keys kept as properties.** ``Enterprise.region_code`` and
  ``Segment.chain_id`` are stored as properties as well as edges, and indexed: region
  scopes are code prefixes (330000 covers 3305xx and 330502), so
  ``e.region_code STARTS WITH $prefix`` is one index range seek, with no traversal of
  ``LOCATED_IN``/``WITHIN``. The enterprise sheet's ``segment_id`` shortcut is *not*
  stored: it is folded into ``OPERATES_IN``.
* **Labels, types and property keys** come from the model only: every label or type
  put into Cypher text goes through :func:`safe_label` / :func:`safe_rel_type`, every
  property key through :func:`safe_property`; values are only ever parameters.
* **Counts.** ``found`` counts the whole database, so a database that already holds
  other chaingraph data fails the check; load into an empty (or dedicated) database,
  or pass ``clear=True`` to delete the model's nodes first.

Example
-------
>>> from chaingraph.neo4j_backend import connect, push  # doctest: +SKIP
>>> driver = connect()  # NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD  # doctest: +SKIP
>>> report = push(graph, driver, batch_size=5000)  # doctest: +SKIP
>>> report[["kind", "name", "expected", "found", "ok"]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import logging
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from chaingraph import model
from chaingraph.errors import BackendError, MissingDependency

log = logging.getLogger(__name__)

CYPHER_PACKAGE = "chaingraph.cypher"
"""Package holding the ``.cypher`` files (the repository's ``cypher/`` folder)."""

CONSTRAINTS_FILE = "schema/constraints"
MERGE_KEY = "merge_key"
"""Relationship property holding the identity beyond the endpoints (see the module doc)."""

URI_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_USER = "neo4j"

REPORT_COLUMNS = ["kind", "name", "table", "rows", "expected", "found", "ok"]
"""Columns of the frame :func:`push` returns: one row per label / relationship type."""

_NAME_RE = re.compile(r"^[a-z_/]+$")
_IDENT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

# Relationship folded into a column of a node table that the model does not list in
# FOLDED_RELS: WITHIN comes from regions.parent, which ChainGraph derives from the code.
_EXTRA_FOLDED: dict[str, tuple[str, str, str]] = {"WITHIN": ("regions", "code", "parent")}
# Node-table columns that are not stored as node properties (folded elsewhere).
_NOT_NODE_PROPERTIES: dict[str, frozenset[str]] = {"Enterprise": frozenset({"segment_id"})}


# ---------------------------------------------------------------------------
# Guards: the only way a label, type or property key reaches Cypher text.
# ---------------------------------------------------------------------------

def safe_label(label: object) -> str:
    """Return ``label`` if it is a node label of the model, else raise.

    Raises
    ------
    BackendError
        For anything not in :data:`chaingraph.model.NODE_LABELS` (including strings
        with spaces, backticks, parentheses or comments).

    Examples
    --------
    >>> safe_label("Enterprise")
    'Enterprise'
    >>> safe_label("Enterprise) DETACH DELETE n //")
    Traceback (most recent call last):
    ...
    chaingraph.errors.BackendError: not a node label of the chaingraph model: 'Enterprise) DETACH DELETE n //'
    """
    if isinstance(label, str) and label in model.NODE_LABELS and _IDENT_RE.fullmatch(label):
        return label
    raise BackendError(f"not a node label of the chaingraph model: {label!r}")


def safe_rel_type(rel_type: object) -> str:
    """Return ``rel_type`` if it is a relationship type of the model, else raise :class:`BackendError`.

    >>> safe_rel_type("SUPPLIES")
    'SUPPLIES'
    """
    if isinstance(rel_type, str) and rel_type in model.REL_TYPES and _IDENT_RE.fullmatch(rel_type):
        return rel_type
    raise BackendError(f"not a relationship type of the chaingraph model: {rel_type!r}")


def property_keys() -> tuple[str, ...]:
    """Every property key the backend may write: the model's field names plus ``merge_key``, sorted."""
    names = {f.name for t in model.TABLES.values() for f in t.fields} | {MERGE_KEY}
    return tuple(sorted(names))


def safe_property(name: object, table: str | None = None) -> str:
    """Return ``name`` if it is a field of the model (of ``table`` when given), else raise.

    Raises
    ------
    BackendError
        For a key that is not a model field name (or ``merge_key``).
    """
    allowed = ({f.name for f in model.TABLES[table].fields} | {MERGE_KEY}) if table else set(property_keys())
    if isinstance(name, str) and name in allowed and _IDENT_RE.fullmatch(name):
        return name
    where = f" of table {table!r}" if table else ""
    raise BackendError(f"not a property key{where} in the chaingraph model: {name!r}")


# ---------------------------------------------------------------------------
# Cypher files
# ---------------------------------------------------------------------------

def _cypher_root() -> Any:
    try:
        return importlib.resources.files(CYPHER_PACKAGE)
    except ModuleNotFoundError:
        # Running from a source tree that is not installed: `chaingraph.cypher` is the
        # repository's cypher/ folder (mapped by pyproject's package-dir on install).
        root = Path(__file__).resolve().parents[2] / "cypher"
        if (root / "__init__.py").is_file():
            return root
        raise BackendError("the Cypher files (package chaingraph.cypher) are not installed") from None


def load_cypher(name: str) -> str:
    """Return the text of ``cypher/<name>.cypher``.

    Parameters
    ----------
    name : str
        Path below ``cypher/`` without the extension, e.g. ``"load/nodes/enterprise"``;
        only ``a-z``, ``_`` and ``/`` are accepted (no dots, no absolute paths).

    Raises
    ------
    BackendError
        If the name is not of that form or no such file exists.

    Example
    -------
    >>> load_cypher("load/nodes/chain").splitlines()[-3]
    'UNWIND $rows AS row'
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or any(p == "" for p in name.split("/")):
        raise BackendError(f"not a Cypher file name (a-z, '_' and '/' only): {name!r}")
    *folders, last = name.split("/")
    resource = _cypher_root()
    for part in folders:
        resource = resource.joinpath(part)
    resource = resource.joinpath(last + ".cypher")
    if not resource.is_file():
        raise BackendError(f"no Cypher file {name}.cypher in {CYPHER_PACKAGE}")
    return resource.read_text(encoding="utf-8")


def split_statements(text: str) -> list[str]:
    """Split a ``.cypher`` file into statements.

    Whole-line ``//`` comments are dropped; statements are separated by a ``;`` at the
    end of a line (chaingraph's files never put a ``;`` inside a string).

    >>> split_statements("// c\\nRETURN 1;\\nRETURN 2\\n")
    ['RETURN 1', 'RETURN 2']
    """
    lines = [ln.rstrip() for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    out: list[str] = []
    current: list[str] = []
    for ln in lines:
        if ln.endswith(";"):
            current.append(ln[:-1].rstrip())
            out.append("\n".join(current).strip())
            current = []
        else:
            current.append(ln)
    out.append("\n".join(current).strip())
    return [s for s in out if s]


def declared_parameters(text: str) -> tuple[str, ...]:
    """Parameters a ``.cypher`` file declares in a ``// parameters: a, b`` comment line."""
    for ln in text.splitlines():
        m = re.match(r"^\s*//\s*parameters:\s*(.*)$", ln)
        if m:
            return tuple(p.strip().lstrip("$") for p in m.group(1).split(",") if p.strip())
    return ()


# ---------------------------------------------------------------------------
# What is loaded: specs derived from the model
# ---------------------------------------------------------------------------

def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class NodeSpec:
    """How one node label is loaded."""

    label: str
    table: str
    key: str
    properties: tuple[str, ...]

    @property
    def file(self) -> str:
        return f"load/nodes/{_snake(self.label)}"


@dataclass(frozen=True)
class RelSpec:
    """How one relationship type is loaded (from its own table or from a foreign-key column)."""

    rel_type: str
    table: str
    source_column: str
    source_label: str
    target_column: str
    target_label: str
    identity: tuple[str, ...]  # key columns beyond the endpoints -> merge_key
    properties: tuple[str, ...]
    folded: bool = False

    @property
    def file(self) -> str:
        return f"load/rels/{self.rel_type.lower()}"


def _node_key(label: str) -> str:
    return model.TABLES[model.NODE_TABLE[label]].key[0]


def node_specs() -> tuple[NodeSpec, ...]:
    """One :class:`NodeSpec` per label of :data:`chaingraph.model.NODE_LABELS`, in load order."""
    out = []
    for label in model.NODE_LABELS:
        table = model.TABLES[model.NODE_TABLE[safe_label(label)]]
        key = table.key[0]
        skip = _NOT_NODE_PROPERTIES.get(label, frozenset()) | {key}
        props = tuple(safe_property(f.name, table.name) for f in table.fields if f.name not in skip)
        out.append(NodeSpec(label, table.name, safe_property(key, table.name), props))
    order = {name: i for i, name in enumerate(model.LOAD_ORDER)}
    return tuple(sorted(out, key=lambda s: order.get(s.table, len(order))))


def _fk_label(table: model.Table, column: str) -> str:
    for fk in table.foreign_keys:
        if fk.columns == (column,):
            return "Region" if fk.target == "@regions" else model.TABLES[fk.target].label
    raise BackendError(f"no foreign key on {table.name}.{column} in the model")


def rel_specs() -> tuple[RelSpec, ...]:
    """One :class:`RelSpec` per type of :data:`chaingraph.model.REL_TYPES`, in load order."""
    folded = {**_EXTRA_FOLDED, **model.FOLDED_RELS}
    out = []
    for rel_type in model.REL_TYPES:
        safe_rel_type(rel_type)
        if rel_type in model.REL_TABLE:
            t = model.TABLES[model.REL_TABLE[rel_type]]
            (src, src_label), (dst, dst_label) = t.source, t.target
            ends = {src, dst}
            identity = tuple(safe_property(c, t.name) for c in t.key if c not in ends)
            props = tuple(safe_property(f.name, t.name) for f in t.fields if f.name not in ends)
            out.append(RelSpec(rel_type, t.name, src, safe_label(src_label), dst, safe_label(dst_label),
                               identity, props))
        elif rel_type in folded:
            table, src, dst = folded[rel_type]
            t = model.TABLES[table]
            dst_label = "Region" if rel_type == "WITHIN" else _fk_label(t, dst)
            out.append(RelSpec(rel_type, table, src, safe_label(t.label), dst, safe_label(dst_label), (), (),
                               folded=True))
        else:
            raise BackendError(f"relationship type {rel_type} has no table nor foreign-key column in the model")
    order = {name: i for i, name in enumerate(model.LOAD_ORDER)}
    return tuple(sorted(out, key=lambda s: (order.get(s.table, len(order)), s.folded is False)))


def graph_schema() -> list[dict[str, str]]:
    """``[{"from": label, "to": label, "relType": type}, ...]`` for every relationship type."""
    return [{"from": s.source_label, "to": s.target_label, "relType": s.rel_type} for s in rel_specs()]


# ---------------------------------------------------------------------------
# Rendering the load statements (the committed cypher/load/ files are this output)
# ---------------------------------------------------------------------------

_HEADER = ("// Generated from chaingraph/model.py by chaingraph.neo4j_backend.render_load_cypher();\n"
           "// edit the model or the renderer, not this file (tests/test_neo4j_load.py checks they agree).\n")


def node_statement(spec: NodeSpec) -> str:
    """The ``UNWIND … MERGE`` statement loading one node label (no comments)."""
    label, key = safe_label(spec.label), safe_property(spec.key, spec.table)
    lines = ["UNWIND $rows AS row", f"MERGE (n:{label} {{{key}: row.key}})"]
    if spec.properties:
        lines.append("SET n += row.props")
    return "\n".join(lines)


def rel_statement(spec: RelSpec) -> str:
    """The ``UNWIND … MATCH … MERGE`` statement loading one relationship type (no comments).

    Endpoints are matched with ``WHERE`` rather than an inline map: the same plan (a
    unique-index seek), and Neo4j's linter does not mistake ``row.src`` for a property
    key of the node.
    """
    rel_type = safe_rel_type(spec.rel_type)
    a, b = safe_label(spec.source_label), safe_label(spec.target_label)
    ka, kb = safe_property(_node_key(a)), safe_property(_node_key(b))
    identity = f" {{{MERGE_KEY}: row.{MERGE_KEY}}}" if spec.identity else ""
    var = "r" if spec.identity or spec.properties else ""
    lines = [
        "UNWIND $rows AS row",
        f"MATCH (a:{a}) WHERE a.{ka} = row.src",
        f"MATCH (b:{b}) WHERE b.{kb} = row.dst",
        f"MERGE (a)-[{var}:{rel_type}{identity}]->(b)",
    ]
    if spec.properties:
        lines.append("SET r += row.props")
    return "\n".join(lines)


def render_load_cypher() -> dict[str, str]:
    """File name (as for :func:`load_cypher`) → text of every ``cypher/load/`` file."""
    out = {}
    for n in node_specs():
        out[n.file] = (f"{_HEADER}// Node :{n.label} from table {n.table}, keyed by {n.key}.\n"
                       f"// parameters: rows\n"
                       f"// row = {{key: <{n.key}>, props: {{{', '.join(n.properties)}}}}}\n"
                       f"{node_statement(n)}\n")
    for r in rel_specs():
        source = f"column {r.table}.{r.target_column}" if r.folded else f"table {r.table}"
        row = "src, dst" + (f", {MERGE_KEY}: <json of [{', '.join(r.identity)}]>" if r.identity else "")
        if r.properties:
            row += f", props: {{{', '.join(r.properties)}}}"
        out[r.file] = (f"{_HEADER}// (:{r.source_label})-[:{r.rel_type}]->(:{r.target_label}) from {source}.\n"
                       f"// parameters: rows\n"
                       f"// row = {{{row}}}\n"
                       f"{rel_statement(r)}\n")
    return out


def write_load_cypher(root: str | Path) -> list[Path]:
    """Write :func:`render_load_cypher` under ``root`` (the repository's ``cypher/`` folder)."""
    written = []
    for name, text in render_load_cypher().items():
        path = Path(root) / f"{name}.cypher"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def count_statement(kind: str, name: str) -> str:
    """``MATCH … RETURN count(…) AS count`` for a node label or relationship type (from the count store)."""
    if kind == "node":
        return f"MATCH (n:{safe_label(name)}) RETURN count(n) AS count"
    if kind == "relationship":
        return f"MATCH ()-[r:{safe_rel_type(name)}]->() RETURN count(r) AS count"
    raise BackendError(f"unknown kind {kind!r}")


def clear_statement(label: str) -> str:
    """Delete up to ``$limit`` nodes of one label with their relationships; returns ``deleted``."""
    return f"MATCH (n:{safe_label(label)})\nWITH n LIMIT $limit\nDETACH DELETE n\nRETURN count(*) AS deleted"


def dynamic_statements() -> list[tuple[str, str, dict[str, object]]]:
    """Every statement built in Python (counts, clearing), as ``(name, text, parameters)``, for linting."""
    out: list[tuple[str, str, dict[str, object]]] = []
    for label in model.NODE_LABELS:
        out.append((f"count node {label}", count_statement("node", label), {}))
        out.append((f"clear {label}", clear_statement(label), {"limit": 1}))
    for rel_type in model.REL_TYPES:
        out.append((f"count relationship {rel_type}", count_statement("relationship", rel_type), {}))
    return out


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


# ---------------------------------------------------------------------------
# Connecting
# ---------------------------------------------------------------------------

def _driver_module() -> Any:
    try:
        import neo4j
    except ImportError:  # pragma: no cover - neo4j is a dependency
        raise MissingDependency("the Neo4j backend needs the neo4j driver: pip install neo4j") from None
    return neo4j


def _redact(text: str, *secrets: str | None) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


def _public_uri(uri: str) -> str:
    """``uri`` without any user:password@ part."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<invalid URI>"
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def connect(uri: str | None = None, user: str | None = None, password: str | None = None,
            **config: Any) -> Any:
    """Open a ``neo4j.Driver`` and check that the server answers.

    Parameters
    ----------
    uri : str, optional
        ``neo4j://``, ``neo4j+s://`` (TLS, e.g. Aura), ``neo4j+ssc://``, ``bolt://``,
        ``bolt+s://`` or ``bolt+ssc://``; default ``$NEO4J_URI``, else
        ``neo4j://localhost:7687``.
    user : str, optional
        Default ``$NEO4J_USERNAME``, else ``neo4j``.
    password : str, optional
        Default ``$NEO4J_PASSWORD``; with no password at all the driver connects
        without authentication. Never printed, logged or put into an error message.
    **config
        Passed to ``neo4j.GraphDatabase.driver`` (e.g. ``connection_timeout``).

    Returns
    -------
    neo4j.Driver
        The caller closes it (``with connect() as driver: ...``).

    Raises
    ------
    BackendError
        One line: bad URI, server unreachable, or credentials refused.
    MissingDependency
        If the ``neo4j`` package is not installed.
    """
    neo4j = _driver_module()
    uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
    user = user if user is not None else (os.environ.get("NEO4J_USERNAME") or DEFAULT_USER)
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
    try:
        url_password = urlsplit(uri).password
    except ValueError:
        url_password = None
    where = _public_uri(uri)
    secrets = (password, url_password)
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in URI_SCHEMES:
        raise BackendError(f"not a Neo4j URI: {_redact(where, *secrets)!r} (expected one of "
                           f"{', '.join(s + '://' for s in URI_SCHEMES)})")
    auth = (user, password) if password is not None else None
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=auth, **config)
    except Exception as exc:  # ConfigurationError, ValueError on a malformed URI or config
        raise BackendError(_redact(f"cannot use Neo4j URI {where}: {type(exc).__name__}: {_one_line(exc)}",
                                   *secrets)) from None
    try:
        driver.verify_connectivity()
    except neo4j.exceptions.AuthError as exc:
        driver.close()
        raise BackendError(_redact(f"Neo4j at {where} refused the credentials of user {user!r} "
                                   f"(check NEO4J_USERNAME / NEO4J_PASSWORD): {_one_line(exc)}", *secrets)) from None
    except Exception as exc:  # ServiceUnavailable, DriverError, Neo4jError, OSError
        driver.close()
        raise BackendError(_redact(f"cannot connect to Neo4j at {where}: {type(exc).__name__}: {_one_line(exc)}",
                                   *secrets)) from None
    log.info("connected to Neo4j at %s as %s", where, user)
    return driver


# ---------------------------------------------------------------------------
# Pushing
# ---------------------------------------------------------------------------

def _write(tx: Any, query: str, parameters: dict[str, object]) -> None:
    tx.run(query, parameters).consume()


def _clear_batch(tx: Any, query: str, limit: int) -> int:
    record = tx.run(query, {"limit": limit}).single()
    return int(record["deleted"]) if record is not None else 0


def _read_count(tx: Any, query: str) -> int:
    record = tx.run(query).single()
    return int(record["count"]) if record is not None else 0


def _failed(step: str, exc: BaseException) -> BackendError:
    return BackendError(f"{step} failed: {type(exc).__name__}: {_one_line(exc)}; "
                        f"every statement is idempotent, run push again to resume")


def _driver_errors() -> tuple[type[BaseException], ...]:
    neo4j = _driver_module()
    return (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)


def push(graph: Any, driver: Any, *, database: str | None = None, batch_size: int = 5000,
         progress: Callable[[str, int, int], None] | None = None, clear: bool = False) -> pd.DataFrame:
    """Load ``graph`` into Neo4j and check the counts.

    Constraints and indexes first (``cypher/schema/constraints.cypher``), then every
    node label, then every relationship type, ``batch_size`` rows per managed write
    transaction (``session.execute_write``, which retries transient errors). All
    statements ``MERGE``, so running ``push`` twice, or again after a failure, gives
    the same graph.

    Parameters
    ----------
    graph : ChainGraph
        Anything with a ``.tables`` dict of the model's frames.
    driver : neo4j.Driver
        From :func:`connect` (or ``neo4j.GraphDatabase.driver``).
    database : str, optional
        Target database; the server's default when None.
    batch_size : int
        Rows per transaction.
    progress : callable, optional
        ``progress(step, done, total)`` after each batch, ``step`` being e.g.
        ``"node Enterprise"`` or ``"relationship SUPPLIES"``, ``done``/``total`` rows.
    clear : bool
        Delete every node carrying a model label (and its relationships) first.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REPORT_COLUMNS`: per label / type the rows sent, the distinct
        identities expected, the count found in the database, and whether they agree.

    Raises
    ------
    BackendError
        A batch failed (the message names the step and batch), or some count differs
        (the message lists every difference).
    """
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise BackendError(f"batch_size must be a positive integer, not {batch_size!r}")
    work = plan(graph)  # checks keys, endpoints and dtypes of every table before anything is written
    errors = _driver_errors()
    constraints = split_statements(load_cypher(CONSTRAINTS_FILE))
    with driver.session(database=database) as session:
        if clear:
            for label in model.NODE_LABELS:
                query = clear_statement(label)
                deleted = 0
                while True:
                    try:
                        n = session.execute_write(_clear_batch, query, batch_size)
                    except errors as exc:
                        raise _failed(f"clearing :{label}", exc) from exc
                    deleted += n
                    if n == 0:
                        break
                log.info("cleared %d :%s node(s)", deleted, label)
        for i, stmt in enumerate(constraints, 1):
            try:
                session.execute_write(_write, stmt, {})
            except errors as exc:
                raise _failed(f"schema statement {i} of {CONSTRAINTS_FILE}.cypher", exc) from exc
        for item in work:
            query = "\n".join(split_statements(load_cypher(item.statement_file)))
            step = f"{item.kind} {item.name}"
            total = len(item)
            n_batches = math.ceil(total / batch_size)
            for b, start in enumerate(range(0, total, batch_size), 1):
                try:
                    chunk = item.rows(start, start + batch_size)
                except BackendError as exc:
                    raise BackendError(f"{exc} (loading {step}, batch {b}/{n_batches}: the batches before it are "
                                       f"written; fix the data and run push again)") from None
                try:
                    session.execute_write(_write, query, {"rows": chunk})
                except errors as exc:
                    raise _failed(f"loading {step}, batch {b}/{n_batches} (rows {start + 1}-{start + len(chunk)} "
                                  f"of table {item.table})", exc) from exc
                if progress is not None:
                    progress(step, start + len(chunk), total)
            log.info("loaded %s: %d row(s)", step, total)
        found = []
        for item in work:
            query = count_statement(item.kind, item.name)
            try:
                found.append(session.execute_read(_read_count, query))
            except errors as exc:
                raise _failed(f"counting {item.kind} {item.name}", exc) from exc
    report = pd.DataFrame({
        "kind": [w.kind for w in work],
        "name": [w.name for w in work],
        "table": [w.table for w in work],
        "rows": pd.array([len(w) for w in work], dtype="Int64"),
        "expected": pd.array([w.expected for w in work], dtype="Int64"),
        "found": pd.array(found, dtype="Int64"),
    }, columns=REPORT_COLUMNS[:-1])
    report["ok"] = (report["expected"] == report["found"]).astype(bool)
    bad = report[~report["ok"]]
    if len(bad):
        diffs = "; ".join(f"{k} {n}: expected {e}, found {f}"
                          for k, n, e, f in bad[["kind", "name", "expected", "found"]].itertuples(index=False))
        err = BackendError(f"Neo4j counts differ from the graph after loading ({len(bad)} of {len(report)}): "
                           f"{diffs}. A database holding other data gives more than expected (load into an "
                           f"empty database or use clear=True); fewer means rows whose endpoints were not found.")
        err.report = report  # type: ignore[attr-defined]
        raise err
    return report
