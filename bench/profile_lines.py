#!/usr/bin/env python3
"""Line-level profile of one benchmark step: which lines of chaingraph spend the time.

Runs the step in a loop under py-spy (sampling, native-speed, no instrumentation bias)
and attributes the samples to chaingraph source lines: for every line, the time of the
samples whose stack passes through it (inclusive), per call of the step.

Usage::

    pip install py-spy
    python bench/profile_lines.py --store STORE --plan PLAN_JSON --what cp.county [--loops 20]
    python bench/profile_lines.py --data DATA_DIR --what build      # validate + build + save, once

``--what`` is one of the steps of ``bench/run.py`` (``build``, ``reload``, ``cp.county`` …
``exposure``, ``chain_map.html``); ``PLAN_JSON`` is a run's ``plan`` from ``bench/results.json``
(or ``@bench/results.json:1000000`` to take it from there).
"""

from __future__ import annotations

import argparse
import json
import linecache
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*):(?P<line>\d+)\)$")


def _plan(text: str) -> dict:
    if text.startswith("@"):
        path, _, n = text[1:].partition(":")
        return json.loads(Path(path).read_text(encoding="utf-8"))["runs"][n]["plan"]
    return json.loads(text)


def _inner(args: argparse.Namespace) -> None:
    """The measured loop (runs under py-spy)."""
    if args.what == "build":
        from chaingraph.graph import ChainGraph, store

        out = Path(tempfile.mkdtemp(prefix="cg-prof-")) / "s.cgstore"
        t0 = time.perf_counter()
        _measured(lambda: store.save(ChainGraph.from_dataset(args.data), out), 1)
        print(f"build once: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        shutil.rmtree(out.parent, ignore_errors=True)
        return
    from chaingraph.graph import store

    if args.what == "reload":
        _measured(lambda: store.load(args.store), args.loops)
        return
    g = store.load(args.store)
    from bench.run import step_fn

    fn = step_fn(g, _plan(args.plan), args.what, tempfile.mkdtemp(prefix="cg-prof-html-"))
    fn()  # warm-up outside the measured frames
    t0 = time.perf_counter()
    _measured(fn, args.loops)
    print(f"{args.loops} loops: {(time.perf_counter() - t0) / args.loops * 1000:.1f} ms per call", file=sys.stderr)


def _measured(fn, loops: int) -> None:
    for _ in range(loops):
        fn()


def _report(raw: Path, rate: int, loops: int, top: int) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if "_measured" not in stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        ours = []
        for fr in frames:
            m = _FRAME.match(fr.strip())
            if m and (m["file"].startswith("chaingraph/") or "/chaingraph/" in m["file"]):
                ours.append(f"{m['file']}:{m['line']}:{m['func']}")
        for key in set(ours):
            inclusive[key] += n
        if ours:
            own[ours[-1]] += n
    per = 1.0 / rate / loops
    lines = [f"samples in the measured loop: {total} ({total * per:.3f} s per call)", "",
             "| per call | share | line | function | source |", "|---:|---:|---|---|---|"]
    for key, n in inclusive.most_common(top):
        file, ln, func = key.rsplit(":", 2)
        short = "chaingraph/" + file.split("chaingraph/", 1)[1]
        src = linecache.getline(str(ROOT / short), int(ln)).strip().replace("|", "\\|")[:90]
        lines.append(f"| {n * per * 1000:.1f} ms | {n / max(total, 1):.0%} | `{short}:{ln}` | `{func}` | "
                     f"`{src}` |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--what", required=True)
    ap.add_argument("--store")
    ap.add_argument("--data")
    ap.add_argument("--plan", default="{}")
    ap.add_argument("--loops", type=int, default=10)
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        _inner(args)
        return 0
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    raw = Path(tempfile.mkdtemp(prefix="cg-spy-")) / "raw.txt"
    cmd = [spy, "record", "--format", "raw", "--rate", str(args.rate), "-o", str(raw), "--",
           sys.executable, str(Path(__file__).resolve()), "--inner", *sys.argv[1:]]
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    print(_report(raw, args.rate, 1 if args.what == "build" else args.loops, args.top))
    shutil.rmtree(raw.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
