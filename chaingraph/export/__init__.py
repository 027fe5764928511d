"""Step 5b — export: query frames written as CSV / XLSX / JSON / Markdown, safe to open.

* :mod:`~chaingraph.export.tables` — :func:`write_frame`, :func:`write_xlsx`, the problem workbook
* :mod:`~chaingraph.export.labels` — Chinese column headers and value labels for what analysts read

Example
-------
>>> from chaingraph.export import write_frame  # doctest: +SKIP
"""

from chaingraph.export.labels import COLUMN_ZH, relabel
from chaingraph.export.tables import (
           FORMATS,
           format_for,
           neutralise,
           problem_workbook,
           to_markdown,
           write_frame,
           write_xlsx,
)

__all__ = ["COLUMN_ZH", "FORMATS", "format_for", "neutralise", "problem_workbook", "relabel", "to_markdown",
           "write_frame", "write_xlsx"]
