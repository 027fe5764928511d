"""The assistance-ledger queries of :class:`~chaingraph.neo4j.graph.Neo4jGraph`: ``ledger``, ``ledger_summary``
and ``progress`` (Cypher selects the records, observations and targets; the shared finishers of
:mod:`chaingraph.queries.ledger` and :mod:`chaingraph.queries.progress` do the rest).

A mixin: :class:`~chaingraph.neo4j.graph.Neo4jGraph` supplies ``_scope``, ``_read`` and ``_as_of``.

>>> from chaingraph.neo4j.graph import Neo4jGraph
>>> issubclass(Neo4jGraph, LedgerQueries)
True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from chaingraph.neo4j.fetch import _query
from chaingraph.queries.ledger import GROUPS, RAW_COLUMNS, finish_ledger, finish_ledger_summary
from chaingraph.queries.progress import MEMBER_COLUMNS, OBS_COLUMNS, TARGET_COLUMNS, finish_progress

_RAW_SCHEMA = {c: ("list" if c == "chain_ids" else t) for c, t in RAW_COLUMNS.items()}


class LedgerQueries:
    """``ledger``, ``ledger_summary`` and ``progress`` of :class:`~chaingraph.neo4j.graph.Neo4jGraph`."""

    def _ledger_raw(self, tx: Any, params: dict[str, Any]) -> pd.DataFrame:
        return _query(tx, "ledger", 0, {"region_prefix": params["region_prefix"], "chain": params["chain"]},
                      _RAW_SCHEMA).astype(RAW_COLUMNS)

    def ledger(self, region: str | None = None, chain: str | None = None, *, body: str | None = None,
               status: str | None = None, as_of: object = None) -> pd.DataFrame:
        """The assistance ledger (帮扶台账), as :func:`chaingraph.queries.ledger`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        body, status : str, optional
            Only one certification body's records / records with one status.
        as_of : date or str, optional
            Read the ledger as it stood on that day (default the data date).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.ledger.COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain, unknown body or status.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.ledger("吴兴区", "童装", status="整改中")  # doctest: +SKIP
        """
        params, _cats = self._scope(region, chain)
        raw, date = self._read("ledger", lambda tx: (self._ledger_raw(tx, params), self._as_of(tx)[0]))
        return finish_ledger(raw, body=body, status=status, as_of=as_of, data_date=date)

    def ledger_summary(self, region: str | None = None, chain: str | None = None, *, by: str | None = None,
                       body: str | None = None, status: str | None = None, as_of: object = None) -> pd.DataFrame:
        """The evaluation figures of the ledger, as :func:`chaingraph.queries.ledger_summary`.

        Parameters
        ----------
        region, chain : str, optional
            Scope (codes, ids or names).
        by : {None, "body", "region", "chain", "problem"}
            Grouping.
        body, status, as_of
            As for :meth:`ledger`.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.ledger.SUMMARY_COLUMNS`.

        Raises
        ------
        ScopeError
            Unknown or ambiguous region or chain, unknown body or status.
        ValueError
            Unknown ``by``.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.ledger_summary(by="body")  # doctest: +SKIP
        """
        if by is not None and by not in GROUPS:
            raise ValueError(f"by must be one of {', '.join(GROUPS)} or None, not {by!r}")
        params, cats = self._scope(region, chain)
        raw, date = self._read("ledger_summary", lambda tx: (self._ledger_raw(tx, params), self._as_of(tx)[0]))
        led = finish_ledger(raw, body=body, status=status, as_of=as_of, data_date=date)
        return finish_ledger_summary(led, by, cats["catalog_chains"].set_index("id")["name"])

    def progress(self, *, as_of: object = None) -> pd.DataFrame:
        """Progress against the targets, as :func:`chaingraph.queries.progress`.

        Parameters
        ----------
        as_of : date or str, optional
            The day progress is read on (default the data date).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`chaingraph.queries.progress.COLUMNS`.

        Raises
        ------
        ValueError
            ``as_of`` is not a date.
        BackendError
            If the server fails.

        Example
        -------
        >>> ng.progress(as_of="2024-12-31")  # doctest: +SKIP
        """
        def work(tx: Any) -> tuple:
            return (_query(tx, "ledger_progress", 0, {}, TARGET_COLUMNS),
                    self._ledger_raw(tx, {"region_prefix": "", "chain": None}),
                    _query(tx, "ledger_progress", 1, {}, OBS_COLUMNS),
                    _query(tx, "ledger_progress", 2, {}, MEMBER_COLUMNS),
                    self._as_of(tx)[0])

        targets, raw, obs, members, date = self._read("progress", work)
        return finish_progress(targets, raw, obs, members, as_of=as_of, data_date=date)
