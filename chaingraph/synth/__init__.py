"""Synthetic national-scale datasets (real adcodes, realistic shapes) for benchmarks and tests.

Example
-------
>>> from chaingraph.synth import write_synthetic  # doctest: +SKIP
"""

from chaingraph.synth.generate import CHAINS, GENERATOR_VERSION, MARKER, PROBLEMS, write_synthetic

__all__ = ["CHAINS", "GENERATOR_VERSION", "MARKER", "PROBLEMS", "write_synthetic"]
