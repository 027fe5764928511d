"""Ad-hoc read-only queries (``chaingraph query FILE_OR_TEXT --param k=v``): the write-clause check,
``k=v`` parameters, and :func:`run_query` in a read transaction.

>>> parse_params(["region=330502", "name=吴兴区"])
{'region': 330502, 'name': '吴兴区'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from chaingraph.errors import BackendError
from chaingraph.neo4j.cypher import split_statements
from chaingraph.neo4j.fetch import _driver_errors, _native, _one_line, statement_parameters

WRITE_CLAUSES: tuple[str, ...] = (
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "LOAD CSV", "IN TRANSACTIONS",
    "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "TERMINATE", "apoc.*", "gds.*", "dbms.*",
    "db.*.create*/drop*/clear*/set*/remove*/delete*",
)
"""What :func:`check_read_only` refuses outside strings and comments (case-insensitive)."""

_WRITE_RE = re.compile(
    r"(?<![\w.$])(?:CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|ALTER|RENAME|GRANT|DENY|REVOKE|"
    r"TERMINATE|LOAD\s+CSV|IN\s+(?:\S+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS)(?!\w)"
    r"|(?<![\w.$])(?:apoc|gds|dbms)\s*\."
    r"|(?<![\w.$])db(?:\s*\.\s*\w+)*?\s*\.\s*(?:create|drop|clear|set|remove|delete)\w*",
    re.IGNORECASE,
)
_LITERAL_RE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/|`((?:[^`]|``)*)`",
                         re.DOTALL)


def _code_only(text: str) -> str:
    """Cypher text with string literals and comments blanked and backquoted names unquoted."""
    def sub(m: re.Match[str]) -> str:
        return m.group(1).replace("``", "`") if m.group(1) is not None else " "

    return _LITERAL_RE.sub(sub, text)


def check_read_only(text: str) -> None:
    """Refuse Cypher text that holds a write clause, a write procedure or a batched-write subquery.

    A lexical check (:data:`WRITE_CLAUSES`, outside string literals and comments; backquoted
    names are checked unquoted) for a clear early error. It is **not** the guarantee:
    :func:`run_query` runs the query in a read transaction, in which the server refuses to
    write, and a deployment should connect as a database user with read privileges only.

    Raises
    ------
    BackendError
        Naming the clause found.

    Examples
    --------
    >>> check_read_only("MATCH (n:Enterprise) WHERE n.name = 'CREATE' RETURN n.name // SET")
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    chaingraph.errors.BackendError: refusing a query that writes ('DETACH'): chaingraph query is read-only
    """
    m = _WRITE_RE.search(_code_only(text))
    if m:
        found = " ".join(m.group(0).split())
        raise BackendError(f"refusing a query that writes ({found!r}): chaingraph query is read-only")


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` → ``(k, v)``, the value parsed as JSON when possible, else kept as a string.

    Raises
    ------
    BackendError
        Without ``=`` or with a name that is not a Cypher parameter name.

    Examples
    --------
    >>> parse_param("n=3"), parse_param("codes=[\\"330502\\"]"), parse_param("region=330502")
    (('n', 3), ('codes', ['330502']), ('region', 330502))
    >>> parse_param("name=吴兴区")
    ('name', '吴兴区')
    """
    name, sep, value = str(text).partition("=")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise BackendError(f"a parameter is name=value (name: letters, digits, _), not {text!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """Several ``k=v`` (see :func:`parse_param`) as a dict; a later name wins.

    Raises
    ------
    BackendError
        For a malformed pair.

    Example
    -------
    >>> parse_params(["a=1", "b=x"])
    {'a': 1, 'b': 'x'}
    """
    return dict(parse_param(p) for p in pairs)


def _value(v: Any) -> Any:
    v = _native(v)
    if type(v).__module__.startswith("neo4j") and hasattr(v, "items"):  # Node / Relationship
        return dict(v.items())
    if isinstance(v, list):
        return [_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _value(x) for k, x in v.items()}
    return v


def run_query(driver: Any, text_or_file: str | Path, params: Mapping[str, Any] | None = None, *,
              database: str | None = None) -> pd.DataFrame:
    """Run one read-only Cypher statement and return its rows as a frame (columns in RETURN order).

    Parameters
    ----------
    driver : neo4j.Driver
    text_or_file : str or pathlib.Path
        Cypher text, or the path of a file holding one statement (``//`` comments allowed).
    params : mapping, optional
        Query parameters (``$name`` in the text); see :func:`parse_params` for ``--param k=v``.
    database : str, optional

    Returns
    -------
    pandas.DataFrame
        Neo4j dates and times as Python ones, nodes and relationships as property dicts.

    Raises
    ------
    BackendError
        A write clause (:func:`check_read_only`), an unreadable file, several statements, or a
        server error (e.g. a missing parameter). The real guarantee of read-only is the read
        transaction (``session.execute_read``: the server refuses writes in it) and, in
        production, a database user with read privileges only; the text check only gives a
        clear early error.

    Example
    -------
    >>> run_query(driver, "MATCH (e:Enterprise) WHERE e.region_code STARTS WITH $p RETURN count(e) AS n",
    ...           {"p": "3305"})  # doctest: +SKIP
    """
    text = str(text_or_file)
    single_line = "\n" not in text and len(text) < 4096
    path = Path(text) if isinstance(text_or_file, Path) or (single_line and (
        text.endswith(".cypher") or Path(text).is_file())) else None
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BackendError(f"cannot read Cypher file {path}: {exc.strerror or exc}") from None
    check_read_only(text)
    stmts = split_statements(text)
    if len(stmts) != 1:
        raise BackendError(f"chaingraph query runs exactly one statement, found {len(stmts)}")
    query = stmts[0]
    params = dict(params or {})
    missing = [p for p in statement_parameters(query) if p not in params]
    if missing:
        raise BackendError(f"missing query parameter(s): {', '.join(missing)} (give --param name=value)")

    def work(tx: Any) -> tuple[list[str], list[list[Any]]]:
        result = tx.run(query, params)
        keys = list(result.keys())
        return keys, [[_value(v) for v in record.values()] for record in result]

    errors = _driver_errors()
    try:
        with driver.session(database=database) as session:
            keys, rows = session.execute_read(work)
    except errors as exc:
        raise BackendError(f"query failed on Neo4j: {type(exc).__name__}: {_one_line(exc)}") from None
    return pd.DataFrame(rows, columns=keys) if rows else pd.DataFrame({k: pd.Series([], dtype=object) for k in keys})
