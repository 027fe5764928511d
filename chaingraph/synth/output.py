"""Writing the synthetic CSV files: one table's chunked pyarrow CSV writer (canonical header, record batches
appended) and the small helpers that turn numpy arrays into Arrow columns.

Example
-------
>>> import numpy as np
>>> from chaingraph.synth.output import _bools, _text
>>> _text(["a", None]).to_pylist(), _bools(np.array([1, 0])).to_pylist()
(['a', None], [True, False])
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from chaingraph.model import TABLES

_WRITE = pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=65_536)


OMITTED: dict[str, tuple[str, ...]] = {
    "enterprises": ("stock_code", "short_name", "region_source", "address", "id_source"),
    # the ledger's outcome columns: the synthetic ledger records assistance, not its evaluation
    "assistance": ("ended", "effects", "satisfaction", "certified_after", "revenue_before", "revenue_after",
                   "output_before", "output_after", "profit_margin_before", "profit_margin_after"),
}
"""Optional model columns the generator leaves out of a table's file (validation fills ``region_source`` and
``id_source``; synthetic firms are unlisted, so they have no stock code, short name or address)."""


def columns(name: str) -> tuple[str, ...]:
    """The header of the synthetic ``name.csv``: the model's columns in canonical order, less :data:`OMITTED`."""
    return tuple(c for c in TABLES[name].columns if c not in OMITTED.get(name, ()))


class _Table:
    """One CSV file being written: canonical header (see :func:`columns`), then record batches appended."""

    def __init__(self, folder: Path, name: str, progress: Callable[[str, int], None] | None) -> None:
        self.name = name
        self.columns = columns(name)
        self.path = folder / f"{name}.csv"
        self.rows = 0
        self.progress = progress
        self._fh: IO[bytes] = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._fh.write((",".join(self.columns) + "\n").encode("utf-8"))

    def write(self, cols: dict[str, pa.Array]) -> None:
        if set(cols) != set(self.columns):
            raise ValueError(f"{self.name}: columns {sorted(cols)} differ from the header {sorted(self.columns)}")
        n = len(next(iter(cols.values())))
        if n == 0:
            return
        tbl = pa.table({c: cols[c] for c in self.columns})
        pacsv.write_csv(tbl, self._fh, _WRITE)
        self.rows += n
        if self.progress is not None:
            self.progress(self.name, self.rows)

    def close(self) -> int:
        self._fh.close()
        if self.rows == 0:  # a header without rows is a validation warning; an absent optional table is not
            self.path.unlink()
        return self.rows


def _text(values: np.ndarray | list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"))


def _money(values: np.ndarray, *, decimals: int = 1) -> pa.Array:
    return pa.array(np.round(values, decimals))


def _bools(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(bool))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")

