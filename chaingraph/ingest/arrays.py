"""Small column helpers shared by validation and the graph build: Arrow text arrays, parallel kernels.

The lowest floor of the package (beside :mod:`chaingraph.ingest.parse`): validation and the graph
build both use them, so they live below both.

Example
-------
>>> import pandas as pd
>>> arrow_text(pd.Series(["甲", None])).to_pylist()
['甲', None]
"""

from __future__ import annotations

import pandas as pd


def arrow_text(values: pd.Series):
    """A text column as an Arrow large-string array, without a round trip through Python objects when possible.

    Large strings because that is what pandas' ``str`` columns hold: the column is handed over as is, not
    copied into 32-bit offsets (10M-row key columns are hashed several times while building).
    """
    import pyarrow as pa

    try:
        return pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(values.astype("object").where(values.notna(), None).to_numpy(), type=pa.large_string())


def parallel_map(fn, items: list, *, work: int = 0) -> list:
    """``[fn(x) for x in items]``, on up to Arrow's CPU count of threads when ``work`` (rows) is large.

    For functions that spend their time in Arrow or numpy kernels, which release the GIL: on the
    10M-row tables two threads take about 60 % of the time of one (also the page faults of the new
    columns' memory are served in parallel). Small work runs inline.

    Example
    -------
    >>> parallel_map(abs, [-1, 2])
    [1, 2]
    """
    import pyarrow as pa

    threads = min(len(items), pa.cpu_count())
    if threads < 2 or work < 200_000:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as ex:
        return list(ex.map(fn, items))
