"""Synthetic national-scale datasets (real adcodes, realistic shapes) for benchmarks and tests.

* :mod:`~chaingraph.synth.generate` — :func:`write_synthetic`, the entry point
* :mod:`~chaingraph.synth.catalog` — chains, problems, benchmark metrics, distribution parameters
* :mod:`~chaingraph.synth.population` — counties, firms and their attributes, the supplier draw
* :mod:`~chaingraph.synth.tables` — the per-table chunked writers
* :mod:`~chaingraph.synth.codes` / :mod:`~chaingraph.synth.output` — credit codes; Arrow columns and the CSV writer

Example
-------
>>> from chaingraph.synth import write_synthetic  # doctest: +SKIP
"""

from chaingraph.synth.generate import CHAINS, GENERATOR_VERSION, MARKER, PROBLEMS, write_synthetic

__all__ = ["CHAINS", "GENERATOR_VERSION", "MARKER", "PROBLEMS", "write_synthetic"]
