"""What is loaded, derived from the model: the guards through which every label, relationship type and
property key reaches Cypher text, one spec per node label and relationship type, and the load, count and
clear statements rendered from them (the committed ``cypher/load/`` files are :func:`render_load_cypher`).

>>> count_statement("node", "Chain")
'MATCH (n:Chain) RETURN count(n) AS count'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chaingraph import model
from chaingraph.errors import BackendError

MERGE_KEY = "merge_key"
"""Relationship property holding the identity beyond the endpoints (see the module doc)."""

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

_HEADER = ("// Generated from chaingraph/model.py by chaingraph.neo4j.schema.render_load_cypher();\n"
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
        row = (f"src: <{r.source_column}>, dst: <{r.target_column}>"
               + (f", {MERGE_KEY}: <json of [{', '.join(r.identity)}]>" if r.identity else ""))
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
