#!/usr/bin/env python3
"""Generate chaingraph's demonstration datasets (合成数据，仅供演示 / synthetic, for demonstration).

Deterministic: every dataset has its own ``random.Random(seed)``; no clock, no
network, no iteration over sets. Running the script twice gives byte-identical
files (XLSX zip entries get fixed timestamps).

Datasets written under ``datasets/``:

* ``wuxing-childrenswear``  湖州市吴兴区 × 童装 (CSV; ``enterprises.csv`` UTF-8 with BOM and
  Chinese headers, ``problems.csv`` Chinese headers and enum values)
* ``anping-wiremesh``       衡水市安平县 × 丝网 (CSV; ``enterprises.csv`` in GB18030 with
  Chinese headers and one firm name holding a character outside GBK)
* ``shangyu-umbrella``      绍兴市上虞区 × 伞业 (CSV)
* ``shangyu-umbrella-xlsx`` the same data as one workbook ``伞业数据.xlsx``, Chinese sheet
  names, Chinese headers and enum values
* ``defects``               ~10 firms with one or more planted defects per reason code,
  ``expected.csv`` listing each
* ``defects-missing-table`` the one defect that cannot share a folder with the others
  (a required table missing)

The samples live in ``scripts/samples/`` (one module per sample; shared builders in
``scripts/samples/build/``): see ``scripts/samples/__init__.py``.

Usage::

    python scripts/make_datasets.py            # write all datasets, check them, print the story
    python scripts/make_datasets.py --check    # only check what is on disk
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_SCRIPTS = str(Path(__file__).resolve().parent)
if _SCRIPTS not in sys.path:
    sys.path.insert(0, _SCRIPTS)

from samples import PILOTS, defects, defects_identity, defects_missing_table, listed_firms  # noqa: E402
from samples.build.base import OUT, all_reason_codes  # noqa: E402
from samples.build.checks import check_all  # noqa: E402
from samples.build.codes import load_locdat  # noqa: E402
from samples.build.pilot import build_pilot  # noqa: E402
from samples.build.readme import story_summary, write_readme  # noqa: E402
from samples.build.writers import fresh_folder, write_pilot_csvs, write_xlsx_edition  # noqa: E402


def generate() -> None:
    """Write every dataset under datasets/ (each folder replaced whole) and print the story of each."""
    regions = load_locdat()
    xlsx_bytes = b""
    for spec in PILOTS:
        tables = build_pilot(spec)
        for fixup in spec.fixups:
            fixup(tables)
        folder = fresh_folder(OUT / spec.folder)
        write_pilot_csvs(folder, spec, tables)
        summary = story_summary(spec, tables, regions)
        write_readme(folder, spec, tables, summary)
        print(summary, end="\n\n")
        if spec.xlsx_edition is not None:
            xlsx_bytes = write_xlsx_edition(OUT, spec, tables)
    exp = defects.write(OUT / defects.FOLDER, xlsx_bytes)
    exp2 = defects_missing_table.write(OUT / defects_missing_table.FOLDER)
    print(f"listed-firms: {listed_firms.build(OUT)}")
    exp3 = defects_identity.write(OUT / defects_identity.FOLDER)
    print(f"defects-identity: {len(exp3)} expected issues (validated with --infer-region)")
    codes = sorted({e[3] for e in exp + exp2})
    missing = sorted(set(all_reason_codes()) - set(codes))
    print(f"defects: {len(exp)} expected issues + {len(exp2)} in defects-missing-table; "
          f"{len(codes)} reason codes planted; not planted: {missing or 'none'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the datasets on disk")
    args = ap.parse_args(argv)
    if not args.check:
        generate()
    return 0 if check_all(PILOTS) else 1


if __name__ == "__main__":
    sys.exit(main())
