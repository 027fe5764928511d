"""Step 1 — ingest: read analysts' files and turn cells into typed values.

* :mod:`~chaingraph.ingest.readers` — CSV (encoding detection), XLSX, Parquet, ``datapackage.json``
* :mod:`~chaingraph.ingest.parse` — vectorised cell parsers (numbers with units, dates, enums, text)
* :mod:`~chaingraph.ingest.codes` — Unified Social Credit Codes (统一社会信用代码)
* :mod:`~chaingraph.ingest.regions` — the GB/T 2260 division table and region-name resolution
* :mod:`~chaingraph.ingest.arrays` — Arrow column helpers shared with the later steps

Nothing here knows about validation rules, the graph or queries.
"""
