"""chaingraph's errors: one root class, one subclass per kind of failure.

Every error a user can cause (a bad file, an unknown region, a store of another
schema version) is a :class:`ChainGraphError`; the CLI prints its message on one
line and exits non-zero. Anything else escaping is a bug.

Example
-------
>>> try:
...     raise ScopeError("unknown region '999999'")
... except ChainGraphError as exc:
...     print(exc)
unknown region '999999'
"""

from __future__ import annotations


class ChainGraphError(Exception):
    """Root of every error chaingraph raises on purpose."""


class DatasetError(ChainGraphError):
    """A dataset cannot be read at all (missing folder, unreadable file, bad descriptor).

    Parameters
    ----------
    message : str
        What went wrong.
    file : str, optional
        The file concerned.
    sheet, row, column : optional
        Where in the file, when known (``row`` is 1-based, header = row 1).
    """

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None) -> None:
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        where = [p for p in (file, f"sheet {sheet}" if sheet else None,
                             f"row {row}" if row is not None else None,
                             f"column {column}" if column else None) if p]
        super().__init__(f"{': '.join([', '.join(where)]) + ': ' if where else ''}{message}")


class ValidationFailed(ChainGraphError):
    """Validation found errors and the caller asked for a clean dataset.

    The full :class:`~chaingraph.validate.ValidationResult` is on ``.result``.
    """

    def __init__(self, message: str, result: object = None) -> None:
        super().__init__(message)
        self.result = result


class StoreError(ChainGraphError):
    """A store is missing, damaged, or of another schema version."""


class ScopeError(ChainGraphError):
    """A region, chain, segment, problem or enterprise asked for does not exist or is ambiguous."""


class OutputError(ChainGraphError):
    """An output file cannot be written (unknown format, permission, full disk)."""


class BackendError(ChainGraphError):
    """The Neo4j backend failed (connection, authentication, count mismatch)."""


class MissingDependency(ChainGraphError):
    """An optional dependency needed for this feature is not installed."""
