"""Synthetic national-scale datasets (合成数据，仅供测试与性能评估 / synthetic, for tests and benchmarks).

:func:`write_synthetic` writes a dataset folder in chaingraph's own CSV format
(canonical English headers, UTF-8, one file per table as named in
:data:`chaingraph.model.TABLES`) with the shape of a national roll-out of the
quality-certification chain-strengthening action:

* **regions** — real, current county-level GB/T 2260 codes from
  :func:`chaingraph.regions.load_regions` in every province; firms per county
  are heavy-tailed (log-normal county weights, coastal provinces heavier);
* **chains** — 16 industry chains with 4–7 segments each (stage, order, key
  links, explicit FEEDS flows with a ``weight``); counties specialise in a few chains
  (industrial clusters such as 织里童装 or 安平丝网);
* **enterprises** — valid Unified Social Credit Codes (the county code in
  positions 3–8, unique organisation-code bodies, check characters as
  :func:`chaingraph.codes.make_uscc` computes them), which are also the firms'
  ``id`` (every synthetic firm has a credit code; the relationship tables name
  firms by it in ``enterprise_id`` / ``supplier_id`` / ``customer_id``; the
  unlisted firms have no ``stock_code``, ``short_name`` or ``address`` and
  validation fills ``region_source`` / ``id_source``, so those columns are left
  out, see :data:`chaingraph.synth.output.OMITTED`), sizes skewed to micro and
  small, employees and revenue by size class, a ``segment_id`` shortcut column
  and a few firms working in a second segment (``operates_in.csv``);
* **supplies** — about five edges per firm: in-degrees negative-binomial,
  suppliers drawn with heavy-tailed attractiveness (a few hubs), mostly from
  the segment just upstream in the same chain and mostly from the same county,
  city or province; some same-segment, skip, reverse (cycles) and cross-chain
  edges; never a self-supply, keys never repeat;
* **observations** — about ten per firm over 60 problems whose prevalence is
  heavy-tailed (Zipf) and differs by chain, segment and province; keys never
  repeat;
* **leaders** — 1–3 per county × chain with firms (the strongest hubs), and
  one per city × chain for the bigger clusters;
* benchmarks, measurements (a fraction of firms), certification bodies,
  certificates and the assistance ledger.

Everything is drawn from ``numpy.random.default_rng`` seeded from ``seed``: the
same ``seed`` and ``n_enterprises`` give byte-identical files, whatever
``chunk_size`` (firms are generated in fixed blocks, each with its own seed;
``chunk_size`` only sets how many are written at once). Rows are written in
chunks through pyarrow's CSV writer, so a million firms with five million supply
edges and ten million observations need well under 2 GiB.

The dataset validates clean (no error, no warning) with
:func:`chaingraph.validate.validate`.

The generator's parts sit beside this module: the catalogue in
:mod:`chaingraph.synth.catalog`, credit codes in :mod:`chaingraph.synth.codes`,
the population in :mod:`chaingraph.synth.population`, the CSV writer in
:mod:`chaingraph.synth.output` and the per-table writers in :mod:`chaingraph.synth.tables`.

Example
-------
>>> counts = write_synthetic("out/synth-10k", 10_000, seed=1)  # doctest: +SKIP
>>> counts["supplies"] / counts["enterprises"]  # doctest: +SKIP
5.0...
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from chaingraph.model import TABLES
from chaingraph.synth.catalog import CHAINS, PROBLEMS, ChainSpec  # noqa: F401 - ChainSpec re-exported
from chaingraph.synth.codes import _org_bodies, _uscc_matrix  # noqa: F401 - re-exported (tests import them here)
from chaingraph.synth.population import _Population
from chaingraph.synth.tables import (
    _enterprises,
    _leaders,
    _measurements_certs,
    _observations,
    _static_tables,
    _supplies,
)

__all__ = ["CHAINS", "GENERATOR_VERSION", "MARKER", "PROBLEMS", "write_synthetic"]

GENERATOR_VERSION = 2
"""Bumped whenever the generated data change for a given seed and size.

2: schema 2 — enterprises carry ``id`` (= the credit code), relationship tables name firms by
``enterprise_id`` / ``supplier_id`` / ``customer_id``, segment_flows carry ``weight`` (its own random
stream: every other value is as in version 1)."""

MARKER = "_synth.json"
"""File written last into the dataset folder: generator, version, seed, size and row counts.
Its name starts with ``_`` so :func:`chaingraph.io.read_dataset` skips it."""

# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------

_OUR_FILES = {f"{name}.csv" for name in TABLES} | {MARKER}


def write_synthetic(out_dir: str | os.PathLike[str], n_enterprises: int, *, seed: int = 0,
                    chunk_size: int = 200_000,
                    progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write a synthetic national-scale dataset folder (CSV, canonical headers, UTF-8).

    Parameters
    ----------
    out_dir : str or os.PathLike
        Folder to write; created if missing. An existing folder must be empty or
        hold an earlier synthetic dataset (it has ``_synth.json``); its table files are replaced.
    n_enterprises : int
        Number of firms (≥ 1). Supply edges are about 5 × and observations about
        10 × this number.
    seed : int
        Seed of every random draw: the same seed and size give byte-identical files.
    chunk_size : int
        Firms per write batch (memory, not output, depends on it).
    progress : callable, optional
        Called as ``progress(table, rows_written_so_far)`` after every batch written.

    Returns
    -------
    dict
        Table name → rows written, in :data:`chaingraph.model.LOAD_ORDER` order
        (``regions`` is not written; tables without rows are left out as files and count 0).

    Raises
    ------
    ValueError
        If ``n_enterprises`` < 1, ``seed`` < 0 or ``chunk_size`` < 1.
    FileExistsError
        If ``out_dir`` is a file, or a folder that is not empty and holds no earlier synthetic dataset.

    Example
    -------
    >>> counts = write_synthetic("out/synth-2k", 2_000, seed=7)  # doctest: +SKIP
    >>> from chaingraph.validate import validate  # doctest: +SKIP
    >>> r = validate("out/synth-2k"); (r.n_errors, r.n_warnings)  # doctest: +SKIP
    (0, 0)
    """
    if int(n_enterprises) != n_enterprises or n_enterprises < 1:
        raise ValueError(f"n_enterprises must be a positive integer, got {n_enterprises!r}")
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if int(chunk_size) != chunk_size or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    n, seed, batch = int(n_enterprises), int(seed), int(chunk_size)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder}: exists and is not a folder")
    if folder.exists():
        present = {p.name for p in folder.iterdir()}
        if present and MARKER not in present:
            raise FileExistsError(f"{folder}: folder is not empty and holds no synthetic dataset ({MARKER})")
        for name in present & _OUR_FILES:
            (folder / name).unlink()
    folder.mkdir(parents=True, exist_ok=True)

    pop = _Population(n, seed)
    counts, bench = _static_tables(pop, folder, seed, progress)
    counts |= _enterprises(pop, folder, batch, progress)
    counts |= _supplies(pop, folder, batch, progress)
    counts |= _leaders(pop, folder, seed, progress)
    counts |= _observations(pop, bench, folder, batch, progress)
    counts |= _measurements_certs(pop, bench, folder, batch, progress)
    from chaingraph.model import LOAD_ORDER

    ordered = {t: counts.get(t, 0) for t in LOAD_ORDER if t != "regions"}
    marker = {"generator": "chaingraph.synth", "version": GENERATOR_VERSION, "seed": seed, "n_enterprises": n,
              "counts": ordered}
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return ordered
