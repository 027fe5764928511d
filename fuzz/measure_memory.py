"""Measure the peak memory of ``validate`` on a large generated ``observations.csv``.

The tiny test dataset (``tests/conftest.py:write_tiny``) gets an ``observations.csv`` of N rows
(10 firms × 4 problems × 4 sources × one date per 160 rows, so every key is distinct and every row
is accepted); each measurement runs in a fresh subprocess that imports chaingraph, validates the
tiny dataset once (warm caches, region table loaded), records ``ru_maxrss``, validates the large
dataset and records ``ru_maxrss`` again. The difference is the memory validation needed.

Usage::

    python fuzz/measure_memory.py                      # 250k, 500k, 1M, 2M rows, streaming as configured
    python fuzz/measure_memory.py --rows 2000000 --whole   # force whole-file reading (no streaming)
    python fuzz/measure_memory.py --markdown           # print a table for docs/hardening.md

Nothing here is a test: run it by hand when reading or validation changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
from chaingraph.validate import validate
small, large = sys.argv[1], sys.argv[2]
validate(small)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
r = validate(large)
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
s = r.summary.set_index("table").loc["observations"]
print(json.dumps({"before_kib": before, "peak_kib": after, "seconds": seconds, "read": int(s["read"]),
                  "accepted": int(s["accepted"]), "balanced": bool(r.balanced)}))
"""


def write_observations(path: Path, rows: int) -> int:
    """Write ``rows`` distinct, valid observation rows; return the file size in bytes."""
    from tests.conftest import uscc

    firms = [uscc(i) for i in range(1, 11)]
    problems = ["P1", "P2", "P3", "P4"]
    sources = ["survey", "audit", "spot_check", "complaint"]
    status = ["open", "improving", "resolved"]
    base = dt.date(1970, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("uscc,problem_id,severity,source,observed_on,status\n")
        step = 100_000
        for start in range(0, rows, step):
            fh.write("".join(
                f"{firms[i % 10]},{problems[(i // 10) % 4]},{i % 5 + 1},{sources[(i // 40) % 4]},"
                f"{(base + dt.timedelta(days=i // 160)).isoformat()},{status[i % 3]}\n"
                for i in range(start, min(rows, start + step))))
    return path.stat().st_size


def measure(rows: int, *, whole: bool) -> dict:
    from tests.conftest import write_tiny

    with tempfile.TemporaryDirectory(prefix="cg-mem-") as tmp:
        small = write_tiny(Path(tmp) / "small")
        large = write_tiny(Path(tmp) / "large")
        size = write_observations(large / "observations.csv", rows)
        env = dict(os.environ)
        if whole:
            env["CHAINGRAPH_STREAM_BYTES"] = str(1 << 62)
        p = subprocess.run([sys.executable, "-c", CHILD, str(small), str(large)], capture_output=True, text=True,
                           cwd=ROOT, env=env, check=True)
        out = json.loads(p.stdout.strip().splitlines()[-1])
    delta = (out["peak_kib"] - out["before_kib"]) * 1024
    return {"rows": rows, "file_mb": size / 1e6, "mode": "whole" if whole else "default", **out,
            "delta_mb": delta / 1e6, "bytes_per_row": delta / rows, "file_bytes_per_row": size / rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[250_000, 500_000, 1_000_000, 2_000_000])
    ap.add_argument("--whole", action="store_true", help="only whole-file reading (CHAINGRAPH_STREAM_BYTES huge)")
    ap.add_argument("--both", action="store_true", help="measure the default and whole-file reading")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    modes = [False, True] if args.both else [args.whole]
    results = [measure(n, whole=w) for w in modes for n in args.rows]
    if args.markdown:
        print("| rows | file MB | reading | peak RSS MB | before MB | validate needs MB | bytes / row | s |")
        print("|---:|---:|---|---:|---:|---:|---:|---:|")
        for r in results:
            print(f"| {r['rows']:,} | {r['file_mb']:.0f} | {r['mode']} | {r['peak_kib'] / 1024:.0f} | "
                  f"{r['before_kib'] / 1024:.0f} | {r['delta_mb']:.0f} | {r['bytes_per_row']:.0f} | "
                  f"{r['seconds']:.1f} |")
    else:
        for r in results:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
