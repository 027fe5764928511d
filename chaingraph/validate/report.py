"""What validation reports: the issue and summary columns, :class:`ValidationResult`, and the
helpers that collect row issues and describe file-level ones.

Example
-------
>>> ISSUE_COLUMNS[:4]
['severity', 'table', 'file', 'sheet']
>>> _file_issue("no_rows", "chains", None, "table has a header but no rows", file="chains.csv")["severity"]
'warning'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chaingraph.ingest.readers import RawPart
from chaingraph.reasons import REASONS

ISSUE_COLUMNS = ["severity", "table", "file", "sheet", "row", "column", "value", "code", "message"]
SUMMARY_COLUMNS = ["table", "files", "encoding", "read", "accepted", "rejected", "merged", "derived",
                   "errors", "warnings", "balanced"]
# Warnings that concern a file or a column rather than a row; never reject rows, even with --strict.
_NON_ROW_WARNINGS = {"unknown_table", "unknown_column", "no_rows", "duplicate_merged"}


@dataclass
class ValidationResult:
    """What validation produced.

    Attributes
    ----------
    dataset : str
        Dataset name.
    tables : dict
        Table name → accepted rows, typed, canonical columns in model order.
    rejects : dict
        Table name → rejected rows verbatim (source headers), with ``__file__``,
        ``__sheet__``, ``__row__`` and ``__reasons__`` (every reason, ``code: message``).
    issues : pandas.DataFrame
        One row per problem found, columns :data:`ISSUE_COLUMNS`.
    summary : pandas.DataFrame
        One row per table, columns :data:`SUMMARY_COLUMNS`.
    sources : list of dict
        Files read with their table, sheet and encoding.
    strict : bool
        Whether warnings were treated as errors.
    references : dict
        Table name → {foreign-key column → for each accepted row, the row of the accepted target
        table it references (int32, -1 when none)}, as found by the foreign-key check. May cover only
        the first rows of a table when later rows were derived (``derived`` in the summary). The
        graph build (:meth:`ChainGraph.from_validation`) turns these into its endpoint positions
        instead of looking every key up again, and empties this dict.
    """

    dataset: str
    tables: dict[str, pd.DataFrame]
    rejects: dict[str, pd.DataFrame]
    issues: pd.DataFrame
    summary: pd.DataFrame
    sources: list[dict] = field(default_factory=list)
    strict: bool = False
    references: dict[str, dict[str, np.ndarray]] = field(default_factory=dict, repr=False)

    @property
    def n_errors(self) -> int:
        """Number of error issues."""
        return int((self.issues["severity"] == "error").sum())

    @property
    def n_warnings(self) -> int:
        """Number of warning issues."""
        return int((self.issues["severity"] == "warning").sum())

    @property
    def ok(self) -> bool:
        """True when there is no error (with ``strict``, no warning either)."""
        return self.n_errors == 0

    @property
    def balanced(self) -> bool:
        """True when every table's counts balance."""
        return bool(self.summary["balanced"].all())


def _empty_issues() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in ISSUE_COLUMNS})


class _Collector:
    """Collects row issues of one table as arrays, built into one frame at the end."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []

    def add(self, pos: np.ndarray, column: str | None, values: object, code: str,
            message: object) -> None:
        if len(pos) == 0:
            return
        n = len(pos)
        self.frames.append(pd.DataFrame({
            "pos": pos,
            "column": column,
            "value": values if values is not None else pd.Series([None] * n, dtype="object"),
            "code": code,
            "message": message,
        }))

    def frame(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame({"pos": pd.Series([], dtype="int64"), "column": [], "value": [], "code": [],
                                 "message": []})
        return pd.concat(self.frames, ignore_index=True)


def _as_text(values: pd.Series) -> pd.Series:
    """Cell values as display text for reports (None stays None)."""
    out = values.astype("object")
    return out.where(out.isna(), out.map(str))


def _file_issue(code: str, table: str | None, part: RawPart | None, message: str, *,
                column: str | None = None, file: str | None = None) -> dict:
    return {"severity": REASONS[code].severity, "table": table, "file": part.file if part else file,
            "sheet": part.sheet if part else None, "row": None, "column": column, "value": None,
            "code": code, "message": message}
