"""Pushing a graph into Neo4j: the constraints first, then every label and relationship type in batches
of ``UNWIND … MERGE`` (one managed write transaction each), then the counts read back and compared.

>>> REPORT_COLUMNS[-3:]
['expected', 'found', 'ok']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from chaingraph import model
from chaingraph.errors import BackendError
from chaingraph.neo4j.connect import _driver_module, _one_line, log
from chaingraph.neo4j.cypher import load_cypher, split_statements
from chaingraph.neo4j.rows import plan
from chaingraph.neo4j.schema import clear_statement, count_statement

CONSTRAINTS_FILE = "schema/constraints"

REPORT_COLUMNS = ["kind", "name", "table", "rows", "expected", "found", "ok"]
"""Columns of the frame :func:`push` returns: one row per label / relationship type."""


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
