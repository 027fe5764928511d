"""Reading Parquet files: typed values kept as stored, rows numbered from 1 (Parquet has no header row).

Example
-------
>>> part = read_parquet(Path("x/enterprises.parquet"), "enterprises", report_name="enterprises.parquet")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.errors import DatasetError
from chaingraph.ingest.readers.csv import RawPart


def read_parquet(path: Path, table: str, *, report_name: str) -> RawPart:
    """Read a Parquet file; values are kept as stored (typed), rows numbered from 1.

    Raises
    ------
    DatasetError
        If the file is not readable Parquet.

    Example
    -------
    >>> part = read_parquet(Path("x/enterprises.parquet"), "enterprises", report_name="enterprises.parquet")  # doctest: +SKIP
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        tbl = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        err = DatasetError(f"not a readable Parquet file ({exc})", file=report_name)
        err.code = "file_unreadable"  # type: ignore[attr-defined]
        raise err from exc
    odd = [f.name for f in tbl.schema if pa.types.is_nested(f.type) or pa.types.is_binary(f.type)
           or pa.types.is_large_binary(f.type) or pa.types.is_fixed_size_binary(f.type)]
    if odd:
        err = DatasetError(f"columns {', '.join(odd)} hold lists, structs or bytes, not cell values", file=report_name)
        err.code = "file_unreadable"  # type: ignore[attr-defined]
        raise err
    cols = {}
    for name in tbl.column_names:
        col = tbl.column(name)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            cols[name] = col.to_pandas()
        else:
            cols[name] = pd.Series(col.to_pylist(), dtype=object)
    frame = pd.DataFrame(cols)
    return RawPart(table, report_name, None, None, frame, np.arange(1, len(frame) + 1, dtype=np.int64),
                   list(tbl.column_names))
