"""Step 2 — validate: every row checked, every problem reported, accepted and rejected rows counted.

* :mod:`~chaingraph.validate.core` — :func:`validate` and :class:`ValidationResult`

Example
-------
>>> from chaingraph.validate import validate  # doctest: +SKIP
"""

from chaingraph.validate.core import ISSUE_COLUMNS, SUMMARY_COLUMNS, ValidationResult, factorize, validate

__all__ = ["ISSUE_COLUMNS", "SUMMARY_COLUMNS", "ValidationResult", "factorize", "validate"]
