"""Step 2 — validate: every row checked, every problem reported, accepted and rejected rows counted.

* :mod:`~chaingraph.validate.core` — :func:`validate`, table by table in load order
* :mod:`~chaingraph.validate.table` — the checks of one table (headers, cells, references, duplicates)
* :mod:`~chaingraph.validate.keys` — key columns hashed: ``factorize``, foreign-key lookups, duplicate keys
* :mod:`~chaingraph.validate.report` — :class:`ValidationResult`, the issue and summary columns

Example
-------
>>> from chaingraph.validate import validate  # doctest: +SKIP
"""

from chaingraph.validate.core import ISSUE_COLUMNS, SUMMARY_COLUMNS, ValidationResult, factorize, validate

__all__ = ["ISSUE_COLUMNS", "SUMMARY_COLUMNS", "ValidationResult", "factorize", "validate"]
